//! Who can: every principal the scenario knows that is allowed an action on a resource.
//!
//! The principals are the root user, the users, the roles (their sessions), the external
//! principals the scenario lists, and every principal named in a trust or resource policy
//! (other accounts, their users and roles, AWS services, `*`). Each is asked of the engine, one
//! request per principal and action, so the work is linear in principals × actions. A role
//! that is allowed also lists who can reach its session through trust policies, transitively
//! (user → role → role), each hop being the engine's decision on `sts:AssumeRole`.
//!
//! Each answer says how it is decided:
//! - **allowed**, with the deciding statements;
//! - **conditional**: the decision depends on context keys the request does not fix (an
//!   `aws:MultiFactorAuthPresent` condition, for example), said in words;
//! - **denied by a guardrail**: the principal's identity or resource policies allow the
//!   request, but an SCP, an RCP or the permissions boundary denies it (decided by evaluating
//!   the same request without the guardrails), with the guardrail named.
//!
//! Principals that nothing allows are left out.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::catalog::Catalog;
use crate::eval::{self, Decision, Miss, StepKind, Verdict};
use crate::policy::PolicyType;
use crate::scenario::{ContextValue, PrincipalRef, Scenario};

use super::{
    DecidedRequest, Model, QuickDecider, named_principals, principals_named_in, statement_words,
};
use crate::workbench::answer::deciding_statements;
use crate::workbench::simulate::{ScenarioEvaluation, ScenarioIndex, prepare_request_indexed};

/// What kind of principal an answer is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum PrincipalKind {
    /// The account's root user.
    Root,
    /// An IAM user of the scenario.
    User,
    /// A session of an IAM role of the scenario.
    Role,
    /// A principal of another account (listed by the scenario or named in a policy).
    External,
    /// An AWS service principal named in a trust or resource policy.
    Service,
    /// `*`: anyone, named in a resource policy.
    Anyone,
}

/// How a principal's request is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Access {
    /// Allowed whatever the context keys the request does not fix.
    Allowed,
    /// The decision depends on context keys the request does not fix.
    Conditional,
    /// The identity or resource policies allow it, but a guardrail (SCP, RCP, permissions
    /// boundary) denies it.
    Denied,
}

/// The question: which actions, on which resource, with which context.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WhoCanQuery {
    /// The actions (already expanded: see [`expand_actions`]).
    pub actions: Vec<String>,
    /// The resource ARN (or `*`).
    pub resource: String,
    /// Context keys the user fixed.
    pub context: Vec<ContextValue>,
    /// Whether to list, for each role, who can reach its session (costs one `sts:AssumeRole`
    /// request per principal and role in the chains).
    pub assumers: bool,
}

/// One principal's answer for one action.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WhoCanEntry {
    /// The principal as a [`PrincipalRef`] string.
    pub principal: String,
    /// What kind of principal it is.
    pub kind: PrincipalKind,
    /// How the request is decided.
    pub access: Access,
    /// The request and the engine's decision on it, with the deciding statements.
    pub request: DecidedRequest,
    /// For a conditional answer, the condition in words ("depends on
    /// aws:MultiFactorAuthPresent: ...").
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<String>,
    /// For a denied answer, what denies it in words ("denied by SCP DenyDeletes …").
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub denied_by: Vec<String>,
    /// For a role, the chains of principals that can reach its session, each ending with the
    /// role (`[user/dana, role/Ops, role/Admin]`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub assumed_by: Vec<Vec<String>>,
}

/// The answer to a who-can question.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WhoCanAnswer {
    /// The actions asked about.
    pub actions: Vec<String>,
    /// The resource asked about.
    pub resource: String,
    /// How many principals were asked.
    pub principals_considered: usize,
    /// The principals with an answer, by action then in the scenario's order.
    pub entries: Vec<WhoCanEntry>,
}

/// The actions a query names: each entry an action, a wildcard pattern expanded with the
/// catalog (kept as it is without one), or `service:AccessLevel` such as `s3:Write` or
/// `iam:PermissionsManagement` (with the catalog). Each action once, in order.
pub fn expand_actions(spec: &[String], catalog: Option<&Catalog>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |a: String| {
        if !out.iter().any(|o| o.eq_ignore_ascii_case(&a)) {
            out.push(a);
        }
    };
    for item in spec
        .iter()
        .flat_map(|s| s.split([',', ' ']))
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let level = item.split_once(':').and_then(|(service, level)| {
            let wanted: String = level.chars().filter(|c| !c.is_whitespace()).collect();
            let c = catalog?;
            let service = c.service(service)?;
            let actions: Vec<String> = service
                .actions()
                .filter(|a| {
                    let have: String = a
                        .access_level()
                        .as_str()
                        .chars()
                        .filter(|c| !c.is_whitespace())
                        .collect();
                    have.eq_ignore_ascii_case(&wanted)
                })
                .map(|a| a.full_name())
                .collect();
            (!actions.is_empty() && service.action(level).is_none()).then_some(actions)
        });
        if let Some(actions) = level {
            actions.into_iter().for_each(&mut push);
        } else if item.contains(['*', '?'])
            && let Some(c) = catalog
        {
            c.expand(item)
                .into_iter()
                .map(|a| a.full_name())
                .for_each(&mut push);
        } else {
            push(item.to_string());
        }
    }
    out
}

