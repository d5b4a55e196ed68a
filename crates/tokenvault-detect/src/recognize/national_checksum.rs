//! Check digits and date rules of the national identifiers added for issue 17: Australian ABN
//! and ACN, US NPI, Swedish personnummer and organisationsnummer, South African ID, Korean RRN
//! and Thai PIN. Inputs are ASCII digits without separators. Each is tested against
//! python-stdnum (or, for the NPI, the CMS specification's example), never against itself.

use super::checksum::luhn;

fn digit(b: u8) -> u32 {
    u32::from(b.wrapping_sub(b'0'))
}

fn digits(d: &[u8], n: usize) -> bool {
    d.len() == n && d.iter().all(u8::is_ascii_digit)
}

fn num(d: &[u8]) -> u32 {
    d.iter().fold(0, |v, &b| v * 10 + digit(b))
}

/// Whether `year`-`month`-`day` is a day of the Gregorian calendar.
pub(super) fn real_date(year: u32, month: u32, day: u32) -> bool {
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// Australian Business Number: subtract 1 from the first digit, weights 10,1,3,…,19, sum
/// divisible by 89.
pub fn au_abn(d: &[u8]) -> bool {
    const W: [u32; 11] = [10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19];
    if !digits(d, 11) || d[0] == b'0' {
        return false;
    }
    let sum: u32 = d
        .iter()
        .zip(W)
        .enumerate()
        .map(|(i, (&b, w))| (digit(b) - u32::from(i == 0)) * w)
        .sum();
    sum.is_multiple_of(89)
}

/// Australian Company Number: weights 8..1 on the first eight, check (10 - sum mod 10) mod 10.
pub fn au_acn(d: &[u8]) -> bool {
    if !digits(d, 9) {
        return false;
    }
    let sum: u32 = d[..8]
        .iter()
        .enumerate()
        .map(|(i, &b)| digit(b) * (8 - u32::try_from(i).unwrap_or(0)))
        .sum();
    (10 - sum % 10) % 10 == digit(d[8])
}

/// US National Provider Identifier: 10 digits starting 1 or 2, Luhn over `80840` + the ten.
pub fn us_npi(d: &[u8]) -> bool {
    if !digits(d, 10) || !matches!(d[0], b'1' | b'2') {
        return false;
    }
    let mut full = *b"80840          ";
    full[5..].copy_from_slice(d);
    luhn(&full)
}

/// Swedish personnummer of ten digits (YYMMDDNNNN; the century is the caller's, from a
/// 12-digit form): a real date and Luhn. (Coordination numbers, day + 60, are not read:
/// python-stdnum, the reference here, refuses them too.)
pub fn se_personnummer(d: &[u8], century: Option<u32>) -> bool {
    if !digits(d, 10) {
        return false;
    }
    let (yy, month, day) = (num(&d[..2]), num(&d[2..4]), num(&d[4..6]));
    let date_ok = match century {
        Some(c) => real_date(c * 100 + yy, month, day),
        // Unknown century: a day that exists in either.
        None => real_date(1900 + yy, month, day) || real_date(2000 + yy, month, day),
    };
    date_ok && luhn(d)
}

/// Swedish organisationsnummer: ten digits, the third 2 or more, Luhn.
pub fn se_orgnr(d: &[u8]) -> bool {
    digits(d, 10) && digit(d[2]) >= 2 && luhn(d)
}

/// South African ID: YYMMDD (a real date in either century), citizenship 0-2, Luhn.
pub fn za_id(d: &[u8]) -> bool {
    if !digits(d, 13) || digit(d[10]) > 2 {
        return false;
    }
    let (yy, month, day) = (num(&d[..2]), num(&d[2..4]), num(&d[4..6]));
    (real_date(1900 + yy, month, day) || real_date(2000 + yy, month, day)) && luhn(d)
}

/// Korean resident registration number: YYMMDD, the sex and century digit, and the check
/// digit (weights 2-9, 2-5; (11 - sum mod 11) mod 10).
pub fn kr_rrn(d: &[u8]) -> bool {
    const W: [u32; 12] = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
    if !digits(d, 13) {
        return false;
    }
    let century = match d[6] {
        b'1' | b'2' | b'5' | b'6' => 1900,
        b'3' | b'4' | b'7' | b'8' => 2000,
        b'9' | b'0' => 1800,
        _ => return false,
    };
    if !real_date(century + num(&d[..2]), num(&d[2..4]), num(&d[4..6])) {
        return false;
    }
    let sum: u32 = d[..12].iter().zip(W).map(|(&b, w)| digit(b) * w).sum();
    (11 - sum % 11) % 10 == digit(d[12])
}

/// Thai personal identification number: 13 digits, the first 1-8, check digit
/// (11 - sum of digit x (13 - position) mod 11) mod 10.
pub fn th_pin(d: &[u8]) -> bool {
    if !digits(d, 13) || matches!(d[0], b'0' | b'9') {
        return false;
    }
    let sum: u32 = d[..12]
        .iter()
        .enumerate()
        .map(|(i, &b)| digit(b) * (13 - u32::try_from(i).unwrap_or(0)))
        .sum();
    (11 - sum % 11) % 10 == digit(d[12])
}

/// Finnish personal identity code (henkilötunnus) `DDMMYYCZZZQ`: a real date in the century
/// the sign `C` names (`+` 1800s; `-`, `U`-`Y` 1900s; `A`-`F` 2000s), individual number
/// 002-899, and the control character of DDMMYYZZZ mod 31. `b` is upper-cased ASCII.
pub fn fi_hetu(b: &[u8]) -> bool {
    const CONTROL: &[u8; 31] = b"0123456789ABCDEFHJKLMNPRSTUVWXY";
    if b.len() != 11 || !b[..6].iter().chain(&b[7..10]).all(u8::is_ascii_digit) {
        return false;
    }
    let century = match b[6] {
        b'+' => 1800,
        b'-' | b'U'..=b'Y' => 1900,
        b'A'..=b'F' => 2000,
        _ => return false,
    };
    let individual = num(&b[7..10]);
    if !(2..=899).contains(&individual)
        || !real_date(century + num(&b[4..6]), num(&b[2..4]), num(&b[..2]))
    {
        return false;
    }
    let n = u64::from(num(&b[..6])) * 1000 + u64::from(individual);
    usize::try_from(n % 31).is_ok_and(|i| CONTROL[i] == b[10])
}

/// Italian VAT number (partita IVA): 11 digits, not seven leading zeros, a province code
/// 001-100, 120, 121, 888 or 999, and the Luhn check digit.
pub fn it_vat(d: &[u8]) -> bool {
    if !digits(d, 11) || d[..7].iter().all(|&b| b == b'0') {
        return false;
    }
    let office = num(&d[7..10]);
    (1..=100).contains(&office) && luhn(d) || matches!(office, 120 | 121 | 888 | 999) && luhn(d)
}

/// Italian codice fiscale (16 characters, upper case): the birth date (year and day digits
/// may be the omocodia letters L-V; month A-T as the decree lists; day + 40 for women) and
/// the control letter of the decree of 1976: odd positions through its table, even positions
/// by their digit or letter value, sum mod 26.
pub fn it_fiscal_code(b: &[u8]) -> bool {
    const ODD: [u32; 36] = [
        1, 0, 5, 7, 9, 13, 15, 17, 19, 21, // 0-9
        1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24,
        23, // A-Z
    ];
    const MONTHS: &[u8; 12] = b"ABCDEHLMPRST";
    if b.len() != 16
        || !b
            .iter()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
    {
        return false;
    }
    // A digit, or the omocodia letter standing for it.
    let digit_of = |c: u8| -> Option<u32> {
        match c {
            b'0'..=b'9' => Some(u32::from(c - b'0')),
            _ => b"LMNPQRSTUV"
                .iter()
                .position(|&l| l == c)
                .and_then(|i| u32::try_from(i).ok()),
        }
    };
    let number = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter()
            .try_fold(0, |v, &c| digit_of(c).map(|d| v * 10 + d))
    };
    let letters = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_uppercase);
    let (Some(year), Some(mut day), Some(_)) = (number(6..8), number(9..11), number(12..15)) else {
        return false;
    };
    let Some(month) = MONTHS.iter().position(|&m| m == b[8]) else {
        return false;
    };
    if !letters(0..6) || !letters(11..12) || !letters(15..16) {
        return false;
    }
    if day > 40 {
        day -= 40;
    }
    let month = u32::try_from(month + 1).unwrap_or(0);
    if !(real_date(1900 + year, month, day) || real_date(2000 + year, month, day)) {
        return false;
    }
    let value = |c: u8| -> u32 {
        if c.is_ascii_digit() {
            u32::from(c - b'0')
        } else {
            u32::from(c - b'A')
        }
    };
    let sum: u32 = b[..15]
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            if i % 2 == 0 {
                let idx = if c.is_ascii_digit() {
                    usize::from(c - b'0')
                } else {
                    10 + usize::from(c - b'A')
                };
                ODD[idx]
            } else {
                value(c)
            }
        })
        .sum();
    u32::from(b[15] - b'A') == sum % 26
}

