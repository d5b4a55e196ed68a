//! Runs a case of the detection benchmark (`global`, `packs`, `rules` or `prose`) a given number of
//! times, for instruction counts that do not depend on what else the machine is doing: the
//! count with 2 runs minus the count with 1 is one detection, without the set-up.
//! `valgrind --tool=callgrind target/release/examples/detect_work packs 2`
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

#[path = "../benches/common/corpus.rs"]
mod corpus;

use tokenvault_core::policy::DetectionSettings;
use tokenvault_detect::{Detector, LANGUAGES};

fn detector(languages: &[&str]) -> Detector {
    let settings = DetectionSettings {
        languages: languages.iter().map(|s| s.to_string()).collect(),
        ..DetectionSettings::default()
    };
    Detector::new(&settings, None).unwrap()
}

fn main() {
    let case = std::env::args().nth(1).unwrap_or_else(|| "all".into());
    let times: usize = std::env::args()
        .nth(2)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1);
    let text = corpus::mixed_corpus(4 << 20);
    let prose: String = corpus::PROSE
        .iter()
        .cycle()
        .take(60_000)
        .map(|s| format!("{s} "))
        .collect();
    let run = |name: &str, d: Detector, text: &str| {
        for _ in 0..times {
            println!("{name}: {}", d.detect(text).unwrap().len());
        }
    };
    if case == "global" || case == "all" {
        run("global", detector(&["global"]), &text);
    }
    if case == "packs" || case == "all" {
        run("all packs", detector(LANGUAGES), &text);
    }
    if case == "rules" || case == "all" {
        // The global pack plus the opt-in rule layer (people, addresses, organizations).
        let settings = DetectionSettings {
            categories: tokenvault_detect::CATEGORIES
                .iter()
                .filter(|c| c.pack == "global" && c.name != "location")
                .map(|c| c.name.to_owned())
                .collect(),
            ..DetectionSettings::default()
        };
        run("rules", Detector::new(&settings, None).unwrap(), &text);
    }
    if case == "prose" || case == "all" {
        run("prose", detector(&["global"]), &prose);
    }
}
