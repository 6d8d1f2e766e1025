//! Browser tests of the simulator view: the request panel and its answer, root-only tasks,
//! edits in the "policies in play" editors flipping the decision live with the deciding
//! statement highlighted, the saved tests as a suite, and the access matrix's click-through.

use crate::common;

use common::{HostedStore, find, mount_with_store};

use iam_engine::catalog::{Catalog, ManagedPolicies};
use iam_engine::scenario::{Target, gallery_entry};
use iam_playground_app::components::simulator::Simulator;
use iam_playground_app::data::Loadable;
use iam_playground_app::store::{Action, RequestState, Selection};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::{Element, HtmlElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::common::assets;

/// The highlights the simulator's answer draws, derived from the store's scenario and request
/// through the engine's facade exactly as the views derive them (the store keeps none).
fn highlights(store: &HostedStore) -> Vec<iam_playground_app::store::Highlight> {
    use iam_engine::workbench::{CompileCache, Workbench};
    let store = store.get();
    let (catalog, managed) = assets();
    let cache = CompileCache::new();
    let wb = Workbench::new(&store.scenario, &cache)
        .with_catalog(Some(&catalog))
        .with_managed(Some(&managed));
    let rows = wb.context_keys(
        &store.request.principal,
        &store.request.resource,
        "2026-11-23T10:00:00Z",
    );
    wb.answer(&store.request, &rows, 0).highlights().to_vec()
}

/// Mounts the simulator for a gallery example, with the catalog and the AWS-managed policies.
async fn mount(example: &str) -> (Element, HostedStore) {
    let scenario = gallery_entry(example).unwrap().scenario;
    let (catalog, managed) = assets();
    let view = html! {
        <ContextProvider<Loadable<Catalog>> context={Loadable::Ready(catalog)}>
        <ContextProvider<Loadable<ManagedPolicies>> context={Loadable::Ready(managed)}>
            <Simulator />
        </ContextProvider<Loadable<ManagedPolicies>>>
        </ContextProvider<Loadable<Catalog>>>
    };
    mount_with_store(scenario, Selection::default(), view).await
}

/// Waits until the answer's decision is `decision` (AWS spelling).
async fn decision(root: &Element, decision: &str) -> Element {
    find(
        root,
        &format!(".sim-result .explanation[data-decision=\"{decision}\"]"),
    )
    .await
}

fn ask(store: &HostedStore, principal: &str, action: &str, resource: &str) {
    store.get().dispatch(Action::SetRequest(RequestState {
        principal: principal.into(),
        action: action.into(),
        resource: resource.into(),
        context: Vec::new(),
    }));
}

fn click(root: &Element, selector: &str) {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector}"))
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
}

fn type_into(area: &HtmlTextAreaElement, text: &str) {
    area.set_value(text);
    let init = web_sys::InputEventInit::new();
    init.set_bubbles(true);
    init.set_input_type("insertFromPaste");
    let event = web_sys::InputEvent::new_with_event_init_dict("input", &init).unwrap();
    area.dispatch_event(&event).unwrap();
}

#[wasm_bindgen_test]
async fn opens_on_the_first_saved_test_with_the_context_keys_shown() {
    let (root, store) = mount("seed-admin-template").await;
    let answer = decision(&root, "allowed").await;
    assert_eq!(store.get().request.principal, "user/admin");
    assert_eq!(store.get().request.action, "iam:ChangePassword");
    assert!(answer.text_content().unwrap().contains("Allowed"));
    // The chain lists every step in AWS's order.
    let steps = root.query_selector_all(".eval-chain .step").unwrap();
    assert_eq!(steps.length(), 7);
    // The context keys: the principal's name and a shown, editable time.
    find(&root, "tr[data-key=\"aws:username\"]").await;
    let time = find(&root, "tr[data-key=\"aws:CurrentTime\"] input").await;
    let time: web_sys::HtmlInputElement = time.dyn_into().unwrap();
    assert!(time.value().ends_with('Z'), "{}", time.value());
}

