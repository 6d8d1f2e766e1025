//! Local saving: the open scenario is saved to `localStorage` on every change, and several
//! named scenarios are kept. Also decides what the page opens with (a shared link, the last
//! scenario, or a new one).
//!
//! Contract with the rest of the app: [`autosave`] runs after every change of the store's
//! revision or slot and writes the scenario into the slot named `store.slot`, unless
//! `store.unsaved_copy` is set (a linked scenario opened read-only until the user keeps it).
//! A burst of changes (typing) is written at most every [`AUTOSAVE_INTERVAL_MS`], and whatever
//! is pending is written at once when the page is hidden or closed and before another scenario
//! opens, so a reload always finds the last change.
//! Anything that opens a scenario as a new local scenario (an example, an import) calls
//! [`open_as_new`].
//!
//! ## What is stored
//!
//! Every key starts with [`PREFIX`] (`iam-playground:v1:`), so the page shares its origin's
//! storage politely and a future layout can live beside this one:
//!
//! | key | value |
//! | --- | --- |
//! | `iam-playground:v1:slot:<name>` | the scenario JSON of the slot named `<name>` |
//! | `iam-playground:v1:index` | a JSON array of [`SlotInfo`] (name, scenario title, updated-at) |
//! | `iam-playground:v1:last` | the name of the slot that was open last |
//!
//! The slot keys are the truth and the index is a cache over them: an index that is missing or
//! damaged is rebuilt from the slot keys (with a notice), so no scenario is lost with it.
//!
//! ## Rules
//!
//! - A slot is only ever written under the name the page holds it by, and every new name is made
//!   unique first ([`unique_slot_name`]), so saving never overwrites another scenario.
//! - A saved scenario that cannot be read is left exactly as it is: the page opens another one
//!   and says so; only the user's explicit Delete removes it.
//! - Storage that is full, or not allowed at all (private browsing), is a notice, never a panic:
//!   without storage the page keeps its scenarios in memory until it is closed.
//! - A shared link opens as a new, unsaved scenario: nothing local is written until the user
//!   keeps it, and the previously open slot stays untouched. The link is then removed from the
//!   address bar so that a reload does not open it again.
//! - Two tabs with the same scenario open stay in step: when one saves it, the other shows that
//!   version as an undoable step ([`follow_other_tabs`]), so neither overwrites the other
//!   unseen.
//! - Embed mode (`?embed`) never reads or writes local storage: a documentation page must not
//!   change the reader's own scenarios.
//!
//! The logic lives in [`Slots`], over the small [`KeyValue`] trait, so it is unit-tested natively

mod autosave;
mod backend;
mod link;
mod slots;
mod tabs;
mod tiered;
mod watch;

use std::rc::Rc;

use iam_engine::scenario::Scenario;

pub use autosave::{AUTOSAVE_INTERVAL_MS, autosave, flush_autosave};
use backend::{backend, now};
pub use backend::{init, reset_backend, set_backend};
pub use link::{
    LinkOutcome, check_link_data_version, data_version_notice, has_link, merge_notices, open_link,
    open_link_from_location, request_from_view, scenario_from_link, startup, startup_embed,
    view_from_link,
};
pub use slots::{
    DEFAULT_NAME, INDEX_KEY, KeyValue, LAST_KEY, Listing, MAX_NAME_CHARS, MemoryStore, PREFIX,
    SHARED_NAME, SLOT_PREFIX, SlotInfo, Slots, StorageError,
};
pub use tabs::{OtherTab, apply_other_tab_write, follow_other_tabs, other_tab_write};
pub use tiered::{
    BlobStore, Done, FailureListener, LOCAL_MAX_BYTES, MARKER, MemoryBlobs, Place, Tiered,
};
pub use watch::{describe_place, use_saved_place, where_saved};

use crate::store::{Action, Notice, NoticeLevel, Store, StoreHandle};

/// A slot name based on `base` that no saved scenario uses yet ("Imported", "Imported (2)").
pub fn unique_slot_name(base: &str) -> String {
    let (kv, _) = backend();
    Slots::new(&*kv).unique_name(base)
}

/// Opens `scenario` as a new local scenario named after `base`, leaving the current one saved
/// in its own slot.
pub fn open_as_new(store: &StoreHandle, scenario: Scenario, base: &str) {
    flush_autosave();
    store.dispatch(Action::Open {
        scenario: Rc::new(scenario),
        slot: unique_slot_name(base),
        unsaved_copy: false,
    });
}

