//! The progress of a large import, wherever it was started (the Export view's file picker, a
//! file dropped anywhere on the page): a bar at the foot of the page says what is being
//! imported and how far it is, with a Cancel button. One import runs at a time; a new one
//! cancels the one before.

use std::cell::RefCell;

use yew::prelude::*;

use crate::analysis::client::client;

/// Where the running import is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportProgress {
    /// The import's job.
    pub job: u64,
    /// What is imported, in words (`real-account.json (38.6 MB)`).
    pub label: String,
    /// How many entities of the scenario have reached the page, once the text is read.
    pub received: Option<(usize, usize)>,
}

thread_local! {
    static CURRENT: RefCell<Option<ImportProgress>> = const { RefCell::new(None) };
    static WATCHERS: RefCell<Vec<Callback<()>>> = const { RefCell::new(Vec::new()) };
}

fn notify() {
    let watchers: Vec<Callback<()>> = WATCHERS.with(|w| w.borrow().clone());
    for w in watchers {
        w.emit(());
    }
}

/// The running import, if any.
pub fn current() -> Option<ImportProgress> {
    CURRENT.with(|c| c.borrow().clone())
}

/// Records import `job` as running (cancelling the one before, if any).
pub fn begin(job: u64, label: String) {
    if let Some(previous) = CURRENT.with(|c| c.borrow_mut().take())
        && previous.job != job
    {
        client().cancel(previous.job);
    }
    CURRENT.with(|c| {
        *c.borrow_mut() = Some(ImportProgress {
            job,
            label,
            received: None,
        });
    });
    notify();
}

/// Records how far import `job` is.
pub fn advance(job: u64, received: usize, total: usize) {
    let changed = CURRENT.with(|c| match c.borrow_mut().as_mut() {
        Some(p) if p.job == job => {
            p.received = Some((received, total));
            true
        }
        _ => false,
    });
    if changed {
        notify();
    }
}

/// Records that import `job` ended (however it ended).
pub fn end(job: u64) {
    let ended = CURRENT.with(|c| {
        let mut c = c.borrow_mut();
        if c.as_ref().is_some_and(|p| p.job == job) {
            *c = None;
            true
        } else {
            false
        }
    });
    if ended {
        notify();
    }
}

/// Whether import `job` is the running one (not cancelled or replaced).
pub fn is_current(job: u64) -> bool {
    CURRENT.with(|c| c.borrow().as_ref().is_some_and(|p| p.job == job))
}

/// Cancels the running import.
pub fn cancel() {
    if let Some(p) = CURRENT.with(|c| c.borrow_mut().take()) {
        client().cancel(p.job);
        notify();
    }
}

/// The running import, following its progress.
#[hook]
pub fn use_import_progress() -> Option<ImportProgress> {
    let update = use_force_update();
    use_effect_with((), move |_| {
        let watcher = Callback::from(move |()| update.force_update());
        WATCHERS.with(|w| w.borrow_mut().push(watcher.clone()));
        move || WATCHERS.with(|w| w.borrow_mut().retain(|x| *x != watcher))
    });
    current()
}

/// The bar at the foot of the page while a large import runs.
#[component]
pub fn ImportProgressBar() -> Html {
    let Some(progress) = use_import_progress() else {
        return html! {};
    };
    let (state, value, max) = match progress.received {
        None => ("Reading…".to_owned(), None, None),
        Some((received, total)) => (
            format!(
                "{} of {} entities on the page…",
                crate::text::thousands(received),
                crate::text::thousands(total)
            ),
            Some(received.to_string()),
            Some(total.max(1).to_string()),
        ),
    };
    let on_cancel = Callback::from(|_: MouseEvent| cancel());
    html! {
        <div class="import-progress" role="status" aria-live="polite">
            <span class="import-progress-text">
                <strong>{ format!("Importing {}", progress.label) }</strong>
                { " " }{ state }
            </span>
            <progress class="import-progress-bar" {value} {max} aria-label="Import progress" />
            <button type="button" class="btn import-progress-cancel" onclick={on_cancel}>{ "Cancel" }</button>
        </div>
    }
}
