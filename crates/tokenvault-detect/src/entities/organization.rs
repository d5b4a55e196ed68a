//! Organizations: capitalised words ending in a legal form (`Globex Corporation`,
//! `IIFL Holdings Ltd`, `Siemens AG`, `Accell Group N.V.`, `Koç Holding A.Ş.`), ending in a
//! word organizations are named with (`Hyatt Hotels`, `First Bank`), opening with one
//! (`University of Tartu`), or after "I work for/at".

use super::tokens::{Kind, Token};
use crate::{catalog::Category, recognize::Raw};

/// Legal forms, compared without their dots; those that are also everyday words or names
/// (`AS`, `Co`, `SA`) must be written with capitals.
pub(super) const LEGAL_FORMS: &[&str] = &[
    "inc",
    "incorporated",
    "llc",
    "ltd",
    "limited",
    "corp",
    "corporation",
    "co",
    "company",
    "plc",
    "llp",
    "lp",
    "gmbh",
    "ag",
    "kg",
    "kgaa",
    "se",
    "sa",
    "sas",
    "sarl",
    "spa",
    "srl",
    "bv",
    "nv",
    "oy",
    "oyj",
    "ab",
    "asa",
    "as",
    "aps",
    "ltda",
    "pty",
    "pjsc",
    "ojsc",
    "jsc",
    "tbk",
    "bhd",
    "berhad",
    "aş",
    "sl",
    "slu",
    "sau",
    "sca",
    "scs",
    "ug",
    "ohg",
    "ev",
    "kk",
    "sro",
    "zrt",
    "kft",
    "doo",
    "ood",
    "ead",
];

/// The first letter of each dotted legal form (`S.A.S.`, `N.V.`, `A.Ş.`, `S.p.A.`,
/// `L.L.C.`): a single capital starts the dotted reading only when it is one of these.
pub(super) const DOTTED_FORM_STARTS: &[&str] = &["s", "n", "b", "a", "l", "k", "o", "p"];

/// Words organizations are named with, at their end.
pub(super) const ORG_ENDINGS: &[&str] = &[
    "group",
    "holdings",
    "holding",
    "bank",
    "bancorp",
    "bancshares",
    "hotels",
    "airlines",
    "airways",
    "technologies",
    "technology",
    "systems",
    "solutions",
    "industries",
    "motors",
    "pharmaceuticals",
    "pharma",
    "partners",
    "capital",
    "insurance",
    "foundation",
    "association",
    "institute",
    "hospital",
    "clinic",
    "labs",
    "laboratories",
    "enterprises",
    "ventures",
    "media",
    "studios",
    "networks",
    "communications",
    "software",
    "services",
    "consulting",
    "trust",
    "financial",
    "energy",
    "resources",
    "brands",
    "entertainment",
    "logistics",
    "international",
    "products",
    "electronics",
    "chemicals",
    "foods",
    "retail",
    "telecom",
    "university",
    "college",
    "school",
    "society",
    "council",
    "agency",
    "orchestra",
];

/// Words organizations open with (`University of Tartu`, `Bank of America`).
pub(super) const ORG_OPENINGS: &[&str] = &[
    "university",
    "bank",
    "college",
    "institute",
    "museum",
    "ministry",
    "department",
    "school",
    "academy",
];

/// Phrases after which capitalised words are an employer.
const WORK_CUES: &[&[&str]] = &[
    &["work", "for"],
    &["work", "at"],
    &["works", "for"],
    &["works", "at"],
    &["worked", "for"],
    &["worked", "at"],
    &["working", "for"],
    &["working", "at"],
    &["employed", "by"],
    &["employed", "at"],
    &["employer", ":"],
    &["company", ":"],
];

/// Lower-case words inside a name (`Bank of America`, `Procter & Gamble`).
const LINKS: &[&str] = &[
    "of", "and", "&", "the", "für", "de", "du", "des", "der", "y", "et", "+", "-", "/",
];

const LEGAL_SCORE: f32 = 0.85;
const ENDING_SCORE: f32 = 0.65;
const CUE_SCORE: f32 = 0.6;
/// Words of a name at most.
const MAX_WORDS: usize = 6;

pub(super) fn find(text: &str, toks: &[Token], out: &mut Vec<Raw>) {
    let mut i = 0;
    while i < toks.len() {
        let found = legal_form(text, toks, i)
            .map(|end| (end, LEGAL_SCORE))
            .or_else(|| ending(toks, i).map(|end| (end, ENDING_SCORE)));
        if let Some((end, score)) = found {
            if let Some(start) = name_before(text, toks, i) {
                out.push(raw(toks, start, end, score));
                i = end;
                continue;
            }
        }
        if let Some(end) = opening(text, toks, i) {
            out.push(raw(toks, i, end, ENDING_SCORE));
            i = end;
            continue;
        }
        if let Some(end) = employer(text, toks, i) {
            // `I work at Globex Corporation`: the legal form is read when its turn comes.
            if (i..end).any(|k| legal_form(text, toks, k).is_some() || ending(toks, k).is_some()) {
                i += 1;
                continue;
            }
            out.push(raw(toks, i, end, CUE_SCORE));
            i = end;
            continue;
        }
        i += 1;
    }
}

