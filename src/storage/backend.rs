//! The browser's storage, chosen once: `localStorage` as a [`KeyValue`], with IndexedDB (the
//! `idb` crate) for the scenarios too large for it ([`Tiered`]), and memory as the fallback
//! when the browser allows no storage.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;

use idb::DatabaseEvent as _;
use wasm_bindgen::JsValue;

use super::slots::{KeyValue, MemoryStore, PREFIX, StorageError};
use super::tiered::{BlobStore, Done, Tiered};
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

/// The IndexedDB database and object store of the scenarios too large for `localStorage`.
const DB_NAME: &str = "iam-playground";
const DB_VERSION: u32 = 1;
const DB_STORE: &str = "scenarios";

/// Sends one outcome through a oneshot channel from whichever callback fires first.
fn first_of<T: 'static>() -> (
    impl Fn(T) + Clone + 'static,
    futures_channel::oneshot::Receiver<T>,
) {
    let (send, receive) = futures_channel::oneshot::channel();
    let send = Rc::new(RefCell::new(Some(send)));
    let fire = move |value: T| {
        if let Some(send) = send.borrow_mut().take() {
            let _ = send.send(value);
        }
    };
    (fire, receive)
}

/// Waits for an IndexedDB request: its result, or why it failed. The request (and the
/// callbacks it holds) lives until then.
async fn settle<R: idb::Request>(mut request: R) -> Result<JsValue, String> {
    let (fire, outcome) = first_of::<bool>();
    let on_error = fire.clone();
    request.on_success(move |_| fire(true));
    request.on_error(move |_| on_error(false));
    match outcome.await {
        Ok(true) => request.result().map_err(|e| e.to_string()),
        _ => Err(request
            .error()
            .ok()
            .flatten()
            .map_or_else(|| "no reason given".to_owned(), |e| e.message())),
    }
}

/// How a transaction ended.
enum Ended {
    Committed,
    /// Aborted, with the name of the error (`QuotaExceededError`), when there is one.
    Aborted(Option<String>),
}

/// Waits for a transaction to end.
async fn finish(mut tx: idb::Transaction) -> Ended {
    let (fire, outcome) = first_of::<bool>();
    let on_abort = fire.clone();
    let on_error = fire.clone();
    tx.on_complete(move |_| fire(true));
    tx.on_abort(move |_| on_abort(false));
    tx.on_error(move |_| on_error(false));
    match outcome.await {
        Ok(true) => Ended::Committed,
        _ => Ended::Aborted(tx.error().map(|e| e.name())),
    }
}

/// Opens (creating on first use) the playground's IndexedDB database.
async fn open_db() -> Result<idb::Database, String> {
    let factory = idb::Factory::new().map_err(|e| e.to_string())?;
    let mut request = factory
        .open(DB_NAME, Some(DB_VERSION))
        .map_err(|e| e.to_string())?;
    request.on_upgrade_needed(|event| {
        if let Ok(db) = event.database()
            && !db.store_names().iter().any(|n| n == DB_STORE)
        {
            let _ = db.create_object_store(DB_STORE, idb::ObjectStoreParams::new());
        }
    });
    let db = settle(request).await?;
    idb::Database::try_from(db).map_err(|e| e.to_string())
}

/// Reads the records of `keys` (the slots whose markers say they are in IndexedDB).
async fn read_records(db: &idb::Database, keys: &[String]) -> BTreeMap<String, Rc<str>> {
    let mut out = BTreeMap::new();
    let Ok(tx) = db.transaction(&[DB_STORE], idb::TransactionMode::ReadOnly) else {
        return out;
    };
    let Ok(store) = tx.object_store(DB_STORE) else {
        return out;
    };
    // Every read is asked for at once, while the transaction is surely active.
    let requests: Vec<_> = keys
        .iter()
        .filter_map(|key| {
            store
                .get(JsValue::from_str(key))
                .ok()
                .map(|r| (key.clone(), r))
        })
        .collect();
    for (key, request) in requests {
        if let Ok(value) = settle(request).await
            && let Some(text) = value.as_string()
        {
            out.insert(key, Rc::from(text));
        }
    }
    out
}

/// A write or a removal waiting for its turn.
enum Op {
    Put(String, Rc<str>, Done),
    Delete(String),
}

/// IndexedDB as a [`BlobStore`]: writes go through one queue, in order, a later write of the
/// same key superseding one that has not started.
#[derive(Default)]
struct IdbStore {
    db: Rc<RefCell<Option<Rc<idb::Database>>>>,
    queue: Rc<RefCell<VecDeque<Op>>>,
    running: Rc<Cell<bool>>,
}

impl IdbStore {
    fn push(&self, op: Op) {
        self.queue.borrow_mut().push_back(op);
        if self.running.replace(true) {
            return;
        }
        let (db, queue, running) = (
            Rc::clone(&self.db),
            Rc::clone(&self.queue),
            Rc::clone(&self.running),
        );
        wasm_bindgen_futures::spawn_local(async move {
            loop {
                let next = queue.borrow_mut().pop_front();
                let Some(op) = next else {
                    break;
                };
                let connection = db.borrow().clone();
                let connection = match connection {
                    Some(c) => c,
                    None => match open_db().await {
                        Ok(c) => {
                            let c = Rc::new(c);
                            *db.borrow_mut() = Some(Rc::clone(&c));
                            c
                        }
                        Err(reason) => {
                            if let Op::Put(_, _, done) = op {
                                done(Err(StorageError::Refused(reason)));
                            }
                            continue;
                        }
                    },
                };
                match op {
                    Op::Put(key, value, done) => {
                        let superseded = queue
                            .borrow()
                            .iter()
                            .any(|o| matches!(o, Op::Put(k, _, _) | Op::Delete(k) if *k == key));
                        if superseded {
                            // The later write reports its own outcome.
                            done(Ok(()));
                            continue;
                        }
                        done(put(&connection, &key, &value).await);
                    }
                    Op::Delete(key) => {
                        if let Ok(tx) =
                            connection.transaction(&[DB_STORE], idb::TransactionMode::ReadWrite)
                            && let Ok(store) = tx.object_store(DB_STORE)
                            && let Ok(request) = store.delete(JsValue::from_str(&key))
                        {
                            let ended = finish(tx).await;
                            drop(request);
                            let _ = ended;
                        }
                    }
                }
            }
            running.set(false);
        });
    }
}

