//! The rule layer's word lists, built by `scripts/detect-names/lexicon.py` from public-domain
//! and openly licensed sources shipped as PyPI packages (see that script and NOTICE): US Census
//! first names and surnames, Webster's web2 common words, GeoNames places; and the layer's own
//! short lists (street types, legal forms, organization words). All live in one map from the
//! lower-cased word to what it is, so a word costs one lookup whatever the number of lists.

use std::sync::LazyLock;

use rustc_hash::FxHashMap;

use super::swar;

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

static MAP: LazyLock<Table> = LazyLock::new(|| {
    let mut m: FxHashMap<&'static [u8], Flags> =
        FxHashMap::with_capacity_and_hasher(32_000, Default::default());
    let mut add = |list: &'static str, bit: u16| {
        for w in list.lines().filter(|l| !l.is_empty()) {
            m.entry(w.as_bytes()).or_default().0 |= bit;
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
            m.entry(w.as_bytes()).or_default().0 |= extra.flag;
        }
    }
    Table::new(m)
});

/// The longest word the lexicon holds, in bytes; longer words are on no list.
const LONGEST: usize = 40;

/// The lists as one open-addressing table over lower-case keys, probed with the word as
/// written: the hash and the comparison fold ASCII capitals on the fly, so looking up an
/// ASCII word copies nothing (the rule layer looks up about one word in four of what it
/// reads). The table is built once from our own lists and never takes a caller's word, so no
/// input can lengthen its probe runs.
struct Table {
    /// Index + 1 into `entries`, or 0 for an empty slot; a power of two long, at most half
    /// full.
    slots: Vec<u32>,
    entries: Vec<Entry>,
    /// The 8-byte chunks of every key after its first, zero-padded.
    rest: Vec<u64>,
    /// For each flag bit and each first byte (`a`–`z`, or 26 for any other), the lengths of
    /// the keys with that flag as bits (63 for any longer): a word whose shape is not there
    /// is not looked up.
    shapes: [[u64; 27]; 16],
}

/// A listed word, as its length and 8-byte chunks, and what it is.
#[derive(Clone, Copy)]
struct Entry {
    len: usize,
    first: u64,
    /// Where its further chunks start in `rest`.
    rest: usize,
    flags: Flags,
}

impl Table {
    fn new(words: FxHashMap<&'static [u8], Flags>) -> Table {
        let size = (words.len() * 2).next_power_of_two().max(16);
        let mut table = Table {
            slots: vec![0; size],
            entries: Vec::with_capacity(words.len()),
            rest: Vec::new(),
            shapes: [[0; 27]; 16],
        };
        let mut sorted: Vec<_> = words.into_iter().collect();
        sorted.sort_unstable_by_key(|(key, _)| *key);
        for (key, flags) in sorted {
            let chunks = chunks(key);
            table.entries.push(Entry {
                len: key.len(),
                first: chunks.first().copied().unwrap_or(0),
                rest: table.rest.len(),
                flags,
            });
            table.rest.extend(chunks.iter().skip(1));
            let (first, len) = shape(key);
            for bit in 0..16 {
                if flags.0 & (1 << bit) != 0 {
                    table.shapes[bit][first] |= len;
                }
            }
            let mut slot = table.slot(hash(key.len(), &chunks));
            while table.slots[slot] != 0 {
                slot = (slot + 1) & (size - 1);
            }
            // At most half of `u32::MAX` entries: the lists hold tens of thousands.
            table.slots[slot] = u32::try_from(table.entries.len()).unwrap_or(u32::MAX);
        }
        table
    }

    fn slot(&self, hash: u64) -> usize {
        // The high bits are the best mixed; the table is far smaller than 2^32 slots.
        let bits = self.slots.len().trailing_zeros();
        usize::try_from(hash >> (64 - bits)).unwrap_or(0)
    }

