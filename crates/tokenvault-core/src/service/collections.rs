//! The object vault's collections (seed 004's surface): who may call (the IAM capability of
//! the caller's API key), and the definitions, validated, stored and audited.

use super::{Caller, ServiceError, Vault};
/// The tenant setting holding the object vault's IAM configuration (TOML).
const IAM_SETTING: &str = "pvlt.iam";

use crate::{
    objects::{
        collection::validate_properties, Capability, Collection, CollectionSpec, IamConfig,
        PropertySpec, DEFAULT_IAM_TOML,
    },
    store::{Entity, StoreError},
};

/// An object-vault caller: the API key's user name and the tenant's IAM configuration.
#[derive(Debug, Clone)]
pub struct VaultUser {
    /// The caller.
    pub caller: Caller,
    /// Its user name (the API key's name).
    pub name: String,
    iam: IamConfig,
}

impl Vault {
    /// The object-vault user of an API key: the key's name, and its tenant's IAM
    /// configuration (one read of the key, one of the configuration).
    pub async fn authenticate_vault_user(&self, key: &str) -> Result<VaultUser, ServiceError> {
        let record = self.api_key_record(key).await?;
        let caller = Caller {
            tenant: record.tenant.clone(),
            actor: format!("api_key:{}", record.id),
            roles: Vec::new(),
            api_key: true,
        };
        let iam = match self
            .store
            .tenant_setting(&caller.tenant, IAM_SETTING)
            .await?
        {
            Some(text) => IamConfig::parse(&text).map_err(|_| {
                tracing::error!(tenant = %caller.tenant, "the stored IAM configuration does not parse");
                ServiceError::Internal
            })?,
            None => IamConfig::default(),
        };
        Ok(VaultUser {
            caller,
            name: record.name,
            iam,
        })
    }

    /// The operator of the CLI as an object-vault user: the operator reaches the store
    /// directly, so it holds every capability (its changes are audited with actor `cli`).
    pub fn operator_user(&self, caller: &Caller) -> VaultUser {
        VaultUser {
            caller: caller.clone(),
            name: crate::objects::BOOTSTRAP_USER.to_owned(),
            iam: IamConfig::default(),
        }
    }

    /// Replaces the API key of user `name` (Piiano's `regen`): its active keys are revoked and
    /// a new key with that name is issued, shown once.
    pub async fn regenerate_user_key(
        &self,
        user: &VaultUser,
        name: &str,
        trace_id: &str,
    ) -> Result<String, ServiceError> {
        let active: Vec<String> = self
            .store
            .api_keys(&user.caller.tenant)
            .await?
            .into_iter()
            .filter(|k| k.name == name && k.revoked_at.is_none())
            .map(|k| k.id)
            .collect();
        if active.is_empty() {
            return Err(ServiceError::NotFound("user"));
        }
        let issued = self.issue_api_key(&user.caller, name, trace_id).await?;
        for id in active {
            self.revoke_api_key(&user.caller, &id, trace_id).await?;
        }
        Ok(issued.key)
    }

    /// Refuses (403, audited) a data operation the user's policies do not allow for `reason` on
    /// every one of `resources`.
    pub async fn require_policy(
        &self,
        user: &VaultUser,
        operation: &str,
        reason: &str,
        resources: &[String],
        trace_id: &str,
    ) -> Result<(), ServiceError> {
        let Err(refused) = user
            .iam
            .check_data(&user.name, operation, reason, resources)
        else {
            return Ok(());
        };
        let mut audit = self.audit(&user.caller, "access_denied", trace_id);
        audit.result = "denied".into();
        audit.purpose = Some(reason.to_owned());
        audit.detail = serde_json::json!({
            "surface": "object_vault", "operation": operation, "user": user.name,
            "resource": refused,
        });
        self.store.append_audit(&[audit]).await?;
        Err(ServiceError::AccessDenied(format!(
            "the role's policies do not allow {operation} on {refused} for this reason"
        )))
    }

    /// The tenant's IAM configuration as TOML (the default until one is written).
    pub async fn iam_config(&self, user: &VaultUser) -> Result<String, ServiceError> {
        Ok(self
            .store
            .tenant_setting(&user.caller.tenant, IAM_SETTING)
            .await?
            .unwrap_or_else(|| DEFAULT_IAM_TOML.to_owned()))
    }

