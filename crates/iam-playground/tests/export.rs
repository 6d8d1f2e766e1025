//! `iam-playground export`: scenario files to CloudFormation templates.

// Test helpers may panic on broken fixtures: that is how they fail.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{SEED, assert_success, bin, with_stdin};

const GOLDEN: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../iam-engine/tests/golden/cfn/"
);

#[test]
fn yaml_and_json_match_the_engine_golden_files() {
    for (format, ext) in [("cfn-yaml", "yaml"), ("cfn-json", "json")] {
        let out = bin()
            .args(["export", "--format", format, SEED])
            .output()
            .unwrap();
        assert_success(&out);
        let expected =
            std::fs::read_to_string(format!("{GOLDEN}seed-admin-template.{ext}")).unwrap();
        assert_eq!(String::from_utf8(out.stdout).unwrap(), expected, "{format}");
    }
}

#[test]
fn reads_the_scenario_from_standard_input() {
    let seed = std::fs::read_to_string(SEED).unwrap();
    let out = with_stdin(&["export", "--format", "cfn-json", "-"], &seed);
    assert_success(&out);
    let template: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(template["Resources"]["UserAdmin"]["Type"], "AWS::IAM::User");
}

#[test]
fn bad_input_exits_2_with_a_message() {
    let out = with_stdin(&["export", "--format", "cfn-yaml", "-"], "{ not json");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not a usable scenario"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let broken = r#"{"formatVersion": 1, "account": {"id": "111122223333"},
        "policies": [{"name": "Broken", "document": "{\"Version\": "}]}"#;
    let out = with_stdin(&["export", "--format", "cfn-json", "-"], broken);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("\"Broken\""), "{stderr}");

    let out = bin()
        .args([
            "export",
            "--format",
            "cfn-yaml",
            "/nonexistent/scenario.json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));

    let out = bin()
        .args(["export", "--format", "pulumi", SEED])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = bin()
        .args([
            "export",
            "--format",
            "terraform",
            "--policy-style",
            "yaml",
            SEED,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

const TERRAFORM_GOLDEN: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../iam-engine/tests/golden/terraform/"
);

#[test]
fn terraform_in_both_policy_styles_matches_the_engine_golden_files() {
    for (style, ext) in [
        (None, "tf"),
        (Some("jsonencode"), "tf"),
        (Some("document"), "document.tf"),
    ] {
        let mut args = vec!["export", "--format", "terraform"];
        if let Some(style) = style {
            args.extend(["--policy-style", style]);
        }
        args.push(SEED);
        let out = bin().args(&args).output().unwrap();
        assert_success(&out);
        let expected =
            std::fs::read_to_string(format!("{TERRAFORM_GOLDEN}seed-admin-template.{ext}"))
                .unwrap();
        assert_eq!(
            String::from_utf8(out.stdout).unwrap(),
            expected,
            "{style:?}"
        );
    }
    let broken = r#"{"formatVersion": 1, "account": {"id": "111122223333"},
        "policies": [{"name": "Broken", "document": "{\"Version\": "}]}"#;
    let out = with_stdin(&["export", "--format", "terraform", "-"], broken);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("\"Broken\""));
}
