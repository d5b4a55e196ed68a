//! Persistence of management authorization: each tenant's role → permission mapping, its
//! settings, and the changes waiting for a second approver under the two-person rule.

use async_trait::async_trait;

use super::{AuditEvent, StoreError};
use crate::{clock::UnixSeconds, ids::TenantId, policy::Policy};

/// Where a pending change stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeStatus {
    /// Waiting for a second holder of the permission.
    Pending,
    /// Approved and applied.
    Approved,
    /// Rejected; nothing changed.
    Rejected,
}

impl ChangeStatus {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeStatus::Pending => "pending",
            ChangeStatus::Approved => "approved",
            ChangeStatus::Rejected => "rejected",
        }
    }

    /// Parses a wire name.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Pending, Self::Approved, Self::Rejected]
            .into_iter()
            .find(|c| c.as_str() == s)
    }
}

/// A change that widens access to plaintext, proposed under the two-person rule.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingChange {
    /// Id (`chg_…`).
    pub id: String,
    /// Owner.
    pub tenant: TenantId,
    /// `policy_update`, `role_set` or `two_person_rule_off`.
    pub kind: String,
    /// The policy id or the role name.
    pub target: String,
    /// What applying it does, as JSON (the new policy version, or the role's permissions).
    pub payload: String,
    /// Who proposed it.
    pub proposed_by: String,
    /// When.
    pub created_at: UnixSeconds,
    /// Where it stands.
    pub status: ChangeStatus,
    /// Who approved or rejected it.
    pub decided_by: Option<String>,
    /// When.
    pub decided_at: Option<UnixSeconds>,
}

/// What approving a change applies, in the same transaction as the decision.
#[derive(Debug, Clone)]
pub enum ChangeEffect {
    /// A new policy version (fails with `Conflict` unless the current version is one less).
    Policy(Box<Policy>),
    /// A tenant setting (none clears it).
    Setting {
        /// The setting.
        key: String,
        /// Its value.
        value: Option<String>,
    },
    /// A role's permissions (none removes the mapping).
    Role {
        /// The role.
        role: String,
        /// Its permissions' wire names.
        permissions: Option<Vec<String>>,
    },
}

/// A decision on a pending change.
#[derive(Debug, Clone)]
pub struct ChangeDecision {
    /// `Approved` or `Rejected`.
    pub status: ChangeStatus,
    /// Who decided.
    pub decided_by: String,
    /// When.
    pub at: UnixSeconds,
}

/// Persistence of management authorization.
#[async_trait]
pub trait AccessStore: Send + Sync {
    /// A tenant's mapped roles with their permissions' wire names.
    async fn role_permissions(
        &self,
        tenant: &TenantId,
    ) -> Result<Vec<(String, Vec<String>)>, StoreError>;
    /// Sets (or with `None` removes) a role's permissions, with its audit event, in one
    /// transaction.
    async fn set_role_permissions(
        &self,
        tenant: &TenantId,
        role: &str,
        permissions: Option<&[String]>,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    /// A tenant setting.
    async fn tenant_setting(
        &self,
        tenant: &TenantId,
        key: &str,
    ) -> Result<Option<String>, StoreError>;
    /// Sets (or with `None` clears) a tenant setting, with its audit event.
    async fn set_tenant_setting(
        &self,
        tenant: &TenantId,
        key: &str,
        value: Option<&str>,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    /// Records a proposed change, with its audit event.
    async fn insert_change(
        &self,
        change: &PendingChange,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    /// A tenant's changes, newest first, optionally only those in one status.
    async fn changes(
        &self,
        tenant: &TenantId,
        status: Option<ChangeStatus>,
    ) -> Result<Vec<PendingChange>, StoreError>;
    /// One change of the tenant.
    async fn change(
        &self,
        tenant: &TenantId,
        id: &str,
    ) -> Result<Option<PendingChange>, StoreError>;
    /// Decides a pending change and applies `effect` when given, with the audit event, in one
    /// transaction. `Conflict` if the change is no longer pending (decided on another node),
    /// `NotFound` if there is no such change in the tenant.
    async fn decide_change(
        &self,
        tenant: &TenantId,
        id: &str,
        decision: &ChangeDecision,
        effect: Option<ChangeEffect>,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
}
