//! Autosave: the open scenario is written into its slot after every change, at most every
//! [`AUTOSAVE_INTERVAL_MS`] during a burst, and at once when the page is hidden or another
//! scenario opens.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use iam_engine::scenario::Scenario;

use super::backend::{backend, now};
use super::slots::{SLOT_PREFIX, Slots, StorageError};
use crate::page::is_embed;
use crate::store::{Action, Notice, NoticeLevel, StoreHandle};

/// The shortest time between two writes of the open scenario, in milliseconds. The first change
/// after a quiet moment is written at once; changes that follow within this time are written
/// together when it has passed (and at once when the page is hidden or closed, or another
/// scenario opens), so typing in a large policy does not serialise the scenario on every key.
pub const AUTOSAVE_INTERVAL_MS: u32 = 300;

thread_local! {
    /// The latest state waiting for the trailing write, if any.
    static PENDING_SAVE: RefCell<Option<StoreHandle>> = const { RefCell::new(None) };
    /// The timer of the trailing write.
    static SAVE_TIMER: RefCell<Option<gloo::timers::callback::Timeout>> = const { RefCell::new(None) };
    /// When the open scenario was last written (milliseconds since 1970).
    static LAST_SAVE_AT: Cell<f64> = const { Cell::new(0.0) };
    /// Whether the page-hide listener that flushes pending writes is installed.
    static FLUSH_ON_HIDE: Cell<bool> = const { Cell::new(false) };
    /// Whether the last autosave failed (so the failure is announced once, not per keystroke).
    static SAVE_FAILING: Cell<bool> = const { Cell::new(false) };
    /// The page's store as autosave last saw it, for reporting a write that fails later.
    static LATEST_STORE: RefCell<Option<StoreHandle>> = const { RefCell::new(None) };
    /// How many writes to IndexedDB have failed, to tell a failure during a write from none.
    static LATE_FAILURES: Cell<u32> = const { Cell::new(0) };
    /// The slot and scenario written last: the same snapshot is not serialised again (opening a
    /// scenario, undoing to it or renaming nothing else triggers autosave without a change).
    static LAST_SAVED: RefCell<Option<(String, Rc<Scenario>)>> = const { RefCell::new(None) };
}

/// Saves the open scenario in its slot (see the module docs for when it does not), at once or,
/// during a burst of changes, at most every [`AUTOSAVE_INTERVAL_MS`].
pub fn autosave(store: &StoreHandle) {
    if is_embed() {
        return;
    }
    install_flush_on_hide();
    // A pending write for another slot (the user switched scenarios) goes out first.
    let other_slot = PENDING_SAVE.with(|p| {
        p.borrow()
            .as_ref()
            .is_some_and(|pending| pending.slot != store.slot)
    });
    if other_slot {
        flush_autosave();
    }
    if store.unsaved_copy {
        return;
    }
    if SAVE_TIMER.with(|t| t.borrow().is_some()) {
        PENDING_SAVE.with(|p| *p.borrow_mut() = Some(store.clone()));
        return;
    }
    let elapsed = now() - LAST_SAVE_AT.with(Cell::get);
    let interval = f64::from(AUTOSAVE_INTERVAL_MS);
    if elapsed >= interval || elapsed < 0.0 {
        save_now(store);
        return;
    }
    PENDING_SAVE.with(|p| *p.borrow_mut() = Some(store.clone()));
    // The remaining wait is below the interval, so it fits in a u32.
    let wait = (interval - elapsed).ceil().max(0.0) as u32;
    let timer = gloo::timers::callback::Timeout::new(wait, || {
        SAVE_TIMER.with(|t| t.borrow_mut().take());
        if let Some(pending) = PENDING_SAVE.with(|p| p.borrow_mut().take()) {
            save_now(&pending);
        }
    });
    SAVE_TIMER.with(|t| *t.borrow_mut() = Some(timer));
}

/// Writes a pending autosave now (the page is being hidden, or another scenario opens).
pub fn flush_autosave() {
    if let Some(pending) = take_pending_save() {
        save_now(&pending);
    }
}

/// Cancels the trailing write's timer and hands back the state it would have written.
pub(super) fn take_pending_save() -> Option<StoreHandle> {
    if let Some(timer) = SAVE_TIMER.with(|t| t.borrow_mut().take()) {
        timer.cancel();
    }
    PENDING_SAVE.with(|p| p.borrow_mut().take())
}

