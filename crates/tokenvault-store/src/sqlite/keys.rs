//! Wrapped tenant keys.

use super::*;

#[async_trait]
impl TenantKeyStore for SqliteStore {
    async fn tenant_keys(&self, tenant: &TenantId) -> Result<Vec<WrappedTenantKey>, KeyStoreError> {
        let t = tenant.clone();
        self.pool
            .read(move |c| {
                let mut s = c
                    .prepare_cached(
                        "SELECT version, wrapped, created_at FROM tenant_keys WHERE tenant = ?1",
                    )
                    .map_err(unavailable)?;
                let rows = s
                    .query_map([t.as_str()], |r| {
                        Ok(WrappedTenantKey {
                            tenant: t.clone(),
                            version: r.get(0)?,
                            wrapped: r.get(1)?,
                            created_at: r.get(2)?,
                        })
                    })
                    .map_err(unavailable)?;
                rows.collect::<Result<Vec<_>, _>>().map_err(unavailable)
            })
            .await
            .map_err(key_err)
    }

    async fn insert_tenant_key(&self, key: &WrappedTenantKey) -> Result<(), KeyStoreError> {
        let key = key.clone();
        let version = key.version;
        self.pool
            .write(move |c| {
                c.execute(
                    "INSERT INTO tenant_keys (tenant, version, wrapped, created_at) VALUES (?1, ?2, ?3, ?4)",
                    params![key.tenant.as_str(), key.version, key.wrapped, key.created_at],
                )
                .map_err(unavailable)?;
                Ok(())
            })
            .await
            .map_err(|e| match key_err(e) {
                KeyStoreError::VersionExists { .. } => KeyStoreError::VersionExists { version },
                other => other,
            })
    }

    async fn destroy_tenant_keys(&self, tenant: &TenantId) -> Result<(), KeyStoreError> {
        let t = tenant.to_string();
        self.pool
            .write(move |c| {
                let tx = c.transaction().map_err(unavailable)?;
                tx.execute("DELETE FROM tenant_keys WHERE tenant = ?1", [&t])
                    .map_err(unavailable)?;
                tx.execute(
                    "INSERT OR IGNORE INTO shredded_tenants (tenant) VALUES (?1)",
                    [&t],
                )
                .map_err(unavailable)?;
                tx.commit().map_err(unavailable)?;
                // Overwrite freed pages so the wrapped keys do not linger in the file.
                c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); VACUUM;")
                    .map_err(unavailable)?;
                Ok(())
            })
            .await
            .map_err(key_err)
    }

    async fn is_shredded(&self, tenant: &TenantId) -> Result<bool, KeyStoreError> {
        let t = tenant.to_string();
        self.pool
            .read(move |c| {
                c.query_row(
                    "SELECT 1 FROM shredded_tenants WHERE tenant = ?1",
                    [t],
                    |_| Ok(()),
                )
                .optional()
                .map(|o| o.is_some())
                .map_err(unavailable)
            })
            .await
            .map_err(key_err)
    }
}
