//! Every error code the API answers with (seed 002's table and ours), with its HTTP status and
//! whether a retry of the same request can succeed. The server maps errors to these in one
//! place; clients match on them.

/// An error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// 400: the request is malformed.
    InvalidInput,
    /// 400: a value is empty.
    EmptyValue,
    /// 400: a PII type this server does not support.
    UnsupportedPiiType,
    /// 401: missing or invalid credentials.
    Unauthorized,
    /// 403: refused by policy or permission.
    AccessDenied,
    /// 404: no such resource or endpoint.
    NotFound,
    /// 403: the grant is past its expiry.
    GrantExpired,
    /// 403: the grant was used before.
    GrantNonceReused,
    /// 404: no such token.
    TokenNotFound,
    /// 403: the token is revoked.
    TokenRevoked,
    /// 404: no such policy.
    PolicyNotFound,
    /// 409: the policy version named is not current.
    PolicyVersionMismatch,
    /// 409: a unique value is taken, or a key reused with another body.
    Conflict,
    /// 503: the tenant's kill switch is on (not retryable: an operator must act).
    KillSwitchActive,
    /// 429: the period's quota is used up.
    QuotaExceeded,
    /// 429: too many requests; retry after the window.
    RateLimitExceeded,
    /// 503: a transient failure.
    ServiceUnavailable,
    /// 500: a fault of the server; the cause is logged.
    InternalError,
    /// 413: the body or output exceeds a limit.
    PayloadTooLarge,
    /// 408: the body arrived too slowly.
    RequestTimeout,
    /// 405: the endpoint does not take this method.
    MethodNotAllowed,
    /// 426: the SDK's major version is not supported.
    SdkVersionUnsupported,
    /// 422: the text holds more findings than one answer carries.
    TooManyFindings,
}

impl ErrorCode {
    /// Every code.
    pub const ALL: [ErrorCode; 23] = [
        ErrorCode::InvalidInput,
        ErrorCode::EmptyValue,
        ErrorCode::UnsupportedPiiType,
        ErrorCode::Unauthorized,
        ErrorCode::AccessDenied,
        ErrorCode::NotFound,
        ErrorCode::GrantExpired,
        ErrorCode::GrantNonceReused,
        ErrorCode::TokenNotFound,
        ErrorCode::TokenRevoked,
        ErrorCode::PolicyNotFound,
        ErrorCode::PolicyVersionMismatch,
        ErrorCode::Conflict,
        ErrorCode::KillSwitchActive,
        ErrorCode::QuotaExceeded,
        ErrorCode::RateLimitExceeded,
        ErrorCode::ServiceUnavailable,
        ErrorCode::InternalError,
        ErrorCode::PayloadTooLarge,
        ErrorCode::RequestTimeout,
        ErrorCode::MethodNotAllowed,
        ErrorCode::SdkVersionUnsupported,
        ErrorCode::TooManyFindings,
    ];

    /// The code on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidInput => "INVALID_INPUT",
            ErrorCode::EmptyValue => "EMPTY_VALUE",
            ErrorCode::UnsupportedPiiType => "UNSUPPORTED_PII_TYPE",
            ErrorCode::Unauthorized => "UNAUTHORIZED",
            ErrorCode::AccessDenied => "ACCESS_DENIED",
            ErrorCode::NotFound => "NOT_FOUND",
            ErrorCode::GrantExpired => "GRANT_EXPIRED",
            ErrorCode::GrantNonceReused => "GRANT_NONCE_REUSED",
            ErrorCode::TokenNotFound => "TOKEN_NOT_FOUND",
            ErrorCode::TokenRevoked => "TOKEN_REVOKED",
            ErrorCode::PolicyNotFound => "POLICY_NOT_FOUND",
            ErrorCode::PolicyVersionMismatch => "POLICY_VERSION_MISMATCH",
            ErrorCode::Conflict => "CONFLICT",
            ErrorCode::KillSwitchActive => "KILL_SWITCH_ACTIVE",
            ErrorCode::QuotaExceeded => "QUOTA_EXCEEDED",
            ErrorCode::RateLimitExceeded => "RATE_LIMIT_EXCEEDED",
            ErrorCode::ServiceUnavailable => "SERVICE_UNAVAILABLE",
            ErrorCode::InternalError => "INTERNAL_ERROR",
            ErrorCode::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            ErrorCode::RequestTimeout => "REQUEST_TIMEOUT",
            ErrorCode::MethodNotAllowed => "METHOD_NOT_ALLOWED",
            ErrorCode::SdkVersionUnsupported => "SDK_VERSION_UNSUPPORTED",
            ErrorCode::TooManyFindings => "TOO_MANY_FINDINGS",
        }
    }

    /// The code read back from the wire.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Its HTTP status.
    pub fn status(self) -> u16 {
        match self {
            ErrorCode::InvalidInput | ErrorCode::EmptyValue | ErrorCode::UnsupportedPiiType => 400,
            ErrorCode::Unauthorized => 401,
            ErrorCode::AccessDenied
            | ErrorCode::GrantExpired
            | ErrorCode::GrantNonceReused
            | ErrorCode::TokenRevoked => 403,
            ErrorCode::NotFound | ErrorCode::TokenNotFound | ErrorCode::PolicyNotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::RequestTimeout => 408,
            ErrorCode::PolicyVersionMismatch | ErrorCode::Conflict => 409,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::TooManyFindings => 422,
            ErrorCode::SdkVersionUnsupported => 426,
            ErrorCode::QuotaExceeded | ErrorCode::RateLimitExceeded => 429,
            ErrorCode::InternalError => 500,
            ErrorCode::KillSwitchActive | ErrorCode::ServiceUnavailable => 503,
        }
    }

    /// Whether the same request can succeed later.
    pub fn retryable(self) -> bool {
        matches!(
            self,
            ErrorCode::RateLimitExceeded
                | ErrorCode::ServiceUnavailable
                | ErrorCode::RequestTimeout
        )
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorCode;

    #[test]
    fn codes_read_back_and_are_unique() {
        for c in ErrorCode::ALL {
            assert_eq!(ErrorCode::parse(c.as_str()), Some(c));
            assert!((400..600).contains(&c.status()), "{c}");
        }
        let mut names: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ErrorCode::ALL.len());
    }
}
