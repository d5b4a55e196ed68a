//! Identifiers read only after their label (issue 17): passports, driving licences, plates,
//! postcodes, registry numbers. Each category: a value after its label is found, the same
//! value without a label is not, and a value its rule refuses is not. Check digits and rules
//! are tested against their sources in `recognize/labelled_rules.rs`.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use tokenvault_core::policy::DetectionSettings;
use tokenvault_detect::{Detector, LANGUAGES};

fn detector(categories: &[&str]) -> Detector {
    let settings = DetectionSettings {
        languages: LANGUAGES.iter().map(|s| s.to_string()).collect(),
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

/// (category, labelled text, value, the value alone in a sentence, a refused value after
/// its label)
const CASES: &[(&str, &str, &str, &str, &str)] = &[
    (
        "kr_brn",
        "사업자등록번호: 116-82-00276",
        "116-82-00276",
        "ref 116-82-00276 ok",
        "사업자등록번호: 100-82-00276",
    ),
    (
        "kr_driving_licence",
        "운전면허번호 11-12-345678-90",
        "11-12-345678-90",
        "code 11-12-345678-90",
        "운전면허번호 31-12-345678-90",
    ),
    (
        "sg_uen",
        "UEN 197401143C",
        "197401143C",
        "ref 197401143C",
        "UEN 197401143D",
    ),
    (
        "de_passport",
        "Reisepass Nr. C01X00T478",
        "C01X00T478",
        "Code C01X00T478",
        "Reisepass Nr. C01X00T470",
    ),
    (
        "de_id_card",
        "Personalausweis: T220001293",
        "T220001293",
        "Kunde T220001293",
        "Personalausweis: T220001294",
    ),
    (
        "de_handelsregister",
        "Amtsgericht München HRB 123456",
        "HRB 123456",
        "",
        "Amtsgericht München HRB 0123",
    ),
    (
        "de_plate",
        "Kennzeichen B-AB 1234",
        "B-AB 1234",
        "Raum B-AB 1234",
        "Kennzeichen B-AB 0123",
    ),
    (
        "tr_plate",
        "araç plakası 34 ABC 123",
        "34 ABC 123",
        "oda 34 ABC 123",
        "araç plakası 99 ABC 123",
    ),
    (
        "ng_plate",
        "plate number ABC-123DE",
        "ABC-123DE",
        "code ABC-123DE",
        "plate number AB-123DE",
    ),
    (
        "gb_passport",
        "passport number 925076473",
        "925076473",
        "order 925076473",
        "passport number 92507647",
    ),
    (
        "gb_driving_licence",
        "driving licence MORGA753116SM9IJ",
        "MORGA753116SM9IJ",
        "ref MORGA753116SM9IJ",
        "driving licence MORGA713116SM9IJ",
    ),
    (
        "gb_postcode",
        "postcode SW1A 1AA",
        "SW1A 1AA",
        "",
        "postcode QW1 1AA",
    ),
    (
        "gb_vehicle_reg",
        "vehicle registration BD51 SMR",
        "BD51 SMR",
        "code BD51 SMR",
        "vehicle registration BD31 SMR",
    ),
    (
        "in_passport",
        "passport no: J8369854",
        "J8369854",
        "code J8369854",
        "passport no: Q8369854",
    ),
    (
        "in_vehicle_reg",
        "vehicle number MH 12 AB 1234",
        "MH 12 AB 1234",
        "code MH 12 AB 1234",
        "vehicle number XX 12 AB 1234",
    ),
    (
        "it_passport",
        "passaporto YA1234567",
        "YA1234567",
        "codice YA1234567",
        "passaporto Y1234567",
    ),
    (
        "it_id_card",
        "carta d'identità CA12345AB",
        "CA12345AB",
        "codice CA12345AB",
        "carta d'identità CA1234AB",
    ),
    (
        "it_driving_licence",
        "patente U1A2B3C4DX",
        "U1A2B3C4DX",
        "codice U1A2B3C4DX",
        "patente U1A2B3C4D5",
    ),
    (
        "us_driver_licence",
        "driver's license D1234567",
        "D1234567",
        "code D1234567",
        "driver's license D12",
    ),
    (
        "de_postcode",
        "PLZ 10115 Berlin",
        "10115",
        "Raum 10115 Berlin",
        "PLZ 00999",
    ),
    (
        "de_driving_licence",
        "Führerscheinnummer B072RRE2I55",
        "B072RRE2I55",
        "Code B072RRE2I55",
        "Führerscheinnummer B072RRE2I5X",
    ),
    (
        "de_health_insurance",
        "Versichertennummer A123456780",
        "A123456780",
        "Code A123456780",
        "Versichertennummer A12345678",
    ),
    (
        "de_svnr",
        "Sozialversicherungsnummer 10 010490 A 443",
        "10 010490 A 443",
        "Code 10 010490 A 443",
        "Sozialversicherungsnummer 10 010490 A 444",
    ),
    (
        "de_lanr",
        "LANR 123456601",
        "123456601",
        "Code 123456601",
        "LANR 123456701",
    ),
    (
        "de_bsnr",
        "BSNR 381234500",
        "381234500",
        "Code 381234500",
        "BSNR 991234500",
    ),
    (
        "sg_nric",
        "NRIC S1234567D",
        "S1234567D",
        "code S1234567D",
        "NRIC S1234567A",
    ),
    (
        "us_dea",
        "DEA number AB1234563",
        "AB1234563",
        "code AB1234563",
        "DEA number IB1234563",
    ),
    (
        "de_tax_number",
        "Steuernummer 181/815/08155",
        "181/815/08155",
        "Vorgang 181/815/08155",
        "Steuernummer 7181081508155",
    ),
];

#[test]
fn each_category_is_read_after_its_label_and_only_there() {
    for &(category, labelled, value, alone, refused) in CASES {
        let d = detector(&[category]);
        let got = found(&d, labelled);
        assert!(
            got.contains(&(category.to_owned(), value.to_owned())),
            "{category}: {labelled}: {got:?}"
        );
        if !alone.is_empty() {
            assert!(found(&d, alone).is_empty(), "{category}: {alone}");
        }
        assert!(found(&d, refused).is_empty(), "{category}: {refused}");
    }
}

#[test]
fn a_plate_is_not_a_register_number_and_a_specific_label_beats_a_chance_checksum() {
    let d = detector(&["de_plate", "de_handelsregister"]);
    assert_eq!(
        found(&d, "Kennzeichen K-VR 7760 bitte"),
        vec![("de_plate".to_owned(), "K-VR 7760".to_owned())]
    );
    assert_eq!(
        found(&d, "Vereinsregister VR 7760"),
        vec![("de_handelsregister".to_owned(), "VR 7760".to_owned())]
    );
    // 75628424996 passes the Turkish identity number's checksum; after "NIN" it is a NIN.
    let d = detector(&["ng_nin", "tc_kimlik"]);
    assert_eq!(
        found(&d, "NIN 75628424996"),
        vec![("ng_nin".to_owned(), "75628424996".to_owned())]
    );
}

#[test]
fn a_value_glued_to_more_characters_is_not_read() {
    let d = detector(&["gb_passport", "in_passport"]);
    assert!(found(&d, "passport 9250764731").is_empty());
    assert!(found(&d, "passport J8369854X").is_empty());
    // A label inside a longer word is no label.
    assert!(found(&d, "nonpassport 925076473").is_empty());
}

#[test]
fn the_policy_languages_decide_which_passport_a_label_means() {
    let settings = DetectionSettings {
        languages: vec!["global".into(), "gb".into()],
        ..DetectionSettings::default()
    };
    let gb = Detector::new(&settings, None).unwrap();
    assert_eq!(
        found(&gb, "passport number 925076473"),
        vec![("gb_passport".to_owned(), "925076473".to_owned())]
    );
}
