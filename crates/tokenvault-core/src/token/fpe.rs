//! Format-preserving templates: for each type, which characters FF1 encrypts and which stay
//! clear. See `docs/token-formats.md` for the table a reviewer checks.
//!
//! Digit templates work on the digits of the canonical form, in order:
//!
//! | type | digits | clear | encrypted | fixed up |
//! |---|---|---|---|---|
//! | `us_ssn` | 9 | last 3 | first 6 | – |
//! | `ca_sin` | 9 | – | first 8 | check digit (Luhn) |
//! | `credit_card` | 12–19 | first 6 (BIN) | the rest | check digit (Luhn) |
//! | `phone` | E.164 | country code + up to 3 | the rest (≥ 6) | – |
//! | `passport_us` | 9 or letter + 8 | letter | all digits | – |
//! | `passport_ca` | 2 letters + 6 | letters | 6 digits | – |
//! | `monetary` | amount | currency, sign, separators | all digits | first digit ≠ 0 |
//! | `case_number` | any | letters, separators | all digits (≥ 6) | – |
//!
//! `email` encrypts the letters and digits of the local part in radix 36 and keeps its
//! punctuation and the domain. `date`, `dob`, `iban` and `ip_address` have no template.

use tokenvault_crypto::{ff1::Ff1Cipher, CryptoError};

use super::{Mode, TokenError};
use crate::pii::{
    country_code_len, digits_with_separators, luhn_check_digit, MonetaryParts, NormalizeOptions,
    PiiType,
};

/// Whether a type has a format-preserving template, and whether a policy must acknowledge
/// its small domain to use it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FpeSupport {
    /// No template: the type's domain is too small or its format has no room.
    Unsupported {
        /// Why.
        reason: &'static str,
    },
    /// A template exists.
    Supported {
        /// The typical encrypted domain is under 10^9, so an attacker who can tokenize could
        /// enumerate it; a policy must say `acknowledge_small_domain: true`.
        small_domain: bool,
    },
}

/// The format-preserving support of a type.
pub fn support(pii_type: PiiType) -> FpeSupport {
    use FpeSupport::*;
    match pii_type {
        PiiType::UsSsn
        | PiiType::CaSin
        | PiiType::Phone
        | PiiType::PassportCa
        | PiiType::Monetary
        | PiiType::CaseNumber => Supported { small_domain: true },
        PiiType::PassportUs | PiiType::CreditCard | PiiType::Email => Supported {
            small_domain: false,
        },
        PiiType::Date | PiiType::Dob => Unsupported {
            reason: "a date has fewer than 10^6 possible values",
        },
        PiiType::Iban => Unsupported {
            reason: "no format-preserving template for IBANs; use deterministic mode",
        },
        PiiType::IpAddress => Unsupported {
            reason: "no format-preserving template for IP addresses; use deterministic mode",
        },
    }
}

/// The FF1 ciphers of one key version.
#[derive(Clone, Copy)]
pub(crate) struct FpeCiphers<'a> {
    pub decimal: &'a Ff1Cipher,
    pub alphanumeric: &'a Ff1Cipher,
}

/// A format-preserving token in two shapes.
pub(crate) struct FpeToken {
    /// In the shape of the input (what the client gets back).
    pub rendered: String,
    /// In the type's canonical shape (what the vault indexes).
    pub canonical: String,
}

/// Which digits a template encrypts.
struct DigitPlan {
    /// Leading digits kept clear.
    head: usize,
    /// Trailing digits kept clear (or recomputed, with `luhn`).
    tail: usize,
    /// Recompute the last digit as a Luhn check digit.
    luhn: bool,
    /// The first encrypted digit may not be 0 (amounts with more than one whole digit).
    leading_nonzero: bool,
}

