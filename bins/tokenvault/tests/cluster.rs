//! Three real server processes on one PostgreSQL database: what must hold across nodes is
//! enforced by the database, never by a process's memory.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use std::{path::Path, process::Command};

use common::{Server, BIN};
use serde_json::{json, Value};
use tokenvault_client::Client;
use tokenvault_proto::{DetokenizeRequest, GrantRequest, TokenizeItem, TokenizeRequest};

/// A fresh schema on the environment's PostgreSQL, dropped when the cluster is.
struct Database {
    admin_url: String,
    schema: String,
}

impl Database {
    fn new() -> Self {
        Self::with_schema(&format!("tv_cluster_{}", std::process::id()))
    }

    fn with_schema(schema: &str) -> Self {
        let admin_url = std::env::var("TOKENVAULT_TEST_DATABASE_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
        let db = Self {
            admin_url,
            schema: schema.to_owned(),
        };
        db.sql(&format!(
            "DROP SCHEMA IF EXISTS {0} CASCADE; CREATE SCHEMA {0}",
            db.schema
        ));
        db
    }

    fn url(&self) -> String {
        let sep = if self.admin_url.contains('?') {
            '&'
        } else {
            '?'
        };
        format!(
            "{}{sep}options=-csearch_path%3D{}",
            self.admin_url, self.schema
        )
    }

    fn sql(&self, sql: &str) {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let (client, conn) = tokio_postgres::connect(&self.admin_url, tokio_postgres::NoTls)
                .await
                .unwrap();
            tokio::spawn(conn);
            client.batch_execute(sql).await.unwrap();
        });
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        self.sql(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema));
    }
}

/// A CLI command on the cluster's database, as an operator runs it.
fn admin_cli(dir: &Path, db: &Database, key: &Path, args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .arg("--data-dir")
        .arg(dir.join("admin"))
        .args([
            "--database-url",
            &db.url(),
            "--root-key-file",
            key.to_str().unwrap(),
        ])
        .args(args)
        .output()
        .unwrap()
}

fn node(dir: &Path, n: usize, db: &Database, key: &Path, config: &Path) -> Server {
    let data = dir.join(format!("node{n}"));
    Server::start(
        &data,
        &[
            "--database-url",
            &db.url(),
            "--root-key-file",
            key.to_str().unwrap(),
            "--config",
            config.to_str().unwrap(),
        ],
    )
}

fn tokenize_one(
    c: &Client,
    value: &str,
    pii_type: &str,
    key: Option<&str>,
) -> tokenvault_proto::TokenizeResponse {
    c.tokenize(
        &TokenizeRequest {
            items: vec![TokenizeItem {
                value: value.into(),
                pii_type: pii_type.into(),
                ..Default::default()
            }],
            policy_id: "pol_hipaa".into(),
            idempotency_key: key.map(Into::into),
            ..Default::default()
        },
        false,
    )
    .unwrap()
}

