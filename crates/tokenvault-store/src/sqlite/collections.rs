//! The object vault's collections on SQLite: one row per collection, its definition as JSON,
//! keyed by the lower-case name.

use async_trait::async_trait;
use rusqlite::{params, OptionalExtension};
use tokenvault_core::{
    ids::TenantId,
    objects::Collection,
    store::{AuditEvent, CollectionStore, Entity, StoreError},
};

use super::SqliteStore;
use crate::pool::unavailable;

fn body(c: &Collection) -> Result<String, StoreError> {
    serde_json::to_string(c).map_err(|_| StoreError::Corrupt { what: "collection" })
}

fn read(json: &str) -> Result<Collection, StoreError> {
    serde_json::from_str(json).map_err(|_| StoreError::Corrupt { what: "collection" })
}

#[async_trait]
impl CollectionStore for SqliteStore {
    async fn create_collection(
        &self,
        tenant: &TenantId,
        collection: &Collection,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let (t, k, b) = (
            tenant.to_string(),
            collection.name.to_ascii_lowercase(),
            body(collection)?,
        );
        self.audited(audit, move |tx| {
            tx.execute(
                "INSERT INTO collections (tenant, name_key, body) VALUES (?1, ?2, ?3)",
                params![t, k, b],
            )
            .map(drop)
            .map_err(|e| match unavailable(e) {
                StoreError::Conflict { .. } => StoreError::Conflict {
                    what: Entity::Collection,
                },
                other => other,
            })
        })
        .await
    }

    async fn update_collection(
        &self,
        tenant: &TenantId,
        collection: &Collection,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let (t, k, b) = (
            tenant.to_string(),
            collection.name.to_ascii_lowercase(),
            body(collection)?,
        );
        self.audited(audit, move |tx| {
            let n = tx
                .execute(
                    "UPDATE collections SET body = ?3 WHERE tenant = ?1 AND name_key = ?2",
                    params![t, k, b],
                )
                .map_err(unavailable)?;
            if n == 0 {
                return Err(StoreError::NotFound {
                    what: Entity::Collection,
                });
            }
            Ok(())
        })
        .await
    }

    async fn delete_collection(
        &self,
        tenant: &TenantId,
        name: &str,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let (t, k) = (tenant.to_string(), name.to_ascii_lowercase());
        self.audited(audit, move |tx| {
            let n = tx
                .execute(
                    "DELETE FROM collections WHERE tenant = ?1 AND name_key = ?2",
                    params![t, k],
                )
                .map_err(unavailable)?;
            if n == 0 {
                return Err(StoreError::NotFound {
                    what: Entity::Collection,
                });
            }
            Ok(())
        })
        .await
    }

    async fn collection(
        &self,
        tenant: &TenantId,
        name: &str,
    ) -> Result<Option<Collection>, StoreError> {
        let (t, k) = (tenant.to_string(), name.to_ascii_lowercase());
        let json: Option<String> = self
            .pool
            .read(move |c| {
                c.prepare_cached("SELECT body FROM collections WHERE tenant = ?1 AND name_key = ?2")
                    .and_then(|mut s| s.query_row(params![t, k], |r| r.get(0)).optional())
                    .map_err(unavailable)
            })
            .await?;
        json.as_deref().map(read).transpose()
    }

    async fn collections(&self, tenant: &TenantId) -> Result<Vec<Collection>, StoreError> {
        let t = tenant.to_string();
        let rows: Vec<String> = self
            .pool
            .read(move |c| {
                let mut s = c
                    .prepare_cached(
                        "SELECT body FROM collections WHERE tenant = ?1 ORDER BY name_key",
                    )
                    .map_err(unavailable)?;
                let rows = s.query_map([t], |r| r.get(0)).map_err(unavailable)?;
                rows.collect::<Result<Vec<_>, _>>().map_err(unavailable)
            })
            .await?;
        rows.iter().map(|j| read(j)).collect()
    }
}
