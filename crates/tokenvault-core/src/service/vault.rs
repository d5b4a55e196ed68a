//! `GET /vault`, `DELETE /vault/:token_id`, `GET /usage`, `GET /audit`.

use super::{Caller, ServiceError, Vault};
use crate::{
    clock::month_bounds,
    ids::TokenId,
    pii::PiiType,
    policy::MAX_REASON_CHARS,
    store::{AuditFilter, AuditRecord, TokenRecord, TokenStatus, UsageCounts, VaultFilter},
};

/// Default page size.
pub const DEFAULT_PAGE: usize = 50;
/// Largest page.
pub const MAX_PAGE: usize = 100;

/// Where a page of the vault starts: after this record (newest first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultCursor {
    /// The last record's creation time.
    pub created_at: i64,
    /// The last record's id.
    pub token_id: TokenId,
}

/// A query of the vault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultQuery {
    /// Only this record (a search by token id); the other filters still apply.
    pub token_id: Option<TokenId>,
    /// Page size, 1 to [`MAX_PAGE`].
    pub limit: usize,
    /// After a previous page.
    pub after: Option<VaultCursor>,
    /// Only this type.
    pub pii_type: Option<PiiType>,
    /// Only this status.
    pub status: Option<TokenStatus>,
}

impl Default for VaultQuery {
    fn default() -> Self {
        Self {
            token_id: None,
            limit: DEFAULT_PAGE,
            after: None,
            pii_type: None,
            status: None,
        }
    }
}

/// A page of the vault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultListing {
    /// Records, newest first.
    pub records: Vec<TokenRecord>,
    /// Where the next page starts; none on the last page.
    pub next: Option<VaultCursor>,
    /// The time statuses were judged at.
    pub now: i64,
}

/// Usage this billing period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    /// Record counts and operations.
    pub counts: UsageCounts,
    /// The period's quota, if any.
    pub quota: Option<u64>,
    /// Start of the period (calendar month, UTC).
    pub period_start: i64,
    /// Its end.
    pub period_end: i64,
}

fn check_limit(limit: usize) -> Result<usize, ServiceError> {
    if (1..=MAX_PAGE).contains(&limit) {
        Ok(limit)
    } else {
        Err(ServiceError::InvalidInput(format!(
            "limit must be an integer from 1 to {MAX_PAGE}"
        )))
    }
}

impl Vault {
    /// A page of the caller's vault.
    pub async fn list_vault(
        &self,
        caller: &Caller,
        q: &VaultQuery,
    ) -> Result<VaultListing, ServiceError> {
        let limit = check_limit(q.limit)?;
        let filter = VaultFilter {
            pii_type: q.pii_type,
            status: q.status,
        };
        let after = q
            .after
            .as_ref()
            .map(|c| (c.created_at, c.token_id.to_string()));
        let now = self.clock.now();
        if let Some(id) = &q.token_id {
            let records = self
                .store
                .tokens_by_id(&caller.tenant, std::slice::from_ref(id))
                .await?
                .into_iter()
                .filter(|r| q.pii_type.is_none_or(|t| t == r.pii_type))
                .filter(|r| q.status.is_none_or(|s| s == r.status(now)))
                .collect();
            return Ok(VaultListing {
                records,
                next: None,
                now,
            });
        }
        let mut records = self
            .store
            .list_tokens(&caller.tenant, &filter, now, after, limit + 1)
            .await?;
        let has_more = records.len() > limit;
        records.truncate(limit);
        let next = if has_more {
            records.last().map(|r| VaultCursor {
                created_at: r.created_at,
                token_id: r.token_id.clone(),
            })
        } else {
            None
        };
        Ok(VaultListing { records, next, now })
    }

    /// Revokes a token. The record stays for audit.
    pub async fn revoke(
        &self,
        caller: &Caller,
        id: &TokenId,
        reason: Option<&str>,
        trace_id: &str,
    ) -> Result<TokenRecord, ServiceError> {
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
            .tokens_by_id(&caller.tenant, std::slice::from_ref(id))
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
        let mut r = self
            .store
            .revoke_token(&caller.tenant, id, reason, now, &audit)
            .await?;
        r.revoked_at.get_or_insert(now);
        Ok(r)
    }

    /// Usage this billing period.
    pub async fn usage(&self, caller: &Caller) -> Result<Usage, ServiceError> {
        let tenant = self.require_tenant(&caller.tenant).await?;
        let now = self.clock.now();
        let (start, end) = month_bounds(now);
        let counts = self.store.usage(&caller.tenant, now, start).await?;
        Ok(Usage {
            counts,
            quota: tenant.quota,
            period_start: start,
            period_end: end,
        })
    }

    /// A page of the caller's audit trail, newest first.
    pub async fn audit_page(
        &self,
        caller: &Caller,
        filter: &AuditFilter,
        before: Option<u64>,
        limit: usize,
    ) -> Result<Vec<AuditRecord>, ServiceError> {
        let limit = check_limit(limit)?;
        Ok(self
            .store
            .audit(&caller.tenant, filter, before, limit)
            .await?)
    }
}
