//! The SQLite store.

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
        AccessExport, ApiKeyRecord, AuditEvent, AuditFilter, AuditRecord, IdempotencyRecord,
        StoreError, TenantRecord, TokenRecord, TokenStatus, TokenizeCommit, UsageCounts,
        VaultFilter, VaultStore,
    },
};

use crate::{
    audit,
    pool::{unavailable, Pool},
    rows::{self, i64_of, API_KEY_COLUMNS, TOKEN_COLUMNS},
    token_index::{id_key, Pending},
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

fn policy_from_json(json: &str) -> Result<Policy, StoreError> {
    serde_json::from_str(json).map_err(|e| StoreError::Unavailable {
        detail: format!("stored policy is unreadable: {e}"),
    })
}

/// Stores the next version of a policy; `Conflict` unless the current version is one less.
pub(crate) fn write_policy_version(
    tx: &rusqlite::Transaction<'_>,
    t: &str,
    p: &Policy,
) -> Result<(), StoreError> {
    let json = policy_json(p)?;
    let n = tx
        .execute(
            "UPDATE policies SET version = ?3, key = ?4, updated_at = ?5
             WHERE tenant = ?1 AND id = ?2 AND version = ?3 - 1 AND deleted_at IS NULL",
            params![t, p.id.as_str(), p.version, p.body.key, p.updated_at],
        )
        .map_err(|e| match unavailable(e) {
            StoreError::Conflict { .. } => StoreError::Conflict {
                what: Entity::PolicyKey,
            },
            other => other,
        })?;
    if n == 0 {
        return Err(StoreError::Conflict {
            what: Entity::PolicyVersion,
        });
    }
    tx.execute(
        "INSERT INTO policy_versions (tenant, id, version, body) VALUES (?1, ?2, ?3, ?4)",
        params![t, p.id.as_str(), p.version, json],
    )
    .map_err(unavailable)?;
    Ok(())
}

fn policy_json(policy: &Policy) -> Result<String, StoreError> {
    serde_json::to_string(policy).map_err(|e| StoreError::Unavailable {
        detail: format!("policy encoding: {e}"),
    })
}

#[async_trait]
impl TenantKeyStore for SqliteStore {
    async fn tenant_keys(&self, tenant: &TenantId) -> Result<Vec<WrappedTenantKey>, KeyStoreError> {
        let t = tenant.clone();
        self.pool
            .read(move |c| {
                let mut s = c
                    .prepare_cached(
                        "SELECT version, wrapped, created_at FROM tenant_keys WHERE tenant = ?1",
                    )
                    .map_err(unavailable)?;
                let rows = s
                    .query_map([t.as_str()], |r| {
                        Ok(WrappedTenantKey {
                            tenant: t.clone(),
                            version: r.get(0)?,
                            wrapped: r.get(1)?,
                            created_at: r.get(2)?,
                        })
                    })
                    .map_err(unavailable)?;
                rows.collect::<Result<Vec<_>, _>>().map_err(unavailable)
            })
            .await
            .map_err(key_err)
    }

    async fn insert_tenant_key(&self, key: &WrappedTenantKey) -> Result<(), KeyStoreError> {
        let key = key.clone();
        let version = key.version;
        self.pool
            .write(move |c| {
                c.execute(
                    "INSERT INTO tenant_keys (tenant, version, wrapped, created_at) VALUES (?1, ?2, ?3, ?4)",
                    params![key.tenant.as_str(), key.version, key.wrapped, key.created_at],
                )
                .map_err(unavailable)?;
                Ok(())
            })
            .await
            .map_err(|e| match key_err(e) {
                KeyStoreError::VersionExists { .. } => KeyStoreError::VersionExists { version },
                other => other,
            })
    }

    async fn destroy_tenant_keys(&self, tenant: &TenantId) -> Result<(), KeyStoreError> {
        let t = tenant.to_string();
        self.pool
            .write(move |c| {
                let tx = c.transaction().map_err(unavailable)?;
                tx.execute("DELETE FROM tenant_keys WHERE tenant = ?1", [&t])
                    .map_err(unavailable)?;
                tx.execute(
                    "INSERT OR IGNORE INTO shredded_tenants (tenant) VALUES (?1)",
                    [&t],
                )
                .map_err(unavailable)?;
                tx.commit().map_err(unavailable)?;
                // Overwrite freed pages so the wrapped keys do not linger in the file.
                c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); VACUUM;")
                    .map_err(unavailable)?;
                Ok(())
            })
            .await
            .map_err(key_err)
    }

    async fn is_shredded(&self, tenant: &TenantId) -> Result<bool, KeyStoreError> {
        let t = tenant.to_string();
        self.pool
            .read(move |c| {
                c.query_row(
                    "SELECT 1 FROM shredded_tenants WHERE tenant = ?1",
                    [t],
                    |_| Ok(()),
                )
                .optional()
                .map(|o| o.is_some())
                .map_err(unavailable)
            })
            .await
            .map_err(key_err)
    }
}

