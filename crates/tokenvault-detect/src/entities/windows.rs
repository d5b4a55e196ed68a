//! Where the rule layer reads: every reading holds a number or a capitalised word that is not
//! an everyday word (a name, a place, a legal form, an all-capitals acronym), with its cue or
//! its street and postcode a few words away. A byte scan finds those anchors; only the text
//! within `REACH` bytes of one is tokenized. Prose between anchors (most of a ticket or a
//! prompt) is read once, byte by byte, and never split into words.

use super::lexicon::{self, Flags};

/// Bytes read on each side of an anchor: a cue ("my name is", "Regards,") or an address's
/// unit, city and postcode lie within it.
const REACH: usize = 48;
/// Bytes searched past `REACH` for whitespace, so a window starts and ends between words.
const SNAP: usize = 24;

/// Capitalised words with these flags anchor a window even when they are everyday words.
const ANCHORING: u16 = Flags::FIRST_NAME
    | Flags::SURNAME
    | Flags::PLACE
    | Flags::LEGAL
    | Flags::ORG_OPENING
    | Flags::ORG_ENDING;

/// The byte ranges worth tokenizing, in order, disjoint, on character boundaries.
pub(crate) fn windows(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out: Vec<(usize, usize)> = Vec::new();
    let mut add = |start: usize, end: usize| {
        let reach = (end + REACH).min(text.len());
        match out.last_mut() {
            // Inside the open window: snap only its new end (anchors are dense in PII-heavy
            // text; snapping both ends of each cost more than the scan).
            Some(last) if start.saturating_sub(REACH) <= last.1 => {
                if reach > last.1 {
                    last.1 = snap_forward(text, reach);
                }
            }
            _ => out.push((
                snap_back(text, start.saturating_sub(REACH)),
                snap_forward(text, reach),
            )),
        }
    };
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_lowercase() || b == b' ' {
            i += 1;
            continue;
        }
        if b.is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            add(start, i);
            continue;
        }
        let word_start = i == 0 || !is_word_byte(bytes[i - 1]);
        if word_start && (b.is_ascii_uppercase() || b >= 0x80) {
            let end = word_end(text, i);
            if end > i && anchors(&text[i..end]) {
                add(i, end);
            }
            i = end.max(i + 1);
            continue;
        }
        i += 1;
    }
    out
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80
}

/// The end of the word starting at `i` (letters, marks, and inner `'` or `-`).
fn word_end(text: &str, i: usize) -> usize {
    let mut end = i;
    for (k, c) in text[i..].char_indices() {
        if c.is_alphabetic() || c == '\u{301}' || (matches!(c, '\'' | '’' | '-') && k > 0) {
            end = i + k + c.len_utf8();
        } else {
            break;
        }
    }
    end
}

/// Whether a word starting with a capital (or a non-ASCII letter) can be part of a reading.
fn anchors(word: &str) -> bool {
    let mut chars = word.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if !first.is_uppercase() {
        return false;
    }
    let rest_upper = word.chars().skip(1).all(|c| !c.is_lowercase());
    if rest_upper && word.chars().count() >= 2 {
        // An acronym (`IIFL`, `PSC`, `APO`).
        return true;
    }
    let flags = lexicon::flags(word);
    if flags.has(Flags::NEVER_NAME) {
        return false;
    }
    !flags.has(Flags::COMMON) || flags.has(ANCHORING)
}

/// A position at or before `at` where a window may start: after whitespace, within `SNAP`
/// bytes, else the nearest character boundary.
fn snap_back(text: &str, at: usize) -> usize {
    let bytes = text.as_bytes();
    let lo = at.saturating_sub(SNAP);
    let mut k = at;
    while k > lo && !bytes[k - 1].is_ascii_whitespace() {
        k -= 1;
    }
    let mut k = if k > lo || k == 0 { k } else { at };
    while !text.is_char_boundary(k) {
        k -= 1;
    }
    k
}

/// A position at or after `at` where a window may end: at whitespace, within `SNAP` bytes,
/// else the nearest character boundary.
fn snap_forward(text: &str, at: usize) -> usize {
    let bytes = text.as_bytes();
    let hi = (at + SNAP).min(bytes.len());
    let mut k = at;
    while k < hi && !bytes[k].is_ascii_whitespace() {
        k += 1;
    }
    let mut k = if k < hi || k == bytes.len() { k } else { at };
    while !text.is_char_boundary(k) {
        k += 1;
    }
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_without_anchors_is_not_read() {
        let t = "thanks for getting back to me so quickly, the team really appreciates it. ";
        assert!(windows(&t.repeat(50)).is_empty());
        // A capitalised everyday word opening a sentence anchors nothing either.
        assert!(windows("The team will call back. Thanks again.").is_empty());
    }

    #[test]
    fn names_numbers_and_acronyms_open_windows_on_word_boundaries() {
        let t = format!(
            "{} Sarah wrote {} 42 Maple {}",
            "x ".repeat(60),
            "y ".repeat(60),
            "z ".repeat(60)
        );
        let w = windows(&t);
        assert_eq!(w.len(), 2, "{w:?}");
        for (s, e) in &w {
            assert!(t[..*s].ends_with(' ') || *s == 0);
            assert!(t[*e..].starts_with(' ') || *e == t.len());
        }
        assert!(windows("ask IIFL now").len() == 1);
        assert!(windows("Çağla yazdı").len() == 1);
    }
}
