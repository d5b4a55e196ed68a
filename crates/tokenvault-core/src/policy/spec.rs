//! The policy as a client writes it, and its validation.
//!
//! Enumerations arrive as strings so that an unknown type, mode or scope is reported with
//! its field path and the accepted values rather than as an opaque parse error.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::{
    error::Problems, CustomPattern, DetectionCatalog, DetectionSettings, FailurePolicy, PolicyBody,
    PolicyValidationError, RuleAction, Severity, TextAction, TypeRule,
};
use crate::{
    ids::PolicyId,
    pii::PiiType,
    token::{fpe, Mode, ScopeKind},
};

/// Longest policy name, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Most roles or purposes a policy may list.
pub const MAX_LIST_LEN: usize = 100;
/// Longest role, purpose, label or category name, in characters.
pub const MAX_WORD_CHARS: usize = 64;
/// Longest custom regex, in bytes.
pub const MAX_PATTERN_LEN: usize = 4096;
/// Most custom patterns per policy.
pub const MAX_PATTERNS: usize = 50;
/// Longest token lifetime: 100 years.
pub const MAX_TTL_SECONDS: u64 = 100 * 365 * 86_400;

/// A policy as sent to `POST /policies` or `PUT /policies/:id`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicySpec {
    /// Optional id on creation, e.g. `pol_hipaa`; on update it must match the path.
    #[serde(default)]
    pub id: Option<String>,
    /// Slug for the text API.
    #[serde(default)]
    pub key: Option<String>,
    /// Required.
    #[serde(default)]
    pub name: Option<String>,
    /// Defaults to true.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// Rules per PII type name.
    #[serde(default)]
    pub type_rules: BTreeMap<String, TypeRuleSpec>,
    /// Rule for types without their own.
    #[serde(default)]
    pub default_rule: Option<TypeRuleSpec>,
    /// Required, not empty.
    #[serde(default)]
    pub allowed_roles: Option<Vec<String>>,
    /// Required, not empty.
    #[serde(default)]
    pub allowed_purposes: Option<Vec<String>>,
    /// Defaults to true: every detokenization should say why.
    #[serde(default)]
    pub require_reason: Option<bool>,
    /// `fail_closed` (default) or `fail_open`.
    #[serde(default)]
    pub failure_policy: Option<String>,
    /// Text API settings.
    #[serde(default)]
    pub detection: Option<DetectionSpec>,
    /// On an update, the version the writer read: a policy changed since is not overwritten
    /// (409). Ignored on create. Responses carry it, so a fetched policy can be sent back.
    #[serde(default)]
    pub version: Option<serde_json::Value>,
    /// Accepted and ignored (responses carry it).
    #[serde(default)]
    pub created_at: Option<serde_json::Value>,
    /// Accepted and ignored (responses carry it).
    #[serde(default)]
    pub updated_at: Option<serde_json::Value>,
}

/// A type rule as a client writes it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeRuleSpec {
    /// Defaults to `deterministic`.
    #[serde(default)]
    pub mode: Option<String>,
    /// Defaults to 0.0 (every item).
    #[serde(default)]
    pub min_confidence: Option<f64>,
    /// Defaults to `global`.
    #[serde(default)]
    pub deterministic_scope: Option<String>,
    /// Context labels of which an item must carry one.
    #[serde(default)]
    pub include_labels: Vec<String>,
    /// Context labels that make an item skipped.
    #[serde(default)]
    pub exclude_labels: Vec<String>,
    /// Needed for format-preserving mode on small-domain types.
    #[serde(default)]
    pub acknowledge_small_domain: bool,
    /// Token lifetime in seconds.
    #[serde(default)]
    pub ttl_seconds: Option<u64>,
    /// `tokenize` (default), `mask` or `skip`.
    #[serde(default)]
    pub action: Option<String>,
    /// With `action: mask`: `{"strategy": "redact" | "partial" | "category" | "hash" | "null",
    /// "keep_last": n}`; defaults to `redact`.
    #[serde(default)]
    pub mask: Option<crate::mask::MaskStrategy>,
}

