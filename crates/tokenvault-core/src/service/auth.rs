//! Credentials: API keys (tokenize) and JWTs (everything else).

use serde::{Deserialize, Serialize};
use tokenvault_crypto::digest;

use super::{ServiceError, Vault};
use crate::ids::TenantId;

/// Issuer of tokens minted by this vault.
pub const ISSUER: &str = "tokenvault";
/// Audience of API JWTs.
pub const API_AUDIENCE: &str = "tokenvault-api";
/// Prefix of API keys.
pub const API_KEY_PREFIX: &str = "tvk_";

/// Who is calling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// Their tenant; every operation is confined to it.
    pub tenant: TenantId,
    /// User id, or `api_key:<id>`.
    pub actor: String,
    /// Roles (empty for API keys).
    pub roles: Vec<String>,
    /// Whether the caller came with an API key.
    pub api_key: bool,
}

/// Claims of an API JWT.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserClaims {
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
    /// User id.
    pub sub: String,
    /// Tenant id.
    pub tid: String,
    /// Roles.
    #[serde(default)]
    pub roles: Vec<String>,
    /// Issued at.
    pub iat: i64,
    /// Expiry.
    pub exp: i64,
}

/// SHA-256 of an API key as stored; keys carry 256 random bits, so the hash cannot be guessed
/// back.
pub(crate) fn api_key_hash(key: &str) -> [u8; 32] {
    digest::sha256(&[b"tokenvault/v1/api-key", key.as_bytes()])
}

impl Vault {
    /// The caller of an `X-API-Key`.
    pub async fn authenticate_api_key(&self, key: &str) -> Result<Caller, ServiceError> {
        let record = self.api_key_record(key).await?;
        Ok(Caller {
            tenant: record.tenant,
            actor: format!("api_key:{}", record.id),
            roles: Vec::new(),
            api_key: true,
        })
    }

    /// The live record of an API key (its tenant, id and name).
    pub(super) async fn api_key_record(
        &self,
        key: &str,
    ) -> Result<crate::store::ApiKeyRecord, ServiceError> {
        let denied = || ServiceError::Unauthorized("invalid or revoked API key".into());
        if !key.starts_with(API_KEY_PREFIX) || key.len() > 128 {
            return Err(denied());
        }
        let hash = api_key_hash(key);
        let record = self
            .api_key_or_last_known(&hash)
            .await?
            .ok_or_else(denied)?;
        if !digest::ct_eq(&record.hash, &hash) || record.revoked_at.is_some() {
            return Err(denied());
        }
        Ok(record)
    }

    /// The caller of an `Authorization: Bearer` JWT issued by this vault or, when one is
    /// configured, by the external issuer.
    pub fn authenticate_bearer(&self, jwt: &str) -> Result<Caller, ServiceError> {
        let claims: UserClaims = match self.api_signer.verify(jwt, API_AUDIENCE) {
            Ok(c) => c,
            Err(_) => match &self.config.external_issuer {
                Some(ext) => return self.authenticate_external(ext, jwt),
                None => return Err(ServiceError::Unauthorized("invalid bearer token".into())),
            },
        };
        if claims.iss != ISSUER {
            return Err(ServiceError::Unauthorized("invalid bearer token".into()));
        }
        if claims.exp <= self.clock.now() {
            return Err(ServiceError::Unauthorized(
                "the bearer token has expired".into(),
            ));
        }
        let tenant = TenantId::parse(&claims.tid)
            .map_err(|_| ServiceError::Unauthorized("invalid bearer token".into()))?;
        if claims.sub.is_empty() || claims.sub.len() > 256 {
            return Err(ServiceError::Unauthorized("invalid bearer token".into()));
        }
        Ok(Caller {
            tenant,
            actor: claims.sub,
            roles: claims.roles,
            api_key: false,
        })
    }

    fn authenticate_external(
        &self,
        ext: &super::ExternalIssuer,
        jwt: &str,
    ) -> Result<Caller, ServiceError> {
        let invalid = || ServiceError::Unauthorized("invalid bearer token".into());
        let claims = ext
            .keys
            .current()
            .verify(jwt, &ext.issuer, &ext.audience)
            .map_err(|_| invalid())?;
        let exp = claims["exp"].as_i64().ok_or_else(invalid)?;
        if exp <= self.clock.now() {
            return Err(ServiceError::Unauthorized(
                "the bearer token has expired".into(),
            ));
        }
        caller_from_claims(ext, &claims)
    }

    /// Mints an API JWT for a user of a tenant.
    pub fn mint_jwt(
        &self,
        tenant: &TenantId,
        user: &str,
        roles: &[String],
        ttl_seconds: Option<i64>,
    ) -> Result<String, ServiceError> {
        if user.is_empty() || user.len() > 256 || user.chars().any(char::is_control) {
            return Err(ServiceError::InvalidInput(
                "user must be 1 to 256 characters".into(),
            ));
        }
        let now = self.clock.now();
        let claims = UserClaims {
            iss: ISSUER.into(),
            aud: API_AUDIENCE.into(),
            sub: user.into(),
            tid: tenant.to_string(),
            roles: roles.to_vec(),
            iat: now,
            exp: now + ttl_seconds.unwrap_or(self.config.default_jwt_ttl_seconds),
        };
        self.api_signer
            .sign(&claims)
            .map_err(|_| ServiceError::Unavailable("signing failed".into()))
    }
}

/// The caller an external provider's verified claims name: user, tenant and roles from the
/// configured claims.
pub(crate) fn caller_from_claims(
    ext: &super::ExternalIssuer,
    claims: &serde_json::Value,
) -> Result<Caller, ServiceError> {
    let invalid = || ServiceError::Unauthorized("invalid bearer token".into());
    let user = claims[ext.user_claim.as_str()]
        .as_str()
        .filter(|u| !u.is_empty() && u.len() <= 256)
        .ok_or_else(invalid)?;
    let tenant = claims[ext.tenant_claim.as_str()]
        .as_str()
        .and_then(|t| TenantId::parse(t).ok())
        .ok_or_else(|| {
            ServiceError::Unauthorized(format!(
                "the token's `{}` claim is not a tenant id",
                ext.tenant_claim
            ))
        })?;
    let roles = match &claims[ext.roles_claim.as_str()] {
        serde_json::Value::Array(a) => a
            .iter()
            .filter_map(|r| r.as_str().map(str::to_owned))
            .collect(),
        serde_json::Value::String(s) => s.split_whitespace().map(str::to_owned).collect(),
        _ => Vec::new(),
    };
    Ok(Caller {
        tenant,
        actor: user.to_owned(),
        roles,
        api_key: false,
    })
}
