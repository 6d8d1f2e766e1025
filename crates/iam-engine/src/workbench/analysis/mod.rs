//! Account analysis: questions about the whole scenario rather than one request.
//!
//! - [`who_can`]: every principal the scenario knows that is allowed an action on a resource,
//!   with the deciding statements, the context it depends on and the guardrails that deny it.
//! - [`what_can`]: one principal's effective permissions over the action catalog, by service
//!   and access level, with what guardrails remove and one synthesized policy.
//! - [`escalation`]: every path by which a principal that is not admin-equivalent reaches
//!   admin-equivalent access, hop by hop, from the privilege-escalation catalog.
//!
//! Every answer is a decision of the engine: each request goes through the workbench's
//! simulation ([`super::simulate::prepare_request`] and the evaluator), with the caller's
//! [`super::CompileCache`]. Nothing here touches a clock, the network or global state, so the
//! analysis runs as well in a Web Worker as in the CLI.
//!
//! # Admin-equivalent
//!
//! A principal is **admin-equivalent** when the engine allows it every request of
//! [`ADMIN_PROBES`] on the resource `*`, with only the context keys AWS derives from the
//! principal (no MFA, no source IP, ...). The probes span IAM (creating users, attaching and
//! putting policies, passing roles, creating access keys) and the data and compute services,
//! so `Action: "*"` on `Resource: "*"` (AWS's `AdministratorAccess`) passes and so does the
//! root user in its own account, while `PowerUserAccess` (everything but IAM) or `IAMFullAccess`
//! (IAM only) does not. A guardrail (SCP, RCP, permissions boundary) that denies any probe
//! makes the principal not admin-equivalent.

pub mod diff;
pub mod escalation;
pub mod fix;
pub mod what_can;
pub mod who_can;

use std::cell::RefCell;
use std::collections::HashMap;

use serde::Serialize;

use crate::catalog::ManagedPolicies;
use crate::eval::{self, Decision};
use crate::scenario::{ContextValue, PrincipalRef, Scenario};

use super::answer::{DecidingStatement, deciding_statements};
use super::cache::CompileCache;
use super::simulate::{
    PreparedRequest, ScenarioEvaluation, ScenarioIndex, SimulationError, evaluate_request,
    prepare_request, prepare_request_indexed,
};

/// The requests a principal must be allowed on `*` to be admin-equivalent (see the module
/// docs).
pub const ADMIN_PROBES: &[&str] = &[
    "iam:CreateUser",
    "iam:AttachRolePolicy",
    "iam:PutUserPolicy",
    "iam:PassRole",
    "iam:CreateAccessKey",
    "s3:DeleteBucket",
    "ec2:TerminateInstances",
    "lambda:CreateFunction",
    "dynamodb:DeleteTable",
];

/// What an analysis reads: the scenario, the AWS-managed policies and the compile cache.
#[derive(Debug, Clone, Copy)]
pub struct Model<'a> {
    /// The scenario (or an edited copy of it).
    pub scenario: &'a Scenario,
    /// The AWS-managed policies, when loaded.
    pub managed: Option<&'a ManagedPolicies>,
    /// The caller's compile cache.
    pub cache: &'a CompileCache,
}

