//! Recognizers driven through a detector, one behaviour per test.

use tokenvault_core::policy::{CustomPattern, DetectionSettings, Severity};

use crate::Detector;

fn detector(languages: &[&str], categories: &[&str]) -> Detector {
    let settings = DetectionSettings {
        categories: categories.iter().map(|s| s.to_string()).collect(),
        languages: languages.iter().map(|s| s.to_string()).collect(),
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

fn all() -> Detector {
    detector(crate::LANGUAGES, &[])
}

fn pair(c: &str, v: &str) -> (String, String) {
    (c.to_owned(), v.to_owned())
}

#[test]
fn seed_iban_offsets_are_characters() {
    let d = detector(&["global", "tr"], &["iban"]);
    let text = "Wire to IBAN TR33 0006 1005 1978 6457 8413 26 before Friday";
    let f = d.detect(text).unwrap();
    assert_eq!(f.len(), 1);
    assert_eq!((f[0].start, f[0].end), (13, 45));
    // The same text behind non-ASCII characters: offsets count characters, not bytes.
    let text = "Ödeme → IBAN TR33 0006 1005 1978 6457 8413 26 before Friday";
    let f = d.detect(text).unwrap();
    assert_eq!((f[0].start, f[0].end), (13, 45));
    assert_eq!(f[0].byte_start, 16);
}

#[test]
fn failed_checksums_are_not_findings() {
    // Phones are off: "943 476 5918" is a valid US number, whatever it fails as an NHS number.
    let cats: Vec<&str> = crate::CATEGORIES
        .iter()
        .map(|c| c.name)
        .filter(|n| !n.contains("phone"))
        .collect();
    let d = detector(crate::LANGUAGES, &cats);
    for text in [
        "IBAN TR33 0006 1005 1978 6457 8413 27",
        "card 4111 1111 1111 1112",
        "TC kimlik 10000000147",
        "aadhaar 4991 1866 5247",
        "NHS 943 476 5918",
        "DNI 12345678A",
        "wallet 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb",
        "wallet 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD",
    ] {
        assert_eq!(found(&d, text), vec![], "{text}");
    }
}

#[test]
fn validated_values_are_found() {
    let d = all();
    let cases = [
        (
            "card 4111 1111 1111 1111 ok",
            "creditCard",
            "4111 1111 1111 1111",
        ),
        ("amex 3782 822463 10005.", "creditCard", "3782 822463 10005"),
        ("User 10000000146 logged in", "tc_kimlik", "10000000146"),
        ("SSN 536-90-4399 on file", "us_ssn", "536-90-4399"),
        ("ITIN 912-70-1234 on file", "us_itin", "912-70-1234"),
        ("routing number 121000358", "us_aba_routing", "121000358"),
        ("SIN 130 692 544", "ca_sin", "130 692 544"),
        ("NI number AB 12 34 56 C", "gb_nino", "AB 12 34 56 C"),
        ("NHS number 943 476 5919", "gb_nhs", "943 476 5919"),
        ("Steuer-ID 86095742719", "de_tax_id", "86095742719"),
        ("DNI 12345678Z", "es_nif", "12345678Z"),
        ("NIE X1234567L", "es_nie", "X1234567L"),
        ("Aadhaar 4991 1866 5246", "in_aadhaar", "4991 1866 5246"),
        ("PAN ABCPE1234F", "in_pan", "ABCPE1234F"),
        (
            "NIR 2 55 08 14 168 025 38",
            "fr_nir",
            "2 55 08 14 168 025 38",
        ),
        ("BSN 111222333", "nl_bsn", "111222333"),
        ("PESEL 44051401359", "pl_pesel", "44051401359"),
        ("CPF 529.982.247-25", "br_cpf", "529.982.247-25"),
        ("TFN 123 456 782", "au_tfn", "123 456 782"),
        ("Medicare 2123 45670 1", "au_medicare", "2123 45670 1"),
        ("passport C03005988", "us_passport", "C03005988"),
        ("server 192.168.1.42 down", "ipAddress", "192.168.1.42"),
        (
            "from 2001:db8::8a2e:370:7334.",
            "ipAddress",
            "2001:db8::8a2e:370:7334",
        ),
        ("nic 00:1A:2B:3C:4D:5E", "macAddress", "00:1A:2B:3C:4D:5E"),
        (
            "see https://acme.com/a?b=1.",
            "url",
            "https://acme.com/a?b=1",
        ),
        ("mail ops@acme.com!", "email", "ops@acme.com"),
        (
            "btc 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
            "cryptoWallet",
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
        ),
        (
            "segwit bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
            "cryptoWallet",
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
        ),
        (
            "eth 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "cryptoWallet",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        ),
        ("born 1985-03-12", "date", "1985-03-12"),
        ("born 12 March 1985", "date", "12 March 1985"),
        ("doğum 12 Şubat 1985", "date", "12 Şubat 1985"),
        (
            "call +90 532 555 22 33 now",
            "tr_phone",
            "+90 532 555 22 33",
        ),
        ("call 0532 111 22 33 now", "tr_phone", "0532 111 22 33"),
        ("call +44 20 7946 0958 now", "phone", "+44 20 7946 0958"),
        ("call (415) 555-2671 now", "phone", "(415) 555-2671"),
    ];
    for (text, category, value) in cases {
        assert_eq!(found(&d, text), vec![pair(category, value)], "{text}");
    }
}

#[test]
fn weak_formats_need_context() {
    let d = all();
    assert_eq!(found(&d, "order 121000358 shipped"), vec![]);
    assert_eq!(
        found(&d, "ABA routing 121000358"),
        vec![pair("us_aba_routing", "121000358")]
    );
    assert_eq!(found(&d, "ref C03005988"), vec![]);
}

#[test]
fn one_numeric_run_holds_several_values() {
    let d = all();
    assert_eq!(
        found(&d, "SSN 536-90-4399 4111 1111 1111 1111"),
        vec![
            pair("us_ssn", "536-90-4399"),
            pair("creditCard", "4111 1111 1111 1111")
        ]
    );
}

#[test]
fn only_enabled_categories_and_packs() {
    let d = detector(&["global"], &["email", "tc_kimlik"]);
    // tc_kimlik is in the tr pack, which the policy does not scan.
    assert_eq!(
        found(&d, "User 10000000146 emailed ops@acme.com from 10.0.0.1"),
        vec![pair("email", "ops@acme.com")]
    );
}

#[test]
fn phone_outside_tr_pack_is_phone() {
    let d = detector(&["global"], &["phone"]);
    assert_eq!(
        found(&d, "Caller +90 532 555 22 33 emailed"),
        vec![pair("phone", "+90 532 555 22 33")]
    );
    // National forms need a pack or locale that says how to read them.
    assert_eq!(found(&d, "call 0532 111 22 33 now"), vec![]);
}

#[test]
fn glued_candidates_are_ignored() {
    let d = all();
    assert_eq!(found(&d, "id A4111111111111111 x"), vec![]);
    assert_eq!(found(&d, "v10000000146b"), vec![]);
}

#[test]
fn custom_patterns_find_and_label() {
    let settings = DetectionSettings {
        categories: vec!["email".into()],
        custom_patterns: vec![CustomPattern {
            name: "order id".into(),
            regex: r"ORD-[0-9]{6}".into(),
            severity: Severity::Low,
        }],
        ..DetectionSettings::default()
    };
    let d = Detector::new(&settings, None).unwrap();
    let f = d.detect("ORD-123456 for a@b.io").unwrap();
    assert_eq!(f.len(), 2);
    assert_eq!(f[0].category, "order id");
    assert_eq!(f[0].label, "ORDER_ID");
    assert_eq!(f[0].severity, Severity::Low);
}

#[test]
fn invalid_or_huge_custom_patterns_are_refused() {
    assert!(crate::check_pattern("(unclosed")
        .unwrap_err()
        .reason
        .contains("invalid regex"));
    assert!(crate::check_pattern(r"\w{1000}{1000}")
        .unwrap_err()
        .reason
        .contains("too large"));
}

/// Issue 17: a host without a top-level domain is not a URL (`www.example`), while real
/// hosts, IPv4 hosts and `localhost` still are.
#[test]
fn urls_need_a_top_level_domain() {
    let d = all();
    for text in [
        "see www.example for more",
        "at www.example.",
        "ping www.acme",
    ] {
        assert!(
            found(&d, text).iter().all(|(c, _)| c != "url"),
            "{text}: {:?}",
            found(&d, text)
        );
    }
    for (text, url) in [
        ("see www.example.com now", "www.example.com"),
        ("at http://localhost:8080/x ok", "http://localhost:8080/x"),
        (
            "go https://münchen.xn--p1ai/a ok",
            "https://münchen.xn--p1ai/a",
        ),
        ("see https://acme.co.uk/a.", "https://acme.co.uk/a"),
    ] {
        assert!(
            found(&d, text).contains(&pair("url", url)),
            "{text}: {:?}",
            found(&d, text)
        );
    }
}

#[test]
fn overlapping_readings_keep_the_most_confident() {
    let d = all();
    // A URL holding an e-mail address and an IP: the URL (longer, as confident) wins whole.
    assert_eq!(
        found(&d, "go to http://10.0.0.1/u/a@b.io now"),
        vec![pair("url", "http://10.0.0.1/u/a@b.io")]
    );
}

#[test]
fn arbitrary_text_never_panics_and_offsets_are_in_bounds() {
    let d = all();
    for text in [
        "",
        "+",
        "((((((((((1",
        "1.2.3.4.5.6.7.8.9",
        "ŞŞŞ 12 Şubat 2024 ŞŞŞ ١٢٣٤٥٦٧٨٩",
        "::::::::",
        "@@@@ a@b.c",
    ] {
        let chars = text.chars().count();
        for f in d.detect(text).unwrap() {
            assert!(f.start < f.end && f.end <= chars, "{text}");
        }
    }
}

#[test]
fn the_request_locale_adds_its_national_phone_forms() {
    let d = detector(&["global"], &["phone"]);
    assert_eq!(found(&d, "call 020 7946 0958 now"), vec![]);
    let f = d
        .detect_in("call 020 7946 0958 now", Some("en-GB"))
        .unwrap();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].category, "phone");
}

#[test]
fn another_categorys_word_keeps_a_national_number_from_reading_as_a_phone() {
    let d = detector(&["global", "de", "gb"], &["phone", "gb_nhs"]);
    // A wrong NHS check digit; the digits happen to be a valid German number.
    assert_eq!(found(&d, "NHS number 039 215 0396"), vec![]);
    // With a phone word of its own, it is a phone.
    assert_eq!(
        found(&d, "Telefon 039 215 0396"),
        vec![pair("phone", "039 215 0396")]
    );
}

/// Issue 17: addresses right after an opening bracket, IPv6 ending in `::`, with a prefix
/// length or a zone, and inside a bracketed URL host.
#[test]
fn ip_addresses_in_brackets_and_compressed_forms() {
    let d = all();
    for (text, ip) in [
        ("host (192.168.1.1) down", "192.168.1.1"),
        ("net 2001:db8:: is documentation", "2001:db8::"),
        ("route 2001:db8::/32 now", "2001:db8::/32"),
        ("link fe80::/10 local", "fe80::/10"),
        ("iface fe80::1%eth0 up", "fe80::1%eth0"),
    ] {
        let f = found(&d, text);
        assert!(f.contains(&pair("ipAddress", ip)), "{text}: {f:?}");
    }
    // A bracketed IPv6 host makes a URL; a fragment of a glued token is nothing.
    let f = found(&d, "open http://[2001:db8::1]/path now");
    assert!(
        f.contains(&pair("url", "http://[2001:db8::1]/path")),
        "{f:?}"
    );
    let f = found(&d, "id text2001:db8::1 end");
    assert!(f.iter().all(|(c, _)| c != "ipAddress"), "{f:?}");
}

/// Issue 17: ISO 8601 date-times keep their date; day-month-year with a month name and dashes.
#[test]
fn iso_date_times_and_dashed_month_names() {
    let d = all();
    for (text, date) in [
        ("at 2024-03-15T14:30:00-05:00 sharp", "2024-03-15"),
        ("at 2024-03-15T14:30Z sharp", "2024-03-15"),
        ("born 5-May-2021 in", "5-May-2021"),
        ("born 5-MAY-2021 in", "5-MAY-2021"),
    ] {
        let f = found(&d, text);
        assert!(f.contains(&pair("date", date)), "{text}: {f:?}");
    }
    // A letter other than the time designator still glues.
    let f = found(&d, "ref 2024-03-15X14 end");
    assert!(f.iter().all(|(c, _)| c != "date"), "{f:?}");
}

/// Issue 17: card schemes the issuer table lacked, and Spanish identifiers typed in lower case. Test
/// numbers: UATP 135410014004955 and Dankort 5019717010103742 are payment processors'
/// published test cards; their Luhn digits and the lower-case NIE/NIF were checked with
/// python-stdnum 1.20 (`luhn.is_valid`, `es.nie.is_valid`, `es.nif.is_valid`).
#[test]
fn uatp_dankort_and_lower_case_identifiers() {
    let d = all();
    for (text, cat, v) in [
        ("card 135410014004955 ok", "creditCard", "135410014004955"),
        ("card 5019717010103742 ok", "creditCard", "5019717010103742"),
        ("nie x9613851n ok", "es_nie", "x9613851n"),
        ("nif 12345678z ok", "es_nif", "12345678z"),
        ("my nino tw987654a", "gb_nino", "tw987654a"),
        ("NI number ab 12 34 56 c", "gb_nino", "ab 12 34 56 c"),
    ] {
        let f = found(&d, text);
        assert!(f.contains(&pair(cat, v)), "{text}: {f:?}");
    }
    // A lower-case NINO shape without its word is not reported; a barred prefix never is.
    for text in ["ref tw987654a", "nino qq123456c", "NINO GB123456A"] {
        let f = found(&d, text);
        assert!(f.iter().all(|(c, _)| c != "gb_nino"), "{text}: {f:?}");
    }
    // A failed check digit is still nothing.
    for text in [
        "card 135410014004956 ok",
        "card 5019717010103743 ok",
        "nie x9613851m ok",
    ] {
        let f = found(&d, text);
        assert!(
            f.iter().all(|(c, _)| c != "creditCard" && c != "es_nie"),
            "{text}: {f:?}"
        );
    }
}

/// Issue 17's national identifiers: found in their usual form or beside a context word, with
/// their values from python-stdnum; a changed check digit, or a plain run without a context
/// word, is not a finding.
#[test]
fn national_identifiers_of_the_new_packs() {
    let d = all();
    for (text, category, value) in [
        (
            "ABN 83 914 571 673 on the invoice",
            "au_abn",
            "83 914 571 673",
        ),
        ("company ACN 004 085 616", "au_acn", "004 085 616"),
        ("prescriber NPI 1234567893", "us_npi", "1234567893"),
        ("personnummer 880320-0016", "se_personnummer", "880320-0016"),
        (
            "personnummer 19880320-0016",
            "se_personnummer",
            "19880320-0016",
        ),
        ("organisationsnummer 138134-1252", "se_orgnr", "138134-1252"),
        ("ID number 7503305044089", "za_id", "7503305044089"),
        ("주민등록번호 971013-9019902", "kr_rrn", "971013-9019902"),
        ("เลขประจำตัวประชาชน 3100600445635", "th_pin", "3100600445635"),
        ("thai id 1-2345-45678-78-1", "th_pin", "1-2345-45678-78-1"),
    ] {
        let got = found(&d, text);
        assert!(got.contains(&pair(category, value)), "{text}: {got:?}");
    }
    // One check digit changed: nothing of that category.
    for (text, category) in [
        ("ABN 83 914 571 674", "au_abn"),
        ("ACN 004 085 617", "au_acn"),
        ("NPI 1234567894", "us_npi"),
        ("personnummer 880320-0018", "se_personnummer"),
        ("organisationsnummer 138134-1253", "se_orgnr"),
        ("ID number 7503305044088", "za_id"),
        ("주민등록번호 971013-9019903", "kr_rrn"),
        ("thai id 1-2345-45678-78-9", "th_pin"),
    ] {
        let got = found(&d, text);
        assert!(got.iter().all(|(c, _)| c != category), "{text}: {got:?}");
    }
    // Near misses: a valid ACN or NPI as a bare number in prose is not reported without its
    // word, and a 13th month is no birth date.
    for (text, category) in [
        ("order 004085616 shipped", "au_acn"),
        ("ticket 1234567893 closed", "us_npi"),
        ("personnummer 881320-0016", "se_personnummer"),
    ] {
        let got = found(&d, text);
        assert!(got.iter().all(|(c, _)| c != category), "{text}: {got:?}");
    }
    // Only with their packs.
    let gb = detector(&["global", "gb"], &[]);
    assert!(found(&gb, "personnummer 880320-0016")
        .iter()
        .all(|(c, _)| c != "se_personnummer"));
}

/// The new packs read their country's national phone forms (numbers python's `phonenumbers`,
/// libphonenumber's port, calls valid for SE, ZA, KR and TH); without the pack they are not.
#[test]
fn the_new_packs_read_their_national_phone_numbers() {
    for (pack, number) in [
        ("sv", "070-123 45 67"),
        ("za", "082 123 4567"),
        ("ko", "010-1234-5678"),
        ("th", "081 234 5678"),
    ] {
        let text = format!("call me on {number} tonight");
        let with = detector(&["global", pack], &["phone"]);
        assert_eq!(found(&with, &text), vec![pair("phone", number)], "{pack}");
        let without = detector(&["global"], &["phone"]);
        assert_eq!(found(&without, &text), vec![], "{pack}");
    }
}

/// Finnish HETU (a shape of its own: letters in it) and the Italian VAT number, with values
/// python-stdnum accepts; a changed control character, or a bare VAT number, is no finding.
#[test]
fn finnish_hetu_and_italian_vat() {
    let d = all();
    for (text, category, value) in [
        ("henkilötunnus 131052-308T.", "fi_hetu", "131052-308T"),
        ("hetu 200594A816H ok", "fi_hetu", "200594A816H"),
        ("sotu 131052-308t", "fi_hetu", "131052-308t"),
        ("Partita IVA 00743110157", "it_vat", "00743110157"),
    ] {
        let got = found(&d, text);
        assert!(got.contains(&pair(category, value)), "{text}: {got:?}");
    }
    for (text, category) in [
        ("hetu 131052-308U", "fi_hetu"),
        ("hetu 310299-308T", "fi_hetu"),
        ("Partita IVA 00743110158", "it_vat"),
        ("order 00743110157 shipped", "it_vat"),
    ] {
        let got = found(&d, text);
        assert!(got.iter().all(|(c, _)| c != category), "{text}: {got:?}");
    }
}

/// Italian codice fiscale and German VAT id (shapes of their own), values python-stdnum
/// accepts; a changed control character is no finding.
#[test]
fn italian_fiscal_code_and_german_vat_id() {
    let d = all();
    for (text, category, value) in [
        (
            "codice fiscale RCCMNL83S18D969H.",
            "it_fiscal_code",
            "RCCMNL83S18D969H",
        ),
        ("CF: BNXYNT56A58W118F", "it_fiscal_code", "BNXYNT56A58W118F"),
        ("USt-IdNr. DE762230128", "de_vat", "DE762230128"),
        ("VAT DE 309211059 ok", "de_vat", "DE 309211059"),
    ] {
        let got = found(&d, text);
        assert!(got.contains(&pair(category, value)), "{text}: {got:?}");
    }
    for (text, category) in [
        ("codice fiscale RCCMNL83S18D969A", "it_fiscal_code"),
        ("USt-IdNr. DE762230129", "de_vat"),
    ] {
        let got = found(&d, text);
        assert!(got.iter().all(|(c, _)| c != category), "{text}: {got:?}");
    }
}

/// The US MBI in the format CMS specifies ("Understanding the Medicare Beneficiary Identifier
/// Format": its example 1EG4-TE5-MK73), beside a context word; never with a letter the format
/// excludes, nor alone.
#[test]
fn us_medicare_beneficiary_identifier() {
    let d = all();
    for (text, value) in [
        ("MBI 1EG4-TE5-MK73 on the card", "1EG4-TE5-MK73"),
        ("medicare number 1EG4TE5MK73", "1EG4TE5MK73"),
    ] {
        assert!(found(&d, text).contains(&pair("us_mbi", value)), "{text}");
    }
    for text in [
        "MBI 1EG4-TS5-MK73",
        "MBI 0EG4-TE5-MK73",
        "part 1EG4-TE5-MK73 shipped",
    ] {
        assert!(found(&d, text).iter().all(|(c, _)| c != "us_mbi"), "{text}");
    }
}

/// The Indian GSTIN: found with values python-stdnum accepts; a changed check character is
/// not; the PAN inside it is not reported separately.
#[test]
fn indian_gstin() {
    let d = all();
    assert_eq!(
        found(&d, "GSTIN 27AAPFU0939F1ZV on the invoice"),
        vec![pair("in_gstin", "27AAPFU0939F1ZV")]
    );
    assert!(found(&d, "GSTIN 27AAPFU0939F1ZO")
        .iter()
        .all(|(c, _)| c != "in_gstin"));
}

/// Nigeria's NIN and the Philippines' TIN have no check digit: found only beside their words;
/// the `ng` and `fil` packs read their national mobile numbers (valid under
/// python-phonenumbers for NG and PH).
#[test]
fn nigerian_nin_philippine_tin_and_their_phones() {
    let d = all();
    assert!(found(&d, "my NIN is 12345678901").contains(&pair("ng_nin", "12345678901")));
    assert!(found(&d, "TIN 123-456-789-000").contains(&pair("ph_tin", "123-456-789-000")));
    for text in ["order 12345678901 shipped", "ref 123-456-789-000 closed"] {
        assert!(
            found(&d, text)
                .iter()
                .all(|(c, _)| c != "ng_nin" && c != "ph_tin"),
            "{text}"
        );
    }
    for (pack, number) in [("ng", "0803 123 4567"), ("fil", "0917 123 4567")] {
        let with = detector(&["global", pack], &["phone"]);
        assert_eq!(
            found(&with, &format!("call {number} today")),
            vec![pair("phone", number)],
            "{pack}"
        );
    }
}

/// The Indian voter id (EPIC) as python-stdnum's `in_.epic` judges it (its example and numbers
/// it accepts), beside a context word; a changed check digit, or no word, is no finding.
#[test]
fn indian_voter_id() {
    let d = all();
    for v in ["WKH1186253", "QQL8827685", "CVV5107289"] {
        let text = format!("voter id {v} attached");
        assert!(found(&d, &text).contains(&pair("in_voter_id", v)), "{text}");
    }
    for text in ["voter id WKH1186263", "ref WKH1186253 closed"] {
        assert!(
            found(&d, text).iter().all(|(c, _)| c != "in_voter_id"),
            "{text}"
        );
    }
}

/// Context-only identifiers: a US bank account number, a Spanish or Korean passport number,
/// found beside their words and never without them.
#[test]
fn bank_accounts_and_passports_need_their_words() {
    let d = all();
    for (text, category, value) in [
        (
            "bank account 000123456789 at Chase",
            "us_bank_account",
            "000123456789",
        ),
        ("pasaporte PAA123456 caduca", "es_passport", "PAA123456"),
        ("여권번호 M12345678", "kr_passport", "M12345678"),
    ] {
        let got = found(&d, text);
        assert!(got.contains(&pair(category, value)), "{text}: {got:?}");
    }
    for text in [
        "order 000123456789 shipped",
        "ref PAA123456",
        "code M12345678",
        "account 11111111",
    ] {
        let got = found(&d, text);
        assert!(
            got.iter().all(|(c, _)| !matches!(
                c.as_str(),
                "us_bank_account" | "es_passport" | "kr_passport"
            )),
            "{text}: {got:?}"
        );
    }
}
