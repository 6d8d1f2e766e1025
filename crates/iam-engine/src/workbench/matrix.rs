//! The access matrix: principals × actions, each cell AWS's decision.
//!
//! A cell is the same decision [`evaluate_request`](super::simulate::evaluate_request) gives,
//! but computed in bulk: each principal's policies are compiled once (per kind of resource
//! policy the actions need) and only the request's action changes between cells. Most cells
//! need no evaluation at all: the columns are matched once against each distinct policy's
//! Action elements ([`ActionReach`]), which tells per row which actions no statement can match
//! (an implicit deny for everyone but the root user) and which an identity-based Allow surely
//! grants; only the other cells cost an [`eval::decide`]. The tests check every cell against
//! deciding each request in full and against `evaluate_request`.
//!
//! # Conditional cells
//!
//! A cell's request carries only what AWS derives from the principal and the resource, so a
//! condition over any other key (MFA, source address, Region, time, endpoint, organization
//! id) reads a key the request leaves open, as [`super::conditional`] calls it. When the
//! decision flips between allowed and refused across the regions of those keys, the cell is
//! **conditional** ([`ConditionalCells`]), with the sentence "Allowed if …; otherwise …". Only
//! cells that a statement with a condition over an open key may match are checked
//! ([`eval::OpenStatement`]): per row, the statements are found once and matched against the
//! columns as bitsets; a row with none costs nothing more. The check decides every
//! combination of the regions of the keys the matching statements read (at most
//! [`super::conditional::MAX_COMBINATIONS`]).

use std::collections::HashMap;

use serde::Serialize;

use crate::catalog::{Catalog, ManagedPolicies};
use crate::context::ContextEntry;
use crate::eval::{self, ActionReach, CallerKind, Decision, ReachSet};
use crate::policy::{PolicyType, parse_policy};
use crate::root_tasks::{RootTask, root_only_tasks};

use super::cache::CompileCache;
use super::conditional::{
    ConditionalAnswer, KeyColumn, combinations, key_columns_from, table_from,
};
use super::simulate::{PreparedRequest, SimulationError, prepare_request};
use crate::scenario::{ContextValue, PolicyRef, PrincipalRef, Scenario};

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
    mentioned_actions_cached(scenario, managed, catalog, &MentionCache::default())
}

/// [`mentioned_actions`], with what each policy text mentions, and what each wildcard expands
/// to, remembered in `cache` from one call to the next: after an edit only the texts that
/// changed are read again (the Simulator's matrix asks again after each pause in typing, over
/// thousands of texts in a real account). The answer is the same as without the cache.
pub fn mentioned_actions_cached(
    scenario: &Scenario,
    managed: Option<&ManagedPolicies>,
    catalog: Option<&Catalog>,
    cache: &MentionCache,
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
            .filter_map(|r| r.policy.as_deref().map(|p| (p, r.kind.policy_type()))),
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
        // An AWS-managed policy attached to hundreds of principals is read once.
        let mut attached = std::collections::HashSet::new();
        for r in refs {
            if let PolicyRef::Aws(arn) = r
                && attached.insert(arn.as_str())
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
    // Each distinct wildcard once, in order of first mention (the same pattern recurs in
    // many policies of a real account).
    let mut wildcards: Vec<String> = Vec::new();
    let mut wildcards_seen = std::collections::HashSet::new();
    // The same text (a policy copied to many roles) is read once.
    let mut texts_seen = std::collections::HashSet::new();
    for test in &scenario.tests {
        let action = test.action.trim();
        if action.contains(':') && !action.contains(['*', '?']) {
            add(canonical(action), &mut out);
        }
    }
    let mut cache = cache.inner.borrow_mut();
    cache.begin(catalog);
    for (text, t) in texts {
        if !texts_seen.insert((text, t)) {
            continue;
        }
        let key = (t, text.to_string());
        let mentions = cache.texts.get_or_insert(key, || {
            let mut literal = Vec::new();
            let mut patterns = Vec::new();
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
                        patterns.push(pattern.to_string());
                    } else if pattern.contains(':') {
                        literal.push(canonical(pattern));
                    }
                }
            }
            std::rc::Rc::new((literal, patterns))
        });
        for name in &mentions.0 {
            add(name.clone(), &mut out);
        }
        for pattern in &mentions.1 {
            if wildcards_seen.insert(pattern.to_ascii_lowercase()) {
                wildcards.push(pattern.clone());
            }
        }
    }
    if let Some(c) = catalog {
        for pattern in wildcards {
            let key = pattern.to_ascii_lowercase();
            let expanded = cache.expansions.get_or_insert(key, || {
                std::rc::Rc::new(c.expand(&pattern).iter().map(|a| a.full_name()).collect())
            });
            for name in expanded.iter() {
                add(name.clone(), &mut out);
            }
        }
    }
    cache.end();
    out
}

/// What [`mentioned_actions_cached`] remembers: per policy text, the literal actions it names
/// (canonical names) and its wildcards; per wildcard, what the catalog expands it to. It keeps
/// the entries of the last call only (those a call did not use are dropped at its end), and a
/// change of catalog empties it.
#[derive(Debug, Default)]
pub struct MentionCache {
    inner: std::cell::RefCell<MentionEntries>,
}

/// What a text mentions: its literal actions and its wildcard patterns.
type TextMentions = std::rc::Rc<(Vec<String>, Vec<String>)>;

#[derive(Debug, Default)]
struct MentionEntries {
    /// The catalog the entries were made with (its address), if any.
    catalog: Option<usize>,
    texts: Generations<(crate::policy::PolicyType, String), TextMentions>,
    expansions: Generations<String, std::rc::Rc<Vec<String>>>,
}

impl MentionEntries {
    fn begin(&mut self, catalog: Option<&Catalog>) {
        let address = catalog.map(|c| std::ptr::from_ref(c) as usize);
        if address != self.catalog {
            *self = MentionEntries {
                catalog: address,
                ..MentionEntries::default()
            };
        }
        self.texts.begin();
        self.expansions.begin();
    }

    fn end(&mut self) {
        self.texts.end();
        self.expansions.end();
    }
}

/// Entries kept from one call to the next: those the call under way used, and those of the
/// call before it has not used yet (dropped when it ends).
#[derive(Debug)]
struct Generations<K, V> {
    current: HashMap<K, V>,
    previous: HashMap<K, V>,
}

impl<K, V> Default for Generations<K, V> {
    fn default() -> Self {
        Generations {
            current: HashMap::new(),
            previous: HashMap::new(),
        }
    }
}

