//! The tokenvault HTTP server: the tokens API of seed 002 under `/api/v1/tokens`, the PII API
//! of seed 003 under `/api/client/v1/pii`, health,
//! metrics, JWKS and the OpenAPI document. Handlers authenticate, limit, parse and call the
//! domain's [`Vault`](tokenvault_core::service::Vault); nothing else.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod access;
pub mod catalog;
mod context;
mod detectors;
pub mod error;
mod handlers;
pub mod jwks;
pub mod limits;
mod listener;
mod management;
mod masking;
pub mod metrics;
mod middleware;
pub mod pii;
pub mod redis_limits;
mod stream;

use std::{future::Future, sync::Arc};

use axum::{
    routing::{delete, get, post, put},
    Router,
};
use tokenvault_core::{policy::TextAction, service::Vault};

pub use limits::{Limit, RateLimits};
pub use listener::{serve_with, ConnectionLimits};

/// The OpenAPI document of the tokens API (also in `docs/openapi.json`).
pub const OPENAPI: &str = include_str!("../../../docs/openapi.json");

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

/// The router of the whole server. Fails only on a malformed Redis URL.
pub fn router(vault: Arc<Vault>, settings: ServerSettings) -> Result<Router, String> {
    let redis = settings
        .redis_url
        .as_deref()
        .map(|url| {
            redis_limits::RedisLimiter::new(url, &settings.redis_prefix, settings.rate_limits)
        })
        .transpose()?;
    let state = Arc::new(AppState {
        vault,
        redis,
        limiter: limits::RateLimiter::new(settings.rate_limits),
        metrics: metrics::Metrics::default(),
        settings,
        detectors: detectors::DetectorCache::default(),
    });
    let tokens = Router::new()
        .route("/tokenize", post(handlers::tokenize))
        .route("/mask", post(masking::mask))
        .route("/grant", post(handlers::grant))
        .route("/detokenize", post(handlers::detokenize))
        .route("/rehydrate", post(handlers::rehydrate))
        .route("/rehydrate/stream", post(handlers::rehydrate_stream))
        .route("/vault", get(handlers::list_vault))
        .route("/vault/{token_id}", delete(handlers::revoke))
        .route(
            "/policies",
            get(handlers::list_policies).post(handlers::create_policy),
        )
        .route(
            "/policies/{id}",
            get(handlers::get_policy)
                .put(handlers::update_policy)
                .delete(handlers::delete_policy),
        )
        .route("/usage", get(handlers::usage))
        .route("/permissions", get(management::my_permissions))
        .route("/roles", get(management::list_roles))
        .route(
            "/roles/{role}",
            put(management::set_role).delete(management::delete_role),
        )
        .route("/changes", get(management::list_changes))
        .route("/changes/{id}/{decision}", post(management::decide_change))
        .route("/tenant", get(management::get_tenant))
        .route("/tenant/settings", put(management::put_settings))
        .route("/tenant/kill-switch", put(management::put_kill_switch))
        .route(
            "/api-keys",
            get(management::list_api_keys).post(management::create_api_key),
        )
        .route("/api-keys/{id}", delete(management::revoke_api_key))
        .route("/keys", get(management::list_keys))
        .route("/keys/rotate", post(management::rotate_keys))
        .route("/audit", get(handlers::audit))
        .route("/health", get(handlers::health))
        .route("/jwks.json", get(handlers::jwks))
        .route("/openapi.json", get(handlers::openapi));
    let pii = Router::new()
        .route("/detect", pii::endpoint(Some(TextAction::Detect)))
        .route("/redact", pii::endpoint(Some(TextAction::Redact)))
        .route("/mask", pii::endpoint(Some(TextAction::Mask)))
        .route("/tokenize", pii::endpoint(Some(TextAction::Tokenize)))
        .route("/detokenize", post(pii::detokenize))
        .route("/detokenize/stream", post(pii::detokenize_stream))
        .route("/scan", pii::endpoint(None));
    Ok(Router::new()
        .nest("/api/v1/tokens", tokens)
        .nest("/api/client/v1/pii", pii)
        .route("/metrics", get(handlers::metrics))
        .route("/.well-known/jwks.json", get(handlers::jwks))
        .fallback(handlers::not_found)
        .method_not_allowed_fallback(handlers::method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::around,
        ))
        .with_state(state))
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
