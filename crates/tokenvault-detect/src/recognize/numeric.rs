//! Numeric candidates: runs of digits with separators. One run may hold several values
//! ("SSN 123-45-6789 4111 1111 1111 1111" is one run), so spans of whole digit groups are tried
//! longest first from each group, and every category that accepts a span reports it; the
//! detector's overlap rule then keeps the most confident.

mod national;
mod not_pii;

use super::{checksum, date, phone, Ctx, Raw};
use crate::catalog::Category;

/// No recognizer accepts more digits than this (19 for cards).
const MAX_DIGITS: usize = 19;
/// Groups kept on the stack; longer runs spill to the heap.
const STACK_GROUPS: usize = 24;

#[derive(Debug, Clone, Copy)]
struct Group {
    start: usize,
    end: usize,
}

pub(super) fn recognize(ctx: &Ctx<'_>, start: usize, end: usize, out: &mut Vec<Raw>) {
    if not_pii::isbn_run(ctx.text, start, end) {
        return;
    }
    let bytes = ctx.text.as_bytes();
    let mut group_buf = [Group { start: 0, end: 0 }; STACK_GROUPS];
    let mut spilled: Vec<Group> = Vec::new();
    let mut count = 0;
    let mut i = start;
    while i < end {
        if bytes[i].is_ascii_digit() {
            let s = i;
            while i < end && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let g = Group { start: s, end: i };
            if count < STACK_GROUPS {
                group_buf[count] = g;
            } else {
                if spilled.is_empty() {
                    spilled.extend_from_slice(&group_buf);
                }
                spilled.push(g);
            }
            count += 1;
        } else {
            i += 1;
        }
    }
    let groups = if spilled.is_empty() {
        &group_buf[..count]
    } else {
        &spilled[..]
    };
    // Every span of whole groups holding at most MAX_DIGITS digits: at most that many spans
    // from each group, so the work is linear in the run, and the overlap rule picks between
    // readings. (Skipping past the longest accepted span let a long reading of padding hide
    // the value inside it.)
    let text = ctx.text;
    for g in 0..groups.len() {
        let mut digits = 0;
        let mut inner_single = 0;
        let mut dotted = false;
        for j in g..groups.len() {
            if j > g {
                dotted |= text[groups[j - 1].end..groups[j].start].contains('.');
                if j > g + 1 && groups[j - 1].end - groups[j - 1].start == 1 {
                    inner_single += 1;
                }
            }
            digits += groups[j].end - groups[j].start;
            // Past MAX_DIGITS, or two single-digit groups inside an undotted span (no format
            // read here has them but IPv4; "0 0 0 …" padding): no longer span from this group
            // can be read either.
            if digits > MAX_DIGITS || (j - g + 1 > 3 && inner_single >= 2 && !dotted) {
                break;
            }
            span(ctx, groups, g, j, start, out);
        }
    }
}

/// Tries the groups as one value; true if any category took it.
fn span(
    ctx: &Ctx<'_>,
    run: &[Group],
    g: usize,
    j: usize,
    run_start: usize,
    out: &mut Vec<Raw>,
) -> bool {
    ctx.spans.set(ctx.spans.get() + 1);
    let text = ctx.text;
    // A span cut out of a longer number by a single space or dash is a weaker reading than
    // one the text sets apart ("278 022 1276" is not the phone "022 1276").
    let strong = |a: Group, b: Group| {
        let sep = &text[a.end..b.start];
        sep.len() >= 2 || sep.contains('/')
    };
    let whole = (g == 0 || strong(run[g - 1], run[g]))
        && (j + 1 == run.len() || strong(run[j], run[j + 1]));
    let before = out.len();
    let accepted = readings(ctx, &run[g..=j], run_start, whole, out);
    if !whole {
        for raw in &mut out[before..] {
            raw.score -= CUT_PENALTY;
        }
    }
    accepted
}

/// What a reading loses when its span is cut out of a longer run.
const CUT_PENALTY: f32 = 0.25;

