//! The Compare view over the change review as the client delivers it (no worker is built for
//! the tests, so the job runs on the page): before any edit it says how to get something to
//! compare with; after the permissions-boundary example's boundary is widened by one action it
//! says what maria gains, and a witness opens the simulator on its request. (The end-to-end
//! journey removes the whole boundary; here the change is kept small, so the comparison's one
//! step on the page does not hold up the other tests sharing the page for long.)

use std::rc::Rc;

use iam_engine::scenario::{Scenario, gallery_json};
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
async fn widening_the_boundary_shows_what_maria_gains_and_a_witness_opens_the_simulator() {
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
    let widened = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "DeveloperCeiling", "Effect": "Allow",
        "Action": ["s3:*", "cloudwatch:*", "ec2:Describe*", "iam:ChangePassword"], "Resource": "*"}]}"#;
    edit(&store.current().await, "Widen DeveloperBoundary", |s| {
        s.set_policy_document("DeveloperBoundary", widened)
    })
    .unwrap();
    let status = wait(&root, ".compare-status[data-state=\"done\"]").await;
    let text = status.text_content().unwrap();
    assert!(
        text.starts_with("Compared with the version before “Widen DeveloperBoundary”"),
        "{text}"
    );
    let summary = find(&root, ".compare-summary")
        .await
        .text_content()
        .unwrap();
    assert_eq!(summary, "user maria gains iam:ChangePassword");
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
    assert_eq!(now.request.action, "iam:ChangePassword");
}
