//! AES-256-GCM under single-use data keys (randomized tokens).
//!
//! Each record gets a fresh 256-bit data encryption key (DEK) and a random 96-bit nonce. The
//! DEK is then wrapped by the tenant's key-wrapping key (see [`crate::siv::SivCipher`] used as
//! a key wrap), so the ciphertext alone, even with the tenant key, opens nothing.

use aes_gcm::{
    aead::{AeadInPlace, KeyInit},
    Aes256Gcm, Nonce,
};
use rand::RngCore;
use zeroize::Zeroizing;

use crate::{CryptoError, Key256};

/// Nonce length of AES-GCM.
pub const NONCE_LEN: usize = 12;
/// Authentication tag length of AES-GCM.
pub const TAG_LEN: usize = 16;

/// Encrypts `plaintext` under a fresh data key; appends `nonce || ciphertext || tag` to `out`
/// and returns the data key, which the caller must wrap and store.
pub fn seal_with_fresh_key(associated_data: &[u8], plaintext: &[u8], out: &mut Vec<u8>) -> Key256 {
    let dek = Key256::generate_fast();
    let cipher = Aes256Gcm::new(dek.expose().into());
    let mut nonce = [0u8; NONCE_LEN];
    rand::thread_rng().fill_bytes(&mut nonce);
    let start = out.len();
    out.extend_from_slice(&nonce);
    out.extend_from_slice(plaintext);
    let body = start + NONCE_LEN;
    // GCM fails only for plaintexts over 64 GiB; callers bound values far below that.
    if let Ok(tag) = cipher.encrypt_in_place_detached(
        Nonce::from_slice(&nonce),
        associated_data,
        &mut out[body..],
    ) {
        out.extend_from_slice(&tag);
    }
    dek
}

/// Authenticates and decrypts `nonce || ciphertext || tag` with `dek`.
pub fn open_with_key(
    dek: &Key256,
    associated_data: &[u8],
    sealed: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    if sealed.len() < NONCE_LEN + TAG_LEN {
        return Err(CryptoError::AuthenticationFailed);
    }
    let (nonce, rest) = sealed.split_at(NONCE_LEN);
    let (ciphertext, tag) = rest.split_at(rest.len() - TAG_LEN);
    let cipher = Aes256Gcm::new(dek.expose().into());
    let mut buffer = Zeroizing::new(ciphertext.to_vec());
    cipher
        .decrypt_in_place_detached(
            Nonce::from_slice(nonce),
            associated_data,
            &mut buffer,
            tag.into(),
        )
        .map_err(|_| CryptoError::AuthenticationFailed)?;
    Ok(buffer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_randomized() {
        let mut a = Vec::new();
        let mut b = Vec::new();
        let ka = seal_with_fresh_key(b"ctx", b"123-45-6789", &mut a);
        let kb = seal_with_fresh_key(b"ctx", b"123-45-6789", &mut b);
        assert_ne!(a, b);
        assert_ne!(ka, kb);
        assert_eq!(
            open_with_key(&ka, b"ctx", &a).unwrap().as_slice(),
            b"123-45-6789"
        );
        assert!(open_with_key(&kb, b"ctx", &a).is_err());
        assert!(open_with_key(&ka, b"other", &a).is_err());
    }

    #[test]
    fn tampering_fails() {
        let mut sealed = Vec::new();
        let k = seal_with_fresh_key(b"ctx", b"value", &mut sealed);
        for i in 0..sealed.len() {
            let mut bad = sealed.clone();
            bad[i] ^= 0x01;
            assert!(open_with_key(&k, b"ctx", &bad).is_err());
        }
        assert!(open_with_key(&k, b"ctx", &sealed[..20]).is_err());
    }

    /// NIST GCM test case 16 (AES-256, 96-bit IV, with AAD), through the same crate.
    #[test]
    fn nist_gcm_vector() {
        let key = hex::decode("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308")
            .unwrap();
        let iv = hex::decode("cafebabefacedbaddecaf888").unwrap();
        let pt = hex::decode("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39").unwrap();
        let aad = hex::decode("feedfacedeadbeeffeedfacedeadbeefabaddad2").unwrap();
        let mut sealed = iv.clone();
        let mut body = pt.clone();
        let cipher = Aes256Gcm::new(key.as_slice().into());
        let tag = cipher
            .encrypt_in_place_detached(Nonce::from_slice(&iv), &aad, &mut body)
            .unwrap();
        assert_eq!(hex::encode(&body), "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662");
        assert_eq!(hex::encode(tag), "76fc6ece0f4e1768cddf8853bb2d551b");
        sealed.extend_from_slice(&body);
        sealed.extend_from_slice(&tag);
        let k = Key256::from_slice(&key).unwrap();
        assert_eq!(
            open_with_key(&k, &aad, &sealed).unwrap().as_slice(),
            pt.as_slice()
        );
    }
}
