//! The what-can answer: the totals, a table of services × access levels, the actions
//! guardrails remove and the conditional ones grouped by their words, and the synthesized
//! policy with a Copy button. An answer about an older revision (or another principal) is
//! dimmed until the new one arrives.

use std::rc::Rc;

use yew::prelude::*;

use super::what_can_service::{LEVELS, WhatCanService};
use crate::analysis::account::WhatCanProgress;
use crate::analysis::client::JobStatus;
use crate::analysis::protocol::WordsGroup;
use crate::text::{count, thousands};

/// How many services the table shows before "Show all".
const SHOWN_SERVICES: usize = 40;

/// Props of [`WhatCanResults`].
#[derive(Properties, PartialEq)]
pub struct WhatCanResultsProps {
    /// The answer so far.
    pub progress: WhatCanProgress,
    /// The store's revision now.
    pub revision: u64,
    /// The principal asked about now.
    pub principal: String,
}

/// One group of actions with the words they share.
fn group(g: &WordsGroup) -> Html {
    let mut actions = g.actions.join(", ");
    if g.count > g.actions.len() {
        actions.push_str(&format!(
            " and {} more",
            thousands(g.count - g.actions.len())
        ));
    }
    html! {
        <li class="what-can-group">
            <p class="what-can-words">
                { for g.words.iter().map(|w| html! { <span>{ w.clone() }</span> }) }
            </p>
            <p class="what-can-group-actions">
                <strong>{ format!("{} {}", thousands(g.count), if g.count == 1 { "action" } else { "actions" }) }</strong>{ ": " }<code>{ actions }</code>
            </p>
        </li>
    }
}

/// The answer.
#[component]
pub fn WhatCanResults(props: &WhatCanResultsProps) -> Html {
    let all = use_state(|| false);
    let code = use_node_ref();
    let copy_status = use_state(String::new);
    let p = &props.progress;
    let result = p.result.as_ref();
    let current = result
        .is_some_and(|r| r.revision == props.revision && r.answer.principal == props.principal);
    let (status, state) = match (&p.status, result) {
        (Some(JobStatus::Failed(m)), _) => (format!("What-can could not run: {m}"), "failed"),
        (Some(JobStatus::Cancelled), _) => ("Stopped.".to_string(), "cancelled"),
        (_, Some(r)) if current => (
            format!(
                "{} actions of the catalog decided in {} ms in the background.",
                thousands(r.answer.actions_considered),
                r.elapsed_ms.round()
            ),
            "done",
        ),
        (_, Some(_)) => ("Updating…".to_string(), "stale"),
        _ => (
            "Deciding every action of the catalog…".to_string(),
            "running",
        ),
    };
    let Some(r) = result else {
        return html! {
            <div class="what-can-results" aria-busy="true">
                <p class="analysis-status" role="status" data-state={state}>{ status }</p>
            </div>
        };
    };
    let a = Rc::clone(&r.answer);
    let rows: Vec<_> = a
        .services
        .iter()
        .filter(|s| s.allowed + s.conditional > 0)
        .collect();
    let only_removed = a.services.len() - rows.len();
    let shown = if *all {
        rows.len()
    } else {
        rows.len().min(SHOWN_SERVICES)
    };
    let on_all = {
        let all = all.clone();
        Callback::from(move |_| all.set(true))
    };
    let on_copy = {
        let text = a.policy.clone();
        let code = code.clone();
        let status = copy_status.clone();
        Callback::from(move |_| {
            crate::clipboard::copy_text(text.clone(), code.clone(), status.clone())
        })
    };
    html! {
        <div class={classes!("what-can-results", (!current).then_some("stale"))}
            aria-busy={(!current && state != "failed").then_some("true")}>
            <p class="analysis-status" role="status" data-state={state}>{ status }</p>
            <div class="what-can-answer">
                <p class="what-can-totals" data-principal={a.principal.clone()}>
                    <code>{ a.principal.clone() }</code>{ " on " }<code>{ a.resource.clone() }</code>{ ": " }
                    <span class="what-can-total" data-kind="allowed"><strong>{ thousands(a.allowed) }</strong>{ " allowed" }</span>
                    { ", " }
                    <span class="what-can-total" data-kind="conditional"><strong>{ thousands(a.conditional) }</strong>{ " conditional" }</span>
                    { ", " }
                    <span class="what-can-total" data-kind="removed"><strong>{ thousands(a.removed) }</strong>{ " removed by guardrails" }</span>
                    <span class="muted">{ format!(" (of {} actions)", thousands(a.actions_considered)) }</span>
                </p>
                if rows.is_empty() {
                    <p class="muted">{ "Nothing is allowed, even under conditions." }</p>
                } else {
                    <div class="what-can-table-wrap">
                        <table class="what-can-table">
                            <caption class="muted">{ "Allowed of each access level's actions; +N? conditional, −N removed by guardrails. Open a service to list its actions." }</caption>
                            <thead>
                                <tr>
                                    <th scope="col">{ "Service" }</th>
                                    { for LEVELS.iter().map(|l| html! { <th scope="col">{ *l }</th> }) }
                                </tr>
                            </thead>
                            <tbody>
                                { for rows.iter().take(shown).map(|s| html! {
                                    <WhatCanService key={s.service.clone()} row={Rc::new((*s).clone())} />
                                }) }
                            </tbody>
                        </table>
                    </div>
                    if shown < rows.len() {
                        <button type="button" class="btn" data-action="all-services" onclick={on_all}>
                            { format!("Show all {} services", thousands(rows.len())) }
                        </button>
                    }
                }
                if !a.removed_groups.is_empty() {
                    <section class="what-can-removed-groups">
                        <h4>{ format!("Removed by guardrails ({})", thousands(a.removed)) }</h4>
                        if only_removed > 0 {
                            <p class="muted">{ format!("Including every allowed action of {}.", count(only_removed, "service", "services")) }</p>
                        }
                        <ul>{ for a.removed_groups.iter().map(group) }</ul>
                    </section>
                }
                if !a.conditional_groups.is_empty() {
                    <section class="what-can-conditional-groups">
                        <h4>{ format!("Conditional ({})", thousands(a.conditional)) }</h4>
                        <ul>{ for a.conditional_groups.iter().map(group) }</ul>
                    </section>
                }
                <section class="what-can-policy">
                    <h4>{ "Synthesized policy" }</h4>
                    <p class="muted">{ "One identity policy that allows exactly the allowed actions (not the conditional ones), each list shrunk to wildcards that match no other action of the catalog." }</p>
                    <pre class="export-code what-can-policy-code" tabindex="0" ref={code}><code>{ a.policy.clone() }</code></pre>
                    <div class="what-can-copy">
                        <button type="button" class="btn" data-action="copy-what-can-policy" onclick={on_copy} disabled={!current}>{ "Copy" }</button>
                        <span class="muted" role="status">{ (*copy_status).clone() }</span>
                    </div>
                </section>
            </div>
        </div>
    }
}
