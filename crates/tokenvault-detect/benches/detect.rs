//! Detection throughput over a mixed corpus: the labelled sentences (PII in several languages,
//! near-misses) interleaved with plain prose, so roughly one sentence in three holds PII.
//! All global recognizers on (plus every locale pack in the second case).
//!
//! `cargo bench -p tokenvault-detect --bench detect`
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tokenvault_core::policy::DetectionSettings;
use tokenvault_detect::Detector;

const PROSE: &[&str] = &[
    "Thanks for getting back to me so quickly, the team really appreciates it.",
    "We reviewed the logs from last week and nothing unusual stood out to us.",
    "The shipment left the warehouse on time but the carrier reported a delay.",
    "Could you resend the attachment? It looks like the first one was corrupted.",
    "Our next planning session is moved to Thursday afternoon after the demo.",
];

/// About `bytes` of mixed text.
pub fn mixed_corpus(bytes: usize) -> String {
    let labelled: Vec<String> = include_str!("../tests/corpus/labelled.jsonl")
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["text"].as_str().map(str::to_owned))
        .collect();
    let mut out = String::with_capacity(bytes + 256);
    let mut i = 0;
    while out.len() < bytes {
        out.push_str(&labelled[i % labelled.len()]);
        out.push(' ');
        out.push_str(PROSE[i % PROSE.len()]);
        out.push(' ');
        out.push_str(PROSE[(i + 2) % PROSE.len()]);
        out.push('\n');
        i += 1;
    }
    out
}

fn detector(languages: &[&str]) -> Detector {
    let settings = DetectionSettings {
        languages: languages.iter().map(|s| s.to_string()).collect(),
        ..DetectionSettings::default()
    };
    Detector::new(&settings, None).unwrap()
}

fn bench(c: &mut Criterion) {
    let text = mixed_corpus(4 << 20);
    let mut group = c.benchmark_group("detect");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sample_size(10);
    let global = detector(&["global"]);
    group.bench_function("mixed_4MiB_global", |b| {
        b.iter(|| global.detect(&text).unwrap().len())
    });
    let all = detector(tokenvault_detect::LANGUAGES);
    group.bench_function("mixed_4MiB_all_packs", |b| {
        b.iter(|| all.detect(&text).unwrap().len())
    });
    let prose: String = PROSE
        .iter()
        .cycle()
        .take(60_000)
        .map(|s| format!("{s} "))
        .collect();
    group.throughput(Throughput::Bytes(prose.len() as u64));
    group.bench_function("prose_no_pii_global", |b| {
        b.iter(|| global.detect(&prose).unwrap().len())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
