//! Complexity benchmark: for every input surface, the time (and peak heap) of an input of size
//! n and of size 8n, and their ratio.
//!
//! Run with `cargo bench -p iam-engine --bench complexity` (add a word after `--` to run only
//! the cases whose surface or shape contains it). Linear work gives a ratio near 8, n log n a
//! little more; a quadratic path gives about 64. A ratio under 12 is reported as near-linear and
//! anything above is flagged.
//!
//! Each measurement runs in a child process (this binary run again with `--case`), so a case
//! that is far too slow is killed at its time budget and reported as `> budget` instead of
//! hanging the run, and a case that blows up its memory aborts at the heap cap ([`HEAP_CAP`])
//! instead of taking the machine's. The shapes are the ones hostile or merely large inputs
//! take: many keys in one mapping, many users referencing one group, many colliding names,
//! many statements, one long line with many diagnostics, nested `Fn::Sub`, wrapped links.

// Benchmark helpers may panic on broken fixtures: that is how they fail.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fmt::Write as _;
use std::hint::black_box;
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use cap::Cap;
use iam_engine::catalog::Catalog;
use iam_engine::export::{Format, PolicyStyle, TerraformOptions, cloudformation, terraform};
use iam_engine::import::{ImportOptions, detect_and_import};
use iam_engine::policy::PolicyType;
use iam_engine::scenario::{
    FORMAT_VERSION, Group, InlinePolicy, ManagedPolicy, PolicyRef, Role, Scenario, User,
};
use iam_engine::share::{self, SharePayload};
use iam_engine::simulate::{SimulateCustomPolicyInput, simulate};
use iam_engine::span::LineIndex;
use iam_engine::validate::{ValidateOptions, validate_with};

/// The heap a measurement may use before its allocation fails and the child aborts.
const HEAP_CAP: usize = 2 << 30;

#[global_allocator]
static ALLOCATOR: Cap<std::alloc::System> = Cap::new(std::alloc::System, usize::MAX);

const CATALOG: &str = include_str!("../../../static/data/iam-catalog.txt");

/// How long one measurement (one size of one case, all its repetitions) may run.
const BUDGET: Duration = Duration::from_secs(10);

/// How much CPU time a measurement spends repeating its work.
const REPEAT_FOR: Duration = Duration::from_millis(300);

/// Ratios under this are near-linear: 8 for linear work, up to about 10 for n log n, plus
/// noise on a shared machine.
const NEAR_LINEAR: f64 = 12.0;

/// A prepared input: its size in bytes, and the work to time, which returns something to keep
/// it from being optimised away.
type Work = (usize, Box<dyn FnMut() -> usize>);

