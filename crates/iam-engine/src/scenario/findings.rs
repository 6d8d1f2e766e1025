//! Findings for a whole scenario: validation problems (names, references, quotas, policy
//! grammar) and account-level best practices from the seed documents, each pointing at the
//! entity (and, for policy text, the document and span) the UI should jump to; plus quota
//! meters.
//!
//! # Best-practice findings
//! | code | severity | when |
//! |---|---|---|
//! | `root-no-mfa` | security warning | the root user has a password but no MFA device |
//! | `root-access-keys` | security warning | root access keys exist |
//! | `user-direct-policies` | warning | a user has policies attached directly instead of through a group |
//! | `admin-granted-to-user` | security warning | full administrator access is attached to a user directly |
//! | `admin-granted-broadly` | security warning | more than [`ADMIN_PRINCIPALS_THRESHOLD`] users and roles hold full administrator access |
//! | `console-user-no-mfa` | security warning | a user with a console password has no MFA device |
//! | `console-user-no-password-reset` | suggestion | a console password that is not set to be changed at the next sign-in (right for new users) |
//! | `stale-access-key` | warning | an active access key older than [`STALE_ACCESS_KEY_DAYS`] days |
//! | `empty-group` | suggestion | a group without members |
//! | `group-without-policies` | suggestion | a group that grants nothing |
//! | `role-trusts-anyone` | security warning | a trust policy allows `*` to assume the role without a condition |
//! | `user-console-and-keys` | suggestion | a user with both a console password and access keys (people and programs are better as separate identities) |
//!
//! **Full administrator access** is the AWS-managed `AdministratorAccess` policy, or any
//! policy (inline or customer-managed) with an `Allow` statement whose `Action` lists `*` (or
//! `*:*`), whose `Resource` lists `*`, and which has no `Condition`; the statement is read with
//! the engine's policy parser, so formatting and single-string forms do not matter. Boundaries
//! and SCPs are not subtracted: the finding is about what was granted.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::diagnostic::Severity;
use crate::policy::{PolicyType, PrincipalKind, PrincipalValue, parse_policy};
use crate::span::Span;

use super::edit::NameIndex;
use super::fixes::Fix;
use super::names::{
    ADMIN_PRINCIPALS_THRESHOLD, GROUP_INLINE_MAX, GROUPS_MAX, GROUPS_PER_USER, MANAGED_PER_ENTITY,
    MANAGED_POLICY_MAX, ORG_POLICY_MAX, POLICIES_MAX, Problem, RAISABLE_NOTE, ROLE_INLINE_MAX,
    ROLES_MAX, STALE_ACCESS_KEY_DAYS, TAGS_MAX, TRUST_POLICY_MAX, USER_INLINE_MAX, USERS_MAX,
    policy_size,
};
use super::{AWS_MANAGED_PREFIX, InlinePolicy, PolicyRef, ResourceKind, Scenario};

/// The entity a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Target {
    /// The account (id, alias, Region).
    Account,
    /// The account root user.
    RootUser,
    /// The organization.
    Organization,
    /// A user.
    User {
        /// The user's name.
        name: String,
    },
    /// A group.
    Group {
        /// The group's name.
        name: String,
    },
    /// A role.
    Role {
        /// The role's name.
        name: String,
    },
    /// A customer-managed policy.
    Policy {
        /// The policy's name.
        name: String,
    },
    /// An AWS-managed policy the scenario refers to (read-only: AWS maintains it).
    AwsPolicy {
        /// Its ARN, such as `arn:aws:iam::aws:policy/AdministratorAccess`.
        arn: String,
    },
    /// A resource.
    Resource {
        /// The resource's kind.
        #[serde(rename = "resourceKind")]
        resource_kind: ResourceKind,
        /// The resource's name.
        name: String,
    },
    /// A principal of another account.
    ExternalPrincipal {
        /// Its ARN.
        arn: String,
    },
    /// A saved test.
    Test {
        /// The test's position in the list.
        index: usize,
    },
}

