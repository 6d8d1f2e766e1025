//! "Why was I denied?": the AccessDenied decoder's use case.
//!
//! [`explain_denied`] reads what the user pasted ([`crate::denied::parse_denied`]), finds the
//! principal in the scenario (or says it is missing and offers the edit that adds it), rebuilds
//! the simulator's request, simulates it through the facade ([`Workbench::answer`]), names the
//! layer that denies (with the denying statements, or "no statement allows" and the nearest
//! misses), compares that with the reason AWS gave ([`check_agreement`]) and, when no policy
//! allows the request, proposes the smallest fix: an inline policy on the principal allowing
//! exactly that action on exactly that resource. A fix is only proposed after it has been
//! applied to a copy of the scenario and the request simulated again came out allowed, so
//! the page's "Apply fix" never applies an edit that does not work.
//!
//! The fix is data ([`ScenarioFix`]): a short list of the scenario model's edit operations the
//! page applies to one copy, as one undoable step, and the CLI prints.

use serde::Serialize;

use crate::denied::agree::{Agreement, check_agreement};
use crate::denied::{
    ClaimKind, DeniedError, DeniedPrincipal, DeniedRequest, Layer, PrincipalKind, parse_denied,
};
use crate::eval::{Decision, RootTaskEvaluation};
use crate::policy::Effect;
use crate::scenario::{EditError, IdentityRef, PrincipalRef, Role, Scenario, User};

use super::Workbench;
use super::answer::{Answer, DecidingStatement, SimulatorRequest, miss_text};
use super::request::{ContextOverride, KeySetting};

/// One edit of the scenario a fix is made of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "op", rename_all = "camelCase")]
pub enum FixStep {
    /// Adds an IAM user with no permissions.
    #[serde(rename_all = "camelCase")]
    AddUser {
        /// The user's name.
        name: String,
    },
    /// Adds an IAM role that principals of the account may assume (its trust policy trusts
    /// the account), with no permissions.
    #[serde(rename_all = "camelCase")]
    AddRole {
        /// The role's name.
        name: String,
    },
    /// Adds (or replaces) an inline policy of a user or role.
    #[serde(rename_all = "camelCase")]
    PutInlinePolicy {
        /// Whose policy.
        identity: IdentityRef,
        /// The policy's name.
        name: String,
        /// The policy document.
        document: String,
    },
}

impl FixStep {
    /// Applies the step to `scenario` with the model's own edit operations (so every check
    /// an edit in the workspace gets, this gets too).
    pub fn apply(&self, scenario: &mut Scenario) -> Result<(), EditError> {
        match self {
            FixStep::AddUser { name } => scenario.add_user(User::new(name.clone())),
            FixStep::AddRole { name } => {
                let trust = trust_account(&scenario.account.id);
                scenario.add_role(Role::new(name.clone(), trust))
            }
            FixStep::PutInlinePolicy {
                identity,
                name,
                document,
            } => scenario.put_inline_policy(identity, name, document),
        }
    }

    /// The step in words.
    pub fn describe(&self) -> String {
        match self {
            FixStep::AddUser { name } => format!("Add user {name}."),
            FixStep::AddRole { name } => {
                format!("Add role {name}, which principals of the account may assume.")
            }
            FixStep::PutInlinePolicy { identity, name, .. } => {
                let (kind, owner) = match identity {
                    IdentityRef::User(n) => ("user", n),
                    IdentityRef::Group(n) => ("group", n),
                    IdentityRef::Role(n) => ("role", n),
                };
                format!("Add the inline policy {name} to {kind} {owner}.")
            }
        }
    }
}

/// An edit of the scenario the decoder proposes: one or more steps applied together, as one
/// undoable step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScenarioFix {
    /// A short name for the undo history ("Allow s3:DeleteBucket for user dev").
    pub label: String,
    /// What it does and why, in a sentence or two.
    pub explanation: String,
    /// The edits, in order.
    pub steps: Vec<FixStep>,
    /// Whether the request, simulated again on the edited scenario, is allowed. Fixes that
    /// change the decision are the only ones [`explain_denied`] proposes; an edit that only
    /// adds the missing principal reproduces the denial and says so here.
    pub verified: bool,
}

impl ScenarioFix {
    /// Applies every step to `scenario`, stopping at the first that fails (the caller applies
    /// fixes to a copy, so a failure leaves the original untouched).
    pub fn apply(&self, scenario: &mut Scenario) -> Result<(), EditError> {
        self.steps.iter().try_for_each(|s| s.apply(scenario))
    }
}

