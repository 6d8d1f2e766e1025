//! "Simulate": opens the simulator on exactly a request an analysis decided, context keys
//! included, with the focus on the simulator's answer.

use std::rc::Rc;

use gloo::timers::callback::Timeout;
use iam_engine::workbench::request::overrides_from_values;
use yew::prelude::*;

use crate::analysis::protocol::DecidedRow;
use crate::components::simulator::tests_panel::focus_result;
use crate::store::{Action, RequestState, View, use_store};

/// Props of [`SimulateButton`].
#[derive(Properties, PartialEq)]
pub struct SimulateButtonProps {
    /// The request.
    pub request: Rc<DecidedRow>,
    /// Whether the button is disabled (the request answers an older revision).
    #[prop_or_default]
    pub disabled: bool,
}

/// The button.
#[component]
pub fn SimulateButton(props: &SimulateButtonProps) -> Html {
    let Some(store) = use_store() else {
        return html! {};
    };
    let r = &props.request;
    let label = format!(
        "Open the simulator on {} {} on {}",
        r.principal, r.action, r.resource
    );
    let onclick = {
        let r = Rc::clone(r);
        Callback::from(move |_| {
            store.dispatch(Action::SetRequest(RequestState {
                principal: r.principal.clone(),
                action: r.action.clone(),
                resource: r.resource.clone(),
                context: overrides_from_values(&r.context),
            }));
            store.dispatch(Action::SetView(View::Simulate));
            // After the simulator has rendered.
            Timeout::new(0, focus_result).forget();
        })
    };
    html! {
        <button type="button" class="btn btn-quiet analysis-simulate" data-action="simulate-request"
            {onclick} title={label.clone()} aria-label={label} disabled={props.disabled}>{ "Simulate" }</button>
    }
}
