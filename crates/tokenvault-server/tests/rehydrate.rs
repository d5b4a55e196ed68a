//! LLM context rehydration (seed 001) end to end: tokens in a model's reply restored for a
//! caller whose grant or roles and purpose allow it, bounded, audited, and in streaming form
//! with tokens and placeholders split across chunks.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use common::{item, request, TestServer};
use serde_json::{json, Value};
use tokenvault_client::Client;
use tokenvault_proto::{GrantRequest, RehydrateRequest, RehydrateResponse};

/// Tokens of an e-mail address and an SSN under the HIPAA policy.
fn tokens(s: &TestServer) -> (String, String, String, String) {
    s.hipaa_policy();
    let r = s
        .api()
        .tokenize(
            &request(vec![
                item("sara@acme.com", "email"),
                item("123 45 6789", "us_ssn"),
            ]),
            false,
        )
        .unwrap();
    (
        r.results[0].token.clone().unwrap(),
        r.results[0].token_id.clone().unwrap(),
        r.results[1].token.clone().unwrap(),
        r.results[1].token_id.clone().unwrap(),
    )
}

fn rehydrate(c: &Client, body: &Value) -> (u16, Value) {
    let r = c
        .raw("POST", "/rehydrate", Some(&body.to_string()), &[])
        .unwrap();
    (r.status, r.json())
}

#[test]
fn restores_tokens_for_role_and_purpose_and_leaves_others() {
    let s = TestServer::start();
    let (email, _, ssn, _) = tokens(&s);
    // A token of another tenant: well-formed, but not this tenant's.
    let (other_api, _) = s.other_tenant();
    other_api
        .create_policy(&json!({"id": "pol_hipaa", "name": "x", "allowed_roles": ["admin"], "allowed_purposes": ["customer_support"], "default_rule": {"mode": "deterministic"}}))
        .ok();
    let foreign = "tv_AQEAAAABzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz";
    let text = format!("I emailed {email} about SSN {ssn}; again {email}. Also {foreign}.");
    let (status, body) = rehydrate(
        &s.admin(),
        &json!({"text": text, "purpose": "customer_support", "reason": "ticket 42"}),
    );
    assert_eq!(status, 200, "{body}");
    let r: RehydrateResponse = serde_json::from_value(body).unwrap();
    assert_eq!(
        r.output_text,
        format!(
            "I emailed sara@acme.com about SSN 123-45-6789; again sara@acme.com. Also {foreign}."
        )
    );
    assert_eq!((r.restored_count, r.left_count), (2, 1));
    assert_eq!(r.tokens[0].occurrences, 2);
    assert_eq!(r.tokens[2].status, "NOT_FOUND");
    // Every restoration is audited: a grant issued and consumed for the caller.
    let audit = s.admin().audit("").unwrap().to_string();
    assert!(
        audit.contains("\"grant\"") && audit.contains("\"detokenize\""),
        "{audit}"
    );
    assert!(!audit.contains("sara@acme.com"));
}

#[test]
fn refuses_without_role_purpose_or_grant() {
    let s = TestServer::start();
    let (email, _, _, _) = tokens(&s);
    let text = format!("mail {email}");
    let (status, body) = rehydrate(&s.admin(), &json!({"text": text}));
    assert_eq!(status, 400, "{body}");
    let (status, _) = rehydrate(
        &s.admin(),
        &json!({"text": text, "purpose": "marketing", "reason": "x"}),
    );
    assert_eq!(status, 403);
    let intern = Client::new(&s.base).with_jwt(&s.jwt("bob", &["intern"]));
    let (status, _) = rehydrate(
        &intern,
        &json!({"text": text, "purpose": "customer_support", "reason": "x"}),
    );
    assert_eq!(status, 403);
    // Text without tokens needs no authority and comes back as it was.
    let (status, body) = rehydrate(
        &s.admin(),
        &json!({"text": "no tokens here", "purpose": "customer_support"}),
    );
    assert_eq!(status, 200);
    assert_eq!(body["output_text"], "no tokens here");
}

