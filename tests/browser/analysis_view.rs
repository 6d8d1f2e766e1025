//! The analysis view over the account analysis as the client delivers it (the tests load the
//! app as a library with no worker built, so the jobs run on the page, a piece per task): the
//! PassRole example's path to admin is shown with its fix, "Apply fix" is one undoable edit
//! after which the path is gone, and undo brings it back; who-can answers from the form;
//! what-can answers for the selected user, and for the principal picked instead.

use std::rc::Rc;

use iam_engine::catalog::escalation::EscalationCatalog;
use iam_engine::catalog::{Catalog, ManagedPolicies};
use iam_engine::scenario::{Scenario, Target, gallery_json};
use iam_playground_app::analysis::account::{EscalationProgress, EscalationQuery, use_escalation};
use iam_playground_app::components::analysis::AnalysisView;
use iam_playground_app::data::Loadable;
use iam_playground_app::store::{Action, Selection, use_store};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::Element;
use yew::html::ChildrenProps;
use yew::prelude::*;

use crate::common::{assets, click, find, mount_with_store, type_into};

const PATHS: &str = include_str!("../../static/data/escalation-paths.txt");

/// Provides what the app provides the analysis view: the assets and the escalation analysis of
/// the store's scenario (with the catalog, which the page's fallback computes with).
#[component]
fn AnalysisHost(props: &ChildrenProps) -> Html {
    let store = use_store().unwrap();
    let (catalog, managed) = assets();
    let paths = use_memo((), |_| Rc::new(EscalationCatalog::parse(PATHS).unwrap()));
    let progress = use_escalation(Some(EscalationQuery {
        revision: store.revision,
        scenario: Rc::clone(&store.scenario),
        managed: Some(Rc::clone(&managed)),
        catalog: Some(Rc::clone(&paths)),
    }));
    html! {
        <ContextProvider<Loadable<Catalog>> context={Loadable::Ready(catalog)}>
        <ContextProvider<Loadable<ManagedPolicies>> context={Loadable::Ready(managed)}>
        <ContextProvider<EscalationProgress> context={progress}>
            { props.children.clone() }
        </ContextProvider<EscalationProgress>>
        </ContextProvider<Loadable<ManagedPolicies>>>
        </ContextProvider<Loadable<Catalog>>>
    }
}

/// Waits (polling the timers the jobs run on) until `selector` matches inside `root` (or,
/// with `gone`, until it no longer does), or fails after about 60 seconds: the debug build
/// computes the analysis on the page.
async fn wait(root: &Element, selector: &str, gone: bool) -> Option<Element> {
    for _ in 0..6000 {
        yew::scheduler::flush().await;
        let found = root.query_selector(selector).unwrap();
        if found.is_some() != gone {
            return found;
        }
        gloo::timers::future::TimeoutFuture::new(10).await;
    }
    panic!("{selector} never {}", if gone { "went" } else { "came" });
}

