//! What a card is doing besides being shown (its mode), the text of its rename field and the
//! message of its last refused edit: the state its parts share, in one hook.

use yew::prelude::*;

/// Which picker a card has open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    /// Groups to add a user to.
    Group,
    /// Users to add to a group.
    Member,
    /// Policies to attach to an identity.
    Policy,
    /// Policies to make an identity's permissions boundary.
    Boundary,
    /// Identities to attach a policy to.
    Identity,
}

/// What a card is doing besides being shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Only shown.
    Normal,
    /// Its "More" menu is open.
    Menu,
    /// Its name is being edited.
    Rename,
    /// It asks whether to delete its entity.
    ConfirmDelete,
    /// A picker is open.
    Picking(Pick),
}

/// A card's shared state. Handles compare by value, so a part re-renders when what it shows
/// changes.
#[derive(Clone, PartialEq)]
pub struct CardState {
    /// What the card is doing.
    pub mode: UseStateHandle<Mode>,
    /// The rename field's text.
    pub text: UseStateHandle<String>,
    /// The last refused edit's message, shown beside the part that made it.
    pub error: UseStateHandle<Option<String>>,
}

impl CardState {
    /// Switches to `mode`, forgetting the last error.
    pub fn switch(&self, mode: Mode) {
        self.error.set(None);
        self.mode.set(mode);
    }

    /// A click handler that switches to `mode`.
    pub fn switch_on_click(&self, mode: Mode) -> Callback<MouseEvent> {
        let state = self.clone();
        Callback::from(move |_: MouseEvent| state.switch(mode))
    }

    /// Starts renaming, with the field holding `name`.
    pub fn start_rename(&self, name: &str) {
        self.text.set(name.to_owned());
        self.switch(Mode::Rename);
    }
}

/// The state of one card, starting shown with no error.
#[hook]
pub fn use_card_state() -> CardState {
    CardState {
        mode: use_state(|| Mode::Normal),
        text: use_state(String::new),
        error: use_state(|| None::<String>),
    }
}
