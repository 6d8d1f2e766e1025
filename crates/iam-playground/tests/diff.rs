//! Runs the built binary's `diff` on the permissions-boundary example with its boundary
//! removed, on two CloudFormation templates, on two versions of a policy document (one from
//! standard input), and on bad input; checks the gate's exit status.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::path::PathBuf;

use common::{ENGINE, assert_success, bin, with_stdin};
use serde_json::{Value, json};

/// A scratch folder for this test binary's files.
fn scratch(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("iam-playground-diff-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn boundary_example() -> String {
    format!("{ENGINE}examples-data/permissions-boundary.json")
}

/// The example with every user's boundary detached.
fn boundary_removed(dir: &std::path::Path) -> String {
    let mut s: Value =
        serde_json::from_str(&std::fs::read_to_string(boundary_example()).unwrap()).unwrap();
    for u in s["users"].as_array_mut().unwrap() {
        u.as_object_mut().unwrap().remove("permissionsBoundary");
    }
    let file = dir.join("after.json");
    std::fs::write(&file, s.to_string()).unwrap();
    file.to_str().unwrap().to_string()
}

#[test]
fn a_detached_boundary_fails_the_new_access_gate_with_a_witness() {
    let dir = scratch("boundary");
    let after = boundary_removed(&dir);
    let out = bin()
        .args([
            "diff",
            &boundary_example(),
            &after,
            "--fail-on",
            "new-access",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Summary: user maria gains "), "{text}");
    assert!(text.contains("witness: user/maria "), "{text}");
    assert!(
        text.contains("before: implicitDeny (Implicitly denied: The permissions boundary"),
        "{text}"
    );
    assert!(text.contains("after:  allowed"), "{text}");
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("diff --fail-on new-access: user maria gains")
    );

    // Swapped, the change only takes access away: new-access passes, any-change fails.
    let out = bin()
        .args([
            "diff",
            &after,
            &boundary_example(),
            "--fail-on",
            "new-access",
        ])
        .output()
        .unwrap();
    assert_success(&out);
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("Summary: user maria loses ")
    );
    let out = bin()
        .args([
            "diff",
            &after,
            &boundary_example(),
            "--fail-on",
            "any-change",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));

    // The same file on both sides: no change.
    let out = bin()
        .args(["diff", &after, &after, "--fail-on", "any-change"])
        .output()
        .unwrap();
    assert_success(&out);
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("Summary: no change in access")
    );
    std::fs::remove_dir_all(&dir).ok();
}

const TEMPLATE: &str = r#"
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Deploy:
    Type: AWS::IAM::Role
    Properties:
      RoleName: ci-deploy
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Service: codebuild.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: Release
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: [s3:PutObject, s3:DeleteObject]
                Resource: RESOURCE
"#;

#[test]
fn two_templates_compare_as_json_with_verified_witnesses() {
    let dir = scratch("templates");
    let before = dir.join("before.yaml");
    let after = dir.join("after.yaml");
    std::fs::write(
        &before,
        TEMPLATE.replace("RESOURCE", "arn:aws:s3:::releases/app.zip"),
    )
    .unwrap();
    std::fs::write(
        &after,
        TEMPLATE.replace("RESOURCE", "arn:aws:s3:::releases/*"),
    )
    .unwrap();
    let out = bin()
        .args([
            "diff",
            before.to_str().unwrap(),
            after.to_str().unwrap(),
            "--json",
        ])
        .output()
        .unwrap();
    assert_success(&out);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["verdict"], "morePermissive");
    assert_eq!(v["newlyAllowed"], 2);
    assert_eq!(v["newlyDenied"], 0);
    assert_eq!(
        v["summaryText"],
        "role ci-deploy gains 2 write actions on s3 in arn:aws:s3:::releases/*"
    );
    let group = &v["changes"][0]["groups"][0];
    assert_eq!(group["actions"], json!(["s3:DeleteObject", "s3:PutObject"]));
    assert_eq!(group["witness"]["resource"], "arn:aws:s3:::releases/x");
    assert_eq!(group["witness"]["verified"], true);
    assert_eq!(group["witness"]["before"]["decision"], "implicitDeny");
    assert_eq!(group["witness"]["after"]["decision"], "allowed");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn two_policy_documents_get_a_verdict_one_side_from_standard_input() {
    let dir = scratch("documents");
    let before = dir.join("before.json");
    std::fs::write(
        &before,
        json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Deny", "Action": "iam:*", "Resource": "*"}]})
        .to_string(),
    )
    .unwrap();
    let after = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "NotAction": "iam:*", "Resource": "*"}]})
    .to_string();
    let out = with_stdin(
        &[
            "diff",
            before.to_str().unwrap(),
            "-",
            "--policy-type",
            "identity",
        ],
        &after,
    );
    assert_success(&out);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("Verdict: incomparable"), "{text}");
    assert!(
        text.contains("  more permissive:\n      witness: user/subject iam:"),
        "{text}"
    );
    assert!(
        text.contains("  less permissive:\n      witness: user/subject "),
        "{text}"
    );

    let out = with_stdin(
        &[
            "diff",
            before.to_str().unwrap(),
            "-",
            "--policy-type",
            "identity",
            "--json",
            "--fail-on",
            "new-access",
        ],
        &after,
    );
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["verdict"], "incomparable");
    assert_eq!(v["morePermissiveWitness"]["after"]["decision"], "allowed");
    assert_eq!(
        v["lessPermissiveWitness"]["after"]["decision"],
        "explicitDeny"
    );

    let out = bin()
        .args([
            "diff",
            before.to_str().unwrap(),
            before.to_str().unwrap(),
            "--policy-type",
            "boundary",
        ])
        .output()
        .unwrap();
    assert_success(&out);
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .starts_with("Verdict: equivalent")
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bad_input_exits_2() {
    let out = bin()
        .args(["diff", "/nonexistent/before.json", &boundary_example()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    // A version AWS would reject, with its place.
    let out = with_stdin(
        &[
            "diff",
            "-",
            &boundary_example(),
            "--policy-type",
            "identity",
        ],
        "{\"Version\": \"2012-10-17\", \"Statement\": [",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .starts_with("iam-playground: <stdin>:1:")
    );
    // Refused before reading anything (so no input is written: the pipe would be closed).
    let out = bin()
        .args(["diff", "-", "-"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
