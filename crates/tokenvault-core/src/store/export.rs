//! Moving a vault between stores: everything read in order, and written back as it was.

use async_trait::async_trait;

use super::{AuditRecord, DashboardUser, PendingChange, StoreError, TokenRecord};
use crate::{ids::TenantId, policy::Policy};

/// A store's whole contents, read in order, for moving a vault to another store.
#[async_trait]
pub trait StoreExport: Send + Sync {
    /// Every metadata entry (root key check value, wrapped signing keys).
    async fn export_meta(&self) -> Result<Vec<(String, Vec<u8>)>, StoreError>;
    /// Every version of every policy of a tenant.
    async fn export_policies(&self, tenant: &TenantId) -> Result<Vec<Policy>, StoreError>;
    /// Token records in insertion order after `after` (a position this method returned).
    async fn export_tokens(
        &self,
        after: i64,
        limit: usize,
    ) -> Result<Vec<(i64, TokenRecord)>, StoreError>;
    /// Audit records with `seq > after`, in order.
    async fn export_audit(&self, after: u64, limit: usize) -> Result<Vec<AuditRecord>, StoreError>;
    /// Usage counters: `(tenant, period, operations)`.
    async fn export_usage(&self) -> Result<Vec<(String, i64, i64)>, StoreError>;
    /// A tenant's role mapping, settings and every change under the two-person rule.
    async fn export_access(&self, tenant: &TenantId) -> Result<AccessExport, StoreError>;
}

/// A tenant's management-authorization state, as moved between stores.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AccessExport {
    /// Mapped roles with their permissions' wire names.
    pub roles: Vec<(String, Vec<String>)>,
    /// Tenant settings.
    pub settings: Vec<(String, String)>,
    /// Changes, decided or pending.
    pub changes: Vec<PendingChange>,
}

/// Writing exported contents as they are (no new audit events, no recounting). Every method
/// skips what is already there, so an interrupted copy can run again.
#[async_trait]
pub trait StoreImport: Send + Sync {
    /// Metadata entries; an existing entry with another value is a conflict.
    async fn import_meta(&self, entries: &[(String, Vec<u8>)]) -> Result<(), StoreError>;
    /// Policy versions.
    async fn import_policies(
        &self,
        tenant: &TenantId,
        policies: &[Policy],
    ) -> Result<(), StoreError>;
    /// Token records.
    async fn import_tokens(&self, records: &[TokenRecord]) -> Result<(), StoreError>;
    /// Audit records with their sequence numbers and hashes.
    async fn import_audit(&self, records: &[AuditRecord]) -> Result<(), StoreError>;
    /// Usage counters (replacing the target's).
    async fn import_usage(&self, rows: &[(String, i64, i64)]) -> Result<(), StoreError>;
    /// A tenant's role mapping, settings and changes (existing entries are kept).
    async fn import_access(
        &self,
        tenant: &TenantId,
        access: &AccessExport,
    ) -> Result<(), StoreError>;
    /// Dashboard users as they are (password hashes, roles, lock state); existing logins are
    /// kept. Sessions are not moved: people sign in again.
    async fn import_users(&self, users: &[DashboardUser]) -> Result<(), StoreError>;
    /// The highest audit sequence present.
    async fn last_audit_seq(&self) -> Result<u64, StoreError>;
}
