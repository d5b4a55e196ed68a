//! The rule layer's word lists, built by `scripts/detect-names/lexicon.py` from public-domain
//! and openly licensed sources shipped as PyPI packages (see that script and NOTICE): US Census
//! first names and surnames, Webster's web2 common words, GeoNames places; and the layer's own
//! short lists (street types, legal forms, organization words). All live in one map from the
//! lower-cased word to what it is, so a word costs one lookup whatever the number of lists.

use std::sync::LazyLock;

use ahash::AHashMap;

/// What a lower-cased word is, as bits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Flags(u16);

impl Flags {
    pub(crate) const FIRST_NAME: u16 = 1;
    pub(crate) const SURNAME: u16 = 1 << 1;
    pub(crate) const COMMON: u16 = 1 << 2;
    pub(crate) const PLACE: u16 = 1 << 3;
    /// Street type written after the name (`Street`).
    pub(crate) const SUFFIX_TYPE: u16 = 1 << 4;
    /// Street type written before the name (`Via`).
    pub(crate) const PREFIX_TYPE: u16 = 1 << 5;
    /// Turkish street word (`Cad`).
    pub(crate) const TURKISH_TYPE: u16 = 1 << 6;
    /// Unit designator (`Apt`).
    pub(crate) const UNIT: u16 = 1 << 7;
    /// A legal form, without dots (`gmbh`, `sas`), or the first letters of a dotted one.
    pub(crate) const LEGAL: u16 = 1 << 8;
    /// A word organizations end with (`Holdings`).
    pub(crate) const ORG_ENDING: u16 = 1 << 9;
    /// Never a name, even capitalised (`Monday`, `I`, `Hello`).
    pub(crate) const NEVER_NAME: u16 = 1 << 10;
    /// A title before a name (`Mr`, `Frau`).
    pub(crate) const TITLE: u16 = 1 << 11;
    /// The last word of a name cue (`is`, `hi`, `dear`).
    pub(crate) const CUE_END: u16 = 1 << 12;
    /// A word organizations open with (`University` of …).
    pub(crate) const ORG_OPENING: u16 = 1 << 13;

    pub(crate) fn has(self, bit: u16) -> bool {
        self.0 & bit != 0
    }
}

/// Extra lists the entity recognizers register, by flag.
pub(crate) struct Extra {
    pub(crate) flag: u16,
    pub(crate) words: &'static [&'static str],
}

static MAP: LazyLock<AHashMap<&'static str, Flags>> = LazyLock::new(|| {
    let mut m: AHashMap<&'static str, Flags> = AHashMap::with_capacity(32_000);
    let mut add = |list: &'static str, bit: u16| {
        for w in list.lines().filter(|l| !l.is_empty()) {
            m.entry(w).or_default().0 |= bit;
        }
    };
    add(
        include_str!("../../data/first_names.txt"),
        Flags::FIRST_NAME,
    );
    add(include_str!("../../data/surnames.txt"), Flags::SURNAME);
    add(include_str!("../../data/common_words.txt"), Flags::COMMON);
    add(include_str!("../../data/places.txt"), Flags::PLACE);
    for extra in super::EXTRA_LISTS {
        for w in extra.words {
            m.entry(w).or_default().0 |= extra.flag;
        }
    }
    m
});

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

/// What `word` is (case-insensitive); nothing for words longer than any listed one.
pub(crate) fn flags(word: &str) -> Flags {
    if word.len() > 40 {
        return Flags::default();
    }
    MAP.get(Lower::new(word).as_str())
        .copied()
        .unwrap_or_default()
}

/// A word in everyday English use (`will`, `may`, `street`).
pub(crate) fn common_word(word: &str) -> bool {
    flags(word).has(Flags::COMMON)
}

/// A country, US state or large city (lower-cased phrase of up to three words).
pub(crate) fn place(phrase: &str) -> bool {
    flags(phrase).has(Flags::PLACE)
}

/// Warms the lists (parsing them takes a few milliseconds), so the first request does not.
pub(crate) fn load() {
    LazyLock::force(&MAP);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_load_and_answer() {
        assert!(flags("Sarah").has(Flags::FIRST_NAME) && flags("WILL").has(Flags::FIRST_NAME));
        assert!(flags("Thompson").has(Flags::SURNAME));
        assert!(common_word("will") && common_word("Street") && !common_word("Sarah"));
        assert!(place("Switzerland") && place("united states"));
        assert!(flags("Street").has(Flags::SUFFIX_TYPE) && flags("via").has(Flags::PREFIX_TYPE));
        assert_eq!(Lower::new("ÇAĞLA").as_str(), "çağla");
    }
}
