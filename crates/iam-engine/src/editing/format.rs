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
}
