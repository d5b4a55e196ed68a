//! Dashboard users and their sessions: Argon2id passwords, lockout after repeated failures,
//! sessions held in an opaque cookie and bound to a CSRF token that every request of the
//! session carries in a header. A session's caller has the user's current roles, so the
//! dashboard obeys the same access table as the API.

use base64::Engine;
use tokenvault_crypto::{digest, password};

use super::{Caller, ServiceError, Vault};
use crate::{
    clock::UnixSeconds,
    ids::TenantId,
    store::{DashboardUser, Entity, SessionRecord, StoreError},
};

/// How long a session lasts from sign-in.
pub const SESSION_SECONDS: i64 = 8 * 3600;
/// Failed sign-ins in a row that lock a user.
pub const LOCKOUT_FAILURES: u32 = 5;
/// How long a lock lasts.
pub const LOCKOUT_SECONDS: i64 = 15 * 60;
/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest password accepted (Argon2 hashes any length; this bounds the work).
pub const MAX_PASSWORD_BYTES: usize = 256;

const SIGN_IN_REFUSED: &str =
    "wrong login or password, or too many failed attempts (wait 15 minutes)";

/// A session just started: the secrets are shown to the browser once and kept only hashed.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// The cookie's value.
    pub cookie: String,
    /// The CSRF token for the `X-CSRF-Token` header.
    pub csrf: String,
    /// When it expires.
    pub expires_at: UnixSeconds,
    /// Who signed in.
    pub user: DashboardUser,
}

/// What a dashboard user may change about another (each field optional).
#[derive(Debug, Clone, Default)]
pub struct UserChange {
    /// New roles.
    pub roles: Option<Vec<String>>,
    /// New password (ends the user's sessions).
    pub password: Option<String>,
    /// Disable (ends the sessions) or enable.
    pub disabled: Option<bool>,
}

pub(super) fn session_hash(cookie: &str) -> [u8; 32] {
    digest::sha256(&[b"tokenvault/v1/session", cookie.as_bytes()])
}

/// The CSRF token of the session whose cookie is `cookie`: a hash of it, so only the cookie's
/// holder can compute it, and the page can be given it again after a reload.
pub fn csrf_token_of(cookie: &str) -> String {
    let d = digest::sha256(&[b"tokenvault/v1/csrf-token", cookie.as_bytes()]);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(d)
}

pub(super) fn csrf_hash(token: &str) -> [u8; 32] {
    digest::sha256(&[b"tokenvault/v1/csrf", token.as_bytes()])
}

/// A random password for a bootstrap user: 24 characters of base64url (144 bits).
pub fn generated_password() -> String {
    random_token(18)
}

/// `bytes` random bytes from the CSPRNG, base64url without padding.
pub(super) fn random_token(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    tokenvault_crypto::random::fill(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

/// The caller a dashboard user's session stands for.
fn session_caller(user: &DashboardUser) -> Caller {
    Caller {
        tenant: user.tenant.clone(),
        actor: format!("user:{}", user.login),
        roles: user.roles.clone(),
        api_key: false,
    }
}

/// Argon2 runs at once at most this many times (one per core): each takes 19 MiB, so a burst
/// of sign-ins queues instead of filling memory.
static PASSWORD_WORK: std::sync::LazyLock<tokio::sync::Semaphore> =
    std::sync::LazyLock::new(|| {
        tokio::sync::Semaphore::new(
            std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get),
        )
    });

/// A login: 1 to 64 of lower-case letters, digits and `. _ @ -`.
pub fn check_login(login: &str) -> Result<(), ServiceError> {
    let ok = !login.is_empty()
        && login.len() <= 64
        && login.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'@' | b'-')
        });
    if ok {
        Ok(())
    } else {
        Err(ServiceError::InvalidInput(
            "login must be 1 to 64 characters: lower-case letters, digits and . _ @ -".into(),
        ))
    }
}

fn check_password(password: &str) -> Result<(), ServiceError> {
    if password.chars().count() < MIN_PASSWORD_CHARS || password.len() > MAX_PASSWORD_BYTES {
        return Err(ServiceError::InvalidInput(format!(
            "password must be {MIN_PASSWORD_CHARS} characters to {MAX_PASSWORD_BYTES} bytes long"
        )));
    }
    Ok(())
}

fn check_roles(roles: &[String]) -> Result<(), ServiceError> {
    let ok = !roles.is_empty()
        && roles.len() <= 16
        && roles.iter().all(|r| {
            !r.is_empty()
                && r.len() <= 64
                && r.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        });
    if ok {
        Ok(())
    } else {
        Err(ServiceError::InvalidInput(
            "roles must be 1 to 16 names of lower-case letters, digits and _".into(),
        ))
    }
}

