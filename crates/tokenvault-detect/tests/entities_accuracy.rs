//! Precision, recall and F1 of the rule layer (people, addresses, organizations, places) on a
//! corpus nobody here wrote: `tests/corpus/entities.jsonl`, made by
//! `scripts/detect-corpus/entities.py` from the templates and fake identities that ship in the
//! PyPI package `presidio-evaluator`; and on hand-written hard negatives
//! (`tests/corpus/entity_negatives.txt`), where every finding of these categories is a false
//! positive.
//!
//! A finding matches a label of its category when they overlap by at least half of their
//! union in characters (names and addresses have no one right extent: "Mr. Brown" or
//! "Brown", a city after a street or not), each label matched at most once.
//!
//! `cargo test -p tokenvault-detect --test entities_accuracy -- --nocapture` prints the table.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use serde_json::Value;
use tokenvault_core::policy::DetectionSettings;
use tokenvault_detect::Detector;

const SCORED: &[&str] = &["person", "address", "organization", "location"];

/// F1 floors with the rule layer alone (issue 15's targets are person 0.70, address 0.75,
/// organization 0.70; see docs/benchmarks.md for where we stand).
const FLOORS: &[(&str, f64)] = &[("person", 0.70), ("address", 0.75), ("organization", 0.70)];

#[derive(Default, Debug)]
struct Counts {
    tp: u32,
    fp: u32,
    fn_: u32,
}

impl Counts {
    fn precision(&self) -> f64 {
        f64::from(self.tp) / f64::from((self.tp + self.fp).max(1))
    }
    fn recall(&self) -> f64 {
        f64::from(self.tp) / f64::from((self.tp + self.fn_).max(1))
    }
    fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn detector() -> Detector {
    let settings = DetectionSettings {
        categories: SCORED.iter().map(|s| s.to_string()).collect(),
        ..DetectionSettings::default()
    };
    Detector::new(&settings, None).unwrap()
}

fn overlaps_enough(a: (usize, usize), b: (usize, usize)) -> bool {
    let inter = a.1.min(b.1).saturating_sub(a.0.max(b.0));
    let union = a.1.max(b.1) - a.0.min(b.0);
    inter * 2 >= union && inter > 0
}

#[test]
fn presidio_evaluator_corpus_and_hard_negatives() {
    let d = detector();
    let mut counts: BTreeMap<&str, Counts> = BTreeMap::new();
    let mut mistakes = Vec::new();
    let corpus = include_str!("corpus/entities.jsonl");
    let mut sentences = 0;
    for line in corpus.lines() {
        let item: Value = serde_json::from_str(line).unwrap();
        let text = item["text"].as_str().unwrap();
        sentences += 1;
        let mut labels: Vec<(String, usize, usize)> = item["spans"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["category"].as_str().unwrap().to_owned(),
                    s["start"].as_u64().unwrap() as usize,
                    s["end"].as_u64().unwrap() as usize,
                )
            })
            .collect();
        for f in d.detect(text).unwrap() {
            let Some(&cat) = SCORED.iter().find(|c| **c == f.category) else {
                continue;
            };
            let hit = labels
                .iter()
                .position(|(c, s, e)| c == cat && overlaps_enough((*s, *e), (f.start, f.end)));
            match hit {
                Some(i) => {
                    labels.swap_remove(i);
                    counts.entry(cat).or_default().tp += 1;
                }
                None => {
                    counts.entry(cat).or_default().fp += 1;
                    mistakes.push(format!(
                        "FP {cat} {:?} in {text:?}",
                        &text[f.byte_start..f.byte_end]
                    ));
                }
            }
        }
        for (c, s, e) in labels {
            let Some(&cat) = SCORED.iter().find(|x| **x == c) else {
                continue;
            };
            counts.entry(cat).or_default().fn_ += 1;
            let value: String = text.chars().skip(s).take(e - s).collect();
            mistakes.push(format!("FN {cat} {value:?} in {text:?}"));
        }
    }
    let mut negatives = 0;
    for text in include_str!("corpus/entity_negatives.txt").lines() {
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        negatives += 1;
        for f in d.detect(text).unwrap() {
            if let Some(&cat) = SCORED.iter().find(|c| **c == f.category) {
                counts.entry(cat).or_default().fp += 1;
                mistakes.push(format!(
                    "FP(negative) {cat} {:?} in {text:?}",
                    &text[f.byte_start..f.byte_end]
                ));
            }
        }
    }
    assert!(sentences >= 1000 && negatives >= 50);
    println!("{sentences} sentences, {negatives} hard negatives");
    println!(
        "{:<14} {:>5} {:>5} {:>5} {:>9} {:>9} {:>9}",
        "category", "tp", "fp", "fn", "precision", "recall", "f1"
    );
    for (c, n) in &counts {
        println!(
            "{c:<14} {:>5} {:>5} {:>5} {:>9.3} {:>9.3} {:>9.3}",
            n.tp,
            n.fp,
            n.fn_,
            n.precision(),
            n.recall(),
            n.f1()
        );
    }
    if std::env::var("TOKENVAULT_MISTAKES").is_ok() {
        for m in &mistakes {
            println!("{m}");
        }
    }
    for (c, floor) in FLOORS {
        let f1 = counts.get(c).map_or(0.0, Counts::f1);
        assert!(f1 >= *floor, "{c}: F1 {f1:.3} < {floor}");
    }
}
