//! The endpoints, one module per surface. Each handler takes its extractors (the
//! authenticated caller, a JSON body, a query), calls the vault and maps the answer.

pub(crate) mod insights;
pub(crate) mod meta;
pub(crate) mod objects;
pub(crate) mod policies;
pub(crate) mod tokens;
pub(crate) mod users;
pub(crate) mod vault;
