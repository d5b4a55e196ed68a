//! The object vault's collections through the real server, as a Piiano Vault client calls
//! them: JSON and PVSchema, names matched without case, capabilities, Piiano's error body,
//! tenant isolation and hostile input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use common::TestServer;
use serde_json::{json, Value};
use tokenvault_client::Client;

const BASE: &str = "/api/pvlt/1.0";

fn call(c: &Client, method: &str, path: &str, body: Option<&str>, ctype: &str) -> (u16, String) {
    let headers: Vec<(&str, &str)> = if ctype.is_empty() {
        vec![]
    } else {
        vec![("Content-Type", ctype)]
    };
    let r = c
        .raw(method, &format!("{BASE}{path}"), body, &headers)
        .unwrap();
    (r.status, r.body)
}

fn json_call(c: &Client, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let text = body.map(|b| b.to_string());
    let (status, body) = call(c, method, path, text.as_deref(), "");
    (status, serde_json::from_str(&body).unwrap_or(Value::Null))
}

fn vault_key(s: &TestServer) -> Client {
    Client::new(&s.base).with_bearer(&s.api_key)
}

#[test]
fn collections_in_json_and_pvschema() {
    let s = TestServer::start();
    let c = vault_key(&s);
    let (status, created) = json_call(
        &c,
        "POST",
        "/ctl/collections",
        Some(
            json!({"name": "customers", "type": "PERSONS", "properties": [
                {"name": "ssn", "data_type_name": "SSN", "is_unique": true, "description": "Social"},
                {"name": "email", "data_type_name": "EMAIL", "is_nullable": true}
            ]}),
        ),
    );
    assert_eq!(status, 200, "{created}");
    assert_eq!(created["properties"][0]["data_type_name"], "SSN");
    assert_eq!(
        created["properties"][0]["is_index"], true,
        "unique implies indexed"
    );
    let (status, _) = call(
        &c,
        "POST",
        "/ctl/collections",
        Some("orders DATA ( card CC_NUMBER NULL COMMENT 'the card', total DOUBLE );"),
        "application/pvschema",
    );
    assert_eq!(status, 200);
    // Names are matched without case; the built-ins and the PVSchema form on request.
    let (status, got) = json_call(
        &c,
        "GET",
        "/ctl/collections/CUSTOMERS?options=show_builtins",
        None,
    );
    assert_eq!(status, 200);
    let names: Vec<&str> = got["properties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "_id",
            "_creation_time",
            "_modification_time",
            "_expiration_time",
            "_tenant_id",
            "_owner_id",
            "_foreign_id",
            "ssn",
            "email"
        ]
    );
    let (status, text) = call(
        &c,
        "GET",
        "/ctl/collections/orders?format=pvschema",
        None,
        "",
    );
    assert_eq!(status, 200);
    assert!(text.starts_with("orders DATA ("), "{text}");
    assert!(
        text.contains("card CC_NUMBER NULL ENCRYPTED COMMENT 'the card'"),
        "{text}"
    );
    let (_, list) = json_call(&c, "GET", "/ctl/collections", None);
    assert_eq!(list.as_array().unwrap().len(), 2);
    // PATCH adds properties; an existing one cannot be redefined.
    let (status, patched) = json_call(
        &c,
        "PATCH",
        "/ctl/collections/customers",
        Some(
            json!({"name": "customers", "type": "PERSONS", "properties": [
            {"name": "phone", "data_type_name": "PHONE_NUMBER", "is_nullable": true}]}),
        ),
    );
    assert_eq!(status, 200, "{patched}");
    assert_eq!(patched["properties"].as_array().unwrap().len(), 3);
    let (status, e) = json_call(
        &c,
        "PATCH",
        "/ctl/collections/customers",
        Some(
            json!({"name": "customers", "type": "PERSONS", "properties": [
            {"name": "SSN", "data_type_name": "STRING"}]}),
        ),
    );
    assert_eq!(
        (status, e["error_code"].as_str()),
        (400, Some("PV1003")),
        "{e}"
    );
    let (status, e) = json_call(
        &c,
        "POST",
        "/ctl/collections",
        Some(json!({"name": "Customers", "type": "DATA"})),
    );
    assert_eq!(
        (status, e["error_code"].as_str()),
        (409, Some("PV1010")),
        "{e}"
    );
    let (status, _) = call(&c, "DELETE", "/ctl/collections/Orders", None, "");
    assert_eq!(status, 200);
    let (status, e) = json_call(&c, "GET", "/ctl/collections/orders", None);
    assert_eq!(
        (status, e["error_code"].as_str()),
        (404, Some("PV1004")),
        "{e}"
    );
    assert_eq!(e["context"]["collection"], "orders");
}