#[async_trait]
impl VaultStore for SqliteStore {
    async fn ping(&self) -> Result<(), StoreError> {
        self.pool
            .read(|c| c.query_row("SELECT 1", [], |_| Ok(())).map_err(unavailable))
            .await
    }

    async fn meta_get_or_insert(&self, key: &str, value: &[u8]) -> Result<Vec<u8>, StoreError> {
        let (key, value) = (key.to_owned(), value.to_vec());
        self.pool
            .write(move |c| {
                c.execute(
                    "INSERT OR IGNORE INTO meta (key, value) VALUES (?1, ?2)",
                    params![key, value],
                )
                .map_err(unavailable)?;
                c.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
                    .map_err(unavailable)
            })
            .await
    }

    async fn create_tenant(&self, tenant: &TenantRecord) -> Result<(), StoreError> {
        let t = tenant.clone();
        self.pool
            .write(move |c| {
                let quota = t.quota.map(i64_of).transpose()?;
                c.execute(
                    "INSERT INTO tenants (id, name, created_at, kill_switch, quota) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![t.id.as_str(), t.name, t.created_at, t.kill_switch, quota],
                )
                .map_err(|e| match unavailable(e) {
                    StoreError::Conflict { .. } => StoreError::Conflict { what: Entity::Tenant },
                    other => other,
                })?;
                Ok(())
            })
            .await
    }

    async fn tenant(&self, id: &TenantId) -> Result<Option<TenantRecord>, StoreError> {
        let id = id.to_string();
        self.pool
            .read(move |c| {
                c.prepare_cached(
                    "SELECT id, name, created_at, kill_switch, quota FROM tenants WHERE id = ?1",
                )
                .and_then(|mut s| s.query_row([id], rows::tenant).optional())
                .map_err(unavailable)
            })
            .await
    }

    async fn tenants(&self) -> Result<Vec<TenantRecord>, StoreError> {
        self.pool
            .read(|c| {
                let mut s = c
                    .prepare("SELECT id, name, created_at, kill_switch, quota FROM tenants ORDER BY created_at, id")
                    .map_err(unavailable)?;
                let rows = s.query_map([], rows::tenant).map_err(unavailable)?;
                rows.collect::<Result<Vec<_>, _>>().map_err(unavailable)
            })
            .await
    }

    async fn set_kill_switch(&self, id: &TenantId, on: bool) -> Result<(), StoreError> {
        let id = id.to_string();
        self.pool
            .write(move |c| {
                let n = c
                    .execute(
                        "UPDATE tenants SET kill_switch = ?2 WHERE id = ?1",
                        params![id, on],
                    )
                    .map_err(unavailable)?;
                if n == 0 {
                    return Err(StoreError::NotFound {
                        what: Entity::Tenant,
                    });
                }
                Ok(())
            })
            .await
    }

    async fn set_quota(&self, id: &TenantId, quota: Option<u64>) -> Result<(), StoreError> {
        let id = id.to_string();
        self.pool
            .write(move |c| {
                let quota = quota.map(i64_of).transpose()?;
                let n = c
                    .execute(
                        "UPDATE tenants SET quota = ?2 WHERE id = ?1",
                        params![id, quota],
                    )
                    .map_err(unavailable)?;
                if n == 0 {
                    return Err(StoreError::NotFound {
                        what: Entity::Tenant,
                    });
                }
                Ok(())
            })
            .await
    }

