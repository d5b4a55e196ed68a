//! The text actions of the PII API: redact, mask, tokenize into numbered placeholders, and
//! restore placeholders from a caller-held vault.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, MatchKind};

use crate::{detector::Finding, DetectError};

/// What one finding became.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replaced {
    /// The transformed text.
    pub text: String,
    /// The replacement of each finding, in the findings' order.
    pub replacements: Vec<String>,
}

/// One entry of a tokenize vault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultEntry {
    /// The placeholder (`[EMAIL_1]`).
    pub placeholder: String,
    /// The original text.
    pub value: String,
    /// The finding's category.
    pub category: String,
}

/// `[REDACTED_<LABEL>]` for every finding.
pub fn redact(text: &str, findings: &[Finding]) -> Replaced {
    splice(text, findings, |f, _| format!("[REDACTED_{}]", f.label))
}

/// Keeps the edges of each finding and its separators, stars the rest: an e-mail keeps the
/// first character of its local part and its domain; cards and IBANs keep one leading and four
/// trailing characters; everything else one leading and two trailing; values of five letters
/// or digits or fewer keep only their first.
pub fn mask(text: &str, findings: &[Finding]) -> Replaced {
    splice(text, findings, |f, value| mask_value(&f.category, value))
}

/// Replaces findings with `[LABEL_N]`, numbered per label in order of appearance; occurrences
/// written identically share a placeholder. Values that are equal only after normalization
/// (`1.11.1.1` and `11.1.1.1` compact alike; `Jane@x.io` and `jane@x.io` are one mailbox) get
/// placeholders of their own, so detokenize restores every occurrence exactly as written.
/// Returns the vault in order of first appearance.
pub fn tokenize(text: &str, findings: &[Finding]) -> (Replaced, Vec<VaultEntry>) {
    let mut counters: HashMap<String, usize> = HashMap::new();
    let mut seen: HashMap<(String, String), String> = HashMap::new();
    let mut vault = Vec::new();
    let replaced = splice(text, findings, |f, value| {
        let key = (f.label.clone(), value.to_owned());
        if let Some(p) = seen.get(&key) {
            return p.clone();
        }
        let n = counters.entry(f.label.clone()).or_insert(0);
        *n += 1;
        let placeholder = format!("[{}_{}]", f.label, n);
        vault.push(VaultEntry {
            placeholder: placeholder.clone(),
            value: value.to_owned(),
            category: f.category.clone(),
        });
        seen.insert(key, placeholder.clone());
        placeholder
    });
    (replaced, vault)
}

/// Replaces every vault key found in `text` with its value. Keys are matched as literal text
/// (never as patterns), longest first where keys overlap; text that is not a key stays as it
/// is. Fails if the output would exceed `max_output` bytes.
pub fn detokenize(
    text: &str,
    vault: &[(String, String)],
    max_output: usize,
) -> Result<(String, usize), DetectError> {
    let keys: Vec<&str> = vault.iter().map(|(k, _)| k.as_str()).collect();
    if keys.is_empty() {
        return Ok((text.to_owned(), 0));
    }
    let ac = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(&keys)
        .map_err(|e| DetectError::Engine(e.to_string()))?;
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    let mut replaced = 0;
    for m in ac.find_iter(text) {
        out.push_str(&text[last..m.start()]);
        out.push_str(&vault[m.pattern().as_usize()].1);
        last = m.end();
        replaced += 1;
        if out.len() > max_output {
            return Err(DetectError::OutputTooLarge { max: max_output });
        }
    }
    out.push_str(&text[last..]);
    if out.len() > max_output {
        return Err(DetectError::OutputTooLarge { max: max_output });
    }
    Ok((out, replaced))
}

fn splice(
    text: &str,
    findings: &[Finding],
    mut replace: impl FnMut(&Finding, &str) -> String,
) -> Replaced {
    let mut out = String::with_capacity(text.len());
    let mut replacements = Vec::with_capacity(findings.len());
    let mut last = 0;
    for f in findings {
        out.push_str(&text[last..f.byte_start]);
        let r = replace(f, &text[f.byte_start..f.byte_end]);
        out.push_str(&r);
        replacements.push(r);
        last = f.byte_end;
    }
    out.push_str(&text[last..]);
    Replaced {
        text: out,
        replacements,
    }
}

