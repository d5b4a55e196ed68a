//! The SQLite store's management-authorization aggregate: role mapping, tenant settings and
//! two-person changes.

use async_trait::async_trait;
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use tokenvault_core::{
    ids::TenantId,
    store::Entity,
    store::{
        AccessStore, AuditEvent, ChangeDecision, ChangeEffect, ChangeStatus, PendingChange,
        StoreError,
    },
};

use super::{audit, write_policy_version, SqliteStore};
use crate::pool::unavailable;

const CHANGE_COLUMNS: &str =
    "id, kind, target, payload, proposed_by, created_at, status, decided_by, decided_at";

fn corrupt(what: &'static str) -> StoreError {
    StoreError::Corrupt { what }
}

fn permissions_json(p: &[String]) -> Result<String, StoreError> {
    serde_json::to_string(p).map_err(|_| corrupt("role_permissions"))
}

type ChangeRow = (
    String,
    String,
    String,
    String,
    String,
    i64,
    String,
    Option<String>,
    Option<i64>,
);

fn change_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ChangeRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
    ))
}

fn change_of(tenant: &TenantId, row: ChangeRow) -> Result<PendingChange, StoreError> {
    let (id, kind, target, payload, proposed_by, created_at, status, decided_by, decided_at) = row;
    Ok(PendingChange {
        id,
        tenant: tenant.clone(),
        kind,
        target,
        payload,
        proposed_by,
        created_at,
        status: ChangeStatus::parse(&status).ok_or_else(|| corrupt("pending_changes"))?,
        decided_by,
        decided_at,
    })
}

fn apply_role(
    tx: &rusqlite::Transaction<'_>,
    t: &str,
    role: &str,
    permissions: Option<&[String]>,
) -> Result<(), StoreError> {
    match permissions {
        Some(p) => tx
            .execute(
                "INSERT INTO role_permissions (tenant, role, permissions) VALUES (?1, ?2, ?3)
                 ON CONFLICT (tenant, role) DO UPDATE SET permissions = excluded.permissions",
                params![t, role, permissions_json(p)?],
            )
            .map_err(unavailable)?,
        None => tx
            .execute(
                "DELETE FROM role_permissions WHERE tenant = ?1 AND role = ?2",
                params![t, role],
            )
            .map_err(unavailable)?,
    };
    Ok(())
}

