//! Key wrapping: AES-256-SIV used as a deterministic key wrap (RFC 5297 §1.3.2).
//!
//! SIV needs no nonce, so there is no limit on how many keys one wrapping key may wrap, and the
//! associated data binds each wrapped key to its place (tenant, key version, record id): a
//! wrapped key copied elsewhere fails to unwrap.

use zeroize::Zeroizing;

use crate::{siv::SivCipher, CryptoError, Key512, SecretBytes};

/// A key-wrapping key, expanded once.
#[derive(Debug)]
pub struct KeyWrapper {
    siv: SivCipher,
}

impl KeyWrapper {
    /// A wrapper under `kek`.
    pub fn new(kek: Key512) -> Self {
        Self {
            siv: SivCipher::new(kek),
        }
    }

    /// Wraps `key`, bound to `context`.
    pub fn wrap<const N: usize>(&self, context: &[u8], key: &SecretBytes<N>) -> Vec<u8> {
        self.siv.seal(context, key.expose())
    }

    /// Unwraps a key wrapped under the same `context`.
    pub fn unwrap<const N: usize>(
        &self,
        context: &[u8],
        wrapped: &[u8],
    ) -> Result<SecretBytes<N>, CryptoError> {
        let raw: Zeroizing<Vec<u8>> = self.siv.open(context, wrapped)?;
        SecretBytes::from_slice(&raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Key256;

    #[test]
    fn wrap_round_trip_bound_to_context() {
        let w = KeyWrapper::new(Key512::generate());
        let dek = Key256::generate();
        let wrapped = w.wrap(b"tenant|v1|tok_1", &dek);
        assert!(!wrapped.windows(32).any(|win| win == dek.expose()));
        let back: Key256 = w.unwrap(b"tenant|v1|tok_1", &wrapped).unwrap();
        assert_eq!(back, dek);
        assert!(w.unwrap::<32>(b"tenant|v1|tok_2", &wrapped).is_err());
        let other = KeyWrapper::new(Key512::generate());
        assert!(other.unwrap::<32>(b"tenant|v1|tok_1", &wrapped).is_err());
    }
}
