//! Prometheus metrics in the text exposition format: requests, latencies, tokens by mode,
//! denials. Labels are route templates and codes, never values.

use std::{collections::BTreeMap, fmt::Write};

use parking_lot::Mutex;

const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

#[derive(Debug, Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    sum: f64,
    total: u64,
}

/// The process's metrics.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<String, Histogram>>,
    tokens: Mutex<BTreeMap<String, u64>>,
    denials: Mutex<BTreeMap<String, u64>>,
    pii: Mutex<BTreeMap<String, (u64, u64)>>,
}

impl Metrics {
    /// Records a finished request.
    pub fn request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        *self
            .requests
            .lock()
            .entry((method.to_owned(), route.to_owned(), status))
            .or_default() += 1;
        let mut lat = self.latency.lock();
        let h = lat.entry(route.to_owned()).or_default();
        for (i, b) in BUCKETS.iter().enumerate() {
            if seconds <= *b {
                h.counts[i] += 1;
            }
        }
        h.sum += seconds;
        h.total += 1;
    }

    /// Counts tokens created by mode.
    pub fn tokens(&self, mode: &str, n: u64) {
        *self.tokens.lock().entry(mode.to_owned()).or_default() += n;
    }

    /// Counts a PII API call and its findings by action.
    pub fn pii(&self, action: &str, findings: u64) {
        let mut m = self.pii.lock();
        let e = m.entry(action.to_owned()).or_default();
        e.0 += 1;
        e.1 += findings;
    }

    /// Counts a denial by code.
    pub fn denial(&self, code: &str) {
        *self.denials.lock().entry(code.to_owned()).or_default() += 1;
    }

    /// The exposition text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP tokenvault_http_requests_total HTTP requests by method, route and status.\n# TYPE tokenvault_http_requests_total counter\n");
        for ((m, r, s), n) in self.requests.lock().iter() {
            let _ = writeln!(
                out,
                "tokenvault_http_requests_total{{method=\"{m}\",route=\"{r}\",status=\"{s}\"}} {n}"
            );
        }
        out.push_str("# HELP tokenvault_http_request_duration_seconds Request latency by route.\n# TYPE tokenvault_http_request_duration_seconds histogram\n");
        for (r, h) in self.latency.lock().iter() {
            for (i, b) in BUCKETS.iter().enumerate() {
                let _ = writeln!(out, "tokenvault_http_request_duration_seconds_bucket{{route=\"{r}\",le=\"{b}\"}} {}", h.counts[i]);
            }
            let _ = writeln!(
                out,
                "tokenvault_http_request_duration_seconds_bucket{{route=\"{r}\",le=\"+Inf\"}} {}",
                h.total
            );
            let _ = writeln!(
                out,
                "tokenvault_http_request_duration_seconds_sum{{route=\"{r}\"}} {}",
                h.sum
            );
            let _ = writeln!(
                out,
                "tokenvault_http_request_duration_seconds_count{{route=\"{r}\"}} {}",
                h.total
            );
        }
        out.push_str("# HELP tokenvault_tokens_created_total Tokens created by mode.\n# TYPE tokenvault_tokens_created_total counter\n");
        for (m, n) in self.tokens.lock().iter() {
            let _ = writeln!(out, "tokenvault_tokens_created_total{{mode=\"{m}\"}} {n}");
        }
        out.push_str("# HELP tokenvault_denials_total Refused requests by error code.\n# TYPE tokenvault_denials_total counter\n");
        for (c, n) in self.denials.lock().iter() {
            let _ = writeln!(out, "tokenvault_denials_total{{code=\"{c}\"}} {n}");
        }
        out.push_str("# HELP tokenvault_pii_requests_total PII API calls by action.\n# TYPE tokenvault_pii_requests_total counter\n");
        out.push_str("# HELP tokenvault_pii_findings_total PII found by the PII API, by action.\n# TYPE tokenvault_pii_findings_total counter\n");
        for (a, (calls, found)) in self.pii.lock().iter() {
            let _ = writeln!(
                out,
                "tokenvault_pii_requests_total{{action=\"{a}\"}} {calls}"
            );
            let _ = writeln!(
                out,
                "tokenvault_pii_findings_total{{action=\"{a}\"}} {found}"
            );
        }
        out
    }
}
