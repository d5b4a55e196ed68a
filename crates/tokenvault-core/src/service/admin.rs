//! Tenants and API keys (the offline CLI and bootstrap).

use super::{auth::api_key_hash, auth::API_KEY_PREFIX, ServiceError, Vault};
use crate::{
    ids::TenantId,
    store::{ApiKeyRecord, TenantRecord},
};

/// A new API key: the secret is shown once and never stored.
#[derive(Debug, Clone)]
pub struct ApiKeyIssued {
    /// Public id.
    pub id: String,
    /// The key itself.
    pub key: String,
}

/// What `tokenvault init` prints.
#[derive(Debug, Clone)]
pub struct TenantBootstrap {
    /// The tenant.
    pub tenant: TenantId,
    /// A tokenize API key.
    pub api_key: ApiKeyIssued,
    /// An admin JWT.
    pub admin_jwt: String,
    /// The dashboard administrator's login.
    pub dashboard_login: String,
    /// Its password, shown once.
    pub dashboard_password: String,
}

impl Vault {
    /// Creates a tenant with its first key version.
    pub async fn create_tenant(
        &self,
        name: &str,
        id: Option<TenantId>,
    ) -> Result<TenantId, ServiceError> {
        let id = id.unwrap_or_else(TenantId::generate);
        self.store
            .create_tenant(&TenantRecord {
                id: id.clone(),
                name: name.to_owned(),
                created_at: self.clock.now(),
                kill_switch: false,
                quota: self.config.default_quota,
            })
            .await?;
        self.keys.create_tenant_keys(&id).await?;
        Ok(id)
    }

    /// Creates an API key for a tenant.
    pub async fn create_api_key(
        &self,
        tenant: &TenantId,
        name: &str,
    ) -> Result<ApiKeyIssued, ServiceError> {
        self.require_tenant(tenant).await?;
        let mut secret = [0u8; 32];
        tokenvault_crypto::random::fill(&mut secret);
        use base64::Engine;
        let key = format!(
            "{API_KEY_PREFIX}{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret)
        );
        let id = tokenvault_crypto::random::random_id("key_");
        self.store
            .insert_api_key(&ApiKeyRecord {
                id: id.clone(),
                tenant: tenant.clone(),
                hash: api_key_hash(&key),
                name: name.to_owned(),
                created_at: self.clock.now(),
                revoked_at: None,
            })
            .await?;
        Ok(ApiKeyIssued { id, key })
    }

    /// A tenant, or `InvalidInput` naming it.
    pub async fn require_tenant(&self, tenant: &TenantId) -> Result<TenantRecord, ServiceError> {
        self.store
            .tenant(tenant)
            .await?
            .ok_or_else(|| ServiceError::InvalidInput(format!("tenant {tenant} does not exist")))
    }

    /// `tokenvault init`: a tenant, a tokenize API key and an admin JWT.
    pub async fn bootstrap(
        &self,
        name: &str,
        admin_ttl_seconds: i64,
    ) -> Result<TenantBootstrap, ServiceError> {
        let tenant = self.create_tenant(name, None).await?;
        let api_key = self.create_api_key(&tenant, "bootstrap").await?;
        let admin_jwt = self.mint_jwt(
            &tenant,
            "admin",
            &["admin".to_owned(), "privacy_officer".to_owned()],
            Some(admin_ttl_seconds),
        )?;
        let (dashboard_login, dashboard_password) = self.bootstrap_user(&tenant).await?;
        Ok(TenantBootstrap {
            tenant,
            api_key,
            admin_jwt,
            dashboard_login,
            dashboard_password,
        })
    }
}
