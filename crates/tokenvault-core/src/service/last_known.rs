//! The tenant and policy state tokenize last read, so that a policy's `fail_open` can be
//! honoured while the store is unreachable: the request is answered `SKIPPED` / `FAIL_OPEN`
//! from state at most [`LAST_KNOWN_MAX_AGE`] old instead of failing before the policy is known.

use std::{
    collections::HashMap,
    time::{Duration, Instant},
};

use parking_lot::RwLock;

use super::{Caller, ServiceError, Vault};
use crate::{
    ids::{PolicyId, TenantId},
    policy::Policy,
    store::{ApiKeyRecord, StoreError, TenantRecord},
};

/// The oldest state a fail-open answer may rest on.
pub const LAST_KNOWN_MAX_AGE: Duration = Duration::from_secs(300);

/// Tenants and policies as last read by tokenize.
#[derive(Default)]
pub(crate) struct LastKnown {
    tenants: RwLock<HashMap<TenantId, (TenantRecord, Instant)>>,
    policies: RwLock<HashMap<(TenantId, PolicyId), (Policy, Instant)>>,
    api_keys: RwLock<HashMap<[u8; 32], (ApiKeyRecord, Instant)>>,
}

/// Entries younger than this are not rewritten: a busy path takes the write lock once per
/// interval per key, not once per request.
const REFRESH_EVERY: Duration = Duration::from_secs(10);

fn remember<K: std::hash::Hash + Eq + Clone, V: Clone>(
    map: &RwLock<HashMap<K, (V, Instant)>>,
    key: &K,
    value: &V,
) {
    let recent = map
        .read()
        .get(key)
        .is_some_and(|(_, at)| at.elapsed() < REFRESH_EVERY);
    if !recent {
        map.write()
            .insert(key.clone(), (value.clone(), Instant::now()));
    }
}

fn fresh<T: Clone>(entry: Option<&(T, Instant)>) -> Option<T> {
    entry
        .filter(|(_, at)| at.elapsed() <= LAST_KNOWN_MAX_AGE)
        .map(|(v, _)| v.clone())
}

impl Vault {
    /// The API key with this hash; while the store is unreachable, as last read.
    pub(crate) async fn api_key_or_last_known(
        &self,
        hash: &[u8; 32],
    ) -> Result<Option<ApiKeyRecord>, ServiceError> {
        match self.store.api_key_by_hash(hash).await {
            Ok(found) => {
                if let Some(k) = &found {
                    remember(&self.last_known.api_keys, hash, k);
                }
                Ok(found)
            }
            Err(e @ StoreError::Unavailable { .. }) => {
                match fresh(self.last_known.api_keys.read().get(hash)) {
                    Some(k) => Ok(Some(k)),
                    None => Err(e.into()),
                }
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The caller's tenant; while the store is unreachable, as last read (and `true`).
    pub(crate) async fn tenant_or_last_known(
        &self,
        caller: &Caller,
    ) -> Result<(TenantRecord, bool), ServiceError> {
        match self.store.tenant(&caller.tenant).await {
            Ok(Some(t)) => {
                remember(&self.last_known.tenants, &caller.tenant, &t);
                Ok((t, false))
            }
            Ok(None) => Err(ServiceError::InvalidInput(format!(
                "tenant {} does not exist",
                caller.tenant
            ))),
            Err(e @ StoreError::Unavailable { .. }) => {
                match fresh(self.last_known.tenants.read().get(&caller.tenant)) {
                    Some(t) => Ok((t, true)),
                    None => Err(e.into()),
                }
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The current version of a policy; while the store is unreachable, as last read (and
    /// `true`).
    pub(crate) async fn policy_or_last_known(
        &self,
        caller: &Caller,
        id: &PolicyId,
    ) -> Result<(Policy, bool), ServiceError> {
        let key = (caller.tenant.clone(), id.clone());
        match self.store.policy(&caller.tenant, id, None).await {
            Ok(Some(p)) => {
                remember(&self.last_known.policies, &key, &p);
                Ok((p, false))
            }
            Ok(None) => Err(ServiceError::PolicyNotFound),
            Err(e @ StoreError::Unavailable { .. }) => {
                match fresh(self.last_known.policies.read().get(&key)) {
                    Some(p) => Ok((p, true)),
                    None => Err(e.into()),
                }
            }
            Err(e) => Err(e.into()),
        }
    }
}
