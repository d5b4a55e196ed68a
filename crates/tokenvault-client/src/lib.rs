//! A typed, blocking client of the tokens API (seed 002).
//!
//! ```no_run
//! use tokenvault_client::Client;
//! use tokenvault_proto::{TokenizeItem, TokenizeRequest};
//! let client = Client::new("http://127.0.0.1:8700").with_api_key("tvk_...");
//! let resp = client.tokenize(&TokenizeRequest {
//!     items: vec![TokenizeItem { value: "123-45-6789".into(), pii_type: "us_ssn".into(), ..Default::default() }],
//!     policy_id: "pol_hipaa".into(),
//!     ..Default::default()
//! }, false);
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::time::Duration;

use serde::{de::DeserializeOwned, Serialize};
use tokenvault_proto::{
    DetokenizeRequest, DetokenizeResponse, ErrorBody, ErrorEnvelope, GrantRequest, GrantResponse,
    HealthResponse, RevokeRequest, RevokeResponse, TokenizeRequest, TokenizeResponse,
    UsageResponse, VaultPage, SDK_VERSION_HEADER,
};

/// The SDK version this client sends.
pub const SDK_VERSION: &str = "1.0.0";

/// Why a call failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The server answered with an error envelope.
    #[error("{status} {}: {}", .error.code, .error.detail)]
    Api {
        /// HTTP status.
        status: u16,
        /// The envelope.
        error: Box<ErrorBody>,
        /// `Retry-After`, if sent.
        retry_after: Option<u64>,
    },
    /// The server answered something that is not the API's format.
    #[error("unexpected response ({status}): {body}")]
    Unexpected {
        /// HTTP status.
        status: u16,
        /// The body (truncated).
        body: String,
    },
    /// The server could not be reached.
    #[error("transport: {0}")]
    Transport(String),
}

impl ClientError {
    /// The API error code, if any.
    pub fn code(&self) -> Option<&str> {
        match self {
            ClientError::Api { error, .. } => Some(&error.code),
            _ => None,
        }
    }

    /// The HTTP status, if any.
    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Api { status, .. } | ClientError::Unexpected { status, .. } => {
                Some(*status)
            }
            ClientError::Transport(_) => None,
        }
    }
}

/// A raw answer, for tests of headers and malformed input.
#[derive(Debug, Clone)]
pub struct RawResponse {
    /// Status.
    pub status: u16,
    /// Headers (lowercase names).
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: String,
}

impl RawResponse {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

/// A client of one server.
#[derive(Clone)]
pub struct Client {
    base: String,
    agent: ureq::Agent,
    api_key: Option<String>,
    jwt: Option<String>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Client({})", self.base)
    }
}

impl Client {
    /// A client of `base` (e.g. `http://127.0.0.1:8700`).
    pub fn new(base: &str) -> Self {
        Self {
            base: base.trim_end_matches('/').to_owned(),
            agent: ureq::AgentBuilder::new()
                .timeout(Duration::from_secs(60))
                .build(),
            api_key: None,
            jwt: None,
        }
    }

    /// Sends this API key (tokenize).
    pub fn with_api_key(mut self, key: &str) -> Self {
        self.api_key = Some(key.to_owned());
        self
    }

    /// Sends this JWT (everything else).
    pub fn with_jwt(mut self, jwt: &str) -> Self {
        self.jwt = Some(jwt.to_owned());
        self
    }

    fn url(&self, path: &str) -> String {
        format!("{}/api/v1/tokens{path}", self.base)
    }

