//! Compiled policies: statements turned into matchers once, then checked against many
//! requests.
//!
//! Checking a statement walks its elements in a fixed order (effect, action, resource,
//! principal, conditions) and stops at the first that does not match; that element is what the
//! explanation reports for a candidate statement. Without an explanation ([`super::decide`]) a
//! scan stops at the first statement that applies and allocates nothing.

use std::collections::BTreeSet;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::policy::{
    Effect, PolicyDocument, PolicyType, PolicyVersion, PrincipalKind, PrincipalValue, Statement,
};
use crate::span::Span;

use super::glue::{ActionMatcher, CondCheck, CondOutcome, ConditionMatcher, ResourceMatcher};
use super::request::{Caller, CallerKind, Request};
use super::result::{Candidate, Decision, Evaluation, Miss, StatementRef, Step, Uncertainty};

/// Where a policy comes from, as AWS's simulator names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicySource {
    /// The policy's id (`PolicyInputList.1`, a managed policy's name, ...).
    pub id: String,
    /// The kind of policy.
    pub policy_type: PolicyType,
}

/// A policy ready for evaluation.
#[derive(Debug, Clone)]
pub struct CompiledPolicy {
    /// Where the policy comes from.
    pub source: PolicySource,
    /// Shared, so that a copy (every request's policy set holds copies of the compiled
    /// policies it reads, and a large AWS-managed policy has thousands of action patterns)
    /// costs a reference count, not a deep copy of every matcher.
    statements: Arc<[CompiledStatement]>,
    /// Each statement's effect and action fingerprint, stored apart from the statements so
    /// the common "cannot apply" test walks one small array.
    heads: Arc<[(Option<Effect>, u64)]>,
    /// The union of the Allow statements' fingerprints, and of the Deny statements'.
    allow_mask: u64,
    deny_mask: u64,
}

#[derive(Debug, Clone)]
struct CompiledStatement {
    index: usize,
    sid: Option<String>,
    effect: Option<Effect>,
    span: Span,
    invalid: Option<&'static str>,
    action: List<ActionMatcher>,
    /// The union of the Action entries' service fingerprints (all bits for NotAction).
    action_mask: u64,
    /// For long Action lists: the entries by service, so an action is matched against the
    /// entries of its own service (and those with a wildcard service) only.
    action_index: Option<ActionIndex>,
    resource: List<ResourceMatcher>,
    /// `None` when the policy type takes no principal (the attachment decides).
    principal: Option<PrincipalCheck>,
    conditions: Vec<ConditionMatcher>,
}

#[derive(Debug, Clone)]
struct List<M> {
    negated: bool,
    items: Vec<M>,
    span: Span,
}

#[derive(Debug, Clone)]
struct PrincipalCheck {
    negated: bool,
    entries: Vec<PrincipalEntry>,
    span: Span,
}

/// One principal named in a Principal element.
#[derive(Debug, Clone, PartialEq, Eq)]
enum PrincipalEntry {
    /// `"*"` or `{"AWS": "*"}`.
    Anyone,
    /// An account (`111122223333` or `arn:aws:iam::111122223333:root`).
    Account(String),
    /// An IAM role ARN: its account and name (paths do not appear in session ARNs).
    Role { account: String, name: String },
    /// Any other ARN (user, session, federated user), compared exactly.
    Arn(String),
    /// A service principal, compared case-insensitively.
    Service(String),
    /// A federated provider or canonical user, compared exactly with the caller's ARN.
    Other(String),
}

/// How directly a resource-based policy named the caller, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub(crate) enum Named {
    /// Not named.
    #[default]
    Nothing,
    /// The caller's account: delegation to its identity-based policies.
    Account,
    /// The role of the caller's session.
    Role,
    /// The caller itself (user ARN, session ARN, service) or everyone (`*`).
    Direct,
}

/// What a scan of one or more policies found.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Scan {
    /// Whether a statement of the wanted effect applies.
    pub matched: bool,
    /// The most direct principal naming among the applying statements.
    pub named: Named,
}

impl Scan {
    pub(crate) fn merge(&mut self, other: Scan) {
        self.matched |= other.matched;
        self.named = self.named.max(other.named);
    }
}

