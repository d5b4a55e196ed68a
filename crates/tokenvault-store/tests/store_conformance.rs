//! The store contract: every case runs against SQLite and against the PostgreSQL on
//! 127.0.0.1:5432, plus SQLite-only cases (file handling, id-index merges, the writer lock).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::sync::Arc;

use tokenvault_core::{
    ids::{PolicyId, TenantId, TokenId},
    keys::WrappedTenantKey,
    pii::PiiType,
    store::{
        AuditEvent, AuditFilter, IdempotencyRecord, StoreError, TenantRecord, TokenRecord,
        TokenStatus, TokenizeCommit, VaultFilter, VaultStore,
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

/// The cases every store must pass. Each gets a fresh, empty store.
mod cases {
    use super::*;

    pub async fn tokens_dedupe_list_revoke_and_count(s: Arc<dyn VaultStore>) {
        s.create_tenant(&TenantRecord {
            id: tenant(),
            name: "a".into(),
            created_at: 0,
            kill_switch: false,
            quota: None,
        })
        .await
        .unwrap();
        let a = record("tok_a", 10);
        let b = record("tok_b", 11);
        let got = s
            .commit_tokenize(commit(vec![a.clone(), b.clone()], Some("k1")))
            .await
            .unwrap();
        assert_eq!(got, vec![a.clone(), b.clone()]);
        // The same id again resolves to the stored record, not a new one.
        let mut again = record("tok_a", 99);
        again.policy_version = 7;
        let got = s.commit_tokenize(commit(vec![again], None)).await.unwrap();
        assert_eq!(got[0], a);
        assert_eq!(
            s.idempotency(&tenant(), "k1")
                .await
                .unwrap()
                .unwrap()
                .response,
            "the service's receipt"
        );
        // Listing: newest first, paginated.
        let page = s
            .list_tokens(&tenant(), &VaultFilter::default(), 50, None, 1)
            .await
            .unwrap();
        assert_eq!(page[0].token_id.as_str(), "tok_b");
        let next = s
            .list_tokens(
                &tenant(),
                &VaultFilter::default(),
                50,
                Some((11, "tok_b".into())),
                5,
            )
            .await
            .unwrap();
        assert_eq!(
            next.iter().map(|r| r.token_id.as_str()).collect::<Vec<_>>(),
            vec!["tok_a"]
        );
        // Revocation keeps the first one.
        let r = s
            .revoke_token(&tenant(), &a.token_id, "gdpr", 20, &event("revoke"))
            .await
            .unwrap();
        assert_eq!(r.revoked_at, Some(20));
        let r = s
            .revoke_token(&tenant(), &a.token_id, "again", 30, &event("revoke"))
            .await
            .unwrap();
        assert_eq!(
            (r.revoked_at, r.revoke_reason.as_deref()),
            (Some(20), Some("gdpr"))
        );
        let revoked = VaultFilter {
            status: Some(TokenStatus::Revoked),
            ..Default::default()
        };
        assert_eq!(
            s.list_tokens(&tenant(), &revoked, 50, None, 10)
                .await
                .unwrap()
                .len(),
            1
        );
        let u = s.usage(&tenant(), 50, 0).await.unwrap();
        assert_eq!((u.created, u.active, u.revoked, u.operations), (2, 1, 1, 3));
        // Other tenants see nothing.
        let other = TenantId::parse("ten_other").unwrap();
        assert!(s
            .tokens_by_id(&other, std::slice::from_ref(&a.token_id))
            .await
            .unwrap()
            .is_empty());
        assert!(s.tenant(&other).await.unwrap().is_none());
        assert!(s.tenant(&tenant()).await.unwrap().is_some());
    }

    pub async fn concurrent_commits_isolate_failures(s: Arc<dyn VaultStore>) {
        let mut tasks = Vec::new();
        for i in 0..16 {
            let s = s.clone();
            tasks.push(tokio::spawn(async move {
                // Every odd request reuses one idempotency key: exactly one of them may win.
                let key = if i % 2 == 1 { Some("shared") } else { None };
                let records = (0..50)
                    .map(|j| record(&format!("tok_r{i}x{j}"), i))
                    .collect();
                s.commit_tokenize(commit(records, key)).await
            }));
        }
        let (mut ok, mut conflicts) = (0, 0);
        for t in tasks {
            match t.await.unwrap() {
                Ok(r) => {
                    assert_eq!(r.len(), 50);
                    ok += 1;
                }
                Err(StoreError::Conflict { what }) => {
                    assert_eq!(what, tokenvault_core::store::Entity::IdempotencyKey);
                    conflicts += 1;
                }
                Err(e) => panic!("{e}"),
            }
        }
        assert_eq!((ok, conflicts), (9, 7));
        let u = s.usage(&tenant(), 0, 0).await.unwrap();
        assert_eq!(u.created, 9 * 50, "rolled-back requests left nothing");
        assert_eq!(u.operations, 9 * 50);
        assert_eq!(s.verify_audit_chain().await.unwrap(), Ok(9));
    }

    pub async fn concurrent_same_tokens_make_one_record(s: Arc<dyn VaultStore>) {
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let s = s.clone();
            tasks.push(tokio::spawn(async move {
                s.commit_tokenize(commit(
                    (0..20)
                        .map(|j| record(&format!("tok_same{j}"), 5))
                        .collect(),
                    None,
                ))
                .await
            }));
        }
        for t in tasks {
            assert_eq!(t.await.unwrap().unwrap().len(), 20);
        }
        assert_eq!(s.usage(&tenant(), 0, 0).await.unwrap().created, 20);
    }

    pub async fn quota_grants_audit_chain_and_keys(s: Arc<dyn VaultStore>) {
        let mut c = commit(vec![record("tok_q1", 1), record("tok_q2", 1)], None);
        c.quota = Some(3);
        s.commit_tokenize(c).await.unwrap();
        let mut c = commit(vec![record("tok_q3", 1), record("tok_q4", 1)], None);
        c.quota = Some(3);
        assert!(matches!(
            s.commit_tokenize(c).await,
            Err(StoreError::QuotaExceeded { quota: 3 })
        ));
        assert_eq!(
            s.usage(&tenant(), 0, 0).await.unwrap().operations,
            2,
            "a refused batch counts nothing"
        );
        // Grants are single-use.
        s.consume_grant(&tenant(), "gr_1", 500, 1, 0, &event("detokenize"))
            .await
            .unwrap();
        assert!(matches!(
            s.consume_grant(&tenant(), "gr_1", 500, 1, 0, &event("detokenize"))
                .await,
            Err(StoreError::Conflict { .. })
        ));
        // The audit chain verifies; the filtered listing works.
        assert_eq!(s.verify_audit_chain().await.unwrap(), Ok(2));
        let f = AuditFilter {
            action: Some("detokenize".into()),
            ..Default::default()
        };
        assert_eq!(s.audit(&tenant(), &f, None, 10).await.unwrap().len(), 1);
        // Meta: first writer wins.
        assert_eq!(s.meta_get_or_insert("k", b"one").await.unwrap(), b"one");
        assert_eq!(s.meta_get_or_insert("k", b"two").await.unwrap(), b"one");
        // Tenant keys: versions are unique; destroying them is permanent.
        let k = WrappedTenantKey {
            tenant: tenant(),
            version: 1,
            wrapped: vec![1, 2, 3],
            created_at: 0,
        };
        s.insert_tenant_key(&k).await.unwrap();
        assert!(s.insert_tenant_key(&k).await.is_err());
        s.destroy_tenant_keys(&tenant()).await.unwrap();
        assert!(s.tenant_keys(&tenant()).await.unwrap().is_empty());
        assert!(s.is_shredded(&tenant()).await.unwrap());
    }

    pub async fn policies_api_keys_and_kill_switch(s: Arc<dyn VaultStore>) {
        use tokenvault_core::{
            policy::{Policy, PolicyBody},
            store::ApiKeyRecord,
        };
        s.create_tenant(&TenantRecord {
            id: tenant(),
            name: "a".into(),
            created_at: 0,
            kill_switch: false,
            quota: None,
        })
        .await
        .unwrap();
        assert!(matches!(
            s.create_tenant(&TenantRecord {
                id: tenant(),
                name: "b".into(),
                created_at: 0,
                kill_switch: false,
                quota: None
            })
            .await,
            Err(StoreError::Conflict { .. })
        ));
        s.set_kill_switch(&tenant(), true).await.unwrap();
        assert!(s.tenant(&tenant()).await.unwrap().unwrap().kill_switch);
        s.set_quota(&tenant(), Some(7)).await.unwrap();
        assert_eq!(s.tenant(&tenant()).await.unwrap().unwrap().quota, Some(7));
        let body: PolicyBody = serde_json::from_value(serde_json::json!({
            "key": "support", "name": "p", "enabled": true, "type_rules": {}, "default_rule": null,
            "allowed_roles": ["admin"], "allowed_purposes": ["x"], "require_reason": true,
            "failure_policy": "fail_closed",
            "detection": {"categories": [], "custom_patterns": [], "languages": ["global"], "severities": {}, "blocking": [], "default_action": "redact"}
        })).unwrap();
        let mut p = Policy {
            id: PolicyId::parse("pol_p").unwrap(),
            version: 1,
            body,
            created_at: 1,
            updated_at: 1,
        };
        s.insert_policy(&tenant(), &p, &event("policy_create"))
            .await
            .unwrap();
        assert!(s
            .insert_policy(&tenant(), &p, &event("policy_create"))
            .await
            .is_err());
        p.version = 2;
        p.body.name = "p2".into();
        s.update_policy(&tenant(), &p, &event("policy_update"))
            .await
            .unwrap();
        assert!(
            s.update_policy(&tenant(), &p, &event("policy_update"))
                .await
                .is_err(),
            "stale version"
        );
        assert_eq!(
            s.policy(&tenant(), &p.id, None)
                .await
                .unwrap()
                .unwrap()
                .body
                .name,
            "p2"
        );
        assert_eq!(
            s.policy(&tenant(), &p.id, Some(1))
                .await
                .unwrap()
                .unwrap()
                .body
                .name,
            "p"
        );
        assert_eq!(
            s.policy_by_key(&tenant(), "support")
                .await
                .unwrap()
                .unwrap()
                .version,
            2
        );
        assert_eq!(s.policies(&tenant()).await.unwrap().len(), 1);
        assert!(s
            .policy(&TenantId::parse("ten_other").unwrap(), &p.id, None)
            .await
            .unwrap()
            .is_none());
        // Delete: gone from current reads and the key is free; versions stay readable.
        s.delete_policy(&tenant(), &p.id, 9, &event("policy_delete"))
            .await
            .unwrap();
        assert!(s.policy(&tenant(), &p.id, None).await.unwrap().is_none());
        assert!(s
            .policy_by_key(&tenant(), "support")
            .await
            .unwrap()
            .is_none());
        assert!(s.policies(&tenant()).await.unwrap().is_empty());
        assert_eq!(
            s.policy(&tenant(), &p.id, Some(2))
                .await
                .unwrap()
                .unwrap()
                .body
                .name,
            "p2"
        );
        assert!(matches!(
            s.delete_policy(&tenant(), &p.id, 9, &event("policy_delete"))
                .await,
            Err(StoreError::NotFound { .. })
        ));
        p.version = 3;
        assert!(
            s.update_policy(&tenant(), &p, &event("policy_update"))
                .await
                .is_err(),
            "a deleted policy cannot be updated"
        );
        let mut again = p.clone();
        again.id = PolicyId::parse("pol_q").unwrap();
        again.version = 1;
        s.insert_policy(&tenant(), &again, &event("policy_create"))
            .await
            .unwrap();
        assert_eq!(
            s.policy_by_key(&tenant(), "support")
                .await
                .unwrap()
                .unwrap()
                .id,
            again.id
        );
        let key = ApiKeyRecord {
            id: "key_1".into(),
            tenant: tenant(),
            hash: [9; 32],
            name: "k".into(),
            created_at: 0,
            revoked_at: None,
        };
        s.insert_api_key(&key).await.unwrap();
        assert_eq!(
            s.api_key_by_hash(&[9; 32]).await.unwrap().unwrap().id,
            "key_1"
        );
        s.revoke_api_key(&tenant(), "key_1", 5).await.unwrap();
        assert_eq!(s.api_keys(&tenant()).await.unwrap()[0].revoked_at, Some(5));
        assert!(s
            .revoke_api_key(&TenantId::parse("ten_other").unwrap(), "key_1", 5)
            .await
            .is_err());
    }

    pub async fn role_mapping_settings_and_changes(s: Arc<dyn VaultStore>) {
        use tokenvault_core::policy::{Policy, PolicyBody};
        use tokenvault_core::store::{ChangeDecision, ChangeEffect, ChangeStatus, PendingChange};
        let other = TenantId::parse("ten_other").unwrap();
        let perms = vec!["audit:read".to_owned()];
        s.set_role_permissions(&tenant(), "auditor", Some(&perms), &event("role_set"))
            .await
            .unwrap();
        let wider = vec!["audit:read".to_owned(), "vault:read".to_owned()];
        s.set_role_permissions(&tenant(), "auditor", Some(&wider), &event("role_set"))
            .await
            .unwrap();
        assert_eq!(
            s.role_permissions(&tenant()).await.unwrap(),
            vec![("auditor".to_owned(), wider.clone())]
        );
        assert!(s.role_permissions(&other).await.unwrap().is_empty());
        s.set_role_permissions(&tenant(), "auditor", None, &event("role_set"))
            .await
            .unwrap();
        assert!(s.role_permissions(&tenant()).await.unwrap().is_empty());

        s.set_tenant_setting(&tenant(), "two_person_rule", Some("on"), &event("set"))
            .await
            .unwrap();
        assert_eq!(
            s.tenant_setting(&tenant(), "two_person_rule")
                .await
                .unwrap()
                .as_deref(),
            Some("on")
        );
        assert!(s
            .tenant_setting(&other, "two_person_rule")
            .await
            .unwrap()
            .is_none());

        let change = PendingChange {
            id: "chg_1".into(),
            tenant: tenant(),
            kind: "role_set".into(),
            target: "auditor".into(),
            payload: "{}".into(),
            proposed_by: "alice".into(),
            created_at: 7,
            status: ChangeStatus::Pending,
            decided_by: None,
            decided_at: None,
        };
        s.insert_change(&change, &event("change_proposed"))
            .await
            .unwrap();
        assert_eq!(
            s.changes(&tenant(), Some(ChangeStatus::Pending))
                .await
                .unwrap(),
            vec![change.clone()]
        );
        assert!(s.changes(&other, None).await.unwrap().is_empty());
        assert_eq!(
            s.change(&tenant(), "chg_1").await.unwrap(),
            Some(change.clone())
        );
        assert!(s.change(&other, "chg_1").await.unwrap().is_none());
        assert!(s.change(&tenant(), "chg_9").await.unwrap().is_none());
        let effect = ChangeEffect::Role {
            role: "auditor".into(),
            permissions: Some(perms.clone()),
        };
        assert!(matches!(
            s.decide_change(
                &other,
                "chg_1",
                &ChangeDecision {
                    status: ChangeStatus::Approved,
                    decided_by: "bob".into(),
                    at: 8
                },
                Some(effect.clone()),
                &event("change_approved")
            )
            .await,
            Err(StoreError::NotFound { .. })
        ));
        s.decide_change(
            &tenant(),
            "chg_1",
            &ChangeDecision {
                status: ChangeStatus::Approved,
                decided_by: "bob".into(),
                at: 8,
            },
            Some(effect.clone()),
            &event("change_approved"),
        )
        .await
        .unwrap();
        assert_eq!(
            s.role_permissions(&tenant()).await.unwrap(),
            vec![("auditor".to_owned(), perms.clone())]
        );
        let decided = &s.changes(&tenant(), None).await.unwrap()[0];
        assert_eq!(
            (
                decided.status,
                decided.decided_by.as_deref(),
                decided.decided_at
            ),
            (ChangeStatus::Approved, Some("bob"), Some(8))
        );
        // Decided once, on any node: the second decision changes nothing.
        assert!(matches!(
            s.decide_change(
                &tenant(),
                "chg_1",
                &ChangeDecision {
                    status: ChangeStatus::Rejected,
                    decided_by: "carol".into(),
                    at: 9
                },
                None,
                &event("change_rejected")
            )
            .await,
            Err(StoreError::Conflict { .. })
        ));
        // A policy effect that no longer applies rolls the decision back.
        let stale = PendingChange {
            id: "chg_2".into(),
            kind: "policy_update".into(),
            ..change
        };
        s.insert_change(&stale, &event("change_proposed"))
            .await
            .unwrap();
        let body: PolicyBody = serde_json::from_value(serde_json::json!({
            "key": null, "name": "p", "enabled": true, "type_rules": {}, "default_rule": null,
            "allowed_roles": ["admin"], "allowed_purposes": ["x"], "require_reason": true,
            "failure_policy": "fail_closed",
            "detection": {"categories": [], "custom_patterns": [], "languages": ["global"], "severities": {}, "blocking": [], "default_action": "redact"}
        })).unwrap();
        let p = Policy {
            id: PolicyId::parse("pol_missing").unwrap(),
            version: 5,
            body,
            created_at: 1,
            updated_at: 1,
        };
        assert!(matches!(
            s.decide_change(
                &tenant(),
                "chg_2",
                &ChangeDecision {
                    status: ChangeStatus::Approved,
                    decided_by: "bob".into(),
                    at: 9
                },
                Some(ChangeEffect::Policy(Box::new(p))),
                &event("change_approved")
            )
            .await,
            Err(StoreError::Conflict { .. })
        ));
        assert_eq!(
            s.changes(&tenant(), Some(ChangeStatus::Pending))
                .await
                .unwrap()
                .len(),
            1
        );
        assert_eq!(
            s.verify_audit_chain().await.unwrap(),
            Ok(7),
            "refused decisions leave no audit record"
        );
    }
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

macro_rules! conformance {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $( #[test] fn $case() { super::with_sqlite(super::cases::$case) } )*
        }
        mod postgres {
            $( #[test] fn $case() { super::with_postgres(super::cases::$case) } )*
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
);

/// The formula `docs/security.md` gives for the audit chain, computed with `sha2` alone from
/// the stored records, reproduces every stored hash.
#[test]
fn the_documented_audit_hash_reproduces_the_chain() {
    use sha2::{Digest, Sha256};
    use tokenvault_core::store::StoreExport;
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(&dir);
    rt().block_on(async {
        store
            .append_audit(&[event("a"), event("b"), event("c")])
            .await
            .unwrap();
        let records = store.export_audit(0, 100).await.unwrap();
        assert_eq!(records.len(), 3);
        let mut prev = [0u8; 32];
        for (i, r) in records.iter().enumerate() {
            let json = serde_json::to_string(&r.event).unwrap();
            let mut h = Sha256::new();
            for part in [
                &prev[..],
                &(i as u64 + 1).to_be_bytes()[..],
                json.as_bytes(),
            ] {
                h.update((part.len() as u32).to_be_bytes());
                h.update(part);
            }
            let hash: [u8; 32] = h.finalize().into();
            assert_eq!(r.seq, i as u64 + 1);
            assert_eq!(r.prev_hash, prev);
            assert_eq!(r.hash, hash, "record {}", r.seq);
            prev = hash;
        }
    });
}

#[cfg(unix)]
#[test]
fn database_wal_and_shm_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.db");
    let store = SqliteStore::open(&path, true).unwrap();
    rt().block_on(store.ping()).unwrap();
    for suffix in ["", "-wal", "-shm"] {
        let file = format!("{}{suffix}", path.display());
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{file}");
    }
    drop(store);
    // A database left readable by others is narrowed when opened.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let _again = SqliteStore::open(&path, false).unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn missing_database_is_an_error_without_create() {
    let dir = tempfile::tempdir().unwrap();
    let e = SqliteStore::open(&dir.path().join("typo.db"), false).unwrap_err();
    assert!(e.to_string().contains("does not exist"), "{e}");
    assert!(!dir.path().join("typo.db").exists());
}

#[test]
fn merged_and_unmerged_ids_are_found_across_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.db");
    let rt = rt();
    let ids: Vec<String> = (0..250).map(|i| format!("tok_m{i}")).collect();
    {
        // Merge every 100 rows: some commits land in the index, the rest stay in the tail.
        let s = SqliteStore::open_with_merge_every(&path, true, 100).unwrap();
        rt.block_on(async {
            for chunk in ids.chunks(30) {
                let records = chunk.iter().map(|id| record(id, 1)).collect();
                s.commit_tokenize(commit(records, None)).await.unwrap();
            }
            let all: Vec<TokenId> = ids.iter().map(|i| TokenId::parse(i).unwrap()).collect();
            assert_eq!(s.tokens_by_id(&tenant(), &all).await.unwrap().len(), 250);
            // Duplicates are found whether merged or not.
            let again = commit(vec![record("tok_m0", 9), record("tok_m249", 9)], None);
            let got = s.commit_tokenize(again).await.unwrap();
            assert_eq!((got[0].created_at, got[1].created_at), (1, 1));
        });
    }
    let merged: i64 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("SELECT COUNT(*) FROM token_ids", [], |r| r.get(0))
        .unwrap();
    assert!((200..250).contains(&merged), "{merged} merged");
    // Reopened, the tail is rebuilt from the table: every id is still found, none duplicated.
    let s = SqliteStore::open(&path, false).unwrap();
    rt.block_on(async {
        let all: Vec<TokenId> = ids.iter().map(|i| TokenId::parse(i).unwrap()).collect();
        assert_eq!(s.tokens_by_id(&tenant(), &all).await.unwrap().len(), 250);
        let got = s
            .commit_tokenize(commit(vec![record("tok_m249", 9)], None))
            .await
            .unwrap();
        assert_eq!(got[0].created_at, 1);
        assert_eq!(s.usage(&tenant(), 0, 0).await.unwrap().created, 250);
        // The vault listing pages through all of them, newest first.
        let mut seen = 0;
        let mut after = None;
        loop {
            let page = s
                .list_tokens(&tenant(), &VaultFilter::default(), 0, after.clone(), 64)
                .await
                .unwrap();
            if page.is_empty() {
                break;
            }
            seen += page.len();
            let last = page.last().unwrap();
            after = Some((last.created_at, last.token_id.to_string()));
        }
        assert_eq!(seen, 250);
    });
}

#[test]
fn one_token_writer_per_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.db");
    let a = SqliteStore::open(&path, true).unwrap();
    let b = SqliteStore::open(&path, false).unwrap();
    let rt = rt();
    rt.block_on(async {
        a.commit_tokenize(commit(vec![record("tok_w1", 1)], None))
            .await
            .unwrap();
        let e = b
            .commit_tokenize(commit(vec![record("tok_w2", 1)], None))
            .await
            .unwrap_err();
        assert!(e.to_string().contains("is writing tokens"), "{e}");
        assert!(
            e.to_string()
                .contains(&format!("pid {}", std::process::id())),
            "the holder is named: {e}"
        );
        // Reading and administration still work from the second handle.
        assert_eq!(b.usage(&tenant(), 0, 0).await.unwrap().created, 1);
    });
}

#[test]
fn a_tampered_audit_record_breaks_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    let s = open_store(&dir);
    let rt = rt();
    rt.block_on(async {
        s.append_audit(&[event("a"), event("b")]).await.unwrap();
        assert_eq!(s.verify_audit_chain().await.unwrap(), Ok(2));
    });
    let conn = rusqlite::Connection::open(dir.path().join("v.db")).unwrap();
    conn.execute(
        "UPDATE audit SET event = replace(event, 'allowed', 'denied') WHERE seq = 1",
        [],
    )
    .unwrap();
    drop(conn);
    let s = SqliteStore::open(&dir.path().join("v.db"), false).unwrap();
    assert_eq!(rt.block_on(s.verify_audit_chain()).unwrap(), Err(1));
}

