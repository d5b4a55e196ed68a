//! The tokens API of seed 002, end to end: the seed 000 walkthrough and every endpoint.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use common::{item, request, TestServer};
use serde_json::json;
use tokenvault_proto::{DetokenizeRequest, GrantRequest, TokenizeItem};

fn grant_and_open(s: &TestServer, ids: &[String]) -> tokenvault_proto::DetokenizeResponse {
    let admin = s.admin();
    let g = admin
        .grant(&GrantRequest {
            token_ids: ids.to_vec(),
            purpose: "customer_support".into(),
            reason: Some("Case #12345 — customer identity verification".into()),
            trace_id: None,
        })
        .unwrap();
    assert_eq!(g.expires_in_seconds, 300);
    admin
        .detokenize(&DetokenizeRequest {
            tokens: ids.to_vec(),
            grant_jwt: g.grant_jwt,
            trace_id: None,
        })
        .unwrap()
}

#[test]
fn seed_000_walkthrough() {
    let s = TestServer::start();
    assert_eq!(s.admin().health().unwrap().status, "ok");
    s.hipaa_policy();
    let r = s
        .api()
        .tokenize(
            &request(vec![
                item("123 45 6789", "us_ssn"),
                item("John@Example.com", "email"),
                item("(555) 123-4567", "phone"),
            ]),
            false,
        )
        .unwrap();
    assert_eq!((r.success_count, r.failure_count), (3, 0), "{r:?}");
    assert_eq!(r.batch_policy_version, 1);
    assert!(r.results[0].token.as_deref().unwrap().starts_with("tv_"));
    assert_eq!(r.results[0].mode.as_deref(), Some("deterministic"));
    let phone = r.results[2].token.clone().unwrap();
    assert!(
        phone.starts_with("(555) ") && phone.len() == "(555) 123-4567".len(),
        "{phone}"
    );
    let ids: Vec<String> = r
        .results
        .iter()
        .map(|x| x.token_id.clone().unwrap())
        .collect();
    let d = grant_and_open(&s, &ids);
    let values: Vec<_> = d.results.iter().map(|x| x.value.clone().unwrap()).collect();
    assert_eq!(
        values,
        vec!["123-45-6789", "john@example.com", "+15551234567"]
    );
    assert!(d.results.iter().all(|x| x.status == "GRANTED"));
    assert_eq!(d.success_count, 3);

    // Deterministic re-tokenization returns the existing token and record.
    let again = s
        .api()
        .tokenize(&request(vec![item("123-45-6789", "us_ssn")]), false)
        .unwrap();
    assert_eq!(again.results[0].token, r.results[0].token);
    assert_eq!(again.results[0].token_id, r.results[0].token_id);

    // Detokenize by token value, including a format-preserving token in the client's layout.
    let d = grant_and_open(&s, &ids);
    assert_eq!(d.success_count, 3);
    let admin = s.admin();
    let g = admin
        .grant(&GrantRequest {
            token_ids: vec![ids[2].clone(), ids[0].clone()],
            purpose: "regulatory".into(),
            reason: Some("audit".into()),
            trace_id: None,
        })
        .unwrap();
    let d = admin
        .detokenize(&DetokenizeRequest {
            tokens: vec![phone, r.results[0].token.clone().unwrap()],
            grant_jwt: g.grant_jwt,
            trace_id: None,
        })
        .unwrap();
    assert_eq!(d.results[0].value.as_deref(), Some("+15551234567"));
    assert_eq!(d.results[0].token_id, ids[2]);
    assert_eq!(d.results[1].value.as_deref(), Some("123-45-6789"));

    let usage = admin.usage().unwrap();
    assert_eq!((usage.tokens_created, usage.active), (3, 3));
    assert_eq!(usage.operations_this_period, 4 + 3 + 3 + 2);
}

