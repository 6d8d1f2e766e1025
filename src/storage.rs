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
//! with [`MemoryStore`]; the browser glue at the bottom only picks the backend and dispatches.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;

use iam_engine::scenario::{FORMAT_VERSION, Scenario};
use iam_engine::share::{self, LinkVersions, SharePayload, ViewState};
use serde::{Deserialize, Serialize};

use crate::store::{Action, Notice, NoticeLevel, RequestState, Store, StoreHandle, View};

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

fn slot_key(name: &str) -> String {
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
        let text = scenario.to_json();
        let key = slot_key(name);
        let listing = self.list();
        if self.kv.get(&key).as_deref() == Some(text.as_str()) && listing.contains(name) {
            return Ok(false);
        }
        self.kv.set(&key, &text)?;
        let mut slots = listing.slots;
        slots.retain(|s| s.name != name);
        slots.insert(
            0,
            SlotInfo {
                name: name.to_owned(),
                title: scenario.title.clone(),
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
fn clean_name(name: &str) -> String {
    name.trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_NAME_CHARS)
        .collect::<String>()
        .trim()
        .to_owned()
}

/// Whether a URL fragment carries share-link data (`#s=...`, possibly among other parameters).
pub fn has_link(hash: &str) -> bool {
    hash.trim_start_matches('#')
        .split('&')
        .any(|part| part.starts_with("s="))
}

/// Maps a view name from a link or an embed URL to a view. Besides the view ids, `policy`
/// (the workspace with its policy editors) and `tests` (the simulator with the saved tests) are
/// understood. The share and examples views are never restored: they are about this page, not
/// about the linked scenario.
pub fn view_from_link(name: &str) -> Option<View> {
    match name {
        "policy" | "policies" => Some(View::Workspace),
        "tests" => Some(View::Simulate),
        other => View::from_id(other).filter(|v| !matches!(v, View::Share | View::Examples)),
    }
}

/// The request a link's view state carries.
pub fn request_from_view(view: &ViewState) -> RequestState {
    RequestState {
        principal: view.principal.clone().unwrap_or_default(),
        action: view.action.clone().unwrap_or_default(),
        resource: view.resource.clone().unwrap_or_default(),
        context: Vec::new(),
    }
}

/// What opening a link does: actions for the store and a notice, or only an error notice.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkOutcome {
    /// Actions to apply in order (empty when the link could not be opened).
    pub actions: Vec<Action>,
    /// What to tell the user.
    pub notice: Notice,
    /// The versions recorded in the link, to compare the data version once it is known.
    pub versions: Option<LinkVersions>,
}

/// Decodes a share link and says how to open it: as a new, unsaved scenario named after its
/// title (made unique against `slots`), with its view and request. Versions are compared with
/// this build's engine and scenario format; the data version is compared later, once the
/// catalog has loaded ([`data_version_notice`]). Nothing is written anywhere.
pub fn open_link(slots: Option<&Slots<'_>>, link: &str) -> LinkOutcome {
    let error = |text: String| LinkOutcome {
        actions: Vec::new(),
        notice: Notice {
            level: NoticeLevel::Error,
            text,
        },
        versions: None,
    };
    let payload = match share::decode(link) {
        Ok(payload) => payload,
        Err(e) => {
            return error(format!(
                "{} Nothing was opened; your own scenarios are unchanged.",
                e.message()
            ));
        }
    };
    let scenario = match Scenario::from_json(&payload.scenario) {
        Ok(scenario) => scenario,
        Err(e) => {
            return error(format!(
                "The scenario in this share link could not be opened: {} Your own scenarios are \
                 unchanged.",
                e.message
            ));
        }
    };
    let base = if scenario.title.trim().is_empty() {
        SHARED_NAME
    } else {
        scenario.title.as_str()
    };
    let name = match slots {
        Some(slots) => slots.unique_name(base),
        None => clean_name(base),
    };
    let mut actions = vec![Action::Open {
        scenario: Rc::new(scenario),
        slot: name.clone(),
        unsaved_copy: true,
    }];
    if let Some(view) = &payload.view {
        actions.push(Action::SetRequest(request_from_view(view)));
        if let Some(v) = view.view.as_deref().and_then(view_from_link) {
            actions.push(Action::SetView(v));
        }
    }
    // The data version is checked once the catalog has loaded; here it is taken as equal.
    let compat = payload.compat(FORMAT_VERSION, &payload.versions.data);
    let notice = match compat.message() {
        Some(text) => Notice {
            level: NoticeLevel::Warning,
            text: format!(
                "{text} Opened “{name}” from the link; it is not saved in this browser until you \
                 keep it."
            ),
        },
        None => Notice {
            level: NoticeLevel::Info,
            text: format!(
                "Opened “{name}” from a share link. It is not saved in this browser until you \
                 choose “Keep this scenario”."
            ),
        },
    };
    LinkOutcome {
        actions,
        notice,
        versions: Some(payload.versions),
    }
}

/// The warning for a link whose data version differs from the loaded catalog's (`None` when
/// every version matches).
pub fn data_version_notice(versions: &LinkVersions, data_date: &str) -> Option<Notice> {
    let payload = SharePayload {
        scenario: String::new(),
        view: None,
        versions: versions.clone(),
    };
    payload
        .compat(FORMAT_VERSION, data_date)
        .differences
        .iter()
        .any(|d| d.component == share::VersionComponent::Data)
        .then(|| payload.compat(FORMAT_VERSION, data_date).message())
        .flatten()
        .map(|text| Notice {
            level: NoticeLevel::Warning,
            text,
        })
}

/// Several notices as one: the most severe level, the texts in order.
pub fn merge_notices(notes: Vec<Notice>) -> Option<Notice> {
    let rank = |level: NoticeLevel| match level {
        NoticeLevel::Info => 0,
        NoticeLevel::Warning => 1,
        NoticeLevel::Error => 2,
    };
    let level = notes.iter().map(|n| n.level).max_by_key(|l| rank(*l))?;
    let text = notes
        .into_iter()
        .map(|n| n.text)
        .collect::<Vec<_>>()
        .join(" ");
    Some(Notice { level, text })
}

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

// ---------------------------------------------------------------------------------------------
// The browser glue.

/// `localStorage` as a [`KeyValue`].
struct LocalStore(web_sys::Storage);

impl KeyValue for LocalStore {
    fn get(&self, key: &str) -> Option<String> {
        self.0.get_item(key).ok().flatten()
    }

    fn set(&self, key: &str, value: &str) -> Result<(), StorageError> {
        self.0.set_item(key, value).map_err(|err| {
            // A DOMException: its `name` tells a full quota from other refusals.
            let field = |name: &str| {
                js_sys::Reflect::get(&err, &wasm_bindgen::JsValue::from_str(name))
                    .ok()
                    .and_then(|v| v.as_string())
                    .unwrap_or_default()
            };
            let name = field("name");
            if name == "QuotaExceededError" || name == "NS_ERROR_DOM_QUOTA_REACHED" {
                StorageError::Full
            } else {
                let message = field("message");
                StorageError::Refused(if message.is_empty() {
                    "no reason given".to_owned()
                } else {
                    message
                })
            }
        })
    }

    fn remove(&self, key: &str) {
        let _ = self.0.remove_item(key);
    }

    fn keys(&self) -> Vec<String> {
        let n = self.0.length().unwrap_or(0);
        (0..n)
            .filter_map(|i| self.0.key(i).ok().flatten())
            .filter(|k| k.starts_with(PREFIX))
            .collect()
    }
}

thread_local! {
    /// The backend, chosen once: `localStorage`, or memory when the browser allows none.
    static BACKEND: RefCell<Option<Rc<dyn KeyValue>>> = const { RefCell::new(None) };
    /// Whether the last autosave failed (so the failure is announced once, not per keystroke).
    static SAVE_FAILING: Cell<bool> = const { Cell::new(false) };
    /// The versions of a link opened before the catalog (and so its data version) was known.
    static PENDING_VERSIONS: RefCell<Option<LinkVersions>> = const { RefCell::new(None) };
}

/// The storage backend, and a notice when it had to fall back to memory.
fn backend() -> (Rc<dyn KeyValue>, Option<Notice>) {
    if let Some(kv) = BACKEND.with(|b| b.borrow().clone()) {
        return (kv, None);
    }
    // Reading `localStorage` throws when storage is blocked (some private modes, sandboxed
    // iframes); its length is the cheapest read that proves it works.
    let local = web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .filter(|s| s.length().is_ok());
    let (kv, notice): (Rc<dyn KeyValue>, Option<Notice>) = match local {
        Some(storage) => (Rc::new(LocalStore(storage)), None),
        None => (
            Rc::new(MemoryStore::default()),
            Some(Notice {
                level: NoticeLevel::Warning,
                text: "This browser does not let the playground save anything (private browsing \
                       or blocked storage): your scenarios last only until you close this page. \
                       Export a scenario or copy its share link to keep it."
                    .to_owned(),
            }),
        ),
    };
    BACKEND.with(|b| *b.borrow_mut() = Some(Rc::clone(&kv)));
    (kv, notice)
}

fn now() -> f64 {
    js_sys::Date::now()
}

/// The page's URL fragment (with its `#`), or an empty string.
fn location_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Removes the fragment from the address bar without reloading or adding a history entry.
fn clear_fragment() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let url = format!(
        "{}{}",
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    );
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// The state the app starts with: a shared link from the URL fragment (as a new, unsaved
/// scenario), else the scenario open last, else a new one. In embed mode local storage is
/// never touched and the fragment stays (the embed's "open in the playground" link uses it).
pub fn startup() -> Store {
    let hash = location_hash();
    if crate::components::embed::is_embed() {
        return startup_embed(&hash);
    }
    let (kv, fallback) = backend();
    let slots = Slots::new(&*kv);
    let mut notes: Vec<Notice> = fallback.into_iter().collect();
    let mut store = slots.restore(&mut notes);
    if has_link(&hash) {
        let outcome = open_link(Some(&slots), &hash);
        for action in outcome.actions {
            store.apply(action);
        }
        PENDING_VERSIONS.with(|p| *p.borrow_mut() = outcome.versions);
        notes.push(outcome.notice);
        clear_fragment();
    }
    store.notice = merge_notices(notes);
    store
}

/// The embed's state: the linked scenario, unsaved, or an empty one with a message.
fn startup_embed(hash: &str) -> Store {
    let mut store = Store::default();
    store.unsaved_copy = true;
    if !has_link(hash) {
        store.notice = Some(Notice {
            level: NoticeLevel::Info,
            text: "This embedded playground was given no scenario link, so it shows an empty \
                   scenario."
                .to_owned(),
        });
        return store;
    }
    let outcome = open_link(None, hash);
    let opened = !outcome.actions.is_empty();
    for action in outcome.actions {
        store.apply(action);
    }
    PENDING_VERSIONS.with(|p| *p.borrow_mut() = outcome.versions);
    // A successful open needs no "not saved" note inside a documentation page; only version
    // differences and errors are worth the reader's attention.
    if !opened || outcome.notice.level != NoticeLevel::Info {
        store.notice = Some(outcome.notice);
    }
    store
}

/// Opens the link in the page's fragment (a link pasted into the address bar of an open page):
/// like at startup, the current scenario stays saved and the linked one opens unsaved.
pub fn open_link_from_location(store: &StoreHandle) {
    flush_autosave();
    let hash = location_hash();
    if !has_link(&hash) {
        return;
    }
    let (kv, _) = backend();
    let outcome = open_link(Some(&Slots::new(&*kv)), &hash);
    for action in outcome.actions {
        store.dispatch(action);
    }
    PENDING_VERSIONS.with(|p| *p.borrow_mut() = outcome.versions);
    store.dispatch(Action::SetNotice(Some(outcome.notice)));
    clear_fragment();
}

/// Once the catalog has loaded: warns when the link opened at startup was made with other AWS
/// data. Runs at most once per opened link.
pub fn check_link_data_version(store: &StoreHandle, data_date: &str) {
    let Some(versions) = PENDING_VERSIONS.with(|p| p.borrow_mut().take()) else {
        return;
    };
    if let Some(notice) = data_version_notice(&versions, data_date) {
        store.dispatch(Action::SetNotice(Some(notice)));
    }
}

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
    /// The slot and scenario written last: the same snapshot is not serialised again (opening a
    /// scenario, undoing to it or renaming nothing else triggers autosave without a change).
    static LAST_SAVED: RefCell<Option<(String, Rc<Scenario>)>> = const { RefCell::new(None) };
}

