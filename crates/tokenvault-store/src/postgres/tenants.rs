//! Tenants and the store's metadata.

use super::{
    config_cache::{ConfigKey, ConfigValue},
    *,
};

#[async_trait]
impl tokenvault_core::store::TenantStore for PgStore {
    async fn ping(&self) -> Result<(), StoreError> {
        self.client()
            .await?
            .exec("SELECT 1", &[])
            .await
            .map(|_| ())
            .map_err(pg_err)
    }

    async fn meta_get_or_insert(&self, key: &str, value: &[u8]) -> Result<Vec<u8>, StoreError> {
        let c = self.client().await?;
        c.exec(
            "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&key, &value],
        )
        .await
        .map_err(pg_err)?;
        Ok(c.q_one("SELECT value FROM meta WHERE key = $1", &[&key])
            .await
            .map_err(pg_err)?
            .get(0))
    }

    async fn create_tenant(&self, t: &TenantRecord) -> Result<(), StoreError> {
        let quota = t.quota.map(i64_of).transpose()?;
        self.client()
            .await?
            .exec(
                "INSERT INTO tenants (id, name, created_at, kill_switch, quota) VALUES ($1, $2, $3, $4, $5)",
                &[&t.id.as_str(), &t.name, &t.created_at, &t.kill_switch, &quota],
            )
            .await
            .map_err(|e| conflict(Entity::Tenant)(pg_err(e)))?;
        self.config_changed(&t.id);
        Ok(())
    }

    async fn tenant(&self, id: &TenantId) -> Result<Option<TenantRecord>, StoreError> {
        self.cached(
            ConfigKey::Tenant(id.to_string()),
            || async {
                let r = self
                    .client()
                    .await?
                    .q_opt(
                        "SELECT id, name, created_at, kill_switch, quota FROM tenants WHERE id = $1",
                        &[&id.as_str()],
                    )
                    .await
                    .map_err(pg_err)?;
                r.as_ref().map(tenant).transpose()
            },
            |v| match v {
                ConfigValue::Tenant(t) => Some(Some(t)),
                _ => None,
            },
            |found| {
                found
                    .as_ref()
                    .map(|t| (t.id.to_string(), ConfigValue::Tenant(t.clone())))
            },
        )
        .await
    }

    async fn tenants(&self) -> Result<Vec<TenantRecord>, StoreError> {
        let rows = self
            .client()
            .await?
            .q("SELECT id, name, created_at, kill_switch, quota FROM tenants ORDER BY created_at, id", &[])
            .await
            .map_err(pg_err)?;
        rows.iter().map(tenant).collect()
    }

    async fn set_kill_switch(&self, id: &TenantId, on: bool) -> Result<(), StoreError> {
        let n = self
            .client()
            .await?
            .exec(
                "UPDATE tenants SET kill_switch = $2 WHERE id = $1",
                &[&id.as_str(), &on],
            )
            .await
            .map_err(pg_err)?;
        if n == 0 {
            return Err(StoreError::NotFound {
                what: Entity::Tenant,
            });
        }
        self.config_changed(id);
        Ok(())
    }

    async fn set_quota(&self, id: &TenantId, quota: Option<u64>) -> Result<(), StoreError> {
        let quota = quota.map(i64_of).transpose()?;
        let n = self
            .client()
            .await?
            .exec(
                "UPDATE tenants SET quota = $2 WHERE id = $1",
                &[&id.as_str(), &quota],
            )
            .await
            .map_err(pg_err)?;
        if n == 0 {
            return Err(StoreError::NotFound {
                what: Entity::Tenant,
            });
        }
        self.config_changed(id);
        Ok(())
    }
}
