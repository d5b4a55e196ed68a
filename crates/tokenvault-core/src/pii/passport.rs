//! Passport numbers.

use super::InvalidReason;

/// US passports: 9 digits (`123456789`), or a letter followed by 8 digits on next-generation
/// books (`A12345678`). Canonical form: uppercase, no spaces.
pub(super) fn normalize_us(s: &str) -> Result<String, InvalidReason> {
    let compact: String = s
        .chars()
        .filter(|c| *c != ' ')
        .collect::<String>()
        .to_ascii_uppercase();
    let b = compact.as_bytes();
    let all_digits = b.len() == 9 && b.iter().all(u8::is_ascii_digit);
    let next_gen =
        b.len() == 9 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit);
    if !compact.bytes().all(|c| c.is_ascii_alphanumeric()) {
        return Err(InvalidReason::InvalidCharacters);
    }
    if !(all_digits || next_gen) {
        return Err(InvalidReason::InvalidFormat {
            expected: "9 digits, or a letter and 8 digits, e.g. 123456789",
        });
    }
    Ok(compact)
}

/// Canadian passports: 2 letters followed by 6 digits (`AB123456`). Canonical form: uppercase.
pub(super) fn normalize_ca(s: &str) -> Result<String, InvalidReason> {
    let compact: String = s
        .chars()
        .filter(|c| *c != ' ')
        .collect::<String>()
        .to_ascii_uppercase();
    if !compact.bytes().all(|c| c.is_ascii_alphanumeric()) {
        return Err(InvalidReason::InvalidCharacters);
    }
    let b = compact.as_bytes();
    if b.len() != 8
        || !b[..2].iter().all(u8::is_ascii_uppercase)
        || !b[2..].iter().all(u8::is_ascii_digit)
    {
        return Err(InvalidReason::InvalidFormat {
            expected: "2 letters and 6 digits, e.g. AB123456",
        });
    }
    Ok(compact)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn us() {
        assert_eq!(normalize_us("123456789").unwrap(), "123456789");
        assert_eq!(normalize_us("a12345678").unwrap(), "A12345678");
        assert_eq!(normalize_us("123 456 789").unwrap(), "123456789");
        assert!(normalize_us("12345678").is_err());
        assert!(normalize_us("AB1234567").is_err());
        assert!(normalize_us("12345-6789").is_err());
    }

    #[test]
    fn ca() {
        assert_eq!(normalize_ca("ab123456").unwrap(), "AB123456");
        assert_eq!(normalize_ca("AB 123456").unwrap(), "AB123456");
        assert!(normalize_ca("A1234567").is_err());
        assert!(normalize_ca("AB12345").is_err());
        assert!(normalize_ca("AB12345X").is_err());
    }
}
