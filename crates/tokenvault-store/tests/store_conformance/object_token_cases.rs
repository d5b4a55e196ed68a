//! The object vault's tokens: saves all or none, one live token per reuse digest, versions
//! that make a stale change conflict, lookups by id, object and tag, counts, and tokens that
//! go with their object or collection.

use std::sync::Arc;

use tokenvault_core::{
    objects::{IdTemplate, ObjectTokenRecord, SealedValues, TokenChange, TokenFilter, TokenType},
    store::{prelude::*, Entity, StoreError},
};

use super::{event, tenant};

fn token(id: &str, object: &str, reuse: Option<u8>, tags: &[&str]) -> ObjectTokenRecord {
    ObjectTokenRecord {
        id: id.into(),
        collection: "customers".into(),
        token_type: TokenType::Value,
        object_id: Some(object.into()),
        props: vec!["ssn".into(), "email".into()],
        scope: "default".into(),
        reversible: true,
        reuse: reuse.map(|d| [d; 32]),
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        template: IdTemplate::Uuid,
        values: Some(SealedValues {
            key_version: 1,
            wrapped_dek: vec![2; 40],
            sealed: vec![3; 30],
        }),
        created_at: 10,
        modified_at: 10,
        expires_at: None,
        deleted_at: None,
        version: 1,
    }
}

fn conflict() -> Result<(), StoreError> {
    Err(StoreError::Conflict {
        what: Entity::ObjectToken,
    })
}

pub async fn object_tokens_reuse_versions_and_lookups(s: Arc<dyn VaultStore>) {
    let (t, c) = (tenant(), "customers");
    let ev = || event("object_tokenize");
    let save = |changes: Vec<TokenChange>| {
        let s = s.clone();
        async move { s.save_object_tokens(&tenant(), c, &changes, &ev()).await }
    };
    save(vec![
        TokenChange::Insert(token("t1", "o1", Some(1), &["a", "b"])),
        TokenChange::Insert(token("t2", "o1", None, &["b"])),
        TokenChange::Insert(ObjectTokenRecord {
            token_type: TokenType::Pointer,
            values: None,
            ..token("t3", "o2", None, &[])
        }),
    ])
    .await
    .unwrap();
    let got = s
        .object_tokens_by_id(&t, c, &["t3".into(), "nope".into(), "t1".into()])
        .await
        .unwrap();
    assert_eq!(got.len(), 2);
    assert_eq!(got[1], token("t1", "o1", Some(1), &["a", "b"]));
    assert_eq!(got[0].values, None);

    // All or none: a taken id or a live reuse digest fails the whole save.
    assert_eq!(
        save(vec![
            TokenChange::Insert(token("t4", "o3", None, &[])),
            TokenChange::Insert(token("t1", "o3", None, &[])),
        ])
        .await,
        conflict()
    );
    assert_eq!(
        save(vec![TokenChange::Insert(token("t5", "o3", Some(1), &[]))]).await,
        conflict()
    );
    assert!(s
        .object_tokens_by_id(&t, c, &["t4".into(), "t5".into()])
        .await
        .unwrap()
        .is_empty());
    let reused = s
        .object_tokens_by_reuse(&t, c, &[[1; 32], [9; 32]])
        .await
        .unwrap();
    assert_eq!(
        reused.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        ["t1"]
    );

    // A replace at the version read applies; at a stale version it conflicts.
    let mut next = token("t1", "o1", Some(1), &["a", "b", "c"]);
    next.version = 2;
    save(vec![TokenChange::Replace {
        id: "t1".into(),
        version: 1,
        record: next.clone(),
    }])
    .await
    .unwrap();
    assert_eq!(
        save(vec![TokenChange::Replace {
            id: "t1".into(),
            version: 1,
            record: next.clone(),
        }])
        .await,
        conflict()
    );
    // Rotation: the same token under a new id; the old id is gone, tags follow.
    let mut rotated = next.clone();
    rotated.id = "t1r".into();
    rotated.version = 3;
    save(vec![TokenChange::Replace {
        id: "t1".into(),
        version: 2,
        record: rotated,
    }])
    .await
    .unwrap();
    assert!(s
        .object_tokens_by_id(&t, c, &["t1".into()])
        .await
        .unwrap()
        .is_empty());
    let tagged = s
        .find_object_tokens(&t, c, &TokenFilter::Tags(vec!["c".into(), "b".into()]), 10)
        .await
        .unwrap();
    let mut ids: Vec<&str> = tagged.iter().map(|r| r.id.as_str()).collect();
    ids.sort_unstable();
    assert_eq!(ids, ["t1r", "t2"]);
    let limited = s
        .find_object_tokens(&t, c, &TokenFilter::Tags(vec!["b".into()]), 1)
        .await
        .unwrap();
    assert_eq!(limited.len(), 1);
    let of_o1 = s
        .find_object_tokens(&t, c, &TokenFilter::Objects(vec!["o1".into()]), 10)
        .await
        .unwrap();
    assert_eq!(of_o1.len(), 2);

    // A soft delete frees the reuse digest; counts see active and archived tokens.
    let mut archived = of_o1.iter().find(|r| r.id == "t1r").unwrap().clone();
    let v = archived.version;
    archived.deleted_at = Some(20);
    archived.version = v + 1;
    save(vec![
        TokenChange::Replace {
            id: "t1r".into(),
            version: v,
            record: archived,
        },
        TokenChange::Insert(token("t6", "o1", Some(1), &[])),
    ])
    .await
    .unwrap();
    let mut expired = token("t7", "o2", None, &[]);
    expired.expires_at = Some(50);
    save(vec![TokenChange::Insert(expired)]).await.unwrap();
    let counts = s.count_object_tokens(&t, c, 60).await.unwrap();
    assert_eq!((counts.active, counts.archived), (3, 1));

    // Another tenant sees none of it.
    let other = tokenvault_core::ids::TenantId::parse("ten_other").unwrap();
    assert!(s
        .object_tokens_by_id(&other, c, &["t2".into()])
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        s.count_object_tokens(&other, c, 60).await.unwrap().active,
        0
    );

    // Removing twice conflicts; removing is for good.
    save(vec![TokenChange::Remove { id: "t2".into() }])
        .await
        .unwrap();
    assert_eq!(
        save(vec![TokenChange::Remove { id: "t2".into() }]).await,
        conflict()
    );
    assert!(s
        .find_object_tokens(&t, c, &TokenFilter::Tags(vec!["b".into()]), 10)
        .await
        .unwrap()
        .iter()
        .all(|r| r.id != "t2"));
    assert!(s.verify_audit_chain().await.unwrap().is_ok());
}

