//! Management authorization: the permission check every management endpoint goes through,
//! the role → permission mapping, and the two-person rule for changes that widen access.

use super::{Caller, ServiceError, Vault};
use crate::{
    authz::{check_role_name, Permission, PermissionSet, RoleMapping, ADMIN_ROLE},
    policy::Policy,
    store::{ChangeDecision, ChangeEffect, ChangeStatus, PendingChange, StoreError},
};

/// Most roles one tenant maps (every management request reads the mapping).
pub const MAX_MAPPED_ROLES: usize = 256;

/// Tenant setting: whether changes that widen access need a second approver.
const TWO_PERSON_RULE: &str = "two_person_rule";

/// What a change that may widen access did.
#[derive(Debug, Clone)]
#[must_use = "a change may be pending rather than applied; tell the caller which"]
pub enum ChangeOutcome<T> {
    /// Applied now.
    Applied(T),
    /// Widens access under the two-person rule: waits for a second approver.
    Pending(PendingChange),
}

/// How a change widens access to plaintext, for its audit record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Widening {
    /// Roles newly allowed (policy), or permissions newly held (role).
    pub added: Vec<String>,
    /// Purposes newly allowed (policy).
    pub added_purposes: Vec<String>,
    /// The policy no longer requires a reason.
    pub reason_dropped: bool,
}

impl Widening {
    /// Whether anything widens.
    pub fn widens(&self) -> bool {
        !self.added.is_empty() || !self.added_purposes.is_empty() || self.reason_dropped
    }

    /// Between two policy versions.
    pub fn of_policy(before: &Policy, after: &Policy) -> Self {
        let new = |a: &[String], b: &[String]| -> Vec<String> {
            a.iter().filter(|x| !b.contains(x)).cloned().collect()
        };
        Self {
            added: new(&after.body.allowed_roles, &before.body.allowed_roles),
            added_purposes: new(&after.body.allowed_purposes, &before.body.allowed_purposes),
            reason_dropped: before.body.require_reason && !after.body.require_reason,
        }
    }

    /// Audit detail.
    pub fn detail(&self, added_key: &str) -> serde_json::Value {
        let mut d = serde_json::json!({ "widens_access": self.widens() });
        if let Some(o) = d.as_object_mut() {
            if !self.added.is_empty() {
                o.insert(added_key.into(), self.added.clone().into());
            }
            if !self.added_purposes.is_empty() {
                o.insert("added_purposes".into(), self.added_purposes.clone().into());
            }
            if self.reason_dropped {
                o.insert("reason_no_longer_required".into(), true.into());
            }
        }
        d
    }
}

impl Vault {
    /// The tenant's role → permission mapping.
    pub async fn role_mapping(&self, caller: &Caller) -> Result<RoleMapping, ServiceError> {
        let rows = self.store.role_permissions(&caller.tenant).await?;
        let mut entries = Vec::with_capacity(rows.len());
        for (role, names) in rows {
            // Names are written only after parsing; one that no longer parses is corrupt.
            let set = PermissionSet::parse(&names).map_err(|_| {
                tracing::error!("stored role mapping names an unknown permission");
                ServiceError::Internal
            })?;
            entries.push((role, set));
        }
        Ok(RoleMapping::new(entries))
    }

    /// What the caller may do. API keys hold no management permission.
    pub async fn permissions_of(&self, caller: &Caller) -> Result<PermissionSet, ServiceError> {
        if caller.api_key {
            return Ok(PermissionSet::default());
        }
        if caller.roles.iter().any(|r| r == ADMIN_ROLE) {
            return Ok(PermissionSet::all());
        }
        Ok(self.role_mapping(caller).await?.effective(&caller.roles))
    }

    /// The one permission check: passes when one of the caller's roles holds `permission`;
    /// otherwise records an `access_denied` audit event naming the endpoint and the permission
    /// and refuses with 403.
    pub async fn authorize(
        &self,
        caller: &Caller,
        permission: Permission,
        endpoint: &str,
        trace_id: &str,
    ) -> Result<(), ServiceError> {
        if self.permissions_of(caller).await?.contains(permission) {
            return Ok(());
        }
        let mut audit = self.audit(caller, "access_denied", trace_id);
        audit.result = "denied".into();
        audit.detail = serde_json::json!({
            "endpoint": endpoint,
            "permission": permission.as_str(),
        });
        self.store
            .append_audit(std::slice::from_ref(&audit))
            .await?;
        Err(ServiceError::PermissionDenied(permission))
    }

