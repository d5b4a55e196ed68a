//! Identifiers read only right after their label: passports, driving licences, vehicle plates,
//! postcodes and registry numbers whose shape alone says nothing (nine digits, two letters and
//! seven digits) or that have no check digit. One Aho-Corasick pass finds the enabled
//! categories' labels (their catalog context words); the few characters after each label
//! (past a colon, `#`, `No.`) are matched against the category's format, anchored, and the
//! validator decides. Text without a label costs one automaton pass and nothing else.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex_automata::{meta::Regex, Anchored, Input};

use super::{labelled_rules as check, Ctx, Raw};
use crate::catalog::Category;

/// A category read after its label.
struct Labelled {
    category: Category,
    /// The value's format, matched anchored right after the label (or at the label, when
    /// `label_in_value`).
    format: &'static str,
    /// The official rule the value must also pass (a check digit, a date, a code list).
    valid: fn(&str) -> bool,
    /// Confidence of a reading under a label several categories share (the label is already
    /// there: no context boost follows).
    score: f32,
    /// The entry's own `labels` are the value's prefix (`HRB 12345`); its catalog context
    /// words still come before the value.
    label_in_value: bool,
    /// Labels besides the catalog's context words.
    labels: &'static [&'static str],
}

/// Confidence of a value whose format is the whole rule.
const FORMAT_ONLY: f32 = 0.55;
/// Confidence of a value that also passed a check digit or code list.
const VALIDATED: f32 = 0.8;
/// What a label naming one category only ("UK passport", "UEN", "TIN") adds: the text says
/// what the value is, so it beats a reading of the same characters under a label several
/// categories share ("passport") or another category's checksum that holds by chance without
/// that category's own word (a Luhn-valid Philippine TIN is no Canadian SIN).
const SPECIFIC_LABEL: f32 = 0.35;
/// Bytes after a label searched for its value (past separators and filler words).
const GAP: usize = 24;
/// Bytes a value may take at most.
const LONGEST_VALUE: usize = 24;

fn any(_: &str) -> bool {
    true
}

