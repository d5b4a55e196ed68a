//! Phone numbers, validated with libphonenumber's metadata (the `phonenumber` crate).

use phonenumber::country::Id;

use super::{phone_metadata, Ctx, Raw};
use crate::catalog::Category;

/// Regions whose national forms (without `+`) are tried, in order.
#[derive(Debug, Clone, Default)]
pub(crate) struct PhoneRegions(pub Vec<Id>);

impl PhoneRegions {
    /// The region of a recognizer pack, if it has one.
    pub(crate) fn of_pack(pack: &str) -> Option<Id> {
        Some(match pack {
            "us" => Id::US,
            "ca" => Id::CA,
            "tr" => Id::TR,
            "gb" => Id::GB,
            "de" => Id::DE,
            "es" => Id::ES,
            "in" => Id::IN,
            "fr" => Id::FR,
            "nl" => Id::NL,
            "au" => Id::AU,
            "pl" => Id::PL,
            "br" => Id::BR,
            "sv" => Id::SE,
            "za" => Id::ZA,
            "ko" => Id::KR,
            "th" => Id::TH,
            "fi" => Id::FI,
            "it" => Id::IT,
            "ng" => Id::NG,
            "fil" => Id::PH,
            "sg" => Id::SG,
            _ => return None,
        })
    }

    /// The region of a locale such as `tr-TR` or `en_GB`, if it names one.
    pub(crate) fn of_locale(locale: &str) -> Option<Id> {
        let region = locale.split(['-', '_']).nth(1)?;
        region.to_ascii_uppercase().parse::<Id>().ok()
    }

    pub(crate) fn push(&mut self, id: Id) {
        if !self.0.contains(&id) {
            self.0.push(id);
        }
    }
}

/// Tries `span` as a phone number. `groups` are the lengths of its digit groups; `formatted`
/// says whether it carries separators or brackets.
///
/// Confidence: international form 0.8; a national form in its region's usual grouping
/// (`212-555-0143`, `98765 43210`) 0.7, which stands without a phone word even beside another
/// category's word; other national forms with their trunk prefix (`0532 …`) or a bracket 0.6;
/// the rest 0.45 and plain digit strings 0.35, which need a context word.
pub(super) fn phone(
    ctx: &Ctx<'_>,
    start: usize,
    end: usize,
    groups: &[usize],
    formatted: bool,
    out: &mut Vec<Raw>,
) -> bool {
    let digits: usize = groups.iter().sum();
    if !ctx.enabled.any(&[Category::Phone, Category::TrPhone]) || !(7..=15).contains(&digits) {
        return false;
    }
    let span = &ctx.text[start..end];
    let international = span.starts_with('+');
    let found = if international {
        parse_international(span).map(|id| (id, 0.8))
    } else {
        // The digits once, on the stack (at most 15: checked above), for every region tried.
        let mut buf = [0u8; 15];
        let mut n = 0;
        for b in span.bytes().filter(u8::is_ascii_digit).take(buf.len()) {
            buf[n] = b;
            n += 1;
        }
        let digits = std::str::from_utf8(&buf[..n]).unwrap_or_default();
        ctx.regions
            .0
            .iter()
            .copied()
            .find(|&region| grouping_fits(region, groups) && national_valid(region, digits))
            .map(|id| {
                let distinctive = span.starts_with('(') || span.starts_with('0');
                let score = match (formatted, distinctive) {
                    (true, _) if usual_grouping(id, groups) => 0.7,
                    (true, true) => 0.6,
                    (true, false) => 0.45,
                    (false, _) => 0.35,
                };
                (id, score)
            })
    };
    let Some((region, score)) = found else {
        return false;
    };
    let category = if region == Id::TR && ctx.on(Category::TrPhone) {
        Category::TrPhone
    } else if ctx.on(Category::Phone) {
        Category::Phone
    } else {
        return false;
    };
    out.push(Raw {
        category,
        start,
        end,
        score,
    });
    true
}

/// Regions without a trunk prefix are recognized by how their numbers are grouped: North
/// American 3-3-4, Spanish 3-3-3 or 3-2-2-2 (or unbroken).
fn grouping_fits(region: Id, groups: &[usize]) -> bool {
    match region {
        Id::US | Id::CA => matches!(groups, [10] | [11] | [3, 3, 4] | [1, 3, 3, 4]),
        Id::ES => matches!(groups, [9] | [3, 3, 3] | [3, 2, 2, 2] | [2, 3, 2, 2]),
        _ => true,
    }
}

/// The grouping a region writes its numbers in, distinctive enough to stand without a phone
/// word once libphonenumber's metadata accepts the digits: North American 3-3-4 (`212-555-0143`),
/// Indian mobile 5-5 (`98765 43210`).
fn usual_grouping(region: Id, groups: &[usize]) -> bool {
    match region {
        Id::US | Id::CA => matches!(groups, [3, 3, 4] | [1, 3, 3, 4]),
        Id::IN => matches!(groups, [5, 5]),
        _ => false,
    }
}

/// Whether `digits` can be a national number of `region` as written there, checked before
/// the (much slower) libphonenumber parse.
fn plausible_national(region: Id, digits: &[u8]) -> bool {
    let n = digits.len();
    let first = digits.first().copied().unwrap_or(b'0');
    match region {
        Id::US | Id::CA => n == 10 && (b'2'..=b'9').contains(&first) || n == 11 && first == b'1',
        Id::ES => n == 9 && (b'6'..=b'9').contains(&first),
        Id::TR => n == 11 && first == b'0',
        Id::GB => (10..=11).contains(&n) && first == b'0',
        Id::IN => n == 10 && (b'6'..=b'9').contains(&first) || n == 11 && first == b'0',
        _ => (6..=14).contains(&n) && first == b'0',
    }
}

/// The region of a valid international number (`+…`).
fn parse_international(span: &str) -> Option<Id> {
    // `+44 (0)7725 …`: the bracketed trunk prefix is dialled only from inside the country.
    let dialled = match span.split_once("(0)") {
        Some((country, rest)) => [country, rest],
        None => [span, ""],
    };
    let digits: String = dialled
        .iter()
        .flat_map(|part| part.chars())
        .filter(char::is_ascii_digit)
        .collect();
    phone_metadata::valid_international(&digits)?
        .parse::<Id>()
        .ok()
}

/// Whether `digits` are a valid national number of `region` as written there: no country
/// code in front, and the trunk prefix where the region has one (libphonenumber's parser
/// would accept both).
fn national_valid(region: Id, digits: &str) -> bool {
    if !plausible_national(region, digits.as_bytes()) {
        return false;
    }
    let id: &str = region.as_ref();
    phone_metadata::valid_national(id, digits)
}
