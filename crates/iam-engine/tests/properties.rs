//! Property tests: parsing and evaluation never panic, and the decision is monotonic in the
//! ways AWS's logic guarantees (adding a Deny never produces an allow; adding an Allow never
//! takes an allow away).

// Test and benchmark helpers may panic on broken fixtures: that is how they fail.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use iam_engine::context::RequestContext;
use iam_engine::eval::{
    Caller, CompiledPolicy, Decision, Miss, PolicySet, Request, ResourcePolicyKind,
    allow_may_miss_on_condition, decide, evaluate,
};
use iam_engine::policy::{PolicyType, parse_policy};
use proptest::prelude::*;
use serde_json::{Value, json};

const A: &str = "111122223333";
const B: &str = "444455556666";

fn actions() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "s3:GetObject",
        "s3:*",
        "s3:Put*",
        "ec2:*",
        "*",
        "s3:Get?bject",
    ])
}

fn resources() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "*",
        "arn:aws:s3:::b/*",
        "arn:aws:s3:::c/*",
        "arn:aws:s3:::b/k",
    ])
}

fn principals() -> impl Strategy<Value = Value> {
    prop::sample::select(vec![
        json!("*"),
        json!({"AWS": A}),
        json!({"AWS": format!("arn:aws:iam::{A}:user/alice")}),
        json!({"AWS": format!("arn:aws:iam::{A}:role/app")}),
        json!({"AWS": B}),
    ])
}

fn statement(with_principal: bool) -> impl Strategy<Value = Value> {
    (
        prop::bool::ANY,
        prop::bool::ANY,
        actions(),
        prop::bool::ANY,
        resources(),
        principals(),
    )
        .prop_map(
            move |(allow, not_action, action, not_resource, resource, principal)| {
                let mut s = serde_json::Map::new();
                s.insert("Effect".into(), json!(if allow { "Allow" } else { "Deny" }));
                s.insert(
                    (if not_action { "NotAction" } else { "Action" }).into(),
                    json!(action),
                );
                s.insert(
                    (if not_resource {
                        "NotResource"
                    } else {
                        "Resource"
                    })
                    .into(),
                    json!(resource),
                );
                if with_principal {
                    s.insert("Principal".into(), principal);
                }
                Value::Object(s)
            },
        )
}

fn policy(with_principal: bool) -> impl Strategy<Value = Vec<Value>> {
    prop::collection::vec(statement(with_principal), 0..4)
}

#[derive(Debug, Clone)]
struct Scenario {
    identity: Vec<Vec<Value>>,
    boundary: Option<Vec<Value>>,
    scps: Vec<Vec<Value>>,
    resource: Option<Vec<Value>>,
    caller: &'static str,
    action: &'static str,
    resource_arn: &'static str,
}

fn scenarios() -> impl Strategy<Value = Scenario> {
    (
        prop::collection::vec(policy(false), 0..3),
        prop::option::of(policy(false)),
        prop::collection::vec(policy(false), 0..3),
        prop::option::of(policy(true)),
        prop::sample::select(vec![
            "arn:aws:iam::111122223333:user/alice",
            "arn:aws:sts::111122223333:assumed-role/app/s",
            "arn:aws:iam::444455556666:user/bob",
            "arn:aws:iam::111122223333:root",
            "*",
        ]),
        prop::sample::select(vec!["s3:GetObject", "s3:PutObject", "ec2:RunInstances"]),
        prop::sample::select(vec!["arn:aws:s3:::b/k", "arn:aws:s3:::c/k", "*"]),
    )
        .prop_map(
            |(identity, boundary, scps, resource, caller, action, resource_arn)| Scenario {
                identity,
                boundary,
                scps,
                resource,
                caller,
                action,
                resource_arn,
            },
        )
}

fn text(statements: &[Value]) -> String {
    json!({"Version": "2012-10-17", "Statement": statements}).to_string()
}

fn compile(id: &str, statements: &[Value], t: PolicyType) -> CompiledPolicy {
    CompiledPolicy::from_text(id, &text(statements), t).0
}

fn run(s: &Scenario) -> Decision {
    let (set, request) = set_and_request(s);
    let fast = decide(&set, &request);
    let full = evaluate(&set, &request);
    assert_eq!(fast, full.decision, "decide and evaluate disagree");
    fast
}