/// The request as the matchers see it.
pub(crate) struct Cx<'r> {
    pub request: &'r Request,
    /// The action in lower case: actions compare case-insensitively.
    pub action_lower: &'r str,
    /// The fingerprint bit of the action's service.
    pub action_bit: u64,
    /// Whether the caller has a permissions boundary (the NotPrincipal trap).
    pub has_boundary: bool,
}

impl<'r> Cx<'r> {
    /// `action_lower` is the request's action folded by [`LowerAction`].
    pub(crate) fn new(request: &'r Request, action_lower: &'r str, has_boundary: bool) -> Self {
        let service = action_lower.split_once(':').map_or("", |(s, _)| s);
        Cx {
            action_bit: super::glue::service_bit(service),
            request,
            action_lower,
            has_boundary,
        }
    }
}

/// An action name folded to lower case, kept on the stack when short (all real action names
/// are), so the bare decision allocates nothing.
pub(crate) enum LowerAction {
    /// Up to 128 bytes, inline.
    Inline([u8; 128], usize),
    /// Longer names.
    Heap(String),
}

impl LowerAction {
    pub(crate) fn new(action: &str) -> Self {
        let bytes = action.as_bytes();
        if bytes.len() <= 128 {
            let mut buf = [0u8; 128];
            for (slot, b) in buf.iter_mut().zip(bytes) {
                *slot = b.to_ascii_lowercase();
            }
            LowerAction::Inline(buf, bytes.len())
        } else {
            LowerAction::Heap(action.to_ascii_lowercase())
        }
    }

    /// The folded text (ASCII folding keeps UTF-8 valid).
    pub(crate) fn as_str(&self) -> &str {
        match self {
            LowerAction::Inline(buf, len) => buf
                .get(..*len)
                .and_then(|b| std::str::from_utf8(b).ok())
                .unwrap_or(""),
            LowerAction::Heap(s) => s,
        }
    }
}

/// The explanation being built during an evaluation.
#[derive(Debug, Default)]
pub(crate) struct Explain {
    pub steps: Vec<Step>,
    allow_hits: Vec<StatementRef>,
    deny_hits: Vec<StatementRef>,
    matched: Vec<StatementRef>,
    candidates: Vec<Candidate>,
    missing: BTreeSet<String>,
    uncertain: Vec<Uncertainty>,
    pub root_only_task: Option<String>,
    pub allowed_by_organizations: Option<bool>,
    pub allowed_by_permissions_boundary: Option<bool>,
    pub refused_by_aws: Option<super::service_rules::AwsRefusal>,
}

impl Explain {
    /// The deciding statements of an explicit deny are the denying ones.
    pub(crate) fn promote_denies(&mut self) {
        self.matched = std::mem::take(&mut self.deny_hits);
        // AWS reports an SCP or boundary deny in the decision details too.
        if self
            .matched
            .iter()
            .any(|s| s.policy_type == PolicyType::Scp)
        {
            self.allowed_by_organizations = Some(false);
        }
        if self
            .matched
            .iter()
            .any(|s| s.policy_type == PolicyType::PermissionsBoundary)
        {
            self.allowed_by_permissions_boundary = Some(false);
        }
    }

    /// The deciding statements of an allow are the allowing ones of the given policy types.
    pub(crate) fn promote_allows(&mut self, types: &[PolicyType]) {
        self.matched = self
            .allow_hits
            .iter()
            .filter(|s| types.contains(&s.policy_type))
            .cloned()
            .collect();
    }

