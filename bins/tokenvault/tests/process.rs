//! The real binary as a user runs it: init, serve, the CLI, and crash safety under `kill -9`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use common::{cli, free_port, Server, BIN};
use std::{
    path::Path,
    process::Command,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    time::Duration,
};

use serde_json::{json, Value};
use tokenvault_client::Client;
use tokenvault_proto::{DetokenizeRequest, GrantRequest, TokenizeItem, TokenizeRequest};

fn init(data: &Path) -> Value {
    let out = cli(data, &["init", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("WARNING: generated a new root key"));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn policy(admin: &Client) {
    admin
        .create_policy(&json!({
            "id": "pol_hipaa", "name": "HIPAA",
            "type_rules": {"us_ssn": {}, "email": {}},
            "allowed_roles": ["admin"], "allowed_purposes": ["customer_support"], "require_reason": false
        }))
        .unwrap();
}

fn open_one(admin: &Client, token_id: &str) -> Option<String> {
    let g = admin
        .grant(&GrantRequest {
            token_ids: vec![token_id.into()],
            purpose: "customer_support".into(),
            reason: None,
            trace_id: None,
        })
        .unwrap();
    let d = admin
        .detokenize(&DetokenizeRequest {
            tokens: vec![token_id.into()],
            grant_jwt: g.grant_jwt,
            trace_id: None,
        })
        .unwrap();
    d.results[0].value.clone()
}

#[test]
fn cli_bootstrap_and_administration() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // A typo'd data directory is an error, never a new empty vault.
    let out = cli(&data, &["tenant", "list"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));
    assert!(!data.exists());

    let boot = init(&data);
    let tenant = boot["tenant_id"].as_str().unwrap();
    assert!(tenant.starts_with("ten_") && boot["api_key"].as_str().unwrap().starts_with("tvk_"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(data.join("root.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let out = cli(
        &data,
        &[
            "token",
            "mint",
            "--tenant",
            tenant,
            "--user",
            "u1",
            "--roles",
            "admin,auditor",
            "--ttl",
            "600",
        ],
    );
    let jwt = String::from_utf8(out.stdout).unwrap();
    assert_eq!(jwt.trim().split('.').count(), 3, "the JWT alone");
    let out = cli(
        &data,
        &["apikey", "create", "--tenant", tenant, "--name", "etl"],
    );
    let key: Value = serde_json::from_slice(&out.stdout).unwrap();
    let list =
        String::from_utf8(cli(&data, &["apikey", "list", "--tenant", tenant]).stdout).unwrap();
    assert!(
        list.contains(key["id"].as_str().unwrap())
            && !list.contains(key["api_key"].as_str().unwrap())
    );

    // A config file sets the listen address; flags override files.
    let port = free_port();
    let config = dir.path().join("tokenvault.toml");
    std::fs::write(&config, format!("listen = \"127.0.0.1:{port}\"\nlog_format = \"text\"\n\n[rate_limits.tokenize]\nper_user = 5000\nper_tenant = 50000\n")).unwrap();
    let server = Server::start(&data, &[]);
    drop(server);
    let configured = Server::start_configured(&config, &data, port);
    let base = configured.base.clone();
    let user = Client::new(&base).with_jwt(jwt.trim());
    let api = Client::new(&base).with_api_key(key["api_key"].as_str().unwrap());
    policy(&Client::new(&base).with_jwt(boot["admin_jwt"].as_str().unwrap()));
    let r = api
        .raw(
            "POST",
            "/tokenize",
            Some(r#"{"items":[{"value":"a@b.co","pii_type":"email"}],"policy_id":"pol_hipaa"}"#),
            &[],
        )
        .unwrap();
    assert_eq!(
        r.header("x-ratelimit-limit"),
        Some("5000"),
        "limits from the config file"
    );
    assert_eq!(user.usage().unwrap().tokens_created, 1);
    drop(configured);

    // Kill switch, key rotation and revocation of the API key, offline.
    assert!(cli(&data, &["kill-switch", "on", "--tenant", tenant])
        .status
        .success());
    let server = Server::start(&data, &[]);
    let api = Client::new(&server.base).with_api_key(key["api_key"].as_str().unwrap());
    let req = TokenizeRequest {
        items: vec![TokenizeItem {
            value: "a@b.co".into(),
            pii_type: "email".into(),
            ..Default::default()
        }],
        policy_id: "pol_hipaa".into(),
        ..Default::default()
    };
    assert_eq!(
        api.tokenize(&req, false).unwrap_err().code(),
        Some("KILL_SWITCH_ACTIVE")
    );
    drop(server);
    assert!(cli(&data, &["kill-switch", "off", "--tenant", tenant])
        .status
        .success());
    let out = cli(&data, &["keys", "rotate", "--tenant", tenant]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("version 2"));
    assert!(cli(
        &data,
        &[
            "apikey",
            "revoke",
            "--tenant",
            tenant,
            "--id",
            key["id"].as_str().unwrap()
        ]
    )
    .status
    .success());
    // The quota is shown without changing it, set, and removed only when asked.
    let show = |args: &[&str]| {
        let mut all = vec!["tenant", "quota", "--tenant", tenant];
        all.extend_from_slice(args);
        String::from_utf8(cli(&data, &all).stdout).unwrap()
    };
    assert!(show(&["--quota", "500"]).contains("quota: 500"));
    assert!(
        show(&[]).contains("quota: 500"),
        "showing does not clear it"
    );
    assert!(show(&["--unlimited"]).contains("unlimited"));
    let server = Server::start(&data, &[]);
    let api = Client::new(&server.base).with_api_key(key["api_key"].as_str().unwrap());
    assert_eq!(
        api.tokenize(&req, false).unwrap_err().code(),
        Some("UNAUTHORIZED")
    );
    // Every administrative change made offline is in the audit trail, by the operator `cli`.
    let admin = Client::new(&server.base).with_jwt(boot["admin_jwt"].as_str().unwrap());
    let page = admin.audit("actor=cli&limit=100").unwrap();
    let actions: Vec<&str> = page["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for a in [
        "api_key_create",
        "kill_switch_set",
        "key_rotate",
        "api_key_revoke",
        "quota_set",
    ] {
        assert!(actions.contains(&a), "{a} missing from {actions:?}");
    }
    drop(server);
    let out = cli(&data, &["audit", "verify"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("audit chain intact"),
        "{out:?}"
    );
    let backup = dir.path().join("backup.db");
    assert!(cli(&data, &["backup", "--to", backup.to_str().unwrap()])
        .status
        .success());
    assert!(backup.exists());

    // A different root key is refused with a clear error.
    let other_key = dir.path().join("other.key");
    std::fs::write(&other_key, "11".repeat(32)).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&other_key, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let out = Command::new(BIN)
        .arg("--data-dir")
        .arg(&data)
        .arg("--root-key-file")
        .arg(&other_key)
        .args(["tenant", "list"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not the one this database was created with")
    );
}

#[test]
fn answered_tokens_survive_kill_9_and_batches_are_atomic() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let boot = init(&data);
    let server = Server::start(&data, &[]);
    let admin = Client::new(&server.base).with_jwt(boot["admin_jwt"].as_str().unwrap());
    policy(&admin);
    let api = Client::new(&server.base).with_api_key(boot["api_key"].as_str().unwrap());
    let req = TokenizeRequest {
        items: vec![TokenizeItem {
            value: "123-45-6789".into(),
            pii_type: "us_ssn".into(),
            ..Default::default()
        }],
        policy_id: "pol_hipaa".into(),
        ..Default::default()
    };
    let answered = api.tokenize(&req, false).unwrap();
    let token_id = answered.results[0].token_id.clone().unwrap();
    server.kill9();

    // Restart: the answered token is there.
    let server = Server::start(&data, &[]);
    let admin = Client::new(&server.base).with_jwt(boot["admin_jwt"].as_str().unwrap());
    assert_eq!(open_one(&admin, &token_id).as_deref(), Some("123-45-6789"));

    // ALL_OR_NOTHING batches of 250 in a loop, killed mid-way: each batch is all or nothing,
    // and every batch that was answered is there.
    let api = Client::new(&server.base).with_api_key(boot["api_key"].as_str().unwrap());
    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut acked: Vec<Vec<String>> = Vec::new();
            for batch in 0.. {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let req = TokenizeRequest {
                    items: (0..250)
                        .map(|i| TokenizeItem {
                            value: format!("u{batch}x{i}@example.com"),
                            pii_type: "email".into(),
                            ..Default::default()
                        })
                        .collect(),
                    policy_id: "pol_hipaa".into(),
                    batch_mode: Some("ALL_OR_NOTHING".into()),
                    ..Default::default()
                };
                match api.tokenize(&req, false) {
                    Ok(r) => {
                        acked.push(r.results.into_iter().map(|x| x.token_id.unwrap()).collect())
                    }
                    Err(_) => break,
                }
            }
            acked
        })
    };
    std::thread::sleep(Duration::from_millis(1500));
    server.kill9();
    stop.store(true, Ordering::SeqCst);
    let acked = acknowledged.join().unwrap();
    assert!(
        !acked.is_empty(),
        "some batches were answered before the kill"
    );

    let server = Server::start(&data, &[]);
    let admin = Client::new(&server.base).with_jwt(boot["admin_jwt"].as_str().unwrap());
    let created = admin.usage().unwrap().tokens_created;
    let emails = created - 1;
    assert_eq!(
        emails % 250,
        0,
        "a batch was partly written: {emails} email records"
    );
    assert!(
        emails >= 250 * acked.len() as u64,
        "{emails} < {} answered",
        250 * acked.len()
    );
    let last = acked.last().unwrap();
    assert!(open_one(&admin, &last[249]).is_some());
    let out = cli(&data, &["audit", "verify"]);
    drop(server);
    assert!(String::from_utf8_lossy(&out.stdout).contains("audit chain intact"));
}

/// Serves `body` to every HTTP request on a free port, like an identity provider's JWKS URL.
fn serve_document(body: String) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "http://{}/.well-known/jwks.json",
        listener.local_addr().unwrap()
    );
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

#[test]
fn external_issuer_keys_from_a_jwks_url() {
    use tokenvault_crypto::{jwt::JwtSigner, Key256};
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let boot = init(&data);
    let tenant = boot["tenant_id"].as_str().unwrap().to_owned();
    let idp = JwtSigner::from_seed(&Key256::generate()).unwrap();
    let url = serve_document(json!({ "keys": [idp.jwk()] }).to_string());
    let port = free_port();
    let config = dir.path().join("tokenvault.toml");
    std::fs::write(
        &config,
        format!(
            "listen = \"127.0.0.1:{port}\"\n[external_jwt]\nissuer = \"https://idp.example\"\naudience = \"tokenvault\"\njwks_url = \"{url}\"\nroles_claim = \"groups\"\n"
        ),
    )
    .unwrap();
    let configured = Server::start_configured(&config, &data, port);
    let base = configured.base.clone();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let jwt = idp
        .sign(
            &json!({"iss": "https://idp.example", "aud": "tokenvault", "sub": "sso-user",
                       "tid": tenant, "groups": ["admin"], "exp": now + 600}),
        )
        .unwrap();
    assert_eq!(
        Client::new(&base)
            .with_jwt(&jwt)
            .usage()
            .unwrap()
            .tokens_created,
        0
    );
    drop(configured);

    // A configuration naming both a file and a URL, or an unreachable URL, does not start.
    std::fs::write(
        &config,
        "[external_jwt]\nissuer = \"i\"\naudience = \"a\"\njwks_url = \"http://127.0.0.1:1/jwks\"\n",
    )
    .unwrap();
    let out = Command::new(BIN)
        .arg("--config")
        .arg(&config)
        .arg("--data-dir")
        .arg(&data)
        .args(["tenant", "list"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("external_jwt.jwks_url"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn backup_and_restore_of_the_sqlite_store() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let boot = init(&data);
    let server = Server::start(&data, &[]);
    let admin = Client::new(&server.base).with_jwt(boot["admin_jwt"].as_str().unwrap());
    policy(&admin);
    let api = Client::new(&server.base).with_api_key(boot["api_key"].as_str().unwrap());
    let one = TokenizeRequest {
        items: vec![TokenizeItem {
            value: "123-45-6789".into(),
            pii_type: "us_ssn".into(),
            ..Default::default()
        }],
        policy_id: "pol_hipaa".into(),
        ..Default::default()
    };
    let kept = api.tokenize(&one, false).unwrap().results[0]
        .token_id
        .clone()
        .unwrap();
    // A consistent copy while the server runs.
    let backup = dir.path().join("backup.db");
    assert!(cli(&data, &["backup", "--to", backup.to_str().unwrap()])
        .status
        .success());
    let later = TokenizeRequest {
        items: vec![TokenizeItem {
            value: "later@example.com".into(),
            pii_type: "email".into(),
            ..Default::default()
        }],
        ..one.clone()
    };
    api.tokenize(&later, false).unwrap();
    // Refused while the server runs, and without --force.
    let out = cli(
        &data,
        &["restore", "--from", backup.to_str().unwrap(), "--force"],
    );
    assert!(
        !out.status.success() && String::from_utf8_lossy(&out.stderr).contains("stop it first"),
        "{out:?}"
    );
    drop(server);
    let out = cli(&data, &["restore", "--from", backup.to_str().unwrap()]);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--force"),
        "{out:?}"
    );
    let out = cli(
        &data,
        &["restore", "--from", backup.to_str().unwrap(), "--force"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The restored vault is the one at backup time: the first token opens, the later one is gone.
    let server = Server::start(&data, &[]);
    let admin = Client::new(&server.base).with_jwt(boot["admin_jwt"].as_str().unwrap());
    assert_eq!(open_one(&admin, &kept).as_deref(), Some("123-45-6789"));
    assert_eq!(admin.usage().unwrap().tokens_created, 1);
    drop(server);
    // A backup made under another root key is refused.
    let other = dir.path().join("other");
    init(&other);
    let foreign = dir.path().join("foreign.db");
    assert!(cli(&other, &["backup", "--to", foreign.to_str().unwrap()])
        .status
        .success());
    let out = cli(
        &data,
        &["restore", "--from", foreign.to_str().unwrap(), "--force"],
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("another root key"),
        "{out:?}"
    );
}

/// Policies managed with the CLI serve the PII API of the real server.
#[test]
fn policy_commands_drive_the_pii_api() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let boot = init(&data);
    let tenant = boot["tenant_id"].as_str().unwrap();
    let file = dir.path().join("policy.json");
    std::fs::write(
        &file,
        json!({
            "name": "Support Intake", "key": "support-intake",
            "allowed_roles": ["admin"], "allowed_purposes": ["customer_support"],
            "detection": {"categories": ["email", "tr_phone"], "languages": ["global", "tr"]}
        })
        .to_string(),
    )
    .unwrap();
    let out = cli(
        &data,
        &[
            "policy",
            "create",
            "--tenant",
            tenant,
            "--file",
            file.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let created: Value = serde_json::from_slice(&out.stdout).unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    // An invalid custom pattern is refused with the field and the reason.
    std::fs::write(
        &file,
        json!({"name": "Bad", "allowed_roles": ["admin"], "allowed_purposes": ["x"],
               "detection": {"custom_patterns": [{"name": "t", "regex": "(", "severity": "low"}]}})
        .to_string(),
    )
    .unwrap();
    let out = cli(
        &data,
        &[
            "policy",
            "create",
            "--tenant",
            tenant,
            "--file",
            file.to_str().unwrap(),
        ],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("custom_patterns[0].regex"));
    let list =
        String::from_utf8(cli(&data, &["policy", "list", "--tenant", tenant]).stdout).unwrap();
    assert!(list.contains(&id) && list.contains("support-intake"));

    let server = Server::start(&data, &[]);
    let c = Client::new(&server.base).with_bearer(boot["api_key"].as_str().unwrap());
    let req = tokenvault_proto::pii::PiiRequest {
        policy_key: "support-intake".into(),
        text: "Reach me at jane.doe@acme.com or 0532 111 22 33".into(),
        locale: None,
        action: None,
    };
    let out = c.pii("mask", &req).unwrap();
    assert_eq!(
        out.output_text,
        "Reach me at j*******@acme.com or 0*** *** ** 33"
    );
    drop(server);

    let out = cli(
        &data,
        &["policy", "delete", "--tenant", tenant, "--id", &id],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let server = Server::start(&data, &[]);
    let c = Client::new(&server.base).with_bearer(boot["api_key"].as_str().unwrap());
    assert_eq!(c.pii("detect", &req).unwrap_err().status(), Some(404));
}

/// `tenant shred` needs the tenant's id again, destroys its keys (nothing of it can be
/// tokenized or rotated afterwards), and leaves an intact, audited chain.
#[test]
fn the_cli_shreds_a_tenant_only_when_confirmed() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let boot = init(&data);
    let tenant = boot["tenant_id"].as_str().unwrap();
    let out = cli(
        &data,
        &[
            "tenant",
            "shred",
            "--tenant",
            tenant,
            "--confirm",
            "ten_other",
        ],
    );
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("confirm"),
        "{out:?}"
    );
    assert!(cli(&data, &["keys", "rotate", "--tenant", tenant])
        .status
        .success());
    let out = cli(
        &data,
        &["tenant", "shred", "--tenant", tenant, "--confirm", tenant],
    );
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("destroyed"));
    let out = cli(&data, &["keys", "rotate", "--tenant", tenant]);
    assert!(
        !out.status.success(),
        "a shredded tenant gets no new keys: {out:?}"
    );
    let out = cli(&data, &["audit", "verify"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("audit chain intact"),
        "{out:?}"
    );
}

/// `iam set` checks and stores a configuration; `iam show` prints it back.
#[test]
fn the_cli_reads_and_writes_the_object_vaults_iam_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let boot = init(&data);
    let tenant = boot["tenant_id"].as_str().unwrap();
    let shown = cli(&data, &["iam", "show", "--tenant", tenant]);
    assert!(
        String::from_utf8_lossy(&shown.stdout).contains("[users.bootstrap]"),
        "{shown:?}"
    );
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[users.x]\nrole = \"Nope\"\n").unwrap();
    assert!(!cli(
        &data,
        &[
            "iam",
            "set",
            "--tenant",
            tenant,
            "--file",
            bad.to_str().unwrap()
        ]
    )
    .status
    .success());
    let good = dir.path().join("good.toml");
    let conf = format!(
        "{}\n[users.reporting]\nrole = \"admin\"\n",
        String::from_utf8_lossy(&shown.stdout)
    );
    std::fs::write(&good, &conf).unwrap();
    let out = cli(
        &data,
        &[
            "iam",
            "set",
            "--tenant",
            tenant,
            "--file",
            good.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{out:?}");
    let shown = cli(&data, &["iam", "show", "--tenant", tenant]);
    assert_eq!(String::from_utf8_lossy(&shown.stdout), conf);
}
