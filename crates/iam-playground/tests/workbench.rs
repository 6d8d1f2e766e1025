//! `simulate-principal-policy` and `test`: the CLI's way into the engine's workbench facade,
//! over the example scenario files.

// Test helpers may panic on broken fixtures: that is how they fail.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{ENGINE, SEED, assert_success, bin, with_stdin};
use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::Value;

const SCP: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../iam-engine/examples-data/scp-guardrail.json"
);

fn principal_policy(extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "simulate-principal-policy",
        "--scenario",
        SCP,
        "--policy-source-arn",
        "arn:aws:iam::222233334444:user/ops",
    ];
    args.extend_from_slice(extra);
    bin().args(&args).output().unwrap()
}

#[test]
fn an_scp_decision_names_the_scp_in_aws_response_shape() {
    let out = principal_policy(&[
        "--action-names",
        "organizations:LeaveOrganization",
        "iam:CreateUser",
    ]);
    assert_success(&out);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = v["EvaluationResults"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(
        results[0]["EvalActionName"],
        "organizations:LeaveOrganization"
    );
    assert_eq!(results[0]["EvalResourceName"], "*");
    assert_eq!(results[0]["EvalDecision"], "explicitDeny");
    let m = &results[0]["MatchedStatements"][0];
    assert_eq!(m["SourcePolicyId"], "scp/1/1");
    assert_eq!(m["SourcePolicyType"], "none");
    assert!(m["StartPosition"]["Line"].as_u64().unwrap() > 1);
    assert_eq!(
        results[0]["OrganizationsDecisionDetail"]["AllowedByOrganizations"],
        false
    );
    assert_eq!(results[1]["EvalDecision"], "allowed");
    assert_eq!(v["IsTruncated"], false);
}

#[test]
fn context_entries_in_shorthand_and_json_decide_alike() {
    let resource = "arn:aws:ec2:us-east-1:222233334444:instance/*";
    let decide = |entry: &str| {
        let out = principal_policy(&[
            "--action-names",
            "ec2:RunInstances",
            "--resource-arns",
            resource,
            "--context-entries",
            entry,
        ]);
        assert_success(&out);
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v["EvaluationResults"][0]["EvalDecision"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        decide(
            "ContextKeyName=aws:RequestedRegion,ContextKeyValues=eu-west-1,ContextKeyType=string"
        ),
        "allowed"
    );
    assert_eq!(
        decide(
            r#"[{"ContextKeyName":"aws:RequestedRegion","ContextKeyValues":["eu-west-1"],"ContextKeyType":"string"}]"#
        ),
        "allowed"
    );
    assert_eq!(
        decide(
            "ContextKeyName=aws:RequestedRegion,ContextKeyValues=us-east-1,ContextKeyType=string"
        ),
        "explicitDeny"
    );
}

#[test]
fn unusable_input_exits_2_with_a_message() {
    let out = principal_policy(&[
        "--action-names",
        "s3:GetObject",
        "--context-entries",
        "Key=x",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ContextKeyName"));
    let out = bin()
        .args([
            "simulate-principal-policy",
            "--scenario",
            SCP,
            "--policy-source-arn",
            "arn:aws:iam::222233334444:user/nobody",
            "--action-names",
            "s3:GetObject",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("user/nobody"));
}

/// Every example's saved tests pass from the command line, as they do in the app.
#[test]
fn the_examples_saved_tests_pass() {
    for name in [
        "seed-admin-template",
        "scp-guardrail",
        "least-privilege-groups",
    ] {
        let path = format!("{ENGINE}examples-data/{name}.json");
        let out = bin().args(["test", &path]).output().unwrap();
        assert_success(&out);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.lines().all(|l| !l.starts_with("FAIL")), "{stdout}");
        assert!(stdout.contains(" failed"), "{stdout}");
    }
    // The scenario can come on standard input.
    let out = with_stdin(&["test", "-"], &std::fs::read_to_string(SEED).unwrap());
    assert!(String::from_utf8_lossy(&out.stdout).contains("4 tests: 4 passed, 0 failed"));
}

/// The attributes of an element, as (name, value) text.
fn attributes(e: &quick_xml::events::BytesStart<'_>) -> Vec<(String, String)> {
    e.attributes()
        .map(|a| {
            let a = a.unwrap();
            (
                String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                a.unescape_value().unwrap().into_owned(),
            )
        })
        .collect()
}

#[test]
fn a_failing_test_exits_1_and_the_junit_file_parses_with_its_failure() {
    let dir = std::env::temp_dir().join(format!("iam-playground-junit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // The seed scenario with its first test expecting the wrong decision and a label that
    // needs escaping in XML.
    let mut scenario: Value =
        serde_json::from_str(&std::fs::read_to_string(SEED).unwrap()).unwrap();
    scenario["tests"][0]["expected"] = Value::from("explicitDeny");
    scenario["tests"][0]["label"] = Value::from(r#"a <wrong> & "quoted" expectation ]]>"#);
    let file = dir.join("failing.json");
    std::fs::write(&file, scenario.to_string()).unwrap();
    let junit = dir.join("junit.xml");
    let out = bin()
        .args([
            "test",
            file.to_str().unwrap(),
            "--junit",
            junit.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with("FAIL  1/4  a <wrong>")
            && stdout.contains("expected explicitDeny, got allowed"),
        "{stdout}"
    );
    assert!(stdout.contains("4 tests: 3 passed, 1 failed"), "{stdout}");

    let xml = std::fs::read_to_string(&junit).unwrap();
    let mut reader = Reader::from_str(&xml);
    let mut cases: Vec<String> = Vec::new();
    let mut failures: Vec<(String, String)> = Vec::new();
    let mut suite: Vec<(String, String)> = Vec::new();
    let mut failure_text = String::new();
    let mut in_failure = false;
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) | Event::Empty(e) => {
                let attrs = attributes(&e);
                let get = |k: &str| {
                    attrs
                        .iter()
                        .find(|(n, _)| n == k)
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default()
                };
                match e.name().as_ref() {
                    b"testsuite" => suite = attrs.clone(),
                    b"testcase" => cases.push(get("name")),
                    b"failure" => {
                        in_failure = true;
                        failures.push((get("message"), get("type")));
                    }
                    _ => {}
                }
            }
            Event::Text(t) if in_failure => {
                failure_text.push_str(&quick_xml::escape::unescape(&t.decode().unwrap()).unwrap())
            }
            Event::CData(t) if in_failure => {
                failure_text.push_str(std::str::from_utf8(&t.into_inner()).unwrap())
            }
            Event::End(e) if e.name().as_ref() == b"failure" => in_failure = false,
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(
        suite.contains(&("tests".to_string(), "4".to_string())),
        "{suite:?}"
    );
    assert!(
        suite.contains(&("failures".to_string(), "1".to_string())),
        "{suite:?}"
    );
    assert_eq!(cases.len(), 4);
    assert_eq!(cases[0], r#"a <wrong> & "quoted" expectation ]]>"#);
    assert_eq!(
        failures,
        vec![(
            "expected explicitDeny, got allowed".to_string(),
            "decision".to_string()
        )]
    );
    assert!(
        failure_text.contains("user/admin iam:ChangePassword"),
        "{failure_text}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A resource pattern gets the answer over the ARNs inside it: AdministratorAccess lets alice
/// delete any bucket but the audit-logs bucket, whose policy denies everyone.
#[test]
fn a_resource_pattern_is_answered_for_some_and_refused_for_others_with_witnesses() {
    let scenario = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../iam-engine/examples-data/root-vs-admin.json"
    );
    let out = bin()
        .args([
            "simulate-principal-policy",
            "--scenario",
            scenario,
            "--policy-source-arn",
            "arn:aws:iam::111122223333:user/alice",
            "--action-names",
            "s3:DeleteBucket",
            "--resource-arns",
            "arn:aws:s3:::*",
            "arn:aws:s3:::example-corp-audit-logs",
        ])
        .output()
        .unwrap();
    assert_success(&out);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let pattern = &v["EvaluationResults"][0]["ResourcePattern"];
    assert_eq!(pattern["pattern"], "arn:aws:s3:::*");
    let samples = pattern["samples"].as_array().unwrap();
    let decision_of = |arn: &str| {
        samples
            .iter()
            .find(|s| s["resource"] == arn)
            .map(|s| s["decision"].as_str().unwrap().to_string())
    };
    assert_eq!(
        decision_of("arn:aws:s3:::example-corp-audit-logs").as_deref(),
        Some("explicitDeny")
    );
    assert!(
        samples.iter().any(|s| s["decision"] == "allowed"),
        "{samples:?}"
    );
    // A plain ARN gets no pattern answer.
    assert!(v["EvaluationResults"][1].get("ResourcePattern").is_none());
}