fn set_and_request(s: &Scenario) -> (PolicySet, Request) {
    let set = PolicySet {
        identity: s
            .identity
            .iter()
            .enumerate()
            .map(|(i, p)| compile(&format!("i{i}"), p, PolicyType::Identity))
            .collect(),
        permissions_boundary: s
            .boundary
            .as_ref()
            .map(|p| compile("b", p, PolicyType::PermissionsBoundary)),
        scp_levels: s
            .scps
            .iter()
            .enumerate()
            .map(|(i, p)| vec![compile(&format!("s{i}"), p, PolicyType::Scp)])
            .collect(),
        resource_policy: s
            .resource
            .as_ref()
            .map(|p| compile("r", p, PolicyType::Resource)),
        resource_policy_kind: ResourcePolicyKind::Ordinary,
        ..PolicySet::default()
    };
    let request = Request {
        caller: Caller::from_arn(s.caller).unwrap(),
        action: s.action.to_string(),
        resource: s.resource_arn.to_string(),
        resource_account: Some(A.to_string()),
        context: RequestContext::default(),
    };
    (set, request)
}

/// `s` with a condition on every statement `which` picks (a bit per statement, in order of
/// identity policies, boundary, SCPs and resource policy): over a key the request leaves
/// unset (MFA) or over one it never sets either way (a tag), or a negated operator that an
/// absent key meets.
fn with_conditions(s: &Scenario, which: u64, kinds: u64) -> Scenario {
    let mut s = s.clone();
    let conditions = [
        json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
        json!({"StringEquals": {"aws:PrincipalTag/team": "red"}}),
        json!({"StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}}),
    ];
    let mut n = 0u32;
    let mut touch = |policy: &mut Vec<Value>| {
        for st in policy.iter_mut() {
            if which >> (n % 64) & 1 == 1 {
                let kind = (kinds >> ((2 * n) % 64)) as usize % conditions.len();
                st["Condition"] = conditions[kind].clone();
            }
            n += 1;
        }
    };
    s.identity.iter_mut().for_each(&mut touch);
    s.boundary.iter_mut().for_each(&mut touch);
    s.scps.iter_mut().for_each(&mut touch);
    s.resource.iter_mut().for_each(&mut touch);
    s
}

#[test]
fn an_allow_with_a_condition_that_matches_in_all_else_may_miss_on_it() {
    let policy = |statement: Value| {
        let s = Scenario {
            identity: vec![vec![statement]],
            boundary: None,
            scps: Vec::new(),
            resource: None,
            caller: "arn:aws:iam::111122223333:user/alice",
            action: "s3:GetObject",
            resource_arn: "arn:aws:s3:::b/k",
        };
        let (set, request) = set_and_request(&s);
        allow_may_miss_on_condition(&set, &request)
    };
    let mfa = json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}});
    assert!(policy(
        json!({"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::b/*", "Condition": mfa})
    ));
    // Near misses: no condition, another action, another resource, a Deny.
    assert!(!policy(
        json!({"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"})
    ));
    assert!(!policy(
        json!({"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*", "Condition": mfa})
    ));
    assert!(!policy(
        json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::c/*", "Condition": mfa})
    ));
    assert!(!policy(
        json!({"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": mfa})
    ));
}

/// Where to add a statement: identity policy, boundary, SCP level or resource policy.
fn add(s: &Scenario, place: usize, st: Value, with_principal_st: Value) -> Scenario {
    let mut s = s.clone();
    match place % 4 {
        0 => match s.identity.first_mut() {
            Some(p) => p.push(st),
            None => s.identity.push(vec![st]),
        },
        1 => {
            if let Some(b) = s.boundary.as_mut() {
                b.push(st);
            }
        }
        2 => {
            if let Some(level) = s.scps.first_mut() {
                level.push(st);
            }
        }
        _ => match s.resource.as_mut() {
            Some(r) => r.push(with_principal_st),
            None => s.resource = Some(vec![with_principal_st]),
        },
    }
    s
}

fn with_effect(mut st: Value, effect: &str) -> Value {
    st["Effect"] = json!(effect);
    st
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn adding_a_deny_never_allows(s in scenarios(), place in 0usize..4, st in statement(false), pst in statement(true)) {
        let before = run(&s);
        let after = run(&add(&s, place, with_effect(st, "Deny"), with_effect(pst, "Deny")));
        prop_assert!(after != Decision::Allowed || before == Decision::Allowed,
            "adding a Deny turned {before:?} into {after:?}");
        if before == Decision::ExplicitDeny {
            prop_assert_eq!(after, Decision::ExplicitDeny);
        }
    }

    #[test]
    fn adding_an_allow_never_takes_an_allow_away(s in scenarios(), place in 0usize..4, st in statement(false), pst in statement(true)) {
        let before = run(&s);
        let after = run(&add(&s, place, with_effect(st, "Allow"), with_effect(pst, "Allow")));
        if before == Decision::Allowed {
            prop_assert_eq!(after, Decision::Allowed);
        }
        if before == Decision::ExplicitDeny {
            prop_assert_eq!(after, Decision::ExplicitDeny);
        }
    }

    /// An evaluation lists an Allow candidate missed on a condition only where
    /// `allow_may_miss_on_condition` says it may (who-can skips the evaluation elsewhere).
    #[test]
    fn a_candidate_missed_on_a_condition_is_always_foreseen(s in scenarios(), which in any::<u64>(), kinds in any::<u64>()) {
        let s = with_conditions(&s, which, kinds);
        let (set, request) = set_and_request(&s);
        let listed = evaluate(&set, &request)
            .candidates
            .iter()
            .any(|c| matches!(c.miss, Miss::Condition { .. }));
        if listed {
            prop_assert!(allow_may_miss_on_condition(&set, &request));
        }
    }

    #[test]
    fn parsing_arbitrary_text_never_panics(text in "\\PC{0,200}") {
        for t in [PolicyType::Identity, PolicyType::Resource, PolicyType::Rcp] {
            let parsed = parse_policy(&text, t);
            for d in &parsed.diagnostics {
                prop_assert!(d.span.end <= text.len());
                prop_assert!(text.is_char_boundary(d.span.start) && text.is_char_boundary(d.span.end));
                let _ = d.render(&text, "p.json");
            }
            let policy = CompiledPolicy::compile("p", &parsed.document);
            let set = PolicySet { identity: vec![policy], ..PolicySet::default() };
            let request = Request {
                caller: Caller::from_arn("arn:aws:iam::111122223333:user/alice").unwrap(),
                action: "s3:GetObject".into(),
                resource: "arn:aws:s3:::b/k".into(),
                resource_account: None,
                context: RequestContext::default(),
            };
            let _ = evaluate(&set, &request);
        }
    }

    #[test]
    fn parsing_policy_shaped_noise_never_panics(parts in prop::collection::vec(prop::sample::select(vec![
        "{", "}", "[", "]", ",", ":", "\"Version\"", "\"2012-10-17\"", "\"Statement\"", "\"Effect\"",
        "\"Allow\"", "\"Deny\"", "\"Action\"", "\"s3:*\"", "\"Resource\"", "\"*\"", "\"Principal\"",
        "\"Condition\"", "\"StringEquals\"", "\"aws:username\"", "\"${aws:username}\"", "1", "true", "null",
        "\"NotPrincipal\"", "\"AWS\"", "\\", "\"", " ", "\n", "é",
    ]), 0..60)) {
        let text: String = parts.concat();
        for t in [PolicyType::Identity, PolicyType::Resource, PolicyType::Trust, PolicyType::Scp] {
            let parsed = parse_policy(&text, t);
            let policy = CompiledPolicy::compile("p", &parsed.document);
            let set = PolicySet { resource_policy: Some(policy.clone()), identity: vec![policy], ..PolicySet::default() };
            let request = Request {
                caller: Caller::from_arn("arn:aws:sts::111122223333:assumed-role/app/s").unwrap(),
                action: "s3:GetObject".into(),
                resource: "arn:aws:s3:::b/k".into(),
                resource_account: None,
                context: RequestContext::default(),
            };
            let _ = evaluate(&set, &request);
            let _ = decide(&set, &request);
        }
    }
}