/// Whether and how the message's principal is in the scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum PrincipalMatch {
    /// The scenario has it; `principal` is the simulator's principal (`user/dev`).
    #[serde(rename_all = "camelCase")]
    Found {
        /// The simulator's principal.
        principal: String,
    },
    /// The scenario lacks it; `add` is the edit that adds it.
    #[serde(rename_all = "camelCase")]
    Missing {
        /// The simulator's principal once it is added.
        principal: String,
        /// The edit that adds it.
        add: ScenarioFix,
    },
    /// A principal the scenario does not hold as an entity (root of another account, a
    /// service, a federated user, an anonymous caller): simulated by its ARN.
    #[serde(rename_all = "camelCase")]
    External {
        /// The simulator's principal (the ARN).
        principal: String,
    },
}

impl PrincipalMatch {
    /// The simulator's principal.
    pub fn principal(&self) -> &str {
        match self {
            PrincipalMatch::Found { principal }
            | PrincipalMatch::Missing { principal, .. }
            | PrincipalMatch::External { principal } => principal,
        }
    }
}

/// What the simulation of the rebuilt request says.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Simulated {
    /// The scenario decided the request.
    #[serde(rename_all = "camelCase")]
    Decided {
        /// The decision.
        decision: Decision,
        /// The policy types that deny it here, the first one named as the layer.
        denying_layers: Vec<Layer>,
        /// The statements that deny it (explicit deny) or allow it.
        statements: Vec<NamedStatement>,
        /// For an implicit deny, the statements that nearly allowed it, in words.
        nearest_misses: Vec<String>,
        /// The comparison with the reason AWS gave.
        agreement: Agreement,
    },
    /// A root-only task: AWS refuses it to anyone but the root user, whatever the policies.
    RootTask {
        /// The evaluation of the task.
        evaluation: RootTaskEvaluation,
    },
    /// The request could not be simulated (the text says why).
    #[serde(rename_all = "camelCase")]
    NotSimulated {
        /// Why.
        reason: String,
    },
}

/// A deciding statement with the heading of its policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NamedStatement {
    /// The statement.
    pub statement: DecidingStatement,
    /// The heading of the policy it is in.
    pub policy: String,
}

/// The decoder's whole answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeniedExplanation {
    /// The request read from the input.
    pub denied: DeniedRequest,
    /// Whether the scenario has the principal.
    pub principal: PrincipalMatch,
    /// The simulator's request rebuilt from the input (the page loads it into its panel).
    pub request: SimulatorRequest,
    /// What the scenario says about it.
    pub simulated: Simulated,
    /// The reason, in words.
    pub reason: String,
    /// The smallest fix, verified; `None` when there is none to propose (an explicit deny, a
    /// request the scenario allows, a principal no policy of the scenario can grant to).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<ScenarioFix>,
    /// Further advice: differences between the input and the scenario, why no fix is given.
    pub notes: Vec<String>,
}

/// Reads `text` and explains the denial against the workbench's scenario. `now` is the request
/// time as ISO 8601 UTC, used when the input carries none (the engine has no clock).
pub fn explain_denied(
    workbench: &Workbench<'_>,
    text: &str,
    now: &str,
) -> Result<DeniedExplanation, DeniedError> {
    let denied = parse_denied(text)?;
    Ok(explain_parsed(workbench, denied, now))
}

/// [`explain_denied`] for a request already read.
pub fn explain_parsed(
    workbench: &Workbench<'_>,
    denied: DeniedRequest,
    now: &str,
) -> DeniedExplanation {
    let scenario = workbench.scenario;
    let mut notes = Vec::new();
    let principal = match_principal(scenario, &denied.principal, &mut notes);
    let request = simulator_request(&denied, principal.principal());
    // A missing principal is simulated on a copy that has it, so the answer is the one the
    // scenario gives once the user accepts the offered edit.
    let with_principal = match &principal {
        PrincipalMatch::Missing { add, .. } => {
            let mut copy = scenario.clone();
            match add.apply(&mut copy) {
                Ok(()) => Some(copy),
                Err(e) => {
                    notes.push(format!("The principal cannot be added: {}", e.message));
                    None
                }
            }
        }
        _ => None,
    };
    let base = with_principal.as_ref().unwrap_or(scenario);
    let bench = Workbench {
        scenario: base,
        ..*workbench
    };
    let simulated = simulate(&bench, &request, &denied, now);
    let reason = reason_in_words(&simulated, &denied);
    let fix = match &simulated {
        Simulated::Decided {
            decision: Decision::ImplicitDeny,
            ..
        } => propose_fix(&bench, &principal, &denied, &request, now, &mut notes),
        Simulated::Decided {
            decision: Decision::ExplicitDeny,
            statements,
            ..
        } => {
            let named: Vec<String> = statements.iter().map(statement_words).collect();
            notes.push(format!(
                "No automatic fix for an explicit deny: a Deny statement wins over every Allow, so change or remove {} if the request should be allowed, or change the request so the statement no longer applies.",
                if named.is_empty() {
                    "the denying statement".to_string()
                } else {
                    named.join(" and ")
                }
            ));
            None
        }
        _ => None,
    };
    // A statement that allows the request but for its Condition is often the intended
    // grant: the request, not the policy, may be what is wrong.
    if let (Some(_), Simulated::Decided { nearest_misses, .. }) = (&fix, &simulated)
        && nearest_misses
            .iter()
            .any(|m| m.contains("its Condition is not met"))
    {
        notes.push("A statement would allow this request but for its Condition. If the condition is intended (a network, MFA, a tag), make the request meet it rather than applying the fix, which allows the request without it.".to_string());
    }
    if let (None, PrincipalMatch::Missing { add, .. }) = (&fix, &principal) {
        notes.push(format!(
            "{} Then the simulator can rebuild this request.",
            add.explanation
        ));
    }
    DeniedExplanation {
        denied,
        principal,
        request,
        simulated,
        reason,
        fix,
        notes,
    }
}

