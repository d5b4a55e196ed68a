//! `POST /tokenize`: policy evaluation, normalization, encryption and one durable commit per
//! request.

use std::{collections::HashMap, sync::Arc};

use tokenvault_crypto::digest;
use tokenvault_proto::{
    ItemError, TokenizeRequest, TokenizeResponse, TokenizeResult, MAX_IDEMPOTENCY_KEY_LEN,
    MAX_TOKENIZE_ITEMS,
};

use super::{Caller, ServiceError, Vault};
use crate::{
    clock::{month_bounds, rfc3339},
    ids::{PolicyId, TokenId},
    keys::TenantKeyring,
    pii::{InvalidReason, PiiType},
    policy::{evaluate, Decision, EvaluationError, FailurePolicy, ItemContext, Policy},
    store::{IdempotencyRecord, StoreError, TokenRecord, TokenizeCommit},
    token::{Mode, ScopeContext, TokenError, TokenInput},
};

/// What happened to one item before the commit.
enum Planned {
    /// A new record, or (with `existing`) one the vault already has.
    Token {
        record: usize,
    },
    Skipped(&'static str),
    Failed(ItemError),
}

fn item_error(code: &str, message: impl Into<String>) -> ItemError {
    ItemError {
        code: code.to_owned(),
        message: message.into(),
    }
}

fn validate_request(req: &TokenizeRequest) -> Result<bool, ServiceError> {
    if req.items.is_empty() {
        return Err(ServiceError::InvalidInput(
            "items must contain at least one item".into(),
        ));
    }
    if req.items.len() > MAX_TOKENIZE_ITEMS {
        return Err(ServiceError::InvalidInput(format!(
            "items has {} entries; at most {MAX_TOKENIZE_ITEMS} per request",
            req.items.len()
        )));
    }
    if let Some(k) = &req.idempotency_key {
        if k.is_empty()
            || k.chars().count() > MAX_IDEMPOTENCY_KEY_LEN
            || k.chars().any(char::is_control)
        {
            return Err(ServiceError::InvalidInput(format!(
                "idempotency_key must be 1 to {MAX_IDEMPOTENCY_KEY_LEN} characters without control characters"
            )));
        }
    }
    match req.batch_mode.as_deref() {
        None | Some("BEST_EFFORT") => Ok(false),
        Some("ALL_OR_NOTHING") => Ok(true),
        Some(other) => Err(ServiceError::InvalidInput(format!(
            "batch_mode {other:?} is not one of BEST_EFFORT, ALL_OR_NOTHING"
        ))),
    }
}

fn request_hash(req: &TokenizeRequest) -> Result<[u8; 32], ServiceError> {
    let mut canonical = req.clone();
    canonical.trace_id = None;
    let json = serde_json::to_vec(&canonical)
        .map_err(|_| ServiceError::InvalidInput("request is not serializable".into()))?;
    Ok(digest::sha256(&[b"tokenize", &json]))
}

fn fail_item(e: &TokenError) -> ItemError {
    match e {
        TokenError::InvalidValue(p) if matches!(p.reason, InvalidReason::Empty) => {
            item_error("EMPTY_VALUE", "value cannot be empty")
        }
        other => item_error("INVALID_INPUT", other.to_string()),
    }
}

impl Vault {
    /// Tokenizes a batch. `dry_run` computes the same answer and writes nothing.
    pub async fn tokenize(
        &self,
        caller: &Caller,
        req: &TokenizeRequest,
        dry_run: bool,
        trace_id: &str,
    ) -> Result<TokenizeResponse, ServiceError> {
        let all_or_nothing = validate_request(req)?;
        let (tenant, mut store_down) = self.tenant_or_last_known(caller).await?;
        if tenant.kill_switch {
            return Err(ServiceError::KillSwitchActive);
        }
        let ring = self.keys.keyring(&caller.tenant).await?;
        // The client's key is free text: the store holds a keyed digest of it, never the key.
        let stored_key = req
            .idempotency_key
            .as_deref()
            .map(|k| idempotency_digest(&ring, k));
        // Only requests with an idempotency key are hashed: the hash costs a serialization of
        // the whole request.
        let hash = match &stored_key {
            Some(key) => {
                let hash = request_hash(req)?;
                if !store_down {
                    match self.idempotent_replay(caller, key, &hash).await {
                        Ok(Some(found)) => return Ok(found),
                        Ok(None) => {}
                        Err(ServiceError::Unavailable(_)) => store_down = true,
                        Err(e) => return Err(e),
                    }
                }
                hash
            }
            None => [0; 32],
        };
        let (policy, policy_stale) = self.policy_for_tokenize(caller, req).await?;
        if store_down || policy_stale {
            // The store is unreachable: the policy (as last read) decides.
            if policy.body.failure_policy == FailurePolicy::FailOpen {
                tracing::error!(trace_id, "store unreachable; policy is fail_open");
                return Ok(fail_open(&req.items, policy.version, trace_id));
            }
            return Err(ServiceError::Unavailable(
                "the vault store is unavailable; retry shortly".into(),
            ));
        }
        let now = self.clock.now();

        let mut records: Vec<TokenRecord> = Vec::new();
        let mut by_id: HashMap<TokenId, usize> = HashMap::new();
        let mut planned = Vec::with_capacity(req.items.len());
        for item in &req.items {
            planned.push(self.plan_item(
                &ring,
                &policy,
                tenant.kill_switch,
                item,
                now,
                &mut records,
                &mut by_id,
            ));
        }
        if all_or_nothing {
            if let Some((i, e)) = planned.iter().enumerate().find_map(|(i, p)| match p {
                Planned::Failed(e) => Some((i, e)),
                _ => None,
            }) {
                let detail = format!(
                    "items[{i}]: {}; batch_mode is ALL_OR_NOTHING, so nothing was written",
                    e.message
                );
                return Err(match e.code.as_str() {
                    "EMPTY_VALUE" => ServiceError::EmptyValue(detail),
                    "UNSUPPORTED_PII_TYPE" => ServiceError::UnsupportedPiiType(detail),
                    _ => ServiceError::InvalidInput(detail),
                });
            }
        }

        // Deterministic and format-preserving values the vault already has keep their record.
        // A record under the current key version has the very id this request computed, so the
        // commit's insert finds it; only ids under older key versions are looked up first (and,
        // for a dry run, which commits nothing, all of them).
        let candidates: Vec<TokenId> = by_id
            .iter()
            .filter(|(id, &i)| dry_run || records[i].token_id != **id)
            .map(|(id, _)| id.clone())
            .collect();
        for existing in self.store.tokens_by_id(&caller.tenant, &candidates).await? {
            if let Some(&i) = by_id.get(&existing.token_id) {
                records[i] = existing;
            }
        }

        // The audit's view of each item, taken before the commit (which writes it).
        let decided = decisions(&planned, &records, &req.items, now);
        let render = {
            let planned = Arc::new(planned);
            let policy_version = policy.version;
            let trace = trace_id.to_owned();
            Arc::new(move |resolved: &[TokenRecord]| {
                render(&planned, resolved, policy_version, &trace, dry_run, now)
            })
        };
        if dry_run {
            return Ok(render(&records));
        }

        let (period, _) = month_bounds(now);
        let mut audit = self.audit(caller, "tokenize", trace_id);
        audit.policy_id = Some(policy.id.to_string());
        audit.policy_version = Some(policy.version);
        audit.result = if decided.tokenized == decided.items.len() {
            "allowed"
        } else if decided.tokenized == 0 {
            "denied"
        } else {
            "partial"
        }
        .into();
        audit.detail = serde_json::json!({
            "items": decided.items,
            "item_format": ["pii_type", "status", "mode|reason|error"],
            "batch_mode": if all_or_nothing { "ALL_OR_NOTHING" } else { "BEST_EFFORT" },
        });
        let renderer = render.clone();
        let commit = TokenizeCommit {
            tenant: caller.tenant.clone(),
            operations: u64::try_from(decided.tokenized).unwrap_or(u64::MAX),
            records,
            period,
            quota: tenant.quota,
            idempotency: stored_key.as_ref().map(|key| IdempotencyRecord {
                key: key.clone(),
                request_hash: hash,
                response: String::new(),
                created_at: now,
            }),
            render: Some(Arc::new(move |resolved: &[TokenRecord]| {
                serde_json::to_string(&renderer(resolved)).unwrap_or_default()
            })),
            audit,
        };
        match self.store.commit_tokenize(commit).await {
            Ok(resolved) => Ok(render(&resolved)),
            Err(StoreError::Conflict {
                what: "idempotency key",
            }) => {
                // A concurrent retry with the same key committed first: answer as it did.
                let key = stored_key.as_deref().unwrap_or_default();
                self.idempotent_replay(caller, key, &hash)
                    .await?
                    .ok_or_else(|| {
                        ServiceError::Unavailable("idempotency record vanished; retry".into())
                    })
            }
            Err(StoreError::Unavailable { detail })
                if policy.body.failure_policy == FailurePolicy::FailOpen =>
            {
                tracing::error!(%detail, trace_id, "store unavailable; policy is fail_open");
                // Audited as fail-open where the store still takes writes (e.g. another
                // process holds the token lock); logged in any case.
                let mut audit = self.audit(caller, "tokenize", trace_id);
                audit.result = "fail_open".into();
                audit.policy_id = Some(policy.id.to_string());
                audit.policy_version = Some(policy.version);
                audit.detail =
                    serde_json::json!({ "items": req.items.len(), "cause": "store unavailable" });
                if self.store.append_audit(&[audit]).await.is_err() {
                    tracing::error!(trace_id, "the fail_open decision could not be audited");
                }
                Ok(fail_open(&req.items, policy.version, trace_id))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Looks up the response first given for an idempotency key (its stored digest).
    async fn idempotent_replay(
        &self,
        caller: &Caller,
        key: &str,
        hash: &[u8; 32],
    ) -> Result<Option<TokenizeResponse>, ServiceError> {
        let Some(found) = self.store.idempotency(&caller.tenant, key).await? else {
            return Ok(None);
        };
        if !digest::ct_eq(&found.request_hash, hash) {
            return Err(ServiceError::Conflict(
                "idempotency_key was already used with a different request body; use a new key"
                    .into(),
            ));
        }
        serde_json::from_str(&found.response)
            .map(Some)
            .map_err(|_| {
                ServiceError::Unavailable("stored idempotent response is unreadable".into())
            })
    }

    async fn policy_for_tokenize(
        &self,
        caller: &Caller,
        req: &TokenizeRequest,
    ) -> Result<(Policy, bool), ServiceError> {
        let id = PolicyId::parse(&req.policy_id)
            .map_err(|e| ServiceError::InvalidInput(format!("policy_id: {e}")))?;
        let (policy, stale) = self.policy_or_last_known(caller, &id).await?;
        if let Some(v) = req.batch_policy_version {
            if v != policy.version {
                return Err(ServiceError::PolicyVersionMismatch(format!(
                    "batch_policy_version is {v} but policy {id} is at version {}; re-read the policy and retry",
                    policy.version
                )));
            }
        }
        Ok((policy, stale))
    }

    #[allow(clippy::too_many_arguments)]
    fn plan_item(
        &self,
        ring: &TenantKeyring,
        policy: &Policy,
        kill_switch: bool,
        item: &tokenvault_proto::TokenizeItem,
        now: i64,
        records: &mut Vec<TokenRecord>,
        by_id: &mut HashMap<TokenId, usize>,
    ) -> Planned {
        let Ok(pii_type) = item.pii_type.parse::<PiiType>() else {
            return Planned::Failed(item_error(
                "UNSUPPORTED_PII_TYPE",
                "pii_type is not a supported PII type; see docs/api.md for the list".to_owned(),
            ));
        };
        let mode_override = match item.mode.as_deref().map(str::parse::<Mode>) {
            None => None,
            Some(Ok(m)) => Some(m),
            Some(Err(())) => {
                return Planned::Failed(item_error(
                    "INVALID_INPUT",
                    "mode must be deterministic, randomized or format_preserving",
                ))
            }
        };
        if item.value.trim().is_empty() {
            return Planned::Failed(item_error("EMPTY_VALUE", "value cannot be empty"));
        }
        let scope_context = ScopeContext {
            connector_id: item.connector_id.clone(),
            resource_id: item.resource_id.clone(),
            field_id: item.field_id.clone(),
        };
        let ctx = ItemContext {
            pii_type,
            mode_override,
            confidence: item.confidence,
            labels: &item.labels,
            scope_context: &scope_context,
        };
        let (mode, scope, ttl) = match evaluate(policy, kill_switch, &ctx) {
            Ok(e) => match e.decision {
                Decision::Skip(reason) => return Planned::Skipped(reason.code()),
                Decision::Tokenize {
                    mode,
                    scope,
                    ttl_seconds,
                } => (mode, scope, ttl_seconds),
            },
            Err(EvaluationError::InvalidConfidence) => {
                return Planned::Failed(item_error(
                    "INVALID_INPUT",
                    "confidence must be a number from 0.0 to 1.0",
                ))
            }
            Err(EvaluationError::Mode(e) | EvaluationError::Scope(e)) => {
                return Planned::Failed(fail_item(&e))
            }
            Err(EvaluationError::KillSwitchActive) => {
                return Planned::Failed(item_error(
                    "KILL_SWITCH_ACTIVE",
                    "tokenization is disabled for this tenant",
                ))
            }
        };
        let value = match self.engine.normalize(pii_type, &item.value) {
            Ok(v) => v,
            Err(e) => return Planned::Failed(fail_item(&e)),
        };
        let input = TokenInput {
            tenant: ring.tenant(),
            pii_type,
            scope: &scope,
            raw: &item.value,
        };
        let t = match self.engine.tokenize(ring, mode, &input, &value) {
            Ok(t) => t,
            Err(e) => return Planned::Failed(fail_item(&e)),
        };
        if let Some(&i) = by_id.get(&t.token_id) {
            // The same deterministic value earlier in this batch.
            return Planned::Token { record: i };
        }
        // After a rotation, the value may be in the vault under an older key version.
        let older = if mode != Mode::Randomized && ring.versions().count() > 1 {
            match self.engine.candidate_ids(ring, mode, &input, &value) {
                Ok(ids) => ids,
                Err(e) => return Planned::Failed(fail_item(&e)),
            }
        } else {
            Vec::new()
        };
        let ttl = ttl.and_then(|t| i64::try_from(t).ok());
        let index = records.len();
        if mode != Mode::Randomized {
            by_id.insert(t.token_id.clone(), index);
            for id in older {
                by_id.entry(id).or_insert(index);
            }
        }
        records.push(TokenRecord {
            token_id: t.token_id,
            tenant: ring.tenant().clone(),
            pii_type,
            mode,
            scope: scope.to_string(),
            key_version: t.key_version,
            policy_id: policy.id.clone(),
            policy_version: policy.version,
            stored_token: t.stored_token,
            token: t.token,
            wrapped_dek: t.wrapped_dek,
            created_at: now,
            expires_at: ttl.map(|t| now.saturating_add(t)),
            revoked_at: None,
            revoke_reason: None,
        });
        Planned::Token { record: index }
    }
}

/// The audit's record of a request's items.
struct Decided {
    /// `[pii_type, status, mode | reason | error code]` per item, in request order (arrays: a
    /// thousand small objects cost more to build than to store).
    items: Vec<serde_json::Value>,
    /// Items that will be tokenized.
    tokenized: usize,
}

fn decisions(
    planned: &[Planned],
    records: &[TokenRecord],
    items: &[tokenvault_proto::TokenizeItem],
    now: i64,
) -> Decided {
    let mut tokenized = 0;
    let items = planned
        .iter()
        .zip(items)
        .map(|(p, item)| {
            let (status, why) = match p {
                Planned::Token { record } => match records.get(*record) {
                    Some(r) if r.status(now) == crate::store::TokenStatus::Active => {
                        tokenized += 1;
                        ("TOKENIZED", r.mode.as_str())
                    }
                    _ => ("FAILED", "TOKEN_NOT_ACTIVE"),
                },
                Planned::Skipped(reason) => ("SKIPPED", *reason),
                Planned::Failed(e) => ("FAILED", e.code.as_str()),
            };
            // An unknown type is recorded as such: a client could put anything there.
            let pii_type = item
                .pii_type
                .parse::<PiiType>()
                .map_or("unsupported", PiiType::as_str);
            serde_json::Value::Array(vec![pii_type.into(), status.into(), why.into()])
        })
        .collect();
    Decided { items, tokenized }
}

fn render(
    planned: &[Planned],
    resolved: &[TokenRecord],
    policy_version: u32,
    trace_id: &str,
    dry_run: bool,
    now: i64,
) -> TokenizeResponse {
    let results: Vec<TokenizeResult> = planned
        .iter()
        .map(|p| match p {
            Planned::Token { record } => match resolved.get(*record) {
                Some(r) if r.status(now) == crate::store::TokenStatus::Active => TokenizeResult {
                    token: Some(r.token.clone()),
                    token_id: Some(r.token_id.to_string()),
                    status: "TOKENIZED".into(),
                    mode: Some(r.mode.as_str().into()),
                    reason: None,
                    error: None,
                    expires_at: r.expires_at.map(rfc3339),
                },
                Some(r) => TokenizeResult {
                    token: None,
                    token_id: Some(r.token_id.to_string()),
                    status: "FAILED".into(),
                    mode: Some(r.mode.as_str().into()),
                    reason: None,
                    error: Some(if r.revoked_at.is_some() {
                        item_error("TOKEN_REVOKED", "this value's deterministic token was revoked; use another scope or mode")
                    } else {
                        item_error("TOKEN_EXPIRED", "this value's deterministic token has expired; use another scope or mode")
                    }),
                    expires_at: r.expires_at.map(rfc3339),
                },
                None => TokenizeResult {
                    token: None,
                    token_id: None,
                    status: "FAILED".into(),
                    mode: None,
                    reason: None,
                    error: Some(item_error("SERVICE_UNAVAILABLE", "record missing after commit")),
                    expires_at: None,
                },
            },
            Planned::Skipped(reason) => TokenizeResult {
                token: None,
                token_id: None,
                status: "SKIPPED".into(),
                mode: None,
                reason: Some((*reason).into()),
                error: None,
                expires_at: None,
            },
            Planned::Failed(e) => TokenizeResult {
                token: None,
                token_id: None,
                status: "FAILED".into(),
                mode: None,
                reason: None,
                error: Some(e.clone()),
                expires_at: None,
            },
        })
        .collect();
    let success_count = results.iter().filter(|r| r.status == "TOKENIZED").count();
    let skipped_count = results.iter().filter(|r| r.status == "SKIPPED").count();
    TokenizeResponse {
        failure_count: results.len() - success_count - skipped_count,
        skipped_count,
        success_count,
        results,
        batch_policy_version: policy_version,
        trace_id: trace_id.to_owned(),
        dry_run,
    }
}

fn fail_open(
    items: &[tokenvault_proto::TokenizeItem],
    policy_version: u32,
    trace_id: &str,
) -> TokenizeResponse {
    TokenizeResponse {
        results: items
            .iter()
            .map(|_| TokenizeResult {
                token: None,
                token_id: None,
                status: "SKIPPED".into(),
                mode: None,
                reason: Some("FAIL_OPEN".into()),
                error: None,
                expires_at: None,
            })
            .collect(),
        success_count: 0,
        failure_count: 0,
        skipped_count: items.len(),
        batch_policy_version: policy_version,
        trace_id: trace_id.to_owned(),
        dry_run: false,
    }
}

/// What the store keeps of a client's idempotency key: `idk_` and the hex HMAC of the key under
/// the tenant's fingerprint key, which does not rotate (so retries find their record across a
/// rotation) and is domain-separated from value fingerprints.
fn idempotency_digest(ring: &crate::keys::TenantKeyring, key: &str) -> String {
    let d = ring
        .fingerprinter()
        .digest(&[b"tokenvault/v1/idempotency-key", key.as_bytes()]);
    format!("idk_{}", hex::encode(d))
}
