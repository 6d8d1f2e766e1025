//! Helpers the CLI's integration tests share: running the built binary, feeding it standard
//! input, and the engine's fixture files.
//!
//! Every test file compiles this module on its own, so an item that some files do not use is
//! marked `#[allow(dead_code)]`.

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// The engine crate's folder, where the example scenarios and the golden files live.
#[allow(dead_code)]
pub const ENGINE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../iam-engine/");

/// The seed guide's admin setup as a scenario file.
#[allow(dead_code)]
pub const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../iam-engine/examples-data/seed-admin-template.json"
);

/// The built `iam-playground` binary, ready for arguments.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_iam-playground"))
}

/// Runs the binary with `args`, writes `input` to its standard input, and collects its output.
#[allow(dead_code)]
pub fn with_stdin(args: &[&str], input: &str) -> Output {
    let mut child = bin()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// Fails the test with the command's standard error when it did not exit successfully.
#[allow(dead_code)]
pub fn assert_success(out: &Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
