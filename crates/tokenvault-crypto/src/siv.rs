//! AES-256-SIV (RFC 5297): deterministic authenticated encryption.
//!
//! Used for deterministic tokens (same input and context, same output; any change to the
//! ciphertext or the context fails authentication) and for key wrapping (RFC 5297 §1.3.2).

use aes_siv::{siv::Aes256Siv, KeyInit};
use parking_lot::Mutex;
use zeroize::Zeroizing;

use crate::{CryptoError, Key512};

/// Length of the synthetic IV that prefixes every SIV ciphertext.
pub const SIV_TAG_LEN: usize = 16;

/// Upper bound on pooled cipher instances per key (one per concurrently encrypting thread).
const MAX_POOLED: usize = 64;

/// An AES-256-SIV key, expanded once.
///
/// `aes_siv::Siv` needs `&mut self`, so expanded instances are kept in a small pool: a call
/// takes one, uses it and returns it. Key expansion happens only when the pool is empty,
/// i.e. once per concurrently active thread, never per call.
pub struct SivCipher {
    key: Key512,
    // Boxed on purpose: instances move in and out of the pool, and moving a box is cheap.
    #[allow(clippy::vec_box)]
    pool: Mutex<Vec<Box<Aes256Siv>>>,
}

impl std::fmt::Debug for SivCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SivCipher(redacted)")
    }
}

impl SivCipher {
    /// Expands `key` (two AES-256 keys: MAC key then CTR key, as RFC 5297 orders them).
    pub fn new(key: Key512) -> Self {
        let first = Box::new(Aes256Siv::new(key.expose().into()));
        Self {
            key,
            pool: Mutex::new(vec![first]),
        }
    }

    fn with_instance<R>(&self, f: impl FnOnce(&mut Aes256Siv) -> R) -> R {
        let taken = self.pool.lock().pop();
        // Boxed: an expanded instance is over a kilobyte, and moving it in and out of the pool
        // by value cost more than the encryption of a short value.
        let mut siv = taken.unwrap_or_else(|| Box::new(Aes256Siv::new(self.key.expose().into())));
        let out = f(&mut siv);
        let mut pool = self.pool.lock();
        if pool.len() < MAX_POOLED {
            pool.push(siv);
        }
        out
    }

    /// Encrypts `plaintext` bound to `associated_data` and appends `SIV || ciphertext` to `out`.
    pub fn seal_into(&self, associated_data: &[u8], plaintext: &[u8], out: &mut Vec<u8>) {
        let start = out.len();
        out.extend_from_slice(&[0u8; SIV_TAG_LEN]);
        out.extend_from_slice(plaintext);
        let tag = self.with_instance(|siv| {
            siv.encrypt_in_place_detached([associated_data], &mut out[start + SIV_TAG_LEN..])
        });
        // Encryption fails only for more than 126 associated-data components; we pass one.
        if let Ok(tag) = tag {
            out[start..start + SIV_TAG_LEN].copy_from_slice(&tag);
        }
    }

    /// Encrypts `plaintext` bound to `associated_data`, returning `SIV || ciphertext`.
    pub fn seal(&self, associated_data: &[u8], plaintext: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(SIV_TAG_LEN + plaintext.len());
        self.seal_into(associated_data, plaintext, &mut out);
        out
    }

    /// Authenticates and decrypts `SIV || ciphertext`. Nothing is released on failure.
    pub fn open(
        &self,
        associated_data: &[u8],
        sealed: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        if sealed.len() < SIV_TAG_LEN {
            return Err(CryptoError::AuthenticationFailed);
        }
        let (tag, ciphertext) = sealed.split_at(SIV_TAG_LEN);
        let mut buffer = Zeroizing::new(ciphertext.to_vec());
        self.with_instance(|siv| {
            siv.decrypt_in_place_detached([associated_data], &mut buffer, tag.into())
        })
        .map_err(|_| CryptoError::AuthenticationFailed)?;
        Ok(buffer)
    }
}

