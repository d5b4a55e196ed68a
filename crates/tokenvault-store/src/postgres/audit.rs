//! The audit chain on PostgreSQL: rows appended under a transaction-scoped advisory lock; the
//! chain's rules are core's `audit_chain`.

use super::*;

const LOCK_SQL: &str = "SELECT pg_advisory_xact_lock($1)";
const HEAD_SQL: &str = "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1";
const INSERT_MANY_SQL: &str =
    "INSERT INTO audit (seq, tenant, action, actor, result, trace_id, event, prev_hash, hash)
     SELECT * FROM UNNEST($1::BIGINT[], $2::TEXT[], $3::TEXT[], $4::TEXT[], $5::TEXT[], $6::TEXT[],
                          $7::TEXT[], $8::BYTEA[], $9::BYTEA[])";

fn head_of(last: Option<Row>) -> Result<ChainHead, StoreError> {
    match last {
        Some(r) => ChainHead::after(r.get::<_, i64>(0), &r.get::<_, Vec<u8>>(1)),
        None => Ok(ChainHead::EMPTY),
    }
}

/// Audit rows linked onto a chain head, as the columns of one `UNNEST` insert.
#[derive(Default)]
struct AuditRows<'a> {
    seq: Vec<i64>,
    tenant: Vec<&'a str>,
    action: Vec<&'a str>,
    actor: Vec<&'a str>,
    result: Vec<&'a str>,
    trace_id: Vec<&'a str>,
    event: Vec<String>,
    prev_hash: Vec<Vec<u8>>,
    hash: Vec<Vec<u8>>,
}

impl<'a> AuditRows<'a> {
    fn chained(mut head: ChainHead, events: &'a [AuditEvent]) -> Result<Self, StoreError> {
        let mut rows = Self::default();
        for e in events {
            let l = head.append(e)?;
            rows.seq.push(i64_of(l.seq)?);
            rows.tenant.push(&e.tenant);
            rows.action.push(&e.action);
            rows.actor.push(&e.actor);
            rows.result.push(&e.result);
            rows.trace_id.push(&e.trace_id);
            rows.event.push(l.event_json);
            rows.prev_hash.push(l.prev_hash.to_vec());
            rows.hash.push(l.hash.to_vec());
        }
        Ok(rows)
    }

    fn params(&self) -> [&(dyn tokio_postgres::types::ToSql + Sync); 9] {
        [
            &self.seq,
            &self.tenant,
            &self.action,
            &self.actor,
            &self.result,
            &self.trace_id,
            &self.event,
            &self.prev_hash,
            &self.hash,
        ]
    }
}

/// Appends `events` inside the caller's transaction (a write and its audit commit together).
pub(crate) async fn append_audit<C: GenericClient>(
    c: &C,
    events: &[AuditEvent],
) -> Result<(), StoreError> {
    // The lock and the read of the chain's head go out together (one round trip): PostgreSQL
    // runs them in order, and the read's snapshot is taken once the lock is held. Both are
    // prepared first, so each is sent on its first poll, and `try_join` polls them in order.
    let lock = c.prepare_cached(LOCK_SQL).await.map_err(pg_err)?;
    let head = c.prepare_cached(HEAD_SQL).await.map_err(pg_err)?;
    let (_, last) =
        futures_util::future::try_join(c.execute(&lock, &[&AUDIT_LOCK]), c.query_opt(&head, &[]))
            .await
            .map_err(pg_err)?;
    let rows = AuditRows::chained(head_of(last)?, events)?;
    c.exec(INSERT_MANY_SQL, &rows.params())
        .await
        .map_err(pg_err)?;
    Ok(())
}

/// Appends `events` in a transaction of their own in two round trips: `BEGIN`, the lock and
/// the head's read sent together, then one insert of every row with `COMMIT`. When the insert
/// fails, PostgreSQL answers that `COMMIT` by rolling back, and the insert's error is returned.
async fn append_alone(
    c: &deadpool_postgres::Object,
    events: &[AuditEvent],
) -> Result<(), StoreError> {
    let lock = c.prepare_cached(LOCK_SQL).await.map_err(pg_err)?;
    let head = c.prepare_cached(HEAD_SQL).await.map_err(pg_err)?;
    let insert = c.prepare_cached(INSERT_MANY_SQL).await.map_err(pg_err)?;
    let (_, _, last) = futures_util::future::try_join3(
        c.batch_execute("BEGIN"),
        c.execute(&lock, &[&AUDIT_LOCK]),
        c.query_opt(&head, &[]),
    )
    .await
    .map_err(pg_err)?;
    let rows = AuditRows::chained(head_of(last)?, events)?;
    futures_util::future::try_join(
        c.execute(&insert, &rows.params()),
        c.batch_execute("COMMIT"),
    )
    .await
    .map_err(pg_err)?;
    Ok(())
}

#[async_trait]
impl tokenvault_core::store::AuditStore for PgStore {
    async fn append_audit(&self, events: &[AuditEvent]) -> Result<(), StoreError> {
        let c = self.client().await?;
        let appended = append_alone(&c, events).await;
        if appended.is_err() && c.batch_execute("ROLLBACK").await.is_err() {
            // A connection whose state is unknown does not go back to the pool.
            drop(deadpool_postgres::Object::take(c));
        }
        appended
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
                   AND ($9::TEXT IS NULL OR event::jsonb ->> 'purpose' = $9)
                   AND ($10::BIGINT IS NULL OR (event::jsonb ->> 'at')::BIGINT >= $10)
                   AND ($11::BIGINT IS NULL OR (event::jsonb ->> 'at')::BIGINT < $11)
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
                    &f.purpose,
                    &f.since,
                    &f.until,
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
