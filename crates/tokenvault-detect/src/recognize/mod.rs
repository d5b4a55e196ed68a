//! Recognizers: given a candidate of a shape, decide which categories it is, if any, and how
//! confident that is before context. Scores are in 0.0–1.0; the detector adds context and
//! drops anything under its threshold.

pub(crate) mod checksum;
mod date;
mod identifiers;
pub(crate) mod labelled;
mod labelled_rules;
pub(crate) mod national_checksum;
mod network;
mod numeric;
mod phone;
mod phone_metadata;
mod wallet;

use crate::{
    catalog::{Category, CategorySet},
    scan::Shape,
};

pub(crate) use phone::PhoneRegions;

/// A finding before context, overlap resolution and offsets in characters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Raw {
    pub category: Category,
    /// Byte offsets into the text.
    pub start: usize,
    pub end: usize,
    pub score: f32,
}

/// What every recognizer may consult.
pub(crate) struct Ctx<'a> {
    pub text: &'a str,
    pub enabled: CategorySet,
    pub regions: &'a PhoneRegions,
    /// Spans of digit groups tried as one value, for the work bound tests assert.
    pub spans: std::cell::Cell<usize>,
}

impl Ctx<'_> {
    pub(crate) fn on(&self, c: Category) -> bool {
        self.enabled.contains(c)
    }
}

/// Sends a candidate to the recognizers of its shape.
pub(crate) fn recognize(ctx: &Ctx<'_>, shape: Shape, start: usize, end: usize, out: &mut Vec<Raw>) {
    let text = ctx.text;
    // A candidate glued to letters or digits on either side is part of a longer token; but a
    // date followed by ISO 8601's time designator (`2024-03-15T14:30Z`) is still a date.
    let iso_time = shape == Shape::Numeric && {
        let rest = &text.as_bytes()[end..];
        rest.first() == Some(&b'T') && rest.get(1).is_some_and(u8::is_ascii_digit)
    };
    if glued(text, start, end) && !matches!(shape, Shape::Url | Shape::Email) && !iso_time {
        return;
    }
    match shape {
        Shape::Url => network::url(ctx, start, end, out),
        Shape::Email => network::email(ctx, start, end, out),
        Shape::Mac => network::mac(ctx, start, end, out),
        Shape::Ipv6 => network::ipv6(ctx, start, end, out),
        Shape::EthAddress | Shape::Bech32 | Shape::Base58 => {
            wallet::recognize(ctx, shape, start, end, out)
        }
        Shape::Iban => identifiers::iban(ctx, start, end, out),
        Shape::Nino => identifiers::nino(ctx, start, end, out),
        Shape::Pan => identifiers::pan(ctx, start, end, out),
        Shape::FiscalCode => identifiers::it_fiscal_code(ctx, start, end, out),
        Shape::DeVat => identifiers::de_vat(ctx, start, end, out),
        Shape::Mbi => identifiers::us_mbi(ctx, start, end, out),
        Shape::Gstin => identifiers::in_gstin(ctx, start, end, out),
        Shape::Epic => identifiers::in_voter_id(ctx, start, end, out),
        Shape::Hetu => {
            // A HETU's shape takes some dashed digit runs (`150525-8952`, a Swedish
            // personnummer); when it is no HETU, the digits are read as digits.
            let before = out.len();
            identifiers::fi_hetu(ctx, start, end, out);
            let digits_only = text[start..end]
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b'-' || b == b'+');
            if out.len() == before && digits_only {
                numeric::recognize(ctx, start, end, out);
            }
        }
        Shape::Nie | Shape::Nif => identifiers::nie_nif(ctx, start, end, out),
        Shape::LetterPassport => identifiers::letter_passport(ctx, start, end, out),
        Shape::MonthDate => date::month_date(ctx, start, end, out),
        Shape::Numeric => numeric::recognize(ctx, start, end, out),
    }
}

fn glued(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    before.is_some_and(char::is_alphanumeric) || after.is_some_and(char::is_alphanumeric)
}

/// The ASCII alphanumerics of `s`, upper-cased.
pub(crate) fn compact_upper(s: &str) -> Vec<u8> {
    s.bytes()
        .filter(u8::is_ascii_alphanumeric)
        .map(|b| b.to_ascii_uppercase())
        .collect()
}

#[cfg(test)]
mod tests;