    async fn insert_api_key(&self, key: &ApiKeyRecord) -> Result<(), StoreError> {
        let k = key.clone();
        self.pool
            .write(move |c| {
                c.execute(
                    "INSERT INTO api_keys (id, tenant, hash, name, created_at, revoked_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![k.id, k.tenant.as_str(), k.hash.as_slice(), k.name, k.created_at, k.revoked_at],
                )
                .map_err(unavailable)?;
                Ok(())
            })
            .await
    }

    async fn api_key_by_hash(&self, hash: &[u8; 32]) -> Result<Option<ApiKeyRecord>, StoreError> {
        let hash = *hash;
        self.pool
            .read(move |c| {
                c.prepare_cached(&format!(
                    "SELECT {API_KEY_COLUMNS} FROM api_keys WHERE hash = ?1"
                ))
                .and_then(|mut s| s.query_row([hash.as_slice()], rows::api_key).optional())
                .map_err(unavailable)
            })
            .await
    }

    async fn api_keys(&self, tenant: &TenantId) -> Result<Vec<ApiKeyRecord>, StoreError> {
        let t = tenant.to_string();
        self.pool
            .read(move |c| {
                let mut s = c
                    .prepare(&format!("SELECT {API_KEY_COLUMNS} FROM api_keys WHERE tenant = ?1 ORDER BY created_at, id"))
                    .map_err(unavailable)?;
                let rows = s.query_map([t], rows::api_key).map_err(unavailable)?;
                rows.collect::<Result<Vec<_>, _>>().map_err(unavailable)
            })
            .await
    }

    async fn revoke_api_key(
        &self,
        tenant: &TenantId,
        id: &str,
        at: UnixSeconds,
    ) -> Result<(), StoreError> {
        let (t, id) = (tenant.to_string(), id.to_owned());
        self.pool
            .write(move |c| {
                let n = c
                    .execute(
                        "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?3) WHERE tenant = ?1 AND id = ?2",
                        params![t, id, at],
                    )
                    .map_err(unavailable)?;
                if n == 0 {
                    return Err(StoreError::NotFound { what: Entity::ApiKey });
                }
                Ok(())
            })
            .await
    }

    async fn insert_policy(
        &self,
        tenant: &TenantId,
        policy: &Policy,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let (t, p, a) = (tenant.to_string(), policy.clone(), audit.clone());
        self.pool
            .write(move |c| {
                let json = policy_json(&p)?;
                let tx = c.transaction_with_behavior(TransactionBehavior::Immediate).map_err(unavailable)?;
                tx.execute(
                    "INSERT INTO policies (tenant, id, version, key, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![t, p.id.as_str(), p.version, p.body.key, p.created_at, p.updated_at],
                )
                .map_err(|e| match unavailable(e) {
                    StoreError::Conflict { .. } => StoreError::Conflict { what: Entity::Policy },
                    other => other,
                })?;
                tx.execute(
                    "INSERT INTO policy_versions (tenant, id, version, body) VALUES (?1, ?2, ?3, ?4)",
                    params![t, p.id.as_str(), p.version, json],
                )
                .map_err(unavailable)?;
                audit::append(&tx, std::slice::from_ref(&a))?;
                tx.commit().map_err(unavailable)
            })
            .await
    }

    async fn update_policy(
        &self,
        tenant: &TenantId,
        policy: &Policy,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let (t, p, a) = (tenant.to_string(), policy.clone(), audit.clone());
        self.pool
            .write(move |c| {
                let tx = c
                    .transaction_with_behavior(TransactionBehavior::Immediate)
                    .map_err(unavailable)?;
                write_policy_version(&tx, &t, &p)?;
                audit::append(&tx, std::slice::from_ref(&a))?;
                tx.commit().map_err(unavailable)
            })
            .await
    }

