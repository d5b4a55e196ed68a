//! Management authorization: every endpoint that needs a permission refuses a caller without
//! it and audits the refusal; the role mapping; widening changes audited as such; the
//! two-person rule.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use common::{item, TestServer};
use serde_json::{json, Value};
use tokenvault_client::Client;
use tokenvault_proto::{GrantRequest, TokenizeRequest};
use tokenvault_server::access::{AuthKind, Endpoint};

fn user(s: &TestServer, name: &str, roles: &[&str]) -> Client {
    Client::new(&s.base).with_jwt(&s.jwt(name, roles))
}

fn call(c: &Client, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let body = body.map(|b| b.to_string());
    let r = c.raw(method, path, body.as_deref(), &[]).unwrap();
    (r.status, r.json())
}

fn denied_events(s: &TestServer) -> Vec<Value> {
    let (status, page) = call(
        &s.admin(),
        "GET",
        "/audit?action=access_denied&limit=100",
        None,
    );
    assert_eq!(status, 200);
    page["events"].as_array().unwrap().clone()
}

/// The attack of the security probe: a user with no useful role rewrites the policy to allow
/// itself, then reads plaintext. Every step must be refused and audited.
#[test]
fn a_user_without_permissions_cannot_widen_a_policy_and_read_plaintext() {
    let s = TestServer::start();
    s.hipaa_policy();
    let resp = s
        .api()
        .tokenize(
            &TokenizeRequest {
                items: vec![item("123-45-6789", "us_ssn")],
                policy_id: "pol_hipaa".into(),
                batch_policy_version: None,
                batch_mode: None,
                idempotency_key: None,
                trace_id: None,
            },
            false,
        )
        .unwrap();
    let token_id = resp.results[0].token_id.clone().unwrap();
    for roles in [&[][..], &["intern"][..]] {
        let intern = user(&s, "mallory", roles);
        let (status, body) = call(&intern, "GET", "/policies", None);
        assert_eq!(status, 403, "{body}");
        assert_eq!(body["error"]["code"], "ACCESS_DENIED");
        assert!(body["error"]["detail"]
            .as_str()
            .unwrap()
            .contains("policies:read"));
        let widened = json!({
            "name": "HIPAA", "type_rules": {"us_ssn": {"mode": "deterministic", "acknowledge_small_domain": true}},
            "allowed_roles": ["admin", "intern"], "allowed_purposes": ["customer_support"],
            "require_reason": false, "failure_policy": "fail_closed"
        });
        let (status, _) = call(&intern, "PUT", "/policies/pol_hipaa", Some(widened));
        assert_eq!(status, 403);
        let (status, _) = call(
            &intern,
            "DELETE",
            &format!("/vault/{token_id}"),
            Some(json!({"reason": "x"})),
        );
        assert_eq!(status, 403);
        let (status, _) = call(&intern, "GET", "/audit", None);
        assert_eq!(status, 403);
        let grant = intern.grant(&GrantRequest {
            token_ids: vec![token_id.clone()],
            purpose: "customer_support".into(),
            reason: Some("x".into()),
            trace_id: None,
        });
        assert_eq!(grant.unwrap_err().code(), Some("ACCESS_DENIED"));
    }
    let policy = s
        .admin()
        .raw("GET", "/policies/pol_hipaa", None, &[])
        .unwrap();
    assert_eq!(policy.json()["version"], 1, "the policy was not changed");
    let denied = denied_events(&s);
    assert_eq!(denied.len(), 8, "{denied:?}");
    assert!(denied
        .iter()
        .all(|e| e["actor"] == "mallory" && e["result"] == "denied"));
    assert!(denied
        .iter()
        .any(|e| e["detail"]["permission"] == "policies:write"
            && e["detail"]["endpoint"] == "PUT /api/v1/tokens/policies/{id}"));
}

