//! Plain digests that public identifier formats use as check values: Bitcoin's Base58Check
//! (double SHA-256) and Ethereum's EIP-55 mixed-case addresses (Keccak-256). They protect
//! nothing; the detection engine recomputes them to tell a real address from a look-alike.

use sha2::{Digest, Sha256};
use sha3::Keccak256;

/// `SHA-256(SHA-256(data))`.
pub fn double_sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(Sha256::digest(data)).into()
}

/// Keccak-256 (the pre-standard SHA-3 padding Ethereum uses).
pub fn keccak256(data: &[u8]) -> [u8; 32] {
    Keccak256::digest(data).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        // Keccak-256 of the empty string (Ethereum yellow paper).
        assert_eq!(
            hex::encode(keccak256(b"")),
            "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
        );
        // SHA-256d of "hello" (Bitcoin wiki).
        assert_eq!(
            hex::encode(double_sha256(b"hello")),
            "9595c9df90075148eb06860365df33584b75bff782a510c6cd4883a419833d50"
        );
    }
}