impl<'a> Model<'a> {
    /// The same data over another scenario (an edited copy).
    pub fn with_scenario<'b>(&self, scenario: &'b Scenario) -> Model<'b>
    where
        'a: 'b,
    {
        Model {
            scenario,
            managed: self.managed,
            cache: self.cache,
        }
    }

    /// The engine's evaluation of one request.
    pub fn evaluate(
        &self,
        principal: &PrincipalRef,
        action: &str,
        resource: &str,
        context: &[ContextValue],
    ) -> Result<ScenarioEvaluation, SimulationError> {
        evaluate_request(
            self.scenario,
            self.managed,
            self.cache,
            principal,
            action,
            resource,
            context,
        )
    }

    /// Whether the engine allows the request (an unknown principal is not allowed). The bare
    /// decision ([`eval::decide`], the same rules as the explained evaluation without its
    /// reasons and words).
    pub fn allows(
        &self,
        principal: &PrincipalRef,
        action: &str,
        resource: &str,
        context: &[ContextValue],
    ) -> bool {
        prepare_request(
            self.scenario,
            self.managed,
            self.cache,
            principal,
            action,
            resource,
            context,
        )
        .is_ok_and(|p| eval::decide(&p.set, &p.request) == Decision::Allowed)
    }

    /// Whether the principal is admin-equivalent (see the module docs).
    pub fn is_admin_equivalent(&self, principal: &PrincipalRef) -> bool {
        ADMIN_PROBES
            .iter()
            .all(|action| self.allows(principal, action, "*", &[]))
    }

    /// The request with its decision and deciding statements, in words too.
    pub fn decided(
        &self,
        principal: &PrincipalRef,
        action: &str,
        resource: &str,
        context: &[ContextValue],
    ) -> Option<DecidedRequest> {
        let result = self.evaluate(principal, action, resource, context).ok()?;
        Some(DecidedRequest::new(
            self.scenario,
            principal,
            action,
            resource,
            context,
            &result,
        ))
    }
}

/// A map for the decider's lookups, made on every request of an analysis: keys are names and
/// indexes of the scenario, so a fast hash (rustc's Fx) beats SipHash's protection against
/// crafted keys.
type FastMap<K, V> = rustc_hash::FxHashMap<K, V>;

/// A prepared request of an actor: for role assumption or not, with which context.
type PreparedByKind = (bool, String, Option<PreparedRequest>);

/// The engine's allocation-free decision for the bulk of an analysis, used to skip requests
/// it refuses before asking for the full evaluation (with its reasons) of the rest.
pub struct QuickDecider<'a> {
    model: Model<'a>,
    /// The scenario's names and compiled documents, so that preparing each actor walks no
    /// list and compiles or hashes no policy text again.
    index: ScenarioIndex<'a>,
    /// Each role's index by its ARN.
    roles: FastMap<String, usize>,
    /// Per actor, its prepared requests by (role assumption or not, context).
    prepared: RefCell<FastMap<PrincipalRef, Vec<PreparedByKind>>>,
    /// Each role's compiled trust policy, by the role's index.
    trusts: RefCell<FastMap<usize, eval::CompiledPolicy>>,
    /// The IAM actions [`QuickDecider::never_allows`] answers for (lower case, by column),
    /// with what each actor's prepared policies may match of them.
    reach: Option<RefCell<ActorReach>>,
}

/// The columns of [`QuickDecider::never_allows`] and each actor's reach over them.
struct ActorReach {
    columns: HashMap<String, usize>,
    actions: eval::ActionReach,
    by_actor: FastMap<PrincipalRef, Option<eval::ReachSet>>,
}

impl<'a> QuickDecider<'a> {
    /// A decider over the model's scenario.
    pub fn new(model: Model<'a>) -> QuickDecider<'a> {
        let roles = model
            .scenario
            .roles
            .iter()
            .enumerate()
            .map(|(i, r)| (model.scenario.role_arn(r), i))
            .collect();
        QuickDecider {
            model,
            index: ScenarioIndex::of(model.scenario).with_managed(model.managed),
            roles,
            prepared: RefCell::new(FastMap::default()),
            trusts: RefCell::new(FastMap::default()),
            reach: None,
        }
    }

    /// The same decider, also able to answer [`QuickDecider::never_allows`] for `actions`
    /// (the IAM actions of an analysis).
    pub fn with_iam_actions<S: AsRef<str>>(mut self, actions: &[S]) -> QuickDecider<'a> {
        let mut list: Vec<String> = Vec::new();
        for a in actions {
            let lower = a.as_ref().to_ascii_lowercase();
            if lower.starts_with("iam:") && !list.contains(&lower) {
                list.push(lower);
            }
        }
        let columns = list
            .iter()
            .enumerate()
            .map(|(i, a)| (a.clone(), i))
            .collect();
        self.reach = Some(RefCell::new(ActorReach {
            columns,
            actions: eval::ActionReach::new(&list),
            by_actor: FastMap::default(),
        }));
        self
    }

