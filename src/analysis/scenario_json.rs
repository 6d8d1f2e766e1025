//! The open scenario's compact JSON ([`Scenario::to_json`]'s text) on the page, written at
//! most once per snapshot.
//!
//! Saving the scenario and sending it to a worker both need its JSON, and a real account's is
//! megabytes (4 MB for the L account of `e2e/scale.test.mjs`: 15 to 35 ms to write in the
//! release build). The text is kept with the snapshot it was written from (the store makes a
//! new snapshot on every change), so autosave and the two worker lanes share one writing per
//! change; an imported scenario's text comes with it from the worker ([`remember`]) and is
//! never written on the page.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use iam_engine::scenario::Scenario;

thread_local! {
    /// The last text written or received, with its snapshot (dropped once the snapshot is).
    static KNOWN: RefCell<Option<(Weak<Scenario>, Rc<str>)>> = const { RefCell::new(None) };
}

/// Remembers `json` as `scenario`'s compact JSON.
pub fn remember(scenario: &Rc<Scenario>, json: Rc<str>) {
    KNOWN.with(|k| *k.borrow_mut() = Some((Rc::downgrade(scenario), json)));
}

/// `scenario`'s compact JSON, when it is written already.
pub fn known(scenario: &Rc<Scenario>) -> Option<Rc<str>> {
    KNOWN.with(|k| {
        let mut k = k.borrow_mut();
        let (snapshot, json) = k.as_ref()?;
        match snapshot.upgrade() {
            Some(s) if Rc::ptr_eq(&s, scenario) => Some(Rc::clone(json)),
            Some(_) => None,
            None => {
                // Its snapshot is gone: so is the need for its text.
                *k = None;
                None
            }
        }
    })
}

/// `scenario`'s compact JSON: the known text, or written now and remembered.
pub fn json_of(scenario: &Rc<Scenario>) -> Rc<str> {
    if let Some(json) = known(scenario) {
        return json;
    }
    let json: Rc<str> = Rc::from(scenario.to_json());
    remember(scenario, Rc::clone(&json));
    json
}
