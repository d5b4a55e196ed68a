//! The official rules of the identifiers read after their label (`labelled`): check digits,
//! date parts and code lists. Each takes the value as written (separators included).

/// The value's ASCII letters and digits, upper-cased.
fn compact(value: &str) -> Vec<u8> {
    super::compact_upper(value)
}

fn digit(b: u8) -> u32 {
    u32::from(b.wrapping_sub(b'0'))
}

/// The sum of the digit sums of `digits` times `weights` (the German modulo 10 rules weight
/// each digit and add the products' digit sums).
fn weighted_digit_sums(digits: &[u32], weights: &[u32]) -> u32 {
    digits
        .iter()
        .zip(weights.iter().cycle())
        .map(|(d, w)| {
            let p = d * w;
            p / 10 + p % 10
        })
        .sum()
}

/// A letter as the two digits of its alphabet position (A = 0 1, … Z = 2 6).
fn letter_digits(letter: u8) -> [u32; 2] {
    let n = u32::from(letter - b'A') + 1;
    [n / 10, n % 10]
}

/// Korean business registration number as python-stdnum 1.20 (`kr.brn`) checks it: ten
/// digits, a tax office code of 101 or more, a business type other than 00, a serial other
/// than 0000. (stdnum checks no check digit, and neither do we.)
pub(super) fn kr_brn(value: &str) -> bool {
    let c = compact(value);
    c.len() == 10
        && c.iter().all(u8::is_ascii_digit)
        && &c[..3] >= b"101".as_slice()
        && &c[3..5] != b"00".as_slice()
        && &c[5..9] != b"0000".as_slice()
}

/// Entity types of Singapore UENs issued by other agencies (python-stdnum's `sg.uen` list).
const UEN_ENTITY_TYPES: &[&[u8; 2]] = &[
    b"CC", b"CD", b"CH", b"CL", b"CM", b"CP", b"CS", b"CX", b"DP", b"FB", b"FC", b"FM", b"FN",
    b"GA", b"GB", b"GS", b"HS", b"LL", b"LP", b"MB", b"MC", b"MD", b"MH", b"MM", b"MQ", b"NB",
    b"NR", b"PA", b"PB", b"PF", b"RF", b"RP", b"SM", b"SS", b"TC", b"TU", b"VH", b"XL",
];

/// The current year (UTC), for registration years that cannot lie in the future.
fn current_year() -> u32 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    1970 + u32::try_from(secs / 31_556_952).unwrap_or(0)
}

/// Singapore Unique Entity Number (ACRA): a business (8 digits and a check letter), a local
/// company (year, 5 digits, check letter) or another entity (R/S/T and the year, an entity
/// type, 4 digits, check letter), each with its weighted check character.
pub(super) fn sg_uen(value: &str) -> bool {
    let c = compact(value);
    let weighted = |weights: &[u32], values: &mut dyn Iterator<Item = u32>| -> u32 {
        weights.iter().zip(values).map(|(w, v)| w * v).sum()
    };
    match c.len() {
        9 if c[..8].iter().all(u8::is_ascii_digit) => {
            let sum = weighted(&[10, 4, 9, 3, 8, 2, 7, 1], &mut c.iter().map(|&b| digit(b)));
            b"XMKECAWLJDB"[(sum % 11) as usize] == c[8]
        }
        10 if c[..9].iter().all(u8::is_ascii_digit) => {
            let year = c[..4].iter().fold(0, |n, &b| n * 10 + digit(b));
            let sum = weighted(
                &[10, 8, 6, 4, 9, 7, 5, 3, 1],
                &mut c.iter().map(|&b| digit(b)),
            );
            year <= current_year() && b"ZKCMDNERGWH"[(sum % 11) as usize] == c[9]
        }
        10 => {
            const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWX0123456789";
            let kind_ok = matches!(c[0], b'R' | b'S' | b'T')
                && c[1..3].iter().all(u8::is_ascii_digit)
                && c[5..9].iter().all(u8::is_ascii_digit)
                && UEN_ENTITY_TYPES.iter().any(|t| t[..] == c[3..5]);
            let year = (current_year() % 100).to_string();
            let future = c[0] == b'T' && c[1..3] > *year.as_bytes();
            let mut indexes = c[..9].iter().map(|b| {
                ALPHABET
                    .iter()
                    .position(|a| a == b)
                    .map_or(99, |p| p as u32)
            });
            let sum = weighted(&[4, 3, 5, 3, 10, 2, 2, 5, 7], &mut indexes);
            let check = ALPHABET[((sum + 11 * 100 - 5) % 11) as usize];
            kind_ok && !future && check == c[9]
        }
        _ => false,
    }
}

