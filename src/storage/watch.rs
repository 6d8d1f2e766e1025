//! Where the open scenario is saved and how big it is, for the line that says so: read again
//! after every write (autosave tells the watchers), so it follows saving without the whole
//! page rendering again.

use super::backend::backend;
use super::slots::slot_key;
use super::tiered::Place;

/// Where the slot named `slot` is saved and how many bytes its scenario takes, if it is saved.
pub fn where_saved(slot: &str) -> Option<(Place, usize)> {
    let (kv, _) = backend();
    kv.place(&slot_key(slot))
}

thread_local! {
    /// The components showing where the open scenario is saved, told after every write.
    static SAVE_WATCHERS: std::cell::RefCell<Vec<(u64, yew::Callback<()>)>> =
        const { std::cell::RefCell::new(Vec::new()) };
    static NEXT_WATCHER: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Tells the components showing where a scenario is saved that a write happened (or failed).
pub(super) fn notify_saved() {
    let watchers: Vec<yew::Callback<()>> =
        SAVE_WATCHERS.with(|w| w.borrow().iter().map(|(_, c)| c.clone()).collect());
    for watcher in watchers {
        watcher.emit(());
    }
}

/// Where the slot `slot` is saved and its size ([`where_saved`]), read again after every write,
/// so the line saying so follows autosave without the whole page rendering again.
#[yew::hook]
pub fn use_saved_place(slot: &str) -> Option<(Place, usize)> {
    let update = yew::use_force_update();
    yew::use_effect_with((), move |_| {
        let id = NEXT_WATCHER.with(|n| {
            let id = n.get();
            n.set(id + 1);
            id
        });
        let callback = yew::Callback::from(move |()| update.force_update());
        SAVE_WATCHERS.with(|w| w.borrow_mut().push((id, callback)));
        move || SAVE_WATCHERS.with(|w| w.borrow_mut().retain(|(i, _)| *i != id))
    });
    where_saved(slot)
}

/// The size and place of a saved scenario in words: `2.4 MB · saved in this browser's
/// IndexedDB`.
pub fn describe_place(place: Place, bytes: usize) -> String {
    format!(
        "{} · {}",
        crate::text::megabytes(bytes as f64),
        place.describe()
    )
}
