//! What can: one principal's effective permissions over the whole action catalog, grouped by
//! service and access level, with guardrail removals, conditional allows and the synthesized
//! policy; and the property that the synthesized policy, decided by the engine over the
//! catalog, allows exactly the same actions.

#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::unwrap_used,
    clippy::indexing_slicing
)]

use std::collections::BTreeSet;

use iam_engine::catalog::Catalog;
use iam_engine::context::ContextKeyType;
use iam_engine::scenario::{ContextValue, PrincipalRef, Scenario};
use iam_engine::workbench::analysis::what_can::{
    CatalogColumns, WhatCanAnswer, WhatCanQuery, shrink_actions,
};
use iam_engine::workbench::{CompileCache, Workbench};
use proptest::prelude::*;
use serde_json::{Value, json};

const CATALOG: &str = include_str!("../../../static/data/iam-catalog.txt");
const ACCOUNT: &str = "111122223333";

fn catalog() -> &'static Catalog {
    static CELL: std::sync::OnceLock<Catalog> = std::sync::OnceLock::new();
    CELL.get_or_init(|| Catalog::parse(CATALOG).expect("the catalog loads"))
}

fn doc(statements: Value) -> String {
    json!({"Version": "2012-10-17", "Statement": statements}).to_string()
}

fn allow(action: &str) -> Value {
    json!({"Effect": "Allow", "Action": action, "Resource": "*"})
}

/// One user `u` with `statements` inline, an optional boundary (a customer-managed policy)
/// and an optional SCP beside FullAWSAccess.
fn scenario(statements: Value, boundary: Option<Value>, scp: Option<Value>) -> Scenario {
    let mut user =
        json!({"name": "u", "inlinePolicies": [{"name": "Own", "document": doc(statements)}]});
    let mut policies = json!([]);
    if let Some(b) = boundary {
        user["permissionsBoundary"] = json!("Limit");
        policies = json!([{"name": "Limit", "document": doc(b)}]);
    }
    let mut s = json!({
        "formatVersion": 1,
        "account": {"id": ACCOUNT},
        "users": [user], "policies": policies,
    });
    if let Some(scp) = scp {
        s["organization"] = json!({"levels": [{"name": "Root", "scps": [
            {"name": "FullAWSAccess", "document": doc(json!([allow("*")]))},
            {"name": "Guardrail", "document": doc(scp)}
        ]}]});
    }
    Scenario::from_json(&s.to_string()).expect("the fixture loads")
}

fn ask(s: &Scenario, principal: PrincipalRef, context: Vec<ContextValue>) -> WhatCanAnswer {
    let cache = CompileCache::new();
    let mut columns = CatalogColumns::new(catalog());
    Workbench::new(s, &cache)
        .with_catalog(Some(catalog()))
        .what_can(
            &mut columns,
            &WhatCanQuery {
                principal,
                resource: "*".into(),
                context,
            },
        )
        .expect("the principal is known")
}

fn user_u(s: &Scenario) -> WhatCanAnswer {
    ask(s, PrincipalRef::User("u".into()), Vec::new())
}

fn allowed(a: &WhatCanAnswer) -> BTreeSet<String> {
    a.services
        .iter()
        .flat_map(|s| &s.levels)
        .flat_map(|l| l.allowed.iter().cloned())
        .collect()
}

/// What the engine allows a user with `Action: *` on `*`, from the access matrix (checked
/// cell by cell against the full evaluation in its own tests), not from what-can: every action
/// but the root-only tasks it refuses to IAM principals and the role assumptions (no role is
/// named by `*`).
fn admin_allowed() -> &'static BTreeSet<String> {
    static CELL: std::sync::OnceLock<BTreeSet<String>> = std::sync::OnceLock::new();
    CELL.get_or_init(|| {
        let s = scenario(json!([allow("*")]), None, None);
        let cache = CompileCache::new();
        let actions: Vec<String> = catalog().actions().map(|a| a.full_name()).collect();
        let m = Workbench::new(&s, &cache).matrix(
            &[PrincipalRef::User("u".into())],
            &actions,
            "*",
            false,
        );
        actions
            .iter()
            .enumerate()
            .filter(|(i, _)| m.cell(0, *i) == Some(iam_engine::eval::Decision::Allowed))
            .map(|(_, a)| a.clone())
            .collect()
    })
}

