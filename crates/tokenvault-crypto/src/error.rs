//! The one error type of the crypto layer. Variants never carry plaintext or key bytes.

/// Why a cryptographic operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CryptoError {
    /// A ciphertext, token or wrapped key failed authentication: it was altered, or it was
    /// made under another key or another context (tenant, type, scope). Nothing was decrypted.
    #[error(
        "authentication failed: the ciphertext was altered or belongs to another key or context"
    )]
    AuthenticationFailed,
    /// A token value could not be parsed.
    #[error("malformed token: {reason}")]
    MalformedToken {
        /// What is wrong with it, for the caller to fix.
        reason: &'static str,
    },
    /// A format-preserving domain is smaller than the 10^6 minimum of NIST SP 800-38G Rev. 1.
    #[error("format-preserving domain too small: {radix}^{length} is under the 1,000,000 minimum")]
    DomainTooSmall {
        /// The alphabet size.
        radix: u32,
        /// The number of encrypted characters.
        length: usize,
    },
    /// A format-preserving input contained a character outside the cipher's alphabet.
    #[error("character outside the format-preserving alphabet")]
    OutsideAlphabet,
    /// A format-preserving input is longer than the supported maximum.
    #[error("format-preserving input longer than {max} characters")]
    FpeInputTooLong {
        /// The maximum number of characters.
        max: usize,
    },
    /// Key material had the wrong length.
    #[error("key material must be {expected} bytes")]
    InvalidKeyLength {
        /// The required length in bytes.
        expected: usize,
    },
    /// The plaintext is too long to encrypt into a token.
    #[error("value longer than {max} bytes")]
    PlaintextTooLong {
        /// The maximum length in bytes.
        max: usize,
    },
    /// A key could not be used (signing key rejected by the backend).
    #[error("key rejected")]
    InvalidKey,
    /// A password could not be hashed (longer than Argon2 accepts).
    #[error("password could not be hashed")]
    PasswordHash,
}
