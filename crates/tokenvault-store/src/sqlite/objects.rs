//! The object vault's objects on SQLite: sealed values in `objects`, blind-index entries
//! appended to `object_digests` and found by digest through an append index (see
//! append_index.rs). The single writer checks unique properties among live objects before it
//! appends an entry.

use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use tokenvault_core::{
    clock::UnixSeconds,
    ids::TenantId,
    objects::SealedValues,
    store::{AuditEvent, Entity, ObjectRecord, ObjectStore, StoreError},
};

use super::SqliteStore;
use crate::{
    append_index::{digest_key, AppendIndex, Pending},
    pool::{unavailable, Pool},
};

const OBJECT_COLUMNS: &str =
    "id, collection, created_at, modified_at, expires_at, deleted_at, key_version, wrapped_dek, sealed";

fn object(r: &rusqlite::Row<'_>) -> rusqlite::Result<ObjectRecord> {
    Ok(ObjectRecord {
        id: r.get(0)?,
        collection: r.get(1)?,
        created_at: r.get(2)?,
        modified_at: r.get(3)?,
        expires_at: r.get(4)?,
        deleted_at: r.get(5)?,
        values: SealedValues {
            key_version: r.get(6)?,
            wrapped_dek: r.get(7)?,
            sealed: r.get(8)?,
        },
        index: Vec::new(),
    })
}

fn unique_conflict(e: rusqlite::Error) -> StoreError {
    match unavailable(e) {
        StoreError::Conflict { .. } => StoreError::Conflict {
            what: Entity::UniqueValue,
        },
        other => other,
    }
}

/// One blind-index value looked up: a property's digest, among unique or non-unique entries.
struct Lookup<'a> {
    tenant: &'a str,
    collection: &'a str,
    property: &'a str,
    digest: &'a [u8],
    unique: bool,
}

/// The objects whose entry is `l`, among the rows the digest index names (`extra` holds the
/// rows of the current transaction).
fn objects_with(
    conn: &Connection,
    index: &AppendIndex,
    extra: &[&Pending],
    l: &Lookup<'_>,
) -> Result<Vec<String>, StoreError> {
    let seqs = index.candidates(conn, digest_key(l.digest), extra)?;
    if seqs.is_empty() {
        return Ok(Vec::new());
    }
    let mut row = conn
        .prepare_cached(
            "SELECT object_id FROM object_digests WHERE seq = ?1 AND tenant = ?2
               AND collection = ?3 AND property = ?4 AND digest = ?5 AND uniq = ?6",
        )
        .map_err(unavailable)?;
    let mut out = Vec::new();
    for seq in seqs {
        let found = row
            .query_row(
                params![seq, l.tenant, l.collection, l.property, l.digest, l.unique],
                |r| r.get::<_, String>(0),
            )
            .optional()
            .map_err(unavailable)?;
        out.extend(found);
    }
    Ok(out)
}

