//! PII types: parsing, validation and normalization to one canonical form per type.
//!
//! Every parser either returns the value's canonical form or a [`PiiError`] that names the type
//! and the reason. Errors never contain the value.

mod case_number;
mod checksum;
mod credit_card;
mod date;
mod email;
mod error;
mod iban;
mod ip_address;
mod monetary;
mod options;
mod passport;
mod phone;
mod sin;
mod ssn;

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

pub use checksum::{aba_routing, iban_mod97, luhn, luhn_check_digit, luhn_valid};
pub use error::{InvalidReason, PiiError, UnsupportedPiiType};
pub use iban::iban_length_for_country;
pub(crate) use monetary::MonetaryParts;
pub use options::{DateOrder, DecimalSeparator, InvalidLocale, NormalizeOptions};
pub(crate) use phone::country_code_len;

/// Longest raw value accepted for any type, in bytes.
pub const MAX_VALUE_LEN: usize = 1024;

/// The PII types the vault tokenizes (seed 000, "Supported PII Types", plus the types the
/// text API needs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PiiType {
    /// US Social Security Number.
    UsSsn,
    /// Canadian Social Insurance Number.
    CaSin,
    /// Email address.
    Email,
    /// Phone number.
    Phone,
    /// A date.
    Date,
    /// A date of birth.
    Dob,
    /// A currency amount.
    Monetary,
    /// A legal or medical case number.
    CaseNumber,
    /// US passport number.
    PassportUs,
    /// Canadian passport number.
    PassportCa,
    /// Payment card number.
    CreditCard,
    /// International Bank Account Number.
    Iban,
    /// IPv4 or IPv6 address.
    IpAddress,
}

impl PiiType {
    /// Every type, in declaration order.
    pub const ALL: [PiiType; 13] = [
        PiiType::UsSsn,
        PiiType::CaSin,
        PiiType::Email,
        PiiType::Phone,
        PiiType::Date,
        PiiType::Dob,
        PiiType::Monetary,
        PiiType::CaseNumber,
        PiiType::PassportUs,
        PiiType::PassportCa,
        PiiType::CreditCard,
        PiiType::Iban,
        PiiType::IpAddress,
    ];

    /// The wire code, e.g. `us_ssn`.
    pub fn as_str(self) -> &'static str {
        match self {
            PiiType::UsSsn => "us_ssn",
            PiiType::CaSin => "ca_sin",
            PiiType::Email => "email",
            PiiType::Phone => "phone",
            PiiType::Date => "date",
            PiiType::Dob => "dob",
            PiiType::Monetary => "monetary",
            PiiType::CaseNumber => "case_number",
            PiiType::PassportUs => "passport_us",
            PiiType::PassportCa => "passport_ca",
            PiiType::CreditCard => "credit_card",
            PiiType::Iban => "iban",
            PiiType::IpAddress => "ip_address",
        }
    }

    /// The label the `category` masking strategy prints, e.g. `SSN`.
    pub fn category_label(self) -> &'static str {
        match self {
            PiiType::UsSsn => "SSN",
            PiiType::CaSin => "SIN",
            PiiType::Email => "EMAIL",
            PiiType::Phone => "PHONE",
            PiiType::Date => "DATE",
            PiiType::Dob => "DOB",
            PiiType::Monetary => "MONEY",
            PiiType::CaseNumber => "CASE_NUMBER",
            PiiType::PassportUs | PiiType::PassportCa => "PASSPORT",
            PiiType::CreditCard => "CREDIT_CARD",
            PiiType::Iban => "IBAN",
            PiiType::IpAddress => "IP_ADDRESS",
        }
    }

    /// Parses, validates and normalizes `raw` to this type's canonical form.
    pub fn normalize(self, raw: &str, options: &NormalizeOptions) -> Result<Canonical, PiiError> {
        let err = |reason| PiiError::new(self, reason);
        if raw.len() > MAX_VALUE_LEN {
            return Err(err(InvalidReason::TooLong { max: MAX_VALUE_LEN }));
        }
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(err(InvalidReason::Empty));
        }
        let canonical = match self {
            PiiType::UsSsn => ssn::normalize(trimmed),
            PiiType::CaSin => sin::normalize(trimmed),
            PiiType::Email => email::normalize(trimmed),
            PiiType::Phone => phone::normalize(trimmed, options),
            PiiType::Date => date::normalize(trimmed, options, false),
            PiiType::Dob => date::normalize(trimmed, options, true),
            PiiType::Monetary => monetary::normalize(trimmed, options),
            PiiType::CaseNumber => case_number::normalize(trimmed),
            PiiType::PassportUs => passport::normalize_us(trimmed),
            PiiType::PassportCa => passport::normalize_ca(trimmed),
            PiiType::CreditCard => credit_card::normalize(trimmed),
            PiiType::Iban => iban::normalize(trimmed),
            PiiType::IpAddress => ip_address::normalize(trimmed),
        }
        .map_err(err)?;
        Ok(Canonical(Zeroizing::new(canonical)))
    }
}

