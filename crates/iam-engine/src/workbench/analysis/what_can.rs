//! What can: one principal's effective permissions over the whole action catalog.
//!
//! For the root user, a user or a role's session, every action of the catalog is decided by
//! the engine on one resource (`*` or an ARN or pattern), with the context the user fixed:
//! - **allowed**: allowed whatever the context keys the request does not fix;
//! - **conditional**: the decision depends on context keys the request does not fix, with the
//!   condition in words (the same words as [`super::who_can`]);
//! - **removed by a guardrail**: the identity (or resource) policies allow it, but an SCP, an
//!   RCP or the permissions boundary refuses it, with the deciding guardrail statement.
//!
//! The answer is grouped by service and access level, and given as one synthesized policy
//! (see [`shrink_actions`]): the allowed actions (a `NotAction` is expanded, since each
//! catalog action is decided) with each service's list shrunk to wildcards that match exactly
//! the same actions of the catalog, never more.
//!
//! # Speed
//!
//! The principal's policies are compiled once per kind of resource policy the actions need
//! (as the access matrix does) and only the request's action changes. The catalog's actions
//! are the columns of an [`ActionReach`] ([`CatalogColumns`], made once per catalog and kept by
//! the caller), so the actions no statement can match and the plain identity-policy allows are
//! known from bitsets; only the others cost an [`eval::decide`]. A full evaluation (with
//! reasons) is made only for the actions a statement with a condition over an unset key may
//! match, and for those a guardrail removes.

use std::ops::Range;

use serde::Serialize;

use crate::catalog::{AccessLevel, Catalog};
use crate::eval::{self, ActionReach, ContextDependence, Decision, PolicySet, ReachSet};
use crate::policy::PolicyType;
use crate::scenario::{ContextValue, PrincipalRef};
use crate::workbench::answer::{DecidingStatement, deciding_statements};
use crate::workbench::matrix::preparation_class;
use crate::workbench::simulate::{PreparedRequest, SimulationError, prepare_request};

use super::Model;
use super::who_can::{condition_words, guardrail_words};

/// The catalog's actions as the columns of a what-can question, prepared once per catalog and
/// reused from question to question (it remembers what it learnt about the policies it saw).
#[derive(Debug)]
pub struct CatalogColumns {
    /// Every action's full name (`s3:GetObject`), grouped by service in the catalog's order.
    actions: Vec<String>,
    /// Each action's access level.
    levels: Vec<AccessLevel>,
    /// Each action's preparation class (see the access matrix).
    classes: Vec<usize>,
    /// Each service: its prefix, its name, its columns.
    services: Vec<(String, String, Range<usize>)>,
    /// Per service, its columns ordered by lower-case action name (for [`shrink_actions`]).
    sorted: Vec<Vec<usize>>,
    reach: ActionReach,
}

impl CatalogColumns {
    /// Every action of `catalog`.
    pub fn new(catalog: &Catalog) -> CatalogColumns {
        let mut actions = Vec::with_capacity(catalog.actions().len());
        let mut levels = Vec::with_capacity(catalog.actions().len());
        let mut services = Vec::new();
        let mut sorted = Vec::new();
        for service in catalog.services() {
            let start = actions.len();
            for a in service.actions() {
                actions.push(a.full_name());
                levels.push(a.access_level());
            }
            let range = start..actions.len();
            let mut order: Vec<usize> = range.clone().collect();
            order.sort_by_cached_key(|&i| actions.get(i).map(|a| a.to_ascii_lowercase()));
            order.dedup_by(|a, b| {
                let (x, y) = (actions.get(*a), actions.get(*b));
                x.is_some_and(|x| y.is_some_and(|y| x.eq_ignore_ascii_case(y)))
            });
            sorted.push(order);
            services.push((
                service.prefix().to_string(),
                service.name().to_string(),
                range,
            ));
        }
        CatalogColumns {
            classes: actions.iter().map(|a| preparation_class(a)).collect(),
            reach: ActionReach::new(&actions),
            actions,
            levels,
            services,
            sorted,
        }
    }

