//! The canonical-forms table of `docs/token-formats.md` is what the code does: each row's
//! "sent" value normalizes to its "returned" value under the default `en-US` locale.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use tokenvault_core::pii::{NormalizeOptions, PiiType};

#[test]
fn the_documented_canonical_forms_hold() {
    let doc = include_str!("../../../docs/token-formats.md");
    let table = doc
        .split("## Canonical forms")
        .nth(1)
        .expect("docs/token-formats.md has the canonical-forms section");
    let options = NormalizeOptions::for_locale("en-US");
    let mut rows = 0;
    for line in table.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line
            .split('|')
            .map(|c| c.trim().trim_matches('`'))
            .filter(|c| !c.is_empty())
            .collect();
        let [ty, sent, returned] = cells[..] else {
            panic!("malformed row: {line}");
        };
        let ty: PiiType = ty.parse().unwrap_or_else(|_| panic!("not a type: {ty}"));
        let canonical = ty.normalize(sent, &options).unwrap();
        assert_eq!(canonical.expose(), returned, "{line}");
        rows += 1;
    }
    assert_eq!(rows, PiiType::ALL.len(), "one row per PII type");
}
