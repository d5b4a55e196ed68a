//! The vault's store in memory: every aggregate trait, with the same semantics as the SQL
//! backends (the conformance suite runs it beside them). One lock around the whole state
//! makes each method one transaction. For the domain's fast tests and for tools that persist
//! nothing; a process that exits loses it.

mod access;
mod audit;
mod collections;
mod dashboard;
mod object_tokens;
mod objects;
mod policies;
mod tokens;

use std::collections::{BTreeMap, HashMap, HashSet};

use async_trait::async_trait;
use parking_lot::Mutex;

use super::{
    check_quota, ApiKeyRecord, ApiKeyStore, AuditEvent, ChainHead, Entity, GrantStore,
    IdempotencyRecord, PendingChange, StoreError, TenantRecord, TenantStore, TokenRecord,
    UsageCounts, UsageStore,
};
use crate::{
    clock::UnixSeconds,
    ids::{PolicyId, TenantId, TokenId},
    keys::{KeyStoreError, MemoryKeyStore, TenantKeyStore, WrappedTenantKey},
    policy::Policy,
};

/// A policy's live row: its current version, key and deletion.
#[derive(Debug, Clone)]
struct PolicyRow {
    version: u32,
    key: Option<String>,
    created_at: UnixSeconds,
    deleted: bool,
}

/// One stored audit record.
#[derive(Debug, Clone)]
struct AuditRow {
    seq: u64,
    tenant: String,
    event_json: String,
    prev_hash: [u8; 32],
    hash: [u8; 32],
}

#[derive(Debug, Default)]
struct State {
    meta: HashMap<String, Vec<u8>>,
    tenants: Vec<TenantRecord>,
    api_keys: Vec<ApiKeyRecord>,
    policies: HashMap<(TenantId, PolicyId), PolicyRow>,
    policy_versions: HashMap<(TenantId, PolicyId, u32), Policy>,
    /// In insertion order (the `seq` of the SQL stores).
    tokens: Vec<TokenRecord>,
    token_index: HashMap<(TenantId, TokenId), usize>,
    idempotency: HashMap<(TenantId, String), IdempotencyRecord>,
    used_grants: HashSet<String>,
    usage: HashMap<(TenantId, UnixSeconds), u64>,
    audit: Vec<AuditRow>,
    roles: HashMap<TenantId, BTreeMap<String, Vec<String>>>,
    settings: HashMap<(TenantId, String), String>,
    changes: Vec<PendingChange>,
    collections: HashMap<(TenantId, String), crate::objects::Collection>,
    objects: Vec<objects::ObjectRow>,
    object_seq: i64,
    object_tokens: Vec<(TenantId, crate::objects::ObjectTokenRecord)>,
    users: BTreeMap<String, super::DashboardUser>,
    sessions: HashMap<[u8; 32], super::SessionRecord>,
}

impl State {
    /// Appends audit events to the chain.
    fn append_audit(&mut self, events: &[AuditEvent]) -> Result<(), StoreError> {
        let mut head = match self.audit.last() {
            Some(r) => ChainHead::after(i64::try_from(r.seq).unwrap_or(i64::MAX), &r.hash)?,
            None => ChainHead::EMPTY,
        };
        let links = events
            .iter()
            .map(|e| head.append(e).map(|l| (e.tenant.clone(), l)))
            .collect::<Result<Vec<_>, _>>()?;
        for (tenant, l) in links {
            self.audit.push(AuditRow {
                seq: l.seq,
                tenant,
                event_json: l.event_json,
                prev_hash: l.prev_hash,
                hash: l.hash,
            });
        }
        Ok(())
    }

    fn count_usage(&mut self, tenant: &TenantId, period: UnixSeconds, operations: u64) {
        if operations > 0 {
            let used = self.usage.entry((tenant.clone(), period)).or_default();
            *used = used.saturating_add(operations);
        }
    }

    fn used(&self, tenant: &TenantId, period: UnixSeconds) -> u64 {
        self.usage
            .get(&(tenant.clone(), period))
            .copied()
            .unwrap_or_default()
    }

    fn tenant_mut(&mut self, id: &TenantId) -> Result<&mut TenantRecord, StoreError> {
        self.tenants
            .iter_mut()
            .find(|t| &t.id == id)
            .ok_or(StoreError::NotFound {
                what: Entity::Tenant,
            })
    }
}

/// The vault's store in memory.
#[derive(Debug, Default)]
pub struct MemoryStore {
    state: Mutex<State>,
    keys: MemoryKeyStore,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

#[async_trait]
impl TenantStore for MemoryStore {
    async fn ping(&self) -> Result<(), StoreError> {
        Ok(())
    }

    async fn meta_get_or_insert(&self, key: &str, value: &[u8]) -> Result<Vec<u8>, StoreError> {
        let mut s = self.state.lock();
        Ok(s.meta
            .entry(key.to_owned())
            .or_insert_with(|| value.to_vec())
            .clone())
    }

    async fn create_tenant(&self, tenant: &TenantRecord) -> Result<(), StoreError> {
        let mut s = self.state.lock();
        if s.tenants.iter().any(|t| t.id == tenant.id) {
            return Err(StoreError::Conflict {
                what: Entity::Tenant,
            });
        }
        s.tenants.push(tenant.clone());
        s.tenants
            .sort_by(|a, b| (a.created_at, a.id.as_str()).cmp(&(b.created_at, b.id.as_str())));
        Ok(())
    }

