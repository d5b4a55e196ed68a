//! The PostgreSQL store: the same contract as SQLite, for several stateless nodes on one
//! database. Everything that must hold across nodes is enforced by the database: unique keys
//! (token ids, grant ids, idempotency keys), quota counting in the same statement as the
//! increment, and one audit chain serialized by a transaction-scoped advisory lock.

use std::{str::FromStr, time::Duration};

use async_trait::async_trait;
use deadpool_postgres::{GenericClient, Manager, ManagerConfig, Pool, RecyclingMethod};
use tokenvault_core::{
    clock::UnixSeconds,
    ids::{PolicyId, TenantId, TokenId},
    keys::{KeyStoreError, TenantKeyStore, WrappedTenantKey},
    policy::Policy,
    store::Entity,
    store::{
        check_key_version, check_quota, ApiKeyRecord, AuditEvent, AuditFilter, AuditLink,
        AuditRecord, BatchRecords, ChainHead, IdempotencyRecord, StoreError, TenantRecord,
        TokenRecord, TokenStatus, TokenizeCommit, UsageCounts, VaultFilter,
    },
};
use tokio_postgres::{error::SqlState, Row};

mod access;
mod api_keys;
mod audit;
mod collections;
mod config_cache;
mod dashboard;
mod grants;
mod import;
mod keys;
mod object_tokens;
mod objects;
mod policies;
pub(crate) mod schema;
mod tenants;
mod tls;
mod tokens;

pub(crate) use audit::append_audit;

