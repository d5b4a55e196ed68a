//! Policies: what gets tokenized, in which mode and scope, who may detokenize, and what the
//! text API detects.
//!
//! A [`PolicySpec`] is what a client sends; [`PolicySpec::validate`] turns it into a
//! [`PolicyBody`] or lists every problem with the field path to fix. A stored [`Policy`] is a
//! body with its id and version. [`evaluate`] runs the seven steps of seed 001 for one value;
//! [`check_access`] decides a grant request.

mod access;
mod detection;
mod error;
mod evaluate;
mod model;
mod spec;

pub use access::{check_access, AccessDenial, AccessRequest, MAX_REASON_CHARS};
pub use detection::{
    CustomPattern, DetectionCatalog, DetectionSettings, NameLists, PatternError, Severity,
    TextAction, MAX_ORG_NAMES, MAX_ORG_NAME_CHARS,
};
pub use error::{FieldProblem, PolicyValidationError};
pub use evaluate::{evaluate, Decision, Evaluation, EvaluationError, ItemContext, SkipReason};
pub use model::{FailurePolicy, Policy, PolicyBody, RuleAction, TypeRule};
pub use spec::{
    is_policy_key, CustomPatternSpec, DetectionSpec, PolicySpec, TypeRuleSpec, MAX_NAME_CHARS,
    MAX_PATTERNS, MAX_PATTERN_LEN, MAX_TTL_SECONDS,
};

#[cfg(test)]
mod tests;
