//! "Paste an AccessDenied error": the decoder's panel in the simulator view.
//!
//! The user pastes an AccessDenied message (or a decoded authorization message, or a CloudTrail
//! event) and presses Explain (or Ctrl+Enter). The engine's use case
//! ([`iam_engine::workbench::Workbench::explain_denied`]) does all the IAM work; this view
//! shows the rebuilt request (and loads it into the request panel), the reason in words, the
//! agreement with AWS's claim and the verified fix, whose "Apply fix" button applies it as one
//! undoable edit. Only the submitted text is kept: the explanation is derived from it and the
//! scenario's revision on every render, so after "Apply fix" (or an undo) it follows the
//! scenario.

use std::rc::Rc;

use iam_engine::catalog::{Catalog, ManagedPolicies};
use iam_engine::denied::{ClaimKind, DeniedError};
use iam_engine::workbench::Workbench;
use iam_engine::workbench::explain::{DeniedExplanation, PrincipalMatch, Simulated};
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use super::hooks::{current_time, use_compile_cache};
use super::result::{decision_class, decision_label};
use crate::data::Loadable;
use crate::store::{self, Action, use_store};

/// The decoder's panel.
#[component]
pub fn DeniedPanel() -> Html {
    let Some(store) = use_store() else {
        return html! {};
    };
    let catalog = use_context::<Loadable<Catalog>>().unwrap_or_default();
    let managed = use_context::<Loadable<ManagedPolicies>>().unwrap_or_default();
    let cache = use_compile_cache();
    // What is in the text box, and what was last submitted (with the time it was submitted).
    let draft = use_state(String::new);
    let submitted = use_state(|| None::<(String, String)>);
    let fix_error = use_state(|| None::<String>);
    let catalog_ready = catalog.ready();
    let managed_ready = managed.ready();
    let explained: Rc<Option<Result<DeniedExplanation, DeniedError>>> = use_memo(
        (
            store.revision,
            (*submitted).clone(),
            catalog_ready.is_some(),
            managed_ready.is_some(),
        ),
        {
            let scenario = Rc::clone(&store.scenario);
            let cache = Rc::clone(&cache);
            move |(_, submitted, _, _)| {
                submitted.as_ref().map(|(text, now)| {
                    Workbench::new(&scenario, &cache)
                        .with_catalog(catalog_ready.as_deref())
                        .with_managed(managed_ready.as_deref())
                        .explain_denied(text, now)
                })
            }
        },
    );

    let explain = {
        let store = store.clone();
        let draft = draft.clone();
        let submitted = submitted.clone();
        let fix_error = fix_error.clone();
        let cache = Rc::clone(&cache);
        let catalog = catalog.ready();
        let managed = managed.ready();
        Callback::from(move |()| {
            let text = (*draft).clone();
            let now = current_time();
            fix_error.set(None);
            // The request is loaded into the panel once, when the user asks; later edits of
            // the scenario leave the panel's request to the user.
            let result = Workbench::new(&store.scenario, &cache)
                .with_catalog(catalog.as_deref())
                .with_managed(managed.as_deref())
                .explain_denied(&text, &now);
            if let Ok(e) = result {
                store.dispatch(Action::SetRequest(e.request));
            }
            submitted.set(Some((text, now)));
        })
    };
    let on_input = {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            draft.set(area.value());
        })
    };
    let on_keydown = {
        let explain = explain.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" && (e.ctrl_key() || e.meta_key()) {
                e.prevent_default();
                explain.emit(());
            }
        })
    };
    let on_click = {
        let explain = explain.clone();
        Callback::from(move |_: MouseEvent| explain.emit(()))
    };

    let body = match &*explained {
        None => html! {},
        Some(Err(e)) => html! {
            <div class="field-error denied-error" role="alert">
                <p>{ format!("Line {}, column {}: {}", e.line, e.column, e.message) }</p>
                if let Some(help) = &e.help { <p class="muted">{ help.clone() }</p> }
            </div>
        },
        Some(Ok(e)) => {
            let on_apply = {
                let store = store.clone();
                let fix_error = fix_error.clone();
                let fix = e.fix.clone();
                Callback::from(move |_: MouseEvent| {
                    let Some(fix) = fix.clone() else {
                        return;
                    };
                    match store::edit(&store, fix.label.clone(), |s| fix.apply(s)) {
                        Ok(()) => fix_error.set(None),
                        Err(err) => fix_error.set(Some(err.message)),
                    }
                })
            };
            let on_add = {
                let store = store.clone();
                let fix_error = fix_error.clone();
                let add = match &e.principal {
                    PrincipalMatch::Missing { add, .. } => Some(add.clone()),
                    _ => None,
                };
                Callback::from(move |_: MouseEvent| {
                    let Some(add) = add.clone() else {
                        return;
                    };
                    match store::edit(&store, add.label.clone(), |s| add.apply(s)) {
                        Ok(()) => fix_error.set(None),
                        Err(err) => fix_error.set(Some(err.message)),
                    }
                })
            };
            html! {
                <div class="denied-result" aria-live="polite">
                    { request_view(e) }
                    { principal_view(e, on_add) }
                    { verdict_view(e) }
                    if let Some(fix) = &e.fix {
                        <div class="denied-fix">
                            <h4>{ if fix.verified { "Fix (verified: the request is then allowed)" } else { "Fix" } }</h4>
                            <p>{ fix.explanation.clone() }</p>
                            <ul>{ for fix.steps.iter().map(|s| html! { <li>{ s.describe() }</li> }) }</ul>
                            <button type="button" class="btn" data-action="apply-denied-fix" onclick={on_apply}>
                                { "Apply fix" }
                            </button>
                        </div>
                    }
                    if let Some(err) = &*fix_error {
                        <p class="field-error" role="alert">{ err.clone() }</p>
                    }
                    if !e.notes.is_empty() {
                        <ul class="denied-notes">{ for e.notes.iter().map(|n| html! { <li>{ n.clone() }</li> }) }</ul>
                    }
                </div>
            }
        }
    };

    html! {
        <section class="sim-denied" aria-labelledby="sim-denied-heading">
            <h3 id="sim-denied-heading">{ "Paste an AccessDenied error" }</h3>
            <p class="muted">{ "An AccessDenied message, the output of aws sts decode-authorization-message, or a CloudTrail event. The request is rebuilt, simulated here, and compared with what AWS said." }</p>
            <textarea id="denied-input" class="denied-input" rows="3" spellcheck="false"
                aria-label="AccessDenied error to explain"
                value={(*draft).clone()} oninput={on_input} onkeydown={on_keydown} />
            <button type="button" class="btn" data-action="explain-denied" onclick={on_click}>{ "Explain" }</button>
            { body }
        </section>
    }
}

