//! A long read-only policy in play (an AWS-managed one such as `ReadOnlyAccess`, 3,000 lines)
//! shown as an excerpt: the lines of the statements the simulator highlights, with their line
//! numbers, and a button for the whole text. The whole text in an editor was a layout of its
//! 141 KB on every request it decided, too large for the editor's highlights, so the deciding
//! statement could not be seen in it anyway.

use iam_engine::span::{LineIndex, Span};
use yew::prelude::*;

use crate::components::editor::{EditorHighlight, PolicyEditor, highlight_class};
use crate::text::thousands;
use iam_engine::policy::PolicyType;

/// A read-only policy with more lines than this is shown as an excerpt when it has highlights.
pub const EXCERPT_FROM_LINES: usize = 120;

/// How many lines of a highlighted statement the excerpt shows from its start, and from its
/// end: a statement of AWS's can be a thousand lines of actions.
const HEAD_LINES: usize = 14;
const TAIL_LINES: usize = 2;

/// One row of an excerpt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Row<'a> {
    /// A line of the text: its number (from 1), its text, and the highlight it is in.
    Line {
        number: usize,
        text: &'a str,
        highlight: Option<usize>,
    },
    /// Lines left out, `from` to `to` (numbers from 1).
    Gap { from: usize, to: usize },
}

/// The rows of the excerpt of `text` around `spans` (the highlights' spans, in order of
/// preference: a line in two is counted in the first): for each span, the line before it,
/// its first [`HEAD_LINES`] lines and its last [`TAIL_LINES`], with gaps for the rest.
pub fn excerpt<'a>(text: &'a str, spans: &[Span]) -> Vec<Row<'a>> {
    let index = LineIndex::new(text);
    let line_count = index.line_count();
    // A byte offset's line, 0-based.
    let line_of = |offset: usize| index.line_col(offset).line.saturating_sub(1);
    // Each span's lines, [first, last], 0-based.
    let ranges: Vec<(usize, usize)> = spans
        .iter()
        .map(|s| {
            (
                line_of(s.start),
                line_of(s.end.saturating_sub(1).max(s.start)),
            )
        })
        .collect();
    let mut shown = vec![false; line_count];
    let mut mark = vec![None; line_count];
    for (i, &(first, last)) in ranges.iter().enumerate() {
        let head_end = last.min(first + HEAD_LINES - 1);
        let tail_start = last.saturating_sub(TAIL_LINES - 1).max(head_end + 1);
        let visible = (first.saturating_sub(1)..=head_end).chain(tail_start..=last);
        for line in visible {
            if let Some(s) = shown.get_mut(line) {
                *s = true;
            }
        }
        for m in mark.iter_mut().take(last + 1).skip(first) {
            m.get_or_insert(i);
        }
    }
    let mut rows = Vec::new();
    let mut gap_from = None;
    for i in 0..line_count {
        if shown[i] {
            if let Some(from) = gap_from.take() {
                rows.push(Row::Gap {
                    from: from + 1,
                    to: i,
                });
            }
            rows.push(Row::Line {
                number: i + 1,
                text: index.line_text(i + 1),
                highlight: mark[i],
            });
        } else if gap_from.is_none() {
            gap_from = Some(i);
        }
    }
    if let Some(from) = gap_from {
        rows.push(Row::Gap {
            from: from + 1,
            to: line_count,
        });
    }
    rows
}

/// Props of [`ReadOnlyPolicy`].
#[derive(Properties, PartialEq)]
pub struct ReadOnlyPolicyProps {
    /// The text shown (the laid-out copy of an AWS-managed policy).
    pub text: AttrValue,
    /// Its grammar.
    pub policy_type: PolicyType,
    /// The simulator's highlights in it.
    pub highlights: Vec<EditorHighlight>,
    /// The policy's accessible name.
    pub label: AttrValue,
}

