//! The simulator view: the request panel, its answer, the saved tests and the access matrix.
//!
//! Everything is derived from the store on render and memoized on `store.revision` (plus the
//! request and whether the catalog and the AWS-managed policies have loaded), so the answer,
//! the tests and the matrix follow every keystroke in any policy editor without a button.
//! The IAM logic is the engine's facade ([`iam_engine::workbench::Workbench`]); this is the
//! view. Nothing derived is stored: the policy editors that draw the simulator's highlights
//! compute the answer through the same memoized hook ([`use_answer`]).

pub mod matrix;
pub mod request;
pub mod result;
pub mod root_task_search;
pub mod tests_panel;

use std::rc::Rc;

use iam_engine::catalog::{Catalog, ManagedPolicies};
use iam_engine::scenario::Scenario;
use iam_engine::workbench::request::ContextKeyRow;
use iam_engine::workbench::{Answer, CompileCache, Workbench};
use yew::prelude::*;

use crate::data::Loadable;
use crate::store::{Action, RequestState, StoreHandle, use_store};

/// The loaded value of a [`Loadable`], if any.
pub fn ready<T>(l: &Loadable<T>) -> Option<Rc<T>> {
    match l {
        Loadable::Ready(v) => Some(Rc::clone(v)),
        _ => None,
    }
}

/// The current time as ISO 8601 UTC without milliseconds, the default `aws:CurrentTime`.
pub fn current_time() -> String {
    let iso: String = js_sys::Date::new_0().to_iso_string().into();
    match iso.get(..19) {
        Some(head) => format!("{head}Z"),
        None => iso,
    }
}

/// The request the panel opens with (the engine's [`RequestState::opening`]).
pub fn initial_request(scenario: &Scenario) -> RequestState {
    RequestState::opening(scenario)
}

/// A compile cache owned by the calling component for its lifetime (the engine keeps no
/// hidden one).
#[hook]
pub fn use_compile_cache() -> Rc<CompileCache> {
    use_memo((), |_| CompileCache::new())
}

/// The context keys the simulator lists for the store's request, and the answer to it, both
/// memoized on the scenario's revision, the request, `now`, the explained row and whether the
/// catalog and the AWS-managed policies have loaded: derived, never stored, so no edit can
/// leave a stale answer or highlight.
#[hook]
pub fn use_answer(
    store: &StoreHandle,
    now: String,
    selected: usize,
) -> (Rc<Vec<ContextKeyRow>>, Rc<Answer>) {
    let catalog = use_context::<Loadable<Catalog>>().unwrap_or_default();
    let managed = use_context::<Loadable<ManagedPolicies>>().unwrap_or_default();
    let cache = use_compile_cache();
    let catalog_ready = ready(&catalog);
    let managed_ready = ready(&managed);
    let rows = use_memo(
        (
            store.revision,
            store.request.principal.clone(),
            store.request.resource.clone(),
            now,
            catalog_ready.is_some(),
            managed_ready.is_some(),
        ),
        {
            let scenario = Rc::clone(&store.scenario);
            let catalog = catalog_ready.clone();
            let managed = managed_ready.clone();
            let cache = Rc::clone(&cache);
            move |(_, principal, resource, now, _, _)| {
                Workbench::new(&scenario, &cache)
                    .with_catalog(catalog.as_deref())
                    .with_managed(managed.as_deref())
                    .context_keys(principal, resource, now)
            }
        },
    );
    let answer = use_memo(
        (
            store.revision,
            store.request.clone(),
            rows.clone(),
            selected,
            catalog_ready.is_some(),
            managed_ready.is_some(),
        ),
        {
            let scenario = Rc::clone(&store.scenario);
            let cache = Rc::clone(&cache);
            move |(_, request, rows, selected, _, _)| {
                Workbench::new(&scenario, &cache)
                    .with_catalog(catalog_ready.as_deref())
                    .with_managed(managed_ready.as_deref())
                    .answer(request, rows, *selected)
            }
        },
    );
    (rows, answer)
}

/// The simulator's answer as a policy editor outside the simulator sees it (the first action
/// row explained, at the time the editor was opened): the same memoized computation, so its
/// highlights follow every edit.
#[hook]
pub fn use_editor_answer(store: &StoreHandle) -> Rc<Answer> {
    let now = use_state(current_time);
    use_answer(store, (*now).clone(), 0).1
}

