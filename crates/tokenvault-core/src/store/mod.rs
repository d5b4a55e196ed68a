//! What the domain needs from persistence. SQL lives in `tokenvault-store`, which implements
//! the aggregate traits of [`aggregates`] for SQLite and PostgreSQL; [`memory::MemoryStore`]
//! implements them in memory for the domain's fast tests. The domain never sees a query.
//!
//! Every method that changes state is one transaction: a tokenize batch with its idempotency
//! record, usage and audit event commits or vanishes as a whole; a grant is consumed in the
//! same transaction as the audit record of its use. Rules every backend applies (the audit
//! chain, the quota, first-record-wins) are written once, in [`audit_chain`] and [`rules`].

mod access;
mod aggregates;
pub mod audit_chain;
mod error;
mod export;
pub mod memory;
mod records;
mod rules;

pub use access::{AccessStore, ChangeDecision, ChangeEffect, ChangeStatus, PendingChange};
pub use aggregates::{
    ApiKeyStore, AuditStore, CollectionStore, DashboardStore, GrantStore, ObjectStore,
    ObjectTokenStore, PolicyStore, TenantStore, TokenStore, UsageStore, VaultStore,
};
pub use audit_chain::{AuditLink, ChainHead, NewLink};
pub use error::{Entity, StoreError};
pub use export::{AccessExport, StoreExport, StoreImport};
pub use records::*;

pub use rules::{check_key_version, check_quota, BatchRecords};

/// Lowercase hex of a digest, for audit listings.
pub fn hex_digest(d: &[u8; 32]) -> String {
    hex::encode(d)
}

/// Every store trait, for calling store methods on a concrete backend.
pub mod prelude {
    pub use super::{
        AccessStore, ApiKeyStore, AuditStore, CollectionStore, DashboardStore, GrantStore,
        ObjectStore, ObjectTokenStore, PolicyStore, StoreExport, StoreImport, TenantStore,
        TokenStore, UsageStore, VaultStore,
    };
    pub use crate::keys::TenantKeyStore;
}
