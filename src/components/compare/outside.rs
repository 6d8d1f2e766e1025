//! What the comparison does not model, in the engine's words.

use yew::prelude::*;

/// Props of [`OutsideModel`].
#[derive(Properties, PartialEq)]
pub struct OutsideModelProps {
    /// The engine's notes.
    pub notes: Vec<String>,
}

/// The list, folded (nothing when the comparison models everything it was given).
#[component]
pub fn OutsideModel(props: &OutsideModelProps) -> Html {
    if props.notes.is_empty() {
        return html! {};
    }
    html! {
        <details class="compare-outside">
            <summary>{ format!("What this comparison does not model ({})", props.notes.len()) }</summary>
            <ul>{ for props.notes.iter().map(|n| html! { <li>{ n.clone() }</li> }) }</ul>
        </details>
    }
}
