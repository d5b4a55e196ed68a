//! The object vault in the dashboard (`vault:read`): collections with token counts, and pages
//! of masked objects.

use std::sync::Arc;

use axum::{
    extract::{Path, State},
    Json,
};
use serde_json::{json, Value};

use crate::{
    error::ApiError,
    extract::{ApiQuery, Authed},
    AppState,
};

pub(crate) async fn collections(
    State(s): State<Arc<AppState>>,
    a: Authed,
) -> Result<Json<Value>, ApiError> {
    let list: Vec<Value> = s
        .vault
        .dashboard_collections(&a.caller, &a.trace_id)
        .await?
        .iter()
        .map(|(c, counts)| {
            json!({
                "name": c.name,
                "type": c.kind.as_str(),
                "properties": c.properties.iter().map(|p| json!({
                    "name": p.name,
                    "data_type": p.data_type.as_str(),
                    "is_unique": p.is_unique,
                    "is_index": p.is_index,
                })).collect::<Vec<_>>(),
                "tokens": {"active": counts.active, "archived": counts.archived},
            })
        })
        .collect();
    Ok(Json(json!({ "collections": list })))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PageParams {
    cursor: Option<String>,
}

pub(crate) async fn objects(
    State(s): State<Arc<AppState>>,
    a: Authed,
    Path(collection): Path<String>,
    ApiQuery(p): ApiQuery<PageParams>,
) -> Result<Json<Value>, ApiError> {
    let cursor = p
        .cursor
        .as_deref()
        .map(|c| {
            c.parse::<i64>()
                .map_err(|_| ApiError::invalid_query("cursor must come from a previous page"))
        })
        .transpose()?;
    let m = s
        .vault
        .dashboard_objects(&a.caller, &collection, cursor, &a.trace_id)
        .await
        .map_err(|e| ApiError::from(e).in_query())?;
    Ok(Json(json!({
        "results": m.page.results,
        "cursor": m.page.cursor.map(|c| c.to_string()),
        "hidden": m.hidden,
    })))
}
