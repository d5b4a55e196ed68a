//! The person/address/organization/location rule layer, behaviour by behaviour (issue 15,
//! item 2). Accuracy on an outside corpus is `entities_accuracy.rs`.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use tokenvault_core::policy::DetectionSettings;
use tokenvault_detect::{transform, Detector};

fn detector(categories: &[&str]) -> Detector {
    let settings = DetectionSettings {
        categories: categories.iter().map(|s| s.to_string()).collect(),
        ..DetectionSettings::default()
    };
    Detector::new(&settings, None).unwrap()
}

fn found(d: &Detector, text: &str) -> Vec<(String, String)> {
    d.detect(text)
        .unwrap()
        .into_iter()
        .map(|f| (f.category, text[f.byte_start..f.byte_end].to_owned()))
        .collect()
}

fn pair(c: &str, v: &str) -> (String, String) {
    (c.to_owned(), v.to_owned())
}

#[test]
fn the_issue_example_is_found_whole() {
    let d = detector(&["person", "address", "organization"]);
    let text = "Hi, I'm Sarah Thompson, 42 Maple Street, Springfield IL 62704, I work at Globex Corporation";
    assert_eq!(
        found(&d, text),
        vec![
            pair("person", "Sarah Thompson"),
            pair("address", "42 Maple Street, Springfield IL 62704"),
            pair("organization", "Globex Corporation"),
        ]
    );
    let out = transform::redact(text, &d.detect(text).unwrap());
    assert_eq!(
        out.text,
        "Hi, I'm [REDACTED_PERSON], [REDACTED_ADDRESS], I work at [REDACTED_ORGANIZATION]"
    );
}

#[test]
fn names_follow_titles_and_cues() {
    let d = detector(&["person"]);
    for (text, name) in [
        ("Please ask Dr. Okonkwo to call", "Okonkwo"),
        ("Sehr geehrte Frau Schneider", "Schneider"),
        ("Sayın Bay Yılmaz", "Yılmaz"),
        ("my name is Ingrid Solberg", "Ingrid Solberg"),
        ("Regards,\nTomasz Wiśniewski", "Tomasz Wiśniewski"),
        ("Hi Paul, thanks", "Paul"),
        ("Signed by Helena C. Carlsen today", "Helena C. Carlsen"),
    ] {
        assert_eq!(found(&d, text), vec![pair("person", name)], "{text}");
    }
}

#[test]
fn everyday_words_that_are_given_names_need_more() {
    let d = detector(&["person"]);
    for text in [
        "May I ask a question?",
        "Bill me monthly.",
        "Will the refund arrive?",
        "Mark this as done.",
        "Grant access to the folder.",
        "Wall Street closed higher.",
    ] {
        assert_eq!(found(&d, text), vec![], "{text}");
    }
    assert_eq!(
        found(&d, "Our agent Will Thompson called"),
        vec![pair("person", "Will Thompson")]
    );
}

#[test]
fn a_name_found_once_is_found_again_and_an_email_strengthens_it() {
    let d = detector(&["person", "email"]);
    let text = "Sarah Thompson wrote again. Thompson says the parcel is late.";
    assert_eq!(
        found(&d, text),
        vec![pair("person", "Sarah Thompson"), pair("person", "Thompson")]
    );
    let plain = d.detect("The singer Okari Tanvu left.").unwrap();
    let spelled = d
        .detect("The singer Okari Tanvu left; write to okari.tanvu@example.com")
        .unwrap();
    assert!(spelled[0].confidence > plain[0].confidence);
    // Only an address near the name counts (the same message, not anywhere in a long text).
    let far = d
        .detect(&format!(
            "The singer Okari Tanvu left. {} write to okari.tanvu@example.com",
            "Nothing else to add here. ".repeat(40)
        ))
        .unwrap();
    assert_eq!(far[0].confidence, plain[0].confidence);
}

