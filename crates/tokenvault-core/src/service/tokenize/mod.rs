//! Tokenize: policy evaluation, normalization, encryption and one durable commit per request.

mod command;
mod plan;
mod receipt;

use std::collections::HashMap;

use tokenvault_crypto::digest;

pub use command::{
    BatchMode, ItemError, ItemErrorCode, ItemOutcome, ModeChoice, SkipCode, TokenizeCommand,
    TokenizeItemInput, TokenizeOutcome, MAX_IDEMPOTENCY_KEY_LEN, MAX_TOKENIZE_ITEMS,
};
use plan::{decisions, BatchRecords};
use receipt::{render, Planned, Receipt};

use super::{Caller, ServiceError, Vault};
use crate::{
    clock::month_bounds,
    policy::{FailurePolicy, Policy},
    store::{Entity, IdempotencyRecord, StoreError, TokenizeCommit},
};

fn validate(cmd: &TokenizeCommand) -> Result<(), ServiceError> {
    if cmd.items.is_empty() {
        return Err(ServiceError::InvalidInput(
            "items must contain at least one item".into(),
        ));
    }
    if cmd.items.len() > MAX_TOKENIZE_ITEMS {
        return Err(ServiceError::InvalidInput(format!(
            "items has {} entries; at most {MAX_TOKENIZE_ITEMS} per request",
            cmd.items.len()
        )));
    }
    if let Some(k) = &cmd.idempotency_key {
        if k.is_empty()
            || k.chars().count() > MAX_IDEMPOTENCY_KEY_LEN
            || k.chars().any(char::is_control)
        {
            return Err(ServiceError::InvalidInput(format!(
                "idempotency_key must be 1 to {MAX_IDEMPOTENCY_KEY_LEN} characters without control characters"
            )));
        }
    }
    Ok(())
}

/// A digest of everything the request asks (not its trace id, not whether it is a dry run):
/// a key reused with another request is refused.
fn request_hash(cmd: &TokenizeCommand) -> [u8; 32] {
    let items: Vec<serde_json::Value> = cmd
        .items
        .iter()
        .map(|i| {
            serde_json::json!([
                i.value,
                i.pii_type.map(|t| t.as_str()),
                match i.mode {
                    ModeChoice::Policy => serde_json::Value::Null,
                    ModeChoice::Override(m) => m.as_str().into(),
                    ModeChoice::Unknown => "?".into(),
                },
                i.confidence,
                i.labels,
                i.scope_context.connector_id,
                i.scope_context.resource_id,
                i.scope_context.field_id,
            ])
        })
        .collect();
    let canonical = serde_json::json!([
        cmd.policy_id.as_str(),
        cmd.batch_mode.as_str(),
        cmd.batch_policy_version,
        items
    ]);
    digest::sha256(&[b"tokenize/v2", canonical.to_string().as_bytes()])
}

/// What a request resolved to before its records are planned.
#[allow(clippy::large_enum_variant)] // one per request, returned once
enum Prepared {
    /// The answer is known already (an idempotent replay, or fail-open).
    Answer(TokenizeOutcome),
    /// Plan and commit under this policy.
    Go {
        tenant: crate::store::TenantRecord,
        ring: std::sync::Arc<crate::keys::TenantKeyring>,
        policy: Policy,
        /// The stored idempotency key and request hash, when the request has a key.
        idempotency: Option<(String, [u8; 32])>,
    },
}

impl Vault {
    /// Tokenizes a batch. A dry run computes the same answer and writes nothing. A batch
    /// planned under a key version another node has since rotated away from is planned again
    /// under the new one (once; a second rotation in the same moment answers a retryable 503).
    pub async fn tokenize(
        &self,
        caller: &Caller,
        cmd: &TokenizeCommand,
        trace_id: &str,
    ) -> Result<TokenizeOutcome, ServiceError> {
        validate(cmd)?;
        match self.tokenize_once(caller, cmd, trace_id).await {
            Err(ServiceError::KeysRotated) => {
                self.keys.invalidate(&caller.tenant);
                self.tokenize_once(caller, cmd, trace_id).await
            }
            other => other,
        }
    }