/// Which policy text of the target a finding is in.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum DocumentRef {
    /// An inline policy of a user, group or role.
    Inline {
        /// The inline policy's name.
        name: String,
    },
    /// The customer-managed policy's document.
    Managed,
    /// A role's trust policy.
    Trust,
    /// A resource's resource-based policy.
    ResourcePolicy,
    /// A service control policy of the organization.
    Scp {
        /// The level (0 = the organization root).
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
}

/// One finding about a scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// A stable code (`root-no-mfa`, `name-duplicate`, or a policy diagnostic's code).
    pub code: String,
    /// How serious it is, in IAM Access Analyzer's vocabulary.
    pub severity: Severity,
    /// One or two sentences.
    pub message: String,
    /// The entity to jump to.
    pub target: Target,
    /// The policy text, when the finding is about one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<DocumentRef>,
    /// The span in that text, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
    /// The change that resolves it, where there is one ([`Scenario::apply_fix`] applies it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
}

/// One policy text of a scenario (see [`Scenario::policy_texts`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyText<'a> {
    /// The entity the text belongs to.
    pub target: Target,
    /// Which of the entity's documents it is.
    pub document: DocumentRef,
    /// The grammar the text is read with.
    pub policy_type: PolicyType,
    /// The text as the user typed it.
    pub text: &'a str,
}

impl PolicyText<'_> {
    /// The text's name in words, unique in its scenario ("customer-managed policy ReadLogs",
    /// "inline policy Dev of group Developers", "the trust policy of role Deployer"): what an
    /// embed's `policy` parameter holds, found again by [`Scenario::policy_text_named`].
    pub fn name(&self) -> String {
        super::PolicyPlace {
            target: &self.target,
            document: &self.document,
        }
        .to_string()
    }
}

fn user_target(name: &str) -> Target {
    Target::User {
        name: name.to_string(),
    }
}

fn group_target(name: &str) -> Target {
    Target::Group {
        name: name.to_string(),
    }
}

fn role_target(name: &str) -> Target {
    Target::Role {
        name: name.to_string(),
    }
}

fn policy_target(name: &str) -> Target {
    Target::Policy {
        name: name.to_string(),
    }
}

fn resource_target(resource_kind: ResourceKind, name: &str) -> Target {
    Target::Resource {
        resource_kind,
        name: name.to_string(),
    }
}

fn external_target(arn: &str) -> Target {
    Target::ExternalPrincipal {
        arn: arn.to_string(),
    }
}

impl Finding {
    fn new(code: &str, severity: Severity, message: impl Into<String>, target: Target) -> Self {
        Finding {
            code: code.to_string(),
            severity,
            message: message.into(),
            target,
            document: None,
            span: None,
            fix: None,
        }
    }

    /// The finding with the change that resolves it.
    fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    fn from_problem(p: Problem, target: &Target) -> Self {
        Finding::new(p.code, Severity::Error, p.message, target.clone())
    }
}

/// One quota: how much is used of what AWS allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QuotaMeter {
    /// What is counted, e.g. "Managed policies attached".
    pub label: &'static str,
    /// How much is used.
    pub used: usize,
    /// AWS's limit.
    pub limit: usize,
    /// A note, e.g. that the quota can be raised.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<&'static str>,
}

impl QuotaMeter {
    fn new(label: &'static str, used: usize, limit: usize) -> Self {
        QuotaMeter {
            label,
            used,
            limit,
            note: None,
        }
    }

    /// Whether the limit is exceeded.
    pub fn exceeded(&self) -> bool {
        self.used > self.limit
    }
}

fn inline_size(policies: &[InlinePolicy]) -> usize {
    policies.iter().map(|p| policy_size(&p.document)).sum()
}

/// Whether a policy text grants full administrator access (see the module docs).
pub(crate) fn grants_full_admin(text: &str) -> bool {
    let parsed = parse_policy(text, PolicyType::Identity);
    parsed.document.statements.iter().any(|s| {
        let allow = s
            .effect
            .as_ref()
            .is_some_and(|e| e.value == crate::policy::Effect::Allow);
        let star = |el: &Option<crate::policy::ListElement>, also: &str| {
            el.as_ref().is_some_and(|l| {
                !l.negated && l.items.iter().any(|i| i.value == "*" || i.value == also)
            })
        };
        allow && s.condition.is_empty() && star(&s.action, "*:*") && star(&s.resource, "*")
    })
}

