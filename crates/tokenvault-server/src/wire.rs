//! The tokens API's wire types (seed 002) to and from the domain's: requests become validated
//! commands, outcomes become responses. The only place the two meet.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use tokenvault_core::{
    clock::rfc3339,
    ids::{PolicyId, TokenId},
    pii::PiiType,
    service::{
        BatchMode, FoundToken, IssuedGrant, ItemOutcome, ModeChoice, OpenStatus, OpenedToken,
        RehydrateAccess, Rehydrated, ServiceError, TokenizeCommand, TokenizeItemInput,
        TokenizeOutcome, Usage, VaultCursor, VaultListing, VaultQuery, DEFAULT_PAGE,
    },
    store::{TokenRecord, TokenStatus},
    token::{Mode, ScopeContext},
};
use tokenvault_proto::{
    DetokenizeResponse, DetokenizeResult, GrantResponse, ItemError, RehydrateRequest,
    RehydrateResponse, RehydrateToken, RevokeResponse, TokenizeItem, TokenizeRequest,
    TokenizeResponse, TokenizeResult, UsageResponse, VaultEntry, VaultPage,
};

use crate::error::ApiError;

fn invalid(detail: impl Into<String>) -> ApiError {
    ServiceError::InvalidInput(detail.into()).into()
}

fn item(i: TokenizeItem) -> TokenizeItemInput {
    TokenizeItemInput {
        pii_type: i.pii_type.parse::<PiiType>().ok(),
        mode: match i.mode.as_deref() {
            None => ModeChoice::Policy,
            Some(m) => m
                .parse::<Mode>()
                .map_or(ModeChoice::Unknown, ModeChoice::Override),
        },
        value: i.value,
        confidence: i.confidence,
        labels: i.labels,
        scope_context: ScopeContext {
            connector_id: i.connector_id,
            resource_id: i.resource_id,
            field_id: i.field_id,
        },
    }
}

/// `POST /tokenize`'s body and `dry_run` as a command.
pub(crate) fn tokenize_command(
    req: TokenizeRequest,
    dry_run: bool,
) -> Result<TokenizeCommand, ApiError> {
    let policy_id =
        PolicyId::parse(&req.policy_id).map_err(|e| invalid(format!("policy_id: {e}")))?;
    let batch_mode = match req.batch_mode.as_deref() {
        None | Some("BEST_EFFORT") => BatchMode::BestEffort,
        Some("ALL_OR_NOTHING") => BatchMode::AllOrNothing,
        Some(_) => return Err(invalid("batch_mode must be BEST_EFFORT or ALL_OR_NOTHING")),
    };
    Ok(TokenizeCommand {
        items: req.items.into_iter().map(item).collect(),
        policy_id,
        idempotency_key: req.idempotency_key,
        batch_mode,
        batch_policy_version: req.batch_policy_version,
        dry_run,
    })
}

fn item_result(o: ItemOutcome) -> TokenizeResult {
    let empty = TokenizeResult {
        token: None,
        token_id: None,
        status: String::new(),
        mode: None,
        reason: None,
        error: None,
        expires_at: None,
        masked: None,
    };
    match o {
        ItemOutcome::Masked(value) => TokenizeResult {
            status: "MASKED".into(),
            masked: Some(value),
            ..empty
        },
        ItemOutcome::Tokenized {
            token,
            token_id,
            mode,
            expires_at,
        } => TokenizeResult {
            token: Some(token),
            token_id: Some(token_id.to_string()),
            status: "TOKENIZED".into(),
            mode: Some(mode.as_str().into()),
            expires_at: expires_at.map(rfc3339),
            ..empty
        },
        ItemOutcome::Skipped(code) => TokenizeResult {
            status: "SKIPPED".into(),
            reason: Some(code.as_str().into()),
            ..empty
        },
        ItemOutcome::Failed { error, record } => TokenizeResult {
            status: "FAILED".into(),
            error: Some(ItemError {
                code: error.code.as_str().into(),
                message: error.message,
            }),
            token_id: record.as_ref().map(|(id, _, _)| id.to_string()),
            mode: record.as_ref().map(|(_, m, _)| m.as_str().into()),
            expires_at: record.as_ref().and_then(|(_, _, e)| e.map(rfc3339)),
            ..empty
        },
    }
}

