//! Browser tests of the app shell, run by wasm-bindgen-test in headless Chromium.

use crate::common;

use common::{clean_start, mount};
use iam_playground_app::App;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
async fn shell_renders_header_workspace_and_footer() {
    let _lock = clean_start().await;
    let root = mount::<App>(());
    yew::scheduler::flush().await;

    let title = root.query_selector("header h1").unwrap().unwrap();
    assert!(
        title
            .text_content()
            .unwrap()
            .contains("IAM Policy Playground")
    );
    assert!(root.query_selector("main#workspace").unwrap().is_some());

    let footer = root.query_selector("footer .version").unwrap().unwrap();
    assert_eq!(
        footer.text_content().unwrap(),
        format!("Version {}", iam_engine::VERSION)
    );
}

#[wasm_bindgen_test]
async fn footer_says_when_the_page_names_no_catalog() {
    // The test page has no <meta name="iam-data:iam-catalog">, so loading must fail with a
    // message for the user instead of hanging or panicking.
    let _lock = clean_start().await;
    let root = mount::<App>(());
    let mut state = String::new();
    for _ in 0..100 {
        yew::scheduler::flush().await;
        if let Some(el) = root.query_selector("footer .data-status").unwrap() {
            state = el.get_attribute("data-state").unwrap_or_default();
            if state == "failed" {
                assert!(
                    el.text_content()
                        .unwrap()
                        .contains("does not name the action catalog")
                );
                return;
            }
        }
        gloo::timers::future::TimeoutFuture::new(10).await;
    }
    panic!("the footer never reported the missing catalog (last state {state:?})");
}

#[wasm_bindgen_test]
async fn gallery_lists_every_example_and_selects_one() {
    use wasm_bindgen::JsCast;
    let _lock = clean_start().await;
    let root = mount::<App>(());
    yew::scheduler::flush().await;
    root.query_selector(".tabs [data-view=\"examples\"]")
        .unwrap()
        .unwrap()
        .dyn_into::<web_sys::HtmlElement>()
        .unwrap()
        .click();
    yew::scheduler::flush().await;
    let links = root
        .query_selector_all(".gallery-list .example-link")
        .unwrap();
    assert_eq!(
        links.length() as usize,
        iam_engine::scenario::gallery().len()
    );
    let current = root
        .query_selector(".example-link[aria-current=\"true\"]")
        .unwrap()
        .unwrap();
    let id = current.get_attribute("data-example").unwrap();
    let article = root
        .query_selector(&format!("article[data-example=\"{id}\"]"))
        .unwrap();
    assert!(article.is_some(), "the selected example {id} is shown");
}

#[wasm_bindgen_test]
fn counts_read_as_words() {
    use iam_playground_app::text::count;
    assert_eq!(count(1, "group", "groups"), "1 group");
    assert_eq!(count(0, "group", "groups"), "0 groups");
    assert_eq!(count(3, "group", "groups"), "3 groups");
}

#[wasm_bindgen_test]
async fn ask_lists_the_scenario_principals_and_waits_for_the_managed_policies() {
    use iam_playground_app::components::ask::{Ask, AskProps};
    use iam_playground_app::data::Loadable;
    use std::rc::Rc;

    let entry = iam_engine::scenario::gallery_entry("root-vs-admin").unwrap();
    let root = mount::<Ask>(AskProps {
        scenario: Rc::new(entry.scenario.clone()),
        managed: Loadable::Loading,
    });
    yew::scheduler::flush().await;

    let options = root
        .query_selector_all("select[name=\"principal\"] option")
        .unwrap();
    // The engine's choices: the root user, every user, role and external principal of the
    // scenario, a service principal and the anonymous caller.
    let first = String::from(entry.scenario.tests[0].principal.clone());
    let choices = iam_engine::workbench::request::principal_choices(&entry.scenario, &first);
    assert_eq!(options.length() as usize, choices.len());
    assert!(choices.len() >= 3 + entry.scenario.users.len() + entry.scenario.roles.len());
    let status = root.query_selector(".answer .status").unwrap().unwrap();
    assert!(
        status
            .text_content()
            .unwrap()
            .contains("Loading the AWS-managed policies")
    );
}
