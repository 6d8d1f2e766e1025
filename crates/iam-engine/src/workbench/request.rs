//! The simulator's request panel as pure logic: what a request is made of, which context keys
//! matter to it and what they default to, how a wildcard action becomes one row per action,
//! which resource ARNs to suggest, and the AccessDenied message AWS would return.
//!
//! The panel stores only what the user changed (a [`ContextOverride`] per key, holding its
//! [`KeySetting`]); everything else is a shown default that
//! this module computes from the principal, the scenario and a time the app passes in (the
//! engine has no clock).
//!
//! Context keys come in three states that AWS tells apart and that the panel makes explicit:
//! **absent** (the request has no such key: `Null` is true, `…IfExists` passes, a plain
//! operator fails), **empty** (the key is present with no values: still "null" for `Null`, but
//! `ForAllValues:` is true over it) and **set** (one or more values).

use std::collections::HashSet;

use serde::Serialize;

use crate::catalog::{Catalog, ConditionKeyType, ConditionValueType, ManagedPolicies};
use crate::context::{ContextEntry, ContextKeyType};
use crate::eval::{self, CallerKind, Decision, Evaluation, StepKind, Verdict};
use crate::policy::{PolicyDocument, PolicyType, parse_policy};
use crate::root_tasks::{RootTask, root_only_task};

use super::cache::CompileCache;
use super::simulate::{PreparedRequest, ScenarioEvaluation, SimulationError, prepare_request};
use crate::scenario::{
    ContextValue, InlinePolicy, PolicyRef, PrincipalRef, ResourceKind, Scenario,
};

/// How the panel writes a root-only task into the action field: `root-task:close-account`.
/// Root-only tasks are console operations without an IAM action, so they get their own prefix
/// rather than an invented action name.
pub const ROOT_TASK_PREFIX: &str = "root-task:";

/// A documentation-range address (RFC 5737 TEST-NET-3) shown as the default source IP, so a
/// default never claims to be a real client's address.
pub const DEFAULT_SOURCE_IP: &str = "203.0.113.10";

/// The most rows a wildcard action expands into; more are counted but not listed.
pub const MAX_ACTION_ROWS: usize = 200;

/// What the action field asks about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionQuery {
    /// Nothing usable yet; the text says what to type.
    Incomplete(String),
    /// A root-only task (see [`crate::root_tasks`]).
    RootTask(&'static RootTask),
    /// One or more actions: a single action gives one row, a wildcard one row per action.
    Actions {
        /// The actions, in catalog order (at most [`MAX_ACTION_ROWS`]).
        rows: Vec<String>,
        /// How many actions the pattern matched in all.
        total: usize,
    },
}

/// Reads the action field. `catalog` expands wildcards; without it a wildcard waits for it.
pub fn parse_action(text: &str, catalog: Option<&Catalog>) -> ActionQuery {
    let text = text.trim();
    if let Some(id) = text.strip_prefix(ROOT_TASK_PREFIX) {
        return match root_only_task(id) {
            Some(task) => ActionQuery::RootTask(task),
            None => ActionQuery::Incomplete(format!("There is no root-only task \"{id}\".")),
        };
    }
    if text.is_empty() {
        return ActionQuery::Incomplete(
            "Type an action as service:Action, for example s3:GetObject.".to_string(),
        );
    }
    let wildcard = text.contains(['*', '?']);
    if !wildcard {
        if !text.contains(':') {
            return ActionQuery::Incomplete(format!(
                "\"{text}\" is not service:Action, for example s3:GetObject."
            ));
        }
        let name = catalog
            .and_then(|c| c.action(text))
            .map_or_else(|| text.to_string(), |a| a.full_name());
        return ActionQuery::Actions {
            rows: vec![name],
            total: 1,
        };
    }
    let Some(catalog) = catalog else {
        return ActionQuery::Incomplete(
            "Wildcards expand once the action catalog has loaded.".to_string(),
        );
    };
    let all = catalog.expand(text);
    if all.is_empty() {
        return ActionQuery::Incomplete(format!("\"{text}\" matches no action AWS lists."));
    }
    ActionQuery::Actions {
        total: all.len(),
        rows: all
            .iter()
            .take(MAX_ACTION_ROWS)
            .map(|a| a.full_name())
            .collect(),
    }
}

/// Where a context key's default comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum KeyOrigin {
    /// AWS derives it from the principal (`aws:username`, `aws:PrincipalTag/*`, …).
    Principal,
    /// AWS derives it from the resource (`aws:ResourceAccount`, `aws:ResourceTag/*`).
    Resource,
    /// It depends on how the request is made (time, network, MFA); the panel shows a
    /// sensible default.
    Request,
    /// Only a policy mentions it; nothing supplies it unless the user does.
    Policy,
}

/// A context key the panel lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContextKeyRow {
    /// The key as a policy or AWS spells it.
    pub key: String,
    /// Its type.
    #[serde(rename = "type")]
    pub ty: ContextKeyType,
    /// The default: `None` when the key is absent unless the user sets it.
    pub default: Option<Vec<String>>,
    /// Where the default comes from.
    pub origin: KeyOrigin,
    /// Whether one of the relevant policies reads it.
    pub referenced: bool,
    /// Why the default is what it is, in a sentence.
    pub note: String,
}

/// What the user chose for one key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", content = "values", rename_all = "camelCase")]
pub enum KeySetting {
    /// Use the shown default.
    Default,
    /// The request has no such key.
    Absent,
    /// The key is present with no values.
    Empty,
    /// The key has these values.
    Set(Vec<String>),
}

/// One context key the user changed in the panel: its type and what they chose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContextOverride {
    /// The key as the user or a policy spells it.
    pub key: String,
    /// Its type.
    #[serde(rename = "type")]
    pub ty: ContextKeyType,
    /// What the user chose.
    pub setting: KeySetting,
}

/// Writes one override into the stored list (replacing any earlier one for the key);
/// [`KeySetting::Default`] removes it.
pub fn set_override(
    values: &mut Vec<ContextOverride>,
    key: &str,
    ty: ContextKeyType,
    setting: KeySetting,
) {
    values.retain(|v| !v.key.eq_ignore_ascii_case(key));
    if setting != KeySetting::Default {
        values.push(ContextOverride {
            key: key.to_string(),
            ty,
            setting,
        });
    }
}

/// The setting the overrides hold for `key`.
pub fn setting_for(values: &[ContextOverride], key: &str) -> KeySetting {
    values
        .iter()
        .find(|v| v.key.eq_ignore_ascii_case(key))
        .map_or(KeySetting::Default, |v| v.setting.clone())
}

/// The key whose value says which VPC endpoint a request goes through.
pub const SOURCE_VPCE: &str = "aws:SourceVpce";

