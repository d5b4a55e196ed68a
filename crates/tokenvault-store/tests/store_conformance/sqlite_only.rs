//! SQLite-only cases: the file, the id index, the writer lock, the chain on disk, TLS options.

use super::*;

/// The formula `docs/security.md` gives for the audit chain, computed with `sha2` alone from
/// the stored records, reproduces every stored hash.
#[test]
fn the_documented_audit_hash_reproduces_the_chain() {
    use sha2::{Digest, Sha256};
    use tokenvault_core::store::StoreExport;
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(&dir);
    rt().block_on(async {
        store
            .append_audit(&[event("a"), event("b"), event("c")])
            .await
            .unwrap();
        let records = store.export_audit(0, 100).await.unwrap();
        assert_eq!(records.len(), 3);
        let mut prev = [0u8; 32];
        for (i, r) in records.iter().enumerate() {
            let json = serde_json::to_string(&r.event).unwrap();
            let mut h = Sha256::new();
            for part in [
                &prev[..],
                &(i as u64 + 1).to_be_bytes()[..],
                json.as_bytes(),
            ] {
                h.update((part.len() as u32).to_be_bytes());
                h.update(part);
            }
            let hash: [u8; 32] = h.finalize().into();
            assert_eq!(r.seq, i as u64 + 1);
            assert_eq!(r.prev_hash, prev);
            assert_eq!(r.hash, hash, "record {}", r.seq);
            prev = hash;
        }
    });
}

#[cfg(unix)]
#[test]
fn database_wal_and_shm_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.db");
    let store = SqliteStore::open(&path, true).unwrap();
    rt().block_on(store.ping()).unwrap();
    for suffix in ["", "-wal", "-shm"] {
        let file = format!("{}{suffix}", path.display());
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{file}");
    }
    drop(store);
    // A database left readable by others is narrowed when opened.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let _again = SqliteStore::open(&path, false).unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn missing_database_is_an_error_without_create() {
    let dir = tempfile::tempdir().unwrap();
    let e = SqliteStore::open(&dir.path().join("typo.db"), false).unwrap_err();
    assert!(e.to_string().contains("does not exist"), "{e}");
    assert!(!dir.path().join("typo.db").exists());
}

#[test]
fn merged_and_unmerged_ids_are_found_across_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.db");
    let rt = rt();
    let ids: Vec<String> = (0..250).map(|i| format!("tok_m{i}")).collect();
    {
        // Merge every 100 rows: some commits land in the index, the rest stay in the tail.
        let s = SqliteStore::open_with_merge_every(&path, true, 100).unwrap();
        rt.block_on(async {
            for chunk in ids.chunks(30) {
                let records = chunk.iter().map(|id| record(id, 1)).collect();
                s.commit_tokenize(commit(records, None)).await.unwrap();
            }
            let all: Vec<TokenId> = ids.iter().map(|i| TokenId::parse(i).unwrap()).collect();
            assert_eq!(s.tokens_by_id(&tenant(), &all).await.unwrap().len(), 250);
            // Duplicates are found whether merged or not.
            let again = commit(vec![record("tok_m0", 9), record("tok_m249", 9)], None);
            let got = s.commit_tokenize(again).await.unwrap();
            assert_eq!((got[0].created_at, got[1].created_at), (1, 1));
        });
    }
    let merged: i64 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("SELECT COUNT(*) FROM token_ids", [], |r| r.get(0))
        .unwrap();
    assert!((200..250).contains(&merged), "{merged} merged");
    // Reopened, the tail is rebuilt from the table: every id is still found, none duplicated.
    let s = SqliteStore::open(&path, false).unwrap();
    rt.block_on(async {
        let all: Vec<TokenId> = ids.iter().map(|i| TokenId::parse(i).unwrap()).collect();
        assert_eq!(s.tokens_by_id(&tenant(), &all).await.unwrap().len(), 250);
        let got = s
            .commit_tokenize(commit(vec![record("tok_m249", 9)], None))
            .await
            .unwrap();
        assert_eq!(got[0].created_at, 1);
        assert_eq!(s.usage(&tenant(), 0, 0).await.unwrap().created, 250);
        // The vault listing pages through all of them, newest first.
        let mut seen = 0;
        let mut after = None;
        loop {
            let page = s
                .list_tokens(&tenant(), &VaultFilter::default(), 0, after.clone(), 64)
                .await
                .unwrap();
            if page.is_empty() {
                break;
            }
            seen += page.len();
            let last = page.last().unwrap();
            after = Some((last.created_at, last.token_id.to_string()));
        }
        assert_eq!(seen, 250);
    });
}