fn concrete(route: &str) -> (String, String) {
    let (method, path) = route.split_once(' ').unwrap();
    let path = path
        .replace("{token_id}", "tok_0000000000000000000000")
        .replace("{id}", "x1")
        .replace("{role}", "support")
        .replace("{decision}", "approve")
        .replace("{action}", "detect")
        .replace("{login}", "someone")
        .replace("{collection}", "customers");
    (method.to_owned(), path)
}

/// Every endpoint of the table that names a permission refuses a user whose roles hold none,
/// before reading its body, and each refusal is one audit event naming that endpoint.
#[test]
fn every_permission_endpoint_refuses_and_audits_a_user_without_it() {
    let s = TestServer::start();
    let nobody = user(&s, "nobody", &["intern"]);
    let mut expected = Vec::new();
    for e in Endpoint::ALL {
        let a = e.access();
        let Some(permission) = a.permission else {
            continue;
        };
        assert_eq!(a.auth, AuthKind::Bearer, "{e:?}");
        let (method, path) = concrete(a.route);
        let (status, body) = call(&nobody, &method, &path, Some(json!({})));
        assert_eq!(status, 403, "{} answered {status}: {body}", a.route);
        assert_eq!(body["error"]["code"], "ACCESS_DENIED", "{}", a.route);
        assert!(
            body["error"]["detail"]
                .as_str()
                .unwrap()
                .contains(permission.as_str()),
            "{body}"
        );
        expected.push((a.route, permission.as_str()));
    }
    assert!(expected.len() >= 20, "{expected:?}");
    let denied = denied_events(&s);
    assert_eq!(denied.len(), expected.len());
    for (route, permission) in expected {
        assert!(
            denied.iter().any(
                |e| e["detail"]["endpoint"] == route && e["detail"]["permission"] == permission
            ),
            "no audit event for {route}"
        );
    }
    // API keys are not management credentials.
    let (status, _) = call(&s.api(), "GET", "/policies", None);
    assert_eq!(status, 401);
}

#[test]
fn roles_hold_what_the_tenant_maps_to_them() {
    let s = TestServer::start();
    let admin = s.admin();
    let auditor = user(&s, "ann", &["auditor"]);
    assert_eq!(call(&auditor, "GET", "/audit", None).0, 403);
    let (status, body) = call(
        &admin,
        "PUT",
        "/roles/auditor",
        Some(json!({"permissions": ["audit:read", "usage:read"]})),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["permissions"], json!(["audit:read", "usage:read"]));
    assert_eq!(call(&auditor, "GET", "/audit", None).0, 200);
    assert_eq!(call(&auditor, "GET", "/usage", None).0, 200);
    assert_eq!(call(&auditor, "GET", "/policies", None).0, 403);
    let (_, mine) = call(&auditor, "GET", "/permissions", None);
    assert_eq!(mine["permissions"], json!(["audit:read", "usage:read"]));
    let (_, roles) = call(&admin, "GET", "/roles", None);
    assert_eq!(roles["roles"][0]["role"], "admin");
    assert_eq!(
        roles["roles"][0]["permissions"].as_array().unwrap().len(),
        roles["available_permissions"].as_array().unwrap().len()
    );
    // A bad permission is refused without echoing it; admin cannot be narrowed.
    let (status, body) = call(
        &admin,
        "PUT",
        "/roles/auditor",
        Some(json!({"permissions": ["audit:read", "root:all"]})),
    );
    assert_eq!(status, 400);
    assert!(!body.to_string().contains("root:all"), "{body}");
    let (status, _) = call(
        &admin,
        "PUT",
        "/roles/admin",
        Some(json!({"permissions": []})),
    );
    assert_eq!(status, 400);
    // The auditor cannot give itself more.
    let (status, _) = call(
        &auditor,
        "PUT",
        "/roles/auditor",
        Some(json!({"permissions": ["roles:write"]})),
    );
    assert_eq!(status, 403);
    assert_eq!(call(&admin, "DELETE", "/roles/auditor", None).0, 200);
    assert_eq!(call(&auditor, "GET", "/audit", None).0, 403);
    // Widening the mapping is audited as such.
    let (_, page) = call(&admin, "GET", "/audit?action=role_set", None);
    let events = page["events"].as_array().unwrap();
    let widening = events
        .iter()
        .find(|e| e["detail"]["widens_access"] == true)
        .unwrap();
    assert_eq!(
        widening["detail"]["added_permissions"],
        json!(["audit:read", "usage:read"])
    );
    assert!(events
        .iter()
        .any(|e| e["detail"]["widens_access"] == false && e["detail"]["permissions"].is_null()));
}

