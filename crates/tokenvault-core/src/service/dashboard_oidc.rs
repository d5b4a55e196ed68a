//! Dashboard sign-in through the external OpenID Connect provider (`[external_jwt]` names its
//! issuer, keys and claims): authorization code flow with PKCE (S256), `state` and `nonce`.
//! Between sending the browser to the provider and its return, the state, nonce and PKCE
//! verifier travel in a short-lived cookie signed by the vault, so any node can finish the
//! sign-in. The returned ID token must be signed by the provider's keys, name its issuer, be
//! addressed to the client id, be unexpired and carry the nonce; its user, tenant and roles
//! claims make the session's caller. Provider users are kept as dashboard users named
//! `oidc:<user>` (a login no password user can have), whose roles follow the token at every
//! sign-in and who can never sign in with a password.

use base64::Engine;
use serde::{Deserialize, Serialize};
use tokenvault_crypto::digest;

use super::{auth::caller_from_claims, NewSession, ServiceError, Vault};
use crate::store::{DashboardUser, Entity, SessionRecord, StoreError};

/// The audience of the pending-sign-in cookie (no other token of the vault has it).
const PENDING_AUDIENCE: &str = "tokenvault-oidc-pending";
/// How long the browser has to come back from the provider.
pub const OIDC_PENDING_SECONDS: i64 = 600;
/// What a provider user's password hash is: not a PHC string, so no password matches it.
const NO_PASSWORD: &str = "!oidc";

/// A sign-in sent to the provider.
#[derive(Debug, Clone)]
pub struct OidcStart {
    /// The `state` parameter.
    pub state: String,
    /// The `nonce` parameter.
    pub nonce: String,
    /// The PKCE `code_challenge` (S256).
    pub code_challenge: String,
    /// The cookie that carries the rest back (signed by the vault).
    pub cookie: String,
}

/// What the cookie carries.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OidcPending {
    aud: String,
    exp: i64,
    /// The expected `state`.
    pub state: String,
    /// The expected `nonce`.
    pub nonce: String,
    /// The PKCE `code_verifier` for the token request.
    pub verifier: String,
}

impl Vault {
    /// Starts a sign-in through the provider; `NotFound` when no provider is configured.
    pub fn oidc_begin(&self) -> Result<OidcStart, ServiceError> {
        if self.config.external_issuer.is_none() {
            return Err(ServiceError::NotFound("OpenID Connect provider"));
        }
        let pending = OidcPending {
            aud: PENDING_AUDIENCE.into(),
            exp: self.clock.now() + OIDC_PENDING_SECONDS,
            state: super::dashboard::random_token(24),
            nonce: super::dashboard::random_token(24),
            verifier: super::dashboard::random_token(32),
        };
        let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(digest::sha256(&[pending.verifier.as_bytes()]));
        let cookie = self
            .api_signer
            .sign(&pending)
            .map_err(|_| ServiceError::Internal)?;
        Ok(OidcStart {
            state: pending.state,
            nonce: pending.nonce,
            code_challenge: challenge,
            cookie,
        })
    }

    /// The pending sign-in of `cookie`, if it is the vault's, unexpired, and for `state`.
    pub fn oidc_pending(&self, cookie: &str, state: &str) -> Result<OidcPending, ServiceError> {
        let refused = || {
            ServiceError::Unauthorized(
                "the sign-in expired or was not started here; start again".into(),
            )
        };
        let p: OidcPending = self
            .api_signer
            .verify(cookie, PENDING_AUDIENCE)
            .map_err(|_| refused())?;
        if p.exp <= self.clock.now() || !digest::ct_eq(p.state.as_bytes(), state.as_bytes()) {
            return Err(refused());
        }
        Ok(p)
    }

    /// Finishes a sign-in with the provider's ID token: verified, then the provider user is
    /// added or brought up to date and a session starts.
    pub async fn oidc_sign_in(
        &self,
        id_token: &str,
        client_id: &str,
        pending: &OidcPending,
        trace_id: &str,
    ) -> Result<NewSession, ServiceError> {
        let ext = self
            .config
            .external_issuer
            .as_ref()
            .ok_or(ServiceError::NotFound("OpenID Connect provider"))?;
        let refused = |why: &str| {
            ServiceError::Unauthorized(format!("the provider's ID token was refused: {why}"))
        };
        let claims = ext
            .keys
            .current()
            .verify(id_token, &ext.issuer, client_id)
            .map_err(|_| refused("signature, issuer or audience"))?;
        let now = self.clock.now();
        if claims["exp"].as_i64().is_none_or(|e| e <= now) {
            return Err(refused("expired"));
        }
        let nonce = claims["nonce"].as_str().unwrap_or("");
        if !digest::ct_eq(nonce.as_bytes(), pending.nonce.as_bytes()) {
            return Err(refused("nonce"));
        }
        let caller = caller_from_claims(ext, &claims)?;
        let login = format!("oidc:{}", caller.actor.to_lowercase());
        let mut audit = self.audit(&caller, "sign_in", trace_id);
        audit.actor = format!("user:{login}");
        audit.detail = serde_json::json!({ "via": "oidc" });
        let user = match self.store.user(&login).await? {
            Some(u) if u.tenant != caller.tenant => {
                audit.result = "denied".into();
                self.store.append_audit(&[audit]).await?;
                return Err(refused("this user belongs to another tenant"));
            }
            Some(mut u) => {
                if u.roles != caller.roles || u.disabled {
                    if u.disabled {
                        audit.result = "denied".into();
                        self.store.append_audit(&[audit]).await?;
                        return Err(refused("the user is disabled in the vault"));
                    }
                    u.roles.clone_from(&caller.roles);
                    let mut change = self.audit(&caller, "user_update", trace_id);
                    change.result = "allowed".into();
                    change.detail =
                        serde_json::json!({ "login": login, "roles": u.roles, "via": "oidc" });
                    self.store.update_user(&u, &change).await?;
                }
                u
            }
            None => {
                let u = DashboardUser {
                    tenant: caller.tenant.clone(),
                    login: login.clone(),
                    password_hash: NO_PASSWORD.into(),
                    roles: caller.roles.clone(),
                    created_at: now,
                    failed_logins: 0,
                    locked_until: None,
                    disabled: false,
                };
                let mut create = self.audit(&caller, "user_create", trace_id);
                create.result = "allowed".into();
                create.detail =
                    serde_json::json!({ "login": login, "roles": u.roles, "via": "oidc" });
                match self.store.insert_user(&u, &create).await {
                    Ok(())
                    | Err(StoreError::Conflict {
                        what: Entity::DashboardUser,
                    }) => {}
                    Err(e) => return Err(e.into()),
                }
                u
            }
        };
        audit.result = "allowed".into();
        self.start_session(user, audit).await
    }

    /// Starts a session for `user`, recording `audit` with it.
    pub(super) async fn start_session(
        &self,
        user: DashboardUser,
        audit: crate::store::AuditEvent,
    ) -> Result<NewSession, ServiceError> {
        let now = self.clock.now();
        let cookie = super::dashboard::random_token(32);
        let csrf = super::csrf_token_of(&cookie);
        let session = SessionRecord {
            id_hash: super::dashboard::session_hash(&cookie),
            tenant: user.tenant.clone(),
            login: user.login.clone(),
            csrf_hash: super::dashboard::csrf_hash(&csrf),
            created_at: now,
            expires_at: now + super::SESSION_SECONDS,
            ended_at: None,
        };
        self.store.login_succeeded(&session, &audit).await?;
        Ok(NewSession {
            cookie,
            csrf,
            expires_at: session.expires_at,
            user,
        })
    }
}
