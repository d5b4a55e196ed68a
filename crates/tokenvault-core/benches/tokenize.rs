//! Per-core throughput of tokenize and detokenize in each mode, including normalization of
//! the raw value, token encoding and the record id. Run: `cargo bench -p tokenvault-core --bench tokenize`.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use tokenvault_core::{
    clock::SystemClock,
    ids::TenantId,
    keys::{KeyFileProvider, KeyManager, MemoryKeyStore, TenantKeyring},
    pii::{NormalizeOptions, PiiType},
    token::{Mode, Scope, TokenEngine, TokenInput, TokenRef},
};
use tokenvault_crypto::Key256;

fn keyring(tenant: &TenantId) -> Arc<TenantKeyring> {
    let manager = KeyManager::new(
        Arc::new(KeyFileProvider::from_key(&Key256::generate(), "bench")),
        Arc::new(MemoryKeyStore::default()),
        Arc::new(SystemClock),
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(async {
        manager.create_tenant_keys(tenant).await.unwrap();
        manager.keyring(tenant).await.unwrap()
    })
}

const CASES: [(Mode, PiiType, &str); 5] = [
    (Mode::Deterministic, PiiType::UsSsn, "123-45-6789"),
    (
        Mode::Deterministic,
        PiiType::Email,
        "John.Doe+news@Example.com",
    ),
    (Mode::Randomized, PiiType::UsSsn, "123-45-6789"),
    (Mode::FormatPreserving, PiiType::UsSsn, "123-45-6789"),
    (Mode::FormatPreserving, PiiType::Phone, "(555) 123-4567"),
];

fn bench(c: &mut Criterion) {
    let tenant = TenantId::parse("ten_bench").unwrap();
    let keys = keyring(&tenant);
    let engine = TokenEngine::new("tv_", NormalizeOptions::default()).unwrap();
    let scope = Scope::Global;

    let mut group = c.benchmark_group("normalize");
    group.throughput(Throughput::Elements(1));
    for (_, pii_type, raw) in &CASES[..2] {
        group.bench_function(pii_type.as_str(), |b| {
            b.iter(|| engine.normalize(*pii_type, raw).unwrap())
        });
    }
    group.finish();

    let mut group = c.benchmark_group("tokenize");
    group.throughput(Throughput::Elements(1));
    for (mode, pii_type, raw) in CASES {
        group.bench_function(format!("{mode}/{pii_type}"), |b| {
            b.iter(|| {
                let value = engine.normalize(pii_type, raw).unwrap();
                let input = TokenInput {
                    tenant: &tenant,
                    pii_type,
                    scope: &scope,
                    raw,
                };
                engine.tokenize(&keys, mode, &input, &value).unwrap()
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("detokenize");
    group.throughput(Throughput::Elements(1));
    for (mode, pii_type, raw) in CASES {
        let value = engine.normalize(pii_type, raw).unwrap();
        let input = TokenInput {
            tenant: &tenant,
            pii_type,
            scope: &scope,
            raw,
        };
        let t = engine.tokenize(&keys, mode, &input, &value).unwrap();
        group.bench_function(format!("{mode}/{pii_type}"), |b| {
            b.iter_batched_ref(
                || (),
                |()| {
                    engine
                        .detokenize(
                            &keys,
                            &TokenRef {
                                tenant: &tenant,
                                pii_type,
                                scope: &scope,
                                token_id: &t.token_id,
                                mode,
                                key_version: t.key_version,
                                token: &t.token,
                                wrapped_dek: t.wrapped_dek.as_deref(),
                            },
                        )
                        .unwrap()
                },
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2));
    targets = bench
}
criterion_main!(benches);
