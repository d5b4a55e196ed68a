//! The grant rules (single use, bound to a user, roles, purposes, reasons, expiry), tenant
//! isolation, external issuers and the audit of grants, through the real client.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use common::{detok, grant, item, request, tokenize_ids, TestServer};
use serde_json::json;
use tokenvault_client::Client;
use tokenvault_core::service::VaultConfig;
use tokenvault_proto::{DetokenizeRequest, GrantRequest, TokenizeItem};
use tokenvault_server::ServerSettings;

#[test]
fn grants_are_single_use_bound_to_user_and_expire() {
    let s = TestServer::start();
    s.hipaa_policy();
    let ids = tokenize_ids(&s, &[("123-45-6789", "us_ssn"), ("a@b.co", "email")]);
    let alice = s.admin();
    let jwt = grant(&alice, &ids).unwrap();
    // Another user of the same tenant cannot use it.
    let bob = Client::new(&s.base).with_jwt(&s.jwt("bob", &["admin"]));
    let e = detok(&bob, &ids, &jwt).unwrap_err();
    assert_eq!((e.status(), e.code()), (Some(403), Some("ACCESS_DENIED")));
    // A token outside the grant is DENIED, the others open; then the grant is spent.
    let extra = tokenize_ids(&s, &[("c@d.co", "email")]);
    let asked = vec![
        ids[0].clone(),
        extra[0].clone(),
        "tok_doesnotexist".to_owned(),
    ];
    let d = detok(&alice, &asked, &jwt).unwrap();
    let statuses: Vec<&str> = d.results.iter().map(|r| r.status.as_str()).collect();
    assert_eq!(statuses, vec!["GRANTED", "DENIED", "NOT_FOUND"]);
    let e = detok(&alice, &ids, &jwt).unwrap_err();
    assert_eq!(
        (e.status(), e.code()),
        (Some(403), Some("GRANT_NONCE_REUSED"))
    );
    // Expiry follows the server's clock.
    let jwt = grant(&alice, &ids).unwrap();
    s.clock.advance(301);
    let e = detok(&alice, &ids, &jwt).unwrap_err();
    assert_eq!((e.status(), e.code()), (Some(403), Some("GRANT_EXPIRED")));
    // A forged or altered grant is not a grant.
    let e = detok(&alice, &ids, "eyJhbGciOiJub25lIn0.e30.").unwrap_err();
    assert_eq!(e.code(), Some("UNAUTHORIZED"));
    // The audit trail recorded each attempt, allowed or denied, with no values.
    let audit = alice.audit("action=detokenize&limit=100").unwrap();
    let results: Vec<&str> = audit["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["result"].as_str().unwrap())
        .collect();
    assert!(
        results.contains(&"denied") && results.contains(&"partial"),
        "{results:?}"
    );
    assert!(!audit.to_string().contains("123-45-6789"));
}

#[test]
fn grant_checks_roles_purposes_and_reasons() {
    let s = TestServer::start();
    s.hipaa_policy();
    let ids = tokenize_ids(&s, &[("123-45-6789", "us_ssn")]);
    let analyst = Client::new(&s.base).with_jwt(&s.jwt("carol", &["analyst"]));
    assert_eq!(
        grant(&analyst, &ids).unwrap_err().code(),
        Some("ACCESS_DENIED")
    );
    let admin = s.admin();
    let req = |purpose: &str, reason: Option<&str>| GrantRequest {
        token_ids: ids.clone(),
        purpose: purpose.into(),
        reason: reason.map(Into::into),
        trace_id: None,
    };
    let e = admin.grant(&req("marketing", Some("x"))).unwrap_err();
    assert!(e.to_string().contains("PURPOSE_NOT_ALLOWED"), "{e}");
    let e = admin.grant(&req("customer_support", None)).unwrap_err();
    assert!(e.to_string().contains("REASON_REQUIRED"), "{e}");
    let too_many: Vec<String> = (0..101).map(|i| format!("tok_{i}")).collect();
    let e = admin
        .grant(&GrantRequest {
            token_ids: too_many,
            ..req("customer_support", Some("x"))
        })
        .unwrap_err();
    assert_eq!(e.code(), Some("INVALID_INPUT"));
    let denied = admin.audit("action=grant&result=denied").unwrap();
    assert_eq!(denied["events"].as_array().unwrap().len(), 3);
}

#[test]
fn tenants_are_isolated() {
    let s = TestServer::start();
    s.hipaa_policy();
    let ids = tokenize_ids(&s, &[("123-45-6789", "us_ssn")]);
    let (other_api, other_admin) = s.other_tenant();
    // The other tenant cannot see, grant, revoke or use our policy or tokens.
    assert_eq!(other_admin.vault("").unwrap().entries.len(), 0);
    let g = grant(&other_admin, &ids).unwrap();
    let d = detok(&other_admin, &ids, &g).unwrap();
    assert_eq!(d.results[0].status, "NOT_FOUND");
    assert_eq!(
        other_admin.revoke(&ids[0], "x").unwrap_err().code(),
        Some("TOKEN_NOT_FOUND")
    );
    assert_eq!(
        other_api
            .tokenize(&request(vec![item("1@2.co", "email")]), false)
            .unwrap_err()
            .code(),
        Some("POLICY_NOT_FOUND")
    );
    // Our grant is useless to them, and theirs to us.
    let ours = grant(&s.admin(), &ids).unwrap();
    assert_eq!(
        detok(&other_admin, &ids, &ours).unwrap_err().code(),
        Some("ACCESS_DENIED")
    );
}

#[test]
fn external_issuer_jwts_are_accepted_with_mapped_claims() {
    use std::sync::Arc;
    use tokenvault_core::service::{ExternalIssuer, ExternalKeys, JwksVerifier};
    use tokenvault_crypto::{jwt::JwtSigner, Key256};
    let idp = JwtSigner::from_seed(&Key256::generate()).unwrap();
    let jwks = json!({ "keys": [idp.jwk()] }).to_string();
    let config = VaultConfig {
        external_issuer: Some(ExternalIssuer {
            issuer: "https://idp.example".into(),
            audience: "tokenvault".into(),
            keys: Arc::new(ExternalKeys::new(JwksVerifier::from_json(&jwks).unwrap())),
            user_claim: "email".into(),
            tenant_claim: "org".into(),
            roles_claim: "groups".into(),
        }),
        ..VaultConfig::default()
    };
    let s = TestServer::start_with(ServerSettings::default(), config);
    s.hipaa_policy();
    let ids = tokenize_ids(&s, &[("123-45-6789", "us_ssn")]);
    let token = |claims: serde_json::Value| idp.sign(&claims).unwrap();
    let good = token(json!({
        "iss": "https://idp.example", "aud": "tokenvault", "email": "erin@corp.example",
        "org": s.tenant.as_str(), "groups": "privacy_officer auditors", "exp": common::START + 600
    }));
    let erin = Client::new(&s.base).with_jwt(&good);
    let jwt = grant(&erin, &ids).unwrap();
    let d = detok(&erin, &ids, &jwt).unwrap();
    assert_eq!(d.results[0].value.as_deref(), Some("123-45-6789"));
    let audit = s.admin().audit("action=detokenize").unwrap();
    assert_eq!(audit["events"][0]["actor"], "erin@corp.example");
    // Wrong issuer, audience, expiry, tenant claim or signing key: refused.
    for bad in [
        json!({"iss": "https://evil", "aud": "tokenvault", "email": "e", "org": s.tenant.as_str(), "exp": common::START + 600}),
        json!({"iss": "https://idp.example", "aud": "other", "email": "e", "org": s.tenant.as_str(), "exp": common::START + 600}),
        json!({"iss": "https://idp.example", "aud": "tokenvault", "email": "e", "org": s.tenant.as_str(), "exp": common::START - 1}),
        json!({"iss": "https://idp.example", "aud": "tokenvault", "email": "e", "org": "acme", "exp": common::START + 600}),
        json!({"iss": "https://idp.example", "aud": "tokenvault", "email": "e", "org": s.tenant.as_str()}),
    ] {
        let c = Client::new(&s.base).with_jwt(&token(bad.clone()));
        assert_eq!(c.usage().unwrap_err().code(), Some("UNAUTHORIZED"), "{bad}");
    }
    let rogue = JwtSigner::from_seed(&Key256::generate()).unwrap();
    let forged = rogue
        .sign(&json!({"iss": "https://idp.example", "aud": "tokenvault", "email": "e", "org": s.tenant.as_str(), "exp": common::START + 600}))
        .unwrap();
    assert_eq!(
        Client::new(&s.base)
            .with_jwt(&forged)
            .usage()
            .unwrap_err()
            .code(),
        Some("UNAUTHORIZED")
    );
    // Roles come from the mapped claim: without an allowed role, no grant.
    let viewer = token(json!({
        "iss": "https://idp.example", "aud": "tokenvault", "email": "v@corp.example",
        "org": s.tenant.as_str(), "groups": ["viewer"], "exp": common::START + 600
    }));
    assert_eq!(
        grant(&Client::new(&s.base).with_jwt(&viewer), &ids)
            .unwrap_err()
            .code(),
        Some("ACCESS_DENIED")
    );
}

#[test]
fn detokenize_records_carry_the_grants_redacted_reason() {
    let s = TestServer::start();
    s.hipaa_policy();
    let ids = tokenize_ids(&s, &[("536-90-4399", "us_ssn")]);
    let admin = s.admin();
    let g = admin
        .grant(&GrantRequest {
            token_ids: ids.clone(),
            purpose: "customer_support".into(),
            reason: Some("Case #12345, caller jane.doe@example.com asked".into()),
            trace_id: None,
        })
        .unwrap();
    admin
        .detokenize(&DetokenizeRequest {
            tokens: ids.clone(),
            grant_jwt: g.grant_jwt.clone(),
            trace_id: None,
        })
        .unwrap();
    let audit = admin.audit("").unwrap();
    let text = audit.to_string();
    assert!(!text.contains("jane.doe@example.com"), "{text}");
    let events = audit["events"].as_array().unwrap();
    let reason_of = |action: &str| {
        events.iter().find(|e| e["action"] == action).unwrap()["reason"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let reason = reason_of("detokenize");
    assert!(reason.starts_with("Case #12345, caller "), "{reason}");
    assert_eq!(reason, reason_of("grant"));
    let detok = events.iter().find(|e| e["action"] == "detokenize").unwrap();
    assert_eq!(detok["purpose"], "customer_support");
    // Free text where a purpose belongs is refused before it reaches the audit chain.
    let e = admin
        .grant(&GrantRequest {
            token_ids: ids,
            purpose: "call jane.doe@example.com".into(),
            reason: Some("x".into()),
            trace_id: None,
        })
        .unwrap_err();
    assert_eq!(e.code(), Some("INVALID_INPUT"));
    assert!(!admin.audit("").unwrap().to_string().contains("jane.doe"));
}

#[test]
fn grant_events_name_the_deciding_policy() {
    let s = TestServer::start();
    s.hipaa_policy();
    let ids = tokenize_ids(&s, &[("536-90-4399", "us_ssn")]);
    let admin = s.admin();
    grant(&admin, &ids).unwrap();
    let analyst = Client::new(&s.base).with_jwt(&s.jwt("carol", &["analyst"]));
    assert!(grant(&analyst, &ids).is_err());
    let page = admin.audit("action=grant").unwrap();
    let events = page["events"].as_array().unwrap();
    assert_eq!(events.len(), 2);
    for e in events {
        assert_eq!(e["policy_id"], "pol_hipaa", "{e}");
        assert_eq!(e["policy_version"], 1, "{e}");
        assert_eq!(
            e["detail"]["policies"],
            json!([{"policy_id": "pol_hipaa", "policy_version": 1}])
        );
    }
}

/// One trace id per request: a `trace_id` in the tokenize body is the one in the answer, the
/// `X-Trace-Id` header and the audit record.
#[test]
fn expired_tokens_quota_and_kill_switch() {
    let s = TestServer::start_with(
        ServerSettings::default(),
        VaultConfig {
            default_quota: Some(5),
            ..VaultConfig::default()
        },
    );
    s.admin()
        .create_policy(&json!({
            "id": "pol_hipaa", "name": "ttl",
            "type_rules": {"email": {"ttl_seconds": 60}, "us_ssn": {}},
            "allowed_roles": ["admin"], "allowed_purposes": ["customer_support"]
        }))
        .unwrap();
    let ids = tokenize_ids(&s, &[("a@b.co", "email"), ("123-45-6789", "us_ssn")]);
    let admin = s.admin();
    s.clock.advance(61);
    let jwt = grant(&admin, &ids).unwrap();
    let d = detok(&admin, &ids, &jwt).unwrap();
    assert_eq!(d.results[0].status, "EXPIRED");
    assert!(d.results[0].expired_at.is_some());
    assert_eq!(d.results[1].status, "GRANTED");
    assert_eq!(admin.vault("status=expired").unwrap().entries.len(), 1);
    // Quota: 2 tokenized + 1 detokenized = 3 of 5; a batch of 3 more is refused whole.
    let e = s
        .api()
        .tokenize(
            &request(vec![
                item("1@b.co", "email"),
                item("2@b.co", "email"),
                item("3@b.co", "email"),
            ]),
            false,
        )
        .unwrap_err();
    assert_eq!((e.status(), e.code()), (Some(429), Some("QUOTA_EXCEEDED")));
    assert_eq!(admin.usage().unwrap().operations_this_period, 3);
    // Kill switch.
    s.block_on(s.vault.store().set_kill_switch(&s.tenant, true))
        .unwrap();
    let e = s
        .api()
        .tokenize(&request(vec![item("1@b.co", "email")]), false)
        .unwrap_err();
    assert_eq!(
        (e.status(), e.code()),
        (Some(503), Some("KILL_SWITCH_ACTIVE"))
    );
    assert_eq!(
        grant(&admin, &ids).unwrap_err().code(),
        Some("KILL_SWITCH_ACTIVE")
    );
    s.block_on(s.vault.store().set_kill_switch(&s.tenant, false))
        .unwrap();
    assert!(s
        .api()
        .tokenize(&request(vec![item("1@b.co", "email")]), false)
        .is_ok());
    let _ = TokenizeItem::default();
}
