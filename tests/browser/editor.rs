//! Browser tests of the policy editor, mounted alone in a small wrapper that stores the text
//! (or refuses it) and provides the action catalog, run by wasm-bindgen-test in headless
//! Chromium.

use crate::common;

use std::rc::Rc;

use iam_engine::catalog::Catalog;
use iam_engine::policy::PolicyType;
use iam_engine::span::Span;
use iam_playground_app::components::editor::{EditorHighlight, PolicyEditor};
use iam_playground_app::data::Loadable;
use iam_playground_app::store::HighlightKind;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::{Element, HtmlElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::common::CATALOG;

thread_local! {
    static PARSED: Rc<Catalog> = Rc::new(Catalog::parse(CATALOG).unwrap());
}

#[derive(Properties, PartialEq, Default)]
struct WrapperProps {
    text: String,
    #[prop_or_default]
    highlights: Vec<EditorHighlight>,
    /// Refuse every change, like a caller over a quota.
    #[prop_or_default]
    refuse: bool,
    #[prop_or_default]
    jump: Option<Span>,
    #[prop_or_default]
    readonly: bool,
}

/// Stores the text like the workspace does, and shows the stored copy for the assertions.
#[component]
fn Wrapper(props: &WrapperProps) -> Html {
    let text = use_state(|| props.text.clone());
    let error = use_state(|| None::<AttrValue>);
    let on_change = {
        let text = text.clone();
        let error = error.clone();
        let refuse = props.refuse;
        Callback::from(move |t: String| {
            if refuse {
                error.set(Some("The policy is over its size quota.".into()));
            } else {
                text.set(t);
            }
        })
    };
    let catalog = Loadable::Ready(PARSED.with(Rc::clone));
    html! {
        <ContextProvider<Loadable<Catalog>> context={catalog}>
            <PolicyEditor text={AttrValue::from((*text).clone())} policy_type={PolicyType::Identity}
                {on_change} label="Test policy" highlights={props.highlights.clone()}
                error={(*error).clone()} jump={props.jump} readonly={props.readonly} />
            <pre class="stored">{ (*text).clone() }</pre>
        </ContextProvider<Loadable<Catalog>>>
    }
}

fn mount(props: WrapperProps) -> Element {
    common::mount::<Wrapper>(props)
}

/// Mounts an editable editor holding `text`, and renders it.
async fn mount_text(text: impl Into<String>) -> Element {
    let root = mount(WrapperProps {
        text: text.into(),
        ..Default::default()
    });
    yew::scheduler::flush().await;
    root
}

/// Clicks the element `selector` matches, and renders.
async fn click(root: &Element, selector: &str) {
    root.query_selector(selector)
        .unwrap()
        .unwrap()
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
    yew::scheduler::flush().await;
}

fn area(root: &Element) -> HtmlTextAreaElement {
    root.query_selector("textarea.policy-text")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap()
}

/// Sets the textarea's text and caret, then fires `input` as typing `data` would.
fn type_text(root: &Element, text: &str, caret: Option<u32>, data: Option<&str>) {
    let area = area(root);
    area.set_value(text);
    let caret = caret.unwrap_or_else(|| text.encode_utf16().count() as u32);
    area.set_selection_range(caret, caret).unwrap();
    let init = web_sys::InputEventInit::new();
    init.set_bubbles(true);
    init.set_input_type(if data.is_some() {
        "insertText"
    } else {
        "insertFromPaste"
    });
    init.set_data(data);
    let event = web_sys::InputEvent::new_with_event_init_dict("input", &init).unwrap();
    area.dispatch_event(&event).unwrap();
}

fn key(root: &Element, key: &str, code: &str, ctrl: bool, shift: bool, alt: bool) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_code(code);
    init.set_ctrl_key(ctrl);
    init.set_shift_key(shift);
    init.set_alt_key(alt);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event =
        web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    area(root).dispatch_event(&event).unwrap();
}

