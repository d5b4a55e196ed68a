//! The one pass over the text: every candidate shape is a pattern of a single multi-pattern
//! automaton (regex-automata's meta engine: a lazy DFA over the union, leftmost-first), so the
//! text is read once whatever the number of recognizers. Each match names its shape; the
//! recognizers of that shape then validate the candidate.
//!
//! Shapes are deliberately loose (a "numeric run" covers cards, phones, SSNs, dates and IPv4
//! addresses alike); deciding what a candidate is belongs to the validators, which can try
//! several interpretations of one candidate.

use std::sync::LazyLock;

use regex_automata::{meta::Regex, util::syntax};

/// What a candidate looks like. The order is the priority between shapes matching at the
/// same position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    Url,
    Email,
    Mac,
    Ipv6,
    EthAddress,
    Bech32,
    Base58,
    Iban,
    Nino,
    /// Finnish personal identity code.
    Hetu,
    /// Italian fiscal code.
    FiscalCode,
    /// German VAT id.
    DeVat,
    /// US Medicare Beneficiary Identifier.
    Mbi,
    /// Indian GSTIN.
    Gstin,
    /// Indian voter id (EPIC).
    Epic,
    Pan,
    Nie,
    Nif,
    LetterPassport,
    MonthDate,
    Numeric,
}

const MONTHS: &str = "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?\
|ocak|şubat|mart|nisan|mayıs|haziran|temmuz|ağustos|eylül|ekim|kasım|aralık\
|januar|februar|märz|mai|juni|juli|oktober|dezember\
|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre\
|janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre";

fn shapes() -> Vec<(Shape, String)> {
    // `(?-u:\b)` is an ASCII word boundary: the lazy DFA supports it on any text, where a
    // Unicode boundary would force a slower engine on non-ASCII input.
    let b = r"(?-u:\b)";
    vec![
        (
            Shape::Url,
            r#"(?i:https?://|ftp://|www\.)[^\s<>"'`]+"#.to_owned(),
        ),
        (
            Shape::Email,
            // Bounded as RFC 5321 bounds it (local part 64, labels 63, at most 8 labels): an
            // unbounded local part kept the automaton reading to the end of every run of
            // word characters after each match, quadratic on "ab-ab-ab-…".
            format!(
                r"{b}[A-Za-z0-9][A-Za-z0-9._%+\-]{{0,63}}@[A-Za-z0-9](?:[A-Za-z0-9\-]{{0,61}}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]{{0,61}}[A-Za-z0-9])?){{0,8}}\.[A-Za-z]{{2,24}}{b}"
            ),
        ),
        (
            Shape::Mac,
            format!(
                r"{b}(?:[0-9A-Fa-f]{{2}}(?::[0-9A-Fa-f]{{2}}){{5}}|[0-9A-Fa-f]{{2}}(?:-[0-9A-Fa-f]{{2}}){{5}}|[0-9A-Fa-f]{{4}}\.[0-9A-Fa-f]{{4}}\.[0-9A-Fa-f]{{4}}){b}"
            ),
        ),
        (
            Shape::Ipv6,
            format!(
                r"{b}[0-9A-Fa-f]{{1,4}}(?::[0-9A-Fa-f]{{0,4}}){{2,7}}(?:\.[0-9]{{1,3}}){{0,3}}|::[0-9A-Fa-f]{{1,4}}(?::[0-9A-Fa-f]{{1,4}}){{0,6}}(?:\.[0-9]{{1,3}}){{0,3}}"
            ),
        ),
        (Shape::EthAddress, format!(r"{b}0x[0-9A-Fa-f]{{40}}{b}")),
        (
            Shape::Bech32,
            format!(r"{b}(?:bc|tb)1[02-9ac-hj-np-z]{{8,87}}{b}"),
        ),
        (
            Shape::Base58,
            format!(r"{b}[13][1-9A-HJ-NP-Za-km-z]{{25,34}}{b}"),
        ),
        (
            Shape::Iban,
            // Compact, or in groups of four with a shorter last group.
            format!(
                r"{b}[A-Z]{{2}}[0-9]{{2}}(?:[A-Z0-9]{{10,30}}{b}|(?: [A-Z0-9]{{4}}){{2,7}}(?: [A-Z0-9]{{1,4}})?)"
            ),
        ),
        (
            Shape::Nino,
            // Either case (`tw987654a`); ASCII classes keep the automaton small.
            format!(r"{b}[A-Za-z]{{2}} ?[0-9]{{2}} ?[0-9]{{2}} ?[0-9]{{2}} ?[A-Da-d]{b}"),
        ),
        (Shape::Pan, format!(r"{b}[A-Z]{{5}}[0-9]{{4}}[A-Z]{b}")),
        // Italian codice fiscale: letters, year, month letter, day, place, control letter (digits
        // may be omocodia letters).
        (
            Shape::FiscalCode,
            format!(
                r"{b}[A-Z]{{6}}[0-9L-NP-V]{{2}}[A-EHLMPR-T][0-9L-NP-V]{{2}}[A-Z][0-9L-NP-V]{{3}}[A-Z]{b}"
            ),
        ),
        (Shape::DeVat, format!(r"{b}DE ?[1-9][0-9]{{8}}{b}")),
        // Indian voter id (seven digits) and Spanish passport (six).
        (Shape::Epic, format!(r"{b}[A-Z]{{3}}[0-9]{{6,7}}{b}")),
        (
            Shape::Gstin,
            format!(r"{b}[0-3][0-9][A-Z]{{5}}[0-9]{{4}}[A-Z][1-9A-Z]Z[0-9A-Z]{b}"),
        ),
        // US MBI (CMS): letters exclude S, L, O, I, B and Z.
        (
            Shape::Mbi,
            format!(
                r"{b}[1-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9][0-9]-?[AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9][0-9]-?[AC-HJKMNP-RT-Y]{{2}}[0-9]{{2}}{b}"
            ),
        ),
        // Finnish HETU: DDMMYY, century sign, individual number, control character.
        (
            Shape::Hetu,
            format!(r"{b}[0-3][0-9][01][0-9]{{3}}[-+A-FU-Ya-fu-y][0-9]{{3}}[0-9A-Ya-y]{b}"),
        ),
        // The letters in either case (people type `x9613851n`); ASCII classes, not `(?i)`,
        // keep the automaton small.
        (Shape::Nie, format!(r"{b}[XYZxyz]-?[0-9]{{7}}-?[A-Za-z]{b}")),
        (Shape::Nif, format!(r"{b}[0-9]{{8}}-?[A-Za-z]{b}")),
        (Shape::LetterPassport, format!(r"{b}[A-Z][0-9]{{8}}{b}")),
        (
            Shape::MonthDate,
            format!(
                r"{b}(?i:(?:[0-9]{{1,2}}(?:st|nd|rd|th|\.)? (?:of |de )?)?(?:{MONTHS})\.?(?: [0-9]{{1,2}}(?:st|nd|rd|th)?)?,? (?:de )?[0-9]{{4}}|[0-9]{{1,2}}-(?:{MONTHS})-[0-9]{{4}}){b}"
            ),
        ),
        (
            Shape::Numeric,
            r"(?:\+|\()?[0-9][0-9 \-./()]*[0-9]".to_owned(),
        ),
    ]
}