impl Scenario {
    /// Every finding: validation problems first, then best practices.
    pub fn findings(&self) -> Vec<Finding> {
        let mut out = self.validate();
        out.extend(self.best_practices());
        out
    }

    /// Every finding, with each policy text checked by the full validator (the catalog checks
    /// included when `catalog` is given: unknown actions, condition keys, resource formats)
    /// instead of the grammar alone. This is what the app's findings list shows.
    pub fn findings_with_catalog(&self, catalog: Option<&crate::catalog::Catalog>) -> Vec<Finding> {
        self.findings_cached(catalog, &ValidationCache::default())
    }

    /// [`Scenario::findings_with_catalog`], with each policy text's validation remembered in
    /// `cache` from one call to the next: after an edit only the texts that changed are
    /// validated again (the app asks again after every keystroke, over thousands of texts in a
    /// real account). The answer is the same as without the cache.
    pub fn findings_cached(
        &self,
        catalog: Option<&crate::catalog::Catalog>,
        cache: &ValidationCache,
    ) -> Vec<Finding> {
        let mut out = self.entity_problems();
        let mut cache = cache.inner.borrow_mut();
        cache.begin(catalog);
        for doc in self.policy_texts() {
            // Quotas are checked per entity above, so the per-text size check is left out.
            let found = cache.get_or_insert(doc.text, doc.policy_type, || {
                let options = crate::validate::ValidateOptions {
                    policy_type: doc.policy_type,
                    catalog,
                    quota: None,
                };
                crate::validate::validate_with(doc.text, &options)
            });
            for f in found.iter().cloned() {
                out.push(Finding {
                    code: f.code,
                    severity: f.severity,
                    message: f.message,
                    target: doc.target.clone(),
                    document: Some(doc.document.clone()),
                    span: Some(f.span),
                    fix: None,
                });
            }
        }
        out.extend(self.best_practices_with(&mut |text| cache.grants_admin(text)));
        cache.end();
        out
    }

    /// Whether the scenario has no validation error.
    pub fn is_valid(&self) -> bool {
        !self
            .validate()
            .iter()
            .any(|f| f.severity == Severity::Error)
    }

    /// Validation: names, paths, duplicates, references, quotas, and the grammar of every
    /// policy text (each diagnostic of the policy parser, with its span). Entity problems come
    /// first, then the diagnostics of each text in [`Scenario::policy_texts`] order.
    pub fn validate(&self) -> Vec<Finding> {
        let mut out = self.entity_problems();
        for doc in self.policy_texts() {
            for d in parse_policy(doc.text, doc.policy_type).diagnostics {
                out.push(Finding {
                    code: d.code,
                    severity: d.severity,
                    message: d.message,
                    target: doc.target.clone(),
                    document: Some(doc.document.clone()),
                    span: Some(d.span),
                    fix: None,
                });
            }
        }
        out
    }

    /// The problems of the entities themselves (names, paths, duplicates, references, quotas),
    /// without the policy texts' diagnostics.
    fn entity_problems(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        let account = Target::Account;
        if let Err(p) = super::names::check_account_id(&self.account.id) {
            out.push(Finding::from_problem(p, &account));
        }
        if let Some(alias) = &self.account.alias
            && let Err(p) = super::names::check_alias(alias)
        {
            out.push(Finding::from_problem(p, &account));
        }
        if let Some(org) = &self.organization {
            for p in Scenario::organization_problems(org) {
                out.push(Finding::from_problem(p, &Target::Organization));
            }
        }
        let mut problems = |problems: Vec<_>, target: Target| {
            out.extend(
                problems
                    .into_iter()
                    .map(|p| Finding::from_problem(p, &target)),
            );
        };
        let names = Some(NameIndex::of(self));
        let names = names.as_ref();
        for (i, u) in self.users.iter().enumerate() {
            problems(
                self.user_problems_in(u, Some(i), names),
                user_target(&u.name),
            );
        }
        for (i, g) in self.groups.iter().enumerate() {
            problems(
                self.group_problems_in(g, Some(i), names),
                group_target(&g.name),
            );
        }
        for (i, r) in self.roles.iter().enumerate() {
            problems(
                self.role_problems_in(r, Some(i), names),
                role_target(&r.name),
            );
        }
        for (i, p) in self.policies.iter().enumerate() {
            problems(
                self.policy_problems_in(p, Some(i), names),
                policy_target(&p.name),
            );
        }
        for (i, r) in self.resources.iter().enumerate() {
            problems(
                self.resource_problems(r, Some(i)),
                resource_target(r.kind, &r.name),
            );
        }
        for (i, e) in self.external_principals.iter().enumerate() {
            problems(self.external_problems(e, Some(i)), external_target(&e.arn));
        }
        for (index, test) in self.tests.iter().enumerate() {
            problems(self.test_problems(test), Target::Test { index });
        }
        out
    }