    /// The number of actions.
    pub fn len(&self) -> usize {
        self.actions.len()
    }

    /// Whether the catalog has no action.
    pub fn is_empty(&self) -> bool {
        self.actions.is_empty()
    }

    /// The actions, by column.
    pub fn actions(&self) -> &[String] {
        &self.actions
    }
}

/// The question: one principal, one resource, the context the user fixed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhatCanQuery {
    /// The principal: the root user, a user or a role (its session).
    pub principal: PrincipalRef,
    /// The resource ARN or pattern (`*` for any resource).
    pub resource: String,
    /// Context keys the user fixed.
    pub context: Vec<ContextValue>,
}

/// An action whose decision depends on context the request does not fix.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConditionalAction {
    /// The action.
    pub action: String,
    /// The condition in words ("depends on aws:MultiFactorAuthPresent: …").
    pub conditions: Vec<String>,
}

/// An action the identity or resource policies allow but a guardrail refuses.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RemovedAction {
    /// The action.
    pub action: String,
    /// What refuses it, in words ("denied by SCP: statement DenyIam of …", "not allowed by
    /// the permissions boundary: …").
    pub denied_by: Vec<String>,
    /// The deciding guardrail statements (none when a guardrail simply allows nothing).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deciding: Vec<DecidingStatement>,
}

/// One access level of a service: what is allowed, conditional, removed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LevelAccess {
    /// AWS's wording of the level ("List", "Permissions management", …).
    pub level: String,
    /// How many actions of the service have this level in the catalog.
    pub total: usize,
    /// The allowed actions.
    pub allowed: Vec<String>,
    /// The conditional actions.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conditional: Vec<ConditionalAction>,
    /// The actions a guardrail removes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<RemovedAction>,
}

/// One service with something allowed, conditional or removed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceAccess {
    /// The service prefix (`s3`).
    pub service: String,
    /// The service's name.
    pub name: String,
    /// How many actions the service has in the catalog.
    pub total: usize,
    /// How many are allowed.
    pub allowed: usize,
    /// How many are conditional.
    pub conditional: usize,
    /// How many a guardrail removes.
    pub removed: usize,
    /// By access level, in the catalog's order of levels (List, Read, Write, Permissions
    /// management, Tagging); levels with nothing to show are left out.
    pub levels: Vec<LevelAccess>,
}

/// The answer to a what-can question.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WhatCanAnswer {
    /// The principal, as a [`PrincipalRef`] string.
    pub principal: String,
    /// The resource asked about.
    pub resource: String,
    /// The context keys the user fixed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub context: Vec<ContextValue>,
    /// How many actions of the catalog were decided.
    pub actions_considered: usize,
    /// How many are allowed.
    pub allowed: usize,
    /// How many are conditional.
    pub conditional: usize,
    /// How many a guardrail removes.
    pub removed: usize,
    /// The services with something allowed, conditional or removed, in the catalog's order.
    pub services: Vec<ServiceAccess>,
    /// The synthesized policy: one identity policy that allows exactly the allowed actions
    /// (not the conditional ones) on the resource (see [`synthesized_policy`]).
    pub policy: serde_json::Value,
}

/// How one action is decided.
enum Outcome {
    Allowed,
    Conditional(Vec<String>),
    Removed(Vec<String>, Vec<DecidingStatement>),
    Refused,
}

/// One preparation class's compiled policies with what is known of them.
struct Slot {
    prepared: PreparedRequest,
    /// The same policies without the guardrails, when there are guardrails.
    unguarded: Option<(PolicySet, ReachSet)>,
    reach: ReachSet,
    /// The columns whose decision may depend on context the request does not fix.
    dependent: ContextDependence,
}

fn bit(bits: &[u64], column: usize) -> bool {
    bits.get(column / 64)
        .is_some_and(|w| w & (1u64 << (column % 64)) != 0)
}