/// One row of the table.
struct Case {
    surface: &'static str,
    shape: &'static str,
    /// The small size; the large one is eight times it.
    n: usize,
    /// Builds the input of size `n` (not timed) and returns the work on it.
    prepare: fn(usize) -> Work,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            surface: "JSON front end + policy parse",
            shape: "statements",
            n: 2_000,
            prepare: |n| {
                let text = policy_with_statements(n);
                (
                    text.len(),
                    Box::new(move || {
                        iam_engine::policy::parse_policy(&text, PolicyType::Identity)
                            .diagnostics
                            .len()
                    }),
                )
            },
        },
        Case {
            surface: "JSON front end + policy parse",
            shape: "keys in one Condition mapping",
            n: 2_000,
            prepare: |n| {
                let text = policy_with_condition_keys(n);
                (
                    text.len(),
                    Box::new(move || {
                        iam_engine::policy::parse_policy(&text, PolicyType::Identity)
                            .diagnostics
                            .len()
                    }),
                )
            },
        },
        Case {
            surface: "validate (all checks, catalog)",
            shape: "statements, no findings",
            n: 500,
            prepare: |n| {
                let text = policy_with_statements(n);
                let catalog = Catalog::parse(CATALOG).unwrap();
                (
                    text.len(),
                    Box::new(move || validate_all(&text, &catalog).len()),
                )
            },
        },
        Case {
            surface: "validate (all checks, catalog)",
            shape: "keys in one Condition mapping",
            n: 500,
            prepare: |n| {
                let text = policy_with_condition_keys(n);
                let catalog = Catalog::parse(CATALOG).unwrap();
                (
                    text.len(),
                    Box::new(move || validate_all(&text, &catalog).len()),
                )
            },
        },
        Case {
            surface: "validate + render (text)",
            shape: "one long line of diagnostics",
            n: 300,
            prepare: |n| {
                let text = long_line_of_errors(n);
                let catalog = Catalog::parse(CATALOG).unwrap();
                (
                    text.len(),
                    Box::new(move || {
                        // As `iam-playground validate` prints them.
                        let findings = validate_all(&text, &catalog);
                        iam_engine::validate::render_findings(&findings, &text, "policy.json")
                            .iter()
                            .map(String::len)
                            .sum()
                    }),
                )
            },
        },
        Case {
            surface: "validate + line/column (JSON)",
            shape: "one long line of diagnostics",
            n: 300,
            prepare: |n| {
                let text = long_line_of_errors(n);
                let catalog = Catalog::parse(CATALOG).unwrap();
                (
                    text.len(),
                    Box::new(move || {
                        let findings = validate_all(&text, &catalog);
                        let index = LineIndex::new(&text);
                        findings
                            .iter()
                            .map(|f| {
                                index.line_col(f.span.start).column
                                    + index.line_col(f.span.end).column
                            })
                            .sum()
                    }),
                )
            },
        },
        Case {
            surface: "import CloudFormation YAML",
            shape: "users referencing one group",
            // Large enough that the smaller input no longer fits the processor's caches (at
            // 4,000 users the ratio read 20 from cache effects alone); at 8n past the page's
            // 64 MiB import limit, which `import_work` lifts as the CLI does.
            n: 16_000,
            prepare: |n| import_work(cfn_yaml_users_in_group(n)),
        },
        Case {
            surface: "import CloudFormation YAML",
            shape: "keys in one Condition mapping",
            n: 1_000,
            prepare: |n| import_work(cfn_yaml_condition_keys(n)),
        },
        Case {
            surface: "import CloudFormation YAML",
            shape: "nested Fn::Sub (n levels)",
            n: 2,
            prepare: |n| import_work(cfn_yaml_nested_sub(n)),
        },
        Case {
            surface: "import CloudFormation JSON",
            shape: "users referencing one group",
            // Large enough that the smaller input no longer fits the processor's caches (at
            // 4,000 users the ratio read 20 from cache effects alone); at 8n past the page's
            // 64 MiB import limit, which `import_work` lifts as the CLI does.
            n: 16_000,
            prepare: |n| import_work(cfn_json_users_in_group(n)),
        },
        Case {
            surface: "import CloudFormation JSON",
            shape: "keys in one Condition mapping",
            n: 1_000,
            prepare: |n| import_work(cfn_json_condition_keys(n)),
        },
        Case {
            surface: "import Terraform HCL",
            shape: "users referencing one group",
            n: 4_000,
            prepare: |n| import_work(tf_hcl_users_in_group(n)),
        },
        Case {
            surface: "import Terraform HCL",
            shape: "statements in one policy document",
            n: 1_000,
            prepare: |n| import_work(tf_hcl_document_statements(n)),
        },
        Case {
            surface: "import Terraform plan JSON",
            shape: "attachments of policies with unknown ARNs",
            // As for the CloudFormation JSON case: at 4,000 the ratio reads 13 from cache
            // effects alone (the engine's JSON front end by itself reads 12 there).
            n: 12_000,
            prepare: |n| import_work(tf_plan_attachments(n)),
        },
        Case {
            surface: "import authorization details",
            shape: "users in one group",
            n: 4_000,
            prepare: |n| import_work(authorization_details(n)),
        },
        Case {
            surface: "scenario parse (JSON)",
            shape: "users in one group",
            n: 500,
            prepare: |n| {
                let text = scenario_with_users(n).to_json();
                (
                    text.len(),
                    Box::new(move || Scenario::from_json(&text).unwrap().users.len()),
                )
            },
        },
        Case {
            surface: "scenario parse (YAML, via import)",
            shape: "users in one group",
            n: 500,
            prepare: |n| import_work(yaml_scenario(n)),
        },
        Case {
            surface: "export CloudFormation YAML",
            shape: "distinct users",
            n: 600,
            prepare: |n| export_work(scenario_with_users(n), Format::Yaml),
        },
        Case {
            surface: "export CloudFormation JSON",
            shape: "distinct users",
            n: 600,
            prepare: |n| export_work(scenario_with_users(n), Format::Json),
        },
        Case {
            surface: "export CloudFormation JSON",
            shape: "names colliding as logical ids",
            n: 100,
            prepare: |n| export_work(scenario_with_colliding_names(n), Format::Json),
        },
        Case {
            surface: "export Terraform (jsonencode)",
            shape: "distinct users",
            n: 600,
            prepare: |n| terraform_work(scenario_with_users(n), PolicyStyle::JsonEncode),
        },
        Case {
            surface: "export Terraform (policy documents)",
            shape: "names colliding as resource names",
            n: 100,
            prepare: |n| terraform_work(scenario_with_colliding_names(n), PolicyStyle::Document),
        },
        Case {
            surface: "share encode + open",
            shape: "users in one group",
            n: 300,
            prepare: |n| {
                let text = scenario_with_users(n).to_json();
                (
                    text.len(),
                    Box::new(move || {
                        let payload = SharePayload::new(text.clone(), FORMAT_VERSION, "bench");
                        let link = share::encode(&payload).unwrap();
                        let opened = share::decode(&link).unwrap();
                        Scenario::from_json(&opened.scenario).unwrap().users.len()
                    }),
                )
            },
        },
        Case {
            surface: "share open",
            shape: "link wrapped in quotes and <>",
            n: 20_000,
            prepare: |n| {
                let payload =
                    SharePayload::new(scenario_with_users(3).to_json(), FORMAT_VERSION, "bench");
                let link = share::encode(&payload).unwrap();
                let mut wrapped = String::new();
                for i in 0..n {
                    wrapped.push(if i % 2 == 0 { '"' } else { '<' });
                }
                wrapped.push_str(&link);
                for i in (0..n).rev() {
                    wrapped.push(if i % 2 == 0 { '"' } else { '>' });
                }
                (
                    wrapped.len(),
                    Box::new(move || {
                        share::decode(&wrapped)
                            .map(|p| p.scenario.len())
                            .unwrap_or(0)
                    }),
                )
            },
        },
        Case {
            surface: "simulate-custom-policy",
            shape: "statements x 10 actions",
            n: 1_000,
            prepare: |n| {
                let input = SimulateCustomPolicyInput {
                    policy_input_list: vec![policy_with_statements(n)],
                    action_names: (0..10)
                        .map(|i| {
                            format!(
                                "s3:GetObject{}",
                                if i == 0 {
                                    String::new()
                                } else {
                                    format!("Tagging{i}")
                                }
                            )
                        })
                        .collect(),
                    resource_arns: vec!["arn:aws:s3:::bucket-1/key".to_string()],
                    ..SimulateCustomPolicyInput::default()
                };
                (
                    input.policy_input_list[0].len(),
                    Box::new(move || {
                        let output = simulate(&input).unwrap();
                        serde_json::to_string(&output).unwrap().len()
                    }),
                )
            },
        },
    ]
}

