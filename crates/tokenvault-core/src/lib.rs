//! The tokenvault domain: PII types and their normalization, the three tokenization modes,
//! the key hierarchy, policies and their evaluation, and masking.
//!
//! This crate knows nothing of HTTP or SQL. It defines the traits it needs from the outside
//! world ([`keys::RootKeyProvider`], [`keys::TenantKeyStore`], [`clock::Clock`]).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod authz;
pub mod clock;
pub mod ids;
pub mod keys;
pub mod mask;
pub mod objects;
pub mod pii;
pub mod policy;
pub mod service;
pub mod store;
pub mod token;

/// The version of tokenvault.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
