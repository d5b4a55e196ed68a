//! The error envelope of seed 002. A code's HTTP status and retryability come from
//! [`ErrorCode`]; a domain error becomes a code here, in [`From<ServiceError>`], and nowhere
//! else.

use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use tokenvault_core::service::ServiceError;
pub use tokenvault_proto::ErrorCode;
use tokenvault_proto::{ErrorBody, ErrorEnvelope};

/// An error answer.
#[derive(Debug)]
pub struct ApiError {
    /// The code; it decides the status and whether to retry.
    pub code: ErrorCode,
    /// Short description.
    pub message: String,
    /// What to fix.
    pub detail: String,
    /// Seconds to wait (429).
    pub retry_after: Option<u64>,
}

impl ApiError {
    /// Any error.
    pub fn new(code: ErrorCode, message: &str, detail: impl Into<String>) -> Self {
        Self {
            code,
            message: message.to_owned(),
            detail: detail.into(),
            retry_after: None,
        }
    }

    /// A 400 `INVALID_INPUT`.
    pub fn invalid(detail: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidInput, "Request body is malformed", detail)
    }

    /// A 400 `INVALID_INPUT` about the query string.
    pub fn invalid_query(detail: impl Into<String>) -> Self {
        Self::invalid(detail).in_query()
    }

    /// The same error, said of the query string rather than the body (400s only).
    pub fn in_query(mut self) -> Self {
        if self.code.status() == 400 {
            self.message = "Query is malformed".to_owned();
        }
        self
    }

    /// A 500 `INTERNAL_ERROR`; the cause goes to the log, not to the client.
    pub fn internal() -> Self {
        Self::new(
            ErrorCode::InternalError,
            "Internal error",
            "the server failed to process the request; it has been logged",
        )
    }

    /// A 401.
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(ErrorCode::Unauthorized, "Authentication required", detail)
    }

    /// Its HTTP status.
    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

/// The one mapping of domain errors to codes and short descriptions.
fn code_and_message(e: &ServiceError) -> (ErrorCode, &'static str) {
    use ErrorCode as C;
    match e {
        ServiceError::InvalidInput(_) | ServiceError::PolicyInvalid(_) => {
            (C::InvalidInput, "Request body is malformed")
        }
        ServiceError::EmptyValue(_) => (C::EmptyValue, "Value cannot be empty"),
        ServiceError::UnsupportedPiiType(_) => (C::UnsupportedPiiType, "PII type is not supported"),
        ServiceError::Unauthorized(_) => (C::Unauthorized, "Authentication required"),
        ServiceError::AccessDenied(_) => (C::AccessDenied, "Access denied by policy"),
        ServiceError::PermissionDenied(_) | ServiceError::MissingCapability(_) => {
            (C::AccessDenied, "Permission required")
        }
        ServiceError::NotFound(_) => (C::NotFound, "Not found"),
        ServiceError::GrantExpired => (C::GrantExpired, "Grant has expired"),
        ServiceError::GrantNonceReused => (C::GrantNonceReused, "Grant has already been used"),
        ServiceError::TokenNotFound => (C::TokenNotFound, "Token not found"),
        ServiceError::TokenRevoked => (C::TokenRevoked, "Token has been revoked"),
        ServiceError::PolicyNotFound | ServiceError::PolicyKeyNotFound(_) => {
            (C::PolicyNotFound, "Policy not found")
        }
        ServiceError::PolicyVersionMismatch(_) => (C::PolicyVersionMismatch, "Conflict"),
        ServiceError::Conflict(_) => (C::Conflict, "Conflict"),
        ServiceError::KillSwitchActive => (C::KillSwitchActive, "Service temporarily disabled"),
        ServiceError::QuotaExceeded(_) => (C::QuotaExceeded, "Quota exceeded"),
        ServiceError::TooManyFindings(_) => (C::TooManyFindings, "Too many findings"),
        ServiceError::Unavailable(_) | ServiceError::KeysRotated => {
            (C::ServiceUnavailable, "Transient service failure")
        }
        ServiceError::Internal => (C::InternalError, "Internal error"),
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        let (code, message) = code_and_message(&e);
        let detail = match &e {
            ServiceError::PolicyInvalid(v) => v.to_string(),
            other => other.to_string(),
        };
        Self::new(code, message, detail)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = ErrorEnvelope {
            error: ErrorBody {
                code: self.code.as_str().to_owned(),
                message: self.message,
                detail: self.detail,
                retryable: self.code.retryable(),
                retry_after_seconds: self.retry_after,
                trace_id: None,
            },
        };
        let mut response = (status, Json(&body)).into_response();
        response.extensions_mut().insert(Envelope(body));
        if let Some(after) = self.retry_after {
            if let Ok(v) = HeaderValue::from_str(&after.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        response.extensions_mut().insert(self.code);
        response
    }
}

/// The envelope of an error response, so the request's trace id can be written into it
/// where the trace id is known (the middleware).
#[derive(Debug, Clone)]
pub(crate) struct Envelope(pub ErrorEnvelope);

/// Describes a JSON parse failure without echoing any value from the body.
pub fn describe_json_error(e: &serde_json::Error) -> String {
    let at = format!("line {} column {}", e.line(), e.column());
    match e.classify() {
        serde_json::error::Category::Syntax => format!("request body is not valid JSON ({at})"),
        serde_json::error::Category::Eof => "request body ends early: incomplete JSON".to_owned(),
        serde_json::error::Category::Io => "request body could not be read".to_owned(),
        serde_json::error::Category::Data => {
            let text = e.to_string();
            // "invalid type: string \"123-45-6789\", expected u32 at line…" carries the value:
            // keep only what was expected.
            let carries_value = text.starts_with("invalid type")
                || text.starts_with("invalid value")
                || text.starts_with("invalid length");
            let what = if let Some((_, expected)) =
                text.split_once(", expected ").filter(|_| carries_value)
            {
                let expected = expected.split(" at line").next().unwrap_or(expected);
                format!("a field has the wrong type or value; expected {expected}")
            } else if let Some(rest) = text.strip_prefix("unknown field `") {
                // "unknown field `x`, expected one of `a`, `b`": the caller's field name is
                // not repeated, the accepted ones are.
                let expected = rest
                    .split_once("`, ")
                    .map(|(_, e)| e.split(" at line").next().unwrap_or(e))
                    .unwrap_or("no other fields");
                format!("the body has a field this endpoint does not accept; {expected}")
            } else if text.starts_with("unknown variant `") {
                let expected = text
                    .split_once("`, ")
                    .map(|(_, e)| e.split(" at line").next().unwrap_or(e))
                    .unwrap_or("another value");
                format!("a field has a value this endpoint does not accept; {expected}")
            } else {
                text.split(" at line")
                    .next()
                    .unwrap_or("wrong shape")
                    .to_owned()
            };
            format!("{what} ({at})")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_errors_never_echo_values() {
        let e = serde_json::from_str::<u32>("\"123-45-6789\"").unwrap_err();
        let d = describe_json_error(&e);
        assert!(!d.contains("6789"), "{d}");
        assert!(d.contains("expected u32"), "{d}");
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct S {
            a: u32,
        }
        let e = serde_json::from_str::<S>(r#"{"b": "john@example.com"}"#).unwrap_err();
        let d = describe_json_error(&e);
        assert!(
            d.contains("does not accept; expected `a`")
                && !d.contains("`b`")
                && !d.contains("john"),
            "{d}"
        );
        let e = serde_json::from_str::<S>("{").unwrap_err();
        assert!(describe_json_error(&e).contains("incomplete"));
    }
}
