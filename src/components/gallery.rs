//! The examples gallery: every claim of the guides the playground grew from, as a scenario with
//! saved tests that run in the browser, and the root-only tasks it is about.

use std::rc::Rc;

use iam_engine::catalog::ManagedPolicies;
use iam_engine::eval::{Caller, Decision, evaluate_root_task};
use iam_engine::root_tasks::root_only_task;
use iam_engine::scenario::{GalleryEntry, PrincipalRef, gallery};
use iam_engine::workbench::simulate::TestOutcome;
use iam_engine::workbench::{CompileCache, Workbench};
use yew::prelude::*;

use super::ask::Ask;
use super::simulator::result::{decision_class, decision_label};
use crate::data::{Loadable, load_managed_policies};
use crate::text::count;

/// A principal as the tests table shows it.
fn principal_label(principal: &PrincipalRef) -> String {
    match principal {
        PrincipalRef::Root => "root user".to_owned(),
        PrincipalRef::User(name) => format!("user {name}"),
        PrincipalRef::Role(name) => format!("role {name}"),
        PrincipalRef::Other(text) => text.clone(),
    }
}

/// The gallery: a list of examples and the selected one.
#[component]
pub fn Gallery() -> Html {
    let entries = use_memo((), |_| Rc::new(gallery()));
    let selected = use_state(|| 0usize);
    let managed = use_state(Loadable::<ManagedPolicies>::default);
    {
        // The managed policies are only needed here; fetch them once the gallery is shown.
        let managed = managed.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                managed.set(load_managed_policies().await);
            });
        });
    }
    let list = entries.iter().enumerate().map(|(i, entry)| {
        let onclick = {
            let selected = selected.clone();
            Callback::from(move |_| selected.set(i))
        };
        let current = *selected == i;
        html! {
            <li>
                <button type="button" class={classes!("example-link", current.then_some("current"))}
                    aria-current={current.then_some("true")} data-example={entry.id} {onclick}>
                    { entry.title.clone() }
                </button>
            </li>
        }
    });
    let body = match entries.get(*selected) {
        Some(entry) => {
            html! { <Example entry={Rc::new(entry.clone())} managed={(*managed).clone()} /> }
        }
        None => html! {},
    };
    html! {
        <div class="gallery">
            <nav class="gallery-list" aria-label="Examples">
                <h2>{ "Examples" }</h2>
                <ul>{ for list }</ul>
            </nav>
            <section class="example" aria-live="polite">{ body }</section>
        </div>
    }
}

/// Props of [`Example`].
#[derive(Properties, PartialEq)]
pub struct ExampleProps {
    /// The example shown.
    pub entry: Rc<GalleryEntry>,
    /// The AWS-managed policies, which most examples attach.
    pub managed: Loadable<ManagedPolicies>,
}

/// One example: its claim, what it holds, its saved tests and its root-only tasks.
#[component]
pub fn Example(props: &ExampleProps) -> Html {
    let entry = &props.entry;
    let scenario = &entry.scenario;
    // One shared copy per example, so the request panel compares by pointer, not by value.
    let shared_scenario = use_memo(entry.clone(), |entry| entry.scenario.clone());
    let counts = format!(
        "Account {} · {} · {} · {} · {} · {}",
        scenario.account.id,
        count(scenario.users.len(), "user", "users"),
        count(scenario.groups.len(), "group", "groups"),
        count(scenario.roles.len(), "role", "roles"),
        count(
            scenario.policies.len(),
            "customer-managed policy",
            "customer-managed policies"
        ),
        count(scenario.resources.len(), "resource", "resources"),
    );
    html! {
        <article data-example={entry.id}>
            <h2>{ entry.title.clone() }</h2>
            <blockquote class="claim">
                <p>{ entry.claim }</p>
            </blockquote>
            <p>{ entry.summary.clone() }</p>
            <p class="muted">{ counts }</p>
            <OpenExample entry={entry.clone()} />
            <Tests entry={entry.clone()} managed={props.managed.clone()} />
            <Ask key={entry.id} scenario={shared_scenario} managed={props.managed.clone()} />
            <RootTasks entry={entry.clone()} />
        </article>
    }
}

/// Props of [`OpenExample`].
#[derive(Properties, PartialEq)]
pub struct OpenExampleProps {
    /// The example to open.
    pub entry: Rc<GalleryEntry>,
}

/// "Open in the workspace": copies the example into a new local scenario, so the reader can
/// change it; the scenario that was open stays saved under its own name.
#[component]
pub fn OpenExample(props: &OpenExampleProps) -> Html {
    let Some(store) = crate::store::use_store() else {
        return html! {};
    };
    let onclick = {
        let entry = props.entry.clone();
        Callback::from(move |_| {
            crate::storage::open_as_new(&store, entry.scenario.clone(), &entry.title);
        })
    };
    html! {
        <p class="example-actions">
            <button type="button" class="btn btn-primary" data-action="open-example" {onclick}>
                { "Open in the workspace" }
            </button>
            <span class="muted">{ " A copy is saved in this browser; the example itself stays as it is." }</span>
        </p>
    }
}

