//! The access matrix: principals × actions, each cell AWS's decision.
//!
//! A cell is the same decision [`evaluate_request`](super::simulate::evaluate_request) gives,
//! but computed in bulk: each principal's policies are compiled once (per kind of resource
//! policy the actions need) and only the request's action changes between cells, so a row
//! costs one [`eval::decide`] per action and no allocation. The tests check every cell against
//! `evaluate_request`.

use serde::Serialize;

use crate::catalog::{Catalog, ManagedPolicies};
use crate::eval::{self, CallerKind, Decision};
use crate::policy::{PolicyType, parse_policy};
use crate::root_tasks::{RootTask, root_only_tasks};

use super::simulate::{PreparedRequest, SimulationError, prepare_request};
use super::{ContextValue, PolicyRef, PrincipalRef, Scenario};

/// The principals a matrix lists by default: the root user, every user, every role.
pub fn matrix_principals(scenario: &Scenario) -> Vec<PrincipalRef> {
    let mut out = vec![PrincipalRef::Root];
    out.extend(
        scenario
            .users
            .iter()
            .map(|u| PrincipalRef::User(u.name.clone())),
    );
    out.extend(
        scenario
            .roles
            .iter()
            .map(|r| PrincipalRef::Role(r.name.clone())),
    );
    out
}

/// The actions the scenario mentions: first the actions of its saved tests, then the actions
/// its policies name literally (`Action` entries of every policy text, AWS-managed ones
/// included when `managed` is given), then what the policies' wildcards expand to with the catalog
/// (left out without it); each group in order of first mention, without duplicates. A bare
/// `*` is not expanded: it would list the whole catalog.
pub fn mentioned_actions(
    scenario: &Scenario,
    managed: Option<&ManagedPolicies>,
    catalog: Option<&Catalog>,
) -> Vec<String> {
    let mut texts: Vec<(&str, PolicyType)> = Vec::new();
    let mut refs: Vec<&PolicyRef> = Vec::new();
    for u in &scenario.users {
        texts.extend(
            u.inline_policies
                .iter()
                .map(|p| (p.document.as_str(), PolicyType::Identity)),
        );
        refs.extend(&u.managed_policies);
    }
    for g in &scenario.groups {
        texts.extend(
            g.inline_policies
                .iter()
                .map(|p| (p.document.as_str(), PolicyType::Identity)),
        );
        refs.extend(&g.managed_policies);
    }
    for r in &scenario.roles {
        texts.extend(
            r.inline_policies
                .iter()
                .map(|p| (p.document.as_str(), PolicyType::Identity)),
        );
        refs.extend(&r.managed_policies);
    }
    texts.extend(
        scenario
            .policies
            .iter()
            .map(|p| (p.document.as_str(), PolicyType::Identity)),
    );
    texts.extend(
        scenario
            .resources
            .iter()
            .filter_map(|r| r.policy.as_deref().map(|p| (p, PolicyType::Resource))),
    );
    if let Some(org) = &scenario.organization {
        for level in &org.levels {
            texts.extend(
                level
                    .scps
                    .iter()
                    .map(|p| (p.document.as_str(), PolicyType::Scp)),
            );
        }
    }
    if let Some(managed) = managed {
        for r in refs {
            if let PolicyRef::Aws(arn) = r
                && let Some(p) = managed.get(arn)
            {
                texts.push((p.document, PolicyType::Identity));
            }
        }
    }
    let mut out: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut add = |name: String, out: &mut Vec<String>| {
        if seen.insert(name.to_ascii_lowercase()) {
            out.push(name);
        }
    };
    let canonical = |name: &str| {
        catalog
            .and_then(|c| c.action(name))
            .map_or_else(|| name.to_string(), |a| a.full_name())
    };
    let mut wildcards: Vec<String> = Vec::new();
    for test in &scenario.tests {
        let action = test.action.trim();
        if action.contains(':') && !action.contains(['*', '?']) {
            add(canonical(action), &mut out);
        }
    }
    for (text, t) in texts {
        let parsed = parse_policy(text, t);
        for statement in &parsed.document.statements {
            let Some(action) = &statement.action else {
                continue;
            };
            if action.negated {
                continue;
            }
            for item in &action.items {
                let pattern = item.value.trim();
                if pattern == "*" || pattern == "*:*" {
                    continue;
                }
                if pattern.contains(['*', '?']) {
                    wildcards.push(pattern.to_string());
                } else if pattern.contains(':') {
                    add(canonical(pattern), &mut out);
                }
            }
        }
    }
    if let Some(c) = catalog {
        for pattern in wildcards {
            for a in c.expand(&pattern) {
                add(a.full_name(), &mut out);
            }
        }
    }
    out
}

/// The resource-policy context an action needs: role trust for `sts:AssumeRole*`, the key
/// policy for `kms:`, nothing otherwise (the same split the simulation glue makes).
fn preparation_class(action: &str) -> usize {
    let lower = action.get(..15).unwrap_or(action).to_ascii_lowercase();
    if lower.starts_with("sts:assumerole") {
        1
    } else if lower.starts_with("kms:") {
        2
    } else {
        0
    }
}

