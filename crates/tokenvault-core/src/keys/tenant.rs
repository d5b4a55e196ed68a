//! Tenant key versions and the subkeys derived from them.

use std::{collections::BTreeMap, sync::Arc};

use tokenvault_crypto::{
    ff1::Ff1Cipher, kdf, mac::KeyedHasher, siv::context, siv::SivCipher, wrap::KeyWrapper,
    CryptoError, Key256,
};

use super::{KeyError, RootKeyProvider};
use crate::{clock::UnixSeconds, ids::TenantId};

/// A tenant key version as stored: wrapped by the root key, never in the clear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrappedTenantKey {
    /// The tenant.
    pub tenant: TenantId,
    /// The version, from 1.
    pub version: u32,
    /// The key, wrapped by the root key with [`WrappedTenantKey::wrap_context`].
    pub wrapped: Vec<u8>,
    /// When the version was made.
    pub created_at: UnixSeconds,
}

impl WrappedTenantKey {
    /// The associated data that binds a wrapped tenant key to its tenant and version, so a
    /// wrapped key copied to another tenant or version does not unwrap.
    pub fn wrap_context(tenant: &TenantId, version: u32) -> Vec<u8> {
        context(&[
            b"tokenvault/v1/tenant-key",
            tenant.as_str().as_bytes(),
            &version.to_be_bytes(),
        ])
    }

    /// A fresh tenant key version, wrapped by `root`.
    pub fn generate(
        root: &dyn RootKeyProvider,
        tenant: &TenantId,
        version: u32,
        now: UnixSeconds,
    ) -> Result<Self, KeyError> {
        let key = Key256::generate();
        let wrapped = root.wrap(&Self::wrap_context(tenant, version), &key)?;
        Ok(Self {
            tenant: tenant.clone(),
            version,
            wrapped,
            created_at: now,
        })
    }
}

/// The expanded subkeys of one tenant key version.
pub struct VersionKeys {
    /// The version they come from.
    pub version: u32,
    /// When the version was made.
    pub created_at: UnixSeconds,
    pub(crate) deterministic: SivCipher,
    pub(crate) dek_wrap: KeyWrapper,
    pub(crate) fpe_decimal: Ff1Cipher,
    pub(crate) fpe_alphanumeric: Ff1Cipher,
}

impl std::fmt::Debug for VersionKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "VersionKeys(v{}, redacted)", self.version)
    }
}

/// Subkey labels. Changing one changes every token: they are part of the format.
mod label {
    pub const DETERMINISTIC: &str = "tokenvault/v1/deterministic";
    pub const DEK_WRAP: &str = "tokenvault/v1/dek-wrap";
    pub const FPE_DECIMAL: &str = "tokenvault/v1/fpe/radix10";
    pub const FPE_ALPHANUMERIC: &str = "tokenvault/v1/fpe/radix36";
    pub const FINGERPRINT: &str = "tokenvault/v1/fingerprint";
    pub const MASK_HASH: &str = "tokenvault/v1/mask-hash";
}

impl VersionKeys {
    fn derive(
        tenant: &TenantId,
        key: &Key256,
        version: u32,
        created_at: UnixSeconds,
    ) -> Result<Self, CryptoError> {
        let salt = tenant.as_str().as_bytes();
        let ikm = key.expose();
        Ok(Self {
            version,
            created_at,
            deterministic: SivCipher::new(kdf::derive(ikm, salt, label::DETERMINISTIC)),
            dek_wrap: KeyWrapper::new(kdf::derive(ikm, salt, label::DEK_WRAP)),
            fpe_decimal: Ff1Cipher::new(&kdf::derive(ikm, salt, label::FPE_DECIMAL), 10)?,
            fpe_alphanumeric: Ff1Cipher::new(&kdf::derive(ikm, salt, label::FPE_ALPHANUMERIC), 36)?,
        })
    }
}

/// Everything needed to make and open a tenant's tokens, expanded once.
///
/// Fingerprint and hash-masking keys come from the tenant's first key version and do not
/// rotate: a deterministic value must find its existing vault record after a rotation.
pub struct TenantKeyring {
    tenant: TenantId,
    versions: BTreeMap<u32, Arc<VersionKeys>>,
    fingerprint: KeyedHasher,
    mask_hash: KeyedHasher,
}

impl std::fmt::Debug for TenantKeyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "TenantKeyring({}, versions {:?}, redacted)",
            self.tenant,
            self.versions.keys().collect::<Vec<_>>()
        )
    }
}

impl TenantKeyring {
    /// Unwraps `stored` versions with `root` and derives their subkeys.
    pub fn unwrap_all(
        root: &dyn RootKeyProvider,
        tenant: &TenantId,
        stored: &[WrappedTenantKey],
    ) -> Result<Self, KeyError> {
        let mut versions = BTreeMap::new();
        let mut index_keys = None;
        let mut sorted: Vec<&WrappedTenantKey> = stored.iter().collect();
        sorted.sort_by_key(|k| k.version);
        for w in sorted {
            if &w.tenant != tenant {
                return Err(KeyError::UnwrapFailed);
            }
            let key = root.unwrap(
                &WrappedTenantKey::wrap_context(tenant, w.version),
                &w.wrapped,
            )?;
            if index_keys.is_none() {
                let salt = tenant.as_str().as_bytes();
                index_keys = Some((
                    KeyedHasher::new(&kdf::derive(key.expose(), salt, label::FINGERPRINT)),
                    KeyedHasher::new(&kdf::derive(key.expose(), salt, label::MASK_HASH)),
                ));
            }
            let derived = VersionKeys::derive(tenant, &key, w.version, w.created_at)
                .map_err(|_| KeyError::UnwrapFailed)?;
            versions.insert(w.version, Arc::new(derived));
        }
        let (fingerprint, mask_hash) = index_keys.ok_or_else(|| KeyError::NoKeys {
            tenant: tenant.to_string(),
        })?;
        Ok(Self {
            tenant: tenant.clone(),
            versions,
            fingerprint,
            mask_hash,
        })
    }

    /// The tenant.
    pub fn tenant(&self) -> &TenantId {
        &self.tenant
    }

    /// The newest version, which new tokens use.
    pub fn current(&self) -> &Arc<VersionKeys> {
        // A keyring is never built without at least one version (see `unwrap_all`).
        match self.versions.last_key_value() {
            Some((_, v)) => v,
            None => unreachable_empty_keyring(),
        }
    }

    /// A specific version, for opening older tokens.
    pub fn version(&self, version: u32) -> Result<&Arc<VersionKeys>, KeyError> {
        self.versions
            .get(&version)
            .ok_or(KeyError::UnknownVersion { version })
    }

    /// The versions this keyring holds, oldest first.
    pub fn versions(&self) -> impl Iterator<Item = u32> + '_ {
        self.versions.keys().copied()
    }

    /// The keyed fingerprint hasher (vault lookups of deterministic values).
    pub fn fingerprinter(&self) -> &KeyedHasher {
        &self.fingerprint
    }

    /// The keyed hasher for the `hash` masking strategy.
    pub fn mask_hasher(&self) -> &KeyedHasher {
        &self.mask_hash
    }
}

#[cold]
fn unreachable_empty_keyring() -> ! {
    unreachable!("TenantKeyring is only constructed with at least one version")
}
