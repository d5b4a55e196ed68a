//! Vault tokens inside free text (a model's reply): where they are, and how much of a growing
//! stream can be passed on without cutting one in half.
//!
//! A token in text is the prefix (`tv_`) or `tok_` at a word start, followed by base64url
//! characters. Format-preserving tokens look like the values they replace and cannot be told
//! apart from text; they are not found here.

use std::ops::Range;

/// Token ids (`tok_…`) are found too.
const ID_PREFIX: &str = "tok_";
/// Shortest body after the prefix (a deterministic token's header and SIV tag alone are 22).
const MIN_BODY: usize = 16;
/// Longest token value accepted.
const MAX_LEN: usize = tokenvault_crypto::codec::MAX_TOKEN_LEN;

fn is_body(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

fn at_word_start(bytes: &[u8], i: usize) -> bool {
    i == 0 || !is_body(bytes[i - 1])
}

/// Byte ranges of the tokens and token ids in `text`, left to right.
pub fn find_tokens(text: &str, prefix: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let p = [prefix, ID_PREFIX]
            .into_iter()
            .find(|p| bytes[i..].starts_with(p.as_bytes()) && at_word_start(bytes, i));
        let Some(p) = p else {
            i += 1;
            continue;
        };
        let body_start = i + p.len();
        let mut end = body_start;
        while end < bytes.len() && is_body(bytes[end]) {
            end += 1;
        }
        if end - body_start >= MIN_BODY && end - i <= MAX_LEN {
            out.push(i..end);
        }
        i = end.max(i + 1);
    }
    out
}

/// How many bytes of `buffered` can be released now: everything except a token (or the start
/// of a prefix) that runs to the end and may continue in the next chunk.
pub fn settled_len(buffered: &str, prefix: &str) -> usize {
    let bytes = buffered.as_bytes();
    // A token running to the very end.
    if let Some(last) = find_tokens(buffered, prefix).last() {
        if last.end == bytes.len() {
            return last.start;
        }
    }
    // A prefix with too short a body so far, or a partial prefix, at the end.
    let mut start = bytes.len();
    while start > 0 && is_body(bytes[start - 1]) {
        start -= 1;
    }
    let tail = &buffered[start..];
    let partial = [prefix, ID_PREFIX].into_iter().any(|p| {
        (tail.len() < p.len() && p.starts_with(tail))
            || (tail.starts_with(p) && tail.len() - p.len() < MIN_BODY)
    });
    if partial && !tail.is_empty() {
        start
    } else {
        bytes.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: &str = "tv_AQEAAAABq83kT9r2mV3xYwq0cXkz";

    #[test]
    fn finds_tokens_and_ids_at_word_starts() {
        let text =
            format!("Card {T}, id tok_abcdefghijklmnop1234. xtv_AQEAAAABq83kT9r2mV3xYwq0 tv_short");
        let found: Vec<&str> = find_tokens(&text, "tv_")
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(found, vec![T, "tok_abcdefghijklmnop1234"]);
    }

    #[test]
    fn holds_back_what_may_continue() {
        assert_eq!(settled_len("hello ", "tv_"), 6);
        assert_eq!(settled_len("hello t", "tv_"), 6);
        assert_eq!(settled_len("hello tv", "tv_"), 6);
        assert_eq!(settled_len("hello tv_AQE", "tv_"), 6);
        let s = format!("hello {T}");
        assert_eq!(settled_len(&s, "tv_"), 6);
        let s = format!("hello {T} ok");
        assert_eq!(settled_len(&s, "tv_"), s.len());
        assert_eq!(settled_len("hello world", "tv_"), 11);
    }
}
