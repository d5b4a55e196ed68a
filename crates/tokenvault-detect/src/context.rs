//! Context words: a category's words found shortly before a match (or right after it, as in
//! "4111 1111 1111 1111 (Visa)") raise its confidence. Look-alike numbers without their words
//! stay under the reporting threshold; a failed checksum never reaches this point.
//!
//! A national phone reading (phone validity accepts much of the numeric space) without a phone
//! word, right after another category's word ("NHS number 094 208 9007"), loses 0.15: the text
//! says what the number is meant to be, and it is not a phone.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use crate::{
    catalog::{Category, CATEGORIES},
    recognize::Raw,
};

/// Characters before the match searched for context words (characters, not bytes: a word in
/// Thai or Korean takes three bytes a letter).
const BEFORE: usize = 48;
/// Characters after the match.
const AFTER: usize = 16;
/// What a context word before the match adds.
const BOOST: f32 = 0.4;
/// What a context word only after the match adds (weaker: it may introduce the next value).
const BOOST_AFTER: f32 = 0.3;
/// Characters before the match searched for another category's word.
const FOREIGN_BEFORE: usize = 24;
/// Phone readings at least this confident (international forms) are not lowered.
const FOREIGN_SPARED: f32 = 0.7;
/// What another category's word right before a national phone reading takes away.
const FOREIGN_PENALTY: f32 = 0.15;

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

/// Every category's words in one automaton; pattern i belongs to `ALL_OWNERS[i]` (a rank).
static ALL_WORDS: LazyLock<Option<(AhoCorasick, Vec<usize>)>> = LazyLock::new(|| {
    let mut words = Vec::new();
    let mut owners = Vec::new();
    for (rank, c) in CATEGORIES.iter().enumerate() {
        for w in c.context {
            words.push(*w);
            owners.push(rank);
        }
    }
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(&words)
        .ok()
        .map(|ac| (ac, owners))
});

/// The match's confidence with context applied, between 0.0 and 1.0.
pub(crate) fn boost(text: &str, raw: &Raw) -> f32 {
    if raw.score >= 1.0 {
        return raw.score;
    }
    let rank = raw.category.rank();
    let Some(Some(words)) = WORDS.get(rank) else {
        return raw.score;
    };
    let lo = chars_back(text, raw.start, BEFORE);
    let hi = chars_forward(text, raw.end, AFTER);
    if has_word(words, text, lo, raw.start) {
        return (raw.score + BOOST).min(1.0);
    }
    if has_word(words, text, raw.end, hi) {
        return (raw.score + BOOST_AFTER).min(1.0);
    }
    if is_phone(rank) && raw.score < FOREIGN_SPARED {
        let near = chars_back(text, raw.start, FOREIGN_BEFORE);
        if foreign_word(text, near, raw.start) {
            return (raw.score - FOREIGN_PENALTY).max(0.0);
        }
    }
    raw.score
}

fn is_phone(rank: usize) -> bool {
    CATEGORIES
        .get(rank)
        .is_some_and(|c| matches!(c.category, Category::Phone | Category::TrPhone))
}

/// A word of a category other than the phones occurs in `text[lo..hi]`, and is not a phone
/// word too.
fn foreign_word(text: &str, lo: usize, hi: usize) -> bool {
    let hay = &text[lo..hi];
    let Some((all, owners)) = ALL_WORDS.as_ref() else {
        return false;
    };
    let phone_word = |w: &str| {
        CATEGORIES
            .iter()
            .filter(|c| matches!(c.category, Category::Phone | Category::TrPhone))
            .any(|c| c.context.iter().any(|p| p.eq_ignore_ascii_case(w)))
    };
    all.find_overlapping_iter(hay).any(|m| {
        owners
            .get(m.pattern().as_usize())
            .is_some_and(|&r| !is_phone(r))
            && whole_word(text, lo + m.start(), lo + m.end())
            && !phone_word(&hay[m.start()..m.end()])
    })
}

/// Whether `text[start..end]` is a word of its own: judged in the whole text, so a window
/// that starts or ends inside a word ("gmail" cut to "mail") does not make a word of its end.
fn whole_word(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphabetic)
}

/// A word occurs in `text[lo..hi]` not as part of a longer word ("sin" in "sin:" but not in
/// "using").
fn has_word(words: &AhoCorasick, text: &str, lo: usize, hi: usize) -> bool {
    words
        .find_overlapping_iter(&text[lo..hi])
        .any(|m| whole_word(text, lo + m.start(), lo + m.end()))
}

/// The byte offset `n` characters before `i` (or 0); `n` steps at most.
fn chars_back(s: &str, i: usize, n: usize) -> usize {
    s[..i]
        .char_indices()
        .rev()
        .take(n)
        .last()
        .map_or(i, |(at, _)| at)
}

/// The byte offset `n` characters after `i` (or the end); `n` steps at most.
fn chars_forward(s: &str, i: usize, n: usize) -> usize {
    s[i..]
        .char_indices()
        .nth(n)
        .map_or(s.len(), |(at, _)| i + at)
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
        let whole = |t: &str| has_word(&ac, t, 0, t.len());
        assert!(whole("my SSN: "));
        assert!(whole("ssn#"));
        assert!(!whole("using it"));
        assert!(whole("the sin is"));
        assert!(whole("T.C. Kimlik no"));
    }

    /// A window cut inside a word does not make a word of the part it holds.
    #[test]
    fn a_window_starting_inside_a_word_finds_no_word() {
        let ac = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(["mail", "card"])
            .unwrap();
        let t = "write to gmail about cardigans";
        let at = t.find("mail").unwrap();
        assert!(!has_word(&ac, t, at, at + 4));
        let at = t.find("card").unwrap();
        assert!(!has_word(&ac, t, at, at + 4));
        assert!(has_word(&ac, "my mail", 3, 7));
    }
}
