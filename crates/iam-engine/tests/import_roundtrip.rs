#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Scenario → CloudFormation template → scenario gives back exactly the part of the scenario a
//! template carries (`import::template_view`, whose docs list what is kept and what is not):
//! for generated scenarios in YAML and JSON, for every gallery example, and for every golden
//! template on disk.

use std::path::{Path, PathBuf};

use iam_engine::export::{Format, cloudformation};
use iam_engine::import::{ImportOptions, Imported, Source, detect_and_import, template_view};
use iam_engine::scenario::{
    AccessKey, ExpectedDecision, ExternalPrincipal, Group, InlinePolicy, LoginProfile,
    ManagedPolicy, OrgLevel, OrgPolicy, Organization, PolicyRef, PrincipalRef, Resource,
    ResourceKind, Role, Scenario, Tag, TestCase, User, gallery,
};
use proptest::prelude::*;
use serde_json::{Value, json};

fn import_as(text: &str, account: &str) -> Imported {
    let options = ImportOptions {
        account_id: Some(account.to_string()),
        ..ImportOptions::default()
    };
    detect_and_import(text, &options).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// Exports in both formats, imports each, and checks the result against the template view.
fn assert_round_trip(id: &str, s: &Scenario) {
    let expected = template_view(s);
    for (format, source) in [
        (Format::Yaml, Source::CloudFormationYaml),
        (Format::Json, Source::CloudFormationJson),
    ] {
        let template = cloudformation(s, format).unwrap_or_else(|e| panic!("{id}: {e}"));
        let imported = import_as(&template, &s.account.id);
        assert_eq!(imported.source, source, "{id}");
        assert_eq!(
            imported.scenario, expected,
            "{id} ({format:?}) did not round-trip:\n{template}"
        );
        // The only skipped entries are the Metadata notes of what the template leaves out.
        for skipped in &imported.skipped {
            assert_eq!(skipped.what, "not in the template", "{id}: {skipped:?}");
        }
    }
}

#[test]
fn every_gallery_example_round_trips() {
    for entry in gallery() {
        assert_round_trip(entry.id, &entry.scenario);
    }
}

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/cfn")
}

#[test]
fn every_golden_template_imports_to_its_scenario() {
    let mut scenarios: Vec<(String, Scenario)> = gallery()
        .into_iter()
        .map(|e| (e.id.to_string(), e.scenario))
        .collect();
    let text = std::fs::read_to_string(golden_dir().join("scenarios/every-feature.json")).unwrap();
    scenarios.push((
        "every-feature".to_string(),
        Scenario::from_json(&text).unwrap(),
    ));
    let mut checked = 0;
    for (id, scenario) in &scenarios {
        assert_round_trip(id, scenario);
        for ext in ["yaml", "json"] {
            let path = golden_dir().join(format!("{id}.{ext}"));
            let template = std::fs::read_to_string(&path).unwrap();
            let imported = import_as(&template, &scenario.account.id);
            assert_eq!(imported.scenario, template_view(scenario), "{id}.{ext}");
            checked += 1;
        }
    }
    assert_eq!(checked, 2 * scenarios.len());
}

#[test]
fn the_every_feature_metadata_is_listed_as_skipped() {
    let text = std::fs::read_to_string(golden_dir().join("every-feature.yaml")).unwrap();
    let imported = import_as(&text, "111122223333");
    let why: Vec<&str> = imported.skipped.iter().map(|s| s.why.as_str()).collect();
    assert!(
        why.iter()
            .any(|w| w.contains("organization policies, to attach in the management account")),
        "{why:?}"
    );
    assert!(why.iter().any(|w| w.contains("MFA devices")), "{why:?}");
    assert!(imported.skipped.iter().all(|s| s.line.is_some()));
}

// ---- generated scenarios ----

/// Accounts: the scenario's own account is rewritten to `${AWS::AccountId}`, others stay.
const ACCOUNTS: [&str; 2] = ["111122223333", "444455556666"];

/// Strings that YAML readers like to turn into something else, and JSON escapes.
fn tricky() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "yes",
            "on",
            "no",
            "true",
            "null",
            "~",
            "2012-10-17",
            "42",
            "0x1F",
            "1e3",
            "-",
            "",
            " lead",
            "trail ",
            "a: b",
            "#hash",
            "quote\"d",
            "back\\slash",
            "new\nline",
            "tab\t",
            "ünïcödé",
            "emoji 🎉",
            "${aws:username}",
            "${!literal}",
            "@at",
            "&anchor",
            "*alias",
            "!Ref x",
            "%percent",
            "[list]",
            "{map}",
            "'single'",
        ])
        .prop_map(str::to_string),
        "[a-zA-Z0-9 _.:/=+@-]{0,20}",
    ]
}

