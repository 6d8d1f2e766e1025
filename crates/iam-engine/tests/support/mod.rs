//! Generated scenarios for the exporters' property tests (tests/export.rs for CloudFormation,
//! tests/terraform.rs for Terraform). Each test passes the strings its own format can get wrong;
//! they land in names' neighbours (tags, the title), policy condition values, inline policies,
//! boundaries, groups, roles and every resource kind.

use iam_engine::scenario::{
    Group, InlinePolicy, ManagedPolicy, PolicyRef, Resource, ResourceKind, Role, Scenario, Tag,
    User,
};
use proptest::prelude::*;

/// IAM names: the characters IAM allows in user, group and policy names.
fn name() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9+=,.@_-]{1,20}"
}

/// A policy document whose condition value is a tricky string, with or without `Version`.
fn document(tricky: BoxedStrategy<String>) -> impl Strategy<Value = String> {
    (tricky, name(), any::<bool>()).prop_map(|(value, bucket, versioned)| {
        let mut doc = serde_json::json!({
            "Statement": [{
                "Sid": "S1",
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": format!("arn:aws:s3:::{bucket}/${{aws:username}}/*"),
                "Condition": {"StringEquals": {"aws:PrincipalTag/team": value}}
            }]
        });
        if versioned {
            doc["Version"] = "2012-10-17".into();
        }
        doc.to_string()
    })
}

/// A scenario of up to four users (tagged, in every group, with an inline policy, a managed
/// policy and a boundary), up to three groups, one or two customer-managed policies and
/// optionally a role with one resource of each kind, where `tricky` gives the title, the tags
/// and the documents' condition values.
pub fn scenario(tricky: BoxedStrategy<String>) -> impl Strategy<Value = Scenario> {
    (
        tricky.clone(),
        prop::collection::vec(
            (
                name(),
                tricky.clone(),
                tricky.clone(),
                document(tricky.clone()),
            ),
            0..4,
        ),
        prop::collection::vec(name(), 0..3),
        prop::collection::vec((name(), document(tricky)), 1..3),
        any::<bool>(),
    )
        .prop_map(|(title, users, groups, policies, with_role)| {
            let mut s = Scenario::new("111122223333");
            s.title = title;
            for (name, doc) in &policies {
                if s.policy(name).is_none() {
                    s.policies.push(ManagedPolicy::new(name.clone(), doc.clone()));
                }
            }
            for g in &groups {
                if s.group(g).is_none() {
                    let mut group = Group::new(g.clone());
                    group.managed_policies.push(PolicyRef::aws("ReadOnlyAccess"));
                    s.groups.push(group);
                }
            }
            for (name, key, value, doc) in users {
                if s.user(&name).is_some() {
                    continue;
                }
                let mut user = User::new(name);
                user.login_profile = Some(Default::default());
                if !key.is_empty() {
                    user.tags.push(Tag { key, value });
                }
                user.groups = groups.clone();
                user.inline_policies.push(InlinePolicy {
                    name: "inline".to_string(),
                    document: doc,
                });
                if let Some(p) = s.policies.first() {
                    user.managed_policies.push(PolicyRef::customer(&p.name));
                    user.permissions_boundary = Some(PolicyRef::customer(&p.name));
                }
                s.users.push(user);
            }
            if with_role {
                let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]}"#;
                s.roles.push(Role::new("role", trust));
                for kind in ResourceKind::ALL {
                    let mut r = Resource::new_in(kind, "res-1", &s.account);
                    r.policy = s.policies.first().map(|p| p.document.clone());
                    s.resources.push(r);
                }
            }
            s
        })
}
