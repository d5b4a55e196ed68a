//! The configuration every request reads — API keys, tenants, tenant settings (the IAM
//! configuration among them) and collection definitions — kept in this node's memory, so a
//! request spends its round trips on its own data.
//!
//! An entry is trusted only while this node hears every change: triggers on the four tables
//! `NOTIFY tokenvault_config` with the tenant on commit, from any node or any SQL session, and a
//! dedicated connection of this node `LISTEN`s. Writes made through this node also drop the
//! tenant's entries as soon as they commit, so a node reads its own writes. While the listening
//! connection is down nothing is served from memory or kept (every read goes to the database);
//! when it is back, everything kept before is dropped, since notifications may have been missed.
//!
//! A read that started before a change must not put the old value back after the change dropped
//! it: each read takes the cache's generation first, and its result is kept only if no change
//! arrived meanwhile.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicI32, AtomicU64, Ordering},
        Arc,
    },
    time::Duration,
};

use futures_util::StreamExt;
use parking_lot::Mutex;
use tokenvault_core::{
    objects::Collection,
    store::{ApiKeyRecord, TenantRecord},
};
use tokio::sync::{mpsc, oneshot};
use tokio_postgres::AsyncMessage;

/// The channel the triggers of schema migration 9 notify.
pub(crate) const CHANNEL: &str = "tokenvault_config";

/// The payload of a change to every tenant (a table truncated).
const EVERY_TENANT: &str = "*";

/// Entries kept at most; past this, everything is dropped and the cache fills again.
const MAX_ENTRIES: usize = 50_000;

/// How long to wait before connecting again after the listening connection failed.
const RECONNECT_AFTER: Duration = Duration::from_secs(1);

#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) enum ConfigKey {
    ApiKey([u8; 32]),
    Tenant(String),
    Setting(String, String),
    Collection(String, String),
}

#[derive(Clone)]
pub(crate) enum ConfigValue {
    ApiKey(ApiKeyRecord),
    Tenant(TenantRecord),
    Setting(Option<String>),
    Collection(Collection),
}

/// A read's claim to keep what it read: the generation it started in.
#[derive(Clone, Copy)]
pub(crate) struct Ticket(u64);

#[derive(Default)]
struct State {
    generation: u64,
    listening: bool,
    /// Each entry with the tenant it belongs to.
    entries: HashMap<ConfigKey, (String, ConfigValue)>,
}

/// The node's copy of the configuration (see the module's documentation).
#[derive(Default)]
pub(crate) struct ConfigCache {
    state: Mutex<State>,
    hits: AtomicU64,
    /// The server process of the listening connection (0 while none), for diagnostics.
    listener_pid: AtomicI32,
}

impl ConfigCache {
    /// A kept value of `key`, or a ticket to keep what the database says.
    pub(crate) fn lookup(&self, key: &ConfigKey) -> Result<ConfigValue, Option<Ticket>> {
        let state = self.state.lock();
        if !state.listening {
            return Err(None);
        }
        match state.entries.get(key) {
            Some((_, v)) => {
                self.hits.fetch_add(1, Ordering::Relaxed);
                Ok(v.clone())
            }
            None => Err(Some(Ticket(state.generation))),
        }
    }

    /// Keeps `value` of `tenant` read under `ticket`, unless a change arrived since.
    pub(crate) fn keep(
        &self,
        ticket: Option<Ticket>,
        tenant: &str,
        key: ConfigKey,
        value: ConfigValue,
    ) {
        let Some(Ticket(generation)) = ticket else {
            return;
        };
        let mut state = self.state.lock();
        if !state.listening || state.generation != generation {
            return;
        }
        if state.entries.len() >= MAX_ENTRIES {
            state.entries.clear();
        }
        state.entries.insert(key, (tenant.to_owned(), value));
    }

    /// Drops what is kept of `tenant` (a change committed); `*` drops everything.
    pub(crate) fn changed(&self, tenant: &str) {
        let mut state = self.state.lock();
        state.generation += 1;
        if tenant == EVERY_TENANT {
            state.entries.clear();
        } else {
            state.entries.retain(|_, (t, _)| t != tenant);
        }
    }

    fn set_listening(&self, listening: bool) {
        let mut state = self.state.lock();
        state.generation += 1;
        state.listening = listening;
        state.entries.clear();
    }

    /// Whether entries are being kept (the listening connection is up).
    pub(crate) fn listening(&self) -> bool {
        self.state.lock().listening
    }

    /// The database server's process id of the listening connection, if one is up.
    pub(crate) fn listener_pid(&self) -> Option<i32> {
        Some(self.listener_pid.load(Ordering::Relaxed)).filter(|&p| p != 0)
    }

    /// Reads answered from memory so far.
    pub(crate) fn hits(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }
}

/// Stops the listening task when the last handle of the store is dropped.
pub(crate) struct ListenerGuard {
    _stop: oneshot::Sender<()>,
}

/// Starts the task that listens for changes on a connection of its own, reconnecting after
/// failures, for as long as the returned guard lives.
pub(crate) fn start_listener<T>(
    config: tokio_postgres::Config,
    tls: T,
    cache: Arc<ConfigCache>,
) -> ListenerGuard
where
    T: tokio_postgres::tls::MakeTlsConnect<tokio_postgres::Socket> + Clone + Send + 'static,
    T::Stream: Send + 'static,
    T::TlsConnect: Send,
    <T::TlsConnect as tokio_postgres::tls::TlsConnect<tokio_postgres::Socket>>::Future: Send,
{
    let (stop_tx, mut stop) = oneshot::channel::<()>();
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = &mut stop => return,
                () = listen_once(&config, tls.clone(), &cache) => {}
            }
            cache.listener_pid.store(0, Ordering::Relaxed);
            cache.set_listening(false);
            tokio::select! {
                _ = &mut stop => return,
                () = tokio::time::sleep(RECONNECT_AFTER) => {}
            }
        }
    });
    ListenerGuard { _stop: stop_tx }
}

/// One listening connection, until it fails.
async fn listen_once<T>(config: &tokio_postgres::Config, tls: T, cache: &ConfigCache)
where
    T: tokio_postgres::tls::MakeTlsConnect<tokio_postgres::Socket> + Send + 'static,
    T::Stream: Send + 'static,
    T::TlsConnect: Send,
    <T::TlsConnect as tokio_postgres::tls::TlsConnect<tokio_postgres::Socket>>::Future: Send,
{
    let (client, mut connection) = match config.connect(tls).await {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = %e, "configuration cache: cannot connect to listen for changes; reading the database on every request");
            return;
        }
    };
    let (tx, mut changes) = mpsc::unbounded_channel::<String>();
    let driver = tokio::spawn(async move {
        let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
        while let Some(message) = messages.next().await {
            match message {
                Ok(AsyncMessage::Notification(n)) => {
                    if tx.send(n.payload().to_owned()).is_err() {
                        return;
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "configuration cache: the listening connection failed");
                    return;
                }
            }
        }
    });
    if let Err(e) = client.batch_execute(&format!("LISTEN {CHANNEL}")).await {
        tracing::warn!(error = %e, "configuration cache: LISTEN failed");
        driver.abort();
        return;
    }
    if let Ok(row) = client.query_one("SELECT pg_backend_pid()", &[]).await {
        cache.listener_pid.store(row.get(0), Ordering::Relaxed);
    }
    cache.set_listening(true);
    while let Some(tenant) = changes.recv().await {
        cache.changed(&tenant);
    }
    driver.abort();
}
