//! A fault of the server itself (stored data that does not read back) answers a generic
//! `500 INTERNAL_ERROR` that is not retryable and says nothing of the cause; the cause goes to
//! the log.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use std::sync::{Arc, Mutex};

use common::TestServer;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn corrupt_stored_data_is_a_logged_500() {
    let log = Captured::default();
    let writer = log.clone();
    tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();
    let s = TestServer::start();
    // Inject the fault below the domain: a mapping naming a permission that does not exist,
    // as a bug or a hand-edited database would leave it.
    let bad = vec!["root:everything".to_owned()];
    let event = tokenvault_core::store::AuditEvent {
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
    };
    s.block_on(
        s.vault
            .store()
            .set_role_permissions(&s.tenant, "auditor", Some(&bad), &event),
    )
    .unwrap();
    let r = s.admin().raw("GET", "/roles", None, &[]).unwrap();
    assert_eq!(r.status, 500, "{}", r.body);
    let e = &r.json()["error"];
    assert_eq!(e["code"], "INTERNAL_ERROR");
    assert_eq!(e["retryable"], false);
    assert!(!r.body.contains("root:everything") && !r.body.contains("auditor"));
    let logged = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
    assert!(
        logged.contains("stored role mapping names an unknown permission"),
        "{logged}"
    );
}
