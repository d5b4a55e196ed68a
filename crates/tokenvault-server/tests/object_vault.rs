//! The object vault's collections through the real server, as a Piiano Vault client calls
//! them: JSON and PVSchema, names matched without case, capabilities, Piiano's error body,
//! tenant isolation and hostile input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use common::{
    pvlt::{call, customers, json_call, user_key, vault_key, R},
    TestServer,
};
use serde_json::{json, Value};
use tokenvault_client::Client;

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
    let reporting = user_key(&s, "reporting");
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

#[test]
fn objects_are_checked_sealed_indexed_and_read_back_as_asked() {
    let s = TestServer::start();
    let c = vault_key(&s);
    customers(&c);
    let path = |p: &str| format!("/data/collections/customers{p}");
    let (status, a) = json_call(
        &c,
        "POST",
        &path(&format!("/objects?{R}")),
        Some(
            json!({"ssn": "123-45-6789", "email": "john@gmail.com", "card": "4111 1111 1111 1111"}),
        ),
    );
    assert_eq!(status, 200, "{a}");
    let id = a["_id"].as_str().unwrap().to_owned();
    assert_eq!(id.len(), 36, "a UUID");
    let (status, bulk) = json_call(
        &c,
        "POST",
        &path(&format!("/bulk/objects?{R}")),
        Some(json!([{"ssn": "234-56-7890", "email": "ann@example.com"}, {"ssn": "345-67-8901"}])),
    );
    assert_eq!(status, 200, "{bulk}");
    assert_eq!(bulk["results"].as_array().unwrap().len(), 2);
    // Read by id with props, a transformation and a built-in; unsafe returns everything.
    let (status, got) = json_call(
        &c,
        "GET",
        &path(&format!("/objects/{id}?{R}&props=email.mask,card.mask,_id")),
        None,
    );
    assert_eq!(status, 200, "{got}");
    assert_eq!(
        got,
        json!({"email.mask": "j***@gmail.com", "card.mask": "**** **** **** 1111", "_id": id})
    );
    let (_, all) = json_call(
        &c,
        "GET",
        &path(&format!("/objects/{id}?{R}&options=unsafe")),
        None,
    );
    assert_eq!(
        all["card"], "4111111111111111",
        "stored in its canonical form"
    );
    assert_eq!(all["name"], Value::Null);
    // Exact match on a unique and on an indexed property (any spelling of the value).
    let (status, found) = json_call(
        &c,
        "POST",
        &path(&format!("/query/objects?{R}&props=_id")),
        Some(json!({"match": {"ssn": "123 45 6789"}})),
    );
    assert_eq!(status, 200, "{found}");
    assert_eq!(found["results"], json!([{"_id": id}]));
    let (_, found) = json_call(
        &c,
        "POST",
        &path(&format!("/query/objects?{R}&props=ssn")),
        Some(json!({"in": {"email": ["ann@example.com", "john@gmail.com"]}})),
    );
    assert_eq!(found["results"].as_array().unwrap().len(), 2);
    let (status, e) = json_call(
        &c,
        "POST",
        &path(&format!("/query/objects?{R}&props=ssn")),
        Some(json!({"match": {"card": "4111111111111111"}})),
    );
    assert_eq!(
        (status, e["error_code"].as_str()),
        (400, Some("PV1003")),
        "not indexed: {e}"
    );
    // Paging.
    let (_, p1) = json_call(
        &c,
        "GET",
        &path(&format!("/objects?{R}&props=ssn&page_size=2")),
        None,
    );
    assert_eq!(p1["results"].as_array().unwrap().len(), 2);
    assert_eq!(p1["paging"]["remaining_count"], 1);
    let cursor = p1["paging"]["cursor"].as_str().unwrap().to_owned();
    let (_, p2) = json_call(
        &c,
        "GET",
        &path(&format!(
            "/objects?{R}&props=ssn&page_size=2&cursor={cursor}"
        )),
        None,
    );
    assert_eq!(p2["results"].as_array().unwrap().len(), 1);
    assert_eq!(p2["paging"]["cursor"], "");
    // Unique values, updates and deletes.
    let (status, e) = json_call(
        &c,
        "POST",
        &path(&format!("/objects?{R}")),
        Some(json!({"ssn": "123-45-6789"})),
    );
    assert_eq!(
        (status, e["error_code"].as_str()),
        (409, Some("PV1010")),
        "{e}"
    );
    let (status, _) = json_call(
        &c,
        "PATCH",
        &path(&format!("/objects/{id}?{R}")),
        Some(json!({"name": "John"})),
    );
    assert_eq!(status, 200);
    let (_, got) = json_call(
        &c,
        "GET",
        &path(&format!("/objects/{id}?{R}&props=name,ssn")),
        None,
    );
    assert_eq!(got, json!({"name": "John", "ssn": "123-45-6789"}));
    let (status, _) = json_call(&c, "DELETE", &path(&format!("/objects/{id}?{R}")), None);
    assert_eq!(status, 200);
    let (status, e) = json_call(
        &c,
        "GET",
        &path(&format!("/objects/{id}?{R}&props=ssn")),
        None,
    );
    assert_eq!((status, e["error_code"].as_str()), (404, Some("PV1013")));
    let (status, _) = json_call(
        &c,
        "POST",
        &path(&format!("/objects?{R}")),
        Some(json!({"ssn": "123-45-6789"})),
    );
    assert_eq!(status, 200, "a deleted object's unique value is free again");
    // Every access is audited with the reason and property names, never values.
    let page = s.admin().audit("limit=100").unwrap();
    let text = page.to_string();
    assert!(
        !text.contains("123-45-6789") && !text.contains("john@gmail.com") && !text.contains("4111"),
        "no values in the audit"
    );
    let reads: Vec<&Value> = page["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "object_read")
        .collect();
    assert!(!reads.is_empty());
    assert_eq!(reads[0]["purpose"], "AppFunctionality");
}

#[test]
fn data_calls_need_a_reason_a_capability_and_valid_values() {
    let s = TestServer::start();
    let c = vault_key(&s);
    customers(&c);
    let add = "/data/collections/customers/objects";
    let cases = [
        (add.to_owned(), json!({"ssn": "123-45-6789"}), 400, "PV1001"),
        (
            format!("{add}?reason=Curiosity"),
            json!({"ssn": "123-45-6789"}),
            400,
            "PV1001",
        ),
        (
            format!("{add}?reason=Other"),
            json!({"ssn": "123-45-6789"}),
            400,
            "PV1001",
        ),
        (
            format!("{add}?{R}"),
            json!({"ssn": "666-45-6789"}),
            400,
            "PV1003",
        ),
        (
            format!("{add}?{R}"),
            json!({"email": "a@b.example"}),
            400,
            "PV1003",
        ),
        (
            format!("{add}?{R}"),
            json!({"ssn": "123-45-6789", "nope": 1}),
            400,
            "PV1003",
        ),
        (
            format!("{add}?{R}"),
            json!({"ssn": "123-45-6789", "name": "x".repeat(451)}),
            400,
            "PV1003",
        ),
        (
            format!("{add}?{R}"),
            json!(["not", "an", "object"]),
            400,
            "PV1003",
        ),
        (
            format!("/data/collections/nope/objects?{R}"),
            json!({"ssn": "123-45-6789"}),
            404,
            "PV1004",
        ),
    ];
    for (path, body, status, code) in cases {
        let (got, e) = json_call(&c, "POST", &path, Some(body.clone()));
        assert_eq!(
            (got, e["error_code"].as_str()),
            (status, Some(code)),
            "{path} {body} → {e}"
        );
        assert!(
            !e.to_string().contains("666-45-6789") && !e.to_string().contains("xxxxxxxx"),
            "{e}"
        );
    }
    let (status, _) = json_call(
        &c,
        "POST",
        &format!("{add}?reason=Other&adhoc_reason=migration"),
        Some(json!({"ssn": "123-45-6789"})),
    );
    assert_eq!(status, 200);
    let support = user_key(&s, "support");
    let (status, e) = json_call(&support, "GET", &format!("{add}?{R}&options=unsafe"), None);
    assert_eq!(
        (status, e["error_code"].as_str()),
        (403, Some("PV1007")),
        "{e}"
    );
}

/// The tenant's IAM configuration in TOML: a key named in it gets its role's capabilities,
/// and its policies decide each property (an allow needed, a deny wins, reasons count).
#[test]
fn the_iam_configuration_decides_capabilities_and_data_access() {
    let s = TestServer::start();
    let c = vault_key(&s);
    customers(&c);
    let (status, _) = json_call(
        &c,
        "POST",
        &format!("/data/collections/customers/objects?{R}"),
        Some(json!({"ssn": "123-45-6789", "email": "john@gmail.com"})),
    );
    assert_eq!(status, 200);
    let (status, text) = call(&c, "GET", "/ctl/iam/conf", None, "");
    assert_eq!(status, 200);
    assert!(
        text.contains("[users.bootstrap]") && text.contains("CapSystem"),
        "{text}"
    );
    let conf = format!(
        "{text}
[users.support]
role = \"Support\"

[roles.Support]
capabilities = [\"CapDataReader\", \"CapDataSearcher\"]
policies = [\"SupportReads\", \"NeverSsn\"]

[policies.SupportReads]
policy_type = \"allow\"
operations = [\"read\", \"search\"]
reasons = [\"AppFunctionality\"]
resources = [\"customers/*\"]

[policies.NeverSsn]
policy_type = \"deny\"
operations = [\"read\"]
resources = [\"*/ssn\"]
"
    );
    let (status, body) = call(&c, "POST", "/ctl/iam/conf", Some(&conf), "application/toml");
    assert_eq!(status, 200, "{body}");
    let support = user_key(&s, "support");
    let list = "/data/collections/customers/objects";
    let (status, page) = json_call(
        &support,
        "GET",
        &format!("{list}?{R}&props=email.mask"),
        None,
    );
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["results"][0]["email.mask"], "j***@gmail.com");
    let (status, e) = json_call(&support, "GET", &format!("{list}?{R}&props=ssn"), None);
    assert_eq!(
        (status, e["error_code"].as_str()),
        (403, Some("PV1006")),
        "deny wins: {e}"
    );
    let (status, e) = json_call(
        &support,
        "GET",
        &format!("{list}?reason=Marketing&props=email"),
        None,
    );
    assert_eq!(
        (status, e["error_code"].as_str()),
        (403, Some("PV1006")),
        "reason: {e}"
    );
    let (status, e) = json_call(
        &support,
        "POST",
        &format!("{list}?{R}"),
        Some(json!({"ssn": "234-56-7890"})),
    );
    assert_eq!(
        (status, e["error_code"].as_str()),
        (403, Some("PV1007")),
        "no CapDataWriter: {e}"
    );
    let (status, e) = call(&support, "GET", "/ctl/iam/conf", None, "");
    assert_eq!(status, 403, "{e}");
    // A configuration that does not hold together is refused, and the old one stays.
    for bad in ["[users.x]\nrole = \"Nope\"", "not toml at all ["] {
        let (status, body) = call(&c, "POST", "/ctl/iam/conf", Some(bad), "application/toml");
        assert_eq!(status, 400, "{body}");
        assert!(body.contains("PV1003"), "{body}");
    }
    let (_, again) = call(&c, "GET", "/ctl/iam/conf", None, "");
    assert_eq!(again, conf);
    let denied = s.admin().audit("action=access_denied&limit=20").unwrap();
    assert!(
        denied["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["detail"]["resource"] == "customers/ssn"),
        "{denied}"
    );
}

/// `regen` gives a user a new key and ends its old ones.
#[test]
fn regenerating_a_users_key_revokes_the_old_one() {
    let s = TestServer::start();
    let c = vault_key(&s);
    let (status, body) = call(
        &c,
        "POST",
        "/ctl/iam/user/regen",
        Some("{\"name\": \"bootstrap\"}"),
        "",
    );
    assert_eq!(status, 200, "{body}");
    let key = serde_json::from_str::<Value>(&body).unwrap()["api_key"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, _) = json_call(&c, "GET", "/ctl/collections", None);
    assert_eq!(status, 401, "the old key no longer works");
    let fresh = Client::new(&s.base).with_bearer(&key);
    let (status, _) = json_call(&fresh, "GET", "/ctl/collections", None);
    assert_eq!(status, 200);
    let (status, e) = json_call(
        &fresh,
        "POST",
        "/ctl/iam/user/regen",
        Some(json!({"name": "ghost"})),
    );
    assert_eq!(
        (status, e["error_code"].as_str()),
        (404, Some("PV1014")),
        "{e}"
    );
}

/// Every endpoint of the object vault's table refuses a key whose user has no role (403
/// PV1007, before the body is read) and writes the refusal to the audit chain.
#[test]
fn every_endpoint_refuses_and_audits_a_user_without_the_capability() {
    use tokenvault_server::pvlt::access::PvltEndpoint;
    let s = TestServer::start();
    customers(&vault_key(&s));
    let nobody = user_key(&s, "nobody");
    for e in PvltEndpoint::ALL {
        let (route, cap) = e.access();
        let (method, path) = route.split_once(' ').unwrap();
        let path = path
            .replace("{collection}", "customers")
            .replace("{id}", "018bcfe5-6800-7000-8000-000000000000");
        let body = (method != "GET" && method != "DELETE").then_some("{}");
        let (status, text) = call(&nobody, method, &format!("{path}?{R}"), body, "");
        assert_eq!(status, 403, "{route}: {text}");
        assert!(text.contains("PV1007"), "{route}: {text}");
        let page = s.admin().audit("action=access_denied&limit=1").unwrap();
        assert_eq!(
            page["events"][0]["detail"]["capability"],
            cap.as_str(),
            "{route}"
        );
        assert_eq!(page["events"][0]["detail"]["user"], "nobody", "{route}");
    }
}

/// Reads are bounded: at most 1,000 ids per call and 1,000 matches per query.
#[test]
fn reads_by_id_and_queries_are_bounded() {
    let s = TestServer::start();
    let c = vault_key(&s);
    customers(&c);
    let ids: Vec<String> = (0..1001).map(|i| format!("id{i}")).collect();
    let (status, e) = json_call(
        &c,
        "GET",
        &format!(
            "/data/collections/customers/objects?{R}&props=ssn&ids={}",
            ids.join(",")
        ),
        None,
    );
    assert_eq!(
        (status, e["error_code"].as_str()),
        (400, Some("PV1003")),
        "{e}"
    );
    let many: Vec<Value> = (0..1001)
        .map(|i| json!({"ssn": format!("123-45-{:04}", i + 1), "email": "same@example.com"}))
        .collect();
    let (status, _) = json_call(
        &c,
        "POST",
        &format!("/data/collections/customers/bulk/objects?{R}"),
        Some(json!(many[..1000])),
    );
    assert_eq!(status, 200);
    let (status, _) = json_call(
        &c,
        "POST",
        &format!("/data/collections/customers/objects?{R}"),
        Some(many[1000].clone()),
    );
    assert_eq!(status, 200);
    let (status, e) = json_call(
        &c,
        "POST",
        &format!("/data/collections/customers/query/objects?{R}&props=_id"),
        Some(json!({"match": {"email": "same@example.com"}})),
    );
    assert_eq!(
        (status, e["error_code"].as_str()),
        (400, Some("PV1003")),
        "{e}"
    );
    assert!(
        e["message"].as_str().unwrap().contains("narrow the query"),
        "{e}"
    );
}
