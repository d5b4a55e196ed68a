//! Where the rule layer reads: every reading holds a number or a capitalised word that is not
//! an everyday word (a name, a place, a legal form, an all-capitals acronym), with its cue or
//! its street and postcode a few words away. A byte scan finds those anchors; only the text
//! within `REACH` bytes of one is tokenized. Prose between anchors (most of a ticket or a
//! prompt) is read once, byte by byte, and never split into words.

use super::{
    lexicon::{self, Flags},
    swar, tokens,
};

/// Bytes read on each side of an anchor: a cue ("my name is", "Regards,") or an address's
/// unit, city and postcode lie within it.
const REACH: usize = 40;
/// Bytes searched past `REACH` for whitespace, so a window starts and ends between words.
const SNAP: usize = 24;

/// Which readings the caller wants, so only their anchors open windows.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Wanted {
    pub(crate) person: bool,
    pub(crate) address: bool,
    pub(crate) organization: bool,
    pub(crate) location: bool,
}

/// The byte ranges worth tokenizing, in order, disjoint, on character boundaries. Every word
/// the scan looked up is appended to `seen` as (start, end, flags), in order, so the tokens need
/// not look it up again.
pub(crate) fn windows(
    text: &str,
    wanted: Wanted,
    seen: &mut Vec<(usize, usize, Flags)>,
) -> Vec<(usize, usize)> {
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
        if !STARTS_ANCHOR[usize::from(b)] {
            i = skip_plain(bytes, i + 1);
            continue;
        }
        if b.is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            if wanted.address && number_anchors(bytes, start, i) {
                add(start, i);
            }
            continue;
        }
        let word_start = i == 0 || !is_word_byte(bytes[i - 1]);
        if word_start {
            let c = text[i..].chars().next().unwrap_or(' ');
            if !c.is_uppercase() {
                i += c.len_utf8();
                continue;
            }
            // Words end where the tokenizer's do, so their flags can be handed over.
            let end = tokens::word_end(text, bytes, i + c.len_utf8());
            let flags = lexicon::flags(&text[i..end]);
            seen.push((i, end, flags));
            if anchors(text, i, end, flags, wanted) {
                add(i, end);
            }
            i = end;
            continue;
        }
        i += 1;
    }
    out
}

/// The bytes that can start an anchor: digits, capitals, and the lead bytes of non-ASCII
/// characters (which may be capitals).
const STARTS_ANCHOR: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_digit() || c.is_ascii_uppercase() || c >= 0xC0;
        b += 1;
    }
    t
};

/// The first position at or after `i` whose byte may start an anchor, stepping eight bytes
/// at a time over lower-case letters, spaces and punctuation (most of any text).
fn skip_plain(bytes: &[u8], mut i: usize) -> usize {
    while let Some(chunk) = bytes.get(i..i + 8) {
        let x = swar::load(chunk, 0);
        if swar::any_non_ascii(x)
            || swar::in_range(x, b'0', b'9') != 0
            || swar::in_range(x, b'A', b'Z') != 0
        {
            break;
        }
        i += 8;
    }
    while i < bytes.len() && !STARTS_ANCHOR[usize::from(bytes[i])] {
        i += 1;
    }
    i
}

/// Whether the digits `bytes[start..end]` can be a house number, a unit or a postcode: they
/// stand alone (not inside an IP address, a card, a date or a phone number: no dot, slash,
/// plus or colon glued on, at most six digits, at most one hyphenated part or one letter
/// glued on) beside a word that starts with a capital (`42 Maple`, `Hauptstraße 5`,
/// `10115 Berlin`, `Apt 4B`).
fn number_anchors(bytes: &[u8], start: usize, end: usize) -> bool {
    let at = |k: usize| bytes.get(k).copied();
    if start > 0
        && !matches!(
            bytes[start - 1],
            b' ' | b'\t' | b'\n' | b'\r' | b'#' | b'(' | b',' | b':'
        )
    {
        return false;
    }
    let mut digits = end - start;
    let mut k = end;
    // `5000-047`
    if at(k) == Some(b'-') && at(k + 1).is_some_and(|b| b.is_ascii_digit()) {
        k += 1;
        while at(k).is_some_and(|b| b.is_ascii_digit()) {
            k += 1;
            digits += 1;
        }
    }
    if digits > 7 {
        return false;
    }
    // `12a`, `5th`
    let mut letters = 0;
    while at(k).is_some_and(|b| b.is_ascii_alphabetic()) && letters < 3 {
        k += 1;
        letters += 1;
    }
    if at(k).is_some_and(|b| b.is_ascii_alphabetic()) {
        return false;
    }
    match at(k) {
        None | Some(b' ' | b'\t' | b'\n' | b'\r' | b',' | b';' | b')') => {}
        Some(b'.') if at(k + 1).is_none_or(|b| b.is_ascii_whitespace()) => {}
        _ => return false,
    }
    capital_after(bytes, k) || capital_before(bytes, start)
}

