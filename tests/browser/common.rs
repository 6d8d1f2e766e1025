//! Helpers the app's browser tests share: mounting a component into a fresh element, a host
//! that provides a store for one scenario and hands that store to the test that mounted it,
//! waiting for the page to render, and firing the events a user's clicks and typing fire.
//!
//! It also keeps tests that use the page's `localStorage` and fragment from overlapping.

use std::cell::RefCell;
use std::rc::Rc;

use iam_engine::catalog::{Catalog, ManagedPolicies};
use iam_engine::scenario::Scenario;
use iam_playground_app::storage::PREFIX;
use iam_playground_app::store::{Selection, Store, StoreHandle};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

/// The action catalog the app serves, for tests that need the real catalog.
pub const CATALOG: &str = include_str!("../../static/data/iam-catalog.txt");
/// The AWS-managed policies the app serves.
pub const MANAGED: &str = include_str!("../../static/data/managed-policies.txt");

thread_local! {
    /// The parsed assets, shared by the tests (parsing them takes a moment).
    static ASSETS: RefCell<Option<(Rc<Catalog>, Rc<ManagedPolicies>)>> = const { RefCell::new(None) };
}

/// The parsed catalog and AWS-managed policies, parsed on first use.
pub fn assets() -> (Rc<Catalog>, Rc<ManagedPolicies>) {
    ASSETS.with(|a| {
        a.borrow_mut()
            .get_or_insert_with(|| {
                (
                    Rc::new(Catalog::parse(CATALOG).unwrap()),
                    Rc::new(ManagedPolicies::parse(MANAGED).unwrap()),
                )
            })
            .clone()
    })
}

/// Renders component `C` with `props` into a fresh `<div>` appended to the page, and returns
/// that element.
pub fn mount<C>(props: C::Properties) -> Element
where
    C: BaseComponent,
{
    let document = gloo::utils::document();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<C>::with_root_and_props(root.clone(), props).render();
    root
}

/// The store of one mounted [`StoreHost`], for its test alone: each host writes its store's
/// latest handle here whenever it renders, so a test never reads the store of a host another
/// test mounted (tests share one page and may interleave at their await points).
#[derive(Clone, Default)]
pub struct HostedStore(Rc<RefCell<Option<StoreHandle>>>);

impl PartialEq for HostedStore {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl HostedStore {
    /// The store as its host last rendered it.
    pub fn get(&self) -> StoreHandle {
        self.0
            .borrow()
            .clone()
            .expect("the store host has not rendered yet")
    }

    /// The store after pending renders.
    pub async fn current(&self) -> StoreHandle {
        yew::scheduler::flush().await;
        self.get()
    }

