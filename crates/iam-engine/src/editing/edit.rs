//! Span-preserving edits for the visual statement editor.
//!
//! Each edit parses the text with the spanned JSON front end ([`crate::json`]), finds the one
//! value it changes (a statement's `Effect`, its `Action` list, its `Condition` block, a whole
//! statement) and replaces only that value's bytes. Everything else — the user's indentation,
//! key order, other statements, even odd spacing — stays byte-identical. New text follows the
//! indentation of the lines around it (the unit is detected from the document, four spaces
//! when it has none). A text with JSON syntax errors is refused: its structure is a guess.

use super::EditError;
use crate::json::{self, Kind, Member, Value};
use crate::policy::Effect;
use crate::span::Span;

/// A replacement of one span of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextEdit {
    /// The bytes replaced (empty for an insertion).
    pub span: Span,
    /// What goes there.
    pub insert: String,
}

impl TextEdit {
    /// Applies the edit to `text` (a span outside the text or inside a character is clamped).
    pub fn apply(&self, text: &str) -> String {
        let start = super::floor_char_boundary(text, self.span.start);
        let end = super::floor_char_boundary(text, self.span.end).max(start);
        let mut out = String::with_capacity(text.len() + self.insert.len());
        out.push_str(text.get(..start).unwrap_or(""));
        out.push_str(&self.insert);
        out.push_str(text.get(end..).unwrap_or(""));
        out
    }
}

/// `Action`/`NotAction` or `Resource`/`NotResource`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    /// `Action` or `NotAction`.
    Action,
    /// `Resource` or `NotResource`.
    Resource,
}

impl ListKind {
    fn key(self, negated: bool) -> &'static str {
        match (self, negated) {
            (ListKind::Action, false) => "Action",
            (ListKind::Action, true) => "NotAction",
            (ListKind::Resource, false) => "Resource",
            (ListKind::Resource, true) => "NotResource",
        }
    }
}

/// One `operator → key → values` row of a condition block, as the visual editor shows it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConditionRow {
    /// The operator, e.g. `StringEquals` or `ForAnyValue:StringLike`.
    pub operator: String,
    /// The condition key, e.g. `aws:PrincipalTag/team`.
    pub key: String,
    /// The values (one is written as a string, several as an array).
    pub values: Vec<String>,
}

/// Sets the `Sid` of statement `index`; an empty Sid removes the element.
pub fn set_sid(text: &str, index: usize, sid: &str) -> Result<String, EditError> {
    let value = (!sid.is_empty()).then(|| quote(sid));
    edit_statement(text, index, &["Sid"], "Sid", value.as_deref(), true)
}

/// Sets the `Effect` of statement `index`.
pub fn set_effect(text: &str, index: usize, effect: Effect) -> Result<String, EditError> {
    let value = match effect {
        Effect::Allow => "\"Allow\"",
        Effect::Deny => "\"Deny\"",
    };
    edit_statement(text, index, &["Effect"], "Effect", Some(value), false)
}

/// Sets the `Action`/`NotAction` (or `Resource`/`NotResource`) list of statement `index`,
/// renaming the element when `negated` changes. One item is written as a string unless the
/// element was an array; several as an array laid out like the one it replaces (one line or
/// one item per line).
pub fn set_list(
    text: &str,
    index: usize,
    kind: ListKind,
    negated: bool,
    items: &[String],
) -> Result<String, EditError> {
    let parsed = parse_valid(text)?;
    let statement = find_statement(&parsed, index)?;
    let members = statement.as_object().unwrap_or(&[]);
    let existing = last_member(members, &[kind.key(false), kind.key(true)]);
    let base = existing.map_or_else(
        || member_indent(text, statement),
        |m| line_indent(text, m.key_span.start).to_string(),
    );
    let unit = indent_unit(text);
    let (was_array, one_line) = match existing.map(|m| &m.value) {
        Some(
            v @ Value {
                kind: Kind::Array(_),
                ..
            },
        ) => (true, !v.span.slice(text).contains('\n')),
        _ => (false, false),
    };
    let rendered = render_list(items, was_array, one_line, &base, &unit);
    let edit = member_edit(
        text,
        statement,
        &[kind.key(false), kind.key(true)],
        kind.key(negated),
        Some(&rendered),
        false,
    );
    Ok(edit.apply(text))
}