fn hipaa_with_roles(roles: &[&str]) -> Value {
    json!({
        "name": "HIPAA Compliance Policy",
        "type_rules": {"us_ssn": {"mode": "deterministic", "min_confidence": 0.85, "deterministic_scope": "global", "acknowledge_small_domain": true}},
        "allowed_roles": roles,
        "allowed_purposes": ["customer_support", "regulatory"],
        "require_reason": true,
        "failure_policy": "fail_closed"
    })
}

#[test]
fn a_policy_change_that_widens_access_is_audited_as_such() {
    let s = TestServer::start();
    s.hipaa_policy();
    let admin = s.admin();
    let (status, _) = call(
        &admin,
        "PUT",
        "/policies/pol_hipaa",
        Some(hipaa_with_roles(&["admin", "privacy_officer", "support"])),
    );
    assert_eq!(status, 200);
    let (status, _) = call(
        &admin,
        "PUT",
        "/policies/pol_hipaa",
        Some(hipaa_with_roles(&["admin"])),
    );
    assert_eq!(status, 200);
    let (_, page) = call(&admin, "GET", "/audit?action=policy_update", None);
    let events = page["events"].as_array().unwrap();
    assert_eq!(events.len(), 2);
    // Newest first: the narrowing, then the widening.
    assert_eq!(events[0]["detail"]["widens_access"], false);
    assert_eq!(events[1]["detail"]["widens_access"], true);
    assert_eq!(events[1]["detail"]["added_roles"], json!(["support"]));
}