/// The VPC endpoints a request can go through: each endpoint of the scenario as (id, label
/// such as `vpce-0a1b2c3d (com.amazonaws.us-east-1.s3)`), in scenario order.
pub fn vpc_endpoint_choices(scenario: &Scenario) -> Vec<(String, String)> {
    scenario
        .resources
        .iter()
        .filter(|r| r.kind == ResourceKind::VpcEndpoint)
        .map(|r| {
            let label = match &r.service_name {
                Some(service) => format!("{} ({service})", r.name),
                None => r.name.clone(),
            };
            (r.name.clone(), label)
        })
        .collect()
}

/// The VPC endpoint the panel's request goes through: the one value its `aws:SourceVpce`
/// override is set to, if any.
pub fn through_endpoint(values: &[ContextOverride]) -> Option<String> {
    match setting_for(values, SOURCE_VPCE) {
        KeySetting::Set(v) if v.len() == 1 => v.into_iter().next(),
        _ => None,
    }
}

/// Sends the panel's request through the VPC endpoint `id` (sets `aws:SourceVpce`), or
/// through none (`None`: back to the key's default, absent).
pub fn set_through_endpoint(values: &mut Vec<ContextOverride>, id: Option<&str>) {
    let setting = match id {
        Some(id) if !id.is_empty() => KeySetting::Set(vec![id.to_string()]),
        _ => KeySetting::Default,
    };
    set_override(values, SOURCE_VPCE, ContextKeyType::String, setting);
}

/// A saved test's context as the panel's overrides: each entry sets its key (an entry with no
/// values makes it empty).
pub fn overrides_from_values(values: &[ContextValue]) -> Vec<ContextOverride> {
    values
        .iter()
        .map(|v| ContextOverride {
            key: v.key.clone(),
            ty: v.ty,
            setting: if v.values.is_empty() {
                KeySetting::Empty
            } else {
                KeySetting::Set(v.values.clone())
            },
        })
        .collect()
}

/// The overrides that put a key into the request (set or empty), as context values: what a
/// request carries from the user alone, for the AWS CLI input.
pub fn present_values(values: &[ContextOverride]) -> Vec<ContextValue> {
    values
        .iter()
        .filter_map(|v| {
            match &v.setting {
                KeySetting::Set(values) => Some(values.clone()),
                KeySetting::Empty => Some(Vec::new()),
                KeySetting::Default | KeySetting::Absent => None,
            }
            .map(|values| ContextValue {
                key: v.key.clone(),
                ty: v.ty,
                values,
            })
        })
        .collect()
}

/// The key's value after the user's choice: `None` for absent, `Some(vec![])` for empty.
pub fn effective(row: &ContextKeyRow, setting: &KeySetting) -> Option<Vec<String>> {
    match setting {
        KeySetting::Default => row.default.clone(),
        KeySetting::Absent => None,
        KeySetting::Empty => Some(Vec::new()),
        KeySetting::Set(v) => Some(v.clone()),
    }
}

/// The request's principal, described for the defaults.
struct PrincipalFacts {
    kind: Option<CallerKind>,
    username: Option<String>,
    mfa_device: bool,
    console: bool,
}

fn principal_facts(scenario: &Scenario, principal: &PrincipalRef) -> PrincipalFacts {
    match principal {
        PrincipalRef::Root => PrincipalFacts {
            kind: Some(CallerKind::Root),
            username: None,
            mfa_device: scenario.root_user.mfa,
            console: scenario.root_user.password,
        },
        PrincipalRef::User(name) => {
            let user = scenario.user(name);
            PrincipalFacts {
                kind: Some(CallerKind::User),
                username: user.map(|u| u.name.clone()),
                mfa_device: user.is_some_and(|u| u.mfa),
                console: user.is_some_and(|u| u.login_profile.is_some()),
            }
        }
        PrincipalRef::Role(_) => PrincipalFacts {
            kind: Some(CallerKind::RoleSession),
            username: None,
            mfa_device: false,
            console: false,
        },
        PrincipalRef::Other(text) => PrincipalFacts {
            kind: eval::Caller::from_arn(text).map(|c| c.kind),
            username: None,
            mfa_device: false,
            console: false,
        },
    }
}

