//! Cryptographic building blocks of tokenvault.
//!
//! Everything here is a thin, typed layer over well-kept RustCrypto crates and `fpe`:
//!
//! * [`siv`]: AES-256-SIV (RFC 5297) for deterministic tokens and for key wrapping,
//! * [`gcm`]: AES-256-GCM under single-use data keys for randomized tokens,
//! * [`ff1`]: FF1 format-preserving encryption (NIST SP 800-38G Rev. 1) with AES-256,
//! * [`kdf`] and [`mac`]: HKDF-SHA256 subkey derivation and keyed HMAC-SHA256 fingerprints,
//! * [`codec`]: the versioned, URL-safe token value format,
//! * [`jwt`]: Ed25519 JWT signing for admin tokens and grants, [`digest`]: SHA-256 chains,
//! * [`secret`]: zeroizing key containers that never print their contents.
//!
//! No I/O, no async, no unsafe code. Types that hold expanded keys are built once per key
//! version and shared, so hot paths never re-derive keys.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod checksum_digest;
pub mod codec;
pub mod digest;
pub mod error;
pub mod ff1;
pub mod gcm;
pub mod jwt;
pub mod kdf;
pub mod mac;
pub mod password;
pub mod random;
pub mod secret;
pub mod siv;
pub mod wrap;

pub use error::CryptoError;
pub use secret::{Key256, Key512, SecretBytes};
