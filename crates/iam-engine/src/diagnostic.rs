//! Diagnostics: plain-data error records with byte spans, and a text renderer for them.
//!
//! Every stage of the engine (the JSON front end, the policy grammar, the evaluator) reports
//! problems as [`Diagnostic`] values instead of failing, so the editor can show every problem at
//! once. A diagnostic is data: a stable code, a severity, a one-sentence message, an optional
//! help text, the primary span and any related spans. Severities follow IAM Access Analyzer's
//! finding types (`ERROR`, `SECURITY_WARNING`, `WARNING`, `SUGGESTION`).

use serde::{Deserialize, Serialize};

use crate::span::{LineIndex, Span};

/// How serious a diagnostic is, in IAM Access Analyzer's vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Severity {
    /// AWS would reject the policy, or the engine cannot understand part of it.
    Error,
    /// The policy is accepted but grants more than it seems to.
    SecurityWarning,
    /// The policy is accepted but something in it is probably a mistake.
    Warning,
    /// A clearer way to write the same thing.
    Suggestion,
}

impl Severity {
    /// The lower-case word the renderer prints (`error`, `warning`, ...).
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::SecurityWarning => "security warning",
            Severity::Warning => "warning",
            Severity::Suggestion => "suggestion",
        }
    }
}

/// A secondary location that helps explain a diagnostic (for example the first of two
/// duplicate keys).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Related {
    /// Where the related text is.
    pub span: Span,
    /// Why it is related, as a short phrase.
    pub message: String,
}

/// One problem found in the user's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// A stable, kebab-case identifier such as `json-trailing-comma`, for tests and filtering.
    pub code: String,
    /// How serious the problem is.
    pub severity: Severity,
    /// One sentence saying what is wrong.
    pub message: String,
    /// What to do about it, when there is something useful to say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The offending text.
    pub span: Span,
    /// Other places that explain the problem.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
}

impl Diagnostic {
    /// An error-severity diagnostic.
    pub fn error(code: impl Into<String>, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            code: code.into(),
            severity: Severity::Error,
            message: message.into(),
            help: None,
            span,
            related: Vec::new(),
        }
    }

    /// A warning-severity diagnostic.
    pub fn warning(code: impl Into<String>, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, span, message)
        }
    }

    /// The same diagnostic with another severity.
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// The same diagnostic with a help text.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The same diagnostic with one more related span.
    pub fn with_related(mut self, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Related {
            span,
            message: message.into(),
        });
        self
    }

    /// Whether this diagnostic is an error (AWS would reject the text).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Renders the diagnostic with the offending line and the span underlined, in the style
    /// of rustc: the format the CLI prints and the golden tests compare.
    ///
    /// `name` is the file or policy name shown in the location line.
    pub fn render(&self, source: &str, name: &str) -> String {
        self.render_with(&LineIndex::new(source), name)
    }

    /// [`Diagnostic::render`] with an index of the source made once for all its diagnostics
    /// (making one per diagnostic costs the whole text each time).
    pub fn render_with(&self, index: &LineIndex<'_>, name: &str) -> String {
        let mut out = format!(
            "{}[{}]: {}\n",
            self.severity.label(),
            self.code,
            self.message
        );
        render_label(&mut out, index, name, self.span, None);
        for related in &self.related {
            render_label(&mut out, index, name, related.span, Some(&related.message));
        }
        if let Some(help) = &self.help {
            // Align the help with the gutter of the primary label.
            let width = index.line_col(self.span.start).line.to_string().len();
            out.push_str(&" ".repeat(width + 1));
            out.push_str("= help: ");
            out.push_str(help);
            out.push('\n');
        }
        out
    }
}

/// How many diagnostics (or findings) of one code are shown; the rest are counted in one
/// line, "and 199,000 more like this", so a text with a mistake repeated on every line gives
/// an answer the size of a page, not of the text times its line length.
pub const MAX_SHOWN_PER_CODE: usize = 50;

/// The items to show, at most [`MAX_SHOWN_PER_CODE`] of each code in their order, and for
/// each code with more, how many were left out (codes in order of first appearance).
pub fn cap_per_code<T>(items: &[T], code: impl Fn(&T) -> &str) -> (Vec<&T>, Vec<(String, usize)>) {
    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut shown = Vec::new();
    let mut order: Vec<&str> = Vec::new();
    for item in items {
        let c = code(item);
        let n = seen.entry(c).or_insert_with(|| {
            order.push(c);
            0
        });
        *n += 1;
        if *n <= MAX_SHOWN_PER_CODE {
            shown.push(item);
        }
    }
    let omitted = order
        .into_iter()
        .filter_map(|c| {
            let n = seen.get(c).copied().unwrap_or(0);
            (n > MAX_SHOWN_PER_CODE).then(|| (c.to_string(), n - MAX_SHOWN_PER_CODE))
        })
        .collect();
    (shown, omitted)
}

