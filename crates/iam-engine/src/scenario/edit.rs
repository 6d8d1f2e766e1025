//! Editing operations: pure functions on the model that the app's reducer calls.
//!
//! Each operation checks AWS's rules for what it changes, then either applies the whole change
//! and returns `Ok(())`, or returns an [`EditError`] and leaves the scenario exactly as it was.
//! Operations that replace an entity (`update_*`) check the whole new entity, so they also
//! serve to set any field. Renames rewrite every reference in the same edit (see the module
//! docs of [`crate::scenario`]). Deleting a group removes it from its members, deleting a
//! customer-managed policy detaches it everywhere; deleting a user, role or resource keeps the
//! saved tests that name it, which then report the missing principal or resource.

use serde::Serialize;

use super::names::{
    self, ACCESS_KEYS_MAX, GROUP_INLINE_MAX, GROUP_NAME_MAX, GROUPS_MAX, GROUPS_PER_USER,
    MANAGED_PER_ENTITY, MANAGED_POLICY_MAX, ORG_OU_DEPTH_MAX, ORG_POLICIES_PER_LEVEL,
    ORG_POLICY_MAX, POLICIES_MAX, POLICY_NAME_MAX, Problem, ROLE_INLINE_MAX, ROLE_NAME_MAX,
    ROLES_MAX, SESSION_MAX, SESSION_MIN, TRUST_POLICY_MAX, USER_INLINE_MAX, USER_NAME_MAX,
    USERS_MAX, policy_size, problem,
};
use crate::eval::CallerKind;

use super::{
    AWS_MANAGED_PREFIX, ExternalPrincipal, Group, InlinePolicy, ManagedPolicy, Organization,
    PolicyRef, PrincipalRef, Resource, ResourceKind, Role, RootUser, Scenario, TestCase, User,
};

/// Why an edit was refused: plain data for the UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EditError {
    /// A stable code such as `name-duplicate` or `too-many-groups`.
    pub code: &'static str,
    /// One or two sentences saying what is wrong and what AWS allows.
    pub message: String,
}

impl std::fmt::Display for EditError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EditError {}

impl From<Problem> for EditError {
    fn from(p: Problem) -> Self {
        EditError {
            code: p.code,
            message: p.message,
        }
    }
}

fn fail<T>(code: &'static str, message: impl Into<String>) -> Result<T, EditError> {
    Err(EditError {
        code,
        message: message.into(),
    })
}

fn first(problems: Vec<Problem>) -> Result<(), EditError> {
    match problems.into_iter().next() {
        Some(p) => Err(p.into()),
        None => Ok(()),
    }
}

/// A user, group or role: something policies attach to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum IdentityRef {
    /// A user, by name.
    User(String),
    /// A group, by name.
    Group(String),
    /// A role, by name.
    Role(String),
}

impl IdentityRef {
    fn kind(&self) -> &'static str {
        match self {
            IdentityRef::User(_) => "user",
            IdentityRef::Group(_) => "group",
            IdentityRef::Role(_) => "role",
        }
    }

    fn name(&self) -> &str {
        match self {
            IdentityRef::User(n) | IdentityRef::Group(n) | IdentityRef::Role(n) => n,
        }
    }
}

/// The policy lists of one identity, borrowed for an edit.
struct Slots<'a> {
    inline: &'a mut Vec<InlinePolicy>,
    managed: &'a mut Vec<PolicyRef>,
    boundary: Option<&'a mut Option<PolicyRef>>,
    inline_max: usize,
}

fn same_name(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// How many users, groups, roles and customer-managed policies carry each name (compared
/// without regard to case, as IAM does), counted once, so that checking every entity of a
/// scenario finds duplicates and references by look-up instead of scanning the lists for each
/// entity (which made the findings of a 5,000-role account quadratic).
#[derive(Debug, Default)]
pub(crate) struct NameIndex {
    users: std::collections::HashMap<String, usize>,
    groups: std::collections::HashMap<String, usize>,
    roles: std::collections::HashMap<String, usize>,
    policies: std::collections::HashMap<String, usize>,
}

impl NameIndex {
    /// The index of `scenario`'s names.
    pub(crate) fn of(scenario: &Scenario) -> NameIndex {
        fn count<'a>(
            names: impl Iterator<Item = &'a str>,
        ) -> std::collections::HashMap<String, usize> {
            let mut out = std::collections::HashMap::new();
            for name in names {
                *out.entry(name.to_ascii_lowercase()).or_insert(0) += 1;
            }
            out
        }
        NameIndex {
            users: count(scenario.users.iter().map(|u| u.name.as_str())),
            groups: count(scenario.groups.iter().map(|g| g.name.as_str())),
            roles: count(scenario.roles.iter().map(|r| r.name.as_str())),
            policies: count(scenario.policies.iter().map(|p| p.name.as_str())),
        }
    }

    fn count(map: &std::collections::HashMap<String, usize>, name: &str) -> usize {
        map.get(&name.to_ascii_lowercase()).copied().unwrap_or(0)
    }
}

/// Which list a name is looked up in.
#[derive(Clone, Copy)]
enum Kind {
    User,
    Group,
    Role,
    Policy,
}

/// An entity kept in a list and found by name without regard to case (users, groups, roles,
/// customer-managed policies): the lookups every edit of these kinds starts with.
trait Named: Clone {
    /// The error code when no entity has the name.
    const UNKNOWN: &'static str;
    /// The kind in words, for messages.
    const WHAT: &'static str;
    fn name(&self) -> &str;
    fn set_name(&mut self, name: &str);
}

macro_rules! named {
    ($t:ty, $unknown:literal, $what:literal) => {
        impl Named for $t {
            const UNKNOWN: &'static str = $unknown;
            const WHAT: &'static str = $what;
            fn name(&self) -> &str {
                &self.name
            }
            fn set_name(&mut self, name: &str) {
                self.name = name.to_string();
            }
        }
    };
}

named!(User, "unknown-user", "user");
named!(Group, "unknown-group", "group");
named!(Role, "unknown-role", "role");
named!(ManagedPolicy, "unknown-policy", "customer-managed policy");