/// ARNs and other strings that appear in policies, with the scenario's own account.
fn arn(account: &'static str) -> impl Strategy<Value = String> {
    prop_oneof![
        Just("*".to_string()),
        Just(format!("arn:aws:iam::{account}:root")),
        Just("arn:aws:iam::444455556666:root".to_string()),
        Just("arn:aws:s3:::bucket/${aws:username}/*".to_string()),
        Just("arn:aws:s3:::bucket/${!x}".to_string()),
        Just(format!("arn:aws:sqs:us-east-1:{account}:q")),
        Just("arn:aws:iam::aws:policy/ReadOnlyAccess".to_string()),
        Just("arn:aws-cn:s3:::other-partition".to_string()),
        Just("arn:aws:".to_string()),
        Just("not-an-arn ${AWS::AccountId}".to_string()),
        tricky(),
    ]
}

fn condition_value(account: &'static str) -> impl Strategy<Value = Value> {
    prop_oneof![
        arn(account).prop_map(Value::String),
        any::<bool>().prop_map(Value::Bool),
        (0u32..100_000).prop_map(|n| json!(n)),
        Just(json!(-7)),
        Just(json!(1.5)),
        prop::collection::vec(arn(account), 0..3).prop_map(|v| json!(v)),
    ]
}

fn statement(account: &'static str, principal: bool) -> impl Strategy<Value = Value> {
    (
        prop::option::of("[A-Za-z0-9]{1,8}"),
        prop::sample::select(vec!["Allow", "Deny"]),
        prop::collection::vec(
            prop::sample::select(vec![
                "s3:GetObject",
                "s3:*",
                "iam:PassRole",
                "*",
                "kms:Decrypt",
            ]),
            1..3,
        ),
        prop::collection::vec(arn(account), 1..3),
        prop::option::of((
            prop::sample::select(vec!["StringEquals", "ArnLike", "NumericLessThan", "Bool"]),
            prop::sample::select(vec![
                "aws:username",
                "aws:SourceArn",
                "aws:MultiFactorAuthAge",
            ]),
            condition_value(account),
        )),
        arn(account),
    )
        .prop_map(move |(sid, effect, actions, resources, condition, who)| {
            let mut st = serde_json::Map::new();
            if let Some(sid) = sid {
                st.insert("Sid".into(), json!(sid));
            }
            st.insert("Effect".into(), json!(effect));
            if principal {
                st.insert("Principal".into(), json!({ "AWS": who }));
            }
            st.insert(
                "Action".into(),
                if actions.len() == 1 {
                    json!(actions[0])
                } else {
                    json!(actions)
                },
            );
            st.insert("Resource".into(), json!(resources));
            if let Some((op, key, value)) = condition {
                st.insert("Condition".into(), json!({ op: { key: value } }));
            }
            Value::Object(st)
        })
}

/// A policy document as the user might have typed it: compact, indented or with a repeated
/// key (which the export and import both resolve to the last value).
fn document(account: &'static str, principal: bool) -> impl Strategy<Value = String> {
    (
        prop::collection::vec(statement(account, principal), 1..3),
        0u8..3,
    )
        .prop_map(|(statements, style)| {
            let doc = json!({"Version": "2012-10-17", "Statement": statements});
            match style {
                0 => doc.to_string(),
                1 => serde_json::to_string_pretty(&doc).unwrap(),
                _ => format!(
                    "{{\"Version\": \"2008-10-17\", \"Statement\": {}, \"Version\": \"2012-10-17\"}}",
                    serde_json::to_string(&doc["Statement"]).unwrap()
                ),
            }
        })
}

fn names(pool: &'static [&'static str], max: usize) -> impl Strategy<Value = Vec<String>> {
    prop::sample::subsequence(pool.to_vec(), 0..=max)
        .prop_map(|v| v.into_iter().map(str::to_string).collect())
}

