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
    c.exec(
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
        c.exec(
            "INSERT INTO object_token_tags (tenant, collection, tag, token_id)
             SELECT $1, $2, tag, $4 FROM UNNEST($3::TEXT[]) AS tag",
            &[&t, &r.collection, &r.tags, &r.id],
        )
        .await
        .map_err(token_conflict)?;
    }
    Ok(())
}

/// Inserts tokens and their tags, one statement per table.
async fn insert_many<C: GenericClient>(
    c: &C,
    t: &str,
    records: &[&ObjectTokenRecord],
) -> Result<(), StoreError> {
    if records.is_empty() {
        return Ok(());
    }
    let rows: Vec<TokenRow> = records.iter().map(|r| TokenRow::of(r)).collect();
    let col = |f: fn(&TokenRow) -> String| rows.iter().map(f).collect::<Vec<String>>();
    let (ids, colls, types, props, scopes, tags) = (
        col(|w| w.id.clone()),
        col(|w| w.collection.clone()),
        col(|w| w.token_type.clone()),
        col(|w| w.props.clone()),
        col(|w| w.scope.clone()),
        col(|w| w.tags.clone()),
    );
    let objects: Vec<Option<&str>> = rows.iter().map(|w| w.object_id.as_deref()).collect();
    let reversible: Vec<bool> = rows.iter().map(|w| w.reversible).collect();
    let reuse: Vec<Option<&[u8]>> = rows.iter().map(|w| w.reuse.as_deref()).collect();
    let template: Vec<Option<&str>> = rows.iter().map(|w| w.template.as_deref()).collect();
    let versions: Vec<Option<i64>> = rows.iter().map(|w| w.key_version).collect();
    let deks: Vec<Option<&[u8]>> = rows.iter().map(|w| w.wrapped_dek.as_deref()).collect();
    let sealed: Vec<Option<&[u8]>> = rows.iter().map(|w| w.sealed.as_deref()).collect();
    let created: Vec<i64> = rows.iter().map(|w| w.created_at).collect();
    let modified: Vec<i64> = rows.iter().map(|w| w.modified_at).collect();
    let expires: Vec<Option<i64>> = rows.iter().map(|w| w.expires_at).collect();
    let deleted: Vec<Option<i64>> = rows.iter().map(|w| w.deleted_at).collect();
    let version: Vec<i64> = rows.iter().map(|w| w.version).collect();
    c.exec(
        &format!(
            "INSERT INTO object_tokens (tenant, {OBJECT_TOKEN_COLUMNS})
             SELECT $1, * FROM UNNEST($2::TEXT[], $3::TEXT[], $4::TEXT[], $5::TEXT[], $6::TEXT[],
                    $7::TEXT[], $8::BOOLEAN[], $9::BYTEA[], $10::TEXT[], $11::TEXT[], $12::BIGINT[],
                    $13::BYTEA[], $14::BYTEA[], $15::BIGINT[], $16::BIGINT[], $17::BIGINT[],
                    $18::BIGINT[], $19::BIGINT[])"
        ),
        &[
            &t,
            &ids,
            &colls,
            &types,
            &objects,
            &props,
            &scopes,
            &reversible,
            &reuse,
            &tags,
            &template,
            &versions,
            &deks,
            &sealed,
            &created,
            &modified,
            &expires,
            &deleted,
            &version,
        ],
    )
    .await
    .map_err(token_conflict)?;
    let (mut tag_coll, mut tag, mut tag_token) = (Vec::new(), Vec::new(), Vec::new());
    for r in records {
        for x in &r.tags {
            tag_coll.push(r.collection.as_str());
            tag.push(x.as_str());
            tag_token.push(r.id.as_str());
        }
    }
    if !tag.is_empty() {
        c.exec(
            "INSERT INTO object_token_tags (tenant, collection, tag, token_id)
             SELECT $1, * FROM UNNEST($2::TEXT[], $3::TEXT[], $4::TEXT[])",
            &[&t, &tag_coll, &tag, &tag_token],
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
            c.exec(
                "DELETE FROM object_tokens WHERE tenant = $1 AND collection = $2 AND id = $3 AND version = $4",
                &[&t, &collection, &id, &v],
            )
            .await
        }
        None => {
            c.exec(
                "DELETE FROM object_tokens WHERE tenant = $1 AND collection = $2 AND id = $3",
                &[&t, &collection, &id],
            )
            .await
        }
    }
    .map_err(pg_err)?;
    c.exec(
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
    c.exec(
        "DELETE FROM object_token_tags WHERE tenant = $1 AND collection = $2 AND token_id IN
         (SELECT id FROM object_tokens WHERE tenant = $1 AND collection = $2 AND object_id = $3)",
        &[&t, &collection, &object_id],
    )
    .await
    .map_err(pg_err)?;
    c.exec(
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
        c.exec(
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
        // Runs of inserts go in one statement per table; replaces and removes one by one, in
        // order (a replace frees a reuse digest an insert after it may take).
        let mut run: Vec<&ObjectTokenRecord> = Vec::new();
        for ch in changes {
            match ch {
                TokenChange::Insert(r) => run.push(r),
                other => {
                    insert_many(&tx, t, &std::mem::take(&mut run)).await?;
                    apply(&tx, t, collection, other).await?;
                }
            }
        }
        insert_many(&tx, t, &run).await?;
        append_audit(&tx, std::slice::from_ref(audit)).await?;
        tx.commit().await.map_err(pg_err)
    }

    async fn object_tokens_by_id(
        &self,
        tenant: &TenantId,
        collection: &str,
        ids: &[String],
    ) -> Result<Vec<ObjectTokenRecord>, StoreError> {
        let rows = super::objects::rows_by_key(
            self,
            &format!(
                "SELECT {OBJECT_TOKEN_COLUMNS} FROM object_tokens
                 WHERE tenant = $1 AND collection = $2 AND id = $3"
            ),
            tenant,
            collection,
            ids,
        )
        .await?;
        rows.iter().map(record).collect()
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
            .q(
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
            .q(
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
        super::objects::count_live_and_archived(self, "object_tokens", tenant, collection, now)
            .await
    }
}
