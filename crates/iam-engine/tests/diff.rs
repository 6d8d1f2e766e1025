//! Change review (`workbench::analysis::diff`): a fixture table of classic subtle changes,
//! each with its expected verdict and witness, and properties over generated policies
//! (`diff(a, a)` is empty, swapping the sides swaps the directions, every witness flips when
//! simulated again, one added Allow statement shows up).

#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::unwrap_used,
    clippy::indexing_slicing
)]

use iam_engine::catalog::Catalog;
use iam_engine::eval::Decision;
use iam_engine::policy::PolicyType;
use iam_engine::scenario::{PrincipalRef, Scenario};
use iam_engine::workbench::analysis::Model;
use iam_engine::workbench::analysis::diff::{
    DiffReport, Direction, OTHER_RESOURCES, ResourceRegion, Verdict, diff_documents, summary_text,
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

fn scenario(value: Value) -> Scenario {
    let mut v = value;
    v["formatVersion"] = json!(1);
    v["account"] = json!({"id": ACCOUNT});
    Scenario::from_json(&v.to_string()).expect("the fixture scenario loads")
}

fn diff(before: &Scenario, after: &Scenario) -> DiffReport {
    let cache = CompileCache::new();
    Workbench::new(before, &cache)
        .with_catalog(Some(catalog()))
        .diff(after)
}

/// What one fixture compares.
enum Sides {
    /// Two versions of one policy document of a type.
    Documents(PolicyType, Value, Value),
    /// Two versions of an account.
    Scenarios(Value, Value),
}

/// One expected witness: direction, principal, action (or a service prefix ending in `:`),
/// resource, and the context keys it sets (empty: none).
struct Expected {
    direction: Direction,
    principal: &'static str,
    action: &'static str,
    resource: &'static str,
    context: &'static [(&'static str, &'static str)],
}

struct Fixture {
    name: &'static str,
    sides: Sides,
    verdict: Verdict,
    witnesses: Vec<Expected>,
}

fn allow_all() -> Value {
    json!({"Effect": "Allow", "Action": "*", "Resource": "*"})
}

fn fixtures() -> Vec<Fixture> {
    use Direction::{NewlyAllowed as Gain, NewlyDenied as Loss};
    let get =
        |resource: &str| json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": resource});
    let conditioned = |operator: &str, key: &str, value: Value| {
        json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
               "Condition": {operator: {key: value}}})
    };
    let org = |levels: Value| json!({"levels": levels});
    let full = json!({"name": "FullAWSAccess", "document": doc(json!([allow_all()]))});
    let s3_only = json!({"name": "S3Only", "document": doc(json!([{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]))});
    let admin_user = json!({"name": "dev", "inlinePolicies": [{"name": "All", "document": doc(json!([allow_all()]))}]});
    let mut bounded = admin_user.clone();
    bounded["permissionsBoundary"] = json!("S3Boundary");
    let boundary_policy = json!([{"name": "S3Boundary", "document": doc(json!([{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]))}]);
    let trust = |principal: String| {
        doc(
            json!([{"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}]),
        )
    };
    let bob = json!({"name": "bob", "inlinePolicies": [{"name": "Assume", "document": doc(json!([
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]))}]});
    let role_arn = "arn:aws:iam::111122223333:role/deploy";
    vec![
        Fixture {
            name: "a * added to a resource",
            sides: Sides::Documents(
                PolicyType::Identity,
                json!([get("arn:aws:s3:::releases/app.zip")]),
                json!([get("arn:aws:s3:::releases/*")]),
            ),
            verdict: Verdict::MorePermissive,
            witnesses: vec![Expected {
                direction: Gain,
                principal: "user/subject",
                action: "s3:GetObject",
                resource: "arn:aws:s3:::releases/x",
                context: &[],
            }],
        },
        Fixture {
            name: "StringEquals changed to StringLike with a wildcard in the value",
            sides: Sides::Documents(
                PolicyType::Identity,
                json!([conditioned(
                    "StringEquals",
                    "aws:RequestedRegion",
                    json!("eu-*")
                )]),
                json!([conditioned(
                    "StringLike",
                    "aws:RequestedRegion",
                    json!("eu-*")
                )]),
            ),
            verdict: Verdict::MorePermissive,
            witnesses: vec![Expected {
                direction: Gain,
                principal: "user/subject",
                action: "s3:GetObject",
                resource: "*",
                context: &[("aws:RequestedRegion", "eu-x")],
            }],
        },
        Fixture {
            name: "ForAllValues changed to ForAnyValue",
            sides: Sides::Documents(
                PolicyType::Identity,
                json!([conditioned(
                    "ForAllValues:StringEquals",
                    "aws:TagKeys",
                    json!(["team", "env"])
                )]),
                json!([conditioned(
                    "ForAnyValue:StringEquals",
                    "aws:TagKeys",
                    json!(["team", "env"])
                )]),
            ),
            verdict: Verdict::Incomparable,
            witnesses: vec![
                Expected {
                    direction: Gain,
                    principal: "user/subject",
                    action: "s3:GetObject",
                    resource: "*",
                    context: &[("aws:TagKeys", "team")],
                },
                Expected {
                    direction: Loss,
                    principal: "user/subject",
                    action: "s3:GetObject",
                    resource: "*",
                    context: &[],
                },
            ],
        },
        Fixture {
            name: "NotAction added to a Deny",
            sides: Sides::Documents(
                PolicyType::Identity,
                json!([allow_all(), {"Effect": "Deny", "Action": "iam:*", "Resource": "*"}]),
                json!([allow_all(), {"Effect": "Deny", "NotAction": "iam:*", "Resource": "*"}]),
            ),
            verdict: Verdict::Incomparable,
            witnesses: vec![
                Expected {
                    direction: Gain,
                    principal: "user/subject",
                    action: "iam:",
                    resource: "*",
                    context: &[],
                },
                Expected {
                    direction: Loss,
                    principal: "user/subject",
                    action: "s3:",
                    resource: "*",
                    context: &[],
                },
            ],
        },
        Fixture {
            name: "an IfExists added",
            sides: Sides::Documents(
                PolicyType::Identity,
                json!([conditioned("Bool", "aws:SecureTransport", json!("true"))]),
                json!([conditioned(
                    "BoolIfExists",
                    "aws:SecureTransport",
                    json!("true")
                )]),
            ),
            verdict: Verdict::MorePermissive,
            witnesses: vec![Expected {
                direction: Gain,
                principal: "user/subject",
                action: "s3:GetObject",
                resource: "*",
                context: &[],
            }],
        },
        Fixture {
            name: "a Deny narrowed by a condition",
            sides: Sides::Documents(
                PolicyType::Identity,
                json!([allow_all(), {"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}]),
                json!([allow_all(), {"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*",
                       "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}]),
            ),
            verdict: Verdict::MorePermissive,
            witnesses: vec![Expected {
                direction: Gain,
                principal: "user/subject",
                action: "s3:DeleteBucket",
                resource: "*",
                context: &[],
            }],
        },
        Fixture {
            name: "a bucket policy opened to every principal",
            sides: Sides::Documents(
                PolicyType::Resource,
                json!([{"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:user/alice")},
                        "Action": "s3:GetObject", "Resource": "arn:aws:s3:::releases/*"}]),
                json!([{"Effect": "Allow", "Principal": "*",
                        "Action": "s3:GetObject", "Resource": "arn:aws:s3:::releases/*"}]),
            ),
            verdict: Verdict::MorePermissive,
            witnesses: vec![Expected {
                direction: Gain,
                principal: "user/subject",
                action: "s3:GetObject",
                resource: "arn:aws:s3:::releases/x",
                context: &[],
            }],
        },
        Fixture {
            name: "an SCP level removed",
            sides: Sides::Scenarios(
                json!({"users": [admin_user.clone()], "organization": org(json!([
                    {"name": "Root", "scps": [full.clone()]},
                    {"name": "Workloads", "scps": [s3_only]}]))}),
                json!({"users": [admin_user.clone()], "organization": org(json!([
                    {"name": "Root", "scps": [full]}]))}),
            ),
            verdict: Verdict::MorePermissive,
            witnesses: vec![Expected {
                direction: Gain,
                principal: "user/dev",
                action: "ec2:",
                resource: "*",
                context: &[],
            }],
        },
        Fixture {
            name: "a boundary detached",
            sides: Sides::Scenarios(
                json!({"users": [bounded], "policies": boundary_policy.clone()}),
                json!({"users": [admin_user], "policies": boundary_policy}),
            ),
            verdict: Verdict::MorePermissive,
            witnesses: vec![Expected {
                direction: Gain,
                principal: "user/dev",
                action: "iam:",
                resource: "*",
                context: &[],
            }],
        },
        Fixture {
            name: "a trust policy widened to the account root",
            sides: Sides::Scenarios(
                json!({"users": [{"name": "alice"}, bob.clone()], "roles": [
                    {"name": "deploy", "trustPolicy": trust(format!("arn:aws:iam::{ACCOUNT}:user/alice"))}]}),
                json!({"users": [{"name": "alice"}, bob], "roles": [
                    {"name": "deploy", "trustPolicy": trust(format!("arn:aws:iam::{ACCOUNT}:root"))}]}),
            ),
            verdict: Verdict::Incomparable,
            witnesses: vec![
                Expected {
                    direction: Gain,
                    principal: "user/bob",
                    action: "sts:AssumeRole",
                    resource: role_arn,
                    context: &[],
                },
                Expected {
                    direction: Loss,
                    principal: "user/alice",
                    action: "sts:AssumeRole",
                    resource: role_arn,
                    context: &[],
                },
            ],
        },
    ]
}

fn report_of(sides: &Sides) -> DiffReport {
    match sides {
        Sides::Documents(t, b, a) => {
            let cache = CompileCache::new();
            diff_documents(
                &doc(b.clone()),
                &doc(a.clone()),
                *t,
                Some(catalog()),
                None,
                &cache,
            )
            .expect("the harness places the document")
            .report
        }
        Sides::Scenarios(b, a) => diff(&scenario(b.clone()), &scenario(a.clone())),
    }
}

#[test]
fn classic_subtle_changes_have_their_expected_witnesses() {
    for f in fixtures() {
        let report = report_of(&f.sides);
        assert_eq!(
            Verdict::of(&report),
            f.verdict,
            "{}: {}",
            f.name,
            summary_text(&report)
        );
        for e in &f.witnesses {
            let found = report.changes.iter().flat_map(|c| &c.groups).find(|g| {
                let w = &g.witness;
                g.direction == e.direction
                    && w.principal == e.principal
                    && (w.action == e.action
                        || (e.action.ends_with(':') && w.action.starts_with(e.action)))
                    && w.resource == e.resource
                    && w.context.len() == e.context.len()
                    && e.context.iter().all(|(k, v)| {
                        w.context
                            .iter()
                            .any(|c| c.key == *k && c.values.iter().any(|x| x == v))
                    })
            });
            let found = found.unwrap_or_else(|| {
                panic!(
                    "{}: no {:?} witness {} {} {} {:?}; groups: {:#?}",
                    f.name,
                    e.direction,
                    e.principal,
                    e.action,
                    e.resource,
                    e.context,
                    report
                        .changes
                        .iter()
                        .flat_map(|c| &c.groups)
                        .map(|g| (
                            g.direction,
                            &g.witness.principal,
                            &g.witness.action,
                            &g.witness.resource,
                            &g.witness.context
                        ))
                        .collect::<Vec<_>>()
                )
            });
            assert!(found.witness.verified, "{}: witness verified", f.name);
        }
    }
}

#[test]
fn a_document_verdict_carries_a_witness_per_direction() {
    let cache = CompileCache::new();
    let before = doc(json!([allow_all(), {"Effect": "Deny", "Action": "iam:*", "Resource": "*"}]));
    let after =
        doc(json!([allow_all(), {"Effect": "Deny", "NotAction": "iam:*", "Resource": "*"}]));
    let d = diff_documents(
        &before,
        &after,
        PolicyType::Identity,
        Some(catalog()),
        None,
        &cache,
    )
    .unwrap();
    assert_eq!(d.verdict, Verdict::Incomparable);
    let more = d.more_permissive_witness.unwrap();
    assert_eq!(more.after.decision, Decision::Allowed);
    assert_ne!(more.before.decision, Decision::Allowed);
    assert!(!more.before.reasons.is_empty(), "the deny is named");
    let less = d.less_permissive_witness.unwrap();
    assert_eq!(less.before.decision, Decision::Allowed);
    assert_eq!(less.after.decision, Decision::ExplicitDeny);
    let same = diff_documents(
        &before,
        &before,
        PolicyType::Identity,
        Some(catalog()),
        None,
        &cache,
    )
    .unwrap();
    assert_eq!(same.verdict, Verdict::Equivalent);
    assert!(same.more_permissive_witness.is_none() && same.less_permissive_witness.is_none());
}

#[test]
fn the_summary_names_principals_counts_and_regions() {
    let user = |name: &str, statements: Value| json!({"name": name, "inlinePolicies": [{"name": "P", "document": doc(statements)}]});
    let before = scenario(json!({
        "users": [user("bob", json!([{"Effect": "Allow", "Action": "iam:ChangePassword", "Resource": "*"}]))],
        "roles": [{"name": "ci-deploy", "trustPolicy": doc(json!([{"Effect": "Allow", "Principal": {"Service": "codebuild.amazonaws.com"}, "Action": "sts:AssumeRole"}]))}]
    }));
    let mut after_json = serde_json::to_value(&before).unwrap();
    after_json["users"][0]["inlinePolicies"] = json!([]);
    after_json["roles"][0]["inlinePolicies"] = json!([{"name": "Deploy", "document": doc(json!([
        {"Effect": "Allow", "Action": ["s3:PutObject", "s3:DeleteObject"], "Resource": "arn:aws:s3:::releases/*"}]))}]);
    let after = Scenario::from_json(&after_json.to_string()).unwrap();
    let report = diff(&before, &after);
    let text = summary_text(&report);
    assert_eq!(
        text,
        "user bob loses iam:ChangePassword; role ci-deploy gains 2 write actions on s3 in arn:aws:s3:::releases/*"
    );
    assert_eq!((report.newly_allowed, report.newly_denied), (2, 1));
}

#[test]
fn a_principal_present_on_one_side_only_is_compared_against_nothing() {
    let before = scenario(json!({}));
    let after = scenario(
        json!({"users": [{"name": "eve", "inlinePolicies": [{"name": "P", "document": doc(json!([
        {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}]))}]}]}),
    );
    let report = diff(&before, &after);
    let change = report
        .changes
        .iter()
        .find(|c| c.principal == "user/eve")
        .unwrap();
    let w = &change.groups[0].witness;
    assert!(w.verified);
    assert_eq!(
        w.before.reasons,
        vec!["user eve does not exist in this version"]
    );
}

#[test]
fn actions_unknown_to_the_catalog_are_compared_and_reported() {
    let user = |action: &str| {
        scenario(
            json!({"users": [{"name": "u", "inlinePolicies": [{"name": "P", "document": doc(json!([
        {"Effect": "Allow", "Action": action, "Resource": "*"}]))}]}]}),
        )
    };
    let report = diff(&user("s3:GetObject"), &user("newservice:DoThing"));
    let change = &report.changes[0];
    assert!(
        change
            .groups
            .iter()
            .any(|g| g.direction == Direction::NewlyAllowed
                && g.level == "Unknown"
                && g.actions == ["newservice:DoThing"])
    );
    assert!(
        report
            .outside_model
            .iter()
            .any(|o| o.contains("newservice:DoThing"))
    );
}

// Properties over generated identity policies: a statement is an effect, an action, a
// resource and an optional condition, drawn from small pools so that changes overlap.
fn statement() -> impl Strategy<Value = Value> {
    let actions = prop::sample::select(vec![
        "s3:GetObject",
        "s3:*",
        "s3:Put*",
        "iam:ChangePassword",
        "ec2:DescribeInstances",
        "sqs:SendMessage",
    ]);
    let resources = prop::sample::select(vec![
        "*",
        "arn:aws:s3:::releases/*",
        "arn:aws:s3:::releases/app.zip",
        "arn:aws:sqs:us-east-1:111122223333:q",
    ]);
    let conditions = prop::sample::select(vec![
        Value::Null,
        json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
        json!({"StringLike": {"aws:RequestedRegion": "eu-*"}}),
        json!({"NumericLessThan": {"s3:max-keys": "10"}}),
        json!({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}),
    ]);
    (any::<bool>(), actions, resources, conditions).prop_map(|(allow, a, r, c)| {
        let mut s =
            json!({"Effect": if allow { "Allow" } else { "Deny" }, "Action": a, "Resource": r});
        if !c.is_null() {
            s["Condition"] = c;
        }
        s
    })
}

fn one_user(statements: &[Value]) -> Scenario {
    scenario(
        json!({"users": [{"name": "u", "inlinePolicies": [{"name": "P", "document": doc(json!(statements))}]}]}),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn diff_properties(a in prop::collection::vec(statement(), 0..3), b in prop::collection::vec(statement(), 0..3)) {
        let (sa, sb) = (one_user(&a), one_user(&b));
        prop_assert!(diff(&sa, &sa).is_empty(), "diff(a, a) is empty");
        let forward = diff(&sa, &sb);
        let backward = diff(&sb, &sa);
        prop_assert_eq!((forward.newly_allowed, forward.newly_denied), (backward.newly_denied, backward.newly_allowed));
        let cells = |r: &DiffReport, d: Direction| {
            let mut v: Vec<(String, String, String)> = r.changes.iter().flat_map(|c| c.groups.iter().filter(move |g| g.direction == d)
                .flat_map(move |g| g.actions.iter().map(move |a| (c.principal.clone(), a.clone(), g.resource.clone())))).collect();
            v.sort();
            v
        };
        prop_assert_eq!(cells(&forward, Direction::NewlyAllowed), cells(&backward, Direction::NewlyDenied));
        prop_assert_eq!(cells(&forward, Direction::NewlyDenied), cells(&backward, Direction::NewlyAllowed));
        let cache = CompileCache::new();
        for (before, after, report) in [(&sa, &sb, &forward), (&sb, &sa, &backward)] {
            let mb = Model { scenario: before, managed: None, cache: &cache };
            let ma = Model { scenario: after, managed: None, cache: &cache };
            for g in report.changes.iter().flat_map(|c| &c.groups) {
                let w = &g.witness;
                let p = PrincipalRef::from(w.principal.clone());
                let db = mb.evaluate(&p, &w.action, &w.resource, &w.context).map(|e| e.evaluation.decision).unwrap_or(Decision::ImplicitDeny);
                let da = ma.evaluate(&p, &w.action, &w.resource, &w.context).map(|e| e.evaluation.decision).unwrap_or(Decision::ImplicitDeny);
                prop_assert!((db == Decision::Allowed) != (da == Decision::Allowed), "witness flips: {:?}", w);
                prop_assert_eq!(da == Decision::Allowed, g.direction == Direction::NewlyAllowed);
                prop_assert_eq!((db, da), (w.before.decision, w.after.decision));
            }
        }
    }

    #[test]
    fn one_added_allow_statement_shows_up(a in prop::collection::vec(statement(), 0..3), extra in statement()) {
        let mut extra = extra;
        extra["Effect"] = json!("Allow");
        let mut b = a.clone();
        b.push(extra.clone());
        let (sa, sb) = (one_user(&a), one_user(&b));
        let report = diff(&sa, &sb);
        prop_assert_eq!(report.newly_denied, 0, "an Allow takes nothing away");
        // Wherever the engine says the statement's first action flips with no context set (one
        // of the context regions), the report lists it.
        let cache = CompileCache::new();
        let mb = Model { scenario: &sa, managed: None, cache: &cache };
        let ma = Model { scenario: &sb, managed: None, cache: &cache };
        let pattern = extra["Action"].as_str().unwrap();
        let action = catalog().expand(pattern).first().map(|a| a.full_name()).unwrap();
        // A group's resource is `*` (every region), OTHER_RESOURCES (the region of `*`) or a
        // region's pattern.
        let covers = |group_resource: &str, region: &ResourceRegion| {
            group_resource == "*"
                || (group_resource == OTHER_RESOURCES && region.pattern == "*")
                || group_resource == region.pattern
        };
        let report_has = |region: &ResourceRegion| {
            report.changes.iter().flat_map(|c| &c.groups).any(|g| {
                g.direction == Direction::NewlyAllowed
                    && g.actions.contains(&action)
                    && covers(&g.resource, region)
            })
        };
        let u = PrincipalRef::User("u".into());
        for region in &report.regions {
            let before = mb.allows(&u, &action, &region.representative, &[]);
            let after = ma.allows(&u, &action, &region.representative, &[]);
            if !before && after {
                prop_assert!(report_has(region), "{} on {} shows up", action, region.representative);
            }
        }
    }
}

// Accounts with groups, a boundary and SCP levels, so that the shortcut that decides only
// the actions a changed policy may match meets every layer.
fn account(user: &[Value], group: &[Value], boundary: Option<&[Value]>, scp: &[Value]) -> Scenario {
    let mut u = json!({"name": "u", "groups": ["g"], "inlinePolicies": [{"name": "P", "document": doc(json!(user))}]});
    let mut policies = json!([]);
    if let Some(b) = boundary {
        u["permissionsBoundary"] = json!("B");
        policies = json!([{"name": "B", "document": doc(json!(b))}]);
    }
    scenario(json!({
        "users": [u, {"name": "w", "inlinePolicies": [{"name": "P", "document": doc(json!([allow_all()]))}]}],
        "groups": [{"name": "g", "inlinePolicies": [
            {"name": "G", "document": doc(json!(group))},
            // Names the pool's literal actions, so they are columns even without the catalog.
            {"name": "Names", "document": doc(json!([{"Effect": "Allow", "Action": [
                "s3:GetObject", "s3:PutObject", "iam:ChangePassword", "ec2:DescribeInstances", "sqs:SendMessage"],
                "Resource": "arn:aws:s3:::unused"}]))}]}],
        "policies": policies,
        "organization": {"levels": [
            {"name": "Root", "scps": [{"name": "Full", "document": doc(json!([allow_all()]))}]},
            {"name": "OU", "scps": [{"name": "Full", "document": doc(json!([allow_all()]))},
                                     {"name": "Guard", "document": doc(json!(scp))}]}]}
    }))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn deciding_only_what_a_change_reaches_changes_nothing(
        user in prop::collection::vec(statement(), 0..2),
        group in prop::collection::vec(statement(), 0..2),
        boundary in prop::option::of(prop::collection::vec(statement(), 1..2)),
        scp in prop::collection::vec(statement(), 0..2),
        user2 in prop::collection::vec(statement(), 0..2),
        boundary2 in prop::option::of(prop::collection::vec(statement(), 1..2)),
        scp2 in prop::collection::vec(statement(), 0..2),
    ) {
        use iam_engine::workbench::analysis::diff::{DiffOptions, diff_scenarios_with};
        let a = account(&user, &group, boundary.as_deref(), &scp);
        let b = account(&user2, &group, boundary2.as_deref(), &scp2);
        let cache = CompileCache::new();
        let (ma, mb) = (Model { scenario: &a, managed: None, cache: &cache }, Model { scenario: &b, managed: None, cache: &cache });
        // Without the catalog the columns are the literal actions the pool names (the
        // wildcards match them), which keeps the unscoped diff quick in a debug build.
        let scoped = diff_scenarios_with(&ma, &mb, None, &DiffOptions { scope_to_changes: true, ..DiffOptions::default() });
        let full = diff_scenarios_with(&ma, &mb, None, &DiffOptions { scope_to_changes: false, ..DiffOptions::default() });
        prop_assert_eq!(full.actions_considered, 5);
        prop_assert_eq!(scoped, full);
    }
}

// Statements over resources that regions may or may not tell apart: roles (for
// `sts:AssumeRole`), a bucket with a policy, a KMS key, another account's queue, a policy
// variable, and NotResource.
fn region_statement() -> impl Strategy<Value = Value> {
    let actions = prop::sample::select(vec![
        "s3:GetObject",
        "s3:*",
        "sts:AssumeRole",
        "kms:Decrypt",
        "sqs:SendMessage",
        "iam:PassRole",
    ]);
    let resources = prop::sample::select(vec![
        "*".to_string(),
        "arn:aws:s3:::releases/*".to_string(),
        "arn:aws:s3:::logs/*".to_string(),
        "arn:aws:s3:::home/${aws:username}/*".to_string(),
        format!("arn:aws:iam::{ACCOUNT}:role/deploy"),
        format!("arn:aws:iam::{ACCOUNT}:role/*"),
        format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/k1"),
        "arn:aws:kms:*:*:key/*".to_string(),
        "arn:aws:sqs:us-east-1:999988887777:q".to_string(),
    ]);
    (any::<bool>(), any::<bool>(), actions, resources).prop_map(|(allow, not, a, r)| {
        let mut s = json!({"Effect": if allow { "Allow" } else { "Deny" }, "Action": a});
        s[if not { "NotResource" } else { "Resource" }] = json!(r);
        s
    })
}

fn regions_account(user: &[Value], role: &[Value], bucket: &[Value], trust_user: bool) -> Scenario {
    let trusted = if trust_user {
        format!("arn:aws:iam::{ACCOUNT}:user/u")
    } else {
        format!("arn:aws:iam::{ACCOUNT}:root")
    };
    let bucket: Vec<Value> = bucket
        .iter()
        .map(|s| {
            let mut s = s.clone();
            s["Principal"] = json!({"AWS": format!("arn:aws:iam::{ACCOUNT}:user/u")});
            s
        })
        .collect();
    scenario(json!({
        "users": [{"name": "u", "inlinePolicies": [{"name": "P", "document": doc(json!(user))}]}],
        "roles": [
            {"name": "deploy", "trustPolicy": doc(json!([{"Effect": "Allow", "Principal": {"AWS": trusted}, "Action": "sts:AssumeRole"}]))},
            {"name": "build", "trustPolicy": doc(json!([{"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")}, "Action": "sts:AssumeRole"}])),
             "inlinePolicies": [{"name": "R", "document": doc(json!(role))}]}],
        "resources": [
            {"kind": "s3Bucket", "name": "logs", "policy": doc(json!(bucket))},
            {"kind": "kmsKey", "name": "k1"}]
    }))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn deciding_once_for_regions_no_policy_tells_apart_changes_nothing(
        user in prop::collection::vec(region_statement(), 0..3),
        role in prop::collection::vec(region_statement(), 0..3),
        bucket in prop::collection::vec(region_statement(), 0..2),
        user2 in prop::collection::vec(region_statement(), 0..3),
        role2 in prop::collection::vec(region_statement(), 0..3),
        bucket2 in prop::collection::vec(region_statement(), 0..2),
        trust in any::<bool>(),
        trust2 in any::<bool>(),
    ) {
        use iam_engine::workbench::analysis::diff::{DiffOptions, diff_scenarios_with};
        let a = regions_account(&user, &role, &bucket, trust);
        let b = regions_account(&user2, &role2, &bucket2, trust2);
        let cache = CompileCache::new();
        let (ma, mb) = (Model { scenario: &a, managed: None, cache: &cache }, Model { scenario: &b, managed: None, cache: &cache });
        for scope_to_changes in [true, false] {
            let grouped = diff_scenarios_with(&ma, &mb, None, &DiffOptions { scope_to_changes, group_regions: true });
            let alone = diff_scenarios_with(&ma, &mb, None, &DiffOptions { scope_to_changes, group_regions: false });
            prop_assert_eq!(grouped, alone);
        }
    }
}
