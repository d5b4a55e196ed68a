//! Each config value that would start a server that cannot work is refused at start, with a
//! message naming the key (or variable) and what it accepts — the server never starts.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use std::process::Command;

use common::{cli, BIN};

#[test]
fn bad_values_are_refused_at_start_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert!(cli(&data, &["init", "--json"]).status.success());
    let cases: [(&str, &str); 12] = [
        (
            "[external_jwt]\nissuer = \"https://idp\"\naudience = \"tv\"\njwks_url = \"http://127.0.0.1:1/jwks\"\njwks_refresh_seconds = 1",
            "jwks_refresh_seconds",
        ),
        ("grant_ttl_seconds = 0", "grant_ttl_seconds"),
        ("object_token_ttl_seconds = 0", "object_token_ttl_seconds"),
        ("locale = \"klingon\"", "locale"),
        ("locale = \"en-XX\"", "locale"),
        ("log_format = \"yaml\"", "log_format"),
        ("max_body_bytes = 0", "max_body_bytes"),
        ("redis_url = \"http://nope\"", "redis_url"),
        ("max_connections = 0", "max_connections"),
        ("header_timeout_seconds = 0", "header_timeout_seconds"),
        ("body_timeout_seconds = 0", "body_timeout_seconds"),
        ("write_timeout_seconds = 0", "write_timeout_seconds"),
    ];
    for (line, key) in cases {
        let config = dir.path().join("bad.toml");
        std::fs::write(&config, format!("listen = \"256.256.256.256:1\"\n{line}\n")).unwrap();
        let out = Command::new(BIN)
            .arg("--data-dir")
            .arg(&data)
            .arg("--config")
            .arg(&config)
            .arg("serve")
            .output()
            .unwrap();
        assert!(!out.status.success(), "{line} started a server");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(key), "{line}: {err}");
    }
    // The flag and the environment variable too.
    let out = Command::new(BIN)
        .arg("--data-dir")
        .arg(&data)
        .args([
            "--redis-url",
            "http://nope",
            "serve",
            "--listen",
            "256.256.256.256:1",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--redis-url"));
    let out = Command::new(BIN)
        .arg("--data-dir")
        .arg(&data)
        .env("TOKENVAULT_LOG", "tokenvault=loud[")
        .args(["serve", "--listen", "256.256.256.256:1"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("TOKENVAULT_LOG"));
}

/// A second server on the same SQLite data directory refuses to start and names the process
/// that holds it, instead of starting and answering every tokenize with a 503.
#[test]
fn a_second_server_on_one_data_directory_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert!(cli(&data, &["init", "--json"]).status.success());
    let first = common::Server::start(&data, &[]);
    let out = Command::new(BIN)
        .arg("--data-dir")
        .arg(&data)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert!(!out.status.success(), "a second server started");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("refusing to start") && err.contains(&format!("pid {}", first.child.id())),
        "{err}"
    );
    drop(first);
}
