//! Load generator for a running server: tokenize throughput in batches and grant+detokenize
//! latency. Run through `scripts/load.sh`, which starts a server and passes credentials:
//!
//! `load <base[,base…]> <api_key> <admin_jwt> [seconds] [clients] [batch]` — with several
//! bases (nodes), client c talks to node c mod n.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::{
    fmt::Write,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use tokenvault_client::Client;

// The load generator shares the machine's two cores with the server; a faster allocator
// leaves more of them to the server.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use tokenvault_proto::{DetokenizeRequest, GrantRequest, TokenizeItem, TokenizeRequest};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let bases: Vec<String> = args[1].split(',').map(str::to_owned).collect();
    let base = bases[0].clone();
    let api_key = args[2].clone();
    let jwt = args[3].clone();
    let seconds: u64 = args.get(4).map_or(20, |s| s.parse().unwrap());
    let clients: usize = args.get(5).map_or(4, |s| s.parse().unwrap());
    let batch: usize = args.get(6).map_or(1000, |s| s.parse().unwrap());

    let admin = Client::new(&base).with_jwt(&jwt);
    let _ = admin.create_policy(&serde_json::json!({
        "id": "pol_load", "name": "load",
        "type_rules": {"email": {"mode": "deterministic"}, "us_ssn": {"mode": "deterministic"}},
        "allowed_roles": ["admin"], "allowed_purposes": ["customer_support"], "require_reason": false
    }));

    // Tokenize: every item a new value, so every item is a new durable record.
    let items = Arc::new(AtomicU64::new(0));
    let requests = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let workers: Vec<_> = (0..clients)
        .map(|c| {
            let (items, requests, base, api_key) = (
                items.clone(),
                requests.clone(),
                bases[c % bases.len()].clone(),
                api_key.clone(),
            );
            std::thread::spawn(move || {
                let client = Client::new(&base).with_api_key(&api_key);
                let mut n = 0u64;
                let expected = format!("\"success_count\":{batch},");
                let mut body = String::with_capacity(batch * 64);
                while Instant::now() < deadline {
                    // The body is written directly, not through serde, and the answer is checked
                    // for its success count only: the generator shares the server's two cores
                    // and should spend as little of them as it can.
                    body.clear();
                    body.push_str("{\"policy_id\":\"pol_load\",\"items\":[");
                    for i in 0..batch {
                        if i > 0 {
                            body.push(',');
                        }
                        write!(body, "{{\"value\":\"c{c}b{n}i{i}@load.example.com\",\"pii_type\":\"email\"}}").unwrap();
                    }
                    body.push_str("]}");
                    let r = client.raw("POST", "/tokenize", Some(&body), &[]).unwrap();
                    assert!(r.status == 200 && r.body.contains(&expected), "{} {}", r.status, &r.body[..r.body.len().min(300)]);
                    items.fetch_add(batch as u64, Ordering::Relaxed);
                    requests.fetch_add(1, Ordering::Relaxed);
                    n += 1;
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    let elapsed = started.elapsed().as_secs_f64();
    let total = items.load(Ordering::Relaxed);
    println!(
        "tokenize: {} node(s), {clients} clients, batches of {batch}, {seconds} s: {total} items in {} requests, {:.0} items/s",
        bases.len(),
        requests.load(Ordering::Relaxed),
        total as f64 / elapsed
    );

    pii_load(&bases, &api_key, &admin, seconds.min(10), clients);

    // Grant + detokenize latency with one client.
    let api = Client::new(&base).with_api_key(&api_key);
    let r = api
        .tokenize(
            &TokenizeRequest {
                items: vec![TokenizeItem {
                    value: "123-45-6789".into(),
                    pii_type: "us_ssn".into(),
                    ..Default::default()
                }],
                policy_id: "pol_load".into(),
                ..Default::default()
            },
            false,
        )
        .unwrap();
    let id = r.results[0].token_id.clone().unwrap();
    let mut samples = Vec::new();
    for _ in 0..2000 {
        let t = Instant::now();
        let g = admin
            .grant(&GrantRequest {
                token_ids: vec![id.clone()],
                purpose: "customer_support".into(),
                reason: None,
                trace_id: None,
            })
            .unwrap();
        let d = admin
            .detokenize(&DetokenizeRequest {
                tokens: vec![id.clone()],
                grant_jwt: g.grant_jwt,
                trace_id: None,
            })
            .unwrap();
        assert_eq!(d.results[0].value.as_deref(), Some("123-45-6789"));
        samples.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    samples.sort_by(f64::total_cmp);
    let pct = |p: f64| samples[((samples.len() as f64 * p) as usize).min(samples.len() - 1)];
    println!(
        "grant+detokenize: 1 client, {} pairs: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        samples.len(),
        pct(0.50),
        pct(0.99),
        samples[samples.len() - 1]
    );
}

/// The PII API: `clients` clients send `/pii/tokenize` requests of about 1 KB of mixed text
/// (several languages, a dozen values) for `seconds`; prints requests/s, MB/s and latency.
fn pii_load(bases: &[String], api_key: &str, admin: &Client, seconds: u64, clients: usize) {
    pii_phase_setup_default(admin);
    pii_phase(
        bases,
        api_key,
        seconds,
        clients,
        "load-intake",
        MIXED_TICKET,
        "[IBAN_1]",
        "pii tokenize",
    );
    if std::env::var("NER").is_ok() {
        let _ = admin.create_policy(&serde_json::json!({
            "name": "Load model", "key": "load-model",
            "allowed_roles": ["admin"], "allowed_purposes": ["customer_support"],
            "detection": {"languages": ["global"], "categories": ["person", "address", "organization", "email", "phone"],
                          "model": true, "default_action": "tokenize"}
        }));
        pii_phase(
            bases,
            api_key,
            seconds,
            clients,
            "load-model",
            PEOPLE_TICKET,
            "\"model\":\"used\"",
            "pii tokenize with the model layer",
        );
    }
}

/// A support ticket of about 600 bytes with people, an address and an organization.
const PEOPLE_TICKET: &str =
    "Hello, this is Sarah Thompson from Globex Corporation. I moved last month and my \
    new address is 42 Maple Street, Apt 3B, Springfield IL 62704. My husband Daniel Okafor still \
    gets our statements at the old place, 1187 Birch Avenue, Columbus OH 43215, and they keep \
    arriving with my maiden name on them. Could you update both accounts and send the new cards to \
    the Maple Street address? You can reach me at sarah.thompson@example.com or 212-555-0143 \
    during the day. My employer, Initech LLC, pays the premium, so please copy our benefits \
    contact Priya Raman on the renewal letter. Thanks so much, Sarah";

/// The policy of the mixed-text phase.
fn pii_phase_setup_default(admin: &Client) {
    let _ = admin.create_policy(&serde_json::json!({
        "name": "Load intake", "key": "load-intake",
        "allowed_roles": ["admin"], "allowed_purposes": ["customer_support"],
        "detection": {"languages": ["global", "tr", "us"], "default_action": "tokenize"}
    }));
}

/// About 1 KB of mixed text (several languages, a dozen values).
const MIXED_TICKET: &str =
    "Hi team, the customer Jane Doe (jane.doe@acme.com, +90 532 555 22 33) paid with \
        4111 1111 1111 1111 on 2024-03-12 and asked us to wire the refund to IBAN TR33 0006 1005 \
        1978 6457 8413 26. Her TC kimlik no is 10000000146 and she called from 192.168.1.42. \
        Müşteri ayrıca 0532 111 22 33 numarasından aradı; SSN 536-90-4399 on the US account. \
        The order shipped yesterday and the carrier reported no delay; please confirm the \
        address and close the ticket once the refund is processed. Thanks for your help! \
        Backup contact: ops@acme.com, see https://portal.acme.com/tickets/48213 for history.";

/// `clients` clients send `/pii/tokenize` of `text` under `policy` for `seconds`; every answer
/// must hold `expect`. Prints requests/s, MB/s and latency.
#[allow(clippy::too_many_arguments)]
fn pii_phase(
    bases: &[String],
    api_key: &str,
    seconds: u64,
    clients: usize,
    policy: &str,
    text: &str,
    expect: &'static str,
    label: &str,
) {
    let body = serde_json::json!({"policy_key": policy, "text": text}).to_string();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let workers: Vec<_> = (0..clients)
        .map(|c| {
            let (base, key, body) = (
                bases[c % bases.len()].clone(),
                api_key.to_owned(),
                body.clone(),
            );
            std::thread::spawn(move || {
                let client = Client::new(&base).with_bearer(&key);
                let mut samples = Vec::new();
                while Instant::now() < deadline {
                    let t = Instant::now();
                    let r = client
                        .raw("POST", "/api/client/v1/pii/tokenize", Some(&body), &[])
                        .unwrap();
                    assert!(
                        r.status == 200 && r.body.contains(expect),
                        "{} {}",
                        r.status,
                        &r.body[..r.body.len().min(300)]
                    );
                    samples.push(t.elapsed().as_secs_f64() * 1000.0);
                }
                samples
            })
        })
        .collect();
    let mut samples: Vec<f64> = workers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect();
    let elapsed = started.elapsed().as_secs_f64();
    samples.sort_by(f64::total_cmp);
    let pct = |p: f64| samples[((samples.len() as f64 * p) as usize).min(samples.len() - 1)];
    println!(
        "{label}: {clients} clients, {} byte texts, {seconds} s: {} requests, {:.0} requests/s, {:.1} MB/s of text, p50 {:.2} ms, p99 {:.2} ms",
        text.len(),
        samples.len(),
        samples.len() as f64 / elapsed,
        (samples.len() * text.len()) as f64 / elapsed / 1e6,
        pct(0.5),
        pct(0.99)
    );
}
