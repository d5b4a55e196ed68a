//! Every error code of seed 002, idempotency, all-or-nothing batches, rate limits, the store
//! failing and hostile input, through the real client.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use common::{detok, grant, item, request, tokenize_ids, TestServer};
use serde_json::json;
use tokenvault_client::Client;
use tokenvault_core::service::VaultConfig;
use tokenvault_server::{Limit, RateLimits, ServerSettings};

#[test]
fn idempotent_retries_and_all_or_nothing() {
    let s = TestServer::start();
    s.hipaa_policy();
    let api = s.api();
    let mut req = request(vec![
        item("123-45-6789", "us_ssn"),
        item("440-42-1234", "ca_sin"),
    ]);
    req.items[1] = item("130 692 544", "ca_sin");
    req.idempotency_key = Some("idk_xyz789".into());
    let first = api.tokenize(&req, false).unwrap();
    let again = api.tokenize(&req, false).unwrap();
    assert_eq!(
        first.results, again.results,
        "randomized tokens too: the first answer"
    );
    assert_eq!(s.admin().vault("").unwrap().entries.len(), 2);
    req.items.push(item("x@y.co", "email"));
    assert_eq!(
        api.tokenize(&req, false).unwrap_err().code(),
        Some("CONFLICT")
    );

    let mut batch = request(vec![
        item("a1@b.co", "email"),
        item("", "email"),
        item("a2@b.co", "email"),
    ]);
    batch.batch_mode = Some("ALL_OR_NOTHING".into());
    let e = api.tokenize(&batch, false).unwrap_err();
    assert_eq!(e.code(), Some("EMPTY_VALUE"));
    assert!(e.to_string().contains("items[1]"), "{e}");
    assert_eq!(
        s.admin().vault("").unwrap().entries.len(),
        2,
        "nothing written"
    );
    batch.batch_mode = Some("BEST_EFFORT".into());
    let r = api.tokenize(&batch, false).unwrap();
    assert_eq!((r.success_count, r.failure_count), (2, 1));
    assert_eq!(r.results[1].error.as_ref().unwrap().code, "EMPTY_VALUE");
    batch.batch_mode = Some("SOMETIMES".into());
    assert_eq!(
        api.tokenize(&batch, false).unwrap_err().code(),
        Some("INVALID_INPUT")
    );
}

