//! The SQLite store: one module per aggregate, each implementing its trait of
//! `tokenvault_core::store` for [`SqliteStore`].

mod access;
mod api_keys;
mod audit;
mod collections;
mod dashboard;
mod export;
mod grants;
mod keys;
mod object_tokens;
pub(crate) mod objects;
mod policies;
mod tenants;
mod tokens;

use std::{path::Path, sync::Arc};

use async_trait::async_trait;
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use tokenvault_core::{
    clock::UnixSeconds,
    ids::{PolicyId, TenantId, TokenId},
    keys::{KeyStoreError, TenantKeyStore, WrappedTenantKey},
    policy::Policy,
    store::Entity,
    store::{
        check_key_version, check_quota, AccessExport, ApiKeyRecord, AuditEvent, AuditRecord,
        BatchRecords, IdempotencyRecord, StoreError, TenantRecord, TokenRecord, TokenStatus,
        TokenizeCommit, UsageCounts, VaultFilter,
    },
};

use crate::{
    append_index::{id_key, Pending},
    pool::{unavailable, Pool},
    rows::{self, i64_of, API_KEY_COLUMNS, TOKEN_COLUMNS},
};

/// The vault on one SQLite database file (WAL mode, durable commits).
#[derive(Clone)]
pub struct SqliteStore {
    pub(crate) pool: Arc<Pool>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SqliteStore")
    }
}

impl SqliteStore {
    /// Opens (creating if `create`) the database at `path` and runs its migrations. Without
    /// `create`, a missing file is an error: a typo never yields a silent empty vault.
    pub fn open(path: &Path, create: bool) -> Result<Self, StoreError> {
        Self::open_with_merge_every(path, create, crate::MERGE_EVERY)
    }

    /// As [`SqliteStore::open`], merging the token-id index every `merge_every` new rows (for
    /// tests of the merge, and for tuning).
    pub fn open_with_merge_every(
        path: &Path,
        create: bool,
        merge_every: usize,
    ) -> Result<Self, StoreError> {
        Ok(Self {
            pool: Pool::open(path, create, merge_every)?,
        })
    }

    /// A metadata value, if set (read-only, unlike `meta_get_or_insert`).
    pub async fn meta(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let key = key.to_owned();
        self.pool
            .read(move |c| {
                c.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
                    .optional()
                    .map_err(unavailable)
            })
            .await
    }

    /// Whether a process is writing tokens to the database at `path` (a server is running).
    pub fn writer_active(path: &Path) -> bool {
        let lock = path.with_extension("tokens.lock");
        match std::fs::OpenOptions::new().write(true).open(&lock) {
            Ok(f) => f.try_lock().is_err(),
            Err(_) => false,
        }
    }

    /// Makes this process the database's only token writer now, or says which process is
    /// (a second server on the same data directory refuses to start).
    pub fn claim_writer(&self) -> Result<(), StoreError> {
        self.pool.claim_writer()
    }

    /// Copies the database to `dest` while it is in use (SQLite's online `VACUUM INTO`),
    /// giving a consistent snapshot.
    pub async fn backup(&self, dest: &Path) -> Result<(), StoreError> {
        let dest = dest.to_string_lossy().into_owned();
        self.pool
            .read(move |c| {
                c.execute("VACUUM INTO ?1", [dest]).map_err(unavailable)?;
                Ok(())
            })
            .await
    }
}

fn key_err(e: StoreError) -> KeyStoreError {
    match e {
        StoreError::Conflict { .. } => KeyStoreError::VersionExists { version: 0 },
        other => KeyStoreError::Unavailable {
            detail: other.to_string(),
        },
    }
}

pub(crate) use policies::write_policy_version;
