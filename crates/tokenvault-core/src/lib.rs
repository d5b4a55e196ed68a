//! The tokenvault domain.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

/// The version of tokenvault.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
