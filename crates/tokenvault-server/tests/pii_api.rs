//! The PII API of seed 003 end to end: the real server on a free port, driven through the real
//! client with `Authorization: Bearer <API key>`. Every example of the seed, sent as written.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::TestServer;
use serde_json::json;
use tokenvault_client::Client;
use tokenvault_proto::pii::{PiiRequest, PiiResponse};

fn support_intake(s: &TestServer) {
    s.admin()
        .create_policy(&json!({
            "name": "Support Intake",
            "key": "support-intake",
            "allowed_roles": ["admin"],
            "allowed_purposes": ["customer_support"],
            "detection": {
                "categories": ["email", "phone", "tr_phone", "creditCard", "iban", "ipAddress", "tc_kimlik"],
                "languages": ["global", "tr"],
                "severities": {"iban": "high"},
                "blocking": ["creditCard"],
                "default_action": "redact"
            }
        }))
        .unwrap();
}

fn client(s: &TestServer) -> Client {
    Client::new(&s.base).with_bearer(&s.api_key)
}

fn req(policy: &str, text: &str) -> PiiRequest {
    PiiRequest {
        policy_key: policy.into(),
        text: text.into(),
        locale: None,
        action: None,
    }
}

fn call(s: &TestServer, endpoint: &str, text: &str) -> PiiResponse {
    client(s)
        .pii(endpoint, &req("support-intake", text))
        .unwrap()
}

#[test]
fn seed_detect_example() {
    let s = TestServer::start();
    support_intake(&s);
    let text = "Wire to IBAN TR33 0006 1005 1978 6457 8413 26 before Friday";
    let r = call(&s, "detect", text);
    assert_eq!(r.policy_key, "support-intake");
    assert_eq!(r.policy_name, "Support Intake");
    assert_eq!(r.action, "detect");
    assert_eq!(r.findings.len(), 1);
    let f = &r.findings[0];
    assert_eq!(
        (
            f.category.as_str(),
            f.value.as_str(),
            f.start,
            f.end,
            f.severity.as_str()
        ),
        ("iban", "TR33 0006 1005 1978 6457 8413 26", 13, 45, "high")
    );
    assert_eq!(r.output_text, text);
    // The seed prints 58; the text has 59 characters.
    assert_eq!(r.input_length, 59);
    assert!(!r.has_blocking);
    assert_eq!(r.languages, vec!["global", "tr"]);
    assert!(r.vault.is_none());
}

#[test]
fn seed_redact_and_mask_examples() {
    let s = TestServer::start();
    support_intake(&s);
    let r = call(&s, "redact", "Cardholder paid with 4111 1111 1111 1111");
    assert_eq!(r.output_text, "Cardholder paid with [REDACTED_CREDITCARD]");
    assert_eq!(
        r.findings[0].replacement.as_deref(),
        Some("[REDACTED_CREDITCARD]")
    );
    // creditCard is blocking in this policy.
    assert!(r.has_blocking);
    let r = call(
        &s,
        "mask",
        "Reach me at jane.doe@acme.com or 0532 111 22 33",
    );
    assert_eq!(
        r.output_text,
        "Reach me at j*******@acme.com or 0*** *** ** 33"
    );
    assert_eq!(r.action, "mask");
}

