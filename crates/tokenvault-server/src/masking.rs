//! `POST /mask`: seed 001's masking strategies on the tokens API (see
//! `tokenvault_core::service::masking`).

use std::sync::Arc;

use axum::{extract::State, Json};
use serde_json::{json, Value};
use tokenvault_core::{
    mask::MaskStrategy,
    service::{MaskInput, MaskOutcome},
};

use crate::{
    error::ApiError,
    extract::{ApiJson, Authed},
    AppState,
};

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MaskItem {
    value: String,
    pii_type: String,
    #[serde(default)]
    strategy: Option<String>,
    #[serde(default)]
    keep_last: Option<usize>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MaskRequest {
    items: Vec<MaskItem>,
    #[serde(default)]
    strategy: Option<String>,
    #[serde(default)]
    keep_last: Option<usize>,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    batch_mode: Option<String>,
}

fn strategy(name: Option<&str>, keep_last: Option<usize>) -> Result<MaskStrategy, ApiError> {
    Ok(match name.unwrap_or("redact") {
        "redact" => MaskStrategy::Redact,
        "partial" => MaskStrategy::Partial {
            keep_last: keep_last.unwrap_or(tokenvault_core::mask::DEFAULT_KEEP_LAST),
        },
        "category" => MaskStrategy::Category,
        "hash" => MaskStrategy::Hash,
        "null" => MaskStrategy::Null,
        _ => {
            return Err(ApiError::invalid(
                "strategy must be redact, partial, category, hash or null",
            ))
        }
    })
}

pub(crate) async fn mask(
    State(s): State<Arc<AppState>>,
    Authed { caller, trace_id }: Authed,
    ApiJson(req): ApiJson<MaskRequest>,
) -> Result<Json<Value>, ApiError> {
    let all_or_nothing = match req.batch_mode.as_deref() {
        None | Some("BEST_EFFORT") => false,
        Some("ALL_OR_NOTHING") => true,
        Some(_) => {
            return Err(ApiError::invalid(
                "batch_mode must be BEST_EFFORT or ALL_OR_NOTHING",
            ))
        }
    };
    let inputs = mask_inputs(&req)?;
    let scope = req.scope.as_deref().unwrap_or("global");
    let outcomes = s
        .vault
        .mask(&caller, &inputs, scope, all_or_nothing, &trace_id)
        .await?;
    Ok(Json(mask_response(outcomes, &trace_id)))
}

/// Each item with its strategy: its own, or the request's.
fn mask_inputs(req: &MaskRequest) -> Result<Vec<MaskInput<'_>>, ApiError> {
    req.items
        .iter()
        .enumerate()
        .map(|(i, it)| {
            let keep_last = it.keep_last.or(req.keep_last);
            let chosen = strategy(
                it.strategy.as_deref().or(req.strategy.as_deref()),
                keep_last,
            )
            .map_err(|e| ApiError::invalid(format!("items[{i}]: {}", e.detail)))?;
            Ok(MaskInput {
                value: &it.value,
                pii_type: &it.pii_type,
                strategy: chosen,
            })
        })
        .collect()
}

fn mask_response(outcomes: Vec<MaskOutcome>, trace_id: &str) -> Value {
    let mut masked = 0;
    let results: Vec<Value> = outcomes
        .into_iter()
        .enumerate()
        .map(|(index, o)| match o {
            MaskOutcome::Masked(m) => {
                masked += 1;
                json!({"index": index, "status": "MASKED", "masked": m})
            }
            MaskOutcome::Failed { code, message } => {
                json!({"index": index, "status": "FAILED", "error": {"code": code, "message": message}})
            }
        })
        .collect();
    let failed = results.len() - masked;
    json!({"results": results, "success_count": masked, "failure_count": failed, "trace_id": trace_id})
}