fn mask_value(category: &str, value: &str) -> String {
    if category == "email" {
        if let Some((local, domain)) = value.split_once('@') {
            let mut chars = local.chars();
            let first = chars.next().map(String::from).unwrap_or_default();
            return format!("{first}{}@{domain}", "*".repeat(chars.count()));
        }
    }
    if category == "person" {
        // Initials stay: "Sarah Thompson" → "S**** T*******".
        return value
            .split(' ')
            .map(|w| tokenvault_core::mask::keep_edges(w, 1, 0))
            .collect::<Vec<_>>()
            .join(" ");
    }
    let significant = value.chars().filter(|c| c.is_alphanumeric()).count();
    let keep_tail = match category {
        "creditCard" | "iban" => 4,
        _ => 2,
    };
    let (keep_head, keep_tail) = if significant <= 5 {
        (1, 0)
    } else if significant <= keep_tail + 3 {
        (1, 1)
    } else {
        (1, keep_tail)
    };
    tokenvault_core::mask::keep_edges(value, keep_head, keep_tail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keep_edges_and_separators() {
        assert_eq!(
            mask_value("email", "jane.doe@acme.com"),
            "j*******@acme.com"
        );
        assert_eq!(mask_value("tr_phone", "0532 111 22 33"), "0*** *** ** 33");
        assert_eq!(
            mask_value("creditCard", "4111 1111 1111 1111"),
            "4*** **** **** 1111"
        );
        assert_eq!(mask_value("date", "1/2/2024"), "1/*/**24");
        assert_eq!(mask_value("us_ssn", "123-45-6789"), "1**-**-**89");
    }

    #[test]
    fn values_equal_only_after_normalization_keep_their_own_placeholders() {
        let d = crate::Detector::new(&tokenvault_core::policy::DetectionSettings::default(), None)
            .unwrap_or_else(|e| panic!("{e}"));
        for text in [
            "hosts 1.11.1.1 and 11.1.1.1 and 1.11.1.1",
            "nets 2001:db8::1:2 then 2001:db8:1::2",
            "links fe80::1 and fe8:0::1",
            "on 1/11/2020 or 11/1/2020",
            "mail Ops@Acme.com and ops@acme.com",
        ] {
            let findings = d.detect(text).unwrap_or_default();
            assert!(findings.len() >= 2, "{text}: {findings:?}");
            let (r, vault) = tokenize(text, &findings);
            let keys: Vec<(String, String)> = vault
                .iter()
                .map(|e| (e.placeholder.clone(), e.value.clone()))
                .collect();
            let (back, _) = detokenize(&r.text, &keys, usize::MAX).unwrap_or_default();
            assert_eq!(back, text);
            let distinct: std::collections::HashSet<&str> = findings
                .iter()
                .map(|f| &text[f.byte_start..f.byte_end])
                .collect();
            assert_eq!(vault.len(), distinct.len(), "{text}: {vault:?}");
        }
    }

    #[test]
    fn detokenize_is_literal_and_bounded() {
        let vault = vec![
            ("[EMAIL_1]".to_owned(), "a@b.co".to_owned()),
            ("[EMAIL_10]".to_owned(), "c@d.co".to_owned()),
            (".*".to_owned(), "X".to_owned()),
        ];
        let (out, n) = detokenize("[EMAIL_10] [EMAIL_1] [EMAIL_2] a.*b", &vault, 1000).unwrap();
        assert_eq!(out, "c@d.co a@b.co [EMAIL_2] aXb");
        assert_eq!(n, 3);
        let big = vec![("[X]".to_owned(), "y".repeat(100))];
        assert!(matches!(
            detokenize("[X][X][X]", &big, 250),
            Err(DetectError::OutputTooLarge { max: 250 })
        ));
    }
}
