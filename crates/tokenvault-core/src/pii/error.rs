//! Errors of PII parsing. They name the type and the reason, never the value.

use super::PiiType;

/// The PII type code is not one the vault supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("unsupported PII type; supported types are us_ssn, ca_sin, email, phone, date, dob, monetary, case_number, passport_us, passport_ca, credit_card, iban, ip_address")]
pub struct UnsupportedPiiType;

/// A value failed validation for its type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {pii_type}: {reason}")]
pub struct PiiError {
    /// The type the value was parsed as.
    pub pii_type: PiiType,
    /// Why it was refused.
    pub reason: InvalidReason,
}

impl PiiError {
    pub(crate) fn new(pii_type: PiiType, reason: InvalidReason) -> Self {
        Self { pii_type, reason }
    }
}

/// Why a value was refused. Messages say what a valid value looks like.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidReason {
    /// Empty or whitespace only.
    #[error("value is empty")]
    Empty,
    /// Longer than the limit.
    #[error("value is longer than {max} bytes")]
    TooLong {
        /// The limit in bytes.
        max: usize,
    },
    /// Contains characters this type never contains.
    #[error("value contains characters that are not allowed for this type")]
    InvalidCharacters,
    /// Wrong number of digits or characters.
    #[error("expected {expected}")]
    WrongLength {
        /// What the length should be.
        expected: &'static str,
    },
    /// Does not have the type's shape.
    #[error("expected {expected}")]
    InvalidFormat {
        /// What the format should be.
        expected: &'static str,
    },
    /// The check digit or checksum does not match.
    #[error("{algorithm} checksum does not match")]
    ChecksumFailed {
        /// The checksum algorithm, e.g. `Luhn`.
        algorithm: &'static str,
    },
    /// Well formed, but a value that is never issued.
    #[error("{why}")]
    Impossible {
        /// Which rule it breaks.
        why: &'static str,
    },
}
