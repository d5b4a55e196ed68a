//! People's names. A name is a run of capitalised words that either follows a cue (a title
//! such as Mr/Dr/Frau/Sra/Bay, a phrase such as "my name is", "Hi", "Dear", a sign-off such as
//! "Regards,") or starts with a given name from the Census lists. A given name that is also an
//! everyday word (Will, May, Bill, Rose, Mark, Grant) needs a cue or a listed surname after it.
//! A name found once is found again wherever its words recur in the text; an e-mail address
//! whose local part spells it makes it surer.

use super::{
    lexicon::Flags,
    tokens::{Kind, Token},
};
use crate::{catalog::Category, recognize::Raw};

/// Titles before a name (lower case, without the dot).
pub(super) const TITLES: &[&str] = &[
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "madam", "dame", "herr", "frau", "m",
    "mme", "mlle", "sr", "sra", "srta", "don", "doña", "dona", "bay", "bayan", "sig", "sig.ra",
    "signor", "signora", "mevrouw", "meneer", "dhr", "mevr",
];

/// Phrases right before a name (lower-case words; `:` and `,` are tokens of their own).
const CUES: &[&[&str]] = &[
    &["my", "name", "is"],
    &["name", "is"],
    &["name", ":"],
    &["names", "are"],
    &["i", "am"],
    &["name", "?"],
    &["name"],
    &["called"],
    &["named"],
    &["said"],
    &["says"],
    &["i'm"],
    &["i’m"],
    &["this", "is"],
    &["call", "me"],
    &["calls", "me"],
    &["hi"],
    &["hello"],
    &["hey"],
    &["dear"],
    &["regards", ","],
    &["thanks", ","],
    &["sincerely", ","],
    &["cheers", ","],
    &["speak", "to"],
    &["ask", "for"],
    &["under"],
    &["contact", ":"],
    &["from", ":"],
    &["signed", ","],
    &["ich", "bin"],
    &["ich", "heiße"],
    &["je", "m'appelle"],
    &["me", "llamo"],
    &["soy"],
    &["adım"],
    &["benim", "adım"],
];

/// The last word of every cue (a cue is tried only after one of these).
pub(super) const CUE_ENDS: &[&str] = &[
    "is",
    "are",
    "am",
    "i'm",
    "i’m",
    "me",
    "hi",
    "hello",
    "hey",
    "dear",
    "to",
    "for",
    "under",
    "bin",
    "heiße",
    "m'appelle",
    "llamo",
    "soy",
    "adım",
    "name",
    "called",
    "named",
    "said",
    "says",
];

/// Words that are never a name even when capitalised (days, months, pronouns and greetings
/// that open sentences).
pub(super) const NEVER: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "i",
    "i'm",
    "i'd",
    "i'll",
    "i've",
    "god",
    "ok",
    "okay",
    "hi",
    "hello",
    "dear",
    "thanks",
    "regards",
    "please",
    "mr",
    "mrs",
    "ms",
    "dr",
];

/// Lower-case particles inside a name (`Ludwig van Beethoven`).
const PARTICLES: &[&str] = &[
    "van", "von", "de", "der", "den", "da", "di", "du", "del", "la", "le", "bin", "al", "ter",
];

const TITLE_SCORE: f32 = 0.85;
const CUE_SCORE: f32 = 0.8;
const LISTED_PAIR_SCORE: f32 = 0.75;
const LISTED_ALONE_SCORE: f32 = 0.6;
const UNLISTED_PAIR_SCORE: f32 = 0.5;
const REPEAT_SCORE: f32 = 0.65;
const EMAIL_BONUS: f32 = 0.1;
/// Bytes in the longest title or cue word (`m'appelle`, `signora`): longer words are not
/// looked up.
const LONGEST_CUE: usize = 10;
/// Words in a name at most (given names, particles, surnames).
const MAX_WORDS: usize = 4;

pub(super) fn find(text: &str, toks: &[Token], out: &mut Vec<Raw>) {
    let before = out.len();
    let mut i = 0;
    while i < toks.len() {
        match name_at(text, toks, i) {
            Some((end, score)) => {
                out.push(Raw {
                    category: Category::Person,
                    start: toks[i].start,
                    end: toks[end - 1].end,
                    score,
                });
                i = end;
            }
            None => i += 1,
        }
    }
    if out.len() > before {
        repeats(text, toks, before, out);
        email_bonus(text, &mut out[before..]);
    }
}

