//! The scenario switcher: the named scenarios kept in this browser.

use yew::prelude::*;

/// The switcher in the toolbar.
#[component]
pub fn ScenarioSwitcher() -> Html {
    let name = crate::store::use_store()
        .map(|s| s.slot.clone())
        .unwrap_or_default();
    html! { <div class="scenario-switcher"><span>{ name }</span></div> }
}
