//! Numeric candidates: runs of digits with separators. One run may hold several values
//! ("SSN 123-45-6789 4111 1111 1111 1111" is one run), so spans of whole digit groups are tried
//! longest first from each group, and every category that accepts a span reports it; the
//! detector's overlap rule then keeps the most confident.

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

fn readings(
    ctx: &Ctx<'_>,
    groups: &[Group],
    run_start: usize,
    whole: bool,
    out: &mut Vec<Raw>,
) -> bool {
    let text = ctx.text;
    let bytes = text.as_bytes();
    let first = groups[0];
    let last = groups[groups.len() - 1];
    // A leading `+` or `(` belongs to the value; anything else before the first group does not.
    let mut start = first.start;
    while start > run_start && matches!(bytes[start - 1], b'+' | b'(') {
        start -= 1;
    }
    let end = last.end;
    // Spans hold at most MAX_DIGITS digits, so at most that many groups: fixed buffers, no
    // allocation per reading.
    let n = groups.len();
    if n > MAX_DIGITS {
        return false;
    }
    let mut parts_buf = [""; MAX_DIGITS];
    let mut seps_buf = [""; MAX_DIGITS];
    let mut lens_buf = [0usize; MAX_DIGITS];
    let mut digit_buf = [0u8; MAX_DIGITS];
    let mut k = 0;
    for (i, g) in groups.iter().enumerate() {
        let part = &text[g.start..g.end];
        if k + part.len() > MAX_DIGITS {
            return false;
        }
        digit_buf[k..k + part.len()].copy_from_slice(part.as_bytes());
        k += part.len();
        parts_buf[i] = part;
        lens_buf[i] = part.len();
        if i + 1 < n {
            seps_buf[i] = &text[g.end..groups[i + 1].start];
        }
    }
    let parts = &parts_buf[..n];
    let seps = &seps_buf[..n - 1];
    let lens = &lens_buf[..n];
    let d = &digit_buf[..k];
    let plus_or_paren = start < first.start;
    // One separator used throughout, if any.
    let uniform = seps.windows(2).all(|w| w[0] == w[1]);
    let sep = if seps.is_empty() { None } else { Some(seps[0]) };
    let grouped_by = |allowed: &[&str]| uniform && sep.is_some_and(|s| allowed.contains(&s));
    let before = out.len();

    // IPv4.
    if ctx.on(Category::IpAddress)
        && !plus_or_paren
        && parts.len() == 4
        && grouped_by(&["."])
        && parts.iter().all(|p| {
            p.len() <= 3
                && p.parse::<u16>().is_ok_and(|v| v <= 255)
                && (p.len() == 1 || !p.starts_with('0'))
        })
    {
        out.push(Raw {
            category: Category::IpAddress,
            start,
            end,
            score: 0.75,
        });
        return true;
    }

    // Dates; a date-shaped span is not tried as anything else.
    let date_like = parts.len() == 3
        && grouped_by(&["-", "/", "."])
        && date::is_numeric_date([parts[0], parts[1], parts[2]], seps[0].as_bytes()[0]);
    if date_like {
        if ctx.on(Category::Date) && !plus_or_paren {
            out.push(Raw {
                category: Category::Date,
                start,
                end,
                score: 0.6,
            });
        }
        return out.len() > before;
    }
    // Brazilian CPF, whose usual form 000.000.000-00 would otherwise read as dotted groups.
    if ctx.on(Category::BrCpf)
        && !plus_or_paren
        && d.len() == 11
        && (n == 1 || (lens == [3, 3, 3, 2] && seps == [".", ".", "-"]))
        && checksum::br_cpf(d)
    {
        out.push(Raw {
            category: Category::BrCpf,
            start,
            end,
            score: if n == 1 { 0.4 } else { 0.85 },
        });
    }
    if seps.iter().any(|s| s.contains('.') && s.len() == 1)
        && parts.len() >= 3
        && lens.iter().all(|&l| l <= 4)
        && !plus_or_paren
    {
        // Dotted groups other than IPv4 or a date: version numbers, amounts, phone numbers
        // in the French style. Only phones are tried.
        return whole && phone::phone(ctx, start, end, lens, true, out);
    }

    let plain = parts.len() == 1 && !plus_or_paren;
    let spaced_or_dashed = |shape: &[usize]| lens == shape && grouped_by(&[" ", "-"]);

    // Payment cards.
    if ctx.on(Category::CreditCard)
        && !plus_or_paren
        && (13..=19).contains(&d.len())
        && (plain
            || (grouped_by(&[" ", "-"])
                && (lens[..lens.len() - 1].iter().all(|&l| l == 4)
                    || lens == [4, 6, 5]
                    || lens == [4, 6, 4])))
        && card_issuer(d)
        && checksum::luhn(d)
    {
        out.push(Raw {
            category: Category::CreditCard,
            start,
            end,
            score: if plain { 0.8 } else { 0.9 },
        });
    }

    if d.len() == 9 && !plus_or_paren {
        let ssn_shape = spaced_or_dashed(&[3, 2, 4]);
        if plain || ssn_shape {
            us_ssn_itin(ctx, d, plain, start, end, out);
        }
        if (plain || spaced_or_dashed(&[3, 3, 3]))
            && ctx.on(Category::CaSin)
            && !matches!(d[0], b'0' | b'8')
            && checksum::luhn(d)
        {
            out.push(Raw {
                category: Category::CaSin,
                start,
                end,
                score: if plain { 0.3 } else { 0.6 },
            });
        }
        if plain && ctx.on(Category::UsAbaRouting) && checksum::aba_routing(d) {
            out.push(Raw {
                category: Category::UsAbaRouting,
                start,
                end,
                score: 0.3,
            });
        }
        if plain && ctx.on(Category::UsPassport) {
            out.push(Raw {
                category: Category::UsPassport,
                start,
                end,
                score: 0.15,
            });
        }
    }
    if d.len() == 9 && !plus_or_paren && (plain || spaced_or_dashed(&[3, 3, 3])) {
        if ctx.on(Category::NlBsn) && checksum::nl_bsn(d) {
            out.push(Raw {
                category: Category::NlBsn,
                start,
                end,
                score: 0.3,
            });
        }
        if ctx.on(Category::AuTfn) && checksum::au_tfn(d) {
            out.push(Raw {
                category: Category::AuTfn,
                start,
                end,
                score: if plain { 0.3 } else { 0.4 },
            });
        }
    }
    if (d.len() == 10 || d.len() == 11)
        && !plus_or_paren
        && (plain || spaced_or_dashed(&[4, 5, 1]) || spaced_or_dashed(&[4, 5, 1, 1]))
        && ctx.on(Category::AuMedicare)
        && checksum::au_medicare(d)
    {
        out.push(Raw {
            category: Category::AuMedicare,
            start,
            end,
            score: if plain { 0.3 } else { 0.5 },
        });
    }
    if d.len() == 15
        && !plus_or_paren
        && (plain || spaced_or_dashed(&[1, 2, 2, 2, 3, 3, 2]) || spaced_or_dashed(&[13, 2]))
        && ctx.on(Category::FrNir)
        && checksum::fr_nir(d)
    {
        out.push(Raw {
            category: Category::FrNir,
            start,
            end,
            score: if plain { 0.6 } else { 0.75 },
        });
    }
    if d.len() == 10
        && !plus_or_paren
        && (plain || spaced_or_dashed(&[3, 3, 4]))
        && ctx.on(Category::GbNhs)
        && checksum::nhs(d)
    {
        out.push(Raw {
            category: Category::GbNhs,
            start,
            end,
            score: if plain { 0.3 } else { 0.5 },
        });
    }
    if d.len() == 11 && plain && ctx.on(Category::PlPesel) && checksum::pl_pesel(d) {
        out.push(Raw {
            category: Category::PlPesel,
            start,
            end,
            score: 0.45,
        });
    }
    if d.len() == 11 && !plus_or_paren {
        if plain && ctx.on(Category::TcKimlik) && checksum::tc_kimlik(d) {
            out.push(Raw {
                category: Category::TcKimlik,
                start,
                end,
                score: 0.75,
            });
        }
        if (plain || spaced_or_dashed(&[2, 3, 3, 3]))
            && ctx.on(Category::DeTaxId)
            && checksum::de_tax_id(d)
        {
            out.push(Raw {
                category: Category::DeTaxId,
                start,
                end,
                score: 0.3,
            });
        }
    }
    if d.len() == 12
        && !plus_or_paren
        && (plain || spaced_or_dashed(&[4, 4, 4]))
        && ctx.on(Category::InAadhaar)
        && (b'2'..=b'9').contains(&d[0])
        && checksum::verhoeff(d)
    {
        out.push(Raw {
            category: Category::InAadhaar,
            start,
            end,
            score: if plain { 0.4 } else { 0.65 },
        });
    }

    let formatted = !seps.is_empty() || plus_or_paren;
    let phone_seps = seps.iter().all(|s| {
        s.len() <= 3
            && s.bytes()
                .all(|b| matches!(b, b' ' | b'-' | b'(' | b')' | b'/' | b'.'))
    });
    if phone_seps && whole {
        phone::phone(ctx, start, end, lens, formatted, out);
    }
    out.len() > before
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
        b'4' => matches!(len, 13 | 16 | 19), // Visa
        b'5' => (51..=55).contains(&p(2)) && len == 16 || (56..=59).contains(&p(2)), // Mastercard, Maestro
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
