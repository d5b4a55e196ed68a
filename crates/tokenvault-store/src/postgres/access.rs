//! The PostgreSQL store's management-authorization aggregate: role mapping, tenant settings
//! and two-person changes.

use async_trait::async_trait;
use deadpool_postgres::GenericClient;
use tokenvault_core::{
    ids::TenantId,
    store::Entity,
    store::{
        AccessStore, AuditEvent, ChangeDecision, ChangeEffect, ChangeStatus, PendingChange,
        StoreError,
    },
};

use super::{
    append_audit,
    config_cache::{ConfigKey, ConfigValue},
    corrupt, pg_err, write_policy_version, Cached, PgStore,
};

const CHANGE_COLUMNS: &str =
    "id, kind, target, payload, proposed_by, created_at, status, decided_by, decided_at";

fn change_of(tenant: &TenantId, r: &tokio_postgres::Row) -> Result<PendingChange, StoreError> {
    let status: String = r.get(6);
    Ok(PendingChange {
        id: r.get(0),
        tenant: tenant.clone(),
        kind: r.get(1),
        target: r.get(2),
        payload: r.get(3),
        proposed_by: r.get(4),
        created_at: r.get(5),
        status: ChangeStatus::parse(&status).ok_or_else(|| corrupt("pending change"))?,
        decided_by: r.get(7),
        decided_at: r.get(8),
    })
}

async fn apply_role<C: GenericClient>(
    c: &C,
    t: &TenantId,
    role: &str,
    permissions: Option<&[String]>,
) -> Result<(), StoreError> {
    match permissions {
        Some(p) => {
            let json = serde_json::to_string(p).map_err(|_| corrupt("role permissions"))?;
            c.exec(
                "INSERT INTO role_permissions (tenant, role, permissions) VALUES ($1, $2, $3)
                 ON CONFLICT (tenant, role) DO UPDATE SET permissions = excluded.permissions",
                &[&t.as_str(), &role, &json],
            )
            .await
        }
        None => {
            c.exec(
                "DELETE FROM role_permissions WHERE tenant = $1 AND role = $2",
                &[&t.as_str(), &role],
            )
            .await
        }
    }
    .map_err(pg_err)?;
    Ok(())
}

async fn apply_setting<C: GenericClient>(
    c: &C,
    t: &TenantId,
    key: &str,
    value: Option<&str>,
) -> Result<(), StoreError> {
    match value {
        Some(v) => {
            c.exec(
                "INSERT INTO tenant_settings (tenant, key, value) VALUES ($1, $2, $3)
                 ON CONFLICT (tenant, key) DO UPDATE SET value = excluded.value",
                &[&t.as_str(), &key, &v],
            )
            .await
        }
        None => {
            c.exec(
                "DELETE FROM tenant_settings WHERE tenant = $1 AND key = $2",
                &[&t.as_str(), &key],
            )
            .await
        }
    }
    .map_err(pg_err)?;
    Ok(())
}

#[async_trait]
impl AccessStore for PgStore {
    async fn role_permissions(
        &self,
        tenant: &TenantId,
    ) -> Result<Vec<(String, Vec<String>)>, StoreError> {
        let rows = self
            .client()
            .await?
            .q(
                "SELECT role, permissions FROM role_permissions WHERE tenant = $1 ORDER BY role",
                &[&tenant.as_str()],
            )
            .await
            .map_err(pg_err)?;
        rows.iter()
            .map(|r| {
                let json: String = r.get(1);
                serde_json::from_str(&json)
                    .map(|p| (r.get(0), p))
                    .map_err(|_| corrupt("role permissions"))
            })
            .collect()
    }

