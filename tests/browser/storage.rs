//! Browser tests of local saving, share links opened at startup and the scenario switcher, run by
//! wasm-bindgen-test in headless Chromium against the real `localStorage`.

use crate::common::{self, HostedStore, clean_start, local, reset, set_hash};

use std::collections::BTreeMap;
use std::rc::Rc;

use iam_engine::scenario::{FORMAT_VERSION, Scenario, User};
use iam_engine::share::{self, SharePayload, ViewState};
use iam_playground_app::App;
use iam_playground_app::storage::{self, SLOT_PREFIX};
use iam_playground_app::store::{Action, NoticeLevel, StoreHandle, View};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use yew::prelude::*;

/// Autosaves the store's scenario and writes it out at once.
fn save_now(store: &StoreHandle) {
    storage::autosave(store);
    storage::flush_autosave();
}

/// Lets queued DOM events (a `<details>` element's `toggle`) fire, then renders.
async fn settle() {
    gloo::timers::future::TimeoutFuture::new(10).await;
    yew::scheduler::flush().await;
}

fn saved(name: &str) -> Option<String> {
    local().get_item(&format!("{SLOT_PREFIX}{name}")).unwrap()
}

fn link_for(scenario: &Scenario, view: ViewState) -> String {
    let payload =
        SharePayload::new(scenario.to_json(), FORMAT_VERSION, "2026-09-26").with_view(view);
    format!("#s={}", share::encode(&payload).unwrap())
}

#[derive(Properties, PartialEq)]
struct HarnessProps {
    /// Where the harness puts its store handle; one per mounted harness, so that an older
    /// harness re-rendering later never hands its store to a newer test.
    sink: HostedStore,
}

/// A component that starts the store like the app does and hands its handle to the test.
#[component]
fn Harness(props: &HarnessProps) -> Html {
    let store = use_reducer(storage::startup);
    props.sink.set(store.clone());
    html! {}
}

/// Mounts a harness (which runs `startup` like a page load) and returns its sink.
async fn harness() -> HostedStore {
    let sink = HostedStore::default();
    common::mount::<Harness>(HarnessProps { sink: sink.clone() });
    yew::scheduler::flush().await;
    sink
}

#[wasm_bindgen_test]
async fn autosave_writes_the_slot_and_startup_restores_it() {
    let _lock = clean_start().await;
    let sink = harness().await;
    let store = sink.current().await;
    assert_eq!(store.slot, storage::DEFAULT_NAME);
    iam_playground_app::store::edit(&store, "Add user alice", |s| {
        s.users.push(User::new("alice"));
        Ok(())
    })
    .unwrap();
    let store = sink.current().await;
    save_now(&store);
    assert!(saved(storage::DEFAULT_NAME).unwrap().contains("alice"));
    assert_eq!(
        local().get_item(storage::LAST_KEY).unwrap().as_deref(),
        Some(storage::DEFAULT_NAME)
    );
    let index = local().get_item(storage::INDEX_KEY).unwrap().unwrap();
    assert!(index.contains("\"updated\""), "{index}");

    // What a reload does.
    let restored = storage::startup();
    assert_eq!(restored.slot, storage::DEFAULT_NAME);
    assert_eq!(restored.scenario.users[0].name, "alice");
    assert_eq!(restored.notice, None);
}

#[wasm_bindgen_test]
async fn a_link_opens_as_an_unsaved_copy_and_leaves_the_fragment() {
    let _lock = clean_start().await;
    let sink = harness().await;
    let store = sink.current().await;
    save_now(&store);
    let mut linked = Scenario::new("111122223333");
    linked.title = "Linked demo".into();
    linked.users.push(User::new("bob"));
    set_hash(&link_for(
        &linked,
        ViewState {
            view: Some("simulate".into()),
            principal: Some("user/bob".into()),
            action: Some("s3:ListAllMyBuckets".into()),
            resource: Some("*".into()),
        },
    ));

    let opened = storage::startup();
    assert_eq!(opened.slot, "Linked demo");
    assert!(opened.unsaved_copy);
    assert_eq!(opened.view, View::Simulate);
    assert_eq!(opened.request.principal, "user/bob");
    assert_eq!(opened.scenario.users[0].name, "bob");
    assert_eq!(opened.notice.as_ref().unwrap().level, NoticeLevel::Info);
    // The fragment is gone, so a reload does not import the link again.
    assert_eq!(gloo::utils::window().location().hash().unwrap(), "");
    // Nothing was written for the link, and the local scenario is untouched.
    assert_eq!(saved("Linked demo"), None);
    assert!(saved(storage::DEFAULT_NAME).is_some());
    assert_eq!(
        storage::startup().slot,
        storage::DEFAULT_NAME,
        "a reload opens the local scenario again"
    );
}

