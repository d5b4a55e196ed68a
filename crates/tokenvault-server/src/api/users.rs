//! Dashboard users of the caller's tenant (`users:manage`). Passwords go in, never out.

use std::sync::Arc;

use axum::{
    extract::{Path, State},
    http::StatusCode,
    Json,
};
use serde::Deserialize;
use serde_json::{json, Value};
use tokenvault_core::{clock::rfc3339, service::UserChange, store::DashboardUser};

use crate::{
    error::ApiError,
    extract::{ApiJson, Authed},
    AppState,
};

fn user_json(u: &DashboardUser, now: i64) -> Value {
    json!({
        "login": u.login,
        "roles": u.roles,
        "created_at": rfc3339(u.created_at),
        "disabled": u.disabled,
        "locked": u.locked_until.is_some_and(|t| t > now),
        "failed_logins": u.failed_logins,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewUser {
    login: String,
    password: String,
    roles: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ChangeUser {
    roles: Option<Vec<String>>,
    password: Option<String>,
    disabled: Option<bool>,
}

pub(crate) async fn list(
    State(s): State<Arc<AppState>>,
    a: Authed,
) -> Result<Json<Value>, ApiError> {
    let now = s.vault.now();
    let users = s.vault.list_users(&a.caller).await?;
    Ok(Json(json!({
        "users": users.iter().map(|u| user_json(u, now)).collect::<Vec<_>>()
    })))
}

pub(crate) async fn create(
    State(s): State<Arc<AppState>>,
    a: Authed,
    ApiJson(req): ApiJson<NewUser>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let u = s
        .vault
        .create_user(
            &a.caller,
            &req.login,
            &req.password,
            &req.roles,
            &a.trace_id,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(user_json(&u, s.vault.now()))))
}

pub(crate) async fn update(
    State(s): State<Arc<AppState>>,
    a: Authed,
    Path(login): Path<String>,
    ApiJson(req): ApiJson<ChangeUser>,
) -> Result<Json<Value>, ApiError> {
    let change = UserChange {
        roles: req.roles,
        password: req.password,
        disabled: req.disabled,
    };
    let u = s
        .vault
        .change_user(&a.caller, &login, change, &a.trace_id)
        .await?;
    Ok(Json(user_json(&u, s.vault.now())))
}

pub(crate) async fn delete(
    State(s): State<Arc<AppState>>,
    a: Authed,
    Path(login): Path<String>,
) -> Result<StatusCode, ApiError> {
    s.vault.delete_user(&a.caller, &login, &a.trace_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
