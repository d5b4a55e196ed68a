//! What the domain needs from persistence, one narrow trait per aggregate. A backend
//! implements each; [`VaultStore`] is all of them together (implemented automatically).

use async_trait::async_trait;

use super::{
    records::{DashboardUser, ObjectRecord, SessionRecord, TokenBreakdown},
    AccessStore, ApiKeyRecord, AuditEvent, AuditFilter, AuditLink, AuditRecord, IdempotencyRecord,
    StoreError, TenantRecord, TokenRecord, TokenizeCommit, UsageCounts, VaultFilter,
};
use crate::{
    clock::UnixSeconds,
    ids::{PolicyId, TenantId, TokenId},
    keys::TenantKeyStore,
    objects::{Collection, ObjectTokenRecord, TokenChange, TokenCounts, TokenFilter},
    policy::Policy,
};

/// Tenants, and the store's own metadata.
#[async_trait]
pub trait TenantStore: Send + Sync {
    /// Whether the store answers.
    async fn ping(&self) -> Result<(), StoreError>;
    /// Stores `value` under `key` unless a value is there; returns the value now stored
    /// (so concurrent first starts of several nodes agree on one).
    async fn meta_get_or_insert(&self, key: &str, value: &[u8]) -> Result<Vec<u8>, StoreError>;
    /// Adds a tenant.
    async fn create_tenant(&self, tenant: &TenantRecord) -> Result<(), StoreError>;
    /// A tenant.
    async fn tenant(&self, id: &TenantId) -> Result<Option<TenantRecord>, StoreError>;
    /// All tenants.
    async fn tenants(&self) -> Result<Vec<TenantRecord>, StoreError>;
    /// Turns the kill switch on or off.
    async fn set_kill_switch(&self, id: &TenantId, on: bool) -> Result<(), StoreError>;
    /// Sets the quota.
    async fn set_quota(&self, id: &TenantId, quota: Option<u64>) -> Result<(), StoreError>;
}

/// API keys (only their hashes).
#[async_trait]
pub trait ApiKeyStore: Send + Sync {
    /// Adds an API key.
    async fn insert_api_key(&self, key: &ApiKeyRecord) -> Result<(), StoreError>;
    /// The key with this hash, revoked or not.
    async fn api_key_by_hash(&self, hash: &[u8; 32]) -> Result<Option<ApiKeyRecord>, StoreError>;
    /// A tenant's keys.
    async fn api_keys(&self, tenant: &TenantId) -> Result<Vec<ApiKeyRecord>, StoreError>;
    /// Revokes a key.
    async fn revoke_api_key(
        &self,
        tenant: &TenantId,
        id: &str,
        at: UnixSeconds,
    ) -> Result<(), StoreError>;
}

