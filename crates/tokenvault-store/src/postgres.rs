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
        ApiKeyRecord, AuditEvent, AuditFilter, AuditRecord, IdempotencyRecord, StoreError,
        TenantRecord, TokenRecord, TokenStatus, TokenizeCommit, UsageCounts, VaultFilter,
        VaultStore,
    },
};
use tokio_postgres::{error::SqlState, Row};

use crate::{audit, pg_schema};

/// Audit chain lock key ("tvaudit").
const AUDIT_LOCK: i64 = 0x74_7661_7564_6974;

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

fn u32_of(v: i64) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
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
        key_version: u32_of(r.get(5)),
        policy_id: PolicyId::parse(r.get(6)).map_err(|_| corrupt("policy id"))?,
        policy_version: u32_of(r.get(7)),
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
        quota: quota.and_then(|q| u64::try_from(q).ok()),
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
async fn insert_tokens<C: GenericClient>(
    c: &C,
    tenant: &str,
    records: &[TokenRecord],
) -> Result<std::collections::HashSet<String>, StoreError> {
    let mut cols = Columns::with_capacity(records.len());
    for r in records {
        cols.push(r);
    }
    let rows = c
        .query(
            &format!(
                "INSERT INTO tokens ({TOKEN_COLUMNS})
                 SELECT $1, * FROM UNNEST($2::TEXT[], $3::TEXT[], $4::TEXT[], $5::TEXT[], $6::BIGINT[],
                        $7::TEXT[], $8::BIGINT[], $9::TEXT[], $10::TEXT[], $11::BYTEA[], $12::BIGINT[],
                        $13::BIGINT[], $14::BIGINT[], $15::TEXT[])
                 ON CONFLICT (tenant, token_id) DO NOTHING
                 RETURNING token_id"
            ),
            &[&tenant, &cols.token_id, &cols.pii_type, &cols.mode, &cols.scope, &cols.key_version, &cols.policy_id, &cols.policy_version, &cols.stored_token, &cols.token, &cols.wrapped_dek, &cols.created_at, &cols.expires_at, &cols.revoked_at, &cols.revoke_reason],
        )
        .await
        .map_err(pg_err)?;
    Ok(rows.into_iter().map(|r| r.get::<_, String>(0)).collect())
}

/// Stores the next version of a policy; `Conflict` unless the current version is one less.
pub(crate) async fn write_policy_version<C: GenericClient>(
    c: &C,
    t: &TenantId,
    p: &Policy,
) -> Result<(), StoreError> {
    let json = serde_json::to_string(p).map_err(|_| corrupt("policy"))?;
    let n = c
        .execute(
            "UPDATE policies SET version = $3::BIGINT, key = $4, updated_at = $5
             WHERE tenant = $1 AND id = $2 AND version = $3::BIGINT - 1 AND deleted_at IS NULL",
            &[
                &t.as_str(),
                &p.id.as_str(),
                &i64::from(p.version),
                &p.body.key,
                &p.updated_at,
            ],
        )
        .await
        .map_err(|e| conflict(Entity::PolicyKey)(pg_err(e)))?;
    if n == 0 {
        return Err(StoreError::Conflict {
            what: Entity::PolicyVersion,
        });
    }
    c.execute(
        "INSERT INTO policy_versions (tenant, id, version, body) VALUES ($1, $2, $3, $4)",
        &[&t.as_str(), &p.id.as_str(), &i64::from(p.version), &json],
    )
    .await
    .map_err(pg_err)?;
    Ok(())
}

pub(crate) async fn append_audit<C: GenericClient>(
    c: &C,
    events: &[AuditEvent],
) -> Result<(), StoreError> {
    c.execute("SELECT pg_advisory_xact_lock($1)", &[&AUDIT_LOCK])
        .await
        .map_err(pg_err)?;
    let last = c
        .query_opt("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", &[])
        .await
        .map_err(pg_err)?;
    let (mut seq, mut prev) = match last {
        Some(r) => (
            u64::try_from(r.get::<_, i64>(0)).unwrap_or(0),
            <[u8; 32]>::try_from(r.get::<_, Vec<u8>>(1).as_slice()).unwrap_or([0; 32]),
        ),
        None => (0, [0; 32]),
    };
    for e in events {
        seq += 1;
        let json = audit::to_json(e)?;
        let hash = audit::link(&prev, seq, &json);
        c.execute(
            "INSERT INTO audit (seq, tenant, action, actor, result, trace_id, event, prev_hash, hash)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            &[&i64::try_from(seq).unwrap_or(i64::MAX), &e.tenant, &e.action, &e.actor, &e.result, &e.trace_id, &json, &prev.as_slice(), &hash.as_slice()],
        )
        .await
        .map_err(pg_err)?;
        prev = hash;
    }
    Ok(())
}

