//! Wire types of the tokens API (seed 002), shared by the server and the typed client.
//!
//! Field names are the contract: they are exactly those of the specification.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod error_code;
pub mod pii;

pub use error_code::ErrorCode;

use serde::{Deserialize, Serialize};

/// The header clients send their SDK version in.
pub const SDK_VERSION_HEADER: &str = "x-tokenvault-sdk-version";
/// The major SDK version this server speaks.
pub const SDK_MAJOR: u64 = 1;
/// Most items in one tokenize request.
pub const MAX_TOKENIZE_ITEMS: usize = 1000;
/// Most token ids in one grant or detokenize request.
pub const MAX_GRANT_TOKENS: usize = 100;
/// Longest idempotency key.
pub const MAX_IDEMPOTENCY_KEY_LEN: usize = 256;

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// One value to tokenize.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenizeItem {
    /// The raw PII value.
    pub value: String,
    /// Its type.
    pub pii_type: String,
    /// Mode override.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// Detection confidence (0.0–1.0); absent means the caller asserts the type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
    /// Context labels for the policy's label filters.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<String>,
    /// Data source, for connector-scoped deterministic tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector_id: Option<String>,
    /// Table or bucket, for resource-scoped tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    /// Column, for field-scoped tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field_id: Option<String>,
}

/// `POST /tokenize`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenizeRequest {
    /// Values to tokenize (at most 1,000).
    pub items: Vec<TokenizeItem>,
    /// The policy to apply.
    pub policy_id: String,
    /// Deduplication key (at most 256 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<String>,
    /// `BEST_EFFORT` (default) or `ALL_OR_NOTHING`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_mode: Option<String>,
    /// Require this policy version; a request made against another version is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_policy_version: Option<u32>,
    /// Caller's trace id, echoed back and written to the audit trail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
}

/// A per-item error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemError {
    /// One of the error codes.
    pub code: String,
    /// What to fix.
    pub message: String,
}

/// The outcome of one item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenizeResult {
    /// The token (absent unless `TOKENIZED`).
    pub token: Option<String>,
    /// The vault record (absent unless `TOKENIZED`).
    pub token_id: Option<String>,
    /// `TOKENIZED`, `SKIPPED` or `FAILED`.
    pub status: String,
    /// The mode used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// Why the item was skipped (`POLICY_DISABLED`, `NO_RULE_FOR_TYPE`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Why the item failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ItemError>,
    /// When the token expires (RFC 3339), if its rule has a TTL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    /// With status `MASKED`: the value masked by its rule (nothing is stored).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub masked: Option<String>,
}

/// Response of `POST /tokenize`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenizeResponse {
    /// One result per item, in order.
    pub results: Vec<TokenizeResult>,
    /// Items tokenized.
    pub success_count: usize,
    /// Items that failed (see each result's `error`).
    pub failure_count: usize,
    /// Items the policy skipped (see each result's `reason`).
    #[serde(default)]
    pub skipped_count: usize,
    /// Items their rule masked (`action: mask`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub masked_count: usize,
    /// The policy version applied.
    pub batch_policy_version: u32,
    /// The request's trace id.
    pub trace_id: String,
    /// Present and true on `?dry_run=true`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub dry_run: bool,
}

/// `POST /grant`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrantRequest {
    /// Token ids (at most 100).
    pub token_ids: Vec<String>,
    /// Must be allowed by each token's policy.
    pub purpose: String,
    /// Required where the policy requires it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Caller's trace id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
}

/// Response of `POST /grant`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantResponse {
    /// The single-use grant.
    pub grant_jwt: String,
    /// 300.
    pub expires_in_seconds: u64,
    /// The request's trace id.
    pub trace_id: String,
}

/// `POST /detokenize`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DetokenizeRequest {
    /// Token ids or token values.
    pub tokens: Vec<String>,
    /// The grant.
    pub grant_jwt: String,
    /// Caller's trace id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
}

/// One detokenized token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DetokenizeResult {
    /// The token id (or the token as sent, when it matched no record).
    pub token_id: String,
    /// `GRANTED`, `NOT_FOUND`, `REVOKED`, `EXPIRED` or `DENIED`.
    pub status: String,
    /// The value in its type's canonical form, when granted.
    pub value: Option<String>,
    /// When the token was revoked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<String>,
    /// When the token expired.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expired_at: Option<String>,
    /// The value's type, when granted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pii_type: Option<String>,
}