/// One principal's compiled policies, ready to decide any action on one resource.
#[derive(Debug)]
pub struct MatrixRowPlan {
    principal: PrincipalRef,
    resource: String,
    context: Vec<ContextValue>,
    prepared: [Option<PreparedRequest>; 3],
}

impl MatrixRowPlan {
    /// Plans the row of `principal` on `resource` with `context`; fails when the principal
    /// is unknown.
    pub fn new(
        scenario: &Scenario,
        managed: Option<&ManagedPolicies>,
        principal: &PrincipalRef,
        resource: &str,
        context: &[ContextValue],
    ) -> Result<MatrixRowPlan, SimulationError> {
        // Prepared once up front so an unknown principal fails here, not per cell.
        let first = prepare_request(
            scenario,
            managed,
            principal,
            "matrix:Plan",
            resource,
            context,
        )?;
        Ok(MatrixRowPlan {
            principal: principal.clone(),
            resource: resource.to_string(),
            context: context.to_vec(),
            prepared: [Some(first), None, None],
        })
    }

    /// Whether the principal is the account's root user (its row lists the root-only tasks
    /// as allowed).
    pub fn is_root(&self) -> bool {
        self.prepared
            .iter()
            .flatten()
            .next()
            .is_some_and(|p| p.request.caller.kind == CallerKind::Root)
    }

    /// Decides each action, appending to `out`.
    pub fn decide_into(
        &mut self,
        scenario: &Scenario,
        managed: Option<&ManagedPolicies>,
        actions: &[String],
        out: &mut Vec<Decision>,
    ) {
        for action in actions {
            let class = preparation_class(action);
            let Some(slot) = self.prepared.get_mut(class) else {
                out.push(Decision::ImplicitDeny);
                continue;
            };
            if slot.is_none() {
                *slot = prepare_request(
                    scenario,
                    managed,
                    &self.principal,
                    action,
                    &self.resource,
                    &self.context,
                )
                .ok();
            }
            match slot {
                Some(p) => {
                    p.request.action.clear();
                    p.request.action.push_str(action);
                    out.push(eval::decide(&p.set, &p.request));
                }
                None => out.push(Decision::ImplicitDeny),
            }
        }
    }

    /// The decision for each root-only task: allowed for the root user, refused to every
    /// other principal (see [`eval::evaluate_root_task`]).
    pub fn root_tasks(&self) -> Vec<Decision> {
        let caller = self
            .prepared
            .iter()
            .flatten()
            .next()
            .map(|p| &p.request.caller);
        root_only_tasks()
            .iter()
            .map(|t| {
                caller
                    .and_then(|c| eval::evaluate_root_task(c, t.id))
                    .map_or(Decision::ImplicitDeny, |e| e.decision)
            })
            .collect()
    }
}

/// A computed matrix.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessMatrix {
    /// The rows.
    pub principals: Vec<PrincipalRef>,
    /// The action columns.
    pub actions: Vec<String>,
    /// The root-only task columns, after the actions.
    pub root_tasks: Vec<RootTask>,
    /// Row-major decisions: `principals.len() × (actions.len() + root_tasks.len())`.
    pub cells: Vec<Decision>,
    /// Rows that could not be computed (an unknown principal), by row index, with why.
    pub errors: Vec<(usize, String)>,
}

impl AccessMatrix {
    /// The number of columns.
    pub fn width(&self) -> usize {
        self.actions.len() + self.root_tasks.len()
    }

    /// The decision of one cell.
    pub fn cell(&self, row: usize, column: usize) -> Option<Decision> {
        if column >= self.width() {
            return None;
        }
        self.cells.get(row * self.width() + column).copied()
    }

    /// How many cells have each decision: (allowed, explicit deny, implicit deny).
    pub fn counts(&self) -> (usize, usize, usize) {
        self.cells.iter().fold((0, 0, 0), |(a, e, i), d| match d {
            Decision::Allowed => (a + 1, e, i),
            Decision::ExplicitDeny => (a, e + 1, i),
            Decision::ImplicitDeny => (a, e, i + 1),
        })
    }
}