/// The answer of `POST /tokenize`.
pub(crate) fn tokenize_response(o: TokenizeOutcome) -> TokenizeResponse {
    let (success_count, failure_count, skipped_count, masked_count) = (
        o.success_count(),
        o.failure_count(),
        o.skipped_count(),
        o.masked_count(),
    );
    TokenizeResponse {
        results: o.items.into_iter().map(item_result).collect(),
        success_count,
        failure_count,
        skipped_count,
        masked_count,
        batch_policy_version: o.policy_version,
        trace_id: o.trace_id,
        dry_run: o.dry_run,
    }
}

/// Token ids of a request, each checked.
pub(crate) fn token_ids(ids: &[String], field: &str) -> Result<Vec<TokenId>, ApiError> {
    ids.iter()
        .enumerate()
        .map(|(i, s)| TokenId::parse(s).map_err(|e| invalid(format!("{field}[{i}]: {e}"))))
        .collect()
}

/// The answer of `POST /grant`.
pub(crate) fn grant_response(g: IssuedGrant, trace_id: String) -> GrantResponse {
    GrantResponse {
        grant_jwt: g.jwt,
        expires_in_seconds: g.expires_in_seconds,
        trace_id,
    }
}

fn detokenize_result(o: OpenedToken) -> DetokenizeResult {
    let mut r = DetokenizeResult {
        status: o.status.as_str().into(),
        token_id: o.token_id,
        value: None,
        revoked_at: None,
        expired_at: None,
        pii_type: None,
    };
    match o.status {
        OpenStatus::Granted { pii_type, value } => {
            r.value = Some(value);
            r.pii_type = Some(pii_type.as_str().into());
        }
        OpenStatus::Revoked(at) => r.revoked_at = at.map(rfc3339),
        OpenStatus::Expired(at) => r.expired_at = at.map(rfc3339),
        OpenStatus::NotFound | OpenStatus::Denied => {}
    }
    r
}

/// The answer of `POST /detokenize`.
pub(crate) fn detokenize_response(
    opened: Vec<OpenedToken>,
    trace_id: String,
) -> DetokenizeResponse {
    let results: Vec<DetokenizeResult> = opened.into_iter().map(detokenize_result).collect();
    let success_count = results.iter().filter(|r| r.status == "GRANTED").count();
    DetokenizeResponse {
        failure_count: results.len() - success_count,
        success_count,
        results,
        trace_id,
    }
}

/// What allows a rehydration: a grant, or a purpose.
pub(crate) fn rehydrate_access(req: &RehydrateRequest) -> Result<RehydrateAccess, ApiError> {
    match (&req.grant_jwt, &req.purpose) {
        (Some(g), _) => Ok(RehydrateAccess::Grant(g.clone())),
        (None, Some(purpose)) => Ok(RehydrateAccess::Purpose {
            purpose: purpose.clone(),
            reason: req.reason.clone(),
        }),
        (None, None) => Err(invalid(
            "send grant_jwt, or purpose (checked against each token's policy)",
        )),
    }
}

/// The answer of `POST /rehydrate`.
pub(crate) fn rehydrate_response(r: Rehydrated, trace_id: String) -> RehydrateResponse {
    let restored_count = r.restored_count();
    RehydrateResponse {
        output_text: r.text,
        left_count: r.tokens.len() - restored_count,
        restored_count,
        tokens: r
            .tokens
            .into_iter()
            .map(
                |FoundToken {
                     token,
                     status,
                     occurrences,
                 }| RehydrateToken {
                    token,
                    status: status.as_str().into(),
                    occurrences,
                },
            )
            .collect(),
        trace_id,
    }
}

/// Query of `GET /vault`: every field as sent.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct VaultParams {
    token_id: Option<String>,
    limit: Option<String>,
    cursor: Option<String>,
    pii_type: Option<String>,
    status: Option<String>,
}

/// A page size parameter: 1 to `max`, default `DEFAULT_PAGE`.
pub(crate) fn page_limit(limit: Option<&str>) -> Result<usize, ApiError> {
    match limit {
        None => Ok(DEFAULT_PAGE),
        Some(s) => s.parse::<usize>().map_err(|_| {
            invalid(format!(
                "limit must be an integer from 1 to {}",
                tokenvault_core::service::MAX_PAGE
            ))
            .in_query()
        }),
    }
}

fn encode_cursor(c: &VaultCursor) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}:{}", c.created_at, c.token_id))
}

