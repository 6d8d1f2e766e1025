//! Browser tests of the workspace canvas: cards, chips and drawn links for a scenario, and the
//! edits its controls make (add, rename refusals, pickers, drag and drop, delete) read back from
//! the store. Run by wasm-bindgen-test in headless Chromium.

use crate::common;

use std::rc::Rc;

use iam_engine::scenario::{Group, PolicyRef, Scenario, User};
use iam_playground_app::components::workspace::canvas::Canvas;
use iam_playground_app::store::{Store, StoreHandle};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen_test::wasm_bindgen_test;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
struct HostProps {
    scenario: Rc<Scenario>,
}

/// The canvas with a store of its own, and the store's scenario written out so a test can read
/// back what an edit did.
#[component]
fn Host(props: &HostProps) -> Html {
    let store = use_reducer(|| Store::new((*props.scenario).clone(), "Test".into()));
    html! {
        <ContextProvider<StoreHandle> context={store.clone()}>
            <Canvas />
            <pre class="probe-scenario">{ store.scenario.to_json() }</pre>
            <pre class="probe-selection">{ format!("{:?}", store.selection.target) }</pre>
        </ContextProvider<StoreHandle>>
    }
}

fn mount(scenario: Scenario) -> web_sys::Element {
    common::mount::<Host>(HostProps {
        scenario: Rc::new(scenario),
    })
}

/// Lets Yew render and the canvas's zero-delay focus moves run.
async fn settle() {
    yew::scheduler::flush().await;
    gloo::timers::future::TimeoutFuture::new(5).await;
    yew::scheduler::flush().await;
}

fn find(root: &web_sys::Element, selector: &str) -> web_sys::HtmlElement {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("nothing matches {selector}"))
        .dyn_into()
        .unwrap()
}

fn scenario_of(root: &web_sys::Element) -> Scenario {
    let text = find(root, ".probe-scenario").text_content().unwrap();
    Scenario::from_json(&text).unwrap()
}

fn texts(root: &web_sys::Element, selector: &str) -> Vec<String> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().text_content().unwrap())
        .collect()
}

#[wasm_bindgen(inline_js = "
export function fire_event(el, kind) {
  el.dispatchEvent(new Event(kind, { bubbles: true, cancelable: true }));
}
export function fire_key(el, key) {
  el.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
}
")]
extern "C" {
    /// Dispatches a bubbling, cancelable event of this type (Yew listens at the app's root).
    fn fire_event(el: &web_sys::HtmlElement, kind: &str);
    /// Dispatches a bubbling `keydown` of this key.
    fn fire_key(el: &web_sys::HtmlElement, key: &str);
}

/// Types into an input the way a user does: set the value, fire `input`.
fn type_into(input: &web_sys::HtmlElement, text: &str) {
    input
        .clone()
        .dyn_into::<web_sys::HtmlInputElement>()
        .unwrap()
        .set_value(text);
    fire_event(input, "input");
}

fn key(target: &web_sys::HtmlElement, key: &str) {
    fire_key(target, key);
}

fn fire(target: &web_sys::HtmlElement, kind: &str) {
    fire_event(target, kind);
}

fn admin_setup() -> Scenario {
    let mut s = Scenario::new("123456789012");
    let mut group = Group::new("administrators");
    group
        .managed_policies
        .push(PolicyRef::aws("AdministratorAccess"));
    s.groups.push(group);
    let mut user = User::new("admin");
    user.groups.push("administrators".into());
    user.managed_policies
        .push(PolicyRef::aws("IAMUserChangePassword"));
    s.users.push(user);
    s
}

#[wasm_bindgen_test]
async fn an_empty_scenario_shows_the_empty_state_and_every_lane() {
    let root = mount(Scenario::new("123456789012"));
    settle().await;
    assert!(
        find(&root, ".canvas-empty")
            .text_content()
            .unwrap()
            .contains("Start by adding a user or a group, or open an example")
    );
    assert_eq!(
        texts(&root, ".lane").len(),
        6,
        "users, groups, roles, policies, AWS-managed, resources"
    );
    assert!(
        root.query_selector("[data-card=\"root\"]")
            .unwrap()
            .is_some()
    );
    assert_eq!(texts(&root, ".links-layer path").len(), 0);
}