#[test]
fn one_token_writer_per_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.db");
    let a = SqliteStore::open(&path, true).unwrap();
    let b = SqliteStore::open(&path, false).unwrap();
    let rt = rt();
    rt.block_on(async {
        a.commit_tokenize(commit(vec![record("tok_w1", 1)], None))
            .await
            .unwrap();
        let e = b
            .commit_tokenize(commit(vec![record("tok_w2", 1)], None))
            .await
            .unwrap_err();
        assert!(e.to_string().contains("is writing to"), "{e}");
        assert!(
            e.to_string()
                .contains(&format!("pid {}", std::process::id())),
            "the holder is named: {e}"
        );
        // Reading and administration still work from the second handle.
        assert_eq!(b.usage(&tenant(), 0, 0).await.unwrap().created, 1);
    });
}

#[test]
fn a_tampered_audit_record_breaks_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    let s = open_store(&dir);
    let rt = rt();
    rt.block_on(async {
        s.append_audit(&[event("a"), event("b")]).await.unwrap();
        assert_eq!(s.verify_audit_chain().await.unwrap(), Ok(2));
    });
    let conn = rusqlite::Connection::open(dir.path().join("v.db")).unwrap();
    conn.execute(
        "UPDATE audit SET event = replace(event, 'allowed', 'denied') WHERE seq = 1",
        [],
    )
    .unwrap();
    drop(conn);
    let s = SqliteStore::open(&dir.path().join("v.db"), false).unwrap();
    assert_eq!(rt.block_on(s.verify_audit_chain()).unwrap(), Err(1));
}

#[test]
fn postgres_tls_follows_sslmode() {
    let url = std::env::var("TOKENVAULT_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let sep = if url.contains('?') { '&' } else { '?' };
    let rt = rt();
    rt.block_on(async {
        // Encrypted (the local server's certificate is self-signed and not checked without a
        // CA file), and in plaintext on request.
        for mode in ["require", "prefer", "disable"] {
            let r =
                PgStore::connect(&format!("{url}{sep}sslmode={mode}"), &PgOptions::default()).await;
            assert!(r.is_ok(), "sslmode={mode}: {:?}", r.err());
        }
        // With a CA file, the certificate must chain to it: the self-signed one does not.
        let dir = tempfile::tempdir().unwrap();
        let ca = dir.path().join("ca.pem");
        std::fs::write(&ca, include_str!("../testdata/unrelated-ca.pem")).unwrap();
        let strict = PgOptions {
            ca_file: Some(ca),
            ..PgOptions::default()
        };
        assert!(
            PgStore::connect(&format!("{url}{sep}sslmode=require"), &strict)
                .await
                .is_err()
        );
        // A CA file that does not exist is a clear error.
        let missing = PgOptions {
            ca_file: Some("/nonexistent/ca.pem".into()),
            ..PgOptions::default()
        };
        let e = PgStore::connect(&url, &missing).await.unwrap_err();
        assert!(e.to_string().contains("database CA file"), "{e}");
        // libpq's verify-ca and verify-full are understood (not "not a PostgreSQL URL"): the
        // local self-signed certificate chains to no root, so both refuse it.
        for mode in ["verify-ca", "verify-full"] {
            let e = PgStore::connect(&format!("{url}{sep}sslmode={mode}"), &PgOptions::default())
                .await
                .unwrap_err()
                .to_string();
            assert!(!e.contains("not a PostgreSQL URL"), "{mode}: {e}");
        }
        // A CA file with TLS turned off is a contradiction, refused rather than ignored.
        let e = PgStore::connect(&format!("{url}{sep}sslmode=disable"), &strict)
            .await
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("sslmode=disable") && e.contains("database_ca_file"),
            "{e}"
        );
        // A database that does not exist is named.
        let (base, _) = url.rsplit_once('/').unwrap();
        let e = PgStore::connect(&format!("{base}/tv_no_such_db"), &PgOptions::default())
            .await
            .unwrap_err()
            .to_string();
        assert!(e.contains("tv_no_such_db"), "{e}");
    });
}

/// Stored values that do not read back as their type are `Corrupt` (a 500 and a log line),
/// never a default: a cut request hash is not all zeros, a negative quota is not "unlimited",
/// a broken chain head does not restart the chain.
#[test]
fn corrupt_rows_are_errors_not_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let s = open_store(&dir);
    let rt = rt();
    rt.block_on(async {
        s.create_tenant(&TenantRecord {
            id: tenant(),
            name: "a".into(),
            created_at: 0,
            kill_switch: false,
            quota: Some(5),
        })
        .await
        .unwrap();
        s.commit_tokenize(commit(vec![record("tok_a", 1)], Some("k1")))
            .await
            .unwrap();
    });
    let conn = rusqlite::Connection::open(dir.path().join("v.db")).unwrap();
    conn.execute_batch(
        "UPDATE idempotency SET request_hash = x'0102';
         UPDATE tenants SET quota = -1;
         UPDATE audit SET hash = x'00' WHERE seq = (SELECT MAX(seq) FROM audit);",
    )
    .unwrap();
    drop(conn);
    let s = SqliteStore::open(&dir.path().join("v.db"), false).unwrap();
    rt.block_on(async {
        let corrupt = |r: Result<(), StoreError>| {
            assert!(matches!(r, Err(StoreError::Corrupt { .. })), "{r:?}");
        };
        corrupt(s.idempotency(&tenant(), "k1").await.map(drop));
        corrupt(s.tenant(&tenant()).await.map(drop));
        corrupt(s.append_audit(&[event("next")]).await);
    });
}