/// A read-only policy in play: in an editor, or, when it is long and has highlights, as the
/// excerpt of its highlighted statements until the user asks for the whole text.
#[component]
pub fn ReadOnlyPolicy(props: &ReadOnlyPolicyProps) -> Html {
    let whole = use_state(|| false);
    let line_count = props.text.bytes().filter(|b| *b == b'\n').count() + 1;
    if *whole || line_count <= EXCERPT_FROM_LINES || props.highlights.is_empty() {
        return html! {
            <PolicyEditor text={props.text.clone()} policy_type={props.policy_type} readonly=true
                no_validation=true label={props.label.clone()} highlights={props.highlights.clone()} />
        };
    }
    let spans: Vec<Span> = props.highlights.iter().map(|h| h.span).collect();
    let rows = excerpt(&props.text, &spans).into_iter().map(|row| match row {
        Row::Line {
            number,
            text,
            highlight,
        } => {
            let h = highlight.and_then(|i| props.highlights.get(i));
            html! {
                <span class={classes!("ex-line", h.map(|h| highlight_class(h.kind)))}
                    title={h.map(|h| h.label.clone())}>
                    <span class="ex-ln" aria-hidden="true">{ number }</span>
                    { text }{ "\n" }
                </span>
            }
        }
        Row::Gap { from, to } => html! {
            <span class="ex-gap">{ format!("\u{22ef} lines {}\u{2013}{} not shown\n", thousands(from), thousands(to)) }</span>
        },
    });
    let show_all = {
        let whole = whole.clone();
        Callback::from(move |_| whole.set(true))
    };
    let labels: Vec<String> = props.highlights.iter().map(|h| h.label.clone()).collect();
    html! {
        <div class="policy-excerpt">
            <p class="muted">{ format!("The lines of the highlighted statements ({}):", labels.join("; ")) }</p>
            <pre tabindex="0" aria-label={format!("Excerpt of {}", props.label)}>{ for rows }</pre>
            <button type="button" class="btn" data-action="show-whole-policy" onclick={show_all}>
                { format!("Show the whole policy ({} lines)", thousands(line_count)) }
            </button>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(rows: &[Row<'_>]) -> Vec<String> {
        rows.iter()
            .map(|r| match r {
                Row::Line {
                    number, highlight, ..
                } => format!("{number}{}", if highlight.is_some() { "*" } else { "" }),
                Row::Gap { from, to } => format!("[{from}-{to}]"),
            })
            .collect()
    }

    /// A text of `n` lines "l1" … "ln" and the span of lines `a` to `b` (from 1).
    fn text_and_span(n: usize, a: usize, b: usize) -> (String, Span) {
        let lines: Vec<String> = (1..=n).map(|i| format!("l{i}")).collect();
        let start_of = |line: usize| lines[..line - 1].iter().map(|l| l.len() + 1).sum::<usize>();
        let span = Span::new(start_of(a), start_of(b) + lines[b - 1].len());
        (lines.join("\n"), span)
    }

    #[test]
    fn a_short_statement_is_shown_whole_with_the_line_before_it() {
        let (text, span) = text_and_span(300, 100, 105);
        let rows = excerpt(&text, &[span]);
        assert_eq!(
            lines(&rows),
            vec![
                "[1-98]",
                "99",
                "100*",
                "101*",
                "102*",
                "103*",
                "104*",
                "105*",
                "[106-300]"
            ]
        );
        assert!(matches!(rows[1], Row::Line { text: "l99", .. }));
    }

    #[test]
    fn a_long_statement_shows_its_head_and_its_tail() {
        let (text, span) = text_and_span(3000, 1200, 2900);
        let got = lines(&excerpt(&text, &[span]));
        let mut want = vec!["[1-1198]".to_string(), "1199".to_string()];
        want.extend((1200..1214).map(|n| format!("{n}*")));
        want.push("[1214-2898]".to_string());
        want.extend(["2899*".to_string(), "2900*".to_string()]);
        want.push("[2901-3000]".to_string());
        assert_eq!(got, want);
    }

    #[test]
    fn two_statements_share_their_lines_and_the_first_marks_them() {
        let (text, a) = text_and_span(200, 10, 12);
        let (_, b) = text_and_span(200, 12, 14);
        let rows = excerpt(&text, &[a, b]);
        assert_eq!(
            lines(&rows),
            vec!["[1-8]", "9", "10*", "11*", "12*", "13*", "14*", "[15-200]"]
        );
        assert!(matches!(
            rows[4],
            Row::Line {
                number: 12,
                highlight: Some(0),
                ..
            }
        ));
        assert!(matches!(
            rows[6],
            Row::Line {
                number: 14,
                highlight: Some(1),
                ..
            }
        ));
    }

    #[test]
    fn a_statement_at_the_end_leaves_no_gap_after_it() {
        let (text, span) = text_and_span(150, 149, 150);
        assert_eq!(
            lines(&excerpt(&text, &[span])),
            vec!["[1-147]", "148", "149*", "150*"]
        );
    }
}
