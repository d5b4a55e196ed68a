//! The dashboard in a real browser: `ui-tests/` (Playwright driving Debian's Chromium, from
//! `CHROMIUM` or `/usr/bin/chromium`) against `tokenvault serve` on a vault made by
//! `tokenvault init`, signing in with what init printed. Node 18+ with npm and Chromium must
//! be installed (`.ci/run` installs them); the test fails, never skips, without them.
//! Screenshots of each page go to `target/tmp/ui-screenshots/`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use std::path::Path;

use common::{cli, npm_ci, run_tool, Server};

#[test]
fn the_dashboard_works_in_chromium() {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&chromium).exists(),
        "no Chromium at {chromium}: apt-get install chromium (or set CHROMIUM)"
    );
    let data = tempfile::tempdir().unwrap();
    let init = cli(data.path(), &["init", "--json"]);
    assert!(
        init.status.success(),
        "{}",
        String::from_utf8_lossy(&init.stderr)
    );
    let boot: serde_json::Value = serde_json::from_slice(&init.stdout).unwrap();
    let server = Server::start(data.path(), &[]);
    let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui-tests");
    npm_ci(&tests);
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ui-screenshots");
    let report = run_tool(
        &tests,
        "node",
        &["--test", "--test-concurrency=1", "dashboard.test.mjs"],
        &[
            ("TV_BASE", &server.base),
            ("TV_LOGIN", boot["dashboard_login"].as_str().unwrap()),
            ("TV_PASSWORD", boot["dashboard_password"].as_str().unwrap()),
            ("TV_API_KEY", boot["api_key"].as_str().unwrap()),
            ("TV_SCREENSHOTS", shots.to_str().unwrap()),
            ("CHROMIUM", &chromium),
        ],
    );
    println!("{report}");
    assert!(report.contains("# fail 0"), "{report}");
    assert!(report.contains("# pass 11"), "{report}");
}
