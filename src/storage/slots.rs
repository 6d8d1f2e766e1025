//! The saved scenarios in a key-value store: the slot keys, the index over them, names made
//! unique, and what the page opens with. Pure logic over [`KeyValue`], tested natively with
//! [`MemoryStore`].

use std::cell::RefCell;
use std::collections::BTreeMap;

use iam_engine::scenario::Scenario;
use serde::{Deserialize, Serialize};

use crate::store::{Notice, NoticeLevel, Store};

/// The start of every key this page writes.
pub const PREFIX: &str = "iam-playground:v1:";
/// The key of the slot index.
pub const INDEX_KEY: &str = "iam-playground:v1:index";
/// The key holding the name of the slot open last.
pub const LAST_KEY: &str = "iam-playground:v1:last";
/// The start of the key of every slot; the slot's name follows.
pub const SLOT_PREFIX: &str = "iam-playground:v1:slot:";
/// The longest slot name, in characters.
pub const MAX_NAME_CHARS: usize = 80;
/// The name of the scenario a new visitor starts with.
pub const DEFAULT_NAME: &str = "My scenario";
/// The name of a linked scenario that has no title of its own.
pub const SHARED_NAME: &str = "Shared scenario";

/// One saved scenario, as the index lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlotInfo {
    /// The slot's name (what the switcher shows and the key ends with).
    pub name: String,
    /// The scenario's own title, if it has one.
    #[serde(default)]
    pub title: String,
    /// When the slot was last written, in milliseconds since 1970 (0 when unknown).
    #[serde(default)]
    pub updated: f64,
}

/// Why something could not be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageError {
    /// The browser's storage quota is used up.
    Full,
    /// The browser refused for another reason; the text is its own.
    Refused(String),
}

impl StorageError {
    /// A sentence for the user.
    pub fn message(&self) -> String {
        match self {
            StorageError::Full => "this browser's storage for the playground is full".to_owned(),
            StorageError::Refused(reason) => {
                format!("this browser refused to store it ({reason})")
            }
        }
    }
}

/// The little a slot store needs from `localStorage`; [`MemoryStore`] implements it too.
pub trait KeyValue {
    /// The value of `key`, if any.
    fn get(&self, key: &str) -> Option<String>;
    /// Writes `value` under `key`.
    ///
    /// # Errors
    /// [`StorageError::Full`] when the quota is exceeded, otherwise [`StorageError::Refused`].
    fn set(&self, key: &str, value: &str) -> Result<(), StorageError>;
    /// Removes `key` (nothing happens when it is absent).
    fn remove(&self, key: &str);
    /// Every key present.
    fn keys(&self) -> Vec<String>;
}

/// Keys and values in memory: the fallback when the browser allows no storage, and the store
/// of the native tests. An optional capacity (in bytes of keys and values) imitates a quota.
#[derive(Debug, Default)]
pub struct MemoryStore {
    map: RefCell<BTreeMap<String, String>>,
    capacity: Option<usize>,
}

impl MemoryStore {
    /// An empty store holding at most `capacity` bytes of keys and values.
    pub fn with_capacity(capacity: usize) -> MemoryStore {
        MemoryStore {
            map: RefCell::default(),
            capacity: Some(capacity),
        }
    }
}

impl KeyValue for MemoryStore {
    fn get(&self, key: &str) -> Option<String> {
        self.map.borrow().get(key).cloned()
    }

    fn set(&self, key: &str, value: &str) -> Result<(), StorageError> {
        let mut map = self.map.borrow_mut();
        if let Some(capacity) = self.capacity {
            let others: usize = map
                .iter()
                .filter(|(k, _)| k.as_str() != key)
                .map(|(k, v)| k.len() + v.len())
                .sum();
            if others + key.len() + value.len() > capacity {
                return Err(StorageError::Full);
            }
        }
        map.insert(key.to_owned(), value.to_owned());
        Ok(())
    }

    fn remove(&self, key: &str) {
        self.map.borrow_mut().remove(key);
    }

    fn keys(&self) -> Vec<String> {
        self.map.borrow().keys().cloned().collect()
    }
}

