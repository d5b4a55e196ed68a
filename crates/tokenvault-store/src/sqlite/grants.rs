//! Grants consumed once, and usage counters.

use super::*;

#[async_trait]
impl tokenvault_core::store::GrantStore for SqliteStore {
    async fn consume_grant(
        &self,
        tenant: &TenantId,
        jti: &str,
        expires_at: UnixSeconds,
        operations: u64,
        period: UnixSeconds,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let (t, jti, a) = (tenant.to_string(), jti.to_owned(), audit.clone());
        self.pool
            .write(move |c| {
                let tx = c.transaction_with_behavior(TransactionBehavior::Immediate).map_err(unavailable)?;
                tx.execute(
                    "INSERT INTO used_grants (jti, tenant, expires_at) VALUES (?1, ?2, ?3)",
                    params![jti, t, expires_at],
                )
                .map_err(|e| match unavailable(e) {
                    StoreError::Conflict { .. } => StoreError::Conflict { what: Entity::Grant },
                    other => other,
                })?;
                if operations > 0 {
                    tx.execute(
                        "INSERT INTO usage (tenant, period, operations) VALUES (?1, ?2, ?3)
                         ON CONFLICT (tenant, period) DO UPDATE SET operations = operations + excluded.operations",
                        params![t, period, i64_of(operations)?],
                    )
                    .map_err(unavailable)?;
                }
                audit::append(&tx, &[a])?;
                tx.commit().map_err(unavailable)
            })
            .await
    }
}

#[async_trait]
impl tokenvault_core::store::UsageStore for SqliteStore {
    async fn usage(
        &self,
        tenant: &TenantId,
        now: UnixSeconds,
        period: UnixSeconds,
    ) -> Result<UsageCounts, StoreError> {
        let t = tenant.to_string();
        self.pool
            .read(move |c| {
                let count = |u: i64| u64::try_from(u).unwrap_or(0);
                let (created, revoked, expired): (i64, i64, i64) = c
                    .query_row(
                        "SELECT COUNT(*),
                                COALESCE(SUM(revoked_at IS NOT NULL), 0),
                                COALESCE(SUM(revoked_at IS NULL AND expires_at IS NOT NULL AND expires_at <= ?2), 0)
                         FROM tokens WHERE tenant = ?1",
                        params![t, now],
                        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                    )
                    .map_err(unavailable)?;
                let operations: i64 = c
                    .query_row(
                        "SELECT COALESCE((SELECT operations FROM usage WHERE tenant = ?1 AND period = ?2), 0)",
                        params![t, period],
                        |r| r.get(0),
                    )
                    .map_err(unavailable)?;
                Ok(UsageCounts {
                    created: count(created),
                    active: count(created - revoked - expired),
                    revoked: count(revoked),
                    expired: count(expired),
                    operations: count(operations),
                })
            })
            .await
    }

    async fn token_breakdown(
        &self,
        tenant: &TenantId,
    ) -> Result<Vec<tokenvault_core::store::TokenBreakdown>, StoreError> {
        let t = tenant.to_string();
        let rows: Vec<(String, String, i64)> = self
            .pool
            .read(move |c| {
                let mut s = c
                    .prepare_cached(
                        "SELECT pii_type, mode, COUNT(*) FROM tokens WHERE tenant = ?1
                         GROUP BY pii_type, mode ORDER BY pii_type, mode",
                    )
                    .map_err(unavailable)?;
                let rows = s
                    .query_map([t], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .map_err(unavailable)?;
                rows.collect::<Result<Vec<_>, _>>().map_err(unavailable)
            })
            .await?;
        crate::breakdown(rows)
    }
}
