//! Configuration: a TOML file, overridden by environment variables, overridden by flags.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use tokenvault_server::RateLimits;

/// Where the server listens unless told.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8700";
/// The data directory unless told.
pub const DEFAULT_DATA_DIR: &str = "./tokenvault-data";

/// The config file's contents. Every field is optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FileConfig {
    /// Data directory (SQLite database and, by default, the root key file).
    pub data_dir: Option<PathBuf>,
    /// Listen address.
    pub listen: Option<String>,
    /// Root key file.
    pub root_key_file: Option<PathBuf>,
    /// `postgres://…` to use PostgreSQL instead of the data directory's SQLite.
    pub database_url: Option<String>,
    /// `redis://…` to share rate limits across nodes.
    pub redis_url: Option<String>,
    /// Key prefix in Redis (default `tokenvault`).
    pub redis_prefix: Option<String>,
    /// PostgreSQL connections per node (default 16).
    pub database_pool_size: Option<usize>,
    /// PEM file of a private CA for the database's TLS certificate (TLS itself follows the
    /// URL's `sslmode`).
    pub database_ca_file: Option<PathBuf>,
    /// Seconds to wait for a PostgreSQL connection (default 10).
    pub database_connect_timeout_seconds: Option<u64>,
    /// Token prefix (e.g. `tv_`).
    pub token_prefix: Option<String>,
    /// Locale for normalization: default phone region and date order (e.g. `en-US`, `en-GB`).
    pub locale: Option<String>,
    /// Grant lifetime in seconds (default 300).
    pub grant_ttl_seconds: Option<i64>,
    /// The object vault's default token lifetime in seconds (default: none, tokens live until
    /// deleted).
    pub object_token_ttl_seconds: Option<i64>,
    /// Largest request body in bytes.
    pub max_body_bytes: Option<usize>,
    /// Open connections at most (default 4096); more are closed as they arrive.
    pub max_connections: Option<usize>,
    /// Open connections from one IP address at most (default 1024).
    pub max_connections_per_ip: Option<usize>,
    /// Seconds a write to a client that reads nothing may wait before the connection is
    /// closed (default 30).
    pub write_timeout_seconds: Option<u64>,
    /// Seconds a request's headers may take to arrive, and a keep-alive connection may idle
    /// (default 10).
    pub header_timeout_seconds: Option<u64>,
    /// Seconds a request body may take to arrive (default 30).
    pub body_timeout_seconds: Option<u64>,
    /// A bearer token `/metrics` requires (also `TOKENVAULT_METRICS_TOKEN`); none leaves the
    /// metrics open to whoever reaches the listener.
    pub metrics_token: Option<String>,
    /// Quota of billable operations per tenant per month for new tenants.
    pub default_quota: Option<u64>,
    /// `json` (default) or `text` logs.
    pub log_format: Option<String>,
    /// Request limits per user and tenant per minute.
    pub rate_limits: Option<RateLimits>,
    /// An external identity provider whose JWTs are accepted.
    pub external_jwt: Option<ExternalJwtConfig>,
    /// Dashboard sign-in through that provider (OpenID Connect code flow).
    pub dashboard_oidc: Option<DashboardOidcConfig>,
    /// The optional model layer of the PII API.
    pub ner: Option<NerConfig>,
}

/// `[ner]`: the two paths `scripts/ner-model/install.sh` prints, and how the node runs the
/// model.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NerConfig {
    /// The Rampart model folder.
    pub ner_model_dir: PathBuf,
    /// `libonnxruntime.so` from the `onnxruntime` wheel.
    pub onnxruntime_library: PathBuf,
    /// Intra-op threads of a model run (default 1).
    #[serde(default = "default_ner_threads")]
    pub threads: usize,
    /// Texts waiting for the model at most (default 16).
    #[serde(default = "default_ner_queue")]
    pub queue: usize,
    /// How long a request waits for the model, in milliseconds (default 250).
    #[serde(default = "default_ner_budget_ms")]
    pub budget_ms: u64,
}

fn default_ner_threads() -> usize {
    1
}

fn default_ner_queue() -> usize {
    16
}

fn default_ner_budget_ms() -> u64 {
    250
}

/// `[dashboard_oidc]`: the provider's endpoints and this client's registration. The ID
/// tokens are checked against `[external_jwt]`'s issuer, keys and claims, with the client id
/// as their audience.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DashboardOidcConfig {
    /// The provider's authorization endpoint.
    pub authorization_endpoint: String,
    /// The provider's token endpoint.
    pub token_endpoint: String,
    /// This client's id.
    pub client_id: String,
    /// A file holding the client secret (else `TOKENVAULT_OIDC_CLIENT_SECRET`).
    #[serde(default)]
    pub client_secret_file: Option<PathBuf>,
    /// `https://<this server>/ui/oidc/callback`, as registered with the provider.
    pub redirect_url: String,
    /// Scopes (default `openid profile email`).
    #[serde(default = "default_scopes")]
    pub scopes: String,
    /// The sign-in button's label (default `your identity provider`).
    #[serde(default = "default_provider_name")]
    pub provider_name: String,
}

