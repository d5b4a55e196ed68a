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

/// Verifies JWTs of an external identity provider against its published keys (JWKS).
/// Only asymmetric algorithms are accepted (RS*, PS*, ES256/384, EdDSA); `alg: none` and HMAC
/// tokens are refused.
pub struct JwksVerifier {
    keys: Vec<(Option<String>, DecodingKey)>,
}

impl std::fmt::Debug for JwksVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "JwksVerifier({} keys)", self.keys.len())
    }
}

const EXTERNAL_ALGORITHMS: [Algorithm; 9] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::EdDSA,
];

/// Why a JWKS document cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JwksError {
    /// Not a JWKS document.
    #[error("not a JWKS document (line {line} column {column})")]
    NotJwks {
        /// Where parsing stopped.
        line: usize,
        /// Where parsing stopped.
        column: usize,
    },
    /// No key of a usable type.
    #[error("the JWKS has no usable public key")]
    NoUsableKey,
}

impl JwksVerifier {
    /// Parses a JWKS document (`{"keys": [...]}`); keys it cannot use are skipped, and a set
    /// with no usable key is an error.
    pub fn from_json(jwks: &str) -> Result<Self, JwksError> {
        let set: jsonwebtoken::jwk::JwkSet =
            serde_json::from_str(jwks).map_err(|e| JwksError::NotJwks {
                line: e.line(),
                column: e.column(),
            })?;
        let keys: Vec<(Option<String>, DecodingKey)> = set
            .keys
            .iter()
            .filter_map(|k| {
                DecodingKey::from_jwk(k)
                    .ok()
                    .map(|d| (k.common.key_id.clone(), d))
            })
            .collect();
        if keys.is_empty() {
            return Err(JwksError::NoUsableKey);
        }
        Ok(Self { keys })
    }

    /// Verifies signature, issuer and audience and returns the claims. Expiry is checked by
    /// the caller against its clock.
    pub fn verify(
        &self,
        token: &str,
        issuer: &str,
        audience: &str,
    ) -> Result<serde_json::Value, CryptoError> {
        if token.len() > 16_384 {
            return Err(CryptoError::AuthenticationFailed);
        }
        let header =
            jsonwebtoken::decode_header(token).map_err(|_| CryptoError::AuthenticationFailed)?;
        if !EXTERNAL_ALGORITHMS.contains(&header.alg) {
            return Err(CryptoError::AuthenticationFailed);
        }
        let mut validation = Validation::new(header.alg);
        validation.validate_exp = false;
        validation.required_spec_claims.clear();
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        self.keys
            .iter()
            .filter(|(kid, _)| header.kid.is_none() || kid.is_none() || *kid == header.kid)
            .find_map(|(_, key)| {
                jsonwebtoken::decode::<serde_json::Value>(token, key, &validation).ok()
            })
            .map(|data| data.claims)
            .ok_or(CryptoError::AuthenticationFailed)
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
    fn external_jwks_verifies_issuer_audience_and_key() {
        let idp = JwtSigner::from_seed(&Key256::generate()).unwrap();
        let other = JwtSigner::from_seed(&Key256::generate()).unwrap();
        let jwks = serde_json::json!({ "keys": [idp.jwk()] }).to_string();
        let v = JwksVerifier::from_json(&jwks).unwrap();
        let claims = serde_json::json!({"iss": "https://idp", "aud": "tv", "sub": "u", "exp": 1});
        let t = idp.sign(&claims).unwrap();
        assert_eq!(v.verify(&t, "https://idp", "tv").unwrap()["sub"], "u");
        assert!(v.verify(&t, "https://evil", "tv").is_err());
        assert!(v.verify(&t, "https://idp", "other").is_err());
        assert!(v
            .verify(&other.sign(&claims).unwrap(), "https://idp", "tv")
            .is_err());
        assert!(JwksVerifier::from_json(r#"{"keys": []}"#).is_err());
        assert!(JwksVerifier::from_json("nope").is_err());
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