/// The saved scenarios in one key-value store.
pub struct Slots<'a> {
    kv: &'a dyn KeyValue,
}

/// The saved scenarios as listed, and whether the index had to be rebuilt.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Listing {
    /// Every slot, most recently updated first.
    pub slots: Vec<SlotInfo>,
    /// True when the stored index was damaged and was rebuilt from the slot keys.
    pub repaired: bool,
}

impl Listing {
    /// Whether a slot named `name` exists.
    pub fn contains(&self, name: &str) -> bool {
        self.slots.iter().any(|s| s.name == name)
    }
}

pub(super) fn slot_key(name: &str) -> String {
    format!("{SLOT_PREFIX}{name}")
}

impl<'a> Slots<'a> {
    /// The slots kept in `kv`.
    pub fn new(kv: &'a dyn KeyValue) -> Slots<'a> {
        Slots { kv }
    }

    /// Every saved scenario, most recently updated first. The index is checked against the slot
    /// keys: entries without a slot are dropped and slots missing from the index are added, so a
    /// damaged index never hides a scenario.
    pub fn list(&self) -> Listing {
        let (mut slots, repaired) = match self.kv.get(INDEX_KEY) {
            None => (Vec::new(), false),
            Some(text) => match serde_json::from_str::<Vec<SlotInfo>>(&text) {
                Ok(slots) => (slots, false),
                Err(_) => (Vec::new(), true),
            },
        };
        let present: Vec<String> = self
            .kv
            .keys()
            .into_iter()
            .filter_map(|k| k.strip_prefix(SLOT_PREFIX).map(str::to_owned))
            .collect();
        slots.retain(|s| present.contains(&s.name));
        let mut seen = std::collections::BTreeSet::new();
        slots.retain(|s| seen.insert(s.name.clone()));
        for name in present {
            if !seen.contains(&name) {
                // A slot the index does not know: the index was lost, or two tabs wrote it at
                // once and one entry lost. Listing it is enough; that is no damage to report.
                seen.insert(name.clone());
                slots.push(SlotInfo {
                    name,
                    title: String::new(),
                    updated: 0.0,
                });
            }
        }
        slots.sort_by(|a, b| {
            b.updated
                .partial_cmp(&a.updated)
                .unwrap_or(std::cmp::Ordering::Equal)
                .then_with(|| a.name.cmp(&b.name))
        });
        Listing { slots, repaired }
    }

    /// Whether a slot named `name` exists.
    pub fn exists(&self, name: &str) -> bool {
        self.kv.get(&slot_key(name)).is_some()
    }

    /// Reads the scenario of a slot.
    ///
    /// # Errors
    /// A sentence for the user when the slot is missing or its text is not a readable scenario.
    pub fn read(&self, name: &str) -> Result<Scenario, String> {
        let text = self
            .kv
            .get(&slot_key(name))
            .ok_or_else(|| format!("There is no saved scenario named “{name}”."))?;
        Scenario::from_json(&text).map_err(|e| {
            format!(
                "The scenario “{name}” saved in this browser could not be read ({}).",
                e.message.trim_end_matches('.')
            )
        })
    }

    /// Saves `scenario` in the slot `name` and records it in the index. Returns whether
    /// anything was written (an unchanged scenario is not written again, so its updated-at time
    /// stays when it is merely opened).
    ///
    /// # Errors
    /// When the browser refuses the write; the previous contents of the slot then stay.
    pub fn write(&self, name: &str, scenario: &Scenario, now: f64) -> Result<bool, StorageError> {
        self.write_json(name, &scenario.title, &scenario.to_json(), now)
    }

    /// [`Slots::write`] of a scenario whose JSON ([`Scenario::to_json`]) is `text` and whose
    /// title is `title`, for a caller that has the text already.
    ///
    /// # Errors
    /// When the browser refuses the write; the previous contents of the slot then stay.
    pub fn write_json(
        &self,
        name: &str,
        title: &str,
        text: &str,
        now: f64,
    ) -> Result<bool, StorageError> {
        let key = slot_key(name);
        let listing = self.list();
        if self.kv.get(&key).as_deref() == Some(text) && listing.contains(name) {
            return Ok(false);
        }
        self.kv.set(&key, text)?;
        let mut slots = listing.slots;
        slots.retain(|s| s.name != name);
        slots.insert(
            0,
            SlotInfo {
                name: name.to_owned(),
                title: title.to_owned(),
                updated: now,
            },
        );
        self.save_index(&slots)?;
        Ok(true)
    }

    fn save_index(&self, slots: &[SlotInfo]) -> Result<(), StorageError> {
        // Serialising plain strings and numbers cannot fail.
        let text = serde_json::to_string(slots).unwrap_or_else(|_| "[]".to_owned());
        self.kv.set(INDEX_KEY, &text)
    }

    /// The slot that was open last, if it still exists.
    pub fn last(&self) -> Option<String> {
        self.kv.get(LAST_KEY).filter(|name| self.exists(name))
    }

    /// Records the slot open now.
    pub fn set_last(&self, name: &str) {
        // Losing this only changes which scenario the next visit opens first.
        let _ = self.kv.set(LAST_KEY, name);
    }

    /// A name based on `base` that no saved scenario uses: `base`, then `base (2)`, `base (3)`...
    /// The base is trimmed and shortened to [`MAX_NAME_CHARS`]; an empty base becomes
    /// [`DEFAULT_NAME`].
    pub fn unique_name(&self, base: &str) -> String {
        let base = clean_name(base);
        let base = if base.is_empty() {
            DEFAULT_NAME.to_owned()
        } else {
            base
        };
        if !self.exists(&base) {
            return base;
        }
        (2u32..)
            .map(|n| {
                let suffix = format!(" ({n})");
                let room = MAX_NAME_CHARS.saturating_sub(suffix.chars().count());
                let stem: String = base.chars().take(room).collect();
                format!("{stem}{suffix}")
            })
            .find(|candidate| !self.exists(candidate))
            .unwrap_or(base)
    }

    /// Checks a name the user typed for the slot now called `current`.
    ///
    /// # Errors
    /// A sentence for the user: empty, too long, or used by another saved scenario.
    pub fn check_name(&self, name: &str, current: &str) -> Result<String, String> {
        let trimmed = name.trim();
        if trimmed.is_empty() {
            return Err("A scenario needs a name.".to_owned());
        }
        if trimmed.chars().count() > MAX_NAME_CHARS {
            return Err(format!(
                "A scenario name has at most {MAX_NAME_CHARS} characters."
            ));
        }
        if trimmed.chars().any(char::is_control) {
            return Err("A scenario name cannot contain line breaks or tabs.".to_owned());
        }
        if trimmed != current && self.exists(trimmed) {
            return Err(format!(
                "Another saved scenario is already named “{trimmed}”."
            ));
        }
        Ok(trimmed.to_owned())
    }

    /// Renames a saved slot; the index and the last-open pointer follow.
    ///
    /// # Errors
    /// A sentence for the user when the name is not allowed or the browser refuses the write
    /// (the old slot then stays as it was).
    pub fn rename(&self, old: &str, new: &str, now: f64) -> Result<String, String> {
        let new = self.check_name(new, old)?;
        if new == old {
            return Ok(new);
        }
        let text = self
            .kv
            .get(&slot_key(old))
            .ok_or_else(|| format!("There is no saved scenario named “{old}”."))?;
        self.kv
            .set(&slot_key(&new), &text)
            .map_err(|e| format!("Could not rename the scenario: {}.", e.message()))?;
        let mut slots = self.list().slots;
        let title = slots
            .iter()
            .find(|s| s.name == old)
            .map(|s| s.title.clone())
            .unwrap_or_default();
        slots.retain(|s| s.name != old && s.name != new);
        slots.insert(
            0,
            SlotInfo {
                name: new.clone(),
                title,
                updated: now,
            },
        );
        self.kv.remove(&slot_key(old));
        let _ = self.save_index(&slots);
        if self.kv.get(LAST_KEY).as_deref() == Some(old) {
            self.set_last(&new);
        }
        Ok(new)
    }

    /// Deletes a saved slot (nothing happens when it does not exist).
    pub fn delete(&self, name: &str) {
        self.kv.remove(&slot_key(name));
        let mut slots = self.list().slots;
        slots.retain(|s| s.name != name);
        let _ = self.save_index(&slots);
        if self.kv.get(LAST_KEY).as_deref() == Some(name) {
            self.kv.remove(LAST_KEY);
        }
    }

    /// The state the page opens with when there is no link: the last open slot, else the most
    /// recently updated one, else a new empty scenario under a free name. Problems are added to
    /// `notes`.
    pub fn restore(&self, notes: &mut Vec<Notice>) -> Store {
        let listing = self.list();
        if listing.repaired {
            notes.push(Notice {
                details: None,
                level: NoticeLevel::Warning,
                text: "The list of scenarios saved in this browser was damaged; it was rebuilt \
                       from the scenarios found."
                    .to_owned(),
            });
        }
        let candidate = self
            .last()
            .or_else(|| listing.slots.first().map(|s| s.name.clone()));
        if let Some(name) = candidate {
            match self.read(&name) {
                Ok(scenario) => return Store::new(scenario, name),
                Err(message) => notes.push(Notice {
                    details: None,
                    level: NoticeLevel::Warning,
                    text: format!(
                        "{message} It was left as it is; a new scenario was opened instead."
                    ),
                }),
            }
        }
        let mut store = Store::default();
        store.slot = self.unique_name(DEFAULT_NAME);
        store
    }
}

/// A slot name as typed: trimmed, without control characters, at most [`MAX_NAME_CHARS`].
pub(super) fn clean_name(name: &str) -> String {
    name.trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_NAME_CHARS)
        .collect::<String>()
        .trim()
        .to_owned()
}

