//! The append-only, hash-chained audit log.
//!
//! Record n stores `hash_n = SHA-256(hash_{n-1} || seq_n || canonical JSON of event n)`, with
//! `hash_0` all zeros. Changing, inserting, reordering or deleting a record breaks every later
//! link, which `verify_chain` finds.

use rusqlite::{params, Connection, OptionalExtension};
use tokenvault_core::store::{AuditEvent, AuditFilter, AuditRecord, StoreError};
use tokenvault_crypto::digest;

use crate::pool::unavailable;

pub(crate) fn link(prev: &[u8; 32], seq: u64, event_json: &str) -> [u8; 32] {
    digest::sha256(&[prev, &seq.to_be_bytes(), event_json.as_bytes()])
}

pub(crate) fn to_json(event: &AuditEvent) -> Result<String, StoreError> {
    serde_json::to_string(event).map_err(|e| StoreError::Unavailable {
        detail: format!("audit event encoding: {e}"),
    })
}

/// Appends events inside the caller's transaction.
pub(crate) fn append(conn: &Connection, events: &[AuditEvent]) -> Result<(), StoreError> {
    let last: Option<(i64, Vec<u8>)> = conn
        .query_row(
            "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .map_err(unavailable)?;
    let (mut seq, mut prev) = match last {
        Some((s, h)) => (
            u64::try_from(s).unwrap_or(0),
            <[u8; 32]>::try_from(h.as_slice()).unwrap_or([0; 32]),
        ),
        None => (0, [0; 32]),
    };
    let mut stmt = conn
        .prepare_cached(
            "INSERT INTO audit (seq, tenant, action, actor, result, trace_id, event, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )
        .map_err(unavailable)?;
    for event in events {
        seq += 1;
        let json = to_json(event)?;
        let hash = link(&prev, seq, &json);
        stmt.execute(params![
            i64::try_from(seq).unwrap_or(i64::MAX),
            event.tenant,
            event.action,
            event.actor,
            event.result,
            event.trace_id,
            json,
            prev.as_slice(),
            hash.as_slice(),
        ])
        .map_err(unavailable)?;
        prev = hash;
    }
    Ok(())
}

fn record(r: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, String, Vec<u8>, Vec<u8>)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
}

fn decode(
    (seq, json, prev, hash): (i64, String, Vec<u8>, Vec<u8>),
) -> Result<AuditRecord, StoreError> {
    let bad = || StoreError::Unavailable {
        detail: format!("audit record {seq} is corrupt"),
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
                i64::try_from(limit).unwrap_or(100)
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

/// Walks the chain from the start: `Ok(count)` or `Err(first broken seq)`.
pub(crate) fn verify_chain(conn: &Connection) -> Result<Result<u64, u64>, StoreError> {
    let mut stmt = conn
        .prepare("SELECT seq, event, prev_hash, hash FROM audit ORDER BY seq")
        .map_err(unavailable)?;
    let mut rows = stmt.query([]).map_err(unavailable)?;
    let mut prev = [0u8; 32];
    let mut expected_seq = 1u64;
    while let Some(row) = rows.next().map_err(unavailable)? {
        let (seq, json, stored_prev, hash) = record(row).map_err(unavailable)?;
        let seq = u64::try_from(seq).unwrap_or(0);
        if seq != expected_seq
            || stored_prev.as_slice() != prev
            || hash.as_slice() != link(&prev, seq, &json)
        {
            return Ok(Err(expected_seq));
        }
        prev = hash.try_into().unwrap_or([0; 32]);
        expected_seq += 1;
    }
    Ok(Ok(expected_seq - 1))
}