#[wasm_bindgen_test]
async fn only_the_root_user_can_close_the_account() {
    let (root, store) = mount("seed-admin-template").await;
    ask(&store, "user/admin", "root-task:close-account", "*");
    let answer = decision(&root, "implicitDeny").await;
    assert_eq!(
        answer.get_attribute("data-root-task").as_deref(),
        Some("close-account")
    );
    assert!(
        answer
            .text_content()
            .unwrap()
            .contains("not even AdministratorAccess")
    );
    ask(&store, "root", "root-task:close-account", "*");
    decision(&root, "allowed").await;
    // Root-only tasks cannot become saved tests.
    let add = find(&root, "[data-action=\"add-test\"]").await;
    assert!(add.has_attribute("disabled"));
}

#[wasm_bindgen_test]
async fn a_group_deny_typed_in_place_flips_the_decision_and_is_highlighted() {
    let (root, store) = mount("seed-admin-template").await;
    ask(&store, "user/admin", "iam:CreateUser", "*");
    decision(&root, "allowed").await;
    // The policies in play follow the decision a frame later.
    find(
        &root,
        "[data-action=\"add-inline-policy\"][data-owner=\"group administrators\"]",
    )
    .await;
    click(
        &root,
        "[data-action=\"add-inline-policy\"][data-owner=\"group administrators\"]",
    );
    let area: HtmlTextAreaElement = find(
        &root,
        "textarea[aria-label=\"Inline policy Simulator of group administrators\"]",
    )
    .await
    .dyn_into()
    .unwrap();
    type_into(
        &area,
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"NoNewUsers","Effect":"Deny","Action":"iam:*","Resource":"*"}]}"#,
    );
    let answer = decision(&root, "explicitDeny").await;
    assert!(answer.text_content().unwrap().contains("NoNewUsers"));
    assert!(
        answer
            .text_content()
            .unwrap()
            .contains("with an explicit deny in an identity-based policy")
    );
    // The answer carries the highlight for every editor of that text, at the statement's span.
    let highlights = highlights(&store);
    let h = highlights.first().expect("a highlight");
    assert_eq!(h.kind, iam_playground_app::store::HighlightKind::Deny);
    let text = area.value();
    let statement = text.get(h.span.start..h.span.end).unwrap();
    assert!(
        statement.starts_with('{') && statement.contains("NoNewUsers"),
        "{statement}"
    );
    find(&root, ".played-policy .hl-deny").await;
    // One undo step takes the whole edit back, and the decision follows.
    store.get().dispatch(Action::Undo);
    decision(&root, "allowed").await;
}

#[wasm_bindgen_test]
async fn saved_tests_run_as_a_suite_and_load_into_the_panel() {
    let (root, store) = mount("least-privilege-groups").await;
    let summary = find(&root, ".sim-tests .tests-summary").await;
    for _ in 0..100 {
        if summary.text_content().unwrap() == "8 of 8 pass" {
            break;
        }
        gloo::timers::future::TimeoutFuture::new(5).await;
    }
    assert_eq!(summary.text_content().unwrap(), "8 of 8 pass");
    // Load the fourth test (dev-dana cannot delete the database) into the request panel.
    let rows = root.query_selector_all(".sim-tests .test-case").unwrap();
    let load = rows
        .item(3)
        .unwrap()
        .dyn_into::<Element>()
        .unwrap()
        .query_selector("[data-action=\"load-test\"]")
        .unwrap()
        .unwrap()
        .dyn_into::<HtmlElement>()
        .unwrap();
    load.click();
    let answer = decision(&root, "implicitDeny").await;
    assert_eq!(store.get().request.principal, "user/dev-dana");
    // The nearest miss names the statement and what it missed.
    let miss = find(&root, ".candidates li[data-statement=\"LookAtDatabases\"]").await;
    assert!(
        miss.text_content()
            .unwrap()
            .contains("its Action does not match")
    );
    assert!(
        answer
            .text_content()
            .unwrap()
            .contains("because no identity-based policy allows the rds:DeleteDBInstance action")
    );
}

