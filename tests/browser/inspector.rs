//! Browser tests of the workspace inspector: the right panel for the selection, validation as
//! you type with the engine's messages, refused edits that keep the typed text and leave the
//! scenario unchanged, quota meters, and "Simulate as this principal".

use crate::common;

use common::{HostedStore, click, find, mount_with_store, settle, type_into};

use iam_engine::catalog::ManagedPolicies;
use iam_engine::scenario::{
    DocumentRef, Group, IdentityRef, InlinePolicy, PolicyRef, Role, Scenario, Target, User,
};
use iam_playground_app::components::workspace::inspector::Inspector;
use iam_playground_app::data::Loadable;
use iam_playground_app::store::{Selection, View};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::{Element, HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

async fn press(el: &Element, key: &str) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    let event =
        web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    el.dispatch_event(&event).unwrap();
    settle().await;
}

fn value(el: &Element) -> String {
    el.dyn_ref::<HtmlInputElement>().unwrap().value()
}

fn text(el: &Element) -> String {
    el.text_content().unwrap_or_default()
}

async fn mount(scenario: Scenario, selection: Selection) -> (Element, HostedStore) {
    mount_with_store(scenario, selection, html! { <Inspector /> }).await
}

fn two_users() -> Scenario {
    let mut s = Scenario::new("111122223333");
    s.add_user(User::new("alice")).unwrap();
    s.add_user(User::new("bob")).unwrap();
    s
}

fn user(name: &str) -> Selection {
    Selection::entity(Target::User {
        name: name.to_owned(),
    })
}

#[wasm_bindgen_test]
async fn nothing_selected_shows_the_account() {
    let (root, store) = mount(two_users(), Selection::default()).await;
    find(&root, "[data-panel=\"account\"]").await;
    let id = find(&root, "[data-field=\"account-id\"] input").await;
    assert_eq!(value(&id), "111122223333");
    // An invalid id is reported as typed and never stored.
    type_into(&id, "12345").await;
    let error = find(&root, "[data-field=\"account-id\"] .field-error").await;
    assert!(text(&error).contains("12 digits"), "{}", text(&error));
    press(&id, "Enter").await;
    assert_eq!(store.get().scenario.account.id, "111122223333");
    assert_eq!(value(&id), "12345");
    // Escape puts the stored value back.
    press(&id, "Escape").await;
    assert_eq!(value(&id), "111122223333");
    assert!(
        root.query_selector("[data-field=\"account-id\"] .field-error")
            .unwrap()
            .is_none()
    );
}

#[wasm_bindgen_test]
async fn a_name_with_markup_is_refused_beside_the_field_and_kept() {
    let (root, store) = mount(two_users(), user("alice")).await;
    let name = find(&root, "[data-panel=\"user\"] [data-field=\"name\"] input").await;
    type_into(&name, "<script>alert(1)</script>").await;
    let error = find(&root, "[data-field=\"name\"] .field-error").await;
    assert_eq!(error.get_attribute("role").as_deref(), Some("alert"));
    assert!(
        text(&error).contains("may contain only letters"),
        "{}",
        text(&error)
    );
    assert_eq!(name.get_attribute("aria-invalid").as_deref(), Some("true"));
    // The message is text, not markup.
    assert!(error.query_selector("script").unwrap().is_none());
    press(&name, "Enter").await;
    assert!(store.get().scenario.user("alice").is_some());
    assert_eq!(value(&name), "<script>alert(1)</script>");
    // IAM names are ASCII: a name in another script gets the same clear refusal.
    type_into(&name, "名前").await;
    let error = find(&root, "[data-field=\"name\"] .field-error").await;
    assert!(text(&error).contains("'名'"), "{}", text(&error));
    press(&name, "Enter").await;
    assert_eq!(value(&name), "名前");
    assert!(!store.get().can_undo());
}

