//! The extractors every endpoint is built from: the authenticated caller (credentials, rate
//! limit and permission, from the one access table), and JSON bodies and query strings that
//! fail with the API's own error.

use std::{collections::HashMap, sync::Arc};

use axum::{
    extract::{FromRequest, FromRequestParts, Query, Request},
    http::request::Parts,
    response::{IntoResponse, Response},
};
use serde::de::DeserializeOwned;
use tokenvault_core::service::Caller;

use crate::{
    access::Endpoint,
    context::{json_body, TraceId},
    error::{describe_json_error, ApiError},
    limits::Verdict,
    AppState,
};

/// The rate-limit verdict of the request, filled by [`Authed`] and written into the answer's
/// `X-RateLimit-*` headers by the middleware, whatever the handler answers.
#[derive(Debug, Clone, Default)]
pub(crate) struct LimitSlot(pub Arc<parking_lot::Mutex<Option<Verdict>>>);

/// An authenticated, rate-limited and authorized caller of the route's endpoint.
pub(crate) struct Authed {
    /// Who.
    pub caller: Caller,
    /// The request's trace id.
    pub trace_id: String,
}

impl FromRequestParts<Arc<AppState>> for Authed {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Response> {
        // Every route that authenticates declares its endpoint (see `routes::on`).
        let Some(endpoint) = parts.extensions.get::<Endpoint>().copied() else {
            tracing::error!(path = %parts.uri.path(), "a route authenticates without an endpoint");
            return Err(ApiError::internal().into_response());
        };
        let trace = parts
            .extensions
            .get::<TraceId>()
            .cloned()
            .unwrap_or_else(|| TraceId(tokenvault_core::service::new_trace_id()));
        let slot = parts.extensions.get::<LimitSlot>().cloned();
        let ctx = state
            .begin(&parts.headers, &trace, endpoint, slot.as_ref())
            .await?;
        Ok(Authed {
            caller: ctx.caller,
            trace_id: ctx.trace_id,
        })
    }
}

/// A JSON body of at most the configured size, arriving within the body timeout.
pub(crate) struct ApiJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<Arc<AppState>> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &Arc<AppState>) -> Result<Self, ApiError> {
        json_body(req.into_body(), &state.settings)
            .await
            .map(ApiJson)
    }
}

/// A query string read into `T` (fields as strings; unknown parameters refused).
pub(crate) struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Query(raw) = Query::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::invalid_query("the query string is malformed"))?;
        let value = serde_json::to_value(raw)
            .map_err(|_| ApiError::invalid_query("the query string is malformed"))?;
        serde_json::from_value(value)
            .map(ApiQuery)
            .map_err(|e| ApiError::invalid_query(format!("query: {}", describe_json_error(&e))))
    }
}
