//! The BERT uncased WordPiece tokenizer the Rampart model was trained with (its
//! `tokenizer.json`: BertNormalizer with lower-casing and accent stripping, BertPreTokenizer,
//! WordPiece with `##` continuations, `[UNK]` past 100 characters), keeping each piece's byte
//! offsets in the caller's text. Checked against Hugging Face `tokenizers` on fixed texts
//! (`tests/wordpiece_fixtures.json`).

use std::collections::HashMap;

use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};

/// Longest word WordPiece splits; longer ones are `[UNK]`.
const MAX_WORD_CHARS: usize = 100;

/// One word piece: its id and the bytes of the original text it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    /// Vocabulary id.
    pub id: i64,
    /// Byte offsets into the text.
    pub start: usize,
    /// End, exclusive.
    pub end: usize,
}

/// A vocabulary and its special ids.
#[derive(Debug)]
pub struct WordPiece {
    vocab: HashMap<String, i64>,
    /// `[UNK]`.
    pub unk: i64,
    /// `[CLS]`.
    pub cls: i64,
    /// `[SEP]`.
    pub sep: i64,
    /// `[PAD]`.
    pub pad: i64,
}

impl WordPiece {
    /// Reads `vocab.txt` (one token per line, the line number is its id).
    pub fn from_vocab(text: &str) -> Option<Self> {
        let vocab: HashMap<String, i64> = text
            .lines()
            .enumerate()
            .map(|(i, t)| (t.to_owned(), i64::try_from(i).unwrap_or(i64::MAX)))
            .collect();
        let id = |t: &str| vocab.get(t).copied();
        Some(Self {
            unk: id("[UNK]")?,
            cls: id("[CLS]")?,
            sep: id("[SEP]")?,
            pad: id("[PAD]")?,
            vocab,
        })
    }

    /// The pieces of `text`, without `[CLS]`/`[SEP]`.
    pub fn tokenize(&self, text: &str) -> Vec<Piece> {
        let mut out = Vec::new();
        for (start, end) in words(text) {
            self.word_pieces(&text[start..end], start, &mut out);
        }
        out
    }

    fn word_pieces(&self, word: &str, offset: usize, out: &mut Vec<Piece>) {
        // Normalized characters, each with the byte range of the original it came from.
        let mut norm: Vec<(char, usize, usize)> = Vec::new();
        for (i, c) in word.char_indices() {
            let end = i + c.len_utf8();
            for l in c.to_lowercase() {
                for d in l.nfd().filter(|d| !is_combining_mark(*d)) {
                    norm.push((d, offset + i, offset + end));
                }
            }
        }
        if norm.is_empty() {
            return;
        }
        if norm.len() > MAX_WORD_CHARS {
            out.push(Piece {
                id: self.unk,
                start: offset,
                end: offset + word.len(),
            });
            return;
        }
        let before = out.len();
        let mut at = 0;
        while at < norm.len() {
            let mut found = None;
            let mut end = norm.len();
            while end > at {
                let mut piece: String = norm[at..end].iter().map(|(c, _, _)| *c).collect();
                if at > 0 {
                    piece.insert_str(0, "##");
                }
                if let Some(&id) = self.vocab.get(&piece) {
                    found = Some((id, end));
                    break;
                }
                end -= 1;
            }
            let Some((id, end)) = found else {
                // A word with an unknown part is one `[UNK]`.
                out.truncate(before);
                out.push(Piece {
                    id: self.unk,
                    start: offset,
                    end: offset + word.len(),
                });
                return;
            };
            out.push(Piece {
                id,
                start: norm[at].1,
                end: norm[end - 1].2,
            });
            at = end;
        }
    }
}

/// BertPreTokenizer after BertNormalizer's cleaning: words split on whitespace and around
/// every punctuation character and CJK ideograph; control characters dropped. Byte ranges.
fn words(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        let end = i + c.len_utf8();
        if c.is_whitespace()
            || c == '\u{0}'
            || c == '\u{fffd}'
            || (c.is_control() && !c.is_whitespace())
        {
            if let Some(s) = start.take() {
                out.push((s, i));
            }
        } else if is_punctuation(c) || is_cjk(c) {
            if let Some(s) = start.take() {
                out.push((s, i));
            }
            out.push((i, end));
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
}

/// BERT's punctuation: ASCII symbols and punctuation, and Unicode punctuation.
fn is_punctuation(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_punctuation();
    }
    matches!(
        c,
        '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{205e}' | '\u{3001}'..='\u{3003}'
            | '\u{3008}'..='\u{3011}' | '\u{00a1}' | '\u{00a7}' | '\u{00ab}' | '\u{00b6}'
            | '\u{00b7}' | '\u{00bb}' | '\u{00bf}' | '\u{ff01}'..='\u{ff0f}'
    )
}

fn is_cjk(c: char) -> bool {
    matches!(
        c,
        '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' | '\u{20000}'..='\u{2a6df}'
            | '\u{f900}'..='\u{faff}' | '\u{2f800}'..='\u{2fa1f}'
    )
}