/// A span of digit groups as read: its extent, the groups, the separators between them and
/// the digits, in fixed buffers (spans hold at most MAX_DIGITS digits, so at most that many
/// groups: no allocation per reading).
struct Shape<'t> {
    start: usize,
    end: usize,
    n: usize,
    k: usize,
    parts: [&'t str; MAX_DIGITS],
    seps: [&'t str; MAX_DIGITS],
    lens: [usize; MAX_DIGITS],
    digits: [u8; MAX_DIGITS],
    /// A leading `+` or `(` belongs to the value.
    plus_or_paren: bool,
    /// The one separator used between every two groups, if there is one.
    uniform_sep: Option<&'t str>,
}

impl<'t> Shape<'t> {
    fn empty() -> Self {
        Shape {
            start: 0,
            end: 0,
            n: 0,
            k: 0,
            parts: [""; MAX_DIGITS],
            seps: [""; MAX_DIGITS],
            lens: [0; MAX_DIGITS],
            digits: [0; MAX_DIGITS],
            plus_or_paren: false,
            uniform_sep: None,
        }
    }

    /// Reads the span in place (the shape is large; it is filled, not moved); false when
    /// the span holds more than MAX_DIGITS digits.
    fn read(&mut self, text: &'t str, groups: &[Group], run_start: usize) -> bool {
        let bytes = text.as_bytes();
        let first = groups[0];
        // A leading `+` or `(` belongs to the value; anything else before the first group
        // does not. A `(` not closed after the first group (`(415) 555…`) is the text's own
        // bracket: "SSN (536-22-1234)".
        let mut start = first.start;
        while start > run_start && matches!(bytes[start - 1], b'+' | b'(') {
            start -= 1;
        }
        let closed = groups
            .get(1)
            .is_some_and(|next| text[first.end..next.start].contains(')'));
        if &text[start..first.start] == "(" && !closed {
            start = first.start;
        }
        let n = groups.len();
        if n > MAX_DIGITS {
            return false;
        }
        self.start = start;
        self.end = groups[n - 1].end;
        self.n = n;
        self.plus_or_paren = start < first.start;
        for (i, g) in groups.iter().enumerate() {
            let part = &text[g.start..g.end];
            if self.k + part.len() > MAX_DIGITS {
                return false;
            }
            self.digits[self.k..self.k + part.len()].copy_from_slice(part.as_bytes());
            self.k += part.len();
            self.parts[i] = part;
            self.lens[i] = part.len();
            if i + 1 < n {
                self.seps[i] = &text[g.end..groups[i + 1].start];
            }
        }
        let seps = self.seps();
        if seps.windows(2).all(|w| w[0] == w[1]) {
            self.uniform_sep = seps.first().copied();
        }
        true
    }

    fn parts(&self) -> &[&'t str] {
        &self.parts[..self.n]
    }

    fn seps(&self) -> &[&'t str] {
        &self.seps[..self.n - 1]
    }

    fn lens(&self) -> &[usize] {
        &self.lens[..self.n]
    }

    fn d(&self) -> &[u8] {
        &self.digits[..self.k]
    }

    /// One separator used throughout, and one of `allowed`.
    fn grouped_by(&self, allowed: &[&str]) -> bool {
        self.uniform_sep.is_some_and(|s| allowed.contains(&s))
    }

    /// One group of digits, nothing before it.
    fn plain(&self) -> bool {
        self.n == 1 && !self.plus_or_paren
    }

    /// Groups of these lengths, spaced or dashed alike.
    fn spaced_or_dashed(&self, shape: &[usize]) -> bool {
        self.lens() == shape && self.grouped_by(&[" ", "-"])
    }

    /// The plain and the grouped score of a reading.
    fn score(&self, plain: f32, grouped: f32) -> f32 {
        if self.plain() {
            plain
        } else {
            grouped
        }
    }

    fn push(&self, out: &mut Vec<Raw>, category: Category, score: f32) {
        out.push(Raw {
            category,
            start: self.start,
            end: self.end,
            score,
        });
    }
}

/// Every reading of one span of digit groups; whether any was made.
fn readings(
    ctx: &Ctx<'_>,
    groups: &[Group],
    run_start: usize,
    whole: bool,
    out: &mut Vec<Raw>,
) -> bool {
    let mut s = Shape::empty();
    if !s.read(ctx.text, groups, run_start) {
        return false;
    }
    let before = out.len();
    if ipv4(ctx, &s, out) {
        return true;
    }
    // Dates; a date-shaped span is not tried as anything else.
    let parts = s.parts();
    if parts.len() == 3
        && s.grouped_by(&["-", "/", "."])
        && date::is_numeric_date([parts[0], parts[1], parts[2]], s.seps()[0].as_bytes()[0])
    {
        if ctx.on(Category::Date) && !s.plus_or_paren {
            s.push(out, Category::Date, 0.6);
        }
        return out.len() > before;
    }
    br_cpf(ctx, &s, out);
    if s.seps().iter().any(|p| p.contains('.') && p.len() == 1)
        && parts.len() >= 3
        && s.lens().iter().all(|&l| l <= 4)
        && !s.plus_or_paren
    {
        // Dotted groups other than IPv4 or a date: version numbers, amounts, phone numbers
        // in the French style. Only phones are tried.
        return whole && phone::phone(ctx, s.start, s.end, s.lens(), true, out);
    }
    if !s.plus_or_paren {
        card(ctx, &s, out);
        nine_digits(ctx, &s, out);
        national_ids(ctx, &s, out);
        national::recognize(ctx, &s, out);
    }
    let formatted = s.n > 1 || s.plus_or_paren;
    let phone_seps = s.seps().iter().all(|p| {
        p.len() <= 3
            && p.bytes()
                .all(|b| matches!(b, b' ' | b'-' | b'(' | b')' | b'/' | b'.'))
    });
    if phone_seps && whole {
        phone::phone(ctx, s.start, s.end, s.lens(), formatted, out);
    }
    out.len() > before
}

/// A dotted quad of 0–255 without leading zeros, not part of a version string. A `+` is not
/// an address's.
fn ipv4(ctx: &Ctx<'_>, s: &Shape<'_>, out: &mut Vec<Raw>) -> bool {
    let is = ctx.on(Category::IpAddress)
        && !s.plus_or_paren
        && s.n == 4
        && s.grouped_by(&["."])
        && s.parts().iter().all(|p| {
            p.len() <= 3
                && p.parse::<u16>().is_ok_and(|v| v <= 255)
                && (p.len() == 1 || !p.starts_with('0'))
        });
    if is && !not_pii::version_string(ctx.text, s.start, s.end) {
        s.push(out, Category::IpAddress, 0.75);
    }
    is
}

/// Brazilian CPF, whose usual form 000.000.000-00 would otherwise read as dotted groups.
fn br_cpf(ctx: &Ctx<'_>, s: &Shape<'_>, out: &mut Vec<Raw>) {
    if ctx.on(Category::BrCpf)
        && !s.plus_or_paren
        && s.k == 11
        && (s.n == 1 || (s.lens() == [3, 3, 3, 2] && s.seps() == [".", ".", "-"]))
        && checksum::br_cpf(s.d())
    {
        s.push(out, Category::BrCpf, if s.n == 1 { 0.4 } else { 0.85 });
    }
}

/// Payment cards of a known issuer with a valid Luhn digit, plain or in the usual groups.
fn card(ctx: &Ctx<'_>, s: &Shape<'_>, out: &mut Vec<Raw>) {
    let lens = s.lens();
    if ctx.on(Category::CreditCard)
        && (13..=19).contains(&s.k)
        && (s.plain()
            || (s.grouped_by(&[" ", "-"])
                && (lens[..lens.len() - 1].iter().all(|&l| l == 4)
                    || lens == [4, 6, 5]
                    || lens == [4, 6, 4])))
        && card_issuer(s.d())
        && checksum::luhn(s.d())
    {
        s.push(out, Category::CreditCard, s.score(0.8, 0.9));
    }
}

/// The nine-digit identifiers: US SSN and ITIN, Canadian SIN, ABA routing, US passport,
/// Dutch BSN, Australian TFN.
fn nine_digits(ctx: &Ctx<'_>, s: &Shape<'_>, out: &mut Vec<Raw>) {
    if s.k != 9 {
        return;
    }
    let (d, plain) = (s.d(), s.plain());
    if plain || s.spaced_or_dashed(&[3, 2, 4]) {
        us_ssn_itin(ctx, d, plain, s.start, s.end, out);
    }
    let threes = plain || s.spaced_or_dashed(&[3, 3, 3]);
    if threes && ctx.on(Category::CaSin) && !matches!(d[0], b'0' | b'8') && checksum::luhn(d) {
        s.push(out, Category::CaSin, s.score(0.3, 0.6));
    }
    if plain && ctx.on(Category::UsAbaRouting) && checksum::aba_routing(d) {
        s.push(out, Category::UsAbaRouting, 0.3);
    }
    if plain && ctx.on(Category::UsPassport) {
        s.push(out, Category::UsPassport, 0.15);
    }
    if threes && ctx.on(Category::NlBsn) && checksum::nl_bsn(d) {
        s.push(out, Category::NlBsn, 0.3);
    }
    if threes && ctx.on(Category::AuTfn) && checksum::au_tfn(d) {
        s.push(out, Category::AuTfn, s.score(0.3, 0.4));
    }
}

/// National identifiers of 10 to 15 digits with their checksums.
fn national_ids(ctx: &Ctx<'_>, s: &Shape<'_>, out: &mut Vec<Raw>) {
    let (d, plain) = (s.d(), s.plain());
    let grouped = |shape: &[usize]| plain || s.spaced_or_dashed(shape);
    if (s.k == 10 || s.k == 11)
        && (grouped(&[4, 5, 1]) || s.spaced_or_dashed(&[4, 5, 1, 1]))
        && ctx.on(Category::AuMedicare)
        && checksum::au_medicare(d)
    {
        s.push(out, Category::AuMedicare, s.score(0.3, 0.5));
    }
    if s.k == 15
        && (grouped(&[1, 2, 2, 2, 3, 3, 2]) || s.spaced_or_dashed(&[13, 2]))
        && ctx.on(Category::FrNir)
        && checksum::fr_nir(d)
    {
        s.push(out, Category::FrNir, s.score(0.6, 0.75));
    }
    if s.k == 10 && grouped(&[3, 3, 4]) && ctx.on(Category::GbNhs) && checksum::nhs(d) {
        s.push(out, Category::GbNhs, s.score(0.3, 0.5));
    }
    if s.k == 11 && plain && ctx.on(Category::PlPesel) && checksum::pl_pesel(d) {
        s.push(out, Category::PlPesel, 0.45);
    }
    if s.k == 11 && plain && ctx.on(Category::TcKimlik) && checksum::tc_kimlik(d) {
        s.push(out, Category::TcKimlik, 0.75);
    }
    if s.k == 11 && grouped(&[2, 3, 3, 3]) && ctx.on(Category::DeTaxId) && checksum::de_tax_id(d) {
        s.push(out, Category::DeTaxId, 0.3);
    }
    if s.k == 12
        && grouped(&[4, 4, 4])
        && ctx.on(Category::InAadhaar)
        && (b'2'..=b'9').contains(&d[0])
        && checksum::verhoeff(d)
    {
        s.push(out, Category::InAadhaar, s.score(0.4, 0.65));
    }
}

fn us_ssn_itin(ctx: &Ctx<'_>, d: &[u8], plain: bool, start: usize, end: usize, out: &mut Vec<Raw>) {
    let n =
        |r: std::ops::Range<usize>| d[r].iter().fold(0u32, |v, &b| v * 10 + u32::from(b - b'0'));
    let (area, group, serial) = (n(0..3), n(3..5), n(5..9));
    if group == 0 || serial == 0 || area == 0 {
        return;
    }
    if area >= 900 {
        let itin_group = matches!(group, 50..=65 | 70..=88 | 90..=92 | 94..=99);
        if itin_group && ctx.on(Category::UsItin) {
            out.push(Raw {
                category: Category::UsItin,
                start,
                end,
                score: if plain { 0.3 } else { 0.7 },
            });
        }
        return;
    }
    // Numbers the SSA never issues or that were published in advertising.
    let advertised = matches!(
        (area, group, serial),
        (78, 5, 1120) | (219, 9, 9999) | (123, 45, 6789)
    ) || (area == 987 && group == 65 && (4320..=4329).contains(&serial));
    if area == 666 || advertised || !ctx.on(Category::UsSsn) {
        return;
    }
    // Repeated digits are placeholders, not numbers.
    if d.iter().all(|&b| b == d[0]) {
        return;
    }
    out.push(Raw {
        category: Category::UsSsn,
        start,
        end,
        score: if plain { 0.3 } else { 0.75 },
    });
}

/// Whether the digits start with a prefix a card network issues.
fn card_issuer(d: &[u8]) -> bool {
    let p = |n: usize| -> u32 {
        d.iter()
            .take(n)
            .fold(0, |v, &b| v * 10 + u32::from(b - b'0'))
    };
    let len = d.len();
    match d[0] {
        b'1' => len == 15,                   // UATP
        b'4' => matches!(len, 13 | 16 | 19), // Visa
        b'5' => {
            (51..=55).contains(&p(2)) && len == 16      // Mastercard
                || (56..=59).contains(&p(2))             // Maestro
                || p(4) == 5019 && len == 16 // Dankort
        }
        b'2' => (2221..=2720).contains(&p(4)) && len == 16, // Mastercard 2-series
        b'3' => {
            (matches!(p(2), 34 | 37) && len == 15)                           // Amex
                || ((3528..=3589).contains(&p(4)) && len >= 16)              // JCB
                || ((matches!(p(2), 36 | 38 | 39) || (300..=305).contains(&p(3))) && len >= 14)
            // Diners
        }
        b'6' => {
            p(4) == 6011 || p(2) == 65 || (644..=649).contains(&p(3))         // Discover
                || p(2) == 62                                                // UnionPay
                || matches!(p(4), 6304 | 6759 | 6761 | 6762 | 6763) // Maestro
        }
        _ => false,
    }
}
