//! LLM context rehydration (seed 001): vault tokens in a model's reply are replaced by their
//! originals for a caller whose grant, or whose roles and purpose, allow it. Bounded: at most
//! 100 distinct tokens per request and an output size limit. Tokens of other tenants do not
//! resolve under the caller's keys and are left in place and reported `NOT_FOUND`. Every
//! restoration goes through a grant, consumed atomically with its audit record, by the path
//! detokenize takes. Without a grant, the tokens whose policy refuses the caller's roles or
//! purpose are left and reported `DENIED`; if that is all of them, the request is refused
//! (403).

use std::collections::{HashMap, HashSet};

use super::{
    grant::{check_purpose, GrantCommand, OpenStatus, OpenedToken},
    Caller, ServiceError, Vault,
};
use crate::{ids::TokenId, policy::AccessRequest, token::in_text::find_tokens};

/// Largest text accepted and largest text produced, in bytes.
pub const MAX_REHYDRATE_BYTES: usize = 1 << 20;
/// Most distinct tokens one rehydration restores.
pub const MAX_REHYDRATE_TOKENS: usize = 100;

/// What allows the restoration.
#[derive(Debug, Clone)]
pub enum RehydrateAccess {
    /// A grant covering the tokens (consumed).
    Grant(String),
    /// A purpose (and reason) checked against each token's policy; a grant is issued and
    /// consumed on the caller's behalf.
    Purpose {
        /// The purpose.
        purpose: String,
        /// The reason, where a policy requires one.
        reason: Option<String>,
    },
}

/// What became of one distinct token of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestoreStatus {
    /// Replaced by its value.
    Restored,
    /// Left: unknown, or another tenant's.
    NotFound,
    /// Left: the grant or the policy refused it.
    Denied,
    /// Left: revoked.
    Revoked,
    /// Left: expired.
    Expired,
}

impl RestoreStatus {
    /// The status name clients see.
    pub fn as_str(self) -> &'static str {
        match self {
            RestoreStatus::Restored => "RESTORED",
            RestoreStatus::NotFound => "NOT_FOUND",
            RestoreStatus::Denied => "DENIED",
            RestoreStatus::Revoked => "REVOKED",
            RestoreStatus::Expired => "EXPIRED",
        }
    }
}

/// One distinct token found in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundToken {
    /// The token as it appears.
    pub token: String,
    /// What became of it.
    pub status: RestoreStatus,
    /// Times it occurs.
    pub occurrences: usize,
}

/// A rehydrated text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rehydrated {
    /// The text with every restorable token replaced.
    pub text: String,
    /// Each distinct token, in order of first appearance.
    pub tokens: Vec<FoundToken>,
}

impl Rehydrated {
    /// Distinct tokens restored.
    pub fn restored_count(&self) -> usize {
        self.tokens
            .iter()
            .filter(|t| t.status == RestoreStatus::Restored)
            .count()
    }
}

