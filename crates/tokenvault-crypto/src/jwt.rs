//! Compact JWS (JWT) signing and verification with Ed25519 (`EdDSA`), through
//! `jsonwebtoken` and `ring`.
//!
//! Signing keys are 32-byte seeds that the caller keeps wrapped under the root key; every node
//! that shares the root key signs and verifies alike. Expiry is checked by the caller against
//! its own (injectable) clock, not here.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use ring::signature::{Ed25519KeyPair, KeyPair};
use serde::{de::DeserializeOwned, Serialize};

use crate::{digest, CryptoError, Key256};

/// PKCS#8 v1 prefix of an Ed25519 private key (RFC 8410): the seed follows.
const PKCS8_ED25519_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];

/// An Ed25519 JWT signer and verifier.
pub struct JwtSigner {
    kid: String,
    encoding: EncodingKey,
    decoding: DecodingKey,
    public: Vec<u8>,
}

impl std::fmt::Debug for JwtSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "JwtSigner(kid: {}, redacted)", self.kid)
    }
}

impl JwtSigner {
    /// The signer whose private key is `seed`. Its key id is derived from the public key.
    pub fn from_seed(seed: &Key256) -> Result<Self, CryptoError> {
        let pair = Ed25519KeyPair::from_seed_unchecked(seed.expose())
            .map_err(|_| CryptoError::InvalidKey)?;
        let public = pair.public_key().as_ref().to_vec();
        let mut pkcs8 = zeroize::Zeroizing::new(Vec::with_capacity(48));
        pkcs8.extend_from_slice(&PKCS8_ED25519_PREFIX);
        pkcs8.extend_from_slice(seed.expose());
        let kid = URL_SAFE_NO_PAD.encode(&digest::sha256(&[b"jwk", &public])[..12]);
        Ok(Self {
            kid,
            encoding: EncodingKey::from_ed_der(&pkcs8),
            decoding: DecodingKey::from_ed_der(&public),
            public,
        })
    }

    /// The key id put in every header.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// Signs `claims`.
    pub fn sign<C: Serialize>(&self, claims: &C) -> Result<String, CryptoError> {
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding).map_err(|_| CryptoError::InvalidKey)
    }

    /// Verifies the signature, algorithm and audience of `token` and returns its claims.
    /// Expiry is not checked here.
    pub fn verify<C: DeserializeOwned>(
        &self,
        token: &str,
        audience: &str,
    ) -> Result<C, CryptoError> {
        if token.len() > 8192 {
            return Err(CryptoError::AuthenticationFailed);
        }
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.validate_exp = false;
        validation.required_spec_claims.clear();
        validation.set_audience(&[audience]);
        jsonwebtoken::decode::<C>(token, &self.decoding, &validation)
            .map(|data| data.claims)
            .map_err(|_| CryptoError::AuthenticationFailed)
    }

    /// The public key as a JWK (RFC 8037).
    pub fn jwk(&self) -> serde_json::Value {
        serde_json::json!({
            "kty": "OKP",
            "crv": "Ed25519",
            "x": URL_SAFE_NO_PAD.encode(&self.public),
            "kid": self.kid,
            "use": "sig",
            "alg": "EdDSA",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    struct Claims {
        sub: String,
        aud: String,
        exp: i64,
    }

    #[test]
    fn rfc8032_test_vector_1_public_key() {
        // RFC 8032 §7.1, TEST 1.
        let seed = hex::decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
            .unwrap();
        let signer = JwtSigner::from_seed(&Key256::from_slice(&seed).unwrap()).unwrap();
        let x = signer.jwk()["x"].as_str().unwrap().to_owned();
        assert_eq!(
            hex::encode(URL_SAFE_NO_PAD.decode(x).unwrap()),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
        );
    }

    #[test]
    fn sign_verify_and_reject() {
        let a = JwtSigner::from_seed(&Key256::generate()).unwrap();
        let b = JwtSigner::from_seed(&Key256::generate()).unwrap();
        let claims = Claims {
            sub: "u1".into(),
            aud: "api".into(),
            exp: 1,
        };
        let t = a.sign(&claims).unwrap();
        assert_eq!(a.verify::<Claims>(&t, "api").unwrap(), claims);
        assert!(a.verify::<Claims>(&t, "grant").is_err(), "audience");
        assert!(b.verify::<Claims>(&t, "api").is_err(), "other key");
        let mut tampered = t.clone().into_bytes();
        let mid = tampered.len() / 2;
        tampered[mid] = if tampered[mid] == b'A' { b'B' } else { b'A' };
        assert!(a
            .verify::<Claims>(std::str::from_utf8(&tampered).unwrap(), "api")
            .is_err());
        // alg=none and HS256 tokens are refused.
        let none = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#),
            t.split('.').nth(1).unwrap()
        );
        assert!(a.verify::<Claims>(&none, "api").is_err());
        assert!(format!("{a:?}").contains("redacted"));
    }
}
