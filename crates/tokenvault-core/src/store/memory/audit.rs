//! The audit chain in memory.

use async_trait::async_trait;

use super::{AuditRow, MemoryStore};
use crate::{
    ids::TenantId,
    store::{AuditEvent, AuditFilter, AuditLink, AuditRecord, AuditStore, StoreError},
};

fn record(r: &AuditRow) -> Result<AuditRecord, StoreError> {
    Ok(AuditRecord {
        seq: r.seq,
        event: serde_json::from_str(&r.event_json).map_err(|_| StoreError::Corrupt {
            what: "audit record",
        })?,
        prev_hash: r.prev_hash,
        hash: r.hash,
    })
}

fn matches(r: &AuditRow, e: &AuditEvent, f: &AuditFilter) -> bool {
    let eq = |want: &Option<String>, have: &str| want.as_deref().is_none_or(|w| w == have);
    eq(&f.action, &e.action)
        && eq(&f.actor, &e.actor)
        && eq(&f.trace_id, &e.trace_id)
        && eq(&f.result, &e.result)
        && f.purpose
            .as_ref()
            .is_none_or(|p| e.purpose.as_deref() == Some(p.as_str()))
        && f.since.is_none_or(|t| e.at >= t)
        && f.until.is_none_or(|t| e.at < t)
        && f.token_id
            .as_ref()
            .is_none_or(|t| r.event_json.contains(&format!("\"{t}\"")))
}

#[async_trait]
impl AuditStore for MemoryStore {
    async fn append_audit(&self, events: &[AuditEvent]) -> Result<(), StoreError> {
        self.state.lock().append_audit(events)
    }

    async fn audit(
        &self,
        tenant: &TenantId,
        filter: &AuditFilter,
        before_seq: Option<u64>,
        limit: usize,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let s = self.state.lock();
        let mut out = Vec::new();
        for r in s.audit.iter().rev() {
            if out.len() == limit {
                break;
            }
            if r.tenant != tenant.as_str() || before_seq.is_some_and(|b| r.seq >= b) {
                continue;
            }
            let rec = record(r)?;
            if matches(r, &rec.event, filter) {
                out.push(rec);
            }
        }
        Ok(out)
    }

    async fn audit_links(&self, after: u64, limit: usize) -> Result<Vec<AuditLink>, StoreError> {
        let s = self.state.lock();
        Ok(s.audit
            .iter()
            .filter(|r| r.seq > after)
            .take(limit)
            .map(|r| AuditLink {
                seq: r.seq,
                event_json: r.event_json.clone(),
                prev_hash: r.prev_hash.to_vec(),
                hash: r.hash.to_vec(),
            })
            .collect())
    }
}
