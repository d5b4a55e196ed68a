//! Dashboard users and sessions.

use tokenvault_core::store::{DashboardUser, Entity, SessionRecord};

use super::*;

fn user(login: &str) -> DashboardUser {
    DashboardUser {
        tenant: tenant(),
        login: login.into(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        roles: vec!["auditor".into()],
        created_at: 10,
        failed_logins: 0,
        locked_until: None,
        disabled: false,
    }
}

fn session(id: u8, login: &str) -> SessionRecord {
    SessionRecord {
        id_hash: [id; 32],
        tenant: tenant(),
        login: login.into(),
        csrf_hash: [id ^ 0xff; 32],
        created_at: 20,
        expires_at: 1000,
        ended_at: None,
    }
}

pub async fn dashboard_users_sessions_and_lockout(s: Arc<dyn VaultStore>) {
    let other = TenantId::parse("ten_other").unwrap();
    let before = s.verify_audit_chain().await.unwrap().unwrap();
    s.insert_user(&user("ana"), &event("user_create"))
        .await
        .unwrap();
    s.insert_user(&user("bo"), &event("user_create"))
        .await
        .unwrap();
    let mut elsewhere = user("ana");
    elsewhere.tenant = other.clone();
    assert_eq!(
        s.insert_user(&elsewhere, &event("user_create")).await,
        Err(StoreError::Conflict {
            what: Entity::DashboardUser
        }),
        "logins are unique across the vault"
    );
    assert_eq!(s.user("ana").await.unwrap(), Some(user("ana")));
    assert_eq!(s.user("nobody").await.unwrap(), None);
    let logins: Vec<String> = s
        .users(&tenant())
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.login)
        .collect();
    assert_eq!(logins, ["ana", "bo"]);
    assert!(s.users(&other).await.unwrap().is_empty());

    // Failures are counted; the limit locks.
    for _ in 0..2 {
        s.login_failed("ana", 3, 500, &event("sign_in"))
            .await
            .unwrap();
    }
    let ana = s.user("ana").await.unwrap().unwrap();
    assert_eq!((ana.failed_logins, ana.locked_until), (2, None));
    s.login_failed("ana", 3, 500, &event("sign_in"))
        .await
        .unwrap();
    let ana = s.user("ana").await.unwrap().unwrap();
    assert_eq!((ana.failed_logins, ana.locked_until), (3, Some(500)));
    // An unknown login is audited, nothing else.
    s.login_failed("nobody", 3, 500, &event("sign_in"))
        .await
        .unwrap();

    // Success forgets the failures and starts a session.
    s.login_succeeded(&session(1, "ana"), &event("sign_in"))
        .await
        .unwrap();
    let ana = s.user("ana").await.unwrap().unwrap();
    assert_eq!((ana.failed_logins, ana.locked_until), (0, None));
    assert_eq!(s.session(&[1; 32]).await.unwrap(), Some(session(1, "ana")));
    assert_eq!(s.session(&[9; 32]).await.unwrap(), None);
    assert_eq!(
        s.login_succeeded(&session(2, "nobody"), &event("sign_in"))
            .await,
        Err(StoreError::NotFound {
            what: Entity::DashboardUser
        })
    );

    // Sign-out ends one session, once.
    s.login_succeeded(&session(3, "ana"), &event("sign_in"))
        .await
        .unwrap();
    s.end_session(&[3; 32], 30, &event("sign_out"))
        .await
        .unwrap();
    s.end_session(&[3; 32], 40, &event("sign_out"))
        .await
        .unwrap();
    assert_eq!(
        s.session(&[3; 32]).await.unwrap().unwrap().ended_at,
        Some(30)
    );
    assert_eq!(s.session(&[1; 32]).await.unwrap().unwrap().ended_at, None);

    // New roles keep sessions; a new password ends them.
    let mut changed = user("ana");
    changed.roles = vec!["admin".into()];
    s.update_user(&changed, &event("user_update"))
        .await
        .unwrap();
    assert_eq!(s.user("ana").await.unwrap().unwrap().roles, ["admin"]);
    assert_eq!(s.session(&[1; 32]).await.unwrap().unwrap().ended_at, None);
    changed.password_hash = "$argon2id$other".into();
    let mut at = event("user_update");
    at.at = 50;
    s.update_user(&changed, &at).await.unwrap();
    assert_eq!(
        s.session(&[1; 32]).await.unwrap().unwrap().ended_at,
        Some(50)
    );
    // Disabling ends the sessions started since.
    s.login_succeeded(&session(4, "ana"), &event("sign_in"))
        .await
        .unwrap();
    changed.disabled = true;
    s.update_user(&changed, &at).await.unwrap();
    assert!(s.user("ana").await.unwrap().unwrap().disabled);
    assert_eq!(
        s.session(&[4; 32]).await.unwrap().unwrap().ended_at,
        Some(50)
    );
    // Another tenant's user is not found.
    let mut foreign = user("bo");
    foreign.tenant = other.clone();
    assert_eq!(
        s.update_user(&foreign, &event("user_update")).await,
        Err(StoreError::NotFound {
            what: Entity::DashboardUser
        })
    );
    assert_eq!(
        s.delete_user(&other, "bo", &event("user_delete")).await,
        Err(StoreError::NotFound {
            what: Entity::DashboardUser
        })
    );

    // Deleting ends the sessions.
    s.login_succeeded(&session(5, "bo"), &event("sign_in"))
        .await
        .unwrap();
    s.delete_user(&tenant(), "bo", &at).await.unwrap();
    assert_eq!(s.user("bo").await.unwrap(), None);
    assert_eq!(
        s.session(&[5; 32]).await.unwrap().unwrap().ended_at,
        Some(50)
    );

    // Every change above was audited, in the chain.
    let after = s.verify_audit_chain().await.unwrap().unwrap();
    assert_eq!(after - before, 16);
}

/// The dashboard's tokens-by-type-and-mode chart: counts per type and mode, this tenant's only.
pub async fn token_breakdown_by_type_and_mode(s: Arc<dyn VaultStore>) {
    use tokenvault_core::{pii::PiiType, store::TokenBreakdown, token::Mode};
    assert!(s.token_breakdown(&tenant()).await.unwrap().is_empty());
    let mut randomized = record("tok_cccccccccccccccccccccccccc", 3);
    randomized.mode = Mode::Randomized;
    let mut phone = record("tok_dddddddddddddddddddddddddd", 4);
    phone.pii_type = PiiType::Phone;
    s.commit_tokenize(commit(
        vec![
            record("tok_aaaaaaaaaaaaaaaaaaaaaaaaaa", 1),
            record("tok_bbbbbbbbbbbbbbbbbbbbbbbbbb", 2),
            randomized,
            phone,
        ],
        None,
    ))
    .await
    .unwrap();
    let row = |pii_type, mode, count| TokenBreakdown {
        pii_type,
        mode,
        count,
    };
    let mut got = s.token_breakdown(&tenant()).await.unwrap();
    got.sort_by_key(|b| (b.pii_type.as_str(), b.mode.as_str()));
    assert_eq!(
        got,
        vec![
            row(PiiType::Email, Mode::Deterministic, 2),
            row(PiiType::Email, Mode::Randomized, 1),
            row(PiiType::Phone, Mode::Deterministic, 1),
        ]
    );
    let other = TenantId::parse("ten_other").unwrap();
    assert!(s.token_breakdown(&other).await.unwrap().is_empty());
}
