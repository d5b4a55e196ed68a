//! The object vault's objects on SQLite: sealed values in `objects`, blind indexes in
//! `object_index` (a partial unique index enforces unique properties among live objects).

use async_trait::async_trait;
use rusqlite::{params, Transaction};
use tokenvault_core::{
    clock::UnixSeconds,
    ids::TenantId,
    objects::SealedValues,
    store::{AuditEvent, Entity, ObjectRecord, ObjectStore, StoreError},
};

use super::SqliteStore;
use crate::pool::unavailable;

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

fn write_index(tx: &Transaction<'_>, t: &str, o: &ObjectRecord) -> Result<(), StoreError> {
    let mut stmt = tx
        .prepare_cached(
            "INSERT INTO object_index (tenant, collection, property, digest, object_id, uniq)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .map_err(unavailable)?;
    for e in &o.index {
        stmt.execute(params![
            t,
            o.collection,
            e.property,
            e.digest.as_slice(),
            o.id,
            e.unique
        ])
        .map_err(unique_conflict)?;
    }
    Ok(())
}

fn drop_index(tx: &Transaction<'_>, t: &str, collection: &str, id: &str) -> Result<(), StoreError> {
    tx.execute(
        "DELETE FROM object_index WHERE tenant = ?1 AND collection = ?2 AND object_id = ?3",
        params![t, collection, id],
    )
    .map(drop)
    .map_err(unavailable)
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
        self.audited(audit, move |tx| {
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
                write_index(tx, &t, o)?;
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
        self.audited(audit, move |tx| {
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
            drop_index(tx, &t, &o.collection, &o.id)?;
            write_index(tx, &t, &o)
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
        self.audited(audit, move |tx| {
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
            drop_index(tx, &t, &c, &id)
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
                let mut s = conn
                    .prepare_cached(&format!(
                        "SELECT {OBJECT_COLUMNS}, seq FROM objects
                         WHERE tenant = ?1 AND collection = ?2 AND deleted_at IS NULL AND seq > ?3
                         ORDER BY seq LIMIT ?4"
                    ))
                    .map_err(unavailable)?;
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
        self.pool
            .read(move |conn| {
                // The literal `uniq` lets SQLite use the partial index of each kind.
                let sql = if unique {
                    "SELECT object_id FROM object_index
                     WHERE tenant = ?1 AND collection = ?2 AND property = ?3 AND digest = ?4 AND uniq = 1"
                } else {
                    "SELECT object_id FROM object_index
                     WHERE tenant = ?1 AND collection = ?2 AND property = ?3 AND digest = ?4 AND uniq = 0"
                };
                let mut s = conn.prepare_cached(sql).map_err(unavailable)?;
                let mut out = Vec::new();
                let mut seen = std::collections::HashSet::new();
                for d in &digests {
                    let rows = s
                        .query_map(params![t, c, p, d.as_slice()], |r| r.get::<_, String>(0))
                        .map_err(unavailable)?;
                    for r in rows {
                        let id = r.map_err(unavailable)?;
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
                tx.execute(
                    "DELETE FROM object_index WHERE tenant = ?1 AND collection = ?2",
                    params![t, c],
                )
                .map_err(unavailable)?;
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
