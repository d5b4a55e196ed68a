//! Masking (seed 001, "Masking Strategies"): irreversible replacements of a value.
//!
//! | strategy | `123-45-6789` becomes |
//! |---|---|
//! | `redact` | `[REDACTED]` |
//! | `partial` (keep last 4) | `***-**-6789` |
//! | `category` | `[SSN]` |
//! | `hash` | 32 hex digits of HMAC-SHA256 under the tenant's mask key |
//! | `null` | the empty string |
//!
//! `hash` is keyed: an unkeyed hash of a nine-digit number is reversed by trying all 10^9.
//! It is computed over the canonical form, so `123 45 6789` and `123-45-6789` hash alike
//! and the hash joins across systems of one tenant, never across tenants.

use serde::{Deserialize, Serialize};
use tokenvault_crypto::mac::KeyedHasher;

use crate::pii::{Canonical, PiiType};

/// The marker of the `redact` strategy.
pub const REDACTED: &str = "[REDACTED]";
/// Characters kept by `partial` when the request does not say.
pub const DEFAULT_KEEP_LAST: usize = 4;
/// Hex digits of a `hash` mask (128 bits).
pub const HASH_HEX_LEN: usize = 32;
/// The mask character of `partial`.
pub const MASK_CHAR: char = '*';

/// How a value is masked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "strategy", rename_all = "lowercase", deny_unknown_fields)]
pub enum MaskStrategy {
    /// `[REDACTED]`.
    Redact,
    /// Letters and digits become `*` except the last `keep_last`; separators stay.
    Partial {
        /// How many trailing letters and digits stay clear; never more than half of them.
        #[serde(default = "default_keep_last")]
        keep_last: usize,
    },
    /// The type's label in brackets, e.g. `[SSN]`.
    Category,
    /// A keyed hash of the canonical value, for deduplication.
    Hash,
    /// The empty string.
    Null,
}

fn default_keep_last() -> usize {
    DEFAULT_KEEP_LAST
}

impl MaskStrategy {
    /// Masks `original` (as written, whose separators `partial` keeps) whose canonical form is
    /// `canonical` (which `hash` hashes).
    pub fn apply(
        self,
        pii_type: PiiType,
        original: &str,
        canonical: &Canonical,
        hasher: &KeyedHasher,
    ) -> String {
        match self {
            MaskStrategy::Redact => REDACTED.to_owned(),
            MaskStrategy::Partial { keep_last } => partial(original, keep_last),
            MaskStrategy::Category => format!("[{}]", pii_type.category_label()),
            MaskStrategy::Hash => keyed_hash(hasher, pii_type.as_str(), canonical.expose()),
            MaskStrategy::Null => String::new(),
        }
    }
}

/// Masks a value as a policy rule or the masking endpoint does: `hash` is keyed under the
/// tenant's mask key with the type and `scope` in the label, so it is stable per tenant and
/// scope and never a bare hash.
pub fn mask_value(
    strategy: MaskStrategy,
    pii_type: PiiType,
    original: &str,
    canonical: &Canonical,
    hasher: &KeyedHasher,
    scope: &str,
) -> String {
    match strategy {
        MaskStrategy::Hash => keyed_hash(
            hasher,
            &format!("{}/{scope}", pii_type.as_str()),
            canonical.expose(),
        ),
        other => other.apply(pii_type, original, canonical, hasher),
    }
}

/// Replaces letters and digits with `*` except the last `keep_last` of them, keeping every
/// other character. At most half of the letters and digits stay clear, so a short value is
/// never shown whole.
pub fn partial(value: &str, keep_last: usize) -> String {
    let significant = value.chars().filter(|c| c.is_alphanumeric()).count();
    keep_edges(value, 0, keep_last.min(significant / 2))
}

/// Replaces letters and digits with `*` except the first `keep_first` and the last `keep_last`
/// of them, keeping separators and every other character as they are.
pub fn keep_edges(value: &str, keep_first: usize, keep_last: usize) -> String {
    let significant = value.chars().filter(|c| c.is_alphanumeric()).count();
    let tail_from = significant.saturating_sub(keep_last);
    let mut seen = 0;
    value
        .chars()
        .map(|c| {
            if !c.is_alphanumeric() {
                return c;
            }
            seen += 1;
            if seen <= keep_first || seen > tail_from {
                c
            } else {
                MASK_CHAR
            }
        })
        .collect()
}

