//! The object vault (seed 004, in the style of Piiano Vault): collections of typed
//! properties, objects whose values are encrypted at rest, and tokens that reference them.

pub mod datatype;

pub use datatype::{DataType, InvalidValue, MAX_STRING_CHARS};

pub mod collection;

pub use collection::{
    parse_pvschema, to_pvschema, valid_name, Collection, CollectionSpec, CollectionType, Property,
    PropertySpec, SchemaError,
};

pub mod iam;

pub use iam::{
    AccessPolicy, Capability, IamConfig, IamConfigError, PolicyType, Role, BOOTSTRAP_USER,
    DEFAULT_IAM_TOML,
};

pub mod object;
pub mod sealed;

pub use object::{check_values, ObjectError, MAX_BULK_OBJECTS};
pub use sealed::{blind_index, open, seal, SealError, SealedValues};

pub mod pan;

pub use pan::{pan_token_id, NotACardNumber};

pub mod token;

pub use token::{
    append_tags, retokenized_expiry, reuse_digest, IdTemplate, ObjectTokenRecord, ReuseKey,
    TokenChange, TokenCounts, TokenFilter, TokenKind, TokenType, TooManyTags, MAX_TAGS,
    MAX_TOKENS_PER_CALL,
};