/// Flushes Yew and waits until `selector` matches, or fails after about two seconds.
async fn wait_for(root: &Element, selector: &str) -> Element {
    for _ in 0..200 {
        yew::scheduler::flush().await;
        if let Some(el) = root.query_selector(selector).unwrap() {
            return el;
        }
        gloo::timers::future::TimeoutFuture::new(10).await;
    }
    panic!("nothing matched {selector:?}");
}

fn stored(root: &Element) -> String {
    root.query_selector("pre.stored")
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap()
}

#[wasm_bindgen_test]
async fn invalid_json_is_underlined_and_listed_at_its_line_and_column() {
    let root = mount_text("{}").await;
    type_text(
        &root,
        "{\n    \"Version\": \"2012-10-17\",\n    \"Statement\": [1,]\n}",
        None,
        None,
    );
    let underline = wait_for(&root, ".pe-layer .diag.sev-error").await;
    assert!(underline.get_attribute("title").unwrap().contains("error"));
    wait_for(&root, ".diag-list .sev-error .diag-jump").await;
    let items = root.query_selector_all(".diag-list .diag-jump").unwrap();
    let item = (0..items.length())
        .filter_map(|i| items.item(i))
        .map(|n| n.dyn_into::<Element>().unwrap())
        .find(|e| e.text_content().unwrap().contains("comma"))
        .expect("the trailing comma is listed");
    let text = item.text_content().unwrap();
    assert!(text.contains("Line 3, column 20"), "{text}");
    // Clicking the problem selects its span in the textarea.
    item.dyn_into::<HtmlElement>().unwrap().click();
    yew::scheduler::flush().await;
    let area = area(&root);
    let start = area.selection_start().unwrap().unwrap();
    assert_eq!(
        area.value().chars().nth(start as usize),
        Some(','),
        "selected at {start}"
    );
}