/// Entities with distinct names: up to `max` names from `pool`, each with its own draw of
/// `parts`, made into an entity by `build`.
fn named<S, T>(
    pool: &'static [&'static str],
    max: usize,
    parts: impl Fn() -> S,
    build: fn(String, S::Value) -> T,
) -> impl Strategy<Value = Vec<T>>
where
    S: Strategy,
    T: std::fmt::Debug,
{
    names(pool, max).prop_flat_map(move |ns| {
        let n = ns.len();
        (Just(ns), prop::collection::vec(parts(), n)).prop_map(move |(ns, parts)| {
            ns.into_iter()
                .zip(parts)
                .map(|(name, p)| build(name, p))
                .collect()
        })
    })
}

const USER_NAMES: &[&str] = &["alice", "bob", "build-bot", "build_bot", "a.b@c", "X"];
const GROUP_NAMES: &[&str] = &["Admins", "dev-ops", "dev_ops", "Readers"];
const ROLE_NAMES: &[&str] = &["DeployRole", "app", "App2"];
const POLICY_NAMES: &[&str] = &["DeveloperAccess", "Boundary", "x-y"];
const PATHS: &[&str] = &["/", "/engineering/", "/a/b/"];

fn tags() -> impl Strategy<Value = Vec<Tag>> {
    prop::collection::vec(
        ("[a-z][a-z0-9-]{0,6}", tricky()).prop_map(|(key, value)| Tag { key, value }),
        0..3,
    )
}

fn policy_ref() -> impl Strategy<Value = PolicyRef> {
    prop_oneof![
        prop::sample::select(vec![
            "ReadOnlyAccess",
            "job-function/ViewOnlyAccess",
            "IAMUserChangePassword"
        ])
        .prop_map(PolicyRef::aws),
        // Names of the scenario's policies in their own case or another, and a policy the
        // scenario does not hold (attached by ARN).
        prop::sample::select(vec![
            "DeveloperAccess",
            "developeraccess",
            "Boundary",
            "Missing"
        ])
        .prop_map(PolicyRef::customer),
    ]
}

fn inline(account: &'static str) -> impl Strategy<Value = Vec<InlinePolicy>> {
    prop::collection::vec(
        (
            prop::sample::select(vec!["s3", "Own-Prefix", "q.1"]),
            document(account, false),
        ),
        0..2,
    )
    .prop_map(|v| {
        let mut seen = Vec::new();
        v.into_iter()
            .filter(|(n, _)| {
                let fresh = !seen.contains(n);
                seen.push(*n);
                fresh
            })
            .map(|(n, d)| InlinePolicy {
                name: n.to_string(),
                document: d,
            })
            .collect()
    })
}

fn users(account: &'static str) -> impl Strategy<Value = Vec<User>> {
    named(
        USER_NAMES,
        3,
        move || {
            (
                prop::sample::select(PATHS.to_vec()),
                prop::option::of(any::<bool>()),
                any::<bool>(),
                prop::collection::vec(
                    prop::sample::select(vec!["Admins", "admins", "dev_ops", "Elsewhere"]),
                    0..3,
                ),
                inline(account),
                prop::collection::vec(policy_ref(), 0..3),
                prop::option::of(policy_ref()),
                tags(),
            )
        },
        |name, (path, login, mfa, groups, inline, managed, boundary, tags)| {
            let mut u = User::new(name);
            u.path = path.to_string();
            u.login_profile = login.map(|r| LoginProfile {
                password_reset_required: r,
            });
            u.mfa = mfa;
            if mfa {
                u.access_keys.push(AccessKey {
                    age_days: 120,
                    active: true,
                });
            }
            u.groups = groups.into_iter().map(str::to_string).collect();
            u.inline_policies = inline;
            u.managed_policies = managed;
            u.permissions_boundary = boundary;
            u.tags = tags;
            u
        },
    )
}

fn groups(account: &'static str) -> impl Strategy<Value = Vec<Group>> {
    named(
        GROUP_NAMES,
        3,
        move || {
            (
                prop::sample::select(PATHS.to_vec()),
                inline(account),
                prop::collection::vec(policy_ref(), 0..3),
            )
        },
        |name, (path, inline, managed)| {
            let mut g = Group::new(name);
            g.path = path.to_string();
            g.inline_policies = inline;
            g.managed_policies = managed;
            g
        },
    )
}

