//! Unkeyed SHA-256, for what is not secret: the audit hash chain, request fingerprints for
//! idempotency, and API-key lookup hashes (the keys carry 256 random bits, so an unkeyed hash
//! cannot be reversed by guessing).

use sha2::{Digest, Sha256};

/// SHA-256 over the length-prefixed concatenation of `parts`.
pub fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256::new();
    for part in parts {
        let len = u32::try_from(part.len()).unwrap_or(u32::MAX);
        h.update(len.to_be_bytes());
        h.update(part);
    }
    h.finalize().into()
}

/// The next link of a hash chain: `SHA-256(prev || len || record)`.
pub fn chain(prev: &[u8; 32], record: &[u8]) -> [u8; 32] {
    sha256(&[prev, record])
}

/// Constant-time equality of two digests.
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_matches_fips_vector_for_one_part() {
        // Length prefix 00000003 then "abc": check against an independent computation.
        let direct: [u8; 32] = Sha256::digest([0, 0, 0, 3, b'a', b'b', b'c']).into();
        assert_eq!(sha256(&[b"abc"]), direct);
        // FIPS 180-2 "abc" vector, through the raw hasher.
        let abc: [u8; 32] = Sha256::digest(b"abc").into();
        assert_eq!(
            hex::encode(abc),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn parts_are_unambiguous_and_chain_depends_on_prev() {
        assert_ne!(sha256(&[b"ab", b"c"]), sha256(&[b"a", b"bc"]));
        assert_ne!(chain(&[0; 32], b"x"), chain(&[1; 32], b"x"));
        assert!(ct_eq(&[1, 2], &[1, 2]));
        assert!(!ct_eq(&[1, 2], &[1, 3]));
        assert!(!ct_eq(&[1, 2], &[1]));
    }
}
