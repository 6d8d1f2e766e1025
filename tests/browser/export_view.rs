//! Browser tests of the export and import view: the template in both formats with colouring,
//! the simulate-custom-policy input for the simulator's request, and imports that open a new
//! scenario or, for bad text, show the error's place and change nothing.

use crate::common;

use common::{HostedStore, click, find, mount_with_store, settle, type_into};
use std::rc::Rc;

use iam_engine::scenario::{Scenario, gallery_entry};
use iam_playground_app::components::export::ExportView;
use iam_playground_app::components::import_progress::{self, ImportProgressBar};
use iam_playground_app::components::notice_details::{NoticeDetailsProps, NoticeDetailsView};
use iam_playground_app::store::{Action, RequestState, Selection};
use iam_playground_app::store::{DetailGroup, NoticeDetails};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::{Element, HtmlTextAreaElement};
use yew::prelude::*;

async fn mount(scenario: Scenario) -> (Element, HostedStore) {
    let mounted = mount_with_store(scenario, Selection::default(), html! { <ExportView /> }).await;
    settle().await;
    mounted
}

fn example() -> Scenario {
    gallery_entry("root-vs-admin").unwrap().scenario
}

fn q(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("nothing matched {selector}"))
}

#[wasm_bindgen_test]
async fn the_template_shows_in_yaml_and_json_with_colours() {
    let (root, _store) = mount(example()).await;
    let code = q(&root, "pre.export-code");
    assert_eq!(code.get_attribute("data-format").as_deref(), Some("yaml"));
    let text = code.text_content().unwrap();
    assert!(text.contains("Type: AWS::IAM::User"), "{text}");
    assert!(
        root.query_selector("pre.export-code .tok-key")
            .unwrap()
            .is_some()
    );
    assert!(
        root.query_selector("pre.export-code .tok-comment")
            .unwrap()
            .is_some()
    );
    assert_eq!(
        q(&root, "[data-format=yaml]")
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("true")
    );

    click(&q(&root, "button[data-format=json]")).await;
    let code = q(&root, "pre.export-code");
    assert_eq!(code.get_attribute("data-format").as_deref(), Some("json"));
    assert!(code.text_content().unwrap().contains("\"AWS::IAM::User\""));
    assert!(
        q(&root, ".export-download")
            .text_content()
            .unwrap()
            .contains(".json")
    );
    // The note names what a template cannot create.
    let note = q(&root, ".export-left-out").text_content().unwrap();
    assert!(note.contains("root user"), "{note}");
}

#[wasm_bindgen_test]
async fn the_cli_input_follows_the_simulator_request() {
    let (root, store) = mount(example()).await;
    // Before the Simulator is visited, the input is for the request it opens with.
    let opening = RequestState::opening(&store.get().scenario);
    let json = q(&root, "pre.export-cli").text_content().unwrap();
    let input: iam_engine::simulate::SimulateCustomPolicyInput =
        serde_json::from_str(&json).unwrap();
    assert_eq!(input.action_names, vec![opening.action]);
    assert!(root.query_selector(".export-cli-empty").unwrap().is_none());
    let user = store.get().scenario.users[0].name.clone();
    store.get().dispatch(Action::SetRequest(RequestState {
        principal: format!("user/{user}"),
        action: "iam:CreateUser".to_owned(),
        resource: String::new(),
        context: Vec::new(),
    }));
    settle().await;
    let json = q(&root, "pre.export-cli").text_content().unwrap();
    let input: iam_engine::simulate::SimulateCustomPolicyInput =
        serde_json::from_str(&json).unwrap();
    assert_eq!(input.action_names, vec!["iam:CreateUser"]);
    assert!(
        input
            .caller_arn
            .unwrap()
            .ends_with(&format!(":user/{user}"))
    );
}

#[wasm_bindgen_test]
async fn bad_import_text_shows_its_place_and_changes_nothing() {
    let (root, store) = mount(example()).await;
    let before = Rc::clone(&store.get().scenario);
    let area = q(&root, "textarea.export-import-text");
    type_into(&area, "Resources:\n  A: [unclosed\n  B: 1\n").await;
    click(&q(&root, ".export-import-run")).await;
    let error = q(&root, ".export-import-error");
    assert_eq!(error.get_attribute("role").as_deref(), Some("alert"));
    let message = error.text_content().unwrap();
    assert!(message.starts_with("Line 3, column"), "{message}");
    assert_eq!(store.get().scenario, before);
    assert!(store.get().notice.is_none());
    // The typed text stays for the user to fix.
    assert!(
        area.dyn_ref::<HtmlTextAreaElement>()
            .unwrap()
            .value()
            .contains("unclosed")
    );
}