#[wasm_bindgen_test]
async fn a_corrupt_link_says_why_and_keeps_local_work() {
    let _lock = clean_start().await;
    let sink = harness().await;
    let store = sink.current().await;
    iam_playground_app::store::edit(&store, "Add user carol", |s| {
        s.users.push(User::new("carol"));
        Ok(())
    })
    .unwrap();
    let store = sink.current().await;
    save_now(&store);
    let before = saved(storage::DEFAULT_NAME).unwrap();

    let good = link_for(&Scenario::new("111122223333"), ViewState::default());
    // Eight characters are six whole bytes: the checksum goes missing, not a base64 group.
    let truncated = good.get(..good.len() - 8).unwrap().to_owned();
    let mut tampered: Vec<char> = good.chars().collect();
    let middle = tampered.len() / 2;
    tampered[middle] = if tampered[middle] == 'A' { 'B' } else { 'A' };
    let tampered: String = tampered.into_iter().collect();
    let oversized = format!("#s={}", "A".repeat(share::MAX_LINK_CHARS + 1));
    for (link, words) in [
        ("#s=not*a*link".to_owned(), "damaged"),
        (truncated, "incomplete"),
        (tampered, "damaged"),
        (oversized, "too long"),
    ] {
        set_hash(&link);
        let opened = storage::startup();
        let notice = opened.notice.clone().unwrap();
        assert_eq!(notice.level, NoticeLevel::Error, "{}", notice.text);
        assert!(notice.text.contains(words), "{words}: {}", notice.text);
        assert_eq!(opened.slot, storage::DEFAULT_NAME);
        assert_eq!(opened.scenario.users[0].name, "carol");
        assert!(!opened.unsaved_copy);
        assert_eq!(saved(storage::DEFAULT_NAME).unwrap(), before);
    }
}

#[wasm_bindgen_test]
async fn keep_saves_a_linked_scenario_beside_the_local_one() {
    let _lock = clean_start().await;
    let sink = harness().await;
    let store = sink.current().await;
    save_now(&store);
    let mut linked = Scenario::new("111122223333");
    linked.title = storage::DEFAULT_NAME.into();
    set_hash(&link_for(&linked, ViewState::default()));
    // A second harness starts from the link, as a new page would.
    let sink = harness().await;
    let store = sink.current().await;
    assert!(store.unsaved_copy);
    assert_eq!(
        store.slot, "My scenario (2)",
        "the name never reuses a saved one"
    );
    save_now(&store);
    assert_eq!(
        saved("My scenario (2)"),
        None,
        "autosave skips an unsaved copy"
    );
    storage::keep(&store, &store.slot).unwrap();
    let store = sink.current().await;
    assert!(!store.unsaved_copy);
    assert!(saved("My scenario (2)").unwrap().contains("111122223333"));
    assert!(
        saved(storage::DEFAULT_NAME)
            .unwrap()
            .contains("123456789012")
    );
}

#[wasm_bindgen_test]
async fn a_damaged_index_and_an_unreadable_slot_give_notices_not_panics() {
    let _lock = clean_start().await;
    local()
        .set_item(
            &format!("{SLOT_PREFIX}Broken"),
            "{\"formatVersion\": 1, \"account\"",
        )
        .unwrap();
    local().set_item(storage::LAST_KEY, "Broken").unwrap();
    local()
        .set_item(storage::INDEX_KEY, "]]] not json")
        .unwrap();
    let opened = storage::startup();
    let notice = opened.notice.unwrap();
    assert_eq!(notice.level, NoticeLevel::Warning);
    assert!(notice.text.contains("rebuilt"), "{}", notice.text);
    assert!(notice.text.contains("could not be read"), "{}", notice.text);
    assert_eq!(opened.slot, storage::DEFAULT_NAME);
    // The unreadable text is still there for the user to deal with.
    assert_eq!(
        saved("Broken").unwrap(),
        "{\"formatVersion\": 1, \"account\""
    );
}

