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
    purpose: Option<String>,
    since: Option<String>,
    until: Option<String>,
    before: Option<String>,
    limit: Option<String>,
}

fn unix_param(name: &str, v: Option<&str>) -> Result<Option<i64>, ApiError> {
    v.map(|t| {
        t.parse::<i64>()
            .map_err(|_| ApiError::invalid_query(format!("{name} must be a time in Unix seconds")))
    })
    .transpose()
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
            since: unix_param("since", self.since.as_deref())?,
            until: unix_param("until", self.until.as_deref())?,
            action: self.action,
            actor: self.actor,
            token_id: self.token_id,
            trace_id: self.trace_id,
            result: self.result,
            purpose: self.purpose,
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

/// Rows a CSV export holds at most.
const MAX_EXPORT_ROWS: usize = 10_000;

/// One CSV field: quoted, quotes doubled, and a leading `= + - @` defused (a spreadsheet
/// would run it as a formula).
fn csv_field(out: &mut String, v: &str) {
    out.push('"');
    if v.starts_with(['=', '+', '-', '@']) {
        out.push('\'');
    }
    out.push_str(&v.replace('"', "\"\""));
    out.push('"');
}

/// `GET /audit/export`: the filtered trail as CSV, newest first, at most
/// [`MAX_EXPORT_ROWS`] rows.
pub(crate) async fn audit_export(
    State(s): State<Arc<AppState>>,
    a: Authed,
    ApiQuery(q): ApiQuery<AuditParams>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let (filter, mut before, _) = q.into_query()?;
    let mut out = String::from(
        "seq,at,action,actor,roles,purpose,reason,result,token_ids,trace_id,policy_id\n",
    );
    let mut rows = 0;
    while rows < MAX_EXPORT_ROWS {
        let page = s
            .vault
            .audit_page(
                &a.caller,
                &filter,
                before,
                tokenvault_core::service::MAX_PAGE,
            )
            .await
            .map_err(|e| ApiError::from(e).in_query())?;
        let Some(last) = page.last().map(|r| r.seq) else {
            break;
        };
        for r in page.iter().take(MAX_EXPORT_ROWS - rows) {
            let e = &r.event;
            let fields = [
                r.seq.to_string(),
                tokenvault_core::clock::rfc3339(e.at),
                e.action.clone(),
                e.actor.clone(),
                e.roles.join(" "),
                e.purpose.clone().unwrap_or_default(),
                e.reason.clone().unwrap_or_default(),
                e.result.clone(),
                e.token_ids.join(" "),
                e.trace_id.clone(),
                e.policy_id.clone().unwrap_or_default(),
            ];
            for (i, f) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                csv_field(&mut out, f);
            }
            out.push('\n');
            rows += 1;
        }
        before = Some(last);
    }
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                axum::http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"audit.csv\"",
            ),
        ],
        out,
    )
        .into_response())
}
