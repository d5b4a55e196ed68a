//! Per-user and per-tenant request limits per minute (seed 002, "Rate Limits"), in fixed
//! one-minute windows. This limiter is per node; a cluster shares limits through Redis.

use std::collections::HashMap;

use parking_lot::Mutex;
use serde::Deserialize;

/// Which limit an endpoint counts against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LimitClass {
    /// `POST /tokenize`.
    Tokenize,
    /// `POST /detokenize`.
    Detokenize,
    /// `POST /grant`.
    Grant,
    /// `GET /vault`.
    VaultList,
    /// `DELETE /vault/:id`.
    Revoke,
    /// Everything else that is authenticated.
    Other,
    /// The PII API.
    Pii,
}

/// Limits of one class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct Limit {
    /// Requests per user per minute.
    pub per_user: u64,
    /// Requests per tenant per minute.
    pub per_tenant: u64,
}

/// Limits of every class; the defaults are seed 002's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RateLimits {
    /// Tokenize.
    pub tokenize: Limit,
    /// Detokenize.
    pub detokenize: Limit,
    /// Grant.
    pub grant: Limit,
    /// Vault list.
    pub vault_list: Limit,
    /// Revoke.
    pub revoke: Limit,
    /// Policies, usage, audit.
    pub other: Limit,
    /// The PII API (`/api/client/v1/pii/*`).
    pub pii: Limit,
}

impl Default for RateLimits {
    fn default() -> Self {
        let l = |per_user, per_tenant| Limit {
            per_user,
            per_tenant,
        };
        Self {
            tokenize: l(1_000, 10_000),
            detokenize: l(10, 100),
            grant: l(10, 100),
            vault_list: l(60, 600),
            revoke: l(10, 100),
            other: l(300, 3_000),
            pii: l(6_000, 60_000),
        }
    }
}

impl RateLimits {
    fn of(&self, class: LimitClass) -> Limit {
        match class {
            LimitClass::Tokenize => self.tokenize,
            LimitClass::Detokenize => self.detokenize,
            LimitClass::Grant => self.grant,
            LimitClass::VaultList => self.vault_list,
            LimitClass::Revoke => self.revoke,
            LimitClass::Other => self.other,
            LimitClass::Pii => self.pii,
        }
    }
}

/// The outcome of counting a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// Whether the request may proceed.
    pub allowed: bool,
    /// `X-RateLimit-Limit` (the per-user limit).
    pub limit: u64,
    /// `X-RateLimit-Remaining` (the smaller of the user's and the tenant's).
    pub remaining: u64,
    /// `X-RateLimit-Reset` (Unix time the window ends).
    pub reset: i64,
    /// Which limit was hit, for the error detail.
    pub exceeded: Option<String>,
}

/// A fixed-window counter per (class, user) and (class, tenant).
#[derive(Debug, Default)]
pub struct RateLimiter {
    limits: RateLimits,
    windows: Mutex<HashMap<(LimitClass, String), (i64, u64)>>,
}

impl RateLimiter {
    /// A limiter with these limits.
    pub fn new(limits: RateLimits) -> Self {
        Self {
            limits,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one request of `user` in `tenant` at `now`.
    pub fn check(&self, class: LimitClass, tenant: &str, user: &str, now: i64) -> Verdict {
        let limit = self.limits.of(class);
        let window = now.div_euclid(60);
        let reset = (window + 1) * 60;
        let mut windows = self.windows.lock();
        if windows.len() > 100_000 {
            windows.retain(|_, (w, _)| *w == window);
        }
        let user_key = (class, format!("{tenant}\u{0}{user}"));
        let tenant_key = (class, tenant.to_owned());
        let count = |windows: &HashMap<(LimitClass, String), (i64, u64)>,
                     k: &(LimitClass, String)| {
            windows
                .get(k)
                .filter(|(w, _)| *w == window)
                .map_or(0, |(_, c)| *c)
        };
        let used_user = count(&windows, &user_key);
        let used_tenant = count(&windows, &tenant_key);
        let exceeded = if used_user >= limit.per_user {
            Some(format!(
                "Per-user limit of {}/minute reached",
                limit.per_user
            ))
        } else if used_tenant >= limit.per_tenant {
            Some(format!(
                "Per-tenant limit of {}/minute reached",
                limit.per_tenant
            ))
        } else {
            None
        };
        if exceeded.is_none() {
            windows.insert(user_key, (window, used_user + 1));
            windows.insert(tenant_key, (window, used_tenant + 1));
        }
        let (u, t) = if exceeded.is_none() {
            (used_user + 1, used_tenant + 1)
        } else {
            (used_user, used_tenant)
        };
        Verdict {
            allowed: exceeded.is_none(),
            limit: limit.per_user,
            remaining: limit
                .per_user
                .saturating_sub(u)
                .min(limit.per_tenant.saturating_sub(t)),
            reset,
            exceeded,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_and_tenant_limits_in_fixed_windows() {
        let r = RateLimiter::new(RateLimits {
            grant: Limit {
                per_user: 2,
                per_tenant: 3,
            },
            ..RateLimits::default()
        });
        let now = 1_720_000_020;
        assert!(r.check(LimitClass::Grant, "t", "a", now).allowed);
        let v = r.check(LimitClass::Grant, "t", "a", now);
        assert!(v.allowed && v.remaining == 0 && v.reset == 1_720_000_080);
        let v = r.check(LimitClass::Grant, "t", "a", now);
        assert!(!v.allowed && v.exceeded.unwrap().contains("Per-user limit of 2/minute"));
        assert!(r.check(LimitClass::Grant, "t", "b", now).allowed);
        let v = r.check(LimitClass::Grant, "t", "c", now);
        assert!(!v.allowed && v.exceeded.unwrap().contains("Per-tenant"));
        assert!(
            r.check(LimitClass::Grant, "other", "a", now).allowed,
            "tenants are separate"
        );
        assert!(
            r.check(LimitClass::Tokenize, "t", "a", now).allowed,
            "classes are separate"
        );
        assert!(
            r.check(LimitClass::Grant, "t", "a", now + 60).allowed,
            "next window"
        );
    }
}
