//! International Bank Account Numbers (ISO 13616): country length and mod-97 check.

use super::InvalidReason;

/// IBAN lengths by country, from the SWIFT IBAN registry.
const LENGTHS: [(&str, usize); 89] = [
    ("AD", 24),
    ("AE", 23),
    ("AL", 28),
    ("AT", 20),
    ("AZ", 28),
    ("BA", 20),
    ("BE", 16),
    ("BG", 22),
    ("BH", 22),
    ("BI", 27),
    ("BR", 29),
    ("BY", 28),
    ("CH", 21),
    ("CR", 22),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DJ", 27),
    ("DK", 18),
    ("DO", 28),
    ("EE", 20),
    ("EG", 29),
    ("ES", 24),
    ("FI", 18),
    ("FK", 18),
    ("FO", 18),
    ("FR", 27),
    ("GB", 22),
    ("GE", 22),
    ("GI", 23),
    ("GL", 18),
    ("GR", 27),
    ("GT", 28),
    ("HN", 28),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IL", 23),
    ("IQ", 23),
    ("IS", 26),
    ("IT", 27),
    ("JO", 30),
    ("KW", 30),
    ("KZ", 20),
    ("LB", 28),
    ("LC", 32),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("LY", 25),
    ("MC", 27),
    ("MD", 24),
    ("ME", 22),
    ("MK", 19),
    ("MN", 20),
    ("MR", 27),
    ("MT", 31),
    ("MU", 30),
    ("NI", 28),
    ("NL", 18),
    ("NO", 15),
    ("OM", 23),
    ("PK", 24),
    ("PL", 28),
    ("PS", 29),
    ("PT", 25),
    ("QA", 29),
    ("RO", 24),
    ("RS", 22),
    ("RU", 33),
    ("SA", 24),
    ("SC", 31),
    ("SD", 18),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("SO", 23),
    ("ST", 25),
    ("SV", 28),
    ("TL", 23),
    ("TN", 24),
    ("TR", 26),
    ("UA", 29),
    ("VA", 22),
    ("VG", 24),
    ("XK", 20),
    ("YE", 30),
];

/// The IBAN length of a country (ISO 3166 alpha-2), if it uses IBANs.
pub fn iban_length_for_country(country: &str) -> Option<usize> {
    LENGTHS
        .iter()
        .find(|(c, _)| *c == country)
        .map(|(_, len)| *len)
}

/// Canonical form: electronic format, e.g. `TR330006100519786457841326`.
pub(super) fn normalize(s: &str) -> Result<String, InvalidReason> {
    let compact: String = s
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '\u{a0}'))
        .collect::<String>()
        .to_ascii_uppercase();
    if !compact.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(InvalidReason::InvalidCharacters);
    }
    let country = compact.get(..2).unwrap_or_default();
    if !country.bytes().all(|b| b.is_ascii_uppercase())
        || !compact
            .get(2..4)
            .is_some_and(|d| d.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(InvalidReason::InvalidFormat {
            expected: "a country code, two check digits and the account number, e.g. DE89 3704 0044 0532 0130 00",
        });
    }
    let expected = iban_length_for_country(country).ok_or(InvalidReason::Impossible {
        why: "the country code does not use IBANs",
    })?;
    if compact.len() != expected {
        return Err(InvalidReason::WrongLength {
            expected: "the IBAN length of its country",
        });
    }
    if !super::iban_mod97(compact.as_bytes()) {
        return Err(InvalidReason::ChecksumFailed {
            algorithm: "ISO 7064 mod 97-10",
        });
    }
    Ok(compact)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_ibans() {
        assert_eq!(
            normalize("TR33 0006 1005 1978 6457 8413 26").unwrap(),
            "TR330006100519786457841326"
        );
        assert_eq!(
            normalize("de89 3704 0044 0532 0130 00").unwrap(),
            "DE89370400440532013000"
        );
        assert_eq!(
            normalize("GB82WEST12345698765432").unwrap(),
            "GB82WEST12345698765432"
        );
        assert_eq!(normalize("NO9386011117947").unwrap(), "NO9386011117947");
    }

    #[test]
    fn invalid_ibans() {
        assert!(matches!(
            normalize("DE89 3704 0044 0532 0130 01"),
            Err(InvalidReason::ChecksumFailed { .. })
        ));
        assert!(matches!(
            normalize("DE89 3704 0044 0532 0130"),
            Err(InvalidReason::WrongLength { .. })
        ));
        assert!(matches!(
            normalize("US89370400440532013000"),
            Err(InvalidReason::Impossible { .. })
        ));
        assert!(normalize("1234").is_err());
        assert!(normalize("DE89_3704").is_err());
    }

    #[test]
    fn table_is_sorted_and_unique() {
        assert!(LENGTHS.windows(2).all(|w| w[0].0 < w[1].0));
    }
}