    /// Every policy text of the scenario, with the entity it belongs to, which of its
    /// documents it is and the grammar it is read with: SCPs and RCPs of each organization
    /// level, then users' inline policies, groups' inline policies, roles' trust and inline
    /// policies, customer-managed policies, resource policies and external principals'
    /// policies. A customer-managed policy is read with the identity grammar, which is also the
    /// boundary grammar: both forbid `Principal`.
    pub fn policy_texts(&self) -> Vec<PolicyText<'_>> {
        self.all_policy_texts()
    }

    /// The policy text whose [`PolicyText::name`] is `name` (spaces around it ignored), if
    /// the scenario has one: a look-up among the names, nothing is parsed.
    pub fn policy_text_named(&self, name: &str) -> Option<PolicyText<'_>> {
        let name = name.trim();
        self.all_policy_texts()
            .into_iter()
            .find(|text| text.name() == name)
    }

    fn all_policy_texts(&self) -> Vec<PolicyText<'_>> {
        fn text<'a>(
            target: &Target,
            document: DocumentRef,
            policy_type: PolicyType,
            text: &'a str,
        ) -> PolicyText<'a> {
            PolicyText {
                target: target.clone(),
                document,
                policy_type,
                text,
            }
        }
        fn inline<'a>(
            out: &mut Vec<PolicyText<'a>>,
            target: &Target,
            policies: &'a [InlinePolicy],
        ) {
            out.extend(policies.iter().map(|p| {
                let name = p.name.clone();
                text(
                    target,
                    DocumentRef::Inline { name },
                    PolicyType::Identity,
                    &p.document,
                )
            }));
        }
        let mut out = Vec::new();
        let levels = self.organization.iter().flat_map(|o| o.levels.iter());
        for (level, l) in levels.enumerate() {
            for (index, p) in l.scps.iter().enumerate() {
                let document = DocumentRef::Scp { level, index };
                out.push(text(
                    &Target::Organization,
                    document,
                    PolicyType::Scp,
                    &p.document,
                ));
            }
            for (index, p) in l.rcps.iter().enumerate() {
                let document = DocumentRef::Rcp { level, index };
                out.push(text(
                    &Target::Organization,
                    document,
                    PolicyType::Rcp,
                    &p.document,
                ));
            }
        }
        for u in &self.users {
            inline(&mut out, &user_target(&u.name), &u.inline_policies);
        }
        for g in &self.groups {
            inline(&mut out, &group_target(&g.name), &g.inline_policies);
        }
        for r in &self.roles {
            let t = role_target(&r.name);
            out.push(text(
                &t,
                DocumentRef::Trust,
                PolicyType::Trust,
                &r.trust_policy,
            ));
            inline(&mut out, &t, &r.inline_policies);
        }
        for p in &self.policies {
            let t = policy_target(&p.name);
            out.push(text(
                &t,
                DocumentRef::Managed,
                PolicyType::Identity,
                &p.document,
            ));
        }
        for r in &self.resources {
            if let Some(policy) = &r.policy {
                let t = resource_target(r.kind, &r.name);
                out.push(text(
                    &t,
                    DocumentRef::ResourcePolicy,
                    r.kind.policy_type(),
                    policy,
                ));
            }
        }
        for e in &self.external_principals {
            inline(&mut out, &external_target(&e.arn), &e.policies);
        }
        out
    }

    /// References to AWS-managed policies that the managed-policy list does not know (for
    /// example a misspelt name). [`Scenario::validate`] checks only the ARN's form, because the
    /// list is a separate asset that may not be loaded yet; call this once it is.
    pub fn unknown_aws_policies(&self, managed: &crate::catalog::ManagedPolicies) -> Vec<Finding> {
        let mut out = Vec::new();
        let mut check = |r: &PolicyRef, target: &Target| {
            if let PolicyRef::Aws(arn) = r
                && managed.get(arn).is_none()
            {
                out.push(Finding::new(
                    "unknown-aws-policy",
                    Severity::Error,
                    format!("There is no AWS-managed policy {arn}."),
                    target.clone(),
                ));
            }
        };
        for u in &self.users {
            let t = Target::User {
                name: u.name.clone(),
            };
            u.managed_policies
                .iter()
                .chain(&u.permissions_boundary)
                .for_each(|r| check(r, &t));
        }
        for g in &self.groups {
            let t = Target::Group {
                name: g.name.clone(),
            };
            g.managed_policies.iter().for_each(|r| check(r, &t));
        }
        for r in &self.roles {
            let t = Target::Role {
                name: r.name.clone(),
            };
            r.managed_policies
                .iter()
                .chain(&r.permissions_boundary)
                .for_each(|p| check(p, &t));
        }
        out
    }

    /// Whether an identity's attached policies grant full administrator access.
    fn grants_admin(
        inline: &[InlinePolicy],
        managed: &[PolicyRef],
        admin_policies: &HashSet<String>,
        admin: &mut dyn FnMut(&str) -> bool,
    ) -> bool {
        inline.iter().any(|p| admin(&p.document))
            || managed.iter().any(|r| match r {
                PolicyRef::Aws(arn) => arn
                    .strip_prefix(AWS_MANAGED_PREFIX)
                    .is_some_and(|name| name == "AdministratorAccess"),
                PolicyRef::Customer(name) => admin_policies.contains(&name.to_ascii_lowercase()),
            })
    }

    /// The names (lower-cased) of the customer-managed policies that grant full administrator
    /// access, each policy read once (the first of a name, as [`Scenario::policy`] finds it).
    fn admin_policy_names(&self, admin: &mut dyn FnMut(&str) -> bool) -> HashSet<String> {
        let mut seen = HashSet::new();
        let mut out = HashSet::new();
        for p in &self.policies {
            let name = p.name.to_ascii_lowercase();
            if seen.insert(name.clone()) && admin(&p.document) {
                out.insert(name);
            }
        }
        out
    }

    /// Account-level best practices from the seed documents (see the module docs).
    pub fn best_practices(&self) -> Vec<Finding> {
        self.best_practices_with(&mut |text| grants_full_admin(text))
    }

    /// [`Scenario::best_practices`], asking `admin` whether a policy text grants full
    /// administrator access (so that a cache can answer for the texts it has read before).
    fn best_practices_with(&self, admin: &mut dyn FnMut(&str) -> bool) -> Vec<Finding> {
        use Severity::{SecurityWarning, Suggestion, Warning};
        let mut out = Vec::new();
        let root = &self.root_user;
        if root.password && !root.mfa {
            out.push(Finding::new(
                "root-no-mfa",
                SecurityWarning,
                "The root user has no MFA device. Enable MFA on the root user: it can do anything in the account, including closing it.",
                Target::RootUser,
            ).with_fix(Fix::EnableRootMfa));
        }
        if root.access_keys {
            out.push(Finding::new(
                "root-access-keys",
                SecurityWarning,
                "The root user has access keys. Delete them and use IAM users or roles for programmatic access.",
                Target::RootUser,
            ).with_fix(Fix::DeleteRootAccessKeys));
        }
        let admin_policies = self.admin_policy_names(admin);
        // The groups (lower-cased names) that grant full administrator access, and those with
        // members.
        let admin_groups: HashSet<String> = self
            .groups
            .iter()
            .filter(|g| {
                Self::grants_admin(
                    &g.inline_policies,
                    &g.managed_policies,
                    &admin_policies,
                    admin,
                )
            })
            .map(|g| g.name.to_ascii_lowercase())
            .collect();
        let joined: HashSet<String> = self
            .users
            .iter()
            .flat_map(|u| u.groups.iter().map(|g| g.to_ascii_lowercase()))
            .collect();
        let mut admins: Vec<String> = Vec::new();
        for u in &self.users {
            let t = Target::User {
                name: u.name.clone(),
            };
            let direct = !u.inline_policies.is_empty() || !u.managed_policies.is_empty();
            if direct {
                out.push(Finding::new(
                    "user-direct-policies",
                    Warning,
                    format!(
                        "User {} has policies attached directly. Grant permissions through groups so that people with the same job get the same access.",
                        u.name
                    ),
                    t.clone(),
                ).with_fix(Fix::MoveUserPoliciesToGroup { user: u.name.clone() }));
            }
            let direct_admin = Self::grants_admin(
                &u.inline_policies,
                &u.managed_policies,
                &admin_policies,
                admin,
            );
            if direct_admin {
                out.push(Finding::new(
                    "admin-granted-to-user",
                    SecurityWarning,
                    format!(
                        "User {} has full administrator access attached directly. Put administrators in an administrators group instead.",
                        u.name
                    ),
                    t.clone(),
                ));
            }
            let via_group = u
                .groups
                .iter()
                .any(|g| admin_groups.contains(&g.to_ascii_lowercase()));
            if direct_admin || via_group {
                admins.push(format!("user {}", u.name));
            }
            if u.login_profile.is_some() && !u.mfa {
                out.push(
                    Finding::new(
                        "console-user-no-mfa",
                        SecurityWarning,
                        format!(
                            "User {} can sign in to the console without MFA. Assign an MFA device.",
                            u.name
                        ),
                        t.clone(),
                    )
                    .with_fix(Fix::EnableUserMfa {
                        user: u.name.clone(),
                    }),
                );
            }
            if u.login_profile.is_some_and(|l| !l.password_reset_required) {
                out.push(Finding::new(
                    "console-user-no-password-reset",
                    Suggestion,
                    format!(
                        "User {}'s password is not set to be changed at the next sign-in. For a new user, require a reset so that only the user knows the password (and attach IAMUserChangePassword).",
                        u.name
                    ),
                    t.clone(),
                ).with_fix(Fix::RequirePasswordReset { user: u.name.clone() }));
            }
            for (i, key) in u.access_keys.iter().enumerate() {
                if key.active && key.age_days > STALE_ACCESS_KEY_DAYS {
                    out.push(Finding::new(
                        "stale-access-key",
                        Warning,
                        format!(
                            "Access key {} of user {} is {} days old. Rotate access keys at least every {STALE_ACCESS_KEY_DAYS} days.",
                            i + 1,
                            u.name,
                            key.age_days
                        ),
                        t.clone(),
                    ));
                }
            }
            if u.login_profile.is_some() && !u.access_keys.is_empty() {
                out.push(Finding::new(
                    "user-console-and-keys",
                    Suggestion,
                    format!(
                        "User {} has both a console password and access keys. Give people console access and programs their own identities (preferably roles).",
                        u.name
                    ),
                    t,
                ));
            }
        }
        for r in &self.roles {
            if Self::grants_admin(
                &r.inline_policies,
                &r.managed_policies,
                &admin_policies,
                admin,
            ) {
                admins.push(format!("role {}", r.name));
            }
            if trusts_anyone(&r.trust_policy) {
                out.push(Finding::new(
                    "role-trusts-anyone",
                    SecurityWarning,
                    format!(
                        "Role {}'s trust policy lets any principal (\"*\") assume it without a condition. Name the accounts or principals that may assume it, or add a condition such as sts:ExternalId.",
                        r.name
                    ),
                    Target::Role {
                        name: r.name.clone(),
                    },
                ));
            }
        }
        if admins.len() > ADMIN_PRINCIPALS_THRESHOLD {
            out.push(Finding::new(
                "admin-granted-broadly",
                SecurityWarning,
                format!(
                    "{} principals have full administrator access ({}). Keep administrators to a few people and grant others least privilege.",
                    admins.len(),
                    admins.join(", ")
                ),
                Target::Account,
            ));
        }
        for g in &self.groups {
            let t = Target::Group {
                name: g.name.clone(),
            };
            if !joined.contains(&g.name.to_ascii_lowercase()) {
                out.push(Finding::new(
                    "empty-group",
                    Suggestion,
                    format!(
                        "Group {} has no members. Delete groups you do not use.",
                        g.name
                    ),
                    t.clone(),
                ));
            }
            if g.inline_policies.is_empty() && g.managed_policies.is_empty() {
                out.push(Finding::new(
                    "group-without-policies",
                    Suggestion,
                    format!(
                        "Group {} has no policies, so membership grants nothing.",
                        g.name
                    ),
                    t,
                ));
            }
        }
        out
    }

    /// The quota meters of an entity (or of the account, for [`Target::Account`]).
    pub fn quota_meters(&self, target: &Target) -> Vec<QuotaMeter> {
        let raisable = |mut m: QuotaMeter| {
            m.note = Some(RAISABLE_NOTE);
            m
        };
        match target {
            Target::Account => vec![
                QuotaMeter::new("Users in the account", self.users.len(), USERS_MAX),
                QuotaMeter::new("Groups in the account", self.groups.len(), GROUPS_MAX),
                QuotaMeter::new("Roles in the account", self.roles.len(), ROLES_MAX),
                QuotaMeter::new(
                    "Customer-managed policies",
                    self.policies.len(),
                    POLICIES_MAX,
                ),
            ],
            Target::User { name } => match self.user(name) {
                Some(u) => vec![
                    QuotaMeter::new("Groups", u.groups.len(), GROUPS_PER_USER),
                    raisable(QuotaMeter::new(
                        "Managed policies attached",
                        u.managed_policies.len(),
                        MANAGED_PER_ENTITY,
                    )),
                    QuotaMeter::new(
                        "Inline policy characters (no whitespace)",
                        inline_size(&u.inline_policies),
                        USER_INLINE_MAX,
                    ),
                    QuotaMeter::new("Access keys", u.access_keys.len(), 2),
                    QuotaMeter::new("Tags", u.tags.len(), TAGS_MAX),
                ],
                None => Vec::new(),
            },
            Target::Group { name } => match self.group(name) {
                Some(g) => vec![
                    QuotaMeter::new(
                        "Managed policies attached",
                        g.managed_policies.len(),
                        MANAGED_PER_ENTITY,
                    ),
                    QuotaMeter::new(
                        "Inline policy characters (no whitespace)",
                        inline_size(&g.inline_policies),
                        GROUP_INLINE_MAX,
                    ),
                ],
                None => Vec::new(),
            },
            Target::Role { name } => match self.role(name) {
                Some(r) => vec![
                    raisable(QuotaMeter::new(
                        "Managed policies attached",
                        r.managed_policies.len(),
                        MANAGED_PER_ENTITY,
                    )),
                    QuotaMeter::new(
                        "Inline policy characters (no whitespace)",
                        inline_size(&r.inline_policies),
                        ROLE_INLINE_MAX,
                    ),
                    QuotaMeter {
                        note: Some(
                            "AWS's default quota; it can be raised to 4,096 through Service Quotas.",
                        ),
                        ..QuotaMeter::new(
                            "Trust policy characters (no whitespace)",
                            policy_size(&r.trust_policy),
                            TRUST_POLICY_MAX,
                        )
                    },
                    QuotaMeter::new("Tags", r.tags.len(), TAGS_MAX),
                ],
                None => Vec::new(),
            },
            Target::Policy { name } => match self.policy(name) {
                Some(p) => vec![QuotaMeter::new(
                    "Policy characters (no whitespace)",
                    policy_size(&p.document),
                    MANAGED_POLICY_MAX,
                )],
                None => Vec::new(),
            },
            Target::Organization => match &self.organization {
                Some(org) => org
                    .levels
                    .iter()
                    .flat_map(|l| l.scps.iter().chain(&l.rcps))
                    .map(|p| {
                        QuotaMeter::new(
                            "Organization policy characters (with whitespace)",
                            p.document.chars().count(),
                            ORG_POLICY_MAX,
                        )
                    })
                    .collect(),
                None => Vec::new(),
            },
            Target::RootUser
            | Target::AwsPolicy { .. }
            | Target::Resource { .. }
            | Target::ExternalPrincipal { .. }
            | Target::Test { .. } => Vec::new(),
        }
    }
}