#[wasm_bindgen_test]
async fn a_matrix_cell_explains_itself() {
    let (root, store) = mount("least-privilege-groups").await;
    decision(&root, "allowed").await;
    let cell = find(
        &root,
        ".sim-matrix tr[data-principal=\"user/auditor-ana\"] button[aria-label*=\"rds:DeleteDBInstance\"]",
    )
    .await;
    assert_eq!(
        cell.get_attribute("data-decision").as_deref(),
        Some("implicitDeny")
    );
    cell.dyn_into::<HtmlElement>().unwrap().click();
    decision(&root, "implicitDeny").await;
    assert_eq!(store.get().request.principal, "user/auditor-ana");
    assert_eq!(store.get().request.action, "rds:DeleteDBInstance");
    // The root user's row holds the root-only tasks.
    let task = find(
        &root,
        ".sim-matrix tr[data-principal=\"root\"] button[aria-label*=\"Close your AWS account\"]",
    )
    .await;
    assert_eq!(
        task.get_attribute("data-decision").as_deref(),
        Some("allowed")
    );
}

#[wasm_bindgen_test]
async fn a_wildcard_expands_into_rows_and_a_row_explains_itself() {
    let (root, store) = mount("least-privilege-groups").await;
    ask(&store, "user/auditor-ana", "s3:Delete*", "*");
    let rows = find(&root, ".action-rows").await;
    let buttons = rows.query_selector_all("button").unwrap();
    assert!(buttons.length() > 5, "{}", buttons.length());
    let second = buttons.item(1).unwrap().dyn_into::<HtmlElement>().unwrap();
    let second_action = second
        .query_selector("code")
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap();
    second.click();
    yew::scheduler::flush().await;
    let current = find(&root, ".action-row.current code").await;
    assert_eq!(current.text_content().unwrap(), second_action);
    let why = find(&root, ".sim-result h4:nth-of-type(2)").await;
    assert!(why.text_content().unwrap().contains(&second_action));
    // Typing nonsense gives a hint, not a panic.
    ask(&store, "user/auditor-ana", "s3:NoSuch*", "*");
    let hint = find(&root, ".sim-result .status").await;
    assert!(hint.text_content().unwrap().contains("matches no action"));
}

#[wasm_bindgen_test]
async fn an_aws_managed_policy_that_decides_is_shown_laid_out_with_the_statement_highlighted() {
    let (root, store) = mount("seed-admin-template").await;
    ask(&store, "user/admin", "iam:CreateUser", "*");
    decision(&root, "allowed").await;
    // The answer names AWS's policy as the holder of the deciding statement.
    let highlight = highlights(&store)
        .iter()
        .find(|h| {
            h.target
                == Target::AwsPolicy {
                    arn: "arn:aws:iam::aws:policy/AdministratorAccess".into(),
                }
        })
        .cloned()
        .expect("a highlight in AdministratorAccess");
    // Its read-only editor shows the document laid out, opened, with the band on the statement.
    let played = find(&root, "details.played-managed[open]").await;
    let area = find(&played, "textarea").await;
    let text = area.dyn_ref::<HtmlTextAreaElement>().unwrap().value();
    assert!(text.lines().count() > 5, "laid out:\n{text}");
    find(&played, ".hl-allow").await;
    let band = played
        .query_selector_all(".pe-line.hl-allow")
        .unwrap()
        .length();
    assert!(band >= 5, "the band covers the statement's lines ({band})");
    assert!(highlight.span.start > 0);
}

#[wasm_bindgen_test]
async fn the_saved_tests_section_is_named_by_its_heading_alone() {
    let (root, _store) = mount("seed-admin-template").await;
    let section = find(&root, "section.sim-tests").await;
    let id = section.get_attribute("aria-labelledby").unwrap();
    let label = find(&root, &format!("#{id}")).await;
    assert_eq!(label.text_content().unwrap(), "Saved tests");
}

