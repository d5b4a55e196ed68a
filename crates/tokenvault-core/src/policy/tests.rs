use super::*;
use crate::{
    ids::PolicyId,
    pii::PiiType,
    token::{Mode, Scope, ScopeContext, ScopeKind},
};

struct Catalog;

impl DetectionCatalog for Catalog {
    fn is_category(&self, name: &str) -> bool {
        matches!(name, "email" | "iban" | "creditCard" | "tc_kimlik")
    }
    fn is_language(&self, name: &str) -> bool {
        matches!(name, "global" | "tr")
    }
    fn check_pattern(&self, regex: &str) -> Result<(), crate::policy::PatternError> {
        if regex.contains('(') && !regex.contains(')') {
            Err(crate::policy::PatternError {
                reason: "unclosed group".into(),
            })
        } else {
            Ok(())
        }
    }
}

fn spec(json: serde_json::Value) -> PolicySpec {
    serde_json::from_value(json).unwrap()
}

fn problems(json: serde_json::Value) -> Vec<(String, String)> {
    spec(json)
        .validate(&Catalog)
        .unwrap_err()
        .problems
        .into_iter()
        .map(|p| (p.field, p.message))
        .collect()
}

fn seed_policy() -> serde_json::Value {
    serde_json::json!({
        "name": "HIPAA Compliance Policy",
        "type_rules": {
            "us_ssn": {"mode": "format_preserving", "min_confidence": 0.85, "deterministic_scope": "global", "acknowledge_small_domain": true},
            "email": {"mode": "deterministic", "min_confidence": 0.8}
        },
        "allowed_roles": ["admin", "privacy_officer"],
        "allowed_purposes": ["customer_support", "regulatory"],
        "require_reason": true,
        "failure_policy": "fail_closed"
    })
}

fn stored(body: PolicyBody) -> Policy {
    Policy {
        id: PolicyId::parse("pol_hipaa").unwrap(),
        version: 3,
        body,
        created_at: 0,
        updated_at: 0,
    }
}

#[test]
fn seed_policy_validates_with_defaults() {
    let body = spec(seed_policy()).validate(&Catalog).unwrap();
    assert_eq!(body.name, "HIPAA Compliance Policy");
    assert!(body.enabled);
    let ssn = &body.type_rules[&PiiType::UsSsn];
    assert_eq!(ssn.mode, Mode::FormatPreserving);
    assert_eq!(ssn.min_confidence, 0.85);
    let email = &body.type_rules[&PiiType::Email];
    assert_eq!(email.deterministic_scope, ScopeKind::Global);
    assert_eq!(body.failure_policy, FailurePolicy::FailClosed);
    assert_eq!(body.detection.languages, vec!["global"]);
    assert_eq!(body.detection.default_action, TextAction::Redact);
}

#[test]
fn seed_000_policy_without_failure_policy_is_fail_closed() {
    let mut v = seed_policy();
    v.as_object_mut().unwrap().remove("failure_policy");
    v["type_rules"]["us_ssn"]["mode"] = "deterministic".into();
    let body = spec(v).validate(&Catalog).unwrap();
    assert_eq!(body.failure_policy, FailurePolicy::FailClosed);
}

#[test]
fn unknown_type_mode_and_scope_name_their_field() {
    let p = problems(serde_json::json!({
        "name": "x",
        "type_rules": {
            "us_sssn": {"mode": "deterministic"},
            "email": {"mode": "fpe", "deterministic_scope": "planet"}
        },
        "allowed_roles": ["admin"], "allowed_purposes": ["p"]
    }));
    assert!(p.iter().any(|(f, m)| f == "type_rules"
        && m.contains("not a PII type")
        && m.contains("us_ssn")
        && !m.contains("us_sssn")));
    assert!(p
        .iter()
        .any(|(f, m)| f == "type_rules.email.mode" && m.contains("format_preserving")));
    assert!(p
        .iter()
        .any(|(f, m)| f == "type_rules.email.deterministic_scope" && m.contains("connector")));
}

