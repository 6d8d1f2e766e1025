//! Service rules AWS applies on top of (or instead of) the policies, each only for the actions
//! and resource types AWS documents it for.
//!
//! - `sts:GetCallerIdentity` needs no permission: AWS answers it for any signed-in caller,
//!   even one whose policies deny it explicitly (STS API Reference, `GetCallerIdentity`).
//! - A KMS key policy governs requests on its key only: the rule that it must allow
//!   explicitly applies when the request's resource is a KMS key
//!   (`arn:PARTITION:kms:REGION:ACCOUNT:key/ID`). Actions on no key (`kms:ListKeys`,
//!   `kms:CreateKey` on `*`) and the alias part of `kms:CreateAlias` (an `alias/…` ARN) are
//!   authorized by IAM policies alone (KMS Developer Guide, "Controlling access to aliases").
//!   The request's ARN is the signal: evaluation has no catalog, and the ARN's resource type is
//!   exactly the resource type the Service Authorization Reference lists for the request.
//! - Requests AWS refuses whatever the policies say ([`AwsRefusal`]): changing an AWS managed
//!   policy, changing an IAM Identity Center role, changing a service-linked role's trust or
//!   permissions, creating, changing or deleting a KMS alias under `alias/aws/`, and a role
//!   assumed with the root user's credentials (STS answers "Roles may not be assumed by root
//!   accounts"). The policy decision is kept beside the refusal, as AWS's own simulator reports
//!   the policy decision.

use serde::{Deserialize, Serialize};

/// The action that needs no permission, folded to lower case.
const NO_PERMISSION_ACTION: &str = "sts:getcalleridentity";

/// Whether the action (folded to lower case) needs no permission at all.
pub(crate) fn needs_no_permission(lower_action: &str) -> bool {
    lower_action == NO_PERMISSION_ACTION
}

/// The parts of an ARN: partition, service, region, account and resource.
struct ArnParts<'a> {
    service: &'a str,
    account: &'a str,
    resource: &'a str,
}

fn arn_parts(arn: &str) -> Option<ArnParts<'_>> {
    let mut parts = arn.splitn(6, ':');
    let (
        Some("arn"),
        Some(_partition),
        Some(service),
        Some(_region),
        Some(account),
        Some(resource),
    ) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    )
    else {
        return None;
    };
    Some(ArnParts {
        service,
        account,
        resource,
    })
}

/// Whether `resource` is the ARN of a KMS key, the only resource a key policy governs.
pub(crate) fn is_kms_key_arn(resource: &str) -> bool {
    arn_parts(resource).is_some_and(|a| {
        a.service == "kms"
            && a.resource
                .strip_prefix("key/")
                .is_some_and(|id| !id.is_empty())
    })
}

/// Which rule makes AWS refuse a request whatever the policies say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AwsRefusalRule {
    /// AWS managed policies (`arn:aws:iam::aws:policy/…`) can't be changed or deleted.
    AwsManagedPolicy,
    /// IAM Identity Center's roles (`role/aws-reserved/sso.amazonaws.com/…`) are changed only
    /// through Identity Center's permission sets.
    IdentityCenterRole,
    /// A service-linked role's trust and permissions are defined by its service.
    ServiceLinkedRole,
    /// KMS aliases under `alias/aws/` are reserved for AWS managed keys.
    ReservedKmsAlias,
    /// The root user can't assume a role (or switch to one in the console).
    RootAssumeRole,
}

/// A request AWS refuses whatever the policies say, with AWS's reason and where it is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AwsRefusal {
    /// The rule.
    pub rule: AwsRefusalRule,
    /// Why, in a sentence for the user.
    pub reason: String,
    /// The AWS documentation page stating the rule.
    pub doc_url: String,
}

/// The IAM actions that change a managed policy.
const POLICY_CHANGES: &[&str] = &[
    "iam:createpolicyversion",
    "iam:deletepolicy",
    "iam:deletepolicyversion",
    "iam:setdefaultpolicyversion",
    "iam:tagpolicy",
    "iam:untagpolicy",
];

