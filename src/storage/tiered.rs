//! Where each saved scenario lives: small ones in `localStorage` as before, large ones (an
//! imported real account runs to megabytes, and `localStorage` holds about 5 MB per site) in
//! IndexedDB. Pure logic over [`KeyValue`] and [`BlobStore`], tested natively with
//! [`MemoryStore`](super::MemoryStore) and [`MemoryBlobs`].
//!
//! The slot key always stays in `localStorage`, so the index, unique names, renames and
//! deletion work as before: for a scenario kept in IndexedDB its value is a small marker,
//! [`MARKER`] followed by the scenario's size, and the scenario itself is the IndexedDB record
//! under the same key. The page reads those records once at startup ([`super::init`]), and
//! [`Tiered`] keeps them, so reads stay synchronous.
//!
//! IndexedDB writes finish later. A write that fails (the quota is used up) puts back what the
//! slot held before, in `localStorage` and in memory, so a reload finds the last version that
//! was saved; the failure is reported to the listener ([`Tiered::set_failure_listener`]), which
//! tells the user while the open scenario stays on the page.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use super::slots::{KeyValue, SLOT_PREFIX, StorageError};

/// Scenarios whose JSON is longer than this, in bytes, are kept in IndexedDB (when the
/// browser has it); shorter ones in `localStorage`, as before.
pub const LOCAL_MAX_BYTES: usize = 512 * 1024;

/// The start of the `localStorage` value of a slot kept in IndexedDB; its size in bytes
/// follows.
pub const MARKER: &str = "iam-playground:indexeddb:";

/// The marker of a scenario of `bytes` bytes kept in IndexedDB.
fn marker(bytes: usize) -> String {
    format!("{MARKER}{bytes}")
}

/// The size a marker records, if `value` is a marker.
fn marked_size(value: &str) -> Option<usize> {
    value.strip_prefix(MARKER).and_then(|n| n.parse().ok())
}

/// What a write's completion is told.
pub type Done = Box<dyn FnOnce(Result<(), StorageError>)>;

/// A store for large values whose writes complete later: IndexedDB in the page, [`MemoryBlobs`]
/// in the tests.
pub trait BlobStore {
    /// Writes `value` under `key` and calls `done` with the outcome once it is known. Writes
    /// complete in the order they were asked for.
    fn put(&self, key: &str, value: Rc<str>, done: Done);
    /// Removes `key` (nothing happens when it is absent).
    fn delete(&self, key: &str);
}

/// Large values in memory: the tests' [`BlobStore`], with an optional capacity (in bytes of
/// values) whose excess fails the write with [`StorageError::Full`], as a quota would.
/// Writes complete at once.
#[derive(Debug, Default)]
pub struct MemoryBlobs {
    map: RefCell<BTreeMap<String, Rc<str>>>,
    capacity: Option<usize>,
}

impl MemoryBlobs {
    /// An empty store holding at most `capacity` bytes of values.
    pub fn with_capacity(capacity: usize) -> MemoryBlobs {
        MemoryBlobs {
            map: RefCell::default(),
            capacity: Some(capacity),
        }
    }

    /// The value under `key`, if any.
    pub fn get(&self, key: &str) -> Option<Rc<str>> {
        self.map.borrow().get(key).cloned()
    }

    /// Every value, by key (what a reload would read back).
    pub fn all(&self) -> BTreeMap<String, Rc<str>> {
        self.map.borrow().clone()
    }
}

impl BlobStore for MemoryBlobs {
    fn put(&self, key: &str, value: Rc<str>, done: Done) {
        let outcome = {
            let mut map = self.map.borrow_mut();
            let others: usize = map
                .iter()
                .filter(|(k, _)| k.as_str() != key)
                .map(|(_, v)| v.len())
                .sum();
            if self.capacity.is_some_and(|c| others + value.len() > c) {
                Err(StorageError::Full)
            } else {
                map.insert(key.to_owned(), value);
                Ok(())
            }
        };
        done(outcome);
    }

    fn delete(&self, key: &str) {
        self.map.borrow_mut().remove(key);
    }
}