/// Advice from the input alone, when there is no scenario to simulate: what the reason AWS
/// gave means and where to look.
pub fn advice_from_claim(denied: &DeniedRequest) -> Vec<String> {
    let action = &denied.action;
    let on = denied
        .resource
        .as_deref()
        .map_or(String::new(), |r| format!(" on {r}"));
    let Some(claim) = &denied.claimed else {
        return vec![format!(
            "AWS gave no reason. Decode the authorization message (`aws sts decode-authorization-message`) or find the CloudTrail event for more, or load the account as a scenario to see which policy refuses {action}."
        )];
    };
    let layer = claim.layer;
    let words = layer.words();
    let mut out = Vec::new();
    match (claim.kind, layer) {
        (ClaimKind::NoAllow | ClaimKind::ImplicitDeny, Layer::Identity) => out.push(format!(
            "No identity-based policy of {} allows {action}{on}: allow it in a policy of the principal (or of one of its groups), as narrowly as the job needs.",
            denied.principal.arn
        )),
        (ClaimKind::NoAllow | ClaimKind::ImplicitDeny, Layer::Resource) => out.push(format!(
            "The resource's own policy (a bucket policy, a key policy, a trust policy) must allow this request: a cross-account request, a KMS key and a role's trust always need it. Add a statement allowing {} to do {action} to that policy.",
            denied.principal.arn
        )),
        (ClaimKind::NoAllow | ClaimKind::ImplicitDeny, Layer::Unspecified) => out.push(format!(
            "No policy allows {action}{on}; AWS does not say which type is missing."
        )),
        (ClaimKind::NoAllow | ClaimKind::ImplicitDeny, _) => out.push(format!(
            "The {words} limits what the other policies can grant, and it does not allow {action}: an Allow in an identity-based policy is not enough until the {words} allows it too."
        )),
        (ClaimKind::ExplicitDeny, _) => out.push(format!(
            "A Deny statement in {} {words} applies to this request: no Allow can override it. Find the statement whose Action matches {action} (and whose Condition holds for this request) and change it, or change the request.",
            if matches!(layer, Layer::Identity) { "an" } else { "a" }
        )),
    }
    if layer == Layer::VpcEndpoint {
        out.push(
            "The request went through a VPC endpoint (its id is the request's aws:SourceVpce), whose endpoint policy must allow it too, whatever the identity-based policies allow. Change the endpoint's policy (aws ec2 modify-vpc-endpoint --policy-document), or send the request another way. To see it here, add the endpoint to the scenario with its policy.".to_string(),
        );
    }
    if matches!(layer, Layer::Scp | Layer::Rcp) {
        out.push(format!(
            "The {words} is managed in AWS Organizations by the management account; ask its administrators, and note that AWS's message can say \"explicit deny\" even when the {words} merely allows nothing."
        ));
    }
    out
}