    /// Keeps `handle` as the host's store; a host calls it whenever it renders.
    pub fn set(&self, handle: StoreHandle) {
        *self.0.borrow_mut() = Some(handle);
    }
}

/// The properties of [`StoreHost`].
#[derive(Properties, PartialEq)]
pub struct StoreHostProps {
    /// The scenario the store starts with.
    pub scenario: Rc<Scenario>,
    /// The selection the store starts with.
    #[prop_or_default]
    pub selection: Selection,
    /// Where the host puts its store's handle.
    pub store: HostedStore,
    /// Whether the store is a read-only embed's (it refuses scenario changes).
    #[prop_or_default]
    pub read_only: bool,
    /// The view under test, rendered inside the store's context.
    pub children: Html,
}

/// Provides a store holding the given scenario and selection to its children, and hands the
/// store's handle to the test through [`StoreHostProps::store`].
#[component]
pub fn StoreHost(props: &StoreHostProps) -> Html {
    let store = use_reducer({
        let (scenario, selection) = (props.scenario.clone(), props.selection.clone());
        let read_only = props.read_only;
        move || {
            let mut store = Store::new((*scenario).clone(), "Test".to_owned());
            store.selection = selection;
            store.read_only = read_only;
            store
        }
    });
    props.store.set(store.clone());
    html! {
        <ContextProvider<StoreHandle> context={store}>
            { props.children.clone() }
        </ContextProvider<StoreHandle>>
    }
}

/// Mounts `view` inside a [`StoreHost`] for `scenario` and `selection`, renders once, and
/// returns the root element with the handle to this host's store.
pub async fn mount_with_store(
    scenario: Scenario,
    selection: Selection,
    view: Html,
) -> (Element, HostedStore) {
    let store = HostedStore::default();
    let root = mount::<StoreHost>(StoreHostProps {
        scenario: Rc::new(scenario),
        selection,
        store: store.clone(),
        read_only: false,
        children: view,
    });
    yew::scheduler::flush().await;
    (root, store)
}

/// Waits (polling, never sleeping blindly) until `selector` matches inside `root`, or fails
/// after about one and a half seconds of timers.
pub async fn find(root: &Element, selector: &str) -> Element {
    for _ in 0..300 {
        yew::scheduler::flush().await;
        if let Some(el) = root.query_selector(selector).unwrap() {
            return el;
        }
        gloo::timers::future::TimeoutFuture::new(5).await;
    }
    panic!("nothing matched {selector}");
}

/// Lets Yew render and the timers a view starts (focus moves, debounces) run.
pub async fn settle() {
    for _ in 0..3 {
        yew::scheduler::flush().await;
        gloo::timers::future::TimeoutFuture::new(5).await;
    }
}

/// Clicks an element, then lets the page settle.
pub async fn click(el: &Element) {
    el.dyn_ref::<HtmlElement>().unwrap().click();
    settle().await;
}

/// Types `text` into an input or textarea the way a user's paste does: value, then `input`,
/// then lets the page settle.
pub async fn type_into(el: &Element, text: &str) {
    if let Some(input) = el.dyn_ref::<HtmlInputElement>() {
        input.set_value(text);
    } else if let Some(area) = el.dyn_ref::<HtmlTextAreaElement>() {
        area.set_value(text);
    }
    let event = web_sys::InputEvent::new("input").unwrap();
    el.dispatch_event(&event).unwrap();
    settle().await;
}

// --- The page's storage and fragment, one test at a time ---

pub fn local() -> web_sys::Storage {
    gloo::utils::window().local_storage().unwrap().unwrap()
}

thread_local! {
    /// Whether a test holds the page's storage (see [`exclusive`]).
    static BUSY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Releases the storage lock when a test ends, even when it fails.
pub struct Exclusive;

impl Drop for Exclusive {
    fn drop(&mut self) {
        BUSY.with(|b| b.set(false));
    }
}

/// Waits until no other test uses the page's storage and fragment: asynchronous tests may
/// interleave at their await points, and they all share one `localStorage`.
pub async fn exclusive() -> Exclusive {
    while BUSY.with(|b| b.replace(true)) {
        gloo::timers::future::TimeoutFuture::new(5).await;
    }
    Exclusive
}

/// Takes the page's storage for this test (see [`exclusive`]) and clears it: every test that
/// mounts the app, which reads and writes `localStorage` and the fragment, starts with it.
pub async fn clean_start() -> Exclusive {
    let lock = exclusive().await;
    // A write an earlier test's app still has pending lands now, before the clearing.
    iam_playground_app::storage::flush_autosave();
    reset();
    lock
}

/// Removes every key the playground wrote, and any fragment, so each test starts clean.
pub fn reset() {
    let storage = local();
    let keys: Vec<String> = (0..storage.length().unwrap())
        .filter_map(|i| storage.key(i).unwrap())
        .filter(|k| k.starts_with(PREFIX))
        .collect();
    for key in keys {
        storage.remove_item(&key).unwrap();
    }
    set_hash("");
}

pub fn set_hash(hash: &str) {
    let window = gloo::utils::window();
    let location = window.location();
    let url = format!(
        "{}{}{}",
        location.pathname().unwrap(),
        location.search().unwrap(),
        hash
    );
    window
        .history()
        .unwrap()
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url))
        .unwrap();
}