// ---- inputs -----------------------------------------------------------------------------------

/// An identity policy of `n` statements with distinct Sids and resources and no findings.
fn policy_with_statements(n: usize) -> String {
    let mut text = String::from("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n");
    for i in 0..n {
        if i > 0 {
            text.push_str(",\n");
        }
        write!(
            text,
            "    {{\"Sid\": \"S{i}\", \"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::bucket-{i}/*\"}}"
        )
        .unwrap();
    }
    text.push_str("\n  ]\n}\n");
    text
}

/// One statement whose `StringEquals` block has `n` keys.
fn policy_with_condition_keys(n: usize) -> String {
    let mut keys = String::new();
    for i in 0..n {
        if i > 0 {
            keys.push_str(",\n");
        }
        write!(keys, "          \"aws:PrincipalTag/k{i}\": \"v{i}\"").unwrap();
    }
    format!(
        "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {{\n      \"Effect\": \"Allow\",\n      \"Action\": \"s3:GetObject\",\n      \"Resource\": \"arn:aws:s3:::bucket/*\",\n      \"Condition\": {{\n        \"StringEquals\": {{\n{keys}\n        }}\n      }}\n    }}\n  ]\n}}\n"
    )
}

/// `{"Version":"2012-10-17","Statement":[` then `n` broken statements on the same line.
fn long_line_of_errors(n: usize) -> String {
    let mut text = String::from("{\"Version\":\"2012-10-17\",\"Statement\":[");
    for i in 0..n {
        if i > 0 {
            text.push(',');
        }
        text.push_str("{\"Effect\":\"Maybe\",\"Action\":\"s3:Fly\"}");
    }
    text.push_str("]}");
    text
}