/// The last segment of an ARN's resource part (`user/path/dev` gives `dev`).
fn last_segment(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

/// Finds the principal in the scenario.
fn match_principal(
    scenario: &Scenario,
    principal: &DeniedPrincipal,
    notes: &mut Vec<String>,
) -> PrincipalMatch {
    let same_account = principal
        .account
        .as_deref()
        .is_none_or(|a| a == scenario.account.id);
    if !same_account
        && matches!(
            principal.kind,
            PrincipalKind::User | PrincipalKind::Role | PrincipalKind::RoleSession { .. }
        )
    {
        notes.push(format!(
            "The message names account {}, the scenario is account {}: the principal is looked up by name in the scenario's account.",
            principal.account.as_deref().unwrap_or(""),
            scenario.account.id
        ));
    }
    let external = || PrincipalMatch::External {
        principal: principal.arn.clone(),
    };
    match &principal.kind {
        PrincipalKind::User => {
            let name = last_segment(&principal.arn);
            match scenario
                .users
                .iter()
                .find(|u| u.name.eq_ignore_ascii_case(name))
            {
                Some(u) => PrincipalMatch::Found {
                    principal: format!("user/{}", u.name),
                },
                None => missing(
                    format!("user/{name}"),
                    FixStep::AddUser {
                        name: name.to_string(),
                    },
                    format!("The scenario has no user {name}: add it to explain this denial."),
                ),
            }
        }
        PrincipalKind::Role | PrincipalKind::RoleSession { .. } => {
            let role_arn = match &principal.kind {
                PrincipalKind::RoleSession { role_arn, .. } if !role_arn.is_empty() => {
                    role_arn.as_str()
                }
                _ => principal.arn.as_str(),
            };
            let name = last_segment(role_arn);
            match scenario
                .roles
                .iter()
                .find(|r| r.name.eq_ignore_ascii_case(name))
            {
                Some(r) => PrincipalMatch::Found {
                    principal: format!("role/{}", r.name),
                },
                None => missing(
                    format!("role/{name}"),
                    FixStep::AddRole {
                        name: name.to_string(),
                    },
                    format!("The scenario has no role {name}: add it to explain this denial."),
                ),
            }
        }
        PrincipalKind::Root if same_account => PrincipalMatch::Found {
            principal: "root".to_string(),
        },
        _ => external(),
    }
}

/// A missing principal with the edit that adds it.
fn missing(principal: String, step: FixStep, explanation: String) -> PrincipalMatch {
    let label = match &step {
        FixStep::AddUser { name } => format!("Add user {name}"),
        FixStep::AddRole { name } => format!("Add role {name}"),
        FixStep::PutInlinePolicy { name, .. } => format!("Add policy {name}"),
    };
    PrincipalMatch::Missing {
        principal,
        add: ScenarioFix {
            label,
            explanation,
            steps: vec![step],
            verified: false,
        },
    }
}

/// A trust policy that lets principals of the account assume a role (what the console's
/// "This account" choice writes).
fn trust_account(account: &str) -> String {
    let principal =
        serde_json::to_string(&format!("arn:aws:iam::{account}:root")).unwrap_or_default();
    format!(
        "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {{\n      \"Effect\": \"Allow\",\n      \"Principal\": {{ \"AWS\": {principal} }},\n      \"Action\": \"sts:AssumeRole\"\n    }}\n  ]\n}}"
    )
}

/// The simulator's request for the denied one: its principal, action and resource, and the
/// context the input carried as the panel's overrides.
fn simulator_request(denied: &DeniedRequest, principal: &str) -> SimulatorRequest {
    SimulatorRequest {
        principal: principal.to_string(),
        action: denied.action.clone(),
        resource: denied.resource.clone().unwrap_or_else(|| "*".to_string()),
        context: denied
            .context
            .iter()
            .map(|c| ContextOverride {
                key: c.key.clone(),
                ty: c.ty,
                setting: KeySetting::Set(c.values.clone()),
            })
            .collect(),
    }
}

/// The request time: the event's `aws:CurrentTime`, else `now`.
fn request_time(denied: &DeniedRequest, now: &str) -> String {
    denied
        .context
        .iter()
        .find(|c| c.key.eq_ignore_ascii_case("aws:CurrentTime"))
        .and_then(|c| c.values.first().cloned())
        .unwrap_or_else(|| now.to_string())
}

/// Simulates the request through the facade.
fn simulate(
    bench: &Workbench<'_>,
    request: &SimulatorRequest,
    denied: &DeniedRequest,
    now: &str,
) -> Simulated {
    let rows = bench.context_keys(
        &request.principal,
        &request.resource,
        &request_time(denied, now),
    );
    match bench.answer(request, &rows, 0) {
        Answer::Incomplete(reason) | Answer::Error(reason) => Simulated::NotSimulated { reason },
        Answer::RootTask(evaluation) => Simulated::RootTask { evaluation },
        Answer::Decided(d) => {
            let evaluation = &d.detail.evaluation;
            let agreement = check_agreement(denied.claimed.as_ref(), evaluation);
            let statements = d
                .deciding
                .iter()
                .map(|s| NamedStatement {
                    policy: s.source.heading(bench.scenario),
                    statement: s.clone(),
                })
                .collect();
            let nearest_misses = evaluation
                .candidates
                .iter()
                .take(3)
                .map(|c| {
                    let policy = d.detail.source(&c.statement.policy_id).map_or_else(
                        || c.statement.policy_id.clone(),
                        |s| s.heading(bench.scenario),
                    );
                    let name = c.statement.name();
                    format!(
                        "Statement {name} of {policy} would allow this, but {}.",
                        miss_text(&c.miss).trim_end_matches('.')
                    )
                })
                .collect();
            Simulated::Decided {
                decision: evaluation.decision,
                denying_layers: agreement.denying_layers.clone(),
                statements,
                nearest_misses,
                agreement,
            }
        }
    }
}

/// A deciding statement in words.
fn statement_words(s: &NamedStatement) -> String {
    let name = s.statement.name();
    format!("statement {name} of {}", s.policy)
}

/// The reason the scenario gives, in a sentence or two.
fn reason_in_words(simulated: &Simulated, denied: &DeniedRequest) -> String {
    let action = &denied.action;
    match simulated {
        Simulated::NotSimulated { reason } => {
            format!("The request could not be simulated: {reason}")
        }
        Simulated::RootTask { evaluation } => evaluation.reason.clone(),
        Simulated::Decided {
            decision,
            denying_layers,
            statements,
            nearest_misses,
            ..
        } => match decision {
            Decision::Allowed => format!("The scenario allows {action}."),
            Decision::ExplicitDeny => {
                let denying: Vec<String> = statements
                    .iter()
                    .filter(|s| s.statement.effect == Effect::Deny)
                    .map(statement_words)
                    .collect();
                let layer = denying_layers.first().map_or("policy", |l| l.words());
                if denying.is_empty() {
                    format!("An explicit deny in a {layer} refuses {action}.")
                } else {
                    format!(
                        "An explicit deny in a {layer} refuses {action}: {} applies to this request.",
                        denying.join(" and ")
                    )
                }
            }
            Decision::ImplicitDeny => {
                let layer = denying_layers.first().map_or("policy", |l| l.words());
                let mut out = format!(
                    "No statement allows it: no {layer} allows {action}, and what no policy allows is denied."
                );
                if nearest_misses.is_empty() {
                    out.push_str(" No statement comes close.");
                } else {
                    out.push_str(" Nearest misses: ");
                    out.push_str(&nearest_misses.join(" "));
                }
                out
            }
        },
    }
}

/// The inline policy allowing exactly the request.
fn allow_policy(action: &str, resource: &str) -> String {
    // Written by hand (each value quoted by serde_json) so the keys keep the order people
    // write them in: serde_json's map sorts them.
    let q = |v: &str| serde_json::to_string(v).unwrap_or_default();
    format!(
        "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {{\n      \"Sid\": {},\n      \"Effect\": \"Allow\",\n      \"Action\": {},\n      \"Resource\": {}\n    }}\n  ]\n}}",
        q(&sid_of(action)),
        q(action),
        q(resource)
    )
}

/// A statement id from an action (`s3:DeleteBucket` gives `AllowS3DeleteBucket`): Sids are
/// alphanumeric.
fn sid_of(action: &str) -> String {
    let mut out = String::from("Allow");
    let mut upper = true;
    for c in action.chars() {
        if c.is_ascii_alphanumeric() {
            if upper {
                out.push(c.to_ascii_uppercase());
            } else {
                out.push(c);
            }
            upper = false;
        } else {
            upper = true;
        }
    }
    out
}

/// A policy name from an action (`s3:DeleteBucket` gives `Allow-s3-DeleteBucket`): IAM
/// names allow no colon.
fn policy_name(action: &str) -> String {
    let body: String = action
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "+=,.@_-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("Allow-{body}")
}

/// The smallest fix for a request no policy allows: an inline policy on the principal allowing
/// exactly the action on exactly the resource, verified by simulating again.
fn propose_fix(
    bench: &Workbench<'_>,
    principal: &PrincipalMatch,
    denied: &DeniedRequest,
    request: &SimulatorRequest,
    now: &str,
    notes: &mut Vec<String>,
) -> Option<ScenarioFix> {
    let identity = match PrincipalRef::from(principal.principal().to_string()) {
        PrincipalRef::User(name) => IdentityRef::User(name),
        PrincipalRef::Role(name) => IdentityRef::Role(name),
        PrincipalRef::Root => {
            notes.push("The root user needs no identity-based policy; what denies it here is a policy of another type, so there is no automatic fix.".to_string());
            return None;
        }
        PrincipalRef::Other(_) => {
            notes.push("The principal is not an entity of the scenario, so no policy can be added to it here.".to_string());
            return None;
        }
    };
    let (kind, owner) = match &identity {
        IdentityRef::User(n) => ("user", n.clone()),
        IdentityRef::Group(n) => ("group", n.clone()),
        IdentityRef::Role(n) => ("role", n.clone()),
    };
    let action = request.action.clone();
    let resource = request.resource.clone();
    let name = policy_name(&action);
    let mut steps = match principal {
        PrincipalMatch::Missing { add, .. } => add.steps.clone(),
        _ => Vec::new(),
    };
    steps.push(FixStep::PutInlinePolicy {
        identity,
        name: name.clone(),
        document: allow_policy(&action, &resource),
    });
    let mut fix = ScenarioFix {
        label: format!("Allow {action} for {kind} {owner}"),
        explanation: format!(
            "Add an inline policy {name} to {kind} {owner} that allows exactly {action} on {resource}."
        ),
        steps,
        verified: false,
    };
    // The check runs on the workbench's own scenario: a missing principal is in it already
    // (see explain_parsed), so the copy gets only the policy step.
    let mut copy = workbench_original(bench, principal, &fix);
    let Some(copy) = copy.as_mut() else {
        notes.push("The fix cannot be applied to this scenario.".to_string());
        return None;
    };
    let check = Workbench {
        scenario: copy,
        ..*bench
    };
    match simulate(&check, request, denied, now) {
        Simulated::Decided {
            decision: Decision::Allowed,
            ..
        } => {
            fix.verified = true;
            Some(fix)
        }
        Simulated::Decided { denying_layers, .. } => {
            let others: Vec<&str> = denying_layers
                .iter()
                .filter(|l| **l != Layer::Identity)
                .map(|l| l.words())
                .collect();
            notes.push(format!(
                "An identity-based policy alone does not fix this: {} still denies it, so the fix belongs there.",
                if others.is_empty() {
                    "another policy".to_string()
                } else {
                    format!("the {}", others.join(" and the "))
                }
            ));
            None
        }
        _ => None,
    }
}

/// The workbench's scenario with the fix's policy step applied (the principal, when it was
/// missing, is already in the workbench's scenario).
fn workbench_original(
    bench: &Workbench<'_>,
    principal: &PrincipalMatch,
    fix: &ScenarioFix,
) -> Option<Scenario> {
    let skip = match principal {
        PrincipalMatch::Missing { add, .. } => add.steps.len(),
        _ => 0,
    };
    let mut copy = bench.scenario.clone();
    fix.steps
        .iter()
        .skip(skip)
        .try_for_each(|s| s.apply(&mut copy))
        .ok()?;
    Some(copy)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::scenario::InlinePolicy;
    use crate::workbench::CompileCache;

    const NOW: &str = "2026-11-23T10:00:00Z";
    const DONE_WHEN: &str = "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: s3:DeleteBucket on resource: arn:aws:s3:::prod-logs because no identity-based policy allows the s3:DeleteBucket action";

    fn with_dev() -> Scenario {
        let mut s = Scenario::new("123456789012");
        let mut dev = User::new("dev");
        dev.inline_policies.push(InlinePolicy {
            name: "Read".into(),
            document: r#"{"Version":"2012-10-17","Statement":[{"Sid":"ReadLogs","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::prod-logs/*"}]}"#.into(),
        });
        s.add_user(dev).unwrap();
        s
    }

    fn explain(s: &Scenario, text: &str) -> DeniedExplanation {
        let cache = CompileCache::new();
        explain_denied(&Workbench::new(s, &cache), text, NOW).expect("parses")
    }

    fn decide(s: &Scenario, e: &DeniedExplanation) -> Decision {
        let cache = CompileCache::new();
        let bench = Workbench::new(s, &cache);
        match simulate(&bench, &e.request, &e.denied, NOW) {
            Simulated::Decided { decision, .. } => decision,
            other => panic!("not decided: {other:?}"),
        }
    }

    #[test]
    fn the_issue_message_is_rebuilt_explained_and_fixed() {
        let s = with_dev();
        let e = explain(&s, DONE_WHEN);
        assert_eq!(
            e.principal,
            PrincipalMatch::Found {
                principal: "user/dev".into()
            }
        );
        assert_eq!(e.request.principal, "user/dev");
        assert_eq!(e.request.action, "s3:DeleteBucket");
        assert_eq!(e.request.resource, "arn:aws:s3:::prod-logs");
        let Simulated::Decided {
            decision,
            denying_layers,
            agreement,
            nearest_misses,
            ..
        } = &e.simulated
        else {
            panic!("{:?}", e.simulated)
        };
        assert_eq!(*decision, Decision::ImplicitDeny);
        assert_eq!(denying_layers.first(), Some(&Layer::Identity));
        assert!(
            agreement.decision_agrees && agreement.reason_agrees,
            "{agreement:?}"
        );
        assert!(
            nearest_misses.iter().any(|m| m.contains("ReadLogs")),
            "{nearest_misses:?}"
        );
        assert!(
            e.reason.contains("no identity-based policy allows"),
            "{}",
            e.reason
        );
        let fix = e.fix.clone().expect("a fix");
        assert!(fix.verified);
        assert_eq!(fix.steps.len(), 1);
        let FixStep::PutInlinePolicy { identity, name, .. } = &fix.steps[0] else {
            panic!("{fix:?}")
        };
        assert_eq!(identity, &IdentityRef::User("dev".into()));
        assert_eq!(name, "Allow-s3-DeleteBucket");
        // Applying the fix to the scenario allows the request; the original still denies it.
        let mut fixed = s.clone();
        fix.apply(&mut fixed).unwrap();
        assert_eq!(decide(&fixed, &e), Decision::Allowed);
        assert_eq!(decide(&s, &e), Decision::ImplicitDeny);
    }

    #[test]
    fn a_missing_user_is_offered_and_the_fix_adds_it_too() {
        let s = Scenario::new("123456789012");
        let e = explain(&s, DONE_WHEN);
        let PrincipalMatch::Missing { principal, add } = &e.principal else {
            panic!("{:?}", e.principal)
        };
        assert_eq!(principal, "user/dev");
        assert_eq!(add.steps, vec![FixStep::AddUser { name: "dev".into() }]);
        let fix = e.fix.clone().expect("a fix");
        assert!(fix.verified);
        assert_eq!(fix.steps.len(), 2);
        let mut fixed = s.clone();
        fix.apply(&mut fixed).unwrap();
        assert_eq!(decide(&fixed, &e), Decision::Allowed);
        // Adding the user alone reproduces the denial.
        let mut added = s.clone();
        add.apply(&mut added).unwrap();
        assert_eq!(decide(&added, &e), Decision::ImplicitDeny);
    }

    #[test]
    fn an_explicit_deny_points_at_the_statement_and_proposes_no_fix() {
        let mut s = with_dev();
        s.put_inline_policy(
            &IdentityRef::User("dev".into()),
            "NoDeletes",
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"NeverDelete","Effect":"Deny","Action":"s3:Delete*","Resource":"*"}]}"#,
        )
        .unwrap();
        let e = explain(
            &s,
            "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: s3:DeleteBucket on resource: arn:aws:s3:::prod-logs with an explicit deny in an identity-based policy",
        );
        assert_eq!(e.fix, None);
        assert!(e.reason.contains("NeverDelete"), "{}", e.reason);
        assert!(
            e.notes.iter().any(|n| n.contains("NeverDelete")),
            "{:?}",
            e.notes
        );
        let Simulated::Decided { agreement, .. } = &e.simulated else {
            panic!()
        };
        assert!(agreement.reason_agrees, "{agreement:?}");
    }

    #[test]
    fn a_claim_the_scenario_cannot_reproduce_is_said_plainly() {
        let s = with_dev();
        let e = explain(
            &s,
            "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: s3:DeleteBucket on resource: arn:aws:s3:::prod-logs with an explicit deny in a service control policy",
        );
        assert_eq!(
            e.denied.claimed.map(|c| c.kind),
            Some(ClaimKind::ExplicitDeny)
        );
        let Simulated::Decided { agreement, .. } = &e.simulated else {
            panic!()
        };
        assert!(!agreement.reason_agrees);
        assert!(
            agreement.message.contains("SCPs are missing"),
            "{}",
            agreement.message
        );
    }

    #[test]
    fn a_role_session_maps_to_its_role_and_the_fix_goes_on_the_role() {
        let mut s = Scenario::new("123456789012");
        s.add_role(Role::new("Deployer", trust_account("123456789012")))
            .unwrap();
        let e = explain(
            &s,
            "User: arn:aws:sts::123456789012:assumed-role/Deployer/ci is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:123456789012:function:build because no identity-based policy allows the lambda:InvokeFunction action",
        );
        assert_eq!(e.request.principal, "role/Deployer");
        let fix = e.fix.expect("a fix");
        assert!(matches!(
            &fix.steps[0],
            FixStep::PutInlinePolicy { identity: IdentityRef::Role(r), .. } if r == "Deployer"
        ));
    }

    #[test]
    fn advice_from_the_message_alone_follows_the_claim() {
        let denied = parse_denied(DONE_WHEN).unwrap();
        let advice = advice_from_claim(&denied);
        assert!(advice[0].contains("No identity-based policy"), "{advice:?}");
        let scp = parse_denied("User: arn:aws:iam::123456789012:user/dev is not authorized to perform: s3:DeleteBucket on resource: arn:aws:s3:::prod-logs with an explicit deny in a service control policy").unwrap();
        let advice = advice_from_claim(&scp);
        assert!(
            advice[0].contains("Deny statement in a service control policy"),
            "{advice:?}"
        );
        assert!(advice[1].contains("AWS Organizations"), "{advice:?}");
    }

    #[test]
    fn the_fix_policy_reads_in_the_usual_key_order() {
        let doc = allow_policy("s3:DeleteBucket", "arn:aws:s3:::prod-logs");
        let v: serde_json::Value = serde_json::from_str(&doc).unwrap();
        assert_eq!(v["Statement"][0]["Resource"], "arn:aws:s3:::prod-logs");
        assert!(doc.find("Version") < doc.find("Statement"), "{doc}");
        let trust: serde_json::Value = serde_json::from_str(&trust_account("1")).unwrap();
        assert_eq!(
            trust["Statement"][0]["Principal"]["AWS"],
            "arn:aws:iam::1:root"
        );
    }

    /// The S3 data event fixture (from 10.1.2.3, through a VPC endpoint) as pasted text.
    fn s3_event() -> String {
        let fixture: serde_json::Value = serde_json::from_str(include_str!(
            "../../tests/fixtures/denied/events/s3-data-event.json"
        ))
        .unwrap();
        fixture["input"].to_string()
    }

    /// Account 111122223333 where analyst may read the reports from `cidr` only.
    fn analyst_from(cidr: &str) -> Scenario {
        let mut s = Scenario::new("111122223333");
        let mut analyst = User::new("analyst");
        analyst.inline_policies.push(InlinePolicy {
            name: "Reports".into(),
            document: format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"FromTheOffice","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::finance-reports/*","Condition":{{"IpAddress":{{"aws:SourceIp":"{cidr}"}}}}}}]}}"#
            ),
        });
        s.add_user(analyst).unwrap();
        s
    }

    #[test]
    fn an_event_carries_its_context_into_the_simulation() {
        // From 10.1.2.3 the office-only statement does not apply: a nearest miss on its
        // Condition, and a fix.
        let e = explain(&analyst_from("192.0.2.0/24"), &s3_event());
        assert_eq!(e.request.principal, "user/analyst");
        assert_eq!(
            e.request.resource,
            "arn:aws:s3:::finance-reports/2026/q3.csv"
        );
        assert!(
            e.request.context.iter().any(|c| c.key == "aws:SourceIp"
                && c.setting == KeySetting::Set(vec!["10.1.2.3".into()])),
            "{:?}",
            e.request.context
        );
        let Simulated::Decided {
            decision,
            nearest_misses,
            ..
        } = &e.simulated
        else {
            panic!("{:?}", e.simulated)
        };
        assert_eq!(*decision, Decision::ImplicitDeny);
        assert!(
            nearest_misses
                .iter()
                .any(|m| m.contains("FromTheOffice") && m.contains("Condition")),
            "{nearest_misses:?}"
        );
        assert!(e.fix.is_some_and(|f| f.verified));
        assert!(
            e.notes.iter().any(|n| n.contains("but for its Condition")),
            "{:?}",
            e.notes
        );

        // Allowing 10.0.0.0/8 allows the event's request (the panel's default address would
        // not match): the scenario disagrees with AWS, said plainly, and there is nothing to
        // fix here.
        let e = explain(&analyst_from("10.0.0.0/8"), &s3_event());
        let Simulated::Decided {
            decision,
            agreement,
            ..
        } = &e.simulated
        else {
            panic!("{:?}", e.simulated)
        };
        assert_eq!(*decision, Decision::Allowed);
        assert!(!agreement.decision_agrees);
        assert!(
            agreement.message.contains("the scenario allows it"),
            "{}",
            agreement.message
        );
        assert_eq!(e.fix, None);
    }

    #[test]
    fn an_event_through_a_vpc_endpoint_of_the_scenario_is_decided_by_its_policy() {
        // The event came through vpce-1a2b3c4d; analyst's own policy allows the read.
        let mut s = analyst_from("10.0.0.0/8");
        let mut endpoint =
            crate::scenario::Resource::vpc_endpoint("vpce-1a2b3c4d", "s3", &s.account);
        endpoint.policy = Some(r#"{"Version":"2012-10-17","Statement":[{"Sid":"OtherBucket","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::public-data/*"}]}"#.into());
        s.add_resource(endpoint).unwrap();
        let e = explain(&s, &s3_event());
        let Simulated::Decided {
            decision,
            denying_layers,
            ..
        } = &e.simulated
        else {
            panic!("{:?}", e.simulated)
        };
        assert_eq!(*decision, Decision::ImplicitDeny);
        assert_eq!(denying_layers.as_slice(), &[Layer::VpcEndpoint]);
        // An identity-based policy cannot fix it: the note says where the fix belongs.
        assert_eq!(e.fix, None);
        assert!(
            e.notes.iter().any(|n| n.contains("VPC endpoint policy")),
            "{:?}",
            e.notes
        );
        // Near miss: the endpoint policy allowing the bucket lets the request through.
        s.resources[0].policy = Some(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::finance-reports/*"}]}"#.into());
        let e = explain(&s, &s3_event());
        assert!(matches!(
            e.simulated,
            Simulated::Decided {
                decision: Decision::Allowed,
                ..
            }
        ));
        let claim = parse_denied("User: arn:aws:iam::123456789012:user/dev is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::b/k because no VPC endpoint policy allows the s3:GetObject action").unwrap();
        let advice = advice_from_claim(&claim);
        assert!(
            advice.iter().any(|a| a.contains("modify-vpc-endpoint")),
            "{advice:?}"
        );
    }

    #[test]
    fn names_are_valid_iam_names() {
        assert_eq!(policy_name("s3:DeleteBucket"), "Allow-s3-DeleteBucket");
        assert_eq!(sid_of("s3:DeleteBucket"), "AllowS3DeleteBucket");
        assert_eq!(sid_of("ec2:RunInstances"), "AllowEc2RunInstances");
    }
}
