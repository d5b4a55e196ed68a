//! Context words: a category's words found shortly before a match (or right after it, as in
//! "4111 1111 1111 1111 (Visa)") raise its confidence. Look-alike numbers without their words
//! stay under the reporting threshold; a failed checksum never reaches this point.

use crate::recognize::Raw;

/// Bytes before the match searched for context words.
const BEFORE: usize = 48;
/// Bytes after the match.
const AFTER: usize = 16;
/// What one context hit adds.
const BOOST: f32 = 0.4;

/// The match's confidence with context applied, at most 1.0.
pub(crate) fn boost(text: &str, raw: &Raw) -> f32 {
    let words = raw.category.info().context;
    if words.is_empty() || raw.score >= 1.0 {
        return raw.score;
    }
    let lo = floor_boundary(text, raw.start.saturating_sub(BEFORE));
    let hi = ceil_boundary(text, (raw.end + AFTER).min(text.len()));
    let window = |s: &str| s.to_lowercase();
    let before = window(&text[lo..raw.start]);
    let after = window(&text[raw.end..hi]);
    let hit = words
        .iter()
        .any(|w| contains_word(&before, w) || contains_word(&after, w));
    if hit {
        (raw.score + BOOST).min(1.0)
    } else {
        raw.score
    }
}

/// `word` occurs in `hay` not as part of a longer word ("sin" in "sin:" but not in "using").
fn contains_word(hay: &str, word: &str) -> bool {
    hay.match_indices(word).any(|(i, _)| {
        let before = hay[..i].chars().next_back();
        let after = hay[i + word.len()..].chars().next();
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
        assert!(contains_word("my ssn: ", "ssn"));
        assert!(contains_word("ssn#", "ssn"));
        assert!(!contains_word("using it", "sin"));
        assert!(contains_word("the sin is", "sin"));
        assert!(contains_word("t.c. kimlik no", "kimlik"));
    }
}
