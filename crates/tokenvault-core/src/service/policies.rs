//! `GET|POST /policies`, `GET|PUT|DELETE /policies/:id`.

use super::{
    access::{ChangeOutcome, Widening},
    Caller, ServiceError, Vault,
};
use crate::{
    ids::PolicyId,
    policy::{Policy, PolicySpec},
    store::StoreError,
};

impl Vault {
    /// The caller's policies.
    pub async fn list_policies(&self, caller: &Caller) -> Result<Vec<Policy>, ServiceError> {
        Ok(self.store.policies(&caller.tenant).await?)
    }

    /// One policy (current version).
    pub async fn get_policy(&self, caller: &Caller, id: &str) -> Result<Policy, ServiceError> {
        let id = PolicyId::parse(id).map_err(|_| ServiceError::PolicyNotFound)?;
        self.store
            .policy(&caller.tenant, &id, None)
            .await?
            .ok_or(ServiceError::PolicyNotFound)
    }

    /// Creates a policy at version 1.
    pub async fn create_policy(
        &self,
        caller: &Caller,
        spec: &PolicySpec,
        trace_id: &str,
    ) -> Result<Policy, ServiceError> {
        let body = spec
            .validate(self.catalog.as_ref())
            .map_err(ServiceError::PolicyInvalid)?;
        let id = match &spec.id {
            Some(id) => {
                PolicyId::parse(id).map_err(|e| ServiceError::InvalidInput(format!("id: {e}")))?
            }
            None => PolicyId::generate(),
        };
        let now = self.clock.now();
        let policy = Policy {
            id,
            version: 1,
            body,
            created_at: now,
            updated_at: now,
        };
        let mut audit = self.audit(caller, "policy_create", trace_id);
        audit.policy_id = Some(policy.id.to_string());
        audit.policy_version = Some(1);
        audit.result = "allowed".into();
        match self
            .store
            .insert_policy(&caller.tenant, &policy, &audit)
            .await
        {
            Ok(()) => Ok(policy),
            Err(StoreError::Conflict { .. }) => Err(ServiceError::Conflict(
                "a policy with this id or key already exists; choose another or update it with PUT"
                    .into(),
            )),
            Err(e) => Err(e.into()),
        }
    }

    /// Replaces a policy with a new version. A version that widens access to plaintext
    /// (roles or purposes added, a reason no longer required) is audited as such and, under
    /// the two-person rule, waits for a second holder of `policies:write`.
    pub async fn update_policy(
        &self,
        caller: &Caller,
        id: &str,
        spec: &PolicySpec,
        trace_id: &str,
    ) -> Result<ChangeOutcome<Policy>, ServiceError> {
        let current = self.get_policy(caller, id).await?;
        if spec.id.as_deref().is_some_and(|b| b != current.id.as_str()) {
            return Err(ServiceError::InvalidInput(
                "id in the body differs from the policy in the path".into(),
            ));
        }
        if let Some(v) = &spec.version {
            let read = v.as_u64().ok_or_else(|| {
                ServiceError::InvalidInput("version must be the policy version you read".into())
            })?;
            if read != u64::from(current.version) {
                return Err(ServiceError::Conflict(format!(
                    "the policy is at version {}, not the version {read} this change was made to; re-read it and apply the change again",
                    current.version
                )));
            }
        }
        let body = spec
            .validate(self.catalog.as_ref())
            .map_err(ServiceError::PolicyInvalid)?;
        let policy = Policy {
            id: current.id.clone(),
            version: current.version + 1,
            body,
            created_at: current.created_at,
            updated_at: self.clock.now(),
        };
        let widening = Widening::of_policy(&current, &policy);
        if widening.widens() && self.two_person_rule(caller).await? {
            let payload = serde_json::to_string(&policy)
                .map_err(|_| ServiceError::InvalidInput("the policy cannot be stored".into()))?;
            let change = self
                .propose(
                    caller,
                    "policy_update",
                    policy.id.as_str(),
                    payload,
                    &widening,
                    trace_id,
                )
                .await?;
            return Ok(ChangeOutcome::Pending(change));
        }
        let mut audit = self.audit(caller, "policy_update", trace_id);
        audit.policy_id = Some(policy.id.to_string());
        audit.policy_version = Some(policy.version);
        audit.result = "allowed".into();
        audit.detail = widening.detail("added_roles");
        match self.store.update_policy(&caller.tenant, &policy, &audit).await {
            Ok(()) => Ok(ChangeOutcome::Applied(policy)),
            Err(StoreError::Conflict { what }) => Err(ServiceError::Conflict(format!(
                "{what} conflict: the policy changed concurrently or its key is taken; re-read and retry"
            ))),
            Err(e) => Err(e.into()),
        }
    }

    /// Deletes a policy (see `VaultStore::delete_policy`): new requests naming it are refused
    /// and grants for its tokens are refused, since the current policy decides access.
    pub async fn delete_policy(
        &self,
        caller: &Caller,
        id: &str,
        trace_id: &str,
    ) -> Result<Policy, ServiceError> {
        let policy = self.get_policy(caller, id).await?;
        let mut audit = self.audit(caller, "policy_delete", trace_id);
        audit.policy_id = Some(policy.id.to_string());
        audit.policy_version = Some(policy.version);
        audit.result = "allowed".into();
        match self
            .store
            .delete_policy(&caller.tenant, &policy.id, self.clock.now(), &audit)
            .await
        {
            Ok(()) => Ok(policy),
            Err(StoreError::NotFound { .. }) => Err(ServiceError::PolicyNotFound),
            Err(e) => Err(e.into()),
        }
    }
}