static TABLE: &[Labelled] = &[
    Labelled {
        category: Category::KrBrn,
        format: r"[0-9]{3}-?[0-9]{2}-?[0-9]{5}",
        valid: check::kr_brn,
        score: VALIDATED,
        label_in_value: false,
        labels: &[],
    },
    Labelled {
        category: Category::KrDrivingLicence,
        format: r"(?:1[1-9]|2[0-8])-?[0-9]{2}-?[0-9]{6}-?[0-9]{2}",
        valid: any,
        score: FORMAT_ONLY,
        label_in_value: false,
        labels: &[],
    },
    Labelled {
        category: Category::SgUen,
        format: r"[0-9]{8,9}[A-Za-z]|[RSTrst][0-9]{2}[A-Za-z]{2}[0-9]{4}[A-Za-z]",
        valid: check::sg_uen,
        score: VALIDATED,
        label_in_value: false,
        labels: &[],
    },
    Labelled {
        category: Category::DePassport,
        format: r"[CFGHJKcfghjk][CFGHJKLMNPRTVWXYZcfghjklmnprtvwxyz0-9]{8}[0-9]?",
        valid: check::icao_document_number,
        score: FORMAT_ONLY,
        label_in_value: false,
        labels: &[],
    },
    Labelled {
        category: Category::DeIdCard,
        format: r"[CFGHJKLMNPRTVWXYZcfghjklmnprtvwxyz][CFGHJKLMNPRTVWXYZcfghjklmnprtvwxyz0-9]{8}[0-9]?",
        valid: check::icao_document_number,
        score: FORMAT_ONLY,
        label_in_value: false,
        labels: &[],
    },
    Labelled {
        category: Category::DeHandelsregister,
        format: r"(?:HRA|HRB|GnR|VR|PR) ?[1-9][0-9]{0,5}(?: ?[A-Z]{1,2})?",
        valid: any,
        score: VALIDATED,
        label_in_value: true,
        // VR and PR are too short to open a value alone (`K-VR 7760` is a plate): they are
        // read after "Vereinsregister" or "Partnerschaftsregister".
        labels: &["hra", "hrb", "gnr"],
    },
    Labelled {
        category: Category::DePlate,
        format: r"[A-ZÄÖÜ]{1,3}[- ][A-Z]{1,2} ?[1-9][0-9]{0,3}[EH]?",
        valid: any,
        score: FORMAT_ONLY,
        label_in_value: false,
        labels: &[],
    },
    Labelled {
        category: Category::TrPlate,
        format: r"(?:0[1-9]|[1-7][0-9]|8[01]) ?[A-Z]{1,3} ?[0-9]{2,4}",
        valid: any,
        score: FORMAT_ONLY,
        label_in_value: false,
        labels: &[],
    },
    Labelled {
        category: Category::NgPlate,
        format: r"[A-Z]{3}[- ]?[0-9]{3}[- ]?[A-Z]{2}",
        valid: any,
        score: FORMAT_ONLY,
        label_in_value: false,
        labels: &[],
    },
    Labelled {
        category: Category::GbPassport,
        format: r"[0-9]{9}",
        valid: any,
        score: FORMAT_ONLY,
        label_in_value: false,
        labels: &[],
    },
    Labelled {
        category: Category::GbDrivingLicence,
        format: r"[A-Za-z9]{5}[0-9]{6}[A-Za-z9]{2}[0-9][A-Za-z]{2}",
        valid: check::gb_driving_licence,
        score: VALIDATED,
        label_in_value: false,
        labels: &[],
    },
    Labelled {
        category: Category::GbPostcode,
        format: r"(?:[A-Za-z][A-Ha-hJ-Yj-y]?[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}|GIR ?0AA)",
        valid: check::gb_postcode,
        score: VALIDATED,
        label_in_value: false,
        labels: &[],
    },
    Labelled {
        category: Category::GbVehicleReg,
        format: r"[A-Za-z]{2}[0-9]{2} ?[A-Za-z]{3}",
        valid: check::gb_vehicle_reg,
        score: VALIDATED,
        label_in_value: false,
        labels: &[],
    },
    Labelled {
        category: Category::InPassport,
        format: r"[A-PR-WYa-pr-wy][1-9][0-9]{5}[1-9]",
        valid: any,
        score: FORMAT_ONLY,
        label_in_value: false,
        labels: &[],
    },
    Labelled {
        category: Category::InVehicleReg,
        format: r"[A-Za-z]{2}[ -]?[0-9]{1,2}[ -]?[A-Za-z]{0,3}[ -]?[0-9]{4}",
        valid: check::in_vehicle_reg,
        score: VALIDATED,
        label_in_value: false,
        labels: &[],
    },
    Labelled {
        category: Category::ItPassport,
        format: r"[A-Za-z]{2}[0-9]{7}",
        valid: any,
        score: FORMAT_ONLY,
        label_in_value: false,
        labels: &[],
    },
    Labelled {
        category: Category::ItIdCard,
        format: r"C[A-Za-z][0-9]{5}[A-Za-z]{2}|[A-Za-z]{2}[0-9]{7}",
        valid: any,
        score: FORMAT_ONLY,
        label_in_value: false,
        labels: &[],
    },
    Labelled {
        category: Category::ItDrivingLicence,
        format: r"U1[A-Za-z0-9]{7}[A-Za-z]|[A-Za-z]{2}[0-9]{7}[A-Za-z]",
        valid: any,
        score: FORMAT_ONLY,
        label_in_value: false,
        labels: &[],
    },
    Labelled {
        category: Category::UsDriverLicence,
        format: r"[A-Za-z]{1,2}[0-9]{4,14}|[0-9]{7,12}|[0-9]{3}-[0-9]{3}-[0-9]{3}",
        valid: any,
        score: FORMAT_ONLY,
        label_in_value: false,
        labels: &[],
    },
    Labelled {
        category: Category::NgNin,
        format: r"[0-9]{11}",
        valid: any,
        score: FORMAT_ONLY,
        label_in_value: false,
        labels: &[],
    },
    Labelled {
        category: Category::PhTin,
        format: r"[0-9]{3}[- ]?[0-9]{3}[- ]?[0-9]{3}(?:[- ]?[0-9]{3})?",
        valid: any,
        score: FORMAT_ONLY,
        label_in_value: false,
        labels: &[],
    },
    Labelled {
        category: Category::DePostcode,
        format: r"0[1-9][0-9]{3}|[1-9][0-9]{4}",
        valid: check::de_postcode,
        score: FORMAT_ONLY,
        label_in_value: false,
        labels: &[],
    },
    Labelled {
        category: Category::DeDrivingLicence,
        format: r"[A-Za-z0-9]{10}[0-9]",
        valid: any,
        score: FORMAT_ONLY,
        label_in_value: false,
        labels: &[],
    },
    Labelled {
        category: Category::DeHealthInsurance,
        format: r"[A-Z][0-9]{9}",
        valid: check::de_health_insurance,
        score: VALIDATED,
        label_in_value: false,
        labels: &[],
    },
    Labelled {
        category: Category::DeSvnr,
        format: r"[0-9]{2} ?[0-9]{6} ?[A-Za-z] ?[0-9]{3}",
        valid: check::de_svnr,
        score: VALIDATED,
        label_in_value: false,
        labels: &[],
    },
    Labelled {
        category: Category::DeLanr,
        format: r"[0-9]{9}",
        valid: check::de_lanr,
        score: VALIDATED,
        label_in_value: false,
        labels: &[],
    },
    Labelled {
        category: Category::DeBsnr,
        format: r"[0-9]{9}",
        valid: check::de_bsnr,
        score: VALIDATED,
        label_in_value: false,
        labels: &[],
    },
    Labelled {
        category: Category::SgNric,
        format: r"[STFGM][0-9]{7}[A-Z]",
        valid: check::sg_nric,
        score: VALIDATED,
        label_in_value: false,
        labels: &[],
    },
    Labelled {
        category: Category::UsDea,
        format: r"[ABCDEFGHJKLMPRSTUXabcdefghjklmprstux][A-Za-z9][0-9]{7}",
        valid: check::us_dea,
        score: VALIDATED,
        label_in_value: false,
        labels: &[],
    },
    Labelled {
        category: Category::DeTaxNumber,
        format: r"[0-9]{2,5}[ /]?[0-9]{3,4}[ /]?[0-9]{4,5}",
        valid: check::de_tax_number,
        score: VALIDATED,
        label_in_value: false,
        labels: &[],
    },
];

