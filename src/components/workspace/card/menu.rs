//! A card's menu: rename, duplicate, set a permissions boundary (users and roles) and delete.

use iam_engine::scenario::EditError;
use yew::prelude::*;

use super::state::{CardState, Mode, Pick};
use crate::components::workspace::ctx::{CanvasCtx, card_selector, focus_later, select};
use crate::components::workspace::links::{CardKey, copy_name};
use crate::store::{StoreHandle, edit, use_store};

/// IAM's longest user and role names; copies are kept within it so they fit every kind.
const COPY_NAME_MAX: usize = 64;

/// Copies a card's entity under a free name through the engine.
fn duplicate(store: &StoreHandle, card: &CardKey) -> Result<CardKey, EditError> {
    let s = &store.scenario;
    let name = card.name().to_owned();
    let label = |copy: &str| format!("Duplicate {} {name} as {copy}", card.kind());
    let copy = match card {
        CardKey::User(_) => {
            let copy = copy_name(&name, COPY_NAME_MAX, |n| s.user(n).is_some());
            edit(store, label(&copy), |sc| sc.duplicate_user(&name, &copy))?;
            CardKey::User(copy)
        }
        CardKey::Group(_) => {
            let copy = copy_name(&name, COPY_NAME_MAX, |n| s.group(n).is_some());
            edit(store, label(&copy), |sc| sc.duplicate_group(&name, &copy))?;
            CardKey::Group(copy)
        }
        CardKey::Role(_) => {
            let copy = copy_name(&name, COPY_NAME_MAX, |n| s.role(n).is_some());
            edit(store, label(&copy), |sc| sc.duplicate_role(&name, &copy))?;
            CardKey::Role(copy)
        }
        CardKey::Policy(_) => {
            let copy = copy_name(&name, COPY_NAME_MAX, |n| s.policy(n).is_some());
            edit(store, label(&copy), |sc| sc.duplicate_policy(&name, &copy))?;
            CardKey::Policy(copy)
        }
        CardKey::Resource(kind, _) => {
            let copy = copy_name(&name, COPY_NAME_MAX, |n| s.resource(*kind, n).is_some());
            edit(store, label(&copy), |sc| {
                sc.duplicate_resource(*kind, &name, &copy)
            })?;
            CardKey::Resource(*kind, copy)
        }
        CardKey::Root | CardKey::Organization | CardKey::Aws(_) => return Ok(card.clone()),
    };
    Ok(copy)
}

/// Properties of [`CardMenu`].
#[derive(Properties, PartialEq)]
pub struct CardMenuProps {
    /// The card whose menu this is.
    pub card: CardKey,
    /// The card's state.
    pub state: CardState,
}

/// The open menu of a card.
#[component]
pub fn CardMenu(props: &CardMenuProps) -> Html {
    let store = use_store();
    let ctx = use_context::<CanvasCtx>();
    let (Some(store), Some(ctx)) = (store, ctx) else {
        return html! {};
    };
    let card = props.card.clone();
    let state = &props.state;
    let start_rename = {
        let state = state.clone();
        let name = card.name().to_owned();
        Callback::from(move |_: MouseEvent| state.start_rename(&name))
    };
    let dup = {
        let store = store.clone();
        let card = card.clone();
        let state = state.clone();
        let announce = ctx.announce.clone();
        Callback::from(move |_: MouseEvent| match duplicate(&store, &card) {
            Ok(copy) => {
                state.mode.set(Mode::Normal);
                announce.emit(format!("Added {copy} as a copy of {}.", card.name()));
                select(&store, &copy);
                focus_later(card_selector(&copy));
            }
            Err(e) => state.error.set(Some(e.message)),
        })
    };
    let boundary = matches!(card, CardKey::User(_) | CardKey::Role(_)).then(|| html! {
        <li><button type="button" class="btn btn-quiet" data-action="set-boundary" onclick={state.switch_on_click(Mode::Picking(Pick::Boundary))}>{ "Set permissions boundary…" }</button></li>
    });
    html! {
        <ul class="card-menu" aria-label={format!("Actions for {card}")}>
            <li><button type="button" class="btn btn-quiet" data-action="rename" onclick={start_rename}>{ "Rename (F2)" }</button></li>
            <li><button type="button" class="btn btn-quiet" data-action="duplicate" onclick={dup}>{ "Duplicate" }</button></li>
            { for boundary }
            <li><button type="button" class="btn btn-quiet btn-danger" data-action="delete" onclick={state.switch_on_click(Mode::ConfirmDelete)}>{ "Delete…" }</button></li>
        </ul>
    }
}
