//! The pattern recognizers' misses an outside corpus showed (issue 15, item 4), one test per
//! class. Phone vectors were checked with Python `phonenumbers` 8.13 (libphonenumber's port:
//! `is_valid_number` and the region it reports), ISBNs with python-stdnum 1.20
//! (`stdnum.isbn.is_valid`); never with our own code.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use tokenvault_core::policy::DetectionSettings;
use tokenvault_detect::Detector;

fn detector(packs: &[&str]) -> Detector {
    let settings = DetectionSettings {
        languages: packs.iter().map(|s| s.to_string()).collect(),
        ..DetectionSettings::default()
    };
    Detector::new(&settings, None).unwrap()
}

/// Every finding as (category, the text it covers).
fn found(d: &Detector, text: &str) -> Vec<(String, String)> {
    d.detect(text)
        .unwrap()
        .into_iter()
        .map(|f| (f.category, text[f.byte_start..f.byte_end].to_owned()))
        .collect()
}

fn has(d: &Detector, text: &str, category: &str, value: &str) -> bool {
    found(d, text)
        .iter()
        .any(|(c, v)| c == category && v == value)
}

#[test]
fn north_american_and_indian_numbers_need_no_phone_word() {
    let d = detector(&["global", "us", "ca", "in"]);
    // phonenumbers: valid, regions US, US, CA, IN.
    for (text, value) in [
        ("Reach 212-555-0143 before noon.", "212-555-0143"),
        (
            "ticket from 1-212-555-0143 about a refund",
            "1-212-555-0143",
        ),
        ("ticket from 416 555 0199 about a refund", "416 555 0199"),
        ("Sent from 98765 43210 yesterday", "98765 43210"),
    ] {
        assert!(
            has(&d, text, "phone", value),
            "{text}: {:?}",
            found(&d, text)
        );
    }
    // Unbroken ten digits stay a phone only beside a phone word: an order number is not one.
    assert!(found(&d, "order 2125550143 shipped").is_empty());
    assert!(has(&d, "call 2125550143", "phone", "2125550143"));
}

#[test]
fn a_context_window_cut_inside_a_word_is_no_context_word() {
    let d = detector(&["global", "us"]);
    // The 48-character window before the number starts at "tel" inside "Hotel".
    let gap = " ".repeat(45);
    let text = format!("Hotel{gap}2125550143");
    assert!(found(&d, &text).is_empty(), "{:?}", found(&d, &text));
    let text = format!("a Tel{gap}2125550143");
    assert!(has(&d, &text, "phone", "2125550143"));
}

#[test]
fn numbers_in_brackets_after_their_label() {
    let d = detector(&["global", "us"]);
    assert!(has(&d, "my SSN (536-22-1234)", "us_ssn", "536-22-1234"));
    assert!(has(
        &d,
        "card number (4111 1111 1111 1111)",
        "creditCard",
        "4111 1111 1111 1111"
    ));
    assert!(has(&d, "phone (212-555-0143)", "phone", "212-555-0143"));
    assert!(has(
        &d,
        "server (192.168.1.1) down",
        "ipAddress",
        "192.168.1.1"
    ));
    // A bracket that closes after the area code belongs to the number.
    assert!(has(&d, "at (415) 555-2671", "phone", "(415) 555-2671"));
}

#[test]
fn dates_with_connectors_and_ordinals() {
    let d = detector(&["global", "es"]);
    for (text, value) in [
        (
            "nació el 10 de junio de 2024 en Madrid",
            "10 de junio de 2024",
        ),
        ("fecha: 3 de marzo de 1990", "3 de marzo de 1990"),
        ("born 27th September 1957 in Leeds", "27th September 1957"),
        ("born on the 1st of May 2001", "1st of May 2001"),
    ] {
        assert!(
            has(&d, text, "date", value),
            "{text}: {:?}",
            found(&d, text)
        );
    }
}

#[test]
fn version_strings_are_not_ip_addresses() {
    let d = detector(&["global"]);
    for text in [
        "upgrade to version 1.2.3.4 now",
        "Version: 10.0.0.1",
        "firmware 2.1.0.7 released",
        "build 1.2.3.4.5 failed",
        "v1.2.3.4 tagged",
    ] {
        assert!(
            !found(&d, text).iter().any(|(c, _)| c == "ipAddress"),
            "{text}: {:?}",
            found(&d, text)
        );
    }
    assert!(has(&d, "host 10.0.0.1 is down", "ipAddress", "10.0.0.1"));
}

#[test]
fn isbn_digits_are_not_ssns() {
    let d = detector(&["global", "us"]);
    // python-stdnum: all valid ISBNs; 123-45-6789-X and 536-22-1234-6 have SSN-shaped digits.
    for text in [
        "ISBN 536-22-1234-6 in stock",
        "ordered 123-45-6789-X today",
        "ISBN-13: 978-0-306-40615-7",
        "ISBN 0306406152",
    ] {
        assert!(found(&d, text).is_empty(), "{text}: {:?}", found(&d, text));
    }
    // The same digits without the ISBN's check character are an SSN.
    assert!(has(&d, "SSN 536-22-1234", "us_ssn", "536-22-1234"));
}

#[test]
fn a_bracketed_trunk_prefix_keeps_the_country_code() {
    let d = detector(&["global"]);
    // phonenumbers: "+44 (0)7725 123456" and "+44 (0)20 7946 0958" are valid GB numbers.
    for value in ["+44 (0)7725 123456", "+44 (0)20 7946 0958"] {
        let text = format!("Ring {value} today");
        assert!(has(&d, &text, "phone", value), "{:?}", found(&d, &text));
    }
}
