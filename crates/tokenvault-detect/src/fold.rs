//! Folding of characters that hide PII from ASCII-shaped recognizers: non-breaking and other
//! Unicode spaces, Unicode dashes, fullwidth forms, digits of other scripts, invisible
//! characters, and Latin look-alike letters of Cyrillic and Greek. Detection runs on the
//! folded text; every folded byte remembers the span of the original character it came from,
//! so findings are reported, masked and restored in the caller's text as written.
//!
//! Pure-ASCII text (the common case) is never copied.

/// A folded text, with a mark at every character that changed length or was dropped, so an
/// offset maps back by one binary search (ASCII runs between marks keep a constant shift).
pub(crate) struct Folded {
    pub text: String,
    marks: Vec<Mark>,
}

/// One folded character: where it is in each text and how long it is in each.
#[derive(Debug, Clone, Copy)]
struct Mark {
    folded: usize,
    folded_len: usize,
    original: usize,
    original_len: usize,
}

impl Folded {
    /// The original byte offset of folded byte `at` (the start of its character).
    fn start_of(&self, at: usize) -> usize {
        let i = self.marks.partition_point(|m| m.folded <= at);
        match i.checked_sub(1).map(|k| self.marks[k]) {
            None => at,
            Some(m) if at < m.folded + m.folded_len => m.original,
            Some(m) => at - (m.folded + m.folded_len) + m.original + m.original_len,
        }
    }

    /// The original byte span of the folded span `start..end`.
    pub(crate) fn original(&self, start: usize, end: usize) -> (usize, usize) {
        let s = self.start_of(start);
        let e = match end.checked_sub(1) {
            Some(last) => {
                let i = self.marks.partition_point(|m| m.folded <= last);
                match i.checked_sub(1).map(|k| self.marks[k]) {
                    Some(m) if last < m.folded + m.folded_len => m.original + m.original_len,
                    _ => self.start_of(last) + 1,
                }
            }
            None => s,
        };
        (s, e)
    }
}

/// What a character folds to: another character, or nothing (invisible characters).
fn fold_char(c: char) -> Option<Option<char>> {
    let u = u32::from(c);
    let to = |x: u32| Some(char::from_u32(x));
    match u {
        // No-break, figure, narrow no-break, thin, hair and other fixed-width spaces.
        0x00A0 | 0x2000..=0x200A | 0x202F | 0x205F | 0x3000 => Some(Some(' ')),
        // Soft hyphen, zero-width space/non-joiner/joiner, word joiner, BOM: dropped.
        0x00AD | 0x200B..=0x200D | 0x2060 | 0xFEFF => Some(None),
        // Hyphens and dashes, minus signs.
        0x2010..=0x2015 | 0x2212 | 0xFE58 | 0xFE63 | 0xFF0D => Some(Some('-')),
        // Fullwidth ASCII (digits, letters, @, ., +, parentheses…).
        0xFF01..=0xFF5E => to(u - 0xFF01 + 0x21),
        // Decimal digits of other scripts: Arabic-Indic, Extended Arabic-Indic, Devanagari,
        // Bengali, Thai.
        0x0660..=0x0669 => to(u - 0x0660 + 0x30),
        0x06F0..=0x06F9 => to(u - 0x06F0 + 0x30),
        0x0966..=0x096F => to(u - 0x0966 + 0x30),
        0x09E6..=0x09EF => to(u - 0x09E6 + 0x30),
        0x0E50..=0x0E59 => to(u - 0x0E50 + 0x30),
        _ => homoglyph(c).map(Some),
    }
}

/// Cyrillic and Greek letters drawn like Latin ones (the confusables of Unicode TR 39 for
/// these letters).
fn homoglyph(c: char) -> Option<char> {
    Some(match c {
        'а' => 'a',
        'е' => 'e',
        'о' => 'o',
        'р' => 'p',
        'с' => 'c',
        'у' => 'y',
        'х' => 'x',
        'і' => 'i',
        'ј' => 'j',
        'ѕ' => 's',
        'ԁ' => 'd',
        'ԛ' => 'q',
        'ԝ' => 'w',
        'А' => 'A',
        'В' => 'B',
        'Е' => 'E',
        'К' => 'K',
        'М' => 'M',
        'Н' => 'H',
        'О' => 'O',
        'Р' => 'P',
        'С' => 'C',
        'Т' => 'T',
        'Х' => 'X',
        'І' => 'I',
        'Ј' => 'J',
        'Ѕ' => 'S',
        'ο' => 'o',
        'α' => 'a',
        'ν' => 'v',
        'Α' => 'A',
        'Β' => 'B',
        'Ε' => 'E',
        'Ζ' => 'Z',
        'Η' => 'H',
        'Ι' => 'I',
        'Κ' => 'K',
        'Μ' => 'M',
        'Ν' => 'N',
        'Ο' => 'O',
        'Ρ' => 'P',
        'Τ' => 'T',
        'Υ' => 'Y',
        'Χ' => 'X',
        _ => return None,
    })
}

/// The folded text, or none when nothing folds (always none for ASCII). ASCII runs are
/// copied whole; only non-ASCII characters are looked at.
pub(crate) fn fold(text: &str) -> Option<Folded> {
    if text.is_ascii() {
        return None;
    }
    let first = non_ascii_chars(text)
        .find(|(_, c)| fold_char(*c).is_some())?
        .0;
    let mut out = String::with_capacity(text.len());
    let mut marks = Vec::new();
    out.push_str(&text[..first]);
    let mut copied = first;
    for (at, c) in non_ascii_chars(&text[first..]).map(|(i, c)| (i + first, c)) {
        let Some(folded) = fold_char(c) else { continue };
        out.push_str(&text[copied..at]);
        let mark = Mark {
            folded: out.len(),
            folded_len: folded.map_or(0, char::len_utf8),
            original: at,
            original_len: c.len_utf8(),
        };
        if let Some(f) = folded {
            out.push(f);
        }
        marks.push(mark);
        copied = at + c.len_utf8();
    }
    out.push_str(&text[copied..]);
    Some(Folded { text: out, marks })
}

/// The non-ASCII characters of `text` with their byte offsets, skipping ASCII 64 bytes at a
/// time (`is_ascii` on a block reads it a word at a time).
fn non_ascii_chars(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        loop {
            let block = bytes.get(i..(i + 64).min(bytes.len()))?;
            if block.is_empty() {
                return None;
            }
            if block.is_ascii() {
                i += block.len();
                continue;
            }
            match block.iter().position(|b| !b.is_ascii()) {
                Some(p) => {
                    i += p;
                    break;
                }
                None => i += block.len(),
            }
        }
        let c = text.get(i..)?.chars().next()?;
        let at = i;
        i += c.len_utf8();
        Some((at, c))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_is_never_copied() {
        assert!(fold("card 4111 1111 1111 1111").is_none());
        assert!(fold("Müşteri numarası").is_none());
    }

    #[test]
    fn spans_map_back_to_the_original_characters() {
        let text = "a\u{00A0}٥\u{200D}x";
        let f = fold(text).unwrap();
        assert_eq!(f.text, "a 5x");
        // "5" came from the two bytes of '٥'.
        assert_eq!(f.original(2, 3), (3, 5));
        // " 5x" covers from the no-break space to the end, the joiner included.
        assert_eq!(f.original(1, 4), (1, text.len()));
    }
}
