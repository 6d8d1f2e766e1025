//! Tests of the scenario model: the file format, the editing operations, the findings, the
//! gallery (with its saved tests run through the evaluator) and property tests.

use super::*;
use crate::catalog::ManagedPolicies;
use crate::diagnostic::Severity;
use crate::eval::Decision;
use crate::workbench::simulate::{evaluate_request, run_tests};

const MANAGED_ASSET: &str = include_str!("../../../../static/data/managed-policies.txt");

fn managed() -> ManagedPolicies {
    ManagedPolicies::parse(MANAGED_ASSET).unwrap()
}

const ALLOW_S3: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
const ADMIN_DOC: &str = r#"{
  "Version": "2012-10-17",
  "Statement": { "Effect": "Allow", "Action": "*", "Resource": "*" }
}"#;
const TRUST_ACCOUNT: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole"}]}"#;

/// A small valid scenario used by the editing tests.
fn base() -> Scenario {
    let mut s = Scenario::new("111122223333");
    s.add_policy(ManagedPolicy::new("S3Full", ALLOW_S3))
        .unwrap();
    s.add_group(Group::new("Developers")).unwrap();
    s.add_group(Group::new("Admins")).unwrap();
    s.add_user(User::new("alice")).unwrap();
    s.add_user(User::new("bob")).unwrap();
    s.add_user_to_group("alice", "Developers").unwrap();
    s.add_role(Role::new("Deploy", TRUST_ACCOUNT)).unwrap();
    s.add_resource(Resource::new(ResourceKind::S3Bucket, "example-bucket"))
        .unwrap();
    s.add_test(TestCase {
        label: "alice reads".into(),
        principal: PrincipalRef::User("alice".into()),
        action: "s3:GetObject".into(),
        resource: "arn:aws:s3:::example-bucket/a.txt".into(),
        context: Vec::new(),
        expected: ExpectedDecision::Allowed,
    })
    .unwrap();
    s.add_test(TestCase {
        label: "assume".into(),
        principal: PrincipalRef::Role("Deploy".into()),
        action: "sts:AssumeRole".into(),
        resource: "arn:aws:iam::111122223333:role/Deploy".into(),
        context: Vec::new(),
        expected: ExpectedDecision::ImplicitDeny,
    })
    .unwrap();
    s
}

/// Runs an edit that must fail, checks the scenario is unchanged, and returns the error code.
fn refused(
    s: &Scenario,
    edit: impl FnOnce(&mut Scenario) -> Result<(), EditError>,
) -> &'static str {
    let mut copy = s.clone();
    let err = edit(&mut copy).expect_err("the edit should be refused");
    assert_eq!(
        &copy, s,
        "a refused edit changed the scenario ({})",
        err.message
    );
    assert!(!err.message.is_empty());
    err.code
}

// ---------------------------------------------------------------------------------------------
// The file format.

#[test]
fn round_trip_keeps_policy_text_exactly() {
    let mut s = base();
    s.set_policy_document(
        "S3Full",
        "{\n    \"Version\" : \"2012-10-17\",\n\t\"Statement\": []\n}",
    )
    .unwrap();
    let back = Scenario::from_json(&s.to_json_pretty()).unwrap();
    assert_eq!(back, s);
    assert_eq!(Scenario::from_json(&s.to_json()).unwrap(), s);
    assert!(s.to_json_pretty().contains("\\n    \\\"Version\\\" : "));
}