#[wasm_bindgen_test]
async fn typing_an_action_prefix_suggests_actions_with_their_access_level() {
    let root = mount_text("{}").await;
    let text = "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:Get\"}]}";
    let caret = text.find("s3:Get").unwrap() as u32 + 6;
    type_text(&root, text, Some(caret), Some("t"));
    let list = wait_for(&root, ".ac-list[role=listbox]").await;
    let first = list.query_selector("[role=option]").unwrap().unwrap();
    assert!(first.text_content().unwrap().starts_with("s3:Get"));
    assert!(
        list.text_content().unwrap().contains("Read"),
        "access levels are shown"
    );
    let area = area(&root);
    assert_eq!(
        area.get_attribute("aria-activedescendant"),
        first.get_attribute("id")
    );
    key(&root, "ArrowDown", "ArrowDown", false, false, false);
    yew::scheduler::flush().await;
    let second = list
        .query_selector_all("[role=option]")
        .unwrap()
        .item(1)
        .unwrap()
        .dyn_into::<Element>()
        .unwrap();
    assert_eq!(
        second.get_attribute("aria-selected").as_deref(),
        Some("true")
    );
    let chosen = second
        .query_selector(".ac-label")
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap();
    key(&root, "Enter", "Enter", false, false, false);
    yew::scheduler::flush().await;
    assert!(root.query_selector(".ac-list").unwrap().is_none());
    assert!(
        area.value().contains(&format!("\"Action\": \"{chosen}\"")),
        "{}",
        area.value()
    );
    assert_eq!(stored(&root), area.value());

    // Ctrl+Space opens the list anywhere; Escape closes it.
    let caret = area.value().find("\"Allow\"").unwrap() as u32 + 1;
    area.set_selection_range(caret, caret).unwrap();
    key(&root, " ", "Space", true, false, false);
    let list = wait_for(&root, ".ac-list").await;
    assert!(list.text_content().unwrap().contains("Deny"));
    key(&root, "Escape", "Escape", false, false, false);
    yew::scheduler::flush().await;
    assert!(root.query_selector(".ac-list").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn format_pretty_prints_keeping_key_order() {
    let root = mount_text(r#"{"Statement":[{"Resource":"*","Effect":"Allow","Action":"s3:ListBucket"}],"Version":"2012-10-17"}"#).await;
    click(&root, ".pe-format").await;
    let expected = "{\n    \"Statement\": [\n        {\n            \"Resource\": \"*\",\n            \"Effect\": \"Allow\",\n            \"Action\": \"s3:ListBucket\"\n        }\n    ],\n    \"Version\": \"2012-10-17\"\n}";
    assert_eq!(area(&root).value(), expected);
    assert_eq!(stored(&root), expected);

    // Shift+Alt+F on broken JSON says why instead of changing anything.
    type_text(&root, "{\"a\": }", None, None);
    yew::scheduler::flush().await;
    key(&root, "F", "KeyF", false, true, true);
    let notice = wait_for(&root, ".pe-notice").await;
    assert!(notice.text_content().unwrap().contains("line 1"));
    assert_eq!(area(&root).value(), "{\"a\": }");
}

#[wasm_bindgen_test]
async fn highlights_show_a_band_a_label_and_a_gutter_letter() {
    let text = "{\n  \"Statement\": [\n    {\"Effect\": \"Deny\", \"Action\": \"*\", \"Resource\": \"*\"}\n  ]\n}";
    let start = text.find("{\"Effect\"").unwrap();
    let end = text.find("}\n  ]").unwrap() + 1;
    let root = mount(WrapperProps {
        text: text.into(),
        highlights: vec![EditorHighlight {
            span: Span::new(start, end),
            kind: HighlightKind::Deny,
            label: "statement #0 denies the request".into(),
        }],
        refuse: false,
        ..Default::default()
    });
    let badge = wait_for(&root, ".pe-layer .hl-badge.hl-deny").await;
    assert_eq!(
        badge.text_content().unwrap(),
        "Denies: statement #0 denies the request"
    );
    assert!(
        root.query_selector(".pe-layer span.hl-deny[title]")
            .unwrap()
            .is_some()
    );
    let mark = wait_for(&root, ".pe-line.hl-deny .pe-mark").await;
    assert_eq!(mark.text_content().unwrap(), "D");
    let listed = wait_for(&root, ".hl-list .hl-item").await;
    assert!(listed.text_content().unwrap().contains("(line 3)"));
}

#[wasm_bindgen_test]
async fn a_refused_change_keeps_the_users_text_and_shows_why() {
    let root = mount(WrapperProps {
        text: "{}".into(),
        refuse: true,
        ..Default::default()
    });
    yew::scheduler::flush().await;
    type_text(
        &root,
        "{\"Version\": \"<script>alert(1)</script> é😀\"}",
        None,
        None,
    );
    let alert = wait_for(&root, ".field-error[role=alert]").await;
    assert!(alert.text_content().unwrap().contains("quota"));
    assert_eq!(stored(&root), "{}");
    assert_eq!(
        area(&root).value(),
        "{\"Version\": \"<script>alert(1)</script> é😀\"}"
    );
    // The markup is text, never elements.
    assert!(root.query_selector(".pe-layer script").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn a_one_megabyte_paste_stays_responsive_and_is_reported() {
    let root = mount_text("{}").await;
    let statement = "{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"},\n";
    let mut big = String::from("{\"Statement\": [\n");
    while big.len() < 1024 * 1024 {
        big.push_str(statement);
    }
    big.push_str("{}]}");
    let performance = gloo::utils::window().performance().unwrap();
    let t0 = performance.now();
    type_text(&root, &big, None, None);
    yew::scheduler::flush().await;
    let rendered = performance.now() - t0;
    wait_for(&root, ".pe-note").await;
    let mut found = false;
    for _ in 0..300 {
        yew::scheduler::flush().await;
        let list = root.query_selector(".diag-list").unwrap();
        if list.is_some_and(|l| l.text_content().unwrap().contains("characters long")) {
            found = true;
            break;
        }
        gloo::timers::future::TimeoutFuture::new(10).await;
    }
    let checked = performance.now() - t0;
    assert!(found, "the size quota finding appears after the pause");
    assert_eq!(area(&root).value().len(), big.len());
    web_sys::console::log_1(
        &format!("1 MB paste: first render {rendered:.0} ms, size finding after {checked:.0} ms")
            .into(),
    );
    assert!(rendered < 2000.0, "first render took {rendered} ms");
}

#[wasm_bindgen_test]
async fn the_visual_editor_edits_the_same_text_in_place() {
    let text = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": \"s3:GetObject\",\n      \"Resource\": \"*\"\n    }\n  ]\n}";
    let root = mount_text(text).await;
    let visual = root
        .query_selector(".pe-views button:nth-child(2)")
        .unwrap()
        .unwrap()
        .dyn_into::<HtmlElement>()
        .unwrap();
    visual.click();
    let select = wait_for(&root, ".ve-stmt select[id$=-effect]")
        .await
        .dyn_into::<web_sys::HtmlSelectElement>()
        .unwrap();
    select.set_value("Deny");
    select
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    yew::scheduler::flush().await;
    assert_eq!(stored(&root), text.replace("\"Allow\"", "\"Deny\""));
    // Removing the action chip leaves an empty list, in place.
    click(&root, ".ve-chip-remove").await;
    assert_eq!(
        stored(&root),
        text.replace("\"Allow\"", "\"Deny\"")
            .replace("\"s3:GetObject\"", "[]")
    );
}

#[wasm_bindgen_test]
async fn typing_in_a_long_policy_stays_quick() {
    // A 30 KB policy: just under the highlighting limit, three times AWS's largest quota.
    let statement = "        {\"Effect\": \"Allow\", \"Action\": [\"s3:GetObject\", \"s3:PutObject\"], \"Resource\": \"arn:aws:s3:::bucket/*\"},\n";
    let mut text = String::from("{\n    \"Version\": \"2012-10-17\",\n    \"Statement\": [\n");
    while text.len() < 30 * 1024 {
        text.push_str(statement);
    }
    text.push_str(
        "        {\"Effect\": \"Deny\", \"Action\": \"*\", \"Resource\": \"*\"}\n    ]\n}",
    );
    let root = mount(WrapperProps {
        text: text.clone(),
        highlights: vec![],
        refuse: false,
        ..Default::default()
    });
    wait_for(&root, ".pe-layer .tok-key").await;
    let performance = gloo::utils::window().performance().unwrap();
    let mut worst = 0.0f64;
    let mut typed = text.clone();
    for (i, c) in ["x", "y", "z"].iter().enumerate() {
        typed.insert_str(10 + i, c);
        let t0 = performance.now();
        type_text(&root, &typed, Some(11 + i as u32), Some(c));
        yew::scheduler::flush().await;
        worst = worst.max(performance.now() - t0);
    }
    web_sys::console::log_1(
        &format!("30 KB policy: slowest keystroke {worst:.0} ms (debug build)").into(),
    );
    assert_eq!(area(&root).value(), typed);
    assert!(worst < 3000.0, "a keystroke took {worst} ms");
}

#[wasm_bindgen_test]
async fn a_jump_selects_its_span_and_readonly_offers_no_editing() {
    let text = "{\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}\n  ]\n}";
    // A span after a multi-byte character checks the byte to UTF-16 conversion too.
    let text = text.replace("GetObject", "GetObject\u{e9}x");
    let start = text.find("\"Resource\"").unwrap();
    let root = mount(WrapperProps {
        text: text.clone(),
        jump: Some(Span::new(start, start + 10)),
        readonly: true,
        ..Default::default()
    });
    yew::scheduler::flush().await;
    yew::scheduler::flush().await;
    let area = area(&root);
    let utf16_start = text[..start].encode_utf16().count() as u32;
    assert_eq!(area.selection_start().unwrap(), Some(utf16_start));
    assert_eq!(area.selection_end().unwrap(), Some(utf16_start + 10));
    assert!(area.read_only());
    assert!(root.query_selector(".pe-format").unwrap().is_none());
    assert!(root.query_selector(".pe-views").unwrap().is_none());
}