/// The policy texts that can take part in a request of `principal` on `resource`: its
/// identity policies (its groups' too), its boundary, the organization's SCPs and RCPs, the
/// resource's policy, the VPC endpoints' policies and, for a role as the resource, its trust
/// policy.
pub fn relevant_policy_texts<'a>(
    scenario: &'a Scenario,
    managed: Option<&'a ManagedPolicies>,
    principal: &PrincipalRef,
    resource: &str,
) -> Vec<(&'a str, PolicyType)> {
    let mut out: Vec<(&'a str, PolicyType)> = Vec::new();
    let refs = |r: &PolicyRef, t: PolicyType, out: &mut Vec<(&'a str, PolicyType)>| match r {
        PolicyRef::Customer(name) => {
            if let Some(p) = scenario.policy(name) {
                out.push((p.document.as_str(), t));
            }
        }
        PolicyRef::Aws(arn) => {
            if let Some(p) = managed.and_then(|m| m.get(arn)) {
                out.push((p.document, t));
            }
        }
    };
    // An identity's own policies: its inline texts and the managed policies attached to it.
    let identity = |inline: &'a [InlinePolicy],
                    attached: &'a [PolicyRef],
                    out: &mut Vec<(&'a str, PolicyType)>| {
        out.extend(
            inline
                .iter()
                .map(|p| (p.document.as_str(), PolicyType::Identity)),
        );
        for r in attached {
            refs(r, PolicyType::Identity, out);
        }
    };
    match principal {
        PrincipalRef::User(name) => {
            if let Some(user) = scenario.user(name) {
                identity(&user.inline_policies, &user.managed_policies, &mut out);
                for g in user.groups.iter().filter_map(|g| scenario.group(g)) {
                    identity(&g.inline_policies, &g.managed_policies, &mut out);
                }
                if let Some(b) = &user.permissions_boundary {
                    refs(b, PolicyType::PermissionsBoundary, &mut out);
                }
            }
        }
        PrincipalRef::Role(name) => {
            if let Some(role) = scenario.role(name) {
                identity(&role.inline_policies, &role.managed_policies, &mut out);
                if let Some(b) = &role.permissions_boundary {
                    refs(b, PolicyType::PermissionsBoundary, &mut out);
                }
            }
        }
        PrincipalRef::Root | PrincipalRef::Other(_) => {}
    }
    if let Some(org) = &scenario.organization {
        for level in &org.levels {
            out.extend(
                level
                    .scps
                    .iter()
                    .map(|p| (p.document.as_str(), PolicyType::Scp)),
            );
            out.extend(
                level
                    .rcps
                    .iter()
                    .map(|p| (p.document.as_str(), PolicyType::Rcp)),
            );
        }
    }
    for r in &scenario.resources {
        if r.covers(&scenario.account, resource)
            && let Some(p) = &r.policy
        {
            out.push((p.as_str(), PolicyType::Resource));
        }
        // A request may go through any of the scenario's VPC endpoints (the request picks one
        // by its `aws:SourceVpce`), so their policies' keys are offered too.
        if r.kind == ResourceKind::VpcEndpoint
            && let Some(p) = &r.policy
        {
            out.push((p.as_str(), PolicyType::VpcEndpoint));
        }
    }
    for role in &scenario.roles {
        if scenario.role_arn(role) == resource {
            out.push((role.trust_policy.as_str(), PolicyType::Trust));
        }
    }
    out
}

/// A key a policy reads, with the operator that reads it (`None` for a `${…}` variable).
pub type ReferencedKey = (String, Option<String>);

/// The keys a policy text reads (condition keys and `${…}` variables), each with the
/// operator that reads it (`None` for a variable), in order of first appearance.
/// [`CompileCache::referenced_keys`] gives the same, parsing the text once for this and its
/// compilation.
pub fn referenced_keys(text: &str, policy_type: PolicyType) -> Vec<ReferencedKey> {
    if !may_reference_keys(text) {
        return Vec::new();
    }
    keys_of_document(&parse_policy(text, policy_type).document)
}

/// The keys a parsed policy reads, as [`referenced_keys`] lists them.
pub(crate) fn keys_of_document(document: &PolicyDocument) -> Vec<ReferencedKey> {
    let mut out: Vec<ReferencedKey> = Vec::new();
    let push = |key: &str, op: Option<&str>, out: &mut Vec<ReferencedKey>| {
        if key.is_empty() || out.iter().any(|(k, _)| k.eq_ignore_ascii_case(key)) {
            return;
        }
        out.push((key.to_string(), op.map(str::to_string)));
    };
    for statement in &document.statements {
        for c in &statement.condition {
            push(&c.key.value, Some(&c.operator.value), &mut out);
            for v in &c.values {
                for key in variables_in(&v.value) {
                    push(key, None, &mut out);
                }
            }
        }
        if let Some(resource) = &statement.resource {
            for item in &resource.items {
                for key in variables_in(&item.value) {
                    push(key, None, &mut out);
                }
            }
        }
    }
    out
}

/// Whether a policy text may read a key: it has a Condition element or a `${` variable, or
/// a JSON escape that could spell either. A text with none (most of AWS's own policies, such
/// as `ReadOnlyAccess`'s 141 KB, whose parse was most of the Simulator's first answer) reads
/// none, and is not parsed for them.
pub(crate) fn may_reference_keys(text: &str) -> bool {
    const CONDITION: &[u8] = b"condition";
    let bytes = text.as_bytes();
    text.contains("${")
        || text.contains('\\')
        // Element names match in any case. One test a byte, the word compared only at a `c`.
        || bytes.iter().enumerate().any(|(i, b)| {
            b.eq_ignore_ascii_case(&b'c')
                && bytes
                    .get(i..i + CONDITION.len())
                    .is_some_and(|w| w.eq_ignore_ascii_case(CONDITION))
        })
}

/// The keys of the `${key}` or `${key, 'default'}` variables in a text.
pub(crate) fn variables_in(text: &str) -> impl Iterator<Item = &str> {
    text.split("${").skip(1).filter_map(|rest| {
        let inner = rest.split('}').next()?;
        let key = inner.split(',').next()?.trim();
        (key.contains(':')).then_some(key)
    })
}

/// The context type of a key: from the catalog when it knows the key, else from the
/// operator that reads it, else string.
pub fn key_type(key: &str, operator: Option<&str>, catalog: Option<&Catalog>) -> ContextKeyType {
    if let Some(t) = catalog
        .and_then(|c| c.condition_key(key))
        .map(|k| k.key_type())
    {
        return from_catalog_type(t);
    }
    if let Some(t) = well_known_type(key) {
        return t;
    }
    let Some(op) = operator else {
        return ContextKeyType::String;
    };
    let list = op.starts_with("ForAllValues:") || op.starts_with("ForAnyValue:");
    let base = op.rsplit(':').next().unwrap_or(op);
    let base = base.strip_suffix("IfExists").unwrap_or(base);
    let scalar = if base.starts_with("Numeric") {
        ContextKeyType::Numeric
    } else if base.starts_with("Date") {
        ContextKeyType::Date
    } else if base == "Bool" {
        ContextKeyType::Boolean
    } else if base.ends_with("IpAddress") {
        ContextKeyType::Ip
    } else if base == "BinaryEquals" {
        ContextKeyType::Binary
    } else {
        ContextKeyType::String
    };
    if list { list_of(scalar) } else { scalar }
}

fn list_of(t: ContextKeyType) -> ContextKeyType {
    match t {
        ContextKeyType::String => ContextKeyType::StringList,
        ContextKeyType::Numeric => ContextKeyType::NumericList,
        ContextKeyType::Boolean => ContextKeyType::BooleanList,
        ContextKeyType::Ip => ContextKeyType::IpList,
        ContextKeyType::Binary => ContextKeyType::BinaryList,
        ContextKeyType::Date => ContextKeyType::DateList,
        other => other,
    }
}

fn from_catalog_type(t: ConditionKeyType) -> ContextKeyType {
    let scalar = match t.value_type() {
        ConditionValueType::String | ConditionValueType::Arn => ContextKeyType::String,
        ConditionValueType::Numeric => ContextKeyType::Numeric,
        ConditionValueType::Date => ContextKeyType::Date,
        ConditionValueType::Bool => ContextKeyType::Boolean,
        ConditionValueType::IpAddress => ContextKeyType::Ip,
        ConditionValueType::Binary => ContextKeyType::Binary,
    };
    if t.is_array() {
        list_of(scalar)
    } else {
        scalar
    }
}

/// Types of the global keys the panel always lists, for when the catalog is not loaded yet.
fn well_known_type(key: &str) -> Option<ContextKeyType> {
    let k = key.to_ascii_lowercase();
    Some(match k.as_str() {
        "aws:currenttime" => ContextKeyType::Date,
        "aws:epochtime" | "aws:multifactorauthage" => ContextKeyType::Numeric,
        "aws:sourceip" => ContextKeyType::Ip,
        "aws:multifactorauthpresent"
        | "aws:securetransport"
        | "aws:principalisawsservice"
        | "aws:viaawsservice" => ContextKeyType::Boolean,
        "aws:principalservicenameslist" | "aws:tagkeys" => ContextKeyType::StringList,
        _ if k.starts_with("aws:") => ContextKeyType::String,
        _ => return None,
    })
}

/// Seconds since the Unix epoch of an ISO 8601 UTC time `YYYY-MM-DDTHH:MM:SSZ`, for the
/// `aws:EpochTime` default that matches the shown `aws:CurrentTime`.
pub fn epoch_seconds(iso: &str) -> Option<i64> {
    let num = |range: std::ops::Range<usize>| -> Option<i64> { iso.get(range)?.parse().ok() };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hh, mm, ss) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    // Days from civil (Howard Hinnant's algorithm), exact for the proleptic Gregorian calendar.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hh * 3600 + mm * 60 + ss)
}