fn roles(account: &'static str) -> impl Strategy<Value = Vec<Role>> {
    named(
        ROLE_NAMES,
        2,
        move || {
            (
                prop::sample::select(PATHS.to_vec()),
                tricky(),
                document(account, true),
                prop::sample::select(vec![3600u32, 7200, 43_200]),
                inline(account),
                prop::collection::vec(policy_ref(), 0..2),
                prop::option::of(policy_ref()),
                tags(),
            )
        },
        |name, (path, description, trust, max, inline, managed, boundary, tags)| {
            let mut r = Role::new(name, trust);
            r.path = path.to_string();
            r.description = description;
            r.max_session_duration = max;
            r.inline_policies = inline;
            r.managed_policies = managed;
            r.permissions_boundary = boundary;
            r.tags = tags;
            r
        },
    )
}

fn policies(account: &'static str) -> impl Strategy<Value = Vec<ManagedPolicy>> {
    named(
        POLICY_NAMES,
        3,
        move || {
            (
                prop::sample::select(PATHS.to_vec()),
                tricky(),
                document(account, false),
            )
        },
        |name, (path, description, doc)| {
            let mut p = ManagedPolicy::new(name, doc);
            p.path = path.to_string();
            p.description = description;
            p
        },
    )
}

fn resources(account: &'static str) -> impl Strategy<Value = Vec<Resource>> {
    prop::collection::vec(
        (
            prop::sample::select(vec![
                (ResourceKind::S3Bucket, "example-data"),
                (ResourceKind::S3Bucket, "logs.example"),
                (ResourceKind::SqsQueue, "orders"),
                (ResourceKind::SqsQueue, "orders.fifo"),
                (ResourceKind::SnsTopic, "alerts"),
                (ResourceKind::KmsKey, "1234abcd-12ab-34cd-56ef-1234567890ab"),
            ]),
            prop::option::of(prop_oneof![
                document(account, true),
                // AWS's default key policy, which reads back as "no policy of its own".
                Just(format!(
                    r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"EnableIAMUserPermissions","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{account}:root"}},"Action":"kms:*","Resource":"*"}}]}}"#
                )),
            ]),
            prop::option::of(Just("eu-west-1".to_string())),
            tags(),
        ),
        0..4,
    )
    .prop_map(|v| {
        let mut out: Vec<Resource> = Vec::new();
        for ((kind, name), policy, region, tags) in v {
            if out.iter().any(|r| r.kind == kind && r.name == name) {
                continue;
            }
            let mut r = Resource::new(kind, name);
            r.policy = policy;
            r.region = region;
            r.tags = tags;
            out.push(r);
        }
        out
    })
}

fn scenario_for(account: &'static str) -> impl Strategy<Value = Scenario> {
    (
        prop_oneof![Just(String::new()), tricky()],
        users(account),
        groups(account),
        roles(account),
        policies(account),
        resources(account),
        any::<bool>(),
    )
        .prop_map(
            move |(title, users, groups, roles, policies, resources, extras)| {
                let mut s = Scenario::new(account);
                s.title = title;
                s.users = users;
                s.groups = groups;
                s.roles = roles;
                s.policies = policies;
                s.resources = resources;
                if extras {
                    // What a template cannot carry, so the comparison must leave it out.
                    s.description = "Not in templates.".to_string();
                    s.account.alias = Some("example-corp".to_string());
                    s.account.region = "eu-west-1".to_string();
                    s.root_user.mfa = true;
                    s.organization = Some(Organization {
                        management_account: false,
                        levels: vec![OrgLevel {
                            name: "Root".to_string(),
                            scps: vec![OrgPolicy {
                                name: "FullAWSAccess".to_string(),
                                document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#.to_string(),
                            }],
                            rcps: Vec::new(),
                        }],
                    });
                    s.external_principals.push(ExternalPrincipal {
                        arn: "arn:aws:iam::444455556666:user/eve".to_string(),
                        policies: Vec::new(),
                    });
                    s.tests.push(TestCase {
                        label: "root may".to_string(),
                        principal: PrincipalRef::Root,
                        action: "s3:GetObject".to_string(),
                        resource: "*".to_string(),
                        context: Vec::new(),
                        expected: ExpectedDecision::Allowed,
                    });
                }
                s
            },
        )
}