    /// Sends a request with the client's credentials and returns the raw answer.
    pub fn raw(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Result<RawResponse, ClientError> {
        let url = if path.starts_with('/')
            && !path.starts_with("/api/")
            && !path.starts_with("/metrics")
            && !path.starts_with("/.well-known")
            && !path.starts_with("/ui/")
        {
            self.url(path)
        } else {
            format!("{}{path}", self.base)
        };
        let mut req = self.agent.request(method, &url);
        if !headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(SDK_VERSION_HEADER))
        {
            req = req.set(SDK_VERSION_HEADER, SDK_VERSION);
        }
        if let Some(k) = &self.api_key {
            req = req.set("X-API-Key", k);
        }
        if let Some(j) = &self.jwt {
            req = req.set("Authorization", &format!("Bearer {j}"));
        }
        for (n, v) in headers {
            req = req.set(n, v);
        }
        let typed = headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("content-type"));
        let result = match body {
            Some(b) if typed => req.send_string(b),
            Some(b) => req.set("Content-Type", "application/json").send_string(b),
            None => req.call(),
        };
        let resp = match result {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(ureq::Error::Transport(t)) => return Err(ClientError::Transport(t.to_string())),
        };
        let status = resp.status();
        let headers = resp
            .headers_names()
            .into_iter()
            .filter_map(|n| {
                resp.header(&n)
                    .map(|v| (n.to_ascii_lowercase(), v.to_owned()))
            })
            .collect();
        let body = resp
            .into_string()
            .map_err(|e| ClientError::Transport(e.to_string()))?;
        Ok(RawResponse {
            status,
            headers,
            body,
        })
    }

    fn call<B: Serialize, T: DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, ClientError> {
        let json = body
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| ClientError::Transport(e.to_string()))?;
        let r = self.raw(method, path, json.as_deref(), &[])?;
        if (200..300).contains(&r.status) {
            return serde_json::from_str(&r.body).map_err(|_| ClientError::Unexpected {
                status: r.status,
                body: r.body.chars().take(500).collect(),
            });
        }
        match serde_json::from_str::<ErrorEnvelope>(&r.body) {
            Ok(env) => Err(ClientError::Api {
                status: r.status,
                retry_after: r.header("retry-after").and_then(|v| v.parse().ok()),
                error: Box::new(env.error),
            }),
            Err(_) => Err(ClientError::Unexpected {
                status: r.status,
                body: r.body.chars().take(500).collect(),
            }),
        }
    }

    /// `POST /tokenize` (`?dry_run=true` when asked).
    pub fn tokenize(
        &self,
        req: &TokenizeRequest,
        dry_run: bool,
    ) -> Result<TokenizeResponse, ClientError> {
        let path = if dry_run {
            "/tokenize?dry_run=true"
        } else {
            "/tokenize"
        };
        self.call("POST", path, Some(req))
    }

    /// `POST /grant`.
    pub fn grant(&self, req: &GrantRequest) -> Result<GrantResponse, ClientError> {
        self.call("POST", "/grant", Some(req))
    }

    /// `POST /detokenize`.
    pub fn detokenize(&self, req: &DetokenizeRequest) -> Result<DetokenizeResponse, ClientError> {
        self.call("POST", "/detokenize", Some(req))
    }

    /// `GET /vault` with a query string such as `limit=10&pii_type=us_ssn`.
    pub fn vault(&self, query: &str) -> Result<VaultPage, ClientError> {
        let path = if query.is_empty() {
            "/vault".to_owned()
        } else {
            format!("/vault?{query}")
        };
        self.call::<(), _>("GET", &path, None)
    }

    /// `DELETE /vault/:token_id`.
    pub fn revoke(&self, token_id: &str, reason: &str) -> Result<RevokeResponse, ClientError> {
        self.call(
            "DELETE",
            &format!("/vault/{token_id}"),
            Some(&RevokeRequest {
                reason: Some(reason.to_owned()),
            }),
        )
    }

    /// `GET /policies`.
    pub fn policies(&self) -> Result<serde_json::Value, ClientError> {
        self.call::<(), _>("GET", "/policies", None)
    }

    /// `POST /policies`.
    pub fn create_policy(
        &self,
        policy: &serde_json::Value,
    ) -> Result<serde_json::Value, ClientError> {
        self.call("POST", "/policies", Some(policy))
    }

    /// `PUT /policies/:id`.
    pub fn update_policy(
        &self,
        id: &str,
        policy: &serde_json::Value,
    ) -> Result<serde_json::Value, ClientError> {
        self.call("PUT", &format!("/policies/{id}"), Some(policy))
    }

    /// `DELETE /policies/:id`.
    pub fn delete_policy(&self, id: &str) -> Result<serde_json::Value, ClientError> {
        self.call::<(), _>("DELETE", &format!("/policies/{id}"), None)
    }

    /// `GET /usage`.
    pub fn usage(&self) -> Result<UsageResponse, ClientError> {
        self.call::<(), _>("GET", "/usage", None)
    }

    /// `GET /audit` with a query string.
    pub fn audit(&self, query: &str) -> Result<serde_json::Value, ClientError> {
        let path = if query.is_empty() {
            "/audit".to_owned()
        } else {
            format!("/audit?{query}")
        };
        self.call::<(), _>("GET", &path, None)
    }

    /// `GET /health`.
    pub fn health(&self) -> Result<HealthResponse, ClientError> {
        self.call::<(), _>("GET", "/health", None)
    }

    /// Sends `Authorization: Bearer <token>`: an API key for the PII API, or a JWT.
    pub fn with_bearer(self, token: &str) -> Self {
        self.with_jwt(token)
    }

    /// `POST /api/client/v1/pii/{endpoint}` for `detect`, `redact`, `mask`, `tokenize` or
    /// `scan`.
    pub fn pii(
        &self,
        endpoint: &str,
        req: &tokenvault_proto::pii::PiiRequest,
    ) -> Result<tokenvault_proto::pii::PiiResponse, ClientError> {
        self.call("POST", &format!("/api/client/v1/pii/{endpoint}"), Some(req))
    }

    /// `POST /api/client/v1/pii/detokenize`: restores placeholders with a tokenize vault.
    pub fn pii_detokenize(
        &self,
        text: &str,
        vault: &tokenvault_proto::pii::PiiVault,
    ) -> Result<tokenvault_proto::pii::PiiDetokenizeResponse, ClientError> {
        #[derive(Serialize)]
        struct Body<'a> {
            text: &'a str,
            vault: &'a tokenvault_proto::pii::PiiVault,
        }
        self.call(
            "POST",
            "/api/client/v1/pii/detokenize",
            Some(&Body { text, vault }),
        )
    }
}