/// Encrypts without checking the server's certificate, as libpq's `sslmode=prefer|require`
/// do; handshake signatures are still verified. Used when no CA file is configured.
#[derive(Debug)]
struct EncryptOnly(std::sync::Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for EncryptOnly {
    fn verify_server_cert(
        &self,
        _end_entity: &rustls::pki_types::CertificateDer<'_>,
        _intermediates: &[rustls::pki_types::CertificateDer<'_>],
        _server_name: &rustls::pki_types::ServerName<'_>,
        _ocsp: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// How the server's certificate is checked, from the URL's `sslmode` and the CA file, as libpq
/// does: `disable` (no TLS; a CA file with it is refused as a contradiction), `prefer` or
/// `require` (encrypted; without a CA file the certificate is not checked, with one it must
/// chain to it and name the host), `verify-ca` (must chain to the CA file or a public root;
/// the host name is not checked), `verify-full` (must chain and name the host).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verify {
    Nothing,
    Chain,
    ChainAndHost,
}

/// Splits the `sslmode` tokio-postgres does not know (`verify-ca`, `verify-full`) out of the
/// URL, leaving `require` in its place; returns the URL to parse and the check to make.
fn ssl_mode(url: &str, ca_file: Option<&std::path::Path>) -> Result<(String, Verify), StoreError> {
    let bad = |detail: String| StoreError::Unavailable { detail };
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut mode = None;
    let params: Vec<String> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some(("sslmode", m)) => {
                mode = Some(m.to_owned());
                match m {
                    "verify-ca" | "verify-full" => "sslmode=require".to_owned(),
                    _ => p.to_owned(),
                }
            }
            _ => p.to_owned(),
        })
        .collect();
    let verify =
        match (mode.as_deref(), ca_file.is_some()) {
            (Some("disable"), true) => return Err(bad(
                "sslmode=disable turns TLS off, but database_ca_file is set: remove one of them"
                    .into(),
            )),
            (Some("verify-ca"), _) => Verify::Chain,
            (Some("verify-full"), _) | (_, true) => Verify::ChainAndHost,
            _ => Verify::Nothing,
        };
    let url = if params.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", params.join("&"))
    };
    Ok((url, verify))
}

/// Checks the chain but not the host name (libpq's `verify-ca`).
#[derive(Debug)]
struct ChainOnly(std::sync::Arc<rustls::client::WebPkiServerVerifier>);