/// An object with 32-byte digests that differ past their first eight bytes (so the digest
/// index's 64-bit keys collide, and only the full digest tells them apart).
fn object_n(n: u32, city: u8) -> tokenvault_core::store::ObjectRecord {
    let mut o = super::admin_cases::object(&format!("obj{n:05}"), 0, city);
    let mut digest = [7u8; 32];
    digest[28..].copy_from_slice(&n.to_be_bytes());
    o.index[0].digest = digest;
    o
}

/// The blind-index entries of objects are found by digest and keep unique values unique,
/// whether merged into the digest map or still in the in-memory tail, across a reopen, and
/// after entries copied from the former `object_index` table by migration 8.
#[test]
fn object_digests_merged_unmerged_reopened_and_migrated() {
    use tokenvault_core::store::{Entity, ObjectStore};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.db");
    let rt = rt();
    let ssn = |n: u32| {
        let mut d = [7u8; 32];
        d[28..].copy_from_slice(&n.to_be_bytes());
        d
    };
    let taken = Err(StoreError::Conflict {
        what: Entity::UniqueValue,
    });
    {
        // Merge every 100 entries (two per object): some land in the map, the rest in the tail.
        let s = SqliteStore::open_with_merge_every(&path, true, 100).unwrap();
        rt.block_on(async {
            for chunk in (0..250u32).collect::<Vec<_>>().chunks(30) {
                let batch: Vec<_> = chunk.iter().map(|n| object_n(*n, 1)).collect();
                s.insert_objects(&tenant(), &batch, &event("object_add"))
                    .await
                    .unwrap();
            }
            for n in [0, 249] {
                let found = s
                    .find_objects(&tenant(), "customers", "ssn", true, &[ssn(n)])
                    .await
                    .unwrap();
                assert_eq!(found, vec![format!("obj{n:05}")]);
                assert_eq!(
                    s.insert_objects(&tenant(), &[object_n(n, 2)], &event("object_add"))
                        .await,
                    taken.clone()
                );
            }
            // A deleted object's unique value is free again, merged or not.
            for n in [1, 248] {
                s.delete_object(
                    &tenant(),
                    "customers",
                    &format!("obj{n:05}"),
                    false,
                    5,
                    &event("object_delete"),
                )
                .await
                .unwrap();
                let mut again = object_n(n, 3);
                again.id = format!("new{n:05}");
                s.insert_objects(&tenant(), &[again], &event("object_add"))
                    .await
                    .unwrap();
            }
            let cities = s
                .find_objects(&tenant(), "customers", "city", false, &[[1; 32]])
                .await
                .unwrap();
            assert_eq!(cities.len(), 248);
        });
    }
    let merged: i64 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("SELECT COUNT(*) FROM object_digest_keys", [], |r| r.get(0))
        .unwrap();
    assert!((300..504).contains(&merged), "{merged} merged");
    // Reopened: the tail is rebuilt from the table.
    let s = SqliteStore::open(&path, false).unwrap();
    rt.block_on(async {
        for n in [0, 100, 249] {
            let found = s
                .find_objects(&tenant(), "customers", "ssn", true, &[ssn(n)])
                .await
                .unwrap();
            assert_eq!(found, vec![format!("obj{n:05}")]);
        }
        let found = s
            .find_objects(&tenant(), "customers", "ssn", true, &[ssn(248)])
            .await
            .unwrap();
        assert_eq!(found, vec!["new00248".to_owned()]);
    });
    drop(s);
    // As a database of schema 7 left it: entries in `object_index`, no digest tables.
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(
            "DROP TABLE object_digests; DROP TABLE object_digest_keys; DROP TABLE object_digest_keys_state;
             DROP INDEX objects_list; DROP TABLE dashboard_users; DROP TABLE dashboard_sessions;
             DELETE FROM schema_version WHERE version >= 8;
             CREATE TABLE object_index (
                 tenant TEXT NOT NULL, collection TEXT NOT NULL, property TEXT NOT NULL,
                 digest BLOB NOT NULL, object_id TEXT NOT NULL, uniq INTEGER NOT NULL);",
        )
        .unwrap();
        c.execute(
            "INSERT INTO object_index VALUES (?1, 'customers', 'ssn', ?2, 'old00001', 1)",
            rusqlite::params![tenant().as_str(), ssn(90_001).as_slice()],
        )
        .unwrap();
    }
    let s = SqliteStore::open(&path, false).unwrap();
    rt.block_on(async {
        let found = s
            .find_objects(&tenant(), "customers", "ssn", true, &[ssn(90_001)])
            .await
            .unwrap();
        assert_eq!(found, vec!["old00001".to_owned()]);
        assert_eq!(
            s.insert_objects(&tenant(), &[object_n(90_001, 2)], &event("object_add"))
                .await,
            taken
        );
    });
}