impl Slot {
    fn new(prepared: PreparedRequest, reach: &mut ActionReach) -> Slot {
        let set = &prepared.set;
        let guarded = set.permissions_boundary.is_some()
            || !set.scp_levels.is_empty()
            || !set.rcp_levels.is_empty();
        let unguarded = guarded.then(|| {
            let mut bare = set.clone();
            bare.scp_levels.clear();
            bare.rcp_levels.clear();
            bare.permissions_boundary = None;
            let r = reach.reachable(&bare, &prepared.request);
            (bare, r)
        });
        Slot {
            reach: reach.reachable(set, &prepared.request),
            dependent: reach.context_dependent(set, &prepared.request),
            unguarded,
            prepared,
        }
    }

    fn outcome(&mut self, model: &Model<'_>, column: usize, action: &str) -> Outcome {
        let p = &mut self.prepared;
        p.request.action.clear();
        p.request.action.push_str(action);
        let decision = self
            .reach
            .known_decision(column)
            .unwrap_or_else(|| eval::decide(&p.set, &p.request));
        let allowed = decision == Decision::Allowed;
        let d = &self.dependent;
        // An allowed request depends on unset context when a conditional Deny may match it,
        // or when its allow may come from a conditional Allow only; a refused one when any
        // conditional statement may match it.
        let dependent = if allowed {
            bit(&d.deny, column) || (bit(&d.allow, column) && !bit(&d.firm_allow, column))
        } else {
            bit(&d.deny, column) || bit(&d.allow, column)
        };
        if allowed && !dependent {
            return Outcome::Allowed;
        }
        let mut full = None;
        if dependent {
            let result = p.evaluate_ref();
            let conditions = condition_words(model, &result, allowed);
            if allowed {
                return if conditions.is_empty() {
                    Outcome::Allowed
                } else {
                    Outcome::Conditional(conditions)
                };
            }
            if !conditions.is_empty() && result.evaluation.decision == Decision::ImplicitDeny {
                return Outcome::Conditional(conditions);
            }
            full = Some(result);
        }
        let Some((bare, reach)) = &self.unguarded else {
            return Outcome::Refused;
        };
        let unguarded = reach
            .known_decision(column)
            .unwrap_or_else(|| eval::decide(bare, &p.request));
        if unguarded != Decision::Allowed {
            return Outcome::Refused;
        }
        let result = full.unwrap_or_else(|| p.evaluate_ref());
        // Refused only by guardrail Deny statements whose conditions read unset keys (an SCP
        // that denies outside approved Regions while aws:RequestedRegion is unset): allowed
        // once the request sets those keys to pass, so conditional.
        let evaluation = &result.evaluation;
        if evaluation.decision == Decision::ExplicitDeny
            && !evaluation.missing_context_keys.is_empty()
            && !evaluation.matched_statements.is_empty()
            && evaluation.matched_statements.iter().all(|s| {
                s.effect == crate::policy::Effect::Deny
                    && eval::statement_reads_unset_key(&p.set, &p.request, s)
            })
        {
            let keys = evaluation.missing_context_keys.join(", ");
            let conditions = deciding_statements(&result)
                .iter()
                .map(|d| {
                    format!(
                        "depends on {keys}: refused by {} while the request does not set it",
                        super::statement_words(model.scenario, d)
                    )
                })
                .collect();
            return Outcome::Conditional(conditions);
        }
        let deciding = deciding_statements(&result)
            .into_iter()
            .filter(|d| {
                matches!(
                    d.source.policy_type(),
                    PolicyType::Scp | PolicyType::Rcp | PolicyType::PermissionsBoundary
                )
            })
            .collect();
        Outcome::Removed(guardrail_words(model, &result), deciding)
    }
}

/// The principals what-can answers for, as the request panel's choices name and word them:
/// the root user, the users and the roles (a linear pass; asking [`resolve_principal`] of
/// every choice looked each name up in the whole list again).
pub fn principal_choices(
    scenario: &crate::scenario::Scenario,
) -> Vec<crate::workbench::request::PrincipalChoice> {
    crate::workbench::request::principal_choices(scenario, "")
        .into_iter()
        .filter(|c| {
            c.value == "root" || c.value.starts_with("user/") || c.value.starts_with("role/")
        })
        .collect()
}