/// Every principal the scenario knows, with its kind, in order: the root user, the users, the
/// roles, the listed external principals, then those named in trust and resource policies.
pub fn known_principals(scenario: &Scenario) -> Vec<(PrincipalRef, PrincipalKind)> {
    let mut out: Vec<(PrincipalRef, PrincipalKind)> =
        vec![(PrincipalRef::Root, PrincipalKind::Root)];
    out.extend(
        scenario
            .users
            .iter()
            .map(|u| (PrincipalRef::User(u.name.clone()), PrincipalKind::User)),
    );
    out.extend(
        scenario
            .roles
            .iter()
            .map(|r| (PrincipalRef::Role(r.name.clone()), PrincipalKind::Role)),
    );
    let own: HashSet<String> = std::iter::once(scenario.root_arn())
        .chain(scenario.users.iter().map(|u| scenario.user_arn(u)))
        .chain(scenario.roles.iter().map(|r| scenario.role_arn(r)))
        .collect();
    let mut seen: HashSet<String> = HashSet::new();
    let mut other = |text: String, out: &mut Vec<(PrincipalRef, PrincipalKind)>| {
        if own.contains(&text) || !seen.insert(text.clone()) {
            return;
        }
        let kind = if text == "*" {
            PrincipalKind::Anyone
        } else if text.ends_with(".amazonaws.com") || text.ends_with(".amazonaws.com.cn") {
            PrincipalKind::Service
        } else {
            PrincipalKind::External
        };
        out.push((PrincipalRef::Other(text), kind));
    };
    for e in &scenario.external_principals {
        other(e.arn.clone(), &mut out);
    }
    let documents = scenario
        .roles
        .iter()
        .map(|r| r.trust_policy.as_str())
        .chain(
            scenario
                .resources
                .iter()
                .filter_map(|r| r.policy.as_deref()),
        );
    // Roles often share a trust policy (every SSO role, every Lambda role): each text is read
    // once.
    let mut read: HashMap<&str, Vec<String>> = HashMap::new();
    for doc in documents {
        for p in read
            .entry(doc)
            .or_insert_with(|| named_principals(doc))
            .iter()
        {
            other(p.clone(), &mut out);
        }
    }
    out
}

/// Answers the question over the scenario.
pub fn who_can(model: &Model<'_>, query: &WhoCanQuery) -> WhoCanAnswer {
    let principals = known_principals(model.scenario);
    let mut entries = Vec::new();
    let mut chains: HashMap<String, Vec<Vec<String>>> = HashMap::new();
    let quick = QuickDecider::new(*model);
    let index = PrincipalIndex::of(model.scenario, quick.index(), &principals);
    // Who may assume each role directly, decided once per role: every chain to every role
    // the answer names is walked over these edges.
    let mut direct = Assumers::default();
    for action in &query.actions {
        for (principal, kind) in &principals {
            let Some(mut entry) = answer_one(model, &quick, principal, *kind, action, query) else {
                continue;
            };
            if query.assumers
                && let PrincipalRef::Role(name) = principal
                && entry.access != Access::Denied
            {
                entry.assumed_by = chains
                    .entry(name.clone())
                    .or_insert_with(|| {
                        assume_chains(model, &quick, name, &principals, &index, &mut direct)
                    })
                    .clone();
            }
            entries.push(entry);
        }
    }
    WhoCanAnswer {
        actions: query.actions.clone(),
        resource: query.resource.clone(),
        principals_considered: principals.len(),
        entries,
    }
}

