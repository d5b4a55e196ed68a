//! The text as words, numbers and punctuation, with byte offsets: what the rule layer reads.
//! One pass, linear in the text; whitespace is not a token but is remembered as the gap
//! before each token.

use super::lexicon::{self, Flags};

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Letters, with inner apostrophes or hyphens (`O'Brien`, `Jean-Luc`).
    Word,
    /// Digits, with an inner hyphen (`5000-047`) or one trailing letter (`12a`).
    Number,
    /// Any other visible character, alone.
    Punct,
}

/// One token.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Token {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
    /// Whitespace holding a line break comes before it.
    pub line_break_before: bool,
    /// Any whitespace comes before it.
    pub space_before: bool,
    /// What the word is in the lexicon, looked up once for words that start with a capital
    /// (the ones every recognizer asks about); empty for the rest.
    pub flags: Flags,
    /// The first character is a capital.
    pub upper: bool,
    /// The token is [`capitalized`].
    pub cap: bool,
    /// The token is [`all_caps`].
    pub caps: bool,
}

impl Token {
    pub(crate) fn text<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start..self.end]
    }

    /// Whether the token is a word with one of the flags in `bits`: the cached flags for
    /// capitalised words, [`lexicon::has`] (which skips most lookups) for the rest.
    pub(crate) fn is(&self, text: &str, bits: u16) -> bool {
        match self.kind {
            Kind::Word if self.upper => self.flags.has(bits),
            Kind::Word => lexicon::has(self.text(text), bits),
            _ => false,
        }
    }
}

/// Gives every word that starts with a capital its flags: those in `seen` (what the window
/// scan looked up, as (start, end, flags) in order), else a lookup.
pub(crate) fn annotate(text: &str, toks: &mut [Token], seen: &[(usize, usize, Flags)]) {
    let mut at = 0;
    for t in toks.iter_mut() {
        if t.kind == Kind::Word && t.upper {
            while at < seen.len() && seen[at].0 < t.start {
                at += 1;
            }
            t.flags = match seen.get(at) {
                Some(&(start, end, flags)) if start == t.start && end == t.end => flags,
                _ => lexicon::flags(t.text(text)),
            };
        }
    }
}

/// The character at byte `i` (which starts one) and its length.
fn char_at(text: &str, i: usize) -> (char, usize) {
    let b = text.as_bytes()[i];
    if b < 0x80 {
        return (char::from(b), 1);
    }
    let c = text[i..].chars().next().unwrap_or(' ');
    (c, c.len_utf8())
}

fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else {
        c.is_alphabetic() || c == '\u{301}'
    }
}

fn is_space(c: char) -> bool {
    if c.is_ascii() {
        matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c')
    } else {
        c.is_whitespace()
    }
}

/// Splits `text` into tokens: one pass over its bytes, ASCII classified without Unicode
/// tables.
#[cfg(test)]
pub(crate) fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    tokenize_into(text, 0, text.len(), &mut out);
    out
}

/// Appends the tokens of `text[from..to]` (both on character boundaries) to `out`. The first
/// token counts as starting a line, so no reading joins it to the tokens before it.
pub(crate) fn tokenize_into(text: &str, from: usize, to: usize, out: &mut Vec<Token>) {
    let bytes = &text.as_bytes()[..to];
    let (mut space, mut line) = (true, true);
    let mut i = from;
    while i < bytes.len() {
        let b = bytes[i];
        // ASCII spaces and letters, the bulk of any text, are classified by byte.
        if matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c') {
            space = true;
            line |= b == b'\n';
            i += 1;
            continue;
        }
        let (c, len) = char_at(text, i);
        if b >= 0x80 && is_space(c) {
            space = true;
            i += len;
            continue;
        }
        let start = i;
        i += len;
        let kind = if is_letter(c) {
            i = word_end(text, bytes, i);
            Kind::Word
        } else if c.is_ascii_digit() {
            while i < bytes.len()
                && (bytes[i].is_ascii_digit()
                    || bytes[i] == b'-' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit))
            {
                i += 1;
            }
            // One letter glued on (`12a`, `83B`), not a word (`3rd` stays one number token).
            if bytes.get(i).is_some_and(u8::is_ascii_alphabetic)
                && !next_is(&text[..to], i + 1, char::is_alphabetic)
            {
                i += 1;
            }
            Kind::Number
        } else {
            Kind::Punct
        };
        let (upper, cap, caps) = match kind {
            Kind::Punct => (false, false, false),
            _ => case_of(&text[start..i]),
        };
        out.push(Token {
            kind,
            start,
            end: i,
            line_break_before: line,
            space_before: space,
            flags: Flags::default(),
            upper,
            cap,
            caps,
        });
        space = false;
        line = false;
    }
}