impl SqliteStore {
    /// Runs `f` and appends `audit` in one immediate transaction.
    pub(super) async fn audited<F>(&self, audit: &AuditEvent, f: F) -> Result<(), StoreError>
    where
        F: FnOnce(&rusqlite::Transaction<'_>) -> Result<(), StoreError> + Send + 'static,
    {
        let a = audit.clone();
        self.pool
            .write(move |c| {
                let tx = c
                    .transaction_with_behavior(TransactionBehavior::Immediate)
                    .map_err(unavailable)?;
                f(&tx)?;
                audit::append(&tx, std::slice::from_ref(&a))?;
                tx.commit().map_err(unavailable)
            })
            .await
    }
}

fn apply_setting(
    tx: &rusqlite::Transaction<'_>,
    t: &str,
    key: &str,
    value: Option<&str>,
) -> Result<(), StoreError> {
    match value {
        Some(v) => tx.execute(
            "INSERT INTO tenant_settings (tenant, key, value) VALUES (?1, ?2, ?3)
             ON CONFLICT (tenant, key) DO UPDATE SET value = excluded.value",
            params![t, key, v],
        ),
        None => tx.execute(
            "DELETE FROM tenant_settings WHERE tenant = ?1 AND key = ?2",
            params![t, key],
        ),
    }
    .map(drop)
    .map_err(unavailable)
}

#[async_trait]
impl AccessStore for SqliteStore {
    async fn role_permissions(
        &self,
        tenant: &TenantId,
    ) -> Result<Vec<(String, Vec<String>)>, StoreError> {
        let t = tenant.to_string();
        let rows: Vec<(String, String)> = self
            .pool
            .read(move |c| {
                let mut s = c
                    .prepare_cached(
                        "SELECT role, permissions FROM role_permissions WHERE tenant = ?1 ORDER BY role",
                    )
                    .map_err(unavailable)?;
                let rows = s
                    .query_map([t], |r| Ok((r.get(0)?, r.get(1)?)))
                    .map_err(unavailable)?;
                rows.collect::<Result<Vec<_>, _>>().map_err(unavailable)
            })
            .await?;
        rows.into_iter()
            .map(|(role, json)| {
                serde_json::from_str(&json)
                    .map(|p| (role, p))
                    .map_err(|_| corrupt("role_permissions"))
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
        let (t, role, p) = (
            tenant.to_string(),
            role.to_owned(),
            permissions.map(<[String]>::to_vec),
        );
        self.audited(audit, move |tx| apply_role(tx, &t, &role, p.as_deref()))
            .await
    }

    async fn tenant_setting(
        &self,
        tenant: &TenantId,
        key: &str,
    ) -> Result<Option<String>, StoreError> {
        let (t, k) = (tenant.to_string(), key.to_owned());
        self.pool
            .read(move |c| {
                c.prepare_cached("SELECT value FROM tenant_settings WHERE tenant = ?1 AND key = ?2")
                    .and_then(|mut s| s.query_row(params![t, k], |r| r.get(0)).optional())
                    .map_err(unavailable)
            })
            .await
    }

    async fn set_tenant_setting(
        &self,
        tenant: &TenantId,
        key: &str,
        value: Option<&str>,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let (t, k, v) = (tenant.to_string(), key.to_owned(), value.map(str::to_owned));
        self.audited(audit, move |tx| apply_setting(tx, &t, &k, v.as_deref()))
            .await
    }

    async fn insert_change(
        &self,
        change: &PendingChange,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let ch = change.clone();
        self.audited(audit, move |tx| {
            tx.execute(
                "INSERT INTO pending_changes (tenant, id, kind, target, payload, proposed_by, created_at, status)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    ch.tenant.as_str(),
                    ch.id,
                    ch.kind,
                    ch.target,
                    ch.payload,
                    ch.proposed_by,
                    ch.created_at,
                    ch.status.as_str()
                ],
            )
            .map(drop)
            .map_err(unavailable)
        })
        .await
    }

    async fn changes(
        &self,
        tenant: &TenantId,
        status: Option<ChangeStatus>,
    ) -> Result<Vec<PendingChange>, StoreError> {
        let (t, st) = (tenant.to_string(), status.map(|s| s.as_str().to_owned()));
        let rows = self
            .pool
            .read(move |c| {
                let mut s = c
                    .prepare_cached(&format!(
                        "SELECT {CHANGE_COLUMNS} FROM pending_changes
                         WHERE tenant = ?1 AND (?2 IS NULL OR status = ?2)
                         ORDER BY created_at DESC, id DESC LIMIT 1000"
                    ))
                    .map_err(unavailable)?;
                let rows = s
                    .query_map(params![t, st], change_row)
                    .map_err(unavailable)?;
                rows.collect::<Result<Vec<_>, _>>().map_err(unavailable)
            })
            .await?;
        rows.into_iter().map(|r| change_of(tenant, r)).collect()
    }

    async fn change(
        &self,
        tenant: &TenantId,
        id: &str,
    ) -> Result<Option<PendingChange>, StoreError> {
        let (t, id) = (tenant.to_string(), id.to_owned());
        let row = self
            .pool
            .read(move |c| {
                c.prepare_cached(&format!(
                    "SELECT {CHANGE_COLUMNS} FROM pending_changes WHERE tenant = ?1 AND id = ?2"
                ))
                .and_then(|mut s| s.query_row(params![t, id], change_row).optional())
                .map_err(unavailable)
            })
            .await?;
        row.map(|r| change_of(tenant, r)).transpose()
    }

    async fn decide_change(
        &self,
        tenant: &TenantId,
        id: &str,
        decision: &ChangeDecision,
        effect: Option<ChangeEffect>,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let (t, id, d) = (tenant.to_string(), id.to_owned(), decision.clone());
        self.audited(audit, move |tx| {
            let n = tx
                .execute(
                    "UPDATE pending_changes SET status = ?3, decided_by = ?4, decided_at = ?5
                     WHERE tenant = ?1 AND id = ?2 AND status = 'pending'",
                    params![t, id, d.status.as_str(), d.decided_by, d.at],
                )
                .map_err(unavailable)?;
            if n == 0 {
                let exists: Option<i64> = tx
                    .query_row(
                        "SELECT 1 FROM pending_changes WHERE tenant = ?1 AND id = ?2",
                        params![t, id],
                        |r| r.get(0),
                    )
                    .optional()
                    .map_err(unavailable)?;
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
                Some(ChangeEffect::Policy(p)) => write_policy_version(tx, &t, p),
                Some(ChangeEffect::Role { role, permissions }) => {
                    apply_role(tx, &t, role, permissions.as_deref())
                }
                Some(ChangeEffect::Setting { key, value }) => {
                    apply_setting(tx, &t, key, value.as_deref())
                }
                None => Ok(()),
            }
        })
        .await
    }
}

/// Everything of a tenant's access state, for `migrate-store`.
pub(crate) async fn export(
    store: &SqliteStore,
    tenant: &TenantId,
) -> Result<tokenvault_core::store::AccessExport, StoreError> {
    let roles = store.role_permissions(tenant).await?;
    let t = tenant.to_string();
    let (settings, rows) = store
        .pool
        .read(move |c| {
            let mut s = c
                .prepare("SELECT key, value FROM tenant_settings WHERE tenant = ?1 ORDER BY key")
                .map_err(unavailable)?;
            let settings = s
                .query_map([&t], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(unavailable)?
                .collect::<Result<Vec<(String, String)>, _>>()
                .map_err(unavailable)?;
            let mut s = c
                .prepare(&format!(
                    "SELECT {CHANGE_COLUMNS} FROM pending_changes WHERE tenant = ?1 ORDER BY created_at, id"
                ))
                .map_err(unavailable)?;
            let rows = s
                .query_map([&t], change_row)
                .map_err(unavailable)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(unavailable)?;
            Ok((settings, rows))
        })
        .await?;
    let changes = rows
        .into_iter()
        .map(|r| change_of(tenant, r))
        .collect::<Result<_, _>>()?;
    Ok(tokenvault_core::store::AccessExport {
        roles,
        settings,
        changes,
    })
}
