//! Change review: what a change grants or takes away, each difference proved by a request.
//!
//! [`diff_scenarios`] compares two versions of an account (two scenarios, or what a template or
//! authorization-details file imports to); [`diff_documents`] compares two versions of one
//! policy document of a given type, with a [`Verdict`].
//!
//! # The modelled space
//!
//! For every principal of either version (the root user, the users, the roles' sessions), the
//! decision is computed on both sides for every cell of:
//! - **actions**: the catalog's actions plus every literal action a policy names that the
//!   catalog does not know;
//! - **resource regions**: every ARN pattern either version's policies name in `Resource` or
//!   `NotResource`, every role and resource ARN of either version, plus "any other resource"
//!   (`*`). Each region's representative matches its pattern and as few other patterns as the
//!   candidate fillers allow;
//! - **context regions**: per condition key the policies compare, the key absent and one value
//!   per literal the policies compare against (the literal itself, its wildcards filled, the
//!   numbers and dates just below and above, an address inside each IP range, `true` and
//!   `false`) plus a value matching none; for set operators also a set mixing a literal with
//!   another value. Keys AWS derives from the principal or the resource are not varied (they
//!   vary with the principal and resource). When the product over keys stays under
//!   [`MAX_CONTEXTS`] every combination is tried; otherwise one key is varied at a time and the
//!   answer says so in [`DiffReport::outside_model`].
//!
//! Cells are decided in bulk with the access matrix's machinery (`MatrixRowPlan`, per-row
//! bitsets over the actions), one row per principal, side, region and context: the work is
//! linear in the principals (no pairs of principals). Regions that no policy of either version
//! tells apart share one row (see `RegionLeaders`). A cell differs when it is allowed on one
//! side and not on the other (an implicit deny that becomes explicit is no change of access).
//! Every group of differences carries a [`Witness`]: one request evaluated again on both sides
//! with the simulator's evaluation, which must flip.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use crate::catalog::{Catalog, ManagedPolicies};
use crate::context::ContextKeyType;
use crate::eval::Decision;
use crate::eval::is_kms_key_arn;
use crate::matching::{Pattern, resource_matches};
use crate::policy::{PolicyType, parse_policy};
use crate::scenario::{
    ContextValue, InlinePolicy, ManagedPolicy, OrgLevel, OrgPolicy, Organization, PolicyRef,
    PrincipalRef, Resource, ResourceKind, Role, Scenario, User,
};
use crate::variables::Template;
use crate::workbench::matrix::{
    MatrixColumns, MatrixRowPlan, matrix_principals, preparation_class,
};

use super::{Model, statement_words};
use crate::workbench::answer::deciding_statements;

/// A group's key: direction, service, access level, resource region (or [`EVERY_REGION`]).
type GroupKey = (Direction, String, String, usize);

/// The group key of an action that flips in every resource region.
const EVERY_REGION: usize = usize::MAX;

/// How a group over the "any other resource" region names its resources.
pub const OTHER_RESOURCES: &str = "resources no policy names";

/// Above this many combinations of context values, one key is varied at a time.
pub const MAX_CONTEXTS: usize = 64;

/// The direction of a difference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Direction {
    /// Refused before, allowed after.
    NewlyAllowed,
    /// Allowed before, refused after.
    NewlyDenied,
}

impl Direction {
    /// The other direction.
    pub fn swapped(self) -> Direction {
        match self {
            Direction::NewlyAllowed => Direction::NewlyDenied,
            Direction::NewlyDenied => Direction::NewlyAllowed,
        }
    }
}

/// A resource region: the pattern that defines it and the ARN that represents it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceRegion {
    /// The pattern (`arn:aws:s3:::releases/*`), or `*` for any other resource.
    pub pattern: String,
    /// The resource the region's requests name.
    pub representative: String,
}

/// One request of a witness on one side: the decision and the statements that decided it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WitnessSide {
    /// The decision.
    pub decision: Decision,
    /// The engine's summary of the decision, which names the deciding statements (or that the
    /// principal does not exist on that side).
    pub reasons: Vec<String>,
}

/// One concrete request whose decision flips between the two versions.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Witness {
    /// The principal, as a [`PrincipalRef`] string.
    pub principal: String,
    /// The action.
    pub action: String,
    /// The resource.
    pub resource: String,
    /// The context keys set (on top of those AWS derives).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub context: Vec<ContextValue>,
    /// The decision before.
    pub before: WitnessSide,
    /// The decision after.
    pub after: WitnessSide,
    /// Whether evaluating the request again on both sides gave a flip (always, unless the
    /// bulk decision and the simulator disagree, which is a bug to report).
    pub verified: bool,
}

/// A group of differences: one principal, one direction, one service, one access level, one
/// resource region.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangeGroup {
    /// Newly allowed or newly denied.
    pub direction: Direction,
    /// The service prefix (`s3`).
    pub service: String,
    /// The access level in AWS's wording, or `Unknown` for actions the catalog lacks.
    pub level: String,
    /// Where the actions flip: `*` when in every resource region, a region's pattern, or
    /// [`OTHER_RESOURCES`] for the region of resources no pattern names.
    pub resource: String,
    /// The actions that flip (in the region, for some context region).
    pub actions: Vec<String>,
    /// One request that flips.
    pub witness: Witness,
}

/// What changes for one principal.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PrincipalChange {
    /// The principal, as a [`PrincipalRef`] string.
    pub principal: String,
    /// The principal in words (`role ci-deploy`, `user bob`, `the root user`).
    pub label: String,
    /// How many actions become allowed (on some resource region, in some context region).
    pub newly_allowed: usize,
    /// How many actions become refused.
    pub newly_denied: usize,
    /// The groups, newly allowed first, then by service, level and region.
    pub groups: Vec<ChangeGroup>,
}

/// The comparison of two versions.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DiffReport {
    /// How many principals were compared (the union of both sides).
    pub principals_considered: usize,
    /// How many actions (catalog plus literal actions the catalog lacks).
    pub actions_considered: usize,
    /// The resource regions.
    pub regions: Vec<ResourceRegion>,
    /// How many context regions were tried per principal and resource region.
    pub contexts_considered: usize,
    /// The total of newly allowed (principal, action) pairs.
    pub newly_allowed: usize,
    /// The total of newly denied (principal, action) pairs.
    pub newly_denied: usize,
    /// The principals whose access changes.
    pub changes: Vec<PrincipalChange>,
    /// What the comparison does not model, in words.
    pub outside_model: Vec<String>,
    /// The summary in words, one sentence per principal (see [`summary_lines`]).
    pub summary: Vec<String>,
}

impl DiffReport {
    /// Whether nothing changes.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

/// The verdict on two versions of one policy document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Verdict {
    /// Same decisions everywhere in the modelled space.
    Equivalent,
    /// The after version allows more and refuses nothing the before version allowed.
    MorePermissive,
    /// The after version allows less and nothing new.
    LessPermissive,
    /// Each version allows something the other refuses.
    Incomparable,
}

impl Verdict {
    /// The verdict in words.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Equivalent => "equivalent",
            Verdict::MorePermissive => "more permissive",
            Verdict::LessPermissive => "less permissive",
            Verdict::Incomparable => "incomparable",
        }
    }

    /// The verdict of a report.
    pub fn of(report: &DiffReport) -> Verdict {
        match (report.newly_allowed > 0, report.newly_denied > 0) {
            (false, false) => Verdict::Equivalent,
            (true, false) => Verdict::MorePermissive,
            (false, true) => Verdict::LessPermissive,
            (true, true) => Verdict::Incomparable,
        }
    }
}

