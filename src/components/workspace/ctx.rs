//! What the cards share with the canvas (the drag in progress, the highlighted card, the links,
//! the status line), and the few operations both make: connecting two cards through the engine,
//! selecting a card's entity and moving focus to a card. The canvas provides the context and
//! the cards read it; neither imports the other.

use std::collections::HashMap;
use std::rc::Rc;

use iam_engine::scenario::EditError;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::links::{CardKey, Link, LinkKind};
use crate::store::{Action, Selection, StoreHandle, edit};

/// What the cards share with the canvas: the drag in progress, the card under the pointer or
/// focus (whose links are highlighted), the links, and a place for status messages.
#[derive(Clone, PartialEq)]
pub struct CanvasCtx {
    /// The card being dragged, if any.
    pub dragging: Option<CardKey>,
    /// Starts (`Some`) or ends (`None`) a drag.
    pub on_drag: Callback<Option<CardKey>>,
    /// A card (first) was dropped onto another (second).
    pub on_drop: Callback<(CardKey, CardKey)>,
    /// Highlights a card's links (`None` clears).
    pub on_active: Callback<Option<CardKey>>,
    /// Every link of the scenario.
    pub links: Rc<Vec<Link>>,
    /// The links of each policy card, by their place in `links` (see
    /// [`links_by_policy`](super::links::links_by_policy)).
    pub policy_links: Rc<HashMap<CardKey, Vec<usize>>>,
    /// Says something in the canvas's status line (read out politely by screen readers).
    pub announce: Callback<String>,
    /// Takes an unattached AWS-managed policy off the canvas.
    pub unpin: Callback<String>,
    /// The cards in the order they are shown, lane by lane (the account strip first), mounted
    /// or not: where the arrow keys move.
    pub order: Rc<Vec<Vec<CardKey>>>,
    /// Moves keyboard focus to a card, mounting it first if the lane's window does not show it.
    pub focus_card: Callback<CardKey>,
    /// The card holding the keyboard focus changed (`None`: none does); it stays mounted.
    pub on_focus: Callback<Option<CardKey>>,
}

impl CanvasCtx {
    /// Whether dropping `source` onto `target` would do something: a user onto a group it is
    /// not in (or the reverse), a policy onto a user, group or role it is not attached to.
    pub fn accepts(&self, source: &CardKey, target: &CardKey) -> bool {
        let (from, to, kind) = match (source, target) {
            (CardKey::User(_), CardKey::Group(_)) => (source, target, LinkKind::Member),
            (CardKey::Group(_), CardKey::User(_)) => (target, source, LinkKind::Member),
            (CardKey::Policy(_) | CardKey::Aws(_), CardKey::User(_) | CardKey::Group(_))
            | (CardKey::Policy(_) | CardKey::Aws(_), CardKey::Role(_)) => {
                (source, target, LinkKind::Attached)
            }
            _ => return false,
        };
        !self
            .links
            .iter()
            .any(|l| l.kind == kind && &l.from == from && &l.to == to)
    }
}

/// Reads a card key written by [`CardKey::dom_key`] for a user, group or role.
pub fn identity_from_dom_key(key: &str) -> Option<CardKey> {
    let (kind, name) = key.split_once(':')?;
    let name = name.to_owned();
    match kind {
        "user" => Some(CardKey::User(name)),
        "group" => Some(CardKey::Group(name)),
        "role" => Some(CardKey::Role(name)),
        _ => None,
    }
}

/// Applies a drop (or its picker equivalent): membership between a user and a group, or a
/// policy attached to an identity. Returns what happened, in words.
pub fn connect(
    store: &StoreHandle,
    source: &CardKey,
    target: &CardKey,
) -> Result<String, EditError> {
    match (source, target) {
        (CardKey::User(user), CardKey::Group(group))
        | (CardKey::Group(group), CardKey::User(user)) => {
            edit(store, format!("Add {user} to {group}"), |s| {
                s.add_user_to_group(user, group)
            })?;
            Ok(format!("Added user {user} to group {group}."))
        }
        _ => {
            let (Some(policy), Some(identity)) = (source.policy(), target.identity()) else {
                return Err(EditError {
                    code: "drop-not-supported",
                    message: format!(
                        "A {} cannot be dropped onto a {}.",
                        source.kind(),
                        target.kind()
                    ),
                });
            };
            let name = source.name().to_owned();
            edit(
                store,
                format!("Attach {name} to {} {}", target.kind(), target.name()),
                |s| s.attach_policy(&identity, policy),
            )?;
            Ok(format!(
                "Attached {name} to {} {}.",
                target.kind(),
                target.name()
            ))
        }
    }
}

/// Selects a card's entity for the inspector (AWS-managed policies have none).
pub fn select(store: &StoreHandle, card: &CardKey) {
    if let Some(target) = card.target() {
        store.dispatch(Action::Select {
            selection: Selection::entity(target),
            show: false,
        });
    }
}

/// Moves keyboard focus to the element matching `selector` once the pending render is done
/// (Yew renders in a microtask; a zero timeout runs after it).
///
/// If the user has moved the focus somewhere else in the meantime (a fast typist who tabs on
/// and opens the next picker before the timer runs), the focus stays where they put it: only
/// a focus that is still where it was, or that was lost with a removed element, is moved.
pub fn focus_later(selector: String) {
    let before = active_element();
    gloo::timers::callback::Timeout::new(0, move || {
        let now = active_element();
        let lost = now.as_ref().is_none_or(|el| {
            !el.is_connected() || gloo::utils::document().body().is_some_and(|b| *el == *b)
        });
        if lost || now == before {
            focus_now(&selector);
        }
    })
    .forget();
}

/// The element that has the keyboard focus, if any.
fn active_element() -> Option<web_sys::Element> {
    gloo::utils::document().active_element()
}

/// Moves keyboard focus to the element matching `selector`, if there is one.
pub fn focus_now(selector: &str) -> bool {
    gloo::utils::document()
        .query_selector(selector)
        .ok()
        .flatten()
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
        .is_some_and(|el| el.focus().is_ok())
}

/// The selector of a card's element.
pub fn card_selector(card: &CardKey) -> String {
    format!("[data-card=\"{}\"]", card.dom_key())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities_are_read_back_from_card_keys() {
        assert_eq!(
            identity_from_dom_key("group:Admins"),
            Some(CardKey::Group("Admins".into()))
        );
        assert_eq!(identity_from_dom_key("policy:x"), None);
        assert_eq!(identity_from_dom_key("nonsense"), None);
    }
}