/// Dashboard users and their sessions.
#[async_trait]
pub trait DashboardStore: Send + Sync {
    /// Adds a user, with an audit event; `Conflict` when the login is taken.
    async fn insert_user(&self, user: &DashboardUser, audit: &AuditEvent)
        -> Result<(), StoreError>;
    /// The user with this login.
    async fn user(&self, login: &str) -> Result<Option<DashboardUser>, StoreError>;
    /// A tenant's users, by login.
    async fn users(&self, tenant: &TenantId) -> Result<Vec<DashboardUser>, StoreError>;
    /// Writes a user's roles, password hash and `disabled` (of `user.tenant`), with an audit
    /// event; a password change or disabling ends the user's sessions.
    async fn update_user(&self, user: &DashboardUser, audit: &AuditEvent)
        -> Result<(), StoreError>;
    /// Removes a user and ends its sessions, with an audit event.
    async fn delete_user(
        &self,
        tenant: &TenantId,
        login: &str,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    /// Counts a failed sign-in of `login` (counted in the database, so concurrent attempts
    /// all count); at `limit` failures the user is locked until `lock_until`. With an audit
    /// event.
    async fn login_failed(
        &self,
        login: &str,
        limit: u32,
        lock_until: UnixSeconds,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    /// A sign-in succeeded: the failures are forgotten and the session starts, with an audit
    /// event.
    async fn login_succeeded(
        &self,
        session: &SessionRecord,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    /// The session with this id hash, ended or not.
    async fn session(&self, id_hash: &[u8; 32]) -> Result<Option<SessionRecord>, StoreError>;
    /// Ends a session (sign-out), with an audit event; ending an ended one changes nothing.
    async fn end_session(
        &self,
        id_hash: &[u8; 32],
        at: UnixSeconds,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
}

/// Token policies and their versions.
#[async_trait]
pub trait PolicyStore: Send + Sync {
    /// Adds a policy at version 1, with an audit event.
    async fn insert_policy(
        &self,
        tenant: &TenantId,
        policy: &Policy,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    /// Stores a new version; fails with `Conflict` unless the current version is
    /// `policy.version - 1`.
    async fn update_policy(
        &self,
        tenant: &TenantId,
        policy: &Policy,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    /// Deletes a policy: it no longer applies and its key is free; its versions stay for the
    /// history. `NotFound` if there is no such live policy.
    async fn delete_policy(
        &self,
        tenant: &TenantId,
        id: &PolicyId,
        at: UnixSeconds,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    /// The current version, or a given one (a deleted policy has no current version, but its
    /// versions can still be read by number).
    async fn policy(
        &self,
        tenant: &TenantId,
        id: &PolicyId,
        version: Option<u32>,
    ) -> Result<Option<Policy>, StoreError>;
    /// The current version of the policy with this key.
    async fn policy_by_key(
        &self,
        tenant: &TenantId,
        key: &str,
    ) -> Result<Option<Policy>, StoreError>;
    /// Current versions of all policies.
    async fn policies(&self, tenant: &TenantId) -> Result<Vec<Policy>, StoreError>;
}

/// Token records and tokenize requests' idempotency receipts.
#[async_trait]
pub trait TokenStore: Send + Sync {
    /// Writes a tokenize request in one transaction: the records (folded by
    /// [`BatchRecords`](super::BatchRecords)), usage under the quota
    /// ([`check_quota`](super::check_quota)), the idempotency receipt and the audit event.
    /// Returns, for each record in `commit.records`, the record now in the vault (the existing
    /// one where its id was already taken).
    async fn commit_tokenize(&self, commit: TokenizeCommit)
        -> Result<Vec<TokenRecord>, StoreError>;
    /// The idempotency record of a key.
    async fn idempotency(
        &self,
        tenant: &TenantId,
        key: &str,
    ) -> Result<Option<IdempotencyRecord>, StoreError>;
    /// Records by id.
    async fn tokens_by_id(
        &self,
        tenant: &TenantId,
        ids: &[TokenId],
    ) -> Result<Vec<TokenRecord>, StoreError>;
    /// A page of records, newest first, after `cursor` (the last `(created_at, token_id)`).
    async fn list_tokens(
        &self,
        tenant: &TenantId,
        filter: &VaultFilter,
        now: UnixSeconds,
        after: Option<(UnixSeconds, String)>,
        limit: usize,
    ) -> Result<Vec<TokenRecord>, StoreError>;
    /// Revokes a record with an audit event; returns it as now stored. Revoking a revoked
    /// record keeps the first revocation.
    async fn revoke_token(
        &self,
        tenant: &TenantId,
        id: &TokenId,
        reason: &str,
        at: UnixSeconds,
        audit: &AuditEvent,
    ) -> Result<TokenRecord, StoreError>;
}

/// Grants, consumed once.
#[async_trait]
pub trait GrantStore: Send + Sync {
    /// Marks a grant used, counts operations and appends the audit event, in one
    /// transaction. `Conflict` if the grant was used before (on any node).
    async fn consume_grant(
        &self,
        tenant: &TenantId,
        jti: &str,
        expires_at: UnixSeconds,
        operations: u64,
        period: UnixSeconds,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
}

/// The hash-chained audit log (the chain's rules are in [`audit_chain`](super::audit_chain)).
#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Appends events.
    async fn append_audit(&self, events: &[AuditEvent]) -> Result<(), StoreError>;
    /// A page of a tenant's audit records, newest first, before `before_seq`.
    async fn audit(
        &self,
        tenant: &TenantId,
        filter: &AuditFilter,
        before_seq: Option<u64>,
        limit: usize,
    ) -> Result<Vec<AuditRecord>, StoreError>;
    /// Records with `seq > after`, in order, as stored (for verifying the chain).
    async fn audit_links(&self, after: u64, limit: usize) -> Result<Vec<AuditLink>, StoreError>;
    /// Walks the whole chain a page at a time ([`audit_chain::verify`](super::audit_chain::verify)):
    /// the number of records, or the first broken sequence number.
    async fn verify_audit_chain(&self) -> Result<Result<u64, u64>, StoreError> {
        super::audit_chain::verify(self).await
    }
}

/// Usage counters.
#[async_trait]
pub trait UsageStore: Send + Sync {
    /// Usage counts of a tenant at `now` for the period starting at `period`.
    async fn usage(
        &self,
        tenant: &TenantId,
        now: UnixSeconds,
        period: UnixSeconds,
    ) -> Result<UsageCounts, StoreError>;
    /// How many of a tenant's records there are of each type and mode (for the dashboard's
    /// chart), by type then mode.
    async fn token_breakdown(&self, tenant: &TenantId) -> Result<Vec<TokenBreakdown>, StoreError>;
}

/// The object vault's collections (their definitions; names matched without case).
#[async_trait]
pub trait CollectionStore: Send + Sync {
    /// Adds a collection with an audit event; `Conflict` on [`Entity::Collection`](super::Entity::Collection) when the
    /// tenant has one of that name in any case.
    async fn create_collection(
        &self,
        tenant: &TenantId,
        collection: &Collection,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    /// Replaces a collection's definition (properties added) with an audit event;
    /// `NotFound` when it does not exist.
    async fn update_collection(
        &self,
        tenant: &TenantId,
        collection: &Collection,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    /// Removes a collection with an audit event; `NotFound` when it does not exist.
    async fn delete_collection(
        &self,
        tenant: &TenantId,
        name: &str,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    /// A collection by name, any case.
    async fn collection(
        &self,
        tenant: &TenantId,
        name: &str,
    ) -> Result<Option<Collection>, StoreError>;
    /// The tenant's collections, by name.
    async fn collections(&self, tenant: &TenantId) -> Result<Vec<Collection>, StoreError>;
}

/// The object vault's objects: sealed values and blind indexes, per tenant and collection.
#[async_trait]
pub trait ObjectStore: Send + Sync {
    /// Adds objects (all or none) with an audit event; `Conflict` on
    /// [`Entity::UniqueValue`](super::Entity::UniqueValue) when a unique value is taken by a
    /// live object (or twice in the batch).
    async fn insert_objects(
        &self,
        tenant: &TenantId,
        objects: &[ObjectRecord],
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    /// Replaces an object's values and indexes (same conflicts); `NotFound` when it is not a
    /// live object.
    async fn update_object(
        &self,
        tenant: &TenantId,
        object: &ObjectRecord,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    /// Soft-deletes (the indexes go, the row stays) or hard-deletes an object; `NotFound`
    /// when it is not a live object (a soft-deleted one can still be hard-deleted).
    async fn delete_object(
        &self,
        tenant: &TenantId,
        collection: &str,
        id: &str,
        hard: bool,
        at: UnixSeconds,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    /// Objects by id, live or soft-deleted, in the order asked; missing ones are left out.
    /// Records read back carry no index entries (the index is queried, not read).
    async fn objects_by_id(
        &self,
        tenant: &TenantId,
        collection: &str,
        ids: &[String],
    ) -> Result<Vec<ObjectRecord>, StoreError>;
    /// A page of live objects in insertion order after `after` (a position this returned).
    async fn list_objects(
        &self,
        tenant: &TenantId,
        collection: &str,
        after: i64,
        limit: usize,
    ) -> Result<Vec<(i64, ObjectRecord)>, StoreError>;
    /// Ids of live objects with one of `digests` for `property` (lower-cased), a unique
    /// property or not (each kind has its own index).
    async fn find_objects(
        &self,
        tenant: &TenantId,
        collection: &str,
        property: &str,
        unique: bool,
        digests: &[[u8; 32]],
    ) -> Result<Vec<String>, StoreError>;
    /// How many objects of the collection are active (neither deleted nor expired at `now`)
    /// and archived (soft-deleted).
    async fn count_objects(
        &self,
        tenant: &TenantId,
        collection: &str,
        now: UnixSeconds,
    ) -> Result<TokenCounts, StoreError>;
    /// Hard-deletes every object of a collection (when the collection is deleted).
    async fn purge_collection(&self, tenant: &TenantId, collection: &str)
        -> Result<(), StoreError>;
}

/// The object vault's tokens, per tenant and collection.
#[async_trait]
pub trait ObjectTokenStore: Send + Sync {
    /// Applies `changes` in order, all or none, with an audit event. `Conflict` on
    /// [`Entity::ObjectToken`](super::Entity::ObjectToken) when an id is taken, when a live
    /// reusable token already has the reuse digest, or when a replaced or removed token is
    /// gone or no longer at the version read.
    async fn save_object_tokens(
        &self,
        tenant: &TenantId,
        collection: &str,
        changes: &[TokenChange],
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    /// Tokens by id, in any state, in the order asked; missing ones are left out.
    async fn object_tokens_by_id(
        &self,
        tenant: &TenantId,
        collection: &str,
        ids: &[String],
    ) -> Result<Vec<ObjectTokenRecord>, StoreError>;
    /// The undeleted reusable tokens with one of `digests`.
    async fn object_tokens_by_reuse(
        &self,
        tenant: &TenantId,
        collection: &str,
        digests: &[[u8; 32]],
    ) -> Result<Vec<ObjectTokenRecord>, StoreError>;
    /// Tokens of the objects or with the tags of `filter`, in any state, at most `limit`.
    async fn find_object_tokens(
        &self,
        tenant: &TenantId,
        collection: &str,
        filter: &TokenFilter,
        limit: usize,
    ) -> Result<Vec<ObjectTokenRecord>, StoreError>;
    /// How many tokens of the collection are active (neither deleted nor expired at `now`)
    /// and archived (soft-deleted).
    async fn count_object_tokens(
        &self,
        tenant: &TenantId,
        collection: &str,
        now: UnixSeconds,
    ) -> Result<TokenCounts, StoreError>;
}

/// Persistence of the vault: every aggregate's store.
pub trait VaultStore:
    TenantStore
    + ApiKeyStore
    + PolicyStore
    + TokenStore
    + GrantStore
    + AuditStore
    + UsageStore
    + TenantKeyStore
    + AccessStore
    + CollectionStore
    + ObjectStore
    + ObjectTokenStore
    + DashboardStore
{
}

impl<T> VaultStore for T where
    T: TenantStore
        + ApiKeyStore
        + PolicyStore
        + TokenStore
        + GrantStore
        + AuditStore
        + UsageStore
        + TenantKeyStore
        + AccessStore
        + CollectionStore
        + ObjectStore
        + ObjectTokenStore
        + DashboardStore
{
}
