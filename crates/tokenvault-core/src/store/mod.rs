//! What the domain needs from persistence. SQL lives in `tokenvault-store`, which implements
//! [`VaultStore`] for SQLite (and PostgreSQL); the domain never sees a query.
//!
//! Every method that changes state is one transaction: a tokenize batch with its idempotency
//! record, usage and audit event commits or vanishes as a whole; a grant is consumed in the
//! same transaction as the audit record of its use.

mod access;

use async_trait::async_trait;

pub use access::{AccessStore, ChangeDecision, ChangeEffect, ChangeStatus, PendingChange};

use crate::{
    clock::UnixSeconds,
    ids::{PolicyId, TenantId, TokenId},
    keys::TenantKeyStore,
    pii::PiiType,
    policy::Policy,
    token::Mode,
};

/// Why the store failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// A unique value (policy id or key, API key, grant id) is taken.
    #[error("{what} already exists")]
    Conflict {
        /// What collided.
        what: Entity,
    },
    /// The record to change does not exist (in this tenant).
    #[error("{what} not found")]
    NotFound {
        /// What was missing.
        what: Entity,
    },
    /// The period's quota would be exceeded.
    #[error("quota of {quota} operations per period exceeded")]
    QuotaExceeded {
        /// The quota.
        quota: u64,
    },
    /// Stored data does not read back as what was written (a bug, or tampering): not the
    /// caller's fault and not worth a retry.
    #[error("stored {what} is unreadable")]
    Corrupt {
        /// What could not be read.
        what: &'static str,
    },
    /// The backend failed; the detail is for logs and carries no PII or key material.
    #[error("store unavailable: {detail}")]
    Unavailable {
        /// What went wrong.
        detail: String,
    },
}

/// What a conflict or a missing record is about: callers match on these, never on text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Entity {
    /// A tenant.
    Tenant,
    /// A policy (by id, or by id and key on create).
    Policy,
    /// A policy's detection key.
    PolicyKey,
    /// A policy version (written concurrently).
    PolicyVersion,
    /// An API key.
    ApiKey,
    /// A grant (its id, consumed once).
    Grant,
    /// A tokenize request's idempotency key.
    IdempotencyKey,
    /// A token record.
    Token,
    /// A row of an import (a record that already exists).
    Record,
    /// A pending change.
    Change,
    /// A decision on a pending change (already decided).
    ChangeDecision,
    /// Another vault's root or signing keys in the target of an import.
    Metadata,
}

impl std::fmt::Display for Entity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Entity::Tenant => "tenant",
            Entity::Policy => "policy",
            Entity::PolicyKey => "policy key",
            Entity::PolicyVersion => "policy version",
            Entity::ApiKey => "api key",
            Entity::Grant => "grant",
            Entity::IdempotencyKey => "idempotency key",
            Entity::Token => "token",
            Entity::Record => "record",
            Entity::Change => "change",
            Entity::ChangeDecision => "change decision",
            Entity::Metadata => "metadata (another vault's root or signing keys)",
        })
    }
}

/// A tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantRecord {
    /// Its id.
    pub id: TenantId,
    /// Display name.
    pub name: String,
    /// When created.
    pub created_at: UnixSeconds,
    /// Emergency stop: while on, nothing is tokenized or detokenized.
    pub kill_switch: bool,
    /// Billable operations allowed per period; none means unlimited.
    pub quota: Option<u64>,
}

/// An API key, as stored: only its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKeyRecord {
    /// Public id (`key_…`), shown in listings.
    pub id: String,
    /// Owner.
    pub tenant: TenantId,
    /// SHA-256 of the secret key.
    pub hash: [u8; 32],
    /// Label.
    pub name: String,
    /// When created.
    pub created_at: UnixSeconds,
    /// When revoked.
    pub revoked_at: Option<UnixSeconds>,
}

/// A vault record. It holds no plaintext: only ciphertext forms and metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    /// Record id.
    pub token_id: TokenId,
    /// Owner.
    pub tenant: TenantId,
    /// Type.
    pub pii_type: PiiType,
    /// Mode.
    pub mode: Mode,
    /// Scope, as `Scope`'s display form.
    pub scope: String,
    /// Tenant key version.
    pub key_version: u32,
    /// Policy it was made under.
    pub policy_id: PolicyId,
    /// And its version.
    pub policy_version: u32,
    /// The token in its canonical shape; `token_id` is its keyed digest.
    pub stored_token: String,
    /// The token as returned to the client when it was made (differs from `stored_token`
    /// only for format-preserving tokens rendered in the client's layout).
    pub token: String,
    /// Randomized records: the wrapped data key.
    pub wrapped_dek: Option<Vec<u8>>,
    /// When created.
    pub created_at: UnixSeconds,
    /// When it expires.
    pub expires_at: Option<UnixSeconds>,
    /// When revoked.
    pub revoked_at: Option<UnixSeconds>,
    /// Why.
    pub revoke_reason: Option<String>,
}

/// A record's lifecycle state at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenStatus {
    /// Usable.
    Active,
    /// Revoked.
    Revoked,
    /// Past its TTL.
    Expired,
}