/// The principal `text` names in the scenario: `root`, `user/NAME`, `role/NAME`, the ARN of
/// the root user, a user or a role, a role session's ARN
/// (`arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION`), the account id, or a bare user name
/// (then a role name).
pub fn resolve_principal(
    scenario: &crate::scenario::Scenario,
    text: &str,
) -> Result<PrincipalRef, SimulationError> {
    let text = text.trim();
    let s = scenario;
    let found = if text == "root" || text == s.root_arn() || text == s.account.id {
        Some(PrincipalRef::Root)
    } else if let Some(name) = text.strip_prefix("user/") {
        s.user(name).map(|u| PrincipalRef::User(u.name.clone()))
    } else if let Some(name) = text.strip_prefix("role/") {
        s.role(name).map(|r| PrincipalRef::Role(r.name.clone()))
    } else if let Some(u) = s.users.iter().find(|u| s.user_arn(u) == text) {
        Some(PrincipalRef::User(u.name.clone()))
    } else if let Some(r) = s.roles.iter().find(|r| s.role_arn(r) == text) {
        Some(PrincipalRef::Role(r.name.clone()))
    } else if let Some(rest) =
        text.strip_prefix(&format!("arn:aws:sts::{}:assumed-role/", s.account.id))
    {
        let name = rest.split('/').next().unwrap_or(rest);
        s.role(name).map(|r| PrincipalRef::Role(r.name.clone()))
    } else if let Some(u) = s.user(text) {
        Some(PrincipalRef::User(u.name.clone()))
    } else {
        s.role(text).map(|r| PrincipalRef::Role(r.name.clone()))
    };
    found.ok_or_else(|| SimulationError {
        code: "unknown-principal",
        message: format!(
            "{text} is not the root user, a user or a role of the scenario's account {}.",
            s.account.id
        ),
    })
}

/// Answers the question over the scenario, deciding every action of `columns`; fails when the
/// principal is not one the scenario can simulate.
pub fn what_can(
    model: &Model<'_>,
    columns: &mut CatalogColumns,
    query: &WhatCanQuery,
) -> Result<WhatCanAnswer, SimulationError> {
    let resource = query.resource.trim();
    let prepare = |action: &str| {
        prepare_request(
            model.scenario,
            model.managed,
            model.cache,
            &query.principal,
            action,
            resource,
            &query.context,
        )
    };
    // Prepared up front so that an unknown principal fails here.
    let first = prepare("whatcan:Plan")?;
    let mut slots: [Option<Slot>; 3] = [Some(Slot::new(first, &mut columns.reach)), None, None];
    let mut outcomes = Vec::with_capacity(columns.len());
    for (column, (action, &class)) in columns.actions.iter().zip(&columns.classes).enumerate() {
        let Some(slot) = slots.get_mut(class) else {
            outcomes.push(Outcome::Refused);
            continue;
        };
        if slot.is_none() {
            *slot = prepare(action)
                .ok()
                .map(|p| Slot::new(p, &mut columns.reach));
        }
        outcomes.push(match slot {
            Some(s) => s.outcome(model, column, action),
            None => Outcome::Refused,
        });
    }
    let allowed_flags: Vec<bool> = outcomes
        .iter()
        .map(|o| matches!(o, Outcome::Allowed))
        .collect();
    let policy = synthesized_policy(columns, &allowed_flags, resource);
    let mut answer = WhatCanAnswer {
        principal: String::from(query.principal.clone()),
        resource: resource.to_string(),
        context: query.context.clone(),
        actions_considered: columns.len(),
        allowed: 0,
        conditional: 0,
        removed: 0,
        services: Vec::new(),
        policy,
    };
    let mut outcomes = outcomes.into_iter();
    for (prefix, name, range) in &columns.services {
        let mut service = ServiceAccess {
            service: prefix.clone(),
            name: name.clone(),
            total: range.len(),
            allowed: 0,
            conditional: 0,
            removed: 0,
            levels: Vec::new(),
        };
        let mut levels: Vec<(AccessLevel, LevelAccess)> = Vec::new();
        for column in range.clone() {
            let (Some(outcome), Some(action), Some(&level)) = (
                outcomes.next(),
                columns.actions.get(column),
                columns.levels.get(column),
            ) else {
                continue;
            };
            let at = match levels.iter().position(|(l, _)| *l == level) {
                Some(at) => at,
                None => {
                    levels.push((
                        level,
                        LevelAccess {
                            level: level.as_str().to_string(),
                            total: 0,
                            allowed: Vec::new(),
                            conditional: Vec::new(),
                            removed: Vec::new(),
                        },
                    ));
                    levels.len() - 1
                }
            };
            let Some((_, entry)) = levels.get_mut(at) else {
                continue;
            };
            entry.total += 1;
            match outcome {
                Outcome::Allowed => {
                    service.allowed += 1;
                    entry.allowed.push(action.clone());
                }
                Outcome::Conditional(conditions) => {
                    service.conditional += 1;
                    entry.conditional.push(ConditionalAction {
                        action: action.clone(),
                        conditions,
                    });
                }
                Outcome::Removed(denied_by, deciding) => {
                    service.removed += 1;
                    entry.removed.push(RemovedAction {
                        action: action.clone(),
                        denied_by,
                        deciding,
                    });
                }
                Outcome::Refused => {}
            }
        }
        if service.allowed + service.conditional + service.removed == 0 {
            continue;
        }
        levels.sort_by_key(|(l, _)| *l);
        service.levels = levels
            .into_iter()
            .map(|(_, l)| l)
            .filter(|l| !l.allowed.is_empty() || !l.conditional.is_empty() || !l.removed.is_empty())
            .collect();
        answer.allowed += service.allowed;
        answer.conditional += service.conditional;
        answer.removed += service.removed;
        answer.services.push(service);
    }
    Ok(answer)
}

