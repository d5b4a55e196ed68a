//! Token records and tokenize commits.

use super::*;

pub(super) async fn insert_tokens<C: GenericClient>(
    c: &C,
    tenant: &str,
    records: &[TokenRecord],
) -> Result<std::collections::HashSet<String>, StoreError> {
    let mut cols = Columns::with_capacity(records.len());
    for r in records {
        cols.push(r);
    }
    let rows = c
        .q(
            &format!(
                "INSERT INTO tokens ({TOKEN_COLUMNS})
                 SELECT $1, * FROM UNNEST($2::TEXT[], $3::TEXT[], $4::TEXT[], $5::TEXT[], $6::BIGINT[],
                        $7::TEXT[], $8::BIGINT[], $9::TEXT[], $10::TEXT[], $11::BYTEA[], $12::BIGINT[],
                        $13::BIGINT[], $14::BIGINT[], $15::TEXT[])
                 ON CONFLICT (tenant, token_id) DO NOTHING
                 RETURNING token_id"
            ),
            &[&tenant, &cols.token_id, &cols.pii_type, &cols.mode, &cols.scope, &cols.key_version, &cols.policy_id, &cols.policy_version, &cols.stored_token, &cols.token, &cols.wrapped_dek, &cols.created_at, &cols.expires_at, &cols.revoked_at, &cols.revoke_reason],
        )
        .await
        .map_err(pg_err)?;
    Ok(rows.into_iter().map(|r| r.get::<_, String>(0)).collect())
}

/// Stores the next version of a policy; `Conflict` unless the current version is one less.

