//! `tokenvault role list|set|delete|changes|approve|reject` and `tokenvault role two-person`:
//! the role → permission mapping and the two-person rule from the command line, through the
//! same domain calls as the API, audited with the actor `cli`.

use tokenvault_core::{authz::PermissionSet, clock::rfc3339, service::ChangeOutcome};

use crate::{
    commands::{tenant, OnOff},
    open::open,
    policy_cmd::operator,
    Global, RoleCommand,
};

fn print(v: &serde_json::Value) {
    println!("{v}");
}

/// Runs one role command.
pub(crate) async fn run(global: &Global, cmd: RoleCommand) -> Result<(), String> {
    let opened = open(global, false).await?;
    let vault = &opened.vault;
    let trace = tokenvault_core::service::new_trace_id();
    let err = |e: tokenvault_core::service::ServiceError| e.to_string();
    match cmd {
        RoleCommand::List { tenant: t } => {
            for (role, p) in vault
                .role_mapping(&operator(tenant(&t)?))
                .await
                .map_err(err)?
                .entries()
            {
                print(&serde_json::json!({"role": role, "permissions": p.names()}));
            }
            Ok(())
        }
        RoleCommand::Set {
            tenant: t,
            role,
            permissions,
        } => {
            let names: Vec<&str> = permissions
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            let set = PermissionSet::parse(&names).map_err(|e| format!("--permissions: {e}"))?;
            let o = vault
                .set_role(&operator(tenant(&t)?), &role, Some(set), &trace)
                .await
                .map_err(err)?;
            report(
                o,
                |p| serde_json::json!({"role": role, "permissions": p.names()}),
            );
            Ok(())
        }
        RoleCommand::Delete { tenant: t, role } => {
            let o = vault
                .set_role(&operator(tenant(&t)?), &role, None, &trace)
                .await
                .map_err(err)?;
            report(o, |_| serde_json::json!({"role": role, "deleted": true}));
            Ok(())
        }
        RoleCommand::Changes { tenant: t, status } => {
            for c in vault
                .changes(&operator(tenant(&t)?), status.as_deref())
                .await
                .map_err(err)?
            {
                print(&serde_json::json!({
                    "id": c.id, "kind": c.kind, "target": c.target, "status": c.status.as_str(),
                    "proposed_by": c.proposed_by, "created_at": rfc3339(c.created_at),
                    "decided_by": c.decided_by,
                }));
            }
            Ok(())
        }
        RoleCommand::Approve { tenant: t, id } => decide(vault, &t, &id, true, &trace).await,
        RoleCommand::Reject { tenant: t, id } => decide(vault, &t, &id, false, &trace).await,
        RoleCommand::TwoPerson { tenant: t, state } => {
            let o = vault
                .set_two_person_rule(&operator(tenant(&t)?), matches!(state, OnOff::On), &trace)
                .await
                .map_err(err)?;
            report(
                o,
                |on| serde_json::json!({"two_person_rule": if on { "on" } else { "off" }}),
            );
            Ok(())
        }
    }
}

fn report<T>(o: ChangeOutcome<T>, applied: impl FnOnce(T) -> serde_json::Value) {
    match o {
        ChangeOutcome::Applied(v) => print(&applied(v)),
        ChangeOutcome::Pending(c) => {
            eprintln!("this change widens access and the tenant's two-person rule is on: it waits for a second approver");
            print(&serde_json::json!({"status": "pending_approval", "change_id": c.id}));
        }
    }
}

async fn decide(
    vault: &tokenvault_core::service::Vault,
    t: &str,
    id: &str,
    approve: bool,
    trace: &str,
) -> Result<(), String> {
    let c = vault
        .decide_change(&operator(tenant(t)?), id, approve, trace)
        .await
        .map_err(|e| e.to_string())?;
    print(&serde_json::json!({"id": c.id, "status": c.status.as_str()}));
    Ok(())
}
