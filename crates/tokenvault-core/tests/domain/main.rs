//! The domain tier: every service of the vault on the in-memory store, with a manual clock —
//! no server, no database, no network. Runs in well under a second; the HTTP suites test the
//! same behaviours end to end.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod grants;
mod rehydrate;
mod text;
mod tokenize;
mod vault;

use std::sync::Arc;

use tokenvault_core::{
    clock::ManualClock,
    ids::{PolicyId, TenantId},
    keys::{KeyFileProvider, KeyManager},
    pii::PiiType,
    policy::{DetectionCatalog, PatternError, PolicySpec},
    service::{
        BatchMode, Caller, ModeChoice, TokenizeCommand, TokenizeItemInput, Vault, VaultConfig,
    },
    store::{memory::MemoryStore, VaultStore},
};
use tokenvault_crypto::Key256;

/// A catalog without a detection engine (the domain does not need one to tokenize).
pub struct NoDetection;

impl DetectionCatalog for NoDetection {
    fn is_category(&self, _: &str) -> bool {
        false
    }
    fn is_language(&self, name: &str) -> bool {
        name == "global"
    }
    fn check_pattern(&self, _: &str) -> Result<(), PatternError> {
        Ok(())
    }
}

pub struct Fixture {
    pub vault: Vault,
    pub store: Arc<MemoryStore>,
    pub clock: Arc<ManualClock>,
    pub tenant: TenantId,
    pub admin: Caller,
    pub api: Caller,
}

pub const NOW: i64 = 1_760_000_000;

impl Fixture {
    /// A vault on an empty memory store with one tenant and the HIPAA policy of the seeds.
    pub async fn new() -> Self {
        let store = Arc::new(MemoryStore::new());
        let clock = Arc::new(ManualClock::new(NOW));
        let keys = KeyManager::new(
            Arc::new(KeyFileProvider::from_key(&Key256::generate(), "test")),
            store.clone(),
            clock.clone(),
        );
        let vault = Vault::open(
            store.clone() as Arc<dyn VaultStore>,
            keys,
            clock.clone(),
            Arc::new(NoDetection),
            VaultConfig::default(),
        )
        .await
        .unwrap();
        let tenant = vault.create_tenant("acme", None).await.unwrap();
        let admin = caller(&tenant, "alice", &["admin"]);
        let api = Caller {
            tenant: tenant.clone(),
            actor: "api_key:key_test".into(),
            roles: Vec::new(),
            api_key: true,
        };
        let f = Fixture {
            vault,
            store,
            clock,
            tenant,
            admin,
            api,
        };
        f.policy(serde_json::json!({
            "id": "pol_hipaa",
            "name": "HIPAA",
            "type_rules": {
                "us_ssn": {"mode": "deterministic", "acknowledge_small_domain": true},
                "email": {"mode": "deterministic"},
                "ca_sin": {"mode": "randomized"}
            },
            "allowed_roles": ["admin", "privacy_officer"],
            "allowed_purposes": ["customer_support"],
            "require_reason": false,
            "failure_policy": "fail_closed"
        }))
        .await;
        f
    }

    pub async fn policy(&self, json: serde_json::Value) {
        let spec: PolicySpec = serde_json::from_value(json).unwrap();
        self.vault
            .create_policy(&self.admin, &spec, "tr_setup")
            .await
            .unwrap();
    }

    /// Tokenizes `(value, type)` pairs under `pol_hipaa`, best effort.
    pub async fn tokenize(
        &self,
        items: &[(&str, &str)],
    ) -> tokenvault_core::service::TokenizeOutcome {
        self.vault
            .tokenize(&self.api, &command(items), "tr_test")
            .await
            .unwrap()
    }

    /// Advances the clock.
    pub fn advance(&self, seconds: i64) {
        self.clock.advance(seconds);
    }
}

pub fn caller(tenant: &TenantId, user: &str, roles: &[&str]) -> Caller {
    Caller {
        tenant: tenant.clone(),
        actor: user.into(),
        roles: roles.iter().map(|r| (*r).to_owned()).collect(),
        api_key: false,
    }
}

pub fn item(value: &str, pii_type: &str) -> TokenizeItemInput {
    TokenizeItemInput {
        value: value.into(),
        pii_type: pii_type.parse::<PiiType>().ok(),
        mode: ModeChoice::Policy,
        ..TokenizeItemInput::default()
    }
}

pub fn command(items: &[(&str, &str)]) -> TokenizeCommand {
    TokenizeCommand {
        items: items.iter().map(|(v, t)| item(v, t)).collect(),
        policy_id: PolicyId::parse("pol_hipaa").unwrap(),
        idempotency_key: None,
        batch_mode: BatchMode::BestEffort,
        batch_policy_version: None,
        dry_run: false,
    }
}

pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}
