//! The PII API of seed 003 under `/api/client/v1/pii`: detect, redact, mask, tokenize, scan and
//! the stateless detokenize. Authenticated with `Authorization: Bearer <API key>` (or a JWT, or
//! `X-API-Key`). Each handler parses, finds the policy, runs the detection engine and answers.

use std::{collections::BTreeMap, sync::Arc};

use axum::{body::Body, extract::State, response::Response, routing::MethodRouter, Json};
use serde_json::Value;
use tokenvault_core::{
    policy::TextAction,
    service::{ActionChoice, Caller, Scanned, TextScan},
};
use tokenvault_detect::{transform, DetectError, Outcome, MAX_TEXT_BYTES};
use tokenvault_proto::pii::{
    PiiDetokenizeResponse, PiiFinding, PiiRequest, PiiResponse, PiiVault, PiiVaultEntry,
};

use crate::{
    access::Endpoint,
    detectors::DetectReport,
    error::{ApiError, ErrorCode},
    extract::{ApiJson, Authed},
    AppState,
};

/// Most entries a detokenize vault may carry.
pub const MAX_VAULT_ENTRIES: usize = 10_000;
/// Longest placeholder accepted in a vault.
pub const MAX_PLACEHOLDER_CHARS: usize = 256;
/// Largest detokenize output, in bytes.
pub const MAX_OUTPUT_BYTES: usize = 8 * MAX_TEXT_BYTES;

/// The route of a detection endpoint: `detect`, `redact`, `mask` and `tokenize` pin their
/// action; `scan` (none) takes the policy's default or the request's `action`.
pub(crate) fn endpoint(pinned: Option<TextAction>) -> MethodRouter<Arc<AppState>> {
    crate::routes::on(
        Endpoint::PiiText,
        move |s: State<Arc<AppState>>, a: Authed, b: ApiJson<Value>| run(s, a, b, pinned),
    )
}

async fn run(
    State(s): State<Arc<AppState>>,
    Authed { caller, trace_id }: Authed,
    ApiJson(raw): ApiJson<Value>,
    pinned: Option<TextAction>,
) -> Result<Json<PiiResponse>, ApiError> {
    let (scan, locale) = text_scan(raw, pinned)?;
    let scanned = s
        .vault
        .scan_text(&caller, &s.detectors, scan, &trace_id)
        .await?;
    let found = scanned.report.outcome.findings.len() as u64;
    s.metrics.pii(scanned.action.as_str(), found);
    Ok(Json(respond(&locale, scanned)))
}

/// A detection request, read and checked, as the domain's call (and its locale).
fn text_scan(raw: Value, pinned: Option<TextAction>) -> Result<(TextScan, String), ApiError> {
    let req = parse_request(raw)?;
    check_text(&req.text)?;
    let locale = parse_locale(req.locale.as_deref())?;
    let action = match (pinned, req.action.as_deref()) {
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid(
                "action is only accepted by /pii/scan; this endpoint's action is fixed",
            ))
        }
        (Some(a), None) => ActionChoice::Pinned(a),
        (None, requested) => ActionChoice::Requested(
            requested
                .map(|a| {
                    a.parse::<TextAction>().map_err(|()| {
                        ApiError::invalid(
                            "action must be one of detect, redact, mask, block, tokenize",
                        )
                    })
                })
                .transpose()?,
        ),
    };
    let scan = TextScan {
        policy_key: req.policy_key,
        text: req.text,
        locale: locale.clone(),
        action,
    };
    Ok((scan, locale))
}

fn respond(locale: &str, scanned: Scanned<DetectReport>) -> PiiResponse {
    let Scanned {
        policy,
        action,
        report: DetectReport { text, outcome },
    } = scanned;
    let Outcome {
        findings,
        replacements,
        output_text,
        vault,
        has_blocking,
        model,
    } = outcome;
    let findings = findings
        .into_iter()
        .enumerate()
        .map(|(i, f)| PiiFinding {
            value: text[f.byte_start..f.byte_end].to_owned(),
            start: f.start,
            end: f.end,
            severity: f.severity.as_str().to_owned(),
            confidence: f.confidence,
            blocking: f.blocking,
            label: tokenvault_detect::display_name(&f.category, locale),
            replacement: replacements.as_ref().and_then(|r| r.get(i).cloned()),
            category: f.category,
        })
        .collect();
    PiiResponse {
        policy_key: policy.body.key.clone().unwrap_or_default(),
        policy_name: policy.body.name.clone(),
        action: action.as_str().to_owned(),
        findings,
        output_text,
        input_length: text.chars().count(),
        has_blocking,
        languages: policy.body.detection.languages.clone(),
        locale: locale.to_owned(),
        vault: vault.map(|v| {
            PiiVault(
                v.into_iter()
                    .map(|e| {
                        (
                            e.placeholder,
                            PiiVaultEntry {
                                value: e.value,
                                category: e.category,
                            },
                        )
                    })
                    .collect(),
            )
        }),
        model: model.map(|m| m.as_str().to_owned()),
    }
}

