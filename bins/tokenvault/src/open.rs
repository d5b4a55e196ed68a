//! Opening the data directory: configuration, root key, store and vault.

use std::{path::PathBuf, sync::Arc};

use tokenvault_core::{
    clock::SystemClock,
    keys::{KeyFileProvider, KeyManager, TenantKeyStore},
    pii::NormalizeOptions,
    service::{ExternalIssuer, ExternalKeys, JwksVerifier, Vault, VaultConfig},
    store::VaultStore,
};
use tokenvault_server::{catalog::Catalog, ServerSettings};
use tokenvault_store::{PgOptions, PgStore, SqliteStore};

use crate::{
    config::{FileConfig, DEFAULT_DATA_DIR, DEFAULT_LISTEN},
    Global,
};

/// An opened vault and the settings around it.
pub struct Opened {
    /// The external issuer's JWKS URL to refresh, with its keys and interval.
    pub jwks_refresh: Option<(Arc<ExternalKeys>, String, std::time::Duration)>,
    pub vault: Arc<Vault>,
    /// The SQLite store, when the data directory's database is used (for `backup`).
    pub sqlite: Option<Arc<SqliteStore>>,
    pub settings: ServerSettings,
    pub file: FileConfig,
    pub data_dir: PathBuf,
}

/// The listen address: flag or env, else config file, else the default.
pub fn listen_address(flag: Option<String>, file: &FileConfig) -> String {
    flag.or_else(|| file.listen.clone())
        .unwrap_or_else(|| DEFAULT_LISTEN.to_owned())
}

/// Reads the config file named by the flags, if any.
pub fn file_config(global: &Global) -> Result<FileConfig, String> {
    global
        .config
        .as_deref()
        .map(FileConfig::load)
        .transpose()
        .map(Option::unwrap_or_default)
}

/// Opens the vault. With `create`, a missing data directory, database or root key is made
/// (the newcomer's first start); without it, they must exist.
pub async fn open(global: &Global, create: bool) -> Result<Opened, String> {
    let file = file_config(global)?;
    let data_dir = global
        .data_dir
        .clone()
        .or_else(|| file.data_dir.clone())
        .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
    let database_url = global
        .database_url
        .clone()
        .or_else(|| file.database_url.clone());
    let explicit_key = global.root_key_file.is_some() || file.root_key_file.is_some();
    // The data directory holds the SQLite database and the default root key file; a node on
    // PostgreSQL with its own key file needs none, and none is made.
    let needs_data_dir = database_url.is_none() || !explicit_key;
    if create && needs_data_dir {
        create_private_dir(&data_dir)?;
    } else if needs_data_dir && !data_dir.is_dir() {
        return Err(format!(
            "data directory {} does not exist; run `tokenvault init` first or pass the right --data-dir",
            data_dir.display()
        ));
    }
    let key_path = global
        .root_key_file
        .clone()
        .or_else(|| file.root_key_file.clone())
        .unwrap_or_else(|| KeyFileProvider::default_path(&data_dir));
    let root = root_key(&key_path, create)?;
    let (store, key_store, sqlite) =
        open_store(database_url.as_deref(), &data_dir, &file, create).await?;
    let clock = Arc::new(SystemClock);
    let keys = KeyManager::new(Arc::new(root), key_store, clock.clone());
    let config = vault_config(&file)?;
    let external_keys = config.external_issuer.as_ref().map(|e| e.keys.clone());
    let vault = Vault::open(store, keys, clock, Arc::new(Catalog), config)
        .await
        .map_err(|e| e.to_string())?;
    let mut settings = server_settings(global, &file);
    settings.dashboard_oidc = dashboard_oidc(&file)?;
    settings.ner = file.ner.as_ref().map(|n| tokenvault_server::NerSettings {
        model_dir: n.ner_model_dir.clone(),
        onnxruntime_library: n.onnxruntime_library.clone(),
        threads: n.threads.max(1),
        queue: n.queue.max(1),
        budget: std::time::Duration::from_millis(n.budget_ms),
    });
    let jwks_refresh = match (&file.external_jwt, external_keys) {
        (Some(c), Some(keys)) => c.jwks_url.clone().map(|url| {
            (
                keys,
                url,
                std::time::Duration::from_secs(c.jwks_refresh_seconds),
            )
        }),
        _ => None,
    };
    Ok(Opened {
        jwks_refresh,
        vault: Arc::new(vault),
        sqlite,
        settings,
        file,
        data_dir,
    })
}

