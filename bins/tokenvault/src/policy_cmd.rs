//! `tokenvault policy list|create|update|delete`: the policies API from the command line,
//! through the same domain calls and validation, audited with the actor `cli`.

use std::{io::Read, path::Path};

use tokenvault_core::{
    policy::PolicySpec,
    service::{Caller, ChangeOutcome},
};

use crate::{commands::tenant, open::open, Global, PolicyCommand};

pub(crate) fn operator(tenant: tokenvault_core::ids::TenantId) -> Caller {
    Caller {
        tenant,
        actor: "cli".into(),
        roles: vec!["admin".into()],
        api_key: false,
    }
}

fn read_spec(file: &Path) -> Result<PolicySpec, String> {
    let mut text = String::new();
    if file == Path::new("-") {
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("stdin: {e}"))?;
    } else {
        text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    }
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))
}

fn print(p: &impl serde::Serialize) -> Result<(), String> {
    println!("{}", serde_json::to_string(p).map_err(|e| e.to_string())?);
    Ok(())
}

/// Runs one policy command.
pub(crate) async fn run(global: &Global, cmd: PolicyCommand) -> Result<(), String> {
    let opened = open(global, false).await?;
    let vault = &opened.vault;
    let trace = tokenvault_core::service::new_trace_id();
    match cmd {
        PolicyCommand::List { tenant: t } => {
            for p in vault
                .list_policies(&operator(tenant(&t)?))
                .await
                .map_err(|e| e.to_string())?
            {
                print(&p)?;
            }
            Ok(())
        }
        PolicyCommand::Create { tenant: t, file } => {
            let spec = read_spec(&file)?;
            let p = vault
                .create_policy(&operator(tenant(&t)?), &spec, &trace)
                .await
                .map_err(|e| e.to_string())?;
            print(&p)
        }
        PolicyCommand::Update {
            tenant: t,
            id,
            file,
        } => {
            let spec = read_spec(&file)?;
            match vault
                .update_policy(&operator(tenant(&t)?), &id, &spec, &trace)
                .await
                .map_err(|e| e.to_string())?
            {
                ChangeOutcome::Applied(p) => print(&p),
                ChangeOutcome::Pending(c) => {
                    eprintln!("this version widens access and the tenant's two-person rule is on: it waits for approval (tokenvault role approve --tenant … {})", c.id);
                    print(&serde_json::json!({"status": "pending_approval", "change_id": c.id}))
                }
            }
        }
        PolicyCommand::Delete { tenant: t, id } => {
            let p = vault
                .delete_policy(&operator(tenant(&t)?), &id, &trace)
                .await
                .map_err(|e| e.to_string())?;
            print(&serde_json::json!({"id": p.id.as_str(), "deleted": true}))
        }
    }
}