    async fn tokenize_once(
        &self,
        caller: &Caller,
        cmd: &TokenizeCommand,
        trace_id: &str,
    ) -> Result<TokenizeOutcome, ServiceError> {
        let (tenant, ring, policy, idempotency) = match self.prepare(caller, cmd, trace_id).await? {
            Prepared::Answer(answer) => return Ok(answer),
            Prepared::Go {
                tenant,
                ring,
                policy,
                idempotency,
            } => (tenant, ring, policy, idempotency),
        };
        let now = self.clock.now();
        let mut batch = BatchRecords {
            engine: &self.engine,
            ring: &ring,
            policy: &policy,
            kill_switch: tenant.kill_switch,
            now,
            records: Vec::new(),
            by_id: HashMap::new(),
        };
        let planned: Vec<Planned> = cmd.items.iter().map(|i| batch.plan(i)).collect();
        let BatchRecords {
            mut records, by_id, ..
        } = batch;
        if cmd.batch_mode == BatchMode::AllOrNothing {
            all_or_nothing(&planned)?;
        }
        // Deterministic and format-preserving values the vault already has keep their record.
        // A record under the current key version has the very id this request computed, so the
        // commit's insert finds it; only ids under older key versions are looked up first (and,
        // for a dry run, which commits nothing, all of them).
        let candidates: Vec<_> = by_id
            .iter()
            .filter(|(id, &i)| cmd.dry_run || records[i].token_id != **id)
            .map(|(id, _)| id.clone())
            .collect();
        for existing in self.store.tokens_by_id(&caller.tenant, &candidates).await? {
            if let Some(&i) = by_id.get(&existing.token_id) {
                records[i] = existing;
            }
        }
        if cmd.dry_run {
            return Ok(render(
                &planned,
                &records,
                policy.version,
                trace_id,
                true,
                now,
            ));
        }
        let commit = Commit {
            caller,
            cmd,
            policy: &policy,
            key_version: ring.current().version,
            quota: tenant.quota,
            idempotency,
            trace_id,
            now,
        };
        self.commit(commit, &planned, records).await
    }

    /// The tenant, keys and policy of a request, or its answer where that is known without
    /// planning: a replay of an idempotency key, or fail-open while the store is unreachable.
    async fn prepare(
        &self,
        caller: &Caller,
        cmd: &TokenizeCommand,
        trace_id: &str,
    ) -> Result<Prepared, ServiceError> {
        let (tenant, mut store_down) = self.tenant_or_last_known(caller).await?;
        if tenant.kill_switch {
            return Err(ServiceError::KillSwitchActive);
        }
        let ring = self.keys.keyring(&caller.tenant).await?;
        // The client's key is free text: the store holds a keyed digest of it, never the key.
        let idempotency = match cmd.idempotency_key.as_deref() {
            Some(k) => {
                let key = idempotency_digest(&ring, k);
                let hash = request_hash(cmd);
                if !store_down {
                    match self.idempotent_replay(caller, &key, &hash).await {
                        Ok(Some(found)) => return Ok(Prepared::Answer(found)),
                        Ok(None) => {}
                        Err(ServiceError::Unavailable(_)) => store_down = true,
                        Err(e) => return Err(e),
                    }
                }
                Some((key, hash))
            }
            None => None,
        };
        let (policy, policy_stale) = self.policy_for_tokenize(caller, cmd).await?;
        if store_down || policy_stale {
            // The store is unreachable: the policy (as last read) decides.
            if policy.body.failure_policy == FailurePolicy::FailOpen {
                tracing::error!(trace_id, "store unreachable; policy is fail_open");
                return Ok(Prepared::Answer(fail_open(
                    cmd.items.len(),
                    policy.version,
                    trace_id,
                )));
            }
            return Err(ServiceError::Unavailable(
                "the vault store is unavailable; retry shortly".into(),
            ));
        }
        Ok(Prepared::Go {
            tenant,
            ring,
            policy,
            idempotency,
        })
    }