impl<K: std::hash::Hash + Eq, V: Clone> Generations<K, V> {
    fn begin(&mut self) {
        let current = std::mem::take(&mut self.current);
        self.previous.extend(current);
    }

    fn end(&mut self) {
        self.previous.clear();
    }

    fn get_or_insert(&mut self, key: K, make: impl FnOnce() -> V) -> V {
        if let Some(v) = self.current.get(&key) {
            return v.clone();
        }
        let v = self.previous.remove(&key).unwrap_or_else(make);
        self.current.insert(key, v.clone());
        v
    }
}

/// The resource-policy context an action needs: role trust for `sts:AssumeRole*`, the key
/// policy for `kms:`, nothing otherwise (the same split the simulation glue makes).
pub(crate) fn preparation_class(action: &str) -> usize {
    let starts_with = |prefix: &str| {
        action
            .get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
    };
    if starts_with("sts:assumerole") {
        1
    } else if starts_with("kms:") {
        2
    } else {
        0
    }
}

/// The columns of a matrix, prepared once for all its rows: each action's preparation class
/// and the index that tells, per row, which actions no statement can match (see
/// [`ActionReach`]).
#[derive(Debug)]
pub struct MatrixColumns {
    classes: Vec<usize>,
    reach: ActionReach,
}

impl MatrixColumns {
    /// Prepares `actions`, the matrix's action columns in order.
    pub fn new(actions: &[String]) -> MatrixColumns {
        MatrixColumns {
            classes: actions.iter().map(|a| preparation_class(a)).collect(),
            reach: ActionReach::new(actions),
        }
    }
}

/// One principal's compiled policies, ready to decide any action on one resource.
#[derive(Debug)]
pub struct MatrixRowPlan {
    principal: PrincipalRef,
    resource: String,
    context: Vec<ContextValue>,
    prepared: [Option<PreparedRequest>; 3],
    /// Per prepared slot, the actions its policies may match (filled by
    /// [`MatrixRowPlan::decide_columns`]).
    reach: [Option<ReachSet>; 3],
}