/// Hard-deleting an object removes its tokens; purging a collection removes them all.
pub async fn object_tokens_go_with_their_object(s: Arc<dyn VaultStore>) {
    let (t, c) = (tenant(), "customers");
    s.insert_objects(
        &t,
        &[super::admin_cases::object("o1", 1, 1)],
        &event("object_add"),
    )
    .await
    .unwrap();
    s.save_object_tokens(
        &t,
        c,
        &[
            TokenChange::Insert(token("t1", "o1", None, &["x"])),
            TokenChange::Insert(token("t2", "o9", None, &["x"])),
        ],
        &event("object_tokenize"),
    )
    .await
    .unwrap();
    assert_eq!(s.count_objects(&t, c, 5).await.unwrap().active, 1);
    s.delete_object(&t, c, "o1", false, 5, &event("object_delete"))
        .await
        .unwrap();
    let n = s.count_objects(&t, c, 5).await.unwrap();
    assert_eq!((n.active, n.archived), (0, 1));
    assert_eq!(
        s.object_tokens_by_id(&t, c, &["t1".into()])
            .await
            .unwrap()
            .len(),
        1
    );
    s.delete_object(&t, c, "o1", true, 6, &event("object_delete"))
        .await
        .unwrap();
    assert!(s
        .object_tokens_by_id(&t, c, &["t1".into()])
        .await
        .unwrap()
        .is_empty());
    let tagged = s
        .find_object_tokens(&t, c, &TokenFilter::Tags(vec!["x".into()]), 10)
        .await
        .unwrap();
    assert_eq!(tagged.len(), 1);
    s.purge_collection(&t, c).await.unwrap();
    assert!(s
        .object_tokens_by_id(&t, c, &["t2".into()])
        .await
        .unwrap()
        .is_empty());
}

/// Nodes racing to make the same reusable token: the database lets exactly one insert win
/// (the others conflict and, in the domain, re-read and reuse it).
pub async fn racing_reusable_tokens_make_one(s: Arc<dyn VaultStore>) {
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let s = s.clone();
            tokio::spawn(async move {
                s.save_object_tokens(
                    &tenant(),
                    "customers",
                    &[TokenChange::Insert(token(
                        &format!("r{i}"),
                        "o1",
                        Some(7),
                        &[],
                    ))],
                    &event("object_tokenize"),
                )
                .await
            })
        })
        .collect();
    let mut won = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(()) => won += 1,
            Err(e) => assert_eq!(Err::<(), _>(e), conflict()),
        }
    }
    assert_eq!(won, 1);
    let live = s
        .object_tokens_by_reuse(&tenant(), "customers", &[[7; 32]])
        .await
        .unwrap();
    assert_eq!(live.len(), 1);
    assert!(s.verify_audit_chain().await.unwrap().is_ok());
}
