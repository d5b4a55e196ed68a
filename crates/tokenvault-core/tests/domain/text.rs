//! The PII API's orchestration (policy by key, action choice, audit of counts) on the memory
//! store. The engine here is a stand-in that counts words with an `@`: the real engine
//! (`tokenvault-detect`) is tested on its own and through the server.

use std::collections::BTreeMap;

use async_trait::async_trait;
use tokenvault_core::{
    policy::{Policy, TextAction},
    service::{ActionChoice, ScanReport, ServiceError, TextEngine, TextEngineError, TextScan},
    store::{prelude::*, AuditFilter},
};

use super::*;

struct AtWords;

#[derive(Debug)]
struct Report {
    action: TextAction,
    found: usize,
}

impl ScanReport for Report {
    fn has_blocking(&self) -> bool {
        self.action == TextAction::Block && self.found > 0
    }
    fn counts(&self) -> BTreeMap<String, usize> {
        BTreeMap::from([("email".to_owned(), self.found)])
    }
}

#[async_trait]
impl TextEngine for AtWords {
    type Report = Report;
    async fn apply(
        &self,
        _: &Policy,
        text: String,
        action: TextAction,
        _: &str,
    ) -> Result<Report, TextEngineError> {
        let found = text.split_whitespace().filter(|w| w.contains('@')).count();
        if found > 3 {
            return Err(TextEngineError::TooManyFindings { max: 3 });
        }
        Ok(Report { action, found })
    }
}

fn scan(text: &str, action: ActionChoice) -> TextScan {
    TextScan {
        policy_key: "support".into(),
        text: text.into(),
        locale: "en".into(),
        action,
    }
}

async fn with_text_policy() -> Fixture {
    let f = Fixture::new().await;
    f.policy(serde_json::json!({
        "id": "pol_text", "name": "support tickets", "key": "support",
        "type_rules": {}, "allowed_roles": ["admin"], "allowed_purposes": ["x"],
        "failure_policy": "fail_closed",
        "detection": {"default_action": "redact"}
    }))
    .await;
    f
}

#[test]
fn the_policy_default_applies_unless_pinned_or_requested_and_counts_are_audited() {
    block_on(async {
        let f = with_text_policy().await;
        let s = f
            .vault
            .scan_text(
                &f.api,
                &AtWords,
                scan("mail a@b.example", ActionChoice::Requested(None)),
                "tr_1",
            )
            .await
            .unwrap();
        assert_eq!(s.action, TextAction::Redact);
        assert_eq!(s.report.found, 1);
        let s = f
            .vault
            .scan_text(
                &f.api,
                &AtWords,
                scan("x", ActionChoice::Pinned(TextAction::Detect)),
                "tr_2",
            )
            .await
            .unwrap();
        assert_eq!(s.action, TextAction::Detect);
        let s = f
            .vault
            .scan_text(
                &f.api,
                &AtWords,
                scan("a@b c@d", ActionChoice::Requested(Some(TextAction::Block))),
                "tr_3",
            )
            .await
            .unwrap();
        assert!(s.report.has_blocking());
        let audit = f
            .store
            .audit(
                &f.tenant,
                &AuditFilter {
                    trace_id: Some("tr_3".into()),
                    ..AuditFilter::default()
                },
                None,
                5,
            )
            .await
            .unwrap();
        assert_eq!(audit.len(), 1);
        assert_eq!(audit[0].event.action, "pii_block");
        assert_eq!(audit[0].event.result, "blocking");
        assert_eq!(audit[0].event.detail["findings"]["email"], 2);
    });
}

#[test]
fn unknown_keys_the_kill_switch_and_engine_limits_are_refused() {
    block_on(async {
        let f = with_text_policy().await;
        let mut s = scan("x", ActionChoice::Requested(None));
        s.policy_key = "nope".into();
        let e = f
            .vault
            .scan_text(&f.api, &AtWords, s, "tr")
            .await
            .unwrap_err();
        assert!(matches!(e, ServiceError::PolicyKeyNotFound(_)), "{e:?}");
        let e = f
            .vault
            .scan_text(
                &f.api,
                &AtWords,
                scan("a@ b@ c@ d@", ActionChoice::Requested(None)),
                "tr",
            )
            .await
            .unwrap_err();
        assert!(matches!(e, ServiceError::TooManyFindings(_)), "{e:?}");
        f.store.set_kill_switch(&f.tenant, true).await.unwrap();
        let e = f
            .vault
            .scan_text(
                &f.api,
                &AtWords,
                scan("x", ActionChoice::Requested(None)),
                "tr",
            )
            .await
            .unwrap_err();
        assert!(matches!(e, ServiceError::KillSwitchActive), "{e:?}");
    });
}
