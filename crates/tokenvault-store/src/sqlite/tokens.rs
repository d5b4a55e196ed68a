//! Token records and tokenize commits.

use rusqlite::{Connection, OptionalExtension};

use super::*;
use crate::append_index::AppendIndex;

/// The record `token_id` of `tenant`, among the rows the token index names (in the tail, in
/// `extra` — rows of the current transaction — and in `token_ids`).
fn find_token(
    index: &AppendIndex,
    conn: &Connection,
    tenant: &str,
    token_id: &str,
    extra: &[&Pending],
) -> Result<Option<(i64, TokenRecord)>, StoreError> {
    let seqs = index.candidates(conn, id_key(token_id), extra)?;
    if seqs.is_empty() {
        // Every new token ends here, without touching SQLite.
        return Ok(None);
    }
    let mut row = conn
        .prepare_cached(&format!(
            "SELECT {TOKEN_COLUMNS} FROM tokens WHERE seq = ?1"
        ))
        .map_err(unavailable)?;
    for seq in seqs {
        let found = row
            .query_row([seq], rows::token)
            .optional()
            .map_err(unavailable)?;
        if let Some(r) =
            found.filter(|r| r.tenant.as_str() == tenant && r.token_id.as_str() == token_id)
        {
            return Ok(Some((seq, r)));
        }
    }
    Ok(None)
}

#[async_trait]
impl tokenvault_core::store::TokenStore for SqliteStore {
    async fn commit_tokenize(
        &self,
        commit: TokenizeCommit,
    ) -> Result<Vec<TokenRecord>, StoreError> {
        let pool = self.pool.clone();
        self.pool
            .write_grouped(move |tx| {
                let tenant = commit.tenant.as_str();
                let ops = i64_of(commit.operations)?;
                if commit.quota.is_some() {
                    let used: i64 = tx
                        .query_row(
                            "SELECT COALESCE((SELECT operations FROM usage WHERE tenant = ?1 AND period = ?2), 0)",
                            params![tenant, commit.period],
                            |r| r.get(0),
                        )
                        .map_err(unavailable)?;
                    check_quota(used.unsigned_abs(), commit.operations, commit.quota)?;
                }
                if !commit.records.is_empty() {
                    // The writer lock serializes this with a rotation by any process.
                    let newest: Option<i64> = tx
                        .query_row(
                            "SELECT MAX(version) FROM tenant_keys WHERE tenant = ?1",
                            [tenant],
                            |r| r.get(0),
                        )
                        .map_err(unavailable)?;
                    let newest = newest
                        .map(|v| u32::try_from(v).map_err(|_| StoreError::Corrupt { what: "key version" }))
                        .transpose()?;
                    check_key_version(commit.key_version, newest)?;
                }
                let batch = BatchRecords::new(commit.records);
                let mut held = Vec::with_capacity(batch.firsts().len());
                let mut added = Pending::default();
                {
                    let mut insert = tx
                        .prepare_cached(&format!(
                            "INSERT INTO tokens (id_key, {TOKEN_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
                        ))
                        .map_err(unavailable)?;
                    let group = pool.group_added.lock();
                    for r in batch.firsts() {
                        // The same token made earlier (or concurrently, in this write group):
                        // its record stands.
                        if let Some((_, found)) =
                            find_token(&pool.index, tx, tenant, r.token_id.as_str(), &[&group])?
                        {
                            held.push(Some(found));
                            continue;
                        }
                        let key = id_key(r.token_id.as_str());
                        insert
                            .execute(params![
                                key,
                                tenant,
                                r.token_id.as_str(),
                                r.pii_type.as_str(),
                                r.mode.as_str(),
                                r.scope,
                                r.key_version,
                                r.policy_id.as_str(),
                                r.policy_version,
                                r.stored_token,
                                (r.token != r.stored_token).then_some(&r.token),
                                r.wrapped_dek,
                                r.created_at,
                                r.expires_at,
                                r.revoked_at,
                                r.revoke_reason,
                            ])
                            .map_err(unavailable)?;
                        added.add(key, tx.last_insert_rowid());
                        held.push(None);
                    }
                }
                let resolved = batch.resolve(held);
                if ops > 0 {
                    tx.execute(
                        "INSERT INTO usage (tenant, period, operations) VALUES (?1, ?2, ?3)
                         ON CONFLICT (tenant, period) DO UPDATE SET operations = operations + excluded.operations",
                        params![tenant, commit.period, ops],
                    )
                    .map_err(unavailable)?;
                }
                if let Some(i) = &commit.idempotency {
                    tx.execute(
                        "INSERT INTO idempotency (tenant, key, request_hash, response, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![tenant, i.key, i.request_hash.as_slice(), i.response, i.created_at],
                    )
                    .map_err(|e| match unavailable(e) {
                        StoreError::Conflict { .. } => StoreError::Conflict { what: Entity::IdempotencyKey },
                        other => other,
                    })?;
                }
                let mut event = commit.audit;
                event.token_ids = resolved.iter().map(|r| r.token_id.to_string()).collect();
                audit::append(tx, &[event])?;
                // Findable by later jobs of this group now, by everyone once it commits.
                pool.group_added.lock().extend(added);
                Ok(resolved)
            })
            .await
    }