/// `POST /pii/detokenize/stream`: the streaming form of detokenize (see `stream`): first line
/// `{"vault": {…}}`, then `{"chunk": "…"}` lines.
pub(crate) async fn detokenize_stream(
    State(s): State<Arc<AppState>>,
    Authed { caller, trace_id }: Authed,
    body: Body,
) -> Response {
    let state = s.clone();
    crate::stream::serve(&s, body, |first| async move {
        let Value::Object(mut o) = first else {
            return Err(ApiError::invalid("the first line must be {\"vault\": {…}}"));
        };
        let keys = parse_vault(o.remove("vault"))?;
        state.vault.text_api_open(&caller).await?;
        let counts = BTreeMap::from([("vault_entries".to_owned(), keys.len())]);
        audit(&state, &caller, "detokenize_stream", &counts, &trace_id).await?;
        Ok(crate::stream::Restorer::Placeholders { keys, replaced: 0 })
    })
    .await
}

/// `POST /pii/detokenize`: restores placeholders from the caller's vault. Stateless: nothing of
/// the text or the vault is stored; the audit record holds counts only.
pub(crate) async fn detokenize(
    State(s): State<Arc<AppState>>,
    Authed { caller, trace_id }: Authed,
    ApiJson(raw): ApiJson<Value>,
) -> Result<Json<PiiDetokenizeResponse>, ApiError> {
    let (text, vault) = parse_detokenize(raw)?;
    s.vault.text_api_open(&caller).await?;
    check_text(&text)?;
    let (output_text, replaced) =
        transform::detokenize(&text, &vault, MAX_OUTPUT_BYTES).map_err(|e| match e {
            DetectError::OutputTooLarge { max } => ApiError::new(
                ErrorCode::PayloadTooLarge,
                "Output too large",
                format!("restoring this vault would produce more than {max} bytes; send less text"),
            ),
            other => {
                tracing::error!(error = %other, "placeholder restoration");
                ApiError::internal()
            }
        })?;
    let counts = BTreeMap::from([("placeholders".to_owned(), replaced)]);
    audit(&s, &caller, "detokenize", &counts, &trace_id).await?;
    Ok(Json(PiiDetokenizeResponse {
        output_text,
        replaced,
    }))
}

async fn audit(
    s: &AppState,
    caller: &Caller,
    action: &str,
    counts: &BTreeMap<String, usize>,
    trace_id: &str,
) -> Result<(), ApiError> {
    s.vault
        .audit_text(caller, None, action, counts, false, trace_id)
        .await?;
    Ok(())
}

/// Reads a detection request field by field, so an error names the field to fix.
fn parse_request(raw: Value) -> Result<PiiRequest, ApiError> {
    let Value::Object(mut obj) = raw else {
        return Err(ApiError::invalid(
            "request body must be a JSON object with policy_key and text",
        ));
    };
    if let Some(k) = obj
        .keys()
        .find(|k| !matches!(k.as_str(), "policy_key" | "text" | "locale" | "action"))
    {
        return Err(ApiError::invalid(format!(
            "unknown field {k:?}; expected policy_key, text, locale, action"
        )));
    }
    let mut string = |name: &str, required: bool| match obj.remove(name) {
        Some(Value::String(v)) => Ok(Some(v)),
        None | Some(Value::Null) if !required => Ok(None),
        None | Some(Value::Null) => Err(ApiError::invalid(format!("{name} is required"))),
        Some(_) => Err(ApiError::invalid(format!("{name} must be a string"))),
    };
    Ok(PiiRequest {
        policy_key: string("policy_key", true)?.unwrap_or_default(),
        text: string("text", true)?.unwrap_or_default(),
        locale: string("locale", false)?,
        action: string("action", false)?,
    })
}

fn parse_detokenize(raw: Value) -> Result<(String, Vec<(String, String)>), ApiError> {
    let Value::Object(mut obj) = raw else {
        return Err(ApiError::invalid(
            "request body must be a JSON object with text and vault",
        ));
    };
    if let Some(k) = obj.keys().find(|k| !matches!(k.as_str(), "text" | "vault")) {
        return Err(ApiError::invalid(format!(
            "unknown field {k:?}; expected text and vault"
        )));
    }
    let text = match obj.remove("text") {
        Some(Value::String(t)) => t,
        Some(_) => return Err(ApiError::invalid("text must be a string")),
        None => return Err(ApiError::invalid("text is required")),
    };
    let vault = parse_vault(obj.remove("vault"))?;
    Ok((text, vault))
}

