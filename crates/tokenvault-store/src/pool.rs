//! Connections: one writer (SQLite has one writer at a time anyway) and a small pool of
//! readers, which WAL mode lets run beside it. Every call runs on tokio's blocking pool.

use std::{path::Path, sync::Arc};

use parking_lot::Mutex;
use rusqlite::{Connection, OpenFlags};
use tokenvault_core::store::{Entity, StoreError};

use crate::{
    append_index::{AppendIndex, Pending, OBJECT_DIGESTS, TOKENS},
    schema,
};

/// Readers kept open.
const READERS: usize = 4;

/// WAL size (bytes) past which the background thread checkpoints.
const WAL_CHECKPOINT_BYTES: u64 = 64 << 20;
/// WAL pages past which the writer checkpoints itself (the background thread fell behind).
const WAL_BACKSTOP_PAGES: u64 = 262_144;

/// Copies the WAL into the database in the background, off the writer's commit path: a
/// commit then costs its WAL append and fsync only, and pages written by several commits
/// between checkpoints are copied once. PASSIVE never blocks the writer or readers; the
/// thread ends when the pool is dropped.
fn spawn_checkpointer(pool: std::sync::Weak<Pool>, conn: Connection, path: &Path) {
    let wal = std::path::PathBuf::from(format!("{}-wal", path.display()));
    let spawned = std::thread::Builder::new()
        .name("sqlite-checkpoint".into())
        .spawn(move || loop {
            std::thread::sleep(std::time::Duration::from_millis(100));
            if pool.upgrade().is_none() {
                return;
            }
            let size = std::fs::metadata(&wal).map_or(0, |m| m.len());
            if size > WAL_CHECKPOINT_BYTES {
                if let Err(e) = conn.execute_batch("PRAGMA wal_checkpoint(PASSIVE);") {
                    tracing::warn!(error = %e, "background checkpoint failed; the writer's own will run");
                }
            }
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "no background checkpoint thread; the writer checkpoints");
    }
}

/// Completes a grouped job once its group's commit is known: `None` if it committed.
pub(crate) type Finish = Box<dyn FnOnce(Option<StoreError>) + Send>;
/// A unit of work run inside a group transaction: whether it succeeded (else its savepoint is
/// rolled back), and how to report the outcome after the commit.
type GroupJob = Box<dyn FnOnce(&Connection) -> (bool, Finish) + Send>;

pub(crate) struct Pool {
    writer: Mutex<Connection>,
    pending: Mutex<Vec<GroupJob>>,
    /// Finds token records by id (see append_index.rs).
    pub(crate) index: AppendIndex,
    /// Finds the object vault's blind-index entries by digest (see append_index.rs).
    pub(crate) digests: AppendIndex,
    /// Ids appended by the jobs of the group transaction in progress.
    pub(crate) group_added: Mutex<Pending>,
    /// Held while this process appends tokens, so no other process can.
    append_lock: Mutex<Option<std::fs::File>>,
    readers: Mutex<Vec<Connection>>,
    path: std::path::PathBuf,
}

/// The database, its WAL and its shared-memory file readable by the owner only (0600).
/// SQLite gives the WAL and SHM files the database file's mode, so the database is created
/// 0600 before SQLite opens it, and files left wider by older versions are narrowed.
#[cfg(unix)]
fn owner_only(path: &Path, create: bool) -> Result<(), StoreError> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let fail = |e: std::io::Error| StoreError::Unavailable {
        detail: format!("{}: {e}", path.display()),
    };
    if create && !path.exists() {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
            .map_err(fail)?;
    }
    for suffix in ["", "-wal", "-shm"] {
        let file = std::path::PathBuf::from(format!("{}{suffix}", path.display()));
        if let Ok(meta) = std::fs::metadata(&file) {
            if meta.permissions().mode() & 0o077 != 0 {
                std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))
                    .map_err(fail)?;
            }
        }
    }
    Ok(())
}

#[cfg(not(unix))]
fn owner_only(_path: &Path, _create: bool) -> Result<(), StoreError> {
    Ok(())
}