#[wasm_bindgen_test]
async fn a_duplicate_name_is_refused_with_the_engines_message() {
    let (root, store) = mount(two_users(), user("bob")).await;
    let name = find(&root, "[data-panel=\"user\"] [data-field=\"name\"] input").await;
    type_into(&name, "ALICE").await;
    press(&name, "Enter").await;
    let error = find(&root, "[data-field=\"name\"] .field-error").await;
    assert!(text(&error).contains("already exists"), "{}", text(&error));
    assert_eq!(value(&name), "ALICE");
    assert!(store.get().scenario.user("bob").is_some());
    assert!(!store.get().can_undo());
}

#[wasm_bindgen_test]
async fn a_rename_follows_the_user() {
    let (root, store) = mount(two_users(), user("bob")).await;
    let name = find(&root, "[data-panel=\"user\"] [data-field=\"name\"] input").await;
    type_into(&name, "robert").await;
    press(&name, "Enter").await;
    assert!(store.get().scenario.user("robert").is_some());
    assert_eq!(store.get().selection, user("robert"));
    let heading = find(&root, "[data-panel=\"user\"] h2").await;
    assert!(text(&heading).contains("robert"));
}

#[wasm_bindgen_test]
async fn an_oversized_inline_policy_keeps_the_text_and_shows_the_quota_message() {
    let mut s = two_users();
    let target = Target::User {
        name: "alice".into(),
    };
    s.put_inline_policy(
        &iam_engine::scenario::IdentityRef::User("alice".into()),
        "S3",
        "{\"Version\":\"2012-10-17\",\"Statement\":[]}",
    )
    .unwrap();
    let selection = Selection::document(target, DocumentRef::Inline { name: "S3".into() }, None);
    let (root, store) = mount(s, selection).await;
    let area = find(
        &root,
        "textarea[aria-label=\"Inline policy S3 of user alice\"]",
    )
    .await;
    let big = format!("{{\"Sid\":\"{}\"}}", "x".repeat(3000));
    type_into(&area, &big).await;
    let error = find(&root, ".doc-editor [role=\"alert\"]").await;
    assert!(text(&error).contains("2048"), "{}", text(&error));
    assert_eq!(area.dyn_ref::<HtmlTextAreaElement>().unwrap().value(), big);
    assert_eq!(
        store.get().scenario.user("alice").unwrap().inline_policies,
        vec![InlinePolicy {
            name: "S3".into(),
            document: "{\"Version\":\"2012-10-17\",\"Statement\":[]}".into()
        }]
    );
    // A text within the quota is stored at once.
    type_into(&area, "{}").await;
    assert_eq!(
        store.get().scenario.user("alice").unwrap().inline_policies[0].document,
        "{}"
    );
    let meter = find(
        &root,
        "[data-quota=\"Inline policy characters (no whitespace)\"]",
    )
    .await;
    assert!(text(&meter).contains("2 of 2,048"), "{}", text(&meter));
}

#[wasm_bindgen_test]
async fn simulate_as_sets_the_principal_and_opens_the_simulator() {
    let (root, store) = mount(two_users(), user("alice")).await;
    let button = find(&root, "[data-action=\"simulate-as\"]").await;
    click(&button).await;
    assert_eq!(store.get().request.principal, "user/alice");
    assert_eq!(store.get().view, View::Simulate);
}

#[wasm_bindgen_test]
async fn a_session_longer_than_twelve_hours_is_refused() {
    let mut s = two_users();
    s.add_role(Role::new("Admin", "{}")).unwrap();
    let (root, store) = mount(
        s,
        Selection::entity(Target::Role {
            name: "Admin".into(),
        }),
    )
    .await;
    let hours = find(&root, "[data-field=\"session\"] input").await;
    type_into(&hours, "13").await;
    let error = find(&root, "[data-field=\"session\"] .field-error").await;
    assert!(text(&error).contains("12 hours"), "{}", text(&error));
    type_into(&hours, "2").await;
    press(&hours, "Enter").await;
    assert_eq!(
        store
            .get()
            .scenario
            .role("Admin")
            .unwrap()
            .max_session_duration,
        7200
    );
}