/// Saves the open scenario in its slot (see the module docs for when it does not), at once or,
/// during a burst of changes, at most every [`AUTOSAVE_INTERVAL_MS`].
pub fn autosave(store: &StoreHandle) {
    if crate::components::embed::is_embed() {
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
fn take_pending_save() -> Option<StoreHandle> {
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
    let (kv, _) = backend();
    let slots = Slots::new(&*kv);
    match slots.write(&store.slot, &store.scenario, now()) {
        Ok(_) => {
            LAST_SAVED.with(|l| {
                *l.borrow_mut() = Some((store.slot.clone(), Rc::clone(&store.scenario)));
            });
            slots.set_last(&store.slot);
            if SAVE_FAILING.with(|f| f.replace(false)) {
                store.dispatch(Action::SetNotice(Some(Notice {
                    level: NoticeLevel::Info,
                    text: format!("“{}” is saved in this browser again.", store.slot),
                })));
            }
        }
        Err(error) => {
            if !SAVE_FAILING.with(|f| f.replace(true)) {
                store.dispatch(Action::SetNotice(Some(Notice {
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
    if crate::components::embed::is_embed() {
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
            let ours = PENDING_SAVE.with(|p| {
                p.borrow()
                    .as_ref()
                    .is_some_and(|pending| pending.slot == store.slot)
            });
            if ours {
                take_pending_save();
            }
            // What the other tab saved is what the slot holds: autosave need not write it back.
            LAST_SAVED.with(|l| *l.borrow_mut() = Some((store.slot.clone(), Rc::clone(&theirs))));
            store.dispatch(Action::Edit {
                label: "Changes from another tab".to_owned(),
                scenario: theirs,
                coalesce: None,
            });
            store.dispatch(Action::SetNotice(Some(Notice {
                level: NoticeLevel::Info,
                text: format!(
                    "“{}” was changed in another tab, and this tab now shows those changes. \
                     Undo (Ctrl+Z) brings back this tab's version.",
                    store.slot
                ),
            })));
        }
        OtherTab::Removed => {
            LAST_SAVED.with(|l| l.borrow_mut().take());
            store.dispatch(Action::SetNotice(Some(Notice {
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

/// Every saved scenario, most recently updated first.
pub fn list() -> Vec<SlotInfo> {
    let (kv, _) = backend();
    Slots::new(&*kv).list().slots
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
        level: NoticeLevel::Info,
        text: format!("Deleted “{name}” from this browser."),
    })));
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use iam_engine::scenario::User;

    fn scenario(users: &[&str]) -> Scenario {
        let mut s = Scenario::new("123456789012");
        for u in users {
            s.users.push(User::new(*u));
        }
        s
    }

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

    #[test]
    fn links_open_as_unsaved_copies_with_their_view_and_request() {
        let kv = MemoryStore::default();
        let slots = Slots::new(&kv);
        let mut linked = scenario(&["alice"]);
        linked.title = "Demo".into();
        slots.write("Demo", &scenario(&[]), 1.0).unwrap();
        let payload = SharePayload::new(linked.to_json(), FORMAT_VERSION, "2026-09-26").with_view(
            ViewState {
                view: Some("simulate".into()),
                principal: Some("user/alice".into()),
                action: Some("s3:GetObject".into()),
                resource: None,
            },
        );
        let data = share::encode(&payload).unwrap();
        let outcome = open_link(Some(&slots), &format!("#s={data}"));
        assert_eq!(outcome.notice.level, NoticeLevel::Info);
        let mut store = Store::default();
        for action in outcome.actions {
            store.apply(action);
        }
        assert_eq!(store.slot, "Demo (2)");
        assert!(store.unsaved_copy);
        assert_eq!(store.view, View::Simulate);
        assert_eq!(store.request.principal, "user/alice");
        assert_eq!(store.scenario.users[0].name, "alice");
        // Nothing was written: the existing "Demo" is untouched.
        assert!(slots.read("Demo").unwrap().users.is_empty());
        assert!(!slots.exists("Demo (2)"));
        // The data version is compared once known.
        let versions = outcome.versions.unwrap();
        assert_eq!(data_version_notice(&versions, "2026-09-26"), None);
        let notice = data_version_notice(&versions, "2026-11-01").unwrap();
        assert!(notice.text.contains("older version"), "{}", notice.text);
    }

    #[test]
    fn bad_links_say_why_and_change_nothing() {
        let data = share::encode(&SharePayload::new(
            scenario(&[]).to_json(),
            FORMAT_VERSION,
            "d",
        ))
        .unwrap();
        let truncated = format!("#s={}", &data[..data.len() - 8]);
        for link in ["#s=abc!def", truncated.as_str(), "#s=hello-world"] {
            let outcome = open_link(None, link);
            assert!(outcome.actions.is_empty(), "{link}");
            assert_eq!(outcome.notice.level, NoticeLevel::Error);
            assert!(
                outcome.notice.text.contains("unchanged"),
                "{}",
                outcome.notice.text
            );
        }
        // A well-formed link whose scenario is not a scenario.
        let data = share::encode(&SharePayload::new("[1]", FORMAT_VERSION, "d")).unwrap();
        let outcome = open_link(None, &format!("#s={data}"));
        assert!(outcome.actions.is_empty());
        assert!(outcome.notice.text.contains("could not be opened"));
    }

    #[test]
    fn link_detection_and_view_names() {
        assert!(has_link("#s=abc"));
        assert!(has_link("#x=1&s=abc"));
        assert!(!has_link("#top"));
        assert!(!has_link(""));
        assert_eq!(view_from_link("policy"), Some(View::Workspace));
        assert_eq!(view_from_link("tests"), Some(View::Simulate));
        assert_eq!(view_from_link("share"), None);
        assert_eq!(view_from_link("findings"), Some(View::Findings));
    }

    #[test]
    fn notices_merge_to_the_most_severe() {
        let n = |level, text: &str| Notice {
            level,
            text: text.into(),
        };
        let merged = merge_notices(vec![
            n(NoticeLevel::Warning, "a."),
            n(NoticeLevel::Error, "b."),
        ])
        .unwrap();
        assert_eq!(merged.level, NoticeLevel::Error);
        assert_eq!(merged.text, "a. b.");
        assert_eq!(merge_notices(Vec::new()), None);
    }
}
