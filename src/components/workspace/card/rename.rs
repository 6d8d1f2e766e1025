//! A card's rename form: the name field with Save and Cancel, Enter to save, the engine's refusal
//! beside the field.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::state::{CardState, Mode};
use crate::components::workspace::ctx::{CanvasCtx, card_selector, focus_later, select};
use crate::components::workspace::links::CardKey;
use crate::store::{StoreHandle, edit, use_store};
use iam_engine::scenario::EditError;

/// Renames a card's entity through the engine.
fn rename(store: &StoreHandle, card: &CardKey, new_name: &str) -> Result<CardKey, EditError> {
    let label = format!("Rename {} {} to {new_name}", card.kind(), card.name());
    let new = new_name.to_owned();
    let renamed = match card {
        CardKey::User(n) => {
            edit(store, label, |s| s.rename_user(n, &new))?;
            CardKey::User(new)
        }
        CardKey::Group(n) => {
            edit(store, label, |s| s.rename_group(n, &new))?;
            CardKey::Group(new)
        }
        CardKey::Role(n) => {
            edit(store, label, |s| s.rename_role(n, &new))?;
            CardKey::Role(new)
        }
        CardKey::Policy(n) => {
            edit(store, label, |s| s.rename_policy(n, &new))?;
            CardKey::Policy(new)
        }
        CardKey::Resource(kind, n) => {
            edit(store, label, |s| s.rename_resource(*kind, n, &new))?;
            CardKey::Resource(*kind, new)
        }
        CardKey::Root | CardKey::Organization | CardKey::Aws(_) => return Ok(card.clone()),
    };
    Ok(renamed)
}

/// The value of the input an event came from.
fn input_value(e: &InputEvent) -> Option<String> {
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        .map(|el| el.value())
}

/// Properties of [`RenameForm`].
#[derive(Properties, PartialEq)]
pub struct RenameFormProps {
    /// The card being renamed.
    pub card: CardKey,
    /// The card's state (the field's text and the error).
    pub state: CardState,
}

/// The rename form, which takes the focus (its text selected) when it opens.
#[component]
pub fn RenameForm(props: &RenameFormProps) -> Html {
    let store = use_store();
    let ctx = use_context::<CanvasCtx>();
    let rename_ref = use_node_ref();
    {
        let rename_ref = rename_ref.clone();
        use_effect_with((), move |_| {
            if let Some(input) = rename_ref.cast::<web_sys::HtmlInputElement>() {
                input.select();
                let _ = input.unchecked_into::<web_sys::HtmlElement>().focus();
            }
        });
    }
    let (Some(store), Some(ctx)) = (store, ctx) else {
        return html! {};
    };
    let card = props.card.clone();
    let CardState { mode, text, error } = props.state.clone();
    let commit = {
        let store = store.clone();
        let card = card.clone();
        let text = text.clone();
        let error = error.clone();
        let mode = mode.clone();
        let announce = ctx.announce.clone();
        move || {
            let new_name = text.trim().to_owned();
            if new_name == card.name() {
                mode.set(Mode::Normal);
                focus_later(card_selector(&card));
                return;
            }
            let was_selected = store.selection.target == card.target();
            match rename(&store, &card, &new_name) {
                Ok(renamed) => {
                    mode.set(Mode::Normal);
                    if was_selected {
                        select(&store, &renamed);
                    }
                    announce.emit(format!("Renamed {card} to {new_name}."));
                    focus_later(card_selector(&renamed));
                }
                Err(e) => error.set(Some(e.message)),
            }
        }
    };
    let oninput = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(v) = input_value(&e) {
                text.set(v);
            }
        })
    };
    let onkeydown = {
        let commit = commit.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" {
                e.prevent_default();
                commit();
            }
        })
    };
    let save = Callback::from(move |_: MouseEvent| commit());
    let error_id = format!("rename-error-{}", card.dom_key());
    html! {
        <div class="rename">
            <input ref={rename_ref} type="text" class="rename-input" value={(*text).clone()}
                aria-label={format!("New name for {card}")}
                aria-invalid={error.is_some().then_some("true")}
                aria-describedby={error.is_some().then(|| error_id.clone())}
                autocomplete="off" spellcheck="false" {oninput} {onkeydown} />
            <div class="rename-buttons">
                <button type="button" class="btn btn-primary" data-action="rename-save" onclick={save}>{ "Save" }</button>
                <button type="button" class="btn btn-quiet" onclick={props.state.switch_on_click(Mode::Normal)}>{ "Cancel" }</button>
            </div>
            if let Some(message) = &*error {
                <p id={error_id} class="field-error" role="alert">{ message }</p>
            }
        </div>
    }
}