    async fn delete_policy(
        &self,
        tenant: &TenantId,
        id: &PolicyId,
        at: UnixSeconds,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let (t, id, a) = (tenant.to_string(), id.to_string(), audit.clone());
        self.pool
            .write(move |c| {
                let tx = c
                    .transaction_with_behavior(TransactionBehavior::Immediate)
                    .map_err(unavailable)?;
                let n = tx
                    .execute(
                        "UPDATE policies SET deleted_at = ?3, key = NULL, updated_at = ?3
                         WHERE tenant = ?1 AND id = ?2 AND deleted_at IS NULL",
                        params![t, id, at],
                    )
                    .map_err(unavailable)?;
                if n == 0 {
                    return Err(StoreError::NotFound {
                        what: Entity::Policy,
                    });
                }
                audit::append(&tx, std::slice::from_ref(&a))?;
                tx.commit().map_err(unavailable)
            })
            .await
    }

    async fn policy(
        &self,
        tenant: &TenantId,
        id: &PolicyId,
        version: Option<u32>,
    ) -> Result<Option<Policy>, StoreError> {
        let (t, id) = (tenant.to_string(), id.to_string());
        self.pool
            .read(move |c| {
                let json: Option<String> = c
                    .prepare_cached(
                        "SELECT v.body FROM policies p JOIN policy_versions v
                           ON v.tenant = p.tenant AND v.id = p.id AND v.version = COALESCE(?3, p.version)
                         WHERE p.tenant = ?1 AND p.id = ?2 AND (?3 IS NOT NULL OR p.deleted_at IS NULL)",
                    )
                    .and_then(|mut s| s.query_row(params![t, id, version], |r| r.get(0)).optional())
                    .map_err(unavailable)?;
                json.map(|j| policy_from_json(&j)).transpose()
            })
            .await
    }

    async fn policy_by_key(
        &self,
        tenant: &TenantId,
        key: &str,
    ) -> Result<Option<Policy>, StoreError> {
        let (t, key) = (tenant.to_string(), key.to_owned());
        self.pool
            .read(move |c| {
                let json: Option<String> = c
                    .prepare_cached(
                        "SELECT v.body FROM policies p JOIN policy_versions v
                           ON v.tenant = p.tenant AND v.id = p.id AND v.version = p.version
                         WHERE p.tenant = ?1 AND p.key = ?2 AND p.deleted_at IS NULL",
                    )
                    .and_then(|mut s| s.query_row(params![t, key], |r| r.get(0)).optional())
                    .map_err(unavailable)?;
                json.map(|j| policy_from_json(&j)).transpose()
            })
            .await
    }

    async fn policies(&self, tenant: &TenantId) -> Result<Vec<Policy>, StoreError> {
        let t = tenant.to_string();
        self.pool
            .read(move |c| {
                let mut s = c
                    .prepare(
                        "SELECT v.body FROM policies p JOIN policy_versions v
                           ON v.tenant = p.tenant AND v.id = p.id AND v.version = p.version
                         WHERE p.tenant = ?1 AND p.deleted_at IS NULL ORDER BY p.created_at, p.id",
                    )
                    .map_err(unavailable)?;
                let rows = s
                    .query_map([t], |r| r.get::<_, String>(0))
                    .map_err(unavailable)?;
                rows.map(|r| r.map_err(unavailable).and_then(|j| policy_from_json(&j)))
                    .collect()
            })
            .await
    }

