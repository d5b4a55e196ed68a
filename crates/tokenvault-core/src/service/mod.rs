//! The vault's operations: tokenize, grant, detokenize, vault listing and revocation,
//! policies, usage and audit, and the credentials that reach them. HTTP handlers call these
//! and only translate.

mod access;
mod admin;
mod auth;
mod collections;
mod dashboard;
mod dashboard_objects;
mod dashboard_oidc;
mod error;
mod grant;
mod insights;
mod last_known;
mod masking;
mod object_tokens;
mod objects;
mod policies;
mod rehydrate;
mod rehydration_settings;
mod shred;
mod tenant_admin;
mod text_api;
mod text_scan;
mod tokenize;
mod vault;

use std::sync::Arc;

pub use access::{ChangeOutcome, Widening, MAX_MAPPED_ROLES};
pub use admin::{ApiKeyIssued, TenantBootstrap};
pub use auth::{Caller, UserClaims, API_AUDIENCE, ISSUER};
pub use collections::VaultUser;
pub use dashboard::{
    check_login, csrf_token_of, generated_password, NewSession, UserChange, LOCKOUT_FAILURES,
    LOCKOUT_SECONDS, MIN_PASSWORD_CHARS, SESSION_SECONDS,
};
pub use dashboard_objects::{MaskedObjects, DASHBOARD_OBJECT_PAGE};
pub use dashboard_oidc::{OidcPending, OidcStart, OIDC_PENDING_SECONDS};
pub use error::ServiceError;
pub use grant::{
    GrantClaims, GrantCommand, IssuedGrant, OpenStatus, OpenedToken, GRANT_AUDIENCE,
    MAX_GRANT_TOKENS,
};
pub use insights::{Bucket, OperationCounts, OperationSeries, MAX_SERIES_EVENTS};
pub use last_known::LAST_KNOWN_MAX_AGE;
pub use masking::{MaskInput, MaskOutcome, MAX_MASK_ITEMS};
pub use object_tokens::{
    Detokenized, Reveal, TokenSelector, TokenSource, TokenSpec, TokenUpdate, TokenView,
    MAX_TOKEN_TTL_SECONDS,
};
pub use objects::{AccessReason, ObjectPage, PageRequest, Selection, MAX_OBJECT_PAGE};
pub use rehydrate::{
    FoundToken, RehydrateAccess, Rehydrated, RestoreStatus, MAX_REHYDRATE_BYTES,
    MAX_REHYDRATE_TOKENS,
};
pub use rehydration_settings::RehydrationSettings;
pub use tenant_admin::{KeyVersionInfo, MAX_API_KEY_NAME_CHARS};
pub use text_scan::{ActionChoice, ScanReport, Scanned, TextEngine, TextEngineError, TextScan};
pub use tokenize::{
    BatchMode, ItemError, ItemErrorCode, ItemOutcome, ModeChoice, SkipCode, TokenizeCommand,
    TokenizeItemInput, TokenizeOutcome, MAX_IDEMPOTENCY_KEY_LEN, MAX_TOKENIZE_ITEMS,
};
pub use tokenvault_crypto::jwt::JwksVerifier;
pub use vault::{Usage, VaultCursor, VaultListing, VaultQuery, DEFAULT_PAGE, MAX_PAGE};

use tokenvault_crypto::{jwt::JwtSigner, siv::context, Key256};

use crate::{
    clock::{Clock, UnixSeconds},
    keys::{KeyError, KeyManager},
    pii::NormalizeOptions,
    policy::DetectionCatalog,
    store::{AuditEvent, VaultStore},
    token::TokenEngine,
};

/// An identity provider's current public keys, swapped whole when refreshed.
#[derive(Debug)]
pub struct ExternalKeys(parking_lot::RwLock<Arc<JwksVerifier>>);

impl ExternalKeys {
    /// Keys to start with.
    pub fn new(keys: JwksVerifier) -> Self {
        Self(parking_lot::RwLock::new(Arc::new(keys)))
    }

    /// The keys now.
    pub fn current(&self) -> Arc<JwksVerifier> {
        self.0.read().clone()
    }

    /// Replaces the keys (after a refresh of the provider's JWKS).
    pub fn replace(&self, keys: JwksVerifier) {
        *self.0.write() = Arc::new(keys);
    }
}

/// An external identity provider whose JWTs the API accepts beside the vault's own.
#[derive(Debug, Clone)]
pub struct ExternalIssuer {
    /// Expected `iss`.
    pub issuer: String,
    /// Expected `aud`.
    pub audience: String,
    /// Its public keys; replaced in place when they are refreshed.
    pub keys: Arc<ExternalKeys>,
    /// Claim holding the user id (default `sub`).
    pub user_claim: String,
    /// Claim holding the tenant id (default `tid`).
    pub tenant_claim: String,
    /// Claim holding the roles: an array of strings or a space-separated string (default
    /// `roles`).
    pub roles_claim: String,
}

/// Settings of the vault's behaviour.
#[derive(Debug, Clone)]
pub struct VaultConfig {
    /// Prefix of token values.
    pub token_prefix: String,
    /// Grant lifetime (seed: 5 minutes).
    pub grant_ttl_seconds: i64,
    /// Lifetime of JWTs minted by `tokenvault token mint` unless told.
    pub default_jwt_ttl_seconds: i64,
    /// Normalization settings (default phone region, date order, …).
    pub normalize: NormalizeOptions,
    /// Quota given to new tenants, if any.
    pub default_quota: Option<u64>,
    /// An external JWT issuer, if configured.
    pub external_issuer: Option<ExternalIssuer>,
    /// The object vault's default token lifetime (none: tokens live until deleted).
    pub object_token_ttl_seconds: Option<i64>,
}

