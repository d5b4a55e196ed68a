//! Property tests of the token engine over every PII type and mode.

mod common;

use common::*;
use proptest::prelude::*;
use tokenvault_core::{
    ids::TokenId,
    pii::PiiType,
    token::{fpe, Mode, Scope, TokenError, TokenInput, TokenRef, Tokenized},
};

fn tokenize(
    engine: &tokenvault_core::token::TokenEngine,
    ring: &tokenvault_core::keys::TenantKeyring,
    mode: Mode,
    t: PiiType,
    scope: &Scope,
    raw: &str,
) -> Result<Tokenized, TokenError> {
    let value = engine.normalize(t, raw)?;
    let input = TokenInput {
        tenant: ring.tenant(),
        pii_type: t,
        scope,
        raw,
    };
    engine.tokenize(ring, mode, &input, &value)
}

fn open(
    engine: &tokenvault_core::token::TokenEngine,
    ring: &tokenvault_core::keys::TenantKeyring,
    t: PiiType,
    scope: &Scope,
    token_id: &TokenId,
    tok: &Tokenized,
    token: &str,
) -> Result<String, TokenError> {
    let r = TokenRef {
        tenant: ring.tenant(),
        pii_type: t,
        scope,
        token_id,
        mode: tok.mode,
        key_version: tok.key_version,
        token,
        wrapped_dek: tok.wrapped_dek.as_deref(),
    };
    engine.detokenize(ring, &r).map(|c| c.expose().to_owned())
}

fn fpe_capable(t: PiiType) -> bool {
    matches!(fpe::support(t), fpe::FpeSupport::Supported { .. })
}

fn shape(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_digit() {
                '9'
            } else if c.is_ascii_alphabetic() {
                'a'
            } else {
                c
            }
        })
        .collect()
}

