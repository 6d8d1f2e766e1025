//! A card's keyboard: Enter or Space selects it, the arrows, Home and End move between cards and
//! lanes, Delete asks to delete it, F2 renames it and Escape closes whatever is open.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::state::{CardState, Mode};
use crate::components::workspace::ctx::{card_selector, focus_later, select};
use crate::components::workspace::links::CardKey;
use crate::store::StoreHandle;

/// Focuses the card `step` places away in the same lane (or the first card of the adjacent
/// lane for `lane_step`), skipping lanes without cards.
fn move_focus(from: &web_sys::Element, step: i32, lane_step: i32, edge: Option<bool>) {
    let focus = |el: Option<web_sys::Element>| {
        if let Some(el) = el.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = el.focus();
        }
    };
    let Some(lane) = from.closest(".lane, .account-strip").ok().flatten() else {
        return;
    };
    let cards_in = |container: &web_sys::Element| -> Vec<web_sys::Element> {
        let Ok(list) = container.query_selector_all("[data-card]") else {
            return Vec::new();
        };
        (0..list.length())
            .filter_map(|i| list.item(i))
            .filter_map(|n| n.dyn_into::<web_sys::Element>().ok())
            .collect()
    };
    if lane_step != 0 {
        let Some(board) = lane.closest(".canvas-board").ok().flatten() else {
            return;
        };
        let Ok(list) = board.query_selector_all(".account-strip, .lane") else {
            return;
        };
        let lanes: Vec<web_sys::Element> = (0..list.length())
            .filter_map(|i| list.item(i))
            .filter_map(|n| n.dyn_into::<web_sys::Element>().ok())
            .collect();
        let Some(mut i) = lanes.iter().position(|l| *l == lane) else {
            return;
        };
        loop {
            let next = i as i32 + lane_step;
            if next < 0 || next as usize >= lanes.len() {
                return;
            }
            i = next as usize;
            if let Some(first) = lanes.get(i).and_then(|l| cards_in(l).into_iter().next()) {
                focus(Some(first));
                return;
            }
        }
    }
    let cards = cards_in(&lane);
    match edge {
        Some(true) => focus(cards.first().cloned()),
        Some(false) => focus(cards.last().cloned()),
        None => {
            let Some(i) = cards.iter().position(|c| c == from) else {
                return;
            };
            let next = i as i32 + step;
            if next >= 0 {
                focus(cards.get(next as usize).cloned());
            }
        }
    }
}

/// The card's key handler. `card_ref` is the card's element: keys typed in its fields and
/// buttons are theirs, except Escape. `editable` says whether Delete and F2 apply.
pub fn on_key(
    store: &StoreHandle,
    card: &CardKey,
    card_ref: &NodeRef,
    state: &CardState,
    editable: bool,
) -> Callback<KeyboardEvent> {
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
        let Some(el) = el else { return };
        match e.key().as_str() {
            "Enter" | " " => {
                e.prevent_default();
                select(&store, &card);
            }
            "ArrowDown" => {
                e.prevent_default();
                move_focus(&el, 1, 0, None);
            }
            "ArrowUp" => {
                e.prevent_default();
                move_focus(&el, -1, 0, None);
            }
            "ArrowRight" => {
                e.prevent_default();
                move_focus(&el, 0, 1, None);
            }
            "ArrowLeft" => {
                e.prevent_default();
                move_focus(&el, 0, -1, None);
            }
            "Home" => {
                e.prevent_default();
                move_focus(&el, 0, 0, Some(true));
            }
            "End" => {
                e.prevent_default();
                move_focus(&el, 0, 0, Some(false));
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
