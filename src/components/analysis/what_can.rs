//! The what-can panel: a principal (the root user, a user or a role; the selected one unless
//! the user picks another) and its effective permissions over the whole action catalog,
//! computed in the analysis worker for the scenario as it is.

use std::rc::Rc;

use iam_engine::catalog::{Catalog, ManagedPolicies};
use iam_engine::scenario::Target;
use iam_engine::workbench::analysis::what_can::resolve_principal;
use iam_engine::workbench::request::principal_choices;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::what_can_results::WhatCanResults;
use crate::analysis::account::{WhatCanQuery, use_what_can};
use crate::components::simulator::ready;
use crate::data::Loadable;
use crate::store::use_store;

/// The principal of a selected entity, when it is one what-can answers for.
fn selected_principal(target: Option<&Target>) -> Option<String> {
    match target? {
        Target::RootUser => Some("root".to_string()),
        Target::User { name } => Some(format!("user/{name}")),
        Target::Role { name } => Some(format!("role/{name}")),
        _ => None,
    }
}

/// The panel.
#[component]
pub fn WhatCanPanel() -> Html {
    let store = use_store();
    let catalog = use_context::<Loadable<Catalog>>().unwrap_or_default();
    let managed = use_context::<Loadable<ManagedPolicies>>().unwrap_or_default();
    // The principal the user picked here; `None` follows the selection.
    let picked = use_state(|| None::<String>);
    let principal = (*picked)
        .clone()
        .or_else(|| {
            store
                .as_ref()
                .and_then(|s| selected_principal(s.selection.target.as_ref()))
        })
        .unwrap_or_default();
    let query = match store.as_ref() {
        Some(s) => WhatCanQuery {
            revision: s.revision,
            scenario: Rc::clone(&s.scenario),
            managed: ready(&managed),
            catalog: ready(&catalog),
            principal: principal.clone(),
            resource: "*".to_string(),
        },
        None => WhatCanQuery {
            revision: 0,
            scenario: Rc::new(iam_engine::scenario::Scenario::new("123456789012")),
            managed: None,
            catalog: None,
            principal: String::new(),
            resource: String::new(),
        },
    };
    let progress = use_what_can(query);
    // A select keeps the option the user last picked even when its `selected` attributes
    // change (another entity selected), so the value is also set as a property after each
    // render.
    let select = use_node_ref();
    {
        let select = select.clone();
        let principal = principal.clone();
        use_effect(move || {
            if let Some(el) = select.cast::<HtmlSelectElement>() {
                el.set_value(&principal);
            }
        });
    }
    let Some(store) = store else {
        return html! {};
    };
    // The engine's principal choices that what-can answers for (the root user, users, roles).
    let choices: Vec<_> = principal_choices(&store.scenario, "")
        .into_iter()
        .filter(|c| resolve_principal(&store.scenario, &c.value).is_ok())
        .collect();
    let onchange = {
        let picked = picked.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            picked.set(Some(v));
        })
    };
    let waiting = ready(&catalog).is_none() || ready(&managed).is_none();
    html! {
        <section class="analysis-panel analysis-what-can" aria-labelledby="what-can-title">
            <h3 id="what-can-title">{ "What can" }</h3>
            <label class="what-can-picker">
                <span>{ "Principal" }</span>
                <select name="what-can-principal" {onchange} ref={select}>
                    <option value="" selected={principal.is_empty()} disabled=true>{ "Pick a principal…" }</option>
                    { for choices.iter().map(|c| html! {
                        <option value={c.value.clone()} selected={c.value == principal}>{ c.label.clone() }</option>
                    }) }
                </select>
            </label>
            if principal.is_empty() {
                <p class="muted">{ "Select a user, a role or the root user in the workspace, or pick one here: its effective permissions over every action of the catalog." }</p>
            } else if waiting {
                <p class="analysis-status muted" role="status" data-state="waiting">{ "Waiting for the action catalog and the AWS-managed policies…" }</p>
            } else {
                <WhatCanResults {progress} revision={store.revision} principal={principal.clone()} />
            }
        </section>
    }
}