/// What the engine allows an IAM user whose policies allow exactly `actions` on `*`: those
/// an administrator is allowed, plus `sts:GetCallerIdentity` (which needs no permission).
fn as_user(actions: BTreeSet<String>) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = actions.intersection(admin_allowed()).cloned().collect();
    out.insert("sts:GetCallerIdentity".to_string());
    out
}

/// Asserts two action sets are equal, showing only their differences.
#[track_caller]
fn same(have: BTreeSet<String>, want: BTreeSet<String>) {
    let extra: Vec<_> = have.difference(&want).collect();
    let missing: Vec<_> = want.difference(&have).collect();
    assert!(
        extra.is_empty() && missing.is_empty(),
        "extra {extra:?}, missing {missing:?}"
    );
}

fn expand(pattern: &str) -> BTreeSet<String> {
    catalog()
        .expand(pattern)
        .into_iter()
        .map(|a| a.full_name())
        .collect()
}

#[test]
fn an_admin_and_the_root_user_see_every_action() {
    let total = catalog().actions().len();
    let s = scenario(json!([allow("*")]), None, None);
    let root = ask(&s, PrincipalRef::Root, Vec::new());
    assert_eq!(root.actions_considered, total);
    assert_eq!(root.allowed, total);
    assert_eq!((root.conditional, root.removed), (0, 0));
    assert_eq!(root.services.len(), catalog().services().len());
    assert_eq!(root.policy["Statement"][0]["Action"], "*");
    // An administrator has everything but what only the root user may do and the role
    // assumptions (`*` names no role's trust policy).
    let admin = user_u(&s);
    same(allowed(&admin), admin_allowed().clone());
    assert!(!admin_allowed().contains("sts:AssumeRole"));
    assert!(admin.allowed + 10 > total);
    assert_eq!((admin.conditional, admin.removed), (0, 0));
    let actions = admin.policy["Statement"][0]["Action"].as_array().unwrap();
    assert!(actions.iter().any(|p| p == "s3:*"));
}

#[test]
fn a_user_with_s3_get_sees_exactly_those_by_access_level() {
    let a = user_u(&scenario(json!([allow("s3:Get*")]), None, None));
    let want = expand("s3:Get*");
    assert!(want.len() > 20);
    same(allowed(&a), as_user(want.clone()));
    assert_eq!(a.allowed, want.len() + 1);
    // S3, and STS for sts:GetCallerIdentity, which needs no permission.
    assert_eq!(a.services.len(), 2);
    let s3 = a.services.iter().find(|s| s.service == "s3").unwrap();
    assert_eq!(s3.service, "s3");
    let levels: Vec<&str> = s3.levels.iter().map(|l| l.level.as_str()).collect();
    // s3:Get* holds reads, and GetBucketTagging etc. are reads too; no write.
    assert!(levels.contains(&"Read"), "{levels:?}");
    assert!(!levels.contains(&"Write"), "{levels:?}");
    for level in &s3.levels {
        for action in &level.allowed {
            let have = catalog().action(action).unwrap().access_level();
            assert_eq!(have.as_str(), level.level);
        }
    }
    assert_eq!(
        a.policy["Statement"][0]["Action"],
        json!(["s3:Get*", "sts:GetCallerIdentity"])
    );
}

#[test]
fn an_scp_deny_is_a_guardrail_removal_with_its_statement() {
    let s = scenario(
        json!([allow("*")]),
        None,
        Some(json!([{"Sid": "NoIam", "Effect": "Deny", "Action": "iam:*", "Resource": "*"}])),
    );
    let a = user_u(&s);
    let iam = expand("iam:*");
    assert_eq!(a.removed, iam.len());
    same(allowed(&a), as_user(&expand("*") - &iam));
    let service = a.services.iter().find(|s| s.service == "iam").unwrap();
    assert_eq!(service.allowed, 0);
    assert_eq!(service.removed, iam.len());
    let removed = &service.levels[0].removed[0];
    assert!(
        removed.denied_by[0].starts_with("denied by SCP: statement NoIam of"),
        "{:?}",
        removed.denied_by
    );
    assert_eq!(removed.deciding[0].sid.as_deref(), Some("NoIam"));
    // The synthesized policy leaves IAM out and names every other service whole.
    let actions = a.policy["Statement"][0]["Action"].as_array().unwrap();
    assert!(
        actions
            .iter()
            .all(|p| !p.as_str().unwrap().starts_with("iam:"))
    );
    assert!(actions.iter().any(|p| p == "s3:*"));
}