    pub(crate) fn finish(mut self, decision: Decision) -> Evaluation {
        if decision != Decision::Allowed && decision != Decision::ExplicitDeny {
            self.matched.clear();
        }
        let candidates = if decision == Decision::ImplicitDeny {
            // A statement may be scanned twice (deny check and allow check): keep one entry.
            let mut seen = BTreeSet::new();
            self.candidates
                .into_iter()
                .filter(|c| {
                    seen.insert((
                        c.statement.policy_id.clone(),
                        c.statement.policy_type as u8,
                        c.statement.index,
                    ))
                })
                .collect()
        } else {
            Vec::new()
        };
        let mut summary = summarize(decision, &self.steps, &self.matched);
        if let Some(closest) = closest_candidate(&candidates) {
            let why = match &closest.miss {
                Miss::Invalid { message }
                | Miss::Action { message, .. }
                | Miss::Resource { message, .. }
                | Miss::Principal { message, .. }
                | Miss::Condition { message, .. } => message,
            };
            let s = &closest.statement;
            summary.push_str(&format!(
                " Closest statement: {} of {}: {why}",
                s.name(),
                s.policy_id
            ));
        }
        if let Some(refusal) = &self.refused_by_aws {
            // The refusal comes first: the request fails whatever the policies decide, and the
            // policy decision follows for comparison with AWS's simulator.
            summary = format!(
                "{}{}{}{summary}",
                super::result::REFUSED_PREFIX,
                refusal.reason,
                super::result::POLICY_DECISION
            );
        }
        let mut uncertain_seen = BTreeSet::new();
        let uncertain = self
            .uncertain
            .into_iter()
            .filter(|u| uncertain_seen.insert((u.statement.policy_id.clone(), u.span)))
            .collect();
        Evaluation {
            decision,
            summary,
            steps: self.steps,
            matched_statements: self.matched,
            candidates,
            missing_context_keys: self.missing.into_iter().collect(),
            uncertain,
            root_only_task: self.root_only_task,
            allowed_by_organizations: self.allowed_by_organizations,
            allowed_by_permissions_boundary: self.allowed_by_permissions_boundary,
            refused_by_aws: self.refused_by_aws,
        }
    }
}

/// The candidate that got furthest: a failed condition means action, resource and principal
/// all matched.
fn closest_candidate(candidates: &[Candidate]) -> Option<&Candidate> {
    let rank = |m: &Miss| match m {
        Miss::Invalid { .. } => 0,
        Miss::Action { .. } => 1,
        Miss::Resource { .. } => 2,
        Miss::Principal { .. } => 3,
        Miss::Condition { .. } => 4,
    };
    // `max_by_key` keeps the last of equals; reverse so the first in policy order wins.
    candidates.iter().rev().max_by_key(|c| rank(&c.miss))
}

fn summarize(decision: Decision, steps: &[Step], matched: &[StatementRef]) -> String {
    use super::result::Verdict;
    match decision {
        Decision::ExplicitDeny => match matched.first() {
            Some(s) => format!(
                "Explicitly denied by statement {} of {}.",
                s.name(),
                s.policy_id
            ),
            None => "Explicitly denied.".to_string(),
        },
        Decision::Allowed => match matched.first() {
            Some(s) => format!("Allowed by statement {} of {}.", s.name(), s.policy_id),
            None => steps
                .iter()
                .rev()
                .find(|s| s.verdict == Verdict::Allow)
                .map_or_else(|| "Allowed.".to_string(), |s| s.detail.clone()),
        },
        Decision::ImplicitDeny => steps
            .iter()
            .rev()
            .find(|s| s.verdict == Verdict::NoAllow)
            .map_or_else(
                || "Implicitly denied: nothing allows the request.".to_string(),
                |s| format!("Implicitly denied: {}", s.detail),
            ),
    }
}

/// Why a statement did not apply, cheaply (no allocation); turned into a [`Miss`] only when
/// explaining.
enum MissAt {
    Invalid(&'static str),
    Action,
    Resource,
    Principal,
    /// The failing condition and, when explaining, why it failed.
    Condition(usize, Option<CondOutcome>),
}

impl CompiledPolicy {
    /// Compiles a parsed policy. Statements with grammar errors that make them meaningless
    /// (no Effect, Action or Resource) are kept but never apply.
    pub fn compile(id: impl Into<String>, document: &PolicyDocument) -> CompiledPolicy {
        let version = document.effective_version();
        let takes_principal = document.policy_type.takes_principal();
        let statements: Vec<CompiledStatement> = document
            .statements
            .iter()
            .map(|s| compile_statement(s, version, takes_principal, document.policy_type))
            .collect();
        let heads: Vec<(Option<Effect>, u64)> = statements
            .iter()
            .map(|s| (s.effect, s.action_mask))
            .collect();
        let mask_of = |want: Effect| {
            heads
                .iter()
                .filter(|(e, _)| *e == Some(want))
                .fold(0, |m, (_, mask)| m | mask)
        };
        let allow_mask = mask_of(Effect::Allow);
        let deny_mask = mask_of(Effect::Deny);
        CompiledPolicy {
            source: PolicySource {
                id: id.into(),
                policy_type: document.policy_type,
            },
            statements: statements.into(),
            heads: heads.into(),
            allow_mask,
            deny_mask,
        }
    }

