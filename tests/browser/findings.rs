//! The findings view's "Fix" buttons: each applies the engine's fix as one undoable step, and
//! the finding leaves the list.

use std::rc::Rc;

use iam_engine::scenario::{InlinePolicy, LoginProfile, Scenario, User};
use iam_playground_app::components::findings::{FindingsView, ScenarioFindings};
use iam_playground_app::store::{Action, Selection, use_store};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::common::{click, find, mount_with_store, settle};

/// The findings of the store's scenario, computed as the app does, around the findings view.
#[component]
fn FindingsHost() -> Html {
    let Some(store) = use_store() else {
        return html! {};
    };
    let findings = ScenarioFindings::ready(store.scenario.findings());
    html! {
        <ContextProvider<ScenarioFindings> context={findings}>
            <FindingsView />
        </ContextProvider<ScenarioFindings>>
    }
}

/// A root user without MFA, and a console user without MFA whose policy is its own.
fn scenario() -> Scenario {
    let mut s = Scenario::new("111122223333");
    s.root_user.password = true;
    s.root_user.mfa = false;
    let mut u = User::new("alice");
    u.login_profile = Some(LoginProfile {
        password_reset_required: true,
    });
    u.mfa = true;
    u.inline_policies.push(InlinePolicy {
        name: "Reads".into(),
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#.into(),
    });
    s.users.push(u);
    s
}

#[wasm_bindgen_test::wasm_bindgen_test]
async fn a_fix_is_one_undoable_step_and_its_finding_leaves_the_list() {
    let (root, store) =
        mount_with_store(scenario(), Selection::default(), html! { <FindingsHost /> }).await;
    for code in ["root-no-mfa", "user-direct-policies"] {
        let fix = find(&root, &format!("li[data-code=\"{code}\"] .finding-fix")).await;
        click(&fix).await;
        settle().await;
        assert!(
            root.query_selector(&format!("li[data-code=\"{code}\"]"))
                .unwrap()
                .is_none(),
            "{code} is still listed"
        );
    }
    assert!(store.get().scenario.root_user.mfa);
    assert_eq!(store.get().scenario.users[0].groups, ["alice-permissions"]);
    // Each fix is one step: one Undo brings the last finding back.
    assert_eq!(
        store.get().undo_label(),
        Some("Move user alice's policies onto a group")
    );
    store.get().dispatch(Action::Undo);
    find(&root, "li[data-code=\"user-direct-policies\"]").await;
    assert!(store.get().scenario.root_user.mfa);
}

/// An account with many findings: they are grouped by check with counts, most severe first; a
/// check repeated more than ten times starts folded (its findings not rendered) and opens from
/// the keyboard-reachable toggle, while a small group stays open.
#[wasm_bindgen_test::wasm_bindgen_test]
async fn many_findings_are_grouped_by_check_and_a_large_group_starts_folded() {
    let mut s = scenario();
    for i in 0..40 {
        let mut u = User::new(format!("dev{i}"));
        u.inline_policies.push(InlinePolicy {
            name: "Reads".into(),
            document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#.into(),
        });
        s.users.push(u);
    }
    let (root, _store) =
        mount_with_store(s, Selection::default(), html! { <FindingsHost /> }).await;
    let direct = find(
        &root,
        "li.finding-group[data-group=\"user-direct-policies\"]",
    )
    .await;
    let toggle = direct
        .query_selector(".finding-group-toggle")
        .unwrap()
        .expect("a toggle");
    assert_eq!(
        toggle.get_attribute("aria-expanded").as_deref(),
        Some("false")
    );
    assert!(
        toggle
            .text_content()
            .unwrap_or_default()
            .contains("41 findings"),
        "{:?}",
        toggle.text_content()
    );
    assert!(direct.query_selector("li.finding").unwrap().is_none());
    // The root user's missing MFA is one finding: its group is open.
    find(
        &root,
        "li.finding-group[data-group=\"root-no-mfa\"] li.finding",
    )
    .await;
    // Groups come most severe first.
    let order: Vec<String> = {
        let list = root.query_selector_all("li.finding-group").unwrap();
        (0..list.length())
            .filter_map(|i| list.item(i))
            .filter_map(|n| n.dyn_into::<web_sys::Element>().ok())
            .filter_map(|e| e.get_attribute("data-group"))
            .collect()
    };
    let at = |code: &str| order.iter().position(|c| c == code);
    assert!(
        at("root-no-mfa").is_some() && at("root-no-mfa") < at("user-direct-policies"),
        "{order:?}"
    );
    click(&toggle).await;
    settle().await;
    assert_eq!(
        toggle.get_attribute("aria-expanded").as_deref(),
        Some("true")
    );
    let listed = direct.query_selector_all("li.finding").unwrap().length();
    assert_eq!(listed, 41);
}

/// Props of [`StaleHost`].
#[derive(Properties, PartialEq)]
struct StaleProps {
    /// Whether to pass the scenario's findings (else none) while they update.
    with_findings: bool,
}

/// The findings view while the current revision's findings are computed (in the analysis
/// worker): the last ones, or none before the first.
#[component]
fn StaleHost(props: &StaleProps) -> Html {
    let Some(store) = use_store() else {
        return html! {};
    };
    let findings = ScenarioFindings {
        findings: Rc::new(if props.with_findings {
            store.scenario.findings()
        } else {
            Vec::new()
        }),
        updating: true,
    };
    html! {
        <ContextProvider<ScenarioFindings> context={findings}>
            <FindingsView />
        </ContextProvider<ScenarioFindings>>
    }
}

/// Before the worker's first findings, the view says it is checking (not "No findings"); while
/// a newer revision's compute, the last ones stay listed, marked as updating.
#[wasm_bindgen_test::wasm_bindgen_test]
async fn findings_on_their_way_are_never_shown_as_none() {
    let (root, _store) = mount_with_store(
        scenario(),
        Selection::default(),
        html! { <StaleHost with_findings={false} /> },
    )
    .await;
    let status = find(&root, ".findings-view [role=status]").await;
    let text = status.text_content().unwrap_or_default();
    assert!(text.contains("Checking"), "{text}");
    assert!(root.query_selector("li.finding-group").unwrap().is_none());

    let (root, _store) = mount_with_store(
        scenario(),
        Selection::default(),
        html! { <StaleHost with_findings={true} /> },
    )
    .await;
    find(&root, "li.finding-group[data-group=\"root-no-mfa\"]").await;
    let status = find(&root, ".findings-view [role=status]").await;
    let text = status.text_content().unwrap_or_default();
    assert!(text.contains("Updating after the last change"), "{text}");
}