/// Response of `POST /detokenize`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DetokenizeResponse {
    /// One result per requested token, in order.
    pub results: Vec<DetokenizeResult>,
    /// `GRANTED` results.
    pub success_count: usize,
    /// The others.
    pub failure_count: usize,
    /// The request's trace id.
    pub trace_id: String,
}

/// One vault record, without any secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultEntry {
    /// Record id.
    pub token_id: String,
    /// The token itself (what clients hold; no plaintext), for a grant and a detokenize.
    #[serde(default)]
    pub token: String,
    /// Type.
    pub pii_type: String,
    /// Mode.
    pub mode: String,
    /// Deterministic scope (`global`, `connector:<id>`, …).
    pub scope: String,
    /// `active`, `revoked` or `expired`.
    pub status: String,
    /// Policy the token was made under.
    pub policy_id: String,
    /// Its version then.
    pub policy_version: u32,
    /// Tenant key version.
    pub key_version: u32,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub expires_at: Option<String>,
    /// RFC 3339.
    pub revoked_at: Option<String>,
    /// Why it was revoked.
    pub revoke_reason: Option<String>,
}

/// Response of `GET /vault`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultPage {
    /// Entries, newest first.
    pub entries: Vec<VaultEntry>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
    /// Whether another page exists.
    pub has_more: bool,
}

/// `DELETE /vault/:token_id` body.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevokeRequest {
    /// Why (required).
    #[serde(default)]
    pub reason: Option<String>,
}

/// Response of `DELETE /vault/:token_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevokeResponse {
    /// The record.
    pub token_id: String,
    /// `revoked`.
    pub status: String,
    /// RFC 3339.
    pub revoked_at: String,
    /// The request's trace id.
    pub trace_id: String,
}

/// Response of `GET /usage`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageResponse {
    /// Tokens ever created.
    pub tokens_created: u64,
    /// Active now.
    pub active: u64,
    /// Revoked.
    pub revoked: u64,
    /// Past their TTL.
    pub expired: u64,
    /// Billable operations (tokenized items, detokenized tokens) this period.
    pub operations_this_period: u64,
    /// The period's quota, if any.
    pub quota: Option<u64>,
    /// RFC 3339 start of the billing period (calendar month, UTC).
    pub period_start: String,
    /// RFC 3339 end.
    pub period_end: String,
}

/// Response of `GET /health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthResponse {
    /// `ok` or `degraded`.
    pub status: String,
    /// Server version.
    pub version: String,
    /// Whether the store answered.
    pub store: String,
}

/// The error envelope of every failed request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorEnvelope {
    /// The error.
    pub error: ErrorBody,
}

/// Seed 002's error format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// Machine-readable code, e.g. `RATE_LIMIT_EXCEEDED`.
    pub code: String,
    /// Short description.
    pub message: String,
    /// What to fix.
    pub detail: String,
    /// Whether retrying the same request can succeed.
    pub retryable: bool,
    /// When to retry, for rate limits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_seconds: Option<u64>,
    /// The request's trace id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
}

/// Most distinct tokens one rehydration restores.
pub const MAX_REHYDRATE_TOKENS: usize = 100;

/// Body of `POST /rehydrate`: a text holding vault tokens (a model's reply).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RehydrateRequest {
    /// The text.
    pub text: String,
    /// A grant covering the tokens (consumed); without one, `purpose` is checked against each
    /// token's policy and a grant is issued and consumed on the caller's behalf.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant_jwt: Option<String>,
    /// Purpose, when no grant is sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    /// Reason, where the policy requires one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Caller's trace id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
}

/// What happened to one token found in the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RehydrateToken {
    /// The token as it appears in the text.
    pub token: String,
    /// `RESTORED`; or left in place: `NOT_FOUND` (unknown, or another tenant's), `DENIED`,
    /// `REVOKED`, `EXPIRED`.
    pub status: String,
    /// Times it occurs in the text.
    pub occurrences: usize,
}

/// Answer of `POST /rehydrate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RehydrateResponse {
    /// The text with every restorable token replaced by its original.
    pub output_text: String,
    /// Each distinct token found, in order of first appearance.
    pub tokens: Vec<RehydrateToken>,
    /// Distinct tokens restored.
    pub restored_count: usize,
    /// Distinct tokens left in place.
    pub left_count: usize,
    /// Correlation id.
    pub trace_id: String,
}
