//! Compiled detectors by policy version and locale region, so a policy's custom patterns are
//! compiled once, not per request.

use std::{collections::HashMap, sync::Arc};

use parking_lot::Mutex;
use tokenvault_core::policy::Policy;
use tokenvault_detect::{DetectError, Detector};

/// Entries kept before the cache starts over (policies × locales in use).
const CAPACITY: usize = 4096;

#[derive(Default)]
pub(crate) struct DetectorCache {
    map: Mutex<HashMap<(String, u32, String), Arc<Detector>>>,
}

impl DetectorCache {
    pub(crate) fn get(&self, policy: &Policy, locale: &str) -> Result<Arc<Detector>, DetectError> {
        let region = locale
            .split(['-', '_'])
            .nth(1)
            .unwrap_or("")
            .to_ascii_uppercase();
        let key = (policy.id.to_string(), policy.version, region);
        if let Some(d) = self.map.lock().get(&key) {
            return Ok(d.clone());
        }
        let detector = Arc::new(Detector::new(&policy.body.detection, Some(locale))?);
        let mut map = self.map.lock();
        if map.len() >= CAPACITY {
            map.clear();
        }
        map.insert(key, detector.clone());
        Ok(detector)
    }
}
