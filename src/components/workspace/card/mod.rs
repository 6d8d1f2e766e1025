//! One card of the canvas: an entity with its state badges, its links written out as chips
//! (each with a remove button), and its actions: pickers that add memberships and attachments,
//! rename, duplicate and delete. A card is focusable, draggable when it can be dropped
//! somewhere, and a drop target for what it accepts.
//!
//! The card is split the way Yew's todomvc splits its `Entry`: [`Card`] holds the shared state
//! ([`state::use_card_state`]) and the element with its pointer and keyboard handlers
//! (`keys`), and renders its parts, each a small component that reads the store and the
//! canvas's context itself: the head with the menu button and the name or the rename form
//! (`head`, `rename`), the menu (`menu`), the badges (`badges`), the chips (`chips`), the picker
//! buttons and the picker (`pickers`) and the delete confirmation (`confirm`), and the change a
//! comparison found for a principal (`change_badge`). Drag and drop is a hook (`drop_target`).
//! The parts a reader opens (the menu, the picker, the rename form, the delete confirmation) are
//! shown through `tools::CardTool`: the release build fetches their code after the first view.

mod badges;
mod change_badge;
mod chips;
mod confirm;
mod drop_target;
mod head;
mod keys;
mod menu;
mod pickers;
mod rename;
mod root;
mod state;
mod tools;

use yew::prelude::*;

use self::badges::Badges;
use self::change_badge::ChangeBadge;
use self::chips::Chips;
use self::drop_target::use_drop_target;
use self::head::{CardHead, display_name, is_selected, title};
use self::pickers::CardActions;
pub use self::root::RootCard;
use self::state::{Mode, use_card_state};
pub use self::tools::preload as preload_tools;
use self::tools::{CardTool, Tool};
use super::ctx::{CanvasCtx, select};
use super::links::{CardKey, ChangeMark};
use crate::store::use_store;

/// Properties of a card.
#[derive(Properties, PartialEq)]
pub struct CardProps {
    /// Which entity the card shows.
    pub card: CardKey,
    /// The card under the pointer or focus when it is linked to this one (its links and this
    /// card's chips naming it are highlighted). A prop rather than context, so hovering
    /// re-renders only the cards it changes.
    #[prop_or_default]
    pub linked_to: Option<CardKey>,
    /// Whether this card is the one under the pointer or focus.
    #[prop_or_default]
    pub active: bool,
    /// Whether the escalation path the canvas shows goes through this card.
    #[prop_or_default]
    pub on_path: bool,
    /// The change of this principal's access the comparison of the current revision found.
    #[prop_or_default]
    pub change: Option<ChangeMark>,
}

/// One card.
#[component]
pub fn Card(props: &CardProps) -> Html {
    let store = use_store();
    let ctx = use_context::<CanvasCtx>();
    let state = use_card_state();
    let card_ref = use_node_ref();
    let drop = use_drop_target(&props.card, ctx.as_ref());
    let (Some(store), Some(ctx)) = (store, ctx) else {
        return html! {};
    };
    let card = props.card.clone();
    let display_name = display_name(&store.scenario, &card);
    let title = title(&card, &display_name);
    let selected = is_selected(&store, &card);
    let editable = matches!(
        card,
        CardKey::User(_)
            | CardKey::Group(_)
            | CardKey::Role(_)
            | CardKey::Policy(_)
            | CardKey::Resource(..)
    );
    let draggable = matches!(
        card,
        CardKey::User(_) | CardKey::Group(_) | CardKey::Policy(_) | CardKey::Aws(_)
    );

    // Selection, hover and keyboard.
    let onclick = {
        let store = store.clone();
        let card = card.clone();
        Callback::from(move |_: MouseEvent| select(&store, &card))
    };
    let onmouseenter = {
        let on_active = ctx.on_active.clone();
        let card = card.clone();
        Callback::from(move |_: MouseEvent| on_active.emit(Some(card.clone())))
    };
    let onmouseleave = {
        let on_active = ctx.on_active.clone();
        Callback::from(move |_: MouseEvent| on_active.emit(None))
    };
    // The focused card stays mounted while the lanes' windows move.
    let onfocusin = {
        let on_active = ctx.on_active.clone();
        let on_focus = ctx.on_focus.clone();
        let card = card.clone();
        Callback::from(move |_: FocusEvent| {
            on_active.emit(Some(card.clone()));
            on_focus.emit(Some(card.clone()));
        })
    };
    let onfocusout = {
        let on_active = ctx.on_active.clone();
        let on_focus = ctx.on_focus.clone();
        Callback::from(move |_: FocusEvent| {
            on_active.emit(None);
            on_focus.emit(None);
        })
    };
    let onkeydown = keys::on_key(&store, &card, &card_ref, &state, editable, &ctx);

    let mode = *state.mode;
    let other_error = matches!(mode, Mode::Normal | Mode::Menu)
        .then(|| (*state.error).clone())
        .flatten()
        .map(|message| html! { <p class="field-error" role="alert">{ message }</p> });
    let drop_hint = drop.hint(ctx.dragging.as_ref(), &card);
    let class = classes!(
        "card",
        format!("card-{}", card_class(&card)),
        selected.then_some("selected"),
        drop.ok.then_some("drop-ok"),
        drop.hover.then_some("drop-hover"),
        props.linked_to.is_some().then_some("linked"),
        props.active.then_some("active"),
        props.on_path.then_some("on-path"),
        (ctx.dragging.as_ref() == Some(&card)).then_some("dragging")
    );
    let drop_target::DropTarget {
        ondragstart,
        ondragend,
        ondragover,
        ondragenter,
        ondragleave,
        ondrop,
        ..
    } = drop;
    html! {
        <article ref={card_ref} {class} data-card={card.dom_key()} tabindex="0" aria-label={title}
            aria-current={selected.then_some("true")} data-on-path={props.on_path.then_some("true")}
            data-changed={props.change.is_some().then_some("true")}
            draggable={if draggable { "true" } else { "false" }}
            {onclick} {onkeydown} {onmouseenter} {onmouseleave} {onfocusin} {onfocusout}
            {ondragstart} {ondragend} {ondragover} {ondragenter} {ondragleave} {ondrop}>
            <CardHead card={card.clone()} {display_name} {editable} state={state.clone()} />
            if mode == Mode::Menu {
                <CardTool tool={Tool::Menu} card={card.clone()} state={state.clone()} />
            }
            if let Some(mark) = props.change.clone() {
                <ChangeBadge {mark} />
            }
            <Badges card={card.clone()} />
            <Chips card={card.clone()} linked_to={props.linked_to.clone()} state={state.clone()} />
            <CardActions card={card.clone()} state={state.clone()} />
            if matches!(mode, Mode::Picking(_)) {
                <CardTool tool={Tool::Picker} card={card.clone()} state={state.clone()} />
            }
            if mode == Mode::ConfirmDelete {
                <CardTool tool={Tool::ConfirmDelete} card={card.clone()} state={state.clone()} />
            }
            { for other_error }
            { for drop_hint }
        </article>
    }
}

/// The card's CSS modifier.
fn card_class(card: &CardKey) -> &'static str {
    match card {
        CardKey::Root => "root",
        CardKey::Organization => "organization",
        CardKey::User(_) => "user",
        CardKey::Group(_) => "group",
        CardKey::Role(_) => "role",
        CardKey::Policy(_) => "policy",
        CardKey::Aws(_) => "aws",
        CardKey::Resource(..) => "resource",
    }
}