fn validate_all(text: &str, catalog: &Catalog) -> Vec<iam_engine::validate::Finding> {
    validate_with(
        text,
        &ValidateOptions::new(PolicyType::Identity, Some(catalog)),
    )
}

/// `n` users in a group that is declared after them, so that a reference resolved by scanning
/// the resources in order passes every user first.
fn cfn_yaml_users_in_group(n: usize) -> String {
    let mut text = String::from("Resources:\n");
    for i in 0..n {
        write!(
            text,
            "  User{i}:\n    Type: AWS::IAM::User\n    Properties:\n      UserName: user{i}\n      Groups: [!Ref Devs]\n"
        )
        .unwrap();
    }
    text.push_str("  Devs:\n    Type: AWS::IAM::Group\n    Properties:\n      GroupName: devs\n");
    text
}

fn cfn_yaml_condition_keys(n: usize) -> String {
    let mut text = String::from(
        "Resources:\n  Policy:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      ManagedPolicyName: tagged\n      PolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n            Action: s3:GetObject\n            Resource: '*'\n            Condition:\n              StringEquals:\n",
    );
    for i in 0..n {
        writeln!(text, "                aws:PrincipalTag/k{i}: v{i}").unwrap();
    }
    text
}

/// A user name built from `n` levels of `!Sub`, each using the level below twice.
fn cfn_yaml_nested_sub(n: usize) -> String {
    let mut value = String::from("x");
    for _ in 0..n {
        value = format!("!Sub ['${{V}}${{V}}', {{V: {value}}}]");
    }
    format!(
        "Resources:\n  User:\n    Type: AWS::IAM::User\n    Properties:\n      UserName: {value}\n"
    )
}

/// `n` users, each added to one group declared after them by a membership that refers to both.
fn tf_hcl_users_in_group(n: usize) -> String {
    let mut text = String::new();
    for i in 0..n {
        write!(
            text,
            "resource \"aws_iam_user\" \"u{i}\" {{\n  name = \"user{i}\"\n}}\nresource \"aws_iam_user_group_membership\" \"m{i}\" {{\n  user   = aws_iam_user.u{i}.name\n  groups = [aws_iam_group.devs.name]\n}}\n"
        )
        .unwrap();
    }
    text.push_str("resource \"aws_iam_group\" \"devs\" {\n  name = \"devs\"\n}\n");
    text
}