/// The root key file, created (with its directory, 0700) on `init`.
fn root_key(key_path: &std::path::Path, create: bool) -> Result<KeyFileProvider, String> {
    if create {
        // A key file in a directory that does not exist yet: make the directory (0700).
        if let Some(parent) = key_path.parent().filter(|p| !p.as_os_str().is_empty()) {
            create_private_dir(parent)?;
        }
        let (root, created) =
            KeyFileProvider::load_or_create(key_path).map_err(|e| e.to_string())?;
        if created {
            eprintln!(
                "WARNING: generated a new root key at {} (mode 0600).\n\
                 WARNING: every token depends on it. Back it up somewhere safe and separate from the database;\n\
                 WARNING: if it is lost, all tokens are unrecoverable.",
                key_path.display()
            );
        }
        Ok(root)
    } else {
        KeyFileProvider::load(key_path).map_err(|e| e.to_string())
    }
}

type Stores = (
    Arc<dyn VaultStore>,
    Arc<dyn TenantKeyStore>,
    Option<Arc<SqliteStore>>,
);

/// The store: the data directory's SQLite, or PostgreSQL at `database_url`.
async fn open_store(
    database_url: Option<&str>,
    data_dir: &std::path::Path,
    file: &FileConfig,
    create: bool,
) -> Result<Stores, String> {
    let stores: Stores = match database_url {
        None => {
            let s = Arc::new(
                SqliteStore::open(&data_dir.join("tokenvault.db"), create)
                    .map_err(|e| e.to_string())?,
            );
            (s.clone(), s.clone(), Some(s))
        }
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            let defaults = PgOptions::default();
            let options = PgOptions {
                pool_size: file.database_pool_size.unwrap_or(defaults.pool_size),
                connect_timeout: file
                    .database_connect_timeout_seconds
                    .map_or(defaults.connect_timeout, std::time::Duration::from_secs),
                schema: None,
                ca_file: file.database_ca_file.clone(),
            };
            let s = Arc::new(
                PgStore::connect(url, &options)
                    .await
                    .map_err(|e| format!("--database-url: {e}"))?,
            );
            (s.clone(), s, None)
        }
        Some(_) => return Err(
            "--database-url must be a postgres:// URL (omit it for the data directory's SQLite)"
                .into(),
        ),
    };
    Ok(stores)
}

/// The vault's settings from the configuration file.
fn vault_config(file: &FileConfig) -> Result<VaultConfig, String> {
    let defaults = VaultConfig::default();
    Ok(VaultConfig {
        token_prefix: file.token_prefix.clone().unwrap_or(defaults.token_prefix),
        grant_ttl_seconds: file.grant_ttl_seconds.unwrap_or(defaults.grant_ttl_seconds),
        default_jwt_ttl_seconds: defaults.default_jwt_ttl_seconds,
        normalize: file
            .locale
            .as_deref()
            .map(NormalizeOptions::parse_locale)
            .transpose()
            .map_err(|e| e.to_string())?
            .unwrap_or_default(),
        default_quota: file.default_quota,
        object_token_ttl_seconds: file.object_token_ttl_seconds,
        external_issuer: file
            .external_jwt
            .as_ref()
            .map(external_issuer)
            .transpose()?,
    })
}

