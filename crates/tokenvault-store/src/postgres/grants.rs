//! Grants consumed once, and usage counters.

use super::*;

#[async_trait]
impl tokenvault_core::store::GrantStore for PgStore {
    async fn consume_grant(
        &self,
        t: &TenantId,
        jti: &str,
        expires_at: UnixSeconds,
        operations: u64,
        period: UnixSeconds,
        a: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg_err)?;
        tx.exec(
            "INSERT INTO used_grants (jti, tenant, expires_at) VALUES ($1, $2, $3)",
            &[&jti, &t.as_str(), &expires_at],
        )
        .await
        .map_err(|e| conflict(Entity::Grant)(pg_err(e)))?;
        if operations > 0 {
            tx.exec(
                "INSERT INTO usage (tenant, period, operations) VALUES ($1, $2, $3)
                 ON CONFLICT (tenant, period) DO UPDATE SET operations = usage.operations + excluded.operations",
                &[&t.as_str(), &period, &i64_of(operations)?],
            )
            .await
            .map_err(pg_err)?;
        }
        append_audit(&tx, std::slice::from_ref(a)).await?;
        tx.commit().await.map_err(pg_err)
    }
}

#[async_trait]
impl tokenvault_core::store::UsageStore for PgStore {
    async fn usage(
        &self,
        t: &TenantId,
        now: UnixSeconds,
        period: UnixSeconds,
    ) -> Result<UsageCounts, StoreError> {
        let c = self.client().await?;
        let r = c
            .q_one(
                "SELECT COUNT(*),
                        COUNT(*) FILTER (WHERE revoked_at IS NOT NULL),
                        COUNT(*) FILTER (WHERE revoked_at IS NULL AND expires_at IS NOT NULL AND expires_at <= $2)
                 FROM tokens WHERE tenant = $1",
                &[&t.as_str(), &now],
            )
            .await
            .map_err(pg_err)?;
        let (created, revoked, expired): (i64, i64, i64) = (r.get(0), r.get(1), r.get(2));
        let ops: i64 = c
            .q_opt(
                "SELECT operations FROM usage WHERE tenant = $1 AND period = $2",
                &[&t.as_str(), &period],
            )
            .await
            .map_err(pg_err)?
            .map_or(0, |r| r.get(0));
        let n = |v: i64| u64::try_from(v).unwrap_or(0);
        Ok(UsageCounts {
            created: n(created),
            active: n(created - revoked - expired),
            revoked: n(revoked),
            expired: n(expired),
            operations: n(ops),
        })
    }

    async fn token_breakdown(
        &self,
        t: &TenantId,
    ) -> Result<Vec<tokenvault_core::store::TokenBreakdown>, StoreError> {
        let rows = self
            .client()
            .await?
            .q(
                "SELECT pii_type, mode, COUNT(*) FROM tokens WHERE tenant = $1
                 GROUP BY pii_type, mode ORDER BY pii_type, mode",
                &[&t.as_str()],
            )
            .await
            .map_err(pg_err)?;
        crate::breakdown(
            rows.iter()
                .map(|r| (r.get(0), r.get(1), r.get(2)))
                .collect(),
        )
    }
}