#[test]
fn the_two_person_rule_holds_widening_changes_until_a_second_holder_approves() {
    let s = TestServer::start();
    s.hipaa_policy();
    let alice = s.admin();
    let bob = user(&s, "bob", &["admin"]);
    let (status, t) = call(
        &alice,
        "PUT",
        "/tenant/settings",
        Some(json!({"two_person_rule": true})),
    );
    assert_eq!(status, 200, "{t}");
    assert_eq!(t["two_person_rule"], true);

    // Narrowing applies at once.
    let (status, _) = call(
        &alice,
        "PUT",
        "/policies/pol_hipaa",
        Some(hipaa_with_roles(&["admin"])),
    );
    assert_eq!(status, 200);
    // Widening waits.
    let (status, body) = call(
        &alice,
        "PUT",
        "/policies/pol_hipaa",
        Some(hipaa_with_roles(&["admin", "support"])),
    );
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["status"], "pending_approval");
    let change = body["change"]["id"].as_str().unwrap().to_owned();
    let (_, p) = call(&alice, "GET", "/policies/pol_hipaa", None);
    assert_eq!(p["version"], 2);
    assert_eq!(p["allowed_roles"], json!(["admin"]));
    // The proposer cannot approve it.
    let (status, body) = call(&alice, "POST", &format!("/changes/{change}/approve"), None);
    assert_eq!(status, 403, "{body}");
    // A holder of another permission cannot either.
    let (_, _) = call(
        &alice,
        "PUT",
        "/roles/auditor",
        Some(json!({"permissions": ["audit:read"]})),
    );
    let (_, pending) = call(&alice, "GET", "/changes?status=pending", None);
    let ids: Vec<&str> = pending["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 2, "the role widening waits too: {pending}");
    let auditor = user(&s, "ann", &["auditor"]);
    let (status, _) = call(
        &auditor,
        "POST",
        &format!("/changes/{change}/approve"),
        None,
    );
    assert_eq!(status, 403);
    // A second admin approves: the version is written.
    let (status, body) = call(&bob, "POST", &format!("/changes/{change}/approve"), None);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "approved");
    let (_, p) = call(&alice, "GET", "/policies/pol_hipaa", None);
    assert_eq!(p["version"], 3);
    assert_eq!(p["allowed_roles"], json!(["admin", "support"]));
    // Decided once.
    let (status, _) = call(&bob, "POST", &format!("/changes/{change}/approve"), None);
    assert_eq!(status, 409);
    // The proposer may withdraw the other one.
    let other = ids.iter().find(|i| **i != change).unwrap();
    let (status, body) = call(&alice, "POST", &format!("/changes/{other}/reject"), None);
    assert_eq!(status, 200, "{body}");
    assert_eq!(call(&auditor, "GET", "/audit", None).0, 403);
    let (_, page) = call(&alice, "GET", "/audit?limit=100", None);
    let actions: Vec<&str> = page["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for a in [
        "two_person_rule_set",
        "change_proposed",
        "change_approved",
        "change_rejected",
    ] {
        assert!(actions.contains(&a), "{a} missing from {actions:?}");
    }
    // Turning the rule off is itself held for a second person.
    let (status, body) = call(
        &alice,
        "PUT",
        "/tenant/settings",
        Some(json!({"two_person_rule": false})),
    );
    assert_eq!(status, 202, "{body}");
    let off = body["change"]["id"].as_str().unwrap().to_owned();
    let (_, t) = call(&alice, "GET", "/tenant", None);
    assert_eq!(t["two_person_rule"], true, "still on until approved");
    assert_eq!(
        call(&alice, "POST", &format!("/changes/{off}/approve"), None).0,
        403
    );
    assert_eq!(
        call(&bob, "POST", &format!("/changes/{off}/approve"), None).0,
        200
    );
    let (_, t) = call(&alice, "GET", "/tenant", None);
    assert_eq!(t["two_person_rule"], false);
    // Another tenant sees none of it.
    let (_, other_admin) = s.other_tenant();
    let (status, body) = call(&other_admin, "GET", "/changes", None);
    assert_eq!(status, 200);
    assert_eq!(body["changes"], json!([]));
    let (status, _) = call(
        &other_admin,
        "POST",
        &format!("/changes/{other}/reject"),
        None,
    );
    assert_eq!(status, 404);
}

#[test]
fn tenant_administration_through_the_api_is_audited() {
    let s = TestServer::start();
    let admin = s.admin();
    let (status, body) = call(
        &admin,
        "POST",
        "/api-keys",
        Some(json!({"name": "pipeline"})),
    );
    assert_eq!(status, 201, "{body}");
    let key = body["api_key"].as_str().unwrap().to_owned();
    let id = body["id"].as_str().unwrap().to_owned();
    let (_, list) = call(&admin, "GET", "/api-keys", None);
    assert!(!list.to_string().contains(&key), "secrets are never listed");
    let fresh = Client::new(&s.base).with_api_key(&key);
    assert_eq!(call(&fresh, "POST", "/tokenize", Some(json!({}))).0, 400);
    assert_eq!(
        call(&admin, "DELETE", &format!("/api-keys/{id}"), None).0,
        200
    );
    assert_eq!(call(&fresh, "POST", "/tokenize", Some(json!({}))).0, 401);
    assert_eq!(call(&admin, "DELETE", "/api-keys/key_nope", None).0, 404);

    let (status, t) = call(
        &admin,
        "PUT",
        "/tenant/kill-switch",
        Some(json!({"on": true})),
    );
    assert_eq!(status, 200);
    assert_eq!(t["kill_switch"], true);
    let (status, _) = call(
        &s.api(),
        "POST",
        "/tokenize",
        Some(
            json!({"items": [{"value": "123-45-6789", "pii_type": "us_ssn"}], "policy_id": "pol_x"}),
        ),
    );
    assert_eq!(status, 503);
    call(
        &admin,
        "PUT",
        "/tenant/kill-switch",
        Some(json!({"on": false})),
    );
    let (status, t) = call(
        &admin,
        "PUT",
        "/tenant/settings",
        Some(json!({"quota": 5000})),
    );
    assert_eq!(status, 200);
    assert_eq!(t["quota"], 5000);
    let (_, t) = call(
        &admin,
        "PUT",
        "/tenant/settings",
        Some(json!({"quota": null})),
    );
    assert!(t["quota"].is_null());
    assert_eq!(
        call(&admin, "PUT", "/tenant/settings", Some(json!({}))).0,
        400
    );

    let (_, keys) = call(&admin, "GET", "/keys", None);
    assert_eq!(keys["current_version"], 1);
    let (status, rotated) = call(&admin, "POST", "/keys/rotate", None);
    assert_eq!(status, 200);
    assert_eq!(rotated["current_version"], 2);

    let (_, page) = call(&admin, "GET", "/audit?limit=100", None);
    let actions: Vec<&str> = page["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for a in [
        "api_key_create",
        "api_key_revoke",
        "kill_switch_set",
        "quota_set",
        "key_rotate",
    ] {
        assert!(actions.contains(&a), "{a} missing from {actions:?}");
    }
    assert!(!page.to_string().contains(&key));
}

