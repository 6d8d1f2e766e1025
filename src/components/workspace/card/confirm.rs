//! A card's delete confirmation: what else goes with the entity, Delete and Cancel; after a
//! delete the keyboard focus stays near (the next card of the lane, else the lane's add button).

use iam_engine::scenario::EditError;
use yew::prelude::*;

use super::state::{CardState, Mode};
use crate::components::workspace::ctx::{CanvasCtx, card_selector, focus_later, focus_now};
use crate::components::workspace::lanes::{Move, step};
use crate::components::workspace::links::CardKey;
use crate::store::{StoreHandle, edit, use_store};

/// Deletes a card's entity through the engine (which also removes the references to it).
fn delete(store: &StoreHandle, card: &CardKey) -> Result<(), EditError> {
    let label = format!("Delete {} {}", card.kind(), card.name());
    match card {
        CardKey::User(n) => edit(store, label, |s| s.delete_user(n)),
        CardKey::Group(n) => edit(store, label, |s| s.delete_group(n)),
        CardKey::Role(n) => edit(store, label, |s| s.delete_role(n)),
        CardKey::Policy(n) => edit(store, label, |s| s.delete_policy(n)),
        CardKey::Resource(kind, n) => edit(store, label, |s| s.delete_resource(*kind, n)),
        CardKey::Root | CardKey::Organization | CardKey::Aws(_) => Ok(()),
    }
}

/// What deleting a card also removes, in words for the confirmation.
fn delete_consequence(card: &CardKey) -> &'static str {
    match card {
        CardKey::User(_) => "Its group memberships and attachments go with it.",
        CardKey::Group(_) => "Its members stay, outside the group.",
        CardKey::Role(_) => "Its attachments go with it.",
        CardKey::Policy(_) => "It is detached from every user, group and role first.",
        _ => "",
    }
}

/// Properties of [`ConfirmDelete`].
#[derive(Properties, PartialEq)]
pub struct ConfirmDeleteProps {
    /// The card whose entity would be deleted.
    pub card: CardKey,
    /// The card's state.
    pub state: CardState,
}

/// The confirmation, which takes the focus (on its Delete button) when it opens.
#[component]
pub fn ConfirmDelete(props: &ConfirmDeleteProps) -> Html {
    let store = use_store();
    let ctx = use_context::<CanvasCtx>();
    let confirm_ref = use_node_ref();
    {
        let confirm_ref = confirm_ref.clone();
        use_effect_with((), move |_| {
            if let Some(button) = confirm_ref.cast::<web_sys::HtmlElement>() {
                let _ = button.focus();
            }
        });
    }
    let (Some(store), Some(ctx)) = (store, ctx) else {
        return html! {};
    };
    let card = props.card.clone();
    let CardState { mode, error, .. } = props.state.clone();
    let yes = {
        let store = store.clone();
        let card = card.clone();
        let mode = mode.clone();
        let error = error.clone();
        let announce = ctx.announce.clone();
        let order = std::rc::Rc::clone(&ctx.order);
        let focus_card = ctx.focus_card.clone();
        Callback::from(move |_: MouseEvent| {
            // Keep the keyboard near: the next card of the lane (mounted or not), else the
            // previous one, else the lane's add button.
            let near =
                step(&order, &card, Move::Next).or_else(|| step(&order, &card, Move::Previous));
            let lane = gloo::utils::document()
                .query_selector(&card_selector(&card))
                .ok()
                .flatten()
                .and_then(|el| el.closest(".lane").ok().flatten())
                .and_then(|l| l.get_attribute("data-lane"));
            match delete(&store, &card) {
                Ok(()) => {
                    mode.set(Mode::Normal);
                    announce.emit(format!("Deleted {card}."));
                    match (near, lane) {
                        (Some(next), _) => focus_card.emit(next),
                        (None, Some(lane)) => {
                            focus_later(format!("[data-lane=\"{lane}\"] .lane-add"))
                        }
                        _ => focus_later(".tabs [aria-selected=\"true\"]".to_owned()),
                    }
                }
                Err(e) => error.set(Some(e.message)),
            }
        })
    };
    let no = {
        let mode = mode.clone();
        let selector = card_selector(&card);
        Callback::from(move |_: MouseEvent| {
            mode.set(Mode::Normal);
            focus_now(&selector);
        })
    };
    html! {
        <div class="confirm" role="group" aria-label={format!("Confirm deleting {card}")}>
            <p>{ format!("Delete {card}? ") }{ delete_consequence(&card) }</p>
            <button ref={confirm_ref} type="button" class="btn btn-primary btn-delete" data-action="confirm-delete" onclick={yes}>{ "Delete" }</button>
            <button type="button" class="btn btn-quiet" data-action="cancel-delete" onclick={no}>{ "Cancel" }</button>
            if let Some(message) = &*error {
                <p class="field-error" role="alert">{ message }</p>
            }
        </div>
    }
}
