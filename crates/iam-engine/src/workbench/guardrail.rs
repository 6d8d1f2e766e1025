//! Guardrail truth tables: for one SCP or RCP of the scenario, the decision of that policy
//! alone under every region of the context keys it reads ("principal in the organization or
//! not", "Region allowed or not", "an admin role or not"), merged so that rows differing only
//! in a value that does not matter read "any". This is the question asked before deploying a
//! guardrail: whom and what does it stop?
//!
//! # What a table decides
//!
//! The policy's statements are grouped by their `Action`/`NotAction` set (statements with the
//! same set, in any order or case, share a group); each group gets one table, decided on a
//! representative request:
//! - **the action**: an action of the group's set that as few other groups' sets match as
//!   possible (from the action catalog when it is loaded; else the set's literal actions, or
//!   for a `NotAction` a common action it leaves out), so the table shows what is particular
//!   to the group. A last group, "any other action", covers the actions no statement names,
//!   when there are some;
//! - **the resource**: the group's first `Resource` entry, wildcards filled (`*` stays `*`);
//! - **the caller**: a role session of the scenario's account, in a member account (SCPs and
//!   RCPs apply), with nothing in its context but the table's keys;
//! - **the policies**: this policy alone at one level, behind an identity policy that allows
//!   everything (so the guardrail is the only thing that can refuse); an RCP with
//!   `RCPFullAWSAccess` beside it, as AWS always attaches it, and an SCP with no Allow
//!   statement (a deny list) beside `FullAWSAccess`, as AWS attaches it by default (alone it
//!   would let nothing through; the tables say so in a note).
//!
//! The columns are the keys read by the statements that apply to the representative action
//! (conditions and policy variables), cut into regions by the literals the policy compares
//! them with ([`key_columns`]); every combination is decided ([`truth_table`], exact up to
//! [`super::conditional::MAX_COMBINATIONS`]). The verdicts: the guardrail **passes** the
//! request (allowed), **denies** it explicitly, or **does not allow** it (an SCP needs an
//! Allow: with no Allow statement matching, nothing passes at that level).

use serde::Serialize;

use crate::catalog::Catalog;
use crate::context::ContextEntry;
use crate::eval::{Caller, CompiledPolicy, Decision, PolicySet, Request, decide};
use crate::matching::glob_match;
use crate::policy::{Effect, PolicyType, Statement, parse_policy};
use crate::scenario::Scenario;

use super::conditional::{TruthTable, key_columns, truth_table};
use super::simulate::{RCP_FULL_AWS_ACCESS, SimulationError};

/// Which organization policy: an SCP or an RCP, by level and position (both from 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardrailRef {
    /// An SCP (`true`) or an RCP.
    pub scp: bool,
    /// The organization level, from the root (0).
    pub level: usize,
    /// The policy's position among the level's SCPs or RCPs.
    pub index: usize,
}

/// The truth tables of one guardrail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardrailTables {
    /// The policy's name.
    pub name: String,
    /// SCP or RCP.
    pub policy_type: PolicyType,
    /// The policy in words: "SCP DenyRegions at level 2".
    pub place: String,
    /// One table per action set.
    pub groups: Vec<GuardrailGroup>,
    /// What to know when reading the tables (a policy with no Allow statement, a text that
    /// does not parse).
    pub notes: Vec<String>,
}

/// One action set of the guardrail with its table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardrailGroup {
    /// The set in words: "Action s3:*, kms:*", "NotAction iam:*", "any other action".
    pub actions: String,
    /// The statements with this set (their Sid, or `#index`); empty for "any other action".
    pub statements: Vec<String>,
    /// The representative action the table decides.
    pub action: String,
    /// The representative resource.
    pub resource: String,
    /// The decision per region of the keys the applying statements read.
    pub table: TruthTable,
}

/// A guardrail's decision in words: "passes", "explicit deny", "not allowed".
pub fn verdict_words(decision: Decision) -> &'static str {
    match decision {
        Decision::Allowed => "passes",
        Decision::ExplicitDeny => "explicit deny",
        Decision::ImplicitDeny => "not allowed (no Allow)",
    }
}

/// The account a probe runs in when the scenario's id is empty.
const PROBE_ACCOUNT: &str = "111122223333";

/// Common actions to stand for a `NotAction` set when the catalog is not loaded.
const COMMON_ACTIONS: [&str; 10] = [
    "ec2:RunInstances",
    "s3:GetObject",
    "s3:PutObject",
    "iam:CreateUser",
    "sts:AssumeRole",
    "kms:Decrypt",
    "dynamodb:GetItem",
    "lambda:InvokeFunction",
    "organizations:LeaveOrganization",
    "cloudtrail:StopLogging",
];

