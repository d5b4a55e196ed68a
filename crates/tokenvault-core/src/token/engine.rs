//! The token engine: canonical value ⇄ token, for every mode.

use tokenvault_crypto::{
    codec::{TokenCodec, TokenHeader, TokenKind},
    gcm,
    siv::context,
};

use super::{fpe, Mode, Scope, TokenError};
use crate::{
    ids::{TenantId, TokenId},
    keys::{TenantKeyring, VersionKeys},
    pii::{Canonical, NormalizeOptions, PiiType},
};

/// The prefix of token values unless configured otherwise.
pub const DEFAULT_TOKEN_PREFIX: &str = "tv_";

/// Domain-separation labels of the associated data. Part of the token format.
mod label {
    pub const DETERMINISTIC: &[u8] = b"tokenvault/v1/det";
    pub const RANDOMIZED: &[u8] = b"tokenvault/v1/rnd";
    pub const DEK: &[u8] = b"tokenvault/v1/dek";
    pub const FPE: &[u8] = b"tokenvault/v1/fpe";
    pub const TOKEN_ID: &[u8] = b"tokenvault/v1/token-id";
}

/// What is being tokenized.
#[derive(Debug, Clone, Copy)]
pub struct TokenInput<'a> {
    /// Whose value it is.
    pub tenant: &'a TenantId,
    /// Its type.
    pub pii_type: PiiType,
    /// The deterministic scope (also the FF1 tweak's scope).
    pub scope: &'a Scope,
    /// The value as the client sent it (format-preserving tokens take its shape).
    pub raw: &'a str,
}

/// A fresh token and what its vault record must keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tokenized {
    /// The record id: a keyed digest of `stored_token` (see [`TokenEngine::record_id`]).
    pub token_id: TokenId,
    /// The token the client receives.
    pub token: String,
    /// The token as the vault indexes it (the canonical shape, for format-preserving tokens;
    /// otherwise the token itself).
    pub stored_token: String,
    /// The mode used.
    pub mode: Mode,
    /// The tenant key version used.
    pub key_version: u32,
    /// For randomized tokens: the record's data key, wrapped by the tenant key.
    pub wrapped_dek: Option<Vec<u8>>,
}

/// Everything needed to open a token: the token and its vault record's fields.
#[derive(Debug, Clone, Copy)]
pub struct TokenRef<'a> {
    /// Whose token it is.
    pub tenant: &'a TenantId,
    /// The value's type.
    pub pii_type: PiiType,
    /// The scope it was made in.
    pub scope: &'a Scope,
    /// The record.
    pub token_id: &'a TokenId,
    /// The mode.
    pub mode: Mode,
    /// The key version (format-preserving tokens have no header to carry it).
    pub key_version: u32,
    /// The token.
    pub token: &'a str,
    /// For randomized tokens: the wrapped data key.
    pub wrapped_dek: Option<&'a [u8]>,
}

/// Turns canonical values into tokens and back. Holds no keys: each call takes the tenant's
/// keyring, so one engine serves every tenant.
#[derive(Debug, Clone)]
pub struct TokenEngine {
    codec: TokenCodec,
    options: NormalizeOptions,
}

impl TokenEngine {
    /// An engine with a token prefix (e.g. `tv_`) and normalization settings.
    pub fn new(prefix: &str, options: NormalizeOptions) -> Result<Self, TokenError> {
        Ok(Self {
            codec: TokenCodec::new(prefix)?,
            options,
        })
    }

    /// The normalization settings.
    pub fn options(&self) -> &NormalizeOptions {
        &self.options
    }

    /// The token codec (prefix checks in free text).
    pub fn codec(&self) -> &TokenCodec {
        &self.codec
    }

    /// Validates and normalizes a raw value.
    pub fn normalize(&self, pii_type: PiiType, raw: &str) -> Result<Canonical, TokenError> {
        Ok(pii_type.normalize(raw, &self.options)?)
    }

