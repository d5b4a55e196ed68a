//! What the dashboard draws and checks: operations over time (from the audit trail), tokens
//! by type and mode, a policy's version history, the audit chain's verification.

use super::{Caller, ServiceError, Vault};
use crate::{
    clock::UnixSeconds,
    ids::PolicyId,
    policy::Policy,
    store::{AuditFilter, TokenBreakdown},
};

/// The audit records read at most for one series (so the answer is bounded whatever the
/// trail's size; the series says when it stopped early).
pub const MAX_SERIES_EVENTS: usize = 100_000;

/// A series' resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bucket {
    /// 48 hourly buckets.
    Hour,
    /// 30 daily buckets.
    Day,
}

impl Bucket {
    fn seconds(self) -> i64 {
        match self {
            Bucket::Hour => 3600,
            Bucket::Day => 86_400,
        }
    }

    fn count(self) -> usize {
        match self {
            Bucket::Hour => 48,
            Bucket::Day => 30,
        }
    }
}

/// Operations in one bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OperationCounts {
    /// Start of the bucket.
    pub start: UnixSeconds,
    /// Values tokenized (each item of an allowed `tokenize` event).
    pub tokenize: u64,
    /// Values detokenized (each token of an allowed `detokenize` event).
    pub detokenize: u64,
    /// Requests refused (every event whose result is `denied`).
    pub denied: u64,
}

/// Operations over time, oldest bucket first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationSeries {
    /// The buckets.
    pub buckets: Vec<OperationCounts>,
    /// Whether [`MAX_SERIES_EVENTS`] were read before the window's start.
    pub truncated: bool,
}

impl Vault {
    /// Tokenize, detokenize and denials per hour (48 h) or day (30 days), up to now.
    pub async fn operation_series(
        &self,
        caller: &Caller,
        bucket: Bucket,
    ) -> Result<OperationSeries, ServiceError> {
        let width = bucket.seconds();
        let now = self.clock.now();
        let last = now - now.rem_euclid(width);
        let n = bucket.count();
        let first = last - width * i64::try_from(n - 1).unwrap_or(0);
        let mut buckets: Vec<OperationCounts> = (0..n)
            .map(|i| OperationCounts {
                start: first + width * i64::try_from(i).unwrap_or(0),
                ..OperationCounts::default()
            })
            .collect();
        let filter = AuditFilter {
            since: Some(first),
            ..AuditFilter::default()
        };
        let (mut read, mut before, mut truncated) = (0usize, None, false);
        loop {
            let page = self
                .store
                .audit(&caller.tenant, &filter, before, 1000)
                .await?;
            let Some(last_seq) = page.last().map(|r| r.seq) else {
                break;
            };
            for r in &page {
                let e = &r.event;
                let Ok(i) = usize::try_from((e.at - first).div_euclid(width)) else {
                    continue;
                };
                let Some(b) = buckets.get_mut(i) else {
                    continue;
                };
                let items = u64::try_from(e.token_ids.len().max(1)).unwrap_or(1);
                match (e.action.as_str(), e.result.as_str()) {
                    (_, "denied") => b.denied += 1,
                    ("tokenize", _) => b.tokenize += items,
                    ("detokenize", _) => b.detokenize += items,
                    _ => {}
                }
            }
            read += page.len();
            if read >= MAX_SERIES_EVENTS {
                truncated = true;
                break;
            }
            before = Some(last_seq);
        }
        Ok(OperationSeries { buckets, truncated })
    }

    /// The caller's tenant's records by type and mode.
    pub async fn token_breakdown(
        &self,
        caller: &Caller,
    ) -> Result<Vec<TokenBreakdown>, ServiceError> {
        Ok(self.store.token_breakdown(&caller.tenant).await?)
    }

    /// Every version of a policy, oldest first (a deleted policy's too).
    pub async fn policy_versions(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<Vec<Policy>, ServiceError> {
        let id = PolicyId::parse(id).map_err(|_| ServiceError::PolicyNotFound)?;
        let mut versions = Vec::new();
        // Versions are numbered from 1 without gaps; the history is bounded by the edits.
        for v in 1..=u32::MAX {
            match self.store.policy(&caller.tenant, &id, Some(v)).await? {
                Some(p) => versions.push(p),
                None => break,
            }
        }
        if versions.is_empty() {
            return Err(ServiceError::PolicyNotFound);
        }
        Ok(versions)
    }

    /// Whether the audit chain verifies from its first record to its head. The first call walks
    /// the whole chain; later calls check that the head verified last is still there, unchanged,
    /// and walk only the records after it, so the dashboard's check costs what was appended since
    /// (`tokenvault audit verify` always walks everything).
    pub async fn audit_chain_intact(&self) -> Result<bool, ServiceError> {
        let known = *self.audit_verified.lock();
        let (after, prev) = match known {
            Some((seq, hash)) => {
                let still = self.store.audit_links(seq - 1, 1).await?;
                let same = still
                    .first()
                    .is_some_and(|l| l.seq == seq && l.hash.as_slice() == hash);
                if !same {
                    *self.audit_verified.lock() = None;
                    return Ok(false);
                }
                (seq, hash)
            }
            None => (0, [0u8; 32]),
        };
        match crate::store::audit_chain::verify_from(self.store.as_ref(), after, prev).await? {
            Ok((seq, hash)) => {
                if seq > 0 {
                    *self.audit_verified.lock() = Some((seq, hash));
                }
                Ok(true)
            }
            Err(_) => Ok(false),
        }
    }
}