impl rustls::client::danger::ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &rustls::pki_types::CertificateDer<'_>,
        intermediates: &[rustls::pki_types::CertificateDer<'_>],
        server_name: &rustls::pki_types::ServerName<'_>,
        ocsp: &[u8],
        now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        use rustls::{CertificateError, Error};
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
        {
            Err(Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(rustls::client::danger::ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// The TLS connector for the check `verify` asks (see [`Verify`]). Roots are the CA file's
/// certificates and the public roots.
fn tls(
    ca_file: Option<&std::path::Path>,
    verify: Verify,
) -> Result<tokio_postgres_rustls::MakeRustlsConnect, StoreError> {
    let bad = |what: String| StoreError::Unavailable { detail: what };
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| bad(format!("TLS: {e}")))?;
    if verify == Verify::Nothing {
        let config = builder
            .dangerous()
            .with_custom_certificate_verifier(std::sync::Arc::new(EncryptOnly(provider)))
            .with_no_client_auth();
        return Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config));
    }
    use rustls::pki_types::{pem::PemObject, CertificateDer};
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = ca_file {
        let certs = CertificateDer::pem_file_iter(path)
            .map_err(|e| bad(format!("database CA file {}: {e}", path.display())))?;
        for cert in certs {
            let cert =
                cert.map_err(|e| bad(format!("database CA file {}: {e}", path.display())))?;
            roots
                .add(cert)
                .map_err(|e| bad(format!("database CA file {}: {e}", path.display())))?;
        }
    }
    let config = if verify == Verify::Chain {
        let inner = rustls::client::WebPkiServerVerifier::builder_with_provider(
            std::sync::Arc::new(roots),
            provider,
        )
        .build()
        .map_err(|e| bad(format!("TLS: {e}")))?;
        builder
            .dangerous()
            .with_custom_certificate_verifier(std::sync::Arc::new(ChainOnly(inner)))
            .with_no_client_auth()
    } else {
        builder.with_root_certificates(roots).with_no_client_auth()
    };
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

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
        pg_schema::migrate(&mut client).await.map_err(pg_err)?;
        Ok(Self { pool })
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

#[async_trait]
impl TenantKeyStore for PgStore {
    async fn tenant_keys(&self, t: &TenantId) -> Result<Vec<WrappedTenantKey>, KeyStoreError> {
        let c = self.client().await.map_err(key_err)?;
        let rows = c
            .query(
                "SELECT version, wrapped, created_at FROM tenant_keys WHERE tenant = $1",
                &[&t.as_str()],
            )
            .await
            .map_err(|e| key_err(pg_err(e)))?;
        Ok(rows
            .iter()
            .map(|r| WrappedTenantKey {
                tenant: t.clone(),
                version: u32_of(r.get(0)),
                wrapped: r.get(1),
                created_at: r.get(2),
            })
            .collect())
    }

    async fn insert_tenant_key(&self, key: &WrappedTenantKey) -> Result<(), KeyStoreError> {
        let c = self.client().await.map_err(key_err)?;
        c.execute(
            "INSERT INTO tenant_keys (tenant, version, wrapped, created_at) VALUES ($1, $2, $3, $4)",
            &[&key.tenant.as_str(), &i64::from(key.version), &key.wrapped, &key.created_at],
        )
        .await
        .map(|_| ())
        .map_err(|e| match pg_err(e) {
            StoreError::Conflict { .. } => KeyStoreError::VersionExists { version: key.version },
            other => key_err(other),
        })
    }

    async fn destroy_tenant_keys(&self, t: &TenantId) -> Result<(), KeyStoreError> {
        let mut c = self.client().await.map_err(key_err)?;
        let tx = c.transaction().await.map_err(|e| key_err(pg_err(e)))?;
        tx.execute("DELETE FROM tenant_keys WHERE tenant = $1", &[&t.as_str()])
            .await
            .map_err(|e| key_err(pg_err(e)))?;
        tx.execute(
            "INSERT INTO shredded_tenants (tenant) VALUES ($1) ON CONFLICT DO NOTHING",
            &[&t.as_str()],
        )
        .await
        .map_err(|e| key_err(pg_err(e)))?;
        tx.commit().await.map_err(|e| key_err(pg_err(e)))
    }

    async fn is_shredded(&self, t: &TenantId) -> Result<bool, KeyStoreError> {
        let c = self.client().await.map_err(key_err)?;
        c.query_opt(
            "SELECT 1 FROM shredded_tenants WHERE tenant = $1",
            &[&t.as_str()],
        )
        .await
        .map(|r| r.is_some())
        .map_err(|e| key_err(pg_err(e)))
    }
}

#[async_trait]
impl VaultStore for PgStore {
    async fn ping(&self) -> Result<(), StoreError> {
        self.client()
            .await?
            .execute("SELECT 1", &[])
            .await
            .map(|_| ())
            .map_err(pg_err)
    }

    async fn meta_get_or_insert(&self, key: &str, value: &[u8]) -> Result<Vec<u8>, StoreError> {
        let c = self.client().await?;
        c.execute(
            "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&key, &value],
        )
        .await
        .map_err(pg_err)?;
        Ok(
            c.query_one("SELECT value FROM meta WHERE key = $1", &[&key])
                .await
                .map_err(pg_err)?
                .get(0),
        )
    }

    async fn create_tenant(&self, t: &TenantRecord) -> Result<(), StoreError> {
        let quota = t.quota.map(i64_of).transpose()?;
        self.client()
            .await?
            .execute(
                "INSERT INTO tenants (id, name, created_at, kill_switch, quota) VALUES ($1, $2, $3, $4, $5)",
                &[&t.id.as_str(), &t.name, &t.created_at, &t.kill_switch, &quota],
            )
            .await
            .map(|_| ())
            .map_err(|e| conflict(Entity::Tenant)(pg_err(e)))
    }

    async fn tenant(&self, id: &TenantId) -> Result<Option<TenantRecord>, StoreError> {
        let r = self
            .client()
            .await?
            .query_opt(
                "SELECT id, name, created_at, kill_switch, quota FROM tenants WHERE id = $1",
                &[&id.as_str()],
            )
            .await
            .map_err(pg_err)?;
        r.as_ref().map(tenant).transpose()
    }

    async fn tenants(&self) -> Result<Vec<TenantRecord>, StoreError> {
        let rows = self
            .client()
            .await?
            .query("SELECT id, name, created_at, kill_switch, quota FROM tenants ORDER BY created_at, id", &[])
            .await
            .map_err(pg_err)?;
        rows.iter().map(tenant).collect()
    }

    async fn set_kill_switch(&self, id: &TenantId, on: bool) -> Result<(), StoreError> {
        let n = self
            .client()
            .await?
            .execute(
                "UPDATE tenants SET kill_switch = $2 WHERE id = $1",
                &[&id.as_str(), &on],
            )
            .await
            .map_err(pg_err)?;
        if n == 0 {
            return Err(StoreError::NotFound {
                what: Entity::Tenant,
            });
        }
        Ok(())
    }

    async fn set_quota(&self, id: &TenantId, quota: Option<u64>) -> Result<(), StoreError> {
        let quota = quota.map(i64_of).transpose()?;
        let n = self
            .client()
            .await?
            .execute(
                "UPDATE tenants SET quota = $2 WHERE id = $1",
                &[&id.as_str(), &quota],
            )
            .await
            .map_err(pg_err)?;
        if n == 0 {
            return Err(StoreError::NotFound {
                what: Entity::Tenant,
            });
        }
        Ok(())
    }

    async fn insert_api_key(&self, k: &ApiKeyRecord) -> Result<(), StoreError> {
        self.client()
            .await?
            .execute(
                "INSERT INTO api_keys (id, tenant, hash, name, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6)",
                &[&k.id, &k.tenant.as_str(), &k.hash.as_slice(), &k.name, &k.created_at, &k.revoked_at],
            )
            .await
            .map(|_| ())
            .map_err(pg_err)
    }

    async fn api_key_by_hash(&self, hash: &[u8; 32]) -> Result<Option<ApiKeyRecord>, StoreError> {
        let r = self
            .client()
            .await?
            .query_opt("SELECT id, tenant, hash, name, created_at, revoked_at FROM api_keys WHERE hash = $1", &[&hash.as_slice()])
            .await
            .map_err(pg_err)?;
        r.as_ref().map(api_key).transpose()
    }

    async fn api_keys(&self, t: &TenantId) -> Result<Vec<ApiKeyRecord>, StoreError> {
        let rows = self
            .client()
            .await?
            .query("SELECT id, tenant, hash, name, created_at, revoked_at FROM api_keys WHERE tenant = $1 ORDER BY created_at, id", &[&t.as_str()])
            .await
            .map_err(pg_err)?;
        rows.iter().map(api_key).collect()
    }

    async fn revoke_api_key(
        &self,
        t: &TenantId,
        id: &str,
        at: UnixSeconds,
    ) -> Result<(), StoreError> {
        let n = self
            .client()
            .await?
            .execute(
                "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $3) WHERE tenant = $1 AND id = $2",
                &[&t.as_str(), &id, &at],
            )
            .await
            .map_err(pg_err)?;
        if n == 0 {
            return Err(StoreError::NotFound {
                what: Entity::ApiKey,
            });
        }
        Ok(())
    }

    async fn insert_policy(
        &self,
        t: &TenantId,
        p: &Policy,
        a: &AuditEvent,
    ) -> Result<(), StoreError> {
        let json = serde_json::to_string(p).map_err(|_| corrupt("policy"))?;
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg_err)?;
        tx.execute(
            "INSERT INTO policies (tenant, id, version, key, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6)",
            &[&t.as_str(), &p.id.as_str(), &i64::from(p.version), &p.body.key, &p.created_at, &p.updated_at],
        )
        .await
        .map_err(|e| conflict(Entity::Policy)(pg_err(e)))?;
        tx.execute(
            "INSERT INTO policy_versions (tenant, id, version, body) VALUES ($1, $2, $3, $4)",
            &[&t.as_str(), &p.id.as_str(), &i64::from(p.version), &json],
        )
        .await
        .map_err(pg_err)?;
        append_audit(&tx, std::slice::from_ref(a)).await?;
        tx.commit().await.map_err(pg_err)
    }

    async fn update_policy(
        &self,
        t: &TenantId,
        p: &Policy,
        a: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg_err)?;
        write_policy_version(&tx, t, p).await?;
        append_audit(&tx, std::slice::from_ref(a)).await?;
        tx.commit().await.map_err(pg_err)
    }

    async fn delete_policy(
        &self,
        t: &TenantId,
        id: &PolicyId,
        at: UnixSeconds,
        a: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg_err)?;
        let n = tx
            .execute(
                "UPDATE policies SET deleted_at = $3, key = NULL, updated_at = $3
                 WHERE tenant = $1 AND id = $2 AND deleted_at IS NULL",
                &[&t.as_str(), &id.as_str(), &at],
            )
            .await
            .map_err(pg_err)?;
        if n == 0 {
            return Err(StoreError::NotFound {
                what: Entity::Policy,
            });
        }
        append_audit(&tx, std::slice::from_ref(a)).await?;
        tx.commit().await.map_err(pg_err)
    }

    async fn policy(
        &self,
        t: &TenantId,
        id: &PolicyId,
        version: Option<u32>,
    ) -> Result<Option<Policy>, StoreError> {
        let version = version.map(i64::from);
        let r = self
            .client()
            .await?
            .query_opt(
                "SELECT v.body FROM policies p JOIN policy_versions v
                   ON v.tenant = p.tenant AND v.id = p.id AND v.version = COALESCE($3::BIGINT, p.version)
                 WHERE p.tenant = $1 AND p.id = $2 AND ($3::BIGINT IS NOT NULL OR p.deleted_at IS NULL)",
                &[&t.as_str(), &id.as_str(), &version],
            )
            .await
            .map_err(pg_err)?;
        r.map(|r| policy(r.get(0))).transpose()
    }

    async fn policy_by_key(&self, t: &TenantId, key: &str) -> Result<Option<Policy>, StoreError> {
        let r = self
            .client()
            .await?
            .query_opt(
                "SELECT v.body FROM policies p JOIN policy_versions v
                   ON v.tenant = p.tenant AND v.id = p.id AND v.version = p.version
                 WHERE p.tenant = $1 AND p.key = $2 AND p.deleted_at IS NULL",
                &[&t.as_str(), &key],
            )
            .await
            .map_err(pg_err)?;
        r.map(|r| policy(r.get(0))).transpose()
    }

    async fn policies(&self, t: &TenantId) -> Result<Vec<Policy>, StoreError> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT v.body FROM policies p JOIN policy_versions v
                   ON v.tenant = p.tenant AND v.id = p.id AND v.version = p.version
                 WHERE p.tenant = $1 AND p.deleted_at IS NULL ORDER BY p.created_at, p.id",
                &[&t.as_str()],
            )
            .await
            .map_err(pg_err)?;
        rows.iter().map(|r| policy(r.get(0))).collect()
    }

    async fn commit_tokenize(
        &self,
        commit: TokenizeCommit,
    ) -> Result<Vec<TokenRecord>, StoreError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg_err)?;
        let tenant = commit.tenant.as_str();
        let ops = i64_of(commit.operations)?;
        if ops > 0 {
            // Counted and checked in one statement, so concurrent requests on any node count
            // once and cannot both slip under the quota.
            let used: i64 = tx
                .query_one(
                    "INSERT INTO usage (tenant, period, operations) VALUES ($1, $2, $3)
                     ON CONFLICT (tenant, period) DO UPDATE SET operations = usage.operations + excluded.operations
                     RETURNING operations",
                    &[&tenant, &commit.period, &ops],
                )
                .await
                .map_err(pg_err)?
                .get(0);
            if let Some(quota) = commit.quota {
                if used > i64_of(quota)? {
                    return Err(StoreError::QuotaExceeded { quota });
                }
            }
        }
        let n = commit.records.len();
        let inserted = insert_tokens(&tx, tenant, &commit.records).await?;
        // Records made concurrently, here or on another node, stand; fetch them.
        let missing: Vec<&str> = commit
            .records
            .iter()
            .map(|r| r.token_id.as_str())
            .filter(|id| !inserted.contains(*id))
            .collect();
        let mut existing: std::collections::HashMap<String, TokenRecord> =
            std::collections::HashMap::new();
        if !missing.is_empty() {
            for row in tx
                .query(&format!("SELECT {TOKEN_COLUMNS} FROM tokens WHERE tenant = $1 AND token_id = ANY($2)"), &[&tenant, &missing])
                .await
                .map_err(pg_err)?
            {
                let r = token(&row)?;
                existing.insert(r.token_id.to_string(), r);
            }
        }
        let mut resolved = Vec::with_capacity(n);
        for r in commit.records {
            match existing.remove(r.token_id.as_str()) {
                Some(found) => resolved.push(found),
                None if inserted.contains(r.token_id.as_str()) => resolved.push(r),
                None => {
                    // Inserted twice in this very batch: the first stands.
                    let first = resolved
                        .iter()
                        .find(|x: &&TokenRecord| x.token_id == r.token_id)
                        .cloned();
                    resolved.push(first.unwrap_or(r));
                }
            }
        }
        if let Some(i) = &commit.idempotency {
            tx.execute(
                "INSERT INTO idempotency (tenant, key, request_hash, response, created_at) VALUES ($1, $2, $3, $4, $5)",
                &[&tenant, &i.key, &i.request_hash.as_slice(), &i.response, &i.created_at],
            )
            .await
            .map_err(|e| conflict(Entity::IdempotencyKey)(pg_err(e)))?;
        }
        let mut event = commit.audit;
        event.token_ids = resolved.iter().map(|r| r.token_id.to_string()).collect();
        append_audit(&tx, &[event]).await?;
        tx.commit().await.map_err(pg_err)?;
        Ok(resolved)
    }

    async fn idempotency(
        &self,
        t: &TenantId,
        key: &str,
    ) -> Result<Option<IdempotencyRecord>, StoreError> {
        let r = self
            .client()
            .await?
            .query_opt("SELECT key, request_hash, response, created_at FROM idempotency WHERE tenant = $1 AND key = $2", &[&t.as_str(), &key])
            .await
            .map_err(pg_err)?;
        Ok(r.map(|r| IdempotencyRecord {
            key: r.get(0),
            request_hash: r.get::<_, Vec<u8>>(1).try_into().unwrap_or([0; 32]),
            response: r.get(2),
            created_at: r.get(3),
        }))
    }

    async fn tokens_by_id(
        &self,
        t: &TenantId,
        ids: &[TokenId],
    ) -> Result<Vec<TokenRecord>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<&str> = ids.iter().map(TokenId::as_str).collect();
        let rows = self
            .client()
            .await?
            .query(
                &format!(
                    "SELECT {TOKEN_COLUMNS} FROM tokens WHERE tenant = $1 AND token_id = ANY($2)"
                ),
                &[&t.as_str(), &ids],
            )
            .await
            .map_err(pg_err)?;
        rows.iter().map(token).collect()
    }

    async fn list_tokens(
        &self,
        t: &TenantId,
        filter: &VaultFilter,
        now: UnixSeconds,
        after: Option<(UnixSeconds, String)>,
        limit: usize,
    ) -> Result<Vec<TokenRecord>, StoreError> {
        let c = self.client().await?;
        let before: i64 = match &after {
            None => i64::MAX,
            Some((_, id)) => match c
                .query_opt(
                    "SELECT seq FROM tokens WHERE tenant = $1 AND token_id = $2",
                    &[&t.as_str(), id],
                )
                .await
                .map_err(pg_err)?
            {
                Some(r) => r.get(0),
                None => return Ok(Vec::new()),
            },
        };
        let status_sql = match filter.status {
            None => "",
            Some(TokenStatus::Active) => {
                " AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $3)"
            }
            Some(TokenStatus::Revoked) => " AND revoked_at IS NOT NULL",
            Some(TokenStatus::Expired) => {
                " AND revoked_at IS NULL AND expires_at IS NOT NULL AND expires_at <= $3"
            }
        };
        let pii_type = filter.pii_type.map(|p| p.as_str());
        let rows = c
            .query(
                &format!(
                    "SELECT {TOKEN_COLUMNS} FROM tokens WHERE tenant = $1 AND ($2::TEXT IS NULL OR pii_type = $2){status_sql}
                       AND seq < $4 AND $3::BIGINT IS NOT NULL
                     ORDER BY seq DESC LIMIT $5"
                ),
                &[&t.as_str(), &pii_type, &now, &before, &i64::try_from(limit).unwrap_or(100)],
            )
            .await
            .map_err(pg_err)?;
        rows.iter().map(token).collect()
    }

    async fn revoke_token(
        &self,
        t: &TenantId,
        id: &TokenId,
        reason: &str,
        at: UnixSeconds,
        a: &AuditEvent,
    ) -> Result<TokenRecord, StoreError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg_err)?;
        tx.execute(
            "UPDATE tokens SET revoked_at = $3, revoke_reason = $4 WHERE tenant = $1 AND token_id = $2 AND revoked_at IS NULL",
            &[&t.as_str(), &id.as_str(), &at, &reason],
        )
        .await
        .map_err(pg_err)?;
        let row = tx
            .query_opt(
                &format!("SELECT {TOKEN_COLUMNS} FROM tokens WHERE tenant = $1 AND token_id = $2"),
                &[&t.as_str(), &id.as_str()],
            )
            .await
            .map_err(pg_err)?
            .ok_or(StoreError::NotFound {
                what: Entity::Token,
            })?;
        let record = token(&row)?;
        append_audit(&tx, std::slice::from_ref(a)).await?;
        tx.commit().await.map_err(pg_err)?;
        Ok(record)
    }

    async fn consume_grant(
        &self,
        t: &TenantId,
        jti: &str,
        expires_at: UnixSeconds,
        operations: u64,
        period: UnixSeconds,
        a: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg_err)?;
        tx.execute(
            "INSERT INTO used_grants (jti, tenant, expires_at) VALUES ($1, $2, $3)",
            &[&jti, &t.as_str(), &expires_at],
        )
        .await
        .map_err(|e| conflict(Entity::Grant)(pg_err(e)))?;
        if operations > 0 {
            tx.execute(
                "INSERT INTO usage (tenant, period, operations) VALUES ($1, $2, $3)
                 ON CONFLICT (tenant, period) DO UPDATE SET operations = usage.operations + excluded.operations",
                &[&t.as_str(), &period, &i64_of(operations)?],
            )
            .await
            .map_err(pg_err)?;
        }
        append_audit(&tx, std::slice::from_ref(a)).await?;
        tx.commit().await.map_err(pg_err)
    }

    async fn append_audit(&self, events: &[AuditEvent]) -> Result<(), StoreError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg_err)?;
        append_audit(&tx, events).await?;
        tx.commit().await.map_err(pg_err)
    }

    async fn audit(
        &self,
        t: &TenantId,
        f: &AuditFilter,
        before: Option<u64>,
        limit: usize,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let token_like = f.token_id.as_ref().map(|id| format!("%\"{id}\"%"));
        let before = before.map_or(i64::MAX, |b| i64::try_from(b).unwrap_or(i64::MAX));
        let rows = self
            .client()
            .await?
            .query(
                "SELECT seq, event, prev_hash, hash FROM audit
                 WHERE tenant = $1 AND seq < $2
                   AND ($3::TEXT IS NULL OR action = $3) AND ($4::TEXT IS NULL OR actor = $4)
                   AND ($5::TEXT IS NULL OR trace_id = $5) AND ($6::TEXT IS NULL OR result = $6)
                   AND ($7::TEXT IS NULL OR event LIKE $7)
                 ORDER BY seq DESC LIMIT $8",
                &[
                    &t.as_str(),
                    &before,
                    &f.action,
                    &f.actor,
                    &f.trace_id,
                    &f.result,
                    &token_like,
                    &i64::try_from(limit).unwrap_or(100),
                ],
            )
            .await
            .map_err(pg_err)?;
        rows.iter()
            .map(|r| {
                let seq: i64 = r.get(0);
                Ok(AuditRecord {
                    seq: u64::try_from(seq).map_err(|_| corrupt("audit record"))?,
                    event: serde_json::from_str(r.get(1)).map_err(|_| corrupt("audit record"))?,
                    prev_hash: r
                        .get::<_, Vec<u8>>(2)
                        .try_into()
                        .map_err(|_| corrupt("audit record"))?,
                    hash: r
                        .get::<_, Vec<u8>>(3)
                        .try_into()
                        .map_err(|_| corrupt("audit record"))?,
                })
            })
            .collect()
    }

    async fn verify_audit_chain(&self) -> Result<Result<u64, u64>, StoreError> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT seq, event, prev_hash, hash FROM audit ORDER BY seq",
                &[],
            )
            .await
            .map_err(pg_err)?;
        let mut prev = [0u8; 32];
        let mut expected = 1u64;
        for r in &rows {
            let seq = u64::try_from(r.get::<_, i64>(0)).unwrap_or(0);
            let json: &str = r.get(1);
            let stored_prev: Vec<u8> = r.get(2);
            let hash: Vec<u8> = r.get(3);
            if seq != expected
                || stored_prev.as_slice() != prev
                || hash.as_slice() != audit::link(&prev, seq, json)
            {
                return Ok(Err(expected));
            }
            prev = hash.try_into().unwrap_or([0; 32]);
            expected += 1;
        }
        Ok(Ok(expected - 1))
    }

    async fn usage(
        &self,
        t: &TenantId,
        now: UnixSeconds,
        period: UnixSeconds,
    ) -> Result<UsageCounts, StoreError> {
        let c = self.client().await?;
        let r = c
            .query_one(
                "SELECT COUNT(*),
                        COUNT(*) FILTER (WHERE revoked_at IS NOT NULL),
                        COUNT(*) FILTER (WHERE revoked_at IS NULL AND expires_at IS NOT NULL AND expires_at <= $2)
                 FROM tokens WHERE tenant = $1",
                &[&t.as_str(), &now],
            )
            .await
            .map_err(pg_err)?;
        let (created, revoked, expired): (i64, i64, i64) = (r.get(0), r.get(1), r.get(2));
        let ops: i64 = c
            .query_opt(
                "SELECT operations FROM usage WHERE tenant = $1 AND period = $2",
                &[&t.as_str(), &period],
            )
            .await
            .map_err(pg_err)?
            .map_or(0, |r| r.get(0));
        let n = |v: i64| u64::try_from(v).unwrap_or(0);
        Ok(UsageCounts {
            created: n(created),
            active: n(created - revoked - expired),
            revoked: n(revoked),
            expired: n(expired),
            operations: n(ops),
        })
    }
}