#[test]
fn defaults_are_left_out() {
    let s = Scenario::new("111122223333");
    let text = s.to_json();
    assert_eq!(
        text,
        r#"{"formatVersion":1,"account":{"id":"111122223333"},"rootUser":{"password":true,"mfa":false,"accessKeys":false}}"#
    );
    let minimal =
        Scenario::from_json(r#"{"formatVersion":1,"account":{"id":"111122223333"}}"#).unwrap();
    assert_eq!(minimal, s);
}

#[test]
fn syntax_errors_have_line_and_column() {
    let err = Scenario::from_json("{\n  \"formatVersion\": 1,\n  \"account\": {\"id\": \"1\",}\n}")
        .unwrap_err();
    assert_eq!(err.code, "scenario-syntax");
    assert_eq!(err.line, Some(3));
    assert!(err.column.is_some());
    assert!(
        err.message.starts_with("The scenario is not valid JSON"),
        "{}",
        err.message
    );
}

#[test]
fn unknown_keys_are_reported_where_they_are() {
    let text = "{\n  \"formatVersion\": 1,\n  \"account\": {\"id\": \"111122223333\"},\n  \"users\": [{\"name\": \"a\", \"pasword\": true}]\n}";
    let err = Scenario::from_json(text).unwrap_err();
    assert_eq!(err.code, "scenario-shape");
    assert_eq!(err.line, Some(4));
    assert!(err.message.contains("pasword"), "{}", err.message);
}

#[test]
fn wrong_types_are_reported() {
    let err = Scenario::from_json(r#"{"formatVersion":1,"account":{"id":"111122223333"},"tests":[{"label":"x","principal":"root","action":"s3:X","expected":"maybe"}]}"#).unwrap_err();
    assert_eq!(err.code, "scenario-shape");
    assert!(err.message.contains("maybe"), "{}", err.message);
    assert_eq!(
        Scenario::from_json("[1, 2]").unwrap_err().code,
        "scenario-shape"
    );
    assert_eq!(
        Scenario::from_json("\"text\"").unwrap_err().code,
        "scenario-shape"
    );
    assert_eq!(Scenario::from_json("").unwrap_err().code, "scenario-syntax");
}

#[test]
fn versions() {
    let missing = Scenario::from_json(r#"{"account":{"id":"111122223333"}}"#).unwrap_err();
    assert_eq!(missing.code, "scenario-version-missing");
    let not_number = Scenario::from_json(r#"{"formatVersion":"1"}"#).unwrap_err();
    assert_eq!(not_number.code, "scenario-version-missing");
    let newer = Scenario::from_json(r#"{"formatVersion":7,"whatever":[]}"#).unwrap_err();
    assert_eq!(newer.code, "scenario-version-newer");
    assert!(
        newer.message.contains("made with a newer version"),
        "{}",
        newer.message
    );
}

#[test]
fn version_0_drafts_are_migrated() {
    let v0 = r#"{
      "formatVersion": 0,
      "account": {"id": "111122223333"},
      "customerManagedPolicies": [{"name": "S3Full", "document": "{}"}],
      "users": [{"name": "alice", "managedPolicies": ["S3Full"]}],
      "tests": [{"label": "t", "principal": "user/alice", "action": "s3:GetObject", "expect": "implicitDeny"}]
    }"#;
    let s = Scenario::from_json(v0).unwrap();
    assert_eq!(s.format_version, FORMAT_VERSION);
    assert_eq!(s.policies.len(), 1);
    assert_eq!(s.tests[0].expected, ExpectedDecision::ImplicitDeny);
    assert_eq!(
        s.users[0].managed_policies,
        vec![PolicyRef::customer("S3Full")]
    );
    // A broken v0 file reports the migration.
    let err =
        Scenario::from_json(r#"{"formatVersion":0,"account":{"id":"1"},"tests":[{"expect":"x"}]}"#)
            .unwrap_err();
    assert!(err.message.contains("migrating"), "{}", err.message);
    assert_eq!(err.line, None);
    let err = migrate(serde_json::json!([1]), 0).unwrap_err();
    assert_eq!(err.code, "scenario-migration");
    assert_eq!(
        migrate(serde_json::json!({"a": 1}), 1).unwrap(),
        serde_json::json!({"a": 1})
    );
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep_array = "[".repeat(100_000);
    assert_eq!(
        Scenario::from_json(&deep_array).unwrap_err().code,
        "scenario-syntax"
    );
    let deep_field = format!("{{\"formatVersion\":1,\"x\":{}", "[".repeat(100_000));
    assert!(Scenario::from_json(&deep_field).is_err());
    let deep_object = "{\"a\":".repeat(100_000);
    assert!(Scenario::from_json(&deep_object).is_err());
}

#[test]
fn oversized_input_is_refused_without_parsing() {
    let big = " ".repeat(MAX_SCENARIO_BYTES + 1);
    assert_eq!(
        Scenario::from_json(&big).unwrap_err().code,
        "scenario-too-large"
    );
}

#[test]
fn references_read_and_write_as_strings() {
    assert_eq!(
        PolicyRef::from("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess".to_string()).name(),
        "ViewOnlyAccess"
    );
    assert_eq!(
        PolicyRef::aws("AdministratorAccess"),
        PolicyRef::Aws("arn:aws:iam::aws:policy/AdministratorAccess".into())
    );
    assert_eq!(
        PolicyRef::aws("arn:aws:iam::aws:policy/X").as_str(),
        "arn:aws:iam::aws:policy/X"
    );
    assert!(PolicyRef::customer("Abc").same(&PolicyRef::customer("aBC")));
    assert!(!PolicyRef::customer("Abc").same(&PolicyRef::aws("Abc")));
    for text in [
        "root",
        "user/alice",
        "role/Deploy",
        "arn:aws:iam::444455556666:user/x",
        "anonymous",
    ] {
        let p = PrincipalRef::from(text.to_string());
        assert_eq!(String::from(p), text);
    }
    assert_eq!(
        PrincipalRef::from("user/a".to_string()),
        PrincipalRef::User("a".into())
    );
}

#[test]
fn resource_arns() {
    let s = base();
    let mut r = Resource::new(ResourceKind::SqsQueue, "jobs");
    assert_eq!(r.arn(&s.account), "arn:aws:sqs:us-east-1:111122223333:jobs");
    r.region = Some("eu-west-1".into());
    assert_eq!(r.arn(&s.account), "arn:aws:sqs:eu-west-1:111122223333:jobs");
    assert_eq!(
        Resource::new(ResourceKind::SnsTopic, "t").arn(&s.account),
        "arn:aws:sns:us-east-1:111122223333:t"
    );
    assert_eq!(
        Resource::new(ResourceKind::KmsKey, "k-1").arn(&s.account),
        "arn:aws:kms:us-east-1:111122223333:key/k-1"
    );
    assert_eq!(
        Resource::new(ResourceKind::S3Bucket, "b-1").arn(&s.account),
        "arn:aws:s3:::b-1"
    );
    let mut u = User::new("carol");
    u.path = "/eng/".into();
    assert_eq!(s.user_arn(&u), "arn:aws:iam::111122223333:user/eng/carol");
    assert_eq!(
        s.policy_arn(&ManagedPolicy::new("P", "{}")),
        "arn:aws:iam::111122223333:policy/P"
    );
}

// ---------------------------------------------------------------------------------------------
// Editing operations.

#[test]
fn account_edits() {
    let mut s = base();
    s.set_account_id("444455556666").unwrap();
    assert_eq!(s.account.id, "444455556666");
    assert_eq!(
        refused(&s, |s| s.set_account_id("4444")),
        "account-id-invalid"
    );
    s.set_account_alias(Some("my-corp")).unwrap();
    assert_eq!(s.account.alias.as_deref(), Some("my-corp"));
    assert_eq!(
        refused(&s, |s| s.set_account_alias(Some("My_Corp"))),
        "alias-invalid"
    );
    s.set_account_alias(None).unwrap();
    assert_eq!(s.account.alias, None);
    s.set_region("eu-west-1").unwrap();
    assert_eq!(refused(&s, |s| s.set_region("EU West")), "region-invalid");
    s.set_root_user(RootUser {
        password: false,
        mfa: true,
        access_keys: false,
    });
    assert!(s.root_user.mfa);
}

fn org(levels: usize, scps: usize) -> Organization {
    Organization {
        management_account: false,
        levels: (0..levels)
            .map(|i| OrgLevel {
                name: format!("L{i}"),
                scps: (0..scps)
                    .map(|j| OrgPolicy {
                        name: format!("P{j}"),
                        document: ADMIN_DOC.into(),
                    })
                    .collect(),
                rcps: Vec::new(),
            })
            .collect(),
    }
}

#[test]
fn organization_edits() {
    let mut s = base();
    s.set_organization(Some(org(3, 1))).unwrap();
    assert_eq!(s.organization.as_ref().unwrap().levels.len(), 3);
    assert_eq!(
        refused(&s, |s| s.set_organization(Some(org(1, 1)))),
        "org-levels"
    );
    assert_eq!(
        refused(&s, |s| s.set_organization(Some(org(8, 1)))),
        "org-levels"
    );
    assert_eq!(
        refused(&s, |s| s.set_organization(Some(org(2, 0)))),
        "org-no-scp"
    );
    assert_eq!(
        refused(&s, |s| s.set_organization(Some(org(2, 6)))),
        "org-too-many-policies"
    );
    let mut big = org(2, 1);
    big.levels[0].scps[0].document = format!("{{\"x\":\"{}\"}}", " ".repeat(5200));
    assert_eq!(
        refused(&s, |s| s.set_organization(Some(big))),
        "policy-too-large"
    );
    s.set_organization(None).unwrap();
    assert!(s.organization.is_none());
}

#[test]
fn user_add_update_rename_delete_duplicate() {
    let mut s = base();
    assert_eq!(
        refused(&s, |s| s.add_user(User::new("ALICE"))),
        "name-duplicate"
    );
    assert_eq!(refused(&s, |s| s.add_user(User::new(""))), "name-empty");
    assert_eq!(
        refused(&s, |s| s.add_user(User::new("a".repeat(65)))),
        "name-too-long"
    );
    assert_eq!(
        refused(&s, |s| s.add_user(User::new("<script>"))),
        "name-invalid"
    );
    let mut bad_path = User::new("carol");
    bad_path.path = "eng".into();
    assert_eq!(refused(&s, |s| s.add_user(bad_path)), "path-invalid");
    let mut keys = User::new("carol");
    keys.access_keys = vec![
        AccessKey {
            age_days: 1,
            active: true
        };
        3
    ];
    assert_eq!(refused(&s, |s| s.add_user(keys)), "too-many-access-keys");
    let mut unknown = User::new("carol");
    unknown.groups = vec!["Nope".into()];
    assert_eq!(refused(&s, |s| s.add_user(unknown)), "unknown-group");
    let mut tags = User::new("carol");
    tags.tags = vec![Tag {
        key: "aws:team".into(),
        value: String::new(),
    }];
    assert_eq!(refused(&s, |s| s.add_user(tags)), "tag-invalid");

    // Setting fields through update.
    let mut alice = s.user("alice").unwrap().clone();
    alice.login_profile = Some(LoginProfile {
        password_reset_required: true,
    });
    alice.mfa = true;
    alice.access_keys = vec![AccessKey {
        age_days: 120,
        active: true,
    }];
    s.update_user("alice", alice).unwrap();
    assert!(s.user("alice").unwrap().mfa);
    assert_eq!(
        refused(&s, |s| s.update_user("nobody", User::new("x"))),
        "unknown-user"
    );
    let mut clash = s.user("alice").unwrap().clone();
    clash.name = "Bob".into();
    assert_eq!(
        refused(&s, |s| s.update_user("alice", clash)),
        "name-duplicate"
    );

    // Renaming rewrites the tests that name the user.
    s.rename_user("alice", "alicia").unwrap();
    assert!(s.user("alice").is_none());
    assert_eq!(s.tests[0].principal, PrincipalRef::User("alicia".into()));
    assert_eq!(
        refused(&s, |s| s.rename_user("alicia", "bob")),
        "name-duplicate"
    );
    assert_eq!(refused(&s, |s| s.rename_user("zed", "zoe")), "unknown-user");
    // Changing only the case of a name is allowed.
    s.rename_user("alicia", "Alicia").unwrap();
    assert_eq!(s.tests[0].principal, PrincipalRef::User("Alicia".into()));

    // Duplicating copies groups and policies, not credentials.
    s.duplicate_user("Alicia", "alicia2").unwrap();
    let copy = s.user("alicia2").unwrap();
    assert_eq!(copy.groups, vec!["Developers".to_string()]);
    assert!(copy.login_profile.is_none() && !copy.mfa && copy.access_keys.is_empty());
    assert_eq!(
        refused(&s, |s| s.duplicate_user("Alicia", "bob")),
        "name-duplicate"
    );
    assert_eq!(
        refused(&s, |s| s.duplicate_user("nobody", "x")),
        "unknown-user"
    );

    s.delete_user("alicia2").unwrap();
    assert!(s.user("alicia2").is_none());
    assert_eq!(refused(&s, |s| s.delete_user("alicia2")), "unknown-user");
}

#[test]
fn group_edits_and_membership() {
    let mut s = base();
    assert_eq!(
        refused(&s, |s| s.add_group(Group::new("developers"))),
        "name-duplicate"
    );
    assert_eq!(
        refused(&s, |s| s.add_group(Group::new("a".repeat(129)))),
        "name-too-long"
    );
    s.add_group(Group::new("a".repeat(128))).unwrap();

    s.rename_group("Developers", "Engineers").unwrap();
    assert_eq!(
        s.user("alice").unwrap().groups,
        vec!["Engineers".to_string()]
    );
    assert_eq!(
        refused(&s, |s| s.rename_group("Engineers", "admins")),
        "name-duplicate"
    );
    assert_eq!(
        refused(&s, |s| s.rename_group("Nope", "X")),
        "unknown-group"
    );

    s.add_user_to_group("bob", "engineers").unwrap();
    assert_eq!(s.user("bob").unwrap().groups, vec!["Engineers".to_string()]);
    assert_eq!(
        refused(&s, |s| s.add_user_to_group("bob", "Engineers")),
        "already-member"
    );
    assert_eq!(
        refused(&s, |s| s.add_user_to_group("nobody", "Engineers")),
        "unknown-user"
    );
    assert_eq!(
        refused(&s, |s| s.add_user_to_group("bob", "Nope")),
        "unknown-group"
    );
    for i in 0..9 {
        s.add_group(Group::new(format!("G{i}"))).unwrap();
        s.add_user_to_group("bob", &format!("G{i}")).unwrap();
    }
    assert_eq!(s.user("bob").unwrap().groups.len(), 10);
    assert_eq!(
        refused(&s, |s| s.add_user_to_group("bob", "Admins")),
        "too-many-groups"
    );
    s.remove_user_from_group("bob", "G0").unwrap();
    assert_eq!(
        refused(&s, |s| s.remove_user_from_group("bob", "G0")),
        "not-member"
    );
    assert_eq!(
        refused(&s, |s| s.remove_user_from_group("nobody", "G0")),
        "unknown-user"
    );

    s.duplicate_group("Engineers", "Engineers2").unwrap();
    assert_eq!(s.members_of("Engineers2").count(), 0);
    assert_eq!(
        refused(&s, |s| s.duplicate_group("Engineers", "admins")),
        "name-duplicate"
    );

    s.delete_group("Engineers").unwrap();
    assert!(
        s.users
            .iter()
            .all(|u| !u.groups.iter().any(|g| g == "Engineers"))
    );
    assert_eq!(
        refused(&s, |s| s.delete_group("Engineers")),
        "unknown-group"
    );
}

#[test]
fn role_edits() {
    let mut s = base();
    assert_eq!(
        refused(&s, |s| s.add_role(Role::new("deploy", TRUST_ACCOUNT))),
        "name-duplicate"
    );
    assert_eq!(
        refused(&s, |s| s.add_role(Role::new("a".repeat(65), TRUST_ACCOUNT))),
        "name-too-long"
    );
    let mut short = Role::new("Short", TRUST_ACCOUNT);
    short.max_session_duration = 900;
    assert_eq!(
        refused(&s, |s| s.add_role(short)),
        "session-duration-invalid"
    );
    let mut long = Role::new("Long", TRUST_ACCOUNT);
    long.max_session_duration = 43201;
    assert_eq!(
        refused(&s, |s| s.add_role(long)),
        "session-duration-invalid"
    );
    let mut desc = Role::new("Desc", TRUST_ACCOUNT);
    desc.description = "x".repeat(1001);
    assert_eq!(refused(&s, |s| s.add_role(desc)), "description-too-long");
    let big_trust = format!("{{\"Statement\":\"{}\"}}", "a".repeat(2100));
    assert_eq!(
        refused(&s, |s| s.add_role(Role::new("Big", big_trust.clone()))),
        "policy-too-large"
    );

    let mut twelve = Role::new("TwelveHours", TRUST_ACCOUNT);
    twelve.max_session_duration = 43200;
    s.add_role(twelve).unwrap();

    // Renaming rewrites the test principal and the test resource ARN.
    s.rename_role("Deploy", "Release").unwrap();
    assert_eq!(s.tests[1].principal, PrincipalRef::Role("Release".into()));
    assert_eq!(
        s.tests[1].resource,
        "arn:aws:iam::111122223333:role/Release"
    );
    // A new path changes the ARN too.
    let mut r = s.role("Release").unwrap().clone();
    r.path = "/ci/".into();
    s.update_role("Release", r).unwrap();
    assert_eq!(
        s.tests[1].resource,
        "arn:aws:iam::111122223333:role/ci/Release"
    );
    assert_eq!(
        refused(&s, |s| s.rename_role("Release", "twelvehours")),
        "name-duplicate"
    );
    assert_eq!(refused(&s, |s| s.rename_role("Nope", "X")), "unknown-role");

    s.set_trust_policy("Release", "{}").unwrap();
    assert_eq!(s.role("Release").unwrap().trust_policy, "{}");
    assert_eq!(
        refused(&s, |s| s.set_trust_policy("Release", &big_trust)),
        "policy-too-large"
    );
    assert_eq!(
        refused(&s, |s| s.set_trust_policy("Nope", "{}")),
        "unknown-role"
    );

    s.duplicate_role("Release", "Release2").unwrap();
    assert_eq!(s.role("Release2").unwrap().trust_policy, "{}");
    assert_eq!(
        refused(&s, |s| s.duplicate_role("Release", "RELEASE")),
        "name-duplicate"
    );
    s.delete_role("Release2").unwrap();
    assert_eq!(refused(&s, |s| s.delete_role("Release2")), "unknown-role");
}

#[test]
fn policy_edits() {
    let mut s = base();
    assert_eq!(
        refused(&s, |s| s.add_policy(ManagedPolicy::new("s3full", "{}"))),
        "name-duplicate"
    );
    let mut star_path = ManagedPolicy::new("P", "{}");
    star_path.path = "/a*/".into();
    assert_eq!(refused(&s, |s| s.add_policy(star_path)), "path-invalid");
    let big = format!("{{\"x\":\"{}\"}}", "a".repeat(6140));
    assert_eq!(
        refused(&s, |s| s.add_policy(ManagedPolicy::new("Big", big.clone()))),
        "policy-too-large"
    );
    // Whitespace does not count.
    let spaced = format!("{{\"x\":\"a\"{}}}", " ".repeat(7000));
    s.add_policy(ManagedPolicy::new("Spaced", spaced)).unwrap();

    let devs = IdentityRef::Group("Developers".into());
    let bob = IdentityRef::User("bob".into());
    let deploy = IdentityRef::Role("Deploy".into());
    s.attach_policy(&devs, PolicyRef::customer("s3full"))
        .unwrap();
    assert_eq!(
        s.group("Developers").unwrap().managed_policies,
        vec![PolicyRef::customer("S3Full")]
    );
    s.attach_policy(&bob, PolicyRef::customer("S3Full"))
        .unwrap();
    s.set_permissions_boundary(&deploy, Some(PolicyRef::customer("S3Full")))
        .unwrap();

    // Renaming rewrites attachments and boundaries.
    s.rename_policy("S3Full", "StorageFull").unwrap();
    assert_eq!(
        s.group("Developers").unwrap().managed_policies,
        vec![PolicyRef::customer("StorageFull")]
    );
    assert_eq!(
        s.user("bob").unwrap().managed_policies,
        vec![PolicyRef::customer("StorageFull")]
    );
    assert_eq!(
        s.role("Deploy").unwrap().permissions_boundary,
        Some(PolicyRef::customer("StorageFull"))
    );
    assert_eq!(
        refused(&s, |s| s.rename_policy("StorageFull", "spaced")),
        "name-duplicate"
    );

    s.set_policy_document("StorageFull", ADMIN_DOC).unwrap();
    assert_eq!(
        refused(&s, |s| s.set_policy_document("StorageFull", &big)),
        "policy-too-large"
    );
    assert_eq!(
        refused(&s, |s| s.set_policy_document("Nope", "{}")),
        "unknown-policy"
    );

    s.duplicate_policy("StorageFull", "StorageCopy").unwrap();
    assert_eq!(s.policy("StorageCopy").unwrap().document, ADMIN_DOC);
    assert_eq!(
        refused(&s, |s| s.duplicate_policy("Nope", "X")),
        "unknown-policy"
    );

    // Deleting detaches everywhere.
    s.delete_policy("StorageFull").unwrap();
    assert!(s.group("Developers").unwrap().managed_policies.is_empty());
    assert!(s.user("bob").unwrap().managed_policies.is_empty());
    assert!(s.role("Deploy").unwrap().permissions_boundary.is_none());
    assert_eq!(
        refused(&s, |s| s.delete_policy("StorageFull")),
        "unknown-policy"
    );
    assert!(!codes(&s.validate()).contains(&"unknown-policy"));
}

#[test]
fn attach_and_detach() {
    let mut s = base();
    let bob = IdentityRef::User("bob".into());
    let admin = PolicyRef::aws("AdministratorAccess");
    s.attach_policy(&bob, admin.clone()).unwrap();
    assert_eq!(
        refused(&s, |s| s.attach_policy(&bob, admin.clone())),
        "already-attached"
    );
    assert_eq!(
        refused(&s, |s| s.attach_policy(&bob, PolicyRef::customer("Nope"))),
        "unknown-policy"
    );
    assert_eq!(
        refused(&s, |s| s.attach_policy(
            &bob,
            PolicyRef::Aws("arn:aws:iam::aws:policy/".into())
        )),
        "unknown-policy"
    );
    assert_eq!(
        refused(&s, |s| s.attach_policy(
            &IdentityRef::User("nobody".into()),
            admin.clone()
        )),
        "unknown-user"
    );
    assert_eq!(
        refused(&s, |s| s.attach_policy(
            &IdentityRef::Group("Nope".into()),
            admin.clone()
        )),
        "unknown-group"
    );
    assert_eq!(
        refused(&s, |s| s
            .attach_policy(&IdentityRef::Role("Nope".into()), admin.clone())),
        "unknown-role"
    );
    for i in 0..9 {
        s.attach_policy(&bob, PolicyRef::aws(&format!("P{i}")))
            .unwrap();
    }
    let err = {
        let mut copy = s.clone();
        copy.attach_policy(&bob, PolicyRef::aws("P9")).unwrap_err()
    };
    assert_eq!(err.code, "too-many-managed-policies");
    assert!(
        err.message.contains("20"),
        "users' quota can be raised: {}",
        err.message
    );
    let devs = IdentityRef::Group("Developers".into());
    for i in 0..10 {
        s.attach_policy(&devs, PolicyRef::aws(&format!("P{i}")))
            .unwrap();
    }
    assert_eq!(
        refused(&s, |s| s.attach_policy(&devs, PolicyRef::aws("P10"))),
        "too-many-managed-policies"
    );

    s.detach_policy(&bob, &admin).unwrap();
    assert_eq!(
        refused(&s, |s| s.detach_policy(&bob, &admin)),
        "not-attached"
    );
    assert_eq!(
        refused(&s, |s| s
            .detach_policy(&IdentityRef::User("nobody".into()), &admin)),
        "unknown-user"
    );
}

#[test]
fn inline_policies_and_their_quotas() {
    let mut s = base();
    let bob = IdentityRef::User("bob".into());
    let devs = IdentityRef::Group("Developers".into());
    let deploy = IdentityRef::Role("Deploy".into());
    s.put_inline_policy(&bob, "S3", ALLOW_S3).unwrap();
    // Same name (any case) replaces.
    s.put_inline_policy(&bob, "s3", ADMIN_DOC).unwrap();
    assert_eq!(s.user("bob").unwrap().inline_policies.len(), 1);
    assert_eq!(
        s.user("bob").unwrap().inline_policies[0].document,
        ADMIN_DOC
    );
    assert_eq!(
        refused(&s, |s| s.put_inline_policy(&bob, "bad name", "{}")),
        "name-invalid"
    );
    assert_eq!(
        refused(&s, |s| s.put_inline_policy(
            &IdentityRef::User("nobody".into()),
            "P",
            "{}"
        )),
        "unknown-user"
    );

    let doc = |n: usize| format!("{{\"x\":\"{}\"}}", "a".repeat(n - 8));
    // A user's inline policies total at most 2,048 characters.
    s.put_inline_policy(&bob, "s3", &doc(1000)).unwrap();
    s.put_inline_policy(&bob, "Second", &doc(1048)).unwrap();
    assert_eq!(
        refused(&s, |s| s.put_inline_policy(&bob, "Third", &doc(10))),
        "inline-policy-size"
    );
    // Replacing one does not count it twice.
    s.put_inline_policy(&bob, "Second", &doc(1048)).unwrap();
    // A group's total is 5,120; a role's is 10,240.
    s.put_inline_policy(&devs, "Big", &doc(5120)).unwrap();
    assert_eq!(
        refused(&s, |s| s.put_inline_policy(&devs, "More", &doc(10))),
        "inline-policy-size"
    );
    s.put_inline_policy(&deploy, "Big", &doc(10240)).unwrap();
    assert_eq!(
        refused(&s, |s| s.put_inline_policy(&deploy, "More", &doc(10))),
        "inline-policy-size"
    );

    s.delete_inline_policy(&bob, "SECOND").unwrap();
    assert_eq!(
        refused(&s, |s| s.delete_inline_policy(&bob, "Second")),
        "unknown-inline-policy"
    );
}

#[test]
fn boundaries() {
    let mut s = base();
    let bob = IdentityRef::User("bob".into());
    s.set_permissions_boundary(&bob, Some(PolicyRef::customer("S3Full")))
        .unwrap();
    assert_eq!(
        s.user("bob").unwrap().permissions_boundary,
        Some(PolicyRef::customer("S3Full"))
    );
    assert_eq!(
        refused(&s, |s| s.set_permissions_boundary(
            &IdentityRef::Group("Developers".into()),
            Some(PolicyRef::customer("S3Full"))
        )),
        "boundary-not-supported"
    );
    assert_eq!(
        refused(&s, |s| s.set_permissions_boundary(
            &bob,
            Some(PolicyRef::customer("Nope"))
        )),
        "unknown-policy"
    );
    s.set_permissions_boundary(&bob, None).unwrap();
    assert!(s.user("bob").unwrap().permissions_boundary.is_none());
}

#[test]
fn resource_edits() {
    let mut s = base();
    let kind = ResourceKind::S3Bucket;
    assert_eq!(
        refused(&s, |s| s
            .add_resource(Resource::new(kind, "example-bucket"))),
        "name-duplicate"
    );
    assert_eq!(
        refused(&s, |s| s.add_resource(Resource::new(kind, "Bad_Bucket"))),
        "resource-name-invalid"
    );
    let mut bad_region = Resource::new(ResourceKind::SqsQueue, "jobs");
    bad_region.region = Some("Mars 1".into());
    assert_eq!(
        refused(&s, |s| s.add_resource(bad_region)),
        "region-invalid"
    );
    // The same name in another kind is fine.
    s.add_resource(Resource::new(ResourceKind::SqsQueue, "example-bucket"))
        .unwrap();

    s.set_resource_policy(kind, "example-bucket", Some(ALLOW_S3))
        .unwrap();
    assert_eq!(
        s.resource(kind, "example-bucket")
            .unwrap()
            .policy
            .as_deref(),
        Some(ALLOW_S3)
    );
    assert_eq!(
        refused(&s, |s| s.set_resource_policy(kind, "nope", None)),
        "unknown-resource"
    );

    // Renaming rewrites test resources under the bucket.
    s.rename_resource(kind, "example-bucket", "renamed-bucket")
        .unwrap();
    assert_eq!(s.tests[0].resource, "arn:aws:s3:::renamed-bucket/a.txt");
    assert_eq!(
        refused(&s, |s| s.rename_resource(kind, "nope", "x-y-z")),
        "unknown-resource"
    );

    s.duplicate_resource(kind, "renamed-bucket", "copy-bucket")
        .unwrap();
    assert_eq!(
        s.resource(kind, "copy-bucket").unwrap().policy.as_deref(),
        Some(ALLOW_S3)
    );
    assert_eq!(
        refused(&s, |s| s.duplicate_resource(
            kind,
            "renamed-bucket",
            "copy-bucket"
        )),
        "name-duplicate"
    );
    s.delete_resource(kind, "copy-bucket").unwrap();
    assert_eq!(
        refused(&s, |s| s.delete_resource(kind, "copy-bucket")),
        "unknown-resource"
    );
}

#[test]
fn test_and_external_edits() {
    let mut s = base();
    let t = s.tests[0].clone();
    let mut bad = t.clone();
    bad.label = " ".into();
    assert_eq!(refused(&s, |s| s.add_test(bad)), "test-label-empty");
    let mut bad = t.clone();
    bad.principal = PrincipalRef::User("nobody".into());
    assert_eq!(refused(&s, |s| s.add_test(bad)), "unknown-principal");
    let mut bad = t.clone();
    bad.principal = PrincipalRef::Other("someone".into());
    assert_eq!(refused(&s, |s| s.add_test(bad)), "unknown-principal");
    let mut bad = t.clone();
    bad.action = "GetObject".into();
    assert_eq!(refused(&s, |s| s.add_test(bad)), "test-action-invalid");
    let mut other = t.clone();
    other.label = "changed".into();
    s.update_test(0, other).unwrap();
    assert_eq!(s.tests[0].label, "changed");
    assert_eq!(refused(&s, |s| s.update_test(9, t.clone())), "unknown-test");
    s.remove_test(1).unwrap();
    assert_eq!(refused(&s, |s| s.remove_test(1)), "unknown-test");

    let ext = ExternalPrincipal {
        arn: "arn:aws:iam::444455556666:user/partner".into(),
        policies: vec![InlinePolicy {
            name: "P".into(),
            document: ALLOW_S3.into(),
        }],
    };
    s.add_external_principal(ext.clone()).unwrap();
    assert_eq!(
        refused(&s, |s| s.add_external_principal(ext.clone())),
        "name-duplicate"
    );
    let same = ExternalPrincipal {
        arn: "arn:aws:iam::111122223333:user/bob".into(),
        policies: Vec::new(),
    };
    assert_eq!(
        refused(&s, |s| s.add_external_principal(same)),
        "external-same-account"
    );
    let root = ExternalPrincipal {
        arn: "arn:aws:iam::444455556666:root".into(),
        policies: Vec::new(),
    };
    assert_eq!(
        refused(&s, |s| s.add_external_principal(root)),
        "external-arn-invalid"
    );
    let mut changed = ext.clone();
    changed.policies.clear();
    s.update_external_principal(&ext.arn, changed).unwrap();
    assert!(s.external_principals[0].policies.is_empty());
    assert_eq!(
        refused(&s, |s| s.update_external_principal("x", ext.clone())),
        "unknown-external"
    );
    s.remove_external_principal(&ext.arn).unwrap();
    assert_eq!(
        refused(&s, |s| s.remove_external_principal(&ext.arn)),
        "unknown-external"
    );
}

// ---------------------------------------------------------------------------------------------
// Findings and quotas.

fn codes(findings: &[Finding]) -> Vec<&str> {
    findings.iter().map(|f| f.code.as_str()).collect()
}

#[test]
fn best_practice_findings() {
    let mut s = Scenario::new("111122223333");
    s.root_user = RootUser {
        password: true,
        mfa: false,
        access_keys: true,
    };
    s.add_group(Group::new("Admins")).unwrap();
    s.attach_policy(
        &IdentityRef::Group("Admins".into()),
        PolicyRef::aws("AdministratorAccess"),
    )
    .unwrap();
    s.add_group(Group::new("Empty")).unwrap();
    let mut u = User::new("alice");
    u.login_profile = Some(LoginProfile {
        password_reset_required: false,
    });
    u.access_keys = vec![
        AccessKey {
            age_days: 91,
            active: true,
        },
        AccessKey {
            age_days: 400,
            active: false,
        },
    ];
    u.groups = vec!["Admins".into()];
    s.add_user(u).unwrap();
    s.add_user(User::new("bob")).unwrap();
    s.put_inline_policy(&IdentityRef::User("bob".into()), "Everything", ADMIN_DOC)
        .unwrap();
    s.add_user(User::new("carol")).unwrap();
    s.add_user_to_group("carol", "Admins").unwrap();
    let open_trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#;
    s.add_role(Role::new("Open", open_trust)).unwrap();
    let f = s.best_practices();
    let c = codes(&f);
    for code in [
        "root-no-mfa",
        "root-access-keys",
        "user-direct-policies",
        "admin-granted-to-user",
        "admin-granted-broadly",
        "console-user-no-mfa",
        "console-user-no-password-reset",
        "stale-access-key",
        "empty-group",
        "group-without-policies",
        "role-trusts-anyone",
        "user-console-and-keys",
    ] {
        assert!(c.contains(&code), "{code} missing from {c:?}");
    }
    // The inactive old key is not stale; only one stale finding.
    assert_eq!(c.iter().filter(|x| **x == "stale-access-key").count(), 1);
    let direct = f
        .iter()
        .find(|f| f.code == "admin-granted-to-user")
        .unwrap();
    assert_eq!(direct.target, Target::User { name: "bob".into() });
    let broad = f
        .iter()
        .find(|f| f.code == "admin-granted-broadly")
        .unwrap();
    assert!(
        broad.message.contains("user alice") && broad.message.contains("user carol"),
        "{}",
        broad.message
    );

    // Fix everything and the findings go away.
    s.root_user = RootUser {
        password: true,
        mfa: true,
        access_keys: false,
    };
    s.delete_user("bob").unwrap();
    s.delete_group("Empty").unwrap();
    s.delete_role("Open").unwrap();
    let mut alice = s.user("alice").unwrap().clone();
    alice.mfa = true;
    alice.login_profile = Some(LoginProfile {
        password_reset_required: true,
    });
    alice.access_keys.clear();
    s.update_user("alice", alice).unwrap();
    assert!(s.best_practices().is_empty(), "{:#?}", s.best_practices());
}

#[test]
fn conditions_and_not_actions_are_not_full_admin() {
    use super::findings::grants_full_admin;
    assert!(grants_full_admin(ADMIN_DOC));
    assert!(grants_full_admin(
        r#"{"Statement":[{"Effect":"Allow","Action":["*:*"],"Resource":["*"]}]}"#
    ));
    assert!(!grants_full_admin(
        r#"{"Statement":[{"Effect":"Allow","NotAction":"*","Resource":"*"}]}"#
    ));
    assert!(!grants_full_admin(
        r#"{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#
    ));
    assert!(!grants_full_admin(
        r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}"#
    ));
    assert!(!grants_full_admin(
        r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#
    ));
    assert!(!grants_full_admin("not json"));
}

#[test]
fn trust_with_condition_is_not_open() {
    let mut s = Scenario::new("111122223333");
    let conditioned = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}}]}"#;
    s.add_role(Role::new("Org", conditioned)).unwrap();
    assert!(!codes(&s.best_practices()).contains(&"role-trusts-anyone"));
}