#[test]
fn dry_run_writes_and_counts_nothing() {
    let s = TestServer::start();
    s.hipaa_policy();
    let dry = s
        .api()
        .tokenize(&request(vec![item("123-45-6789", "us_ssn")]), true)
        .unwrap();
    assert!(dry.dry_run);
    assert_eq!(dry.success_count, 1);
    let admin = s.admin();
    assert_eq!(admin.vault("").unwrap().entries.len(), 0);
    assert_eq!(admin.usage().unwrap().operations_this_period, 0);
    let real = s
        .api()
        .tokenize(&request(vec![item("123-45-6789", "us_ssn")]), false)
        .unwrap();
    assert_eq!(real.results[0].token, dry.results[0].token, "same answer");
    let audit = admin.audit("action=tokenize").unwrap();
    assert_eq!(
        audit["events"].as_array().unwrap().len(),
        1,
        "the dry run was not written"
    );
}

#[test]
fn modes_scopes_and_item_overrides() {
    let s = TestServer::start();
    s.admin()
        .create_policy(&json!({
            "id": "pol_hipaa", "name": "scoped",
            "type_rules": {
                "email": {"deterministic_scope": "connector", "exclude_labels": ["test_data"]},
                "us_ssn": {"mode": "randomized", "min_confidence": 0.9}
            },
            "allowed_roles": ["admin"], "allowed_purposes": ["customer_support"], "require_reason": false
        }))
        .unwrap();
    let email = |connector: &str| TokenizeItem {
        connector_id: Some(connector.into()),
        ..item("a@b.co", "email")
    };
    let r = s
        .api()
        .tokenize(
            &request(vec![
                email("crm"),
                email("crm"),
                email("warehouse"),
                TokenizeItem {
                    labels: vec!["test_data".into()],
                    ..email("crm")
                },
                item("a@b.co", "email"),
                TokenizeItem {
                    confidence: Some(0.5),
                    ..item("123-45-6789", "us_ssn")
                },
                item("123-45-6789", "us_ssn"),
                item("123-45-6789", "us_ssn"),
                TokenizeItem {
                    mode: Some("deterministic".into()),
                    ..item("123-45-6789", "us_ssn")
                },
            ]),
            false,
        )
        .unwrap();
    let tok = |i: usize| r.results[i].token.clone();
    assert_eq!(tok(0), tok(1), "same connector joins");
    assert_eq!(r.results[0].token_id, r.results[1].token_id, "one record");
    assert_ne!(tok(0), tok(2), "connectors do not join");
    assert_eq!(r.results[3].status, "SKIPPED");
    assert_eq!(r.results[3].reason.as_deref(), Some("LABEL_EXCLUDED"));
    assert_eq!(
        r.results[4].status, "FAILED",
        "connector scope needs connector_id"
    );
    assert_eq!(r.results[5].reason.as_deref(), Some("BELOW_MIN_CONFIDENCE"));
    assert_ne!(tok(6), tok(7), "randomized never repeats");
    assert_eq!(r.results[8].mode.as_deref(), Some("deterministic"));
    assert_eq!(
        (r.success_count, r.skipped_count, r.failure_count),
        (6, 2, 1)
    );
}