#[wasm_bindgen_test]
async fn cards_write_out_their_links_and_the_layer_draws_them() {
    let root = mount(admin_setup());
    settle().await;
    let mut user = texts(&root, "[data-card=\"user:admin\"] .chip-text");
    user.sort();
    assert_eq!(user, ["IAMUserChangePassword", "in administrators"]);
    let mut group = texts(&root, "[data-card=\"group:administrators\"] .chip-text");
    group.sort();
    assert_eq!(group, ["AdministratorAccess", "member admin"]);
    assert_eq!(
        texts(
            &root,
            "[data-card=\"aws:arn:aws:iam::aws:policy/AdministratorAccess\"] .chip-text"
        ),
        ["on group administrators"]
    );
    assert!(root.query_selector(".canvas-empty").unwrap().is_none());
    // The lines are measured after the first render.
    for _ in 0..50 {
        if root
            .query_selector_all(".links-layer path")
            .unwrap()
            .length()
            == 3
        {
            break;
        }
        settle().await;
    }
    // SVG paths are not HTML elements, so they are read as plain elements.
    let member = root
        .query_selector(
            ".links-layer path[data-link=\"member\"][data-from=\"user:admin\"][data-to=\"group:administrators\"]",
        )
        .unwrap()
        .expect("the membership is drawn");
    assert!(member.get_attribute("d").unwrap().starts_with('M'));
    assert_eq!(
        root.query_selector_all(".links-layer path")
            .unwrap()
            .length(),
        3
    );
}

#[wasm_bindgen_test]
async fn adding_refuses_a_bad_name_with_the_engine_message_then_adds_and_selects() {
    let root = mount(Scenario::new("123456789012"));
    settle().await;
    find(&root, "[data-action=\"add-user\"]").click();
    settle().await;
    let input = find(&root, "[data-lane=\"users\"] .add-input");
    type_into(&input, "no spaces");
    settle().await;
    key(&input, "Enter");
    settle().await;
    let alert = find(&root, "[data-lane=\"users\"] [role=\"alert\"]");
    assert!(
        alert
            .text_content()
            .unwrap()
            .contains("may contain only letters, digits")
    );
    let input = find(&root, "[data-lane=\"users\"] .add-input");
    assert_eq!(
        input
            .dyn_ref::<web_sys::HtmlInputElement>()
            .unwrap()
            .value(),
        "no spaces",
        "the typed text stays"
    );
    assert!(scenario_of(&root).users.is_empty());

    type_into(&input, "alice");
    settle().await;
    find(&root, "[data-lane=\"users\"] [data-action=\"add-confirm\"]").click();
    settle().await;
    assert_eq!(scenario_of(&root).users.len(), 1);
    assert!(
        root.query_selector("[data-card=\"user:alice\"]")
            .unwrap()
            .is_some()
    );
    assert!(
        find(&root, ".probe-selection")
            .text_content()
            .unwrap()
            .contains("alice"),
        "the new user is selected for the inspector"
    );
    assert_eq!(
        gloo::utils::document()
            .active_element()
            .and_then(|e| e.get_attribute("data-card")),
        Some("user:alice".to_owned()),
        "the new card takes the focus"
    );
    // The empty account's canvas handed the status line over to the board.
    assert_eq!(
        find(&root, ".canvas-status").text_content().unwrap(),
        "Added user alice."
    );
    assert!(root.query_selector(".canvas-empty").unwrap().is_none());
}

