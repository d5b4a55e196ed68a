//! Crypto-shredding a tenant (seed 001, the right to erasure): every key version of the tenant
//! is destroyed, so every token it ever made, in any mode, can no longer be opened. The caller
//! confirms by naming the tenant; the decision is audited before the keys go and the kill
//! switch is turned on, so the tenant's callers are told plainly that it is stopped.

use super::{Caller, ServiceError, Vault};

impl Vault {
    /// Destroys the caller's tenant's keys. `confirm` must be the tenant's id. Irreversible.
    pub async fn shred_tenant(
        &self,
        caller: &Caller,
        confirm: &str,
        trace_id: &str,
    ) -> Result<(), ServiceError> {
        if confirm != caller.tenant.as_str() {
            return Err(ServiceError::InvalidInput(
                "confirm must be this tenant's id: shredding destroys every key of the tenant and cannot be undone".into(),
            ));
        }
        self.require_tenant(&caller.tenant).await?;
        // The record of the decision comes first: the keys never go without it.
        let mut audit = self.audit(caller, "tenant_shred", trace_id);
        audit.result = "allowed".into();
        audit.detail = serde_json::json!({ "keys": "destroyed" });
        self.store
            .append_audit(std::slice::from_ref(&audit))
            .await?;
        self.store.set_kill_switch(&caller.tenant, true).await?;
        if let Err(e) = self.keys.shred(&caller.tenant).await {
            let mut failed = self.audit(caller, "tenant_shred", trace_id);
            failed.result = "failed".into();
            if self.store.append_audit(&[failed]).await.is_err() {
                tracing::error!(trace_id, "the failed shredding could not be audited");
            }
            return Err(e.into());
        }
        tracing::warn!(tenant = %caller.tenant, trace_id, "tenant crypto-shredded");
        Ok(())
    }
}
