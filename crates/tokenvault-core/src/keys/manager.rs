//! The key manager: creates, caches, rotates and destroys tenant keys.

use std::{
    collections::HashMap,
    sync::Arc,
    time::{Duration, Instant},
};

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
    cache: RwLock<HashMap<TenantId, Cached>>,
    revalidate: Duration,
}

/// A keyring and when the store was last asked whether it is still the newest.
#[derive(Clone)]
struct Cached {
    ring: Arc<TenantKeyring>,
    checked: Instant,
}

/// How often a cached keyring is checked against the store, so a rotation (or a shredding)
/// made by another node or the CLI is seen within this long without a restart.
pub const KEY_REVALIDATE: Duration = Duration::from_secs(2);

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
            revalidate: KEY_REVALIDATE,
        }
    }

    /// Checks cached keyrings against the store this often instead of [`KEY_REVALIDATE`]
    /// (zero: on every use, for tests of several nodes in one process).
    pub fn with_revalidate(mut self, every: Duration) -> Self {
        self.revalidate = every;
        self
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

    /// The tenant's keyring, from the cache or unwrapped from the store. A cached keyring older
    /// than the revalidation interval is checked against the store's newest version (one small
    /// read) and reloaded when another node rotated or shredded.
    pub async fn keyring(&self, tenant: &TenantId) -> Result<Arc<TenantKeyring>, KeyError> {
        let cached = self.cache.read().get(tenant).cloned();
        if let Some(c) = cached {
            if c.checked.elapsed() < self.revalidate {
                return Ok(c.ring);
            }
            // Mark it checked first, so a burst of requests asks the store once.
            if let Some(e) = self.cache.write().get_mut(tenant) {
                e.checked = Instant::now();
            }
            match self.store.tenant_keys(tenant).await {
                Ok(stored) => {
                    let newest = stored.iter().map(|k| k.version).max();
                    if newest == Some(c.ring.current().version) {
                        return Ok(c.ring);
                    }
                }
                // The store is away: the cached keyring is still right as far as anyone can
                // tell; the next check will ask again.
                Err(e) => {
                    tracing::warn!(error = %e, "could not check the tenant's key versions; using the cached keyring");
                    return Ok(c.ring);
                }
            }
        }
        let ring = Arc::new(self.load(tenant).await?);
        self.cache.write().insert(
            tenant.clone(),
            Cached {
                ring: ring.clone(),
                checked: Instant::now(),
            },
        );
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
