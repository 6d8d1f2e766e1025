//! The drawn layer under the textarea: coloured tokens, underlined diagnostics, highlight
//! bands with their labels, and the line-number gutter.
//!
//! The text is cut at every token, diagnostic and highlight boundary; each piece becomes one
//! `<span>` with the classes of what covers it, so the layer holds exactly the textarea's
//! characters and lines up with it. The only additions are the highlight labels, placed at the
//! end of a line (before its newline) where they shift no character.

use iam_engine::diagnostic::Severity;
use iam_engine::editing::floor_char_boundary;
use iam_engine::editing::tokens::tokenize;
use iam_engine::span::{LineIndex, Span};
use iam_engine::validate::Finding;
use yew::prelude::*;

use super::highlights::{EditorHighlight, highlight_class, highlight_letter, highlight_word};
use crate::store::HighlightKind;

/// Above this many lines the gutter is plain numbers (no per-line markers).
const GUTTER_MARK_LIMIT: usize = 5000;

/// The CSS class of a severity.
pub(super) fn severity_class(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "sev-error",
        Severity::SecurityWarning => "sev-security",
        Severity::Warning => "sev-warning",
        Severity::Suggestion => "sev-suggestion",
    }
}

/// A diagnostic span that can be seen: an empty one covers the character after it (or the
/// one before it at the end of the text), and a newline is never the only thing underlined.
fn visible_span(text: &str, span: Span) -> Span {
    let start = floor_char_boundary(text, span.start);
    let end = floor_char_boundary(text, span.end).max(start);
    if end > start {
        return Span::new(start, end);
    }
    match text.get(start..).and_then(|s| s.chars().next()) {
        Some(c) if c != '\n' => Span::new(start, start + c.len_utf8()),
        _ => {
            let before = text.get(..start).unwrap_or("");
            match before.chars().next_back() {
                Some(c) if c != '\n' => Span::new(start - c.len_utf8(), start),
                _ => Span::new(start, start),
            }
        }
    }
}

/// The offset of the end of the line holding `offset` (before its newline).
fn line_end(text: &str, offset: usize) -> usize {
    let offset = floor_char_boundary(text, offset);
    text.get(offset..)
        .and_then(|s| s.find('\n'))
        .map_or(text.len(), |i| offset + i)
}

