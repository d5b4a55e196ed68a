//! Eight bytes at a time: the few bit tricks the rule layer's hot loops use on ASCII text
//! (finding the bytes that may start a reading, folding capitals for a lookup).

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The eight bytes of `bytes` from `at` as a little-endian word, zero past the end.
pub(crate) fn load(bytes: &[u8], at: usize) -> u64 {
    if let Some(Ok(word)) = bytes.get(at..at + 8).map(<[u8; 8]>::try_from) {
        return u64::from_le_bytes(word);
    }
    // A short tail, byte by byte (a variable-length copy would call `memcpy`).
    let tail = bytes.get(at..).unwrap_or_default();
    tail.iter()
        .enumerate()
        .fold(0, |x, (k, &b)| x | u64::from(b) << (8 * k))
}

/// Whether any byte of `x` has its high bit set (is not ASCII).
pub(crate) fn any_non_ascii(x: u64) -> bool {
    x & HIGH != 0
}

/// The high bit of each byte of `x` that is ASCII and in `lo..=hi` (`lo`, `hi` ASCII). Each
/// byte is computed alone: its low seven bits plus at most 0x80 cannot carry into the next.
pub(crate) fn in_range(x: u64, lo: u8, hi: u8) -> u64 {
    let ascii = x & !HIGH;
    let at_least_lo = ascii.wrapping_add(ONES * u64::from(0x80 - lo));
    let at_most_hi = (ONES * u64::from(0x80 + hi)).wrapping_sub(ascii);
    at_least_lo & at_most_hi & !x & HIGH
}

/// `x` with every ASCII capital made lower-case (0x20 set); other bytes unchanged.
pub(crate) fn fold_capitals(x: u64) -> u64 {
    x | (in_range(x, b'A', b'Z') >> 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_is_classified_as_one_at_a_time() {
        for b in 0..=255u8 {
            for fill in [0u8, b'a', b'Z', 0xC3, 0x7F] {
                let mut bytes = [fill; 8];
                bytes[3] = b;
                let x = u64::from_le_bytes(bytes);
                let expect = |lo: u8, hi: u8| {
                    bytes.iter().enumerate().fold(0u64, |m, (i, &c)| {
                        m | (u64::from((lo..=hi).contains(&c)) << (8 * i + 7))
                    })
                };
                assert_eq!(in_range(x, b'0', b'9'), expect(b'0', b'9'));
                assert_eq!(in_range(x, b'A', b'Z'), expect(b'A', b'Z'));
                let lower: Vec<u8> = bytes.iter().map(u8::to_ascii_lowercase).collect();
                assert_eq!(fold_capitals(x).to_le_bytes().to_vec(), lower);
            }
        }
        assert_eq!(load(b"abc", 0), u64::from_le_bytes(*b"abc\0\0\0\0\0"));
        assert_eq!(load(b"abc", 5), 0);
    }
}
