//! The workspace canvas: the account as lanes of cards with the root user above them.
//!
//! An account with entities is drawn by the board (`board`: the links, the windowed lanes,
//! search and grouping), a chunk of its own in the release build. An account with nothing but
//! its root user, which every first visit opens, is drawn here with the first view's code
//! ([`EmptyCanvas`]: the same frame, from `frame`, with the root user's card (`card::RootCard`),
//! the empty lanes and their add buttons); the board's code is fetched once the first view has
//! rendered, so it is here when the first entity is added. The two share the canvas's [`CanvasState`], so an
//! add form, a policy put on the canvas by the finder, or the status line carry over.

use std::rc::Rc;

use yew::prelude::*;

use super::board::Board;
use super::card::RootCard;
use super::ctx::{card_selector, focus_later};
use super::frame::{self, CanvasState, CanvasStateProps, is_empty_account, use_canvas_state};
use super::lanes::Lane;
use super::links::CardKey;
use crate::components::on_demand::use_on_demand;
use crate::store::{Action, View, use_store};

/// Renders the board. A plain function pointer: the split build returns it from the chunk.
type Render = fn(&CanvasState) -> Html;

fn render(state: &CanvasState) -> Html {
    html! { <Board state={state.clone()} /> }
}

crate::split::split_point!(canvas_board: fn board() -> Render { render });

/// Fetches the board's code now (an embed showing the workspace or the canvas of a shared
/// scenario needs it at once).
pub fn preload_board() {
    if loaded().is_none() {
        wasm_bindgen_futures::spawn_local(async {
            let _ = load().await;
        });
    }
}

/// The canvas: the board, or for an empty account [`EmptyCanvas`].
#[component]
pub fn Canvas() -> Html {
    let store = use_store();
    let state = use_canvas_state();
    let empty =
        store.as_ref().is_none_or(|s| is_empty_account(&s.scenario)) && state.pinned.is_empty();
    let label = AttrValue::Static("the cards");
    let board = use_on_demand(
        empty,
        loaded(),
        move || async move {
            // An empty account needs the board only once something is added: after the first
            // view.
            if empty {
                crate::split::after_first_view().await;
            }
            load().await
        },
        label,
        "canvas-loading",
    );
    if empty {
        return html! { <EmptyCanvas {state} /> };
    }
    match board {
        Ok(render) => render(&state),
        Err(status) => status,
    }
}

/// The canvas of an account with nothing but its root user: what to start with, the root
/// user's card and the empty lanes with their add buttons.
#[component]
pub fn EmptyCanvas(props: &CanvasStateProps) -> Html {
    let store = use_store();
    let state = &props.state;
    let active = use_state(|| false);
    let handles = use_memo((), {
        let status = state.status.setter();
        move |_| {
            (
                Callback::from(move |text: String| status.set(text)),
                Callback::from(|card: CardKey| focus_later(card_selector(&card))),
            )
        }
    });
    let (announce, focus_card) = &*handles;
    let Some(store) = store else {
        return html! {};
    };
    let open = |lane: Lane| {
        let adding = state.adding.clone();
        Callback::from(move |_| adding.set(Some(lane)))
    };
    let examples = Callback::from(move |_| store.dispatch(Action::SetView(View::Examples)));
    let in_use = Rc::new(Vec::new());
    let lanes = Lane::ALL.iter().map(|&lane| {
        let add = frame::add_control(lane, state, &in_use, announce, focus_card);
        let empty_text = Some(lane.empty_text().to_owned());
        frame::lane_section(lane, " 0".to_owned(), html! {}, empty_text, add)
    });
    let on_active = {
        let active = active.setter();
        Callback::from(move |on: bool| active.set(on))
    };
    let strip = html! { <RootCard active={*active} {on_active} /> };
    html! {
        <div class="canvas">
            { frame::head(&state.status, false, false) }
            <div class="canvas-empty" data-empty="">
                <h2>{ "An empty account" }</h2>
                <p>{ "Start by adding a user or a group, or open an example." }</p>
                <p class="muted">{ "Then attach policies by dragging them onto users, groups and roles, or with each card's buttons." }</p>
                <div class="canvas-empty-actions">
                    <button type="button" class="btn btn-primary" data-action="empty-add-user" onclick={open(Lane::Users)}>{ "Add a user" }</button>
                    <button type="button" class="btn" data-action="empty-add-group" onclick={open(Lane::Groups)}>{ "Add a group" }</button>
                    <button type="button" class="btn" data-action="open-examples" onclick={examples}>{ "Open an example" }</button>
                </div>
            </div>
            { frame::board(classes!(), NodeRef::default(), html! {}, strip, html! { <>{ for lanes }</> }) }
        </div>
    }
}
