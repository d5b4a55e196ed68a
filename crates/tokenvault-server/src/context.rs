//! Per-request context: authentication, rate limiting, body parsing, and the headers every
//! answer carries.

use axum::{
    body::Body,
    http::{HeaderMap, HeaderValue},
    response::{IntoResponse, Response},
};
use serde::de::DeserializeOwned;
use tokenvault_core::service::{Caller, ServiceError};

use crate::{
    access::Endpoint,
    error::{describe_json_error, ApiError, ErrorCode},
    limits::Verdict,
    AppState,
};

/// How an endpoint authenticates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthKind {
    /// `X-API-Key`.
    ApiKey,
    /// `Authorization: Bearer <jwt>`.
    Bearer,
    /// The PII API's client token: `Authorization: Bearer <API key>` (a JWT there is accepted
    /// too), or `X-API-Key`.
    ClientToken,
}

/// The authenticated request.
pub(crate) struct Ctx {
    pub caller: Caller,
    pub trace_id: String,
}

/// The trace id chosen by the middleware.
#[derive(Debug, Clone)]
pub(crate) struct TraceId(pub String);

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

impl AppState {
    /// Authenticates, rate-limits and authorizes a request for `endpoint` (its row of the
    /// access table); the verdict goes into `slot` for the answer's headers.
    pub(crate) async fn begin(
        &self,
        headers: &HeaderMap,
        trace: &TraceId,
        endpoint: Endpoint,
        slot: Option<&crate::extract::LimitSlot>,
    ) -> Result<Ctx, Response> {
        let access = endpoint.access();
        let caller = self
            .authenticate(headers, access.auth)
            .await
            .map_err(|e| ApiError::from(e).into_response())?;
        let verdict = self.rate_limit(access.class, &caller).await;
        if let Some(slot) = slot {
            *slot.0.lock() = Some(verdict.clone());
        }
        if !verdict.allowed {
            let retry = u64::try_from((verdict.reset - self.vault.now()).max(1)).unwrap_or(1);
            let mut e = ApiError::new(
                ErrorCode::RateLimitExceeded,
                "Rate limit exceeded",
                verdict.exceeded.clone().unwrap_or_default(),
            );
            e.retry_after = Some(retry);
            return Err(e.into_response());
        }
        if let Some(permission) = access.permission {
            self.vault
                .authorize(&caller, permission, access.route, &trace.0)
                .await
                .map_err(|e| ApiError::from(e).into_response())?;
        }
        Ok(Ctx {
            caller,
            trace_id: trace.0.clone(),
        })
    }

    /// The caller, from the credential the endpoint takes.
    async fn authenticate(
        &self,
        headers: &HeaderMap,
        auth: AuthKind,
    ) -> Result<Caller, ServiceError> {
        let bearer = header(headers, "authorization")
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim);
        let api_key = header(headers, "x-api-key").map(str::trim);
        // A dashboard session stands for a user (a JWT's place), never for an API key.
        if bearer.is_none() && api_key.is_none() && auth != AuthKind::ApiKey {
            if let Some(cookie) = crate::ui::session::session_cookie(headers) {
                let csrf = header(headers, crate::ui::session::CSRF_HEADER).unwrap_or("");
                return self.vault.authenticate_session(cookie, csrf).await;
            }
        }
        match (auth, bearer, api_key) {
            (AuthKind::ApiKey, _, Some(key)) => self.vault.authenticate_api_key(key).await,
            (AuthKind::ApiKey, _, None) => Err(ServiceError::Unauthorized(
                "send the API key in the X-API-Key header".into(),
            )),
            (AuthKind::Bearer, Some(jwt), _) => self.vault.authenticate_bearer(jwt),
            (AuthKind::Bearer, None, _) => Err(ServiceError::Unauthorized(
                "send a JWT in the Authorization: Bearer header".into(),
            )),
            // A JWT has three dot-separated parts; API keys have none.
            (AuthKind::ClientToken, Some(t), _) if t.matches('.').count() == 2 => {
                self.vault.authenticate_bearer(t)
            }
            (AuthKind::ClientToken, Some(key), _) | (AuthKind::ClientToken, None, Some(key)) => {
                self.vault.authenticate_api_key(key).await
            }
            (AuthKind::ClientToken, None, None) => Err(ServiceError::Unauthorized(
                "send the API token in the Authorization: Bearer header".into(),
            )),
        }
    }

    /// Counts the request against the caller's and the tenant's limits of `class`: on the
    /// shared Redis when configured and reachable, on this node otherwise.
    pub(crate) async fn rate_limit(
        &self,
        class: crate::limits::LimitClass,
        caller: &Caller,
    ) -> Verdict {
        let now = self.vault.now();
        let shared = match &self.redis {
            Some(r) => {
                r.check(class, caller.tenant.as_str(), &caller.actor, now)
                    .await
            }
            None => None,
        };
        match shared {
            Some(v) => v,
            None => self
                .limiter
                .check(class, caller.tenant.as_str(), &caller.actor, now),
        }
    }
}

pub(crate) fn add_limit_headers(r: &mut Response, v: &Verdict) {
    let h = r.headers_mut();
    for (name, value) in [
        ("x-ratelimit-limit", v.limit.to_string()),
        ("x-ratelimit-remaining", v.remaining.to_string()),
        ("x-ratelimit-reset", v.reset.to_string()),
    ] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            h.insert(name, value);
        }
    }
}

/// 408: the body did not arrive within `timeout`.
pub(crate) fn body_timeout(timeout: std::time::Duration) -> ApiError {
    ApiError::new(
        ErrorCode::RequestTimeout,
        "Request body too slow",
        format!(
            "the request body did not arrive within {} s; send it at once",
            timeout.as_secs()
        ),
    )
}

/// Reads and parses a JSON body of at most `max_body_bytes`, arriving within the body timeout.
pub(crate) async fn json_body<T: DeserializeOwned>(
    body: Body,
    settings: &crate::ServerSettings,
) -> Result<T, ApiError> {
    let limit = settings.max_body_bytes;
    let timeout = settings.connections.body_timeout;
    let read = tokio::time::timeout(timeout, axum::body::to_bytes(body, limit));
    let bytes = read
        .await
        .map_err(|_| body_timeout(timeout))?
        .map_err(|_| {
            ApiError::new(
                ErrorCode::PayloadTooLarge,
                "Request body is too large",
                format!("the request body exceeds {limit} bytes; split the request"),
            )
        })?;
    if bytes.is_empty() {
        return Err(ApiError::invalid(
            "request body is empty; send a JSON object",
        ));
    }
    serde_json::from_slice(&bytes).map_err(|e| ApiError::invalid(describe_json_error(&e)))
}

/// Whether a trace id from a client is acceptable.
pub(crate) fn valid_trace_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 128
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}