/// The IAM actions that change an IAM Identity Center role (the ones Identity Center's own
/// service-linked role performs on them).
const IDENTITY_CENTER_ROLE_CHANGES: &[&str] = &[
    "iam:attachrolepolicy",
    "iam:deleterole",
    "iam:deleterolepermissionsboundary",
    "iam:deleterolepolicy",
    "iam:detachrolepolicy",
    "iam:putrolepermissionsboundary",
    "iam:putrolepolicy",
    "iam:updateassumerolepolicy",
    "iam:updaterole",
    "iam:updateroledescription",
];

/// The IAM actions that change a service-linked role's trust or permissions, or delete it
/// outside `iam:DeleteServiceLinkedRole`.
const SERVICE_LINKED_ROLE_CHANGES: &[&str] = &[
    "iam:attachrolepolicy",
    "iam:deleterole",
    "iam:deleterolepermissionsboundary",
    "iam:deleterolepolicy",
    "iam:detachrolepolicy",
    "iam:putrolepermissionsboundary",
    "iam:putrolepolicy",
    "iam:updateassumerolepolicy",
];

/// The KMS actions that create, repoint or delete an alias.
const ALIAS_CHANGES: &[&str] = &["kms:createalias", "kms:updatealias", "kms:deletealias"];

/// The STS action that takes a role with the caller's credentials, folded to lower case (the
/// SAML and web-identity variants are called with no AWS credentials at all).
const ASSUME_ROLE: &str = "sts:assumerole";