#[test]
fn validation_points_at_the_problem() {
    let text = r#"{
      "formatVersion": 1,
      "account": {"id": "12345", "alias": "Bad"},
      "users": [
        {"name": "a b", "groups": ["Ghost"], "managedPolicies": ["Missing"]},
        {"name": "dup"}, {"name": "DUP"}
      ],
      "groups": [{"name": "G", "inlinePolicies": [{"name": "P", "document": "{\"Statement\": [}"}]}],
      "tests": [{"label": "t", "principal": "user/ghost", "action": "s3:GetObject", "expected": "allowed"}]
    }"#;
    let s = Scenario::from_json(text).unwrap();
    assert!(!s.is_valid());
    let f = s.validate();
    let c = codes(&f);
    for code in [
        "account-id-invalid",
        "alias-invalid",
        "name-invalid",
        "unknown-group",
        "unknown-policy",
        "name-duplicate",
        "unknown-principal",
    ] {
        assert!(c.contains(&code), "{code} missing from {c:?}");
    }
    let json = f
        .iter()
        .find(|f| {
            f.document == Some(DocumentRef::Inline { name: "P".into() })
                && f.severity == Severity::Error
        })
        .expect("a policy diagnostic");
    assert_eq!(json.target, Target::Group { name: "G".into() });
    assert!(json.span.is_some());
    let dup = f.iter().find(|f| f.code == "name-duplicate").unwrap();
    assert!(matches!(&dup.target, Target::User { name } if name.eq_ignore_ascii_case("dup")));
}

