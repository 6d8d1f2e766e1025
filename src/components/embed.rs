//! Embed mode (`?embed`): the playground without its chrome, for iframes in documentation.

use yew::prelude::*;

/// Whether the page was opened in embed mode.
pub fn is_embed() -> bool {
    false
}

/// The embedded view.
#[component]
pub fn EmbedView() -> Html {
    html! { <div class="embed-view"></div> }
}
