//! Dashboard sign-in over HTTP: the session cookie's attributes, CSRF on every cookie request,
//! sign-out, lockout after repeated failures, roles deciding what a session may do, the users
//! API, and the dashboard files' security headers. (The browser suite drives the pages.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use common::TestServer;
use serde_json::{json, Value};
use tokenvault_client::{Client, RawResponse};

fn raw(
    method: &str,
    path: &str,
    body: Option<&Value>,
    headers: &[(&str, &str)],
    s: &TestServer,
) -> RawResponse {
    let body = body.map(Value::to_string);
    Client::new(&s.base)
        .raw(method, path, body.as_deref(), headers)
        .unwrap()
}

/// Signs in; the cookie (`tv_session=…`) and the CSRF token.
fn sign_in(s: &TestServer, login: &str, password: &str) -> (String, String) {
    let r = raw(
        "POST",
        "/ui/session",
        Some(&json!({"login": login, "password": password})),
        &[],
        s,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let set = r.header("set-cookie").unwrap().to_owned();
    for attribute in [
        "HttpOnly",
        "Secure",
        "SameSite=Strict",
        "Path=/",
        "Max-Age=28800",
    ] {
        assert!(set.contains(attribute), "{set}");
    }
    let cookie = set.split(';').next().unwrap().to_owned();
    (cookie, r.json()["csrf_token"].as_str().unwrap().to_owned())
}

fn audit_actions(s: &TestServer, action: &str) -> Vec<Value> {
    let r = s
        .admin()
        .raw(
            "GET",
            &format!("/audit?action={action}&limit=100"),
            None,
            &[],
        )
        .unwrap();
    r.json()["events"].as_array().unwrap().clone()
}

#[test]
fn a_session_needs_its_csrf_token_and_ends_at_sign_out() {
    let s = TestServer::start();
    let (cookie, csrf) = sign_in(&s, "admin", &s.dashboard_password);
    let with = [("cookie", cookie.as_str()), ("x-csrf-token", csrf.as_str())];
    let r = raw("GET", "/api/v1/tokens/policies", None, &with, &s);
    assert_eq!(r.status, 200, "{}", r.body);

    // The cookie alone, or with another token, is refused: no other site can use it.
    let r = raw(
        "GET",
        "/api/v1/tokens/policies",
        None,
        &[("cookie", &cookie)],
        &s,
    );
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.body.contains("CSRF"), "{}", r.body);
    let r = raw(
        "POST",
        "/api/v1/tokens/users",
        Some(&json!({"login": "eve", "password": "long enough password", "roles": ["admin"]})),
        &[("cookie", &cookie), ("x-csrf-token", "forged")],
        &s,
    );
    assert_eq!(r.status, 403, "{}", r.body);
    let r = raw("GET", "/api/v1/tokens/users", None, &with, &s);
    assert_eq!(
        r.json()["users"].as_array().unwrap().len(),
        1,
        "eve was not made"
    );

    // The page may ask for its token again (after a reload).
    let r = raw("GET", "/ui/session", None, &[("cookie", &cookie)], &s);
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["csrf_token"], csrf.as_str());
    assert_eq!(r.json()["roles"], json!(["admin", "privacy_officer"]));

    // Sign-out needs the token too, clears the cookie and ends the session.
    let r = raw("DELETE", "/ui/session", None, &[("cookie", &cookie)], &s);
    assert_eq!(r.status, 403);
    let r = raw("DELETE", "/ui/session", None, &with, &s);
    assert_eq!(r.status, 204);
    assert!(r.header("set-cookie").unwrap().contains("Max-Age=0"));
    let r = raw("GET", "/api/v1/tokens/policies", None, &with, &s);
    assert_eq!(r.status, 401);
    let r = raw("GET", "/ui/session", None, &[("cookie", &cookie)], &s);
    assert_eq!(r.status, 401);
    assert_eq!(audit_actions(&s, "sign_in").len(), 1);
    assert_eq!(audit_actions(&s, "sign_out").len(), 1);
}

