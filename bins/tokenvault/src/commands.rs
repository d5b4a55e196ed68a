//! What each command does.

use tokenvault_core::ids::TenantId;

use crate::{
    open::{file_config, listen_address, open},
    AuditCommand, Command, Global,
};

/// `on` or `off`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum OnOff {
    /// On.
    On,
    /// Off.
    Off,
}

pub(crate) fn tenant(s: &str) -> Result<TenantId, String> {
    TenantId::parse(s).map_err(|e| format!("--tenant: {e}"))
}

/// Logs to stderr: JSON lines, or text (coloured only on a terminal). An unparsable
/// `TOKENVAULT_LOG` is refused rather than silently replaced.
fn init_logs(format: Option<&str>) -> Result<(), String> {
    use std::io::IsTerminal;
    let filter = match std::env::var("TOKENVAULT_LOG") {
        Ok(v) => tracing_subscriber::EnvFilter::try_new(&v).map_err(|_| {
            "TOKENVAULT_LOG is not a log filter; use a level (info, debug) or directives such as tokenvault=debug,info".to_owned()
        })?,
        Err(_) => tracing_subscriber::EnvFilter::new("info"),
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    if format == Some("text") {
        builder.init();
    } else {
        builder.json().flatten_event(true).init();
    }
    Ok(())
}

/// Checks a backup (it opens, its audit chain is whole, it was made under this root key) and
/// moves a copy of it into place.
async fn restore(global: &Global, from: &std::path::Path, force: bool) -> Result<(), String> {
    use tokenvault_core::keys::{KeyFileProvider, RootKeyProvider};
    use tokenvault_core::store::prelude::*;
    use tokenvault_store::SqliteStore;
    if global.database_url.is_some() {
        return Err(
            "restore is for the SQLite store; for PostgreSQL use pg_restore (docs/deployment.md)"
                .into(),
        );
    }
    let file = file_config(global)?;
    let data_dir = global
        .data_dir
        .clone()
        .or(file.data_dir.clone())
        .unwrap_or_else(|| crate::config::DEFAULT_DATA_DIR.into());
    let target = data_dir.join("tokenvault.db");
    let key_path = global
        .root_key_file
        .clone()
        .or(file.root_key_file.clone())
        .unwrap_or_else(|| KeyFileProvider::default_path(&data_dir));
    let root = KeyFileProvider::load(&key_path).map_err(|e| e.to_string())?;
    if SqliteStore::writer_active(&target) {
        return Err(format!(
            "a server is running on {}; stop it first",
            data_dir.display()
        ));
    }
    if target.exists() && !force {
        return Err(format!(
            "{} exists; pass --force to replace it",
            target.display()
        ));
    }
    // Work on a copy next to the target, so the backup itself is never modified.
    let staging = data_dir.join("tokenvault.db.restoring");
    std::fs::copy(from, &staging).map_err(|e| format!("{}: {e}", from.display()))?;
    let check = async {
        let store = SqliteStore::open(&staging, false).map_err(|e| e.to_string())?;
        match store
            .meta("root_key_check_value")
            .await
            .map_err(|e| e.to_string())?
        {
            Some(kcv) if kcv == root.key_check_value().as_bytes() => {}
            Some(_) => return Err("the backup was made under another root key".to_owned()),
            None => return Err("the file is not a tokenvault database".to_owned()),
        }
        match store
            .verify_audit_chain()
            .await
            .map_err(|e| e.to_string())?
        {
            Ok(n) => Ok(n),
            Err(seq) => Err(format!(
                "the backup's audit chain is broken at record {seq}"
            )),
        }
    };
    let records = match check.await {
        Ok(n) => n,
        Err(e) => {
            let _ = std::fs::remove_file(&staging);
            return Err(e);
        }
    };
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", target.display()));
        let _ = std::fs::remove_file(format!("{}{suffix}", staging.display()));
    }
    std::fs::rename(&staging, &target).map_err(|e| e.to_string())?;
    println!(
        "restored {} ({records} audit records, chain intact)",
        target.display()
    );
    Ok(())
}

/// A URL without its password, for logs.
fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://…@{}", &url[..scheme], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}

