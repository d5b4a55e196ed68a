//! The detector of one policy: which categories are on, which national phone forms are read,
//! the policy's own patterns, severities and blocking categories; and the pipeline that turns
//! text into findings.
//!
//! Pipeline: one scan of the built-in shapes and one of the custom patterns, recognizers per
//! candidate, context words, the confidence threshold, the overlap rule, then offsets in
//! characters.
//!
//! Overlap rule: when findings overlap, the one with the higher confidence (after context)
//! wins; on equal confidence the longer one; then the category listed first in the catalog
//! (custom patterns after built-ins, in the policy's order). The winner is kept whole and the
//! loser dropped whole, so a finding never covers part of a value.

use std::collections::BTreeMap;

use regex_automata::meta::Regex;
use tokenvault_core::policy::{DetectionSettings, PatternError, Severity};

use crate::{
    catalog::{Category, CategorySet, CATEGORIES, OPT_IN},
    context,
    recognize::{self, Ctx, PhoneRegions, Raw},
    scan::Scanner,
    DetectError,
};

/// Findings under this confidence are not reported.
pub const MIN_CONFIDENCE: f32 = 0.5;
/// The most confident a model span is once merged (just under the rule layer's cued and
/// listed readings, 0.8 and up).
const MODEL_CEILING: f32 = 0.79;
/// Confidence of a custom pattern's match (the policy asked for it by name).
const CUSTOM_CONFIDENCE: f32 = 0.85;
/// Largest compiled size of one policy's custom patterns together.
pub const CUSTOM_PATTERN_SIZE_LIMIT: usize = 1 << 20;
/// Most custom patterns a policy may have.
pub const MAX_CUSTOM_PATTERNS: usize = tokenvault_core::policy::MAX_PATTERNS;
/// Most findings one text may yield; beyond it the request is refused (`TooManyFindings`)
/// rather than answered in part, since a truncated redaction would pass PII on in clear.
/// Dense real text (a value every 150 bytes, as in the benchmark corpus) holds about 7,000
/// in the API's 1 MiB; the cap leaves room for seven times that and bounds an answer to a
/// few MiB.
pub const MAX_FINDINGS: usize = 50_000;
/// Readings collected before overlaps are resolved, past which detection stops early: each
/// value has a handful of readings, so a text under `MAX_FINDINGS` never comes near it.
const MAX_READINGS: usize = 8 * MAX_FINDINGS;

/// The work one detection did, for tests that bound it (never time).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Work {
    /// Candidates the scanner proposed.
    pub candidates: usize,
    /// Spans of digit groups tried as one value.
    pub spans: usize,
    /// Readings kept before the overlap rule.
    pub readings: usize,
}

/// Where a candidate finding is and how confident it is; its `Kind` says what it is.
#[derive(Debug, Clone, Copy)]
struct Span {
    /// Byte offsets.
    start: usize,
    end: usize,
    score: f32,
}

/// What a finding is: a built-in category or one of the policy's patterns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A built-in category.
    Builtin(Category),
    /// A custom pattern, by its index in the policy.
    Custom(usize),
}

/// One occurrence of PII.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// What it is.
    pub kind: Kind,
    /// Wire name of the category (`creditCard`, or the custom pattern's name).
    pub category: String,
    /// Label for placeholders (`CREDITCARD`, `TC_KIMLIK`).
    pub label: String,
    /// Offsets in bytes (for slicing the text).
    pub byte_start: usize,
    /// End in bytes, exclusive.
    pub byte_end: usize,
    /// Offsets in characters (Unicode scalar values), as the API reports them.
    pub start: usize,
    /// End in characters, exclusive.
    pub end: usize,
    /// 0.0–1.0 after context.
    pub confidence: f32,
    /// From the policy, else the category's default.
    pub severity: Severity,
    /// The policy lists the category under `blocking`.
    pub blocking: bool,
}

struct CustomPattern {
    name: String,
    label: String,
    severity: Severity,
}

