//! The text as words, numbers and punctuation, with byte offsets: what the rule layer reads.
//! One pass, linear in the text; whitespace is not a token but is remembered as the gap
//! before each token.

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
}

impl Token {
    pub(crate) fn text<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start..self.end]
    }
}

/// Splits `text` into tokens.
pub(crate) fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(text.len() / 5);
    let mut chars = text.char_indices().peekable();
    let (mut space, mut line) = (false, false);
    while let Some((i, c)) = chars.next() {
        if c.is_whitespace() {
            space = true;
            line |= c == '\n';
            continue;
        }
        let mut end = i + c.len_utf8();
        let kind = if c.is_alphabetic() {
            while let Some(&(j, d)) = chars.peek() {
                // Letters, combining accents, and an apostrophe or hyphen between letters.
                let inner = matches!(d, '\'' | '’' | '-')
                    && next_is(text, j + d.len_utf8(), char::is_alphabetic);
                if d.is_alphabetic() || d == '\u{301}' || inner {
                    chars.next();
                    end = j + d.len_utf8();
                } else {
                    break;
                }
            }
            Kind::Word
        } else if c.is_ascii_digit() {
            while let Some(&(j, d)) = chars.peek() {
                if d.is_ascii_digit() || d == '-' && next_is(text, j + 1, |x| x.is_ascii_digit()) {
                    chars.next();
                    end = j + 1;
                } else {
                    break;
                }
            }
            // One letter glued on (`12a`, `83B`), not a word (`3rd` stays one number token).
            if let Some(&(j, d)) = chars.peek() {
                if d.is_ascii_alphabetic() && !next_is(text, j + 1, char::is_alphabetic) {
                    chars.next();
                    end = j + 1;
                }
            }
            Kind::Number
        } else {
            Kind::Punct
        };
        out.push(Token {
            kind,
            start: i,
            end,
            line_break_before: line,
            space_before: space,
        });
        space = false;
        line = false;
    }
    out
}

fn next_is(text: &str, at: usize, f: impl Fn(char) -> bool) -> bool {
    text[at..].chars().next().is_some_and(f)
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
    fn capitals() {
        assert!(capitalized("Sarah") && capitalized("Ørsted") && capitalized("C"));
        assert!(!capitalized("SARAH") && !capitalized("sarah"));
        assert!(all_caps("IIFL") && !all_caps("I") && !all_caps("Iifl"));
    }
}