/// Replaces the `Condition` block of statement `index` with `rows` (grouped by operator in
/// the order they first appear); no rows removes the element.
pub fn set_condition(text: &str, index: usize, rows: &[ConditionRow]) -> Result<String, EditError> {
    let parsed = parse_valid(text)?;
    let statement = find_statement(&parsed, index)?;
    let members = statement.as_object().unwrap_or(&[]);
    let base = last_member(members, &["Condition"]).map_or_else(
        || member_indent(text, statement),
        |m| line_indent(text, m.key_span.start).to_string(),
    );
    let unit = indent_unit(text);
    let rendered = (!rows.is_empty()).then(|| render_condition(rows, &base, &unit));
    let edit = member_edit(
        text,
        statement,
        &["Condition"],
        "Condition",
        rendered.as_deref(),
        false,
    );
    Ok(edit.apply(text))
}

/// Appends a new statement (`Allow`, no actions yet, every resource) and returns the new text
/// and the new statement's index. A single statement object becomes a list of two; a policy
/// without `Statement` gets one.
pub fn add_statement(text: &str) -> Result<(String, usize), EditError> {
    let parsed = parse_valid(text)?;
    let root = root_object(&parsed)?;
    let unit = indent_unit(text);
    let members = root.as_object().unwrap_or(&[]);
    let Some(stmt) = last_member(members, &["Statement"]) else {
        let base = member_indent(text, root);
        let inner = format!("{base}{unit}");
        let value = format!("[\n{inner}{}\n{base}]", new_statement(&inner, &unit));
        let edit = member_edit(text, root, &["Statement"], "Statement", Some(&value), false);
        return Ok((edit.apply(text), 0));
    };
    let base = line_indent(text, stmt.key_span.start).to_string();
    let inner = format!("{base}{unit}");
    let edit = match &stmt.value.kind {
        Kind::Array(items) => match items.last() {
            Some(last) => {
                let ind = if starts_line(text, last.span.start) {
                    line_indent(text, last.span.start).to_string()
                } else {
                    inner.clone()
                };
                TextEdit {
                    span: Span::point(last.span.end),
                    insert: format!(",\n{ind}{}", new_statement(&ind, &unit)),
                }
            }
            None => TextEdit {
                span: stmt.value.span,
                insert: format!("[\n{inner}{}\n{base}]", new_statement(&inner, &unit)),
            },
        },
        _ => TextEdit {
            span: stmt.value.span,
            insert: format!(
                "[\n{inner}{},\n{inner}{}\n{base}]",
                stmt.value.span.slice(text),
                new_statement(&inner, &unit)
            ),
        },
    };
    let count = match &stmt.value.kind {
        Kind::Array(items) => items.len(),
        _ => 1,
    };
    Ok((edit.apply(text), count))
}

/// Removes statement `index` with its comma; the other statements stay byte-identical.
pub fn remove_statement(text: &str, index: usize) -> Result<String, EditError> {
    let parsed = parse_valid(text)?;
    let root = root_object(&parsed)?;
    let stmt = last_member(root.as_object().unwrap_or(&[]), &["Statement"])
        .ok_or_else(|| no_statement(index))?;
    let edit = match &stmt.value.kind {
        Kind::Array(items) => {
            if index >= items.len() {
                return Err(no_statement(index));
            }
            let spans: Vec<(Span, Span)> = items.iter().map(|v| (v.span, v.span)).collect();
            removal(stmt.value.span, &spans, index)
        }
        _ if index == 0 => TextEdit {
            span: stmt.value.span,
            insert: "[]".to_string(),
        },
        _ => return Err(no_statement(index)),
    };
    Ok(edit.apply(text))
}