/// The saved tests of an example, run against its scenario.
#[component]
fn Tests(props: &ExampleProps) -> Html {
    let entry = &props.entry;
    let managed = match &props.managed {
        Loadable::Ready(managed) => Some(managed.clone()),
        _ => None,
    };
    let outcomes = use_memo((entry.clone(), props.managed.clone()), move |(entry, _)| {
        managed.map(|m| {
            Workbench::new(&entry.scenario, &CompileCache::new())
                .with_managed(Some(&m))
                .run_tests()
        })
    });
    let Some(outcomes) = outcomes.as_ref() else {
        let status = match &props.managed {
            Loadable::Failed(message) => {
                html! { <p class="status status-error" role="status">{ message.clone() }</p> }
            }
            _ => {
                html! { <p class="status" role="status">{ "Loading the AWS-managed policies these tests attach…" }</p> }
            }
        };
        return html! {
            <section class="tests" aria-labelledby="tests-heading">
                <h3 id="tests-heading">{ "Saved tests" }</h3>
                { status }
            </section>
        };
    };
    let passed = outcomes.iter().filter(|o| o.passed).count();
    let rows = outcomes
        .iter()
        .zip(&entry.scenario.tests)
        .map(|(outcome, test)| test_row(outcome, test));
    html! {
        <section class="tests" aria-labelledby="tests-heading">
            <h3 id="tests-heading">{ "Saved tests" }</h3>
            <p class="tests-summary" data-passed={passed.to_string()} data-total={outcomes.len().to_string()}>
                { format!("{passed} of {} pass", outcomes.len()) }
            </p>
            <div class="table-scroll">
                <table>
                    <thead>
                        <tr>
                            <th scope="col">{ "Test" }</th>
                            <th scope="col">{ "Who" }</th>
                            <th scope="col">{ "Action and resource" }</th>
                            <th scope="col">{ "Expected" }</th>
                            <th scope="col">{ "Decision" }</th>
                        </tr>
                    </thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
        </section>
    }
}

/// One row of the tests table, with the evaluator's one-sentence reason under the decision.
fn test_row(outcome: &TestOutcome, test: &iam_engine::scenario::TestCase) -> Html {
    let expected = Decision::from(outcome.expected);
    let (decision, why) = match (&outcome.actual, &outcome.evaluation, &outcome.error) {
        (Some(actual), Some(evaluation), _) => (
            html! { <span class={decision_class(*actual)}>{ decision_label(*actual) }</span> },
            evaluation.evaluation.summary.clone(),
        ),
        (_, _, Some(error)) => (
            html! { <span class="decision">{ "Not evaluated" }</span> },
            error.clone(),
        ),
        _ => (html! {}, String::new()),
    };
    let verdict = if outcome.passed {
        html! { <span class="verdict pass">{ "✓ pass" }</span> }
    } else {
        html! { <span class="verdict fail">{ "✗ fail" }</span> }
    };
    html! {
        <tr class={if outcome.passed { "pass" } else { "fail" }}>
            <td>{ outcome.label.clone() }</td>
            <td>{ principal_label(&test.principal) }</td>
            <td><code>{ test.action.clone() }</code><br /><code class="arn">{ test.resource.clone() }</code></td>
            <td data-label="Expected"><span class={decision_class(expected)}>{ decision_label(expected) }</span></td>
            <td data-label="Decision">{ decision }{ " " }{ verdict }<div class="why">{ why }</div></td>
        </tr>
    }
}

/// Props of [`RootTasks`].
#[derive(Properties, PartialEq)]
struct RootTasksProps {
    entry: Rc<GalleryEntry>,
}

/// The root-only tasks an example is about: who of its principals can do each.
#[component]
fn RootTasks(props: &RootTasksProps) -> Html {
    let entry = &props.entry;
    if entry.root_only_tasks.is_empty() {
        return html! {};
    }
    let scenario = &entry.scenario;
    // Who is asked: the root user and every IAM user of the example, labelled as the tests are.
    let mut callers = vec![("root user".to_owned(), scenario.root_arn())];
    callers.extend(
        scenario
            .users
            .iter()
            .map(|u| (format!("user {}", u.name), scenario.user_arn(u))),
    );
    let tasks = entry.root_only_tasks.iter().filter_map(|id| root_only_task(id)).map(|task| {
        let answers = callers.iter().filter_map(|(who, arn)| {
            let answer = evaluate_root_task(&Caller::from_arn(arn)?, task.id)?;
            Some(html! {
                <li data-caller={who.clone()}>
                    <span class="who">{ who.clone() }</span>{ " " }
                    <span class={decision_class(answer.decision)}>{ decision_label(answer.decision) }</span>
                    <div class="why">{ answer.reason }</div>
                </li>
            })
        });
        html! {
            <li class="root-task" data-task={task.id}>
                <h4>{ task.title }</h4>
                <ul class="root-task-answers">{ for answers }</ul>
            </li>
        }
    });
    html! {
        <section class="root-tasks" aria-labelledby="root-tasks-heading">
            <h3 id="root-tasks-heading">{ "Tasks only the root user can do" }</h3>
            <p class="muted">{ "These are console operations that no IAM policy can grant, not even AdministratorAccess." }</p>
            <ul>{ for tasks }</ul>
        </section>
    }
}
