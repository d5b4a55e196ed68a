//! The endpoints. Each authenticates, counts against its limit, parses, calls the vault and
//! answers; the domain does the rest.

use std::{collections::HashMap, sync::Arc};

use axum::{
    body::Body,
    extract::{Path, Query, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Extension, Json,
};
use tokenvault_core::{
    clock::rfc3339, policy::PolicySpec, service::VaultQuery, store::AuditFilter,
};
use tokenvault_proto::{
    DetokenizeRequest, GrantRequest, HealthResponse, RevokeRequest, TokenizeRequest,
};

use crate::{
    access::Endpoint,
    context::{json_body, valid_trace_id, TraceId},
    error::ApiError,
    AppState,
};

type AppStateRef = State<Arc<AppState>>;

fn query<T: serde::de::DeserializeOwned>(raw: &HashMap<String, String>) -> Result<T, ApiError> {
    let value =
        serde_json::to_value(raw).map_err(|_| ApiError::invalid_query("malformed query"))?;
    serde_json::from_value(value).map_err(|e| {
        ApiError::invalid_query(format!("query: {}", crate::error::describe_json_error(&e)))
    })
}

pub(crate) async fn tokenize(
    State(s): AppStateRef,
    Extension(trace): Extension<TraceId>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    // A trace id in the body becomes the request's, for the audit, the header and the log.
    let chosen: Arc<parking_lot::Mutex<Option<String>>> = Arc::default();
    let slot = Arc::clone(&chosen);
    let mut response = s
        .handle(
            &headers,
            &trace,
            Endpoint::Tokenize,
            StatusCode::OK,
            |s, caller, mut trace_id| async move {
                let dry_run = match q.get("dry_run").map(String::as_str) {
                    None | Some("false") | Some("0") => false,
                    Some("true") | Some("1") | Some("") => true,
                    Some(_) => {
                        return Err(ApiError::invalid_query("dry_run must be true or false"))
                    }
                };
                if q.keys().any(|k| k.as_str() != "dry_run") {
                    return Err(ApiError::invalid(
                        "the only query parameter of /tokenize is dry_run",
                    ));
                }
                let req: TokenizeRequest = json_body(body, &s.settings).await?;
                if let Some(t) = req.trace_id.as_deref() {
                    if !valid_trace_id(t) {
                        return Err(ApiError::invalid(
                            "trace_id must be 1 to 128 letters, digits, '-', '_', '.' or ':'",
                        ));
                    }
                    trace_id = t.to_owned();
                    *slot.lock() = Some(trace_id.clone());
                }
                let resp = s.vault.tokenize(&caller, &req, dry_run, &trace_id).await?;
                if !dry_run {
                    let mut by_mode: HashMap<&str, u64> = HashMap::new();
                    for r in resp.results.iter().filter(|r| r.status == "TOKENIZED") {
                        *by_mode
                            .entry(r.mode.as_deref().unwrap_or("unknown"))
                            .or_default() += 1;
                    }
                    for (mode, n) in by_mode {
                        s.metrics.tokens(mode, n);
                    }
                }
                Ok(resp)
            },
        )
        .await;
    if let Some(t) = chosen.lock().take() {
        response.extensions_mut().insert(TraceId(t));
    }
    response
}

pub(crate) async fn grant(
    State(s): AppStateRef,
    Extension(trace): Extension<TraceId>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    s.handle(
        &headers,
        &trace,
        Endpoint::Grant,
        StatusCode::OK,
        |s, caller, trace_id| async move {
            let req: GrantRequest = json_body(body, &s.settings).await?;
            Ok(s.vault.grant(&caller, &req, &trace_id).await?)
        },
    )
    .await
}

pub(crate) async fn detokenize(
    State(s): AppStateRef,
    Extension(trace): Extension<TraceId>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    s.handle(
        &headers,
        &trace,
        Endpoint::Detokenize,
        StatusCode::OK,
        |s, caller, trace_id| async move {
            let req: DetokenizeRequest = json_body(body, &s.settings).await?;
            Ok(s.vault.detokenize(&caller, &req, &trace_id).await?)
        },
    )
    .await
}

pub(crate) async fn list_vault(
    State(s): AppStateRef,
    Extension(trace): Extension<TraceId>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    s.handle(
        &headers,
        &trace,
        Endpoint::VaultList,
        StatusCode::OK,
        |s, caller, _trace_id| async move {
            let q: VaultQuery = query(&q)?;
            s.vault
                .list_vault(&caller, &q)
                .await
                .map_err(|e| ApiError::from(e).in_query())
        },
    )
    .await
}

pub(crate) async fn revoke(
    State(s): AppStateRef,
    Extension(trace): Extension<TraceId>,
    Path(token_id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    s.handle(
        &headers,
        &trace,
        Endpoint::Revoke,
        StatusCode::OK,
        |s, caller, trace_id| async move {
            let req: RevokeRequest = json_body(body, &s.settings).await?;
            Ok(s.vault
                .revoke(&caller, &token_id, req.reason.as_deref(), &trace_id)
                .await?)
        },
    )
    .await
}

pub(crate) async fn list_policies(
    State(s): AppStateRef,
    Extension(trace): Extension<TraceId>,
    headers: HeaderMap,
) -> Response {
    s.handle(
        &headers,
        &trace,
        Endpoint::PolicyList,
        StatusCode::OK,
        |s, caller, _trace_id| async move {
            s.vault
                .list_policies(&caller)
                .await
                .map(|policies| serde_json::json!({ "policies": policies }))
                .map_err(ApiError::from)
        },
    )
    .await
}

pub(crate) async fn get_policy(
    State(s): AppStateRef,
    Extension(trace): Extension<TraceId>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    s.handle(
        &headers,
        &trace,
        Endpoint::PolicyGet,
        StatusCode::OK,
        |s, caller, _trace_id| async move {
            s.vault
                .get_policy(&caller, &id)
                .await
                .map_err(ApiError::from)
        },
    )
    .await
}

pub(crate) async fn create_policy(
    State(s): AppStateRef,
    Extension(trace): Extension<TraceId>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    s.handle(
        &headers,
        &trace,
        Endpoint::PolicyCreate,
        StatusCode::CREATED,
        |s, caller, trace_id| async move {
            let spec: PolicySpec = json_body(body, &s.settings).await?;
            Ok(s.vault.create_policy(&caller, &spec, &trace_id).await?)
        },
    )
    .await
}

pub(crate) async fn update_policy(
    State(s): AppStateRef,
    Extension(trace): Extension<TraceId>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    s.handle_with_status(
        &headers,
        &trace,
        Endpoint::PolicyUpdate,
        |s, caller, trace_id| async move {
            let spec: PolicySpec = json_body(body, &s.settings).await?;
            let o = s
                .vault
                .update_policy(&caller, &id, &spec, &trace_id)
                .await?;
            Ok(crate::management::outcome(o, |p| {
                serde_json::to_value(p).unwrap_or_default()
            }))
        },
    )
    .await
}

pub(crate) async fn delete_policy(
    State(s): AppStateRef,
    Extension(trace): Extension<TraceId>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    s.handle(
        &headers,
        &trace,
        Endpoint::PolicyDelete,
        StatusCode::OK,
        |s, caller, trace_id| async move {
            let p = s.vault.delete_policy(&caller, &id, &trace_id).await?;
            Ok(serde_json::json!({"id": p.id.as_str(), "deleted": true, "version": p.version}))
        },
    )
    .await
}

pub(crate) async fn usage(
    State(s): AppStateRef,
    Extension(trace): Extension<TraceId>,
    headers: HeaderMap,
) -> Response {
    s.handle(
        &headers,
        &trace,
        Endpoint::Usage,
        StatusCode::OK,
        |s, caller, _trace_id| async move { s.vault.usage(&caller).await.map_err(ApiError::from) },
    )
    .await
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct AuditQuery {
    action: Option<String>,
    actor: Option<String>,
    token_id: Option<String>,
    trace_id: Option<String>,
    result: Option<String>,
    before: Option<String>,
    limit: Option<String>,
}

pub(crate) async fn audit(
    State(s): AppStateRef,
    Extension(trace): Extension<TraceId>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    s.handle(
        &headers,
        &trace,
        Endpoint::Audit,
        StatusCode::OK,
        |s, caller, _trace_id| async move {
            let q: AuditQuery = query(&q)?;
            let before = q
                .before
                .as_deref()
                .map(|b| {
                    b.parse::<u64>()
                        .map_err(|_| ApiError::invalid_query("before must be a sequence number"))
                })
                .transpose()?;
            let filter = AuditFilter {
                action: q.action,
                actor: q.actor,
                token_id: q.token_id,
                trace_id: q.trace_id,
                result: q.result,
            };
            let page = s
                .vault
                .audit_page(&caller, &filter, before, q.limit.as_deref())
                .await
                .map_err(|e| ApiError::from(e).in_query())?;
            let next = page.last().map(|r| r.seq);
            let events: Vec<serde_json::Value> = page
                .into_iter()
                .map(|r| {
                    let mut v = serde_json::to_value(&r.event).unwrap_or_default();
                    if let Some(o) = v.as_object_mut() {
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
                    }
                    v
                })
                .collect();
            Ok(serde_json::json!({ "events": events, "next_before": next }))
        },
    )
    .await
}

pub(crate) async fn health(State(s): AppStateRef) -> Response {
    let ok = s.vault.store().ping().await.is_ok();
    let body = HealthResponse {
        status: if ok { "ok" } else { "degraded" }.into(),
        version: tokenvault_core::VERSION.into(),
        store: if ok { "ok" } else { "unavailable" }.into(),
    };
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body)).into_response()
}

pub(crate) async fn jwks(State(s): AppStateRef) -> Response {
    Json(s.vault.jwks()).into_response()
}

pub(crate) async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], crate::OPENAPI).into_response()
}