    async fn tenant(&self, id: &TenantId) -> Result<Option<TenantRecord>, StoreError> {
        Ok(self
            .state
            .lock()
            .tenants
            .iter()
            .find(|t| &t.id == id)
            .cloned())
    }

    async fn tenants(&self) -> Result<Vec<TenantRecord>, StoreError> {
        Ok(self.state.lock().tenants.clone())
    }

    async fn set_kill_switch(&self, id: &TenantId, on: bool) -> Result<(), StoreError> {
        self.state.lock().tenant_mut(id)?.kill_switch = on;
        Ok(())
    }

    async fn set_quota(&self, id: &TenantId, quota: Option<u64>) -> Result<(), StoreError> {
        self.state.lock().tenant_mut(id)?.quota = quota;
        Ok(())
    }
}

#[async_trait]
impl ApiKeyStore for MemoryStore {
    async fn insert_api_key(&self, key: &ApiKeyRecord) -> Result<(), StoreError> {
        let mut s = self.state.lock();
        if s.api_keys
            .iter()
            .any(|k| k.id == key.id || k.hash == key.hash)
        {
            return Err(StoreError::Conflict {
                what: Entity::ApiKey,
            });
        }
        s.api_keys.push(key.clone());
        Ok(())
    }

    async fn api_key_by_hash(&self, hash: &[u8; 32]) -> Result<Option<ApiKeyRecord>, StoreError> {
        Ok(self
            .state
            .lock()
            .api_keys
            .iter()
            .find(|k| &k.hash == hash)
            .cloned())
    }

    async fn api_keys(&self, tenant: &TenantId) -> Result<Vec<ApiKeyRecord>, StoreError> {
        let mut keys: Vec<ApiKeyRecord> = self
            .state
            .lock()
            .api_keys
            .iter()
            .filter(|k| &k.tenant == tenant)
            .cloned()
            .collect();
        keys.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        Ok(keys)
    }

    async fn revoke_api_key(
        &self,
        tenant: &TenantId,
        id: &str,
        at: UnixSeconds,
    ) -> Result<(), StoreError> {
        let mut s = self.state.lock();
        let key = s
            .api_keys
            .iter_mut()
            .find(|k| &k.tenant == tenant && k.id == id)
            .ok_or(StoreError::NotFound {
                what: Entity::ApiKey,
            })?;
        key.revoked_at.get_or_insert(at);
        Ok(())
    }
}

#[async_trait]
impl GrantStore for MemoryStore {
    async fn consume_grant(
        &self,
        tenant: &TenantId,
        jti: &str,
        _expires_at: UnixSeconds,
        operations: u64,
        period: UnixSeconds,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut s = self.state.lock();
        if s.used_grants.contains(jti) {
            return Err(StoreError::Conflict {
                what: Entity::Grant,
            });
        }
        s.append_audit(std::slice::from_ref(audit))?;
        s.used_grants.insert(jti.to_owned());
        s.count_usage(tenant, period, operations);
        Ok(())
    }
}

#[async_trait]
impl UsageStore for MemoryStore {
    async fn usage(
        &self,
        tenant: &TenantId,
        now: UnixSeconds,
        period: UnixSeconds,
    ) -> Result<UsageCounts, StoreError> {
        let s = self.state.lock();
        let mut c = UsageCounts {
            operations: s.used(tenant, period),
            ..UsageCounts::default()
        };
        for r in s.tokens.iter().filter(|r| &r.tenant == tenant) {
            c.created += 1;
            match r.status(now) {
                super::TokenStatus::Active => c.active += 1,
                super::TokenStatus::Revoked => c.revoked += 1,
                super::TokenStatus::Expired => c.expired += 1,
            }
        }
        Ok(c)
    }

    async fn token_breakdown(
        &self,
        tenant: &TenantId,
    ) -> Result<Vec<super::TokenBreakdown>, StoreError> {
        let s = self.state.lock();
        let mut counts: BTreeMap<(&str, &str), (super::TokenBreakdown, u64)> = BTreeMap::new();
        for r in s.tokens.iter().filter(|r| &r.tenant == tenant) {
            counts
                .entry((r.pii_type.as_str(), r.mode.as_str()))
                .or_insert_with(|| {
                    (
                        super::TokenBreakdown {
                            pii_type: r.pii_type,
                            mode: r.mode,
                            count: 0,
                        },
                        0,
                    )
                })
                .1 += 1;
        }
        Ok(counts
            .into_values()
            .map(|(mut b, n)| {
                b.count = n;
                b
            })
            .collect())
    }
}

#[async_trait]
impl TenantKeyStore for MemoryStore {
    async fn tenant_keys(&self, tenant: &TenantId) -> Result<Vec<WrappedTenantKey>, KeyStoreError> {
        self.keys.tenant_keys(tenant).await
    }

    async fn insert_tenant_key(&self, key: &WrappedTenantKey) -> Result<(), KeyStoreError> {
        self.keys.insert_tenant_key(key).await
    }

    async fn destroy_tenant_keys(&self, tenant: &TenantId) -> Result<(), KeyStoreError> {
        self.keys.destroy_tenant_keys(tenant).await
    }

    async fn is_shredded(&self, tenant: &TenantId) -> Result<bool, KeyStoreError> {
        self.keys.is_shredded(tenant).await
    }
}

/// The quota rule, for the token aggregate.
fn quota_allows(
    s: &State,
    tenant: &TenantId,
    period: UnixSeconds,
    adding: u64,
    quota: Option<u64>,
) -> Result<(), StoreError> {
    check_quota(s.used(tenant, period), adding, quota)
}
