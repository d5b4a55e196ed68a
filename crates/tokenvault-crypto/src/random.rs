//! Random identifiers: 128 bits from the CSPRNG, lowercase RFC 4648 base32, no padding.

use rand::RngCore;

const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

/// `prefix` followed by 26 base32 characters encoding 128 random bits, e.g. `tok_…`.
/// Never derived from any value, so an identifier reveals nothing.
pub fn random_id(prefix: &str) -> String {
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    encode_id(prefix, bytes)
}

/// `prefix` followed by the 26-character base32 form of `bytes` (for identifiers derived by a
/// keyed hash, which look exactly like random ones).
pub fn encode_id(prefix: &str, bytes: [u8; 16]) -> String {
    let mut n = u128::from_be_bytes(bytes);
    let mut out = String::with_capacity(prefix.len() + 26);
    out.push_str(prefix);
    let mut chars = [0u8; 26];
    for c in chars.iter_mut().rev() {
        *c = ALPHABET[(n & 31) as usize];
        n >>= 5;
    }
    out.extend(chars.iter().map(|&b| char::from(b)));
    out
}

/// Whether `s` is `prefix` followed by 26 base32 characters.
pub fn is_random_id(prefix: &str, s: &str) -> bool {
    s.strip_prefix(prefix)
        .is_some_and(|rest| rest.len() == 26 && rest.bytes().all(|b| ALPHABET.contains(&b)))
}

/// Fills `out` with bytes from the CSPRNG.
pub fn fill(out: &mut [u8]) {
    rand::thread_rng().fill_bytes(out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_shape_and_differ() {
        let a = random_id("tok_");
        let b = random_id("tok_");
        assert_ne!(a, b);
        assert_eq!(a.len(), 30);
        assert!(is_random_id("tok_", &a));
        assert!(!is_random_id("tok_", "tok_abc"));
        assert!(!is_random_id("tok_", &a.to_uppercase()));
    }
}

/// A random (version 4, RFC 9562) UUID in its hyphenated lower-case form.
pub fn uuid_v4() -> String {
    let mut b = [0u8; 16];
    fill(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// A time-ordered (version 7, RFC 9562) UUID: 48 bits of Unix milliseconds, then random bits.
/// Ids made one after another sort together, so an index of them grows at its end.
pub fn uuid_v7(unix_millis: u64) -> String {
    let mut b = [0u8; 16];
    fill(&mut b);
    b[..6].copy_from_slice(&unix_millis.to_be_bytes()[2..]);
    b[6] = (b[6] & 0x0f) | 0x70;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

#[cfg(test)]
mod uuid_tests {
    #[test]
    fn uuids_are_version_4_and_distinct() {
        let a = super::uuid_v4();
        let b = super::uuid_v4();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"));
        let (x, y) = (
            super::uuid_v7(1_700_000_000_000),
            super::uuid_v7(1_700_000_000_001),
        );
        assert!(x < y, "time-ordered");
        assert_eq!(&x[14..15], "7");
        assert_eq!(&x[..13], "018bcfe5-6800", "the milliseconds lead");
    }
}
