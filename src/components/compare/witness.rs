//! A group's witness: the request whose decision flips, its decision and reasons before and
//! after, and a button that opens the simulator on it (the scenario as it is now is the version
//! after).

use std::rc::Rc;

use iam_engine::eval::Decision;
use yew::prelude::*;

use crate::analysis::protocol::{WitnessData, WitnessSideData};
use crate::components::analysis::SimulateButton;
use crate::components::analysis::decided::context_words;
use crate::components::simulator::result::decision_label;

/// Props of [`WitnessView`].
#[derive(Properties, PartialEq)]
pub struct WitnessViewProps {
    /// The witness.
    pub witness: Rc<WitnessData>,
    /// Whether the answer is about the scenario as it is (otherwise the button is disabled).
    pub current: bool,
}

/// One side's decision and reasons.
fn side(when: &str, s: &WitnessSideData) -> Html {
    let kind = match s.decision {
        Decision::Allowed => "allowed",
        _ => "denied",
    };
    html! {
        <div class="compare-side" data-side={when.to_lowercase()} data-decision={kind}>
            <p><span class="compare-when">{ when }</span>{ ": " }<strong>{ decision_label(s.decision).to_lowercase() }</strong></p>
            if !s.reasons.is_empty() {
                <ul class="compare-reasons">
                    { for s.reasons.iter().map(|r| html! { <li>{ r.clone() }</li> }) }
                </ul>
            }
        </div>
    }
}

/// The witness.
#[component]
pub fn WitnessView(props: &WitnessViewProps) -> Html {
    let w = &props.witness;
    let context = context_words(&w.context);
    html! {
        <div class="compare-witness">
            <p class="compare-request">
                <span class="muted">{ "For example " }</span>
                <code>{ w.principal.clone() }</code>{ " " }<code>{ w.action.clone() }</code>
                { " on " }<code class="decided-resource">{ w.resource.clone() }</code>
                { for context }
            </p>
            <div class="compare-sides">
                { side("Before", &w.before) }
                { side("After", &w.after) }
            </div>
            if !w.verified {
                <p class="field-error">{ "The simulator does not confirm this flip: please report it." }</p>
            }
            <SimulateButton request={Rc::new(w.after_request())} disabled={!props.current} />
        </div>
    }
}
