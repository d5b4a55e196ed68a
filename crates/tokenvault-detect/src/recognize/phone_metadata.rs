//! Phone validity from libphonenumber's metadata, compiled once per region into one anchored
//! automaton over the region's number-type patterns. This is the check libphonenumber's
//! `is_valid` makes (the national number matches a fixed-line, mobile, toll-free, … pattern of
//! its region), without its general-purpose parser, which dominates detection time otherwise.

use std::{
    collections::HashMap,
    sync::{Arc, LazyLock, RwLock},
};

use phonenumber::metadata::{Metadata, DATABASE};
use regex_automata::{meta::Regex, Anchored, Input};

struct RegionPatterns {
    /// Region id (`TR`).
    id: String,
    national_prefix: Option<String>,
    /// Full match of any valid number type; none if the metadata has no usable pattern.
    valid: Option<Regex>,
}

static REGIONS: LazyLock<RwLock<HashMap<String, Arc<RegionPatterns>>>> =
    LazyLock::new(|| RwLock::new(HashMap::new()));

fn compile(meta: &Metadata) -> RegionPatterns {
    let d = meta.descriptors();
    let patterns: Vec<String> = [
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
    // The metadata keeps its patterns pretty-printed; they contain no literal whitespace.
    .map(|desc| {
        let p: String = desc
            .national_number()
            .as_str()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        format!("(?:{p})")
    })
    .collect();
    let valid = if patterns.is_empty() {
        None
    } else {
        Regex::new(&format!("^(?:{})$", patterns.join("|"))).ok()
    };
    RegionPatterns {
        id: meta.id().to_owned(),
        national_prefix: meta.national_prefix().map(str::to_owned),
        valid,
    }
}

fn region(meta: &Metadata) -> Arc<RegionPatterns> {
    if let Ok(map) = REGIONS.read() {
        if let Some(r) = map.get(meta.id()) {
            return r.clone();
        }
    }
    let compiled = Arc::new(compile(meta));
    if let Ok(mut map) = REGIONS.write() {
        map.entry(meta.id().to_owned())
            .or_insert_with(|| compiled.clone());
    }
    compiled
}

fn matches(r: &RegionPatterns, national: &str) -> bool {
    r.valid
        .as_ref()
        .is_some_and(|re| re.is_match(Input::new(national).anchored(Anchored::Yes)))
}

/// The region of a valid international number given as its digits after `+`.
pub(super) fn valid_international(digits: &str) -> Option<String> {
    for cc_len in 1..=3 {
        let (Some(cc), Some(national)) = (digits.get(..cc_len), digits.get(cc_len..)) else {
            return None;
        };
        let Ok(code) = cc.parse::<u16>() else {
            return None;
        };
        // Country codes are prefix-free: the first that exists is the code.
        let Some(metas) = DATABASE.by_code(&code) else {
            continue;
        };
        return metas
            .into_iter()
            .map(region)
            .find(|r| matches(r, national))
            .map(|r| r.id.clone());
    }
    None
}

/// Whether `digits`, written nationally in region `id` (with its trunk prefix where it has
/// one), is a valid number there.
pub(super) fn valid_national(id: &str, digits: &str) -> bool {
    let Some(meta) = DATABASE.by_id(id) else {
        return false;
    };
    let r = region(meta);
    let national = match &r.national_prefix {
        Some(p) if digits.starts_with(p.as_str()) => &digits[p.len()..],
        // North America writes the "1" trunk prefix optionally.
        _ => digits,
    };
    matches(&r, national)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Agrees with libphonenumber's own `is_valid` on every example number the metadata
    /// carries for the regions of the locale packs.
    #[test]
    fn agrees_with_libphonenumber_on_examples() {
        let mut checked = 0;
        for id in ["US", "CA", "TR", "GB", "DE", "ES", "IN", "FR", "NL"] {
            let meta = DATABASE.by_id(id).unwrap();
            let d = meta.descriptors();
            for desc in [d.fixed_line(), d.mobile(), d.toll_free(), d.voip()]
                .into_iter()
                .flatten()
            {
                let Some(example) = desc.example() else {
                    continue;
                };
                let intl = format!("{}{}", meta.country_code(), example);
                let lib = phonenumber::parse(None, format!("+{intl}"))
                    .map(|n| phonenumber::is_valid(&n))
                    .unwrap_or(false);
                assert_eq!(valid_international(&intl).is_some(), lib, "{id} {example}");
                checked += 1;
            }
        }
        assert!(checked > 20);
        assert_eq!(valid_international("905321112233").as_deref(), Some("TR"));
        assert!(valid_national("TR", "05321112233"));
        assert!(!valid_national("TR", "01001112233"));
        assert!(valid_international("1555").is_none());
    }
}
