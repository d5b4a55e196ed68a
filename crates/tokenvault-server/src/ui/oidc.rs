//! Dashboard sign-in through the external OpenID Connect provider: `GET /ui/oidc/start` sends
//! the browser to the provider (code flow, PKCE S256, state, nonce), `GET /ui/oidc/callback`
//! exchanges the code for an ID token at the provider's token endpoint, and the vault checks
//! it and starts a session (`tokenvault_core::service::dashboard_oidc`).

use std::sync::Arc;

use axum::{
    extract::{Query, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde::Deserialize;
use tokenvault_core::service::{OIDC_PENDING_SECONDS, SESSION_SECONDS};

use super::session::cookie_value;
use crate::{context::TraceId, error::ApiError, AppState};

/// The provider's endpoints and this client's registration (`[dashboard_oidc]`).
#[derive(Debug, Clone)]
pub struct DashboardOidc {
    /// Where the browser is sent to sign in.
    pub authorization_endpoint: String,
    /// Where the code is exchanged for tokens.
    pub token_endpoint: String,
    /// This client's id (the ID token's audience).
    pub client_id: String,
    /// This client's secret (sent to the token endpoint only).
    pub client_secret: String,
    /// This server's `…/ui/oidc/callback` as registered with the provider.
    pub redirect_url: String,
    /// Scopes asked for (`openid` at least).
    pub scopes: String,
    /// The label of the sign-in button.
    pub provider_name: String,
}

const PENDING_COOKIE: &str = "tv_oidc";

/// The most of the token endpoint's answer read.
const MAX_TOKEN_ANSWER: u64 = 1 << 20;

fn redirect(to: &str, cookies: &[String]) -> Response {
    let mut r = (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_owned())]).into_response();
    for c in cookies {
        if let Ok(v) = HeaderValue::from_str(c) {
            r.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    r
}

fn settings(s: &AppState) -> Result<&DashboardOidc, ApiError> {
    s.settings.dashboard_oidc.as_ref().ok_or_else(|| {
        ApiError::from(tokenvault_core::service::ServiceError::NotFound(
            "OpenID Connect sign-in (no [dashboard_oidc] is configured)",
        ))
    })
}

/// `GET /ui/config`: what the sign-in page offers.
pub(crate) async fn config(State(s): State<Arc<AppState>>) -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "oidc": s.settings.dashboard_oidc.as_ref().map(|o| serde_json::json!({"name": o.provider_name})),
    }))
}

pub(crate) async fn start(State(s): State<Arc<AppState>>) -> Result<Response, ApiError> {
    let o = settings(&s)?;
    let begin = s.vault.oidc_begin()?;
    let mut url = url::Url::parse(&o.authorization_endpoint).map_err(|_| ApiError::internal())?;
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", &o.client_id)
        .append_pair("redirect_uri", &o.redirect_url)
        .append_pair("scope", &o.scopes)
        .append_pair("state", &begin.state)
        .append_pair("nonce", &begin.nonce)
        .append_pair("code_challenge", &begin.code_challenge)
        .append_pair("code_challenge_method", "S256");
    // `Lax`: the provider's redirect back is a cross-site top-level navigation.
    let pending = format!(
        "{PENDING_COOKIE}={}; Path=/ui/oidc; Max-Age={OIDC_PENDING_SECONDS}; HttpOnly; Secure; SameSite=Lax",
        begin.cookie
    );
    Ok(redirect(url.as_str(), &[pending]))
}

#[derive(Deserialize)]
pub(crate) struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// The code exchanged for the ID token (a blocking HTTP call, on the blocking pool).
async fn exchange(o: &DashboardOidc, code: &str, verifier: &str) -> Result<String, ApiError> {
    let (o, code, verifier) = (o.clone(), code.to_owned(), verifier.to_owned());
    let failed = |detail: &str| {
        tracing::warn!(detail, "OpenID Connect token request failed");
        ApiError::unauthorized("the provider did not exchange the sign-in code; start again")
    };
    let answer = tokio::task::spawn_blocking(move || {
        ureq::AgentBuilder::new()
            .timeout(std::time::Duration::from_secs(10))
            .redirects(0)
            .build()
            .post(&o.token_endpoint)
            .send_form(&[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", &o.redirect_url),
                ("client_id", &o.client_id),
                ("client_secret", &o.client_secret),
                ("code_verifier", &verifier),
            ])
            .map_err(|e| e.to_string())
            .and_then(|r| {
                // A token answer is a few KiB; read at most 1 MiB of whatever comes.
                let body = std::io::Read::take(r.into_reader(), MAX_TOKEN_ANSWER);
                serde_json::from_reader::<_, serde_json::Value>(body).map_err(|e| e.to_string())
            })
    })
    .await
    .map_err(|_| ApiError::internal())?
    .map_err(|e| failed(&e))?;
    answer["id_token"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| failed("no id_token in the answer"))
}

pub(crate) async fn callback(
    State(s): State<Arc<AppState>>,
    trace: axum::Extension<TraceId>,
    headers: HeaderMap,
    Query(q): Query<Callback>,
) -> Result<Response, ApiError> {
    let o = settings(&s)?;
    if q.error.is_some() {
        return Err(ApiError::unauthorized(
            "the provider refused the sign-in; start again",
        ));
    }
    let (Some(code), Some(state)) = (q.code.as_deref(), q.state.as_deref()) else {
        return Err(ApiError::invalid_query("code and state are required"));
    };
    let cookie = cookie_value(&headers, PENDING_COOKIE).ok_or_else(|| {
        ApiError::unauthorized("the sign-in was not started in this browser; start again")
    })?;
    let pending = s.vault.oidc_pending(cookie, state)?;
    let id_token = exchange(o, code, &pending.verifier).await?;
    let session = s
        .vault
        .oidc_sign_in(&id_token, &o.client_id, &pending, &trace.0 .0)
        .await?;
    Ok(redirect(
        "/ui/",
        &[
            format!(
                "{}={}; Path=/; Max-Age={SESSION_SECONDS}; HttpOnly; Secure; SameSite=Strict",
                super::session::COOKIE,
                session.cookie
            ),
            format!("{PENDING_COOKIE}=; Path=/ui/oidc; Max-Age=0; HttpOnly; Secure; SameSite=Lax"),
        ],
    ))
}