/// Detection settings as a client writes them.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DetectionSpec {
    /// Built-in categories.
    #[serde(default)]
    pub categories: Vec<String>,
    /// Custom patterns.
    #[serde(default)]
    pub custom_patterns: Vec<CustomPatternSpec>,
    /// Recognizer packs; defaults to `["global"]`.
    #[serde(default)]
    pub languages: Option<Vec<String>>,
    /// Category → severity.
    #[serde(default)]
    pub severities: BTreeMap<String, String>,
    /// Blocking categories.
    #[serde(default)]
    pub blocking: Vec<String>,
    /// `scan`'s default action.
    #[serde(default)]
    pub default_action: Option<String>,
    /// Organization names always (`deny`) or never (`allow`) reported.
    #[serde(default)]
    pub organizations: Option<super::detection::NameLists>,
    /// Run the optional model layer where the server has one.
    #[serde(default)]
    pub model: bool,
}

/// A custom pattern as a client writes it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomPatternSpec {
    /// Category name of its findings.
    #[serde(default)]
    pub name: String,
    /// The regex.
    #[serde(default)]
    pub regex: String,
    /// Defaults to `medium`.
    #[serde(default)]
    pub severity: Option<String>,
}

fn names<T: Copy>(all: &[T], name: impl Fn(T) -> &'static str) -> String {
    all.iter().map(|v| name(*v)).collect::<Vec<_>>().join(", ")
}

fn is_word(s: &str) -> bool {
    !s.is_empty()
        && s.chars().count() <= MAX_WORD_CHARS
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'))
}

