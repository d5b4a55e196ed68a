//! The detection engine behind the domain's [`TextEngine`]: compiled detectors by policy
//! version (a policy's custom patterns are compiled once per node, not per request; the
//! request's locale is applied at detection time), run on the blocking pool.

use std::{collections::BTreeMap, collections::HashMap, sync::Arc};

use async_trait::async_trait;
use parking_lot::Mutex;
use tokenvault_core::{
    policy::{Policy, TextAction},
    service::{ScanReport, TextEngine, TextEngineError},
};
use tokenvault_detect::{DetectError, Detector, Outcome};

/// Entries kept before the cache starts over (policy versions in use).
const CAPACITY: usize = 4096;

#[derive(Default)]
pub(crate) struct DetectorCache {
    map: Mutex<HashMap<(String, u32), Arc<Detector>>>,
    /// The model layer, when this node has one.
    model: Option<Arc<crate::ner::NerWorker>>,
}

impl DetectorCache {
    pub(crate) fn with_model(model: Option<Arc<crate::ner::NerWorker>>) -> Self {
        Self {
            map: Mutex::default(),
            model,
        }
    }

    fn get(&self, policy: &Policy) -> Result<Arc<Detector>, DetectError> {
        let key = (policy.id.to_string(), policy.version);
        if let Some(d) = self.map.lock().get(&key) {
            return Ok(d.clone());
        }
        let detector = Arc::new(Detector::new(&policy.body.detection, None)?);
        let mut map = self.map.lock();
        if map.len() >= CAPACITY {
            map.clear();
        }
        map.insert(key, detector.clone());
        Ok(detector)
    }
}

/// A scanned text with the engine's outcome.
pub(crate) struct DetectReport {
    /// The text scanned (findings are offsets into it).
    pub text: String,
    /// What the engine found and made of it.
    pub outcome: Outcome,
}

impl ScanReport for DetectReport {
    fn has_blocking(&self) -> bool {
        self.outcome.has_blocking
    }

    fn counts(&self) -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::new();
        for f in &self.outcome.findings {
            *counts.entry(f.category.clone()).or_default() += 1;
        }
        counts
    }
}

fn engine_error(e: DetectError) -> TextEngineError {
    match e {
        DetectError::TooManyFindings { max } => TextEngineError::TooManyFindings { max },
        DetectError::InvalidPattern { .. }
        | DetectError::TooManyPatterns { .. }
        | DetectError::UnknownCategory(_) => TextEngineError::PolicyUnusable {
            detail: e.to_string(),
        },
        other => {
            tracing::error!(error = %other, "detection engine");
            TextEngineError::Failed
        }
    }
}

#[async_trait]
impl TextEngine for DetectorCache {
    type Report = DetectReport;

    async fn apply(
        &self,
        policy: &Policy,
        text: String,
        action: TextAction,
        locale: &str,
    ) -> Result<DetectReport, TextEngineError> {
        let detector = self.get(policy).map_err(engine_error)?;
        let locale = locale.to_owned();
        let model = self.model.clone();
        let (outcome, text) = tokio::task::spawn_blocking(move || {
            let ask = |t: &str| match &model {
                Some(m) => m.spans(t),
                None => Err(tokenvault_detect::ModelStatus::Unavailable),
            };
            let outcome = tokenvault_detect::apply_with_model(
                &detector,
                &text,
                action,
                Some(&locale),
                Some(&ask),
            );
            (outcome, text)
        })
        .await
        .map_err(|_| {
            tracing::error!("the detection task panicked");
            TextEngineError::Failed
        })?;
        Ok(DetectReport {
            outcome: outcome.map_err(engine_error)?,
            text,
        })
    }
}
