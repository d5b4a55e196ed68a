//! Wire types of the PII API (seed 003): `POST /api/client/v1/pii/*`.

use serde::{ser::SerializeMap, Deserialize, Serialize};

/// Body of `detect`, `redact`, `mask`, `tokenize` and `scan`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PiiRequest {
    /// Key of the stored policy to apply.
    pub policy_key: String,
    /// Text to scan.
    pub text: String,
    /// Locale for labels, and whose region's national phone forms are read (`en`, `tr-TR`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// `scan` only: overrides the policy's default action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
}

/// One occurrence of PII.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PiiFinding {
    /// Category (`email`, `creditCard`, `tc_kimlik`, or a custom pattern's name).
    pub category: String,
    /// The matched text.
    pub value: String,
    /// Offset of the first character (Unicode scalar values, not bytes).
    pub start: usize,
    /// Offset after the last character.
    pub end: usize,
    /// `low`, `medium` or `high`.
    pub severity: String,
    /// 0.0–1.0.
    pub confidence: f32,
    /// The category is in the policy's `blocking` list (or the action is `block`).
    pub blocking: bool,
    /// The category's name in the request's locale.
    pub label: String,
    /// What replaced it in `output_text` (absent for `detect` and `block`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replacement: Option<String>,
}

/// One vault entry: the original behind a placeholder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PiiVaultEntry {
    /// The original text.
    pub value: String,
    /// Its category.
    pub category: String,
}

/// A tokenize vault, placeholder → original, in order of first appearance.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PiiVault(pub Vec<(String, PiiVaultEntry)>);

impl Serialize for PiiVault {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for PiiVault {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct InOrder;
        impl<'de> serde::de::Visitor<'de> for InOrder {
            type Value = PiiVault;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object of placeholder -> {value, category}")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> Result<PiiVault, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = m.next_entry::<String, PiiVaultEntry>()? {
                    out.push(entry);
                }
                Ok(PiiVault(out))
            }
        }
        d.deserialize_map(InOrder)
    }
}

/// Answer of the detection endpoints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PiiResponse {
    /// The applied policy's key.
    pub policy_key: String,
    /// Its name.
    pub policy_name: String,
    /// The action applied: `detect`, `redact`, `mask`, `tokenize` or `block`.
    pub action: String,
    /// Findings, left to right.
    pub findings: Vec<PiiFinding>,
    /// The transformed text (the input for `detect`; empty when `block` found something).
    pub output_text: String,
    /// Characters in the input.
    pub input_length: usize,
    /// Whether any finding is blocking.
    pub has_blocking: bool,
    /// Recognizer packs scanned (from the policy).
    pub languages: Vec<String>,
    /// The locale used for labels.
    pub locale: String,
    /// Only for `tokenize`: placeholder → original.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vault: Option<PiiVault>,
    /// Only for a policy with `detection.model`: `used` when the model layer's findings are in
    /// the answer; `timeout`, `busy`, `unavailable` or `failed` when the answer holds the rule
    /// layer's and the pattern recognizers' findings only; `too_long` past 32 KiB of text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
}

/// Answer of `detokenize`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PiiDetokenizeResponse {
    /// The text with every placeholder found in the vault restored.
    pub output_text: String,
    /// How many placeholders were replaced.
    pub replaced: usize,
}
