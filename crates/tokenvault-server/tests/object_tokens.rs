//! The object vault's tokens through the real server, case by case against seed 004's page
//! (Tokenize): each field, both token types, reuse, tags appended, TTL, the PAN template, all
//! or none; then detokenize, search, update, delete, rotate and count, IAM, tenants and
//! hostile input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use common::{
    pvlt::{call, customers, json_call, user_key, vault_key, R},
    TestServer, START,
};
use serde_json::{json, Value};
use tokenvault_client::Client;
use tokenvault_core::service::VaultConfig;

const TOKENS: &str = "/data/collections/customers/tokens";

fn add(c: &Client, body: Value) -> String {
    let (status, r) = json_call(
        c,
        "POST",
        &format!("/data/collections/customers/objects?{R}"),
        Some(body),
    );
    assert_eq!(status, 200, "{r}");
    r["_id"].as_str().unwrap().to_owned()
}

fn tokenize(c: &Client, query: &str, body: Value) -> (u16, Value) {
    json_call(c, "POST", &format!("{TOKENS}?{R}{query}"), Some(body))
}

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|t| t["token_id"].as_str().unwrap().to_owned())
        .collect()
}

fn detok(c: &Client, query: &str) -> (u16, Value) {
    json_call(c, "GET", &format!("{TOKENS}?{R}&{query}"), None)
}

fn meta(c: &Client, body: Value, options: &str) -> Value {
    let (status, m) = json_call(
        c,
        "POST",
        &format!("/data/collections/customers/query/tokens?{R}{options}"),
        Some(body),
    );
    assert_eq!(status, 200, "{m}");
    m
}

fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.chars().enumerate().all(|(i, ch)| {
            if [8, 13, 18, 23].contains(&i) {
                ch == '-'
            } else {
                ch.is_ascii_hexdigit()
            }
        })
}

fn code(v: &Value) -> &str {
    v["error_code"].as_str().unwrap_or("")
}

#[test]
fn value_and_pointer_tokens_as_the_page_describes() {
    let s = TestServer::start();
    let c = vault_key(&s);
    customers(&c);
    let a = add(
        &c,
        json!({"ssn": "123-45-6789", "email": "ann@example.com"}),
    );
    let b = add(
        &c,
        json!({"ssn": "287-65-4321", "email": "bob@example.com"}),
    );
    // One token per object id, in request order; several props make one token; UUID ids.
    let (status, made) = tokenize(
        &c,
        "",
        json!({"object_ids": [b, a], "props": ["ssn", "email"], "type": "VALUE"}),
    );
    assert_eq!(status, 200, "{made}");
    let value = ids(&made);
    assert_eq!(value.len(), 2);
    assert!(value.iter().all(|id| is_uuid(id)), "{made}");
    assert_eq!(made[0]["object_id"], b.as_str());
    let (_, made) = tokenize(
        &c,
        "",
        json!({"object_ids": [a], "props": ["email"], "type": "POINTER"}),
    );
    let pointer = ids(&made).remove(0);
    let (status, got) = detok(&c, &format!("token_ids={}", value[1]));
    assert_eq!(status, 200, "{got}");
    assert_eq!(
        got,
        json!([{"token_id": value[1], "fields": {"ssn": "123-45-6789", "email": "ann@example.com"}}])
    );
    // After the object changes, VALUE keeps the values at creation, POINTER reads the new ones.
    let (status, _) = json_call(
        &c,
        "PATCH",
        &format!("/data/collections/customers/objects/{a}?{R}"),
        Some(json!({"email": "ann@new.example"})),
    );
    assert_eq!(status, 200);
    let (_, got) = detok(&c, &format!("token_ids={},{pointer}", value[1]));
    assert_eq!(got[0]["fields"]["email"], "ann@example.com");
    assert_eq!(got[1]["fields"], json!({"email": "ann@new.example"}));
    // props narrows and masks; metadata on request.
    let (_, got) = detok(
        &c,
        &format!(
            "token_ids={}&props=ssn.mask&options=include_metadata",
            value[0]
        ),
    );
    assert_eq!(got[0]["fields"], json!({"ssn.mask": "***-**-4321"}));
    let m = &got[0]["metadata"];
    assert_eq!(
        (m["type"].as_str(), m["scope"].as_str()),
        (Some("VALUE"), Some("default"))
    );
    assert_eq!(m["object_ids"], json!([b]));
    assert_eq!(m["reversible"], true);
    // By object id: that object's tokens; the seed's singular name too.
    let (_, got) = detok(&c, &format!("object_id={a}"));
    let mut found = ids(&got);
    found.sort();
    let mut want = vec![value[1].clone(), pointer.clone()];
    want.sort();
    assert_eq!(found, want);
    // A deleted object's tokens stop working, VALUE ones too.
    let (status, _) = json_call(
        &c,
        "DELETE",
        &format!("/data/collections/customers/objects/{a}?{R}"),
        None,
    );
    assert_eq!(status, 200);
    for t in [&value[1], &pointer] {
        let (status, e) = detok(&c, &format!("token_ids={t}"));
        assert_eq!((status, code(&e)), (404, "PV3087"), "{e}");
    }
    let (status, got) = detok(&c, &format!("object_ids={a}"));
    assert_eq!((status, got), (200, json!([])));
}

