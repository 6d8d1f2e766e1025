//! The answer to the simulator's request: the decision in words and colour, the AccessDenied
//! message AWS would return, the evaluation chain, the deciding statements, the nearest
//! misses, and the policies in play in editors with the deciding statements highlighted.

use std::rc::Rc;

use iam_engine::catalog::ManagedPolicies;
use iam_engine::eval::{Decision, Evaluation, Miss, RootTaskEvaluation, StepKind, Verdict};
use iam_engine::policy::PolicyType;
use iam_engine::scenario::simulate::{PolicyLocation, ScenarioEvaluation, locate_policy};
use iam_engine::scenario::{
    AWS_MANAGED_PREFIX, DocumentRef, IdentityRef, PolicyRef, PrincipalRef, Scenario, Target,
};
use yew::prelude::*;

use crate::components::editor::{EditorHighlight, PolicyEditor, highlights_in};
use crate::data::Loadable;
use crate::store::{Action, Highlight, HighlightKind, use_store};

/// The decision in words.
pub fn decision_label(decision: Decision) -> &'static str {
    match decision {
        Decision::Allowed => "Allowed",
        Decision::ExplicitDeny => "Explicit deny",
        Decision::ImplicitDeny => "Implicit deny",
    }
}

/// The CSS class of a decision badge (shared with the gallery's badges).
pub fn decision_class(decision: Decision) -> &'static str {
    match decision {
        Decision::Allowed => "decision decision-allowed",
        Decision::ExplicitDeny => "decision decision-explicit",
        Decision::ImplicitDeny => "decision decision-implicit",
    }
}

/// The name of an evaluation step, in the order AWS evaluates.
pub fn step_name(kind: StepKind) -> &'static str {
    match kind {
        StepKind::RootUser => "Root user",
        StepKind::DenyCheck => "Explicit deny check",
        StepKind::Rcp => "Resource control policies",
        StepKind::Scp => "Service control policies",
        StepKind::ResourcePolicy => "Resource-based policy",
        StepKind::Identity => "Identity-based policies",
        StepKind::PermissionsBoundary => "Permissions boundary",
        StepKind::Session => "Session policy",
    }
}

