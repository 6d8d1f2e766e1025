//! One request of an analysis: who, what, on what, with which context keys, the engine's
//! decision and the statements that decided it, and a button that opens the simulator on it.

use std::rc::Rc;

use yew::prelude::*;

use super::simulate_button::SimulateButton;
use crate::analysis::protocol::DecidedRow;
use crate::components::simulator::result::decision_label;

/// Props of [`Decided`].
#[derive(Properties, PartialEq)]
pub struct DecidedProps {
    /// The request.
    pub request: Rc<DecidedRow>,
    /// Whether the answer is about the scenario as it is (otherwise the button is disabled).
    #[prop_or(true)]
    pub current: bool,
}

/// The context keys an analysed request sets, in words (" with aws:SourceIp = 10.0.0.1"), or
/// nothing when it sets none.
pub fn context_words(context: &[iam_engine::scenario::ContextValue]) -> Option<Html> {
    (!context.is_empty()).then(|| {
        let keys: Vec<String> = context
            .iter()
            .map(|c| format!("{} = {}", c.key, c.values.join(", ")))
            .collect();
        html! { <span class="decided-context">{ format!(" with {}", keys.join("; ")) }</span> }
    })
}

/// The request.
#[component]
pub fn Decided(props: &DecidedProps) -> Html {
    let r = &props.request;
    let context = context_words(&r.context);
    html! {
        <div class="decided">
            <p class="decided-request">
                <code>{ r.principal.clone() }</code>{ " " }<code>{ r.action.clone() }</code>
                { " on " }<code class="decided-resource">{ r.resource.clone() }</code>
                { for context }
                <span class="decided-decision">{ format!(": {}", decision_label(r.decision).to_lowercase()) }</span>
            </p>
            if !r.statements.is_empty() {
                <ul class="decided-statements">
                    { for r.statements.iter().map(|s| html! { <li>{ format!("by {s}") }</li> }) }
                </ul>
            }
            if props.current {
                <SimulateButton request={Rc::clone(r)} />
            }
        </div>
    }
}
