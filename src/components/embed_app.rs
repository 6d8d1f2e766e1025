//! An embed's whole page (`?embed`): the linked scenario, unsaved, and the one view the
//! address names ([`super::embed::EmbedView`]). It shares the store, the AWS data and the
//! views with the app, but none of the app's own parts: the saved scenarios, the analysis
//! worker, the header and the tabs. In the split build those are the app's chunk, so an
//! embedded playground in a documentation page never fetches them.

use std::rc::Rc;

use iam_engine::catalog::{Catalog, ManagedPolicies};
use iam_engine::share::EmbedView as Shown;
use yew::prelude::*;

use super::app::{use_aws_data, use_keyboard_shortcuts};
use super::findings::ScenarioFindings;
use crate::analysis::account::use_page_findings;
use crate::data::Loadable;
use crate::store::StoreHandle;

/// The embed's page.
#[component]
pub fn EmbedApp() -> Html {
    let store = use_reducer(crate::storage::startup_embed);
    let (catalog, managed) = use_aws_data();
    let findings_shown = *use_memo((), |_| shows_findings());
    // Computed on the page (an embed's scenario is small), and only for the findings view.
    let findings = use_page_findings(
        store.revision,
        Rc::clone(&store.scenario),
        catalog.ready(),
        findings_shown,
    );
    use_keyboard_shortcuts(store.clone());
    html! {
        <ContextProvider<StoreHandle> context={store.clone()}>
        <ContextProvider<Loadable<Catalog>> context={catalog}>
        <ContextProvider<Loadable<ManagedPolicies>> context={managed}>
        <ContextProvider<ScenarioFindings> context={findings}>
            <super::embed::EmbedView />
        </ContextProvider<ScenarioFindings>>
        </ContextProvider<Loadable<ManagedPolicies>>>
        </ContextProvider<Loadable<Catalog>>>
        </ContextProvider<StoreHandle>>
    }
}

/// Whether the embed's view shows findings (only its findings view does).
fn shows_findings() -> bool {
    Shown::from_param(crate::page::query_param("view").as_deref())
        .is_ok_and(|view| view == Shown::Findings)
}
