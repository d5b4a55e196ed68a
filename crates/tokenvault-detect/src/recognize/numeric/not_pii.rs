//! Numbers that look like PII and are not: ISBNs (whose hyphenated groups can spell an SSN,
//! `123-45-6789-X`) and dotted version strings (`version 1.2.3.4`, `10.0.19041.1`), which
//! read as IPv4 addresses.

use crate::recognize::checksum;

/// Bytes before a run searched for the word "ISBN" (`ISBN-13: `).
const ISBN_WORD_WINDOW: usize = 12;
/// Bytes before a dotted quad searched for a version word (`Version: `).
const VERSION_WORD_WINDOW: usize = 12;
/// Words that introduce a version, build or release number.
const VERSION_WORDS: &[&str] = &[
    "version", "ver", "v", "build", "release", "rel", "firmware", "fw", "patch", "update",
    "upgrade", "kernel", "sdk", "api",
];

/// Whether the run `text[start..end]` (with a trailing `-X` check character, if any) is a
/// valid ISBN that the text marks as one: the word "ISBN" just before it, or the hyphenated
/// groups ISBNs are printed in (four for ISBN-10, five for ISBN-13).
pub(super) fn isbn_run(text: &str, start: usize, end: usize) -> bool {
    let run = &text[start..end];
    let tail = &text[end..];
    let x = tail.len() >= 2
        && tail.as_bytes()[0] == b'-'
        && matches!(tail.as_bytes()[1], b'X' | b'x')
        && !tail
            .as_bytes()
            .get(2)
            .is_some_and(u8::is_ascii_alphanumeric);
    let mut d: Vec<u8> = run.bytes().filter(u8::is_ascii_digit).collect();
    if x {
        d.push(b'X');
    }
    if !checksum::isbn(&d) {
        return false;
    }
    let groups = run.split('-').count() + usize::from(x);
    let printed = run.bytes().all(|b| b.is_ascii_digit() || b == b'-')
        && (d.len() == 10 && groups == 4 || d.len() == 13 && groups == 5);
    printed
        || word_before(
            text,
            start,
            ISBN_WORD_WINDOW,
            &["isbn", "isbn-10", "isbn-13", "isbn10", "isbn13"],
        )
}

/// Whether a dotted quad at `text[start..end]` is part of a version string: more dotted
/// numbers on either side, or a version word just before it.
pub(super) fn version_string(text: &str, start: usize, end: usize) -> bool {
    let b = text.as_bytes();
    let dotted_before = start >= 2 && b[start - 1] == b'.' && b[start - 2].is_ascii_digit();
    let dotted_after = b.get(end) == Some(&b'.') && b.get(end + 1).is_some_and(u8::is_ascii_digit);
    dotted_before || dotted_after || word_before(text, start, VERSION_WORD_WINDOW, VERSION_WORDS)
}

/// Whether the last word before `at`, within `window` bytes and past punctuation
/// (`Version: `, `ISBN-13 `), is one of `words` (ASCII case-insensitive).
fn word_before(text: &str, at: usize, window: usize, words: &[&str]) -> bool {
    let b = text.as_bytes();
    let lo = at.saturating_sub(window);
    let mut end = at;
    while end > lo && matches!(b[end - 1], b' ' | b':' | b'#' | b'.' | b'\t') {
        end -= 1;
    }
    let mut begin = end;
    while begin > lo && (b[begin - 1].is_ascii_alphanumeric() || b[begin - 1] == b'-') {
        begin -= 1;
    }
    // The word must start at a word boundary, not inside a longer word cut by the window.
    if begin > 0 && b[begin - 1].is_ascii_alphanumeric() {
        return false;
    }
    begin < end
        && words
            .iter()
            .any(|w| w.as_bytes().eq_ignore_ascii_case(&b[begin..end]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str, value: &str) -> (usize, usize) {
        let s = text.find(value).unwrap();
        (s, s + value.len())
    }

    /// Valid ISBNs according to python-stdnum 1.20 (`stdnum.isbn.is_valid`), and the same
    /// with the check digit changed, which it rejects.
    #[test]
    fn isbns_match_python_stdnum() {
        for valid in [
            "0-306-40615-2",
            "978-0-306-40615-7",
            "979-10-90636-07-1",
            "1-56619-909-3",
        ] {
            let t = format!("see {valid} now");
            let (s, e) = run(&t, valid);
            assert!(isbn_run(&t, s, e), "{valid}");
        }
        for invalid in ["0-306-40615-3", "978-0-306-40615-8", "979-10-90636-07-2"] {
            let t = format!("see {invalid} now");
            let (s, e) = run(&t, invalid);
            assert!(!isbn_run(&t, s, e), "{invalid}");
        }
        // `123-45-6789-X` is a valid ISBN-10 (stdnum agrees); its digits are SSN-shaped.
        let t = "ordered 123-45-6789-X today";
        let (s, e) = run(t, "123-45-6789");
        assert!(isbn_run(t, s, e));
        let t = "ISBN-13: 9780306406157";
        let (s, e) = run(t, "9780306406157");
        assert!(isbn_run(t, s, e));
        // Unmarked and unhyphenated, a valid ISBN-10 is read as whatever else it may be.
        let t = "call 0306406152";
        let (s, e) = run(t, "0306406152");
        assert!(!isbn_run(t, s, e));
    }

    #[test]
    fn version_strings() {
        for (t, quad) in [
            ("version 1.2.3.4 out", "1.2.3.4"),
            ("Version: 10.0.0.1", "10.0.0.1"),
            ("build 1.0.0.12 ok", "1.0.0.12"),
            ("Windows 10.0.19041.1.2", "10.0.19041.1"),
            ("x 3.1.2.3.4", "1.2.3.4"),
        ] {
            let (s, e) = run(t, quad);
            assert!(version_string(t, s, e), "{t}");
        }
        for (t, quad) in [
            ("server 10.0.0.1 down", "10.0.0.1"),
            ("conversion 10.0.0.1", "10.0.0.1"),
            ("at 10.0.0.1.", "10.0.0.1"),
        ] {
            let (s, e) = run(t, quad);
            assert!(!version_string(t, s, e), "{t}");
        }
    }
}
