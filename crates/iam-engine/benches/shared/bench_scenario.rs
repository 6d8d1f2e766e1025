//! The scenario both simulator benchmarks measure: the native one (`benches/simulator.rs`)
//! and the browser one (`tests/bench_simulator.rs` of the app), so their numbers compare.
//! Included by path from both; it is not a bench target of its own (Cargo only discovers
//! `benches/*.rs`).

use iam_engine::context::ContextKeyType;
use iam_engine::scenario::ExpectedDecision::{Allowed, ExplicitDeny, ImplicitDeny};
use iam_engine::scenario::{
    ContextValue, Group, InlinePolicy, PolicyRef, PrincipalRef, Role, Scenario, TestCase, User,
};

/// A scenario with `users` users in three groups (one with AdministratorAccess, one with
/// ReadOnlyAccess, one with an inline policy with a condition and a Deny), each with an inline
/// policy and three saved tests, and `roles` roles with ReadOnlyAccess.
pub fn scenario(users: usize, roles: usize) -> Scenario {
    let mut s = Scenario::new("111122223333");
    let mut admins = Group::new("Admins");
    admins
        .managed_policies
        .push(PolicyRef::aws("AdministratorAccess"));
    let mut auditors = Group::new("Auditors");
    auditors
        .managed_policies
        .push(PolicyRef::aws("ReadOnlyAccess"));
    let mut devs = Group::new("Developers");
    devs.inline_policies.push(InlinePolicy {
        name: "AllowS3".into(),
        document: r#"{"Version":"2012-10-17","Statement":[{"Sid":"AllowS3","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::app-${aws:username}/*","Condition":{"Bool":{"aws:SecureTransport":"true"}}},{"Sid":"DenyDelete","Effect":"Deny","Action":"s3:Delete*","Resource":"*"}]}"#.into(),
    });
    for g in [admins, auditors, devs] {
        s.add_group(g).unwrap();
    }
    for i in 0..users {
        let mut u = User::new(format!("user{i}"));
        u.groups
            .push(["Admins", "Auditors", "Developers"][i % 3].to_string());
        u.inline_policies.push(InlinePolicy {
            name: "Own".into(),
            document: format!(r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"iam:*AccessKey*","Resource":"arn:aws:iam::111122223333:user/user{i}"}}]}}"#),
        });
        s.add_user(u).unwrap();
        // What AWS decides for each group: AdministratorAccess allows all three,
        // ReadOnlyAccess only the read, the developers' policy reads over TLS and denies deletes.
        let expected = match i % 3 {
            0 => [Allowed, Allowed, Allowed],
            1 => [Allowed, ImplicitDeny, ImplicitDeny],
            _ => [Allowed, ExplicitDeny, ImplicitDeny],
        };
        let requests = [
            ("s3:GetObject", format!("arn:aws:s3:::app-user{i}/a")),
            ("s3:DeleteObject", "arn:aws:s3:::app-user0/x".to_string()),
            (
                "iam:CreateUser",
                "arn:aws:iam::111122223333:user/x".to_string(),
            ),
        ];
        for ((action, resource), expected) in requests.into_iter().zip(expected) {
            s.add_test(TestCase {
                label: format!("user{i} {action}"),
                principal: PrincipalRef::User(format!("user{i}")),
                action: action.into(),
                resource,
                context: vec![ContextValue {
                    key: "aws:SecureTransport".into(),
                    ty: ContextKeyType::Boolean,
                    values: vec!["true".into()],
                }],
                expected,
            })
            .unwrap();
        }
    }
    for i in 0..roles {
        let mut r = Role::new(
            format!("role{i}"),
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
        );
        r.managed_policies.push(PolicyRef::aws("ReadOnlyAccess"));
        s.add_role(r).unwrap();
    }
    s
}

/// The `k`-th keystroke both benchmarks type: whitespace at the end of the Developers group's
/// inline policy, so the text changes and its meaning does not.
pub fn keystroke(s: &mut Scenario, k: u32) {
    let Some(group) = s.groups.iter_mut().find(|g| g.name == "Developers") else {
        return;
    };
    if let Some(policy) = group.inline_policies.first_mut() {
        policy
            .document
            .push_str(if k.is_multiple_of(2) { " " } else { "\n" });
    }
}