    /// Replaces the tenant's IAM configuration (checked first; audited).
    pub async fn set_iam_config(
        &self,
        user: &VaultUser,
        toml: &str,
        trace_id: &str,
    ) -> Result<(), ServiceError> {
        if toml.len() > 256 * 1024 {
            return Err(ServiceError::InvalidInput(
                "an IAM configuration is at most 256 KiB".into(),
            ));
        }
        IamConfig::parse(toml).map_err(|e| ServiceError::InvalidInput(e.to_string()))?;
        let mut audit = self.audit(&user.caller, "iam_config_set", trace_id);
        audit.result = "allowed".into();
        audit.detail = serde_json::json!({ "user": user.name });
        Ok(self
            .store
            .set_tenant_setting(&user.caller.tenant, IAM_SETTING, Some(toml), &audit)
            .await?)
    }

    /// Refuses (403, audited as `access_denied`) a user whose role lacks `cap`.
    pub async fn require_capability(
        &self,
        user: &VaultUser,
        cap: Capability,
        operation: &str,
        trace_id: &str,
    ) -> Result<(), ServiceError> {
        if user.iam.allows(&user.name, cap) {
            return Ok(());
        }
        let mut audit = self.audit(&user.caller, "access_denied", trace_id);
        audit.result = "denied".into();
        audit.detail = serde_json::json!({
            "surface": "object_vault", "operation": operation, "user": user.name,
            "capability": cap.as_str(),
        });
        self.store.append_audit(&[audit]).await?;
        Err(ServiceError::MissingCapability(cap))
    }

    /// Creates a collection.
    pub async fn create_collection(
        &self,
        user: &VaultUser,
        spec: &CollectionSpec,
        trace_id: &str,
    ) -> Result<Collection, ServiceError> {
        let c = spec
            .validate(self.clock.now())
            .map_err(|e| ServiceError::InvalidInput(e.to_string()))?;
        let audit = self.collection_audit(user, "collection_create", &c.name, trace_id);
        match self
            .store
            .create_collection(&user.caller.tenant, &c, &audit)
            .await
        {
            Err(StoreError::Conflict {
                what: Entity::Collection,
            }) => Err(ServiceError::Conflict(
                "a collection with this name exists (names are matched without case)".into(),
            )),
            other => other.map(|()| c).map_err(Into::into),
        }
    }

    /// The tenant's collections.
    pub async fn list_collections(
        &self,
        user: &VaultUser,
    ) -> Result<Vec<Collection>, ServiceError> {
        Ok(self.store.collections(&user.caller.tenant).await?)
    }

    /// A collection by name (any case); `NotFound` for a name the tenant has no collection of,
    /// whatever other tenants have.
    pub async fn get_collection(
        &self,
        user: &VaultUser,
        name: &str,
    ) -> Result<Collection, ServiceError> {
        self.store
            .collection(&user.caller.tenant, name)
            .await?
            .ok_or(ServiceError::NotFound("collection"))
    }

    /// Adds properties to a collection; existing ones cannot be changed.
    pub async fn add_properties(
        &self,
        user: &VaultUser,
        name: &str,
        specs: &[PropertySpec],
        trace_id: &str,
    ) -> Result<Collection, ServiceError> {
        let mut c = self.get_collection(user, name).await?;
        let now = self.clock.now();
        let added = validate_properties(specs, &c.properties, now)
            .map_err(|e| ServiceError::InvalidInput(e.to_string()))?;
        c.properties.extend(added);
        c.modification_time = now;
        let audit = self.collection_audit(user, "collection_update", &c.name, trace_id);
        self.store
            .update_collection(&user.caller.tenant, &c, &audit)
            .await?;
        Ok(c)
    }

    /// Deletes a collection.
    pub async fn delete_collection(
        &self,
        user: &VaultUser,
        name: &str,
        trace_id: &str,
    ) -> Result<(), ServiceError> {
        let c = self.get_collection(user, name).await?;
        let audit = self.collection_audit(user, "collection_delete", &c.name, trace_id);
        self.store
            .delete_collection(&user.caller.tenant, &c.name, &audit)
            .await?;
        // The objects go with their collection (a collection of the name made later is new).
        Ok(self
            .store
            .purge_collection(&user.caller.tenant, &c.name.to_ascii_lowercase())
            .await?)
    }

    fn collection_audit(
        &self,
        user: &VaultUser,
        action: &str,
        collection: &str,
        trace_id: &str,
    ) -> crate::store::AuditEvent {
        let mut audit = self.audit(&user.caller, action, trace_id);
        audit.result = "allowed".into();
        audit.detail = serde_json::json!({ "user": user.name, "collection": collection });
        audit
    }
}
