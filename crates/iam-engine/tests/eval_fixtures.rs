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
//! `kmsKey`), `managementAccount`. Policy ids in expectations are `identity.N`, `boundary`,
//! `session.N`, `scps.L.N`, `rcps.L.N` and `resource`. `expect` holds `decision` and optionally
//! `matched` (`id:Sid` or `id#index`, in order), `miss` (an element some candidate failed on),
//! `missingContextKeys`, `uncertain`, `summaryContains`, `rootOnlyTask` and `steps`
//! (`{stepKind: verdict}`). Every case also checks that `decide` agrees with `evaluate`.
//!
//! A fixture marked `"pending": "<reason>"` depends on an engine part that is not wired in yet
//! (its reason says which). Pending cases still run, so a panic fails the test; their mismatches
//! are listed but do not fail it, and the summary names pending cases that already pass so the
//! mark can be removed.

// Test and benchmark helpers may panic on broken fixtures: that is how they fail.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};

use iam_engine::context::{ContextEntry, ContextKeyType, RequestContext};
use iam_engine::eval::{
    self, Caller, CompiledPolicy, Evaluation, PolicySet, Request, ResourcePolicyKind,
};
use iam_engine::policy::PolicyType;
use serde_json::Value;

fn fixture_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            fixture_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
        }
    }
}

fn policy_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => serde_json::to_string_pretty(other).unwrap(),
    }
}

fn compile(id: &str, v: &Value, t: PolicyType) -> CompiledPolicy {
    CompiledPolicy::from_text(id, &policy_text(v), t).0
}

fn policy_list(case: &Value, key: &str) -> Vec<Value> {
    match case.get(key) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a.clone(),
        Some(other) => vec![other.clone()],
    }
}

