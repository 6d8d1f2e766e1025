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
//!
//! The fix is data ([`FixEdit`]): one of the model's edit operations, which the page applies to
//! the scenario as one undoable step. [`access_removed`] says what else it takes away.
use serde::{Deserialize, Serialize};

use crate::catalog::escalation::EscalationCatalog;
use crate::eval::Decision;
use crate::policy::Effect;
use crate::scenario::{ContextValue, EditError, IdentityRef, PolicyRef, PrincipalRef, Scenario};
use crate::workbench::PolicySource;

use super::escalation::{FoundPath, escalation_paths};
use super::who_can::known_principals;
use super::{DecidedRequest, Model, group_arn};

/// The name of the inline policy a Deny fix adds.
const FIX_POLICY_NAME: &str = "deny-escalation";

/// The edit a fix makes, as data: one of the model's edit operations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum FixEdit {
    /// Replaces the document of a customer-managed policy.
    #[serde(rename_all = "camelCase")]
    SetPolicyDocument {
        /// The policy's name.
        policy: String,
        /// The new document.
        document: String,
    },
    /// Replaces the trust policy of a role.
    #[serde(rename_all = "camelCase")]
    SetTrustPolicy {
        /// The role's name.
        role: String,
        /// The new trust policy.
        document: String,
    },
    /// Adds (or replaces, same name) an inline policy of a user, group or role.
    #[serde(rename_all = "camelCase")]
    PutInlinePolicy {
        /// Whose policy.
        identity: IdentityRef,
        /// The inline policy's name.
        name: String,
        /// The document.
        document: String,
    },
}

impl FixEdit {
    /// Applies the edit with the model's own edit operations (so every check an edit in the
    /// workspace gets, this gets too).
    pub fn apply(&self, scenario: &mut Scenario) -> Result<(), EditError> {
        match self {
            FixEdit::SetPolicyDocument { policy, document } => {
                scenario.set_policy_document(policy, document)
            }
            FixEdit::SetTrustPolicy { role, document } => scenario.set_trust_policy(role, document),
            FixEdit::PutInlinePolicy {
                identity,
                name,
                document,
            } => scenario.put_inline_policy(identity, name, document),
        }
    }
}

/// Whose access an edit can change: every principal whose requests read the edited policy, or
/// one principal (a Deny added to it).
#[derive(Debug, Clone, PartialEq)]
enum Scope {
    Policy(PolicySource),
    Principal(String),
}

/// A verified fix for one path.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Fix {
    /// The edit in words.
    pub summary: String,
    /// The edit, to apply as one undoable change.
    pub edit: FixEdit,
    /// The request of the path the edit denies: its action.
    pub action: String,
    /// Its resource.
    pub resource: String,
    /// Its context keys.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub context: Vec<ContextValue>,
    /// The scenario with the edit applied.
    #[serde(skip)]
    pub scenario: Scenario,
    #[serde(skip)]
    scope: Scope,
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

/// The edit that writes `text` as the policy `source` names; `None` when it is not editable.
fn write_policy(source: &PolicySource, text: String) -> Option<FixEdit> {
    match source {
        PolicySource::Inline { owner, name } => Some(FixEdit::PutInlinePolicy {
            identity: owner.clone(),
            name: name.clone(),
            document: text,
        }),
        PolicySource::Attached {
            policy: PolicyRef::Customer(name),
            ..
        } => Some(FixEdit::SetPolicyDocument {
            policy: name.clone(),
            document: text,
        }),
        PolicySource::Trust { role } => Some(FixEdit::SetTrustPolicy {
            role: role.clone(),
            document: text,
        }),
        _ => None,
    }
}

