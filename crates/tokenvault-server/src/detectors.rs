//! Compiled detectors by policy version, so a policy's custom patterns are compiled once per
//! node, not per request (the request's locale is applied at detection time).

use std::{collections::HashMap, sync::Arc};

use parking_lot::Mutex;
use tokenvault_core::policy::Policy;
use tokenvault_detect::{DetectError, Detector};

/// Entries kept before the cache starts over (policy versions in use).
const CAPACITY: usize = 4096;

#[derive(Default)]
pub(crate) struct DetectorCache {
    map: Mutex<HashMap<(String, u32), Arc<Detector>>>,
}

impl DetectorCache {
    pub(crate) fn get(&self, policy: &Policy) -> Result<Arc<Detector>, DetectError> {
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
