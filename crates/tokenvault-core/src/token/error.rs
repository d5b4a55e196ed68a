//! Errors of tokenization and detokenization. None carries a value or key material.

use crate::{
    keys::KeyError,
    pii::{PiiError, PiiType},
};

use super::Mode;

/// Why a value could not be tokenized or a token could not be opened.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// The value is not valid for its type.
    #[error(transparent)]
    InvalidValue(#[from] PiiError),
    /// The mode cannot be used for this type.
    #[error("{mode} is not available for {pii_type}: {reason}")]
    ModeUnavailable {
        /// The type.
        pii_type: PiiType,
        /// The mode asked for.
        mode: Mode,
        /// Why not.
        reason: &'static str,
    },
    /// The part of the value that format-preserving encryption would encrypt has fewer than
    /// 10^6 possible values (NIST SP 800-38G Rev. 1 minimum).
    #[error("format-preserving domain of this {pii_type} value is under 1,000,000; use deterministic or randomized mode")]
    DomainTooSmall {
        /// The type.
        pii_type: PiiType,
    },
    /// The scope needs an id the request did not give.
    #[error("deterministic scope needs `{field}` in the request's context")]
    MissingScopeContext {
        /// The missing context field.
        field: &'static str,
    },
    /// A scope id is empty, too long or contains control characters.
    #[error("`{field}` must be 1 to 256 characters without control characters")]
    InvalidScopeId {
        /// The offending field.
        field: &'static str,
    },
    /// The token was altered, or belongs to another tenant, type, scope or key.
    #[error("token failed authentication")]
    AuthenticationFailed,
    /// The token is not in the token format.
    #[error("malformed token: {reason}")]
    MalformedToken {
        /// What is wrong.
        reason: &'static str,
    },
    /// A randomized token's record has no wrapped data key.
    #[error("the token's record has no data key")]
    MissingDataKey,
    /// A key could not be found or unwrapped.
    #[error(transparent)]
    Key(#[from] KeyError),
}

impl From<tokenvault_crypto::CryptoError> for TokenError {
    fn from(e: tokenvault_crypto::CryptoError) -> Self {
        use tokenvault_crypto::CryptoError as C;
        match e {
            C::MalformedToken { reason } => TokenError::MalformedToken { reason },
            _ => TokenError::AuthenticationFailed,
        }
    }
}
