//! Policy evaluation for one value, in the seven steps of seed 001 — kill switch, policy
//! enabled, type rule lookup, confidence threshold, context label filters, mode selection,
//! tokenize or skip — with the rule's action (tokenize, mask or skip) decided before the mode.

use super::{Policy, RuleAction, TypeRule};
use crate::{
    ids::PolicyId,
    mask::MaskStrategy,
    pii::PiiType,
    token::{fpe, Mode, Scope, ScopeContext, TokenError},
};

/// What is known about one value being tokenized.
#[derive(Debug, Clone, Copy)]
pub struct ItemContext<'a> {
    /// Its type.
    pub pii_type: PiiType,
    /// The mode the item asks for instead of the rule's.
    pub mode_override: Option<Mode>,
    /// How sure the detector was that this is the type; none means the caller asserts it (1.0).
    pub confidence: Option<f64>,
    /// Context labels attached by the caller (e.g. `test_data`, `internal`).
    pub labels: &'a [String],
    /// Where the value was found, for scoped deterministic tokens.
    pub scope_context: &'a ScopeContext,
}

/// Why a value was not tokenized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    /// The policy is disabled.
    PolicyDisabled,
    /// The policy has no rule for the type and no default rule.
    NoRuleForType,
    /// The item's confidence is under the rule's `min_confidence`.
    BelowMinConfidence,
    /// The item carries a label the rule excludes.
    LabelExcluded,
    /// The rule includes only some labels and the item carries none of them.
    LabelNotIncluded,
    /// The type's rule says to leave such values alone (`action: skip`).
    RuleSkips,
}

impl SkipReason {
    /// Every reason.
    pub const ALL: [SkipReason; 6] = [
        SkipReason::PolicyDisabled,
        SkipReason::NoRuleForType,
        SkipReason::BelowMinConfidence,
        SkipReason::LabelExcluded,
        SkipReason::LabelNotIncluded,
        SkipReason::RuleSkips,
    ];

    /// The code clients see.
    pub fn code(self) -> &'static str {
        match self {
            SkipReason::PolicyDisabled => "POLICY_DISABLED",
            SkipReason::NoRuleForType => "NO_RULE_FOR_TYPE",
            SkipReason::BelowMinConfidence => "BELOW_MIN_CONFIDENCE",
            SkipReason::LabelExcluded => "LABEL_EXCLUDED",
            SkipReason::LabelNotIncluded => "LABEL_NOT_INCLUDED",
            SkipReason::RuleSkips => "RULE_SKIPS",
        }
    }
}

/// The outcome of evaluation.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// Tokenize in this mode and scope.
    Tokenize {
        /// The mode.
        mode: Mode,
        /// The concrete deterministic scope (`Global` for the other modes).
        scope: Scope,
        /// Lifetime of the token.
        ttl_seconds: Option<u64>,
    },
    /// Leave the value alone.
    Skip(SkipReason),
    /// Mask the value with this strategy; the keyed `hash` strategy is stable per tenant and
    /// this scope.
    Mask {
        /// The strategy.
        strategy: MaskStrategy,
        /// The scope of a keyed hash (the rule's deterministic scope, resolved).
        scope: Scope,
    },
}

/// A decision and the policy version that made it, for the audit trail.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// The policy.
    pub policy_id: PolicyId,
    /// Its version.
    pub policy_version: u32,
    /// What to do.
    pub decision: Decision,
}

/// Why evaluation could not decide.
#[derive(Debug, thiserror::Error)]
pub enum EvaluationError {
    /// The tenant's emergency kill switch is on: nothing is tokenized.
    #[error("the tenant's kill switch is active")]
    KillSwitchActive,
    /// The confidence is not a number from 0 to 1.
    #[error("confidence must be a number from 0.0 to 1.0")]
    InvalidConfidence,
    /// The selected mode cannot be used for this type under this policy.
    #[error(transparent)]
    Mode(TokenError),
    /// The scope needs context the item did not give.
    #[error(transparent)]
    Scope(TokenError),
}