/// Every context key the panel lists for a request: the keys the relevant policies read
/// (first, in order of appearance) and the keys AWS supplies for this principal and kind of
/// request, each typed and with its shown default. `now` is the request time as ISO 8601 UTC
/// (`2026-11-23T10:00:00Z`), passed in by the app.
pub fn context_keys(
    scenario: &Scenario,
    managed: Option<&ManagedPolicies>,
    cache: &CompileCache,
    catalog: Option<&Catalog>,
    principal: &PrincipalRef,
    resource: &str,
    now: &str,
) -> Vec<ContextKeyRow> {
    let mut referenced: Vec<(String, Option<String>)> = Vec::new();
    // Through the cache: the request prepared next compiles the same texts, and a text is
    // parsed once for both (on an account of thousands of policies, parsing each twice was
    // most of the Simulator's first answer).
    for (text, t) in relevant_policy_texts(scenario, managed, principal, resource) {
        for (key, op) in cache.referenced_keys(text, t) {
            if !referenced.iter().any(|(k, _)| k.eq_ignore_ascii_case(&key)) {
                referenced.push((key, op));
            }
        }
    }
    let defaults = supplied_defaults(scenario, managed, cache, principal, resource, now);
    let mut rows: Vec<ContextKeyRow> = Vec::new();
    for (key, op) in &referenced {
        let supplied = defaults.iter().find(|d| d.key.eq_ignore_ascii_case(key));
        rows.push(match supplied {
            Some(d) => ContextKeyRow {
                referenced: true,
                ..d.clone()
            },
            None => ContextKeyRow {
                key: key.clone(),
                ty: key_type(key, op.as_deref(), catalog),
                default: None,
                origin: KeyOrigin::Policy,
                referenced: true,
                note: "A policy reads this key; this request does not carry it unless you set it."
                    .to_string(),
            },
        });
    }
    for d in defaults {
        if !rows.iter().any(|r| r.key.eq_ignore_ascii_case(&d.key)) {
            rows.push(d);
        }
    }
    rows
}

/// The keys AWS supplies for a request of `principal` on `resource`, with their values.
fn supplied_defaults(
    scenario: &Scenario,
    managed: Option<&ManagedPolicies>,
    cache: &CompileCache,
    principal: &PrincipalRef,
    resource: &str,
    now: &str,
) -> Vec<ContextKeyRow> {
    let mut rows = Vec::new();
    let row = |key: &str, ty, default: Option<Vec<String>>, origin, note: &str| ContextKeyRow {
        key: key.to_string(),
        ty,
        default,
        origin,
        referenced: false,
        note: note.to_string(),
    };
    // What the simulation glue derives, read back from a prepared request so the panel shows
    // exactly what the evaluation uses.
    if let Ok(prepared) = prepare_request(
        scenario,
        managed,
        cache,
        principal,
        "sts:GetCallerIdentity",
        resource,
        &[],
    ) {
        for e in prepared.request.context.iter() {
            let origin = if e.key.starts_with("aws:Resource") {
                KeyOrigin::Resource
            } else {
                KeyOrigin::Principal
            };
            rows.push(row(
                &e.key,
                e.ty,
                Some(e.values.clone()),
                origin,
                match origin {
                    KeyOrigin::Resource => "AWS derives this from the resource.",
                    _ => "AWS derives this from the principal.",
                },
            ));
        }
    }
    let facts = principal_facts(scenario, principal);
    let (mfa, mfa_note) = match facts.kind {
        Some(CallerKind::Root | CallerKind::User) if facts.console => {
            if facts.mfa_device {
                (
                    Some(vec!["true".to_string()]),
                    "A console sign-in with the principal's MFA device.",
                )
            } else {
                (
                    Some(vec!["false".to_string()]),
                    "A console sign-in: the principal has no MFA device.",
                )
            }
        }
        Some(CallerKind::Root | CallerKind::User) => (
            None,
            "Absent: a request signed with long-term access keys carries no MFA key.",
        ),
        Some(CallerKind::RoleSession | CallerKind::FederatedUser) => (
            Some(vec!["false".to_string()]),
            "Temporary credentials obtained without MFA.",
        ),
        _ => (None, "Absent: this caller does not authenticate with MFA."),
    };
    rows.push(row(
        "aws:MultiFactorAuthPresent",
        ContextKeyType::Boolean,
        mfa,
        KeyOrigin::Request,
        mfa_note,
    ));
    if let Some(name) = &facts.username
        && !rows.iter().any(|r| r.key == "aws:username")
    {
        rows.push(row(
            "aws:username",
            ContextKeyType::String,
            Some(vec![name.clone()]),
            KeyOrigin::Principal,
            "The IAM user's name.",
        ));
    }
    rows.push(row(
        "aws:CurrentTime",
        ContextKeyType::Date,
        Some(vec![now.to_string()]),
        KeyOrigin::Request,
        "The time of the request: now, unless you change it.",
    ));
    if let Some(epoch) = epoch_seconds(now) {
        rows.push(row(
            "aws:EpochTime",
            ContextKeyType::Numeric,
            Some(vec![epoch.to_string()]),
            KeyOrigin::Request,
            "The request time in seconds since 1970.",
        ));
    }
    rows.push(row(
        "aws:SourceIp",
        ContextKeyType::Ip,
        Some(vec![DEFAULT_SOURCE_IP.to_string()]),
        KeyOrigin::Request,
        "An address from the documentation range; set the caller's real one to test IP conditions.",
    ));
    rows.push(row(
        "aws:SecureTransport",
        ContextKeyType::Boolean,
        Some(vec!["true".to_string()]),
        KeyOrigin::Request,
        "The request was sent over TLS, as AWS SDKs and the console do.",
    ));
    rows.push(row(
        "aws:RequestedRegion",
        ContextKeyType::String,
        Some(vec![scenario.account.region.clone()]),
        KeyOrigin::Request,
        "The scenario's Region.",
    ));
    rows.push(row(
        "aws:ViaAWSService",
        ContextKeyType::Boolean,
        Some(vec!["false".to_string()]),
        KeyOrigin::Request,
        "The principal calls AWS directly, not through another service.",
    ));
    rows
}

/// The context a request carries: every listed key's effective value after the user's
/// overrides, plus overrides of keys that are not listed. Absent keys are left out.
pub fn effective_context(
    rows: &[ContextKeyRow],
    overrides: &[ContextOverride],
) -> Vec<ContextValue> {
    let mut out: Vec<ContextValue> = Vec::new();
    for row in rows {
        let setting = setting_for(overrides, &row.key);
        if let Some(values) = effective(row, &setting) {
            out.push(ContextValue {
                key: row.key.clone(),
                ty: row.ty,
                values,
            });
        }
    }
    let unlisted: Vec<ContextOverride> = overrides
        .iter()
        .filter(|o| !rows.iter().any(|r| r.key.eq_ignore_ascii_case(&o.key)))
        .cloned()
        .collect();
    out.extend(present_values(&unlisted));
    out
}

