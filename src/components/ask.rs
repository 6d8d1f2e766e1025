//! "Can this principal do this?": a request on the selected scenario, answered live with the
//! decision, the evaluation chain, the statements that decided and, for an implicit deny, the
//! statements that nearly allowed and what they missed.

use std::rc::Rc;

use iam_engine::catalog::ManagedPolicies;
use iam_engine::eval::{Evaluation, Miss, StepKind, Verdict};
use iam_engine::scenario::simulate::evaluate_request;
use iam_engine::scenario::{PrincipalRef, Scenario};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::gallery::{decision_class, decision_label};
use crate::data::Loadable;

/// Props of [`Ask`].
#[derive(Properties, PartialEq)]
pub struct AskProps {
    /// The scenario asked about.
    pub scenario: Rc<Scenario>,
    /// The AWS-managed policies the scenario may attach.
    pub managed: Loadable<ManagedPolicies>,
}

/// The request panel and its answer.
#[component]
pub fn Ask(props: &AskProps) -> Html {
    let scenario = props.scenario.clone();
    // Start from the first saved test, so the panel opens on a question the example is about.
    let first = scenario.tests.first();
    let principal = use_state(|| {
        first
            .map(|t| String::from(t.principal.clone()))
            .unwrap_or_else(|| "root".to_owned())
    });
    let action = use_state(|| {
        first
            .map(|t| t.action.clone())
            .unwrap_or_else(|| "s3:ListAllMyBuckets".to_owned())
    });
    let resource = use_state(|| {
        first
            .map(|t| t.resource.clone())
            .unwrap_or_else(|| "*".to_owned())
    });

    let mut principals = vec![("root".to_owned(), "the root user".to_owned())];
    principals.extend(
        scenario
            .users
            .iter()
            .map(|u| (format!("user/{}", u.name), format!("user {}", u.name))),
    );
    principals.extend(scenario.roles.iter().map(|r| {
        (
            format!("role/{}", r.name),
            format!("role {} (a session)", r.name),
        )
    }));

    let on_principal = {
        let principal = principal.clone();
        Callback::from(move |e: Event| {
            principal.set(e.target_unchecked_into::<HtmlSelectElement>().value());
        })
    };
    let on_action = {
        let action = action.clone();
        Callback::from(move |e: InputEvent| {
            action.set(e.target_unchecked_into::<HtmlInputElement>().value());
        })
    };
    let on_resource = {
        let resource = resource.clone();
        Callback::from(move |e: InputEvent| {
            resource.set(e.target_unchecked_into::<HtmlInputElement>().value());
        })
    };

    let answer = match &props.managed {
        Loadable::Ready(managed) => answer(
            &scenario,
            managed,
            &principal,
            action.trim(),
            resource.trim(),
        ),
        Loadable::Loading => {
            html! { <p class="status" role="status">{ "Loading the AWS-managed policies…" }</p> }
        }
        Loadable::Failed(message) => {
            html! { <p class="status status-error" role="status">{ message.clone() }</p> }
        }
    };

    html! {
        <section class="ask" aria-labelledby="ask-heading">
            <h3 id="ask-heading">{ "Ask a question" }</h3>
            <form class="ask-form" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                <label>
                    <span>{ "Who" }</span>
                    <select name="principal" onchange={on_principal}>
                        { for principals.iter().map(|(value, label)| html! {
                            <option value={value.clone()} selected={*value == *principal}>{ label.clone() }</option>
                        }) }
                    </select>
                </label>
                <label>
                    <span>{ "Action" }</span>
                    <input name="action" type="text" spellcheck="false" autocomplete="off"
                        value={(*action).clone()} oninput={on_action} placeholder="s3:GetObject" />
                </label>
                <label class="wide">
                    <span>{ "Resource" }</span>
                    <input name="resource" type="text" spellcheck="false" autocomplete="off"
                        value={(*resource).clone()} oninput={on_resource} placeholder="arn:aws:s3:::bucket/key or *" />
                </label>
            </form>
            <div class="answer" aria-live="polite">{ answer }</div>
        </section>
    }
}

