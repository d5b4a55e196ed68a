//! Payment card numbers (PANs): 12 to 19 digits with a Luhn check digit.

use super::{digits_with_separators, luhn_valid, InvalidReason};

/// Canonical form: the digits alone, e.g. `4111111111111111`.
pub(super) fn normalize(s: &str) -> Result<String, InvalidReason> {
    let d = digits_with_separators(s, &['-', ' '])?;
    if !(12..=19).contains(&d.len()) {
        return Err(InvalidReason::WrongLength {
            expected: "12 to 19 digits",
        });
    }
    if !luhn_valid(&d) {
        return Err(InvalidReason::ChecksumFailed { algorithm: "Luhn" });
    }
    Ok(d.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cards() {
        assert_eq!(
            normalize("4111 1111 1111 1111").unwrap(),
            "4111111111111111"
        );
        assert_eq!(
            normalize("4111-1111-1111-1111").unwrap(),
            "4111111111111111"
        );
        assert_eq!(normalize("378282246310005").unwrap(), "378282246310005");
        assert_eq!(
            normalize("4111 1111 1111 1112"),
            Err(InvalidReason::ChecksumFailed { algorithm: "Luhn" })
        );
        assert!(matches!(
            normalize("4111"),
            Err(InvalidReason::WrongLength { .. })
        ));
        assert_eq!(
            normalize("4111.1111.1111.1111"),
            Err(InvalidReason::InvalidCharacters)
        );
    }
}