/// Where a saved scenario lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// The browser's `localStorage`.
    LocalStorage,
    /// The browser's IndexedDB.
    IndexedDb,
    /// This page's memory only: the browser allows no storage.
    Memory,
}

impl Place {
    /// Where, in words: "saved in this browser's IndexedDB".
    pub fn describe(self) -> &'static str {
        match self {
            Place::LocalStorage => "saved in this browser's local storage",
            Place::IndexedDb => "saved in this browser's IndexedDB",
            Place::Memory => "kept on this page only (the browser allows no storage)",
        }
    }
}

/// A listener told about an IndexedDB write that failed: the key and why.
pub type FailureListener = Rc<dyn Fn(&str, &StorageError)>;

/// `localStorage` for small values and the index, a [`BlobStore`] for large scenarios, as one
/// [`KeyValue`] (see the module docs).
pub struct Tiered {
    local: Rc<dyn KeyValue>,
    big: Option<Rc<dyn BlobStore>>,
    /// The values kept in `big`, by key, as last written (or read at startup).
    held: Rc<RefCell<BTreeMap<String, Rc<str>>>>,
    /// Whether `local` is memory because the browser allows no storage.
    memory_only: bool,
    on_failure: Rc<RefCell<Option<FailureListener>>>,
}

impl Tiered {
    /// Small values in `local`, large scenarios in `big` (none: everything in `local`), with
    /// `held`, the values `big` holds now (read at startup).
    pub fn new(
        local: Rc<dyn KeyValue>,
        big: Option<Rc<dyn BlobStore>>,
        held: BTreeMap<String, Rc<str>>,
    ) -> Tiered {
        Tiered {
            local,
            big,
            held: Rc::new(RefCell::new(held)),
            memory_only: false,
            on_failure: Rc::default(),
        }
    }

    /// Everything in memory: the browser allows no storage.
    pub fn memory_only(local: Rc<dyn KeyValue>) -> Tiered {
        let mut tiered = Tiered::new(local, None, BTreeMap::new());
        tiered.memory_only = true;
        tiered
    }

    /// Sets who is told when a write to the large store fails after [`KeyValue::set`] returned.
    pub fn set_failure_listener(&self, listener: FailureListener) {
        *self.on_failure.borrow_mut() = Some(listener);
    }

    /// Where the value of `key` lives, and its size in bytes; `None` when it is absent.
    pub fn place(&self, key: &str) -> Option<(Place, usize)> {
        let value = self.local.get(key)?;
        Some(match marked_size(&value) {
            Some(bytes) => (Place::IndexedDb, bytes),
            None if self.memory_only => (Place::Memory, value.len()),
            None => (Place::LocalStorage, value.len()),
        })
    }

    /// The keys whose values the large store should hold, as `local` records them.
    pub fn marked_keys(local: &dyn KeyValue) -> Vec<String> {
        local
            .keys()
            .into_iter()
            .filter(|k| local.get(k).is_some_and(|v| marked_size(&v).is_some()))
            .collect()
    }

    /// Drops `key` from the large store, if it was there.
    fn forget_big(&self, key: &str) {
        if self.held.borrow_mut().remove(key).is_some()
            && let Some(big) = &self.big
        {
            big.delete(key);
        }
    }
}

impl KeyValue for Tiered {
    fn get(&self, key: &str) -> Option<String> {
        let value = self.local.get(key)?;
        if marked_size(&value).is_some()
            && let Some(held) = self.held.borrow().get(key)
        {
            return Some(held.to_string());
        }
        // A marker whose record could not be read stays as it is: the slot reads as damaged
        // and is left for the user to delete.
        Some(value)
    }

