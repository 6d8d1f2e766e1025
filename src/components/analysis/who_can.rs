//! The who-can panel: the question (actions and a resource, as the store keeps them) and the
//! answer, computed in the analysis worker for the scenario as it is.

use std::rc::Rc;

use iam_engine::catalog::{Catalog, ManagedPolicies};
use iam_engine::workbench::analysis::who_can::expand_actions;
use yew::prelude::*;

use super::who_can_form::WhoCanForm;
use super::who_can_results::WhoCanResults;
use crate::analysis::account::{WhoCanQuery, use_who_can};
use crate::data::Loadable;
use crate::store::use_store;

/// The panel.
#[component]
pub fn WhoCanPanel() -> Html {
    let store = use_store();
    let catalog = use_context::<Loadable<Catalog>>().unwrap_or_default();
    let managed = use_context::<Loadable<ManagedPolicies>>().unwrap_or_default();
    let catalog = catalog.ready();
    let input = store
        .as_ref()
        .map(|s| s.who_can.clone())
        .unwrap_or_default();
    // The question's actions, expanded by the engine with the catalog (patterns, access levels).
    let actions: Rc<[String]> = {
        let spec = input.actions.clone();
        let catalog = catalog.clone();
        let expanded = use_memo((spec, catalog.is_some()), move |(spec, _)| {
            Rc::<[String]>::from(expand_actions(
                std::slice::from_ref(spec),
                catalog.as_deref(),
            ))
        });
        Rc::clone(&expanded)
    };
    let resource = match input.resource.trim() {
        "" => "*".to_string(),
        r => r.to_string(),
    };
    let query = store.as_ref().map(|s| WhoCanQuery {
        revision: s.revision,
        scenario: Rc::clone(&s.scenario),
        managed: managed.ready(),
        actions: Rc::clone(&actions),
        resource,
    });
    let progress = use_who_can(query.clone().unwrap_or_else(|| WhoCanQuery {
        revision: 0,
        scenario: Rc::new(iam_engine::scenario::Scenario::new("123456789012")),
        managed: None,
        actions: Rc::from(Vec::new()),
        resource: String::new(),
    }));
    let Some(store) = store else {
        return html! {};
    };
    html! {
        <section class="analysis-panel analysis-who-can" aria-labelledby="who-can-title">
            <h3 id="who-can-title">{ "Who can" }</h3>
            <WhoCanForm input={input.clone()} />
            if !input.actions.trim().is_empty() && actions.is_empty() {
                <p class="field-error" role="alert">{ "These actions name no action of the catalog." }</p>
            }
            if let Some(progress) = progress {
                <WhoCanResults {progress} revision={store.revision} />
            }
        </section>
    }
}