fn new_statement(base: &str, unit: &str) -> String {
    let inner = format!("{base}{unit}");
    format!(
        "{{\n{inner}\"Effect\": \"Allow\",\n{inner}\"Action\": [],\n{inner}\"Resource\": \"*\"\n{base}}}"
    )
}

fn no_statement(index: usize) -> EditError {
    EditError::new(
        "no-such-statement",
        format!("The policy has no statement #{index}."),
    )
}

/// Parses `text`, refusing it when JSON reports an error.
fn parse_valid(text: &str) -> Result<json::Parsed, EditError> {
    let parsed = json::parse(text);
    if parsed.diagnostics.iter().any(|d| d.is_error()) {
        return Err(EditError::new(
            "json-invalid",
            "Fix the JSON errors in the text first; the visual editor changes valid JSON only.",
        ));
    }
    Ok(parsed)
}

fn root_object(parsed: &json::Parsed) -> Result<&Value, EditError> {
    match &parsed.value {
        Some(v) if v.as_object().is_some() => Ok(v),
        _ => Err(EditError::new(
            "policy-not-object",
            "The policy is not a JSON object.",
        )),
    }
}

/// Statement `index` of the parsed policy, which must be an object.
fn find_statement(parsed: &json::Parsed, index: usize) -> Result<&Value, EditError> {
    let root = root_object(parsed)?;
    let stmt = last_member(root.as_object().unwrap_or(&[]), &["Statement"])
        .ok_or_else(|| no_statement(index))?;
    let value = match &stmt.value.kind {
        Kind::Array(items) => items.get(index),
        Kind::Object(_) if index == 0 => Some(&stmt.value),
        _ => None,
    }
    .ok_or_else(|| no_statement(index))?;
    if value.as_object().is_none() {
        return Err(EditError::new(
            "statement-not-object",
            format!("Statement #{index} is not a JSON object."),
        ));
    }
    Ok(value)
}

/// Edits statement `index`: sets (or removes, for `None`) the member named one of `names`,
/// under the name `key`.
fn edit_statement(
    text: &str,
    index: usize,
    names: &[&str],
    key: &str,
    value: Option<&str>,
    first: bool,
) -> Result<String, EditError> {
    let parsed = parse_valid(text)?;
    let statement = find_statement(&parsed, index)?;
    Ok(member_edit(text, statement, names, key, value, first).apply(text))
}

/// The last member named one of `names` (the one the policy layer uses).
fn last_member<'v>(members: &'v [Member], names: &[&str]) -> Option<&'v Member> {
    members
        .iter()
        .rev()
        .find(|m| names.contains(&m.key.as_str()))
}

/// The edit that sets, renames, inserts or removes one member of `object`. `value` is the
/// rendered JSON; `first` inserts a new member before the others (for `Sid`).
fn member_edit(
    text: &str,
    object: &Value,
    names: &[&str],
    key: &str,
    value: Option<&str>,
    first: bool,
) -> TextEdit {
    let members = object.as_object().unwrap_or(&[]);
    let position = members
        .iter()
        .rposition(|m| names.contains(&m.key.as_str()));
    match (position.and_then(|i| members.get(i).map(|m| (i, m))), value) {
        (Some((_, member)), Some(value)) if member.key == key => TextEdit {
            span: member.value.span,
            insert: value.to_string(),
        },
        (Some((_, member)), Some(value)) => TextEdit {
            span: Span::new(member.key_span.start, member.value.span.end),
            insert: format!("{}: {value}", quote(key)),
        },
        (Some((i, _)), None) => {
            let spans: Vec<(Span, Span)> =
                members.iter().map(|m| (m.key_span, m.value.span)).collect();
            removal(object.span, &spans, i)
        }
        (None, None) => TextEdit {
            span: Span::point(object.span.start),
            insert: String::new(),
        },
        (None, Some(value)) => insert_member(text, object, members, key, value, first),
    }
}

