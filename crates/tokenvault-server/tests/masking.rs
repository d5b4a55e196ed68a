//! Masking on the tokens API, as seed 001 describes its strategies: nothing is stored, the
//! keyed hash is stable per tenant and scope, batches behave like tokenize, audited by counts.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use common::TestServer;
use serde_json::{json, Value};
use tokenvault_client::Client;

fn mask(c: &Client, body: Value) -> (u16, Value) {
    let r = c
        .raw("POST", "/mask", Some(&body.to_string()), &[])
        .unwrap();
    (r.status, r.json())
}

#[test]
fn every_strategy_and_batch_semantics() {
    let s = TestServer::start();
    let api = s.api();
    let (status, r) = mask(
        &api,
        json!({"items": [
            {"value": "536-90-4399", "pii_type": "us_ssn"},
            {"value": "536-90-4399", "pii_type": "us_ssn", "strategy": "partial"},
            {"value": "536-90-4399", "pii_type": "us_ssn", "strategy": "category"},
            {"value": "536 90 4399", "pii_type": "us_ssn", "strategy": "hash"},
            {"value": "536-90-4399", "pii_type": "us_ssn", "strategy": "hash"},
            {"value": "536-90-4399", "pii_type": "us_ssn", "strategy": "null"},
            {"value": "", "pii_type": "email"},
            {"value": "x", "pii_type": "martian"}
        ]}),
    );
    assert_eq!(status, 200, "{r}");
    let masked: Vec<&str> = r["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["masked"].as_str().unwrap_or("-"))
        .collect();
    assert_eq!(masked[0], "[REDACTED]");
    assert_eq!(masked[1], "***-**-4399");
    assert_eq!(masked[2], "[SSN]");
    assert_eq!(masked[3], masked[4], "the hash is of the canonical value");
    assert_eq!(masked[3].len(), 32);
    assert_eq!(masked[5], "");
    assert_eq!(r["results"][6]["error"]["code"], "EMPTY_VALUE");
    assert_eq!(r["results"][7]["error"]["code"], "UNSUPPORTED_PII_TYPE");
    assert_eq!(
        (r["success_count"].clone(), r["failure_count"].clone()),
        (json!(6), json!(2))
    );
    assert!(!r.to_string().contains("martian"));

    // The keyed hash: stable per tenant and scope, different across scopes and tenants.
    let hash = |c: &Client, scope: &str| {
        let (_, r) = mask(
            c,
            json!({"strategy": "hash", "scope": scope, "items": [{"value": "536-90-4399", "pii_type": "us_ssn"}]}),
        );
        r["results"][0]["masked"].as_str().unwrap().to_owned()
    };
    assert_eq!(hash(&api, "export"), hash(&api, "export"));
    assert_ne!(hash(&api, "export"), hash(&api, "crm"));
    let (other_api, _) = s.other_tenant();
    assert_ne!(hash(&api, "export"), hash(&other_api, "export"));

    // ALL_OR_NOTHING: one bad item fails the request, naming it.
    let (status, r) = mask(
        &api,
        json!({"batch_mode": "ALL_OR_NOTHING", "items": [
            {"value": "536-90-4399", "pii_type": "us_ssn"}, {"value": "", "pii_type": "email"}]}),
    );
    assert_eq!(status, 400);
    assert!(r["error"]["detail"].as_str().unwrap().contains("items[1]"));
    let (status, _) = mask(
        &api,
        json!({"strategy": "shred", "items": [{"value": "a@b.co", "pii_type": "email"}]}),
    );
    assert_eq!(status, 400);

    // Nothing is stored; the audit holds counts, never values.
    assert_eq!(s.admin().usage().unwrap().tokens_created, 0);
    let audit = s.admin().audit("action=mask").unwrap();
    assert_eq!(audit["events"][0]["detail"]["masked"], 1);
    assert!(!audit.to_string().contains("4399"));
    // A JWT is not the credential of this endpoint.
    let (status, _) = mask(
        &s.admin(),
        json!({"items": [{"value": "a@b.co", "pii_type": "email"}]}),
    );
    assert_eq!(status, 401);
}

/// A policy rule with `action: mask` masks inside `/tokenize` (status `MASKED`, nothing
/// stored), and its keyed hash equals `/mask`'s for the same tenant and scope.
#[test]
fn a_policy_rule_masks_inside_tokenize() {
    let s = TestServer::start();
    s.admin()
        .raw(
            "POST",
            "/policies",
            Some(
                &json!({
                    "id": "pol_export", "name": "export",
                    "type_rules": {"us_ssn": {"action": "mask", "mask": {"strategy": "hash"}},
                                   "email": {"action": "mask", "mask": {"strategy": "partial"}}},
                    "allowed_roles": ["admin"], "allowed_purposes": ["x"],
                    "failure_policy": "fail_closed"
                })
                .to_string(),
            ),
            &[],
        )
        .unwrap();
    let api = s.api();
    let r = api
        .raw(
            "POST",
            "/tokenize",
            Some(
                &json!({"policy_id": "pol_export", "items": [
                    {"value": "536 90 4399", "pii_type": "us_ssn"},
                    {"value": "jane.doe@example.com", "pii_type": "email"}]})
                .to_string(),
            ),
            &[],
        )
        .unwrap();
    assert_eq!(r.status, 200, "{}", r.body);
    let t = r.json();
    assert_eq!(t["masked_count"], 2);
    assert_eq!(t["success_count"], 0);
    assert_eq!(t["results"][0]["status"], "MASKED");
    assert!(t["results"][0]["token"].is_null());
    let email = t["results"][1]["masked"].as_str().unwrap();
    assert!(
        email.starts_with('*') && email.ends_with(".com") && !email.contains("jane"),
        "{email}"
    );
    let (_, m) = mask(
        &api,
        json!({"items": [{"value": "536-90-4399", "pii_type": "us_ssn", "strategy": "hash"}]}),
    );
    assert_eq!(t["results"][0]["masked"], m["results"][0]["masked"]);
    let usage = s.admin().raw("GET", "/usage", None, &[]).unwrap().json();
    assert_eq!(usage["tokens_created"], 0);
}