/// ISO 7064 MOD 11,10 over ASCII digits (the German VAT id's check digit).
pub fn iso7064_mod_11_10(d: &[u8]) -> bool {
    if d.is_empty() || !d.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let mut product = 10;
    for &c in &d[..d.len() - 1] {
        let mut sum = (digit(c) + product) % 10;
        if sum == 0 {
            sum = 10;
        }
        product = (sum * 2) % 11;
    }
    (11 - product) % 10 == digit(d[d.len() - 1])
}

/// German VAT id (USt-IdNr): `DE` and nine digits, the first not 0, ISO 7064 MOD 11,10.
pub fn de_vat(d: &[u8]) -> bool {
    digits(d, 9) && d[0] != b'0' && iso7064_mod_11_10(d)
}

/// Luhn mod 36 over `0-9A-Z` (ISO/IEC 7064's generalization of Luhn that the GSTIN uses).
fn luhn_mod_36(b: &[u8]) -> bool {
    let value = |c: u8| -> Option<u32> {
        match c {
            b'0'..=b'9' => Some(u32::from(c - b'0')),
            b'A'..=b'Z' => Some(u32::from(c - b'A') + 10),
            _ => None,
        }
    };
    let mut sum = 0;
    for (i, &c) in b.iter().rev().enumerate() {
        let Some(v) = value(c) else {
            return false;
        };
        sum += if i % 2 == 0 {
            v
        } else {
            (v * 2) / 36 + (v * 2) % 36
        };
    }
    !b.is_empty() && sum.is_multiple_of(36)
}

