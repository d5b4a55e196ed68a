//! The Node SDK (`sdks/node`) against the real binary: `npm ci` (TypeScript and Node's types
//! from the lockfile), the ESM and CommonJS builds, `node --test` driving `tokenvault serve`
//! (`TOKENVAULT_BIN`), and `npm pack`. Node 18+ with npm must be on the PATH; the test fails,
//! never skips, without them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::{path::Path, process::Command};

fn run(dir: &Path, program: &str, args: &[&str], env: &[(&str, &str)]) -> String {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .envs(env.iter().copied())
        .output()
        .unwrap_or_else(|e| {
            panic!("{program} could not start ({e}); install Node.js 18+ with npm")
        });
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{program} {args:?} failed:\n{text}");
    text
}

#[test]
fn the_node_sdk_builds_passes_its_suite_and_packs() {
    let sdk = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sdks/node");
    run(
        &sdk,
        "npm",
        &["ci", "--no-audit", "--no-fund", "--loglevel=error"],
        &[],
    );
    run(&sdk, "npm", &["run", "build", "--silent"], &[]);
    let report = run(
        &sdk,
        "node",
        &["--test", "test/"],
        &[("TOKENVAULT_BIN", env!("CARGO_BIN_EXE_tokenvault"))],
    );
    println!("{report}");
    assert!(report.contains("# fail 0"), "{report}");
    let out = tempfile::tempdir().unwrap();
    run(
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
