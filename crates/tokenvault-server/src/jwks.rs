//! Fetching and refreshing an external identity provider's JWKS.

use std::{sync::Arc, time::Duration};

use tokenvault_core::service::{ExternalKeys, JwksVerifier};

/// Largest JWKS document accepted.
const MAX_JWKS_BYTES: u64 = 1 << 20;

/// Why the JWKS could not be fetched.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JwksFetchError {
    /// The request failed.
    #[error("JWKS {url}: {source}")]
    Request {
        /// The URL.
        url: String,
        /// Why.
        source: Box<ureq::Error>,
    },
    /// The body could not be read.
    #[error("JWKS {url}: {source}")]
    Read {
        /// The URL.
        url: String,
        /// Why.
        source: std::io::Error,
    },
    /// The body is not a usable JWKS.
    #[error("JWKS {url}: {source}")]
    Parse {
        /// The URL.
        url: String,
        /// Why.
        source: tokenvault_crypto::jwt::JwksError,
    },
}

/// Fetches and parses the JWKS at `url` (https or http).
pub fn fetch(url: &str) -> Result<JwksVerifier, JwksFetchError> {
    let agent = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(10))
        .build();
    let response = agent.get(url).call().map_err(|e| JwksFetchError::Request {
        url: url.to_owned(),
        source: Box::new(e),
    })?;
    let mut body = String::new();
    std::io::Read::read_to_string(
        &mut std::io::Read::take(response.into_reader(), MAX_JWKS_BYTES),
        &mut body,
    )
    .map_err(|e| JwksFetchError::Read {
        url: url.to_owned(),
        source: e,
    })?;
    JwksVerifier::from_json(&body).map_err(|e| JwksFetchError::Parse {
        url: url.to_owned(),
        source: e,
    })
}

/// Refreshes `keys` from `url` every `every`, so a provider's key rotation is picked up. A
/// failed refresh keeps the previous keys and is logged.
pub fn spawn_refresh(keys: Arc<ExternalKeys>, url: String, every: Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.tick().await;
        loop {
            tick.tick().await;
            let u = url.clone();
            match tokio::task::spawn_blocking(move || fetch(&u)).await {
                Ok(Ok(fresh)) => keys.replace(fresh),
                Ok(Err(e)) => {
                    tracing::warn!(error = %e, "JWKS refresh failed; keeping the previous keys")
                }
                Err(_) => tracing::warn!("JWKS refresh task failed; keeping the previous keys"),
            }
        }
    });
}
