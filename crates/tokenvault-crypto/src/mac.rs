//! Keyed HMAC-SHA256: vault fingerprints and hash masking.
//!
//! Low-entropy values (SSNs, phone numbers) must never be hashed without a key: an unkeyed
//! hash of a 9-digit number is reversed by enumerating 10^9 candidates.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::Key256;

/// Output length of a fingerprint.
pub const FINGERPRINT_LEN: usize = 32;

/// An HMAC-SHA256 key with its inner and outer pads computed once; each call clones the
/// pre-keyed state instead of re-hashing the key.
#[derive(Clone)]
pub struct KeyedHasher {
    keyed: Hmac<Sha256>,
}

impl std::fmt::Debug for KeyedHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyedHasher(redacted)")
    }
}

impl KeyedHasher {
    /// A hasher under `key`.
    pub fn new(key: &Key256) -> Self {
        match <Hmac<Sha256> as Mac>::new_from_slice(key.expose()) {
            Ok(keyed) => Self { keyed },
            Err(_) => unreachable_hmac(),
        }
    }

    /// HMAC over the length-prefixed concatenation of `parts`.
    pub fn digest(&self, parts: &[&[u8]]) -> [u8; FINGERPRINT_LEN] {
        let mut mac = self.keyed.clone();
        for part in parts {
            let len = u32::try_from(part.len()).unwrap_or(u32::MAX);
            mac.update(&len.to_be_bytes());
            mac.update(part);
        }
        mac.finalize().into_bytes().into()
    }
}

#[cold]
fn unreachable_hmac() -> ! {
    // HMAC-SHA256 accepts every key length, so `new_from_slice` has no failing input.
    unreachable!("HMAC rejected a 32-byte key")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 4231 test case 2 ("Jefe"), checked through the same HMAC type.
    #[test]
    fn rfc4231_case_2() {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(b"Jefe").unwrap();
        mac.update(b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac.finalize().into_bytes()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn keyed_and_prefix_free() {
        let a = KeyedHasher::new(&Key256::generate());
        let b = KeyedHasher::new(&Key256::generate());
        assert_eq!(a.digest(&[b"x", b"y"]), a.digest(&[b"x", b"y"]));
        assert_ne!(a.digest(&[b"x", b"y"]), b.digest(&[b"x", b"y"]));
        assert_ne!(a.digest(&[b"xy", b""]), a.digest(&[b"x", b"y"]));
    }
}
