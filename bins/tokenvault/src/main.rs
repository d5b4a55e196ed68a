//! The `tokenvault` binary: the server, and offline administration of its data directory.

mod admin_cmd;
mod commands;
mod config;
mod migrate;
mod open;
mod policy_cmd;
mod role_cmd;
mod user_cmd;

use std::{path::PathBuf, process::ExitCode};

use clap::{Parser, Subcommand};

/// mimalloc instead of the system allocator: a tokenize request allocates and frees thousands
/// of small strings, and glibc's allocator spent a quarter of the server's time doing so.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Settings every command shares.
#[derive(Debug, Clone, clap::Args)]
pub struct Global {
    /// TOML configuration file.
    #[arg(long, env = "TOKENVAULT_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// Data directory (default ./tokenvault-data).
    #[arg(long, env = "TOKENVAULT_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// Root key file (default <data-dir>/root.key).
    #[arg(long, env = "TOKENVAULT_ROOT_KEY_FILE", global = true)]
    pub root_key_file: Option<PathBuf>,
    /// Database: `postgres://user@host:port/db` for several nodes (default: SQLite in the data
    /// directory).
    #[arg(long, env = "TOKENVAULT_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// Redis shared by the nodes for cluster-wide rate limits (`redis://host:6379`).
    #[arg(long, env = "TOKENVAULT_REDIS_URL", global = true)]
    pub redis_url: Option<String>,
}