#[test]
fn quota_meters() {
    let mut s = base();
    let bob = IdentityRef::User("bob".into());
    s.put_inline_policy(&bob, "S3", ALLOW_S3).unwrap();
    s.attach_policy(&bob, PolicyRef::aws("ReadOnlyAccess"))
        .unwrap();
    let m = s.quota_meters(&Target::User { name: "bob".into() });
    let inline = m.iter().find(|m| m.label.starts_with("Inline")).unwrap();
    assert_eq!((inline.used, inline.limit), (policy_size(ALLOW_S3), 2048));
    let managed = m.iter().find(|m| m.label.starts_with("Managed")).unwrap();
    assert_eq!((managed.used, managed.limit), (1, 10));
    assert!(managed.note.is_some_and(|n| n.contains("20")));
    assert!(!managed.exceeded());
    let g = s.quota_meters(&Target::Group {
        name: "Developers".into(),
    });
    assert_eq!(
        g.iter().map(|m| m.limit).collect::<Vec<_>>(),
        vec![10, 5120]
    );
    let r = s.quota_meters(&Target::Role {
        name: "Deploy".into(),
    });
    assert!(
        r.iter()
            .any(|m| m.limit == 2048 && m.used == policy_size(TRUST_ACCOUNT))
    );
    assert!(r.iter().any(|m| m.limit == 10240));
    let p = s.quota_meters(&Target::Policy {
        name: "S3Full".into(),
    });
    assert_eq!(p[0].limit, 6144);
    assert_eq!(s.quota_meters(&Target::Account).len(), 4);
    assert!(
        s.quota_meters(&Target::User {
            name: "nobody".into()
        })
        .is_empty()
    );
    s.set_organization(Some(org(2, 1))).unwrap();
    assert_eq!(s.quota_meters(&Target::Organization).len(), 2);
}

