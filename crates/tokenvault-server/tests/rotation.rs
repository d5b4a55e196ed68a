//! A rotation made on one node is seen by the others without a restart, and a deterministic
//! value keeps one record and one token across the rotation on every node.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use common::{item, request, TestServer};
use tokenvault_client::Client;

fn tokenize(base: &str, key: &str, value: &str) -> (String, String) {
    let r = Client::new(base)
        .with_api_key(key)
        .tokenize(&request(vec![item(value, "us_ssn")]), false)
        .unwrap();
    (
        r.results[0].token_id.clone().unwrap(),
        r.results[0].token.clone().unwrap(),
    )
}

#[test]
fn nodes_see_a_rotation_and_deterministic_values_keep_one_record() {
    let s = TestServer::start();
    s.hipaa_policy();
    let a = s.base.clone();
    let b = s.independent_node();
    let before = tokenize(&a, &s.api_key, "536-90-4399");
    // Both nodes have the tenant's keyring cached before the rotation.
    assert_eq!(tokenize(&b, &s.api_key, "536-90-4399"), before);
    let jwt = s.jwt("alice", &["admin"]);
    let rotated = Client::new(&b)
        .with_jwt(&jwt)
        .raw("POST", "/keys/rotate", None, &[])
        .unwrap();
    assert_eq!(rotated.json()["current_version"], 2);
    // Node A mints with the new version without a restart…
    tokenize(&a, &s.api_key, "219-09-9999");
    let vault = Client::new(&a).with_jwt(&jwt).vault("").unwrap();
    let newest = vault.entries.iter().find(|e| e.key_version == 2);
    assert!(newest.is_some(), "node A still minted with version 1");
    // …and the value tokenized before the rotation keeps its record and token on both nodes.
    assert_eq!(tokenize(&a, &s.api_key, "536-90-4399"), before);
    assert_eq!(tokenize(&b, &s.api_key, "536-90-4399"), before);
    let all = Client::new(&b).with_jwt(&jwt).vault("").unwrap();
    assert_eq!(all.entries.len(), 2, "one record per value");
}
