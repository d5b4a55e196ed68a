//! Token policies and their versions.

use super::*;

pub(crate) async fn write_policy_version<C: GenericClient>(
    c: &C,
    t: &TenantId,
    p: &Policy,
) -> Result<(), StoreError> {
    let json = serde_json::to_string(p).map_err(|_| corrupt("policy"))?;
    let n = c
        .exec(
            "UPDATE policies SET version = $3::BIGINT, key = $4, updated_at = $5
             WHERE tenant = $1 AND id = $2 AND version = $3::BIGINT - 1 AND deleted_at IS NULL",
            &[
                &t.as_str(),
                &p.id.as_str(),
                &i64::from(p.version),
                &p.body.key,
                &p.updated_at,
            ],
        )
        .await
        .map_err(|e| conflict(Entity::PolicyKey)(pg_err(e)))?;
    if n == 0 {
        return Err(StoreError::Conflict {
            what: Entity::PolicyVersion,
        });
    }
    c.exec(
        "INSERT INTO policy_versions (tenant, id, version, body) VALUES ($1, $2, $3, $4)",
        &[&t.as_str(), &p.id.as_str(), &i64::from(p.version), &json],
    )
    .await
    .map_err(pg_err)?;
    Ok(())
}

#[async_trait]
impl tokenvault_core::store::PolicyStore for PgStore {
    async fn insert_policy(
        &self,
        t: &TenantId,
        p: &Policy,
        a: &AuditEvent,
    ) -> Result<(), StoreError> {
        let json = serde_json::to_string(p).map_err(|_| corrupt("policy"))?;
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg_err)?;
        tx.exec(
            "INSERT INTO policies (tenant, id, version, key, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6)",
            &[&t.as_str(), &p.id.as_str(), &i64::from(p.version), &p.body.key, &p.created_at, &p.updated_at],
        )
        .await
        .map_err(|e| conflict(Entity::Policy)(pg_err(e)))?;
        tx.exec(
            "INSERT INTO policy_versions (tenant, id, version, body) VALUES ($1, $2, $3, $4)",
            &[&t.as_str(), &p.id.as_str(), &i64::from(p.version), &json],
        )
        .await
        .map_err(pg_err)?;
        append_audit(&tx, std::slice::from_ref(a)).await?;
        tx.commit().await.map_err(pg_err)
    }

    async fn update_policy(
        &self,
        t: &TenantId,
        p: &Policy,
        a: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg_err)?;
        write_policy_version(&tx, t, p).await?;
        append_audit(&tx, std::slice::from_ref(a)).await?;
        tx.commit().await.map_err(pg_err)
    }

    async fn delete_policy(
        &self,
        t: &TenantId,
        id: &PolicyId,
        at: UnixSeconds,
        a: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg_err)?;
        let n = tx
            .exec(
                "UPDATE policies SET deleted_at = $3, key = NULL, updated_at = $3
                 WHERE tenant = $1 AND id = $2 AND deleted_at IS NULL",
                &[&t.as_str(), &id.as_str(), &at],
            )
            .await
            .map_err(pg_err)?;
        if n == 0 {
            return Err(StoreError::NotFound {
                what: Entity::Policy,
            });
        }
        append_audit(&tx, std::slice::from_ref(a)).await?;
        tx.commit().await.map_err(pg_err)
    }

    async fn policy(
        &self,
        t: &TenantId,
        id: &PolicyId,
        version: Option<u32>,
    ) -> Result<Option<Policy>, StoreError> {
        let version = version.map(i64::from);
        let r = self
            .client()
            .await?
            .q_opt(
                "SELECT v.body FROM policies p JOIN policy_versions v
                   ON v.tenant = p.tenant AND v.id = p.id AND v.version = COALESCE($3::BIGINT, p.version)
                 WHERE p.tenant = $1 AND p.id = $2 AND ($3::BIGINT IS NOT NULL OR p.deleted_at IS NULL)",
                &[&t.as_str(), &id.as_str(), &version],
            )
            .await
            .map_err(pg_err)?;
        r.map(|r| policy(r.get(0))).transpose()
    }

    async fn policy_by_key(&self, t: &TenantId, key: &str) -> Result<Option<Policy>, StoreError> {
        let r = self
            .client()
            .await?
            .q_opt(
                "SELECT v.body FROM policies p JOIN policy_versions v
                   ON v.tenant = p.tenant AND v.id = p.id AND v.version = p.version
                 WHERE p.tenant = $1 AND p.key = $2 AND p.deleted_at IS NULL",
                &[&t.as_str(), &key],
            )
            .await
            .map_err(pg_err)?;
        r.map(|r| policy(r.get(0))).transpose()
    }

    async fn policies(&self, t: &TenantId) -> Result<Vec<Policy>, StoreError> {
        let rows = self
            .client()
            .await?
            .q(
                "SELECT v.body FROM policies p JOIN policy_versions v
                   ON v.tenant = p.tenant AND v.id = p.id AND v.version = p.version
                 WHERE p.tenant = $1 AND p.deleted_at IS NULL ORDER BY p.created_at, p.id",
                &[&t.as_str()],
            )
            .await
            .map_err(pg_err)?;
        rows.iter().map(|r| policy(r.get(0))).collect()
    }
}
