//! Persistence of tokenvault: [`SqliteStore`] (embedded, one file) and [`PgStore`] (several
//! nodes on one PostgreSQL) each implement the domain's store traits, one per aggregate
//! (`tokenvault_core::store::{TenantStore, ApiKeyStore, PolicyStore, TokenStore, GrantStore,
//! AuditStore, UsageStore, AccessStore}` and `TenantKeyStore`), one module per aggregate in
//! `sqlite/` and `postgres/`. Rules every backend applies (the audit chain, the quota,
//! first-record-wins) are core's; this crate stores rows.
//!
//! All SQL of the project lives in this crate.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod append_index;
mod object_token_row;
mod pool;
mod postgres;
mod rows;
mod schema;
mod sqlite;

pub use append_index::MERGE_EVERY;
pub use postgres::{PgOptions, PgStore};
pub use sqlite::SqliteStore;

/// Rows of `(pii_type, mode, count)` as the domain's breakdown.
fn breakdown(
    rows: Vec<(String, String, i64)>,
) -> Result<Vec<tokenvault_core::store::TokenBreakdown>, tokenvault_core::store::StoreError> {
    let corrupt = |what| tokenvault_core::store::StoreError::Corrupt { what };
    rows.into_iter()
        .map(|(t, m, n)| {
            Ok(tokenvault_core::store::TokenBreakdown {
                pii_type: t.parse().map_err(|_| corrupt("pii type"))?,
                mode: m.parse().map_err(|()| corrupt("mode"))?,
                count: u64::try_from(n).unwrap_or(0),
            })
        })
        .collect()
}
