//! The root user's card of an empty account (`canvas::EmptyCanvas`, drawn with the first view's
//! code): what [`super::Card`] shows for the root user, its head and its state badges, and
//! selects it on a click, Enter or Space. The rest of a card's code (chips, pickers, drag and
//! drop, moving between cards) is for an account with entities, drawn by the board, whose
//! chunk follows the first view.

use yew::prelude::*;

use super::badges::Badges;
use super::head::{CardHead, display_name, is_selected, title};
use super::state::use_card_state;
use crate::components::workspace::ctx::select;
use crate::components::workspace::links::CardKey;
use crate::store::use_store;

/// Properties of [`RootCard`].
#[derive(Properties, PartialEq)]
pub struct RootCardProps {
    /// Whether the card is under the pointer or focus.
    #[prop_or_default]
    pub active: bool,
    /// Says the card is under the pointer or focus (`true`) or no longer is.
    pub on_active: Callback<bool>,
}

/// The root user's card, without links to anything.
#[component]
pub fn RootCard(props: &RootCardProps) -> Html {
    let store = use_store();
    let state = use_card_state();
    let Some(store) = store else {
        return html! {};
    };
    let card = CardKey::Root;
    let display_name = display_name(&store.scenario, &card);
    let selected = is_selected(&store, &card);
    let onclick = {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| select(&store, &CardKey::Root))
    };
    let onkeydown = Callback::from(move |e: KeyboardEvent| {
        if matches!(e.key().as_str(), "Enter" | " ") {
            e.prevent_default();
            select(&store, &CardKey::Root);
        }
    });
    let pointer = |on: bool| {
        let on_active = props.on_active.clone();
        Callback::from(move |_: MouseEvent| on_active.emit(on))
    };
    let focus = |on: bool| {
        let on_active = props.on_active.clone();
        Callback::from(move |_: FocusEvent| on_active.emit(on))
    };
    let class = classes!(
        "card",
        "card-root",
        selected.then_some("selected"),
        props.active.then_some("active")
    );
    html! {
        <article {class} data-card={card.dom_key()} tabindex="0"
            aria-label={title(&card, &display_name)}
            aria-current={selected.then_some("true")} draggable="false"
            {onclick} {onkeydown} onmouseenter={pointer(true)} onmouseleave={pointer(false)}
            onfocusin={focus(true)} onfocusout={focus(false)}>
            <CardHead card={card.clone()} {display_name} editable={false} {state} />
            <Badges {card} />
        </article>
    }
}