/// The context a saved test made from the panel's request keeps: the keys the policies read
/// and the keys the user changed, with their effective values; keys AWS derives from the
/// principal or the resource are left to the simulation unless the user changed them, so the
/// test follows later edits of the principal (its tags, its name). Absent keys stay out.
pub fn test_context(rows: &[ContextKeyRow], overrides: &[ContextOverride]) -> Vec<ContextValue> {
    let overridden = |key: &str| setting_for(overrides, key) != KeySetting::Default;
    effective_context(rows, overrides)
        .into_iter()
        .filter(|c| {
            if overridden(&c.key) {
                return true;
            }
            rows.iter()
                .find(|r| r.key.eq_ignore_ascii_case(&c.key))
                .is_some_and(|r| {
                    r.referenced && matches!(r.origin, KeyOrigin::Request | KeyOrigin::Policy)
                })
        })
        .collect()
}

/// The keys forced absent by the overrides (they are removed even where AWS would derive them).
pub fn absent_keys(overrides: &[ContextOverride]) -> Vec<String> {
    overrides
        .iter()
        .filter(|v| v.setting == KeySetting::Absent)
        .map(|v| v.key.clone())
        .collect()
}

/// Evaluates one request of the panel: like
/// [`evaluate_request`](super::simulate::evaluate_request), but keys forced absent are
/// removed even where AWS would derive them, and present keys replace derived ones.
#[allow(clippy::too_many_arguments)]
pub fn evaluate_panel_request(
    scenario: &Scenario,
    managed: Option<&ManagedPolicies>,
    cache: &CompileCache,
    principal: &PrincipalRef,
    action: &str,
    resource: &str,
    context: &[ContextValue],
    absent: &[String],
) -> Result<ScenarioEvaluation, SimulationError> {
    prepare_panel_request(
        scenario, managed, cache, principal, action, resource, context, absent,
    )
    .map(PreparedRequest::evaluate)
}

/// Prepares one request of the panel (see [`evaluate_panel_request`]), for callers that
/// decide it again under other context values.
#[allow(clippy::too_many_arguments)]
pub fn prepare_panel_request(
    scenario: &Scenario,
    managed: Option<&ManagedPolicies>,
    cache: &CompileCache,
    principal: &PrincipalRef,
    action: &str,
    resource: &str,
    context: &[ContextValue],
    absent: &[String],
) -> Result<PreparedRequest, SimulationError> {
    let mut prepared = prepare_request(
        scenario, managed, cache, principal, action, resource, context,
    )?;
    for key in absent {
        prepared.request.context.remove(key);
    }
    for c in context {
        prepared.request.context.insert(ContextEntry::new(
            c.key.clone(),
            c.ty,
            c.values.iter().cloned(),
        ));
    }
    Ok(prepared)
}

/// Resource ARNs to suggest for `action`: the scenario's resources and roles whose ARN fits
/// one of the action's resource types (all of them when the catalog does not know the
/// action), then the action's ARN formats, then `*`.
pub fn resource_suggestions(
    scenario: &Scenario,
    catalog: Option<&Catalog>,
    action: &str,
) -> Vec<String> {
    let info = catalog.and_then(|c| c.action(action));
    let fits = |arn: &str| {
        info.as_ref()
            .is_none_or(|a| !a.resource_types_matching(arn).is_empty())
    };
    // In order, each once: a real account's thousands of role ARNs made `contains` on the
    // list quadratic.
    let mut out: Vec<String> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut push = |s: String, out: &mut Vec<String>| {
        if seen.insert(s.clone()) {
            out.push(s);
        }
    };
    for r in &scenario.resources {
        let arn = r.arn(&scenario.account);
        if r.kind == ResourceKind::S3Bucket {
            let object = format!("{arn}/*");
            if fits(&object) {
                push(object, &mut out);
            }
        }
        if fits(&arn) {
            push(arn, &mut out);
        }
    }
    for arn in scenario
        .users
        .iter()
        .map(|u| scenario.user_arn(u))
        .chain(scenario.roles.iter().map(|r| scenario.role_arn(r)))
    {
        if info.is_some() && fits(&arn) {
            push(arn, &mut out);
        }
    }
    if let Some(a) = &info {
        for rt in a.resource_types() {
            push(rt.resource_type().arn_pattern().to_string(), &mut out);
        }
    }
    push("*".to_string(), &mut out);
    out
}

/// The kind of policy AWS names in an AccessDenied message.
fn policy_words(t: PolicyType) -> &'static str {
    match t {
        PolicyType::Identity => "identity-based policy",
        PolicyType::Resource | PolicyType::Trust => "resource-based policy",
        PolicyType::PermissionsBoundary => "permissions boundary",
        PolicyType::Scp => "service control policy",
        PolicyType::Rcp => "resource control policy",
        PolicyType::Session => "session policy",
        PolicyType::VpcEndpoint => "VPC endpoint policy",
    }
}

fn step_policy_type(kind: StepKind) -> Option<PolicyType> {
    Some(match kind {
        StepKind::Rcp => PolicyType::Rcp,
        StepKind::Scp => PolicyType::Scp,
        StepKind::ResourcePolicy => PolicyType::Resource,
        StepKind::Identity => PolicyType::Identity,
        StepKind::PermissionsBoundary => PolicyType::PermissionsBoundary,
        StepKind::Session => PolicyType::Session,
        StepKind::VpcEndpoint => PolicyType::VpcEndpoint,
        StepKind::RootUser | StepKind::DenyCheck => return None,
    })
}

/// The AccessDenied message AWS returns for a refused request, in the format the IAM User
/// Guide documents ("Access denied error messages"): `User: ARN is not authorized to perform:
/// ACTION on resource: RESOURCE because no TYPE allows the ACTION action` for an implicit
/// deny, `… with an explicit deny in a TYPE` for an explicit one. `None` when the request is
/// allowed, or when no policy type is to blame (a root-only task: AWS refuses it without
/// evaluating policies).
pub fn access_denied_message(
    evaluation: &Evaluation,
    caller_arn: &str,
    action: &str,
    resource: &str,
) -> Option<String> {
    let head = format!(
        "User: {caller_arn} is not authorized to perform: {action} on resource: {resource}"
    );
    match evaluation.decision {
        Decision::Allowed => None,
        Decision::ExplicitDeny => {
            let t = evaluation
                .matched_statements
                .first()
                .map(|s| s.policy_type)?;
            let article = if t == PolicyType::Identity { "an" } else { "a" };
            Some(format!(
                "{head} with an explicit deny in {article} {}",
                policy_words(t)
            ))
        }
        Decision::ImplicitDeny => {
            if evaluation.root_only_task.is_some() {
                return None;
            }
            let t = evaluation
                .steps
                .iter()
                .find(|s| s.verdict == Verdict::NoAllow && step_policy_type(s.kind).is_some())
                .and_then(|s| step_policy_type(s.kind))?;
            Some(format!(
                "{head} because no {} allows the {action} action",
                policy_words(t)
            ))
        }
    }
}

