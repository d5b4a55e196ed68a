//! The object vault's collections on PostgreSQL: one row per collection, its definition as
//! JSON, keyed by the lower-case name.

use super::{
    config_cache::{ConfigKey, ConfigValue},
    *,
};
use tokenvault_core::{objects::Collection, store::CollectionStore};

fn body(c: &Collection) -> Result<String, StoreError> {
    serde_json::to_string(c).map_err(|_| corrupt("collection"))
}

fn read(json: &str) -> Result<Collection, StoreError> {
    serde_json::from_str(json).map_err(|_| corrupt("collection"))
}

impl PgStore {
    /// Runs one statement on the collection row and appends `audit`, in one transaction;
    /// `NotFound` when no row was touched.
    async fn change_collection(
        &self,
        tenant: &TenantId,
        sql: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg_err)?;
        let n = tx.exec(sql, params).await.map_err(pg_err)?;
        if n == 0 {
            return Err(StoreError::NotFound {
                what: Entity::Collection,
            });
        }
        append_audit(&tx, std::slice::from_ref(audit)).await?;
        tx.commit().await.map_err(pg_err)?;
        self.config_changed(tenant);
        Ok(())
    }
}

#[async_trait]
impl CollectionStore for PgStore {
    async fn create_collection(
        &self,
        tenant: &TenantId,
        collection: &Collection,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg_err)?;
        tx.exec(
            "INSERT INTO collections (tenant, name_key, body) VALUES ($1, $2, $3)",
            &[
                &tenant.as_str(),
                &collection.name.to_ascii_lowercase(),
                &body(collection)?,
            ],
        )
        .await
        .map_err(|e| conflict(Entity::Collection)(pg_err(e)))?;
        append_audit(&tx, std::slice::from_ref(audit)).await?;
        tx.commit().await.map_err(pg_err)?;
        self.config_changed(tenant);
        Ok(())
    }

    async fn update_collection(
        &self,
        tenant: &TenantId,
        collection: &Collection,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        self.change_collection(
            tenant,
            "UPDATE collections SET body = $3 WHERE tenant = $1 AND name_key = $2",
            &[
                &tenant.as_str(),
                &collection.name.to_ascii_lowercase(),
                &body(collection)?,
            ],
            audit,
        )
        .await
    }

    async fn delete_collection(
        &self,
        tenant: &TenantId,
        name: &str,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        self.change_collection(
            tenant,
            "DELETE FROM collections WHERE tenant = $1 AND name_key = $2",
            &[&tenant.as_str(), &name.to_ascii_lowercase()],
            audit,
        )
        .await
    }

    async fn collection(
        &self,
        tenant: &TenantId,
        name: &str,
    ) -> Result<Option<Collection>, StoreError> {
        let name_key = name.to_ascii_lowercase();
        self.cached(
            ConfigKey::Collection(tenant.to_string(), name_key.clone()),
            || async {
                let row = self
                    .client()
                    .await?
                    .q_opt(
                        "SELECT body FROM collections WHERE tenant = $1 AND name_key = $2",
                        &[&tenant.as_str(), &name_key],
                    )
                    .await
                    .map_err(pg_err)?;
                row.map(|r| read(r.get(0))).transpose()
            },
            |v| match v {
                ConfigValue::Collection(c) => Some(Some(c)),
                _ => None,
            },
            |found| {
                found
                    .as_ref()
                    .map(|c| (tenant.to_string(), ConfigValue::Collection(c.clone())))
            },
        )
        .await
    }

    async fn collections(&self, tenant: &TenantId) -> Result<Vec<Collection>, StoreError> {
        let rows = self
            .client()
            .await?
            .q(
                "SELECT body FROM collections WHERE tenant = $1 ORDER BY name_key",
                &[&tenant.as_str()],
            )
            .await
            .map_err(pg_err)?;
        rows.iter().map(|r| read(r.get(0))).collect()
    }
}