/// Opens the admin card's picker behind `action`, types `text` into it, and returns its input.
async fn pick_in_admin_card(
    root: &web_sys::Element,
    action: &str,
    text: &str,
) -> web_sys::HtmlElement {
    find(
        root,
        &format!("[data-card=\"user:admin\"] [data-action=\"{action}\"]"),
    )
    .click();
    settle().await;
    let input = find(root, "[data-card=\"user:admin\"] .picker-input");
    type_into(&input, text);
    settle().await;
    input
}

#[wasm_bindgen_test]
async fn pickers_add_memberships_and_attach_policies_by_name() {
    let mut s = Scenario::new("123456789012");
    s.users.push(User::new("admin"));
    s.groups.push(Group::new("administrators"));
    s.groups.push(Group::new("developers"));
    let root = mount(s);
    settle().await;
    let input = pick_in_admin_card(&root, "add-to-group", "admin").await;
    assert_eq!(
        texts(&root, "[data-card=\"user:admin\"] .picker-label"),
        ["administrators"],
        "typing filters the list"
    );
    key(&input, "Enter");
    settle().await;
    assert_eq!(scenario_of(&root).users[0].groups, ["administrators"]);

    // Without the AWS-managed policy list (not loaded here) the typed name is offered as is.
    let input = pick_in_admin_card(&root, "attach-policy", "IAMUserChangePassword").await;
    key(&input, "Enter");
    settle().await;
    assert_eq!(
        scenario_of(&root).users[0].managed_policies,
        [PolicyRef::aws("IAMUserChangePassword")]
    );
    // The same pick again is refused by the engine, shown beside the picker.
    let input = pick_in_admin_card(&root, "attach-policy", "IAMUserChangePassword").await;
    assert!(
        texts(&root, "[data-card=\"user:admin\"] .picker-option").is_empty(),
        "an attached policy is not offered again"
    );
    key(&input, "Escape");
    settle().await;
    assert!(root.query_selector(".picker").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn dropping_a_user_on_a_group_adds_the_membership() {
    let mut s = Scenario::new("123456789012");
    s.users.push(User::new("admin"));
    s.groups.push(Group::new("administrators"));
    let root = mount(s);
    settle().await;
    let user = find(&root, "[data-card=\"user:admin\"]");
    assert_eq!(user.get_attribute("draggable").as_deref(), Some("true"));
    fire(&user, "dragstart");
    settle().await;
    let group = find(&root, "[data-card=\"group:administrators\"]");
    assert!(
        group
            .get_attribute("class")
            .unwrap()
            .split(' ')
            .any(|c| c == "drop-ok"),
        "the group shows it is a target"
    );
    assert!(
        group
            .text_content()
            .unwrap()
            .contains("Drop to add to this group")
    );
    fire(&group, "dragenter");
    fire(&group, "dragover");
    fire(&group, "drop");
    fire(&user, "dragend");
    settle().await;
    assert_eq!(scenario_of(&root).users[0].groups, ["administrators"]);
    assert!(
        find(&root, ".canvas-status")
            .text_content()
            .unwrap()
            .contains("Added user admin to group administrators")
    );
}

#[wasm_bindgen_test]
async fn delete_key_asks_then_deletes_and_removes_references() {
    let root = mount(admin_setup());
    settle().await;
    let group = find(&root, "[data-card=\"group:administrators\"]");
    group.focus().unwrap();
    key(&group, "Delete");
    settle().await;
    let confirm = find(
        &root,
        "[data-card=\"group:administrators\"] [data-action=\"confirm-delete\"]",
    );
    assert_eq!(
        scenario_of(&root).groups.len(),
        1,
        "nothing deleted before the confirmation"
    );
    confirm.click();
    settle().await;
    let s = scenario_of(&root);
    assert!(s.groups.is_empty());
    assert!(
        s.users[0].groups.is_empty(),
        "the membership went with the group"
    );
    assert!(
        root.query_selector("[data-card=\"group:administrators\"]")
            .unwrap()
            .is_none()
    );
}

#[wasm_bindgen_test]
async fn rename_refuses_a_duplicate_name_and_keeps_the_text() {
    let mut s = admin_setup();
    s.users.push(User::new("bob"));
    let root = mount(s);
    settle().await;
    let card = find(&root, "[data-card=\"user:bob\"]");
    key(&card, "F2");
    settle().await;
    let input = find(&root, "[data-card=\"user:bob\"] .rename-input");
    type_into(&input, "ADMIN");
    settle().await;
    key(&input, "Enter");
    settle().await;
    assert!(
        find(&root, "[data-card=\"user:bob\"] [role=\"alert\"]")
            .text_content()
            .unwrap()
            .contains("already exists")
    );
    type_into(&input, "carol");
    settle().await;
    key(&input, "Enter");
    settle().await;
    let s = scenario_of(&root);
    assert_eq!(s.users[1].name, "carol");
    assert!(
        root.query_selector("[data-card=\"user:carol\"]")
            .unwrap()
            .is_some()
    );
}

#[wasm_bindgen_test]
async fn a_large_account_renders_and_highlights_in_bounded_time() {
    // 1,000 users in 50 groups, 100 customer policies: far beyond a teaching scenario.
    let mut s = Scenario::new("123456789012");
    for g in 0..50 {
        let mut group = Group::new(format!("group{g}"));
        group
            .managed_policies
            .push(PolicyRef::aws("ReadOnlyAccess"));
        s.groups.push(group);
    }
    for p in 0..100 {
        s.policies.push(iam_engine::scenario::ManagedPolicy::new(
            format!("policy{p}"),
            "{}",
        ));
    }
    for u in 0..1000 {
        let mut user = User::new(format!("user{u}"));
        user.groups.push(format!("group{}", u % 50));
        user.managed_policies
            .push(PolicyRef::customer(&format!("policy{}", u % 100)));
        s.users.push(user);
    }
    let performance = web_sys::window().unwrap().performance().unwrap();
    let start = performance.now();
    let root = mount(s);
    settle().await;
    let rendered = performance.now() - start;
    // The lane is windowed: the page shows the canvas's top, so the first users are mounted,
    // not the thousand.
    let top = root.get_bounding_client_rect().top() + gloo::utils::window().scroll_y().unwrap();
    gloo::utils::window().scroll_to_with_x_and_y(0.0, top);
    gloo::timers::future::TimeoutFuture::new(50).await;
    settle().await;
    let users: Vec<String> = {
        let list = root.query_selector_all(".lane-users [data-card]").unwrap();
        (0..list.length())
            .map(|i| {
                list.item(i)
                    .unwrap()
                    .dyn_into::<web_sys::Element>()
                    .unwrap()
                    .get_attribute("data-card")
                    .unwrap()
            })
            .collect()
    };
    assert!(
        users.contains(&"user:user0".to_owned()) && users.len() < 200,
        "{} user cards mounted",
        users.len()
    );
    let start = performance.now();
    fire(&find(&root, "[data-card=\"group:group0\"]"), "mouseenter");
    settle().await;
    let highlighted = performance.now() - start;
    // The group's mounted members and its policy light up.
    let members = users
        .iter()
        .filter(|k| k.trim_start_matches("user:user").parse::<usize>().unwrap() % 50 == 0)
        .count();
    assert!(members >= 1, "user0 is mounted");
    assert_eq!(
        root.query_selector_all(".card.linked").unwrap().length() as usize,
        members + 1,
        "the group's mounted members and its policy light up"
    );
    gloo::console::log!(format!(
        "large account: first render {rendered:.0} ms, highlight {highlighted:.0} ms"
    ));
    // Generous bounds for a debug build on a busy machine: they catch work that grows with the
    // square of the account (seconds turning into minutes), not a few milliseconds.
    assert!(rendered < 20000.0, "first render took {rendered:.0} ms");
    assert!(
        highlighted < 5000.0,
        "highlighting took {highlighted:.0} ms"
    );
}
