//! The workspace view: the account as cards, with the inspector of the selected entity.

use yew::prelude::*;

/// The workspace view.
#[component]
pub fn Workspace() -> Html {
    html! { <div class="workspace-view"><p>{ "The workspace is being built." }</p></div> }
}
