//! US Social Security Numbers: `AAA-GG-SSSS`.

use super::{digits_with_separators, InvalidReason};

/// Canonical form `123-45-6789`. Dashes and spaces are accepted anywhere; numbers the SSA never
/// issues are refused: area 000, 666 or 900-999, group 00, serial 0000.
pub(super) fn normalize(s: &str) -> Result<String, InvalidReason> {
    let d = digits_with_separators(s, &['-', ' '])?;
    if d.len() != 9 {
        return Err(InvalidReason::WrongLength {
            expected: "9 digits, e.g. 123-45-6789",
        });
    }
    let area = &d[0..3];
    if area == "000" || area == "666" || area.starts_with('9') {
        return Err(InvalidReason::Impossible {
            why: "SSN area numbers 000, 666 and 900-999 are never issued",
        });
    }
    if &d[3..5] == "00" {
        return Err(InvalidReason::Impossible {
            why: "SSN group number 00 is never issued",
        });
    }
    if &d[5..9] == "0000" {
        return Err(InvalidReason::Impossible {
            why: "SSN serial number 0000 is never issued",
        });
    }
    Ok(format!("{}-{}-{}", &d[0..3], &d[3..5], &d[5..9]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_common_forms() {
        for s in ["123-45-6789", "123456789", "123 45 6789", "123-45 6789"] {
            assert_eq!(normalize(s).unwrap(), "123-45-6789", "{s}");
        }
        assert_eq!(normalize("899-99-9999").unwrap(), "899-99-9999");
        assert_eq!(normalize("001-01-0001").unwrap(), "001-01-0001");
    }

    #[test]
    fn refuses_impossible_numbers() {
        for s in [
            "000-12-3456",
            "666-12-3456",
            "900-12-3456",
            "999-99-9999",
            "123-00-4567",
            "123-45-0000",
        ] {
            assert!(
                matches!(normalize(s), Err(InvalidReason::Impossible { .. })),
                "{s}"
            );
        }
    }

    #[test]
    fn refuses_bad_shapes() {
        assert!(matches!(
            normalize("12-345-678"),
            Err(InvalidReason::WrongLength { .. })
        ));
        assert!(matches!(
            normalize("1234567890"),
            Err(InvalidReason::WrongLength { .. })
        ));
        assert_eq!(
            normalize("123.45.6789"),
            Err(InvalidReason::InvalidCharacters)
        );
        assert_eq!(
            normalize("12a-45-6789"),
            Err(InvalidReason::InvalidCharacters)
        );
        assert_eq!(
            normalize("１２３-45-6789"),
            Err(InvalidReason::InvalidCharacters)
        );
    }
}
