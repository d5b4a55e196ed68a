//! The audit chain on PostgreSQL: rows appended under a transaction-scoped advisory lock; the
//! chain's rules are core's `audit_chain`.

use super::*;

pub(crate) async fn append_audit<C: GenericClient>(
    c: &C,
    events: &[AuditEvent],
) -> Result<(), StoreError> {
    // The lock and the read of the chain's head go out together (one round trip): PostgreSQL
    // runs them in order, and the read's snapshot is taken once the lock is held. Both are
    // prepared first, so each is sent on its first poll, and `try_join` polls them in order.
    let lock = c
        .prepare_cached("SELECT pg_advisory_xact_lock($1)")
        .await
        .map_err(pg_err)?;
    let head = c
        .prepare_cached("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
        .await
        .map_err(pg_err)?;
    let (_, last) =
        futures_util::future::try_join(c.execute(&lock, &[&AUDIT_LOCK]), c.query_opt(&head, &[]))
            .await
            .map_err(pg_err)?;
    let mut head = match last {
        Some(r) => ChainHead::after(r.get::<_, i64>(0), &r.get::<_, Vec<u8>>(1))?,
        None => ChainHead::EMPTY,
    };
    for e in events {
        let l = head.append(e)?;
        c.exec(
            "INSERT INTO audit (seq, tenant, action, actor, result, trace_id, event, prev_hash, hash)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            &[&i64_of(l.seq)?, &e.tenant, &e.action, &e.actor, &e.result, &e.trace_id, &l.event_json, &l.prev_hash.as_slice(), &l.hash.as_slice()],
        )
        .await
        .map_err(pg_err)?;
    }
    Ok(())
}

#[async_trait]
impl tokenvault_core::store::AuditStore for PgStore {
    async fn append_audit(&self, events: &[AuditEvent]) -> Result<(), StoreError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg_err)?;
        append_audit(&tx, events).await?;
        tx.commit().await.map_err(pg_err)
    }

    async fn audit(
        &self,
        t: &TenantId,
        f: &AuditFilter,
        before: Option<u64>,
        limit: usize,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let token_like = f.token_id.as_ref().map(|id| format!("%\"{id}\"%"));
        let before = before.map_or(i64::MAX, |b| i64::try_from(b).unwrap_or(i64::MAX));
        let rows = self
            .client()
            .await?
            .q(
                "SELECT seq, event, prev_hash, hash FROM audit
                 WHERE tenant = $1 AND seq < $2
                   AND ($3::TEXT IS NULL OR action = $3) AND ($4::TEXT IS NULL OR actor = $4)
                   AND ($5::TEXT IS NULL OR trace_id = $5) AND ($6::TEXT IS NULL OR result = $6)
                   AND ($7::TEXT IS NULL OR event LIKE $7)
                 ORDER BY seq DESC LIMIT $8",
                &[
                    &t.as_str(),
                    &before,
                    &f.action,
                    &f.actor,
                    &f.trace_id,
                    &f.result,
                    &token_like,
                    &i64::try_from(limit).unwrap_or(100),
                ],
            )
            .await
            .map_err(pg_err)?;
        rows.iter()
            .map(|r| {
                let seq: i64 = r.get(0);
                Ok(AuditRecord {
                    seq: u64::try_from(seq).map_err(|_| corrupt("audit record"))?,
                    event: serde_json::from_str(r.get(1)).map_err(|_| corrupt("audit record"))?,
                    prev_hash: r
                        .get::<_, Vec<u8>>(2)
                        .try_into()
                        .map_err(|_| corrupt("audit record"))?,
                    hash: r
                        .get::<_, Vec<u8>>(3)
                        .try_into()
                        .map_err(|_| corrupt("audit record"))?,
                })
            })
            .collect()
    }

    async fn audit_links(&self, after: u64, limit: usize) -> Result<Vec<AuditLink>, StoreError> {
        let rows = self
            .client()
            .await?
            .q(
                "SELECT seq, event, prev_hash, hash FROM audit WHERE seq > $1 ORDER BY seq LIMIT $2",
                &[&i64_of(after)?, &i64_of(limit as u64)?],
            )
            .await
            .map_err(pg_err)?;
        rows.iter()
            .map(|r| {
                Ok(AuditLink {
                    seq: u64::try_from(r.get::<_, i64>(0)).map_err(|_| corrupt("audit record"))?,
                    event_json: r.get(1),
                    prev_hash: r.get(2),
                    hash: r.get(3),
                })
            })
            .collect()
    }
}