fn build_set(case: &Value) -> PolicySet {
    let mut set = PolicySet::default();
    for (i, p) in policy_list(case, "identity").iter().enumerate() {
        set.identity
            .push(compile(&format!("identity.{i}"), p, PolicyType::Identity));
    }
    if let Some(b) = case.get("boundary") {
        set.permissions_boundary = Some(compile("boundary", b, PolicyType::PermissionsBoundary));
    }
    for (i, p) in policy_list(case, "session").iter().enumerate() {
        set.session
            .push(compile(&format!("session.{i}"), p, PolicyType::Session));
    }
    for (key, t) in [("scps", PolicyType::Scp), ("rcps", PolicyType::Rcp)] {
        for (l, level) in policy_list(case, key).iter().enumerate() {
            let policies = level
                .as_array()
                .unwrap_or_else(|| panic!("{key} must be a list of levels (lists of policies)"))
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
    let kind = match case.get("resourcePolicyKind").and_then(Value::as_str) {
        None | Some("ordinary") => ResourcePolicyKind::Ordinary,
        Some("roleTrust") => ResourcePolicyKind::RoleTrust,
        Some("kmsKey") => ResourcePolicyKind::KmsKey,
        Some(other) => panic!("unknown resourcePolicyKind {other}"),
    };
    set.resource_policy_kind = kind;
    if let Some(r) = case.get("resourcePolicy") {
        let t = if kind == ResourcePolicyKind::RoleTrust {
            PolicyType::Trust
        } else {
            PolicyType::Resource
        };
        set.resource_policy = Some(compile("resource", r, t));
    }
    set.management_account = case
        .get("managementAccount")
        .and_then(Value::as_str)
        .map(str::to_string);
    set
}

fn field<'a>(variant: &'a Value, case: &'a Value, key: &str) -> Option<&'a Value> {
    variant.get(key).or_else(|| case.get(key))
}

fn build_request(case: &Value, variant: &Value) -> Request {
    let caller_arn = field(variant, case, "caller")
        .and_then(Value::as_str)
        .unwrap_or("arn:aws:iam::111122223333:user/alice");
    let caller = Caller::from_arn(caller_arn).unwrap_or_else(|| panic!("bad caller {caller_arn}"));
    let context: Vec<(String, String, Vec<String>)> = field(variant, case, "context")
        .and_then(Value::as_array)
        .map(|entries| {
            entries
                .iter()
                .map(|e| {
                    let values = match &e["values"] {
                        Value::Array(a) => {
                            a.iter().map(|v| v.as_str().unwrap().to_string()).collect()
                        }
                        Value::String(s) => vec![s.clone()],
                        other => panic!("bad context values {other}"),
                    };
                    (
                        e["key"].as_str().unwrap().to_string(),
                        e.get("type")
                            .and_then(Value::as_str)
                            .unwrap_or("string")
                            .to_string(),
                        values,
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let context: RequestContext = context
        .into_iter()
        .map(|(k, t, v)| {
            let ty = ContextKeyType::parse(&t).unwrap_or_else(|| panic!("bad context type {t}"));
            ContextEntry::new(k, ty, v)
        })
        .collect();
    Request {
        caller,
        action: field(variant, case, "action")
            .and_then(Value::as_str)
            .expect("action")
            .to_string(),
        resource: field(variant, case, "resource")
            .and_then(Value::as_str)
            .unwrap_or("*")
            .to_string(),
        resource_account: field(variant, case, "resourceAccount")
            .and_then(Value::as_str)
            .map(str::to_string),
        context,
    }
}

/// Compares an evaluation with the `expect` object; returns the mismatches.
fn check(expect: &Value, got: &Evaluation) -> Vec<String> {
    let mut problems = Vec::new();
    let decision = expect["decision"].as_str().expect("expect.decision");
    if got.decision.as_aws_str() != decision {
        problems.push(format!(
            "decision: expected {decision}, got {} ({})",
            got.decision.as_aws_str(),
            got.summary
        ));
    }
    if let Some(matched) = expect.get("matched").and_then(Value::as_array) {
        let got_matched: Vec<String> = got
            .matched_statements
            .iter()
            .map(|s| match &s.sid {
                Some(sid) => format!("{}:{sid}", s.policy_id),
                None => format!("{}#{}", s.policy_id, s.index),
            })
            .collect();
        let want: Vec<String> = matched
            .iter()
            .map(|m| m.as_str().unwrap().to_string())
            .collect();
        if got_matched != want {
            problems.push(format!("matched: expected {want:?}, got {got_matched:?}"));
        }
    }
    if let Some(miss) = expect.get("miss").and_then(Value::as_str) {
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
    if let Some(keys) = expect.get("missingContextKeys").and_then(Value::as_array) {
        let want: Vec<String> = keys
            .iter()
            .map(|k| k.as_str().unwrap().to_string())
            .collect();
        if got.missing_context_keys != want {
            problems.push(format!(
                "missingContextKeys: expected {want:?}, got {:?}",
                got.missing_context_keys
            ));
        }
    }
    if let Some(u) = expect.get("uncertain").and_then(Value::as_bool)
        && u == got.uncertain.is_empty()
    {
        problems.push(format!("uncertain: expected {u}, got {:?}", got.uncertain));
    }
    if let Some(s) = expect.get("summaryContains").and_then(Value::as_str)
        && !got.summary.contains(s)
    {
        problems.push(format!(
            "summary: expected to contain {s:?}, got {:?}",
            got.summary
        ));
    }
    if let Some(task) = expect.get("rootOnlyTask") {
        let want = task.as_str().map(str::to_string);
        if got.root_only_task != want {
            problems.push(format!(
                "rootOnlyTask: expected {want:?}, got {:?}",
                got.root_only_task
            ));
        }
    }
    if let Some(steps) = expect.get("steps").and_then(Value::as_object) {
        for (kind, verdict) in steps {
            let found = got
                .steps
                .iter()
                .find(|s| serde_json::to_value(s.kind).unwrap().as_str() == Some(kind.as_str()));
            let got_verdict = found.map(|s| serde_json::to_value(s.verdict).unwrap());
            if got_verdict.as_ref() != Some(verdict) {
                problems.push(format!(
                    "step {kind}: expected {verdict}, got {got_verdict:?}"
                ));
            }
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
    let mut pending_failing = Vec::new();
    let mut pending_passing = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let case: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let set = build_set(&case);
        let name = file.strip_prefix(&root).unwrap().display().to_string();
        let pending = case.get("pending").and_then(Value::as_str).is_some();
        let mut variants = vec![(
            String::new(),
            Value::Object(Default::default()),
            case["expect"].clone(),
        )];
        if let Some(vs) = case.get("variants").and_then(Value::as_array) {
            for (i, v) in vs.iter().enumerate() {
                let label = v
                    .get("name")
                    .and_then(Value::as_str)
                    .map_or_else(|| format!(" [variant {i}]"), |n| format!(" [{n}]"));
                variants.push((label, v.clone(), v["expect"].clone()));
            }
        }
        for (label, variant, expect) in variants {
            if expect.is_null() {
                continue;
            }
            count += 1;
            let request = build_request(&case, &variant);
            let got = eval::evaluate(&set, &request);
            // The fast path must agree with the explained one.
            let fast = eval::decide(&set, &request);
            let mut problems = check(&expect, &got);
            if fast != got.decision {
                problems.push(format!(
                    "decide() returned {fast:?}, evaluate() {:?}",
                    got.decision
                ));
            }
            let report = format!("{name}{label}:\n    {}", problems.join("\n    "));
            match (pending, problems.is_empty()) {
                (false, true) => {}
                (false, false) => failures.push(report),
                (true, true) => {}
                (true, false) => pending_failing.push(report),
            }
        }
        if pending && !pending_failing.iter().any(|r| r.starts_with(&name)) {
            pending_passing.push(name);
        }
    }
    println!(
        "evaluation fixtures: {count} cases in {} files ({} pending and failing, {} pending files already passing)",
        files.len(),
        pending_failing.len(),
        pending_passing.len()
    );
    for p in &pending_failing {
        println!("pending: {p}");
    }
    for p in &pending_passing {
        println!("pending but already passing (remove the mark): {p}");
    }
    assert!(
        failures.is_empty(),
        "{} of {count} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(count > 0, "no fixtures found");
}
