#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The CloudFormation export of scenarios over CloudFormation's quotas: a parent template and
//! nested stacks. Golden files of the every-feature scenario cut into parts of at most six
//! resources (in `tests/golden/cfn/split/`, which the test command lints with cfn-lint), and a
//! generated account of 1,200 users, 1,000 roles and 300 policies checked part by part.
//! `BLESS=1 cargo test -p iam-engine --test export_split` rewrites the golden files.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use iam_engine::export::{
    Format, STACK_LIMITS, StackLimits, cloudformation, cloudformation_files,
    cloudformation_files_within,
};
use iam_engine::scenario::{
    Group, LoginProfile, ManagedPolicy, PolicyRef, Resource, ResourceKind, Role, Scenario, User,
};
use serde_json::Value;

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/cfn/split")
}

fn every_feature() -> Scenario {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/cfn/scenarios/every-feature.json");
    Scenario::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

const SMALL: StackLimits = StackLimits {
    resources: 6,
    body_bytes: 1_000_000,
};

#[test]
fn small_parts_match_golden_files() {
    let bless = std::env::var_os("BLESS").is_some();
    let scenario = every_feature();
    let mut failures = Vec::new();
    for format in [Format::Yaml, Format::Json] {
        let set = cloudformation_files_within(&scenario, format, "every-feature", SMALL).unwrap();
        assert!(
            set.files.len() > 2,
            "the scenario is cut into several parts"
        );
        for file in &set.files {
            let path = golden_dir().join(&file.name);
            if bless {
                std::fs::create_dir_all(golden_dir()).unwrap();
                std::fs::write(&path, &file.text).unwrap();
            } else if std::fs::read_to_string(&path).unwrap_or_default() != file.text {
                failures.push(file.name.clone());
            }
        }
    }
    assert!(
        failures.is_empty(),
        "split exports differ from the golden files (BLESS=1 rewrites them): {failures:?}"
    );
}

#[test]
fn a_scenario_within_the_quotas_is_one_template_equal_to_the_single_export() {
    let scenario = every_feature();
    for format in [Format::Yaml, Format::Json] {
        let set = cloudformation_files(&scenario, format, "scenario").unwrap();
        assert!(!set.is_split());
        assert_eq!(set.explanation(), None);
        assert!(set.deploy_commands().is_empty());
        assert_eq!(set.files.len(), 1);
        assert_eq!(
            set.files[0].text,
            cloudformation(&scenario, format).unwrap()
        );
    }
}

/// An account of 1,200 users (every third with a console password), 60 groups, 1,000 roles,
/// 300 customer-managed policies and 40 buckets with policies naming roles.
fn large_account() -> Scenario {
    let mut s = Scenario::new("123456789012");
    let doc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::data-*/*"}]}"#;
    for i in 0..300 {
        let mut p = ManagedPolicy::new(format!("policy-{i}"), doc);
        if i % 2 == 0 {
            p.path = "/team/".into();
        }
        s.policies.push(p);
    }
    for i in 0..60 {
        let mut g = Group::new(format!("group-{i}"));
        g.managed_policies
            .push(PolicyRef::Customer(format!("policy-{}", i * 5)));
        s.groups.push(g);
    }
    for i in 0..1200 {
        let mut u = User::new(format!("user-{i}"));
        u.groups.push(format!("group-{}", i % 60));
        u.managed_policies
            .push(PolicyRef::Customer(format!("policy-{}", i % 300)));
        if i % 50 == 0 {
            // An imported account may name an attachment twice; IAM holds it once.
            u.managed_policies
                .push(PolicyRef::Customer(format!("policy-{}", i % 300)));
        }
        if i % 3 == 0 {
            u.login_profile = Some(LoginProfile {
                password_reset_required: true,
            });
        }
        s.users.push(u);
    }
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    for i in 0..1000 {
        let mut r = Role::new(format!("role-{i}"), trust);
        r.managed_policies
            .push(PolicyRef::Customer(format!("policy-{}", (i * 7) % 300)));
        s.roles.push(r);
    }
    for i in 0..40 {
        let mut b = Resource::new(ResourceKind::S3Bucket, format!("data-{i}"));
        b.policy = Some(format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::123456789012:role/role-{i}"}},"Action":"s3:GetObject","Resource":"arn:aws:s3:::data-{i}/*"}}]}}"#
        ));
        s.resources.push(b);
    }
    s
}

fn resources(template: &Value) -> &serde_json::Map<String, Value> {
    template["Resources"].as_object().unwrap()
}

/// Every `Ref` in `node`.
fn refs<'a>(node: &'a Value, out: &mut Vec<&'a str>) {
    match node {
        Value::Object(m) => {
            if let (1, Some(Value::String(target))) = (m.len(), m.get("Ref")) {
                out.push(target);
            }
            m.values().for_each(|v| refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[test]
fn a_large_account_is_split_into_parts_within_the_quotas_that_hold_every_resource() {
    let scenario = large_account();
    let whole: Value =
        serde_json::from_str(&cloudformation(&scenario, Format::Json).unwrap()).unwrap();
    let all = resources(&whole);
    // 300 policies, 60 groups, 1,200 users, 400 secrets, 1,000 roles, 40 buckets and policies.
    assert_eq!(all.len(), 300 + 60 + 1200 + 400 + 1000 + 80);

    let set = cloudformation_files(&scenario, Format::Json, "account").unwrap();
    assert!(set.is_split());
    assert_eq!(set.resources, all.len());
    let explanation = set.explanation().unwrap();
    assert!(explanation.contains("3,040 resources"), "{explanation}");
    assert!(explanation.contains("PartsUrl"), "{explanation}");
    let commands = set.deploy_commands();
    assert_eq!(commands.len(), 2);
    assert!(
        commands[0].contains("--include \"account-part-*\""),
        "{commands:?}"
    );
    assert!(
        commands[1].contains("--template-file account.json")
            && commands[1].contains("PartsUrl=")
            && commands[1].contains("CAPABILITY_NAMED_IAM"),
        "{commands:?}"
    );

    let (parent, parts) = set.files.split_first().unwrap();
    assert_eq!(parent.name, "account.json");
    let parent: Value = serde_json::from_str(&parent.text).unwrap();
    let stacks = resources(&parent);
    assert_eq!(stacks.len(), parts.len());
    assert_eq!(parts.len(), 7, "3,040 resources in parts of at most 500");
    assert!(
        parent["Metadata"]["IamPlayground"]["NotCreatedByCloudFormation"].is_array(),
        "the parent says what is not created"
    );

    let mut seen = HashSet::new();
    for (i, (file, (stack_id, stack))) in parts.iter().zip(stacks).enumerate() {
        assert_eq!(file.name, format!("account-part-{}.json", i + 1));
        assert_eq!(stack_id, &format!("Part{}", i + 1));
        assert_eq!(stack["Type"], "AWS::CloudFormation::Stack");
        assert_eq!(
            stack["Properties"]["TemplateURL"]["Fn::Sub"],
            format!("${{PartsUrl}}/{}", file.name)
        );
        if i == 0 {
            assert!(stack.get("DependsOn").is_none());
        } else {
            assert_eq!(stack["DependsOn"], format!("Part{i}"));
        }
        assert!(file.text.len() <= STACK_LIMITS.body_bytes);
        let part: Value = serde_json::from_str(&file.text).unwrap();
        let own = resources(&part);
        assert!(own.len() <= STACK_LIMITS.resources, "{}", file.name);
        assert_eq!(own.len(), file.resources);
        // Every reference stays inside its part: policies and groups of other parts are
        // named, not referred to.
        let mut targets = Vec::new();
        refs(&part, &mut targets);
        for target in targets {
            assert!(own.contains_key(target), "{}: Ref {target}", file.name);
        }
        for (id, resource) in own {
            assert!(seen.insert(id.clone()), "{id} in two parts");
            assert_eq!(resource["Type"], all[id]["Type"], "{id}");
        }
    }
    assert_eq!(seen.len(), all.len(), "every resource is in a part");

    // A user and the secret of its password are in the same part.
    let part_of = |id: &str| {
        parts
            .iter()
            .position(|f| {
                let v: Value = serde_json::from_str(&f.text).unwrap();
                resources(&v).contains_key(id)
            })
            .unwrap()
    };
    assert_eq!(
        part_of("UserUser999"),
        part_of("UserUser999InitialPassword")
    );
    assert_eq!(part_of("BucketData39"), part_of("BucketPolicyData39"));

    // Across parts, a policy is named by the ARN IAM gives it, with its path, and a group by
    // its name.
    let last_users = parts
        .iter()
        .map(|f| serde_json::from_str::<Value>(&f.text).unwrap())
        .find(|v| resources(v).contains_key("UserUser1198"))
        .unwrap();
    let user = &resources(&last_users)["UserUser1198"]["Properties"];
    assert_eq!(user["Groups"][0], "group-58");
    let twice = parts
        .iter()
        .map(|f| serde_json::from_str::<Value>(&f.text).unwrap())
        .find(|v| resources(v).contains_key("UserUser1150"))
        .unwrap();
    assert_eq!(
        resources(&twice)["UserUser1150"]["Properties"]["ManagedPolicyArns"]
            .as_array()
            .unwrap()
            .len(),
        1,
        "a policy attached twice is written once"
    );
    assert_eq!(
        user["ManagedPolicyArns"][0]["Fn::Sub"],
        "arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/team/policy-298"
    );
}

#[test]
fn a_template_over_the_size_quota_is_split_even_with_few_resources() {
    let mut s = Scenario::new("123456789012");
    let statements: Vec<String> = (0..40)
        .map(|i| {
            format!(
                r#"{{"Sid":"S{i}","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket-{i}-{}/*"}}"#,
                "x".repeat(100)
            )
        })
        .collect();
    let doc = format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        statements.join(",")
    );
    for i in 0..30 {
        s.policies
            .push(ManagedPolicy::new(format!("policy-{i}"), doc.clone()));
    }
    let limits = StackLimits {
        resources: 500,
        body_bytes: 60_000,
    };
    let set = cloudformation_files_within(&s, Format::Yaml, "big", limits).unwrap();
    assert!(set.is_split());
    for part in &set.files[1..] {
        assert!(
            part.text.len() <= 60_000,
            "{}: {}",
            part.name,
            part.text.len()
        );
        assert!(part.text.starts_with("# CloudFormation template"));
    }
    assert_eq!(
        set.files[1..].iter().map(|f| f.resources).sum::<usize>(),
        30
    );
}