/// Where the word whose letters go on at `i` ends: letters, and an apostrophe or hyphen
/// between letters. ASCII letters are stepped over by byte.
pub(crate) fn word_end(text: &str, bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        if b < 0x80 && !matches!(b, b'\'' | b'-') {
            break;
        }
        let (d, dl) = char_at(text, i);
        let inner = matches!(d, '\'' | '’' | '-')
            && i + dl < bytes.len()
            && is_letter(char_at(text, i + dl).0);
        if is_letter(d) || inner {
            i += dl;
        } else {
            break;
        }
    }
    i
}

fn next_is(text: &str, at: usize, f: impl Fn(char) -> bool) -> bool {
    text[at..].chars().next().is_some_and(f)
}

/// A word's case, as (starts with a capital, [`capitalized`], [`all_caps`]): one pass over
/// the bytes of an ASCII word.
fn case_of(word: &str) -> (bool, bool, bool) {
    if !word.is_ascii() {
        let upper = word.chars().next().is_some_and(char::is_uppercase);
        return (upper, capitalized(word), all_caps(word));
    }
    let bytes = word.as_bytes();
    let upper = bytes[0].is_ascii_uppercase();
    let lower = bytes.iter().any(u8::is_ascii_lowercase);
    let any_upper = upper || bytes.iter().any(u8::is_ascii_uppercase);
    (
        upper,
        upper && (bytes.len() == 1 || lower),
        bytes.len() >= 2 && !lower && any_upper,
    )
}

/// Whether a word starts with a capital and is not all capitals (`Sarah`, not `SARAH`), or is
/// one capital letter.
pub(crate) fn capitalized(word: &str) -> bool {
    let mut chars = word.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    first.is_uppercase() && (word.len() == first.len_utf8() || chars.any(char::is_lowercase))
}

/// Whether a word is all capitals, two letters or more (`IIFL`, `BK`).
pub(crate) fn all_caps(word: &str) -> bool {
    word.chars().count() >= 2
        && word.chars().all(|c| !c.is_lowercase())
        && word.chars().any(char::is_uppercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_words_numbers_and_punctuation() {
        let t = "Hi, I'm Jean-Luc O'Brien; 42 Maple St., Apt 12a\n5000-047 Porto";
        let got: Vec<(&str, Kind)> = tokenize(t).iter().map(|k| (k.text(t), k.kind)).collect();
        assert_eq!(
            got,
            vec![
                ("Hi", Kind::Word),
                (",", Kind::Punct),
                ("I'm", Kind::Word),
                ("Jean-Luc", Kind::Word),
                ("O'Brien", Kind::Word),
                (";", Kind::Punct),
                ("42", Kind::Number),
                ("Maple", Kind::Word),
                ("St", Kind::Word),
                (".", Kind::Punct),
                (",", Kind::Punct),
                ("Apt", Kind::Word),
                ("12a", Kind::Number),
                ("5000-047", Kind::Number),
                ("Porto", Kind::Word),
            ]
        );
        assert!(tokenize(t)[13].line_break_before);
    }

    #[test]
    fn the_ascii_case_pass_agrees_with_the_unicode_one() {
        for w in [
            "Sarah", "SARAH", "sarah", "C", "c", "12A", "12a", "IIFL", "McDonald", "O'Brien",
        ] {
            let slow = (
                w.chars().next().is_some_and(char::is_uppercase),
                capitalized(w),
                all_caps(w),
            );
            assert_eq!(case_of(w), slow, "{w}");
        }
    }

    #[test]
    fn capitals() {
        assert!(capitalized("Sarah") && capitalized("Ørsted") && capitalized("C"));
        assert!(!capitalized("SARAH") && !capitalized("sarah"));
        assert!(all_caps("IIFL") && !all_caps("I") && !all_caps("Iifl"));
    }
}