#[test]
fn malformed_oversized_and_unauthenticated_requests() {
    let s = TestServer::start_with(
        ServerSettings {
            max_body_bytes: 64 * 1024,
            ..ServerSettings::default()
        },
        VaultConfig::default(),
    );
    s.hipaa_policy();
    let api = s.api();
    let raw = |body: &str| api.raw("POST", "/tokenize", Some(body), &[]).unwrap();
    for (body, code) in [
        ("{", "INVALID_INPUT"),
        ("[]", "INVALID_INPUT"),
        ("", "INVALID_INPUT"),
        (
            r#"{"items": "123-45-6789", "policy_id": "pol_hipaa"}"#,
            "INVALID_INPUT",
        ),
        (
            r#"{"items": [{"value": 123456789, "pii_type": "us_ssn"}], "policy_id": "pol_hipaa"}"#,
            "INVALID_INPUT",
        ),
        (
            r#"{"items": [], "policy_id": "pol_hipaa"}"#,
            "INVALID_INPUT",
        ),
        (
            r#"{"items": [{"value": "1", "pii_type": "us_ssn"}], "policy_id": "pol_hipaa", "extra": 1}"#,
            "INVALID_INPUT",
        ),
    ] {
        let r = raw(body);
        assert_eq!(r.status, 400, "{body}: {}", r.body);
        assert_eq!(r.json()["error"]["code"], code, "{body}");
        assert_eq!(r.json()["error"]["retryable"], false);
    }
    // The error never echoes a value.
    let r =
        raw(r#"{"items": [{"value": "123-45-6789", "pii_type": 5}], "policy_id": "pol_hipaa"}"#);
    assert!(!r.body.contains("6789"), "{}", r.body);
    let r = api
        .tokenize(&request(vec![item("987-65-432x", "us_ssn")]), false)
        .unwrap();
    let err = r.results[0].error.as_ref().unwrap();
    assert_eq!(err.code, "INVALID_INPUT");
    assert!(
        err.message.contains("us_ssn") && !err.message.contains("987"),
        "{}",
        err.message
    );
    let r = api
        .tokenize(&request(vec![item("x", "ssn")]), false)
        .unwrap();
    assert_eq!(
        r.results[0].error.as_ref().unwrap().code,
        "UNSUPPORTED_PII_TYPE"
    );

    // 1,001 items, and a body over the limit.
    let many = request(
        (0..1001)
            .map(|i| item(&format!("u{i}@x.co"), "email"))
            .collect(),
    );
    let e = api.tokenize(&many, false).unwrap_err();
    assert_eq!(e.code(), Some("INVALID_INPUT"));
    assert!(e.to_string().contains("1000"));
    let huge = format!(
        r#"{{"items": [{{"value": "{}", "pii_type": "email"}}], "policy_id": "pol_hipaa"}}"#,
        "a".repeat(70_000)
    );
    assert_eq!(raw(&huge).status, 413);

    // Authentication.
    let anon = Client::new(&s.base);
    let r = anon.raw("POST", "/tokenize", Some("{}"), &[]).unwrap();
    assert_eq!(
        (r.status, r.json()["error"]["code"].as_str()),
        (401, Some("UNAUTHORIZED"))
    );
    let r = Client::new(&s.base)
        .with_api_key("tvk_wrong")
        .raw("POST", "/tokenize", Some("{}"), &[])
        .unwrap();
    assert_eq!(r.status, 401);
    assert_eq!(anon.usage().unwrap_err().code(), Some("UNAUTHORIZED"));
    assert_eq!(
        Client::new(&s.base)
            .with_jwt("not.a.jwt")
            .usage()
            .unwrap_err()
            .code(),
        Some("UNAUTHORIZED")
    );
    // The API key does not open JWT endpoints, nor a JWT the tokenize endpoint.
    assert_eq!(s.api().usage().unwrap_err().status(), Some(401));
    let r = s.admin().raw("POST", "/tokenize", Some("{}"), &[]).unwrap();
    assert_eq!(r.status, 401);
    // Expired JWTs.
    let jwt = s.jwt("dave", &["admin"]);
    s.clock.advance(86_401);
    assert_eq!(
        Client::new(&s.base)
            .with_jwt(&jwt)
            .usage()
            .unwrap_err()
            .code(),
        Some("UNAUTHORIZED")
    );

    // SDK versions: absent and 1.x are fine, 2.x is 426.
    let r = s
        .admin()
        .raw(
            "GET",
            "/health",
            None,
            &[("x-tokenvault-sdk-version", "2.0.0")],
        )
        .unwrap();
    assert_eq!(r.status, 426);
    let r = anon.raw("GET", "/health", None, &[]).unwrap();
    assert_eq!(r.status, 200);
    // Unknown routes and methods answer in the error format.
    let r = anon.raw("GET", "/nope", None, &[]).unwrap();
    assert_eq!(
        (r.status, r.json()["error"]["code"].as_str()),
        (404, Some("NOT_FOUND"))
    );
    let r = anon.raw("PATCH", "/tokenize", None, &[]).unwrap();
    assert_eq!(r.status, 405);
}

#[test]
fn rate_limits_per_user_with_headers() {
    let limits = RateLimits {
        grant: Limit {
            per_user: 2,
            per_tenant: 100,
        },
        ..RateLimits::default()
    };
    let s = TestServer::start_with(
        ServerSettings {
            rate_limits: limits,
            ..ServerSettings::default()
        },
        VaultConfig {
            default_quota: Some(5),
            ..VaultConfig::default()
        },
    );
    s.admin()
        .create_policy(&json!({
            "id": "pol_hipaa", "name": "ttl",
            "type_rules": {"email": {"ttl_seconds": 60}},
            "allowed_roles": ["admin"], "allowed_purposes": ["customer_support"]
        }))
        .unwrap();
    let ids = tokenize_ids(&s, &[("a@b.co", "email")]);
    let admin = s.admin();
    // Rate limit: two grants a minute per user.
    grant(&admin, &ids).unwrap();
    let jwt = grant(&admin, &ids).unwrap();
    let r = admin
        .raw(
            "POST",
            "/grant",
            Some(
                &json!({"token_ids": ids, "purpose": "customer_support", "reason": "x"})
                    .to_string(),
            ),
            &[],
        )
        .unwrap();
    assert_eq!(r.status, 429);
    assert_eq!(r.json()["error"]["code"], "RATE_LIMIT_EXCEEDED");
    assert_eq!(r.json()["error"]["retryable"], true);
    assert!(r.json()["error"]["detail"]
        .as_str()
        .unwrap()
        .contains("Per-user limit of 2/minute"));
    assert!(r.header("retry-after").is_some());
    assert_eq!(r.header("x-ratelimit-remaining"), Some("0"));
    // Another user has their own allowance; the next minute resets it.
    let bob = Client::new(&s.base).with_jwt(&s.jwt("bob", &["admin"]));
    assert!(grant(&bob, &ids).is_ok());
    s.clock.advance(60);
    assert!(grant(&admin, &ids).is_ok());
    assert!(detok(&admin, &ids, &jwt).is_ok());
}

#[test]
fn store_unavailable_fails_closed_or_open_as_the_policy_says() {
    use tokenvault_core::store::prelude::*;
    let s = TestServer::start();
    s.hipaa_policy();
    s.admin()
        .create_policy(&json!({
            "id": "pol_open", "name": "open", "type_rules": {"email": {}},
            "allowed_roles": ["admin"], "allowed_purposes": ["customer_support"],
            "failure_policy": "fail_open"
        }))
        .unwrap();
    // Another process (here: another handle) holds the database's token lock, so this server
    // cannot write tokens: a transient failure of the store.
    let intruder = tokenvault_store::SqliteStore::open(&s.db_path(), false).unwrap();
    let grabbed = s.block_on(
        intruder.commit_tokenize(tokenvault_core::store::TokenizeCommit {
            tenant: s.tenant.clone(),
            records: vec![],
            operations: 0,
            period: 0,
            quota: None,
            key_version: 1,
            idempotency: None,
            audit: tokenvault_core::store::AuditEvent {
                tenant: s.tenant.to_string(),
                at: 0,
                action: "test".into(),
                actor: "test".into(),
                roles: vec![],
                purpose: None,
                reason: None,
                token_ids: vec![],
                result: "allowed".into(),
                trace_id: "t".into(),
                policy_id: None,
                policy_version: None,
                detail: serde_json::Value::Null,
            },
        }),
    );
    assert!(grabbed.is_ok());
    let e = s
        .api()
        .tokenize(&request(vec![item("a@b.co", "email")]), false)
        .unwrap_err();
    assert_eq!(
        (e.status(), e.code()),
        (Some(503), Some("SERVICE_UNAVAILABLE"))
    );
    let Err(tokenvault_client::ClientError::Api { error, .. }) = s
        .api()
        .tokenize(&request(vec![item("a@b.co", "email")]), false)
    else {
        panic!("expected an API error");
    };
    assert!(error.retryable, "SERVICE_UNAVAILABLE is retryable");
    // Under fail_open the items come back untokenized, and the decision is audited.
    let mut req = request(vec![item("a@b.co", "email")]);
    req.policy_id = "pol_open".into();
    let r = s.api().tokenize(&req, false).unwrap();
    assert_eq!(r.results[0].status, "SKIPPED");
    assert_eq!(r.results[0].reason.as_deref(), Some("FAIL_OPEN"));
    assert!(r.results[0].token.is_none());
    let audit = s.admin().audit("result=fail_open").unwrap();
    assert_eq!(audit["events"].as_array().unwrap().len(), 1);
    drop(intruder);
}

/// Seed 000's Detokenize Audit shows the purpose and reason of each read: every detokenize
/// record carries its grant's, after PII in the free-text reason was redacted; a purpose is
/// a name, not free text.
#[test]
fn metrics_can_require_a_token() {
    let open = TestServer::start();
    let anyone = Client::new(&open.base);
    assert_eq!(
        anyone.raw("GET", "/metrics", None, &[]).unwrap().status,
        200
    );
    let s = TestServer::start_with(
        ServerSettings {
            metrics_token: Some("m-secret-token".into()),
            ..ServerSettings::default()
        },
        VaultConfig::default(),
    );
    let anyone = Client::new(&s.base);
    assert_eq!(
        anyone.raw("GET", "/metrics", None, &[]).unwrap().status,
        401
    );
    let wrong = anyone
        .raw(
            "GET",
            "/metrics",
            None,
            &[("Authorization", "Bearer m-secret-tokeX")],
        )
        .unwrap();
    assert_eq!(wrong.status, 401);
    let right = anyone
        .raw(
            "GET",
            "/metrics",
            None,
            &[("Authorization", "Bearer m-secret-token")],
        )
        .unwrap();
    assert_eq!(right.status, 200);
    assert!(right.body.contains("# TYPE"));
}

/// A client's idempotency key is free text (people put order numbers and e-mail addresses in
/// it): the database holds only a keyed digest, and retries still find their first answer.
#[test]
fn idempotency_keys_are_stored_as_keyed_digests() {
    let s = TestServer::start();
    s.hipaa_policy();
    let api = s.api();
    let mut req = request(vec![item("536-90-4399", "us_ssn")]);
    let key = "retry-for-jane.doe@example.com-order-778812";
    req.idempotency_key = Some(key.into());
    let first = api.tokenize(&req, false).unwrap();
    let again = api.tokenize(&req, false).unwrap();
    assert_eq!(first.results, again.results);
    req.items.push(item("x@y.co", "email"));
    assert_eq!(
        api.tokenize(&req, false).unwrap_err().code(),
        Some("CONFLICT")
    );
    let mut stored = Vec::new();
    for suffix in ["", "-wal"] {
        let path = format!("{}{suffix}", s.db_path().display());
        if let Ok(bytes) = std::fs::read(&path) {
            stored.extend(bytes);
        }
    }
    assert!(!stored.is_empty());
    let needle = key.as_bytes();
    assert!(
        !stored.windows(needle.len()).any(|w| w == needle),
        "the idempotency key is in the database file"
    );
    assert!(!stored.windows(8).any(|w| w == b"jane.doe"));
}

/// Every error body names the request's trace id, the one in `X-Trace-Id` and the log, whether
/// the error came from authentication, parsing, the domain or routing.
#[test]
fn error_bodies_carry_the_trace_id() {
    let s = TestServer::start();
    let anon = Client::new(&s.base);
    for (client, method, path, body) in [
        (&anon, "GET", "/policies", None),
        (&s.api(), "POST", "/tokenize", Some("{")),
        (&s.admin(), "GET", "/policies/pol_nope", None),
        (&anon, "GET", "/nowhere", None),
    ] {
        let r = client
            .raw(method, path, body, &[("X-Trace-Id", "tr-given-by-client")])
            .unwrap();
        assert!(r.status >= 400, "{path}");
        assert_eq!(r.header("x-trace-id"), Some("tr-given-by-client"));
        assert_eq!(
            r.json()["error"]["trace_id"],
            "tr-given-by-client",
            "{path}: {}",
            r.body
        );
        let r = client.raw(method, path, body, &[]).unwrap();
        let header = r.header("x-trace-id").unwrap().to_owned();
        assert_eq!(r.json()["error"]["trace_id"], header.as_str(), "{path}");
    }
}

/// A writer who read an older version does not silently overwrite a newer one.
#[test]
fn a_stale_policy_version_is_refused() {
    let s = TestServer::start();
    s.hipaa_policy();
    let admin = s.admin();
    let read = admin
        .raw("GET", "/policies/pol_hipaa", None, &[])
        .unwrap()
        .json();
    assert_eq!(read["version"], 1);
    let mut first = read.clone();
    first["name"] = json!("First writer");
    let r = admin
        .raw("PUT", "/policies/pol_hipaa", Some(&first.to_string()), &[])
        .unwrap();
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["version"], 2);
    let mut second = read;
    second["name"] = json!("Second writer");
    let r = admin
        .raw("PUT", "/policies/pol_hipaa", Some(&second.to_string()), &[])
        .unwrap();
    assert_eq!(r.status, 409, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "CONFLICT");
    let now = admin
        .raw("GET", "/policies/pol_hipaa", None, &[])
        .unwrap()
        .json();
    assert_eq!(now["name"], "First writer");
    let r = admin
        .raw(
            "PUT",
            "/policies/pol_hipaa",
            Some(&json!({"version": "two"}).to_string()),
            &[],
        )
        .unwrap();
    assert_eq!(r.status, 400);
}

