//! Which actions of a fixed list the statements of a policy set can match at all, for bulk
//! decisions (the access matrix).
//!
//! A statement applies to a request only if its `Action` (or `NotAction`) element matches the
//! request's action. When no statement of any policy of a set matches an action, every scan of
//! [`super::decide`] finds nothing, and the decision is then an implicit deny for every caller
//! except the account root user (whose own-account requests are allowed unless an SCP or RCP
//! level, or a KMS key policy, fails to allow). [`ReachSet::known_decision`] gives that
//! decision without evaluating, and [`super::decide`] is needed only for the other actions.
//!
//! Matching an action element is done per service: a pattern whose service part is literal
//! (`ec2:Describe*`) is tested against that service's actions only, a pattern with a wildcard
//! service (`*`, `*:Get*`) against every action, and a `NotAction` element is the complement of
//! what its entries match. Policies with the same Action elements (an AWS-managed policy
//! attached to many principals) are matched once per [`ActionReach`].

use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use crate::policy::Effect;
use crate::root_tasks::root_only_task_for_action;

use super::compile::{CompiledPolicy, Cx};
use super::glue::ActionMatcher;
use super::request::{CallerKind, PolicySet, Request, ResourcePolicyKind};
use super::result::Decision;
use super::service_rules::needs_no_permission;

/// The Action elements of one policy: for each statement that can apply, its effect, whether
/// it is a `NotAction`, and its entries.
type ActionElements = Vec<(Effect, bool, Vec<ActionMatcher>)>;

/// What one policy's statements may match: any statement, its Allow statements, its Deny
/// statements (a bitset over the columns each).
#[derive(Debug, Clone)]
struct PolicyReach {
    any: Vec<u64>,
    allow: Vec<u64>,
    deny: Vec<u64>,
    /// The columns some of the Allow statements may match, by which of them (flags in
    /// [`CompiledPolicy::action_elements`] order): a policy whose statements apply to some
    /// requests and not others (a condition, a specific Resource) has one entry per pattern
    /// seen.
    partial: Vec<(Vec<bool>, Vec<u64>)>,
}

/// A list of actions (the columns of a matrix), indexed by service, with what the policies
/// already seen may match of it.
#[derive(Debug, Clone)]
pub struct ActionReach {
    /// Each action folded to lower case, as [`super::decide`] compares it.
    lower: Vec<String>,
    /// Column positions by lower-case service prefix; actions without a colon are in no group.
    by_service: HashMap<Box<str>, Vec<u32>>,
    /// The columns whose action is a root-only task (never granted to another principal).
    root_tasks: Vec<u64>,
    /// The columns whose action needs no permission (`sts:GetCallerIdentity`), which every
    /// IAM principal is allowed whatever its policies say.
    no_permission: Vec<u64>,
    /// Bitset words per set.
    words: usize,
    /// What the policies seen so far may match, by a hash of their Action elements; the
    /// elements are kept to compare exactly (a hash collision never shares a result).
    cache: HashMap<u64, Vec<(ActionElements, PolicyReach)>>,
}

/// Whether `statement` (one of `set`'s) has a condition that reads a context key `request`
/// leaves unset, so that whether it applies depends on context the request does not fix.
pub fn statement_reads_unset_key(
    set: &PolicySet,
    request: &Request,
    statement: &super::result::StatementRef,
) -> bool {
    let cx = Cx::new(request, "", set.permissions_boundary.is_some());
    set.every_policy()
        .filter(|p| p.source.id == statement.policy_id)
        .any(|p| p.statement_reads_unset_key(statement.index, &cx))
}

/// Whether an Allow statement of one of `set`'s policies (of any type) has a condition and
/// matches `request` in all else: its action, resource and principal. Only then can the
/// explained evaluation of the request ([`super::evaluate`]) list a candidate that missed on
/// a condition ([`super::Miss::Condition`]); when this is `false` it lists none, so a caller
/// that wants only those candidates of a refused request need not evaluate it.
pub fn allow_may_miss_on_condition(set: &PolicySet, request: &Request) -> bool {
    let lower = super::compile::LowerAction::new(&request.action);
    let cx = Cx::new(request, lower.as_str(), set.permissions_boundary.is_some());
    set.every_policy()
        .any(|p| p.allow_may_miss_on_condition(&cx))
}