fn unknown<T: Named, R>(name: &str) -> Result<R, EditError> {
    fail(
        T::UNKNOWN,
        format!("There is no {} named \"{name}\".", T::WHAT),
    )
}

/// The position of the entity named `name`.
fn index_of<T: Named>(items: &[T], name: &str) -> Result<usize, EditError> {
    match items.iter().position(|x| same_name(x.name(), name)) {
        Some(i) => Ok(i),
        None => unknown::<T, _>(name),
    }
}

/// The entity named `name`, to change in place.
fn entry<'a, T: Named>(items: &'a mut [T], name: &str) -> Result<&'a mut T, EditError> {
    match items.iter_mut().find(|x| same_name(x.name(), name)) {
        Some(x) => Ok(x),
        None => unknown::<T, _>(name),
    }
}

/// A copy of the entity named `name`, carrying `new_name` (for renames and duplicates).
fn renamed<T: Named>(items: &[T], name: &str, new_name: &str) -> Result<T, EditError> {
    match items.iter().find(|x| same_name(x.name(), name)) {
        Some(x) => {
            let mut copy = x.clone();
            copy.set_name(new_name);
            Ok(copy)
        }
        None => unknown::<T, _>(name),
    }
}

/// Replaces the entity at `i` (found by `index_of`) and returns the old one.
fn replace_at<T: Named>(items: &mut [T], i: usize, name: &str, new: T) -> Result<T, EditError> {
    match items.get_mut(i) {
        Some(slot) => Ok(std::mem::replace(slot, new)),
        None => unknown::<T, _>(name),
    }
}

// ---------------------------------------------------------------------------------------------
// Checks shared with validation.

impl Scenario {
    /// Problems with a policy reference (a customer policy that does not exist, or a malformed
    /// AWS-managed ARN).
    pub(crate) fn reference_problems(&self, reference: &PolicyRef) -> Option<Problem> {
        self.reference_problems_in(reference, None)
    }

    /// How many entities of `kind` other than the one at `replacing` are named `name`, through
    /// `names` when given (then `replacing`, if any, is counted in it), else by scanning.
    fn named(
        &self,
        kind: Kind,
        name: &str,
        replacing: Option<usize>,
        names: Option<&NameIndex>,
    ) -> usize {
        if let Some(index) = names {
            let map = match kind {
                Kind::User => &index.users,
                Kind::Group => &index.groups,
                Kind::Role => &index.roles,
                Kind::Policy => &index.policies,
            };
            return NameIndex::count(map, name).saturating_sub(usize::from(replacing.is_some()));
        }
        let others = |names: &mut dyn Iterator<Item = &str>| {
            names
                .enumerate()
                .filter(|(i, n)| Some(*i) != replacing && same_name(n, name))
                .count()
        };
        match kind {
            Kind::User => others(&mut self.users.iter().map(|u| u.name.as_str())),
            Kind::Group => others(&mut self.groups.iter().map(|g| g.name.as_str())),
            Kind::Role => others(&mut self.roles.iter().map(|r| r.name.as_str())),
            Kind::Policy => others(&mut self.policies.iter().map(|p| p.name.as_str())),
        }
    }

    /// [`Scenario::reference_problems`], looking the policy up in `names` when given.
    fn reference_problems_in(
        &self,
        reference: &PolicyRef,
        names: Option<&NameIndex>,
    ) -> Option<Problem> {
        match reference {
            PolicyRef::Customer(name) if self.named(Kind::Policy, name, None, names) == 0 => {
                Some(problem(
                    "unknown-policy",
                    format!("There is no customer-managed policy named \"{name}\"."),
                ))
            }
            PolicyRef::Aws(arn) => {
                let rest = arn.strip_prefix(AWS_MANAGED_PREFIX).unwrap_or("");
                let ok = !rest.is_empty()
                    && !rest.ends_with('/')
                    && rest
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-/".contains(&b));
                (!ok).then(|| {
                    problem(
                        "unknown-policy",
                        format!("\"{arn}\" is not an AWS-managed policy ARN."),
                    )
                })
            }
            PolicyRef::Customer(_) => None,
        }
    }

    fn attachment_problems(
        &self,
        what: &str,
        inline: &[InlinePolicy],
        managed: &[PolicyRef],
        boundary: Option<&PolicyRef>,
        inline_max: usize,
        names: Option<&NameIndex>,
    ) -> Vec<Problem> {
        let mut out = Vec::new();
        for (i, p) in inline.iter().enumerate() {
            if let Err(e) = names::check_name("policy", &p.name, POLICY_NAME_MAX) {
                out.push(e);
            }
            if inline.iter().take(i).any(|q| same_name(&q.name, &p.name)) {
                out.push(problem(
                    "name-duplicate",
                    format!("{what} has two inline policies named \"{}\".", p.name),
                ));
            }
        }
        let total: usize = inline.iter().map(|p| policy_size(&p.document)).sum();
        if total > inline_max {
            out.push(problem(
                "inline-policy-size",
                format!(
                    "{what}'s inline policies total {total} characters not counting whitespace; AWS allows at most {inline_max}."
                ),
            ));
        }
        for (i, r) in managed.iter().enumerate() {
            if let Some(p) = self.reference_problems_in(r, names) {
                out.push(p);
            }
            if managed.iter().take(i).any(|q| q.same(r)) {
                out.push(problem(
                    "already-attached",
                    format!("{what} has {} attached twice.", r.name()),
                ));
            }
        }
        if managed.len() > MANAGED_PER_ENTITY {
            out.push(problem(
                "too-many-managed-policies",
                format!(
                    "{what} has {} managed policies attached; AWS allows {MANAGED_PER_ENTITY} by default.",
                    managed.len()
                ),
            ));
        }
        if let Some(p) = boundary.and_then(|b| self.reference_problems_in(b, names)) {
            out.push(p);
        }
        out
    }

    /// Everything wrong with a user that would replace the user at `replacing` (or be added).
    pub(crate) fn user_problems(&self, user: &User, replacing: Option<usize>) -> Vec<Problem> {
        self.user_problems_in(user, replacing, None)
    }

