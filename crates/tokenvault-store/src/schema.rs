//! Schema migrations, applied in order at open; each runs once, recorded in `schema_version`.

use rusqlite::Connection;

/// Migrations by version. Never edit one that has shipped; add the next.
const MIGRATIONS: &[&str] = &[
    // 1: the vault.
    r#"
CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE tenants (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at INTEGER NOT NULL,
    kill_switch INTEGER NOT NULL DEFAULT 0, quota INTEGER
);
CREATE TABLE tenant_keys (
    tenant TEXT NOT NULL, version INTEGER NOT NULL, wrapped BLOB NOT NULL, created_at INTEGER NOT NULL,
    PRIMARY KEY (tenant, version)
);
CREATE TABLE shredded_tenants (tenant TEXT PRIMARY KEY);
CREATE TABLE api_keys (
    id TEXT PRIMARY KEY, tenant TEXT NOT NULL, hash BLOB NOT NULL UNIQUE, name TEXT NOT NULL,
    created_at INTEGER NOT NULL, revoked_at INTEGER
);
CREATE INDEX api_keys_tenant ON api_keys (tenant);
CREATE TABLE policies (
    tenant TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL, key TEXT,
    created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
    PRIMARY KEY (tenant, id)
);
CREATE UNIQUE INDEX policies_key ON policies (tenant, key) WHERE key IS NOT NULL;
CREATE TABLE policy_versions (
    tenant TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (tenant, id, version)
);
CREATE TABLE tokens (
    seq INTEGER PRIMARY KEY,
    tenant TEXT NOT NULL, token_id TEXT NOT NULL, id_key INTEGER NOT NULL,
    pii_type TEXT NOT NULL, mode TEXT NOT NULL,
    scope TEXT NOT NULL, key_version INTEGER NOT NULL, policy_id TEXT NOT NULL,
    policy_version INTEGER NOT NULL, stored_token TEXT NOT NULL, token TEXT,
    wrapped_dek BLOB, created_at INTEGER NOT NULL, expires_at INTEGER,
    revoked_at INTEGER, revoke_reason TEXT
);
-- Rows are appended in `seq` order and every index on `tokens` is append-only, so a commit of
-- a thousand rows touches a handful of pages. Lookups by record id go through `token_ids`,
-- which is filled in bulk (see token_index.rs): record ids are keyed digests, and inserting
-- them one commit at a time would touch a random page per row.
CREATE INDEX tokens_list ON tokens (tenant, seq);
CREATE TABLE token_ids (
    id_key INTEGER NOT NULL, seq INTEGER NOT NULL,
    PRIMARY KEY (id_key, seq)
) WITHOUT ROWID;
CREATE TABLE token_ids_state (
    id INTEGER PRIMARY KEY CHECK (id = 1), merged_upto INTEGER NOT NULL
);
INSERT INTO token_ids_state (id, merged_upto) VALUES (1, 0);
CREATE TABLE idempotency (
    tenant TEXT NOT NULL, key TEXT NOT NULL, request_hash BLOB NOT NULL, response TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (tenant, key)
);
CREATE TABLE used_grants (
    jti TEXT PRIMARY KEY, tenant TEXT NOT NULL, expires_at INTEGER NOT NULL
);
CREATE TABLE usage (
    tenant TEXT NOT NULL, period INTEGER NOT NULL, operations INTEGER NOT NULL,
    PRIMARY KEY (tenant, period)
);
CREATE TABLE audit (
    seq INTEGER PRIMARY KEY, tenant TEXT NOT NULL, action TEXT NOT NULL, actor TEXT NOT NULL,
    result TEXT NOT NULL, trace_id TEXT NOT NULL, event TEXT NOT NULL,
    prev_hash BLOB NOT NULL, hash BLOB NOT NULL
);
CREATE INDEX audit_tenant ON audit (tenant, seq DESC);
"#,
    // 2: deleted policies (soft delete: history kept, key freed).
    "ALTER TABLE policies ADD COLUMN deleted_at INTEGER;",
    // 3: management authorization (role mapping, tenant settings, two-person changes).
    r#"
CREATE TABLE role_permissions (
    tenant TEXT NOT NULL, role TEXT NOT NULL, permissions TEXT NOT NULL,
    PRIMARY KEY (tenant, role)
);
CREATE TABLE tenant_settings (
    tenant TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY (tenant, key)
);
CREATE TABLE pending_changes (
    tenant TEXT NOT NULL, id TEXT NOT NULL, kind TEXT NOT NULL, target TEXT NOT NULL,
    payload TEXT NOT NULL, proposed_by TEXT NOT NULL, created_at INTEGER NOT NULL,
    status TEXT NOT NULL, decided_by TEXT, decided_at INTEGER,
    PRIMARY KEY (tenant, id)
);
"#,
    // 4: the object vault's collections (names matched without case).
    r#"
CREATE TABLE collections (
    tenant TEXT NOT NULL, name_key TEXT NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (tenant, name_key)
);
"#,
    // 5: the object vault's objects (sealed values) and their keyed blind indexes.
    r#"
CREATE TABLE objects (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant TEXT NOT NULL, collection TEXT NOT NULL, id TEXT NOT NULL,
    created_at INTEGER NOT NULL, modified_at INTEGER NOT NULL, expires_at INTEGER, deleted_at INTEGER,
    key_version INTEGER NOT NULL, wrapped_dek BLOB NOT NULL, sealed BLOB NOT NULL,
    UNIQUE (tenant, collection, id)
);
CREATE TABLE object_index (
    tenant TEXT NOT NULL, collection TEXT NOT NULL, property TEXT NOT NULL,
    digest BLOB NOT NULL, object_id TEXT NOT NULL, uniq INTEGER NOT NULL
);
CREATE UNIQUE INDEX object_index_unique ON object_index (tenant, collection, property, digest) WHERE uniq = 1;
CREATE INDEX object_index_lookup ON object_index (tenant, collection, property, digest) WHERE uniq = 0;
CREATE INDEX object_index_object ON object_index (tenant, collection, object_id);
"#,
    // 6: the object vault's tokens; a partial unique index keeps one live token per reuse
    // digest, tags have their own table for lookups.
    r#"
CREATE TABLE object_tokens (
    tenant TEXT NOT NULL, id TEXT NOT NULL, collection TEXT NOT NULL, token_type TEXT NOT NULL,
    object_id TEXT, props TEXT NOT NULL, scope TEXT NOT NULL, reversible INTEGER NOT NULL,
    reuse BLOB, tags TEXT NOT NULL, template TEXT,
    key_version INTEGER, wrapped_dek BLOB, sealed BLOB,
    created_at INTEGER NOT NULL, modified_at INTEGER NOT NULL, expires_at INTEGER, deleted_at INTEGER,
    version INTEGER NOT NULL,
    PRIMARY KEY (tenant, collection, id)
);
CREATE UNIQUE INDEX object_tokens_reuse ON object_tokens (tenant, collection, reuse)
    WHERE reuse IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX object_tokens_object ON object_tokens (tenant, collection, object_id);
CREATE TABLE object_token_tags (
    tenant TEXT NOT NULL, collection TEXT NOT NULL, tag TEXT NOT NULL, token_id TEXT NOT NULL,
    PRIMARY KEY (tenant, collection, tag, token_id)
);
CREATE INDEX object_token_tags_token ON object_token_tags (tenant, collection, token_id);
"#,
    // 7: token lookups by id must not be planned on the by-object index (which shared the
    // primary key's leading columns: a generic plan then scanned a collection's tokens).
    r#"
DROP INDEX object_tokens_object;
CREATE INDEX object_tokens_object ON object_tokens (object_id, tenant, collection);
DROP INDEX object_token_tags_token;
CREATE INDEX object_token_tags_token ON object_token_tags (token_id, tenant, collection);
"#,
    // 8: blind-index entries are appended (`seq`), and found by digest through an append
    // index (see append_index.rs) instead of B-trees keyed by the digest, each insert of which
    // rewrote a random page. Uniqueness among live objects is checked by the single writer.
    // Copied entries get their `id_key` when the store opens (`key_copied_digests`).
    r#"
CREATE TABLE object_digests (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id_key INTEGER,
    tenant TEXT NOT NULL, collection TEXT NOT NULL, property TEXT NOT NULL,
    digest BLOB NOT NULL, object_id TEXT NOT NULL, uniq INTEGER NOT NULL
);
CREATE INDEX object_digests_object ON object_digests (tenant, collection, object_id);
INSERT INTO object_digests (tenant, collection, property, digest, object_id, uniq)
    SELECT tenant, collection, property, digest, object_id, uniq FROM object_index;
DROP TABLE object_index;
CREATE TABLE object_digest_keys (
    id_key INTEGER NOT NULL, seq INTEGER NOT NULL,
    PRIMARY KEY (id_key, seq)
) WITHOUT ROWID;
CREATE TABLE object_digest_keys_state (
    id INTEGER PRIMARY KEY CHECK (id = 1), merged_upto INTEGER NOT NULL
);
INSERT INTO object_digest_keys_state (id, merged_upto) VALUES (1, 0);
-- A collection's objects are listed in `seq` order from a cursor: an index seek, not a sort
-- of the whole collection.
CREATE INDEX objects_list ON objects (tenant, collection, seq);
"#,
    // 9: dashboard users (Argon2id password hashes) and their sessions (hashes of the cookie
    // and of the CSRF token).
    r#"
CREATE TABLE dashboard_users (
    login TEXT PRIMARY KEY, tenant TEXT NOT NULL, password_hash TEXT NOT NULL,
    roles TEXT NOT NULL, created_at INTEGER NOT NULL, failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until INTEGER, disabled INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX dashboard_users_tenant ON dashboard_users (tenant, login);
CREATE TABLE dashboard_sessions (
    id_hash BLOB PRIMARY KEY, tenant TEXT NOT NULL, login TEXT NOT NULL, csrf_hash BLOB NOT NULL,
    created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, ended_at INTEGER
);
CREATE INDEX dashboard_sessions_login ON dashboard_sessions (login);
"#,
];

/// Applies every migration the database has not seen, each in its own transaction.
pub(crate) fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    conn.execute_batch("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")?;
    let current: i64 = conn.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM schema_version",
        [],
        |r| r.get(0),
    )?;
    for (i, sql) in MIGRATIONS.iter().enumerate() {
        let version = i64::try_from(i + 1).unwrap_or(i64::MAX);
        if version <= current {
            continue;
        }
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.execute(
            "INSERT INTO schema_version (version) VALUES (?1)",
            [version],
        )?;
        tx.commit()?;
    }
    Ok(())
}