#[test]
fn postgres_tls_follows_sslmode() {
    let url = std::env::var("TOKENVAULT_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let sep = if url.contains('?') { '&' } else { '?' };
    let rt = rt();
    rt.block_on(async {
        // Encrypted (the local server's certificate is self-signed and not checked without a
        // CA file), and in plaintext on request.
        for mode in ["require", "prefer", "disable"] {
            let r =
                PgStore::connect(&format!("{url}{sep}sslmode={mode}"), &PgOptions::default()).await;
            assert!(r.is_ok(), "sslmode={mode}: {:?}", r.err());
        }
        // With a CA file, the certificate must chain to it: the self-signed one does not.
        let dir = tempfile::tempdir().unwrap();
        let ca = dir.path().join("ca.pem");
        std::fs::write(&ca, include_str!("testdata/unrelated-ca.pem")).unwrap();
        let strict = PgOptions {
            ca_file: Some(ca),
            ..PgOptions::default()
        };
        assert!(
            PgStore::connect(&format!("{url}{sep}sslmode=require"), &strict)
                .await
                .is_err()
        );
        // A CA file that does not exist is a clear error.
        let missing = PgOptions {
            ca_file: Some("/nonexistent/ca.pem".into()),
            ..PgOptions::default()
        };
        let e = PgStore::connect(&url, &missing).await.unwrap_err();
        assert!(e.to_string().contains("database CA file"), "{e}");
        // libpq's verify-ca and verify-full are understood (not "not a PostgreSQL URL"): the
        // local self-signed certificate chains to no root, so both refuse it.
        for mode in ["verify-ca", "verify-full"] {
            let e = PgStore::connect(&format!("{url}{sep}sslmode={mode}"), &PgOptions::default())
                .await
                .unwrap_err()
                .to_string();
            assert!(!e.contains("not a PostgreSQL URL"), "{mode}: {e}");
        }
        // A CA file with TLS turned off is a contradiction, refused rather than ignored.
        let e = PgStore::connect(&format!("{url}{sep}sslmode=disable"), &strict)
            .await
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("sslmode=disable") && e.contains("database_ca_file"),
            "{e}"
        );
        // A database that does not exist is named.
        let (base, _) = url.rsplit_once('/').unwrap();
        let e = PgStore::connect(&format!("{base}/tv_no_such_db"), &PgOptions::default())
            .await
            .unwrap_err()
            .to_string();
        assert!(e.contains("tv_no_such_db"), "{e}");
    });
}