#[wasm_bindgen_test]
async fn a_pasted_template_opens_as_a_new_scenario_with_the_skipped_list() {
    let (root, store) = mount(example()).await;
    let template = "Resources:\n  Dev:\n    Type: AWS::IAM::User\n    Properties:\n      UserName: dev\n  Fn:\n    Type: AWS::Lambda::Function\n";
    type_into(&q(&root, "textarea.export-import-text"), template).await;
    click(&q(&root, ".export-import-run")).await;
    let s = store.get();
    assert!(s.scenario.user("dev").is_some(), "{:?}", s.scenario.users);
    assert!(s.slot.starts_with("Imported"), "{}", s.slot);
    let notice = s.notice.clone().unwrap();
    // The notice counts what was left out by kind; the items are in its folded details.
    assert!(
        notice
            .text
            .contains("Left out 1 item: resources of types the playground does not model (1)."),
        "{}",
        notice.text
    );
    let details = notice.details.clone().unwrap();
    assert_eq!(details.groups.len(), 1);
    assert_eq!(
        details.groups[0].heading,
        "Resources of types the playground does not model (1)"
    );
    let item = &details.groups[0].items[0];
    assert!(item.contains("AWS::Lambda::Function"), "{item}");
    assert!(item.contains("line 6"), "{item}");
}

#[wasm_bindgen_test]
async fn the_import_report_renders_a_kind_s_items_only_when_opened() {
    let details = Rc::new(NoticeDetails {
        groups: vec![
            DetailGroup {
                heading: "Older policy versions (300)".into(),
                items: (0..300)
                    .map(|i| format!("policy p{i} older versions"))
                    .collect(),
            },
            DetailGroup {
                heading: "Instance profiles (2)".into(),
                items: vec![
                    "role a instance profiles".into(),
                    "role b instance profiles".into(),
                ],
            },
        ],
    });
    let root = common::mount::<NoticeDetailsView>(NoticeDetailsProps { details });
    settle().await;
    let toggles = root.query_selector_all(".notice-group-toggle").unwrap();
    assert_eq!(toggles.length(), 2);
    let first = q(&root, ".notice-group-toggle");
    assert_eq!(
        first.get_attribute("aria-expanded").as_deref(),
        Some("false")
    );
    assert!(
        first
            .text_content()
            .unwrap()
            .contains("Older policy versions (300)")
    );
    // Folded: no item is in the page.
    assert_eq!(
        root.query_selector_all(".notice-group-items li")
            .unwrap()
            .length(),
        0
    );
    click(&first).await;
    let first = q(&root, ".notice-group-toggle");
    assert_eq!(
        first.get_attribute("aria-expanded").as_deref(),
        Some("true")
    );
    let list_id = first.get_attribute("aria-controls").unwrap();
    let list = q(&root, &format!("#{list_id}"));
    assert_eq!(list.query_selector_all("li").unwrap().length(), 300);
    // The other kind stays folded; closing the first removes its items again.
    assert_eq!(
        root.query_selector_all(".notice-group-items")
            .unwrap()
            .length(),
        1
    );
    click(&first).await;
    assert_eq!(
        root.query_selector_all(".notice-group-items li")
            .unwrap()
            .length(),
        0
    );
}