#[wasm_bindgen_test]
async fn the_account_panel_adds_a_user_and_opens_it() {
    let (root, store) = mount(two_users(), Selection::default()).await;
    let name = find(&root, "[data-field=\"add-name\"]").await;
    type_into(&name, "alice").await;
    let error = find(&root, ".add-entity .field-error").await;
    assert!(text(&error).contains("already exists"));
    type_into(&name, "carol").await;
    assert!(
        root.query_selector(".add-entity .field-error")
            .unwrap()
            .is_none()
    );
    click(&find(&root, "[data-action=\"add-entity\"]").await).await;
    assert!(store.get().scenario.user("carol").is_some());
    find(&root, "[data-panel=\"user\"]").await;
}

#[wasm_bindgen_test]
async fn groups_per_user_are_capped_at_ten() {
    let mut s = two_users();
    for i in 0..11 {
        s.add_group(iam_engine::scenario::Group::new(format!("g{i}")))
            .unwrap();
    }
    for i in 0..10 {
        s.add_user_to_group("alice", &format!("g{i}")).unwrap();
    }
    let (root, _store) = mount(s, user("alice")).await;
    click(&find(&root, "[data-action=\"join-group\"]").await).await;
    let error = find(&root, ".groups .field-error").await;
    assert!(text(&error).contains("10 groups"), "{}", text(&error));
    let meter = find(&root, "[data-quota=\"Groups\"]").await;
    assert!(text(&meter).contains("10 of 10"));
}

#[wasm_bindgen_test]
async fn a_finding_opens_its_policy_and_selects_its_span() {
    let mut s = two_users();
    let text = "{\"Version\":\"2012-10-17\",\"Statement\":[]}";
    s.put_inline_policy(
        &iam_engine::scenario::IdentityRef::User("alice".into()),
        "Other",
        "{}",
    )
    .unwrap();
    s.put_inline_policy(
        &iam_engine::scenario::IdentityRef::User("alice".into()),
        "S3",
        text,
    )
    .unwrap();
    // What the findings view dispatches for a finding in inline policy S3 of alice.
    let selection = Selection::document(
        Target::User {
            name: "alice".into(),
        },
        DocumentRef::Inline { name: "S3".into() },
        Some(iam_engine::span::Span { start: 2, end: 9 }),
    );
    let (root, _store) = mount(s, selection).await;
    let area = find(
        &root,
        "textarea[aria-label=\"Inline policy S3 of user alice\"]",
    )
    .await;
    // Only the selected document is open.
    assert!(
        root.query_selector("textarea[aria-label=\"Inline policy Other of user alice\"]")
            .unwrap()
            .is_none()
    );
    settle().await;
    let area = area.dyn_into::<HtmlTextAreaElement>().unwrap();
    assert_eq!(area.selection_start().unwrap(), Some(2));
    assert_eq!(area.selection_end().unwrap(), Some(9));
}

async fn click_action(root: &Element, action: &str) {
    click(&find(root, &format!("[data-action=\"{action}\"]")).await).await;
}

#[wasm_bindgen_test]
async fn tags_follow_aws_rules() {
    let (root, store) = mount(two_users(), user("alice")).await;
    let key = find(&root, "[data-field=\"new-tag-key\"]").await;
    let value_input = find(&root, "[data-field=\"new-tag-value\"]").await;
    type_into(&key, "team").await;
    type_into(&value_input, "blue").await;
    click_action(&root, "add-tag").await;
    assert_eq!(store.get().scenario.user("alice").unwrap().tags.len(), 1);
    // Tag keys are unique without regard to case.
    type_into(&key, "TEAM").await;
    click_action(&root, "add-tag").await;
    let error = find(&root, ".tags .field-error").await;
    assert!(!text(&error).is_empty());
    assert_eq!(store.get().scenario.user("alice").unwrap().tags.len(), 1);
    assert_eq!(value(&key), "TEAM");
}

