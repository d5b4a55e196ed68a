//! The optional model layer's place in detection: a policy that opts in (`detection.model`)
//! gets the spans of a token-classification model (the server runs it; this crate does not
//! depend on it) merged with the rule layer and the pattern recognizers under the one overlap
//! rule. When the model cannot answer in time, detection goes on with the rules and says so.

use crate::catalog::Category;

/// One span a model found, in byte offsets of the text it was given.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ModelSpan {
    /// `Person`, `Address` or `Location`.
    pub category: Category,
    /// Byte offsets.
    pub start: usize,
    /// End, exclusive.
    pub end: usize,
    /// 0.0–1.0.
    pub score: f32,
}

/// Whether the model's spans are in an answer, and if not, why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelStatus {
    /// The model answered; its spans were merged.
    Used,
    /// The model did not answer within the request's time budget.
    Timeout,
    /// The model's queue was full.
    Busy,
    /// This server has no model configured.
    Unavailable,
    /// The model failed (logged by the server).
    Failed,
    /// The text is longer than the model layer reads (`MAX_MODEL_BYTES` on the server): its
    /// windows would hold the model's one worker far past any request's budget.
    TooLong,
}

impl ModelStatus {
    /// The wire name (`used`, `timeout`, `busy`, `unavailable`, `failed`, `too_long`).
    pub fn as_str(self) -> &'static str {
        match self {
            ModelStatus::Used => "used",
            ModelStatus::Timeout => "timeout",
            ModelStatus::Busy => "busy",
            ModelStatus::Unavailable => "unavailable",
            ModelStatus::Failed => "failed",
            ModelStatus::TooLong => "too_long",
        }
    }
}

/// The model as detection calls it: the text scanned, its spans or why there are none.
pub type ModelFn<'a> = &'a (dyn Fn(&str) -> Result<Vec<ModelSpan>, ModelStatus> + Sync);
