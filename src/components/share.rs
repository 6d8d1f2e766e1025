//! The share view: the share link and the embed code.

use yew::prelude::*;

/// The share and embed view.
#[component]
pub fn ShareView() -> Html {
    html! { <div class="share-view"><p>{ "Sharing is being built." }</p></div> }
}
