//! The workspace view: the account as cards, with the inspector of the selected entity.
//!
//! The canvas (`canvas`, `cards`, `picker`, `links`) shows every entity as a card in lanes and
//! draws memberships and attachments between them; it tells the inspector what to show only
//! through the store's selection.

pub mod canvas;
pub mod cards;
pub mod inspector;
pub mod links;
pub mod picker;

use yew::prelude::*;

/// The workspace view: the canvas and, beside it (below it on narrow screens), the inspector.
#[component]
pub fn Workspace() -> Html {
    html! {
        <div class="workspace-view">
            <canvas::Canvas />
            <inspector::Inspector />
        </div>
    }
}
