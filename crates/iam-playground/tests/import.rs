//! `iam-playground import`: templates and authorization details to scenario files.

// Test helpers may panic on broken fixtures: that is how they fail.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{ENGINE, SEED, assert_success, bin, with_stdin};

use iam_engine::import::template_view;
use iam_engine::scenario::Scenario;

#[test]
fn a_golden_template_imports_to_its_scenario() {
    let seed = std::fs::read_to_string(SEED).unwrap();
    let seed = Scenario::from_json(&seed).unwrap();
    for ext in ["yaml", "json"] {
        let path = format!("{ENGINE}tests/golden/cfn/seed-admin-template.{ext}");
        let out = bin()
            .args(["import", "--account-id", &seed.account.id, &path])
            .output()
            .unwrap();
        assert_success(&out);
        let scenario = Scenario::from_json(&String::from_utf8(out.stdout).unwrap()).unwrap();
        assert_eq!(scenario, template_view(&seed), "{ext}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(
            stderr.contains("imported a CloudFormation template"),
            "{stderr}"
        );
        // The Metadata's "not created" notes are listed with their lines.
        assert!(stderr.contains("skipped (line "), "{stderr}");
    }
}

#[test]
fn skipped_items_go_to_stderr_and_stdin_works() {
    let text =
        std::fs::read_to_string(format!("{ENGINE}tests/import/template-short-forms.yaml")).unwrap();
    let out = with_stdin(&["import", "-"], &text);
    assert!(out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("skipped (line 92): resource Notifier (AWS::Lambda::Function)"),
        "{stderr}"
    );
    assert!(stderr.contains("note: "), "{stderr}");
    // The summary by kind comes first.
    assert!(
        stderr.contains("by kind:\n")
            && stderr.contains("× Resources of types the playground does not model ("),
        "{stderr}"
    );
    let scenario = Scenario::from_json(&String::from_utf8(out.stdout).unwrap()).unwrap();
    assert_eq!(scenario.account.id, "111122223333");
    assert!(scenario.user("maria").is_some());
}

#[test]
fn authorization_details_import_with_their_account() {
    let path = format!("file://{ENGINE}tests/import/authorization-details.json");
    let out = bin().args(["import", &path]).output().unwrap();
    assert_success(&out);
    let scenario = Scenario::from_json(&String::from_utf8(out.stdout).unwrap()).unwrap();
    assert_eq!(scenario.account.id, "210987654321");
    assert_eq!(scenario.users.len(), 2);
}

#[test]
fn bad_input_exits_2_with_line_and_column() {
    let path = format!("{ENGINE}tests/import/bad-unclosed.yaml");
    let out = bin().args(["import", &path]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("bad-unclosed.yaml:7:11: The YAML is malformed"),
        "{stderr}"
    );

    let out = with_stdin(&["import", "-"], "hello: world\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("<stdin>: The text is not")
    );

    let out = bin()
        .args(["import", "/nonexistent/template.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn help_lists_import() {
    let out = bin().arg("--help").output().unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(help.contains("import"), "{help}");
    assert!(help.contains("get-account-authorization-details"), "{help}");
}

#[test]
fn terraform_plans_directories_and_files_import() {
    let dir = format!("{ENGINE}tests/import/terraform/");
    // The seed's plan gives the scenario the seed's template gives.
    let plan = bin()
        .args(["import", &format!("{dir}seed-admin-plan.json")])
        .output()
        .unwrap();
    assert_success(&plan);
    let template = bin()
        .args(["import", &format!("{dir}seed-admin-template.yaml")])
        .output()
        .unwrap();
    assert_success(&template);
    assert_eq!(plan.stdout, template.stdout);
    let stderr = String::from_utf8(plan.stderr).unwrap();
    assert!(stderr.contains("imported a Terraform plan"), "{stderr}");

    // Several .tf files read together, with the skipped items' file, line and column.
    let out = bin()
        .args(["import", &format!("{dir}main.tf"), &format!("{dir}iam.tf")])
        .output()
        .unwrap();
    assert_success(&out);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("imported a Terraform configuration"),
        "{stderr}"
    );
    assert!(
        stderr.contains("main.tf:58:1): resource aws_lambda_function.notifier"),
        "{stderr}"
    );
    let scenario = Scenario::from_json(&String::from_utf8(out.stdout).unwrap()).unwrap();
    assert!(scenario.policy("corp-read-reports").is_some());
    assert!(scenario.role("deploy").is_some());

    // A directory: its .tf files (the two above and the seed's configuration).
    let out = bin().args(["import", &dir]).output().unwrap();
    assert_success(&out);
    let scenario = Scenario::from_json(&String::from_utf8(out.stdout).unwrap()).unwrap();
    assert!(scenario.user("admin").is_some() && scenario.user("maria").is_some());

    // A file that is not .tf among several is refused, as is a syntax error (with its place).
    let out = bin()
        .args([
            "import",
            &format!("{dir}main.tf"),
            &format!("{dir}state.json"),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = with_stdin(
        &["import", "-"],
        "resource \"aws_iam_user\" \"a\" {\n  name = \n}\n",
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("<stdin>:2:"), "{stderr}");
}