/// Which columns' decisions may depend on context a request leaves unset (bitsets over the
/// columns, from [`ActionReach::context_dependent`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextDependence {
    /// Matched by a Deny statement with a condition over an unset key.
    pub deny: Vec<u64>,
    /// Matched by an Allow statement with a condition over an unset key.
    pub allow: Vec<u64>,
    /// Allowed by an identity-based Allow statement that applies and reads no unset key.
    pub firm_allow: Vec<u64>,
}

/// A statement with conditions over context keys a request leaves unset (from
/// [`ActionReach::open_statements`]).
#[derive(Debug, Clone)]
pub struct OpenStatement {
    /// Allow or Deny.
    pub effect: Effect,
    /// The columns its Action element may match.
    columns: Vec<u64>,
    /// The unset keys its conditions read (their own keys and their variables' keys), in
    /// order, without duplicates.
    pub keys: Vec<String>,
    /// Its conditions that read an unset key.
    pub conditions: Vec<crate::condition::CompiledCondition>,
}

impl OpenStatement {
    /// Whether its Action element may match the column's action.
    pub fn may_match(&self, column: usize) -> bool {
        bit(&self.columns, column)
    }
}

/// What [`super::decide`] is known to answer for a policy set and a request, per column, from
/// [`ActionReach::reachable`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReachSet {
    /// The columns some statement of the set may match.
    any: Vec<u64>,
    /// The columns known to be allowed (empty when none is).
    allowed: Vec<u64>,
    /// Whether the caller is the root user.
    root: bool,
    /// Whether every action is allowed: the root user in its own account with no policy in
    /// play at all.
    root_allowed: bool,
}

fn bit(bits: &[u64], column: usize) -> bool {
    bits.get(column / 64)
        .is_some_and(|w| w & (1u64 << (column % 64)) != 0)
}

impl ReachSet {
    /// Whether some statement of the set has an Action element matching the column's action.
    /// `false` means no statement can apply to that action, whatever the rest of the request.
    pub fn may_apply(&self, column: usize) -> bool {
        bit(&self.any, column)
    }

    /// The decision [`super::decide`] gives for the set and the request with the column's
    /// action, when it is known without evaluating; `None` means the request must be decided.
    ///
    /// Why this is exact (see `combine::run`):
    /// - With no statement matching the action, the deny check finds nothing; a root-only
    ///   task, every RCP or SCP level that applies, the identity scan, and a service's or
    ///   anonymous caller's resource-policy check all end in an implicit deny. Only the root
    ///   user's own-account branch allows without a statement, so root is never shortcut that
    ///   way.
    /// - The root user in its own account with no policy at all in play (no SCP, RCP,
    ///   resource or VPC endpoint policy) passes every step to that branch, which allows.
    /// - An IAM principal is allowed an action that needs no permission
    ///   (`sts:GetCallerIdentity`) whatever its policies say.
    /// - An IAM principal in its own account whose set has identity-based policies only (no
    ///   boundary, session policy, SCP, RCP, resource or VPC endpoint policy) is allowed when an Allow
    ///   statement whose Resource, Principal and conditions all hold for the request matches
    ///   the action, no Deny statement matches it and it is no root-only task.
    pub fn known_decision(&self, column: usize) -> Option<Decision> {
        if self.root {
            return self.root_allowed.then_some(Decision::Allowed);
        }
        if bit(&self.allowed, column) {
            Some(Decision::Allowed)
        } else if !self.may_apply(column) {
            Some(Decision::ImplicitDeny)
        } else {
            None
        }
    }
}

