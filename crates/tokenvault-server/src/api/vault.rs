//! The vault listing, revocation, usage and the audit trail.

use std::sync::Arc;

use axum::{
    extract::{Path, State},
    Json,
};
use serde_json::Value;
use tokenvault_core::{ids::TokenId, service::ServiceError, store::AuditFilter};
use tokenvault_proto::{RevokeRequest, RevokeResponse, UsageResponse, VaultPage};

use crate::{
    error::ApiError,
    extract::{ApiJson, ApiQuery, Authed},
    wire, AppState,
};

pub(crate) async fn list_vault(
    State(s): State<Arc<AppState>>,
    a: Authed,
    ApiQuery(p): ApiQuery<wire::VaultParams>,
) -> Result<Json<VaultPage>, ApiError> {
    let q = wire::vault_query(&p)?;
    let listing = s
        .vault
        .list_vault(&a.caller, &q)
        .await
        .map_err(|e| ApiError::from(e).in_query())?;
    Ok(Json(wire::vault_page(&listing)))
}

pub(crate) async fn revoke(
    State(s): State<Arc<AppState>>,
    a: Authed,
    Path(token_id): Path<String>,
    ApiJson(req): ApiJson<RevokeRequest>,
) -> Result<Json<RevokeResponse>, ApiError> {
    let id = TokenId::parse(&token_id).map_err(|_| ServiceError::TokenNotFound)?;
    let r = s
        .vault
        .revoke(&a.caller, &id, req.reason.as_deref(), &a.trace_id)
        .await?;
    Ok(Json(wire::revoke_response(&r, a.trace_id)))
}

pub(crate) async fn usage(
    State(s): State<Arc<AppState>>,
    a: Authed,
) -> Result<Json<UsageResponse>, ApiError> {
    let u = s.vault.usage(&a.caller).await?;
    Ok(Json(wire::usage_response(&u)))
}

/// `GET /audit`'s query.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AuditParams {
    action: Option<String>,
    actor: Option<String>,
    token_id: Option<String>,
    trace_id: Option<String>,
    result: Option<String>,
    before: Option<String>,
    limit: Option<String>,
}

impl AuditParams {
    /// The filter, the sequence number to page before, and the page size.
    fn into_query(self) -> Result<(AuditFilter, Option<u64>, usize), ApiError> {
        let before = self
            .before
            .as_deref()
            .map(|b| {
                b.parse::<u64>()
                    .map_err(|_| ApiError::invalid_query("before must be a sequence number"))
            })
            .transpose()?;
        let limit = wire::page_limit(self.limit.as_deref())?;
        let filter = AuditFilter {
            action: self.action,
            actor: self.actor,
            token_id: self.token_id,
            trace_id: self.trace_id,
            result: self.result,
        };
        Ok((filter, before, limit))
    }
}

pub(crate) async fn audit(
    State(s): State<Arc<AppState>>,
    a: Authed,
    ApiQuery(q): ApiQuery<AuditParams>,
) -> Result<Json<Value>, ApiError> {
    let (filter, before, limit) = q.into_query()?;
    let page = s
        .vault
        .audit_page(&a.caller, &filter, before, limit)
        .await
        .map_err(|e| ApiError::from(e).in_query())?;
    let next = page.last().map(|r| r.seq);
    let events = page
        .iter()
        .map(wire::audit_event)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Json(
        serde_json::json!({ "events": events, "next_before": next }),
    ))
}