/// `and 199,000 more like this [code]`, the line that stands for the diagnostics of a code
/// left out by [`cap_per_code`].
pub fn more_like_this(code: &str, omitted: usize) -> String {
    let digits = omitted.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("note: and {grouped} more like this [{code}]\n")
}

/// Renders all diagnostics of one text, separated by blank lines, at most
/// [`MAX_SHOWN_PER_CODE`] of each code (then one line for the rest of that code).
pub fn render_all(diagnostics: &[Diagnostic], source: &str, name: &str) -> String {
    let index = LineIndex::new(source);
    let (shown, omitted) = cap_per_code(diagnostics, |d| d.code.as_str());
    let mut parts: Vec<String> = shown.iter().map(|d| d.render_with(&index, name)).collect();
    parts.extend(omitted.iter().map(|(code, n)| more_like_this(code, *n)));
    parts.join("\n")
}

/// The most characters of one quoted piece of input a message repeats.
pub const QUOTE_CHARS: usize = 80;
/// The most characters of a whole message that quotes input.
const MESSAGE_CHARS: usize = 1_000;

/// A message with every quoted piece (between `"`, as serde and the engine quote input) cut
/// to its first [`QUOTE_CHARS`] characters and "…", and the whole message to
/// [`MESSAGE_CHARS`]: an error about a 50 MB value quotes a line of it, not all of it.
pub fn short_quotes(message: &str) -> String {
    let mut out = String::new();
    let mut shown = 0usize;
    // Characters inside the open quote so far, if one is open.
    let mut quoted: Option<usize> = None;
    let mut escaped = false;
    for c in message.chars() {
        if shown >= MESSAGE_CHARS {
            out.push('…');
            return out;
        }
        let keep = match quoted {
            None => {
                if c == '"' {
                    quoted = Some(0);
                }
                true
            }
            Some(n) => {
                let closing = c == '"' && !escaped;
                escaped = c == '\\' && !escaped;
                if closing {
                    if n > QUOTE_CHARS {
                        out.push('…');
                        shown += 1;
                    }
                    quoted = None;
                    true
                } else {
                    quoted = Some(n + 1);
                    n < QUOTE_CHARS
                }
            }
        };
        if keep {
            out.push(c);
            shown += 1;
        }
    }
    if quoted.is_some_and(|n| n > QUOTE_CHARS) {
        out.push('…');
    }
    out
}

/// The most characters of a source line an excerpt shows: a longer line is cut to a window
/// around the span, with "…" where it was cut.
pub const EXCERPT_CHARS: usize = 120;
/// How many characters before the span a cut excerpt keeps.
const EXCERPT_BEFORE: usize = 40;