fn scenarios() -> impl Strategy<Value = Scenario> {
    prop_oneof![scenario_for(ACCOUNTS[0]), scenario_for(ACCOUNTS[1])]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn generated_scenarios_round_trip(s in scenarios()) {
        // A scenario with nothing a template can create has no template.
        let exportable = cloudformation(&s, Format::Json).is_ok();
        prop_assume!(exportable);
        assert_round_trip("generated", &s);
    }

    /// The same through Terraform (both policy styles): the part a template carries comes back,
    /// documents compared as data (jsonencode writes keys in lexical order; the policy-document
    /// data source writes a single value alone).
    #[test]
    fn generated_scenarios_round_trip_through_terraform(s in scenarios()) {
        use iam_engine::export::{PolicyStyle, TerraformOptions, terraform};
        use iam_engine::import::{TerraformFile, import_terraform_files};
        let expected = comparable(&template_view(&s));
        for style in [PolicyStyle::JsonEncode, PolicyStyle::Document] {
            let Ok(text) = terraform(&s, &TerraformOptions { policy_style: style }) else {
                continue;
            };
            let imported = import_terraform_files(
                &[TerraformFile { name: "main.tf".to_string(), text: text.clone() }],
                &ImportOptions { account_id: Some(s.account.id.clone()), ..ImportOptions::default() },
            )
            .unwrap_or_else(|e| panic!("{e}\n{text}"));
            for k in &imported.skipped {
                prop_assert!(k.what.starts_with("output initial_password_"), "{k:?}\n{text}");
            }
            prop_assert_eq!(
                comparable(&imported.scenario).to_json_pretty(),
                expected.to_json_pretty(),
                "{:?}\n{}", style, text
            );
        }
    }
}

/// A policy document as data with single values unwrapped from lists of one (see
/// `generated_scenarios_round_trip_through_terraform`).
fn document_value(text: &str) -> Value {
    fn norm(v: Value, key: Option<&str>) -> Value {
        match v {
            Value::Array(items) if items.len() == 1 && key != Some("Statement") => {
                norm(items.into_iter().next().unwrap(), key)
            }
            Value::Array(items) => Value::Array(items.into_iter().map(|i| norm(i, None)).collect()),
            Value::Object(m) => Value::Object(
                m.into_iter()
                    .map(|(k, v)| {
                        let v = norm(v, Some(&k));
                        (k, v)
                    })
                    .collect(),
            ),
            other => other,
        }
    }
    match serde_json::from_str::<Value>(text) {
        Ok(v) => norm(v, None),
        Err(_) => Value::String(text.to_string()),
    }
}

/// The scenario with its documents as normalized data and without what a Terraform
/// configuration does not carry (title, description: only in its leading comment). A tag key
/// given twice is one tag, and a policy attached twice to one identity, or a user in a group twice, counts once: AWS holds one
/// attachment, and the Terraform import adds each once.
fn comparable(s: &Scenario) -> Scenario {
    fn once<T: PartialEq + Clone>(list: &mut Vec<T>) {
        let mut kept: Vec<T> = Vec::new();
        for item in list.drain(..) {
            if !kept.contains(&item) {
                kept.push(item);
            }
        }
        *list = kept;
    }
    // A tag key given twice is one tag (a Terraform map holds a key once; so does AWS).
    fn tags_once(tags: &mut Vec<Tag>) {
        let mut kept: Vec<Tag> = Vec::new();
        for t in tags.drain(..) {
            match kept.iter_mut().find(|k| k.key == t.key) {
                Some(k) => k.value = t.value,
                None => kept.push(t),
            }
        }
        *tags = kept;
    }
    let doc = |t: &str| document_value(t).to_string();
    let mut s = s.clone();
    s.title.clear();
    s.description.clear();
    for u in &mut s.users {
        once(&mut u.managed_policies);
        once(&mut u.groups);
        tags_once(&mut u.tags);
    }
    for r in &mut s.resources {
        tags_once(&mut r.tags);
    }
    for g in &mut s.groups {
        once(&mut g.managed_policies);
    }
    for r in &mut s.roles {
        once(&mut r.managed_policies);
        tags_once(&mut r.tags);
    }
    for p in &mut s.policies {
        p.document = doc(&p.document);
    }
    for u in &mut s.users {
        for p in &mut u.inline_policies {
            p.document = doc(&p.document);
        }
    }
    for g in &mut s.groups {
        for p in &mut g.inline_policies {
            p.document = doc(&p.document);
        }
    }
    for r in &mut s.roles {
        r.trust_policy = doc(&r.trust_policy);
        for p in &mut r.inline_policies {
            p.document = doc(&p.document);
        }
    }
    for r in &mut s.resources {
        r.policy = r.policy.as_deref().map(doc);
    }
    s
}
