//! `/ctl/iam/conf`: the tenant's IAM configuration as TOML, read and replaced.

use std::sync::Arc;

use axum::{
    extract::State,
    http::header,
    response::{IntoResponse, Response},
    Json,
};
use serde_json::json;

use super::{
    error::PvltError,
    extract::{PvltBody, PvltCaller},
};
use crate::AppState;

pub(crate) async fn get(
    State(s): State<Arc<AppState>>,
    c: PvltCaller,
) -> Result<Response, PvltError> {
    let text = s.vault.iam_config(&c.user).await?;
    Ok(([(header::CONTENT_TYPE, "application/toml")], text).into_response())
}

pub(crate) async fn set(
    State(s): State<Arc<AppState>>,
    c: PvltCaller,
    body: PvltBody,
) -> Result<Json<serde_json::Value>, PvltError> {
    let text = std::str::from_utf8(&body.bytes)
        .map_err(|_| PvltError::bad_request("the configuration is not UTF-8 TOML"))?;
    s.vault.set_iam_config(&c.user, text, &c.trace_id).await?;
    Ok(Json(json!({})))
}

/// `{"name": "<user>"}`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RegenBody {
    name: String,
}

/// `POST /ctl/iam/user/regen`: a new API key for a user; its old keys stop working.
pub(crate) async fn regen(
    State(s): State<Arc<AppState>>,
    c: PvltCaller,
    body: PvltBody,
) -> Result<Json<serde_json::Value>, PvltError> {
    let b: RegenBody = serde_json::from_slice(&body.bytes)
        .map_err(|e| PvltError::bad_request(crate::error::describe_json_error(&e)))?;
    let key = s
        .vault
        .regenerate_user_key(&c.user, &b.name, &c.trace_id)
        .await
        .map_err(|e| match e {
            tokenvault_core::service::ServiceError::NotFound(_) => PvltError::new(
                axum::http::StatusCode::NOT_FOUND,
                "PV1014",
                "no user of that name has an active API key",
            ),
            other => other.into(),
        })?;
    Ok(Json(json!({ "api_key": key })))
}
