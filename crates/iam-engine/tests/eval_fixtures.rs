//! Runs every evaluation fixture under `tests/fixtures/eval/<group>/<case>.json`.
//!
//! A fixture is data: the caller, action, resource, context and the policies of each type
//! (as JSON objects, or as strings when the exact text matters), and the expected decision with
//! the reason. A fixture may list `variants`: further requests against the same policies, each
//! overriding some request fields and carrying its own `expect`. The runner prints how many
//! cases ran and reports every failure at once.
//!
//! Fields: `description`, `source` (the rule in iam-semantics or the AWS page), `caller` (an
//! ARN, a service principal or `*`; default a user of 111122223333), `action`, `resource`
//! (default `*`), `resourceAccount`, `context` (`[{key, type, values}]`, AWS type names),
//! `identity` (list), `boundary`, `session` (list), `scps` and `rcps` (lists of levels, each a
//! list of policies), `resourcePolicy`, `resourcePolicyKind` (`ordinary`, `roleTrust`,
//! `kmsKey`), `managementAccount`, `vpcEndpoint` (`{id, policy}`: a request whose
//! `aws:SourceVpce` is `id` goes through the endpoint, whose policy then applies, as the
//! scenario glue and `simulate-custom-policy` put it). Policy ids in expectations are `identity.N`, `boundary`,
//! `session.N`, `scps.L.N`, `rcps.L.N`, `resource` and `vpcEndpoint`. `expect` holds `decision` and optionally
//! `matched` (`id:Sid` or `id#index`, in order), `miss` (an element some candidate failed on),
//! `missingContextKeys`, `uncertain`, `summaryContains`, `rootOnlyTask` and `steps`
//! (`{stepKind: verdict}`). Every case also checks that `decide` agrees with `evaluate`.
//!
//! The fixtures are read into typed structs that refuse unknown fields, so a misspelled key
//! fails the run instead of being ignored, and every mismatch fails it: there is no mode that
//! only prints.

// Test and benchmark helpers may panic on broken fixtures: that is how they fail.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod json_files;
use json_files::fixture_files;

use std::collections::HashMap;
use std::path::Path;

use iam_engine::context::{ContextEntry, ContextKeyType, RequestContext};
use iam_engine::eval::{
    self, Caller, CompiledPolicy, Decision, Evaluation, PolicySet, Request, ResourcePolicyKind,
    StepKind, Verdict,
};
use iam_engine::policy::PolicyType;
use serde::Deserialize;

/// One fixture file.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Fixture {
    /// What the case shows; printed with a failure.
    description: String,
    /// The rule in iam-semantics or the AWS page the case comes from; printed with a failure.
    source: String,
    /// The request, whose fields variants may override. (The request fields are listed in
    /// each struct rather than flattened in, because serde's `flatten` switches
    /// `deny_unknown_fields` off.)
    caller: Option<String>,
    action: String,
    resource: Option<String>,
    resource_account: Option<String>,
    context: Option<Vec<ContextField>>,
    #[serde(default)]
    identity: Vec<Policy>,
    boundary: Option<Policy>,
    #[serde(default)]
    session: Vec<Policy>,
    /// Levels from the root down, each a list of policies.
    #[serde(default)]
    scps: Vec<Vec<Policy>>,
    #[serde(default)]
    rcps: Vec<Vec<Policy>>,
    resource_policy: Option<Policy>,
    #[serde(default)]
    resource_policy_kind: ResourcePolicyKind,
    management_account: Option<String>,
    vpc_endpoint: Option<Endpoint>,
    expect: Expect,
    #[serde(default)]
    variants: Vec<Variant>,
}

/// A further request against the fixture's policies; a field left out is the fixture's.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Variant {
    name: String,
    caller: Option<String>,
    action: Option<String>,
    resource: Option<String>,
    resource_account: Option<String>,
    context: Option<Vec<ContextField>>,
    expect: Expect,
}

/// A VPC endpoint: its id and its policy.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Endpoint {
    id: String,
    policy: Policy,
}