    /// Parses and compiles policy text in one step, returning the grammar diagnostics too.
    pub fn from_text(
        id: impl Into<String>,
        text: &str,
        policy_type: PolicyType,
    ) -> (CompiledPolicy, Vec<crate::diagnostic::Diagnostic>) {
        let parsed = crate::policy::parse_policy(text, policy_type);
        (
            CompiledPolicy::compile(id, &parsed.document),
            parsed.diagnostics,
        )
    }

    /// The Action element of every statement that can apply (valid ones): its effect, whether
    /// it is a `NotAction`, and its entries. A statement whose element does not match an action
    /// can never apply to that action, whatever the rest of the request.
    pub(crate) fn action_elements(
        &self,
    ) -> impl Iterator<Item = (Effect, bool, &[ActionMatcher])> + '_ {
        self.statements
            .iter()
            .filter_map(|s| match (s.invalid, s.effect) {
                (None, Some(effect)) => Some((effect, s.action.negated, s.action.items.as_slice())),
                _ => None,
            })
    }

    /// For each statement of [`CompiledPolicy::action_elements`], in the same order: whether
    /// it is an Allow statement that applies to the request apart from its action (Resource,
    /// Principal and every condition match). The action is not looked at, so `cx` may carry
    /// any action; the answer then holds for every action the statement's Action element
    /// matches.
    pub(crate) fn allows_apart_from_action<'a>(
        &'a self,
        cx: &'a Cx<'_>,
    ) -> impl Iterator<Item = bool> + 'a {
        self.statements
            .iter()
            .filter(|s| s.invalid.is_none() && s.effect.is_some())
            .map(|s| s.effect == Some(Effect::Allow) && s.applies_apart_from_action(cx))
    }

    /// For each statement of [`CompiledPolicy::action_elements`], in the same order: whether
    /// one of its conditions reads a context key the request leaves unset (its outcome then
    /// depends on context the request does not fix). The action is not looked at.
    pub(crate) fn context_dependent<'a>(
        &'a self,
        cx: &'a Cx<'_>,
    ) -> impl Iterator<Item = bool> + 'a {
        self.statements
            .iter()
            .filter(|s| s.invalid.is_none() && s.effect.is_some())
            .map(|s| s.conditions.iter().any(|c| c.reads_unset_key(cx)))
    }

    /// For each statement of [`CompiledPolicy::action_elements`], in the same order: its
    /// conditions that read a context key the request leaves unset.
    pub(crate) fn open_conditions<'a>(
        &'a self,
        cx: &'a Cx<'_>,
    ) -> impl Iterator<Item = Vec<&'a crate::condition::CompiledCondition>> + 'a {
        self.statements
            .iter()
            .filter(|s| s.invalid.is_none() && s.effect.is_some())
            .map(|s| {
                s.conditions
                    .iter()
                    .filter(|c| c.reads_unset_key(cx))
                    .map(|c| c.compiled())
                    .collect()
            })
    }

    /// Whether the statement at zero-based position `index` has a condition that reads a
    /// context key the request leaves unset.
    pub(crate) fn statement_reads_unset_key(&self, index: usize, cx: &Cx<'_>) -> bool {
        self.statements
            .iter()
            .find(|s| s.index == index)
            .is_some_and(|s| s.conditions.iter().any(|c| c.reads_unset_key(cx)))
    }

    /// The number of statements.
    pub fn statement_count(&self) -> usize {
        self.statements.len()
    }

    /// Whether one of its Allow statements has a condition and matches the request in all
    /// else (action, resource, principal): only such a statement can be a candidate that
    /// missed on a condition in [`CompiledPolicy::scan`]'s explanation.
    pub(crate) fn allow_may_miss_on_condition(&self, cx: &Cx<'_>) -> bool {
        if self.allow_mask & cx.action_bit == 0 {
            return false;
        }
        self.statements
            .iter()
            .zip(self.heads.iter())
            .any(|(st, &(effect, mask))| {
                effect == Some(Effect::Allow)
                    && mask & cx.action_bit != 0
                    && !st.conditions.is_empty()
                    && st.check_apart_from_conditions(cx).is_ok()
            })
    }

    /// Finds statements of effect `want` that apply to the request. Without `ex` it stops at
    /// the first; with `ex` it checks every statement and records hits, candidates, missing
    /// keys and uncertainties.
    pub(crate) fn scan(&self, cx: &Cx<'_>, want: Effect, mut ex: Option<&mut Explain>) -> Scan {
        let mut scan = Scan::default();
        let policy_mask = match want {
            Effect::Allow => self.allow_mask,
            Effect::Deny => self.deny_mask,
        };
        if ex.is_none() && policy_mask & cx.action_bit == 0 {
            // No statement of this effect names the action's service.
            return scan;
        }
        for (st, &(effect, mask)) in self.statements.iter().zip(self.heads.iter()) {
            if effect.is_some() && effect != Some(want) {
                continue;
            }
            if effect.is_none() && want == Effect::Deny {
                // An invalid statement is reported once, among the allow candidates.
                continue;
            }
            if ex.is_none() && mask & cx.action_bit == 0 {
                // No Action entry can match this service: skip without matching.
                continue;
            }
            let result = st.check(cx, ex.as_deref_mut(), self);
            match result {
                Ok(named) => {
                    scan.matched = true;
                    scan.named = scan.named.max(named);
                    match ex.as_deref_mut() {
                        Some(ex) => {
                            let r = st.reference(self, want);
                            if want == Effect::Deny {
                                ex.deny_hits.push(r);
                            } else {
                                ex.allow_hits.push(r);
                            }
                        }
                        None => {
                            // Without an explanation only the strongest naming matters
                            // beyond the first hit, and it matters only for resource policies.
                            if !self.source.policy_type.takes_principal()
                                || scan.named == Named::Direct
                            {
                                return scan;
                            }
                        }
                    }
                }
                Err(miss) => {
                    if let Some(ex) = ex.as_deref_mut()
                        && want == Effect::Allow
                    {
                        ex.candidates.push(Candidate {
                            statement: st.reference(self, want),
                            miss: st.describe(miss, cx),
                        });
                    }
                }
            }
        }
        scan
    }
}