/// One write, in its own transaction: done when the transaction commits.
async fn put(db: &idb::Database, key: &str, value: &str) -> Result<(), StorageError> {
    let refused = |e: idb::Error| StorageError::Refused(e.to_string());
    let tx = db
        .transaction(&[DB_STORE], idb::TransactionMode::ReadWrite)
        .map_err(refused)?;
    let store = tx.object_store(DB_STORE).map_err(refused)?;
    // The transaction's end says how the write went: committed, or aborted (a full quota).
    let request = store
        .put(&JsValue::from_str(value), Some(&JsValue::from_str(key)))
        .map_err(refused)?;
    let ended = finish(tx).await;
    drop(request);
    match ended {
        Ended::Committed => Ok(()),
        Ended::Aborted(Some(name))
            if name != "QuotaExceededError" && name != "NS_ERROR_DOM_QUOTA_REACHED" =>
        {
            Err(StorageError::Refused(name))
        }
        // A write transaction aborts without another reason when the origin's quota is used up.
        Ended::Aborted(_) => Err(StorageError::Full),
    }
}

impl BlobStore for IdbStore {
    fn put(&self, key: &str, value: Rc<str>, done: Done) {
        self.push(Op::Put(key.to_owned(), value, done));
    }

    fn delete(&self, key: &str) {
        self.push(Op::Delete(key.to_owned()));
    }
}

thread_local! {
    /// The backend, chosen once: `localStorage` with IndexedDB for large scenarios, or memory
    /// when the browser allows no storage.
    static BACKEND: RefCell<Option<Rc<Tiered>>> = const { RefCell::new(None) };
}

/// `localStorage`, when the browser allows it.
fn local_storage() -> Option<web_sys::Storage> {
    // Reading `localStorage` throws when storage is blocked (some private modes, sandboxed
    // iframes); its length is the cheapest read that proves it works.
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .filter(|s| s.length().is_ok())
}

/// Whether the browser offers IndexedDB.
fn has_indexed_db() -> bool {
    web_sys::window().is_some_and(|w| {
        js_sys::Reflect::get(&w, &JsValue::from_str("indexedDB")).is_ok_and(|v| v.is_object())
    })
}

/// Chooses the backend and reads the IndexedDB records the saved slots point to, before the
/// page reads its scenario. Without such slots nothing is awaited (IndexedDB opens on the
/// first large write), so most visits start as fast as before.
pub async fn init() {
    // Without `localStorage` the startup's `backend` call chooses memory and says so.
    let Some(storage) = local_storage() else {
        return;
    };
    let local: Rc<dyn KeyValue> = Rc::new(LocalStore(storage));
    let big = has_indexed_db().then(IdbStore::default);
    let marked = Tiered::marked_keys(&*local);
    let mut held = BTreeMap::new();
    if let Some(big) = &big
        && !marked.is_empty()
        && let Ok(db) = open_db().await
    {
        held = read_records(&db, &marked).await;
        *big.db.borrow_mut() = Some(Rc::new(db));
    }
    let big: Option<Rc<dyn BlobStore>> = big.map(|b| Rc::new(b) as Rc<dyn BlobStore>);
    set_backend(Rc::new(Tiered::new(local, big, held)));
}

/// Puts `tiered` in place as the page's backend (at startup, and in the tests).
pub fn set_backend(tiered: Rc<Tiered>) {
    BACKEND.with(|b| *b.borrow_mut() = Some(tiered));
}

/// Forgets the chosen backend, so the next use chooses again (the tests that put their own in
/// place hand the page's back this way).
pub fn reset_backend() {
    BACKEND.with(|b| b.borrow_mut().take());
}

/// The storage backend, and a notice when it had to fall back to memory.
pub fn backend() -> (Rc<Tiered>, Option<Notice>) {
    if let Some(kv) = BACKEND.with(|b| b.borrow().clone()) {
        return (kv, None);
    }
    let (kv, notice) = match local_storage() {
        Some(storage) => {
            let big: Option<Rc<dyn BlobStore>> =
                has_indexed_db().then(|| Rc::new(IdbStore::default()) as Rc<dyn BlobStore>);
            (
                Tiered::new(Rc::new(LocalStore(storage)), big, BTreeMap::new()),
                None,
            )
        }
        None => (
            Tiered::memory_only(Rc::new(MemoryStore::default())),
            Some(Notice {
                details: None,
                level: NoticeLevel::Warning,
                text: "This browser does not let the playground save anything (private browsing \
                       or blocked storage): your scenarios last only until you close this page. \
                       Export a scenario or copy its share link to keep it."
                    .to_owned(),
            }),
        ),
    };
    let kv = Rc::new(kv);
    set_backend(Rc::clone(&kv));
    (kv, notice)
}

/// The time now, in milliseconds since 1970.
pub(super) fn now() -> f64 {
    js_sys::Date::now()
}