#[test]
fn vault_listing_filters_paginates_and_revokes() {
    let s = TestServer::start();
    s.hipaa_policy();
    let values: Vec<TokenizeItem> = (1..=7)
        .map(|i| item(&format!("user{i}@example.com"), "email"))
        .chain([item("123-45-6789", "us_ssn")])
        .collect();
    let r = s.api().tokenize(&request(values), false).unwrap();
    assert_eq!(r.success_count, 8);
    let admin = s.admin();
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let q = match &cursor {
            Some(c) => format!("limit=3&pii_type=email&cursor={c}"),
            None => "limit=3&pii_type=email".into(),
        };
        let page = admin.vault(&q).unwrap();
        assert!(page.entries.len() <= 3);
        seen.extend(page.entries.iter().map(|e| e.token_id.clone()));
        assert!(page
            .entries
            .iter()
            .all(|e| e.pii_type == "email" && e.status == "active"));
        if !page.has_more {
            break;
        }
        cursor = page.next_cursor;
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 7);

    let ssn_id = r.results[7].token_id.clone().unwrap();
    let rv = admin
        .revoke(&ssn_id, "GDPR Article 17 request — ticket PRIV-1234")
        .unwrap();
    assert_eq!(rv.status, "revoked");
    let revoked = admin.vault("status=revoked").unwrap();
    assert_eq!(revoked.entries.len(), 1);
    assert_eq!(
        revoked.entries[0].revoke_reason.as_deref(),
        Some("GDPR Article 17 request — ticket PRIV-1234")
    );
    assert_eq!(admin.vault("status=active").unwrap().entries.len(), 7);
    let d = grant_and_open(&s, std::slice::from_ref(&ssn_id));
    assert_eq!(d.results[0].status, "REVOKED");
    assert_eq!(d.results[0].value, None);
    assert_eq!(
        d.results[0].revoked_at.as_deref(),
        Some(rv.revoked_at.as_str())
    );
    let err = admin.revoke(&ssn_id, "again").unwrap_err();
    assert_eq!(err.code(), Some("TOKEN_REVOKED"));
    let usage = admin.usage().unwrap();
    assert_eq!(
        (usage.tokens_created, usage.active, usage.revoked),
        (8, 7, 1)
    );
    for bad in [
        "limit=0",
        "limit=101",
        "limit=x",
        "status=gone",
        "cursor=%%%",
        "bogus=1",
    ] {
        let e = admin.vault(bad).unwrap_err();
        assert_eq!(e.code(), Some("INVALID_INPUT"), "{bad}");
    }
    assert_eq!(
        admin.vault("pii_type=ssn").unwrap_err().code(),
        Some("UNSUPPORTED_PII_TYPE")
    );
}

#[test]
fn policies_are_versioned_and_tokens_keep_theirs() {
    let s = TestServer::start();
    s.hipaa_policy();
    let admin = s.admin();
    let r = s
        .api()
        .tokenize(&request(vec![item("123-45-6789", "us_ssn")]), false)
        .unwrap();
    let mut p = admin.policies().unwrap()["policies"][0].clone();
    assert_eq!(p["version"], 1);
    p["name"] = "HIPAA v2".into();
    let updated = admin.update_policy("pol_hipaa", &p).unwrap();
    assert_eq!(updated["version"], 2);
    assert_eq!(updated["name"], "HIPAA v2");
    let r2 = s
        .api()
        .tokenize(&request(vec![item("john@example.com", "email")]), false)
        .unwrap();
    assert_eq!(r2.batch_policy_version, 2);
    let entries = admin.vault("").unwrap().entries;
    let old = entries
        .iter()
        .find(|e| Some(&e.token_id) == r.results[0].token_id.as_ref())
        .unwrap();
    assert_eq!(old.policy_version, 1);
    // Pinning a stale version is refused.
    let mut req = request(vec![item("123-45-6789", "us_ssn")]);
    req.batch_policy_version = Some(1);
    assert_eq!(
        s.api().tokenize(&req, false).unwrap_err().code(),
        Some("POLICY_VERSION_MISMATCH")
    );
    // Invalid policies say what to fix.
    let e = admin
        .create_policy(&json!({"name": "x", "type_rules": {"us_ssn": {"mode": "format_preserving"}}, "allowed_roles": [], "allowed_purposes": ["p"]}))
        .unwrap_err();
    assert_eq!(e.code(), Some("INVALID_INPUT"));
    let detail = e.to_string();
    assert!(
        detail.contains("type_rules.us_ssn.acknowledge_small_domain")
            && detail.contains("allowed_roles"),
        "{detail}"
    );
    // Duplicate ids conflict.
    assert_eq!(admin.create_policy(&p).unwrap_err().status(), Some(409));
    assert_eq!(
        admin.update_policy("pol_nope", &p).unwrap_err().code(),
        Some("POLICY_NOT_FOUND")
    );
}