/// Builds an unambiguous associated-data string from parts: each part is preceded by its
/// length (u32, big-endian), so `("ab", "c")` and `("a", "bc")` never collide.
pub fn context(parts: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::with_capacity(parts.iter().map(|p| p.len() + 4).sum());
    for part in parts {
        // Parts are identifiers and headers, far below 4 GiB.
        let len = u32::try_from(part.len()).unwrap_or(u32::MAX);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(part);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use aes_siv::siv::Aes128Siv;
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct VectorFile {
        source: String,
        vectors: Vec<Vector>,
    }

    #[derive(Deserialize)]
    struct Vector {
        name: String,
        key_hex: String,
        ad_hex: Vec<String>,
        plaintext_hex: String,
        output_hex: String,
    }

    /// RFC 5297 Appendix A.1, byte for byte. The RFC's vector uses a 256-bit SIV key
    /// (AES-128-SIV); the same `Siv` construction with AES-256 is what [`SivCipher`] wraps.
    #[test]
    fn rfc5297_vectors() {
        let file: VectorFile =
            serde_json::from_str(include_str!("../testdata/rfc5297-aes-siv.json")).unwrap();
        assert!(file.source.contains("RFC 5297"));
        assert!(!file.vectors.is_empty());
        for v in &file.vectors {
            let key = hex::decode(&v.key_hex).unwrap();
            let ads: Vec<Vec<u8>> = v.ad_hex.iter().map(|a| hex::decode(a).unwrap()).collect();
            let pt = hex::decode(&v.plaintext_hex).unwrap();
            let mut siv = Aes128Siv::new(key.as_slice().into());
            let out = siv.encrypt(&ads, &pt).unwrap();
            assert_eq!(hex::encode(&out), v.output_hex, "{}", v.name);
            let back = siv.decrypt(&ads, &out).unwrap();
            assert_eq!(back, pt, "{}", v.name);
        }
    }

    #[test]
    fn deterministic_and_context_bound() {
        let c = SivCipher::new(Key512::generate());
        let a = c.seal(b"ctx-a", b"123456789");
        assert_eq!(a, c.seal(b"ctx-a", b"123456789"));
        assert_ne!(a, c.seal(b"ctx-b", b"123456789"));
        assert_eq!(c.open(b"ctx-a", &a).unwrap().as_slice(), b"123456789");
        assert_eq!(
            c.open(b"ctx-b", &a).unwrap_err(),
            CryptoError::AuthenticationFailed
        );
    }

    #[test]
    fn every_flipped_bit_fails() {
        let c = SivCipher::new(Key512::generate());
        let sealed = c.seal(b"ctx", b"john@example.com");
        for i in 0..sealed.len() * 8 {
            let mut bad = sealed.clone();
            bad[i / 8] ^= 1 << (i % 8);
            assert!(c.open(b"ctx", &bad).is_err(), "bit {i}");
        }
        assert!(c.open(b"ctx", &sealed[..10]).is_err());
    }

    #[test]
    fn other_key_fails() {
        let a = SivCipher::new(Key512::generate());
        let b = SivCipher::new(Key512::generate());
        let sealed = a.seal(b"ctx", b"x");
        assert!(b.open(b"ctx", &sealed).is_err());
    }

    #[test]
    fn concurrent_use_grows_pool_and_agrees() {
        let c = std::sync::Arc::new(SivCipher::new(Key512::generate()));
        let expected = c.seal(b"ctx", b"value");
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let c = c.clone();
                std::thread::spawn(move || (0..200).map(|_| c.seal(b"ctx", b"value")).collect())
            })
            .collect();
        for h in handles {
            let outs: Vec<Vec<u8>> = h.join().unwrap();
            assert!(outs.iter().all(|o| *o == expected));
        }
    }

    #[test]
    fn context_is_unambiguous() {
        assert_ne!(context(&[b"ab", b"c"]), context(&[b"a", b"bc"]));
    }
}
