//! Currency amounts: symbol stripped, decimal separator normalized, currency kept.
//!
//! `$1,234.56` → `USD 1234.56`; `1.234,56 €` → `EUR 1234.56`; `-£5` → `GBP -5`. When a single
//! `,` or `.` is followed by exactly three digits (`1,234`), [`DecimalSeparator`] decides.

use super::{DecimalSeparator, InvalidReason, NormalizeOptions};

const FORMAT: InvalidReason = InvalidReason::InvalidFormat {
    expected: "an amount such as $1,234.56, 1.234,56 EUR or USD 12.00",
};

/// Currency markers, longest first so `US$` wins over `$`.
const SYMBOLS: [(&str, &str); 14] = [
    ("US$", "USD"),
    ("CA$", "CAD"),
    ("AU$", "AUD"),
    ("C$", "CAD"),
    ("A$", "AUD"),
    ("€", "EUR"),
    ("£", "GBP"),
    ("¥", "JPY"),
    ("₺", "TRY"),
    ("₹", "INR"),
    ("₩", "KRW"),
    ("TL", "TRY"),
    ("Fr.", "CHF"),
    ("$", "$"),
];

/// An amount split into the parts format-preserving encryption needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MonetaryParts {
    /// ISO 4217 code.
    pub currency: String,
    /// Whether the amount is negative.
    pub negative: bool,
    /// Whole units, without leading zeros (`0` for none).
    pub integer: String,
    /// Fraction digits as written (may be empty).
    pub fraction: String,
}

impl MonetaryParts {
    /// Canonical text, e.g. `USD 1234.56`.
    pub fn canonical(&self) -> String {
        let sign = if self.negative { "-" } else { "" };
        if self.fraction.is_empty() {
            format!("{} {sign}{}", self.currency, self.integer)
        } else {
            format!("{} {sign}{}.{}", self.currency, self.integer, self.fraction)
        }
    }

    /// Parses text in any accepted form (including the canonical one).
    pub fn parse(s: &str, options: &NormalizeOptions) -> Result<Self, InvalidReason> {
        let mut negative = false;
        let mut rest = s.trim();
        if let Some(inner) = rest.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
            negative = true;
            rest = inner.trim();
        }
        if let Some(inner) = rest.strip_prefix('-') {
            negative = true;
            rest = inner.trim_start();
        }
        let (currency, amount) = strip_currency(rest, options)?;
        let mut amount = amount.trim();
        if let Some(inner) = amount.strip_prefix('-') {
            if negative {
                return Err(FORMAT);
            }
            negative = true;
            amount = inner.trim_start();
        }
        let (integer, fraction) = split_amount(amount, options.decimal_separator)?;
        let integer = integer.trim_start_matches('0');
        let integer = if integer.is_empty() { "0" } else { integer };
        if integer.len() > 18 || fraction.len() > 8 {
            return Err(InvalidReason::WrongLength {
                expected: "at most 18 whole digits and 8 fraction digits",
            });
        }
        Ok(Self {
            currency,
            negative,
            integer: integer.to_owned(),
            fraction,
        })
    }
}

pub(super) fn normalize(s: &str, options: &NormalizeOptions) -> Result<String, InvalidReason> {
    MonetaryParts::parse(s, options).map(|p| p.canonical())
}

fn strip_currency<'a>(
    s: &'a str,
    options: &NormalizeOptions,
) -> Result<(String, &'a str), InvalidReason> {
    let resolve = |code: &str| {
        if code == "$" {
            match options.default_currency {
                c @ ("USD" | "CAD" | "AUD") => c.to_owned(),
                _ => "USD".to_owned(),
            }
        } else {
            code.to_owned()
        }
    };
    for (symbol, code) in SYMBOLS {
        if let Some(rest) = s.strip_prefix(symbol).or_else(|| s.strip_suffix(symbol)) {
            return Ok((resolve(code), rest));
        }
    }
    let iso = |t: &str| t.len() == 3 && t.bytes().all(|b| b.is_ascii_uppercase());
    if let Some((code, rest)) = s.split_once(' ').filter(|(c, _)| iso(c)) {
        return Ok((code.to_owned(), rest));
    }
    if let Some((rest, code)) = s.rsplit_once(' ').filter(|(_, c)| iso(c)) {
        return Ok((code.to_owned(), rest));
    }
    if s.bytes().any(|b| b.is_ascii_alphabetic()) {
        return Err(FORMAT);
    }
    Ok((resolve(options.default_currency), s))
}

