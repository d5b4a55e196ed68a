//! Tokenize on the memory store.

use tokenvault_core::{
    ids::PolicyId,
    service::{
        BatchMode, ItemErrorCode, ItemOutcome, ModeChoice, ServiceError, SkipCode, TokenizeOutcome,
    },
    store::prelude::*,
    token::Mode,
};

use super::*;
use std::sync::Arc;
use tokenvault_core::{
    keys::KeyManager,
    service::{Vault, VaultConfig},
    store::VaultStore,
};

fn tokens(o: &TokenizeOutcome) -> Vec<Option<String>> {
    o.items
        .iter()
        .map(|i| match i {
            ItemOutcome::Tokenized { token, .. } => Some(token.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn deterministic_values_keep_one_record_randomized_do_not() {
    block_on(async {
        let f = Fixture::new().await;
        let o = f
            .tokenize(&[
                ("123-45-6789", "us_ssn"),
                ("123456789", "us_ssn"),
                ("130 692 544", "ca_sin"),
                ("130 692 544", "ca_sin"),
            ])
            .await;
        assert_eq!(o.success_count(), 4);
        let t = tokens(&o);
        assert_eq!(t[0], t[1], "one SSN in two spellings, one token");
        assert_ne!(t[2], t[3], "randomized tokens differ");
        let again = f.tokenize(&[("123-45-6789", "us_ssn")]).await;
        assert_eq!(tokens(&again)[0], t[0], "and across requests");
        let usage = f.vault.usage(&f.admin).await.unwrap();
        assert_eq!(usage.counts.created, 3, "one SSN record, two SIN records");
        assert_eq!(usage.counts.operations, 5);
    });
}

#[test]
fn items_fail_or_skip_alone_in_best_effort_and_all_or_nothing_writes_nothing() {
    block_on(async {
        let f = Fixture::new().await;
        let o = f
            .tokenize(&[
                ("123-45-6789", "us_ssn"),
                ("x", "no_such_type"),
                ("   ", "email"),
                ("+1 415 555 0100", "phone"),
            ])
            .await;
        assert!(matches!(o.items[0], ItemOutcome::Tokenized { .. }));
        let code = |i: usize| match &o.items[i] {
            ItemOutcome::Failed { error, .. } => Some(error.code),
            _ => None,
        };
        assert_eq!(code(1), Some(ItemErrorCode::UnsupportedPiiType));
        assert_eq!(code(2), Some(ItemErrorCode::EmptyValue));
        assert!(matches!(
            o.items[3],
            ItemOutcome::Skipped(SkipCode::Policy(_))
        ));
        let mut cmd = command(&[("234-56-7890", "us_ssn"), ("x", "no_such_type")]);
        cmd.batch_mode = BatchMode::AllOrNothing;
        let e = f.vault.tokenize(&f.api, &cmd, "tr").await.unwrap_err();
        assert!(matches!(e, ServiceError::UnsupportedPiiType(_)), "{e:?}");
        assert_eq!(f.vault.usage(&f.admin).await.unwrap().counts.created, 1);
    });
}

#[test]
fn a_mode_override_outside_the_rule_fails_the_item() {
    block_on(async {
        let f = Fixture::new().await;
        let mut cmd = command(&[("123-45-6789", "us_ssn"), ("a@b.example", "email")]);
        cmd.items[0].mode = ModeChoice::Unknown;
        cmd.items[1].mode = ModeChoice::Override(Mode::Randomized);
        let o = f.vault.tokenize(&f.api, &cmd, "tr").await.unwrap();
        assert!(matches!(
            &o.items[0],
            ItemOutcome::Failed { error, .. } if error.code == ItemErrorCode::InvalidInput
        ));
        assert_eq!(o.items.len(), 2);
    });
}

#[test]
fn a_dry_run_answers_alike_and_writes_nothing() {
    block_on(async {
        let f = Fixture::new().await;
        let mut cmd = command(&[("123-45-6789", "us_ssn")]);
        cmd.dry_run = true;
        let dry = f.vault.tokenize(&f.api, &cmd, "tr").await.unwrap();
        assert!(dry.dry_run);
        let chain_before = f.store.verify_audit_chain().await.unwrap();
        assert_eq!(f.vault.usage(&f.admin).await.unwrap().counts.created, 0);
        let real = f.tokenize(&[("123-45-6789", "us_ssn")]).await;
        assert_eq!(tokens(&dry), tokens(&real));
        let chain_after = f.store.verify_audit_chain().await.unwrap();
        assert_eq!(chain_after.unwrap(), chain_before.unwrap() + 1);
    });
}

#[test]
fn an_idempotency_key_replays_its_receipt_and_refuses_another_body() {
    block_on(async {
        let f = Fixture::new().await;
        let mut cmd = command(&[("130 692 544", "ca_sin"), ("x", "no_such_type")]);
        cmd.idempotency_key = Some("order-42".into());
        let first = f.vault.tokenize(&f.api, &cmd, "tr_first").await.unwrap();
        let replay = f.vault.tokenize(&f.api, &cmd, "tr_retry").await.unwrap();
        assert_eq!(
            replay, first,
            "the same randomized token, the first trace id"
        );
        assert_eq!(f.vault.usage(&f.admin).await.unwrap().counts.created, 1);
        let mut other = cmd.clone();
        other.items.pop();
        let e = f.vault.tokenize(&f.api, &other, "tr").await.unwrap_err();
        assert!(matches!(e, ServiceError::Conflict(_)), "{e:?}");
    });
}

#[test]
fn a_replay_reports_a_token_revoked_since() {
    block_on(async {
        let f = Fixture::new().await;
        let mut cmd = command(&[("130 692 544", "ca_sin")]);
        cmd.idempotency_key = Some("k".into());
        let first = f.vault.tokenize(&f.api, &cmd, "tr").await.unwrap();
        let ItemOutcome::Tokenized { token_id, .. } = &first.items[0] else {
            panic!("{first:?}")
        };
        f.vault
            .revoke(&f.admin, token_id, Some("leaked"), "tr")
            .await
            .unwrap();
        let replay = f.vault.tokenize(&f.api, &cmd, "tr").await.unwrap();
        assert!(matches!(
            &replay.items[0],
            ItemOutcome::Failed { error, .. } if error.code == ItemErrorCode::TokenRevoked
        ));
    });
}

#[test]
fn the_quota_refuses_a_batch_that_would_pass_it() {
    block_on(async {
        let f = Fixture::new().await;
        f.store.set_quota(&f.tenant, Some(2)).await.unwrap();
        f.tokenize(&[("130 692 544", "ca_sin"), ("130 692 544", "ca_sin")])
            .await;
        let e = f
            .vault
            .tokenize(&f.api, &command(&[("130 692 544", "ca_sin")]), "tr")
            .await
            .unwrap_err();
        assert!(matches!(e, ServiceError::QuotaExceeded(_)), "{e:?}");
    });
}

#[test]
fn a_stale_policy_version_and_an_unknown_policy_are_refused() {
    block_on(async {
        let f = Fixture::new().await;
        let mut cmd = command(&[("123-45-6789", "us_ssn")]);
        cmd.batch_policy_version = Some(7);
        let e = f.vault.tokenize(&f.api, &cmd, "tr").await.unwrap_err();
        assert!(matches!(e, ServiceError::PolicyVersionMismatch(_)), "{e:?}");
        cmd.batch_policy_version = None;
        cmd.policy_id = PolicyId::parse("pol_nope").unwrap();
        let e = f.vault.tokenize(&f.api, &cmd, "tr").await.unwrap_err();
        assert!(matches!(e, ServiceError::PolicyNotFound), "{e:?}");
    });
}

#[test]
fn the_kill_switch_stops_tokenize() {
    block_on(async {
        let f = Fixture::new().await;
        f.store.set_kill_switch(&f.tenant, true).await.unwrap();
        let e = f
            .vault
            .tokenize(&f.api, &command(&[("123-45-6789", "us_ssn")]), "tr")
            .await
            .unwrap_err();
        assert!(matches!(e, ServiceError::KillSwitchActive), "{e:?}");
    });
}

#[test]
fn a_rule_can_mask_or_skip_and_an_override_does_not_escape_it() {
    block_on(async {
        let f = Fixture::new().await;
        f.policy(serde_json::json!({
            "id": "pol_export", "name": "export",
            "type_rules": {
                "us_ssn": {"action": "mask", "mask": {"strategy": "partial", "keep_last": 4}},
                "email": {"action": "mask", "mask": {"strategy": "hash"}},
                "phone": {"action": "mask"},
                "ca_sin": {"action": "skip"}
            },
            "allowed_roles": ["admin"], "allowed_purposes": ["x"],
            "failure_policy": "fail_closed"
        }))
        .await;
        let mut cmd = command(&[
            ("123-45-6789", "us_ssn"),
            ("a@b.example", "email"),
            ("A@B.EXAMPLE", "email"),
            ("+1 415 555 0100", "phone"),
            ("130 692 544", "ca_sin"),
        ]);
        cmd.policy_id = PolicyId::parse("pol_export").unwrap();
        cmd.items[0].mode = ModeChoice::Override(Mode::Randomized);
        let o = f.vault.tokenize(&f.api, &cmd, "tr").await.unwrap();
        let masked: Vec<Option<&str>> = o
            .items
            .iter()
            .map(|i| match i {
                ItemOutcome::Masked(m) => Some(m.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(masked[0], Some("***-**-6789"));
        assert_eq!(masked[3], Some("[REDACTED]"), "mask defaults to redact");
        let hash = masked[1].unwrap();
        assert_eq!(hash.len(), 32);
        assert_eq!(
            masked[2],
            Some(hash),
            "the keyed hash is of the canonical form"
        );
        assert!(matches!(
            o.items[4],
            ItemOutcome::Skipped(SkipCode::Policy(
                tokenvault_core::policy::SkipReason::RuleSkips
            ))
        ));
        assert_eq!(
            (o.masked_count(), o.skipped_count(), o.failure_count()),
            (4, 1, 0)
        );
        let usage = f.vault.usage(&f.admin).await.unwrap();
        assert_eq!(usage.counts.created, 0, "masking stores nothing");
        assert_eq!(usage.counts.operations, 0, "and bills nothing");
    });
}

/// Two nodes on one store: node A has not seen a rotation node B made. B tokenizes a value
/// under the new key version, then A under the old one: A finds B's record by the value's
/// fingerprint (the ids differ), so the value keeps one record and one token.
#[test]
fn a_node_behind_a_rotation_finds_the_record_made_after_it() {
    block_on(async {
        let f = Fixture::new().await;
        let node_b = Vault::open(
            f.store.clone() as Arc<dyn VaultStore>,
            KeyManager::new(
                f.vault.keys().root().clone(),
                f.store.clone(),
                f.clock.clone(),
            ),
            f.clock.clone(),
            Arc::new(NoDetection),
            VaultConfig::default(),
        )
        .await
        .unwrap();
        // Node A caches version 1.
        f.tokenize(&[("234-56-7890", "us_ssn")]).await;
        assert_eq!(node_b.rotate_keys(&f.admin, "tr").await.unwrap(), 2);
        let cmd = command(&[("123-45-6789", "us_ssn")]);
        let on_b = node_b.tokenize(&f.api, &cmd, "tr").await.unwrap();
        let on_a = f.vault.tokenize(&f.api, &cmd, "tr").await.unwrap();
        assert_eq!(
            tokens(&on_a),
            tokens(&on_b),
            "one token for the value on both nodes"
        );
        let created = f.vault.usage(&f.admin).await.unwrap().counts.created;
        assert_eq!(created, 2, "one record per value");
    });
}