fn check_words(
    problems: &mut Problems,
    field: &str,
    words: &[String],
    required: bool,
) -> Vec<String> {
    if required && words.is_empty() {
        problems.add(field, "must list at least one entry");
    }
    if words.len() > MAX_LIST_LEN {
        problems.add(field, format!("lists more than {MAX_LIST_LEN} entries"));
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::with_capacity(words.len());
    for (i, w) in words.iter().enumerate() {
        if !is_word(w) {
            problems.add(
                format!("{field}[{i}]"),
                format!("must be 1 to {MAX_WORD_CHARS} letters, digits, '_', '-', '.' or ':'"),
            );
        } else if seen.insert(w.as_str()) {
            out.push(w.clone());
        }
    }
    out
}

/// Whether `key` is a valid policy key: lowercase letters, digits, `-` and `_`, starting with
/// a letter or digit, at most 64 characters.
pub fn is_policy_key(key: &str) -> bool {
    let bytes = key.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 64
        && bytes[0].is_ascii_alphanumeric()
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-' || *b == b'_')
}

impl TypeRuleSpec {
    fn validate(&self, problems: &mut Problems, path: &str, pii_type: Option<PiiType>) -> TypeRule {
        let mode = match self.mode.as_deref() {
            None => Mode::Deterministic,
            Some(m) => m.parse().unwrap_or_else(|()| {
                problems.add(
                    format!("{path}.mode"),
                    format!(
                        "not a mode; expected one of {}",
                        names(&Mode::ALL, Mode::as_str)
                    ),
                );
                Mode::Deterministic
            }),
        };
        let min_confidence = self.min_confidence.unwrap_or(0.0);
        if !(0.0..=1.0).contains(&min_confidence) {
            problems.add(
                format!("{path}.min_confidence"),
                "must be a number from 0.0 to 1.0",
            );
        }
        let deterministic_scope = match self.deterministic_scope.as_deref() {
            None => ScopeKind::Global,
            Some(s) => s.parse().unwrap_or_else(|()| {
                problems.add(
                    format!("{path}.deterministic_scope"),
                    format!(
                        "unknown scope {s:?}; expected one of {}",
                        names(&ScopeKind::ALL, ScopeKind::as_str)
                    ),
                );
                ScopeKind::Global
            }),
        };
        let action = match self.action.as_deref() {
            None => RuleAction::Tokenize,
            Some(a) => RuleAction::ALL
                .into_iter()
                .find(|x| x.as_str() == a)
                .unwrap_or_else(|| {
                    problems.add(
                        format!("{path}.action"),
                        format!(
                            "not an action; expected one of {}",
                            names(&RuleAction::ALL, RuleAction::as_str)
                        ),
                    );
                    RuleAction::Tokenize
                }),
        };
        let mask = match (action, self.mask) {
            (RuleAction::Mask, m) => Some(m.unwrap_or(crate::mask::MaskStrategy::Redact)),
            (_, None) => None,
            (_, Some(_)) => {
                problems.add(
                    format!("{path}.mask"),
                    "a mask strategy applies only with action: mask",
                );
                None
            }
        };
        if mode == Mode::FormatPreserving && action == RuleAction::Tokenize {
            match pii_type {
                Some(t) => check_fpe(problems, path, t, self.acknowledge_small_domain),
                None => problems.add(
                    format!("{path}.mode"),
                    "format_preserving needs a type-specific template; name the type in type_rules",
                ),
            }
        }
        if let Some(ttl) = self.ttl_seconds {
            if ttl == 0 || ttl > MAX_TTL_SECONDS {
                problems.add(
                    format!("{path}.ttl_seconds"),
                    format!(
                        "must be from 1 to {MAX_TTL_SECONDS} seconds, or omitted for no expiry"
                    ),
                );
            }
        }
        TypeRule {
            mode,
            min_confidence,
            deterministic_scope,
            include_labels: check_words(
                problems,
                &format!("{path}.include_labels"),
                &self.include_labels,
                false,
            ),
            exclude_labels: check_words(
                problems,
                &format!("{path}.exclude_labels"),
                &self.exclude_labels,
                false,
            ),
            acknowledge_small_domain: self.acknowledge_small_domain,
            ttl_seconds: self.ttl_seconds,
            action,
            mask,
        }
    }
}

fn check_fpe(problems: &mut Problems, path: &str, pii_type: PiiType, acknowledged: bool) {
    match fpe::support(pii_type) {
        fpe::FpeSupport::Unsupported { reason } => problems.add(
            format!("{path}.mode"),
            format!("format_preserving is not available for {pii_type}: {reason}; use deterministic or randomized"),
        ),
        fpe::FpeSupport::Supported { small_domain: true } if !acknowledged => problems.add(
            format!("{path}.acknowledge_small_domain"),
            format!(
                "format-preserving {pii_type} tokens have a small cryptographic domain; set acknowledge_small_domain: true to accept it, or use deterministic or randomized"
            ),
        ),
        fpe::FpeSupport::Supported { .. } => {}
    }
}

impl DetectionSpec {
    fn validate(
        &self,
        problems: &mut Problems,
        catalog: &dyn DetectionCatalog,
    ) -> DetectionSettings {
        let categories = check_words(problems, "detection.categories", &self.categories, false);
        for (i, c) in categories.iter().enumerate() {
            if !catalog.is_category(c) {
                problems.add(
                    format!("detection.categories[{i}]"),
                    "not a detection category of this build (see docs/detection.md)".to_owned(),
                );
            }
        }
        if self.custom_patterns.len() > MAX_PATTERNS {
            problems.add(
                "detection.custom_patterns",
                format!("at most {MAX_PATTERNS} patterns"),
            );
        }
        let mut custom_patterns = Vec::with_capacity(self.custom_patterns.len());
        let mut pattern_names = BTreeSet::new();
        for (i, p) in self.custom_patterns.iter().enumerate() {
            let path = format!("detection.custom_patterns[{i}]");
            if !is_word(&p.name) {
                problems.add(
                    format!("{path}.name"),
                    format!("must be 1 to {MAX_WORD_CHARS} letters, digits, '_', '-', '.' or ':'"),
                );
            } else if catalog.is_category(&p.name) || !pattern_names.insert(p.name.as_str()) {
                problems.add(
                    format!("{path}.name"),
                    format!("{:?} is already a category name", p.name),
                );
            }
            if p.regex.is_empty() || p.regex.len() > MAX_PATTERN_LEN {
                problems.add(
                    format!("{path}.regex"),
                    format!("must be 1 to {MAX_PATTERN_LEN} bytes"),
                );
            } else if let Err(why) = catalog.check_pattern(&p.regex) {
                problems.add(format!("{path}.regex"), why.reason);
            }
            let severity =
                parse_severity(problems, &format!("{path}.severity"), p.severity.as_deref());
            custom_patterns.push(CustomPattern {
                name: p.name.clone(),
                regex: p.regex.clone(),
                severity,
            });
        }
        let languages = match &self.languages {
            None => vec!["global".to_owned()],
            Some(l) => check_words(problems, "detection.languages", l, true),
        };
        for (i, l) in languages.iter().enumerate() {
            if !catalog.is_language(l) {
                problems.add(
                    format!("detection.languages[{i}]"),
                    "not a language pack of this build (see docs/detection.md)".to_owned(),
                );
            }
        }
        // No categories listed means every category of the build is on.
        let known = |c: &str| {
            (categories.is_empty() && catalog.is_category(c))
                || categories.iter().any(|x| x == c)
                || pattern_names.contains(c)
        };
        let mut severities = BTreeMap::new();
        for (i, (c, s)) in self.severities.iter().enumerate() {
            let path = if known(c) {
                format!("detection.severities.{c}")
            } else {
                problems.add(
                    "detection.severities",
                    format!(
                        "key {} (in sorted order) names a category the policy does not enable",
                        i + 1
                    ),
                );
                "detection.severities".to_owned()
            };
            severities.insert(c.clone(), parse_severity(problems, &path, Some(s)));
        }
        let blocking = check_words(problems, "detection.blocking", &self.blocking, false);
        for (i, c) in blocking.iter().enumerate() {
            if !known(c) {
                problems.add(
                    format!("detection.blocking[{i}]"),
                    "names a category the policy does not enable",
                );
            }
        }
        let default_action = match self.default_action.as_deref() {
            None => TextAction::Redact,
            Some(a) => a.parse().unwrap_or_else(|()| {
                problems.add(
                    "detection.default_action",
                    format!(
                        "unknown action {a:?}; expected one of {}",
                        names(&TextAction::ALL, TextAction::as_str)
                    ),
                );
                TextAction::Redact
            }),
        };
        let organizations = self.organizations.clone().unwrap_or_default();
        for (list, names) in [
            ("deny", &organizations.deny),
            ("allow", &organizations.allow),
        ] {
            check_names(problems, &format!("detection.organizations.{list}"), names);
        }
        DetectionSettings {
            categories,
            custom_patterns,
            languages,
            severities,
            blocking,
            default_action,
            organizations,
            model: self.model,
        }
    }
}

/// A list of organization names: bounded, each name 1 to `MAX_ORG_NAME_CHARS` characters of
/// visible text (the error names the entry, never its text).
fn check_names(problems: &mut Problems, field: &str, names: &[String]) {
    use super::detection::{MAX_ORG_NAMES, MAX_ORG_NAME_CHARS};
    if names.len() > MAX_ORG_NAMES {
        problems.add(field, format!("lists more than {MAX_ORG_NAMES} names"));
        return;
    }
    for (i, n) in names.iter().enumerate() {
        let chars = n.trim().chars().count();
        if chars == 0 || chars > MAX_ORG_NAME_CHARS || n.chars().any(char::is_control) {
            problems.add(
                format!("{field}[{i}]"),
                format!(
                    "must be 1 to {MAX_ORG_NAME_CHARS} characters of text without control characters"
                ),
            );
        }
    }
}

fn parse_severity(problems: &mut Problems, path: &str, s: Option<&str>) -> Severity {
    match s {
        None => Severity::Medium,
        Some(s) => s.parse().unwrap_or_else(|()| {
            problems.add(
                path,
                format!("unknown severity {s:?}; expected one of low, medium, high"),
            );
            Severity::Medium
        }),
    }
}

impl PolicySpec {
    /// Validates the policy, reporting every problem with its field path.
    ///
    /// `catalog` is the detection engine's list of categories, language packs and its
    /// pattern compiler.
    pub fn validate(
        &self,
        catalog: &dyn DetectionCatalog,
    ) -> Result<PolicyBody, PolicyValidationError> {
        let mut problems = Problems::default();
        if let Some(id) = &self.id {
            if let Err(e) = PolicyId::parse(id) {
                problems.add("id", e.to_string());
            }
        }
        if let Some(key) = &self.key {
            if !is_policy_key(key) {
                problems.add("key", "must be 1 to 64 lowercase letters, digits, '-' or '_', starting with a letter or digit");
            }
        }
        let name = self.name.as_deref().map(str::trim).unwrap_or_default();
        if name.is_empty() {
            problems.add("name", "is required");
        } else if name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
            problems.add(
                "name",
                format!("must be at most {MAX_NAME_CHARS} characters without control characters"),
            );
        }
        if self.type_rules.is_empty() && self.default_rule.is_none() && self.detection.is_none() {
            problems.add(
                "type_rules",
                "must have at least one rule, a default_rule, or a detection object (a policy for the PII API only)",
            );
        }
        let mut type_rules = BTreeMap::new();
        for (i, (type_name, rule)) in self.type_rules.iter().enumerate() {
            match type_name.parse::<PiiType>() {
                Ok(t) => {
                    let path = format!("type_rules.{}", t.as_str());
                    type_rules.insert(t, rule.validate(&mut problems, &path, Some(t)));
                }
                // The caller's key is not repeated: its position (in key order) says which.
                Err(_) => problems.add(
                    "type_rules",
                    format!(
                        "key {} (in sorted order) is not a PII type; expected one of {}",
                        i + 1,
                        names(&PiiType::ALL, PiiType::as_str)
                    ),
                ),
            }
        }
        let default_rule = self
            .default_rule
            .as_ref()
            .map(|r| r.validate(&mut problems, "default_rule", None));
        let allowed_roles = match &self.allowed_roles {
            Some(r) => check_words(&mut problems, "allowed_roles", r, true),
            None => {
                problems.add(
                    "allowed_roles",
                    "is required: list the roles that may detokenize",
                );
                Vec::new()
            }
        };
        let allowed_purposes = match &self.allowed_purposes {
            Some(p) => check_words(&mut problems, "allowed_purposes", p, true),
            None => {
                problems.add(
                    "allowed_purposes",
                    "is required: list the purposes detokenization may serve",
                );
                Vec::new()
            }
        };
        let failure_policy = match self.failure_policy.as_deref() {
            None | Some("fail_closed") => FailurePolicy::FailClosed,
            Some("fail_open") => FailurePolicy::FailOpen,
            Some(other) => {
                problems.add(
                    "failure_policy",
                    format!("unknown failure policy {other:?}; expected fail_closed or fail_open"),
                );
                FailurePolicy::FailClosed
            }
        };
        let detection = self
            .detection
            .as_ref()
            .map(|d| d.validate(&mut problems, catalog))
            .unwrap_or_default();
        problems.finish(PolicyBody {
            key: self.key.clone(),
            name: name.to_owned(),
            enabled: self.enabled.unwrap_or(true),
            type_rules,
            default_rule,
            allowed_roles,
            allowed_purposes,
            require_reason: self.require_reason.unwrap_or(true),
            failure_policy,
            detection,
        })
    }
}
