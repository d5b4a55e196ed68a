//! The object vault's tokens on PostgreSQL: `object_tokens` (a partial unique index keeps
//! one live token per reuse digest across nodes; a version column makes concurrent changes
//! conflict instead of overwriting) and `object_token_tags` for lookups by tag.

use super::*;
use crate::object_token_row::{TokenRow, OBJECT_TOKEN_COLUMNS};
use tokenvault_core::{
    objects::{ObjectTokenRecord, TokenChange, TokenCounts, TokenFilter},
    store::ObjectTokenStore,
};

fn token_conflict(e: tokio_postgres::Error) -> StoreError {
    conflict(Entity::ObjectToken)(pg_err(e))
}

fn lost() -> StoreError {
    StoreError::Conflict {
        what: Entity::ObjectToken,
    }
}

fn record(r: &Row) -> Result<ObjectTokenRecord, StoreError> {
    TokenRow {
        id: r.get(0),
        collection: r.get(1),
        token_type: r.get(2),
        object_id: r.get(3),
        props: r.get(4),
        scope: r.get(5),
        reversible: r.get(6),
        reuse: r.get(7),
        tags: r.get(8),
        template: r.get(9),
        key_version: r.get(10),
        wrapped_dek: r.get(11),
        sealed: r.get(12),
        created_at: r.get(13),
        modified_at: r.get(14),
        expires_at: r.get(15),
        deleted_at: r.get(16),
        version: r.get(17),
    }
    .record()
}

async fn insert<C: GenericClient>(c: &C, t: &str, r: &ObjectTokenRecord) -> Result<(), StoreError> {
    let w = TokenRow::of(r);
    c.execute(
        &format!(
            "INSERT INTO object_tokens (tenant, {OBJECT_TOKEN_COLUMNS})
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)"
        ),
        &[
            &t, &w.id, &w.collection, &w.token_type, &w.object_id, &w.props, &w.scope,
            &w.reversible, &w.reuse, &w.tags, &w.template, &w.key_version, &w.wrapped_dek,
            &w.sealed, &w.created_at, &w.modified_at, &w.expires_at, &w.deleted_at, &w.version,
        ],
    )
    .await
    .map_err(token_conflict)?;
    if !r.tags.is_empty() {
        c.execute(
            "INSERT INTO object_token_tags (tenant, collection, tag, token_id)
             SELECT $1, $2, tag, $4 FROM UNNEST($3::TEXT[]) AS tag",
            &[&t, &r.collection, &r.tags, &r.id],
        )
        .await
        .map_err(token_conflict)?;
    }
    Ok(())
}

/// Removes a token and its tags; `false` when it was not there (at `version`, if given).
async fn remove<C: GenericClient>(
    c: &C,
    t: &str,
    collection: &str,
    id: &str,
    version: Option<i64>,
) -> Result<bool, StoreError> {
    let n = match version {
        Some(v) => {
            c.execute(
                "DELETE FROM object_tokens WHERE tenant = $1 AND collection = $2 AND id = $3 AND version = $4",
                &[&t, &collection, &id, &v],
            )
            .await
        }
        None => {
            c.execute(
                "DELETE FROM object_tokens WHERE tenant = $1 AND collection = $2 AND id = $3",
                &[&t, &collection, &id],
            )
            .await
        }
    }
    .map_err(pg_err)?;
    c.execute(
        "DELETE FROM object_token_tags WHERE tenant = $1 AND collection = $2 AND token_id = $3",
        &[&t, &collection, &id],
    )
    .await
    .map_err(pg_err)?;
    Ok(n == 1)
}

/// Deletes every token of an object with its tags (the object was hard-deleted).
pub(super) async fn drop_tokens_of<C: GenericClient>(
    c: &C,
    t: &str,
    collection: &str,
    object_id: &str,
) -> Result<(), StoreError> {
    c.execute(
        "DELETE FROM object_token_tags WHERE tenant = $1 AND collection = $2 AND token_id IN
         (SELECT id FROM object_tokens WHERE tenant = $1 AND collection = $2 AND object_id = $3)",
        &[&t, &collection, &object_id],
    )
    .await
    .map_err(pg_err)?;
    c.execute(
        "DELETE FROM object_tokens WHERE tenant = $1 AND collection = $2 AND object_id = $3",
        &[&t, &collection, &object_id],
    )
    .await
    .map_err(pg_err)?;
    Ok(())
}

/// Deletes every token of a collection with its tags.
pub(super) async fn purge_tokens<C: GenericClient>(
    c: &C,
    t: &str,
    collection: &str,
) -> Result<(), StoreError> {
    for table in ["object_token_tags", "object_tokens"] {
        c.execute(
            &format!("DELETE FROM {table} WHERE tenant = $1 AND collection = $2"),
            &[&t, &collection],
        )
        .await
        .map_err(pg_err)?;
    }
    Ok(())
}

