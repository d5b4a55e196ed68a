//! The object vault's tokens on SQLite: `object_tokens` (a partial unique index keeps one
//! live token per reuse digest) and `object_token_tags` for lookups by tag.

use async_trait::async_trait;
use rusqlite::{params, Transaction};
use tokenvault_core::{
    clock::UnixSeconds,
    ids::TenantId,
    objects::{ObjectTokenRecord, TokenChange, TokenCounts, TokenFilter},
    store::{AuditEvent, Entity, ObjectTokenStore, StoreError},
};

use super::SqliteStore;
use crate::{
    object_token_row::{TokenRow, OBJECT_TOKEN_COLUMNS},
    pool::unavailable,
};

fn conflict() -> StoreError {
    StoreError::Conflict {
        what: Entity::ObjectToken,
    }
}

fn token_conflict(e: rusqlite::Error) -> StoreError {
    match unavailable(e) {
        StoreError::Conflict { .. } => conflict(),
        other => other,
    }
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<TokenRow> {
    Ok(TokenRow {
        id: r.get(0)?,
        collection: r.get(1)?,
        token_type: r.get(2)?,
        object_id: r.get(3)?,
        props: r.get(4)?,
        scope: r.get(5)?,
        reversible: r.get(6)?,
        reuse: r.get(7)?,
        tags: r.get(8)?,
        template: r.get(9)?,
        key_version: r.get(10)?,
        wrapped_dek: r.get(11)?,
        sealed: r.get(12)?,
        created_at: r.get(13)?,
        modified_at: r.get(14)?,
        expires_at: r.get(15)?,
        deleted_at: r.get(16)?,
        version: r.get(17)?,
    })
}

fn insert(tx: &Transaction<'_>, t: &str, r: &ObjectTokenRecord) -> Result<(), StoreError> {
    let w = TokenRow::of(r);
    tx.prepare_cached(&format!(
        "INSERT INTO object_tokens (tenant, {OBJECT_TOKEN_COLUMNS})
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)"
    ))
    .map_err(unavailable)?
    .execute(params![
        t,
        w.id,
        w.collection,
        w.token_type,
        w.object_id,
        w.props,
        w.scope,
        w.reversible,
        w.reuse,
        w.tags,
        w.template,
        w.key_version,
        w.wrapped_dek,
        w.sealed,
        w.created_at,
        w.modified_at,
        w.expires_at,
        w.deleted_at,
        w.version
    ])
    .map_err(token_conflict)?;
    let mut tag = tx
        .prepare_cached(
            "INSERT INTO object_token_tags (tenant, collection, tag, token_id) VALUES (?1, ?2, ?3, ?4)",
        )
        .map_err(unavailable)?;
    for t_ in &r.tags {
        tag.execute(params![t, r.collection, t_, r.id])
            .map_err(token_conflict)?;
    }
    Ok(())
}

/// Removes a token and its tags; `false` when it was not there (at `version`, if given).
fn remove(
    tx: &Transaction<'_>,
    t: &str,
    collection: &str,
    id: &str,
    version: Option<i64>,
) -> Result<bool, StoreError> {
    let n = match version {
        Some(v) => tx.execute(
            "DELETE FROM object_tokens WHERE tenant = ?1 AND collection = ?2 AND id = ?3 AND version = ?4",
            params![t, collection, id, v],
        ),
        None => tx.execute(
            "DELETE FROM object_tokens WHERE tenant = ?1 AND collection = ?2 AND id = ?3",
            params![t, collection, id],
        ),
    }
    .map_err(unavailable)?;
    tx.execute(
        "DELETE FROM object_token_tags WHERE tenant = ?1 AND collection = ?2 AND token_id = ?3",
        params![t, collection, id],
    )
    .map_err(unavailable)?;
    Ok(n == 1)
}

/// Deletes every token of an object with its tags (the object was hard-deleted).
pub(super) fn drop_tokens_of(
    tx: &Transaction<'_>,
    t: &str,
    collection: &str,
    object_id: &str,
) -> Result<(), StoreError> {
    tx.execute(
        "DELETE FROM object_token_tags WHERE tenant = ?1 AND collection = ?2 AND token_id IN
         (SELECT id FROM object_tokens WHERE tenant = ?1 AND collection = ?2 AND object_id = ?3)",
        params![t, collection, object_id],
    )
    .map_err(unavailable)?;
    tx.execute(
        "DELETE FROM object_tokens WHERE tenant = ?1 AND collection = ?2 AND object_id = ?3",
        params![t, collection, object_id],
    )
    .map_err(unavailable)?;
    Ok(())
}

/// Deletes every token of a collection with its tags.
pub(super) fn purge_tokens(
    tx: &Transaction<'_>,
    t: &str,
    collection: &str,
) -> Result<(), StoreError> {
    for table in ["object_token_tags", "object_tokens"] {
        tx.execute(
            &format!("DELETE FROM {table} WHERE tenant = ?1 AND collection = ?2"),
            params![t, collection],
        )
        .map_err(unavailable)?;
    }
    Ok(())
}