#[wasm_bindgen_test]
async fn a_root_only_task_is_found_by_the_words_people_use() {
    let (root, store) = mount("seed-admin-template").await;
    decision(&root, "allowed").await;
    let search = find(&root, "input[name=\"root-task-search\"]").await;
    common::type_into(&search, "change the root password").await;
    let found = find(&root, ".root-task-results button[data-task]").await;
    assert_eq!(
        found.get_attribute("data-task").as_deref(),
        Some("change-account-settings")
    );
    common::click(&found).await;
    assert_eq!(
        store.get().request.action,
        "root-task:change-account-settings"
    );
}

#[wasm_bindgen_test]
async fn a_read_only_store_keeps_the_request_live_and_the_scenario_fixed() {
    let scenario = gallery_entry("least-privilege-groups").unwrap().scenario;
    let (catalog, managed) = assets();
    let store = HostedStore::default();
    let root = common::mount::<common::StoreHost>(common::StoreHostProps {
        scenario: std::rc::Rc::new(scenario),
        selection: Selection::default(),
        store: store.clone(),
        read_only: true,
        children: html! {
            <ContextProvider<Loadable<Catalog>> context={Loadable::Ready(catalog)}>
            <ContextProvider<Loadable<ManagedPolicies>> context={Loadable::Ready(managed)}>
                <Simulator />
            </ContextProvider<Loadable<ManagedPolicies>>>
            </ContextProvider<Loadable<Catalog>>>
        },
    });
    yew::scheduler::flush().await;
    ask(&store, "user/dev-dana", "ec2:RunInstances", "*");
    decision(&root, "allowed").await;
    // The request changes from the form, and the decision follows.
    let action = find(&root, ".sim-form input[name=\"action\"]").await;
    common::type_into(&action, "rds:DeleteDBInstance").await;
    decision(&root, "implicitDeny").await;
    assert_eq!(store.get().request.action, "rds:DeleteDBInstance");
    // The policies are read-only, and typing into one changes no scenario.
    let area: HtmlTextAreaElement = find(&root, ".played-policy textarea")
        .await
        .dyn_into()
        .unwrap();
    assert!(area.read_only());
    let (revision, before) = (store.get().revision, store.get().scenario.clone());
    type_into(&area, "{}");
    common::settle().await;
    assert_eq!(store.get().revision, revision);
    assert_eq!(store.get().scenario, before);
    // No path through the store's edit funnel changes it either.
    let refused = iam_playground_app::store::edit(&store.get(), "Remove every test", |s| {
        s.tests.clear();
        Ok(())
    });
    assert_eq!(
        refused.unwrap_err().code,
        iam_playground_app::store::READ_ONLY_CODE
    );
    store.get().dispatch(Action::Undo);
    common::settle().await;
    assert_eq!(store.get().scenario, before);
    // Test editing and new policies are not offered; loading a test (a request) is.
    for hidden in [
        "input.test-label",
        ".add-test",
        "[data-action=\"delete-test\"]",
        "[data-action=\"add-inline-policy\"]",
    ] {
        assert!(
            root.query_selector(hidden).unwrap().is_none(),
            "{hidden} is shown"
        );
    }
    click(&root, "[data-action=\"load-test\"]");
    decision(&root, "allowed").await;
}

