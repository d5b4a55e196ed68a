//! Street addresses, as one span: house number, street, unit, and the postcode, city, state
//! and country written after them. Grammars by where the street type sits:
//! - after the name, English style (`42 Maple Street`, `10 Downing St`), number first;
//! - before the name, Romance style (`Via Pisanelli 104`, `12 rue de la Paix`,
//!   `Calle Mayor 5`, `Avenida Noruega 42`), number after the name or before the type;
//! - glued to the name, Germanic and Nordic style (`Mattenstrasse 108`, `Kalverstraat 12`,
//!   `Algade 33`, `Hauptstr. 5`), number after;
//! - Turkish (`Atatürk Cad. No: 5`, `Gül Sokak 12`);
//! - post boxes (`P.O. Box 255`, `Postfach 12 34`).
//!
//! A street without a house number is not reported: "Wall Street" and "Main Street" are
//! places, not someone's address.

use super::{
    lexicon::{self, Flags},
    tokens::{Kind, Token},
};
use crate::{catalog::Category, recognize::Raw};

/// Street types written after the name (lower case, without a dot).
pub(super) const SUFFIX_TYPES: &[&str] = &[
    "street",
    "st",
    "avenue",
    "ave",
    "av",
    "road",
    "rd",
    "boulevard",
    "blvd",
    "lane",
    "ln",
    "drive",
    "dr",
    "court",
    "ct",
    "way",
    "place",
    "pl",
    "terrace",
    "ter",
    "circle",
    "cir",
    "parkway",
    "pkwy",
    "highway",
    "hwy",
    "square",
    "sq",
    "row",
    "crescent",
    "cres",
    "close",
    "alley",
    "trail",
    "trl",
    "plaza",
    "loop",
    "path",
    "pike",
    "walk",
    "mews",
    "grove",
    "gardens",
    "hill",
    "point",
    "cove",
    "bend",
    "crossing",
    "expressway",
    "freeway",
    "ridge",
    "view",
    "str",
    "straße",
    "strasse",
    "weg",
    "allee",
    "platz",
    "gasse",
];

/// Street types written before the name.
pub(super) const PREFIX_TYPES: &[&str] = &[
    "via",
    "viale",
    "piazza",
    "corso",
    "vicolo",
    "largo",
    "rue",
    "avenue",
    "boulevard",
    "bd",
    "chemin",
    "allée",
    "impasse",
    "quai",
    "route",
    "calle",
    "avenida",
    "avda",
    "paseo",
    "plaza",
    "carrer",
    "camino",
    "carretera",
    "travesía",
    "rua",
    "travessa",
    "praça",
    "estrada",
    "ulica",
    "ul",
    "strada",
    "calea",
];

/// Endings of a street name glued to its type.
const GLUED_TYPES: &[&str] = &[
    "straße", "strasse", "str", "weg", "gasse", "platz", "allee", "damm", "ufer", "straat", "laan",
    "gracht", "plein", "kade", "singel", "steeg", "vej", "gade", "gatan", "vägen", "gränd",
    "veien", "gata", "gate", "vegen", "utca", "katu", "kuja", "tie", "ulice", "põik", "tänav",
    "braut", "vegur", "stræde", "torv",
];

/// Turkish street and district words.
pub(super) const TURKISH_TYPES: &[&str] = &[
    "cad",
    "caddesi",
    "cd",
    "sok",
    "sokak",
    "sokağı",
    "sk",
    "bulvarı",
    "blv",
    "mahallesi",
    "mah",
];

/// Unit designators after the street.
pub(super) const UNITS: &[&str] = &[
    "apt",
    "apartment",
    "suite",
    "ste",
    "unit",
    "floor",
    "fl",
    "room",
    "rm",
    "flat",
    "bldg",
    "building",
    "no",
    "daire",
    "kat",
    "piso",
    "étage",
    "etage",
    "wohnung",
    "whg",
];

