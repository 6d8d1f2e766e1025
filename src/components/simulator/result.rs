//! The answer to the simulator's request: the decision in words and colour, the AccessDenied
//! message AWS would return, the evaluation chain, the deciding statements, the nearest
//! misses, and the policies in play in editors with the deciding statements highlighted.

use std::rc::Rc;

use iam_engine::eval::{Decision, RootTaskEvaluation, StepKind, Verdict};
use iam_engine::policy::PolicyType;
use iam_engine::scenario::{DocumentRef, IdentityRef, PrincipalRef, Scenario, Target};
use iam_engine::workbench::Answer;
use iam_engine::workbench::simulate::ScenarioEvaluation;
use yew::prelude::*;

use super::excerpt::ReadOnlyPolicy;
use crate::components::editor::{EditorHighlight, PolicyEditor, highlights_in};
use crate::store::{Action, use_store};

pub use iam_engine::workbench::miss_text;

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
        StepKind::VpcEndpoint => "VPC endpoint policy",
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

/// The evaluation chain in AWS's order (the VPC endpoint's step only for a request through one).
const CHAIN: [StepKind; 8] = [
    StepKind::DenyCheck,
    StepKind::Rcp,
    StepKind::Scp,
    StepKind::VpcEndpoint,
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
    let through_endpoint = props.result.through_vpc_endpoint();
    for kind in CHAIN {
        if kind == StepKind::VpcEndpoint && !through_endpoint {
            continue;
        }
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
        let name = s.name();
        let verb = match s.effect {
            iam_engine::policy::Effect::Deny => "denies",
            iam_engine::policy::Effect::Allow => "allows",
        };
        html! {
            <li data-statement={name.clone()}>
                { "Statement " }<code>{ name }</code>{ format!(" in {} {verb} this request.", props.result.place(&s.policy_id)) }
            </li>
        }
    });
    let candidates = evaluation.candidates.iter().map(|c| {
        let name = c.statement.name();
        html! {
            <li class="miss" data-statement={name.clone()}>
                { "Statement " }<code>{ name }</code>
                { format!(" in {} would allow this, but {}", props.result.place(&c.statement.policy_id), miss_text(&c.miss)) }
            </li>
        }
    });
    html! {
        <div class="explanation" data-decision={evaluation.decision.as_aws_str()}>
            if let Some(refusal) = &evaluation.refused_by_aws {
                // AWS refuses the request whatever the policies say: that is the verdict, and
                // the policy decision (what AWS's own simulator reports) follows beside it.
                <p class="verdict-line refused-line" aria-live="polite">
                    <span class="decision decision-refused" data-testid="refused">{ "Refused by AWS" }</span>
                    { " " }{ refusal.reason.clone() }{ " " }
                    <a href={refusal.doc_url.clone()} target="_blank" rel="noopener noreferrer">{ "AWS documentation" }</a>
                </p>
                <p class="verdict-line policy-decision-line">
                    <span class="muted">{ "Policy decision: " }</span>
                    <span class={decision_class(evaluation.decision)} data-testid="decision">{ decision_label(evaluation.decision) }</span>
                    { " " }{ evaluation.policy_summary().to_string() }
                </p>
            } else {
                <p class="verdict-line" aria-live="polite">
                    <span class={decision_class(evaluation.decision)} data-testid="decision">{ decision_label(evaluation.decision) }</span>
                    { " " }{ evaluation.summary.clone() }
                </p>
            }
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

/// Props of [`PoliciesInPlay`].
#[derive(Properties, PartialEq)]
pub struct PoliciesInPlayProps {
    /// The request's principal.
    pub principal: AttrValue,
    /// The answer, whose policies in play and highlights are shown.
    pub answer: Rc<Answer>,
}

/// The principal's policies, each in an editor with the simulator's highlights, editable in
/// place (AWS-managed ones read-only, folded unless they hold a highlight).
#[component]
pub fn PoliciesInPlay(props: &PoliciesInPlayProps) -> Html {
    let Some(store) = use_store() else {
        return html! {};
    };
    let played = match &*props.answer {
        Answer::Decided(d) => d.in_play.as_slice(),
        _ => &[],
    };
    let all_highlights = props.answer.highlights();
    let principal = PrincipalRef::from(props.principal.to_string());
    // A read-only embed offers no new policy (the store would refuse it anyway).
    let owners = if store.read_only {
        Vec::new()
    } else {
        inline_owners(&store.scenario, &principal)
    };
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
    // A principal of a real account has many policies, each an editor of hundreds of
    // highlighted tokens: beyond a few, those no statement of which decides are folded.
    let fold_quiet = played.len() > OPEN_IN_PLAY;
    let editors = played.iter().map(|p| {
        let layout = p.laid_out.as_deref().map(|shown| (p.text.as_str(), shown));
        let highlights = highlights_in(all_highlights, &p.target, &p.document, layout);
        let text = p.laid_out.clone().unwrap_or_else(|| p.text.clone());
        let decides = !highlights.is_empty();
        if p.read_only {
            let summary = format!("{} (read-only)", p.heading);
            html! {
                <Folded key={p.heading.clone()} {summary} open={decides} close_when_quiet=true>
                    <ReadOnlyPolicy text={text} policy_type={p.policy_type}
                        label={p.heading.clone()} {highlights} />
                </Folded>
            }
        } else {
            let editor = html! {
                <PlayEditor label={p.heading.clone()} {text}
                    policy_type={p.policy_type} target={p.target.clone()}
                    document={p.document.clone()} {highlights} heading={!fold_quiet} />
            };
            if fold_quiet {
                html! {
                    <Folded key={p.heading.clone()} summary={p.heading.clone()} open={decides}>{ editor }</Folded>
                }
            } else {
                html! { <div key={p.heading.clone()}>{ editor }</div> }
            }
        }
    });
    html! {
        <section class="policies-in-play" aria-labelledby="in-play-heading">
            <h4 id="in-play-heading">{ "Policies in play" }</h4>
            if !store.read_only {
                <p class="muted">{ "Edit here: the decision, the tests and the matrix follow as you type." }</p>
            }
            { for editors }
            <p class="add-inline">{ for add_buttons }</p>
        </section>
    }
}

/// How many policies in play are all shown open; beyond that only those that decide are.
const OPEN_IN_PLAY: usize = 4;

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
    /// Whether it shows its label as a heading (not when a folded section's summary does).
    heading: bool,
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
            if props.heading {
                <h5>{ props.label.clone() }</h5>
            }
            <PolicyEditor text={props.text.clone()} policy_type={props.policy_type}
                label={props.label.clone()} highlights={props.highlights.clone()}
                readonly={store.read_only} {on_change} {on_blur} error={(*error).clone()} />
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
        (Target::Role { name }, DocumentRef::Trust) => s.set_trust_policy(name, text),
        (
            Target::Organization,
            DocumentRef::Scp { level, index } | DocumentRef::Rcp { level, index },
        ) => {
            // The organization is replaced as a whole, so its checks run on the new text.
            let mut org = s.organization.clone().ok_or_else(refused)?;
            let list = org.levels.get_mut(*level).map(|l| match document {
                DocumentRef::Scp { .. } => &mut l.scps,
                _ => &mut l.rcps,
            });
            let policy = list.and_then(|l| l.get_mut(*index)).ok_or_else(refused)?;
            policy.document = text.to_string();
            s.set_organization(Some(org))
        }
        _ => Err(refused()),
    }
}