#[wasm_bindgen_test]
async fn the_root_user_assuming_a_role_is_refused_by_aws_with_the_policy_decision_beside() {
    let (root, store) = mount("cross-account-role").await;
    ask(
        &store,
        "root",
        "sts:AssumeRole",
        "arn:aws:iam::111122223333:role/BreakGlassAdmin",
    );
    let refused = find(&root, ".sim-result [data-testid=\"refused\"]").await;
    assert_eq!(refused.text_content().unwrap(), "Refused by AWS");
    let line = root
        .query_selector(".sim-result .refused-line")
        .unwrap()
        .expect("the refusal line");
    let text = line.text_content().unwrap();
    assert!(
        text.contains("Roles may not be assumed by root accounts"),
        "{text}"
    );
    assert!(
        line.query_selector("a[href^=\"https://docs.aws.amazon.com/\"]")
            .unwrap()
            .is_some()
    );
    // The policy decision stays visible beside the refusal, without the refusal repeated.
    let policy = root
        .query_selector(".sim-result .policy-decision-line")
        .unwrap()
        .expect("the policy decision line")
        .text_content()
        .unwrap();
    assert!(policy.starts_with("Policy decision: "), "{policy}");
    assert!(!policy.contains("AWS refuses"), "{policy}");
    // Another role's session asking for the same role is an ordinary decision, with no refusal.
    ask(
        &store,
        "role/PartnerAuditRole",
        "sts:AssumeRole",
        "arn:aws:iam::111122223333:role/BreakGlassAdmin",
    );
    decision(&root, "implicitDeny").await;
    assert!(
        root.query_selector(".sim-result .refused-line")
            .unwrap()
            .is_none()
    );
}