/// Appends `o`'s blind-index entries (their keys and rows into `added`), refusing a unique
/// value a live object already has.
fn write_index(
    tx: &Transaction<'_>,
    index: &AppendIndex,
    added: &mut Pending,
    t: &str,
    o: &ObjectRecord,
) -> Result<(), StoreError> {
    for e in &o.index {
        let taken = e.unique
            && !objects_with(
                tx,
                index,
                &[added],
                &Lookup {
                    tenant: t,
                    collection: &o.collection,
                    property: &e.property,
                    digest: &e.digest,
                    unique: true,
                },
            )?
            .is_empty();
        if taken {
            return Err(StoreError::Conflict {
                what: Entity::UniqueValue,
            });
        }
        let key = digest_key(&e.digest);
        tx.prepare_cached(
            "INSERT INTO object_digests (id_key, tenant, collection, property, digest, object_id, uniq)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )
        .and_then(|mut insert| {
            insert.execute(params![
                key,
                t,
                o.collection,
                e.property,
                e.digest.as_slice(),
                o.id,
                e.unique
            ])
        })
        .map_err(unavailable)?;
        added.add(key, tx.last_insert_rowid());
    }
    Ok(())
}

/// Removes the blind-index entries of one object, or of a whole collection when `id` is
/// `None` (merged keys first, then the rows; unmerged rows simply leave the tail stale, and
/// every candidate is checked against its row).
fn drop_index(
    tx: &Transaction<'_>,
    t: &str,
    collection: &str,
    id: Option<&str>,
) -> Result<(), StoreError> {
    let rows = "FROM object_digests WHERE tenant = ?1 AND collection = ?2 AND (?3 IS NULL OR object_id = ?3)";
    tx.execute(
        &format!(
            "DELETE FROM object_digest_keys WHERE (id_key, seq) IN (SELECT id_key, seq {rows})"
        ),
        params![t, collection, id],
    )
    .and_then(|_| tx.execute(&format!("DELETE {rows}"), params![t, collection, id]))
    .map(drop)
    .map_err(unavailable)
}

/// Gives blind-index entries copied by migration 8 their lookup key (at open). Copied rows
/// are never merged before they have a key, so only the unmerged rows (the `seq` range the
/// tail is rebuilt from anyway) are read, not the whole table.
pub(crate) fn key_copied_digests(conn: &Connection) -> Result<(), StoreError> {
    let tx = conn.unchecked_transaction().map_err(unavailable)?;
    {
        let mut read = tx
            .prepare(
                "SELECT seq, digest FROM object_digests
                 WHERE seq > (SELECT merged_upto FROM object_digest_keys_state WHERE id = 1)
                   AND id_key IS NULL",
            )
            .map_err(unavailable)?;
        let mut write = tx
            .prepare("UPDATE object_digests SET id_key = ?2 WHERE seq = ?1")
            .map_err(unavailable)?;
        let rows = read
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)))
            .map_err(unavailable)?;
        for row in rows {
            let (seq, digest) = row.map_err(unavailable)?;
            write
                .execute(params![seq, digest_key(&digest)])
                .map_err(unavailable)?;
        }
    }
    tx.commit().map_err(unavailable)
}

