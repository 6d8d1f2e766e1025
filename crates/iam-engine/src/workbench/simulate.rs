//! Simulation glue: builds the evaluator's inputs ([`crate::eval`]) for a principal of the
//! scenario and a request, and runs the saved tests.
//!
//! What goes into an evaluation:
//! - **Caller.** `root` is `arn:aws:iam::ACCOUNT:root`; `user/NAME` the user's ARN (with its
//!   path); `role/NAME` a session of the role, `arn:aws:sts::ACCOUNT:assumed-role/NAME/playground`;
//!   anything else is read as AWS's simulator reads `CallerArn` (an ARN naming a user or role
//!   of the scenario is that user or role).
//! - **Identity policies.** A user's inline and attached policies and those of each of its
//!   groups; a role's inline and attached policies; an external principal's listed policies.
//!   AWS-managed policies come from the managed-policy asset; when it is not loaded (or does
//!   not know a policy) the policy is left out and the outcome says so in `warnings`.
//! - **Permissions boundary** of the user or role.
//! - **SCPs**, level by level, when the caller belongs to the scenario's account and the
//!   account is in an organization (the management account is exempt, as in AWS).
//! - **RCPs**, when the resource is in the scenario's account and any level lists one: each
//!   level gets AWS's `RCPFullAWSAccess` plus its own RCPs.
//! - **Resource policy.** For `sts:AssumeRole*` on a role of the scenario, its trust policy;
//!   otherwise the policy of the scenario resource whose ARN is the request's resource (or, for
//!   a bucket, an object under it). A KMS key without a policy in the scenario gets AWS's
//!   default key policy, which lets the account's IAM policies grant access.
//! - **VPC endpoint.** When the request's `aws:SourceVpce` is the id of a VPC endpoint of the
//!   scenario, the request goes through it: its endpoint policy (AWS's default, full access,
//!   when it has none) must allow the request too.
//! - **Resource account.** A scenario resource or role is in the scenario's account; otherwise
//!   the ARN's account field, and when the ARN has none (S3), the scenario's account.
//! - **Context.** The request's entries, on top of keys AWS derives from the principal and the
//!   resource: `aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:PrincipalType`,
//!   `aws:username` (users), `aws:PrincipalTag/*` (the user's or role's tags),
//!   `aws:PrincipalIsAWSService`, `aws:ResourceAccount` and `aws:ResourceTag/*` (a scenario
//!   resource's tags). An entry of the test with the same key replaces the derived one. Keys
//!   that depend on how the request is made, such as `aws:MultiFactorAuthPresent`,
//!   `aws:SourceIp` or `aws:RequestedRegion`, are absent unless the test sets them — as for a
//!   request signed with long-term access keys.
//!
//! Every policy put into the evaluation is recorded with its typed [`PolicySource`]; the
//! evaluation's string ids ([`PolicySource::id`]) are found again by looking them up in that
//! list ([`ScenarioEvaluation::source`]), never by parsing them. Compiling goes through the
//! caller's [`CompileCache`].

use serde::Serialize;

use crate::catalog::ManagedPolicies;
use crate::context::{ContextEntry, ContextKeyType, RequestContext};
use crate::eval::{
    self, Caller, CallerKind, CompiledPolicy, Decision, Evaluation, PolicySet, Request,
    ResourcePolicyKind,
};
use crate::policy::PolicyType;
use crate::scenario::IdentityRef;

use crate::scenario::{
    ContextValue, ExpectedDecision, InlinePolicy, PolicyRef, PrincipalRef, ResourceKind, Scenario,
    Tag,
};
use crate::scenario::{DocumentRef, Target};

use super::cache::CompileCache;
use super::source::{PolicySource, default_key_policy};

/// The session name used for a role's session.
pub const SESSION_NAME: &str = "playground";

/// The ARN of the simulator's session of role `role` in account `account`.
pub fn role_session_arn(account: &str, role: &str) -> String {
    format!("arn:aws:sts::{account}:assumed-role/{role}/{SESSION_NAME}")
}

/// AWS's `RCPFullAWSAccess`, attached to every level once RCPs are in use.
pub const RCP_FULL_AWS_ACCESS: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#;

/// Why a request could not be evaluated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SimulationError {
    /// A stable code: `unknown-principal`.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
}

/// An evaluation together with what the glue had to leave out.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScenarioEvaluation {
    /// The evaluator's answer.
    pub evaluation: Evaluation,
    /// Policies that could not be included (an AWS-managed policy the asset does not know).
    pub warnings: Vec<String>,
    /// Where each policy of the evaluation comes from, in the order they were put in: the
    /// policies in play.
    #[serde(skip)]
    pub sources: Vec<PolicySource>,
}

impl ScenarioEvaluation {
    /// The source of the policy the evaluation calls `policy_id` (a look-up in
    /// [`ScenarioEvaluation::sources`]).
    pub fn source(&self, policy_id: &str) -> Option<&PolicySource> {
        self.sources.iter().find(|s| s.id() == policy_id)
    }