/// The refusal AWS gives the request whatever the policies say, if any. `lower_action` is the
/// action folded to lower case; `resource` the request's resource ARN; `by_root` whether the
/// caller is the account's root user.
pub(crate) fn aws_refusal(lower_action: &str, resource: &str, by_root: bool) -> Option<AwsRefusal> {
    let refusal = |rule, reason: String, doc_url: &str| {
        Some(AwsRefusal {
            rule,
            reason,
            doc_url: doc_url.to_string(),
        })
    };
    if by_root && lower_action == ASSUME_ROLE {
        return refusal(
            AwsRefusalRule::RootAssumeRole,
            format!(
                "The root user can't assume a role: STS refuses AssumeRole called with the root user's credentials (\"Roles may not be assumed by root accounts\"), whatever the trust policy of {resource} and the identity policies allow. Sign in as an IAM user or use a role session to assume it."
            ),
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-console.html",
        );
    }
    let arn = arn_parts(resource)?;
    match arn.service {
        "iam" if arn.account == "aws" && arn.resource.starts_with("policy/") => {
            if POLICY_CHANGES.contains(&lower_action) {
                return refusal(
                    AwsRefusalRule::AwsManagedPolicy,
                    format!(
                        "{resource} is an AWS managed policy: AWS maintains it, and no account can change, tag or delete it, whatever the policies allow."
                    ),
                    "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html#aws-managed-policies",
                );
            }
            None
        }
        "iam" => {
            let path = arn.resource.strip_prefix("role/")?;
            if path.starts_with("aws-reserved/sso.amazonaws.com/")
                && IDENTITY_CENTER_ROLE_CHANGES.contains(&lower_action)
            {
                return refusal(
                    AwsRefusalRule::IdentityCenterRole,
                    format!(
                        "{resource} is a role IAM Identity Center created for a permission set; IAM refuses to change it (\"this role is only modifiable by AWS\"). Change the permission set in IAM Identity Center instead."
                    ),
                    "https://docs.aws.amazon.com/singlesignon/latest/userguide/identity-center-and-iam-roles.html",
                );
            }
            if path.starts_with("aws-service-role/")
                && SERVICE_LINKED_ROLE_CHANGES.contains(&lower_action)
            {
                return refusal(
                    AwsRefusalRule::ServiceLinkedRole,
                    format!(
                        "{resource} is a service-linked role: its service defines its trust and permissions policies, and IAM refuses to change them (UnmodifiableEntity) whatever the policies allow."
                    ),
                    "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_update-role-permissions.html",
                );
            }
            None
        }
        "kms"
            if arn.resource.starts_with("alias/aws/") && ALIAS_CHANGES.contains(&lower_action) =>
        {
            refusal(
                AwsRefusalRule::ReservedKmsAlias,
                format!(
                    "Aliases beginning with alias/aws/ are reserved for AWS managed keys: nobody can create, update or delete {resource}, whatever the policies allow."
                ),
                "https://docs.aws.amazon.com/kms/latest/developerguide/alias-create.html",
            )
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_key_arns_are_governed_by_key_policies() {
        assert!(is_kms_key_arn(
            "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        ));
        for other in [
            "*",
            "arn:aws:kms:eu-west-1:111122223333:alias/my-alias",
            "arn:aws:kms:eu-west-1:111122223333:key/",
            "arn:aws:s3:::key/x",
            "arn:aws:kms:eu-west-1:111122223333",
        ] {
            assert!(!is_kms_key_arn(other), "{other}");
        }
    }

    #[test]
    fn refusals_apply_to_the_documented_actions_and_resources_only() {
        let rule = |action: &str, resource: &str| {
            aws_refusal(&action.to_ascii_lowercase(), resource, false).map(|r| r.rule)
        };
        let managed = "arn:aws:iam::aws:policy/AdministratorAccess";
        assert_eq!(
            rule("iam:CreatePolicyVersion", managed),
            Some(AwsRefusalRule::AwsManagedPolicy)
        );
        assert_eq!(rule("iam:GetPolicy", managed), None);
        assert_eq!(
            rule(
                "iam:CreatePolicyVersion",
                "arn:aws:iam::111122223333:policy/Mine"
            ),
            None
        );
        let sso = "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_0123456789abcdef";
        assert_eq!(
            rule("iam:PutRolePolicy", sso),
            Some(AwsRefusalRule::IdentityCenterRole)
        );
        assert_eq!(rule("iam:GetRole", sso), None);
        let slr = "arn:aws:iam::111122223333:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing";
        assert_eq!(
            rule("iam:UpdateAssumeRolePolicy", slr),
            Some(AwsRefusalRule::ServiceLinkedRole)
        );
        // The description of a service-linked role can be edited.
        assert_eq!(rule("iam:UpdateRoleDescription", slr), None);
        assert_eq!(
            rule(
                "iam:UpdateAssumeRolePolicy",
                "arn:aws:iam::111122223333:role/app"
            ),
            None
        );
        assert_eq!(
            rule(
                "kms:CreateAlias",
                "arn:aws:kms:eu-west-1:111122223333:alias/aws/s3"
            ),
            Some(AwsRefusalRule::ReservedKmsAlias)
        );
        assert_eq!(
            rule(
                "kms:CreateAlias",
                "arn:aws:kms:eu-west-1:111122223333:alias/my-alias"
            ),
            None
        );
        assert_eq!(rule("iam:DeletePolicy", "*"), None);
        // Role assumption: refused for the root user only, and only AssumeRole itself.
        let role = "arn:aws:iam::111122223333:role/app";
        let by_root =
            |action: &str| aws_refusal(&action.to_ascii_lowercase(), role, true).map(|r| r.rule);
        assert_eq!(
            by_root("sts:AssumeRole"),
            Some(AwsRefusalRule::RootAssumeRole)
        );
        assert_eq!(rule("sts:AssumeRole", role), None);
        assert_eq!(by_root("sts:TagSession"), None);
        assert_eq!(by_root("sts:GetSessionToken"), None);
        assert_eq!(by_root("iam:PassRole"), None);
    }

    /// The matrix shortcut (`ReachSet::known_decision`), `decide` and `evaluate` agree on the
    /// service rules' actions for every kind of caller and policy set, and the refusal is noted
    /// exactly where a rule applies.
    #[test]
    fn shortcuts_fast_path_and_explanation_agree() {
        use crate::eval::{
            ActionReach, Caller, CompiledPolicy, PolicySet, Request, ResourcePolicyKind, decide,
            evaluate,
        };
        use crate::policy::PolicyType;
        let policy = |id: &str, body: &str, t| {
            CompiledPolicy::from_text(
                id,
                &format!(r#"{{"Version":"2012-10-17","Statement":[{body}]}}"#),
                t,
            )
            .0
        };
        let actions = [
            "sts:GetCallerIdentity",
            "STS:getcalleridentity",
            "sts:GetSessionToken",
            "kms:ListKeys",
            "kms:CreateKey",
            "kms:Decrypt",
            "kms:CreateAlias",
            "iam:CreatePolicyVersion",
            "iam:UpdateAssumeRolePolicy",
            "sts:AssumeRole",
            "s3:GetObject",
        ];
        let mut sets = Vec::new();
        sets.push(PolicySet::default());
        let mut admin = PolicySet::default();
        admin.identity.push(policy(
            "admin",
            r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#,
            PolicyType::Identity,
        ));
        sets.push(admin.clone());
        let mut denied = admin.clone();
        denied.identity.push(policy(
            "deny",
            r#"{"Effect":"Deny","Action":["sts:*","kms:*"],"Resource":"*"}"#,
            PolicyType::Identity,
        ));
        sets.push(denied);
        let mut keyed = admin.clone();
        keyed.resource_policy_kind = ResourcePolicyKind::KmsKey;
        keyed.resource_policy = Some(policy(
            "key",
            r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/keyadmin"},"Action":"kms:*","Resource":"*"}"#,
            PolicyType::Resource,
        ));
        sets.push(keyed);
        let mut scp = admin.clone();
        scp.scp_levels.push(vec![policy(
            "scp",
            r#"{"Effect":"Deny","Action":"*","Resource":"*"}"#,
            PolicyType::Scp,
        )]);
        sets.push(scp);
        let callers = [
            "arn:aws:iam::111122223333:user/alice",
            "arn:aws:sts::111122223333:assumed-role/app/s1",
            "arn:aws:iam::111122223333:root",
            "ec2.amazonaws.com",
            "*",
        ];
        let resources = [
            "*",
            "arn:aws:kms:eu-west-1:111122223333:key/k1",
            "arn:aws:kms:eu-west-1:111122223333:alias/aws/s3",
            "arn:aws:iam::aws:policy/AdministratorAccess",
            "arn:aws:iam::111122223333:role/aws-service-role/x.amazonaws.com/AWSServiceRoleForX",
            "arn:aws:iam::111122223333:role/app",
        ];
        let mut reach = ActionReach::new(&actions);
        let mut refused = 0;
        for set in &sets {
            for caller in callers {
                for resource in resources {
                    let base = Request {
                        caller: Caller::from_arn(caller).expect("a caller"),
                        action: String::new(),
                        resource: resource.to_string(),
                        resource_account: None,
                        context: crate::context::RequestContext::new(),
                    };
                    let known = reach.reachable(set, &base);
                    for (column, action) in actions.iter().enumerate() {
                        let request = Request {
                            action: action.to_string(),
                            ..base.clone()
                        };
                        let fast = decide(set, &request);
                        let full = evaluate(set, &request);
                        assert_eq!(fast, full.decision, "{caller} {action} {resource}");
                        if let Some(shortcut) = known.known_decision(column) {
                            assert_eq!(shortcut, fast, "{caller} {action} {resource}");
                        }
                        let by_root = caller.ends_with(":root");
                        let expected = aws_refusal(&action.to_ascii_lowercase(), resource, by_root)
                            .map(|r| r.rule);
                        assert_eq!(full.refused_by_aws.as_ref().map(|r| r.rule), expected);
                        if expected.is_some() {
                            refused += 1;
                            assert!(full.summary.starts_with("AWS refuses"), "{}", full.summary);
                            let policy_only = full.policy_summary();
                            assert!(!policy_only.contains("AWS refuses"), "{policy_only}");
                            assert!(full.summary.ends_with(policy_only));
                        } else {
                            assert_eq!(full.policy_summary(), full.summary);
                        }
                        let signed_in = !matches!(caller, "*" | "ec2.amazonaws.com");
                        if action.eq_ignore_ascii_case("sts:GetCallerIdentity") && signed_in {
                            assert_eq!(fast, crate::eval::Decision::Allowed, "{caller} {set:?}");
                        }
                    }
                }
            }
        }
        assert!(refused > 0);
    }

    #[test]
    fn only_get_caller_identity_needs_no_permission() {
        assert!(needs_no_permission("sts:getcalleridentity"));
        assert!(!needs_no_permission("sts:getsessiontoken"));
    }
}
