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
        let index = LineIndex::new(source);
        let mut out = format!(
            "{}[{}]: {}\n",
            self.severity.label(),
            self.code,
            self.message
        );
        render_label(&mut out, &index, name, self.span, None);
        for related in &self.related {
            render_label(&mut out, &index, name, related.span, Some(&related.message));
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

/// Renders all diagnostics of one text, separated by blank lines.
pub fn render_all(diagnostics: &[Diagnostic], source: &str, name: &str) -> String {
    diagnostics
        .iter()
        .map(|d| d.render(source, name))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Writes the location line, the source line and the caret line of one span.
fn render_label(
    out: &mut String,
    index: &LineIndex<'_>,
    name: &str,
    span: Span,
    note: Option<&str>,
) {
    let start = index.line_col(span.start);
    let end = index.line_col(span.end.max(span.start));
    out.push_str(&format!(" --> {}:{}:{}\n", name, start.line, start.column));
    let line_text = index.line_text(start.line);
    let gutter = start.line.to_string();
    let pad = " ".repeat(gutter.len());
    out.push_str(&format!("{pad} |\n{gutter} | {line_text}\n"));
    // Columns count characters, so the caret lines up under multi-byte text; a span running
    // past its first line is underlined to the end of that line.
    let line_chars = line_text.chars().count();
    let first = start.column.saturating_sub(1).min(line_chars);
    let last = if end.line == start.line {
        end.column.saturating_sub(1).min(line_chars)
    } else {
        line_chars
    };
    let width = last.saturating_sub(first).max(1);
    // Tabs in the source line are kept in the caret line so the caret stays aligned.
    let lead: String = line_text
        .chars()
        .take(first)
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
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
    fn render_point_span_at_end_of_text() {
        let d = Diagnostic::error("x", Span::point(3), "m");
        let text = d.render("abc", "f");
        assert!(text.contains("1 | abc\n  |    ^\n"), "{text}");
    }
}
