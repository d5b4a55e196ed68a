//! Detection throughput over a mixed corpus: the labelled sentences (PII in several languages,
//! near-misses) interleaved with plain prose, so roughly one sentence in three holds PII.
//! All global recognizers on (plus every locale pack in the second case).
//!
//! `cargo bench -p tokenvault-detect --bench detect`
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tokenvault_core::policy::DetectionSettings;
use tokenvault_detect::Detector;

#[path = "common/corpus.rs"]
mod corpus;
use corpus::{mixed_corpus, PROSE};

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
    // The global pack plus the opt-in rule layer (people, addresses, organizations).
    let settings = DetectionSettings {
        categories: tokenvault_detect::CATEGORIES
            .iter()
            .filter(|c| c.pack == "global" && c.name != "location")
            .map(|c| c.name.to_owned())
            .collect(),
        ..DetectionSettings::default()
    };
    let rules = Detector::new(&settings, None).unwrap();
    group.bench_function("mixed_4MiB_global_rule_layer", |b| {
        b.iter(|| rules.detect(&text).unwrap().len())
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
