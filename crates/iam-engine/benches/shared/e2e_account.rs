//! The accounts the browser benchmarks of the escalation analysis and of the change review
//! import (`authorizationDetails` of `e2e/lib/accounts.mjs`), generated the same way: the same
//! pseudo-random generator (mulberry32) drawn in the same order, so the native benchmarks
//! measure the very accounts the analysis worker does. Included by path from
//! `benches/analysis.rs` and `benches/diff.rs`; not a bench target of its own.

use serde_json::{Value, json};

const ACCOUNT: &str = "123456789012";

/// mulberry32, as the journey's `random(seed)`.
struct Random(u32);

impl Random {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x6d2b_79f5);
        let mut t = self.0;
        t = (t ^ (t >> 15)).wrapping_mul(t | 1);
        t ^= t.wrapping_add((t ^ (t >> 7)).wrapping_mul(t | 61));
        f64::from(t ^ (t >> 14)) / 4_294_967_296.0
    }

    fn pick<'l, T>(&mut self, list: &'l [T]) -> &'l T {
        let at = (self.next() * list.len() as f64).floor() as usize;
        &list[at.min(list.len() - 1)]
    }
}

const SERVICES: &[(&str, &[&str])] = &[
    (
        "s3",
        &[
            "GetObject",
            "PutObject",
            "DeleteObject",
            "ListBucket",
            "GetBucketPolicy",
            "PutBucketPolicy",
        ],
    ),
    (
        "ec2",
        &[
            "DescribeInstances",
            "RunInstances",
            "TerminateInstances",
            "StopInstances",
            "CreateTags",
        ],
    ),
    (
        "iam",
        &[
            "CreateUser",
            "DeleteUser",
            "AttachRolePolicy",
            "PassRole",
            "GetRole",
            "ListRoles",
        ],
    ),
    (
        "dynamodb",
        &["GetItem", "PutItem", "DeleteTable", "Query", "Scan"],
    ),
    ("sqs", &["SendMessage", "ReceiveMessage", "DeleteQueue"]),
    ("kms", &["Decrypt", "Encrypt", "CreateGrant"]),
    (
        "lambda",
        &["InvokeFunction", "CreateFunction", "UpdateFunctionCode"],
    ),
];

fn statement(rnd: &mut Random) -> Value {
    let (service, actions) = *rnd.pick(SERVICES);
    let deny = rnd.next() < 0.15;
    let action = if rnd.next() < 0.2 {
        format!(
            "{service}:{}*",
            rnd.pick(&["Get", "List", "Describe", "Put"])
        )
    } else {
        format!("{service}:{}", rnd.pick(actions))
    };
    let second = format!("{service}:{}", rnd.pick(actions));
    let mut s = json!({"Effect": if deny { "Deny" } else { "Allow" }, "Action": [action, second], "Resource": "*"});
    if rnd.next() < 0.2 {
        s["Condition"] =
            json!({"StringEquals": {"aws:PrincipalTag/team": rnd.pick(&["red", "blue"])}});
    }
    s
}