/// The name starting at token `i`, as (end token, score).
fn name_at(text: &str, toks: &[Token], i: usize) -> Option<(usize, f32)> {
    word(text, toks, i)?;
    if !toks[i].cap {
        return None;
    }
    if toks[i].flags.has(Flags::NEVER_NAME) {
        return None;
    }
    let end = extent(text, toks, i);
    // The name's other words, as tokens (their flags were looked up with the text's).
    let rest = || toks[i + 1..end].iter().filter(|t| t.kind == Kind::Word);
    let surname_like = |t: &Token| {
        t.cap
            && !t.flags.has(Flags::NEVER_NAME)
            && (t.flags.has(Flags::SURNAME) || !t.flags.has(Flags::COMMON))
    };
    if titled(text, toks, i) {
        return Some((end, TITLE_SCORE));
    }
    let flags = toks[i].flags;
    let listed = flags.has(Flags::FIRST_NAME);
    let common = flags.has(Flags::COMMON);
    if cued(text, toks, i) && (listed || !common) {
        return Some((end, CUE_SCORE));
    }
    let pair = rest().next().is_some_and(surname_like);
    if listed && !common {
        return Some(if pair {
            (end, LISTED_PAIR_SCORE)
        } else {
            (i + 1, LISTED_ALONE_SCORE)
        });
    }
    if listed
        && rest()
            .next()
            .is_some_and(|t| t.cap && t.flags.has(Flags::SURNAME))
    {
        return Some((end, LISTED_PAIR_SCORE - 0.15));
    }
    // Two capitalised words that are no everyday words, inside a sentence or alone on their
    // line (a signature, the head of a letter): a name from outside the lists
    // (`Søren Kleist`). Not beside a number: that is a street (`718 Nuussuataap 291`).
    let street_like = i > 0 && toks[i - 1].kind == Kind::Number && !toks[i].line_break_before
        || toks
            .get(end)
            .is_some_and(|t| t.kind == Kind::Number && !t.line_break_before);
    let own_line =
        (i == 0 || toks[i].line_break_before) && toks.get(end).is_none_or(|t| t.line_break_before);
    if !common
        && pair
        && !street_like
        && (own_line || !sentence_start(text, toks, i))
        && rest().all(|t| !t.flags.has(Flags::COMMON))
    {
        return Some((end, UNLISTED_PAIR_SCORE));
    }
    None
}

/// Where the name starting at `i` ends: capitalised words, a middle initial (`C.`) and
/// particles between capitalised words, at most `MAX_WORDS`, on one line.
fn extent(text: &str, toks: &[Token], i: usize) -> usize {
    let mut end = i + 1;
    let mut words = 1;
    while end < toks.len() && words < MAX_WORDS && !toks[end].line_break_before {
        let t = toks[end];
        let w = t.text(text);
        // Only capitalised words can be one (their flags are cached).
        if t.kind != Kind::Word || t.flags.has(Flags::NEVER_NAME) {
            break;
        }
        if t.cap && !t.caps {
            let next_capital = |at: usize| {
                toks.get(at).is_some_and(|n: &Token| {
                    n.kind == Kind::Word && n.cap && n.text(text).chars().count() > 1
                })
            };
            // A middle initial, with its dot or without (`Paul C Tipton`).
            if w.chars().count() == 1 && toks.get(end + 1).is_some_and(|d| d.text(text) == ".") {
                end += 2;
            } else if w.chars().count() == 1 && next_capital(end + 1) {
                end += 1;
            } else if w.chars().count() == 1 {
                break;
            } else {
                end += 1;
            }
            words += 1;
            continue;
        }
        let particle = PARTICLES.contains(&w);
        let then_capital = toks
            .get(end + 1)
            .is_some_and(|n| n.kind == Kind::Word && n.cap);
        if particle && then_capital {
            end += 1;
            words += 1;
            continue;
        }
        break;
    }
    // A name does not end on its middle initial.
    while end > i + 1 && toks[end - 1].text(text) == "." {
        end -= 2;
    }
    end
}

fn word<'t>(text: &'t str, toks: &[Token], i: usize) -> Option<&'t str> {
    toks.get(i)
        .filter(|t| t.kind == Kind::Word)
        .map(|t| t.text(text))
}