#[test]
fn format_preserving_needs_template_and_acknowledgement() {
    let p = problems(serde_json::json!({
        "name": "x",
        "type_rules": {
            "us_ssn": {"mode": "format_preserving"},
            "date": {"mode": "format_preserving", "acknowledge_small_domain": true},
            "passport_us": {"mode": "format_preserving"}
        },
        "allowed_roles": ["admin"], "allowed_purposes": ["p"]
    }));
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(p
        .iter()
        .any(|(f, _)| f == "type_rules.us_ssn.acknowledge_small_domain"));
    assert!(p
        .iter()
        .any(|(f, m)| f == "type_rules.date.mode" && m.contains("not available")));
}

#[test]
fn empty_roles_purposes_and_bad_values_are_errors() {
    let p = problems(serde_json::json!({
        "name": "  ",
        "type_rules": {"email": {"min_confidence": 1.5, "ttl_seconds": 0}},
        "allowed_roles": [],
        "failure_policy": "fail_sideways",
        "key": "Bad Key",
        "id": "hipaa"
    }));
    let fields: Vec<&str> = p.iter().map(|(f, _)| f.as_str()).collect();
    for f in [
        "id",
        "key",
        "name",
        "type_rules.email.min_confidence",
        "type_rules.email.ttl_seconds",
        "allowed_roles",
        "allowed_purposes",
        "failure_policy",
    ] {
        assert!(fields.contains(&f), "{f} missing from {fields:?}");
    }
    let e =
        spec(serde_json::json!({"name": "x", "allowed_roles": ["a"], "allowed_purposes": ["p"]}))
            .validate(&Catalog)
            .unwrap_err();
    assert!(e
        .to_string()
        .contains("type_rules: must have at least one rule"));
}

#[test]
fn rule_actions_and_mask_strategies_are_checked() {
    let p = problems(serde_json::json!({
        "name": "x",
        "type_rules": {
            "us_ssn": {"action": "shred"},
            "email": {"mask": {"strategy": "partial"}},
            "phone": {"action": "mask", "mode": "format_preserving"}
        },
        "allowed_roles": ["admin"], "allowed_purposes": ["p"]
    }));
    assert!(
        p.iter()
            .any(|(f, m)| f == "type_rules.us_ssn.action" && m.contains("tokenize, mask, skip")),
        "{p:?}"
    );
    assert!(
        p.iter()
            .any(|(f, m)| f == "type_rules.email.mask" && m.contains("action: mask")),
        "{p:?}"
    );
    // A masking rule needs no format-preserving template or acknowledgement.
    assert!(
        !p.iter().any(|(f, _)| f.starts_with("type_rules.phone")),
        "{p:?}"
    );
    let bad_strategy = serde_json::from_value::<PolicySpec>(serde_json::json!({
        "name": "x",
        "type_rules": {"us_ssn": {"action": "mask", "mask": {"strategy": "shred"}}},
        "allowed_roles": ["admin"], "allowed_purposes": ["p"]
    }));
    assert!(bad_strategy.is_err());
    let body = spec(serde_json::json!({
        "name": "x",
        "type_rules": {"us_ssn": {"action": "mask"}, "email": {"action": "skip"}},
        "allowed_roles": ["admin"], "allowed_purposes": ["p"]
    }))
    .validate(&Catalog)
    .unwrap();
    let ssn = &body.type_rules[&PiiType::UsSsn];
    assert_eq!(ssn.action, crate::policy::RuleAction::Mask);
    assert_eq!(ssn.mask, Some(crate::mask::MaskStrategy::Redact));
    assert_eq!(body.type_rules[&PiiType::Email].mask, None);
}

#[test]
fn unknown_fields_are_refused() {
    let r = serde_json::from_value::<PolicySpec>(serde_json::json!({
        "name": "x", "type_rules": {"email": {"min_confidance": 0.5}}
    }));
    assert!(r.unwrap_err().to_string().contains("min_confidance"));
}