#[test]
fn seed_tokenize_example_and_shared_placeholders() {
    let s = TestServer::start();
    support_intake(&s);
    let r = call(
        &s,
        "tokenize",
        "User 10000000146 logged in from 192.168.1.42 and emailed ops@acme.com",
    );
    assert_eq!(
        r.output_text,
        "User [TC_KIMLIK_1] logged in from [IPADDRESS_1] and emailed [EMAIL_1]"
    );
    assert_eq!(r.input_length, 69);
    let vault = serde_json::to_value(r.vault.as_ref().unwrap()).unwrap();
    assert_eq!(
        vault,
        json!({
            "[TC_KIMLIK_1]": { "value": "10000000146", "category": "tc_kimlik" },
            "[IPADDRESS_1]": { "value": "192.168.1.42", "category": "ipAddress" },
            "[EMAIL_1]": { "value": "ops@acme.com", "category": "email" }
        })
    );
    // The vault lists placeholders in order of appearance, as the seed shows.
    let keys: Vec<&str> = r
        .vault
        .as_ref()
        .unwrap()
        .0
        .iter()
        .map(|(k, _)| k.as_str())
        .collect();
    assert_eq!(keys, ["[TC_KIMLIK_1]", "[IPADDRESS_1]", "[EMAIL_1]"]);

    let r = call(
        &s,
        "tokenize",
        "Call 0532 111 22 33, again 0532 111 22 33, or mail a@b.io or c@d.io",
    );
    assert_eq!(
        r.output_text,
        "Call [TR_PHONE_1], again [TR_PHONE_1], or mail [EMAIL_1] or [EMAIL_2]"
    );
    assert_eq!(r.vault.unwrap().0.len(), 3);
}

#[test]
fn seed_detokenize_example_and_llm_round_trip() {
    let s = TestServer::start();
    support_intake(&s);
    let c = client(&s);
    let raw = c
        .raw(
            "POST",
            "/api/client/v1/pii/detokenize",
            Some(
                r#"{
                "text": "Blocked the session for [TC_KIMLIK_1]; flagged the IP [IPADDRESS_1].",
                "vault": {
                    "[TC_KIMLIK_1]": { "value": "10000000146", "category": "tc_kimlik" },
                    "[IPADDRESS_1]": { "value": "192.168.1.42", "category": "ipAddress" }
                }
            }"#,
            ),
            &[],
        )
        .unwrap();
    assert_eq!(raw.status, 200, "{}", raw.body);
    assert_eq!(
        raw.json()["output_text"],
        "Blocked the session for 10000000146; flagged the IP 192.168.1.42."
    );

    // The round trip of the seed.
    let tok = call(
        &s,
        "tokenize",
        "Refund the order for sara@acme.com, card 5555 5555 5555 4444",
    );
    assert_eq!(
        tok.output_text,
        "Refund the order for [EMAIL_1], card [CREDITCARD_1]"
    );
    let reply = "I refunded [CREDITCARD_1] and emailed [EMAIL_1] the receipt.";
    let back = c
        .pii_detokenize(reply, tok.vault.as_ref().unwrap())
        .unwrap();
    assert_eq!(
        back.output_text,
        "I refunded 5555 5555 5555 4444 and emailed sara@acme.com the receipt."
    );
    assert_eq!(back.replaced, 2);
    // Placeholders missing from the vault stay; placeholder text is literal, not a pattern.
    let back = c
        .pii_detokenize("[EMAIL_2] [EMAIL_1] [EMAIL_.]", tok.vault.as_ref().unwrap())
        .unwrap();
    assert_eq!(back.output_text, "[EMAIL_2] sara@acme.com [EMAIL_.]");
}

#[test]
fn seed_scan_example_with_override_and_default() {
    let s = TestServer::start();
    s.admin()
        .create_policy(&json!({
            "name": "Customer Support Intake",
            "key": "customer-support-intake",
            "allowed_roles": ["admin"],
            "allowed_purposes": ["customer_support"],
            "detection": {
                "categories": ["email", "phone", "tr_phone"],
                "languages": ["global", "tr"],
                "default_action": "mask"
            }
        }))
        .unwrap();
    let c = client(&s);
    let mut r = req(
        "customer-support-intake",
        "Caller +90 532 555 22 33 emailed alice@example.com",
    );
    r.action = Some("tokenize".into());
    r.locale = Some("en".into());
    let out = c.pii("scan", &r).unwrap();
    assert_eq!(out.action, "tokenize");
    assert_eq!(out.output_text, "Caller [TR_PHONE_1] emailed [EMAIL_1]");
    assert!(out.vault.is_some());
    r.action = None;
    let out = c.pii("scan", &r).unwrap();
    assert_eq!(out.action, "mask");
    assert!(out.vault.is_none());
    r.action = Some("block".into());
    let out = c.pii("scan", &r).unwrap();
    assert_eq!(out.action, "block");
    assert!(out.has_blocking);
    assert_eq!(out.output_text, "");
    assert!(out.findings.iter().all(|f| f.blocking));
    let clean = PiiRequest {
        text: "nothing here".into(),
        ..r.clone()
    };
    let out = c.pii("scan", &clean).unwrap();
    assert!(!out.has_blocking);
    assert_eq!(out.output_text, "nothing here");
}