    /// Whether the request went through a VPC endpoint of the scenario (its policy is in play).
    pub fn through_vpc_endpoint(&self) -> bool {
        self.sources
            .iter()
            .any(|s| s.policy_type() == crate::policy::PolicyType::VpcEndpoint)
    }

    /// Where the policy the evaluation calls `policy_id` lives.
    pub fn locate(&self, policy_id: &str) -> Option<PolicyLocation> {
        self.source(policy_id).map(PolicyLocation::of)
    }

    /// Where the policy the evaluation calls `policy_id` lives, in the words the rest of the
    /// playground uses ("inline policy Dev of group Developers", "AWS-managed policy
    /// ReadOnlyAccess", "SCP 1 at level 2"); the id itself when no source has it.
    pub fn place(&self, policy_id: &str) -> String {
        self.locate(policy_id)
            .map_or_else(|| policy_id.to_string(), |l| l.to_string())
    }
}

impl std::fmt::Display for PolicyLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PolicyLocation::Scenario { target, document } => {
                write!(f, "{}", crate::scenario::PolicyPlace { target, document })
            }
            PolicyLocation::AwsManaged { name } => write!(f, "AWS-managed policy {name}"),
            PolicyLocation::Implicit { name } => f.write_str(name),
        }
    }
}

/// Puts the plain words of each policy in place of the evaluator's internal policy ids
/// (`aws-managed/AdministratorAccess`, `scp/1/1`, `group/Operators:inline/Ops`) in the
/// evaluation's summary and step details, so the headline names a policy as the list of
/// deciding statements does. Longer ids go first, so an id that begins another is never
/// replaced inside it.
fn plain_words(evaluation: &mut Evaluation, sources: &[PolicySource]) {
    let mut names: Vec<(String, String)> = sources
        .iter()
        .map(|s| (s.id(), PolicyLocation::of(s).to_string()))
        .collect();
    names.sort_by_key(|(id, _)| std::cmp::Reverse(id.len()));
    let rewrite = |text: &mut String| {
        for (id, words) in &names {
            if text.contains(id.as_str()) {
                *text = text.replace(id.as_str(), words);
            }
        }
    };
    rewrite(&mut evaluation.summary);
    for step in &mut evaluation.steps {
        rewrite(&mut step.detail);
    }
}

/// The outcome of one saved test.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TestOutcome {
    /// The test's position.
    pub index: usize,
    /// The test's label.
    pub label: String,
    /// The expected decision.
    pub expected: ExpectedDecision,
    /// The decision the evaluator gave, if the request could be evaluated.
    pub actual: Option<Decision>,
    /// Whether the decision is the expected one.
    pub passed: bool,
    /// Why the request could not be evaluated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The evaluation with its reasons, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evaluation: Option<ScenarioEvaluation>,
}

/// Maps AWS's decision to the test vocabulary.
pub fn expected_of(decision: Decision) -> ExpectedDecision {
    match decision {
        Decision::Allowed => ExpectedDecision::Allowed,
        Decision::ExplicitDeny => ExpectedDecision::ExplicitDeny,
        Decision::ImplicitDeny => ExpectedDecision::ImplicitDeny,
    }
}

/// Compiled documents by the address, length and type of their text.
type Documents =
    std::cell::RefCell<rustc_hash::FxHashMap<(usize, usize, PolicyType), CompiledPolicy>>;

/// The scenario's users, groups, roles and customer-managed policies by name, and its roles by
/// ARN, for callers that prepare a request for each of thousands of principals (who-can over a
/// real account): [`Scenario::user`] and the others walk their lists, so preparing every
/// principal of an account that way is quadratic. Built once in linear time
/// ([`ScenarioIndex::of`]); every look-up answers exactly what the scenario's own look-up does
/// (names compared ignoring ASCII case, the first of equal names), and a hit is checked
/// against the scenario, which is walked instead when the index does not know a name.
///
/// It also keeps each policy document of the scenario (and of the AWS-managed policies it was
/// given) compiled once, by the document's place in memory, which the borrow keeps fixed: every
/// principal that attaches a policy shares its compiled form without hashing or comparing its
/// text again (`ReadOnlyAccess` is 90 KB). Only requests prepared over the very scenario and
/// managed policies it borrows use those.
#[derive(Debug)]
pub struct ScenarioIndex<'s> {
    scenario: &'s Scenario,
    managed: Option<&'s ManagedPolicies>,
    /// Compiled documents by (address, length, type) of their text in `scenario` or `managed`.
    compiled: Documents,
    users: rustc_hash::FxHashMap<String, usize>,
    groups: rustc_hash::FxHashMap<String, usize>,
    roles: rustc_hash::FxHashMap<String, usize>,
    policies: rustc_hash::FxHashMap<String, usize>,
    /// Each role by its ARN ([`Scenario::role_arn`], exactly).
    role_arns: rustc_hash::FxHashMap<String, usize>,
}