fn compile_statement(
    s: &Statement,
    version: PolicyVersion,
    takes_principal: bool,
    policy_type: PolicyType,
) -> CompiledStatement {
    let invalid = if s.effect.is_none() {
        Some("The statement has no valid Effect, so it never applies.")
    } else if s.action.is_none() {
        Some("The statement has no Action or NotAction, so it never applies.")
    } else if s.resource.is_none() && policy_type != PolicyType::Trust {
        Some("The statement has no Resource or NotResource, so it never applies.")
    } else {
        None
    };
    let action = match &s.action {
        Some(a) => List {
            negated: a.negated,
            items: a
                .items
                .iter()
                .map(|i| ActionMatcher::new(&i.value))
                .collect(),
            span: a.span,
        },
        None => List {
            negated: false,
            items: Vec::new(),
            span: s.span,
        },
    };
    let action_mask = if action.negated {
        u64::MAX
    } else {
        action
            .items
            .iter()
            .fold(0, |mask, m| mask | m.service_mask())
    };
    let action_index =
        (action.items.len() > ACTION_INDEX_MIN).then(|| ActionIndex::new(a_texts(s)));
    let resource = match &s.resource {
        Some(r) => List {
            negated: r.negated,
            items: r
                .items
                .iter()
                .map(|i| ResourceMatcher::new(&i.value, version))
                .collect(),
            span: r.span,
        },
        // Trust policies omit Resource: the role is the resource.
        None => List {
            negated: false,
            items: vec![ResourceMatcher::new("*", version)],
            span: s.span,
        },
    };
    let principal = if takes_principal {
        Some(match &s.principal {
            Some(p) => PrincipalCheck {
                negated: p.negated,
                entries: match &p.value {
                    PrincipalValue::Anyone => vec![PrincipalEntry::Anyone],
                    PrincipalValue::Map(kinds) => kinds
                        .iter()
                        .flat_map(|(kind, items)| {
                            items.iter().map(|i| principal_entry(*kind, &i.value))
                        })
                        .collect(),
                },
                span: p.span,
            },
            // No Principal in a resource policy: the statement applies to no one.
            None => PrincipalCheck {
                negated: false,
                entries: Vec::new(),
                span: s.span,
            },
        })
    } else {
        None
    };
    let conditions = s
        .condition
        .iter()
        .map(|c| ConditionMatcher::new(c, version))
        .collect();
    CompiledStatement {
        index: s.index,
        sid: s.sid.as_ref().map(|s| s.value.clone()),
        effect: s.effect.as_ref().map(|e| e.value),
        span: s.span,
        invalid,
        action,
        action_mask,
        action_index,
        resource,
        principal,
        conditions,
    }
}