    async fn idempotency(
        &self,
        tenant: &TenantId,
        key: &str,
    ) -> Result<Option<IdempotencyRecord>, StoreError> {
        let (t, key) = (tenant.to_string(), key.to_owned());
        self.pool
            .read(move |c| {
                c.prepare_cached("SELECT key, request_hash, response, created_at FROM idempotency WHERE tenant = ?1 AND key = ?2")
                    .and_then(|mut s| {
                        s.query_row(params![t, key], |r| {
                            let hash: Vec<u8> = r.get(1)?;
                            Ok(IdempotencyRecord {
                                key: r.get(0)?,
                                request_hash: hash.try_into().map_err(|_| {
                                    rusqlite::Error::InvalidColumnType(
                                        1,
                                        "request_hash".into(),
                                        rusqlite::types::Type::Blob,
                                    )
                                })?,
                                response: r.get(2)?,
                                created_at: r.get(3)?,
                            })
                        })
                        .optional()
                    })
                    .map_err(unavailable)
            })
            .await
    }

    async fn tokens_by_id(
        &self,
        tenant: &TenantId,
        ids: &[TokenId],
    ) -> Result<Vec<TokenRecord>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let (t, ids) = (tenant.to_string(), ids.to_vec());
        let pool = self.pool.clone();
        self.pool
            .read(move |c| {
                let mut out = Vec::with_capacity(ids.len());
                for id in &ids {
                    if let Some((_, r)) = find_token(&pool.index, c, &t, id.as_str(), &[])? {
                        out.push(r);
                    }
                }
                Ok(out)
            })
            .await
    }

    async fn list_tokens(
        &self,
        tenant: &TenantId,
        filter: &VaultFilter,
        now: UnixSeconds,
        after: Option<(UnixSeconds, String)>,
        limit: usize,
    ) -> Result<Vec<TokenRecord>, StoreError> {
        let t = tenant.to_string();
        let pii_type = filter.pii_type.map(|p| p.as_str().to_owned());
        let status = filter.status;
        let pool = self.pool.clone();
        self.pool
            .read(move |c| {
                // Newest first is `seq` order; the cursor names the last record shown.
                let before = match &after {
                    None => i64::MAX,
                    Some((_, id)) => match find_token(&pool.index, c, &t, id, &[])? {
                        Some((seq, _)) => seq,
                        None => return Ok(Vec::new()),
                    },
                };
                let status_sql = match status {
                    None => "",
                    Some(TokenStatus::Active) => " AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?3)",
                    Some(TokenStatus::Revoked) => " AND revoked_at IS NOT NULL",
                    Some(TokenStatus::Expired) => " AND revoked_at IS NULL AND expires_at IS NOT NULL AND expires_at <= ?3",
                };
                let sql = format!(
                    "SELECT {TOKEN_COLUMNS} FROM tokens WHERE tenant = ?1 AND (?2 IS NULL OR pii_type = ?2){status_sql}
                       AND seq < ?4
                     ORDER BY seq DESC LIMIT ?5"
                );
                let mut s = c.prepare_cached(&sql).map_err(unavailable)?;
                let rows = s
                    .query_map(
                        params![t, pii_type, now, before, i64::try_from(limit).unwrap_or(100)],
                        rows::token,
                    )
                    .map_err(unavailable)?;
                rows.collect::<Result<Vec<_>, _>>().map_err(unavailable)
            })
            .await
    }

    async fn revoke_token(
        &self,
        tenant: &TenantId,
        id: &TokenId,
        reason: &str,
        at: UnixSeconds,
        audit: &AuditEvent,
    ) -> Result<TokenRecord, StoreError> {
        let (t, id, reason, a) = (
            tenant.to_string(),
            id.to_string(),
            reason.to_owned(),
            audit.clone(),
        );
        let pool = self.pool.clone();
        self.pool
            .write(move |c| {
                let tx = c
                    .transaction_with_behavior(TransactionBehavior::Immediate)
                    .map_err(unavailable)?;
                let (seq, mut record) =
                    find_token(&pool.index, &tx, &t, &id, &[])?.ok_or(StoreError::NotFound {
                        what: Entity::Token,
                    })?;
                if record.revoked_at.is_none() {
                    tx.execute(
                        "UPDATE tokens SET revoked_at = ?2, revoke_reason = ?3 WHERE seq = ?1",
                        params![seq, at, reason],
                    )
                    .map_err(unavailable)?;
                    record.revoked_at = Some(at);
                    record.revoke_reason = Some(reason);
                }
                audit::append(&tx, &[a])?;
                tx.commit().map_err(unavailable)?;
                Ok(record)
            })
            .await
    }
}
