//! The findings view's "Fix" buttons: each applies the engine's fix as one undoable step, and
//! the finding leaves the list.

use std::rc::Rc;

use iam_engine::scenario::{InlinePolicy, LoginProfile, Scenario, User};
use iam_playground_app::components::findings::{FindingsView, ScenarioFindings};
use iam_playground_app::store::{Action, Selection, use_store};
use yew::prelude::*;

use crate::common::{click, find, mount_with_store, settle};

/// The findings of the store's scenario, computed as the app does, around the findings view.
#[component]
fn FindingsHost() -> Html {
    let Some(store) = use_store() else {
        return html! {};
    };
    let findings = ScenarioFindings(Rc::new(store.scenario.findings()));
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