/// Opens an imported `scenario` as a new local scenario named after `base` (see
/// [`open_as_new`]), keeping the snapshot itself: the page may know its JSON already (an import
/// read in the worker), which saving it then reuses.
pub fn open_imported(store: &StoreHandle, scenario: Rc<Scenario>, base: &str) {
    flush_autosave();
    store.dispatch(Action::Open {
        scenario,
        slot: unique_slot_name(base),
        unsaved_copy: false,
    });
}

/// Every saved scenario, most recently updated first.
pub fn list() -> Vec<SlotInfo> {
    let (kv, _) = backend();
    Slots::new(&*kv).list().slots
}

/// Reads a saved scenario without opening it (to compare with), or why it cannot be read.
pub fn read_slot(name: &str) -> Result<Scenario, String> {
    let (kv, _) = backend();
    Slots::new(&*kv).read(name)
}

/// Opens a saved scenario. When it cannot be read, the open one stays and a notice says why.
pub fn open_slot(store: &StoreHandle, name: &str) {
    flush_autosave();
    let (kv, _) = backend();
    let slots = Slots::new(&*kv);
    match slots.read(name) {
        Ok(scenario) => {
            slots.set_last(name);
            store.dispatch(Action::Open {
                scenario: Rc::new(scenario),
                slot: name.to_owned(),
                unsaved_copy: false,
            });
            store.dispatch(Action::SetNotice(None));
        }
        Err(text) => store.dispatch(Action::SetNotice(Some(Notice {
            details: None,
            level: NoticeLevel::Error,
            text,
        }))),
    }
}

/// Opens a new empty scenario (the default account) under a free name.
pub fn new_scenario(store: &StoreHandle) {
    open_as_new(store, (*Store::default().scenario).clone(), DEFAULT_NAME);
}

/// Opens a copy of the open scenario as a new local scenario ("Name (copy)").
pub fn duplicate(store: &StoreHandle) {
    let base = format!("{} (copy)", store.slot);
    open_as_new(store, (*store.scenario).clone(), &base);
}

/// Saves a linked (unsaved) scenario in this browser under `name` (made unique), so that it is
/// kept from now on.
pub fn keep(store: &StoreHandle, name: &str) -> Result<(), String> {
    flush_autosave();
    let (kv, _) = backend();
    let slots = Slots::new(&*kv);
    let name = slots.check_name(name, "")?;
    slots
        .write(&name, &store.scenario, now())
        .map_err(|e| format!("Could not keep the scenario: {}.", e.message()))?;
    slots.set_last(&name);
    store.dispatch(Action::Saved { slot: name.clone() });
    store.dispatch(Action::SetNotice(Some(Notice {
        details: None,
        level: NoticeLevel::Info,
        text: format!("“{name}” is now saved in this browser."),
    })));
    Ok(())
}

/// Renames the open scenario. A linked scenario that is not kept yet is kept under the new name.
///
/// # Errors
/// A sentence for the user to show beside the name field.
pub fn rename(store: &StoreHandle, name: &str) -> Result<(), String> {
    flush_autosave();
    if store.unsaved_copy {
        return keep(store, name);
    }
    let (kv, _) = backend();
    let slots = Slots::new(&*kv);
    if !slots.exists(&store.slot) {
        // Not written yet (saving failed): the new name is simply the one to save under.
        let name = slots.check_name(name, &store.slot)?;
        store.dispatch(Action::Saved { slot: name });
        return Ok(());
    }
    let new = slots.rename(&store.slot, name, now())?;
    store.dispatch(Action::Saved { slot: new });
    Ok(())
}

/// Deletes a saved scenario. Deleting the open one opens the most recent other one (or a new
/// empty scenario).
pub fn delete(store: &StoreHandle, name: &str) {
    flush_autosave();
    let (kv, _) = backend();
    let slots = Slots::new(&*kv);
    slots.delete(name);
    if name == store.slot && !store.unsaved_copy {
        let mut notes = Vec::new();
        let next = slots.restore(&mut notes);
        slots.set_last(&next.slot);
        store.dispatch(Action::Open {
            scenario: Rc::clone(&next.scenario),
            slot: next.slot.clone(),
            unsaved_copy: false,
        });
    }
    store.dispatch(Action::SetNotice(Some(Notice {
        details: None,
        level: NoticeLevel::Info,
        text: format!("Deleted “{name}” from this browser."),
    })));
}
