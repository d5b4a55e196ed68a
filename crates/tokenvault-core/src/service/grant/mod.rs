//! Grants and detokenize: single-use, short-lived grants bound to a user, a tenant and token
//! ids, consumed atomically with the audit record of their use. Detokenize and rehydration
//! open tokens through one path (`open`).

mod open;

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

pub use open::{OpenStatus, OpenedToken};

use super::{Caller, ServiceError, Vault, ISSUER};
use crate::{
    clock::rfc3339,
    ids::{PolicyId, TokenId},
    policy::{check_access, AccessRequest},
    store::TokenRecord,
};

/// Most token ids in one grant or detokenize request.
pub const MAX_GRANT_TOKENS: usize = 100;

/// A request for a grant.
#[derive(Debug, Clone)]
pub struct GrantCommand {
    /// The tokens, 1 to [`MAX_GRANT_TOKENS`].
    pub token_ids: Vec<TokenId>,
    /// Must be allowed by each token's policy.
    pub purpose: String,
    /// Required where the policy requires it.
    pub reason: Option<String>,
}

/// An issued grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedGrant {
    /// The signed grant.
    pub jwt: String,
    /// Its lifetime.
    pub expires_in_seconds: u64,
}

/// Audience of grant JWTs.
pub const GRANT_AUDIENCE: &str = "tokenvault-grant";

/// Claims of a grant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantClaims {
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
    /// The user it was issued to.
    pub sub: String,
    /// Their tenant.
    pub tid: String,
    /// The token ids it covers.
    pub tok: Vec<String>,
    /// The purpose stated.
    pub pur: String,
    /// The reason given, with PII redacted (so each detokenize record can say why).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rsn: Option<String>,
    /// Unique id, consumed on first use.
    pub jti: String,
    /// Issued at.
    pub iat: i64,
    /// Expiry.
    pub exp: i64,
}

fn validate_ids<T>(ids: &[T], field: &str) -> Result<(), ServiceError> {
    if ids.is_empty() {
        return Err(ServiceError::InvalidInput(format!(
            "{field} must list at least one token"
        )));
    }
    if ids.len() > MAX_GRANT_TOKENS {
        return Err(ServiceError::InvalidInput(format!(
            "{field} has {} entries; at most {MAX_GRANT_TOKENS}",
            ids.len()
        )));
    }
    Ok(())
}

/// A purpose is a name from the policy's list, not free text: a shape check keeps whatever a
/// caller types out of the permanent audit chain.
pub(super) fn check_purpose(purpose: &str) -> Result<(), ServiceError> {
    if purpose.trim().is_empty() {
        return Err(ServiceError::InvalidInput("purpose is required".into()));
    }
    if purpose.len() > 64
        || !purpose
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':'))
    {
        return Err(ServiceError::InvalidInput(
            "purpose must be 1 to 64 letters, digits, '_', '-', '.' or ':' (a name from the policy's allowed_purposes)".into(),
        ));
    }
    Ok(())
}

/// What the tokens' policies decided for a grant request.
#[derive(Debug, Default)]
pub(super) struct AccessDecision {
    /// Tokens refused, with the code of the refusal.
    pub denials: Vec<(TokenId, &'static str)>,
    /// The policies consulted, with their current version (none: deleted).
    pub policies: Vec<(PolicyId, Option<u32>)>,
}

impl AccessDecision {
    /// Writes the deciding policies into an audit event: the policy and version when one
    /// policy decided, and every one of them in the detail.
    fn describe(&self, audit: &mut crate::store::AuditEvent) {
        if let [(id, version)] = self.policies.as_slice() {
            audit.policy_id = Some(id.to_string());
            audit.policy_version = *version;
        }
        let list: Vec<serde_json::Value> = self
            .policies
            .iter()
            .map(|(id, v)| serde_json::json!({"policy_id": id.as_str(), "policy_version": v}))
            .collect();
        if let Some(o) = audit.detail.as_object_mut() {
            o.insert("policies".into(), list.into());
        }
    }
}

impl Vault {
    /// Issues a grant if the caller's roles, purpose and reason satisfy the policy of every
    /// named token. Unknown ids may be named; detokenize reports them `NOT_FOUND`.
    pub async fn grant(
        &self,
        caller: &Caller,
        cmd: &GrantCommand,
        trace_id: &str,
    ) -> Result<IssuedGrant, ServiceError> {
        validate_ids(&cmd.token_ids, "token_ids")?;
        check_purpose(&cmd.purpose)?;
        let tenant = self.require_tenant(&caller.tenant).await?;
        if tenant.kill_switch {
            return Err(ServiceError::KillSwitchActive);
        }
        let records = self
            .store
            .tokens_by_id(&caller.tenant, &cmd.token_ids)
            .await?;
        let request = AccessRequest {
            roles: &caller.roles,
            purpose: &cmd.purpose,
            reason: cmd.reason.as_deref(),
        };
        let decision = self.access_denials(caller, &records, &request).await?;
        let claims = self.record_grant(caller, cmd, &decision, trace_id).await?;
        let jwt = self.grant_signer.sign(&claims).map_err(|_| {
            tracing::error!(trace_id, "a grant could not be signed");
            ServiceError::Internal
        })?;
        Ok(IssuedGrant {
            jwt,
            expires_in_seconds: self.config.grant_ttl_seconds.unsigned_abs(),
        })
    }