/// Action lists longer than this get a per-service index (see `CompiledStatement`).
const ACTION_INDEX_MIN: usize = 16;

/// The texts of a statement's Action (or NotAction) entries, in order.
fn a_texts(s: &crate::policy::Statement) -> Vec<&str> {
    s.action
        .as_ref()
        .map(|a| a.items.iter().map(|i| i.value.as_str()).collect())
        .unwrap_or_default()
}

/// A statement's Action entries by lower-case service prefix.
#[derive(Debug, Clone)]
struct ActionIndex {
    /// Sorted by service; each with the positions of its entries.
    by_service: Vec<(Box<str>, Vec<u32>)>,
    /// Entries whose service part has a wildcard (or that have no colon): checked always.
    wild: Vec<u32>,
}

impl ActionIndex {
    fn new(texts: Vec<&str>) -> ActionIndex {
        let mut by_service: Vec<(Box<str>, Vec<u32>)> = Vec::new();
        let mut wild = Vec::new();
        for (i, text) in texts.iter().enumerate() {
            // Service prefixes are nearly always lower case already: fold only when needed.
            let service = text.split_once(':').map(|(s, _)| {
                if s.bytes().any(|b| b.is_ascii_uppercase()) {
                    std::borrow::Cow::Owned(s.to_ascii_lowercase())
                } else {
                    std::borrow::Cow::Borrowed(s)
                }
            });
            match service.as_deref() {
                Some(service) if !service.contains(['*', '?']) => {
                    match by_service.binary_search_by(|(s, _)| (**s).cmp(service)) {
                        Ok(at) => {
                            if let Some((_, v)) = by_service.get_mut(at) {
                                v.push(i as u32);
                            }
                        }
                        Err(at) => by_service.insert(at, (service.into(), vec![i as u32])),
                    }
                }
                _ => wild.push(i as u32),
            }
        }
        ActionIndex { by_service, wild }
    }

    /// The positions of the entries that can match an action of `service` (lower case).
    fn candidates<'a>(&'a self, service: &str) -> impl Iterator<Item = u32> + 'a {
        let own = self
            .by_service
            .binary_search_by(|(s, _)| (**s).cmp(service))
            .ok()
            .and_then(|at| self.by_service.get(at))
            .map(|(_, v)| v.as_slice())
            .unwrap_or(&[]);
        own.iter().chain(self.wild.iter()).copied()
    }
}

fn principal_entry(kind: PrincipalKind, text: &str) -> PrincipalEntry {
    match kind {
        PrincipalKind::Aws => {
            if text == "*" {
                return PrincipalEntry::Anyone;
            }
            if text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit()) {
                return PrincipalEntry::Account(text.to_string());
            }
            let parts: Vec<&str> = text.splitn(6, ':').collect();
            if let [_, _, "iam", _, account, res] = parts.as_slice() {
                if *res == "root" {
                    return PrincipalEntry::Account((*account).to_string());
                }
                if let Some(rest) = res.strip_prefix("role/") {
                    let name = rest.rsplit('/').next().unwrap_or(rest);
                    return PrincipalEntry::Role {
                        account: (*account).to_string(),
                        name: name.to_string(),
                    };
                }
            }
            PrincipalEntry::Arn(text.to_string())
        }
        PrincipalKind::Service => PrincipalEntry::Service(text.to_ascii_lowercase()),
        PrincipalKind::Federated | PrincipalKind::CanonicalUser => {
            PrincipalEntry::Other(text.to_string())
        }
    }
}

