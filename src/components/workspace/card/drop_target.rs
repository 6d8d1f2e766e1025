//! A card as a drag source and a drop target: the drag handlers, whether the card in flight may
//! be dropped here, whether it hovers here (entered and not yet left: child elements fire their
//! own enter and leave, hence a depth), and the hint that says what a drop would do.

use yew::prelude::*;

use crate::components::workspace::ctx::CanvasCtx;
use crate::components::workspace::links::CardKey;

/// What [`use_drop_target`] gives a card.
pub struct DropTarget {
    /// Whether the card being dragged may be dropped on this one.
    pub ok: bool,
    /// Whether it is over this card now.
    pub hover: bool,
    /// Starts dragging this card.
    pub ondragstart: Callback<DragEvent>,
    /// Ends dragging this card.
    pub ondragend: Callback<DragEvent>,
    /// Accepts the drag over this card when it may be dropped.
    pub ondragover: Callback<DragEvent>,
    /// Counts the drag entering this card or a child.
    pub ondragenter: Callback<DragEvent>,
    /// Counts the drag leaving this card or a child.
    pub ondragleave: Callback<DragEvent>,
    /// Drops the dragged card here.
    pub ondrop: Callback<DragEvent>,
}

impl DropTarget {
    /// The hint shown while a card that may be dropped here is in flight.
    pub fn hint(&self, dragging: Option<&CardKey>, card: &CardKey) -> Option<Html> {
        self.ok.then(|| {
            let words = match (dragging, card) {
                (Some(CardKey::User(_)), CardKey::Group(_)) => "Drop to add to this group",
                (Some(CardKey::Group(_)), CardKey::User(_)) => "Drop to add this user to the group",
                _ => "Drop to attach here",
            };
            html! { <p class="drop-hint">{ words }</p> }
        })
    }
}

/// The drag-and-drop side of `card`, with the canvas's context (`None` outside a canvas: the
/// card is then neither dragged nor dropped on).
#[hook]
pub fn use_drop_target(card: &CardKey, ctx: Option<&CanvasCtx>) -> DropTarget {
    let drop_depth = use_state(|| 0i32);
    let Some(ctx) = ctx else {
        return DropTarget {
            ok: false,
            hover: false,
            ondragstart: Callback::noop(),
            ondragend: Callback::noop(),
            ondragover: Callback::noop(),
            ondragenter: Callback::noop(),
            ondragleave: Callback::noop(),
            ondrop: Callback::noop(),
        };
    };
    let drop_ok = ctx
        .dragging
        .as_ref()
        .is_some_and(|src| src != card && ctx.accepts(src, card));
    let ondragstart = {
        let on_drag = ctx.on_drag.clone();
        let card = card.clone();
        Callback::from(move |e: DragEvent| {
            if let Some(dt) = e.data_transfer() {
                let _ = dt.set_data("text/plain", &card.dom_key());
                dt.set_effect_allowed("link");
            }
            on_drag.emit(Some(card.clone()));
        })
    };
    let ondragend = {
        let on_drag = ctx.on_drag.clone();
        let drop_depth = drop_depth.clone();
        Callback::from(move |_: DragEvent| {
            drop_depth.set(0);
            on_drag.emit(None);
        })
    };
    let ondragover = Callback::from(move |e: DragEvent| {
        if drop_ok {
            e.prevent_default();
            if let Some(dt) = e.data_transfer() {
                dt.set_drop_effect("link");
            }
        }
    });
    let ondragenter = {
        let drop_depth = drop_depth.clone();
        Callback::from(move |e: DragEvent| {
            if drop_ok {
                e.prevent_default();
                drop_depth.set(*drop_depth + 1);
            }
        })
    };
    let ondragleave = {
        let drop_depth = drop_depth.clone();
        Callback::from(move |_: DragEvent| drop_depth.set((*drop_depth - 1).max(0)))
    };
    let ondrop = {
        let on_drop = ctx.on_drop.clone();
        let dragging = ctx.dragging.clone();
        let card = card.clone();
        let drop_depth = drop_depth.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            drop_depth.set(0);
            if let Some(source) = dragging.clone()
                && drop_ok
            {
                on_drop.emit((source, card.clone()));
            }
        })
    };
    DropTarget {
        ok: drop_ok,
        hover: *drop_depth > 0,
        ondragstart,
        ondragend,
        ondragover,
        ondragenter,
        ondragleave,
        ondrop,
    }
}
