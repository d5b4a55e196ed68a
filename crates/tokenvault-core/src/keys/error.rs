//! Errors of the key hierarchy. None carries key material.

use std::path::PathBuf;

use super::KeyStoreError;

/// Why a key operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The root key file does not exist.
    #[error("root key file {path} does not exist")]
    RootKeyFileMissing {
        /// Where it was looked for.
        path: PathBuf,
    },
    /// The root key file is readable by other users.
    #[error("root key file {path} has mode {mode:o}; it must not be readable by group or others (chmod 600)")]
    RootKeyFilePermissions {
        /// The file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// The root key file does not hold a key in the expected format.
    #[error("root key file {path} is malformed: expected 64 hexadecimal characters")]
    RootKeyFileMalformed {
        /// The file.
        path: PathBuf,
    },
    /// Reading or writing the root key file failed.
    #[error("root key file {path}: {source}")]
    RootKeyFileIo {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A wrapped key did not unwrap: the root key differs from the one that wrapped it, or the
    /// stored key was altered.
    #[error("a stored key could not be unwrapped: wrong root key or altered key record")]
    UnwrapFailed,
    /// The tenant has no key versions.
    #[error("tenant {tenant} has no keys")]
    NoKeys {
        /// The tenant.
        tenant: String,
    },
    /// The tenant's keys were destroyed.
    #[error("tenant {tenant}'s keys were destroyed; its tokens are unrecoverable")]
    Shredded {
        /// The tenant.
        tenant: String,
    },
    /// A token names a key version this tenant does not have.
    #[error("key version {version} does not exist for this tenant")]
    UnknownVersion {
        /// The version asked for.
        version: u32,
    },
    /// The key store failed.
    #[error(transparent)]
    Store(#[from] KeyStoreError),
}
