//! Load generator for the object vault: bulk add throughput (objects/s), then exact-match
//! query on a unique property and get-by-id latency (p50/p99) over the objects added, then
//! tokenize (tokens/s, in calls of 1,000 object ids) and detokenize latency (p50/p99, one
//! token per call) of VALUE and POINTER tokens over those objects. Run
//! through `scripts/objects-load.sh`, which starts a server and passes the bootstrap key:
//!
//! `objects_load <base> <api_key> <objects> [clients] [batch] [queries] [query-only]` — with
//! `query-only`, the collection and its objects exist already (a second run, e.g. after
//! PostgreSQL's `ANALYZE`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::{
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::Instant,
};

use tokenvault_client::Client;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const PV: &str = "/api/pvlt/1.0";
const R: &str = "reason=AppFunctionality";

/// A valid, distinct SSN for each n below 8 × 10^8 (area 001–665 and 667–899, never 000).
fn ssn(n: u64) -> String {
    let serial = n % 9999 + 1;
    let group = (n / 9999) % 99 + 1;
    let mut area = (n / (9999 * 99)) % 898 + 1;
    if area >= 666 {
        area += 1;
    }
    format!("{area:03}-{group:02}-{serial:04}")
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let base = args[1].clone();
    let key = args[2].clone();
    let objects: u64 = args.get(3).map_or(100_000, |s| s.parse().unwrap());
    let clients: u64 = args.get(4).map_or(3, |s| s.parse().unwrap());
    let batch: u64 = args.get(5).map_or(1000, |s| s.parse().unwrap());
    let queries: usize = args.get(6).map_or(2000, |s| s.parse().unwrap());
    let query_only = args.get(7).is_some_and(|a| a == "query-only");
    let c = Client::new(&base).with_bearer(&key);
    if !query_only {
        add(&base, &key, objects, clients, batch);
    }
    let ids = query(&c, objects, queries);
    tokens(&c, &ids);
}

fn add(base: &str, key: &str, objects: u64, clients: u64, batch: u64) {
    let c = Client::new(base).with_bearer(key);
    let r = c
        .raw(
            "POST",
            &format!("{PV}/ctl/collections"),
            Some("people PERSONS ( ssn SSN UNIQUE, email EMAIL NULL INDEX, name NAME NULL );"),
            &[("Content-Type", "application/pvschema")],
        )
        .unwrap();
    assert_eq!(r.status, 200, "{}", r.body);

    let next = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..clients)
        .map(|_| {
            let (next, base, key) = (next.clone(), base.to_owned(), key.to_owned());
            std::thread::spawn(move || {
                let c = Client::new(&base).with_bearer(&key);
                loop {
                    let from = next.fetch_add(batch, Ordering::Relaxed);
                    if from >= objects {
                        break;
                    }
                    let to = (from + batch).min(objects);
                    let body: Vec<String> = (from..to)
                        .map(|n| format!("{{\"ssn\":\"{}\",\"email\":\"p{n}@load.example.com\",\"name\":\"Person {n}\"}}", ssn(n)))
                        .collect();
                    let r = c
                        .raw("POST", &format!("{PV}/data/collections/people/bulk/objects?{R}"), Some(&format!("[{}]", body.join(","))), &[])
                        .unwrap();
                    assert_eq!(r.status, 200, "{}", r.body);
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "bulk add: {objects} objects, {clients} clients, batches of {batch}: {:.1} s, {:.0} objects/s",
        secs,
        objects as f64 / secs
    );
}

/// Exact-match query on the unique property, and get by id, from one client; the ids found.
fn query(c: &Client, objects: u64, queries: usize) -> Vec<String> {
    let mut query_ms = Vec::with_capacity(queries);
    let mut ids = Vec::with_capacity(queries);
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..queries {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let n = x % objects;
        let t = Instant::now();
        let r = c
            .raw(
                "POST",
                &format!("{PV}/data/collections/people/query/objects?{R}&props=_id"),
                Some(&format!("{{\"match\":{{\"ssn\":\"{}\"}}}}", ssn(n))),
                &[],
            )
            .unwrap();
        query_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(r.status, 200, "{}", r.body);
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        ids.push(v["results"][0]["_id"].as_str().unwrap().to_owned());
    }
    let mut get_ms = Vec::with_capacity(queries);
    for id in &ids {
        let t = Instant::now();
        let r = c
            .raw(
                "GET",
                &format!("{PV}/data/collections/people/objects/{id}?{R}&props=ssn,email.mask"),
                None,
                &[],
            )
            .unwrap();
        get_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(r.status, 200, "{}", r.body);
    }
    report(&mut query_ms, "exact-match query (unique ssn)", objects);
    report(&mut get_ms, "get by id", objects);
    ids
}

fn report(v: &mut [f64], name: &str, objects: u64) {
    v.sort_by(f64::total_cmp);
    println!(
        "{name}: {} calls over {objects} objects: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        v.len(),
        percentile(v, 0.5),
        percentile(v, 0.99),
        percentile(v, 1.0)
    );
}

/// Tokenizes the objects `ids` names (VALUE tokens of ssn+email, then POINTER tokens of
/// email) in calls of up to 1,000, then detokenizes each token alone.
fn tokens(c: &Client, ids: &[String]) {
    for kind in ["VALUE", "POINTER"] {
        let started = Instant::now();
        let mut tokens = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(1000) {
            let body =
                serde_json::json!({"object_ids": chunk, "props": ["ssn", "email"], "type": kind});
            let r = c
                .raw(
                    "POST",
                    &format!("{PV}/data/collections/people/tokens?{R}"),
                    Some(&body.to_string()),
                    &[],
                )
                .unwrap();
            assert_eq!(r.status, 200, "{}", r.body);
            let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
            tokens.extend(
                v.as_array()
                    .unwrap()
                    .iter()
                    .map(|t| t["token_id"].as_str().unwrap().to_owned()),
            );
        }
        let secs = started.elapsed().as_secs_f64();
        println!(
            "tokenize {kind}: {} tokens in calls of up to 1,000: {:.0} tokens/s",
            tokens.len(),
            tokens.len() as f64 / secs
        );
        let mut ms = Vec::with_capacity(tokens.len());
        for t in &tokens {
            let started = Instant::now();
            let r = c
                .raw(
                    "GET",
                    &format!("{PV}/data/collections/people/tokens?{R}&token_ids={t}"),
                    None,
                    &[],
                )
                .unwrap();
            ms.push(started.elapsed().as_secs_f64() * 1000.0);
            assert_eq!(r.status, 200, "{}", r.body);
        }
        report(
            &mut ms,
            &format!("detokenize {kind} (one token per call)"),
            tokens.len() as u64,
        );
    }
}