impl TokenStatus {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenStatus::Active => "active",
            TokenStatus::Revoked => "revoked",
            TokenStatus::Expired => "expired",
        }
    }

    /// Parses a wire name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "active" => Some(TokenStatus::Active),
            "revoked" => Some(TokenStatus::Revoked),
            "expired" => Some(TokenStatus::Expired),
            _ => None,
        }
    }
}

impl TokenRecord {
    /// The status at `now`: revocation wins over expiry.
    pub fn status(&self, now: UnixSeconds) -> TokenStatus {
        if self.revoked_at.is_some() {
            TokenStatus::Revoked
        } else if self.expires_at.is_some_and(|e| e <= now) {
            TokenStatus::Expired
        } else {
            TokenStatus::Active
        }
    }
}

/// An audit event before it is chained. No field may carry plaintext PII.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AuditEvent {
    /// Owner.
    pub tenant: String,
    /// When.
    pub at: UnixSeconds,
    /// `tokenize`, `grant`, `detokenize`, `revoke`, `policy_create`, `policy_update`, …
    pub action: String,
    /// Who (user id, or `api_key:<id>`).
    pub actor: String,
    /// Their roles.
    pub roles: Vec<String>,
    /// Stated purpose.
    pub purpose: Option<String>,
    /// Stated reason.
    pub reason: Option<String>,
    /// Tokens involved.
    pub token_ids: Vec<String>,
    /// `allowed`, `denied`, `partial`, `fail_open`, …
    pub result: String,
    /// Correlation id.
    pub trace_id: String,
    /// Policy applied.
    pub policy_id: Option<String>,
    /// Its version.
    pub policy_version: Option<u32>,
    /// Structured details (per-item statuses, denial codes). Never values.
    pub detail: serde_json::Value,
}

/// An audit event as stored: sequence number and hash chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    /// Global sequence, from 1.
    pub seq: u64,
    /// The event.
    pub event: AuditEvent,
    /// Hash of the previous record (zeros for the first).
    pub prev_hash: [u8; 32],
    /// `SHA-256(prev_hash || canonical JSON of the event)`.
    pub hash: [u8; 32],
}

/// Filters of `GET /audit`.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only this action.
    pub action: Option<String>,
    /// Only this actor.
    pub actor: Option<String>,
    /// Only events naming this token.
    pub token_id: Option<String>,
    /// Only this trace.
    pub trace_id: Option<String>,
    /// Only this result.
    pub result: Option<String>,
}

/// Filters of `GET /vault`.
#[derive(Debug, Clone, Default)]
pub struct VaultFilter {
    /// Only this type.
    pub pii_type: Option<PiiType>,
    /// Only this status.
    pub status: Option<TokenStatus>,
}

/// The idempotency record of a tokenize request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyRecord {
    /// The client's key.
    pub key: String,
    /// SHA-256 of the canonical request.
    pub request_hash: [u8; 32],
    /// The service's receipt of the first answer (record ids and item outcomes; never
    /// values), opaque to the store.
    pub response: String,
    /// When it was stored.
    pub created_at: UnixSeconds,
}

/// Everything one tokenize request writes, in one transaction.
#[derive(Clone)]
pub struct TokenizeCommit {
    /// Owner.
    pub tenant: TenantId,
    /// New records. One whose id already exists (the same deterministic or format-preserving
    /// token, made concurrently) is not inserted; the existing record is returned instead.
    pub records: Vec<TokenRecord>,
    /// Billable operations to count.
    pub operations: u64,
    /// The period they count in (start of the calendar month, UTC).
    pub period: UnixSeconds,
    /// The tenant's quota, checked inside the transaction.
    pub quota: Option<u64>,
    /// Stored with the request's receipt, when the request had a key.
    pub idempotency: Option<IdempotencyRecord>,
    /// The audit event of the request; the store sets its `token_ids` to the resolved records.
    pub audit: AuditEvent,
}

impl std::fmt::Debug for TokenizeCommit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenizeCommit")
            .field("tenant", &self.tenant)
            .field("records", &self.records.len())
            .field("operations", &self.operations)
            .finish_non_exhaustive()
    }
}

/// Counts of `GET /usage`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UsageCounts {
    /// All records.
    pub created: u64,
    /// Active.
    pub active: u64,
    /// Revoked.
    pub revoked: u64,
    /// Expired.
    pub expired: u64,
    /// Operations in the period.
    pub operations: u64,
}

/// Persistence of the vault.
#[async_trait]
pub trait VaultStore: TenantKeyStore + AccessStore {
    /// Whether the store answers.
    async fn ping(&self) -> Result<(), StoreError>;
    /// Stores `value` under `key` unless a value is there; returns the value now stored
    /// (so concurrent first starts of several nodes agree on one).
    async fn meta_get_or_insert(&self, key: &str, value: &[u8]) -> Result<Vec<u8>, StoreError>;

