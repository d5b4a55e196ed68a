//! Times detection of the hostile shapes the security probe used, at growing sizes, to show
//! linear cost: `cargo run --release -p tokenvault-detect --example hostile_inputs`.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use tokenvault_core::policy::DetectionSettings;
use tokenvault_detect::{Detector, LANGUAGES};

type Maker = fn(usize) -> String;

fn main() {
    let settings = DetectionSettings {
        languages: LANGUAGES.iter().map(|s| s.to_string()).collect(),
        ..DetectionSettings::default()
    };
    let d = Detector::new(&settings, None).unwrap();
    let shapes: [(&str, Maker); 4] = [
        ("hex pairs ab-ab-…", |n| "ab-".repeat(n / 3)),
        ("word run aaaa…", |n| "a".repeat(n)),
        ("digit groups 0 0 0 …", |n| "0 ".repeat(n / 2)),
        ("card + padding", |n| {
            format!("card 4111111111111111 {}", "0 ".repeat(n / 2))
        }),
    ];
    for (name, make) in shapes {
        for kib in [128usize, 512, 1024] {
            let text = make(kib * 1024);
            let t = Instant::now();
            let r = d.detect_with_work(&text, None);
            let ms = t.elapsed().as_secs_f64() * 1e3;
            let what = match r {
                Ok((f, w)) => format!(
                    "{} findings, {} candidates, {} spans",
                    f.len(),
                    w.candidates,
                    w.spans
                ),
                Err(e) => format!("refused: {e}"),
            };
            println!("{name:24} {kib:5} KiB {ms:9.1} ms  {what}");
        }
    }
}