/// Flushes pending writes when the page is hidden or unloaded (a reload, a closed tab).
fn install_flush_on_hide() {
    if FLUSH_ON_HIDE.with(|f| f.replace(true)) {
        return;
    }
    let window = gloo::utils::window();
    for event in ["pagehide", "beforeunload"] {
        gloo::events::EventListener::new(&window, event, |_| flush_autosave()).forget();
    }
    gloo::events::EventListener::new(&gloo::utils::document(), "visibilitychange", |_| {
        if gloo::utils::document().hidden() {
            flush_autosave();
        }
    })
    .forget();
}

/// Writes the scenario of `store` into its slot now, with a notice when that fails (once per
/// run of failures) and when it works again.
fn save_now(store: &StoreHandle) {
    if store.unsaved_copy {
        return;
    }
    let unchanged = LAST_SAVED.with(|l| {
        l.borrow().as_ref().is_some_and(|(slot, scenario)| {
            *slot == store.slot && Rc::ptr_eq(scenario, &store.scenario)
        })
    });
    if unchanged && !SAVE_FAILING.with(Cell::get) {
        return;
    }
    LAST_SAVE_AT.with(|t| t.set(now()));
    LATEST_STORE.with(|l| *l.borrow_mut() = Some(store.clone()));
    let (kv, _) = backend();
    kv.set_failure_listener(Rc::new(late_failure));
    let slots = Slots::new(&*kv);
    let failures = LATE_FAILURES.with(Cell::get);
    // The text is written once per change and shared with the workers' lanes (an imported
    // scenario's came with it from the worker).
    let json = crate::analysis::scenario_json::json_of(&store.scenario);
    let outcome = slots.write_json(&store.slot, &store.scenario.title, &json, now());
    super::watch::notify_saved();
    if LATE_FAILURES.with(Cell::get) != failures {
        // The large store refused at once; `late_failure` has said so.
        return;
    }
    match outcome {
        Ok(_) => {
            LAST_SAVED.with(|l| {
                *l.borrow_mut() = Some((store.slot.clone(), Rc::clone(&store.scenario)));
            });
            slots.set_last(&store.slot);
            if SAVE_FAILING.with(|f| f.replace(false)) {
                store.dispatch(Action::SetNotice(Some(Notice {
                    details: None,
                    level: NoticeLevel::Info,
                    text: format!("“{}” is saved in this browser again.", store.slot),
                })));
            }
        }
        Err(error) => {
            if !SAVE_FAILING.with(|f| f.replace(true)) {
                store.dispatch(Action::SetNotice(Some(Notice {
                    details: None,
                    level: NoticeLevel::Error,
                    text: format!(
                        "Could not save “{}”: {}. Your changes stay on this page until you close \
                         it; delete saved scenarios you no longer need, or export this one.",
                        store.slot,
                        error.message()
                    ),
                })));
            }
        }
    }
}

/// A write to IndexedDB that failed after autosave had handed it over: the slot holds its last
/// saved version again (see `tiered`), and the user is told once, keeping the open scenario.
fn late_failure(key: &str, error: &StorageError) {
    LATE_FAILURES.with(|f| f.set(f.get().wrapping_add(1)));
    // The next change tries again.
    LAST_SAVED.with(|l| *l.borrow_mut() = None);
    super::watch::notify_saved();
    let slot = key.strip_prefix(SLOT_PREFIX).unwrap_or(key);
    if SAVE_FAILING.with(|f| f.replace(true)) {
        return;
    }
    if let Some(store) = LATEST_STORE.with(|l| l.borrow().clone()) {
        store.dispatch(Action::SetNotice(Some(Notice {
            details: None,
            level: NoticeLevel::Error,
            text: format!(
                "Could not save “{slot}”: {}. The version saved before stays in this browser, and \
                 your changes stay on this page until you close it; delete saved scenarios you no \
                 longer need, or export this one.",
                error.message()
            ),
        })));
    }
}

/// Whether a write of `slot` is waiting for the trailing timer.
pub(super) fn pending_for(slot: &str) -> bool {
    PENDING_SAVE.with(|p| {
        p.borrow()
            .as_ref()
            .is_some_and(|pending| pending.slot == slot)
    })
}

/// Records what `slot` holds now (written by another tab, or `None` when it is gone), so that
/// autosave does not write the same snapshot back.
pub(super) fn set_last_saved(last: Option<(String, Rc<Scenario>)>) {
    LAST_SAVED.with(|l| *l.borrow_mut() = last);
}