/// How an entry names the caller.
fn entry_names(entry: &PrincipalEntry, caller: &Caller) -> Named {
    match entry {
        PrincipalEntry::Anyone => Named::Direct,
        PrincipalEntry::Account(a) => {
            if !caller.account.is_empty() && *a == caller.account {
                if caller.kind == CallerKind::Root {
                    Named::Direct
                } else {
                    Named::Account
                }
            } else {
                Named::Nothing
            }
        }
        PrincipalEntry::Role { account, name } => {
            let role_arn = match caller.kind {
                CallerKind::RoleSession => caller.role_arn.as_deref(),
                CallerKind::Role => Some(caller.arn.as_str()),
                _ => None,
            };
            let Some(role_arn) = role_arn else {
                return Named::Nothing;
            };
            let role_name = role_arn.rsplit('/').next().unwrap_or("");
            if *account == caller.account && role_name == name {
                if caller.kind == CallerKind::Role {
                    Named::Direct
                } else {
                    Named::Role
                }
            } else {
                Named::Nothing
            }
        }
        PrincipalEntry::Arn(arn) => {
            if *arn == caller.arn {
                Named::Direct
            } else {
                Named::Nothing
            }
        }
        PrincipalEntry::Service(s) => {
            if caller.kind == CallerKind::Service && caller.arn.eq_ignore_ascii_case(s) {
                Named::Direct
            } else {
                Named::Nothing
            }
        }
        PrincipalEntry::Other(o) => {
            if *o == caller.arn {
                Named::Direct
            } else {
                Named::Nothing
            }
        }
    }
}

impl PrincipalCheck {
    /// How the element names the caller (`Nothing` = the statement does not apply).
    fn check(&self, cx: &Cx<'_>) -> Named {
        let caller = &cx.request.caller;
        if !self.negated {
            return self
                .entries
                .iter()
                .map(|e| entry_names(e, caller))
                .max()
                .unwrap_or(Named::Nothing);
        }
        // NotPrincipal: the statement applies unless the caller is excluded. AWS checks the
        // account, then the role, then the session, so each level must be listed; and a
        // principal with a permissions boundary is never excluded.
        if cx.has_boundary && caller.is_iam_principal() {
            return Named::Direct;
        }
        let named = |want: Named| self.entries.iter().any(|e| entry_names(e, caller) == want);
        let anyone = self.entries.contains(&PrincipalEntry::Anyone);
        let excluded = anyone
            || match caller.kind {
                CallerKind::Root => named(Named::Direct),
                CallerKind::User | CallerKind::FederatedUser => {
                    named(Named::Account) && named(Named::Direct)
                }
                CallerKind::Role => named(Named::Account) && named(Named::Direct),
                CallerKind::RoleSession => {
                    named(Named::Account) && named(Named::Role) && named(Named::Direct)
                }
                CallerKind::Service | CallerKind::Anonymous => named(Named::Direct),
            };
        if excluded {
            Named::Nothing
        } else {
            Named::Direct
        }
    }
}

impl CompiledStatement {
    /// The checks of [`CompiledStatement::check`] before the conditions: validity, Action,
    /// Resource and Principal, in that order, with the first that fails.
    fn check_apart_from_conditions(&self, cx: &Cx<'_>) -> Result<Named, MissAt> {
        if let Some(why) = self.invalid {
            return Err(MissAt::Invalid(why));
        }
        // An entry whose service fingerprint lacks the action's bit cannot match, so short
        // lists skip most entries with an AND; long lists (AWS-managed policies name thousands
        // of actions) look only at the entries of the action's service.
        let action_hit = match &self.action_index {
            Some(index) => {
                let service = cx.action_lower.split_once(':').map_or("", |(s, _)| s);
                index.candidates(service).any(|i| {
                    self.action
                        .items
                        .get(i as usize)
                        .is_some_and(|m| m.matches(cx.action_lower))
                })
            }
            None => self
                .action
                .items
                .iter()
                .any(|m| m.service_mask() & cx.action_bit != 0 && m.matches(cx.action_lower)),
        };
        if action_hit == self.action.negated {
            return Err(MissAt::Action);
        }
        if !self.resource_applies(cx) {
            return Err(MissAt::Resource);
        }
        let named = match &self.principal {
            Some(p) => {
                let n = p.check(cx);
                if n == Named::Nothing {
                    return Err(MissAt::Principal);
                }
                n
            }
            None => Named::Direct,
        };
        Ok(named)
    }