impl ActionReach {
    /// Indexes `actions` (the columns, in order).
    pub fn new<S: AsRef<str>>(actions: &[S]) -> ActionReach {
        let lower: Vec<String> = actions
            .iter()
            .map(|a| a.as_ref().to_ascii_lowercase())
            .collect();
        let words = lower.len().div_ceil(64);
        let mut by_service: HashMap<Box<str>, Vec<u32>> = HashMap::new();
        for (i, a) in lower.iter().enumerate() {
            if let Some((service, _)) = a.split_once(':') {
                by_service.entry(service.into()).or_default().push(i as u32);
            }
        }
        let mut root_tasks = vec![0u64; words];
        let mut no_permission = vec![0u64; words];
        for (i, a) in actions.iter().enumerate() {
            // The same lookups `decide` makes with the request's action.
            if root_only_task_for_action(a.as_ref()).is_some() {
                set_bit(&mut root_tasks, i);
            }
            if lower.get(i).is_some_and(|l| needs_no_permission(l)) {
                set_bit(&mut no_permission, i);
            }
        }
        ActionReach {
            words,
            lower,
            by_service,
            root_tasks,
            no_permission,
            cache: HashMap::new(),
        }
    }

    /// The number of actions.
    pub fn len(&self) -> usize {
        self.lower.len()
    }

    /// Whether there are no actions.
    pub fn is_empty(&self) -> bool {
        self.lower.is_empty()
    }

    /// What is known of the decisions for `set` and `request` with each column's action (the
    /// request's own action is ignored: only the caller, resource and context are read, which
    /// is all that stays the same along a matrix row).
    pub fn reachable(&mut self, set: &PolicySet, request: &Request) -> ReachSet {
        let mut any = vec![0u64; self.words];
        let mut deny = vec![0u64; self.words];
        // Every policy of the set counts, whether or not it applies to the caller: a larger
        // set only means more actions are decided in full.
        let policies = set.every_policy();
        for policy in policies {
            let r = self.policy_reach(policy);
            or_into(&mut any, &r.any);
            or_into(&mut deny, &r.deny);
        }
        let root = request.caller.kind == CallerKind::Root;
        let identity_only = set.permissions_boundary.is_none()
            && set.session.is_empty()
            && set.scp_levels.is_empty()
            && set.rcp_levels.is_empty()
            && set.resource_policy.is_none()
            && set.vpc_endpoint.is_none()
            && set.resource_policy_kind == ResourcePolicyKind::Ordinary;
        let own_account = !request.is_cross_account();
        let root_allowed = root && own_account && identity_only && set.identity.is_empty();
        let mut allowed = Vec::new();
        if request.caller.is_iam_principal() {
            allowed = vec![0u64; self.words];
            if identity_only && own_account {
                let cx = Cx::new(request, "", false);
                for policy in &set.identity {
                    let applying: Vec<bool> = policy.allows_apart_from_action(&cx).collect();
                    if applying.iter().any(|a| *a) {
                        or_into(&mut allowed, self.applying_allows(policy, applying));
                    }
                }
                for ((a, d), t) in allowed.iter_mut().zip(&deny).zip(&self.root_tasks) {
                    *a &= !(d | t);
                }
            }
            // Actions that need no permission are allowed whatever the set holds, denies
            // included (the first thing `decide` checks after the caller's kind).
            or_into(&mut allowed, &self.no_permission);
        }
        ReachSet {
            any,
            allowed,
            root,
            root_allowed,
        }
    }