/// One `aws_iam_policy_document` of `n` statements (each with a Sid), used by a policy.
fn tf_hcl_document_statements(n: usize) -> String {
    let mut text = String::from("data \"aws_iam_policy_document\" \"d\" {\n");
    for i in 0..n {
        write!(
            text,
            "  statement {{\n    sid       = \"S{i}\"\n    actions   = [\"s3:GetObject\"]\n    resources = [\"arn:aws:s3:::b{i}/&{{aws:username}}/*\"]\n  }}\n"
        )
        .unwrap();
    }
    text.push_str("}\nresource \"aws_iam_policy\" \"p\" {\n  name   = \"p\"\n  policy = data.aws_iam_policy_document.d.json\n}\nresource \"aws_iam_user\" \"u\" {\n  name = \"u\"\n}\n");
    text
}

/// A plan of `n` policies, each attached to one user by an attachment whose `policy_arn` the
/// plan does not know (resolved through the configuration's references).
fn tf_plan_attachments(n: usize) -> String {
    let mut planned = Vec::new();
    let mut changes = Vec::new();
    let mut config = Vec::new();
    planned.push(serde_json::json!({"address": "aws_iam_user.u", "mode": "managed", "type": "aws_iam_user", "name": "u", "values": {"name": "u", "path": "/"}}));
    for i in 0..n {
        let doc = format!("{{\"Statement\":[{{\"Resource\":\"b{i}\"}}]}}");
        planned.push(serde_json::json!({"address": format!("aws_iam_policy.p{i}"), "mode": "managed", "type": "aws_iam_policy", "name": format!("p{i}"), "values": {"name": format!("p{i}"), "path": "/", "policy": doc}}));
        planned.push(serde_json::json!({"address": format!("aws_iam_user_policy_attachment.a{i}"), "mode": "managed", "type": "aws_iam_user_policy_attachment", "name": format!("a{i}"), "values": {"user": "u"}}));
        changes.push(serde_json::json!({"address": format!("aws_iam_user_policy_attachment.a{i}"), "change": {"actions": ["create"], "after_unknown": {"id": true, "policy_arn": true}}}));
        config.push(serde_json::json!({"address": format!("aws_iam_user_policy_attachment.a{i}"), "mode": "managed", "type": "aws_iam_user_policy_attachment", "name": format!("a{i}"), "expressions": {"user": {"references": ["aws_iam_user.u.name", "aws_iam_user.u"]}, "policy_arn": {"references": [format!("aws_iam_policy.p{i}.arn"), format!("aws_iam_policy.p{i}")]}}}));
    }
    serde_json::json!({
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": changes,
        "configuration": {"root_module": {"resources": config}},
    })
    .to_string()
}

fn cfn_json_users_in_group(n: usize) -> String {
    let mut text = String::from("{\"Resources\": {\n");
    for i in 0..n {
        writeln!(
            text,
            "  \"User{i}\": {{\"Type\": \"AWS::IAM::User\", \"Properties\": {{\"UserName\": \"user{i}\", \"Groups\": [{{\"Ref\": \"Devs\"}}]}}}},"
        )
        .unwrap();
    }
    text.push_str("  \"Devs\": {\"Type\": \"AWS::IAM::Group\", \"Properties\": {\"GroupName\": \"devs\"}}\n}}\n");
    text
}

fn cfn_json_condition_keys(n: usize) -> String {
    let mut keys = String::new();
    for i in 0..n {
        if i > 0 {
            keys.push_str(",\n");
        }
        write!(keys, "  \"aws:PrincipalTag/k{i}\": \"v{i}\"").unwrap();
    }
    format!(
        "{{\"Resources\": {{\"Policy\": {{\"Type\": \"AWS::IAM::ManagedPolicy\", \"Properties\": {{\"ManagedPolicyName\": \"tagged\", \"PolicyDocument\": {{\"Version\": \"2012-10-17\", \"Statement\": [{{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\", \"Condition\": {{\"StringEquals\": {{\n{keys}\n}}}}}}]}}}}}}}}}}\n"
    )
}

