//! `explain-denied`: the AccessDenied decoder on the command line, from a message alone and
//! against a scenario file.

// Test helpers may panic on broken fixtures: that is how they fail.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{assert_success, bin, with_stdin};
use iam_engine::scenario::{InlinePolicy, Scenario, User};
use serde_json::Value;

const MESSAGE: &str = "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: s3:DeleteBucket on resource: arn:aws:s3:::prod-logs because no identity-based policy allows the s3:DeleteBucket action";

/// A scenario file with user dev, who may read the bucket's objects but not delete it.
fn scenario_file(name: &str) -> std::path::PathBuf {
    let scenario = iam_engine_scenario();
    let path =
        std::env::temp_dir().join(format!("explain-denied-{}-{name}.json", std::process::id()));
    std::fs::write(&path, scenario).unwrap();
    path
}

fn iam_engine_scenario() -> String {
    let mut s = Scenario::new("123456789012");
    let mut dev = User::new("dev");
    dev.inline_policies.push(InlinePolicy {
        name: "Read".into(),
        document: r#"{"Version":"2012-10-17","Statement":[{"Sid":"ReadLogs","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::prod-logs/*"}]}"#.into(),
    });
    s.add_user(dev).unwrap();
    s.to_json_pretty()
}

#[test]
fn the_message_alone_gives_the_request_and_advice() {
    let out = bin().args(["explain-denied", MESSAGE]).output().unwrap();
    assert_success(&out);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("principal: arn:aws:iam::123456789012:user/dev (IAM user)"),
        "{text}"
    );
    assert!(text.contains("action:    s3:DeleteBucket"), "{text}");
    assert!(text.contains("resource:  arn:aws:s3:::prod-logs"), "{text}");
    assert!(
        text.contains("AWS says:  no identity-based policy allows the action"),
        "{text}"
    );
    assert!(text.contains("No identity-based policy of"), "{text}");
}

#[test]
fn a_scenario_gives_the_layer_agreement_and_a_verified_fix() {
    let path = scenario_file("fix");
    let out = bin()
        .args(["explain-denied", MESSAGE, "--scenario"])
        .arg(&path)
        .arg("--json")
        .output()
        .unwrap();
    assert_success(&out);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["request"]["principal"], "user/dev");
    assert_eq!(v["request"]["action"], "s3:DeleteBucket");
    assert_eq!(v["request"]["resource"], "arn:aws:s3:::prod-logs");
    assert_eq!(v["simulated"]["decision"], "implicitDeny");
    assert_eq!(v["simulated"]["denyingLayers"][0], "identity");
    assert_eq!(v["simulated"]["agreement"]["reasonAgrees"], true);
    assert_eq!(v["fix"]["verified"], true);
    assert_eq!(v["fix"]["steps"][0]["op"], "putInlinePolicy");
    assert_eq!(v["fix"]["steps"][0]["name"], "Allow-s3-DeleteBucket");

    let out = bin()
        .args(["explain-denied", MESSAGE, "--scenario"])
        .arg(&path)
        .output()
        .unwrap();
    assert_success(&out);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("decision:  implicitly denied (by the identity-based policy)"),
        "{text}"
    );
    assert!(text.contains("AWS's claim agrees"), "{text}");
    assert!(
        text.contains(
            "Fix (verified: the request is then allowed): Allow s3:DeleteBucket for user dev"
        ),
        "{text}"
    );
    assert!(text.contains("\"Action\": \"s3:DeleteBucket\""), "{text}");
    std::fs::remove_file(path).unwrap();
}

#[test]
fn a_file_or_standard_input_is_read_as_the_input() {
    let path = std::env::temp_dir().join(format!("explain-denied-{}-msg.txt", std::process::id()));
    std::fs::write(&path, MESSAGE).unwrap();
    let out = bin()
        .arg("explain-denied")
        .arg(&path)
        .arg("--json")
        .output()
        .unwrap();
    assert_success(&out);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["denied"]["action"], "s3:DeleteBucket");
    assert_eq!(v["denied"]["claimed"]["layer"], "identity");
    std::fs::remove_file(path).unwrap();

    let out = with_stdin(&["explain-denied", "-", "--json"], MESSAGE);
    assert_success(&out);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["denied"]["principal"]["kind"], "user");
}

#[test]
fn a_disagreeing_claim_is_said_plainly() {
    let path = scenario_file("scp");
    let out = bin()
        .args([
            "explain-denied",
            "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: s3:DeleteBucket on resource: arn:aws:s3:::prod-logs with an explicit deny in a service control policy",
            "--scenario",
        ])
        .arg(&path)
        .output()
        .unwrap();
    assert_success(&out);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("AWS's claim DISAGREES"), "{text}");
    assert!(text.contains("SCPs are missing"), "{text}");
    std::fs::remove_file(path).unwrap();
}

#[test]
fn unreadable_input_exits_2_with_line_and_column() {
    let out = bin()
        .args(["explain-denied", "this is not an error message"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with("<message>:1:"), "{err}");
}