/// Evaluates the request and shows the answer, or says what is missing from the question.
fn answer(
    scenario: &Scenario,
    managed: &ManagedPolicies,
    principal: &str,
    action: &str,
    resource: &str,
) -> Html {
    if action.is_empty() || !action.contains(':') {
        return html! { <p class="status" role="status">{ "Type an action as service:Action, for example s3:GetObject." }</p> };
    }
    if resource.is_empty() {
        return html! { <p class="status" role="status">{ "Type a resource ARN, or * for actions that take none." }</p> };
    }
    let principal = PrincipalRef::from(principal.to_owned());
    match evaluate_request(scenario, Some(managed), &principal, action, resource, &[]) {
        Ok(result) => explanation(&result.evaluation, &result.warnings),
        Err(err) => html! { <p class="status status-error" role="status">{ err.message }</p> },
    }
}

/// The name of an evaluation step, in the order AWS evaluates.
fn step_name(kind: StepKind) -> &'static str {
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
fn verdict(verdict: Verdict) -> (&'static str, &'static str) {
    match verdict {
        Verdict::Allow => ("allows", "verdict-allow"),
        Verdict::Deny => ("denies", "verdict-deny"),
        Verdict::NoAllow => ("does not allow", "verdict-noallow"),
        Verdict::NotApplicable => ("not applicable", "verdict-na"),
    }
}

/// What a statement missed, in a sentence.
fn miss_text(miss: &Miss) -> String {
    match miss {
        Miss::Invalid { message } => message.clone(),
        Miss::Action { message, .. } => format!("its Action does not match: {message}"),
        Miss::Resource { message, .. } => format!("its Resource does not match: {message}"),
        Miss::Principal { message, .. } => format!("its Principal does not match: {message}"),
        Miss::Condition { message, .. } => format!("its Condition is not met: {message}"),
    }
}

/// The decision with its reasons.
fn explanation(evaluation: &Evaluation, warnings: &[String]) -> Html {
    let steps = evaluation.steps.iter().map(|step| {
        let (word, class) = verdict(step.verdict);
        html! {
            <li class={classes!("step", class)}>
                <span class="step-name">{ step_name(step.kind) }</span>{ " " }
                <span class="step-verdict">{ word }</span>
                <div class="why">{ step.detail.clone() }</div>
            </li>
        }
    });
    let matched = evaluation.matched_statements.iter().map(|s| {
        let name = s.sid.clone().unwrap_or_else(|| format!("#{}", s.index + 1));
        html! { <li><code>{ name }</code>{ format!(" in {}", s.policy_id) }</li> }
    });
    let candidates = evaluation.candidates.iter().map(|c| {
        let name = c
            .statement
            .sid
            .clone()
            .unwrap_or_else(|| format!("#{}", c.statement.index + 1));
        html! {
            <li>
                { "Statement " }<code>{ name }</code>{ format!(" in {} would allow this, but {}", c.statement.policy_id, miss_text(&c.miss)) }
            </li>
        }
    });
    html! {
        <div class="explanation" data-decision={evaluation.decision.as_aws_str()}>
            <p class="verdict-line">
                <span class={decision_class(evaluation.decision)}>{ decision_label(evaluation.decision) }</span>
                { " " }{ evaluation.summary.clone() }
            </p>
            if !evaluation.matched_statements.is_empty() {
                <h4>{ "Deciding statements" }</h4>
                <ul class="matched">{ for matched }</ul>
            }
            if !evaluation.candidates.is_empty() {
                <h4>{ "Nearest misses" }</h4>
                <ul class="candidates">{ for candidates }</ul>
            }
            if !evaluation.missing_context_keys.is_empty() {
                <p class="muted">{ format!("Context keys the policies use that this request did not set: {}", evaluation.missing_context_keys.join(", ")) }</p>
            }
            { for warnings.iter().map(|w| html! { <p class="status status-error">{ w.clone() }</p> }) }
            <h4>{ "How AWS got there" }</h4>
            <ol class="steps">{ for steps }</ol>
        </div>
    }
}
