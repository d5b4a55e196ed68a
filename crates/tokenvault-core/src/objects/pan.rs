//! The `primary_account_number` token-id template of seed 004: a 16-digit, Luhn-valid id that
//! keeps the first six and last four digits of a card number (the issuer and the digits people
//! read) and randomizes the rest, one middle digit chosen so the whole passes Luhn.

use crate::pii::luhn;

/// Why a PAN id cannot be made from a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the primary_account_number template needs a card number of 13 to 19 digits")]
pub struct NotACardNumber;

/// A PAN-shaped token id for the card number `card` (digits, separators ignored), with
/// `random` supplying the five free digits.
pub fn pan_token_id(card: &str, random: impl FnOnce(&mut [u8])) -> Result<String, NotACardNumber> {
    let digits: Vec<u8> = card.bytes().filter(u8::is_ascii_digit).collect();
    if !(13..=19).contains(&digits.len()) {
        return Err(NotACardNumber);
    }
    let mut id = [0u8; 16];
    id[..6].copy_from_slice(&digits[..6]);
    id[12..].copy_from_slice(&digits[digits.len() - 4..]);
    let mut free = [0u8; 5];
    random(&mut free);
    for (slot, r) in id[6..11].iter_mut().zip(free) {
        *slot = b'0' + r % 10;
    }
    // Position 11 is the fifth from the right: not doubled by Luhn, so each step of it moves
    // the sum by one and exactly one digit completes it.
    for d in b'0'..=b'9' {
        id[11] = d;
        if luhn(&id) {
            return Ok(String::from_utf8_lossy(&id).into_owned());
        }
    }
    Err(NotACardNumber)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Luhn written out independently of `crate::pii::luhn`, from ISO/IEC 7812-1 Annex B.
    fn iso_7812_valid(s: &str) -> bool {
        let sum: u32 = s
            .chars()
            .rev()
            .enumerate()
            .map(|(i, c)| {
                let d = c.to_digit(10).unwrap_or(100);
                if i % 2 == 1 {
                    let x = d * 2;
                    x / 10 + x % 10
                } else {
                    d
                }
            })
            .sum();
        sum.is_multiple_of(10)
    }

    #[test]
    fn ids_keep_the_edges_and_pass_luhn() {
        let mut seed = 7u8;
        for card in [
            "4111 1111 1111 1111",
            "5500-0000-0000-0004",
            "378282246310005",
            "6011000990139424",
        ] {
            for _ in 0..50 {
                let id = pan_token_id(card, |b| {
                    for x in b.iter_mut() {
                        seed = seed.wrapping_mul(31).wrapping_add(17);
                        *x = seed;
                    }
                })
                .unwrap();
                let digits: String = card.chars().filter(char::is_ascii_digit).collect();
                assert_eq!(id.len(), 16);
                assert_eq!(&id[..6], &digits[..6]);
                assert_eq!(&id[12..], &digits[digits.len() - 4..]);
                assert!(iso_7812_valid(&id), "{id}");
            }
        }
        assert_eq!(pan_token_id("1234", |_| {}), Err(NotACardNumber));
    }
}
