//! `GET /vault`, `DELETE /vault/:token_id`, `GET /usage`, `GET /audit`.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use tokenvault_proto::{RevokeResponse, UsageResponse, VaultEntry, VaultPage};

use super::{Caller, ServiceError, Vault};
use crate::{
    clock::{month_bounds, rfc3339},
    ids::TokenId,
    pii::PiiType,
    policy::MAX_REASON_CHARS,
    store::{AuditFilter, AuditRecord, TokenRecord, TokenStatus, VaultFilter},
};

/// Default page size.
pub const DEFAULT_PAGE: usize = 50;
/// Largest page.
pub const MAX_PAGE: usize = 100;

/// Query of `GET /vault`.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VaultQuery {
    /// 1–100, default 50.
    pub limit: Option<String>,
    /// From a previous page.
    pub cursor: Option<String>,
    /// Filter.
    pub pii_type: Option<String>,
    /// Filter.
    pub status: Option<String>,
}

fn parse_limit(limit: Option<&str>) -> Result<usize, ServiceError> {
    match limit {
        None => Ok(DEFAULT_PAGE),
        Some(s) => match s.parse::<usize>() {
            Ok(n) if (1..=MAX_PAGE).contains(&n) => Ok(n),
            _ => Err(ServiceError::InvalidInput(format!(
                "limit must be an integer from 1 to {MAX_PAGE}"
            ))),
        },
    }
}

fn entry(r: &TokenRecord, now: i64) -> VaultEntry {
    VaultEntry {
        token_id: r.token_id.to_string(),
        pii_type: r.pii_type.as_str().into(),
        mode: r.mode.as_str().into(),
        scope: r.scope.clone(),
        status: r.status(now).as_str().into(),
        policy_id: r.policy_id.to_string(),
        policy_version: r.policy_version,
        key_version: r.key_version,
        created_at: rfc3339(r.created_at),
        expires_at: r.expires_at.map(rfc3339),
        revoked_at: r.revoked_at.map(rfc3339),
        revoke_reason: r.revoke_reason.clone(),
    }
}

fn encode_cursor(r: &TokenRecord) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}:{}", r.created_at, r.token_id))
}

fn decode_cursor(c: &str) -> Result<(i64, String), ServiceError> {
    let bad = || ServiceError::InvalidInput("cursor is not one this server issued".into());
    let raw = URL_SAFE_NO_PAD.decode(c).map_err(|_| bad())?;
    let text = String::from_utf8(raw).map_err(|_| bad())?;
    let (at, id) = text.split_once(':').ok_or_else(bad)?;
    let id = TokenId::parse(id).map_err(|_| bad())?;
    Ok((at.parse().map_err(|_| bad())?, id.to_string()))
}

impl Vault {
    /// A page of the caller's vault.
    pub async fn list_vault(
        &self,
        caller: &Caller,
        q: &VaultQuery,
    ) -> Result<VaultPage, ServiceError> {
        let limit = parse_limit(q.limit.as_deref())?;
        let filter = VaultFilter {
            pii_type: q
                .pii_type
                .as_deref()
                .map(|t| {
                    t.parse::<PiiType>().map_err(|_| {
                        ServiceError::UnsupportedPiiType(
                            "pii_type is not a supported PII type; see docs/api.md for the list"
                                .into(),
                        )
                    })
                })
                .transpose()?,
            status: q
                .status
                .as_deref()
                .map(|s| {
                    TokenStatus::parse(s).ok_or_else(|| {
                        ServiceError::InvalidInput(
                            "status must be active, revoked or expired".into(),
                        )
                    })
                })
                .transpose()?,
        };
        let after = q.cursor.as_deref().map(decode_cursor).transpose()?;
        let now = self.clock.now();
        let mut rows = self
            .store
            .list_tokens(&caller.tenant, &filter, now, after, limit + 1)
            .await?;
        let has_more = rows.len() > limit;
        rows.truncate(limit);
        Ok(VaultPage {
            next_cursor: if has_more {
                rows.last().map(encode_cursor)
            } else {
                None
            },
            entries: rows.iter().map(|r| entry(r, now)).collect(),
            has_more,
        })
    }

    /// Revokes a token. The record stays for audit.
    pub async fn revoke(
        &self,
        caller: &Caller,
        token_id: &str,
        reason: Option<&str>,
        trace_id: &str,
    ) -> Result<RevokeResponse, ServiceError> {
        let id = TokenId::parse(token_id).map_err(|_| ServiceError::TokenNotFound)?;
        let reason = reason.map(str::trim).unwrap_or_default();
        if reason.is_empty() {
            return Err(ServiceError::InvalidInput(
                "reason is required to revoke a token".into(),
            ));
        }
        if reason.chars().count() > MAX_REASON_CHARS
            || reason.chars().any(|c| c.is_control() && c != '\n')
        {
            return Err(ServiceError::InvalidInput(format!(
                "reason must be at most {MAX_REASON_CHARS} characters"
            )));
        }
        let existing = self
            .store
            .tokens_by_id(&caller.tenant, std::slice::from_ref(&id))
            .await?;
        let Some(existing) = existing.into_iter().next() else {
            return Err(ServiceError::TokenNotFound);
        };
        if existing.revoked_at.is_some() {
            return Err(ServiceError::TokenRevoked);
        }
        let reason = self.catalog.redact_free_text(reason);
        let reason = reason.as_str();
        let mut audit = self.audit(caller, "revoke", trace_id);
        audit.reason = Some(reason.to_owned());
        audit.token_ids = vec![id.to_string()];
        audit.result = "allowed".into();
        audit.policy_id = Some(existing.policy_id.to_string());
        audit.policy_version = Some(existing.policy_version);
        let now = self.clock.now();
        let r = self
            .store
            .revoke_token(&caller.tenant, &id, reason, now, &audit)
            .await?;
        Ok(RevokeResponse {
            token_id: r.token_id.to_string(),
            status: "revoked".into(),
            revoked_at: rfc3339(r.revoked_at.unwrap_or(now)),
            trace_id: trace_id.to_owned(),
        })
    }

    /// Usage this billing period.
    pub async fn usage(&self, caller: &Caller) -> Result<UsageResponse, ServiceError> {
        let tenant = self.require_tenant(&caller.tenant).await?;
        let now = self.clock.now();
        let (start, end) = month_bounds(now);
        let u = self.store.usage(&caller.tenant, now, start).await?;
        Ok(UsageResponse {
            tokens_created: u.created,
            active: u.active,
            revoked: u.revoked,
            expired: u.expired,
            operations_this_period: u.operations,
            quota: tenant.quota,
            period_start: rfc3339(start),
            period_end: rfc3339(end),
        })
    }

    /// A page of the caller's audit trail, newest first.
    pub async fn audit_page(
        &self,
        caller: &Caller,
        filter: &AuditFilter,
        before: Option<u64>,
        limit: Option<&str>,
    ) -> Result<Vec<AuditRecord>, ServiceError> {
        let limit = parse_limit(limit)?;
        Ok(self
            .store
            .audit(&caller.tenant, filter, before, limit)
            .await?)
    }
}