#[test]
fn three_nodes_one_database() {
    let db = Database::new();
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("root.key");
    let config = dir.path().join("cluster.toml");
    std::fs::write(
        &config,
        "[rate_limits]\ngrant = { per_user = 10000, per_tenant = 10000 }\ndetokenize = { per_user = 10000, per_tenant = 10000 }\n",
    )
    .unwrap();
    // Bootstrap the cluster once, offline.
    let out = admin_cli(dir.path(), &db, &key, &["init", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let boot: Value = serde_json::from_slice(&out.stdout).unwrap();
    let nodes: Vec<Server> = (0..3)
        .map(|n| node(dir.path(), n, &db, &key, &config))
        .collect();
    let api =
        |n: usize| Client::new(&nodes[n].base).with_api_key(boot["api_key"].as_str().unwrap());
    let admin =
        |n: usize| Client::new(&nodes[n].base).with_jwt(boot["admin_jwt"].as_str().unwrap());
    admin(0)
        .create_policy(&json!({
            "id": "pol_hipaa", "name": "HIPAA",
            "type_rules": {"us_ssn": {}, "email": {}, "ca_sin": {"mode": "randomized"}},
            "allowed_roles": ["admin"], "allowed_purposes": ["customer_support"], "require_reason": false
        }))
        .unwrap();

    // Deterministic tokens and ids are the same whichever node made them.
    let a = tokenize_one(&api(0), "123-45-6789", "us_ssn", None);
    let b = tokenize_one(&api(1), "123 45 6789", "us_ssn", None);
    assert_eq!(a.results[0].token, b.results[0].token);
    assert_eq!(a.results[0].token_id, b.results[0].token_id);

    // The same new value from all nodes at once: one record.
    let before = admin(2).usage().unwrap().tokens_created;
    let results: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..24)
            .map(|i| {
                let api = api(i % 3);
                s.spawn(move || tokenize_one(&api, "same@example.com", "email", None))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let ids: std::collections::HashSet<_> = results
        .iter()
        .map(|r| r.results[0].token_id.clone().unwrap())
        .collect();
    assert_eq!(ids.len(), 1);
    assert_eq!(admin(2).usage().unwrap().tokens_created, before + 1);

    // An idempotency key retried on another node returns the first answer (randomized token).
    let first = tokenize_one(&api(0), "130 692 544", "ca_sin", Some("idk-cluster"));
    let again = tokenize_one(&api(2), "130 692 544", "ca_sin", Some("idk-cluster"));
    assert_eq!(first.results, again.results);

    // A grant issued on one node is consumed on another and refused on a third.
    let id = a.results[0].token_id.clone().unwrap();
    let grant = || {
        admin(0)
            .grant(&GrantRequest {
                token_ids: vec![id.clone()],
                purpose: "customer_support".into(),
                reason: None,
                trace_id: None,
            })
            .unwrap()
            .grant_jwt
    };
    let detok = |n: usize, jwt: &str| {
        admin(n).detokenize(&DetokenizeRequest {
            tokens: vec![id.clone()],
            grant_jwt: jwt.into(),
            trace_id: None,
        })
    };
    let g = grant();
    assert_eq!(
        detok(1, &g).unwrap().results[0].value.as_deref(),
        Some("123-45-6789")
    );
    assert_eq!(detok(2, &g).unwrap_err().code(), Some("GRANT_NONCE_REUSED"));

    // Fifty concurrent uses of one grant spread over the nodes: exactly one succeeds.
    let g = grant();
    let outcomes: Vec<Result<_, _>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..50)
            .map(|i| {
                let g = g.clone();
                let detok = &detok;
                s.spawn(move || detok(i % 3, &g))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let granted = outcomes.iter().filter(|o| o.is_ok()).count();
    assert_eq!(granted, 1, "exactly one use of the grant");
    assert!(outcomes
        .iter()
        .filter_map(|o| o.as_ref().err())
        .all(|e| e.code() == Some("GRANT_NONCE_REUSED")));

    // Operations were counted once each.
    let usage = admin(1).usage().unwrap();
    assert_eq!(usage.operations_this_period, 2 + 24 + 1 + 1 + 1);

    // A quota counts once across nodes: five more operations allowed, six attempted at once.
    let out = admin_cli(
        dir.path(),
        &db,
        &key,
        &[
            "tenant",
            "quota",
            "--tenant",
            boot["tenant_id"].as_str().unwrap(),
            "--quota",
            "34",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let attempts: Vec<Result<(), Option<String>>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..6)
            .map(|i| {
                let api = api(i % 3);
                s.spawn(move || {
                    api.tokenize(
                        &TokenizeRequest {
                            items: vec![TokenizeItem {
                                value: format!("q{i}@example.com"),
                                pii_type: "email".into(),
                                ..Default::default()
                            }],
                            policy_id: "pol_hipaa".into(),
                            ..Default::default()
                        },
                        false,
                    )
                    .map(|_| ())
                    .map_err(|e| e.code().map(str::to_owned))
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(
        attempts.iter().filter(|a| a.is_ok()).count(),
        5,
        "{attempts:?}"
    );
    assert!(attempts
        .iter()
        .filter_map(|a| a.as_ref().err())
        .all(|c| c.as_deref() == Some("QUOTA_EXCEEDED")));
    assert_eq!(admin(0).usage().unwrap().operations_this_period, 34);

    // The audit chain written by three nodes is whole.
    drop(nodes);
    let out = admin_cli(dir.path(), &db, &key, &["audit", "verify"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("audit chain intact"),
        "{out:?}"
    );
}

#[test]
fn migrate_a_sqlite_vault_to_postgres() {
    let db = Database::with_schema(&format!("tv_migrate_{}", std::process::id()));
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = Command::new(BIN)
        .arg("--data-dir")
        .arg(&data)
        .args(["init", "--json"])
        .output()
        .unwrap();
    let boot: Value = serde_json::from_slice(&out.stdout).unwrap();
    let server = Server::start(&data, &[]);
    let admin = Client::new(&server.base).with_jwt(boot["admin_jwt"].as_str().unwrap());
    admin
        .create_policy(&json!({
            "id": "pol_hipaa", "name": "HIPAA", "type_rules": {"us_ssn": {}, "email": {}, "ca_sin": {"mode": "randomized"}},
            "allowed_roles": ["admin"], "allowed_purposes": ["customer_support"], "require_reason": false
        }))
        .unwrap();
    let api = Client::new(&server.base).with_api_key(boot["api_key"].as_str().unwrap());
    let ssn = tokenize_one(&api, "123-45-6789", "us_ssn", None);
    let sin = tokenize_one(&api, "130 692 544", "ca_sin", None);
    for i in 0..30 {
        tokenize_one(&api, &format!("m{i}@example.com"), "email", None);
    }
    admin
        .revoke(sin.results[0].token_id.as_deref().unwrap(), "gdpr")
        .unwrap();
    // Authorization state moves too: a role mapping and the two-person rule.
    let put = |path: &str, body: Value| {
        admin
            .raw("PUT", path, Some(&body.to_string()), &[])
            .unwrap()
            .status
    };
    assert_eq!(
        put("/roles/auditor", json!({"permissions": ["audit:read"]})),
        200
    );
    assert_eq!(
        put("/tenant/settings", json!({"two_person_rule": true})),
        200
    );
    let before = admin.usage().unwrap();
    drop(server);

    // Copy, then copy again: the second run finds everything there.
    let key = data.join("root.key");
    for _ in 0..2 {
        let out = Command::new(BIN)
            .arg("migrate-store")
            .arg("--from")
            .arg(data.join("tokenvault.db"))
            .args(["--to", &db.url()])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("audit chain intact"));
    }

    // A node on PostgreSQL with the same root key serves the migrated vault: same tokens, same
    // JWTs and API keys, same counts, the chain continues.
    let config = dir.path().join("empty.toml");
    std::fs::write(&config, "").unwrap();
    let pg = node(dir.path(), 9, &db, &key, &config);
    let admin = Client::new(&pg.base).with_jwt(boot["admin_jwt"].as_str().unwrap());
    let after = admin.usage().unwrap();
    assert_eq!(
        (
            after.tokens_created,
            after.revoked,
            after.operations_this_period
        ),
        (
            before.tokens_created,
            before.revoked,
            before.operations_this_period
        )
    );
    let roles = admin.raw("GET", "/roles", None, &[]).unwrap().json();
    assert_eq!(
        roles["roles"][1],
        json!({"role": "auditor", "permissions": ["audit:read"]})
    );
    let tenant = admin.raw("GET", "/tenant", None, &[]).unwrap().json();
    assert_eq!(tenant["two_person_rule"], true);
    // The dashboard administrator moved too: the password init printed still signs in.
    let sign_in = json!({"login": boot["dashboard_login"], "password": boot["dashboard_password"]});
    let r = Client::new(&pg.base)
        .raw("POST", "/ui/session", Some(&sign_in.to_string()), &[])
        .unwrap();
    assert_eq!(r.status, 200, "{}", r.body);
    let id = ssn.results[0].token_id.clone().unwrap();
    let g = admin
        .grant(&GrantRequest {
            token_ids: vec![id.clone()],
            purpose: "customer_support".into(),
            reason: None,
            trace_id: None,
        })
        .unwrap();
    let d = admin
        .detokenize(&DetokenizeRequest {
            tokens: vec![ssn.results[0].token.clone().unwrap()],
            grant_jwt: g.grant_jwt,
            trace_id: None,
        })
        .unwrap();
    assert_eq!(d.results[0].value.as_deref(), Some("123-45-6789"));
    let api = Client::new(&pg.base).with_api_key(boot["api_key"].as_str().unwrap());
    assert_eq!(
        tokenize_one(&api, "123-45-6789", "us_ssn", None).results[0].token_id,
        ssn.results[0].token_id
    );
    drop(pg);
    let out = admin_cli(dir.path(), &db, &key, &["audit", "verify"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("audit chain intact"),
        "{out:?}"
    );

    // A different vault's database is refused as a target.
    let other = dir.path().join("other");
    Command::new(BIN)
        .arg("--data-dir")
        .arg(&other)
        .args(["init", "--json"])
        .output()
        .unwrap();
    let out = Command::new(BIN)
        .arg("migrate-store")
        .arg("--from")
        .arg(other.join("tokenvault.db"))
        .args(["--to", &db.url()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("another vault"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Bootstrapping a PostgreSQL node: `init` makes the root key's directory when it does not
/// exist, and makes no `./tokenvault-data` it will never use.
#[test]
fn init_on_postgres_makes_the_key_directory_and_no_data_directory() {
    let db = Database::with_schema(&format!("tv_init_{}", std::process::id()));
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .current_dir(dir.path())
        .args([
            "--database-url",
            &db.url(),
            "--root-key-file",
            "keys/root.key",
        ])
        .args(["init", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let boot: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(boot["admin_jwt"].is_string());
    assert!(dir.path().join("keys/root.key").is_file());
    assert!(
        !dir.path().join("tokenvault-data").exists(),
        "a PostgreSQL node made a data directory it does not use"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &str| {
            std::fs::metadata(dir.path().join(p))
                .unwrap()
                .permissions()
                .mode()
                & 0o777
        };
        assert_eq!(mode("keys"), 0o700);
        assert_eq!(mode("keys/root.key"), 0o600);
    }
}
