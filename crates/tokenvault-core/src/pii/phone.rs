//! Phone numbers, normalized to E.164 with libphonenumber's metadata.
//!
//! Validity is judged by "possible number" rules (the number's length fits its country's
//! numbering plan), not by carrier allocation, so reserved ranges such as the 555 numbers of
//! the seed's example normalize.

use phonenumber::{Mode, PhoneNumber};

use super::{InvalidReason, NormalizeOptions};

const FORMAT: InvalidReason = InvalidReason::InvalidFormat {
    expected: "a phone number such as (555) 123-4567 or +44 20 7946 0958",
};

/// Canonical form: E.164, e.g. `+15551234567`.
pub(super) fn normalize(s: &str, options: &NormalizeOptions) -> Result<String, InvalidReason> {
    if !s.chars().all(|c| {
        c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')' | '+' | '/' | '\u{a0}')
    }) {
        return Err(InvalidReason::InvalidCharacters);
    }
    let number = parse(s, options)?;
    if !is_possible(&number) {
        return Err(InvalidReason::WrongLength {
            expected: "a number of a length its country's numbering plan allows",
        });
    }
    Ok(number.format().mode(Mode::E164).to_string())
}

fn parse(s: &str, options: &NormalizeOptions) -> Result<PhoneNumber, InvalidReason> {
    let international = s.trim_start().starts_with('+');
    let region = if international {
        None
    } else {
        Some(options.default_phone_region)
    };
    phonenumber::parse(region, s).map_err(|_| FORMAT)
}

fn is_possible(number: &PhoneNumber) -> bool {
    let code = number.code().value();
    let national_len = national_digits(number).len();
    let Some(metas) = phonenumber::metadata::DATABASE.by_code(&code) else {
        return false;
    };
    let len = u16::try_from(national_len).unwrap_or(u16::MAX);
    // The possible lengths of a region are those of its number types (libphonenumber's
    // general descriptor is their union). Local-only lengths, dialled without an area code,
    // are not full numbers.
    metas.iter().any(|meta| {
        let d = meta.descriptors();
        [
            d.fixed_line(),
            d.mobile(),
            d.toll_free(),
            d.premium_rate(),
            d.shared_cost(),
            d.personal_number(),
            d.voip(),
            d.pager(),
            d.uan(),
            d.voicemail(),
        ]
        .into_iter()
        .flatten()
        .chain(std::iter::once(d.general()))
        .any(|desc| desc.possible_length().contains(&len))
    })
}

fn national_digits(number: &PhoneNumber) -> String {
    let nn = number.national();
    let zeros = usize::from(nn.zeros());
    let mut s = "0".repeat(zeros);
    s.push_str(&nn.value().to_string());
    s
}

/// The length of the country calling code at the start of an E.164 number's digits (without
/// `+`). Country codes are prefix-free, so the longest known prefix is the code.
pub(crate) fn country_code_len(e164_digits: &str) -> Option<usize> {
    (1..=3).find(|&len| {
        e164_digits
            .get(..len)
            .and_then(|cc| cc.parse::<u16>().ok())
            .is_some_and(|cc| phonenumber::metadata::DATABASE.by_code(&cc).is_some())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pii::DateOrder;

    fn us() -> NormalizeOptions {
        NormalizeOptions::default()
    }

    #[test]
    fn seed_example_normalizes() {
        assert_eq!(normalize("(555) 123-4567", &us()).unwrap(), "+15551234567");
    }

    #[test]
    fn common_forms() {
        for s in [
            "555-123-4567",
            "555.123.4567",
            "+1 555 123 4567",
            "1-555-123-4567",
            "+15551234567",
        ] {
            assert_eq!(normalize(s, &us()).unwrap(), "+15551234567", "{s}");
        }
        assert_eq!(
            normalize("+44 20 7946 0958", &us()).unwrap(),
            "+442079460958"
        );
        assert_eq!(
            normalize("+90 532 111 22 33", &us()).unwrap(),
            "+905321112233"
        );
    }

    #[test]
    fn default_region_decides_national_numbers() {
        let tr = NormalizeOptions {
            default_phone_region: phonenumber::country::Id::TR,
            date_order: DateOrder::DayFirst,
            ..us()
        };
        assert_eq!(normalize("0532 111 22 33", &tr).unwrap(), "+905321112233");
        let gb = NormalizeOptions::for_locale("en-GB");
        assert_eq!(normalize("020 7946 0958", &gb).unwrap(), "+442079460958");
    }

    #[test]
    fn refuses() {
        for s in [
            "12",
            "555-1234-5678-9999",
            "abc",
            "+999 123 4567",
            "555 123 456a",
        ] {
            assert!(normalize(s, &us()).is_err(), "{s}");
        }
    }

    #[test]
    fn country_code_lengths() {
        assert_eq!(country_code_len("15551234567"), Some(1));
        assert_eq!(country_code_len("442079460958"), Some(2));
        assert_eq!(country_code_len("905321112233"), Some(2));
        assert_eq!(country_code_len("353123456789"), Some(3));
    }
}