    /// Whether the engine refuses the IAM action `action` to `actor` on every IAM resource
    /// (an ARN starting `arn:aws:iam::`), whatever the context. Such a request has no resource
    /// policy, so only the root user in its own account or an Allow statement of the actor's
    /// identity-based policies can allow it (see `eval::combine::run`): it is refused when no
    /// statement of those policies has an Action element that matches the action
    /// ([`eval::ReachSet::may_apply`]). `false` when that is not known: an action it was not
    /// given, the root user, an unknown principal, or a statement that may match.
    pub fn never_allows(&self, actor: &PrincipalRef, action: &str) -> bool {
        let Some(reach) = &self.reach else {
            return false;
        };
        let mut reach = reach.borrow_mut();
        let reach = &mut *reach;
        let Some(column) = reach
            .columns
            .get(action.to_ascii_lowercase().as_str())
            .copied()
        else {
            return false;
        };
        if !reach.by_actor.contains_key(actor) {
            // The same prepared policies `denies` uses for IAM requests on IAM resources
            // (they are the same whatever the IAM action and resource).
            let probe = format!("arn:aws:iam::{}:root", self.model.scenario.account.id);
            let known = self
                .prepared_request(actor, false, "iam:GetUser", &probe, &[], "")
                .filter(|p| p.request.caller.kind != eval::CallerKind::Root)
                .map(|p| {
                    let identity = eval::PolicySet {
                        identity: p.set.identity.clone(),
                        ..eval::PolicySet::default()
                    };
                    reach.actions.reachable(&identity, &p.request)
                });
            reach.by_actor.insert(actor.clone(), known);
        }
        reach
            .by_actor
            .get(actor)
            .and_then(|r| r.as_ref())
            .is_some_and(|r| !r.may_apply(column))
    }

