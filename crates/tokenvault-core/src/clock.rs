//! Time, injectable so that expiry can be tested without waiting.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch, UTC.
pub type UnixSeconds = i64;

/// A source of the current time.
pub trait Clock: Send + Sync {
    /// Now, in seconds since the Unix epoch.
    fn now(&self) -> UnixSeconds;
}

/// The system clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> UnixSeconds {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or(0)
    }
}

/// A clock that stands still until moved; for tests and simulations.
#[derive(Debug, Default)]
pub struct ManualClock(std::sync::atomic::AtomicI64);

impl ManualClock {
    /// A clock reading `now`.
    pub fn new(now: UnixSeconds) -> Self {
        Self(std::sync::atomic::AtomicI64::new(now))
    }

    /// Moves the clock forward by `seconds`.
    pub fn advance(&self, seconds: i64) {
        self.0
            .fetch_add(seconds, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> UnixSeconds {
        self.0.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// The civil date (year, month, day) in UTC of a Unix time (Howard Hinnant's algorithm).
pub fn civil_from_unix(seconds: UnixSeconds) -> (i32, u32, u32) {
    let z = seconds.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (
        i32::try_from(y).unwrap_or(i32::MAX),
        u32::try_from(m).unwrap_or(1),
        u32::try_from(d).unwrap_or(1),
    )
}

/// The Unix time of midnight UTC on a civil date (Howard Hinnant's algorithm).
pub fn unix_from_civil(year: i32, month: u32, day: u32) -> UnixSeconds {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe - 719_468) * 86_400
}

/// The billing period containing `now`: the calendar month in UTC, as `[start, end)`.
pub fn month_bounds(now: UnixSeconds) -> (UnixSeconds, UnixSeconds) {
    let (y, m, _) = civil_from_unix(now);
    let start = unix_from_civil(y, m, 1);
    let end = if m == 12 {
        unix_from_civil(y + 1, 1, 1)
    } else {
        unix_from_civil(y, m + 1, 1)
    };
    (start, end)
}

/// RFC 3339 in UTC with a `Z`, e.g. `2026-07-10T12:00:00Z`.
pub fn rfc3339(t: UnixSeconds) -> String {
    let (y, m, d) = civil_from_unix(t);
    let s = t.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        s / 3600,
        (s / 60) % 60,
        s % 60
    )
}

/// Today's civil date in UTC.
pub fn civil_today() -> (i32, u32, u32) {
    civil_from_unix(SystemClock.now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_unix(0), (1970, 1, 1));
        assert_eq!(civil_from_unix(951_782_400), (2000, 2, 29));
        assert_eq!(civil_from_unix(1_720_000_000), (2024, 7, 3));
        assert_eq!(civil_from_unix(-86_400), (1969, 12, 31));
    }

    #[test]
    fn civil_round_trip_months_and_rfc3339() {
        for t in [0, 951_782_400, 1_720_000_000, -86_400, 4_102_444_800] {
            let (y, m, d) = civil_from_unix(t);
            assert_eq!(unix_from_civil(y, m, d), t - t.rem_euclid(86_400));
        }
        assert_eq!(rfc3339(1_720_000_000), "2024-07-03T09:46:40Z");
        let (start, end) = month_bounds(1_720_000_000);
        assert_eq!(rfc3339(start), "2024-07-01T00:00:00Z");
        assert_eq!(rfc3339(end), "2024-08-01T00:00:00Z");
        let (_, end) = month_bounds(unix_from_civil(2026, 12, 31));
        assert_eq!(rfc3339(end), "2027-01-01T00:00:00Z");
    }

    #[test]
    fn manual_clock_moves() {
        let c = ManualClock::new(100);
        c.advance(301);
        assert_eq!(c.now(), 401);
    }
}