/// At most this many candidate actions are weighed per group (more than the catalog holds, so
/// a `*` can stand for an action of any service; the bound is for a catalog gone wrong).
const MAX_CANDIDATES: usize = 65_536;

/// An `Action`/`NotAction` set: whether negated, and its entries.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ActionSet {
    negated: bool,
    items: Vec<String>,
}

impl ActionSet {
    fn of(statement: &Statement) -> Option<ActionSet> {
        let a = statement.action.as_ref()?;
        let mut items: Vec<String> = a
            .items
            .iter()
            .map(|i| i.value.trim().to_string())
            .filter(|i| !i.is_empty())
            .collect();
        items.sort_by_key(|i| i.to_ascii_lowercase());
        items.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
        Some(ActionSet {
            negated: a.negated,
            items,
        })
    }

    fn same(&self, other: &ActionSet) -> bool {
        self.negated == other.negated
            && self.items.len() == other.items.len()
            && self
                .items
                .iter()
                .zip(&other.items)
                .all(|(a, b)| a.eq_ignore_ascii_case(b))
    }

    fn matches(&self, action: &str) -> bool {
        self.items.iter().any(|p| glob_match(p, action, true)) != self.negated
    }

    fn words(&self) -> String {
        format!(
            "{} {}",
            if self.negated { "NotAction" } else { "Action" },
            if self.items.is_empty() {
                "(empty)".to_string()
            } else {
                self.items.join(", ")
            }
        )
    }
}

/// Fills a pattern's wildcards so it reads as one name (`s3:Get*` → `s3:GetExample`).
fn fill(pattern: &str, with: &str) -> String {
    pattern.replace('*', with).replace('?', "x")
}

/// The candidates for a set's representative action, in order of preference.
fn candidates(set: &ActionSet, catalog: Option<&Catalog>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut push = |a: String, out: &mut Vec<String>| {
        if out.len() < MAX_CANDIDATES && seen.insert(a.to_ascii_lowercase()) {
            out.push(a);
        }
    };
    if set.negated {
        match catalog {
            Some(c) => {
                for a in c.actions() {
                    let name = a.full_name();
                    if set.matches(&name) {
                        push(name, &mut out);
                    }
                }
            }
            None => {
                for a in COMMON_ACTIONS {
                    if set.matches(a) {
                        push(a.to_string(), &mut out);
                    }
                }
            }
        }
    } else {
        for item in &set.items {
            if !item.contains(['*', '?']) {
                push(item.clone(), &mut out);
            }
        }
        for item in &set.items {
            if !item.contains(['*', '?']) {
                continue;
            }
            match catalog {
                Some(c) => {
                    let expanded = c.expand(item);
                    if expanded.is_empty() && item != "*" {
                        push(fill(item, "Example"), &mut out);
                    }
                    for a in expanded {
                        push(a.full_name(), &mut out);
                    }
                }
                None if item == "*" || item == "*:*" => {
                    for a in COMMON_ACTIONS {
                        push(a.to_string(), &mut out);
                    }
                }
                None => push(fill(item, "Example"), &mut out),
            }
        }
    }
    out
}

/// The candidate that the fewest `others` match (the first such).
fn least_shared(candidates: &[String], others: &[&ActionSet]) -> Option<String> {
    let mut best: Option<(usize, &String)> = None;
    for c in candidates {
        let shared = others.iter().filter(|o| o.matches(c)).count();
        if best.is_none_or(|(n, _)| shared < n) {
            best = Some((shared, c));
            if shared == 0 {
                break;
            }
        }
    }
    best.map(|(_, c)| c.clone())
}

/// The keys a statement reads: its conditions' keys and the policy variables in its condition
/// values and Resource entries, in order, without duplicates (compared without case).
fn statement_keys(statement: &Statement, out: &mut Vec<String>) {
    let push = |k: &str, out: &mut Vec<String>| {
        let k = k.trim();
        if !k.is_empty() && !out.iter().any(|x| x.eq_ignore_ascii_case(k)) {
            out.push(k.to_string());
        }
    };
    for c in &statement.condition {
        push(&c.key.value, out);
        for v in &c.values {
            for k in super::request::variables_in(&v.value) {
                push(k, out);
            }
        }
    }
    if let Some(r) = &statement.resource {
        for item in &r.items {
            for k in super::request::variables_in(&item.value) {
                push(k, out);
            }
        }
    }
}