impl<'s> ScenarioIndex<'s> {
    /// The index of `scenario`.
    pub fn of(scenario: &'s Scenario) -> ScenarioIndex<'s> {
        fn by_name<'n>(
            names: impl Iterator<Item = &'n str>,
        ) -> rustc_hash::FxHashMap<String, usize> {
            let mut map = rustc_hash::FxHashMap::default();
            for (i, n) in names.enumerate() {
                map.entry(n.to_ascii_lowercase()).or_insert(i);
            }
            map
        }
        let mut role_arns = rustc_hash::FxHashMap::default();
        for (i, r) in scenario.roles.iter().enumerate() {
            role_arns.entry(scenario.role_arn(r)).or_insert(i);
        }
        ScenarioIndex {
            scenario,
            managed: None,
            compiled: std::cell::RefCell::default(),
            users: by_name(scenario.users.iter().map(|u| u.name.as_str())),
            groups: by_name(scenario.groups.iter().map(|g| g.name.as_str())),
            roles: by_name(scenario.roles.iter().map(|r| r.name.as_str())),
            policies: by_name(scenario.policies.iter().map(|p| p.name.as_str())),
            role_arns,
        }
    }

    /// The same index, whose compiled documents include those of `managed` (the AWS-managed
    /// policies the requests are prepared with).
    pub fn with_managed(mut self, managed: Option<&'s ManagedPolicies>) -> ScenarioIndex<'s> {
        self.managed = managed;
        self
    }

    /// The compiled documents, when requests over `scenario` and `managed` may use them: the
    /// very data this index borrows, so that a document's address names it.
    fn documents(
        &self,
        scenario: &Scenario,
        managed: Option<&ManagedPolicies>,
    ) -> Option<&Documents> {
        let same_managed = match (self.managed, managed) {
            (Some(a), Some(b)) => std::ptr::eq(a, b),
            (None, None) => true,
            _ => false,
        };
        (std::ptr::eq(self.scenario, scenario) && same_managed).then_some(&self.compiled)
    }

    /// The item of `list` named `name` by `map`, checked, or `None` when the map has no entry.
    fn hit<'d, T>(
        map: &rustc_hash::FxHashMap<String, usize>,
        list: &'d [T],
        name: &str,
        name_of: impl Fn(&T) -> &str,
    ) -> Option<Option<&'d T>> {
        let at = *map.get(name.to_ascii_lowercase().as_str())?;
        list.get(at)
            .filter(|item| name_of(item).eq_ignore_ascii_case(name))
            .map(Some)
    }

    /// [`Scenario::user`], through the index when there is one.
    pub fn user<'d>(
        index: Option<&ScenarioIndex<'_>>,
        scenario: &'d Scenario,
        name: &str,
    ) -> Option<&'d crate::scenario::User> {
        index
            .and_then(|i| Self::hit(&i.users, &scenario.users, name, |u| &u.name))
            .unwrap_or_else(|| scenario.user(name))
    }

    /// [`Scenario::group`], through the index when there is one.
    pub fn group<'d>(
        index: Option<&ScenarioIndex<'_>>,
        scenario: &'d Scenario,
        name: &str,
    ) -> Option<&'d crate::scenario::Group> {
        index
            .and_then(|i| Self::hit(&i.groups, &scenario.groups, name, |g| &g.name))
            .unwrap_or_else(|| scenario.group(name))
    }

    /// [`Scenario::role`], through the index when there is one.
    pub fn role<'d>(
        index: Option<&ScenarioIndex<'_>>,
        scenario: &'d Scenario,
        name: &str,
    ) -> Option<&'d crate::scenario::Role> {
        index
            .and_then(|i| Self::hit(&i.roles, &scenario.roles, name, |r| &r.name))
            .unwrap_or_else(|| scenario.role(name))
    }

    /// [`Scenario::policy`], through the index when there is one.
    pub fn policy<'d>(
        index: Option<&ScenarioIndex<'_>>,
        scenario: &'d Scenario,
        name: &str,
    ) -> Option<&'d crate::scenario::ManagedPolicy> {
        index
            .and_then(|i| Self::hit(&i.policies, &scenario.policies, name, |p| &p.name))
            .unwrap_or_else(|| scenario.policy(name))
    }

    /// The first role of the scenario whose ARN is `arn`, through the index when there is one.
    fn role_by_arn<'d>(
        index: Option<&ScenarioIndex<'_>>,
        scenario: &'d Scenario,
        arn: &str,
    ) -> Option<&'d crate::scenario::Role> {
        let account = scenario.account.id.as_str();
        let checked = index.and_then(|i| {
            let at = *i.role_arns.get(arn)?;
            scenario
                .roles
                .get(at)
                .filter(|r| is_role_arn(account, r, arn))
                .map(Some)
        });
        checked.unwrap_or_else(|| scenario.roles.iter().find(|r| is_role_arn(account, r, arn)))
    }
}

