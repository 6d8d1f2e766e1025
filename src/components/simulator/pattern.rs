//! The answer over a resource pattern (`arn:aws:s3:::reports/*`): allowed for all, refused for
//! all, or allowed for some and refused for others, with the ARNs the engine tried inside the
//! pattern, each one click away from being the simulator's request.

use std::rc::Rc;

use iam_engine::workbench::pattern::{PatternAnswer, PatternVerdict};
use yew::prelude::*;

use super::result::{decision_class, decision_label};
use crate::store::{Action, RequestState, use_store};

/// Props of [`PatternResult`].
#[derive(Properties, PartialEq)]
pub struct PatternResultProps {
    /// The engine's answer over the pattern.
    pub answer: Rc<PatternAnswer>,
}

/// The verdict's badge text and CSS class.
fn badge(verdict: PatternVerdict) -> (&'static str, &'static str) {
    match verdict {
        PatternVerdict::AllowedForAll => ("Allowed for all", "decision decision-allowed"),
        PatternVerdict::RefusedForAll => ("Refused for all", "decision decision-implicit"),
        PatternVerdict::Mixed => ("Allowed for some", "decision decision-mixed"),
    }
}

/// The pattern's verdict and the ARNs tried.
#[component]
pub fn PatternResult(props: &PatternResultProps) -> Html {
    let Some(store) = use_store() else {
        return html! {};
    };
    let answer = &props.answer;
    let verdict = answer.verdict();
    let (label, class) = badge(verdict);
    let samples = answer.samples.iter().map(|sample| {
        let onclick = {
            let store = store.clone();
            let resource = sample.resource.clone();
            Callback::from(move |_: MouseEvent| {
                let request = &store.request;
                store.dispatch(Action::SetRequest(RequestState {
                    resource: resource.clone(),
                    ..request.clone()
                }));
            })
        };
        let title = format!("Simulate the request on {}", sample.resource);
        html! {
            <li class="pattern-sample" data-decision={sample.decision.as_aws_str()}>
                <span class={decision_class(sample.decision)}>{ decision_label(sample.decision) }</span>
                { " " }<code class="arn">{ sample.resource.clone() }</code>
                <span class="muted">{ format!(" ({})", sample.origin) }</span>
                { " " }
                <button type="button" class="btn btn-quiet" data-action="simulate-sample" {onclick}
                    title={title.clone()} aria-label={title}>{ "Simulate" }</button>
                <div class="why">{ sample.summary.clone() }</div>
            </li>
        }
    });
    html! {
        <section class="pattern-answer" data-verdict={format!("{verdict:?}")} aria-label="The answer over the resource pattern">
            <p class="verdict-line">
                <span class={class} data-testid="pattern-verdict">{ label }</span>
                { " " }{ answer.sentence() }
            </p>
            <details class="pattern-samples">
                <summary>{ format!("The {} ARNs tried inside the pattern", answer.samples.len()) }</summary>
                <ul>{ for samples }</ul>
                if answer.left_out > 0 {
                    <p class="muted">{ format!("{} more ARNs were not tried (at most {} are).", answer.left_out, iam_engine::workbench::pattern::MAX_SAMPLES) }</p>
                }
            </details>
            <p class="muted">{ "Below: the pattern itself decided as one resource name, as AWS's policy simulator does." }</p>
        </section>
    }
}
