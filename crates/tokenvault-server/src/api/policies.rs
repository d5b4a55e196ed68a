//! Token policies: list, get, create, update (with the two-person rule), delete.

use std::sync::Arc;

use axum::{
    extract::{Path, State},
    http::StatusCode,
    Json,
};
use serde_json::Value;
use tokenvault_core::policy::PolicySpec;

use crate::{
    error::ApiError,
    extract::{ApiJson, Authed},
    AppState,
};

type Answer = Result<Json<Value>, ApiError>;

fn json(v: impl serde::Serialize) -> Answer {
    serde_json::to_value(v)
        .map(Json)
        .map_err(|_| ApiError::internal())
}

pub(crate) async fn list(State(s): State<Arc<AppState>>, a: Authed) -> Answer {
    let policies = s.vault.list_policies(&a.caller).await?;
    Ok(Json(serde_json::json!({ "policies": json(policies)?.0 })))
}

pub(crate) async fn get(
    State(s): State<Arc<AppState>>,
    a: Authed,
    Path(id): Path<String>,
) -> Answer {
    json(s.vault.get_policy(&a.caller, &id).await?)
}

pub(crate) async fn create(
    State(s): State<Arc<AppState>>,
    a: Authed,
    ApiJson(spec): ApiJson<PolicySpec>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let p = s.vault.create_policy(&a.caller, &spec, &a.trace_id).await?;
    Ok((StatusCode::CREATED, json(p)?))
}

pub(crate) async fn update(
    State(s): State<Arc<AppState>>,
    a: Authed,
    Path(id): Path<String>,
    ApiJson(spec): ApiJson<PolicySpec>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let o = s
        .vault
        .update_policy(&a.caller, &id, &spec, &a.trace_id)
        .await?;
    crate::management::outcome(o, |p| json(p).map(|j| j.0))
}

pub(crate) async fn delete(
    State(s): State<Arc<AppState>>,
    a: Authed,
    Path(id): Path<String>,
) -> Answer {
    let p = s.vault.delete_policy(&a.caller, &id, &a.trace_id).await?;
    Ok(Json(
        serde_json::json!({"id": p.id.as_str(), "deleted": true, "version": p.version}),
    ))
}
