//! The Node SDK (`sdks/node`) against the real binary: `npm ci` (TypeScript and Node's types
//! from the lockfile), the ESM and CommonJS builds, `node --test` driving `tokenvault serve`
//! (`TOKENVAULT_BIN`), and `npm pack`. Node 18+ with npm must be on the PATH; the test fails,
//! never skips, without them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use std::path::Path;

use common::{npm_ci, run_tool};

#[test]
fn the_node_sdk_builds_passes_its_suite_and_packs() {
    let sdk = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sdks/node");
    npm_ci(&sdk);
    run_tool(&sdk, "npm", &["run", "build", "--silent"], &[]);
    let report = run_tool(
        &sdk,
        "node",
        &["--test", "test/"],
        &[("TOKENVAULT_BIN", env!("CARGO_BIN_EXE_tokenvault"))],
    );
    println!("{report}");
    assert!(report.contains("# fail 0"), "{report}");
    let out = tempfile::tempdir().unwrap();
    run_tool(
        &sdk,
        "npm",
        &[
            "pack",
            "--silent",
            "--pack-destination",
            out.path().to_str().unwrap(),
        ],
        &[],
    );
    assert!(
        out.path().join("tokenvault-client-1.0.0.tgz").exists(),
        "npm pack made no tarball"
    );
}
