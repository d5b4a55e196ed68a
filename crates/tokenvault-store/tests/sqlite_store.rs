//! The SQLite store against the `VaultStore` contract, including concurrent group commits.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::sync::Arc;

use tokenvault_core::{
    ids::{PolicyId, TenantId, TokenId},
    keys::{TenantKeyStore, WrappedTenantKey},
    pii::PiiType,
    store::{
        AuditEvent, AuditFilter, IdempotencyRecord, StoreError, TenantRecord, TokenRecord,
        TokenStatus, TokenizeCommit, VaultFilter, VaultStore,
    },
    token::Mode,
};
use tokenvault_store::SqliteStore;

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
            response: String::new(),
            created_at: 0,
        }),
        render: Some(Arc::new(|r: &[TokenRecord]| format!("{} records", r.len()))),
        audit: event("tokenize"),
    }
}

fn open_store(dir: &tempfile::TempDir) -> Arc<SqliteStore> {
    Arc::new(SqliteStore::open(&dir.path().join("v.db"), true).unwrap())
}

#[test]
fn missing_database_is_an_error_without_create() {
    let dir = tempfile::tempdir().unwrap();
    let e = SqliteStore::open(&dir.path().join("typo.db"), false).unwrap_err();
    assert!(e.to_string().contains("does not exist"), "{e}");
    assert!(!dir.path().join("typo.db").exists());
}

#[test]
fn tokens_dedupe_list_revoke_and_count() {
    let dir = tempfile::tempdir().unwrap();
    let s = open_store(&dir);
    let rt = rt();
    rt.block_on(async {
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
            "2 records"
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
    });
}

#[test]
fn concurrent_group_commits_isolate_failures() {
    let dir = tempfile::tempdir().unwrap();
    let s = open_store(&dir);
    let rt = rt();
    rt.block_on(async {
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
        let mut ok = 0;
        let mut conflicts = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(r) => {
                    assert_eq!(r.len(), 50);
                    ok += 1;
                }
                Err(StoreError::Conflict { what }) => {
                    assert_eq!(what, "idempotency key");
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
    });
}

#[test]
fn quota_grants_audit_chain_and_keys() {
    let dir = tempfile::tempdir().unwrap();
    let s = open_store(&dir);
    let rt = rt();
    rt.block_on(async {
        let mut c = commit(vec![record("tok_q1", 1), record("tok_q2", 1)], None);
        c.quota = Some(3);
        s.commit_tokenize(c).await.unwrap();
        let mut c = commit(vec![record("tok_q3", 1), record("tok_q4", 1)], None);
        c.quota = Some(3);
        assert!(matches!(
            s.commit_tokenize(c).await,
            Err(StoreError::QuotaExceeded { quota: 3 })
        ));
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
    });
    // Tampering with a stored audit record breaks the chain at that record.
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
        assert!(
            e.to_string().contains("another process is writing tokens"),
            "{e}"
        );
        // Reading and administration still work from the second handle.
        assert_eq!(b.usage(&tenant(), 0, 0).await.unwrap().created, 1);
    });
}
