//! "Can this principal do this?": the gallery's small request panel on an example, answered
//! live with the simulator's explanation (`simulator::result::Explanation`): the decision, the
//! evaluation chain, the statements that decided and, for an implicit deny, the statements
//! that nearly allowed and what they missed.

use std::rc::Rc;

use iam_engine::catalog::ManagedPolicies;
use iam_engine::scenario::{ContextValue, PrincipalRef, Scenario};
use iam_engine::workbench::CompileCache;
use iam_engine::workbench::request::{access_denied_message, caller_arn, principal_choices};
use iam_engine::workbench::simulate::evaluate_request;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::simulator::result::Explanation;
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

    let principals = principal_choices(&scenario, &principal);
    // The first saved test's context goes with its own question only.
    let context = first
        .filter(|t| {
            String::from(t.principal.clone()) == *principal
                && t.action == *action
                && t.resource == *resource
        })
        .map(|t| t.context.clone())
        .unwrap_or_default();

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
            &context,
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
                        { for principals.iter().map(|c| html! {
                            <option value={c.value.clone()} selected={c.value == *principal}>{ c.label.clone() }</option>
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
    scenario: &Rc<Scenario>,
    managed: &ManagedPolicies,
    principal: &str,
    action: &str,
    resource: &str,
    context: &[ContextValue],
) -> Html {
    if action.is_empty() || !action.contains(':') {
        return html! { <p class="status" role="status">{ "Type an action as service:Action, for example s3:GetObject." }</p> };
    }
    if resource.is_empty() {
        return html! { <p class="status" role="status">{ "Type a resource ARN, or * for actions that take none." }</p> };
    }
    let principal = PrincipalRef::from(principal.to_owned());
    // A cache for this one question: the gallery asks one request at a time.
    let cache = CompileCache::new();
    match evaluate_request(
        scenario,
        Some(managed),
        &cache,
        &principal,
        action,
        resource,
        context,
    ) {
        Ok(result) => {
            let denied = caller_arn(scenario, &cache, &principal)
                .and_then(|arn| access_denied_message(&result.evaluation, &arn, action, resource))
                .map(AttrValue::from);
            html! { <Explanation scenario={Rc::clone(scenario)} result={Rc::new(result)} denied_message={denied} /> }
        }
        Err(err) => html! { <p class="status status-error" role="status">{ err.message }</p> },
    }
}