/// Words in a street name between the type and the number (`de la`, `del`).
const LINKS: &[&str] = &[
    "de", "la", "le", "les", "del", "des", "du", "do", "da", "dos", "das", "di", "della", "dei",
    "d", "l",
];

const ADDRESS_SCORE: f32 = 0.8;
const WITH_POSTCODE_SCORE: f32 = 0.9;
/// Words of a street name at most.
const MAX_NAME_WORDS: usize = 4;
/// Tokens of a city or country line under an address at most.
const CITY_LINE_TOKENS: usize = 6;

/// Tokens around a number searched for a street anchor: every grammar but the post box has
/// its house number within this many tokens of the anchor.
const NUMBER_REACH: usize = 6;

pub(super) fn find(text: &str, toks: &[Token], out: &mut Vec<Raw>) {
    // Where the next number token is, from each token: words far from any number are only
    // tried as post boxes and military mail, which start with a capital `P`, `A`, `U` or `C`.
    let mut next_number = vec![usize::MAX; toks.len() + 1];
    for k in (0..toks.len()).rev() {
        next_number[k] = if toks[k].kind == Kind::Number {
            k
        } else {
            next_number[k + 1]
        };
    }
    let mut last_number: Option<usize> = None;
    let mut i = 0;
    while i < toks.len() {
        if toks[i].kind == Kind::Number {
            last_number = Some(i);
        }
        let near = last_number.is_some_and(|n| i - n <= NUMBER_REACH)
            || next_number[i].saturating_sub(i) <= NUMBER_REACH;
        let boxed = !near
            && toks[i].kind == Kind::Word
            && matches!(toks[i].text(text).as_bytes()[0], b'P' | b'A' | b'U' | b'C');
        if !near && !boxed {
            i += 1;
            continue;
        }
        if let Some((start, end)) = intersection(text, toks, i) {
            out.push(Raw {
                category: Category::Address,
                start: toks[start].start,
                end: toks[end - 1].end,
                score: ADDRESS_SCORE,
            });
            i = end;
            continue;
        }
        if let Some((start, end)) = street_at(text, toks, i) {
            let (end, postcode) = tail(text, toks, end);
            out.push(Raw {
                category: Category::Address,
                start: toks[start].start,
                end: toks[end - 1].end,
                score: if postcode {
                    WITH_POSTCODE_SCORE
                } else {
                    ADDRESS_SCORE
                },
            });
            i = end;
        } else {
            i += 1;
        }
    }
}

/// Whether a word token is on the list `flag` names (one lookup in the lexicon's map).
fn is(text: &str, t: &Token, flag: u16) -> bool {
    t.is(text, flag)
}

fn is_number(t: Option<&Token>) -> bool {
    t.is_some_and(|t| t.kind == Kind::Number)
}

/// Skips a dot after token `k` (`St.`); the index after it.
fn after_dot(text: &str, toks: &[Token], k: usize) -> usize {
    if toks
        .get(k + 1)
        .is_some_and(|t| t.text(text) == "." && !t.space_before)
    {
        k + 2
    } else {
        k + 1
    }
}

