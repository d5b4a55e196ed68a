//! A tenant's LLM rehydration settings (seed 001: "Configure rehydration settings at
//! Tokenization → Integrations"): whether rehydration is on, and tighter bounds than the
//! vault's own (at most 100 distinct tokens and 1 MiB of output per request).

use serde::{Deserialize, Serialize};

use super::{Caller, ServiceError, Vault, MAX_REHYDRATE_BYTES, MAX_REHYDRATE_TOKENS};

const SETTING: &str = "rehydration";

/// The settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RehydrationSettings {
    /// Whether `/rehydrate` and `/rehydrate/stream` restore anything.
    pub enabled: bool,
    /// Most distinct tokens per request, 1 to 100.
    pub max_tokens: usize,
    /// Largest restored text, 1 byte to 1 MiB.
    pub max_output_bytes: usize,
}

impl Default for RehydrationSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            max_tokens: MAX_REHYDRATE_TOKENS,
            max_output_bytes: MAX_REHYDRATE_BYTES,
        }
    }
}

impl RehydrationSettings {
    fn check(&self) -> Result<(), ServiceError> {
        if !(1..=MAX_REHYDRATE_TOKENS).contains(&self.max_tokens) {
            return Err(ServiceError::InvalidInput(format!(
                "max_tokens must be 1 to {MAX_REHYDRATE_TOKENS}"
            )));
        }
        if !(1..=MAX_REHYDRATE_BYTES).contains(&self.max_output_bytes) {
            return Err(ServiceError::InvalidInput(format!(
                "max_output_bytes must be 1 to {MAX_REHYDRATE_BYTES}"
            )));
        }
        Ok(())
    }
}

impl Vault {
    /// The caller's tenant's rehydration settings (the defaults when never set).
    pub async fn rehydration_settings(
        &self,
        caller: &Caller,
    ) -> Result<RehydrationSettings, ServiceError> {
        match self.store.tenant_setting(&caller.tenant, SETTING).await? {
            Some(json) => serde_json::from_str(&json).map_err(|_| {
                tracing::error!(tenant = %caller.tenant, "the stored rehydration settings do not parse");
                ServiceError::Internal
            }),
            None => Ok(RehydrationSettings::default()),
        }
    }

    /// Replaces the caller's tenant's rehydration settings, audited.
    pub async fn set_rehydration_settings(
        &self,
        caller: &Caller,
        settings: RehydrationSettings,
        trace_id: &str,
    ) -> Result<RehydrationSettings, ServiceError> {
        settings.check()?;
        let json = serde_json::to_string(&settings).map_err(|_| ServiceError::Internal)?;
        let mut audit = self.audit(caller, "rehydration_settings_set", trace_id);
        audit.result = "allowed".into();
        audit.detail = serde_json::to_value(settings).map_err(|_| ServiceError::Internal)?;
        self.store
            .set_tenant_setting(&caller.tenant, SETTING, Some(&json), &audit)
            .await?;
        Ok(settings)
    }
}