/// The rebuilt request and the reason AWS gave.
fn request_view(e: &DeniedExplanation) -> Html {
    let d = &e.denied;
    let claim = match &d.claimed {
        None => "AWS gave no reason.".to_string(),
        Some(c) => {
            let words = c.layer.words();
            match c.kind {
                ClaimKind::NoAllow => format!("AWS says no {words} allows it."),
                ClaimKind::ExplicitDeny => {
                    format!("AWS says an explicit deny in a {words} refuses it.")
                }
                ClaimKind::ImplicitDeny => {
                    format!("AWS says an implicit deny in a {words} refuses it.")
                }
            }
        }
    };
    html! {
        <div class="denied-request">
            <h4>{ "Request (loaded into the request panel)" }</h4>
            <dl>
                <dt>{ "Principal" }</dt><dd><code>{ d.principal.arn.clone() }</code></dd>
                <dt>{ "Action" }</dt><dd><code>{ d.action.clone() }</code></dd>
                <dt>{ "Resource" }</dt><dd><code>{ d.resource.clone().unwrap_or_else(|| "*".to_string()) }</code></dd>
                { for d.context.iter().map(|c| html! {
                    <><dt><code>{ c.key.clone() }</code></dt><dd>{ c.values.join(", ") }</dd></>
                }) }
            </dl>
            <p class="denied-claim">{ claim }</p>
        </div>
    }
}

/// Whether the scenario has the principal, with the edit that adds it when it does not.
fn principal_view(e: &DeniedExplanation, on_add: Callback<MouseEvent>) -> Html {
    match &e.principal {
        PrincipalMatch::Missing { add, .. } => html! {
            <p class="denied-principal">
                { add.explanation.clone() }{ " " }
                <button type="button" class="btn btn-quiet" data-action="add-denied-principal" onclick={on_add}>
                    { add.label.clone() }
                </button>
            </p>
        },
        PrincipalMatch::External { principal } => html! {
            <p class="denied-principal muted">{ format!("{principal} is not an entity of the scenario; it is simulated by its ARN.") }</p>
        },
        PrincipalMatch::Found { .. } => html! {},
    }
}

/// The scenario's decision, the reason in words and the agreement verdict.
fn verdict_view(e: &DeniedExplanation) -> Html {
    match &e.simulated {
        Simulated::Decided {
            decision,
            agreement,
            ..
        } => {
            let agrees = agreement.decision_agrees && agreement.reason_agrees;
            html! {
                <div class="denied-verdict">
                    <p>
                        { "Here: " }<span class={decision_class(*decision)} data-denied-decision="">{ decision_label(*decision) }</span>
                    </p>
                    <p class="denied-reason">{ e.reason.clone() }</p>
                    <p class={classes!("denied-agreement", if agrees { "agrees" } else { "disagrees" })}>
                        <strong>{ if agrees { "Agrees with AWS. " } else { "Does not agree with AWS. " } }</strong>
                        { agreement.message.clone() }
                    </p>
                </div>
            }
        }
        _ => html! { <p class="denied-reason">{ e.reason.clone() }</p> },
    }
}
