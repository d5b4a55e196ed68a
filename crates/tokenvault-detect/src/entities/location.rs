//! Places named alone: countries, US states and large cities from GeoNames (off unless a
//! policy lists `location`). Up to three capitalised words, longest first.

use super::{
    lexicon,
    tokens::{Kind, Token},
};
use crate::{catalog::Category, recognize::Raw};

const PLACE_SCORE: f32 = 0.7;

pub(super) fn find(text: &str, toks: &[Token], out: &mut Vec<Raw>) {
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i];
        if t.kind != Kind::Word || !t.cap {
            i += 1;
            continue;
        }
        let mut matched = None;
        for n in (1..=3).rev() {
            let Some(last) = toks.get(i + n - 1) else {
                continue;
            };
            if (i..i + n)
                .any(|k| toks[k].kind != Kind::Word || (k > i && toks[k].line_break_before))
            {
                continue;
            }
            if lexicon::place(&text[t.start..last.end]) {
                matched = Some(i + n);
                break;
            }
        }
        match matched {
            Some(end) => {
                out.push(Raw {
                    category: Category::Location,
                    start: t.start,
                    end: toks[end - 1].end,
                    score: PLACE_SCORE,
                });
                i = end;
            }
            None => i += 1,
        }
    }
}