/// A PII type and a valid value of it.
fn any_type_and_value() -> impl Strategy<Value = (PiiType, String)> {
    prop::sample::select(PiiType::ALL.to_vec()).prop_flat_map(|t| (Just(t), valid_value(t)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Every type × mode round-trips to the canonical form.
    #[test]
    fn every_type_and_mode_round_trips((t, raw) in any_type_and_value()) {
        let m = manager();
        let ten = tenant("acme");
        block_on(m.create_tenant_keys(&ten)).unwrap();
        let ring = block_on(m.keyring(&ten)).unwrap();
        let e = engine();
        let canonical = e.normalize(t, &raw).unwrap().expose().to_owned();
        for mode in Mode::ALL {
            if mode == Mode::FormatPreserving && !fpe_capable(t) {
                continue;
            }
            let tok = match tokenize(&e, &ring, mode, t, &Scope::Global, &raw) {
                Err(TokenError::DomainTooSmall { .. }) if mode == Mode::FormatPreserving => continue,
                other => other.unwrap(),
            };
            prop_assert_eq!(open(&e, &ring, t, &Scope::Global, &tok.token_id, &tok, &tok.token).unwrap(), canonical.clone());
            prop_assert_eq!(open(&e, &ring, t, &Scope::Global, &tok.token_id, &tok, &tok.stored_token).unwrap(), canonical.clone());
            prop_assert!(!tok.token.contains(&canonical) || mode == Mode::FormatPreserving);
        }
    }

    /// Deterministic tokens are stable, and differ across scopes and tenants.
    #[test]
    fn deterministic_tokens_are_stable_and_scoped(raw in valid_value(PiiType::UsSsn)) {
        let m = manager();
        let (a, b) = (tenant("a"), tenant("b"));
        block_on(m.create_tenant_keys(&a)).unwrap();
        block_on(m.create_tenant_keys(&b)).unwrap();
        let ra = block_on(m.keyring(&a)).unwrap();
        let rb = block_on(m.keyring(&b)).unwrap();
        let e = engine();
        let t1 = tokenize(&e, &ra, Mode::Deterministic, PiiType::UsSsn, &Scope::Global, &raw).unwrap();
        let t2 = tokenize(&e, &ra, Mode::Deterministic, PiiType::UsSsn, &Scope::Global, &raw).unwrap();
        prop_assert_eq!(&t1.token, &t2.token);
        prop_assert_eq!(&t1.token_id, &t2.token_id, "one record id for one deterministic token");
        let scoped = tokenize(&e, &ra, Mode::Deterministic, PiiType::UsSsn, &Scope::Connector("crm".into()), &raw).unwrap();
        prop_assert_ne!(&t1.token, &scoped.token);
        let field = tokenize(&e, &ra, Mode::Deterministic, PiiType::UsSsn, &Scope::Field("ssn".into()), &raw).unwrap();
        prop_assert_ne!(&scoped.token, &field.token);
        let other = tokenize(&e, &rb, Mode::Deterministic, PiiType::UsSsn, &Scope::Global, &raw).unwrap();
        prop_assert_ne!(&t1.token, &other.token);
        prop_assert_ne!(&t1.token_id, &other.token_id);
        // The FPE permutation is also scoped.
        let f1 = tokenize(&e, &ra, Mode::FormatPreserving, PiiType::UsSsn, &Scope::Global, &raw).unwrap();
        let f2 = tokenize(&e, &ra, Mode::FormatPreserving, PiiType::UsSsn, &Scope::Global, &raw).unwrap();
        prop_assert_eq!(&f1.token, &f2.token);
        // The last three digits stay clear; the six before them are the permutation's output,
        // which another tenant's key permutes differently. One other tenant collides on a
        // 10^6 domain once in a million, so three are asked (10^-18).
        let encrypted = |t: &str| -> String {
            t.chars().filter(char::is_ascii_digit).take(6).collect()
        };
        let mine = encrypted(&f1.token);
        let mut others = Vec::new();
        for name in ["b", "c", "d"] {
            let t = tenant(name);
            if name != "b" {
                block_on(m.create_tenant_keys(&t)).unwrap();
            }
            let ring = block_on(m.keyring(&t)).unwrap();
            let f = tokenize(&e, &ring, Mode::FormatPreserving, PiiType::UsSsn, &Scope::Global, &raw).unwrap();
            prop_assert!(f.token.ends_with(&raw[raw.len() - 3..]));
            others.push(encrypted(&f.token));
        }
        prop_assert!(others.iter().any(|o| *o != mine), "{} vs {:?}", mine, others);
    }

    /// Randomized tokens differ every time.
    #[test]
    fn randomized_tokens_differ(raw in valid_value(PiiType::Email)) {
        let m = manager();
        let a = tenant("a");
        block_on(m.create_tenant_keys(&a)).unwrap();
        let ra = block_on(m.keyring(&a)).unwrap();
        let e = engine();
        let t1 = tokenize(&e, &ra, Mode::Randomized, PiiType::Email, &Scope::Global, &raw).unwrap();
        let t2 = tokenize(&e, &ra, Mode::Randomized, PiiType::Email, &Scope::Global, &raw).unwrap();
        prop_assert_ne!(t1.token, t2.token);
        prop_assert_ne!(t1.wrapped_dek, t2.wrapped_dek);
        prop_assert_ne!(t1.token_id, t2.token_id);
    }

    /// Format-preserving output has the input's format.
    #[test]
    fn format_preserving_keeps_format((t, raw) in any_type_and_value()) {
        prop_assume!(fpe_capable(t) && t != PiiType::Email);
        let m = manager();
        let a = tenant("a");
        block_on(m.create_tenant_keys(&a)).unwrap();
        let ring = block_on(m.keyring(&a)).unwrap();
        let e = engine();
        let tok = tokenize(&e, &ring, Mode::FormatPreserving, t, &Scope::Global, &raw).unwrap();
        prop_assert_eq!(shape(&tok.token), shape(&raw), "{} {}", t, tok.token);
    }

    /// Any changed character of a token fails before plaintext is released.
    #[test]
    fn tampered_tokens_are_rejected(raw in valid_value(PiiType::UsSsn), pos in any::<prop::sample::Index>(), mode_idx in 0usize..2) {
        let mode = [Mode::Deterministic, Mode::Randomized][mode_idx];
        let m = manager();
        let a = tenant("a");
        block_on(m.create_tenant_keys(&a)).unwrap();
        let ring = block_on(m.keyring(&a)).unwrap();
        let e = engine();
        let tok = tokenize(&e, &ring, mode, PiiType::UsSsn, &Scope::Global, &raw).unwrap();
        let mut chars: Vec<char> = tok.token.chars().collect();
        let i = 3 + pos.index(chars.len() - 3);
        chars[i] = if chars[i] == 'A' { 'B' } else { 'A' };
        let bad: String = chars.into_iter().collect();
        let result = open(&e, &ring, PiiType::UsSsn, &Scope::Global, &tok.token_id, &tok, &bad);
        prop_assert!(matches!(result, Err(TokenError::AuthenticationFailed | TokenError::MalformedToken { .. })), "{:?}", result);
        // And a token opened as another type or scope fails.
        prop_assert!(open(&e, &ring, PiiType::CaSin, &Scope::Global, &tok.token_id, &tok, &tok.token).is_err());
        if mode == Mode::Deterministic {
            prop_assert!(open(&e, &ring, PiiType::UsSsn, &Scope::Field("x".into()), &tok.token_id, &tok, &tok.token).is_err());
        } else {
            prop_assert!(open(&e, &ring, PiiType::UsSsn, &Scope::Global, &TokenId::generate(), &tok, &tok.token).is_err());
        }
    }
}

/// A token of one tenant cannot be opened with another tenant's keys, in any mode.
#[test]
fn foreign_tokens_are_rejected() {
    let m = manager();
    let (a, b) = (tenant("a"), tenant("b"));
    block_on(m.create_tenant_keys(&a)).unwrap();
    block_on(m.create_tenant_keys(&b)).unwrap();
    let ra = block_on(m.keyring(&a)).unwrap();
    let rb = block_on(m.keyring(&b)).unwrap();
    let e = engine();
    for mode in Mode::ALL {
        let tok = tokenize(
            &e,
            &ra,
            mode,
            PiiType::PassportUs,
            &Scope::Global,
            "123456789",
        )
        .unwrap();
        // Opened as tenant b (its own keyring, its own tenant id): authentication fails.
        let as_b = TokenRef {
            tenant: rb.tenant(),
            pii_type: PiiType::PassportUs,
            scope: &Scope::Global,
            token_id: &tok.token_id,
            mode,
            key_version: tok.key_version,
            token: &tok.token,
            wrapped_dek: tok.wrapped_dek.as_deref(),
        };
        let result = e.detokenize(&rb, &as_b).map(|c| c.expose().to_owned());
        if mode == Mode::FormatPreserving {
            // FF1 has no tag; a foreign key yields some other 9 digits, never the value.
            assert_ne!(result.unwrap(), "123456789");
        } else {
            assert!(
                matches!(result, Err(TokenError::AuthenticationFailed)),
                "{mode}: {result:?}"
            );
        }
        // Tenant a's token presented with tenant a's id to tenant b's keyring is refused outright.
        let claimed = TokenRef {
            tenant: ra.tenant(),
            ..as_b
        };
        assert!(matches!(
            e.detokenize(&rb, &claimed),
            Err(TokenError::AuthenticationFailed)
        ));
    }
}

/// Rotation: new tokens use the newest version; old tokens still open.
#[test]
fn rotation_keeps_old_tokens_open() {
    let m = manager();
    let a = tenant("a");
    block_on(m.create_tenant_keys(&a)).unwrap();
    let e = engine();
    let old_ring = block_on(m.keyring(&a)).unwrap();
    let olds: Vec<(Mode, Tokenized)> = Mode::ALL
        .into_iter()
        .map(|mode| {
            (
                mode,
                tokenize(
                    &e,
                    &old_ring,
                    mode,
                    PiiType::UsSsn,
                    &Scope::Global,
                    "123-45-6789",
                )
                .unwrap(),
            )
        })
        .collect();
    assert_eq!(block_on(m.rotate(&a)).unwrap(), 2);
    let ring = block_on(m.keyring(&a)).unwrap();
    assert_eq!(ring.current().version, 2);
    assert_eq!(ring.versions().collect::<Vec<_>>(), vec![1, 2]);
    for (mode, old) in &olds {
        assert_eq!(old.key_version, 1);
        assert_eq!(
            open(
                &e,
                &ring,
                PiiType::UsSsn,
                &Scope::Global,
                &old.token_id,
                old,
                &old.token
            )
            .unwrap(),
            "123-45-6789"
        );
        let new = tokenize(
            &e,
            &ring,
            *mode,
            PiiType::UsSsn,
            &Scope::Global,
            "123-45-6789",
        )
        .unwrap();
        assert_eq!(new.key_version, 2);
        assert_ne!(new.token, old.token, "{mode}");
    }
    // Deduplication after a rotation: the value's candidate record ids, one per key version,
    // include the id of its record made under the old version.
    let v = e.normalize(PiiType::UsSsn, "123-45-6789").unwrap();
    let input = TokenInput {
        tenant: ring.tenant(),
        pii_type: PiiType::UsSsn,
        scope: &Scope::Global,
        raw: "123-45-6789",
    };
    for (mode, old) in olds.iter().filter(|(m, _)| *m != Mode::Randomized) {
        let ids = e.candidate_ids(&ring, *mode, &input, &v).unwrap();
        assert_eq!(ids.len(), 2, "{mode}");
        assert!(ids.contains(&old.token_id), "{mode}");
    }
}

/// Crypto-shredding: after the tenant's keys are destroyed nothing opens its tokens, and the
/// wrapped keys are gone from the store.
#[test]
fn shredding_makes_tokens_unrecoverable() {
    let m = manager();
    let a = tenant("a");
    block_on(m.create_tenant_keys(&a)).unwrap();
    let e = engine();
    let ring = block_on(m.keyring(&a)).unwrap();
    let toks: Vec<Tokenized> = Mode::ALL
        .into_iter()
        .map(|mode| {
            tokenize(
                &e,
                &ring,
                mode,
                PiiType::PassportUs,
                &Scope::Global,
                "123456789",
            )
            .unwrap()
        })
        .collect();
    drop(ring);
    block_on(m.shred(&a)).unwrap();
    assert!(matches!(
        block_on(m.keyring(&a)),
        Err(tokenvault_core::keys::KeyError::Shredded { .. })
    ));
    assert!(
        block_on(m.create_tenant_keys(&a)).is_err(),
        "a shredded tenant does not silently get new keys"
    );
    // Even a keyring freshly made for the same tenant id opens nothing.
    let fresh = manager();
    block_on(fresh.create_tenant_keys(&a)).unwrap();
    let fresh_ring = block_on(fresh.keyring(&a)).unwrap();
    for tok in &toks {
        let got = open(
            &e,
            &fresh_ring,
            PiiType::PassportUs,
            &Scope::Global,
            &tok.token_id,
            tok,
            &tok.token,
        );
        assert!(got.map_or(true, |v| v != "123456789"), "{:?}", tok.mode);
    }
}

#[test]
fn rotate_if_older_than_respects_age() {
    use std::sync::Arc;
    use tokenvault_core::{
        clock::ManualClock,
        keys::{KeyFileProvider, KeyManager, MemoryKeyStore},
    };
    let clock = Arc::new(ManualClock::new(1_000));
    let m = KeyManager::new(
        Arc::new(KeyFileProvider::from_key(
            &tokenvault_crypto::Key256::generate(),
            "t",
        )),
        Arc::new(MemoryKeyStore::default()),
        clock.clone(),
    );
    let a = tenant("a");
    block_on(m.create_tenant_keys(&a)).unwrap();
    let ninety_days = 90 * 86_400;
    assert_eq!(
        block_on(m.rotate_if_older_than(&a, ninety_days)).unwrap(),
        None
    );
    clock.advance(ninety_days);
    assert_eq!(
        block_on(m.rotate_if_older_than(&a, ninety_days)).unwrap(),
        Some(2)
    );
    assert_eq!(
        block_on(m.rotate_if_older_than(&a, ninety_days)).unwrap(),
        None
    );
}