/// One principal's answer, or `None` when nothing allows it.
fn answer_one(
    model: &Model<'_>,
    quick: &QuickDecider<'_>,
    principal: &PrincipalRef,
    kind: PrincipalKind,
    action: &str,
    query: &WhoCanQuery,
) -> Option<WhoCanEntry> {
    let prepared = prepare_request_indexed(
        model.scenario,
        Some(quick.index()),
        model.managed,
        model.cache,
        principal,
        action,
        &query.resource,
        &query.context,
    )
    .ok()?;
    // The quick decision first: most principals are simply not allowed, and only they need
    // the evaluation without guardrails.
    let decision = eval::decide(&prepared.set, &prepared.request);
    let unguarded_allows = decision != Decision::Allowed && {
        let mut set = prepared.set.clone();
        set.scp_levels.clear();
        set.rcp_levels.clear();
        set.permissions_boundary = None;
        eval::decide(&set, &prepared.request) == Decision::Allowed
    };
    // A refused request that nothing but a guardrail refuses, or whose evaluation may list an
    // Allow statement missed on a condition, is answered; any other is left out without its
    // full evaluation (most principals of an account, for most actions).
    if decision != Decision::Allowed
        && !unguarded_allows
        && (decision == Decision::ExplicitDeny
            || !eval::allow_may_miss_on_condition(&prepared.set, &prepared.request))
    {
        return None;
    }
    let result = prepared.evaluate();
    let evaluation = &result.evaluation;
    let conditions = condition_words(model, &result, decision == Decision::Allowed);
    let mut denied_by = Vec::new();
    let access = if decision == Decision::Allowed {
        if conditions.is_empty() {
            Access::Allowed
        } else {
            Access::Conditional
        }
    } else if !conditions.is_empty() && evaluation.decision == Decision::ImplicitDeny {
        Access::Conditional
    } else if unguarded_allows {
        denied_by = guardrail_words(model, &result);
        Access::Denied
    } else {
        return None;
    };
    let request = DecidedRequest::new(
        model.scenario,
        principal,
        action,
        &query.resource,
        &query.context,
        &result,
    );
    Some(WhoCanEntry {
        principal: String::from(principal.clone()),
        kind,
        access,
        request,
        conditions,
        denied_by,
        assumed_by: Vec::new(),
    })
}

/// The context a request's decision depends on, in words, from its full evaluation: for an
/// allowed request, each context key a statement read that the request leaves unset ("depends
/// on aws:MultiFactorAuthPresent: allowed while the request does not set it"); for a refused
/// one, each Allow statement that missed only on a condition over an unset key ("depends on
/// aws:MultiFactorAuthPresent: allowed if it satisfies the Bool condition of statement …").
/// Empty when the decision does not depend on unset context.
pub fn condition_words(
    model: &Model<'_>,
    result: &ScenarioEvaluation,
    allowed: bool,
) -> Vec<String> {
    let evaluation = &result.evaluation;
    let mut conditions = Vec::new();
    if allowed {
        for key in &evaluation.missing_context_keys {
            conditions.push(format!(
                "depends on {key}: allowed while the request does not set it"
            ));
        }
        return conditions;
    }
    let missing: HashSet<&str> = evaluation
        .missing_context_keys
        .iter()
        .map(String::as_str)
        .collect();
    for c in &evaluation.candidates {
        if c.statement.effect != crate::policy::Effect::Allow {
            continue;
        }
        if let Miss::Condition { operator, key, .. } = &c.miss
            && missing.contains(key.as_str())
        {
            let ds = crate::workbench::answer::DecidingStatement {
                source: match result.source(&c.statement.policy_id) {
                    Some(s) => s.clone(),
                    None => continue,
                },
                index: c.statement.index,
                sid: c.statement.sid.clone(),
                effect: c.statement.effect,
                span: c.statement.span,
            };
            conditions.push(format!(
                "depends on {key}: allowed if it satisfies the {operator} condition of {}",
                statement_words(model.scenario, &ds)
            ));
        }
    }
    conditions
}

/// What refuses a request that the identity or resource policies allow, in words, from its
/// full evaluation: each deciding statement of an SCP, RCP or permissions boundary ("denied by
/// SCP: statement DenyDeletes of …"), and each guardrail layer that does not allow it ("not
/// allowed by the permissions boundary: …").
pub fn guardrail_words(model: &Model<'_>, result: &ScenarioEvaluation) -> Vec<String> {
    let mut denied_by = Vec::new();
    for d in deciding_statements(result) {
        let prefix = match d.source.policy_type() {
            PolicyType::Scp => "denied by SCP",
            PolicyType::Rcp => "denied by RCP",
            PolicyType::PermissionsBoundary => "denied by the permissions boundary",
            _ => "denied by",
        };
        denied_by.push(format!("{prefix}: {}", statement_words(model.scenario, &d)));
    }
    for step in &result.evaluation.steps {
        let named = match step.kind {
            StepKind::Scp => "not allowed by the SCPs",
            StepKind::Rcp => "not allowed by the RCPs",
            StepKind::PermissionsBoundary => "not allowed by the permissions boundary",
            _ => continue,
        };
        if step.verdict == Verdict::NoAllow || step.verdict == Verdict::Deny {
            denied_by.push(format!("{named}: {}", step.detail));
        }
    }
    denied_by
}