#[test]
fn restores_with_a_grant_once() {
    let s = TestServer::start();
    let (email, email_id, ssn, _) = tokens(&s);
    let admin = s.admin();
    let grant = admin
        .grant(&GrantRequest {
            token_ids: vec![email_id],
            purpose: "customer_support".into(),
            reason: Some("ticket 7".into()),
            trace_id: None,
        })
        .unwrap();
    let req = RehydrateRequest {
        text: format!("{email} and {ssn}"),
        grant_jwt: Some(grant.grant_jwt),
        purpose: None,
        reason: None,
        trace_id: None,
    };
    let (status, body) = rehydrate(&admin, &serde_json::to_value(&req).unwrap());
    assert_eq!(status, 200, "{body}");
    // The grant covers the e-mail only; the SSN stays and is reported denied.
    assert_eq!(body["output_text"], format!("sara@acme.com and {ssn}"));
    assert_eq!(body["tokens"][1]["status"], "DENIED");
    let (status, body) = rehydrate(&admin, &serde_json::to_value(&req).unwrap());
    assert_eq!(status, 403, "a grant is single-use: {body}");
}

#[test]
fn at_most_100_tokens_and_bounded_text() {
    let s = TestServer::start();
    let many: Vec<String> = (0..101).map(|i| format!("tv_AQEAAAAB{i:0>24}")).collect();
    let (status, body) = rehydrate(
        &s.admin(),
        &json!({"text": many.join(" "), "purpose": "customer_support"}),
    );
    assert_eq!(status, 400);
    assert!(
        body["error"]["detail"]
            .as_str()
            .unwrap()
            .contains("at most 100"),
        "{body}"
    );
}

fn ndjson(first: &Value, chunks: &[&str]) -> String {
    let mut s = first.to_string();
    s.push('\n');
    for c in chunks {
        s.push_str(&json!({"chunk": c}).to_string());
        s.push('\n');
    }
    s
}

fn stream_output(body: &str) -> (String, Value) {
    let mut out = String::new();
    let mut last = Value::Null;
    for line in body.lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        if let Some(c) = v["chunk"].as_str() {
            out.push_str(c);
        }
        last = v;
    }
    (out, last)
}

#[test]
fn streaming_restores_tokens_split_across_chunks() {
    let s = TestServer::start();
    let (email, _, ssn, _) = tokens(&s);
    let text = format!("Dear customer, I wrote to {email} regarding {ssn}. Bye");
    // Cut the text into small chunks: every token is split at least once.
    let pieces: Vec<String> = text
        .as_bytes()
        .chunks(7)
        .map(|c| String::from_utf8(c.to_vec()).unwrap())
        .collect();
    let refs: Vec<&str> = pieces.iter().map(String::as_str).collect();
    let body = ndjson(
        &json!({"purpose": "customer_support", "reason": "ticket 9"}),
        &refs,
    );
    let r = s
        .admin()
        .raw("POST", "/rehydrate/stream", Some(&body), &[])
        .unwrap();
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("content-type"), Some("application/x-ndjson"));
    let (out, done) = stream_output(&r.body);
    assert_eq!(
        out,
        "Dear customer, I wrote to sara@acme.com regarding 123-45-6789. Bye"
    );
    assert_eq!(done["done"], true);
    assert_eq!(done["restored_count"], 2);
}

#[test]
fn streaming_detokenize_restores_split_placeholders() {
    let s = TestServer::start();
    let c = Client::new(&s.base).with_bearer(&s.api_key);
    let vault = json!({"[EMAIL_1]": {"value": "sara@acme.com", "category": "email"}, "[EMAIL_10]": {"value": "x@y.io", "category": "email"}});
    let body = ndjson(
        &json!({"vault": vault}),
        &[
            "I emailed [EMA",
            "IL_1] and [EMAIL_1",
            "0]; [EMAIL_",
            "2] stays",
            ".",
        ],
    );
    let r = c
        .raw(
            "POST",
            "/api/client/v1/pii/detokenize/stream",
            Some(&body),
            &[],
        )
        .unwrap();
    assert_eq!(r.status, 200, "{}", r.body);
    let (out, done) = stream_output(&r.body);
    assert_eq!(out, "I emailed sara@acme.com and x@y.io; [EMAIL_2] stays.");
    assert_eq!(done["replaced"], 2);
    // A bad first line is a 400 before anything streams.
    let r = c
        .raw(
            "POST",
            "/api/client/v1/pii/detokenize/stream",
            Some("{\"vault\": 3}\n"),
            &[],
        )
        .unwrap();
    assert_eq!(r.status, 400);
}

