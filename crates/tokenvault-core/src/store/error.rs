//! Why a store operation failed.

/// Why the store failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// A unique value (policy id or key, API key, grant id) is taken.
    #[error("{what} already exists")]
    Conflict {
        /// What collided.
        what: Entity,
    },
    /// The record to change does not exist (in this tenant).
    #[error("{what} not found")]
    NotFound {
        /// What was missing.
        what: Entity,
    },
    /// The period's quota would be exceeded.
    #[error("quota of {quota} operations per period exceeded")]
    QuotaExceeded {
        /// The quota.
        quota: u64,
    },
    /// Stored data does not read back as what was written (a bug, or tampering): not the
    /// caller's fault and not worth a retry.
    #[error("stored {what} is unreadable")]
    Corrupt {
        /// What could not be read.
        what: &'static str,
    },
    /// The backend failed; the detail is for logs and carries no PII or key material.
    #[error("store unavailable: {detail}")]
    Unavailable {
        /// What went wrong.
        detail: String,
    },
}

/// What a conflict or a missing record is about: callers match on these, never on text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Entity {
    /// A tenant.
    Tenant,
    /// A policy (by id, or by id and key on create).
    Policy,
    /// A policy's detection key.
    PolicyKey,
    /// A policy version (written concurrently).
    PolicyVersion,
    /// An API key.
    ApiKey,
    /// A grant (its id, consumed once).
    Grant,
    /// A tokenize request's idempotency key.
    IdempotencyKey,
    /// A token record.
    Token,
    /// A row of an import (a record that already exists).
    Record,
    /// A pending change.
    Change,
    /// A decision on a pending change (already decided).
    ChangeDecision,
    /// Another vault's root or signing keys in the target of an import.
    Metadata,
    /// A tenant key version: a batch made under a version older than the tenant's newest.
    KeyVersion,
    /// A collection of the object vault (names are matched without case).
    Collection,
    /// An object of the object vault.
    Object,
    /// A value of a unique property that another live object has.
    UniqueValue,
    /// A token of the object vault (its id, its reuse digest, or a version changed since read).
    ObjectToken,
    /// A dashboard user (logins are unique across the vault).
    DashboardUser,
    /// A dashboard session.
    Session,
}

impl std::fmt::Display for Entity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Entity::Tenant => "tenant",
            Entity::Policy => "policy",
            Entity::PolicyKey => "policy key",
            Entity::PolicyVersion => "policy version",
            Entity::ApiKey => "api key",
            Entity::Grant => "grant",
            Entity::IdempotencyKey => "idempotency key",
            Entity::Token => "token",
            Entity::Record => "record",
            Entity::Change => "change",
            Entity::ChangeDecision => "change decision",
            Entity::Metadata => "metadata (another vault's root or signing keys)",
            Entity::KeyVersion => "newer tenant key version",
            Entity::Collection => "collection",
            Entity::Object => "object",
            Entity::UniqueValue => "unique property value",
            Entity::ObjectToken => "object token",
            Entity::DashboardUser => "dashboard user",
            Entity::Session => "session",
        })
    }
}
