//! People, addresses and organizations (issue 15) through every action of the PII API and the
//! streaming detokenize an LLM reply is restored with: the real server, the real client.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::TestServer;
use serde_json::{json, Value};
use tokenvault_client::Client;
use tokenvault_proto::pii::PiiRequest;

const TICKET: &str =
    "Hi, I'm Sarah Thompson, 42 Maple Street, Springfield IL 62704, I work at Globex Corporation";

fn start() -> (TestServer, Client) {
    let s = TestServer::start();
    s.admin()
        .create_policy(&json!({
            "name": "People",
            "key": "people",
            "allowed_roles": ["admin"],
            "allowed_purposes": ["customer_support"],
            "detection": {
                "categories": ["person", "address", "organization", "email"],
                "languages": ["global"],
                "blocking": ["address"],
                "default_action": "tokenize"
            }
        }))
        .unwrap();
    let c = Client::new(&s.base).with_bearer(&s.api_key);
    (s, c)
}

fn req(text: &str) -> PiiRequest {
    PiiRequest {
        policy_key: "people".into(),
        text: text.into(),
        locale: None,
        action: None,
    }
}

#[test]
fn every_action_handles_the_new_categories() {
    let (_s, c) = start();
    let found = c.pii("detect", &req(TICKET)).unwrap();
    let cats: Vec<(&str, &str)> = found
        .findings
        .iter()
        .map(|f| (f.category.as_str(), f.value.as_str()))
        .collect();
    assert_eq!(
        cats,
        [
            ("person", "Sarah Thompson"),
            ("address", "42 Maple Street, Springfield IL 62704"),
            ("organization", "Globex Corporation"),
        ]
    );
    assert!(found.has_blocking);

    let redacted = c.pii("redact", &req(TICKET)).unwrap();
    assert_eq!(
        redacted.output_text,
        "Hi, I'm [REDACTED_PERSON], [REDACTED_ADDRESS], I work at [REDACTED_ORGANIZATION]"
    );
    let masked = c.pii("mask", &req(TICKET)).unwrap();
    assert!(
        masked.output_text.starts_with("Hi, I'm S**** T*******, "),
        "{}",
        masked.output_text
    );
    assert!(!masked.output_text.contains("Maple"));

    let tokenized = c.pii("tokenize", &req(TICKET)).unwrap();
    assert_eq!(
        tokenized.output_text,
        "Hi, I'm [PERSON_1], [ADDRESS_1], I work at [ORGANIZATION_1]"
    );
    let vault = tokenized.vault.unwrap();
    let reply = "Dear [PERSON_1], we will write to [ADDRESS_1].";
    let back = c.pii_detokenize(reply, &vault).unwrap();
    assert_eq!(
        back.output_text,
        "Dear Sarah Thompson, we will write to 42 Maple Street, Springfield IL 62704."
    );
    // `scan` runs the policy's default action.
    let scanned = c.pii("scan", &req(TICKET)).unwrap();
    assert_eq!(scanned.action, "tokenize");
    assert_eq!(scanned.output_text, tokenized.output_text);
}

#[test]
fn a_streamed_llm_reply_is_rehydrated_with_names_split_across_chunks() {
    let (_s, c) = start();
    let tokenized = c.pii("tokenize", &req(TICKET)).unwrap();
    let vault = serde_json::to_value(tokenized.vault.unwrap()).unwrap();
    let mut body = json!({"vault": vault}).to_string();
    body.push('\n');
    for chunk in ["Thanks [PERS", "ON_1]; [ORGANIZ", "ATION_1] confirmed."] {
        body.push_str(&json!({"chunk": chunk}).to_string());
        body.push('\n');
    }
    let r = c
        .raw(
            "POST",
            "/api/client/v1/pii/detokenize/stream",
            Some(&body),
            &[],
        )
        .unwrap();
    assert_eq!(r.status, 200, "{}", r.body);
    let out: String = r
        .body
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter_map(|v| v["chunk"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(out, "Thanks Sarah Thompson; Globex Corporation confirmed.");
}

#[test]
fn the_rule_layer_is_off_for_a_policy_that_does_not_list_it() {
    let (s, c) = start();
    s.admin()
        .create_policy(&json!({
            "name": "Default",
            "key": "default-cats",
            "allowed_roles": ["admin"],
            "allowed_purposes": ["customer_support"],
            "detection": {"languages": ["global"]}
        }))
        .unwrap();
    let mut r = req(TICKET);
    r.policy_key = "default-cats".into();
    let out = c.pii("detect", &r).unwrap();
    assert!(out.findings.is_empty(), "{:?}", out.findings);
}

#[test]
fn a_policy_names_organizations_to_report_and_to_leave() {
    let (s, c) = start();
    let created = s
        .admin()
        .create_policy(&json!({
            "name": "Orgs",
            "key": "orgs",
            "allowed_roles": ["admin"],
            "allowed_purposes": ["customer_support"],
            "detection": {
                "categories": ["organization"],
                "organizations": {"deny": ["Initech"], "allow": ["Globex Corporation"]}
            }
        }))
        .unwrap();
    let mut r = req("Initech is suing Globex Corporation");
    r.policy_key = "orgs".into();
    let out = c.pii("redact", &r).unwrap();
    assert_eq!(
        out.output_text,
        "[REDACTED_ORGANIZATION] is suing Globex Corporation"
    );
    // The lists come back with the policy.
    let id = created["id"].as_str().unwrap();
    let policy = s
        .admin()
        .raw("GET", &format!("/policies/{id}"), None, &[])
        .unwrap();
    assert!(
        policy.body.contains("\"allow\":[\"Globex Corporation\"]"),
        "{}",
        policy.body
    );
    // A bad list is refused with the entry's path, without its text.
    let bad = s
        .admin()
        .raw(
            "POST",
            "/policies",
            Some(
                &json!({"name": "x", "key": "bad-orgs", "allowed_roles": ["admin"],
                "allowed_purposes": ["p"], "detection": {"organizations": {"deny": ["ok", "   "]}}})
                .to_string(),
            ),
            &[],
        )
        .unwrap();
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(
        bad.body.contains("detection.organizations.deny[1]"),
        "{}",
        bad.body
    );
}
