//! The simulator view: the request panel, its answer, the saved tests and the access matrix.
//!
//! Everything is derived from the store on render and memoized on `store.revision` (plus the
//! request and whether the catalog and the AWS-managed policies have loaded), so the answer,
//! the tests and the matrix follow every keystroke in any policy editor without a button.
//! The IAM logic is the engine's (`iam_engine::scenario::{request, matrix, simulate}`); this is
//! the view.

pub mod matrix;
pub mod request;
pub mod result;
pub mod tests_panel;

use std::rc::Rc;

use iam_engine::catalog::{Catalog, ManagedPolicies};
use iam_engine::eval::{Caller, Decision, RootTaskEvaluation, evaluate_root_task};
use iam_engine::scenario::matrix::MatrixRowPlan;
use iam_engine::scenario::request::{
    ActionQuery, ContextKeyRow, absent_keys, access_denied_message, caller_arn, context_keys,
    effective_context, evaluate_panel_request, parse_action,
};
use iam_engine::scenario::simulate::ScenarioEvaluation;
use iam_engine::scenario::{PrincipalRef, Scenario};
use yew::prelude::*;

use crate::data::Loadable;
use crate::store::{Action, RequestState, use_store};

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

/// The request the panel opens with: the scenario's first saved test, or the root user
/// listing buckets.
pub fn initial_request(scenario: &Scenario) -> RequestState {
    match scenario.tests.first() {
        Some(t) => RequestState {
            principal: String::from(t.principal.clone()),
            action: t.action.clone(),
            resource: t.resource.clone(),
            context: Vec::new(),
        },
        None => RequestState {
            principal: scenario
                .users
                .first()
                .map_or_else(|| "root".to_string(), |u| format!("user/{}", u.name)),
            action: "s3:ListAllMyBuckets".to_string(),
            resource: "*".to_string(),
            context: Vec::new(),
        },
    }
}

/// What the panel's request comes to.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// The request is not complete; the text says what is missing.
    Incomplete(String),
    /// The request could not be evaluated (unknown principal).
    Error(String),
    /// A root-only task.
    RootTask(Rc<RootTaskEvaluation>),
    /// One row per action, the selected one explained.
    Rows {
        /// Each action with its decision.
        rows: Vec<(String, Decision)>,
        /// How many actions the pattern matched in all.
        total: usize,
        /// The explained row.
        selected: usize,
        /// Its evaluation.
        detail: Rc<ScenarioEvaluation>,
        /// The AccessDenied message, when refused.
        denied_message: Option<String>,
    },
}

/// Evaluates the panel's request (pure apart from the inputs; memoized by the caller).
pub fn answer(
    scenario: &Scenario,
    managed: Option<&ManagedPolicies>,
    catalog: Option<&Catalog>,
    request: &RequestState,
    rows: &[ContextKeyRow],
    selected: usize,
) -> Answer {
    let principal = PrincipalRef::from(request.principal.trim().to_string());
    if request.principal.trim().is_empty() {
        return Answer::Incomplete("Choose who makes the request.".to_string());
    }
    let resource = request.resource.trim();
    match parse_action(&request.action, catalog) {
        ActionQuery::Incomplete(why) => Answer::Incomplete(why),
        ActionQuery::RootTask(task) => {
            let Some(arn) = caller_arn(scenario, &principal) else {
                return Answer::Error(format!(
                    "\"{}\" is not a principal of this scenario.",
                    request.principal
                ));
            };
            match Caller::from_arn(&arn).and_then(|c| evaluate_root_task(&c, task.id)) {
                Some(a) => Answer::RootTask(Rc::new(a)),
                None => Answer::Error(format!("{arn} cannot be read as a caller.")),
            }
        }
        ActionQuery::Actions {
            rows: actions,
            total,
        } => {
            if resource.is_empty() {
                return Answer::Incomplete(
                    "Type a resource ARN, or * for actions that take none.".to_string(),
                );
            }
            let context = effective_context(rows, &request.context);
            let absent = absent_keys(&request.context);
            let selected = selected.min(actions.len().saturating_sub(1));
            let Some(action) = actions.get(selected).cloned() else {
                return Answer::Incomplete("The pattern matched no action.".to_string());
            };
            let action = &action;
            let detail = match evaluate_panel_request(
                scenario, managed, &principal, action, resource, &context, &absent,
            ) {
                Ok(d) => d,
                Err(e) => return Answer::Error(e.message),
            };
            let decisions: Vec<(String, Decision)> = if actions.len() == 1 {
                vec![(action.clone(), detail.evaluation.decision)]
            } else {
                let mut out = Vec::with_capacity(actions.len());
                match MatrixRowPlan::new(scenario, managed, &principal, resource, &context) {
                    Ok(mut plan) => plan.decide_into(scenario, managed, &actions, &mut out),
                    Err(e) => return Answer::Error(e.message),
                }
                actions.into_iter().zip(out).collect()
            };
            let denied_message = caller_arn(scenario, &principal)
                .and_then(|arn| access_denied_message(&detail.evaluation, &arn, action, resource));
            Answer::Rows {
                rows: decisions,
                total,
                selected,
                detail: Rc::new(detail),
                denied_message,
            }
        }
    }
}

