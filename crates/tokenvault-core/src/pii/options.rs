//! Locale settings that decide how ambiguous input is read.

/// How to read `01/02/2024`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateOrder {
    /// Month first (United States): `01/02/2024` is January 2.
    #[default]
    MonthFirst,
    /// Day first (most of the world): `01/02/2024` is February 1.
    DayFirst,
}

/// Which character separates whole units from fractions in `1,234`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DecimalSeparator {
    /// `1,234.56` (en-US, en-GB, …).
    #[default]
    Point,
    /// `1.234,56` (de, fr, tr, es, …).
    Comma,
}

/// Settings for normalization. The default is `en-US`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NormalizeOptions {
    /// Region for phone numbers written without a country code (ISO 3166 alpha-2).
    pub default_phone_region: phonenumber::country::Id,
    /// How to read all-numeric dates whose day and month are both ≤ 12.
    pub date_order: DateOrder,
    /// How to read a lone `,` or `.` in amounts.
    pub decimal_separator: DecimalSeparator,
    /// Currency of amounts written with `$` or without a symbol (ISO 4217).
    pub default_currency: &'static str,
    /// Today, as (year, month, day), for refusing dates of birth in the future.
    pub today: (i32, u32, u32),
}

impl Default for NormalizeOptions {
    fn default() -> Self {
        Self {
            default_phone_region: phonenumber::country::Id::US,
            date_order: DateOrder::MonthFirst,
            decimal_separator: DecimalSeparator::Point,
            default_currency: "USD",
            today: crate::clock::civil_today(),
        }
    }
}

/// A locale tag that is not `language` or `language-REGION` with a known region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidLocale;

impl std::fmt::Display for InvalidLocale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "locale must be a language (en) or language-REGION with REGION one of {}",
            NormalizeOptions::REGIONS.join(", ")
        )
    }
}

impl std::error::Error for InvalidLocale {}

impl NormalizeOptions {
    /// Regions whose phone numbering and currency the locale setting knows.
    pub const REGIONS: [&'static str; 11] = [
        "US", "CA", "GB", "DE", "FR", "ES", "IT", "NL", "TR", "IN", "AU",
    ];

    /// As [`for_locale`](Self::for_locale), refusing a tag that is not `language` or
    /// `language-REGION` with a 2–3 letter language and a region of [`REGIONS`](Self::REGIONS).
    pub fn parse_locale(tag: &str) -> Result<Self, InvalidLocale> {
        let mut parts = tag.split(['-', '_']);
        let lang_ok = parts.next().is_some_and(|l| {
            (2..=3).contains(&l.len()) && l.bytes().all(|b| b.is_ascii_alphabetic())
        });
        let region_ok = match parts.next() {
            None => true,
            Some(r) => Self::REGIONS.contains(&r.to_ascii_uppercase().as_str()),
        };
        if lang_ok && region_ok && parts.next().is_none() {
            Ok(Self::for_locale(tag))
        } else {
            Err(InvalidLocale)
        }
    }

    /// Settings for a locale tag such as `en-US`, `en-CA`, `de-DE` or `tr-TR`. Unknown tags get
    /// the defaults of their language, and unknown languages the `en-US` defaults.
    pub fn for_locale(tag: &str) -> Self {
        use phonenumber::country::Id;
        let mut o = Self::default();
        let mut parts = tag.split(['-', '_']);
        let lang = parts.next().unwrap_or("en").to_ascii_lowercase();
        let region = parts.next().map(str::to_ascii_uppercase);
        if lang != "en" || region.as_deref().is_some_and(|r| r != "US") {
            o.date_order = DateOrder::DayFirst;
        }
        if matches!(
            lang.as_str(),
            "de" | "fr" | "es" | "it" | "tr" | "nl" | "pt" | "pl"
        ) {
            o.decimal_separator = DecimalSeparator::Comma;
        }
        let (region_id, currency) = match region.as_deref() {
            Some("CA") => (Id::CA, "CAD"),
            Some("GB") => (Id::GB, "GBP"),
            Some("DE") => (Id::DE, "EUR"),
            Some("FR") => (Id::FR, "EUR"),
            Some("ES") => (Id::ES, "EUR"),
            Some("IT") => (Id::IT, "EUR"),
            Some("NL") => (Id::NL, "EUR"),
            Some("TR") => (Id::TR, "TRY"),
            Some("IN") => (Id::IN, "INR"),
            Some("AU") => (Id::AU, "AUD"),
            _ => (Id::US, "USD"),
        };
        o.default_phone_region = region_id;
        o.default_currency = currency;
        o
    }
}