/// An ICAO 9303 character value: digits as themselves, letters A-Z as 10-35, filler as 0.
fn icao_value(b: u8) -> u32 {
    match b {
        b'0'..=b'9' => digit(b),
        b'A'..=b'Z' => u32::from(b - b'A') + 10,
        _ => 0,
    }
}

/// A German passport or identity card number: nine characters, and when the tenth (the MRZ
/// check digit) is written too, it must be ICAO 9303's 7-3-1 check digit.
pub(super) fn icao_document_number(value: &str) -> bool {
    let c = compact(value);
    match c.len() {
        9 => true,
        10 => {
            let sum: u32 = c[..9]
                .iter()
                .zip([7, 3, 1].iter().cycle())
                .map(|(&b, w)| icao_value(b) * w)
                .sum();
            c[9] == b'0' + (sum % 10) as u8
        }
        _ => false,
    }
}

/// A DVLA driving licence number: five surname characters, the decade digit, the month
/// (+50 for women: 01-12 or 51-62), the day (01-31), the year digit, two initials, a digit
/// and two check letters.
pub(super) fn gb_driving_licence(value: &str) -> bool {
    let c = compact(value);
    if c.len() != 16 {
        return false;
    }
    let month = digit(c[6]) * 10 + digit(c[7]);
    let day = digit(c[8]) * 10 + digit(c[9]);
    (matches!(month, 1..=12) || matches!(month, 51..=62)) && matches!(day, 1..=31)
}

/// A UK postcode as Royal Mail writes them: the outward code's letters (never Q, V or X
/// first; never I, J or Z second) and the inward code's two letters (never C, I, K, M, O or
/// V).
pub(super) fn gb_postcode(value: &str) -> bool {
    let c = compact(value);
    if c.as_slice() == b"GIR0AA" {
        return true;
    }
    if !(5..=7).contains(&c.len()) {
        return false;
    }
    let first_ok = !matches!(c[0], b'Q' | b'V' | b'X');
    let second_ok = !(c[1].is_ascii_alphabetic() && matches!(c[1], b'I' | b'J' | b'Z'));
    let inward = &c[c.len() - 2..];
    let inward_ok = inward
        .iter()
        .all(|b| !matches!(b, b'C' | b'I' | b'K' | b'M' | b'O' | b'V'));
    first_ok && second_ok && inward_ok
}

/// A current-format UK registration (since September 2001): two letters (the first never
/// I, Q or Z), the age identifier (02-29 for March, 51-79 for September issues), three
/// letters (never I or Q).
pub(super) fn gb_vehicle_reg(value: &str) -> bool {
    let c = compact(value);
    if c.len() != 7 {
        return false;
    }
    let age = digit(c[2]) * 10 + digit(c[3]);
    let age_ok = matches!(age, 2..=29) || matches!(age, 51..=79);
    let letters_ok =
        !matches!(c[0], b'I' | b'Q' | b'Z') && c[4..].iter().all(|b| !matches!(b, b'I' | b'Q'));
    age_ok && letters_ok
}

/// Indian state and union-territory codes of vehicle registration marks (Ministry of Road
/// Transport and Highways), `BH` for the Bharat series.
const IN_STATES: &[&[u8; 2]] = &[
    b"AN", b"AP", b"AR", b"AS", b"BH", b"BR", b"CG", b"CH", b"DD", b"DL", b"DN", b"GA", b"GJ",
    b"HP", b"HR", b"JH", b"JK", b"KA", b"KL", b"LA", b"LD", b"MH", b"ML", b"MN", b"MP", b"MZ",
    b"NL", b"OD", b"OR", b"PB", b"PY", b"RJ", b"SK", b"TN", b"TR", b"TS", b"UK", b"UP", b"WB",
];

/// An Indian registration mark: a state code from the list, the district number, up to three
/// series letters and four digits.
pub(super) fn in_vehicle_reg(value: &str) -> bool {
    let c = compact(value);
    c.len() >= 7 && IN_STATES.iter().any(|s| s[..] == c[..2])
}

