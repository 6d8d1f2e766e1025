//! The findings list: every validation problem of the scenario (entity names, quotas,
//! references, and the full policy validator on every text, with the catalog when it has
//! arrived) followed by the account-level best practices of the guides, grouped by check (most
//! severe first) with each group's count. Each finding has a button that opens the offending
//! entity, and for a policy finding, selects its span in the policy editor.

use std::collections::HashMap;

use iam_engine::catalog::Catalog;
use iam_engine::diagnostic::Severity;
use iam_engine::scenario::{Finding, Fix, Scenario, Target};
use yew::prelude::*;

use crate::analysis::account::EscalationProgress;
pub use crate::analysis::findings::ScenarioFindings;
use crate::data::Loadable;
use crate::store::{Action, Notice, NoticeLevel, Selection, View, edit, use_store};

/// The words a severity is shown with.
pub fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "Error",
        Severity::SecurityWarning => "Security warning",
        Severity::Warning => "Warning",
        Severity::Suggestion => "Suggestion",
    }
}

/// The CSS modifier of a severity.
pub fn severity_class(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "sev-error",
        Severity::SecurityWarning => "sev-security",
        Severity::Warning => "sev-warning",
        Severity::Suggestion => "sev-suggestion",
    }
}

/// The text a finding's span is in, to turn the span into a line and column.
fn finding_text<'a>(scenario: &'a Scenario, finding: &Finding) -> Option<&'a str> {
    let document = finding.document.as_ref()?;
    scenario
        .policy_texts()
        .into_iter()
        .find(|t| t.target == finding.target && &t.document == document)
        .map(|t| t.text)
}

/// How many findings a check may have and still be listed at first: a larger group (an
/// imported account repeats one check hundreds of times) starts folded, with its count, and its
/// findings are rendered only when it is opened.
const OPEN_GROUP_MAX: usize = 10;

/// The findings by check: (code, severity, the findings' indexes), most severe first, then in
/// the order the checks first appear.
fn groups(findings: &[Finding]) -> Vec<(&str, Severity, Vec<usize>)> {
    let mut out: Vec<(&str, Severity, Vec<usize>)> = Vec::new();
    let mut at: HashMap<&str, usize> = HashMap::new();
    for (i, f) in findings.iter().enumerate() {
        match at.get(f.code.as_str()) {
            Some(&g) => {
                if let Some(group) = out.get_mut(g) {
                    group.2.push(i);
                }
            }
            None => {
                at.insert(f.code.as_str(), out.len());
                out.push((f.code.as_str(), f.severity, vec![i]));
            }
        }
    }
    let rank = |s: Severity| match s {
        Severity::Error => 0,
        Severity::SecurityWarning => 1,
        Severity::Warning => 2,
        Severity::Suggestion => 3,
    };
    out.sort_by_key(|(_, severity, _)| rank(*severity));
    out
}

