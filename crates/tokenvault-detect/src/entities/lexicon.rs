//! The rule layer's word lists, built by `scripts/detect-names/lexicon.py` from public-domain
//! and openly licensed sources shipped as PyPI packages (see that script and NOTICE): US Census
//! first names and surnames, Webster's web2 common words, GeoNames places. Lower case, one per
//! line; looked up by the lower-cased word.

use std::{collections::HashSet, sync::LazyLock};

fn set(list: &'static str) -> HashSet<&'static str> {
    list.lines().filter(|l| !l.is_empty()).collect()
}

static FIRST_NAMES: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| set(include_str!("../../data/first_names.txt")));
static SURNAMES: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| set(include_str!("../../data/surnames.txt")));
static COMMON_WORDS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| set(include_str!("../../data/common_words.txt")));
static PLACES: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| set(include_str!("../../data/places.txt")));

/// A word lower-cased without allocating for the usual short ASCII word.
pub(crate) struct Lower {
    buf: [u8; 32],
    len: usize,
    owned: Option<String>,
}

impl Lower {
    pub(crate) fn new(word: &str) -> Self {
        let mut l = Lower {
            buf: [0; 32],
            len: 0,
            owned: None,
        };
        if word.is_ascii() && word.len() <= 32 {
            for (i, b) in word.bytes().enumerate() {
                l.buf[i] = b.to_ascii_lowercase();
            }
            l.len = word.len();
        } else {
            l.owned = Some(word.to_lowercase());
        }
        l
    }

    pub(crate) fn as_str(&self) -> &str {
        match &self.owned {
            Some(s) => s,
            // ASCII bytes copied from a `str`: always UTF-8.
            None => std::str::from_utf8(&self.buf[..self.len]).unwrap_or(""),
        }
    }
}

/// A given name on the Census lists.
pub(crate) fn first_name(word: &str) -> bool {
    FIRST_NAMES.contains(Lower::new(word).as_str())
}

/// A surname on the Census list.
pub(crate) fn surname(word: &str) -> bool {
    SURNAMES.contains(Lower::new(word).as_str())
}

/// A word in everyday English use (`will`, `may`, `street`).
pub(crate) fn common_word(word: &str) -> bool {
    COMMON_WORDS.contains(Lower::new(word).as_str())
}

/// A country, US state or large city (lower-cased phrase of up to three words).
pub(crate) fn place(phrase: &str) -> bool {
    PLACES.contains(Lower::new(phrase).as_str())
}

/// Warms the lists (parsing them takes a few milliseconds), so the first request does not.
pub(crate) fn load() {
    LazyLock::force(&FIRST_NAMES);
    LazyLock::force(&SURNAMES);
    LazyLock::force(&COMMON_WORDS);
    LazyLock::force(&PLACES);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_load_and_answer() {
        assert!(first_name("Sarah") && first_name("WILL"));
        assert!(surname("Thompson"));
        assert!(common_word("will") && common_word("Street") && !common_word("Sarah"));
        assert!(place("Switzerland") && place("united states"));
        assert_eq!(Lower::new("ÇAĞLA").as_str(), "çağla");
    }
}
