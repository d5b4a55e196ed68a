//! The detection catalog policies are validated against: the text API's category names and
//! language packs, and the regex engine's limits for custom patterns.

use tokenvault_core::policy::DetectionCatalog;

/// Built-in categories (seed 003 names).
pub const CATEGORIES: &[&str] = &[
    "email",
    "phone",
    "creditCard",
    "iban",
    "ipAddress",
    "url",
    "macAddress",
    "cryptoWallet",
    "date",
    "us_ssn",
    "us_itin",
    "us_passport",
    "us_aba_routing",
    "ca_sin",
    "tc_kimlik",
    "tr_phone",
    "gb_nino",
    "gb_nhs",
    "de_tax_id",
    "es_nif",
    "es_nie",
    "in_aadhaar",
    "in_pan",
];

/// Recognizer packs.
pub const LANGUAGES: &[&str] = &["global", "us", "ca", "tr", "gb", "de", "es", "in"];

/// Largest compiled custom pattern.
const PATTERN_SIZE_LIMIT: usize = 1 << 20;

/// The catalog of this build.
#[derive(Debug, Default, Clone, Copy)]
pub struct Catalog;

impl DetectionCatalog for Catalog {
    fn is_category(&self, name: &str) -> bool {
        CATEGORIES.contains(&name)
    }

    fn is_language(&self, name: &str) -> bool {
        LANGUAGES.contains(&name)
    }

    fn check_pattern(&self, pattern: &str) -> Result<(), String> {
        regex::RegexBuilder::new(pattern)
            .size_limit(PATTERN_SIZE_LIMIT)
            .build()
            .map(|_| ())
            .map_err(|e| match e {
                regex::Error::CompiledTooBig(_) => {
                    "pattern compiles too large; simplify it".to_owned()
                }
                other => format!(
                    "invalid regex: {}",
                    other.to_string().lines().last().unwrap_or("syntax error")
                ),
            })
    }
}
