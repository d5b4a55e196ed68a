//! Management endpoints: the role → permission mapping, two-person changes, tenant settings,
//! the kill switch, API keys and key rotation. Who may call each is in `access`.

use std::sync::Arc;

use axum::{
    extract::{Path, State},
    http::StatusCode,
    Json,
};
use serde_json::{json, Value};
use tokenvault_core::{
    authz::{Permission, PermissionSet},
    clock::rfc3339,
    service::{ChangeOutcome, Vault},
    store::{PendingChange, TenantRecord},
};

use crate::{
    error::ApiError,
    extract::{ApiJson, ApiQuery, Authed},
    AppState,
};

type St = State<Arc<AppState>>;
type Answer = Result<Json<Value>, ApiError>;
type AnswerWithStatus = Result<(StatusCode, Json<Value>), ApiError>;

fn change_json(c: &PendingChange) -> Value {
    json!({
        "id": c.id, "kind": c.kind, "target": c.target, "status": c.status.as_str(),
        "proposed_by": c.proposed_by, "created_at": rfc3339(c.created_at),
        "decided_by": c.decided_by, "decided_at": c.decided_at.map(rfc3339),
    })
}

/// A change applied now (200), or waiting for a second approver (202).
pub(crate) fn outcome<T>(
    o: ChangeOutcome<T>,
    applied: impl FnOnce(T) -> Result<Value, ApiError>,
) -> AnswerWithStatus {
    match o {
        ChangeOutcome::Applied(v) => Ok((StatusCode::OK, Json(applied(v)?))),
        ChangeOutcome::Pending(c) => Ok((
            StatusCode::ACCEPTED,
            Json(json!({ "status": "pending_approval", "change": change_json(&c) })),
        )),
    }
}

async fn tenant_json(
    vault: &Vault,
    t: &TenantRecord,
    caller: &tokenvault_core::service::Caller,
) -> Result<Value, ApiError> {
    Ok(json!({
        "tenant_id": t.id.as_str(), "name": t.name, "created_at": rfc3339(t.created_at),
        "kill_switch": t.kill_switch, "quota": t.quota,
        "two_person_rule": vault.two_person_rule(caller).await?,
    }))
}

pub(crate) async fn my_permissions(State(s): St, a: Authed) -> Answer {
    let p = s.vault.permissions_of(&a.caller).await?;
    Ok(Json(
        json!({ "actor": a.caller.actor, "roles": a.caller.roles, "permissions": p.names() }),
    ))
}

pub(crate) async fn list_roles(State(s): St, a: Authed) -> Answer {
    let roles: Vec<Value> = s
        .vault
        .role_mapping(&a.caller)
        .await?
        .entries()
        .into_iter()
        .map(|(role, p)| json!({ "role": role, "permissions": p.names() }))
        .collect();
    let all: Vec<&str> = Permission::ALL.iter().map(|p| p.as_str()).collect();
    Ok(Json(
        json!({ "roles": roles, "available_permissions": all }),
    ))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RoleBody {
    permissions: Vec<String>,
}

pub(crate) async fn set_role(
    State(s): St,
    a: Authed,
    Path(role): Path<String>,
    ApiJson(b): ApiJson<RoleBody>,
) -> AnswerWithStatus {
    let set = PermissionSet::parse(&b.permissions).map_err(|e| ApiError::invalid(e.to_string()))?;
    let o = s
        .vault
        .set_role(&a.caller, &role, Some(set), &a.trace_id)
        .await?;
    outcome(o, |p| Ok(json!({ "role": role, "permissions": p.names() })))
}

pub(crate) async fn delete_role(
    State(s): St,
    a: Authed,
    Path(role): Path<String>,
) -> AnswerWithStatus {
    let o = s
        .vault
        .set_role(&a.caller, &role, None, &a.trace_id)
        .await?;
    outcome(o, |_| Ok(json!({ "role": role, "deleted": true })))
}

#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct ChangeParams {
    status: Option<String>,
}

pub(crate) async fn list_changes(
    State(s): St,
    a: Authed,
    ApiQuery(q): ApiQuery<ChangeParams>,
) -> Answer {
    let changes = s
        .vault
        .changes(&a.caller, q.status.as_deref())
        .await
        .map_err(|e| ApiError::from(e).in_query())?;
    Ok(Json(
        json!({ "changes": changes.iter().map(change_json).collect::<Vec<_>>() }),
    ))
}

pub(crate) async fn decide_change(
    State(s): St,
    a: Authed,
    Path((id, decision)): Path<(String, String)>,
) -> Answer {
    let approve = match decision.as_str() {
        "approve" => true,
        "reject" => false,
        _ => return Err(tokenvault_core::service::ServiceError::NotFound("endpoint").into()),
    };
    let c = s
        .vault
        .decide_change(&a.caller, &id, approve, &a.trace_id)
        .await?;
    Ok(Json(change_json(&c)))
}

