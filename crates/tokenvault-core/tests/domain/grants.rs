//! Grants and detokenize on the memory store.

use tokenvault_core::{
    ids::TokenId,
    service::{GrantCommand, ItemOutcome, OpenStatus, ServiceError},
    store::{prelude::*, AuditFilter},
};

use super::*;

async fn one_token(f: &Fixture) -> (TokenId, String) {
    let o = f.tokenize(&[("123-45-6789", "us_ssn")]).await;
    match &o.items[0] {
        ItemOutcome::Tokenized {
            token_id, token, ..
        } => (token_id.clone(), token.clone()),
        other => panic!("{other:?}"),
    }
}

fn grant_cmd(ids: &[TokenId], purpose: &str) -> GrantCommand {
    GrantCommand {
        token_ids: ids.to_vec(),
        purpose: purpose.into(),
        reason: Some("case 1".into()),
    }
}

#[test]
fn a_grant_opens_its_tokens_once() {
    block_on(async {
        let f = Fixture::new().await;
        let (id, token) = one_token(&f).await;
        let g = f
            .vault
            .grant(
                &f.admin,
                &grant_cmd(std::slice::from_ref(&id), "customer_support"),
                "tr",
            )
            .await
            .unwrap();
        assert_eq!(g.expires_in_seconds, 300);
        let asked = vec![token.clone(), "tok_unknown0000000000000000".into()];
        let opened = f
            .vault
            .detokenize(&f.admin, &asked, &g.jwt, "tr")
            .await
            .unwrap();
        assert_eq!(opened[0].token_id, id.to_string());
        assert!(matches!(
            &opened[0].status,
            OpenStatus::Granted { value, .. } if value == "123-45-6789"
        ));
        assert_eq!(opened[1].status, OpenStatus::NotFound);
        let e = f
            .vault
            .detokenize(&f.admin, &[token], &g.jwt, "tr")
            .await
            .unwrap_err();
        assert!(matches!(e, ServiceError::GrantNonceReused), "{e:?}");
        // Both uses are in the chain, the refused one as denied.
        let denied = f
            .store
            .audit(
                &f.tenant,
                &AuditFilter {
                    action: Some("detokenize".into()),
                    result: Some("denied".into()),
                    ..AuditFilter::default()
                },
                None,
                10,
            )
            .await
            .unwrap();
        assert_eq!(denied.len(), 1);
        assert_eq!(
            f.store.verify_audit_chain().await.unwrap().map(|_| ()),
            Ok(())
        );
    });
}

#[test]
fn the_policy_refuses_a_role_or_purpose_and_says_so_in_the_audit() {
    block_on(async {
        let f = Fixture::new().await;
        let (id, _) = one_token(&f).await;
        let intern = caller(&f.tenant, "bob", &["intern"]);
        let e = f
            .vault
            .grant(
                &intern,
                &grant_cmd(std::slice::from_ref(&id), "customer_support"),
                "tr",
            )
            .await
            .unwrap_err();
        assert!(
            matches!(e, ServiceError::AccessDenied(ref m) if m.contains("ROLE_NOT_ALLOWED")),
            "{e:?}"
        );
        let e = f
            .vault
            .grant(&f.admin, &grant_cmd(&[id], "marketing"), "tr")
            .await
            .unwrap_err();
        assert!(
            matches!(e, ServiceError::AccessDenied(ref m) if m.contains("PURPOSE_NOT_ALLOWED")),
            "{e:?}"
        );
        let e = f
            .vault
            .grant(&f.admin, &grant_cmd(&[], "customer_support"), "tr")
            .await
            .unwrap_err();
        assert!(matches!(e, ServiceError::InvalidInput(_)), "{e:?}");
    });
}

#[test]
fn a_grant_is_bound_to_its_user_and_expires() {
    block_on(async {
        let f = Fixture::new().await;
        let (id, token) = one_token(&f).await;
        let g = f
            .vault
            .grant(
                &f.admin,
                &grant_cmd(std::slice::from_ref(&id), "customer_support"),
                "tr",
            )
            .await
            .unwrap();
        let officer = caller(&f.tenant, "carol", &["privacy_officer"]);
        let e = f
            .vault
            .detokenize(&officer, std::slice::from_ref(&token), &g.jwt, "tr")
            .await
            .unwrap_err();
        assert!(matches!(e, ServiceError::AccessDenied(_)), "{e:?}");
        f.advance(301);
        let e = f
            .vault
            .detokenize(&f.admin, &[token], &g.jwt, "tr")
            .await
            .unwrap_err();
        assert!(matches!(e, ServiceError::GrantExpired), "{e:?}");
        let e = f
            .vault
            .detokenize(&f.admin, &[id.to_string()], "not-a-jwt", "tr")
            .await
            .unwrap_err();
        assert!(matches!(e, ServiceError::Unauthorized(_)), "{e:?}");
    });
}

#[test]
fn a_revoked_token_is_reported_not_opened() {
    block_on(async {
        let f = Fixture::new().await;
        let (id, token) = one_token(&f).await;
        let g = f
            .vault
            .grant(
                &f.admin,
                &grant_cmd(std::slice::from_ref(&id), "customer_support"),
                "tr",
            )
            .await
            .unwrap();
        f.vault
            .revoke(&f.admin, &id, Some("request of the subject"), "tr")
            .await
            .unwrap();
        let opened = f
            .vault
            .detokenize(&f.admin, &[token], &g.jwt, "tr")
            .await
            .unwrap();
        assert!(matches!(opened[0].status, OpenStatus::Revoked(Some(NOW))));
    });
}