#[wasm_bindgen_test]
async fn an_organization_level_keeps_at_least_one_scp() {
    let (root, store) = mount(two_users(), Selection::default()).await;
    // A standalone account's section is folded, its editor mounted when it opens.
    let section = find(&root, "[data-section=\"organization\"]").await;
    assert!(!section.has_attribute("open"));
    assert!(
        section
            .query_selector("[data-action=\"join-org\"]")
            .unwrap()
            .is_none()
    );
    click(&find(&root, "[data-section=\"organization\"] summary").await).await;
    click_action(&root, "join-org").await;
    let org = store.get().scenario.organization.clone().unwrap();
    assert_eq!(org.levels.len(), 2);
    let remove = find(
        &root,
        "[data-level=\"0\"] button[aria-label=\"Remove SCP FullAWSAccess at level 1\"]",
    )
    .await;
    click(&remove).await;
    let error = find(&root, "[data-level=\"0\"] .field-error").await;
    assert!(
        text(&error).contains("no service control policy"),
        "{}",
        text(&error)
    );
    assert_eq!(store.get().scenario.organization.as_ref(), Some(&org));
    // Open the SCP: the editor shows it with the SCP grammar.
    let edit = find(
        &root,
        "[data-level=\"0\"] button[aria-label=\"Edit SCP FullAWSAccess at level 1\"]",
    )
    .await;
    click(&edit).await;
    find(
        &root,
        "textarea[aria-label=\"SCP FullAWSAccess at level 1\"]",
    )
    .await;
    // Each organization policy shows its size against AWS's 5,120-character limit.
    let meter = find(&root, "[data-level=\"0\"] .quota").await;
    assert!(text(&meter).contains("of 5,120"), "{}", text(&meter));
}

#[wasm_bindgen_test]
async fn renaming_a_policy_rewrites_its_attachments() {
    let mut s = two_users();
    s.add_policy(iam_engine::scenario::ManagedPolicy::new("S3Read", "{}"))
        .unwrap();
    s.attach_policy(
        &iam_engine::scenario::IdentityRef::User("alice".into()),
        iam_engine::scenario::PolicyRef::customer("S3Read"),
    )
    .unwrap();
    let (root, store) = mount(
        s,
        Selection::entity(Target::Policy {
            name: "S3Read".into(),
        }),
    )
    .await;
    let attached = find(&root, "[data-section=\"attached\"]").await;
    assert!(text(&attached).contains("user alice"));
    let name = find(&root, "[data-panel=\"policy\"] [data-field=\"name\"] input").await;
    type_into(&name, "S3ReadOnly").await;
    press(&name, "Enter").await;
    assert_eq!(
        store.get().scenario.user("alice").unwrap().managed_policies,
        vec![iam_engine::scenario::PolicyRef::customer("S3ReadOnly")]
    );
    assert_eq!(
        store.get().selection,
        Selection::entity(Target::Policy {
            name: "S3ReadOnly".into()
        })
    );
}

#[wasm_bindgen_test]
async fn a_bucket_is_added_with_aws_naming_rules_and_gets_a_policy() {
    let (root, store) = mount(two_users(), Selection::default()).await;
    let kind = find(&root, "[data-field=\"add-kind\"]").await;
    kind.dyn_ref::<web_sys::HtmlSelectElement>()
        .unwrap()
        .set_value("s3");
    kind.dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    settle().await;
    let name = find(&root, "[data-field=\"add-name\"]").await;
    type_into(&name, "My_Bucket").await;
    find(&root, ".add-entity .field-error").await;
    type_into(&name, "my-bucket").await;
    click_action(&root, "add-entity").await;
    find(&root, "[data-panel=\"resource\"]").await;
    click_action(&root, "add-policy").await;
    find(
        &root,
        "textarea[aria-label=\"Resource-based policy of S3 bucket my-bucket\"]",
    )
    .await;
    let bucket = store
        .get()
        .scenario
        .resource(iam_engine::scenario::ResourceKind::S3Bucket, "my-bucket")
        .cloned()
        .unwrap();
    assert!(bucket.policy.unwrap().contains("arn:aws:s3:::my-bucket/*"));
}

