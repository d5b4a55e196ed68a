//! Errors of the vault's operations. Messages say what to fix and never carry a value.

use crate::{keys::KeyError, policy::PolicyValidationError, store::StoreError};

/// Why an operation failed. The server maps each variant to an error code and HTTP status in
/// one place (`tokenvault-server`'s `error.rs`); the text is the detail a client reads. Not
/// `#[non_exhaustive]` on purpose: that mapping must stay exhaustive, so a new variant does
/// not compile until it has a code.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// Malformed request.
    #[error("{0}")]
    InvalidInput(String),
    /// A value is empty.
    #[error("{0}")]
    EmptyValue(String),
    /// An unknown PII type.
    #[error("{0}")]
    UnsupportedPiiType(String),
    /// Missing or invalid credentials.
    #[error("{0}")]
    Unauthorized(String),
    /// Authenticated but not allowed.
    #[error("{0}")]
    AccessDenied(String),
    /// Authenticated, but none of the caller's roles holds the permission the endpoint needs.
    #[error("this endpoint needs the `{0}` permission, which none of your roles holds; ask an administrator to map it to one of your roles")]
    PermissionDenied(crate::authz::Permission),
    /// An object-vault user whose role lacks the capability.
    #[error("your role does not have the {} capability this operation needs", .0.as_str())]
    MissingCapability(crate::objects::Capability),
    /// No such resource (in this tenant).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The grant is past its expiry.
    #[error("the grant expired; request a new one")]
    GrantExpired,
    /// The grant was used before.
    #[error("the grant has already been used; request a new one")]
    GrantNonceReused,
    /// No such token (in this tenant).
    #[error("token not found")]
    TokenNotFound,
    /// The token is revoked.
    #[error("the token has been revoked")]
    TokenRevoked,
    /// No such policy (in this tenant).
    #[error("policy not found")]
    PolicyNotFound,
    /// No enabled policy with the `policy_key` of a PII API request; says which.
    #[error("{0}")]
    PolicyKeyNotFound(String),
    /// The request names a policy version that is not current.
    #[error("{0}")]
    PolicyVersionMismatch(String),
    /// The policy is invalid.
    #[error(transparent)]
    PolicyInvalid(PolicyValidationError),
    /// A unique name is taken, or an idempotency key was reused with another body.
    #[error("{0}")]
    Conflict(String),
    /// The tenant's kill switch is on.
    #[error("tokenization is disabled for this tenant (kill switch)")]
    KillSwitchActive,
    /// The text holds more findings than one answer carries.
    #[error("{0}")]
    TooManyFindings(String),
    /// The period's quota is used up.
    #[error("{0}")]
    QuotaExceeded(String),
    /// A fault of this server (corrupt stored data, a broken invariant): a generic 500; the
    /// cause is logged where it was found.
    #[error("the server failed to process the request; it has been logged")]
    Internal,
    /// The tenant's keys were rotated while the request was planned, twice: retry.
    #[error("the tenant's keys were rotated during the request; retry it")]
    KeysRotated,
    /// A transient failure of the store or the keys.
    #[error("{0}")]
    Unavailable(String),
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::QuotaExceeded { quota } => ServiceError::QuotaExceeded(format!(
                "the tenant's quota of {quota} operations this billing period is used up"
            )),
            StoreError::Conflict { what } => {
                ServiceError::Conflict(format!("{what} already exists"))
            }
            StoreError::NotFound { what } => {
                ServiceError::InvalidInput(format!("{what} not found"))
            }
            StoreError::Corrupt { what } => {
                tracing::error!(what, "stored data is unreadable");
                ServiceError::Internal
            }
            StoreError::Unavailable { detail } => {
                tracing::error!(%detail, "store unavailable");
                ServiceError::Unavailable("the vault store is unavailable; retry shortly".into())
            }
        }
    }
}

impl From<KeyError> for ServiceError {
    fn from(e: KeyError) -> Self {
        match e {
            KeyError::Shredded { .. } => {
                ServiceError::AccessDenied("this tenant's keys were destroyed".into())
            }
            other => {
                tracing::error!(error = %other, "key hierarchy unavailable");
                ServiceError::Unavailable("tenant keys are unavailable; retry shortly".into())
            }
        }
    }
}