    async fn commit_tokenize(
        &self,
        commit: TokenizeCommit,
    ) -> Result<Vec<TokenRecord>, StoreError> {
        let pool = self.pool.clone();
        self.pool
            .write_grouped(move |tx| {
                let tenant = commit.tenant.as_str();
                let ops = i64_of(commit.operations)?;
                if let Some(quota) = commit.quota {
                    let used: i64 = tx
                        .query_row(
                            "SELECT COALESCE((SELECT operations FROM usage WHERE tenant = ?1 AND period = ?2), 0)",
                            params![tenant, commit.period],
                            |r| r.get(0),
                        )
                        .map_err(unavailable)?;
                    if used.saturating_add(ops) > i64_of(quota)? {
                        return Err(StoreError::QuotaExceeded { quota });
                    }
                }
                let mut resolved = Vec::with_capacity(commit.records.len());
                let mut added = Pending::default();
                {
                    let mut insert = tx
                        .prepare_cached(&format!(
                            "INSERT INTO tokens (id_key, {TOKEN_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
                        ))
                        .map_err(unavailable)?;
                    let group = pool.group_added.lock();
                    for r in commit.records {
                        // The same token made earlier (or concurrently, in this group): its
                        // record stands.
                        if let Some((_, found)) =
                            pool.index.find(tx, tenant, r.token_id.as_str(), &[&group, &added])?
                        {
                            resolved.push(found);
                            continue;
                        }
                        let key = id_key(r.token_id.as_str());
                        insert
                            .execute(params![
                                key,
                                tenant,
                                r.token_id.as_str(),
                                r.pii_type.as_str(),
                                r.mode.as_str(),
                                r.scope,
                                r.key_version,
                                r.policy_id.as_str(),
                                r.policy_version,
                                r.stored_token,
                                (r.token != r.stored_token).then_some(&r.token),
                                r.wrapped_dek,
                                r.created_at,
                                r.expires_at,
                                r.revoked_at,
                                r.revoke_reason,
                            ])
                            .map_err(unavailable)?;
                        added.add(key, tx.last_insert_rowid());
                        resolved.push(r);
                    }
                }
                if ops > 0 {
                    tx.execute(
                        "INSERT INTO usage (tenant, period, operations) VALUES (?1, ?2, ?3)
                         ON CONFLICT (tenant, period) DO UPDATE SET operations = operations + excluded.operations",
                        params![tenant, commit.period, ops],
                    )
                    .map_err(unavailable)?;
                }
                if let Some(i) = &commit.idempotency {
                    tx.execute(
                        "INSERT INTO idempotency (tenant, key, request_hash, response, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![tenant, i.key, i.request_hash.as_slice(), i.response, i.created_at],
                    )
                    .map_err(|e| match unavailable(e) {
                        StoreError::Conflict { .. } => StoreError::Conflict { what: Entity::IdempotencyKey },
                        other => other,
                    })?;
                }
                let mut event = commit.audit;
                event.token_ids = resolved.iter().map(|r| r.token_id.to_string()).collect();
                audit::append(tx, &[event])?;
                // Findable by later jobs of this group now, by everyone once it commits.
                pool.group_added.lock().extend(added);
                Ok(resolved)
            })
            .await
    }

    async fn idempotency(
        &self,
        tenant: &TenantId,
        key: &str,
    ) -> Result<Option<IdempotencyRecord>, StoreError> {
        let (t, key) = (tenant.to_string(), key.to_owned());
        self.pool
            .read(move |c| {
                c.prepare_cached("SELECT key, request_hash, response, created_at FROM idempotency WHERE tenant = ?1 AND key = ?2")
                    .and_then(|mut s| {
                        s.query_row(params![t, key], |r| {
                            let hash: Vec<u8> = r.get(1)?;
                            Ok(IdempotencyRecord {
                                key: r.get(0)?,
                                request_hash: hash.try_into().unwrap_or([0; 32]),
                                response: r.get(2)?,
                                created_at: r.get(3)?,
                            })
                        })
                        .optional()
                    })
                    .map_err(unavailable)
            })
            .await
    }