/// Whether a trust policy lets anyone assume the role: an `Allow` statement without a
/// condition whose principal is `"*"` or `{"AWS": "*"}`.
fn trusts_anyone(text: &str) -> bool {
    let parsed = parse_policy(text, PolicyType::Trust);
    parsed.document.statements.iter().any(|s| {
        let allow = s
            .effect
            .as_ref()
            .is_some_and(|e| e.value == crate::policy::Effect::Allow);
        let anyone = s.principal.as_ref().is_some_and(|p| {
            !p.negated
                && match &p.value {
                    PrincipalValue::Anyone => true,
                    PrincipalValue::Map(entries) => entries.iter().any(|(kind, values)| {
                        *kind == PrincipalKind::Aws && values.iter().any(|v| v.value == "*")
                    }),
                }
        });
        allow && anyone && s.condition.is_empty()
    })
}

/// The validations of policy texts, remembered by text and grammar from one
/// [`Scenario::findings_cached`] call to the next. It holds the texts of the last call only
/// (the entries a call did not use are dropped at its end), so its size follows the
/// scenario's; a change of catalog empties it.
#[derive(Debug, Default)]
pub struct ValidationCache {
    inner: std::cell::RefCell<ValidationEntries>,
}

/// Validation findings of one text, per grammar it was read with.
type PerType = Vec<(PolicyType, std::rc::Rc<Vec<crate::validate::Finding>>)>;

