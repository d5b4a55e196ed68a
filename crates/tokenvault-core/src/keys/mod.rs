//! The key hierarchy: root key → versioned tenant keys → derived subkeys and per-record DEKs.
//!
//! * A [`RootKeyProvider`] wraps and unwraps tenant keys; the root key itself never leaves it
//!   (a key file today, an HSM tomorrow).
//! * Each tenant has numbered key versions, stored only wrapped ([`WrappedTenantKey`]). New
//!   tokens use the newest version; older versions stay for opening older tokens.
//! * From each version, HKDF derives the subkeys tokens use; a [`TenantKeyring`] holds them
//!   expanded, and the [`KeyManager`] caches keyrings so no hot path derives or expands keys.
//! * Destroying a tenant's versions ([`KeyManager::shred`]) makes all its tokens unrecoverable.

mod error;
mod manager;
mod root;
mod store;
mod tenant;

pub use error::KeyError;
pub use manager::{KeyManager, KEY_REVALIDATE};
pub use root::{KeyFileProvider, RootKeyProvider};
pub use store::{KeyStoreError, MemoryKeyStore, TenantKeyStore};
pub use tenant::{TenantKeyring, VersionKeys, WrappedTenantKey};
