//! Cases of the policy, API key, tenant and access aggregates.

use super::*;

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

/// Collections: names matched without case, one per name, confined to their tenant, every
/// change audited.
pub async fn collections_by_name_without_case(s: Arc<dyn VaultStore>) {
    use tokenvault_core::objects::{parse_pvschema, Collection};
    let other = TenantId::parse("ten_other").unwrap();
    let c: Collection = parse_pvschema("Customers PERSONS ( ssn SSN UNIQUE, email EMAIL NULL );")
        .unwrap()
        .validate(5)
        .unwrap();
    s.create_collection(&tenant(), &c, &event("collection_create"))
        .await
        .unwrap();
    let mut same = c.clone();
    same.name = "CUSTOMERS".into();
    assert_eq!(
        s.create_collection(&tenant(), &same, &event("collection_create"))
            .await,
        Err(StoreError::Conflict {
            what: tokenvault_core::store::Entity::Collection
        })
    );
    s.create_collection(&other, &same, &event("collection_create"))
        .await
        .unwrap();
    assert_eq!(
        s.collection(&tenant(), "customers").await.unwrap(),
        Some(c.clone())
    );
    assert_eq!(s.collection(&tenant(), "nope").await.unwrap(), None);
    let mut wider = c.clone();
    wider.properties.push(wider.properties[0].clone());
    wider.properties[2].name = "ssn2".into();
    s.update_collection(&tenant(), &wider, &event("collection_update"))
        .await
        .unwrap();
    assert_eq!(s.collections(&tenant()).await.unwrap(), vec![wider]);
    s.delete_collection(&tenant(), "CUSTOMERS", &event("collection_delete"))
        .await
        .unwrap();
    assert_eq!(
        s.delete_collection(&tenant(), "customers", &event("collection_delete"))
            .await,
        Err(StoreError::NotFound {
            what: tokenvault_core::store::Entity::Collection
        })
    );
    assert_eq!(s.collections(&other).await.unwrap().len(), 1);
    assert_eq!(s.verify_audit_chain().await.unwrap(), Ok(4));
}

pub fn object(id: &str, unique: u8, indexed: u8) -> tokenvault_core::store::ObjectRecord {
    use tokenvault_core::store::IndexEntry;
    tokenvault_core::store::ObjectRecord {
        id: id.into(),
        collection: "customers".into(),
        created_at: 1,
        modified_at: 1,
        expires_at: None,
        deleted_at: None,
        values: tokenvault_core::objects::SealedValues {
            key_version: 1,
            wrapped_dek: vec![1; 40],
            sealed: vec![unique; 20],
        },
        index: vec![
            IndexEntry {
                property: "ssn".into(),
                digest: [unique; 32],
                unique: true,
            },
            IndexEntry {
                property: "city".into(),
                digest: [indexed; 32],
                unique: false,
            },
        ],
    }
}

