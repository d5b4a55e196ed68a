//! Runs one action of the PII API over a text: the findings, what replaced each, the output
//! text, the vault of `tokenize`, and whether anything is blocking.

use tokenvault_core::policy::TextAction;

use crate::{
    model::{ModelFn, ModelStatus},
    transform::{self, VaultEntry},
    DetectError, Detector, Finding,
};

/// The result of an action.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Findings, left to right.
    pub findings: Vec<Finding>,
    /// What replaced each finding (none for `detect` and `block`).
    pub replacements: Option<Vec<String>>,
    /// The transformed text. `detect` returns the input; `block` returns the input when it found
    /// nothing and an empty text otherwise (nothing of a refused text is passed on).
    pub output_text: String,
    /// `tokenize` only.
    pub vault: Option<Vec<VaultEntry>>,
    /// A finding's category is in the policy's `blocking` list, or the action is `block` and
    /// something was found.
    pub has_blocking: bool,
    /// For a policy that asked for the model layer: whether its spans are in the answer.
    pub model: Option<ModelStatus>,
}

/// Detects and applies `action`.
pub fn apply(detector: &Detector, text: &str, action: TextAction) -> Result<Outcome, DetectError> {
    apply_in(detector, text, action, None)
}

/// As [`apply`], with the request's locale (see [`Detector::detect_in`]).
pub fn apply_in(
    detector: &Detector,
    text: &str,
    action: TextAction,
    locale: Option<&str>,
) -> Result<Outcome, DetectError> {
    apply_with_model(detector, text, action, locale, None)
}

/// As [`apply_in`], with the model layer when the policy asked for it.
pub fn apply_with_model(
    detector: &Detector,
    text: &str,
    action: TextAction,
    locale: Option<&str>,
    model: Option<ModelFn<'_>>,
) -> Result<Outcome, DetectError> {
    let (mut findings, _, model) = detector.detect_with_model(text, locale, model)?;
    if action == TextAction::Block {
        for f in &mut findings {
            f.blocking = true;
        }
    }
    let has_blocking = findings.iter().any(|f| f.blocking);
    let (output_text, replacements, vault) = match action {
        TextAction::Detect => (text.to_owned(), None, None),
        TextAction::Block if findings.is_empty() => (text.to_owned(), None, None),
        TextAction::Block => (String::new(), None, None),
        TextAction::Redact => {
            let r = transform::redact(text, &findings);
            (r.text, Some(r.replacements), None)
        }
        TextAction::Mask => {
            let r = transform::mask(text, &findings);
            (r.text, Some(r.replacements), None)
        }
        TextAction::Tokenize => {
            let (r, vault) = transform::tokenize(text, &findings);
            (r.text, Some(r.replacements), Some(vault))
        }
    };
    Ok(Outcome {
        findings,
        replacements,
        output_text,
        vault,
        has_blocking,
        model,
    })
}