/// The comparison of two policy documents.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentDiff {
    /// The policy type both versions were read as.
    pub policy_type: PolicyType,
    /// The verdict.
    pub verdict: Verdict,
    /// A request the after version allows and the before version refuses, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub more_permissive_witness: Option<Witness>,
    /// A request the before version allows and the after version refuses, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub less_permissive_witness: Option<Witness>,
    /// The full comparison over the harness account the documents are placed in.
    pub report: DiffReport,
}

/// Keys AWS derives from the principal or the resource: the comparison varies them through the
/// principals and resources, never as free context.
pub(crate) fn derived_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    [
        "aws:username",
        "aws:userid",
        "aws:principalarn",
        "aws:principalaccount",
        "aws:principaltype",
        "aws:principalisawsservice",
        "aws:resourceaccount",
    ]
    .contains(&k.as_str())
        || k.starts_with("aws:principaltag/")
        || k.starts_with("aws:resourcetag/")
}

/// Every policy text either version holds, with its type.
fn policy_texts<'s>(
    scenario: &'s Scenario,
    managed: Option<&'s ManagedPolicies>,
) -> Vec<(&'s str, PolicyType)> {
    let mut texts: Vec<(&str, PolicyType)> = Vec::new();
    let mut refs: Vec<&PolicyRef> = Vec::new();
    let inline = |list: &'s [InlinePolicy], texts: &mut Vec<(&'s str, PolicyType)>| {
        texts.extend(
            list.iter()
                .map(|p| (p.document.as_str(), PolicyType::Identity)),
        );
    };
    for u in &scenario.users {
        inline(&u.inline_policies, &mut texts);
        refs.extend(&u.managed_policies);
        refs.extend(&u.permissions_boundary);
    }
    for g in &scenario.groups {
        inline(&g.inline_policies, &mut texts);
        refs.extend(&g.managed_policies);
    }
    for r in &scenario.roles {
        texts.push((r.trust_policy.as_str(), PolicyType::Trust));
        inline(&r.inline_policies, &mut texts);
        refs.extend(&r.managed_policies);
        refs.extend(&r.permissions_boundary);
    }
    for e in &scenario.external_principals {
        inline(&e.policies, &mut texts);
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
            texts.extend(
                level
                    .rcps
                    .iter()
                    .map(|p| (p.document.as_str(), PolicyType::Rcp)),
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
    texts
}

/// What one condition key is compared with, over both versions.
#[derive(Debug, Default)]
struct KeyUse {
    /// The key as first spelled.
    key: String,
    ty: Option<ContextKeyType>,
    set: bool,
    literals: Vec<String>,
}

/// What the policies of both versions name: resource patterns, literal actions, condition
/// literals, and what falls outside the model.
#[derive(Debug, Default)]
struct Vocabulary {
    patterns: Vec<String>,
    actions: Vec<String>,
    keys: Vec<KeyUse>,
    outside: Vec<String>,
    /// Every Resource and NotResource entry, as the evaluation reads it (with the document's
    /// language version), once each.
    resource_entries: Vec<Template>,
    /// The entries of `resource_entries`, by text and whether variables are read.
    seen_entries: HashSet<(String, bool)>,
}

pub(crate) fn operator_type(operator: &str) -> (Option<ContextKeyType>, bool, bool) {
    let (set, rest) = if let Some(r) = operator.strip_prefix("ForAnyValue:") {
        (true, r)
    } else if let Some(r) = operator.strip_prefix("ForAllValues:") {
        (true, r)
    } else {
        (false, operator)
    };
    let base = rest.strip_suffix("IfExists").unwrap_or(rest);
    let ty = if base.starts_with("String") || base.starts_with("Arn") {
        Some(ContextKeyType::String)
    } else if base.starts_with("Numeric") {
        Some(ContextKeyType::Numeric)
    } else if base.starts_with("Date") {
        Some(ContextKeyType::Date)
    } else if base == "Bool" {
        Some(ContextKeyType::Boolean)
    } else if base == "IpAddress" || base == "NotIpAddress" {
        Some(ContextKeyType::Ip)
    } else if base == "BinaryEquals" {
        Some(ContextKeyType::Binary)
    } else {
        None
    };
    let known = ty.is_some() || base == "Null";
    (ty, set, known)
}

/// A policy variable (`${aws:username}`) made into a wildcard, for region splitting.
fn without_variables(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(at) = rest.find("${") {
        out.push_str(rest.get(..at).unwrap_or(""));
        match rest.get(at..).and_then(|r| r.find('}')) {
            Some(end) => {
                out.push('*');
                rest = rest.get(at + end + 1..).unwrap_or("");
            }
            None => {
                rest = rest.get(at..).unwrap_or("");
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

impl Vocabulary {
    fn read(&mut self, texts: &[(&str, PolicyType)], catalog: Option<&Catalog>) {
        let mut seen_patterns: HashSet<String> = self.patterns.iter().cloned().collect();
        let mut seen_actions: HashSet<String> = self
            .actions
            .iter()
            .map(|a| a.to_ascii_lowercase())
            .collect();
        let mut key_at: HashMap<String, usize> = self
            .keys
            .iter()
            .enumerate()
            .map(|(i, k)| (k.key.to_ascii_lowercase(), i))
            .collect();
        for (text, ty) in texts {
            let parsed = parse_policy(text, *ty);
            let version = parsed.document.effective_version();
            for statement in &parsed.document.statements {
                if let Some(resource) = &statement.resource {
                    for item in &resource.items {
                        // As the compiled statement reads the entry (see `ResourceMatcher`).
                        let variables = version.supports_variables();
                        if self.seen_entries.insert((item.value.clone(), variables)) {
                            self.resource_entries.push(
                                Template::parse(&item.value, version)
                                    .unwrap_or_else(|_| Template::text(&item.value)),
                            );
                        }
                        let p = without_variables(item.value.trim());
                        if p != "*" && !p.is_empty() && seen_patterns.insert(p.clone()) {
                            self.patterns.push(p);
                        }
                    }
                }
                if let Some(action) = &statement.action {
                    for item in &action.items {
                        let a = item.value.trim();
                        if a.contains(':')
                            && !a.contains(['*', '?'])
                            && catalog.is_none_or(|c| c.action(a).is_none())
                            && seen_actions.insert(a.to_ascii_lowercase())
                        {
                            self.actions.push(a.to_string());
                        }
                    }
                }
                for entry in &statement.condition {
                    let key = entry.key.value.trim();
                    let operator = entry.operator.value.trim();
                    let (kty, set, known) = operator_type(operator);
                    if !known {
                        self.note(format!(
                            "condition operator {operator} is not split into regions: its key {key} only takes the values other operators name"
                        ));
                    }
                    if derived_key(key) {
                        self.note(format!(
                            "{key} is derived from the principal or resource, so it varies only with them"
                        ));
                        continue;
                    }
                    let at = *key_at.entry(key.to_ascii_lowercase()).or_insert_with(|| {
                        self.keys.push(KeyUse {
                            key: key.to_string(),
                            ..KeyUse::default()
                        });
                        self.keys.len() - 1
                    });
                    let Some(k) = self.keys.get_mut(at) else {
                        continue;
                    };
                    if k.ty.is_none() {
                        k.ty = kty;
                    }
                    k.set |= set;
                    if operator != "Null" {
                        for v in &entry.values {
                            let v = v.value.trim().to_string();
                            if !k.literals.contains(&v) {
                                k.literals.push(v);
                            }
                        }
                    }
                }
            }
        }
    }

    fn note(&mut self, text: String) {
        if !self.outside.contains(&text) {
            self.outside.push(text);
        }
    }
}

/// The integers just below and just above the decimal `text` (`-?digits.digits`), read exactly
/// (no floating point, which would also bring its parser's tables into every page that
/// simulates): `2.5` → (2, 3), `-2.5` → (-3, -2), `2.0` → (1, 3).
fn integers_around(text: &str) -> Option<(i64, i64)> {
    let (whole, fraction) = text.split_once('.')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let magnitude = whole.strip_prefix('-').unwrap_or(whole);
    if !digits(magnitude) || !digits(fraction) {
        return None;
    }
    let n: i64 = whole.parse().ok()?;
    let negative = whole.starts_with('-');
    let exact = fraction.bytes().all(|b| b == b'0');
    let below = if negative || exact {
        n.checked_sub(1)?
    } else {
        n
    };
    let above = if negative && !exact {
        n
    } else {
        n.checked_add(1)?
    };
    Some((below, above))
}

/// Representative values for a key of type `ty` compared against `literals`: each literal,
/// with wildcards filled, numbers and dates around it, an address inside each range, and one
/// value matching none.
pub(crate) fn representatives(ty: ContextKeyType, literals: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |v: String| {
        if !out.contains(&v) {
            out.push(v);
        }
    };
    match ty {
        ContextKeyType::Numeric | ContextKeyType::NumericList => {
            for l in literals {
                if let Ok(n) = l.parse::<i64>() {
                    add((n.saturating_sub(1)).to_string());
                    add(n.to_string());
                    add((n.saturating_add(1)).to_string());
                } else if let Some((below, above)) = integers_around(l) {
                    add(below.to_string());
                    add(l.clone());
                    add(above.to_string());
                } else {
                    add(l.clone());
                }
            }
            add("0".into());
        }
        ContextKeyType::Date | ContextKeyType::DateList => {
            for l in literals {
                if let Ok(n) = l.parse::<i64>() {
                    add((n.saturating_sub(1)).to_string());
                    add(n.to_string());
                    add((n.saturating_add(1)).to_string());
                } else {
                    add(l.clone());
                }
            }
            add("1970-01-01T00:00:00Z".into());
            add("2999-12-31T23:59:59Z".into());
        }
        ContextKeyType::Boolean | ContextKeyType::BooleanList => {
            add("true".into());
            add("false".into());
        }
        ContextKeyType::Ip | ContextKeyType::IpList => {
            for l in literals {
                add(l.split('/').next().unwrap_or(l).to_string());
            }
            add("203.0.113.7".into());
            add("2001:db8::7".into());
        }
        _ => {
            for l in literals {
                add(l.clone());
                if l.contains(['*', '?']) {
                    add(l.replace(['*', '?'], "x"));
                }
            }
            add("diff-other-value".into());
        }
    }
    out
}

pub(crate) fn list_type(ty: ContextKeyType) -> ContextKeyType {
    match ty {
        ContextKeyType::String => ContextKeyType::StringList,
        ContextKeyType::Numeric => ContextKeyType::NumericList,
        ContextKeyType::Boolean => ContextKeyType::BooleanList,
        ContextKeyType::Ip => ContextKeyType::IpList,
        ContextKeyType::Binary => ContextKeyType::BinaryList,
        ContextKeyType::Date => ContextKeyType::DateList,
        other => other,
    }
}

/// The context regions: per key its representative entries (absent first), then the
/// combinations (all, or one key at a time over the all-absent baseline).
fn context_regions(vocab: &mut Vocabulary) -> Vec<Vec<ContextValue>> {
    let mut per_key: Vec<Vec<Option<ContextValue>>> = Vec::new();
    for k in &vocab.keys {
        let ty = k.ty.unwrap_or(ContextKeyType::String);
        let reps = representatives(ty, &k.literals);
        let mut options: Vec<Option<ContextValue>> = vec![None];
        if k.set {
            let lty = list_type(ty);
            for r in &reps {
                options.push(Some(ContextValue {
                    key: k.key.clone(),
                    ty: lty,
                    values: vec![r.clone()],
                }));
            }
            if let (Some(first), Some(last)) = (reps.first(), reps.last())
                && first != last
            {
                options.push(Some(ContextValue {
                    key: k.key.clone(),
                    ty: lty,
                    values: vec![first.clone(), last.clone()],
                }));
            }
        } else {
            for r in reps {
                options.push(Some(ContextValue {
                    key: k.key.clone(),
                    ty,
                    values: vec![r],
                }));
            }
        }
        per_key.push(options);
    }
    let product = per_key
        .iter()
        .try_fold(1usize, |acc, o| acc.checked_mul(o.len()))
        .unwrap_or(usize::MAX);
    if product <= MAX_CONTEXTS {
        let mut out: Vec<Vec<ContextValue>> = vec![Vec::new()];
        for options in &per_key {
            let mut next = Vec::with_capacity(out.len() * options.len());
            for base in &out {
                for o in options {
                    let mut c = base.clone();
                    c.extend(o.iter().cloned());
                    next.push(c);
                }
            }
            out = next;
        }
        out
    } else {
        vocab.note(format!(
            "the condition keys' values give {} combinations, over {MAX_CONTEXTS}: each key is varied alone, the others absent",
            if product == usize::MAX { "too many".to_string() } else { product.to_string() }
        ));
        let mut out: Vec<Vec<ContextValue>> = vec![Vec::new()];
        for options in &per_key {
            out.extend(options.iter().flatten().map(|o| vec![o.clone()]));
        }
        out
    }
}

/// The resource regions of the patterns and ARNs, plus "any other resource" (`*`), last.
fn resource_regions(patterns: &[String]) -> Vec<ResourceRegion> {
    let compiled: Vec<Pattern> = patterns.iter().map(|p| Pattern::glob(p)).collect();
    let mut out: Vec<ResourceRegion> = Vec::new();
    let mut reps: HashSet<String> = HashSet::new();
    for (i, p) in patterns.iter().enumerate() {
        let candidates: Vec<String> = if p.contains(['*', '?']) {
            ["x", "zq9-diff", "", "x/x"]
                .iter()
                .map(|f| p.replace('*', f).replace('?', "q"))
                .collect()
        } else {
            vec![p.clone()]
        };
        let score = |c: &String| {
            compiled
                .iter()
                .enumerate()
                .filter(|(j, q)| *j != i && resource_matches(q, c))
                .count()
        };
        let best = candidates
            .iter()
            .filter(|c| compiled.get(i).is_some_and(|q| resource_matches(q, c)))
            .min_by_key(|c| score(c))
            .cloned()
            .unwrap_or_else(|| p.clone());
        if reps.insert(best.clone()) {
            out.push(ResourceRegion {
                pattern: p.clone(),
                representative: best,
            });
        }
    }
    out.push(ResourceRegion {
        pattern: "*".into(),
        representative: "*".into(),
    });
    out
}

/// Per resource region, the region whose row of decisions is also its own: `other` for the
/// actions other than `sts:AssumeRole*`, `assume` for those. A region stands for itself or
/// for an earlier one.
///
/// Why two regions decide alike, for any principal, action class and context: the request
/// built for a region's representative reads it only
/// - to find the scenario resource that covers it (its policy and tags) and, for
///   `sts:AssumeRole*`, the role it names (its trust policy): a region some resource of either
///   version covers stands alone, and for `sts:AssumeRole*` a role's ARN does;
/// - for the resource's account (`arn_account`, else the account's own): part of the key,
///   per version;
/// - in the evaluation, for whether it is a KMS key's ARN (a key policy governs only those):
///   part of the key;
/// - in each statement's Resource or NotResource entries: part of the key, one hit per entry
///   of either version. An entry with a policy variable resolves per request: a region the
///   entry could match with some value of its variables (each a `*`) stands alone, and in the
///   others the entry matches nothing, whatever the values.
struct RegionLeaders {
    other: Vec<usize>,
    assume: Vec<usize>,
}

fn region_leaders(
    before: &Scenario,
    after: &Scenario,
    entries: &[Template],
    regions: &[ResourceRegion],
    group: bool,
) -> RegionLeaders {
    let alone = || RegionLeaders {
        other: (0..regions.len()).collect(),
        assume: (0..regions.len()).collect(),
    };
    if !group {
        return alone();
    }
    #[derive(Clone, PartialEq, Eq, Hash)]
    enum Key {
        Alone(usize),
        Alike {
            accounts: [String; 2],
            kms_key: bool,
            hits: Vec<bool>,
        },
    }
    let patterns: Vec<(bool, Pattern)> = entries
        .iter()
        .map(|t| (t.has_variables(), t.any_value_pattern()))
        .collect();
    let sides = [before, after];
    let mut first_other: HashMap<Key, usize> = HashMap::new();
    let mut first_assume: HashMap<(Key, Option<&str>), usize> = HashMap::new();
    let mut out = RegionLeaders {
        other: Vec::with_capacity(regions.len()),
        assume: Vec::with_capacity(regions.len()),
    };
    for (i, region) in regions.iter().enumerate() {
        let rep = region.representative.as_str();
        let covered = sides
            .iter()
            .any(|s| s.resources.iter().any(|r| r.covers(&s.account, rep)));
        let variable = patterns.iter().any(|(v, p)| *v && resource_matches(p, rep));
        let key = if covered || variable {
            Key::Alone(i)
        } else {
            let arn_account = rep.split(':').nth(4).filter(|a| !a.is_empty());
            let account = |s: &Scenario| arn_account.unwrap_or(&s.account.id).to_string();
            Key::Alike {
                accounts: [account(before), account(after)],
                kms_key: is_kms_key_arn(rep),
                hits: patterns
                    .iter()
                    .filter(|(v, _)| !v)
                    .map(|(_, p)| resource_matches(p, rep))
                    .collect(),
            }
        };
        let role = sides
            .iter()
            .any(|s| s.roles.iter().any(|r| s.role_arn(r) == rep))
            .then_some(rep);
        out.other.push(*first_other.entry(key.clone()).or_insert(i));
        out.assume
            .push(*first_assume.entry((key, role)).or_insert(i));
    }
    out
}

/// The principal in words.
pub fn principal_label(principal: &PrincipalRef) -> String {
    match principal {
        PrincipalRef::Root => "the root user".into(),
        PrincipalRef::User(n) => format!("user {n}"),
        PrincipalRef::Role(n) => format!("role {n}"),
        PrincipalRef::Other(t) => t.clone(),
    }
}

/// The columns of a comparison: the catalog's actions and the literal actions it lacks, each
/// with its service and access level.
struct Columns {
    actions: Vec<String>,
    services: Vec<String>,
    levels: Vec<String>,
    matrix: MatrixColumns,
    /// Whether each column is an `sts:AssumeRole*` action (whose request reads the role the
    /// resource names; see [`RegionLeaders`]).
    assume: Vec<bool>,
    /// Columns by lower-case service prefix.
    by_service: HashMap<String, Vec<usize>>,
    /// Per policy text, the columns its statements may match.
    matched: HashMap<String, Vec<bool>>,
}

impl Columns {
    /// The columns some statement of the policy `text` may match: its Action entries'
    /// matches, every column for a NotAction, a statement without Action or text that does
    /// not parse.
    fn matched_by(&mut self, text: &str) -> &[bool] {
        if !self.matched.contains_key(text) {
            let mut bits = vec![false; self.actions.len()];
            // The policy type only changes which elements are required; any type reads the
            // Action elements alike.
            let parsed = parse_policy(text, PolicyType::Identity);
            let mut all = parsed.document.statements.is_empty() && !text.trim().is_empty();
            for statement in &parsed.document.statements {
                match &statement.action {
                    Some(action) if !action.negated => {
                        for item in &action.items {
                            let pattern = item.value.trim().to_ascii_lowercase();
                            let compiled = Pattern::glob(&pattern);
                            let service = pattern.split_once(':').map(|(s, _)| s);
                            let candidates: Box<dyn Iterator<Item = usize>> = match service {
                                Some(s) if !s.contains(['*', '?']) => {
                                    Box::new(self.by_service.get(s).into_iter().flatten().copied())
                                }
                                _ => Box::new(0..self.actions.len()),
                            };
                            for c in candidates {
                                if let (Some(a), Some(bit)) = (self.actions.get(c), bits.get_mut(c))
                                    && !*bit
                                    && crate::matching::action_matches(&compiled, a)
                                {
                                    *bit = true;
                                }
                            }
                        }
                    }
                    _ => all = true,
                }
            }
            if all {
                bits.iter_mut().for_each(|b| *b = true);
            }
            self.matched.insert(text.to_string(), bits);
        }
        self.matched.get(text).map_or(&[], Vec::as_slice)
    }
}

fn columns(catalog: Option<&Catalog>, extra: &[String]) -> Columns {
    let mut actions = Vec::new();
    let mut levels = Vec::new();
    let mut services = Vec::new();
    if let Some(c) = catalog {
        for service in c.services() {
            for a in service.actions() {
                actions.push(a.full_name());
                levels.push(a.access_level().as_str().to_string());
                services.push(service.prefix().to_string());
            }
        }
    }
    for a in extra {
        actions.push(a.clone());
        let (service, _) = a.split_once(':').unwrap_or((a.as_str(), ""));
        services.push(service.to_ascii_lowercase());
        levels.push("Unknown".into());
    }
    let mut by_service: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, s) in services.iter().enumerate() {
        by_service
            .entry(s.to_ascii_lowercase())
            .or_default()
            .push(i);
    }
    Columns {
        matrix: MatrixColumns::new(&actions),
        assume: actions.iter().map(|a| preparation_class(a) == 1).collect(),
        actions,
        services,
        levels,
        by_service,
        matched: HashMap::new(),
    }
}

/// The decisions of one row over `subset` (the columns to decide, every column when `None`;
/// the others are left implicit denies), or all refused when the principal does not exist on
/// that side.
fn row(
    model: &Model<'_>,
    principal: &PrincipalRef,
    resource: &str,
    context: &[ContextValue],
    cols: &mut Columns,
    subset: Option<&(Vec<usize>, Vec<String>)>,
    out: &mut Vec<Decision>,
) {
    out.clear();
    match MatrixRowPlan::new(
        model.scenario,
        model.managed,
        model.cache,
        principal,
        resource,
        context,
    ) {
        Ok(mut plan) => match subset {
            None => plan.decide_columns(
                model.scenario,
                model.managed,
                model.cache,
                &cols.actions,
                &mut cols.matrix,
                out,
            ),
            Some((columns, actions)) => {
                let mut decided = Vec::with_capacity(actions.len());
                plan.decide_into(
                    model.scenario,
                    model.managed,
                    model.cache,
                    actions,
                    &mut decided,
                );
                out.resize(cols.actions.len(), Decision::ImplicitDeny);
                for (&c, d) in columns.iter().zip(decided) {
                    if let Some(slot) = out.get_mut(c) {
                        *slot = d;
                    }
                }
            }
        },
        Err(_) => out.resize(cols.actions.len(), Decision::ImplicitDeny),
    }
}

/// One side of a witness: the simulator's evaluation, its summary and deciding statements.
fn witness_side(
    model: &Model<'_>,
    w: &(PrincipalRef, String, String, Vec<ContextValue>),
) -> WitnessSide {
    match model.evaluate(&w.0, &w.1, &w.2, &w.3) {
        Ok(result) => {
            // The engine's summary names the deciding statements; without one, they alone.
            let reasons = if result.evaluation.summary.is_empty() {
                deciding_statements(&result)
                    .iter()
                    .map(|d| statement_words(model.scenario, d))
                    .collect()
            } else {
                vec![result.evaluation.summary.clone()]
            };
            WitnessSide {
                decision: result.evaluation.decision,
                reasons,
            }
        }
        Err(_) => WitnessSide {
            decision: Decision::ImplicitDeny,
            reasons: vec![format!(
                "{} does not exist in this version",
                principal_label(&w.0)
            )],
        },
    }
}

/// What decisions read, as text: for one principal (its attributes and its identity and
/// boundary texts) or for every principal alike (the [`world`]). Where two versions agree on
/// all of it, they decide alike; where they agree on all but some policy texts, only the
/// actions those texts' statements may match can differ.
#[derive(Debug, PartialEq, Eq)]
struct Inputs {
    /// What is not a policy text (the principal's attributes and whether it has a boundary;
    /// the account, the organization's shape, the resources' and roles' attributes). Any
    /// difference here and every action is compared.
    shape: String,
    /// Policy texts by layer, each sorted: identity (with groups') and boundary; or each SCP
    /// level, each RCP level, and the resource-side texts (resource and trust policies).
    layers: Vec<Vec<String>>,
}

fn resolve<'s>(
    scenario: &'s Scenario,
    managed: Option<&'s ManagedPolicies>,
    r: &PolicyRef,
) -> String {
    match r {
        PolicyRef::Aws(arn) => managed
            .and_then(|m| m.get(arn))
            .map_or_else(|| format!("aws-managed:{arn}"), |p| p.document.to_string()),
        _ => scenario
            .policy(r.name())
            .map_or_else(|| format!("missing:{}", r.name()), |p| p.document.clone()),
    }
}

fn inputs(model: &Model<'_>, principal: &PrincipalRef) -> Option<Inputs> {
    let s = model.scenario;
    let mut identity: Vec<String> = Vec::new();
    let mut boundary: Vec<String> = Vec::new();
    let own = match principal {
        PrincipalRef::Root => "root".to_string(),
        PrincipalRef::User(name) => {
            let u = s.user(name)?;
            identity.extend(u.inline_policies.iter().map(|p| p.document.clone()));
            identity.extend(
                u.managed_policies
                    .iter()
                    .map(|r| resolve(s, model.managed, r)),
            );
            boundary.extend(
                u.permissions_boundary
                    .iter()
                    .map(|r| resolve(s, model.managed, r)),
            );
            for g in u.groups.iter().filter_map(|g| s.group(g)) {
                identity.extend(g.inline_policies.iter().map(|p| p.document.clone()));
                identity.extend(
                    g.managed_policies
                        .iter()
                        .map(|r| resolve(s, model.managed, r)),
                );
            }
            let mut bare = u.clone();
            bare.inline_policies.clear();
            bare.managed_policies.clear();
            bare.permissions_boundary = None;
            bare.groups.clear();
            serde_json::to_string(&bare).unwrap_or_default()
        }
        PrincipalRef::Role(name) => {
            let r = s.role(name)?;
            identity.extend(r.inline_policies.iter().map(|p| p.document.clone()));
            identity.extend(
                r.managed_policies
                    .iter()
                    .map(|p| resolve(s, model.managed, p)),
            );
            boundary.extend(
                r.permissions_boundary
                    .iter()
                    .map(|p| resolve(s, model.managed, p)),
            );
            let mut bare = r.clone();
            bare.inline_policies.clear();
            bare.managed_policies.clear();
            bare.permissions_boundary = None;
            bare.trust_policy.clear();
            serde_json::to_string(&bare).unwrap_or_default()
        }
        PrincipalRef::Other(t) => {
            return Some(Inputs {
                shape: format!("other:{t}"),
                layers: Vec::new(),
            });
        }
    };
    // A boundary attached or detached changes every action's decision: part of the shape.
    let shape = format!("{own}\nboundaries: {}", boundary.len());
    let mut layers = vec![identity, boundary];
    for l in &mut layers {
        l.sort();
    }
    Some(Inputs { shape, layers })
}

/// What every principal's decisions read alike, made once per side: the account, the
/// organization's shape and policies, the resources' and roles' attributes and the
/// resource-side texts (resource and trust policies).
fn world(s: &Scenario) -> Inputs {
    let mut world: Vec<String> = s.roles.iter().map(|r| r.trust_policy.clone()).collect();
    world.extend(s.resources.iter().filter_map(|r| r.policy.clone()));
    let mut shape = format!(
        "{}\n{}",
        serde_json::to_string(&s.account).unwrap_or_default(),
        s.organization
            .as_ref()
            .map_or_else(String::new, |o| format!(
                "{} {:?} {:?}",
                o.management_account,
                o.levels
                    .iter()
                    .map(|l| l.scps.len().min(1))
                    .collect::<Vec<_>>(),
                o.levels
                    .iter()
                    .map(|l| l.rcps.len().min(1))
                    .collect::<Vec<_>>()
            ))
    );
    for r in &s.resources {
        let mut bare = r.clone();
        bare.policy = bare.policy.map(|_| String::new());
        shape.push_str(&serde_json::to_string(&bare).unwrap_or_default());
    }
    for r in &s.roles {
        shape.push_str(&format!(
            "\n{} {} {:?}",
            s.role_arn(r),
            r.max_session_duration,
            r.tags
        ));
    }
    let mut layers = Vec::new();
    if let Some(org) = &s.organization {
        for l in &org.levels {
            layers.push(l.scps.iter().map(|p| p.document.clone()).collect());
        }
        for l in &org.levels {
            layers.push(l.rcps.iter().map(|p| p.document.clone()).collect());
        }
    }
    layers.push(world);
    for l in &mut layers {
        l.sort();
    }
    Inputs { shape, layers }
}

/// Which columns can differ for a principal between two versions: all of them (`None`) when
/// the shapes differ, otherwise those some statement of a policy text present on one side
/// only may match (by its Action or NotAction element).
fn changed_columns(
    before: Option<&Inputs>,
    after: Option<&Inputs>,
    cols: &mut Columns,
) -> Option<Vec<bool>> {
    let (Some(b), Some(a)) = (before, after) else {
        return None;
    };
    if b.shape != a.shape || b.layers.len() != a.layers.len() {
        return None;
    }
    let mut changed = vec![false; cols.actions.len()];
    for (lb, la) in b.layers.iter().zip(&a.layers) {
        if lb == la {
            continue;
        }
        // The multiset difference, both ways (each layer is sorted).
        let (mut i, mut j) = (0, 0);
        let mut differing: Vec<&String> = Vec::new();
        while i < lb.len() || j < la.len() {
            match (lb.get(i), la.get(j)) {
                (Some(x), Some(y)) if x == y => {
                    i += 1;
                    j += 1;
                }
                (Some(x), Some(y)) if x < y => {
                    differing.push(x);
                    i += 1;
                }
                (Some(_), Some(y)) => {
                    differing.push(y);
                    j += 1;
                }
                (Some(x), None) => {
                    differing.push(x);
                    i += 1;
                }
                (None, Some(y)) => {
                    differing.push(y);
                    j += 1;
                }
                (None, None) => break,
            }
        }
        for text in differing {
            let bits = cols.matched_by(text);
            for (c, m) in changed.iter_mut().zip(bits) {
                *c |= *m;
            }
        }
    }
    Some(changed)
}

/// Compares two versions of an account (see the module docs). `catalog` gives the action
/// columns (without it, only the literal actions the policies name are compared).
pub fn diff_scenarios(
    before: &Model<'_>,
    after: &Model<'_>,
    catalog: Option<&Catalog>,
) -> DiffReport {
    diff_scenarios_with(before, after, catalog, &DiffOptions::default())
}

/// How [`diff_scenarios_with`] works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DiffOptions {
    /// Decide only the actions a changed policy may match, and skip principals whose inputs
    /// are the same on both sides (on by default; off decides every cell, for tests that check
    /// the shortcut changes nothing).
    pub scope_to_changes: bool,
    /// Decide once for resource regions no policy of either version tells apart (on by
    /// default; off decides every region, for tests that check the shortcut changes nothing).
    pub group_regions: bool,
}

impl Default for DiffOptions {
    fn default() -> DiffOptions {
        DiffOptions {
            scope_to_changes: true,
            group_regions: true,
        }
    }
}

/// [`diff_scenarios`] with options.
pub fn diff_scenarios_with(
    before: &Model<'_>,
    after: &Model<'_>,
    catalog: Option<&Catalog>,
    options: &DiffOptions,
) -> DiffReport {
    let mut vocab = Vocabulary::default();
    // Each text once (an AWS-managed policy attached to many principals, and every text the
    // two versions share, is read once): reading a text again adds nothing.
    let mut seen: HashSet<(&str, PolicyType)> = HashSet::new();
    let texts: Vec<(&str, PolicyType)> = policy_texts(before.scenario, before.managed)
        .into_iter()
        .chain(policy_texts(after.scenario, after.managed))
        .filter(|t| seen.insert(*t))
        .collect();
    vocab.read(&texts, catalog);
    let mut patterns = vocab.patterns.clone();
    for s in [before.scenario, after.scenario] {
        for arn in s
            .roles
            .iter()
            .map(|r| s.role_arn(r))
            .chain(s.resources.iter().map(|r| r.arn(&s.account)))
        {
            if !patterns.contains(&arn) {
                patterns.push(arn);
            }
        }
    }
    let regions = resource_regions(&patterns);
    let contexts = context_regions(&mut vocab);
    if catalog.is_none() {
        vocab.note(
            "no action catalog: only the literal actions the policies name are compared".into(),
        );
    } else if !vocab.actions.is_empty() {
        vocab.note(format!(
            "{} action(s) the catalog does not know are compared as named ({}); their access level is Unknown",
            vocab.actions.len(),
            vocab.actions.join(", ")
        ));
    }
    vocab.note("actions unknown to both the catalog and the policies are not compared".into());
    vocab.note(
        "external principals, AWS services and anonymous callers are not compared as callers"
            .into(),
    );
    let mut cols = columns(catalog, &vocab.actions);

    let mut principals = matrix_principals(before.scenario);
    for p in matrix_principals(after.scenario) {
        if !principals.contains(&p) {
            principals.push(p);
        }
    }

    let mut report = DiffReport {
        principals_considered: principals.len(),
        actions_considered: cols.actions.len(),
        regions: regions.clone(),
        contexts_considered: contexts.len(),
        newly_allowed: 0,
        newly_denied: 0,
        changes: Vec::new(),
        outside_model: Vec::new(),
        summary: Vec::new(),
    };
    // What every principal reads alike is compared once.
    let (world_before, world_after) = (world(before.scenario), world(after.scenario));
    let world_changes = changed_columns(Some(&world_before), Some(&world_after), &mut cols);
    let leaders = region_leaders(
        before.scenario,
        after.scenario,
        &vocab.resource_entries,
        &regions,
        options.group_regions,
    );
    // Rows by region, per side (a region that another stands for keeps its last row unused).
    let mut left: Vec<Vec<Decision>> = vec![Vec::new(); regions.len()];
    let mut right: Vec<Vec<Decision>> = vec![Vec::new(); regions.len()];
    let every_column: Vec<usize> = (0..cols.actions.len()).collect();
    for principal in &principals {
        // Only the columns the change can reach are decided; none, and the principal is done.
        let changed = if options.scope_to_changes {
            match (
                &world_changes,
                changed_columns(
                    inputs(before, principal).as_ref(),
                    inputs(after, principal).as_ref(),
                    &mut cols,
                ),
            ) {
                (Some(w), Some(mut own)) => {
                    for (o, c) in own.iter_mut().zip(w) {
                        *o |= *c;
                    }
                    Some(own)
                }
                _ => None,
            }
        } else {
            None
        };
        let scoped: Option<Vec<usize>> = changed.as_ref().map(|bits| {
            bits.iter()
                .enumerate()
                .filter(|(_, b)| **b)
                .map(|(c, _)| c)
                .collect()
        });
        if scoped.as_ref().is_some_and(Vec::is_empty) {
            continue;
        }
        let scope: &[usize] = scoped.as_deref().unwrap_or(&every_column);
        // Many columns: the bitsets over all of them are quicker than one by one.
        let subset_of = |columns: Vec<usize>| -> Option<(Vec<usize>, Vec<String>)> {
            if columns.len() * 8 > cols.actions.len() {
                None
            } else {
                let actions = columns
                    .iter()
                    .filter_map(|&c| cols.actions.get(c).cloned())
                    .collect();
                Some((columns, actions))
            }
        };
        let subset = scoped.clone().and_then(subset_of);
        // The rows of regions that stand for themselves for `sts:AssumeRole*` only.
        let assume_columns: Vec<usize> = scope
            .iter()
            .copied()
            .filter(|&c| cols.assume.get(c).copied().unwrap_or(true))
            .collect();
        let assume_subset = subset_of(assume_columns.clone());
        // (direction, column, region) → the first context where it flips.
        let mut flips: BTreeMap<(Direction, usize, usize), usize> = BTreeMap::new();
        for (ci, context) in contexts.iter().enumerate() {
            for (ri, region) in regions.iter().enumerate() {
                let subset = if leaders.other.get(ri) == Some(&ri) {
                    subset.as_ref()
                } else if leaders.assume.get(ri) == Some(&ri) && !assume_columns.is_empty() {
                    assume_subset.as_ref()
                } else {
                    continue;
                };
                for (model, rows) in [(before, &mut left), (after, &mut right)] {
                    if let Some(out) = rows.get_mut(ri) {
                        row(
                            model,
                            principal,
                            &region.representative,
                            context,
                            &mut cols,
                            subset,
                            out,
                        );
                    }
                }
            }
            for ri in 0..regions.len() {
                for &column in scope {
                    let leader = if cols.assume.get(column).copied().unwrap_or(true) {
                        leaders.assume.get(ri)
                    } else {
                        leaders.other.get(ri)
                    };
                    let Some(&leader) = leader else { continue };
                    let decided = |rows: &[Vec<Decision>]| {
                        rows.get(leader)
                            .and_then(|r| r.get(column))
                            .is_some_and(|d| *d == Decision::Allowed)
                    };
                    let (a, b) = (decided(&left), decided(&right));
                    if a != b {
                        let d = if b {
                            Direction::NewlyAllowed
                        } else {
                            Direction::NewlyDenied
                        };
                        flips.entry((d, column, ri)).or_insert(ci);
                    }
                }
            }
        }
        if flips.is_empty() {
            continue;
        }
        // Per action and direction, the regions where it flips; an action that flips in every
        // region is one group over any resource, the others are grouped per region.
        let mut per_action: BTreeMap<(Direction, usize), Vec<(usize, usize)>> = BTreeMap::new();
        for ((d, column, ri), ci) in flips {
            per_action.entry((d, column)).or_default().push((ri, ci));
        }
        let mut groups: BTreeMap<GroupKey, Vec<(usize, usize, usize)>> = BTreeMap::new();
        let mut change = PrincipalChange {
            principal: String::from(principal.clone()),
            label: principal_label(principal),
            newly_allowed: 0,
            newly_denied: 0,
            groups: Vec::new(),
        };
        for ((d, column), cells) in per_action {
            match d {
                Direction::NewlyAllowed => change.newly_allowed += 1,
                Direction::NewlyDenied => change.newly_denied += 1,
            }
            let service = cols.services.get(column).cloned().unwrap_or_default();
            let level = cols.levels.get(column).cloned().unwrap_or_default();
            if cells.len() == regions.len() {
                let (ri, ci) = cells.first().copied().unwrap_or((0, 0));
                groups
                    .entry((d, service, level, EVERY_REGION))
                    .or_default()
                    .push((column, ri, ci));
            } else {
                for (ri, ci) in cells {
                    groups
                        .entry((d, service.clone(), level.clone(), ri))
                        .or_default()
                        .push((column, ri, ci));
                }
            }
        }
        for ((direction, service, level, group_region), cells) in groups {
            let resource = if group_region == EVERY_REGION {
                "*".to_string()
            } else {
                match regions.get(group_region) {
                    Some(r) if r.pattern == "*" => OTHER_RESOURCES.to_string(),
                    Some(r) => r.pattern.clone(),
                    None => continue,
                }
            };
            let actions: Vec<String> = cells
                .iter()
                .filter_map(|(c, _, _)| cols.actions.get(*c).cloned())
                .collect();
            let witness = cells.iter().find_map(|&(column, ri, ci)| {
                let request = (
                    principal.clone(),
                    cols.actions.get(column)?.clone(),
                    regions.get(ri)?.representative.clone(),
                    contexts.get(ci)?.clone(),
                );
                let b = witness_side(before, &request);
                let a = witness_side(after, &request);
                let verified =
                    (b.decision == Decision::Allowed) != (a.decision == Decision::Allowed);
                verified.then(|| Witness {
                    principal: String::from(request.0.clone()),
                    action: request.1.clone(),
                    resource: request.2.clone(),
                    context: request.3.clone(),
                    before: b,
                    after: a,
                    verified,
                })
            });
            let witness = match witness {
                Some(w) => w,
                None => {
                    // The bulk decision and the simulator disagree: keep the first request,
                    // marked unverified, so the disagreement is visible.
                    let Some(&(column, ri, ci)) = cells.first() else {
                        continue;
                    };
                    let request = (
                        principal.clone(),
                        cols.actions.get(column).cloned().unwrap_or_default(),
                        regions
                            .get(ri)
                            .map_or_else(|| "*".to_string(), |r| r.representative.clone()),
                        contexts.get(ci).cloned().unwrap_or_default(),
                    );
                    Witness {
                        principal: String::from(request.0.clone()),
                        action: request.1.clone(),
                        resource: request.2.clone(),
                        context: request.3.clone(),
                        before: witness_side(before, &request),
                        after: witness_side(after, &request),
                        verified: false,
                    }
                }
            };
            change.groups.push(ChangeGroup {
                direction,
                service,
                level,
                resource,
                actions,
                witness,
            });
        }
        report.newly_allowed += change.newly_allowed;
        report.newly_denied += change.newly_denied;
        report.changes.push(change);
    }
    report.outside_model = vocab.outside;
    report.summary = summary_lines(&report);
    report
}

/// The summary in words, one sentence per principal whose access changes: "role ci-deploy
/// gains 14 write actions on s3 in arn:aws:s3:::releases/*; user bob loses
/// iam:ChangePassword".
pub fn summary_lines(report: &DiffReport) -> Vec<String> {
    report
        .changes
        .iter()
        .map(|change| {
            let mut parts: Vec<String> = Vec::new();
            for direction in [Direction::NewlyAllowed, Direction::NewlyDenied] {
                let verb = match direction {
                    Direction::NewlyAllowed => "gains",
                    Direction::NewlyDenied => "loses",
                };
                let groups: Vec<&ChangeGroup> = change
                    .groups
                    .iter()
                    .filter(|g| g.direction == direction)
                    .collect();
                let phrases = if groups.len() > SUMMARY_GROUPS {
                    vec![rollup(&groups)]
                } else {
                    groups.iter().map(|g| group_phrase(g)).collect()
                };
                if !phrases.is_empty() {
                    parts.push(format!("{verb} {}", phrases.join(", ")));
                }
            }
            format!("{} {}", change.label, parts.join(" and "))
        })
        .collect()
}

/// Above this many groups in one direction, a principal's sentence counts by access level.
const SUMMARY_GROUPS: usize = 4;

fn place(resource: &str) -> String {
    if resource == "*" {
        String::new()
    } else {
        format!(" in {resource}")
    }
}

/// One group in words: the action (`iam:ChangePassword`) or how many of a level on a
/// service (`14 write actions on s3`), with the region unless it is every resource.
fn group_phrase(g: &ChangeGroup) -> String {
    match g.actions.as_slice() {
        [one] => format!("{one}{}", place(&g.resource)),
        many => format!(
            "{} {} actions on {}{}",
            many.len(),
            g.level.to_ascii_lowercase(),
            g.service,
            place(&g.resource)
        ),
    }
}

/// Many groups in words: how many actions on how many services, by access level.
fn rollup(groups: &[&ChangeGroup]) -> String {
    let mut actions: HashSet<&str> = HashSet::new();
    let mut services: HashSet<&str> = HashSet::new();
    let mut levels: Vec<(String, HashSet<&str>)> = Vec::new();
    for g in groups {
        services.insert(&g.service);
        let at = match levels.iter().position(|(l, _)| *l == g.level) {
            Some(at) => at,
            None => {
                levels.push((g.level.clone(), HashSet::new()));
                levels.len() - 1
            }
        };
        for a in &g.actions {
            actions.insert(a);
            if let Some((_, set)) = levels.get_mut(at) {
                set.insert(a);
            }
        }
    }
    let order = ["List", "Read", "Write", "Permissions management", "Tagging"];
    levels.sort_by_key(|(l, _)| order.iter().position(|o| o == l).unwrap_or(order.len()));
    let by_level: Vec<String> = levels
        .iter()
        .map(|(l, set)| format!("{} {}", set.len(), l.to_ascii_lowercase()))
        .collect();
    let first = groups.first().map_or("*", |g| g.resource.as_str());
    let same_place = groups.iter().all(|g| g.resource == first);
    format!(
        "{} actions on {} services ({}){}",
        actions.len(),
        services.len(),
        by_level.join(", "),
        if same_place {
            place(first)
        } else {
            " on several resources".to_string()
        }
    )
}

/// The summary as one text: the sentences joined with "; ", or "no change in access".
pub fn summary_text(report: &DiffReport) -> String {
    if report.summary.is_empty() {
        "no change in access".into()
    } else {
        report.summary.join("; ")
    }
}

/// The account id a document names first (`arn:aws:iam::123456789012:…`), else a default.
fn document_account(before: &str, after: &str) -> String {
    for text in [before, after] {
        let mut rest = text;
        while let Some(at) = rest.find("::") {
            let tail = rest.get(at + 2..).unwrap_or("");
            let digits: String = tail.chars().take_while(char::is_ascii_digit).collect();
            if digits.len() == 12 {
                return digits;
            }
            rest = tail;
        }
    }
    "111122223333".into()
}

const ALLOW_ALL: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

/// The harness account a document is placed in, by its type:
/// - identity or session policy: inline policy of user `subject`;
/// - permissions boundary: boundary of user `subject`, whose inline policy allows everything;
/// - SCP or RCP: the one organization level's policy over user `subject` allowing everything;
/// - trust policy: trust policy of role `subject-role`; user `subject` is allowed everything,
///   and every user the policy names by ARN in the account exists, with no policy;
/// - resource policy: the policy of the bucket, queue, topic or key its first ARN names
///   (`subject-bucket` otherwise); user `subject` has no policy, and every user the policy
///   names by ARN in the account exists, with no policy (principals of other accounts are
///   not compared as callers).
pub fn document_harness(
    document: &str,
    account: &str,
    policy_type: PolicyType,
) -> Option<Scenario> {
    let mut s = Scenario::new(account);
    s.title = "diff harness".into();
    let mut subject = User::new("subject");
    let inline = |doc: &str| InlinePolicy {
        name: "Document".into(),
        document: doc.to_string(),
    };
    match policy_type {
        PolicyType::Identity | PolicyType::Session => {
            subject.inline_policies.push(inline(document));
        }
        PolicyType::PermissionsBoundary => {
            subject.inline_policies.push(inline(ALLOW_ALL));
            s.policies.push(ManagedPolicy::new("Document", document));
            subject.permissions_boundary = Some(PolicyRef::customer("Document"));
        }
        PolicyType::Scp | PolicyType::Rcp => {
            subject.inline_policies.push(inline(ALLOW_ALL));
            let policy = OrgPolicy {
                name: "Document".into(),
                document: document.to_string(),
            };
            let mut level = OrgLevel {
                name: "Root".into(),
                scps: Vec::new(),
                rcps: Vec::new(),
            };
            if policy_type == PolicyType::Scp {
                level.scps.push(policy);
            } else {
                level.rcps.push(policy);
            }
            s.organization = Some(Organization {
                management_account: false,
                levels: vec![level],
            });
        }
        PolicyType::Trust => {
            subject.inline_policies.push(inline(ALLOW_ALL));
            s.roles.push(Role::new("subject-role", document));
        }
        PolicyType::Resource => {
            let mut resource = harness_resource(document, document);
            resource.policy = Some(document.to_string());
            s.resources.push(resource);
        }
        // A VPC endpoint policy filters requests made through its endpoint only, which no
        // harness request is: comparing two versions needs requests the harness cannot pick.
        PolicyType::VpcEndpoint => return None,
    }
    s.users.push(subject);
    Some(s)
}

/// The resource a resource policy is placed on: the bucket, queue, topic or key the first
/// ARN of either text names (`arn:aws:s3:::releases/*` → bucket `releases`), else bucket
/// `subject-bucket`.
fn harness_resource(before: &str, after: &str) -> Resource {
    for text in [before, after] {
        let parsed = parse_policy(text, PolicyType::Resource);
        for statement in &parsed.document.statements {
            for item in statement.resource.iter().flat_map(|r| &r.items) {
                let arn = item.value.trim();
                let plain = |name: &str| !name.is_empty() && !name.contains(['*', '?', '$']);
                if let Some(rest) = arn.strip_prefix("arn:aws:s3:::") {
                    let name = rest.split('/').next().unwrap_or(rest);
                    if plain(name) {
                        return Resource::new(ResourceKind::S3Bucket, name);
                    }
                }
                let parts: Vec<&str> = arn.splitn(6, ':').collect();
                if let [_, _, service, _, _, name] = parts.as_slice() {
                    let (kind, name) = match *service {
                        "sqs" => (ResourceKind::SqsQueue, *name),
                        "sns" => (ResourceKind::SnsTopic, *name),
                        "kms" => (
                            ResourceKind::KmsKey,
                            name.strip_prefix("key/").unwrap_or(name),
                        ),
                        _ => continue,
                    };
                    if plain(name) {
                        return Resource::new(kind, name);
                    }
                }
            }
        }
    }
    Resource::new(ResourceKind::S3Bucket, "subject-bucket")
}

/// Compares two versions of one policy document of `policy_type`, each placed in the same
/// harness account ([`document_harness`]); `None` when the harness cannot place the type
/// (every type is placed today).
pub fn diff_documents(
    before: &str,
    after: &str,
    policy_type: PolicyType,
    catalog: Option<&Catalog>,
    managed: Option<&ManagedPolicies>,
    cache: &crate::workbench::CompileCache,
) -> Option<DocumentDiff> {
    let account = document_account(before, after);
    let mut b = document_harness(before, &account, policy_type)?;
    let mut a = document_harness(after, &account, policy_type)?;
    if policy_type == PolicyType::Resource {
        // The same resource on both sides, whichever text names it.
        let resource = harness_resource(before, after);
        for s in [&mut b, &mut a] {
            if let Some(r) = s.resources.first_mut() {
                r.kind = resource.kind;
                r.name = resource.name.clone();
            }
        }
    }
    if matches!(policy_type, PolicyType::Trust | PolicyType::Resource) {
        // Users the policies name, in both harnesses, so both sides have them.
        let prefix = format!("arn:aws:iam::{account}:user/");
        let mut names: Vec<String> = Vec::new();
        for text in [before, after] {
            let mut rest = text;
            while let Some(at) = rest.find(&prefix) {
                let tail = rest.get(at + prefix.len()..).unwrap_or("");
                let name: String = tail
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(*c))
                    .collect();
                if !name.is_empty() && name != "subject" && !names.contains(&name) {
                    names.push(name);
                }
                rest = tail;
            }
        }
        for s in [&mut b, &mut a] {
            s.users.extend(names.iter().map(|n| User::new(n.clone())));
        }
    }
    let mb = Model {
        scenario: &b,
        managed,
        cache,
    };
    let ma = Model {
        scenario: &a,
        managed,
        cache,
    };
    let report = diff_scenarios(&mb, &ma, catalog);
    let first = |d: Direction| {
        report
            .changes
            .iter()
            .flat_map(|c| &c.groups)
            .find(|g| g.direction == d)
            .map(|g| g.witness.clone())
    };
    Some(DocumentDiff {
        policy_type,
        verdict: Verdict::of(&report),
        more_permissive_witness: first(Direction::NewlyAllowed),
        less_permissive_witness: first(Direction::NewlyDenied),
        report,
    })
}

#[cfg(test)]
mod tests {
    use super::{ContextKeyType, integers_around, representatives};

    #[test]
    fn decimals_get_the_integers_around_them() {
        assert_eq!(integers_around("2.5"), Some((2, 3)));
        assert_eq!(integers_around("-2.5"), Some((-3, -2)));
        assert_eq!(integers_around("-0.5"), Some((-1, 0)));
        assert_eq!(integers_around("2.0"), Some((1, 3)));
        assert_eq!(integers_around("-2.00"), Some((-3, -1)));
        // Not decimals: integers (read as such by the caller), exponents, text.
        for text in [
            "2",
            "2.",
            ".5",
            "1e3",
            "2.5x",
            "--2.5",
            "+2.5",
            "9223372036854775807.5",
        ] {
            assert_eq!(integers_around(text), None, "{text}");
        }
    }

    #[test]
    fn numeric_representatives_bracket_each_literal() {
        let literals = ["10".to_string(), "2.5".to_string(), "many".to_string()];
        assert_eq!(
            representatives(ContextKeyType::Numeric, &literals),
            ["9", "10", "11", "2", "2.5", "3", "many", "0"]
        );
    }
}