#[test]
fn jwks_openapi_metrics_and_headers() {
    let s = TestServer::start();
    let c = s.admin();
    let jwks = c.raw("GET", "/jwks.json", None, &[]).unwrap().json();
    assert_eq!(jwks["keys"][0]["kty"], "OKP");
    assert_eq!(jwks["keys"][0]["alg"], "EdDSA");
    let openapi = c.raw("GET", "/openapi.json", None, &[]).unwrap().json();
    assert!(openapi["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/tokenize",
        "/grant",
        "/detokenize",
        "/vault",
        "/vault/{token_id}",
        "/policies",
        "/policies/{id}",
        "/usage",
        "/health",
        "/audit",
        "/jwks.json",
        "/rehydrate",
        "/rehydrate/stream",
        "/pii/detect",
        "/pii/redact",
        "/pii/mask",
        "/pii/tokenize",
        "/pii/detokenize",
        "/pii/detokenize/stream",
        "/pii/scan",
    ] {
        assert!(
            openapi["paths"][path].is_object(),
            "{path} missing from the OpenAPI document"
        );
    }
    let r = c
        .raw("GET", "/usage", None, &[("x-trace-id", "my-trace-1")])
        .unwrap();
    assert_eq!(r.header("x-trace-id"), Some("my-trace-1"));
    assert_eq!(r.header("x-ratelimit-limit"), Some("300"));
    let m = c.raw("GET", "/metrics", None, &[]).unwrap();
    assert!(m.body.contains("tokenvault_http_requests_total{method=\"GET\",route=\"/api/v1/tokens/usage\",status=\"200\"} 1"), "{}", m.body);
}

#[test]
fn rotation_keeps_records_and_values_find_their_record() {
    let s = TestServer::start();
    s.hipaa_policy();
    let api = s.api();
    let before = api
        .tokenize(
            &request(vec![
                item("123-45-6789", "us_ssn"),
                item("(555) 123-4567", "phone"),
                item("130 692 544", "ca_sin"),
            ]),
            false,
        )
        .unwrap();
    assert_eq!(s.block_on(s.vault.keys().rotate(&s.tenant)).unwrap(), 2);
    let after = api
        .tokenize(
            &request(vec![
                item("123-45-6789", "us_ssn"),
                item("(555) 123-4567", "phone"),
            ]),
            false,
        )
        .unwrap();
    // Deterministic and format-preserving values keep their record across the rotation.
    assert_eq!(after.results[0].token_id, before.results[0].token_id);
    assert_eq!(after.results[0].token, before.results[0].token);
    assert_eq!(after.results[1].token_id, before.results[1].token_id);
    assert_eq!(s.admin().usage().unwrap().tokens_created, 3);
    // New values use the new key version; every token value, randomized too, finds its record.
    let fresh = api
        .tokenize(&request(vec![item("234-56-7890", "us_ssn")]), false)
        .unwrap();
    let entries = s.admin().vault("pii_type=us_ssn").unwrap().entries;
    let entry = entries
        .iter()
        .find(|e| Some(&e.token_id) == fresh.results[0].token_id.as_ref())
        .unwrap();
    assert_eq!(entry.key_version, 2);
    let values: Vec<String> = before
        .results
        .iter()
        .chain(&fresh.results)
        .map(|r| r.token.clone().unwrap())
        .collect();
    let ids: Vec<String> = before
        .results
        .iter()
        .chain(&fresh.results)
        .map(|r| r.token_id.clone().unwrap())
        .collect();
    let admin = s.admin();
    let g = admin
        .grant(&GrantRequest {
            token_ids: ids.clone(),
            purpose: "regulatory".into(),
            reason: Some("r".into()),
            trace_id: None,
        })
        .unwrap();
    let d = admin
        .detokenize(&DetokenizeRequest {
            tokens: values,
            grant_jwt: g.grant_jwt,
            trace_id: None,
        })
        .unwrap();
    let got: Vec<_> = d
        .results
        .iter()
        .map(|r| (r.token_id.clone(), r.value.clone().unwrap_or_default()))
        .collect();
    assert_eq!(
        got,
        vec![
            (ids[0].clone(), "123-45-6789".to_owned()),
            (ids[1].clone(), "+15551234567".to_owned()),
            (ids[2].clone(), "130-692-544".to_owned()),
            (ids[3].clone(), "234-56-7890".to_owned()),
        ]
    );
}
