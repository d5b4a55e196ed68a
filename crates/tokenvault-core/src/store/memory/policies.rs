//! Token policies and their versions in memory.

use async_trait::async_trait;

use super::{MemoryStore, PolicyRow, State};
use crate::{
    clock::UnixSeconds,
    ids::{PolicyId, TenantId},
    policy::Policy,
    store::{AuditEvent, Entity, PolicyStore, StoreError},
};

impl State {
    /// Whether another live policy of the tenant holds `key`.
    fn key_taken(&self, tenant: &TenantId, id: &PolicyId, key: Option<&str>) -> bool {
        key.is_some_and(|key| {
            self.policies.iter().any(|((t, other), row)| {
                t == tenant && other != id && !row.deleted && row.key.as_deref() == Some(key)
            })
        })
    }

    /// Stores the next version of a policy; `Conflict` unless the current version is one
    /// less (the rule of every backend).
    pub(super) fn write_policy_version(
        &mut self,
        tenant: &TenantId,
        p: &Policy,
    ) -> Result<(), StoreError> {
        let current = self
            .policies
            .get(&(tenant.clone(), p.id.clone()))
            .filter(|row| !row.deleted && row.version + 1 == p.version)
            .is_some();
        if !current {
            return Err(StoreError::Conflict {
                what: Entity::PolicyVersion,
            });
        }
        if self.key_taken(tenant, &p.id, p.body.key.as_deref()) {
            return Err(StoreError::Conflict {
                what: Entity::PolicyKey,
            });
        }
        if let Some(row) = self.policies.get_mut(&(tenant.clone(), p.id.clone())) {
            row.version = p.version;
            row.key = p.body.key.clone();
        }
        self.policy_versions
            .insert((tenant.clone(), p.id.clone(), p.version), p.clone());
        Ok(())
    }

    fn current(&self, tenant: &TenantId, id: &PolicyId) -> Option<Policy> {
        let row = self.policies.get(&(tenant.clone(), id.clone()))?;
        if row.deleted {
            return None;
        }
        self.policy_versions
            .get(&(tenant.clone(), id.clone(), row.version))
            .cloned()
    }
}

#[async_trait]
impl PolicyStore for MemoryStore {
    async fn insert_policy(
        &self,
        tenant: &TenantId,
        policy: &Policy,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut s = self.state.lock();
        let id = (tenant.clone(), policy.id.clone());
        if s.policies.contains_key(&id)
            || s.key_taken(tenant, &policy.id, policy.body.key.as_deref())
        {
            return Err(StoreError::Conflict {
                what: Entity::Policy,
            });
        }
        s.append_audit(std::slice::from_ref(audit))?;
        s.policies.insert(
            id,
            PolicyRow {
                version: policy.version,
                key: policy.body.key.clone(),
                created_at: policy.created_at,
                deleted: false,
            },
        );
        s.policy_versions.insert(
            (tenant.clone(), policy.id.clone(), policy.version),
            policy.clone(),
        );
        Ok(())
    }

    async fn update_policy(
        &self,
        tenant: &TenantId,
        policy: &Policy,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut s = self.state.lock();
        s.write_policy_version(tenant, policy)?;
        s.append_audit(std::slice::from_ref(audit))
    }

    async fn delete_policy(
        &self,
        tenant: &TenantId,
        id: &PolicyId,
        _at: UnixSeconds,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut s = self.state.lock();
        match s.policies.get(&(tenant.clone(), id.clone())) {
            Some(row) if !row.deleted => {}
            _ => {
                return Err(StoreError::NotFound {
                    what: Entity::Policy,
                })
            }
        }
        s.append_audit(std::slice::from_ref(audit))?;
        if let Some(row) = s.policies.get_mut(&(tenant.clone(), id.clone())) {
            row.deleted = true;
            row.key = None;
        }
        Ok(())
    }

    async fn policy(
        &self,
        tenant: &TenantId,
        id: &PolicyId,
        version: Option<u32>,
    ) -> Result<Option<Policy>, StoreError> {
        let s = self.state.lock();
        Ok(match version {
            None => s.current(tenant, id),
            Some(v) if s.policies.contains_key(&(tenant.clone(), id.clone())) => s
                .policy_versions
                .get(&(tenant.clone(), id.clone(), v))
                .cloned(),
            Some(_) => None,
        })
    }

    async fn policy_by_key(
        &self,
        tenant: &TenantId,
        key: &str,
    ) -> Result<Option<Policy>, StoreError> {
        let s = self.state.lock();
        let id = s.policies.iter().find_map(|((t, id), row)| {
            (t == tenant && !row.deleted && row.key.as_deref() == Some(key)).then(|| id.clone())
        });
        Ok(id.and_then(|id| s.current(tenant, &id)))
    }

    async fn policies(&self, tenant: &TenantId) -> Result<Vec<Policy>, StoreError> {
        let s = self.state.lock();
        let mut live: Vec<(UnixSeconds, PolicyId)> = s
            .policies
            .iter()
            .filter(|((t, _), row)| t == tenant && !row.deleted)
            .map(|((_, id), row)| (row.created_at, id.clone()))
            .collect();
        live.sort_by(|a, b| (a.0, a.1.as_str()).cmp(&(b.0, b.1.as_str())));
        Ok(live
            .into_iter()
            .filter_map(|(_, id)| s.current(tenant, &id))
            .collect())
    }
}
