//! Management endpoints: the role → permission mapping, two-person changes, tenant settings,
//! the kill switch, API keys and key rotation. Who may call each is in `access`.

use std::{collections::HashMap, sync::Arc};

use axum::{
    body::Body,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::Response,
    Extension,
};
use serde_json::{json, Value};
use tokenvault_core::{
    authz::{Permission, PermissionSet},
    clock::rfc3339,
    service::{ChangeOutcome, Vault},
    store::{PendingChange, TenantRecord},
};

use crate::{
    access::Endpoint,
    context::{json_body, TraceId},
    error::ApiError,
    AppState,
};

type AppStateRef = State<Arc<AppState>>;

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
    applied: impl FnOnce(T) -> Value,
) -> (StatusCode, Value) {
    match o {
        ChangeOutcome::Applied(v) => (StatusCode::OK, applied(v)),
        ChangeOutcome::Pending(c) => (
            StatusCode::ACCEPTED,
            json!({ "status": "pending_approval", "change": change_json(&c) }),
        ),
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

pub(crate) async fn my_permissions(
    State(s): AppStateRef,
    Extension(trace): Extension<TraceId>,
    headers: HeaderMap,
) -> Response {
    s.handle(
        &headers,
        &trace,
        Endpoint::MyPermissions,
        StatusCode::OK,
        |s, caller, _| async move {
            let p = s.vault.permissions_of(&caller).await?;
            Ok(json!({ "actor": caller.actor, "roles": caller.roles, "permissions": p.names() }))
        },
    )
    .await
}

pub(crate) async fn list_roles(
    State(s): AppStateRef,
    Extension(trace): Extension<TraceId>,
    headers: HeaderMap,
) -> Response {
    s.handle(
        &headers,
        &trace,
        Endpoint::RoleList,
        StatusCode::OK,
        |s, caller, _| async move {
            let roles: Vec<Value> = s
                .vault
                .role_mapping(&caller)
                .await?
                .entries()
                .into_iter()
                .map(|(role, p)| json!({ "role": role, "permissions": p.names() }))
                .collect();
            let all: Vec<&str> = Permission::ALL.iter().map(|p| p.as_str()).collect();
            Ok(json!({ "roles": roles, "available_permissions": all }))
        },
    )
    .await
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RoleBody {
    permissions: Vec<String>,
}

pub(crate) async fn set_role(
    State(s): AppStateRef,
    Extension(trace): Extension<TraceId>,
    Path(role): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    s.handle_with_status(
        &headers,
        &trace,
        Endpoint::RoleSet,
        |s, caller, trace_id| async move {
            let b: RoleBody = json_body(body, &s.settings).await?;
            let set = PermissionSet::parse(&b.permissions).map_err(ApiError::invalid)?;
            let o = s
                .vault
                .set_role(&caller, &role, Some(set), &trace_id)
                .await?;
            Ok(outcome(
                o,
                |p| json!({ "role": role, "permissions": p.names() }),
            ))
        },
    )
    .await
}

pub(crate) async fn delete_role(
    State(s): AppStateRef,
    Extension(trace): Extension<TraceId>,
    Path(role): Path<String>,
    headers: HeaderMap,
) -> Response {
    s.handle_with_status(
        &headers,
        &trace,
        Endpoint::RoleDelete,
        |s, caller, trace_id| async move {
            let o = s.vault.set_role(&caller, &role, None, &trace_id).await?;
            Ok(outcome(o, |_| json!({ "role": role, "deleted": true })))
        },
    )
    .await
}

pub(crate) async fn list_changes(
    State(s): AppStateRef,
    Extension(trace): Extension<TraceId>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    s.handle(
        &headers,
        &trace,
        Endpoint::ChangeList,
        StatusCode::OK,
        |s, caller, _| async move {
            if q.keys().any(|k| k != "status") {
                return Err(ApiError::invalid_query(
                    "the only query parameter is status",
                ));
            }
            let changes = s
                .vault
                .changes(&caller, q.get("status").map(String::as_str))
                .await
                .map_err(|e| ApiError::from(e).in_query())?;
            Ok(json!({ "changes": changes.iter().map(change_json).collect::<Vec<_>>() }))
        },
    )
    .await
}

pub(crate) async fn decide_change(
    State(s): AppStateRef,
    Extension(trace): Extension<TraceId>,
    Path((id, decision)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    s.handle(
        &headers,
        &trace,
        Endpoint::ChangeDecide,
        StatusCode::OK,
        |s, caller, trace_id| async move {
            let approve = match decision.as_str() {
                "approve" => true,
                "reject" => false,
                _ => {
                    return Err(ApiError::from(
                        tokenvault_core::service::ServiceError::NotFound("endpoint"),
                    ))
                }
            };
            let c = s
                .vault
                .decide_change(&caller, &id, approve, &trace_id)
                .await?;
            Ok(change_json(&c))
        },
    )
    .await
}

pub(crate) async fn get_tenant(
    State(s): AppStateRef,
    Extension(trace): Extension<TraceId>,
    headers: HeaderMap,
) -> Response {
    s.handle(
        &headers,
        &trace,
        Endpoint::TenantGet,
        StatusCode::OK,
        |s, caller, _| async move {
            let t = s.vault.tenant_of(&caller).await?;
            tenant_json(&s.vault, &t, &caller).await
        },
    )
    .await
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsBody {
    #[serde(default, deserialize_with = "explicit")]
    quota: Option<Option<u64>>,
    two_person_rule: Option<bool>,
}

/// Tells an absent field (`None`) from an explicit `null` (`Some(None)`).
fn explicit<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<u64>>, D::Error> {
    serde::Deserialize::deserialize(d).map(Some)
}

pub(crate) async fn put_settings(
    State(s): AppStateRef,
    Extension(trace): Extension<TraceId>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    s.handle_with_status(&headers, &trace, Endpoint::TenantSettings, |s, caller, trace_id| async move {
        let b: SettingsBody = json_body(body, &s.settings).await?;
        if b.quota.is_none() && b.two_person_rule.is_none() {
            return Err(ApiError::invalid("send quota (a number, or null for unlimited) and/or two_person_rule (true or false)"));
        }
        if let Some(q) = b.quota {
            s.vault.set_quota(&caller, q, &trace_id).await?;
        }
        if let Some(on) = b.two_person_rule {
            if let pending @ ChangeOutcome::Pending(_) =
                s.vault.set_two_person_rule(&caller, on, &trace_id).await?
            {
                return Ok(outcome(pending, |_| Value::Null));
            }
        }
        let t = s.vault.tenant_of(&caller).await?;
        Ok((StatusCode::OK, tenant_json(&s.vault, &t, &caller).await?))
    })
    .await
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct KillSwitchBody {
    on: bool,
}

pub(crate) async fn put_kill_switch(
    State(s): AppStateRef,
    Extension(trace): Extension<TraceId>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    s.handle(
        &headers,
        &trace,
        Endpoint::KillSwitch,
        StatusCode::OK,
        |s, caller, trace_id| async move {
            let b: KillSwitchBody = json_body(body, &s.settings).await?;
            s.vault.set_kill_switch(&caller, b.on, &trace_id).await?;
            let t = s.vault.tenant_of(&caller).await?;
            tenant_json(&s.vault, &t, &caller).await
        },
    )
    .await
}

pub(crate) async fn list_api_keys(
    State(s): AppStateRef,
    Extension(trace): Extension<TraceId>,
    headers: HeaderMap,
) -> Response {
    s.handle(&headers, &trace, Endpoint::ApiKeyList, StatusCode::OK, |s, caller, _| async move {
        let keys: Vec<Value> = s.vault.api_keys(&caller).await?.iter()
            .map(|k| json!({ "id": k.id, "name": k.name, "created_at": rfc3339(k.created_at), "revoked_at": k.revoked_at.map(rfc3339) }))
            .collect();
        Ok(json!({ "api_keys": keys }))
    })
    .await
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ApiKeyBody {
    name: String,
}

pub(crate) async fn create_api_key(
    State(s): AppStateRef,
    Extension(trace): Extension<TraceId>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    s.handle(
        &headers,
        &trace,
        Endpoint::ApiKeyCreate,
        StatusCode::CREATED,
        |s, caller, trace_id| async move {
            let b: ApiKeyBody = json_body(body, &s.settings).await?;
            let k = s.vault.issue_api_key(&caller, &b.name, &trace_id).await?;
            Ok(json!({ "id": k.id, "name": b.name, "api_key": k.key }))
        },
    )
    .await
}

pub(crate) async fn revoke_api_key(
    State(s): AppStateRef,
    Extension(trace): Extension<TraceId>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    s.handle(
        &headers,
        &trace,
        Endpoint::ApiKeyRevoke,
        StatusCode::OK,
        |s, caller, trace_id| async move {
            s.vault.revoke_api_key(&caller, &id, &trace_id).await?;
            Ok(json!({ "id": id, "revoked": true }))
        },
    )
    .await
}

pub(crate) async fn list_keys(
    State(s): AppStateRef,
    Extension(trace): Extension<TraceId>,
    headers: HeaderMap,
) -> Response {
    s.handle(
        &headers,
        &trace,
        Endpoint::KeyList,
        StatusCode::OK,
        |s, caller, _| async move {
            let versions = s.vault.key_versions(&caller).await?;
            let current = versions.iter().map(|v| v.version).max();
            let list: Vec<Value> = versions
                .iter()
                .map(|v| json!({ "version": v.version, "created_at": rfc3339(v.created_at) }))
                .collect();
            Ok(json!({ "current_version": current, "versions": list }))
        },
    )
    .await
}

pub(crate) async fn rotate_keys(
    State(s): AppStateRef,
    Extension(trace): Extension<TraceId>,
    headers: HeaderMap,
) -> Response {
    s.handle(
        &headers,
        &trace,
        Endpoint::KeyRotate,
        StatusCode::OK,
        |s, caller, trace_id| async move {
            let v = s.vault.rotate_keys(&caller, &trace_id).await?;
            Ok(json!({ "current_version": v }))
        },
    )
    .await
}