fn digit_plan(pii_type: PiiType, canonical: &str, digits: &str) -> Result<DigitPlan, TokenError> {
    let plan = |head, tail, luhn| DigitPlan {
        head,
        tail,
        luhn,
        leading_nonzero: false,
    };
    Ok(match pii_type {
        PiiType::UsSsn => plan(0, 3, false),
        PiiType::CaSin => plan(0, 1, true),
        PiiType::CreditCard => plan(6, 1, true),
        PiiType::Phone => {
            let cc = country_code_len(digits).ok_or(TokenError::MalformedToken {
                reason: "unknown country calling code",
            })?;
            let national = digits.len().saturating_sub(cc);
            plan(cc + national.saturating_sub(6).min(3), 0, false)
        }
        PiiType::PassportUs | PiiType::PassportCa | PiiType::CaseNumber => plan(0, 0, false),
        PiiType::Monetary => {
            let whole_digits = canonical
                .split(' ')
                .nth(1)
                .map(|amount| {
                    amount
                        .trim_start_matches('-')
                        .split('.')
                        .next()
                        .unwrap_or("")
                        .len()
                })
                .unwrap_or(0);
            DigitPlan {
                leading_nonzero: whole_digits > 1,
                ..plan(0, 0, false)
            }
        }
        other => {
            return Err(TokenError::ModeUnavailable {
                pii_type: other,
                mode: Mode::FormatPreserving,
                reason: "no digit template",
            })
        }
    })
}

fn to_numerals(s: &str) -> Vec<u16> {
    s.bytes().map(|b| u16::from(b.wrapping_sub(b'0'))).collect()
}

fn from_numerals(n: &[u16]) -> String {
    n.iter()
        .map(|&d| char::from(b'0' + (d % 10) as u8))
        .collect()
}

/// Replaces the last `count` ASCII digits of `s` with `replacement` (which has `count` digits).
fn replace_trailing_digits(s: &str, replacement: &str) -> Option<String> {
    let count = replacement.len();
    let positions: Vec<usize> = s
        .bytes()
        .enumerate()
        .filter(|(_, b)| b.is_ascii_digit())
        .map(|(i, _)| i)
        .collect();
    if positions.len() < count {
        return None;
    }
    let mut out = s.as_bytes().to_vec();
    for (pos, digit) in positions[positions.len() - count..]
        .iter()
        .zip(replacement.bytes())
    {
        out[*pos] = digit;
    }
    String::from_utf8(out).ok()
}