    fn check(
        &self,
        cx: &Cx<'_>,
        mut ex: Option<&mut Explain>,
        policy: &CompiledPolicy,
    ) -> Result<Named, MissAt> {
        let named = match self.check_apart_from_conditions(cx) {
            Ok(named) => named,
            Err(MissAt::Resource) => {
                if let Some(ex) = ex.as_deref_mut() {
                    // A variable the request does not supply is a missing context value.
                    for m in &self.resource.items {
                        for key in m.variable_keys() {
                            if cx.request.context.lookup(key).is_null() {
                                ex.missing.insert(key.to_string());
                            }
                        }
                    }
                }
                return Err(MissAt::Resource);
            }
            Err(miss) => return Err(miss),
        };
        let Some(ex) = ex else {
            // The bare decision: stop at the first condition not met.
            return match self.conditions.iter().position(|c| !c.matches(cx)) {
                Some(i) => Err(MissAt::Condition(i, None)),
                None => Ok(named),
            };
        };
        let mut failed: Option<(usize, CondOutcome)> = None;
        for (i, c) in self.conditions.iter().enumerate() {
            let CondCheck {
                outcome,
                missing_keys,
                uncertain,
            } = c.check(cx);
            ex.missing.extend(missing_keys);
            if let Some(message) = uncertain {
                ex.uncertain.push(Uncertainty {
                    statement: self.reference(policy, self.effect.unwrap_or(Effect::Allow)),
                    span: c.span(),
                    message,
                });
            }
            if !outcome.is_met() && failed.is_none() {
                failed = Some((i, outcome));
            }
        }
        match failed {
            Some((i, outcome)) => Err(MissAt::Condition(i, Some(outcome))),
            None => Ok(named),
        }
    }

    /// Whether the request's resource passes the statement's Resource (or NotResource). An
    /// entry whose variable cannot be resolved matches nothing, in Resource and in NotResource
    /// alike.
    fn resource_applies(&self, cx: &Cx<'_>) -> bool {
        let hit = self
            .resource
            .items
            .iter()
            .any(|m| m.matches(&cx.request.resource, cx) == Some(true));
        hit != self.resource.negated
    }

    /// The bare check of [`CompiledStatement::check`] without the validity and action steps:
    /// the same Resource, Principal and condition tests, in the same way.
    fn applies_apart_from_action(&self, cx: &Cx<'_>) -> bool {
        if !self.resource_applies(cx) {
            return false;
        }
        if let Some(p) = &self.principal
            && p.check(cx) == Named::Nothing
        {
            return false;
        }
        self.conditions.iter().all(|c| c.matches(cx))
    }

    fn reference(&self, policy: &CompiledPolicy, effect: Effect) -> StatementRef {
        StatementRef {
            policy_id: policy.source.id.clone(),
            policy_type: policy.source.policy_type,
            index: self.index,
            sid: self.sid.clone(),
            effect: self.effect.unwrap_or(effect),
            span: self.span,
        }
    }

    fn describe(&self, miss: MissAt, cx: &Cx<'_>) -> Miss {
        let req = cx.request;
        match miss {
            MissAt::Invalid(why) => Miss::Invalid {
                message: why.to_string(),
            },
            MissAt::Action => Miss::Action {
                span: self.action.span,
                message: if self.action.negated {
                    format!(
                        "NotAction lists {}, so the statement does not apply.",
                        req.action
                    )
                } else {
                    format!("No Action entry matches {}.", req.action)
                },
            },
            MissAt::Resource => Miss::Resource {
                span: self.resource.span,
                message: if self.resource.negated {
                    format!(
                        "NotResource lists {}, so the statement does not apply.",
                        req.resource
                    )
                } else {
                    format!("No Resource entry matches {}.", req.resource)
                },
            },
            MissAt::Principal => Miss::Principal {
                span: self.principal.as_ref().map_or(self.span, |p| p.span),
                message: match &self.principal {
                    Some(p) if p.entries.is_empty() && !p.negated => {
                        "The statement names no Principal, so it applies to no one.".to_string()
                    }
                    Some(p) if p.negated => format!(
                        "NotPrincipal excludes {}, so the statement does not apply.",
                        req.caller.arn
                    ),
                    _ => format!("The Principal element does not name {}.", req.caller.arn),
                },
            },
            MissAt::Condition(i, outcome) => {
                let c = self.conditions.get(i);
                Miss::Condition {
                    operator: c.map(|c| c.operator().to_string()).unwrap_or_default(),
                    key: c.map(|c| c.key().to_string()).unwrap_or_default(),
                    span: c.map_or(self.span, ConditionMatcher::span),
                    message: outcome.map_or_else(
                        || "The condition is not met.".to_string(),
                        |o| o.describe(c, req),
                    ),
                }
            }
        }
    }
}