#[test]
fn detection_settings_are_checked_against_the_catalog() {
    let p = problems(serde_json::json!({
        "name": "Support Intake", "key": "support-intake",
        "allowed_roles": ["admin"], "allowed_purposes": ["p"],
        "detection": {
            "categories": ["email", "iban", "passportz"],
            "custom_patterns": [
                {"name": "ticket", "regex": "TCK-\\d{6}", "severity": "low"},
                {"name": "broken", "regex": "(abc", "severity": "urgent"},
                {"name": "email", "regex": "x"}
            ],
            "languages": ["global", "xx"],
            "severities": {"iban": "high", "phone": "low"},
            "blocking": ["creditCard"],
            "default_action": "shred"
        }
    }));
    let fields: Vec<&str> = p.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(
        fields,
        vec![
            "detection.categories[2]",
            "detection.custom_patterns[1].regex",
            "detection.custom_patterns[1].severity",
            "detection.custom_patterns[2].name",
            "detection.languages[1]",
            "detection.severities",
            "detection.blocking[0]",
            "detection.default_action",
        ]
    );
    let ok = spec(serde_json::json!({
        "name": "Support Intake", "key": "support-intake",
        "allowed_roles": ["admin"], "allowed_purposes": ["p"],
        "detection": {"categories": ["iban", "email"], "languages": ["global", "tr"],
                      "severities": {"iban": "high"}, "blocking": ["iban"], "default_action": "tokenize"}
    }))
    .validate(&Catalog)
    .unwrap();
    assert_eq!(ok.detection.severities["iban"], Severity::High);
    assert_eq!(ok.detection.default_action, TextAction::Tokenize);
}

#[test]
fn organization_lists_are_bounded_and_errors_never_echo_a_name() {
    let long = "x".repeat(201);
    let p = problems(serde_json::json!({
        "name": "Orgs", "key": "orgs",
        "allowed_roles": ["admin"], "allowed_purposes": ["p"],
        "detection": {"organizations": {"deny": ["Initech", "  ", long], "allow": ["Bad\u{7}Co"]}}
    }));
    assert_eq!(
        p.iter().map(|(f, _)| f.as_str()).collect::<Vec<_>>(),
        vec![
            "detection.organizations.deny[1]",
            "detection.organizations.deny[2]",
            "detection.organizations.allow[0]",
        ]
    );
    assert!(p
        .iter()
        .all(|(_, why)| !why.contains("xxx") && !why.contains("Bad")));
    let too_many: Vec<String> = (0..1001).map(|i| format!("Org {i}")).collect();
    let p = problems(serde_json::json!({
        "name": "Orgs", "key": "orgs",
        "allowed_roles": ["admin"], "allowed_purposes": ["p"],
        "detection": {"organizations": {"deny": too_many}}
    }));
    assert_eq!(p[0].0, "detection.organizations.deny");
    let ok = spec(serde_json::json!({
        "name": "Orgs", "key": "orgs",
        "allowed_roles": ["admin"], "allowed_purposes": ["p"],
        "detection": {"organizations": {"deny": ["Initech"], "allow": ["Apple Pay"]}}
    }))
    .validate(&Catalog)
    .unwrap();
    assert_eq!(ok.detection.organizations.deny, vec!["Initech"]);
    // Unknown keys are refused like everywhere else in a policy.
    let unknown = serde_json::from_value::<PolicySpec>(serde_json::json!({
        "name": "Orgs", "key": "orgs",
        "allowed_roles": ["admin"], "allowed_purposes": ["p"],
        "detection": {"organizations": {"block": ["x"]}}
    }));
    assert!(unknown.is_err());
}

fn item<'a>(pii_type: PiiType, labels: &'a [String], ctx: &'a ScopeContext) -> ItemContext<'a> {
    ItemContext {
        pii_type,
        mode_override: None,
        confidence: None,
        labels,
        scope_context: ctx,
    }
}