    async fn tokens_by_id(
        &self,
        tenant: &TenantId,
        ids: &[TokenId],
    ) -> Result<Vec<TokenRecord>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let (t, ids) = (tenant.to_string(), ids.to_vec());
        let pool = self.pool.clone();
        self.pool
            .read(move |c| {
                let mut out = Vec::with_capacity(ids.len());
                for id in &ids {
                    if let Some((_, r)) = pool.index.find(c, &t, id.as_str(), &[])? {
                        out.push(r);
                    }
                }
                Ok(out)
            })
            .await
    }

    async fn list_tokens(
        &self,
        tenant: &TenantId,
        filter: &VaultFilter,
        now: UnixSeconds,
        after: Option<(UnixSeconds, String)>,
        limit: usize,
    ) -> Result<Vec<TokenRecord>, StoreError> {
        let t = tenant.to_string();
        let pii_type = filter.pii_type.map(|p| p.as_str().to_owned());
        let status = filter.status;
        let pool = self.pool.clone();
        self.pool
            .read(move |c| {
                // Newest first is `seq` order; the cursor names the last record shown.
                let before = match &after {
                    None => i64::MAX,
                    Some((_, id)) => match pool.index.find(c, &t, id, &[])? {
                        Some((seq, _)) => seq,
                        None => return Ok(Vec::new()),
                    },
                };
                let status_sql = match status {
                    None => "",
                    Some(TokenStatus::Active) => " AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?3)",
                    Some(TokenStatus::Revoked) => " AND revoked_at IS NOT NULL",
                    Some(TokenStatus::Expired) => " AND revoked_at IS NULL AND expires_at IS NOT NULL AND expires_at <= ?3",
                };
                let sql = format!(
                    "SELECT {TOKEN_COLUMNS} FROM tokens WHERE tenant = ?1 AND (?2 IS NULL OR pii_type = ?2){status_sql}
                       AND seq < ?4
                     ORDER BY seq DESC LIMIT ?5"
                );
                let mut s = c.prepare_cached(&sql).map_err(unavailable)?;
                let rows = s
                    .query_map(
                        params![t, pii_type, now, before, i64::try_from(limit).unwrap_or(100)],
                        rows::token,
                    )
                    .map_err(unavailable)?;
                rows.collect::<Result<Vec<_>, _>>().map_err(unavailable)
            })
            .await
    }

    async fn revoke_token(
        &self,
        tenant: &TenantId,
        id: &TokenId,
        reason: &str,
        at: UnixSeconds,
        audit: &AuditEvent,
    ) -> Result<TokenRecord, StoreError> {
        let (t, id, reason, a) = (
            tenant.to_string(),
            id.to_string(),
            reason.to_owned(),
            audit.clone(),
        );
        let pool = self.pool.clone();
        self.pool
            .write(move |c| {
                let tx = c
                    .transaction_with_behavior(TransactionBehavior::Immediate)
                    .map_err(unavailable)?;
                let (seq, mut record) =
                    pool.index
                        .find(&tx, &t, &id, &[])?
                        .ok_or(StoreError::NotFound {
                            what: Entity::Token,
                        })?;
                if record.revoked_at.is_none() {
                    tx.execute(
                        "UPDATE tokens SET revoked_at = ?2, revoke_reason = ?3 WHERE seq = ?1",
                        params![seq, at, reason],
                    )
                    .map_err(unavailable)?;
                    record.revoked_at = Some(at);
                    record.revoke_reason = Some(reason);
                }
                audit::append(&tx, &[a])?;
                tx.commit().map_err(unavailable)?;
                Ok(record)
            })
            .await
    }

    async fn consume_grant(
        &self,
        tenant: &TenantId,
        jti: &str,
        expires_at: UnixSeconds,
        operations: u64,
        period: UnixSeconds,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let (t, jti, a) = (tenant.to_string(), jti.to_owned(), audit.clone());
        self.pool
            .write(move |c| {
                let tx = c.transaction_with_behavior(TransactionBehavior::Immediate).map_err(unavailable)?;
                tx.execute(
                    "INSERT INTO used_grants (jti, tenant, expires_at) VALUES (?1, ?2, ?3)",
                    params![jti, t, expires_at],
                )
                .map_err(|e| match unavailable(e) {
                    StoreError::Conflict { .. } => StoreError::Conflict { what: Entity::Grant },
                    other => other,
                })?;
                if operations > 0 {
                    tx.execute(
                        "INSERT INTO usage (tenant, period, operations) VALUES (?1, ?2, ?3)
                         ON CONFLICT (tenant, period) DO UPDATE SET operations = operations + excluded.operations",
                        params![t, period, i64_of(operations)?],
                    )
                    .map_err(unavailable)?;
                }
                audit::append(&tx, &[a])?;
                tx.commit().map_err(unavailable)
            })
            .await
    }

    async fn append_audit(&self, events: &[AuditEvent]) -> Result<(), StoreError> {
        let events = events.to_vec();
        self.pool
            .write(move |c| {
                let tx = c
                    .transaction_with_behavior(TransactionBehavior::Immediate)
                    .map_err(unavailable)?;
                audit::append(&tx, &events)?;
                tx.commit().map_err(unavailable)
            })
            .await
    }

    async fn audit(
        &self,
        tenant: &TenantId,
        filter: &AuditFilter,
        before_seq: Option<u64>,
        limit: usize,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let (t, f) = (tenant.to_string(), filter.clone());
        self.pool
            .read(move |c| audit::page(c, &t, &f, before_seq, limit))
            .await
    }

    async fn verify_audit_chain(&self) -> Result<Result<u64, u64>, StoreError> {
        self.pool.read(audit::verify_chain).await
    }

    async fn usage(
        &self,
        tenant: &TenantId,
        now: UnixSeconds,
        period: UnixSeconds,
    ) -> Result<UsageCounts, StoreError> {
        let t = tenant.to_string();
        self.pool
            .read(move |c| {
                let count = |u: i64| u64::try_from(u).unwrap_or(0);
                let (created, revoked, expired): (i64, i64, i64) = c
                    .query_row(
                        "SELECT COUNT(*),
                                COALESCE(SUM(revoked_at IS NOT NULL), 0),
                                COALESCE(SUM(revoked_at IS NULL AND expires_at IS NOT NULL AND expires_at <= ?2), 0)
                         FROM tokens WHERE tenant = ?1",
                        params![t, now],
                        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                    )
                    .map_err(unavailable)?;
                let operations: i64 = c
                    .query_row(
                        "SELECT COALESCE((SELECT operations FROM usage WHERE tenant = ?1 AND period = ?2), 0)",
                        params![t, period],
                        |r| r.get(0),
                    )
                    .map_err(unavailable)?;
                Ok(UsageCounts {
                    created: count(created),
                    active: count(created - revoked - expired),
                    revoked: count(revoked),
                    expired: count(expired),
                    operations: count(operations),
                })
            })
            .await
    }
}

