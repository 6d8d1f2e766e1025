//! The browser's `localStorage` as a [`KeyValue`], chosen once, with memory as the fallback
//! when the browser allows no storage.

use std::cell::RefCell;
use std::rc::Rc;

use super::slots::{KeyValue, MemoryStore, PREFIX, StorageError};
use crate::store::{Notice, NoticeLevel};

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
}

/// The storage backend, and a notice when it had to fall back to memory.
pub(super) fn backend() -> (Rc<dyn KeyValue>, Option<Notice>) {
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

/// The time now, in milliseconds since 1970.
pub(super) fn now() -> f64 {
    js_sys::Date::now()
}
