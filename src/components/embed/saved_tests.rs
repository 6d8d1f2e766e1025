//! The saved tests embed (`view=tests`): the scenario's saved tests with pass or fail, each row
//! opening to its reason (the request, the evaluation's summary and the deciding statements).
//! The tests run through the engine's workbench; nothing here can change them.

use std::rc::Rc;

use iam_engine::catalog::ManagedPolicies;
use iam_engine::workbench::Workbench;
use iam_engine::workbench::simulate::TestOutcome;
use yew::prelude::*;

use crate::components::simulator::result::{decision_class, decision_label};
use crate::components::simulator::use_compile_cache;
use crate::data::Loadable;
use crate::store::use_store;

/// Props of [`TestRow`].
#[derive(Properties, PartialEq)]
struct TestRowProps {
    outcome: TestOutcome,
    /// The test's request in one line.
    request: AttrValue,
}

/// One test: its status, label and decisions; opened, its reason.
#[component]
fn TestRow(props: &TestRowProps) -> Html {
    let o = &props.outcome;
    let got = match (o.actual, &o.error) {
        (Some(d), _) => html! { <span class={decision_class(d)}>{ decision_label(d) }</span> },
        (None, Some(_)) => html! { <span class="status-error">{ "no decision" }</span> },
        (None, None) => html! {},
    };
    let reason = o.evaluation.as_ref().map(|e| {
        let statements = e.evaluation.matched_statements.iter().map(|s| {
            let name = s.name();
            html! { <li>{ "Statement " }<code>{ name }</code>{ format!(" in {}", e.place(&s.policy_id)) }</li> }
        });
        html! {
            <>
                <p>{ e.evaluation.summary.clone() }</p>
                if !e.evaluation.matched_statements.is_empty() {
                    <ul class="deciding">{ for statements }</ul>
                }
            </>
        }
    });
    html! {
        <li class={classes!("embed-test", if o.passed { "test-pass" } else { "test-fail" })}
            data-test-index={o.index.to_string()} data-passed={o.passed.to_string()}>
            <details>
                <summary>
                    <span class="test-status">{ if o.passed { "Pass" } else { "Fail" } }</span>
                    <span class="embed-test-label">{ o.label.clone() }</span>
                    <span class="embed-test-outcome muted">
                        { format!("expects {} · got ", decision_label(o.expected.into())) }{ got }
                    </span>
                </summary>
                <div class="embed-test-reason">
                    <p><code>{ props.request.clone() }</code></p>
                    { reason }
                    if let Some(error) = &o.error {
                        <p class="status status-error">{ error.clone() }</p>
                    }
                </div>
            </details>
        </li>
    }
}

/// The saved tests.
#[component]
pub fn TestsTable() -> Html {
    let Some(store) = use_store() else {
        return html! {};
    };
    let managed = use_context::<Loadable<ManagedPolicies>>().unwrap_or_default();
    let managed = managed.ready();
    let cache = use_compile_cache();
    let outcomes = use_memo((store.revision, managed.is_some()), {
        let scenario = Rc::clone(&store.scenario);
        let managed = managed.clone();
        move |_| {
            Workbench::new(&scenario, &cache)
                .with_managed(managed.as_deref())
                .run_tests()
        }
    });
    let passed = outcomes.iter().filter(|o| o.passed).count();
    let summary = match outcomes.len() {
        0 => "This scenario has no saved tests.".to_owned(),
        total => format!("{passed} of {total} pass"),
    };
    let rows = outcomes.iter().map(|o| {
        let request = store
            .scenario
            .tests
            .get(o.index)
            .map(|t| {
                format!(
                    "{} · {} · {}",
                    String::from(t.principal.clone()),
                    t.action,
                    t.resource
                )
            })
            .unwrap_or_default();
        html! { <TestRow key={o.index} outcome={o.clone()} request={AttrValue::from(request)} /> }
    });
    html! {
        <section class="embed-tests" aria-labelledby="embed-tests-heading">
            <h3>
                <span id="embed-tests-heading">{ "Saved tests" }</span>{ " " }
                <span class={classes!("tests-summary", (passed < outcomes.len()).then_some("has-failures"))}
                    role="status">{ summary }</span>
            </h3>
            if managed.is_none() {
                <p class="muted">{ "The AWS-managed policies are loading; tests that attach them run again when they arrive." }</p>
            }
            <ul class="embed-test-list">{ for rows }</ul>
            <p class="muted embed-hint">{ "Open a test to see why it got its decision." }</p>
        </section>
    }
}