#[test]
fn evaluation_runs_the_seven_steps_in_order() {
    let mut body = spec(seed_policy()).validate(&Catalog).unwrap();
    body.type_rules
        .get_mut(&PiiType::Email)
        .unwrap()
        .exclude_labels = vec!["test_data".into()];
    let policy = stored(body);
    let ctx = ScopeContext::default();
    let none: Vec<String> = vec![];

    // 1. Kill switch wins over everything.
    assert!(matches!(
        evaluate(&policy, true, &item(PiiType::Email, &none, &ctx)),
        Err(EvaluationError::KillSwitchActive)
    ));
    // 3. No rule.
    let e = evaluate(&policy, false, &item(PiiType::Phone, &none, &ctx)).unwrap();
    assert_eq!(e.decision, Decision::Skip(SkipReason::NoRuleForType));
    assert_eq!((e.policy_id.as_str(), e.policy_version), ("pol_hipaa", 3));
    // 4. Confidence.
    let mut it = item(PiiType::Email, &none, &ctx);
    it.confidence = Some(0.79);
    assert_eq!(
        evaluate(&policy, false, &it).unwrap().decision,
        Decision::Skip(SkipReason::BelowMinConfidence)
    );
    it.confidence = Some(0.8);
    assert!(matches!(
        evaluate(&policy, false, &it).unwrap().decision,
        Decision::Tokenize { .. }
    ));
    it.confidence = Some(f64::NAN);
    assert!(matches!(
        evaluate(&policy, false, &it),
        Err(EvaluationError::InvalidConfidence)
    ));
    // 5. Labels.
    let labels = vec!["test_data".to_owned()];
    assert_eq!(
        evaluate(&policy, false, &item(PiiType::Email, &labels, &ctx))
            .unwrap()
            .decision,
        Decision::Skip(SkipReason::LabelExcluded)
    );
    // 6–7. Mode from the rule, then from an override.
    let e = evaluate(&policy, false, &item(PiiType::UsSsn, &none, &ctx)).unwrap();
    assert_eq!(
        e.decision,
        Decision::Tokenize {
            mode: Mode::FormatPreserving,
            scope: Scope::Global,
            ttl_seconds: None
        }
    );
    let mut it = item(PiiType::UsSsn, &none, &ctx);
    it.mode_override = Some(Mode::Randomized);
    assert!(matches!(
        evaluate(&policy, false, &it).unwrap().decision,
        Decision::Tokenize {
            mode: Mode::Randomized,
            ..
        }
    ));
    // An override to format-preserving on an unacknowledged small domain is refused.
    let mut it = item(PiiType::Email, &none, &ctx);
    it.mode_override = Some(Mode::FormatPreserving);
    assert!(
        evaluate(&policy, false, &it).is_ok(),
        "email's domain is large"
    );
    let mut body = policy.body.clone();
    body.type_rules.get_mut(&PiiType::UsSsn).unwrap().mode = Mode::Deterministic;
    body.type_rules
        .get_mut(&PiiType::UsSsn)
        .unwrap()
        .acknowledge_small_domain = false;
    let p2 = stored(body);
    let mut it = item(PiiType::UsSsn, &none, &ctx);
    it.mode_override = Some(Mode::FormatPreserving);
    assert!(matches!(
        evaluate(&p2, false, &it),
        Err(EvaluationError::Mode(_))
    ));
    // 2. Disabled.
    let mut body = policy.body.clone();
    body.enabled = false;
    assert_eq!(
        evaluate(&stored(body), false, &item(PiiType::Email, &none, &ctx))
            .unwrap()
            .decision,
        Decision::Skip(SkipReason::PolicyDisabled)
    );
}

