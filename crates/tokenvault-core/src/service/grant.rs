//! `POST /grant` and `POST /detokenize`: single-use, short-lived grants bound to a user, a
//! tenant and token ids, consumed atomically with the audit record of their use.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use tokenvault_proto::{
    DetokenizeRequest, DetokenizeResponse, DetokenizeResult, GrantRequest, GrantResponse,
    MAX_GRANT_TOKENS,
};

use super::{Caller, ServiceError, Vault, ISSUER};
use crate::{
    clock::{month_bounds, rfc3339},
    ids::{PolicyId, TokenId},
    pii::PiiType,
    policy::{check_access, AccessRequest},
    store::{StoreError, TokenRecord, TokenStatus},
    token::{fpe, Scope, TokenRef},
};

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

fn validate_ids(ids: &[String], field: &str) -> Result<(), ServiceError> {
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
        req: &GrantRequest,
        trace_id: &str,
    ) -> Result<GrantResponse, ServiceError> {
        validate_ids(&req.token_ids, "token_ids")?;
        let mut ids = Vec::with_capacity(req.token_ids.len());
        for (i, s) in req.token_ids.iter().enumerate() {
            ids.push(
                TokenId::parse(s)
                    .map_err(|e| ServiceError::InvalidInput(format!("token_ids[{i}]: {e}")))?,
            );
        }
        if req.purpose.trim().is_empty() {
            return Err(ServiceError::InvalidInput("purpose is required".into()));
        }
        // A purpose is a name from the policy's list, not free text: a shape check keeps
        // whatever a caller types out of the permanent audit chain.
        if req.purpose.len() > 64
            || !req
                .purpose
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':'))
        {
            return Err(ServiceError::InvalidInput(
                "purpose must be 1 to 64 letters, digits, '_', '-', '.' or ':' (a name from the policy's allowed_purposes)".into(),
            ));
        }
        let tenant = self.require_tenant(&caller.tenant).await?;
        if tenant.kill_switch {
            return Err(ServiceError::KillSwitchActive);
        }
        let records = self.store.tokens_by_id(&caller.tenant, &ids).await?;
        let request = AccessRequest {
            roles: &caller.roles,
            purpose: &req.purpose,
            reason: req.reason.as_deref(),
        };
        let decision = self.access_denials(caller, &records, &request).await?;
        let denials: Vec<serde_json::Value> = decision
            .denials
            .iter()
            .map(|(id, code)| serde_json::json!({"token_id": id.as_str(), "code": code}))
            .collect();
        let now = self.clock.now();
        let reason = req
            .reason
            .as_deref()
            .map(|r| self.catalog.redact_free_text(r));
        let mut audit = self.audit(caller, "grant", trace_id);
        audit.purpose = Some(req.purpose.clone());
        audit.reason = reason.clone();
        audit.token_ids = req.token_ids.clone();
        if !denials.is_empty() {
            audit.result = "denied".into();
            audit.detail = serde_json::json!({ "denials": denials });
            decision.describe(&mut audit);
            self.store.append_audit(&[audit]).await?;
            let codes: HashSet<&str> = denials.iter().filter_map(|d| d["code"].as_str()).collect();
            let mut codes: Vec<&str> = codes.into_iter().collect();
            codes.sort_unstable();
            return Err(ServiceError::AccessDenied(format!(
                "the policy of {} of the requested tokens does not allow this grant ({})",
                denials.len(),
                codes.join(", ")
            )));
        }
        let claims = GrantClaims {
            iss: ISSUER.into(),
            aud: GRANT_AUDIENCE.into(),
            sub: caller.actor.clone(),
            tid: caller.tenant.to_string(),
            tok: req.token_ids.clone(),
            pur: req.purpose.clone(),
            rsn: reason,
            jti: tokenvault_crypto::random::random_id("gr_"),
            iat: now,
            exp: now + self.config.grant_ttl_seconds,
        };
        let grant_jwt = self
            .grant_signer
            .sign(&claims)
            .map_err(|_| ServiceError::Unavailable("signing failed".into()))?;
        audit.result = "allowed".into();
        audit.detail =
            serde_json::json!({ "grant_id": claims.jti, "expires_at": rfc3339(claims.exp) });
        decision.describe(&mut audit);
        self.store.append_audit(&[audit]).await?;
        Ok(GrantResponse {
            grant_jwt,
            expires_in_seconds: u64::try_from(self.config.grant_ttl_seconds).unwrap_or(300),
            trace_id: trace_id.to_owned(),
        })
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

    /// Opens tokens (ids or values) under a grant, consuming it.
    pub async fn detokenize(
        &self,
        caller: &Caller,
        req: &DetokenizeRequest,
        trace_id: &str,
    ) -> Result<DetokenizeResponse, ServiceError> {
        validate_ids(&req.tokens, "tokens")?;
        let now = self.clock.now();
        let mut audit = self.audit(caller, "detokenize", trace_id);
        audit.token_ids = req
            .tokens
            .iter()
            .filter(|t| t.starts_with("tok_"))
            .cloned()
            .collect();
        let claims: GrantClaims = match self.grant_signer.verify(&req.grant_jwt, GRANT_AUDIENCE) {
            Ok(c) => c,
            Err(_) => {
                return Err(ServiceError::Unauthorized(
                    "grant_jwt is not a valid grant".into(),
                ));
            }
        };
        audit.purpose = Some(claims.pur.clone());
        audit.reason = claims.rsn.clone();
        audit.detail = serde_json::json!({ "grant_id": claims.jti });
        let deny = |audit: &mut crate::store::AuditEvent, code: &str| {
            audit.result = "denied".into();
            audit.detail = serde_json::json!({ "grant_id": claims.jti, "code": code });
        };
        if claims.tid != caller.tenant.as_str() || claims.sub != caller.actor {
            deny(&mut audit, "GRANT_NOT_YOURS");
            self.store.append_audit(&[audit]).await?;
            return Err(ServiceError::AccessDenied(
                "this grant was issued to another user".into(),
            ));
        }
        if claims.exp <= now {
            deny(&mut audit, "GRANT_EXPIRED");
            self.store.append_audit(&[audit]).await?;
            return Err(ServiceError::GrantExpired);
        }
        let tenant = self.require_tenant(&caller.tenant).await?;
        if tenant.kill_switch {
            return Err(ServiceError::KillSwitchActive);
        }
        let records = self.resolve_tokens(caller, &req.tokens).await?;
        let granted: HashSet<&str> = claims.tok.iter().map(String::as_str).collect();
        let mut results = Vec::with_capacity(req.tokens.len());
        let mut opened = Vec::new();
        for (asked, record) in req.tokens.iter().zip(&records) {
            let Some(r) = record else {
                results.push(result(asked, "NOT_FOUND"));
                continue;
            };
            let id = r.token_id.to_string();
            if !granted.contains(id.as_str()) {
                results.push(result(&id, "DENIED"));
                continue;
            }
            match r.status(now) {
                TokenStatus::Revoked => results.push(DetokenizeResult {
                    revoked_at: r.revoked_at.map(rfc3339),
                    ..result(&id, "REVOKED")
                }),
                TokenStatus::Expired => results.push(DetokenizeResult {
                    expired_at: r.expires_at.map(rfc3339),
                    ..result(&id, "EXPIRED")
                }),
                TokenStatus::Active => {
                    opened.push(results.len());
                    results.push(result(&id, "GRANTED"));
                }
            }
        }
        // Decrypt before consuming so a failure does not burn the grant, but release nothing
        // until the grant is consumed.
        let mut values = Vec::with_capacity(opened.len());
        for &i in &opened {
            if let Some(Some(r)) = records.get(i) {
                values.push((i, r.pii_type, self.open_record(r).await));
            }
        }
        let granted_count = values.iter().filter(|(_, _, v)| v.is_ok()).count();
        audit.token_ids = results.iter().map(|r| r.token_id.clone()).collect();
        audit.result = if granted_count == results.len() {
            "allowed"
        } else if granted_count == 0 {
            "denied"
        } else {
            "partial"
        }
        .into();
        audit.detail = serde_json::json!({
            "grant_id": claims.jti,
            "results": results.iter().map(|r| serde_json::json!({"token_id": r.token_id, "status": r.status})).collect::<Vec<_>>(),
        });
        let (period, _) = month_bounds(now);
        match self
            .store
            .consume_grant(
                &caller.tenant,
                &claims.jti,
                claims.exp,
                u64::try_from(granted_count).unwrap_or(0),
                period,
                &audit,
            )
            .await
        {
            Ok(()) => {}
            Err(StoreError::Conflict { .. }) => {
                deny(&mut audit, "GRANT_NONCE_REUSED");
                self.store.append_audit(&[audit]).await?;
                return Err(ServiceError::GrantNonceReused);
            }
            Err(e) => return Err(e.into()),
        }
        for (i, pii_type, value) in values {
            match value {
                Ok(v) => {
                    results[i].value = Some(v);
                    results[i].pii_type = Some(pii_type.as_str().into());
                }
                Err(()) => {
                    results[i].status = "DENIED".into();
                }
            }
        }
        let success_count = results.iter().filter(|r| r.status == "GRANTED").count();
        Ok(DetokenizeResponse {
            failure_count: results.len() - success_count,
            success_count,
            results,
            trace_id: trace_id.to_owned(),
        })
    }

    /// Decrypts a record's token to its canonical value.
    async fn open_record(&self, r: &TokenRecord) -> Result<String, ()> {
        let ring = self.keyring_at_least(&r.tenant, r.key_version).await.map_err(|e| {
            tracing::error!(error = %e, token_id = %r.token_id, "keys unavailable for detokenize");
        })?;
        let scope = Scope::parse(&r.scope).map_err(|_| ())?;
        self.engine
            .detokenize(
                &ring,
                &TokenRef {
                    tenant: &r.tenant,
                    pii_type: r.pii_type,
                    scope: &scope,
                    token_id: &r.token_id,
                    mode: r.mode,
                    key_version: r.key_version,
                    token: &r.stored_token,
                    wrapped_dek: r.wrapped_dek.as_deref(),
                },
            )
            .map(|c| c.expose().to_owned())
            .map_err(|e| {
                tracing::error!(error = %e, token_id = %r.token_id, "token failed to open");
            })
    }

    /// Finds the record of each requested token: `tok_…` ids directly, anything else by the
    /// record id its token value implies (including format-preserving tokens in either
    /// layout, tried for each type that has a template).
    pub(super) async fn resolve_tokens(
        &self,
        caller: &Caller,
        asked: &[String],
    ) -> Result<Vec<Option<TokenRecord>>, ServiceError> {
        let ring = self.keys.keyring(&caller.tenant).await?;
        let mut candidates: Vec<Vec<TokenId>> = Vec::with_capacity(asked.len());
        for t in asked {
            let mut ids = Vec::new();
            if let Ok(id) = TokenId::parse(t) {
                ids.push(id);
            } else if t.len() <= tokenvault_crypto::codec::MAX_TOKEN_LEN {
                ids.push(self.engine.record_id(&ring, t));
                for pii_type in PiiType::ALL {
                    if matches!(fpe::support(pii_type), fpe::FpeSupport::Supported { .. }) {
                        if let Ok(form) = self.engine.fpe_lookup_form(pii_type, t) {
                            ids.push(self.engine.record_id(&ring, &form));
                        }
                    }
                }
            }
            candidates.push(ids);
        }
        let mut all: Vec<TokenId> = candidates.iter().flatten().cloned().collect();
        all.sort();
        all.dedup();
        let found: HashMap<TokenId, TokenRecord> = self
            .store
            .tokens_by_id(&caller.tenant, &all)
            .await?
            .into_iter()
            .map(|r| (r.token_id.clone(), r))
            .collect();
        Ok(candidates
            .iter()
            .map(|ids| ids.iter().find_map(|id| found.get(id).cloned()))
            .collect())
    }
}

fn result(token_id: &str, status: &str) -> DetokenizeResult {
    DetokenizeResult {
        token_id: token_id.to_owned(),
        status: status.to_owned(),
        value: None,
        revoked_at: None,
        expired_at: None,
        pii_type: None,
    }
}
