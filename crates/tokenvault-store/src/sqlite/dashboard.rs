//! Dashboard users and their sessions on SQLite.

use async_trait::async_trait;
use rusqlite::{params, OptionalExtension, Row};
use tokenvault_core::{
    clock::UnixSeconds,
    ids::TenantId,
    store::{AuditEvent, DashboardStore, DashboardUser, Entity, SessionRecord, StoreError},
};

use super::SqliteStore;
use crate::pool::unavailable;

const USER_COLUMNS: &str =
    "login, tenant, password_hash, roles, created_at, failed_logins, locked_until, disabled";
const SESSION_COLUMNS: &str = "id_hash, tenant, login, csrf_hash, created_at, expires_at, ended_at";

fn corrupt(what: &'static str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, what.into())
}

fn user(r: &Row<'_>) -> rusqlite::Result<DashboardUser> {
    let roles: String = r.get(3)?;
    Ok(DashboardUser {
        login: r.get(0)?,
        tenant: TenantId::parse(&r.get::<_, String>(1)?).map_err(|_| corrupt("tenant"))?,
        password_hash: r.get(2)?,
        roles: serde_json::from_str(&roles).map_err(|_| corrupt("roles"))?,
        created_at: r.get(4)?,
        failed_logins: r.get(5)?,
        locked_until: r.get(6)?,
        disabled: r.get(7)?,
    })
}

fn session(r: &Row<'_>) -> rusqlite::Result<SessionRecord> {
    let hash = |i| -> rusqlite::Result<[u8; 32]> {
        r.get::<_, Vec<u8>>(i)?
            .try_into()
            .map_err(|_| corrupt("session hash"))
    };
    Ok(SessionRecord {
        id_hash: hash(0)?,
        tenant: TenantId::parse(&r.get::<_, String>(1)?).map_err(|_| corrupt("tenant"))?,
        login: r.get(2)?,
        csrf_hash: hash(3)?,
        created_at: r.get(4)?,
        expires_at: r.get(5)?,
        ended_at: r.get(6)?,
    })
}

fn roles_json(roles: &[String]) -> Result<String, StoreError> {
    serde_json::to_string(roles).map_err(|_| StoreError::Corrupt { what: "roles" })
}

fn not_found() -> StoreError {
    StoreError::NotFound {
        what: Entity::DashboardUser,
    }
}

fn end_sessions(
    tx: &rusqlite::Transaction<'_>,
    login: &str,
    at: UnixSeconds,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE dashboard_sessions SET ended_at = ?2 WHERE login = ?1 AND ended_at IS NULL",
        params![login, at],
    )
    .map(drop)
    .map_err(unavailable)
}

#[async_trait]
impl DashboardStore for SqliteStore {
    async fn insert_user(&self, u: &DashboardUser, audit: &AuditEvent) -> Result<(), StoreError> {
        let u = u.clone();
        let roles = roles_json(&u.roles)?;
        self.audited(audit, move |tx| {
            tx.execute(
                &format!("INSERT INTO dashboard_users ({USER_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"),
                params![u.login, u.tenant.as_str(), u.password_hash, roles, u.created_at, u.failed_logins, u.locked_until, u.disabled],
            )
            .map(drop)
            .map_err(|e| match unavailable(e) {
                StoreError::Conflict { .. } => StoreError::Conflict {
                    what: Entity::DashboardUser,
                },
                other => other,
            })
        })
        .await
    }

    async fn user(&self, login: &str) -> Result<Option<DashboardUser>, StoreError> {
        let login = login.to_owned();
        self.pool
            .read(move |c| {
                c.prepare_cached(&format!(
                    "SELECT {USER_COLUMNS} FROM dashboard_users WHERE login = ?1"
                ))
                .and_then(|mut s| s.query_row([login], user).optional())
                .map_err(unavailable)
            })
            .await
    }