    /// The actor's prepared request for role assumption or not, with the context, prepared
    /// once (with this action and resource); `None` when the actor is unknown.
    fn prepared_request(
        &self,
        actor: &PrincipalRef,
        assume: bool,
        action: &str,
        resource: &str,
        context: &[ContextValue],
        context_key: &str,
    ) -> Option<std::cell::RefMut<'_, PreparedRequest>> {
        let mut prepared = self.prepared.borrow_mut();
        let list = match prepared.get_mut(actor) {
            Some(list) => list,
            None => prepared.entry(actor.clone()).or_default(),
        };
        let at = match list
            .iter()
            .position(|(a, c, _)| *a == assume && c == context_key)
        {
            Some(at) => at,
            None => {
                let p = prepare_request_indexed(
                    self.model.scenario,
                    Some(&self.index),
                    self.model.managed,
                    self.model.cache,
                    actor,
                    action,
                    resource,
                    context,
                )
                .ok();
                list.push((assume, context_key.to_string(), p));
                list.len() - 1
            }
        };
        std::cell::RefMut::filter_map(prepared, |prepared| {
            prepared
                .get_mut(actor)
                .and_then(|list| list.get_mut(at))
                .and_then(|(_, _, p)| p.as_mut())
        })
        .ok()
    }

    /// Whether the engine's allocation-free decision already refuses the request (see
    /// [`QuickDecider::decision`]); `false` when it cannot tell.
    pub fn denies(
        &self,
        actor: &PrincipalRef,
        action: &str,
        resource: &str,
        context: &[ContextValue],
        context_key: &str,
    ) -> bool {
        self.decision(actor, action, resource, context, context_key)
            .is_some_and(|d| d != Decision::Allowed)
    }

    /// The engine's decision on the request from the actor's prepared policies, for the bulk
    /// of an analysis, or `None` when the request needs its own preparation. Decided here: a
    /// role assumption (the role's trust policy is swapped in), and any other request on a
    /// resource of the scenario's account that has no policy, no tags and no key semantics
    /// of its own (not a resource of the scenario, not a KMS request, not another
    /// `sts:AssumeRole…`): the prepared policies are then the same whatever the action and
    /// resource (identity, boundary, SCPs, RCPs, no resource policy, the same derived keys),
    /// and only the request's action and resource change, as the access matrix does.
    /// `context_key` names `context` (the prepared requests are kept by it).
    pub fn decision(
        &self,
        actor: &PrincipalRef,
        action: &str,
        resource: &str,
        context: &[ContextValue],
        context_key: &str,
    ) -> Option<Decision> {
        let scenario = self.model.scenario;
        let account = scenario.account.id.as_str();
        let assume = action.eq_ignore_ascii_case("sts:AssumeRole");
        let role = if assume {
            Some(*self.roles.get(resource)?)
        } else {
            let own = super::simulate::arn_account(resource).is_none_or(|a| a == account);
            let starts = |prefix: &str| {
                (action.get(..prefix.len())).is_some_and(|p| p.eq_ignore_ascii_case(prefix))
            };
            let special = starts("kms:") || starts("sts:AssumeRole");
            if !own
                || special
                || (scenario.resources.iter()).any(|r| r.covers(&scenario.account, resource))
            {
                return None;
            }
            None
        };
        // The role's trust policy is moved into the prepared set for the decision and back
        // out after it, so it is compiled once and never copied.
        let trust = match role {
            Some(i) => Some((i, self.take_trust(i)?)),
            None => None,
        };
        let Some(mut p) =
            self.prepared_request(actor, assume, action, resource, context, context_key)
        else {
            if let Some((i, t)) = trust {
                self.trusts.borrow_mut().insert(i, t);
            }
            return None;
        };
        let role = trust.map(|(i, t)| {
            p.set.resource_policy = Some(t);
            i
        });
        p.request.action.clear();
        p.request.action.push_str(action);
        p.request.resource.clear();
        p.request.resource.push_str(resource);
        let decision = eval::decide(&p.set, &p.request);
        if let Some(i) = role
            && let Some(t) = p.set.resource_policy.take()
        {
            self.trusts.borrow_mut().insert(i, t);
        }
        Some(decision)
    }

    /// The scenario's index (its names), for requests the caller prepares itself.
    pub fn index(&self) -> &ScenarioIndex<'a> {
        &self.index
    }

    /// The engine's decision on the request: [`QuickDecider::decision`] where it answers,
    /// else the request prepared on its own (as [`Model::allows`] does, through the index).
    pub fn decide(
        &self,
        actor: &PrincipalRef,
        action: &str,
        resource: &str,
        context: &[ContextValue],
        context_key: &str,
    ) -> Option<Decision> {
        if let Some(d) = self.decision(actor, action, resource, context, context_key) {
            return Some(d);
        }
        let m = &self.model;
        prepare_request_indexed(
            m.scenario,
            Some(&self.index),
            m.managed,
            m.cache,
            actor,
            action,
            resource,
            context,
        )
        .ok()
        .map(|p| eval::decide(&p.set, &p.request))
    }

    /// The compiled trust policy of role `index`, compiled once, taken out of the decider
    /// (the caller puts it back).
    fn take_trust(&self, index: usize) -> Option<eval::CompiledPolicy> {
        if let Some(hit) = self.trusts.borrow_mut().remove(&index) {
            return Some(hit);
        }
        let role = self.model.scenario.roles.get(index)?;
        let source = crate::workbench::PolicySource::Trust {
            role: role.name.clone(),
        };
        Some(self.model.cache.compile(
            source.id(),
            &role.trust_policy,
            crate::policy::PolicyType::Trust,
        ))
    }
}

/// One request of an analysis, the engine's decision on it and the statements that decided.
/// It is exactly a request the simulator can be opened on.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DecidedRequest {
    /// The principal, as a [`PrincipalRef`] string (`user/dana`, `role/Admin`, an ARN).
    pub principal: String,
    /// The action.
    pub action: String,
    /// The resource.
    pub resource: String,
    /// The context keys the analysis set (on top of those AWS derives).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub context: Vec<ContextValue>,
    /// The engine's decision.
    pub decision: Decision,
    /// The statements that decided it.
    pub deciding: Vec<DecidingStatement>,
    /// The same statements in words ("statement PassRoles of customer-managed policy …").
    pub statements: Vec<String>,
}

impl DecidedRequest {
    fn new(
        scenario: &Scenario,
        principal: &PrincipalRef,
        action: &str,
        resource: &str,
        context: &[ContextValue],
        result: &ScenarioEvaluation,
    ) -> DecidedRequest {
        let deciding = deciding_statements(result);
        let statements = deciding
            .iter()
            .map(|d| statement_words(scenario, d))
            .collect();
        DecidedRequest {
            principal: String::from(principal.clone()),
            action: action.to_string(),
            resource: resource.to_string(),
            context: context.to_vec(),
            decision: result.evaluation.decision,
            deciding,
            statements,
        }
    }
}

