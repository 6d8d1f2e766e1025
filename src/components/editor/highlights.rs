//! The simulator's highlights in a policy editor, in one place: which of them fall in the text
//! an editor shows ([`highlights_in`]), their classes and words, and the list of marked
//! statements above the text. The drawn bands and the gutter marks are in `layers`.

use iam_engine::editing::format::carry_spans;
use iam_engine::scenario::{DocumentRef, Target};
use iam_engine::span::{LineIndex, Span};
use yew::prelude::*;

use crate::store::{Highlight, HighlightKind};

/// A span the caller wants marked (the simulator's deciding statements, nearest misses).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditorHighlight {
    /// The span in the text.
    pub span: Span,
    /// What it means (colour and label).
    pub kind: HighlightKind,
    /// Shown on hover and to screen readers.
    pub label: String,
}

/// The simulator's highlights in one policy text (`target`'s `document`), as an editor of it
/// shows them. `layout` is `(read, shown)` when the editor shows a laid-out copy of the text
/// the evaluation read (an AWS-managed policy): the spans are carried over to the copy.
pub fn highlights_in(
    all: &[Highlight],
    target: &Target,
    document: &DocumentRef,
    layout: Option<(&str, &str)>,
) -> Vec<EditorHighlight> {
    let mine: Vec<&Highlight> = all
        .iter()
        .filter(|h| h.target == *target && h.document == *document)
        .collect();
    let spans: Vec<Span> = mine.iter().map(|h| h.span).collect();
    let spans = match layout {
        Some((read, shown)) if !spans.is_empty() => carry_spans(read, shown, &spans),
        _ => spans,
    };
    mine.into_iter()
        .zip(spans)
        .map(|(h, span)| EditorHighlight {
            span,
            kind: h.kind,
            label: h.label.clone(),
        })
        .collect()
}

/// The CSS class of a highlight kind.
pub fn highlight_class(kind: HighlightKind) -> &'static str {
    match kind {
        HighlightKind::Allow => "hl-allow",
        HighlightKind::Deny => "hl-deny",
        HighlightKind::Miss => "hl-miss",
    }
}

/// The word shown with a highlight, so its meaning never rests on colour alone.
pub fn highlight_word(kind: HighlightKind) -> &'static str {
    match kind {
        HighlightKind::Allow => "Allows",
        HighlightKind::Deny => "Denies",
        HighlightKind::Miss => "Near miss",
    }
}

/// The gutter letter of a highlight kind.
pub(super) fn highlight_letter(kind: HighlightKind) -> &'static str {
    match kind {
        HighlightKind::Allow => "A",
        HighlightKind::Deny => "D",
        HighlightKind::Miss => "M",
    }
}

/// Properties of [`HighlightList`].
#[derive(Properties, PartialEq)]
pub struct HighlightListProps {
    /// The editor's text (for the line numbers).
    pub text: AttrValue,
    /// The highlights to list.
    pub highlights: Vec<EditorHighlight>,
    /// Selects a span of the text.
    pub select_span: Callback<Span>,
}

/// The statements the simulator marked, as buttons that select them (nothing when none is).
#[component]
pub fn HighlightList(props: &HighlightListProps) -> Html {
    if props.highlights.is_empty() {
        return Html::default();
    }
    let lines = LineIndex::new(&props.text);
    html! {
        <ul class="hl-list" aria-label="Statements marked by the simulator">
            { for props.highlights.iter().map(|h| {
                let pos = lines.line_col(h.span.start);
                let select_span = props.select_span.clone();
                let span = h.span;
                let onclick = Callback::from(move |_: MouseEvent| select_span.emit(span));
                html! {
                    <li>
                        <button type="button" class={classes!("btn", "btn-quiet", "hl-item", highlight_class(h.kind))} {onclick}>
                            <span class="hl-kind">{ highlight_word(h.kind) }</span>
                            { format!(" {} (line {})", h.label, pos.line) }
                        </button>
                    </li>
                }
            }) }
        </ul>
    }
}