/// One context entry, in the shape of the AWS CLI's `--context-entries`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ContextField {
    key: String,
    #[serde(rename = "type", default = "string_type")]
    ty: String,
    values: Vec<String>,
}

fn string_type() -> String {
    "string".to_owned()
}

/// A policy as a JSON document, or as text when the exact characters matter.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Policy {
    Text(String),
    Document(serde_json::Map<String, serde_json::Value>),
}

/// What the evaluation must return.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Expect {
    decision: Decision,
    matched: Option<Vec<String>>,
    miss: Option<String>,
    missing_context_keys: Option<Vec<String>>,
    uncertain: Option<bool>,
    summary_contains: Option<String>,
    root_only_task: Option<String>,
    steps: Option<HashMap<StepKind, Verdict>>,
}

fn compile(id: &str, p: &Policy, t: PolicyType) -> CompiledPolicy {
    let text = match p {
        Policy::Text(s) => s.clone(),
        Policy::Document(d) => serde_json::to_string_pretty(d).unwrap(),
    };
    CompiledPolicy::from_text(id, &text, t).0
}

fn build_set(case: &Fixture) -> PolicySet {
    let mut set = PolicySet::default();
    for (i, p) in case.identity.iter().enumerate() {
        set.identity
            .push(compile(&format!("identity.{i}"), p, PolicyType::Identity));
    }
    if let Some(b) = &case.boundary {
        set.permissions_boundary = Some(compile("boundary", b, PolicyType::PermissionsBoundary));
    }
    for (i, p) in case.session.iter().enumerate() {
        set.session
            .push(compile(&format!("session.{i}"), p, PolicyType::Session));
    }
    for (key, t, levels) in [
        ("scps", PolicyType::Scp, &case.scps),
        ("rcps", PolicyType::Rcp, &case.rcps),
    ] {
        for (l, level) in levels.iter().enumerate() {
            let policies = level
                .iter()
                .enumerate()
                .map(|(i, p)| compile(&format!("{key}.{l}.{i}"), p, t))
                .collect();
            if t == PolicyType::Scp {
                set.scp_levels.push(policies);
            } else {
                set.rcp_levels.push(policies);
            }
        }
    }
    set.resource_policy_kind = case.resource_policy_kind;
    if let Some(r) = &case.resource_policy {
        let t = if case.resource_policy_kind == ResourcePolicyKind::RoleTrust {
            PolicyType::Trust
        } else {
            PolicyType::Resource
        };
        set.resource_policy = Some(compile("resource", r, t));
    }
    set.management_account.clone_from(&case.management_account);
    set
}

fn build_request(case: &Fixture, variant: Option<&Variant>) -> Request {
    let caller_arn = variant
        .and_then(|v| v.caller.as_deref())
        .or(case.caller.as_deref())
        .unwrap_or("arn:aws:iam::111122223333:user/alice");
    let caller = Caller::from_arn(caller_arn).unwrap_or_else(|| panic!("bad caller {caller_arn}"));
    let context: RequestContext = variant
        .and_then(|v| v.context.as_ref())
        .or(case.context.as_ref())
        .into_iter()
        .flatten()
        .map(|e| {
            let ty =
                ContextKeyType::parse(&e.ty).unwrap_or_else(|| panic!("bad context type {}", e.ty));
            ContextEntry::new(e.key.clone(), ty, e.values.clone())
        })
        .collect();
    Request {
        caller,
        action: variant
            .and_then(|v| v.action.clone())
            .unwrap_or_else(|| case.action.clone()),
        resource: variant
            .and_then(|v| v.resource.clone())
            .or_else(|| case.resource.clone())
            .unwrap_or_else(|| "*".to_owned()),
        resource_account: variant
            .and_then(|v| v.resource_account.clone())
            .or_else(|| case.resource_account.clone()),
        context,
    }
}