    async fn set_role_permissions(
        &self,
        tenant: &TenantId,
        role: &str,
        permissions: Option<&[String]>,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg_err)?;
        apply_role(&tx, tenant, role, permissions).await?;
        append_audit(&tx, std::slice::from_ref(audit)).await?;
        tx.commit().await.map_err(pg_err)
    }

    async fn tenant_setting(
        &self,
        tenant: &TenantId,
        key: &str,
    ) -> Result<Option<String>, StoreError> {
        self.cached(
            ConfigKey::Setting(tenant.to_string(), key.to_owned()),
            || async {
                let row = self
                    .client()
                    .await?
                    .q_opt(
                        "SELECT value FROM tenant_settings WHERE tenant = $1 AND key = $2",
                        &[&tenant.as_str(), &key],
                    )
                    .await
                    .map_err(pg_err)?;
                Ok(row.map(|r| r.get(0)))
            },
            |v| match v {
                ConfigValue::Setting(s) => Some(s),
                _ => None,
            },
            // A setting of a tenant that exists or not: the key is one of the vault's own names.
            |value| Some((tenant.to_string(), ConfigValue::Setting(value.clone()))),
        )
        .await
    }

    async fn set_tenant_setting(
        &self,
        tenant: &TenantId,
        key: &str,
        value: Option<&str>,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg_err)?;
        apply_setting(&tx, tenant, key, value).await?;
        append_audit(&tx, std::slice::from_ref(audit)).await?;
        tx.commit().await.map_err(pg_err)?;
        self.config_changed(tenant);
        Ok(())
    }

    async fn insert_change(
        &self,
        ch: &PendingChange,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg_err)?;
        tx.exec(
            "INSERT INTO pending_changes (tenant, id, kind, target, payload, proposed_by, created_at, status)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[
                &ch.tenant.as_str(),
                &ch.id,
                &ch.kind,
                &ch.target,
                &ch.payload,
                &ch.proposed_by,
                &ch.created_at,
                &ch.status.as_str(),
            ],
        )
        .await
        .map_err(pg_err)?;
        append_audit(&tx, std::slice::from_ref(audit)).await?;
        tx.commit().await.map_err(pg_err)
    }

    async fn changes(
        &self,
        tenant: &TenantId,
        status: Option<ChangeStatus>,
    ) -> Result<Vec<PendingChange>, StoreError> {
        let st = status.map(ChangeStatus::as_str);
        let rows = self
            .client()
            .await?
            .q(
                &format!(
                    "SELECT {CHANGE_COLUMNS} FROM pending_changes
                     WHERE tenant = $1 AND ($2::TEXT IS NULL OR status = $2)
                     ORDER BY created_at DESC, id DESC LIMIT 1000"
                ),
                &[&tenant.as_str(), &st],
            )
            .await
            .map_err(pg_err)?;
        rows.iter().map(|r| change_of(tenant, r)).collect()
    }

    async fn change(
        &self,
        tenant: &TenantId,
        id: &str,
    ) -> Result<Option<PendingChange>, StoreError> {
        let row = self
            .client()
            .await?
            .q_opt(
                &format!(
                    "SELECT {CHANGE_COLUMNS} FROM pending_changes WHERE tenant = $1 AND id = $2"
                ),
                &[&tenant.as_str(), &id],
            )
            .await
            .map_err(pg_err)?;
        row.map(|r| change_of(tenant, &r)).transpose()
    }

    async fn decide_change(
        &self,
        tenant: &TenantId,
        id: &str,
        decision: &ChangeDecision,
        effect: Option<ChangeEffect>,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg_err)?;
        let n = tx
            .exec(
                "UPDATE pending_changes SET status = $3, decided_by = $4, decided_at = $5
                 WHERE tenant = $1 AND id = $2 AND status = 'pending'",
                &[
                    &tenant.as_str(),
                    &id,
                    &decision.status.as_str(),
                    &decision.decided_by,
                    &decision.at,
                ],
            )
            .await
            .map_err(pg_err)?;
        if n == 0 {
            let exists = tx
                .q_opt(
                    "SELECT 1 FROM pending_changes WHERE tenant = $1 AND id = $2",
                    &[&tenant.as_str(), &id],
                )
                .await
                .map_err(pg_err)?;
            return Err(match exists {
                Some(_) => StoreError::Conflict {
                    what: Entity::ChangeDecision,
                },
                None => StoreError::NotFound {
                    what: Entity::Change,
                },
            });
        }
        match &effect {
            Some(ChangeEffect::Policy(p)) => write_policy_version(&tx, tenant, p).await?,
            Some(ChangeEffect::Role { role, permissions }) => {
                apply_role(&tx, tenant, role, permissions.as_deref()).await?
            }
            Some(ChangeEffect::Setting { key, value }) => {
                apply_setting(&tx, tenant, key, value.as_deref()).await?
            }
            None => {}
        }
        append_audit(&tx, std::slice::from_ref(audit)).await?;
        tx.commit().await.map_err(pg_err)?;
        self.config_changed(tenant);
        Ok(())
    }
}

/// Writes an exported access state as it is: no audit events (the audit chain is copied
/// separately), existing entries kept, so an interrupted migration can run again.
pub(crate) async fn import(
    store: &PgStore,
    t: &TenantId,
    access: &tokenvault_core::store::AccessExport,
) -> Result<(), StoreError> {
    let mut c = store.client().await?;
    let tx = c.transaction().await.map_err(pg_err)?;
    for (role, permissions) in &access.roles {
        let json = serde_json::to_string(permissions).map_err(|_| corrupt("role permissions"))?;
        tx.exec(
            "INSERT INTO role_permissions (tenant, role, permissions) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            &[&t.as_str(), role, &json],
        )
        .await
        .map_err(pg_err)?;
    }
    for (key, value) in &access.settings {
        tx.exec(
            "INSERT INTO tenant_settings (tenant, key, value) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            &[&t.as_str(), key, value],
        )
        .await
        .map_err(pg_err)?;
    }
    for ch in &access.changes {
        tx.exec(
            "INSERT INTO pending_changes (tenant, id, kind, target, payload, proposed_by, created_at, status, decided_by, decided_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING",
            &[
                &t.as_str(),
                &ch.id,
                &ch.kind,
                &ch.target,
                &ch.payload,
                &ch.proposed_by,
                &ch.created_at,
                &ch.status.as_str(),
                &ch.decided_by,
                &ch.decided_at,
            ],
        )
        .await
        .map_err(pg_err)?;
    }
    tx.commit().await.map_err(pg_err)?;
    store.config_changed(t);
    Ok(())
}
