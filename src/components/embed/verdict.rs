//! The decision as the compact embeds show it: the verdict line, how many actions a wildcard
//! matched, and the deciding statements (quoted when asked), or the nearest miss when nothing
//! decided. Everything comes from the engine's [`Answer`]; nothing is decided here.

use std::rc::Rc;

use iam_engine::eval::Decision;
use iam_engine::policy::Effect;
use iam_engine::workbench::simulate::PolicyLocation;
use iam_engine::workbench::{Answer, miss_text};
use yew::prelude::*;

use crate::components::simulator::result::{decision_class, decision_label};

/// The longest quote of a statement, in lines; a longer one ends with "…".
const QUOTE_LINES: usize = 10;

/// How many deciding statements are listed.
const STATEMENTS: usize = 2;

/// Props of [`Verdict`].
#[derive(Properties, PartialEq)]
pub struct VerdictProps {
    /// The answer to show.
    pub answer: Rc<Answer>,
    /// Whether to quote the deciding statements' text.
    #[prop_or_default]
    pub quote: bool,
}

/// The first `lines` lines of `text`, with "…" when some were left out.
fn clip(text: &str, lines: usize) -> String {
    let mut kept: Vec<&str> = text.lines().take(lines + 1).collect();
    if kept.len() > lines {
        kept.truncate(lines);
        kept.push("…");
    }
    kept.join("\n")
}

/// The verdict.
#[component]
pub fn Verdict(props: &VerdictProps) -> Html {
    let line = |decision: Decision, why: String| {
        html! {
            <p class="verdict-line" aria-live="polite">
                <span class={decision_class(decision)} data-testid="decision">{ decision_label(decision) }</span>
                { " " }{ why }
            </p>
        }
    };
    match &*props.answer {
        Answer::Incomplete(why) => {
            html! { <p class="status embed-verdict" role="status">{ why.clone() }</p> }
        }
        Answer::Error(why) => {
            html! { <p class="status status-error embed-verdict" role="alert">{ why.clone() }</p> }
        }
        Answer::RootTask(a) => html! {
            <div class="embed-verdict" data-decision={a.decision.as_aws_str()}>
                { line(a.decision, a.reason.clone()) }
            </div>
        },
        Answer::Decided(d) => {
            let evaluation = &d.detail.evaluation;
            let wildcard = (d.rows.len() > 1).then(|| {
                let allowed = d
                    .rows
                    .iter()
                    .filter(|(_, decision)| *decision == Decision::Allowed)
                    .count();
                let explained = d.rows.get(d.selected).map(|r| r.0.clone()).unwrap_or_default();
                html! {
                    <p class="muted embed-rows">
                        { format!("The pattern matches {} actions ({allowed} allowed); this is the answer for {explained}.", d.total) }
                    </p>
                }
            });
            // The verdict's summary already names the deciding statement: a quote shows its
            // text under its name, and without quotes only a second one is worth a line.
            let listed = if props.quote || d.deciding.len() > 1 {
                STATEMENTS
            } else {
                0
            };
            let statements = d.deciding.iter().take(listed).map(|statement| {
                let name = statement.name();
                let verb = match statement.effect {
                    Effect::Allow => "allows",
                    Effect::Deny => "denies",
                };
                let place = PolicyLocation::of(&statement.source).to_string();
                let quoted = props
                    .quote
                    .then(|| d.statement_text(statement))
                    .flatten()
                    .map(|text| clip(&text, QUOTE_LINES));
                html! {
                    <li data-statement={name.clone()}>
                        if let Some(text) = quoted {
                            <>
                                <span class="muted">{ "Statement " }<code>{ name }</code>{ format!(" in {place}:") }</span>
                                <pre class="statement-text"><code>{ text }</code></pre>
                            </>
                        } else {
                            <>{ "Statement " }<code>{ name }</code>{ format!(" in {place} {verb} this request.") }</>
                        }
                    </li>
                }
            });
            let miss = (d.deciding.is_empty())
                .then(|| evaluation.candidates.first())
                .flatten()
                .map(|c| {
                    let name = c.statement.name();
                    html! {
                        <p class="miss" data-statement={name.clone()}>
                            { "Nearest miss: statement " }<code>{ name }</code>
                            { format!(" in {} would allow this, but {}", d.detail.place(&c.statement.policy_id), miss_text(&c.miss)) }
                        </p>
                    }
                });
            html! {
                <div class="embed-verdict" data-decision={evaluation.decision.as_aws_str()}>
                    { line(evaluation.decision, evaluation.summary.clone()) }
                    { wildcard }
                    if listed > 0 && !d.deciding.is_empty() {
                        <ul class={classes!("deciding", props.quote.then_some("quoted"))}>{ for statements }</ul>
                    }
                    { miss }
                </div>
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::clip;

    #[test]
    fn long_quotes_are_clipped() {
        assert_eq!(clip("a\nb", 2), "a\nb");
        assert_eq!(clip("a\nb\nc", 2), "a\nb\n…");
    }
}
