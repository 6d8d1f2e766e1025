//! One path to admin: its hops in order, why its end is admin-equivalent, its smallest fix,
//! and a button that draws it on the workspace canvas.

use std::rc::Rc;

use yew::prelude::*;

use super::decided::Decided;
use super::hop_item::HopItem;
use super::path_fix::PathFix;
use crate::analysis::account::FixState;
use crate::analysis::protocol::PathData;
use crate::store::{Action, use_store};
use crate::text::count;

/// Props of [`PathCard`].
#[derive(Properties, PartialEq)]
pub struct PathCardProps {
    /// The path's number in the list.
    pub n: usize,
    /// The path.
    pub path: Rc<PathData>,
    /// Its fix.
    pub fix: FixState,
    /// Whether the analysis is about the scenario as it is.
    pub current: bool,
}

/// The card.
#[component]
pub fn PathCard(props: &PathCardProps) -> Html {
    let Some(store) = use_store() else {
        return html! {};
    };
    let path = &props.path;
    let end = path.hops.last().map(|h| h.to.clone()).unwrap_or_default();
    let heading_id = format!("path-{}-title", props.n);
    let on_show = {
        let store = store.clone();
        let key = path.key();
        Callback::from(move |_| store.dispatch(Action::ShowPath(Some(key.clone()))))
    };
    let shown = store.path_on_canvas.as_deref() == Some(path.key().as_str());
    html! {
        <article class="path-card" data-path={path.key()} data-principal={path.principal.clone()}
            aria-labelledby={heading_id.clone()}>
            <header class="path-head">
                <h4 id={heading_id}>
                    <code>{ path.principal.clone() }</code>
                    { format!(" reaches admin in {}", count(path.hops.len(), "hop", "hops")) }
                </h4>
                <button type="button" class="btn" data-action="show-path" onclick={on_show}
                    disabled={!props.current} aria-pressed={shown.then_some("true")}
                    aria-label={format!("Show the path of {} on the canvas", path.principal)}>
                    { "Show on canvas" }
                </button>
            </header>
            <ol class="hop-list">
                { for path.hops.iter().enumerate().map(|(i, hop)| html! {
                    <HopItem n={i + 1} hop={Rc::new(hop.clone())} current={props.current} />
                }) }
            </ol>
            if let Some(admin) = &path.admin_by {
                <div class="path-admin">
                    <p>{ format!("{end} is admin-equivalent, for example:") }</p>
                    <Decided request={Rc::new(admin.clone())} current={props.current} />
                </div>
            }
            <PathFix path={Rc::clone(path)} fix={props.fix.clone()} current={props.current} />
        </article>
    }
}
