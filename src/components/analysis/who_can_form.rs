//! The who-can question: actions (with the catalog's autocomplete) and a resource (with the
//! scenario's suggestions). Submitting it puts it in the store; the panel asks the worker.

use iam_engine::catalog::Catalog;
use iam_engine::workbench::request::resource_suggestions;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::simulator::action_options::ActionOptions;
use crate::data::Loadable;
use crate::store::{Action, WhoCanInput, use_store};

/// Props of [`WhoCanForm`].
#[derive(Properties, PartialEq)]
pub struct WhoCanFormProps {
    /// The question asked last.
    pub input: WhoCanInput,
}

/// The form.
#[component]
pub fn WhoCanForm(props: &WhoCanFormProps) -> Html {
    let store = use_store();
    let catalog = use_context::<Loadable<Catalog>>().unwrap_or_default();
    let actions = use_state(|| props.input.actions.clone());
    let resource = use_state(|| props.input.resource.clone());
    let Some(store) = store else {
        return html! {};
    };
    let on_actions = {
        let actions = actions.clone();
        Callback::from(move |e: InputEvent| {
            actions.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let on_resource = {
        let resource = resource.clone();
        Callback::from(move |e: InputEvent| {
            resource.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let onsubmit = {
        let (actions, resource) = (actions.clone(), resource.clone());
        let store = store.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            store.dispatch(Action::SetWhoCan(WhoCanInput {
                actions: actions.trim().to_string(),
                resource: resource.trim().to_string(),
            }));
        })
    };
    let catalog = catalog.ready();
    let last_action = actions.rsplit(',').next().unwrap_or("").trim().to_string();
    let resources = resource_suggestions(&store.scenario, catalog.as_deref(), &last_action);
    html! {
        <form class="who-can-form" {onsubmit} aria-label="Who can">
            <label>
                <span>{ "Actions" }</span>
                <input name="who-can-actions" type="text" spellcheck="false" autocomplete="off"
                    list="who-can-action-options" value={(*actions).clone()} oninput={on_actions}
                    placeholder="s3:DeleteBucket, s3:Delete* or s3:Write" />
                <ActionOptions id="who-can-action-options" text={(*actions).clone()} />
            </label>
            <label>
                <span>{ "Resource" }</span>
                <input name="who-can-resource" type="text" spellcheck="false" autocomplete="off"
                    list="who-can-resource-options" value={(*resource).clone()} oninput={on_resource}
                    placeholder="arn:aws:s3:::bucket or * (any)" />
                <datalist id="who-can-resource-options">
                    { for resources.iter().map(|r| html! { <option value={r.clone()} /> }) }
                </datalist>
            </label>
            <button type="submit" class="btn btn-primary" data-action="who-can">{ "Who can?" }</button>
        </form>
    }
}