#[async_trait]
impl tokenvault_core::store::TokenStore for PgStore {
    async fn commit_tokenize(
        &self,
        commit: TokenizeCommit,
    ) -> Result<Vec<TokenRecord>, StoreError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg_err)?;
        let tenant = commit.tenant.as_str();
        if !commit.records.is_empty() {
            // Shared with every commit of the tenant, exclusive for a rotation: a rotation
            // waits for commits in flight, and commits after it see the new version.
            tx.exec(
                "SELECT pg_advisory_xact_lock_shared(hashtextextended($1, $2))",
                &[&tenant, &TENANT_KEYS_LOCK],
            )
            .await
            .map_err(pg_err)?;
            let newest: Option<i64> = tx
                .q_one(
                    "SELECT MAX(version) FROM tenant_keys WHERE tenant = $1",
                    &[&tenant],
                )
                .await
                .map_err(pg_err)?
                .get(0);
            let newest = newest.map(|v| u32_of(v, "key version")).transpose()?;
            check_key_version(commit.key_version, newest)?;
        }
        let ops = i64_of(commit.operations)?;
        if ops > 0 {
            // Counted and checked in one statement, so concurrent requests on any node count
            // once and cannot both slip under the quota.
            let used: i64 = tx
                .q_one(
                    "INSERT INTO usage (tenant, period, operations) VALUES ($1, $2, $3)
                     ON CONFLICT (tenant, period) DO UPDATE SET operations = usage.operations + excluded.operations
                     RETURNING operations",
                    &[&tenant, &commit.period, &ops],
                )
                .await
                .map_err(pg_err)?
                .get(0);
            check_quota(
                used.unsigned_abs().saturating_sub(commit.operations),
                commit.operations,
                commit.quota,
            )?;
        }
        let batch = BatchRecords::new(commit.records);
        let inserted = insert_tokens(&tx, tenant, batch.firsts()).await?;
        // Records made concurrently, here or on another node, stand; fetch them.
        let missing: Vec<&str> = batch
            .firsts()
            .iter()
            .map(|r| r.token_id.as_str())
            .filter(|id| !inserted.contains(*id))
            .collect();
        let mut existing: std::collections::HashMap<String, TokenRecord> =
            std::collections::HashMap::new();
        if !missing.is_empty() {
            for row in tx
                .q(&format!("SELECT {TOKEN_COLUMNS} FROM tokens WHERE tenant = $1 AND token_id = ANY($2)"), &[&tenant, &missing])
                .await
                .map_err(pg_err)?
            {
                let r = token(&row)?;
                existing.insert(r.token_id.to_string(), r);
            }
        }
        let held = batch
            .firsts()
            .iter()
            .map(|r| existing.remove(r.token_id.as_str()))
            .collect();
        let resolved = batch.resolve(held);
        if let Some(i) = &commit.idempotency {
            tx.exec(
                "INSERT INTO idempotency (tenant, key, request_hash, response, created_at) VALUES ($1, $2, $3, $4, $5)",
                &[&tenant, &i.key, &i.request_hash.as_slice(), &i.response, &i.created_at],
            )
            .await
            .map_err(|e| conflict(Entity::IdempotencyKey)(pg_err(e)))?;
        }
        let mut event = commit.audit;
        event.token_ids = resolved.iter().map(|r| r.token_id.to_string()).collect();
        append_audit(&tx, &[event]).await?;
        tx.commit().await.map_err(pg_err)?;
        Ok(resolved)
    }

    async fn idempotency(
        &self,
        t: &TenantId,
        key: &str,
    ) -> Result<Option<IdempotencyRecord>, StoreError> {
        let r = self
            .client()
            .await?
            .q_opt("SELECT key, request_hash, response, created_at FROM idempotency WHERE tenant = $1 AND key = $2", &[&t.as_str(), &key])
            .await
            .map_err(pg_err)?;
        r.map(|r| {
            Ok(IdempotencyRecord {
                key: r.get(0),
                request_hash: r
                    .get::<_, Vec<u8>>(1)
                    .try_into()
                    .map_err(|_| corrupt("idempotency request hash"))?,
                response: r.get(2),
                created_at: r.get(3),
            })
        })
        .transpose()
    }

    async fn tokens_by_id(
        &self,
        t: &TenantId,
        ids: &[TokenId],
    ) -> Result<Vec<TokenRecord>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<&str> = ids.iter().map(TokenId::as_str).collect();
        let rows = self
            .client()
            .await?
            .q(
                &format!(
                    "SELECT {TOKEN_COLUMNS} FROM tokens WHERE tenant = $1 AND token_id = ANY($2)"
                ),
                &[&t.as_str(), &ids],
            )
            .await
            .map_err(pg_err)?;
        rows.iter().map(token).collect()
    }

    async fn list_tokens(
        &self,
        t: &TenantId,
        filter: &VaultFilter,
        now: UnixSeconds,
        after: Option<(UnixSeconds, String)>,
        limit: usize,
    ) -> Result<Vec<TokenRecord>, StoreError> {
        let c = self.client().await?;
        let before: i64 = match &after {
            None => i64::MAX,
            Some((_, id)) => match c
                .q_opt(
                    "SELECT seq FROM tokens WHERE tenant = $1 AND token_id = $2",
                    &[&t.as_str(), id],
                )
                .await
                .map_err(pg_err)?
            {
                Some(r) => r.get(0),
                None => return Ok(Vec::new()),
            },
        };
        let status_sql = match filter.status {
            None => "",
            Some(TokenStatus::Active) => {
                " AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $3)"
            }
            Some(TokenStatus::Revoked) => " AND revoked_at IS NOT NULL",
            Some(TokenStatus::Expired) => {
                " AND revoked_at IS NULL AND expires_at IS NOT NULL AND expires_at <= $3"
            }
        };
        let pii_type = filter.pii_type.map(|p| p.as_str());
        let rows = c
            .q(
                &format!(
                    "SELECT {TOKEN_COLUMNS} FROM tokens WHERE tenant = $1 AND ($2::TEXT IS NULL OR pii_type = $2){status_sql}
                       AND seq < $4 AND $3::BIGINT IS NOT NULL
                     ORDER BY seq DESC LIMIT $5"
                ),
                &[&t.as_str(), &pii_type, &now, &before, &i64::try_from(limit).unwrap_or(100)],
            )
            .await
            .map_err(pg_err)?;
        rows.iter().map(token).collect()
    }

    async fn revoke_token(
        &self,
        t: &TenantId,
        id: &TokenId,
        reason: &str,
        at: UnixSeconds,
        a: &AuditEvent,
    ) -> Result<TokenRecord, StoreError> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg_err)?;
        tx.exec(
            "UPDATE tokens SET revoked_at = $3, revoke_reason = $4 WHERE tenant = $1 AND token_id = $2 AND revoked_at IS NULL",
            &[&t.as_str(), &id.as_str(), &at, &reason],
        )
        .await
        .map_err(pg_err)?;
        let row = tx
            .q_opt(
                &format!("SELECT {TOKEN_COLUMNS} FROM tokens WHERE tenant = $1 AND token_id = $2"),
                &[&t.as_str(), &id.as_str()],
            )
            .await
            .map_err(pg_err)?
            .ok_or(StoreError::NotFound {
                what: Entity::Token,
            })?;
        let record = token(&row)?;
        append_audit(&tx, std::slice::from_ref(a)).await?;
        tx.commit().await.map_err(pg_err)?;
        Ok(record)
    }
}
