//! Unauthenticated endpoints: health, the JWKS, the OpenAPI document, metrics, and the answers
//! for unknown paths and methods.

use std::sync::Arc;

use axum::{
    extract::State,
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use tokenvault_proto::HealthResponse;

use crate::{
    error::{ApiError, ErrorCode},
    AppState,
};

pub(crate) async fn health(State(s): State<Arc<AppState>>) -> Response {
    let ok = s.vault.store().ping().await.is_ok();
    let body = HealthResponse {
        status: if ok { "ok" } else { "degraded" }.into(),
        version: tokenvault_core::VERSION.into(),
        store: if ok { "ok" } else { "unavailable" }.into(),
    };
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body)).into_response()
}

pub(crate) async fn jwks(State(s): State<Arc<AppState>>) -> Response {
    Json(s.vault.jwks()).into_response()
}

pub(crate) async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], crate::OPENAPI).into_response()
}

pub(crate) async fn metrics(State(s): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    if let Some(expected) = &s.settings.metrics_token {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        if !tokenvault_crypto::digest::ct_eq(given.as_bytes(), expected.as_bytes()) {
            return ApiError::unauthorized(
                "send the metrics token in the Authorization: Bearer header",
            )
            .into_response();
        }
    }
    let mut text = s.metrics.render();
    if let Some(r) = &s.redis {
        text.push_str("# HELP tokenvault_redis_limiter_up Whether the last rate-limit check reached Redis (0: per-node limits in force).\n# TYPE tokenvault_redis_limiter_up gauge\n");
        text.push_str(&format!(
            "tokenvault_redis_limiter_up {}\n",
            u8::from(r.is_up())
        ));
        text.push_str("# HELP tokenvault_redis_limiter_attempts_total Rate-limit checks sent to Redis (while it is down, one probe per backoff).\n# TYPE tokenvault_redis_limiter_attempts_total counter\n");
        text.push_str(&format!(
            "tokenvault_redis_limiter_attempts_total {}\n",
            r.attempts()
        ));
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response()
}

pub(crate) async fn not_found() -> Response {
    ApiError::new(
        ErrorCode::NotFound,
        "No such endpoint",
        "see /api/v1/tokens/openapi.json for the endpoints",
    )
    .into_response()
}

pub(crate) async fn method_not_allowed() -> Response {
    ApiError::new(
        ErrorCode::MethodNotAllowed,
        "Method not allowed",
        "this endpoint does not accept this method; see /api/v1/tokens/openapi.json",
    )
    .into_response()
}