/// A deciding statement in words: "statement Sid of <policy heading>".
pub fn statement_words(scenario: &Scenario, statement: &DecidingStatement) -> String {
    let name = statement.name();
    format!("statement {name} of {}", statement.source.heading(scenario))
}

/// The ARN of a group of the scenario.
pub fn group_arn(scenario: &Scenario, group: &crate::scenario::Group) -> String {
    format!(
        "arn:aws:iam::{}:group{}{}",
        scenario.account.id, group.path, group.name
    )
}

/// The principal ARN a trust policy names to trust `principal` (the user's ARN, the role's
/// ARN for its sessions, the root user's ARN, or the text of another principal).
pub fn principal_arn(scenario: &Scenario, principal: &PrincipalRef) -> String {
    match principal {
        PrincipalRef::Root => scenario.root_arn(),
        PrincipalRef::User(name) => scenario
            .user(name)
            .map(|u| scenario.user_arn(u))
            .unwrap_or_else(|| format!("arn:aws:iam::{}:user/{name}", scenario.account.id)),
        PrincipalRef::Role(name) => scenario
            .role(name)
            .map(|r| scenario.role_arn(r))
            .unwrap_or_else(|| format!("arn:aws:iam::{}:role/{name}", scenario.account.id)),
        PrincipalRef::Other(text) => text.clone(),
    }
}

/// The values of the `Principal` elements of a policy text: `AWS` ARNs (an account id becomes
/// its root ARN), `Service` names and `*`, each once, in order. An unreadable text names none.
pub fn named_principals(document: &str) -> Vec<String> {
    match serde_json::from_str::<serde_json::Value>(document) {
        Ok(value) => principals_named_in(&value),
        Err(_) => Vec::new(),
    }
}

