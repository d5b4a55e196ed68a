//! Tokenization: the three modes, deterministic scopes, and the engine that turns canonical
//! values into tokens and back.

mod engine;
mod error;
pub mod fpe;
pub mod in_text;
mod mode;

pub use engine::{TokenEngine, TokenInput, TokenRef, Tokenized, DEFAULT_TOKEN_PREFIX};
pub use error::TokenError;
pub use mode::{Mode, Scope, ScopeContext, ScopeKind};