    fn set(&self, key: &str, value: &str) -> Result<(), StorageError> {
        let large = key.starts_with(SLOT_PREFIX) && value.len() > LOCAL_MAX_BYTES;
        let big = match &self.big {
            Some(big) if large => Rc::clone(big),
            _ => {
                match self.local.set(key, value) {
                    Ok(()) => {
                        self.forget_big(key);
                        return Ok(());
                    }
                    // A full `localStorage` sends a scenario to IndexedDB instead.
                    Err(StorageError::Full) if key.starts_with(SLOT_PREFIX) => {}
                    Err(e) => return Err(e),
                }
                match &self.big {
                    Some(big) => Rc::clone(big),
                    None => return Err(StorageError::Full),
                }
            }
        };
        let previous_local = self.local.get(key);
        let previous_held = self.held.borrow().get(key).cloned();
        // The marker is a few bytes: when even it does not fit, nothing has changed.
        self.local.set(key, &marker(value.len()))?;
        let value: Rc<str> = Rc::from(value);
        self.held
            .borrow_mut()
            .insert(key.to_owned(), Rc::clone(&value));
        let held = Rc::clone(&self.held);
        let local = Rc::clone(&self.local);
        let on_failure = Rc::clone(&self.on_failure);
        let owned_key = key.to_owned();
        let written = Rc::clone(&value);
        big.put(
            key,
            value,
            Box::new(move |outcome| {
                let Err(error) = outcome else {
                    return;
                };
                // Put back what the slot held before, unless a later write replaced this one.
                let latest = held
                    .borrow()
                    .get(&owned_key)
                    .is_some_and(|v| Rc::ptr_eq(v, &written));
                if latest {
                    match previous_held {
                        Some(v) => {
                            held.borrow_mut().insert(owned_key.clone(), v);
                        }
                        None => {
                            held.borrow_mut().remove(&owned_key);
                        }
                    }
                    match previous_local {
                        Some(text) => {
                            let _ = local.set(&owned_key, &text);
                        }
                        None => local.remove(&owned_key),
                    }
                }
                let listener = on_failure.borrow().clone();
                if let Some(listener) = listener {
                    listener(&owned_key, &error);
                }
            }),
        );
        Ok(())
    }

    fn remove(&self, key: &str) {
        self.local.remove(key);
        self.forget_big(key);
    }

    fn keys(&self) -> Vec<String> {
        self.local.keys()
    }
}

#[cfg(test)]
mod tests {
    use super::super::slots::{MemoryStore, Slots};
    use super::*;
    use iam_engine::scenario::{Scenario, User};
    use std::cell::Cell;

    /// A scenario whose JSON is longer than [`LOCAL_MAX_BYTES`].
    fn large() -> Scenario {
        let mut s = Scenario::new("111122223333");
        for i in 0..10_000 {
            s.users.push(User::new(format!(
                "user-with-a-rather-long-name-for-the-size-test-{i}"
            )));
        }
        assert!(s.to_json().len() > LOCAL_MAX_BYTES);
        s
    }

    fn tiered(local: &Rc<MemoryStore>, big: &Rc<MemoryBlobs>) -> Tiered {
        let local: Rc<dyn KeyValue> = local.clone();
        let big: Rc<dyn BlobStore> = big.clone();
        Tiered::new(local, Some(big), BTreeMap::new())
    }

    #[test]
    fn small_scenarios_stay_in_local_storage_and_large_ones_go_to_the_large_store() {
        let (local, big) = (
            Rc::new(MemoryStore::default()),
            Rc::new(MemoryBlobs::default()),
        );
        let t = tiered(&local, &big);
        let slots = Slots::new(&t);
        let small = Scenario::new("111122223333");
        slots.write("small", &small, 1.0).unwrap();
        let key = format!("{SLOT_PREFIX}small");
        assert_eq!(local.get(&key), Some(small.to_json()));
        assert!(big.get(&key).is_none());
        assert_eq!(
            t.place(&key),
            Some((Place::LocalStorage, small.to_json().len()))
        );

        let large = large();
        slots.write("large", &large, 2.0).unwrap();
        let key = format!("{SLOT_PREFIX}large");
        let json = large.to_json();
        assert_eq!(local.get(&key), Some(marker(json.len())));
        assert_eq!(big.get(&key).as_deref(), Some(json.as_str()));
        assert_eq!(t.place(&key), Some((Place::IndexedDb, json.len())));
        assert_eq!(slots.read("large").unwrap(), large);
        assert_eq!(slots.list().slots.len(), 2);

        // Read back after a reload: the records the page reads at startup.
        let marked = Tiered::marked_keys(&*local);
        assert_eq!(marked, std::slice::from_ref(&key));
        let local_dyn: Rc<dyn KeyValue> = local.clone();
        let reloaded = Tiered::new(local_dyn, None, big.all());
        assert_eq!(Slots::new(&reloaded).read("large").unwrap(), large);

        // Shrinking it moves it back to localStorage and out of the large store.
        slots.write("large", &small, 3.0).unwrap();
        assert_eq!(local.get(&key), Some(small.to_json()));
        assert!(big.get(&key).is_none());
        // Deleting a large one removes its record too.
        slots.write("large", &large, 4.0).unwrap();
        slots.delete("large");
        assert!(big.get(&key).is_none() && local.get(&key).is_none());
    }

