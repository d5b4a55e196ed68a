//! Hostile shapes: padding cannot switch detection off, and the work stays linear in the
//! input (asserted on candidates and spans tried, never on time).
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use tokenvault_core::policy::{CustomPattern, DetectionSettings, Severity};
use tokenvault_detect::{DetectError, Detector, LANGUAGES, MAX_FINDINGS};

fn detector() -> Detector {
    let settings = DetectionSettings {
        languages: LANGUAGES.iter().map(|s| s.to_string()).collect(),
        ..DetectionSettings::default()
    };
    Detector::new(&settings, None).unwrap()
}

fn categories(d: &Detector, text: &str) -> Vec<String> {
    d.detect(text)
        .unwrap()
        .into_iter()
        .map(|f| f.category)
        .collect()
}

#[test]
fn padding_with_digit_groups_does_not_hide_a_value() {
    let d = detector();
    for groups in [23, 24, 25, 50, 200, 2000] {
        for sep in [" ", "-"] {
            let pad = vec!["0"; groups].join(sep);
            let card = format!("card 4111111111111111{sep}{pad}");
            assert!(
                categories(&d, &card).contains(&"creditCard".to_owned()),
                "{groups} groups joined by {sep:?}"
            );
            let ssn = format!("SSN 536-90-4399 {pad}");
            assert!(
                categories(&d, &ssn).contains(&"us_ssn".to_owned()),
                "{groups}"
            );
            let kimlik = format!("TC kimlik 10000000146 {pad}");
            assert!(
                categories(&d, &kimlik).contains(&"tc_kimlik".to_owned()),
                "{groups}"
            );
        }
    }
    // A valid card among fifty 16-digit numbers that fail Luhn.
    let mut parts: Vec<String> = (0..50).map(|i| format!("{:016}", 1000 + i * 7)).collect();
    parts.insert(25, "4111111111111111".into());
    let text = format!("cards {}", parts.join(" "));
    let found = d.detect(&text).unwrap();
    assert!(
        found
            .iter()
            .any(|f| f.category == "creditCard"
                && &text[f.byte_start..f.byte_end] == "4111111111111111"),
        "{found:?}"
    );
}

#[test]
fn work_on_long_digit_runs_is_linear() {
    let d = detector();
    let mut per_group = Vec::new();
    for groups in [1_000usize, 4_000, 16_000] {
        let text = format!("n {}", vec!["12"; groups].join(" "));
        let (_, work) = d.detect_with_work(&text, None).unwrap();
        // At most one span per digit a value may hold, from each group.
        assert!(work.spans <= 19 * groups, "{groups}: {work:?}");
        per_group.push(work.spans as f64 / groups as f64);
    }
    assert!(per_group[2] <= per_group[0] * 1.1, "{per_group:?}");
}

/// Candidates grow linearly here; this alone would not catch the quadratic *scan* the probe
/// found (the candidates were always linear; the automaton's reading past each match was
/// not). That is guarded by `scan::tests::every_shape_but_url_and_numeric_has_a_bounded_length`.
#[test]
fn dash_separated_hex_pairs_yield_linear_candidates() {
    let d = detector();
    let mut per_kib = Vec::new();
    for kib in [12usize, 24, 48] {
        let text = "ab-".repeat(kib * 1024 / 3);
        let (_, work) = d.detect_with_work(&text, None).unwrap();
        per_kib.push(work.candidates as f64 / kib as f64);
    }
    assert!(per_kib[2] <= per_kib[0] * 1.1, "{per_kib:?}");
}

#[test]
fn amplifying_texts_are_refused_whole() {
    let d = detector();
    // An IPv6 address every eight bytes. (A run such as `1:1:1:…` is one address and then
    // the tail of a longer token, not an address every few bytes.)
    let text = "fe80::1 ".repeat(128 * 1024);
    assert!(matches!(
        d.detect(&text),
        Err(DetectError::TooManyFindings { max }) if max == MAX_FINDINGS
    ));
    assert_eq!(
        d.detect(&"1:".repeat(512 * 1024)).map(|f| f.len()).ok(),
        Some(1)
    );
    // Under the cap, an answer.
    assert!(d.detect(&"fe80::1 ".repeat(100)).is_ok());
}

#[test]
fn patterns_matching_nothing_or_one_character_are_refused() {
    for p in [".", "a*", "\\d", "[a-z]?", "x|yz", ""] {
        let settings = DetectionSettings {
            custom_patterns: vec![CustomPattern {
                name: "p".into(),
                regex: p.into(),
                severity: Severity::Low,
            }],
            ..DetectionSettings::default()
        };
        let e = Detector::new(&settings, None).unwrap_err();
        assert!(e.to_string().contains("two characters"), "{p}: {e}");
    }
    assert!(tokenvault_detect::check_pattern("ORD-[0-9]{6}").is_ok());
}

/// The Unicode evasions the probe used: each value is found, reported at its place in the
/// text as written, and restored exactly by the tokenize → detokenize round trip.
#[test]
fn unicode_evasions_are_folded_and_found_where_written() {
    let d = detector();
    let cases = [
        (
            "card 4111\u{00A0}1111\u{00A0}1111\u{00A0}1111 ok",
            "creditCard",
            "4111\u{00A0}1111\u{00A0}1111\u{00A0}1111",
        ),
        (
            "SSN 536\u{2013}90\u{2013}4399 ok",
            "us_ssn",
            "536\u{2013}90\u{2013}4399",
        ),
        (
            "SSN ５３６-９０-４３９９ ok",
            "us_ssn",
            "５３６-９０-４３９９",
        ),
        ("SSN ٥٣٦-٩٠-٤٣٩٩ ok", "us_ssn", "٥٣٦-٩٠-٤٣٩٩"),
        (
            "mail ja\u{200D}ne@example.com ok",
            "email",
            "ja\u{200D}ne@example.com",
        ),
        (
            "mail j\u{0430}ne@example.com ok",
            "email",
            "j\u{0430}ne@example.com",
        ),
    ];
    for (text, category, value) in cases {
        let found = d.detect(text).unwrap();
        let f = found
            .iter()
            .find(|f| f.category == category)
            .unwrap_or_else(|| panic!("{text:?}: {found:?}"));
        assert_eq!(&text[f.byte_start..f.byte_end], value, "{text:?}");
        // Character offsets count the caller's characters.
        let start_chars = text[..f.byte_start].chars().count();
        assert_eq!(f.start, start_chars, "{text:?}");
        assert_eq!(f.end, start_chars + value.chars().count(), "{text:?}");
        let out = tokenvault_detect::apply(&d, text, tokenvault_core::policy::TextAction::Tokenize)
            .unwrap();
        assert!(!out.output_text.contains(value));
        let vault: Vec<(String, String)> = out
            .vault
            .unwrap()
            .into_iter()
            .map(|e| (e.placeholder, e.value))
            .collect();
        let (back, _) =
            tokenvault_detect::transform::detokenize(&out.output_text, &vault, usize::MAX).unwrap();
        assert_eq!(back, text);
    }
}