/// Objects: unique values among live objects (in a batch and across commits), exact-match
/// lookups through the index, soft delete frees a unique value, paging, tenant isolation.
pub async fn objects_unique_values_and_lookups(s: Arc<dyn VaultStore>) {
    use tokenvault_core::store::Entity;
    let other = TenantId::parse("ten_other").unwrap();
    let ev = || event("object_add");
    s.insert_objects(&tenant(), &[object("a", 1, 9), object("b", 2, 9)], &ev())
        .await
        .unwrap();
    let taken = Err(StoreError::Conflict {
        what: Entity::UniqueValue,
    });
    assert_eq!(
        s.insert_objects(&tenant(), &[object("c", 1, 8)], &ev())
            .await,
        taken
    );
    assert_eq!(
        s.insert_objects(&tenant(), &[object("d", 3, 8), object("e", 3, 8)], &ev())
            .await,
        taken,
        "twice in one batch"
    );
    assert!(
        s.objects_by_id(&tenant(), "customers", &["d".into()])
            .await
            .unwrap()
            .is_empty(),
        "all or none"
    );
    s.insert_objects(&other, &[object("a", 1, 9)], &ev())
        .await
        .unwrap();
    let mut found = s
        .find_objects(&tenant(), "customers", "city", false, &[[9; 32]])
        .await
        .unwrap();
    found.sort();
    assert_eq!(found, vec!["a", "b"]);
    assert_eq!(
        s.find_objects(&tenant(), "customers", "ssn", true, &[[2; 32], [7; 32]])
            .await
            .unwrap(),
        vec!["b"]
    );
    // An update moves the index, and cannot take another's unique value.
    assert_eq!(
        s.update_object(&tenant(), &object("b", 1, 9), &ev()).await,
        taken
    );
    s.update_object(&tenant(), &object("b", 4, 5), &ev())
        .await
        .unwrap();
    assert!(s
        .find_objects(&tenant(), "customers", "ssn", true, &[[2; 32]])
        .await
        .unwrap()
        .is_empty());
    // Paging in insertion order.
    let page = s.list_objects(&tenant(), "customers", 0, 1).await.unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(page[0].1.id, "a");
    let next = s
        .list_objects(&tenant(), "customers", page[0].0, 10)
        .await
        .unwrap();
    assert_eq!(
        next.iter().map(|(_, o)| o.id.as_str()).collect::<Vec<_>>(),
        ["b"]
    );
    // Soft delete keeps the row, drops it from lists and lookups, frees the unique value.
    s.delete_object(&tenant(), "customers", "a", false, 7, &ev())
        .await
        .unwrap();
    let a = s
        .objects_by_id(&tenant(), "customers", &["a".into()])
        .await
        .unwrap();
    assert_eq!(a[0].deleted_at, Some(7));
    assert_eq!(a[0].values, object("a", 1, 9).values);
    assert_eq!(
        s.delete_object(&tenant(), "customers", "a", false, 8, &ev())
            .await,
        Err(StoreError::NotFound {
            what: Entity::Object
        })
    );
    s.insert_objects(&tenant(), &[object("f", 1, 9)], &ev())
        .await
        .unwrap();
    s.delete_object(&tenant(), "customers", "a", true, 9, &ev())
        .await
        .unwrap();
    assert!(s
        .objects_by_id(&tenant(), "customers", &["a".into()])
        .await
        .unwrap()
        .is_empty());
    // The other tenant's object is untouched; purging a collection removes its objects.
    assert_eq!(
        s.objects_by_id(&other, "customers", &["a".into()])
            .await
            .unwrap()
            .len(),
        1
    );
    s.purge_collection(&tenant(), "customers").await.unwrap();
    assert!(s
        .list_objects(&tenant(), "customers", 0, 10)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        s.list_objects(&other, "customers", 0, 10)
            .await
            .unwrap()
            .len(),
        1
    );
}

/// Audit appends racing from many tasks (single events and batches) make one unbroken chain:
/// sequence numbers without gaps, each row linked to the one before it.
pub async fn concurrent_audit_appends_form_one_chain(s: Arc<dyn VaultStore>) {
    use tokenvault_core::store::audit_chain;
    let tasks: Vec<_> = (0..12)
        .map(|i| {
            let s = s.clone();
            tokio::spawn(async move {
                for j in 0..4 {
                    let batch: Vec<AuditEvent> = (0..=(i + j) % 3)
                        .map(|k| event(&format!("race_{i}_{j}_{k}")))
                        .collect();
                    s.append_audit(&batch).await.unwrap();
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let links = s.audit_links(0, 10_000).await.unwrap();
    let expected: usize = (0..12)
        .flat_map(|i| (0..4).map(move |j| (i + j) % 3 + 1))
        .sum();
    assert_eq!(links.len(), expected);
    let mut prev = [0u8; 32];
    for (n, l) in links.iter().enumerate() {
        assert_eq!(l.seq, n as u64 + 1, "sequence numbers have no gaps");
        assert_eq!(
            l.prev_hash,
            prev.to_vec(),
            "each row links to the one before"
        );
        let hash = audit_chain::link(&prev, l.seq, &l.event_json);
        assert_eq!(l.hash, hash.to_vec(), "each row's hash is its link");
        prev = hash;
    }
}