fn insert_member(
    text: &str,
    object: &Value,
    members: &[Member],
    key: &str,
    value: &str,
    first: bool,
) -> TextEdit {
    let entry = format!("{}: {value}", quote(key));
    let anchor = if first {
        members.first()
    } else {
        members.last()
    };
    match anchor {
        Some(anchor) => {
            // The new member is laid out like the anchor: on its own line at the anchor's
            // indent when the anchor starts a line, otherwise inline.
            let at = anchor.key_span.start;
            let separator = if starts_line(text, at) {
                format!(",\n{}", line_indent(text, at))
            } else {
                ", ".to_string()
            };
            if first {
                TextEdit {
                    span: Span::point(at),
                    insert: format!("{entry}{separator}"),
                }
            } else {
                TextEdit {
                    span: Span::point(anchor.value.span.end),
                    insert: format!("{separator}{entry}"),
                }
            }
        }
        None => {
            let base = line_indent(text, object.span.start);
            let unit = indent_unit(text);
            TextEdit {
                span: object.span,
                insert: format!("{{\n{base}{unit}{entry}\n{base}}}"),
            }
        }
    }
}

/// Removes entry `index` of a list of `(first span, last span)` entries inside `container`,
/// with the comma that separates it from its neighbour.
fn removal(container: Span, entries: &[(Span, Span)], index: usize) -> TextEdit {
    let this = entries.get(index).copied();
    let previous = index.checked_sub(1).and_then(|i| entries.get(i)).copied();
    let next = entries.get(index + 1).copied();
    let span = match (previous, this, next) {
        (Some((_, prev_end)), Some((_, end)), _) => Span::new(prev_end.end, end.end),
        (None, Some((start, _)), Some((next_start, _))) => Span::new(start.start, next_start.start),
        _ => Span::new(
            (container.start + 1).min(container.end),
            container.end.saturating_sub(1).max(container.start),
        ),
    };
    TextEdit {
        span,
        insert: String::new(),
    }
}

/// The indentation of a new member of `object`: that of its members, or one unit more than
/// the object's line.
fn member_indent(text: &str, object: &Value) -> String {
    match object.as_object().and_then(<[Member]>::first) {
        Some(m) if starts_line(text, m.key_span.start) => {
            line_indent(text, m.key_span.start).to_string()
        }
        _ => format!(
            "{}{}",
            line_indent(text, object.span.start),
            indent_unit(text)
        ),
    }
}

/// The whitespace at the start of the line holding `offset`.
fn line_indent(text: &str, offset: usize) -> &str {
    let offset = super::floor_char_boundary(text, offset);
    let before = text.get(..offset).unwrap_or("");
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = text.get(line_start..).unwrap_or("");
    let width = line
        .bytes()
        .take_while(|b| *b == b' ' || *b == b'\t')
        .count();
    line.get(..width).unwrap_or("")
}

/// Whether only whitespace precedes `offset` on its line.
fn starts_line(text: &str, offset: usize) -> bool {
    let offset = super::floor_char_boundary(text, offset);
    let before = text.get(..offset).unwrap_or("");
    let line = before
        .rfind('\n')
        .map_or(before, |i| before.get(i + 1..).unwrap_or(""));
    line.bytes().all(|b| b == b' ' || b == b'\t') && before.contains('\n')
}

/// The document's indentation unit: a tab if indented lines start with one, else the
/// smallest indentation in spaces (at most eight), else four spaces.
fn indent_unit(text: &str) -> String {
    let mut smallest: Option<usize> = None;
    for line in text.lines().take(2000) {
        if line.starts_with('\t') {
            return "\t".to_string();
        }
        let width = line.bytes().take_while(|b| *b == b' ').count();
        if width > 0 && width < line.len() {
            smallest = Some(smallest.map_or(width, |s| s.min(width)));
        }
    }
    " ".repeat(smallest.unwrap_or(4).clamp(1, 8))
}

