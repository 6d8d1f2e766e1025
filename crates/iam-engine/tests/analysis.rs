//! The account analysis: who can, and escalation paths to admin, on the gallery and on one
//! minimal scenario plus near misses per modelled hop kind; and properties: adding a Deny or
//! removing an Allow never creates a path.

#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::unwrap_used,
    clippy::indexing_slicing
)]

use iam_engine::catalog::ManagedPolicies;
use iam_engine::catalog::escalation::EscalationCatalog;
use iam_engine::scenario::{Scenario, gallery_json};
use iam_engine::workbench::analysis::escalation::EscalationReport;
use iam_engine::workbench::analysis::who_can::{Access, WhoCanQuery};
use iam_engine::workbench::{CompileCache, Workbench};
use proptest::prelude::*;
use serde_json::{Value, json};

const PATHS: &str = include_str!("../../../static/data/escalation-paths.txt");
const MANAGED: &str = include_str!("../../../static/data/managed-policies.txt");
const ACCOUNT: &str = "111122223333";

fn paths() -> EscalationCatalog {
    EscalationCatalog::parse(PATHS).expect("the escalation asset loads")
}

fn managed() -> ManagedPolicies {
    ManagedPolicies::parse(MANAGED).expect("the managed policies load")
}

fn report(scenario: &Scenario) -> EscalationReport {
    let cache = CompileCache::new();
    let managed = managed();
    Workbench::new(scenario, &cache)
        .with_managed(Some(&managed))
        .escalation_paths(&paths())
}

/// The principals with a path, sorted.
fn escalating(r: &EscalationReport) -> Vec<String> {
    let mut v: Vec<String> = r.paths.iter().map(|p| p.principal.clone()).collect();
    v.sort();
    v.dedup();
    v
}

/// The catalog ids of the paths' last hops.
fn path_ids(r: &EscalationReport) -> Vec<String> {
    let mut v: Vec<String> = r
        .paths
        .iter()
        .map(|p| p.hops.last().unwrap().path_id.clone())
        .collect();
    v.sort();
    v.dedup();
    v
}

fn doc(statements: Value) -> String {
    json!({"Version": "2012-10-17", "Statement": statements}).to_string()
}

fn allow(action: &str, resource: &str) -> Value {
    json!({"Effect": "Allow", "Action": action, "Resource": resource})
}

fn admin_doc() -> String {
    doc(json!([allow("*", "*")]))
}

fn trust_account() -> String {
    doc(
        json!([{"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")}, "Action": "sts:AssumeRole"}]),
    )
}

