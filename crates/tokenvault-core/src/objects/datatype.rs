//! The data types of object properties (Piiano Vault's map): validation and normalization on
//! write, and the `mask` transformation on read. The PII types reuse the vault's own
//! normalizers (Luhn for cards, E.164 for phones, the SSN rules), so a value is judged alike
//! on every surface.

use serde_json::Value;

use crate::{
    mask::keep_edges,
    pii::{NormalizeOptions, PiiType},
};

/// Longest string value, in characters.
pub const MAX_STRING_CHARS: usize = 450;

/// A property's data type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum DataType {
    String,
    Json,
    Integer,
    Boolean,
    Double,
    Email,
    Url,
    PhoneNumber,
    ZipCodeUs,
    Timestamp,
    Date,
    DateOfBirth,
    Name,
    Gender,
    Ssn,
    Address,
    Ban,
    CcHolderName,
    CcNumber,
    CcExpirationString,
    CcCvv,
    UsBankRouting,
    UsBankAccountNumber,
}

/// Why a value does not fit its type (never the value).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidValue(pub String);

impl serde::Serialize for DataType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for DataType {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        DataType::parse(&s).ok_or_else(|| serde::de::Error::custom("not a data type"))
    }
}

impl DataType {
    /// Every type.
    pub const ALL: [DataType; 23] = [
        DataType::String,
        DataType::Json,
        DataType::Integer,
        DataType::Boolean,
        DataType::Double,
        DataType::Email,
        DataType::Url,
        DataType::PhoneNumber,
        DataType::ZipCodeUs,
        DataType::Timestamp,
        DataType::Date,
        DataType::DateOfBirth,
        DataType::Name,
        DataType::Gender,
        DataType::Ssn,
        DataType::Address,
        DataType::Ban,
        DataType::CcHolderName,
        DataType::CcNumber,
        DataType::CcExpirationString,
        DataType::CcCvv,
        DataType::UsBankRouting,
        DataType::UsBankAccountNumber,
    ];

    /// The name in schemas (`CC_NUMBER`).
    pub fn as_str(self) -> &'static str {
        match self {
            DataType::String => "STRING",
            DataType::Json => "JSON",
            DataType::Integer => "INTEGER",
            DataType::Boolean => "BOOLEAN",
            DataType::Double => "DOUBLE",
            DataType::Email => "EMAIL",
            DataType::Url => "URL",
            DataType::PhoneNumber => "PHONE_NUMBER",
            DataType::ZipCodeUs => "ZIP_CODE_US",
            DataType::Timestamp => "TIMESTAMP",
            DataType::Date => "DATE",
            DataType::DateOfBirth => "DATE_OF_BIRTH",
            DataType::Name => "NAME",
            DataType::Gender => "GENDER",
            DataType::Ssn => "SSN",
            DataType::Address => "ADDRESS",
            DataType::Ban => "BAN",
            DataType::CcHolderName => "CC_HOLDER_NAME",
            DataType::CcNumber => "CC_NUMBER",
            DataType::CcExpirationString => "CC_EXPIRATION_STRING",
            DataType::CcCvv => "CC_CVV",
            DataType::UsBankRouting => "US_BANK_ROUTING",
            DataType::UsBankAccountNumber => "US_BANK_ACCOUNT_NUMBER",
        }
    }

    /// A type by name, any case.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(s))
    }

    /// Whether the type has a `mask` transformation.
    pub fn has_mask(self) -> bool {
        matches!(
            self,
            DataType::Email
                | DataType::Ssn
                | DataType::Ban
                | DataType::PhoneNumber
                | DataType::CcNumber
                | DataType::UsBankAccountNumber
        )
    }

    /// Checks `value` and returns its stored form (normalized where the type has a canonical
    /// form: E.164 phones, cards without separators).
    pub fn validate(
        self,
        value: &Value,
        options: &NormalizeOptions,
    ) -> Result<Value, InvalidValue> {
        let expected =
            |what: &str| InvalidValue(format!("a {} value must be {what}", self.as_str()));
        match self {
            DataType::Json => return Ok(value.clone()),
            DataType::Integer => {
                return value
                    .as_i64()
                    .map(Value::from)
                    .ok_or_else(|| expected("an integer"))
            }
            DataType::Boolean => {
                return value
                    .as_bool()
                    .map(Value::from)
                    .ok_or_else(|| expected("true or false"))
            }
            DataType::Double => {
                return value
                    .as_f64()
                    .map(Value::from)
                    .ok_or_else(|| expected("a number"))
            }
            _ => {}
        }
        let Some(s) = value.as_str() else {
            return Err(expected("a string"));
        };
        if s.chars().count() > MAX_STRING_CHARS {
            return Err(InvalidValue(format!(
                "a {} value is at most {MAX_STRING_CHARS} characters",
                self.as_str()
            )));
        }
        let digits = |s: &str| -> String { s.chars().filter(char::is_ascii_digit).collect() };
        let only_digits_and =
            |s: &str, seps: &[char]| s.chars().all(|c| c.is_ascii_digit() || seps.contains(&c));
        let via = |t: PiiType| {
            t.normalize(s, options)
                .map(|c| Value::from(c.expose()))
                .map_err(|e| InvalidValue(format!("not a valid {}: {}", self.as_str(), e.reason)))
        };
        match self {
            DataType::Email => via(PiiType::Email),
            DataType::PhoneNumber => via(PiiType::Phone),
            DataType::Ssn => via(PiiType::UsSsn),
            DataType::CcNumber => via(PiiType::CreditCard),
            DataType::Date | DataType::DateOfBirth => {
                let ok = s.len() == 10
                    && s.as_bytes()[4] == b'-'
                    && s.as_bytes()[7] == b'-'
                    && only_digits_and(s, &['-']);
                if ok {
                    Ok(Value::from(s))
                } else {
                    Err(expected("a date as YYYY-MM-DD"))
                }
            }
            DataType::ZipCodeUs => {
                let ok = (s.len() == 5 && only_digits_and(s, &[]))
                    || (s.len() == 10 && s.as_bytes()[5] == b'-' && only_digits_and(s, &['-']));
                if ok {
                    Ok(Value::from(s))
                } else {
                    Err(expected("a US ZIP code (12345 or 12345-6789)"))
                }
            }
            DataType::Ban | DataType::UsBankAccountNumber => {
                let d = digits(s);
                if (5..=17).contains(&d.len()) && only_digits_and(s, &[' ', '-']) {
                    Ok(Value::from(d))
                } else {
                    Err(expected("5 to 17 digits"))
                }
            }
            DataType::UsBankRouting => {
                let d = digits(s);
                if d.len() == 9
                    && only_digits_and(s, &[' ', '-'])
                    && crate::pii::aba_routing(d.as_bytes())
                {
                    Ok(Value::from(d))
                } else {
                    Err(expected("a 9-digit ABA routing number"))
                }
            }
            DataType::CcCvv => {
                if (3..=4).contains(&s.len()) && only_digits_and(s, &[]) {
                    Ok(Value::from(s))
                } else {
                    Err(expected("3 or 4 digits"))
                }
            }
            DataType::CcExpirationString => {
                let d = digits(s);
                if (d.len() == 4 || d.len() == 6) && only_digits_and(s, &['/', '-', ' ']) {
                    Ok(Value::from(s))
                } else {
                    Err(expected("a card expiry such as 12/27"))
                }
            }
            DataType::Url => {
                if (s.starts_with("https://") || s.starts_with("http://"))
                    && !s.contains(char::is_whitespace)
                {
                    Ok(Value::from(s))
                } else {
                    Err(expected("an http(s) URL"))
                }
            }
            DataType::Timestamp => {
                let ok = s.len() >= 20 && s.as_bytes()[4] == b'-' && s.as_bytes()[10] == b'T';
                if ok {
                    Ok(Value::from(s))
                } else {
                    Err(expected("an RFC 3339 timestamp"))
                }
            }
            DataType::String
            | DataType::Name
            | DataType::Gender
            | DataType::Address
            | DataType::CcHolderName => {
                if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
                    Err(expected("text without control characters"))
                } else {
                    Ok(Value::from(s))
                }
            }
            DataType::Json | DataType::Integer | DataType::Boolean | DataType::Double => {
                unreachable_typed()
            }
        }
    }

    /// The `mask` transformation of a stored value: an e-mail keeps its first character and
    /// domain, an SSN its last four digits, card, account and phone numbers their last four.
    pub fn mask(self, value: &Value) -> Option<Value> {
        let s = value.as_str()?;
        let masked = match self {
            DataType::Email => {
                let (local, domain) = s.split_once('@')?;
                format!("{}@{domain}", keep_edges(local, 1, 0))
            }
            DataType::Ssn => keep_edges(s, 0, 4),
            DataType::CcNumber => {
                let last: String = s
                    .chars()
                    .rev()
                    .take(4)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                format!("**** **** **** {last}")
            }
            DataType::Ban | DataType::UsBankAccountNumber | DataType::PhoneNumber => {
                keep_edges(s, 0, 4)
            }
            _ => return None,
        };
        Some(Value::from(masked))
    }
}

