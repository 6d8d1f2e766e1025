//! The simulator's use case: a request of the panel and its answer.
//!
//! The answer holds the decision with its reasons, the policies in play (each with its typed
//! [`PolicySource`]), the deciding statements and the highlights the policy editors draw. All of
//! it is computed from the scenario and the request: the policies in play are the very list
//! the evaluation used ([`ScenarioEvaluation::sources`]), so a policy that decides (an SCP, an
//! RCP, a trust or a resource policy included) is always listed and highlighted.

use serde::Serialize;

use crate::catalog::{Catalog, ManagedPolicies};
use crate::eval::{Caller, Decision, Miss, RootTaskEvaluation, evaluate_root_task};
use crate::policy::{Effect, PolicyType};
use crate::scenario::{DocumentRef, PrincipalRef, Scenario, Target};
use crate::span::Span;

use super::cache::CompileCache;
use super::matrix::MatrixRowPlan;
use super::request::{
    ActionQuery, ContextKeyRow, ContextOverride, KeyOrigin, KeySetting, absent_keys,
    access_denied_message, caller_arn, effective_context, parse_action, prepare_panel_request,
    setting_for,
};
use super::simulate::ScenarioEvaluation;
use super::source::PolicySource;

/// The simulator's request as the user typed it: who, what, on which resource, and the
/// context keys they changed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SimulatorRequest {
    /// The principal as a [`PrincipalRef`] string (`root`, `user/alice`, `role/Admin`, or an
    /// ARN / service principal / `*`).
    pub principal: String,
    /// The action, e.g. `s3:DeleteBucket` (wildcards expand into several rows).
    pub action: String,
    /// The resource ARN.
    pub resource: String,
    /// The context keys the user changed. Keys not listed here take the panel's shown
    /// default.
    pub context: Vec<ContextOverride>,
}

impl SimulatorRequest {
    /// Whether no request was made yet: no principal and no action.
    pub fn is_empty(&self) -> bool {
        self.principal.is_empty() && self.action.is_empty()
    }

    /// The request the simulator opens with for `scenario`: its first saved test, or its first
    /// user (else the root user) listing buckets.
    pub fn opening(scenario: &crate::scenario::Scenario) -> SimulatorRequest {
        match scenario.tests.first() {
            Some(t) => SimulatorRequest {
                principal: String::from(t.principal.clone()),
                action: t.action.clone(),
                resource: t.resource.clone(),
                context: Vec::new(),
            },
            None => SimulatorRequest {
                principal: scenario
                    .users
                    .first()
                    .map_or_else(|| "root".to_string(), |u| format!("user/{}", u.name)),
                action: "s3:ListAllMyBuckets".to_string(),
                resource: "*".to_string(),
                context: Vec::new(),
            },
        }
    }

    /// Whether nothing has been asked yet (no principal and no action).
    pub fn is_unset(&self) -> bool {
        self.principal.trim().is_empty() && self.action.trim().is_empty()
    }
}

/// What a highlight in a policy editor means (the editor colours and labels it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum HighlightKind {
    /// A statement that allowed the simulated request.
    Allow,
    /// A statement that denied it.
    Deny,
    /// A statement that nearly applied (a nearest miss).
    Miss,
}

/// A span to highlight in one policy text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Highlight {
    /// The policy the span is in.
    pub source: PolicySource,
    /// The entity that shows the text ([`PolicySource::place`]).
    pub target: Target,
    /// Which of its texts.
    pub document: DocumentRef,
    /// The span in the text the evaluation read.
    pub span: Span,
    /// What it means.
    pub kind: HighlightKind,
    /// A short explanation shown on hover.
    pub label: String,
}

/// A statement that decided the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DecidingStatement {
    /// The policy it is in.
    pub source: PolicySource,
    /// Its zero-based position in the policy.
    pub index: usize,
    /// Its Sid, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    /// Allow or deny.
    pub effect: Effect,
    /// Its span in the policy text.
    pub span: Span,
}

impl DecidingStatement {
    /// The statement named in words: its Sid, else `#N` counted from 1.
    pub fn name(&self) -> String {
        crate::eval::statement_name(self.sid.as_deref(), self.index)
    }
}

