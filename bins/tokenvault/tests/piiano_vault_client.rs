//! Piiano's published typed client (`@piiano/vault-client` 1.1.6 from npm), unchanged, drives
//! the real server: `sdk-tests/piiano-vault-client` is installed with `npm ci` (its lockfile
//! pins the package and its integrity hash) and run with `node --test` against `tokenvault
//! serve` on a fresh data directory, with the credential `tokenvault init --json` prints.
//! Node 18 or newer and npm must be on the PATH; the suite fails (never skips) without them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use std::path::Path;

use common::{cli, npm_ci, run_tool, Server};

#[test]
fn the_published_piiano_client_works_unchanged() {
    let suite = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sdk-tests/piiano-vault-client");
    npm_ci(&suite);
    let data = tempfile::tempdir().unwrap();
    let out = cli(data.path(), &["init", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let boot: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let server = Server::start(data.path(), &[]);
    let report = run_tool(
        &suite,
        "node",
        &["--test", "--test-reporter=spec", "test/"],
        &[
            ("VAULT_URL", &server.base),
            ("VAULT_API_KEY", boot["api_key"].as_str().unwrap()),
            ("VAULT_ADMIN_JWT", boot["admin_jwt"].as_str().unwrap()),
        ],
    );
    println!("{report}");
    assert!(report.contains("fail 0"), "{report}");
}