struct Builder<'a> {
    scenario: &'a Scenario,
    index: Option<&'a ScenarioIndex<'a>>,
    /// The index's compiled documents, when the request is over the data it borrows.
    documents: Option<&'a Documents>,
    managed: Option<&'a ManagedPolicies>,
    cache: &'a CompileCache,
    warnings: Vec<String>,
    sources: Vec<PolicySource>,
}

impl Builder<'_> {
    /// Compiles a policy through the cache and records its source.
    fn compile(&mut self, source: PolicySource, text: &str) -> CompiledPolicy {
        let compiled = self.cache.compile(source.id(), text, source.policy_type());
        self.sources.push(source);
        compiled
    }

    /// [`Builder::compile`] for a document of the scenario or of the AWS-managed policies (a
    /// text that lives as long as they do): compiled once per index.
    fn compile_document(&mut self, source: PolicySource, text: &str) -> CompiledPolicy {
        let Some(documents) = self.documents else {
            return self.compile(source, text);
        };
        let key = (text.as_ptr() as usize, text.len(), source.policy_type());
        let hit = documents
            .try_borrow()
            .ok()
            .and_then(|d| d.get(&key).cloned());
        match hit {
            Some(mut hit) => {
                hit.source.id = source.id();
                self.sources.push(source);
                hit
            }
            None => {
                let compiled = self.compile(source, text);
                if let Ok(mut d) = documents.try_borrow_mut() {
                    d.insert(key, compiled.clone());
                }
                compiled
            }
        }
    }

    /// A managed policy attached to `owner` (as its boundary when `boundary`).
    fn managed(
        &mut self,
        r: &PolicyRef,
        owner: &IdentityRef,
        boundary: bool,
    ) -> Option<CompiledPolicy> {
        let source = PolicySource::Attached {
            policy: r.clone(),
            attached_to: owner.clone(),
            boundary,
        };
        match r {
            PolicyRef::Customer(name) => {
                match ScenarioIndex::policy(self.index, self.scenario, name) {
                    Some(p) => Some(self.compile_document(source, &p.document)),
                    None => {
                        self.warnings.push(format!(
                            "The customer-managed policy {name} does not exist and was left out."
                        ));
                        None
                    }
                }
            }
            PolicyRef::Aws(arn) => {
                let name = arn
                    .strip_prefix(crate::scenario::AWS_MANAGED_PREFIX)
                    .unwrap_or(arn);
                match self.managed.and_then(|m| m.get(arn)) {
                    Some(p) => Some(self.compile_document(source, p.document)),
                    None => {
                        let why = if self.managed.is_none() {
                            "the AWS-managed policies are not loaded"
                        } else {
                            "the AWS-managed policy list does not know it"
                        };
                        self.warnings.push(format!(
                            "The AWS-managed policy {name} was left out: {why}."
                        ));
                        None
                    }
                }
            }
        }
    }

    fn identity(
        &mut self,
        owner: &IdentityRef,
        inline: &[InlinePolicy],
        managed: &[PolicyRef],
        out: &mut Vec<CompiledPolicy>,
    ) {
        for p in inline {
            let source = PolicySource::Inline {
                owner: owner.clone(),
                name: p.name.clone(),
            };
            out.push(self.compile_document(source, &p.document));
        }
        for r in managed {
            if let Some(p) = self.managed(r, owner, false) {
                out.push(p);
            }
        }
    }
}

fn set_tags(context: &mut RequestContext, prefix: &str, tags: &[Tag]) {
    for t in tags {
        context.set(
            format!("{prefix}{}", t.key),
            ContextKeyType::String,
            [t.value.clone()],
        );
    }
}

/// The account field of an ARN, if it has a non-empty one.
pub(crate) fn arn_account(arn: &str) -> Option<&str> {
    arn.split(':').nth(4).filter(|a| !a.is_empty())
}

/// Evaluates one request against the scenario. `managed` supplies AWS-managed policy
/// documents; without it those policies are left out and listed in the warnings.
pub fn evaluate_request(
    scenario: &Scenario,
    managed: Option<&ManagedPolicies>,
    cache: &CompileCache,
    principal: &PrincipalRef,
    action: &str,
    resource: &str,
    context: &[ContextValue],
) -> Result<ScenarioEvaluation, SimulationError> {
    let prepared = prepare_request(
        scenario, managed, cache, principal, action, resource, context,
    )?;
    Ok(prepared.evaluate())
}

/// The evaluator's inputs for one request of the scenario: the compiled policies and the
/// request with its derived context. Bulk callers (the access matrix) prepare once per
/// principal and then change only the request's action, because compiling is the costly part.
#[derive(Debug, Clone)]
pub struct PreparedRequest {
    /// The policies that apply, compiled.
    pub set: PolicySet,
    /// The request, with the keys AWS derives from the principal and the resource.
    pub request: Request,
    /// Policies that could not be included.
    pub warnings: Vec<String>,
    /// Where each compiled policy comes from.
    pub sources: Vec<PolicySource>,
}

impl PreparedRequest {
    /// The source of the policy the evaluation will call `policy_id`.
    pub fn source(&self, policy_id: &str) -> Option<&PolicySource> {
        self.sources.iter().find(|s| s.id() == policy_id)
    }