/// Statements prepared once per connection (deadpool's statement cache), so a call is one
/// round trip (bind and execute) instead of two (parse and describe, then bind and execute).
/// Every statement text passed here is one of a fixed set (no values are spliced into SQL),
/// so the cache stays small.
#[async_trait]
pub(crate) trait Cached: GenericClient {
    async fn q(
        &self,
        sql: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<Vec<Row>, tokio_postgres::Error> {
        let stmt = self.prepare_cached(sql).await?;
        self.query(&stmt, params).await
    }

    async fn q_opt(
        &self,
        sql: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<Option<Row>, tokio_postgres::Error> {
        let stmt = self.prepare_cached(sql).await?;
        self.query_opt(&stmt, params).await
    }

    async fn q_one(
        &self,
        sql: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<Row, tokio_postgres::Error> {
        let stmt = self.prepare_cached(sql).await?;
        self.query_one(&stmt, params).await
    }

    async fn exec(
        &self,
        sql: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<u64, tokio_postgres::Error> {
        let stmt = self.prepare_cached(sql).await?;
        self.execute(&stmt, params).await
    }
}

impl<C: GenericClient + ?Sized> Cached for C {}
pub(crate) use policies::write_policy_version;
use tls::{ssl_mode, tls};

/// Audit chain lock key ("tvaudit").
const AUDIT_LOCK: i64 = 0x74_7661_7564_6974;

/// Seed of the per-tenant key-version lock (`hashtextextended(tenant, seed)`): rotations take
/// it exclusively, tokenize commits shared.
const TENANT_KEYS_LOCK: i64 = 0x7476_6b65_7973;

const TOKEN_COLUMNS: &str = "tenant, token_id, pii_type, mode, scope, key_version, policy_id, \
    policy_version, stored_token, token, wrapped_dek, created_at, expires_at, revoked_at, revoke_reason";

/// Connection settings.
#[derive(Debug, Clone)]
pub struct PgOptions {
    /// Connections kept per node.
    pub pool_size: usize,
    /// How long to wait for a connection.
    pub connect_timeout: Duration,
    /// A schema to use instead of `public` (created if missing); for tests and shared servers.
    pub schema: Option<String>,
    /// PEM file of a private CA that signs the database's certificate (beside the public
    /// roots). Whether TLS is used follows the URL's `sslmode` (`disable`, `prefer` — the
    /// default —, `require`).
    pub ca_file: Option<std::path::PathBuf>,
}

impl Default for PgOptions {
    fn default() -> Self {
        Self {
            pool_size: 16,
            connect_timeout: Duration::from_secs(10),
            schema: None,
            ca_file: None,
        }
    }
}

/// The vault on PostgreSQL.
#[derive(Clone)]
pub struct PgStore {
    pool: Pool,
    /// API keys, tenants, settings and collections as last read (see `config_cache`).
    config: std::sync::Arc<config_cache::ConfigCache>,
    _listener: std::sync::Arc<config_cache::ListenerGuard>,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PgStore")
    }
}

pub(crate) fn pg_err(e: tokio_postgres::Error) -> StoreError {
    if e.code() == Some(&SqlState::UNIQUE_VIOLATION) {
        return StoreError::Conflict {
            what: Entity::Record,
        };
    }
    // Only the message and code: a database error's detail may quote key values.
    let detail = match e.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => e.to_string(),
    };
    StoreError::Unavailable { detail }
}

fn pool_err(e: impl std::fmt::Display) -> StoreError {
    StoreError::Unavailable {
        detail: format!("database connection: {e}"),
    }
}

/// A pool error, with the server's own message when it refused (a missing database or role is
/// named by PostgreSQL's message).
fn pool_get_err(e: deadpool_postgres::PoolError) -> StoreError {
    match e {
        deadpool_postgres::PoolError::Backend(e) => match e.as_db_error() {
            Some(db) => StoreError::Unavailable {
                detail: format!(
                    "database connection: {} ({})",
                    db.message(),
                    db.code().code()
                ),
            },
            None => StoreError::Unavailable {
                detail: format!("database connection: {e}"),
            },
        },
        other => pool_err(other),
    }
}

fn conflict(what: Entity) -> impl Fn(StoreError) -> StoreError {
    move |e| match e {
        StoreError::Conflict { .. } => StoreError::Conflict { what },
        other => other,
    }
}

pub(crate) fn corrupt(what: &'static str) -> StoreError {
    StoreError::Corrupt { what }
}

fn u32_of(v: i64, what: &'static str) -> Result<u32, StoreError> {
    u32::try_from(v).map_err(|_| corrupt(what))
}

fn token(r: &Row) -> Result<TokenRecord, StoreError> {
    let stored: String = r.get(8);
    let shown: Option<String> = r.get(9);
    Ok(TokenRecord {
        tenant: TenantId::parse(r.get(0)).map_err(|_| corrupt("tenant"))?,
        token_id: TokenId::parse(r.get(1)).map_err(|_| corrupt("token id"))?,
        pii_type: r
            .get::<_, &str>(2)
            .parse()
            .map_err(|_| corrupt("pii type"))?,
        mode: r.get::<_, &str>(3).parse().map_err(|()| corrupt("mode"))?,
        scope: r.get(4),
        key_version: u32_of(r.get(5), "key version")?,
        policy_id: PolicyId::parse(r.get(6)).map_err(|_| corrupt("policy id"))?,
        policy_version: u32_of(r.get(7), "policy version")?,
        token: shown.unwrap_or_else(|| stored.clone()),
        stored_token: stored,
        wrapped_dek: r.get(10),
        created_at: r.get(11),
        expires_at: r.get(12),
        revoked_at: r.get(13),
        revoke_reason: r.get(14),
    })
}

fn tenant(r: &Row) -> Result<TenantRecord, StoreError> {
    let quota: Option<i64> = r.get(4);
    Ok(TenantRecord {
        id: TenantId::parse(r.get(0)).map_err(|_| corrupt("tenant"))?,
        name: r.get(1),
        created_at: r.get(2),
        kill_switch: r.get(3),
        quota: quota
            .map(|q| u64::try_from(q).map_err(|_| corrupt("quota")))
            .transpose()?,
    })
}

fn api_key(r: &Row) -> Result<ApiKeyRecord, StoreError> {
    let hash: Vec<u8> = r.get(2);
    Ok(ApiKeyRecord {
        id: r.get(0),
        tenant: TenantId::parse(r.get(1)).map_err(|_| corrupt("tenant"))?,
        hash: hash.try_into().map_err(|_| corrupt("api key hash"))?,
        name: r.get(3),
        created_at: r.get(4),
        revoked_at: r.get(5),
    })
}

fn policy(json: &str) -> Result<Policy, StoreError> {
    serde_json::from_str(json).map_err(|_| corrupt("policy"))
}

/// A batch of token records as one array per column, for `UNNEST`.
#[derive(Default)]
struct Columns<'a> {
    token_id: Vec<&'a str>,
    pii_type: Vec<&'a str>,
    mode: Vec<&'a str>,
    scope: Vec<&'a str>,
    key_version: Vec<i64>,
    policy_id: Vec<&'a str>,
    policy_version: Vec<i64>,
    stored_token: Vec<&'a str>,
    token: Vec<Option<&'a str>>,
    wrapped_dek: Vec<Option<&'a [u8]>>,
    created_at: Vec<i64>,
    expires_at: Vec<Option<i64>>,
    revoked_at: Vec<Option<i64>>,
    revoke_reason: Vec<Option<&'a str>>,
}

impl<'a> Columns<'a> {
    fn with_capacity(n: usize) -> Self {
        Self {
            token_id: Vec::with_capacity(n),
            ..Self::default()
        }
    }

