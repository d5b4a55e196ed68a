//! Token records and tokenize commits in memory.

use async_trait::async_trait;

use super::{quota_allows, MemoryStore};
use crate::{
    clock::UnixSeconds,
    ids::{TenantId, TokenId},
    store::{
        check_key_version, AuditEvent, BatchRecords, Entity, IdempotencyRecord, StoreError,
        TokenRecord, TokenStore, TokenizeCommit, VaultFilter,
    },
};

#[async_trait]
impl TokenStore for MemoryStore {
    async fn commit_tokenize(
        &self,
        commit: TokenizeCommit,
    ) -> Result<Vec<TokenRecord>, StoreError> {
        let mut s = self.state.lock();
        let tenant = commit.tenant.clone();
        quota_allows(&s, &tenant, commit.period, commit.operations, commit.quota)?;
        if !commit.records.is_empty() {
            check_key_version(commit.key_version, self.keys.newest_version(&tenant))?;
        }
        if let Some(i) = &commit.idempotency {
            if s.idempotency.contains_key(&(tenant.clone(), i.key.clone())) {
                return Err(StoreError::Conflict {
                    what: Entity::IdempotencyKey,
                });
            }
        }
        let batch = BatchRecords::new(commit.records);
        let held: Vec<Option<TokenRecord>> = batch
            .firsts()
            .iter()
            .map(|r| {
                s.token_index
                    .get(&(tenant.clone(), r.token_id.clone()))
                    .and_then(|&i| s.tokens.get(i).cloned())
            })
            .collect();
        let mut event = commit.audit;
        let resolved = batch.clone().resolve(held.clone());
        event.token_ids = resolved.iter().map(|r| r.token_id.to_string()).collect();
        // Everything that can fail is checked; now the writes.
        s.append_audit(std::slice::from_ref(&event))?;
        for (r, held) in batch.firsts().iter().zip(&held) {
            if held.is_none() {
                let at = s.tokens.len();
                s.token_index
                    .insert((tenant.clone(), r.token_id.clone()), at);
                s.tokens.push(r.clone());
            }
        }
        s.count_usage(&tenant, commit.period, commit.operations);
        if let Some(i) = commit.idempotency {
            s.idempotency.insert((tenant, i.key.clone()), i);
        }
        Ok(resolved)
    }

    async fn idempotency(
        &self,
        tenant: &TenantId,
        key: &str,
    ) -> Result<Option<IdempotencyRecord>, StoreError> {
        Ok(self
            .state
            .lock()
            .idempotency
            .get(&(tenant.clone(), key.to_owned()))
            .cloned())
    }

    async fn tokens_by_id(
        &self,
        tenant: &TenantId,
        ids: &[TokenId],
    ) -> Result<Vec<TokenRecord>, StoreError> {
        let s = self.state.lock();
        Ok(ids
            .iter()
            .filter_map(|id| s.token_index.get(&(tenant.clone(), id.clone())))
            .filter_map(|&i| s.tokens.get(i).cloned())
            .collect())
    }

    async fn list_tokens(
        &self,
        tenant: &TenantId,
        filter: &VaultFilter,
        now: UnixSeconds,
        after: Option<(UnixSeconds, String)>,
        limit: usize,
    ) -> Result<Vec<TokenRecord>, StoreError> {
        let s = self.state.lock();
        // Newest first is insertion order reversed; the cursor names the last record shown.
        let before = match &after {
            None => s.tokens.len(),
            Some((_, id)) => {
                let Ok(id) = TokenId::parse(id) else {
                    return Ok(Vec::new());
                };
                match s.token_index.get(&(tenant.clone(), id)) {
                    Some(&i) => i,
                    None => return Ok(Vec::new()),
                }
            }
        };
        Ok(s.tokens[..before]
            .iter()
            .rev()
            .filter(|r| &r.tenant == tenant)
            .filter(|r| filter.pii_type.is_none_or(|t| r.pii_type == t))
            .filter(|r| filter.status.is_none_or(|st| r.status(now) == st))
            .take(limit)
            .cloned()
            .collect())
    }

    async fn revoke_token(
        &self,
        tenant: &TenantId,
        id: &TokenId,
        reason: &str,
        at: UnixSeconds,
        audit: &AuditEvent,
    ) -> Result<TokenRecord, StoreError> {
        let mut s = self.state.lock();
        let i = *s
            .token_index
            .get(&(tenant.clone(), id.clone()))
            .ok_or(StoreError::NotFound {
                what: Entity::Token,
            })?;
        s.append_audit(std::slice::from_ref(audit))?;
        let record = &mut s.tokens[i];
        if record.revoked_at.is_none() {
            record.revoked_at = Some(at);
            record.revoke_reason = Some(reason.to_owned());
        }
        Ok(record.clone())
    }
}
