//! Dashboard users and their sessions on PostgreSQL.

use super::*;
use tokenvault_core::store::{DashboardStore, DashboardUser, SessionRecord};

const USER_COLUMNS: &str =
    "login, tenant, password_hash, roles, created_at, failed_logins, locked_until, disabled";
const SESSION_COLUMNS: &str = "id_hash, tenant, login, csrf_hash, created_at, expires_at, ended_at";

fn user(r: &Row) -> Result<DashboardUser, StoreError> {
    Ok(DashboardUser {
        login: r.get(0),
        tenant: TenantId::parse(r.get(1)).map_err(|_| corrupt("tenant"))?,
        password_hash: r.get(2),
        roles: serde_json::from_str(r.get(3)).map_err(|_| corrupt("roles"))?,
        created_at: r.get(4),
        failed_logins: u32_of(r.get(5), "failed logins")?,
        locked_until: r.get(6),
        disabled: r.get(7),
    })
}

fn session(r: &Row) -> Result<SessionRecord, StoreError> {
    let hash = |i| -> Result<[u8; 32], StoreError> {
        r.get::<_, Vec<u8>>(i)
            .try_into()
            .map_err(|_| corrupt("session hash"))
    };
    Ok(SessionRecord {
        id_hash: hash(0)?,
        tenant: TenantId::parse(r.get(1)).map_err(|_| corrupt("tenant"))?,
        login: r.get(2),
        csrf_hash: hash(3)?,
        created_at: r.get(4),
        expires_at: r.get(5),
        ended_at: r.get(6),
    })
}

fn roles_json(roles: &[String]) -> Result<String, StoreError> {
    serde_json::to_string(roles).map_err(|_| corrupt("roles"))
}

fn not_found() -> StoreError {
    StoreError::NotFound {
        what: Entity::DashboardUser,
    }
}

async fn end_sessions<C: GenericClient>(
    c: &C,
    login: &str,
    at: UnixSeconds,
) -> Result<(), StoreError> {
    c.exec(
        "UPDATE dashboard_sessions SET ended_at = $2 WHERE login = $1 AND ended_at IS NULL",
        &[&login, &at],
    )
    .await
    .map(drop)
    .map_err(pg_err)
}

#[async_trait]
impl DashboardStore for PgStore {
    async fn insert_user(&self, u: &DashboardUser, audit: &AuditEvent) -> Result<(), StoreError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg_err)?;
        tx.exec(
            &format!("INSERT INTO dashboard_users ({USER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"),
            &[&u.login, &u.tenant.as_str(), &u.password_hash, &roles_json(&u.roles)?, &u.created_at, &i64::from(u.failed_logins), &u.locked_until, &u.disabled],
        )
        .await
        .map_err(|e| conflict(Entity::DashboardUser)(pg_err(e)))?;
        append_audit(&tx, std::slice::from_ref(audit)).await?;
        tx.commit().await.map_err(pg_err)
    }

    async fn user(&self, login: &str) -> Result<Option<DashboardUser>, StoreError> {
        let r = self
            .client()
            .await?
            .q_opt(
                &format!("SELECT {USER_COLUMNS} FROM dashboard_users WHERE login = $1"),
                &[&login],
            )
            .await
            .map_err(pg_err)?;
        r.as_ref().map(user).transpose()
    }

    async fn users(&self, t: &TenantId) -> Result<Vec<DashboardUser>, StoreError> {
        let rows = self
            .client()
            .await?
            .q(
                &format!(
                    "SELECT {USER_COLUMNS} FROM dashboard_users WHERE tenant = $1 ORDER BY login"
                ),
                &[&t.as_str()],
            )
            .await
            .map_err(pg_err)?;
        rows.iter().map(user).collect()
    }

    async fn update_user(&self, u: &DashboardUser, audit: &AuditEvent) -> Result<(), StoreError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg_err)?;
        let old = tx
            .q_opt(
                "SELECT password_hash, disabled FROM dashboard_users WHERE login = $1 AND tenant = $2 FOR UPDATE",
                &[&u.login, &u.tenant.as_str()],
            )
            .await
            .map_err(pg_err)?
            .ok_or_else(not_found)?;
        let (old_hash, was_disabled): (String, bool) = (old.get(0), old.get(1));
        tx.exec(
            "UPDATE dashboard_users SET roles = $2, password_hash = $3, disabled = $4 WHERE login = $1",
            &[&u.login, &roles_json(&u.roles)?, &u.password_hash, &u.disabled],
        )
        .await
        .map_err(pg_err)?;
        if old_hash != u.password_hash || (u.disabled && !was_disabled) {
            end_sessions(&tx, &u.login, audit.at).await?;
        }
        append_audit(&tx, std::slice::from_ref(audit)).await?;
        tx.commit().await.map_err(pg_err)
    }

    async fn delete_user(
        &self,
        t: &TenantId,
        login: &str,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg_err)?;
        let n = tx
            .exec(
                "DELETE FROM dashboard_users WHERE login = $1 AND tenant = $2",
                &[&login, &t.as_str()],
            )
            .await
            .map_err(pg_err)?;
        if n == 0 {
            return Err(not_found());
        }
        end_sessions(&tx, login, audit.at).await?;
        append_audit(&tx, std::slice::from_ref(audit)).await?;
        tx.commit().await.map_err(pg_err)
    }

    async fn login_failed(
        &self,
        login: &str,
        limit: u32,
        lock_until: UnixSeconds,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg_err)?;
        tx.exec(
            "UPDATE dashboard_users SET failed_logins = failed_logins + 1,
             locked_until = CASE WHEN failed_logins + 1 >= $2 THEN $3 ELSE locked_until END
             WHERE login = $1",
            &[&login, &i64::from(limit), &lock_until],
        )
        .await
        .map_err(pg_err)?;
        append_audit(&tx, std::slice::from_ref(audit)).await?;
        tx.commit().await.map_err(pg_err)
    }

    async fn login_succeeded(
        &self,
        s: &SessionRecord,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg_err)?;
        let n = tx
            .exec(
                "UPDATE dashboard_users SET failed_logins = 0, locked_until = NULL WHERE login = $1",
                &[&s.login],
            )
            .await
            .map_err(pg_err)?;
        if n == 0 {
            return Err(not_found());
        }
        tx.exec(
            &format!("INSERT INTO dashboard_sessions ({SESSION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"),
            &[&s.id_hash.as_slice(), &s.tenant.as_str(), &s.login, &s.csrf_hash.as_slice(), &s.created_at, &s.expires_at, &s.ended_at],
        )
        .await
        .map_err(pg_err)?;
        append_audit(&tx, std::slice::from_ref(audit)).await?;
        tx.commit().await.map_err(pg_err)
    }

    async fn session(&self, id_hash: &[u8; 32]) -> Result<Option<SessionRecord>, StoreError> {
        let r = self
            .client()
            .await?
            .q_opt(
                &format!("SELECT {SESSION_COLUMNS} FROM dashboard_sessions WHERE id_hash = $1"),
                &[&id_hash.as_slice()],
            )
            .await
            .map_err(pg_err)?;
        r.as_ref().map(session).transpose()
    }

    async fn end_session(
        &self,
        id_hash: &[u8; 32],
        at: UnixSeconds,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg_err)?;
        tx.exec(
            "UPDATE dashboard_sessions SET ended_at = $2 WHERE id_hash = $1 AND ended_at IS NULL",
            &[&id_hash.as_slice(), &at],
        )
        .await
        .map_err(pg_err)?;
        append_audit(&tx, std::slice::from_ref(audit)).await?;
        tx.commit().await.map_err(pg_err)
    }
}
