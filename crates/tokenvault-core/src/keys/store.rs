//! Where wrapped tenant keys live.

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use parking_lot::Mutex;

use super::WrappedTenantKey;
use crate::ids::TenantId;

/// Why the key store failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyStoreError {
    /// The version already exists (a concurrent rotation won).
    #[error("key version {version} already exists")]
    VersionExists {
        /// The version.
        version: u32,
    },
    /// The backend failed; the detail is for logs and carries no key material.
    #[error("key store unavailable: {detail}")]
    Unavailable {
        /// What went wrong.
        detail: String,
    },
}

/// Persistence of wrapped tenant keys (SQL in `tokenvault-store`; memory for domain tests).
#[async_trait]
pub trait TenantKeyStore: Send + Sync {
    /// All versions of a tenant, in any order. Empty if none.
    async fn tenant_keys(&self, tenant: &TenantId) -> Result<Vec<WrappedTenantKey>, KeyStoreError>;
    /// Adds a version; fails with [`KeyStoreError::VersionExists`] if it is taken.
    async fn insert_tenant_key(&self, key: &WrappedTenantKey) -> Result<(), KeyStoreError>;
    /// Destroys every version of a tenant and records that it was destroyed.
    async fn destroy_tenant_keys(&self, tenant: &TenantId) -> Result<(), KeyStoreError>;
    /// Whether the tenant's keys were destroyed.
    async fn is_shredded(&self, tenant: &TenantId) -> Result<bool, KeyStoreError>;
}

#[derive(Debug, Default)]
struct MemoryKeys {
    versions: HashMap<TenantId, Vec<WrappedTenantKey>>,
    shredded: HashSet<TenantId>,
}

/// An in-memory key store, for domain tests and tools that never persist keys.
#[derive(Debug, Default)]
pub struct MemoryKeyStore {
    inner: Mutex<MemoryKeys>,
}

impl MemoryKeyStore {
    /// The tenant's newest key version, if it has keys.
    pub fn newest_version(&self, tenant: &TenantId) -> Option<u32> {
        self.inner
            .lock()
            .versions
            .get(tenant)
            .and_then(|v| v.iter().map(|k| k.version).max())
    }
}

#[async_trait]
impl TenantKeyStore for MemoryKeyStore {
    async fn tenant_keys(&self, tenant: &TenantId) -> Result<Vec<WrappedTenantKey>, KeyStoreError> {
        Ok(self
            .inner
            .lock()
            .versions
            .get(tenant)
            .cloned()
            .unwrap_or_default())
    }

    async fn insert_tenant_key(&self, key: &WrappedTenantKey) -> Result<(), KeyStoreError> {
        let mut inner = self.inner.lock();
        let versions = inner.versions.entry(key.tenant.clone()).or_default();
        if versions.iter().any(|k| k.version == key.version) {
            return Err(KeyStoreError::VersionExists {
                version: key.version,
            });
        }
        versions.push(key.clone());
        Ok(())
    }

    async fn destroy_tenant_keys(&self, tenant: &TenantId) -> Result<(), KeyStoreError> {
        let mut inner = self.inner.lock();
        if let Some(mut versions) = inner.versions.remove(tenant) {
            for v in &mut versions {
                zeroize::Zeroize::zeroize(&mut v.wrapped);
            }
        }
        inner.shredded.insert(tenant.clone());
        Ok(())
    }

    async fn is_shredded(&self, tenant: &TenantId) -> Result<bool, KeyStoreError> {
        Ok(self.inner.lock().shredded.contains(tenant))
    }
}
