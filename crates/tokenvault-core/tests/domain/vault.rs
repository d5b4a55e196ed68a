//! The vault listing, revocation and usage on the memory store.

use tokenvault_core::{
    service::{ServiceError, VaultQuery},
    store::TokenStatus,
};

use super::*;

#[test]
fn pages_follow_the_cursor_newest_first_and_filter_by_status() {
    block_on(async {
        let f = Fixture::new().await;
        let values = ["130 692 544"; 5];
        let items: Vec<(&str, &str)> = values.iter().map(|v| (*v, "ca_sin")).collect();
        f.tokenize(&items).await;
        let mut q = VaultQuery {
            limit: 2,
            ..VaultQuery::default()
        };
        let mut seen = Vec::new();
        loop {
            let page = f.vault.list_vault(&f.admin, &q).await.unwrap();
            seen.extend(page.records.iter().map(|r| r.token_id.clone()));
            match page.next {
                Some(c) => q.after = Some(c),
                None => break,
            }
        }
        assert_eq!(seen.len(), 5);
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 5, "no record twice across pages");
        f.vault
            .revoke(&f.admin, &seen[0], Some("test"), "tr")
            .await
            .unwrap();
        let revoked = f
            .vault
            .list_vault(
                &f.admin,
                &VaultQuery {
                    status: Some(TokenStatus::Revoked),
                    ..VaultQuery::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(revoked.records.len(), 1);
        let u = f.vault.usage(&f.admin).await.unwrap();
        assert_eq!((u.counts.active, u.counts.revoked), (4, 1));
    });
}

#[test]
fn revoking_needs_a_reason_and_happens_once() {
    block_on(async {
        let f = Fixture::new().await;
        let o = f.tokenize(&[("130 692 544", "ca_sin")]).await;
        let tokenvault_core::service::ItemOutcome::Tokenized { token_id, .. } = &o.items[0] else {
            panic!()
        };
        let e = f
            .vault
            .revoke(&f.admin, token_id, None, "tr")
            .await
            .unwrap_err();
        assert!(matches!(e, ServiceError::InvalidInput(_)), "{e:?}");
        f.vault
            .revoke(&f.admin, token_id, Some("lost laptop"), "tr")
            .await
            .unwrap();
        let e = f
            .vault
            .revoke(&f.admin, token_id, Some("again"), "tr")
            .await
            .unwrap_err();
        assert!(matches!(e, ServiceError::TokenRevoked), "{e:?}");
        let e = f
            .vault
            .list_vault(
                &f.admin,
                &VaultQuery {
                    limit: 0,
                    ..VaultQuery::default()
                },
            )
            .await
            .unwrap_err();
        assert!(matches!(e, ServiceError::InvalidInput(_)), "{e:?}");
    });
}