    /// [`Scenario::user_problems`], looking names up in `names` when given.
    pub(crate) fn user_problems_in(
        &self,
        user: &User,
        replacing: Option<usize>,
        names: Option<&NameIndex>,
    ) -> Vec<Problem> {
        let mut out = Vec::new();
        let what = format!("User {}", user.name);
        if let Err(e) = names::check_name("user", &user.name, USER_NAME_MAX) {
            out.push(e);
        }
        let clash = self.named(Kind::User, &user.name, replacing, names) > 0;
        if clash {
            out.push(problem(
                "name-duplicate",
                format!("A user named \"{}\" already exists (IAM names are compared without regard to case).", user.name),
            ));
        }
        if let Err(e) = names::check_path(&user.path, false) {
            out.push(e);
        }
        if user.access_keys.len() > ACCESS_KEYS_MAX {
            out.push(problem(
                "too-many-access-keys",
                format!(
                    "{what} has {} access keys; AWS allows at most {ACCESS_KEYS_MAX}.",
                    user.access_keys.len()
                ),
            ));
        }
        if let Err(e) = names::check_tags(&user.tags) {
            out.push(e);
        }
        for (i, g) in user.groups.iter().enumerate() {
            if self.named(Kind::Group, g, None, names) == 0 {
                out.push(problem(
                    "unknown-group",
                    format!("There is no group named \"{g}\"."),
                ));
            }
            if user.groups.iter().take(i).any(|h| same_name(g, h)) {
                out.push(problem(
                    "already-member",
                    format!("{what} is listed twice in group {g}."),
                ));
            }
        }
        if user.groups.len() > GROUPS_PER_USER {
            out.push(problem(
                "too-many-groups",
                format!(
                    "{what} is in {} groups; a user can be in at most {GROUPS_PER_USER}.",
                    user.groups.len()
                ),
            ));
        }
        out.extend(self.attachment_problems(
            &what,
            &user.inline_policies,
            &user.managed_policies,
            user.permissions_boundary.as_ref(),
            USER_INLINE_MAX,
            names,
        ));
        out
    }

    /// Everything wrong with a group that would replace the group at `replacing`.
    pub(crate) fn group_problems(&self, group: &Group, replacing: Option<usize>) -> Vec<Problem> {
        self.group_problems_in(group, replacing, None)
    }

    /// [`Scenario::group_problems`], looking names up in `names` when given.
    pub(crate) fn group_problems_in(
        &self,
        group: &Group,
        replacing: Option<usize>,
        names: Option<&NameIndex>,
    ) -> Vec<Problem> {
        let mut out = Vec::new();
        if let Err(e) = names::check_name("group", &group.name, GROUP_NAME_MAX) {
            out.push(e);
        }
        let clash = self.named(Kind::Group, &group.name, replacing, names) > 0;
        if clash {
            out.push(problem(
                "name-duplicate",
                format!("A group named \"{}\" already exists (IAM names are compared without regard to case).", group.name),
            ));
        }
        if let Err(e) = names::check_path(&group.path, false) {
            out.push(e);
        }
        out.extend(self.attachment_problems(
            &format!("Group {}", group.name),
            &group.inline_policies,
            &group.managed_policies,
            None,
            GROUP_INLINE_MAX,
            names,
        ));
        out
    }

    /// Everything wrong with a role that would replace the role at `replacing`.
    pub(crate) fn role_problems(&self, role: &Role, replacing: Option<usize>) -> Vec<Problem> {
        self.role_problems_in(role, replacing, None)
    }

    /// [`Scenario::role_problems`], looking names up in `names` when given.
    pub(crate) fn role_problems_in(
        &self,
        role: &Role,
        replacing: Option<usize>,
        names: Option<&NameIndex>,
    ) -> Vec<Problem> {
        let mut out = Vec::new();
        let what = format!("Role {}", role.name);
        if let Err(e) = names::check_name("role", &role.name, ROLE_NAME_MAX) {
            out.push(e);
        }
        let clash = self.named(Kind::Role, &role.name, replacing, names) > 0;
        if clash {
            out.push(problem(
                "name-duplicate",
                format!("A role named \"{}\" already exists (IAM names are compared without regard to case).", role.name),
            ));
        }
        if let Err(e) = names::check_path(&role.path, false) {
            out.push(e);
        }
        if let Err(e) = names::check_description(&role.description) {
            out.push(e);
        }
        if let Err(e) = names::check_size(
            &format!("{what}'s trust policy"),
            &role.trust_policy,
            TRUST_POLICY_MAX,
            false,
        ) {
            out.push(e);
        }
        if !(SESSION_MIN..=SESSION_MAX).contains(&role.max_session_duration) {
            out.push(problem(
                "session-duration-invalid",
                format!(
                    "{what}'s maximum session duration is {} seconds; it must be between {SESSION_MIN} (1 hour) and {SESSION_MAX} (12 hours).",
                    role.max_session_duration
                ),
            ));
        }
        if let Err(e) = names::check_tags(&role.tags) {
            out.push(e);
        }
        out.extend(self.attachment_problems(
            &what,
            &role.inline_policies,
            &role.managed_policies,
            role.permissions_boundary.as_ref(),
            ROLE_INLINE_MAX,
            names,
        ));
        out
    }

    /// Everything wrong with a customer-managed policy that would replace the one at
    /// `replacing`.
    pub(crate) fn policy_problems(
        &self,
        policy: &ManagedPolicy,
        replacing: Option<usize>,
    ) -> Vec<Problem> {
        self.policy_problems_in(policy, replacing, None)
    }

    /// [`Scenario::policy_problems`], looking names up in `names` when given.
    pub(crate) fn policy_problems_in(
        &self,
        policy: &ManagedPolicy,
        replacing: Option<usize>,
        names: Option<&NameIndex>,
    ) -> Vec<Problem> {
        let mut out = Vec::new();
        if let Err(e) = names::check_name("policy", &policy.name, POLICY_NAME_MAX) {
            out.push(e);
        }
        let clash = self.named(Kind::Policy, &policy.name, replacing, names) > 0;
        if clash {
            out.push(problem(
                "name-duplicate",
                format!("A policy named \"{}\" already exists (IAM names are compared without regard to case).", policy.name),
            ));
        }
        if let Err(e) = names::check_path(&policy.path, true) {
            out.push(e);
        }
        if let Err(e) = names::check_description(&policy.description) {
            out.push(e);
        }
        if let Err(e) = names::check_size(
            &format!("Policy {}", policy.name),
            &policy.document,
            MANAGED_POLICY_MAX,
            false,
        ) {
            out.push(e);
        }
        out
    }