    /// Tokenizes `value` (the canonical form of `input.raw`) in `mode` under the tenant's
    /// newest key version.
    pub fn tokenize(
        &self,
        keys: &TenantKeyring,
        mode: Mode,
        input: &TokenInput<'_>,
        value: &Canonical,
    ) -> Result<Tokenized, TokenError> {
        let version = keys.current();
        match mode {
            Mode::Deterministic => {
                let header = TokenHeader {
                    kind: TokenKind::Deterministic,
                    key_version: version.version,
                };
                let ad = deterministic_ad(input.tenant, input.pii_type, input.scope, header);
                let body = version.deterministic.seal(&ad, value.expose().as_bytes());
                let token = self.codec.encode(header, &body);
                Ok(Tokenized {
                    token_id: self.record_id(keys, &token),
                    stored_token: token.clone(),
                    token,
                    mode,
                    key_version: version.version,
                    wrapped_dek: None,
                })
            }
            Mode::Randomized => {
                let header = TokenHeader {
                    kind: TokenKind::Randomized,
                    key_version: version.version,
                };
                let ad = randomized_ad(input.tenant, input.pii_type, header);
                let mut body =
                    Vec::with_capacity(gcm::NONCE_LEN + value.expose().len() + gcm::TAG_LEN);
                let dek = gcm::seal_with_fresh_key(&ad, value.expose().as_bytes(), &mut body);
                let token = self.codec.encode(header, &body);
                let token_id = self.record_id(keys, &token);
                // The data key is bound to the record, whose id is bound to the token: a token
                // or a wrapped key moved to another record does not open.
                let wrapped = version
                    .dek_wrap
                    .wrap(&dek_context(input.tenant, version.version, &token_id), &dek);
                Ok(Tokenized {
                    token_id,
                    stored_token: token.clone(),
                    token,
                    mode,
                    key_version: version.version,
                    wrapped_dek: Some(wrapped),
                })
            }
            Mode::FormatPreserving => {
                let tweak = fpe_tweak(input.tenant, input.pii_type, input.scope);
                let t = fpe::tokenize(
                    input.pii_type,
                    value.expose(),
                    input.raw,
                    ciphers(version),
                    &tweak,
                )?;
                Ok(Tokenized {
                    token_id: self.record_id(keys, &t.canonical),
                    token: t.rendered,
                    stored_token: t.canonical,
                    mode,
                    key_version: version.version,
                    wrapped_dek: None,
                })
            }
        }
    }

    /// Opens a token. Every failure of authentication (altered token, another tenant's,
    /// another type or scope, destroyed keys) returns an error before any plaintext exists.
    pub fn detokenize(
        &self,
        keys: &TenantKeyring,
        r: &TokenRef<'_>,
    ) -> Result<Canonical, TokenError> {
        if keys.tenant() != r.tenant {
            return Err(TokenError::AuthenticationFailed);
        }
        let plaintext = match r.mode {
            Mode::Deterministic | Mode::Randomized => {
                let decoded = self.codec.decode(r.token)?;
                let expected = match r.mode {
                    Mode::Deterministic => TokenKind::Deterministic,
                    _ => TokenKind::Randomized,
                };
                if decoded.header.kind != expected {
                    return Err(TokenError::AuthenticationFailed);
                }
                let version = keys
                    .version(decoded.header.key_version)
                    .map_err(|_| TokenError::AuthenticationFailed)?;
                if expected == TokenKind::Deterministic {
                    let ad = deterministic_ad(r.tenant, r.pii_type, r.scope, decoded.header);
                    version.deterministic.open(&ad, &decoded.body)?
                } else {
                    if self.record_id(keys, r.token) != *r.token_id {
                        return Err(TokenError::AuthenticationFailed);
                    }
                    let wrapped = r.wrapped_dek.ok_or(TokenError::MissingDataKey)?;
                    let dek = version.dek_wrap.unwrap::<32>(
                        &dek_context(r.tenant, version.version, r.token_id),
                        wrapped,
                    )?;
                    let ad = randomized_ad(r.tenant, r.pii_type, decoded.header);
                    gcm::open_with_key(&dek, &ad, &decoded.body)?
                }
            }
            Mode::FormatPreserving => {
                let version = keys.version(r.key_version)?;
                let tweak = fpe_tweak(r.tenant, r.pii_type, r.scope);
                let plain =
                    fpe::detokenize(r.pii_type, r.token, ciphers(version), &tweak, &self.options)?;
                return Ok(Canonical::from_trusted(plain));
            }
        };
        let text =
            String::from_utf8(plaintext.to_vec()).map_err(|_| TokenError::AuthenticationFailed)?;
        Ok(Canonical::from_trusted(text))
    }

