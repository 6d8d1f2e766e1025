//! Browser tests of the workspace at a real account's size: the lanes mount only the cards in
//! or near the viewport (spacers stand for the rest), scrolling mounts others, the selected card
//! stays mounted, the arrow keys reach cards that were not mounted, the search box and the
//! grouping filter and group the lanes with counts, and a policy attached to hundreds of
//! roles lists a dozen on its card until asked for all.

use crate::common;

use std::rc::Rc;

use iam_engine::scenario::{PolicyRef, Role, Scenario, Tag};
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

#[component]
fn Host(props: &HostProps) -> Html {
    let store = use_reducer(|| Store::new((*props.scenario).clone(), "Test".into()));
    html! {
        <ContextProvider<StoreHandle> context={store.clone()}>
            <Canvas />
            <pre class="probe-selection">{ format!("{:?}", store.selection.target) }</pre>
        </ContextProvider<StoreHandle>>
    }
}

#[wasm_bindgen(inline_js = "
export function fire_input(el, value) {
  el.value = value;
  el.dispatchEvent(new Event('input', { bubbles: true }));
}
export function fire_change(el, value) {
  el.value = value;
  el.dispatchEvent(new Event('change', { bubbles: true }));
}
export function fire_key(el, key) {
  el.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
}
")]
extern "C" {
    fn fire_input(el: &web_sys::Element, value: &str);
    fn fire_change(el: &web_sys::Element, value: &str);
    fn fire_key(el: &web_sys::Element, key: &str);
}

/// 2,000 roles: every fourth a CI role under `/ci/` tagged with its repository and attached to
/// the Deploy policy; the others under `/` with ReadOnlyAccess.
fn big_account() -> Scenario {
    let mut s = Scenario::new("123456789012");
    s.policies
        .push(iam_engine::scenario::ManagedPolicy::new("Deploy", "{}"));
    for i in 0..2000 {
        let mut role = Role::new(format!("role-{i}"), "{}");
        if i % 4 == 0 {
            role.path = "/ci/".into();
            role.tags.push(Tag {
                key: "repo".into(),
                value: format!("repo-{i}"),
            });
            role.managed_policies.push(PolicyRef::customer("Deploy"));
        } else {
            role.managed_policies.push(PolicyRef::aws("ReadOnlyAccess"));
        }
        s.roles.push(role);
    }
    s
}

/// Lets Yew render, the lanes measure themselves and scroll events arrive.
async fn settle() {
    for _ in 0..4 {
        yew::scheduler::flush().await;
        gloo::timers::future::TimeoutFuture::new(30).await;
    }
}

fn mounted_roles(root: &web_sys::Element) -> Vec<String> {
    let list = root.query_selector_all(".lane-roles [data-card]").unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::Element>().ok())
        .filter_map(|e| e.get_attribute("data-card"))
        .collect()
}

fn find(root: &web_sys::Element, selector: &str) -> web_sys::HtmlElement {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("nothing matches {selector}"))
        .dyn_into()
        .unwrap()
}

/// Scrolls the page so that the element's top is `offset` pixels above the viewport's top.
fn scroll_to(el: &web_sys::Element, offset: f64) {
    let window = gloo::utils::window();
    let top = el.get_bounding_client_rect().top() + window.scroll_y().unwrap();
    window.scroll_to_with_x_and_y(0.0, top + offset);
}

async fn mount_big() -> web_sys::Element {
    let root = common::mount::<Host>(HostProps {
        scenario: Rc::new(big_account()),
    });
    settle().await;
    scroll_to(&root, 0.0);
    settle().await;
    root
}

#[wasm_bindgen_test]
async fn a_lane_of_2000_roles_mounts_a_window_and_scrolling_mounts_others() {
    let root = mount_big().await;
    let first = mounted_roles(&root);
    assert!(
        !first.is_empty() && first.len() < 150,
        "a window of the 2,000 roles: {}",
        first.len()
    );
    assert!(first.contains(&"role:role-0".to_owned()));
    // A spacer stands for the rest, as tall as they are.
    let spacer = root
        .query_selector(".lane-roles .window-spacer")
        .unwrap()
        .unwrap();
    let rows: usize = spacer.get_attribute("data-rows").unwrap().parse().unwrap();
    assert_eq!(rows + first.len(), 2000);
    let height = spacer.get_bounding_client_rect().height();
    assert!(height > 1000.0 * 50.0, "{height}");
    assert_eq!(
        find(&root, ".lane-roles .lane-count")
            .text_content()
            .unwrap(),
        " 2,000"
    );

    // Far down the lane: other roles are mounted, the first ones no longer.
    let lane = find(&root, ".lane-roles .lane-cards");
    scroll_to(&lane, 60_000.0);
    settle().await;
    let later = mounted_roles(&root);
    assert!(!later.is_empty() && later.len() < 150, "{}", later.len());
    assert!(!later.contains(&"role:role-0".to_owned()), "{later:?}");
    let index = |k: &String| -> usize { k.trim_start_matches("role:role-").parse().unwrap() };
    assert!(later.iter().map(index).min().unwrap() > 100, "{later:?}");
    // The mounted cards are where the viewport is.
    let card = find(
        &root,
        &format!("[data-card=\"{}\"]", later[later.len() / 2]),
    );
    let rect = card.get_bounding_client_rect();
    let height = gloo::utils::window()
        .inner_height()
        .unwrap()
        .as_f64()
        .unwrap();
    assert!(
        rect.bottom() > -1000.0 && rect.top() < height + 1000.0,
        "card at {}",
        rect.top()
    );
}

