//! The object vault's objects on PostgreSQL: sealed values in `objects`, blind indexes in
//! `object_index`; the partial unique index enforces unique properties across nodes.

use super::*;
use tokenvault_core::{
    objects::SealedValues,
    store::{ObjectRecord, ObjectStore},
};

const OBJECT_COLUMNS: &str =
    "id, collection, created_at, modified_at, expires_at, deleted_at, key_version, wrapped_dek, sealed";

fn object(r: &Row) -> Result<ObjectRecord, StoreError> {
    Ok(ObjectRecord {
        id: r.get(0),
        collection: r.get(1),
        created_at: r.get(2),
        modified_at: r.get(3),
        expires_at: r.get(4),
        deleted_at: r.get(5),
        values: SealedValues {
            key_version: u32_of(r.get(6), "key version")?,
            wrapped_dek: r.get(7),
            sealed: r.get(8),
        },
        index: Vec::new(),
    })
}

/// Inserts the index entries of `objects` in one statement.
async fn write_index<C: GenericClient>(
    c: &C,
    t: &str,
    objects: &[ObjectRecord],
) -> Result<(), StoreError> {
    let (mut coll, mut prop, mut digest, mut id, mut uniq) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for o in objects {
        for e in &o.index {
            coll.push(o.collection.as_str());
            prop.push(e.property.as_str());
            digest.push(e.digest.as_slice());
            id.push(o.id.as_str());
            uniq.push(i64::from(e.unique));
        }
    }
    if coll.is_empty() {
        return Ok(());
    }
    c.exec(
        "INSERT INTO object_index (tenant, collection, property, digest, object_id, uniq)
         SELECT $1, * FROM UNNEST($2::TEXT[], $3::TEXT[], $4::BYTEA[], $5::TEXT[], $6::BIGINT[])",
        &[&t, &coll, &prop, &digest, &id, &uniq],
    )
    .await
    .map_err(|e| conflict(Entity::UniqueValue)(pg_err(e)))?;
    Ok(())
}

async fn drop_index<C: GenericClient>(
    c: &C,
    t: &str,
    collection: &str,
    id: &str,
) -> Result<(), StoreError> {
    c.exec(
        "DELETE FROM object_index WHERE tenant = $1 AND collection = $2 AND object_id = $3",
        &[&t, &collection, &id],
    )
    .await
    .map(drop)
    .map_err(pg_err)
}

/// Rows by primary key, one equality per id pipelined on one connection, in the order asked
/// (ids not found are left out). `sql` takes the tenant, collection and id as `$1..$3`.
pub(super) async fn rows_by_key(
    store: &PgStore,
    sql: &str,
    tenant: &TenantId,
    collection: &str,
    ids: &[String],
) -> Result<Vec<Row>, StoreError> {
    let c = store.client().await?;
    let stmt = c.prepare_cached(sql).await.map_err(pg_err)?;
    let t = tenant.as_str();
    let rows = futures_util::future::try_join_all(ids.iter().map(|id| {
        let (c, stmt) = (&c, &stmt);
        async move { c.query_opt(stmt, &[&t, &collection, id]).await }
    }))
    .await
    .map_err(pg_err)?;
    Ok(rows.into_iter().flatten().collect())
}

/// Rows of `table` (objects or object tokens) of a collection: live ones (neither deleted nor
/// expired at `now`) and archived (soft-deleted) ones.
pub(super) async fn count_live_and_archived(
    store: &PgStore,
    table: &'static str,
    tenant: &TenantId,
    collection: &str,
    now: UnixSeconds,
) -> Result<tokenvault_core::objects::TokenCounts, StoreError> {
    let row = store
        .client()
        .await?
        .q_one(
            &format!(
                "SELECT
                   COUNT(*) FILTER (WHERE deleted_at IS NULL AND (expires_at IS NULL OR expires_at > $3)),
                   COUNT(*) FILTER (WHERE deleted_at IS NOT NULL)
                 FROM {table} WHERE tenant = $1 AND collection = $2"
            ),
            &[&tenant.as_str(), &collection, &now],
        )
        .await
        .map_err(pg_err)?;
    let n = |v: i64| u64::try_from(v).map_err(|_| corrupt("row count"));
    Ok(tokenvault_core::objects::TokenCounts {
        active: n(row.get(0))?,
        archived: n(row.get(1))?,
    })
}

