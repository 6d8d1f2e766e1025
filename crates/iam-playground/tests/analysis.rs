//! Runs the built binary's `who-can` and `escalation` on the gallery's privilege-escalation
//! example, its fixed twin, a CloudFormation template, and bad input.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{assert_success, bin};
use serde_json::Value;

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../iam-engine/examples-data/");

fn example(name: &str) -> String {
    format!("{EXAMPLES}{name}.json")
}

#[test]
fn escalation_fails_on_admin_for_the_passrole_example_and_passes_its_fix() {
    let out = bin()
        .args([
            "escalation",
            "--scenario",
            &example("passrole-lambda-admin"),
            "--fail-on",
            "admin",
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
    assert!(text.contains("1. user/dev-dana"), "{text}");
    assert!(text.contains("lambda-001"));
    assert!(text.contains("iam:PassedToService=lambda.amazonaws.com"));
    assert!(text.contains("role/LambdaAdminRole is admin-equivalent"));

    let out = bin()
        .args([
            "escalation",
            "--scenario",
            &example("passrole-lambda-admin-fixed"),
            "--fail-on",
            "admin",
        ])
        .output()
        .unwrap();
    assert_success(&out);
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("Paths to admin: 0")
    );

    // Without --fail-on the status is 0 even with a path.
    let out = bin()
        .args([
            "escalation",
            "--scenario",
            &example("passrole-lambda-admin"),
            "--json",
        ])
        .output()
        .unwrap();
    assert_success(&out);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["paths"][0]["principal"], "user/dev-dana");
    assert_eq!(report["paths"][0]["hops"][0]["pathId"], "lambda-001");
    assert!(report["catalogPaths"].as_u64().unwrap() > report["modelledPaths"].as_u64().unwrap());
    assert!(
        report["leftOut"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["reason"].is_string())
    );
}