/// A German postcode: Deutsche Post assigns 01001 to 99998.
pub(super) fn de_postcode(value: &str) -> bool {
    let n: u32 = value.parse().unwrap_or(0);
    (1001..=99998).contains(&n)
}

/// A German pension insurance number: the area number, a real birth date DDMMYY, the birth
/// name's initial, a serial, and the Deutsche Rentenversicherung's check digit (the initial
/// as its two-digit alphabet position; the twelve digits times 2 1 2 5 7 1 2 1 2 1 2 1; the
/// products' digit sums added, modulo 10).
pub(super) fn de_svnr(value: &str) -> bool {
    let c = compact(value);
    if c.len() != 12
        || !c[8].is_ascii_uppercase()
        || !c[..8].iter().chain(&c[9..]).all(u8::is_ascii_digit)
    {
        return false;
    }
    let two = |k: usize| digit(c[k]) * 10 + digit(c[k + 1]);
    // A two-digit year: 2000 + YY has the same leap years as 1900 + YY from 1901 to 1999.
    let born = super::national_checksum::real_date(2000 + two(6), two(4), two(2));
    let mut digits: Vec<u32> = c[..8].iter().map(|&b| digit(b)).collect();
    digits.extend(letter_digits(c[8]));
    digits.extend([digit(c[9]), digit(c[10])]);
    let sum = weighted_digit_sums(&digits, &[2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1]);
    born && sum % 10 == digit(c[11])
}

/// Region codes of the Kassenärztliche Vereinigungen that open a practice number (BSNR).
const KV_REGIONS: &[u32] = &[
    1, 2, 3, 6, 7, 17, 20, 24, 27, 31, 38, 46, 47, 51, 52, 55, 60, 61, 62, 71, 72, 73, 78, 83, 88,
    93, 98,
];

/// A BSNR opens with a KV region code.
pub(super) fn de_bsnr(value: &str) -> bool {
    let c = compact(value);
    c.len() == 9 && KV_REGIONS.contains(&(digit(c[0]) * 10 + digit(c[1])))
}

/// The Steuernummer formats per state, regional then nationwide (python-stdnum 1.20's
/// `de.stnr` table): F office, B district, U serial, P check digit; digits are literal.
const STNR_FORMATS: &[&str] = &[
    "FFBBBUUUUP",
    "28FF0BBBUUUUP",
    "FFFBBBUUUUP",
    "9FFF0BBBUUUUP",
    "11FF0BBBUUUUP",
    "0FFBBBUUUUP",
    "30FF0BBBUUUUP",
    "24FF0BBBUUUUP",
    "22FF0BBBUUUUP",
    "26FF0BBBUUUUP",
    "40FF0BBBUUUUP",
    "23FF0BBBUUUUP",
    "FFFBBBBUUUP",
    "5FFF0BBBBUUUP",
    "27FF0BBBUUUUP",
    "10FF0BBBUUUUP",
    "2FFBBBUUUUP",
    "32FF0BBBUUUUP",
    "1FFBBBUUUUP",
    "31FF0BBBUUUUP",
    "21FF0BBBUUUUP",
    "41FF0BBBUUUUP",
];

/// A German tax number in one of the states' formats.
pub(super) fn de_tax_number(value: &str) -> bool {
    let c = compact(value);
    c.iter().all(u8::is_ascii_digit)
        && STNR_FORMATS.iter().any(|f| {
            f.len() == c.len()
                && f.bytes()
                    .zip(&c)
                    .all(|(x, &d)| !x.is_ascii_digit() || x == d)
        })
}

/// A DEA registration number's check digit: the first, third and fifth digits, plus twice the
/// second, fourth and sixth; the last digit of that sum is the seventh digit.
pub(super) fn us_dea(value: &str) -> bool {
    let c = compact(value);
    if c.len() != 9 || !c[2..].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let d: Vec<u32> = c[2..].iter().map(|&b| digit(b)).collect();
    let sum = d[0] + d[2] + d[4] + 2 * (d[1] + d[3] + d[5]);
    sum % 10 == d[6]
}

/// A German health insurance number (the eGK's 10-character Versicherten-ID): the letter as
/// its two-digit position in the alphabet (A = 01 … Z = 26), the eight digits, weights 1 and 2
/// alternating from the left, the digit sums of the products added; the last digit of the sum
/// is the tenth character (GKV-Spitzenverband's modulo 10 rule).
pub(super) fn de_health_insurance(value: &str) -> bool {
    let c = compact(value);
    if c.len() != 10 || !c[0].is_ascii_uppercase() || !c[1..].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let mut digits = letter_digits(c[0]).to_vec();
    digits.extend(c[1..9].iter().map(|&b| digit(b)));
    let sum = weighted_digit_sums(&digits, &[1, 2]);
    sum % 10 == digit(c[9])
}