fn split_amount(body: &str, locale: DecimalSeparator) -> Result<(String, String), InvalidReason> {
    if body.is_empty() || !body.bytes().any(|b| b.is_ascii_digit()) {
        return Err(FORMAT);
    }
    let allowed = |c: char| c.is_ascii_digit() || matches!(c, ',' | '.' | ' ' | '\u{a0}' | '\'');
    if !body.chars().all(allowed) {
        return Err(InvalidReason::InvalidCharacters);
    }
    let last_point = body.rfind('.');
    let last_comma = body.rfind(',');
    let decimal_at = match (last_point, last_comma) {
        (Some(p), Some(c)) => Some(p.max(c)),
        (Some(i), None) | (None, Some(i)) => {
            let sep = body.as_bytes()[i];
            let count = body.bytes().filter(|&b| b == sep).count();
            let digits_after = body.len() - i - 1;
            let locale_char = match locale {
                DecimalSeparator::Point => b'.',
                DecimalSeparator::Comma => b',',
            };
            if count > 1 || (digits_after == 3 && sep != locale_char) {
                None
            } else {
                Some(i)
            }
        }
        (None, None) => None,
    };
    let (int_part, frac_part) = match decimal_at {
        Some(i) => (&body[..i], &body[i + 1..]),
        None => (body, ""),
    };
    if !frac_part.bytes().all(|b| b.is_ascii_digit()) || int_part.ends_with([',', '.']) {
        return Err(FORMAT);
    }
    if let Some(i) = decimal_at {
        if int_part.contains(char::from(body.as_bytes()[i])) {
            return Err(FORMAT);
        }
    }
    if !grouping_is_valid(int_part) {
        return Err(FORMAT);
    }
    let integer: String = int_part.chars().filter(char::is_ascii_digit).collect();
    if decimal_at.is_some() && frac_part.is_empty() {
        return Err(FORMAT);
    }
    Ok((integer, frac_part.to_owned()))
}

/// Digit groups: the first has 1-3 digits, the last 3, any between 2 or 3 (so Indian
/// `1,23,456` passes and `1,2,3` does not). Ungrouped digits always pass.
fn grouping_is_valid(int_part: &str) -> bool {
    let groups: Vec<&str> = int_part.split([',', '.', ' ', '\u{a0}', '\'']).collect();
    if groups.len() == 1 {
        return true;
    }
    let last = groups.len() - 1;
    groups.iter().enumerate().all(|(i, g)| match i {
        0 => (1..=3).contains(&g.len()),
        i if i == last => g.len() == 3,
        _ => (2..=3).contains(&g.len()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn en() -> NormalizeOptions {
        NormalizeOptions::default()
    }

    #[test]
    fn symbols_and_separators() {
        let o = en();
        assert_eq!(normalize("$1,234.56", &o).unwrap(), "USD 1234.56");
        assert_eq!(normalize("$1234.56", &o).unwrap(), "USD 1234.56");
        assert_eq!(normalize("1.234,56 €", &o).unwrap(), "EUR 1234.56");
        assert_eq!(normalize("€1.234.567", &o).unwrap(), "EUR 1234567");
        assert_eq!(normalize("£5", &o).unwrap(), "GBP 5");
        assert_eq!(normalize("USD 12.00", &o).unwrap(), "USD 12.00");
        assert_eq!(normalize("12.00 EUR", &o).unwrap(), "EUR 12.00");
        assert_eq!(normalize("1 234,5 ₺", &o).unwrap(), "TRY 1234.5");
        assert_eq!(normalize("CHF 1'234.50", &o).unwrap(), "CHF 1234.50");
        assert_eq!(normalize("C$20", &o).unwrap(), "CAD 20");
        assert_eq!(normalize("1234", &o).unwrap(), "USD 1234");
        assert_eq!(normalize("$0.99", &o).unwrap(), "USD 0.99");
        assert_eq!(normalize("$007.50", &o).unwrap(), "USD 7.50");
    }

    #[test]
    fn negatives() {
        let o = en();
        assert_eq!(normalize("($5.00)", &o).unwrap(), "USD -5.00");
        assert_eq!(normalize("$-5.00", &o).unwrap(), "USD -5.00");
        assert_eq!(normalize("-5.00 EUR", &o).unwrap(), "EUR -5.00");
        assert_eq!(normalize("-$5.00", &o).unwrap(), "USD -5.00");
        assert!(normalize("-$-5.00", &o).is_err());
    }

    #[test]
    fn ambiguous_three_digit_group_follows_locale() {
        assert_eq!(normalize("1,234", &en()).unwrap(), "USD 1234");
        assert_eq!(normalize("1.234", &en()).unwrap(), "USD 1.234");
        let de = NormalizeOptions::for_locale("de-DE");
        assert_eq!(normalize("1.234", &de).unwrap(), "EUR 1234");
        assert_eq!(normalize("1,234", &de).unwrap(), "EUR 1.234");
        assert_eq!(normalize("$5", &de).unwrap(), "USD 5");
    }

    #[test]
    fn refuses() {
        let o = en();
        for s in [
            "$",
            "abc",
            "$12.3x",
            "$1.2.",
            "12 dollars",
            "$1,2,3.4.5",
            "€12,",
            "1e5",
        ] {
            assert!(normalize(s, &o).is_err(), "{s}");
        }
    }

    #[test]
    fn canonical_parses_to_itself() {
        let o = en();
        for s in ["USD 1234.56", "EUR -5.00", "GBP 5"] {
            assert_eq!(normalize(s, &o).unwrap(), s);
        }
    }
}
