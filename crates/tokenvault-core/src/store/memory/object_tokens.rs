//! The object vault's tokens in memory.

use async_trait::async_trait;

use super::{MemoryStore, State};
use crate::{
    clock::UnixSeconds,
    ids::TenantId,
    objects::{ObjectTokenRecord, TokenChange, TokenCounts, TokenFilter},
    store::{AuditEvent, Entity, ObjectTokenStore, StoreError},
};

fn conflict() -> StoreError {
    StoreError::Conflict {
        what: Entity::ObjectToken,
    }
}

impl State {
    fn token_position(&self, tenant: &TenantId, collection: &str, id: &str) -> Option<usize> {
        self.object_tokens
            .iter()
            .position(|(t, r)| t == tenant && r.collection == collection && r.id == id)
    }

    /// Whether another undeleted token than `except` has the reuse digest of `r`.
    fn reuse_taken(&self, tenant: &TenantId, r: &ObjectTokenRecord, except: Option<usize>) -> bool {
        let (Some(d), None) = (r.reuse, r.deleted_at) else {
            return false;
        };
        self.object_tokens.iter().enumerate().any(|(i, (t, o))| {
            Some(i) != except
                && t == tenant
                && o.collection == r.collection
                && o.deleted_at.is_none()
                && o.reuse == Some(d)
        })
    }

    fn apply_token_change(
        &mut self,
        tenant: &TenantId,
        collection: &str,
        change: &TokenChange,
    ) -> Result<(), StoreError> {
        match change {
            TokenChange::Insert(r) => {
                if self.token_position(tenant, collection, &r.id).is_some()
                    || self.reuse_taken(tenant, r, None)
                {
                    return Err(conflict());
                }
                self.object_tokens.push((tenant.clone(), r.clone()));
            }
            TokenChange::Replace {
                id,
                version,
                record,
            } => {
                let i = self
                    .token_position(tenant, collection, id)
                    .filter(|&i| self.object_tokens[i].1.version == *version)
                    .ok_or_else(conflict)?;
                let renamed = record.id != *id
                    && self
                        .token_position(tenant, collection, &record.id)
                        .is_some();
                if renamed || self.reuse_taken(tenant, record, Some(i)) {
                    return Err(conflict());
                }
                self.object_tokens[i].1 = record.clone();
            }
            TokenChange::Remove { id } => {
                let i = self
                    .token_position(tenant, collection, id)
                    .ok_or_else(conflict)?;
                self.object_tokens.remove(i);
            }
        }
        Ok(())
    }
}

#[async_trait]
impl ObjectTokenStore for MemoryStore {
    async fn save_object_tokens(
        &self,
        tenant: &TenantId,
        collection: &str,
        changes: &[TokenChange],
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut s = self.state.lock();
        // All or none: apply to a copy, keep it only when every change applies.
        let before = s.object_tokens.clone();
        for c in changes {
            if let Err(e) = s.apply_token_change(tenant, collection, c) {
                s.object_tokens = before;
                return Err(e);
            }
        }
        if let Err(e) = s.append_audit(std::slice::from_ref(audit)) {
            s.object_tokens = before;
            return Err(e);
        }
        Ok(())
    }

    async fn object_tokens_by_id(
        &self,
        tenant: &TenantId,
        collection: &str,
        ids: &[String],
    ) -> Result<Vec<ObjectTokenRecord>, StoreError> {
        let s = self.state.lock();
        Ok(ids
            .iter()
            .filter_map(|id| s.token_position(tenant, collection, id))
            .map(|i| s.object_tokens[i].1.clone())
            .collect())
    }

    async fn object_tokens_by_reuse(
        &self,
        tenant: &TenantId,
        collection: &str,
        digests: &[[u8; 32]],
    ) -> Result<Vec<ObjectTokenRecord>, StoreError> {
        let s = self.state.lock();
        Ok(s.object_tokens
            .iter()
            .filter(|(t, r)| {
                t == tenant
                    && r.collection == collection
                    && r.deleted_at.is_none()
                    && r.reuse.is_some_and(|d| digests.contains(&d))
            })
            .map(|(_, r)| r.clone())
            .collect())
    }

    async fn find_object_tokens(
        &self,
        tenant: &TenantId,
        collection: &str,
        filter: &TokenFilter,
        limit: usize,
    ) -> Result<Vec<ObjectTokenRecord>, StoreError> {
        let s = self.state.lock();
        Ok(s.object_tokens
            .iter()
            .filter(|(t, r)| {
                t == tenant
                    && r.collection == collection
                    && match filter {
                        TokenFilter::Objects(ids) => {
                            r.object_id.as_ref().is_some_and(|o| ids.contains(o))
                        }
                        TokenFilter::Tags(tags) => r.tags.iter().any(|t| tags.contains(t)),
                    }
            })
            .take(limit)
            .map(|(_, r)| r.clone())
            .collect())
    }

    async fn count_object_tokens(
        &self,
        tenant: &TenantId,
        collection: &str,
        now: UnixSeconds,
    ) -> Result<TokenCounts, StoreError> {
        let s = self.state.lock();
        let mut counts = TokenCounts::default();
        for (_, r) in s
            .object_tokens
            .iter()
            .filter(|(t, r)| t == tenant && r.collection == collection)
        {
            if r.deleted_at.is_some() {
                counts.archived += 1;
            } else if !r.is_expired(now) {
                counts.active += 1;
            }
        }
        Ok(counts)
    }
}