/// A tokenize vault as sent back by a client: placeholder → `{value, category}`.
pub(crate) fn parse_vault(vault: Option<Value>) -> Result<Vec<(String, String)>, ApiError> {
    let vault = match vault {
        Some(Value::Object(v)) => v,
        Some(_) => {
            return Err(ApiError::invalid(
                "vault must be an object mapping placeholders to {value, category}",
            ))
        }
        None => {
            return Err(ApiError::invalid(
                "vault is required: the vault returned by /pii/tokenize",
            ))
        }
    };
    if vault.len() > MAX_VAULT_ENTRIES {
        return Err(ApiError::invalid(format!(
            "vault has more than {MAX_VAULT_ENTRIES} entries"
        )));
    }
    let mut entries = Vec::with_capacity(vault.len());
    for (placeholder, entry) in vault {
        if placeholder.is_empty() || placeholder.chars().count() > MAX_PLACEHOLDER_CHARS {
            return Err(ApiError::invalid(format!(
                "vault keys must be 1 to {MAX_PLACEHOLDER_CHARS} characters"
            )));
        }
        let value = match entry {
            Value::Object(mut e) => match e.remove("value") {
                Some(Value::String(v)) => v,
                _ => {
                    return Err(ApiError::invalid(format!(
                        "vault[{placeholder:?}].value must be a string"
                    )))
                }
            },
            Value::String(v) => v,
            _ => {
                return Err(ApiError::invalid(format!(
                    "vault[{placeholder:?}] must be an object {{value, category}}"
                )))
            }
        };
        entries.push((placeholder, value));
    }
    Ok(entries)
}

fn check_text(text: &str) -> Result<(), ApiError> {
    if text.len() > MAX_TEXT_BYTES {
        return Err(ApiError::new(
            ErrorCode::PayloadTooLarge,
            "Text too large",
            format!(
                "text is {} bytes; the limit is {MAX_TEXT_BYTES} bytes of UTF-8, split it",
                text.len()
            ),
        ));
    }
    Ok(())
}

/// A BCP 47 language tag, checked by shape: a 2–3 letter language (or 5–8 letters), then
/// optional script (4 letters), region (2 letters or 3 digits) and variants (5–8 letters or
/// digits, or a digit and 3 more).
fn parse_locale(locale: Option<&str>) -> Result<String, ApiError> {
    let Some(l) = locale else {
        return Ok("en".to_owned());
    };
    if is_language_tag(l) {
        Ok(l.to_owned())
    } else {
        Err(ApiError::invalid(
            "locale must be a BCP 47 language tag such as en, tr or tr-TR",
        ))
    }
}

pub(crate) fn is_language_tag(l: &str) -> bool {
    if l.is_empty() || l.len() > 35 {
        return false;
    }
    let mut parts = l.split(['-', '_']);
    let alpha = |p: &str| p.bytes().all(|b| b.is_ascii_alphabetic());
    let alnum = |p: &str| p.bytes().all(|b| b.is_ascii_alphanumeric());
    let Some(lang) = parts.next() else {
        return false;
    };
    if !(alpha(lang) && (matches!(lang.len(), 2 | 3) || (5..=8).contains(&lang.len()))) {
        return false;
    }
    // After the language: script, region, variants, each optional, in that order.
    let mut stage = 0;
    for p in parts {
        let digits = p.bytes().all(|b| b.is_ascii_digit());
        let next = if stage < 1 && p.len() == 4 && alpha(p) {
            1
        } else if stage < 2 && ((p.len() == 2 && alpha(p)) || (p.len() == 3 && digits)) {
            2
        } else if alnum(p)
            && ((5..=8).contains(&p.len()) || (p.len() == 4 && p.as_bytes()[0].is_ascii_digit()))
        {
            3
        } else {
            return false;
        };
        stage = next;
    }
    true
}

#[cfg(test)]
mod tests {
    #[test]
    fn locales_are_language_tags() {
        for ok in [
            "en",
            "tr",
            "tr-TR",
            "en_US",
            "zh-Hant-TW",
            "es-419",
            "de-DE-1901",
            "fil",
        ] {
            assert!(super::is_language_tag(ok), "{ok}");
        }
        for bad in [
            "",
            "219-09-9999",
            "e",
            "e1-US",
            "tr-TRR",
            "en--US",
            "en-US-x",
            "12",
            "tr TR",
        ] {
            assert!(!super::is_language_tag(bad), "{bad}");
        }
    }
}