    /// Evaluates the prepared request without giving it up (bulk callers evaluate many
    /// actions with one prepared set; only the warnings and sources are copied).
    pub fn evaluate_ref(&self) -> ScenarioEvaluation {
        let mut evaluation = eval::evaluate(&self.set, &self.request);
        plain_words(&mut evaluation, &self.sources);
        ScenarioEvaluation {
            evaluation,
            warnings: self.warnings.clone(),
            sources: self.sources.clone(),
        }
    }

    /// Evaluates the prepared request.
    pub fn evaluate(self) -> ScenarioEvaluation {
        let mut evaluation = eval::evaluate(&self.set, &self.request);
        plain_words(&mut evaluation, &self.sources);
        ScenarioEvaluation {
            evaluation,
            warnings: self.warnings,
            sources: self.sources,
        }
    }
}

/// Whether `arn` is the ARN of `role` ([`Scenario::role_arn`]), compared without building it.
fn is_role_arn(account: &str, role: &crate::scenario::Role, arn: &str) -> bool {
    arn.strip_prefix("arn:aws:iam::")
        .and_then(|rest| rest.strip_prefix(account))
        .and_then(|rest| rest.strip_prefix(":role"))
        .and_then(|rest| rest.strip_prefix(role.path.as_str()))
        .is_some_and(|rest| rest == role.name)
}

/// Builds the evaluator's inputs for one request without evaluating it (see
/// [`evaluate_request`], which is this followed by [`eval::evaluate`]).
pub fn prepare_request(
    scenario: &Scenario,
    managed: Option<&ManagedPolicies>,
    cache: &CompileCache,
    principal: &PrincipalRef,
    action: &str,
    resource: &str,
    context: &[ContextValue],
) -> Result<PreparedRequest, SimulationError> {
    prepare_request_indexed(
        scenario, None, managed, cache, principal, action, resource, context,
    )
}

