//! The mixed text the detection benchmark and the instruction-count example read: the
//! labelled sentences interleaved with plain prose.
#![allow(dead_code, missing_docs)]

pub const PROSE: &[&str] = &[
    "Thanks for getting back to me so quickly, the team really appreciates it.",
    "We reviewed the logs from last week and nothing unusual stood out to us.",
    "The shipment left the warehouse on time but the carrier reported a delay.",
    "Could you resend the attachment? It looks like the first one was corrupted.",
    "Our next planning session is moved to Thursday afternoon after the demo.",
];

/// About `bytes` of mixed text.
pub fn mixed_corpus(bytes: usize) -> String {
    let labelled: Vec<String> = include_str!("../../tests/corpus/labelled.jsonl")
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["text"].as_str().map(str::to_owned))
        .collect();
    let mut out = String::with_capacity(bytes + 256);
    let mut i = 0;
    while out.len() < bytes {
        out.push_str(&labelled[i % labelled.len()]);
        out.push(' ');
        out.push_str(PROSE[i % PROSE.len()]);
        out.push(' ');
        out.push_str(PROSE[(i + 2) % PROSE.len()]);
        out.push('\n');
        i += 1;
    }
    out
}