fn trust_service(service: &str) -> String {
    doc(json!([{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]))
}

fn arn(kind: &str, name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:{kind}/{name}")
}

/// A scenario from its parts: `users` etc. as JSON arrays; `scp` an optional SCP document.
fn scenario(
    users: Value,
    groups: Value,
    roles: Value,
    policies: Value,
    scp: Option<String>,
) -> Scenario {
    let mut s = json!({
        "formatVersion": 1,
        "account": {"id": ACCOUNT},
        "users": users, "groups": groups, "roles": roles, "policies": policies,
    });
    if let Some(scp) = scp {
        s["organization"] = json!({"levels": [{"name": "Root", "scps": [
            {"name": "FullAWSAccess", "document": admin_doc()},
            {"name": "Guardrail", "document": scp}
        ]}]});
    }
    Scenario::from_json(&s.to_string()).expect("the fixture loads")
}

fn user(name: &str, statements: Value) -> Value {
    json!({"name": name, "inlinePolicies": [{"name": "Own", "document": doc(statements)}]})
}

fn admin_user() -> Value {
    json!({"name": "boss", "inlinePolicies": [{"name": "All", "document": admin_doc()}]})
}

fn deny_scp(action: &str) -> Option<String> {
    Some(doc(
        json!([{"Effect": "Deny", "Action": action, "Resource": "*"}]),
    ))
}

#[test]
fn passrole_lambda_admin_has_the_path_and_its_fixed_twin_has_none() {
    let s = Scenario::from_json(gallery_json("passrole-lambda-admin").unwrap()).unwrap();
    let r = report(&s);
    assert_eq!(escalating(&r), vec!["user/dev-dana"]);
    let path = r
        .paths
        .iter()
        .find(|p| p.hops.len() == 1 && p.hops[0].path_id == "lambda-001")
        .expect("lambda-001 is found");
    let hop = &path.hops[0];
    assert_eq!(hop.to, "role/LambdaAdminRole");
    assert!(hop.reaches_admin);
    let pass = hop
        .requests
        .iter()
        .find(|q| q.action == "iam:PassRole")
        .unwrap();
    assert_eq!(pass.context[0].key, "iam:PassedToService");
    assert!(
        pass.statements
            .iter()
            .any(|s| s.contains("PassRolesToFunctions"))
    );
    assert!(
        hop.requests
            .iter()
            .any(|q| q.action == "lambda:CreateFunction" && q.resource.contains("function:app-"))
    );
    assert!(!hop.references.is_empty());
    // A shown hop carries its catalog path's words (the search keeps them out of its hops).
    let catalog = paths();
    let path = catalog.get(&hop.path_id).unwrap();
    assert_eq!(
        (&hop.title, &hop.description, hop.references.len()),
        (&path.title, &path.description, path.references.len())
    );
    assert!(!hop.title.is_empty() && !hop.description.is_empty());
    assert!(
        r.admin_equivalent
            .contains(&"role/LambdaAdminRole".to_string())
    );

    let fixed = Scenario::from_json(gallery_json("passrole-lambda-admin-fixed").unwrap()).unwrap();
    let r = report(&fixed);
    assert!(r.paths.is_empty(), "{:#?}", r.paths);
}

#[test]
fn the_smallest_fix_of_the_passrole_example_breaks_its_path() {
    let s = Scenario::from_json(gallery_json("passrole-lambda-admin").unwrap()).unwrap();
    let cache = CompileCache::new();
    let managed = managed();
    let catalog = paths();
    let wb = Workbench::new(&s, &cache).with_managed(Some(&managed));
    let r = wb.escalation_paths(&catalog);
    let fix = wb.smallest_fix(&catalog, &r.paths[0]).expect("a fix");
    assert_eq!(
        fix.summary,
        "drop iam:PassRole from statement PassRolesToFunctions of Customer-managed policy LambdaDeveloper"
    );
    assert!(report(&fix.scenario).paths.is_empty());
    // The rest of the policy stays.
    let doc = &fix.scenario.policy("LambdaDeveloper").unwrap().document;
    assert!(doc.contains("lambda:CreateFunction") && !doc.contains("iam:PassRole"));
    // The edit as data makes the same scenario through the model's edit operation.
    let mut applied = s.clone();
    fix.edit.apply(&mut applied).unwrap();
    assert_eq!(applied, fix.scenario);
    // What else it takes away: passing the application role to Lambda.
    let removed = wb.access_removed(&r.paths[0], &fix);
    let removed: Vec<(&str, &str, &str)> = removed
        .iter()
        .map(|q| (q.principal.as_str(), q.action.as_str(), q.resource.as_str()))
        .collect();
    assert_eq!(
        removed,
        vec![(
            "user/dev-dana",
            "iam:PassRole",
            "arn:aws:iam::111122223333:role/LambdaAppRole"
        )]
    );
}

#[test]
fn a_wildcard_allow_is_fixed_with_a_deny() {
    let own = json!([allow("iam:*", &arn("user", "dev"))]);
    let s = scenario(
        json!([user("dev", own)]),
        json!([]),
        json!([]),
        json!([]),
        None,
    );
    let cache = CompileCache::new();
    let catalog = paths();
    let wb = Workbench::new(&s, &cache);
    let r = wb.escalation_paths(&catalog);
    let path = r
        .paths
        .iter()
        .find(|p| p.hops[0].path_id == "iam-007")
        .unwrap();
    let fix = wb.smallest_fix(&catalog, path).expect("a fix");
    assert!(
        fix.summary.starts_with(
            "add an inline policy deny-escalation to user/dev that denies iam:PutUserPolicy"
        ),
        "{}",
        fix.summary
    );
    let after = report(&fix.scenario);
    assert!(!after.paths.iter().any(|p| p.hops[0].path_id == "iam-007"));
}

#[test]
fn in_the_seed_admin_example_only_the_admin_group_is_admin_and_no_one_escalates() {
    let s = Scenario::from_json(gallery_json("seed-admin-template").unwrap()).unwrap();
    let r = report(&s);
    assert_eq!(r.admin_equivalent, vec!["root", "user/admin"]);
    assert!(r.paths.is_empty());
}

#[test]
fn the_report_counts_the_catalog() {
    let s = scenario(json!([]), json!([]), json!([]), json!([]), None);
    let r = report(&s);
    assert_eq!(r.catalog_paths, paths().paths().len());
    assert_eq!(r.modelled_paths + r.left_out.len(), r.catalog_paths);
    assert!(r.left_out.iter().all(|l| !l.reason.is_empty()));
}

// Self edit: a new version of a policy attached to oneself.
fn policy_version(scp: Option<String>, boundary: bool) -> Scenario {
    let mut u = json!({"name": "dev", "managedPolicies": ["DevPolicy"]});
    if boundary {
        u["permissionsBoundary"] = json!("Limit");
    }
    scenario(
        json!([u]),
        json!([]),
        json!([]),
        json!([
            {"name": "DevPolicy", "document": doc(json!([allow("iam:CreatePolicyVersion", &arn("policy", "DevPolicy"))]))},
            {"name": "Limit", "document": doc(json!([allow("iam:*Policy*", "*")]))}
        ]),
        scp,
    )
}

#[test]
fn self_edit_create_policy_version_and_near_misses() {
    let r = report(&policy_version(None, false));
    assert_eq!(path_ids(&r), vec!["iam-001"]);
    let hop = &r.paths[0].hops[0];
    assert!(hop.edit.as_deref().unwrap().contains("DevPolicy"));
    assert!(hop.requests[0].statements[0].contains("DevPolicy"));
    assert!(
        report(&policy_version(deny_scp("iam:CreatePolicyVersion"), false))
            .paths
            .is_empty()
    );
    // The boundary limits whatever the new version says: no admin.
    assert!(report(&policy_version(None, true)).paths.is_empty());
    // A boundary that is the edited policy itself is rewritten too: still a path.
    let mut s = policy_version(None, false);
    s.users[0].permissions_boundary = Some(iam_engine::scenario::PolicyRef::Customer(
        "DevPolicy".into(),
    ));
    assert_eq!(path_ids(&report(&s)), vec!["iam-001"]);
}

// Self edit: an inline policy on oneself, with an MFA condition as the near miss.
#[test]
fn self_edit_put_user_policy_and_a_condition_near_miss() {
    let s = scenario(
        json!([user(
            "dev",
            json!([allow("iam:PutUserPolicy", &arn("user", "dev"))])
        )]),
        json!([]),
        json!([]),
        json!([]),
        None,
    );
    assert_eq!(path_ids(&report(&s)), vec!["iam-007"]);
    let mfa = json!([{"Effect": "Allow", "Action": "iam:PutUserPolicy", "Resource": arn("user", "dev"),
        "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]);
    let s = scenario(
        json!([user("dev", mfa)]),
        json!([]),
        json!([]),
        json!([]),
        None,
    );
    assert!(report(&s).paths.is_empty());
    // Only on another user: not an edit of oneself.
    let s = scenario(
        json!([user(
            "dev",
            json!([allow("iam:PutUserPolicy", &arn("user", "other"))])
        )]),
        json!([]),
        json!([]),
        json!([]),
        None,
    );
    assert!(report(&s).paths.is_empty());
}

// Self edit: joining the admin group; the boundary near miss.
#[test]
fn self_edit_add_user_to_group_and_a_boundary_near_miss() {
    let groups =
        json!([{"name": "Admins", "inlinePolicies": [{"name": "All", "document": admin_doc()}]}]);
    let own = json!([allow("iam:AddUserToGroup", &arn("group", "Admins"))]);
    let s = scenario(
        json!([user("dev", own.clone())]),
        groups.clone(),
        json!([]),
        json!([]),
        None,
    );
    assert_eq!(path_ids(&report(&s)), vec!["iam-013"]);
    let mut u = user("dev", own);
    u["permissionsBoundary"] = json!("Limit");
    let policies = json!([{"name": "Limit", "document": doc(json!([allow("iam:AddUserToGroup", "*"), allow("s3:*", "*")]))}]);
    let s = scenario(json!([u]), groups, json!([]), policies, None);
    assert!(report(&s).paths.is_empty());
}

// Credential takeover: an access key for the admin user.
#[test]
fn credential_takeover_and_near_misses() {
    let own = json!([allow("iam:CreateAccessKey", &arn("user", "boss"))]);
    let s = scenario(
        json!([user("dev", own.clone()), admin_user()]),
        json!([]),
        json!([]),
        json!([]),
        None,
    );
    let r = report(&s);
    assert_eq!(path_ids(&r), vec!["iam-002"]);
    assert_eq!(r.paths[0].hops[0].to, "user/boss");
    assert!(
        report(&scenario(
            json!([user("dev", own.clone()), admin_user()]),
            json!([]),
            json!([]),
            json!([]),
            deny_scp("iam:CreateAccessKey")
        ))
        .paths
        .is_empty()
    );
    // The admin already has two keys: a third is refused, and deleting one is not allowed.
    let mut boss = admin_user();
    boss["accessKeys"] = json!([{"ageDays": 1, "active": true}, {"ageDays": 2, "active": true}]);
    assert!(
        report(&scenario(
            json!([user("dev", own), boss]),
            json!([]),
            json!([]),
            json!([]),
            None
        ))
        .paths
        .is_empty()
    );
}

// Role assumption: the caller's policy and the role's trust policy.
#[test]
fn role_assumption_and_a_trust_near_miss() {
    let own = json!([allow("sts:AssumeRole", &arn("role", "Admin"))]);
    let role = |trust: String| json!([{"name": "Admin", "trustPolicy": trust, "inlinePolicies": [{"name": "All", "document": admin_doc()}]}]);
    let s = scenario(
        json!([user("dev", own.clone())]),
        json!([]),
        role(trust_account()),
        json!([]),
        None,
    );
    let r = report(&s);
    assert_eq!(path_ids(&r), vec!["sts-001"]);
    assert!(
        r.paths[0].hops[0].requests[0]
            .statements
            .iter()
            .any(|s| s.contains("Trust policy of role Admin")),
        "{:?}",
        r.paths[0].hops[0].requests[0].statements
    );
    // The trust policy trusts another account only: that account reaches admin, the user
    // does not.
    let other = doc(
        json!([{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "sts:AssumeRole"}]),
    );
    let r = report(&scenario(
        json!([user("dev", own.clone())]),
        json!([]),
        role(other),
        json!([]),
        None,
    ));
    assert_eq!(escalating(&r), vec!["arn:aws:iam::444455556666:root"]);
    // The trust policy asks for MFA.
    let mfa = doc(
        json!([{"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")}, "Action": "sts:AssumeRole",
        "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]),
    );
    assert!(
        report(&scenario(
            json!([user("dev", own)]),
            json!([]),
            role(mfa),
            json!([]),
            None
        ))
        .paths
        .is_empty()
    );
}

// Role assumption after rewriting the trust policy; an SCP on sts:AssumeRole blocks it.
#[test]
fn update_assume_role_policy_and_an_scp_near_miss() {
    let own = json!([allow("iam:UpdateAssumeRolePolicy", &arn("role", "Admin"))]);
    let roles = json!([{"name": "Admin", "trustPolicy": trust_service("ec2.amazonaws.com"), "inlinePolicies": [{"name": "All", "document": admin_doc()}]}]);
    let s = scenario(
        json!([user("dev", own.clone())]),
        json!([]),
        roles.clone(),
        json!([]),
        None,
    );
    let r = report(&s);
    assert_eq!(path_ids(&r), vec!["iam-012"]);
    assert_eq!(r.paths[0].hops[0].after_edit[0].action, "sts:AssumeRole");
    assert!(
        report(&scenario(
            json!([user("dev", own)]),
            json!([]),
            roles,
            json!([]),
            deny_scp("sts:AssumeRole")
        ))
        .paths
        .is_empty()
    );
}

// Passing a role to EC2, and multi-hop: user -> role -> (PassRole to Lambda) -> admin role.
#[test]
fn pass_role_to_ec2_and_a_multi_hop_path() {
    let own = json!([
        allow("iam:PassRole", &arn("role", "Admin")),
        allow("ec2:RunInstances", "*")
    ]);
    let admin_role = |trust: String| json!({"name": "Admin", "trustPolicy": trust, "inlinePolicies": [{"name": "All", "document": admin_doc()}]});
    let s = scenario(
        json!([user("dev", own.clone())]),
        json!([]),
        json!([admin_role(trust_service("ec2.amazonaws.com"))]),
        json!([]),
        None,
    );
    assert!(path_ids(&report(&s)).contains(&"ec2-001".to_string()));
    // The role trusts Lambda only: passing it to EC2 gives nothing.
    let s = scenario(
        json!([user("dev", own.clone())]),
        json!([]),
        json!([admin_role(trust_service("lambda.amazonaws.com"))]),
        json!([]),
        None,
    );
    assert!(report(&s).paths.is_empty());
    // An SCP denies RunInstances.
    let s = scenario(
        json!([user("dev", own)]),
        json!([]),
        json!([admin_role(trust_service("ec2.amazonaws.com"))]),
        json!([]),
        deny_scp("ec2:RunInstances"),
    );
    assert!(report(&s).paths.is_empty());

    let builder = json!({"name": "Builder", "trustPolicy": trust_account(), "inlinePolicies": [{"name": "Build", "document": doc(json!([
        allow("iam:PassRole", "*"), allow("lambda:CreateFunction", "*"), allow("lambda:InvokeFunction", "*")]))}]});
    let s = scenario(
        json!([user(
            "dev",
            json!([allow("sts:AssumeRole", &arn("role", "Builder"))])
        )]),
        json!([]),
        json!([builder, admin_role(trust_service("lambda.amazonaws.com"))]),
        json!([]),
        None,
    );
    let r = report(&s);
    let two = r
        .paths
        .iter()
        .find(|p| p.principal == "user/dev" && p.hops.len() == 2)
        .expect("user/dev reaches admin in two hops");
    assert_eq!(two.hops[0].to, "role/Builder");
    assert_eq!(two.hops[1].to, "role/Admin");
    assert!(escalating(&r).contains(&"role/Builder".to_string()));
}

#[test]
fn who_can_reports_allowed_conditional_and_guardrail_denied_principals() {
    let users = json!([
        admin_user(),
        user("reader", json!([allow("s3:DeleteBucket", "*")])),
        user(
            "mfa",
            json!([{"Effect": "Allow", "Action": "s3:DeleteBucket", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}])
        ),
        user("nobody", json!([allow("s3:GetObject", "*")])),
    ]);
    let roles = json!([{"name": "Ops", "trustPolicy": trust_account(), "inlinePolicies": [{"name": "Del", "document": doc(json!([allow("s3:DeleteBucket", "*")]))}]}]);
    let mut s = scenario(users, json!([]), roles, json!([]), None);
    s.users[0].name = "boss".into();
    // The reader's boundary does not allow deletes.
    s.users[1].permissions_boundary =
        Some(iam_engine::scenario::PolicyRef::Customer("ReadOnly".into()));
    s.policies.push(iam_engine::scenario::ManagedPolicy {
        name: "ReadOnly".into(),
        path: "/".into(),
        description: String::new(),
        document: doc(json!([allow("s3:Get*", "*")])),
    });
    let cache = CompileCache::new();
    let answer = Workbench::new(&s, &cache).who_can(&WhoCanQuery {
        actions: vec!["s3:DeleteBucket".into()],
        resource: "arn:aws:s3:::logs".into(),
        context: Vec::new(),
        assumers: true,
    });
    let find = |p: &str| answer.entries.iter().find(|e| e.principal == p);
    assert_eq!(find("root").unwrap().access, Access::Allowed);
    assert_eq!(find("user/boss").unwrap().access, Access::Allowed);
    assert!(find("user/boss").unwrap().request.statements[0].contains("All"));
    let reader = find("user/reader").unwrap();
    assert_eq!(reader.access, Access::Denied);
    assert!(
        reader
            .denied_by
            .iter()
            .any(|d| d.contains("permissions boundary")),
        "{:?}",
        reader.denied_by
    );
    let mfa = find("user/mfa").unwrap();
    assert_eq!(mfa.access, Access::Conditional);
    assert!(mfa.conditions[0].contains("aws:MultiFactorAuthPresent"));
    assert!(find("user/nobody").is_none());
    let ops = find("role/Ops").unwrap();
    assert_eq!(ops.access, Access::Allowed);
    // The admin can assume Ops (the trust policy trusts the account, the admin's policy allows).
    assert!(
        ops.assumed_by
            .iter()
            .any(|c| c == &vec!["user/boss".to_string(), "role/Ops".to_string()]),
        "{:?}",
        ops.assumed_by
    );
}

// Properties on small random scenarios built from a pool of escalation-relevant statements.
fn pool() -> Vec<Value> {
    vec![
        allow("iam:CreatePolicyVersion", "*"),
        allow("iam:PutUserPolicy", &arn("user", "a")),
        allow("iam:AttachRolePolicy", &arn("role", "R")),
        allow("iam:AddUserToGroup", "*"),
        allow("iam:CreateAccessKey", &arn("user", "b")),
        allow("sts:AssumeRole", "*"),
        allow("iam:PassRole", "*"),
        allow("lambda:CreateFunction", "*"),
        allow("lambda:InvokeFunction", "*"),
        allow("iam:UpdateAssumeRolePolicy", &arn("role", "R")),
    ]
}

fn random_scenario(
    a: &[bool],
    b: &[bool],
    r: &[bool],
    extra_deny: Option<(usize, usize)>,
) -> Scenario {
    let pick = |mask: &[bool]| -> Vec<Value> {
        pool()
            .into_iter()
            .zip(mask)
            .filter(|(_, m)| **m)
            .map(|(s, _)| s)
            .collect()
    };
    let mut sa = pick(a);
    let mut sb = pick(b);
    let mut sr = pick(r);
    if let Some((who, which)) = extra_deny {
        let mut d = pool()[which].clone();
        d["Effect"] = json!("Deny");
        match who {
            0 => sa.push(d),
            1 => sb.push(d),
            _ => sr.push(d),
        }
    }
    let with_empty = |v: Vec<Value>| {
        if v.is_empty() {
            json!([allow("s3:GetObject", "*")])
        } else {
            Value::Array(v)
        }
    };
    scenario(
        json!([
            {"name": "a", "groups": ["G"], "managedPolicies": ["P"], "inlinePolicies": [{"name": "Own", "document": doc(with_empty(sa))}]},
            user("b", with_empty(sb)),
        ]),
        json!([{"name": "G"}, {"name": "Admins", "inlinePolicies": [{"name": "All", "document": admin_doc()}]}]),
        json!([
            {"name": "R", "trustPolicy": trust_account(), "inlinePolicies": [{"name": "Own", "document": doc(with_empty(sr))}]},
            {"name": "L", "trustPolicy": trust_service("lambda.amazonaws.com"), "inlinePolicies": [{"name": "All", "document": admin_doc()}]},
        ]),
        json!([{"name": "P", "document": doc(json!([allow("s3:ListBucket", "*")]))}]),
        None,
    )
}

fn mask() -> impl Strategy<Value = Vec<bool>> {
    prop::collection::vec(prop::bool::weighted(0.3), 10)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn adding_a_deny_never_creates_a_path(a in mask(), b in mask(), r in mask(), who in 0usize..3, which in 0usize..10) {
        let before = escalating(&report(&random_scenario(&a, &b, &r, None)));
        let after = escalating(&report(&random_scenario(&a, &b, &r, Some((who, which)))));
        prop_assert!(after.iter().all(|p| before.contains(p)), "before {before:?} after {after:?}");
    }

    #[test]
    fn the_suggested_fix_removes_the_path_it_targets(a in mask(), b in mask(), r in mask()) {
        let s = random_scenario(&a, &b, &r, None);
        let cache = CompileCache::new();
        let managed = managed();
        let catalog = paths();
        let wb = Workbench::new(&s, &cache).with_managed(Some(&managed));
        let found = wb.escalation_paths(&catalog);
        if let Some(path) = found.paths.first() {
            let fix = wb.smallest_fix(&catalog, path);
            prop_assert!(fix.is_some(), "every path found here has a fix");
            let after = report(&fix.unwrap().scenario);
            prop_assert!(!after.paths.iter().any(|p| p.principal == path.principal
                && p.hops.iter().map(|h| (&h.path_id, &h.to)).eq(path.hops.iter().map(|h| (&h.path_id, &h.to)))));
        }
    }

    #[test]
    fn removing_an_allow_never_creates_a_path(a in mask(), b in mask(), r in mask(), which in 0usize..10) {
        let before = escalating(&report(&random_scenario(&a, &b, &r, None)));
        let mut fewer = a.clone();
        fewer[which] = false;
        let after = escalating(&report(&random_scenario(&fewer, &b, &r, None)));
        prop_assert!(after.iter().all(|p| before.contains(p)), "before {before:?} after {after:?}");
    }
}

/// A minimal scenario for one modelled catalog path: the actor `dev` is allowed the path's
/// actions on everything, and the path's target exists (an admin user with and one without a
/// console password, an admin role trusted by the account and by the path's services, a group
/// with admin access, a customer policy attached to the actor and to the role).
fn minimal_for(model: &iam_engine::catalog::escalation::Model, scp: Option<String>) -> Scenario {
    use iam_engine::catalog::escalation::{ModelKind, Prerequisite};
    let actions: Vec<Value> = model.hops.iter().map(|h| json!(h.action)).collect();
    let own = doc(json!([{"Effect": "Allow", "Action": actions, "Resource": "*"}]));
    let services: Vec<String> = match &model.kind {
        ModelKind::PassRoleToService { service_principals } => service_principals.clone(),
        _ => Vec::new(),
    };
    let mut trust = vec![
        json!({"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")}, "Action": "sts:AssumeRole"}),
    ];
    if !services.is_empty() {
        trust.push(json!({"Effect": "Allow", "Principal": {"Service": services}, "Action": "sts:AssumeRole"}));
    }
    let actor = json!({"name": "dev", "groups": ["Team"], "managedPolicies": ["Attached"], "inlinePolicies": [{"name": "Own", "document": own}]});
    let role_actor = model.prerequisites.contains(&Prerequisite::ActorIsRole);
    let mut users = vec![
        json!({"name": "boss", "inlinePolicies": [{"name": "All", "document": admin_doc()}]}),
        json!({"name": "boss2", "loginProfile": {"passwordResetRequired": false}, "inlinePolicies": [{"name": "All", "document": admin_doc()}]}),
    ];
    let mut roles = vec![
        json!({"name": "Admin", "trustPolicy": doc(Value::Array(trust)), "managedPolicies": ["RolePolicy"], "inlinePolicies": [{"name": "All", "document": admin_doc()}]}),
    ];
    if role_actor {
        let mut r = actor.clone();
        r.as_object_mut().unwrap().remove("groups");
        r["trustPolicy"] = json!(trust_account());
        roles.push(r);
    } else {
        users.push(actor);
    }
    scenario(
        Value::Array(users),
        json!([{"name": "Team"}, {"name": "Admins", "inlinePolicies": [{"name": "All", "document": admin_doc()}]}]),
        Value::Array(roles),
        json!([
            {"name": "Attached", "document": doc(json!([allow("s3:ListBucket", "*")]))},
            {"name": "RolePolicy", "document": doc(json!([allow("s3:ListBucket", "*")]))}
        ]),
        scp,
    )
}

#[test]
fn every_modelled_catalog_path_is_found_in_its_minimal_scenario_and_not_behind_an_scp() {
    use iam_engine::catalog::escalation::Modelling;
    let catalog = paths();
    let empty = report(&scenario(json!([]), json!([]), json!([]), json!([]), None));
    let left_out: Vec<&str> = empty.left_out.iter().map(|l| l.id.as_str()).collect();
    let mut checked = 0;
    for path in catalog.paths() {
        let Modelling::Modelled(model) = &path.modelling else {
            continue;
        };
        if left_out.contains(&path.id.as_str()) {
            continue;
        }
        let actor = if model
            .prerequisites
            .contains(&iam_engine::catalog::escalation::Prerequisite::ActorIsRole)
        {
            "role/dev"
        } else {
            "user/dev"
        };
        let found = |r: &EscalationReport| {
            r.paths
                .iter()
                .any(|p| p.principal == actor && p.hops.iter().any(|h| h.path_id == path.id))
        };
        let r = report(&minimal_for(model, None));
        assert!(found(&r), "{} is found in its minimal scenario", path.id);
        let first = &model.hops[0].action;
        let r = report(&minimal_for(model, deny_scp(first)));
        assert!(
            !found(&r),
            "{} is not found when an SCP denies {first}",
            path.id
        );
        checked += 1;
    }
    assert_eq!(checked, empty.modelled_paths);
}

/// `users` users who may assume any role, and `admins` admin roles trusting the account: each
/// user has `admins` paths to admin, one per role.
fn many_paths(users: usize, admins: usize) -> Scenario {
    let users: Vec<Value> = (0..users)
        .map(|i| user(&format!("u-{i}"), json!([allow("sts:AssumeRole", "*")])))
        .collect();
    let roles: Vec<Value> = (0..admins)
        .map(|i| {
            json!({"name": format!("admin-{i}"), "trustPolicy": trust_account(),
                "inlinePolicies": [{"name": "All", "document": admin_doc()}]})
        })
        .collect();
    scenario(json!(users), json!([]), json!(roles), json!([]), None)
}

#[test]
fn the_report_lists_the_shortest_paths_of_each_principal_and_counts_the_rest() {
    use iam_engine::workbench::analysis::escalation::{MAX_PATHS, MAX_PATHS_PER_PRINCIPAL};
    // Eight paths each: five listed per user, the other three counted.
    let r = report(&many_paths(3, 8));
    assert_eq!(r.principals_with_paths, 3);
    assert_eq!(r.paths.len(), 3 * MAX_PATHS_PER_PRINCIPAL);
    assert_eq!(r.unlisted_paths, 3 * (8 - MAX_PATHS_PER_PRINCIPAL));
    assert_eq!(r.paths_found(), 3 * 8);
    for user in ["user/u-0", "user/u-1", "user/u-2"] {
        let listed: Vec<_> = r.paths.iter().filter(|p| p.principal == user).collect();
        assert_eq!(listed.len(), MAX_PATHS_PER_PRINCIPAL);
        // Each is one hop: the shortest there is.
        assert!(listed.iter().all(|p| p.hops.len() == 1));
    }
    // Near miss: as many paths as the limit, all listed.
    let r = report(&many_paths(2, MAX_PATHS_PER_PRINCIPAL));
    assert_eq!(
        (r.paths.len(), r.unlisted_paths),
        (2 * MAX_PATHS_PER_PRINCIPAL, 0)
    );
    // More principals than the report lists: at most MAX_PATHS in all, the rest counted.
    let users = MAX_PATHS / MAX_PATHS_PER_PRINCIPAL + 10;
    let r = report(&many_paths(users, MAX_PATHS_PER_PRINCIPAL));
    assert_eq!(r.paths.len(), MAX_PATHS);
    assert_eq!(r.paths_found(), users * MAX_PATHS_PER_PRINCIPAL);
    assert_eq!(r.principals_with_paths, users);
}

#[test]
fn the_search_stops_at_its_budget_and_says_how_far_it_got() {
    use iam_engine::workbench::analysis::escalation::SearchBudget;
    let s = many_paths(40, 3);
    let cache = CompileCache::new();
    let managed = managed();
    let within = |edges: usize| {
        Workbench::new(&s, &cache)
            .with_managed(Some(&managed))
            .escalation_paths_within(
                &paths(),
                SearchBudget {
                    edges,
                    decisions: usize::MAX,
                    requests: usize::MAX,
                },
            )
    };
    // A budget of a few hops: the search stops after a few principals, and says so; what it
    // found is theirs.
    let stopped = within(10);
    let searched = stopped.searched_only.expect("the search stopped");
    assert!(
        searched > 0 && searched < stopped.principals_considered,
        "{searched}"
    );
    assert!(stopped.principals_with_paths <= searched);
    assert!(stopped.has_path_to_admin());
    // Near miss: the default budget searches from every principal.
    let whole = report(&s);
    assert_eq!(whole.searched_only, None);
    assert_eq!(whole.principals_with_paths, 40);
    assert_eq!(whole.paths_found(), 40 * 3);
}

/// Pass-role hops lead to sets of roles shared between principals (the search goes through a
/// set once per principal's search): what it reports must be what hop-by-hop would give.
#[test]
fn pass_role_hops_to_many_roles_report_each_role_as_its_own_hop() {
    let lambda = json!([
        allow("lambda:CreateFunction", "*"),
        allow("lambda:InvokeFunction", "*"),
    ]);
    let with = |extra: Value| -> Value {
        let mut list = lambda.as_array().unwrap().clone();
        list.push(extra);
        Value::Array(list)
    };
    // Twenty worker roles that trust Lambda and may pass every role; one admin role, which
    // only role `hub` (not the users) may pass.
    let mut roles: Vec<Value> = (0..20)
        .map(|i| {
            json!({"name": format!("worker-{i}"), "trustPolicy": trust_service("lambda.amazonaws.com"),
                "inlinePolicies": [{"name": "Own", "document": doc(json!([allow("lambda:GetFunction", "*")]))}]})
        })
        .collect();
    roles.push(
        json!({"name": "hub", "trustPolicy": trust_service("lambda.amazonaws.com"),
        "inlinePolicies": [{"name": "Own", "document": doc(with(allow("iam:PassRole", "*")))}]}),
    );
    roles.push(
        json!({"name": "top", "trustPolicy": trust_service("lambda.amazonaws.com"),
        "inlinePolicies": [{"name": "All", "document": admin_doc()}]}),
    );
    let users = json!([
        // May pass any role but `top`: reaches `hub`, which passes `top`.
        user(
            "wide",
            with(
                json!({"Effect": "Allow", "Action": "iam:PassRole", "NotResource": arn("role", "top")})
            )
        ),
        // The same set of roles: the same two hops.
        user(
            "twin",
            with(
                json!({"Effect": "Allow", "Action": "iam:PassRole", "NotResource": arn("role", "top")})
            )
        ),
        // May pass the workers only: no path.
        user(
            "narrow",
            with(allow("iam:PassRole", &arn("role", "worker-*")))
        ),
    ]);
    let s = scenario(users, json!([]), json!(roles), json!([]), None);
    let r = report(&s);
    assert_eq!(escalating(&r), vec!["role/hub", "user/twin", "user/wide"]);
    for who in ["user/wide", "user/twin"] {
        let path = (r.paths.iter())
            .find(|p| p.principal == who)
            .expect("a path");
        let hops: Vec<(&str, &str)> = (path.hops.iter())
            .map(|h| (h.from.as_str(), h.to.as_str()))
            .collect();
        assert_eq!(hops, [(who, "role/hub"), ("role/hub", "role/top")], "{who}");
        let first = &path.hops[0];
        assert_eq!(
            first.summary,
            format!(
                "{who} passes role/hub to lambda.amazonaws.com and runs code with its credentials"
            )
        );
        // Its requests: passing that very role, the service's actions, the role's trust.
        let passed = (first.requests.iter())
            .find(|d| d.action.eq_ignore_ascii_case("iam:PassRole"))
            .expect("the PassRole request");
        assert_eq!(passed.resource, arn("role", "hub"));
        assert!(first.requests.iter().any(|d| d.action == "sts:AssumeRole"));
        assert!(path.hops[1].reaches_admin);
    }
    // Each of the two users has one path (through hub), the hub one: nothing else counted.
    assert_eq!(r.paths_found(), 3);
    // Near miss: without hub's PassRole no one gets further than the workers.
    let mut quiet = s.clone();
    let hub = quiet.roles.iter_mut().find(|r| r.name == "hub").unwrap();
    hub.inline_policies[0].document = doc(lambda.clone());
    assert!(escalating(&report(&quiet)).is_empty());
}

/// The analysis worker runs the search a step at a time: the steps give the report of the
/// search in one go, and say how far they got.
#[test]
fn the_search_in_small_steps_gives_the_report_of_the_search_in_one_go() {
    use iam_engine::workbench::analysis::Model;
    use iam_engine::workbench::analysis::escalation::{EscalationSearch, SearchBudget};
    let gallery = Scenario::from_json(gallery_json("passrole-lambda-admin").unwrap()).unwrap();
    let catalog = paths();
    let managed = managed();
    for (s, budget) in [
        (many_paths(12, 7), SearchBudget::default()),
        (gallery, SearchBudget::default()),
        // Stopped at its budget part of the way: at the same principal.
        (
            many_paths(40, 3),
            SearchBudget {
                edges: 10,
                ..SearchBudget::default()
            },
        ),
    ] {
        let cache = CompileCache::new();
        let model = Model {
            scenario: &s,
            managed: Some(&managed),
            cache: &cache,
        };
        let whole = iam_engine::workbench::analysis::escalation::escalation_paths_within(
            &model, &catalog, budget,
        );
        let cache = CompileCache::new();
        let model = Model {
            scenario: &s,
            managed: Some(&managed),
            cache: &cache,
        };
        let mut search = EscalationSearch::new(&model, &catalog, budget);
        let mut searched = vec![search.searched()];
        while !search.step(&model, &catalog, 3, || false) {
            searched.push(search.searched());
        }
        assert!(searched.len() > 2, "{searched:?}");
        assert!(searched.windows(2).all(|w| w[0] <= w[1]), "{searched:?}");
        assert!(search.is_done() && search.searched() <= search.total());
        assert_eq!(search.into_report(), whole);
    }
}
