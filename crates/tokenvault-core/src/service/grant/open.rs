//! Opening tokens under a grant, consuming it in the same transaction as the audit record of
//! its use: the one path of detokenize and rehydration.

use std::collections::{HashMap, HashSet};

use super::{validate_ids, GrantClaims, GRANT_AUDIENCE};
use crate::{
    clock::month_bounds,
    ids::TokenId,
    pii::PiiType,
    service::{Caller, ServiceError, Vault},
    store::{AuditEvent, StoreError, TokenRecord, TokenStatus},
    token::{fpe, Scope, TokenRef},
};

/// What became of one requested token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenStatus {
    /// Opened: the value in its type's canonical form.
    Granted {
        /// Its type.
        pii_type: PiiType,
        /// The value.
        value: String,
    },
    /// No record (unknown, or another tenant's).
    NotFound,
    /// The grant does not cover it, or its policy refused, or it failed to open.
    Denied,
    /// Revoked at this time.
    Revoked(Option<i64>),
    /// Expired at this time.
    Expired(Option<i64>),
}

impl OpenStatus {
    /// The status name of seed 002.
    pub fn as_str(&self) -> &'static str {
        match self {
            OpenStatus::Granted { .. } => "GRANTED",
            OpenStatus::NotFound => "NOT_FOUND",
            OpenStatus::Denied => "DENIED",
            OpenStatus::Revoked(_) => "REVOKED",
            OpenStatus::Expired(_) => "EXPIRED",
        }
    }
}

/// One requested token, opened or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedToken {
    /// The record id, or the token as sent when it matched no record.
    pub token_id: String,
    /// What became of it.
    pub status: OpenStatus,
}

/// What a grant allows: its id (consumed once), expiry and tokens.
pub(in crate::service) struct GrantScope {
    pub jti: String,
    pub exp: i64,
    pub token_ids: HashSet<String>,
    pub purpose: String,
    pub reason: Option<String>,
}

impl From<GrantClaims> for GrantScope {
    fn from(c: GrantClaims) -> Self {
        GrantScope {
            jti: c.jti,
            exp: c.exp,
            token_ids: c.tok.into_iter().collect(),
            purpose: c.pur,
            reason: c.rsn,
        }
    }
}

impl Vault {
    /// Opens tokens (ids or values) under a grant, consuming it.
    pub async fn detokenize(
        &self,
        caller: &Caller,
        tokens: &[String],
        grant_jwt: &str,
        trace_id: &str,
    ) -> Result<Vec<OpenedToken>, ServiceError> {
        validate_ids(tokens, "tokens")?;
        let mut audit = self.audit(caller, "detokenize", trace_id);
        audit.token_ids = tokens
            .iter()
            .filter(|t| t.starts_with("tok_"))
            .cloned()
            .collect();
        let claims: GrantClaims = self
            .grant_signer
            .verify(grant_jwt, GRANT_AUDIENCE)
            .map_err(|_| ServiceError::Unauthorized("grant_jwt is not a valid grant".into()))?;
        audit.purpose = Some(claims.pur.clone());
        audit.reason = claims.rsn.clone();
        let refusal = if claims.tid != caller.tenant.as_str() || claims.sub != caller.actor {
            Some((
                "GRANT_NOT_YOURS",
                ServiceError::AccessDenied("this grant was issued to another user".into()),
            ))
        } else if claims.exp <= self.clock.now() {
            Some(("GRANT_EXPIRED", ServiceError::GrantExpired))
        } else {
            None
        };
        if let Some((code, error)) = refusal {
            deny(&mut audit, &claims.jti, code);
            self.store.append_audit(&[audit]).await?;
            return Err(error);
        }
        let tenant = self.require_tenant(&caller.tenant).await?;
        if tenant.kill_switch {
            return Err(ServiceError::KillSwitchActive);
        }
        let records = self.resolve_tokens(caller, tokens).await?;
        self.open_tokens(caller, tokens, &records, &claims.into(), trace_id)
            .await
    }

    /// Opens the resolved `records` of the `asked` tokens that `grant` covers, consuming the
    /// grant with the audit record of its use. Values are decrypted before the grant is
    /// consumed (a failure does not burn it) but released only after.
    pub(in crate::service) async fn open_tokens(
        &self,
        caller: &Caller,
        asked: &[String],
        records: &[Option<TokenRecord>],
        grant: &GrantScope,
        trace_id: &str,
    ) -> Result<Vec<OpenedToken>, ServiceError> {
        let now = self.clock.now();
        let mut results = Vec::with_capacity(asked.len());
        for (asked, record) in asked.iter().zip(records) {
            let (token_id, status) = match record {
                None => (asked.clone(), OpenStatus::NotFound),
                Some(r) => {
                    let id = r.token_id.to_string();
                    let status = if !grant.token_ids.contains(&id) {
                        OpenStatus::Denied
                    } else {
                        match r.status(now) {
                            TokenStatus::Revoked => OpenStatus::Revoked(r.revoked_at),
                            TokenStatus::Expired => OpenStatus::Expired(r.expires_at),
                            TokenStatus::Active => match self.open_record(r).await {
                                Ok(value) => OpenStatus::Granted {
                                    pii_type: r.pii_type,
                                    value,
                                },
                                Err(()) => OpenStatus::Denied,
                            },
                        }
                    };
                    (id, status)
                }
            };
            results.push(OpenedToken { token_id, status });
        }
        let granted = results
            .iter()
            .filter(|r| matches!(r.status, OpenStatus::Granted { .. }))
            .count();
        let mut audit = self.audit(caller, "detokenize", trace_id);
        audit.purpose = Some(grant.purpose.clone());
        audit.reason = grant.reason.clone();
        audit.token_ids = results.iter().map(|r| r.token_id.clone()).collect();
        audit.result = if granted == results.len() {
            "allowed"
        } else if granted == 0 {
            "denied"
        } else {
            "partial"
        }
        .into();
        audit.detail = serde_json::json!({
            "grant_id": grant.jti,
            "results": results.iter().map(|r| serde_json::json!({"token_id": r.token_id, "status": r.status.as_str()})).collect::<Vec<_>>(),
        });
        let (period, _) = month_bounds(now);
        match self
            .store
            .consume_grant(
                &caller.tenant,
                &grant.jti,
                grant.exp,
                granted as u64,
                period,
                &audit,
            )
            .await
        {
            Ok(()) => Ok(results),
            Err(StoreError::Conflict { .. }) => {
                deny(&mut audit, &grant.jti, "GRANT_NONCE_REUSED");
                self.store.append_audit(&[audit]).await?;
                Err(ServiceError::GrantNonceReused)
            }
            Err(e) => Err(e.into()),
        }
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
    pub(in crate::service) async fn resolve_tokens(
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

fn deny(audit: &mut AuditEvent, grant_id: &str, code: &str) {
    audit.result = "denied".into();
    audit.detail = serde_json::json!({ "grant_id": grant_id, "code": code });
}
