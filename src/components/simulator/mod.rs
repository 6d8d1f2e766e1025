//! The simulator view: the request panel, the saved tests and the access matrix.

use yew::prelude::*;

/// The simulator view.
#[component]
pub fn Simulator() -> Html {
    html! { <div class="simulator-view"><p>{ "The simulator is being built." }</p></div> }
}