    /// Everything wrong with a resource that would replace the one at `replacing`.
    pub(crate) fn resource_problems(
        &self,
        resource: &Resource,
        replacing: Option<usize>,
    ) -> Vec<Problem> {
        let mut out = Vec::new();
        if let Err(e) = names::check_resource_name(resource.kind, &resource.name) {
            out.push(e);
        }
        let clash = self.resources.iter().enumerate().any(|(i, r)| {
            Some(i) != replacing && r.kind == resource.kind && r.name == resource.name
        });
        if clash {
            out.push(problem(
                "name-duplicate",
                format!(
                    "A {} named \"{}\" already exists.",
                    resource.kind.describe(),
                    resource.name
                ),
            ));
        }
        if let Some(region) = &resource.region {
            let ok = !region.is_empty()
                && region
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if !ok {
                out.push(problem(
                    "region-invalid",
                    format!("\"{region}\" is not a Region code such as eu-west-1."),
                ));
            }
        }
        if let Err(e) = names::check_tags(&resource.tags) {
            out.push(e);
        }
        out
    }

    /// Everything wrong with an external principal that would replace the one at `replacing`.
    pub(crate) fn external_problems(
        &self,
        external: &ExternalPrincipal,
        replacing: Option<usize>,
    ) -> Vec<Problem> {
        let mut out = Vec::new();
        match crate::eval::Caller::from_arn(&external.arn) {
            Some(c)
                if matches!(
                    c.kind,
                    CallerKind::User | CallerKind::Role | CallerKind::RoleSession
                ) =>
            {
                if c.account == self.account.id {
                    out.push(problem(
                        "external-same-account",
                        format!(
                            "{} is in this scenario's account; add it as a user or role instead.",
                            external.arn
                        ),
                    ));
                }
            }
            _ => out.push(problem(
                "external-arn-invalid",
                format!(
                    "\"{}\" is not a user, role or role-session ARN of another account.",
                    external.arn
                ),
            )),
        }
        let clash = self
            .external_principals
            .iter()
            .enumerate()
            .any(|(i, e)| Some(i) != replacing && e.arn == external.arn);
        if clash {
            out.push(problem(
                "name-duplicate",
                format!(
                    "{} is already listed as an external principal.",
                    external.arn
                ),
            ));
        }
        for (i, p) in external.policies.iter().enumerate() {
            if let Err(e) = names::check_name("policy", &p.name, POLICY_NAME_MAX) {
                out.push(e);
            }
            if external
                .policies
                .iter()
                .take(i)
                .any(|q| same_name(&q.name, &p.name))
            {
                out.push(problem(
                    "name-duplicate",
                    format!("{} has two policies named \"{}\".", external.arn, p.name),
                ));
            }
        }
        out
    }

    /// Everything wrong with a saved test.
    pub(crate) fn test_problems(&self, test: &TestCase) -> Vec<Problem> {
        let mut out = Vec::new();
        if test.label.trim().is_empty() {
            out.push(problem(
                "test-label-empty",
                "A saved test needs a label saying what it checks.",
            ));
        }
        match &test.principal {
            PrincipalRef::User(name) if self.user(name).is_none() => out.push(problem(
                "unknown-principal",
                format!(
                    "Test \"{}\" names user {name}, which does not exist.",
                    test.label
                ),
            )),
            PrincipalRef::Role(name) if self.role(name).is_none() => out.push(problem(
                "unknown-principal",
                format!(
                    "Test \"{}\" names role {name}, which does not exist.",
                    test.label
                ),
            )),
            PrincipalRef::Other(text) if crate::eval::Caller::from_arn(text).is_none() => {
                out.push(problem(
                    "unknown-principal",
                    format!(
                        "Test \"{}\" names the caller \"{text}\", which is not root, user/NAME, role/NAME, an ARN, a service principal or anonymous.",
                        test.label
                    ),
                ));
            }
            _ => {}
        }
        let action_ok = test
            .action
            .split_once(':')
            .is_some_and(|(s, a)| !s.is_empty() && !a.is_empty());
        if !action_ok {
            out.push(problem(
                "test-action-invalid",
                format!(
                    "Test \"{}\" asks for \"{}\"; an action is written service:Action.",
                    test.label, test.action
                ),
            ));
        }
        if test.resource.trim().is_empty() {
            out.push(problem(
                "test-resource-empty",
                format!(
                    "Test \"{}\" has no resource; use * for actions without one.",
                    test.label
                ),
            ));
        }
        out
    }

    /// Everything wrong with an organization.
    pub(crate) fn organization_problems(org: &Organization) -> Vec<Problem> {
        let mut out = Vec::new();
        let max_levels = ORG_OU_DEPTH_MAX + 2;
        if org.levels.len() < 2 || org.levels.len() > max_levels {
            out.push(problem(
                "org-levels",
                format!(
                    "The organization has {} levels; it needs the root, up to {ORG_OU_DEPTH_MAX} OUs, and the account ({} levels at most).",
                    org.levels.len(),
                    max_levels
                ),
            ));
        }
        for level in &org.levels {
            if level.name.trim().is_empty() {
                out.push(problem(
                    "org-level-name",
                    "Every organization level needs a name.",
                ));
            }
            if level.scps.is_empty() && !org.management_account {
                out.push(problem(
                    "org-no-scp",
                    format!(
                        "Level {} has no service control policy; AWS keeps at least one attached (FullAWSAccess by default), and a level without an allowing SCP denies everything.",
                        level.name
                    ),
                ));
            }
            for (kind, list) in [("SCPs", &level.scps), ("RCPs", &level.rcps)] {
                if list.len() > ORG_POLICIES_PER_LEVEL {
                    out.push(problem(
                        "org-too-many-policies",
                        format!(
                            "Level {} has {} {kind}; AWS allows at most {ORG_POLICIES_PER_LEVEL}.",
                            level.name,
                            list.len()
                        ),
                    ));
                }
                for p in list.iter() {
                    if p.name.trim().is_empty() {
                        out.push(problem(
                            "org-policy-name",
                            format!("A policy at level {} has no name.", level.name),
                        ));
                    }
                    if let Err(e) = names::check_size(
                        &format!("Policy {} at level {}", p.name, level.name),
                        &p.document,
                        ORG_POLICY_MAX,
                        true,
                    ) {
                        out.push(e);
                    }
                }
            }
        }
        out
    }
}

