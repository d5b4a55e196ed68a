//! Tenant, API key, JWT, key rotation and kill-switch commands: each goes through the vault's
//! audited operations with the operator as the actor.

use crate::{
    commands::{tenant as tenant_id, OnOff},
    open::open,
    ApiKeyCommand, Global, IamCommand, KeysCommand, TenantCommand, TokenCommand,
};

/// `tokenvault tenant …`.
pub(crate) async fn tenant(global: &Global, cmd: TenantCommand) -> Result<(), String> {
    match cmd {
        TenantCommand::Create { name, json } => {
            let opened = open(global, false).await?;
            let id = opened
                .vault
                .create_tenant(&name, None)
                .await
                .map_err(|e| e.to_string())?;
            if json {
                println!("{}", serde_json::json!({ "tenant_id": id.as_str() }));
            } else {
                println!("{id}");
            }
            Ok(())
        }
        TenantCommand::List => {
            let opened = open(global, false).await?;
            for t in opened
                .vault
                .store()
                .tenants()
                .await
                .map_err(|e| e.to_string())?
            {
                println!("{}\t{}\tkill_switch={}", t.id, t.name, t.kill_switch);
            }
            Ok(())
        }
        TenantCommand::Quota {
            tenant: t,
            quota,
            unlimited,
        } => {
            let opened = open(global, false).await?;
            let caller = crate::policy_cmd::operator(tenant_id(&t)?);
            let trace = tokenvault_core::service::new_trace_id();
            let vault = &opened.vault;
            if quota.is_some() || unlimited {
                vault
                    .set_quota(&caller, quota, &trace)
                    .await
                    .map_err(|e| e.to_string())?;
            }
            let now = vault.tenant_of(&caller).await.map_err(|e| e.to_string())?;
            match now.quota {
                Some(q) => println!("quota: {q} operations per month"),
                None => println!("quota: unlimited"),
            }
            Ok(())
        }
        TenantCommand::Shred { tenant: t, confirm } => shred(global, &t, &confirm).await,
    }
}

/// `tokenvault tenant shred`: the operator's crypto-shredding, through the vault's audited
/// operation.
async fn shred(global: &Global, t: &str, confirm: &str) -> Result<(), String> {
    let opened = open(global, false).await?;
    let trace = tokenvault_core::service::new_trace_id();
    let caller = crate::policy_cmd::operator(tenant_id(t)?);
    opened
        .vault
        .shred_tenant(&caller, confirm, &trace)
        .await
        .map_err(|e| e.to_string())?;
    println!("tenant {t}: every key version destroyed; its tokens can no longer be opened");
    Ok(())
}

/// `tokenvault apikey …`.
pub(crate) async fn api_key(global: &Global, cmd: ApiKeyCommand) -> Result<(), String> {
    match cmd {
        ApiKeyCommand::Create { tenant: t, name } => {
            let opened = open(global, false).await?;
            let trace = tokenvault_core::service::new_trace_id();
            let k = opened
                .vault
                .issue_api_key(&crate::policy_cmd::operator(tenant_id(&t)?), &name, &trace)
                .await
                .map_err(|e| e.to_string())?;
            println!("{}", serde_json::json!({ "id": k.id, "api_key": k.key }));
            Ok(())
        }
        ApiKeyCommand::List { tenant: t } => {
            let opened = open(global, false).await?;
            for k in opened
                .vault
                .store()
                .api_keys(&tenant_id(&t)?)
                .await
                .map_err(|e| e.to_string())?
            {
                let state = if k.revoked_at.is_some() {
                    "revoked"
                } else {
                    "active"
                };
                println!("{}\t{}\t{}", k.id, k.name, state);
            }
            Ok(())
        }
        ApiKeyCommand::Revoke { tenant: t, id } => {
            let opened = open(global, false).await?;
            let trace = tokenvault_core::service::new_trace_id();
            opened
                .vault
                .revoke_api_key(&crate::policy_cmd::operator(tenant_id(&t)?), &id, &trace)
                .await
                .map_err(|e| e.to_string())
        }
    }
}

/// `tokenvault token mint`.
pub(crate) async fn token(global: &Global, cmd: TokenCommand) -> Result<(), String> {
    let TokenCommand::Mint {
        tenant: t,
        user,
        roles,
        ttl,
    } = cmd;

    let opened = open(global, false).await?;
    let t = tenant_id(&t)?;
    opened
        .vault
        .require_tenant(&t)
        .await
        .map_err(|e| e.to_string())?;
    let jwt = opened
        .vault
        .mint_jwt(&t, &user, &roles, ttl)
        .map_err(|e| e.to_string())?;
    println!("{jwt}");
    Ok(())
}

/// `tokenvault keys rotate`.
pub(crate) async fn keys(global: &Global, cmd: KeysCommand) -> Result<(), String> {
    let KeysCommand::Rotate { tenant: t } = cmd;

    let opened = open(global, false).await?;
    let trace = tokenvault_core::service::new_trace_id();
    let v = opened
        .vault
        .rotate_keys(&crate::policy_cmd::operator(tenant_id(&t)?), &trace)
        .await
        .map_err(|e| e.to_string())?;
    println!("tenant key version {v} is now current");
    Ok(())
}

/// `tokenvault kill-switch on|off`.
pub(crate) async fn kill_switch(global: &Global, state: OnOff, t: &str) -> Result<(), String> {
    let opened = open(global, false).await?;
    let on = matches!(state, OnOff::On);
    let trace = tokenvault_core::service::new_trace_id();
    opened
        .vault
        .set_kill_switch(&crate::policy_cmd::operator(tenant_id(t)?), on, &trace)
        .await
        .map_err(|e| e.to_string())?;
    println!("kill switch {}", if on { "on" } else { "off" });
    Ok(())
}

/// `tokenvault iam show|set`.
pub(crate) async fn iam(global: &Global, cmd: IamCommand) -> Result<(), String> {
    let (t, file) = match &cmd {
        IamCommand::Show { tenant } => (tenant, None),
        IamCommand::Set { tenant, file } => (tenant, Some(file)),
    };
    let opened = open(global, false).await?;
    let user = opened
        .vault
        .operator_user(&crate::policy_cmd::operator(tenant_id(t)?));
    match file {
        None => {
            print!(
                "{}",
                opened
                    .vault
                    .iam_config(&user)
                    .await
                    .map_err(|e| e.to_string())?
            );
        }
        Some(f) => {
            let text =
                std::fs::read_to_string(f).map_err(|e| format!("--file {}: {e}", f.display()))?;
            let trace = tokenvault_core::service::new_trace_id();
            opened
                .vault
                .set_iam_config(&user, &text, &trace)
                .await
                .map_err(|e| e.to_string())?;
            println!("IAM configuration of {t} replaced");
        }
    }
    Ok(())
}