fn document(rnd: &mut Random, n: usize) -> Value {
    let statements: Vec<Value> = (0..n).map(|_| statement(rnd)).collect();
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// An `aws iam get-account-authorization-details` output of `users` users in 30 groups and
/// `roles` roles (a third under the SSO path, all trusting Lambda), with 60 customer-managed
/// policies, inline policies and AWS-managed attachments (`authorizationDetails(users, roles)`
/// of the journey, seed 16).
#[allow(dead_code)] // Each bench that includes this file uses one of the two.
pub fn authorization_details(users: usize, roles: usize) -> String {
    authorization_details_seeded(users, roles, 16)
}

/// [`authorization_details`] drawn from `seed` (`authorizationDetails(users, roles, seed)`).
#[allow(dead_code)] // Each bench that includes this file uses some of them.
pub fn authorization_details_seeded(users: usize, roles: usize, seed: u32) -> String {
    authorization_details_shaped(users, roles, seed, &Shape::default())
}

/// The rest of an account's size (the journey's `shape`): `policies` customer-managed policies
/// of `versions` versions, the default one of `statements` statements and the older ones of
/// `older_statements`, in `groups` groups.
pub struct Shape {
    pub policies: usize,
    pub versions: usize,
    pub statements: usize,
    pub older_statements: usize,
    pub groups: usize,
}

impl Default for Shape {
    /// The journeys' defaults: 60 policies of two versions (3 and 2 statements), 30 groups.
    fn default() -> Shape {
        Shape {
            policies: 60,
            versions: 2,
            statements: 3,
            older_statements: 2,
            groups: 30,
        }
    }
}

/// The L account as the real-account journey imports it (`authorizationDetails(1000,
/// 5000, 16, {...REAL_ACCOUNT, policies: 2000, groups: 300})`, 38.6 MB pretty-printed).
#[allow(dead_code)] // Each bench that includes this file uses some of them.
pub fn real_account_l() -> String {
    let shape = Shape {
        policies: 2000,
        versions: 5,
        statements: 14,
        older_statements: 11,
        groups: 300,
    };
    authorization_details_shaped(1000, 5000, 16, &shape)
}

/// [`authorization_details_seeded`] of another [`Shape`] (`authorizationDetails(users, roles,
/// seed, shape)`).
pub fn authorization_details_shaped(
    users: usize,
    roles: usize,
    seed: u32,
    shape: &Shape,
) -> String {
    let rnd = &mut Random(seed);
    let versions = shape.versions;
    let policies: Vec<Value> = (0..shape.policies)
        .map(|i| {
            let list: Vec<Value> = (0..versions)
                .map(|v| {
                    let n = if v == 0 {
                        shape.statements
                    } else {
                        shape.older_statements
                    };
                    json!({"Document": document(rnd, n), "VersionId": format!("v{}", versions - v), "IsDefaultVersion": v == 0})
                })
                .collect();
            json!({
                "PolicyName": format!("team-policy-{i}"),
                "PolicyId": format!("ANPA{i:016}"),
                "Arn": format!("arn:aws:iam::{ACCOUNT}:policy/teams/team-policy-{i}"),
                "Path": "/teams/",
                "DefaultVersionId": format!("v{versions}"),
                "AttachmentCount": 1,
                "PermissionsBoundaryUsageCount": 0,
                "IsAttachable": true,
                "PolicyVersionList": list,
            })
        })
        .collect();
    let attach = |rnd: &mut Random, n: usize| -> Vec<Value> {
        (0..n)
            .map(|_| {
                if rnd.next() < 0.1 {
                    return json!({"PolicyName": "ReadOnlyAccess", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"});
                }
                let p = rnd.pick(&policies);
                json!({"PolicyName": p["PolicyName"], "PolicyArn": p["Arn"]})
            })
            .collect()
    };
    let groups: Vec<Value> = (0..shape.groups)
        .map(|i| {
            let attached = attach(rnd, 2);
            json!({
                "Path": "/",
                "GroupName": format!("group-{i}"),
                "GroupId": format!("AGPA{i:016}"),
                "Arn": format!("arn:aws:iam::{ACCOUNT}:group/group-{i}"),
                "GroupPolicyList": [],
                "AttachedManagedPolicies": attached,
            })
        })
        .collect();
    let user_list: Vec<Value> = (0..users)
        .map(|i| {
            let first = rnd.pick(&groups)["GroupName"].clone();
            let second = rnd.pick(&groups)["GroupName"].clone();
            let mut group_list = vec![first];
            if !group_list.contains(&second) {
                group_list.push(second);
            }
            let inline = if rnd.next() < 0.3 {
                json!([{"PolicyName": "inline", "PolicyDocument": document(rnd, 2)}])
            } else {
                json!([])
            };
            let attached = attach(rnd, 1);
            let team = rnd.pick(&["red", "blue"]);
            json!({
                "Path": "/",
                "UserName": format!("user-{i}"),
                "UserId": format!("AIDA{i:016}"),
                "Arn": format!("arn:aws:iam::{ACCOUNT}:user/user-{i}"),
                "GroupList": group_list,
                "UserPolicyList": inline,
                "AttachedManagedPolicies": attached,
                "Tags": [{"Key": "team", "Value": team}],
            })
        })
        .collect();
    let role_list: Vec<Value> = (0..roles)
        .map(|i| {
            let inline = if rnd.next() < 0.4 {
                json!([{"PolicyName": "inline", "PolicyDocument": document(rnd, 2)}])
            } else {
                json!([])
            };
            let attached = attach(rnd, 2);
            json!({
                "Path": if i % 3 == 0 { "/aws-reserved/sso.amazonaws.com/" } else { "/" },
                "RoleName": format!("role-{i}"),
                "RoleId": format!("AROA{i:016}"),
                "Arn": format!("arn:aws:iam::{ACCOUNT}:role/role-{i}"),
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
                },
                "InstanceProfileList": [],
                "RolePolicyList": inline,
                "AttachedManagedPolicies": attached,
                "Tags": [],
            })
        })
        .collect();
    json!({"UserDetailList": user_list, "GroupDetailList": groups, "RoleDetailList": role_list, "Policies": policies, "IsTruncated": false}).to_string()
}