/// A name for a new inline policy of `identity` that it does not have yet.
fn free_inline_name(scenario: &Scenario, identity: &IdentityRef) -> String {
    let taken: Vec<&str> = match identity {
        IdentityRef::User(n) => scenario
            .user(n)
            .map(|u| u.inline_policies.iter().map(|p| p.name.as_str()).collect()),
        IdentityRef::Group(n) => scenario
            .group(n)
            .map(|g| g.inline_policies.iter().map(|p| p.name.as_str()).collect()),
        IdentityRef::Role(n) => scenario
            .role(n)
            .map(|r| r.inline_policies.iter().map(|p| p.name.as_str()).collect()),
    }
    .unwrap_or_default();
    let free = |name: &str| !taken.iter().any(|t| t.eq_ignore_ascii_case(name));
    std::iter::once(FIX_POLICY_NAME.to_string())
        .chain((2..).map(|n| format!("{FIX_POLICY_NAME}-{n}")))
        .find(|name| free(name))
        .unwrap_or_else(|| FIX_POLICY_NAME.to_string())
}

/// A candidate edit, before it is verified.
struct Candidate {
    summary: String,
    edit: FixEdit,
    request: DecidedRequest,
    scope: Scope,
}

/// The smallest verified fix for `path`, or `None` when no candidate breaks it.
pub fn smallest_fix(
    model: &Model<'_>,
    catalog: &EscalationCatalog,
    path: &FoundPath,
) -> Option<Fix> {
    let scenario = model.scenario;
    let mut drops: Vec<Candidate> = Vec::new();
    let mut denies: Vec<Candidate> = Vec::new();
    for hop in &path.hops {
        for request in hop.requests.iter().filter(|r| r.principal == hop.from) {
            for (statement, words) in request.deciding.iter().zip(&request.statements) {
                if statement.effect != Effect::Allow {
                    continue;
                }
                let text = statement.source.text(scenario, model.managed);
                let dropped = text.and_then(|t| drop_action(&t, statement.index, &request.action));
                if let Some(edit) = dropped.and_then(|t| write_policy(&statement.source, t)) {
                    drops.push(Candidate {
                        summary: format!("drop {} from {words}", request.action),
                        edit,
                        request: request.clone(),
                        scope: Scope::Policy(statement.source.clone()),
                    });
                }
            }
            let identity = match PrincipalRef::from(request.principal.clone()) {
                PrincipalRef::User(n) => IdentityRef::User(n),
                PrincipalRef::Role(n) => IdentityRef::Role(n),
                _ => continue,
            };
            let deny = serde_json::json!({
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Deny", "Action": request.action, "Resource": request.resource}]
            });
            let name = free_inline_name(scenario, &identity);
            denies.push(Candidate {
                summary: format!(
                    "add an inline policy {name} to {} that denies {} on {}",
                    request.principal, request.action, request.resource
                ),
                edit: FixEdit::PutInlinePolicy {
                    identity,
                    name,
                    document: serde_json::to_string_pretty(&deny).unwrap_or_default(),
                },
                request: request.clone(),
                scope: Scope::Principal(request.principal.clone()),
            });
        }
    }
    drops.into_iter().chain(denies).find_map(|c| {
        let mut edited = scenario.clone();
        c.edit.apply(&mut edited).ok()?;
        if still_there(model, catalog, &edited, path) {
            return None;
        }
        Some(Fix {
            summary: c.summary,
            edit: c.edit,
            action: c.request.action,
            resource: c.request.resource,
            context: c.request.context,
            scenario: edited,
            scope: c.scope,
        })
    })
}

/// The service and resource type of an ARN (`iam` and `role` for a role's ARN; an S3 bucket
/// has no type), or `None` for `*` and what is not an ARN.
fn arn_kind(arn: &str) -> Option<(&str, &str)> {
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(_), Some(service), Some(_), Some(_), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    let ty = resource
        .find(['/', ':'])
        .and_then(|end| resource.get(..end))
        .unwrap_or("");
    Some((service, ty))
}

/// The scenario's own resources of the kind `resource` is (other roles for a role, other
/// buckets for a bucket; for `*`, every resource of the action's service): users, groups,
/// roles and customer-managed policies for IAM, and the scenario's resources.
fn resources_like(scenario: &Scenario, action: &str, resource: &str) -> Vec<String> {
    let service = action
        .split(':')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let iam = scenario
        .users
        .iter()
        .map(|u| scenario.user_arn(u))
        .chain(scenario.groups.iter().map(|g| group_arn(scenario, g)))
        .chain(scenario.roles.iter().map(|r| scenario.role_arn(r)))
        .chain(scenario.policies.iter().map(|p| scenario.policy_arn(p)));
    let all = iam.chain(scenario.resources.iter().map(|r| r.arn(&scenario.account)));
    match arn_kind(resource) {
        Some(kind) => all.filter(|arn| arn_kind(arn) == Some(kind)).collect(),
        None => all
            .filter(|arn| arn_kind(arn).is_some_and(|(s, _)| s.eq_ignore_ascii_case(&service)))
            .collect(),
    }
}

