//! The who-can answer: per action, how many principals are allowed, then each principal's
//! entry. It says when the answer is still arriving or is about an older revision of the
//! scenario.

use std::rc::Rc;

use yew::prelude::*;

use super::who_can_entry::WhoCanEntry;
use crate::analysis::account::WhoCanProgress;
use crate::analysis::client::JobStatus;
use crate::text::{count, thousands};

/// The most entries rendered (the rest are counted).
const MAX_ENTRIES: usize = 200;

/// Props of [`WhoCanResults`].
#[derive(Properties, PartialEq)]
pub struct WhoCanResultsProps {
    /// The answer so far.
    pub progress: WhoCanProgress,
    /// The store's revision now.
    pub revision: u64,
}

/// The answer.
#[component]
pub fn WhoCanResults(props: &WhoCanResultsProps) -> Html {
    let p = &props.progress;
    let current = p.revision == props.revision;
    let status = match &p.status {
        _ if !current => "Updating for the last edit…".to_string(),
        JobStatus::Running => format!(
            "Asking {} of {}…",
            thousands(p.answered),
            count(p.actions.len(), "action", "actions")
        ),
        JobStatus::Done => format!(
            "{} asked of {}, answered in {} ms in the background.",
            count(p.actions.len(), "action", "actions"),
            count(p.considered, "principal", "principals"),
            p.elapsed_ms.round()
        ),
        JobStatus::Cancelled => "Stopped.".to_string(),
        JobStatus::Failed(message) => format!("Who-can could not run: {message}"),
    };
    let state = match &p.status {
        _ if !current => "stale",
        JobStatus::Running => "running",
        JobStatus::Done => "done",
        JobStatus::Cancelled => "cancelled",
        JobStatus::Failed(_) => "failed",
    };
    let mut shown = 0usize;
    let groups = p.actions.iter().map(|action| {
        let rows: Vec<_> = p
            .rows
            .iter()
            .filter(|r| &r.request.action == action)
            .collect();
        let allowed = rows.len();
        let take = MAX_ENTRIES.saturating_sub(shown).min(rows.len());
        shown += take;
        html! {
            <section class="who-can-action" data-action-name={action.clone()}>
                <h4>
                    <code>{ action.clone() }</code>{ " on " }<code>{ p.resource.clone() }</code>
                    <span class="muted">{ format!(": {}", count(allowed, "principal", "principals")) }</span>
                </h4>
                if allowed == 0 && p.status == JobStatus::Done {
                    <p class="muted">{ "No principal the scenario knows is allowed this, or denied it only by a guardrail." }</p>
                }
                <ul class="who-can-list">
                    { for rows.into_iter().take(take).map(|r| html! {
                        <WhoCanEntry key={format!("{}|{}", r.principal, r.request.action)} row={Rc::clone(r)} {current} />
                    }) }
                </ul>
            </section>
        }
    });
    let hidden = p.rows.len().saturating_sub(MAX_ENTRIES);
    html! {
        <div class={classes!("who-can-results", (!current).then_some("stale"))} aria-busy={(state == "running" || state == "stale").then_some("true")}>
            <p class="analysis-status" role="status" data-state={state}>{ status }</p>
            { for groups }
            if hidden > 0 {
                <p class="muted">{ format!("{} more not shown: narrow the actions.", thousands(hidden)) }</p>
            }
        </div>
    }
}
