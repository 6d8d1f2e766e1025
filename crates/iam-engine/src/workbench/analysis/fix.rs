//! The smallest fix for an escalation path: one edit of one policy that breaks it, verified by
//! running the escalation analysis again on the edited scenario.
//!
//! The candidates, smallest first, for each request a hop's actor makes (the trust decision of
//! a service is not the actor's to lose):
//! 1. **Drop the action** from an allowing statement of an editable policy (an inline policy,
//!    a customer-managed policy, a trust policy) that lists it by name; the statement goes when
//!    it was its only action.
//! 2. **Add a Deny** of exactly that action on exactly that resource to the actor (an inline
//!    policy), when the action is allowed through a wildcard or an AWS-managed policy.
//!
//! A candidate is the fix only if the path (its start and its hops' catalog ids and targets)
//! is gone from the analysis of the edited scenario; the first such candidate is returned.

use serde::Serialize;

use crate::catalog::escalation::EscalationCatalog;
use crate::policy::Effect;
use crate::scenario::{IdentityRef, InlinePolicy, PolicyRef, PrincipalRef, Scenario};
use crate::workbench::PolicySource;

use super::Model;
use super::escalation::{FoundPath, escalation_paths};

/// The name of the inline policy a Deny fix adds.
const FIX_POLICY_NAME: &str = "deny-escalation";

/// A verified fix for one path.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Fix {
    /// The edit in words.
    pub summary: String,
    /// The scenario with the edit applied (one edit: the caller applies it as one undoable
    /// change).
    #[serde(skip)]
    pub scenario: Scenario,
}

/// Whether the report of `scenario` still holds `path`.
fn still_there(
    model: &Model<'_>,
    catalog: &EscalationCatalog,
    scenario: &Scenario,
    path: &FoundPath,
) -> bool {
    let report = escalation_paths(&model.with_scenario(scenario), catalog);
    report.paths.iter().any(|p| {
        p.principal == path.principal
            && p.hops.len() == path.hops.len()
            && p.hops
                .iter()
                .zip(&path.hops)
                .all(|(a, b)| a.path_id == b.path_id && a.to == b.to)
    })
}

/// Removes `action` from statement `index` of a policy text; `None` when the statement does
/// not list it by name (or the text is not readable).
fn drop_action(text: &str, index: usize, action: &str) -> Option<String> {
    let mut doc: serde_json::Value = serde_json::from_str(text).ok()?;
    // A single statement object is read as a list of one.
    let list = match doc.get_mut("Statement")?.take() {
        serde_json::Value::Array(list) => list,
        one => vec![one],
    };
    let mut list = list;
    let statement = list.get_mut(index)?;
    let remove_statement = match statement.get_mut("Action")? {
        serde_json::Value::String(a) if a.eq_ignore_ascii_case(action) => true,
        serde_json::Value::Array(actions) => {
            let before = actions.len();
            actions.retain(|a| !a.as_str().is_some_and(|a| a.eq_ignore_ascii_case(action)));
            if actions.len() == before {
                return None;
            }
            actions.is_empty()
        }
        _ => return None,
    };
    if remove_statement {
        list.remove(index);
    }
    *doc.get_mut("Statement")? = serde_json::Value::Array(list);
    serde_json::to_string_pretty(&doc).ok()
}

/// Writes `text` as the policy `source` names; `false` when it is not editable.
fn write_policy(scenario: &mut Scenario, source: &PolicySource, text: String) -> bool {
    match source {
        PolicySource::Inline { owner, name } => {
            let list = match owner {
                IdentityRef::User(n) => scenario
                    .users
                    .iter_mut()
                    .find(|u| &u.name == n)
                    .map(|u| &mut u.inline_policies),
                IdentityRef::Group(n) => scenario
                    .groups
                    .iter_mut()
                    .find(|g| &g.name == n)
                    .map(|g| &mut g.inline_policies),
                IdentityRef::Role(n) => scenario
                    .roles
                    .iter_mut()
                    .find(|r| &r.name == n)
                    .map(|r| &mut r.inline_policies),
            };
            match list.and_then(|l| l.iter_mut().find(|p| &p.name == name)) {
                Some(p) => {
                    p.document = text;
                    true
                }
                None => false,
            }
        }
        PolicySource::Attached {
            policy: PolicyRef::Customer(name),
            ..
        } => match scenario.policies.iter_mut().find(|p| &p.name == name) {
            Some(p) => {
                p.document = text;
                true
            }
            None => false,
        },
        PolicySource::Trust { role } => match scenario.roles.iter_mut().find(|r| &r.name == role) {
            Some(r) => {
                r.trust_policy = text;
                true
            }
            None => false,
        },
        _ => false,
    }
}

/// The smallest verified fix for `path`, or `None` when no candidate breaks it.
pub fn smallest_fix(
    model: &Model<'_>,
    catalog: &EscalationCatalog,
    path: &FoundPath,
) -> Option<Fix> {
    let scenario = model.scenario;
    let mut drops: Vec<(String, Scenario)> = Vec::new();
    let mut denies: Vec<(String, Scenario)> = Vec::new();
    for hop in &path.hops {
        for request in hop.requests.iter().filter(|r| r.principal == hop.from) {
            for (statement, words) in request.deciding.iter().zip(&request.statements) {
                if statement.effect != Effect::Allow {
                    continue;
                }
                let text = statement.source.text(scenario, model.managed);
                let dropped = text.and_then(|t| drop_action(&t, statement.index, &request.action));
                if let Some(new_text) = dropped {
                    let mut edited = scenario.clone();
                    if write_policy(&mut edited, &statement.source, new_text) {
                        drops.push((format!("drop {} from {words}", request.action), edited));
                    }
                }
            }
            let deny = serde_json::json!({
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Deny", "Action": request.action, "Resource": request.resource}]
            });
            let mut edited = scenario.clone();
            let target = match PrincipalRef::from(request.principal.clone()) {
                PrincipalRef::User(n) => edited
                    .users
                    .iter_mut()
                    .find(|u| u.name == n)
                    .map(|u| &mut u.inline_policies),
                PrincipalRef::Role(n) => edited
                    .roles
                    .iter_mut()
                    .find(|r| r.name == n)
                    .map(|r| &mut r.inline_policies),
                _ => None,
            };
            if let Some(list) = target {
                list.push(InlinePolicy {
                    name: FIX_POLICY_NAME.to_string(),
                    document: serde_json::to_string_pretty(&deny).unwrap_or_default(),
                });
                denies.push((
                    format!(
                        "add an inline policy {FIX_POLICY_NAME} to {} that denies {} on {}",
                        request.principal, request.action, request.resource
                    ),
                    edited,
                ));
            }
        }
    }
    drops
        .into_iter()
        .chain(denies)
        .find(|(_, edited)| !still_there(model, catalog, edited, path))
        .map(|(summary, scenario)| Fix { summary, scenario })
}