#[async_trait]
impl tokenvault_core::store::StoreExport for SqliteStore {
    async fn export_meta(&self) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        self.pool
            .read(|c| {
                let mut s = c
                    .prepare("SELECT key, value FROM meta ORDER BY key")
                    .map_err(unavailable)?;
                let rows = s
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                    .map_err(unavailable)?;
                rows.collect::<Result<Vec<_>, _>>().map_err(unavailable)
            })
            .await
    }

    async fn export_policies(&self, tenant: &TenantId) -> Result<Vec<Policy>, StoreError> {
        let t = tenant.to_string();
        self.pool
            .read(move |c| {
                let mut s = c
                    .prepare(
                        "SELECT body FROM policy_versions WHERE tenant = ?1 AND id NOT IN
                           (SELECT id FROM policies WHERE tenant = ?1 AND deleted_at IS NOT NULL)
                         ORDER BY id, version",
                    )
                    .map_err(unavailable)?;
                let rows = s
                    .query_map([t], |r| r.get::<_, String>(0))
                    .map_err(unavailable)?;
                rows.map(|r| r.map_err(unavailable).and_then(|j| policy_from_json(&j)))
                    .collect()
            })
            .await
    }

    async fn export_tokens(
        &self,
        after: i64,
        limit: usize,
    ) -> Result<Vec<(i64, TokenRecord)>, StoreError> {
        self.pool
            .read(move |c| {
                let mut s = c
                    .prepare_cached(&format!(
                        "SELECT {TOKEN_COLUMNS}, seq FROM tokens WHERE seq > ?1 ORDER BY seq LIMIT ?2"
                    ))
                    .map_err(unavailable)?;
                let rows = s
                    .query_map(params![after, i64::try_from(limit).unwrap_or(1000)], |r| {
                        Ok((r.get::<_, i64>(15)?, rows::token(r)?))
                    })
                    .map_err(unavailable)?;
                rows.collect::<Result<Vec<_>, _>>().map_err(unavailable)
            })
            .await
    }

    async fn export_audit(&self, after: u64, limit: usize) -> Result<Vec<AuditRecord>, StoreError> {
        self.pool.read(move |c| audit::range(c, after, limit)).await
    }

    async fn export_usage(&self) -> Result<Vec<(String, i64, i64)>, StoreError> {
        self.pool
            .read(|c| {
                let mut s = c
                    .prepare("SELECT tenant, period, operations FROM usage ORDER BY tenant, period")
                    .map_err(unavailable)?;
                let rows = s
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .map_err(unavailable)?;
                rows.collect::<Result<Vec<_>, _>>().map_err(unavailable)
            })
            .await
    }

    async fn export_access(&self, tenant: &TenantId) -> Result<AccessExport, StoreError> {
        crate::sqlite_access::export(self, tenant).await
    }
}