#[wasm_bindgen_test]
async fn pasted_terraform_opens_as_a_new_scenario_with_the_place_of_what_is_left_out() {
    let (root, store) = mount(example()).await;
    let config = "resource \"aws_iam_group\" \"admins\" {\n  name = \"administrators\"\n}\nresource \"aws_iam_user\" \"admin\" {\n  name = \"admin\"\n}\nresource \"aws_iam_user_group_membership\" \"admin\" {\n  user   = aws_iam_user.admin.name\n  groups = [aws_iam_group.admins.name]\n}\nresource \"aws_lambda_function\" \"fn\" {\n  function_name = \"fn\"\n}\n";
    type_into(&q(&root, "textarea.export-import-text"), config).await;
    click(&q(&root, ".export-import-run")).await;
    let s = store.get();
    assert_eq!(
        s.scenario.user("admin").map(|u| u.groups.clone()),
        Some(vec!["administrators".to_string()])
    );
    let notice = s.notice.clone().unwrap();
    assert!(
        notice.text.contains("Terraform configuration (HCL)"),
        "{}",
        notice.text
    );
    // The report counts the left-out item by kind; its place is in the folded details.
    assert!(notice.text.contains("Left out 1 item"), "{}", notice.text);
    let items: Vec<String> = notice
        .details
        .as_ref()
        .map(|d| d.groups.iter().flat_map(|g| g.items.clone()).collect())
        .unwrap_or_default();
    assert!(
        items
            .iter()
            .any(|i| i.contains("resource aws_lambda_function.fn (line 11, column 1)")),
        "{items:?}"
    );
    // The file picker takes .tf files, several at once.
    let input = q(&root, ".export-file-input");
    let accept = input.get_attribute("accept").unwrap();
    assert!(accept.contains(".tf"), "{accept}");
    assert!(input.has_attribute("multiple"));
}

#[wasm_bindgen_test]
async fn terraform_shows_hcl_with_the_policy_style_choice() {
    let (root, _store) = mount(example()).await;
    // The policy style is Terraform's option only.
    assert!(
        root.query_selector("[data-policy-style]")
            .unwrap()
            .is_none()
    );
    click(&q(&root, "button[data-format=terraform]")).await;
    assert_eq!(
        q(&root, "button[data-format=terraform]")
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("true")
    );
    let code = q(&root, "pre.export-code");
    assert_eq!(code.get_attribute("data-format").as_deref(), Some("hcl"));
    let text = code.text_content().unwrap();
    assert!(text.contains("resource \"aws_iam_user\""), "{text}");
    assert!(text.contains("data \"aws_caller_identity\" \"current\" {}"));
    assert!(text.contains("jsonencode("), "{text}");
    for class in ["tok-key", "tok-fn", "tok-string", "tok-comment"] {
        assert!(
            root.query_selector(&format!("pre.export-code .{class}"))
                .unwrap()
                .is_some(),
            "{class}"
        );
    }
    assert_eq!(
        q(&root, ".export-download").text_content().as_deref(),
        Some("Download main.tf")
    );
    let note = q(&root, ".export-left-out").text_content().unwrap();
    assert!(note.contains("not managed by Terraform"), "{note}");
    assert_eq!(
        q(&root, "button[data-policy-style=jsonencode]")
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("true")
    );

    click(&q(&root, "button[data-policy-style=document]")).await;
    let text = q(&root, "pre.export-code").text_content().unwrap();
    assert!(text.contains("data \"aws_iam_policy_document\""), "{text}");
    assert!(text.contains(".json\n"), "{text}");
    assert_eq!(
        q(&root, "button[data-policy-style=document]")
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("true")
    );
    // Back to CloudFormation: the policy style goes, the template comes back.
    click(&q(&root, "button[data-format=yaml]")).await;
    assert!(
        root.query_selector("[data-policy-style]")
            .unwrap()
            .is_none()
    );
    assert!(
        q(&root, "pre.export-code")
            .text_content()
            .unwrap()
            .contains("AWS::IAM::User")
    );
}

/// A scenario of 600 roles: over CloudFormation's 500 resources per stack.
fn six_hundred_roles() -> Scenario {
    let mut s = Scenario::new("111122223333");
    s.title = "Big account".into();
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    for i in 0..600 {
        s.roles
            .push(iam_engine::scenario::Role::new(format!("role-{i}"), trust));
    }
    s
}

