//! The evaluator's adapters over pattern matching, policy variables and condition operators.
//!
//! The evaluator needs three things per statement element: does an action pattern match, does
//! a resource pattern (possibly with `${...}` variables) match, and is a condition entry met.
//! This module is the only place that knows how those are computed, so the statement walk in
//! [`super::compile`] stays independent of the matching machinery.

use crate::condition::{CompiledCondition, ConditionReason};
use crate::matching::{Pattern, resource_matches};
use crate::policy::{ConditionEntry, PolicyVersion};
use crate::span::Span;
use crate::variables::{Resolution, Template};

use super::compile::Cx;
use super::request::Request;

/// A compiled `Action`/`NotAction` entry.
///
/// Equal matchers match the same actions, which lets bulk callers share work between
/// identical policies (see [`super::reach`]). Everything in a matcher derives from its
/// lower-case text, so equality and hashing look at that text only.
#[derive(Debug, Clone)]
pub struct ActionMatcher {
    /// The pattern in lower case, matched against the lower-cased action (actions compare
    /// case-insensitively and are ASCII, so folding once per request is enough).
    pattern: Pattern,
    service_mask: u64,
    /// The pattern text in lower case, kept so the service prefix can be read without another
    /// allocation.
    lower: Box<str>,
    /// The length of the service prefix when it has no wildcard: the pattern then matches
    /// only actions of that service.
    service_len: Option<usize>,
}

impl ActionMatcher {
    pub(crate) fn new(text: &str) -> Self {
        let lower = text.to_ascii_lowercase().into_boxed_str();
        let service_len = match lower.split_once(':') {
            Some((service, _)) if !service.contains(['*', '?']) => Some(service.len()),
            _ => None,
        };
        let service_mask = service_len
            .and_then(|n| lower.get(..n))
            .map_or(u64::MAX, service_bit);
        ActionMatcher {
            pattern: Pattern::glob(&lower),
            service_mask,
            lower,
            service_len,
        }
    }

    /// The service the pattern is limited to (lower case), or `None` when its service part
    /// has a wildcard or it has no colon (it may then match actions of any service).
    pub(crate) fn service(&self) -> Option<&str> {
        self.service_len.and_then(|n| self.lower.get(..n))
    }

    /// A one-bit fingerprint of the pattern's service (all bits when the service has a
    /// wildcard), so a statement can be skipped with one AND when no pattern can match.
    pub(crate) fn service_mask(&self) -> u64 {
        self.service_mask
    }

    /// Whether the pattern matches every action (it is made of `*` only).
    pub(crate) fn matches_everything(&self) -> bool {
        self.pattern.matches_everything()
    }

    /// Whether the lower-cased action matches.
    pub(crate) fn matches(&self, action_lower: &str) -> bool {
        self.pattern.matches(action_lower, false)
    }
}

impl PartialEq for ActionMatcher {
    fn eq(&self, other: &Self) -> bool {
        self.lower == other.lower
    }
}

impl Eq for ActionMatcher {}

impl std::hash::Hash for ActionMatcher {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.lower.hash(state);
    }
}

/// The fingerprint bit of a lower-case service prefix (FNV-1a, folded to 0..64).
pub(crate) fn service_bit(service: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in service.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    1u64 << (h % 64)
}

/// A compiled `Resource`/`NotResource` entry: a template whose variables are resolved per
/// request (an entry without variables is compiled once).
#[derive(Debug, Clone)]
pub struct ResourceMatcher {
    template: Template,
}

impl ResourceMatcher {
    pub(crate) fn new(text: &str, version: PolicyVersion) -> Self {
        // A malformed `${` is a grammar error; the entry is then read as literal policy text.
        let template = Template::parse(text, version).unwrap_or_else(|_| Template::text(text));
        ResourceMatcher { template }
    }