#[cold]
fn unreachable_typed() -> Result<Value, InvalidValue> {
    Err(InvalidValue(
        "internal: typed value reached the string checks".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(t: DataType, v: Value) -> Result<Value, InvalidValue> {
        t.validate(&v, &NormalizeOptions::default())
    }

    #[test]
    fn values_are_checked_and_normalized_by_type() {
        // Luhn: 4111 1111 1111 1111 is the classic valid test card; ...12 is not.
        assert_eq!(
            check(DataType::CcNumber, json!("4111-1111-1111-1111")).unwrap(),
            json!("4111111111111111")
        );
        assert!(check(DataType::CcNumber, json!("4111111111111112")).is_err());
        assert_eq!(
            check(DataType::PhoneNumber, json!("+1 (415) 555-0100")).unwrap(),
            json!("+14155550100")
        );
        assert!(check(DataType::Ssn, json!("666-12-3456")).is_err());
        assert!(check(DataType::Email, json!("not an email")).is_err());
        assert!(check(DataType::ZipCodeUs, json!("12345-678")).is_err());
        assert!(check(DataType::Ban, json!("1234")).is_err());
        assert!(check(DataType::Integer, json!("7")).is_err());
        assert!(check(DataType::String, json!("x".repeat(451))).is_err());
        assert!(check(DataType::String, json!("x".repeat(450))).is_ok());
        assert!(check(DataType::UsBankRouting, json!("011000015")).is_ok());
        assert!(check(DataType::UsBankRouting, json!("011000016")).is_err());
    }

    #[test]
    fn masks_keep_what_the_map_says() {
        assert_eq!(
            DataType::Email.mask(&json!("john@gmail.com")),
            Some(json!("j***@gmail.com"))
        );
        assert_eq!(
            DataType::CcNumber.mask(&json!("4111111111119573")),
            Some(json!("**** **** **** 9573"))
        );
        assert_eq!(
            DataType::Ssn.mask(&json!("123-45-6789")),
            Some(json!("***-**-6789"))
        );
        assert_eq!(DataType::Name.mask(&json!("Ann")), None);
    }

    #[test]
    fn names_read_back() {
        for t in DataType::ALL {
            assert_eq!(DataType::parse(&t.as_str().to_lowercase()), Some(t));
        }
    }
}