/// One policy the request runs through, with what an editor of it needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyInPlay {
    /// Where it comes from.
    pub source: PolicySource,
    /// The entity that shows the text.
    pub target: Target,
    /// Which of its texts.
    pub document: DocumentRef,
    /// A heading, also the editor's accessible name.
    pub heading: String,
    /// The text the evaluation read (the spans of the highlights refer to it).
    pub text: String,
    /// For an AWS-managed policy, its text laid out for reading (the asset holds a compact
    /// one); `None` when `text` is shown as it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub laid_out: Option<String>,
    /// The grammar it is read with.
    pub policy_type: PolicyType,
    /// Whether AWS maintains it (shown read-only).
    pub read_only: bool,
}

impl PolicyInPlay {
    /// The policy's name in the plain words the verdict line and the deciding statements use
    /// ([`ScenarioEvaluation::place`]: "SCP 1 at level 2", "customer-managed policy
    /// ReadLogs"), and the name an embed's `policy` parameter takes; `heading` is the
    /// editor's longer label.
    pub fn name(&self) -> String {
        super::simulate::PolicyLocation::of(&self.source).to_string()
    }
}

/// The answer to a request that named actions.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Decided {
    /// Each action with its decision.
    pub rows: Vec<(String, Decision)>,
    /// How many actions the pattern matched in all.
    pub total: usize,
    /// The explained row.
    pub selected: usize,
    /// Its evaluation.
    pub detail: ScenarioEvaluation,
    /// The AccessDenied message AWS would return, when refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub denied_message: Option<String>,
    /// The policies the explained request ran through, in evaluation order.
    pub in_play: Vec<PolicyInPlay>,
    /// The statements that decided it.
    pub deciding: Vec<DecidingStatement>,
    /// The deciding statements and nearest misses, as spans to draw.
    pub highlights: Vec<Highlight>,
    /// When the resource is a pattern (`arn:aws:s3:::reports/*`), the explained action decided
    /// on one ARN per region inside it: "allowed for some, refused for others".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<super::pattern::PatternAnswer>,
    /// When the policies read context keys the request left open, the decision under each
    /// region of their values ("Allowed if aws:MultiFactorAuthPresent is true; otherwise …").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conditional: Option<super::conditional::ConditionalAnswer>,
}

impl Decided {
    /// The text of a deciding statement as its policy has it, with the indentation its lines
    /// share removed (the first line starts at the statement's `{`), for views that quote it.
    pub fn statement_text(&self, statement: &DecidingStatement) -> Option<String> {
        let policy = self.in_play.iter().find(|p| p.source == statement.source)?;
        let text = policy.text.get(statement.span.start..statement.span.end)?;
        Some(dedent_after_first_line(text))
    }
}

/// Removes from every line but the first the indentation the others share.
fn dedent_after_first_line(text: &str) -> String {
    let mut lines = text.lines();
    let first = lines.next().unwrap_or_default();
    let rest: Vec<&str> = lines.collect();
    let indent = rest
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    // The closing brace sits one level out from the statement's body; keep the body's
    // indentation relative to it.
    let last_indent = rest
        .last()
        .map_or(0, |l| l.len() - l.trim_start().len())
        .min(indent);
    let mut out = String::from(first);
    for line in rest {
        out.push('\n');
        out.push_str(line.get(last_indent..).unwrap_or(line.trim_start()));
    }
    out
}

/// What the simulator's request comes to.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "camelCase")]
pub enum Answer {
    /// The request is not complete; the text says what is missing.
    Incomplete(String),
    /// The request could not be evaluated (unknown principal).
    Error(String),
    /// A root-only task.
    RootTask(RootTaskEvaluation),
    /// One row per action, the selected one explained.
    Decided(Box<Decided>),
}

impl Answer {
    /// The highlights of the answer (none unless it decided actions).
    pub fn highlights(&self) -> &[Highlight] {
        match self {
            Answer::Decided(d) => &d.highlights,
            _ => &[],
        }
    }
}