#[wasm_bindgen_test]
async fn a_resource_pattern_is_allowed_for_some_with_a_witness_one_click_away() {
    let (root, store) = mount("root-vs-admin").await;
    ask(&store, "user/alice", "s3:DeleteBucket", "arn:aws:s3:::*");
    let verdict = find(&root, "[data-testid=\"pattern-verdict\"]").await;
    assert_eq!(verdict.text_content().unwrap(), "Allowed for some");
    let section = root
        .query_selector(".pattern-answer")
        .unwrap()
        .expect("the pattern answer");
    let text = section.text_content().unwrap();
    assert!(
        text.contains("refused on arn:aws:s3:::example-corp-audit-logs"),
        "{text}"
    );
    // The audit-logs bucket's sample opens as the simulator's request.
    let sample = root
        .query_selector(
            ".pattern-sample[data-decision=\"explicitDeny\"] [data-action=\"simulate-sample\"]",
        )
        .unwrap()
        .expect("a refused sample")
        .dyn_into::<HtmlElement>()
        .unwrap();
    sample.click();
    decision(&root, "explicitDeny").await;
    assert_eq!(
        store.get().request.resource,
        "arn:aws:s3:::example-corp-audit-logs"
    );
    assert!(root.query_selector(".pattern-answer").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn an_open_mfa_key_gives_a_conditional_answer_whose_witnesses_become_the_request() {
    // oscar without a console password signs requests with access keys: nothing says whether
    // MFA is present, so the key is open.
    let mut scenario = gallery_entry("mfa-required").unwrap().scenario;
    for user in &mut scenario.users {
        user.login_profile = None;
    }
    let (catalog, managed) = assets();
    let view = html! {
        <ContextProvider<Loadable<Catalog>> context={Loadable::Ready(catalog)}>
        <ContextProvider<Loadable<ManagedPolicies>> context={Loadable::Ready(managed)}>
            <Simulator />
        </ContextProvider<Loadable<ManagedPolicies>>>
        </ContextProvider<Loadable<Catalog>>>
    };
    let (root, store) = mount_with_store(scenario, Selection::default(), view).await;
    ask(
        &store,
        "user/oscar",
        "ec2:StopInstances",
        "arn:aws:ec2:us-east-1:111122223333:instance/i-0abcd1234efgh5678",
    );
    let sentence = find(&root, "[data-testid=\"conditional\"]").await;
    assert_eq!(
        sentence.text_content().unwrap(),
        "Allowed if aws:MultiFactorAuthPresent is true; otherwise explicitly denied."
    );
    assert_eq!(
        root.query_selector_all(".truth-table tbody tr")
            .unwrap()
            .length(),
        3
    );
    click(&root, "[data-action=\"use-allowed-values\"]");
    decision(&root, "allowed").await;
    // The key is now set, so nothing is left open.
    assert!(
        root.query_selector(".conditional-answer")
            .unwrap()
            .is_none()
    );
    let context = &store.get().request.context;
    assert_eq!(context.len(), 1, "{context:?}");
}

#[wasm_bindgen_test]
async fn a_request_through_a_vpc_endpoint_shows_the_endpoint_layer() {
    let scenario = iam_engine::scenario::Scenario::from_json(
        r#"{"formatVersion": 1, "account": {"id": "111122223333"},
            "users": [{"name": "alice", "inlinePolicies": [{"name": "S3",
              "document": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}"}]}],
            "resources": [{"kind": "vpcEndpoint", "name": "vpce-0a1b2c3d",
              "serviceName": "com.amazonaws.us-east-1.s3",
              "policy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Reports\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::reports/*\"}]}"}]}"#,
    )
    .unwrap();
    let (catalog, managed) = assets();
    let view = html! {
        <ContextProvider<Loadable<Catalog>> context={Loadable::Ready(catalog)}>
        <ContextProvider<Loadable<ManagedPolicies>> context={Loadable::Ready(managed)}>
            <Simulator />
        </ContextProvider<Loadable<ManagedPolicies>>>
        </ContextProvider<Loadable<Catalog>>>
    };
    let (root, store) = mount_with_store(scenario, Selection::default(), view).await;
    ask(
        &store,
        "user/alice",
        "s3:GetObject",
        "arn:aws:s3:::private/k",
    );
    decision(&root, "allowed").await;
    // Not through the endpoint: no endpoint step in the chain.
    let chain = root
        .query_selector(".eval-chain")
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap();
    assert!(!chain.contains("VPC endpoint"), "{chain}");
    // Through it: the endpoint's policy does not allow the bucket.
    let select: web_sys::HtmlSelectElement = find(&root, "select[name=\"vpc-endpoint\"]")
        .await
        .dyn_into()
        .unwrap();
    let pick = |value: &str| {
        select.set_value(value);
        select
            .dispatch_event(&web_sys::Event::new("change").unwrap())
            .unwrap();
    };
    pick("vpce-0a1b2c3d");
    let answer = decision(&root, "implicitDeny").await;
    let text = answer.text_content().unwrap();
    assert!(
        text.contains("VPC endpoint policy does not allow"),
        "{text}"
    );
    assert!(
        text.contains("because no VPC endpoint policy allows"),
        "{text}"
    );
    assert!(
        store
            .get()
            .request
            .context
            .iter()
            .any(|o| o.key == "aws:SourceVpce")
    );
    // The nearest miss names the endpoint's statement.
    find(&root, ".candidates [data-statement=\"Reports\"]").await;
    pick("");
    decision(&root, "allowed").await;
}

#[wasm_bindgen_test]
async fn a_long_aws_policy_that_decides_shows_the_excerpt_of_its_statement_then_the_whole_text() {
    let (root, store) = mount("least-privilege-groups").await;
    ask(&store, "user/auditor-ana", "s3:GetObject", "*");
    decision(&root, "allowed").await;
    // ReadOnlyAccess is thousands of lines: the deciding statement's lines, numbered, in the
    // decision's colour, with gaps for the rest, and no editor of the whole text yet.
    let played = find(&root, "details.played-managed[open] .policy-excerpt").await;
    let marked = played
        .query_selector_all(".ex-line.hl-allow")
        .unwrap()
        .length();
    assert!(marked >= 3, "the statement's lines are marked ({marked})");
    let gaps = played.query_selector_all(".ex-gap").unwrap().length();
    assert!(gaps >= 1, "the lines left out are said");
    let first = played
        .query_selector(".ex-line.hl-allow .ex-ln")
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap();
    assert!(
        first.parse::<usize>().unwrap() > 1,
        "real line numbers ({first})"
    );
    assert!(played.query_selector("textarea").unwrap().is_none());
    // The whole text on demand, in the read-only editor.
    click(&played, "button[data-action=\"show-whole-policy\"]");
    let whole = find(&root, "details.played-managed[open] textarea").await;
    let text = whole.dyn_ref::<HtmlTextAreaElement>().unwrap().value();
    assert!(text.lines().count() > 120, "the whole policy");
}