/// Computes the matrix of `principals` × `actions` on `resource` (`*` for "any resource"),
/// plus the root-only task columns when `with_root_tasks` is set.
pub fn compute_matrix(
    scenario: &Scenario,
    managed: Option<&ManagedPolicies>,
    principals: &[PrincipalRef],
    actions: &[String],
    resource: &str,
    with_root_tasks: bool,
) -> AccessMatrix {
    let root_tasks: Vec<RootTask> = if with_root_tasks {
        root_only_tasks().to_vec()
    } else {
        Vec::new()
    };
    let width = actions.len() + root_tasks.len();
    let mut cells = Vec::with_capacity(principals.len() * width);
    let mut errors = Vec::new();
    for (i, p) in principals.iter().enumerate() {
        match MatrixRowPlan::new(scenario, managed, p, resource, &[]) {
            Ok(mut plan) => {
                plan.decide_into(scenario, managed, actions, &mut cells);
                if with_root_tasks {
                    cells.extend(plan.root_tasks());
                }
            }
            Err(e) => {
                errors.push((i, e.message));
                cells.extend(std::iter::repeat_n(Decision::ImplicitDeny, width));
            }
        }
    }
    AccessMatrix {
        principals: principals.to_vec(),
        actions: actions.to_vec(),
        root_tasks,
        cells,
        errors,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::scenario::simulate::evaluate_request;

    fn catalog() -> Catalog {
        Catalog::parse(include_str!("../../../../static/data/iam-catalog.txt")).unwrap()
    }

    fn managed() -> ManagedPolicies {
        ManagedPolicies::parse(include_str!("../../../../static/data/managed-policies.txt"))
            .unwrap()
    }

    #[test]
    fn every_cell_matches_evaluate_request_on_every_example() {
        let catalog = catalog();
        let managed = managed();
        for entry in crate::scenario::gallery::gallery() {
            let s = &entry.scenario;
            let mut actions = mentioned_actions(s, None, Some(&catalog));
            actions.truncate(60);
            for extra in [
                "sts:AssumeRole",
                "kms:Decrypt",
                "iam:CreateUser",
                "s3:PutBucketPolicy",
            ] {
                actions.push(extra.to_string());
            }
            let principals = matrix_principals(s);
            for resource in ["*", "arn:aws:s3:::example/key"] {
                let m = compute_matrix(s, Some(&managed), &principals, &actions, resource, true);
                assert!(m.errors.is_empty());
                for (r, p) in principals.iter().enumerate() {
                    for (c, a) in actions.iter().enumerate() {
                        let want = evaluate_request(s, Some(&managed), p, a, resource, &[])
                            .unwrap()
                            .evaluation
                            .decision;
                        assert_eq!(
                            m.cell(r, c),
                            Some(want),
                            "{} {p:?} {a} {resource}",
                            entry.id
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn root_row_has_the_root_only_tasks_and_nobody_else_does() {
        let managed = managed();
        let entry = crate::scenario::gallery::gallery()
            .into_iter()
            .find(|e| e.id == "seed-admin-template")
            .unwrap();
        let s = &entry.scenario;
        let principals = matrix_principals(s);
        let m = compute_matrix(
            s,
            Some(&managed),
            &principals,
            &["iam:CreateUser".to_string()],
            "*",
            true,
        );
        let close = m
            .root_tasks
            .iter()
            .position(|t| t.id == "close-account")
            .unwrap()
            + 1;
        assert_eq!(principals[0], PrincipalRef::Root);
        assert_eq!(m.cell(0, close), Some(Decision::Allowed));
        assert_eq!(principals[1], PrincipalRef::User("admin".into()));
        // The admin may create users (AdministratorAccess) but never close the account.
        assert_eq!(m.cell(1, 0), Some(Decision::Allowed));
        assert_eq!(m.cell(1, close), Some(Decision::ImplicitDeny));
        let (a, e, i) = m.counts();
        assert_eq!(a + e + i, m.cells.len());
        assert_eq!(m.cell(0, m.width()), None);
    }

    #[test]
    fn unknown_principals_are_reported_not_panicked() {
        let s = Scenario::new("111122223333");
        let m = compute_matrix(
            &s,
            None,
            &[PrincipalRef::User("ghost".into()), PrincipalRef::Root],
            &["s3:GetObject".to_string()],
            "*",
            false,
        );
        assert_eq!(m.errors.len(), 1);
        assert_eq!(m.cell(1, 0), Some(Decision::Allowed));
    }

    #[test]
    fn mentioned_actions_expand_wildcards_once() {
        let catalog = catalog();
        let mut s = Scenario::new("111122223333");
        let mut u = crate::scenario::User::new("a");
        u.inline_policies.push(crate::scenario::InlinePolicy {
            name: "p".into(),
            document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:getobject","iam:GetUser*","s3:GetObject","*"],"Resource":"*"}]}"#.into(),
        });
        s.add_user(u).unwrap();
        s.add_test(crate::scenario::TestCase {
            label: "t".into(),
            principal: PrincipalRef::User("a".into()),
            action: "ec2:RunInstances".into(),
            resource: "*".into(),
            context: Vec::new(),
            expected: crate::scenario::ExpectedDecision::ImplicitDeny,
        })
        .unwrap();
        let a = mentioned_actions(&s, None, Some(&catalog));
        // The tests' actions first, then literal actions, then wildcard expansions.
        assert_eq!(a[0], "ec2:RunInstances");
        assert_eq!(a[1], "s3:GetObject");
        assert!(a.contains(&"iam:GetUserPolicy".to_string()));
        assert_eq!(a.iter().filter(|x| *x == "s3:GetObject").count(), 1);
        assert!(a.len() < 20);
        // Without the catalog, wildcards wait and literal actions stay as typed.
        assert_eq!(
            mentioned_actions(&s, None, None),
            vec!["ec2:RunInstances".to_string(), "s3:getobject".to_string()]
        );
    }
}