impl MatrixRowPlan {
    /// Plans the row of `principal` on `resource` with `context`; fails when the principal
    /// is unknown.
    pub fn new(
        scenario: &Scenario,
        managed: Option<&ManagedPolicies>,
        cache: &CompileCache,
        principal: &PrincipalRef,
        resource: &str,
        context: &[ContextValue],
    ) -> Result<MatrixRowPlan, SimulationError> {
        // Prepared once up front so an unknown principal fails here, not per cell.
        let first = prepare_request(
            scenario,
            managed,
            cache,
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
            reach: [None, None, None],
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

    /// Decides each action, appending to `out`. For a few actions; a whole matrix row is
    /// quicker with [`MatrixRowPlan::decide_columns`].
    pub fn decide_into(
        &mut self,
        scenario: &Scenario,
        managed: Option<&ManagedPolicies>,
        cache: &CompileCache,
        actions: &[String],
        out: &mut Vec<Decision>,
    ) {
        for action in actions {
            let class = preparation_class(action);
            let decision = match self.slot(scenario, managed, cache, class, action) {
                Some(p) => {
                    p.request.action.clear();
                    p.request.action.push_str(action);
                    eval::decide(&p.set, &p.request)
                }
                None => Decision::ImplicitDeny,
            };
            out.push(decision);
        }
    }

    /// Decides each action of `columns` (which must be made from `actions`), appending to
    /// `out`. Cells whose decision is known from what the principal's policies can match are
    /// filled without evaluating (see [`ReachSet::known_decision`]); the others with
    /// [`eval::decide`], so every cell is what [`MatrixRowPlan::decide_into`] gives.
    pub fn decide_columns(
        &mut self,
        scenario: &Scenario,
        managed: Option<&ManagedPolicies>,
        cache: &CompileCache,
        actions: &[String],
        columns: &mut MatrixColumns,
        out: &mut Vec<Decision>,
    ) {
        for (column, (action, &class)) in actions.iter().zip(&columns.classes).enumerate() {
            if self.slot(scenario, managed, cache, class, action).is_none() {
                out.push(Decision::ImplicitDeny);
                continue;
            }
            let (Some(Some(p)), Some(reach)) =
                (self.prepared.get_mut(class), self.reach.get_mut(class))
            else {
                out.push(Decision::ImplicitDeny);
                continue;
            };
            let reach = reach.get_or_insert_with(|| columns.reach.reachable(&p.set, &p.request));
            let decision = match reach.known_decision(column) {
                Some(known) => known,
                None => {
                    p.request.action.clear();
                    p.request.action.push_str(action);
                    eval::decide(&p.set, &p.request)
                }
            };
            out.push(decision);
        }
    }

    /// Adds the cells of this row (row `row` of the matrix) that are conditional (see the
    /// module docs) to `into`, after [`MatrixRowPlan::decide_columns`] decided the row into
    /// `decisions` with the same `actions` and `columns`. Only columns a statement with a
    /// condition over an open key may match are checked, and of those not the ones no
    /// identity or resource policy statement can match at all (never allowed, whatever the
    /// keys). A cell's combinations are decided on the prepared request, each with a context
    /// made once per row (its decision with every key absent is `decisions`' already), and
    /// equal tables share their sentence.
    pub fn conditional_cells(
        &mut self,
        actions: &[String],
        columns: &mut MatrixColumns,
        decisions: &[Decision],
        row: usize,
        into: &mut ConditionalCells,
    ) {
        /// The combinations of one set of keys, each with its request context, and the
        /// sentence (an index into `into`) per table of decisions.
        struct Picked {
            keys: Vec<usize>,
            combos: Vec<Vec<Option<usize>>>,
            contexts: Vec<crate::context::RequestContext>,
            exact: bool,
            sentences: HashMap<Vec<Decision>, usize>,
        }
        let mut found: Vec<(usize, usize)> = Vec::new();
        for (class, slot) in self.prepared.iter_mut().enumerate() {
            let Some(p) = slot.as_mut() else {
                continue;
            };
            let open = columns.reach.open_statements(&p.set, &p.request);
            if open.is_empty() {
                continue;
            }
            // What the identity and resource policies may match without the guardrails and the
            // VPC endpoint policy (which grant nothing): an action none of their statements
            // names is never allowed.
            let set = &p.set;
            let bare = (set.permissions_boundary.is_some()
                || !set.scp_levels.is_empty()
                || !set.rcp_levels.is_empty()
                || set.vpc_endpoint.is_some())
            .then(|| {
                let mut bare = set.clone();
                bare.scp_levels.clear();
                bare.rcp_levels.clear();
                bare.permissions_boundary = None;
                bare.vpc_endpoint = None;
                columns.reach.reachable(&bare, &p.request)
            });
            // The regions of every open key of the row, cut once by all the open conditions;
            // per open statement, the keys it reads as indexes.
            let mut keys: Vec<String> = Vec::new();
            for k in open.iter().flat_map(|o| &o.keys) {
                if !keys.iter().any(|x| x.eq_ignore_ascii_case(k)) {
                    keys.push(k.clone());
                }
            }
            let entries: Vec<(&str, &str, &[String])> = open
                .iter()
                .flat_map(|o| &o.conditions)
                .map(|c| (c.key(), c.operator_text(), c.values()))
                .collect();
            let row_columns: Vec<KeyColumn> = key_columns_from(&keys, entries);
            let reads: Vec<Vec<usize>> = open
                .iter()
                .map(|o| {
                    row_columns
                        .iter()
                        .enumerate()
                        .filter(|(_, k)| o.keys.iter().any(|x| x.eq_ignore_ascii_case(&k.key)))
                        .map(|(i, _)| i)
                        .collect()
                })
                .collect();
            let mut picks: Vec<Picked> = Vec::new();
            let mut picked: Vec<usize> = Vec::new();
            let mut decided: Vec<Decision> = Vec::new();
            for (column, (action, &c)) in actions.iter().zip(&columns.classes).enumerate() {
                if c != class
                    || bare
                        .as_ref()
                        .is_some_and(|b| b.known_decision(column) == Some(Decision::ImplicitDeny))
                {
                    continue;
                }
                picked.clear();
                for (o, r) in open.iter().zip(&reads) {
                    if o.may_match(column) {
                        picked.extend(r);
                    }
                }
                if picked.is_empty() {
                    continue;
                }
                picked.sort_unstable();
                picked.dedup();
                let at = match picks.iter().position(|x| x.keys == picked) {
                    Some(at) => at,
                    None => {
                        let cols: Vec<KeyColumn> = picked
                            .iter()
                            .filter_map(|i| row_columns.get(*i).cloned())
                            .collect();
                        let (combos, exact) = combinations(&cols);
                        let contexts = combos
                            .iter()
                            .map(|combo| {
                                let mut ctx = p.request.context.clone();
                                for (k, o) in cols.iter().zip(combo) {
                                    if let Some(v) =
                                        o.and_then(|o| k.options.get(o)?.value.as_ref())
                                    {
                                        ctx.insert(ContextEntry::new(
                                            v.key.clone(),
                                            v.ty,
                                            v.values.iter().cloned(),
                                        ));
                                    }
                                }
                                ctx
                            })
                            .collect();
                        picks.push(Picked {
                            keys: picked.clone(),
                            combos,
                            contexts,
                            exact,
                            sentences: HashMap::new(),
                        });
                        picks.len() - 1
                    }
                };
                let Some(pick) = picks.get_mut(at) else {
                    continue;
                };
                p.request.action.clear();
                p.request.action.push_str(action);
                decided.clear();
                for (n, ctx) in pick.contexts.iter_mut().enumerate() {
                    // The first combination has every key absent: the cell's own decision.
                    if n == 0
                        && pick.exact
                        && let Some(d) = decisions.get(column)
                    {
                        decided.push(*d);
                        continue;
                    }
                    std::mem::swap(&mut p.request.context, ctx);
                    decided.push(eval::decide(&p.set, &p.request));
                    std::mem::swap(&mut p.request.context, ctx);
                }
                let allowed = decided.contains(&Decision::Allowed);
                let refused = decided.iter().any(|d| *d != Decision::Allowed);
                if !(allowed && refused) {
                    continue;
                }
                let sentence = match pick.sentences.get(decided.as_slice()) {
                    Some(i) => *i,
                    None => {
                        let cols: Vec<KeyColumn> = pick
                            .keys
                            .iter()
                            .filter_map(|i| row_columns.get(*i).cloned())
                            .collect();
                        let table =
                            table_from(cols, pick.combos.clone(), decided.clone(), pick.exact);
                        let i = into.sentence(ConditionalAnswer::new(table).sentence);
                        pick.sentences.insert(decided.clone(), i);
                        i
                    }
                };
                found.push((column, sentence));
            }
        }
        found.sort_unstable();
        for (column, sentence) in found {
            into.cells.push((row, column, sentence));
        }
    }

    /// The prepared request of a preparation class, preparing it on first use with `action`
    /// (any action of the class gives the same policies); `None` when it cannot be prepared.
    fn slot(
        &mut self,
        scenario: &Scenario,
        managed: Option<&ManagedPolicies>,
        cache: &CompileCache,
        class: usize,
        action: &str,
    ) -> Option<&mut PreparedRequest> {
        let slot = self.prepared.get_mut(class)?;
        if slot.is_none() {
            *slot = prepare_request(
                scenario,
                managed,
                cache,
                &self.principal,
                action,
                &self.resource,
                &self.context,
            )
            .ok();
        }
        slot.as_mut()
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
    /// Row-major decisions: `principals.len() × (actions.len() + root_tasks.len())`; for a
    /// conditional cell, the decision with the open keys absent.
    pub cells: Vec<Decision>,
    /// The cells whose decision depends on context keys the request leaves open.
    pub conditional: ConditionalCells,
    /// Rows that could not be computed (an unknown principal), by row index, with why.
    pub errors: Vec<(usize, String)>,
}

/// The conditional cells of a matrix or of a band of rows: each cell (row, column) with the
/// index of its sentence ("Allowed if aws:MultiFactorAuthPresent is true; otherwise implicitly
/// denied."), in row-major order; equal sentences are stored once.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConditionalCells {
    /// (row, column, sentence index), the row counted in the whole matrix.
    pub cells: Vec<(usize, usize, usize)>,
    /// The sentences.
    pub sentences: Vec<String>,
    #[serde(skip)]
    index: HashMap<String, usize>,
}

impl ConditionalCells {
    /// Adds a cell (after every cell of earlier rows and columns).
    pub fn push(&mut self, row: usize, column: usize, sentence: String) {
        let at = self.sentence(sentence);
        self.cells.push((row, column, at));
    }

    /// The index of a sentence, stored once.
    fn sentence(&mut self, sentence: String) -> usize {
        match self.index.get(&sentence) {
            Some(&i) => i,
            None => {
                let i = self.sentences.len();
                self.index.insert(sentence.clone(), i);
                self.sentences.push(sentence);
                i
            }
        }
    }

    /// Adds every cell of `other` (rows after this one's).
    pub fn extend(&mut self, other: ConditionalCells) {
        let sentences = other.sentences;
        for (row, column, at) in other.cells {
            if let Some(s) = sentences.get(at) {
                self.push(row, column, s.clone());
            }
        }
    }

    /// The sentence of a conditional cell, `None` when the cell is not conditional.
    pub fn get(&self, row: usize, column: usize) -> Option<&str> {
        let i = self
            .cells
            .binary_search_by(|(r, c, _)| (*r, *c).cmp(&(row, column)))
            .ok()?;
        let (_, _, at) = self.cells.get(i)?;
        self.sentences.get(*at).map(String::as_str)
    }

    /// How many cells are conditional.
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    /// Whether no cell is conditional.
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }
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

    /// How many cells that are not conditional have each decision: (allowed, explicit deny,
    /// implicit deny); the conditional ones are [`AccessMatrix::conditional`].
    pub fn counts(&self) -> (usize, usize, usize) {
        let width = self.width().max(1);
        let mut conditional = self.conditional.cells.iter().peekable();
        let mut out = (0, 0, 0);
        for (n, d) in self.cells.iter().enumerate() {
            let (row, column) = (n / width, n % width);
            if conditional
                .next_if(|(r, c, _)| (*r, *c) == (row, column))
                .is_some()
            {
                continue;
            }
            match d {
                Decision::Allowed => out.0 += 1,
                Decision::ExplicitDeny => out.1 += 1,
                Decision::ImplicitDeny => out.2 += 1,
            }
        }
        out
    }

    /// The "Allowed if …" sentence of a conditional cell; `None` for the others.
    pub fn conditional_sentence(&self, row: usize, column: usize) -> Option<&str> {
        self.conditional.get(row, column)
    }
}

/// Computes the matrix of `principals` × `actions` on `resource` (`*` for "any resource"),
/// plus the root-only task columns when `with_root_tasks` is set.
pub fn compute_matrix(
    scenario: &Scenario,
    managed: Option<&ManagedPolicies>,
    cache: &CompileCache,
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
    let mut columns = MatrixColumns::new(actions);
    let rows = compute_matrix_rows(
        scenario,
        managed,
        cache,
        principals,
        0..principals.len(),
        actions,
        &mut columns,
        resource,
        with_root_tasks,
    );
    AccessMatrix {
        principals: principals.to_vec(),
        actions: actions.to_vec(),
        root_tasks,
        cells: rows.cells,
        conditional: rows.conditional,
        errors: rows.errors,
    }
}

/// A band of consecutive rows of a matrix, as [`compute_matrix_rows`] computes them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MatrixRows {
    /// The index of the band's first row among the matrix's principals.
    pub first: usize,
    /// How many rows the band holds.
    pub rows: usize,
    /// Row-major decisions, `rows × width` (the action columns, then the root-only tasks when
    /// asked for).
    pub cells: Vec<Decision>,
    /// The band's conditional cells, rows counted in the whole matrix.
    pub conditional: ConditionalCells,
    /// Rows that could not be computed (an unknown principal), by row index in the whole
    /// matrix, with why.
    pub errors: Vec<(usize, String)>,
}

