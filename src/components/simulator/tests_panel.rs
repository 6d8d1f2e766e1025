//! The scenario's saved tests as a test suite: every test runs on every edit and shows pass or
//! fail; tests are added from the current request, edited (label, expected decision), deleted
//! and loaded back into the request panel.

use std::rc::Rc;

use iam_engine::catalog::ManagedPolicies;
use iam_engine::scenario::{ExpectedDecision, PrincipalRef, TestCase};
use iam_engine::workbench::request::{
    ContextKeyRow, ROOT_TASK_PREFIX, overrides_from_values, test_context,
};
use iam_engine::workbench::simulate::expected_of;
use iam_engine::workbench::test_runs::TestRunCache;
use iam_engine::workbench::{Answer, Workbench};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::result::{decision_class, decision_label};
use crate::data::Loadable;
use crate::store::{Action, RequestState, use_store};

/// Props of [`TestsPanel`].
#[derive(Properties, PartialEq)]
pub struct TestsPanelProps {
    /// The request panel's context keys (a new test keeps the ones that matter).
    pub rows: Rc<Vec<ContextKeyRow>>,
    /// The current answer (a new test expects its decision by default).
    pub answer: Rc<Answer>,
}

/// The expected decision in words.
fn expected_label(e: ExpectedDecision) -> &'static str {
    decision_label(e.into())
}

/// Reads an expected decision from a select's value.
fn parse_expected(v: &str) -> ExpectedDecision {
    match v {
        "explicitDeny" => ExpectedDecision::ExplicitDeny,
        "implicitDeny" => ExpectedDecision::ImplicitDeny,
        _ => ExpectedDecision::Allowed,
    }
}

/// The options of an expected-decision select.
fn expected_options(current: ExpectedDecision) -> Html {
    let all = [
        ExpectedDecision::Allowed,
        ExpectedDecision::ExplicitDeny,
        ExpectedDecision::ImplicitDeny,
    ];
    html! {
        { for all.into_iter().map(|e| html! {
            <option value={e.as_str()} selected={e == current}>{ expected_label(e) }</option>
        }) }
    }
}