#[test]
fn a_boundary_removes_what_it_does_not_allow_and_what_it_denies() {
    let s = scenario(
        json!([allow("s3:*"), allow("ec2:*")]),
        Some(json!([
            allow("s3:*"),
            {"Sid": "NoDeletes", "Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"}
        ])),
        None,
    );
    let a = user_u(&s);
    let s3 = expand("s3:*");
    let deletes = expand("s3:Delete*");
    let ec2 = expand("ec2:*");
    same(allowed(&a), as_user(&s3 - &deletes));
    assert_eq!(a.removed, ec2.len() + deletes.len());
    let removed: Vec<_> = a
        .services
        .iter()
        .flat_map(|s| &s.levels)
        .flat_map(|l| &l.removed)
        .collect();
    let ec2_removal = removed
        .iter()
        .find(|r| r.action.starts_with("ec2:"))
        .unwrap();
    assert!(
        ec2_removal
            .denied_by
            .iter()
            .any(|d| d.starts_with("not allowed by the permissions boundary")),
        "{:?}",
        ec2_removal.denied_by
    );
    let delete = removed
        .iter()
        .find(|r| r.action == "s3:DeleteBucket")
        .unwrap();
    assert!(
        delete.denied_by[0].starts_with("denied by the permissions boundary: statement NoDeletes"),
        "{:?}",
        delete.denied_by
    );
}