    /// Whether changes that widen access need a second approver in this tenant.
    pub async fn two_person_rule(&self, caller: &Caller) -> Result<bool, ServiceError> {
        Ok(self
            .store
            .tenant_setting(&caller.tenant, TWO_PERSON_RULE)
            .await?
            .is_some_and(|v| v == "on"))
    }

    /// Turns the two-person rule on or off (audited).
    pub async fn set_two_person_rule(
        &self,
        caller: &Caller,
        on: bool,
        trace_id: &str,
    ) -> Result<ChangeOutcome<bool>, ServiceError> {
        // Turning the rule off removes the second pair of eyes from every later widening, so
        // while it is on, turning it off is itself a change that waits for a second holder
        // of `tenant:settings`.
        if !on && self.two_person_rule(caller).await? {
            let widening = Widening {
                added: vec!["two_person_rule_off".into()],
                ..Widening::default()
            };
            let change = self
                .propose(
                    caller,
                    "two_person_rule_off",
                    TWO_PERSON_RULE,
                    "{}".into(),
                    &widening,
                    trace_id,
                )
                .await?;
            return Ok(ChangeOutcome::Pending(change));
        }
        let mut audit = self.audit(caller, "two_person_rule_set", trace_id);
        audit.result = "allowed".into();
        audit.detail = serde_json::json!({ "on": on });
        let value = if on { Some("on") } else { None };
        self.store
            .set_tenant_setting(&caller.tenant, TWO_PERSON_RULE, value, &audit)
            .await?;
        Ok(ChangeOutcome::Applied(on))
    }

    /// Sets (or with `None` removes) a role's permissions. A change that adds permissions is
    /// audited as widening access and, under the two-person rule, waits for a second holder
    /// of `roles:write`.
    pub async fn set_role(
        &self,
        caller: &Caller,
        role: &str,
        permissions: Option<PermissionSet>,
        trace_id: &str,
    ) -> Result<ChangeOutcome<PermissionSet>, ServiceError> {
        check_role_name(role).map_err(|e| ServiceError::InvalidInput(e.to_string()))?;
        if role == ADMIN_ROLE {
            return Err(ServiceError::InvalidInput(
                "the admin role holds every permission and cannot be changed".into(),
            ));
        }
        let mapping = self.role_mapping(caller).await?;
        if permissions.is_some() && !mapping.has(role) && mapping.len() >= MAX_MAPPED_ROLES {
            return Err(ServiceError::InvalidInput(format!(
                "a tenant maps at most {MAX_MAPPED_ROLES} roles; remove one first"
            )));
        }
        let before = mapping.of_role(role);
        let after = permissions.unwrap_or_default();
        let widening = Widening {
            added: after.added_since(before).names(),
            ..Widening::default()
        };
        let names = permissions.map(PermissionSet::names);
        if widening.widens() && self.two_person_rule(caller).await? {
            let payload = serde_json::json!({ "role": role, "permissions": names }).to_string();
            let change = self
                .propose(caller, "role_set", role, payload, &widening, trace_id)
                .await?;
            return Ok(ChangeOutcome::Pending(change));
        }
        let mut audit = self.audit(caller, "role_set", trace_id);
        audit.result = "allowed".into();
        audit.detail = widening.detail("added_permissions");
        if let Some(o) = audit.detail.as_object_mut() {
            o.insert("role".into(), role.into());
            o.insert("permissions".into(), names.clone().into());
        }
        self.store
            .set_role_permissions(&caller.tenant, role, names.as_deref(), &audit)
            .await?;
        Ok(ChangeOutcome::Applied(after))
    }

    /// Records a change that waits for a second approver.
    pub(crate) async fn propose(
        &self,
        caller: &Caller,
        kind: &str,
        target: &str,
        payload: String,
        widening: &Widening,
        trace_id: &str,
    ) -> Result<PendingChange, ServiceError> {
        let change = PendingChange {
            id: tokenvault_crypto::random::random_id("chg_"),
            tenant: caller.tenant.clone(),
            kind: kind.to_owned(),
            target: target.to_owned(),
            payload,
            proposed_by: caller.actor.clone(),
            created_at: self.clock.now(),
            status: ChangeStatus::Pending,
            decided_by: None,
            decided_at: None,
        };
        let mut audit = self.audit(caller, "change_proposed", trace_id);
        audit.result = "pending".into();
        audit.detail = widening.detail("added");
        if let Some(o) = audit.detail.as_object_mut() {
            o.insert("change_id".into(), change.id.clone().into());
            o.insert("kind".into(), kind.into());
            o.insert("target".into(), target.into());
        }
        self.store.insert_change(&change, &audit).await?;
        Ok(change)
    }

