//! The object vault's caller: a bearer API key, rate-limited, whose user's role holds the
//! capability of the route's endpoint; and bodies read within the size and time limits.

use std::sync::Arc;

use axum::{
    extract::{FromRequest, FromRequestParts, Request},
    http::{header, request::Parts, StatusCode},
};
use tokenvault_core::service::VaultUser;

use super::{access::PvltEndpoint, error::PvltError};
use crate::{context::TraceId, limits::LimitClass, AppState};

/// An authenticated, rate-limited object-vault user holding the endpoint's capability.
pub(crate) struct PvltCaller {
    pub user: VaultUser,
    pub trace_id: String,
}

impl FromRequestParts<Arc<AppState>> for PvltCaller {
    type Rejection = PvltError;

    async fn from_request_parts(parts: &mut Parts, s: &Arc<AppState>) -> Result<Self, PvltError> {
        let Some(endpoint) = parts.extensions.get::<PvltEndpoint>().copied() else {
            tracing::error!("an object-vault route without an endpoint");
            return Err(PvltError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "PV1000",
                "internal error; it has been logged",
            ));
        };
        let trace_id = parts
            .extensions
            .get::<TraceId>()
            .map_or_else(tokenvault_core::service::new_trace_id, |t| t.0.clone());
        let key = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .ok_or_else(PvltError::unauthorized)?;
        let user = s
            .vault
            .authenticate_vault_user(key)
            .await
            .map_err(|e| match e {
                tokenvault_core::service::ServiceError::Unauthorized(_) => {
                    PvltError::unauthorized()
                }
                other => other.into(),
            })?;
        let verdict = s.rate_limit(LimitClass::Other, &user.caller).await;
        if let Some(slot) = parts.extensions.get::<crate::extract::LimitSlot>() {
            *slot.0.lock() = Some(verdict.clone());
        }
        if !verdict.allowed {
            return Err(PvltError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "PV1011",
                "rate limit exceeded; retry after the window",
            ));
        }
        let (route, cap) = endpoint.access();
        s.vault
            .require_capability(&user, cap, route, &trace_id)
            .await?;
        Ok(PvltCaller { user, trace_id })
    }
}

/// A request body (JSON or PVSchema text) read within the configured size and time.
pub(crate) struct PvltBody {
    pub content_type: String,
    pub bytes: axum::body::Bytes,
}

impl FromRequest<Arc<AppState>> for PvltBody {
    type Rejection = PvltError;

    async fn from_request(req: Request, s: &Arc<AppState>) -> Result<Self, PvltError> {
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("application/json")
            .to_ascii_lowercase();
        let limit = s.settings.max_body_bytes;
        let timeout = s.settings.connections.body_timeout;
        let bytes = tokio::time::timeout(timeout, axum::body::to_bytes(req.into_body(), limit))
            .await
            .map_err(|_| {
                PvltError::new(
                    StatusCode::REQUEST_TIMEOUT,
                    "PV1009",
                    "the request body was too slow",
                )
            })?
            .map_err(|_| {
                PvltError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "PV1003",
                    format!("the request body exceeds {limit} bytes"),
                )
            })?;
        Ok(PvltBody {
            content_type,
            bytes,
        })
    }
}

/// A query string read into `T`, refused in the object vault's error format. A parameter
/// given more than once (`props=a&props=b`, as generated clients send arrays) reads as one
/// comma-separated list (`props=a,b`), the form Piiano's documents show.
pub(crate) struct PvltQuery<T>(pub T);

fn malformed() -> PvltError {
    PvltError::bad_request("the query string has an unknown or malformed parameter")
}

/// Repeated keys joined into one comma-separated value, in first-seen order.
fn joined(query: &str) -> Result<String, PvltError> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(query).map_err(|_| malformed())?;
    let mut grouped: Vec<(String, String)> = Vec::with_capacity(pairs.len());
    for (k, v) in pairs {
        match grouped.iter_mut().find(|(g, _)| *g == k) {
            Some((_, joined)) => {
                joined.push(',');
                joined.push_str(&v);
            }
            None => grouped.push((k, v)),
        }
    }
    serde_urlencoded::to_string(&grouped).map_err(|_| malformed())
}

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequestParts<S> for PvltQuery<T> {
    type Rejection = PvltError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, PvltError> {
        let query = joined(parts.uri.query().unwrap_or_default())?;
        serde_urlencoded::from_str::<T>(&query)
            .map(PvltQuery)
            .map_err(|_| malformed())
    }
}

#[cfg(test)]
mod tests {
    use super::joined;

    #[test]
    fn repeated_keys_read_as_one_list() {
        assert_eq!(
            joined("props=a&reason=AppFunctionality&props=b%2Cc").unwrap(),
            "props=a%2Cb%2Cc&reason=AppFunctionality"
        );
        assert_eq!(joined("").unwrap(), "");
    }
}