#[test]
fn include_labels_scopes_and_default_rule() {
    let body = spec(serde_json::json!({
        "name": "x",
        "type_rules": {"email": {"include_labels": ["crm"], "deterministic_scope": "field", "ttl_seconds": 60}},
        "default_rule": {"mode": "randomized"},
        "allowed_roles": ["admin"], "allowed_purposes": ["p"]
    }))
    .validate(&Catalog)
    .unwrap();
    let policy = stored(body);
    let none: Vec<String> = vec![];
    let crm = vec!["crm".to_owned()];
    let ctx = ScopeContext::default();
    assert_eq!(
        evaluate(&policy, false, &item(PiiType::Email, &none, &ctx))
            .unwrap()
            .decision,
        Decision::Skip(SkipReason::LabelNotIncluded)
    );
    assert!(matches!(
        evaluate(&policy, false, &item(PiiType::Email, &crm, &ctx)),
        Err(EvaluationError::Scope(_))
    ));
    let ctx = ScopeContext {
        field_id: Some("users.email".into()),
        ..Default::default()
    };
    assert_eq!(
        evaluate(&policy, false, &item(PiiType::Email, &crm, &ctx))
            .unwrap()
            .decision,
        Decision::Tokenize {
            mode: Mode::Deterministic,
            scope: Scope::Field("users.email".into()),
            ttl_seconds: Some(60)
        }
    );
    assert!(matches!(
        evaluate(&policy, false, &item(PiiType::Phone, &none, &ctx))
            .unwrap()
            .decision,
        Decision::Tokenize {
            mode: Mode::Randomized,
            ..
        }
    ));
}

#[test]
fn access_checks_roles_purpose_and_reason() {
    let body = spec(seed_policy()).validate(&Catalog).unwrap();
    let roles = vec!["analyst".to_owned(), "privacy_officer".to_owned()];
    let ok = AccessRequest {
        roles: &roles,
        purpose: "regulatory",
        reason: Some("Case #12345"),
    };
    assert_eq!(check_access(&body, &ok), Ok(()));
    let viewer = vec!["viewer".to_owned()];
    assert_eq!(
        check_access(
            &body,
            &AccessRequest {
                roles: &viewer,
                ..ok
            }
        ),
        Err(AccessDenial::RoleNotAllowed)
    );
    assert_eq!(
        check_access(
            &body,
            &AccessRequest {
                purpose: "marketing",
                ..ok
            }
        ),
        Err(AccessDenial::PurposeNotAllowed)
    );
    assert_eq!(
        check_access(
            &body,
            &AccessRequest {
                reason: Some("   "),
                ..ok
            }
        ),
        Err(AccessDenial::ReasonRequired)
    );
    let long = "x".repeat(MAX_REASON_CHARS + 1);
    assert_eq!(
        check_access(
            &body,
            &AccessRequest {
                reason: Some(&long),
                ..ok
            }
        ),
        Err(AccessDenial::InvalidReason)
    );
    let mut lax = body.clone();
    lax.require_reason = false;
    assert_eq!(
        check_access(&lax, &AccessRequest { reason: None, ..ok }),
        Ok(())
    );
}

#[test]
fn policy_round_trips_through_json() {
    let policy = stored(spec(seed_policy()).validate(&Catalog).unwrap());
    let json = serde_json::to_value(&policy).unwrap();
    assert_eq!(json["id"], "pol_hipaa");
    assert_eq!(json["type_rules"]["us_ssn"]["mode"], "format_preserving");
    assert_eq!(json["failure_policy"], "fail_closed");
    let back: Policy = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(back, policy);
    // A fetched policy can be sent back as a spec.
    let again = serde_json::from_value::<PolicySpec>(json)
        .unwrap()
        .validate(&Catalog)
        .unwrap();
    assert_eq!(again, policy.body);
}

#[test]
fn blocking_and_severities_accept_any_category_when_all_are_on() {
    let ok = spec(serde_json::json!({
        "name": "x", "key": "k", "allowed_roles": ["admin"], "allowed_purposes": ["p"],
        "detection": {"categories": [], "blocking": ["creditCard"], "severities": {"iban": "high"}}
    }))
    .validate(&Catalog);
    assert!(ok.is_ok(), "{ok:?}");
    let p = problems(serde_json::json!({
        "name": "x", "key": "k", "allowed_roles": ["admin"], "allowed_purposes": ["p"],
        "detection": {"categories": [], "blocking": ["secret_sauce"], "severities": {"nope_cat": "high"}}
    }));
    assert!(p.iter().any(|(f, _)| f == "detection.blocking[0]"), "{p:?}");
    assert!(
        p.iter()
            .any(|(f, m)| f == "detection.severities" && !m.contains("nope_cat")),
        "{p:?}"
    );
    assert!(!format!("{p:?}").contains("secret_sauce"));
}