// ---------------------------------------------------------------------------------------------
// The operations.

impl Scenario {
    fn resource_index(&self, kind: ResourceKind, name: &str) -> Result<usize, EditError> {
        match self
            .resources
            .iter()
            .position(|r| r.kind == kind && r.name == name)
        {
            Some(i) => Ok(i),
            None => fail(
                "unknown-resource",
                format!("There is no {} named \"{name}\".", kind.describe()),
            ),
        }
    }

    /// Rewrites saved tests' resource ARNs after a resource or role ARN changed (the ARN
    /// itself, or an object under a bucket).
    fn rewrite_test_resources(&mut self, old_arn: &str, new_arn: &str) {
        if old_arn == new_arn {
            return;
        }
        for test in &mut self.tests {
            if test.resource == old_arn {
                test.resource = new_arn.to_string();
            } else if let Some(rest) = test.resource.strip_prefix(old_arn)
                && rest.starts_with('/')
            {
                test.resource = format!("{new_arn}{rest}");
            }
        }
    }

    // Account and root user.

    /// Sets the 12-digit account id.
    pub fn set_account_id(&mut self, id: &str) -> Result<(), EditError> {
        names::check_account_id(id)?;
        self.account.id = id.to_string();
        Ok(())
    }

    /// Sets or clears the account alias.
    pub fn set_account_alias(&mut self, alias: Option<&str>) -> Result<(), EditError> {
        if let Some(alias) = alias {
            names::check_alias(alias)?;
        }
        self.account.alias = alias.map(str::to_string);
        Ok(())
    }

    /// Sets the Region used for regional resources.
    pub fn set_region(&mut self, region: &str) -> Result<(), EditError> {
        let ok = !region.is_empty()
            && region
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !ok {
            return fail(
                "region-invalid",
                format!("\"{region}\" is not a Region code such as eu-west-1."),
            );
        }
        self.account.region = region.to_string();
        Ok(())
    }

    /// Sets the root user's credentials (always valid).
    pub fn set_root_user(&mut self, root: RootUser) {
        self.root_user = root;
    }

    /// Sets or clears the account's place in an organization.
    pub fn set_organization(
        &mut self,
        organization: Option<Organization>,
    ) -> Result<(), EditError> {
        if let Some(org) = &organization {
            first(Scenario::organization_problems(org))?;
        }
        self.organization = organization;
        Ok(())
    }

    // Users.

    /// Adds a user.
    pub fn add_user(&mut self, user: User) -> Result<(), EditError> {
        if self.users.len() >= USERS_MAX {
            return fail(
                "too-many-users",
                format!("An account can have at most {USERS_MAX} users."),
            );
        }
        first(self.user_problems(&user, None))?;
        self.users.push(user);
        Ok(())
    }

    /// Replaces the user named `name` (setting any of its fields); a new name renames it and
    /// rewrites the tests that name it.
    pub fn update_user(&mut self, name: &str, user: User) -> Result<(), EditError> {
        let i = index_of(&self.users, name)?;
        first(self.user_problems(&user, Some(i)))?;
        let new_name = user.name.clone();
        let old = replace_at(&mut self.users, i, name, user)?;
        if old.name != new_name {
            for test in &mut self.tests {
                if let PrincipalRef::User(n) = &mut test.principal
                    && same_name(n, &old.name)
                {
                    *n = new_name.clone();
                }
            }
        }
        Ok(())
    }

    /// Renames a user, rewriting every reference to it.
    pub fn rename_user(&mut self, name: &str, new_name: &str) -> Result<(), EditError> {
        let user = renamed(&self.users, name, new_name)?;
        self.update_user(name, user)
    }

    /// Deletes a user.
    pub fn delete_user(&mut self, name: &str) -> Result<(), EditError> {
        let i = index_of(&self.users, name)?;
        self.users.remove(i);
        Ok(())
    }

    /// Adds a copy of a user under a new name, with the same path, tags, groups and policies
    /// but none of its credentials (password, MFA device, access keys are personal).
    pub fn duplicate_user(&mut self, name: &str, new_name: &str) -> Result<(), EditError> {
        let mut copy = renamed(&self.users, name, new_name)?;
        copy.login_profile = None;
        copy.mfa = false;
        copy.access_keys.clear();
        self.add_user(copy)
    }

    // Groups.

    /// Adds a group.
    pub fn add_group(&mut self, group: Group) -> Result<(), EditError> {
        if self.groups.len() >= GROUPS_MAX {
            return fail(
                "too-many-groups",
                format!("An account can have at most {GROUPS_MAX} groups."),
            );
        }
        first(self.group_problems(&group, None))?;
        self.groups.push(group);
        Ok(())
    }

    /// Replaces the group named `name`; a new name renames it in every member's group list.
    pub fn update_group(&mut self, name: &str, group: Group) -> Result<(), EditError> {
        let i = index_of(&self.groups, name)?;
        first(self.group_problems(&group, Some(i)))?;
        let new_name = group.name.clone();
        let old = replace_at(&mut self.groups, i, name, group)?;
        if old.name != new_name {
            for user in &mut self.users {
                for g in &mut user.groups {
                    if same_name(g, &old.name) {
                        *g = new_name.clone();
                    }
                }
            }
        }
        Ok(())
    }

