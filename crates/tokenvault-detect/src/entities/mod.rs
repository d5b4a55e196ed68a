//! The rule layer for what has no fixed shape: people, street addresses, organizations and
//! places, read from the text's words (a second pass beside the shape scanner, run only when
//! one of these categories is on). No model is needed; cues, word lists and address grammars
//! decide (see `docs/detection.md`, "People, addresses, organizations").

mod address;
mod lexicon;
mod location;
mod organization;
mod person;
mod tokens;

use crate::{
    catalog::{Category, CategorySet},
    recognize::Raw,
};

/// The categories this layer reports.
pub(crate) const CATEGORIES: [Category; 4] = [
    Category::Person,
    Category::Address,
    Category::Organization,
    Category::Location,
];

/// Every reading of the enabled entity categories in `text`.
pub(crate) fn recognize(text: &str, enabled: CategorySet, out: &mut Vec<Raw>) {
    if !enabled.any(&CATEGORIES) {
        return;
    }
    let toks = tokens::tokenize(text);
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

/// Loads the word lists ahead of the first request.
pub fn warm_up() {
    lexicon::load();
}
