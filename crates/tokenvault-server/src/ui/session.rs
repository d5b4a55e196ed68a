//! Dashboard sign-in and sign-out: `POST /ui/session` (login and password) sets the session
//! cookie and returns the CSRF token; `GET /ui/session` returns the signed-in user and the
//! token again (a same-origin read: another site can neither send the `SameSite=Strict`
//! cookie nor read the answer); `DELETE /ui/session` signs out (with the token).

use std::sync::Arc;

use axum::{
    extract::State,
    http::{header, HeaderMap, HeaderValue},
    response::{IntoResponse, Response},
    Json,
};
use serde::Deserialize;
use serde_json::json;
use tokenvault_core::service::SESSION_SECONDS;

use crate::{context::TraceId, error::ApiError, extract::ApiJson, AppState};

/// The session cookie.
pub(crate) const COOKIE: &str = "tv_session";
/// The header every cookie-authenticated request carries.
pub(crate) const CSRF_HEADER: &str = "x-csrf-token";

/// The value of cookie `name` in `headers`, if any.
pub(crate) fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

/// The value of the session cookie in `headers`, if any.
pub(crate) fn session_cookie(headers: &HeaderMap) -> Option<&str> {
    cookie_value(headers, COOKIE).filter(|v| !v.is_empty() && v.len() <= 128)
}

fn set_cookie(value: &str, max_age: i64) -> Option<HeaderValue> {
    HeaderValue::from_str(&format!(
        "{COOKIE}={value}; Path=/; Max-Age={max_age}; HttpOnly; Secure; SameSite=Strict"
    ))
    .ok()
}

/// The CSRF token of a session: derived from the cookie (a hash only its holder can compute),
/// so the page can ask for it again after a reload.
pub(crate) fn csrf_token(cookie: &str) -> String {
    tokenvault_core::service::csrf_token_of(cookie)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SignIn {
    login: String,
    password: String,
}

fn user_json(
    user: &tokenvault_core::store::DashboardUser,
    csrf: &str,
    expires_at: i64,
) -> serde_json::Value {
    json!({
        "login": user.login,
        "tenant_id": user.tenant.as_str(),
        "roles": user.roles,
        "csrf_token": csrf,
        "expires_at": tokenvault_core::clock::rfc3339(expires_at),
    })
}

pub(crate) async fn sign_in(
    State(s): State<Arc<AppState>>,
    trace: axum::Extension<TraceId>,
    ApiJson(req): ApiJson<SignIn>,
) -> Result<Response, ApiError> {
    let login = req.login.trim().to_ascii_lowercase();
    let session = s.vault.sign_in(&login, &req.password, &trace.0 .0).await?;
    let body = user_json(&session.user, &session.csrf, session.expires_at);
    let mut response = Json(body).into_response();
    if let Some(c) = set_cookie(&session.cookie, SESSION_SECONDS) {
        response.headers_mut().insert(header::SET_COOKIE, c);
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

pub(crate) async fn current(
    State(s): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let cookie = session_cookie(&headers).ok_or_else(|| ApiError::unauthorized("not signed in"))?;
    let (user, expires_at) = s.vault.session_user(cookie).await?;
    let mut response = Json(user_json(&user, &csrf_token(cookie), expires_at)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

pub(crate) async fn sign_out(
    State(s): State<Arc<AppState>>,
    trace: axum::Extension<TraceId>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let cookie = session_cookie(&headers).ok_or_else(|| ApiError::unauthorized("not signed in"))?;
    let csrf = headers
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    s.vault.sign_out(cookie, csrf, &trace.0 .0).await?;
    let mut response = axum::http::StatusCode::NO_CONTENT.into_response();
    if let Some(c) = set_cookie("", 0) {
        response.headers_mut().insert(header::SET_COOKIE, c);
    }
    Ok(response)
}
