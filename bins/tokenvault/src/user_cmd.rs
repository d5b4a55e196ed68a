//! `tokenvault user create|list|passwd|access|delete`: dashboard users from the command line,
//! through the same domain calls as `/users`, audited with the actor `cli`.

use tokenvault_core::{
    clock::rfc3339,
    service::{generated_password, UserChange},
};

use crate::{
    commands::{tenant, OnOff},
    open::open,
    policy_cmd::operator,
    Global, UserCommand,
};

/// The password of `--password-file`, else `TOKENVAULT_USER_PASSWORD`, else a generated one
/// (and whether it was generated, to print it).
fn password(file: Option<&std::path::Path>) -> Result<(String, bool), String> {
    if let Some(f) = file {
        let text = std::fs::read_to_string(f)
            .map_err(|e| format!("--password-file {}: {e}", f.display()))?;
        return Ok((text.lines().next().unwrap_or("").to_owned(), false));
    }
    if let Ok(p) = std::env::var("TOKENVAULT_USER_PASSWORD") {
        return Ok((p, false));
    }
    Ok((generated_password(), true))
}

/// Runs one user command.
pub(crate) async fn run(global: &Global, cmd: UserCommand) -> Result<(), String> {
    let opened = open(global, false).await?;
    let vault = &opened.vault;
    let trace = tokenvault_core::service::new_trace_id();
    let err = |e: tokenvault_core::service::ServiceError| e.to_string();
    match cmd {
        UserCommand::Create {
            tenant: t,
            login,
            roles,
            password_file,
        } => {
            let roles: Vec<String> = roles
                .split(',')
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(str::to_owned)
                .collect();
            let (pw, generated) = password(password_file.as_deref())?;
            let u = vault
                .create_user(&operator(tenant(&t)?), &login, &pw, &roles, &trace)
                .await
                .map_err(err)?;
            println!(
                "{}",
                serde_json::json!({"login": u.login, "roles": u.roles, "password": generated.then_some(&pw)})
            );
            if generated {
                eprintln!("The password is shown once; store it now.");
            }
        }
        UserCommand::List { tenant: t } => {
            for u in vault
                .list_users(&operator(tenant(&t)?))
                .await
                .map_err(err)?
            {
                println!(
                    "{}",
                    serde_json::json!({"login": u.login, "roles": u.roles, "disabled": u.disabled, "created_at": rfc3339(u.created_at)})
                );
            }
        }
        UserCommand::Passwd {
            tenant: t,
            login,
            password_file,
        } => {
            let (pw, generated) = password(password_file.as_deref())?;
            let change = UserChange {
                password: Some(pw.clone()),
                ..UserChange::default()
            };
            vault
                .change_user(&operator(tenant(&t)?), &login, change, &trace)
                .await
                .map_err(err)?;
            println!(
                "{}",
                serde_json::json!({"login": login, "password": generated.then_some(&pw)})
            );
        }
        UserCommand::Access {
            tenant: t,
            login,
            state,
        } => {
            let change = UserChange {
                disabled: Some(matches!(state, OnOff::Off)),
                ..UserChange::default()
            };
            vault
                .change_user(&operator(tenant(&t)?), &login, change, &trace)
                .await
                .map_err(err)?;
            println!(
                "{}",
                serde_json::json!({"login": login, "disabled": matches!(state, OnOff::Off)})
            );
        }
        UserCommand::Delete { tenant: t, login } => {
            vault
                .delete_user(&operator(tenant(&t)?), &login, &trace)
                .await
                .map_err(err)?;
            println!("{}", serde_json::json!({"login": login, "deleted": true}));
        }
    }
    Ok(())
}