/// Words between a label and its value that say nothing (`No.`, `number`, `is`).
const FILLERS: &[&str] = &[
    "no",
    "nr",
    "num",
    "number",
    "numero",
    "número",
    "nummer",
    "numarası",
    "n°",
    "nº",
    "n.º",
    "is",
    "id",
    "#",
];

struct Compiled {
    labels: AhoCorasick,
    /// Pattern i of `labels` (a distinct lower-case word) labels `TABLE[k]` for every k in
    /// `owners[i]` ("passport" labels several countries' passports).
    owners: Vec<Vec<usize>>,
    /// Pattern i is a context word of one catalog category only.
    specific: Vec<bool>,
    formats: Vec<Regex>,
}

static COMPILED: LazyLock<Option<Compiled>> = LazyLock::new(|| {
    let mut words: Vec<&str> = Vec::new();
    let mut owners: Vec<Vec<usize>> = Vec::new();
    for (i, entry) in TABLE.iter().enumerate() {
        for w in entry.category.info().context.iter().chain(entry.labels) {
            match words.iter().position(|x| x == w) {
                Some(k) => owners[k].push(i),
                None => {
                    words.push(w);
                    owners.push(vec![i]);
                }
            }
        }
    }
    // A full DFA: one table step per byte of text (the labels are few; the text is long).
    let labels = AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .kind(Some(AhoCorasickKind::DFA))
        .build(&words)
        .ok()?;
    let specific = words
        .iter()
        .map(|w| {
            crate::catalog::CATEGORIES
                .iter()
                .filter(|c| c.context.iter().any(|x| x.eq_ignore_ascii_case(w)))
                .count()
                <= 1
        })
        .collect();
    let formats = TABLE
        .iter()
        .map(|e| Regex::new(e.format).ok())
        .collect::<Option<Vec<_>>>()?;
    Some(Compiled {
        labels,
        owners,
        specific,
        formats,
    })
});

/// Whether any category of this pass is on.
pub(crate) fn wanted(ctx: &Ctx<'_>) -> bool {
    TABLE.iter().any(|e| ctx.on(e.category))
}