    fn push(&mut self, r: &'a TokenRecord) {
        self.token_id.push(r.token_id.as_str());
        self.pii_type.push(r.pii_type.as_str());
        self.mode.push(r.mode.as_str());
        self.scope.push(&r.scope);
        self.key_version.push(i64::from(r.key_version));
        self.policy_id.push(r.policy_id.as_str());
        self.policy_version.push(i64::from(r.policy_version));
        self.stored_token.push(&r.stored_token);
        self.token
            .push((r.token != r.stored_token).then_some(r.token.as_str()));
        self.wrapped_dek.push(r.wrapped_dek.as_deref());
        self.created_at.push(r.created_at);
        self.expires_at.push(r.expires_at);
        self.revoked_at.push(r.revoked_at);
        self.revoke_reason.push(r.revoke_reason.as_deref());
    }
}

fn i64_of(v: u64) -> Result<i64, StoreError> {
    i64::try_from(v).map_err(|_| StoreError::Unavailable {
        detail: "counter out of range".into(),
    })
}

/// Inserts a batch of one tenant's records with one statement (an array per column,
/// unnested), skipping ids already present; returns the ids it inserted.
impl PgStore {
    /// Connects to `url` (`postgres://…`), checks the server answers and runs the migrations.
    /// An unreachable server or a wrong URL is an error here, at start.
    pub async fn connect(url: &str, options: &PgOptions) -> Result<Self, StoreError> {
        let (url, verify) = ssl_mode(url, options.ca_file.as_deref())?;
        let mut cfg =
            tokio_postgres::Config::from_str(&url).map_err(|e| StoreError::Unavailable {
                detail: format!("database URL is not a PostgreSQL URL: {e}"),
            })?;
        cfg.connect_timeout(options.connect_timeout);
        if let Some(schema) = &options.schema {
            if !schema
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            {
                return Err(StoreError::Unavailable {
                    detail: "schema must be lowercase letters, digits and '_'".into(),
                });
            }
            let (client, conn) = cfg
                .connect(tls(options.ca_file.as_deref(), verify)?)
                .await
                .map_err(pg_err)?;
            tokio::spawn(conn);
            client
                .batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {schema}"))
                .await
                .map_err(pg_err)?;
            cfg.options(format!("-c search_path={schema}"));
        }
        let listener_config = cfg.clone();
        let manager = Manager::from_config(
            cfg,
            tls(options.ca_file.as_deref(), verify)?,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(options.pool_size.max(1))
            .wait_timeout(Some(options.connect_timeout))
            .create_timeout(Some(options.connect_timeout))
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .build()
            .map_err(pool_err)?;
        let mut client = pool.get().await.map_err(pool_get_err)?;
        schema::migrate(&mut client).await.map_err(pg_err)?;
        let config = std::sync::Arc::new(config_cache::ConfigCache::default());
        let listener = config_cache::start_listener(
            listener_config,
            tls(options.ca_file.as_deref(), verify)?,
            config.clone(),
        );
        Ok(Self {
            pool,
            config,
            _listener: std::sync::Arc::new(listener),
        })
    }

    /// Whether this node keeps configuration in memory now (its listening connection is up).
    pub fn config_cache_active(&self) -> bool {
        self.config.listening()
    }

    /// The database server's process id of the connection this node listens for
    /// configuration changes on, while it is up.
    pub fn config_listener_pid(&self) -> Option<i32> {
        self.config.listener_pid()
    }

    /// Configuration reads this node answered from memory so far.
    pub fn config_cache_hits(&self) -> u64 {
        self.config.hits()
    }

    /// A configuration read: from memory when kept, else by `read`, kept when found.
    async fn cached<T, F, Fut, P>(
        &self,
        key: config_cache::ConfigKey,
        read: F,
        unpack: fn(config_cache::ConfigValue) -> Option<T>,
        pack: P,
    ) -> Result<T, StoreError>
    where
        F: FnOnce() -> Fut,
        P: FnOnce(&T) -> Option<(String, config_cache::ConfigValue)>,
        Fut: std::future::Future<Output = Result<T, StoreError>>,
    {
        let ticket = match self.config.lookup(&key) {
            Ok(v) => {
                if let Some(found) = unpack(v) {
                    return Ok(found);
                }
                None
            }
            Err(ticket) => ticket,
        };
        let value = read().await?;
        if let Some((tenant, packed)) = pack(&value) {
            self.config.keep(ticket, &tenant, key, packed);
        }
        Ok(value)
    }

    /// A write to `tenant`'s configuration committed: this node reads it from now on (other
    /// nodes hear of it through the tables' triggers).
    fn config_changed(&self, tenant: &TenantId) {
        self.config.changed(tenant.as_str());
    }

    pub(crate) async fn client(&self) -> Result<deadpool_postgres::Object, StoreError> {
        self.pool.get().await.map_err(pool_err)
    }
}

fn key_err(e: StoreError) -> KeyStoreError {
    KeyStoreError::Unavailable {
        detail: e.to_string(),
    }
}
