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