/// A street core whose anchor (type word, post box, glued name) is token `i`: (first token,
/// end token).
fn street_at(text: &str, toks: &[Token], i: usize) -> Option<(usize, usize)> {
    let t = toks[i];
    if t.kind == Kind::Number {
        return numbered_name(text, toks, i);
    }
    if t.kind != Kind::Word {
        return None;
    }
    let w = t.text(text);
    // Most words anchor nothing: one lookup decides, before any grammar is tried.
    let street_word = Flags::SUFFIX_TYPE | Flags::PREFIX_TYPE | Flags::TURKISH_TYPE;
    let anchored = t.upper && (w.len() <= 4 || t.caps || glued_type(w)) || t.is(text, street_word);
    if !anchored {
        return None;
    }
    if let Some(core) = post_box(text, toks, i).or_else(|| military(text, toks, i)) {
        return Some(core);
    }
    // English: number, name words, type.
    if is(text, &t, Flags::SUFFIX_TYPE) && i >= 2 && (t.cap || w == "street") {
        let mut k = i;
        let mut words = 0;
        while k > 0 && words < MAX_NAME_WORDS {
            let p = toks[k - 1];
            let named = p.kind == Kind::Word && (p.cap || p.caps);
            let ordinal = p.kind == Kind::Number && k >= 2 && toks[k - 2].kind == Kind::Number;
            if (named || ordinal) && !p.line_break_before {
                k -= 1;
                words += 1;
            } else {
                break;
            }
        }
        // Directions (`N`, `West`) are capitalised words and already taken.
        if words > 0 && is_number(toks.get(k.wrapping_sub(1))) && k >= 1 {
            return Some((k - 1, after_dot(text, toks, i)));
        }
    }
    // Romance: type, name words (with links), number; or number, type, name.
    if is(text, &t, Flags::PREFIX_TYPE) {
        let mut k = i + 1;
        let mut words = 0;
        while k < toks.len() && words < MAX_NAME_WORDS + 2 && !toks[k].line_break_before {
            let n = toks[k];
            let nw = n.text(text);
            if n.kind == Kind::Word && (n.cap || LINKS.contains(&nw))
                || matches!(nw, "'" | "’" | ".")
            {
                k += 1;
                words += 1;
            } else {
                break;
            }
        }
        let named = (i + 1..k).any(|m| toks[m].kind == Kind::Word && toks[m].cap);
        if named && is_number(toks.get(k)) && !toks[k].line_break_before {
            let start = if is_number(toks.get(i.wrapping_sub(1))) && i >= 1 {
                i - 1
            } else {
                i
            };
            return Some((start, k + 1));
        }
        if named && i >= 1 && is_number(toks.get(i - 1)) {
            return Some((i - 1, k));
        }
    }
    // Germanic and Nordic: a name glued to its type, then the number.
    if t.cap && glued_type(w) {
        let k = after_dot(text, toks, i);
        if is_number(toks.get(k)) && !toks[k].line_break_before {
            let start = if i >= 1
                && toks[i - 1].kind == Kind::Word
                && toks[i - 1].cap
                && !toks[i].line_break_before
            {
                i - 1
            } else {
                i
            };
            return Some((start, k + 1));
        }
    }
    // Turkish: name, type, `No:` number.
    if is(text, &t, Flags::TURKISH_TYPE)
        && i >= 1
        && toks[i - 1].kind == Kind::Word
        && toks[i - 1].cap
    {
        let mut k = after_dot(text, toks, i);
        if toks
            .get(k)
            .is_some_and(|n| n.text(text).eq_ignore_ascii_case("no"))
        {
            k = after_dot(text, toks, k);
            if toks.get(k).is_some_and(|n| n.text(text) == ":") {
                k += 1;
            }
        }
        if is_number(toks.get(k)) {
            return Some((i - 1, k + 1));
        }
    }
    None
}

/// A street without a type word, written `number name number` (`637 Strojírenská 1006`,
/// `59826 Ibirapita 5422`): taken only when a unit, or a line break or comma and a capitalised
/// word (the city), follows, or an address cue ("address:", "sent to", "located at", "lives
/// at") comes before.
fn numbered_name(text: &str, toks: &[Token], i: usize) -> Option<(usize, usize)> {
    let mut k = i + 1;
    let mut words = 0;
    while k < toks.len() && words < 3 && !toks[k].line_break_before {
        let w = toks[k].text(text);
        if toks[k].kind == Kind::Word && (toks[k].cap || LINKS.contains(&w)) {
            k = after_dot(text, toks, k);
            words += 1;
        } else {
            break;
        }
    }
    if words == 0 || !is_number(toks.get(k)) || toks[k].line_break_before {
        return None;
    }
    let end = k + 1;
    let next = toks.get(end);
    let unit = next.is_some_and(|n| is(text, n, Flags::UNIT));
    let city_after = next.is_some_and(|n| {
        let c = if n.text(text) == "," {
            toks.get(end + 1)
        } else {
            Some(n)
        };
        (n.line_break_before || n.text(text) == ",")
            && c.is_some_and(|c| c.kind == Kind::Word && (c.cap || c.caps))
    });
    (unit || city_after || address_cue(text, toks, i)).then_some((i, end))
}

