//! Cases of the token, grant, quota and audit aggregates.

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
    // By purpose and time range (both inside the event).
    let mut e = event("detokenize");
    e.purpose = Some("support".into());
    e.at = 5000;
    s.append_audit(&[e]).await.unwrap();
    let count = |f: AuditFilter| {
        let s = s.clone();
        async move { s.audit(&tenant(), &f, None, 10).await.unwrap().len() }
    };
    let purpose = AuditFilter {
        purpose: Some("support".into()),
        ..Default::default()
    };
    assert_eq!(count(purpose).await, 1);
    let window = |since, until| AuditFilter {
        action: Some("detokenize".into()),
        since,
        until,
        ..Default::default()
    };
    assert_eq!(count(window(Some(5000), Some(5001))).await, 1);
    assert_eq!(count(window(Some(5001), None)).await, 0);
    assert_eq!(count(window(None, Some(5000))).await, 1, "the one at 100");
    assert_eq!(count(window(Some(100), None)).await, 2);
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

/// A batch made under a key version older than the tenant's newest is refused (the service
/// re-plans under the new version), so a node behind a rotation never adds a second record
/// for a value; a batch under the newest version, or without records, commits.
pub async fn batches_under_an_older_key_version_are_refused(s: Arc<dyn VaultStore>) {
    for version in [1, 2] {
        s.insert_tenant_key(&WrappedTenantKey {
            tenant: tenant(),
            version,
            wrapped: vec![version as u8; 40],
            created_at: 0,
        })
        .await
        .unwrap();
    }
    let old = commit(vec![record("tok_kv1", 1)], None);
    assert_eq!(
        s.commit_tokenize(old).await,
        Err(StoreError::Conflict {
            what: tokenvault_core::store::Entity::KeyVersion
        })
    );
    assert!(s
        .tokens_by_id(&tenant(), &[TokenId::parse("tok_kv1").unwrap()])
        .await
        .unwrap()
        .is_empty());
    let mut new = commit(vec![record("tok_kv2", 1)], None);
    new.key_version = 2;
    assert_eq!(s.commit_tokenize(new).await.unwrap().len(), 1);
    let mut empty = commit(vec![], None);
    empty.operations = 0;
    assert!(s.commit_tokenize(empty).await.unwrap().is_empty());
}
