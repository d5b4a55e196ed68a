//! PostgreSQL-only cases: the configuration each node keeps in memory (API keys, tenants,
//! tenant settings, collections) follows changes made through the node itself at once, and
//! changes made by another node or by plain SQL as soon as their notification arrives.

use std::time::Duration;

use tokenvault_core::{objects::parse_pvschema, store::ApiKeyRecord};

use super::*;

fn url() -> String {
    std::env::var("TOKENVAULT_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

async fn sql() -> tokio_postgres::Client {
    let (client, conn) = tokio_postgres::connect(&url(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    client
}

/// Two nodes on one schema of their own, dropped afterwards.
fn with_two_nodes<F, Fut>(case: F)
where
    F: FnOnce(PgStore, PgStore, String) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let schema = format!("tv_test_{}", &TokenId::generate().as_str()[4..]);
    rt().block_on(async {
        let options = PgOptions {
            schema: Some(schema.clone()),
            pool_size: 4,
            ..PgOptions::default()
        };
        let a = PgStore::connect(&url(), &options).await.unwrap();
        let b = PgStore::connect(&url(), &options).await.unwrap();
        until(|| async { a.config_cache_active() && b.config_cache_active() }).await;
        case(a, b, schema.clone()).await;
        sql()
            .await
            .batch_execute(&format!("DROP SCHEMA {schema} CASCADE"))
            .await
            .unwrap();
    });
}

/// Waits until `done` holds; fails the test if it does not within a minute (a notification
/// that never arrives), not on how long it took.
async fn until<F, Fut>(mut done: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..6000 {
        if done().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the condition did not come true");
}

fn key() -> ApiKeyRecord {
    ApiKeyRecord {
        id: "key_1".into(),
        tenant: tenant(),
        hash: [7; 32],
        name: "k".into(),
        created_at: 0,
        revoked_at: None,
    }
}

fn tenant_record() -> TenantRecord {
    TenantRecord {
        id: tenant(),
        name: "acme".into(),
        created_at: 0,
        kill_switch: false,
        quota: None,
    }
}

/// Reads the configuration until a whole round comes from memory (the notifications of the
/// node's own writes arrive after them and drop what was kept).
async fn warm(node: &PgStore, kept: u64) {
    until(|| async {
        let before = node.config_cache_hits();
        node.api_key_by_hash(&[7; 32]).await.unwrap();
        node.tenant(&tenant()).await.unwrap();
        node.tenant_setting(&tenant(), "pvlt.iam").await.unwrap();
        node.collection(&tenant(), "customers").await.unwrap();
        node.config_cache_hits() - before == kept
    })
    .await;
}

/// A tenant, its API key and a collection, written through `node` and read until kept.
async fn seed(node: &PgStore) -> tokenvault_core::objects::Collection {
    node.create_tenant(&tenant_record()).await.unwrap();
    node.insert_api_key(&key()).await.unwrap();
    let c = parse_pvschema("customers PERSONS ( ssn SSN );")
        .unwrap()
        .validate(5)
        .unwrap();
    node.create_collection(&tenant(), &c, &event("collection_create"))
        .await
        .unwrap();
    warm(node, 4).await;
    c
}

#[test]
fn a_node_reads_its_own_configuration_changes_at_once() {
    with_two_nodes(|a, _b, _| async move {
        let c = seed(&a).await;

        a.revoke_api_key(&tenant(), "key_1", 5).await.unwrap();
        a.set_kill_switch(&tenant(), true).await.unwrap();
        a.set_tenant_setting(&tenant(), "pvlt.iam", Some("x"), &event("iam"))
            .await
            .unwrap();
        let mut wider = c.clone();
        wider.properties.push(c.properties[0].clone());
        wider.properties[1].name = "ssn2".into();
        a.update_collection(&tenant(), &wider, &event("collection_update"))
            .await
            .unwrap();

        let k = a.api_key_by_hash(&[7; 32]).await.unwrap().unwrap();
        assert_eq!(k.revoked_at, Some(5));
        assert!(a.tenant(&tenant()).await.unwrap().unwrap().kill_switch);
        assert_eq!(
            a.tenant_setting(&tenant(), "pvlt.iam").await.unwrap(),
            Some("x".into())
        );
        assert_eq!(
            a.collection(&tenant(), "customers").await.unwrap(),
            Some(wider)
        );
        a.delete_collection(&tenant(), "customers", &event("collection_delete"))
            .await
            .unwrap();
        assert_eq!(a.collection(&tenant(), "customers").await.unwrap(), None);
    });
}

#[test]
fn a_change_on_another_node_or_in_plain_sql_reaches_every_node() {
    with_two_nodes(|a, b, schema| async move {
        seed(&a).await;

        b.revoke_api_key(&tenant(), "key_1", 5).await.unwrap();
        b.set_tenant_setting(&tenant(), "pvlt.iam", Some("x"), &event("iam"))
            .await
            .unwrap();
        b.delete_collection(&tenant(), "customers", &event("collection_delete"))
            .await
            .unwrap();
        until(|| async {
            a.api_key_by_hash(&[7; 32])
                .await
                .unwrap()
                .unwrap()
                .revoked_at
                == Some(5)
                && a.tenant_setting(&tenant(), "pvlt.iam").await.unwrap() == Some("x".into())
                && a.collection(&tenant(), "customers")
                    .await
                    .unwrap()
                    .is_none()
        })
        .await;

        // An operator's own SQL, through no node at all.
        sql()
            .await
            .batch_execute(&format!(
                "UPDATE {schema}.tenants SET kill_switch = TRUE WHERE id = 'ten_acme'"
            ))
            .await
            .unwrap();
        until(|| async { a.tenant(&tenant()).await.unwrap().unwrap().kill_switch }).await;
    });
}

#[test]
fn nothing_kept_survives_a_lost_listening_connection() {
    with_two_nodes(|a, _b, schema| async move {
        a.create_tenant(&tenant_record()).await.unwrap();
        a.insert_api_key(&key()).await.unwrap();
        // No collection: three of the four reads are kept.
        warm(&a, 3).await;
        let pid = a.config_listener_pid().unwrap();
        let admin = sql().await;
        admin
            .execute("SELECT pg_terminate_backend($1)", &[&pid])
            .await
            .unwrap();
        // Changed while the node cannot hear of it.
        admin
            .batch_execute(&format!(
                "UPDATE {schema}.api_keys SET revoked_at = 9 WHERE id = 'key_1'"
            ))
            .await
            .unwrap();
        until(|| async {
            a.api_key_by_hash(&[7; 32])
                .await
                .unwrap()
                .unwrap()
                .revoked_at
                == Some(9)
        })
        .await;
        // And it listens again.
        until(|| async { a.config_listener_pid().is_some_and(|p| p != pid) }).await;
        assert!(a.config_cache_active());
    });
}