/// The findings view.
#[component]
pub fn FindingsView() -> Html {
    let Some(store) = use_store() else {
        return html! {};
    };
    let catalog = use_context::<Loadable<Catalog>>().unwrap_or_default();
    let catalog_ready = matches!(catalog, Loadable::Ready(_));
    let ScenarioFindings { findings, updating } =
        use_context::<ScenarioFindings>().unwrap_or_default();
    // The groups the user opened or folded, by check code (the others keep their default).
    let toggled = use_state(HashMap::<String, bool>::new);
    let escalation = use_context::<EscalationProgress>().unwrap_or_default();
    let paths = escalation
        .current(store.revision)
        .map(|r| r.paths_to_admin())
        .unwrap_or_default();
    let open_analysis = {
        let store = store.clone();
        Callback::from(move |_| store.dispatch(Action::SetView(View::Analysis)))
    };
    let counts = [
        Severity::Error,
        Severity::SecurityWarning,
        Severity::Warning,
        Severity::Suggestion,
    ]
    .map(|s| (s, findings.iter().filter(|f| f.severity == s).count()));
    let summary = counts
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| crate::text::plural(*n, &severity_label(*s).to_lowercase()))
        .collect::<Vec<_>>()
        .join(", ");
    let row = |i: usize, f: &Finding| {
        let place = match (&f.document, finding_text(&store.scenario, f), f.span) {
            (Some(doc), Some(text), Some(span)) => {
                let lc = iam_engine::span::LineIndex::new(text).line_col(span.start);
                format!(
                    "{}, {}, line {}, column {}",
                    f.target, doc, lc.line, lc.column
                )
            }
            (Some(doc), _, _) => format!("{}, {}", f.target, doc),
            _ => f.target.to_string(),
        };
        let onclick = {
            let store = store.clone();
            let f = f.clone();
            Callback::from(move |_| {
                let selection = match &f.document {
                    Some(doc) => Selection::document(f.target.clone(), doc.clone(), f.span),
                    None => Selection::entity(f.target.clone()),
                };
                if matches!(f.target, Target::Test { .. }) {
                    store.dispatch(Action::Select {
                        selection,
                        show: false,
                    });
                    store.dispatch(Action::SetView(crate::store::View::Simulate));
                } else {
                    store.dispatch(Action::Select {
                        selection,
                        show: true,
                    });
                }
            })
        };
        html! {
            <li class={classes!("finding", severity_class(f.severity))} data-code={f.code.clone()} key={i}>
                <span class="finding-severity">{ severity_label(f.severity) }</span>
                <div class="finding-body">
                    <p class="finding-message">{ f.message.clone() }</p>
                    <p class="finding-place muted">
                        <code>{ f.code.clone() }</code>{ " · " }{ place.clone() }
                    </p>
                </div>
                <div class="finding-actions">
                    if let Some(fix) = &f.fix {
                        <FixButton fix={fix.clone()} />
                    }
                    <button type="button" class="btn finding-go" {onclick}
                        aria-label={format!("Show {place}")}>{ "Show" }</button>
                </div>
            </li>
        }
    };
    let group_list = groups(&findings);
    let few = findings.len() <= OPEN_GROUP_MAX * 3;
    let sections = group_list.iter().map(|(code, severity, members)| {
        let open = toggled
            .get(*code)
            .copied()
            .unwrap_or(few || members.len() <= OPEN_GROUP_MAX);
        let toggle = {
            let (toggled, code) = (toggled.clone(), code.to_string());
            Callback::from(move |_| {
                let mut next = (*toggled).clone();
                next.insert(code.clone(), !open);
                toggled.set(next);
            })
        };
        let list_id = format!("finding-group-{code}");
        html! {
            <li class={classes!("finding-group", severity_class(*severity))} data-group={code.to_string()} key={code.to_string()}>
                <h3 class="finding-group-head">
                    <button type="button" class="finding-group-toggle" onclick={toggle}
                        aria-expanded={open.to_string()} aria-controls={open.then(|| list_id.clone())}>
                        <span class="finding-group-caret" aria-hidden="true">{ if open { "▾" } else { "▸" } }</span>
                        <span class="finding-severity">{ severity_label(*severity) }</span>
                        <code>{ code.to_string() }</code>
                        <span class="finding-count">{ crate::text::count(members.len(), "finding", "findings") }</span>
                    </button>
                </h3>
                if open {
                    <ul class="findings-list" id={list_id}>
                        { for members.iter().filter_map(|&i| findings.get(i).map(|f| row(i, f))) }
                    </ul>
                }
            </li>
        }
    });
    html! {
        <section class="findings-view" aria-labelledby="findings-title">
            <h2 id="findings-title">{ "Findings" }</h2>
            if paths > 0 {
                <div class="finding sev-security findings-paths" data-code="path-to-admin">
                    <span class="finding-severity">{ severity_label(Severity::SecurityWarning) }</span>
                    <div class="finding-body">
                        <p class="finding-message">{ format!(
                            "{}: a principal that is not an admin can make itself one.",
                            crate::text::count(paths, "path to admin", "paths to admin")
                        ) }</p>
                        <p class="finding-place muted">{ "Found by the escalation analysis, with the smallest fix of each path." }</p>
                    </div>
                    <div class="finding-actions">
                        <button type="button" class="btn finding-go" data-action="open-analysis" onclick={open_analysis}>{ "Open the analysis" }</button>
                    </div>
                </div>
            }
            if findings.is_empty() && updating {
                <p class="muted findings-checking" role="status">{ "Checking the scenario…" }</p>
            } else if findings.is_empty() && paths == 0 {
                <p class="empty" role="status">{ "No findings: every name, quota and policy checks out, and the account follows the guides' best practices." }</p>
            } else if !findings.is_empty() {
                <p class="muted" role="status">{ format!("{}: {summary}.", crate::text::count(findings.len(), "finding", "findings")) }
                    if updating { { " Updating after the last change…" } }
                    if !catalog_ready { { " Action and condition-key checks run once the AWS catalog has loaded." } }
                </p>
                <ul class="finding-groups" aria-label="Findings by check">{ for sections }</ul>
            }
        </section>
    }
}

/// Props of [`FixButton`].
#[derive(Properties, PartialEq)]
struct FixButtonProps {
    /// The engine's fix of the finding.
    fix: Fix,
}

/// "Fix": applies the finding's fix as one undoable step (labelled with the fix's words); the
/// finding then leaves the list, since findings are computed from the scenario.
#[component]
fn FixButton(props: &FixButtonProps) -> Html {
    let Some(store) = use_store() else {
        return html! {};
    };
    let label = props.fix.label();
    let onclick = {
        let fix = props.fix.clone();
        let label = label.clone();
        Callback::from(move |_| {
            if let Err(e) = edit(&store, label.clone(), |s| s.apply_fix(&fix)) {
                store.dispatch(Action::SetNotice(Some(Notice {
                    details: None,
                    level: NoticeLevel::Error,
                    text: e.message,
                })));
            }
        })
    };
    html! {
        <button type="button" class="btn btn-primary finding-fix" {onclick} title={label.clone()}
            aria-label={label}>{ "Fix" }</button>
    }
}
