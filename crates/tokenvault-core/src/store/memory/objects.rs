//! The object vault's objects in memory.

use std::collections::HashSet;

use async_trait::async_trait;

use super::{MemoryStore, State};
use crate::{
    clock::UnixSeconds,
    ids::TenantId,
    store::{AuditEvent, Entity, ObjectRecord, ObjectStore, StoreError},
};

/// A stored object: its insertion position, tenant and record.
#[derive(Debug, Clone)]
pub(super) struct ObjectRow {
    seq: i64,
    tenant: TenantId,
    record: ObjectRecord,
}

impl State {
    fn live<'a>(
        &'a self,
        tenant: &'a TenantId,
        collection: &'a str,
    ) -> impl Iterator<Item = &'a ObjectRow> {
        self.objects.iter().filter(move |r| {
            &r.tenant == tenant
                && r.record.collection == collection
                && r.record.deleted_at.is_none()
        })
    }

    /// Whether a unique digest of `o` is taken by another live object.
    fn unique_taken(&self, tenant: &TenantId, o: &ObjectRecord) -> bool {
        let mine: HashSet<(&str, [u8; 32])> = o
            .index
            .iter()
            .filter(|e| e.unique)
            .map(|e| (e.property.as_str(), e.digest))
            .collect();
        self.live(tenant, &o.collection).any(|r| {
            r.record.id != o.id
                && r.record
                    .index
                    .iter()
                    .any(|e| e.unique && mine.contains(&(e.property.as_str(), e.digest)))
        })
    }

    fn position(&self, tenant: &TenantId, collection: &str, id: &str) -> Option<usize> {
        self.objects.iter().position(|r| {
            &r.tenant == tenant && r.record.collection == collection && r.record.id == id
        })
    }
}

/// Reads return no index entries: the index is written with the object and queried through
/// `find_objects`, never read back (as in the SQL stores).
fn without_index(r: &ObjectRecord) -> ObjectRecord {
    ObjectRecord {
        index: Vec::new(),
        ..r.clone()
    }
}

fn conflict() -> StoreError {
    StoreError::Conflict {
        what: Entity::UniqueValue,
    }
}

#[async_trait]
impl ObjectStore for MemoryStore {
    async fn insert_objects(
        &self,
        tenant: &TenantId,
        objects: &[ObjectRecord],
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut s = self.state.lock();
        let mut batch: HashSet<(&str, &str, [u8; 32])> = HashSet::new();
        for o in objects {
            if s.unique_taken(tenant, o) || s.position(tenant, &o.collection, &o.id).is_some() {
                return Err(conflict());
            }
            for e in o.index.iter().filter(|e| e.unique) {
                if !batch.insert((&o.collection, &e.property, e.digest)) {
                    return Err(conflict());
                }
            }
        }
        s.append_audit(std::slice::from_ref(audit))?;
        for o in objects {
            s.object_seq += 1;
            let seq = s.object_seq;
            s.objects.push(ObjectRow {
                seq,
                tenant: tenant.clone(),
                record: o.clone(),
            });
        }
        Ok(())
    }

    async fn update_object(
        &self,
        tenant: &TenantId,
        object: &ObjectRecord,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut s = self.state.lock();
        let i = s
            .position(tenant, &object.collection, &object.id)
            .filter(|&i| s.objects[i].record.deleted_at.is_none())
            .ok_or(StoreError::NotFound {
                what: Entity::Object,
            })?;
        if s.unique_taken(tenant, object) {
            return Err(conflict());
        }
        s.append_audit(std::slice::from_ref(audit))?;
        s.objects[i].record = object.clone();
        Ok(())
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
        let mut s = self.state.lock();
        let i = s
            .position(tenant, collection, id)
            .filter(|&i| hard || s.objects[i].record.deleted_at.is_none())
            .ok_or(StoreError::NotFound {
                what: Entity::Object,
            })?;
        s.append_audit(std::slice::from_ref(audit))?;
        if hard {
            s.objects.remove(i);
            s.object_tokens.retain(|(t, r)| {
                !(t == tenant && r.collection == collection && r.object_id.as_deref() == Some(id))
            });
        } else {
            let r = &mut s.objects[i].record;
            r.deleted_at = Some(at);
            r.index.clear();
        }
        Ok(())
    }

    async fn objects_by_id(
        &self,
        tenant: &TenantId,
        collection: &str,
        ids: &[String],
    ) -> Result<Vec<ObjectRecord>, StoreError> {
        let s = self.state.lock();
        Ok(ids
            .iter()
            .filter_map(|id| s.position(tenant, collection, id))
            .map(|i| without_index(&s.objects[i].record))
            .collect())
    }

    async fn list_objects(
        &self,
        tenant: &TenantId,
        collection: &str,
        after: i64,
        limit: usize,
    ) -> Result<Vec<(i64, ObjectRecord)>, StoreError> {
        let s = self.state.lock();
        Ok(s.live(tenant, collection)
            .filter(|r| r.seq > after)
            .take(limit)
            .map(|r| (r.seq, without_index(&r.record)))
            .collect())
    }

    async fn find_objects(
        &self,
        tenant: &TenantId,
        collection: &str,
        property: &str,
        unique: bool,
        digests: &[[u8; 32]],
    ) -> Result<Vec<String>, StoreError> {
        let s = self.state.lock();
        Ok(s.live(tenant, collection)
            .filter(|r| {
                r.record.index.iter().any(|e| {
                    e.property == property && e.unique == unique && digests.contains(&e.digest)
                })
            })
            .map(|r| r.record.id.clone())
            .collect())
    }

    async fn count_objects(
        &self,
        tenant: &TenantId,
        collection: &str,
        now: UnixSeconds,
    ) -> Result<crate::objects::TokenCounts, StoreError> {
        let s = self.state.lock();
        let mut counts = crate::objects::TokenCounts::default();
        for r in s
            .objects
            .iter()
            .filter(|r| &r.tenant == tenant && r.record.collection == collection)
        {
            if r.record.deleted_at.is_some() {
                counts.archived += 1;
            } else if r.record.expires_at.is_none_or(|e| e > now) {
                counts.active += 1;
            }
        }
        Ok(counts)
    }

    async fn purge_collection(
        &self,
        tenant: &TenantId,
        collection: &str,
    ) -> Result<(), StoreError> {
        let mut s = self.state.lock();
        s.objects
            .retain(|r| !(&r.tenant == tenant && r.record.collection == collection));
        s.object_tokens
            .retain(|(t, r)| !(t == tenant && r.collection == collection));
        Ok(())
    }
}