impl Vault {
    /// Restores the tokens in `text`.
    pub async fn rehydrate(
        &self,
        caller: &Caller,
        text: &str,
        access: &RehydrateAccess,
        trace_id: &str,
    ) -> Result<Rehydrated, ServiceError> {
        if text.len() > MAX_REHYDRATE_BYTES {
            return Err(ServiceError::InvalidInput(format!(
                "text is {} bytes; at most {MAX_REHYDRATE_BYTES}",
                text.len()
            )));
        }
        let settings = self.rehydration_settings(caller).await?;
        if !settings.enabled {
            return Err(ServiceError::AccessDenied(
                "LLM rehydration is turned off for this tenant (Integrations settings)".into(),
            ));
        }
        let spans = find_tokens(text, self.engine.codec().prefix());
        let mut order: Vec<String> = Vec::new();
        let mut occurrences: HashMap<String, usize> = HashMap::new();
        for r in &spans {
            let t = &text[r.clone()];
            let n = occurrences.entry(t.to_owned()).or_insert(0);
            if *n == 0 {
                order.push(t.to_owned());
            }
            *n += 1;
        }
        if order.len() > settings.max_tokens {
            return Err(ServiceError::InvalidInput(format!(
                "the text holds {} distinct tokens; at most {} per request",
                order.len(),
                settings.max_tokens
            )));
        }
        let opened: HashMap<&str, OpenStatus> = if order.is_empty() {
            HashMap::new()
        } else {
            order
                .iter()
                .map(String::as_str)
                .zip(
                    self.open_for_rehydration(caller, access, &order, trace_id)
                        .await?
                        .into_iter()
                        .map(|o| o.status),
                )
                .collect()
        };
        let mut output = String::with_capacity(text.len());
        let mut last = 0;
        for r in &spans {
            output.push_str(&text[last..r.start]);
            let token = &text[r.clone()];
            match opened.get(token) {
                Some(OpenStatus::Granted { value, .. }) => output.push_str(value),
                _ => output.push_str(token),
            }
            last = r.end;
            if output.len() > settings.max_output_bytes {
                return Err(ServiceError::InvalidInput(format!(
                    "the restored text would exceed {} bytes; send less text",
                    settings.max_output_bytes
                )));
            }
        }
        output.push_str(&text[last..]);
        if output.len() > settings.max_output_bytes {
            return Err(ServiceError::InvalidInput(format!(
                "the restored text would exceed {} bytes; send less text",
                settings.max_output_bytes
            )));
        }
        let tokens = order
            .iter()
            .map(|t| FoundToken {
                status: match opened.get(t.as_str()) {
                    Some(OpenStatus::Granted { .. }) => RestoreStatus::Restored,
                    Some(OpenStatus::Denied) => RestoreStatus::Denied,
                    Some(OpenStatus::Revoked(_)) => RestoreStatus::Revoked,
                    Some(OpenStatus::Expired(_)) => RestoreStatus::Expired,
                    Some(OpenStatus::NotFound) | None => RestoreStatus::NotFound,
                },
                occurrences: occurrences.get(t).copied().unwrap_or(0),
                token: t.clone(),
            })
            .collect();
        Ok(Rehydrated {
            text: output,
            tokens,
        })
    }

    /// Each token opened: through the caller's grant, or a grant issued for the caller's
    /// purpose and consumed at once. Tokens are resolved once either way.
    async fn open_for_rehydration(
        &self,
        caller: &Caller,
        access: &RehydrateAccess,
        tokens: &[String],
        trace_id: &str,
    ) -> Result<Vec<OpenedToken>, ServiceError> {
        let (purpose, reason) = match access {
            RehydrateAccess::Grant(jwt) => {
                return self.detokenize(caller, tokens, jwt, trace_id).await
            }
            RehydrateAccess::Purpose { purpose, reason } => (purpose, reason),
        };
        check_purpose(purpose)?;
        let tenant = self.require_tenant(&caller.tenant).await?;
        if tenant.kill_switch {
            return Err(ServiceError::KillSwitchActive);
        }
        let resolved = self.resolve_tokens(caller, tokens).await?;
        let records: Vec<_> = resolved.iter().flatten().cloned().collect();
        // Only tokens whose policy allows the caller's roles and purpose are granted; the
        // others stay in the text and are reported DENIED.
        let request = AccessRequest {
            roles: &caller.roles,
            purpose,
            reason: reason.as_deref(),
        };
        let mut decision = self.access_denials(caller, &records, &request).await?;
        let denied: HashSet<TokenId> = decision.denials.drain(..).map(|(id, _)| id).collect();
        let mut allowed: Vec<TokenId> = records
            .iter()
            .map(|r| r.token_id.clone())
            .filter(|id| !denied.contains(id))
            .collect();
        allowed.dedup();
        if allowed.is_empty() {
            if denied.is_empty() {
                return Ok(tokens
                    .iter()
                    .map(|t| OpenedToken {
                        token_id: t.clone(),
                        status: OpenStatus::NotFound,
                    })
                    .collect());
            }
            return Err(ServiceError::AccessDenied(
                "the policies of the tokens in the text do not allow this purpose for your roles"
                    .into(),
            ));
        }
        let cmd = GrantCommand {
            token_ids: allowed,
            purpose: purpose.clone(),
            reason: reason.clone(),
        };
        let claims = self.record_grant(caller, &cmd, &decision, trace_id).await?;
        self.open_tokens(caller, tokens, &resolved, &claims.into(), trace_id)
            .await
    }
}
