//! `docs/openapi.json` says exactly what the server answers: every endpoint of the access
//! table is described, and real responses of every endpoint, successes and errors, validate
//! against the document's schema for their path, method and status. The check is strict: an
//! object schema that does not say otherwise lists every field it allows and requires them
//! all, so an undocumented field, a missing one or an unannounced `null` fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use common::TestServer;
use serde_json::{json, Value};
use tokenvault_client::Client;
use tokenvault_server::access::Endpoint;

fn doc() -> Value {
    serde_json::from_str(tokenvault_server::OPENAPI).unwrap()
}

/// The document's path for a request path.
fn doc_path(doc: &Value, method: &str, url: &str) -> String {
    let path = url.split('?').next().unwrap();
    let path = path
        .strip_prefix("/api/v1/tokens")
        .or_else(|| path.strip_prefix("/api/client/v1"))
        .unwrap_or(path);
    let segments: Vec<&str> = path.split('/').collect();
    for (template, item) in doc["paths"].as_object().unwrap() {
        let t: Vec<&str> = template.split('/').collect();
        let fits = t.len() == segments.len()
            && t.iter()
                .zip(&segments)
                .all(|(a, b)| a == b || (a.starts_with('{') && a.ends_with('}')));
        if fits && item.get(method.to_lowercase()).is_some() {
            return template.clone();
        }
    }
    panic!("docs/openapi.json has no {method} {path}");
}

fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => doc
            .pointer(r.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("dangling $ref {r}")),
        None => v,
    }
}