impl fmt::Display for PiiType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PiiType {
    type Err = UnsupportedPiiType;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PiiType::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or(UnsupportedPiiType)
    }
}

/// A value in its type's canonical form (`123-45-6789`, `+15551234567`, `2024-03-15`). It is
/// still PII: wiped on drop and never printed by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct Canonical(Zeroizing<String>);

impl Canonical {
    /// The canonical text. Handle as PII.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Wraps text already in canonical form (the output of a decryption).
    pub(crate) fn from_trusted(s: String) -> Self {
        Self(Zeroizing::new(s))
    }
}

impl fmt::Debug for Canonical {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Canonical(redacted)")
    }
}

/// Keeps ASCII digits of `s`, refusing anything but digits and the separators in `allowed`.
pub(crate) fn digits_with_separators(
    s: &str,
    allowed: &[char],
) -> Result<Zeroizing<String>, InvalidReason> {
    // Zeroizing: these digits are the value itself, and must not linger in freed memory.
    let mut digits = Zeroizing::new(String::with_capacity(s.len()));
    for c in s.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else if !allowed.contains(&c) {
            return Err(InvalidReason::InvalidCharacters);
        }
    }
    Ok(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for t in PiiType::ALL {
            assert_eq!(t.as_str().parse::<PiiType>().unwrap(), t);
            let json = serde_json::to_string(&t).unwrap();
            assert_eq!(json, format!("\"{}\"", t.as_str()));
        }
        assert!("ssn".parse::<PiiType>().is_err());
        assert!("US_SSN".parse::<PiiType>().is_err());
    }

    #[test]
    fn empty_and_oversized_values_are_refused() {
        let o = NormalizeOptions::default();
        for t in PiiType::ALL {
            assert_eq!(
                t.normalize("  ", &o).unwrap_err().reason,
                InvalidReason::Empty
            );
            let long = "1".repeat(MAX_VALUE_LEN + 1);
            assert_eq!(
                t.normalize(&long, &o).unwrap_err().reason,
                InvalidReason::TooLong { max: MAX_VALUE_LEN }
            );
        }
    }

    #[test]
    fn errors_never_echo_the_value() {
        let o = NormalizeOptions::default();
        let secret = "987-65-4329x";
        for t in PiiType::ALL {
            if let Err(e) = t.normalize(secret, &o) {
                let shown = format!("{e} {e:?}");
                assert!(!shown.contains("987"), "{t}: {shown}");
            }
        }
    }

    #[test]
    fn canonical_debug_is_redacted() {
        let c = PiiType::UsSsn
            .normalize("123-45-6789", &NormalizeOptions::default())
            .unwrap();
        assert_eq!(format!("{c:?}"), "Canonical(redacted)");
    }
}
