//! The object vault (seed 004, in the style of Piiano Vault): collections of typed
//! properties, objects whose values are encrypted at rest, and tokens that reference them.

pub mod datatype;

pub use datatype::{DataType, InvalidValue, MAX_STRING_CHARS};
