//! Role mappings, tenant settings and two-person changes in memory.

use async_trait::async_trait;

use super::{MemoryStore, State};
use crate::{
    ids::TenantId,
    store::{
        AccessStore, AuditEvent, ChangeDecision, ChangeEffect, ChangeStatus, Entity, PendingChange,
        StoreError,
    },
};

impl State {
    fn apply_role(&mut self, tenant: &TenantId, role: &str, permissions: Option<&[String]>) {
        let roles = self.roles.entry(tenant.clone()).or_default();
        match permissions {
            Some(p) => {
                roles.insert(role.to_owned(), p.to_vec());
            }
            None => {
                roles.remove(role);
            }
        }
    }

    fn apply_setting(&mut self, tenant: &TenantId, key: &str, value: Option<&str>) {
        let k = (tenant.clone(), key.to_owned());
        match value {
            Some(v) => {
                self.settings.insert(k, v.to_owned());
            }
            None => {
                self.settings.remove(&k);
            }
        }
    }
}

#[async_trait]
impl AccessStore for MemoryStore {
    async fn role_permissions(
        &self,
        tenant: &TenantId,
    ) -> Result<Vec<(String, Vec<String>)>, StoreError> {
        Ok(self
            .state
            .lock()
            .roles
            .get(tenant)
            .map(|r| r.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default())
    }

    async fn set_role_permissions(
        &self,
        tenant: &TenantId,
        role: &str,
        permissions: Option<&[String]>,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut s = self.state.lock();
        s.append_audit(std::slice::from_ref(audit))?;
        s.apply_role(tenant, role, permissions);
        Ok(())
    }

    async fn tenant_setting(
        &self,
        tenant: &TenantId,
        key: &str,
    ) -> Result<Option<String>, StoreError> {
        Ok(self
            .state
            .lock()
            .settings
            .get(&(tenant.clone(), key.to_owned()))
            .cloned())
    }

    async fn set_tenant_setting(
        &self,
        tenant: &TenantId,
        key: &str,
        value: Option<&str>,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut s = self.state.lock();
        s.append_audit(std::slice::from_ref(audit))?;
        s.apply_setting(tenant, key, value);
        Ok(())
    }

    async fn insert_change(
        &self,
        change: &PendingChange,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut s = self.state.lock();
        if s.changes
            .iter()
            .any(|c| c.tenant == change.tenant && c.id == change.id)
        {
            return Err(StoreError::Conflict {
                what: Entity::Change,
            });
        }
        s.append_audit(std::slice::from_ref(audit))?;
        s.changes.push(change.clone());
        Ok(())
    }

    async fn changes(
        &self,
        tenant: &TenantId,
        status: Option<ChangeStatus>,
    ) -> Result<Vec<PendingChange>, StoreError> {
        let s = self.state.lock();
        let mut out: Vec<PendingChange> = s
            .changes
            .iter()
            .filter(|c| &c.tenant == tenant && status.is_none_or(|st| c.status == st))
            .cloned()
            .collect();
        out.sort_by(|a, b| (b.created_at, &b.id).cmp(&(a.created_at, &a.id)));
        out.truncate(1000);
        Ok(out)
    }

    async fn change(
        &self,
        tenant: &TenantId,
        id: &str,
    ) -> Result<Option<PendingChange>, StoreError> {
        Ok(self
            .state
            .lock()
            .changes
            .iter()
            .find(|c| &c.tenant == tenant && c.id == id)
            .cloned())
    }

    async fn decide_change(
        &self,
        tenant: &TenantId,
        id: &str,
        decision: &ChangeDecision,
        effect: Option<ChangeEffect>,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut s = self.state.lock();
        let Some(i) = s
            .changes
            .iter()
            .position(|c| &c.tenant == tenant && c.id == id)
        else {
            return Err(StoreError::NotFound {
                what: Entity::Change,
            });
        };
        if s.changes[i].status != ChangeStatus::Pending {
            return Err(StoreError::Conflict {
                what: Entity::ChangeDecision,
            });
        }
        // The effect first: a policy version that no longer applies refuses the decision.
        match &effect {
            Some(ChangeEffect::Policy(p)) => s.write_policy_version(tenant, p)?,
            Some(ChangeEffect::Role { role, permissions }) => {
                s.apply_role(tenant, role, permissions.as_deref())
            }
            Some(ChangeEffect::Setting { key, value }) => {
                s.apply_setting(tenant, key, value.as_deref())
            }
            None => {}
        }
        s.append_audit(std::slice::from_ref(audit))?;
        let c = &mut s.changes[i];
        c.status = decision.status;
        c.decided_by = Some(decision.decided_by.clone());
        c.decided_at = Some(decision.at);
        Ok(())
    }
}