pub(crate) async fn get_tenant(State(s): St, a: Authed) -> Answer {
    let t = s.vault.tenant_of(&a.caller).await?;
    Ok(Json(tenant_json(&s.vault, &t, &a.caller).await?))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SettingsBody {
    #[serde(default, deserialize_with = "explicit")]
    quota: Option<Option<u64>>,
    two_person_rule: Option<bool>,
}

/// Tells an absent field (`None`) from an explicit `null` (`Some(None)`).
fn explicit<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<u64>>, D::Error> {
    serde::Deserialize::deserialize(d).map(Some)
}

pub(crate) async fn put_settings(
    State(s): St,
    a: Authed,
    ApiJson(b): ApiJson<SettingsBody>,
) -> AnswerWithStatus {
    if b.quota.is_none() && b.two_person_rule.is_none() {
        return Err(ApiError::invalid(
            "send quota (a number, or null for unlimited) and/or two_person_rule (true or false)",
        ));
    }
    if let Some(q) = b.quota {
        s.vault.set_quota(&a.caller, q, &a.trace_id).await?;
    }
    if let Some(on) = b.two_person_rule {
        if let pending @ ChangeOutcome::Pending(_) = s
            .vault
            .set_two_person_rule(&a.caller, on, &a.trace_id)
            .await?
        {
            return outcome(pending, |_| Ok(Value::Null));
        }
    }
    let t = s.vault.tenant_of(&a.caller).await?;
    Ok((
        StatusCode::OK,
        Json(tenant_json(&s.vault, &t, &a.caller).await?),
    ))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct KillSwitchBody {
    on: bool,
}

pub(crate) async fn put_kill_switch(
    State(s): St,
    a: Authed,
    ApiJson(b): ApiJson<KillSwitchBody>,
) -> Answer {
    s.vault
        .set_kill_switch(&a.caller, b.on, &a.trace_id)
        .await?;
    let t = s.vault.tenant_of(&a.caller).await?;
    Ok(Json(tenant_json(&s.vault, &t, &a.caller).await?))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ShredBody {
    confirm: String,
}

/// `POST /tenant/shred`: crypto-shreds the caller's tenant (confirmed by its id).
pub(crate) async fn shred_tenant(
    State(s): St,
    a: Authed,
    ApiJson(b): ApiJson<ShredBody>,
) -> Answer {
    s.vault
        .shred_tenant(&a.caller, &b.confirm, &a.trace_id)
        .await?;
    Ok(Json(
        json!({ "tenant_id": a.caller.tenant.as_str(), "shredded": true, "kill_switch": true }),
    ))
}

pub(crate) async fn list_api_keys(State(s): St, a: Authed) -> Answer {
    let keys: Vec<Value> = s.vault.api_keys(&a.caller).await?.iter()
        .map(|k| json!({ "id": k.id, "name": k.name, "created_at": rfc3339(k.created_at), "revoked_at": k.revoked_at.map(rfc3339) }))
        .collect();
    Ok(Json(json!({ "api_keys": keys })))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ApiKeyBody {
    name: String,
}

pub(crate) async fn create_api_key(
    State(s): St,
    a: Authed,
    ApiJson(b): ApiJson<ApiKeyBody>,
) -> AnswerWithStatus {
    let k = s
        .vault
        .issue_api_key(&a.caller, &b.name, &a.trace_id)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": k.id, "name": b.name, "api_key": k.key })),
    ))
}

pub(crate) async fn revoke_api_key(State(s): St, a: Authed, Path(id): Path<String>) -> Answer {
    s.vault.revoke_api_key(&a.caller, &id, &a.trace_id).await?;
    Ok(Json(json!({ "id": id, "revoked": true })))
}

pub(crate) async fn list_keys(State(s): St, a: Authed) -> Answer {
    let versions = s.vault.key_versions(&a.caller).await?;
    let current = versions.iter().map(|v| v.version).max();
    let list: Vec<Value> = versions
        .iter()
        .map(|v| json!({ "version": v.version, "created_at": rfc3339(v.created_at) }))
        .collect();
    Ok(Json(
        json!({ "current_version": current, "versions": list }),
    ))
}

pub(crate) async fn rotate_keys(State(s): St, a: Authed) -> Answer {
    let v = s.vault.rotate_keys(&a.caller, &a.trace_id).await?;
    Ok(Json(json!({ "current_version": v })))
}

pub(crate) async fn get_rehydration(State(s): St, a: Authed) -> Answer {
    let r = s.vault.rehydration_settings(&a.caller).await?;
    Ok(Json(
        serde_json::to_value(r).map_err(|_| ApiError::internal())?,
    ))
}

pub(crate) async fn put_rehydration(
    State(s): St,
    a: Authed,
    ApiJson(b): ApiJson<tokenvault_core::service::RehydrationSettings>,
) -> Answer {
    let r = s
        .vault
        .set_rehydration_settings(&a.caller, b, &a.trace_id)
        .await?;
    Ok(Json(
        serde_json::to_value(r).map_err(|_| ApiError::internal())?,
    ))
}
