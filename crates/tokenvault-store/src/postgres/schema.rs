//! PostgreSQL schema migrations. Several nodes may start at once: each migration runs under a
//! transaction-scoped advisory lock, so exactly one applies it.

use tokio_postgres::Client;

/// Migrations by version. Never edit one that has shipped; add the next.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE meta (key TEXT PRIMARY KEY, value BYTEA NOT NULL);
CREATE TABLE tenants (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at BIGINT NOT NULL,
    kill_switch BOOLEAN NOT NULL DEFAULT FALSE, quota BIGINT
);
CREATE TABLE tenant_keys (
    tenant TEXT NOT NULL, version BIGINT NOT NULL, wrapped BYTEA NOT NULL, created_at BIGINT NOT NULL,
    PRIMARY KEY (tenant, version)
);
CREATE TABLE shredded_tenants (tenant TEXT PRIMARY KEY);
CREATE TABLE api_keys (
    id TEXT PRIMARY KEY, tenant TEXT NOT NULL, hash BYTEA NOT NULL UNIQUE, name TEXT NOT NULL,
    created_at BIGINT NOT NULL, revoked_at BIGINT
);
CREATE INDEX api_keys_tenant ON api_keys (tenant);
CREATE TABLE policies (
    tenant TEXT NOT NULL, id TEXT NOT NULL, version BIGINT NOT NULL, key TEXT,
    created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,
    PRIMARY KEY (tenant, id)
);
CREATE UNIQUE INDEX policies_key ON policies (tenant, key) WHERE key IS NOT NULL;
CREATE TABLE policy_versions (
    tenant TEXT NOT NULL, id TEXT NOT NULL, version BIGINT NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (tenant, id, version)
);
CREATE TABLE tokens (
    seq BIGSERIAL NOT NULL,
    tenant TEXT NOT NULL, token_id TEXT NOT NULL, pii_type TEXT NOT NULL, mode TEXT NOT NULL,
    scope TEXT NOT NULL, key_version BIGINT NOT NULL, policy_id TEXT NOT NULL,
    policy_version BIGINT NOT NULL, stored_token TEXT NOT NULL, token TEXT,
    wrapped_dek BYTEA, created_at BIGINT NOT NULL, expires_at BIGINT,
    revoked_at BIGINT, revoke_reason TEXT,
    PRIMARY KEY (tenant, token_id)
);
CREATE INDEX tokens_list ON tokens (tenant, seq);
CREATE TABLE idempotency (
    tenant TEXT NOT NULL, key TEXT NOT NULL, request_hash BYTEA NOT NULL, response TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (tenant, key)
);
CREATE TABLE used_grants (jti TEXT PRIMARY KEY, tenant TEXT NOT NULL, expires_at BIGINT NOT NULL);
CREATE TABLE usage (
    tenant TEXT NOT NULL, period BIGINT NOT NULL, operations BIGINT NOT NULL,
    PRIMARY KEY (tenant, period)
);
CREATE TABLE audit (
    seq BIGINT PRIMARY KEY, tenant TEXT NOT NULL, action TEXT NOT NULL, actor TEXT NOT NULL,
    result TEXT NOT NULL, trace_id TEXT NOT NULL, event TEXT NOT NULL,
    prev_hash BYTEA NOT NULL, hash BYTEA NOT NULL
);
CREATE INDEX audit_tenant ON audit (tenant, seq DESC);
"#,
    // 2: deleted policies (soft delete: history kept, key freed).
    "ALTER TABLE policies ADD COLUMN deleted_at BIGINT;",
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
    payload TEXT NOT NULL, proposed_by TEXT NOT NULL, created_at BIGINT NOT NULL,
    status TEXT NOT NULL, decided_by TEXT, decided_at BIGINT,
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
    seq BIGSERIAL PRIMARY KEY,
    tenant TEXT NOT NULL, collection TEXT NOT NULL, id TEXT NOT NULL,
    created_at BIGINT NOT NULL, modified_at BIGINT NOT NULL, expires_at BIGINT, deleted_at BIGINT,
    key_version BIGINT NOT NULL, wrapped_dek BYTEA NOT NULL, sealed BYTEA NOT NULL,
    UNIQUE (tenant, collection, id)
);
CREATE TABLE object_index (
    tenant TEXT NOT NULL, collection TEXT NOT NULL, property TEXT NOT NULL,
    digest BYTEA NOT NULL, object_id TEXT NOT NULL, uniq BIGINT NOT NULL
);
CREATE UNIQUE INDEX object_index_unique ON object_index (tenant, collection, property, digest) WHERE uniq = 1;
CREATE INDEX object_index_lookup ON object_index (tenant, collection, property, digest) WHERE uniq = 0;
CREATE INDEX object_index_object ON object_index (tenant, collection, object_id);
"#,
    // 6: the object vault's tokens; a partial unique index keeps one live token per reuse
    // digest across nodes, tags have their own table for lookups.
    r#"