/// What a statement missed, in a sentence.
pub fn miss_text(miss: &Miss) -> String {
    match miss {
        Miss::Invalid { message } => message.clone(),
        Miss::Action { message, .. } => format!("its Action does not match: {message}"),
        Miss::Resource { message, .. } => format!("its Resource does not match: {message}"),
        Miss::Principal { message, .. } => format!("its Principal does not match: {message}"),
        Miss::Condition { message, .. } => format!("its Condition is not met: {message}"),
    }
}

/// The highlights an evaluation puts into policy editors: deciding statements (allow or
/// deny) and nearest misses, at the exact span of the statement (or of the element that
/// missed). Policies AWS supplies implicitly have no editor and get none.
pub fn highlights_of(result: &ScenarioEvaluation) -> Vec<Highlight> {
    let evaluation = &result.evaluation;
    let mut out = Vec::new();
    let name =
        |sid: &Option<String>, index: usize| crate::eval::statement_name(sid.as_deref(), index);
    let place = |id: &str| {
        let source = result.source(id)?;
        let (target, document) = source.place()?;
        Some((source.clone(), target, document))
    };
    for s in &evaluation.matched_statements {
        if let Some((source, target, document)) = place(&s.policy_id) {
            let kind = match s.effect {
                Effect::Deny => HighlightKind::Deny,
                Effect::Allow => HighlightKind::Allow,
            };
            out.push(Highlight {
                source,
                target,
                document,
                span: s.span,
                kind,
                label: format!("statement {} decides this request", name(&s.sid, s.index)),
            });
        }
    }
    for c in &evaluation.candidates {
        if let Some((source, target, document)) = place(&c.statement.policy_id) {
            let span = match &c.miss {
                Miss::Invalid { .. } => c.statement.span,
                Miss::Action { span, .. }
                | Miss::Resource { span, .. }
                | Miss::Principal { span, .. }
                | Miss::Condition { span, .. } => *span,
            };
            out.push(Highlight {
                source,
                target,
                document,
                span,
                kind: HighlightKind::Miss,
                label: format!(
                    "statement {} would allow this, but {}",
                    name(&c.statement.sid, c.statement.index),
                    miss_text(&c.miss)
                ),
            });
        }
    }
    out
}

/// The statements that decided the evaluation, with their typed sources.
pub fn deciding_statements(result: &ScenarioEvaluation) -> Vec<DecidingStatement> {
    result
        .evaluation
        .matched_statements
        .iter()
        .filter_map(|s| {
            Some(DecidingStatement {
                source: result.source(&s.policy_id)?.clone(),
                index: s.index,
                sid: s.sid.clone(),
                effect: s.effect,
                span: s.span,
            })
        })
        .collect()
}

/// The policies an evaluation ran through that have a text to show, in evaluation order, each
/// once (a policy attached to a user and to one of its groups is one text).
pub fn policies_in_play(
    scenario: &Scenario,
    managed: Option<&ManagedPolicies>,
    result: &ScenarioEvaluation,
) -> Vec<PolicyInPlay> {
    let mut out: Vec<PolicyInPlay> = Vec::new();
    for source in &result.sources {
        let Some((target, document)) = source.place() else {
            continue;
        };
        if out
            .iter()
            .any(|p| p.target == target && p.document == document)
        {
            continue;
        }
        let Some(text) = source.text(scenario, managed) else {
            continue;
        };
        let laid_out = match (&target, managed) {
            (Target::AwsPolicy { arn }, Some(m)) => m
                .laid_out_document(arn)
                .filter(|l| *l != text)
                .map(str::to_string),
            _ => None,
        };
        out.push(PolicyInPlay {
            heading: source.heading(scenario),
            text: text.into_owned(),
            laid_out,
            policy_type: source.policy_type(),
            read_only: source.is_read_only(),
            source: source.clone(),
            target,
            document,
        });
    }
    out
}

