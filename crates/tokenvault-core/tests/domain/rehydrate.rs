//! Rehydration on the memory store: the same open path as detokenize.

use tokenvault_core::{
    service::{GrantCommand, ItemOutcome, RehydrateAccess, RestoreStatus, ServiceError},
    store::{prelude::*, AuditFilter},
};

use super::*;

async fn tokens(f: &Fixture, items: &[(&str, &str)]) -> Vec<String> {
    f.tokenize(items)
        .await
        .items
        .into_iter()
        .map(|i| match i {
            ItemOutcome::Tokenized { token, .. } => token,
            other => panic!("{other:?}"),
        })
        .collect()
}

fn purpose(p: &str) -> RehydrateAccess {
    RehydrateAccess::Purpose {
        purpose: p.into(),
        reason: None,
    }
}

#[test]
fn a_purpose_restores_what_each_policy_allows_and_leaves_the_rest() {
    block_on(async {
        let f = Fixture::new().await;
        f.policy(serde_json::json!({
            "id": "pol_strict", "name": "strict",
            "type_rules": {"email": {"mode": "deterministic"}},
            "allowed_roles": ["dpo"], "allowed_purposes": ["audit"],
            "failure_policy": "fail_closed"
        }))
        .await;
        let t = tokens(&f, &[("123-45-6789", "us_ssn")]).await;
        let mut cmd = command(&[("a@b.example", "email")]);
        cmd.policy_id = tokenvault_core::ids::PolicyId::parse("pol_strict").unwrap();
        let strict = f.vault.tokenize(&f.api, &cmd, "tr").await.unwrap();
        let ItemOutcome::Tokenized { token: email, .. } = &strict.items[0] else {
            panic!()
        };
        let text = format!(
            "SSN {} twice {} and mail {email} and tv_zzzzzzzzzzzzzzzzzzzzzz",
            t[0], t[0]
        );
        let r = f
            .vault
            .rehydrate(&f.admin, &text, &purpose("customer_support"), "tr")
            .await
            .unwrap();
        assert!(r
            .text
            .starts_with("SSN 123-45-6789 twice 123-45-6789 and mail "));
        assert!(r.text.contains(email.as_str()));
        let status: Vec<RestoreStatus> = r.tokens.iter().map(|t| t.status).collect();
        assert_eq!(
            status,
            [
                RestoreStatus::Restored,
                RestoreStatus::Denied,
                RestoreStatus::NotFound
            ]
        );
        assert_eq!(r.tokens[0].occurrences, 2);
        assert_eq!(r.restored_count(), 1);
        // One grant issued and consumed for the caller, in the chain.
        let grants = f
            .store
            .audit(
                &f.tenant,
                &AuditFilter {
                    action: Some("grant".into()),
                    ..AuditFilter::default()
                },
                None,
                10,
            )
            .await
            .unwrap();
        assert_eq!(grants.len(), 1);
    });
}

#[test]
fn only_refused_tokens_is_a_refusal_and_no_tokens_is_the_text() {
    block_on(async {
        let f = Fixture::new().await;
        let t = tokens(&f, &[("123-45-6789", "us_ssn")]).await;
        let e = f
            .vault
            .rehydrate(&f.admin, &t[0], &purpose("marketing"), "tr")
            .await
            .unwrap_err();
        assert!(matches!(e, ServiceError::AccessDenied(_)), "{e:?}");
        let r = f
            .vault
            .rehydrate(&f.admin, "nothing here", &purpose("marketing"), "tr")
            .await
            .unwrap();
        assert_eq!(r.text, "nothing here");
        assert!(r.tokens.is_empty());
    });
}

#[test]
fn a_grant_restores_through_detokenize() {
    block_on(async {
        let f = Fixture::new().await;
        let t = tokens(&f, &[("123-45-6789", "us_ssn")]).await;
        let opened = f.tokenize(&[("123-45-6789", "us_ssn")]).await;
        let ItemOutcome::Tokenized { token_id, .. } = &opened.items[0] else {
            panic!()
        };
        let g = f
            .vault
            .grant(
                &f.admin,
                &GrantCommand {
                    token_ids: vec![token_id.clone()],
                    purpose: "customer_support".into(),
                    reason: None,
                },
                "tr",
            )
            .await
            .unwrap();
        let access = RehydrateAccess::Grant(g.jwt.clone());
        let r = f
            .vault
            .rehydrate(&f.admin, &format!("<{}>", t[0]), &access, "tr")
            .await
            .unwrap();
        assert_eq!(r.text, "<123-45-6789>");
        let e = f
            .vault
            .rehydrate(&f.admin, &t[0], &access, "tr")
            .await
            .unwrap_err();
        assert!(matches!(e, ServiceError::GrantNonceReused), "{e:?}");
    });
}

#[test]
fn another_tenants_tokens_are_not_found() {
    block_on(async {
        let f = Fixture::new().await;
        let t = tokens(&f, &[("123-45-6789", "us_ssn")]).await;
        let other = f.vault.create_tenant("globex", None).await.unwrap();
        let admin = caller(&other, "eve", &["admin"]);
        let r = f
            .vault
            .rehydrate(&admin, &t[0], &purpose("customer_support"), "tr")
            .await
            .unwrap();
        assert_eq!(r.text, t[0]);
        assert_eq!(r.tokens[0].status, RestoreStatus::NotFound);
    });
}