/// The guardrail's truth tables (see the module docs); fails when the scenario has no such
/// organization policy.
pub fn guardrail_tables(
    scenario: &Scenario,
    catalog: Option<&Catalog>,
    guardrail: GuardrailRef,
) -> Result<GuardrailTables, SimulationError> {
    let word = if guardrail.scp { "SCP" } else { "RCP" };
    let policy = scenario
        .organization
        .as_ref()
        .and_then(|o| o.levels.get(guardrail.level))
        .and_then(|l| {
            if guardrail.scp {
                l.scps.get(guardrail.index)
            } else {
                l.rcps.get(guardrail.index)
            }
        })
        .ok_or_else(|| SimulationError {
            code: "unknown-guardrail",
            message: format!(
                "The scenario has no {word} {} at level {}.",
                guardrail.index + 1,
                guardrail.level + 1
            ),
        })?;
    let policy_type = if guardrail.scp {
        PolicyType::Scp
    } else {
        PolicyType::Rcp
    };
    Ok(tables_of(
        &policy.name,
        &policy.document,
        policy_type,
        &scenario.account.id,
        catalog,
        format!("{word} {} at level {}", policy.name, guardrail.level + 1),
    ))
}

/// The truth tables of a guardrail text of `policy_type` (an SCP or an RCP).
pub fn tables_of(
    name: &str,
    text: &str,
    policy_type: PolicyType,
    account: &str,
    catalog: Option<&Catalog>,
    place: String,
) -> GuardrailTables {
    let parsed = parse_policy(text, policy_type);
    let statements: Vec<&Statement> = parsed
        .document
        .statements
        .iter()
        .filter(|s| s.effect.is_some())
        .collect();
    let mut notes = Vec::new();
    if parsed.has_errors() {
        notes.push(
            "The policy has errors AWS would reject; the tables read the statements as far as they are understood."
                .to_string(),
        );
    }
    let scp = policy_type == PolicyType::Scp;
    // A deny-list SCP (no Allow statement) is read beside FullAWSAccess, as AWS attaches it by
    // default: alone it would let nothing through, and the question is what it denies.
    let beside_full_access = scp
        && !statements
            .iter()
            .any(|s| s.effect.as_ref().is_some_and(|e| e.value == Effect::Allow));
    if beside_full_access {
        notes.push(
            "This SCP has no Allow statement: alone it lets nothing through. The tables read it beside FullAWSAccess, as AWS attaches it by default, so they show what it denies."
                .to_string(),
        );
    }
    // The action sets, in order of first appearance.
    let mut sets: Vec<(ActionSet, Vec<String>)> = Vec::new();
    for s in &statements {
        let Some(set) = ActionSet::of(s) else {
            continue;
        };
        match sets.iter_mut().find(|(x, _)| x.same(&set)) {
            Some((_, labels)) => labels.push(s.label()),
            None => sets.push((set, vec![s.label()])),
        }
    }
    let account = if account.trim().is_empty() {
        PROBE_ACCOUNT
    } else {
        account.trim()
    };
    let mut set = PolicySet::default();
    set.identity.push(
        CompiledPolicy::from_text(
            "allow-everything",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
            PolicyType::Identity,
        )
        .0,
    );
    let compiled = CompiledPolicy::from_text(name, text, policy_type).0;
    if scp {
        let mut level = vec![compiled];
        if beside_full_access {
            level.push(
                CompiledPolicy::from_text(
                    "FullAWSAccess",
                    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
                    PolicyType::Scp,
                )
                .0,
            );
        }
        set.scp_levels.push(level);
    } else {
        set.rcp_levels.push(vec![
            CompiledPolicy::from_text("RCPFullAWSAccess", RCP_FULL_AWS_ACCESS, PolicyType::Rcp).0,
            compiled,
        ]);
    }
    let caller = Caller::from_arn(&format!(
        "arn:aws:sts::{account}:assumed-role/GuardrailProbe/probe"
    ));
    let mut groups = Vec::new();
    let all_sets: Vec<&ActionSet> = sets.iter().map(|(s, _)| s).collect();
    for (i, (action_set, labels)) in sets.iter().enumerate() {
        let others: Vec<&ActionSet> = all_sets
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, s)| *s)
            .collect();
        let Some(action) = least_shared(&candidates(action_set, catalog), &others) else {
            continue;
        };
        let resource = statements
            .iter()
            .filter(|s| ActionSet::of(s).is_some_and(|x| x.same(action_set)))
            .filter_map(|s| s.resource.as_ref())
            .find(|r| !r.negated)
            .and_then(|r| r.items.first())
            .map_or_else(
                || "*".to_string(),
                |r| match r.value.trim() {
                    "*" => "*".to_string(),
                    other => fill(other, "example"),
                },
            );
        groups.push((action_set.words(), labels.clone(), action, resource));
    }
    // The actions no statement names, when there are some.
    let other = match catalog {
        Some(c) => c
            .actions()
            .map(|a| a.full_name())
            .find(|a| !all_sets.iter().any(|s| s.matches(a))),
        None => COMMON_ACTIONS
            .iter()
            .find(|a| !all_sets.iter().any(|s| s.matches(a)))
            .map(|a| a.to_string()),
    };
    if let Some(action) = other {
        groups.push((
            "any other action".to_string(),
            Vec::new(),
            action,
            "*".into(),
        ));
    }
    let groups = groups
        .into_iter()
        .map(|(actions, labels, action, resource)| {
            let mut keys: Vec<String> = Vec::new();
            for s in &statements {
                if ActionSet::of(s).is_some_and(|x| x.matches(&action)) {
                    statement_keys(s, &mut keys);
                }
            }
            let columns = key_columns(&keys, &[(text, policy_type)]);
            let table = truth_table(columns, |context| {
                let Some(caller) = caller.clone() else {
                    return Decision::ImplicitDeny;
                };
                let mut request = Request {
                    caller,
                    action: action.clone(),
                    resource: resource.clone(),
                    resource_account: None,
                    context: crate::context::RequestContext::new(),
                };
                for c in context {
                    request.context.insert(ContextEntry::new(
                        c.key.clone(),
                        c.ty,
                        c.values.iter().cloned(),
                    ));
                }
                decide(&set, &request)
            });
            GuardrailGroup {
                actions,
                statements: labels,
                action,
                resource,
                table,
            }
        })
        .collect();
    GuardrailTables {
        name: name.to_string(),
        policy_type,
        place,
        groups,
        notes,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::scenario::{OrgLevel, OrgPolicy, Organization};

    /// Denies every action but IAM's outside us-east-1 and eu-west-1, unless the caller is the
    /// admin role; FullAWSAccess's Allow in the same policy.
    const REGION_SCP: &str = r#"{"Version":"2012-10-17","Statement":[
        {"Sid":"Everything","Effect":"Allow","Action":"*","Resource":"*"},
        {"Sid":"DenyOtherRegions","Effect":"Deny","NotAction":["iam:*","sts:*"],"Resource":"*",
         "Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"]},
                      "ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/Admin"}}}]}"#;

    fn scenario(scps: Vec<OrgPolicy>, rcps: Vec<OrgPolicy>) -> Scenario {
        let mut s = Scenario::new("111122223333");
        s.organization = Some(Organization {
            management_account: false,
            levels: vec![OrgLevel {
                name: "Root".into(),
                scps,
                rcps,
            }],
        });
        s
    }

    fn policy(name: &str, text: &str) -> OrgPolicy {
        OrgPolicy {
            name: name.into(),
            document: text.into(),
        }
    }

    fn catalog() -> Catalog {
        Catalog::parse(include_str!("../../../../static/data/iam-catalog.txt")).unwrap()
    }

    fn scp_ref() -> GuardrailRef {
        GuardrailRef {
            scp: true,
            level: 0,
            index: 0,
        }
    }

    /// The cell of a row for a key, in words ("any" for a merged cell).
    fn cell(table: &TruthTable, row: usize, key: &str) -> String {
        let at = table.keys.iter().position(|k| k.key == key).unwrap();
        let row = &table.rows[row];
        match row.cells[at] {
            None => "any".into(),
            Some(i) => table.keys[at].options[i].label.clone(),
        }
    }

    #[test]
    fn a_region_guardrail_denies_outside_the_regions_unless_the_admin_role() {
        for catalog in [None, Some(catalog())] {
            let s = scenario(vec![policy("Regions", REGION_SCP)], Vec::new());
            let t = guardrail_tables(&s, catalog.as_ref(), scp_ref()).unwrap();
            assert_eq!(t.place, "SCP Regions at level 1");
            assert!(t.notes.is_empty(), "{:?}", t.notes);
            // Two sets: Allow "*" and the NotAction deny; every action is in a set.
            assert_eq!(t.groups.len(), 2, "{:?}", t.groups);
            let all = &t.groups[0];
            assert_eq!(all.actions, "Action *");
            // The representative of "*" is an action the deny leaves out: IAM or STS.
            assert!(
                all.action.starts_with("iam:") || all.action.starts_with("sts:"),
                "{}",
                all.action
            );
            // No statement with a condition applies to it: one row, passes.
            assert!(all.table.keys.is_empty());
            assert_eq!(all.table.rows.len(), 1);
            assert_eq!(all.table.rows[0].decision, Decision::Allowed);

            let deny = &t.groups[1];
            assert_eq!(deny.actions, "NotAction iam:*, sts:*");
            assert_eq!(deny.statements, vec!["DenyOtherRegions".to_string()]);
            assert_eq!(deny.resource, "*");
            assert!(!deny.action.starts_with("iam:"));
            let table = &deny.table;
            assert!(table.exact);
            let keys: Vec<&str> = table.keys.iter().map(|k| k.key.as_str()).collect();
            assert_eq!(keys, ["aws:RequestedRegion", "aws:PrincipalArn"]);
            // The trigger: one explicit-deny row, a Region outside the list (or absent) and
            // not the admin role.
            let denies: Vec<usize> = (0..table.rows.len())
                .filter(|&r| table.rows[r].decision == Decision::ExplicitDeny)
                .collect();
            assert!(!denies.is_empty());
            for &r in &denies {
                let region = cell(table, r, "aws:RequestedRegion");
                assert!(
                    region == "absent" || region == "a value no policy names",
                    "{region}"
                );
                let arn = cell(table, r, "aws:PrincipalArn");
                assert!(arn != "any", "{arn}");
                assert!(!arn.contains("role/Admin"), "{arn}");
            }
            // The near misses merge: an allowed Region passes whoever asks, and the admin
            // role passes in any Region.
            let passes: Vec<(String, String)> = (0..table.rows.len())
                .filter(|&r| table.rows[r].decision == Decision::Allowed)
                .map(|r| {
                    (
                        cell(table, r, "aws:RequestedRegion"),
                        cell(table, r, "aws:PrincipalArn"),
                    )
                })
                .collect();
            assert!(
                passes.contains(&("us-east-1".into(), "any".into())),
                "{passes:?}"
            );
            assert!(
                passes.contains(&("eu-west-1".into(), "any".into())),
                "{passes:?}"
            );
            assert!(
                passes.contains(&(
                    "any".into(),
                    "arn:aws:iam::x:role/Admin (matches arn:aws:iam::*:role/Admin)".into()
                )),
                "{passes:?}"
            );
            // Three pass rows, and the deny rows: Region absent or unnamed, caller absent or
            // an ARN no policy names.
            assert_eq!(passes.len(), 3, "{passes:?}");
            assert_eq!(denies.len(), 4);
            assert!(
                !table
                    .rows
                    .iter()
                    .any(|r| r.decision == Decision::ImplicitDeny)
            );
        }
    }

    #[test]
    fn a_deny_only_scp_is_read_beside_full_access_and_covers_other_actions() {
        let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]}"#;
        let s = scenario(vec![policy("NoDelete", text)], Vec::new());
        let t = guardrail_tables(&s, None, scp_ref()).unwrap();
        assert_eq!(t.notes.len(), 1);
        assert_eq!(t.groups.len(), 2);
        assert_eq!(t.groups[0].action, "s3:DeleteBucket");
        let table = &t.groups[0].table;
        // MFA false (or absent, IfExists) denies; true passes.
        assert!(
            !table
                .rows
                .iter()
                .any(|r| r.decision == Decision::ImplicitDeny)
        );
        let deny_labels: Vec<String> = (0..table.rows.len())
            .filter(|&r| table.rows[r].decision == Decision::ExplicitDeny)
            .map(|r| cell(table, r, "aws:MultiFactorAuthPresent"))
            .collect();
        assert!(
            deny_labels.contains(&"false".to_string()),
            "{deny_labels:?}"
        );
        assert!(!deny_labels.contains(&"true".to_string()));
        assert_eq!(t.groups[1].actions, "any other action");
        assert!(t.groups[1].table.keys.is_empty());
        assert_eq!(t.groups[1].table.rows[0].decision, Decision::Allowed);
        // The near miss: with an Allow statement of its own, the SCP is read alone, and what
        // it does not allow is "not allowed".
        let allow_list = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
        let s = scenario(vec![policy("AllowList", allow_list)], Vec::new());
        let t = guardrail_tables(&s, None, scp_ref()).unwrap();
        assert!(t.notes.is_empty());
        assert_eq!(t.groups[0].table.rows[0].decision, Decision::Allowed);
        assert_eq!(t.groups[1].actions, "any other action");
        assert_eq!(t.groups[1].table.rows[0].decision, Decision::ImplicitDeny);
    }

    #[test]
    fn an_rcp_outside_the_organization_is_denied_and_services_pass() {
        let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":["s3:*","sqs:*"],"Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-abc123"},"BoolIfExists":{"aws:PrincipalIsAWSService":"false"}}}]}"#;
        let s = scenario(Vec::new(), vec![policy("Perimeter", text)]);
        let t = guardrail_tables(
            &s,
            Some(&catalog()),
            GuardrailRef {
                scp: false,
                level: 0,
                index: 0,
            },
        )
        .unwrap();
        assert!(t.notes.is_empty());
        let table = &t.groups[0].table;
        assert!(t.groups[0].action.starts_with("s3:"));
        let keys: Vec<&str> = table.keys.iter().map(|k| k.key.as_str()).collect();
        assert_eq!(keys, ["aws:PrincipalOrgID", "aws:PrincipalIsAWSService"]);
        // In the organization passes whatever the service flag; a service passes anywhere.
        let passes: Vec<(String, String)> = (0..table.rows.len())
            .filter(|&r| table.rows[r].decision == Decision::Allowed)
            .map(|r| {
                (
                    cell(table, r, "aws:PrincipalOrgID"),
                    cell(table, r, "aws:PrincipalIsAWSService"),
                )
            })
            .collect();
        assert!(
            passes.contains(&("o-abc123".into(), "any".into())),
            "{passes:?}"
        );
        assert!(
            passes.contains(&("any".into(), "true".into())),
            "{passes:?}"
        );
        // With RCPFullAWSAccess beside it, nothing is "not allowed".
        assert!(
            !table
                .rows
                .iter()
                .any(|r| r.decision == Decision::ImplicitDeny)
        );
        assert!(
            table
                .rows
                .iter()
                .any(|r| r.decision == Decision::ExplicitDeny)
        );
        // Other actions pass.
        let other = t.groups.last().unwrap();
        assert_eq!(other.actions, "any other action");
        assert_eq!(other.table.rows[0].decision, Decision::Allowed);
    }

    #[test]
    fn a_missing_policy_and_a_broken_text_are_values_not_panics() {
        let s = scenario(Vec::new(), Vec::new());
        let e = guardrail_tables(&s, None, scp_ref()).unwrap_err();
        assert_eq!(e.code, "unknown-guardrail");
        let s = Scenario::new("111122223333");
        assert!(guardrail_tables(&s, None, scp_ref()).is_err());
        for text in ["", "{", r#"{"Statement":[{"Effect":"Deny"}]}"#, "[1,2"] {
            let s = scenario(vec![policy("Broken", text)], Vec::new());
            let t = guardrail_tables(&s, None, scp_ref()).unwrap();
            assert!(!t.notes.is_empty(), "{text}");
        }
    }

    #[test]
    fn statements_with_the_same_set_share_a_group() {
        let text = r#"{"Version":"2012-10-17","Statement":[
            {"Sid":"A","Effect":"Deny","Action":["s3:PutObject","S3:DeleteObject"],"Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}},
            {"Sid":"B","Effect":"Deny","Action":["s3:deleteobject","s3:PutObject"],"Resource":"*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}},
            {"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
        let s = scenario(vec![policy("Data", text)], Vec::new());
        let t = guardrail_tables(&s, None, scp_ref()).unwrap();
        assert_eq!(
            t.groups[0].statements,
            vec!["A".to_string(), "B".to_string()]
        );
        let keys: Vec<&str> = t.groups[0]
            .table
            .keys
            .iter()
            .map(|k| k.key.as_str())
            .collect();
        assert_eq!(keys, ["aws:SecureTransport", "aws:SourceVpce"]);
        // Passes only over TLS (or unset) and through the endpoint.
        let passes: Vec<usize> = (0..t.groups[0].table.rows.len())
            .filter(|&r| t.groups[0].table.rows[r].decision == Decision::Allowed)
            .collect();
        assert!(!passes.is_empty());
        for r in passes {
            assert_eq!(cell(&t.groups[0].table, r, "aws:SourceVpce"), "vpce-1");
        }
    }
}