fn click(root: &web_sys::Element, selector: &str) {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector}"))
        .dyn_into::<web_sys::HtmlElement>()
        .unwrap()
        .click();
}

/// Types `name` into the open switcher's rename field and submits it.
async fn rename_to(root: &web_sys::Element, name: &str) {
    let input = root
        .query_selector("#scenario-name-input")
        .unwrap()
        .unwrap()
        .dyn_into::<web_sys::HtmlInputElement>()
        .unwrap();
    input.set_value(name);
    input
        .dispatch_event(&web_sys::InputEvent::new("input").unwrap())
        .unwrap();
    yew::scheduler::flush().await;
    click(root, ".rename-form button[type=submit]");
    yew::scheduler::flush().await;
}

#[wasm_bindgen_test]
async fn the_switcher_renames_creates_opens_and_deletes() {
    let _lock = clean_start().await;
    let root = common::mount::<App>(());
    yew::scheduler::flush().await;
    let name = || {
        root.query_selector(".scenario-name")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap()
    };
    assert_eq!(name(), storage::DEFAULT_NAME);

    // Rename.
    click(&root, ".scenario-summary");
    settle().await;
    rename_to(&root, "Bucket policies").await;
    assert_eq!(name(), "Bucket policies");
    assert!(saved("Bucket policies").is_some());
    assert_eq!(saved(storage::DEFAULT_NAME), None);

    // A new empty scenario; the renamed one stays listed.
    click(&root, ".scenario-new");
    settle().await;
    // The rename was written a moment ago, so this write may wait for the autosave interval.
    storage::flush_autosave();
    assert_eq!(name(), storage::DEFAULT_NAME);
    assert!(saved(storage::DEFAULT_NAME).is_some(), "autosaved");
    click(&root, ".scenario-summary");
    settle().await;
    assert!(
        root.query_selector(".slot[data-slot=\"Bucket policies\"]")
            .unwrap()
            .is_some()
    );

    // A taken name is refused beside the field, and nothing changes.
    rename_to(&root, "Bucket policies").await;
    let error = root.query_selector(".rename-form [role=alert]").unwrap();
    assert!(error.unwrap().text_content().unwrap().contains("already"));
    assert_eq!(name(), storage::DEFAULT_NAME);

    // Open the other one, then delete the empty one with a confirmation.
    click(&root, ".slot[data-slot=\"Bucket policies\"] .slot-open");
    yew::scheduler::flush().await;
    assert_eq!(name(), "Bucket policies");
    click(&root, ".scenario-summary");
    settle().await;
    click(&root, ".slot[data-slot=\"My scenario\"] .slot-delete");
    yew::scheduler::flush().await;
    assert!(
        saved(storage::DEFAULT_NAME).is_some(),
        "not before confirming"
    );
    click(
        &root,
        ".slot[data-slot=\"My scenario\"] .slot-delete-confirm",
    );
    yew::scheduler::flush().await;
    assert_eq!(saved(storage::DEFAULT_NAME), None);
    assert_eq!(name(), "Bucket policies");
}

#[wasm_bindgen_test]
async fn a_link_pasted_into_an_open_page_opens_too() {
    let _lock = clean_start().await;
    let sink = harness().await;
    let store = sink.current().await;
    save_now(&store);
    let mut linked = Scenario::new("444455556666");
    linked.title = "Pasted".into();
    set_hash(&link_for(&linked, ViewState::default()));
    storage::open_link_from_location(&store);
    let store = sink.current().await;
    assert_eq!(store.slot, "Pasted");
    assert!(store.unsaved_copy);
    assert_eq!(gloo::utils::window().location().hash().unwrap(), "");
    store.dispatch(Action::SetNotice(None));
}