/// Writes the location line, the source line (or a window of a long one) and the caret line
/// of one span. The work is bounded by the window, not by the line's length.
fn render_label(
    out: &mut String,
    index: &LineIndex<'_>,
    name: &str,
    span: Span,
    note: Option<&str>,
) {
    let source = index.source();
    let start = index.line_col(span.start);
    out.push_str(&format!(" --> {}:{}:{}\n", name, start.line, start.column));
    let line = index.line_range(start.line);
    // The span's start and end, clamped to its first line: a span running past its first line
    // is underlined to the end of that line.
    let from = span.start.clamp(line.start, line.end);
    let to = span.end.max(span.start).clamp(from, line.end);
    let whole = line.len() <= EXCERPT_CHARS * 4
        && source
            .get(line.clone())
            .is_some_and(|t| t.chars().count() <= EXCERPT_CHARS);
    let (window, cut_before, cut_after) = if whole {
        (line.clone(), false, false)
    } else {
        let before = source.get(line.start..from).unwrap_or("");
        let ws = before
            .char_indices()
            .rev()
            .take(EXCERPT_BEFORE)
            .last()
            .map_or(from, |(i, _)| line.start + i);
        let kept_before = source.get(ws..from).map_or(0, |t| t.chars().count());
        let after = source.get(from..line.end).unwrap_or("");
        let we = after
            .char_indices()
            .nth(EXCERPT_CHARS.saturating_sub(kept_before))
            .map_or(line.end, |(i, _)| from + i);
        (ws..we, ws > line.start, we < line.end)
    };
    let text = source
        .get(window.clone())
        .unwrap_or("")
        .trim_end_matches('\r');
    let gutter = start.line.to_string();
    let pad = " ".repeat(gutter.len());
    let ellipsis = |cut: bool| if cut { "…" } else { "" };
    out.push_str(&format!(
        "{pad} |\n{gutter} | {}{text}{}\n",
        ellipsis(cut_before),
        ellipsis(cut_after)
    ));
    // Columns count characters, so the caret lines up under multi-byte text; tabs in the
    // source line are kept in the caret line so the caret stays aligned.
    let mut lead: String = if cut_before {
        " ".to_string()
    } else {
        String::new()
    };
    lead.extend(
        source
            .get(window.start..from)
            .unwrap_or("")
            .chars()
            .map(|c| if c == '\t' { '\t' } else { ' ' }),
    );
    let width = source
        .get(from..to.min(window.end))
        .map_or(0, |t| t.chars().count())
        .max(1);
    out.push_str(&format!("{pad} | {lead}{}", "^".repeat(width)));
    if let Some(note) = note {
        out.push(' ');
        out.push_str(note);
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_underlines_the_span() {
        let src = "{\n  \"Effect\": \"Alow\"\n}";
        let start = src.find("\"Alow\"").unwrap();
        let d = Diagnostic::error(
            "policy-bad-effect",
            Span::new(start, start + 6),
            "Effect must be Allow or Deny.",
        )
        .with_help("Write \"Allow\" or \"Deny\".");
        let text = d.render(src, "p.json");
        assert_eq!(
            text,
            "error[policy-bad-effect]: Effect must be Allow or Deny.\n --> p.json:2:13\n  |\n2 |   \"Effect\": \"Alow\"\n  |             ^^^^^^\n  = help: Write \"Allow\" or \"Deny\".\n"
        );
    }

    #[test]
    fn long_lines_are_cut_around_the_span() {
        // Regression: every diagnostic printed its whole source line; a 20 KB line with 10,000
        // findings printed 606 MB.
        let src = format!("{}\"Alow\"{}", "a".repeat(5_000), "b".repeat(5_000));
        let d = Diagnostic::error("x", Span::new(5_000, 5_006), "m");
        let text = d.render(&src, "f");
        let expected = format!(
            " --> f:1:5001\n  |\n1 | …{}\"Alow\"{}…\n  |  {}^^^^^^\n",
            "a".repeat(40),
            "b".repeat(74),
            " ".repeat(40)
        );
        assert!(text.ends_with(&expected), "{text}");
        // A span at the very start keeps the start of the line, uncut.
        let d = Diagnostic::error("x", Span::new(0, 1), "m");
        let text = d.render(&src, "f");
        assert!(
            text.contains(&format!("1 | {}…\n  | ^\n", "a".repeat(120))),
            "{text}"
        );
    }

    #[test]
    fn many_findings_of_one_kind_are_capped() {
        let src = ",".repeat(200_000);
        let diagnostics: Vec<Diagnostic> = (0..200_000)
            .map(|i| Diagnostic::error("json-comma", Span::new(i, i + 1), "m"))
            .chain([Diagnostic::error("other", Span::point(0), "n")])
            .collect();
        let text = render_all(&diagnostics, &src, "f");
        assert_eq!(
            text.matches("error[json-comma]").count(),
            MAX_SHOWN_PER_CODE
        );
        assert_eq!(text.matches("error[other]").count(), 1);
        assert!(
            text.ends_with("note: and 199,950 more like this [json-comma]\n"),
            "{text}"
        );
        assert!(text.len() < 100_000);
    }

    #[test]
    fn quoted_input_is_cut_to_a_prefix() {
        let arn = "x".repeat(50_000_000);
        let message = format!("invalid input: CallerArn \"{arn}\" is not an ARN");
        let short = short_quotes(&message);
        assert_eq!(
            short,
            format!(
                "invalid input: CallerArn \"{}…\" is not an ARN",
                "x".repeat(80)
            )
        );
        assert_eq!(short_quotes("it's \"fine\""), "it's \"fine\"");
        let unquoted = "y ".repeat(10_000);
        assert!(short_quotes(&unquoted).chars().count() <= 1_001);
    }

    #[test]
    fn render_point_span_at_end_of_text() {
        let d = Diagnostic::error("x", Span::point(3), "m");
        let text = d.render("abc", "f");
        assert!(text.contains("1 | abc\n  |    ^\n"), "{text}");
    }
}
