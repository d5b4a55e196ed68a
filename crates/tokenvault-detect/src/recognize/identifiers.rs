//! Alphanumeric identifiers: IBAN, UK NINO, Indian PAN, Spanish NIF/NIE, letter-prefixed
//! passport numbers.

use super::{checksum, compact_upper, Ctx, Raw};
use crate::catalog::Category;

/// IBAN lengths by country (SWIFT IBAN registry).
const IBAN_LENGTHS: &[(&[u8; 2], usize)] = &[
    (b"AD", 24),
    (b"AE", 23),
    (b"AL", 28),
    (b"AT", 20),
    (b"AZ", 28),
    (b"BA", 20),
    (b"BE", 16),
    (b"BG", 22),
    (b"BH", 22),
    (b"BI", 27),
    (b"BR", 29),
    (b"BY", 28),
    (b"CH", 21),
    (b"CR", 22),
    (b"CY", 28),
    (b"CZ", 24),
    (b"DE", 22),
    (b"DJ", 27),
    (b"DK", 18),
    (b"DO", 28),
    (b"EE", 20),
    (b"EG", 29),
    (b"ES", 24),
    (b"FI", 18),
    (b"FK", 18),
    (b"FO", 18),
    (b"FR", 27),
    (b"GB", 22),
    (b"GE", 22),
    (b"GI", 23),
    (b"GL", 18),
    (b"GR", 27),
    (b"GT", 28),
    (b"HN", 28),
    (b"HR", 21),
    (b"HU", 28),
    (b"IE", 22),
    (b"IL", 23),
    (b"IQ", 23),
    (b"IS", 26),
    (b"IT", 27),
    (b"JO", 30),
    (b"KW", 30),
    (b"KZ", 20),
    (b"LB", 28),
    (b"LC", 32),
    (b"LI", 21),
    (b"LT", 20),
    (b"LU", 20),
    (b"LV", 21),
    (b"LY", 25),
    (b"MC", 27),
    (b"MD", 24),
    (b"ME", 22),
    (b"MK", 19),
    (b"MN", 20),
    (b"MR", 27),
    (b"MT", 31),
    (b"MU", 30),
    (b"NI", 28),
    (b"NL", 18),
    (b"NO", 15),
    (b"OM", 23),
    (b"PK", 24),
    (b"PL", 28),
    (b"PS", 29),
    (b"PT", 25),
    (b"QA", 29),
    (b"RO", 24),
    (b"RS", 22),
    (b"RU", 33),
    (b"SA", 24),
    (b"SC", 31),
    (b"SD", 18),
    (b"SE", 24),
    (b"SI", 19),
    (b"SK", 24),
    (b"SM", 27),
    (b"SO", 23),
    (b"ST", 25),
    (b"SV", 28),
    (b"TL", 23),
    (b"TN", 24),
    (b"TR", 26),
    (b"UA", 29),
    (b"VA", 22),
    (b"VG", 24),
    (b"XK", 20),
    (b"YE", 30),
];

pub(super) fn iban(ctx: &Ctx<'_>, start: usize, end: usize, out: &mut Vec<Raw>) {
    if !ctx.on(Category::Iban) {
        return;
    }
    let s = &ctx.text.as_bytes()[start..end];
    let Some(&(_, len)) = IBAN_LENGTHS.iter().find(|(cc, _)| s.starts_with(&cc[..])) else {
        return;
    };
    // The shape may run on into following capitals; the country's length says where the
    // IBAN ends.
    let mut taken = 0;
    let mut stop = None;
    for (i, &b) in s.iter().enumerate() {
        if b.is_ascii_alphanumeric() {
            taken += 1;
            if taken == len {
                stop = Some(i + 1);
                break;
            }
        }
    }
    let Some(stop) = stop else {
        return;
    };
    // The IBAN must end at a group or word boundary, not in the middle of one.
    if s.get(stop).is_some_and(u8::is_ascii_alphanumeric) {
        return;
    }
    if checksum::iban_mod97(&compact_upper(&ctx.text[start..start + stop])) {
        out.push(Raw {
            category: Category::Iban,
            start,
            end: start + stop,
            score: 0.95,
        });
    }
}

pub(super) fn nino(ctx: &Ctx<'_>, start: usize, end: usize, out: &mut Vec<Raw>) {
    if !ctx.on(Category::GbNino) {
        return;
    }
    let c = compact_upper(&ctx.text[start..end]);
    let (a, b) = (c[0], c[1]);
    let prefix_ok = !b"DFIQUV".contains(&a)
        && !b"DFIOQUV".contains(&b)
        && ![*b"BG", *b"GB", *b"KN", *b"NK", *b"NT", *b"TN", *b"ZZ"].contains(&[a, b]);
    if prefix_ok {
        // Upper case, as printed, stands alone; any lower-case letter needs a context word.
        let upper = !ctx.text[start..end].bytes().any(|b| b.is_ascii_lowercase());
        out.push(Raw {
            category: Category::GbNino,
            start,
            end,
            score: if upper { 0.7 } else { 0.45 },
        });
    }
}