/// A lifelong physician number (LANR): six digits, a check digit, two digits of speciality.
/// The check digit is 10 minus the last digit of the first six digits times 4 9 4 9 4 9
/// (0 when that is 10): the KBV's rule, which a blog post (Ralf Muschall, 2008) rewrites as
/// `(6 (a + c + e) + b + d + f) mod 10`.
pub(super) fn de_lanr(value: &str) -> bool {
    let c = compact(value);
    if c.len() != 9 || !c.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = c[..6]
        .iter()
        .zip([4, 9].iter().cycle())
        .map(|(&b, w)| digit(b) * w)
        .sum();
    (10 - sum % 10) % 10 == digit(c[6])
}

/// A Singapore NRIC or FIN: the seven digits times 2 7 6 5 4 3 2, plus 4 for the T and G
/// series, modulo 11, picks the check letter from `JZIHGFEDCBA` (S, T) or `XWUTRQPNMLK`
/// (F, G), as Ngiam's published note of the ICA's rule gives it. The M series (2022) uses a
/// table no public source states: its letter is not checked.
pub(super) fn sg_nric(value: &str) -> bool {
    let c = compact(value);
    if c.len() != 9 || !c[1..8].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = c[1..8]
        .iter()
        .zip([2, 7, 6, 5, 4, 3, 2])
        .map(|(&b, w)| digit(b) * w)
        .sum();
    let offset = if matches!(c[0], b'T' | b'G') { 4 } else { 0 };
    let n = ((sum + offset) % 11) as usize;
    match c[0] {
        b'S' | b'T' => b"JZIHGFEDCBA"[n] == c[8],
        b'F' | b'G' => b"XWUTRQPNMLK"[n] == c[8],
        b'M' => c[8].is_ascii_uppercase(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// python-stdnum 1.20 `kr.brn.is_valid` answers these as written.
    #[test]
    fn korean_brn_as_python_stdnum_judges() {
        for v in ["116-82-00276", "1348672683", "220-81-62517"] {
            assert!(kr_brn(v), "{v}");
        }
        for v in [
            "100-82-00276",
            "116-00-00276",
            "116-82-00006",
            "116-82-0027",
        ] {
            assert!(!kr_brn(v), "{v}");
        }
    }

    /// python-stdnum 1.20 `sg.uen.is_valid`: its documented examples pass, a changed check
    /// letter or an unknown entity type fails.
    #[test]
    fn singapore_uen_as_python_stdnum_judges() {
        for v in ["00192200M", "197401143C", "S16FC0121D", "T01FC6132D"] {
            assert!(sg_uen(v), "{v}");
        }
        for v in [
            "53392405D",
            "201600035G",
            "T08LL1234A",
            "00192200N",
            "197401143D",
            "S16FC0121E",
            "R19XX0001A",
        ] {
            assert!(!sg_uen(v), "{v}");
        }
    }

    /// ICAO Doc 9303 Part 4's specimen passport `L898902C3` has check digit 6; the German
    /// specimens (Erika Mustermann) print ID card `T22000129` with 3 and passport `C01X00T47`
    /// with 8. The PyPI `mrz` package's `hash_string` gives the same digits.
    #[test]
    fn icao_check_digits_of_the_published_specimens() {
        for v in ["L898902C36", "T220001293", "C01X00T478", "T22000129"] {
            assert!(icao_document_number(v), "{v}");
        }
        for v in ["L898902C37", "T220001294", "C01X00T470"] {
            assert!(!icao_document_number(v), "{v}");
        }
    }

    /// The DVLA's specimen licence (gov.uk) reads `MORGA753116SM9IJ`: Morgan, born
    /// 11 July 1976, a woman (month 53).
    #[test]
    fn dvla_licence_dates() {
        assert!(gb_driving_licence("MORGA753116SM9IJ"));
        assert!(!gb_driving_licence("MORGA713116SM9IJ"), "month 13");
        assert!(!gb_driving_licence("MORGA753326SM9IJ"), "day 32");
    }

    /// Royal Mail's format examples (`SW1A 1AA`, `M1 1AE`, `B33 8TH`, `CR2 6XH`, `DN55 1PT`,
    /// `W1A 0AX`, `EC1A 1BB`) pass; letters the format excludes fail.
    #[test]
    fn uk_postcodes() {
        for v in [
            "SW1A 1AA", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "W1A 0AX", "EC1A 1BB",
            "GIR 0AA",
        ] {
            assert!(gb_postcode(v), "{v}");
        }
        for v in ["QW1 1AA", "SW1A 1CI", "AJ1 1AA"] {
            assert!(!gb_postcode(v), "{v}");
        }
    }

    /// The DVLA's own example `BD51 SMR` (Birmingham, September 2001).
    #[test]
    fn uk_registrations() {
        assert!(gb_vehicle_reg("BD51 SMR") && gb_vehicle_reg("LA02ABC"));
        assert!(!gb_vehicle_reg("BD31 SMR"), "age 31 is never issued");
        assert!(!gb_vehicle_reg("QD51 SMR") && !gb_vehicle_reg("BD51 SIR"));
    }

    /// python-stdnum 1.20 `de.stnr.is_valid`: its examples in the regional and nationwide
    /// forms pass; a nationwide number with a state prefix no state uses fails.
    #[test]
    fn german_tax_numbers_as_python_stdnum_judges() {
        for v in [
            "18181508155",
            "201/123/12340",
            "181/815/08155",
            "9181081508155",
            "04/140/00004",
        ] {
            assert!(de_tax_number(v), "{v}");
        }
        for v in ["7181081508155", "181815081", "1234567890123"] {
            assert!(!de_tax_number(v), "{v}");
        }
    }

    /// Published worked examples of the DEA's rule: `AP5836727` (15 + 2 x 16 = 47) and
    /// `F91234563` valid; `AB4523767` and `AB4523763` invalid.
    #[test]
    fn dea_check_digits_of_published_examples() {
        assert!(us_dea("AP5836727") && us_dea("F91234563"));
        assert!(!us_dea("AB4523767") && !us_dea("AB4523763"));
    }

    /// The rule as the GKV-Spitzenverband states it (quoted by the HL7 Germany wiki and
    /// Wikipedia), worked by hand: A -> 01, then 0 1 1 2 3 4 5 6 7 8 times 1 2 1 2 … gives
    /// digit sums 0+2+1+4+3+8+5+3+7+7 = 40, so `A12345678` takes check digit 0.
    #[test]
    fn german_health_insurance_check_digit() {
        assert!(de_health_insurance("A123456780"));
        for v in ["A123456781", "A12345678", "1123456780"] {
            assert!(!de_health_insurance(v), "{v}");
        }
    }

    /// `123456`: 6 (1 + 3 + 5) + 2 + 4 + 6 = 66, check digit 6, by the blog's closed form;
    /// the KBV's own wording gives the same (4 + 18 + 12 + 36 + 20 + 54 = 144, 10 - 4 = 6).
    #[test]
    fn lanr_check_digit() {
        assert!(de_lanr("123456601") && de_lanr("123456699"));
        assert!(!de_lanr("123456701") && !de_lanr("12345660"));
    }

    /// The published worked example: `S1234567` sums to 106, remainder 7, letter D; the same
    /// digits with A are refused.
    #[test]
    fn nric_check_letters() {
        assert!(sg_nric("S1234567D"));
        assert!(!sg_nric("S1234567A") && !sg_nric("S123456D"));
    }

    #[test]
    fn german_postcodes_svnr_and_bsnr() {
        assert!(de_postcode("10115") && de_postcode("01067"));
        assert!(!de_postcode("00999") && !de_postcode("99999"));
        // kryptografie.de's worked example of the check digit: `10010490A443` (check 3).
        assert!(de_svnr("10010490A443") && de_svnr("10 010490 A 443"));
        assert!(!de_svnr("10010490A444"), "check digit");
        assert!(!de_svnr("10320490A443") && !de_svnr("10011390A443"), "date");
        assert!(de_bsnr("381234500") && !de_bsnr("991234500"));
    }

    #[test]
    fn indian_registrations_need_a_state_code() {
        assert!(in_vehicle_reg("MH 12 AB 1234") && in_vehicle_reg("DL3CAB1234"));
        assert!(!in_vehicle_reg("XX 12 AB 1234"));
    }
}