fn digits_of(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// Cycle walking bound: the valid set is at least 9/10 of the domain, so more than a few
/// steps happen with negligible probability; the bound only guards against a bug.
const MAX_CYCLE_STEPS: usize = 1000;

fn crypt_digits(
    digits: &str,
    plan: &DigitPlan,
    cipher: &Ff1Cipher,
    tweak: &[u8],
    encrypt: bool,
    pii_type: PiiType,
) -> Result<String, TokenError> {
    let end = digits.len().saturating_sub(plan.tail);
    if plan.head >= end {
        return Err(TokenError::DomainTooSmall { pii_type });
    }
    let mut numerals = to_numerals(&digits[plan.head..end]);
    for _ in 0..MAX_CYCLE_STEPS {
        numerals = if encrypt {
            cipher.encrypt(tweak, &numerals)
        } else {
            cipher.decrypt(tweak, &numerals)
        }
        .map_err(|e| match e {
            CryptoError::DomainTooSmall { .. } => TokenError::DomainTooSmall { pii_type },
            other => other.into(),
        })?;
        if !(plan.leading_nonzero && numerals.first() == Some(&0)) {
            let mut out = String::with_capacity(digits.len());
            out.push_str(&digits[..plan.head]);
            out.push_str(&from_numerals(&numerals));
            if plan.luhn {
                let check = luhn_check_digit(&out);
                out.push(check);
            } else {
                out.push_str(&digits[end..]);
            }
            return Ok(out);
        }
    }
    Err(TokenError::DomainTooSmall { pii_type })
}

const ALNUM: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";

fn crypt_email(
    canonical: &str,
    cipher: &Ff1Cipher,
    tweak: &[u8],
    encrypt: bool,
) -> Result<String, TokenError> {
    let (local, domain) = canonical
        .rsplit_once('@')
        .ok_or(TokenError::MalformedToken {
            reason: "not an email address",
        })?;
    let numerals: Vec<u16> = local
        .bytes()
        .filter_map(|b| ALNUM.iter().position(|&a| a == b))
        .filter_map(|p| u16::try_from(p).ok())
        .collect();
    let out = if encrypt {
        cipher.encrypt(tweak, &numerals)
    } else {
        cipher.decrypt(tweak, &numerals)
    }
    .map_err(|e| match e {
        CryptoError::DomainTooSmall { .. } => TokenError::DomainTooSmall {
            pii_type: PiiType::Email,
        },
        other => other.into(),
    })?;
    let mut next = out.into_iter();
    let local: String = local
        .bytes()
        .map(|b| {
            if ALNUM.contains(&b) {
                next.next()
                    .map_or('0', |n| char::from(ALNUM[usize::from(n) % 36]))
            } else {
                char::from(b)
            }
        })
        .collect();
    Ok(format!("{local}@{domain}"))
}

/// Encrypts `canonical` (the value's canonical form) and renders the token in the shape of
/// `raw` (the value as the client sent it).
pub(crate) fn tokenize(
    pii_type: PiiType,
    canonical: &str,
    raw: &str,
    ciphers: FpeCiphers<'_>,
    tweak: &[u8],
) -> Result<FpeToken, TokenError> {
    if let FpeSupport::Unsupported { reason } = support(pii_type) {
        return Err(TokenError::ModeUnavailable {
            pii_type,
            mode: Mode::FormatPreserving,
            reason,
        });
    }
    if pii_type == PiiType::Email {
        let token = crypt_email(canonical, ciphers.alphanumeric, tweak, true)?;
        return Ok(FpeToken {
            rendered: token.clone(),
            canonical: token,
        });
    }
    let digits = digits_of(canonical);
    let plan = digit_plan(pii_type, canonical, &digits)?;
    let token_digits = crypt_digits(&digits, &plan, ciphers.decimal, tweak, true, pii_type)?;
    let canonical_token =
        replace_trailing_digits(canonical, &token_digits).ok_or(TokenError::MalformedToken {
            reason: "canonical form lost digits",
        })?;
    let changed = &token_digits[plan.head..];
    let rendered = replace_trailing_digits(raw, changed).unwrap_or_else(|| canonical_token.clone());
    Ok(FpeToken {
        rendered,
        canonical: canonical_token,
    })
}

/// The canonical shape of a format-preserving token, from either of its shapes. SSNs and SINs
/// are read by shape only: their tokens may be numbers that are never issued.
pub(crate) fn canonical_token(
    pii_type: PiiType,
    token: &str,
    options: &NormalizeOptions,
) -> Result<String, TokenError> {
    let malformed = TokenError::MalformedToken {
        reason: "not a format-preserving token of this type",
    };
    match pii_type {
        PiiType::UsSsn | PiiType::CaSin => {
            let d = digits_with_separators(token.trim(), &['-', ' ']).map_err(|_| malformed)?;
            if d.len() != 9 {
                return Err(TokenError::MalformedToken {
                    reason: "not a format-preserving token of this type",
                });
            }
            Ok(if pii_type == PiiType::UsSsn {
                format!("{}-{}-{}", &d[0..3], &d[3..5], &d[5..9])
            } else {
                format!("{}-{}-{}", &d[0..3], &d[3..6], &d[6..9])
            })
        }
        PiiType::Monetary => MonetaryParts::parse(token, options)
            .map(|p| p.canonical())
            .map_err(|_| malformed),
        _ => pii_type
            .normalize(token, options)
            .map(|c| c.expose().to_owned())
            .map_err(|_| malformed),
    }
}

/// Decrypts a format-preserving token (in either shape) to the value's canonical form.
pub(crate) fn detokenize(
    pii_type: PiiType,
    token: &str,
    ciphers: FpeCiphers<'_>,
    tweak: &[u8],
    options: &NormalizeOptions,
) -> Result<String, TokenError> {
    let canonical = canonical_token(pii_type, token, options)?;
    if pii_type == PiiType::Email {
        return crypt_email(&canonical, ciphers.alphanumeric, tweak, false);
    }
    let digits = digits_of(&canonical);
    let plan = digit_plan(pii_type, &canonical, &digits)?;
    let plain_digits = crypt_digits(&digits, &plan, ciphers.decimal, tweak, false, pii_type)?;
    replace_trailing_digits(&canonical, &plain_digits).ok_or(TokenError::MalformedToken {
        reason: "canonical form lost digits",
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokenvault_crypto::Key256;

    fn ciphers() -> (Ff1Cipher, Ff1Cipher) {
        let k = Key256::generate();
        (
            Ff1Cipher::new(&k, 10).unwrap(),
            Ff1Cipher::new(&k, 36).unwrap(),
        )
    }

    fn round_trip(pii_type: PiiType, raw: &str) -> (FpeToken, String) {
        let (d, a) = ciphers();
        let c = FpeCiphers {
            decimal: &d,
            alphanumeric: &a,
        };
        let o = NormalizeOptions::default();
        let canonical = pii_type.normalize(raw, &o).unwrap();
        let t = tokenize(pii_type, canonical.expose(), raw, c, b"tweak").unwrap();
        let back = detokenize(pii_type, &t.rendered, c, b"tweak", &o).unwrap();
        assert_eq!(back, canonical.expose());
        let back = detokenize(pii_type, &t.canonical, c, b"tweak", &o).unwrap();
        assert_eq!(back, canonical.expose());
        (t, canonical.expose().to_owned())
    }

    #[test]
    fn ssn_keeps_shape_and_last_three() {
        let (t, _) = round_trip(PiiType::UsSsn, "123-45-6789");
        assert_eq!(t.rendered.len(), 11);
        assert_eq!(&t.rendered[3..4], "-");
        assert!(t.rendered.ends_with("789"));
        assert_ne!(t.rendered, "123-45-6789");
        let (t, _) = round_trip(PiiType::UsSsn, "123456789");
        assert_eq!(t.rendered.len(), 9);
    }

    #[test]
    fn sin_stays_luhn_valid() {
        let (t, _) = round_trip(PiiType::CaSin, "130 692 544");
        assert!(crate::pii::luhn_valid(&digits_of(&t.rendered)));
        assert_eq!(t.rendered.len(), "130 692 544".len());
    }

    #[test]
    fn phone_keeps_country_and_area() {
        let (t, _) = round_trip(PiiType::Phone, "(555) 123-4567");
        assert!(t.rendered.starts_with("(555) "), "{}", t.rendered);
        assert!(t.canonical.starts_with("+1555"));
        let (t, _) = round_trip(PiiType::Phone, "+44 20 7946 0958");
        assert!(t.canonical.starts_with("+44207"));
    }

    #[test]
    fn card_keeps_bin_and_luhn() {
        let (t, _) = round_trip(PiiType::CreditCard, "4111 1111 1111 1111");
        assert!(t.rendered.starts_with("4111 11"));
        assert!(crate::pii::luhn_valid(&t.canonical));
    }

    #[test]
    fn monetary_keeps_symbol_grouping_decimals() {
        let (t, _) = round_trip(PiiType::Monetary, "$1,234.56");
        let shape: String = t
            .rendered
            .chars()
            .map(|c| if c.is_ascii_digit() { '9' } else { c })
            .collect();
        assert_eq!(shape, "$9,999.99");
        assert!(!t.rendered.starts_with("$0"));
    }

    #[test]
    fn passports_email_case_numbers() {
        let (t, _) = round_trip(PiiType::PassportUs, "123456789");
        assert_eq!(t.rendered.len(), 9);
        assert!(t.rendered.bytes().all(|b| b.is_ascii_digit()));
        let (t, _) = round_trip(PiiType::PassportCa, "AB123456");
        assert!(t.rendered.starts_with("AB"));
        let (t, _) = round_trip(PiiType::Email, "John.Doe@Example.com");
        assert!(t.rendered.ends_with("@example.com"));
        assert_eq!(t.rendered.find('.'), Some(4));
        let (t, _) = round_trip(PiiType::CaseNumber, "CV-2024-001234");
        assert!(t.rendered.starts_with("CV-"));
    }

    #[test]
    fn small_domains_are_refused() {
        let (d, a) = ciphers();
        let c = FpeCiphers {
            decimal: &d,
            alphanumeric: &a,
        };
        for (t, raw) in [
            (PiiType::Monetary, "$12.50"),
            (PiiType::Email, "abc@x.io"),
            (PiiType::CaseNumber, "CV-123"),
        ] {
            let canonical = t.normalize(raw, &NormalizeOptions::default()).unwrap();
            assert!(
                matches!(
                    tokenize(t, canonical.expose(), raw, c, b"t"),
                    Err(TokenError::DomainTooSmall { .. })
                ),
                "{t}"
            );
        }
        for t in [
            PiiType::Date,
            PiiType::Dob,
            PiiType::Iban,
            PiiType::IpAddress,
        ] {
            assert!(matches!(support(t), FpeSupport::Unsupported { .. }));
            assert!(matches!(
                tokenize(t, "x", "x", c, b"t"),
                Err(TokenError::ModeUnavailable { .. })
            ));
        }
    }
}
