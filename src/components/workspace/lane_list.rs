//! One lane's cards, windowed: only the cards in or near the viewport are mounted (and the
//! pinned ones: the selected card, the focused card and the card keyboard focus moves to), with
//! spacers for the rest, so a lane of 5,000 roles costs what a screenful does. With a grouping,
//! a heading row starts each group.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use yew::prelude::*;

use super::card::Card;
use super::links::{CardKey, ChangeMark};
use super::window_hook::{spacer, use_window};
use super::windowing::Piece;

/// One row of a lane.
#[derive(Debug, Clone, PartialEq)]
pub enum Row {
    /// The heading of a group: what its members share, and how many there are.
    Head {
        /// The path or the attached policies.
        label: String,
        /// How many cards the group has.
        count: usize,
    },
    /// A card.
    Card(CardKey),
}

impl Row {
    /// A key unique in the lane (a card's `data-card`).
    pub fn key(&self) -> String {
        match self {
            Row::Head { label, .. } => format!("head:{label}"),
            Row::Card(card) => card.dom_key(),
        }
    }
}

/// Properties of a lane's list.
#[derive(Properties, PartialEq)]
pub struct LaneListProps {
    /// The rows, in order.
    pub rows: Rc<Vec<Row>>,
    /// The rows' keys ([`Row::key`]), in order.
    pub keys: Rc<Vec<String>>,
    /// Cards that stay mounted wherever they are.
    pub pinned: Vec<CardKey>,
    /// The card under the pointer or focus.
    pub active: Option<CardKey>,
    /// The cards linked to the active one.
    pub lit: Rc<HashSet<CardKey>>,
    /// The cards of the escalation path the canvas shows.
    pub path_cards: Rc<HashSet<CardKey>>,
    /// The principals whose access the comparison says changes.
    pub changed: Rc<HashMap<CardKey, ChangeMark>>,
    /// Called once the mounted cards changed.
    pub on_moved: Callback<()>,
}

/// A lane's list of cards, windowed.
#[component]
pub fn LaneList(props: &LaneListProps) -> Html {
    let pinned: Vec<usize> = props
        .rows
        .iter()
        .enumerate()
        .filter(|(_, row)| matches!(row, Row::Card(c) if props.pinned.contains(c)))
        .map(|(i, _)| i)
        .collect();
    let (list, pieces) = use_window(Rc::clone(&props.keys), pinned, props.on_moved.clone());
    let render = |i: usize| -> Html {
        let Some(row) = props.rows.get(i) else {
            return html! {};
        };
        let key = props.keys.get(i).cloned().unwrap_or_default();
        match row {
            Row::Head { label, count } => html! {
                <div key={key} class="lane-row lane-group-row" data-row={i.to_string()}>
                    <h3 class="lane-group">
                        <span class="lane-group-label">{ label.clone() }</span>
                        <span class="lane-group-count">{ crate::text::thousands(*count) }</span>
                    </h3>
                </div>
            },
            Row::Card(card) => {
                let linked_to = props
                    .lit
                    .contains(card)
                    .then(|| props.active.clone())
                    .flatten();
                let active = props.active.as_ref() == Some(card);
                let on_path = props.path_cards.contains(card);
                let change = props.changed.get(card).cloned();
                html! {
                    <div key={key} class="lane-row" data-row={i.to_string()}>
                        <Card card={card.clone()} {linked_to} {active} {on_path} {change} />
                    </div>
                }
            }
        }
    };
    html! {
        <div class="lane-cards" ref={list}>
            { for pieces.into_iter().enumerate().map(|(n, piece)| match piece {
                Piece::Row(i) => render(i),
                Piece::Gap { rows, height } => spacer(n, rows, height),
            }) }
        </div>
    }
}
