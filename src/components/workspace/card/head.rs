//! A card's head: its kind, the "More" button that opens its menu, and its name (or the rename
//! form in its place).

use yew::prelude::*;

use super::state::{CardState, Mode};
use super::tools::{CardTool, Tool};
use crate::components::workspace::links::CardKey;
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
