//! One item's way through the policy and the token engine, before anything is written.

use std::collections::HashMap;

use super::{
    command::{ItemError, ItemErrorCode, ModeChoice, SkipCode, TokenizeItemInput},
    receipt::Planned,
};
use crate::{
    ids::TokenId,
    keys::TenantKeyring,
    pii::InvalidReason,
    pii::PiiType,
    policy::{evaluate, Decision, EvaluationError, ItemContext, Policy},
    store::{TokenRecord, TokenStatus},
    token::{Mode, Scope, TokenEngine, TokenError, TokenInput},
};

fn fail_item(e: &TokenError) -> ItemError {
    match e {
        TokenError::InvalidValue(p) if matches!(p.reason, InvalidReason::Empty) => {
            ItemError::new(ItemErrorCode::EmptyValue, "value cannot be empty")
        }
        other => ItemError::new(ItemErrorCode::InvalidInput, other.to_string()),
    }
}

/// What the policy decided for an item.
enum Step {
    Tokenize(PiiType, Mode, Scope, Option<u64>),
    Skip(SkipCode),
    Mask(PiiType, crate::mask::MaskStrategy, Scope),
}

/// The records a batch makes, with deterministic values deduplicated within it.
pub(super) struct BatchRecords<'a> {
    pub engine: &'a TokenEngine,
    pub ring: &'a TenantKeyring,
    pub policy: &'a Policy,
    pub kill_switch: bool,
    pub now: i64,
    pub records: Vec<TokenRecord>,
    /// Deterministic ids (current and older key versions) → their record in `records`.
    pub by_id: HashMap<TokenId, usize>,
}