fn apply(
    tx: &Transaction<'_>,
    t: &str,
    collection: &str,
    c: &TokenChange,
) -> Result<(), StoreError> {
    match c {
        TokenChange::Insert(r) => insert(tx, t, r),
        TokenChange::Replace {
            id,
            version,
            record,
        } => {
            if !remove(tx, t, collection, id, Some(*version))? {
                return Err(conflict());
            }
            insert(tx, t, record)
        }
        TokenChange::Remove { id } => {
            if remove(tx, t, collection, id, None)? {
                Ok(())
            } else {
                Err(conflict())
            }
        }
    }
}

fn read_rows(
    rows: impl Iterator<Item = rusqlite::Result<TokenRow>>,
    out: &mut Vec<ObjectTokenRecord>,
) -> Result<(), StoreError> {
    for r in rows {
        out.push(r.map_err(unavailable)?.record()?);
    }
    Ok(())
}

#[async_trait]
impl ObjectTokenStore for SqliteStore {
    async fn save_object_tokens(
        &self,
        tenant: &TenantId,
        collection: &str,
        changes: &[TokenChange],
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let (t, c, changes) = (tenant.to_string(), collection.to_owned(), changes.to_vec());
        self.audited(audit, move |tx| {
            changes.iter().try_for_each(|ch| apply(tx, &t, &c, ch))
        })
        .await
    }

    async fn object_tokens_by_id(
        &self,
        tenant: &TenantId,
        collection: &str,
        ids: &[String],
    ) -> Result<Vec<ObjectTokenRecord>, StoreError> {
        let (t, c, ids) = (tenant.to_string(), collection.to_owned(), ids.to_vec());
        self.pool
            .read(move |conn| {
                let mut s = conn
                    .prepare_cached(&format!(
                        "SELECT {OBJECT_TOKEN_COLUMNS} FROM object_tokens
                         WHERE tenant = ?1 AND collection = ?2 AND id = ?3"
                    ))
                    .map_err(unavailable)?;
                let mut out = Vec::with_capacity(ids.len());
                for id in &ids {
                    read_rows(
                        s.query_map(params![t, c, id], row).map_err(unavailable)?,
                        &mut out,
                    )?;
                }
                Ok(out)
            })
            .await
    }

    async fn object_tokens_by_reuse(
        &self,
        tenant: &TenantId,
        collection: &str,
        digests: &[[u8; 32]],
    ) -> Result<Vec<ObjectTokenRecord>, StoreError> {
        let (t, c, digests) = (tenant.to_string(), collection.to_owned(), digests.to_vec());
        self.pool
            .read(move |conn| {
                let mut s = conn
                    .prepare_cached(&format!(
                        "SELECT {OBJECT_TOKEN_COLUMNS} FROM object_tokens
                         WHERE tenant = ?1 AND collection = ?2 AND reuse = ?3 AND deleted_at IS NULL"
                    ))
                    .map_err(unavailable)?;
                let mut out = Vec::new();
                for d in &digests {
                    read_rows(
                        s.query_map(params![t, c, d.as_slice()], row)
                            .map_err(unavailable)?,
                        &mut out,
                    )?;
                }
                Ok(out)
            })
            .await
    }

    async fn find_object_tokens(
        &self,
        tenant: &TenantId,
        collection: &str,
        filter: &TokenFilter,
        limit: usize,
    ) -> Result<Vec<ObjectTokenRecord>, StoreError> {
        let (t, c, filter) = (tenant.to_string(), collection.to_owned(), filter.clone());
        self.pool
            .read(move |conn| {
                let (sql, keys) = match &filter {
                    TokenFilter::Objects(ids) => (
                        format!(
                            "SELECT {OBJECT_TOKEN_COLUMNS} FROM object_tokens
                             WHERE tenant = ?1 AND collection = ?2 AND object_id = ?3 LIMIT ?4"
                        ),
                        ids,
                    ),
                    TokenFilter::Tags(tags) => (
                        format!(
                            "SELECT {OBJECT_TOKEN_COLUMNS} FROM object_tokens
                             WHERE tenant = ?1 AND collection = ?2 AND id IN
                             (SELECT token_id FROM object_token_tags
                              WHERE tenant = ?1 AND collection = ?2 AND tag = ?3) LIMIT ?4"
                        ),
                        tags,
                    ),
                };
                let mut s = conn.prepare_cached(&sql).map_err(unavailable)?;
                let mut out: Vec<ObjectTokenRecord> = Vec::new();
                let mut seen = std::collections::HashSet::new();
                for k in keys {
                    let room = i64::try_from(limit.saturating_sub(out.len())).unwrap_or(i64::MAX);
                    if room == 0 {
                        break;
                    }
                    let mut found = Vec::new();
                    read_rows(
                        s.query_map(params![t, c, k, room], row)
                            .map_err(unavailable)?,
                        &mut found,
                    )?;
                    out.extend(found.into_iter().filter(|r| seen.insert(r.id.clone())));
                }
                out.truncate(limit);
                Ok(out)
            })
            .await
    }

    async fn count_object_tokens(
        &self,
        tenant: &TenantId,
        collection: &str,
        now: UnixSeconds,
    ) -> Result<TokenCounts, StoreError> {
        super::objects::count_live_and_archived(self, "object_tokens", tenant, collection, now)
            .await
    }
}