/// The drawn layer for `text`.
pub(super) fn render(
    text: &str,
    diags: &[Finding],
    highlights: &[EditorHighlight],
    select_span: &Callback<Span>,
) -> Html {
    let tokens = tokenize(text);
    let diag_spans: Vec<(Span, &Finding)> = diags
        .iter()
        .map(|f| (visible_span(text, f.span), f))
        .filter(|(s, _)| !s.is_empty())
        .collect();
    let badges: Vec<(usize, &EditorHighlight)> = highlights
        .iter()
        .map(|h| (line_end(text, h.span.start), h))
        .collect();
    let mut cuts: Vec<usize> = Vec::with_capacity(tokens.len() * 2 + 2);
    cuts.push(0);
    cuts.push(text.len());
    for t in &tokens {
        cuts.push(t.span.start);
        cuts.push(t.span.end);
    }
    for (s, _) in &diag_spans {
        cuts.push(s.start);
        cuts.push(s.end);
    }
    for h in highlights {
        cuts.push(h.span.start.min(text.len()));
        cuts.push(h.span.end.min(text.len()));
    }
    cuts.extend(badges.iter().map(|(at, _)| *at));
    for cut in &mut cuts {
        *cut = floor_char_boundary(text, *cut);
    }
    cuts.sort_unstable();
    cuts.dedup();

    let mut nodes: Vec<Html> = Vec::with_capacity(cuts.len() + badges.len());
    let mut token_at = 0;
    for pair in cuts.windows(2) {
        let &[a, b] = pair else { continue };
        for (_, h) in badges.iter().filter(|(at, _)| *at == a) {
            nodes.push(badge(h));
        }
        let piece = text.get(a..b).unwrap_or("");
        while tokens.get(token_at).is_some_and(|t| t.span.end <= a) {
            token_at += 1;
        }
        let token = tokens
            .get(token_at)
            .filter(|t| t.span.start <= a && a < t.span.end);
        let diag = diag_spans
            .iter()
            .filter(|(s, _)| s.start <= a && a < s.end)
            .min_by_key(|(_, f)| f.severity);
        let band = highlights
            .iter()
            .find(|h| h.span.start <= a && a < h.span.end);
        if token.is_none() && diag.is_none() && band.is_none() {
            nodes.push(Html::from(piece.to_string()));
            continue;
        }
        let classes = classes!(
            token.map(|t| format!("tok-{}", t.kind.class())),
            diag.map(|(_, f)| classes!("diag", severity_class(f.severity))),
            band.map(|h| highlight_class(h.kind)),
        );
        match diag {
            Some((span, f)) => {
                let span = *span;
                let select_span = select_span.clone();
                let onclick = Callback::from(move |_: MouseEvent| select_span.emit(span));
                let title = format!("{}: {} ({})", f.severity.label(), f.message, f.code);
                nodes.push(html! { <span class={classes} {title} {onclick}>{ piece }</span> });
            }
            None => {
                let title = band.map(|h| format!("{}: {}", highlight_word(h.kind), h.label));
                nodes.push(html! { <span class={classes} {title}>{ piece }</span> });
            }
        }
    }
    for (_, h) in badges.iter().filter(|(at, _)| *at == text.len()) {
        nodes.push(badge(h));
    }
    // A trailing newline needs a character after it for the last line to take its height.
    nodes.push(Html::from(" "));
    nodes.into_iter().collect::<Html>()
}

fn badge(h: &EditorHighlight) -> Html {
    html! {
        <span class={classes!("hl-badge", highlight_class(h.kind))}>
            { format!("{}: {}", highlight_word(h.kind), h.label) }
        </span>
    }
}

/// The line-number gutter; lines inside a highlight carry its letter.
pub(super) fn gutter(
    text: &str,
    line_count: usize,
    marked: bool,
    highlights: &[EditorHighlight],
) -> Html {
    if !marked || line_count > GUTTER_MARK_LIMIT {
        let mut numbers = String::with_capacity(line_count * 6);
        for n in 1..=line_count {
            numbers.push_str(&n.to_string());
            numbers.push('\n');
        }
        return html! { <div class="pe-lines">{ numbers }</div> };
    }
    let mut marks: Vec<Option<HighlightKind>> = vec![None; line_count + 1];
    let index = LineIndex::new(text);
    for h in highlights {
        let first = index.line_col(h.span.start).line;
        let last = index.line_col(h.span.end).line;
        for line in first..=last.min(line_count) {
            if let Some(slot) = marks.get_mut(line) {
                slot.get_or_insert(h.kind);
            }
        }
    }
    html! {
        <div class="pe-lines">
            { for (1..=line_count).map(|n| {
                let kind = marks.get(n).copied().flatten();
                html! {
                    <div class={classes!("pe-line", kind.map(highlight_class))}>
                        <span class="pe-mark">{ kind.map_or(" ", highlight_letter) }</span>
                        { n }
                    </div>
                }
            }) }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_spans_become_visible_characters() {
        let text = "{\"a\": 1,}\n";
        assert_eq!(visible_span(text, Span::point(8)), Span::new(8, 9));
        assert_eq!(visible_span(text, Span::point(10)), Span::new(10, 10));
        assert_eq!(visible_span("ab", Span::point(2)), Span::new(1, 2));
        assert_eq!(visible_span("é", Span::new(1, 1)), Span::new(0, 2));
        assert_eq!(line_end("ab\ncd", 1), 2);
        assert_eq!(line_end("ab\ncd", 4), 5);
    }
}
