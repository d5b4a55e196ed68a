//! Detection over the labelled corpus for the side-by-side comparison with Presidio
//! (`scripts/detect-corpus/compare-presidio.sh`): every sentence detected on its own, `repeat`
//! times, with the global categories (and the phone regions Presidio's phone recognizer is
//! given). Prints one JSON object: bytes, seconds, MB/s, and tp/fp/fn per category.
//!
//! `cargo run --release -p tokenvault-detect --example corpus_eval -- <corpus.jsonl> <repeat>`
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::{collections::BTreeMap, time::Instant};

use serde_json::{json, Value};
use tokenvault_core::policy::DetectionSettings;
use tokenvault_detect::Detector;

/// The categories compared; `tr_phone` findings and labels count as `phone`.
const CATEGORIES: &[&str] = &[
    "email",
    "phone",
    "tr_phone",
    "creditCard",
    "iban",
    "ipAddress",
    "url",
    "macAddress",
    "cryptoWallet",
    "date",
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).map_or(
        "crates/tokenvault-detect/tests/corpus/labelled.jsonl",
        String::as_str,
    );
    let repeat: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(20);
    let corpus: Vec<Value> = std::fs::read_to_string(path)
        .expect("corpus")
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    let settings = DetectionSettings {
        categories: CATEGORIES.iter().map(|s| s.to_string()).collect(),
        languages: ["global", "us", "gb", "de", "tr"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        ..DetectionSettings::default()
    };
    let detector = Detector::new(&settings, None).unwrap();
    let norm = |c: &str| {
        if c == "tr_phone" {
            "phone".to_owned()
        } else {
            c.to_owned()
        }
    };
    let mut counts: BTreeMap<String, [u32; 3]> = BTreeMap::new();
    for item in &corpus {
        let text = item["text"].as_str().unwrap();
        let mut expected: Vec<(String, u64, u64)> = item["spans"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| CATEGORIES.contains(&s["category"].as_str().unwrap()))
            .map(|s| {
                (
                    norm(s["category"].as_str().unwrap()),
                    s["start"].as_u64().unwrap(),
                    s["end"].as_u64().unwrap(),
                )
            })
            .collect();
        for f in detector.detect(text).unwrap() {
            let got = (norm(&f.category), f.start as u64, f.end as u64);
            let c = counts.entry(got.0.clone()).or_default();
            if let Some(i) = expected.iter().position(|e| *e == got) {
                expected.swap_remove(i);
                c[0] += 1;
            } else {
                c[1] += 1;
            }
        }
        for (cat, _, _) in expected {
            counts.entry(cat).or_default()[2] += 1;
        }
    }
    let texts: Vec<&str> = corpus.iter().map(|v| v["text"].as_str().unwrap()).collect();
    let bytes: usize = texts.iter().map(|t| t.len()).sum::<usize>() * repeat;
    let started = Instant::now();
    let mut found = 0usize;
    for _ in 0..repeat {
        for t in &texts {
            found += detector.detect(t).unwrap().len();
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let per_category: BTreeMap<String, Value> = counts
        .into_iter()
        .map(|(k, [tp, fp, fn_])| (k, json!({"tp": tp, "fp": fp, "fn": fn_})))
        .collect();
    println!(
        "{}",
        json!({
            "engine": "tokenvault-detect",
            "sentences": texts.len(),
            "bytes": bytes,
            "seconds": seconds,
            "mb_per_s": bytes as f64 / seconds / 1e6,
            "findings": found,
            "per_category": per_category,
        })
    );
}