/// Phrases that introduce an address.
const ADDRESS_CUES: &[&[&str]] = &[
    &["address", ":"],
    &["address", "is"],
    &["address", "to"],
    &["sent", "to"],
    &["send", "it", "to"],
    &["located", "at"],
    &["lives", "at"],
    &["live", "at"],
    &["lived", "in"],
    &["live", "in"],
    &["moved", "to"],
    &["return", "to"],
    &["meet", "me", "at"],
    &["it's", "in"],
    &["deliver", "to"],
];

fn address_cue(text: &str, toks: &[Token], i: usize) -> bool {
    ADDRESS_CUES.iter().any(|cue| {
        cue.len() <= i
            && cue
                .iter()
                .rev()
                .enumerate()
                .all(|(k, w)| toks[i - 1 - k].text(text).eq_ignore_ascii_case(w))
    })
}

/// US military mail: `PSC 2322, Box 6025` / `Unit 4670 Box 6562` / `USNS Name` on one line,
/// then `APO|FPO|DPO AA|AE|AP 12345`. Anchored on the first line's designator.
fn military(text: &str, toks: &[Token], i: usize) -> Option<(usize, usize)> {
    let w = toks[i].text(text);
    if !matches!(
        w,
        "PSC" | "CMR" | "Unit" | "USNS" | "USNV" | "USS" | "USCGC"
    ) {
        return None;
    }
    let mut k = i + 1;
    while k < toks.len() && k < i + 6 && !toks[k].line_break_before {
        k += 1;
    }
    let post = toks.get(k)?;
    let zone = toks.get(k + 1)?;
    let zip = toks.get(k + 2)?;
    let ok = post.line_break_before
        && matches!(post.text(text), "APO" | "FPO" | "DPO")
        && matches!(zone.text(text), "AA" | "AE" | "AP")
        && zip.kind == Kind::Number
        && zip.text(text).len() == 5;
    ok.then_some((i, k + 3))
}

/// Words of one street in an intersection at most.
const MAX_CORNER_WORDS: usize = 6;

/// An intersection, `the corner of 262 Thisseos Avenue and Semmens Greens`: "corner of", a
/// street, "and", a street, one of them with a house number or a street type. From "the" (or
/// "corner") to the second street's end.
fn intersection(text: &str, toks: &[Token], i: usize) -> Option<(usize, usize)> {
    let word = |k: usize| toks.get(k).map_or("", |t| t.text(text));
    if !word(i).eq_ignore_ascii_case("corner") || word(i + 1) != "of" {
        return None;
    }
    let street = |from: usize| -> (usize, bool) {
        let mut k = from;
        let mut located = false;
        while k < toks.len() && k < from + MAX_CORNER_WORDS && !toks[k].line_break_before {
            let t = toks[k];
            let w = t.text(text);
            let named = t.kind == Kind::Word && (t.cap || t.caps);
            if t.kind == Kind::Number || named || (w == "." && k > from) {
                located |=
                    t.kind == Kind::Number || t.is(text, Flags::SUFFIX_TYPE | Flags::PREFIX_TYPE);
                k += 1;
            } else {
                break;
            }
        }
        (k, located)
    };
    let (a_end, a_located) = street(i + 2);
    if a_end == i + 2 || word(a_end) != "and" {
        return None;
    }
    let (b_end, b_located) = street(a_end + 1);
    if b_end == a_end + 1 || !(a_located || b_located) {
        return None;
    }
    let start = if i > 0 && word(i - 1).eq_ignore_ascii_case("the") {
        i - 1
    } else {
        i
    };
    Some((start, b_end))
}