#[test]
fn a_conditional_allow_is_reported_with_its_condition_until_the_context_is_fixed() {
    let s = scenario(
        json!([
            allow("s3:ListAllMyBuckets"),
            {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*",
             "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}
        ]),
        None,
        None,
    );
    let a = user_u(&s);
    let gets = expand("s3:Get*");
    // s3:ListAllMyBuckets and sts:GetCallerIdentity.
    assert_eq!(a.allowed, 2);
    assert_eq!(a.conditional, gets.len());
    let conditional: Vec<_> = a
        .services
        .iter()
        .flat_map(|s| &s.levels)
        .flat_map(|l| &l.conditional)
        .collect();
    assert!(
        conditional[0].conditions[0].starts_with(
            "depends on aws:MultiFactorAuthPresent: allowed if it satisfies the Bool condition"
        ),
        "{:?}",
        conditional[0].conditions
    );
    // The synthesized policy holds only the unconditional allow.
    assert_eq!(
        a.policy["Statement"][0]["Action"],
        json!(["s3:ListAllMyBuckets", "sts:GetCallerIdentity"])
    );

    let mfa = ContextValue {
        key: "aws:MultiFactorAuthPresent".into(),
        ty: ContextKeyType::Boolean,
        values: vec!["true".into()],
    };
    let a = ask(&s, PrincipalRef::User("u".into()), vec![mfa]);
    assert_eq!((a.allowed, a.conditional), (gets.len() + 2, 0));
}

#[test]
fn a_conditional_allow_beside_an_unconditional_one_changes_nothing() {
    let s = scenario(
        json!([
            allow("s3:*"),
            {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*",
             "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}
        ]),
        None,
        None,
    );
    let a = user_u(&s);
    assert_eq!((a.allowed, a.conditional), (expand("s3:*").len() + 1, 0));
    assert_eq!(
        a.policy["Statement"][0]["Action"],
        json!(["s3:*", "sts:GetCallerIdentity"])
    );
}

#[test]
fn an_allow_while_a_key_is_unset_is_conditional() {
    // A Deny that applies only when MFA is present: allowed while the request does not set it.
    let s = scenario(
        json!([
            allow("sqs:*"),
            {"Effect": "Deny", "Action": "sqs:Delete*", "Resource": "*",
             "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}
        ]),
        None,
        None,
    );
    let a = user_u(&s);
    let deletes = expand("sqs:Delete*");
    assert_eq!(a.conditional, deletes.len());
    let c = &a
        .services
        .iter()
        .find(|s| s.service == "sqs")
        .unwrap()
        .levels
        .iter()
        .flat_map(|l| &l.conditional)
        .next()
        .unwrap()
        .conditions;
    assert_eq!(
        c[0],
        "depends on aws:MultiFactorAuthPresent: allowed while the request does not set it"
    );
}

#[test]
fn not_action_is_expanded_into_the_synthesized_policy() {
    let s = scenario(
        json!([{"Effect": "Allow", "NotAction": ["iam:*", "s3:Delete*"], "Resource": "*"}]),
        None,
        None,
    );
    let a = user_u(&s);
    let all = expand("*");
    let want = as_user(&(&all - &expand("iam:*")) - &expand("s3:Delete*"));
    same(allowed(&a), want.clone());
    let text = a.policy.to_string();
    assert!(!text.contains("NotAction"));
    let actions: Vec<&str> = a.policy["Statement"][0]["Action"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(actions.contains(&"ec2:*"));
    assert!(!actions.contains(&"s3:*"));
    assert!(actions.iter().any(|a| a.starts_with("s3:Get")));
    // The policy, decided by the engine, allows the same set.
    let round = user_u(&scenario(a.policy["Statement"].clone(), None, None));
    same(allowed(&round), want);
}

#[test]
fn an_unknown_principal_is_an_error() {
    let s = scenario(json!([allow("*")]), None, None);
    let cache = CompileCache::new();
    let mut columns = CatalogColumns::new(catalog());
    let err = Workbench::new(&s, &cache)
        .what_can(
            &mut columns,
            &WhatCanQuery {
                principal: PrincipalRef::User("nobody".into()),
                resource: "*".into(),
                context: Vec::new(),
            },
        )
        .unwrap_err();
    assert!(!err.message.is_empty());
}

/// A deterministic pseudo-random flag per action from a seed (xorshift).
fn flags_from(choices: &[(usize, u8, u64)], columns: &CatalogColumns) -> Vec<bool> {
    let actions = columns.actions();
    let services: Vec<&str> = catalog().services().map(|s| s.prefix()).collect();
    let mut flags = vec![false; actions.len()];
    for &(service, mode, seed) in choices {
        let prefix = format!("{}:", services[service % services.len()]);
        let verbs = [
            "Get", "List", "Put", "Delete", "Describe", "Create", "Update",
        ];
        let verb = verbs[(seed % verbs.len() as u64) as usize];
        let mut x = seed | 1;
        for (i, a) in actions.iter().enumerate() {
            if !a.starts_with(&prefix) {
                continue;
            }
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            flags[i] = match mode % 4 {
                0 => true,
                1 => x % 2 == 0,
                2 => a[prefix.len()..].starts_with(verb),
                _ => a[prefix.len()..].starts_with(verb) && x % 4 != 0,
            };
        }
    }
    flags
}

fn flagged(flags: &[bool], columns: &CatalogColumns) -> BTreeSet<String> {
    columns
        .actions()
        .iter()
        .zip(flags)
        .filter(|(_, f)| **f)
        .map(|(a, _)| a.clone())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    /// Each service's shrunk patterns match exactly its flagged actions in the catalog.
    #[test]
    fn shrunk_patterns_match_exactly_the_flagged_actions(
        choices in prop::collection::vec((0usize..500, 0u8..4, any::<u64>()), 0..6)
    ) {
        let columns = CatalogColumns::new(catalog());
        let flags = flags_from(&choices, &columns);
        let patterns = shrink_actions(&columns, &flags);
        let mut matched = BTreeSet::new();
        for p in &patterns {
            let hit = expand(p);
            prop_assert!(!hit.is_empty(), "{p} matches nothing");
            matched.extend(hit);
        }
        prop_assert_eq!(matched, flagged(&flags, &columns));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, .. ProptestConfig::default() })]

    /// The synthesized policy, decided by the engine over the catalog, allows exactly the
    /// actions it was made from (unconditional allows on `*`).
    #[test]
    fn the_synthesized_policy_allows_exactly_the_same_actions(
        choices in prop::collection::vec((0usize..500, 0u8..4, any::<u64>()), 1..4)
    ) {
        let columns = CatalogColumns::new(catalog());
        // What an IAM user can be allowed on `*` (see `as_user`).
        let flags: Vec<bool> = flags_from(&choices, &columns)
            .into_iter()
            .zip(columns.actions())
            .map(|(f, a)| (f && admin_allowed().contains(a)) || a == "sts:GetCallerIdentity")
            .collect();
        let policy = iam_engine::workbench::analysis::what_can::synthesized_policy(&columns, &flags, "*");
        let s = scenario(policy["Statement"].clone(), None, None);
        let a = user_u(&s);
        prop_assert_eq!(allowed(&a), flagged(&flags, &columns));
        // And the answer's own synthesized policy is the same document.
        prop_assert_eq!(&a.policy, &policy);
    }
}

#[test]
fn a_guardrail_deny_over_an_unset_key_is_conditional_until_the_key_is_set() {
    let s = scenario(
        json!([allow("s3:*"), allow("ec2:*")]),
        None,
        Some(
            json!([{"Sid": "Regions", "Effect": "Deny", "NotAction": "s3:*", "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}}}]),
        ),
    );
    let a = user_u(&s);
    let ec2 = expand("ec2:*");
    // ec2 and sts:GetCallerIdentity (which needs no permission, whatever denies it).
    same(allowed(&a), as_user(expand("s3:*")));
    assert_eq!((a.conditional, a.removed), (ec2.len(), 0));
    let c = &a
        .services
        .iter()
        .find(|s| s.service == "ec2")
        .unwrap()
        .levels[0]
        .conditional[0];
    assert!(
        c.conditions[0].starts_with(
            "depends on aws:RequestedRegion: refused by statement Regions of SCP Guardrail"
        ),
        "{:?}",
        c.conditions
    );
    let region = ContextValue {
        key: "aws:RequestedRegion".into(),
        ty: ContextKeyType::String,
        values: vec!["eu-west-1".into()],
    };
    let a = ask(&s, PrincipalRef::User("u".into()), vec![region]);
    same(allowed(&a), as_user(&expand("s3:*") | &ec2));
    assert_eq!((a.conditional, a.removed), (0, 0));
}

/// Every allowed action of every principal of every gallery example is one the full
/// evaluation allows, and every action it allows without reading an unset key is allowed
/// (checked on every 250th catalog action and the first 40 actions the example's policies name).
#[test]
fn every_answer_agrees_with_the_full_evaluation_on_the_gallery() {
    let managed = iam_engine::catalog::ManagedPolicies::parse(include_str!(
        "../../../static/data/managed-policies.txt"
    ))
    .unwrap();
    let mut columns = CatalogColumns::new(catalog());
    for entry in iam_engine::scenario::gallery() {
        let s = &entry.scenario;
        let cache = CompileCache::new();
        let wb = Workbench::new(s, &cache)
            .with_catalog(Some(catalog()))
            .with_managed(Some(&managed));
        let mut actions: BTreeSet<String> =
            columns.actions().iter().step_by(250).cloned().collect();
        actions.extend(
            iam_engine::workbench::matrix::mentioned_actions(s, Some(&managed), Some(catalog()))
                .into_iter()
                .take(40),
        );
        for (principal_index, principal) in iam_engine::workbench::matrix::matrix_principals(s)
            .into_iter()
            .enumerate()
        {
            // One principal in two on a bucket's object as well (a resource policy in play).
            let object = (principal_index % 2 == 0).then_some("arn:aws:s3:::example-bucket/key");
            for resource in std::iter::once("*").chain(object) {
                let a = wb
                    .what_can(
                        &mut columns,
                        &WhatCanQuery {
                            principal: principal.clone(),
                            resource: resource.into(),
                            context: Vec::new(),
                        },
                    )
                    .unwrap();
                let have = allowed(&a);
                for action in actions.iter().filter(|a| catalog().action(a).is_some()) {
                    let e = iam_engine::workbench::simulate::evaluate_request(
                        s,
                        Some(&managed),
                        &cache,
                        &principal,
                        action,
                        resource,
                        &[],
                    )
                    .unwrap()
                    .evaluation;
                    let full = e.decision == iam_engine::eval::Decision::Allowed;
                    if have.contains(action) {
                        assert!(full, "{} {principal:?} {action} {resource}", entry.id);
                    } else if full && e.missing_context_keys.is_empty() {
                        panic!(
                            "{} {principal:?} {action} {resource}: allowed but not listed",
                            entry.id
                        );
                    }
                }
            }
        }
    }
}
