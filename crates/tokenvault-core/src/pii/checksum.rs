//! Check-digit algorithms shared by several types.

/// Whether the ASCII digit string passes the Luhn (mod 10) check.
pub fn luhn_valid(digits: &str) -> bool {
    luhn(digits.as_bytes())
}

/// Luhn (mod 10) over ASCII digits: payment cards, the Canadian SIN. False on anything else.
pub fn luhn(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, &b) in digits.iter().rev().enumerate() {
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

/// US ABA routing number over ASCII digits: the Federal Reserve prefix ranges (00–12, 21–32,
/// 61–72, 80) and the 3-7-1 weighted checksum (mod 10). False on anything else.
pub fn aba_routing(d: &[u8]) -> bool {
    if d.len() != 9 || !d.iter().all(u8::is_ascii_digit) || d.iter().all(|&b| b == b'0') {
        return false;
    }
    let digit = |b: u8| u32::from(b - b'0');
    let prefix = digit(d[0]) * 10 + digit(d[1]);
    if !matches!(prefix, 0..=12 | 21..=32 | 61..=72 | 80) {
        return false;
    }
    let w = [3, 7, 1];
    let sum: u32 = d
        .iter()
        .enumerate()
        .map(|(i, &b)| digit(b) * w[i % 3])
        .sum();
    sum.is_multiple_of(10)
}

/// ISO 13616 / ISO 7064 mod 97-10 check of an IBAN in electronic format (upper-case
/// alphanumeric, no spaces): the first four characters moved to the end, letters read as
/// 10–35, the remainder mod 97 is 1.
pub fn iban_mod97(s: &[u8]) -> bool {
    if s.len() < 5 {
        return false;
    }
    let mut rem = 0u32;
    for &b in s[4..].iter().chain(&s[..4]) {
        match b {
            b'0'..=b'9' => rem = (rem * 10 + u32::from(b - b'0')) % 97,
            b'A'..=b'Z' => rem = (rem * 100 + u32::from(b - b'A') + 10) % 97,
            _ => return false,
        }
    }
    rem == 1
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