    /// The flags of `word`, whose ASCII capitals are folded; non-ASCII letters must already
    /// be lower-case. Eight bytes at a time, for the hash and the comparison alike.
    fn get(&self, word: &[u8]) -> Flags {
        let mut folded = [0u64; LONGEST / 8];
        let n = word.len().div_ceil(8);
        for (c, slot) in folded.iter_mut().enumerate().take(n) {
            *slot = swar::fold_capitals(swar::load(word, c * 8));
        }
        let folded = &folded[..n];
        let mut slot = self.slot(hash(word.len(), folded));
        loop {
            let Some(entry) = self.slots[slot].checked_sub(1) else {
                return Flags::default();
            };
            let e = self.entries[entry as usize];
            if e.len == word.len()
                && folded.first().is_none_or(|x| *x == e.first)
                && folded.get(1..).unwrap_or_default()
                    == self
                        .rest
                        .get(e.rest..e.rest + n.saturating_sub(1))
                        .unwrap_or_default()
            {
                return e.flags;
            }
            slot = (slot + 1) & (self.slots.len() - 1);
        }
    }
}

/// A word's shape: its first letter's index (26 for any other byte) and its length as a bit.
fn shape(word: &[u8]) -> (usize, u64) {
    let first = word.first().map_or(26, |b| match b.to_ascii_lowercase() {
        c @ b'a'..=b'z' => usize::from(c - b'a'),
        _ => 26,
    });
    (first, 1 << word.len().min(63))
}

/// A listed (lower-case) word's 8-byte chunks.
fn chunks(key: &[u8]) -> Vec<u64> {
    (0..key.len().div_ceil(8))
        .map(|c| swar::load(key, c * 8))
        .collect()
}

/// A multiplicative hash (FxHash's constant) of a word's length and its folded 8-byte
/// chunks.
fn hash(len: usize, chunks: &[u64]) -> u64 {
    const K: u64 = 0xf135_7aea_2e62_a9c5;
    let mut h = len as u64;
    for &x in chunks {
        h = (h.rotate_left(26) ^ x).wrapping_mul(K);
    }
    h
}

/// What `word` is (case-insensitive); nothing for words longer than any listed one.
pub(crate) fn flags(word: &str) -> Flags {
    if word.len() > LONGEST {
        return Flags::default();
    }
    if word.is_ascii() {
        MAP.get(word.as_bytes())
    } else {
        MAP.get(word.to_lowercase().as_bytes())
    }
}

/// Whether `word` (case-insensitive) has one of the flags in `bits`; words whose first letter
/// and length no such listed word has are answered without a lookup.
pub(crate) fn has(word: &str, bits: u16) -> bool {
    let (first, len) = shape(word.as_bytes());
    let table = &*MAP;
    let mut rest = bits;
    let mut possible = false;
    while rest != 0 && !possible {
        let bit = rest.trailing_zeros() as usize;
        possible = table.shapes[bit][first] & len != 0;
        rest &= rest - 1;
    }
    // A non-ASCII first letter may lower-case to a listed one: always looked up.
    (possible || first == 26) && flags(word).has(bits)
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
        assert!(flags("ÇAĞLA") == flags("çağla"));
    }

    #[test]
    fn the_shape_filter_never_hides_a_listed_word() {
        for extra in super::super::EXTRA_LISTS {
            for w in extra.words {
                assert!(has(w, extra.flag), "{w}");
                if w.is_ascii() {
                    assert!(has(&w.to_uppercase(), extra.flag), "{w}");
                }
            }
        }
        assert!(!has("qq", Flags::TITLE));
    }

    #[test]
    fn every_listed_word_is_found_in_any_case() {
        let lists = [
            include_str!("../../data/first_names.txt"),
            include_str!("../../data/surnames.txt"),
            include_str!("../../data/common_words.txt"),
            include_str!("../../data/places.txt"),
        ];
        for w in lists
            .iter()
            .flat_map(|l| l.lines())
            .filter(|l| !l.is_empty())
        {
            let f = flags(w);
            assert!(f != Flags::default(), "{w}");
            if w.is_ascii() {
                assert_eq!(flags(&w.to_uppercase()), f, "{w}");
            }
        }
        assert_eq!(flags("zzqxv"), Flags::default());
        assert_eq!(flags("sarah!"), Flags::default());
    }
}
