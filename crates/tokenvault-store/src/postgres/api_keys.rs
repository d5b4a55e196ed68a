//! API keys (their hashes).

use super::{
    config_cache::{ConfigKey, ConfigValue},
    *,
};

#[async_trait]
impl tokenvault_core::store::ApiKeyStore for PgStore {
    async fn insert_api_key(&self, k: &ApiKeyRecord) -> Result<(), StoreError> {
        self.client()
            .await?
            .exec(
                "INSERT INTO api_keys (id, tenant, hash, name, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6)",
                &[&k.id, &k.tenant.as_str(), &k.hash.as_slice(), &k.name, &k.created_at, &k.revoked_at],
            )
            .await
            .map_err(pg_err)?;
        self.config_changed(&k.tenant);
        Ok(())
    }

    async fn api_key_by_hash(&self, hash: &[u8; 32]) -> Result<Option<ApiKeyRecord>, StoreError> {
        self.cached(
            ConfigKey::ApiKey(*hash),
            || async {
                let r = self
                    .client()
                    .await?
                    .q_opt("SELECT id, tenant, hash, name, created_at, revoked_at FROM api_keys WHERE hash = $1", &[&hash.as_slice()])
                    .await
                    .map_err(pg_err)?;
                r.as_ref().map(api_key).transpose()
            },
            |v| match v {
                ConfigValue::ApiKey(k) => Some(Some(k)),
                _ => None,
            },
            // Only keys that exist are kept: unknown keys are anyone's to invent.
            |found| {
                found
                    .as_ref()
                    .map(|k| (k.tenant.to_string(), ConfigValue::ApiKey(k.clone())))
            },
        )
        .await
    }

    async fn api_keys(&self, t: &TenantId) -> Result<Vec<ApiKeyRecord>, StoreError> {
        let rows = self
            .client()
            .await?
            .q("SELECT id, tenant, hash, name, created_at, revoked_at FROM api_keys WHERE tenant = $1 ORDER BY created_at, id", &[&t.as_str()])
            .await
            .map_err(pg_err)?;
        rows.iter().map(api_key).collect()
    }

    async fn revoke_api_key(
        &self,
        t: &TenantId,
        id: &str,
        at: UnixSeconds,
    ) -> Result<(), StoreError> {
        let n = self
            .client()
            .await?
            .exec(
                "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $3) WHERE tenant = $1 AND id = $2",
                &[&t.as_str(), &id, &at],
            )
            .await
            .map_err(pg_err)?;
        if n == 0 {
            return Err(StoreError::NotFound {
                what: Entity::ApiKey,
            });
        }
        self.config_changed(t);
        Ok(())
    }
}
