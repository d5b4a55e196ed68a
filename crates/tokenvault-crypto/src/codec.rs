//! The token value format.
//!
//! ```text
//! token  = prefix base64url(header || body)        (no padding)
//! header = format_version:u8 || kind:u8 || key_version:u32be
//! body   = SIV(16) || ciphertext                   (deterministic, AES-256-SIV)
//!        | nonce(12) || ciphertext || tag(16)      (randomized, AES-256-GCM)
//! ```
//!
//! The header is part of the associated data of both ciphers, so changing the version, kind or
//! key version fails authentication exactly like changing a ciphertext byte.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};

use crate::CryptoError;

/// The only token format version so far.
pub const FORMAT_VERSION: u8 = 1;
/// Header length in bytes.
pub const HEADER_LEN: usize = 6;
/// Longest token string accepted for decoding (bounds work on hostile input).
pub const MAX_TOKEN_LEN: usize = 4096;

/// Which cipher produced a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenKind {
    /// AES-256-SIV.
    Deterministic,
    /// AES-256-GCM under a per-record data key.
    Randomized,
}

impl TokenKind {
    fn to_byte(self) -> u8 {
        match self {
            TokenKind::Deterministic => 1,
            TokenKind::Randomized => 2,
        }
    }

    fn from_byte(b: u8) -> Option<Self> {
        match b {
            1 => Some(TokenKind::Deterministic),
            2 => Some(TokenKind::Randomized),
            _ => None,
        }
    }
}

/// The authenticated header of a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenHeader {
    /// The cipher.
    pub kind: TokenKind,
    /// The tenant key version it was made under.
    pub key_version: u32,
}

impl TokenHeader {
    /// The header's bytes, as they appear in the token and in associated data.
    pub fn to_bytes(self) -> [u8; HEADER_LEN] {
        let mut out = [0u8; HEADER_LEN];
        out[0] = FORMAT_VERSION;
        out[1] = self.kind.to_byte();
        out[2..].copy_from_slice(&self.key_version.to_be_bytes());
        out
    }

    fn from_bytes(bytes: &[u8]) -> Result<Self, CryptoError> {
        let malformed = |reason| CryptoError::MalformedToken { reason };
        if bytes.len() < HEADER_LEN {
            return Err(malformed("too short"));
        }
        if bytes[0] != FORMAT_VERSION {
            return Err(malformed("unknown format version"));
        }
        let kind = TokenKind::from_byte(bytes[1]).ok_or(malformed("unknown token kind"))?;
        let mut version = [0u8; 4];
        version.copy_from_slice(&bytes[2..HEADER_LEN]);
        Ok(Self {
            kind,
            key_version: u32::from_be_bytes(version),
        })
    }
}

/// A token that has been parsed but not yet authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedToken {
    /// The header (authenticated later, as associated data).
    pub header: TokenHeader,
    /// The cipher-specific body.
    pub body: Vec<u8>,
}

/// Encodes and decodes token values under one prefix.
#[derive(Debug, Clone)]
pub struct TokenCodec {
    prefix: String,
}

impl TokenCodec {
    /// A codec for `prefix`: 1 to 16 lowercase ASCII letters or digits followed by `_`.
    pub fn new(prefix: &str) -> Result<Self, CryptoError> {
        let valid = prefix.len() >= 2
            && prefix.len() <= 17
            && prefix.ends_with('_')
            && prefix[..prefix.len() - 1]
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        if !valid {
            return Err(CryptoError::MalformedToken {
                reason: "prefix must be 1-16 lowercase letters or digits followed by '_'",
            });
        }
        Ok(Self {
            prefix: prefix.to_owned(),
        })
    }

    /// The prefix, e.g. `tv_`.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// `prefix || base64url(header || body)`.
    pub fn encode(&self, header: TokenHeader, body: &[u8]) -> String {
        let mut raw = Vec::with_capacity(HEADER_LEN + body.len());
        raw.extend_from_slice(&header.to_bytes());
        raw.extend_from_slice(body);
        let mut out = String::with_capacity(self.prefix.len() + (raw.len() * 4).div_ceil(3));
        out.push_str(&self.prefix);
        URL_SAFE_NO_PAD.encode_string(&raw, &mut out);
        out
    }

    /// Whether `s` carries this codec's prefix (a cheap check, not a validation).
    pub fn has_prefix(&self, s: &str) -> bool {
        s.starts_with(&self.prefix)
    }

    /// Parses a token value. Authentication happens when the body is opened.
    pub fn decode(&self, token: &str) -> Result<DecodedToken, CryptoError> {
        let malformed = |reason| CryptoError::MalformedToken { reason };
        if token.len() > MAX_TOKEN_LEN {
            return Err(malformed("longer than 4096 characters"));
        }
        let encoded = token
            .strip_prefix(&self.prefix)
            .ok_or(malformed("missing token prefix"))?;
        let raw = URL_SAFE_NO_PAD
            .decode(encoded)
            .map_err(|_| malformed("not base64url without padding"))?;
        let header = TokenHeader::from_bytes(&raw)?;
        Ok(DecodedToken {
            header,
            body: raw[HEADER_LEN..].to_vec(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codec() -> TokenCodec {
        TokenCodec::new("tv_").unwrap()
    }

    #[test]
    fn round_trip_is_url_safe() {
        let h = TokenHeader {
            kind: TokenKind::Randomized,
            key_version: 7,
        };
        let body: Vec<u8> = (0..=255).collect();
        let t = codec().encode(h, &body);
        assert!(t.starts_with("tv_AQI"));
        assert!(t[3..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        let d = codec().decode(&t).unwrap();
        assert_eq!(d.header, h);
        assert_eq!(d.body, body);
    }

    #[test]
    fn malformed_tokens_are_refused() {
        let c = codec();
        for bad in [
            "",
            "tv_",
            "xx_AQEAAAAB",
            "tv_AQ",
            "tv_!!!!",
            "tv_AQEAAAAB=",
            "tv_CQEAAAAB",
            "tv_AQkAAAAB",
        ] {
            assert!(
                matches!(c.decode(bad), Err(CryptoError::MalformedToken { .. })),
                "{bad}"
            );
        }
        assert!(c.decode(&format!("tv_{}", "A".repeat(5000))).is_err());
    }

    #[test]
    fn prefixes_are_validated() {
        assert!(TokenCodec::new("tv_").is_ok());
        assert!(TokenCodec::new("slim_").is_ok());
        for bad in ["", "_", "tv", "TV_", "t-v_", "abcdefghijklmnopq_"] {
            assert!(TokenCodec::new(bad).is_err(), "{bad}");
        }
    }
}
