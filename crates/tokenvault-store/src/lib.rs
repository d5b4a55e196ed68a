//! Persistence of tokenvault: [`SqliteStore`] (embedded, one file) and [`PgStore`] (several
//! nodes on one PostgreSQL) each implement the domain's
//! [`VaultStore`](tokenvault_core::store::VaultStore),
//! [`AccessStore`](tokenvault_core::store::AccessStore) and
//! [`TenantKeyStore`](tokenvault_core::keys::TenantKeyStore).
//!
//! All SQL of the project lives in this crate.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod pool;
mod postgres;
mod rows;
mod schema;
mod sqlite;
mod token_index;

pub use postgres::{PgOptions, PgStore};
pub use sqlite::SqliteStore;
pub use token_index::MERGE_EVERY;
