//! From the plan of a batch to its answer, and the receipt an idempotency key keeps: the
//! resolved record ids and each item's fate, rendered again on a replay (never a stored
//! response, so the store runs no domain code inside its transaction).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::command::{ItemError, ItemErrorCode, ItemOutcome, SkipCode, TokenizeOutcome};
use crate::{
    ids::TokenId,
    store::{StoreError, TokenRecord, TokenStatus},
};

/// What happened to one item before the commit.
#[derive(Debug, Clone)]
pub(super) enum Planned {
    /// A record of the batch (new, or one the vault already has).
    Token { record: usize },
    /// Not tokenized, by the policy.
    Skipped(SkipCode),
    /// Masked by the policy's rule: the masked value (nothing stored).
    Masked(String),
    /// Failed.
    Failed(ItemError),
}

/// The outcome of an item whose record is `record` (as the vault holds it at `now`).
fn record_outcome(record: Option<&TokenRecord>, now: i64) -> ItemOutcome {
    match record {
        Some(r) if r.status(now) == TokenStatus::Active => ItemOutcome::Tokenized {
            token: r.token.clone(),
            token_id: r.token_id.clone(),
            mode: r.mode,
            expires_at: r.expires_at,
        },
        Some(r) => ItemOutcome::Failed {
            error: if r.revoked_at.is_some() {
                ItemError::new(
                    ItemErrorCode::TokenRevoked,
                    "this value's deterministic token was revoked; use another scope or mode",
                )
            } else {
                ItemError::new(
                    ItemErrorCode::TokenExpired,
                    "this value's deterministic token has expired; use another scope or mode",
                )
            },
            record: Some((r.token_id.clone(), r.mode, r.expires_at)),
        },
        None => ItemOutcome::Failed {
            error: ItemError::new(ItemErrorCode::ServiceUnavailable, "record missing"),
            record: None,
        },
    }
}

/// The answer, from the plan and the batch's records.
pub(super) fn render(
    planned: &[Planned],
    records: &[TokenRecord],
    policy_version: u32,
    trace_id: &str,
    dry_run: bool,
    now: i64,
) -> TokenizeOutcome {
    TokenizeOutcome {
        items: planned
            .iter()
            .map(|p| match p {
                Planned::Token { record } => record_outcome(records.get(*record), now),
                Planned::Skipped(code) => ItemOutcome::Skipped(*code),
                Planned::Masked(m) => ItemOutcome::Masked(m.clone()),
                Planned::Failed(e) => ItemOutcome::Failed {
                    error: e.clone(),
                    record: None,
                },
            })
            .collect(),
        policy_version,
        trace_id: trace_id.to_owned(),
        dry_run,
    }
}

/// What an idempotency key keeps of the first answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Receipt {
    /// Format version.
    v: u8,
    trace_id: String,
    policy_version: u32,
    items: Vec<ReceiptItem>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum ReceiptItem {
    /// The record's id.
    Token(String),
    /// The skip code.
    Skipped(String),
    /// The masked value.
    Masked(String),
    /// The error code and message.
    Failed(String, String),
}

impl Receipt {
    /// The receipt of a plan. Record ids are known before the commit: a deterministic record
    /// made concurrently has the very id this batch computed.
    pub(super) fn of(
        planned: &[Planned],
        records: &[TokenRecord],
        policy_version: u32,
        trace_id: &str,
    ) -> Self {
        let items = planned
            .iter()
            .map(|p| match p {
                Planned::Token { record } => match records.get(*record) {
                    Some(r) => ReceiptItem::Token(r.token_id.to_string()),
                    None => ReceiptItem::Failed(
                        ItemErrorCode::ServiceUnavailable.as_str().into(),
                        "record missing".into(),
                    ),
                },
                Planned::Skipped(code) => ReceiptItem::Skipped(code.as_str().into()),
                Planned::Masked(m) => ReceiptItem::Masked(m.clone()),
                Planned::Failed(e) => {
                    ReceiptItem::Failed(e.code.as_str().into(), e.message.clone())
                }
            })
            .collect();
        Receipt {
            v: 1,
            trace_id: trace_id.to_owned(),
            policy_version,
            items,
        }
    }

    /// The stored form.
    pub(super) fn encode(&self) -> String {
        // A struct of strings and integers always serializes.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a stored receipt.
    pub(super) fn decode(stored: &str) -> Result<Self, StoreError> {
        let corrupt = StoreError::Corrupt {
            what: "idempotency receipt",
        };
        let r: Receipt = serde_json::from_str(stored).map_err(|_| corrupt.clone())?;
        if r.v != 1 {
            return Err(corrupt);
        }
        Ok(r)
    }

    /// The records the receipt names.
    pub(super) fn token_ids(&self) -> Result<Vec<TokenId>, StoreError> {
        self.items
            .iter()
            .filter_map(|i| match i {
                ReceiptItem::Token(id) => {
                    Some(TokenId::parse(id).map_err(|_| StoreError::Corrupt {
                        what: "idempotency receipt",
                    }))
                }
                _ => None,
            })
            .collect()
    }

    /// The answer again, from the records as the vault holds them now (a token revoked since
    /// is reported revoked, not handed out again).
    pub(super) fn render(
        &self,
        records: &[TokenRecord],
        now: i64,
    ) -> Result<TokenizeOutcome, StoreError> {
        let corrupt = || StoreError::Corrupt {
            what: "idempotency receipt",
        };
        let by_id: HashMap<&str, &TokenRecord> =
            records.iter().map(|r| (r.token_id.as_str(), r)).collect();
        let mut items = Vec::with_capacity(self.items.len());
        for item in &self.items {
            items.push(match item {
                ReceiptItem::Token(id) => record_outcome(by_id.get(id.as_str()).copied(), now),
                ReceiptItem::Skipped(code) => {
                    ItemOutcome::Skipped(SkipCode::parse(code).ok_or_else(corrupt)?)
                }
                ReceiptItem::Masked(m) => ItemOutcome::Masked(m.clone()),
                ReceiptItem::Failed(code, message) => ItemOutcome::Failed {
                    error: ItemError::new(
                        ItemErrorCode::parse(code).ok_or_else(corrupt)?,
                        message.clone(),
                    ),
                    record: None,
                },
            });
        }
        Ok(TokenizeOutcome {
            items,
            policy_version: self.policy_version,
            trace_id: self.trace_id.clone(),
            dry_run: false,
        })
    }
}