#[test]
fn escalation_reads_a_cloudformation_template() {
    let template = r#"
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Dev:
    Type: AWS::IAM::User
    Properties:
      UserName: dev
      Policies:
        - PolicyName: SelfEdit
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: iam:PutUserPolicy
                Resource: !Sub arn:aws:iam::${AWS::AccountId}:user/dev
"#;
    let dir = std::env::temp_dir().join(format!("iam-playground-analysis-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("template.yaml");
    std::fs::write(&file, template).unwrap();
    let out = bin()
        .args([
            "escalation",
            "--scenario",
            file.to_str().unwrap(),
            "--fail-on",
            "admin",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8(out.stdout).unwrap().contains("iam-007"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn who_can_lists_the_principals_and_their_statements() {
    let out = bin()
        .args([
            "who-can",
            "--scenario",
            &example("passrole-lambda-admin"),
            "--action",
            "iam:PassRole",
            "--resource",
            "arn:aws:iam::111122223333:role/LambdaAdminRole",
        ])
        .output()
        .unwrap();
    assert_success(&out);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("allowed      user/dev-dana"), "{text}");
    assert!(text.contains("PassRolesToFunctions"));

    let out = bin()
        .args([
            "who-can",
            "--scenario",
            &example("seed-admin-template"),
            "--action",
            "iam:Create*",
            "--json",
        ])
        .output()
        .unwrap();
    assert_success(&out);
    let answer: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        answer["actions"].as_array().unwrap().len() > 5,
        "the pattern is expanded"
    );
    let principals: Vec<&str> = answer["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["principal"].as_str().unwrap())
        .collect();
    assert!(principals.contains(&"user/admin"));
    assert!(
        principals
            .iter()
            .all(|p| *p == "user/admin" || *p == "root")
    );
}

#[test]
fn bad_input_exits_2() {
    let out = bin()
        .args([
            "who-can",
            "--scenario",
            "/nonexistent/file.json",
            "--action",
            "s3:GetObject",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = common::with_stdin(&["escalation", "--scenario", "-"], "{ not json");
    assert_eq!(out.status.code(), Some(2));
    assert!(!out.stderr.is_empty());
}

#[test]
fn what_can_groups_by_service_and_shows_what_an_scp_removes() {
    let out = bin()
        .args([
            "what-can",
            "--scenario",
            &example("scp-guardrail"),
            "--principal",
            "ops",
        ])
        .output()
        .unwrap();
    assert_success(&out);
    let text = String::from_utf8(out.stdout).unwrap();
    let first = text.lines().next().unwrap();
    assert!(first.starts_with("user/ops on *: "), "{first}");
    assert!(
        first.ends_with(" conditional, 1 removed by guardrails"),
        "{first}"
    );
    // The Region guardrail denies while aws:RequestedRegion is unset: conditional, in words.
    assert!(
        text.contains(
            "depends on aws:RequestedRegion: refused by statement DenyOutsideApprovedRegions of SCP Guardrails"
        ),
        "{text}"
    );
    assert!(
        text.contains("\norganizations (AWS Organizations): "),
        "{text}"
    );
    assert!(
        text.contains(
            "    removed organizations:LeaveOrganization: denied by SCP: statement DenyLeavingTheOrganization"
        ),
        "{text}"
    );
    assert!(text.contains("  Permissions management "));

    // --json: the same answer as data; the ARN names the same user.
    let out = bin()
        .args([
            "what-can",
            "--scenario",
            &example("scp-guardrail"),
            "--principal",
            "arn:aws:iam::222233334444:user/ops",
            "--json",
        ])
        .output()
        .unwrap();
    assert_success(&out);
    let answer: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answer["principal"], "user/ops");
    assert_eq!(answer["removed"], 1);
    // Everything but the role assumptions (`*` names no role) is allowed, conditional or
    // removed.
    let count = |key: &str| answer[key].as_u64().unwrap();
    assert_eq!(
        count("allowed") + count("conditional") + count("removed") + 3,
        count("actionsConsidered")
    );
    assert!(count("conditional") > 20_000);
    let organizations = answer["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service"] == "organizations")
        .unwrap();
    let removed: Vec<&Value> = organizations["levels"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|l| l["removed"].as_array().into_iter().flatten())
        .collect();
    assert_eq!(removed[0]["action"], "organizations:LeaveOrganization");
    assert_eq!(
        removed[0]["deciding"][0]["sid"],
        "DenyLeavingTheOrganization"
    );
}

#[test]
fn what_can_prints_the_synthesized_policy() {
    let out = bin()
        .args([
            "what-can",
            "--scenario",
            &example("passrole-lambda-admin"),
            "--principal",
            "user/dev-dana",
            "--policy",
        ])
        .output()
        .unwrap();
    assert_success(&out);
    let policy: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(policy["Version"], "2012-10-17");
    let statement = &policy["Statement"][0];
    assert_eq!(statement["Effect"], "Allow");
    assert_eq!(statement["Resource"], "*");
    // On `*` only the statements with Resource `*` apply.
    let mut actions: Vec<&str> = statement["Action"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    actions.sort_unstable();
    // sts:GetCallerIdentity needs no permission.
    assert_eq!(
        actions,
        [
            "iam:ListRoles",
            "iam:PassRole",
            "lambda:ListFunctions",
            "sts:GetCallerIdentity"
        ]
    );

    // On a function the Lambda statement applies too.
    let out = bin()
        .args([
            "what-can",
            "--scenario",
            &example("passrole-lambda-admin"),
            "--principal",
            "dev-dana",
            "--resource",
            "arn:aws:lambda:us-east-1:111122223333:function:app-orders",
        ])
        .output()
        .unwrap();
    assert_success(&out);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with(
            "user/dev-dana on arn:aws:lambda:us-east-1:111122223333:function:app-orders: 8 of "
        ),
        "{text}"
    );
    assert!(text.contains("\nlambda (AWS Lambda): 5 of "), "{text}");
    assert!(
        text.contains("\n  Write                    3 of "),
        "{text}"
    );
}

#[test]
fn what_can_refuses_an_unknown_principal() {
    let out = bin()
        .args([
            "what-can",
            "--scenario",
            &example("seed-admin-template"),
            "--principal",
            "nobody",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("nobody is not the root user, a user or a role"),
        "{err}"
    );
}

#[test]
fn what_can_reads_a_cloudformation_template() {
    let template = r#"
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Dev:
    Type: AWS::IAM::User
    Properties:
      UserName: dev
      Policies:
        - PolicyName: Reads
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                NotAction: ["s3:*", "iam:*"]
                Resource: "*"
"#;
    let dir = std::env::temp_dir().join(format!("iam-playground-what-can-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("template.yaml");
    std::fs::write(&file, template).unwrap();
    let out = bin()
        .args([
            "what-can",
            "--scenario",
            file.to_str().unwrap(),
            "--principal",
            "dev",
            "--policy",
        ])
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).ok();
    assert_success(&out);
    let policy: Value = serde_json::from_slice(&out.stdout).unwrap();
    let actions: Vec<&str> = policy["Statement"][0]["Action"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    // NotAction expanded: every other service whole, S3 and IAM left out.
    assert!(actions.contains(&"ec2:*"), "{actions:?}");
    assert!(
        actions
            .iter()
            .all(|a| !a.starts_with("s3:") && !a.starts_with("iam:"))
    );
    assert!(policy["Statement"][0].get("NotAction").is_none());
}

#[test]
fn guardrail_table_prints_the_region_scp_deny_rows_and_json() {
    let out = bin()
        .args([
            "guardrail-table",
            "--scenario",
            &example("scp-guardrail"),
            "--policy",
            "Guardrails",
        ])
        .output()
        .unwrap();
    assert_success(&out);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("SCP Guardrails at level 2\n"), "{text}");
    // A deny list: read beside FullAWSAccess, and said so.
    assert!(
        text.contains("note: This SCP has no Allow statement"),
        "{text}"
    );
    assert!(
        text.contains(
            "  Action organizations:LeaveOrganization (statements DenyLeavingTheOrganization): organizations:LeaveOrganization on *\n    This SCP\n    explicit deny\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("(statements DenyOutsideApprovedRegions): "),
        "{text}"
    );
    let region_rows: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.contains("DenyOutsideApprovedRegions"))
        .skip(2)
        .take_while(|l| !l.trim().is_empty())
        .collect();
    assert!(
        region_rows
            .iter()
            .any(|l| l.contains("eu-west-1") && l.ends_with("passes")),
        "{region_rows:?}"
    );
    assert!(
        region_rows
            .iter()
            .any(|l| l.contains("a value no policy names") && l.ends_with("explicit deny")),
        "{region_rows:?}"
    );
    assert!(text.contains("  any other action: "), "{text}");

    let out = bin()
        .args([
            "guardrail-table",
            "--scenario",
            &example("scp-guardrail"),
            "--kind",
            "scp",
            "--level",
            "2",
            "--json",
        ])
        .output()
        .unwrap();
    assert_success(&out);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let tables = json.as_array().unwrap();
    // FullAWSAccess and Guardrails at level 2.
    assert_eq!(tables.len(), 2);
    assert_eq!(tables[1]["place"], "SCP Guardrails at level 2");
    let region = &tables[1]["groups"][1];
    assert_eq!(region["table"]["keys"][0]["key"], "aws:RequestedRegion");
    assert!(
        region["table"]["rows"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["decision"] == "explicitDeny")
    );

    // No such policy, and a scenario without an organization: exit 2 with a message.
    for args in [vec!["--policy", "Nope"], vec!["--level", "9"]] {
        let out = bin()
            .args(["guardrail-table", "--scenario", &example("scp-guardrail")])
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("no SCP or RCP"));
    }
    let out = bin()
        .args(["guardrail-table", "--scenario", common::SEED])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("in no organization"));
}