#[async_trait]
impl tokenvault_core::store::StoreImport for PgStore {
    async fn import_meta(&self, entries: &[(String, Vec<u8>)]) -> Result<(), StoreError> {
        let c = self.client().await?;
        for (key, value) in entries {
            c.execute(
                "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                &[key, value],
            )
            .await
            .map_err(pg_err)?;
            let stored: Vec<u8> = c
                .query_one("SELECT value FROM meta WHERE key = $1", &[key])
                .await
                .map_err(pg_err)?
                .get(0);
            if &stored != value {
                return Err(StoreError::Conflict {
                    what: Entity::Metadata,
                });
            }
        }
        Ok(())
    }

    async fn import_policies(&self, t: &TenantId, policies: &[Policy]) -> Result<(), StoreError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg_err)?;
        for p in policies {
            let json = serde_json::to_string(p).map_err(|_| corrupt("policy"))?;
            tx.execute(
                "INSERT INTO policy_versions (tenant, id, version, body) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                &[&t.as_str(), &p.id.as_str(), &i64::from(p.version), &json],
            )
            .await
            .map_err(pg_err)?;
            tx.execute(
                "INSERT INTO policies (tenant, id, version, key, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (tenant, id) DO UPDATE SET version = excluded.version, key = excluded.key, updated_at = excluded.updated_at
                 WHERE policies.version < excluded.version",
                &[&t.as_str(), &p.id.as_str(), &i64::from(p.version), &p.body.key, &p.created_at, &p.updated_at],
            )
            .await
            .map_err(pg_err)?;
        }
        tx.commit().await.map_err(pg_err)
    }

    async fn import_tokens(&self, records: &[TokenRecord]) -> Result<(), StoreError> {
        if records.is_empty() {
            return Ok(());
        }
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg_err)?;
        // One insert per run of records of the same tenant.
        for group in records.chunk_by(|a, b| a.tenant == b.tenant) {
            insert_tokens(&tx, group[0].tenant.as_str(), group).await?;
        }
        tx.commit().await.map_err(pg_err)
    }

    async fn import_audit(&self, records: &[AuditRecord]) -> Result<(), StoreError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg_err)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&AUDIT_LOCK])
            .await
            .map_err(pg_err)?;
        for r in records {
            let json = audit::to_json(&r.event)?;
            let e = &r.event;
            tx.execute(
                "INSERT INTO audit (seq, tenant, action, actor, result, trace_id, event, prev_hash, hash)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (seq) DO NOTHING",
                &[&i64::try_from(r.seq).unwrap_or(i64::MAX), &e.tenant, &e.action, &e.actor, &e.result, &e.trace_id, &json, &r.prev_hash.as_slice(), &r.hash.as_slice()],
            )
            .await
            .map_err(pg_err)?;
        }
        tx.commit().await.map_err(pg_err)
    }

    async fn import_usage(&self, rows: &[(String, i64, i64)]) -> Result<(), StoreError> {
        let c = self.client().await?;
        for (t, period, ops) in rows {
            c.execute(
                "INSERT INTO usage (tenant, period, operations) VALUES ($1, $2, $3)
                 ON CONFLICT (tenant, period) DO UPDATE SET operations = excluded.operations",
                &[t, period, ops],
            )
            .await
            .map_err(pg_err)?;
        }
        Ok(())
    }

    async fn import_access(
        &self,
        t: &TenantId,
        access: &tokenvault_core::store::AccessExport,
    ) -> Result<(), StoreError> {
        crate::pg_access::import(self, t, access).await
    }

    async fn last_audit_seq(&self) -> Result<u64, StoreError> {
        let seq: i64 = self
            .client()
            .await?
            .query_one("SELECT COALESCE(MAX(seq), 0) FROM audit", &[])
            .await
            .map_err(pg_err)?
            .get(0);
        Ok(u64::try_from(seq).unwrap_or(0))
    }
}