/// The chains of principals that can reach the session of role `name`, shortest first: a
/// breadth-first search backwards over `sts:AssumeRole` decisions, each principal once.
/// The known principals by the ARN a trust policy names them with (lower-cased) and by their
/// account, so a role whose trust policy names its principals asks only those.
struct PrincipalIndex {
    by_arn: HashMap<String, usize>,
    by_account: HashMap<String, Vec<usize>>,
}

impl PrincipalIndex {
    fn of(
        scenario: &Scenario,
        names: &ScenarioIndex<'_>,
        principals: &[(PrincipalRef, PrincipalKind)],
    ) -> PrincipalIndex {
        let mut by_arn = HashMap::new();
        let mut by_account: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, (p, _)) in principals.iter().enumerate() {
            // `principal_arn`, finding the users and roles through the index.
            let arn = match p {
                PrincipalRef::User(name) => ScenarioIndex::user(Some(names), scenario, name)
                    .map(|u| scenario.user_arn(u))
                    .unwrap_or_else(|| super::principal_arn(scenario, p)),
                PrincipalRef::Role(name) => ScenarioIndex::role(Some(names), scenario, name)
                    .map(|r| scenario.role_arn(r))
                    .unwrap_or_else(|| super::principal_arn(scenario, p)),
                _ => super::principal_arn(scenario, p),
            };
            if let Some(account) = arn_account(&arn) {
                by_account.entry(account.to_owned()).or_default().push(i);
            }
            by_arn.entry(arn.to_ascii_lowercase()).or_insert(i);
        }
        PrincipalIndex { by_arn, by_account }
    }
}

/// Whom a trust policy can let assume its role, from what its `Allow` statements name.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct TrustNames {
    /// Principals named one by one: lower-cased ARNs and service names.
    pub(super) arns: HashSet<String>,
    /// Accounts named as a whole (`arn:aws:iam::ACCOUNT:root` or the bare id): any principal of
    /// the account may be let in.
    pub(super) accounts: HashSet<String>,
}

/// What a trust policy names; `None` when it may let in principals it does not name (`*`, a
/// wildcard, `NotPrincipal`, or a text that cannot be read), so every principal must be asked.
/// A principal the trust policy does not let in cannot assume the role, whatever its own
/// policies say, so the others need no decision.
pub(super) fn trust_candidates(trust_policy: &str) -> Option<TrustNames> {
    let value: serde_json::Value = serde_json::from_str(trust_policy).ok()?;
    let statements = match value.get("Statement")? {
        serde_json::Value::Array(list) => list.iter().collect::<Vec<_>>(),
        one => vec![one],
    };
    if statements.iter().any(|s| s.get("NotPrincipal").is_some()) {
        return None;
    }
    let mut out = TrustNames::default();
    for named in principals_named_in(&value) {
        if named.contains('*') || named.contains('?') {
            return None;
        }
        match named.strip_suffix(":root").and_then(arn_account) {
            Some(account) => out.accounts.insert(account.to_owned()),
            None => out.arns.insert(named.to_ascii_lowercase()),
        };
    }
    Some(out)
}

/// The account field of an ARN (`arn:aws:iam::111122223333:…`), when it has one.
pub(super) fn arn_account(arn: &str) -> Option<&str> {
    arn.split(':').nth(4).filter(|a| !a.is_empty())
}

/// The principals (indexes into `principals`, in order) that may assume role `name` directly:
/// those its trust policy may let in, less the root user, that the role's trust and their own
/// policies allow `sts:AssumeRole` with nothing denying it.
fn direct_assumers(
    model: &Model<'_>,
    quick: &QuickDecider<'_>,
    name: &str,
    principals: &[(PrincipalRef, PrincipalKind)],
    index: &PrincipalIndex,
    trusts: &mut HashMap<String, Option<TrustNames>>,
) -> Vec<usize> {
    let Some(r) = ScenarioIndex::role(Some(quick.index()), model.scenario, name) else {
        return Vec::new();
    };
    let arn = model.scenario.role_arn(r);
    // Only the principals the trust policy names, one by one or by their account (each text
    // read once: roles often share their trust policy).
    if !trusts.contains_key(&r.trust_policy) {
        trusts.insert(r.trust_policy.clone(), trust_candidates(&r.trust_policy));
    }
    let asked: Vec<usize> = match trusts.get(&r.trust_policy).and_then(Option::as_ref) {
        Some(names) => {
            let mut at: Vec<usize> = names
                .arns
                .iter()
                .filter_map(|n| index.by_arn.get(n).copied())
                .chain(
                    names
                        .accounts
                        .iter()
                        .filter_map(|a| index.by_account.get(a))
                        .flatten()
                        .copied(),
                )
                .collect();
            at.sort_unstable();
            at.dedup();
            at
        }
        None => (0..principals.len()).collect(),
    };
    asked
        .into_iter()
        .filter(|&i| {
            principals.get(i).is_some_and(|(p, _)| {
                // AWS refuses role assumption with the root user's credentials, whatever the
                // policies (IAM User Guide, "Switch to an IAM role (AWS API)").
                *p != PrincipalRef::Root
                    && quick.decide(p, "sts:AssumeRole", &arn, &[], "") == Some(Decision::Allowed)
            })
        })
        .collect()
}