pub(crate) fn unavailable(e: rusqlite::Error) -> StoreError {
    if let rusqlite::Error::SqliteFailure(f, _) = &e {
        if f.code == rusqlite::ErrorCode::ConstraintViolation {
            return StoreError::Conflict {
                what: Entity::Record,
            };
        }
    }
    // A stored value that does not read back as its type is corrupt data, not an outage.
    if matches!(
        e,
        rusqlite::Error::InvalidColumnType(..)
            | rusqlite::Error::FromSqlConversionFailure(..)
            | rusqlite::Error::IntegralValueOutOfRange(..)
    ) {
        tracing::error!(error = %e, "stored data does not read back as written");
        return StoreError::Corrupt { what: "stored row" };
    }
    // rusqlite errors name statements and codes, never bound parameter values.
    StoreError::Unavailable {
        detail: e.to_string(),
    }
}

fn connect(path: &Path, flags: OpenFlags) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(path, flags)?;
    // WAL with synchronous=FULL: a commit is on disk before it returns, so a client told
    // that a token exists never loses it to a crash or power cut. No memory map: a reader
    // whose snapshot changed (after any write, and every audited read writes) unmaps the whole
    // map at its next transaction, and each unmap interrupts every core to flush its TLB.
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA busy_timeout = 10000;
         PRAGMA cache_size = -65536;
         PRAGMA mmap_size = 0;
         PRAGMA temp_store = MEMORY;",
    )?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

impl Pool {
    pub(crate) fn open(
        path: &Path,
        create: bool,
        merge_every: usize,
    ) -> Result<Arc<Self>, StoreError> {
        let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        if create {
            flags |= OpenFlags::SQLITE_OPEN_CREATE;
        } else if !path.exists() {
            return Err(StoreError::Unavailable {
                detail: format!(
                    "database {} does not exist (run `tokenvault init` first, or check the path)",
                    path.display()
                ),
            });
        }
        owner_only(path, create)?;
        let mut writer = connect(path, flags).map_err(unavailable)?;
        // The writer keeps more pages (the blind indexes of a large object vault are written
        // at random) and leaves checkpoints to a background thread; its own automatic
        // checkpoint is only a backstop should that thread fall far behind.
        writer
            .execute_batch(&format!(
                "PRAGMA cache_size = -262144; PRAGMA journal_size_limit = 67108864; PRAGMA wal_autocheckpoint = {WAL_BACKSTOP_PAGES};"
            ))
            .map_err(unavailable)?;
        schema::migrate(&mut writer).map_err(unavailable)?;
        let index = AppendIndex::load(&writer, &TOKENS, merge_every).map_err(unavailable)?;
        crate::sqlite::objects::key_copied_digests(&writer)?;
        let digests =
            AppendIndex::load(&writer, &OBJECT_DIGESTS, merge_every).map_err(unavailable)?;
        let checkpointer = connect(path, flags).map_err(unavailable)?;
        let pool = Arc::new(Self {
            writer: Mutex::new(writer),
            pending: Mutex::new(Vec::new()),
            index,
            digests,
            group_added: Mutex::new(Pending::default()),
            append_lock: Mutex::new(None),
            readers: Mutex::new(Vec::new()),
            path: path.to_owned(),
        });
        spawn_checkpointer(Arc::downgrade(&pool), checkpointer, path);
        Ok(pool)
    }

    pub(crate) async fn write<R, F>(self: &Arc<Self>, f: F) -> Result<R, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<R, StoreError> + Send + 'static,
    {
        let pool = Arc::clone(self);
        tokio::task::spawn_blocking(move || f(&mut pool.writer.lock()))
            .await
            .map_err(|_| StoreError::Unavailable {
                detail: "store task failed".into(),
            })?
    }

