//! The records the store keeps, as the domain sees them.

use crate::{
    clock::UnixSeconds,
    ids::{PolicyId, TenantId, TokenId},
    pii::PiiType,
    token::Mode,
};

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

/// The number of a tenant's records of one type and mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenBreakdown {
    /// The type.
    pub pii_type: PiiType,
    /// The mode.
    pub mode: Mode,
    /// Records.
    pub count: u64,
}

/// A person who signs in to the dashboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DashboardUser {
    /// The tenant the user works in.
    pub tenant: TenantId,
    /// The sign-in name, lower-case, unique across the vault.
    pub login: String,
    /// The password's Argon2id hash (a PHC string, salt and parameters included).
    pub password_hash: String,
    /// Roles, as a JWT's: they decide what each page shows and allows.
    pub roles: Vec<String>,
    /// When created.
    pub created_at: UnixSeconds,
    /// Failed sign-ins since the last success.
    pub failed_logins: u32,
    /// Sign-in refused until then (too many failures).
    pub locked_until: Option<UnixSeconds>,
    /// Sign-in refused and sessions ended.
    pub disabled: bool,
}

/// A signed-in dashboard session. Only hashes of its secrets are stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// SHA-256 of the session cookie's value.
    pub id_hash: [u8; 32],
    /// The user's tenant.
    pub tenant: TenantId,
    /// The user.
    pub login: String,
    /// SHA-256 of the CSRF token every request of the session carries in a header.
    pub csrf_hash: [u8; 32],
    /// When signed in.
    pub created_at: UnixSeconds,
    /// When it expires.
    pub expires_at: UnixSeconds,
    /// When signed out or ended by an administrator.
    pub ended_at: Option<UnixSeconds>,
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

/// One blind-index entry of an object: a property's value digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexEntry {
    /// The property, lower-cased.
    pub property: String,
    /// The value's keyed digest.
    pub digest: [u8; 32],
    /// At most one live object of the collection may have it.
    pub unique: bool,
}

/// An object of the object vault as stored: sealed values and their blind indexes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectRecord {
    /// Its id (a UUID).
    pub id: String,
    /// Its collection, lower-cased.
    pub collection: String,
    /// When created.
    pub created_at: UnixSeconds,
    /// When last changed.
    pub modified_at: UnixSeconds,
    /// When it expires, if it has a TTL.
    pub expires_at: Option<UnixSeconds>,
    /// When soft-deleted.
    pub deleted_at: Option<UnixSeconds>,
    /// The sealed values.
    pub values: crate::objects::SealedValues,
    /// Blind indexes of its unique and indexed properties.
    pub index: Vec<IndexEntry>,
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
    /// Only this purpose.
    pub purpose: Option<String>,
    /// Only events at or after this time.
    pub since: Option<UnixSeconds>,
    /// Only events before this time.
    pub until: Option<UnixSeconds>,
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
    /// The tenant key version the records were made under; the commit is refused
    /// (`Conflict` on [`Entity::KeyVersion`](super::Entity::KeyVersion)) when the tenant has a
    /// newer one ([`check_key_version`](super::check_key_version)).
    pub key_version: u32,
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
