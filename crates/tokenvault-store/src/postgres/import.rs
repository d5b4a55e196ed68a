//! Writing exported contents as they are, for moving a vault here.

use super::*;

#[async_trait]
impl tokenvault_core::store::StoreImport for PgStore {
    async fn import_meta(&self, entries: &[(String, Vec<u8>)]) -> Result<(), StoreError> {
        let c = self.client().await?;
        for (key, value) in entries {
            c.exec(
                "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                &[key, value],
            )
            .await
            .map_err(pg_err)?;
            let stored: Vec<u8> = c
                .q_one("SELECT value FROM meta WHERE key = $1", &[key])
                .await
                .map_err(pg_err)?
                .get(0);
            if &stored != value {
                return Err(StoreError::Conflict {
                    what: Entity::Metadata,
                });
            }
        }
        Ok(())
    }

    async fn import_policies(&self, t: &TenantId, policies: &[Policy]) -> Result<(), StoreError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg_err)?;
        for p in policies {
            let json = serde_json::to_string(p).map_err(|_| corrupt("policy"))?;
            tx.exec(
                "INSERT INTO policy_versions (tenant, id, version, body) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                &[&t.as_str(), &p.id.as_str(), &i64::from(p.version), &json],
            )
            .await
            .map_err(pg_err)?;
            tx.exec(
                "INSERT INTO policies (tenant, id, version, key, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (tenant, id) DO UPDATE SET version = excluded.version, key = excluded.key, updated_at = excluded.updated_at
                 WHERE policies.version < excluded.version",
                &[&t.as_str(), &p.id.as_str(), &i64::from(p.version), &p.body.key, &p.created_at, &p.updated_at],
            )
            .await
            .map_err(pg_err)?;
        }
        tx.commit().await.map_err(pg_err)
    }

    async fn import_tokens(&self, records: &[TokenRecord]) -> Result<(), StoreError> {
        if records.is_empty() {
            return Ok(());
        }
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg_err)?;
        // One insert per run of records of the same tenant.
        for group in records.chunk_by(|a, b| a.tenant == b.tenant) {
            super::tokens::insert_tokens(&tx, group[0].tenant.as_str(), group).await?;
        }
        tx.commit().await.map_err(pg_err)
    }

    async fn import_audit(&self, records: &[AuditRecord]) -> Result<(), StoreError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg_err)?;
        tx.exec("SELECT pg_advisory_xact_lock($1)", &[&AUDIT_LOCK])
            .await
            .map_err(pg_err)?;
        for r in records {
            let json = tokenvault_core::store::audit_chain::encode(&r.event)?;
            let e = &r.event;
            tx.exec(
                "INSERT INTO audit (seq, tenant, action, actor, result, trace_id, event, prev_hash, hash)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (seq) DO NOTHING",
                &[&i64_of(r.seq)?, &e.tenant, &e.action, &e.actor, &e.result, &e.trace_id, &json, &r.prev_hash.as_slice(), &r.hash.as_slice()],
            )
            .await
            .map_err(pg_err)?;
        }
        tx.commit().await.map_err(pg_err)
    }

    async fn import_users(
        &self,
        users: &[tokenvault_core::store::DashboardUser],
    ) -> Result<(), StoreError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg_err)?;
        for u in users {
            let roles = serde_json::to_string(&u.roles).map_err(|_| corrupt("roles"))?;
            tx.exec(
                "INSERT INTO dashboard_users (login, tenant, password_hash, roles, created_at, failed_logins, locked_until, disabled)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (login) DO NOTHING",
                &[&u.login, &u.tenant.as_str(), &u.password_hash, &roles, &u.created_at, &i64::from(u.failed_logins), &u.locked_until, &u.disabled],
            )
            .await
            .map_err(pg_err)?;
        }
        tx.commit().await.map_err(pg_err)
    }

    async fn import_usage(&self, rows: &[(String, i64, i64)]) -> Result<(), StoreError> {
        let c = self.client().await?;
        for (t, period, ops) in rows {
            c.exec(
                "INSERT INTO usage (tenant, period, operations) VALUES ($1, $2, $3)
                 ON CONFLICT (tenant, period) DO UPDATE SET operations = excluded.operations",
                &[t, period, ops],
            )
            .await
            .map_err(pg_err)?;
        }
        Ok(())
    }

    async fn import_access(
        &self,
        t: &TenantId,
        access: &tokenvault_core::store::AccessExport,
    ) -> Result<(), StoreError> {
        super::access::import(self, t, access).await
    }

    async fn last_audit_seq(&self) -> Result<u64, StoreError> {
        let seq: i64 = self
            .client()
            .await?
            .q_one("SELECT COALESCE(MAX(seq), 0) FROM audit", &[])
            .await
            .map_err(pg_err)?
            .get(0);
        u64::try_from(seq).map_err(|_| corrupt("audit sequence"))
    }
}
