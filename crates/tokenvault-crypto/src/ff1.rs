//! FF1 format-preserving encryption (NIST SP 800-38G Rev. 1) with AES-256, from the `fpe` crate.
//!
//! The cipher permutes strings of numerals `0..radix` of a fixed length. Domains smaller than
//! 10^6 (`radix^length < 1,000,000`) are refused, as SP 800-38G Rev. 1 requires.

use aes::Aes256;
use fpe::ff1::{FlexibleNumeralString, FF1};

use crate::{CryptoError, Key256};

/// The smallest domain SP 800-38G Rev. 1 allows.
pub const MIN_DOMAIN: u64 = 1_000_000;
/// The longest numeral string we encrypt (a bound on work per call, not an FF1 limit).
pub const MAX_LEN: usize = 256;

/// An FF1 key over one radix, with its AES key schedule expanded once.
pub struct Ff1Cipher {
    ff1: FF1<Aes256>,
    radix: u32,
}

impl std::fmt::Debug for Ff1Cipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Ff1Cipher(radix {}, key redacted)", self.radix)
    }
}

/// Whether `radix^length` reaches the 10^6 minimum.
pub fn domain_is_large_enough(radix: u32, length: usize) -> bool {
    let mut domain: u64 = 1;
    for _ in 0..length {
        domain = domain.saturating_mul(u64::from(radix));
        if domain >= MIN_DOMAIN {
            return true;
        }
    }
    false
}

impl Ff1Cipher {
    /// A cipher for numerals in `0..radix` (2 ≤ radix ≤ 65,536).
    pub fn new(key: &Key256, radix: u32) -> Result<Self, CryptoError> {
        let ff1 = FF1::<Aes256>::new(key.expose(), radix)
            .map_err(|_| CryptoError::DomainTooSmall { radix, length: 0 })?;
        Ok(Self { ff1, radix })
    }

    /// The radix this cipher works in.
    pub fn radix(&self) -> u32 {
        self.radix
    }

    fn check(&self, numerals: &[u16]) -> Result<(), CryptoError> {
        if numerals.len() > MAX_LEN {
            return Err(CryptoError::FpeInputTooLong { max: MAX_LEN });
        }
        if !domain_is_large_enough(self.radix, numerals.len()) {
            return Err(CryptoError::DomainTooSmall {
                radix: self.radix,
                length: numerals.len(),
            });
        }
        if numerals.iter().any(|&n| u32::from(n) >= self.radix) {
            return Err(CryptoError::OutsideAlphabet);
        }
        Ok(())
    }

    /// Encrypts a numeral string under `tweak`.
    pub fn encrypt(&self, tweak: &[u8], numerals: &[u16]) -> Result<Vec<u16>, CryptoError> {
        self.check(numerals)?;
        let ns = FlexibleNumeralString::from(numerals.to_vec());
        self.ff1
            .encrypt(tweak, &ns)
            .map(Vec::from)
            .map_err(|_| CryptoError::OutsideAlphabet)
    }

    /// Decrypts a numeral string under `tweak`.
    pub fn decrypt(&self, tweak: &[u8], numerals: &[u16]) -> Result<Vec<u16>, CryptoError> {
        self.check(numerals)?;
        let ns = FlexibleNumeralString::from(numerals.to_vec());
        self.ff1
            .decrypt(tweak, &ns)
            .map(Vec::from)
            .map_err(|_| CryptoError::OutsideAlphabet)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aes::{Aes128, Aes192};
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
        radix: u32,
        alphabet: String,
        tweak_hex: String,
        plaintext: String,
        ciphertext: String,
    }

    fn to_numerals(alphabet: &str, s: &str) -> Vec<u16> {
        s.chars()
            .map(|c| alphabet.chars().position(|a| a == c).unwrap() as u16)
            .collect()
    }

    fn to_string(alphabet: &str, n: &[u16]) -> String {
        let chars: Vec<char> = alphabet.chars().collect();
        n.iter().map(|&i| chars[usize::from(i)]).collect()
    }

    fn run_generic<C>(v: &Vector) -> (String, String)
    where
        C: aes::cipher::BlockCipher + aes::cipher::BlockEncrypt + aes::cipher::KeyInit + Clone,
    {
        let key = hex::decode(&v.key_hex).unwrap();
        let tweak = hex::decode(&v.tweak_hex).unwrap();
        let ff1 = FF1::<C>::new(&key, v.radix).unwrap();
        let pt = FlexibleNumeralString::from(to_numerals(&v.alphabet, &v.plaintext));
        let ct: Vec<u16> = ff1.encrypt(&tweak, &pt).unwrap().into();
        let ct_ns = FlexibleNumeralString::from(ct.clone());
        let back: Vec<u16> = ff1.decrypt(&tweak, &ct_ns).unwrap().into();
        (to_string(&v.alphabet, &ct), to_string(&v.alphabet, &back))
    }

    /// All nine NIST SP 800-38G FF1 samples, byte for byte. The AES-256 samples go through
    /// [`Ff1Cipher`] itself; the AES-128/192 ones through the same `fpe` construction.
    #[test]
    fn nist_sp800_38g_samples() {
        let file: VectorFile =
            serde_json::from_str(include_str!("../testdata/nist-ff1-samples.json")).unwrap();
        assert!(file.source.contains("800-38G"));
        assert_eq!(file.vectors.len(), 9);
        for v in &file.vectors {
            let (ct, back) = match v.key_hex.len() {
                32 => run_generic::<Aes128>(v),
                48 => run_generic::<Aes192>(v),
                64 => {
                    let key = Key256::from_slice(&hex::decode(&v.key_hex).unwrap()).unwrap();
                    let tweak = hex::decode(&v.tweak_hex).unwrap();
                    let c = Ff1Cipher::new(&key, v.radix).unwrap();
                    let ct = c
                        .encrypt(&tweak, &to_numerals(&v.alphabet, &v.plaintext))
                        .unwrap();
                    let back = c.decrypt(&tweak, &ct).unwrap();
                    (to_string(&v.alphabet, &ct), to_string(&v.alphabet, &back))
                }
                other => panic!("unexpected key length {other}"),
            };
            assert_eq!(ct, v.ciphertext, "{}", v.name);
            assert_eq!(back, v.plaintext, "{}", v.name);
        }
    }

    #[test]
    fn small_domains_are_refused() {
        let c = Ff1Cipher::new(&Key256::generate(), 10).unwrap();
        assert_eq!(
            c.encrypt(b"", &[1, 2, 3, 4, 5]).unwrap_err(),
            CryptoError::DomainTooSmall {
                radix: 10,
                length: 5
            }
        );
        assert!(c.encrypt(b"", &[1, 2, 3, 4, 5, 6]).is_ok());
        assert!(domain_is_large_enough(36, 4));
        assert!(!domain_is_large_enough(36, 3));
        assert!(!domain_is_large_enough(26, 4));
    }

    #[test]
    fn numerals_outside_radix_are_refused() {
        let c = Ff1Cipher::new(&Key256::generate(), 10).unwrap();
        assert_eq!(
            c.encrypt(b"", &[1, 2, 3, 4, 5, 10]).unwrap_err(),
            CryptoError::OutsideAlphabet
        );
        assert!(c.encrypt(b"", &[0; MAX_LEN + 1]).is_err());
    }

    #[test]
    fn tweak_changes_output() {
        let c = Ff1Cipher::new(&Key256::generate(), 10).unwrap();
        let x = [1, 2, 3, 4, 5, 6, 7];
        assert_ne!(c.encrypt(b"a", &x).unwrap(), c.encrypt(b"b", &x).unwrap());
    }
}
