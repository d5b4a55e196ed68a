//! API keys (their hashes).

use super::*;

#[async_trait]
impl tokenvault_core::store::ApiKeyStore for SqliteStore {
    async fn insert_api_key(&self, key: &ApiKeyRecord) -> Result<(), StoreError> {
        let k = key.clone();
        self.pool
            .write(move |c| {
                c.execute(
                    "INSERT INTO api_keys (id, tenant, hash, name, created_at, revoked_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![k.id, k.tenant.as_str(), k.hash.as_slice(), k.name, k.created_at, k.revoked_at],
                )
                .map_err(unavailable)?;
                Ok(())
            })
            .await
    }

    async fn api_key_by_hash(&self, hash: &[u8; 32]) -> Result<Option<ApiKeyRecord>, StoreError> {
        let hash = *hash;
        self.pool
            .read(move |c| {
                c.prepare_cached(&format!(
                    "SELECT {API_KEY_COLUMNS} FROM api_keys WHERE hash = ?1"
                ))
                .and_then(|mut s| s.query_row([hash.as_slice()], rows::api_key).optional())
                .map_err(unavailable)
            })
            .await
    }

    async fn api_keys(&self, tenant: &TenantId) -> Result<Vec<ApiKeyRecord>, StoreError> {
        let t = tenant.to_string();
        self.pool
            .read(move |c| {
                let mut s = c
                    .prepare(&format!("SELECT {API_KEY_COLUMNS} FROM api_keys WHERE tenant = ?1 ORDER BY created_at, id"))
                    .map_err(unavailable)?;
                let rows = s.query_map([t], rows::api_key).map_err(unavailable)?;
                rows.collect::<Result<Vec<_>, _>>().map_err(unavailable)
            })
            .await
    }

    async fn revoke_api_key(
        &self,
        tenant: &TenantId,
        id: &str,
        at: UnixSeconds,
    ) -> Result<(), StoreError> {
        let (t, id) = (tenant.to_string(), id.to_owned());
        self.pool
            .write(move |c| {
                let n = c
                    .execute(
                        "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?3) WHERE tenant = ?1 AND id = ?2",
                        params![t, id, at],
                    )
                    .map_err(unavailable)?;
                if n == 0 {
                    return Err(StoreError::NotFound { what: Entity::ApiKey });
                }
                Ok(())
            })
            .await
    }
}