/// Props of [`Folded`].
#[derive(Properties, PartialEq)]
struct FoldedProps {
    /// What the summary says.
    summary: String,
    /// Whether it is open (a statement of the policy decides the request); it opens when this
    /// becomes true, and follows the user's clicks meanwhile.
    open: bool,
    /// Whether it also closes when `open` becomes false: not for an editable policy, which
    /// would fold under the user's typing when an edit stops it deciding.
    #[prop_or_default]
    close_when_quiet: bool,
    children: Html,
}

/// A policy in play in a folded section (an AWS-managed one, or one of many), open when it
/// decides the request. Its editor is rendered only while it is open: `ReadOnlyAccess` alone
/// is thousands of highlighted lines that a folded section would build and keep in the page
/// for nothing.
#[component]
fn Folded(props: &FoldedProps) -> Html {
    let open = use_state(|| props.open);
    {
        let open = open.clone();
        let close = props.close_when_quiet;
        use_effect_with(props.open, move |wanted| {
            if *open != *wanted && (*wanted || close) {
                open.set(*wanted);
            }
        });
    }
    let ontoggle = {
        let open = open.clone();
        Callback::from(move |e: Event| {
            let details: web_sys::Element = e.target_unchecked_into();
            let now = details.has_attribute("open");
            if *open != now {
                open.set(now);
            }
        })
    };
    html! {
        <details class="played-managed" open={*open} {ontoggle}>
            <summary>{ props.summary.clone() }</summary>
            if *open {
                { props.children.clone() }
            }
        </details>
    }
}
