//! The Compare view over the change review as the client delivers it (no worker is built for
//! the tests, so the job runs on the page): before any edit it says how to get something to
//! compare with; after the boundary of the permissions-boundary example is removed it says what
//! maria gains, and a witness opens the simulator on its request.

use std::rc::Rc;

use iam_engine::scenario::{IdentityRef, Scenario, gallery_json};
use iam_playground_app::analysis::account::{Comparison, DiffQuery, use_diff};
use iam_playground_app::components::compare::CompareView;
use iam_playground_app::store::{Action, Selection, View, edit, use_store};
use wasm_bindgen_test::*;
use web_sys::Element;
use yew::html::ChildrenProps;
use yew::prelude::*;

use crate::common::{assets, click, find, mount_with_store};

/// Provides what the app provides the Compare view: the change review of the store's scenario
/// against the version the store picked.
#[component]
fn CompareHost(props: &ChildrenProps) -> Html {
    let store = use_store().unwrap();
    let (catalog, managed) = assets();
    let query = store.baseline().map(|b| DiffQuery {
        revision: store.revision,
        scenario: Rc::clone(&store.scenario),
        before: b.scenario,
        managed,
        catalog,
    });
    let comparison = use_diff(query);
    html! {
        <ContextProvider<Comparison> context={comparison}>
            { props.children.clone() }
        </ContextProvider<Comparison>>
    }
}

/// Waits until `selector` matches inside `root`, or fails after about 60 seconds (the debug
/// build compares on the page).
async fn wait(root: &Element, selector: &str) -> Element {
    for _ in 0..6000 {
        yew::scheduler::flush().await;
        if let Some(found) = root.query_selector(selector).unwrap() {
            return found;
        }
        gloo::timers::future::TimeoutFuture::new(10).await;
    }
    panic!("{selector} never came");
}

#[wasm_bindgen_test]
async fn removing_the_boundary_shows_what_maria_gains_and_a_witness_opens_the_simulator() {
    let scenario = Scenario::from_json(gallery_json("permissions-boundary").unwrap()).unwrap();
    let (root, store) = mount_with_store(
        scenario,
        Selection::default(),
        html! { <CompareHost><CompareView /></CompareHost> },
    )
    .await;
    store.get().dispatch(Action::SetView(View::Compare));
    let empty = find(&root, ".compare-empty").await;
    assert!(
        empty
            .text_content()
            .unwrap()
            .contains("nothing to compare with")
    );
    let maria = IdentityRef::User("maria".into());
    edit(
        &store.current().await,
        "Remove the boundary of user maria",
        |s| s.set_permissions_boundary(&maria, None),
    )
    .unwrap();
    let status = wait(&root, ".compare-status[data-state=\"done\"]").await;
    let text = status.text_content().unwrap();
    assert!(
        text.starts_with("Compared with the version before “Remove the boundary of user maria”"),
        "{text}"
    );
    let summary = find(&root, ".compare-summary")
        .await
        .text_content()
        .unwrap();
    assert!(summary.starts_with("user maria gains "), "{summary}");
    let section = find(&root, ".compare-principal[data-principal=\"user/maria\"]").await;
    assert_eq!(
        root.query_selector_all(".compare-principal")
            .unwrap()
            .length(),
        1
    );
    let after = section
        .query_selector(".compare-side[data-side=\"after\"]")
        .unwrap()
        .unwrap();
    assert_eq!(
        after.get_attribute("data-decision").as_deref(),
        Some("allowed")
    );
    let simulate = section
        .query_selector("[data-action=\"simulate-request\"]")
        .unwrap()
        .unwrap();
    click(&simulate).await;
    let now = store.current().await;
    assert_eq!(now.view, View::Simulate);
    assert_eq!(now.request.principal, "user/maria");
    assert!(!now.request.action.is_empty());
}