/// Who may assume each role directly, by role name, found once per role, and each trust
/// policy text read once.
#[derive(Default)]
struct Assumers {
    direct: HashMap<String, Vec<usize>>,
    trusts: HashMap<String, Option<TrustNames>>,
}

fn assume_chains(
    model: &Model<'_>,
    quick: &QuickDecider<'_>,
    name: &str,
    principals: &[(PrincipalRef, PrincipalKind)],
    index: &PrincipalIndex,
    known: &mut Assumers,
) -> Vec<Vec<String>> {
    let target = PrincipalRef::Role(name.to_string());
    let mut visited: HashSet<PrincipalRef> = HashSet::from([target.clone()]);
    // Each frontier element: a role and the chain from it to the target.
    let mut frontier: Vec<(String, Vec<String>)> =
        vec![(name.to_string(), vec![String::from(target)])];
    let mut out = Vec::new();
    while !frontier.is_empty() {
        let mut next = Vec::new();
        for (role, chain) in &frontier {
            let trusts = &mut known.trusts;
            let assumers = known
                .direct
                .entry(role.clone())
                .or_insert_with(|| direct_assumers(model, quick, role, principals, index, trusts));
            for p in assumers
                .iter()
                .filter_map(|&i| principals.get(i).map(|(p, _)| p))
            {
                if visited.contains(p) {
                    continue;
                }
                visited.insert(p.clone());
                let mut longer = vec![String::from(p.clone())];
                longer.extend(chain.iter().cloned());
                if let PrincipalRef::Role(n) = p {
                    next.push((n.clone(), longer.clone()));
                }
                out.push(longer);
            }
        }
        frontier = next;
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    const CATALOG: &str = include_str!("../../../../../static/data/iam-catalog.txt");

    /// Every principal allowed to assume `role` with nothing denying it, asked one by one.
    fn assumers_by_asking_everyone(model: &Model<'_>, role: &str) -> Vec<usize> {
        let quick = QuickDecider::new(*model);
        let principals = known_principals(model.scenario);
        let r = model.scenario.role(role).unwrap();
        let arn = model.scenario.role_arn(r);
        (0..principals.len())
            .filter(|&i| {
                let p = &principals[i].0;
                *p != PrincipalRef::Root
                    && !quick.denies(p, "sts:AssumeRole", &arn, &[], "")
                    && model.allows(p, "sts:AssumeRole", &arn, &[])
            })
            .collect()
    }

    #[test]
    fn the_direct_assumers_asked_through_the_trust_policy_are_everyone_who_can_assume() {
        use crate::scenario::{ManagedPolicy, PolicyRef, Role, User};
        let mut s = Scenario::new("111122223333");
        let assume_all = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}"#;
        s.policies.push(ManagedPolicy::new("AssumeAll", assume_all));
        for name in ["alice", "bob", "Carol"] {
            let mut u = User::new(name);
            if name != "bob" {
                u.managed_policies
                    .push(PolicyRef::Customer("AssumeAll".into()));
            }
            s.users.push(u);
        }
        let trust = |principal: &str| {
            format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{principal},"Action":"sts:AssumeRole"}}]}}"#
            )
        };
        let roles = [
            (
                "named",
                trust(
                    r#"{"AWS":["arn:aws:iam::111122223333:user/alice","arn:aws:iam::111122223333:user/bob"]}"#,
                ),
            ),
            (
                "case",
                trust(r#"{"AWS":"arn:aws:iam::111122223333:user/carol"}"#),
            ),
            (
                "own-account",
                trust(r#"{"AWS":"arn:aws:iam::111122223333:root"}"#),
            ),
            ("own-id", trust(r#"{"AWS":"111122223333"}"#)),
            (
                "other-account",
                trust(r#"{"AWS":"arn:aws:iam::444455556666:root"}"#),
            ),
            ("service", trust(r#"{"Service":"lambda.amazonaws.com"}"#)),
            (
                "chained",
                trust(r#"{"AWS":"arn:aws:iam::111122223333:role/own-account"}"#),
            ),
            ("anyone", trust(r#""*""#)),
        ];
        for (name, t) in &roles {
            let mut r = Role::new(*name, t.clone());
            r.managed_policies
                .push(PolicyRef::Customer("AssumeAll".into()));
            s.roles.push(r);
        }
        let cache = crate::workbench::CompileCache::new();
        let model = Model {
            scenario: &s,
            managed: None,
            cache: &cache,
        };
        let principals = known_principals(&s);
        let quick = QuickDecider::new(model);
        let index = PrincipalIndex::of(&s, quick.index(), &principals);
        let mut someone = 0;
        for (name, _) in &roles {
            let expected = assumers_by_asking_everyone(&model, name);
            someone += usize::from(!expected.is_empty());
            assert_eq!(
                direct_assumers(
                    &model,
                    &quick,
                    name,
                    &principals,
                    &index,
                    &mut HashMap::new()
                ),
                expected,
                "{name}"
            );
        }
        assert!(someone >= 5, "most roles have assumers: {someone}");
    }

    #[test]
    fn a_trust_policy_that_names_its_principals_one_by_one_limits_who_is_asked() {
        let named = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:role/Deploy","arn:aws:iam::111122223333:user/Alice"],"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"},{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111122223333:user/Bob"},"Action":"sts:AssumeRole"}]}"#;
        let names = trust_candidates(named).unwrap();
        assert_eq!(names.arns.len(), 3);
        assert!(names.arns.contains("arn:aws:iam::111122223333:user/alice"));
        assert!(names.arns.contains("lambda.amazonaws.com"));
        assert!(names.accounts.is_empty());
        assert!(
            !names.arns.iter().any(|s| s.contains("bob")),
            "a Deny names no one"
        );
        // An account, as its root ARN or its id, lets in its principals.
        for account in [
            r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole"}}"#,
            r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"sts:AssumeRole"}}"#,
        ] {
            let names = trust_candidates(account).unwrap();
            assert!(names.arns.is_empty(), "{account}");
            assert_eq!(
                names.accounts,
                HashSet::from(["444455556666".to_string()]),
                "{account}"
            );
        }
        // Near misses: whoever a wildcard, NotPrincipal or a broken text lets in must be asked
        // one by one.
        for open in [
            r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}}"#,
            r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/ci-*"},"Action":"sts:AssumeRole"}}"#,
            r#"{"Statement":{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/x"},"Action":"sts:AssumeRole"}}"#,
            "{ not json",
        ] {
            assert_eq!(trust_candidates(open), None, "{open}");
        }
    }

    /// Who-can as it was first written, with none of the fast paths: each principal's request
    /// prepared on its own (the scenario's lists walked, the page's small compile cache) and
    /// evaluated in full, and each role's assumers found by asking every principal.
    fn who_can_by_the_book(model: &Model<'_>, query: &WhoCanQuery) -> WhoCanAnswer {
        let principals = known_principals(model.scenario);
        let mut entries = Vec::new();
        for action in &query.actions {
            for (principal, kind) in &principals {
                let Ok(prepared) = crate::workbench::simulate::prepare_request(
                    model.scenario,
                    model.managed,
                    model.cache,
                    principal,
                    action,
                    &query.resource,
                    &query.context,
                ) else {
                    continue;
                };
                let mut unguarded = prepared.set.clone();
                unguarded.scp_levels.clear();
                unguarded.rcp_levels.clear();
                unguarded.permissions_boundary = None;
                let unguarded_allows =
                    eval::decide(&unguarded, &prepared.request) == Decision::Allowed;
                let result = prepared.evaluate();
                let decision = result.evaluation.decision;
                let conditions = condition_words(model, &result, decision == Decision::Allowed);
                let mut denied_by = Vec::new();
                let access = if decision == Decision::Allowed {
                    if conditions.is_empty() {
                        Access::Allowed
                    } else {
                        Access::Conditional
                    }
                } else if !conditions.is_empty() && decision == Decision::ImplicitDeny {
                    Access::Conditional
                } else if unguarded_allows {
                    denied_by = guardrail_words(model, &result);
                    Access::Denied
                } else {
                    continue;
                };
                let mut assumed_by = Vec::new();
                if query.assumers
                    && let PrincipalRef::Role(name) = principal
                    && access != Access::Denied
                {
                    assumed_by = chains_by_the_book(model, name, &principals);
                }
                entries.push(WhoCanEntry {
                    principal: String::from(principal.clone()),
                    kind: *kind,
                    access,
                    request: DecidedRequest::new(
                        model.scenario,
                        principal,
                        action,
                        &query.resource,
                        &query.context,
                        &result,
                    ),
                    conditions,
                    denied_by,
                    assumed_by,
                });
            }
        }
        WhoCanAnswer {
            actions: query.actions.clone(),
            resource: query.resource.clone(),
            principals_considered: principals.len(),
            entries,
        }
    }

    /// The chains to role `name`, breadth first, each principal asked of the engine.
    fn chains_by_the_book(
        model: &Model<'_>,
        name: &str,
        principals: &[(PrincipalRef, PrincipalKind)],
    ) -> Vec<Vec<String>> {
        let target = PrincipalRef::Role(name.to_string());
        let mut visited: HashSet<PrincipalRef> = HashSet::from([target.clone()]);
        let mut frontier = vec![(name.to_string(), vec![String::from(target)])];
        let mut out = Vec::new();
        while !frontier.is_empty() {
            let mut next = Vec::new();
            for (role, chain) in &frontier {
                let arn = model.scenario.role_arn(model.scenario.role(role).unwrap());
                for (p, _) in principals {
                    if *p == PrincipalRef::Root
                        || visited.contains(p)
                        || !model.allows(p, "sts:AssumeRole", &arn, &[])
                    {
                        continue;
                    }
                    visited.insert(p.clone());
                    let mut longer = vec![String::from(p.clone())];
                    longer.extend(chain.iter().cloned());
                    if let PrincipalRef::Role(n) = p {
                        next.push((n.clone(), longer.clone()));
                    }
                    out.push(longer);
                }
            }
            frontier = next;
        }
        out
    }

    /// A small account drawn from `picks`: users in groups (named in another case than the
    /// group's), roles with trust policies naming services, the account, a user, a role or
    /// anyone, customer-managed policies named in another case, boundaries, tags, an SCP that
    /// denies with a condition, a bucket policy; statements with conditions over keys the
    /// request sets (tags) and keys it leaves open (MFA), Allow and Deny, NotAction.
    fn drawn_account(picks: &[usize]) -> Scenario {
        use serde_json::json;
        let at = std::cell::Cell::new(0);
        let pick = |n: usize| {
            let i = at.get();
            at.set(i + 1);
            picks.get(i).copied().unwrap_or(i * 7 + 3) % n
        };
        let doc = |statements: Vec<serde_json::Value>| {
            json!({"Version": "2012-10-17", "Statement": statements}).to_string()
        };
        let statements = [
            json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}),
            json!({"Effect": "Allow", "Action": "s3:Get*", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}),
            json!({"Effect": "Allow", "Action": ["s3:*", "ec2:Describe*"], "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "red"}}}),
            json!({"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::secret/*"}),
            json!({"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "blue"}}}),
            json!({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}),
            json!({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}),
            json!({"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*"}),
            json!({"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::shared/*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}),
        ];
        let draw_doc = |n: usize| {
            let list = (0..n)
                .map(|_| statements[pick(statements.len())].clone())
                .collect();
            doc(list)
        };
        let policies: Vec<_> = (0..4)
            .map(|i| json!({"name": format!("Pool{i}"), "document": draw_doc(1 + i % 3)}))
            .collect();
        let groups: Vec<_> = (0..2)
            .map(|g| json!({"name": format!("Team{g}"), "managedPolicies": [format!("POOL{}", g * 2)]}))
            .collect();
        let users: Vec<_> = (0..4)
            .map(|u| {
                let team = ["red", "blue", "green"][pick(3)];
                let mut user = json!({
                    "name": format!("user{u}"),
                    "groups": [format!("team{}", u % 2)],
                    "tags": [{"key": "team", "value": team}],
                });
                if pick(2) == 0 {
                    user["inlinePolicies"] = json!([{"name": "Own", "document": draw_doc(2)}]);
                }
                if pick(2) == 0 {
                    user["managedPolicies"] = json!([format!("pool{}", pick(4))]);
                }
                if pick(4) == 0 {
                    user["permissionsBoundary"] = json!(format!("Pool{}", pick(4)));
                }
                user
            })
            .collect();
        let trusts = [
            json!({"Service": "lambda.amazonaws.com"}),
            json!({"AWS": "arn:aws:iam::111122223333:root"}),
            json!({"AWS": "arn:aws:iam::111122223333:user/user1"}),
            json!({"AWS": "arn:aws:iam::111122223333:role/role0"}),
            json!("*"),
            json!({"AWS": "444455556666"}),
        ];
        let roles: Vec<_> = (0..4)
            .map(|r| {
                let principal = trusts[pick(trusts.len())].clone();
                let trust = doc(vec![
                    json!({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}),
                ]);
                let mut role = json!({
                    "name": format!("role{r}"),
                    "trustPolicy": trust,
                    "managedPolicies": [format!("Pool{}", pick(4))],
                });
                if r % 2 == 1 {
                    role["path"] = json!("/team/");
                }
                if pick(2) == 0 {
                    role["tags"] = json!([{"key": "team", "value": "red"}]);
                }
                if pick(3) == 0 {
                    role["inlinePolicies"] = json!([{"name": "Own", "document": draw_doc(1)}]);
                }
                if pick(4) == 0 {
                    role["permissionsBoundary"] = json!(format!("Pool{}", pick(4)));
                }
                role
            })
            .collect();
        let scp = doc(vec![
            json!({"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "green"}}}),
        ]);
        let full = doc(vec![
            json!({"Effect": "Allow", "Action": "*", "Resource": "*"}),
        ]);
        let bucket = doc(vec![
            json!({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::777788889999:role/reader"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::shared/*"}),
        ]);
        let scenario = json!({
            "formatVersion": 1,
            "account": {"id": "111122223333"},
            "organization": {"levels": [{"name": "Root", "scps": [
                {"name": "FullAWSAccess", "document": full},
                {"name": "NoGreen", "document": scp}
            ]}]},
            "users": users, "groups": groups, "roles": roles, "policies": policies,
            "resources": [{"kind": "s3Bucket", "name": "shared", "policy": bucket}],
        });
        Scenario::from_json(&scenario.to_string()).expect("the drawn account loads")
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 48, ..Default::default() })]

        /// The fast who-can (the scenario's index, the analysis cache, the quick decisions,
        /// refused principals left out before their full evaluation) answers exactly what
        /// the question answered by the book does, on drawn accounts.
        #[test]
        fn the_fast_who_can_answers_as_the_book_does(
            picks in proptest::collection::vec(0usize..1000, 64),
            which in 0usize..4,
        ) {
            let s = drawn_account(&picks);
            let (actions, resource) = [
                (vec!["s3:GetObject".to_string(), "s3:PutObject".to_string()], "*"),
                (vec!["s3:GetObject".to_string()], "arn:aws:s3:::shared/report.csv"),
                (vec!["sts:AssumeRole".to_string()], "arn:aws:iam::111122223333:role/team/role1"),
                (vec!["ec2:RunInstances".to_string(), "iam:CreateUser".to_string()], "*"),
            ][which].clone();
            let query = WhoCanQuery {
                actions,
                resource: resource.to_string(),
                context: Vec::new(),
                assumers: true,
            };
            let fast_cache = crate::workbench::CompileCache::for_analysis();
            let fast = who_can(&Model { scenario: &s, managed: None, cache: &fast_cache }, &query);
            let book_cache = crate::workbench::CompileCache::new();
            let book = who_can_by_the_book(&Model { scenario: &s, managed: None, cache: &book_cache }, &query);
            proptest::prop_assert_eq!(fast, book);
        }
    }

    /// The drawn accounts are not trivial: over a few draws, every kind of answer occurs.
    #[test]
    fn drawn_accounts_have_allowed_conditional_denied_and_chained_answers() {
        let mut seen = HashSet::new();
        let mut chained = false;
        for seed in 0..40usize {
            let picks: Vec<usize> = (0..64).map(|i| (seed * 131 + i * 17) % 997).collect();
            let s = drawn_account(&picks);
            let cache = crate::workbench::CompileCache::for_analysis();
            let model = Model {
                scenario: &s,
                managed: None,
                cache: &cache,
            };
            let answer = who_can(
                &model,
                &WhoCanQuery {
                    actions: vec!["s3:GetObject".into()],
                    resource: "*".into(),
                    context: Vec::new(),
                    assumers: true,
                },
            );
            for e in &answer.entries {
                seen.insert(format!("{:?}", e.access));
                chained |= e.assumed_by.iter().any(|c| c.len() > 2);
            }
        }
        assert_eq!(seen.len(), 3, "{seen:?}");
        assert!(chained, "some chain has two hops");
    }

    #[test]
    fn actions_are_expanded_from_patterns_and_access_levels() {
        let catalog = Catalog::parse(CATALOG).unwrap();
        let writes = expand_actions(&["s3:Write".into()], Some(&catalog));
        assert!(writes.iter().any(|a| a == "s3:DeleteBucket"));
        assert!(!writes.iter().any(|a| a == "s3:GetObject"));
        let perms = expand_actions(&["iam:PermissionsManagement".into()], Some(&catalog));
        assert!(perms.iter().any(|a| a == "iam:PutUserPolicy"));
        let pattern = expand_actions(
            &["s3:DeleteBucket*, s3:DeleteBucket".into()],
            Some(&catalog),
        );
        assert!(pattern.len() > 1);
        assert_eq!(
            pattern.iter().filter(|a| *a == "s3:DeleteBucket").count(),
            1
        );
        // Without the catalog a pattern is asked as it is.
        assert_eq!(expand_actions(&["s3:Get*".into()], None), vec!["s3:Get*"]);
    }
}
