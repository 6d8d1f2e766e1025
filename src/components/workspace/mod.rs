//! The workspace view: the account as cards, with the inspector of the selected entity.
//!
//! The canvas (`canvas`, `board`, `frame`, `card/`, `picker`, `links`, `options`) shows every
//! entity as a card in lanes and draws memberships and attachments between them (an empty
//! account without the board's code, which follows the first view); it tells the inspector what to
//! show only through the store's selection. The canvas and its cards share `ctx` (the drag, the
//! highlighted card, the links, the status line) and never import each other. An escalation
//! path the analysis view asks to show is drawn over the canvas: `path_banner` says which, its
//! cards get the `on-path` class and its lines `link-path` (and a `link-hop` line per hop).

mod add_form;
mod aws_finder;
mod board;
pub mod canvas;
pub mod card;
pub mod ctx;
mod frame;
pub mod inspector;
pub mod lane_list;
pub mod lanes;
mod link_layer;
pub mod links;
pub mod options;
mod path_banner;
pub mod picker;
mod window_hook;
pub mod windowing;

use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Below this width the inspector is stacked under the canvas (see `workspace.css`).
const STACKED_BELOW_PX: f64 = 1100.0;

/// The workspace view: the canvas and, beside it (below it on narrow screens), the inspector.
#[component]
pub fn Workspace() -> Html {
    let store = crate::store::use_store();
    let target = store.as_ref().and_then(|s| s.selection.target.clone());
    let first = use_mut_ref(|| true);
    // The cards' menus, pickers and forms (a chunk of their own in the release build) are
    // fetched once this first view has rendered, before a reader opens one.
    use_effect_with((), |_| card::preload_tools());
    // On a phone the inspector is below every lane: bring it into view when the user selects
    // something, so a tap on a card visibly does something. The first render keeps the scroll
    // position the page opened with.
    use_effect_with(target.clone(), move |target| {
        let was_first = std::mem::replace(&mut *first.borrow_mut(), false);
        if !was_first && target.is_some() && is_stacked() {
            scroll_inspector_into_view();
        }
    });
    html! {
        <div class="workspace-view">
            <canvas::Canvas />
            <inspector::Inspector />
        </div>
    }
}

/// Whether the layout stacks the inspector under the canvas.
fn is_stacked() -> bool {
    gloo::utils::window()
        .inner_width()
        .ok()
        .and_then(|w| w.as_f64())
        .is_some_and(|w| w < STACKED_BELOW_PX)
}

fn scroll_inspector_into_view() {
    let Some(el) = gloo::utils::document()
        .query_selector(".workspace-view .inspector")
        .ok()
        .flatten()
    else {
        return;
    };
    if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_block(web_sys::ScrollLogicalPosition::Start);
        el.scroll_into_view_with_scroll_into_view_options(&options);
    }
}
