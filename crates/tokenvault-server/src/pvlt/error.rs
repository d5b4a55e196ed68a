//! The object vault's error body, as Piiano Vault writes it: `{"error_code": "PVxxxx",
//! "message": "…", "context": {…}}` (the seeds' own format stays on the other surfaces). The
//! one mapping of domain errors to these codes.

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use serde_json::{json, Value};
use tokenvault_core::service::ServiceError;

/// An error answer of the object vault.
#[derive(Debug)]
pub(crate) struct PvltError {
    status: StatusCode,
    code: &'static str,
    message: String,
    context: Value,
}

impl PvltError {
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            context: json!({}),
        }
    }

    /// 400 `PV1003`: the request is malformed.
    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "PV1003", message)
    }

    /// 401 `PV1005`.
    pub(crate) fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "PV1005",
            "send a valid API key as the bearer token",
        )
    }

    /// 404 `PV1004` for a collection this tenant does not have.
    pub(crate) fn collection_not_found(name: &str) -> Self {
        let mut e = Self::new(
            StatusCode::NOT_FOUND,
            "PV1004",
            "the collection was not found",
        );
        if crate::pvlt::safe_name(name) {
            e.context = json!({ "collection": name });
        }
        e
    }

    /// 404 `PV1012`: no such endpoint.
    pub(crate) fn no_endpoint() -> Self {
        Self::new(StatusCode::NOT_FOUND, "PV1012", "no such endpoint")
    }
}

impl From<ServiceError> for PvltError {
    fn from(e: ServiceError) -> Self {
        use StatusCode as S;
        let (status, code) = match &e {
            ServiceError::InvalidInput(_)
            | ServiceError::EmptyValue(_)
            | ServiceError::UnsupportedPiiType(_)
            | ServiceError::PolicyInvalid(_) => (S::BAD_REQUEST, "PV1003"),
            ServiceError::Unauthorized(_) => (S::UNAUTHORIZED, "PV1005"),
            ServiceError::MissingCapability(_) | ServiceError::PermissionDenied(_) => {
                (S::FORBIDDEN, "PV1007")
            }
            ServiceError::AccessDenied(_) => (S::FORBIDDEN, "PV1006"),
            ServiceError::NotFound(_)
            | ServiceError::TokenNotFound
            | ServiceError::PolicyNotFound
            | ServiceError::PolicyKeyNotFound(_) => (S::NOT_FOUND, "PV1004"),
            ServiceError::Conflict(_)
            | ServiceError::PolicyVersionMismatch(_)
            | ServiceError::TokenRevoked
            | ServiceError::GrantExpired
            | ServiceError::GrantNonceReused => (S::CONFLICT, "PV1010"),
            ServiceError::KillSwitchActive
            | ServiceError::Unavailable(_)
            | ServiceError::KeysRotated => (S::SERVICE_UNAVAILABLE, "PV1009"),
            ServiceError::QuotaExceeded(_) | ServiceError::TooManyFindings(_) => {
                (S::TOO_MANY_REQUESTS, "PV1011")
            }
            ServiceError::Internal => (S::INTERNAL_SERVER_ERROR, "PV1000"),
        };
        Self::new(status, code, e.to_string())
    }
}

impl IntoResponse for PvltError {
    fn into_response(self) -> Response {
        let body =
            json!({ "error_code": self.code, "message": self.message, "context": self.context });
        (self.status, Json(body)).into_response()
    }
}