/// The next word after `k` (past spaces and one comma) starts with a capital or a non-ASCII
/// letter.
fn capital_after(bytes: &[u8], mut k: usize) -> bool {
    let mut comma = false;
    while let Some(&b) = bytes.get(k) {
        match b {
            b' ' | b'\t' | b'\n' | b'\r' => k += 1,
            b',' if !comma => {
                comma = true;
                k += 1;
            }
            _ => return b.is_ascii_uppercase() || b >= 0x80,
        }
    }
    false
}

/// The word before `k` (past spaces and one comma, colon, dot or `#`) starts with a capital
/// or a non-ASCII letter.
fn capital_before(bytes: &[u8], mut k: usize) -> bool {
    let mut mark = false;
    while k > 0 {
        match bytes[k - 1] {
            b' ' | b'\t' | b'\n' | b'\r' => k -= 1,
            b',' | b':' | b'.' | b'#' if !mark => {
                mark = true;
                k -= 1;
            }
            _ => break,
        }
    }
    let end = k;
    while k > 0 && is_word_byte(bytes[k - 1]) && end - k < 40 {
        k -= 1;
    }
    k < end && (bytes[k].is_ascii_uppercase() || bytes[k] >= 0x80)
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80
}

/// Whether the word `text[start..end]`, starting with a capital (or a non-ASCII letter), can
/// be part of a wanted reading:
/// - a legal form or organization word (`LLC`, `Holdings`), a place (for locations), a listed
///   given name that is no everyday word (`Sarah`);
/// - an acronym after a word an employer cue ends with (`at IIFL`); other acronyms (`SSN`,
///   `IBAN`) are read only when something else anchors them;
/// - a surname, or a word on no list, when a capitalised word follows it (`Søren Kleist`,
///   `Le Van`) or a cue, a title or a label's colon comes before it (`Hi Xyzzy`, `Dr.
///   Okonkwo`, `Name: Xyzzy`), since every reading of such a word alone needs one of those.
///
/// Days, months and single letters anchor nothing.
fn anchors(text: &str, start: usize, end: usize, flags: Flags, wanted: Wanted) -> bool {
    let word = &text[start..end];
    let bytes = text.as_bytes();
    let one_letter = word.chars().nth(1).is_none();
    let org_word = Flags::LEGAL | Flags::ORG_OPENING | Flags::ORG_ENDING;
    // A one-letter legal form starts a dotted one (`A.Ş.`).
    if wanted.organization && flags.has(org_word) && (!one_letter || bytes.get(end) == Some(&b'.'))
    {
        return true;
    }
    if flags.has(Flags::NEVER_NAME) {
        return false;
    }
    if wanted.location && flags.has(Flags::PLACE) {
        return true;
    }
    if one_letter {
        return false;
    }
    if word.chars().skip(1).all(|c| !c.is_lowercase()) {
        return wanted.organization && after_employer_word(bytes, start);
    }
    if !(wanted.person || wanted.organization) {
        return false;
    }
    let listed = flags.has(Flags::FIRST_NAME | Flags::SURNAME);
    let common = flags.has(Flags::COMMON);
    if wanted.person && flags.has(Flags::FIRST_NAME) && !common {
        return true;
    }
    if common && !listed {
        return false;
    }
    capitalised_word_after(bytes, end) || cued_before(text, start)
}