    async fn users(&self, tenant: &TenantId) -> Result<Vec<DashboardUser>, StoreError> {
        let t = tenant.to_string();
        self.pool
            .read(move |c| {
                let mut s = c
                    .prepare(&format!(
                        "SELECT {USER_COLUMNS} FROM dashboard_users WHERE tenant = ?1 ORDER BY login"
                    ))
                    .map_err(unavailable)?;
                let rows = s.query_map([t], user).map_err(unavailable)?;
                rows.collect::<Result<Vec<_>, _>>().map_err(unavailable)
            })
            .await
    }

    async fn update_user(&self, u: &DashboardUser, audit: &AuditEvent) -> Result<(), StoreError> {
        let u = u.clone();
        let roles = roles_json(&u.roles)?;
        let at = audit.at;
        self.audited(audit, move |tx| {
            let old: Option<(String, bool)> = tx
                .query_row(
                    "SELECT password_hash, disabled FROM dashboard_users WHERE login = ?1 AND tenant = ?2",
                    params![u.login, u.tenant.as_str()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()
                .map_err(unavailable)?;
            let Some((old_hash, was_disabled)) = old else {
                return Err(not_found());
            };
            tx.execute(
                "UPDATE dashboard_users SET roles = ?2, password_hash = ?3, disabled = ?4 WHERE login = ?1",
                params![u.login, roles, u.password_hash, u.disabled],
            )
            .map_err(unavailable)?;
            if old_hash != u.password_hash || (u.disabled && !was_disabled) {
                end_sessions(tx, &u.login, at)?;
            }
            Ok(())
        })
        .await
    }

    async fn delete_user(
        &self,
        tenant: &TenantId,
        login: &str,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let (t, login, at) = (tenant.to_string(), login.to_owned(), audit.at);
        self.audited(audit, move |tx| {
            let n = tx
                .execute(
                    "DELETE FROM dashboard_users WHERE login = ?1 AND tenant = ?2",
                    params![login, t],
                )
                .map_err(unavailable)?;
            if n == 0 {
                return Err(not_found());
            }
            end_sessions(tx, &login, at)
        })
        .await
    }

    async fn login_failed(
        &self,
        login: &str,
        limit: u32,
        lock_until: UnixSeconds,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let login = login.to_owned();
        self.audited(audit, move |tx| {
            tx.execute(
                "UPDATE dashboard_users SET failed_logins = failed_logins + 1,
                 locked_until = CASE WHEN failed_logins + 1 >= ?2 THEN ?3 ELSE locked_until END
                 WHERE login = ?1",
                params![login, limit, lock_until],
            )
            .map(drop)
            .map_err(unavailable)
        })
        .await
    }

    async fn login_succeeded(
        &self,
        s: &SessionRecord,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let s = s.clone();
        self.audited(audit, move |tx| {
            let n = tx
                .execute(
                    "UPDATE dashboard_users SET failed_logins = 0, locked_until = NULL WHERE login = ?1",
                    [&s.login],
                )
                .map_err(unavailable)?;
            if n == 0 {
                return Err(not_found());
            }
            tx.execute(
                &format!("INSERT INTO dashboard_sessions ({SESSION_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
                params![s.id_hash.as_slice(), s.tenant.as_str(), s.login, s.csrf_hash.as_slice(), s.created_at, s.expires_at, s.ended_at],
            )
            .map(drop)
            .map_err(unavailable)
        })
        .await
    }

    async fn session(&self, id_hash: &[u8; 32]) -> Result<Option<SessionRecord>, StoreError> {
        let id = *id_hash;
        self.pool
            .read(move |c| {
                c.prepare_cached(&format!(
                    "SELECT {SESSION_COLUMNS} FROM dashboard_sessions WHERE id_hash = ?1"
                ))
                .and_then(|mut s| s.query_row([id.as_slice()], session).optional())
                .map_err(unavailable)
            })
            .await
    }

    async fn end_session(
        &self,
        id_hash: &[u8; 32],
        at: UnixSeconds,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let id = *id_hash;
        self.audited(audit, move |tx| {
            tx.execute(
                "UPDATE dashboard_sessions SET ended_at = ?2 WHERE id_hash = ?1 AND ended_at IS NULL",
                params![id.as_slice(), at],
            )
            .map(drop)
            .map_err(unavailable)
        })
        .await
    }
}
