//! Validated identifiers, parsed once at the edge.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why an identifier was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {kind}: expected {expected}")]
pub struct InvalidId {
    /// Which identifier.
    pub kind: &'static str,
    /// Its shape.
    pub expected: &'static str,
}

macro_rules! identifier {
    ($(#[$doc:meta])* $name:ident, $kind:literal, $expected:literal, $valid:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Parses and validates.
            pub fn parse(s: &str) -> Result<Self, InvalidId> {
                let valid: fn(&str) -> bool = $valid;
                if valid(s) {
                    Ok(Self(s.to_owned()))
                } else {
                    Err(InvalidId { kind: $kind, expected: $expected })
                }
            }

            /// The identifier text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl TryFrom<String> for $name {
            type Error = InvalidId;
            fn try_from(s: String) -> Result<Self, InvalidId> {
                Self::parse(&s)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }
    };
}

fn slug(s: &str, prefix: &str, max: usize) -> bool {
    s.strip_prefix(prefix).is_some_and(|rest| {
        !rest.is_empty()
            && rest.len() <= max
            && rest
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
    })
}

identifier!(
    /// A tenant: `ten_` followed by up to 64 lowercase letters, digits, `_` or `-`.
    TenantId, "tenant id", "ten_ followed by up to 64 lowercase letters, digits, '_' or '-'",
    |s| slug(s, "ten_", 64)
);
identifier!(
    /// A token record: `tok_` followed by up to 64 lowercase letters, digits, `_` or `-`
    /// (generated ids carry 128 random bits in base32).
    TokenId, "token id", "tok_ followed by up to 64 lowercase letters, digits, '_' or '-'",
    |s| slug(s, "tok_", 64)
);
identifier!(
    /// A policy: `pol_` followed by up to 64 lowercase letters, digits, `_` or `-`, e.g. `pol_hipaa`.
    PolicyId, "policy id", "pol_ followed by up to 64 lowercase letters, digits, '_' or '-'",
    |s| slug(s, "pol_", 64)
);

impl TenantId {
    /// A new random tenant id.
    pub fn generate() -> Self {
        Self(tokenvault_crypto::random::random_id("ten_"))
    }
}

impl TokenId {
    /// A new random token id (128 bits).
    pub fn generate() -> Self {
        Self(tokenvault_crypto::random::random_id("tok_"))
    }

    /// The id of 128 bits of a keyed digest (see `TokenEngine::record_id`).
    pub fn from_digest(bytes: [u8; 16]) -> Self {
        Self(tokenvault_crypto::random::encode_id("tok_", bytes))
    }
}

impl PolicyId {
    /// A new random policy id.
    pub fn generate() -> Self {
        Self(tokenvault_crypto::random::random_id("pol_"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_generate() {
        assert!(PolicyId::parse("pol_hipaa").is_ok());
        assert!(TokenId::parse("tok_abc123").is_ok());
        assert!(TokenId::parse(TokenId::generate().as_str()).is_ok());
        assert!(TenantId::parse("ten_").is_err());
        assert!(TenantId::parse("ten_ABC").is_err());
        assert!(TokenId::parse("pol_abc").is_err());
        assert!(TokenId::parse(&format!("tok_{}", "a".repeat(65))).is_err());
        let e = PolicyId::parse("hipaa").unwrap_err();
        assert!(e.to_string().contains("pol_"));
    }

    #[test]
    fn serde_validates() {
        let ok: PolicyId = serde_json::from_str("\"pol_x\"").unwrap();
        assert_eq!(ok.as_str(), "pol_x");
        assert!(serde_json::from_str::<PolicyId>("\"x\"").is_err());
    }
}