    /// Which columns' decisions may depend on context keys `request` leaves unset: those
    /// matched by a statement of `set` with a condition that reads such a key, apart by effect,
    /// and those an identity-based Allow statement reading no unset key allows outright (so a
    /// conditional Allow beside it changes nothing). Outside `deny` and `allow` the decision
    /// is the same whatever the unset keys would be (apart from a policy variable in a
    /// Resource element).
    pub fn context_dependent(&self, set: &PolicySet, request: &Request) -> ContextDependence {
        let mut out = ContextDependence {
            deny: vec![0u64; self.words],
            allow: vec![0u64; self.words],
            firm_allow: vec![0u64; self.words],
        };
        let mut statement = vec![0u64; self.words];
        let cx = Cx::new(request, "", set.permissions_boundary.is_some());
        let policies = set
            .identity
            .iter()
            .map(|p| (p, true))
            .chain(set.permissions_boundary.iter().map(|p| (p, false)))
            .chain(set.session.iter().map(|p| (p, false)))
            .chain(set.scp_levels.iter().flatten().map(|p| (p, false)))
            .chain(set.rcp_levels.iter().flatten().map(|p| (p, false)))
            .chain(set.resource_policy.iter().map(|p| (p, false)))
            .chain(set.vpc_endpoint.iter().map(|p| (p, false)));
        for (policy, identity) in policies {
            let elements = policy
                .action_elements()
                .zip(policy.context_dependent(&cx))
                .zip(policy.allows_apart_from_action(&cx));
            for (((effect, negated, items), dependent), applies) in elements {
                let into = match (effect, dependent) {
                    (Effect::Deny, true) => &mut out.deny,
                    (Effect::Allow, true) => &mut out.allow,
                    (Effect::Allow, false) if identity && applies => &mut out.firm_allow,
                    _ => continue,
                };
                self.match_statement(negated, items, &mut statement);
                or_into(into, &statement);
            }
        }
        out
    }

    /// The statements of `set` with a condition over a context key `request` leaves unset,
    /// each with the columns it may match and the unset keys it reads; empty (and cheap) when
    /// no condition reads an unset key.
    pub fn open_statements(&self, set: &PolicySet, request: &Request) -> Vec<OpenStatement> {
        let cx = Cx::new(request, "", set.permissions_boundary.is_some());
        let policies = set.every_policy();
        let mut out = Vec::new();
        for policy in policies {
            for ((effect, negated, items), open) in
                policy.action_elements().zip(policy.open_conditions(&cx))
            {
                if open.is_empty() {
                    continue;
                }
                let mut keys: Vec<String> = Vec::new();
                for c in &open {
                    for k in c.referenced_keys() {
                        if request.context.lookup(k).is_null()
                            && !keys.iter().any(|x| x.eq_ignore_ascii_case(k))
                        {
                            keys.push(k.to_string());
                        }
                    }
                }
                let mut columns = vec![0u64; self.words];
                self.match_statement(negated, items, &mut columns);
                out.push(OpenStatement {
                    effect,
                    columns,
                    keys,
                    conditions: open.into_iter().cloned().collect(),
                });
            }
        }
        out
    }

    /// What `policy` may match, computed the first time its Action elements are seen.
    fn policy_reach(&mut self, policy: &CompiledPolicy) -> &PolicyReach {
        let (key, at) = self.locate(policy);
        self.cache
            .get(&key)
            .and_then(|bucket| bucket.get(at))
            .map_or(&EMPTY_REACH, |(_, r)| r)
    }

    /// The columns the Allow statements flagged in `applying` may match.
    fn applying_allows(&mut self, policy: &CompiledPolicy, applying: Vec<bool>) -> &[u64] {
        let (key, at) = self.locate(policy);
        let words = self.words;
        let mut known = None;
        if let Some((_, r)) = self.cache.get(&key).and_then(|b| b.get(at)) {
            let allow_flags = policy.action_elements().map(|(e, _, _)| e == Effect::Allow);
            if applying
                .iter()
                .zip(allow_flags)
                .all(|(a, allow)| *a == allow)
            {
                // Every Allow statement applies: the whole policy's allows.
                known = Some(None);
            } else if let Some(i) = r.partial.iter().position(|(flags, _)| *flags == applying) {
                known = Some(Some(i));
            }
        }
        let index = match known {
            Some(i) => i,
            None => {
                let mut bits = vec![0u64; words];
                let mut statement = vec![0u64; words];
                for ((_, negated, items), _) in
                    policy.action_elements().zip(&applying).filter(|(_, a)| **a)
                {
                    self.match_statement(negated, items, &mut statement);
                    or_into(&mut bits, &statement);
                }
                let Some((_, r)) = self.cache.get_mut(&key).and_then(|b| b.get_mut(at)) else {
                    return &[];
                };
                r.partial.push((applying, bits));
                Some(r.partial.len() - 1)
            }
        };
        let Some((_, r)) = self.cache.get(&key).and_then(|b| b.get(at)) else {
            return &[];
        };
        match index {
            None => &r.allow,
            Some(i) => r.partial.get(i).map_or(&[], |(_, bits)| bits.as_slice()),
        }
    }

