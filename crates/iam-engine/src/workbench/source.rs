//! Where each policy of an evaluation comes from, as a typed value.
//!
//! [`super::simulate::prepare_request`] records a [`PolicySource`] for every policy it puts
//! into the evaluation, beside the compiled policy. The evaluator names policies by a string id
//! (its results are shared with `simulate-custom-policy`, where ids are AWS's); the id of a
//! scenario policy is [`PolicySource::id`], and going back from an id to its source is a look-up
//! in the evaluation's own list ([`super::simulate::ScenarioEvaluation::source`]), never a
//! parse of the string.

use std::borrow::Cow;

use serde::Serialize;

use crate::catalog::ManagedPolicies;
use crate::policy::PolicyType;
use crate::scenario::{
    AWS_MANAGED_PREFIX, DocumentRef, IdentityRef, PolicyRef, ResourceKind, Scenario, Target,
};

use super::simulate::RCP_FULL_AWS_ACCESS;

/// Where a policy of an evaluation comes from: which entity holds it and which of its texts.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum PolicySource {
    /// An inline policy of a user, group or role.
    Inline {
        /// The identity that holds it.
        owner: IdentityRef,
        /// The inline policy's name.
        name: String,
    },
    /// A managed policy (customer- or AWS-managed) attached to an identity, as one of its
    /// permissions policies or as its permissions boundary.
    Attached {
        /// The policy.
        policy: PolicyRef,
        /// The user, group or role it is attached to.
        attached_to: IdentityRef,
        /// Whether it is attached as the permissions boundary.
        boundary: bool,
    },
    /// One of the policies listed for a principal of another account.
    External {
        /// The external principal's ARN.
        arn: String,
        /// The policy's position in its list.
        index: usize,
        /// The policy's name.
        name: String,
    },
    /// A role's trust policy (the resource policy of `sts:AssumeRole*`).
    Trust {
        /// The role's name.
        role: String,
    },
    /// A resource's resource-based policy.
    Resource {
        /// The resource's kind.
        resource_kind: ResourceKind,
        /// The resource's name.
        name: String,
    },
    /// AWS's default key policy, for a KMS key of the scenario that has none.
    DefaultKeyPolicy {
        /// The key's name.
        name: String,
    },
    /// AWS's default endpoint policy (full access), for a VPC endpoint of the scenario that
    /// has none.
    DefaultEndpointPolicy {
        /// The endpoint's id.
        name: String,
    },
    /// A service control policy of the organization.
    Scp {
        /// The level (0 = the organization root, then each OU down to the account).
        level: usize,
        /// The policy's position at that level.
        index: usize,
    },
    /// A resource control policy of the organization.
    Rcp {
        /// The level.
        level: usize,
        /// The policy's position at that level.
        index: usize,
    },
    /// AWS's `RCPFullAWSAccess`, which every level has once RCPs are in use.
    RcpFullAwsAccess {
        /// The level.
        level: usize,
    },
}

/// The `kind/NAME` prefix of an identity in a policy id.
fn owner_id(owner: &IdentityRef) -> String {
    match owner {
        IdentityRef::User(n) => format!("user/{n}"),
        IdentityRef::Group(n) => format!("group/{n}"),
        IdentityRef::Role(n) => format!("role/{n}"),
    }
}