/// `[dashboard_oidc]`, with its client secret read; an error names what is missing.
fn dashboard_oidc(file: &FileConfig) -> Result<Option<tokenvault_server::DashboardOidc>, String> {
    let Some(c) = &file.dashboard_oidc else {
        return Ok(None);
    };
    if file.external_jwt.is_none() {
        return Err(
            "[dashboard_oidc] needs [external_jwt] (the provider's issuer, keys and claims)".into(),
        );
    }
    let secret = match &c.client_secret_file {
        Some(f) => std::fs::read_to_string(f)
            .map_err(|e| format!("[dashboard_oidc] client_secret_file {}: {e}", f.display()))?
            .trim()
            .to_owned(),
        None => std::env::var("TOKENVAULT_OIDC_CLIENT_SECRET").map_err(|_| {
            "[dashboard_oidc] needs client_secret_file or TOKENVAULT_OIDC_CLIENT_SECRET".to_owned()
        })?,
    };
    for (name, u) in [
        ("authorization_endpoint", &c.authorization_endpoint),
        ("token_endpoint", &c.token_endpoint),
        ("redirect_url", &c.redirect_url),
    ] {
        if !(u.starts_with("https://")
            || u.starts_with("http://127.0.0.1")
            || u.starts_with("http://localhost"))
        {
            return Err(format!(
                "[dashboard_oidc] {name} must be an https:// URL (http only on loopback)"
            ));
        }
    }
    Ok(Some(tokenvault_server::DashboardOidc {
        authorization_endpoint: c.authorization_endpoint.clone(),
        token_endpoint: c.token_endpoint.clone(),
        client_id: c.client_id.clone(),
        client_secret: secret,
        redirect_url: c.redirect_url.clone(),
        scopes: c.scopes.clone(),
        provider_name: c.provider_name.clone(),
    }))
}

/// The server's settings from the command line, the environment and the configuration file.
fn server_settings(global: &Global, file: &FileConfig) -> ServerSettings {
    let server_defaults = ServerSettings::default();
    ServerSettings {
        max_body_bytes: file
            .max_body_bytes
            .unwrap_or(server_defaults.max_body_bytes),
        rate_limits: file.rate_limits.unwrap_or(server_defaults.rate_limits),
        redis_url: global.redis_url.clone().or_else(|| file.redis_url.clone()),
        redis_prefix: file
            .redis_prefix
            .clone()
            .unwrap_or(server_defaults.redis_prefix),
        metrics_token: std::env::var("TOKENVAULT_METRICS_TOKEN")
            .ok()
            .filter(|t| !t.is_empty())
            .or_else(|| file.metrics_token.clone()),
        connections: tokenvault_server::ConnectionLimits {
            max_connections: file
                .max_connections
                .unwrap_or(server_defaults.connections.max_connections),
            header_timeout: file.header_timeout_seconds.map_or(
                server_defaults.connections.header_timeout,
                std::time::Duration::from_secs,
            ),
            body_timeout: file.body_timeout_seconds.map_or(
                server_defaults.connections.body_timeout,
                std::time::Duration::from_secs,
            ),
            max_connections_per_ip: file
                .max_connections_per_ip
                .unwrap_or(server_defaults.connections.max_connections_per_ip),
            write_timeout: file.write_timeout_seconds.map_or(
                server_defaults.connections.write_timeout,
                std::time::Duration::from_secs,
            ),
            ..server_defaults.connections
        },
        dashboard_oidc: None,
        ner: None,
    }
}

fn external_issuer(c: &crate::config::ExternalJwtConfig) -> Result<ExternalIssuer, String> {
    let keys = match (&c.jwks_file, &c.jwks_url) {
        (Some(file), None) => {
            let text = std::fs::read_to_string(file)
                .map_err(|e| format!("external_jwt.jwks_file {}: {e}", file.display()))?;
            JwksVerifier::from_json(&text)
                .map_err(|e| format!("external_jwt.jwks_file {}: {e}", file.display()))?
        }
        (None, Some(url)) => tokenvault_server::jwks::fetch(url)
            .map_err(|e| format!("external_jwt.jwks_url: {e}"))?,
        _ => return Err("external_jwt needs exactly one of jwks_file and jwks_url".into()),
    };
    Ok(ExternalIssuer {
        issuer: c.issuer.clone(),
        audience: c.audience.clone(),
        keys: Arc::new(ExternalKeys::new(keys)),
        user_claim: c.user_claim.clone(),
        tenant_claim: c.tenant_claim.clone(),
        roles_claim: c.roles_claim.clone(),
    })
}

fn create_private_dir(dir: &std::path::Path) -> Result<(), String> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .map_err(|e| format!("cannot create data directory {}: {e}", dir.display()))
}