/// The action patterns that match exactly the flagged actions of the catalog (`allowed` is
/// indexed by column): `*` when every action is flagged, `service:*` for a service whose every
/// action is, and otherwise each service's flagged actions shrunk by [`shrink_service`]. In
/// the catalog's order of services.
pub fn shrink_actions(columns: &CatalogColumns, allowed: &[bool]) -> Vec<String> {
    let flagged = |i: usize| allowed.get(i).copied().unwrap_or(false);
    if !columns.is_empty() && (0..columns.len()).all(flagged) {
        return vec!["*".to_string()];
    }
    let mut out = Vec::new();
    for ((prefix, _, _), order) in columns.services.iter().zip(&columns.sorted) {
        let names: Vec<&str> = order
            .iter()
            .filter_map(|&i| columns.actions.get(i))
            .map(|a| a.split_once(':').map_or(a.as_str(), |(_, n)| n))
            .collect();
        let flags: Vec<bool> = order.iter().map(|&i| flagged(i)).collect();
        out.extend(
            shrink_service(&names, &flags)
                .into_iter()
                .map(|p| format!("{prefix}:{p}")),
        );
    }
    out
}

/// The patterns (`*`, `Get*`, `GetObject`) that match exactly the flagged names among `names`
/// (one service's action names without the prefix, sorted case-insensitively and without
/// case-insensitive duplicates), comparing as IAM does: case-insensitively, `*` matching any
/// run of characters. Greedy over the sorted names: a run of names sharing a prefix that are
/// all flagged becomes `prefix*` (`*` for the whole service); a run with some flagged is
/// split by the character after the run's longest common prefix. Each name is looked at
/// once per character of its own, so the work is linear in the names' total length.
pub fn shrink_service(names: &[&str], allowed: &[bool]) -> Vec<String> {
    let lower: Vec<Vec<u8>> = names
        .iter()
        .map(|n| n.to_ascii_lowercase().into_bytes())
        .collect();
    // prefix[i] = how many of the first i names are flagged.
    let mut prefix = Vec::with_capacity(names.len() + 1);
    prefix.push(0usize);
    for i in 0..names.len() {
        let last = prefix.last().copied().unwrap_or(0);
        prefix.push(last + usize::from(allowed.get(i).copied().unwrap_or(false)));
    }
    let all = names.len();
    if all > 0 && prefix.last().copied() == Some(all) {
        return vec!["*".to_string()];
    }
    // An explicit stack of (range, known common prefix length) rather than recursion.
    let mut stack = vec![(0usize, all, 0usize)];
    let mut found: Vec<(usize, String)> = Vec::new();
    while let Some((lo, hi, depth)) = stack.pop() {
        let flagged = prefix.get(hi).copied().unwrap_or(0) - prefix.get(lo).copied().unwrap_or(0);
        if flagged == 0 {
            continue;
        }
        let (Some(first), Some(last)) = (lower.get(lo), lower.get(hi - 1)) else {
            continue;
        };
        // Sorted, so the range's common prefix is that of its first and last names.
        let lcp = depth
            + first
                .iter()
                .skip(depth)
                .zip(last.iter().skip(depth))
                .take_while(|(a, b)| a == b)
                .count();
        if flagged == hi - lo {
            let name = names.get(lo).copied().unwrap_or("");
            let pattern = if hi - lo == 1 {
                name.to_string()
            } else {
                format!("{}*", name.get(..lcp).unwrap_or(name))
            };
            found.push((lo, pattern));
            continue;
        }
        let mut i = lo;
        if first.len() == lcp {
            // The name that is the prefix itself sorts first; the others are longer.
            if allowed.get(lo).copied().unwrap_or(false) {
                found.push((lo, names.get(lo).copied().unwrap_or("").to_string()));
            }
            i += 1;
        }
        while i < hi {
            let c = lower.get(i).and_then(|n| n.get(lcp)).copied();
            let mut j = i + 1;
            while j < hi && lower.get(j).and_then(|n| n.get(lcp)).copied() == c {
                j += 1;
            }
            stack.push((i, j, lcp + 1));
            i = j;
        }
    }
    found.sort_by_key(|(at, _)| *at);
    found.into_iter().map(|(_, p)| p).collect()
}

