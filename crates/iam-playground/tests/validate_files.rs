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
            "infra/main.tf",
            "policies/admin.json",
            "policies/clean.json",
            "policies/typo.json",
            "templates/app.yaml",
        ]
    );
    // The Terraform file is read (it holds no policy), not skipped with a notification.
    let notes = run["invocations"][0]["toolExecutionNotifications"].to_string();
    assert!(!notes.contains("main.tf"), "{notes}");
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
    // A named YAML file that is no template is skipped with a note; a .tf file is read.
    let out = run_in(
        &dir,
        &["validate", "templates/pipeline.yml", "infra/main.tf"],
    );
    assert_eq!(out.status.code(), Some(0));
    let err = stderr(&out);
    assert!(err.contains("templates/pipeline.yml: skipped"), "{err}");
    assert!(!err.contains("infra/main.tf"), "{err}");
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

/// The Terraform fixtures: `infra/`, a configuration whose policy is built by a data source in
/// `documents.tf` and used by `roles.tf` (`iam:PassRole` on `*`); `plan.json`, `terraform show
/// -json` of a plan whose policy names an action s3 does not have; `clean/`, a configuration
/// with nothing to report.
fn terraform_fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/validate-terraform")
}

#[test]
fn a_terraform_directory_is_one_configuration_and_findings_name_the_tf_file_and_line() {
    let dir = terraform_fixtures();
    let out = run_in(&dir, &["validate", "infra"]);
    let text = stdout(&out);
    // A security warning is not an error.
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    assert!(
        text.contains("security warning[security-passrole-star]: aws_iam_policy.deploy policy: "),
        "{text}"
    );
    // The policy's attribute in roles.tf, though the data source is in documents.tf.
    assert!(text.contains(" --> infra/roles.tf:15:3"), "{text}");
    assert!(
        text.contains("2 files checked, 2 policy documents validated"),
        "{text}"
    );
    // The same files named on the command line are read together too, in JSON.
    let out = run_in(
        &dir,
        &[
            "validate",
            "--format",
            "json",
            "infra/roles.tf",
            "infra/documents.tf",
        ],
    );
    let reports: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let roles = &reports[0];
    assert_eq!(roles["file"], "infra/roles.tf");
    assert_eq!(roles["kind"], "terraform");
    assert_eq!(roles["findings"][0]["code"], "security-passrole-star");
    assert_eq!(roles["findings"][0]["start"]["line"], 15);
    assert_eq!(reports[1]["file"], "infra/documents.tf");
    assert_eq!(reports[1]["findings"].as_array().unwrap().len(), 0);
    // Named files of another directory are another configuration, beside this one.
    let out = run_in(
        &dir,
        &[
            "validate",
            "infra/roles.tf",
            "clean/main.tf",
            "infra/documents.tf",
        ],
    );
    let text = stdout(&out);
    assert!(text.contains(" --> infra/roles.tf:15:3"), "{text}");
    assert!(
        text.contains("3 files checked, 4 policy documents validated"),
        "{text}"
    );
    // Near miss: roles.tf alone cannot know the data source's document, so it is noted, not
    // validated, and nothing is reported against it.
    let out = run_in(&dir, &["validate", "infra/roles.tf"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        !stdout(&out).contains("security-passrole-star"),
        "{}",
        stdout(&out)
    );
    assert!(
        stderr(&out)
            .contains("note: infra/roles.tf: line 15, column 12: aws_iam_policy.deploy policy: it refers to data.aws_iam_policy_document.deploy"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_terraform_plan_is_recognised_and_its_findings_name_the_policys_line() {
    let dir = terraform_fixtures();
    let out = run_in(&dir, &["validate", "--format", "json", "plan.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["kind"], "terraform");
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["code"], "action-unknown");
    assert!(
        findings[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("aws_iam_policy.reports policy: "),
        "{findings:?}"
    );
    assert_eq!(findings[0]["start"]["line"], 15);
}

#[test]
fn a_clean_terraform_configuration_has_no_findings() {
    let out = run_in(&terraform_fixtures(), &["validate", "clean"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(
        text.trim(),
        "0 errors, 0 security warnings, 0 warnings, 0 suggestions",
        "{text}"
    );
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

#[test]
fn sarif_of_the_terraform_fixtures_matches_the_golden_file() {
    let out = run_in(
        &terraform_fixtures(),
        &["validate", "--format", "sarif", "."],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
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
            "clean/main.tf",
            "infra/documents.tf",
            "infra/roles.tf",
            "plan.json"
        ]
    );
    let results = run["results"].as_array().unwrap();
    let places: Vec<(&str, &str, u64)> = results
        .iter()
        .map(|r| {
            let l = &r["locations"][0]["physicalLocation"];
            (
                r["ruleId"].as_str().unwrap(),
                l["artifactLocation"]["uri"].as_str().unwrap(),
                l["region"]["startLine"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        places,
        [
            ("security-passrole-star", "infra/roles.tf", 15),
            ("action-unknown", "plan.json", 15),
        ]
    );
    let path = golden("terraform.sarif");
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&path, &sarif).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        expected == sarif,
        "the SARIF differs from {} (BLESS=1 rewrites it)",
        path.display()
    );
}