/// [`prepare_request`] that finds the scenario's users, groups, roles and policies through
/// `index` (the same inputs, without walking the scenario's lists).
#[allow(clippy::too_many_arguments)]
pub fn prepare_request_indexed(
    scenario: &Scenario,
    index: Option<&ScenarioIndex<'_>>,
    managed: Option<&ManagedPolicies>,
    cache: &CompileCache,
    principal: &PrincipalRef,
    action: &str,
    resource: &str,
    context: &[ContextValue],
) -> Result<PreparedRequest, SimulationError> {
    let account = scenario.account.id.as_str();
    let mut b = Builder {
        scenario,
        index,
        documents: index.and_then(|i| i.documents(scenario, managed)),
        managed,
        cache,
        warnings: Vec::new(),
        sources: Vec::new(),
    };
    let mut set = PolicySet::default();
    let mut ctx = RequestContext::new();
    let unknown = |what: String| SimulationError {
        code: "unknown-principal",
        message: what,
    };
    let caller = match principal {
        PrincipalRef::Root => Caller {
            kind: CallerKind::Root,
            arn: scenario.root_arn(),
            account: account.to_string(),
            role_arn: None,
        },
        PrincipalRef::User(name) => {
            let user = ScenarioIndex::user(index, scenario, name)
                .ok_or_else(|| unknown(format!("There is no user named \"{name}\".")))?;
            let owner = IdentityRef::User(user.name.clone());
            b.identity(
                &owner,
                &user.inline_policies,
                &user.managed_policies,
                &mut set.identity,
            );
            for g in &user.groups {
                if let Some(group) = ScenarioIndex::group(index, scenario, g) {
                    let owner = IdentityRef::Group(group.name.clone());
                    b.identity(
                        &owner,
                        &group.inline_policies,
                        &group.managed_policies,
                        &mut set.identity,
                    );
                }
            }
            if let Some(r) = &user.permissions_boundary {
                set.permissions_boundary = b.managed(r, &owner, true);
            }
            ctx.set("aws:username", ContextKeyType::String, [user.name.clone()]);
            set_tags(&mut ctx, "aws:PrincipalTag/", &user.tags);
            Caller {
                kind: CallerKind::User,
                arn: scenario.user_arn(user),
                account: account.to_string(),
                role_arn: None,
            }
        }
        PrincipalRef::Role(name) => {
            let role = ScenarioIndex::role(index, scenario, name)
                .ok_or_else(|| unknown(format!("There is no role named \"{name}\".")))?;
            let owner = IdentityRef::Role(role.name.clone());
            b.identity(
                &owner,
                &role.inline_policies,
                &role.managed_policies,
                &mut set.identity,
            );
            if let Some(r) = &role.permissions_boundary {
                set.permissions_boundary = b.managed(r, &owner, true);
            }
            set_tags(&mut ctx, "aws:PrincipalTag/", &role.tags);
            Caller {
                kind: CallerKind::RoleSession,
                arn: role_session_arn(account, &role.name),
                account: account.to_string(),
                role_arn: Some(scenario.role_arn(role)),
            }
        }
        PrincipalRef::Other(text) => {
            // An ARN naming a user or role of the scenario is that user or role.
            if let Some(c) = Caller::from_arn(text)
                && c.account == account
            {
                let name = c.principal_arn().rsplit('/').next().unwrap_or("");
                let same = match c.kind {
                    CallerKind::User if ScenarioIndex::user(index, scenario, name).is_some() => {
                        Some(PrincipalRef::User(name.to_string()))
                    }
                    CallerKind::Role | CallerKind::RoleSession
                        if ScenarioIndex::role(index, scenario, name).is_some() =>
                    {
                        Some(PrincipalRef::Role(name.to_string()))
                    }
                    _ => None,
                };
                if let Some(p) = same {
                    return prepare_request_indexed(
                        scenario, index, managed, cache, &p, action, resource, context,
                    );
                }
            }
            let caller = Caller::from_arn(text).ok_or_else(|| {
                unknown(format!(
                    "\"{text}\" is not root, user/NAME, role/NAME, an ARN, a service principal or anonymous."
                ))
            })?;
            let external = scenario.external_principals.iter().find(|e| {
                e.arn == caller.arn || caller.role_arn.as_deref() == Some(e.arn.as_str())
            });
            if let Some(e) = external {
                for (index, p) in e.policies.iter().enumerate() {
                    let source = PolicySource::External {
                        arn: e.arn.clone(),
                        index,
                        name: p.name.clone(),
                    };
                    let compiled = b.compile(source, &p.document);
                    set.identity.push(compiled);
                }
            }
            caller
        }
    };

    // Where the resource lives, and its policy.
    let is_assume = action.to_ascii_lowercase().starts_with("sts:assumerole");
    let role_target = if is_assume {
        ScenarioIndex::role_by_arn(index, scenario, resource)
    } else {
        None
    };
    let scenario_resource = scenario
        .resources
        .iter()
        .find(|r| r.covers(&scenario.account, resource));
    let resource_account = if role_target.is_some() || scenario_resource.is_some() {
        account.to_string()
    } else {
        arn_account(resource).unwrap_or(account).to_string()
    };
    if let Some(role) = role_target {
        let source = PolicySource::Trust {
            role: role.name.clone(),
        };
        set.resource_policy = Some(b.compile_document(source, &role.trust_policy));
        set.resource_policy_kind = ResourcePolicyKind::RoleTrust;
    } else if is_assume {
        set.resource_policy_kind = ResourcePolicyKind::RoleTrust;
    } else if let Some(r) = scenario_resource {
        set.resource_policy = match (&r.policy, r.kind) {
            (Some(text), _) => {
                let source = PolicySource::Resource {
                    resource_kind: r.kind,
                    name: r.name.clone(),
                };
                Some(b.compile(source, text))
            }
            (None, ResourceKind::KmsKey) => {
                let source = PolicySource::DefaultKeyPolicy {
                    name: r.name.clone(),
                };
                Some(b.compile(source, &default_key_policy(account)))
            }
            (None, _) => None,
        };
        if r.kind == ResourceKind::KmsKey {
            set.resource_policy_kind = ResourcePolicyKind::KmsKey;
        }
        set_tags(&mut ctx, "aws:ResourceTag/", &r.tags);
    } else if action.to_ascii_lowercase().starts_with("kms:") {
        set.resource_policy_kind = ResourcePolicyKind::KmsKey;
    }

    // The organization.
    if let Some(org) = &scenario.organization {
        if org.management_account {
            set.management_account = Some(account.to_string());
        }
        if caller.account == account {
            for (l, level) in org.levels.iter().enumerate() {
                let policies = level
                    .scps
                    .iter()
                    .enumerate()
                    .map(|(i, p)| b.compile(PolicySource::Scp { level: l, index: i }, &p.document))
                    .collect();
                set.scp_levels.push(policies);
            }
        }
        let rcps_in_use = org.levels.iter().any(|l| !l.rcps.is_empty());
        if rcps_in_use && resource_account == account {
            for (l, level) in org.levels.iter().enumerate() {
                let mut policies = vec![b.compile(
                    PolicySource::RcpFullAwsAccess { level: l },
                    RCP_FULL_AWS_ACCESS,
                )];
                for (i, p) in level.rcps.iter().enumerate() {
                    policies.push(b.compile(PolicySource::Rcp { level: l, index: i }, &p.document));
                }
                set.rcp_levels.push(policies);
            }
        }
    }

    // Keys AWS derives from the principal and the resource; the test's entries come last so
    // they replace these.
    if caller.kind != CallerKind::Anonymous {
        let principal_type = match caller.kind {
            CallerKind::Root => "Account",
            CallerKind::User => "User",
            CallerKind::Role | CallerKind::RoleSession => "AssumedRole",
            CallerKind::FederatedUser => "FederatedUser",
            CallerKind::Service => "Service",
            CallerKind::Anonymous => "Anonymous",
        };
        if caller.kind != CallerKind::Service {
            ctx.set(
                "aws:PrincipalArn",
                ContextKeyType::String,
                [caller.principal_arn().to_string()],
            );
            ctx.set(
                "aws:PrincipalAccount",
                ContextKeyType::String,
                [caller.account.clone()],
            );
            ctx.set(
                "aws:PrincipalType",
                ContextKeyType::String,
                [principal_type],
            );
        }
        let is_service = if caller.kind == CallerKind::Service {
            "true"
        } else {
            "false"
        };
        ctx.set(
            "aws:PrincipalIsAWSService",
            ContextKeyType::Boolean,
            [is_service],
        );
    }
    ctx.set(
        "aws:ResourceAccount",
        ContextKeyType::String,
        [resource_account.clone()],
    );
    for c in context {
        ctx.insert(ContextEntry::new(
            c.key.clone(),
            c.ty,
            c.values.iter().cloned(),
        ));
    }

    // The VPC endpoint the request goes through: the scenario's endpoint whose id is the
    // request's `aws:SourceVpce` (an id the scenario does not hold is only a context value).
    let source_vpce = ctx.lookup("aws:SourceVpce").values().first().cloned();
    if let Some(endpoint) =
        source_vpce.and_then(|id| scenario.resources.iter().find(|r| r.carries(&id)))
    {
        set.vpc_endpoint = Some(match &endpoint.policy {
            Some(text) => b.compile(
                PolicySource::Resource {
                    resource_kind: ResourceKind::VpcEndpoint,
                    name: endpoint.name.clone(),
                },
                text,
            ),
            None => b.compile(
                PolicySource::DefaultEndpointPolicy {
                    name: endpoint.name.clone(),
                },
                crate::simulate::DEFAULT_VPC_ENDPOINT_POLICY,
            ),
        });
    }

    let request = Request {
        caller,
        action: action.to_string(),
        resource: resource.to_string(),
        resource_account: Some(resource_account),
        context: ctx,
    };
    Ok(PreparedRequest {
        set,
        request,
        warnings: b.warnings,
        sources: b.sources,
    })
}