// ---------------------------------------------------------------------------------------------
// The gallery.

#[test]
fn every_gallery_example_loads_validates_and_round_trips() {
    let g = gallery();
    assert_eq!(g.len(), gallery::GALLERY_LEN);
    let ids: Vec<&str> = g.iter().map(|e| e.id).collect();
    for id in [
        "root-vs-admin",
        "least-privilege-groups",
        "forced-password-change",
        "mfa-required",
        "cross-account-role",
        "permissions-boundary",
        "scp-guardrail",
        "seed-admin-template",
        "passrole-lambda-admin",
        "passrole-lambda-admin-fixed",
    ] {
        assert!(ids.contains(&id), "{id}");
        assert!(gallery_entry(id).is_some() && gallery_json(id).is_some());
    }
    assert!(gallery_entry("nope").is_none());
    for e in &g {
        assert!(
            !e.title.is_empty() && !e.summary.is_empty() && !e.claim.is_empty(),
            "{}",
            e.id
        );
        assert!(!e.scenario.tests.is_empty(), "{} has no saved tests", e.id);
        let problems: Vec<Finding> = e
            .scenario
            .validate()
            .into_iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        assert!(problems.is_empty(), "{}: {problems:#?}", e.id);
        for task in e.root_only_tasks {
            assert!(crate::root_tasks::root_only_task(task).is_some(), "{task}");
        }
        assert_eq!(
            Scenario::from_json(&e.scenario.to_json_pretty()).unwrap(),
            e.scenario,
            "{}",
            e.id
        );
        assert_eq!(
            Scenario::from_json(&e.scenario.to_json()).unwrap(),
            e.scenario,
            "{}",
            e.id
        );
    }
}

#[test]
fn the_passrole_examples_differ_only_where_the_fix_is() {
    // The vulnerable example's findings (as the app lists them) flag iam:PassRole on "*"; its
    // fixed twin's do not.
    let codes = |id: &str| -> Vec<String> {
        gallery_entry(id)
            .unwrap()
            .scenario
            .findings_with_catalog(None)
            .into_iter()
            .map(|f| f.code)
            .collect()
    };
    assert!(
        codes("passrole-lambda-admin")
            .iter()
            .any(|c| c == "security-passrole-star")
    );
    assert!(
        !codes("passrole-lambda-admin-fixed")
            .iter()
            .any(|c| c == "security-passrole-star")
    );
    // Both hold the same principals; only the developers' policy changes.
    let vulnerable = gallery_entry("passrole-lambda-admin").unwrap().scenario;
    let fixed = gallery_entry("passrole-lambda-admin-fixed")
        .unwrap()
        .scenario;
    assert_eq!(vulnerable.users, fixed.users);
    assert_eq!(vulnerable.groups, fixed.groups);
    assert_eq!(vulnerable.roles, fixed.roles);
    assert_ne!(vulnerable.policies, fixed.policies);
}

#[test]
fn gallery_policies_parse_without_errors() {
    use crate::policy::parse_policy;
    for e in gallery() {
        for doc in e.scenario.policy_texts() {
            let parsed = parse_policy(doc.text, doc.policy_type);
            assert!(
                parsed.diagnostics.is_empty(),
                "{} {:?} {:?}: {:#?}\n{}",
                e.id,
                doc.target,
                doc.document,
                parsed.diagnostics,
                doc.text
            );
        }
    }
}

#[test]
fn gallery_saved_tests_give_aws_decisions() {
    let managed = managed();
    let mut failures = Vec::new();
    let mut count = 0;
    for e in gallery() {
        for o in run_tests(
            &e.scenario,
            Some(&managed),
            &crate::workbench::CompileCache::new(),
        ) {
            count += 1;
            let warnings = o
                .evaluation
                .as_ref()
                .map(|e| e.warnings.clone())
                .unwrap_or_default();
            if !o.passed || !warnings.is_empty() {
                failures.push(format!(
                    "{} / {}: expected {:?}, got {:?} {:?} {:?}",
                    e.id, o.label, o.expected, o.actual, o.error, warnings
                ));
            }
        }
    }
    assert!(count >= 40, "{count}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn gallery_files_are_in_canonical_form() {
    // Saving an example unchanged gives the file back byte for byte, so exports and share
    // links of the examples are stable and the files read like the writer's output.
    for e in gallery() {
        let stored = gallery_json(e.id).unwrap();
        assert_eq!(
            stored,
            format!("{}\n", e.scenario.to_json_pretty()),
            "{}",
            e.id
        );
    }
}

#[test]
fn the_seed_template_is_what_the_template_intends() {
    let s = gallery_entry("seed-admin-template").unwrap().scenario;
    let group = s.group("administrators").unwrap();
    assert_eq!(
        group.managed_policies,
        vec![PolicyRef::aws("AdministratorAccess")]
    );
    let admin = s.user("admin").unwrap();
    assert_eq!(admin.groups, vec!["administrators".to_string()]);
    assert_eq!(
        admin.login_profile,
        Some(LoginProfile {
            password_reset_required: true
        })
    );
    assert_eq!(
        admin.managed_policies,
        vec![PolicyRef::aws("IAMUserChangePassword")]
    );
    assert_eq!((admin.path.as_str(), group.path.as_str()), ("/", "/"));
}

// ---------------------------------------------------------------------------------------------
// The simulation glue.

#[test]
fn every_deciding_statement_can_be_located() {
    use crate::workbench::simulate::PolicyLocation;
    let managed = managed();
    let mut located = 0;
    for e in gallery() {
        for o in run_tests(
            &e.scenario,
            Some(&managed),
            &crate::workbench::CompileCache::new(),
        ) {
            let result = o.evaluation.unwrap();
            let ev = &result.evaluation;
            for st in ev
                .matched_statements
                .iter()
                .chain(ev.candidates.iter().map(|c| &c.statement))
            {
                let loc = result
                    .locate(&st.policy_id)
                    .unwrap_or_else(|| panic!("{}: cannot locate {}", e.id, st.policy_id));
                if let PolicyLocation::Scenario { target, document } = &loc {
                    // The span lies inside the located text.
                    let text = document_text(&e.scenario, target, document).expect("text");
                    assert!(st.span.end <= text.len(), "{} {:?}", st.policy_id, st.span);
                }
                // The typed source's text is the located one.
                let source = result.source(&st.policy_id).unwrap();
                let text = source.text(&e.scenario, Some(&managed)).unwrap();
                assert!(st.span.end <= text.len(), "{} {:?}", st.policy_id, st.span);
                located += 1;
            }
        }
    }
    assert!(located > 40, "{located}");
    // An id that no policy of the evaluation has is not located.
    let s = base();
    let cache = crate::workbench::CompileCache::new();
    let result = evaluate_request(
        &s,
        Some(&managed),
        &cache,
        &PrincipalRef::Root,
        "s3:ListBucket",
        "*",
        &[],
    )
    .unwrap();
    for bad in ["", "nonsense", "user/x", "scp/a/b", "resource/nope/x"] {
        assert_eq!(result.locate(bad), None, "{bad}");
    }
}

/// The text a located policy points at.
fn document_text<'a>(s: &'a Scenario, target: &Target, document: &DocumentRef) -> Option<&'a str> {
    let inline = |list: &'a [InlinePolicy], name: &str| {
        list.iter()
            .find(|p| p.name == name)
            .map(|p| p.document.as_str())
    };
    match (target, document) {
        (Target::User { name }, DocumentRef::Inline { name: p }) => {
            inline(&s.user(name)?.inline_policies, p)
        }
        (Target::Group { name }, DocumentRef::Inline { name: p }) => {
            inline(&s.group(name)?.inline_policies, p)
        }
        (Target::Role { name }, DocumentRef::Inline { name: p }) => {
            inline(&s.role(name)?.inline_policies, p)
        }
        (Target::Role { name }, DocumentRef::Trust) => Some(s.role(name)?.trust_policy.as_str()),
        (Target::Policy { name }, DocumentRef::Managed) => Some(s.policy(name)?.document.as_str()),
        (
            Target::Resource {
                resource_kind,
                name,
            },
            DocumentRef::ResourcePolicy,
        ) => s.resource(*resource_kind, name)?.policy.as_deref(),
        (Target::Organization, DocumentRef::Scp { level, index }) => Some(
            s.organization
                .as_ref()?
                .levels
                .get(*level)?
                .scps
                .get(*index)?
                .document
                .as_str(),
        ),
        (Target::ExternalPrincipal { arn }, DocumentRef::Inline { name: p }) => inline(
            &s.external_principals
                .iter()
                .find(|e| &e.arn == arn)?
                .policies,
            p,
        ),
        _ => None,
    }
}