/// What else `fix` takes away: every request of the fix's action (with the path request's
/// context) that the scenario allows and the fixed scenario does not, other than the path's own
/// requests. The principals asked are those whose requests read the edited policy (or the one
/// principal a Deny is added to); the resources, the path's and the scenario's own resources
/// of the same kind (the other roles, for a role). Each comes with the engine's decision before the fix, so with the
/// statements that allowed it.
pub fn access_removed(model: &Model<'_>, path: &FoundPath, fix: &Fix) -> Vec<DecidedRequest> {
    let scenario = model.scenario;
    let after = model.with_scenario(&fix.scenario);
    let principals: Vec<PrincipalRef> = match &fix.scope {
        Scope::Principal(p) => vec![PrincipalRef::from(p.clone())],
        Scope::Policy(source) => known_principals(scenario)
            .into_iter()
            .map(|(p, _)| p)
            .filter(|p| {
                model
                    .evaluate(p, &fix.action, &fix.resource, &fix.context)
                    .is_ok_and(|e| e.sources.contains(source))
            })
            .collect(),
    };
    let mut resources = vec![fix.resource.clone()];
    for r in resources_like(scenario, &fix.action, &fix.resource) {
        if !resources.contains(&r) {
            resources.push(r);
        }
    }
    let in_path = |p: &str, r: &str| {
        path.hops.iter().any(|h| {
            h.requests
                .iter()
                .chain(&h.after_edit)
                .any(|q| q.principal == p && q.action == fix.action && q.resource == r)
        })
    };
    let mut out = Vec::new();
    for principal in &principals {
        let name = String::from(principal.clone());
        for resource in &resources {
            if in_path(&name, resource) {
                continue;
            }
            let Some(before) = model.decided(principal, &fix.action, resource, &fix.context) else {
                continue;
            };
            if before.decision == Decision::Allowed
                && !after.allows(principal, &fix.action, resource, &fix.context)
            {
                out.push(before);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{InlinePolicy, User};

    #[test]
    fn a_deny_fix_never_replaces_an_inline_policy_of_the_same_name() {
        let mut s = Scenario::new("111122223333");
        let mut u = User::new("dev");
        for name in ["deny-escalation", "Deny-Escalation-2"] {
            u.inline_policies.push(InlinePolicy {
                name: name.into(),
                document: "{}".into(),
            });
        }
        s.users.push(u);
        let dev = IdentityRef::User("dev".into());
        assert_eq!(
            arn_kind("arn:aws:iam::111122223333:role/path/Admin"),
            Some(("iam", "role"))
        );
        assert_eq!(arn_kind("arn:aws:s3:::bucket"), Some(("s3", "")));
        assert_eq!(arn_kind("*"), None);
        assert_eq!(free_inline_name(&s, &dev), "deny-escalation-3");
        assert_eq!(
            free_inline_name(&s, &IdentityRef::Role("none".into())),
            "deny-escalation"
        );
    }

    #[test]
    fn dropping_an_action_keeps_the_rest_of_the_statement() {
        let text = r#"{"Statement":[{"Effect":"Allow","Action":["iam:PassRole","s3:GetObject"],"Resource":"*"}]}"#;
        let out = drop_action(text, 0, "iam:passrole").unwrap();
        assert!(out.contains("s3:GetObject") && !out.contains("PassRole"));
        // Not listed by name (a wildcard): no drop.
        let wild = r#"{"Statement":{"Effect":"Allow","Action":"iam:*","Resource":"*"}}"#;
        assert_eq!(drop_action(wild, 0, "iam:PassRole"), None);
    }
}
