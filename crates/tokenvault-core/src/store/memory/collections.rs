//! The object vault's collections in memory.

use async_trait::async_trait;

use super::MemoryStore;
use crate::{
    ids::TenantId,
    objects::Collection,
    store::{AuditEvent, CollectionStore, Entity, StoreError},
};

fn key(tenant: &TenantId, name: &str) -> (TenantId, String) {
    (tenant.clone(), name.to_ascii_lowercase())
}

#[async_trait]
impl CollectionStore for MemoryStore {
    async fn create_collection(
        &self,
        tenant: &TenantId,
        collection: &Collection,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut s = self.state.lock();
        let k = key(tenant, &collection.name);
        if s.collections.contains_key(&k) {
            return Err(StoreError::Conflict {
                what: Entity::Collection,
            });
        }
        s.append_audit(std::slice::from_ref(audit))?;
        s.collections.insert(k, collection.clone());
        Ok(())
    }

    async fn update_collection(
        &self,
        tenant: &TenantId,
        collection: &Collection,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut s = self.state.lock();
        let k = key(tenant, &collection.name);
        if !s.collections.contains_key(&k) {
            return Err(StoreError::NotFound {
                what: Entity::Collection,
            });
        }
        s.append_audit(std::slice::from_ref(audit))?;
        s.collections.insert(k, collection.clone());
        Ok(())
    }

    async fn delete_collection(
        &self,
        tenant: &TenantId,
        name: &str,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut s = self.state.lock();
        let k = key(tenant, name);
        if !s.collections.contains_key(&k) {
            return Err(StoreError::NotFound {
                what: Entity::Collection,
            });
        }
        s.append_audit(std::slice::from_ref(audit))?;
        s.collections.remove(&k);
        Ok(())
    }

    async fn collection(
        &self,
        tenant: &TenantId,
        name: &str,
    ) -> Result<Option<Collection>, StoreError> {
        Ok(self
            .state
            .lock()
            .collections
            .get(&key(tenant, name))
            .cloned())
    }

    async fn collections(&self, tenant: &TenantId) -> Result<Vec<Collection>, StoreError> {
        let s = self.state.lock();
        let mut out: Vec<(&String, &Collection)> = s
            .collections
            .iter()
            .filter(|((t, _), _)| t == tenant)
            .map(|((_, n), c)| (n, c))
            .collect();
        out.sort_by(|a, b| a.0.cmp(b.0));
        Ok(out.into_iter().map(|(_, c)| c.clone()).collect())
    }
}
