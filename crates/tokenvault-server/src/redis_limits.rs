//! Cluster-wide request limits in Redis: the same fixed one-minute windows as the per-node
//! limiter, counted with `INCR` on keys every node shares. If Redis does not answer within
//! [`REDIS_TIMEOUT`], the node falls back to its own limiter, says so in its logs and in the
//! `tokenvault_redis_limiter_up` metric, and leaves Redis alone for a backoff (1 s, doubling
//! to 30 s) before one request probes it again: an outage costs requests no latency.

use std::{
    sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering},
    time::{Duration, Instant},
};

use redis::aio::ConnectionManager;

use crate::limits::{LimitClass, RateLimits, Verdict};

/// How long a request waits for Redis before using the node's own limits.
pub const REDIS_TIMEOUT: Duration = Duration::from_millis(100);

/// A limiter shared by every node through one Redis.
pub struct RedisLimiter {
    connection: tokio::sync::OnceCell<ConnectionManager>,
    client: redis::Client,
    limits: RateLimits,
    prefix: String,
    up: AtomicBool,
    last_warning: AtomicI64,
    /// Milliseconds since `started` before which Redis is not tried while it is down.
    retry_at: AtomicU64,
    /// The current backoff, in milliseconds.
    backoff: AtomicU64,
    /// Times Redis was asked (requests and probes), for the metric and the tests.
    attempts: AtomicU64,
    started: Instant,
}

/// First backoff after a failure; it doubles up to [`MAX_BACKOFF_MS`].
const FIRST_BACKOFF_MS: u64 = 1_000;
/// Longest wait between probes of an unreachable Redis.
const MAX_BACKOFF_MS: u64 = 30_000;

impl std::fmt::Debug for RedisLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RedisLimiter(up: {})", self.up.load(Ordering::Relaxed))
    }
}

fn class_name(c: LimitClass) -> &'static str {
    match c {
        LimitClass::Tokenize => "tokenize",
        LimitClass::Detokenize => "detokenize",
        LimitClass::Grant => "grant",
        LimitClass::VaultList => "vault_list",
        LimitClass::Revoke => "revoke",
        LimitClass::Other => "other",
        LimitClass::Pii => "pii",
    }
}

impl RedisLimiter {
    /// A limiter on the Redis at `url` (`redis://host:port`); `prefix` separates clusters
    /// sharing one Redis. The URL is checked here; the connection is made on first use.
    pub fn new(url: &str, prefix: &str, limits: RateLimits) -> Result<Self, redis::RedisError> {
        let client = redis::Client::open(url)?;
        Ok(Self {
            connection: tokio::sync::OnceCell::new(),
            client,
            limits,
            prefix: prefix.to_owned(),
            up: AtomicBool::new(true),
            last_warning: AtomicI64::new(0),
            retry_at: AtomicU64::new(0),
            backoff: AtomicU64::new(FIRST_BACKOFF_MS),
            attempts: AtomicU64::new(0),
            started: Instant::now(),
        })
    }

    /// Whether the last call reached Redis.
    pub fn is_up(&self) -> bool {
        self.up.load(Ordering::Relaxed)
    }

    /// How many times Redis was asked.
    pub fn attempts(&self) -> u64 {
        self.attempts.load(Ordering::Relaxed)
    }

    fn elapsed_ms(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Whether this request may ask Redis: always while it is up; while it is down, one
    /// request once the backoff has passed (it claims the probe for everyone else).
    fn may_try(&self) -> bool {
        if self.up.load(Ordering::Relaxed) {
            return true;
        }
        let now = self.elapsed_ms();
        let at = self.retry_at.load(Ordering::Relaxed);
        now >= at
            && self
                .retry_at
                .compare_exchange(
                    at,
                    now + self.backoff.load(Ordering::Relaxed),
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                )
                .is_ok()
    }

    /// Counts one request in Redis; `None` if Redis did not answer in time.
    pub async fn check(
        &self,
        class: LimitClass,
        tenant: &str,
        user: &str,
        now: i64,
    ) -> Option<Verdict> {
        if !self.may_try() {
            return None;
        }
        self.attempts.fetch_add(1, Ordering::Relaxed);
        let outcome =
            tokio::time::timeout(REDIS_TIMEOUT, self.count(class, tenant, user, now)).await;
        match outcome {
            Ok(Ok(v)) => {
                self.backoff.store(FIRST_BACKOFF_MS, Ordering::Relaxed);
                if !self.up.swap(true, Ordering::Relaxed) {
                    tracing::info!("redis rate limiter reachable again; limits are cluster-wide");
                }
                Some(v)
            }
            Ok(Err(e)) => {
                self.down(now, &e.to_string());
                None
            }
            Err(_) => {
                self.down(now, "timed out");
                None
            }
        }
    }

    fn down(&self, now: i64, why: &str) {
        // Back off before the next probe: 1 s, doubling to 30 s.
        let backoff = if self.up.load(Ordering::Relaxed) {
            FIRST_BACKOFF_MS
        } else {
            (self.backoff.load(Ordering::Relaxed) * 2).min(MAX_BACKOFF_MS)
        };
        self.backoff.store(backoff, Ordering::Relaxed);
        self.retry_at
            .store(self.elapsed_ms() + backoff, Ordering::Relaxed);
        self.up.store(false, Ordering::Relaxed);
        // One warning a minute, not one per request.
        let last = self.last_warning.load(Ordering::Relaxed);
        if now - last >= 60
            && self
                .last_warning
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            tracing::warn!(
                error = why,
                "redis rate limiter unavailable; using this node's own limits"
            );
        }
    }

    async fn count(
        &self,
        class: LimitClass,
        tenant: &str,
        user: &str,
        now: i64,
    ) -> redis::RedisResult<Verdict> {
        let mut conn = self
            .connection
            .get_or_try_init(|| ConnectionManager::new(self.client.clone()))
            .await?
            .clone();
        let limit = match class {
            LimitClass::Tokenize => self.limits.tokenize,
            LimitClass::Detokenize => self.limits.detokenize,
            LimitClass::Grant => self.limits.grant,
            LimitClass::VaultList => self.limits.vault_list,
            LimitClass::Revoke => self.limits.revoke,
            LimitClass::Other => self.limits.other,
            LimitClass::Pii => self.limits.pii,
        };
        let window = now.div_euclid(60);
        let base = format!("{}:rl:{}:{window}", self.prefix, class_name(class));
        let user_key = format!("{base}:u:{tenant}:{user}");
        let tenant_key = format!("{base}:t:{tenant}");
        let (used_user, used_tenant): (u64, u64) = redis::pipe()
            .atomic()
            .incr(&user_key, 1)
            .expire(&user_key, 120)
            .ignore()
            .incr(&tenant_key, 1)
            .expire(&tenant_key, 120)
            .ignore()
            .query_async(&mut conn)
            .await?;
        let exceeded = if used_user > limit.per_user {
            Some(format!(
                "Per-user limit of {}/minute reached",
                limit.per_user
            ))
        } else if used_tenant > limit.per_tenant {
            Some(format!(
                "Per-tenant limit of {}/minute reached",
                limit.per_tenant
            ))
        } else {
            None
        };
        Ok(Verdict {
            allowed: exceeded.is_none(),
            limit: limit.per_user,
            remaining: limit
                .per_user
                .saturating_sub(used_user)
                .min(limit.per_tenant.saturating_sub(used_tenant)),
            reset: (window + 1) * 60,
            exceeded,
        })
    }
}