    /// Renames a group, rewriting every membership.
    pub fn rename_group(&mut self, name: &str, new_name: &str) -> Result<(), EditError> {
        let group = renamed(&self.groups, name, new_name)?;
        self.update_group(name, group)
    }

    /// Deletes a group and removes it from its members.
    pub fn delete_group(&mut self, name: &str) -> Result<(), EditError> {
        let i = index_of(&self.groups, name)?;
        let removed = self.groups.remove(i);
        for user in &mut self.users {
            user.groups.retain(|g| !same_name(g, &removed.name));
        }
        Ok(())
    }

    /// Adds a copy of a group (its path and policies, not its members) under a new name.
    pub fn duplicate_group(&mut self, name: &str, new_name: &str) -> Result<(), EditError> {
        let copy = renamed(&self.groups, name, new_name)?;
        self.add_group(copy)
    }

    /// Puts a user in a group.
    pub fn add_user_to_group(&mut self, user: &str, group: &str) -> Result<(), EditError> {
        index_of(&self.users, user)?;
        let group_name = entry(&mut self.groups, group)?.name.clone();
        let user = entry(&mut self.users, user)?;
        if user.groups.iter().any(|x| same_name(x, &group_name)) {
            return fail(
                "already-member",
                format!("User {} is already in group {group_name}.", user.name),
            );
        }
        if user.groups.len() >= GROUPS_PER_USER {
            return fail(
                "too-many-groups",
                format!(
                    "User {} is already in {GROUPS_PER_USER} groups, the most AWS allows.",
                    user.name
                ),
            );
        }
        user.groups.push(group_name);
        Ok(())
    }

    /// Takes a user out of a group.
    pub fn remove_user_from_group(&mut self, user: &str, group: &str) -> Result<(), EditError> {
        let user = entry(&mut self.users, user)?;
        let Some(pos) = user.groups.iter().position(|g| same_name(g, group)) else {
            return fail(
                "not-member",
                format!("User {} is not in group {group}.", user.name),
            );
        };
        user.groups.remove(pos);
        Ok(())
    }

    // Roles.

    /// Adds a role.
    pub fn add_role(&mut self, role: Role) -> Result<(), EditError> {
        if self.roles.len() >= ROLES_MAX {
            return fail(
                "too-many-roles",
                format!("An account can have at most {ROLES_MAX} roles."),
            );
        }
        first(self.role_problems(&role, None))?;
        self.roles.push(role);
        Ok(())
    }

    /// Replaces the role named `name`; a new name or path rewrites the tests that name the role
    /// or use its ARN as their resource.
    pub fn update_role(&mut self, name: &str, role: Role) -> Result<(), EditError> {
        let i = index_of(&self.roles, name)?;
        first(self.role_problems(&role, Some(i)))?;
        let new_arn = self.role_arn(&role);
        let new_name = role.name.clone();
        let old = replace_at(&mut self.roles, i, name, role)?;
        let old_arn = self.role_arn(&old);
        if old.name != new_name {
            for test in &mut self.tests {
                if let PrincipalRef::Role(n) = &mut test.principal
                    && same_name(n, &old.name)
                {
                    *n = new_name.clone();
                }
            }
        }
        self.rewrite_test_resources(&old_arn, &new_arn);
        Ok(())
    }

    /// Renames a role, rewriting every reference to it.
    pub fn rename_role(&mut self, name: &str, new_name: &str) -> Result<(), EditError> {
        let role = renamed(&self.roles, name, new_name)?;
        self.update_role(name, role)
    }

    /// Deletes a role.
    pub fn delete_role(&mut self, name: &str) -> Result<(), EditError> {
        let i = index_of(&self.roles, name)?;
        self.roles.remove(i);
        Ok(())
    }

    /// Adds a copy of a role under a new name.
    pub fn duplicate_role(&mut self, name: &str, new_name: &str) -> Result<(), EditError> {
        let copy = renamed(&self.roles, name, new_name)?;
        self.add_role(copy)
    }

    /// Replaces a role's trust policy text.
    pub fn set_trust_policy(&mut self, role: &str, document: &str) -> Result<(), EditError> {
        let r = entry(&mut self.roles, role)?;
        names::check_size(
            &format!("Role {}'s trust policy", r.name),
            document,
            TRUST_POLICY_MAX,
            false,
        )?;
        r.trust_policy = document.to_string();
        Ok(())
    }

    // Customer-managed policies.

    /// Adds a customer-managed policy.
    pub fn add_policy(&mut self, policy: ManagedPolicy) -> Result<(), EditError> {
        if self.policies.len() >= POLICIES_MAX {
            return fail(
                "too-many-policies",
                format!("An account can have at most {POLICIES_MAX} customer-managed policies."),
            );
        }
        first(self.policy_problems(&policy, None))?;
        self.policies.push(policy);
        Ok(())
    }

    /// Replaces the policy named `name`; a new name rewrites every attachment and boundary.
    pub fn update_policy(&mut self, name: &str, policy: ManagedPolicy) -> Result<(), EditError> {
        let i = index_of(&self.policies, name)?;
        first(self.policy_problems(&policy, Some(i)))?;
        let new_name = policy.name.clone();
        let old = replace_at(&mut self.policies, i, name, policy)?;
        if old.name != new_name {
            let rename = |r: &mut PolicyRef| {
                if let PolicyRef::Customer(n) = r
                    && same_name(n, &old.name)
                {
                    *n = new_name.clone();
                }
            };
            self.for_each_reference(rename);
        }
        Ok(())
    }

    fn for_each_reference(&mut self, mut f: impl FnMut(&mut PolicyRef)) {
        for u in &mut self.users {
            u.managed_policies.iter_mut().for_each(&mut f);
            u.permissions_boundary.iter_mut().for_each(&mut f);
        }
        for g in &mut self.groups {
            g.managed_policies.iter_mut().for_each(&mut f);
        }
        for r in &mut self.roles {
            r.managed_policies.iter_mut().for_each(&mut f);
            r.permissions_boundary.iter_mut().for_each(&mut f);
        }
    }