/// Object schemas without their own `additionalProperties`/`required` become closed and
/// require every listed property.
fn strict(v: &mut Value) {
    match v {
        Value::Object(o) => {
            if let Some(Value::Object(props)) = o.get("properties") {
                let names: Vec<Value> = props.keys().map(|k| Value::from(k.clone())).collect();
                o.entry("required").or_insert(Value::Array(names));
                o.entry("additionalProperties")
                    .or_insert(Value::Bool(false));
            }
            for (_, child) in o.iter_mut() {
                strict(child);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(strict),
        _ => {}
    }
}

struct Checker {
    doc: Value,
    strict_doc: Value,
    seen: Vec<(String, String)>,
    failures: Vec<String>,
}

impl Checker {
    fn new() -> Self {
        let doc = doc();
        let mut strict_doc = doc.clone();
        strict(&mut strict_doc["components"]);
        strict(&mut strict_doc["paths"]);
        Self {
            doc,
            strict_doc,
            seen: Vec::new(),
            failures: Vec::new(),
        }
    }

    fn check(&mut self, method: &str, url: &str, status: u16, body: &str) {
        let path = doc_path(&self.doc, method, url);
        self.seen.push((method.to_owned(), path.clone()));
        let op = &self.strict_doc["paths"][&path][method.to_lowercase()];
        let Some(response) = op["responses"].get(status.to_string()) else {
            self.failures.push(format!(
                "{method} {path}: status {status} is not documented"
            ));
            return;
        };
        let response = resolve(&self.strict_doc, response);
        let Some(schema) = response["content"]
            .get("application/json")
            .map(|c| c["schema"].clone())
        else {
            return; // NDJSON or text: not JSON-checked here.
        };
        let instance: Value = serde_json::from_str(body)
            .unwrap_or_else(|_| panic!("{method} {path} {status}: not JSON: {body}"));
        let mut root = self.strict_doc.clone();
        root["__checked"] = schema;
        root["$ref"] = json!("#/__checked");
        let validator = jsonschema::validator_for(&root).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&instance)
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect();
        if !errors.is_empty() {
            let body: String = body.chars().take(400).collect();
            self.failures.push(format!(
                "{method} {path} {status} does not match the document:\n  {}\n  body: {body}",
                errors.join("\n  ")
            ));
        }
    }

    fn call(&mut self, c: &Client, method: &str, url: &str, body: Option<Value>) -> (u16, Value) {
        let text = body.map(|b| b.to_string());
        let r = c.raw(method, url, text.as_deref(), &[]).unwrap();
        self.check(method, url, r.status, &r.body);
        (r.status, r.json())
    }
}

fn policy() -> Value {
    json!({
        "id": "pol_api", "name": "API", "key": "api-text",
        "type_rules": {"us_ssn": {"mode": "deterministic", "acknowledge_small_domain": true},
                       "email": {"mode": "randomized", "ttl_seconds": 3600},
                       "phone": {"action": "mask", "mask": {"strategy": "partial", "keep_last": 4}},
                       "iban": {"action": "skip"}},
        "allowed_roles": ["admin"], "allowed_purposes": ["support"],
        "require_reason": false, "failure_policy": "fail_closed",
        "detection": {"categories": ["email", "creditCard"]}
    })
}

fn valid(doc: &Value, schema: &str, instance: &Value) -> bool {
    let mut root = doc.clone();
    root["$ref"] = json!(format!("#/components/schemas/{schema}"));
    jsonschema::validator_for(&root).unwrap().is_valid(instance)
}

/// Request schemas say what the server accepts: what it refuses (unknown fields, `action` on a
/// named PII endpoint, words outside the server's pattern) they refuse too.
#[test]
fn request_schemas_match_what_the_server_accepts() {
    let doc = doc();
    assert!(valid(&doc, "PolicySpec", &policy()));
    let mut extra = policy();
    extra["owner"] = json!("x");
    assert!(!valid(&doc, "PolicySpec", &extra));
    let mut bad_role = policy();
    bad_role["allowed_roles"] = json!(["ad min"]);
    assert!(!valid(&doc, "PolicySpec", &bad_role));
    let req = json!({"policy_key": "k", "text": "t", "action": "redact"});
    assert!(!valid(&doc, "PiiRequest", &req));
    assert!(valid(&doc, "PiiScanRequest", &req));
    assert!(!valid(&doc, "TenantSettingsRequest", &json!({})));
}

#[test]
fn every_endpoint_is_documented() {
    let doc = doc();
    for e in Endpoint::ALL {
        let (method, route) = e.access().route.split_once(' ').unwrap();
        let url = route
            .replace("{action}", "detect")
            .replace("{decision}", "approve");
        doc_path(&doc, method, &url);
        if route.contains("{decision}") {
            doc_path(&doc, method, &route.replace("{decision}", "reject"));
        }
    }
    for (method, url) in [
        ("GET", "/api/v1/tokens/health"),
        ("GET", "/api/v1/tokens/jwks.json"),
    ] {
        doc_path(&doc, method, url);
    }
}

#[test]
fn real_responses_match_the_document() {
    let s = TestServer::start();
    let admin = s.admin();
    let api = s.api();
    let pii = Client::new(&s.base).with_bearer(&s.api_key);
    let intern = Client::new(&s.base).with_jwt(&s.jwt("ivan", &["intern"]));
    let nobody = Client::new(&s.base);
    let mut c = Checker::new();

    c.call(&nobody, "GET", "/health", None);
    c.call(&nobody, "GET", "/jwks.json", None);
    assert_eq!(c.call(&admin, "POST", "/policies", Some(policy())).0, 201);
    c.call(&admin, "POST", "/policies", Some(json!({"name": 3})));
    c.call(&admin, "POST", "/policies", Some(policy()));
    c.call(&admin, "GET", "/policies", None);
    c.call(&admin, "GET", "/policies/pol_api", None);
    c.call(&admin, "GET", "/policies/pol_nope", None);
    c.call(&intern, "GET", "/policies", None);
    c.call(&nobody, "GET", "/policies", None);

    let tokenize = json!({"policy_id": "pol_api", "items": [
        {"value": "536-90-4399", "pii_type": "us_ssn"},
        {"value": "jane@example.com", "pii_type": "email"},
        {"value": "+1 415 555 0100", "pii_type": "phone"},
        {"value": "DE89 3704 0044 0532 0130 00", "pii_type": "iban"},
        {"value": "", "pii_type": "email"}]});
    let (_, t) = c.call(&api, "POST", "/tokenize", Some(tokenize.clone()));
    c.call(&api, "POST", "/tokenize?dry_run=true", Some(tokenize));
    c.call(&api, "POST", "/tokenize", Some(json!({"items": []})));
    c.call(
        &api,
        "POST",
        "/mask",
        Some(
            json!({"items": [{"value": "536-90-4399", "pii_type": "us_ssn", "strategy": "partial"},
                              {"value": "", "pii_type": "email"}]}),
        ),
    );
    c.call(&api, "POST", "/mask", Some(json!({"items": []})));
    let ids: Vec<String> = t["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["token_id"].as_str().map(str::to_owned))
        .collect();
    let (_, g) = c.call(
        &admin,
        "POST",
        "/grant",
        Some(json!({"token_ids": ids, "purpose": "support"})),
    );
    c.call(
        &intern,
        "POST",
        "/grant",
        Some(json!({"token_ids": ids, "purpose": "support"})),
    );
    c.call(
        &admin,
        "POST",
        "/detokenize",
        Some(json!({"tokens": ids, "grant_jwt": g["grant_jwt"]})),
    );
    let token = t["results"][0]["token"].as_str().unwrap().to_owned();
    c.call(
        &admin,
        "POST",
        "/rehydrate",
        Some(json!({"text": format!("SSN {token}."), "purpose": "support"})),
    );
    c.call(&admin, "GET", "/vault", None);
    c.call(&admin, "GET", "/vault?limit=1", None);
    c.call(&admin, "GET", "/vault?limit=1000", None);
    c.call(
        &admin,
        "DELETE",
        &format!("/vault/{}", ids[1]),
        Some(json!({"reason": "test"})),
    );
    c.call(&admin, "GET", "/vault?status=revoked", None);
    c.call(&admin, "GET", "/usage", None);
    c.call(&admin, "GET", "/audit?limit=5", None);

    c.call(&admin, "GET", "/permissions", None);
    c.call(&admin, "GET", "/roles", None);
    c.call(
        &admin,
        "PUT",
        "/roles/auditor",
        Some(json!({"permissions": ["audit:read"]})),
    );
    c.call(
        &admin,
        "PUT",
        "/roles/auditor",
        Some(json!({"permissions": ["nope"]})),
    );
    c.call(&admin, "GET", "/tenant", None);
    c.call(
        &admin,
        "PUT",
        "/tenant/settings",
        Some(json!({"quota": 100000})),
    );
    c.call(
        &admin,
        "PUT",
        "/tenant/settings",
        Some(json!({"two_person_rule": true})),
    );
    let mut widened = policy();
    widened["allowed_roles"] = json!(["admin", "auditor"]);
    let (status, pending) = c.call(&admin, "PUT", "/policies/pol_api", Some(widened));
    assert_eq!(status, 202);
    let (status, _) = c.call(&admin, "DELETE", "/roles/auditor", None);
    assert_eq!(status, 200);
    c.call(&admin, "GET", "/changes?status=pending", None);
    let bob = Client::new(&s.base).with_jwt(&s.jwt("bob", &["admin"]));
    let change = pending["change"]["id"].as_str().unwrap();
    c.call(&bob, "POST", &format!("/changes/{change}/approve"), None);
    c.call(&bob, "POST", &format!("/changes/{change}/reject"), None);
    c.call(
        &admin,
        "PUT",
        "/tenant/kill-switch",
        Some(json!({"on": false})),
    );
    let (_, key) = c.call(&admin, "POST", "/api-keys", Some(json!({"name": "ci"})));
    c.call(&admin, "GET", "/api-keys", None);
    c.call(
        &admin,
        "DELETE",
        &format!("/api-keys/{}", key["id"].as_str().unwrap()),
        None,
    );
    c.call(&admin, "GET", "/keys", None);
    c.call(&admin, "POST", "/keys/rotate", None);
    c.call(&admin, "DELETE", "/policies/pol_api", None);

    // The PII API.
    assert_eq!(c.call(&admin, "POST", "/policies", Some(json!({
        "name": "Text", "key": "text", "allowed_roles": ["admin"], "allowed_purposes": ["support"],
        "detection": {"categories": ["email", "creditCard", "ipAddress"], "blocking": ["creditCard"]}
    }))).0, 201);
    let text = "Mail jane@example.com, card 4111 1111 1111 1111.";
    for action in ["detect", "redact", "mask", "tokenize"] {
        c.call(
            &pii,
            "POST",
            &format!("/api/client/v1/pii/{action}"),
            Some(json!({"policy_key": "text", "text": text, "locale": "en-US"})),
        );
    }
    c.call(
        &pii,
        "POST",
        "/api/client/v1/pii/scan",
        Some(json!({"policy_key": "text", "text": text, "action": "redact"})),
    );
    c.call(
        &pii,
        "POST",
        "/api/client/v1/pii/detect",
        Some(json!({"policy_key": "text", "text": text, "action": "redact"})),
    );
    c.call(
        &pii,
        "POST",
        "/api/client/v1/pii/detect",
        Some(json!({"policy_key": "none", "text": text})),
    );
    c.call(
        &pii,
        "POST",
        "/api/client/v1/pii/detokenize",
        Some(json!({"text": "Hi [EMAIL_1]", "vault": {"[EMAIL_1]": {"value": "jane@example.com", "category": "email"}}})),
    );
    let (status, _) = c.call(
        &pii,
        "POST",
        "/api/client/v1/pii/detect",
        Some(json!({"policy_key": "text", "text": "1.1.1.1 ".repeat(60_000)})),
    );
    assert_eq!(status, 422);
    assert!(c.seen.len() > 50);
    assert!(c.failures.is_empty(), "{}", c.failures.join("\n"));
}