fn authorization_details(n: usize) -> String {
    let mut users = String::new();
    for i in 0..n {
        if i > 0 {
            users.push_str(",\n");
        }
        write!(
            users,
            "    {{\"UserName\": \"user{i}\", \"GroupList\": [\"devs\"]}}"
        )
        .unwrap();
    }
    format!(
        "{{\n  \"UserDetailList\": [\n{users}\n  ],\n  \"GroupDetailList\": [\n    {{\"GroupName\": \"devs\", \"AttachedManagedPolicies\": [{{\"PolicyName\": \"ReadOnlyAccess\", \"PolicyArn\": \"arn:aws:iam::aws:policy/ReadOnlyAccess\"}}]}}\n  ]\n}}\n"
    )
}

/// A scenario with `n` users in one group, each with an inline policy, plus a role and a
/// customer-managed policy.
fn scenario_with_users(n: usize) -> Scenario {
    let mut s = Scenario::new("111122223333");
    let mut devs = Group::new("devs");
    devs.managed_policies.push(PolicyRef::customer("ReadSite"));
    s.add_policy(ManagedPolicy::new(
        "ReadSite",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*"}]}"#,
    ))
    .unwrap();
    s.add_group(devs).unwrap();
    s.add_role(Role::new(
        "deploy",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
    ))
    .unwrap();
    for i in 0..n {
        let mut u = User::new(format!("user{i}"));
        u.groups.push("devs".to_string());
        u.inline_policies.push(InlinePolicy {
            name: "Own".into(),
            document: format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"iam:*AccessKey*","Resource":"arn:aws:iam::111122223333:user/user{i}"}}]}}"#
            ),
        });
        s.add_user(u).unwrap();
    }
    s
}

/// `n` users whose names differ only in punctuation (`a-b`, `a_b`, `a.b`, `a--b`, …), so that
/// every one of them becomes the logical id `UserAB` before numbering.
fn scenario_with_colliding_names(n: usize) -> Scenario {
    const SEPARATORS: &[char] = &['-', '_', '.', '+', '=', ',', '@'];
    let mut s = Scenario::new("111122223333");
    for i in 0..n {
        let mut middle = String::new();
        let mut k = i + 1;
        while k > 0 {
            middle.push(SEPARATORS[k % SEPARATORS.len()]);
            k /= SEPARATORS.len();
        }
        s.add_user(User::new(format!("a{middle}b"))).unwrap();
    }
    s
}

/// The scenario of [`scenario_with_users`] as YAML (YAML is a superset of the JSON it is).
fn yaml_scenario(n: usize) -> String {
    let value: serde_json::Value = serde_json::from_str(&scenario_with_users(n).to_json()).unwrap();
    let mut text = String::new();
    yaml(&value, 0, &mut text);
    text
}

/// Block-style YAML of a JSON value, strings quoted as JSON (valid YAML double-quoted scalars).
fn yaml(value: &serde_json::Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                match v {
                    serde_json::Value::Object(m) if !m.is_empty() => {
                        writeln!(out, "{pad}{k}:").unwrap();
                        yaml(v, indent + 2, out);
                    }
                    serde_json::Value::Array(a) if !a.is_empty() => {
                        writeln!(out, "{pad}{k}:").unwrap();
                        yaml(v, indent + 2, out);
                    }
                    _ => writeln!(out, "{pad}{k}: {v}").unwrap(),
                }
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                match item {
                    serde_json::Value::Object(m) if !m.is_empty() => {
                        writeln!(out, "{pad}-").unwrap();
                        yaml(item, indent + 2, out);
                    }
                    _ => writeln!(out, "{pad}- {item}").unwrap(),
                }
            }
        }
        other => writeln!(out, "{pad}{other}").unwrap(),
    }
}