/// Italian codice fiscale (`national_checksum::it_fiscal_code`).
pub(super) fn it_fiscal_code(ctx: &Ctx<'_>, start: usize, end: usize, out: &mut Vec<Raw>) {
    if ctx.on(Category::ItFiscalCode)
        && super::national_checksum::it_fiscal_code(&ctx.text.as_bytes()[start..end])
    {
        out.push(Raw {
            category: Category::ItFiscalCode,
            start,
            end,
            score: 0.8,
        });
    }
}

/// German VAT id: `DE`, an optional space, nine digits with their check digit.
pub(super) fn de_vat(ctx: &Ctx<'_>, start: usize, end: usize, out: &mut Vec<Raw>) {
    let digits: Vec<u8> = ctx.text.as_bytes()[start + 2..end]
        .iter()
        .copied()
        .filter(u8::is_ascii_digit)
        .collect();
    if ctx.on(Category::DeVat) && super::national_checksum::de_vat(&digits) {
        out.push(Raw {
            category: Category::DeVat,
            start,
            end,
            score: 0.7,
        });
    }
}

/// US MBI: the shape is the whole rule (CMS publishes no check digit); it needs a context
/// word.
pub(super) fn us_mbi(ctx: &Ctx<'_>, start: usize, end: usize, out: &mut Vec<Raw>) {
    if ctx.on(Category::UsMbi) {
        out.push(Raw {
            category: Category::UsMbi,
            start,
            end,
            score: 0.45,
        });
    }
}

/// Indian GSTIN (`national_checksum::in_gstin`).
pub(super) fn in_gstin(ctx: &Ctx<'_>, start: usize, end: usize, out: &mut Vec<Raw>) {
    if ctx.on(Category::InGstin)
        && super::national_checksum::in_gstin(&ctx.text.as_bytes()[start..end])
    {
        out.push(Raw {
            category: Category::InGstin,
            start,
            end,
            score: 0.8,
        });
    }
}

/// Three letters and digits: a Spanish passport (six digits) or an Indian voter id (EPIC,
/// seven, Luhn over them); a context word decides either.
pub(super) fn in_voter_id(ctx: &Ctx<'_>, start: usize, end: usize, out: &mut Vec<Raw>) {
    if end - start == 9 {
        if ctx.on(Category::EsPassport) {
            out.push(Raw {
                category: Category::EsPassport,
                start,
                end,
                score: 0.15,
            });
        }
        return;
    }
    if ctx.on(Category::InVoterId) && super::checksum::luhn(&ctx.text.as_bytes()[start + 3..end]) {
        out.push(Raw {
            category: Category::InVoterId,
            start,
            end,
            score: 0.45,
        });
    }
}

/// Finnish HETU: its date, century sign and control character (`national_checksum::fi_hetu`).
pub(super) fn fi_hetu(ctx: &Ctx<'_>, start: usize, end: usize, out: &mut Vec<Raw>) {
    if !ctx.on(Category::FiHetu) {
        return;
    }
    let upper = ctx.text[start..end].to_ascii_uppercase();
    if super::national_checksum::fi_hetu(upper.as_bytes()) {
        out.push(Raw {
            category: Category::FiHetu,
            start,
            end,
            score: 0.75,
        });
    }
}

pub(super) fn pan(ctx: &Ctx<'_>, start: usize, end: usize, out: &mut Vec<Raw>) {
    if !ctx.on(Category::InPan) {
        return;
    }
    let c = ctx.text.as_bytes();
    if b"PCHABGJLFT".contains(&c[start + 3]) {
        out.push(Raw {
            category: Category::InPan,
            start,
            end,
            score: 0.6,
        });
    }
}

pub(super) fn nie_nif(ctx: &Ctx<'_>, start: usize, end: usize, out: &mut Vec<Raw>) {
    let c = compact_upper(&ctx.text[start..end]);
    let (category, digits) = match c[0] {
        b'X' | b'Y' | b'Z' => {
            let mut d = vec![b'0' + (c[0] - b'X')];
            d.extend_from_slice(&c[1..c.len() - 1]);
            (Category::EsNie, d)
        }
        _ => (Category::EsNif, c[..c.len() - 1].to_vec()),
    };
    if !ctx.on(category) {
        return;
    }
    let number = digits
        .iter()
        .fold(0u32, |n, &b| n * 10 + u32::from(b.wrapping_sub(b'0')));
    if checksum::es_control_letter(number) == c[c.len() - 1] {
        out.push(Raw {
            category,
            start,
            end,
            score: 0.8,
        });
    }
}

pub(super) fn letter_passport(ctx: &Ctx<'_>, start: usize, end: usize, out: &mut Vec<Raw>) {
    if ctx.on(Category::UsPassport) {
        out.push(Raw {
            category: Category::UsPassport,
            start,
            end,
            score: 0.15,
        });
    }
    // The same shape with a Korean passport's type letter, read beside its own words.
    if ctx.on(Category::KrPassport) && b"MSRODG".contains(&ctx.text.as_bytes()[start]) {
        out.push(Raw {
            category: Category::KrPassport,
            start,
            end,
            score: 0.15,
        });
    }
}