#[derive(Debug, Default)]
struct ValidationEntries {
    /// The catalog the entries were validated with (its address), if any.
    catalog: Option<usize>,
    /// The entries used by the call under way.
    current: std::collections::HashMap<String, PerType>,
    /// The entries of the call before, not used yet by this one.
    previous: std::collections::HashMap<String, PerType>,
    /// Whether a text grants full administrator access, for the call under way.
    admin: std::collections::HashMap<String, bool>,
    /// The same for the call before, not used yet by this one.
    admin_before: std::collections::HashMap<String, bool>,
}

impl ValidationEntries {
    fn begin(&mut self, catalog: Option<&crate::catalog::Catalog>) {
        let address = catalog.map(|c| std::ptr::from_ref(c) as usize);
        if address != self.catalog {
            self.current.clear();
            self.previous.clear();
            self.catalog = address;
        }
        // Whatever a call that did not end left in `current` is kept for this one.
        let current = std::mem::take(&mut self.current);
        self.previous.extend(current);
        let admin = std::mem::take(&mut self.admin);
        self.admin_before.extend(admin);
    }

    fn end(&mut self) {
        self.previous.clear();
        self.admin_before.clear();
    }

    /// [`grants_full_admin`] of `text`, remembered.
    fn grants_admin(&mut self, text: &str) -> bool {
        if let Some(known) = self.admin.get(text) {
            return *known;
        }
        let (key, known) = match self.admin_before.remove_entry(text) {
            Some(entry) => entry,
            None => (text.to_string(), grants_full_admin(text)),
        };
        self.admin.insert(key, known);
        known
    }

    fn get_or_insert(
        &mut self,
        text: &str,
        policy_type: PolicyType,
        validate: impl FnOnce() -> Vec<crate::validate::Finding>,
    ) -> std::rc::Rc<Vec<crate::validate::Finding>> {
        let known = |entries: &PerType| {
            entries
                .iter()
                .find(|(t, _)| *t == policy_type)
                .map(|(_, f)| std::rc::Rc::clone(f))
        };
        if let Some(found) = self.current.get(text).and_then(known) {
            return found;
        }
        if let Some((key, entries)) = self.previous.remove_entry(text) {
            let hit = known(&entries);
            self.current.entry(key).or_default().extend(entries);
            if let Some(found) = hit {
                return found;
            }
        }
        let found = std::rc::Rc::new(validate());
        self.current
            .entry(text.to_string())
            .or_default()
            .push((policy_type, std::rc::Rc::clone(&found)));
        found
    }
}
