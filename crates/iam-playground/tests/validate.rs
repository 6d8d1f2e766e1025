//! `iam-playground validate`: output formats and exit statuses.

// Test helpers may panic on broken fixtures: that is how they fail.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::with_stdin;

fn run(args: &[&str], stdin: &str) -> (i32, String, String) {
    let out = with_stdin(args, stdin);
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

const BAD_EFFECT: &str = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": {\"Effect\": \"Alow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}\n}\n";
const PASSROLE: &str = "{\"Version\": \"2012-10-17\", \"Statement\": {\"Effect\": \"Allow\", \"Action\": \"iam:PassRole\", \"Resource\": \"*\"}}";
const CLEAN: &str = "{\"Version\": \"2012-10-17\", \"Statement\": {\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::bucket/*\"}}";

#[test]
fn an_error_underlines_the_line_and_exits_1() {
    let (code, out, _) = run(&["validate", "--policy-type", "identity", "-"], BAD_EFFECT);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("error[policy-bad-effect]"), "{out}");
    assert!(out.contains(" --> <stdin>:3:27"), "{out}");
    assert!(out.contains("^^^^^^"), "{out}");
    assert!(
        out.contains("= learn more: https://docs.aws.amazon.com/"),
        "{out}"
    );
    assert!(out.contains("1 error,"), "{out}");
}

#[test]
fn warnings_alone_exit_0() {
    let (code, out, _) = run(&["validate", "-"], PASSROLE);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("security warning[security-passrole-star]"),
        "{out}"
    );
}

#[test]
fn a_clean_policy_prints_the_zero_summary() {
    let (code, out, _) = run(&["validate", "-"], CLEAN);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        out.trim(),
        "0 errors, 0 security warnings, 0 warnings, 0 suggestions"
    );
}

#[test]
fn json_output_carries_codes_severities_and_positions() {
    let (code, out, _) = run(
        &["validate", "--json", "--policy-type", "identity", "-"],
        BAD_EFFECT,
    );
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let f = &v["findings"][0];
    assert_eq!(f["code"], "policy-bad-effect");
    assert_eq!(f["severity"], "ERROR");
    assert_eq!(f["start"]["line"], 3);
    assert!(f["learn_more"].as_str().unwrap().starts_with("https://"));
    assert_eq!(v["catalog"], true);
}

#[test]
fn the_catalog_finds_unknown_actions_unless_skipped() {
    let text = CLEAN.replace("s3:GetObject", "s3:GetObjekt");
    let (_, out, _) = run(&["validate", "-"], &text);
    assert!(out.contains("warning[action-unknown]"), "{out}");
    let (_, out, _) = run(&["validate", "--no-catalog", "-"], &text);
    assert!(!out.contains("action-unknown"), "{out}");
}

#[test]
fn trust_policy_type_and_file_argument() {
    let dir = std::env::temp_dir().join(format!("iam-validate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("trust.json");
    std::fs::write(&path, "{\"Version\": \"2012-10-17\", \"Statement\": {\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"*\"}, \"Action\": \"sts:AssumeRole\"}}").unwrap();
    let (code, out, _) = run(
        &["validate", "--policy-type", "trust", path.to_str().unwrap()],
        "",
    );
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("principal-anyone-without-condition"), "{out}");
}

#[test]
fn unusable_input_exits_2() {
    let (code, _, err) = run(&["validate", "/nonexistent/policy.json"], "");
    assert_eq!(code, 2);
    assert!(err.contains("cannot read"), "{err}");
    let (code, _, _) = run(&["validate", "--policy-type", "banana", "-"], "");
    assert_eq!(code, 2);
    let (code, _, _) = run(&["validate"], "");
    assert_eq!(code, 2);
}
