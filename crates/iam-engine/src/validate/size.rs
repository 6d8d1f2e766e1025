//! Policy size quotas (IAM User Guide `reference_iam-quotas.html`, AWS Organizations quotas).
//!
//! IAM does not count whitespace in the size of identity policies and trust policies; AWS
//! Organizations counts every character of an SCP or RCP, whitespace included.

use serde::{Deserialize, Serialize};

use super::Finding;
use crate::policy::PolicyType;
use crate::span::Span;

/// Which AWS quota a policy text is held to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Quota {
    /// A customer managed policy (and a permissions boundary, which is one): 6,144 characters
    /// without whitespace.
    Managed,
    /// All inline policies of one user together: 2,048 characters without whitespace.
    UserInline,
    /// All inline policies of one group together: 5,120 characters without whitespace.
    GroupInline,
    /// All inline policies of one role together: 10,240 characters without whitespace.
    RoleInline,
    /// A role trust policy: 2,048 characters without whitespace (the default quota).
    TrustPolicy,
    /// A service control policy: 5,120 characters, whitespace included.
    Scp,
    /// A resource control policy: 5,120 characters, whitespace included.
    Rcp,
    /// A VPC endpoint policy: 20,480 characters, whitespace included (Amazon VPC
    /// PrivateLink guide, `vpc-endpoints-access.html`).
    VpcEndpoint,
}

impl Quota {
    /// Every quota, for listings.
    pub const ALL: [Quota; 8] = [
        Quota::Managed,
        Quota::UserInline,
        Quota::GroupInline,
        Quota::RoleInline,
        Quota::TrustPolicy,
        Quota::Scp,
        Quota::Rcp,
        Quota::VpcEndpoint,
    ];

    /// The largest size AWS accepts, in characters.
    pub fn limit(self) -> usize {
        match self {
            Quota::Managed => 6_144,
            Quota::UserInline | Quota::TrustPolicy => 2_048,
            Quota::GroupInline | Quota::Scp | Quota::Rcp => 5_120,
            Quota::RoleInline => 10_240,
            Quota::VpcEndpoint => 20_480,
        }
    }

    /// Whether whitespace counts towards the limit.
    pub fn counts_whitespace(self) -> bool {
        matches!(self, Quota::Scp | Quota::Rcp | Quota::VpcEndpoint)
    }

    /// A human name for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Quota::Managed => "a managed policy",
            Quota::UserInline => "a user's inline policies together",
            Quota::GroupInline => "a group's inline policies together",
            Quota::RoleInline => "a role's inline policies together",
            Quota::TrustPolicy => "a role trust policy",
            Quota::Scp => "a service control policy",
            Quota::Rcp => "a resource control policy",
            Quota::VpcEndpoint => "a VPC endpoint policy",
        }
    }

    /// The quota a policy of `policy_type` is usually held to: managed for identity policies
    /// and boundaries, the trust, SCP and RCP quotas for those. Resource-based and session
    /// policies have per-service or packed-size limits the text alone cannot decide, so none.
    pub fn default_for(policy_type: PolicyType) -> Option<Quota> {
        match policy_type {
            PolicyType::Identity | PolicyType::PermissionsBoundary => Some(Quota::Managed),
            PolicyType::Trust => Some(Quota::TrustPolicy),
            PolicyType::Scp => Some(Quota::Scp),
            PolicyType::Rcp => Some(Quota::Rcp),
            PolicyType::VpcEndpoint => Some(Quota::VpcEndpoint),
            PolicyType::Resource | PolicyType::Session => None,
        }
    }
}

/// The size of `text` as AWS counts it for `quota`, in characters.
pub fn policy_size(text: &str, quota: Quota) -> usize {
    if quota.counts_whitespace() {
        text.chars().count()
    } else {
        text.chars().filter(|c| !c.is_whitespace()).count()
    }
}

/// A `policy-size-quota` finding when `text` is larger than `quota` allows. The span covers
/// the first character past the limit, so the editor shows where the text stops fitting.
pub fn check_size(text: &str, quota: Quota) -> Option<Finding> {
    let size = policy_size(text, quota);
    let limit = quota.limit();
    if size <= limit {
        return None;
    }
    let mut counted = 0usize;
    let mut start = text.len();
    for (i, c) in text.char_indices() {
        if quota.counts_whitespace() || !c.is_whitespace() {
            counted += 1;
            if counted > limit {
                start = i;
                break;
            }
        }
    }
    let whitespace = if quota.counts_whitespace() {
        "including whitespace"
    } else {
        "not counting whitespace"
    };
    Some(
        Finding::new(
            "policy-size-quota",
            Span::new(
                start,
                start
                    + text
                        .get(start..)
                        .and_then(|r| r.chars().next())
                        .map_or(0, char::len_utf8),
            ),
            format!(
                "The policy is {size} characters long ({whitespace}); {} may have at most {limit}.",
                quota.describe()
            ),
        )
        .help(
            "Split the policy, or shorten it with wildcards that still grant only what is needed.",
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_counts_only_for_organizations_policies() {
        let text = "{ \"a\" : 1 }";
        assert_eq!(policy_size(text, Quota::Managed), 7);
        assert_eq!(policy_size(text, Quota::Scp), 11);
    }

    #[test]
    fn the_span_starts_past_the_limit() {
        let text = format!("{}{}", "a ".repeat(2_048), "b");
        assert!(check_size(&text, Quota::Managed).is_none());
        let f = check_size(&text, Quota::UserInline).unwrap();
        assert_eq!(f.span.slice(&text), "b");
        assert_eq!(f.code, "policy-size-quota");
        let scp = "x".repeat(5_121);
        assert!(check_size(&scp[1..], Quota::Scp).is_none());
        let f = check_size(&scp, Quota::Scp).unwrap();
        assert_eq!(f.span, Span::new(5_120, 5_121));
    }

    #[test]
    fn limits_match_the_quota_pages() {
        let limits: Vec<usize> = Quota::ALL.iter().map(|q| q.limit()).collect();
        assert_eq!(
            limits,
            vec![6_144, 2_048, 5_120, 10_240, 2_048, 5_120, 5_120, 20_480]
        );
        // A VPC endpoint policy counts whitespace (the PrivateLink guide: "including white
        // space"), so 20,480 spaces fit and one more character does not.
        let endpoint = " ".repeat(20_480);
        assert!(check_size(&endpoint, Quota::VpcEndpoint).is_none());
        assert!(check_size(&format!("{endpoint}x"), Quota::VpcEndpoint).is_some());
        assert_eq!(
            Quota::default_for(PolicyType::VpcEndpoint),
            Some(Quota::VpcEndpoint)
        );
    }
}