    /// The tenant's changes, newest first.
    pub async fn changes(
        &self,
        caller: &Caller,
        status: Option<&str>,
    ) -> Result<Vec<PendingChange>, ServiceError> {
        let status = status
            .map(|s| {
                ChangeStatus::parse(s).ok_or_else(|| {
                    ServiceError::InvalidInput(
                        "status must be pending, approved or rejected".into(),
                    )
                })
            })
            .transpose()?;
        Ok(self.store.changes(&caller.tenant, status).await?)
    }

    /// Approves (applying it) or rejects a pending change. Approval needs a holder of the
    /// change's permission other than its proposer; the proposer may withdraw (reject) it.
    pub async fn decide_change(
        &self,
        caller: &Caller,
        id: &str,
        approve: bool,
        trace_id: &str,
    ) -> Result<PendingChange, ServiceError> {
        let change = self
            .store
            .change(&caller.tenant, id)
            .await?
            .ok_or(ServiceError::NotFound("change"))?;
        let permission = match change.kind.as_str() {
            "policy_update" => Permission::PoliciesWrite,
            "two_person_rule_off" => Permission::TenantSettings,
            _ => Permission::RolesWrite,
        };
        let endpoint = if approve {
            "POST /api/v1/tokens/changes/{id}/approve"
        } else {
            "POST /api/v1/tokens/changes/{id}/reject"
        };
        let own = change.proposed_by == caller.actor;
        if !own || approve {
            self.authorize(caller, permission, endpoint, trace_id)
                .await?;
        }
        if approve && own {
            return Err(ServiceError::AccessDenied(
                "the two-person rule needs a second person: a change cannot be approved by the one who proposed it".into(),
            ));
        }
        let effect = if approve {
            Some(self.effect_of(&change)?)
        } else {
            None
        };
        let (status, action) = if approve {
            (ChangeStatus::Approved, "change_approved")
        } else {
            (ChangeStatus::Rejected, "change_rejected")
        };
        let mut audit = self.audit(caller, action, trace_id);
        audit.result = "allowed".into();
        audit.detail = serde_json::json!({
            "change_id": change.id, "kind": change.kind, "target": change.target,
            "proposed_by": change.proposed_by,
        });
        if let Some(ChangeEffect::Policy(p)) = &effect {
            audit.policy_id = Some(p.id.to_string());
            audit.policy_version = Some(p.version);
        }
        let now = self.clock.now();
        match self
            .store
            .decide_change(
                &caller.tenant,
                id,
                &ChangeDecision {
                    status,
                    decided_by: caller.actor.clone(),
                    at: now,
                },
                effect,
                &audit,
            )
            .await
        {
            Ok(()) => {}
            Err(StoreError::Conflict {
                what: crate::store::Entity::ChangeDecision,
            }) => {
                return Err(ServiceError::Conflict(
                    "the change was already decided".into(),
                ))
            }
            Err(StoreError::Conflict { .. }) => return Err(ServiceError::Conflict(
                "the policy changed since this change was proposed; reject it and propose again"
                    .into(),
            )),
            Err(StoreError::NotFound { .. }) => return Err(ServiceError::NotFound("change")),
            Err(e) => return Err(e.into()),
        }
        Ok(PendingChange {
            status,
            decided_by: Some(caller.actor.clone()),
            decided_at: Some(now),
            ..change
        })
    }

    fn effect_of(&self, change: &PendingChange) -> Result<ChangeEffect, ServiceError> {
        let corrupt = || {
            tracing::error!(change = %change.id, "a pending change is unreadable");
            ServiceError::Internal
        };
        match change.kind.as_str() {
            "policy_update" => {
                let mut p: Policy = serde_json::from_str(&change.payload).map_err(|_| corrupt())?;
                p.updated_at = self.clock.now();
                Ok(ChangeEffect::Policy(Box::new(p)))
            }
            "role_set" => {
                #[derive(serde::Deserialize)]
                struct RoleSet {
                    role: String,
                    permissions: Option<Vec<String>>,
                }
                let r: RoleSet = serde_json::from_str(&change.payload).map_err(|_| corrupt())?;
                Ok(ChangeEffect::Role {
                    role: r.role,
                    permissions: r.permissions,
                })
            }
            "two_person_rule_off" => Ok(ChangeEffect::Setting {
                key: TWO_PERSON_RULE.to_owned(),
                value: None,
            }),
            _ => Err(corrupt()),
        }
    }
}