#[derive(Debug, Parser)]
#[command(
    name = "tokenvault",
    version,
    about = "Self-hosted PII tokenization vault"
)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the server.
    Serve {
        /// Listen address (default 127.0.0.1:8700).
        #[arg(long, env = "TOKENVAULT_LISTEN")]
        listen: Option<String>,
    },
    /// Create the data directory if needed, a tenant, an API key and an admin JWT.
    Init {
        /// Tenant name.
        #[arg(long, default_value = "default")]
        name: String,
        /// Admin JWT lifetime in seconds.
        #[arg(long, default_value_t = 86_400)]
        admin_ttl: i64,
        /// Print `{"tenant_id", "api_key", "admin_jwt"}`.
        #[arg(long)]
        json: bool,
    },
    /// Tenants.
    #[command(subcommand)]
    Tenant(TenantCommand),
    /// API keys (for `POST /tokenize`).
    #[command(subcommand)]
    Apikey(ApiKeyCommand),
    /// Policies (the same resource as `/policies`; audited as the operator `cli`).
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Roles: what each role may do (the same resource as `/roles`), the two-person rule and
    /// the changes waiting for approval; audited as the operator `cli`.
    #[command(subcommand)]
    Role(RoleCommand),
    /// Dashboard users (sign-in at `/ui/`); audited as the operator `cli`.
    #[command(subcommand)]
    User(UserCommand),
    /// The object vault's IAM configuration (TOML, as `/api/pvlt/1.0/ctl/iam/conf`); audited
    /// as the operator `cli`.
    #[command(subcommand)]
    Iam(IamCommand),
    /// JWTs.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Tenant keys.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Turn a tenant's emergency kill switch on or off.
    KillSwitch {
        /// `on` or `off`.
        state: commands::OnOff,
        /// The tenant.
        #[arg(long)]
        tenant: String,
    },
    /// The audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Copy the SQLite database, consistently, while the server runs.
    Backup {
        /// Destination file (must not exist).
        #[arg(long)]
        to: PathBuf,
    },
    /// Copy a SQLite vault into PostgreSQL (tenants, keys, policies, tokens, audit chain, usage),
    /// resumably, then verify counts and the audit chain. Stop the SQLite server first.
    MigrateStore {
        /// The SQLite database file (`…/tokenvault.db`).
        #[arg(long)]
        from: PathBuf,
        /// The PostgreSQL URL.
        #[arg(long)]
        to: String,
    },
    /// Replace the data directory's SQLite database with a backup (the server must be stopped).
    Restore {
        /// A file made by `tokenvault backup`.
        #[arg(long)]
        from: PathBuf,
        /// Replace an existing database.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Subcommand)]
enum TenantCommand {
    /// Create a tenant (with its first key version).
    Create {
        /// Name.
        #[arg(long)]
        name: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List tenants.
    List,
    /// Show, set (`--quota N`) or remove (`--unlimited`) a tenant's monthly quota.
    Quota {
        /// The tenant.
        #[arg(long)]
        tenant: String,
        /// Set the quota: operations per calendar month. Without `--quota` or `--unlimited`
        /// the quota is shown, not changed.
        #[arg(long, conflicts_with = "unlimited")]
        quota: Option<u64>,
        /// Remove the quota.
        #[arg(long)]
        unlimited: bool,
    },
    /// Crypto-shred a tenant: destroy every key version, so none of its tokens can ever be
    /// opened again, and turn its kill switch on. Irreversible; audited.
    Shred {
        /// The tenant.
        #[arg(long)]
        tenant: String,
        /// The tenant's id again, to confirm.
        #[arg(long)]
        confirm: String,
    },
}

#[derive(Debug, Subcommand)]
enum ApiKeyCommand {
    /// Create an API key; the key is printed once.
    Create {
        /// The tenant.
        #[arg(long)]
        tenant: String,
        /// A label.
        #[arg(long, default_value = "cli")]
        name: String,
    },
    /// List a tenant's keys (ids and state, never secrets).
    List {
        /// The tenant.
        #[arg(long)]
        tenant: String,
    },
    /// Revoke a key.
    Revoke {
        /// The tenant.
        #[arg(long)]
        tenant: String,
        /// The key id (`key_…`).
        #[arg(long)]
        id: String,
    },
}

#[derive(Debug, Subcommand)]
enum IamCommand {
    /// Print the tenant's configuration.
    Show {
        /// The tenant.
        #[arg(long)]
        tenant: String,
    },
    /// Replace the tenant's configuration with a TOML file (checked whole first).
    Set {
        /// The tenant.
        #[arg(long)]
        tenant: String,
        /// The TOML file.
        #[arg(long)]
        file: std::path::PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Add a dashboard user. The password comes from `--password-file`, else the
    /// `TOKENVAULT_USER_PASSWORD` environment variable, else one is generated and printed once
    /// (never from the command line, where other users of the machine could read it).
    Create {
        /// The tenant.
        #[arg(long)]
        tenant: String,
        /// The sign-in name (lower-case letters, digits, `. _ @ -`).
        login: String,
        /// Comma-separated roles, e.g. `admin` or `auditor,privacy_officer`.
        #[arg(long)]
        roles: String,
        /// A file holding the password (its first line).
        #[arg(long)]
        password_file: Option<std::path::PathBuf>,
    },
    /// List the tenant's dashboard users as JSON lines.
    List {
        /// The tenant.
        #[arg(long)]
        tenant: String,
    },
    /// Set a user's password (as `create`; the user's sessions end).
    Passwd {
        /// The tenant.
        #[arg(long)]
        tenant: String,
        /// The user.
        login: String,
        /// A file holding the password (its first line).
        #[arg(long)]
        password_file: Option<std::path::PathBuf>,
    },
    /// Disable (`off`: sign-in refused, sessions end) or enable (`on`) a user.
    Access {
        /// The tenant.
        #[arg(long)]
        tenant: String,
        /// The user.
        login: String,
        /// `on` or `off`.
        state: commands::OnOff,
    },
    /// Remove a user (its sessions end).
    Delete {
        /// The tenant.
        #[arg(long)]
        tenant: String,
        /// The user.
        login: String,
    },
}

#[derive(Debug, Subcommand)]
enum RoleCommand {
    /// List the tenant's roles and their permissions as JSON lines (`admin` holds all).
    List {
        /// The tenant.
        #[arg(long)]
        tenant: String,
    },
    /// Give a role exactly these permissions (comma-separated, e.g. `audit:read,vault:read`).
    Set {
        /// The tenant.
        #[arg(long)]
        tenant: String,
        /// The role.
        role: String,
        /// Comma-separated permission names (see docs/security.md).
        #[arg(long)]
        permissions: String,
    },
    /// Remove a role's mapping: it then holds no permission.
    Delete {
        /// The tenant.
        #[arg(long)]
        tenant: String,
        /// The role.
        role: String,
    },
    /// List changes under the two-person rule as JSON lines.
    Changes {
        /// The tenant.
        #[arg(long)]
        tenant: String,
        /// Only `pending`, `approved` or `rejected`.
        #[arg(long)]
        status: Option<String>,
    },
    /// Approve a pending change (applies it).
    Approve {
        /// The tenant.
        #[arg(long)]
        tenant: String,
        /// The change id (`chg_…`).
        id: String,
    },
    /// Reject a pending change.
    Reject {
        /// The tenant.
        #[arg(long)]
        tenant: String,
        /// The change id (`chg_…`).
        id: String,
    },
    /// Turn the two-person rule on or off: changes that widen access to plaintext then wait
    /// for a second holder of the permission.
    TwoPerson {
        /// The tenant.
        #[arg(long)]
        tenant: String,
        /// `on` or `off`.
        state: crate::commands::OnOff,
    },
}

#[derive(Debug, Subcommand)]
enum PolicyCommand {
    /// List a tenant's policies (current versions) as JSON lines.
    List {
        /// The tenant.
        #[arg(long)]
        tenant: String,
    },
    /// Create a policy from a JSON file (the body of `POST /policies`; `-` reads stdin).
    Create {
        /// The tenant.
        #[arg(long)]
        tenant: String,
        /// The policy JSON.
        #[arg(long)]
        file: PathBuf,
    },
    /// Replace a policy with a new version (the body of `PUT /policies/:id`, with `version`).
    Update {
        /// The tenant.
        #[arg(long)]
        tenant: String,
        /// The policy id (`pol_…`).
        #[arg(long)]
        id: String,
        /// The policy JSON.
        #[arg(long)]
        file: PathBuf,
    },
    /// Delete a policy: its key is freed, grants for its tokens are refused.
    Delete {
        /// The tenant.
        #[arg(long)]
        tenant: String,
        /// The policy id (`pol_…`).
        #[arg(long)]
        id: String,
    },
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Mint a JWT for a user; prints the JWT alone.
    Mint {
        /// The tenant.
        #[arg(long)]
        tenant: String,
        /// The user id.
        #[arg(long)]
        user: String,
        /// Comma-separated roles.
        #[arg(long, value_delimiter = ',')]
        roles: Vec<String>,
        /// Lifetime in seconds (default 3600).
        #[arg(long)]
        ttl: Option<i64>,
    },
}

#[derive(Debug, Subcommand)]
enum KeysCommand {
    /// Add a key version; new tokens use it, old ones still open.
    Rotate {
        /// The tenant.
        #[arg(long)]
        tenant: String,
    },
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Verify the hash chain of the whole audit trail.
    Verify,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli.global, cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