/// Where a policy of an evaluation lives, read from its id (see the module docs), so the UI
/// can open the document and highlight a statement's span.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum PolicyLocation {
    /// A policy text of the scenario.
    Scenario {
        /// The entity that holds it.
        target: Target,
        /// Which of its texts.
        document: DocumentRef,
    },
    /// An AWS-managed policy, by name (read-only; its text is in the managed-policy asset).
    AwsManaged {
        /// The policy's name (with its path, e.g. `job-function/ViewOnlyAccess`).
        name: String,
    },
    /// A policy the simulation supplies as AWS would: `RCPFullAWSAccess`, or the default key
    /// policy of a KMS key without one.
    Implicit {
        /// What it is.
        name: String,
    },
}

impl PolicyLocation {
    /// Where a policy of the given source lives.
    pub fn of(source: &PolicySource) -> PolicyLocation {
        match source {
            PolicySource::Attached {
                policy: PolicyRef::Aws(arn),
                ..
            } => PolicyLocation::AwsManaged {
                name: arn
                    .strip_prefix(crate::scenario::AWS_MANAGED_PREFIX)
                    .unwrap_or(arn)
                    .to_string(),
            },
            PolicySource::DefaultKeyPolicy { .. } => PolicyLocation::Implicit {
                name: "the default key policy".to_string(),
            },
            PolicySource::RcpFullAwsAccess { .. } => PolicyLocation::Implicit {
                name: "RCPFullAWSAccess".to_string(),
            },
            PolicySource::DefaultEndpointPolicy { name } => PolicyLocation::Implicit {
                name: format!("the default endpoint policy of {name}"),
            },
            other => match other.place() {
                Some((target, document)) => PolicyLocation::Scenario { target, document },
                None => PolicyLocation::Implicit { name: other.id() },
            },
        }
    }
}

/// Runs every saved test of the scenario.
pub fn run_tests(
    scenario: &Scenario,
    managed: Option<&ManagedPolicies>,
    cache: &CompileCache,
) -> Vec<TestOutcome> {
    (0..scenario.tests.len())
        .map(|index| run_tests_at(scenario, managed, cache, index))
        .collect()
}

