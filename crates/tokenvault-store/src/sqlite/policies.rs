//! Token policies and their versions.

use super::*;

pub(super) fn policy_from_json(json: &str) -> Result<Policy, StoreError> {
    serde_json::from_str(json).map_err(|e| StoreError::Unavailable {
        detail: format!("stored policy is unreadable: {e}"),
    })
}

/// Stores the next version of a policy; `Conflict` unless the current version is one less.
pub(crate) fn write_policy_version(
    tx: &rusqlite::Transaction<'_>,
    t: &str,
    p: &Policy,
) -> Result<(), StoreError> {
    let json = policy_json(p)?;
    let n = tx
        .execute(
            "UPDATE policies SET version = ?3, key = ?4, updated_at = ?5
             WHERE tenant = ?1 AND id = ?2 AND version = ?3 - 1 AND deleted_at IS NULL",
            params![t, p.id.as_str(), p.version, p.body.key, p.updated_at],
        )
        .map_err(|e| match unavailable(e) {
            StoreError::Conflict { .. } => StoreError::Conflict {
                what: Entity::PolicyKey,
            },
            other => other,
        })?;
    if n == 0 {
        return Err(StoreError::Conflict {
            what: Entity::PolicyVersion,
        });
    }
    tx.execute(
        "INSERT INTO policy_versions (tenant, id, version, body) VALUES (?1, ?2, ?3, ?4)",
        params![t, p.id.as_str(), p.version, json],
    )
    .map_err(unavailable)?;
    Ok(())
}

pub(super) fn policy_json(policy: &Policy) -> Result<String, StoreError> {
    serde_json::to_string(policy).map_err(|e| StoreError::Unavailable {
        detail: format!("policy encoding: {e}"),
    })
}

#[async_trait]
impl tokenvault_core::store::PolicyStore for SqliteStore {
    async fn insert_policy(
        &self,
        tenant: &TenantId,
        policy: &Policy,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let (t, p, a) = (tenant.to_string(), policy.clone(), audit.clone());
        self.pool
            .write(move |c| {
                let json = policy_json(&p)?;
                let tx = c.transaction_with_behavior(TransactionBehavior::Immediate).map_err(unavailable)?;
                tx.execute(
                    "INSERT INTO policies (tenant, id, version, key, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![t, p.id.as_str(), p.version, p.body.key, p.created_at, p.updated_at],
                )
                .map_err(|e| match unavailable(e) {
                    StoreError::Conflict { .. } => StoreError::Conflict { what: Entity::Policy },
                    other => other,
                })?;
                tx.execute(
                    "INSERT INTO policy_versions (tenant, id, version, body) VALUES (?1, ?2, ?3, ?4)",
                    params![t, p.id.as_str(), p.version, json],
                )
                .map_err(unavailable)?;
                audit::append(&tx, std::slice::from_ref(&a))?;
                tx.commit().map_err(unavailable)
            })
            .await
    }

    async fn update_policy(
        &self,
        tenant: &TenantId,
        policy: &Policy,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let (t, p, a) = (tenant.to_string(), policy.clone(), audit.clone());
        self.pool
            .write(move |c| {
                let tx = c
                    .transaction_with_behavior(TransactionBehavior::Immediate)
                    .map_err(unavailable)?;
                write_policy_version(&tx, &t, &p)?;
                audit::append(&tx, std::slice::from_ref(&a))?;
                tx.commit().map_err(unavailable)
            })
            .await
    }

    async fn delete_policy(
        &self,
        tenant: &TenantId,
        id: &PolicyId,
        at: UnixSeconds,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let (t, id, a) = (tenant.to_string(), id.to_string(), audit.clone());
        self.pool
            .write(move |c| {
                let tx = c
                    .transaction_with_behavior(TransactionBehavior::Immediate)
                    .map_err(unavailable)?;
                let n = tx
                    .execute(
                        "UPDATE policies SET deleted_at = ?3, key = NULL, updated_at = ?3
                         WHERE tenant = ?1 AND id = ?2 AND deleted_at IS NULL",
                        params![t, id, at],
                    )
                    .map_err(unavailable)?;
                if n == 0 {
                    return Err(StoreError::NotFound {
                        what: Entity::Policy,
                    });
                }
                audit::append(&tx, std::slice::from_ref(&a))?;
                tx.commit().map_err(unavailable)
            })
            .await
    }

    async fn policy(
        &self,
        tenant: &TenantId,
        id: &PolicyId,
        version: Option<u32>,
    ) -> Result<Option<Policy>, StoreError> {
        let (t, id) = (tenant.to_string(), id.to_string());
        self.pool
            .read(move |c| {
                let json: Option<String> = c
                    .prepare_cached(
                        "SELECT v.body FROM policies p JOIN policy_versions v
                           ON v.tenant = p.tenant AND v.id = p.id AND v.version = COALESCE(?3, p.version)
                         WHERE p.tenant = ?1 AND p.id = ?2 AND (?3 IS NOT NULL OR p.deleted_at IS NULL)",
                    )
                    .and_then(|mut s| s.query_row(params![t, id, version], |r| r.get(0)).optional())
                    .map_err(unavailable)?;
                json.map(|j| policy_from_json(&j)).transpose()
            })
            .await
    }

    async fn policy_by_key(
        &self,
        tenant: &TenantId,
        key: &str,
    ) -> Result<Option<Policy>, StoreError> {
        let (t, key) = (tenant.to_string(), key.to_owned());
        self.pool
            .read(move |c| {
                let json: Option<String> = c
                    .prepare_cached(
                        "SELECT v.body FROM policies p JOIN policy_versions v
                           ON v.tenant = p.tenant AND v.id = p.id AND v.version = p.version
                         WHERE p.tenant = ?1 AND p.key = ?2 AND p.deleted_at IS NULL",
                    )
                    .and_then(|mut s| s.query_row(params![t, key], |r| r.get(0)).optional())
                    .map_err(unavailable)?;
                json.map(|j| policy_from_json(&j)).transpose()
            })
            .await
    }

    async fn policies(&self, tenant: &TenantId) -> Result<Vec<Policy>, StoreError> {
        let t = tenant.to_string();
        self.pool
            .read(move |c| {
                let mut s = c
                    .prepare(
                        "SELECT v.body FROM policies p JOIN policy_versions v
                           ON v.tenant = p.tenant AND v.id = p.id AND v.version = p.version
                         WHERE p.tenant = ?1 AND p.deleted_at IS NULL ORDER BY p.created_at, p.id",
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
}
