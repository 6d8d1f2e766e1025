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
//! Policy ids in the evaluation name where each policy lives: `user/NAME:inline/POLICY`,
//! `group/NAME:inline/POLICY`, `role/NAME:inline/POLICY`, `policy/NAME` (customer-managed),
//! `aws-managed/NAME`, `boundary:` followed by one of the managed forms, `role/NAME:trust`,
//! `resource/KIND/NAME`, `scp/LEVEL/INDEX`, `rcp/LEVEL/INDEX`, `rcp/LEVEL/RCPFullAWSAccess`,
//! `external/ARN/INDEX`.

use serde::Serialize;

use crate::catalog::ManagedPolicies;
use crate::context::{ContextEntry, ContextKeyType, RequestContext};
use crate::eval::{
    self, Caller, CallerKind, CompiledPolicy, Decision, Evaluation, PolicySet, Request,
    ResourcePolicyKind,
};
use crate::policy::PolicyType;

use super::findings::{DocumentRef, Target};
use super::{
    ContextValue, ExpectedDecision, InlinePolicy, PolicyRef, PrincipalRef, ResourceKind, Scenario,
    Tag,
};

/// The session name used for a role's session.
pub const SESSION_NAME: &str = "playground";

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

struct Builder<'a> {
    scenario: &'a Scenario,
    managed: Option<&'a ManagedPolicies>,
    warnings: Vec<String>,
}

/// How many compiled policies [`compile_cached`] keeps, and how many bytes of policy text
/// (a scenario's texts plus the AWS-managed policies it attaches fit many times over; typing
/// adds a text per keystroke, so the cache starts afresh when it is full).
const COMPILED_CACHE_LIMIT: usize = 256;
const COMPILED_CACHE_BYTES: usize = 8 << 20;

/// Compiled policies by (type, text), with the bytes of text they hold.
#[derive(Default)]
struct CompiledCache {
    /// By type, then by text (looked up with the borrowed text: a hit copies nothing but the
    /// compiled policy).
    by_text:
        std::collections::HashMap<PolicyType, std::collections::HashMap<String, CompiledPolicy>>,
    entries: usize,
    bytes: usize,
}

thread_local! {
    /// The access matrix prepares every principal's policies, and principals share most of
    /// them (an AWS-managed policy of 100 KB takes milliseconds to parse and compile); the
    /// saved tests and the simulator prepare the same texts again on every keystroke.
    static COMPILED: std::cell::RefCell<CompiledCache> = std::cell::RefCell::default();
}

/// [`CompiledPolicy::from_text`] without its diagnostics, remembered by text and type: the
/// result depends on nothing else (the id is set on the copy), so a remembered one is exactly
/// a fresh one.
fn compile_cached(id: String, text: &str, t: PolicyType) -> CompiledPolicy {
    let hit = COMPILED.with(|c| {
        c.borrow()
            .by_text
            .get(&t)
            .and_then(|m| m.get(text))
            .cloned()
    });
    if let Some(mut hit) = hit {
        hit.source.id = id;
        return hit;
    }
    let compiled = CompiledPolicy::from_text(id, text, t).0;
    if text.len() <= COMPILED_CACHE_BYTES / 8 {
        COMPILED.with(|c| {
            let mut cache = c.borrow_mut();
            if cache.entries >= COMPILED_CACHE_LIMIT
                || cache.bytes + text.len() > COMPILED_CACHE_BYTES
            {
                *cache = CompiledCache::default();
            }
            cache.entries += 1;
            cache.bytes += text.len();
            cache
                .by_text
                .entry(t)
                .or_default()
                .insert(text.to_string(), compiled.clone());
        });
    }
    compiled
}