/// `P.O. Box 255`, `PO Box 12`, `Post Office Box 7`, `Postfach 1234`, `Apartado 5`.
fn post_box(text: &str, toks: &[Token], i: usize) -> Option<(usize, usize)> {
    let w = toks[i].text(text);
    let number_after = |k: usize| is_number(toks.get(k)).then_some((i, k + 1));
    if w.eq_ignore_ascii_case("postfach") || w.eq_ignore_ascii_case("apartado") {
        return number_after(i + 1);
    }
    // P . O . Box / PO Box
    let mut k;
    if w == "P"
        && toks.get(i + 1).is_some_and(|t| t.text(text) == ".")
        && toks.get(i + 2).is_some_and(|t| t.text(text) == "O")
    {
        k = i + 3;
        if toks.get(k).is_some_and(|t| t.text(text) == ".") {
            k += 1;
        }
    } else if w == "PO" {
        k = i + 1;
    } else if w == "Post" && toks.get(i + 1).is_some_and(|t| t.text(text) == "Office") {
        k = i + 2;
    } else {
        return None;
    }
    if toks
        .get(k)
        .is_some_and(|t| t.text(text).eq_ignore_ascii_case("box"))
    {
        return number_after(k + 1);
    }
    None
}

fn glued_type(word: &str) -> bool {
    GLUED_TYPES.iter().any(|g| {
        word.len() > g.len() + 2
            && word.is_char_boundary(word.len() - g.len())
            && word[word.len() - g.len()..].eq_ignore_ascii_case(g)
    })
}

/// What follows a street core: unit, postcode, city, state, country, separated by commas or
/// line breaks. Returns the end token and whether a postcode was read.
fn tail(text: &str, toks: &[Token], mut end: usize) -> (usize, bool) {
    let mut postcode = false;
    let mut lines = 0;
    for _ in 0..6 {
        // Skip one comma.
        let mut k = end;
        if toks.get(k).is_some_and(|t| t.text(text) == ",") {
            k += 1;
        }
        let Some(t) = toks.get(k) else { break };
        if t.line_break_before {
            lines += 1;
            if lines > 4 {
                break;
            }
        }
        // Unit: `Apt 5`, `Suite 026`, `# 12`, `Apt. 559`.
        if is(text, t, Flags::UNIT) || t.text(text) == "#" {
            let n = after_dot(text, toks, k);
            let n = if toks.get(n).is_some_and(|x| x.text(text) == ":") {
                n + 1
            } else {
                n
            };
            if is_number(toks.get(n))
                || toks
                    .get(n)
                    .is_some_and(|x| x.kind == Kind::Word && x.text(text).len() <= 3 && x.caps)
            {
                end = n + 1;
                continue;
            }
            break;
        }
        // Postcode: digits (`62704`, `10115`, `5000-047`), Dutch `1012 NX`, Canadian `M5V 2T6`,
        // British `SW1A 2AA`.
        if let Some(n) = postcode_at(text, toks, k) {
            end = n;
            postcode = true;
            continue;
        }
        // State: two capitals (`IL`, `ON`).
        if t.kind == Kind::Word && t.text(text).len() == 2 && t.caps && !t.line_break_before {
            end = k + 1;
            continue;
        }
        // A line of its own under an address line, starting with a capital, is its city or
        // country, whatever small words it holds (`Ždár nad Sázavou 1`, `The Gardens`).
        if t.line_break_before && t.kind == Kind::Word && (t.cap || t.caps) {
            let mut n = k + 1;
            while n < toks.len() && n < k + CITY_LINE_TOKENS && !toks[n].line_break_before {
                n += 1;
            }
            if toks.get(n).is_none_or(|x| x.line_break_before) {
                end = n;
                continue;
            }
        }
        // City or country: capitalised words (with links) on this line, ending where the
        // address does (a comma, a line break, a postcode or state, the end); after a postcode
        // only without a comma (`4450 Sissach`, not `62704, I work …`).
        let comma = k > end;
        // A city in capitals (`STEINKREUZ`) counts as one in capitalised letters.
        let city_word = t.cap && lexicon_ok(text, t) || t.caps && t.text(text).chars().count() >= 3;
        if t.kind == Kind::Word
            && t.text(text).chars().count() >= 2
            && city_word
            && !(postcode && comma)
        {
            let mut n = k + 1;
            while n < toks.len()
                && n < k + 4
                && !toks[n].line_break_before
                && postcode_at(text, toks, n).is_none()
            {
                let w = toks[n].text(text);
                if toks[n].kind == Kind::Word
                    && (toks[n].cap
                        || toks[n].caps
                        || LINKS.contains(&w) && toks.get(n + 1).is_some_and(|x| x.cap))
                {
                    n += 1;
                } else {
                    break;
                }
            }
            // A city right after its postcode (`28013 Madrid`) needs no boundary after it.
            let closed = postcode && !comma
                || toks.get(n).is_none_or(|x| {
                    x.line_break_before
                        || matches!(x.text(text), "," | "." | ";" | ")" | "!" | "?")
                        || x.kind == Kind::Number
                        || x.kind == Kind::Word && x.text(text).len() == 2 && x.caps
                });
            if !closed {
                break;
            }
            end = n;
            continue;
        }
        if t.kind == Kind::Word && t.caps && t.line_break_before {
            // `ORLÉANS` on its own line.
            end = k + 1;
            continue;
        }
        break;
    }
    (end, postcode)
}

