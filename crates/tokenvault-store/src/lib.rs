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