    /// Renames a customer-managed policy, rewriting every attachment and boundary.
    pub fn rename_policy(&mut self, name: &str, new_name: &str) -> Result<(), EditError> {
        let policy = renamed(&self.policies, name, new_name)?;
        self.update_policy(name, policy)
    }

    /// Deletes a customer-managed policy, detaching it everywhere (AWS requires detaching
    /// first; the playground does both in one step).
    pub fn delete_policy(&mut self, name: &str) -> Result<(), EditError> {
        let i = index_of(&self.policies, name)?;
        let removed = self.policies.remove(i);
        let gone = PolicyRef::Customer(removed.name);
        for u in &mut self.users {
            u.managed_policies.retain(|r| !r.same(&gone));
            if u.permissions_boundary
                .as_ref()
                .is_some_and(|b| b.same(&gone))
            {
                u.permissions_boundary = None;
            }
        }
        for g in &mut self.groups {
            g.managed_policies.retain(|r| !r.same(&gone));
        }
        for r in &mut self.roles {
            r.managed_policies.retain(|p| !p.same(&gone));
            if r.permissions_boundary
                .as_ref()
                .is_some_and(|b| b.same(&gone))
            {
                r.permissions_boundary = None;
            }
        }
        Ok(())
    }

    /// Adds a copy of a customer-managed policy under a new name.
    pub fn duplicate_policy(&mut self, name: &str, new_name: &str) -> Result<(), EditError> {
        let copy = renamed(&self.policies, name, new_name)?;
        self.add_policy(copy)
    }

    /// Replaces a customer-managed policy's text.
    pub fn set_policy_document(&mut self, name: &str, document: &str) -> Result<(), EditError> {
        let p = entry(&mut self.policies, name)?;
        names::check_size(
            &format!("Policy {}", p.name),
            document,
            MANAGED_POLICY_MAX,
            false,
        )?;
        p.document = document.to_string();
        Ok(())
    }

    // Resources.

    /// Adds a resource.
    pub fn add_resource(&mut self, resource: Resource) -> Result<(), EditError> {
        first(self.resource_problems(&resource, None))?;
        self.resources.push(resource);
        Ok(())
    }

    /// Replaces the resource of this kind and name; a new name or Region rewrites the saved
    /// tests that use its ARN.
    pub fn update_resource(
        &mut self,
        kind: ResourceKind,
        name: &str,
        resource: Resource,
    ) -> Result<(), EditError> {
        let i = self.resource_index(kind, name)?;
        first(self.resource_problems(&resource, Some(i)))?;
        let new_arn = resource.arn(&self.account);
        let Some(slot) = self.resources.get_mut(i) else {
            return fail(
                "unknown-resource",
                format!("There is no resource named \"{name}\"."),
            );
        };
        let old = std::mem::replace(slot, resource);
        let old_arn = old.arn(&self.account);
        self.rewrite_test_resources(&old_arn, &new_arn);
        Ok(())
    }

    /// Renames a resource, rewriting the saved tests that use its ARN.
    pub fn rename_resource(
        &mut self,
        kind: ResourceKind,
        name: &str,
        new_name: &str,
    ) -> Result<(), EditError> {
        let i = self.resource_index(kind, name)?;
        let Some(mut resource) = self.resources.get(i).cloned() else {
            return fail(
                "unknown-resource",
                format!("There is no resource named \"{name}\"."),
            );
        };
        resource.name = new_name.to_string();
        self.update_resource(kind, name, resource)
    }

    /// Deletes a resource.
    pub fn delete_resource(&mut self, kind: ResourceKind, name: &str) -> Result<(), EditError> {
        let i = self.resource_index(kind, name)?;
        self.resources.remove(i);
        Ok(())
    }

    /// Adds a copy of a resource under a new name.
    pub fn duplicate_resource(
        &mut self,
        kind: ResourceKind,
        name: &str,
        new_name: &str,
    ) -> Result<(), EditError> {
        let i = self.resource_index(kind, name)?;
        let Some(mut copy) = self.resources.get(i).cloned() else {
            return fail(
                "unknown-resource",
                format!("There is no resource named \"{name}\"."),
            );
        };
        copy.name = new_name.to_string();
        self.add_resource(copy)
    }

    /// Sets or removes a resource's resource-based policy.
    pub fn set_resource_policy(
        &mut self,
        kind: ResourceKind,
        name: &str,
        document: Option<&str>,
    ) -> Result<(), EditError> {
        let i = self.resource_index(kind, name)?;
        if let Some(r) = self.resources.get_mut(i) {
            r.policy = document.map(str::to_string);
        }
        Ok(())
    }

    // Attachments.