#[test]
fn arns_of_scenario_principals_are_those_principals() {
    let s = gallery_entry("least-privilege-groups").unwrap().scenario;
    let m = managed();
    let by_arn = PrincipalRef::Other("arn:aws:iam::111122223333:user/dev-dana".into());
    let e = evaluate_request(
        &s,
        Some(&m),
        &crate::workbench::CompileCache::new(),
        &by_arn,
        "ec2:RunInstances",
        "*",
        &[],
    )
    .unwrap();
    assert_eq!(e.evaluation.decision, Decision::Allowed);
    let unknown = PrincipalRef::Other("arn:aws:iam::111122223333:user/stranger".into());
    let e = evaluate_request(
        &s,
        Some(&m),
        &crate::workbench::CompileCache::new(),
        &unknown,
        "ec2:RunInstances",
        "*",
        &[],
    )
    .unwrap();
    assert_eq!(e.evaluation.decision, Decision::ImplicitDeny);
}

#[test]
fn aws_managed_references_are_checked_against_the_list() {
    let mut s = base();
    s.attach_policy(
        &IdentityRef::User("bob".into()),
        PolicyRef::aws("ReadOnlyAccess"),
    )
    .unwrap();
    s.attach_policy(
        &IdentityRef::Group("Developers".into()),
        PolicyRef::aws("ReadOnlyAcces"),
    )
    .unwrap();
    let f = s.unknown_aws_policies(&managed());
    assert_eq!(codes(&f), vec!["unknown-aws-policy"]);
    assert_eq!(
        f[0].target,
        Target::Group {
            name: "Developers".into()
        }
    );
    for e in gallery() {
        assert!(
            e.scenario.unknown_aws_policies(&managed()).is_empty(),
            "{}",
            e.id
        );
    }
}

#[test]
fn a_wrong_expectation_fails() {
    let mut s = gallery_entry("root-vs-admin").unwrap().scenario;
    s.tests[0].expected = ExpectedDecision::ImplicitDeny;
    let outcomes = run_tests(&s, Some(&managed()), &crate::workbench::CompileCache::new());
    assert!(!outcomes[0].passed);
    assert_eq!(outcomes[0].actual, Some(Decision::Allowed));
}

#[test]
fn missing_managed_policies_are_reported() {
    let s = gallery_entry("seed-admin-template").unwrap().scenario;
    let e = evaluate_request(
        &s,
        None,
        &crate::workbench::CompileCache::new(),
        &PrincipalRef::User("admin".into()),
        "iam:CreateUser",
        "*",
        &[],
    )
    .unwrap();
    assert_eq!(e.evaluation.decision, Decision::ImplicitDeny);
    assert_eq!(e.warnings.len(), 2, "{:?}", e.warnings);
    assert!(e.warnings[0].contains("not loaded"));
}

#[test]
fn unknown_principals_are_errors() {
    let s = base();
    let err = evaluate_request(
        &s,
        None,
        &crate::workbench::CompileCache::new(),
        &PrincipalRef::User("ghost".into()),
        "s3:GetObject",
        "*",
        &[],
    )
    .unwrap_err();
    assert_eq!(err.code, "unknown-principal");
    assert!(
        evaluate_request(
            &s,
            None,
            &crate::workbench::CompileCache::new(),
            &PrincipalRef::Role("ghost".into()),
            "s3:GetObject",
            "*",
            &[]
        )
        .is_err()
    );
    assert!(
        evaluate_request(
            &s,
            None,
            &crate::workbench::CompileCache::new(),
            &PrincipalRef::Other("nobody".into()),
            "s3:GetObject",
            "*",
            &[]
        )
        .is_err()
    );
    let mut s = s;
    s.tests.push(TestCase {
        label: "ghost".into(),
        principal: PrincipalRef::User("ghost".into()),
        action: "s3:GetObject".into(),
        resource: "*".into(),
        context: Vec::new(),
        expected: ExpectedDecision::Allowed,
    });
    let outcome = run_tests(&s, None, &crate::workbench::CompileCache::new())
        .pop()
        .unwrap();
    assert!(!outcome.passed && outcome.error.is_some() && outcome.actual.is_none());
}

