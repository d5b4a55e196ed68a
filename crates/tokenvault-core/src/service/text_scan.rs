//! A PII API call (seed 003) from policy to audit: the policy behind the key, the action the
//! endpoint pins or the request or the policy chooses, the detection engine (behind
//! [`TextEngine`], implemented beside the engine), and an audit record of counts. The server
//! parses and answers; this decides.

use std::collections::BTreeMap;

use async_trait::async_trait;

use super::{Caller, ServiceError, Vault};
use crate::policy::{Policy, TextAction};

/// What an engine's report tells the domain (the rest is the caller's to render).
pub trait ScanReport: Send {
    /// Whether a finding blocks the text (its category is blocking, or the action is `block`).
    fn has_blocking(&self) -> bool;
    /// Findings per category, for the audit record and metrics.
    fn counts(&self) -> BTreeMap<String, usize>;
}

/// Why the engine could not scan.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TextEngineError {
    /// The text holds more findings than one answer carries.
    #[error("the text holds more than {max} findings; split it into smaller texts")]
    TooManyFindings {
        /// The limit.
        max: usize,
    },
    /// The policy's detection settings do not compile.
    #[error("the policy's detection settings do not compile: {detail}")]
    PolicyUnusable {
        /// What is wrong (never the text).
        detail: String,
    },
    /// The engine failed (a bug); the cause is logged where it happened.
    #[error("the detection engine failed")]
    Failed,
}

impl From<TextEngineError> for ServiceError {
    fn from(e: TextEngineError) -> Self {
        match e {
            TextEngineError::TooManyFindings { .. } => {
                ServiceError::TooManyFindings(format!("{e}; nothing was returned in part"))
            }
            TextEngineError::PolicyUnusable { .. } => ServiceError::InvalidInput(e.to_string()),
            TextEngineError::Failed => ServiceError::Internal,
        }
    }
}

/// The detection engine, as the domain uses it.
#[async_trait]
pub trait TextEngine: Send + Sync {
    /// What a scan returns.
    type Report: ScanReport;
    /// Scans `text` under `policy` with `action` in `locale` (off the async threads where the
    /// text is large).
    async fn apply(
        &self,
        policy: &Policy,
        text: String,
        action: TextAction,
        locale: &str,
    ) -> Result<Self::Report, TextEngineError>;
}

/// Which action a call takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionChoice {
    /// The endpoint's own (`/detect`, `/redact`, `/mask`, `/tokenize`).
    Pinned(TextAction),
    /// `/scan`: the request's, or else the policy's default.
    Requested(Option<TextAction>),
}

/// One PII API call.
#[derive(Debug, Clone)]
pub struct TextScan {
    /// The policy's key.
    pub policy_key: String,
    /// The text (already checked against the size limit).
    pub text: String,
    /// The locale (a language tag).
    pub locale: String,
    /// The action.
    pub action: ActionChoice,
}

/// A scanned text.
#[derive(Debug)]
pub struct Scanned<R> {
    /// The policy applied.
    pub policy: Policy,
    /// The action taken.
    pub action: TextAction,
    /// The engine's report.
    pub report: R,
}

impl Vault {
    /// Scans a text under the tenant's policy with `key` and audits the call (counts per
    /// category, never the text or values).
    pub async fn scan_text<E: TextEngine + ?Sized>(
        &self,
        caller: &Caller,
        engine: &E,
        scan: TextScan,
        trace_id: &str,
    ) -> Result<Scanned<E::Report>, ServiceError> {
        let policy = self.text_policy(caller, &scan.policy_key).await?;
        let action = match scan.action {
            ActionChoice::Pinned(a) | ActionChoice::Requested(Some(a)) => a,
            ActionChoice::Requested(None) => policy.body.detection.default_action,
        };
        let report = engine
            .apply(&policy, scan.text, action, &scan.locale)
            .await?;
        self.audit_text(
            caller,
            Some(&policy),
            action.as_str(),
            &report.counts(),
            report.has_blocking(),
            trace_id,
        )
        .await?;
        Ok(Scanned {
            policy,
            action,
            report,
        })
    }
}