pub(crate) async fn metrics(State(s): AppStateRef, headers: HeaderMap) -> Response {
    if let Some(expected) = &s.settings.metrics_token {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        if !tokenvault_crypto::digest::ct_eq(given.as_bytes(), expected.as_bytes()) {
            return ApiError::unauthorized(
                "send the metrics token in the Authorization: Bearer header",
            )
            .into_response();
        }
    }
    let mut text = s.metrics.render();
    if let Some(r) = &s.redis {
        text.push_str("# HELP tokenvault_redis_limiter_up Whether the last rate-limit check reached Redis (0: per-node limits in force).\n# TYPE tokenvault_redis_limiter_up gauge\n");
        text.push_str(&format!(
            "tokenvault_redis_limiter_up {}\n",
            u8::from(r.is_up())
        ));
        text.push_str("# HELP tokenvault_redis_limiter_attempts_total Rate-limit checks sent to Redis (while it is down, one probe per backoff).\n# TYPE tokenvault_redis_limiter_attempts_total counter\n");
        text.push_str(&format!(
            "tokenvault_redis_limiter_attempts_total {}\n",
            r.attempts()
        ));
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response()
}

pub(crate) async fn not_found() -> Response {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        "No such endpoint",
        "see /api/v1/tokens/openapi.json for the endpoints",
    )
    .into_response()
}

