//! Dates and dates of birth, normalized to ISO 8601 `YYYY-MM-DD`.
//!
//! Accepted forms: `2024-03-15`, `2024/03/15`, `20240315`, `03/15/2024` and `15/03/2024` (order
//! from [`DateOrder`] when both numbers are ≤ 12, otherwise unambiguous), `15.03.2024`
//! (always day first), `March 15, 2024`, `15 March 2024`, `Mar 15 2024`, `15-Mar-2024`.

use super::{DateOrder, InvalidReason, NormalizeOptions};

const FORMAT: InvalidReason = InvalidReason::InvalidFormat {
    expected: "a date such as 2024-03-15, 03/15/2024 or March 15, 2024",
};

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

pub(super) fn normalize(
    s: &str,
    options: &NormalizeOptions,
    birth: bool,
) -> Result<String, InvalidReason> {
    let (y, m, d) = parse(s, options.date_order)?;
    if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
        return Err(InvalidReason::Impossible {
            why: "no such day in the calendar",
        });
    }
    if !(1000..=9999).contains(&y) {
        return Err(InvalidReason::InvalidFormat {
            expected: "a four-digit year",
        });
    }
    if birth {
        if y < 1850 {
            return Err(InvalidReason::Impossible {
                why: "a date of birth before 1850",
            });
        }
        if (y, m, d) > options.today {
            return Err(InvalidReason::Impossible {
                why: "a date of birth in the future",
            });
        }
    }
    Ok(format!("{y:04}-{m:02}-{d:02}"))
}

fn parse(s: &str, order: DateOrder) -> Result<(i32, u32, u32), InvalidReason> {
    let s = s.trim();
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        return Ok((num(&s[0..4])?, num(&s[4..6])?, num(&s[6..8])?));
    }
    let tokens: Vec<&str> = s
        .split(['-', '/', '.', ' ', ','])
        .filter(|t| !t.is_empty())
        .collect();
    if tokens.len() != 3 {
        return Err(FORMAT);
    }
    let named: Vec<Option<u32>> = tokens.iter().map(|t| month_name(t)).collect();
    match named.iter().position(Option::is_some) {
        Some(i) => {
            let month = named[i].ok_or(FORMAT)?;
            let others: Vec<&str> = tokens
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, t)| *t)
                .collect();
            let is_year = |t: &str| t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit());
            let day_year = if is_year(others[0]) {
                (others[1], others[0])
            } else {
                (others[0], others[1])
            };
            let day = strip_ordinal(day_year.0);
            if day_year.1.len() != 4 {
                return Err(FORMAT);
            }
            Ok((num(day_year.1)?, month, num(day)?))
        }
        None => {
            let dotted = s.contains('.');
            if tokens[0].len() == 4 {
                return Ok((num(tokens[0])?, num(tokens[1])?, num(tokens[2])?));
            }
            if tokens[2].len() != 4 || tokens[0].len() > 2 || tokens[1].len() > 2 {
                return Err(FORMAT);
            }
            let (a, b, y) = (num(tokens[0])?, num(tokens[1])?, num(tokens[2])?);
            let day_first = if a > 12 {
                true
            } else if b > 12 {
                false
            } else {
                dotted || order == DateOrder::DayFirst
            };
            Ok(if day_first { (y, b, a) } else { (y, a, b) })
        }
    }
}

fn num<T: std::str::FromStr>(s: &str) -> Result<T, InvalidReason> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(FORMAT);
    }
    s.parse().map_err(|_| FORMAT)
}

fn strip_ordinal(s: &str) -> &str {
    ["st", "nd", "rd", "th"]
        .iter()
        .find_map(|suffix| s.strip_suffix(suffix))
        .unwrap_or(s)
}

fn month_name(t: &str) -> Option<u32> {
    let lower = t.to_ascii_lowercase();
    if lower.len() < 3 || !lower.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| m.starts_with(&lower) || (lower == "sept" && *m == "september"))
        .and_then(|i| u32::try_from(i + 1).ok())
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(order: DateOrder) -> NormalizeOptions {
        NormalizeOptions {
            date_order: order,
            today: (2026, 11, 22),
            ..NormalizeOptions::default()
        }
    }

    #[test]
    fn written_forms() {
        let o = opts(DateOrder::MonthFirst);
        for s in [
            "2024-03-15",
            "2024/03/15",
            "20240315",
            "03/15/2024",
            "15/03/2024",
            "15.03.2024",
            "March 15, 2024",
            "15 March 2024",
            "Mar 15 2024",
            "15-Mar-2024",
            "march 15th, 2024",
        ] {
            assert_eq!(normalize(s, &o, false), Ok("2024-03-15".to_owned()), "{s}");
        }
        assert_eq!(normalize("Sept 1, 2024", &o, false).unwrap(), "2024-09-01");
        assert_eq!(normalize("2024 Mar 15", &o, false).unwrap(), "2024-03-15");
    }

    #[test]
    fn ambiguous_order_follows_locale() {
        assert_eq!(
            normalize("01/02/2024", &opts(DateOrder::MonthFirst), false).unwrap(),
            "2024-01-02"
        );
        assert_eq!(
            normalize("01/02/2024", &opts(DateOrder::DayFirst), false).unwrap(),
            "2024-02-01"
        );
        assert_eq!(
            normalize("01.02.2024", &opts(DateOrder::MonthFirst), false).unwrap(),
            "2024-02-01"
        );
    }

    #[test]
    fn impossible_dates() {
        let o = opts(DateOrder::MonthFirst);
        for s in [
            "2023-02-29",
            "2024-13-01",
            "2024-04-31",
            "2024-00-10",
            "02/30/2024",
        ] {
            assert!(
                matches!(
                    normalize(s, &o, false),
                    Err(InvalidReason::Impossible { .. })
                ),
                "{s}"
            );
        }
        assert_eq!(normalize("2024-02-29", &o, false).unwrap(), "2024-02-29");
        assert_eq!(normalize("2000-02-29", &o, false).unwrap(), "2000-02-29");
        assert!(normalize("1900-02-29", &o, false).is_err());
    }

    #[test]
    fn bad_shapes() {
        let o = opts(DateOrder::MonthFirst);
        for s in [
            "yesterday",
            "2024-03",
            "03/15/24",
            "2024-03-15-01",
            "Foo 15 2024",
            "15 Ma 2024",
            "2024-3x-15",
        ] {
            assert!(normalize(s, &o, false).is_err(), "{s}");
        }
    }

    #[test]
    fn dob_rules() {
        let o = opts(DateOrder::MonthFirst);
        assert_eq!(normalize("1985-07-04", &o, true).unwrap(), "1985-07-04");
        assert!(matches!(
            normalize("2030-01-01", &o, true),
            Err(InvalidReason::Impossible { .. })
        ));
        assert!(matches!(
            normalize("1800-01-01", &o, true),
            Err(InvalidReason::Impossible { .. })
        ));
        assert_eq!(normalize("2030-01-01", &o, false).unwrap(), "2030-01-01");
    }
}