/// A resource kind as the scenario format spells it (`s3Bucket`).
fn kind_id(kind: ResourceKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The target of an identity.
fn owner_target(owner: &IdentityRef) -> Target {
    match owner {
        IdentityRef::User(name) => Target::User { name: name.clone() },
        IdentityRef::Group(name) => Target::Group { name: name.clone() },
        IdentityRef::Role(name) => Target::Role { name: name.clone() },
    }
}

/// The short name of an AWS-managed policy ARN (with its path, e.g.
/// `job-function/ViewOnlyAccess`).
fn aws_name(arn: &str) -> &str {
    arn.strip_prefix(AWS_MANAGED_PREFIX).unwrap_or(arn)
}

impl PolicySource {
    /// The id the evaluation gives the policy: `user/NAME:inline/POLICY`, `policy/NAME`,
    /// `aws-managed/NAME`, `boundary:` followed by one of the managed forms, `role/NAME:trust`,
    /// `resource/KIND/NAME`, `scp/LEVEL/INDEX`, `rcp/LEVEL/INDEX`,
    /// `rcp/LEVEL/RCPFullAWSAccess`, `external/ARN/INDEX`. It shows in the evaluation's
    /// results; nothing reads it back.
    pub fn id(&self) -> String {
        match self {
            PolicySource::Inline { owner, name } => format!("{}:inline/{name}", owner_id(owner)),
            PolicySource::Attached {
                policy, boundary, ..
            } => {
                let prefix = if *boundary { "boundary:" } else { "" };
                match policy {
                    PolicyRef::Customer(name) => format!("{prefix}policy/{name}"),
                    PolicyRef::Aws(arn) => format!("{prefix}aws-managed/{}", aws_name(arn)),
                }
            }
            PolicySource::External { arn, index, .. } => format!("external/{arn}/{index}"),
            PolicySource::Trust { role } => format!("role/{role}:trust"),
            PolicySource::Resource {
                resource_kind,
                name,
            } => format!("resource/{}/{name}", kind_id(*resource_kind)),
            PolicySource::DefaultKeyPolicy { name } => {
                format!("resource/{}/{name}", kind_id(ResourceKind::KmsKey))
            }
            PolicySource::DefaultEndpointPolicy { name } => {
                format!("resource/{}/{name}", kind_id(ResourceKind::VpcEndpoint))
            }
            PolicySource::Scp { level, index } => format!("scp/{level}/{index}"),
            PolicySource::Rcp { level, index } => format!("rcp/{level}/{index}"),
            PolicySource::RcpFullAwsAccess { level } => format!("rcp/{level}/RCPFullAWSAccess"),
        }
    }

    /// The grammar the policy is read with.
    pub fn policy_type(&self) -> PolicyType {
        match self {
            PolicySource::Inline { .. } | PolicySource::External { .. } => PolicyType::Identity,
            PolicySource::Attached { boundary, .. } => {
                if *boundary {
                    PolicyType::PermissionsBoundary
                } else {
                    PolicyType::Identity
                }
            }
            PolicySource::Trust { .. } => PolicyType::Trust,
            PolicySource::Resource { resource_kind, .. } => resource_kind.policy_type(),
            PolicySource::DefaultKeyPolicy { .. } => PolicyType::Resource,
            PolicySource::DefaultEndpointPolicy { .. } => PolicyType::VpcEndpoint,
            PolicySource::Scp { .. } => PolicyType::Scp,
            PolicySource::Rcp { .. } | PolicySource::RcpFullAwsAccess { .. } => PolicyType::Rcp,
        }
    }

    /// Where its text is shown and edited: the entity and which of its texts. AWS-managed
    /// policies are shown read-only under [`Target::AwsPolicy`]; the policies AWS supplies
    /// implicitly (`RCPFullAWSAccess`, a default key policy) have no place.
    pub fn place(&self) -> Option<(Target, DocumentRef)> {
        Some(match self {
            PolicySource::Inline { owner, name } => (
                owner_target(owner),
                DocumentRef::Inline { name: name.clone() },
            ),
            PolicySource::Attached { policy, .. } => match policy {
                PolicyRef::Customer(name) => {
                    (Target::Policy { name: name.clone() }, DocumentRef::Managed)
                }
                PolicyRef::Aws(arn) => {
                    (Target::AwsPolicy { arn: arn.clone() }, DocumentRef::Managed)
                }
            },
            PolicySource::External { arn, name, .. } => (
                Target::ExternalPrincipal { arn: arn.clone() },
                DocumentRef::Inline { name: name.clone() },
            ),
            PolicySource::Trust { role } => {
                (Target::Role { name: role.clone() }, DocumentRef::Trust)
            }
            PolicySource::Resource {
                resource_kind,
                name,
            } => (
                Target::Resource {
                    resource_kind: *resource_kind,
                    name: name.clone(),
                },
                DocumentRef::ResourcePolicy,
            ),
            PolicySource::Scp { level, index } => (
                Target::Organization,
                DocumentRef::Scp {
                    level: *level,
                    index: *index,
                },
            ),
            PolicySource::Rcp { level, index } => (
                Target::Organization,
                DocumentRef::Rcp {
                    level: *level,
                    index: *index,
                },
            ),
            PolicySource::DefaultKeyPolicy { .. }
            | PolicySource::DefaultEndpointPolicy { .. }
            | PolicySource::RcpFullAwsAccess { .. } => {
                return None;
            }
        })
    }

    /// Whether AWS maintains the text (an AWS-managed policy or an implicit one): it is
    /// shown read-only.
    pub fn is_read_only(&self) -> bool {
        matches!(
            self,
            PolicySource::Attached {
                policy: PolicyRef::Aws(_),
                ..
            } | PolicySource::DefaultKeyPolicy { .. }
                | PolicySource::DefaultEndpointPolicy { .. }
                | PolicySource::RcpFullAwsAccess { .. }
        )
    }

    /// The text the evaluation read: the scenario's, the managed-policy asset's (`None` when it
    /// is not loaded or does not know the policy) or the one AWS supplies.
    pub fn text<'a>(
        &self,
        scenario: &'a Scenario,
        managed: Option<&'a ManagedPolicies>,
    ) -> Option<Cow<'a, str>> {
        let borrowed = |s: &'a str| Some(Cow::Borrowed(s));
        match self {
            PolicySource::Attached {
                policy: PolicyRef::Aws(arn),
                ..
            } => managed?.get(arn).map(|p| Cow::Borrowed(p.document)),
            PolicySource::Attached {
                policy: PolicyRef::Customer(name),
                ..
            } => borrowed(scenario.policy(name)?.document.as_str()),
            PolicySource::External { arn, index, .. } => {
                let e = scenario
                    .external_principals
                    .iter()
                    .find(|e| e.arn == *arn)?;
                borrowed(e.policies.get(*index)?.document.as_str())
            }
            PolicySource::DefaultKeyPolicy { .. } => {
                Some(Cow::Owned(default_key_policy(&scenario.account.id)))
            }
            PolicySource::DefaultEndpointPolicy { .. } => {
                borrowed(crate::simulate::DEFAULT_VPC_ENDPOINT_POLICY)
            }
            PolicySource::RcpFullAwsAccess { .. } => borrowed(RCP_FULL_AWS_ACCESS),
            PolicySource::Inline { owner, name } => {
                let list = match owner {
                    IdentityRef::User(n) => &scenario.user(n)?.inline_policies,
                    IdentityRef::Group(n) => &scenario.group(n)?.inline_policies,
                    IdentityRef::Role(n) => &scenario.role(n)?.inline_policies,
                };
                borrowed(list.iter().find(|p| p.name == *name)?.document.as_str())
            }
            PolicySource::Trust { role } => borrowed(scenario.role(role)?.trust_policy.as_str()),
            PolicySource::Resource {
                resource_kind,
                name,
            } => borrowed(scenario.resource(*resource_kind, name)?.policy.as_deref()?),
            PolicySource::Scp { level, index } | PolicySource::Rcp { level, index } => {
                let l = scenario.organization.as_ref()?.levels.get(*level)?;
                let list = if matches!(self, PolicySource::Scp { .. }) {
                    &l.scps
                } else {
                    &l.rcps
                };
                borrowed(list.get(*index)?.document.as_str())
            }
        }
    }

    /// A heading for the policy in a list of the policies in play: "Inline policy Dev of
    /// group Developers", "AWS-managed policy ReadOnlyAccess (permissions boundary)".
    pub fn heading(&self, scenario: &Scenario) -> String {
        let who = |o: &IdentityRef| match o {
            IdentityRef::User(n) => format!("user {n}"),
            IdentityRef::Group(n) => format!("group {n}"),
            IdentityRef::Role(n) => format!("role {n}"),
        };
        let level_name = |level: usize| {
            scenario
                .organization
                .as_ref()
                .and_then(|o| o.levels.get(level))
                .map(|l| l.name.clone())
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| format!("level {}", level + 1))
        };
        let org_policy_name = |level: usize, index: usize, scp: bool| {
            scenario
                .organization
                .as_ref()
                .and_then(|o| o.levels.get(level))
                .and_then(|l| {
                    if scp {
                        l.scps.get(index)
                    } else {
                        l.rcps.get(index)
                    }
                })
                .map(|p| p.name.clone())
                .unwrap_or_else(|| format!("#{}", index + 1))
        };
        match self {
            PolicySource::Inline { owner, name } => {
                format!("Inline policy {name} of {}", who(owner))
            }
            PolicySource::Attached {
                policy, boundary, ..
            } => {
                let what = if *boundary {
                    " (permissions boundary)"
                } else {
                    ""
                };
                match policy {
                    PolicyRef::Customer(name) => format!("Customer-managed policy {name}{what}"),
                    PolicyRef::Aws(arn) => format!("AWS-managed policy {}{what}", aws_name(arn)),
                }
            }
            PolicySource::External { arn, name, .. } => {
                format!("Policy {name} of external principal {arn}")
            }
            PolicySource::Trust { role } => format!("Trust policy of role {role}"),
            PolicySource::Resource {
                resource_kind: ResourceKind::VpcEndpoint,
                name,
            } => format!("Endpoint policy of VPC endpoint {name}"),
            PolicySource::Resource { name, .. } => format!("Resource policy of {name}"),
            PolicySource::DefaultEndpointPolicy { name } => {
                format!("Default endpoint policy of VPC endpoint {name}")
            }
            PolicySource::DefaultKeyPolicy { name } => {
                format!("Default key policy of {name}")
            }
            PolicySource::Scp { level, index } => format!(
                "SCP {} at {} (level {})",
                org_policy_name(*level, *index, true),
                level_name(*level),
                level + 1
            ),
            PolicySource::Rcp { level, index } => format!(
                "RCP {} at {} (level {})",
                org_policy_name(*level, *index, false),
                level_name(*level),
                level + 1
            ),
            PolicySource::RcpFullAwsAccess { level } => format!(
                "RCPFullAWSAccess at {} (level {})",
                level_name(*level),
                level + 1
            ),
        }
    }
}

/// AWS's default key policy for a key of `account`: it lets the account's IAM policies grant
/// access to the key.
pub fn default_key_policy(account: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{account}:root"}},"Action":"kms:*","Resource":"*"}}]}}"#
    )
}
