//! Tab following: two tabs of one browser with the same scenario open stay in step through
//! `storage` events, each other's saves arriving as undoable steps.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use iam_engine::scenario::Scenario;

use super::autosave::{pending_for, set_last_saved, take_pending_save};
use super::slots::slot_key;
use crate::page::is_embed;
use crate::store::{Action, Notice, NoticeLevel, StoreHandle};

/// What a write by another tab of this browser (a `storage` event) means for the scenario open
/// in this one.
#[derive(Debug, PartialEq)]
pub enum OtherTab {
    /// Nothing to do: another key, the same content, or the open scenario is not saved here.
    Ignore,
    /// The other tab saved a different version of the open scenario.
    Changed(Rc<Scenario>),
    /// The other tab deleted (or renamed) the open scenario's slot.
    Removed,
}

/// Decides what a write by another tab means for the scenario open here: the open scenario's
/// slot `slot` (not yet saved when `unsaved_copy`), holding `current`; the event's `key` and
/// `new_value` (`None` for a removal, and a `None` key for a cleared storage).
pub fn other_tab_write(
    slot: &str,
    unsaved_copy: bool,
    current: &Scenario,
    key: Option<&str>,
    new_value: Option<&str>,
) -> OtherTab {
    if unsaved_copy || key != Some(slot_key(slot).as_str()) {
        return OtherTab::Ignore;
    }
    let Some(text) = new_value else {
        return OtherTab::Removed;
    };
    match Scenario::from_json(text) {
        Ok(theirs) if theirs != *current => OtherTab::Changed(Rc::new(theirs)),
        // The same content, or text this version cannot read (a newer tab's format): this tab
        // keeps what it shows, and its next change saves it.
        _ => OtherTab::Ignore,
    }
}

thread_local! {
    /// The page's store as last rendered, for the listener of other tabs' writes.
    static FOLLOWED: RefCell<Option<StoreHandle>> = const { RefCell::new(None) };
    /// Whether that listener is installed.
    static FOLLOWING: Cell<bool> = const { Cell::new(false) };
}

/// Keeps this tab in step with other tabs of the same browser that have the same scenario open:
/// when one of them saves it, this tab shows their version as an undoable step (Undo brings this
/// tab's back, and saving it then updates the other tab the same way), so the last edit made in
/// any tab is what is saved and nothing is silently overwritten. Called after every render with
/// the current store.
pub fn follow_other_tabs(store: &StoreHandle) {
    if is_embed() {
        return;
    }
    FOLLOWED.with(|f| *f.borrow_mut() = Some(store.clone()));
    if FOLLOWING.with(|f| f.replace(true)) {
        return;
    }
    gloo::events::EventListener::new(&gloo::utils::window(), "storage", |event| {
        use wasm_bindgen::JsCast;
        let Some(event) = event.dyn_ref::<web_sys::StorageEvent>() else {
            return;
        };
        if let Some(store) = FOLLOWED.with(|f| f.borrow().clone()) {
            apply_other_tab_write(&store, event.key().as_deref(), event.new_value().as_deref());
        }
    })
    .forget();
}

/// Applies another tab's write of `key` (see [`other_tab_write`]) to `store`.
pub fn apply_other_tab_write(store: &StoreHandle, key: Option<&str>, new_value: Option<&str>) {
    match other_tab_write(
        &store.slot,
        store.unsaved_copy,
        &store.scenario,
        key,
        new_value,
    ) {
        OtherTab::Ignore => {}
        OtherTab::Changed(theirs) => {
            // A write this tab still has pending is older than the other tab's: it is dropped
            // here and stays one Undo away.
            if pending_for(&store.slot) {
                take_pending_save();
            }
            // What the other tab saved is what the slot holds: autosave need not write it back.
            set_last_saved(Some((store.slot.clone(), Rc::clone(&theirs))));
            store.dispatch(Action::Edit {
                label: "Changes from another tab".to_owned(),
                scenario: theirs,
                coalesce: None,
            });
            store.dispatch(Action::SetNotice(Some(Notice {
                details: None,
                level: NoticeLevel::Info,
                text: format!(
                    "“{}” was changed in another tab, and this tab now shows those changes. \
                     Undo (Ctrl+Z) brings back this tab's version.",
                    store.slot
                ),
            })));
        }
        OtherTab::Removed => {
            set_last_saved(None);
            store.dispatch(Action::SetNotice(Some(Notice {
                details: None,
                level: NoticeLevel::Warning,
                text: format!(
                    "“{}” was deleted or renamed in another tab. This tab still shows it, and \
                     your next change here saves it again under this name.",
                    store.slot
                ),
            })));
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::super::slots::test_scenario as scenario;
    use super::super::slots::{INDEX_KEY, LAST_KEY};
    use super::*;

    #[test]
    fn another_tab_s_save_of_the_open_slot_is_followed_and_nothing_else_is() {
        let mine = scenario(&["alice"]);
        let theirs = scenario(&["alice", "bob"]);
        let key = slot_key("A");
        let text = theirs.to_json();
        // Their different version of my slot.
        assert_eq!(
            other_tab_write("A", false, &mine, Some(&key), Some(&text)),
            OtherTab::Changed(Rc::new(theirs.clone()))
        );
        // The same content (my own save echoed, or theirs equal to mine): nothing to do.
        assert_eq!(
            other_tab_write("A", false, &theirs, Some(&key), Some(&text)),
            OtherTab::Ignore
        );
        // Another slot, the index, the last-open key, a cleared storage: not about my scenario.
        for other in [slot_key("B"), INDEX_KEY.to_owned(), LAST_KEY.to_owned()] {
            assert_eq!(
                other_tab_write("A", false, &mine, Some(&other), Some(&text)),
                OtherTab::Ignore
            );
        }
        assert_eq!(
            other_tab_write("A", false, &mine, None, None),
            OtherTab::Ignore
        );
        // A linked copy not kept yet lives in no slot, even if its name matches.
        assert_eq!(
            other_tab_write("A", true, &mine, Some(&key), Some(&text)),
            OtherTab::Ignore
        );
        // Deleted or renamed over there.
        assert_eq!(
            other_tab_write("A", false, &mine, Some(&key), None),
            OtherTab::Removed
        );
        // Text this version cannot read is left alone; this tab keeps what it shows.
        assert_eq!(
            other_tab_write(
                "A",
                false,
                &mine,
                Some(&key),
                Some("{\"formatVersion\": 99")
            ),
            OtherTab::Ignore
        );
    }
}
