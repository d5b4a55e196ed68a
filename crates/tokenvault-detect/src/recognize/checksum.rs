//! Check-digit algorithms of the identifiers the recognizers validate. Inputs are ASCII digit
//! (or alphanumeric, where stated) strings already stripped of separators.

fn digit(b: u8) -> u32 {
    u32::from(b.wrapping_sub(b'0'))
}

fn all_digits(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(u8::is_ascii_digit)
}

/// Luhn and the IBAN check are the ones the tokens API validates with: one copy, in core.
pub use tokenvault_core::pii::{aba_routing, iban_mod97, luhn};

/// Verhoeff (dihedral group D5), used by Aadhaar.
pub fn verhoeff(d: &[u8]) -> bool {
    const MUL: [[u8; 10]; 10] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
        [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
        [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
        [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
        [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
        [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
        [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
        [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
        [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
    ];
    const PERM: [[u8; 10]; 8] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
        [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
        [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
        [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
        [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
        [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
        [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
    ];
    if !all_digits(d) {
        return false;
    }
    let mut c = 0u8;
    for (i, &b) in d.iter().rev().enumerate() {
        c = MUL[usize::from(c)][usize::from(PERM[i % 8][usize::from(b - b'0')])];
    }
    c == 0
}

/// ISBN-10 (mod 11 with weights 10…1; the last character may be `X` for ten) or ISBN-13
/// (EAN-13 under the 978/979 prefixes). Not PII: a run that is one is not read as anything.
pub fn isbn(d: &[u8]) -> bool {
    match d.len() {
        10 => {
            let (body, last) = d.split_at(9);
            if !all_digits(body) {
                return false;
            }
            let check = match last[0] {
                b'X' | b'x' => 10,
                b if b.is_ascii_digit() => digit(b),
                _ => return false,
            };
            let sum: u32 = body
                .iter()
                .zip((2..=10).rev())
                .map(|(&b, w)| digit(b) * w)
                .sum::<u32>()
                + check;
            sum.is_multiple_of(11)
        }
        13 => {
            all_digits(d)
                && (d.starts_with(b"978") || d.starts_with(b"979"))
                && d.iter()
                    .enumerate()
                    .map(|(i, &b)| digit(b) * if i % 2 == 0 { 1 } else { 3 })
                    .sum::<u32>()
                    .is_multiple_of(10)
        }
        _ => false,
    }
}

/// TC Kimlik No: 11 digits, first not 0, two check digits.
pub fn tc_kimlik(d: &[u8]) -> bool {
    if d.len() != 11 || !all_digits(d) || d[0] == b'0' {
        return false;
    }
    let v: Vec<u32> = d.iter().map(|&b| digit(b)).collect();
    let odd = v[0] + v[2] + v[4] + v[6] + v[8];
    let even = v[1] + v[3] + v[5] + v[7];
    let d10 = (odd * 7 + 100 - even) % 10; // +100 keeps it non-negative (even ≤ 36)
    let d11 = v[..10].iter().sum::<u32>() % 10;
    v[9] == d10 && v[10] == d11
}

/// NHS number: 10 digits, weights 10..2, 11 - (sum mod 11), 10 is never valid.
pub fn nhs(d: &[u8]) -> bool {
    if d.len() != 10 || !all_digits(d) {
        return false;
    }
    let sum: u32 = d[..9]
        .iter()
        .enumerate()
        .map(|(i, &b)| digit(b) * (10 - i as u32))
        .sum();
    let check = match 11 - sum % 11 {
        11 => 0,
        10 => return false,
        c => c,
    };
    check == digit(d[9])
}

/// German Steuer-IdNr: 11 digits, first not 0, in the first ten exactly one digit repeated
/// (two or three times), ISO 7064 MOD 11,10 check digit.
pub fn de_tax_id(d: &[u8]) -> bool {
    if d.len() != 11 || !all_digits(d) || d[0] == b'0' {
        return false;
    }
    let mut counts = [0u8; 10];
    for &b in &d[..10] {
        counts[usize::from(b - b'0')] += 1;
    }
    let repeated: Vec<u8> = counts.iter().copied().filter(|&c| c > 1).collect();
    if repeated.len() != 1 || !(2..=3).contains(&repeated[0]) {
        return false;
    }
    let mut product = 10u32;
    for &b in &d[..10] {
        let mut sum = (digit(b) + product) % 10;
        if sum == 0 {
            sum = 10;
        }
        product = (sum * 2) % 11;
    }
    let check = (11 - product) % 10;
    check == digit(d[10])
}

/// French NIR: 15 digits, key = 97 - (first 13 mod 97).
pub fn fr_nir(d: &[u8]) -> bool {
    if d.len() != 15 || !all_digits(d) || !matches!(d[0], b'1' | b'2' | b'7' | b'8') {
        return false;
    }
    let month = digit(d[3]) * 10 + digit(d[4]);
    if !matches!(month, 1..=12 | 20..=42 | 50..=99) {
        return false;
    }
    let body = d[..13]
        .iter()
        .fold(0u64, |n, &b| n * 10 + u64::from(b - b'0'));
    let key = u64::from(digit(d[13]) * 10 + digit(d[14]));
    97 - body % 97 == key
}

/// Dutch BSN 11-proef: weights 9..2 and -1 for the last digit, sum divisible by 11.
pub fn nl_bsn(d: &[u8]) -> bool {
    if d.len() != 9 || !all_digits(d) || d.iter().all(|&b| b == b'0') {
        return false;
    }
    let sum: i64 = d[..8]
        .iter()
        .enumerate()
        .map(|(i, &b)| i64::from(digit(b)) * (9 - i as i64))
        .sum::<i64>()
        - i64::from(digit(d[8]));
    sum % 11 == 0
}

/// Australian TFN: weights 1,4,3,7,5,8,6,9,10, sum divisible by 11.
pub fn au_tfn(d: &[u8]) -> bool {
    const W: [u32; 9] = [1, 4, 3, 7, 5, 8, 6, 9, 10];
    d.len() == 9
        && all_digits(d)
        && d.iter().zip(W).map(|(&b, w)| digit(b) * w).sum::<u32>() % 11 == 0
}

/// Australian Medicare number: first digit 2-6, weights 1,3,7,9,1,3,7,9 on the first eight,
/// mod 10 equals the ninth; a tenth (issue) digit may follow.
pub fn au_medicare(d: &[u8]) -> bool {
    const W: [u32; 8] = [1, 3, 7, 9, 1, 3, 7, 9];
    (d.len() == 10 || d.len() == 11)
        && all_digits(d)
        && (b'2'..=b'6').contains(&d[0])
        && d[..8]
            .iter()
            .zip(W)
            .map(|(&b, w)| digit(b) * w)
            .sum::<u32>()
            % 10
            == digit(d[8])
}

/// Polish PESEL: a real birth month (01-12 plus 20/40/60/80 by century) and day, and the check
/// digit of weights 1,3,7,9,1,3,7,9,1,3.
pub fn pl_pesel(d: &[u8]) -> bool {
    const W: [u32; 10] = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
    if d.len() != 11 || !all_digits(d) {
        return false;
    }
    let month = (digit(d[2]) * 10 + digit(d[3])) % 20;
    let day = digit(d[4]) * 10 + digit(d[5]);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return false;
    }
    let sum: u32 = d[..10].iter().zip(W).map(|(&b, w)| digit(b) * w).sum();
    (10 - sum % 10) % 10 == digit(d[10])
}

/// Brazilian CPF: 11 digits, not all the same, two mod-11 check digits.
pub fn br_cpf(d: &[u8]) -> bool {
    if d.len() != 11 || !all_digits(d) || d.iter().all(|&b| b == d[0]) {
        return false;
    }
    let check = |n: usize| {
        let sum: u32 = d[..n]
            .iter()
            .enumerate()
            .map(|(i, &b)| digit(b) * (n as u32 + 1 - i as u32))
            .sum();
        (sum * 10) % 11 % 10
    };
    check(9) == digit(d[9]) && check(10) == digit(d[10])
}

/// The DNI/NIE control letter of a number.
pub fn es_control_letter(number: u32) -> u8 {
    const LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";
    LETTERS[(number % 23) as usize]
}

/// Bech32 / Bech32m checksum (BIP 173 / BIP 350) of a lower-case string `hrp1data`.
pub fn bech32(s: &[u8]) -> bool {
    const CHARSET: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    const GEN: [u32; 5] = [
        0x3b6a_57b2,
        0x2650_8e6d,
        0x1ea1_19fa,
        0x3d42_33dd,
        0x2a14_62b3,
    ];
    let Some(sep) = s.iter().rposition(|&b| b == b'1') else {
        return false;
    };
    let (hrp, data) = (&s[..sep], &s[sep + 1..]);
    if hrp.is_empty() || data.len() < 6 {
        return false;
    }
    let mut chk = 1u32;
    let mut step = |v: u32| {
        let top = chk >> 25;
        chk = ((chk & 0x01ff_ffff) << 5) ^ v;
        for (i, g) in GEN.iter().enumerate() {
            if (top >> i) & 1 == 1 {
                chk ^= g;
            }
        }
    };
    for &c in hrp {
        step(u32::from(c) >> 5);
    }
    step(0);
    for &c in hrp {
        step(u32::from(c) & 31);
    }
    for &c in data {
        let Some(v) = CHARSET.iter().position(|&x| x == c) else {
            return false;
        };
        step(v as u32);
    }
    chk == 1 || chk == 0x2bc8_30a3
}

/// Base58Check with a Bitcoin mainnet/testnet P2PKH or P2SH version byte.
pub fn base58check(s: &str) -> bool {
    let Ok(raw) = bs58::decode(s).into_vec() else {
        return false;
    };
    if raw.len() != 25 || !matches!(raw[0], 0x00 | 0x05 | 0x6f | 0xc4) {
        return false;
    }
    let (payload, check) = raw.split_at(21);
    tokenvault_crypto::checksum_digest::double_sha256(payload)[..4] == *check
}

/// EIP-55: an address whose letters are all one case carries no checksum; a mixed-case one
/// must match the Keccak-256 capitalization. `hex40` is the 40 characters after `0x`.
pub fn eip55(hex40: &str) -> bool {
    let has_upper = hex40.bytes().any(|b| b.is_ascii_uppercase());
    let has_lower = hex40.bytes().any(|b| b.is_ascii_lowercase());
    if !(has_upper && has_lower) {
        return true;
    }
    let lower = hex40.to_ascii_lowercase();
    let hash = tokenvault_crypto::checksum_digest::keccak256(lower.as_bytes());
    hex40.bytes().enumerate().all(|(i, b)| {
        let nibble = (hash[i / 2] >> (if i % 2 == 0 { 4 } else { 0 })) & 0xf;
        if b.is_ascii_alphabetic() {
            b.is_ascii_uppercase() == (nibble >= 8)
        } else {
            true
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_and_verhoeff() {
        assert!(luhn(b"4111111111111111"));
        assert!(!luhn(b"4111111111111112"));
        assert!(luhn(b"046454286"));
        assert!(verhoeff(b"2363"));
        assert!(!verhoeff(b"2364"));
        assert!(verhoeff(b"123451"));
    }

    /// Vectors from python-stdnum 1.20 (`stdnum.verhoeff.calc_check_digit` of the first eleven
    /// digits; `stdnum.in_.aadhaar` documents 234123412346), an independent implementation:
    /// the fourth permutation row was once wrong here and in the corpus generator alike, which
    /// rejected about a third of real Aadhaar numbers and accepted others.
    #[test]
    fn verhoeff_matches_python_stdnum() {
        for valid in [
            "234123412346",
            "499118665246",
            "987654321012",
            "271828182847",
            "314159265351",
            "555555555551",
            "800000000008",
            "123456789010",
        ] {
            assert!(verhoeff(valid.as_bytes()), "{valid}");
            let mut wrong = valid.as_bytes().to_vec();
            let last = wrong.len() - 1;
            wrong[last] = b'0' + (wrong[last] - b'0' + 1) % 10;
            assert!(!verhoeff(&wrong), "{valid} with another check digit");
        }
        // What the wrong table accepted.
        assert!(!verhoeff(b"499118665248"));
    }

    #[test]
    fn iban() {
        assert!(iban_mod97(b"TR330006100519786457841326"));
        assert!(iban_mod97(b"DE89370400440532013000"));
        assert!(iban_mod97(b"GB29NWBK60161331926819"));
        assert!(!iban_mod97(b"GB29NWBK60161331926818"));
    }

    #[test]
    fn national_ids() {
        assert!(tc_kimlik(b"10000000146"));
        assert!(!tc_kimlik(b"10000000147"));
        assert!(!tc_kimlik(b"01000000146"));
        assert!(nhs(b"9434765919"));
        assert!(!nhs(b"9434765918"));
        assert!(aba_routing(b"011000015"));
        assert!(aba_routing(b"121000358"));
        assert!(!aba_routing(b"121000359"));
        assert!(de_tax_id(b"86095742719"));
        assert!(!de_tax_id(b"86095742718"));
        assert!(!de_tax_id(b"12345678903")); // no repeated digit
        assert_eq!(es_control_letter(12_345_678), b'Z');
    }

    #[test]
    fn more_national_ids() {
        // The INSEE's documented example number and key.
        assert!(fr_nir(b"255081416802538"));
        assert!(!fr_nir(b"255081416802539"));
        // The Dutch government's test BSN.
        assert!(nl_bsn(b"111222333"));
        assert!(!nl_bsn(b"111222334"));
        // The ATO's published example TFN.
        assert!(au_tfn(b"123456782"));
        assert!(!au_tfn(b"123456783"));
        assert!(au_medicare(b"2123456701"));
        assert!(!au_medicare(b"2123456791"));
    }

    #[test]
    fn pesel_and_cpf() {
        // The example PESEL of the Polish Wikipedia article (born 1944-05-14).
        assert!(pl_pesel(b"44051401359"));
        assert!(!pl_pesel(b"44051401358"));
        // The Receita Federal's often-quoted valid example.
        assert!(br_cpf(b"52998224725"));
        assert!(!br_cpf(b"52998224724"));
        assert!(!br_cpf(b"11111111111"));
    }

    #[test]
    fn wallets() {
        assert!(base58check("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"));
        assert!(!base58check("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb"));
        assert!(base58check("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"));
        assert!(bech32(b"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"));
        assert!(!bech32(b"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5"));
        assert!(bech32(
            b"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"
        ));
        assert!(eip55("5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"));
        assert!(!eip55("5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"));
        assert!(eip55("5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"));
    }
}