/// Compares an evaluation with the expectation; returns the mismatches.
fn check(expect: &Expect, got: &Evaluation) -> Vec<String> {
    let mut problems = Vec::new();
    if got.decision != expect.decision {
        problems.push(format!(
            "decision: expected {}, got {} ({})",
            expect.decision.as_aws_str(),
            got.decision.as_aws_str(),
            got.summary
        ));
    }
    if let Some(want) = &expect.matched {
        let got_matched: Vec<String> = got
            .matched_statements
            .iter()
            .map(|s| match &s.sid {
                Some(sid) => format!("{}:{sid}", s.policy_id),
                None => format!("{}#{}", s.policy_id, s.index),
            })
            .collect();
        if &got_matched != want {
            problems.push(format!("matched: expected {want:?}, got {got_matched:?}"));
        }
    }
    if let Some(miss) = &expect.miss {
        let got_misses: Vec<String> = got
            .candidates
            .iter()
            .map(|c| {
                let v = serde_json::to_value(&c.miss).unwrap();
                v["element"].as_str().unwrap().to_string()
            })
            .collect();
        if !got_misses.iter().any(|m| m == miss) {
            problems.push(format!(
                "miss: expected a candidate failing on {miss}, got {got_misses:?}"
            ));
        }
    }
    if let Some(want) = &expect.missing_context_keys
        && &got.missing_context_keys != want
    {
        problems.push(format!(
            "missingContextKeys: expected {want:?}, got {:?}",
            got.missing_context_keys
        ));
    }
    if let Some(u) = expect.uncertain
        && u == got.uncertain.is_empty()
    {
        problems.push(format!("uncertain: expected {u}, got {:?}", got.uncertain));
    }
    if let Some(s) = &expect.summary_contains
        && !got.summary.contains(s.as_str())
    {
        problems.push(format!(
            "summary: expected to contain {s:?}, got {:?}",
            got.summary
        ));
    }
    if let Some(want) = &expect.root_only_task
        && got.root_only_task.as_ref() != Some(want)
    {
        problems.push(format!(
            "rootOnlyTask: expected {want:?}, got {:?}",
            got.root_only_task
        ));
    }
    for (kind, verdict) in expect.steps.iter().flatten() {
        let got_verdict = got
            .steps
            .iter()
            .find(|s| s.kind == *kind)
            .map(|s| s.verdict);
        if got_verdict != Some(*verdict) {
            problems.push(format!(
                "step {kind:?}: expected {verdict:?}, got {got_verdict:?}"
            ));
        }
    }
    problems
}

#[test]
fn eval_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/eval");
    let mut files = Vec::new();
    fixture_files(&root, &mut files);
    let mut count = 0;
    let mut failures = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let case: Fixture =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let set = build_set(&case);
        let name = file.strip_prefix(&root).unwrap().display().to_string();
        let variants = std::iter::once((String::new(), None, &case.expect)).chain(
            case.variants
                .iter()
                .map(|v| (format!(" [{}]", v.name), Some(v), &v.expect)),
        );
        for (label, variant, expect) in variants {
            count += 1;
            let request = build_request(&case, variant);
            let mut set = set.clone();
            if let Some(endpoint) = &case.vpc_endpoint
                && request.context.lookup("aws:SourceVpce").values().first() == Some(&endpoint.id)
            {
                set.vpc_endpoint = Some(compile(
                    "vpcEndpoint",
                    &endpoint.policy,
                    PolicyType::VpcEndpoint,
                ));
            }
            let got = eval::evaluate(&set, &request);
            // The fast path must agree with the explained one.
            let fast = eval::decide(&set, &request);
            let mut problems = check(expect, &got);
            if fast != got.decision {
                problems.push(format!(
                    "decide() returned {fast:?}, evaluate() {:?}",
                    got.decision
                ));
            }
            if !problems.is_empty() {
                failures.push(format!(
                    "{name}{label} (source {}): {}\n    {}",
                    case.source,
                    case.description,
                    problems.join("\n    ")
                ));
            }
        }
    }
    println!(
        "evaluation fixtures: {count} cases in {} files",
        files.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {count} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(count > 0, "no fixtures found");
}