/// The saved tests.
#[component]
pub fn TestsPanel(props: &TestsPanelProps) -> Html {
    let Some(store) = use_store() else {
        return html! {};
    };
    let managed = use_context::<Loadable<ManagedPolicies>>().unwrap_or_default();
    let managed_ready = managed.ready();
    // Outcomes are kept between edits, so a keystroke re-evaluates only the tests whose
    // principal's policies (or shared inputs) it changed.
    let cache = use_mut_ref(TestRunCache::new);
    let compiled = super::hooks::use_compile_cache();
    let outcomes = use_memo((store.revision, managed_ready.is_some()), {
        let scenario = Rc::clone(&store.scenario);
        let managed = managed_ready.clone();
        move |_| {
            Workbench::new(&scenario, &compiled)
                .with_managed(managed.as_deref())
                .run_tests_incrementally(&mut cache.borrow_mut())
                .0
        }
    });
    let label = use_state(String::new);
    let add_error = use_state(|| None::<String>);
    let current = match &*props.answer {
        Answer::Decided(d) => d.rows.get(d.selected).map(|(a, d)| (a.clone(), *d)),
        _ => None,
    };
    let is_task = store.request.action.trim().starts_with(ROOT_TASK_PREFIX);
    let expected_new = use_state(|| None::<ExpectedDecision>);
    let expected_for_new = (*expected_new)
        .or_else(|| current.as_ref().map(|(_, d)| expected_of(*d)))
        .unwrap_or(ExpectedDecision::Allowed);

    let on_label = {
        let label = label.clone();
        Callback::from(move |e: InputEvent| {
            label.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let on_expected_new = {
        let expected_new = expected_new.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            expected_new.set(Some(parse_expected(&v)));
        })
    };
    let on_add = {
        let store = store.clone();
        let label = label.clone();
        let add_error = add_error.clone();
        let expected_new = expected_new.clone();
        let rows = props.rows.clone();
        let action = current.as_ref().map(|(a, _)| a.clone());
        Callback::from(move |_| {
            let Some(action) = action.clone() else {
                add_error.set(Some(
                    "Complete the request first: a principal, an IAM action and a resource."
                        .to_string(),
                ));
                return;
            };
            let r = &store.request;
            let text = label.trim().to_string();
            let test = TestCase {
                label: if text.is_empty() {
                    format!("{} {} on {}", r.principal, action, r.resource.trim())
                } else {
                    text
                },
                principal: PrincipalRef::from(r.principal.trim().to_string()),
                action,
                resource: r.resource.trim().to_string(),
                context: test_context(&rows, &r.context),
                expected: expected_for_new,
            };
            match crate::store::edit(&store, "Add test", |s| s.add_test(test)) {
                Ok(()) => {
                    label.set(String::new());
                    expected_new.set(None);
                    add_error.set(None);
                }
                Err(e) => add_error.set(Some(e.message)),
            }
        })
    };

    let read_only = store.read_only;
    let passed = outcomes.iter().filter(|o| o.passed).count();
    let total = outcomes.len();
    let items = outcomes.iter().map(|o| {
        let i = o.index;
        let Some(test) = store.scenario.tests.get(i).cloned() else {
            return html! {};
        };
        let status = if o.passed { "Pass" } else { "Fail" };
        let on_load = {
            let store = store.clone();
            let test = test.clone();
            Callback::from(move |_| {
                store.dispatch(Action::SetRequest(RequestState {
                    principal: String::from(test.principal.clone()),
                    action: test.action.clone(),
                    resource: test.resource.clone(),
                    context: overrides_from_values(&test.context),
                }));
                focus_result();
            })
        };
        let on_delete = {
            let store = store.clone();
            let label = test.label.clone();
            Callback::from(move |_| {
                let _ = crate::store::edit(&store, format!("Delete test {label}"), |s| s.remove_test(i));
            })
        };
        let on_rename = {
            let store = store.clone();
            let test = test.clone();
            Callback::from(move |e: InputEvent| {
                let v = e.target_unchecked_into::<HtmlInputElement>().value();
                let mut t = test.clone();
                t.label = v;
                let _ = crate::store::edit_with(&store, "Rename test", Some(format!("test-label-{i}")), |s| s.update_test(i, t));
            })
        };
        let on_blur = {
            let store = store.clone();
            Callback::from(move |_: FocusEvent| store.dispatch(Action::EndBurst))
        };
        let on_expected = {
            let store = store.clone();
            let test = test.clone();
            Callback::from(move |e: Event| {
                let v = e.target_unchecked_into::<HtmlSelectElement>().value();
                let mut t = test.clone();
                t.expected = parse_expected(&v);
                let _ = crate::store::edit(&store, "Change expected decision", |s| s.update_test(i, t));
            })
        };
        let actual = match (o.actual, &o.error) {
            (Some(d), _) => html! { <span class={decision_class(d)}>{ decision_label(d) }</span> },
            (None, Some(e)) => html! { <span class="status-error">{ e.clone() }</span> },
            (None, None) => html! {},
        };
        html! {
            <li class={classes!("test-case", if o.passed { "test-pass" } else { "test-fail" })}
                data-test-index={i.to_string()} data-passed={o.passed.to_string()}>
                <span class="test-status">{ status }</span>
                // A read-only embed shows the label and the expectation as text: the reader
                // loads a test into the request but does not change the scenario's tests.
                if read_only {
                    <span class="test-label">{ test.label.clone() }</span>
                } else {
                    <input type="text" class="test-label" aria-label={format!("Label of test {}", i + 1)}
                        value={test.label.clone()} oninput={on_rename} onblur={on_blur} />
                }
                <span class="test-request"><code>{ format!("{} · {} · {}", String::from(test.principal.clone()), test.action, test.resource) }</code></span>
                if read_only {
                    <span class="test-expected">{ format!("expects {}", expected_label(test.expected)) }</span>
                } else {
                    <label class="test-expected">
                        <span>{ "expects" }</span>
                        <select aria-label={format!("Expected decision of test {}", i + 1)} onchange={on_expected}>
                            { expected_options(test.expected) }
                        </select>
                    </label>
                }
                <span class="test-actual">{ "got " }{ actual }</span>
                <span class="test-buttons">
                    <button type="button" class="btn btn-quiet" data-action="load-test" onclick={on_load}>{ "Load" }</button>
                    if !read_only {
                        <button type="button" class="btn btn-quiet" data-action="delete-test" onclick={on_delete}
                            aria-label={format!("Delete test {}", test.label)}>{ "Delete" }</button>
                    }
                </span>
            </li>
        }
    });
    let summary = if total == 0 {
        "No saved tests yet.".to_string()
    } else {
        format!("{passed} of {total} pass")
    };
    html! {
        <section class="sim-tests" aria-labelledby="sim-tests-heading">
            // The section is named by the heading's words alone, not by the status beside them.
            <h3><span id="sim-tests-heading">{ "Saved tests" }</span>{ " " }
                <span class={classes!("tests-summary", (passed < total).then_some("has-failures"))} role="status">{ summary }</span>
            </h3>
            if managed_ready.is_none() {
                <p class="muted">{ "The AWS-managed policies are loading; tests that attach them run again when they arrive." }</p>
            }
            <ol class="test-list">{ for items }</ol>
            if !read_only {
            <form class="add-test" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                <label>
                    <span>{ "New test's label" }</span>
                    <input type="text" name="test-label" value={(*label).clone()} oninput={on_label}
                        placeholder="what the test checks" />
                </label>
                <label>
                    <span>{ "Expected" }</span>
                    <select name="test-expected" onchange={on_expected_new}>{ expected_options(expected_for_new) }</select>
                </label>
                <button type="button" class="btn" data-action="add-test" onclick={on_add} disabled={is_task || current.is_none()}>
                    { "Add the current request as a test" }
                </button>
                if is_task {
                    <span class="muted">{ "Root-only tasks have no IAM action, so they cannot be saved tests." }</span>
                }
                if let Some(e) = &*add_error {
                    <p class="field-error" role="alert">{ e.clone() }</p>
                }
            </form>
            }
        </section>
    }
}

/// Moves focus to the decision heading (after loading a request), so keyboard and screen
/// reader users land on the answer.
pub fn focus_result() {
    use wasm_bindgen::JsCast;
    if let Some(el) = gloo::utils::document().get_element_by_id("sim-result-heading")
        && let Ok(el) = el.dyn_into::<web_sys::HtmlElement>()
    {
        let _ = el.focus();
    }
}