#[test]
fn repeated_failures_lock_the_user_without_saying_why() {
    let s = TestServer::start();
    for _ in 0..5 {
        let r = raw(
            "POST",
            "/ui/session",
            Some(&json!({"login": "admin", "password": "wrong password!"})),
            &[],
            &s,
        );
        assert_eq!(r.status, 401);
        assert!(
            !r.body.contains("wrong password!"),
            "the value is not echoed"
        );
    }
    // Locked: the right password is refused with the same answer as a wrong one.
    let locked = raw(
        "POST",
        "/ui/session",
        Some(&json!({"login": "admin", "password": s.dashboard_password})),
        &[],
        &s,
    );
    let unknown = raw(
        "POST",
        "/ui/session",
        Some(&json!({"login": "nobody", "password": "whatever it is"})),
        &[],
        &s,
    );
    assert_eq!(locked.status, 401);
    assert_eq!(
        locked.json()["error"]["detail"],
        unknown.json()["error"]["detail"]
    );
    // Fifteen minutes later it is lifted.
    s.clock.advance(15 * 60 + 1);
    sign_in(&s, "admin", &s.dashboard_password);
    let events = audit_actions(&s, "sign_in");
    let denied = events.iter().filter(|e| e["result"] == "denied").count();
    assert_eq!(denied, 6, "five failures and the locked attempt");
    assert!(events
        .iter()
        .all(|e| !e.to_string().contains(&s.dashboard_password)));
}

