//! The rule layer for what has no fixed shape: people, street addresses, organizations and
//! places, read from the text's words (a second pass beside the shape scanner, run only when
//! one of these categories is on). No model is needed; cues, word lists and address grammars
//! decide (see `docs/detection.md`, "People, addresses, organizations").

mod address;
mod lexicon;
mod location;
mod name_lists;
mod organization;
mod person;
mod swar;
mod tokens;
mod windows;

use crate::{
    catalog::{Category, CategorySet},
    recognize::Raw,
};

pub(crate) use name_lists::OrganizationLists;

/// The categories this layer reports.
pub(crate) const CATEGORIES: [Category; 4] = [
    Category::Person,
    Category::Address,
    Category::Organization,
    Category::Location,
];

/// The recognizers' own word lists, registered in the lexicon's one map.
pub(crate) const EXTRA_LISTS: &[lexicon::Extra] = &[
    lexicon::Extra {
        flag: lexicon::Flags::SUFFIX_TYPE,
        words: address::SUFFIX_TYPES,
    },
    lexicon::Extra {
        flag: lexicon::Flags::PREFIX_TYPE,
        words: address::PREFIX_TYPES,
    },
    lexicon::Extra {
        flag: lexicon::Flags::TURKISH_TYPE,
        words: address::TURKISH_TYPES,
    },
    lexicon::Extra {
        flag: lexicon::Flags::UNIT,
        words: address::UNITS,
    },
    lexicon::Extra {
        flag: lexicon::Flags::LEGAL,
        words: organization::LEGAL_FORMS,
    },
    lexicon::Extra {
        flag: lexicon::Flags::LEGAL,
        words: organization::DOTTED_FORM_STARTS,
    },
    lexicon::Extra {
        flag: lexicon::Flags::NEVER_NAME,
        words: person::NEVER,
    },
    lexicon::Extra {
        flag: lexicon::Flags::TITLE,
        words: person::TITLES,
    },
    lexicon::Extra {
        flag: lexicon::Flags::CUE_END,
        words: person::CUE_ENDS,
    },
    lexicon::Extra {
        flag: lexicon::Flags::ORG_OPENING,
        words: organization::ORG_OPENINGS,
    },
    lexicon::Extra {
        flag: lexicon::Flags::ORG_ENDING,
        words: organization::ORG_ENDINGS,
    },
];

/// Every reading of the enabled entity categories in `text`, with the policy's own
/// organization names added and its allowed ones taken out.
pub(crate) fn recognize(
    text: &str,
    enabled: CategorySet,
    lists: Option<&OrganizationLists>,
    out: &mut Vec<Raw>,
) {
    if !enabled.any(&CATEGORIES) {
        return;
    }
    let from = out.len();
    find(text, enabled, out);
    if let Some(lists) = lists.filter(|_| enabled.contains(Category::Organization)) {
        lists.find(text, out);
        let mut k = from;
        while k < out.len() {
            let r = out[k];
            if r.category == Category::Organization && lists.allowed(&text[r.start..r.end]) {
                out.swap_remove(k);
            } else {
                k += 1;
            }
        }
    }
}

fn find(text: &str, enabled: CategorySet, out: &mut Vec<Raw>) {
    let mut seen = Vec::new();
    let wanted = windows::Wanted {
        person: enabled.contains(Category::Person),
        address: enabled.contains(Category::Address),
        organization: enabled.contains(Category::Organization),
        location: enabled.contains(Category::Location),
    };
    let spans = windows::windows(text, wanted, &mut seen);
    // About one token per four bytes; room for more so the vector rarely grows.
    let bytes: usize = spans.iter().map(|(s, e)| e - s).sum();
    let mut toks = Vec::with_capacity(bytes / 3 + 16);
    for (start, end) in spans {
        tokens::tokenize_into(text, start, end, &mut toks);
    }
    tokens::annotate(text, &mut toks, &seen);
    if enabled.contains(Category::Address) {
        address::find(text, &toks, out);
    }
    if enabled.contains(Category::Organization) {
        organization::find(text, &toks, out);
    }
    if enabled.contains(Category::Person) {
        person::find(text, &toks, out);
    }
    if enabled.contains(Category::Location) {
        location::find(text, &toks, out);
    }
}

/// Whether `phrase` is a country, US state or large city (a model's "person" that is a place
/// name is dropped).
pub(crate) fn is_place(phrase: &str) -> bool {
    lexicon::place(phrase)
}

/// Loads the word lists ahead of the first request.
pub fn warm_up() {
    lexicon::load();
}
