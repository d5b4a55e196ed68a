//! The key manager: creates, caches, rotates and destroys tenant keys.

use std::{collections::HashMap, sync::Arc};

use parking_lot::RwLock;

use super::{
    KeyError, KeyStoreError, RootKeyProvider, TenantKeyStore, TenantKeyring, WrappedTenantKey,
};
use crate::{clock::Clock, ids::TenantId};

/// Tenant keys for the whole process. Keyrings are unwrapped and expanded once, then shared.
pub struct KeyManager {
    root: Arc<dyn RootKeyProvider>,
    store: Arc<dyn TenantKeyStore>,
    clock: Arc<dyn Clock>,
    cache: RwLock<HashMap<TenantId, Arc<TenantKeyring>>>,
}

impl std::fmt::Debug for KeyManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeyManager(root: {})", self.root.describe())
    }
}

impl KeyManager {
    /// A manager over a root key provider and a key store.
    pub fn new(
        root: Arc<dyn RootKeyProvider>,
        store: Arc<dyn TenantKeyStore>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            root,
            store,
            clock,
            cache: RwLock::new(HashMap::new()),
        }
    }

    /// The root key provider.
    pub fn root(&self) -> &Arc<dyn RootKeyProvider> {
        &self.root
    }

    /// Gives a new tenant its first key version. Idempotent: an existing tenant keeps its keys.
    pub async fn create_tenant_keys(&self, tenant: &TenantId) -> Result<(), KeyError> {
        if self.store.is_shredded(tenant).await? {
            return Err(KeyError::Shredded {
                tenant: tenant.to_string(),
            });
        }
        let first = WrappedTenantKey::generate(self.root.as_ref(), tenant, 1, self.clock.now())?;
        match self.store.insert_tenant_key(&first).await {
            Ok(()) | Err(KeyStoreError::VersionExists { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// The tenant's keyring, from the cache or unwrapped from the store.
    pub async fn keyring(&self, tenant: &TenantId) -> Result<Arc<TenantKeyring>, KeyError> {
        if let Some(k) = self.cache.read().get(tenant) {
            return Ok(k.clone());
        }
        let ring = Arc::new(self.load(tenant).await?);
        self.cache.write().insert(tenant.clone(), ring.clone());
        Ok(ring)
    }

    async fn load(&self, tenant: &TenantId) -> Result<TenantKeyring, KeyError> {
        if self.store.is_shredded(tenant).await? {
            return Err(KeyError::Shredded {
                tenant: tenant.to_string(),
            });
        }
        let stored = self.store.tenant_keys(tenant).await?;
        TenantKeyring::unwrap_all(self.root.as_ref(), tenant, &stored)
    }

    /// Adds a new key version; new tokens use it, older tokens still open. Returns the version.
    pub async fn rotate(&self, tenant: &TenantId) -> Result<u32, KeyError> {
        let current = self.load(tenant).await?.current().version;
        let next = current
            .checked_add(1)
            .ok_or(KeyError::UnknownVersion { version: current })?;
        let key = WrappedTenantKey::generate(self.root.as_ref(), tenant, next, self.clock.now())?;
        self.store.insert_tenant_key(&key).await?;
        self.invalidate(tenant);
        Ok(next)
    }

    /// Rotates when the newest version is older than `max_age_seconds` (90 days by default in
    /// the server's configuration). Returns the new version, if any.
    pub async fn rotate_if_older_than(
        &self,
        tenant: &TenantId,
        max_age_seconds: i64,
    ) -> Result<Option<u32>, KeyError> {
        let ring = self.keyring(tenant).await?;
        if self.clock.now() - ring.current().created_at < max_age_seconds {
            return Ok(None);
        }
        self.rotate(tenant).await.map(Some)
    }

    /// Crypto-shredding: destroys every key version of the tenant. All its tokens, in any
    /// mode, become unrecoverable; this cannot be undone.
    pub async fn shred(&self, tenant: &TenantId) -> Result<(), KeyError> {
        self.store.destroy_tenant_keys(tenant).await?;
        self.invalidate(tenant);
        Ok(())
    }

    /// Drops the cached keyring of a tenant (after a change made elsewhere).
    pub fn invalidate(&self, tenant: &TenantId) {
        self.cache.write().remove(tenant);
    }
}