fn default_scopes() -> String {
    "openid profile email".into()
}

fn default_provider_name() -> String {
    "your identity provider".into()
}

/// `[external_jwt]`: an identity provider's issuer, audience, keys and claim names.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExternalJwtConfig {
    /// Expected `iss`.
    pub issuer: String,
    /// Expected `aud`.
    pub audience: String,
    /// A file holding the provider's JWKS document (this or `jwks_url`).
    #[serde(default)]
    pub jwks_file: Option<PathBuf>,
    /// The provider's JWKS URL, fetched at start and refreshed (this or `jwks_file`).
    #[serde(default)]
    pub jwks_url: Option<String>,
    /// Seconds between refreshes of `jwks_url` (default 300).
    #[serde(default = "default_jwks_refresh")]
    pub jwks_refresh_seconds: u64,
    /// Claim with the user id.
    #[serde(default = "default_user_claim")]
    pub user_claim: String,
    /// Claim with the tenant id.
    #[serde(default = "default_tenant_claim")]
    pub tenant_claim: String,
    /// Claim with the roles.
    #[serde(default = "default_roles_claim")]
    pub roles_claim: String,
}

fn default_jwks_refresh() -> u64 {
    300
}

fn default_user_claim() -> String {
    "sub".into()
}

fn default_tenant_claim() -> String {
    "tid".into()
}

fn default_roles_claim() -> String {
    "roles".into()
}

impl FileConfig {
    /// Reads a config file; a missing or malformed file is an error naming it.
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("config file {}: {e}", path.display()))?;
        let config: Self =
            toml::from_str(&text).map_err(|e| format!("config file {}: {e}", path.display()))?;
        config
            .validate()
            .map_err(|e| format!("config file {}: {e}", path.display()))?;
        Ok(config)
    }

    /// Refuses values that would start a server that cannot work, naming the key and what it
    /// accepts.
    pub fn validate(&self) -> Result<(), String> {
        if let Some(t) = self.grant_ttl_seconds {
            if !(1..=3600).contains(&t) {
                return Err("grant_ttl_seconds must be 1 to 3600 (default 300)".into());
            }
        }
        if let Some(t) = self.object_token_ttl_seconds {
            if !(1..=tokenvault_core::service::MAX_TOKEN_TTL_SECONDS).contains(&t) {
                return Err(
                    "object_token_ttl_seconds must be 1 to 315360000 (ten years); omit it for tokens that do not expire"
                        .into(),
                );
            }
        }
        if let Some(l) = &self.locale {
            tokenvault_core::pii::NormalizeOptions::parse_locale(l).map_err(|e| e.to_string())?;
        }
        if let Some(f) = &self.log_format {
            if f != "json" && f != "text" {
                return Err("log_format must be json or text".into());
            }
        }
        if let Some(b) = self.max_body_bytes {
            if !(1024..=(64 << 20)).contains(&b) {
                return Err("max_body_bytes must be 1024 to 67108864 (default 4194304)".into());
            }
        }
        if let Some(url) = &self.redis_url {
            check_redis_url(url)?;
        }
        if let Some(ext) = &self.external_jwt {
            if ext.jwks_refresh_seconds < 10 {
                return Err(
                    "external_jwt.jwks_refresh_seconds must be at least 10 (default 300)".into(),
                );
            }
        }
        for (key, zero) in [
            ("max_connections", self.max_connections == Some(0)),
            (
                "max_connections_per_ip",
                self.max_connections_per_ip == Some(0),
            ),
            (
                "header_timeout_seconds",
                self.header_timeout_seconds == Some(0),
            ),
            ("body_timeout_seconds", self.body_timeout_seconds == Some(0)),
            (
                "write_timeout_seconds",
                self.write_timeout_seconds == Some(0),
            ),
        ] {
            if zero {
                return Err(format!("{key} must be at least 1"));
            }
        }
        Ok(())
    }
}

/// A Redis URL the limiter can use: `redis://` or `rediss://` (`--redis-url`, `redis_url`).
pub fn check_redis_url(url: &str) -> Result<(), String> {
    if url.starts_with("redis://") || url.starts_with("rediss://") {
        Ok(())
    } else {
        Err("redis_url must be a redis:// or rediss:// URL".into())
    }
}
