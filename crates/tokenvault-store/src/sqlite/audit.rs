//! The append-only, hash-chained audit log on SQLite. The chain's rules (encoding, links,
//! verification) are core's `audit_chain`; this module stores and reads rows.

use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use tokenvault_core::{
    ids::TenantId,
    store::{AuditEvent, AuditFilter, AuditLink, AuditRecord, AuditStore, ChainHead, StoreError},
};

use super::SqliteStore;
use crate::{pool::unavailable, rows::i64_of};

/// Appends events inside the caller's transaction, continuing the chain
/// (`tokenvault_core::store::audit_chain`).
pub(crate) fn append(conn: &Connection, events: &[AuditEvent]) -> Result<(), StoreError> {
    let last: Option<(i64, Vec<u8>)> = conn
        .query_row(
            "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .map_err(unavailable)?;
    let mut head = match last {
        Some((seq, hash)) => ChainHead::after(seq, &hash)?,
        None => ChainHead::EMPTY,
    };
    let mut stmt = conn
        .prepare_cached(
            "INSERT INTO audit (seq, tenant, action, actor, result, trace_id, event, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )
        .map_err(unavailable)?;
    for event in events {
        let l = head.append(event)?;
        stmt.execute(params![
            i64_of(l.seq)?,
            event.tenant,
            event.action,
            event.actor,
            event.result,
            event.trace_id,
            l.event_json,
            l.prev_hash.as_slice(),
            l.hash.as_slice(),
        ])
        .map_err(unavailable)?;
    }
    Ok(())
}

fn record(r: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, String, Vec<u8>, Vec<u8>)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
}

fn decode(
    (seq, json, prev, hash): (i64, String, Vec<u8>, Vec<u8>),
) -> Result<AuditRecord, StoreError> {
    let bad = || StoreError::Corrupt {
        what: "audit record",
    };
    Ok(AuditRecord {
        seq: u64::try_from(seq).map_err(|_| bad())?,
        event: serde_json::from_str(&json).map_err(|_| bad())?,
        prev_hash: prev.try_into().map_err(|_| bad())?,
        hash: hash.try_into().map_err(|_| bad())?,
    })
}

/// A page of a tenant's records, newest first.
pub(crate) fn page(
    conn: &Connection,
    tenant: &str,
    filter: &AuditFilter,
    before: Option<u64>,
    limit: usize,
) -> Result<Vec<AuditRecord>, StoreError> {
    let token_like = filter.token_id.as_ref().map(|t| format!("%\"{t}\"%"));
    let mut stmt = conn
        .prepare_cached(
            "SELECT seq, event, prev_hash, hash FROM audit
             WHERE tenant = ?1 AND seq < ?2
               AND (?3 IS NULL OR action = ?3) AND (?4 IS NULL OR actor = ?4)
               AND (?5 IS NULL OR trace_id = ?5) AND (?6 IS NULL OR result = ?6)
               AND (?7 IS NULL OR event LIKE ?7)
               AND (?9 IS NULL OR json_extract(event, '$.purpose') = ?9)
               AND (?10 IS NULL OR json_extract(event, '$.at') >= ?10)
               AND (?11 IS NULL OR json_extract(event, '$.at') < ?11)
             ORDER BY seq DESC LIMIT ?8",
        )
        .map_err(unavailable)?;
    let before = before.map_or(i64::MAX, |b| i64::try_from(b).unwrap_or(i64::MAX));
    let rows = stmt
        .query_map(
            params![
                tenant,
                before,
                filter.action,
                filter.actor,
                filter.trace_id,
                filter.result,
                token_like,
                i64::try_from(limit).unwrap_or(100),
                filter.purpose,
                filter.since,
                filter.until
            ],
            record,
        )
        .map_err(unavailable)?;
    rows.map(|r| r.map_err(unavailable).and_then(decode))
        .collect()
}

/// Records with `seq > after`, in order (for moving the chain to another store).
pub(crate) fn range(
    conn: &Connection,
    after: u64,
    limit: usize,
) -> Result<Vec<AuditRecord>, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT seq, event, prev_hash, hash FROM audit WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        )
        .map_err(unavailable)?;
    let rows = stmt
        .query_map(
            params![
                i64::try_from(after).unwrap_or(i64::MAX),
                i64::try_from(limit).unwrap_or(1000)
            ],
            record,
        )
        .map_err(unavailable)?;
    rows.map(|r| r.map_err(unavailable).and_then(decode))
        .collect()
}

/// Records with `seq > after`, in order, as stored.
pub(crate) fn links(
    conn: &Connection,
    after: u64,
    limit: usize,
) -> Result<Vec<AuditLink>, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT seq, event, prev_hash, hash FROM audit WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        )
        .map_err(unavailable)?;
    let rows = stmt
        .query_map(params![i64_of(after)?, i64_of(limit as u64)?], record)
        .map_err(unavailable)?;
    rows.map(|r| {
        let (seq, event_json, prev_hash, hash) = r.map_err(unavailable)?;
        Ok(AuditLink {
            seq: u64::try_from(seq).map_err(|_| StoreError::Corrupt {
                what: "audit record",
            })?,
            event_json,
            prev_hash,
            hash,
        })
    })
    .collect()
}

#[async_trait]
impl AuditStore for SqliteStore {
    async fn append_audit(&self, events: &[AuditEvent]) -> Result<(), StoreError> {
        let events = events.to_vec();
        self.pool
            .write(move |c| {
                let tx = c
                    .transaction_with_behavior(TransactionBehavior::Immediate)
                    .map_err(unavailable)?;
                append(&tx, &events)?;
                tx.commit().map_err(unavailable)
            })
            .await
    }

    async fn audit(
        &self,
        tenant: &TenantId,
        filter: &AuditFilter,
        before_seq: Option<u64>,
        limit: usize,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let (t, f) = (tenant.to_string(), filter.clone());
        self.pool
            .read(move |c| page(c, &t, &f, before_seq, limit))
            .await
    }

    async fn audit_links(&self, after: u64, limit: usize) -> Result<Vec<AuditLink>, StoreError> {
        self.pool.read(move |c| links(c, after, limit)).await
    }
}