/// Each grant decision names the policy (and its version) that made it.
#[test]
fn a_trace_id_in_the_body_is_the_requests_everywhere() {
    let s = TestServer::start();
    s.hipaa_policy();
    let body = json!({"policy_id": "pol_hipaa", "trace_id": "tr-from-body",
        "items": [{"value": "536-90-4399", "pii_type": "us_ssn"}]});
    let r = s
        .api()
        .raw("POST", "/tokenize", Some(&body.to_string()), &[])
        .unwrap();
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["trace_id"], "tr-from-body");
    assert_eq!(r.header("x-trace-id"), Some("tr-from-body"));
    let page = s.admin().audit("action=tokenize").unwrap();
    assert_eq!(page["events"][0]["trace_id"], "tr-from-body");
    let r = s
        .api()
        .raw("POST", "/tokenize?verbose=1", Some(&body.to_string()), &[])
        .unwrap();
    assert_eq!(r.status, 400);
    assert!(!r.body.contains("verbose"), "{}", r.body);
}

/// An error about the query string says so; one about the body says that.
#[test]
fn query_errors_name_the_query() {
    let s = TestServer::start();
    let admin = s.admin();
    for path in [
        "/vault?limit=1000",
        "/vault?colour=red",
        "/audit?before=x",
        "/changes?status=x",
    ] {
        let r = admin.raw("GET", path, None, &[]).unwrap();
        assert_eq!(r.status, 400, "{path}");
        assert_eq!(r.json()["error"]["message"], "Query is malformed", "{path}");
    }
    let r = s.api().raw("POST", "/tokenize", Some("{"), &[]).unwrap();
    assert_eq!(r.json()["error"]["message"], "Request body is malformed");
}

/// `docs/api.md` quotes the health answer: keep the two equal.
#[test]
fn health_answers_as_documented() {
    let s = TestServer::start();
    let r = Client::new(&s.base)
        .raw("GET", "/health", None, &[])
        .unwrap();
    let body = r.json();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["store"], "ok");
    assert_eq!(body["version"], tokenvault_core::VERSION);
    let doc = include_str!("../../../docs/api.md");
    assert!(doc.contains(r#"{"status": "ok", "version": "0.1.0", "store": "ok"}"#));
    assert_eq!(
        tokenvault_core::VERSION,
        "0.1.0",
        "update docs/api.md's health example"
    );
}