async fn hash(password: &str) -> Result<String, ServiceError> {
    let _permit = PASSWORD_WORK
        .acquire()
        .await
        .map_err(|_| ServiceError::Internal)?;
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || password::hash_password(&password))
        .await
        .map_err(|_| ServiceError::Internal)?
        .map_err(|_| ServiceError::Internal)
}

async fn verify(stored: String, password: &str) -> bool {
    let Ok(_permit) = PASSWORD_WORK.acquire().await else {
        return false;
    };
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || password::verify_password(&stored, &password))
        .await
        .unwrap_or(false)
}

fn user_conflict(e: StoreError) -> ServiceError {
    match e {
        StoreError::Conflict {
            what: Entity::DashboardUser,
        } => ServiceError::Conflict("that login is taken".into()),
        StoreError::NotFound {
            what: Entity::DashboardUser,
        } => ServiceError::NotFound("user"),
        other => other.into(),
    }
}

impl Vault {
    /// Adds a dashboard user to the caller's tenant.
    pub async fn create_user(
        &self,
        caller: &Caller,
        login: &str,
        password: &str,
        roles: &[String],
        trace_id: &str,
    ) -> Result<DashboardUser, ServiceError> {
        check_login(login)?;
        check_password(password)?;
        check_roles(roles)?;
        let user = DashboardUser {
            tenant: caller.tenant.clone(),
            login: login.to_owned(),
            password_hash: hash(password).await?,
            roles: roles.to_vec(),
            created_at: self.clock.now(),
            failed_logins: 0,
            locked_until: None,
            disabled: false,
        };
        let mut audit = self.audit(caller, "user_create", trace_id);
        audit.result = "allowed".into();
        audit.detail = serde_json::json!({ "login": login, "roles": roles });
        self.store
            .insert_user(&user, &audit)
            .await
            .map_err(user_conflict)?;
        Ok(user)
    }

    /// The caller's tenant's dashboard users.
    pub async fn list_users(&self, caller: &Caller) -> Result<Vec<DashboardUser>, ServiceError> {
        Ok(self.store.users(&caller.tenant).await?)
    }

    /// Changes a user of the caller's tenant.
    pub async fn change_user(
        &self,
        caller: &Caller,
        login: &str,
        change: UserChange,
        trace_id: &str,
    ) -> Result<DashboardUser, ServiceError> {
        let mut user = self
            .store
            .user(login)
            .await?
            .filter(|u| u.tenant == caller.tenant)
            .ok_or(ServiceError::NotFound("user"))?;
        if let Some(roles) = &change.roles {
            check_roles(roles)?;
            user.roles.clone_from(roles);
        }
        if let Some(p) = &change.password {
            check_password(p)?;
            user.password_hash = hash(p).await?;
        }
        if let Some(d) = change.disabled {
            user.disabled = d;
        }
        let mut audit = self.audit(caller, "user_update", trace_id);
        audit.result = "allowed".into();
        audit.detail = serde_json::json!({
            "login": login,
            "roles": change.roles,
            "password_changed": change.password.is_some(),
            "disabled": change.disabled,
        });
        self.store
            .update_user(&user, &audit)
            .await
            .map_err(user_conflict)?;
        Ok(user)
    }

    /// Removes a user of the caller's tenant (its sessions end).
    pub async fn delete_user(
        &self,
        caller: &Caller,
        login: &str,
        trace_id: &str,
    ) -> Result<(), ServiceError> {
        let mut audit = self.audit(caller, "user_delete", trace_id);
        audit.result = "allowed".into();
        audit.detail = serde_json::json!({ "login": login });
        self.store
            .delete_user(&caller.tenant, login, &audit)
            .await
            .map_err(user_conflict)
    }

