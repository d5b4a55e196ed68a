//! Tokenize, grant, detokenize and rehydrate: parse, call the vault, answer.

use std::{collections::HashMap, sync::Arc};

use axum::{extract::State, Extension, Json};
use tokenvault_core::service::ItemOutcome;
use tokenvault_proto::{
    DetokenizeRequest, DetokenizeResponse, GrantRequest, GrantResponse, RehydrateRequest,
    RehydrateResponse, TokenizeRequest, TokenizeResponse,
};

use crate::{
    context::{valid_trace_id, TraceId},
    error::ApiError,
    extract::{ApiJson, ApiQuery, Authed},
    wire, AppState,
};

/// `POST /tokenize`'s query.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TokenizeParams {
    dry_run: Option<String>,
}

fn dry_run(p: &TokenizeParams) -> Result<bool, ApiError> {
    match p.dry_run.as_deref() {
        None | Some("false" | "0") => Ok(false),
        Some("true" | "1" | "") => Ok(true),
        Some(_) => Err(ApiError::invalid_query("dry_run must be true or false")),
    }
}

/// A trace id sent in the body becomes the request's, for the audit, the header and the log.
fn body_trace_id(sent: Option<&str>, a: &Authed) -> Result<String, ApiError> {
    match sent {
        Some(t) if !valid_trace_id(t) => Err(ApiError::invalid(
            "trace_id must be 1 to 128 letters, digits, '-', '_', '.' or ':'",
        )),
        Some(t) => Ok(t.to_owned()),
        None => Ok(a.trace_id.clone()),
    }
}

pub(crate) async fn tokenize(
    State(s): State<Arc<AppState>>,
    a: Authed,
    ApiQuery(q): ApiQuery<TokenizeParams>,
    ApiJson(req): ApiJson<TokenizeRequest>,
) -> Result<(Extension<TraceId>, Json<TokenizeResponse>), ApiError> {
    let dry_run = dry_run(&q)?;
    let trace_id = body_trace_id(req.trace_id.as_deref(), &a)?;
    let cmd = wire::tokenize_command(req, dry_run)?;
    let outcome = s.vault.tokenize(&a.caller, &cmd, &trace_id).await?;
    if !dry_run {
        let mut by_mode: HashMap<&str, u64> = HashMap::new();
        for i in &outcome.items {
            if let ItemOutcome::Tokenized { mode, .. } = i {
                *by_mode.entry(mode.as_str()).or_default() += 1;
            }
        }
        for (mode, n) in by_mode {
            s.metrics.tokens(mode, n);
        }
    }
    let body = wire::tokenize_response(outcome);
    Ok((Extension(TraceId(trace_id)), Json(body)))
}

pub(crate) async fn grant(
    State(s): State<Arc<AppState>>,
    a: Authed,
    ApiJson(req): ApiJson<GrantRequest>,
) -> Result<Json<GrantResponse>, ApiError> {
    let cmd = tokenvault_core::service::GrantCommand {
        token_ids: wire::token_ids(&req.token_ids, "token_ids")?,
        purpose: req.purpose,
        reason: req.reason,
    };
    let g = s.vault.grant(&a.caller, &cmd, &a.trace_id).await?;
    Ok(Json(wire::grant_response(g, a.trace_id)))
}

pub(crate) async fn detokenize(
    State(s): State<Arc<AppState>>,
    a: Authed,
    ApiJson(req): ApiJson<DetokenizeRequest>,
) -> Result<Json<DetokenizeResponse>, ApiError> {
    let opened = s
        .vault
        .detokenize(&a.caller, &req.tokens, &req.grant_jwt, &a.trace_id)
        .await?;
    Ok(Json(wire::detokenize_response(opened, a.trace_id)))
}

/// `POST /rehydrate`: restores the vault tokens in a text (a model's reply).
pub(crate) async fn rehydrate(
    State(s): State<Arc<AppState>>,
    a: Authed,
    ApiJson(req): ApiJson<RehydrateRequest>,
) -> Result<Json<RehydrateResponse>, ApiError> {
    let access = wire::rehydrate_access(&req)?;
    let r = s
        .vault
        .rehydrate(&a.caller, &req.text, &access, &a.trace_id)
        .await?;
    Ok(Json(wire::rehydrate_response(r, a.trace_id)))
}

/// `POST /rehydrate/stream`: the streaming form (see `stream`); first line
/// `{"purpose": "…", "reason": "…"}`, then `{"chunk": "…"}` lines.
pub(crate) async fn rehydrate_stream(
    State(s): State<Arc<AppState>>,
    a: Authed,
    body: axum::body::Body,
) -> axum::response::Response {
    let state = s.clone();
    crate::stream::serve(&s, body, |first| async move {
        let purpose = first["purpose"]
            .as_str()
            .filter(|p| !p.trim().is_empty())
            .ok_or_else(|| {
                ApiError::invalid("the first line must be {\"purpose\": \"…\"} (and reason where the policy requires one)")
            })?
            .to_owned();
        Ok(crate::stream::Restorer::Vault {
            prefix: state.vault.token_prefix().to_owned(),
            reason: first["reason"].as_str().map(str::to_owned),
            state,
            caller: a.caller,
            purpose,
            trace_id: a.trace_id,
            tokens: Vec::new(),
        })
    })
    .await
}
