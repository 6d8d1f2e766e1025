//! A card's keyboard: Enter or Space selects it, the arrows, Home and End move between cards and
//! lanes (over the lanes' cards as shown, so a card the window has not mounted yet is mounted
//! and focused), Delete asks to delete it, F2 renames it and Escape closes whatever is open.

use yew::prelude::*;

use super::state::{CardState, Mode};
use crate::components::workspace::ctx::{CanvasCtx, card_selector, focus_later, select};
use crate::components::workspace::lanes::{Move, step};
use crate::components::workspace::links::CardKey;
use crate::store::StoreHandle;

/// The card's key handler. `card_ref` is the card's element: keys typed in its fields and
/// buttons are theirs, except Escape. `editable` says whether Delete and F2 apply.
pub fn on_key(
    store: &StoreHandle,
    card: &CardKey,
    card_ref: &NodeRef,
    state: &CardState,
    editable: bool,
    ctx: &CanvasCtx,
) -> Callback<KeyboardEvent> {
    let order = std::rc::Rc::clone(&ctx.order);
    let focus_card = ctx.focus_card.clone();
    let store = store.clone();
    let card = card.clone();
    let card_ref = card_ref.clone();
    let state = state.clone();
    Callback::from(move |e: KeyboardEvent| {
        // Yew delegates events to the app's root, so `current_target` is not the card.
        let el = card_ref.cast::<web_sys::Element>();
        let on_card = match (&el, e.target()) {
            (Some(el), Some(target)) => {
                let target: &wasm_bindgen::JsValue = target.as_ref();
                let el: &wasm_bindgen::JsValue = el.as_ref();
                target == el
            }
            _ => false,
        };
        if e.key() == "Escape" && *state.mode != Mode::Normal {
            e.prevent_default();
            state.switch(Mode::Normal);
            focus_later(card_selector(&card));
            return;
        }
        if !on_card || e.ctrl_key() || e.meta_key() || e.alt_key() {
            return;
        }
        let go = |to: Move| {
            if let Some(next) = step(&order, &card, to) {
                focus_card.emit(next);
            }
        };
        match e.key().as_str() {
            "Enter" | " " => {
                e.prevent_default();
                select(&store, &card);
            }
            "ArrowDown" => {
                e.prevent_default();
                go(Move::Next);
            }
            "ArrowUp" => {
                e.prevent_default();
                go(Move::Previous);
            }
            "ArrowRight" => {
                e.prevent_default();
                go(Move::NextLane);
            }
            "ArrowLeft" => {
                e.prevent_default();
                go(Move::PreviousLane);
            }
            "Home" => {
                e.prevent_default();
                go(Move::First);
            }
            "End" => {
                e.prevent_default();
                go(Move::Last);
            }
            "Delete" | "Backspace" if editable => {
                e.prevent_default();
                state.switch(Mode::ConfirmDelete);
            }
            "F2" if editable => {
                e.prevent_default();
                state.start_rename(card.name());
            }
            _ => {}
        }
    })
}