/// The first [`HASH_HEX_LEN`] hex digits of HMAC-SHA256 over the label and value.
pub fn keyed_hash(hasher: &KeyedHasher, label: &str, value: &str) -> String {
    let digest = hasher.digest(&[b"mask", label.as_bytes(), value.as_bytes()]);
    let mut hex = hex::encode(digest);
    hex.truncate(HASH_HEX_LEN);
    hex
}

#[cfg(test)]
mod tests {
    use tokenvault_crypto::Key256;

    use super::*;
    use crate::pii::NormalizeOptions;

    fn canonical(t: PiiType, v: &str) -> Canonical {
        t.normalize(v, &NormalizeOptions::default()).unwrap()
    }

    fn hasher(byte: u8) -> KeyedHasher {
        KeyedHasher::new(&Key256::from_slice(&[byte; 32]).unwrap())
    }

    #[test]
    fn seed_strategies() {
        let h = hasher(1);
        let c = canonical(PiiType::UsSsn, "123-45-6789");
        let m = |s: MaskStrategy| s.apply(PiiType::UsSsn, "123-45-6789", &c, &h);
        assert_eq!(m(MaskStrategy::Redact), "[REDACTED]");
        assert_eq!(m(MaskStrategy::Partial { keep_last: 4 }), "***-**-6789");
        assert_eq!(m(MaskStrategy::Category), "[SSN]");
        assert_eq!(m(MaskStrategy::Null), "");
        let hash = m(MaskStrategy::Hash);
        assert_eq!(hash.len(), HASH_HEX_LEN);
        assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()));
    }

    #[test]
    fn partial_keeps_separators_and_never_shows_a_short_value_whole() {
        assert_eq!(partial("(555) 123-4567", 4), "(***) ***-4567");
        assert_eq!(partial("john@example.com", 3), "****@*******.com");
        assert_eq!(partial("1234", 4), "**34");
        assert_eq!(partial("7", 4), "*");
        assert_eq!(partial("", 4), "");
        assert_eq!(partial("Ünïcødé-42", 2), "*******-42");
        assert_eq!(partial("123-45-6789", 0), "***-**-****");
    }

    #[test]
    fn hash_is_keyed_canonical_and_type_bound() {
        let a = hasher(1);
        let b = hasher(2);
        let c1 = canonical(PiiType::UsSsn, "123-45-6789");
        let c2 = canonical(PiiType::UsSsn, "123 45 6789");
        let hash =
            |h: &KeyedHasher, t: PiiType, c: &Canonical| MaskStrategy::Hash.apply(t, "", c, h);
        assert_eq!(hash(&a, PiiType::UsSsn, &c1), hash(&a, PiiType::UsSsn, &c2));
        assert_ne!(hash(&a, PiiType::UsSsn, &c1), hash(&b, PiiType::UsSsn, &c1));
        let sin = canonical(PiiType::CaSin, "130 692 544");
        let sin_as_ssn = Canonical::from_trusted(sin.expose().to_owned());
        assert_ne!(
            hash(&a, PiiType::CaSin, &sin),
            hash(&a, PiiType::UsSsn, &sin_as_ssn)
        );
        // Not a bare SHA-256 of the value.
        use sha2::Digest;
        let bare = hex::encode(sha2::Sha256::digest(b"123-45-6789"));
        assert!(!bare.starts_with(&hash(&a, PiiType::UsSsn, &c1)));
    }

    #[test]
    fn strategies_parse_from_json() {
        let s: MaskStrategy = serde_json::from_str(r#"{"strategy":"partial"}"#).unwrap();
        assert_eq!(s, MaskStrategy::Partial { keep_last: 4 });
        let s: MaskStrategy =
            serde_json::from_str(r#"{"strategy":"partial","keep_last":2}"#).unwrap();
        assert_eq!(s, MaskStrategy::Partial { keep_last: 2 });
        assert!(serde_json::from_str::<MaskStrategy>(r#"{"strategy":"shred"}"#).is_err());
        assert_eq!(
            serde_json::from_str::<MaskStrategy>(r#"{"strategy":"null"}"#).unwrap(),
            MaskStrategy::Null
        );
    }
}