/// A city-like word: not an everyday word unless it is a known place.
fn lexicon_ok(text: &str, t: &Token) -> bool {
    let w = t.text(text);
    !lexicon::common_word(w) || lexicon::place(w)
}

/// A postcode starting at token `k`; the end token.
fn postcode_at(text: &str, toks: &[Token], k: usize) -> Option<usize> {
    let t = toks.get(k)?;
    let w = t.text(text);
    if t.kind == Kind::Number {
        let digits = w.bytes().filter(u8::is_ascii_digit).count();
        if !(3..=9).contains(&digits) {
            return None;
        }
        // Dutch `1012 NX`.
        if digits == 4
            && toks
                .get(k + 1)
                .is_some_and(|n| n.kind == Kind::Word && n.text(text).len() == 2 && n.caps)
        {
            return Some(k + 2);
        }
        // Swedish `870 52`.
        if digits == 3 && is_number(toks.get(k + 1)) && toks[k + 1].text(text).len() == 2 {
            return Some(k + 2);
        }
        return (digits >= 4).then_some(k + 1);
    }
    // British and Canadian: letters and digits mixed, two parts.
    let mixed = |s: &str| {
        s.len() <= 4
            && s.bytes().any(|b| b.is_ascii_digit())
            && s.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    };
    let first = &text[t.start..];
    let part = first
        .split(|c: char| c.is_whitespace() || c == ',')
        .next()
        .unwrap_or("");
    if mixed(part) && part.bytes().next().is_some_and(|b| b.is_ascii_uppercase()) {
        let mut n = k;
        while n < toks.len() && toks[n].end <= t.start + part.len() {
            n += 1;
        }
        let second = toks.get(n).map(|x| x.text(text)).unwrap_or("");
        let rest = &text[toks.get(n).map_or(text.len(), |x| x.start)..];
        let second_part = rest
            .split(|c: char| c.is_whitespace() || c == ',')
            .next()
            .unwrap_or("");
        if !second.is_empty() && second_part.len() == 3 && mixed(second_part) {
            let mut m = n;
            while m < toks.len() && toks[m].end <= toks[n].start + 3 {
                m += 1;
            }
            return Some(m);
        }
    }
    None
}
