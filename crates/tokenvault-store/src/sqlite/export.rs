//! Reading the whole store, for moving a vault to another store.

use super::{policies::policy_from_json, *};

#[async_trait]
impl tokenvault_core::store::StoreExport for SqliteStore {
    async fn export_meta(&self) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        self.pool
            .read(|c| {
                let mut s = c
                    .prepare("SELECT key, value FROM meta ORDER BY key")
                    .map_err(unavailable)?;
                let rows = s
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                    .map_err(unavailable)?;
                rows.collect::<Result<Vec<_>, _>>().map_err(unavailable)
            })
            .await
    }

    async fn export_policies(&self, tenant: &TenantId) -> Result<Vec<Policy>, StoreError> {
        let t = tenant.to_string();
        self.pool
            .read(move |c| {
                let mut s = c
                    .prepare(
                        "SELECT body FROM policy_versions WHERE tenant = ?1 AND id NOT IN
                           (SELECT id FROM policies WHERE tenant = ?1 AND deleted_at IS NOT NULL)
                         ORDER BY id, version",
                    )
                    .map_err(unavailable)?;
                let rows = s
                    .query_map([t], |r| r.get::<_, String>(0))
                    .map_err(unavailable)?;
                rows.map(|r| r.map_err(unavailable).and_then(|j| policy_from_json(&j)))
                    .collect()
            })
            .await
    }

    async fn export_tokens(
        &self,
        after: i64,
        limit: usize,
    ) -> Result<Vec<(i64, TokenRecord)>, StoreError> {
        self.pool
            .read(move |c| {
                let mut s = c
                    .prepare_cached(&format!(
                        "SELECT {TOKEN_COLUMNS}, seq FROM tokens WHERE seq > ?1 ORDER BY seq LIMIT ?2"
                    ))
                    .map_err(unavailable)?;
                let rows = s
                    .query_map(params![after, i64::try_from(limit).unwrap_or(1000)], |r| {
                        Ok((r.get::<_, i64>(15)?, rows::token(r)?))
                    })
                    .map_err(unavailable)?;
                rows.collect::<Result<Vec<_>, _>>().map_err(unavailable)
            })
            .await
    }

    async fn export_audit(&self, after: u64, limit: usize) -> Result<Vec<AuditRecord>, StoreError> {
        self.pool.read(move |c| audit::range(c, after, limit)).await
    }

    async fn export_usage(&self) -> Result<Vec<(String, i64, i64)>, StoreError> {
        self.pool
            .read(|c| {
                let mut s = c
                    .prepare("SELECT tenant, period, operations FROM usage ORDER BY tenant, period")
                    .map_err(unavailable)?;
                let rows = s
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .map_err(unavailable)?;
                rows.collect::<Result<Vec<_>, _>>().map_err(unavailable)
            })
            .await
    }

    async fn export_access(&self, tenant: &TenantId) -> Result<AccessExport, StoreError> {
        super::access::export(self, tenant).await
    }
}