async fn apply<C: GenericClient>(
    c: &C,
    t: &str,
    collection: &str,
    change: &TokenChange,
) -> Result<(), StoreError> {
    match change {
        TokenChange::Insert(r) => insert(c, t, r).await,
        TokenChange::Replace {
            id,
            version,
            record,
        } => {
            if !remove(c, t, collection, id, Some(*version)).await? {
                return Err(lost());
            }
            insert(c, t, record).await
        }
        TokenChange::Remove { id } => {
            if remove(c, t, collection, id, None).await? {
                Ok(())
            } else {
                Err(lost())
            }
        }
    }
}

#[async_trait]
impl ObjectTokenStore for PgStore {
    async fn save_object_tokens(
        &self,
        tenant: &TenantId,
        collection: &str,
        changes: &[TokenChange],
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let t = tenant.as_str();
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg_err)?;
        for ch in changes {
            apply(&tx, t, collection, ch).await?;
        }
        append_audit(&tx, std::slice::from_ref(audit)).await?;
        tx.commit().await.map_err(pg_err)
    }

    async fn object_tokens_by_id(
        &self,
        tenant: &TenantId,
        collection: &str,
        ids: &[String],
    ) -> Result<Vec<ObjectTokenRecord>, StoreError> {
        let rows = self
            .client()
            .await?
            .query(
                &format!(
                    "SELECT {OBJECT_TOKEN_COLUMNS} FROM object_tokens
                     WHERE tenant = $1 AND collection = $2 AND id = ANY($3)"
                ),
                &[&tenant.as_str(), &collection, &ids],
            )
            .await
            .map_err(pg_err)?;
        let mut found: Vec<ObjectTokenRecord> =
            rows.iter().map(record).collect::<Result<_, _>>()?;
        let mut out = Vec::with_capacity(found.len());
        for id in ids {
            if let Some(i) = found.iter().position(|r| &r.id == id) {
                out.push(found.swap_remove(i));
            }
        }
        Ok(out)
    }

    async fn object_tokens_by_reuse(
        &self,
        tenant: &TenantId,
        collection: &str,
        digests: &[[u8; 32]],
    ) -> Result<Vec<ObjectTokenRecord>, StoreError> {
        let digests: Vec<&[u8]> = digests.iter().map(|d| d.as_slice()).collect();
        let rows = self
            .client()
            .await?
            .query(
                &format!(
                    "SELECT {OBJECT_TOKEN_COLUMNS} FROM object_tokens
                     WHERE tenant = $1 AND collection = $2 AND reuse = ANY($3) AND deleted_at IS NULL"
                ),
                &[&tenant.as_str(), &collection, &digests],
            )
            .await
            .map_err(pg_err)?;
        rows.iter().map(record).collect()
    }

    async fn find_object_tokens(
        &self,
        tenant: &TenantId,
        collection: &str,
        filter: &TokenFilter,
        limit: usize,
    ) -> Result<Vec<ObjectTokenRecord>, StoreError> {
        let (sql, keys) = match filter {
            TokenFilter::Objects(ids) => (
                format!(
                    "SELECT {OBJECT_TOKEN_COLUMNS} FROM object_tokens
                     WHERE tenant = $1 AND collection = $2 AND object_id = ANY($3) LIMIT $4"
                ),
                ids,
            ),
            TokenFilter::Tags(tags) => (
                format!(
                    "SELECT {OBJECT_TOKEN_COLUMNS} FROM object_tokens
                     WHERE tenant = $1 AND collection = $2 AND id IN
                     (SELECT token_id FROM object_token_tags
                      WHERE tenant = $1 AND collection = $2 AND tag = ANY($3)) LIMIT $4"
                ),
                tags,
            ),
        };
        let rows = self
            .client()
            .await?
            .query(
                &sql,
                &[
                    &tenant.as_str(),
                    &collection,
                    keys,
                    &i64::try_from(limit).unwrap_or(i64::MAX),
                ],
            )
            .await
            .map_err(pg_err)?;
        rows.iter().map(record).collect()
    }

    async fn count_object_tokens(
        &self,
        tenant: &TenantId,
        collection: &str,
        now: UnixSeconds,
    ) -> Result<TokenCounts, StoreError> {
        let row = self
            .client()
            .await?
            .query_one(
                "SELECT
                   COUNT(*) FILTER (WHERE deleted_at IS NULL AND (expires_at IS NULL OR expires_at > $3)),
                   COUNT(*) FILTER (WHERE deleted_at IS NOT NULL)
                 FROM object_tokens WHERE tenant = $1 AND collection = $2",
                &[&tenant.as_str(), &collection, &now],
            )
            .await
            .map_err(pg_err)?;
        let n = |v: i64| u64::try_from(v).map_err(|_| corrupt("token count"));
        Ok(TokenCounts {
            active: n(row.get(0))?,
            archived: n(row.get(1))?,
        })
    }
}