#[wasm_bindgen_test]
async fn autosaving_a_megabyte_scenario_stays_quick() {
    use iam_engine::scenario::ManagedPolicy;
    let _lock = clean_start().await;
    let sink = harness().await;
    let store = sink.current().await;
    // A policy text of about 1 MB, as a large paste would make it.
    let statement = "{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::bucket/key\"},";
    let mut document = String::from("{\"Version\":\"2012-10-17\",\"Statement\":[");
    while document.len() < 1_000_000 {
        document.push_str(statement);
    }
    document.push_str("{}]}");
    iam_playground_app::store::edit(&store, "Paste", |s| {
        s.policies.push(ManagedPolicy::new("Big", document.clone()));
        Ok(())
    })
    .unwrap();
    let store = sink.current().await;
    let performance = gloo::utils::window().performance().unwrap();
    let start = performance.now();
    save_now(&store);
    let first = performance.now() - start;
    let start = performance.now();
    save_now(&store);
    let unchanged = performance.now() - start;
    let start = performance.now();
    let restored = storage::startup();
    let reload = performance.now() - start;
    wasm_bindgen_test::console_log!(
        "1 MB scenario: autosave {first:.1} ms, unchanged autosave {unchanged:.1} ms, startup {reload:.1} ms"
    );
    assert_eq!(restored.scenario.policies[0].document.len(), document.len());
    // Generous bounds for a debug build on a shared machine; the numbers are printed above.
    assert!(first < 1000.0, "autosave took {first} ms");
    assert!(unchanged < 1000.0, "unchanged autosave took {unchanged} ms");
    reset();
}

#[wasm_bindgen_test]
async fn a_burst_of_changes_is_written_together_and_flushed_on_demand() {
    let _lock = clean_start().await;
    let sink = harness().await;
    // Let the interval since any earlier write pass, so the first change is written at once.
    gloo::timers::future::TimeoutFuture::new(storage::AUTOSAVE_INTERVAL_MS + 20).await;
    for name in ["u1", "u2", "u3"] {
        let store = sink.current().await;
        iam_playground_app::store::edit(&store, "Add user", |s| {
            s.users.push(User::new(name));
            Ok(())
        })
        .unwrap();
        storage::autosave(&sink.current().await);
    }
    let text = saved(storage::DEFAULT_NAME).unwrap();
    assert!(text.contains("u1") && !text.contains("u3"), "{text}");
    // The trailing write comes by itself after the interval...
    gloo::timers::future::TimeoutFuture::new(storage::AUTOSAVE_INTERVAL_MS + 50).await;
    assert!(saved(storage::DEFAULT_NAME).unwrap().contains("u3"));
    // ...or at once when flushed (the page is hidden, another scenario opens).
    let store = sink.current().await;
    iam_playground_app::store::edit(&store, "Add user", |s| {
        s.users.push(User::new("u4"));
        Ok(())
    })
    .unwrap();
    storage::autosave(&sink.current().await);
    storage::flush_autosave();
    assert!(saved(storage::DEFAULT_NAME).unwrap().contains("u4"));
}

#[wasm_bindgen_test]
async fn a_link_from_older_aws_data_warns_once_the_catalog_is_known() {
    let _lock = clean_start().await;
    let payload = SharePayload::new(
        Scenario::new("111122223333").to_json(),
        FORMAT_VERSION,
        "2020-01-01",
    );
    set_hash(&format!("#s={}", share::encode(&payload).unwrap()));
    let sink = harness().await;
    let store = sink.current().await;
    assert_eq!(store.notice.as_ref().unwrap().level, NoticeLevel::Info);
    // What the switcher does when the catalog has loaded.
    storage::check_link_data_version(&store, "2026-09-26");
    let store = sink.current().await;
    let notice = store.notice.clone().unwrap();
    assert_eq!(notice.level, NoticeLevel::Warning);
    assert!(
        notice
            .text
            .contains("an older version of the playground (AWS data 2020-01-01, here 2026-09-26)"),
        "{}",
        notice.text
    );
    // Only once per link.
    store.dispatch(Action::SetNotice(None));
    storage::check_link_data_version(&sink.current().await, "2026-09-26");
    assert_eq!(sink.current().await.notice, None);
}

