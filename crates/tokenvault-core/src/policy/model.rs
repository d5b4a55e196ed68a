//! The validated policy model.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::DetectionSettings;
use crate::{
    clock::UnixSeconds,
    ids::PolicyId,
    mask::MaskStrategy,
    pii::PiiType,
    token::{Mode, ScopeKind},
};

/// What a type rule does with a value it applies to (seed 001, "when to use tokenization vs.
/// masking").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleAction {
    /// Tokenize it (reversible under a grant). The default.
    #[default]
    Tokenize,
    /// Mask it with the rule's strategy: irreversible, nothing stored.
    Mask,
    /// Leave it alone, reported `SKIPPED` with `RULE_SKIPS`.
    Skip,
}

impl RuleAction {
    /// Every action.
    pub const ALL: [RuleAction; 3] = [RuleAction::Tokenize, RuleAction::Mask, RuleAction::Skip];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleAction::Tokenize => "tokenize",
            RuleAction::Mask => "mask",
            RuleAction::Skip => "skip",
        }
    }

    fn is_tokenize(&self) -> bool {
        *self == RuleAction::Tokenize
    }
}

/// What happens when tokenization cannot be completed for a reason outside the request
/// (keys unavailable, store down).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailurePolicy {
    /// Refuse: the value is not passed on unprotected. The default.
    #[default]
    FailClosed,
    /// Let the caller continue without a token; audited as `fail_open`.
    FailOpen,
}

impl FailurePolicy {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            FailurePolicy::FailClosed => "fail_closed",
            FailurePolicy::FailOpen => "fail_open",
        }
    }
}

/// How one PII type is tokenized under a policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TypeRule {
    /// The mode used when the item does not override it.
    pub mode: Mode,
    /// Items whose detection confidence is below this are skipped (0.0–1.0).
    pub min_confidence: f64,
    /// How broadly deterministic tokens link.
    pub deterministic_scope: ScopeKind,
    /// If not empty, only items carrying at least one of these context labels are tokenized.
    pub include_labels: Vec<String>,
    /// Items carrying any of these context labels are skipped.
    pub exclude_labels: Vec<String>,
    /// The policy accepts the smaller cryptographic domain of format-preserving tokens for
    /// this type.
    pub acknowledge_small_domain: bool,
    /// Tokens expire this many seconds after creation; none means they do not expire.
    pub ttl_seconds: Option<u64>,
    /// Tokenize (the default), mask or skip.
    #[serde(default, skip_serializing_if = "RuleAction::is_tokenize")]
    pub action: RuleAction,
    /// The masking strategy, when the action is `mask`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mask: Option<MaskStrategy>,
}

/// Everything a policy says, without its identity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyBody {
    /// Slug used by the text API (`policy_key`), unique within the tenant.
    pub key: Option<String>,
    /// Human-readable name.
    pub name: String,
    /// A disabled policy tokenizes nothing.
    pub enabled: bool,
    /// Rules per PII type.
    pub type_rules: BTreeMap<PiiType, TypeRule>,
    /// The rule for types without their own; none means such values are skipped.
    pub default_rule: Option<TypeRule>,
    /// Roles that may be granted detokenization (any one suffices).
    pub allowed_roles: Vec<String>,
    /// Purposes a grant may be requested for.
    pub allowed_purposes: Vec<String>,
    /// A grant request must give a reason.
    pub require_reason: bool,
    /// What happens when tokenization cannot complete.
    pub failure_policy: FailurePolicy,
    /// Settings of the text API.
    pub detection: DetectionSettings,
}

impl PolicyBody {
    /// The rule for a type: its own, else the default rule.
    pub fn rule_for(&self, pii_type: PiiType) -> Option<&TypeRule> {
        self.type_rules
            .get(&pii_type)
            .or(self.default_rule.as_ref())
    }
}

/// A stored policy: a body, its id and its version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Policy {
    /// The id (`pol_…`).
    pub id: PolicyId,
    /// Starts at 1; every change adds one. Tokens record the version they were made under.
    pub version: u32,
    /// What the policy says.
    #[serde(flatten)]
    pub body: PolicyBody,
    /// When version 1 was created.
    pub created_at: UnixSeconds,
    /// When this version was created.
    pub updated_at: UnixSeconds,
}