#[test]
fn a_users_roles_decide_what_its_session_may_do() {
    let s = TestServer::start();
    let (cookie, csrf) = sign_in(&s, "admin", &s.dashboard_password);
    let admin = [("cookie", cookie.as_str()), ("x-csrf-token", csrf.as_str())];
    let r = raw(
        "POST",
        "/api/v1/tokens/users",
        Some(&json!({"login": "aud", "password": "auditor password 1", "roles": ["auditor"]})),
        &admin,
        &s,
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert!(!r.body.contains("auditor password 1"));
    // Validation names the field.
    let r = raw(
        "POST",
        "/api/v1/tokens/users",
        Some(&json!({"login": "short", "password": "too short", "roles": ["auditor"]})),
        &admin,
        &s,
    );
    assert_eq!(r.status, 400);
    assert!(r.body.contains("password must be"), "{}", r.body);

    let r = raw(
        "PUT",
        "/api/v1/tokens/roles/auditor",
        Some(&json!({"permissions": ["audit:read"]})),
        &admin,
        &s,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let (c2, t2) = sign_in(&s, "aud", "auditor password 1");
    let auditor = [("cookie", c2.as_str()), ("x-csrf-token", t2.as_str())];
    let r = raw("GET", "/api/v1/tokens/audit?limit=5", None, &auditor, &s);
    assert_eq!(r.status, 200, "{}", r.body);
    let r = raw("GET", "/api/v1/tokens/users", None, &auditor, &s);
    assert_eq!(r.status, 403);
    assert!(r.body.contains("users:manage"));
    let denied = audit_actions(&s, "access_denied");
    assert!(denied.iter().any(|e| e["actor"] == "user:aud"));

    // Disabling the user ends its session at once.
    let r = raw(
        "PUT",
        "/api/v1/tokens/users/aud",
        Some(&json!({"disabled": true})),
        &admin,
        &s,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let r = raw("GET", "/api/v1/tokens/audit?limit=5", None, &auditor, &s);
    assert_eq!(r.status, 401);
    let r = raw("GET", "/api/v1/tokens/users", None, &admin, &s);
    assert_eq!(r.json()["users"][1]["disabled"], true);
    let r = raw("DELETE", "/api/v1/tokens/users/aud", None, &admin, &s);
    assert_eq!(r.status, 204);
}

#[test]
fn the_dashboard_is_served_with_a_strict_policy() {
    let s = TestServer::start();
    for path in ["/ui/", "/ui/vault", "/ui/app.js", "/ui/pages/vault.js"] {
        let r = raw("GET", path, None, &[], &s);
        assert_eq!(r.status, 200, "{path}");
        let csp = r.header("content-security-policy").unwrap();
        assert!(csp.contains("script-src 'self'"), "{csp}");
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert_eq!(r.header("x-frame-options"), Some("DENY"));
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    }
    let page = raw("GET", "/ui/", None, &[], &s);
    assert!(page
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    assert!(!page.body.contains("<script>"), "no inline script");
    assert!(!page.body.contains("style="), "no inline style");
    let r = raw("GET", "/ui/nope.js", None, &[], &s);
    assert_eq!(r.status, 404);
}

fn get(s: &TestServer, path: &str) -> RawResponse {
    s.admin().raw("GET", path, None, &[]).unwrap()
}

#[test]
fn the_dashboards_pictures_history_export_and_search() {
    let s = TestServer::start();
    s.hipaa_policy();
    let ids = common::tokenize_ids(
        &s,
        &[
            ("a@example.com", "email"),
            ("b@example.com", "email"),
            ("123-45-6789", "us_ssn"),
        ],
    );
    // Tokens by type and mode.
    let r = get(&s, "/vault/stats");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.json()["by_type_and_mode"],
        json!([
            {"pii_type": "email", "mode": "deterministic", "count": 2},
            {"pii_type": "us_ssn", "mode": "deterministic", "count": 1}
        ])
    );
    // A search by token id finds that record, with its token for a grant.
    let r = get(&s, &format!("/vault?token_id={}", ids[2]));
    let entries = r.json()["entries"].as_array().unwrap().clone();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["token_id"], ids[2].as_str());
    assert!(!entries[0]["token"].as_str().unwrap().is_empty());
    assert_eq!(get(&s, "/vault?token_id=nope").status, 400);

    // A denial, then operations per hour: three values tokenized, one refusal, this hour.
    let intern = Client::new(&s.base).with_jwt(&s.jwt("intern", &["intern"]));
    assert_eq!(intern.raw("GET", "/vault", None, &[]).unwrap().status, 403);
    let r = get(&s, "/audit/stats?bucket=hour");
    assert_eq!(r.status, 200, "{}", r.body);
    let buckets = r.json()["buckets"].as_array().unwrap().clone();
    assert_eq!(buckets.len(), 48);
    let now = buckets.last().unwrap();
    assert_eq!(
        (now["tokenize"].as_u64(), now["denied"].as_u64()),
        (Some(3), Some(1))
    );
    assert_eq!(
        get(&s, "/audit/stats?bucket=day").json()["buckets"]
            .as_array()
            .unwrap()
            .len(),
        30
    );
    assert_eq!(get(&s, "/audit/stats?bucket=week").status, 400);

    // The chain verifies; the export is CSV with a header and one row per event.
    assert_eq!(get(&s, "/audit/verify").json()["intact"], true);
    let r = get(&s, "/audit/export?result=denied");
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.header("content-type").unwrap().starts_with("text/csv"));
    let lines: Vec<&str> = r.body.lines().collect();
    assert!(lines[0].starts_with("seq,at,action,actor"), "{}", lines[0]);
    assert_eq!(lines.len(), 2, "{}", r.body);
    assert!(lines[1].contains("\"access_denied\"") && lines[1].contains("\"intern\""));
    assert!(!r.body.contains("a@example.com"));
    // Time filters are Unix seconds.
    let since = common::START + 3600;
    let r = get(&s, &format!("/audit?since={since}"));
    assert_eq!(r.json()["events"].as_array().unwrap().len(), 0);
    assert_eq!(get(&s, "/audit?since=yesterday").status, 400);

    // A policy's versions, oldest first.
    let mut spec = s
        .admin()
        .raw("GET", "/policies/pol_hipaa", None, &[])
        .unwrap()
        .json();
    spec["name"] = json!("HIPAA v2");
    for k in [
        "version",
        "created_at",
        "updated_at",
        "tenant_id",
        "deleted",
    ] {
        spec.as_object_mut().unwrap().remove(k);
    }
    let r = s
        .admin()
        .raw("PUT", "/policies/pol_hipaa", Some(&spec.to_string()), &[])
        .unwrap();
    assert_eq!(r.status, 200, "{} {spec}", r.body);
    let v = get(&s, "/policies/pol_hipaa/versions").json();
    let names: Vec<&str> = v["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["HIPAA Compliance Policy", "HIPAA v2"]);
    assert_eq!(get(&s, "/policies/pol_nope/versions").status, 404);
}

/// The dashboard's chain check walks only what was appended since its last check, and still
/// sees a record altered after it or a verified tail deleted.
#[test]
fn the_chain_check_sees_tampering_after_its_last_walk() {
    let tamper = |s: &TestServer, sql: &str| {
        rusqlite::Connection::open(s.db_path())
            .unwrap()
            .execute_batch(sql)
            .unwrap();
    };
    let s = TestServer::start();
    s.hipaa_policy();
    assert_eq!(get(&s, "/audit/verify").json()["intact"], true);
    common::tokenize_ids(&s, &[("a@example.com", "email")]);
    assert_eq!(get(&s, "/audit/verify").json()["intact"], true);
    // A record appended after the last walk, altered.
    common::tokenize_ids(&s, &[("b@example.com", "email")]);
    tamper(
        &s,
        "UPDATE audit SET event = replace(event, 'tokenize', 'tokenizE') WHERE seq = (SELECT MAX(seq) FROM audit)",
    );
    assert_eq!(get(&s, "/audit/verify").json()["intact"], false);

    // The verified tail deleted.
    let s = TestServer::start();
    s.hipaa_policy();
    common::tokenize_ids(&s, &[("a@example.com", "email")]);
    assert_eq!(get(&s, "/audit/verify").json()["intact"], true);
    tamper(
        &s,
        "DELETE FROM audit WHERE seq = (SELECT MAX(seq) FROM audit)",
    );
    assert_eq!(get(&s, "/audit/verify").json()["intact"], false);
}