fn not_found() -> StoreError {
    StoreError::NotFound {
        what: Entity::Object,
    }
}

#[async_trait]
impl ObjectStore for PgStore {
    async fn insert_objects(
        &self,
        tenant: &TenantId,
        objects: &[ObjectRecord],
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let t = tenant.as_str();
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg_err)?;
        // One statement per table for the whole batch.
        let ids: Vec<&str> = objects.iter().map(|o| o.id.as_str()).collect();
        let colls: Vec<&str> = objects.iter().map(|o| o.collection.as_str()).collect();
        let created: Vec<i64> = objects.iter().map(|o| o.created_at).collect();
        let modified: Vec<i64> = objects.iter().map(|o| o.modified_at).collect();
        let expires: Vec<Option<i64>> = objects.iter().map(|o| o.expires_at).collect();
        let deleted: Vec<Option<i64>> = objects.iter().map(|o| o.deleted_at).collect();
        let versions: Vec<i64> = objects
            .iter()
            .map(|o| i64::from(o.values.key_version))
            .collect();
        let deks: Vec<&[u8]> = objects
            .iter()
            .map(|o| o.values.wrapped_dek.as_slice())
            .collect();
        let sealed: Vec<&[u8]> = objects.iter().map(|o| o.values.sealed.as_slice()).collect();
        tx.exec(
            &format!(
                "INSERT INTO objects (tenant, {OBJECT_COLUMNS})
                 SELECT $1, * FROM UNNEST($2::TEXT[], $3::TEXT[], $4::BIGINT[], $5::BIGINT[], $6::BIGINT[],
                        $7::BIGINT[], $8::BIGINT[], $9::BYTEA[], $10::BYTEA[])"
            ),
            &[&t, &ids, &colls, &created, &modified, &expires, &deleted, &versions, &deks, &sealed],
        )
        .await
        .map_err(|e| conflict(Entity::UniqueValue)(pg_err(e)))?;
        write_index(&tx, t, objects).await?;
        append_audit(&tx, std::slice::from_ref(audit)).await?;
        tx.commit().await.map_err(pg_err)
    }

    async fn update_object(
        &self,
        tenant: &TenantId,
        o: &ObjectRecord,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let t = tenant.as_str();
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg_err)?;
        let n = tx
            .exec(
                "UPDATE objects SET modified_at = $4, expires_at = $5, key_version = $6, wrapped_dek = $7, sealed = $8
                 WHERE tenant = $1 AND collection = $2 AND id = $3 AND deleted_at IS NULL",
                &[&t, &o.collection, &o.id, &o.modified_at, &o.expires_at, &i64::from(o.values.key_version),
                  &o.values.wrapped_dek, &o.values.sealed],
            )
            .await
            .map_err(pg_err)?;
        if n == 0 {
            return Err(not_found());
        }
        drop_index(&tx, t, &o.collection, &o.id).await?;
        write_index(&tx, t, std::slice::from_ref(o)).await?;
        append_audit(&tx, std::slice::from_ref(audit)).await?;
        tx.commit().await.map_err(pg_err)
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
        let t = tenant.as_str();
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg_err)?;
        let n = if hard {
            tx.exec(
                "DELETE FROM objects WHERE tenant = $1 AND collection = $2 AND id = $3",
                &[&t, &collection, &id],
            )
            .await
        } else {
            tx.exec(
                "UPDATE objects SET deleted_at = $4 WHERE tenant = $1 AND collection = $2 AND id = $3 AND deleted_at IS NULL",
                &[&t, &collection, &id, &at],
            )
            .await
        }
        .map_err(pg_err)?;
        if n == 0 {
            return Err(not_found());
        }
        if hard {
            super::object_tokens::drop_tokens_of(&tx, t, collection, id).await?;
        }
        drop_index(&tx, t, collection, id).await?;
        append_audit(&tx, std::slice::from_ref(audit)).await?;
        tx.commit().await.map_err(pg_err)
    }

    async fn objects_by_id(
        &self,
        tenant: &TenantId,
        collection: &str,
        ids: &[String],
    ) -> Result<Vec<ObjectRecord>, StoreError> {
        // One primary-key equality per id, pipelined on one connection: a plan on the key
        // whatever the table's statistics (`id = ANY($3)`, or a join on the ids, on a freshly
        // loaded table before it is analyzed can be planned as a scan of every object).
        let rows = rows_by_key(
            self,
            &format!(
                "SELECT {OBJECT_COLUMNS} FROM objects WHERE tenant = $1 AND collection = $2 AND id = $3"
            ),
            tenant,
            collection,
            ids,
        )
        .await?;
        rows.iter().map(object).collect()
    }

    async fn list_objects(
        &self,
        tenant: &TenantId,
        collection: &str,
        after: i64,
        limit: usize,
    ) -> Result<Vec<(i64, ObjectRecord)>, StoreError> {
        let rows = self
            .client()
            .await?
            .q(
                &format!(
                    "SELECT {OBJECT_COLUMNS}, seq FROM objects
                     WHERE tenant = $1 AND collection = $2 AND deleted_at IS NULL AND seq > $3
                     ORDER BY seq LIMIT $4"
                ),
                &[
                    &tenant.as_str(),
                    &collection,
                    &after,
                    &i64::try_from(limit).unwrap_or(i64::MAX),
                ],
            )
            .await
            .map_err(pg_err)?;
        rows.iter()
            .map(|r| Ok((r.get::<_, i64>(9), object(r)?)))
            .collect()
    }

    async fn find_objects(
        &self,
        tenant: &TenantId,
        collection: &str,
        property: &str,
        unique: bool,
        digests: &[[u8; 32]],
    ) -> Result<Vec<String>, StoreError> {
        // One equality lookup per digest: a plan on every index column, whatever the
        // table's statistics (an `= ANY(array)` plan on a freshly bulk-loaded table, before
        // autovacuum analyzes it, can be a sequential scan).
        // The scope's hash is written as the index defines it (migration 8), so the plan
        // uses that index; the scope's columns are compared as well.
        let sql = if unique {
            "SELECT object_id FROM object_index
             WHERE digest = $4
               AND hashtextextended(tenant || '/' || collection || '/' || property, 0)
                 = hashtextextended($1 || '/' || $2 || '/' || $3, 0)
               AND tenant = $1 AND collection = $2 AND property = $3 AND uniq = 1"
        } else {
            "SELECT object_id FROM object_index
             WHERE digest = $4
               AND hashtextextended(tenant || '/' || collection || '/' || property, 0)
                 = hashtextextended($1 || '/' || $2 || '/' || $3, 0)
               AND tenant = $1 AND collection = $2 AND property = $3 AND uniq = 0"
        };
        let c = self.client().await?;
        let mut out: Vec<String> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for d in digests {
            let rows = c
                .q(
                    sql,
                    &[&tenant.as_str(), &collection, &property, &d.as_slice()],
                )
                .await
                .map_err(pg_err)?;
            for r in rows {
                let id: String = r.get(0);
                if seen.insert(id.clone()) {
                    out.push(id);
                }
            }
        }
        Ok(out)
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
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg_err)?;
        for sql in [
            "DELETE FROM object_index WHERE tenant = $1 AND collection = $2
               AND object_id IN (SELECT id FROM objects WHERE tenant = $1 AND collection = $2)",
            "DELETE FROM objects WHERE tenant = $1 AND collection = $2",
        ] {
            tx.exec(sql, &[&tenant.as_str(), &collection])
                .await
                .map_err(pg_err)?;
        }
        super::object_tokens::purge_tokens(&tx, tenant.as_str(), collection).await?;
        tx.commit().await.map_err(pg_err)
    }
}