/// A step's verdict in words, with its CSS class.
pub fn verdict(verdict: Verdict) -> (&'static str, &'static str) {
    match verdict {
        Verdict::Allow => ("allows", "verdict-allow"),
        Verdict::Deny => ("denies", "verdict-deny"),
        Verdict::NoAllow => ("does not allow", "verdict-noallow"),
        Verdict::NotApplicable => ("not applicable", "verdict-na"),
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

/// Where a policy of an evaluation lives, in words: "group Developers", "the SCP 1 of Root".
pub fn policy_place(scenario: &Scenario, policy_id: &str) -> String {
    match locate_policy(scenario, policy_id) {
        Some(PolicyLocation::Scenario { target, document }) => {
            let owner = match &target {
                Target::User { name } => format!("user {name}"),
                Target::Group { name } => format!("group {name}"),
                Target::Role { name } => format!("role {name}"),
                Target::Policy { name } => format!("customer-managed policy {name}"),
                Target::Resource { name, .. } => format!("resource {name}"),
                Target::ExternalPrincipal { arn } => format!("external principal {arn}"),
                Target::Organization => "the organization".to_string(),
                _ => "the account".to_string(),
            };
            match document {
                DocumentRef::Inline { name } => format!("inline policy {name} of {owner}"),
                DocumentRef::Managed => owner,
                DocumentRef::Trust => format!("the trust policy of {owner}"),
                DocumentRef::ResourcePolicy => format!("the policy of {owner}"),
                DocumentRef::Scp { level, index } => {
                    format!("SCP {} at level {}", index + 1, level + 1)
                }
                DocumentRef::Rcp { level, index } => {
                    format!("RCP {} at level {}", index + 1, level + 1)
                }
            }
        }
        Some(PolicyLocation::AwsManaged { name }) => format!("AWS-managed policy {name}"),
        Some(PolicyLocation::Implicit { name }) => name,
        None => policy_id.to_string(),
    }
}

/// The highlights an evaluation puts into policy editors: deciding statements (allow or
/// deny) and nearest misses, at the exact span of the statement (or of the element that
/// missed).
pub fn highlights_of(scenario: &Scenario, evaluation: &Evaluation) -> Vec<Highlight> {
    let mut out = Vec::new();
    // Where a text of the evaluation is shown: the scenario's own, or an AWS-managed policy.
    let place = |id: &str| match locate_policy(scenario, id)? {
        PolicyLocation::Scenario { target, document } => Some((target, document)),
        PolicyLocation::AwsManaged { name } => Some((
            Target::AwsPolicy {
                arn: format!("{AWS_MANAGED_PREFIX}{name}"),
            },
            DocumentRef::Managed,
        )),
        PolicyLocation::Implicit { .. } => None,
    };
    let name = |sid: &Option<String>, index: usize| {
        sid.clone().unwrap_or_else(|| format!("#{}", index + 1))
    };
    for s in &evaluation.matched_statements {
        if let Some((target, document)) = place(&s.policy_id) {
            let kind = match s.effect {
                iam_engine::policy::Effect::Deny => HighlightKind::Deny,
                iam_engine::policy::Effect::Allow => HighlightKind::Allow,
            };
            out.push(Highlight {
                target,
                document,
                span: s.span,
                kind,
                label: format!("statement {} decides this request", name(&s.sid, s.index)),
            });
        }
    }
    for c in &evaluation.candidates {
        if let Some((target, document)) = place(&c.statement.policy_id) {
            let span = match &c.miss {
                Miss::Invalid { .. } => c.statement.span,
                Miss::Action { span, .. }
                | Miss::Resource { span, .. }
                | Miss::Principal { span, .. }
                | Miss::Condition { span, .. } => *span,
            };
            out.push(Highlight {
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

/// The evaluation chain in AWS's order.
const CHAIN: [StepKind; 7] = [
    StepKind::DenyCheck,
    StepKind::Rcp,
    StepKind::Scp,
    StepKind::ResourcePolicy,
    StepKind::Identity,
    StepKind::PermissionsBoundary,
    StepKind::Session,
];

/// Props of [`Explanation`].
#[derive(Properties, PartialEq)]
pub struct ExplanationProps {
    /// The scenario evaluated.
    pub scenario: Rc<Scenario>,
    /// The evaluation.
    pub result: Rc<ScenarioEvaluation>,
    /// The AccessDenied message AWS would return, for a refused request.
    #[prop_or_default]
    pub denied_message: Option<AttrValue>,
}

/// The decision with its reasons: used by the simulator and by the gallery's request panel.
#[component]
pub fn Explanation(props: &ExplanationProps) -> Html {
    let evaluation = &props.result.evaluation;
    let scenario = &props.scenario;
    let mut steps: Vec<Html> = evaluation
        .steps
        .iter()
        .map(|step| {
            let (word, class) = verdict(step.verdict);
            html! {
                <li class={classes!("step", class)} data-step={format!("{:?}", step.kind).to_lowercase()}>
                    <span class="step-name">{ step_name(step.kind) }</span>{ " " }
                    <span class="step-verdict">{ word }</span>
                    <div class="why">{ step.detail.clone() }</div>
                </li>
            }
        })
        .collect();
    // AWS stops at the first decisive step; the rest of the chain is shown as not reached, so
    // the whole order (deny check, RCP, SCP, resource policy, identity, boundary, session) is
    // always visible.
    for kind in CHAIN {
        if !evaluation.steps.iter().any(|s| s.kind == kind) {
            steps.push(html! {
                <li class="step verdict-na step-not-reached" data-step={format!("{kind:?}").to_lowercase()}>
                    <span class="step-name">{ step_name(kind) }</span>{ " " }
                    <span class="step-verdict">{ "not reached" }</span>
                    <div class="why">{ "The decision was made before this step." }</div>
                </li>
            });
        }
    }
    let matched = evaluation.matched_statements.iter().map(|s| {
        let name = s.sid.clone().unwrap_or_else(|| format!("#{}", s.index + 1));
        let verb = match s.effect {
            iam_engine::policy::Effect::Deny => "denies",
            iam_engine::policy::Effect::Allow => "allows",
        };
        html! {
            <li data-statement={name.clone()}>
                { "Statement " }<code>{ name }</code>{ format!(" in {} {verb} this request.", policy_place(scenario, &s.policy_id)) }
            </li>
        }
    });
    let candidates = evaluation.candidates.iter().map(|c| {
        let name = c
            .statement
            .sid
            .clone()
            .unwrap_or_else(|| format!("#{}", c.statement.index + 1));
        html! {
            <li class="miss" data-statement={name.clone()}>
                { "Statement " }<code>{ name }</code>
                { format!(" in {} would allow this, but {}", policy_place(scenario, &c.statement.policy_id), miss_text(&c.miss)) }
            </li>
        }
    });
    html! {
        <div class="explanation" data-decision={evaluation.decision.as_aws_str()}>
            <p class="verdict-line" aria-live="polite">
                <span class={decision_class(evaluation.decision)} data-testid="decision">{ decision_label(evaluation.decision) }</span>
                { " " }{ evaluation.summary.clone() }
            </p>
            if let Some(message) = &props.denied_message {
                <p class="denied-message"><span class="muted">{ "AWS would answer: " }</span><code>{ message.clone() }</code></p>
            }
            <h4>{ "Evaluation chain" }</h4>
            <ol class="steps eval-chain">{ for steps }</ol>
            if !evaluation.matched_statements.is_empty() {
                <h4>{ "Deciding statements" }</h4>
                <ul class="matched">{ for matched }</ul>
            }
            if !evaluation.candidates.is_empty() {
                <h4>{ "Nearest misses" }</h4>
                <ul class="candidates">{ for candidates }</ul>
            }
            if !evaluation.missing_context_keys.is_empty() {
                <p class="muted">{ format!("Context keys the policies use that this request did not carry: {}.", evaluation.missing_context_keys.join(", ")) }</p>
            }
            { for evaluation.uncertain.iter().map(|u| html! { <p class="status status-error">{ u.message.clone() }</p> }) }
            { for props.result.warnings.iter().map(|w| html! { <p class="status status-error">{ w.clone() }</p> }) }
        </div>
    }
}

/// Props of [`RootTaskAnswer`].
#[derive(Properties, PartialEq)]
pub struct RootTaskAnswerProps {
    /// The answer.
    pub answer: Rc<RootTaskEvaluation>,
}

/// The answer to "can this principal do this root-only task?".
#[component]
pub fn RootTaskAnswer(props: &RootTaskAnswerProps) -> Html {
    let a = &props.answer;
    html! {
        <div class="explanation" data-decision={a.decision.as_aws_str()} data-root-task={a.task.id}>
            <p class="verdict-line" aria-live="polite">
                <span class={decision_class(a.decision)} data-testid="decision">{ decision_label(a.decision) }</span>
                { " " }{ a.reason.clone() }
            </p>
            <p>
                <strong>{ "Root-only task: " }</strong>{ a.task.title }{ ". " }{ a.task.console_operation }
            </p>
            if a.decision != Decision::Allowed {
                <p class="muted">{ "This is a console operation with no IAM action, so AWS refuses it without evaluating any policy and returns no policy-based AccessDenied message." }</p>
            }
            <p><a href={a.task.doc_url} target="_blank" rel="noopener noreferrer">{ "AWS: tasks that require root user credentials" }</a></p>
        </div>
    }
}

/// One policy text the principal's request runs through.
#[derive(Debug, Clone, PartialEq)]
struct PlayedPolicy {
    /// Where it lives (the highlights name it the same way).
    place: (Target, DocumentRef),
    /// For an AWS-managed policy (read-only): the compact text AWS's data holds, which the
    /// evaluation's spans refer to; `text` is that text laid out for reading.
    aws_original: Option<String>,
    /// Its accessible name and heading.
    label: String,
    /// Its text.
    text: String,
    /// Its grammar.
    policy_type: PolicyType,
}

/// The policies in play for a principal: its (and its groups') inline policies, attached
/// customer-managed and AWS-managed policies, its boundary, the resource's policy.
fn policies_in_play(
    scenario: &Scenario,
    managed: Option<&ManagedPolicies>,
    principal: &PrincipalRef,
    resource: &str,
) -> Vec<PlayedPolicy> {
    let mut out: Vec<PlayedPolicy> = Vec::new();
    let attached = |r: &PolicyRef, t: PolicyType, what: &str, out: &mut Vec<PlayedPolicy>| match r {
        PolicyRef::Customer(name) => {
            if let Some(p) = scenario.policy(name)
                && !out.iter().any(|o| {
                    o.place
                        == (
                            Target::Policy {
                                name: p.name.clone(),
                            },
                            DocumentRef::Managed,
                        )
                })
            {
                out.push(PlayedPolicy {
                    place: (
                        Target::Policy {
                            name: p.name.clone(),
                        },
                        DocumentRef::Managed,
                    ),
                    label: format!("Customer-managed policy {}{what}", p.name),
                    text: p.document.clone(),
                    aws_original: None,
                    policy_type: t,
                });
            }
        }
        PolicyRef::Aws(arn) => {
            if let Some(p) = managed.and_then(|m| m.get(arn)) {
                let label = format!("AWS-managed policy {}{what}", p.name);
                if !out.iter().any(|o| o.label == label) {
                    out.push(PlayedPolicy {
                        place: (Target::AwsPolicy { arn: arn.clone() }, DocumentRef::Managed),
                        label,
                        text: managed
                            .and_then(|m| m.laid_out_document(arn))
                            .unwrap_or(p.document)
                            .to_string(),
                        aws_original: Some(p.document.to_string()),
                        policy_type: t,
                    });
                }
            }
        }
    };
    let inline = |owner: Target, who: &str, docs: &[iam_engine::scenario::InlinePolicy]| {
        docs.iter()
            .map(|p| PlayedPolicy {
                place: (
                    owner.clone(),
                    DocumentRef::Inline {
                        name: p.name.clone(),
                    },
                ),
                label: format!("Inline policy {} of {who}", p.name),
                text: p.document.clone(),
                aws_original: None,
                policy_type: PolicyType::Identity,
            })
            .collect::<Vec<_>>()
    };
    match principal {
        PrincipalRef::User(name) => {
            if let Some(u) = scenario.user(name) {
                out.extend(inline(
                    Target::User {
                        name: u.name.clone(),
                    },
                    &format!("user {}", u.name),
                    &u.inline_policies,
                ));
                for r in &u.managed_policies {
                    attached(r, PolicyType::Identity, "", &mut out);
                }
                for g in u.groups.iter().filter_map(|g| scenario.group(g)) {
                    out.extend(inline(
                        Target::Group {
                            name: g.name.clone(),
                        },
                        &format!("group {}", g.name),
                        &g.inline_policies,
                    ));
                    for r in &g.managed_policies {
                        attached(r, PolicyType::Identity, "", &mut out);
                    }
                }
                if let Some(b) = &u.permissions_boundary {
                    attached(
                        b,
                        PolicyType::PermissionsBoundary,
                        " (permissions boundary)",
                        &mut out,
                    );
                }
            }
        }
        PrincipalRef::Role(name) => {
            if let Some(r) = scenario.role(name) {
                out.extend(inline(
                    Target::Role {
                        name: r.name.clone(),
                    },
                    &format!("role {}", r.name),
                    &r.inline_policies,
                ));
                for p in &r.managed_policies {
                    attached(p, PolicyType::Identity, "", &mut out);
                }
                if let Some(b) = &r.permissions_boundary {
                    attached(
                        b,
                        PolicyType::PermissionsBoundary,
                        " (permissions boundary)",
                        &mut out,
                    );
                }
            }
        }
        PrincipalRef::Root | PrincipalRef::Other(_) => {}
    }
    for r in &scenario.resources {
        if r.covers(&scenario.account, resource)
            && let Some(p) = &r.policy
        {
            out.push(PlayedPolicy {
                place: (
                    Target::Resource {
                        resource_kind: r.kind,
                        name: r.name.clone(),
                    },
                    DocumentRef::ResourcePolicy,
                ),
                label: format!("Resource policy of {}", r.name),
                text: p.clone(),
                aws_original: None,
                policy_type: PolicyType::Resource,
            });
        }
    }
    out
}

/// Props of [`PoliciesInPlay`].
#[derive(Properties, PartialEq)]
pub struct PoliciesInPlayProps {
    /// The request's principal.
    pub principal: AttrValue,
    /// The request's resource.
    pub resource: AttrValue,
}

/// The principal's policies, each in an editor with the simulator's highlights, editable in
/// place (AWS-managed ones read-only, folded unless they hold a highlight).
#[component]
pub fn PoliciesInPlay(props: &PoliciesInPlayProps) -> Html {
    let Some(store) = use_store() else {
        return html! {};
    };
    let managed = use_context::<Loadable<ManagedPolicies>>().unwrap_or_default();
    let managed_ready = match &managed {
        Loadable::Ready(m) => Some(m.clone()),
        _ => None,
    };
    let played = policies_in_play(
        &store.scenario,
        managed_ready.as_deref(),
        &PrincipalRef::from(props.principal.to_string()),
        &props.resource,
    );
    let principal = PrincipalRef::from(props.principal.to_string());
    let owners = inline_owners(&store.scenario, &principal);
    if played.is_empty() && owners.is_empty() {
        return html! {};
    }
    let add_buttons = owners.into_iter().map(|(owner, who)| {
        let onclick = {
            let store = store.clone();
            let who = who.clone();
            Callback::from(move |_| {
                let name = free_inline_name(&store.scenario, &owner);
                let _ = crate::store::edit(&store, format!("Add inline policy {name} to {who}"), |s| {
                    s.put_inline_policy(&owner, &name, NEW_INLINE_POLICY)
                });
            })
        };
        html! {
            <button type="button" class="btn" data-action="add-inline-policy" data-owner={who.clone()} {onclick}>
                { format!("Add an inline policy to {who}") }
            </button>
        }
    });
    let editors = played.into_iter().map(|p| {
        let layout = p.aws_original.as_deref().map(|read| (read, p.text.as_str()));
        let highlights = highlights_in(&store.highlights, &p.place.0, &p.place.1, layout);
        match (p.place.clone(), p.aws_original.is_some()) {
            ((target, document), false) => html! {
                <PlayEditor key={p.label.clone()} label={p.label.clone()} text={p.text.clone()}
                    policy_type={p.policy_type} {target} {document} {highlights} />
            },
            _ => {
                let open = !highlights.is_empty();
                html! {
                    <details key={p.label.clone()} class="played-managed" {open}>
                        <summary>{ format!("{} (read-only)", p.label) }</summary>
                        <PolicyEditor text={p.text.clone()} policy_type={p.policy_type} readonly=true
                            no_validation=true label={p.label.clone()} {highlights} />
                    </details>
                }
            }
        }
    });
    html! {
        <section class="policies-in-play" aria-labelledby="in-play-heading">
            <h4 id="in-play-heading">{ "Policies in play" }</h4>
            <p class="muted">{ "Edit here: the decision, the tests and the matrix follow as you type." }</p>
            { for editors }
            <p class="add-inline">{ for add_buttons }</p>
        </section>
    }
}

/// The text of an inline policy added from the simulator: valid, and granting nothing until
/// the user writes a statement.
const NEW_INLINE_POLICY: &str = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": []\n}";

/// The identities whose inline policies take part in the principal's requests: a user and
/// its groups, or a role.
fn inline_owners(scenario: &Scenario, principal: &PrincipalRef) -> Vec<(IdentityRef, String)> {
    match principal {
        PrincipalRef::User(name) => match scenario.user(name) {
            Some(u) => {
                let mut out = vec![(
                    IdentityRef::User(u.name.clone()),
                    format!("user {}", u.name),
                )];
                out.extend(u.groups.iter().filter_map(|g| scenario.group(g)).map(|g| {
                    (
                        IdentityRef::Group(g.name.clone()),
                        format!("group {}", g.name),
                    )
                }));
                out
            }
            None => Vec::new(),
        },
        PrincipalRef::Role(name) => scenario
            .role(name)
            .map(|r| {
                vec![(
                    IdentityRef::Role(r.name.clone()),
                    format!("role {}", r.name),
                )]
            })
            .unwrap_or_default(),
        PrincipalRef::Root | PrincipalRef::Other(_) => Vec::new(),
    }
}

/// A name for a new inline policy that the owner does not use yet: `Simulator`, `Simulator2`, ...
fn free_inline_name(scenario: &Scenario, owner: &IdentityRef) -> String {
    let taken: Vec<&str> = match owner {
        IdentityRef::User(n) => scenario
            .user(n)
            .map(|u| u.inline_policies.iter().map(|p| p.name.as_str()).collect())
            .unwrap_or_default(),
        IdentityRef::Group(n) => scenario
            .group(n)
            .map(|g| g.inline_policies.iter().map(|p| p.name.as_str()).collect())
            .unwrap_or_default(),
        IdentityRef::Role(n) => scenario
            .role(n)
            .map(|r| r.inline_policies.iter().map(|p| p.name.as_str()).collect())
            .unwrap_or_default(),
    };
    (1..)
        .map(|i| {
            if i == 1 {
                "Simulator".to_string()
            } else {
                format!("Simulator{i}")
            }
        })
        .find(|n| !taken.iter().any(|t| t.eq_ignore_ascii_case(n)))
        .unwrap_or_else(|| "Simulator".to_string())
}

/// Props of [`PlayEditor`].
#[derive(Properties, PartialEq)]
struct PlayEditorProps {
    label: String,
    text: String,
    policy_type: PolicyType,
    target: Target,
    document: DocumentRef,
    highlights: Vec<EditorHighlight>,
}

/// One editable policy of the scenario: stores each change through the engine's edit
/// operation, one undo step per typing burst, and shows a refused change beside the text.
#[component]
fn PlayEditor(props: &PlayEditorProps) -> Html {
    let Some(store) = use_store() else {
        return html! {};
    };
    let error = use_state(|| None::<AttrValue>);
    let on_change = {
        let store = store.clone();
        let error = error.clone();
        let target = props.target.clone();
        let document = props.document.clone();
        let label = props.label.clone();
        Callback::from(move |text: String| {
            let key = format!("simulator:{target:?}:{document:?}");
            let result = crate::store::edit_with(&store, format!("Edit {label}"), Some(key), |s| {
                set_document(s, &target, &document, &text)
            });
            error.set(result.err().map(|e| AttrValue::from(e.message)));
        })
    };
    let on_blur = {
        let store = store.clone();
        Callback::from(move |()| store.dispatch(Action::EndBurst))
    };
    html! {
        <div class="played-policy">
            <h5>{ props.label.clone() }</h5>
            <PolicyEditor text={props.text.clone()} policy_type={props.policy_type}
                label={props.label.clone()} highlights={props.highlights.clone()}
                {on_change} {on_blur} error={(*error).clone()} />
        </div>
    }
}

/// Stores a policy text at its place through the engine's edit operations.
fn set_document(
    s: &mut Scenario,
    target: &Target,
    document: &DocumentRef,
    text: &str,
) -> Result<(), iam_engine::scenario::EditError> {
    let refused = || iam_engine::scenario::EditError {
        code: "not-editable-here",
        message: "This policy cannot be edited from the simulator; open it in the workspace."
            .to_string(),
    };
    match (target, document) {
        (Target::User { name }, DocumentRef::Inline { name: p }) => {
            s.put_inline_policy(&IdentityRef::User(name.clone()), p, text)
        }
        (Target::Group { name }, DocumentRef::Inline { name: p }) => {
            s.put_inline_policy(&IdentityRef::Group(name.clone()), p, text)
        }
        (Target::Role { name }, DocumentRef::Inline { name: p }) => {
            s.put_inline_policy(&IdentityRef::Role(name.clone()), p, text)
        }
        (Target::Policy { name }, DocumentRef::Managed) => s.set_policy_document(name, text),
        (
            Target::Resource {
                resource_kind,
                name,
            },
            DocumentRef::ResourcePolicy,
        ) => s.set_resource_policy(*resource_kind, name, Some(text)),
        _ => Err(refused()),
    }
}
