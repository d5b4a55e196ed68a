//! Tenants and the store's metadata.

use super::*;

#[async_trait]
impl tokenvault_core::store::TenantStore for SqliteStore {
    async fn ping(&self) -> Result<(), StoreError> {
        self.pool
            .read(|c| c.query_row("SELECT 1", [], |_| Ok(())).map_err(unavailable))
            .await
    }

    async fn meta_get_or_insert(&self, key: &str, value: &[u8]) -> Result<Vec<u8>, StoreError> {
        let (key, value) = (key.to_owned(), value.to_vec());
        self.pool
            .write(move |c| {
                c.execute(
                    "INSERT OR IGNORE INTO meta (key, value) VALUES (?1, ?2)",
                    params![key, value],
                )
                .map_err(unavailable)?;
                c.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
                    .map_err(unavailable)
            })
            .await
    }

    async fn create_tenant(&self, tenant: &TenantRecord) -> Result<(), StoreError> {
        let t = tenant.clone();
        self.pool
            .write(move |c| {
                let quota = t.quota.map(i64_of).transpose()?;
                c.execute(
                    "INSERT INTO tenants (id, name, created_at, kill_switch, quota) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![t.id.as_str(), t.name, t.created_at, t.kill_switch, quota],
                )
                .map_err(|e| match unavailable(e) {
                    StoreError::Conflict { .. } => StoreError::Conflict { what: Entity::Tenant },
                    other => other,
                })?;
                Ok(())
            })
            .await
    }

    async fn tenant(&self, id: &TenantId) -> Result<Option<TenantRecord>, StoreError> {
        let id = id.to_string();
        self.pool
            .read(move |c| {
                c.prepare_cached(
                    "SELECT id, name, created_at, kill_switch, quota FROM tenants WHERE id = ?1",
                )
                .and_then(|mut s| s.query_row([id], rows::tenant).optional())
                .map_err(unavailable)
            })
            .await
    }

    async fn tenants(&self) -> Result<Vec<TenantRecord>, StoreError> {
        self.pool
            .read(|c| {
                let mut s = c
                    .prepare("SELECT id, name, created_at, kill_switch, quota FROM tenants ORDER BY created_at, id")
                    .map_err(unavailable)?;
                let rows = s.query_map([], rows::tenant).map_err(unavailable)?;
                rows.collect::<Result<Vec<_>, _>>().map_err(unavailable)
            })
            .await
    }

    async fn set_kill_switch(&self, id: &TenantId, on: bool) -> Result<(), StoreError> {
        let id = id.to_string();
        self.pool
            .write(move |c| {
                let n = c
                    .execute(
                        "UPDATE tenants SET kill_switch = ?2 WHERE id = ?1",
                        params![id, on],
                    )
                    .map_err(unavailable)?;
                if n == 0 {
                    return Err(StoreError::NotFound {
                        what: Entity::Tenant,
                    });
                }
                Ok(())
            })
            .await
    }

    async fn set_quota(&self, id: &TenantId, quota: Option<u64>) -> Result<(), StoreError> {
        let id = id.to_string();
        self.pool
            .write(move |c| {
                let quota = quota.map(i64_of).transpose()?;
                let n = c
                    .execute(
                        "UPDATE tenants SET quota = ?2 WHERE id = ?1",
                        params![id, quota],
                    )
                    .map_err(unavailable)?;
                if n == 0 {
                    return Err(StoreError::NotFound {
                        what: Entity::Tenant,
                    });
                }
                Ok(())
            })
            .await
    }
}