    /// Signs a user in: checks the password (an unknown login costs the same work), counts
    /// failures and locks after [`LOCKOUT_FAILURES`], and starts a session. The refusal never
    /// says which part was wrong.
    pub async fn sign_in(
        &self,
        login: &str,
        password: &str,
        trace_id: &str,
    ) -> Result<NewSession, ServiceError> {
        let refused = || ServiceError::Unauthorized(SIGN_IN_REFUSED.into());
        if check_login(login).is_err() || password.len() > MAX_PASSWORD_BYTES {
            return Err(refused());
        }
        let now = self.clock.now();
        let user = self.store.user(login).await?;
        let stored = user.as_ref().map_or_else(
            || password::decoy_hash().to_owned(),
            |u| u.password_hash.clone(),
        );
        let matches = verify(stored, password).await;
        let Some(user) = user else {
            return Err(refused());
        };
        let caller = session_caller(&user);
        let locked = user.locked_until.is_some_and(|t| t > now);
        let mut audit = self.audit(&caller, "sign_in", trace_id);
        if !matches || locked || user.disabled {
            audit.result = "denied".into();
            audit.detail = serde_json::json!({
                "reason": if user.disabled { "disabled" } else if locked { "locked" } else { "wrong password" },
            });
            // A locked user's further failures do not extend the lock.
            if locked || user.disabled {
                self.store.append_audit(&[audit]).await?;
            } else {
                self.store
                    .login_failed(login, LOCKOUT_FAILURES, now + LOCKOUT_SECONDS, &audit)
                    .await?;
            }
            return Err(refused());
        }
        audit.result = "allowed".into();
        self.start_session(user, audit).await
    }

    /// The session of `cookie`, live, with its user (enabled). `csrf`, when given, must be
    /// the session's token.
    async fn live_session(
        &self,
        cookie: &str,
        csrf: Option<&str>,
    ) -> Result<(SessionRecord, DashboardUser), ServiceError> {
        let expired = || ServiceError::Unauthorized("the session has ended; sign in again".into());
        let session = self
            .store
            .session(&session_hash(cookie))
            .await?
            .filter(|s| s.ended_at.is_none() && s.expires_at > self.clock.now())
            .ok_or_else(expired)?;
        if let Some(token) = csrf {
            if !digest::ct_eq(&csrf_hash(token), &session.csrf_hash) {
                return Err(ServiceError::AccessDenied(
                    "the X-CSRF-Token header is missing or does not belong to this session (CSRF protection)".into(),
                ));
            }
        }
        let user = self
            .store
            .user(&session.login)
            .await?
            .filter(|u| !u.disabled && u.tenant == session.tenant)
            .ok_or_else(expired)?;
        Ok((session, user))
    }

    /// The caller of a dashboard request: its session cookie and its `X-CSRF-Token`.
    pub async fn authenticate_session(
        &self,
        cookie: &str,
        csrf: &str,
    ) -> Result<Caller, ServiceError> {
        let (_, user) = self.live_session(cookie, Some(csrf)).await?;
        Ok(session_caller(&user))
    }

    /// The signed-in user of `cookie` and when the session expires (for the dashboard's own
    /// page).
    pub async fn session_user(
        &self,
        cookie: &str,
    ) -> Result<(DashboardUser, UnixSeconds), ServiceError> {
        let (session, user) = self.live_session(cookie, None).await?;
        Ok((user, session.expires_at))
    }

    /// Ends the session of `cookie` (sign-out), audited. Needs its CSRF token, so that no
    /// other site can sign a user out.
    pub async fn sign_out(
        &self,
        cookie: &str,
        csrf: &str,
        trace_id: &str,
    ) -> Result<(), ServiceError> {
        let (session, user) = self.live_session(cookie, Some(csrf)).await?;
        let caller = session_caller(&user);
        let mut audit = self.audit(&caller, "sign_out", trace_id);
        audit.result = "allowed".into();
        self.store
            .end_session(&session.id_hash, self.clock.now(), &audit)
            .await?;
        Ok(())
    }

    /// `tokenvault init`'s dashboard administrator in `tenant` with a random password,
    /// returned once.
    pub(super) async fn bootstrap_user(
        &self,
        tenant: &TenantId,
    ) -> Result<(String, String), ServiceError> {
        let caller = Caller {
            tenant: tenant.clone(),
            actor: "cli".into(),
            roles: Vec::new(),
            api_key: false,
        };
        let password = generated_password();
        let roles = ["admin".to_owned(), "privacy_officer".to_owned()];
        // Logins are unique across the vault: the first tenant's administrator is `admin`,
        // later tenants' `admin.<tenant id>`.
        for login in ["admin".to_owned(), format!("admin.{tenant}")] {
            match self
                .create_user(&caller, &login, &password, &roles, "init")
                .await
            {
                Ok(_) => return Ok((login, password)),
                Err(ServiceError::Conflict(_)) => continue,
                Err(e) => return Err(e),
            }
        }
        Err(ServiceError::Conflict(
            "the tenant's administrator login is taken".into(),
        ))
    }
}
