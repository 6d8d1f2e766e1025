//! The inputs of an evaluation: who calls (the [`Caller`]), what they ask ([`Request`]) and
//! which policies apply ([`PolicySet`]).

use serde::{Deserialize, Serialize};

use super::compile::CompiledPolicy;

/// The kinds of principal that can make a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CallerKind {
    /// An IAM user (`arn:aws:iam::ACCOUNT:user/path/name`).
    User,
    /// An IAM role used directly (rare: roles act through sessions).
    Role,
    /// A role session (`arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`).
    RoleSession,
    /// An STS federated user session (`arn:aws:sts::ACCOUNT:federated-user/NAME`).
    FederatedUser,
    /// The account root user (`arn:aws:iam::ACCOUNT:root`).
    Root,
    /// An AWS service principal such as `cloudtrail.amazonaws.com`.
    Service,
    /// An unauthenticated caller.
    Anonymous,
}

/// The principal making the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Caller {
    /// What kind of principal this is.
    pub kind: CallerKind,
    /// The principal's ARN (for a service principal, its name; for anonymous, `*`).
    pub arn: String,
    /// The account the principal belongs to (empty for services and anonymous callers).
    pub account: String,
    /// For a role session, the ARN of its role (`arn:aws:iam::ACCOUNT:role/path/NAME`).
    pub role_arn: Option<String>,
}

impl Caller {
    /// Reads a caller from an ARN the way AWS's simulator reads `CallerArn`: user, role,
    /// assumed-role session, federated user or root ARNs; a bare service name
    /// (`*.amazonaws.com`) is a service principal and `*` or `anonymous` an anonymous caller.
    /// Returns `None` for anything else.
    pub fn from_arn(arn: &str) -> Option<Caller> {
        if arn == "*" || arn.eq_ignore_ascii_case("anonymous") {
            return Some(Caller {
                kind: CallerKind::Anonymous,
                arn: "*".to_string(),
                account: String::new(),
                role_arn: None,
            });
        }
        if !arn.starts_with("arn:") && arn.ends_with(".amazonaws.com") {
            return Some(Caller {
                kind: CallerKind::Service,
                arn: arn.to_string(),
                account: String::new(),
                role_arn: None,
            });
        }
        let mut parts = arn.splitn(6, ':');
        let (Some("arn"), Some(partition), Some(service), Some(_region), Some(account), Some(res)) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return None;
        };
        if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let caller = |kind, role_arn| {
            Some(Caller {
                kind,
                arn: arn.to_string(),
                account: account.to_string(),
                role_arn,
            })
        };
        match service {
            "iam" if res == "root" => caller(CallerKind::Root, None),
            "iam" if res.starts_with("user/") && res.len() > 5 => caller(CallerKind::User, None),
            "iam" if res.starts_with("role/") && res.len() > 5 => caller(CallerKind::Role, None),
            "sts" if res.starts_with("assumed-role/") => {
                let rest = res.get("assumed-role/".len()..).unwrap_or("");
                let (role, session) = rest.rsplit_once('/')?;
                if role.is_empty() || session.is_empty() {
                    return None;
                }
                let role_arn = format!("arn:{partition}:iam::{account}:role/{role}");
                caller(CallerKind::RoleSession, Some(role_arn))
            }
            "sts" if res.starts_with("federated-user/") && res.len() > 15 => {
                caller(CallerKind::FederatedUser, None)
            }
            _ => None,
        }
    }

    /// The ARN AWS writes as `aws:PrincipalArn`: for a role session, the role's ARN.
    pub fn principal_arn(&self) -> &str {
        self.role_arn.as_deref().unwrap_or(&self.arn)
    }

    /// The user name for `aws:username` (IAM users only).
    pub fn user_name(&self) -> Option<&str> {
        if self.kind != CallerKind::User {
            return None;
        }
        self.arn.rsplit('/').next()
    }

    /// Whether the caller is an IAM principal that policies attached in IAM can govern.
    pub fn is_iam_principal(&self) -> bool {
        matches!(
            self.kind,
            CallerKind::User
                | CallerKind::Role
                | CallerKind::RoleSession
                | CallerKind::FederatedUser
        )
    }
}