/// The simulator view.
#[component]
pub fn Simulator() -> Html {
    let Some(store) = use_store() else {
        return html! {};
    };
    let catalog = use_context::<Loadable<Catalog>>().unwrap_or_default();
    let managed = use_context::<Loadable<ManagedPolicies>>().unwrap_or_default();
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
    let catalog_ready = ready(&catalog);
    let managed_ready = ready(&managed);
    let rows = use_memo(
        (
            store.revision,
            store.request.principal.clone(),
            store.request.resource.clone(),
            (*now).clone(),
            catalog_ready.is_some(),
            managed_ready.is_some(),
        ),
        {
            let scenario = Rc::clone(&store.scenario);
            let catalog = catalog_ready.clone();
            let managed = managed_ready.clone();
            move |(_, principal, resource, now, _, _)| {
                context_keys(
                    &scenario,
                    managed.as_deref(),
                    catalog.as_deref(),
                    &PrincipalRef::from(principal.trim().to_string()),
                    resource.trim(),
                    now,
                )
            }
        },
    );
    let answer = use_memo(
        (
            store.revision,
            store.request.clone(),
            rows.clone(),
            *selected,
            catalog_ready.is_some(),
            managed_ready.is_some(),
        ),
        {
            let scenario = Rc::clone(&store.scenario);
            let catalog = catalog_ready.clone();
            let managed = managed_ready.clone();
            move |(_, request, rows, selected, _, _)| {
                answer(
                    &scenario,
                    managed.as_deref(),
                    catalog.as_deref(),
                    request,
                    rows,
                    *selected,
                )
            }
        },
    );
    // The deciding statements and nearest misses go to every policy editor through the store.
    {
        let store = store.clone();
        let highlights = match &*answer {
            Answer::Rows { detail, .. } => {
                result::highlights_of(&store.scenario, &detail.evaluation)
            }
            _ => Vec::new(),
        };
        use_effect_with(highlights, move |h| {
            if *store.highlights != *h {
                store.dispatch(Action::SetHighlights(Rc::new(h.clone())));
            }
        });
    }
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

    use super::Answer;
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
            Answer::RootTask(a) => html! { <RootTaskAnswer answer={a.clone()} /> },
            Answer::Rows {
                rows,
                total,
                selected,
                detail,
                denied_message,
            } => {
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
                        <Explanation scenario={store.scenario.clone()} result={detail.clone()}
                            denied_message={denied_message.clone().map(AttrValue::from)} />
                        <PoliciesInPlay principal={store.request.principal.clone()}
                            resource={store.request.resource.clone()} />
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

    fn managed() -> ManagedPolicies {
        ManagedPolicies::parse(include_str!("../../../static/data/managed-policies.txt")).unwrap()
    }

    fn request(principal: &str, action: &str, resource: &str) -> RequestState {
        RequestState {
            principal: principal.into(),
            action: action.into(),
            resource: resource.into(),
            context: Vec::new(),
        }
    }

    fn rows(s: &Scenario, m: &ManagedPolicies, r: &RequestState) -> Vec<ContextKeyRow> {
        context_keys(
            s,
            Some(m),
            None,
            &PrincipalRef::from(r.principal.clone()),
            &r.resource,
            "2026-11-23T10:00:00Z",
        )
    }

    #[test]
    fn the_panel_opens_on_the_first_saved_test() {
        let s = gallery_entry("seed-admin-template").unwrap().scenario;
        let r = initial_request(&s);
        assert_eq!(r.principal, "user/admin");
        assert_eq!(r.action, "iam:ChangePassword");
        let empty = Scenario::new("111122223333");
        assert_eq!(initial_request(&empty).principal, "root");
    }

    #[test]
    fn root_only_tasks_are_answered_without_policies() {
        let s = gallery_entry("seed-admin-template").unwrap().scenario;
        let m = managed();
        let ask = |p: &str| {
            let r = request(p, "root-task:close-account", "*");
            answer(&s, Some(&m), None, &r, &rows(&s, &m, &r), 0)
        };
        match ask("user/admin") {
            Answer::RootTask(a) => assert_eq!(a.decision, Decision::ImplicitDeny),
            other => panic!("{other:?}"),
        }
        match ask("root") {
            Answer::RootTask(a) => assert_eq!(a.decision, Decision::Allowed),
            other => panic!("{other:?}"),
        }
        assert!(matches!(ask("user/ghost"), Answer::Error(_)));
    }

    #[test]
    fn denied_requests_carry_the_access_denied_message_and_bad_input_a_hint() {
        let s = gallery_entry("least-privilege-groups").unwrap().scenario;
        let m = managed();
        let r = request(
            "user/dev-dana",
            "rds:DeleteDBInstance",
            "arn:aws:rds:us-east-1:111122223333:db:orders",
        );
        match answer(&s, Some(&m), None, &r, &rows(&s, &m, &r), 0) {
            Answer::Rows {
                rows,
                denied_message,
                detail,
                ..
            } => {
                assert_eq!(
                    rows,
                    vec![("rds:DeleteDBInstance".to_string(), Decision::ImplicitDeny)]
                );
                assert!(denied_message.unwrap().ends_with(
                    "because no identity-based policy allows the rds:DeleteDBInstance action"
                ));
                assert!(!detail.evaluation.candidates.is_empty());
            }
            other => panic!("{other:?}"),
        }
        for (p, a, res) in [
            ("", "s3:GetObject", "*"),
            ("root", "s3", "*"),
            ("root", "s3:GetObject", " "),
        ] {
            let r = request(p, a, res);
            assert!(
                matches!(
                    answer(&s, Some(&m), None, &r, &[], 0),
                    Answer::Incomplete(_)
                ),
                "{p} {a} {res}"
            );
        }
        // A wildcard waits for the catalog instead of guessing.
        let r = request("root", "s3:Get*", "*");
        assert!(matches!(
            answer(&s, Some(&m), None, &r, &[], 0),
            Answer::Incomplete(_)
        ));
    }
}