/// A cue ends right before `k`: a label's colon or a comma (`Name: `, `Regards,`), a cue word
/// or a title (`is`, `Hi`, `Dr.`), or a word an employer cue ends with.
fn cued_before(text: &str, k: usize) -> bool {
    let bytes = text.as_bytes();
    let mut end = k;
    while end > 0 && bytes[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    if end == 0 {
        return false;
    }
    match bytes[end - 1] {
        b':' | b',' => return true,
        b'.' => end -= 1,
        _ => {}
    }
    let mut start = end;
    while start > 0 && bytes[start - 1].is_ascii_alphabetic() && end - start < 12 {
        start -= 1;
    }
    if start == end || start > 0 && is_word_byte(bytes[start - 1]) {
        return false;
    }
    lexicon::flags(&text[start..end]).has(Flags::CUE_END | Flags::TITLE)
        || after_employer_word(bytes, k)
}

/// The word before `k` is one an employer cue ends with (`at`, `for`, `by`).
fn after_employer_word(bytes: &[u8], k: usize) -> bool {
    let before = &bytes[..k];
    [&b" at "[..], b" for ", b" by ", b": "]
        .iter()
        .any(|w| before.ends_with(w))
}

/// The next word after `k` (past spaces) starts with a capital and is not all capitals.
fn capitalised_word_after(bytes: &[u8], mut k: usize) -> bool {
    while bytes.get(k).is_some_and(|&b| b == b' ') {
        k += 1;
    }
    match (bytes.get(k), bytes.get(k + 1)) {
        (Some(a), Some(b)) => {
            a.is_ascii_uppercase() && (b.is_ascii_lowercase() || *b >= 0x80 || *b == b'.')
        }
        (Some(a), None) => a.is_ascii_uppercase(),
        _ => false,
    }
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

    const ALL: Wanted = Wanted {
        person: true,
        address: true,
        organization: true,
        location: true,
    };

    fn windows_for_test(text: &str) -> Vec<(usize, usize)> {
        windows(text, ALL, &mut Vec::new())
    }

    #[test]
    fn prose_without_anchors_is_not_read() {
        let t = "thanks for getting back to me so quickly, the team really appreciates it. ";
        assert!(windows_for_test(&t.repeat(50)).is_empty());
        // A capitalised everyday word opening a sentence anchors nothing either.
        assert!(windows_for_test("The team will call back. Thanks again.").is_empty());
    }

    #[test]
    fn names_numbers_and_acronyms_open_windows_on_word_boundaries() {
        let t = format!(
            "{} Sarah wrote {} 42 Maple {}",
            "x ".repeat(60),
            "y ".repeat(60),
            "z ".repeat(60)
        );
        let w = windows_for_test(&t);
        assert_eq!(w.len(), 2, "{w:?}");
        for (s, e) in &w {
            assert!(t[..*s].ends_with(' ') || *s == 0);
            assert!(t[*e..].starts_with(' ') || *e == t.len());
        }
        assert!(windows_for_test("bugün Çağla Yılmaz yazdı").len() == 1);
    }

    #[test]
    fn the_eight_byte_skip_stops_where_the_byte_scan_does() {
        let text = "abc def, ghi; jk/lm@no~pq {rs} 9tu vwXyz é ÿ Ça 0 @[`{ /:";
        let bytes = text.as_bytes();
        for i in 0..bytes.len() {
            let slow = (i..bytes.len())
                .find(|&k| STARTS_ANCHOR[usize::from(bytes[k])])
                .unwrap_or(bytes.len());
            assert_eq!(skip_plain(bytes, i), slow, "from {i}");
        }
    }

    #[test]
    fn acronyms_anchor_after_an_employer_word_or_on_a_list() {
        assert_eq!(windows_for_test("I work at IIFL now").len(), 1);
        assert_eq!(windows_for_test("Acme LLC wrote").len(), 1);
        assert!(windows_for_test("ask IIFL now").is_empty());
        assert!(windows_for_test("the SSN and IBAN are below").is_empty());
    }

    #[test]
    fn numbers_anchor_beside_a_capital_and_standing_alone() {
        for anchored in [
            "at 42 Maple Street",
            "Hauptstraße 5, please",
            "zip 10115 Berlin",
            "in Springfield IL 62704",
            "unit Apt 4B here",
            "send to 5000-047 Porto",
            "Atatürk Cad. No:12 here",
        ] {
            assert_eq!(windows_for_test(anchored).len(), 1, "{anchored}");
        }
        for not in [
            "ip 81.188.223.154 today",
            "call +44 20 8081 4874 now",
            "card 6011-4017-5722-8469 ok",
            "case 84037 is open",
            "call (415) 555-2671 now",
            "mail oliviadoe50@acme.com",
            "on 2024-03-15 we met",
        ] {
            assert!(windows_for_test(not).is_empty(), "{not}");
        }
    }

    #[test]
    fn unlisted_words_anchor_after_a_cue_or_before_a_capital() {
        // Alone, an unlisted word anchors nothing (`Caso`, `Vorgang`, `Aadhaar`), nor does a
        // day, a month or a single letter.
        for not in [
            "Vorgang offen. Kunde wartet",
            "my Aadhaar is below",
            "see you Friday",
            "grade A today",
        ] {
            assert!(windows_for_test(not).is_empty(), "{not}");
        }
        for anchored in [
            "my name is Xyzzy here",
            "Please ask Dr. Okonkwo to call",
            "Regards,\nXyzzy",
            "Xyzzy Blorp wrote",
        ] {
            assert_eq!(windows_for_test(anchored).len(), 1, "{anchored}");
        }
    }
}