/// A scenario of account 123456789012 with the users `users`, for the storage tests.
#[cfg(test)]
pub(super) fn test_scenario(users: &[&str]) -> Scenario {
    let mut s = Scenario::new("123456789012");
    for u in users {
        s.users.push(iam_engine::scenario::User::new(*u));
    }
    s
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::test_scenario as scenario;
    use super::*;

    #[test]
    fn write_list_read_round_trip() {
        let kv = MemoryStore::default();
        let slots = Slots::new(&kv);
        assert!(slots.write("A", &scenario(&["alice"]), 1.0).unwrap());
        assert!(slots.write("B", &scenario(&["bob"]), 2.0).unwrap());
        let names: Vec<_> = slots.list().slots.into_iter().map(|s| s.name).collect();
        assert_eq!(names, ["B", "A"]);
        assert_eq!(slots.read("A").unwrap().users[0].name, "alice");
        // Writing the same scenario again writes nothing and keeps the time.
        assert!(!slots.write("A", &scenario(&["alice"]), 9.0).unwrap());
        assert_eq!(slots.list().slots[1].updated, 1.0);
    }

    #[test]
    fn unique_names_never_reuse_a_slot() {
        let kv = MemoryStore::default();
        let slots = Slots::new(&kv);
        assert_eq!(slots.unique_name("Imported"), "Imported");
        slots.write("Imported", &scenario(&[]), 1.0).unwrap();
        assert_eq!(slots.unique_name("Imported"), "Imported (2)");
        slots.write("Imported (2)", &scenario(&[]), 1.0).unwrap();
        assert_eq!(slots.unique_name("  Imported "), "Imported (3)");
        assert_eq!(slots.unique_name("   "), DEFAULT_NAME);
        let long = "x".repeat(200);
        slots
            .write(&"x".repeat(MAX_NAME_CHARS), &scenario(&[]), 1.0)
            .unwrap();
        let name = slots.unique_name(&long);
        assert_eq!(name.chars().count(), MAX_NAME_CHARS);
        assert!(name.ends_with(" (2)"));
    }

    #[test]
    fn damaged_index_is_rebuilt_from_the_slots() {
        let kv = MemoryStore::default();
        let slots = Slots::new(&kv);
        slots.write("A", &scenario(&["alice"]), 1.0).unwrap();
        slots.write("B", &scenario(&["bob"]), 2.0).unwrap();
        kv.set(INDEX_KEY, "{not json").unwrap();
        let listing = slots.list();
        assert!(listing.repaired);
        assert!(listing.contains("A") && listing.contains("B"));
        // An index that lacks a slot (two tabs wrote it at once) lists it, without alarm.
        kv.set(INDEX_KEY, "[]").unwrap();
        let listing = slots.list();
        assert!(!listing.repaired);
        assert_eq!(listing.slots.len(), 2);
        // A missing index is no damage either: the slots are simply listed.
        kv.remove(INDEX_KEY);
        let listing = slots.list();
        assert!(!listing.repaired);
        assert_eq!(listing.slots.len(), 2);
        let mut notes = Vec::new();
        kv.set(INDEX_KEY, "[1,2]").unwrap();
        let store = slots.restore(&mut notes);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(store.slot == "A" || store.slot == "B");
    }

    #[test]
    fn restore_opens_the_last_slot_or_a_fresh_one() {
        let kv = MemoryStore::default();
        let slots = Slots::new(&kv);
        let mut notes = Vec::new();
        let fresh = slots.restore(&mut notes);
        assert_eq!(fresh.slot, DEFAULT_NAME);
        assert!(notes.is_empty());

        slots.write("A", &scenario(&["alice"]), 5.0).unwrap();
        slots.write("B", &scenario(&["bob"]), 1.0).unwrap();
        slots.set_last("B");
        let store = slots.restore(&mut notes);
        assert_eq!(store.slot, "B");
        assert_eq!(store.scenario.users[0].name, "bob");
        slots.delete("B");
        assert_eq!(slots.restore(&mut notes).slot, "A");
    }

    #[test]
    fn an_unreadable_slot_is_left_alone() {
        let kv = MemoryStore::default();
        let slots = Slots::new(&kv);
        slots.write(DEFAULT_NAME, &scenario(&[]), 1.0).unwrap();
        kv.set(&slot_key(DEFAULT_NAME), "{\"formatVersion\": tru")
            .unwrap();
        slots.set_last(DEFAULT_NAME);
        let mut notes = Vec::new();
        let store = slots.restore(&mut notes);
        assert_eq!(notes.len(), 1);
        assert!(notes[0].text.contains("could not be read"), "{notes:?}");
        assert_eq!(store.slot, "My scenario (2)");
        assert_eq!(
            kv.get(&slot_key(DEFAULT_NAME)).unwrap(),
            "{\"formatVersion\": tru"
        );
    }

    #[test]
    fn a_full_store_refuses_without_losing_the_old_text() {
        let kv = MemoryStore::with_capacity(600);
        let slots = Slots::new(&kv);
        slots.write("A", &scenario(&["alice"]), 1.0).unwrap();
        let many: Vec<String> = (0..50).map(|i| format!("user{i}")).collect();
        let refs: Vec<&str> = many.iter().map(String::as_str).collect();
        assert_eq!(
            slots.write("A", &scenario(&refs), 2.0),
            Err(StorageError::Full)
        );
        assert_eq!(slots.read("A").unwrap().users.len(), 1);
    }

    #[test]
    fn rename_moves_the_slot_and_refuses_taken_names() {
        let kv = MemoryStore::default();
        let slots = Slots::new(&kv);
        slots.write("A", &scenario(&["alice"]), 1.0).unwrap();
        slots.write("B", &scenario(&["bob"]), 1.0).unwrap();
        slots.set_last("A");
        assert!(
            slots
                .rename("A", "B", 2.0)
                .unwrap_err()
                .contains("already named")
        );
        assert!(slots.rename("A", "  ", 2.0).is_err());
        assert_eq!(slots.rename("A", " Alpha ", 2.0).unwrap(), "Alpha");
        assert!(!slots.exists("A"));
        assert_eq!(slots.read("Alpha").unwrap().users[0].name, "alice");
        assert_eq!(slots.last().as_deref(), Some("Alpha"));
        assert_eq!(slots.read("B").unwrap().users[0].name, "bob");
    }
}
