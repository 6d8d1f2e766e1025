//! The parts of a card a reader opens: its menu, its picker, its rename form and its delete
//! confirmation. None of them shows until asked for, so the release build puts them in a
//! chunk of their own (`card_tools`, see [`crate::split`]) instead of the first visit's: it is
//! fetched once the first view has rendered ([`preload`]), and at the latest when a card opens
//! one. [`CardTool`] shows a part by name: while the chunk loads it says so, and if the chunk
//! cannot be fetched it says that, with a button to try again. Elsewhere (debug builds,
//! `trunk serve`, the tests) the parts are plain components and nothing waits.

use yew::prelude::*;

use super::confirm::ConfirmDelete;
use super::menu::CardMenu;
use super::pickers::CardPicker;
use super::rename::RenameForm;
use super::state::CardState;
use crate::components::on_demand::use_on_demand;
use crate::components::workspace::links::CardKey;

/// A part of a card that opens on demand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// The "More" menu.
    Menu,
    /// The open picker (which one: the card's [`super::state::Mode::Picking`]).
    Picker,
    /// The rename form.
    Rename,
    /// The delete confirmation.
    ConfirmDelete,
}

/// Properties of [`CardTool`] (and of every tool's renderer).
#[derive(Properties, PartialEq, Clone)]
pub struct CardToolProps {
    /// Which part.
    pub tool: Tool,
    /// The card it belongs to.
    pub card: CardKey,
    /// The card's state.
    pub state: CardState,
}

/// Renders a tool. A plain function pointer: the split build returns it from the chunk.
type Render = fn(&CardToolProps) -> Html;

/// Every tool's renderer. In the split build only the chunk's split function names it.
fn render(props: &CardToolProps) -> Html {
    let (card, state) = (props.card.clone(), props.state.clone());
    match props.tool {
        Tool::Menu => html! { <CardMenu {card} {state} /> },
        Tool::Picker => html! { <CardPicker {card} {state} /> },
        Tool::Rename => html! { <RenameForm {card} {state} /> },
        Tool::ConfirmDelete => html! { <ConfirmDelete {card} {state} /> },
    }
}

crate::split::split_point!(card_tools: fn tools() -> Render { render });

/// Fetches the tools once the first view has rendered, so that a card opens them at once.
pub fn preload() {
    if loaded().is_none() {
        wasm_bindgen_futures::spawn_local(async {
            crate::split::after_first_view().await;
            let _ = load().await;
        });
    }
}

/// A card's part: at once when the tools are here, else a short status until they arrive, or
/// a message with a retry button when they cannot be fetched.
#[component]
pub fn CardTool(props: &CardToolProps) -> Html {
    let label = AttrValue::Static("the card's actions");
    match use_on_demand((), loaded(), load, label, "card-tool-status") {
        Ok(render) => render(props),
        Err(status) => status,
    }
}