pub(crate) struct Scanner {
    regex: Regex,
    shapes: Vec<Shape>,
}

static SCANNER: LazyLock<Result<Scanner, Box<regex_automata::meta::BuildError>>> =
    LazyLock::new(Scanner::build);

impl Scanner {
    fn build() -> Result<Scanner, Box<regex_automata::meta::BuildError>> {
        let list = shapes();
        let patterns: Vec<&str> = list.iter().map(|(_, p)| p.as_str()).collect();
        let regex = Regex::builder()
            .syntax(syntax::Config::new().unicode(true))
            .build_many(&patterns)
            .map_err(Box::new)?;
        Ok(Scanner {
            regex,
            shapes: list.into_iter().map(|(s, _)| s).collect(),
        })
    }

    /// The compiled scanner; an error only if a built-in pattern is broken, which the tests
    /// rule out.
    pub(crate) fn get() -> Result<&'static Scanner, &'static regex_automata::meta::BuildError> {
        SCANNER.as_ref().map_err(|e| &**e)
    }

    /// Calls `f(shape, start, end)` for every candidate, left to right, byte offsets, until
    /// `f` returns false.
    pub(crate) fn each(&self, text: &str, mut f: impl FnMut(Shape, usize, usize) -> bool) {
        for m in self.regex.find_iter(text) {
            if let Some(&shape) = self.shapes.get(m.pattern().as_usize()) {
                if !f(shape, m.start(), m.end()) {
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shapes_of(text: &str) -> Vec<(Shape, &str)> {
        let mut out = Vec::new();
        Scanner::get().unwrap().each(text, |s, a, b| {
            out.push((s, &text[a..b]));
            true
        });
        out
    }

    /// Leftmost-first search reads past a match for as long as a pattern of higher priority
    /// is still alive, so one unbounded pattern ahead of another makes iteration quadratic.
    /// Only two shapes may be unbounded: `Url`, whose every extension past its literal prefix
    /// is itself a match (the automaton is consuming, not looking ahead), and `Numeric`, the
    /// last (nothing is below it to wait for).
    #[test]
    fn every_shape_but_url_and_numeric_has_a_bounded_length() {
        for (shape, pattern) in shapes() {
            let hir = syntax::parse(&pattern).unwrap();
            let max = hir.properties().maximum_len();
            match shape {
                Shape::Url | Shape::Numeric => {}
                _ => assert!(
                    max.is_some_and(|m| m <= 1024),
                    "{shape:?} may match {max:?} bytes"
                ),
            }
        }
        assert_eq!(shapes().last().map(|s| s.0), Some(Shape::Numeric));
    }

    #[test]
    fn one_pass_finds_each_shape() {
        let t = "Mail jane.doe@acme.com, see https://x.io/a?b=1 or 00:1A:2B:3C:4D:5E \
                 fe80::1ff:fe23:4567:890a TR33 0006 1005 1978 6457 8413 26 AB123456C \
                 ABCPE1234F X1234567L 12345678Z C03005988 15 March 2024 +90 532 111 22 33";
        let got = shapes_of(t);
        let kinds: Vec<Shape> = got.iter().map(|g| g.0).collect();
        assert_eq!(
            kinds,
            vec![
                Shape::Email,
                Shape::Url,
                Shape::Mac,
                Shape::Ipv6,
                Shape::Iban,
                Shape::Nino,
                Shape::Pan,
                Shape::Nie,
                Shape::Nif,
                Shape::LetterPassport,
                Shape::MonthDate,
                Shape::Numeric
            ],
            "{got:?}"
        );
        assert_eq!(got[4].1, "TR33 0006 1005 1978 6457 8413 26");
        assert_eq!(got[11].1, "+90 532 111 22 33");
    }

    #[test]
    fn non_ascii_text_is_scanned() {
        let got = shapes_of("Müşteri numarası: 10000000146 — ödeme 12 Şubat 2024");
        assert_eq!(got[0], (Shape::Numeric, "10000000146"));
        assert_eq!(got[1], (Shape::MonthDate, "12 Şubat 2024"));
    }
}
