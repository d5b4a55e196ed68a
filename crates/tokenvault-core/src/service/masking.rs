//! Masking on the tokens API (seed 001's strategies): values are replaced for good —
//! `redact`, `partial`, `category`, a keyed `hash` stable per tenant and scope, or `null` —
//! and nothing is stored. Audited by counts, never values.

use std::collections::BTreeMap;

use super::{Caller, ServiceError, Vault};
use crate::{
    mask::MaskStrategy,
    pii::{InvalidReason, PiiType},
    token::TokenError,
};

/// Most items one masking request carries (as tokenize).
pub const MAX_MASK_ITEMS: usize = 1_000;

/// One value to mask.
#[derive(Debug, Clone, Copy)]
pub struct MaskInput<'a> {
    /// The value as written.
    pub value: &'a str,
    /// Its type's wire name.
    pub pii_type: &'a str,
    /// How to mask it.
    pub strategy: MaskStrategy,
}

/// What became of one value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MaskOutcome {
    /// The masked value.
    Masked(String),
    /// Not masked: an error code of seed 002 and what to fix (never the value).
    Failed {
        /// The code.
        code: &'static str,
        /// What to fix.
        message: String,
    },
}

impl Vault {
    /// Masks a batch. With `all_or_nothing`, one failed item fails the request (naming
    /// `items[i]`). `scope` separates keyed hashes: the same value hashes alike within a tenant
    /// and scope, and differently across them.
    pub async fn mask(
        &self,
        caller: &Caller,
        items: &[MaskInput<'_>],
        scope: &str,
        all_or_nothing: bool,
        trace_id: &str,
    ) -> Result<Vec<MaskOutcome>, ServiceError> {
        if items.is_empty() || items.len() > MAX_MASK_ITEMS {
            return Err(ServiceError::InvalidInput(format!(
                "items must hold 1 to {MAX_MASK_ITEMS} values"
            )));
        }
        if scope.is_empty() || scope.len() > 128 || scope.chars().any(char::is_control) {
            return Err(ServiceError::InvalidInput(
                "scope must be 1 to 128 characters without control characters".into(),
            ));
        }
        let tenant = self.require_tenant(&caller.tenant).await?;
        if tenant.kill_switch {
            return Err(ServiceError::KillSwitchActive);
        }
        let ring = self.keys.keyring(&caller.tenant).await?;
        let outcomes: Vec<MaskOutcome> = items
            .iter()
            .map(|item| self.mask_one(item, scope, ring.mask_hasher()))
            .collect();
        if all_or_nothing {
            if let Some((i, MaskOutcome::Failed { message, .. })) = outcomes
                .iter()
                .enumerate()
                .find(|(_, o)| matches!(o, MaskOutcome::Failed { .. }))
            {
                return Err(ServiceError::InvalidInput(format!("items[{i}]: {message}")));
            }
        }
        let mut by_strategy: BTreeMap<&str, usize> = BTreeMap::new();
        for (item, o) in items.iter().zip(&outcomes) {
            if matches!(o, MaskOutcome::Masked(_)) {
                *by_strategy.entry(strategy_name(item.strategy)).or_default() += 1;
            }
        }
        let masked: usize = by_strategy.values().sum();
        let mut audit = self.audit(caller, "mask", trace_id);
        audit.result = if masked == items.len() {
            "allowed"
        } else {
            "partial"
        }
        .into();
        audit.detail = serde_json::json!({
            "items": items.len(), "masked": masked, "failed": items.len() - masked,
            "by_strategy": by_strategy,
        });
        self.store
            .append_audit(std::slice::from_ref(&audit))
            .await?;
        Ok(outcomes)
    }

    fn mask_one(
        &self,
        item: &MaskInput<'_>,
        scope: &str,
        hasher: &tokenvault_crypto::mac::KeyedHasher,
    ) -> MaskOutcome {
        let Ok(pii_type) = item.pii_type.parse::<PiiType>() else {
            return MaskOutcome::Failed {
                code: "UNSUPPORTED_PII_TYPE",
                message: "pii_type is not a supported PII type; see docs/api.md for the list"
                    .into(),
            };
        };
        let canonical = match self.engine.normalize(pii_type, item.value) {
            Ok(c) => c,
            Err(TokenError::InvalidValue(p)) if matches!(p.reason, InvalidReason::Empty) => {
                return MaskOutcome::Failed {
                    code: "EMPTY_VALUE",
                    message: "value cannot be empty".into(),
                }
            }
            Err(e) => {
                return MaskOutcome::Failed {
                    code: "INVALID_INPUT",
                    message: e.to_string(),
                }
            }
        };
        MaskOutcome::Masked(crate::mask::mask_value(
            item.strategy,
            pii_type,
            item.value,
            &canonical,
            hasher,
            scope,
        ))
    }
}

fn strategy_name(s: MaskStrategy) -> &'static str {
    match s {
        MaskStrategy::Redact => "redact",
        MaskStrategy::Partial { .. } => "partial",
        MaskStrategy::Category => "category",
        MaskStrategy::Hash => "hash",
        MaskStrategy::Null => "null",
    }
}
