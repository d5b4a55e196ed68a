//! The tokenvault HTTP server: the tokens API of seed 002 under `/api/v1/tokens`, the PII API
//! of seed 003 under `/api/client/v1/pii`, health,
//! metrics, JWKS and the OpenAPI document. Handlers authenticate, limit, parse and call the
//! domain's [`Vault`](tokenvault_core::service::Vault); nothing else.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod access;
mod api;
pub mod catalog;
mod context;
mod detectors;
pub mod error;
mod extract;
pub mod jwks;
pub mod limits;
mod listener;
mod management;
mod masking;
pub mod metrics;
mod middleware;
mod ner;
pub mod pii;
pub mod pvlt;
pub mod redis_limits;
mod routes;
mod stream;
mod ui;
mod wire;

use std::{future::Future, sync::Arc};

use axum::Router;
use tokenvault_core::service::Vault;

pub use limits::{Limit, RateLimits};
pub use listener::{serve_with, ConnectionLimits};
pub use ui::DashboardOidc;

/// The OpenAPI document of the tokens API (also in `docs/openapi.json`).
pub const OPENAPI: &str = include_str!("../../../docs/openapi.json");

pub use ner::NerSettings;

/// Server settings beyond the vault's.
#[derive(Debug, Clone)]
pub struct ServerSettings {
    /// Largest request body in bytes.
    pub max_body_bytes: usize,
    /// Request limits.
    pub rate_limits: RateLimits,
    /// `redis://…` to share the limits across nodes; none keeps them per node.
    pub redis_url: Option<String>,
    /// Key prefix in Redis (several clusters may share one Redis).
    pub redis_prefix: String,
    /// When set, `/metrics` answers only `Authorization: Bearer <this token>`.
    pub metrics_token: Option<String>,
    /// Connection cap and header timeout of the listener (see [`serve_with`]).
    pub connections: ConnectionLimits,
    /// Dashboard sign-in through the external OpenID Connect provider, when configured.
    pub dashboard_oidc: Option<DashboardOidc>,
    /// The optional model layer of the PII API, when configured.
    pub ner: Option<NerSettings>,
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            max_body_bytes: 4 * 1024 * 1024,
            rate_limits: RateLimits::default(),
            redis_url: None,
            redis_prefix: "tokenvault".into(),
            metrics_token: None,
            connections: ConnectionLimits::default(),
            dashboard_oidc: None,
            ner: None,
        }
    }
}

/// What every handler shares.
pub struct AppState {
    /// The domain.
    pub vault: Arc<Vault>,
    /// Request limits of this node.
    pub limiter: limits::RateLimiter,
    /// Request limits shared through Redis, when configured.
    pub redis: Option<redis_limits::RedisLimiter>,
    /// Metrics.
    pub metrics: metrics::Metrics,
    /// Settings.
    pub settings: ServerSettings,
    /// Compiled detection policies.
    detectors: detectors::DetectorCache,
}

/// Why the router could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RouterError {
    /// The Redis URL is malformed.
    #[error("redis URL: {0}")]
    RedisUrl(redis::RedisError),
    /// The `[ner]` model or its runtime library cannot be loaded.
    #[error("[ner]: {0}")]
    Ner(tokenvault_ner::NerError),
}

/// The router of the whole server. Fails on a malformed Redis URL or a `[ner]` model that
/// cannot be loaded.
pub fn router(vault: Arc<Vault>, settings: ServerSettings) -> Result<Router, RouterError> {
    // The rule layer's word lists, parsed now rather than on the first request that needs them.
    tokenvault_detect::warm_up();
    let ner = settings
        .ner
        .as_ref()
        .map(ner::NerWorker::start)
        .transpose()
        .map_err(RouterError::Ner)?;
    let redis = settings
        .redis_url
        .as_deref()
        .map(|url| {
            redis_limits::RedisLimiter::new(url, &settings.redis_prefix, settings.rate_limits)
        })
        .transpose()
        .map_err(RouterError::RedisUrl)?;
    let state = Arc::new(AppState {
        vault,
        redis,
        limiter: limits::RateLimiter::new(settings.rate_limits),
        metrics: metrics::Metrics::default(),
        settings,
        detectors: detectors::DetectorCache::with_model(ner),
    });
    Ok(routes::all(state))
}

/// Serves until `shutdown` completes, then finishes in-flight requests, with the default
/// [`ConnectionLimits`].
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, router, ConnectionLimits::default(), shutdown).await
}
