//! Tenant administration through the API: the kill switch, the quota, API keys and key
//! rotation. Every change is an audit event with its actor and result.

use super::{ApiKeyIssued, Caller, ServiceError, Vault};
use crate::{
    clock::UnixSeconds,
    store::{ApiKeyRecord, StoreError, TenantRecord},
};

/// Longest API key label.
pub const MAX_API_KEY_NAME_CHARS: usize = 128;

/// A key version of the tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyVersionInfo {
    /// Version number, from 1.
    pub version: u32,
    /// When it was made.
    pub created_at: UnixSeconds,
}

impl Vault {
    async fn audit_admin(
        &self,
        caller: &Caller,
        action: &str,
        detail: serde_json::Value,
        trace_id: &str,
    ) -> Result<(), ServiceError> {
        let mut audit = self.audit(caller, action, trace_id);
        audit.result = "allowed".into();
        audit.detail = detail;
        Ok(self
            .store
            .append_audit(std::slice::from_ref(&audit))
            .await?)
    }

    /// The caller's tenant.
    pub async fn tenant_of(&self, caller: &Caller) -> Result<TenantRecord, ServiceError> {
        self.require_tenant(&caller.tenant).await
    }

    /// Turns the kill switch on or off (audited).
    pub async fn set_kill_switch(
        &self,
        caller: &Caller,
        on: bool,
        trace_id: &str,
    ) -> Result<(), ServiceError> {
        self.store.set_kill_switch(&caller.tenant, on).await?;
        self.audit_admin(
            caller,
            "kill_switch_set",
            serde_json::json!({ "on": on }),
            trace_id,
        )
        .await
    }

    /// Sets or clears the quota (audited).
    pub async fn set_quota(
        &self,
        caller: &Caller,
        quota: Option<u64>,
        trace_id: &str,
    ) -> Result<(), ServiceError> {
        if quota.is_some_and(|q| i64::try_from(q).is_err()) {
            return Err(ServiceError::InvalidInput(
                "quota must be at most 9223372036854775807".into(),
            ));
        }
        self.store.set_quota(&caller.tenant, quota).await?;
        self.audit_admin(
            caller,
            "quota_set",
            serde_json::json!({ "quota": quota }),
            trace_id,
        )
        .await
    }

    /// The tenant's API keys (ids and state; never secrets).
    pub async fn api_keys(&self, caller: &Caller) -> Result<Vec<ApiKeyRecord>, ServiceError> {
        Ok(self.store.api_keys(&caller.tenant).await?)
    }

    /// Creates an API key (audited); the secret is returned once.
    pub async fn issue_api_key(
        &self,
        caller: &Caller,
        name: &str,
        trace_id: &str,
    ) -> Result<ApiKeyIssued, ServiceError> {
        if name.trim().is_empty()
            || name.chars().count() > MAX_API_KEY_NAME_CHARS
            || name.chars().any(char::is_control)
        {
            return Err(ServiceError::InvalidInput(format!(
                "name must be 1 to {MAX_API_KEY_NAME_CHARS} characters without control characters"
            )));
        }
        let issued = self.create_api_key(&caller.tenant, name).await?;
        self.audit_admin(
            caller,
            "api_key_create",
            serde_json::json!({ "api_key_id": issued.id }),
            trace_id,
        )
        .await?;
        Ok(issued)
    }

    /// Revokes an API key (audited).
    pub async fn revoke_api_key(
        &self,
        caller: &Caller,
        id: &str,
        trace_id: &str,
    ) -> Result<(), ServiceError> {
        match self
            .store
            .revoke_api_key(&caller.tenant, id, self.clock.now())
            .await
        {
            Ok(()) => {}
            Err(StoreError::NotFound { .. }) => return Err(ServiceError::NotFound("API key")),
            Err(e) => return Err(e.into()),
        }
        self.audit_admin(
            caller,
            "api_key_revoke",
            serde_json::json!({ "api_key_id": id }),
            trace_id,
        )
        .await
    }

    /// The tenant's key versions, oldest first.
    pub async fn key_versions(&self, caller: &Caller) -> Result<Vec<KeyVersionInfo>, ServiceError> {
        let ring = self.keys.keyring(&caller.tenant).await?;
        let mut out = Vec::new();
        for v in ring.versions() {
            let k = ring.version(v)?;
            out.push(KeyVersionInfo {
                version: k.version,
                created_at: k.created_at,
            });
        }
        out.sort_by_key(|k| k.version);
        Ok(out)
    }

    /// Adds a key version (audited); new tokens use it, older ones still open.
    pub async fn rotate_keys(&self, caller: &Caller, trace_id: &str) -> Result<u32, ServiceError> {
        let version = self.keys.rotate(&caller.tenant).await?;
        self.audit_admin(
            caller,
            "key_rotate",
            serde_json::json!({ "version": version }),
            trace_id,
        )
        .await?;
        Ok(version)
    }
}
