//! `iam-playground validate` over files and directories: the walk, the kinds of file, SARIF
//! (byte-compared with a golden file that the test command checks against the SARIF 2.1.0
//! schema) and the exit statuses. `BLESS=1 cargo test -p iam-playground --test
//! validate_files` rewrites the golden file after a deliberate change.

// Test helpers may panic on broken fixtures: that is how they fail.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::bin;
use serde_json::Value;

/// The committed fixture tree: policies, templates, authorization details, a scenario, a
/// Terraform file and files that are none of these.
fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/validate-tree")
}

fn golden(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden/sarif")
        .join(name)
}

/// A policy with an error (`Effect: Alow`), for the places a walk must not enter.
const BROKEN: &str = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Alow", "Action": "s3:GetObject", "Resource": "*"}}"#;

/// A fresh temporary directory for one test.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iam-validate-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Copies the fixture tree into `to`.
fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Runs the binary in `dir`.
fn run_in(dir: &Path, args: &[&str]) -> Output {
    bin().current_dir(dir).args(args).output().unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

/// The SARIF log with the tool's version replaced, so the golden file survives a release.
fn normalize(sarif: &str) -> String {
    let version = iam_engine::VERSION;
    sarif
        .replace(
            &format!("\"version\": \"{version}\""),
            "\"version\": \"VERSION\"",
        )
        .replace(
            &format!("\"semanticVersion\": \"{version}\""),
            "\"semanticVersion\": \"VERSION\"",
        )
}

#[test]
fn sarif_of_the_fixture_tree_matches_the_golden_file() {
    let dir = temp_dir("sarif");
    copy_tree(&fixtures(), &dir);
    // Places a walk does not enter, each with a policy that has an error.
    for skipped in [
        ".hidden/broken.json",
        "node_modules/pkg/broken.json",
        "target/debug/broken.json",
    ] {
        write(&dir.join(skipped), BROKEN);
    }
    let out = run_in(&dir, &["validate", "--format", "sarif", "."]);
    // policies/typo.json has an error.
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let sarif = normalize(&stdout(&out));
    let log: Value = serde_json::from_str(&sarif).unwrap();
    let run = &log["runs"][0];
    let uris: Vec<&str> = run["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["location"]["uri"].as_str().unwrap())
        .collect();
    assert_eq!(
        uris,
        [
            "accounts/authorization-details.json",
            "accounts/scenario.json",
            "policies/admin.json",
            "policies/clean.json",
            "policies/typo.json",
            "templates/app.yaml",
        ]
    );
    // The Terraform file is a notification, not an artifact.
    let notes = run["invocations"][0]["toolExecutionNotifications"].to_string();
    assert!(notes.contains("main.tf: skipped: Terraform"), "{notes}");
    // A finding inside the template points at the template's line.
    let trust = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "trust-non-sts-action")
        .unwrap();
    let location = &trust["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "templates/app.yaml");
    assert_eq!(location["region"]["startLine"], 12);
    assert_eq!(location["region"]["startColumn"], 21);
    assert_eq!(location["region"]["endColumn"], 33);
    assert_eq!(trust["level"], "error");

    let path = golden("fixture-tree.sarif");
    if std::env::var_os("BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &sarif).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(
        expected == sarif,
        "the SARIF differs from {} (BLESS=1 rewrites it)",
        path.display()
    );
}

#[test]
fn the_walk_skips_hidden_directories_node_modules_and_target_but_not_look_alikes() {
    let dir = temp_dir("walk");
    for path in [
        ".hidden/x.json",
        ".git/x.json",
        "node_modules/x.json",
        "target/x.json",
        // Near misses: names that only resemble the skipped ones are walked.
        "hidden/x.json",
        "targets/x.json",
        "a/node_modules.d/x.json",
        "b/.x.json",
    ] {
        write(&dir.join(path), BROKEN);
    }
    let out = run_in(&dir, &["validate", "--format", "json", "."]);
    assert_eq!(out.status.code(), Some(1));
    let reports: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let files: Vec<&str> = reports
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        files,
        [
            "./a/node_modules.d/x.json",
            "./b/.x.json",
            "./hidden/x.json",
            "./targets/x.json",
        ]
    );
    assert!(
        reports[0]["findings"]
            .to_string()
            .contains("policy-bad-effect")
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn several_files_each_with_their_own_kind_and_the_text_totals() {
    let dir = fixtures();
    let out = run_in(
        &dir,
        &[
            "validate",
            "templates/app.yaml",
            "accounts/scenario.json",
            "policies/clean.json",
        ],
    );
    let text = stdout(&out);
    // The trust policy's s3: action is an error: exit 1.
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains(" --> templates/app.yaml:12:21"), "{text}");
    assert!(
        text.contains("role AppRole AssumeRolePolicyDocument: "),
        "{text}"
    );
    // The bucket policy, a resource policy, allows anyone.
    assert!(
        text.contains("principal-anyone-without-condition"),
        "{text}"
    );
    // The scenario's inline policy compares an IP key with a string operator, inside the
    // document string on line 12 of the scenario file.
    assert!(text.contains(" --> accounts/scenario.json:"), "{text}");
    assert!(
        text.contains("3 files checked, 6 policy documents validated"),
        "{text}"
    );
}

#[test]
fn exit_statuses_unreadable_inputs_and_unknown_files() {
    let dir = fixtures();
    // A missing file is 2, and the others are still reported.
    let out = run_in(
        &dir,
        &["validate", "policies/admin.json", "policies/missing.json"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot read policies/missing.json"),
        "{}",
        stderr(&out)
    );
    assert!(
        stdout(&out).contains("security-full-admin"),
        "{}",
        stdout(&out)
    );
    // A named JSON file of no known kind is validated as a policy (as before)...
    let out = run_in(&dir, &["validate", "package.json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    // ...unless --skip-unknown (pre-commit's hook) skips it as a walk would.
    let out = run_in(
        &dir,
        &[
            "validate",
            "--skip-unknown",
            "package.json",
            "policies/clean.json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(
        stdout(&out).trim(),
        "0 errors, 0 security warnings, 0 warnings, 0 suggestions"
    );
    // A named YAML file that is no template is skipped with a note; a .tf file too.
    let out = run_in(
        &dir,
        &["validate", "templates/pipeline.yml", "infra/main.tf"],
    );
    assert_eq!(out.status.code(), Some(0));
    let err = stderr(&out);
    assert!(err.contains("templates/pipeline.yml: skipped"), "{err}");
    assert!(err.contains("infra/main.tf: skipped: Terraform"), "{err}");
    // An error in the template (here, made by a broken YAML) is an error finding: exit 1.
    let tmp = temp_dir("broken-template");
    write(&tmp.join("t.yaml"), "Resources:\n  R: [\n");
    let out = run_in(&tmp, &["validate", "--format", "sarif", "t.yaml"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let log: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let rule = log["runs"][0]["results"][0]["ruleId"].as_str().unwrap();
    assert!(rule.starts_with("import-"), "{rule}");
    std::fs::remove_dir_all(&tmp).unwrap();
}
