//! The detection settings of seed 003: what the text API looks for under a policy.

use std::{collections::BTreeMap, fmt, str::FromStr};

use serde::{Deserialize, Serialize};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
}

impl Severity {
    /// Every severity.
    pub const ALL: [Severity; 3] = [Severity::Low, Severity::Medium, Severity::High];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }
}

impl FromStr for Severity {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Severity::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or(())
    }
}

/// What the text API does to findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TextAction {
    /// Report findings, leave the text as it is.
    Detect,
    /// Replace each finding with `[REDACTED_<CATEGORY>]`.
    Redact,
    /// Obfuscate each finding, keeping its edges and separators.
    Mask,
    /// Replace each finding with a numbered placeholder and return the vault.
    Tokenize,
    /// Report findings and refuse the text (`has_blocking`).
    Block,
}

impl TextAction {
    /// Every action.
    pub const ALL: [TextAction; 5] = [
        TextAction::Detect,
        TextAction::Redact,
        TextAction::Mask,
        TextAction::Tokenize,
        TextAction::Block,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            TextAction::Detect => "detect",
            TextAction::Redact => "redact",
            TextAction::Mask => "mask",
            TextAction::Tokenize => "tokenize",
            TextAction::Block => "block",
        }
    }
}

impl fmt::Display for TextAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for TextAction {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        TextAction::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or(())
    }
}

/// A policy's own regular expression.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomPattern {
    /// The category name findings carry.
    pub name: String,
    /// The pattern (Rust `regex` syntax, linear time).
    pub regex: String,
    /// The severity of its findings.
    pub severity: Severity,
}

/// Most names in one of a policy's organization lists.
pub const MAX_ORG_NAMES: usize = 1000;
/// Longest name in a policy's organization lists, in characters.
pub const MAX_ORG_NAME_CHARS: usize = 200;

/// A policy's own organization names: `deny` names are always reported as `organization`
/// (whole words, ASCII case-insensitive), `allow` names never are (a product or a partner the
/// text may name freely).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NameLists {
    /// Always reported.
    #[serde(default)]
    pub deny: Vec<String>,
    /// Never reported.
    #[serde(default)]
    pub allow: Vec<String>,
}

impl NameLists {
    /// Neither list has a name.
    pub fn is_empty(&self) -> bool {
        self.deny.is_empty() && self.allow.is_empty()
    }
}

/// What the text API detects under a policy, and what `scan` does by default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DetectionSettings {
    /// Built-in categories that are on (seed names: `email`, `creditCard`, `tc_kimlik`, …).
    pub categories: Vec<String>,
    /// The policy's own patterns.
    pub custom_patterns: Vec<CustomPattern>,
    /// Recognizer packs to run: `global` and locale packs such as `tr`, `us`.
    pub languages: Vec<String>,
    /// Per-category severity overrides.
    pub severities: BTreeMap<String, Severity>,
    /// Categories whose findings set `has_blocking`.
    pub blocking: Vec<String>,
    /// What `scan` does when the request names no action.
    pub default_action: TextAction,
    /// The policy's own organization names.
    #[serde(default)]
    pub organizations: NameLists,
    /// Run the optional model layer (people, addresses) where the server has one.
    #[serde(default)]
    pub model: bool,
}

impl Default for DetectionSettings {
    fn default() -> Self {
        Self {
            categories: Vec::new(),
            custom_patterns: Vec::new(),
            languages: vec!["global".to_owned()],
            severities: BTreeMap::new(),
            blocking: Vec::new(),
            default_action: TextAction::Redact,
            organizations: NameLists::default(),
            model: false,
        }
    }
}

/// Why a custom pattern is refused: what to fix (never the pattern itself).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct PatternError {
    /// What is wrong.
    pub reason: String,
}

/// What the detection engine knows, so a policy naming an unknown category, language or an
/// invalid pattern is refused when it is created rather than when text arrives.
pub trait DetectionCatalog {
    /// Whether `name` is a built-in category.
    fn is_category(&self, name: &str) -> bool;
    /// Whether `name` is a recognizer pack.
    fn is_language(&self, name: &str) -> bool;
    /// Compiles `regex` under the engine's limits; the error says what to fix.
    fn check_pattern(&self, regex: &str) -> Result<(), PatternError>;
    /// Free text a caller gives for the permanent record (a grant's reason), with any PII the
    /// engine finds replaced by its category label (`[EMAIL]`), so the audit chain never
    /// holds it. The default keeps the text (a catalog without an engine).
    fn redact_free_text(&self, text: &str) -> String {
        text.to_owned()
    }
}
