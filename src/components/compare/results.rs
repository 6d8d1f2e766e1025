//! The comparison's answer: where the job is (with Cancel while it runs), the counts, the
//! engine's summary sentences, a section per principal whose access changes and what the
//! comparison does not model. An answer about another revision or another version before is
//! dimmed, its buttons disabled, until the new one arrives.

use std::rc::Rc;

use yew::prelude::*;

use super::outside::OutsideModel;
use super::principal::PrincipalSection;
use crate::analysis::account::Comparison;
use crate::analysis::client::JobStatus;
use crate::store::{Baseline, use_store};
use crate::text::{count, thousands};

/// Props of [`CompareResults`].
#[derive(Properties, PartialEq)]
pub struct CompareResultsProps {
    /// The version compared with.
    pub baseline: Baseline,
}

/// One total: signed and coloured when it is not zero.
fn total(n: usize, kind: &'static str, sign: &str) -> Html {
    let shown = if n == 0 {
        "0".to_string()
    } else {
        format!("{sign}{}", thousands(n))
    };
    html! {
        <span class="compare-total" data-kind={(n > 0).then_some(kind)}>
            <strong>{ shown }</strong>{ format!(" newly {kind}") }
        </span>
    }
}

/// The answer.
#[component]
pub fn CompareResults(props: &CompareResultsProps) -> Html {
    let store = use_store();
    let comparison = use_context::<Comparison>().unwrap_or_default();
    let Some(store) = store else {
        return html! {};
    };
    let p = &comparison.progress;
    let result = p.result.as_ref();
    let current = p
        .current(store.revision, &props.baseline.scenario)
        .is_some();
    let running = p.status == Some(JobStatus::Running);
    let (status, state) = match (&p.status, result) {
        (Some(JobStatus::Failed(m)), _) => (format!("The comparison could not run: {m}"), "failed"),
        (Some(JobStatus::Cancelled), _) if !current => (
            "Stopped. Pick the version again, or make an edit, to compare again.".to_string(),
            "cancelled",
        ),
        (_, Some(r)) if current => (
            format!(
                "Compared with {} in {} ms in the background.",
                props.baseline.words,
                r.elapsed_ms.round()
            ),
            "done",
        ),
        (None, _) => (
            "Waiting for the action catalog and the AWS-managed policies…".to_string(),
            "waiting",
        ),
        (_, Some(_)) => ("Updating…".to_string(), "stale"),
        _ => (
            format!("Comparing with {}…", props.baseline.words),
            "running",
        ),
    };
    let cancel = comparison.cancel.reform(|_: MouseEvent| ());
    let status_line = html! {
        <div class="compare-status-line">
            <p class="analysis-status compare-status" role="status" data-state={state}>{ status }</p>
            if running {
                <button type="button" class="btn" data-action="cancel-compare" onclick={cancel}>{ "Cancel" }</button>
            }
        </div>
    };
    let Some(r) = result else {
        return html! {
            <div class="compare-results" aria-busy={running.then_some("true")}>{ status_line }</div>
        };
    };
    let a = Rc::clone(&r.answer);
    html! {
        <div class={classes!("compare-results", (!current).then_some("stale"))}
            aria-busy={(!current && running).then_some("true")}>
            { status_line }
            <div class="compare-answer">
                <p class="compare-totals" data-newly-allowed={a.newly_allowed.to_string()}
                    data-newly-denied={a.newly_denied.to_string()}>
                    { format!("{} compared: ", count(a.principals_considered, "principal", "principals")) }
                    { total(a.newly_allowed, "allowed", "+") }
                    { ", " }
                    { total(a.newly_denied, "denied", "−") }
                    <span class="muted">{ format!(
                        " (principal × action pairs, over {} actions, {} and {} per resource)",
                        thousands(a.actions_considered),
                        count(a.regions, "resource region", "resource regions"),
                        count(a.contexts_considered, "context", "contexts"),
                    ) }</span>
                </p>
                if a.changes.is_empty() {
                    <p class="compare-none" data-empty="">{ "No principal's access changes: every request the comparison models is decided the same way in both versions." }</p>
                } else {
                    <ul class="compare-summary" aria-label="Summary">
                        { for a.summary.iter().map(|line| html! { <li>{ line.clone() }</li> }) }
                    </ul>
                    { for a.changes.iter().map(|c| html! {
                        <PrincipalSection key={c.principal.clone()} change={Rc::new(c.clone())} {current} />
                    }) }
                }
                <OutsideModel notes={a.outside_model.clone()} />
            </div>
        </div>
    }
}