fn import_work(text: String) -> Work {
    // No size limit: the cases' largest inputs may pass the page's and the CLI's 64 MiB cap.
    let options = ImportOptions {
        max_bytes: Some(usize::MAX),
        ..ImportOptions::default()
    };
    (
        text.len(),
        Box::new(move || match detect_and_import(&text, &options) {
            Ok(imported) => imported.scenario.users.len() + imported.skipped.len(),
            Err(e) => panic!("import failed: {e}"),
        }),
    )
}

fn export_work(scenario: Scenario, format: Format) -> Work {
    (
        scenario.to_json().len(),
        Box::new(move || cloudformation(&scenario, format).unwrap().len()),
    )
}

fn terraform_work(scenario: Scenario, policy_style: PolicyStyle) -> Work {
    (
        scenario.to_json().len(),
        Box::new(move || {
            terraform(&scenario, &TerraformOptions { policy_style })
                .unwrap()
                .len()
        }),
    )
}

// ---- measuring --------------------------------------------------------------------------------

/// The time this thread has run on a CPU, from Linux's `/proc/thread-self/schedstat` (in
/// nanoseconds, first field). On a machine whose cores are shared, time spent waiting for a core
/// would otherwise be counted as work and make the ratios noisy.
fn cpu_time() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos: u64 = text.split_whitespace().next()?.parse().ok()?;
    (nanos > 0).then(|| Duration::from_nanos(nanos))
}

/// CPU time of this thread where the system reports it, wall-clock time elsewhere.
enum Clock {
    Cpu(Duration),
    Wall(Instant),
}

impl Clock {
    fn start() -> Clock {
        cpu_time().map_or_else(|| Clock::Wall(Instant::now()), Clock::Cpu)
    }

    fn elapsed(&self) -> Duration {
        match self {
            Clock::Cpu(start) => {
                cpu_time().map_or(Duration::ZERO, |now| now.saturating_sub(*start))
            }
            Clock::Wall(start) => start.elapsed(),
        }
    }
}

/// What a child reports for one size: the mean CPU time of one run, the input's size and the peak
/// heap of the whole child (the catalog, for the validation cases, included).
struct Measurement {
    time: Duration,
    input_bytes: usize,
    peak_heap: usize,
}

/// Child mode: prepares case `index` at `size`, times it and prints the measurement.
fn run_child(index: usize, size: usize) {
    ALLOCATOR.set_limit(HEAP_CAP).unwrap();
    let case = cases().into_iter().nth(index).unwrap();
    let (input_bytes, mut work) = (case.prepare)(size);
    // The work is repeated until it has used REPEAT_FOR of CPU time (the kernel's count of it
    // moves in scheduler ticks, so one short run cannot be timed alone), and the mean is taken.
    let started = Instant::now();
    let clock = Clock::start();
    let mut runs = 0u32;
    loop {
        black_box(work());
        runs += 1;
        if clock.elapsed() >= REPEAT_FOR || runs >= 10_000 || started.elapsed() >= BUDGET / 2 {
            break;
        }
    }
    let best = clock.elapsed() / runs;
    println!(
        "{} {} {}",
        best.as_nanos(),
        input_bytes,
        ALLOCATOR.max_allocated()
    );
}

/// Why a measurement has no number.
enum Failure {
    OverBudget,
    Crashed(String),
}

