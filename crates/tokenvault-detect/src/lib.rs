//! Finds PII in free text and transforms it.
//!
//! One pass of a multi-pattern automaton proposes candidates by shape ([`scan`]); validating
//! recognizers decide what each candidate is (checksums, libphonenumber metadata, calendar
//! rules); context words raise confidence; an overlap rule keeps one finding per stretch of
//! text. [`Detector`] is a policy's compiled settings; [`transform`] applies the actions.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod catalog;
mod context;
mod detector;
mod entities;
mod fold;
mod labels;
pub mod model;
pub mod outcome;
mod recognize;
mod scan;
pub mod transform;

pub use catalog::{Category, CategoryInfo, CATEGORIES, LANGUAGES, OPT_IN};
pub use detector::{
    check_one as check_pattern, label_of, Detector, Finding, Kind, Work, CUSTOM_PATTERN_SIZE_LIMIT,
    MAX_CUSTOM_PATTERNS, MAX_FINDINGS, MIN_CONFIDENCE,
};
pub use entities::warm_up;
pub use labels::display_name;
pub use model::{ModelFn, ModelSpan, ModelStatus};
pub use outcome::{apply, apply_in, apply_with_model, Outcome};

/// Largest text the API scans, in bytes of UTF-8.
pub const MAX_TEXT_BYTES: usize = 1 << 20;

/// Why detection could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DetectError {
    /// The policy names a category this build does not know.
    #[error("unknown category {0:?}")]
    UnknownCategory(String),
    /// A custom pattern does not compile.
    #[error("custom_patterns[{index}]: {reason}")]
    InvalidPattern {
        /// Its position in the policy.
        index: usize,
        /// What is wrong.
        reason: String,
    },
    /// Too many custom patterns.
    #[error("at most {max} custom patterns")]
    TooManyPatterns {
        /// The limit.
        max: usize,
    },
    /// The text holds more findings than one answer may carry.
    #[error("the text holds more than {max} findings; split it into smaller texts")]
    TooManyFindings {
        /// The limit.
        max: usize,
    },
    /// Restoring would produce more than the limit.
    #[error("the output would exceed {max} bytes")]
    OutputTooLarge {
        /// The limit.
        max: usize,
    },
    /// The engine failed (a bug, not the input's fault).
    #[error("detection engine error: {0}")]
    Engine(String),
}

/// The catalog check policies are validated against when they are created.
#[derive(Debug, Default, Clone, Copy)]
pub struct Catalog;

impl tokenvault_core::policy::DetectionCatalog for Catalog {
    fn is_category(&self, name: &str) -> bool {
        Category::from_name(name).is_some()
    }

    fn is_language(&self, name: &str) -> bool {
        LANGUAGES.contains(&name)
    }

    fn check_pattern(&self, regex: &str) -> Result<(), tokenvault_core::policy::PatternError> {
        detector::check_one(regex)
    }

    fn redact_free_text(&self, text: &str) -> String {
        static ALL: std::sync::LazyLock<Option<Detector>> = std::sync::LazyLock::new(|| {
            let settings = tokenvault_core::policy::DetectionSettings {
                languages: LANGUAGES.iter().map(|s| (*s).to_owned()).collect(),
                ..Default::default()
            };
            Detector::new(&settings, None).ok()
        });
        let Some(detector) = ALL.as_ref() else {
            return "[REDACTED]".to_owned();
        };
        match detector.detect(text) {
            Ok(findings) => transform::redact(text, &findings).text,
            // Refused (too many findings): keep nothing of it.
            Err(_) => "[REDACTED]".to_owned(),
        }
    }
}