impl Builder<'_> {
    fn managed(&mut self, r: &PolicyRef, t: PolicyType, prefix: &str) -> Option<CompiledPolicy> {
        match r {
            PolicyRef::Customer(name) => match self.scenario.policy(name) {
                Some(p) => Some(compile_cached(
                    format!("{prefix}policy/{}", p.name),
                    &p.document,
                    t,
                )),
                None => {
                    self.warnings.push(format!(
                        "The customer-managed policy {name} does not exist and was left out."
                    ));
                    None
                }
            },
            PolicyRef::Aws(arn) => {
                let name = arn.strip_prefix(super::AWS_MANAGED_PREFIX).unwrap_or(arn);
                match self.managed.and_then(|m| m.get(arn)) {
                    Some(p) => Some(compile_cached(
                        format!("{prefix}aws-managed/{name}"),
                        p.document,
                        t,
                    )),
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
        owner: &str,
        inline: &[InlinePolicy],
        managed: &[PolicyRef],
        out: &mut Vec<CompiledPolicy>,
    ) {
        for p in inline {
            out.push(compile_cached(
                format!("{owner}:inline/{}", p.name),
                &p.document,
                PolicyType::Identity,
            ));
        }
        for r in managed {
            if let Some(p) = self.managed(r, PolicyType::Identity, "") {
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
fn arn_account(arn: &str) -> Option<&str> {
    arn.split(':').nth(4).filter(|a| !a.is_empty())
}

/// Evaluates one request against the scenario. `managed` supplies AWS-managed policy
/// documents; without it those policies are left out and listed in the warnings.
pub fn evaluate_request(
    scenario: &Scenario,
    managed: Option<&ManagedPolicies>,
    principal: &PrincipalRef,
    action: &str,
    resource: &str,
    context: &[ContextValue],
) -> Result<ScenarioEvaluation, SimulationError> {
    let prepared = prepare_request(scenario, managed, principal, action, resource, context)?;
    Ok(ScenarioEvaluation {
        evaluation: eval::evaluate(&prepared.set, &prepared.request),
        warnings: prepared.warnings,
    })
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
}

/// Builds the evaluator's inputs for one request without evaluating it (see
/// [`evaluate_request`], which is this followed by [`eval::evaluate`]).
pub fn prepare_request(
    scenario: &Scenario,
    managed: Option<&ManagedPolicies>,
    principal: &PrincipalRef,
    action: &str,
    resource: &str,
    context: &[ContextValue],
) -> Result<PreparedRequest, SimulationError> {
    let account = scenario.account.id.as_str();
    let mut b = Builder {
        scenario,
        managed,
        warnings: Vec::new(),
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
            let user = scenario
                .user(name)
                .ok_or_else(|| unknown(format!("There is no user named \"{name}\".")))?;
            let owner = format!("user/{}", user.name);
            b.identity(
                &owner,
                &user.inline_policies,
                &user.managed_policies,
                &mut set.identity,
            );
            for g in &user.groups {
                if let Some(group) = scenario.group(g) {
                    let owner = format!("group/{}", group.name);
                    b.identity(
                        &owner,
                        &group.inline_policies,
                        &group.managed_policies,
                        &mut set.identity,
                    );
                }
            }
            if let Some(r) = &user.permissions_boundary {
                set.permissions_boundary =
                    b.managed(r, PolicyType::PermissionsBoundary, "boundary:");
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
            let role = scenario
                .role(name)
                .ok_or_else(|| unknown(format!("There is no role named \"{name}\".")))?;
            let owner = format!("role/{}", role.name);
            b.identity(
                &owner,
                &role.inline_policies,
                &role.managed_policies,
                &mut set.identity,
            );
            if let Some(r) = &role.permissions_boundary {
                set.permissions_boundary =
                    b.managed(r, PolicyType::PermissionsBoundary, "boundary:");
            }
            set_tags(&mut ctx, "aws:PrincipalTag/", &role.tags);
            Caller {
                kind: CallerKind::RoleSession,
                arn: format!(
                    "arn:aws:sts::{account}:assumed-role/{}/{SESSION_NAME}",
                    role.name
                ),
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
                    CallerKind::User if scenario.user(name).is_some() => {
                        Some(PrincipalRef::User(name.to_string()))
                    }
                    CallerKind::Role | CallerKind::RoleSession if scenario.role(name).is_some() => {
                        Some(PrincipalRef::Role(name.to_string()))
                    }
                    _ => None,
                };
                if let Some(p) = same {
                    return prepare_request(scenario, managed, &p, action, resource, context);
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
                for (i, p) in e.policies.iter().enumerate() {
                    set.identity.push(compile_cached(
                        format!("external/{}/{i}", e.arn),
                        &p.document,
                        PolicyType::Identity,
                    ));
                }
            }
            caller
        }
    };

    // Where the resource lives, and its policy.
    let is_assume = action.to_ascii_lowercase().starts_with("sts:assumerole");
    let role_target = scenario
        .roles
        .iter()
        .find(|r| is_assume && scenario.role_arn(r) == resource);
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
        set.resource_policy = Some(compile_cached(
            format!("role/{}:trust", role.name),
            &role.trust_policy,
            PolicyType::Trust,
        ));
        set.resource_policy_kind = ResourcePolicyKind::RoleTrust;
    } else if is_assume {
        set.resource_policy_kind = ResourcePolicyKind::RoleTrust;
    } else if let Some(r) = scenario_resource {
        let id = format!(
            "resource/{}/{}",
            serde_json::to_value(r.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            r.name
        );
        let default_key_policy;
        let text = match (&r.policy, r.kind) {
            (Some(text), _) => Some(text.as_str()),
            (None, ResourceKind::KmsKey) => {
                default_key_policy = format!(
                    r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{account}:root"}},"Action":"kms:*","Resource":"*"}}]}}"#
                );
                Some(default_key_policy.as_str())
            }
            (None, _) => None,
        };
        set.resource_policy = text.map(|t| compile_cached(id, t, PolicyType::Resource));
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
                    .map(|(i, p)| {
                        compile_cached(format!("scp/{l}/{i}"), &p.document, PolicyType::Scp)
                    })
                    .collect();
                set.scp_levels.push(policies);
            }
        }
        let rcps_in_use = org.levels.iter().any(|l| !l.rcps.is_empty());
        if rcps_in_use && resource_account == account {
            for (l, level) in org.levels.iter().enumerate() {
                let mut policies = vec![compile_cached(
                    format!("rcp/{l}/RCPFullAWSAccess"),
                    RCP_FULL_AWS_ACCESS,
                    PolicyType::Rcp,
                )];
                for (i, p) in level.rcps.iter().enumerate() {
                    policies.push(compile_cached(
                        format!("rcp/{l}/{i}"),
                        &p.document,
                        PolicyType::Rcp,
                    ));
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

/// Reads a policy id of an evaluation of this scenario.
pub fn locate_policy(scenario: &Scenario, id: &str) -> Option<PolicyLocation> {
    let id = id.strip_prefix("boundary:").unwrap_or(id);
    let at =
        |target: Target, document: DocumentRef| Some(PolicyLocation::Scenario { target, document });
    if let Some(name) = id.strip_prefix("aws-managed/") {
        return Some(PolicyLocation::AwsManaged {
            name: name.to_string(),
        });
    }
    if let Some(name) = id.strip_prefix("policy/") {
        return at(
            Target::Policy {
                name: name.to_string(),
            },
            DocumentRef::Managed,
        );
    }
    if let Some(rest) = id.strip_prefix("external/") {
        let (arn, index) = rest.rsplit_once('/')?;
        let index: usize = index.parse().ok()?;
        let e = scenario.external_principals.iter().find(|e| e.arn == arn)?;
        let policy = e.policies.get(index)?;
        return at(
            Target::ExternalPrincipal {
                arn: arn.to_string(),
            },
            DocumentRef::Inline {
                name: policy.name.clone(),
            },
        );
    }
    if let Some(rest) = id.strip_prefix("resource/") {
        let (kind, name) = rest.split_once('/')?;
        let kind: ResourceKind =
            serde_json::from_value(serde_json::Value::String(kind.to_string())).ok()?;
        let r = scenario.resource(kind, name)?;
        if r.policy.is_none() {
            return Some(PolicyLocation::Implicit {
                name: "the default key policy".to_string(),
            });
        }
        return at(
            Target::Resource {
                resource_kind: kind,
                name: name.to_string(),
            },
            DocumentRef::ResourcePolicy,
        );
    }
    for (prefix, is_scp) in [("scp/", true), ("rcp/", false)] {
        if let Some(rest) = id.strip_prefix(prefix) {
            let (level, index) = rest.split_once('/')?;
            let level: usize = level.parse().ok()?;
            if index == "RCPFullAWSAccess" {
                return Some(PolicyLocation::Implicit {
                    name: "RCPFullAWSAccess".to_string(),
                });
            }
            let index: usize = index.parse().ok()?;
            let document = if is_scp {
                DocumentRef::Scp { level, index }
            } else {
                DocumentRef::Rcp { level, index }
            };
            return at(Target::Organization, document);
        }
    }
    let (owner, part) = id.split_once(':')?;
    let (kind, name) = owner.split_once('/')?;
    let name = name.to_string();
    let target = match kind {
        "user" => Target::User { name },
        "group" => Target::Group { name },
        "role" => Target::Role { name },
        _ => return None,
    };
    match part {
        "trust" => at(target, DocumentRef::Trust),
        _ => at(
            target,
            DocumentRef::Inline {
                name: part.strip_prefix("inline/")?.to_string(),
            },
        ),
    }
}

/// Runs every saved test of the scenario.
pub fn run_tests(scenario: &Scenario, managed: Option<&ManagedPolicies>) -> Vec<TestOutcome> {
    (0..scenario.tests.len())
        .map(|index| run_tests_at(scenario, managed, index))
        .collect()
}

/// Runs the saved test at `index` (an out-of-range index gives a failed outcome saying so).
pub fn run_tests_at(
    scenario: &Scenario,
    managed: Option<&ManagedPolicies>,
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
mod compile_cache_tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    #[test]
    fn a_remembered_compile_is_a_fresh_one_with_its_own_id() {
        let text = r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:Get*","Resource":"*"},{"Effect":"Deny","NotAction":"iam:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#;
        let first = compile_cached("one".into(), text, PolicyType::Identity);
        let second = compile_cached("two".into(), text, PolicyType::Identity);
        let fresh = CompiledPolicy::from_text("two", text, PolicyType::Identity).0;
        assert_eq!(first.source.id, "one");
        assert_eq!(second.source.id, "two");
        assert_eq!(format!("{second:?}"), format!("{fresh:?}"));
        // The type is part of the key: the same text as a boundary is its own entry.
        let boundary = compile_cached("b".into(), text, PolicyType::PermissionsBoundary);
        assert_eq!(boundary.source.policy_type, PolicyType::PermissionsBoundary);
        // Past the limits the cache starts afresh and keeps answering correctly.
        for i in 0..(COMPILED_CACHE_LIMIT + 10) {
            let t = text.replace("s3:Get*", &format!("s3:Get{i}"));
            let c = compile_cached(format!("p{i}"), &t, PolicyType::Identity);
            assert_eq!(c.source.id, format!("p{i}"));
        }
        COMPILED.with(|c| {
            let cache = c.borrow();
            let held: usize = cache.by_text.values().map(|m| m.len()).sum();
            assert_eq!(held, cache.entries);
            assert!(cache.entries <= COMPILED_CACHE_LIMIT);
        });
        let again = compile_cached("two".into(), text, PolicyType::Identity);
        assert_eq!(format!("{again:?}"), format!("{fresh:?}"));
    }
}
