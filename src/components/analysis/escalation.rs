//! The paths to admin: the escalation analysis the app runs in the worker for every revision
//! (after a pause in editing), read from its context. Each path is a card; the summary says
//! who is admin already and how much of the catalog was checked.

use std::rc::Rc;

use yew::prelude::*;

use super::path_card::PathCard;
use crate::analysis::account::{EscalationProgress, FixState};
use crate::analysis::client::JobStatus;
use crate::store::use_store;
use crate::text::{count, thousands};

/// How many paths are rendered at first, and how many more each "Show more" adds.
pub const PATHS_PER_PAGE: usize = 10;

/// How far a large account's search has got, as the end of the status's sentence.
fn searching(progress: &EscalationProgress) -> String {
    match progress.searching {
        Some(s) => format!(
            ": searched from {} of {} principals, {} with a path so far…",
            thousands(s.searched),
            thousands(s.total),
            thousands(s.with_paths)
        ),
        None => "…".to_string(),
    }
}

/// The panel.
#[component]
pub fn EscalationPanel() -> Html {
    let store = use_store();
    let progress = use_context::<EscalationProgress>().unwrap_or_default();
    let shown = use_state(|| PATHS_PER_PAGE);
    let Some(store) = store else {
        return html! {};
    };
    let current = progress.current(store.revision).is_some();
    let (status, state) = match (&progress.status, &progress.result) {
        (Some(JobStatus::Failed(m)), _) => (
            format!("The escalation analysis could not run: {m}"),
            "failed",
        ),
        (_, Some(r)) if current => {
            let n = r.paths_to_admin();
            let head = if n == 0 {
                "No path to admin".to_string()
            } else if r.report.unlisted_paths > 0 {
                // A real account: thousands of principals reach the same admin role the same way.
                let from = r.report.principals_with_paths;
                format!(
                    "{} paths to admin from {} {} (the shortest {} listed)",
                    thousands(n),
                    thousands(from),
                    if from == 1 { "principal" } else { "principals" },
                    thousands(r.report.paths.len())
                )
            } else {
                count(n, "path to admin", "paths to admin")
            };
            let skipped = r.fixes.first() == Some(&FixState::Skipped);
            let fixes = match r.done_ms {
                _ if skipped => {
                    "; their fixes are not computed on an account this large".to_string()
                }
                Some(ms) if n > 0 => format!(" and their fixes in {} ms", ms.round()),
                None if n > 0 => ", checking the smallest fix of each…".to_string(),
                _ => String::new(),
            };
            let stopped = r.report.searched_only.map_or_else(String::new, |searched| {
                format!(
                    " The search stopped at its budget after {} of {} principals: the paths are theirs.",
                    thousands(searched),
                    thousands(r.report.principals_considered)
                )
            });
            (
                format!(
                    "{head}: found in {} ms in the background{fixes}.{stopped}",
                    r.paths_ms.round()
                ),
                if r.done_ms.is_some() {
                    "done"
                } else {
                    "running"
                },
            )
        }
        (_, Some(_)) => (
            format!("Updating for the last edit{}", searching(&progress)),
            "stale",
        ),
        (None, None) => (
            "Waiting for the AWS-managed policies…".to_string(),
            "waiting",
        ),
        (Some(_), None) => (
            format!("Looking for paths to admin{}", searching(&progress)),
            "running",
        ),
    };
    let body = progress.result.as_ref().map(|r| {
        let admins = if r.report.admin_equivalent.is_empty() {
            "none".to_string()
        } else {
            r.report.admin_equivalent.join(", ")
        };
        let total = r.report.paths.len();
        let hidden = total.saturating_sub(*shown);
        let more = {
            let shown = shown.clone();
            Callback::from(move |_| shown.set(*shown + PATHS_PER_PAGE))
        };
        let cards = r.report.paths.iter().zip(&r.fixes).take(*shown).enumerate().map(|(i, (path, fix))| {
            let key = path.key();
            let path = Rc::new(path.clone());
            let fix: FixState = fix.clone();
            html! {
                <li {key}>
                    <PathCard n={i + 1} {path} {fix} {current} />
                </li>
            }
        });
        html! {
            <>
                <p class="muted escalation-admins">{ format!("Admin-equivalent already (not paths): {admins}.") }</p>
                <ol class="path-list">{ for cards }</ol>
                if hidden > 0 {
                    <p class="path-more">
                        <button type="button" class="btn" data-action="more-paths" onclick={more}>
                            { format!("Show {} more ({} not shown)", hidden.min(PATHS_PER_PAGE), hidden) }
                        </button>
                    </p>
                }
                <details class="escalation-coverage">
                    <summary>{ format!(
                        "Checked {} of the catalog's {} paths from {}",
                        r.report.modelled_paths,
                        r.report.catalog_paths,
                        count(r.report.principals_considered, "principal", "principals")
                    ) }</summary>
                    <p class="muted">{ "The catalog is pathfinding.cloud's (Apache-2.0). Left out, and why:" }</p>
                    <ul>
                        { for r.report.left_out.iter().map(|(id, why)| html! { <li><code>{ id.clone() }</code>{ format!(": {why}") }</li> }) }
                    </ul>
                </details>
            </>
        }
    });
    html! {
        <section class={classes!("analysis-panel", "analysis-escalation", (!current).then_some("stale"))}
            aria-labelledby="escalation-title" aria-busy={(state == "running" || state == "stale").then_some("true")}>
            <h3 id="escalation-title">{ "Paths to admin" }</h3>
            <p class="analysis-status" role="status" data-state={state}>{ status }</p>
            { for body }
        </section>
    }
}