/// The answer streams while the request is still arriving: the first restored chunk comes back
/// before the rest of the model output is sent (raw HTTP/1.1 with a chunked request body).
#[test]
fn streaming_answers_before_the_request_ends() {
    use std::io::{BufRead, BufReader, Write};

    let s = TestServer::start();
    let addr = s.base.trim_start_matches("http://").to_owned();
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "POST /api/client/v1/pii/detokenize/stream HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {}\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n",
        s.api_key
    )
    .unwrap();
    let send = |stream: &mut std::net::TcpStream, data: &str| {
        write!(stream, "{:x}\r\n{data}\r\n", data.len()).unwrap();
        stream.flush().unwrap();
    };
    let first = json!({"vault": {"[EMAIL_1]": {"value": "sara@acme.com", "category": "email"}}});
    send(&mut stream, &format!("{first}\n"));
    send(
        &mut stream,
        &format!("{}\n", json!({"chunk": "Hello [EMAIL_1], your [EMA"})),
    );
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    // Status line and headers, then the first body chunk: size line and the NDJSON line.
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    assert!(line.starts_with("HTTP/1.1 200"), "{line}");
    loop {
        line.clear();
        reader.read_line(&mut line).unwrap();
        if line == "\r\n" {
            break;
        }
    }
    let mut got = String::new();
    while !got.contains("\"chunk\"") {
        line.clear();
        reader.read_line(&mut line).unwrap();
        got.push_str(&line);
    }
    assert!(got.contains("Hello sara@acme.com, your "), "{got}");
    assert!(
        !got.contains("[EMA"),
        "the partial placeholder is held back: {got}"
    );
    // Now the rest of the model output, and the end of the request.
    send(
        &mut stream,
        &format!("{}\n", json!({"chunk": "IL_1] copy."})),
    );
    write!(stream, "0\r\n\r\n").unwrap();
    let mut rest = String::new();
    while !rest.contains("\"done\"") {
        line.clear();
        if reader.read_line(&mut line).unwrap() == 0 {
            break;
        }
        rest.push_str(&line);
    }
    assert!(rest.contains("sara@acme.com copy."), "{rest}");
    assert!(rest.contains("\"replaced\":2"), "{rest}");
}

/// Tokens whose policy refuses the purpose stay in place, reported DENIED; the others are
/// restored.
#[test]
fn per_token_policies_decide_without_a_grant() {
    let s = TestServer::start();
    let (email, _, _, _) = tokens(&s);
    s.admin()
        .create_policy(&json!({
            "id": "pol_strict", "name": "Strict",
            "default_rule": {"mode": "deterministic"},
            "allowed_roles": ["admin"], "allowed_purposes": ["regulatory"], "require_reason": false
        }))
        .unwrap();
    let mut strict = request(vec![item("jane.roe@example.org", "email")]);
    strict.policy_id = "pol_strict".into();
    let r = s.api().tokenize(&strict, false).unwrap();
    let address = r.results[0]
        .token
        .clone()
        .unwrap_or_else(|| panic!("{r:?}"));
    let text = format!("{email} also uses {address}");
    let (status, body) = rehydrate(
        &s.admin(),
        &json!({"text": text, "purpose": "customer_support", "reason": "ticket 5"}),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["output_text"],
        format!("sara@acme.com also uses {address}")
    );
    assert_eq!(body["tokens"][0]["status"], "RESTORED");
    assert_eq!(body["tokens"][1]["status"], "DENIED");
    // Only the refused token: the whole request is refused.
    let (status, _) = rehydrate(
        &s.admin(),
        &json!({"text": format!("at {address}"), "purpose": "customer_support", "reason": "x"}),
    );
    assert_eq!(status, 403);
}