/// Computes the rows `range` of the matrix of `principals` × `actions` (see
/// [`compute_matrix`]), so that a long matrix can be computed a band at a time, with progress
/// shown and a chance to stop between bands. `columns` must be made from `actions` and is
/// reused from band to band (it remembers what it learnt about the actions). The part of
/// `range` past the end of `principals` is ignored. Put together in order, the bands give
/// exactly the cells and errors of [`compute_matrix`].
#[allow(clippy::too_many_arguments)]
pub fn compute_matrix_rows(
    scenario: &Scenario,
    managed: Option<&ManagedPolicies>,
    cache: &CompileCache,
    principals: &[PrincipalRef],
    range: std::ops::Range<usize>,
    actions: &[String],
    columns: &mut MatrixColumns,
    resource: &str,
    with_root_tasks: bool,
) -> MatrixRows {
    let tasks = if with_root_tasks {
        root_only_tasks().len()
    } else {
        0
    };
    let width = actions.len() + tasks;
    let first = range.start.min(principals.len());
    let band = principals
        .get(first..range.end.clamp(first, principals.len()))
        .unwrap_or_default();
    let mut cells = Vec::with_capacity(band.len() * width);
    let mut conditional = ConditionalCells::default();
    let mut errors = Vec::new();
    for (i, p) in (first..).zip(band) {
        match MatrixRowPlan::new(scenario, managed, cache, p, resource, &[]) {
            Ok(mut plan) => {
                let at = cells.len();
                plan.decide_columns(scenario, managed, cache, actions, columns, &mut cells);
                let decided = cells.get(at..).unwrap_or_default();
                plan.conditional_cells(actions, columns, decided, i, &mut conditional);
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
    MatrixRows {
        first,
        rows: band.len(),
        cells,
        conditional,
        errors,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::workbench::simulate::evaluate_request;

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
        for entry in crate::scenario::gallery() {
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
                let m = compute_matrix(
                    s,
                    Some(&managed),
                    &crate::workbench::CompileCache::new(),
                    &principals,
                    &actions,
                    resource,
                    true,
                );
                assert!(m.errors.is_empty());
                for (r, p) in principals.iter().enumerate() {
                    for (c, a) in actions.iter().enumerate() {
                        let want = evaluate_request(
                            s,
                            Some(&managed),
                            &crate::workbench::CompileCache::new(),
                            p,
                            a,
                            resource,
                            &[],
                        )
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
        let entry = crate::scenario::gallery()
            .into_iter()
            .find(|e| e.id == "seed-admin-template")
            .unwrap();
        let s = &entry.scenario;
        let principals = matrix_principals(s);
        let m = compute_matrix(
            s,
            Some(&managed),
            &crate::workbench::CompileCache::new(),
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
            &crate::workbench::CompileCache::new(),
            &[PrincipalRef::User("ghost".into()), PrincipalRef::Root],
            &["s3:GetObject".to_string()],
            "*",
            false,
        );
        assert_eq!(m.errors.len(), 1);
        assert_eq!(m.cell(1, 0), Some(Decision::Allowed));
    }

    fn doc(statements: &str) -> String {
        format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#)
    }

    fn inline(name: &str, statements: &str) -> crate::scenario::InlinePolicy {
        crate::scenario::InlinePolicy {
            name: name.into(),
            document: doc(statements),
        }
    }

    /// A scenario made to trip the matrix's shortcuts: NotAction in Allow and Deny statements,
    /// wildcard services, conditions met and not met, statements limited to other resources,
    /// permissions boundaries, AWS-managed policies, resource policies (bucket, queue, KMS keys
    /// with and without a key policy, role trust), external principals and, by `org`, SCPs
    /// and RCPs (0: none, 1: member account, 2: management account).
    fn stress_scenario(org: u8) -> Scenario {
        use crate::scenario::{
            ExternalPrincipal, ManagedPolicy, OrgLevel, OrgPolicy, Organization, Resource,
            ResourceKind, Role, User,
        };
        let mut s = Scenario::new("111122223333");
        let user = |name: &str, statements: &[(&str, &str)]| {
            let mut u = User::new(name);
            for (n, st) in statements {
                u.inline_policies.push(inline(n, st));
            }
            u
        };
        let mut users = vec![
            user(
                "notaction",
                &[(
                    "p",
                    r#"{"Effect":"Allow","NotAction":["iam:*","s3:Get*"],"Resource":"*"},{"Effect":"Deny","NotAction":["ec2:*","s3:*","kms:*","sts:*"],"Resource":"*"}"#,
                )],
            ),
            user(
                "wild",
                &[(
                    "p",
                    r#"{"Effect":"Allow","Action":["*:Get*","s3:?ut*","*:List*"],"Resource":"*"},{"Effect":"Deny","Action":"*:GetBucket*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}},{"Effect":"Deny","Action":"ec2:Describe*","Resource":"*"}"#,
                )],
            ),
            user(
                "cond",
                &[
                    (
                        "met",
                        r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:username":"cond"}}}"#,
                    ),
                    (
                        "partial",
                        r#"{"Effect":"Allow","Action":"sqs:*","Resource":"*","Condition":{"StringEquals":{"aws:username":"other"}}},{"Effect":"Allow","Action":"sns:*","Resource":"arn:aws:sns:*:*:topic"},{"Effect":"Allow","Action":"s3:List*","Resource":"*"},{"Effect":"Deny","Action":"iam:*","Resource":"*","Condition":{"StringEquals":{"aws:username":"nobody"}}}"#,
                    ),
                ],
            ),
            user(
                "bounded",
                &[(
                    "all",
                    r#"{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}"#,
                )],
            ),
            user(
                "mixedcase",
                &[(
                    "p",
                    r#"{"Effect":"Allow","Action":["S3:GetObject","IAM:list*","KMS:Decrypt","sts:AssumeRole","NoColon"],"Resource":"*"}"#,
                )],
            ),
            user("nobody", &[]),
            user(
                "own-bucket",
                &[(
                    "p",
                    r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::bucket-${aws:username}/*"},{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::shared-bucket"}"#,
                )],
            ),
            user(
                "admin",
                &[(
                    "deny",
                    r#"{"Effect":"Deny","Action":["iam:Delete*","organizations:*"],"Resource":"*"}"#,
                )],
            ),
            user("readonly", &[]),
        ];
        for u in &mut users {
            match u.name.as_str() {
                "bounded" => {
                    u.permissions_boundary = Some(PolicyRef::customer("Boundary"));
                }
                "admin" => u
                    .managed_policies
                    .push(PolicyRef::aws("AdministratorAccess")),
                "readonly" => u.managed_policies.push(PolicyRef::aws("ReadOnlyAccess")),
                _ => {}
            }
        }
        s.users = users;
        s.policies.push(ManagedPolicy::new(
            "Boundary",
            doc(r#"{"Effect":"Allow","Action":["s3:*","kms:*","iam:Get*","sts:AssumeRole"],"Resource":"*"}"#),
        ));
        s.policies.push(ManagedPolicy::new(
            "Shared",
            doc(r#"{"Effect":"Allow","Action":["dynamodb:*","sqs:*"],"Resource":"*"},{"Effect":"Deny","NotAction":"dynamodb:Get*","Resource":"arn:aws:dynamodb:*:*:table/locked"}"#),
        ));
        let mut app = Role::new(
            "app",
            doc(
                r#"{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}"#,
            ),
        );
        app.inline_policies.push(inline(
            "p",
            r#"{"Effect":"Allow","Action":["sts:AssumeRole","kms:*"],"Resource":"*"}"#,
        ));
        app.managed_policies.push(PolicyRef::customer("Shared"));
        let assumable = Role::new(
            "assumable",
            doc(
                r#"{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root","arn:aws:iam::111122223333:user/nobody"]},"Action":["sts:AssumeRole","sts:TagSession"]}"#,
            ),
        );
        s.roles = vec![app, assumable];
        let mut bucket = Resource::new(ResourceKind::S3Bucket, "shared-bucket");
        bucket.policy = Some(doc(
            r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/nobody"},"Action":"s3:*","Resource":["arn:aws:s3:::shared-bucket","arn:aws:s3:::shared-bucket/*"]},{"Effect":"Deny","Principal":"*","Action":"s3:DeleteBucket","Resource":"*"}"#,
        ));
        let mut queue = Resource::new(ResourceKind::SqsQueue, "q");
        queue.policy = Some(doc(
            r#"{"Effect":"Allow","Principal":"*","NotAction":"sqs:Delete*","Resource":"*"},{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sqs:DeleteMessage","Resource":"*"}"#,
        ));
        let default_key = Resource::new(ResourceKind::KmsKey, "k1");
        let mut key = Resource::new(ResourceKind::KmsKey, "k2");
        key.policy = Some(doc(
            r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":["kms:Decrypt","kms:Describe*"],"Resource":"*"}"#,
        ));
        s.resources = vec![bucket, queue, default_key, key];
        s.external_principals.push(ExternalPrincipal {
            arn: "arn:aws:iam::999988887777:user/ext".into(),
            policies: vec![inline(
                "p",
                r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#,
            )],
        });
        let org_policy = |name: &str, statements: &str| OrgPolicy {
            name: name.into(),
            document: doc(statements),
        };
        if org > 0 {
            s.organization = Some(Organization {
                management_account: org == 2,
                levels: vec![
                    OrgLevel {
                        name: "Root".into(),
                        scps: vec![org_policy(
                            "Full",
                            r#"{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"iam:CreateUser","Resource":"*"}"#,
                        )],
                        rcps: vec![org_policy(
                            "NoPublic",
                            r#"{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalAccount":"111122223333"}}}"#,
                        )],
                    },
                    OrgLevel {
                        name: "Workloads".into(),
                        scps: vec![org_policy(
                            "AllowList",
                            r#"{"Effect":"Allow","Action":["s3:*","kms:*","sts:*","iam:*","ec2:Describe*","sqs:*","*:List*"],"Resource":"*"},{"Effect":"Deny","NotAction":["s3:*","iam:*","kms:*","sts:*"],"Resource":"*","Condition":{"StringEquals":{"aws:username":"wild"}}}"#,
                        )],
                        rcps: Vec::new(),
                    },
                ],
            });
        }
        s
    }

    /// Every cell of the matrix (with its shortcuts) is what deciding each request in full
    /// gives, on the stress scenario in every organization setup, on several resources and for
    /// every kind of caller; a sample of cells is also checked against `evaluate_request`.
    #[test]
    fn shortcut_cells_match_full_decisions() {
        let catalog = catalog();
        let managed = managed();
        let mut actions: Vec<String> = catalog
            .actions()
            .step_by(13)
            .map(|a| a.full_name())
            .collect();
        for task in root_only_tasks() {
            actions.extend(task.actions.iter().map(|a| a.to_string()));
        }
        for extra in [
            "NoColon",
            "",
            "S3:GETOBJECT",
            "s3:GetObject",
            "s3:PutObject",
            "s3:DeleteBucket",
            "s3:GetBucketPolicy",
            "sts:AssumeRole",
            "STS:AssumeRoleWithSAML",
            "sts:TagSession",
            "kms:Decrypt",
            "kms:DescribeKey",
            "kms:Encrypt",
            "iam:CreateUser",
            "iam:DeleteUser",
            "iam:GetUser",
            "iam:ListUsers",
            "ec2:DescribeInstances",
            "ec2:RunInstances",
            "sqs:SendMessage",
            "sqs:DeleteMessage",
            "sqs:DeleteQueue",
            "sns:Publish",
            "dynamodb:GetItem",
            "dynamodb:PutItem",
            "organizations:LeaveOrganization",
            "s3express:CreateSession",
            "unknownservice:DoThing",
        ] {
            actions.push(extra.to_string());
        }
        let resources = [
            "*",
            "arn:aws:s3:::shared-bucket/key",
            "arn:aws:s3:::bucket-own-bucket/key",
            "arn:aws:sqs:us-east-1:111122223333:q",
            "arn:aws:kms:us-east-1:111122223333:key/k1",
            "arn:aws:kms:us-east-1:111122223333:key/k2",
            "arn:aws:iam::111122223333:role/assumable",
            "arn:aws:sqs:us-east-1:999988887777:other",
            "arn:aws:dynamodb:us-east-1:111122223333:table/locked",
        ];
        let mut shortcut_allowed = 0;
        let mut checked = 0;
        for org in 0..3 {
            let s = stress_scenario(org);
            let mut principals = matrix_principals(&s);
            principals.extend(
                [
                    "ec2.amazonaws.com",
                    "*",
                    "arn:aws:iam::999988887777:user/ext",
                    "arn:aws:sts::111122223333:assumed-role/app/s1",
                ]
                .map(|p| PrincipalRef::Other(p.to_string())),
            );
            for resource in resources {
                let m = compute_matrix(
                    &s,
                    Some(&managed),
                    &crate::workbench::CompileCache::new(),
                    &principals,
                    &actions,
                    resource,
                    true,
                );
                assert!(m.errors.is_empty(), "{:?}", m.errors);
                for (r, p) in principals.iter().enumerate() {
                    let mut plan = MatrixRowPlan::new(
                        &s,
                        Some(&managed),
                        &crate::workbench::CompileCache::new(),
                        p,
                        resource,
                        &[],
                    )
                    .unwrap();
                    let mut full = Vec::new();
                    plan.decide_into(
                        &s,
                        Some(&managed),
                        &crate::workbench::CompileCache::new(),
                        &actions,
                        &mut full,
                    );
                    for (c, a) in actions.iter().enumerate() {
                        let got = m.cell(r, c);
                        assert_eq!(got, full.get(c).copied(), "org {org} {p:?} {a} {resource}");
                        if got == Some(Decision::Allowed) {
                            shortcut_allowed += 1;
                        }
                        if (r * actions.len() + c).is_multiple_of(127) {
                            let want = evaluate_request(
                                &s,
                                Some(&managed),
                                &crate::workbench::CompileCache::new(),
                                p,
                                a,
                                resource,
                                &[],
                            )
                            .unwrap()
                            .evaluation
                            .decision;
                            assert_eq!(got, Some(want), "org {org} {p:?} {a} {resource}");
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert!(shortcut_allowed > 0 && checked > 500, "{checked}");
    }

    /// The known decisions really are taken as shortcuts on the scenario's rows (so the test
    /// above exercises them), and the root row is decided in full when an SCP is in play.
    #[test]
    fn known_decisions_cover_most_cells() {
        let catalog = catalog();
        let managed = managed();
        let actions: Vec<String> = catalog
            .actions()
            .step_by(7)
            .map(|a| a.full_name())
            .collect();
        let s = stress_scenario(0);
        let mut columns = MatrixColumns::new(&actions);
        let mut known = 0;
        let mut total = 0;
        for p in matrix_principals(&s) {
            let mut plan = MatrixRowPlan::new(
                &s,
                Some(&managed),
                &crate::workbench::CompileCache::new(),
                &p,
                "*",
                &[],
            )
            .unwrap();
            let mut out = Vec::new();
            plan.decide_columns(
                &s,
                Some(&managed),
                &crate::workbench::CompileCache::new(),
                &actions,
                &mut columns,
                &mut out,
            );
            let Some(Some(prepared)) = plan.prepared.first() else {
                panic!("the first slot is prepared");
            };
            let Some(Some(reach)) = plan.reach.first() else {
                panic!("the first slot has its reach");
            };
            for (c, a) in actions.iter().enumerate() {
                if preparation_class(a) == 0 {
                    total += 1;
                    if let Some(d) = reach.known_decision(c) {
                        known += 1;
                        assert_eq!(out.get(c), Some(&d));
                    }
                }
            }
            if p == PrincipalRef::Root {
                assert!(prepared.set.identity.is_empty());
            }
        }
        // Most cells are known; the rest (NotAction and broad Deny statements, boundaries,
        // conditions that fail) are decided.
        assert!(known * 3 > total * 2, "{known} of {total}");
        // With SCPs the root row is decided in full.
        let s = stress_scenario(1);
        let mut plan = MatrixRowPlan::new(
            &s,
            Some(&managed),
            &crate::workbench::CompileCache::new(),
            &PrincipalRef::Root,
            "*",
            &[],
        )
        .unwrap();
        let mut out = Vec::new();
        plan.decide_columns(
            &s,
            Some(&managed),
            &crate::workbench::CompileCache::new(),
            &actions,
            &mut columns,
            &mut out,
        );
        let Some(Some(reach)) = plan.reach.first() else {
            panic!("the first slot has its reach");
        };
        assert!((0..actions.len()).all(|c| reach.known_decision(c).is_none()));
    }

    /// Computing the matrix a band of rows at a time, with one `MatrixColumns` for all bands,
    /// gives exactly the whole matrix's cells and errors, for every band size (one row, a
    /// size that does not divide the rows, more than all rows), and with or without the
    /// root-only tasks.
    #[test]
    fn bands_of_rows_put_together_are_the_whole_matrix() {
        let catalog = catalog();
        let managed = managed();
        let mut actions: Vec<String> = catalog
            .actions()
            .step_by(29)
            .map(|a| a.full_name())
            .collect();
        actions.extend(["sts:AssumeRole", "kms:Decrypt", "iam:CreateUser"].map(String::from));
        let cache = crate::workbench::CompileCache::new();
        for org in 0..3 {
            let s = stress_scenario(org);
            let mut principals = matrix_principals(&s);
            // An unknown principal in the middle, to check the errors' row indexes.
            principals.insert(2, PrincipalRef::User("ghost".into()));
            for with_tasks in [true, false] {
                for resource in ["*", "arn:aws:kms:us-east-1:111122223333:key/k1"] {
                    let whole = compute_matrix(
                        &s,
                        Some(&managed),
                        &cache,
                        &principals,
                        &actions,
                        resource,
                        with_tasks,
                    );
                    assert_eq!(whole.errors.len(), 1);
                    for size in [1, 3, principals.len() + 5] {
                        let mut columns = MatrixColumns::new(&actions);
                        let mut cells = Vec::new();
                        let mut conditional = ConditionalCells::default();
                        let mut errors = Vec::new();
                        let mut start = 0;
                        while start < principals.len() {
                            let band = compute_matrix_rows(
                                &s,
                                Some(&managed),
                                &cache,
                                &principals,
                                start..start + size,
                                &actions,
                                &mut columns,
                                resource,
                                with_tasks,
                            );
                            assert_eq!(band.first, start);
                            assert_eq!(band.cells.len(), band.rows * whole.width());
                            start += band.rows;
                            cells.extend(band.cells);
                            conditional.extend(band.conditional);
                            errors.extend(band.errors);
                        }
                        assert_eq!(cells, whole.cells, "org {org} size {size} {resource}");
                        assert_eq!(conditional, whole.conditional);
                        assert_eq!(errors, whole.errors);
                    }
                }
            }
        }
    }

    /// A band past the end of the principals, or reversed, is empty rather than a panic.
    #[test]
    fn bands_out_of_range_are_empty() {
        let s = stress_scenario(0);
        let principals = matrix_principals(&s);
        let actions = vec!["s3:GetObject".to_string()];
        let mut columns = MatrixColumns::new(&actions);
        let cache = crate::workbench::CompileCache::new();
        let n = principals.len();
        for range in [n..n + 4, n + 3..n + 9, n - 1..n - 3] {
            let band = compute_matrix_rows(
                &s,
                None,
                &cache,
                &principals,
                range,
                &actions,
                &mut columns,
                "*",
                true,
            );
            assert_eq!((band.rows, band.cells.len()), (0, 0));
        }
        let tail = compute_matrix_rows(
            &s,
            None,
            &cache,
            &principals,
            n - 1..n + 4,
            &actions,
            &mut columns,
            "*",
            false,
        );
        assert_eq!((tail.first, tail.rows, tail.cells.len()), (n - 1, 1, 1));
    }

    /// A cell allowed only with MFA is conditional, with the sentence; near misses: the same
    /// condition over a key AWS derives from the principal (a tag it has), an action an
    /// unconditional Allow also grants, and an action no statement names are not.
    #[test]
    fn a_cell_allowed_only_with_mfa_is_conditional() {
        use crate::scenario::{Tag, User};
        let mut s = Scenario::new("111122223333");
        let mut u = User::new("alice");
        u.tags.push(Tag {
            key: "team".into(),
            value: "blue".into(),
        });
        u.inline_policies.push(inline(
            "p",
            r#"{"Effect":"Allow","Action":"s3:DeleteObject","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}},{"Effect":"Allow","Action":"s3:PutObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"blue"}}},{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"*"},{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}"#,
        ));
        s.add_user(u).unwrap();
        let actions: Vec<String> = [
            "s3:DeleteObject",
            "s3:PutObject",
            "s3:GetObject",
            "s3:ListBucket",
        ]
        .map(String::from)
        .to_vec();
        let principals = vec![PrincipalRef::Root, PrincipalRef::User("alice".into())];
        let m = compute_matrix(
            &s,
            None,
            &crate::workbench::CompileCache::new(),
            &principals,
            &actions,
            "*",
            false,
        );
        // The trigger: without the key the request is refused, so the cell's decision is
        // an implicit deny, but it is marked conditional.
        assert_eq!(m.cell(1, 0), Some(Decision::ImplicitDeny));
        assert_eq!(
            m.conditional_sentence(1, 0),
            Some("Allowed if aws:MultiFactorAuthPresent is true; otherwise implicitly denied.")
        );
        // Near misses: the tag has a value, GetObject is allowed whatever MFA says, nobody
        // names ListBucket, and the root user's row has no conditions.
        assert_eq!(m.cell(1, 1), Some(Decision::Allowed));
        assert_eq!(m.conditional_sentence(1, 1), None);
        assert_eq!(m.conditional_sentence(1, 2), None);
        assert_eq!(m.conditional_sentence(1, 3), None);
        assert!((0..4).all(|c| m.conditional_sentence(0, c).is_none()));
        assert_eq!(m.conditional.len(), 1);
        // The counts leave the conditional cell out of the three decisions.
        assert_eq!(m.counts(), (6, 0, 1));
    }

    /// The conditional cells (found per row from the open statements' bitsets, skipping what
    /// no identity or resource statement names) are exactly the cells whose decision is mixed
    /// when every combination of the regions of every key the principal's policies read and
    /// the request leaves open is decided in full, on the stress scenario with conditions over
    /// MFA, addresses and Regions added, in every organization setup.
    #[test]
    fn conditional_cells_match_deciding_every_open_key_in_full() {
        use crate::workbench::conditional::{key_columns, truth_table};
        use crate::workbench::request::{referenced_keys, relevant_policy_texts};
        use crate::workbench::simulate::prepare_request;
        let catalog = catalog();
        let managed = managed();
        let mut actions: Vec<String> = catalog
            .actions()
            .step_by(401)
            .map(|a| a.full_name())
            .collect();
        actions.extend(
            [
                "s3:GetObject",
                "s3:PutObject",
                "s3:GetBucketPolicy",
                "ec2:RunInstances",
                "iam:CreateUser",
                "sqs:SendMessage",
                "kms:Decrypt",
                "sts:AssumeRole",
            ]
            .map(String::from),
        );
        let cache = crate::workbench::CompileCache::new();
        let mut found = 0;
        for org in 0..3 {
            let mut s = stress_scenario(org);
            let mut u = crate::scenario::User::new("conditions");
            u.inline_policies.push(inline(
                "p",
                r#"{"Effect":"Allow","Action":["s3:*","ec2:*"],"Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}},{"Effect":"Allow","Action":"sqs:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}},{"Effect":"Deny","Action":"s3:Put*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:RequestedRegion":"eu-west-1"}}},{"Effect":"Allow","Action":"iam:*","Resource":"*"}"#,
            ));
            s.add_user(u).unwrap();
            if let Some(o) = s.organization.as_mut() {
                o.levels[0].scps[0].document = doc(
                    r#"{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","NotAction":"iam:*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1","us-east-1"]}}}"#,
                );
            }
            let principals = matrix_principals(&s);
            for resource in ["*", "arn:aws:s3:::shared-bucket/key"] {
                let m = compute_matrix(
                    &s,
                    Some(&managed),
                    &cache,
                    &principals,
                    &actions,
                    resource,
                    false,
                );
                for (r, p) in principals.iter().enumerate() {
                    let texts = relevant_policy_texts(&s, Some(&managed), p, resource);
                    let mut read: Vec<String> = Vec::new();
                    for (text, t) in &texts {
                        for (k, _) in referenced_keys(text, *t) {
                            if !read.iter().any(|x| x.eq_ignore_ascii_case(&k)) {
                                read.push(k);
                            }
                        }
                    }
                    let mut regions: HashMap<Vec<String>, Vec<KeyColumn>> = HashMap::new();
                    for (c, a) in actions.iter().enumerate() {
                        let prepared =
                            prepare_request(&s, Some(&managed), &cache, p, a, resource, &[])
                                .unwrap();
                        let open: Vec<String> = read
                            .iter()
                            .filter(|k| prepared.request.context.lookup(k).is_null())
                            .cloned()
                            .collect();
                        let columns = regions
                            .entry(open.clone())
                            .or_insert_with(|| key_columns(&open, &texts))
                            .clone();
                        let table = truth_table(columns, |context| {
                            let mut request = prepared.request.clone();
                            for v in context {
                                request.context.insert(ContextEntry::new(
                                    v.key.clone(),
                                    v.ty,
                                    v.values.iter().cloned(),
                                ));
                            }
                            eval::decide(&prepared.set, &request)
                        });
                        let mixed = table.rows.iter().any(|x| x.decision == Decision::Allowed)
                            && table.rows.iter().any(|x| x.decision != Decision::Allowed);
                        let got = m.conditional_sentence(r, c);
                        assert_eq!(
                            got.is_some(),
                            mixed,
                            "org {org} {p:?} {a} {resource}: {got:?} {:?}",
                            ConditionalAnswer::new(table).sentence
                        );
                        if let Some(sentence) = got {
                            assert!(sentence.starts_with("Allowed if "), "{sentence}");
                            found += 1;
                        }
                    }
                }
            }
        }
        assert!(found > 100, "{found}");
    }

    /// A guardrail that denies outside a Region makes cells conditional that the identity
    /// policy allows, and a Deny that only ever refuses (explicitly or implicitly) does not.
    #[test]
    fn a_region_guardrail_makes_allowed_cells_conditional() {
        use crate::scenario::{OrgLevel, OrgPolicy, Organization, User};
        let mut s = Scenario::new("111122223333");
        let mut u = User::new("bob");
        u.inline_policies.push(inline(
            "p",
            r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"ec2:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}"#,
        ));
        s.add_user(u).unwrap();
        s.organization = Some(Organization {
            management_account: false,
            levels: vec![OrgLevel {
                name: "Root".into(),
                scps: vec![OrgPolicy {
                    name: "Regions".into(),
                    document: doc(
                        r#"{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","NotAction":"iam:*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":"eu-west-1"}}}"#,
                    ),
                }],
                rcps: Vec::new(),
            }],
        });
        let actions: Vec<String> = ["s3:GetObject", "ec2:RunInstances", "iam:GetUser"]
            .map(String::from)
            .to_vec();
        let m = compute_matrix(
            &s,
            None,
            &crate::workbench::CompileCache::new(),
            &[PrincipalRef::User("bob".into())],
            &actions,
            "*",
            false,
        );
        assert_eq!(m.cell(0, 0), Some(Decision::ExplicitDeny));
        assert_eq!(
            m.conditional_sentence(0, 0),
            Some("Allowed if aws:RequestedRegion is eu-west-1; otherwise explicitly denied.")
        );
        assert_eq!(m.conditional_sentence(0, 1), None);
        assert_eq!(m.conditional_sentence(0, 2), None);
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

    #[test]
    fn remembered_mentions_give_the_actions_of_a_fresh_run_edit_after_edit() {
        let catalog = catalog();
        let managed = managed();
        let cache = MentionCache::default();
        for entry in crate::scenario::gallery() {
            let mut s = entry.scenario;
            let fresh = |s: &Scenario, c: Option<&Catalog>| mentioned_actions(s, Some(&managed), c);
            let cached = |s: &Scenario, c: Option<&Catalog>| {
                mentioned_actions_cached(s, Some(&managed), c, &cache)
            };
            assert_eq!(
                cached(&s, Some(&catalog)),
                fresh(&s, Some(&catalog)),
                "{}",
                entry.id
            );
            // An edited text is read again; the others come from the cache.
            if let Some(p) = s.policies.first_mut() {
                p.document = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:Decrypt","lambda:Invoke*"],"Resource":"*"}]}"#.to_string();
            }
            assert_eq!(
                cached(&s, Some(&catalog)),
                fresh(&s, Some(&catalog)),
                "{}",
                entry.id
            );
            // Without the catalog nothing it canonicalized or expanded is kept.
            assert_eq!(cached(&s, None), fresh(&s, None), "{}", entry.id);
            assert_eq!(
                cached(&s, Some(&catalog)),
                fresh(&s, Some(&catalog)),
                "{}",
                entry.id
            );
        }
    }
}