#[test]
fn no_tokens_are_made_when_any_object_id_is_invalid_or_unknown() {
    let s = TestServer::start();
    let c = vault_key(&s);
    customers(&c);
    let a = add(&c, json!({"ssn": "123-45-6789"}));
    for bad in ["018bcfe5-6800-7000-8000-000000000000", "not-a-uuid"] {
        let (status, e) = tokenize(
            &c,
            "",
            json!({"object_ids": [a, bad], "props": ["ssn"], "type": "VALUE"}),
        );
        assert_eq!((status, code(&e)), (404, "PV1013"), "{e}");
        assert!(!e.to_string().contains(bad) || bad.len() > 20, "{e}");
    }
    let (_, n) = json_call(
        &c,
        "GET",
        &format!("/data/collections/customers/count/tokens?{R}"),
        None,
    );
    assert_eq!(n, json!({"active": 0, "archived": 0, "total": 0}));
}

#[test]
fn reuse_appends_tags_and_moves_expiry_as_the_page_says() {
    let config = VaultConfig {
        object_token_ttl_seconds: Some(1_000),
        ..VaultConfig::default()
    };
    let s = TestServer::start_with(tokenvault_server::ServerSettings::default(), config);
    let c = vault_key(&s);
    customers(&c);
    let a = add(
        &c,
        json!({"ssn": "123-45-6789", "email": "ann@example.com"}),
    );
    let body = |tags: &[&str], extra: Value| {
        let mut b = json!({"object_ids": [a], "props": ["ssn"], "type": "VALUE",
                           "reuse_token_id": true, "tags": tags});
        b.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        b
    };
    let expiry = |id: &str| meta(&c, json!({"token_ids": [id]}), "")[0]["expiration_time"].clone();
    let at = |t: i64| Value::from(tokenvault_core::clock::rfc3339(t));
    let (_, made) = tokenize(&c, "&ttl=100", body(&["a", "b"], json!({})));
    let first = ids(&made).remove(0);
    assert_eq!(expiry(&first), at(START + 100));
    // The same object, values and scope: the same id; tags appended (union, order kept).
    let (_, made) = tokenize(&c, "&ttl=50", body(&["b", "c"], json!({})));
    assert_eq!(ids(&made)[..], [first.as_str()]);
    let m = meta(&c, json!({"token_ids": [first]}), "");
    assert_eq!(m[0]["tags"], json!(["a", "b", "c"]));
    // An explicit TTL sets the expiry, even earlier; without one the default moves it only later.
    assert_eq!(expiry(&first), at(START + 50));
    tokenize(&c, "", body(&[], json!({})));
    assert_eq!(expiry(&first), at(START + 1_000));
    tokenize(&c, "&ttl=5000", body(&[], json!({})));
    s.clock.advance(100);
    tokenize(&c, "", body(&[], json!({})));
    assert_eq!(
        expiry(&first),
        at(START + 5_000),
        "the default is earlier: kept"
    );
    // Another scope, other values, or no reuse: other ids.
    let (_, other_scope) = tokenize(&c, "", body(&[], json!({"scope": "analytics"})));
    assert_ne!(ids(&other_scope)[..], [first.as_str()]);
    let (_, no_reuse) = tokenize(&c, "", body(&[], json!({"reuse_token_id": false})));
    assert_ne!(ids(&no_reuse)[..], [first.as_str()]);
    // Tags stay at most ten: a union past ten is refused and changes nothing.
    let many: Vec<String> = (0..8).map(|i| format!("t{i}")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    let (status, e) = tokenize(&c, "", body(&many, json!({})));
    assert_eq!((status, code(&e)), (400, "PV1003"), "{e}");
    assert_eq!(
        meta(&c, json!({"token_ids": [first]}), "")[0]["tags"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    // Values are part of what is reused: after the SSN changes, a new token.
    json_call(
        &c,
        "PATCH",
        &format!("/data/collections/customers/objects/{a}?{R}"),
        Some(json!({"ssn": "111-22-3333"})),
    );
    let (_, changed) = tokenize(&c, "", body(&[], json!({})));
    assert_ne!(ids(&changed)[..], [first.as_str()]);
    // An expired reusable token is not reused: it stops working and a new one is made.
    s.clock.advance(6_000);
    let (status, e) = detok(&c, &format!("token_ids={first}"));
    assert_eq!((status, code(&e)), (404, "PV3087"));
    json_call(
        &c,
        "PATCH",
        &format!("/data/collections/customers/objects/{a}?{R}"),
        Some(json!({"ssn": "123-45-6789"})),
    );
    let (_, again) = tokenize(&c, "", body(&[], json!({})));
    assert_ne!(ids(&again)[..], [first.as_str()]);
    let archived = meta(&c, json!({"token_ids": [first]}), "&options=archived");
    assert!(archived[0]["deletion_time"].is_string(), "{archived}");
}

/// ISO/IEC 7812 check digit, written here from the standard (not the vault's code).
fn luhn_ok(s: &str) -> bool {
    let sum: u32 = s
        .chars()
        .rev()
        .enumerate()
        .map(|(i, ch)| {
            let d = ch.to_digit(10).unwrap();
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

#[test]
fn pan_template_ids_and_tokens_that_cannot_be_detokenized() {
    let s = TestServer::start();
    let c = vault_key(&s);
    customers(&c);
    let a = add(
        &c,
        json!({"ssn": "123-45-6789", "card": "5500 0000 0000 0004"}),
    );
    let (status, made) = tokenize(
        &c,
        "",
        json!({"object_ids": [a], "props": ["card"], "type": "VALUE",
               "fptemplate": "primary_account_number", "fpprops": ["card"]}),
    );
    assert_eq!(status, 200, "{made}");
    let pan = ids(&made).remove(0);
    assert_eq!(pan.len(), 16);
    assert!(pan.starts_with("550000") && pan.ends_with("0004"), "{pan}");
    assert!(luhn_ok(&pan), "{pan}");
    let (_, got) = detok(&c, &format!("token_ids={pan}"));
    assert_eq!(got[0]["fields"]["card"], "5500000000000004");
    // Rotation keeps the template: a new PAN with the same edges; the old id stops working.
    let (status, rotated) = json_call(
        &c,
        "POST",
        &format!("/data/collections/customers/rotate/tokens?{R}&token_ids={pan}"),
        None,
    );
    assert_eq!(status, 200, "{rotated}");
    let new = rotated[&pan].as_str().unwrap().to_owned();
    assert!(new.starts_with("550000") && new.ends_with("0004") && luhn_ok(&new));
    assert_eq!(detok(&c, &format!("token_ids={pan}")).0, 404);
    assert_eq!(
        detok(&c, &format!("token_ids={new}")).1[0]["fields"]["card"],
        "5500000000000004"
    );
    // The template reads one CC_NUMBER property.
    for (tpl, fpprops) in [
        (json!("primary_account_number"), json!(["ssn"])),
        (json!("primary_account_number"), json!([])),
        (json!("uuid7"), json!(["card"])),
    ] {
        let (status, e) = tokenize(
            &c,
            "",
            json!({"object_ids": [a], "props": ["card"], "type": "VALUE",
                   "fptemplate": tpl, "fpprops": fpprops}),
        );
        assert_eq!((status, code(&e)), (400, "PV1003"), "{e}");
    }
    // reversible: false — searchable, never detokenized.
    let (_, made) = tokenize(
        &c,
        "",
        json!({"object_ids": [a], "props": ["ssn"], "type": "VALUE", "reversible": false,
               "tags": ["oneway"]}),
    );
    let oneway = ids(&made).remove(0);
    let (status, e) = detok(&c, &format!("token_ids={oneway}"));
    assert_eq!((status, code(&e)), (400, "PV1003"), "{e}");
    let (status, got) = detok(&c, "tags=oneway");
    assert_eq!((status, got), (200, json!([])));
    assert_eq!(
        meta(&c, json!({"tags": ["oneway"]}), "")[0]["reversible"],
        false
    );
}

#[test]
fn update_delete_rotate_search_and_count() {
    let s = TestServer::start();
    let c = vault_key(&s);
    customers(&c);
    let a = add(
        &c,
        json!({"ssn": "123-45-6789", "email": "ann@example.com"}),
    );
    let (_, made) = tokenize(
        &c,
        "",
        json!({"object_ids": [a, a, a], "props": ["email"], "type": "VALUE", "tags": ["x"]}),
    );
    let t = ids(&made);
    // PATCH replaces tags and sets the expiry of the selected tokens.
    let (status, _) = json_call(
        &c,
        "PATCH",
        &format!("{TOKENS}?{R}&token_ids={}&ttl=60", t[0]),
        Some(json!({"tags": ["y"]})),
    );
    assert_eq!(status, 200);
    let m = meta(&c, json!({"token_ids": [t[0]]}), "");
    assert_eq!(m[0]["tags"], json!(["y"]));
    assert_eq!(
        m[0]["expiration_time"],
        Value::from(tokenvault_core::clock::rfc3339(START + 60))
    );
    assert_eq!(
        meta(&c, json!({"tags": ["x"]}), "")
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // Object and tag selectors must both match.
    let (_, got) = detok(&c, &format!("object_ids={a}&tags=y"));
    assert_eq!(ids(&got), [t[0].clone()]);
    // Soft delete archives; hard delete removes; no match is PV3009.
    let (status, _) = json_call(
        &c,
        "DELETE",
        &format!("{TOKENS}?{R}&token_ids={}", t[1]),
        None,
    );
    assert_eq!(status, 200);
    assert_eq!(detok(&c, &format!("token_ids={}", t[1])).0, 404);
    assert!(meta(&c, json!({"token_ids": [t[1]]}), "")
        .as_array()
        .unwrap()
        .is_empty());
    assert_eq!(
        meta(&c, json!({"token_ids": [t[1]]}), "&options=archived")
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let (_, n) = json_call(
        &c,
        "GET",
        &format!("/data/collections/customers/count/tokens?{R}"),
        None,
    );
    assert_eq!(n, json!({"active": 2, "archived": 1, "total": 3}));
    let (status, _) = json_call(
        &c,
        "DELETE",
        &format!("{TOKENS}?{R}&token_ids={}&options=hard_delete", t[1]),
        None,
    );
    assert_eq!(status, 200);
    assert!(meta(&c, json!({"token_ids": [t[1]]}), "&options=archived")
        .as_array()
        .unwrap()
        .is_empty());
    let (status, e) = json_call(&c, "DELETE", &format!("{TOKENS}?{R}&tags=nothing"), None);
    assert_eq!((status, code(&e)), (404, "PV3009"));
    let (status, e) = json_call(
        &c,
        "PATCH",
        &format!("{TOKENS}?{R}&tags=nothing"),
        Some(json!({"tags": ["z"]})),
    );
    assert_eq!((status, code(&e)), (404, "PV3009"));
    // Rotate: new ids for old; the old stop working; unknown ids are PV3087.
    let (_, rotated) = json_call(
        &c,
        "POST",
        &format!(
            "/data/collections/customers/rotate/tokens?{R}&token_ids={}",
            t[2]
        ),
        None,
    );
    let new = rotated[&t[2]].as_str().unwrap().to_owned();
    assert!(is_uuid(&new) && new != t[2]);
    assert_eq!(detok(&c, &format!("token_ids={}", t[2])).0, 404);
    assert_eq!(
        detok(&c, &format!("token_ids={new}")).1[0]["fields"]["email"],
        "ann@example.com"
    );
    assert_eq!(
        meta(&c, json!({"token_ids": [new]}), "")[0]["tags"],
        json!(["x"])
    );
    let (status, e) = json_call(
        &c,
        "POST",
        &format!(
            "/data/collections/customers/rotate/tokens?{R}&token_ids={}",
            t[2]
        ),
        None,
    );
    assert_eq!((status, code(&e)), (404, "PV3087"));
    // Expired tokens stop working; their effective expiry is the earlier of theirs and the object's.
    let (status, obj) = json_call(
        &c,
        "POST",
        &format!("/data/collections/customers/objects?{R}&ttl=30"),
        Some(json!({"ssn": "222-33-4444"})),
    );
    assert_eq!(status, 200);
    let (_, made) = tokenize(
        &c,
        "&ttl=300",
        json!({"object_ids": [obj["_id"]], "props": ["ssn"], "type": "POINTER"}),
    );
    let short = ids(&made).remove(0);
    let m = meta(&c, json!({"token_ids": [short]}), "");
    assert_eq!(
        m[0]["effective_expiration_time"],
        Value::from(tokenvault_core::clock::rfc3339(START + 30))
    );
    assert_eq!(
        m[0]["tokens"][0]["effective_expiration_time"],
        m[0]["effective_expiration_time"]
    );
    s.clock.advance(61);
    assert_eq!(
        detok(&c, &format!("token_ids={}", t[0])).0,
        404,
        "past its own ttl"
    );
    assert_eq!(
        detok(&c, &format!("token_ids={short}")).0,
        404,
        "past its object's ttl"
    );
}

#[test]
fn the_later_revisions_body_and_inline_fields() {
    let s = TestServer::start();
    let c = vault_key(&s);
    customers(&c);
    let a = add(
        &c,
        json!({"ssn": "123-45-6789", "email": "ann@example.com"}),
    );
    let item =
        |t: &str, object: Value, props: Value| json!({"type": t, "object": object, "props": props});
    let (status, made) = tokenize(
        &c,
        "&expiration_secs=600",
        json!([
            item("deterministic", json!({"id": a}), json!(["email"])),
            item("deterministic", json!({"id": a}), json!(["email"])),
            item("randomized", json!({"id": a}), json!(["email"])),
            item("pointer", json!({"id": a}), json!(["ssn"])),
            item(
                "randomized",
                json!({"fields": {"email": "zed@example.com"}}),
                json!(null)
            ),
            item("pci_oneway", json!({"id": a}), json!(["ssn"])),
        ]),
    );
    assert_eq!(status, 200, "{made}");
    let t = ids(&made);
    assert_eq!(t[0], t[1], "deterministic tokens reuse their id");
    assert_ne!(t[0], t[2]);
    assert!(made[4].get("object_id").is_none());
    let (_, got) = detok(&c, &format!("token_ids={},{}", t[3], t[4]));
    assert_eq!(got[0]["fields"], json!({"ssn": "123-45-6789"}));
    assert_eq!(got[1]["fields"], json!({"email": "zed@example.com"}));
    let m = meta(&c, json!({"token_ids": [t[0], t[5]]}), "");
    assert_eq!(m[0]["type"], "deterministic");
    assert_eq!(
        (m[1]["type"].as_str(), m[1]["reversible"].as_bool()),
        (Some("pci_oneway"), Some(false))
    );
    assert_eq!(
        m[0]["expiration_time"],
        Value::from(tokenvault_core::clock::rfc3339(START + 600))
    );
    // Inline values are checked against the collection; a pointer needs a stored object.
    for bad in [
        json!([item(
            "randomized",
            json!({"fields": {"email": "not an email"}}),
            json!(null)
        )]),
        json!([item(
            "pointer",
            json!({"fields": {"email": "a@b.co"}}),
            json!(null)
        )]),
        json!([item(
            "randomized",
            json!({"id": a, "fields": {}}),
            json!(["email"])
        )]),
        json!([item("sideways", json!({"id": a}), json!(["email"]))]),
        json!([{"type": "randomized", "object": {"id": a}, "props": ["email"], "store_object": true}]),
    ] {
        let (status, e) = tokenize(&c, "", bad.clone());
        assert_eq!((status, code(&e)), (400, "PV1003"), "{bad}: {e}");
        assert!(!e.to_string().contains("not an email"), "{e}");
    }
}

#[test]
fn policies_decide_tokenize_and_detokenize_per_property() {
    let s = TestServer::start();
    let c = vault_key(&s);
    customers(&c);
    let a = add(
        &c,
        json!({"ssn": "123-45-6789", "email": "ann@example.com"}),
    );
    let (_, conf) = call(&c, "GET", "/ctl/iam/conf", None, "");
    let conf = format!(
        "{conf}
[users.support]
role = \"Support\"

[roles.Support]
capabilities = [\"CapTokensWriter\", \"CapTokensDetokenizer\"]
policies = [\"Tokens\", \"NoEmail\"]

[policies.Tokens]
policy_type = \"allow\"
operations = [\"tokenize\", \"detokenize\"]
reasons = [\"AppFunctionality\"]
resources = [\"customers/*\"]

[policies.NoEmail]
policy_type = \"deny\"
operations = [\"detokenize\"]
resources = [\"*/email\"]
"
    );
    let (status, body) = call(&c, "POST", "/ctl/iam/conf", Some(&conf), "application/toml");
    assert_eq!(status, 200, "{body}");
    let support = user_key(&s, "support");
    let (status, made) = tokenize(
        &support,
        "",
        json!({"object_ids": [a], "props": ["ssn", "email"], "type": "VALUE"}),
    );
    assert_eq!(status, 200, "{made}");
    let t = ids(&made).remove(0);
    // Deny beats allow: the email is refused (its mask too: a plain pattern covers it); the
    // SSN and its mask are not.
    for props in ["", "&props=email.mask", "&props=ssn,email"] {
        let (status, e) = detok(&support, &format!("token_ids={t}{props}"));
        assert_eq!((status, code(&e)), (403, "PV1006"), "{props}: {e}");
    }
    let (status, got) = detok(&support, &format!("token_ids={t}&props=ssn.mask,ssn"));
    assert_eq!(status, 200, "{got}");
    assert_eq!(
        got[0]["fields"],
        json!({"ssn.mask": "***-**-6789", "ssn": "123-45-6789"})
    );
    // The reason matters; a missing capability is PV1007; a missing reason PV1001.
    let (status, e) = json_call(
        &support,
        "GET",
        &format!("{TOKENS}?reason=Marketing&token_ids={t}&props=ssn"),
        None,
    );
    assert_eq!((status, code(&e)), (403, "PV1006"), "{e}");
    let (status, e) = json_call(
        &support,
        "POST",
        &format!("/data/collections/customers/query/tokens?{R}"),
        Some(json!({"token_ids": [t]})),
    );
    assert_eq!((status, code(&e)), (403, "PV1007"), "{e}");
    let (status, e) = json_call(&support, "GET", &format!("{TOKENS}?token_ids={t}"), None);
    assert_eq!((status, code(&e)), (400, "PV1001"), "{e}");
    // Every access is audited with properties and counts, never values or token ids.
    let page = s.admin().audit("action=object_detokenize&limit=5").unwrap();
    let text = page.to_string();
    assert!(
        text.contains("customers/ssn") && text.contains("\"support\""),
        "{text}"
    );
    assert!(
        !text.contains("123-45-6789") && !text.contains(&t),
        "{text}"
    );
    let denied = s.admin().audit("action=access_denied&limit=5").unwrap();
    assert!(denied.to_string().contains("customers/email"), "{denied}");
}

#[test]
fn tokens_belong_to_their_tenant() {
    let s = TestServer::start();
    let c = vault_key(&s);
    customers(&c);
    let a = add(&c, json!({"ssn": "123-45-6789"}));
    let (_, made) = tokenize(
        &c,
        "",
        json!({"object_ids": [a], "props": ["ssn"], "type": "VALUE"}),
    );
    let t = ids(&made).remove(0);
    let other_boot = s.block_on(s.vault.bootstrap("globex", 86_400)).unwrap();
    let other = Client::new(&s.base).with_bearer(&other_boot.api_key.key);
    let (status, e) = detok(&other, &format!("token_ids={t}"));
    assert_eq!((status, code(&e)), (404, "PV1004"), "{e}");
    customers(&other);
    let (status, e) = detok(&other, &format!("token_ids={t}"));
    assert_eq!((status, code(&e)), (404, "PV3087"), "{e}");
    let (status, e) = tokenize(
        &other,
        "",
        json!({"object_ids": [a], "props": ["ssn"], "type": "VALUE"}),
    );
    assert_eq!((status, code(&e)), (404, "PV1013"), "{e}");
}

#[test]
fn hostile_token_requests_get_clear_errors_without_their_values() {
    let s = TestServer::start();
    let c = vault_key(&s);
    customers(&c);
    let a = add(&c, json!({"ssn": "123-45-6789"}));
    let eleven: Vec<String> = (0..11).map(|i| format!("t{i}")).collect();
    let long_tag = "x".repeat(129);
    let cases = [
        json!({"object_ids": [a], "props": ["ssn"], "type": "VALUE", "tags": eleven}),
        json!({"object_ids": [a], "props": ["ssn"], "type": "VALUE", "tags": [long_tag]}),
        json!({"object_ids": [a], "props": ["nope"], "type": "VALUE"}),
        json!({"object_ids": [a], "props": [], "type": "VALUE"}),
        json!({"object_ids": [a], "props": ["ssn", "SSN"], "type": "VALUE"}),
        json!({"object_ids": [a], "props": ["ssn"], "type": "value"}),
        json!({"object_ids": [a], "props": ["ssn"], "type": "POINTER", "reuse_token_id": true}),
        json!({"object_ids": [], "props": ["ssn"], "type": "VALUE"}),
        json!({"object_ids": [a], "props": ["ssn"], "type": "VALUE", "scope": "s".repeat(257)}),
        json!({"object_ids": [a], "props": "ssn", "type": "VALUE"}),
        json!({"object_ids": [a], "props": ["ssn"], "type": "VALUE", "secret": "123-45-6789"}),
        json!({"object_ids": ["x".repeat(451)], "props": ["ssn"], "type": "VALUE"}),
        json!("123-45-6789"),
    ];
    for body in cases {
        let (status, e) = tokenize(&c, "", body.clone());
        assert_eq!((status, code(&e)), (400, "PV1003"), "{body}: {e}");
        let text = e.to_string();
        assert!(
            !text.contains("123-45-6789") && !text.contains("xxxxxxxxxx"),
            "{text}"
        );
    }
    for query in ["&ttl=abc", "&ttl=-5", "&expiration_secs=99999999999"] {
        let (status, e) = tokenize(
            &c,
            query,
            json!({"object_ids": [a], "props": ["ssn"], "type": "VALUE"}),
        );
        assert_eq!((status, code(&e)), (400, "PV1003"), "{query}: {e}");
    }
    let (status, _) = call(&c, "POST", &format!("{TOKENS}?{R}"), Some("{not json"), "");
    assert_eq!(status, 400);
    let (status, e) = detok(&c, "props=ssn");
    assert_eq!(
        (status, code(&e)),
        (400, "PV1003"),
        "a selector is required: {e}"
    );
    let many: Vec<String> = (0..1001).map(|i| format!("id{i}")).collect();
    let (status, e) = detok(&c, &format!("token_ids={}", many.join(",")));
    assert_eq!((status, code(&e)), (400, "PV1003"), "{e}");
    let (status, e) = detok(&c, "token_ids=abc&options=unknown_option&bogus=1");
    assert_eq!((status, code(&e)), (400, "PV1003"), "{e}");
}