pub async fn run(global: Global, command: Command) -> Result<(), String> {
    match command {
        Command::Serve { listen } => serve(&global, listen).await,
        Command::Init {
            name,
            admin_ttl,
            json,
        } => init(&global, &name, admin_ttl, json).await,
        Command::Tenant(cmd) => crate::admin_cmd::tenant(&global, cmd).await,
        Command::Policy(cmd) => crate::policy_cmd::run(&global, cmd).await,
        Command::Role(cmd) => crate::role_cmd::run(&global, cmd).await,
        Command::User(cmd) => crate::user_cmd::run(&global, cmd).await,
        Command::Iam(cmd) => crate::admin_cmd::iam(&global, cmd).await,
        Command::Apikey(cmd) => crate::admin_cmd::api_key(&global, cmd).await,
        Command::Token(cmd) => crate::admin_cmd::token(&global, cmd).await,
        Command::Keys(cmd) => crate::admin_cmd::keys(&global, cmd).await,
        Command::KillSwitch { state, tenant: t } => {
            crate::admin_cmd::kill_switch(&global, state, &t).await
        }
        Command::Audit(AuditCommand::Verify) => verify_audit(&global).await,
        Command::Restore { from, force } => restore(&global, &from, force).await,
        Command::MigrateStore { from, to } => crate::migrate::migrate_store(&from, &to).await,
        Command::Backup { to } => backup(&global, &to).await,
    }
}

/// `tokenvault serve`.
async fn serve(global: &Global, listen: Option<String>) -> Result<(), String> {
    let file = file_config(global)?;
    if let Some(url) = &global.redis_url {
        crate::config::check_redis_url(url).map_err(|e| format!("--redis-url: {e}"))?;
    }
    init_logs(file.log_format.as_deref())?;
    let opened = open(global, true).await?;
    if let Some(sqlite) = &opened.sqlite {
        sqlite
            .claim_writer()
            .map_err(|e| format!("refusing to start: {e}"))?;
    }
    let addr = listen_address(listen, &opened.file);
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    tracing::info!(
        listen = %local,
        data_dir = %opened.data_dir.display(),
        root_key = %opened.vault.keys().root().describe(),
        "tokenvault {} serving the tokens API at http://{local}/api/v1/tokens",
        tokenvault_core::VERSION
    );
    eprintln!("tokenvault listening on http://{local}");
    if let Some((keys, url, every)) = opened.jwks_refresh.clone() {
        tokenvault_server::jwks::spawn_refresh(keys, url, every);
    }
    if let Some(url) = &opened.settings.redis_url {
        tracing::info!(redis = %redact_url(url), "rate limits are shared through redis");
    } else {
        tracing::info!("rate limits are per node (no redis_url)");
    }
    let router = tokenvault_server::router(opened.vault.clone(), opened.settings.clone())
        .map_err(|e| e.to_string())?;
    let limits = opened.settings.connections;
    tokenvault_server::serve_with(listener, router, limits, shutdown_signal())
        .await
        .map_err(|e| format!("server error: {e}"))
}

/// `tokenvault init`.
async fn init(global: &Global, name: &str, admin_ttl: i64, json: bool) -> Result<(), String> {
    let opened = open(global, true).await?;
    let b = opened
        .vault
        .bootstrap(name, admin_ttl)
        .await
        .map_err(|e| e.to_string())?;
    if json {
        println!(
            "{}",
            serde_json::json!({
                "tenant_id": b.tenant.as_str(),
                "api_key": b.api_key.key,
                "admin_jwt": b.admin_jwt,
                "dashboard_login": b.dashboard_login,
                "dashboard_password": b.dashboard_password,
            })
        );
    } else {
        println!(
            "tenant_id: {}\napi_key:   {}\nadmin_jwt: {}\ndashboard: http://127.0.0.1:8700/ui/ login {} password {}",
            b.tenant, b.api_key.key, b.admin_jwt, b.dashboard_login, b.dashboard_password
        );
        eprintln!("The API key and the dashboard password are shown once; store them now.");
    }
    Ok(())
}

/// `tokenvault audit verify`.
async fn verify_audit(global: &Global) -> Result<(), String> {
    let opened = open(global, false).await?;
    match opened
        .vault
        .store()
        .verify_audit_chain()
        .await
        .map_err(|e| e.to_string())?
    {
        Ok(n) => {
            println!("audit chain intact: {n} records");
            Ok(())
        }
        Err(seq) => Err(format!("audit chain broken at record {seq}")),
    }
}

/// `tokenvault backup`.
async fn backup(global: &Global, to: &std::path::Path) -> Result<(), String> {
    if to.exists() {
        return Err(format!("{} already exists", to.display()));
    }
    let opened = open(global, false).await?;
    let Some(sqlite) = &opened.sqlite else {
        return Err(
            "backup copies the SQLite database; for PostgreSQL use pg_dump (docs/deployment.md)"
                .into(),
        );
    };
    sqlite.backup(to).await.map_err(|e| e.to_string())?;
    println!(
        "backed up to {} (the root key file is not included: back it up separately)",
        to.display()
    );
    Ok(())
}
