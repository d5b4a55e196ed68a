//! Check-digit algorithms shared by several types.

/// Whether the ASCII digit string passes the Luhn (mod 10) check.
pub fn luhn_valid(digits: &str) -> bool {
    let mut sum = 0u32;
    for (i, b) in digits.bytes().rev().enumerate() {
        if !b.is_ascii_digit() {
            return false;
        }
        let mut d = u32::from(b - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    !digits.is_empty() && sum.is_multiple_of(10)
}

/// The Luhn check digit to append to `payload` (ASCII digits).
pub fn luhn_check_digit(payload: &str) -> char {
    let mut sum = 0u32;
    for (i, b) in payload.bytes().rev().enumerate() {
        let mut d = u32::from(b.wrapping_sub(b'0') % 10);
        if i % 2 == 0 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    char::from(b'0' + ((10 - sum % 10) % 10) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_known_values() {
        assert!(luhn_valid("4111111111111111"));
        assert!(luhn_valid("79927398713"));
        assert!(!luhn_valid("79927398710"));
        assert!(luhn_valid("046454286"));
        assert!(!luhn_valid(""));
        assert!(!luhn_valid("12a"));
        assert_eq!(luhn_check_digit("7992739871"), '3');
        assert_eq!(luhn_check_digit("411111111111111"), '1');
        assert_eq!(luhn_check_digit("04645428"), '6');
    }
}