    /// Group commit: runs `f` in a transaction shared with the other writes queued meanwhile,
    /// each in its own savepoint, so one failing job rolls back alone while one fsync and one
    /// pass over the indexes' pages serve them all. Returns once the shared commit is durable.
    pub(crate) async fn write_grouped<R, F>(self: &Arc<Self>, f: F) -> Result<R, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> Result<R, StoreError> + Send + 'static,
    {
        self.hold_append_lock()?;
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: GroupJob = Box::new(move |conn| {
            let result = f(conn);
            let ok = result.is_ok();
            let finish: Finish = Box::new(move |commit_error| {
                let _ = tx.send(match commit_error {
                    None => result,
                    Some(e) => Err(e),
                });
            });
            (ok, finish)
        });
        self.pending.lock().push(job);
        let pool = Arc::clone(self);
        tokio::task::spawn_blocking(move || pool.run_pending())
            .await
            .map_err(|_| StoreError::Unavailable {
                detail: "store task failed".into(),
            })?;
        rx.await.map_err(|_| StoreError::Unavailable {
            detail: "group commit failed before the transaction began".into(),
        })?
    }

    /// Runs every queued job in one transaction. Whoever holds the writer runs what has
    /// queued up; a caller whose job was taken by an earlier leader finds the queue empty.
    fn run_pending(&self) {
        let conn = self.writer.lock();
        let jobs = std::mem::take(&mut *self.pending.lock());
        if jobs.is_empty() {
            return;
        }
        self.group_added.lock().clear();
        if conn.execute_batch("BEGIN IMMEDIATE").is_err() {
            return; // dropping the jobs reports the failure to their callers
        }
        let mut finishers = Vec::with_capacity(jobs.len());
        for job in jobs {
            if conn.execute_batch("SAVEPOINT job").is_err() {
                break;
            }
            let (ok, finish) = job(&conn);
            let end = if ok {
                "RELEASE job"
            } else {
                "ROLLBACK TO job; RELEASE job"
            };
            if conn.execute_batch(end).is_err() {
                finish(Some(StoreError::Unavailable {
                    detail: "savepoint failed".into(),
                }));
                continue;
            }
            finishers.push(finish);
        }
        match conn.execute_batch("COMMIT") {
            Ok(()) => {
                self.index
                    .publish(std::mem::take(&mut *self.group_added.lock()));
                finishers.into_iter().for_each(|f| f(None));
                if self.index.should_merge() {
                    // A failed merge leaves the tail in memory and is retried next time.
                    let _ = self.index.merge(&conn);
                }
            }
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK");
                self.group_added.lock().clear();
                let detail = e.to_string();
                for f in finishers {
                    f(Some(StoreError::Unavailable {
                        detail: detail.clone(),
                    }));
                }
            }
        }
    }

    /// Takes the lock file that makes this process the only one appending tokens and blind-index
    /// entries (the append indexes keep their tails in this process's memory).
    fn hold_append_lock(&self) -> Result<(), StoreError> {
        let mut held = self.append_lock.lock();
        if held.is_some() {
            return Ok(());
        }
        let path = self.path.with_extension("tokens.lock");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| StoreError::Unavailable {
                detail: format!("lock file {}: {e}", path.display()),
            })?;
        if file.try_lock().is_err() {
            let holder = std::fs::read_to_string(&path).unwrap_or_default();
            let holder = holder.trim();
            let who = if holder.is_empty() {
                "another process".to_owned()
            } else {
                format!("another process (pid {holder})")
            };
            return Err(StoreError::Unavailable {
                detail: format!(
                    "{who} is writing to {}; run one server per SQLite database",
                    self.path.display()
                ),
            });
        }
        // Name the holder for whoever finds the lock taken.
        let _ = file.set_len(0);
        let _ = std::io::Write::write_all(&mut &file, std::process::id().to_string().as_bytes());
        *held = Some(file);
        Ok(())
    }

    /// Takes the token-writer lock now (a server at start), instead of at the first write.
    pub(crate) fn claim_writer(&self) -> Result<(), StoreError> {
        self.hold_append_lock()
    }

    pub(crate) async fn read<R, F>(self: &Arc<Self>, f: F) -> Result<R, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> Result<R, StoreError> + Send + 'static,
    {
        let pool = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let taken = pool.readers.lock().pop();
            let conn = match taken {
                Some(c) => c,
                None => connect(
                    &pool.path,
                    OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )
                .map_err(unavailable)?,
            };
            let out = f(&conn);
            let mut readers = pool.readers.lock();
            if readers.len() < READERS {
                readers.push(conn);
            }
            out
        })
        .await
        .map_err(|_| StoreError::Unavailable {
            detail: "store task failed".into(),
        })?
    }
}