/// What kind of resource policy the resource has, which decides whether it must allow
/// explicitly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ResourcePolicyKind {
    /// An ordinary resource-based policy: an identity policy can grant on its own in the
    /// same account.
    #[default]
    Ordinary,
    /// A role trust policy: it must allow the `sts:AssumeRole*` request explicitly (naming the
    /// account delegates to the account's identity policies).
    RoleTrust,
    /// A KMS key policy: it must allow explicitly (naming the account delegates).
    KmsKey,
}

/// One request to evaluate.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// Who asks.
    pub caller: Caller,
    /// The action, `service:Action`.
    pub action: String,
    /// The resource ARN, or `*` for actions without resources.
    pub resource: String,
    /// The account owning the resource; `None` means the caller's account.
    pub resource_account: Option<String>,
    /// The request context (condition keys and their values).
    pub context: crate::context::RequestContext,
}

impl Request {
    /// Adds the global condition keys AWS derives from the caller and the resource, unless the
    /// context already has them: `aws:PrincipalArn`, `aws:PrincipalAccount`,
    /// `aws:PrincipalType` (`User`, `AssumedRole`, `FederatedUser`, `Account`),
    /// `aws:username` (IAM users only), `aws:PrincipalIsAWSService` and `aws:ResourceAccount`.
    ///
    /// AWS's simulator does not add them (a policy using them reports them under
    /// `MissingContextValues`), so [`crate::simulate`] leaves them out; the playground adds them
    /// for scenarios where the caller is known.
    pub fn with_principal_context(mut self) -> Request {
        use crate::context::{ContextEntry, ContextKeyType};
        let caller = &self.caller;
        let mut add = |key: &str, ty: ContextKeyType, value: String| {
            if self.context.get(key).is_none() {
                self.context.insert(ContextEntry::new(key, ty, [value]));
            }
        };
        let principal_type = match caller.kind {
            CallerKind::User => Some("User"),
            CallerKind::Role | CallerKind::RoleSession => Some("AssumedRole"),
            CallerKind::FederatedUser => Some("FederatedUser"),
            CallerKind::Root => Some("Account"),
            CallerKind::Service | CallerKind::Anonymous => None,
        };
        if caller.kind != CallerKind::Anonymous {
            add(
                "aws:PrincipalIsAWSService",
                ContextKeyType::Boolean,
                (caller.kind == CallerKind::Service).to_string(),
            );
        }
        if let Some(t) = principal_type {
            add("aws:PrincipalType", ContextKeyType::String, t.to_string());
            add(
                "aws:PrincipalArn",
                ContextKeyType::String,
                caller.principal_arn().to_string(),
            );
            add(
                "aws:PrincipalAccount",
                ContextKeyType::String,
                caller.account.clone(),
            );
        }
        if let Some(name) = caller.user_name() {
            add("aws:username", ContextKeyType::String, name.to_string());
        }
        let resource_account = self
            .resource_account
            .clone()
            .filter(|a| !a.is_empty())
            .unwrap_or_else(|| caller.account.clone());
        if !resource_account.is_empty() {
            add(
                "aws:ResourceAccount",
                ContextKeyType::String,
                resource_account,
            );
        }
        self
    }

    /// The account owning the resource.
    pub fn resource_account(&self) -> &str {
        self.resource_account
            .as_deref()
            .filter(|a| !a.is_empty())
            .unwrap_or(&self.caller.account)
    }

    /// Whether the caller and the resource are in different accounts.
    pub fn is_cross_account(&self) -> bool {
        !self.caller.account.is_empty() && self.resource_account() != self.caller.account
    }
}

