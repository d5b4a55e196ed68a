//! Shared fixtures for the core's integration tests: a key manager on an in-memory key store,
//! and generators of valid values for every PII type.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use proptest::prelude::*;
use tokenvault_core::{
    clock::ManualClock,
    ids::TenantId,
    keys::{KeyFileProvider, KeyManager, MemoryKeyStore},
    pii::{luhn_check_digit, NormalizeOptions, PiiType},
    token::TokenEngine,
};
use tokenvault_crypto::Key256;

pub fn manager() -> KeyManager {
    KeyManager::new(
        Arc::new(KeyFileProvider::from_key(&Key256::generate(), "test")),
        Arc::new(MemoryKeyStore::default()),
        Arc::new(ManualClock::new(1_700_000_000)),
    )
}

pub fn engine() -> TokenEngine {
    TokenEngine::new("tv_", NormalizeOptions::default()).unwrap()
}

pub fn tenant(name: &str) -> TenantId {
    TenantId::parse(&format!("ten_{name}")).unwrap()
}

pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(f)
}

fn luhn_complete(payload: String) -> String {
    let check = luhn_check_digit(&payload);
    format!("{payload}{check}")
}

fn iban_de(bban: String) -> String {
    // ISO 13616: check digits = 98 - (BBAN || "DE00" as numbers) mod 97.
    let rearranged = format!("{bban}131400");
    let rem = rearranged
        .bytes()
        .fold(0u32, |r, b| (r * 10 + u32::from(b - b'0')) % 97);
    format!("DE{:02}{bban}", 98 - rem)
}

/// Valid raw values of a type, in the forms people write them.
pub fn valid_value(t: PiiType) -> BoxedStrategy<String> {
    match t {
        PiiType::UsSsn => (1u32..=899, 1u32..=99, 1u32..=9999, any::<bool>())
            .prop_filter("666 is never issued", |(a, _, _, _)| *a != 666)
            .prop_map(|(a, g, s, dashes)| {
                if dashes {
                    format!("{a:03}-{g:02}-{s:04}")
                } else {
                    format!("{a:03}{g:02}{s:04}")
                }
            })
            .boxed(),
        PiiType::CaSin => (
            prop::sample::select(vec![1u8, 2, 3, 4, 5, 6, 7, 9]),
            0u32..10_000_000,
        )
            .prop_map(|(first, rest)| {
                let sin = luhn_complete(format!("{first}{rest:07}"));
                format!("{} {} {}", &sin[0..3], &sin[3..6], &sin[6..9])
            })
            .boxed(),
        PiiType::Email => (
            "[a-z][a-z0-9]{3,11}",
            prop::option::of("[a-z]{1,6}"),
            "[a-z]{2,10}",
            prop::sample::select(vec!["com", "org", "io", "co.uk"]),
        )
            .prop_map(|(local, tag, domain, tld)| match tag {
                Some(tag) => format!("{local}+{tag}@{domain}.{tld}"),
                None => format!("{local}@{domain}.{tld}"),
            })
            .boxed(),
        PiiType::Phone => (200u32..=999, 200u32..=999, 0u32..=9999)
            .prop_map(|(area, exchange, line)| format!("({area}) {exchange}-{line:04}"))
            .boxed(),
        PiiType::Date => (1900i32..=2099, 1u32..=12, 1u32..=28)
            .prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"))
            .boxed(),
        PiiType::Dob => (1900i32..=2020, 1u32..=12, 1u32..=28)
            .prop_map(|(y, m, d)| format!("{m:02}/{d:02}/{y:04}"))
            .boxed(),
        PiiType::Monetary => (1_000u64..=99_999_999, 0u32..=99)
            .prop_map(|(whole, cents)| {
                let digits = whole.to_string();
                let mut grouped = String::new();
                for (i, c) in digits.chars().enumerate() {
                    if i > 0 && (digits.len() - i) % 3 == 0 {
                        grouped.push(',');
                    }
                    grouped.push(c);
                }
                format!("${grouped}.{cents:02}")
            })
            .boxed(),
        PiiType::CaseNumber => (2000u32..=2099, 0u32..=999_999)
            .prop_map(|(y, n)| format!("CV-{y}-{n:06}"))
            .boxed(),
        PiiType::PassportUs => (0u64..1_000_000_000)
            .prop_map(|n| format!("{n:09}"))
            .boxed(),
        PiiType::PassportCa => ("[A-Z]{2}", 0u32..1_000_000)
            .prop_map(|(l, n)| format!("{l}{n:06}"))
            .boxed(),
        PiiType::CreditCard => (0u64..100_000_000_000_000)
            .prop_map(|n| luhn_complete(format!("4{n:014}")))
            .boxed(),
        PiiType::Iban => (0u64..1_000_000_000, 0u64..1_000_000_000)
            .prop_map(|(a, b)| iban_de(format!("{a:09}{b:09}")))
            .boxed(),
        PiiType::IpAddress => any::<[u8; 4]>()
            .prop_map(|o| format!("{}.{}.{}.{}", o[0], o[1], o[2], o[3]))
            .boxed(),
        _ => Just(String::new()).boxed(),
    }
}