    /// Where `policy`'s result is in the cache (its hash and its place among equal hashes),
    /// matching the policy first if its Action elements were never seen.
    fn locate(&mut self, policy: &CompiledPolicy) -> (u64, usize) {
        let mut hasher = DefaultHasher::new();
        for element in policy.action_elements() {
            element.hash(&mut hasher);
        }
        let key = hasher.finish();
        let same = |stored: &ActionElements| {
            stored.len() == policy.action_elements().count()
                && stored
                    .iter()
                    .zip(policy.action_elements())
                    .all(|((e, n, i), (f, m, j))| *e == f && *n == m && i.as_slice() == j)
        };
        let found = self
            .cache
            .get(&key)
            .and_then(|bucket| bucket.iter().position(|(stored, _)| same(stored)));
        let at = match found {
            Some(at) => at,
            None => {
                let reach = self.match_policy(policy);
                let elements: ActionElements = policy
                    .action_elements()
                    .map(|(e, n, items)| (e, n, items.to_vec()))
                    .collect();
                let bucket = self.cache.entry(key).or_default();
                bucket.push((elements, reach));
                bucket.len() - 1
            }
        };
        (key, at)
    }

    /// Matches every statement of `policy` against the columns.
    fn match_policy(&self, policy: &CompiledPolicy) -> PolicyReach {
        let mut r = PolicyReach {
            any: vec![0u64; self.words],
            allow: vec![0u64; self.words],
            deny: vec![0u64; self.words],
            partial: Vec::new(),
        };
        let mut statement = vec![0u64; self.words];
        for (effect, negated, items) in policy.action_elements() {
            self.match_statement(negated, items, &mut statement);
            or_into(&mut r.any, &statement);
            match effect {
                Effect::Allow => or_into(&mut r.allow, &statement),
                Effect::Deny => or_into(&mut r.deny, &statement),
            }
        }
        r
    }

    /// Sets `bits` to the columns one Action element matches (a `NotAction` element: those
    /// none of its entries matches).
    fn match_statement(&self, negated: bool, items: &[ActionMatcher], bits: &mut [u64]) {
        bits.fill(0);
        if items.iter().any(ActionMatcher::matches_everything) {
            // `*` matches every column: no need to match the others one by one.
            bits.fill(!0);
        } else {
            for item in items {
                self.mark(item, bits);
            }
        }
        if negated {
            for w in bits.iter_mut() {
                *w = !*w;
            }
        }
        // Bits past the last column stay clear.
        let tail = self.lower.len() % 64;
        if tail != 0
            && let Some(last) = bits.last_mut()
        {
            *last &= (1u64 << tail) - 1;
        }
    }

    /// Sets the bits of the columns `item` matches.
    fn mark(&self, item: &ActionMatcher, bits: &mut [u64]) {
        let mut set = |i: usize| set_bit(bits, i);
        match item.service() {
            Some(service) => {
                for &i in self.by_service.get(service).into_iter().flatten() {
                    if self.lower.get(i as usize).is_some_and(|a| item.matches(a)) {
                        set(i as usize);
                    }
                }
            }
            None => {
                for (i, a) in self.lower.iter().enumerate() {
                    if item.matches(a) {
                        set(i);
                    }
                }
            }
        }
    }
}

/// What a policy with no statement may match: nothing (an empty bitset ORs as zeros).
static EMPTY_REACH: PolicyReach = PolicyReach {
    any: Vec::new(),
    allow: Vec::new(),
    deny: Vec::new(),
    partial: Vec::new(),
};

fn set_bit(bits: &mut [u64], i: usize) {
    if let Some(w) = bits.get_mut(i / 64) {
        *w |= 1u64 << (i % 64);
    }
}

fn or_into(bits: &mut [u64], other: &[u64]) {
    for (w, o) in bits.iter_mut().zip(other) {
        *w |= o;
    }
}