#[wasm_bindgen_test]
async fn the_selected_card_stays_mounted_and_the_keys_reach_unmounted_cards() {
    let root = mount_big().await;
    // Select role-1500 through the search, then clear the search and go back to the top.
    let search = find(&root, ".canvas-search");
    fire_input(&search, "name:role-1500");
    settle().await;
    assert_eq!(mounted_roles(&root), ["role:role-1500"]);
    find(&root, "[data-card=\"role:role-1500\"]").click();
    settle().await;
    assert!(
        find(&root, ".probe-selection")
            .text_content()
            .unwrap()
            .contains("role-1500")
    );
    fire_input(&search, "");
    scroll_to(&root, 0.0);
    settle().await;
    let mounted = mounted_roles(&root);
    assert!(mounted.contains(&"role:role-0".to_owned()));
    assert!(
        mounted.contains(&"role:role-1500".to_owned()),
        "the selected card stays: {mounted:?}"
    );
    assert!(!mounted.contains(&"role:role-1400".to_owned()));

    // End moves the focus to the lane's last card, which was not mounted.
    let first = find(&root, "[data-card=\"role:role-0\"]");
    first.focus().unwrap();
    fire_key(&first, "End");
    settle().await;
    let focused = gloo::utils::document()
        .active_element()
        .and_then(|e| e.get_attribute("data-card"));
    assert_eq!(focused.as_deref(), Some("role:role-1999"));
    // ArrowUp from there reaches its neighbour, and Home the first card again.
    let last = find(&root, "[data-card=\"role:role-1999\"]");
    fire_key(&last, "ArrowUp");
    settle().await;
    let focused = gloo::utils::document()
        .active_element()
        .and_then(|e| e.get_attribute("data-card"));
    assert_eq!(focused.as_deref(), Some("role:role-1998"));
    fire_key(&find(&root, "[data-card=\"role:role-1998\"]"), "Home");
    settle().await;
    let focused = gloo::utils::document()
        .active_element()
        .and_then(|e| e.get_attribute("data-card"));
    assert_eq!(focused.as_deref(), Some("role:role-0"));
}

#[wasm_bindgen_test]
async fn the_search_filters_with_counts_and_the_lanes_group_by_path_and_policy() {
    let root = mount_big().await;
    let search = find(&root, ".canvas-search");
    // A tag: the CI role of repo-8 (and no other: repo-80's value does not equal it, but it
    // contains it, so the name narrows to one).
    fire_input(&search, "tag:repo=repo-8 name:role-8");
    settle().await;
    let found = mounted_roles(&root);
    assert!(found.contains(&"role:role-8".to_owned()), "{found:?}");
    assert!(
        found.iter().all(|k| k.starts_with("role:role-8")),
        "{found:?}"
    );
    // The path: 500 CI roles, counted in the lane's heading and the summary.
    fire_input(&search, "path:/ci/");
    settle().await;
    assert_eq!(
        find(&root, ".lane-roles .lane-count")
            .text_content()
            .unwrap(),
        " 500 of 2,000"
    );
    assert!(
        find(&root, ".canvas-search-count")
            .text_content()
            .unwrap()
            .starts_with("500 of ")
    );
    // An attached policy: the Deploy policy's card and the 500 roles it is attached to.
    fire_input(&search, "policy:deploy");
    settle().await;
    assert_eq!(
        find(&root, ".lane-roles .lane-count")
            .text_content()
            .unwrap(),
        " 500 of 2,000"
    );
    // Its card lists the first 12 of its 500 roles, and the rest on demand.
    let chips = |root: &web_sys::Element| {
        root.query_selector_all("[data-card=\"policy:Deploy\"] .chip")
            .unwrap()
            .length()
    };
    assert_eq!(chips(&root), 12);
    let more = find(&root, "[data-card=\"policy:Deploy\"] .chip-show-all");
    assert_eq!(more.text_content().unwrap(), "+488 more");
    more.click();
    settle().await;
    assert_eq!(chips(&root), 500);
    // No match: the lane says so.
    fire_input(&search, "nothing-is-called-this");
    settle().await;
    assert!(mounted_roles(&root).is_empty());
    assert_eq!(
        find(&root, ".lane-roles .lane-empty")
            .text_content()
            .unwrap(),
        "No roles match the search."
    );

    // Grouped by path: a heading per path with its count.
    fire_input(&search, "");
    fire_change(&find(&root, ".canvas-group"), "path");
    scroll_to(&root, 0.0);
    settle().await;
    let heads: Vec<String> = {
        let list = root.query_selector_all(".lane-roles .lane-group").unwrap();
        (0..list.length())
            .map(|i| list.item(i).unwrap().text_content().unwrap())
            .collect()
    };
    assert_eq!(
        heads.first().map(String::as_str),
        Some("/1,500"),
        "{heads:?}"
    );
    // Grouped by attached policy: the roles with the same policies together.
    fire_input(&search, "policy:deploy");
    fire_change(&find(&root, ".canvas-group"), "policy");
    settle().await;
    assert_eq!(
        find(&root, ".lane-roles .lane-group")
            .text_content()
            .unwrap(),
        "Deploy500"
    );
}