/// The simulator view.
#[component]
pub fn Simulator() -> Html {
    let Some(store) = use_store() else {
        return html! {};
    };
    let now = use_state(current_time);
    let selected = use_state(|| 0usize);
    {
        let store = store.clone();
        use_effect_with((), move |_| {
            if store.request.principal.is_empty() && store.request.action.is_empty() {
                store.dispatch(Action::SetRequest(initial_request(&store.scenario)));
            }
        });
    }
    let (rows, answer) = use_answer(&store, (*now).clone(), *selected);
    {
        // A new request explains its first row again.
        let selected = selected.clone();
        use_effect_with(
            (
                store.request.principal.clone(),
                store.request.action.clone(),
            ),
            move |_| selected.set(0),
        );
    }
    let on_select_row = {
        let selected = selected.clone();
        Callback::from(move |i: usize| selected.set(i))
    };
    let on_now = {
        let now = now.clone();
        Callback::from(move |()| now.set(current_time()))
    };
    html! {
        <div class="simulator-view">
            <div class="sim-top">
                <request::RequestPanel rows={rows.clone()} now={(*now).clone()} {on_now} />
                <result_panel::ResultPanel answer={answer.clone()} on_select={on_select_row} />
            </div>
            <tests_panel::TestsPanel rows={rows.clone()} answer={answer.clone()} />
            <matrix::MatrixPanel />
        </div>
    }
}

/// The answer column: the action rows of a wildcard and the explanation of the chosen one.
mod result_panel {
    use std::rc::Rc;

    use yew::prelude::*;

    use iam_engine::workbench::{Answer, Decided};

    use super::result::{
        Explanation, PoliciesInPlay, RootTaskAnswer, decision_class, decision_label,
    };
    use crate::store::use_store;

    /// Props of [`ResultPanel`].
    #[derive(Properties, PartialEq)]
    pub struct ResultPanelProps {
        /// The answer.
        pub answer: Rc<Answer>,
        /// Chooses the explained row.
        pub on_select: Callback<usize>,
    }

    /// The answer column.
    #[component]
    pub fn ResultPanel(props: &ResultPanelProps) -> Html {
        let Some(store) = use_store() else {
            return html! {};
        };
        let body = match &*props.answer {
            Answer::Incomplete(why) => {
                html! { <p class="status" role="status">{ why.clone() }</p> }
            }
            Answer::Error(why) => {
                html! { <p class="status status-error" role="alert">{ why.clone() }</p> }
            }
            Answer::RootTask(a) => html! { <RootTaskAnswer answer={Rc::new(a.clone())} /> },
            Answer::Decided(decided) => {
                let Decided {
                    rows,
                    total,
                    selected,
                    detail,
                    denied_message,
                    ..
                } = &**decided;
                let list = (rows.len() > 1).then(|| {
                    let items = rows.iter().enumerate().map(|(i, (action, decision))| {
                        let onclick = {
                            let on_select = props.on_select.clone();
                            Callback::from(move |_| on_select.emit(i))
                        };
                        let current = i == *selected;
                        html! {
                            <li class={classes!("action-row", current.then_some("current"))}>
                                <button type="button" class="btn btn-quiet" {onclick}
                                    aria-pressed={if current { "true" } else { "false" }}>
                                    <code>{ action.clone() }</code>{ " " }
                                    <span class={decision_class(*decision)}>{ decision_label(*decision) }</span>
                                </button>
                            </li>
                        }
                    });
                    let more = (*total > rows.len()).then(|| {
                        html! { <p class="muted">{ format!("Showing the first {} of {total} actions the pattern matches.", rows.len()) }</p> }
                    });
                    html! {
                        <>
                            <h4>{ format!("{} actions", rows.len()) }</h4>
                            <ul class="action-rows">{ for items }</ul>
                            { more.unwrap_or_default() }
                            <h4>{ format!("Why: {}", rows.get(*selected).map(|r| r.0.clone()).unwrap_or_default()) }</h4>
                        </>
                    }
                });
                html! {
                    <>
                        { list.unwrap_or_default() }
                        <Explanation scenario={store.scenario.clone()} result={Rc::new(detail.clone())}
                            denied_message={denied_message.clone().map(AttrValue::from)} />
                        <PoliciesInPlay principal={store.request.principal.clone()}
                            answer={props.answer.clone()} />
                    </>
                }
            }
        };
        html! {
            <section class="sim-result" aria-labelledby="sim-result-heading">
                <h3 id="sim-result-heading" tabindex="-1">{ "Decision" }</h3>
                { body }
            </section>
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use iam_engine::scenario::gallery_entry;

    #[test]
    fn the_panel_opens_on_the_first_saved_test() {
        let s = gallery_entry("seed-admin-template").unwrap().scenario;
        let r = initial_request(&s);
        assert_eq!(r.principal, "user/admin");
        assert_eq!(r.action, "iam:ChangePassword");
        let empty = Scenario::new("111122223333");
        assert_eq!(initial_request(&empty).principal, "root");
    }
}
