//! A card's head: its kind, the "More" button that opens its menu, and its name (or the rename
//! form in its place).

use iam_engine::scenario::Scenario;
use yew::prelude::*;

use super::state::{CardState, Mode};
use super::tools::{CardTool, Tool};
use crate::components::workspace::links::CardKey;
use crate::store::StoreHandle;
use crate::text::capitalise;

/// Properties of [`CardHead`].
#[derive(Properties, PartialEq)]
pub struct CardHeadProps {
    /// The card.
    pub card: CardKey,
    /// The name shown (the account's for the root user and the organization).
    pub display_name: String,
    /// Whether the entity can be renamed, duplicated and deleted (it has a menu).
    pub editable: bool,
    /// The card's state.
    pub state: CardState,
}

/// The head and the name of a card.
#[component]
pub fn CardHead(props: &CardHeadProps) -> Html {
    let card = &props.card;
    let mode = &props.state.mode;
    let menu_button = props.editable.then(|| {
        let open = **mode == Mode::Menu;
        let toggle = {
            let mode = mode.clone();
            Callback::from(move |_: MouseEvent| {
                mode.set(if *mode == Mode::Menu {
                    Mode::Normal
                } else {
                    Mode::Menu
                });
            })
        };
        html! {
            <button type="button" class="btn btn-quiet card-menu-button" data-action="card-menu"
                aria-expanded={if open { "true" } else { "false" }}
                aria-label={format!("More actions for {card}")}
                onclick={toggle}>{ "More ▾" }</button>
        }
    });
    let name_part = if **mode == Mode::Rename {
        html! { <CardTool tool={Tool::Rename} card={card.clone()} state={props.state.clone()} /> }
    } else {
        html! { <h3 class="card-name" title={props.display_name.clone()}>{ props.display_name.clone() }</h3> }
    };
    html! {
        <>
            <div class="card-head">
                <span class="card-kind">{ capitalise(card.kind()) }</span>
                { menu_button }
            </div>
            { name_part }
        </>
    }
}

/// The name a card shows. The root user and the organization are one per account: their name
/// is the account's.
pub(super) fn display_name(scenario: &Scenario, card: &CardKey) -> String {
    match card {
        CardKey::Root => format!(
            "Account {}",
            scenario
                .account
                .alias
                .clone()
                .unwrap_or_else(|| scenario.account.id.clone())
        ),
        CardKey::Organization => scenario
            .organization
            .as_ref()
            .and_then(|o| o.levels.first())
            .map_or_else(|| "Organization".to_owned(), |root| root.name.clone()),
        _ => card.name().to_owned(),
    }
}

/// The card's accessible name: its kind and the name it shows ("Root user Account 1234…").
pub(super) fn title(card: &CardKey, display_name: &str) -> String {
    format!("{} {display_name}", capitalise(card.kind()))
}

/// Whether the card's entity is the one selected.
pub(super) fn is_selected(store: &StoreHandle, card: &CardKey) -> bool {
    card.target().is_some() && store.selection.target == card.target()
}
