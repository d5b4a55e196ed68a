//! Row ↔ record mapping.

use rusqlite::Row;
use tokenvault_core::{
    ids::{PolicyId, TenantId, TokenId},
    store::{ApiKeyRecord, StoreError, TenantRecord, TokenRecord},
};

pub(crate) const TOKEN_COLUMNS: &str = "tenant, token_id, pii_type, mode, scope, key_version, \
    policy_id, policy_version, stored_token, token, wrapped_dek, created_at, \
    expires_at, revoked_at, revoke_reason";

fn corrupt(what: &str) -> rusqlite::Error {
    rusqlite::Error::InvalidColumnType(0, what.to_owned(), rusqlite::types::Type::Text)
}

fn parse<T>(s: String, f: impl FnOnce(&str) -> Option<T>, what: &str) -> rusqlite::Result<T> {
    f(&s).ok_or_else(|| corrupt(what))
}

pub(crate) fn token(r: &Row<'_>) -> rusqlite::Result<TokenRecord> {
    let stored_token: String = r.get(8)?;
    // `token` is stored only where it differs from `stored_token`.
    let token: Option<String> = r.get(9)?;
    Ok(TokenRecord {
        tenant: parse(r.get(0)?, |s| TenantId::parse(s).ok(), "tenant")?,
        token_id: parse(r.get(1)?, |s| TokenId::parse(s).ok(), "token_id")?,
        pii_type: parse(r.get(2)?, |s| s.parse().ok(), "pii_type")?,
        mode: parse(r.get(3)?, |s| s.parse().ok(), "mode")?,
        scope: r.get(4)?,
        key_version: r.get(5)?,
        policy_id: parse(r.get(6)?, |s| PolicyId::parse(s).ok(), "policy_id")?,
        policy_version: r.get(7)?,
        token: token.unwrap_or_else(|| stored_token.clone()),
        stored_token,
        wrapped_dek: r.get(10)?,
        created_at: r.get(11)?,
        expires_at: r.get(12)?,
        revoked_at: r.get(13)?,
        revoke_reason: r.get(14)?,
    })
}

pub(crate) fn tenant(r: &Row<'_>) -> rusqlite::Result<TenantRecord> {
    let quota: Option<i64> = r.get(4)?;
    Ok(TenantRecord {
        id: parse(r.get(0)?, |s| TenantId::parse(s).ok(), "tenant")?,
        name: r.get(1)?,
        created_at: r.get(2)?,
        kill_switch: r.get(3)?,
        quota: quota
            .map(|q| u64::try_from(q).map_err(|_| corrupt("quota")))
            .transpose()?,
    })
}

pub(crate) const API_KEY_COLUMNS: &str = "id, tenant, hash, name, created_at, revoked_at";

pub(crate) fn api_key(r: &Row<'_>) -> rusqlite::Result<ApiKeyRecord> {
    let hash: Vec<u8> = r.get(2)?;
    Ok(ApiKeyRecord {
        id: r.get(0)?,
        tenant: parse(r.get(1)?, |s| TenantId::parse(s).ok(), "tenant")?,
        hash: hash.try_into().map_err(|_| corrupt("hash"))?,
        name: r.get(3)?,
        created_at: r.get(4)?,
        revoked_at: r.get(5)?,
    })
}

pub(crate) fn i64_of(v: u64) -> Result<i64, StoreError> {
    i64::try_from(v).map_err(|_| StoreError::Unavailable {
        detail: "counter out of range".into(),
    })
}