/// The ARN AWS names as the caller in messages, for a principal of the scenario: the root
/// user's, a user's or a role session's from the scenario's names, the others' (an ARN, a
/// service) as the request's preparation reads them. (Preparing a user of a real account for
/// its ARN alone, every policy it has compiled, was most of the Simulator's first answer.)
pub fn caller_arn(
    scenario: &Scenario,
    cache: &CompileCache,
    principal: &PrincipalRef,
) -> Option<String> {
    match principal {
        PrincipalRef::Root => return Some(scenario.root_arn()),
        PrincipalRef::User(name) => return scenario.user(name).map(|u| scenario.user_arn(u)),
        PrincipalRef::Role(name) => {
            return scenario.role(name).map(|r| {
                crate::workbench::simulate::role_session_arn(&scenario.account.id, &r.name)
            });
        }
        PrincipalRef::Other(_) => {}
    }
    prepare_request(
        scenario,
        None,
        cache,
        principal,
        "sts:GetCallerIdentity",
        "*",
        &[],
    )
    .ok()
    .map(|p| p.request.caller.arn)
}

/// One principal a request panel offers: the value the request carries and its label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrincipalChoice {
    /// The principal as the request names it (`root`, `user/alice`, a caller ARN, `*`).
    pub value: String,
    /// The principal in words ("user alice", "role deploy (a session)").
    pub label: String,
}

/// The principals a request panel offers for `scenario`: the root user, its users and roles,
/// its external principals, a service principal and the anonymous caller, and `current` when
/// it is none of those, so the picker always shows the principal the request is about.
pub fn principal_choices(scenario: &Scenario, current: &str) -> Vec<PrincipalChoice> {
    let choice = |value: String, label: String| PrincipalChoice { value, label };
    let mut out = vec![choice("root".into(), "the root user".into())];
    out.extend(
        scenario
            .users
            .iter()
            .map(|u| choice(format!("user/{}", u.name), format!("user {}", u.name))),
    );
    out.extend(scenario.roles.iter().map(|r| {
        choice(
            format!("role/{}", r.name),
            format!("role {} (a session)", r.name),
        )
    }));
    out.extend(
        scenario
            .external_principals
            .iter()
            .map(|e| choice(e.arn.clone(), format!("external principal {}", e.arn))),
    );
    out.push(choice(
        "ec2.amazonaws.com".into(),
        "service principal ec2.amazonaws.com".into(),
    ));
    out.push(choice("*".into(), "an anonymous caller".into()));
    out.extend(other_principal_choice(&out, current));
    out
}