    /// The id of the record that holds `stored_token`: `tok_` + base32 of the first 128 bits
    /// of `HMAC(fingerprint key, ctx("tokenvault/v1/token-id", stored_token))`.
    ///
    /// Deriving the id from the token makes the vault's only index its primary key: a token
    /// value finds its record by computing the id, and a deterministic value finds an existing
    /// record by computing its token. The id reveals nothing the token does not: it is keyed,
    /// and for randomized tokens (random ciphertexts) it is as random as a generated id.
    pub fn record_id(&self, keys: &TenantKeyring, stored_token: &str) -> TokenId {
        let digest = keys
            .fingerprinter()
            .digest(&[label::TOKEN_ID, stored_token.as_bytes()]);
        let mut id = [0u8; 16];
        id.copy_from_slice(&digest[..16]);
        TokenId::from_digest(id)
    }

    /// The record ids a deterministic or format-preserving value would have under each of the
    /// tenant's key versions, newest first: the vault holds the value if it holds one of them.
    pub fn candidate_ids(
        &self,
        keys: &TenantKeyring,
        mode: Mode,
        input: &TokenInput<'_>,
        value: &Canonical,
    ) -> Result<Vec<TokenId>, TokenError> {
        let mut ids = Vec::new();
        for v in keys.versions().collect::<Vec<_>>().into_iter().rev() {
            let version = keys.version(v)?;
            let stored = match mode {
                Mode::Randomized => return Ok(Vec::new()),
                Mode::Deterministic => {
                    let header = TokenHeader {
                        kind: TokenKind::Deterministic,
                        key_version: version.version,
                    };
                    let ad = deterministic_ad(input.tenant, input.pii_type, input.scope, header);
                    let body = version.deterministic.seal(&ad, value.expose().as_bytes());
                    self.codec.encode(header, &body)
                }
                Mode::FormatPreserving => {
                    let tweak = fpe_tweak(input.tenant, input.pii_type, input.scope);
                    fpe::tokenize(
                        input.pii_type,
                        value.expose(),
                        input.raw,
                        ciphers(version),
                        &tweak,
                    )?
                    .canonical
                }
            };
            ids.push(self.record_id(keys, &stored));
        }
        Ok(ids)
    }

    /// The canonical shape of a format-preserving token as a client may send it back, for
    /// looking up its record.
    pub fn fpe_lookup_form(&self, pii_type: PiiType, token: &str) -> Result<String, TokenError> {
        fpe::canonical_token(pii_type, token, &self.options)
    }
}

fn ciphers(version: &VersionKeys) -> fpe::FpeCiphers<'_> {
    fpe::FpeCiphers {
        decimal: &version.fpe_decimal,
        alphanumeric: &version.fpe_alphanumeric,
    }
}

fn deterministic_ad(
    tenant: &TenantId,
    pii_type: PiiType,
    scope: &Scope,
    header: TokenHeader,
) -> Vec<u8> {
    context(&[
        label::DETERMINISTIC,
        tenant.as_str().as_bytes(),
        pii_type.as_str().as_bytes(),
        scope.to_string().as_bytes(),
        &header.to_bytes(),
    ])
}

fn randomized_ad(tenant: &TenantId, pii_type: PiiType, header: TokenHeader) -> Vec<u8> {
    context(&[
        label::RANDOMIZED,
        tenant.as_str().as_bytes(),
        pii_type.as_str().as_bytes(),
        &header.to_bytes(),
    ])
}

fn dek_context(tenant: &TenantId, version: u32, token_id: &TokenId) -> Vec<u8> {
    context(&[
        label::DEK,
        tenant.as_str().as_bytes(),
        &version.to_be_bytes(),
        token_id.as_str().as_bytes(),
    ])
}

fn fpe_tweak(tenant: &TenantId, pii_type: PiiType, scope: &Scope) -> Vec<u8> {
    context(&[
        label::FPE,
        tenant.as_str().as_bytes(),
        pii_type.as_str().as_bytes(),
        scope.to_string().as_bytes(),
    ])
}