fn raw(toks: &[Token], start: usize, end: usize, score: f32) -> Raw {
    Raw {
        category: Category::Organization,
        start: toks[start].start,
        end: toks[end - 1].end,
        score,
    }
}

/// A legal form starting at token `i` (with its inner and final dots: `S.A.S.`, `Inc.`); the
/// end token.
fn legal_form(text: &str, toks: &[Token], i: usize) -> Option<usize> {
    let t = toks[i];
    // Every legal form starts with a capital and is short: most words end here unallocated.
    if t.kind != Kind::Word || !t.upper || t.end - t.start > 12 {
        return None;
    }
    if !t.flags.has(super::lexicon::Flags::LEGAL) {
        return None;
    }
    // Join letters and dots written without spaces: `S.p.A.`, `A.Ş.`, `N.V.`.
    let mut end = i + 1;
    let mut joined = String::from(t.text(text));
    while end < toks.len() && !toks[end].space_before {
        let w = toks[end].text(text);
        if w == "." || toks[end].kind == Kind::Word && w.chars().count() <= 2 {
            if w != "." {
                joined.push_str(w);
            }
            end += 1;
        } else {
            break;
        }
    }
    let lower = joined.to_lowercase();
    if !LEGAL_FORMS.contains(&lower.as_str()) {
        return None;
    }
    let has_capital = joined.chars().next().is_some_and(char::is_uppercase);
    let everyday = matches!(
        lower.as_str(),
        "co" | "as" | "sa" | "se" | "ab" | "company" | "limited" | "ev" | "ug" | "spa" | "sl"
    );
    let shouted = joined
        .chars()
        .filter(|c| c.is_alphabetic())
        .all(char::is_uppercase);
    if !has_capital
        || everyday
            && !(shouted
                || lower == "co" && end > i + 1
                || lower == "company"
                || lower == "limited")
    {
        return None;
    }
    Some(end)
}

fn ending(toks: &[Token], i: usize) -> Option<usize> {
    let t = toks[i];
    (t.cap && t.flags.has(super::lexicon::Flags::ORG_ENDING)).then_some(i + 1)
}

/// The first token of the capitalised words before token `i`, if there is at least one.
fn name_before(text: &str, toks: &[Token], i: usize) -> Option<usize> {
    let mut k = i;
    let mut words = 0;
    while k > 0 && words < MAX_WORDS && !toks[k].line_break_before {
        let p = toks[k - 1];
        let w = p.text(text);
        let named =
            p.kind == Kind::Word && (p.cap || p.caps) || p.kind == Kind::Number && words > 0;
        // `of` joins only an organization word to its name (`Bank of America`), never a
        // person to their employer (`Ross Marín of AYM Syntex Ltd`).
        let before = k.checked_sub(2).map(|b| toks[b]);
        let link = LINKS.contains(&w)
            && before.is_some_and(|b| {
                b.kind == Kind::Word
                    && (b.cap || b.caps)
                    && (w != "of"
                        || b.flags.has(
                            super::lexicon::Flags::ORG_OPENING | super::lexicon::Flags::ORG_ENDING,
                        ))
            });
        if named || link {
            k -= 1;
            words += 1;
        } else {
            break;
        }
    }
    // An article or a capital that only opens the sentence is not the name's.
    while k < i
        && (matches!(toks[k].text(text), "The" | "A" | "An") || LINKS.contains(&toks[k].text(text)))
    {
        k += 1;
    }
    (k < i).then_some(k)
}

/// `University of Tartu`, `Bank of America`: the end token.
fn opening(text: &str, toks: &[Token], i: usize) -> Option<usize> {
    let t = toks[i];
    if !(t.cap && t.flags.has(super::lexicon::Flags::ORG_OPENING)) {
        return None;
    }
    if toks.get(i + 1).is_none_or(|n| n.text(text) != "of") {
        return None;
    }
    let mut end = i + 2;
    while end < toks.len()
        && end < i + 2 + 3
        && toks[end].kind == Kind::Word
        && toks[end].cap
        && !toks[end].line_break_before
    {
        end += 1;
    }
    (end > i + 2).then_some(end)
}

/// Capitalised words after "I work for": the end token.
fn employer(text: &str, toks: &[Token], i: usize) -> Option<usize> {
    // Every cue ends in one of these: most tokens are ruled out by one comparison.
    let last = i.checked_sub(1).map(|p| toks[p].text(text));
    if !matches!(last, Some("for" | "at" | "by" | ":")) {
        return None;
    }
    let cued = WORK_CUES.iter().any(|cue| {
        cue.len() <= i
            && cue
                .iter()
                .rev()
                .enumerate()
                .all(|(k, w)| toks[i - 1 - k].text(text).eq_ignore_ascii_case(w))
    });
    if !cued {
        return None;
    }
    let mut end = i;
    while end < toks.len()
        && end < i + 4
        && toks[end].kind == Kind::Word
        && (toks[end].cap || toks[end].caps)
    {
        end += 1;
    }
    (end > i).then_some(end)
}