fn decode_cursor(c: &str) -> Result<VaultCursor, ApiError> {
    let bad = || invalid("cursor is not one this server issued").in_query();
    let raw = URL_SAFE_NO_PAD.decode(c).map_err(|_| bad())?;
    let text = String::from_utf8(raw).map_err(|_| bad())?;
    let (at, id) = text.split_once(':').ok_or_else(bad)?;
    Ok(VaultCursor {
        created_at: at.parse().map_err(|_| bad())?,
        token_id: TokenId::parse(id).map_err(|_| bad())?,
    })
}

/// `GET /vault`'s query as the domain's.
pub(crate) fn vault_query(p: &VaultParams) -> Result<VaultQuery, ApiError> {
    Ok(VaultQuery {
        token_id: p
            .token_id
            .as_deref()
            .map(|t| {
                TokenId::parse(t.trim())
                    .map_err(|_| invalid("token_id must be a token id (tok_…)").in_query())
            })
            .transpose()?,
        limit: page_limit(p.limit.as_deref())?,
        after: p.cursor.as_deref().map(decode_cursor).transpose()?,
        pii_type: p
            .pii_type
            .as_deref()
            .map(|t| {
                t.parse::<PiiType>().map_err(|_| {
                    ApiError::from(ServiceError::UnsupportedPiiType(
                        "pii_type is not a supported PII type; see docs/api.md for the list".into(),
                    ))
                    .in_query()
                })
            })
            .transpose()?,
        status: p
            .status
            .as_deref()
            .map(|s| {
                TokenStatus::parse(s)
                    .ok_or_else(|| invalid("status must be active, revoked or expired").in_query())
            })
            .transpose()?,
    })
}

fn vault_entry(r: &TokenRecord, now: i64) -> VaultEntry {
    VaultEntry {
        token_id: r.token_id.to_string(),
        token: r.token.clone(),
        pii_type: r.pii_type.as_str().into(),
        mode: r.mode.as_str().into(),
        scope: r.scope.clone(),
        status: r.status(now).as_str().into(),
        policy_id: r.policy_id.to_string(),
        policy_version: r.policy_version,
        key_version: r.key_version,
        created_at: rfc3339(r.created_at),
        expires_at: r.expires_at.map(rfc3339),
        revoked_at: r.revoked_at.map(rfc3339),
        revoke_reason: r.revoke_reason.clone(),
    }
}

/// The answer of `GET /vault`.
pub(crate) fn vault_page(l: &VaultListing) -> VaultPage {
    VaultPage {
        entries: l.records.iter().map(|r| vault_entry(r, l.now)).collect(),
        next_cursor: l.next.as_ref().map(encode_cursor),
        has_more: l.next.is_some(),
    }
}

/// The answer of `DELETE /vault/{token_id}`.
pub(crate) fn revoke_response(r: &TokenRecord, trace_id: String) -> RevokeResponse {
    RevokeResponse {
        token_id: r.token_id.to_string(),
        status: "revoked".into(),
        revoked_at: r.revoked_at.map(rfc3339).unwrap_or_default(),
        trace_id,
    }
}

/// The answer of `GET /usage`.
pub(crate) fn usage_response(u: &Usage) -> UsageResponse {
    UsageResponse {
        tokens_created: u.counts.created,
        active: u.counts.active,
        revoked: u.counts.revoked,
        expired: u.counts.expired,
        operations_this_period: u.counts.operations,
        quota: u.quota,
        period_start: rfc3339(u.period_start),
        period_end: rfc3339(u.period_end),
    }
}

/// One event of `GET /audit`: the stored event with its place in the chain.
pub(crate) fn audit_event(
    r: &tokenvault_core::store::AuditRecord,
) -> Result<serde_json::Value, ApiError> {
    let mut v = serde_json::to_value(&r.event).map_err(|_| ApiError::internal())?;
    let o = v.as_object_mut().ok_or_else(ApiError::internal)?;
    o.insert("seq".into(), r.seq.into());
    o.insert("at".into(), rfc3339(r.event.at).into());
    o.insert(
        "hash".into(),
        tokenvault_core::store::hex_digest(&r.hash).into(),
    );
    o.insert(
        "prev_hash".into(),
        tokenvault_core::store::hex_digest(&r.prev_hash).into(),
    );
    Ok(v)
}
