//! Properties over arbitrary text: detection never panics, findings are in bounds, ordered and
//! disjoint, and tokenize followed by detokenize gives the text back.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use tokenvault_core::policy::{DetectionSettings, TextAction};
use tokenvault_detect::{apply, transform, Detector, LANGUAGES};

fn detector() -> Detector {
    let settings = DetectionSettings {
        languages: LANGUAGES.iter().map(|s| s.to_string()).collect(),
        ..DetectionSettings::default()
    };
    Detector::new(&settings, Some("tr-TR")).unwrap()
}

/// Text made of PII-shaped pieces, separators and non-ASCII letters, so candidates are common.
fn pii_soup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("4111 1111 1111 1111".to_owned()),
        Just("ops@acme.com".to_owned()),
        Just("+90 532 555 22 33".to_owned()),
        Just("10000000146".to_owned()),
        Just("TR33 0006 1005 1978 6457 8413 26".to_owned()),
        Just("192.168.1.42".to_owned()),
        Just("2024-02-30".to_owned()),
        Just("Şubat".to_owned()),
        // Shapes that collide once separators or case are dropped: each must come back as
        // written.
        Just("1.11.1.1".to_owned()),
        Just("11.1.1.1".to_owned()),
        Just("2001:db8::1:2".to_owned()),
        Just("2001:db8:1::2".to_owned()),
        Just("fe80::1".to_owned()),
        Just("fe8:0::1".to_owned()),
        Just("1/11/2020".to_owned()),
        Just("11/1/2020".to_owned()),
        Just("Ops@Acme.com".to_owned()),
        Just("4111-1111-1111-1111".to_owned()),
        // Folded before matching, restored as written.
        Just("4111\u{00A0}1111\u{00A0}1111\u{00A0}1111".to_owned()),
        Just("536\u{2013}90\u{2013}4399".to_owned()),
        Just("ja\u{200D}ne@example.com".to_owned()),
        Just("٥٣٦-٩٠-٤٣٩٩".to_owned()),
        Just("[EMAIL_1]".to_owned()),
        "[0-9 .:/()+-]{1,24}",
        "[A-Za-z@._-]{1,12}",
        "\\PC{0,8}",
    ];
    prop::collection::vec(piece, 0..12).prop_map(|v| v.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn findings_are_in_bounds_ordered_and_disjoint(text in pii_soup()) {
        let d = detector();
        let chars = text.chars().count();
        let mut last_end = 0;
        for f in d.detect(&text).unwrap() {
            prop_assert!(f.start < f.end && f.end <= chars);
            prop_assert!(f.start >= last_end, "overlap in {text:?}");
            prop_assert!(text.is_char_boundary(f.byte_start) && text.is_char_boundary(f.byte_end));
            prop_assert_eq!(text[..f.byte_start].chars().count(), f.start);
            prop_assert!(f.confidence >= 0.5 && f.confidence <= 1.0);
            last_end = f.end;
        }
    }

    #[test]
    fn tokenize_then_detokenize_restores_the_text(text in pii_soup()) {
        // Placeholder-looking text already in the input would be restored too; keep it out.
        prop_assume!(!text.contains('['));
        let d = detector();
        let out = apply(&d, &text, TextAction::Tokenize).unwrap();
        let vault: Vec<(String, String)> = out
            .vault
            .unwrap()
            .into_iter()
            .map(|e| (e.placeholder, e.value))
            .collect();
        // Exactly the text: every occurrence comes back as it was written.
        let expected = text.clone();
        let (back, _) = transform::detokenize(&out.output_text, &vault, usize::MAX).unwrap();
        prop_assert_eq!(back, expected);
    }
}