/// A compiled policy.
pub struct Detector {
    enabled: CategorySet,
    regions: PhoneRegions,
    custom: Option<Regex>,
    custom_meta: Vec<CustomPattern>,
    severities: BTreeMap<String, Severity>,
    blocking: Vec<String>,
    languages: Vec<String>,
    organizations: Option<crate::entities::OrganizationLists>,
    /// The policy asked for the model layer.
    model: bool,
}

impl std::fmt::Debug for Detector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Detector")
            .field("enabled", &self.enabled)
            .field("custom_patterns", &self.custom_meta.len())
            .finish()
    }
}

/// Compiles custom patterns under the size limit; the error says which one and why.
pub fn compile_patterns(patterns: &[&str]) -> Result<Option<Regex>, DetectError> {
    if patterns.is_empty() {
        return Ok(None);
    }
    if patterns.len() > MAX_CUSTOM_PATTERNS {
        return Err(DetectError::TooManyPatterns {
            max: MAX_CUSTOM_PATTERNS,
        });
    }
    for (i, p) in patterns.iter().enumerate() {
        check_one(p).map_err(|e| DetectError::InvalidPattern {
            index: i,
            reason: e.reason,
        })?;
    }
    // Each pattern was held to the limit alone; together they may use the sum, so a policy
    // that validated always compiles.
    let combined = CUSTOM_PATTERN_SIZE_LIMIT * patterns.len();
    Regex::builder()
        .configure(
            Regex::config()
                .nfa_size_limit(Some(combined))
                .onepass_size_limit(Some(combined))
                .dfa_size_limit(Some(combined)),
        )
        .build_many(patterns)
        .map(Some)
        .map_err(|e| DetectError::InvalidPattern {
            index: 0,
            reason: describe(&e),
        })
}

/// Compiles one pattern alone to say precisely what is wrong with it.
pub fn check_one(pattern: &str) -> Result<(), PatternError> {
    // A pattern that can match nothing or one character turns every position of a text into
    // a finding (1 MiB of text, a million findings).
    if let Ok(hir) = regex_automata::util::syntax::parse(pattern) {
        if hir.properties().minimum_len().is_none_or(|n| n < 2) {
            return Err(PatternError {
                reason: "the pattern can match an empty string or a single character; make it match at least two characters"
                    .to_owned(),
            });
        }
    }
    Regex::builder()
        .configure(Regex::config().nfa_size_limit(Some(CUSTOM_PATTERN_SIZE_LIMIT)))
        .build(pattern)
        .map(|_| ())
        .map_err(|e| PatternError {
            reason: describe(&e),
        })
}

fn describe(e: &regex_automata::meta::BuildError) -> String {
    if e.size_limit().is_some() {
        return "pattern compiles too large; simplify it or bound its repetitions".to_owned();
    }
    match e.syntax_error() {
        Some(s) => format!(
            "invalid regex: {}",
            s.to_string()
                .lines()
                .last()
                .unwrap_or("syntax error")
                .trim()
        ),
        None => format!("invalid regex: {e}"),
    }
}