#[test]
fn addresses_of_each_grammar() {
    let d = detector(&["address"]);
    for (text, address) in [
        (
            "ship to 1600 Pennsylvania Ave NW, Washington, DC 20500 now",
            "1600 Pennsylvania Ave NW, Washington, DC 20500",
        ),
        (
            "Send it to 10 Downing Street, London SW1A 2AA today",
            "10 Downing Street, London SW1A 2AA",
        ),
        (
            "office: 12 rue de la Paix, 75002 Paris",
            "12 rue de la Paix, 75002 Paris",
        ),
        (
            "Calle Mayor 5, 28013 Madrid es la dirección",
            "Calle Mayor 5, 28013 Madrid",
        ),
        (
            "Wohnung in der Mattenstrasse 108, 4450 Sissach",
            "Mattenstrasse 108, 4450 Sissach",
        ),
        (
            "adres: Atatürk Cad. No: 5 Kadıköy",
            "Atatürk Cad. No: 5 Kadıköy",
        ),
        (
            "bezoek Kalverstraat 12, 1012 NX Amsterdam",
            "Kalverstraat 12, 1012 NX Amsterdam",
        ),
        (
            "write to P.O. Box 255, Kangerlussuaq",
            "P.O. Box 255, Kangerlussuaq",
        ),
        (
            "123 Main St, Apt 4B, Toronto, ON M5V 2T6",
            "123 Main St, Apt 4B, Toronto, ON M5V 2T6",
        ),
        (
            "to 6137 Akurgerði 6 Apt. 805, STEINKREUZ, Austria 41981 for post",
            "6137 Akurgerði 6 Apt. 805, STEINKREUZ, Austria 41981",
        ),
        (
            "Meet me at 7872 Heb Place\n Apt. 595\n The Gardens\n New Zealand 21800",
            "7872 Heb Place\n Apt. 595\n The Gardens\n New Zealand 21800",
        ),
        (
            "Address:\nPSC 2221, Box 9693\nAPO AA 76936",
            "PSC 2221, Box 9693\nAPO AA 76936",
        ),
        (
            "mail it to\nUSCGC Carey\nFPO AA 73545",
            "USCGC Carey\nFPO AA 73545",
        ),
        (
            "meet at the corner of 262 Thisseos Avenue and Semmens Greens tonight",
            "the corner of 262 Thisseos Avenue and Semmens Greens",
        ),
    ] {
        assert_eq!(found(&d, text), vec![pair("address", address)], "{text}");
    }
    for text in [
        "The Main Street branch opens at nine.",
        "Turn left on Park Avenue.",
        "We moved 3 boxes Street side",
    ] {
        assert_eq!(found(&d, text), vec![], "{text}");
    }
}

#[test]
fn organizations_by_legal_form_and_cue() {
    let d = detector(&["organization"]);
    for (text, org) in [
        ("invoice from Acme Widgets LLC today", "Acme Widgets LLC"),
        ("a unit of Siemens AG", "Siemens AG"),
        (
            "merged into Accell Group N.V. last year",
            "Accell Group N.V.",
        ),
        ("Koç Holding A.Ş. announced", "Koç Holding A.Ş."),
        ("The address of IIFL Holdings Ltd is", "IIFL Holdings Ltd"),
        (
            "she studied at the University of Tartu",
            "University of Tartu",
        ),
        ("I work for Initech these days", "Initech"),
    ] {
        assert_eq!(found(&d, text), vec![pair("organization", org)], "{text}");
    }
    // Lower-case or word-like legal forms are words.
    assert_eq!(found(&d, "the company as a whole"), vec![]);
}

#[test]
fn the_rule_layer_is_off_unless_listed() {
    let text = "I'm originally from Switzerland";
    let default = Detector::new(&DetectionSettings::default(), None).unwrap();
    assert!(found(&default, text).is_empty());
    assert!(found(&default, "Hi, I'm Sarah Thompson, 42 Maple Street").is_empty());
    assert_eq!(
        found(&detector(&["location"]), text),
        vec![pair("location", "Switzerland")]
    );
}

/// Hostile repetition gives a bounded answer (the work itself is linear by construction: every
/// pass walks the tokens once with bounded look-around; no test here measures it).
#[test]
fn hostile_repetition_gives_a_bounded_answer() {
    let d = detector(&["person", "address", "organization", "location"]);
    // Capitalised words, numbers and street types repeated: every finding stays bounded.
    let text = "Mr Sarah Street 12 Inc ".repeat(20_000);
    let found = d.detect(&text).unwrap();
    assert!(found.len() <= 20_000 * 3, "{}", found.len());
}

#[test]
fn a_policy_lists_its_own_organizations() {
    let settings = DetectionSettings {
        categories: vec!["organization".into()],
        organizations: tokenvault_core::policy::NameLists {
            deny: vec!["Initech".into(), "Blue Sun".into()],
            allow: vec!["Globex Corporation".into()],
        },
        ..DetectionSettings::default()
    };
    let d = Detector::new(&settings, None).unwrap();
    let text = "initech and Blue Sun bought Globex Corporation; Initechnology is not listed";
    assert_eq!(
        found(&d, text),
        vec![
            pair("organization", "initech"),
            pair("organization", "Blue Sun")
        ]
    );
}