/// A title right before (`Mr`, `Mr.`, `Dr.`).
fn titled(text: &str, toks: &[Token], i: usize) -> bool {
    let at = if i >= 2 && toks[i - 1].text(text) == "." {
        i - 2
    } else {
        i.wrapping_sub(1)
    };
    toks.get(at)
        .is_some_and(|t| t.end - t.start <= LONGEST_CUE && t.is(text, Flags::TITLE))
}

/// A cue phrase right before.
fn cued(text: &str, toks: &[Token], i: usize) -> bool {
    let Some(prev) = i.checked_sub(1).map(|p| toks[p]) else {
        return false;
    };
    let may_end = match prev.kind {
        Kind::Punct => matches!(prev.text(text), ":" | "," | "?"),
        _ => prev.end - prev.start <= LONGEST_CUE && prev.is(text, Flags::CUE_END),
    };
    may_end
        && CUES.iter().any(|cue| {
            cue.len() <= i
                && cue
                    .iter()
                    .rev()
                    .enumerate()
                    .all(|(k, w)| toks[i - 1 - k].text(text).eq_ignore_ascii_case(w))
        })
}

/// The token opens a sentence or a line (its capital says nothing).
fn sentence_start(text: &str, toks: &[Token], i: usize) -> bool {
    i == 0
        || toks[i].line_break_before
        || matches!(toks[i - 1].text(text), "." | "!" | "?" | ":" | "\"" | "(")
}

/// Every other capitalised occurrence of a found name's words (`Sarah` after
/// `Sarah Thompson`).
fn repeats(text: &str, toks: &[Token], from: usize, out: &mut Vec<Raw>) {
    let found: Vec<(usize, usize)> = out[from..].iter().map(|r| (r.start, r.end)).collect();
    let mut names: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for &(s, e) in &found {
        for w in text[s..e].split(|c: char| !c.is_alphabetic() && c != '\'' && c != '-') {
            if w.chars().count() >= 3 {
                names.insert(w);
            }
        }
    }
    // Findings are in text order: one pointer walks them beside the tokens (linear).
    let mut at = 0;
    for t in toks {
        while at < found.len() && found[at].1 <= t.start {
            at += 1;
        }
        let inside = found
            .get(at)
            .is_some_and(|&(s, e)| t.start < e && s < t.end);
        if t.kind != Kind::Word || inside {
            continue;
        }
        let w = t.text(text);
        if t.cap && names.contains(w) {
            out.push(Raw {
                category: Category::Person,
                start: t.start,
                end: t.end,
                score: REPEAT_SCORE,
            });
        }
    }
}

/// Bytes around a name searched for an e-mail address that spells it: the same message or
/// paragraph, not the whole text (whose cost would grow with names times addresses).
const EMAIL_REACH: usize = 400;
/// E-mail addresses compared with one name at most.
const EMAILS_PER_NAME: usize = 4;

/// Raises names whose first word the local part of a nearby e-mail address spells
/// (`sarah.thompson@…`). The addresses' positions are found once; each name looks at the
/// few within `EMAIL_REACH` bytes of it.
fn email_bonus(text: &str, found: &mut [Raw]) {
    let ats: Vec<usize> = text.match_indices('@').map(|(at, _)| at).collect();
    if ats.is_empty() {
        return;
    }
    let local = |at: usize| {
        let head = &text[..at];
        let start = head
            .rfind(|c: char| !(c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '+')))
            .map_or(0, |p| p + 1);
        &head[start..]
    };
    for raw in found {
        let first_near = ats.partition_point(|&at| at + EMAIL_REACH < raw.start);
        let name = &text[raw.start..raw.end];
        let Some(first) = name
            .split_whitespace()
            .find(|w| w.chars().count() >= 3)
            .map(str::to_lowercase)
        else {
            continue;
        };
        let spelled = ats[first_near..]
            .iter()
            .take_while(|&&at| at <= raw.end + EMAIL_REACH)
            .take(EMAILS_PER_NAME)
            .any(|&at| {
                let l = local(at).to_lowercase();
                l.contains(&first) && l.len() > first.len() + 1
            });
        if spelled {
            raw.score = (raw.score + EMAIL_BONUS).min(1.0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_title_or_cue_word_is_longer_than_the_gate() {
        for w in TITLES.iter().chain(CUE_ENDS) {
            assert!(w.len() <= LONGEST_CUE, "{w}");
        }
    }
}
