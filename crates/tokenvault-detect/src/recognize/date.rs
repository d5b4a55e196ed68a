//! Calendar dates: numeric (ISO 8601, D/M/Y, M/D/Y with `-`, `/` or `.`) and with a month
//! name in English, Turkish, German, Spanish or French.

use super::{Ctx, Raw};
use crate::catalog::Category;

pub(super) fn month_date(ctx: &Ctx<'_>, start: usize, end: usize, out: &mut Vec<Raw>) {
    if !ctx.on(Category::Date) {
        return;
    }
    let s = &ctx.text[start..end];
    // The shape ends in a four-digit year; keep it to a plausible century.
    let year: u32 = s[s.len() - 4..].parse().unwrap_or(0);
    if (1900..=2099).contains(&year) {
        out.push(Raw {
            category: Category::Date,
            start,
            end,
            score: 0.6,
        });
    }
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        _ => 0,
    }
}

fn real_day(year: u32, month: u32, day: u32) -> bool {
    (1900..=2099).contains(&year) && day >= 1 && day <= days_in_month(year, month)
}

/// Whether three digit groups joined by one separator are a calendar date.
pub(super) fn is_numeric_date(groups: [&str; 3], sep: u8) -> bool {
    if !matches!(sep, b'-' | b'/' | b'.') {
        return false;
    }
    let n = |s: &str| s.parse::<u32>().unwrap_or(0);
    let lens = groups.map(str::len);
    match lens {
        [4, 1..=2, 1..=2] => real_day(n(groups[0]), n(groups[1]), n(groups[2])),
        [1..=2, 1..=2, 4] => {
            let (a, b, y) = (n(groups[0]), n(groups[1]), n(groups[2]));
            real_day(y, b, a) || real_day(y, a, b)
        }
        _ => false,
    }
}
