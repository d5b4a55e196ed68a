//! Containers for key material: zeroized on drop, never printed, never serialized.

use rand::RngCore;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::CryptoError;

/// `N` bytes of secret key material.
///
/// The bytes live on the heap (so moves do not leave copies behind), are wiped on drop, and
/// `Debug` prints only the length. Reading them is an explicit act: [`SecretBytes::expose`].
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct SecretBytes<const N: usize>(Box<[u8; N]>);

/// A 256-bit key (AES-256, HMAC-SHA256, HKDF input).
pub type Key256 = SecretBytes<32>;
/// A 512-bit key (AES-256-SIV uses two AES-256 keys).
pub type Key512 = SecretBytes<64>;

impl<const N: usize> SecretBytes<N> {
    /// Fresh key material from the operating system's CSPRNG.
    pub fn generate() -> Self {
        let mut bytes = Box::new([0u8; N]);
        rand::rngs::OsRng.fill_bytes(bytes.as_mut_slice());
        Self(bytes)
    }

    /// Fresh key material from the thread-local CSPRNG (ChaCha, reseeded from the OS).
    /// Used for per-record data keys, where a system call per key would dominate.
    pub fn generate_fast() -> Self {
        let mut bytes = Box::new([0u8; N]);
        rand::thread_rng().fill_bytes(bytes.as_mut_slice());
        Self(bytes)
    }

    /// Wraps bytes this crate produced itself (derived or unwrapped keys).
    pub(crate) fn from_boxed(bytes: Box<[u8; N]>) -> Self {
        Self(bytes)
    }

    /// Takes key material from a slice of exactly `N` bytes.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, CryptoError> {
        if bytes.len() != N {
            return Err(CryptoError::InvalidKeyLength { expected: N });
        }
        let mut out = Box::new([0u8; N]);
        out.copy_from_slice(bytes);
        Ok(Self(out))
    }

    /// The raw key bytes. Every caller is a place where key material is handed to a cipher;
    /// keep it that way.
    pub fn expose(&self) -> &[u8; N] {
        &self.0
    }
}

impl<const N: usize> std::fmt::Debug for SecretBytes<N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretBytes<{N}>(redacted)")
    }
}

impl<const N: usize> PartialEq for SecretBytes<N> {
    /// Constant-time comparison.
    fn eq(&self, other: &Self) -> bool {
        use subtle::ConstantTimeEq;
        self.0.as_slice().ct_eq(other.0.as_slice()).into()
    }
}

impl<const N: usize> Eq for SecretBytes<N> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_prints_key_bytes() {
        let key = Key256::from_slice(&[0xAB; 32]).unwrap();
        let printed = format!("{key:?}");
        assert_eq!(printed, "SecretBytes<32>(redacted)");
        assert!(!printed.to_lowercase().contains("ab"));
    }

    #[test]
    fn wrong_length_is_refused() {
        assert_eq!(
            Key256::from_slice(&[0; 31]).unwrap_err(),
            CryptoError::InvalidKeyLength { expected: 32 }
        );
    }

    #[test]
    fn generated_keys_differ() {
        assert_ne!(Key256::generate(), Key256::generate());
        assert_ne!(Key512::generate_fast(), Key512::generate_fast());
    }
}
