//! The editor's diagnostics: validating the text through the engine (at once while it is short,
//! after a pause in typing when it is long, the size check alone when it is huge), the summary
//! in the toolbar, and the list of problems under the text.

use std::rc::Rc;

use gloo::timers::callback::Timeout;
use iam_engine::catalog::Catalog;
use iam_engine::diagnostic::Severity;
use iam_engine::policy::PolicyType;
use iam_engine::span::{LineIndex, Span};
use iam_engine::validate::{Finding, Quota, check_size, validate};
use yew::prelude::*;

use super::layers::severity_class;
use crate::data::Loadable;
use crate::text::plural;

/// Texts longer than this are not validated in full (only their size is checked, which is the
/// finding that matters for them); a full validation of megabytes could take seconds.
pub const VALIDATE_LIMIT: usize = 128 * 1024;

/// Texts up to this length are validated on every keystroke; longer ones after a pause.
const IMMEDIATE_LIMIT: usize = 16 * 1024;

/// The pause (milliseconds) before validating a long text.
const DEBOUNCE_MS: u32 = 250;

/// The validation of an editor's text.
pub struct Validation {
    /// The text the findings are about (it lags behind a long text being typed).
    pub checked: UseStateHandle<String>,
    /// The findings of the checked text.
    pub findings: Rc<Vec<Finding>>,
}

/// Validates `text` (the editor's own copy) with the catalog once it has loaded, unless
/// `skip` (AWS's own read-only policies).
#[hook]
pub fn use_validation(
    text: &UseStateHandle<String>,
    policy_type: PolicyType,
    catalog: &Loadable<Catalog>,
    skip: bool,
) -> Validation {
    let checked = use_state(|| (**text).clone());
    {
        let checked = checked.clone();
        use_effect_with((**text).clone(), move |text| {
            let text = text.clone();
            let timer = if text.len() <= IMMEDIATE_LIMIT {
                if *checked != text {
                    checked.set(text);
                }
                None
            } else {
                Some(Timeout::new(DEBOUNCE_MS, move || checked.set(text)))
            };
            move || drop(timer)
        });
    }
    let findings = use_memo(
        ((*checked).clone(), policy_type, catalog.clone(), skip),
        |(text, policy_type, catalog, skip)| {
            if *skip {
                return Vec::new();
            }
            let catalog = match catalog {
                Loadable::Ready(c) => Some(&**c),
                _ => None,
            };
            findings_for(text, *policy_type, catalog)
        },
    );
    Validation { checked, findings }
}

/// The findings for `text`: a full validation while the text is of a sane size, the size
/// check alone above [`VALIDATE_LIMIT`].
fn findings_for(text: &str, policy_type: PolicyType, catalog: Option<&Catalog>) -> Vec<Finding> {
    if text.len() <= VALIDATE_LIMIT {
        return validate(text, policy_type, catalog);
    }
    let quota = Quota::default_for(policy_type);
    quota
        .and_then(|q| check_size(text, q))
        .into_iter()
        .collect()
}

/// The toolbar's verdict: "No problems found", "2 errors · 1 other finding", with a note while
/// the catalog's checks wait or are off; "Checking…" while the text is newer than the findings.
pub fn summary(findings: &[Finding], checking: bool, catalog: &Loadable<Catalog>) -> String {
    if checking {
        return "Checking…".to_string();
    }
    let errors = error_count(findings);
    let others = findings.len() - errors;
    let summary = match (errors, others) {
        (0, 0) => "No problems found".to_string(),
        (e, 0) => plural(e, "error"),
        (0, o) => plural(o, "finding"),
        (e, o) => format!("{} · {}", plural(e, "error"), plural(o, "other finding")),
    };
    let catalog_note = match catalog {
        Loadable::Loading => {
            " (action, resource and condition-key checks wait for the AWS catalog)"
        }
        Loadable::Failed(_) => {
            " (without the AWS catalog: action, resource and condition-key checks are off)"
        }
        Loadable::Ready(_) => "",
    };
    format!("{summary}{catalog_note}")
}

/// How many of the findings are errors.
pub fn error_count(findings: &[Finding]) -> usize {
    findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count()
}

/// Properties of [`DiagnosticsList`].
#[derive(Properties, PartialEq)]
pub struct DiagnosticsListProps {
    /// The text the findings are about.
    pub checked: AttrValue,
    /// The findings.
    pub findings: Rc<Vec<Finding>>,
    /// Selects a span of the text.
    pub select_span: Callback<Span>,
}

/// The problems in the text (the first 200), each a button that selects its span.
#[component]
pub fn DiagnosticsList(props: &DiagnosticsListProps) -> Html {
    let findings = &props.findings;
    if findings.is_empty() {
        return Html::default();
    }
    let checked_lines = LineIndex::new(&props.checked);
    html! {
        <ul class="diag-list" aria-label="Problems in this policy">
            { for findings.iter().take(200).map(|f| {
                let pos = checked_lines.line_col(f.span.start);
                let select_span = props.select_span.clone();
                let span = f.span;
                let onclick = Callback::from(move |_: MouseEvent| select_span.emit(span));
                html! {
                    <li class={classes!("diag-item", severity_class(f.severity))}>
                        <button type="button" class="diag-jump" {onclick}>
                            <span class="diag-sev">{ f.severity.label() }</span>
                            <span class="diag-pos">{ format!("Line {}, column {}", pos.line, pos.column) }</span>
                            <span class="diag-msg">{ f.message.clone() }</span>
                        </button>
                        if let Some(help) = &f.help {
                            <p class="diag-help">{ help.clone() }</p>
                        }
                    </li>
                }
            }) }
            if findings.len() > 200 {
                <li class="diag-more">{ format!("… and {} more", findings.len() - 200) }</li>
            }
        </ul>
    }
}