#[test]
fn the_role_mapping_is_bounded() {
    let s = TestServer::start();
    let admin = s.admin();
    let max = tokenvault_core::service::MAX_MAPPED_ROLES;
    for i in 0..max {
        let (status, _) = call(
            &admin,
            "PUT",
            &format!("/roles/r{i}"),
            Some(json!({"permissions": ["audit:read"]})),
        );
        assert_eq!(status, 200);
    }
    let (status, body) = call(
        &admin,
        "PUT",
        "/roles/one_more",
        Some(json!({"permissions": ["audit:read"]})),
    );
    assert_eq!(status, 400, "{body}");
    // Changing a mapped role is still possible at the limit.
    let (status, _) = call(
        &admin,
        "PUT",
        "/roles/r0",
        Some(json!({"permissions": ["usage:read"]})),
    );
    assert_eq!(status, 200);
}

/// Crypto-shredding: only with `tenant:shred` and the tenant's id as confirmation; audited
/// before the keys go; afterwards nothing of the tenant opens, and it is stopped.
#[test]
fn shredding_a_tenant_is_confirmed_audited_and_final() {
    let s = TestServer::start();
    s.hipaa_policy();
    let ids = common::tokenize_ids(&s, &[("536-90-4399", "us_ssn")]);
    let admin = s.admin();
    let jwt = common::grant(&admin, &ids).unwrap();
    let officer = user(&s, "olga", &["privacy_officer"]);
    let tenant = s.tenant.to_string();
    let shred = |c: &Client, confirm: &str| {
        call(
            c,
            "POST",
            "/tenant/shred",
            Some(json!({"confirm": confirm})),
        )
    };
    assert_eq!(
        shred(&officer, &tenant).0,
        403,
        "privacy_officer lacks tenant:shred"
    );
    let (status, e) = shred(&admin, "ten_someone_else");
    assert_eq!(status, 400, "{e}");
    assert!(
        !e.to_string().contains("ten_someone_else"),
        "the value is not echoed: {e}"
    );
    let (status, r) = shred(&admin, &tenant);
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["shredded"], true);
    // Nothing opens, nothing is made.
    let opened = common::detok(&admin, &ids, &jwt);
    assert!(
        opened.as_ref().map_or(true, |r| r.success_count == 0),
        "{opened:?}"
    );
    let t = s
        .api()
        .tokenize(&common::request(vec![item("536-90-4399", "us_ssn")]), false)
        .unwrap_err();
    assert!(t.code().is_some(), "{t:?}");
    let (_, page) = call(&admin, "GET", "/audit?action=tenant_shred", None);
    let events = page["events"].as_array().unwrap();
    assert_eq!(events.len(), 1, "{page}");
    assert_eq!(events[0]["result"], "allowed");
    assert_eq!(events[0]["actor"], "alice");
}