/// The policies that apply to one principal and resource, compiled once and evaluated many
/// times.
#[derive(Debug, Clone, Default)]
pub struct PolicySet {
    /// The principal's identity-based policies (inline and managed, its groups' included).
    pub identity: Vec<CompiledPolicy>,
    /// The principal's permissions boundary, if it has one.
    pub permissions_boundary: Option<CompiledPolicy>,
    /// The session policies passed when the session was created.
    pub session: Vec<CompiledPolicy>,
    /// The SCPs of the principal's account, by level from the organization root through the
    /// OUs to the account. Empty when the account is in no organization.
    pub scp_levels: Vec<Vec<CompiledPolicy>>,
    /// The RCPs of the resource's account, by level, likewise.
    pub rcp_levels: Vec<Vec<CompiledPolicy>>,
    /// The resource's resource-based policy (or the role's trust policy).
    pub resource_policy: Option<CompiledPolicy>,
    /// The policy of the VPC endpoint the request goes through, when it goes through one: it
    /// must allow the request too, and it never grants on its own.
    pub vpc_endpoint: Option<CompiledPolicy>,
    /// What the resource policy is.
    pub resource_policy_kind: ResourcePolicyKind,
    /// The organization's management account, exempt from SCPs and RCPs.
    pub management_account: Option<String>,
}

impl PolicySet {
    /// Every policy of the set, of every type, whether or not it applies to the caller.
    pub fn every_policy(&self) -> impl Iterator<Item = &CompiledPolicy> {
        self.identity
            .iter()
            .chain(self.permissions_boundary.iter())
            .chain(self.session.iter())
            .chain(self.scp_levels.iter().flatten())
            .chain(self.rcp_levels.iter().flatten())
            .chain(self.resource_policy.iter())
            .chain(self.vpc_endpoint.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callers_from_arns() {
        let u = Caller::from_arn("arn:aws:iam::111122223333:user/division/alice").unwrap();
        assert_eq!(u.kind, CallerKind::User);
        assert_eq!(u.account, "111122223333");
        assert_eq!(u.user_name(), Some("alice"));
        let s = Caller::from_arn("arn:aws:sts::111122223333:assumed-role/app/s1").unwrap();
        assert_eq!(s.kind, CallerKind::RoleSession);
        assert_eq!(s.principal_arn(), "arn:aws:iam::111122223333:role/app");
        assert_eq!(
            Caller::from_arn("arn:aws:iam::111122223333:root")
                .unwrap()
                .kind,
            CallerKind::Root
        );
        assert_eq!(
            Caller::from_arn("ec2.amazonaws.com").unwrap().kind,
            CallerKind::Service
        );
        assert_eq!(Caller::from_arn("*").unwrap().kind, CallerKind::Anonymous);
        for bad in [
            "bob",
            "arn:aws:iam::1234:user/x",
            "arn:aws:s3:::bucket",
            "arn:aws:sts::111122223333:assumed-role/app",
            "arn:aws:iam::111122223333:user/",
        ] {
            assert_eq!(Caller::from_arn(bad), None, "{bad}");
        }
    }

    #[test]
    fn principal_context_is_derived_but_never_overrides() {
        let mut context = crate::context::RequestContext::new();
        context.set(
            "aws:PrincipalTag/team",
            crate::context::ContextKeyType::String,
            ["red"],
        );
        context.set(
            "aws:username",
            crate::context::ContextKeyType::String,
            ["given"],
        );
        let r = Request {
            caller: Caller::from_arn("arn:aws:iam::111122223333:user/alice").unwrap(),
            action: "s3:GetObject".into(),
            resource: "*".into(),
            resource_account: Some("444455556666".into()),
            context,
        }
        .with_principal_context();
        let value = |k: &str| r.context.lookup(k).values().first().cloned();
        assert_eq!(
            value("aws:PrincipalArn").as_deref(),
            Some("arn:aws:iam::111122223333:user/alice")
        );
        assert_eq!(value("aws:PrincipalType").as_deref(), Some("User"));
        assert_eq!(value("aws:username").as_deref(), Some("given"));
        assert_eq!(
            value("aws:ResourceAccount").as_deref(),
            Some("444455556666")
        );
        assert_eq!(value("aws:PrincipalIsAWSService").as_deref(), Some("false"));
        assert!(r.is_cross_account());
    }
}
