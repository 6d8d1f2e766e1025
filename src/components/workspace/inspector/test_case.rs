//! The saved-test panel: what the test asks and expects, a way to run it in the simulator,
//! and removal. Editing the request itself happens in the simulator.

use yew::prelude::*;

use super::fields::{ActionButton, Section};
use crate::store::{Action, RequestState, View, use_store};

/// Props of [`TestPanel`].
#[derive(Properties, PartialEq)]
pub struct TestPanelProps {
    /// The test's position in the list.
    pub index: usize,
}

/// The saved-test panel.
#[component]
pub fn TestPanel(props: &TestPanelProps) -> Html {
    let Some(store) = use_store() else {
        return html! {};
    };
    let index = props.index;
    let Some(test) = store.scenario.tests.get(index).cloned() else {
        return html! { <p class="muted">{ format!("There is no saved test number {}.", index + 1) }</p> };
    };
    let open = {
        let (store, test) = (store.clone(), test.clone());
        Callback::from(move |()| {
            store.dispatch(Action::SetRequest(RequestState {
                principal: test.principal.clone().into(),
                action: test.action.clone(),
                resource: test.resource.clone(),
                context: iam_engine::workbench::request::overrides_from_values(&test.context),
            }));
            store.dispatch(Action::SetView(View::Simulate));
            None
        })
    };
    let delete = {
        let store = store.clone();
        Callback::from(move |()| {
            crate::store::edit(&store, format!("Delete saved test {}", index + 1), |s| {
                s.remove_test(index)
            })
            .err()
            .map(|e| e.message)
        })
    };
    let principal: String = test.principal.clone().into();
    html! {
        <div class="panel" data-panel="test">
            <header class="panel-head">
                <h2><span class="kind">{ "Saved test" }</span>{ " " }{ test.label.clone() }</h2>
                <div class="panel-actions">
                    <ActionButton label="Open in the simulator" class="btn-primary" on_click={open}
                        action="open-test" />
                    <ActionButton label="Delete test" class="btn-danger" on_click={delete} action="delete" />
                </div>
            </header>
            <Section title="Request" id="request">
                <dl class="facts">
                    <dt>{ "Principal" }</dt><dd>{ principal }</dd>
                    <dt>{ "Action" }</dt><dd>{ test.action.clone() }</dd>
                    <dt>{ "Resource" }</dt><dd>{ test.resource.clone() }</dd>
                    <dt>{ "Context keys" }</dt><dd>{ test.context.len() }</dd>
                    <dt>{ "Expected" }</dt><dd>{ test.expected.as_str() }</dd>
                </dl>
            </Section>
        </div>
    }
}
