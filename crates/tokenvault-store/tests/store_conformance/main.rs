//! The store contract: every case runs against SQLite, against the PostgreSQL on
//! 127.0.0.1:5432 and against the in-memory store, plus SQLite-only cases (file handling,
//! id-index merges, the writer lock) in `sqlite_only`, and PostgreSQL-only cases (the
//! configuration kept in memory) in `postgres_only`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::sync::Arc;

use tokenvault_core::{
    ids::{PolicyId, TenantId, TokenId},
    keys::WrappedTenantKey,
    pii::PiiType,
    store::{
        memory::MemoryStore, prelude::*, AuditEvent, AuditFilter, IdempotencyRecord, StoreError,
        TenantRecord, TokenRecord, TokenStatus, TokenizeCommit, VaultFilter,
    },
    token::Mode,
};
use tokenvault_store::{PgOptions, PgStore, SqliteStore};

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn tenant() -> TenantId {
    TenantId::parse("ten_acme").unwrap()
}

fn event(action: &str) -> AuditEvent {
    AuditEvent {
        tenant: tenant().to_string(),
        at: 100,
        action: action.into(),
        actor: "u".into(),
        roles: vec![],
        purpose: None,
        reason: None,
        token_ids: vec![],
        result: "allowed".into(),
        trace_id: "tr".into(),
        policy_id: None,
        policy_version: None,
        detail: serde_json::Value::Null,
    }
}

fn record(id: &str, created_at: i64) -> TokenRecord {
    TokenRecord {
        token_id: TokenId::parse(id).unwrap(),
        tenant: tenant(),
        pii_type: PiiType::Email,
        mode: Mode::Deterministic,
        scope: "global".into(),
        key_version: 1,
        policy_id: PolicyId::parse("pol_x").unwrap(),
        policy_version: 1,
        stored_token: format!("tv_{id}"),
        token: format!("tv_{id}"),
        wrapped_dek: None,
        created_at,
        expires_at: None,
        revoked_at: None,
        revoke_reason: None,
    }
}

fn commit(records: Vec<TokenRecord>, idempotency: Option<&str>) -> TokenizeCommit {
    TokenizeCommit {
        tenant: tenant(),
        operations: records.len() as u64,
        records,
        period: 0,
        quota: None,
        key_version: 1,
        idempotency: idempotency.map(|k| IdempotencyRecord {
            key: k.into(),
            request_hash: [1; 32],
            response: "the service's receipt".into(),
            created_at: 0,
        }),
        audit: event("tokenize"),
    }
}

fn open_store(dir: &tempfile::TempDir) -> Arc<SqliteStore> {
    Arc::new(SqliteStore::open(&dir.path().join("v.db"), true).unwrap())
}

mod admin_cases;
mod dashboard_cases;
mod object_token_cases;
mod postgres_only;
mod sqlite_only;
mod token_cases;

/// The cases every store must pass. Each gets a fresh, empty store.
mod cases {
    pub use super::admin_cases::*;
    pub use super::dashboard_cases::*;
    pub use super::object_token_cases::*;
    pub use super::token_cases::*;
}

fn with_sqlite<F, Fut>(case: F)
where
    F: FnOnce(Arc<dyn VaultStore>) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn VaultStore> = open_store(&dir);
    rt().block_on(case(store));
}

/// The PostgreSQL of the environment (`TOKENVAULT_TEST_DATABASE_URL`, default the local server);
/// each case runs in a schema of its own, dropped afterwards.
fn with_postgres<F, Fut>(case: F)
where
    F: FnOnce(Arc<dyn VaultStore>) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let url = std::env::var("TOKENVAULT_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let schema = format!("tv_test_{}", &TokenId::generate().as_str()[4..]);
    let rt = rt();
    rt.block_on(async {
        let options = PgOptions {
            schema: Some(schema.clone()),
            pool_size: 8,
            ..PgOptions::default()
        };
        let store: Arc<dyn VaultStore> = Arc::new(PgStore::connect(&url, &options).await.unwrap());
        case(store).await;
        let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(conn);
        client
            .batch_execute(&format!("DROP SCHEMA {schema} CASCADE"))
            .await
            .unwrap();
    });
}

fn with_memory<F, Fut>(case: F)
where
    F: FnOnce(Arc<dyn VaultStore>) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    rt().block_on(case(Arc::new(MemoryStore::new())));
}

macro_rules! conformance {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $( #[test] fn $case() { super::with_sqlite(super::cases::$case) } )*
        }
        mod postgres {
            $( #[test] fn $case() { super::with_postgres(super::cases::$case) } )*
        }
        mod memory {
            $( #[test] fn $case() { super::with_memory(super::cases::$case) } )*
        }
    };
}

conformance!(
    tokens_dedupe_list_revoke_and_count,
    concurrent_commits_isolate_failures,
    concurrent_same_tokens_make_one_record,
    quota_grants_audit_chain_and_keys,
    policies_api_keys_and_kill_switch,
    role_mapping_settings_and_changes,
    batches_under_an_older_key_version_are_refused,
    collections_by_name_without_case,
    objects_unique_values_and_lookups,
    object_tokens_reuse_versions_and_lookups,
    object_tokens_go_with_their_object,
    racing_reusable_tokens_make_one,
    concurrent_audit_appends_form_one_chain,
    dashboard_users_sessions_and_lockout,
    token_breakdown_by_type_and_mode,
);