/// Every labelled value of the enabled categories in the text.
pub(crate) fn recognize(ctx: &Ctx<'_>, out: &mut Vec<Raw>) {
    if !wanted(ctx) {
        return;
    }
    let Some(compiled) = COMPILED.as_ref() else {
        return;
    };
    let text = ctx.text;
    let bytes = text.as_bytes();
    for m in compiled.labels.find_iter(text) {
        if m.start() > 0 && is_word_byte(bytes[m.start() - 1]) {
            continue;
        }
        let pattern = m.pattern().as_usize();
        let Some(owners) = compiled.owners.get(pattern) else {
            continue;
        };
        let bonus = if compiled.specific[pattern] {
            SPECIFIC_LABEL
        } else {
            0.0
        };
        for &index in owners {
            let entry = &TABLE[index];
            if ctx.on(entry.category) {
                let format = &compiled.formats[index];
                read_value(ctx, entry, format, (m.start(), m.end()), bonus, out);
            }
        }
    }
}

/// The value after (or at) a label found at `start..end`, if the entry's format and rule
/// accept it.
fn read_value(
    ctx: &Ctx<'_>,
    entry: &Labelled,
    format: &Regex,
    (start, end): (usize, usize),
    bonus: f32,
    out: &mut Vec<Raw>,
) {
    let text = ctx.text;
    // Only the entry's own labels open its value (`HRB`); its context words precede it.
    let opens_value = entry.label_in_value
        && entry
            .labels
            .iter()
            .any(|l| l.eq_ignore_ascii_case(&text[start..end]));
    let from = if opens_value {
        // A register type glued to a dash or slash is part of something else (`K-HRB 1`).
        if start > 0 && matches!(text.as_bytes()[start - 1], b'-' | b'/') {
            return;
        }
        start
    } else {
        if text.as_bytes().get(end).is_some_and(|&b| is_word_byte(b)) {
            return;
        }
        value_start(text, end)
    };
    let Some(len) = value_len(format, text, from) else {
        return;
    };
    if (entry.valid)(&text[from..from + len]) {
        out.push(Raw {
            category: entry.category,
            start: from,
            end: from + len,
            score: (entry.score + bonus).min(0.95),
        });
    }
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80
}

/// Where a value may start after a label ending at `at`: past spaces, `:`, `-`, `#`, `.`, `(`
/// and filler words, within `GAP` bytes.
fn value_start(text: &str, at: usize) -> usize {
    let bytes = text.as_bytes();
    let limit = (at + GAP).min(bytes.len());
    let mut k = at;
    loop {
        while k < limit && matches!(bytes[k], b' ' | b'\t' | b':' | b'-' | b'#' | b'.' | b'(') {
            k += 1;
        }
        let word_end = (k..limit)
            .find(|&e| !is_word_byte(bytes[e]) && bytes[e] != b'.')
            .unwrap_or(limit);
        let word = text.get(k..word_end).unwrap_or("");
        let filler = FILLERS
            .iter()
            .any(|f| word.trim_end_matches('.').eq_ignore_ascii_case(f));
        if word_end > k && filler {
            k = word_end;
        } else {
            return k;
        }
    }
}

/// The length of the value matching `format` at `from`, if it ends where a word ends.
fn value_len(format: &Regex, text: &str, from: usize) -> Option<usize> {
    let mut to = (from + LONGEST_VALUE).min(text.len());
    while !text.is_char_boundary(to) {
        to -= 1;
    }
    let window = text.get(from..to)?;
    let m = format.find(Input::new(window).anchored(Anchored::Yes))?;
    let end = from + m.end();
    let glued = text.as_bytes().get(end).is_some_and(|&b| is_word_byte(b));
    (!glued && m.end() > 0).then_some(m.end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_compiles_and_every_category_has_labels() {
        let compiled = COMPILED.as_ref().expect("labelled formats compile");
        assert_eq!(compiled.formats.len(), TABLE.len());
        for e in TABLE {
            assert!(!e.category.info().context.is_empty(), "{:?}", e.category);
        }
    }

    #[test]
    fn values_start_past_separators_and_fillers() {
        let t = "passport No.: 123456789";
        assert_eq!(&t[value_start(t, 8)..], "123456789");
        let t = "plaka #34 ABC 123";
        assert_eq!(&t[value_start(t, 5)..], "34 ABC 123");
    }
}