/// [`named_principals`] of a policy already read as JSON.
pub(crate) fn principals_named_in(value: &serde_json::Value) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let statements = match value.get("Statement") {
        Some(serde_json::Value::Array(list)) => list.iter().collect::<Vec<_>>(),
        Some(one) => vec![one],
        None => Vec::new(),
    };
    let mut push = |text: &str| {
        let text = text.trim();
        let arn = if text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit()) {
            format!("arn:aws:iam::{text}:root")
        } else {
            text.to_string()
        };
        if !arn.is_empty() && !out.contains(&arn) {
            out.push(arn);
        }
    };
    for s in statements {
        if s.get("Effect").and_then(|e| e.as_str()) != Some("Allow") {
            continue;
        }
        match s.get("Principal") {
            Some(serde_json::Value::String(star)) => push(star),
            Some(serde_json::Value::Object(map)) => {
                for (kind, v) in map {
                    if kind != "AWS" && kind != "Service" {
                        continue;
                    }
                    match v {
                        serde_json::Value::String(text) => push(text),
                        serde_json::Value::Array(list) => {
                            for item in list.iter().filter_map(|i| i.as_str()) {
                                push(item);
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `never_allows` is remembered per actor: each answer must agree with the engine on
    /// every IAM resource, and it must answer for principals whose policies differ.
    #[test]
    fn never_allows_agrees_with_the_engine() {
        let doc = |statements: serde_json::Value| {
            serde_json::json!({"Version": "2012-10-17", "Statement": statements}).to_string()
        };
        let scenario = serde_json::json!({
            "formatVersion": 1,
            "account": {"id": "111122223333"},
            "organization": {"levels": [{"name": "Root", "scps": [
                {"name": "FullAWSAccess", "document": doc(serde_json::json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}]))}
            ]}]},
            "users": [
                {"name": "reader", "inlinePolicies": [{"name": "R", "document": doc(serde_json::json!([{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]))}]},
                {"name": "keys", "inlinePolicies": [{"name": "K", "document": doc(serde_json::json!([{"Effect": "Allow", "Action": "iam:CreateAccessKey", "Resource": "arn:aws:iam::111122223333:user/reader"}]))}]},
                {"name": "denied", "inlinePolicies": [{"name": "D", "document": doc(serde_json::json!([{"Effect": "Deny", "Action": "iam:*", "Resource": "*"}]))}]}
            ],
            "roles": [
                {"name": "admin", "trustPolicy": doc(serde_json::json!([{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/keys"}, "Action": "sts:AssumeRole"}])),
                 "inlinePolicies": [{"name": "A", "document": doc(serde_json::json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}]))}]}
            ]
        });
        let scenario = Scenario::from_json(&scenario.to_string()).expect("the fixture loads");
        let cache = CompileCache::new();
        let model = Model {
            scenario: &scenario,
            managed: None,
            cache: &cache,
        };
        let actions = ["iam:CreateAccessKey", "iam:PassRole", "sts:AssumeRole"];
        let quick = QuickDecider::new(model).with_iam_actions(&actions);
        let principals = [
            PrincipalRef::Root,
            PrincipalRef::User("reader".into()),
            PrincipalRef::User("keys".into()),
            PrincipalRef::User("denied".into()),
            PrincipalRef::Role("admin".into()),
            PrincipalRef::Other("lambda.amazonaws.com".into()),
        ];
        let resources = [
            "arn:aws:iam::111122223333:user/reader",
            "arn:aws:iam::111122223333:user/keys",
            "arn:aws:iam::111122223333:role/admin",
        ];
        let mut refused = Vec::new();
        // Twice, so the second round answers from what the first remembered.
        for _ in 0..2 {
            refused.clear();
            for p in &principals {
                for a in actions {
                    if quick.never_allows(p, a) {
                        refused.push((String::from(p.clone()), a));
                        for r in resources {
                            assert!(!model.allows(p, a, r, &[]), "{p:?} {a} {r}");
                        }
                    }
                }
            }
        }
        // The root user and a principal with a matching statement (even a Deny) are not
        // refused; a service principal has no identity policies at all.
        let expected = [
            ("user/reader", "iam:CreateAccessKey"),
            ("user/reader", "iam:PassRole"),
            ("user/keys", "iam:PassRole"),
            ("lambda.amazonaws.com", "iam:CreateAccessKey"),
            ("lambda.amazonaws.com", "iam:PassRole"),
        ];
        assert_eq!(
            refused,
            expected
                .iter()
                .map(|(p, a)| (p.to_string(), *a))
                .collect::<Vec<_>>()
        );
        assert!(model.allows(
            &PrincipalRef::User("keys".into()),
            "iam:CreateAccessKey",
            "arn:aws:iam::111122223333:user/reader",
            &[]
        ));
        assert!(!quick.never_allows(&PrincipalRef::Root, "iam:PassRole"));
        assert!(!quick.never_allows(&PrincipalRef::Role("admin".into()), "iam:PassRole"));
        assert!(!quick.never_allows(&PrincipalRef::User("reader".into()), "sts:AssumeRole"));
    }

    /// The quick decision, where it answers, is the engine's full decision; it declines the
    /// requests whose preparation differs (a resource of the scenario with its policy, another
    /// account's resource, a KMS request), so a policy reading `aws:ResourceAccount` or a
    /// bucket policy is never answered from the wrong preparation.
    #[test]
    fn quick_decision_agrees_with_the_full_evaluation() {
        let doc = |statements: serde_json::Value| {
            serde_json::json!({"Version": "2012-10-17", "Statement": statements}).to_string()
        };
        let own = "111122223333";
        let scenario = serde_json::json!({
            "formatVersion": 1,
            "account": {"id": own},
            "organization": {"levels": [{"name": "Root", "scps": [
                {"name": "FullAWSAccess", "document": doc(serde_json::json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}]))},
                {"name": "NoLambdaDelete", "document": doc(serde_json::json!([{"Effect": "Deny", "Action": "lambda:DeleteFunction", "Resource": "*"}]))}
            ]}]},
            "users": [
                {"name": "scoped", "inlinePolicies": [{"name": "S", "document": doc(serde_json::json!([
                    {"Effect": "Allow", "Action": ["lambda:*", "s3:PutObject", "kms:Decrypt"], "Resource": "*",
                     "Condition": {"StringEquals": {"aws:ResourceAccount": own}}}
                ]))}]},
                {"name": "passer", "inlinePolicies": [{"name": "P", "document": doc(serde_json::json!([
                    {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*", "Condition": {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}},
                    {"Effect": "Allow", "Action": "lambda:CreateFunction", "Resource": "arn:aws:lambda:*:*:function:app-*"}
                ]))}]},
                {"name": "outsider"}
            ],
            "roles": [
                {"name": "fn", "trustPolicy": doc(serde_json::json!([{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]))}
            ],
            "resources": [
                {"kind": "s3Bucket", "name": "shared", "policy": doc(serde_json::json!([
                    {"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{own}:user/outsider")}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::shared/*"}
                ]))}
            ]
        });
        let scenario = Scenario::from_json(&scenario.to_string()).expect("the fixture loads");
        let cache = CompileCache::new();
        let model = Model {
            scenario: &scenario,
            managed: None,
            cache: &cache,
        };
        let quick = QuickDecider::new(model);
        let principals = [
            PrincipalRef::Root,
            PrincipalRef::User("scoped".into()),
            PrincipalRef::User("passer".into()),
            PrincipalRef::User("outsider".into()),
            PrincipalRef::Role("fn".into()),
            PrincipalRef::Other("lambda.amazonaws.com".into()),
        ];
        let requests = [
            (
                "lambda:CreateFunction",
                "arn:aws:lambda:us-east-1:111122223333:function:app-x",
                true,
            ),
            (
                "lambda:CreateFunction",
                "arn:aws:lambda:us-east-1:444455556666:function:app-x",
                false,
            ),
            (
                "lambda:DeleteFunction",
                "arn:aws:lambda:us-east-1:111122223333:function:app-x",
                true,
            ),
            ("lambda:CreateFunction", "*", true),
            ("s3:PutObject", "arn:aws:s3:::shared/report.csv", false),
            ("s3:PutObject", "arn:aws:s3:::elsewhere/report.csv", true),
            (
                "kms:Decrypt",
                "arn:aws:kms:us-east-1:111122223333:key/k",
                false,
            ),
            ("iam:PassRole", "arn:aws:iam::111122223333:role/fn", true),
            ("iam:PassRole", "arn:aws:iam::444455556666:role/fn", false),
            ("sts:AssumeRole", "arn:aws:iam::111122223333:role/fn", true),
            (
                "sts:AssumeRoleWithWebIdentity",
                "arn:aws:iam::111122223333:role/fn",
                false,
            ),
            ("sts:GetCallerIdentity", "*", true),
        ];
        let contexts = [
            Vec::new(),
            vec![ContextValue {
                key: "iam:PassedToService".into(),
                ty: crate::context::ContextKeyType::String,
                values: vec!["lambda.amazonaws.com".into()],
            }],
        ];
        let mut allowed = 0;
        for p in &principals {
            for (i, context) in contexts.iter().enumerate() {
                let context_key = i.to_string();
                for (action, resource, answered) in requests {
                    let full = model
                        .evaluate(p, action, resource, context)
                        .map(|e| e.evaluation.decision)
                        .ok();
                    let fast = quick.decision(p, action, resource, context, &context_key);
                    assert_eq!(fast.is_some(), answered, "{p:?} {action} {resource}");
                    if fast.is_some() {
                        assert_eq!(fast, full, "{p:?} {action} {resource} {context:?}");
                        allowed += usize::from(fast == Some(Decision::Allowed));
                    }
                }
            }
        }
        // Both answers occur: the quick path is not refusing everything.
        assert!(allowed > 0);
    }

    #[test]
    fn named_principals_reads_aws_service_and_star() {
        let doc = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":["444455556666","arn:aws:iam::444455556666:role/X"],"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"},{"Effect":"Deny","Principal":"*","Action":"*"},{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}]}"#;
        assert_eq!(
            named_principals(doc),
            vec![
                "arn:aws:iam::444455556666:root",
                "arn:aws:iam::444455556666:role/X",
                "lambda.amazonaws.com",
                "*"
            ]
        );
        assert!(named_principals("not json").is_empty());
    }
}