#[wasm_bindgen_test]
async fn a_scenario_over_the_stack_quota_exports_a_parent_and_nested_stacks_to_show_one_by_one() {
    let (root, _store) = mount(six_hundred_roles()).await;
    let note = q(&root, ".export-split").text_content().unwrap();
    assert!(note.contains("600 resources"), "{note}");
    assert!(note.contains("PartsUrl"), "{note}");
    let commands = q(&root, ".export-split-commands").text_content().unwrap();
    assert!(
        commands.contains("--template-file Big-account.yaml"),
        "{commands}"
    );
    let files: Vec<String> = {
        let list = root.query_selector_all(".export-split-file").unwrap();
        (0..list.length())
            .filter_map(|i| list.item(i))
            .filter_map(|n| n.dyn_into::<Element>().ok())
            .filter_map(|e| e.get_attribute("data-file"))
            .collect()
    };
    assert_eq!(
        files,
        [
            "Big-account.yaml",
            "Big-account-part-1.yaml",
            "Big-account-part-2.yaml"
        ]
    );
    // The parent is shown first; its resources are the nested stacks.
    let code = q(&root, "pre.export-code").text_content().unwrap();
    assert!(code.contains("Type: AWS::CloudFormation::Stack"), "{code}");
    // Showing the second part shows its 100 roles.
    click(&q(
        &root,
        "[data-file='Big-account-part-2.yaml'] .export-split-show",
    ))
    .await;
    let code = q(&root, "pre.export-code").text_content().unwrap();
    assert!(
        code.contains("RoleName: role-599"),
        "the last part holds the last role"
    );
    assert!(!code.contains("AWS::CloudFormation::Stack"));
    assert!(
        q(&root, ".export-download")
            .text_content()
            .unwrap()
            .contains("Big-account-part-2.yaml")
    );
    // JSON splits the same way, back on the parent.
    click(&q(&root, "button[data-format=json]")).await;
    assert!(
        q(&root, "[data-file='Big-account.json'] .export-split-show")
            .get_attribute("aria-pressed")
            .as_deref()
            == Some("true")
    );
}

#[wasm_bindgen_test]
async fn the_template_is_written_off_the_render_with_a_loading_state_until_it_arrives() {
    let (root, _store) =
        mount_with_store(example(), Selection::default(), html! { <ExportView /> }).await;
    // Rendered once: the export is asked for, not written during the render.
    let loading = q(&root, ".export-loading");
    assert_eq!(loading.get_attribute("role").as_deref(), Some("status"));
    assert_eq!(
        loading.text_content().unwrap(),
        "Writing the CloudFormation template (YAML)…"
    );
    assert!(
        root.query_selector(".export-template pre.export-code")
            .unwrap()
            .is_none()
    );
    let code = find(&root, ".export-template pre.export-code").await;
    assert!(code.text_content().unwrap().contains("AWS::IAM::User"));
    assert!(root.query_selector(".export-loading").unwrap().is_none());
    // Another format is asked for in turn; coming back to YAML shows the kept text at once.
    click(&q(&root, "button[data-format=terraform]")).await;
    find(&root, "pre.export-code[data-format=hcl]").await;
    q(&root, "button[data-format=yaml]")
        .dyn_ref::<web_sys::HtmlElement>()
        .unwrap()
        .click();
    yew::scheduler::flush().await;
    assert!(
        root.query_selector("pre.export-code[data-format=yaml]")
            .unwrap()
            .is_some()
    );
}

#[wasm_bindgen_test]
async fn a_large_import_shows_its_progress_and_can_be_cancelled() {
    let root = common::mount::<ImportProgressBar>(());
    yew::scheduler::flush().await;
    assert!(root.query_selector(".import-progress").unwrap().is_none());
    import_progress::begin(9_001, "real-account.json (38.6 MB)".to_owned());
    yew::scheduler::flush().await;
    let bar = q(&root, ".import-progress");
    assert_eq!(bar.get_attribute("role").as_deref(), Some("status"));
    let text = bar.text_content().unwrap();
    assert!(
        text.contains("Importing real-account.json (38.6 MB)"),
        "{text}"
    );
    assert!(text.contains("Reading…"), "{text}");
    import_progress::advance(9_001, 1_000, 8_300);
    yew::scheduler::flush().await;
    let text = q(&root, ".import-progress").text_content().unwrap();
    assert!(
        text.contains("1,000 of 8,300 entities on the page"),
        "{text}"
    );
    let progress = q(&root, "progress.import-progress-bar");
    assert_eq!(progress.get_attribute("value").as_deref(), Some("1000"));
    assert_eq!(progress.get_attribute("max").as_deref(), Some("8300"));
    // Another job's progress is not this one's.
    import_progress::advance(9_002, 5, 10);
    yew::scheduler::flush().await;
    assert_eq!(
        q(&root, "progress.import-progress-bar")
            .get_attribute("value")
            .as_deref(),
        Some("1000")
    );
    click(&q(&root, ".import-progress-cancel")).await;
    assert!(root.query_selector(".import-progress").unwrap().is_none());
    assert_eq!(import_progress::current(), None);
}