/// Runs the seven steps for one item.
pub fn evaluate(
    policy: &Policy,
    kill_switch_active: bool,
    item: &ItemContext<'_>,
) -> Result<Evaluation, EvaluationError> {
    let decision = decide(policy, kill_switch_active, item)?;
    Ok(Evaluation {
        policy_id: policy.id.clone(),
        policy_version: policy.version,
        decision,
    })
}

fn decide(
    policy: &Policy,
    kill_switch_active: bool,
    item: &ItemContext<'_>,
) -> Result<Decision, EvaluationError> {
    // 1. Emergency disable.
    if kill_switch_active {
        return Err(EvaluationError::KillSwitchActive);
    }
    // 2. Policy enabled.
    if !policy.body.enabled {
        return Ok(Decision::Skip(SkipReason::PolicyDisabled));
    }
    // 3. Type rule lookup.
    let Some(rule) = policy.body.rule_for(item.pii_type) else {
        return Ok(Decision::Skip(SkipReason::NoRuleForType));
    };
    // 4. Confidence threshold.
    let confidence = item.confidence.unwrap_or(1.0);
    if !(0.0..=1.0).contains(&confidence) {
        return Err(EvaluationError::InvalidConfidence);
    }
    if confidence < rule.min_confidence {
        return Ok(Decision::Skip(SkipReason::BelowMinConfidence));
    }
    // 5. Context label filters.
    if let Some(reason) = label_filter(rule, item.labels) {
        return Ok(Decision::Skip(reason));
    }
    // 6. The rule's action: a rule that masks or skips is not escaped by a mode override.
    match rule.action {
        RuleAction::Tokenize => {}
        RuleAction::Skip => return Ok(Decision::Skip(SkipReason::RuleSkips)),
        RuleAction::Mask => {
            let scope = rule
                .deterministic_scope
                .resolve(item.scope_context)
                .map_err(EvaluationError::Scope)?;
            return Ok(Decision::Mask {
                strategy: rule.mask.unwrap_or(MaskStrategy::Redact),
                scope,
            });
        }
    }
    // 7. Mode selection.
    let mode = item.mode_override.unwrap_or(rule.mode);
    check_mode(rule, item.pii_type, mode).map_err(EvaluationError::Mode)?;
    let scope = match mode {
        Mode::Deterministic => rule
            .deterministic_scope
            .resolve(item.scope_context)
            .map_err(EvaluationError::Scope)?,
        Mode::Randomized | Mode::FormatPreserving => Scope::Global,
    };
    // 8. Tokenize.
    Ok(Decision::Tokenize {
        mode,
        scope,
        ttl_seconds: rule.ttl_seconds,
    })
}

fn label_filter(rule: &TypeRule, labels: &[String]) -> Option<SkipReason> {
    if labels.iter().any(|l| rule.exclude_labels.contains(l)) {
        return Some(SkipReason::LabelExcluded);
    }
    if !rule.include_labels.is_empty() && !labels.iter().any(|l| rule.include_labels.contains(l)) {
        return Some(SkipReason::LabelNotIncluded);
    }
    None
}

/// Format-preserving mode, whether from the rule or an item's override, needs a template and,
/// for small domains, the rule's acknowledgement.
fn check_mode(rule: &TypeRule, pii_type: PiiType, mode: Mode) -> Result<(), TokenError> {
    if mode != Mode::FormatPreserving {
        return Ok(());
    }
    match fpe::support(pii_type) {
        fpe::FpeSupport::Unsupported { reason } => Err(TokenError::ModeUnavailable {
            pii_type,
            mode,
            reason,
        }),
        fpe::FpeSupport::Supported { small_domain: true } if !rule.acknowledge_small_domain => {
            Err(TokenError::ModeUnavailable {
                pii_type,
                mode,
                reason: "its domain is small and the policy does not set acknowledge_small_domain",
            })
        }
        fpe::FpeSupport::Supported { .. } => Ok(()),
    }
}
