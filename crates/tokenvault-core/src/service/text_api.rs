//! What the PII API (seed 003) needs from the vault: the policy behind a `policy_key`, and an
//! audit record of every call (action and counts per category, never the text or values).

use std::collections::BTreeMap;

use super::{Caller, ServiceError, Vault};
use crate::policy::Policy;

impl Vault {
    /// Refuses every PII API call of a tenant whose kill switch is on.
    pub async fn text_api_open(&self, caller: &Caller) -> Result<(), ServiceError> {
        if self.require_tenant(&caller.tenant).await?.kill_switch {
            return Err(ServiceError::KillSwitchActive);
        }
        Ok(())
    }

    /// The enabled policy with this key. A missing or disabled policy is `PolicyNotFound`
    /// with a message that says which; a tenant whose kill switch is on is refused.
    pub async fn text_policy(&self, caller: &Caller, key: &str) -> Result<Policy, ServiceError> {
        self.text_api_open(caller).await?;
        if !crate::policy::is_policy_key(key) {
            return Err(ServiceError::PolicyKeyNotFound(
                "policy_key must be 1 to 64 lowercase letters, digits, '-' or '_'".into(),
            ));
        }
        match self.store.policy_by_key(&caller.tenant, key).await? {
            Some(p) if p.body.enabled => Ok(p),
            Some(_) => Err(ServiceError::PolicyKeyNotFound(format!(
                "policy {key:?} is disabled; enable it or use another"
            ))),
            None => Err(ServiceError::PolicyKeyNotFound(format!(
                "no policy with key {key:?}; create one with that key first"
            ))),
        }
    }

    /// Records one call of the PII API.
    pub async fn audit_text(
        &self,
        caller: &Caller,
        policy: Option<&Policy>,
        action: &str,
        counts: &BTreeMap<String, usize>,
        blocking: bool,
        trace_id: &str,
    ) -> Result<(), ServiceError> {
        let mut audit = self.audit(caller, &format!("pii_{action}"), trace_id);
        if let Some(p) = policy {
            audit.policy_id = Some(p.id.to_string());
            audit.policy_version = Some(p.version);
        }
        audit.result = if blocking { "blocking" } else { "allowed" }.into();
        audit.detail = serde_json::json!({ "findings": counts });
        self.store.append_audit(&[audit]).await?;
        Ok(())
    }
}
