//! The canvas embed: the account picture (lanes of cards and their links) without the edit
//! affordances, which the stylesheet hides (`.embed-canvas` in `static/css/embed.css`): no
//! add buttons, card menus or removable chips. Anything that still reaches the store (a drag)
//! is taken back by the read-only embed.

use yew::prelude::*;

use crate::components::workspace::canvas::Canvas;

/// The account picture.
#[component]
pub fn CanvasPicture() -> Html {
    html! {
        <div class="embed-canvas">
            <Canvas />
        </div>
    }
}