impl SqliteStore {
    /// Runs `f` (which may append blind-index entries) and appends `audit`, in one immediate
    /// transaction on the single writer; then makes the new entries findable and merges the
    /// digest index when its tail has grown enough.
    async fn write_objects<F>(&self, audit: &AuditEvent, f: F) -> Result<(), StoreError>
    where
        F: FnOnce(&Transaction<'_>, &AppendIndex, &mut Pending) -> Result<(), StoreError>
            + Send
            + 'static,
    {
        let (a, pool) = (audit.clone(), self.pool.clone());
        self.pool
            .write(move |c| {
                pool.claim_writer()?;
                let mut added = Pending::default();
                let tx = c
                    .transaction_with_behavior(TransactionBehavior::Immediate)
                    .map_err(unavailable)?;
                f(&tx, &pool.digests, &mut added)?;
                super::audit::append(&tx, std::slice::from_ref(&a))?;
                tx.commit().map_err(unavailable)?;
                publish_and_merge(&pool, c, added);
                Ok(())
            })
            .await
    }
}

fn publish_and_merge(pool: &Pool, conn: &Connection, added: Pending) {
    pool.digests.publish(added);
    if pool.digests.should_merge() {
        // A failed merge leaves the tail in memory and is retried after the next write.
        if let Err(e) = pool.digests.merge(conn) {
            tracing::warn!(error = %e, "merging the object digest index failed; retried later");
        }
    }
}

/// Rows of `table` (objects or object tokens) of a collection: live ones (neither deleted nor
/// expired at `now`) and archived (soft-deleted) ones.
pub(super) async fn count_live_and_archived(
    store: &SqliteStore,
    table: &'static str,
    tenant: &TenantId,
    collection: &str,
    now: UnixSeconds,
) -> Result<tokenvault_core::objects::TokenCounts, StoreError> {
    let (t, c) = (tenant.to_string(), collection.to_owned());
    store
        .pool
        .read(move |conn| {
            let (active, archived): (i64, i64) = conn
                .query_row(
                    &format!(
                        "SELECT
                           COALESCE(SUM(CASE WHEN deleted_at IS NULL AND (expires_at IS NULL OR expires_at > ?3) THEN 1 ELSE 0 END), 0),
                           COALESCE(SUM(CASE WHEN deleted_at IS NOT NULL THEN 1 ELSE 0 END), 0)
                         FROM {table} WHERE tenant = ?1 AND collection = ?2"
                    ),
                    params![t, c, now],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .map_err(unavailable)?;
            let n = |v: i64| u64::try_from(v).map_err(|_| StoreError::Corrupt { what: "row count" });
            Ok(tokenvault_core::objects::TokenCounts {
                active: n(active)?,
                archived: n(archived)?,
            })
        })
        .await
}

/// A page of a collection's live objects after a cursor, in `seq` order.
fn list_sql() -> String {
    format!(
        "SELECT {OBJECT_COLUMNS}, seq FROM objects
         WHERE tenant = ?1 AND collection = ?2 AND deleted_at IS NULL AND seq > ?3
         ORDER BY seq LIMIT ?4"
    )
}

fn not_found() -> StoreError {
    StoreError::NotFound {
        what: Entity::Object,
    }
}

#[async_trait]
impl ObjectStore for SqliteStore {
    async fn insert_objects(
        &self,
        tenant: &TenantId,
        objects: &[ObjectRecord],
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let (t, objects) = (tenant.to_string(), objects.to_vec());
        self.write_objects(audit, move |tx, index, added| {
            let mut insert = tx
                .prepare_cached(&format!(
                    "INSERT INTO objects (tenant, {OBJECT_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
                ))
                .map_err(unavailable)?;
            for o in &objects {
                insert
                    .execute(params![
                        t,
                        o.id,
                        o.collection,
                        o.created_at,
                        o.modified_at,
                        o.expires_at,
                        o.deleted_at,
                        o.values.key_version,
                        o.values.wrapped_dek,
                        o.values.sealed
                    ])
                    .map_err(unique_conflict)?;
                write_index(tx, index, added, &t, o)?;
            }
            Ok(())
        })
        .await
    }

    async fn update_object(
        &self,
        tenant: &TenantId,
        o: &ObjectRecord,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let (t, o) = (tenant.to_string(), o.clone());
        self.write_objects(audit, move |tx, index, added| {
            let n = tx
                .execute(
                    "UPDATE objects SET modified_at = ?4, expires_at = ?5, key_version = ?6, wrapped_dek = ?7, sealed = ?8
                     WHERE tenant = ?1 AND collection = ?2 AND id = ?3 AND deleted_at IS NULL",
                    params![t, o.collection, o.id, o.modified_at, o.expires_at, o.values.key_version, o.values.wrapped_dek, o.values.sealed],
                )
                .map_err(unavailable)?;
            if n == 0 {
                return Err(not_found());
            }
            drop_index(tx, &t, &o.collection, Some(&o.id))?;
            write_index(tx, index, added, &t, &o)
        })
        .await
    }

    async fn delete_object(
        &self,
        tenant: &TenantId,
        collection: &str,
        id: &str,
        hard: bool,
        at: UnixSeconds,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let (t, c, id) = (tenant.to_string(), collection.to_owned(), id.to_owned());
        self.write_objects(audit, move |tx, _, _| {
            let n = if hard {
                tx.execute(
                    "DELETE FROM objects WHERE tenant = ?1 AND collection = ?2 AND id = ?3",
                    params![t, c, id],
                )
            } else {
                tx.execute(
                    "UPDATE objects SET deleted_at = ?4 WHERE tenant = ?1 AND collection = ?2 AND id = ?3 AND deleted_at IS NULL",
                    params![t, c, id, at],
                )
            }
            .map_err(unavailable)?;
            if n == 0 {
                return Err(not_found());
            }
            if hard {
                super::object_tokens::drop_tokens_of(tx, &t, &c, &id)?;
            }
            drop_index(tx, &t, &c, Some(&id))
        })
        .await
    }

    async fn objects_by_id(
        &self,
        tenant: &TenantId,
        collection: &str,
        ids: &[String],
    ) -> Result<Vec<ObjectRecord>, StoreError> {
        let (t, c, ids) = (tenant.to_string(), collection.to_owned(), ids.to_vec());
        self.pool
            .read(move |conn| {
                let mut s = conn
                    .prepare_cached(&format!(
                        "SELECT {OBJECT_COLUMNS} FROM objects WHERE tenant = ?1 AND collection = ?2 AND id = ?3"
                    ))
                    .map_err(unavailable)?;
                let mut out = Vec::with_capacity(ids.len());
                for id in &ids {
                    let mut rows = s.query_map(params![t, c, id], object).map_err(unavailable)?;
                    if let Some(r) = rows.next() {
                        out.push(r.map_err(unavailable)?);
                    }
                }
                Ok(out)
            })
            .await
    }

    async fn list_objects(
        &self,
        tenant: &TenantId,
        collection: &str,
        after: i64,
        limit: usize,
    ) -> Result<Vec<(i64, ObjectRecord)>, StoreError> {
        let (t, c) = (tenant.to_string(), collection.to_owned());
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.pool
            .read(move |conn| {
                let mut s = conn.prepare_cached(&list_sql()).map_err(unavailable)?;
                let rows = s
                    .query_map(params![t, c, after, limit], |r| {
                        Ok((r.get::<_, i64>(9)?, object(r)?))
                    })
                    .map_err(unavailable)?;
                rows.collect::<Result<Vec<_>, _>>().map_err(unavailable)
            })
            .await
    }

    async fn find_objects(
        &self,
        tenant: &TenantId,
        collection: &str,
        property: &str,
        unique: bool,
        digests: &[[u8; 32]],
    ) -> Result<Vec<String>, StoreError> {
        let (t, c, p, digests) = (
            tenant.to_string(),
            collection.to_owned(),
            property.to_owned(),
            digests.to_vec(),
        );
        let pool = self.pool.clone();
        self.pool
            .read(move |conn| {
                let mut out = Vec::new();
                let mut seen = std::collections::HashSet::new();
                for d in &digests {
                    let lookup = Lookup {
                        tenant: &t,
                        collection: &c,
                        property: &p,
                        digest: d,
                        unique,
                    };
                    for id in objects_with(conn, &pool.digests, &[], &lookup)? {
                        if seen.insert(id.clone()) {
                            out.push(id);
                        }
                    }
                }
                Ok(out)
            })
            .await
    }

    async fn count_objects(
        &self,
        tenant: &TenantId,
        collection: &str,
        now: UnixSeconds,
    ) -> Result<tokenvault_core::objects::TokenCounts, StoreError> {
        count_live_and_archived(self, "objects", tenant, collection, now).await
    }

    async fn purge_collection(
        &self,
        tenant: &TenantId,
        collection: &str,
    ) -> Result<(), StoreError> {
        let (t, c) = (tenant.to_string(), collection.to_owned());
        self.pool
            .write(move |conn| {
                let tx = conn.transaction().map_err(unavailable)?;
                drop_index(&tx, &t, &c, None)?;
                tx.execute(
                    "DELETE FROM objects WHERE tenant = ?1 AND collection = ?2",
                    params![t, c],
                )
                .map_err(unavailable)?;
                super::object_tokens::purge_tokens(&tx, &t, &c)?;
                tx.commit().map_err(unavailable)
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    /// A page is read through the `(tenant, collection, seq)` index from the cursor on: no
    /// sort of the collection (which took a second at a million objects).
    #[test]
    fn a_page_of_objects_is_an_index_seek() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = rusqlite::Connection::open(dir.path().join("p.db")).unwrap();
        crate::schema::migrate(&mut conn).unwrap();
        let mut plan = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {}", super::list_sql()))
            .unwrap();
        let steps: Vec<String> = plan
            .query_map(rusqlite::params!["t", "c", 0, 10], |r| r.get(3))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let plan = steps.join("; ");
        assert!(plan.contains("USING INDEX objects_list"), "{plan}");
        assert!(!plan.contains("TEMP B-TREE"), "{plan}");
    }
}