/// A JSON string literal.
fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

fn render_list(
    items: &[String],
    was_array: bool,
    one_line: bool,
    base: &str,
    unit: &str,
) -> String {
    match items {
        [] => "[]".to_string(),
        [only] if !was_array => quote(only),
        _ if one_line => {
            let quoted: Vec<String> = items.iter().map(|i| quote(i)).collect();
            format!("[{}]", quoted.join(", "))
        }
        _ => {
            let inner = format!("{base}{unit}");
            let quoted: Vec<String> = items
                .iter()
                .map(|i| format!("{inner}{}", quote(i)))
                .collect();
            format!("[\n{}\n{base}]", quoted.join(",\n"))
        }
    }
}

fn render_condition(rows: &[ConditionRow], base: &str, unit: &str) -> String {
    let mut operators: Vec<(&str, Vec<&ConditionRow>)> = Vec::new();
    for row in rows {
        match operators.iter_mut().find(|(op, _)| *op == row.operator) {
            Some((_, group)) => group.push(row),
            None => operators.push((&row.operator, vec![row])),
        }
    }
    let l1 = format!("{base}{unit}");
    let l2 = format!("{l1}{unit}");
    let blocks: Vec<String> = operators
        .iter()
        .map(|(op, group)| {
            let keys: Vec<String> = group
                .iter()
                .map(|row| {
                    let values = match row.values.as_slice() {
                        [one] => quote(one),
                        many => {
                            let quoted: Vec<String> = many.iter().map(|v| quote(v)).collect();
                            format!("[{}]", quoted.join(", "))
                        }
                    };
                    format!("{l2}{}: {values}", quote(&row.key))
                })
                .collect();
            format!("{l1}{}: {{\n{}\n{l1}}}", quote(op), keys.join(",\n"))
        })
        .collect();
    format!("{{\n{}\n{base}}}", blocks.join(",\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Read",
      "Effect": "Allow",
      "Action": ["s3:GetObject"],
      "Resource":   "*"
    },
    {"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}
  ]
}"#;

    /// Asserts that `after` equals `before` outside one replaced region.
    fn only_changed_between(before: &str, after: &str, start_marker: &str, end_marker: &str) {
        let start = before.find(start_marker).unwrap_or(0);
        let end = before
            .rfind(end_marker)
            .map_or(before.len(), |i| i + end_marker.len());
        assert_eq!(after.get(..start), before.get(..start), "prefix changed");
        let tail = before.get(end..).unwrap_or("");
        assert!(after.ends_with(tail), "suffix changed");
    }

    #[test]
    fn set_effect_replaces_only_the_value() {
        let out = set_effect(POLICY, 1, Effect::Allow).unwrap_or_default();
        assert_eq!(
            out,
            POLICY.replace(r#"{"Effect": "Deny""#, r#"{"Effect": "Allow""#)
        );
    }

    #[test]
    fn set_list_keeps_the_one_line_array_style_and_renames_for_not() {
        let items = vec!["s3:GetObject".to_string(), "s3:ListBucket".to_string()];
        let out = set_list(POLICY, 0, ListKind::Action, false, &items).unwrap_or_default();
        assert_eq!(
            out,
            POLICY.replace(
                r#"["s3:GetObject"]"#,
                r#"["s3:GetObject", "s3:ListBucket"]"#
            )
        );
        let out = set_list(POLICY, 1, ListKind::Action, true, &items[..1]).unwrap_or_default();
        assert_eq!(
            out,
            POLICY.replace(
                r#""Action": "s3:DeleteBucket""#,
                r#""NotAction": "s3:GetObject""#
            )
        );
        // Several items where there was a string: one per line, indented like the element.
        let out = set_list(POLICY, 0, ListKind::Resource, false, &items).unwrap_or_default();
        assert!(out.contains(
            "\"Resource\":   [\n        \"s3:GetObject\",\n        \"s3:ListBucket\"\n      ]"
        ));
        only_changed_between(
            POLICY,
            &out,
            "\"Resource\":   \"*\"",
            "\"Resource\":   \"*\"",
        );
    }

    #[test]
    fn set_condition_inserts_renders_and_removes() {
        let rows = vec![
            ConditionRow {
                operator: "StringEquals".into(),
                key: "aws:PrincipalTag/team".into(),
                values: vec!["blue".into()],
            },
            ConditionRow {
                operator: "Bool".into(),
                key: "aws:MultiFactorAuthPresent".into(),
                values: vec!["true".into()],
            },
            ConditionRow {
                operator: "StringEquals".into(),
                key: "aws:RequestedRegion".into(),
                values: vec!["eu-west-1".into(), "eu-north-1".into()],
            },
        ];
        let out = set_condition(POLICY, 0, &rows).unwrap_or_default();
        let expected_block = r#""Resource":   "*",
      "Condition": {
        "StringEquals": {
          "aws:PrincipalTag/team": "blue",
          "aws:RequestedRegion": ["eu-west-1", "eu-north-1"]
        },
        "Bool": {
          "aws:MultiFactorAuthPresent": "true"
        }
      }
    },"#;
        assert!(out.contains(expected_block), "{out}");
        only_changed_between(
            POLICY,
            &out,
            "\n    },\n    {\"Effect\"",
            "\n    },\n    {\"Effect\"",
        );
        // Removing the rows restores the original text exactly.
        assert_eq!(set_condition(&out, 0, &[]).unwrap_or_default(), POLICY);
    }

    #[test]
    fn sid_is_inserted_first_and_removed_cleanly() {
        let out = set_sid(POLICY, 1, "DenyDelete").unwrap_or_default();
        assert!(out.contains(r#"{"Sid": "DenyDelete", "Effect": "Deny""#));
        assert_eq!(set_sid(&out, 1, "").unwrap_or_default(), POLICY);
        let out = set_sid(POLICY, 0, "").unwrap_or_default();
        assert!(out.contains("    {\n      \"Effect\": \"Allow\","));
    }

    #[test]
    fn add_and_remove_statements() {
        let (out, index) = add_statement(POLICY).unwrap_or_default();
        assert_eq!(index, 2);
        assert!(out.starts_with(POLICY.get(..POLICY.len() - 6).unwrap_or("")));
        assert!(out.contains(
            "\"Resource\": \"*\"},\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": [],\n      \"Resource\": \"*\"\n    }\n  ]\n}"
        ));
        assert_eq!(remove_statement(&out, 2).unwrap_or_default(), POLICY);
        let out = remove_statement(POLICY, 0).unwrap_or_default();
        assert!(out.contains("\"Statement\": [\n    {\"Effect\": \"Deny\""));
        assert!(remove_statement(POLICY, 5).is_err());
        // A lone statement object becomes a list.
        let single = r#"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#;
        let (out, index) = add_statement(single).unwrap_or_default();
        assert_eq!(index, 1);
        assert!(out.contains(
            r#"[
    {"Effect": "Allow", "Action": "*", "Resource": "*"},
    {"#
        ));
        // A policy without statements gets a list.
        let (out, _) = add_statement("{}").unwrap_or_default();
        assert!(crate::json::parse(&out).diagnostics.is_empty(), "{out}");
    }

    #[test]
    fn invalid_json_is_refused_and_left_alone() {
        let err = set_effect("{\"Statement\": [", 0, Effect::Allow).err();
        assert!(err.is_some_and(|e| e.code == "json-invalid"));
        assert!(set_effect(r#"{"Statement": ["x"]}"#, 0, Effect::Allow).is_err());
    }

    #[test]
    fn indentation_unit_is_detected() {
        assert_eq!(indent_unit(POLICY), "  ");
        assert_eq!(indent_unit("{\n\t\"a\": 1\n}"), "\t");
        assert_eq!(indent_unit("{}"), "    ");
    }
}