impl BatchRecords<'_> {
    /// Plans one item: a failure, a skip, or a record of the batch.
    pub(super) fn plan(&mut self, item: &TokenizeItemInput) -> Planned {
        match self.try_plan(item) {
            Ok(p) => p,
            Err(e) => Planned::Failed(e),
        }
    }

    /// The policy's decision for an item: its type, mode, scope and TTL, or why it is
    /// skipped; an error for an item that cannot be tokenized as sent.
    fn decide(&self, item: &TokenizeItemInput) -> Result<Step, ItemError> {
        let Some(pii_type) = item.pii_type else {
            return Err(ItemError::new(
                ItemErrorCode::UnsupportedPiiType,
                "pii_type is not a supported PII type; see docs/api.md for the list",
            ));
        };
        let mode_override = match item.mode {
            ModeChoice::Policy => None,
            ModeChoice::Override(m) => Some(m),
            ModeChoice::Unknown => {
                return Err(ItemError::new(
                    ItemErrorCode::InvalidInput,
                    "mode must be deterministic, randomized or format_preserving",
                ))
            }
        };
        if item.value.trim().is_empty() {
            return Err(ItemError::new(
                ItemErrorCode::EmptyValue,
                "value cannot be empty",
            ));
        }
        let ctx = ItemContext {
            pii_type,
            mode_override,
            confidence: item.confidence,
            labels: &item.labels,
            scope_context: &item.scope_context,
        };
        let (mode, scope, ttl) = match evaluate(self.policy, self.kill_switch, &ctx) {
            Ok(e) => match e.decision {
                Decision::Skip(reason) => return Ok(Step::Skip(SkipCode::Policy(reason))),
                Decision::Mask { strategy, scope } => {
                    return Ok(Step::Mask(pii_type, strategy, scope))
                }
                Decision::Tokenize {
                    mode,
                    scope,
                    ttl_seconds,
                } => (mode, scope, ttl_seconds),
            },
            Err(EvaluationError::InvalidConfidence) => {
                return Err(ItemError::new(
                    ItemErrorCode::InvalidInput,
                    "confidence must be a number from 0.0 to 1.0",
                ))
            }
            Err(EvaluationError::Mode(e) | EvaluationError::Scope(e)) => return Err(fail_item(&e)),
            Err(EvaluationError::KillSwitchActive) => {
                return Err(ItemError::new(
                    ItemErrorCode::KillSwitchActive,
                    "tokenization is disabled for this tenant",
                ))
            }
        };
        Ok(Step::Tokenize(pii_type, mode, scope, ttl))
    }

    fn try_plan(&mut self, item: &TokenizeItemInput) -> Result<Planned, ItemError> {
        let (pii_type, mode, scope, ttl) = match self.decide(item)? {
            Step::Tokenize(pii_type, mode, scope, ttl) => (pii_type, mode, scope, ttl),
            Step::Skip(skip) => return Ok(Planned::Skipped(skip)),
            Step::Mask(pii_type, strategy, scope) => {
                let canonical = self
                    .engine
                    .normalize(pii_type, &item.value)
                    .map_err(|e| fail_item(&e))?;
                let masked = crate::mask::mask_value(
                    strategy,
                    pii_type,
                    &item.value,
                    &canonical,
                    self.ring.mask_hasher(),
                    &scope.to_string(),
                );
                return Ok(Planned::Masked(masked));
            }
        };
        let value = self
            .engine
            .normalize(pii_type, &item.value)
            .map_err(|e| fail_item(&e))?;
        let input = TokenInput {
            tenant: self.ring.tenant(),
            pii_type,
            scope: &scope,
            raw: &item.value,
        };
        let t = self
            .engine
            .tokenize(self.ring, mode, &input, &value)
            .map_err(|e| fail_item(&e))?;
        if let Some(&i) = self.by_id.get(&t.token_id) {
            // The same deterministic value earlier in this batch.
            return Ok(Planned::Token { record: i });
        }
        // After a rotation, the value may be in the vault under an older key version.
        let older = if mode != Mode::Randomized && self.ring.versions().count() > 1 {
            self.engine
                .candidate_ids(self.ring, mode, &input, &value)
                .map_err(|e| fail_item(&e))?
        } else {
            Vec::new()
        };
        let index = self.records.len();
        if mode != Mode::Randomized {
            self.by_id.insert(t.token_id.clone(), index);
            for id in older {
                self.by_id.entry(id).or_insert(index);
            }
        }
        let now = self.now;
        self.records.push(TokenRecord {
            token_id: t.token_id,
            tenant: self.ring.tenant().clone(),
            pii_type,
            mode,
            scope: scope.to_string(),
            key_version: t.key_version,
            policy_id: self.policy.id.clone(),
            policy_version: self.policy.version,
            stored_token: t.stored_token,
            token: t.token,
            wrapped_dek: t.wrapped_dek,
            created_at: now,
            expires_at: ttl
                .and_then(|t| i64::try_from(t).ok())
                .map(|t| now.saturating_add(t)),
            revoked_at: None,
            revoke_reason: None,
        });
        Ok(Planned::Token { record: index })
    }
}

/// The audit's record of a request's items.
pub(super) struct Decided {
    /// `[pii_type, status, mode | reason | error code]` per item, in request order (arrays: a
    /// thousand small objects cost more to build than to store).
    pub items: Vec<serde_json::Value>,
    /// Items that will be tokenized (the billable operations).
    pub tokenized: usize,
    /// Items masked by their rule.
    pub masked: usize,
}

pub(super) fn decisions(
    planned: &[Planned],
    records: &[TokenRecord],
    items: &[TokenizeItemInput],
    now: i64,
) -> Decided {
    let mut tokenized = 0;
    let mut masked = 0;
    let items = planned
        .iter()
        .zip(items)
        .map(|(p, item)| {
            let (status, why) = match p {
                Planned::Token { record } => match records.get(*record) {
                    Some(r) if r.status(now) == TokenStatus::Active => {
                        tokenized += 1;
                        ("TOKENIZED", r.mode.as_str())
                    }
                    _ => ("FAILED", "TOKEN_NOT_ACTIVE"),
                },
                Planned::Skipped(code) => ("SKIPPED", code.as_str()),
                Planned::Masked(_) => {
                    masked += 1;
                    ("MASKED", "mask")
                }
                Planned::Failed(e) => ("FAILED", e.code.as_str()),
            };
            // An unknown type is recorded as such: a client could put anything there.
            let pii_type = item.pii_type.map_or("unsupported", |t| t.as_str());
            serde_json::Value::Array(vec![pii_type.into(), status.into(), why.into()])
        })
        .collect();
    Decided {
        items,
        tokenized,
        masked,
    }
}
