//! The simulator view: the request panel, its answer, the saved tests and the access matrix.
//!
//! Everything is derived from the store on render and memoized on `store.revision` (plus the
//! request and whether the catalog and the AWS-managed policies have loaded), so the answer,
//! the tests and the matrix follow every keystroke in any policy editor without a button.
//! The IAM logic is the engine's facade ([`iam_engine::workbench::Workbench`]); this is the
//! view. Nothing derived is stored: the policy editors that draw the simulator's highlights
//! compute the answer through the same memoized hook ([`use_answer`]).

pub mod action_options;
pub mod conditional;
pub mod denied;
pub mod excerpt;
pub mod hooks;
pub mod matrix;
pub mod pattern;
pub mod request;
pub mod result;
pub mod root_task_search;
pub mod tests_panel;

use gloo::timers::callback::Timeout;
use yew::prelude::*;

use crate::store::{Action, RequestState, use_store};

pub use hooks::{current_time, use_answer, use_compile_cache, use_editor_answer};

/// The simulator view.
#[component]
pub fn Simulator() -> Html {
    let Some(store) = use_store() else {
        return html! {};
    };
    let now = use_state(current_time);
    let selected = use_state(|| 0usize);
    {
        // The opening request is proposed in a task of its own, after the view has been
        // shown (in a real account its answer, the principal's policies compiled and the
        // context keys listed, made the view's first task long); a request made meanwhile
        // stays.
        let store = store.clone();
        use_effect_with((), move |_| {
            let timeout = store.request.is_empty().then(|| {
                Timeout::new(0, move || {
                    store.dispatch(Action::ProposeRequest(RequestState::opening(
                        &store.scenario,
                    )));
                })
            });
            move || drop(timeout)
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
            <denied::DeniedPanel />
            <div class="sim-top">
                <request::RequestPanel />
                // The decision comes before the context keys, which sit beside it on a wide
                // page and fold below it on a phone and in embeds.
                <result_panel::ResultPanel answer={answer.clone()} on_select={on_select_row} />
                <request::ContextKeys rows={rows.clone()} {on_now} />
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
    use crate::components::after_frame::Deferred;
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
                let pattern = decided.pattern.clone().map(|p| {
                    html! { <super::pattern::PatternResult answer={Rc::new(p)} /> }
                });
                let conditional = decided.conditional.clone().map(|c| {
                    html! { <super::conditional::ConditionalResult answer={Rc::new(c)} /> }
                });
                html! {
                    <>
                        { list.unwrap_or_default() }
                        { pattern.unwrap_or_default() }
                        { conditional.unwrap_or_default() }
                        <Explanation scenario={store.scenario.clone()} result={Rc::new(detail.clone())}
                            denied_message={denied_message.clone().map(AttrValue::from)} />
                        // A real account's principal has many policies, each an editor:
                        // they are built a frame after the decision is shown.
                        <Deferred>
                            <PoliciesInPlay principal={store.request.principal.clone()}
                                answer={props.answer.clone()} />
                        </Deferred>
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