pub(crate) async fn method_not_allowed() -> Response {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        "Method not allowed",
        "this endpoint does not accept this method; see /api/v1/tokens/openapi.json",
    )
    .into_response()
}

/// `POST /rehydrate`: restores the vault tokens in a text (a model's reply).
pub(crate) async fn rehydrate(
    State(s): AppStateRef,
    Extension(trace): Extension<TraceId>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    s.handle(
        &headers,
        &trace,
        Endpoint::Rehydrate,
        StatusCode::OK,
        |s, caller, trace_id| async move {
            let req: tokenvault_proto::RehydrateRequest = json_body(body, &s.settings).await?;
            Ok(s.vault.rehydrate(&caller, &req, &trace_id).await?)
        },
    )
    .await
}

/// `POST /rehydrate/stream`: the streaming form (see `stream`); first line
/// `{"purpose": "…", "reason": "…"}`, then `{"chunk": "…"}` lines.
pub(crate) async fn rehydrate_stream(
    State(s): AppStateRef,
    Extension(trace): Extension<TraceId>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let state = s.clone();
    crate::stream::serve(
        &s,
        &headers,
        &trace,
        Endpoint::RehydrateStream,
        body,
        |first, caller, trace_id| async move {
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
                caller,
                purpose,
                trace_id,
                tokens: Vec::new(),
            })
        },
    )
    .await
}