    /// Writes the planned batch in one transaction and answers from the records that stand.
    async fn commit(
        &self,
        c: Commit<'_>,
        planned: &[Planned],
        records: Vec<crate::store::TokenRecord>,
    ) -> Result<TokenizeOutcome, ServiceError> {
        // The audit's view of each item, taken before the commit (which writes it).
        let decided = decisions(planned, &records, &c.cmd.items, c.now);
        let (period, _) = month_bounds(c.now);
        let mut audit = self.audit(c.caller, "tokenize", c.trace_id);
        audit.policy_id = Some(c.policy.id.to_string());
        audit.policy_version = Some(c.policy.version);
        let done = decided.tokenized + decided.masked;
        audit.result = if done == decided.items.len() {
            "allowed"
        } else if done == 0 {
            "denied"
        } else {
            "partial"
        }
        .into();
        audit.detail = serde_json::json!({
            "items": decided.items,
            "item_format": ["pii_type", "status", "mode|reason|error"],
            "batch_mode": c.cmd.batch_mode.as_str(),
        });
        let receipt = Receipt::of(planned, &records, c.policy.version, c.trace_id);
        let commit = TokenizeCommit {
            tenant: c.caller.tenant.clone(),
            operations: decided.tokenized as u64,
            records,
            period,
            quota: c.quota,
            key_version: c.key_version,
            idempotency: c.idempotency.as_ref().map(|(key, hash)| IdempotencyRecord {
                key: key.clone(),
                request_hash: *hash,
                response: receipt.encode(),
                created_at: c.now,
            }),
            audit,
        };
        match self.store.commit_tokenize(commit).await {
            Ok(resolved) => Ok(render(
                planned,
                &resolved,
                c.policy.version,
                c.trace_id,
                false,
                c.now,
            )),
            Err(StoreError::Conflict {
                what: Entity::KeyVersion,
            }) => Err(ServiceError::KeysRotated),
            Err(StoreError::Conflict {
                what: Entity::IdempotencyKey,
            }) => {
                // A concurrent retry with the same key committed first: answer as it did.
                let Some((key, hash)) = &c.idempotency else {
                    return Err(ServiceError::Internal);
                };
                self.idempotent_replay(c.caller, key, hash)
                    .await?
                    .ok_or_else(|| {
                        ServiceError::Unavailable("idempotency record vanished; retry".into())
                    })
            }
            Err(StoreError::Unavailable { detail })
                if c.policy.body.failure_policy == FailurePolicy::FailOpen =>
            {
                tracing::error!(%detail, trace_id = c.trace_id, "store unavailable; policy is fail_open");
                self.audit_fail_open(c.caller, c.policy, c.cmd.items.len(), c.trace_id)
                    .await;
                Ok(fail_open(c.cmd.items.len(), c.policy.version, c.trace_id))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Audits a fail-open decision where the store still takes writes (e.g. another process
    /// holds the token lock); it is logged in any case.
    async fn audit_fail_open(
        &self,
        caller: &Caller,
        policy: &Policy,
        items: usize,
        trace_id: &str,
    ) {
        let mut audit = self.audit(caller, "tokenize", trace_id);
        audit.result = "fail_open".into();
        audit.policy_id = Some(policy.id.to_string());
        audit.policy_version = Some(policy.version);
        audit.detail = serde_json::json!({ "items": items, "cause": "store unavailable" });
        if self.store.append_audit(&[audit]).await.is_err() {
            tracing::error!(trace_id, "the fail_open decision could not be audited");
        }
    }

    /// The answer first given for an idempotency key (its stored digest), rendered again from
    /// its receipt.
    async fn idempotent_replay(
        &self,
        caller: &Caller,
        key: &str,
        hash: &[u8; 32],
    ) -> Result<Option<TokenizeOutcome>, ServiceError> {
        let Some(found) = self.store.idempotency(&caller.tenant, key).await? else {
            return Ok(None);
        };
        if !digest::ct_eq(&found.request_hash, hash) {
            return Err(ServiceError::Conflict(
                "idempotency_key was already used with a different request body; use a new key"
                    .into(),
            ));
        }
        let receipt = Receipt::decode(&found.response)?;
        let records = self
            .store
            .tokens_by_id(&caller.tenant, &receipt.token_ids()?)
            .await?;
        Ok(Some(receipt.render(&records, self.clock.now())?))
    }

    async fn policy_for_tokenize(
        &self,
        caller: &Caller,
        cmd: &TokenizeCommand,
    ) -> Result<(Policy, bool), ServiceError> {
        let id = &cmd.policy_id;
        let (policy, stale) = self.policy_or_last_known(caller, id).await?;
        if let Some(v) = cmd.batch_policy_version {
            if v != policy.version {
                return Err(ServiceError::PolicyVersionMismatch(format!(
                    "batch_policy_version is {v} but policy {id} is at version {}; re-read the policy and retry",
                    policy.version
                )));
            }
        }
        Ok((policy, stale))
    }
}

/// What a commit writes, besides the records.
struct Commit<'a> {
    caller: &'a Caller,
    cmd: &'a TokenizeCommand,
    policy: &'a Policy,
    key_version: u32,
    quota: Option<u64>,
    idempotency: Option<(String, [u8; 32])>,
    trace_id: &'a str,
    now: i64,
}

/// In `ALL_OR_NOTHING`, the first failed item fails the request.
fn all_or_nothing(planned: &[Planned]) -> Result<(), ServiceError> {
    let Some((i, e)) = planned.iter().enumerate().find_map(|(i, p)| match p {
        Planned::Failed(e) => Some((i, e)),
        _ => None,
    }) else {
        return Ok(());
    };
    let detail = format!(
        "items[{i}]: {}; batch_mode is ALL_OR_NOTHING, so nothing was written",
        e.message
    );
    Err(match e.code {
        ItemErrorCode::EmptyValue => ServiceError::EmptyValue(detail),
        ItemErrorCode::UnsupportedPiiType => ServiceError::UnsupportedPiiType(detail),
        _ => ServiceError::InvalidInput(detail),
    })
}

fn fail_open(items: usize, policy_version: u32, trace_id: &str) -> TokenizeOutcome {
    TokenizeOutcome {
        items: vec![ItemOutcome::Skipped(SkipCode::FailOpen); items],
        policy_version,
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