    fn slots(&mut self, target: &IdentityRef) -> Result<Slots<'_>, EditError> {
        match target {
            IdentityRef::User(name) => {
                let u = entry(&mut self.users, name)?;
                Ok(Slots {
                    inline: &mut u.inline_policies,
                    managed: &mut u.managed_policies,
                    boundary: Some(&mut u.permissions_boundary),
                    inline_max: USER_INLINE_MAX,
                })
            }
            IdentityRef::Group(name) => {
                let g = entry(&mut self.groups, name)?;
                Ok(Slots {
                    inline: &mut g.inline_policies,
                    managed: &mut g.managed_policies,
                    boundary: None,
                    inline_max: GROUP_INLINE_MAX,
                })
            }
            IdentityRef::Role(name) => {
                let r = entry(&mut self.roles, name)?;
                Ok(Slots {
                    inline: &mut r.inline_policies,
                    managed: &mut r.managed_policies,
                    boundary: Some(&mut r.permissions_boundary),
                    inline_max: ROLE_INLINE_MAX,
                })
            }
        }
    }

    /// Attaches a managed policy (customer-managed by name, or AWS-managed by ARN) to a user,
    /// group or role.
    pub fn attach_policy(
        &mut self,
        target: &IdentityRef,
        policy: PolicyRef,
    ) -> Result<(), EditError> {
        if let Some(p) = self.reference_problems(&policy) {
            return Err(p.into());
        }
        // Attach the policy's own spelling of a customer name, so references stay uniform.
        let policy = match policy {
            PolicyRef::Customer(n) => {
                PolicyRef::Customer(self.policy(&n).map(|p| p.name.clone()).unwrap_or(n))
            }
            aws => aws,
        };
        let (kind, name) = (target.kind(), target.name().to_string());
        let slots = self.slots(target)?;
        if slots.managed.iter().any(|r| r.same(&policy)) {
            return fail(
                "already-attached",
                format!("{} is already attached to {kind} {name}.", policy.name()),
            );
        }
        if slots.managed.len() >= MANAGED_PER_ENTITY {
            let note = if kind == "group" {
                ""
            } else {
                " (the quota can be raised to 20 through Service Quotas)"
            };
            return fail(
                "too-many-managed-policies",
                format!(
                    "The {kind} {name} already has {MANAGED_PER_ENTITY} managed policies attached, AWS's default quota{note}."
                ),
            );
        }
        slots.managed.push(policy);
        Ok(())
    }

    /// Detaches a managed policy from a user, group or role.
    pub fn detach_policy(
        &mut self,
        target: &IdentityRef,
        policy: &PolicyRef,
    ) -> Result<(), EditError> {
        let (kind, name) = (target.kind(), target.name().to_string());
        let slots = self.slots(target)?;
        let Some(pos) = slots.managed.iter().position(|r| r.same(policy)) else {
            return fail(
                "not-attached",
                format!("{} is not attached to {kind} {name}.", policy.name()),
            );
        };
        slots.managed.remove(pos);
        Ok(())
    }

    /// Adds or replaces (same name, without regard to case) an inline policy of a user, group
    /// or role.
    pub fn put_inline_policy(
        &mut self,
        target: &IdentityRef,
        name: &str,
        document: &str,
    ) -> Result<(), EditError> {
        names::check_name("policy", name, POLICY_NAME_MAX)?;
        let (kind, owner) = (target.kind(), target.name().to_string());
        let slots = self.slots(target)?;
        let existing = slots.inline.iter().position(|p| same_name(&p.name, name));
        let others: usize = slots
            .inline
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != existing)
            .map(|(_, p)| policy_size(&p.document))
            .sum();
        let total = others + policy_size(document);
        if total > slots.inline_max {
            return fail(
                "inline-policy-size",
                format!(
                    "With this policy the inline policies of {kind} {owner} would total {total} characters not counting whitespace; AWS allows at most {}.",
                    slots.inline_max
                ),
            );
        }
        let policy = InlinePolicy {
            name: name.to_string(),
            document: document.to_string(),
        };
        match existing.and_then(|i| slots.inline.get_mut(i)) {
            Some(slot) => *slot = policy,
            None => slots.inline.push(policy),
        }
        Ok(())
    }

    /// Deletes an inline policy of a user, group or role.
    pub fn delete_inline_policy(
        &mut self,
        target: &IdentityRef,
        name: &str,
    ) -> Result<(), EditError> {
        let (kind, owner) = (target.kind(), target.name().to_string());
        let slots = self.slots(target)?;
        let Some(pos) = slots.inline.iter().position(|p| same_name(&p.name, name)) else {
            return fail(
                "unknown-inline-policy",
                format!("The {kind} {owner} has no inline policy named \"{name}\"."),
            );
        };
        slots.inline.remove(pos);
        Ok(())
    }

    /// Sets or removes the permissions boundary of a user or role (groups have none).
    pub fn set_permissions_boundary(
        &mut self,
        target: &IdentityRef,
        boundary: Option<PolicyRef>,
    ) -> Result<(), EditError> {
        if let Some(p) = boundary.as_ref().and_then(|b| self.reference_problems(b)) {
            return Err(p.into());
        }
        let (kind, name) = (target.kind(), target.name().to_string());
        let slots = self.slots(target)?;
        match slots.boundary {
            Some(slot) => {
                *slot = boundary;
                Ok(())
            }
            None => fail(
                "boundary-not-supported",
                format!(
                    "The {kind} {name} cannot have a permissions boundary: AWS sets boundaries on users and roles only."
                ),
            ),
        }
    }

    // External principals.

    /// Adds a principal of another account with its identity policies.
    pub fn add_external_principal(&mut self, external: ExternalPrincipal) -> Result<(), EditError> {
        first(self.external_problems(&external, None))?;
        self.external_principals.push(external);
        Ok(())
    }

    /// Replaces the external principal with this ARN.
    pub fn update_external_principal(
        &mut self,
        arn: &str,
        external: ExternalPrincipal,
    ) -> Result<(), EditError> {
        let Some(i) = self.external_principals.iter().position(|e| e.arn == arn) else {
            return fail(
                "unknown-external",
                format!("{arn} is not an external principal of this scenario."),
            );
        };
        first(self.external_problems(&external, Some(i)))?;
        if let Some(slot) = self.external_principals.get_mut(i) {
            *slot = external;
        }
        Ok(())
    }

    /// Removes the external principal with this ARN.
    pub fn remove_external_principal(&mut self, arn: &str) -> Result<(), EditError> {
        let Some(i) = self.external_principals.iter().position(|e| e.arn == arn) else {
            return fail(
                "unknown-external",
                format!("{arn} is not an external principal of this scenario."),
            );
        };
        self.external_principals.remove(i);
        Ok(())
    }

    // Saved tests.

    /// Adds a saved test.
    pub fn add_test(&mut self, test: TestCase) -> Result<(), EditError> {
        first(self.test_problems(&test))?;
        self.tests.push(test);
        Ok(())
    }

    /// Replaces the saved test at `index`.
    pub fn update_test(&mut self, index: usize, test: TestCase) -> Result<(), EditError> {
        first(self.test_problems(&test))?;
        match self.tests.get_mut(index) {
            Some(slot) => {
                *slot = test;
                Ok(())
            }
            None => fail(
                "unknown-test",
                format!("There is no saved test number {}.", index + 1),
            ),
        }
    }

    /// Removes the saved test at `index`.
    pub fn remove_test(&mut self, index: usize) -> Result<(), EditError> {
        if index >= self.tests.len() {
            return fail(
                "unknown-test",
                format!("There is no saved test number {}.", index + 1),
            );
        }
        self.tests.remove(index);
        Ok(())
    }
}