#[test]
fn locale_labels_and_non_ascii_offsets() {
    let s = TestServer::start();
    support_intake(&s);
    let mut r = req(
        "support-intake",
        "Müşteri ödemesi: IBAN TR33 0006 1005 1978 6457 8413 26 — teşekkürler",
    );
    r.locale = Some("tr-TR".into());
    let out = client(&s).pii("detect", &r).unwrap();
    assert_eq!(out.locale, "tr-TR");
    let f = &out.findings[0];
    assert_eq!(f.label, "IBAN");
    let chars: Vec<char> = r.text.chars().collect();
    let value: String = chars[f.start..f.end].iter().collect();
    assert_eq!(value, f.value);
    assert_eq!(out.input_length, chars.len());
}

#[test]
fn custom_patterns_from_the_policy() {
    let s = TestServer::start();
    s.admin()
        .create_policy(&json!({
            "name": "Orders",
            "key": "orders",
            "allowed_roles": ["admin"],
            "allowed_purposes": ["customer_support"],
            "detection": {
                "categories": ["email"],
                "custom_patterns": [{"name": "order_id", "regex": "ORD-[0-9]{6}", "severity": "low"}],
                "default_action": "tokenize"
            }
        }))
        .unwrap();
    let out = client(&s)
        .pii("tokenize", &req("orders", "ORD-123456 for a@b.io"))
        .unwrap();
    assert_eq!(out.output_text, "[ORDER_ID_1] for [EMAIL_1]");
    assert_eq!(out.findings[0].severity, "low");
    // An invalid pattern is refused when the policy is created, with what to fix.
    let bad = s
        .admin()
        .raw(
            "POST",
            "/policies",
            Some(r#"{"name":"Bad","key":"bad","allowed_roles":["admin"],"allowed_purposes":["x"],"detection":{"custom_patterns":[{"name":"x","regex":"(unclosed","severity":"low"}]}}"#),
            &[],
        )
        .unwrap();
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(bad.body.contains("custom_patterns[0]"), "{}", bad.body);
}

#[test]
fn errors_follow_the_seed() {
    let s = TestServer::start();
    support_intake(&s);
    let c = client(&s);
    let post = |path: &str, body: &str| c.raw("POST", path, Some(body), &[]).unwrap();
    for (path, body, what) in [
        (
            "/api/client/v1/pii/detect",
            r#"{"policy_key": 5, "text": "x"}"#,
            "policy_key",
        ),
        (
            "/api/client/v1/pii/detect",
            r#"{"policy_key": "support-intake"}"#,
            "text",
        ),
        (
            "/api/client/v1/pii/redact",
            r#"{"policy_key": "support-intake", "text": ["x"]}"#,
            "text",
        ),
        (
            "/api/client/v1/pii/scan",
            r#"{"policy_key": "support-intake", "text": "x", "action": "explode"}"#,
            "action",
        ),
        (
            "/api/client/v1/pii/detokenize",
            r#"{"text": "x", "vault": []}"#,
            "vault",
        ),
        (
            "/api/client/v1/pii/detokenize",
            r#"{"text": "x", "vault": {"[A_1]": {"value": 3}}}"#,
            "value",
        ),
        ("/api/client/v1/pii/detect", r#"not json"#, "JSON"),
        (
            "/api/client/v1/pii/mask",
            r#"{"policy_key": "support-intake", "text": "x", "locale": "en us!"}"#,
            "locale",
        ),
    ] {
        let r = post(path, body);
        assert_eq!(r.status, 400, "{body}: {}", r.body);
        assert_eq!(r.json()["error"]["code"], "INVALID_INPUT");
        assert!(r.body.contains(what), "{body}: {}", r.body);
    }
    let r = post(
        "/api/client/v1/pii/detect",
        r#"{"policy_key": "nope", "text": "x"}"#,
    );
    assert_eq!(r.status, 404, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "POLICY_NOT_FOUND");
    // No token, a wrong token, another tenant's policy.
    let anon = Client::new(&s.base);
    let r = anon
        .raw(
            "POST",
            "/api/client/v1/pii/detect",
            Some(r#"{"policy_key":"support-intake","text":"x"}"#),
            &[],
        )
        .unwrap();
    assert_eq!(r.status, 401);
    let wrong = Client::new(&s.base).with_bearer("tvk_wrong");
    let r = wrong
        .raw(
            "POST",
            "/api/client/v1/pii/detect",
            Some(r#"{"policy_key":"support-intake","text":"x"}"#),
            &[],
        )
        .unwrap();
    assert_eq!(r.status, 401);
    let (other_api, _) = s.other_tenant();
    let r = other_api
        .raw(
            "POST",
            "/api/client/v1/pii/detect",
            Some(r#"{"policy_key":"support-intake","text":"x"}"#),
            &[],
        )
        .unwrap();
    assert_eq!(r.status, 404, "another tenant's policy is not visible");
    // Over the text limit: 413 with the limit in the message.
    let big = "a".repeat(tokenvault_detect::MAX_TEXT_BYTES + 1);
    let body =
        serde_json::to_string(&json!({"policy_key": "support-intake", "text": big})).unwrap();
    let r = post("/api/client/v1/pii/detect", &body);
    assert_eq!(r.status, 413, "{}", &r.body[..200.min(r.body.len())]);
    assert_eq!(r.json()["error"]["code"], "PAYLOAD_TOO_LARGE");
}

#[test]
fn calls_are_audited_without_values() {
    let s = TestServer::start();
    support_intake(&s);
    call(&s, "tokenize", "mail ops@acme.com now");
    let audit = s.admin().audit("").unwrap();
    let text = audit.to_string();
    assert!(text.contains("pii_tokenize"), "{text}");
    assert!(!text.contains("ops@acme.com"), "audit must hold no values");
    let metrics = Client::new(&s.base)
        .raw("GET", "/metrics", None, &[])
        .unwrap()
        .body;
    assert!(
        metrics.contains("tokenvault_pii_requests_total{action=\"tokenize\"} 1"),
        "{metrics}"
    );
}

#[test]
fn policies_are_listed_updated_and_deleted() {
    let s = TestServer::start();
    support_intake(&s);
    let admin = s.admin();
    let list = admin.policies().unwrap();
    let id = list["policies"][0]["id"]
        .as_str()
        .or(list[0]["id"].as_str())
        .unwrap()
        .to_owned();
    // Update: turn off creditCard; the next call sees the new version (compiled again).
    let mut body = admin
        .raw("GET", &format!("/policies/{id}"), None, &[])
        .unwrap()
        .json();
    body["detection"]["categories"] = json!(["email"]);
    body["detection"]["severities"] = json!({});
    body["detection"]["blocking"] = json!([]);
    for k in ["id", "version", "created_at", "updated_at"] {
        body.as_object_mut().unwrap().remove(k);
    }
    body["version"] = json!(1);
    let updated = admin.update_policy(&id, &body);
    assert!(updated.is_ok(), "{updated:?}");
    let r = call(&s, "redact", "Card 4111 1111 1111 1111, mail a@b.io");
    assert_eq!(
        r.output_text,
        "Card 4111 1111 1111 1111, mail [REDACTED_EMAIL]"
    );
    // Delete: the key no longer resolves, the list omits it, and the key can be used again.
    admin.delete_policy(&id).unwrap();
    let c = client(&s);
    let err = c.pii("detect", &req("support-intake", "x")).unwrap_err();
    assert_eq!(err.status(), Some(404));
    assert_eq!(admin.delete_policy(&id).unwrap_err().status(), Some(404));
    assert!(!admin.policies().unwrap().to_string().contains(&id));
    support_intake(&s);
    assert_eq!(call(&s, "detect", "mail a@b.io").findings.len(), 1);
    let audit = admin.audit("").unwrap().to_string();
    assert!(audit.contains("policy_delete"));
}

#[test]
fn kill_switch_stops_the_pii_api() {
    let s = TestServer::start();
    support_intake(&s);
    s.block_on(s.vault.store().set_kill_switch(&s.tenant, true))
        .unwrap();
    let c = client(&s);
    let err = c
        .pii("detect", &req("support-intake", "mail a@b.io"))
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    let err = c
        .pii_detokenize("x", &tokenvault_proto::pii::PiiVault::default())
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    s.block_on(s.vault.store().set_kill_switch(&s.tenant, false))
        .unwrap();
    assert_eq!(call(&s, "detect", "mail a@b.io").findings.len(), 1);
}

#[test]
fn the_request_locale_reads_its_regions_national_phones() {
    let s = TestServer::start();
    s.admin()
        .create_policy(&json!({
            "name": "Global only", "key": "global-only",
            "allowed_roles": ["admin"], "allowed_purposes": ["customer_support"],
            "detection": {"categories": ["phone"], "languages": ["global"]}
        }))
        .unwrap();
    let c = client(&s);
    let mut r = req("global-only", "Arayın: 0532 111 22 33");
    assert!(c.pii("detect", &r).unwrap().findings.is_empty());
    r.locale = Some("tr-TR".into());
    let out = c.pii("detect", &r).unwrap();
    assert_eq!(out.findings.len(), 1);
    assert_eq!(out.findings[0].label, "Telefon numarası");
}

#[test]
fn amplification_is_refused() {
    let s = TestServer::start();
    support_intake(&s);
    // A pattern matching single characters would make every byte a finding.
    for regex in [".", "\\d", "a*"] {
        let body = json!({"name": "Amp", "key": "amp", "allowed_roles": ["admin"], "allowed_purposes": ["x"],
            "detection": {"custom_patterns": [{"name": "x", "regex": regex, "severity": "low"}]}});
        let r = s
            .admin()
            .raw("POST", "/policies", Some(&body.to_string()), &[])
            .unwrap();
        assert_eq!(r.status, 400, "{regex}: {}", r.body);
        assert!(r.body.contains("two characters"), "{}", r.body);
    }
    // A text with more findings than one answer may carry is refused whole, not truncated.
    let text = "1.1.1.1 ".repeat(60_000);
    let r = client(&s)
        .raw(
            "POST",
            "/api/client/v1/pii/redact",
            Some(&json!({"policy_key": "support-intake", "text": text}).to_string()),
            &[],
        )
        .unwrap();
    assert_eq!(r.status, 422, "{}", &r.body[..r.body.len().min(300)]);
    assert_eq!(r.json()["error"]["code"], "TOO_MANY_FINDINGS");
    assert!(r.body.len() < 1_000, "the refusal is small");
    // Padding does not switch detection off.
    let padded = format!("card 4111111111111111 {}", "0 ".repeat(5_000));
    let out = call(&s, "detect", &padded);
    assert!(out.findings.iter().any(|f| f.category == "creditCard"));
}