CREATE TABLE object_tokens (
    tenant TEXT NOT NULL, id TEXT NOT NULL, collection TEXT NOT NULL, token_type TEXT NOT NULL,
    object_id TEXT, props TEXT NOT NULL, scope TEXT NOT NULL, reversible BOOLEAN NOT NULL,
    reuse BYTEA, tags TEXT NOT NULL, template TEXT,
    key_version BIGINT, wrapped_dek BYTEA, sealed BYTEA,
    created_at BIGINT NOT NULL, modified_at BIGINT NOT NULL, expires_at BIGINT, deleted_at BIGINT,
    version BIGINT NOT NULL,
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
    // 8: a collection's objects are listed in `seq` order from a cursor: an index seek, not a
    // sort of the whole collection. Indexes keyed by a random digest or id lead with it, so a
    // comparison is settled by its first column (a bulk add spent most of its time comparing
    // the tenant and collection texts every entry shares), and the blind-index entries' scope
    // (tenant, collection, property) is indexed as a 64-bit hash beside the digest: entries
    // of 40 bytes instead of about 90, so the indexes of a million objects stay in memory.
    // Lookups still compare the scope's columns themselves.
    r#"
CREATE INDEX objects_list ON objects (tenant, collection, seq);
ALTER TABLE objects DROP CONSTRAINT objects_tenant_collection_id_key;
CREATE UNIQUE INDEX objects_id ON objects (id, tenant, collection);
DROP INDEX object_index_unique;
CREATE UNIQUE INDEX object_index_unique
    ON object_index (digest, hashtextextended(tenant || '/' || collection || '/' || property, 0))
    WHERE uniq = 1;
DROP INDEX object_index_lookup;
CREATE INDEX object_index_lookup
    ON object_index (digest, hashtextextended(tenant || '/' || collection || '/' || property, 0))
    WHERE uniq = 0;
DROP INDEX object_index_object;
CREATE INDEX object_index_object ON object_index (object_id, tenant, collection);
"#,
    // 9: every node keeps API keys, tenants, tenant settings and collection definitions in
    // memory and drops a tenant's when told it changed: any change to those tables, by any
    // node or any SQL session, notifies `tokenvault_config` with the tenant on commit.
    r#"
CREATE FUNCTION tokenvault_config_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed jsonb;
BEGIN
    IF TG_OP = 'DELETE' THEN changed := to_jsonb(OLD); ELSE changed := to_jsonb(NEW); END IF;
    PERFORM pg_notify('tokenvault_config', changed ->> TG_ARGV[0]);
    IF TG_OP = 'UPDATE' THEN
        PERFORM pg_notify('tokenvault_config', to_jsonb(OLD) ->> TG_ARGV[0]);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER api_keys_changed AFTER INSERT OR UPDATE OR DELETE ON api_keys
    FOR EACH ROW EXECUTE FUNCTION tokenvault_config_changed('tenant');
CREATE TRIGGER tenants_changed AFTER INSERT OR UPDATE OR DELETE ON tenants
    FOR EACH ROW EXECUTE FUNCTION tokenvault_config_changed('id');
CREATE TRIGGER tenant_settings_changed AFTER INSERT OR UPDATE OR DELETE ON tenant_settings
    FOR EACH ROW EXECUTE FUNCTION tokenvault_config_changed('tenant');
CREATE TRIGGER collections_changed AFTER INSERT OR UPDATE OR DELETE ON collections
    FOR EACH ROW EXECUTE FUNCTION tokenvault_config_changed('tenant');
CREATE FUNCTION tokenvault_config_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('tokenvault_config', '*');
    RETURN NULL;
END
$$;
CREATE TRIGGER api_keys_truncated AFTER TRUNCATE ON api_keys
    FOR EACH STATEMENT EXECUTE FUNCTION tokenvault_config_truncated();
CREATE TRIGGER tenants_truncated AFTER TRUNCATE ON tenants
    FOR EACH STATEMENT EXECUTE FUNCTION tokenvault_config_truncated();
CREATE TRIGGER tenant_settings_truncated AFTER TRUNCATE ON tenant_settings
    FOR EACH STATEMENT EXECUTE FUNCTION tokenvault_config_truncated();
CREATE TRIGGER collections_truncated AFTER TRUNCATE ON collections
    FOR EACH STATEMENT EXECUTE FUNCTION tokenvault_config_truncated();
"#,
    // 10: dashboard users (Argon2id password hashes) and their sessions (hashes of the cookie
    // and of the CSRF token).
    r#"
CREATE TABLE dashboard_users (
    login TEXT PRIMARY KEY, tenant TEXT NOT NULL, password_hash TEXT NOT NULL,
    roles TEXT NOT NULL, created_at BIGINT NOT NULL, failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until BIGINT, disabled BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX dashboard_users_tenant ON dashboard_users (tenant, login);
CREATE TABLE dashboard_sessions (
    id_hash BYTEA PRIMARY KEY, tenant TEXT NOT NULL, login TEXT NOT NULL, csrf_hash BYTEA NOT NULL,
    created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, ended_at BIGINT
);
CREATE INDEX dashboard_sessions_login ON dashboard_sessions (login);
"#,
];

/// Advisory lock key for migrations ("tvmigr").
const MIGRATION_LOCK: i64 = 0x7476_6d69_6772;

/// Applies the migrations this database has not seen.
pub(crate) async fn migrate(client: &mut Client) -> Result<(), tokio_postgres::Error> {
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)")
        .await?;
    let current: i64 = tx
        .query_one("SELECT COALESCE(MAX(version), 0) FROM schema_version", &[])
        .await?
        .get(0);
    for (i, sql) in MIGRATIONS.iter().enumerate() {
        let version = i64::try_from(i + 1).unwrap_or(i64::MAX);
        if version <= current {
            continue;
        }
        tx.batch_execute(sql).await?;
        tx.execute(
            "INSERT INTO schema_version (version) VALUES ($1)",
            &[&version],
        )
        .await?;
    }
    tx.commit().await
}
