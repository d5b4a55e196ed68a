//! The Python SDK (`sdks/python`) against the real binary: a virtualenv in
//! `target/python-sdk-venv` gets the SDK (editable) with its test extras from PyPI, then
//! `mypy --strict` checks the package and its tests and pytest drives `tokenvault serve`
//! (`TOKENVAULT_BIN`). Python 3.9+ with `venv` must be on the PATH; the test fails, never
//! skips, without it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::{path::Path, process::Command};

fn run(dir: &Path, program: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .envs(env.iter().copied())
        .output()
        .unwrap_or_else(|e| panic!("{} could not start ({e})", program.display()));
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "{} {args:?} failed:\n{text}",
        program.display()
    );
    text
}

#[test]
fn the_python_sdk_passes_mypy_strict_and_its_suite() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let sdk = root.join("sdks/python");
    let venv = root.join("target/python-sdk-venv");
    let bin = venv.join("bin");
    if !bin.join("python").exists() {
        run(
            &root,
            Path::new("python3"),
            &["-m", "venv", venv.to_str().unwrap()],
            &[],
        );
    }
    run(
        &sdk,
        &bin.join("python"),
        &["-m", "pip", "install", "-q", "-e", ".[test]"],
        &[],
    );
    run(
        &sdk,
        &bin.join("mypy"),
        &["--strict", "src", "tests", "examples"],
        &[],
    );
    let report = run(
        &sdk,
        &bin.join("python"),
        &["-m", "pytest", "-q", "tests"],
        &[("TOKENVAULT_BIN", env!("CARGO_BIN_EXE_tokenvault"))],
    );
    println!("{report}");
    assert!(report.contains(" passed"), "{report}");
    assert!(!report.contains(" failed"), "{report}");
}

/// A wheel and an sdist build from the checkout (`python -m build`).
#[test]
fn the_python_sdk_builds_a_wheel_and_an_sdist() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let sdk = root.join("sdks/python");
    let venv = root.join("target/python-sdk-build-venv");
    let bin = venv.join("bin");
    if !bin.join("python").exists() {
        run(
            &root,
            Path::new("python3"),
            &["-m", "venv", venv.to_str().unwrap()],
            &[],
        );
    }
    run(
        &sdk,
        &bin.join("python"),
        &["-m", "pip", "install", "-q", "build>=1"],
        &[],
    );
    let out = tempfile::tempdir().unwrap();
    run(
        &sdk,
        &bin.join("python"),
        &["-m", "build", "--outdir", out.path().to_str().unwrap()],
        &[],
    );
    let names: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().any(|n| n.ends_with("-py3-none-any.whl")),
        "{names:?}"
    );
    assert!(names.iter().any(|n| n.ends_with(".tar.gz")), "{names:?}");
}