#[wasm_bindgen_test]
fn height_messages_are_read_strictly() {
    use iam_playground_app::components::embed::height_from_message;
    let message = |kind: &str, height: wasm_bindgen::JsValue| {
        let object = js_sys::Object::new();
        js_sys::Reflect::set(&object, &"type".into(), &kind.into()).unwrap();
        js_sys::Reflect::set(&object, &"height".into(), &height).unwrap();
        wasm_bindgen::JsValue::from(object)
    };
    assert_eq!(
        height_from_message(&message("iam-playground:height", 612.2.into())),
        Some(613)
    );
    assert_eq!(height_from_message(&message("other", 612.0.into())), None);
    assert_eq!(
        height_from_message(&message("iam-playground:height", "612".into())),
        None
    );
    assert_eq!(
        height_from_message(&message("iam-playground:height", f64::NAN.into())),
        None
    );
    assert_eq!(height_from_message(&"iam-playground:height".into()), None);
}

/// Fires the `storage` event another tab's write fires in this one.
fn storage_event_from_another_tab(key: &str, new_value: Option<&str>) {
    let init = web_sys::StorageEventInit::new();
    init.set_key(Some(key));
    init.set_new_value(new_value);
    let event = web_sys::StorageEvent::new_with_event_init_dict("storage", &init).unwrap();
    gloo::utils::window().dispatch_event(&event).unwrap();
}

#[wasm_bindgen_test]
async fn another_tab_s_save_is_shown_here_as_an_undoable_step() {
    let _lock = clean_start().await;
    let sink = harness().await;
    let store = sink.current().await;
    save_now(&store);
    storage::follow_other_tabs(&store);
    let mine = (*store.scenario).clone();
    let slot = store.slot.clone();

    // The other tab adds a user and saves.
    let mut theirs = mine.clone();
    theirs.add_user(User::new("from-the-other-tab")).unwrap();
    let text = theirs.to_json();
    local()
        .set_item(&format!("{SLOT_PREFIX}{slot}"), &text)
        .unwrap();
    storage_event_from_another_tab(&format!("{SLOT_PREFIX}{slot}"), Some(&text));
    let store = sink.current().await;
    assert_eq!(*store.scenario, theirs);
    let notice = store.notice.clone().unwrap();
    assert!(
        notice.text.contains("changed in another tab"),
        "{}",
        notice.text
    );
    // Autosaving after following it leaves exactly what the other tab wrote in the slot.
    save_now(&store);
    assert_eq!(saved(&slot).unwrap(), text);

    // Undo brings this tab's version back, and saves it for the other tab to follow.
    store.dispatch(Action::Undo);
    let store = sink.current().await;
    assert_eq!(*store.scenario, mine);
    save_now(&store);
    assert_eq!(Scenario::from_json(&saved(&slot).unwrap()).unwrap(), mine);

    // Another slot's write changes nothing here; a removal of this one is a warning.
    storage_event_from_another_tab(&format!("{SLOT_PREFIX}elsewhere"), Some(&text));
    assert_eq!(*sink.current().await.scenario, mine);
    storage_event_from_another_tab(&format!("{SLOT_PREFIX}{slot}"), None);
    let store = sink.current().await;
    assert_eq!(store.notice.clone().unwrap().level, NoticeLevel::Warning);
    assert_eq!(*store.scenario, mine);
    store.dispatch(Action::SetNotice(None));
}

// --- Large scenarios: IndexedDB, and what a full quota does ---

/// Hands the page's own storage backend back when a test that put another in place ends.
struct PageBackend;

impl Drop for PageBackend {
    fn drop(&mut self) {
        storage::reset_backend();
    }
}

/// A scenario whose JSON is longer than what the page keeps in `localStorage`.
fn large_scenario() -> Scenario {
    let mut s = Scenario::new("111122223333");
    s.title = "Large account".into();
    for i in 0..10_000 {
        s.users.push(User::new(format!(
            "user-with-a-rather-long-name-for-the-size-test-{i}"
        )));
    }
    assert!(s.to_json().len() > storage::LOCAL_MAX_BYTES);
    s
}