    /// Audits a grant decision; when nothing was denied, the claims of the new grant.
    pub(super) async fn record_grant(
        &self,
        caller: &Caller,
        cmd: &GrantCommand,
        decision: &AccessDecision,
        trace_id: &str,
    ) -> Result<GrantClaims, ServiceError> {
        let now = self.clock.now();
        let reason = cmd
            .reason
            .as_deref()
            .map(|r| self.catalog.redact_free_text(r));
        let token_ids: Vec<String> = cmd.token_ids.iter().map(ToString::to_string).collect();
        let mut audit = self.audit(caller, "grant", trace_id);
        audit.purpose = Some(cmd.purpose.clone());
        audit.reason = reason.clone();
        audit.token_ids = token_ids.clone();
        if !decision.denials.is_empty() {
            audit.result = "denied".into();
            audit.detail = serde_json::json!({ "denials": decision
                .denials
                .iter()
                .map(|(id, code)| serde_json::json!({"token_id": id.as_str(), "code": code}))
                .collect::<Vec<_>>() });
            decision.describe(&mut audit);
            self.store.append_audit(&[audit]).await?;
            let codes: HashSet<&str> = decision.denials.iter().map(|(_, c)| *c).collect();
            let mut codes: Vec<&str> = codes.into_iter().collect();
            codes.sort_unstable();
            return Err(ServiceError::AccessDenied(format!(
                "the policy of {} of the requested tokens does not allow this grant ({})",
                decision.denials.len(),
                codes.join(", ")
            )));
        }
        let claims = GrantClaims {
            iss: ISSUER.into(),
            aud: GRANT_AUDIENCE.into(),
            sub: caller.actor.clone(),
            tid: caller.tenant.to_string(),
            tok: token_ids,
            pur: cmd.purpose.clone(),
            rsn: reason,
            jti: tokenvault_crypto::random::random_id("gr_"),
            iat: now,
            exp: now + self.config.grant_ttl_seconds,
        };
        audit.result = "allowed".into();
        audit.detail =
            serde_json::json!({ "grant_id": claims.jti, "expires_at": rfc3339(claims.exp) });
        decision.describe(&mut audit);
        self.store.append_audit(&[audit]).await?;
        Ok(claims)
    }

    /// The records whose policy refuses `request`, with the refusal code. The current version
    /// of the policy decides, not the one the token was made under: revoking a role must take
    /// effect for old tokens too.
    pub(super) async fn access_denials(
        &self,
        caller: &Caller,
        records: &[TokenRecord],
        request: &AccessRequest<'_>,
    ) -> Result<AccessDecision, ServiceError> {
        let mut verdicts: HashMap<PolicyId, Result<(), &'static str>> = HashMap::new();
        let mut decision = AccessDecision::default();
        for r in records {
            if !verdicts.contains_key(&r.policy_id) {
                let policy = self
                    .store
                    .policy(&caller.tenant, &r.policy_id, None)
                    .await?;
                decision
                    .policies
                    .push((r.policy_id.clone(), policy.as_ref().map(|p| p.version)));
                let verdict = match policy {
                    Some(p) => check_access(&p.body, request).map_err(|d| d.code()),
                    None => Err("POLICY_NOT_FOUND"),
                };
                verdicts.insert(r.policy_id.clone(), verdict);
            }
            if let Some(Err(code)) = verdicts.get(&r.policy_id) {
                decision.denials.push((r.token_id.clone(), *code));
            }
        }
        Ok(decision)
    }
}
