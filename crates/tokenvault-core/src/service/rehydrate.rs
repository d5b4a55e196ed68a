//! LLM context rehydration (seed 001): vault tokens in a model's reply are replaced by their
//! originals for a caller whose grant, or whose roles and purpose, allow it. Bounded: at most
//! 100 distinct tokens per request and an output size limit. Tokens of other tenants do not
//! resolve under the caller's keys and are left in place and reported `NOT_FOUND`. Every
//! restoration goes through a grant, consumed atomically with its audit record. Without a
//! grant, the tokens whose policy refuses the caller's roles or purpose are left and reported
//! `DENIED`; if that is all of them, the request is refused (403).

use std::collections::{HashMap, HashSet};

use tokenvault_proto::{
    DetokenizeRequest, GrantRequest, RehydrateRequest, RehydrateResponse, RehydrateToken,
    MAX_REHYDRATE_TOKENS,
};

use super::{Caller, ServiceError, Vault};
use crate::{ids::TokenId, policy::AccessRequest, store::TokenRecord, token::in_text::find_tokens};

/// Largest text accepted and largest text produced, in bytes.
pub const MAX_REHYDRATE_BYTES: usize = 1 << 20;

impl Vault {
    /// Restores the tokens in `req.text`.
    pub async fn rehydrate(
        &self,
        caller: &Caller,
        req: &RehydrateRequest,
        trace_id: &str,
    ) -> Result<RehydrateResponse, ServiceError> {
        if req.text.len() > MAX_REHYDRATE_BYTES {
            return Err(ServiceError::InvalidInput(format!(
                "text is {} bytes; at most {MAX_REHYDRATE_BYTES}",
                req.text.len()
            )));
        }
        let prefix = self.engine.codec().prefix().to_owned();
        let spans = find_tokens(&req.text, &prefix);
        let mut order: Vec<String> = Vec::new();
        let mut occurrences: HashMap<String, usize> = HashMap::new();
        for r in &spans {
            let t = req.text[r.clone()].to_owned();
            let n = occurrences.entry(t.clone()).or_insert(0);
            if *n == 0 {
                order.push(t);
            }
            *n += 1;
        }
        if order.len() > MAX_REHYDRATE_TOKENS {
            return Err(ServiceError::InvalidInput(format!(
                "the text holds {} distinct tokens; at most {MAX_REHYDRATE_TOKENS} per request",
                order.len()
            )));
        }
        let statuses = if order.is_empty() {
            HashMap::new()
        } else {
            self.open_for_rehydration(caller, req, &order, trace_id)
                .await?
        };
        let mut output = String::with_capacity(req.text.len());
        let mut last = 0;
        for r in &spans {
            output.push_str(&req.text[last..r.start]);
            let token = &req.text[r.clone()];
            match statuses.get(token) {
                Some((_, Some(value))) => output.push_str(value),
                _ => output.push_str(token),
            }
            last = r.end;
            if output.len() > MAX_REHYDRATE_BYTES {
                return Err(ServiceError::InvalidInput(format!(
                    "the restored text would exceed {MAX_REHYDRATE_BYTES} bytes; send less text"
                )));
            }
        }
        output.push_str(&req.text[last..]);
        let tokens: Vec<RehydrateToken> = order
            .into_iter()
            .map(|t| RehydrateToken {
                status: statuses
                    .get(&t)
                    .map_or("NOT_FOUND", |(s, _)| s.as_str())
                    .to_owned(),
                occurrences: occurrences.get(&t).copied().unwrap_or(0),
                token: t,
            })
            .collect();
        let restored_count = tokens.iter().filter(|t| t.status == "RESTORED").count();
        Ok(RehydrateResponse {
            output_text: output,
            left_count: tokens.len() - restored_count,
            restored_count,
            tokens,
            trace_id: trace_id.to_owned(),
        })
    }

    /// Status and value of each token: through the caller's grant, or a grant issued for the
    /// caller's purpose and consumed at once.
    async fn open_for_rehydration(
        &self,
        caller: &Caller,
        req: &RehydrateRequest,
        tokens: &[String],
        trace_id: &str,
    ) -> Result<HashMap<String, (String, Option<String>)>, ServiceError> {
        let grant_jwt = match (&req.grant_jwt, &req.purpose) {
            (Some(g), _) => g.clone(),
            (None, Some(purpose)) => {
                // Only tokens whose policy allows the caller's roles and purpose are granted;
                // the others stay in the text and are reported DENIED.
                let records: Vec<TokenRecord> = self
                    .resolve_tokens(caller, tokens)
                    .await?
                    .into_iter()
                    .flatten()
                    .collect();
                let request = AccessRequest {
                    roles: &caller.roles,
                    purpose,
                    reason: req.reason.as_deref(),
                };
                let denied: HashSet<TokenId> = self
                    .access_denials(caller, &records, &request)
                    .await?
                    .denials
                    .into_iter()
                    .map(|(id, _)| id)
                    .collect();
                let ids: Vec<String> = records
                    .iter()
                    .filter(|r| !denied.contains(&r.token_id))
                    .map(|r| r.token_id.to_string())
                    .collect();
                if ids.is_empty() {
                    if denied.is_empty() {
                        return Ok(HashMap::new());
                    }
                    return Err(ServiceError::AccessDenied(
                        "the policies of the tokens in the text do not allow this purpose for your roles"
                            .into(),
                    ));
                }
                self.grant(
                    caller,
                    &GrantRequest {
                        token_ids: ids,
                        purpose: purpose.clone(),
                        reason: req.reason.clone(),
                        trace_id: None,
                    },
                    trace_id,
                )
                .await?
                .grant_jwt
            }
            (None, None) => {
                return Err(ServiceError::InvalidInput(
                    "send grant_jwt, or purpose (checked against each token's policy)".into(),
                ))
            }
        };
        let opened = self
            .detokenize(
                caller,
                &DetokenizeRequest {
                    tokens: tokens.to_vec(),
                    grant_jwt,
                    trace_id: None,
                },
                trace_id,
            )
            .await?;
        Ok(tokens
            .iter()
            .zip(opened.results)
            .map(|(t, r)| {
                let status = if r.status == "GRANTED" {
                    "RESTORED".to_owned()
                } else {
                    r.status
                };
                (t.clone(), (status, r.value))
            })
            .collect())
    }
}