#[wasm_bindgen_test]
async fn a_jump_opens_a_collapsed_section() {
    let mut s = two_users();
    s.put_inline_policy(
        &iam_engine::scenario::IdentityRef::User("alice".into()),
        "S3",
        "{\"Version\":\"2012-10-17\"}",
    )
    .unwrap();
    let (root, store) = mount(s, user("alice")).await;
    let section = find(&root, "[data-section=\"policies\"]").await;
    // The user collapsed the section.
    section.remove_attribute("open").unwrap();
    store
        .get()
        .dispatch(iam_playground_app::store::Action::Select {
            selection: Selection::document(
                Target::User {
                    name: "alice".into(),
                },
                DocumentRef::Inline { name: "S3".into() },
                Some(iam_engine::span::Span { start: 1, end: 10 }),
            ),
            show: true,
        });
    find(
        &root,
        "textarea[aria-label=\"Inline policy S3 of user alice\"]",
    )
    .await;
    settle().await;
    assert!(section.has_attribute("open"));
}

/// Mounts the inspector with the AWS-managed policies loaded, as the app provides them.
async fn mount_with_managed(scenario: Scenario, selection: Selection) -> (Element, HostedStore) {
    let (_, managed) = common::assets();
    let view = html! {
        <ContextProvider<Loadable<ManagedPolicies>> context={Loadable::Ready(managed)}>
            <Inspector />
        </ContextProvider<Loadable<ManagedPolicies>>>
    };
    mount_with_store(scenario, selection, view).await
}

const ADMIN_ACCESS: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

#[wasm_bindgen_test]
async fn an_aws_managed_policy_shows_its_document_and_users_and_copies_into_an_editable_one() {
    let mut scenario = two_users();
    scenario.add_group(Group::new("administrators")).unwrap();
    for identity in [
        IdentityRef::Group("administrators".into()),
        IdentityRef::User("alice".into()),
    ] {
        scenario
            .attach_policy(&identity, PolicyRef::Aws(ADMIN_ACCESS.into()))
            .unwrap();
    }
    let selection = Selection::entity(Target::AwsPolicy {
        arn: ADMIN_ACCESS.into(),
    });
    let (root, store) = mount_with_managed(scenario, selection).await;
    let panel = find(&root, "[data-panel=\"aws-policy\"]").await;
    assert!(text(&panel).contains("AdministratorAccess"));
    // AWS's document, read-only.
    let area = find(&panel, "textarea").await;
    let area = area.dyn_ref::<HtmlTextAreaElement>().unwrap();
    assert!(area.read_only());
    assert!(
        area.value().contains("\"Action\": \"*\""),
        "{}",
        area.value()
    );
    // Who uses it, each with a way there.
    let attached = find(&panel, "[data-section=\"attached\"]").await;
    let listed = text(&attached);
    assert!(listed.contains("group administrators"), "{listed}");
    assert!(listed.contains("user alice"), "{listed}");

    // The copy is a customer-managed policy with the same document, and the panel moves to it.
    let copy = find(&panel, "[data-action=\"copy-aws-policy\"]").await;
    click(&copy).await;
    let s = store.get();
    let policy = s.scenario.policy("AdministratorAccess-copy").unwrap();
    assert_eq!(policy.document, area.value());
    assert!(policy.description.contains("AdministratorAccess"));
    assert_eq!(
        s.selection.target,
        Some(Target::Policy {
            name: "AdministratorAccess-copy".into()
        })
    );
    find(&root, "[data-panel=\"policy\"]").await;
}