#[wasm_bindgen_test]
async fn a_large_scenario_is_saved_in_indexeddb_and_restored_after_a_reload() {
    let _lock = clean_start().await;
    let _page = PageBackend;
    storage::reset_backend();
    storage::init().await;
    let sink = harness().await;
    // The small scenario the page starts with is saved first, in localStorage.
    save_now(&sink.current().await);
    let large = large_scenario();
    storage::open_as_new(&sink.current().await, large.clone(), "Large account");
    let store = sink.current().await;
    assert_eq!(store.slot, "Large account");
    save_now(&store);
    let (place, bytes) = storage::where_saved("Large account").unwrap();
    assert_eq!(place, storage::Place::IndexedDb);
    assert_eq!(bytes, large.to_json().len());
    assert_eq!(
        storage::describe_place(place, bytes),
        format!(
            "{} · saved in this browser's IndexedDB",
            iam_playground_app::text::megabytes(bytes as f64)
        )
    );
    // localStorage holds only a marker; small scenarios stay there as before.
    assert!(saved("Large account").unwrap().starts_with(storage::MARKER));
    assert!(
        !saved(storage::DEFAULT_NAME)
            .unwrap()
            .starts_with(storage::MARKER)
    );
    assert_eq!(
        storage::where_saved(storage::DEFAULT_NAME).map(|p| p.0),
        Some(storage::Place::LocalStorage)
    );

    // A reload: the page reads the IndexedDB records before it starts (once the write is done).
    let mut restored = None;
    for _ in 0..200 {
        gloo::timers::future::TimeoutFuture::new(20).await;
        storage::reset_backend();
        storage::init().await;
        if let Ok(s) = storage::read_slot("Large account") {
            restored = Some(s);
            break;
        }
    }
    assert_eq!(restored.as_ref(), Some(&large));
    let reloaded = storage::startup();
    assert_eq!(reloaded.slot, "Large account");
    assert_eq!(*reloaded.scenario, large);
    assert_eq!(reloaded.notice, None);

    // Deleting it removes the marker (and the record).
    storage::delete(&sink.current().await, "Large account");
    assert_eq!(saved("Large account"), None);
}

#[wasm_bindgen_test]
async fn a_full_quota_keeps_the_saved_version_and_the_user_keeps_working() {
    let _lock = clean_start().await;
    let _page = PageBackend;
    let large = large_scenario();
    // Room for this scenario and not much more, like a browser's quota.
    let blobs = Rc::new(storage::MemoryBlobs::with_capacity(
        large.to_json().len() + 1_000,
    ));
    let big: Rc<dyn storage::BlobStore> = blobs.clone();
    storage::set_backend(Rc::new(storage::Tiered::new(
        Rc::new(storage::MemoryStore::default()),
        Some(big),
        BTreeMap::new(),
    )));
    let sink = harness().await;
    storage::open_as_new(&sink.current().await, large.clone(), "Account");
    save_now(&sink.current().await);
    assert_eq!(
        storage::where_saved("Account").map(|p| p.0),
        Some(storage::Place::IndexedDb)
    );

    // The account grows past the quota.
    iam_playground_app::store::edit(&sink.current().await, "Add users", |s| {
        for i in 0..200 {
            s.users.push(User::new(format!("extra-user-{i}")));
        }
        Ok(())
    })
    .unwrap();
    let store = sink.current().await;
    save_now(&store);
    let store = sink.current().await;
    let notice = store.notice.clone().expect("the failure is said");
    assert_eq!(notice.level, NoticeLevel::Error);
    assert!(
        notice.text.contains("Could not save “Account”"),
        "{}",
        notice.text
    );
    assert!(notice.text.contains("full"), "{}", notice.text);
    // The page keeps the user's work, and the saved version is the last one that fit.
    assert!(store.scenario.user("extra-user-0").is_some());
    assert_eq!(storage::read_slot("Account").unwrap(), large);
    assert_eq!(
        storage::where_saved("Account"),
        Some((storage::Place::IndexedDb, large.to_json().len()))
    );

    // Once it fits again (the user removes what they added), saving works and says so.
    iam_playground_app::store::edit(&store, "Remove users", |s| {
        s.users.retain(|u| !u.name.starts_with("extra-user-"));
        s.users.pop();
        Ok(())
    })
    .unwrap();
    let store = sink.current().await;
    save_now(&store);
    let store = sink.current().await;
    let notice = store.notice.clone().unwrap();
    assert_eq!(notice.level, NoticeLevel::Info, "{}", notice.text);
    assert!(
        notice.text.contains("saved in this browser again"),
        "{}",
        notice.text
    );
    assert_eq!(
        storage::read_slot("Account").unwrap().users.len(),
        large.users.len() - 1
    );
}