/// Turns a custom pattern's name into a placeholder label (`order id` → `ORDER_ID`).
pub fn label_of(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

impl Detector {
    /// Compiles a policy's detection settings. An empty `categories` turns on every category of
    /// the policy's languages. `locale` (e.g. `tr-TR`) adds its region's national phone forms.
    pub fn new(settings: &DetectionSettings, locale: Option<&str>) -> Result<Self, DetectError> {
        let mut enabled = CategorySet::default();
        let languages = if settings.languages.is_empty() {
            vec!["global".to_owned()]
        } else {
            settings.languages.clone()
        };
        if let Some(name) = settings
            .categories
            .iter()
            .find(|n| Category::from_name(n).is_none())
        {
            return Err(DetectError::UnknownCategory(name.clone()));
        }
        for info in CATEGORIES {
            let listed = settings.categories.iter().any(|c| c == info.name)
                || settings.categories.is_empty() && !OPT_IN.contains(&info.category);
            if listed && languages.iter().any(|l| l == info.pack) {
                enabled.insert(info.category);
            }
        }
        let mut regions = PhoneRegions::default();
        if let Some(id) = locale.and_then(PhoneRegions::of_locale) {
            regions.push(id);
        }
        for l in &languages {
            if let Some(id) = PhoneRegions::of_pack(l) {
                regions.push(id);
            }
        }
        let patterns: Vec<&str> = settings
            .custom_patterns
            .iter()
            .map(|p| p.regex.as_str())
            .collect();
        let custom = compile_patterns(&patterns)?;
        let custom_meta = settings
            .custom_patterns
            .iter()
            .map(|p| CustomPattern {
                name: p.name.clone(),
                label: label_of(&p.name),
                severity: p.severity,
            })
            .collect();
        Ok(Self {
            enabled,
            regions,
            custom,
            custom_meta,
            severities: settings.severities.clone(),
            blocking: settings.blocking.clone(),
            languages,
            organizations: crate::entities::OrganizationLists::new(&settings.organizations),
            model: settings.model,
        })
    }

    /// The packs scanned, as the policy names them.
    pub fn languages(&self) -> &[String] {
        &self.languages
    }

    /// Every finding in `text`, left to right, without overlaps.
    pub fn detect(&self, text: &str) -> Result<Vec<Finding>, DetectError> {
        self.detect_in(text, None)
    }

    /// As [`detect`](Self::detect), also reading national phone forms of the region a request's
    /// `locale` names (`tr-TR`), so one compiled detector serves every locale.
    pub fn detect_in(&self, text: &str, locale: Option<&str>) -> Result<Vec<Finding>, DetectError> {
        self.detect_with_work(text, locale).map(|(f, _)| f)
    }

    /// As [`detect_in`](Self::detect_in), with the work done. Refuses a text with more than
    /// [`MAX_FINDINGS`] findings, stopping early, so work and answers stay bounded.
    pub fn detect_with_work(
        &self,
        text: &str,
        locale: Option<&str>,
    ) -> Result<(Vec<Finding>, Work), DetectError> {
        self.detect_with_model(text, locale, None)
            .map(|(f, w, _)| (f, w))
    }

    /// Whether the policy asked for the model layer (`detection.model`) and has a category it
    /// reports.
    pub fn wants_model(&self) -> bool {
        self.model && self.enabled.any(&crate::entities::CATEGORIES)
    }

    /// As [`detect_with_work`](Self::detect_with_work), merging the spans of `model` when the
    /// policy asked for it; the status says whether they are in the answer.
    pub fn detect_with_model(
        &self,
        text: &str,
        locale: Option<&str>,
        model: Option<crate::model::ModelFn<'_>>,
    ) -> Result<(Vec<Finding>, Work, Option<crate::model::ModelStatus>), DetectError> {
        let extra = locale
            .and_then(PhoneRegions::of_locale)
            .filter(|id| !self.regions.0.contains(id));
        let widened;
        let regions = match extra {
            Some(id) => {
                let mut r = PhoneRegions(vec![id]);
                r.0.extend(self.regions.0.iter().copied());
                widened = r;
                &widened
            }
            None => &self.regions,
        };
        // Unicode spaces, dashes, foreign digits, invisible and look-alike characters are
        // folded before matching; spans are mapped back to the caller's text.
        let folded = crate::fold::fold(text);
        let scanned = folded.as_ref().map_or(text, |f| f.text.as_str());
        let (mut raws, work) = self.readings(scanned, regions)?;
        let status = match model.filter(|_| self.wants_model()) {
            Some(model) => Some(self.model_readings(scanned, model, &mut raws)),
            None if self.wants_model() => Some(crate::model::ModelStatus::Unavailable),
            None => None,
        };
        let mut kept = resolve_overlaps(raws);
        if kept.len() > MAX_FINDINGS {
            return Err(DetectError::TooManyFindings { max: MAX_FINDINGS });
        }
        if let Some(f) = &folded {
            for (_, span) in &mut kept {
                (span.start, span.end) = f.original(span.start, span.end);
            }
        }
        Ok((self.finish(text, kept), work, status))
    }

    /// The model's spans of enabled categories, added to `raws`.
    fn model_readings(
        &self,
        text: &str,
        model: crate::model::ModelFn<'_>,
        raws: &mut Vec<(Kind, Span)>,
    ) -> crate::model::ModelStatus {
        match model(text) {
            Ok(spans) => {
                for m in spans {
                    let fits = m.start < m.end
                        && m.end <= text.len()
                        && text.is_char_boundary(m.start)
                        && text.is_char_boundary(m.end);
                    // A place name the model calls a person ("Belgium was fun") is a place.
                    let place_as_person = fits
                        && m.category == Category::Person
                        && crate::entities::is_place(&text[m.start..m.end]);
                    if fits
                        && !place_as_person
                        && self.enabled.contains(m.category)
                        && m.score >= MIN_CONFIDENCE
                    {
                        // Rescaled under the rules' confident readings: where a cue, a list or
                        // an address grammar fired, its extent wins; the model fills the rest.
                        let score = MIN_CONFIDENCE + (MODEL_CEILING - MIN_CONFIDENCE) * m.score;
                        raws.push((
                            Kind::Builtin(m.category),
                            Span {
                                start: m.start,
                                end: m.end,
                                score,
                            },
                        ));
                    }
                }
                crate::model::ModelStatus::Used
            }
            Err(status) => status,
        }
    }

    /// Every reading the recognizers and custom patterns accept, before the overlap rule;
    /// stops early past `MAX_READINGS`.
    fn readings(
        &self,
        text: &str,
        regions: &PhoneRegions,
    ) -> Result<(Vec<(Kind, Span)>, Work), DetectError> {
        let scanner = Scanner::get().map_err(|e| DetectError::Engine(e.to_string()))?;
        let ctx = Ctx {
            text,
            enabled: self.enabled,
            regions,
            spans: std::cell::Cell::new(0),
        };
        let mut raws: Vec<(Kind, Span)> = Vec::new();
        let mut buf: Vec<Raw> = Vec::new();
        let mut candidates = 0usize;
        scanner.each(text, |shape, start, end| {
            candidates += 1;
            buf.clear();
            recognize::recognize(&ctx, shape, start, end, &mut buf);
            for raw in &buf {
                let mut raw = *raw;
                raw.score = context::boost(text, &raw);
                if raw.score >= MIN_CONFIDENCE {
                    raws.push((
                        Kind::Builtin(raw.category),
                        Span {
                            start: raw.start,
                            end: raw.end,
                            score: raw.score,
                        },
                    ));
                }
            }
            raws.len() <= MAX_READINGS
        });
        if raws.len() <= MAX_READINGS && recognize::labelled::wanted(&ctx) {
            // Identifiers read after their label; the label is their context already.
            buf.clear();
            recognize::labelled::recognize(&ctx, &mut buf);
            raws.extend(buf.iter().take(MAX_READINGS).map(|raw| {
                (
                    Kind::Builtin(raw.category),
                    Span {
                        start: raw.start,
                        end: raw.end,
                        score: raw.score,
                    },
                )
            }));
        }
        if raws.len() <= MAX_READINGS {
            buf.clear();
            crate::entities::recognize(text, self.enabled, self.organizations.as_ref(), &mut buf);
            for raw in buf.iter().filter(|r| r.score >= MIN_CONFIDENCE) {
                raws.push((
                    Kind::Builtin(raw.category),
                    Span {
                        start: raw.start,
                        end: raw.end,
                        score: raw.score,
                    },
                ));
            }
        }
        if let Some(custom) = &self.custom {
            for m in custom.find_iter(text) {
                if raws.len() > MAX_READINGS {
                    break;
                }
                if m.is_empty() {
                    continue;
                }
                raws.push((
                    Kind::Custom(m.pattern().as_usize()),
                    Span {
                        start: m.start(),
                        end: m.end(),
                        score: CUSTOM_CONFIDENCE,
                    },
                ));
            }
        }
        if raws.len() > MAX_READINGS {
            return Err(DetectError::TooManyFindings { max: MAX_FINDINGS });
        }
        let work = Work {
            candidates,
            spans: ctx.spans.get(),
            readings: raws.len(),
        };
        Ok((raws, work))
    }

    fn finish(&self, text: &str, kept: Vec<(Kind, Span)>) -> Vec<Finding> {
        let mut chars = 0usize;
        let mut at = 0usize;
        let mut to_chars = |byte: usize| {
            chars += count_chars(&text.as_bytes()[at..byte]);
            at = byte;
            chars
        };
        kept.into_iter()
            .map(|(kind, raw)| {
                let start = to_chars(raw.start);
                let end = to_chars(raw.end);
                let (category, label, default_severity) = match &kind {
                    Kind::Builtin(c) => {
                        let info = c.info();
                        (info.name.to_owned(), info.label.to_owned(), info.severity)
                    }
                    Kind::Custom(i) => match self.custom_meta.get(*i) {
                        Some(p) => (p.name.clone(), p.label.clone(), p.severity),
                        None => ("custom".to_owned(), "CUSTOM".to_owned(), Severity::Medium),
                    },
                };
                let severity = self
                    .severities
                    .get(&category)
                    .copied()
                    .unwrap_or(default_severity);
                let blocking = self.blocking.contains(&category);
                Finding {
                    kind,
                    category,
                    label,
                    byte_start: raw.start,
                    byte_end: raw.end,
                    start,
                    end,
                    confidence: (raw.score * 100.0).round() / 100.0,
                    severity,
                    blocking,
                }
            })
            .collect()
    }
}

/// Characters in valid UTF-8: bytes that do not continue a character.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

fn rank(kind: &Kind) -> usize {
    match kind {
        Kind::Builtin(c) => c.rank(),
        Kind::Custom(i) => CATEGORIES.len() + i,
    }
}

/// Applies the overlap rule (module docs). Findings come back sorted by start. Findings are
/// first cut into clusters of transitively overlapping ones, so the work is linear in the
/// findings and quadratic only within a cluster (a handful of readings of one value).
fn resolve_overlaps(mut raws: Vec<(Kind, Span)>) -> Vec<(Kind, Span)> {
    raws.sort_by_key(|(_, r)| (r.start, r.end));
    let mut kept: Vec<(Kind, Span)> = Vec::with_capacity(raws.len());
    let mut cluster: Vec<(Kind, Span)> = Vec::new();
    let mut cluster_end = 0usize;
    for item in raws {
        if !cluster.is_empty() && item.1.start >= cluster_end {
            resolve_cluster(&mut cluster, &mut kept);
        }
        cluster_end = if cluster.is_empty() {
            item.1.end
        } else {
            cluster_end.max(item.1.end)
        };
        cluster.push(item);
    }
    resolve_cluster(&mut cluster, &mut kept);
    kept
}

fn resolve_cluster(cluster: &mut Vec<(Kind, Span)>, kept: &mut Vec<(Kind, Span)>) {
    if cluster.len() == 1 {
        kept.append(cluster);
        return;
    }
    // Best first: confidence, then length, then catalog order.
    cluster.sort_by(|(ka, a), (kb, b)| {
        b.score
            .total_cmp(&a.score)
            .then((b.end - b.start).cmp(&(a.end - a.start)))
            .then(rank(ka).cmp(&rank(kb)))
            .then(a.start.cmp(&b.start))
    });
    let from = kept.len();
    // Spans kept so far in this cluster, disjoint, by start: an overlap check is a lookup of
    // the neighbours, so a large cluster costs n log n, not n².
    let mut taken: BTreeMap<usize, usize> = BTreeMap::new();
    for (kind, raw) in cluster.drain(..) {
        let before = taken
            .range(..raw.end)
            .next_back()
            .is_some_and(|(_, &end)| end > raw.start);
        if !before {
            taken.insert(raw.start, raw.end);
            kept.push((kind, raw));
        }
    }
    kept[from..].sort_by_key(|(_, r)| r.start);
}

#[cfg(test)]
mod tests {
    /// The rule `docs/detection.md` states for custom-pattern labels.
    #[test]
    fn custom_labels_are_upper_case_with_underscores() {
        assert_eq!(super::label_of("order.id"), "ORDER_ID");
        assert_eq!(super::label_of("n° client"), "N__CLIENT");
        let doc = include_str!("../../../docs/detection.md");
        assert!(doc.contains("`order.id` → `ORDER_ID`, `n° client` →\n`N__CLIENT`"));
    }
}
