//! Wrapped tenant keys.

use super::*;

#[async_trait]
impl TenantKeyStore for PgStore {
    async fn tenant_keys(&self, t: &TenantId) -> Result<Vec<WrappedTenantKey>, KeyStoreError> {
        let c = self.client().await.map_err(key_err)?;
        let rows = c
            .q(
                "SELECT version, wrapped, created_at FROM tenant_keys WHERE tenant = $1",
                &[&t.as_str()],
            )
            .await
            .map_err(|e| key_err(pg_err(e)))?;
        rows.iter()
            .map(|r| {
                Ok(WrappedTenantKey {
                    tenant: t.clone(),
                    version: u32_of(r.get(0), "key version").map_err(key_err)?,
                    wrapped: r.get(1),
                    created_at: r.get(2),
                })
            })
            .collect()
    }

    async fn insert_tenant_key(&self, key: &WrappedTenantKey) -> Result<(), KeyStoreError> {
        let mut c = self.client().await.map_err(key_err)?;
        let tx = c.transaction().await.map_err(|e| key_err(pg_err(e)))?;
        // Exclusive: waits for the tenant's tokenize commits in flight (see `commit_tokenize`).
        tx.exec(
            "SELECT pg_advisory_xact_lock(hashtextextended($1, $2))",
            &[&key.tenant.as_str(), &TENANT_KEYS_LOCK],
        )
        .await
        .map_err(|e| key_err(pg_err(e)))?;
        tx.exec(
            "INSERT INTO tenant_keys (tenant, version, wrapped, created_at) VALUES ($1, $2, $3, $4)",
            &[&key.tenant.as_str(), &i64::from(key.version), &key.wrapped, &key.created_at],
        )
        .await
        .map_err(|e| match pg_err(e) {
            StoreError::Conflict { .. } => KeyStoreError::VersionExists { version: key.version },
            other => key_err(other),
        })?;
        tx.commit().await.map_err(|e| key_err(pg_err(e)))
    }

    async fn destroy_tenant_keys(&self, t: &TenantId) -> Result<(), KeyStoreError> {
        let mut c = self.client().await.map_err(key_err)?;
        let tx = c.transaction().await.map_err(|e| key_err(pg_err(e)))?;
        tx.exec("DELETE FROM tenant_keys WHERE tenant = $1", &[&t.as_str()])
            .await
            .map_err(|e| key_err(pg_err(e)))?;
        tx.exec(
            "INSERT INTO shredded_tenants (tenant) VALUES ($1) ON CONFLICT DO NOTHING",
            &[&t.as_str()],
        )
        .await
        .map_err(|e| key_err(pg_err(e)))?;
        tx.commit().await.map_err(|e| key_err(pg_err(e)))
    }

    async fn is_shredded(&self, t: &TenantId) -> Result<bool, KeyStoreError> {
        let c = self.client().await.map_err(key_err)?;
        c.q_opt(
            "SELECT 1 FROM shredded_tenants WHERE tenant = $1",
            &[&t.as_str()],
        )
        .await
        .map(|r| r.is_some())
        .map_err(|e| key_err(pg_err(e)))
    }
}
