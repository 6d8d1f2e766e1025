//! The what-can panel: a principal (the root user, a user or a role; the selected one unless
//! the user picks another) and its effective permissions over the whole action catalog,
//! computed in the analysis worker for the scenario as it is.

use std::rc::Rc;

use iam_engine::catalog::{Catalog, ManagedPolicies};
use iam_engine::scenario::Target;
use iam_engine::workbench::analysis::what_can::principal_choices;
use yew::prelude::*;

use super::what_can_results::WhatCanResults;
use crate::analysis::account::{WhatCanQuery, use_what_can};
use crate::components::principal_picker::PrincipalPicker;
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
            managed: managed.ready(),
            catalog: catalog.ready(),
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
    let Some(store) = store else {
        return html! {};
    };
    // The engine's principal choices that what-can answers for (the root user, users, roles).
    let choices = Rc::new(principal_choices(&store.scenario));
    let on_pick = {
        let picked = picked.clone();
        Callback::from(move |v: String| picked.set(Some(v)))
    };
    let waiting = catalog.ready().is_none() || managed.ready().is_none();
    html! {
        <section class="analysis-panel analysis-what-can" aria-labelledby="what-can-title">
            <h3 id="what-can-title">{ "What can" }</h3>
            <label class="what-can-picker">
                <span>{ "Principal" }</span>
                <PrincipalPicker name="what-can-principal" value={principal.clone()} {choices} {on_pick}
                    prompt="Pick a principal…" placeholder="user/alice, role/deploy or root" />
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