    /// Adds a tenant.
    async fn create_tenant(&self, tenant: &TenantRecord) -> Result<(), StoreError>;
    /// A tenant.
    async fn tenant(&self, id: &TenantId) -> Result<Option<TenantRecord>, StoreError>;
    /// All tenants.
    async fn tenants(&self) -> Result<Vec<TenantRecord>, StoreError>;
    /// Turns the kill switch on or off.
    async fn set_kill_switch(&self, id: &TenantId, on: bool) -> Result<(), StoreError>;
    /// Sets the quota.
    async fn set_quota(&self, id: &TenantId, quota: Option<u64>) -> Result<(), StoreError>;

    /// Adds an API key.
    async fn insert_api_key(&self, key: &ApiKeyRecord) -> Result<(), StoreError>;
    /// The key with this hash, revoked or not.
    async fn api_key_by_hash(&self, hash: &[u8; 32]) -> Result<Option<ApiKeyRecord>, StoreError>;
    /// A tenant's keys.
    async fn api_keys(&self, tenant: &TenantId) -> Result<Vec<ApiKeyRecord>, StoreError>;
    /// Revokes a key.
    async fn revoke_api_key(
        &self,
        tenant: &TenantId,
        id: &str,
        at: UnixSeconds,
    ) -> Result<(), StoreError>;

    /// Adds a policy at version 1, with an audit event.
    async fn insert_policy(
        &self,
        tenant: &TenantId,
        policy: &Policy,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    /// Stores a new version; fails with `Conflict` unless the current version is
    /// `policy.version - 1`.
    async fn update_policy(
        &self,
        tenant: &TenantId,
        policy: &Policy,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    /// Deletes a policy: it no longer applies and its key is free; its versions stay for the
    /// history. `NotFound` if there is no such live policy.
    async fn delete_policy(
        &self,
        tenant: &TenantId,
        id: &PolicyId,
        at: UnixSeconds,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    /// The current version, or a given one (a deleted policy has no current version, but its
    /// versions can still be read by number).
    async fn policy(
        &self,
        tenant: &TenantId,
        id: &PolicyId,
        version: Option<u32>,
    ) -> Result<Option<Policy>, StoreError>;
    /// The current version of the policy with this key.
    async fn policy_by_key(
        &self,
        tenant: &TenantId,
        key: &str,
    ) -> Result<Option<Policy>, StoreError>;
    /// Current versions of all policies.
    async fn policies(&self, tenant: &TenantId) -> Result<Vec<Policy>, StoreError>;

    /// Writes a tokenize request. Returns, for each record in `commit.records`, the record now
    /// in the vault (the existing one where its id was already taken).
    async fn commit_tokenize(&self, commit: TokenizeCommit)
        -> Result<Vec<TokenRecord>, StoreError>;
    /// The idempotency record of a key.
    async fn idempotency(
        &self,
        tenant: &TenantId,
        key: &str,
    ) -> Result<Option<IdempotencyRecord>, StoreError>;
    /// Records by id.
    async fn tokens_by_id(
        &self,
        tenant: &TenantId,
        ids: &[TokenId],
    ) -> Result<Vec<TokenRecord>, StoreError>;
    /// A page of records, newest first, after `cursor` (the last `(created_at, token_id)`).
    async fn list_tokens(
        &self,
        tenant: &TenantId,
        filter: &VaultFilter,
        now: UnixSeconds,
        after: Option<(UnixSeconds, String)>,
        limit: usize,
    ) -> Result<Vec<TokenRecord>, StoreError>;
    /// Revokes a record with an audit event; returns it as now stored. Revoking a revoked
    /// record keeps the first revocation.
    async fn revoke_token(
        &self,
        tenant: &TenantId,
        id: &TokenId,
        reason: &str,
        at: UnixSeconds,
        audit: &AuditEvent,
    ) -> Result<TokenRecord, StoreError>;

    /// Marks a grant used, counts operations and appends the audit event, in one
    /// transaction. `Conflict` if the grant was used before (on any node).
    async fn consume_grant(
        &self,
        tenant: &TenantId,
        jti: &str,
        expires_at: UnixSeconds,
        operations: u64,
        period: UnixSeconds,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;

    /// Appends audit events.
    async fn append_audit(&self, events: &[AuditEvent]) -> Result<(), StoreError>;
    /// A page of a tenant's audit records, newest first, before `before_seq`.
    async fn audit(
        &self,
        tenant: &TenantId,
        filter: &AuditFilter,
        before_seq: Option<u64>,
        limit: usize,
    ) -> Result<Vec<AuditRecord>, StoreError>;
    /// Walks the whole chain; returns the number of records, or the first broken sequence.
    async fn verify_audit_chain(&self) -> Result<Result<u64, u64>, StoreError>;

    /// Usage counts of a tenant at `now` for the period starting at `period`.
    async fn usage(
        &self,
        tenant: &TenantId,
        now: UnixSeconds,
        period: UnixSeconds,
    ) -> Result<UsageCounts, StoreError>;
}

/// Lowercase hex of a digest, for audit listings.
pub fn hex_digest(d: &[u8; 32]) -> String {
    hex::encode(d)
}

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
    /// The highest audit sequence present.
    async fn last_audit_seq(&self) -> Result<u64, StoreError>;
}
