//! Context words: a category's words found shortly before a match (or right after it, as in
//! "4111 1111 1111 1111 (Visa)") raise its confidence. Look-alike numbers without their words
//! stay under the reporting threshold; a failed checksum never reaches this point.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use crate::{catalog::CATEGORIES, recognize::Raw};

/// Bytes before the match searched for context words.
const BEFORE: usize = 48;
/// Bytes after the match.
const AFTER: usize = 16;
/// What one context hit adds.
const BOOST: f32 = 0.4;

/// One automaton per category over its words, ASCII case-insensitive.
static WORDS: LazyLock<Vec<Option<AhoCorasick>>> = LazyLock::new(|| {
    CATEGORIES
        .iter()
        .map(|c| {
            AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(c.context)
                .ok()
        })
        .collect()
});

/// The match's confidence with context applied, at most 1.0.
pub(crate) fn boost(text: &str, raw: &Raw) -> f32 {
    if raw.score >= 1.0 {
        return raw.score;
    }
    let Some(Some(words)) = WORDS.get(raw.category.rank()) else {
        return raw.score;
    };
    let lo = floor_boundary(text, raw.start.saturating_sub(BEFORE));
    let hi = ceil_boundary(text, (raw.end + AFTER).min(text.len()));
    if has_word(words, &text[lo..raw.start]) || has_word(words, &text[raw.end..hi]) {
        (raw.score + BOOST).min(1.0)
    } else {
        raw.score
    }
}

/// A word occurs in `hay` not as part of a longer word ("sin" in "sin:" but not in "using").
fn has_word(words: &AhoCorasick, hay: &str) -> bool {
    words.find_overlapping_iter(hay).any(|m| {
        let before = hay[..m.start()].chars().next_back();
        let after = hay[m.end()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphabetic)
    })
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_match_whole() {
        let ac = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(["ssn", "sin", "kimlik"])
            .unwrap();
        assert!(has_word(&ac, "my SSN: "));
        assert!(has_word(&ac, "ssn#"));
        assert!(!has_word(&ac, "using it"));
        assert!(has_word(&ac, "the sin is"));
        assert!(has_word(&ac, "T.C. Kimlik no"));
    }
}