#[test]
fn hostile_definitions_get_piianos_error_body_without_their_values() {
    let s = TestServer::start();
    let c = vault_key(&s);
    let cases = [
        json!({"name": "1bad", "type": "DATA"}),
        json!({"name": "x".repeat(41), "type": "DATA"}),
        json!({"name": "ok", "type": "PEOPLE"}),
        json!({"name": "ok", "type": "DATA", "properties": [{"name": "_id", "data_type_name": "STRING"}]}),
        json!({"name": "ok", "type": "DATA", "properties": [{"name": "a", "data_type_name": "SPARKLES"}]}),
        json!({"name": "ok", "type": "DATA", "properties": [{"name": "a", "data_type_name": "SSN", "secret": 1}]}),
        json!({"name": "ok", "type": "DATA", "properties": [{"name": "a"}]}),
        json!([1, 2]),
    ];
    for body in cases {
        let (status, e) = json_call(&c, "POST", "/ctl/collections", Some(body.clone()));
        assert_eq!(status, 400, "{body} → {e}");
        assert_eq!(e["error_code"], "PV1003", "{e}");
        assert!(e["message"].is_string() && e["context"].is_object(), "{e}");
        assert!(
            !e.to_string().contains("SPARKLES") && !e.to_string().contains("PEOPLE"),
            "{e}"
        );
    }
    for text in [
        "customers PERSONS ( ssn SSN SPARKLY );",
        "customers ( ssn SSN );",
        "x DATA ( a STRING COMMENT 'open );",
    ] {
        let (status, body) = call(
            &c,
            "POST",
            "/ctl/collections",
            Some(text),
            "application/pvschema",
        );
        assert_eq!(status, 400, "{text} → {body}");
        assert!(body.contains("PV1003"), "{body}");
    }
    let (status, e) = json_call(&c, "GET", "/ctl/collections?format=xml", None);
    assert_eq!((status, e["error_code"].as_str()), (400, Some("PV1003")));
    let (status, e) = json_call(&c, "GET", "/ctl/collections/%20drop", None);
    assert_eq!(status, 404);
    assert_eq!(
        e["context"],
        json!({}),
        "a name that is not a name is not echoed"
    );
}

#[test]
fn capabilities_credentials_and_tenants_decide_who_sees_what() {
    let s = TestServer::start();
    let c = vault_key(&s);
    let (status, _) = json_call(
        &c,
        "POST",
        "/ctl/collections",
        Some(json!({"name": "customers", "type": "PERSONS"})),
    );
    assert_eq!(status, 200);
    // No credential, a JWT instead of a key, a wrong key: 401 PV1005.
    let nobody = Client::new(&s.base);
    let jwt = Client::new(&s.base).with_jwt(&s.jwt("alice", &["admin"]));
    let wrong = Client::new(&s.base).with_bearer("tvk_nope");
    for client in [&nobody, &jwt, &wrong] {
        let (status, e) = json_call(client, "GET", "/ctl/collections", None);
        assert_eq!(
            (status, e["error_code"].as_str()),
            (401, Some("PV1005")),
            "{e}"
        );
    }
    // A key whose user has no role in the tenant's IAM configuration: 403 PV1007, audited.
    let issued = s
        .block_on(s.vault.issue_api_key(
            &tokenvault_core::service::Caller {
                tenant: s.tenant.clone(),
                actor: "alice".into(),
                roles: vec!["admin".into()],
                api_key: false,
            },
            "reporting",
            "tr",
        ))
        .unwrap();
    let reporting = Client::new(&s.base).with_bearer(&issued.key);
    let (status, e) = json_call(&reporting, "GET", "/ctl/collections", None);
    assert_eq!(
        (status, e["error_code"].as_str()),
        (403, Some("PV1007")),
        "{e}"
    );
    let (status, e) = json_call(&reporting, "DELETE", "/ctl/collections/customers", None);
    assert_eq!(
        (status, e["error_code"].as_str()),
        (403, Some("PV1007")),
        "{e}"
    );
    let denied = s.admin().audit("action=access_denied&limit=10").unwrap();
    let events = denied["events"].as_array().unwrap();
    assert!(
        events
            .iter()
            .any(|ev| ev["detail"]["capability"] == "CapCollectionsWriter"),
        "{denied}"
    );
    assert!(events.iter().all(|ev| ev["detail"]["user"] == "reporting"));
    // Another tenant's admin key sees nothing of this tenant, not even that the name exists.
    let other_boot = s.block_on(s.vault.bootstrap("globex", 86_400)).unwrap();
    let other = Client::new(&s.base).with_bearer(&other_boot.api_key.key);
    let (status, list) = json_call(&other, "GET", "/ctl/collections", None);
    assert_eq!((status, list), (200, json!([])));
    let (status, e) = json_call(&other, "GET", "/ctl/collections/customers", None);
    assert_eq!((status, e["error_code"].as_str()), (404, Some("PV1004")));
    // Health answers without a credential; unknown paths answer in the surface's format.
    let (status, h) = json_call(&nobody, "GET", "/data/info/health", None);
    assert_eq!((status, h), (200, json!({"status": "pass"})));
    let (status, e) = json_call(&c, "GET", "/ctl/nothing", None);
    assert_eq!((status, e["error_code"].as_str()), (404, Some("PV1012")));
}