/// Indian GSTIN: a state code 01-37, the holder's PAN (its fourth letter a holder type, its
/// digits not 0000), an entity number 1-9 or A-Z, `Z`, and the Luhn mod 36 check character.
pub fn in_gstin(b: &[u8]) -> bool {
    if b.len() != 15 || b[13] != b'Z' || b[12] == b'0' {
        return false;
    }
    let state = num(&b[..2]);
    let pan = &b[2..12];
    b[..2].iter().all(u8::is_ascii_digit)
        && (1..=37).contains(&state)
        && pan[..5].iter().all(u8::is_ascii_uppercase)
        && pan[5..9].iter().all(u8::is_ascii_digit)
        && &pan[5..9] != b"0000"
        && pan[9].is_ascii_uppercase()
        && b"ABCFGHJLPT".contains(&pan[3])
        && luhn_mod_36(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(s: &str) -> Vec<u8> {
        s.bytes().filter(u8::is_ascii_digit).collect()
    }

    /// Valid numbers and the same with one digit changed, as python-stdnum 1.20 judges them
    /// (`stdnum.au.abn`, `au.acn`, `se.personnummer`, `se.orgnr`, `za.idnr`, `kr.rrn`,
    /// `th.pin`: its documented examples and random numbers it accepts).
    #[test]
    fn python_stdnum_agrees() {
        type Check = fn(&[u8]) -> bool;
        let cases: [(Check, &[&str], &[&str]); 6] = [
            (
                au_abn,
                &[
                    "83 914 571 673",
                    "98417982718",
                    "42645672420",
                    "42411312748",
                ],
                &["98417982719", "42645672421", "42411312749"],
            ),
            (
                au_acn,
                &[
                    "004 085 616",
                    "010 499 966",
                    "815732980",
                    "351070785",
                    "583156790",
                ],
                &["815732981", "351070786", "583156791"],
            ),
            (
                se_orgnr,
                &["1234567897", "138134-1252", "574492-0868", "986153-7760"],
                &["1234567891", "138134-1253", "574492-0869", "986153-7761"],
            ),
            (
                za_id,
                &[
                    "7503305044089",
                    "7404134390084",
                    "4709153557063",
                    "2005273372117",
                ],
                &[
                    "8503305044089",
                    "7404134390085",
                    "4709153557064",
                    "2005273372118",
                ],
            ),
            (
                kr_rrn,
                &[
                    "971013-9019902",
                    "770428-2680021",
                    "161123-4941998",
                    "560426-2438409",
                ],
                &[
                    "971013-9019903",
                    "770428-2680022",
                    "161123-4941999",
                    "560426-2438400",
                ],
            ),
            (
                th_pin,
                &[
                    "3100600445635",
                    "1-2345-45678-78-1",
                    "2672326865635",
                    "1234483478245",
                    "5197923760926",
                ],
                &[
                    "1-2345-45678-78-9",
                    "2672326865636",
                    "1234483478246",
                    "5197923760927",
                ],
            ),
        ];
        for (check, valid, invalid) in cases {
            for v in valid {
                assert!(check(&plain(v)), "{v} should be valid");
            }
            for v in invalid {
                assert!(!check(&plain(v)), "{v} should be invalid");
            }
        }
    }

    #[test]
    fn personnummer_as_python_stdnum_judges() {
        for v in ["880320-0016", "631026-7114", "120620-0139", "011221-1826"] {
            assert!(se_personnummer(&plain(v), None), "{v}");
        }
        for v in ["880320-0018", "631026-7115", "120620-0130", "011221-1827"] {
            assert!(!se_personnummer(&plain(v), None), "{v}");
        }
        // Not a date: a 13th month. The 12-digit form's century decides 29 February
        // (stdnum: 20000229-0005 valid, 19000229-0005 not).
        assert!(!se_personnummer(b"8813200016", None));
        assert!(se_personnummer(b"0002290005", Some(20)));
        assert!(!se_personnummer(b"0002290005", Some(19)));
    }

    /// python-stdnum 1.20's `fi.hetu` (its documented example and numbers it accepts) and
    /// `it.iva` (its example and random numbers it accepts); each with its check changed.
    #[test]
    fn hetu_and_italian_vat_as_python_stdnum_judges() {
        for v in [
            "131052-308T",
            "200594A816H",
            "231283-862R",
            "150483-162J",
            "040660+391H",
        ] {
            assert!(fi_hetu(v.as_bytes()), "{v}");
        }
        for v in [
            "131052-308U",
            "200594A8160",
            "231283-8620",
            "290200-101P",
            "300200-1010",
        ] {
            assert!(!fi_hetu(v.as_bytes()), "{v}");
        }
        for v in ["00743110157", "21742180967", "92908100339", "13690420032"] {
            assert!(it_vat(v.as_bytes()), "{v}");
        }
        for v in ["00743110158", "21742180968", "00000001234"] {
            assert!(!it_vat(v.as_bytes()), "{v}");
        }
    }

    /// python-stdnum 1.20's `it.codicefiscale` (its example and codes it accepts, men and women)
    /// and `de.vat` (numbers it accepts); each with its check changed.
    #[test]
    fn fiscal_code_and_german_vat_as_python_stdnum_judges() {
        for v in [
            "RCCMNL83S18D969H",
            "FNWNUJ61D26Q540E",
            "HZAALS54B05H710R",
            "BNXYNT56A58W118F",
            "ULAEXC15A46M496Z",
        ] {
            assert!(it_fiscal_code(v.as_bytes()), "{v}");
        }
        for v in [
            "RCCMNL83S18D969A",
            "FNWNUJ61D26Q540A",
            "HZAALS54B05H710A",
            "RCCMNL83S38D969H",
        ] {
            assert!(!it_fiscal_code(v.as_bytes()), "{v}");
        }
        for v in ["762230128", "309211059", "788701515", "513048307"] {
            assert!(de_vat(v.as_bytes()), "{v}");
        }
        for v in ["762230129", "309211050", "013048307"] {
            assert!(!de_vat(v.as_bytes()), "{v}");
        }
    }

    /// python-stdnum 1.20's `in_.gstin` (its example and GSTINs it accepts); a changed check
    /// character, state code or `Z` is refused.
    #[test]
    fn gstin_as_python_stdnum_judges() {
        for v in [
            "27AAPFU0939F1ZV",
            "16JDXBP2110M9ZI",
            "19ZYBFQ8542D5Z1",
            "14AUZAZ4324J6ZJ",
            "06TKVBQ3237I2ZW",
        ] {
            assert!(in_gstin(v.as_bytes()), "{v}");
        }
        for v in [
            "27AAPFU0939F1ZO",
            "27AAPFU0939F1AA",
            "99AAPFU0939F1ZV",
            "16JDXBP2110M9ZJ",
        ] {
            assert!(!in_gstin(v.as_bytes()), "{v}");
        }
    }

    /// The example of CMS's "NPI check digit" specification: 123456789 with check digit 3.
    #[test]
    fn npi_as_cms_specifies() {
        assert!(us_npi(b"1234567893"));
        assert!(!us_npi(b"1234567894"));
        assert!(!us_npi(b"3234567893"), "NPIs start with 1 or 2");
    }
}