impl Default for VaultConfig {
    fn default() -> Self {
        Self {
            token_prefix: crate::token::DEFAULT_TOKEN_PREFIX.to_owned(),
            grant_ttl_seconds: 300,
            default_jwt_ttl_seconds: 3600,
            normalize: NormalizeOptions::default(),
            default_quota: None,
            external_issuer: None,
            object_token_ttl_seconds: None,
        }
    }
}

/// The vault: every operation of the tokens API.
pub struct Vault {
    store: Arc<dyn VaultStore>,
    keys: KeyManager,
    engine: TokenEngine,
    clock: Arc<dyn Clock>,
    api_signer: JwtSigner,
    grant_signer: JwtSigner,
    catalog: Arc<dyn DetectionCatalog + Send + Sync>,
    config: VaultConfig,
    last_known: last_known::LastKnown,
    /// The audit chain's head as last verified by the dashboard's check (`insights.rs`).
    audit_verified: parking_lot::Mutex<Option<(u64, [u8; 32])>>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault").field("keys", &self.keys).finish()
    }
}

/// Meta key holding the root key's check value.
const META_ROOT_KCV: &str = "root_key_check_value";

impl Vault {
    /// Opens the vault on a store. Refuses a root key other than the one the store was first
    /// opened with, and loads (or, on first start, creates) the JWT signing keys, which are
    /// kept in the store wrapped by the root key so every node signs alike.
    pub async fn open(
        store: Arc<dyn VaultStore>,
        keys: KeyManager,
        clock: Arc<dyn Clock>,
        catalog: Arc<dyn DetectionCatalog + Send + Sync>,
        config: VaultConfig,
    ) -> Result<Self, ServiceError> {
        let root = keys.root().clone();
        let kcv = root.key_check_value();
        let stored = store
            .meta_get_or_insert(META_ROOT_KCV, kcv.as_bytes())
            .await?;
        if stored != kcv.as_bytes() {
            return Err(ServiceError::Unavailable(format!(
                "the root key ({}, check value {kcv}) is not the one this database was created with (check value {}); refusing to start",
                root.describe(),
                String::from_utf8_lossy(&stored)
            )));
        }
        let api_signer = signer(store.as_ref(), &keys, "api").await?;
        let grant_signer = signer(store.as_ref(), &keys, "grant").await?;
        let engine = TokenEngine::new(&config.token_prefix, config.normalize.clone())
            .map_err(|e| ServiceError::InvalidInput(format!("token prefix: {e}")))?;
        Ok(Self {
            store,
            keys,
            engine,
            clock,
            api_signer,
            grant_signer,
            catalog,
            config,
            last_known: last_known::LastKnown::default(),
            audit_verified: parking_lot::Mutex::new(None),
        })
    }

    /// The prefix of this vault's token values (`tv_`).
    pub fn token_prefix(&self) -> &str {
        self.engine.codec().prefix()
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn VaultStore> {
        &self.store
    }

    /// The key manager.
    pub fn keys(&self) -> &KeyManager {
        &self.keys
    }

    /// The clock.
    pub fn now(&self) -> UnixSeconds {
        self.clock.now()
    }

    /// The public keys of grants and API tokens, as a JWKS document.
    pub fn jwks(&self) -> serde_json::Value {
        serde_json::json!({ "keys": [self.grant_signer.jwk(), self.api_signer.jwk()] })
    }

    fn audit(&self, caller: &Caller, action: &str, trace_id: &str) -> AuditEvent {
        AuditEvent {
            tenant: caller.tenant.to_string(),
            at: self.clock.now(),
            action: action.to_owned(),
            actor: caller.actor.clone(),
            roles: caller.roles.clone(),
            purpose: None,
            reason: None,
            token_ids: Vec::new(),
            result: String::new(),
            trace_id: trace_id.to_owned(),
            policy_id: None,
            policy_version: None,
            detail: serde_json::Value::Null,
        }
    }

    async fn keyring_at_least(
        &self,
        tenant: &crate::ids::TenantId,
        version: u32,
    ) -> Result<Arc<crate::keys::TenantKeyring>, KeyError> {
        let ring = self.keys.keyring(tenant).await?;
        if ring.current().version >= version {
            return Ok(ring);
        }
        // Another node rotated: reload once.
        self.keys.invalidate(tenant);
        self.keys.keyring(tenant).await
    }
}

async fn signer(
    store: &dyn VaultStore,
    keys: &KeyManager,
    purpose: &str,
) -> Result<JwtSigner, ServiceError> {
    let ctx = context(&[b"tokenvault/v1/signing-key", purpose.as_bytes()]);
    let fresh = keys.root().wrap(&ctx, &Key256::generate())?;
    let stored = store
        .meta_get_or_insert(&format!("signing_key/{purpose}"), &fresh)
        .await?;
    let seed = keys.root().unwrap(&ctx, &stored)?;
    JwtSigner::from_seed(&seed)
        .map_err(|_| ServiceError::Unavailable("signing key unusable".into()))
}

/// A fresh trace id.
pub fn new_trace_id() -> String {
    tokenvault_crypto::random::random_id("tr_")
}
