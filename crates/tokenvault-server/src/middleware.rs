//! What wraps every request: the trace id, the SDK version check, metrics and the access log.

use std::{sync::Arc, time::Instant};

use axum::{
    extract::{MatchedPath, Request, State},
    http::HeaderValue,
    middleware::Next,
    response::{IntoResponse, Response},
};
use tokenvault_proto::{SDK_MAJOR, SDK_VERSION_HEADER};

use crate::{
    context::{valid_trace_id, TraceId},
    error::{ApiError, ErrorCode},
    AppState,
};

fn check_sdk_version(value: &str) -> Result<(), ApiError> {
    let major = value
        .trim()
        .split('.')
        .next()
        .and_then(|m| m.parse::<u64>().ok());
    match major {
        Some(SDK_MAJOR) => Ok(()),
        Some(other) => Err(ApiError::new(
            ErrorCode::SdkVersionUnsupported,
            "SDK version is not supported",
            format!("SDK major version {other} is not supported; upgrade to {SDK_MAJOR}.x"),
        )),
        None => Err(ApiError::invalid(format!(
            "{SDK_VERSION_HEADER} must be a semantic version such as 1.0.0"
        ))),
    }
}

pub(crate) async fn around(
    State(state): State<Arc<AppState>>,
    mut req: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let trace = req
        .headers()
        .get("x-trace-id")
        .and_then(|v| v.to_str().ok())
        .filter(|t| valid_trace_id(t))
        .map_or_else(tokenvault_core::service::new_trace_id, str::to_owned);
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let sdk = req
        .headers()
        .get(SDK_VERSION_HEADER)
        .map(|v| v.to_str().map(str::to_owned).unwrap_or_default());
    req.extensions_mut().insert(TraceId(trace.clone()));
    let limits = crate::extract::LimitSlot::default();
    req.extensions_mut().insert(limits.clone());
    let mut response = match sdk.as_deref().map(check_sdk_version) {
        Some(Err(e)) => e.into_response(),
        _ => next.run(req).await,
    };
    if let Some(verdict) = limits.0.lock().take() {
        crate::context::add_limit_headers(&mut response, &verdict);
    }
    // A handler may adopt a trace id the client sent in the body (tokenize's `trace_id`).
    let trace = response
        .extensions_mut()
        .remove::<TraceId>()
        .map_or(trace, |t| t.0);
    if let Ok(v) = HeaderValue::from_str(&trace) {
        response.headers_mut().insert("x-trace-id", v);
    }
    // Every error body names the request's trace id, wherever the error was made.
    if let Some(crate::error::Envelope(mut envelope)) =
        response.extensions_mut().remove::<crate::error::Envelope>()
    {
        envelope.error.trace_id = Some(trace.clone());
        if let Ok(json) = serde_json::to_vec(&envelope) {
            response
                .headers_mut()
                .remove(axum::http::header::CONTENT_LENGTH);
            *response.body_mut() = axum::body::Body::from(json);
        }
    }
    let status = response.status().as_u16();
    let seconds = started.elapsed().as_secs_f64();
    state.metrics.request(&method, &route, status, seconds);
    let code = response.extensions().get::<ErrorCode>().map(|c| c.as_str());
    if let Some(code) = code {
        state.metrics.denial(code);
    }
    tracing::info!(
        trace_id = %trace,
        method = %method,
        route = %route,
        status,
        latency_ms = seconds * 1000.0,
        error_code = code.unwrap_or(""),
        "request"
    );
    response
}