#[wasm_bindgen_test]
async fn an_unknown_aws_managed_policy_says_so() {
    let selection = Selection::entity(Target::AwsPolicy {
        arn: "arn:aws:iam::aws:policy/NoSuchPolicyEver".into(),
    });
    let (root, _store) = mount_with_managed(two_users(), selection).await;
    let panel = find(&root, "[data-panel=\"aws-policy\"]").await;
    let alert = find(&panel, "[role=\"alert\"]").await;
    assert!(
        text(&alert).contains("has no policy with this ARN"),
        "{}",
        text(&alert)
    );
    assert!(
        panel
            .query_selector("[data-action=\"copy-aws-policy\"]")
            .unwrap()
            .is_none()
    );
    assert!(panel.query_selector("textarea").unwrap().is_none());
}

/// An SCP that denies outside two Regions unless the caller is the admin role.
const REGION_SCP: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"DenyOtherRegions","Effect":"Deny","NotAction":["iam:*","sts:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"]},"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/Admin"}}}]}"#;

#[wasm_bindgen_test]
async fn an_open_scp_shows_its_truth_tables_and_they_follow_edits() {
    use iam_engine::scenario::{OrgLevel, OrgPolicy, Organization};
    let mut scenario = two_users();
    scenario.organization = Some(Organization {
        management_account: false,
        levels: vec![
            OrgLevel {
                name: "Root".into(),
                scps: vec![OrgPolicy {
                    name: "FullAWSAccess".into(),
                    document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#.into(),
                }],
                rcps: Vec::new(),
            },
            OrgLevel {
                name: "This account".into(),
                scps: vec![OrgPolicy {
                    name: "Regions".into(),
                    document: REGION_SCP.into(),
                }],
                rcps: Vec::new(),
            },
        ],
    });
    let selection = Selection::document(
        Target::Organization,
        DocumentRef::Scp { level: 1, index: 0 },
        None,
    );
    let (root, store) = mount(scenario, selection).await;
    let tables = find(&root, "[data-testid=\"guardrail-tables\"]").await;
    // The deny statement's table: a caption naming its set, the keys as column headers, an
    // explicit-deny row and rows merged to "any".
    let deny = find(&tables, ".guardrail-table[data-group=\"1\"]").await;
    let caption = text(&deny.query_selector("caption").unwrap().unwrap());
    assert!(
        caption.starts_with("NotAction iam:*, sts:* (statements DenyOtherRegions): "),
        "{caption}"
    );
    let heads: Vec<String> = (0..3)
        .map(|i| {
            let all = deny.query_selector_all("thead th[scope=\"col\"]").unwrap();
            all.get(i)
                .and_then(|n| n.text_content())
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(
        heads,
        ["aws:RequestedRegion", "aws:PrincipalArn", "This SCP"]
    );
    assert!(
        deny.query_selector("tr[data-decision=\"explicitDeny\"]")
            .unwrap()
            .is_some()
    );
    let any = deny.query_selector_all("td.any").unwrap().length();
    assert!(any >= 3, "{any} cells read any");
    // Without the admin exception, the table loses its aws:PrincipalArn column.
    let editor = find(&root, "textarea[aria-label=\"SCP Regions at level 2\"]").await;
    let edited = REGION_SCP.replace(
        r#","ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/Admin"}"#,
        "",
    );
    type_into(&editor, &edited).await;
    settle().await;
    let alert = root
        .query_selector(".doc-editor [role=\"alert\"]")
        .unwrap()
        .map(|e| text(&e));
    let org = store.get().scenario.organization.clone().unwrap();
    assert_eq!(org.levels[1].scps[0].document, edited, "{alert:?}");
    let deny = find(&root, ".guardrail-table[data-group=\"1\"]").await;
    assert_eq!(
        deny.query_selector_all("thead th[scope=\"col\"]")
            .unwrap()
            .length(),
        2
    );
}
