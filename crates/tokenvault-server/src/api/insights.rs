//! The dashboard's pictures and checks: operations over time, tokens by type and mode, a
//! policy's versions, the audit chain's verification.

use std::sync::Arc;

use axum::{
    extract::{Path, State},
    Json,
};
use serde_json::{json, Value};
use tokenvault_core::{clock::rfc3339, service::Bucket};

use crate::{
    error::ApiError,
    extract::{ApiQuery, Authed},
    AppState,
};

#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SeriesParams {
    bucket: Option<String>,
}

pub(crate) async fn audit_stats(
    State(s): State<Arc<AppState>>,
    a: Authed,
    ApiQuery(p): ApiQuery<SeriesParams>,
) -> Result<Json<Value>, ApiError> {
    let bucket = match p.bucket.as_deref() {
        None | Some("hour") => Bucket::Hour,
        Some("day") => Bucket::Day,
        Some(_) => return Err(ApiError::invalid_query("bucket must be hour or day")),
    };
    let series = s.vault.operation_series(&a.caller, bucket).await?;
    let buckets: Vec<Value> = series
        .buckets
        .iter()
        .map(|b| {
            json!({
                "start": rfc3339(b.start),
                "tokenize": b.tokenize,
                "detokenize": b.detokenize,
                "denied": b.denied,
            })
        })
        .collect();
    Ok(Json(json!({
        "bucket": if bucket == Bucket::Hour { "hour" } else { "day" },
        "buckets": buckets,
        "truncated": series.truncated,
    })))
}

pub(crate) async fn vault_stats(
    State(s): State<Arc<AppState>>,
    a: Authed,
) -> Result<Json<Value>, ApiError> {
    let rows: Vec<Value> = s
        .vault
        .token_breakdown(&a.caller)
        .await?
        .iter()
        .map(
            |b| json!({"pii_type": b.pii_type.as_str(), "mode": b.mode.as_str(), "count": b.count}),
        )
        .collect();
    Ok(Json(json!({ "by_type_and_mode": rows })))
}

pub(crate) async fn audit_verify(
    State(s): State<Arc<AppState>>,
    _a: Authed,
) -> Result<Json<Value>, ApiError> {
    let intact = s.vault.audit_chain_intact().await?;
    Ok(Json(json!({ "intact": intact })))
}

pub(crate) async fn policy_versions(
    State(s): State<Arc<AppState>>,
    a: Authed,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let versions = s.vault.policy_versions(&a.caller, &id).await?;
    let versions = serde_json::to_value(versions).map_err(|_| ApiError::internal())?;
    Ok(Json(json!({ "versions": versions })))
}