/// Runs one measurement in a child process, killed at the budget.
fn measure(index: usize, size: usize) -> Result<Measurement, Failure> {
    let exe = std::env::current_exe().unwrap();
    let mut child = Command::new(exe)
        .args(["--case", &index.to_string(), &size.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut out = String::new();
            child
                .stdout
                .take()
                .unwrap()
                .read_to_string(&mut out)
                .unwrap();
            if !status.success() {
                let mut err = String::new();
                child
                    .stderr
                    .take()
                    .unwrap()
                    .read_to_string(&mut err)
                    .unwrap();
                let reason = if err.contains("memory allocation") {
                    format!("heap > {} MiB", HEAP_CAP >> 20)
                } else {
                    err.lines()
                        .find(|l| l.contains("panicked"))
                        .unwrap_or("crashed")
                        .to_string()
                };
                return Err(Failure::Crashed(reason));
            }
            let mut fields = out.split_whitespace().map(|f| f.parse::<u128>().unwrap());
            return Ok(Measurement {
                time: Duration::from_nanos(fields.next().unwrap() as u64),
                input_bytes: fields.next().unwrap() as usize,
                peak_heap: fields.next().unwrap() as usize,
            });
        }
        if started.elapsed() > BUDGET {
            let _ = child.kill();
            let _ = child.wait();
            return Err(Failure::OverBudget);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn bytes(n: usize) -> String {
    if n >= 10 << 20 {
        format!("{} MiB", n >> 20)
    } else if n >= 10 << 10 {
        format!("{} KiB", n >> 10)
    } else {
        format!("{n} B")
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(at) = args.iter().position(|a| a == "--case") {
        run_child(args[at + 1].parse().unwrap(), args[at + 2].parse().unwrap());
        return;
    }
    // `cargo bench` passes `--bench`; any other word filters the cases.
    let filter: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    println!(
        "CPU time of input size n and 8n, ratio = time(8n) / time(n): linear 8, n log n about 10, quadratic 64.\n\
         Near-linear below {NEAR_LINEAR}. Budget {} s per measurement; heap capped at {} MiB.\n",
        BUDGET.as_secs(),
        HEAP_CAP >> 20
    );
    let header = format!(
        "{:<34} {:<31} {:>6} {:>9} {:>10} {:>10} {:>7} {:>9}  verdict",
        "surface", "shape", "n", "input 8n", "time n", "time 8n", "ratio", "heap 8n"
    );
    println!("{header}\n{}", "-".repeat(header.len() + 12));
    let mut flagged = 0;
    let mut measured = 0;
    for (index, case) in cases().iter().enumerate() {
        let name = format!("{} {}", case.surface, case.shape);
        if !filter.is_empty() && !filter.iter().any(|f| name.contains(f.as_str())) {
            continue;
        }
        measured += 1;
        let small = measure(index, case.n);
        let large = match &small {
            // A size that is already over budget at n is not tried at 8n.
            Err(Failure::OverBudget) => Err(Failure::OverBudget),
            _ => measure(index, case.n * 8),
        };
        let show = |m: &Result<Measurement, Failure>| match m {
            Ok(m) => format!("{:.2?}", m.time),
            Err(Failure::OverBudget) => format!("> {} s", BUDGET.as_secs()),
            Err(Failure::Crashed(_)) => "failed".to_string(),
        };
        let input = large
            .as_ref()
            .map_or("-".to_string(), |l| bytes(l.input_bytes));
        let heap = large
            .as_ref()
            .map_or("-".to_string(), |l| bytes(l.peak_heap));
        let (ratio, verdict) = match (&small, &large) {
            (Ok(s), Ok(l)) => {
                let ratio = l.time.as_secs_f64() / s.time.as_secs_f64().max(1e-9);
                let verdict = if ratio < NEAR_LINEAR {
                    "near-linear"
                } else {
                    "SUPERLINEAR"
                };
                (format!("{ratio:.1}"), verdict.to_string())
            }
            (_, Err(Failure::Crashed(why))) | (Err(Failure::Crashed(why)), _) => {
                ("-".to_string(), format!("FAILED: {why}"))
            }
            _ => ("-".to_string(), "SUPERLINEAR (over budget)".to_string()),
        };
        if verdict != "near-linear" {
            flagged += 1;
        }
        println!(
            "{:<34} {:<31} {:>6} {:>9} {:>10} {:>10} {:>7} {:>9}  {}",
            case.surface,
            case.shape,
            case.n,
            input,
            show(&small),
            show(&large),
            ratio,
            heap,
            verdict
        );
    }
    println!("\n{measured} cases, {flagged} flagged");
}