fn status(root: &Element) -> String {
    root.query_selector(".analysis-escalation .analysis-status")
        .unwrap()
        .map(|e| e.text_content().unwrap_or_default())
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn the_path_is_shown_fixed_with_one_undoable_edit_and_back_after_undo() {
    let scenario = Scenario::from_json(gallery_json("passrole-lambda-admin").unwrap()).unwrap();
    let (root, store) = mount_with_store(
        scenario,
        Selection::default(),
        html! { <AnalysisHost><AnalysisView /></AnalysisHost> },
    )
    .await;
    let card = wait(&root, ".path-card[data-principal=\"user/dev-dana\"]", false)
        .await
        .unwrap();
    let text = card.text_content().unwrap();
    assert!(text.contains("lambda-001"), "{text}");
    assert!(text.contains("PassRolesToFunctions"), "{text}");
    assert!(
        card.query_selector(".hop-references a[href^=\"https://\"]")
            .unwrap()
            .is_some()
    );
    // The fix, with what else it takes away.
    let apply = wait(&root, "[data-action=\"apply-path-fix\"]", false)
        .await
        .unwrap();
    let fix = root.query_selector(".path-fix").unwrap().unwrap();
    let fix_text = fix.text_content().unwrap();
    assert!(fix_text.contains("Drop iam:PassRole"), "{fix_text}");
    assert!(fix_text.contains("role/LambdaAppRole"), "{fix_text}");
    let before = store.get().revision;
    click(&apply).await;
    let after = store.current().await;
    assert_eq!(after.revision, before + 1);
    assert!(
        after
            .undo_label()
            .unwrap()
            .starts_with("Fix the path to admin of user/dev-dana")
    );
    // The analysis follows the new revision: the path is gone.
    wait(&root, ".path-card", true).await;
    wait(
        &root,
        ".analysis-escalation .analysis-status[data-state=\"done\"]",
        false,
    )
    .await;
    assert!(
        status(&root).starts_with("No path to admin"),
        "{}",
        status(&root)
    );
    // Undo brings it back.
    store.get().dispatch(Action::Undo);
    wait(&root, ".path-card[data-principal=\"user/dev-dana\"]", false).await;
}

#[wasm_bindgen_test]
async fn who_can_answers_from_the_form_with_a_simulate_button_per_principal() {
    let scenario = Scenario::from_json(gallery_json("passrole-lambda-admin").unwrap()).unwrap();
    let (root, store) = mount_with_store(
        scenario,
        Selection::default(),
        html! { <AnalysisHost><AnalysisView /></AnalysisHost> },
    )
    .await;
    let actions = root
        .query_selector("input[name=\"who-can-actions\"]")
        .unwrap()
        .unwrap();
    type_into(&actions, "iam:PassRole").await;
    let resource = root
        .query_selector("input[name=\"who-can-resource\"]")
        .unwrap()
        .unwrap();
    type_into(&resource, "arn:aws:iam::111122223333:role/LambdaAdminRole").await;
    let submit = root
        .query_selector("[data-action=\"who-can\"]")
        .unwrap()
        .unwrap();
    click(&submit).await;
    let entry = wait(
        &root,
        ".who-can-entry[data-principal=\"user/dev-dana\"][data-access=\"allowed\"]",
        false,
    )
    .await
    .unwrap();
    assert!(
        entry
            .text_content()
            .unwrap()
            .contains("PassRolesToFunctions")
    );
    // "Simulate" opens the simulator on exactly that request.
    let simulate = entry
        .query_selector("[data-action=\"simulate-request\"]")
        .unwrap()
        .unwrap();
    click(&simulate).await;
    let s = store.current().await;
    assert_eq!(s.request.principal, "user/dev-dana");
    assert_eq!(s.request.action, "iam:PassRole");
    assert_eq!(
        s.request.resource,
        "arn:aws:iam::111122223333:role/LambdaAdminRole"
    );
    assert_eq!(s.view, iam_playground_app::store::View::Simulate);
}

#[wasm_bindgen_test]
async fn what_can_answers_for_the_selected_user_with_what_the_boundary_removes() {
    let scenario = Scenario::from_json(gallery_json("permissions-boundary").unwrap()).unwrap();
    let (root, _store) = mount_with_store(
        scenario,
        Selection::entity(Target::User {
            name: "maria".into(),
        }),
        html! { <AnalysisHost><AnalysisView /></AnalysisHost> },
    )
    .await;
    let done = ".what-can-results .analysis-status[data-state=\"done\"]";
    wait(&root, done, false).await;
    let totals = root
        .query_selector(".what-can-totals[data-principal=\"user/maria\"]")
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap();
    // The same totals as `iam-playground what-can --principal maria` on the example.
    assert!(
        totals.contains("525 allowed, 0 conditional, 21,563 removed by guardrails"),
        "{totals}"
    );
    let groups = root
        .query_selector(".what-can-removed-groups")
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap();
    assert!(groups.contains("permissions boundary"), "{groups}");
    let policy = root
        .query_selector(".what-can-policy-code")
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap();
    assert!(policy.contains("\"Effect\": \"Allow\""), "{policy}");
    // A service row opens to list its actions.
    let toggle = root
        .query_selector(".what-can-service .what-can-toggle")
        .unwrap()
        .unwrap();
    click(&toggle).await;
    find(&root, ".what-can-actions li").await;
    // Another principal picked in the panel is answered instead.
    let select: web_sys::HtmlSelectElement = root
        .query_selector("select[name=\"what-can-principal\"]")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    select.set_value("user/sam");
    select
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    wait(
        &root,
        ".what-can-totals[data-principal=\"user/sam\"]",
        false,
    )
    .await;
    wait(&root, done, false).await;
}