/// Runs the saved test at `index` (an out-of-range index gives a failed outcome saying so).
pub fn run_tests_at(
    scenario: &Scenario,
    managed: Option<&ManagedPolicies>,
    cache: &CompileCache,
    index: usize,
) -> TestOutcome {
    let Some(test) = scenario.tests.get(index) else {
        return TestOutcome {
            index,
            label: String::new(),
            expected: ExpectedDecision::Allowed,
            actual: None,
            passed: false,
            error: Some(format!("There is no saved test {}.", index + 1)),
            evaluation: None,
        };
    };
    let result = evaluate_request(
        scenario,
        managed,
        cache,
        &test.principal,
        &test.action,
        &test.resource,
        &test.context,
    );
    match result {
        Ok(e) => {
            let actual = e.evaluation.decision;
            TestOutcome {
                index,
                label: test.label.clone(),
                expected: test.expected,
                actual: Some(actual),
                passed: expected_of(actual) == test.expected,
                error: None,
                evaluation: Some(e),
            }
        }
        Err(err) => TestOutcome {
            index,
            label: test.label.clone(),
            expected: test.expected,
            actual: None,
            passed: false,
            error: Some(err.message),
            evaluation: None,
        },
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::scenario::{Group, InlinePolicy, Scenario, User};

    /// A user whose group's inline policy allows reading objects.
    fn scenario() -> Scenario {
        let mut s = Scenario::new("111122223333");
        let mut g = Group::new("Operators");
        g.inline_policies.push(InlinePolicy {
            name: "Ops".into(),
            document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#.into(),
        });
        s.groups.push(g);
        let mut u = User::new("alice");
        u.groups.push("Operators".into());
        s.users.push(u);
        s
    }

    #[test]
    fn the_headline_names_policies_in_plain_words_not_internal_ids() {
        let s = scenario();
        let cache = CompileCache::new();
        let result = evaluate_request(
            &s,
            None,
            &cache,
            &PrincipalRef::from("user/alice".to_string()),
            "s3:GetObject",
            "arn:aws:s3:::b/k",
            &[],
        )
        .unwrap();
        let summary = &result.evaluation.summary;
        assert!(
            summary.contains("inline policy Ops of group Operators"),
            "{summary}"
        );
        assert!(!summary.contains("group/Operators:inline/"), "{summary}");
        for step in &result.evaluation.steps {
            assert!(!step.detail.contains(":inline/"), "{}", step.detail);
        }
        let id = &result.evaluation.matched_statements[0].policy_id;
        assert_eq!(result.place(id), "inline policy Ops of group Operators");
        assert_eq!(result.place("nowhere/1"), "nowhere/1");
    }

    /// The index finds what the scenario's own look-ups find (names in another case, the
    /// first of two equal names, roles by ARN), an unknown name finds nothing, and an index of
    /// another version of the scenario is checked, never trusted.
    #[test]
    fn the_index_finds_what_the_scenario_finds() {
        use crate::scenario::{ManagedPolicy, Role};
        let mut s = scenario();
        s.users.push(User::new("Bob"));
        s.users.push(User::new("BOB"));
        let mut r = Role::new("deploy", "{}");
        r.path = "/ci/".into();
        s.roles.push(r);
        s.policies
            .push(ManagedPolicy::new("Read", r#"{"Statement":[]}"#));
        let index = ScenarioIndex::of(&s);
        for name in ["alice", "ALICE", "bob", "Bob", "carol", ""] {
            let by_index = ScenarioIndex::user(Some(&index), &s, name).map(|u| &u.name);
            assert_eq!(by_index, s.user(name).map(|u| &u.name), "{name}");
        }
        assert_eq!(
            ScenarioIndex::user(Some(&index), &s, "bob").map(|u| u.name.as_str()),
            Some("Bob")
        );
        assert!(ScenarioIndex::group(Some(&index), &s, "OPERATORS").is_some());
        assert!(ScenarioIndex::group(Some(&index), &s, "Operator").is_none());
        assert!(ScenarioIndex::policy(Some(&index), &s, "read").is_some());
        assert!(ScenarioIndex::role(Some(&index), &s, "Deploy").is_some());
        let arn = "arn:aws:iam::111122223333:role/ci/deploy";
        assert!(ScenarioIndex::role_by_arn(Some(&index), &s, arn).is_some());
        // Near misses: the path is part of the ARN, and ARNs compare exactly.
        for other in [
            "arn:aws:iam::111122223333:role/deploy",
            "arn:aws:iam::111122223333:role/ci/Deploy",
        ] {
            assert!(ScenarioIndex::role_by_arn(Some(&index), &s, other).is_none());
        }
        // An index of an older version: the removed user is not found, the renamed one is.
        let mut edited = s.clone();
        edited.users.remove(0);
        edited.users[0].name = "Robert".into();
        assert!(ScenarioIndex::user(Some(&index), &edited, "alice").is_none());
        assert_eq!(
            ScenarioIndex::user(Some(&index), &edited, "robert").map(|u| u.name.as_str()),
            Some("Robert")
        );
        // The indexed preparation is the plain one.
        let cache = CompileCache::new();
        for p in ["user/alice", "user/bob", "role/deploy", "root", arn] {
            let p = PrincipalRef::from(p.to_string());
            for (action, resource) in [
                ("s3:GetObject", "arn:aws:s3:::b/k"),
                ("sts:AssumeRole", arn),
            ] {
                let plain = prepare_request(&s, None, &cache, &p, action, resource, &[])
                    .map(|r| r.evaluate());
                let indexed = prepare_request_indexed(
                    &s,
                    Some(&index),
                    None,
                    &cache,
                    &p,
                    action,
                    resource,
                    &[],
                )
                .map(|r| r.evaluate());
                assert_eq!(indexed, plain, "{p:?} {action}");
            }
        }
    }
}
