//! Canadian Social Insurance Numbers: 9 digits with a Luhn check digit.

use super::{digits_with_separators, luhn_valid, InvalidReason};

/// Canonical form `046-454-286`. Numbers starting with 0 or 8 are never assigned to people.
pub(super) fn normalize(s: &str) -> Result<String, InvalidReason> {
    let d = digits_with_separators(s, &['-', ' '])?;
    if d.len() != 9 {
        return Err(InvalidReason::WrongLength {
            expected: "9 digits, e.g. 046-454-286",
        });
    }
    if !luhn_valid(&d) {
        return Err(InvalidReason::ChecksumFailed { algorithm: "Luhn" });
    }
    if d.starts_with('0') || d.starts_with('8') {
        return Err(InvalidReason::Impossible {
            why: "SINs starting with 0 or 8 are not assigned to individuals",
        });
    }
    Ok(format!("{}-{}-{}", &d[0..3], &d[3..6], &d[6..9]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_sins() {
        assert_eq!(normalize("130 692 544").unwrap(), "130-692-544");
        assert_eq!(normalize("130692544").unwrap(), "130-692-544");
        assert_eq!(normalize("130-692-544").unwrap(), "130-692-544");
    }

    #[test]
    fn invalid_sins() {
        assert_eq!(
            normalize("130 692 545"),
            Err(InvalidReason::ChecksumFailed { algorithm: "Luhn" })
        );
        assert!(matches!(
            normalize("046 454 286"),
            Err(InvalidReason::Impossible { .. })
        ));
        assert!(matches!(
            normalize("13069254"),
            Err(InvalidReason::WrongLength { .. })
        ));
        assert_eq!(
            normalize("130/692/544"),
            Err(InvalidReason::InvalidCharacters)
        );
    }
}