/// The choice for `current` when it is none of `choices` (a caller ARN typed in, say): what
/// [`principal_choices`] adds at the end. A view that keeps the choices of a revision (a real
/// account's thousands) adds it as the request changes, without making them all again.
pub fn other_principal_choice(
    choices: &[PrincipalChoice],
    current: &str,
) -> Option<PrincipalChoice> {
    let current = current.trim();
    (!current.is_empty() && !choices.iter().any(|c| c.value == current)).then(|| PrincipalChoice {
        value: current.to_string(),
        label: format!("other: {current}"),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::scenario::{Group, InlinePolicy, User};

    const NOW: &str = "2026-11-23T10:00:00Z";

    #[test]
    fn a_text_without_conditions_or_variables_reads_no_key_and_the_others_are_read() {
        let plain = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]}"#;
        assert!(!may_reference_keys(plain));
        assert!(referenced_keys(plain, PolicyType::Identity).is_empty());
        // A Condition in any case, a variable, or an escape that could spell either: parsed.
        let condition = r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}"#;
        assert!(may_reference_keys(condition));
        assert_eq!(
            referenced_keys(condition, PolicyType::Identity),
            vec![(
                "aws:MultiFactorAuthPresent".to_string(),
                Some("Bool".to_string())
            )]
        );
        let variable = r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*"}]}"#;
        assert_eq!(
            referenced_keys(variable, PolicyType::Identity),
            vec![("aws:username".to_string(), None)]
        );
        assert!(may_reference_keys(r#"{"CONDITION":{}}"#));
        let escaped = r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Cond\u0069tion":{"Bool":{"aws:SecureTransport":"true"}}}]}"#;
        assert!(may_reference_keys(escaped));
    }

    fn scenario() -> Scenario {
        let mut s = Scenario::new("111122223333");
        let mut g = Group::new("Developers");
        g.inline_policies.push(InlinePolicy {
            name: "AllowS3".into(),
            document: r#"{"Version":"2012-10-17","Statement":[{"Sid":"AllowS3","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::app/*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"},"StringEquals":{"s3:prefix":"${aws:username}/"}}}]}"#.into(),
        });
        s.add_group(g).unwrap();
        let mut u = User::new("alice");
        u.groups.push("Developers".into());
        u.tags.push(crate::scenario::Tag {
            key: "team".into(),
            value: "red".into(),
        });
        s.add_user(u).unwrap();
        s
    }

    #[test]
    fn lists_referenced_keys_first_typed_and_the_shown_defaults() {
        let s = scenario();
        let rows = context_keys(
            &s,
            None,
            &crate::workbench::CompileCache::new(),
            None,
            &PrincipalRef::User("alice".into()),
            "*",
            NOW,
        );
        let keys: Vec<&str> = rows.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(&keys[..3], &["aws:SourceIp", "s3:prefix", "aws:username"]);
        let ip = &rows[0];
        assert!(ip.referenced);
        assert_eq!(ip.ty, ContextKeyType::Ip);
        assert_eq!(
            ip.default.as_deref(),
            Some(&[DEFAULT_SOURCE_IP.to_string()][..])
        );
        let prefix = &rows[1];
        assert_eq!(prefix.origin, KeyOrigin::Policy);
        assert_eq!(prefix.default, None);
        assert_eq!(rows[2].default.as_deref(), Some(&["alice".to_string()][..]));
        let find = |k: &str| rows.iter().find(|r| r.key == k).unwrap();
        assert_eq!(
            find("aws:PrincipalTag/team").default.as_deref(),
            Some(&["red".to_string()][..])
        );
        assert_eq!(find("aws:CurrentTime").ty, ContextKeyType::Date);
        assert_eq!(
            find("aws:EpochTime").default.as_deref(),
            Some(&["1795428000".to_string()][..])
        );
        // alice signs in with access keys only: no MFA key at all.
        assert_eq!(find("aws:MultiFactorAuthPresent").default, None);
    }

    #[test]
    fn mfa_default_follows_the_credentials() {
        let mut s = scenario();
        s.root_user.mfa = true;
        let rows = context_keys(
            &s,
            None,
            &crate::workbench::CompileCache::new(),
            None,
            &PrincipalRef::Root,
            "*",
            NOW,
        );
        let mfa = rows
            .iter()
            .find(|r| r.key == "aws:MultiFactorAuthPresent")
            .unwrap();
        assert_eq!(mfa.default.as_deref(), Some(&["true".to_string()][..]));
    }

    #[test]
    fn epoch_of_known_dates() {
        assert_eq!(epoch_seconds("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(epoch_seconds("2000-03-01T00:00:00Z"), Some(951_868_800));
        assert_eq!(epoch_seconds("2026-11-23T10:00:00Z"), Some(1_795_428_000));
        assert_eq!(epoch_seconds("yesterday"), None);
        assert_eq!(epoch_seconds("2026-13-01T00:00:00Z"), None);
    }

    #[test]
    fn overrides_round_trip_absent_empty_and_set() {
        let mut v = Vec::new();
        set_override(
            &mut v,
            "aws:SourceIp",
            ContextKeyType::Ip,
            KeySetting::Absent,
        );
        set_override(
            &mut v,
            "s3:prefix",
            ContextKeyType::String,
            KeySetting::Empty,
        );
        set_override(
            &mut v,
            "aws:CurrentTime",
            ContextKeyType::Date,
            KeySetting::Set(vec!["2020-01-01T00:00:00Z".into()]),
        );
        assert_eq!(setting_for(&v, "aws:sourceip"), KeySetting::Absent);
        assert_eq!(setting_for(&v, "s3:prefix"), KeySetting::Empty);
        assert_eq!(setting_for(&v, "aws:username"), KeySetting::Default);
        set_override(
            &mut v,
            "aws:SourceIp",
            ContextKeyType::Ip,
            KeySetting::Default,
        );
        assert_eq!(setting_for(&v, "aws:SourceIp"), KeySetting::Default);
        assert_eq!(absent_keys(&v), Vec::<String>::new());
        set_override(
            &mut v,
            "aws:username",
            ContextKeyType::String,
            KeySetting::Absent,
        );
        assert_eq!(absent_keys(&v), vec!["aws:username".to_string()]);

        let s = scenario();
        let rows = context_keys(
            &s,
            None,
            &crate::workbench::CompileCache::new(),
            None,
            &PrincipalRef::User("alice".into()),
            "*",
            NOW,
        );
        let ctx = effective_context(&rows, &v);
        assert!(ctx.iter().all(|c| c.key != "aws:username"));
        let prefix = ctx.iter().find(|c| c.key == "s3:prefix").unwrap();
        assert!(prefix.values.is_empty());
        let time = ctx.iter().find(|c| c.key == "aws:CurrentTime").unwrap();
        assert_eq!(time.values, vec!["2020-01-01T00:00:00Z".to_string()]);
    }

    #[test]
    fn saved_tests_keep_read_and_changed_keys_only() {
        let s = scenario();
        let rows = context_keys(
            &s,
            None,
            &crate::workbench::CompileCache::new(),
            None,
            &PrincipalRef::User("alice".into()),
            "*",
            NOW,
        );
        let mut v = Vec::new();
        set_override(
            &mut v,
            "aws:PrincipalTag/team",
            ContextKeyType::String,
            KeySetting::Set(vec!["blue".into()]),
        );
        let ctx = test_context(&rows, &v);
        let keys: Vec<&str> = ctx.iter().map(|c| c.key.as_str()).collect();
        // aws:SourceIp is read (a request default), aws:username is read but derived, s3:prefix
        // is read but absent, the tag was changed.
        assert_eq!(keys, vec!["aws:SourceIp", "aws:PrincipalTag/team"]);
    }

    #[test]
    fn absent_and_empty_decide_differently() {
        // `Null: true` holds for both absent and empty; `ForAllValues` is true over empty only
        // when present — here a plain StringEquals fails for absent and for empty alike, and
        // the IfExists variant passes only for absent.
        let mut s = Scenario::new("111122223333");
        let mut u = User::new("bob");
        u.inline_policies.push(InlinePolicy {
            name: "p".into(),
            document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"StringEqualsIfExists":{"s3:prefix":"home/"}}}]}"#.into(),
        });
        s.add_user(u).unwrap();
        let p = PrincipalRef::User("bob".into());
        let run = |ctx: &[ContextValue], absent: &[String]| {
            evaluate_panel_request(
                &s,
                None,
                &crate::workbench::CompileCache::new(),
                &p,
                "s3:ListBucket",
                "*",
                ctx,
                absent,
            )
            .unwrap()
            .evaluation
            .decision
        };
        assert_eq!(run(&[], &[]), Decision::Allowed);
        let set = |v: &[&str]| {
            vec![ContextValue {
                key: "s3:prefix".into(),
                ty: ContextKeyType::String,
                values: v.iter().map(|s| s.to_string()).collect(),
            }]
        };
        assert_eq!(run(&set(&["other/"]), &[]), Decision::ImplicitDeny);
        assert_eq!(run(&set(&["home/"]), &[]), Decision::Allowed);
        // A key AWS derives can be forced absent.
        let mut s2 = s.clone();
        s2.users[0].inline_policies[0].document = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"Null":{"aws:username":"true"}}}]}"#.into();
        let d = |absent: &[String]| {
            evaluate_panel_request(
                &s2,
                None,
                &crate::workbench::CompileCache::new(),
                &p,
                "s3:ListBucket",
                "*",
                &[],
                absent,
            )
            .unwrap()
            .evaluation
            .decision
        };
        assert_eq!(d(&[]), Decision::ImplicitDeny);
        assert_eq!(d(&["aws:username".to_string()]), Decision::Allowed);
    }

    #[test]
    fn root_tasks_and_wildcards_in_the_action_field() {
        assert!(matches!(
            parse_action("root-task:close-account", None),
            ActionQuery::RootTask(t) if t.id == "close-account"
        ));
        assert!(matches!(
            parse_action("root-task:nope", None),
            ActionQuery::Incomplete(_)
        ));
        assert!(matches!(parse_action("", None), ActionQuery::Incomplete(_)));
        assert!(matches!(
            parse_action("getobject", None),
            ActionQuery::Incomplete(_)
        ));
        assert_eq!(
            parse_action(" s3:GetObject ", None),
            ActionQuery::Actions {
                rows: vec!["s3:GetObject".into()],
                total: 1
            }
        );
        assert!(matches!(
            parse_action("s3:Get*", None),
            ActionQuery::Incomplete(_)
        ));
    }

    #[test]
    fn wildcards_expand_with_the_catalog() {
        let catalog =
            Catalog::parse(include_str!("../../../../static/data/iam-catalog.txt")).unwrap();
        let ActionQuery::Actions { rows, total } = parse_action("iam:GetUser*", Some(&catalog))
        else {
            panic!("expands");
        };
        assert!(rows.contains(&"iam:GetUser".to_string()));
        assert!(rows.contains(&"iam:GetUserPolicy".to_string()));
        assert_eq!(rows.len(), total);
        let ActionQuery::Actions { rows, total } = parse_action("*", Some(&catalog)) else {
            panic!("expands");
        };
        assert_eq!(rows.len(), MAX_ACTION_ROWS);
        assert!(total > 10_000);
        // The catalog fixes the case of a single action.
        assert_eq!(
            parse_action("s3:getobject", Some(&catalog)),
            ActionQuery::Actions {
                rows: vec!["s3:GetObject".into()],
                total: 1
            }
        );
        let mut s = scenario();
        s.add_resource(crate::scenario::Resource::new(
            ResourceKind::S3Bucket,
            "logs",
        ))
        .unwrap();
        let sug = resource_suggestions(&s, Some(&catalog), "s3:GetObject");
        assert_eq!(sug.first().map(String::as_str), Some("arn:aws:s3:::logs/*"));
        assert!(!sug.contains(&"arn:aws:s3:::logs".to_string()));
        assert!(sug.iter().any(|a| a.contains("${BucketName}")));
        assert_eq!(sug.last().map(String::as_str), Some("*"));
        // Types come from the catalog when it knows the key.
        assert_eq!(
            key_type("s3:max-keys", None, Some(&catalog)),
            ContextKeyType::Numeric
        );
        assert_eq!(
            key_type("x:unknown", Some("ForAnyValue:StringLike"), None),
            ContextKeyType::StringList
        );
        assert_eq!(
            key_type("x:unknown", Some("DateGreaterThanIfExists"), None),
            ContextKeyType::Date
        );
    }

    /// The access-denied message for `p` reading `arn:aws:s3:::logs/a`, if it is denied.
    fn get_logs_denied(s: &Scenario, p: &PrincipalRef, arn: &str) -> Option<String> {
        let (action, resource) = ("s3:GetObject", "arn:aws:s3:::logs/a");
        let e = evaluate_panel_request(
            s,
            None,
            &crate::workbench::CompileCache::new(),
            p,
            action,
            resource,
            &[],
            &[],
        )
        .unwrap()
        .evaluation;
        access_denied_message(&e, arn, action, resource)
    }

    #[test]
    fn the_endpoint_picker_sets_and_clears_source_vpce() {
        let mut s = scenario();
        let e = crate::scenario::Resource::vpc_endpoint("vpce-0a1b2c3d", "s3", &s.account);
        s.add_resource(e).unwrap();
        assert_eq!(
            vpc_endpoint_choices(&s),
            vec![(
                "vpce-0a1b2c3d".to_string(),
                "vpce-0a1b2c3d (com.amazonaws.us-east-1.s3)".to_string()
            )]
        );
        let mut values = Vec::new();
        assert_eq!(through_endpoint(&values), None);
        set_through_endpoint(&mut values, Some("vpce-0a1b2c3d"));
        assert_eq!(through_endpoint(&values).as_deref(), Some("vpce-0a1b2c3d"));
        assert_eq!(
            setting_for(&values, "AWS:SOURCEVPCE"),
            KeySetting::Set(vec!["vpce-0a1b2c3d".into()])
        );
        set_through_endpoint(&mut values, None);
        assert!(values.is_empty());
    }

    #[test]
    fn the_caller_arn_of_a_named_principal_is_the_one_its_request_carries() {
        let mut s = scenario();
        s.roles.push(crate::scenario::Role::new(
            "Deploy",
            r#"{"Version":"2012-10-17","Statement":[]}"#,
        ));
        let cache = crate::workbench::CompileCache::new();
        for p in [
            PrincipalRef::Root,
            PrincipalRef::User("alice".into()),
            PrincipalRef::Role("Deploy".into()),
        ] {
            let prepared = prepare_request(&s, None, &cache, &p, "sts:GetCallerIdentity", "*", &[])
                .unwrap()
                .request
                .caller
                .arn;
            assert_eq!(caller_arn(&s, &cache, &p), Some(prepared));
        }
        assert_eq!(
            caller_arn(&s, &cache, &PrincipalRef::Role("Deploy".into())).as_deref(),
            Some("arn:aws:sts::111122223333:assumed-role/Deploy/playground")
        );
        assert_eq!(
            caller_arn(&s, &cache, &PrincipalRef::User("nobody".into())),
            None
        );
        assert_eq!(
            caller_arn(&s, &cache, &PrincipalRef::Role("Nobody".into())),
            None
        );
    }

    #[test]
    fn access_denied_messages_follow_aws_wording() {
        let s = scenario();
        let p = PrincipalRef::User("alice".into());
        let arn = caller_arn(&s, &crate::workbench::CompileCache::new(), &p).unwrap();
        assert_eq!(arn, "arn:aws:iam::111122223333:user/alice");
        assert_eq!(
            get_logs_denied(&s, &p, &arn).as_deref(),
            Some(
                "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::logs/a because no identity-based policy allows the s3:GetObject action"
            )
        );
        let mut s2 = s.clone();
        s2.groups[0].inline_policies[0].document = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}"#.into();
        assert_eq!(
            get_logs_denied(&s2, &p, &arn).as_deref(),
            Some(
                "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::logs/a with an explicit deny in an identity-based policy"
            )
        );
    }

    #[test]
    fn principal_choices_offer_external_principals_and_the_current_one() {
        let mut s = Scenario::new("111122223333");
        s.external_principals
            .push(crate::scenario::ExternalPrincipal {
                arn: "arn:aws:iam::444455556666:user/partner-auditor".into(),
                policies: Vec::new(),
            });
        let values = |current: &str| -> Vec<String> {
            principal_choices(&s, current)
                .into_iter()
                .map(|c| c.value)
                .collect()
        };
        let listed = values("arn:aws:iam::444455556666:user/partner-auditor");
        assert!(listed.contains(&"arn:aws:iam::444455556666:user/partner-auditor".to_string()));
        assert_eq!(listed.len(), 4, "{listed:?}");
        let other = values("arn:aws:iam::999988887777:user/mallory");
        assert_eq!(
            other.last().map(String::as_str),
            Some("arn:aws:iam::999988887777:user/mallory")
        );
        assert_eq!(values("").len(), 4);
    }

    #[test]
    fn the_other_choice_is_added_to_a_kept_list_as_principal_choices_adds_it() {
        let s = Scenario::new("111122223333");
        let kept = principal_choices(&s, "");
        // A typed caller ARN: the same last choice as a list made for it.
        let typed = "  arn:aws:iam::999988887777:user/mallory ";
        let other = other_principal_choice(&kept, typed).unwrap();
        assert_eq!(principal_choices(&s, typed).last(), Some(&other));
        assert_eq!(other.label, "other: arn:aws:iam::999988887777:user/mallory");
        // Near misses: a listed principal, and nothing typed.
        assert_eq!(other_principal_choice(&kept, "root"), None);
        assert_eq!(other_principal_choice(&kept, "   "), None);
    }
}