/// A token the caller may not read does not end the stream: like `/rehydrate`, it stays in the
/// text and is reported, the rest of the model's output is restored, and `restored_count`
/// counts distinct tokens, as the plain form does.
#[test]
fn streaming_leaves_a_denied_token_and_goes_on() {
    let s = TestServer::start();
    let (email, _, ssn, _) = tokens(&s);
    // A second policy that does not allow this purpose, and a token under it.
    s.admin()
        .create_policy(&json!({
            "id": "pol_strict", "name": "Strict", "type_rules": {"email": {"mode": "randomized"}},
            "allowed_roles": ["admin"], "allowed_purposes": ["regulatory"], "require_reason": false
        }))
        .unwrap();
    let mut req = request(vec![item("ceo@acme.com", "email")]);
    req.policy_id = "pol_strict".into();
    let secret = s.api().tokenize(&req, false).unwrap().results[0]
        .token
        .clone()
        .unwrap();
    let chunks = [
        format!("First {secret} stays. "),
        format!("Then {email} and {ssn}. "),
        format!("Again {email}."),
    ];
    let refs: Vec<&str> = chunks.iter().map(String::as_str).collect();
    let body = ndjson(
        &json!({"purpose": "customer_support", "reason": "ticket 9"}),
        &refs,
    );
    let r = s
        .admin()
        .raw("POST", "/rehydrate/stream", Some(&body), &[])
        .unwrap();
    assert_eq!(r.status, 200, "{}", r.body);
    let (out, done) = stream_output(&r.body);
    assert_eq!(
        out,
        format!("First {secret} stays. Then sara@acme.com and 123-45-6789. Again sara@acme.com.")
    );
    assert_eq!(done["done"], true, "{}", r.body);
    assert_eq!(done["restored_count"], 2);
    assert_eq!(done["left_count"], 1);
    let statuses: Vec<(&str, &str)> = done["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["token"].as_str().unwrap(), t["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        statuses,
        vec![
            (secret.as_str(), "DENIED"),
            (email.as_str(), "RESTORED"),
            (ssn.as_str(), "RESTORED")
        ]
    );
}

#[test]
fn stream_error_lines_say_whether_to_retry() {
    let s = TestServer::start();
    let body = "{\"purpose\": \"customer_support\"}\nnot json\n";
    let r = s
        .admin()
        .raw("POST", "/rehydrate/stream", Some(body), &[])
        .unwrap();
    let (_, last) = stream_output(&r.body);
    assert_eq!(last["error"]["code"], "INVALID_INPUT", "{}", r.body);
    assert_eq!(last["error"]["retryable"], false);
}

/// The tenant's rehydration settings (Integrations): off refuses, and the bounds tighten.
#[test]
fn the_tenants_settings_turn_rehydration_off_or_tighten_it() {
    let s = TestServer::start();
    let (email, _, ssn, _) = tokens(&s);
    let admin = s.admin();
    let put = |body: Value| {
        let r = admin
            .raw("PUT", "/rehydration", Some(&body.to_string()), &[])
            .unwrap();
        (r.status, r.json())
    };
    let get = admin.raw("GET", "/rehydration", None, &[]).unwrap().json();
    assert_eq!(
        get,
        json!({"enabled": true, "max_tokens": 100, "max_output_bytes": 1048576})
    );
    let ask = |text: String| {
        rehydrate(
            &s.admin(),
            &json!({"text": text, "purpose": "customer_support", "reason": "ticket 42"}),
        )
    };
    let (status, body) =
        put(json!({"enabled": true, "max_tokens": 1, "max_output_bytes": 1048576}));
    assert_eq!(status, 200, "{body}");
    let (status, body) = ask(format!("{email} and {ssn}"));
    assert_eq!(status, 400, "{body}");
    assert!(body.to_string().contains("at most 1 per request"), "{body}");
    let (status, _) = ask(format!("only {email}"));
    assert_eq!(status, 200);
    put(json!({"enabled": true, "max_tokens": 100, "max_output_bytes": 10}));
    let (status, body) = ask(format!("a long sentence around {email} here"));
    assert_eq!(status, 400, "{body}");
    put(json!({"enabled": false, "max_tokens": 100, "max_output_bytes": 1048576}));
    let (status, body) = ask(format!("only {email}"));
    assert_eq!(status, 403, "{body}");
    assert!(body.to_string().contains("turned off"), "{body}");
    // Out of range, or unknown fields, are refused.
    assert_eq!(
        put(json!({"enabled": true, "max_tokens": 101, "max_output_bytes": 10})).0,
        400
    );
    assert_eq!(
        put(json!({"enabled": true, "max_tokens": 1, "max_output_bytes": 0})).0,
        400
    );
    assert_eq!(put(json!({"enabled": true})).0, 400);
    let audit = s
        .admin()
        .audit("action=rehydration_settings_set")
        .unwrap()
        .to_string();
    assert!(audit.contains("rehydration_settings_set"), "{audit}");
}