    /// `Some(hit)`, or `None` when a policy variable cannot be resolved (the entry then
    /// matches nothing).
    pub(crate) fn matches(&self, resource: &str, cx: &Cx<'_>) -> Option<bool> {
        match self.template.resolve_pattern(&cx.request.context) {
            Resolution::Resolved(p) => Some(resource_matches(&p, resource)),
            Resolution::Unresolved(_) => None,
        }
    }

    /// The keys of the entry's variables, for reporting missing context values.
    pub(crate) fn variable_keys(&self) -> impl Iterator<Item = &str> {
        self.template.variables().map(|v| v.key.as_str())
    }
}

/// Why a condition entry was not met, as a sentence (built only when explaining).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CondOutcome {
    /// Whether the condition is met.
    pub met: bool,
    /// What happened, for people.
    pub message: String,
}

impl CondOutcome {
    pub(crate) fn is_met(&self) -> bool {
        self.met
    }

    pub(crate) fn describe(&self, _c: Option<&ConditionMatcher>, _req: &Request) -> String {
        self.message.clone()
    }
}

/// The result of checking one condition entry with an explanation.
pub(crate) struct CondCheck {
    pub outcome: CondOutcome,
    /// Keys the condition reads that the request lacks (its key, and variables' keys).
    pub missing_keys: Vec<String>,
    /// A note when the result relied on an unknown operator or an unreadable value.
    pub uncertain: Option<String>,
}

/// A compiled condition entry: the shared condition operators plus the entry's spans.
#[derive(Debug, Clone)]
pub struct ConditionMatcher {
    inner: CompiledCondition,
    span: Span,
}

impl ConditionMatcher {
    pub(crate) fn new(entry: &ConditionEntry, version: PolicyVersion) -> Self {
        let values: Vec<&str> = entry.values.iter().map(|v| v.value.as_str()).collect();
        ConditionMatcher {
            inner: CompiledCondition::new(
                &entry.operator.value,
                &entry.key.value,
                &values,
                version,
            ),
            span: entry.key.span.join(entry.values_span),
        }
    }

    pub(crate) fn operator(&self) -> &str {
        self.inner.operator_text()
    }

    pub(crate) fn key(&self) -> &str {
        self.inner.key()
    }

    /// The key and its values in the policy.
    pub(crate) fn span(&self) -> Span {
        self.span
    }

    /// The compiled condition (its key, operator and policy values).
    pub(crate) fn compiled(&self) -> &CompiledCondition {
        &self.inner
    }

    /// Whether the condition reads a key (or a variable's key) the request leaves unset, so
    /// that its outcome depends on context the request does not fix.
    pub(crate) fn reads_unset_key(&self, cx: &Cx<'_>) -> bool {
        let ctx = &cx.request.context;
        self.inner
            .referenced_keys()
            .into_iter()
            .any(|key| ctx.lookup(key).is_null())
    }

    /// Whether the condition is met (no explanation, no allocation in the common case).
    pub(crate) fn matches(&self, cx: &Cx<'_>) -> bool {
        self.inner.matches(&cx.request.context)
    }

    /// Whether the condition is met, with the reasons, missing keys and uncertainties.
    pub(crate) fn check(&self, cx: &Cx<'_>) -> CondCheck {
        let ctx = &cx.request.context;
        let result = self.inner.evaluate(ctx);
        let mut missing_keys: Vec<String> = Vec::new();
        if self.inner.operator().is_ok() {
            for key in self.inner.referenced_keys() {
                if ctx.lookup(key).is_null() && !missing_keys.iter().any(|k| k == key) {
                    missing_keys.push(key.to_string());
                }
            }
        }
        let uncertain = match &result.reason {
            ConditionReason::UnknownOperator { message } => {
                Some(format!("{message} The condition was treated as not met."))
            }
            _ => result.unreadable.first().map(|u| {
                format!(
                    "{} The comparison with it was treated as not matching.",
                    u.message
                )
            }),
        };
        CondCheck {
            outcome: CondOutcome {
                met: result.matched,
                message: result.describe(),
            },
            missing_keys,
            uncertain,
        }
    }
}