    #[test]
    fn a_full_local_storage_sends_a_scenario_to_the_large_store() {
        let local = Rc::new(MemoryStore::with_capacity(4_000));
        let big = Rc::new(MemoryBlobs::default());
        let t = tiered(&local, &big);
        let mut s = Scenario::new("111122223333");
        for i in 0..400 {
            s.users.push(User::new(format!("u{i}")));
        }
        assert!(s.to_json().len() < LOCAL_MAX_BYTES && s.to_json().len() > 4_000);
        Slots::new(&t).write("mid", &s, 1.0).unwrap();
        let key = format!("{SLOT_PREFIX}mid");
        assert_eq!(t.place(&key).map(|p| p.0), Some(Place::IndexedDb));
        assert_eq!(Slots::new(&t).read("mid").unwrap(), s);
    }

    #[test]
    fn a_failed_large_write_keeps_the_last_saved_version_and_is_reported() {
        let local = Rc::new(MemoryStore::default());
        let large = large();
        let capacity = large.to_json().len() + 10;
        let big = Rc::new(MemoryBlobs::with_capacity(capacity));
        let t = tiered(&local, &big);
        let failures = Rc::new(Cell::new(0));
        {
            let failures = Rc::clone(&failures);
            t.set_failure_listener(Rc::new(move |key, error| {
                assert!(key.ends_with("acct"));
                assert_eq!(*error, StorageError::Full);
                failures.set(failures.get() + 1);
            }));
        }
        let slots = Slots::new(&t);
        slots.write("acct", &large, 1.0).unwrap();
        assert_eq!(failures.get(), 0);
        // A larger version does not fit: the saved one stays, in memory and in the store.
        let mut larger = large.clone();
        for i in 0..200 {
            larger.users.push(User::new(format!("more-{i}")));
        }
        slots.write("acct", &larger, 2.0).unwrap();
        assert_eq!(failures.get(), 1);
        assert_eq!(slots.read("acct").unwrap(), large);
        let key = format!("{SLOT_PREFIX}acct");
        assert_eq!(local.get(&key), Some(marker(large.to_json().len())));

        // A first write that fails leaves a small scenario that was saved before in place.
        let tiny = Rc::new(MemoryBlobs::with_capacity(10));
        let t = tiered(&local, &tiny);
        t.set_failure_listener(Rc::new(|_, _| {}));
        let slots = Slots::new(&t);
        let small = Scenario::new("111122223333");
        slots.write("other", &small, 3.0).unwrap();
        slots.write("other", &large, 4.0).unwrap();
        assert_eq!(slots.read("other").unwrap(), small);
    }

    #[test]
    fn without_a_large_store_everything_goes_to_local_storage() {
        let local = Rc::new(MemoryStore::default());
        let local_dyn: Rc<dyn KeyValue> = local.clone();
        let t = Tiered::memory_only(local_dyn);
        let large = large();
        Slots::new(&t).write("acct", &large, 1.0).unwrap();
        let key = format!("{SLOT_PREFIX}acct");
        assert_eq!(local.get(&key), Some(large.to_json()));
        assert_eq!(t.place(&key).map(|p| p.0), Some(Place::Memory));
    }
}
