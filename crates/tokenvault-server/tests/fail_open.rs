//! `fail_open` with the database really unreachable: a server on PostgreSQL reached through a
//! proxy the test cuts. A fail-open policy answers `SKIPPED` / `FAIL_OPEN` from the tenant and
//! policy state last read; a fail-closed one answers 503.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::sync::{Arc, Mutex};

use serde_json::json;
use tokenvault_client::Client;
use tokenvault_core::{
    clock::SystemClock,
    keys::{KeyFileProvider, KeyManager},
    service::{Vault, VaultConfig},
};
use tokenvault_crypto::Key256;
use tokenvault_server::{catalog::Catalog, ServerSettings};
use tokenvault_store::{PgOptions, PgStore};

/// A TCP proxy to the database that can be cut: the listener and every connection go away.
struct Proxy {
    addr: std::net::SocketAddr,
    tasks: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

impl Proxy {
    async fn start(target: String) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let tasks: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>> = Arc::default();
        let inner = Arc::clone(&tasks);
        let accept = tokio::spawn(async move {
            loop {
                let Ok((mut client, _)) = listener.accept().await else {
                    return;
                };
                let target = target.clone();
                let conn = tokio::spawn(async move {
                    if let Ok(mut server) = tokio::net::TcpStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                inner.lock().unwrap().push(conn);
            }
        });
        tasks.lock().unwrap().push(accept);
        Self { addr, tasks }
    }

    fn cut(&self) {
        for t in self.tasks.lock().unwrap().drain(..) {
            t.abort();
        }
    }
}

#[test]
fn fail_open_answers_while_the_database_is_unreachable() {
    let url = std::env::var("TOKENVAULT_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let (scheme_user, rest) = url.split_once('@').unwrap();
    let (host, path) = rest.split_once('/').unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let schema = format!("tv_failopen_{}", std::process::id());
    let proxy = rt.block_on(Proxy::start(host.to_owned()));
    let proxied = format!("{scheme_user}@{}/{path}", proxy.addr);
    let options = PgOptions {
        schema: Some(schema.clone()),
        pool_size: 2,
        connect_timeout: std::time::Duration::from_secs(1),
        ..PgOptions::default()
    };
    let store = Arc::new(rt.block_on(PgStore::connect(&proxied, &options)).unwrap());
    let clock = Arc::new(SystemClock);
    let keys = KeyManager::new(
        Arc::new(KeyFileProvider::from_key(&Key256::generate(), "test")),
        store.clone(),
        clock.clone(),
    );
    let vault = Arc::new(
        rt.block_on(Vault::open(
            store,
            keys,
            clock,
            Arc::new(Catalog),
            VaultConfig::default(),
        ))
        .unwrap(),
    );
    let boot = rt.block_on(vault.bootstrap("t", 3600)).unwrap();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = tokenvault_server::router(vault, ServerSettings::default()).unwrap();
    rt.spawn(tokenvault_server::serve(
        listener,
        router,
        std::future::pending(),
    ));
    let admin = Client::new(&base).with_jwt(&boot.admin_jwt);
    for (id, failure) in [("pol_open", "fail_open"), ("pol_closed", "fail_closed")] {
        admin
            .create_policy(&json!({"id": id, "name": id, "type_rules": {"us_ssn": {"acknowledge_small_domain": true}},
                "allowed_roles": ["admin"], "allowed_purposes": ["x"], "failure_policy": failure}))
            .unwrap();
    }
    let api = Client::new(&base).with_api_key(&boot.api_key.key);
    let body = |policy: &str, key: Option<&str>| {
        let mut b =
            json!({"policy_id": policy, "items": [{"value": "536-90-4399", "pii_type": "us_ssn"}]});
        if let Some(k) = key {
            b["idempotency_key"] = json!(k);
        }
        b.to_string()
    };
    // Both policies work while the database does (and are read once).
    for policy in ["pol_open", "pol_closed"] {
        let r = api
            .raw("POST", "/tokenize", Some(&body(policy, None)), &[])
            .unwrap();
        assert_eq!(r.status, 200, "{}", r.body);
    }

    proxy.cut();

    for key in [None, Some("retry-1")] {
        let r = api
            .raw("POST", "/tokenize", Some(&body("pol_open", key)), &[])
            .unwrap();
        assert_eq!(r.status, 200, "{}", r.body);
        let result = &r.json()["results"][0];
        assert_eq!(result["status"], "SKIPPED", "{}", r.body);
        assert_eq!(result["reason"], "FAIL_OPEN", "{}", r.body);
    }
    let r = api
        .raw("POST", "/tokenize", Some(&body("pol_closed", None)), &[])
        .unwrap();
    assert_eq!(r.status, 503, "{}", r.body);
    assert_eq!(r.json()["error"]["retryable"], true);

    // Clean up the schema directly (the proxy is gone).
    rt.block_on(async {
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