/// Evaluates the simulator's request (see [`super::Workbench::answer`]).
pub(super) fn answer(
    scenario: &Scenario,
    managed: Option<&ManagedPolicies>,
    catalog: Option<&Catalog>,
    cache: &CompileCache,
    request: &SimulatorRequest,
    rows: &[ContextKeyRow],
    selected: usize,
) -> Answer {
    let principal = PrincipalRef::from(request.principal.trim().to_string());
    if request.principal.trim().is_empty() {
        return Answer::Incomplete("Choose who makes the request.".to_string());
    }
    let resource = request.resource.trim();
    match parse_action(&request.action, catalog) {
        ActionQuery::Incomplete(why) => Answer::Incomplete(why),
        ActionQuery::RootTask(task) => {
            let Some(arn) = caller_arn(scenario, cache, &principal) else {
                return Answer::Error(format!(
                    "\"{}\" is not a principal of this scenario.",
                    request.principal
                ));
            };
            match Caller::from_arn(&arn).and_then(|c| evaluate_root_task(&c, task.id)) {
                Some(a) => Answer::RootTask(a),
                None => Answer::Error(format!("{arn} cannot be read as a caller.")),
            }
        }
        ActionQuery::Actions {
            rows: actions,
            total,
        } => {
            if resource.is_empty() {
                return Answer::Incomplete(
                    "Type a resource ARN, or * for actions that take none.".to_string(),
                );
            }
            let context = effective_context(rows, &request.context);
            let absent = absent_keys(&request.context);
            let selected = selected.min(actions.len().saturating_sub(1));
            let Some(action) = actions.get(selected).cloned() else {
                return Answer::Incomplete("The pattern matched no action.".to_string());
            };
            let action = &action;
            let prepared = match prepare_panel_request(
                scenario, managed, cache, &principal, action, resource, &context, &absent,
            ) {
                Ok(p) => p,
                Err(e) => return Answer::Error(e.message),
            };
            let detail = prepared.evaluate_ref();
            let decisions: Vec<(String, Decision)> = if actions.len() == 1 {
                vec![(action.clone(), detail.evaluation.decision)]
            } else {
                let mut out = Vec::with_capacity(actions.len());
                match MatrixRowPlan::new(scenario, managed, cache, &principal, resource, &context) {
                    Ok(mut plan) => plan.decide_into(scenario, managed, cache, &actions, &mut out),
                    Err(e) => return Answer::Error(e.message),
                }
                actions.into_iter().zip(out).collect()
            };
            let denied_message = caller_arn(scenario, cache, &principal)
                .and_then(|arn| access_denied_message(&detail.evaluation, &arn, action, resource));
            let in_play = policies_in_play(scenario, managed, &detail);
            // Keys the policies read that the request leaves open: how the request is made
            // (MFA, network, Region) or only a policy names them, with no value unless the
            // user gives one, and the user gave none. The answer under each region of their
            // values.
            let open: Vec<String> = rows
                .iter()
                .filter(|r| {
                    r.referenced
                        && matches!(r.origin, KeyOrigin::Request | KeyOrigin::Policy)
                        && r.default.is_none()
                        && setting_for(&request.context, &r.key) == KeySetting::Default
                })
                .map(|r| r.key.clone())
                .collect();
            let texts: Vec<(&str, PolicyType)> = in_play
                .iter()
                .map(|p| (p.text.as_str(), p.policy_type))
                .collect();
            let conditional = super::conditional::conditional_answer(&prepared, &open, &texts);
            Answer::Decided(Box::new(Decided {
                rows: decisions,
                total,
                selected,
                denied_message,
                conditional,
                in_play,
                deciding: deciding_statements(&detail),
                highlights: highlights_of(&detail),
                pattern: super::pattern::pattern_answer(
                    scenario, managed, cache, &principal, action, resource, &context, &absent,
                ),
                detail,
            }))
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::scenario::{
        IdentityRef, InlinePolicy, OrgLevel, OrgPolicy, Organization, Resource, ResourceKind, Role,
        User,
    };
    use crate::workbench::Workbench;

    const NOW: &str = "2026-11-23T10:00:00Z";

    fn policy(statements: &str) -> String {
        format!("{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{statements}]\n}}")
    }

    /// An account in an organization with an SCP, an RCP, a bucket with a policy and a role
    /// that alice may assume.
    fn scenario() -> Scenario {
        let mut s = Scenario::new("111122223333");
        let mut alice = User::new("alice");
        alice.inline_policies.push(InlinePolicy {
            name: "Work".into(),
            document: policy(
                r#"{"Sid":"Everything","Effect":"Allow","Action":["s3:*","sts:AssumeRole"],"Resource":"*"}"#,
            ),
        });
        s.users.push(alice);
        s.roles.push(Role::new(
            "Deployer",
            policy(
                r#"{"Sid":"TrustAlice","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"sts:AssumeRole"}"#,
            ),
        ));
        let mut bucket = Resource::new(ResourceKind::S3Bucket, "logs");
        bucket.policy = Some(policy(
            r#"{"Sid":"NoReads","Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::logs/*"}"#,
        ));
        s.resources.push(bucket);
        s.organization = Some(Organization {
            management_account: false,
            levels: vec![
                OrgLevel {
                    name: "Root".into(),
                    scps: vec![OrgPolicy {
                        name: "FullAWSAccess".into(),
                        document: policy(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#),
                    }],
                    rcps: Vec::new(),
                },
                OrgLevel {
                    name: "Workloads".into(),
                    scps: vec![OrgPolicy {
                        name: "Guardrails".into(),
                        document: policy(
                            r#"{"Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"KeepBuckets","Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}"#,
                        ),
                    }],
                    rcps: vec![OrgPolicy {
                        name: "NoWrites".into(),
                        document: policy(
                            r#"{"Sid":"NoPuts","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"*"}"#,
                        ),
                    }],
                },
            ],
        });
        s
    }

    fn ask(s: &Scenario, principal: &str, action: &str, resource: &str) -> Decided {
        let cache = CompileCache::new();
        let wb = Workbench::new(s, &cache);
        let request = SimulatorRequest {
            principal: principal.into(),
            action: action.into(),
            resource: resource.into(),
            context: Vec::new(),
        };
        let rows = wb.context_keys(principal, resource, NOW);
        match wb.answer(&request, &rows, 0) {
            Answer::Decided(d) => *d,
            other => panic!("{other:?}"),
        }
    }

    /// The deciding policy is in play, and one of its statements is highlighted at a span
    /// that holds `sid` in the listed text.
    fn assert_listed_and_highlighted(d: &Decided, source: &PolicySource, sid: &str) {
        let listed = d
            .in_play
            .iter()
            .find(|p| p.source == *source)
            .unwrap_or_else(|| panic!("{source:?} not in play: {:?}", d.in_play));
        let h = d
            .highlights
            .iter()
            .find(|h| h.source == *source && h.kind != HighlightKind::Miss)
            .unwrap_or_else(|| panic!("{source:?} not highlighted: {:?}", d.highlights));
        assert_eq!((&h.target, &h.document), (&listed.target, &listed.document));
        let statement = listed.text.get(h.span.start..h.span.end).unwrap();
        assert!(statement.contains(sid), "{statement}");
        assert!(d.deciding.iter().any(|s| s.source == *source));
    }

    #[test]
    fn deciding_statements_are_quoted_as_written() {
        let mut s = scenario();
        s.users[0].inline_policies[0].document = "{\n    \"Version\": \"2012-10-17\",\n    \"Statement\": [\n        {\n            \"Sid\": \"Everything\",\n            \"Effect\": \"Allow\",\n            \"Action\": \"s3:*\",\n            \"Resource\": \"*\"\n        }\n    ]\n}".into();
        let d = ask(&s, "user/alice", "s3:GetObject", "arn:aws:s3:::other/k");
        let quoted = d.statement_text(&d.deciding[0]).unwrap();
        assert_eq!(
            quoted,
            "{\n    \"Sid\": \"Everything\",\n    \"Effect\": \"Allow\",\n    \"Action\": \"s3:*\",\n    \"Resource\": \"*\"\n}"
        );
        assert_eq!(dedent_after_first_line("{}"), "{}");
    }

    #[test]
    fn a_request_decided_by_an_scp_lists_and_highlights_that_scp() {
        let d = ask(
            &scenario(),
            "user/alice",
            "s3:DeleteBucket",
            "arn:aws:s3:::logs",
        );
        assert_eq!(d.detail.evaluation.decision, Decision::ExplicitDeny);
        let scp = PolicySource::Scp { level: 1, index: 0 };
        assert_listed_and_highlighted(&d, &scp, "KeepBuckets");
        let listed = d.in_play.iter().find(|p| p.source == scp).unwrap();
        assert_eq!(listed.heading, "SCP Guardrails at Workloads (level 2)");
        // Its name is the one the verdict line and the deciding statements use.
        assert_eq!(listed.name(), "SCP 1 at level 2");
        assert_eq!(listed.name(), d.detail.place(&scp.id()));
        assert!(
            d.detail.evaluation.summary.contains("SCP 1 at level 2"),
            "{}",
            d.detail.evaluation.summary
        );
        assert_eq!(listed.policy_type, PolicyType::Scp);
        // The identity policy is in play too, before the organization's policies.
        assert!(matches!(
            d.in_play.first().map(|p| &p.source),
            Some(PolicySource::Inline { owner: IdentityRef::User(u), .. }) if u == "alice"
        ));
    }

    #[test]
    fn a_request_decided_by_an_rcp_lists_and_highlights_that_rcp() {
        let d = ask(
            &scenario(),
            "user/alice",
            "s3:PutObject",
            "arn:aws:s3:::logs/a.txt",
        );
        assert_eq!(d.detail.evaluation.decision, Decision::ExplicitDeny);
        assert_listed_and_highlighted(&d, &PolicySource::Rcp { level: 1, index: 0 }, "NoPuts");
        // AWS's implicit RCPFullAWSAccess takes part but has no text to show.
        assert!(
            d.detail
                .sources
                .contains(&PolicySource::RcpFullAwsAccess { level: 0 })
        );
        assert!(
            !d.in_play
                .iter()
                .any(|p| matches!(p.source, PolicySource::RcpFullAwsAccess { .. }))
        );
    }

    #[test]
    fn a_request_decided_by_a_resource_policy_lists_and_highlights_it() {
        let d = ask(
            &scenario(),
            "user/alice",
            "s3:GetObject",
            "arn:aws:s3:::logs/a.txt",
        );
        assert_eq!(d.detail.evaluation.decision, Decision::ExplicitDeny);
        let bucket = PolicySource::Resource {
            resource_kind: ResourceKind::S3Bucket,
            name: "logs".into(),
        };
        assert_listed_and_highlighted(&d, &bucket, "NoReads");
    }

    #[test]
    fn an_assume_role_request_lists_and_highlights_the_trust_policy() {
        let d = ask(
            &scenario(),
            "user/alice",
            "sts:AssumeRole",
            "arn:aws:iam::111122223333:role/Deployer",
        );
        assert_eq!(d.detail.evaluation.decision, Decision::Allowed);
        let trust = PolicySource::Trust {
            role: "Deployer".into(),
        };
        assert_listed_and_highlighted(&d, &trust, "TrustAlice");
        let listed = d.in_play.iter().find(|p| p.source == trust).unwrap();
        assert_eq!(listed.heading, "Trust policy of role Deployer");
        assert_eq!(listed.policy_type, PolicyType::Trust);
    }

    #[test]
    fn policies_in_play_are_the_evaluated_ones_each_once() {
        let mut s = scenario();
        // The same customer-managed policy attached to the user and to one of its groups
        // takes part twice but is one text to show.
        s.policies.push(crate::scenario::ManagedPolicy::new(
            "Shared",
            policy(r#"{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"}"#),
        ));
        let mut g = crate::scenario::Group::new("devs");
        g.managed_policies
            .push(crate::scenario::PolicyRef::Customer("Shared".into()));
        s.groups.push(g);
        let alice = s.users.iter_mut().find(|u| u.name == "alice").unwrap();
        alice
            .managed_policies
            .push(crate::scenario::PolicyRef::Customer("Shared".into()));
        alice.groups.push("devs".into());
        let d = ask(&s, "user/alice", "ec2:DescribeInstances", "*");
        assert_eq!(d.detail.evaluation.decision, Decision::Allowed);
        let shared: Vec<&PolicyInPlay> = d
            .in_play
            .iter()
            .filter(|p| {
                matches!(&p.source, PolicySource::Attached { policy: crate::scenario::PolicyRef::Customer(n), .. } if n == "Shared")
            })
            .collect();
        assert_eq!(shared.len(), 1);
        // Every listed policy is one the evaluation used.
        for p in &d.in_play {
            assert!(d.detail.sources.contains(&p.source), "{:?}", p.source);
        }
    }

    #[test]
    fn incomplete_requests_and_root_tasks_are_answered_without_highlights() {
        let s = scenario();
        let cache = CompileCache::new();
        let wb = Workbench::new(&s, &cache);
        let ask = |p: &str, a: &str, r: &str| {
            let request = SimulatorRequest {
                principal: p.into(),
                action: a.into(),
                resource: r.into(),
                context: Vec::new(),
            };
            wb.answer(&request, &[], 0)
        };
        assert!(matches!(
            ask("", "s3:GetObject", "*"),
            Answer::Incomplete(_)
        ));
        assert!(matches!(ask("root", "s3", "*"), Answer::Incomplete(_)));
        assert!(matches!(ask("root", "s3:Get*", "*"), Answer::Incomplete(_)));
        assert!(matches!(
            ask("user/ghost", "s3:GetObject", "*"),
            Answer::Error(_)
        ));
        match ask("root", "root-task:close-account", "*") {
            Answer::RootTask(a) => assert_eq!(a.decision, Decision::Allowed),
            other => panic!("{other:?}"),
        }
        assert!(
            ask("root", "root-task:close-account", "*")
                .highlights()
                .is_empty()
        );
    }

    #[test]
    fn denied_requests_carry_the_access_denied_message_and_their_misses() {
        let s = crate::scenario::gallery_entry("least-privilege-groups")
            .unwrap()
            .scenario;
        let managed =
            ManagedPolicies::parse(include_str!("../../../../static/data/managed-policies.txt"))
                .unwrap();
        let cache = CompileCache::new();
        let wb = Workbench::new(&s, &cache).with_managed(Some(&managed));
        let request = SimulatorRequest {
            principal: "user/dev-dana".into(),
            action: "rds:DeleteDBInstance".into(),
            resource: "arn:aws:rds:us-east-1:111122223333:db:orders".into(),
            context: Vec::new(),
        };
        let rows = wb.context_keys(&request.principal, &request.resource, NOW);
        match wb.answer(&request, &rows, 0) {
            Answer::Decided(d) => {
                assert_eq!(
                    d.rows,
                    vec![("rds:DeleteDBInstance".to_string(), Decision::ImplicitDeny)]
                );
                assert!(d.denied_message.unwrap().ends_with(
                    "because no identity-based policy allows the rds:DeleteDBInstance action"
                ));
                assert!(!d.detail.evaluation.candidates.is_empty());
                // Each nearest miss is drawn in a policy that is listed.
                assert!(d.highlights.iter().any(|h| h.kind == HighlightKind::Miss));
                for h in &d.highlights {
                    assert!(
                        d.in_play
                            .iter()
                            .any(|p| p.target == h.target && p.document == h.document),
                        "{h:?}"
                    );
                }
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_unset_request_is_the_one_the_simulator_opens_with() {
        let s = crate::scenario::gallery_entry("seed-admin-template")
            .unwrap()
            .scenario;
        let cache = crate::workbench::CompileCache::new();
        let wb = crate::workbench::Workbench::new(&s, &cache);
        let current = wb.current_request(&SimulatorRequest::default());
        assert_eq!(current, SimulatorRequest::opening(&s));
        assert_eq!(current.principal, "user/admin");
        assert_eq!(current.action, "iam:ChangePassword");
        assert!(wb.cli_input(&current).is_ok());
        let asked = SimulatorRequest {
            principal: "root".into(),
            action: "s3:ListBucket".into(),
            resource: "*".into(),
            context: Vec::new(),
        };
        assert_eq!(wb.current_request(&asked), asked);
        let empty = crate::scenario::Scenario::new("111122223333");
        assert_eq!(SimulatorRequest::opening(&empty).principal, "root");
    }
}
