//! Browser tests of the simulator's "Paste an AccessDenied error" panel: a message is
//! explained, its request loaded into the store, its fix applied as one undo step; unreadable
//! input is shown in place with its line and column.

use crate::common;

use common::{click, find, mount_with_store, type_into};

use iam_engine::scenario::{Scenario, User};
use iam_playground_app::components::simulator::denied::DeniedPanel;
use iam_playground_app::store::Selection;
use wasm_bindgen_test::wasm_bindgen_test;
use yew::prelude::*;

const MESSAGE: &str = "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: s3:DeleteBucket on resource: arn:aws:s3:::prod-logs because no identity-based policy allows the s3:DeleteBucket action";

fn with_dev() -> Scenario {
    let mut s = Scenario::new("123456789012");
    s.add_user(User::new("dev")).unwrap();
    s
}

#[wasm_bindgen_test]
async fn a_message_is_explained_and_its_fix_applied_as_one_step() {
    let (root, store) =
        mount_with_store(with_dev(), Selection::default(), html! { <DeniedPanel /> }).await;
    let input = find(&root, "textarea.denied-input").await;
    type_into(&input, MESSAGE).await;
    click(&find(&root, "[data-action=\"explain-denied\"]").await).await;
    let reason = find(&root, ".denied-reason").await;
    assert!(
        reason
            .text_content()
            .unwrap()
            .contains("no identity-based policy allows s3:DeleteBucket"),
        "{:?}",
        reason.text_content()
    );
    let request = store.get().request.clone();
    assert_eq!(request.principal, "user/dev");
    assert_eq!(request.action, "s3:DeleteBucket");
    assert_eq!(request.resource, "arn:aws:s3:::prod-logs");
    assert!(
        find(&root, ".denied-agreement.agrees")
            .await
            .text_content()
            .unwrap()
            .starts_with("Agrees with AWS.")
    );

    click(&find(&root, "[data-action=\"apply-denied-fix\"]").await).await;
    let store = store.current().await;
    let dev = store
        .scenario
        .users
        .iter()
        .find(|u| u.name == "dev")
        .unwrap();
    assert_eq!(dev.inline_policies.len(), 1);
    assert_eq!(dev.inline_policies[0].name, "Allow-s3-DeleteBucket");
    assert_eq!(
        store.undo_label(),
        Some("Allow s3:DeleteBucket for user dev")
    );
    // The explanation follows the scenario: now allowed, no fix left to offer.
    let decision = find(&root, "[data-denied-decision]").await;
    assert_eq!(decision.text_content().as_deref(), Some("Allowed"));
    assert!(root.query_selector(".denied-fix").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn unreadable_input_is_shown_in_place_with_line_and_column() {
    let (root, _store) =
        mount_with_store(with_dev(), Selection::default(), html! { <DeniedPanel /> }).await;
    let input = find(&root, "textarea.denied-input").await;
    type_into(&input, "\n  not an error message").await;
    click(&find(&root, "[data-action=\"explain-denied\"]").await).await;
    let error = find(&root, ".denied-error").await;
    let text = error.text_content().unwrap();
    assert!(text.starts_with("Line 2, column "), "{text}");
    assert_eq!(error.get_attribute("role").as_deref(), Some("alert"));
}
