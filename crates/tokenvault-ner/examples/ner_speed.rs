//! Model-layer throughput on the entity corpus, one intra-op thread: every sentence run on its
//! own, then the sentences concatenated into one text (read in batched windows). Prints word
//! pieces per second for each. Compare `scripts/ner-model/python_speed.py` (Python onnxruntime,
//! same model, same corpus, one thread).
//!
//! `cargo run --release -p tokenvault-ner --example ner_speed -- <model_dir> <libonnxruntime>`
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::{path::Path, time::Instant};

use tokenvault_ner::NerModel;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let model = NerModel::load(Path::new(&args[1]), Path::new(&args[2]), 1).unwrap();
    let corpus = include_str!("../../tokenvault-detect/tests/corpus/entities.jsonl");
    let texts: Vec<String> = corpus
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["text"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let pieces: usize = texts.iter().map(|t| model.pieces(t).len() + 2).sum();
    let start = Instant::now();
    let mut found = 0;
    for t in &texts {
        found += model.entities(t).unwrap().len();
    }
    let each = start.elapsed().as_secs_f64();
    let joined = texts.join("\n");
    let joined_pieces = model.pieces(&joined).len();
    let start = Instant::now();
    let found_joined = model.entities(&joined).unwrap().len();
    let batched = start.elapsed().as_secs_f64();
    println!(
        "{{\"sentences\": {}, \"pieces\": {pieces}, \"per_sentence_pieces_per_s\": {:.0}, \"found\": {found}, \"joined_pieces\": {joined_pieces}, \"batched_pieces_per_s\": {:.0}, \"found_joined\": {found_joined}}}",
        texts.len(),
        pieces as f64 / each,
        joined_pieces as f64 / batched
    );
}
