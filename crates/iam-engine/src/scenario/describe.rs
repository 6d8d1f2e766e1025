//! How the playground names an entity and a policy text in words, in one place: the findings
//! list, the inspector, the canvas's cards and the simulator's answer all print these, so they
//! cannot disagree. An organization level is counted from 1 (the organization root is
//! "level 1"), as the organization's inspector numbers its levels.

use std::fmt;

use super::{DocumentRef, IdentityRef, PolicyRef, Target};

impl fmt::Display for Target {
    /// "user alice", "the root user", "AWS-managed policy ReadOnlyAccess", "S3 bucket logs".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Account => f.write_str("the account"),
            Target::RootUser => f.write_str("the root user"),
            Target::Organization => f.write_str("the organization"),
            Target::User { name } => write!(f, "user {name}"),
            Target::Group { name } => write!(f, "group {name}"),
            Target::Role { name } => write!(f, "role {name}"),
            Target::Policy { name } => write!(f, "customer-managed policy {name}"),
            Target::AwsPolicy { arn } => {
                write!(
                    f,
                    "AWS-managed policy {}",
                    PolicyRef::Aws(arn.clone()).name()
                )
            }
            Target::Resource {
                resource_kind,
                name,
            } => write!(f, "{} {name}", resource_kind.describe()),
            Target::ExternalPrincipal { arn } => write!(f, "external principal {arn}"),
            Target::Test { index } => write!(f, "saved test {}", index.saturating_add(1)),
        }
    }
}

impl fmt::Display for DocumentRef {
    /// A policy text of an entity: "inline policy AllowS3", "trust policy", "SCP 2 at level 1".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DocumentRef::Inline { name } => write!(f, "inline policy {name}"),
            DocumentRef::Managed => f.write_str("policy document"),
            DocumentRef::Trust => f.write_str("trust policy"),
            DocumentRef::ResourcePolicy => f.write_str("resource-based policy"),
            DocumentRef::Scp { level, index } => write!(
                f,
                "SCP {} at level {}",
                index.saturating_add(1),
                level.saturating_add(1)
            ),
            DocumentRef::Rcp { level, index } => write!(
                f,
                "RCP {} at level {}",
                index.saturating_add(1),
                level.saturating_add(1)
            ),
        }
    }
}

impl fmt::Display for IdentityRef {
    /// "user alice", "group Developers", "role deploy": the same words as its [`Target`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdentityRef::User(n) => write!(f, "user {n}"),
            IdentityRef::Group(n) => write!(f, "group {n}"),
            IdentityRef::Role(n) => write!(f, "role {n}"),
        }
    }
}

/// Where a policy text lives, as one phrase: the document of an entity ("inline policy S3 of
/// user alice", "the trust policy of role deploy", "customer-managed policy ReadLogs", "SCP 1
/// at level 2").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PolicyPlace<'a> {
    /// The entity the text belongs to.
    pub target: &'a Target,
    /// Which of its texts.
    pub document: &'a DocumentRef,
}

impl fmt::Display for PolicyPlace<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let owner = self.target;
        match self.document {
            DocumentRef::Inline { name } => write!(f, "inline policy {name} of {owner}"),
            DocumentRef::Managed => write!(f, "{owner}"),
            DocumentRef::Trust => write!(f, "the trust policy of {owner}"),
            DocumentRef::ResourcePolicy => write!(f, "the policy of {owner}"),
            // An organization policy is named by its place alone: the organization is one.
            DocumentRef::Scp { .. } | DocumentRef::Rcp { .. } => write!(f, "{}", self.document),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::ResourceKind;

    #[test]
    fn entities_are_named_by_kind_and_name() {
        let user = Target::User {
            name: "alice".into(),
        };
        assert_eq!(user.to_string(), "user alice");
        assert_eq!(Target::RootUser.to_string(), "the root user");
        assert_eq!(
            Target::Policy {
                name: "ReadLogs".into()
            }
            .to_string(),
            "customer-managed policy ReadLogs"
        );
        assert_eq!(
            Target::AwsPolicy {
                arn: "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess".into()
            }
            .to_string(),
            "AWS-managed policy ViewOnlyAccess"
        );
        assert_eq!(
            Target::Resource {
                resource_kind: ResourceKind::S3Bucket,
                name: "logs".into()
            }
            .to_string(),
            "S3 bucket logs"
        );
        assert_eq!(Target::Test { index: 0 }.to_string(), "saved test 1");
        assert_eq!(
            IdentityRef::Role("deploy".into()).to_string(),
            "role deploy"
        );
    }

    #[test]
    fn organization_levels_and_positions_count_from_one() {
        // Level 0 is the organization root, which the organization's inspector shows first.
        let scp = DocumentRef::Scp { level: 0, index: 0 };
        assert_eq!(scp.to_string(), "SCP 1 at level 1");
        let rcp = DocumentRef::Rcp { level: 2, index: 1 };
        assert_eq!(rcp.to_string(), "RCP 2 at level 3");
        let place = PolicyPlace {
            target: &Target::Organization,
            document: &scp,
        };
        assert_eq!(place.to_string(), "SCP 1 at level 1");
    }

    #[test]
    fn places_name_the_document_and_its_owner() {
        let role = Target::Role {
            name: "deploy".into(),
        };
        let place = |document: &DocumentRef| {
            PolicyPlace {
                target: &role,
                document,
            }
            .to_string()
        };
        assert_eq!(
            place(&DocumentRef::Inline { name: "S3".into() }),
            "inline policy S3 of role deploy"
        );
        assert_eq!(
            place(&DocumentRef::Trust),
            "the trust policy of role deploy"
        );
        assert_eq!(place(&DocumentRef::Managed), "role deploy");
        assert_eq!(
            DocumentRef::ResourcePolicy.to_string(),
            "resource-based policy"
        );
    }
}