/// One identity policy that allows exactly the flagged actions of the catalog on `resource`:
/// one Allow statement whose Action list is [`shrink_actions`]; with nothing flagged, no
/// statement at all.
pub fn synthesized_policy(
    columns: &CatalogColumns,
    allowed: &[bool],
    resource: &str,
) -> serde_json::Value {
    let actions = shrink_actions(columns, allowed);
    let statements = if actions.is_empty() {
        Vec::new()
    } else {
        let action = match actions.as_slice() {
            [one] => serde_json::Value::String(one.clone()),
            _ => serde_json::Value::from(actions),
        };
        vec![serde_json::json!({
            "Sid": "EffectivePermissions",
            "Effect": "Allow",
            "Action": action,
            "Resource": if resource.is_empty() { "*" } else { resource },
        })]
    };
    serde_json::json!({"Version": "2012-10-17", "Statement": statements})
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn a_service_is_shrunk_to_exact_wildcards() {
        let names = [
            "DeleteBucket",
            "DeleteObject",
            "GetObject",
            "GetObjectAcl",
            "GetObjectTagging",
            "ListBucket",
            "PutObject",
        ];
        let pick = |flags: [bool; 7]| shrink_service(&names, &flags);
        assert_eq!(pick([true; 7]), vec!["*"]);
        assert!(pick([false; 7]).is_empty());
        assert_eq!(
            pick([false, false, true, true, true, false, false]),
            vec!["GetObject*"],
            "the run's longest common prefix"
        );
        // GetObject is a prefix of GetObjectAcl: "GetObject*" would also match GetObjectAcl.
        assert_eq!(
            pick([false, false, true, false, true, false, false]),
            vec!["GetObject", "GetObjectTagging"]
        );
        assert_eq!(
            pick([true, true, false, false, false, true, false]),
            vec!["Delete*", "ListBucket"]
        );
    }
}
