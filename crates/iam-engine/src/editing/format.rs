//! Format document: pretty printing that keeps what the user wrote.
//!
//! The layout is the AWS console's: four spaces per level, one member or element per line,
//! `"key": value` with one space after the colon, empty arrays and objects as `[]` and `{}`,
//! no trailing newline. Key order, duplicate keys, string escapes and numbers stay exactly as
//! written (the printer copies their source text); only whitespace between tokens changes.
//! A text with JSON syntax errors is not formatted, since guessing its structure could lose
//! what the user typed.

use super::EditError;
use crate::json::{self, Kind, Value};
use crate::span::Span;

/// One level of indentation.
pub const INDENT: &str = "    ";

/// Pretty prints `text`, or says why it cannot (the text has JSON errors).
pub fn format_document(text: &str) -> Result<String, EditError> {
    let parsed = json::parse(text);
    if let Some(error) = parsed.diagnostics.iter().find(|d| d.is_error()) {
        let pos = crate::span::LineIndex::new(text).line_col(error.span.start);
        return Err(EditError::new(
            "json-invalid",
            format!(
                "Cannot format: fix the JSON error at line {}, column {} first ({})",
                pos.line, pos.column, error.message
            ),
        ));
    }
    let Some(value) = parsed.value else {
        return Err(EditError::new(
            "json-empty",
            "Cannot format an empty document.",
        ));
    };
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    print(text, &value, 0, &mut out);
    Ok(out)
}

fn indent(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str(INDENT);
    }
}

fn print(text: &str, value: &Value, depth: usize, out: &mut String) {
    match &value.kind {
        Kind::Object(members) if members.is_empty() => out.push_str("{}"),
        Kind::Array(items) if items.is_empty() => out.push_str("[]"),
        Kind::Object(members) => {
            out.push('{');
            for (i, member) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push('\n');
                indent(out, depth + 1);
                out.push_str(member.key_span.slice(text));
                out.push_str(": ");
                print(text, &member.value, depth + 1, out);
            }
            out.push('\n');
            indent(out, depth);
            out.push('}');
        }
        Kind::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push('\n');
                indent(out, depth + 1);
                print(text, item, depth + 1, out);
            }
            out.push('\n');
            indent(out, depth);
            out.push(']');
        }
        _ => out.push_str(value.span.slice(text)),
    }
}

/// The byte offsets of a JSON text's significant characters: everything but the whitespace
/// between tokens (whitespace inside strings counts).
fn significant(text: &str) -> Vec<usize> {
    let (mut in_string, mut escaped) = (false, false);
    let mut out = Vec::with_capacity(text.len());
    for (at, c) in text.char_indices() {
        if in_string {
            out.push(at);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if !c.is_whitespace() {
            out.push(at);
            in_string = c == '"';
        }
    }
    out
}

/// Carries each span of `original` over to `formatted`, the same JSON laid out again by
/// [`format_document`] (only whitespace between tokens differs), so that it covers the same
/// tokens there: how a highlight found in a compact document is shown in its laid-out view.
/// A span that is empty, or holds only whitespace, becomes an empty span at the next token.
/// Each text is read once, however many spans there are.
pub fn carry_spans(original: &str, formatted: &str, spans: &[Span]) -> Vec<Span> {
    let (from, to) = (significant(original), significant(formatted));
    spans
        .iter()
        .map(|span| {
            // Texts that differ in more than layout have no faithful mapping; keep the span
            // in range.
            if from.len() != to.len() {
                let clamp = |o: usize| {
                    crate::editing::floor_char_boundary(formatted, o.min(formatted.len()))
                };
                return Span::new(clamp(span.start), clamp(span.end));
            }
            let first = from.partition_point(|&o| o < span.start);
            let past = from.partition_point(|&o| o < span.end);
            let start = to.get(first).copied().unwrap_or(formatted.len());
            match past.checked_sub(1).and_then(|i| to.get(i)) {
                Some(&last) if past > first => {
                    let width = formatted
                        .get(last..)
                        .and_then(|rest| rest.chars().next())
                        .map_or(0, char::len_utf8);
                    Span::new(start, last + width)
                }
                _ => Span::point(start),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_four_spaces_keeping_order_and_escapes() {
        let text = r#"{"Version":"2012-10-17","Statement":[{"Sid":"A\u0042","Effect":"Allow","Action":["s3:GetObject"],"Resource":"*","Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":3600e0}},"Empty":{},"List":[]}]}"#;
        let expected = r#"{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "A\u0042",
            "Effect": "Allow",
            "Action": [
                "s3:GetObject"
            ],
            "Resource": "*",
            "Condition": {
                "NumericLessThan": {
                    "aws:MultiFactorAuthAge": 3600e0
                }
            },
            "Empty": {},
            "List": []
        }
    ]
}"#;
        assert_eq!(format_document(text), Ok(expected.to_string()));
        // Formatting is idempotent.
        assert_eq!(format_document(expected), Ok(expected.to_string()));
    }

    #[test]
    fn refuses_invalid_json_and_says_where() {
        let err = format_document("{\n  \"a\": [1,]\n}").err();
        assert!(err.is_some_and(|e| e.code == "json-invalid" && e.message.contains("line 2")));
        assert!(format_document("   ").is_err());
    }

    fn carry_span(original: &str, formatted: &str, span: Span) -> Span {
        let carried = carry_spans(original, formatted, &[span]);
        assert_eq!(carried.len(), 1);
        carried[0]
    }

    #[test]
    fn spans_carry_over_to_the_formatted_text() {
        let text = r#"{"Version":"2012-10-17","Statement":[{"Sid":"A b","Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"Esc\"aped","Effect":"Deny","NotAction":["iam:*", "sts:*"],"Resource":"*"}]}"#;
        let formatted = format_document(text).unwrap();
        let parsed = crate::policy::parse_policy(text, crate::policy::PolicyType::Identity);
        let squeeze = |s: &str| s.split_whitespace().collect::<String>();
        let mut carried = 0;
        for statement in &parsed.document.statements {
            let span = statement.span;
            let moved = carry_span(text, &formatted, span);
            assert_eq!(squeeze(moved.slice(&formatted)), squeeze(span.slice(text)));
            assert!(
                moved.slice(&formatted).starts_with('{') && moved.slice(&formatted).ends_with('}')
            );
            carried += 1;
        }
        assert_eq!(carried, 2);
        // A value inside a string with spaces and an escaped quote keeps its exact text.
        let at = text.find("Esc").unwrap();
        let span = Span::new(at - 1, at + r#"Esc\"aped""#.len());
        assert_eq!(
            carry_span(text, &formatted, span).slice(&formatted),
            r#""Esc\"aped""#
        );
        // An empty span stays empty, at the same token.
        let point = carry_span(text, &formatted, Span::point(1));
        assert!(point.is_empty());
        assert!(formatted[point.start..].starts_with("\"Version\""));
        // Texts that are not layouts of each other never give an out-of-range span.
        let odd = carry_span(text, "{}", Span::new(5, 400));
        assert!(odd.end <= 2);
    }
}