#[test]
fn glue_uses_tags_resource_policies_kms_defaults_and_rcps() {
    let mut s = base();
    // A tag-based policy: principal tags come from the user's tags.
    let tagged = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}}]}"#;
    let mut bob = s.user("bob").unwrap().clone();
    bob.tags = vec![Tag {
        key: "team".into(),
        value: "blue".into(),
    }];
    s.update_user("bob", bob).unwrap();
    s.put_inline_policy(&IdentityRef::User("bob".into()), "Team", tagged)
        .unwrap();
    let mut q = Resource::new(ResourceKind::SqsQueue, "jobs");
    q.tags = vec![Tag {
        key: "team".into(),
        value: "blue".into(),
    }];
    s.add_resource(q).unwrap();
    let mut other = Resource::new(ResourceKind::SqsQueue, "other");
    other.tags = vec![Tag {
        key: "team".into(),
        value: "red".into(),
    }];
    s.add_resource(other).unwrap();
    let bob_ref = PrincipalRef::User("bob".into());
    let decide = |s: &Scenario, p: &PrincipalRef, action: &str, resource: &str| {
        evaluate_request(
            s,
            None,
            &crate::workbench::CompileCache::new(),
            p,
            action,
            resource,
            &[],
        )
        .unwrap()
        .evaluation
        .decision
    };
    assert_eq!(
        decide(
            &s,
            &bob_ref,
            "sqs:SendMessage",
            "arn:aws:sqs:us-east-1:111122223333:jobs"
        ),
        Decision::Allowed
    );
    assert_eq!(
        decide(
            &s,
            &bob_ref,
            "sqs:SendMessage",
            "arn:aws:sqs:us-east-1:111122223333:other"
        ),
        Decision::ImplicitDeny
    );

    // A bucket policy that names the user grants on its own in the same account.
    let bucket_policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::example-bucket/*"}]}"#;
    s.set_resource_policy(
        ResourceKind::S3Bucket,
        "example-bucket",
        Some(bucket_policy),
    )
    .unwrap();
    let alice = PrincipalRef::User("alice".into());
    assert_eq!(
        decide(
            &s,
            &alice,
            "s3:GetObject",
            "arn:aws:s3:::example-bucket/a.txt"
        ),
        Decision::Allowed
    );
    assert_eq!(
        decide(
            &s,
            &alice,
            "s3:GetObject",
            "arn:aws:s3:::example-bucket-2/a.txt"
        ),
        Decision::ImplicitDeny
    );

    // A KMS key without a policy gets the default key policy: IAM policies decide.
    s.add_resource(Resource::new(
        ResourceKind::KmsKey,
        "1234abcd-12ab-34cd-56ef-1234567890ab",
    ))
    .unwrap();
    s.attach_policy(
        &IdentityRef::User("alice".into()),
        PolicyRef::aws("AdministratorAccess"),
    )
    .unwrap();
    let key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let m = managed();
    let with_catalog = |s: &Scenario, p: &PrincipalRef, action: &str, resource: &str| {
        evaluate_request(
            s,
            Some(&m),
            &crate::workbench::CompileCache::new(),
            p,
            action,
            resource,
            &[],
        )
        .unwrap()
        .evaluation
        .decision
    };
    assert_eq!(
        with_catalog(&s, &alice, "kms:Decrypt", key),
        Decision::Allowed
    );
    // A key policy that does not enable IAM policies refuses even an administrator.
    let closed = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/bob"},"Action":"kms:*","Resource":"*"}]}"#;
    s.set_resource_policy(
        ResourceKind::KmsKey,
        "1234abcd-12ab-34cd-56ef-1234567890ab",
        Some(closed),
    )
    .unwrap();
    assert_eq!(
        with_catalog(&s, &alice, "kms:Decrypt", key),
        Decision::ImplicitDeny
    );

    // An RCP that denies requests from outside the organization applies to this account's
    // resources; RCPFullAWSAccess is added on every level.
    let rcp = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalAccount":"111122223333"}}}]}"#;
    let mut o = org(2, 1);
    o.levels[1].rcps.push(OrgPolicy {
        name: "OnlyUs".into(),
        document: rcp.into(),
    });
    s.set_organization(Some(o)).unwrap();
    assert_eq!(
        with_catalog(
            &s,
            &alice,
            "s3:GetObject",
            "arn:aws:s3:::example-bucket/a.txt"
        ),
        Decision::Allowed
    );
    let outsider = PrincipalRef::Other("arn:aws:iam::444455556666:user/x".into());
    assert_eq!(
        with_catalog(
            &s,
            &outsider,
            "s3:GetObject",
            "arn:aws:s3:::example-bucket/a.txt"
        ),
        Decision::ExplicitDeny
    );
}

// ---------------------------------------------------------------------------------------------
// Property tests.

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn name() -> impl Strategy<Value = String> {
        "[A-Za-z0-9+=,.@_-]{1,12}"
    }

    fn text() -> impl Strategy<Value = String> {
        // Policy text is arbitrary: any characters, including quotes, newlines and unicode.
        any::<String>()
    }

    fn policy_ref() -> impl Strategy<Value = PolicyRef> {
        prop_oneof![
            name().prop_map(PolicyRef::Customer),
            name().prop_map(|n| PolicyRef::aws(&n)),
        ]
    }

    fn inline() -> impl Strategy<Value = InlinePolicy> {
        (name(), text()).prop_map(|(name, document)| InlinePolicy { name, document })
    }

    fn tag() -> impl Strategy<Value = Tag> {
        (name(), ".{0,8}").prop_map(|(key, value)| Tag { key, value })
    }

    fn user() -> impl Strategy<Value = User> {
        (
            name(),
            prop_oneof![Just("/".to_string()), "/[a-z]{1,5}/"],
            proptest::option::of(any::<bool>().prop_map(|r| LoginProfile {
                password_reset_required: r,
            })),
            any::<bool>(),
            proptest::collection::vec(
                (0u32..2000, any::<bool>())
                    .prop_map(|(age_days, active)| AccessKey { age_days, active }),
                0..3,
            ),
            proptest::collection::vec(tag(), 0..3),
            proptest::collection::vec(name(), 0..3),
            proptest::collection::vec(inline(), 0..2),
            proptest::collection::vec(policy_ref(), 0..3),
            proptest::option::of(policy_ref()),
        )
            .prop_map(
                |(
                    name,
                    path,
                    login_profile,
                    mfa,
                    access_keys,
                    tags,
                    groups,
                    inline_policies,
                    managed_policies,
                    permissions_boundary,
                )| User {
                    name,
                    path,
                    login_profile,
                    mfa,
                    access_keys,
                    tags,
                    groups,
                    inline_policies,
                    managed_policies,
                    permissions_boundary,
                },
            )
    }

    fn role() -> impl Strategy<Value = Role> {
        (
            name(),
            text(),
            ".{0,20}",
            3600u32..=43200,
            proptest::collection::vec(inline(), 0..2),
            proptest::option::of(policy_ref()),
        )
            .prop_map(
                |(
                    name,
                    trust,
                    description,
                    max_session_duration,
                    inline_policies,
                    permissions_boundary,
                )| Role {
                    description,
                    max_session_duration,
                    inline_policies,
                    permissions_boundary,
                    ..Role::new(name, trust)
                },
            )
    }

    fn resource() -> impl Strategy<Value = Resource> {
        (
            prop_oneof![
                Just(ResourceKind::S3Bucket),
                Just(ResourceKind::SqsQueue),
                Just(ResourceKind::SnsTopic),
                Just(ResourceKind::KmsKey)
            ],
            name(),
            proptest::option::of("[a-z]{2}-[a-z]{4}-[1-3]"),
            proptest::option::of(text()),
        )
            .prop_map(|(kind, name, region, policy)| Resource {
                kind,
                name,
                region,
                tags: Vec::new(),
                policy,
                service_name: None,
            })
    }

    fn test_case() -> impl Strategy<Value = TestCase> {
        (
            ".{0,10}",
            prop_oneof![
                Just(PrincipalRef::Root),
                name().prop_map(PrincipalRef::User),
                name().prop_map(PrincipalRef::Role),
                Just(PrincipalRef::Other(
                    "arn:aws:iam::444455556666:user/x".into()
                )),
            ],
            "[a-z0-9]{1,5}:[A-Za-z*]{1,8}",
            prop_oneof![Just("*".to_string()), "arn:aws:s3:::[a-z]{3,8}/.{0,5}"],
            proptest::collection::vec(
                (name(), proptest::collection::vec(".{0,5}", 0..3)).prop_map(|(key, values)| {
                    ContextValue {
                        key,
                        ty: crate::context::ContextKeyType::StringList,
                        values,
                    }
                }),
                0..2,
            ),
            prop_oneof![
                Just(ExpectedDecision::Allowed),
                Just(ExpectedDecision::ExplicitDeny),
                Just(ExpectedDecision::ImplicitDeny)
            ],
        )
            .prop_map(
                |(label, principal, action, resource, context, expected)| TestCase {
                    label,
                    principal,
                    action,
                    resource,
                    context,
                    expected,
                },
            )
    }

    fn scenario() -> impl Strategy<Value = Scenario> {
        (
            "[0-9]{12}",
            proptest::option::of("[a-z]{3,10}"),
            ".{0,10}",
            any::<(bool, bool, bool)>(),
            proptest::collection::vec(user(), 0..3),
            proptest::collection::vec(
                (
                    name(),
                    proptest::collection::vec(inline(), 0..2),
                    proptest::collection::vec(policy_ref(), 0..2),
                ),
                0..3,
            ),
            proptest::collection::vec(role(), 0..2),
            proptest::collection::vec((name(), text(), ".{0,10}"), 0..2),
            proptest::collection::vec(resource(), 0..2),
            proptest::collection::vec(test_case(), 0..3),
            proptest::option::of((
                any::<bool>(),
                proptest::collection::vec(
                    (name(), proptest::collection::vec((name(), text()), 0..2)),
                    2..4,
                ),
            )),
        )
            .prop_map(
                |(
                    id,
                    alias,
                    title,
                    (password, mfa, access_keys),
                    users,
                    groups,
                    roles,
                    policies,
                    resources,
                    tests,
                    org,
                )| {
                    let mut s = Scenario::new(id);
                    s.account.alias = alias;
                    s.title = title;
                    s.root_user = RootUser {
                        password,
                        mfa,
                        access_keys,
                    };
                    s.users = users;
                    s.groups = groups
                        .into_iter()
                        .map(|(name, inline_policies, managed_policies)| Group {
                            inline_policies,
                            managed_policies,
                            ..Group::new(name)
                        })
                        .collect();
                    s.roles = roles;
                    s.policies = policies
                        .into_iter()
                        .map(|(name, document, description)| ManagedPolicy {
                            description,
                            ..ManagedPolicy::new(name, document)
                        })
                        .collect();
                    s.resources = resources;
                    s.tests = tests;
                    s.organization = org.map(|(management_account, levels)| Organization {
                        management_account,
                        levels: levels
                            .into_iter()
                            .map(|(name, scps)| OrgLevel {
                                name,
                                scps: scps
                                    .into_iter()
                                    .map(|(name, document)| OrgPolicy { name, document })
                                    .collect(),
                                rcps: Vec::new(),
                            })
                            .collect(),
                    });
                    s
                },
            )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn json_round_trip(s in scenario()) {
            prop_assert_eq!(Scenario::from_json(&s.to_json_pretty()).unwrap(), s.clone());
            prop_assert_eq!(Scenario::from_json(&s.to_json()).unwrap(), s);
        }

        #[test]
        fn loading_arbitrary_text_never_panics(text in any::<String>()) {
            let _ = Scenario::from_json(&text);
        }

        #[test]
        fn loading_mangled_scenarios_never_panics(s in scenario(), cut in any::<prop::sample::Index>(), junk in ".{0,3}") {
            let text = s.to_json();
            let at = cut.index(text.len() + 1);
            if let (Some(head), Some(tail)) = (text.get(..at), text.get(at..)) {
                let _ = Scenario::from_json(&format!("{head}{junk}{tail}"));
                let _ = Scenario::from_json(head);
            }
        }

        #[test]
        fn refused_edits_leave_the_scenario_unchanged(
            s in scenario(),
            edits in proptest::collection::vec((0usize..10, name(), name(), text()), 1..8),
        ) {
            let mut s = s;
            for (op, a, b, doc) in edits {
                let before = s.clone();
                let result = match op {
                    0 => s.add_user(User::new(a)),
                    1 => s.rename_user(&a, &b),
                    2 => s.delete_group(&a),
                    3 => s.attach_policy(&IdentityRef::User(a), PolicyRef::Customer(b)),
                    4 => s.put_inline_policy(&IdentityRef::Group(a), &b, &doc),
                    5 => s.add_user_to_group(&a, &b),
                    6 => s.rename_policy(&a, &b),
                    7 => s.set_trust_policy(&a, &doc),
                    8 => s.add_group(Group::new(a)),
                    _ => s.remove_test(a.len()),
                };
                if result.is_err() {
                    prop_assert_eq!(&s, &before);
                }
                // Findings never panic, whatever the edits made.
                let _ = s.findings();
            }
        }
    }
}

#[test]
fn a_byte_order_mark_is_accepted() {
    let text = format!("\u{feff}{}", Scenario::new("111122223333").to_json_pretty());
    assert_eq!(
        Scenario::from_json(&text).map(|s| s.account.id),
        Ok("111122223333".to_string())
    );
}

#[test]
fn a_lone_surrogate_is_named_with_its_place() {
    for (escape, after) in [
        ("\\uD800", "\""),
        ("\\udc00", "x\""),
        ("\\uD83D", "\\u0041\""),
    ] {
        let mut scenario = Scenario::new("111122223333");
        scenario.title = "TITLE".to_string();
        let text = scenario
            .to_json_pretty()
            .replace("\"TITLE\"", &format!("\"a{escape}{after}"));
        let line = text.lines().position(|l| l.contains(escape)).unwrap() + 1;
        let column = text.lines().nth(line - 1).unwrap().find(escape).unwrap() + 1;
        let e = Scenario::from_json(&text).unwrap_err();
        assert_eq!(e.code, "scenario-syntax");
        assert!(
            e.message.contains(&format!(
                "lone surrogate {escape} in a string at {line}:{column}"
            )),
            "{escape}: {}",
            e.message
        );
        assert_eq!((e.line, e.column), (Some(line), Some(column)));
    }
}

#[test]
fn errors_quote_a_short_prefix_of_the_input() {
    let long = "x".repeat(1_000_000);
    let text = format!("{{\"formatVersion\": 1, \"title\": 7, \"{long}\": 1}}");
    let e = Scenario::from_json(&text).unwrap_err();
    assert!(e.message.len() < 2_000, "{}", e.message.len());
}

#[test]
fn every_policy_text_is_found_by_its_name() {
    let mut s = base();
    s.put_inline_policy(&IdentityRef::Group("Developers".into()), "Dev", ALLOW_S3)
        .unwrap();
    let texts = s.policy_texts();
    assert!(texts.len() >= 2);
    for text in &texts {
        let found = s.policy_text_named(&format!(" {} ", text.name())).unwrap();
        assert_eq!(
            (found.target, found.document),
            (text.target.clone(), text.document.clone())
        );
    }
    assert!(
        texts
            .iter()
            .any(|t| t.name() == "inline policy Dev of group Developers")
    );
    assert!(s.policy_text_named("policy Nope").is_none());
    assert!(s.policy_text_named("").is_none());
}

/// A scenario with user alice (allowed all of S3) and a VPC endpoint whose policy allows
/// reads of bucket `reports` only.
fn endpoint_scenario() -> Scenario {
    let mut s = Scenario::new("111122223333");
    let mut u = User::new("alice");
    u.inline_policies.push(InlinePolicy {
        name: "S3".into(),
        document: ALLOW_S3.into(),
    });
    s.add_user(u).unwrap();
    let mut e = Resource::vpc_endpoint("vpce-0a1b2c3d4e5f60718", "s3", &s.account);
    e.policy = Some(r#"{"Version":"2012-10-17","Statement":[{"Sid":"Reads","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"}]}"#.into());
    s.add_resource(e).unwrap();
    s
}

#[test]
fn vpc_endpoints_round_trip_and_old_files_still_load() {
    let s = endpoint_scenario();
    let text = s.to_json_pretty();
    assert!(text.contains("\"kind\": \"vpcEndpoint\""), "{text}");
    assert!(text.contains("\"serviceName\": \"com.amazonaws.us-east-1.s3\""));
    assert_eq!(Scenario::from_json(&text).unwrap(), s);
    assert_eq!(
        s.resources[0].arn(&s.account),
        "arn:aws:ec2:us-east-1:111122223333:vpc-endpoint/vpce-0a1b2c3d4e5f60718"
    );
    // A file written before endpoints existed loads unchanged.
    let old = r#"{"formatVersion":1,"account":{"id":"111122223333"},"resources":[{"kind":"s3Bucket","name":"logs"}]}"#;
    let loaded = Scenario::from_json(old).unwrap();
    assert_eq!(loaded.resources[0].service_name, None);
    // A bad endpoint id is a finding, not a load error; the endpoint policy is checked with
    // its own grammar (a Principal is required).
    let mut bad = s.clone();
    bad.resources[0].name = "vpce-XYZ".into();
    bad.resources[0].policy = Some(ALLOW_S3.into());
    let bad = Scenario::from_json(&bad.to_json_pretty()).unwrap();
    let codes: Vec<String> = bad.validate().into_iter().map(|f| f.code).collect();
    assert!(
        codes.iter().any(|c| c == "resource-name-invalid"),
        "{codes:?}"
    );
    assert!(
        codes.iter().any(|c| c == "policy-missing-principal"),
        "{codes:?}"
    );
}

#[test]
fn a_request_through_a_vpc_endpoint_must_be_allowed_by_its_policy() {
    let s = endpoint_scenario();
    let alice = PrincipalRef::User("alice".into());
    let through = |id: &str| {
        vec![ContextValue {
            key: "aws:SourceVpce".into(),
            ty: ContextKeyType::String,
            values: vec![id.into()],
        }]
    };
    let run = |resource: &str, context: &[ContextValue]| {
        evaluate_request(
            &s,
            None,
            &crate::workbench::CompileCache::new(),
            &alice,
            "s3:GetObject",
            resource,
            context,
        )
        .unwrap()
    };
    let allowed = run(
        "arn:aws:s3:::reports/q1",
        &through("vpce-0a1b2c3d4e5f60718"),
    );
    assert_eq!(allowed.evaluation.decision, Decision::Allowed);
    assert!(allowed.through_vpc_endpoint());
    assert!(!run("arn:aws:s3:::reports/q1", &[]).through_vpc_endpoint());
    let refused = run("arn:aws:s3:::private/k", &through("vpce-0a1b2c3d4e5f60718"));
    assert_eq!(refused.evaluation.decision, Decision::ImplicitDeny);
    let step = refused
        .evaluation
        .steps
        .iter()
        .find(|st| st.kind == crate::eval::StepKind::VpcEndpoint)
        .unwrap();
    assert!(step.detail.contains("VPC endpoint policy does not allow"));
    let near = &refused.evaluation.candidates[0];
    assert_eq!(
        near.statement.policy_id,
        "resource/vpcEndpoint/vpce-0a1b2c3d4e5f60718"
    );
    assert_eq!(
        refused.place(&near.statement.policy_id),
        "the policy of VPC endpoint vpce-0a1b2c3d4e5f60718"
    );
    assert_eq!(
        crate::workbench::request::access_denied_message(
            &refused.evaluation,
            "arn:aws:iam::111122223333:user/alice",
            "s3:GetObject",
            "arn:aws:s3:::private/k"
        )
        .as_deref(),
        Some(
            "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::private/k because no VPC endpoint policy allows the s3:GetObject action"
        )
    );
    // Near misses: not through an endpoint, or through one the scenario does not hold.
    assert_eq!(
        run("arn:aws:s3:::private/k", &[]).evaluation.decision,
        Decision::Allowed
    );
    assert_eq!(
        run("arn:aws:s3:::private/k", &through("vpce-11112222"))
            .evaluation
            .decision,
        Decision::Allowed
    );
    // Without a policy of its own, the endpoint has AWS's default one: full access.
    let mut open = s.clone();
    open.resources[0].policy = None;
    let e = evaluate_request(
        &open,
        None,
        &crate::workbench::CompileCache::new(),
        &alice,
        "s3:GetObject",
        "arn:aws:s3:::private/k",
        &through("vpce-0a1b2c3d4e5f60718"),
    )
    .unwrap();
    assert_eq!(e.evaluation.decision, Decision::Allowed);
    assert!(e.sources.iter().any(|src| matches!(
        src,
        crate::workbench::PolicySource::DefaultEndpointPolicy { .. }
    )));
}

#[test]
fn remembered_validations_give_the_findings_of_a_fresh_run_edit_after_edit() {
    let catalog =
        crate::catalog::Catalog::parse(include_str!("../../../../static/data/iam-catalog.txt"))
            .ok();
    assert!(catalog.is_some());
    let cache = ValidationCache::default();
    for entry in gallery() {
        let mut s = entry.scenario;
        assert_eq!(
            s.findings_cached(catalog.as_ref(), &cache),
            s.findings_with_catalog(catalog.as_ref()),
            "{}",
            entry.id
        );
        // An edit of one text: the cache answers for the others, and the edited one is new.
        if let Some(p) = s.policies.first_mut() {
            p.document = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObjct","Resource":"*"}]}"#.to_string();
        }
        let fresh = s.findings_with_catalog(catalog.as_ref());
        assert_eq!(
            s.findings_cached(catalog.as_ref(), &cache),
            fresh,
            "{}",
            entry.id
        );
        // Without the catalog the catalog's checks are gone: the cache does not keep them.
        assert_eq!(
            s.findings_cached(None, &cache),
            s.findings_with_catalog(None),
            "{}",
            entry.id
        );
    }
}

#[test]
fn whole_scenario_findings_find_duplicates_references_and_admins_by_name_in_any_case() {
    // Entities put in place without the edit checks, as an import or an old file can.
    let mut s = base();
    s.users.push(User::new("ALICE"));
    let mut lost = User::new("carol");
    lost.groups = vec!["developers".into(), "Nowhere".into()];
    s.users.push(lost);
    s.policies.push(ManagedPolicy::new("Admin", ADMIN_DOC));
    s.policies.push(ManagedPolicy::new("s3full", ALLOW_S3));
    let mut role = Role::new("deploy", TRUST_ACCOUNT);
    role.managed_policies = vec![
        PolicyRef::Customer("ADMIN".into()),
        PolicyRef::Customer("Missing".into()),
    ];
    s.roles.push(role);
    s.groups[1].managed_policies = vec![PolicyRef::Customer("admin".into())];
    for name in ["alice", "bob"] {
        s.add_user_to_group(name, "Admins").ok();
    }
    let findings = s.findings_with_catalog(None);
    let codes = |target: &Target| -> Vec<&str> {
        findings
            .iter()
            .filter(|f| &f.target == target)
            .map(|f| f.code.as_str())
            .collect()
    };
    let user = |n: &str| Target::User { name: n.into() };
    let role = |n: &str| Target::Role { name: n.into() };
    let policy = |n: &str| Target::Policy { name: n.into() };
    assert!(codes(&user("alice")).contains(&"name-duplicate"));
    assert!(codes(&user("ALICE")).contains(&"name-duplicate"));
    assert!(!codes(&user("bob")).contains(&"name-duplicate"));
    assert!(codes(&user("carol")).contains(&"unknown-group"));
    assert_eq!(
        codes(&user("carol"))
            .iter()
            .filter(|c| **c == "unknown-group")
            .count(),
        1,
        "developers is Developers"
    );
    assert!(codes(&role("Deploy")).contains(&"name-duplicate"));
    assert!(codes(&role("deploy")).contains(&"unknown-policy"));
    assert!(codes(&policy("S3Full")).contains(&"name-duplicate"));
    assert!(!codes(&policy("Admin")).contains(&"name-duplicate"));
    // The same answers as checking each entity against the lists one by one.
    for (i, u) in s.users.iter().enumerate() {
        let one: Vec<&str> = s.user_problems(u, Some(i)).iter().map(|p| p.code).collect();
        for code in one {
            assert!(
                codes(&user(&u.name)).contains(&code),
                "{code} of {}",
                u.name
            );
        }
    }
    // Admin through the customer policy named in another case: both members of the group and
    // the role count, the group has members, and so administrators are counted broadly.
    let admins = findings
        .iter()
        .find(|f| f.code == "admin-granted-broadly")
        .map(|f| f.message.clone())
        .unwrap_or_default();
    assert!(
        admins.contains("user alice")
            && admins.contains("user bob")
            && admins.contains("role deploy"),
        "{admins}"
    );
    assert!(
        !codes(&Target::Group {
            name: "Admins".into()
        })
        .contains(&"empty-group")
    );
}
