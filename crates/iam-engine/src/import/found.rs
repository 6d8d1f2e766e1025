//! The policies inside a template or authorization details, each with a map from its JSON text
//! back to the file, so validation findings point at the file's own lines
//! ([`super::policies_in`]).
//!
//! The import turns each document into JSON data (intrinsic functions evaluated) and writes it
//! pretty-printed; that text is what gets validated. [`FoundPolicy::to_file`] takes a span of
//! that text back to the file: the innermost value (or key) of the document around the span
//! is found in the template's tree, which knows where each value starts. A string copied
//! unchanged keeps the position inside it; a value an intrinsic function produced (`!Sub`,
//! `!Ref`) points at the function; a document given as one string (JSON text or URL-encoded)
//! points at that string.

use super::tree::{Kind, Tree};
use crate::json;
use crate::policy::PolicyType;
use crate::span::Span;

/// A policy document found inside an imported file.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundPolicy {
    /// What the document belongs to, in words (`role AppRole AssumeRolePolicyDocument`).
    pub what: String,
    /// The kind of policy it is where it is attached.
    pub policy_type: PolicyType,
    /// The document as JSON text, the text the import would put in the scenario.
    pub document: String,
    /// Where the document's value starts in the file.
    pub at: usize,
    /// The document's values and keys, each with where it is in the file.
    map: MapNode,
}

/// One value (or key) of the document text, with its place in the file.
#[derive(Debug, Clone, PartialEq)]
struct MapNode {
    /// The bytes of the value in the document text.
    text: Span,
    /// Where the value starts in the file.
    at: usize,
    /// Whether the file holds the same string the document does, so an offset inside it can
    /// be carried over.
    same_string: bool,
    /// Keys and values inside it, in text order.
    children: Vec<MapNode>,
}

impl FoundPolicy {
    /// Records a document the import read from `tree` (its value in the file) and wrote as
    /// `document`.
    pub(crate) fn new(
        what: String,
        policy_type: PolicyType,
        tree: &Tree,
        document: String,
    ) -> Self {
        let parsed = json::parse(&document);
        let map = match &parsed.value {
            Some(v) => map_value(v, tree, 0),
            None => MapNode {
                text: Span::new(0, document.len()),
                at: tree.at,
                same_string: false,
                children: Vec::new(),
            },
        };
        FoundPolicy {
            what,
            policy_type,
            at: tree.at,
            document,
            map,
        }
    }

    /// Records a document whose values the import cannot place one by one (a Terraform
    /// attribute, evaluated from HCL or read from a JSON string): every span of the document
    /// maps to the value starting at `at`.
    pub(crate) fn at_place(
        what: String,
        policy_type: PolicyType,
        document: String,
        at: usize,
    ) -> Self {
        FoundPolicy {
            what,
            policy_type,
            at,
            map: MapNode {
                text: Span::new(0, document.len()),
                at,
                same_string: false,
                children: Vec::new(),
            },
            document,
        }
    }

    /// The span in `file` (the text the import read) of `span`, a span of [`Self::document`]:
    /// the innermost value or key around its start, the exact bytes when the file holds the
    /// same string, otherwise the value's first token (a scalar, a quoted string, or the rest
    /// of its line).
    pub fn to_file(&self, span: Span, file: &str) -> Span {
        let mut node = &self.map;
        loop {
            let i = node
                .children
                .partition_point(|c| c.text.start <= span.start);
            match i.checked_sub(1).and_then(|i| node.children.get(i)) {
                Some(c) if span.start < c.text.end.max(c.text.start + 1) => node = c,
                _ => break,
            }
        }
        let end = token_end(file, node.at);
        if node.same_string && span.start > node.text.start && span.end < node.text.end {
            // The document's string is `"…"` without escapes; when the file holds the same
            // bytes (quoted or not), a span inside it is carried over exactly.
            let inner = self
                .document
                .get(node.text.start + 1..node.text.end - 1)
                .unwrap_or_default();
            let quoted = matches!(file.as_bytes().get(node.at), Some(b'"' | b'\''));
            let body = node.at + usize::from(quoted);
            if file.get(body..body + inner.len()) == Some(inner) {
                let from = body + (span.start - node.text.start - 1);
                let to = body + (span.end - node.text.start - 1);
                return Span::new(from, to.max(from));
            }
        }
        Span::new(node.at.min(end), end)
    }
}

/// Pairs the document text's value `v` with the file's tree `t`.
fn map_value(v: &json::Value, t: &Tree, depth: usize) -> MapNode {
    let mut node = MapNode {
        text: v.span,
        at: t.at,
        same_string: false,
        children: Vec::new(),
    };
    if depth > json::MAX_DEPTH {
        return node;
    }
    match (&v.kind, &t.kind) {
        (json::Kind::Object(members), Kind::Map(tm)) => {
            for m in members {
                // A repeated key keeps its last value, as the import does.
                let Some((_, key_at, tv)) = tm.iter().rev().find(|(k, _, _)| *k == m.key) else {
                    continue;
                };
                node.children.push(MapNode {
                    text: m.key_span,
                    at: *key_at,
                    same_string: false,
                    children: Vec::new(),
                });
                node.children.push(map_value(&m.value, tv, depth + 1));
            }
        }
        (json::Kind::Array(items), Kind::Seq(ts)) => {
            node.children = items
                .iter()
                .zip(ts)
                .map(|(i, t)| map_value(i, t, depth + 1))
                .collect();
        }
        (json::Kind::String(s), Kind::Str(ts)) => {
            // Without escapes the document's text is the string between its quotes.
            node.same_string = s == ts && v.span.len() == s.len() + 2;
        }
        _ => {}
    }
    node
}

/// Where the value starting at `at` ends on its line: a quoted string at its closing quote, a
/// scalar at the end of its word run (before a comma, bracket or comment), anything else at
/// the end of the line.
fn token_end(file: &str, at: usize) -> usize {
    let bytes = file.as_bytes();
    let line_end = bytes
        .get(at..)
        .and_then(|rest| rest.iter().position(|&b| b == b'\n'))
        .map_or(file.len(), |p| at + p);
    let line = bytes.get(at..line_end).unwrap_or_default();
    let trimmed = |n: usize| {
        let mut end = at + n;
        while end > at && matches!(bytes.get(end - 1), Some(b' ' | b'\t' | b'\r')) {
            end -= 1;
        }
        end
    };
    match line.first() {
        Some(&q @ (b'"' | b'\'')) => {
            let mut i = 1;
            while let Some(&b) = line.get(i) {
                if b == b'\\' && q == b'"' {
                    i += 2;
                    continue;
                }
                if b == q {
                    if q == b'\'' && line.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    return at + i + 1;
                }
                i += 1;
            }
            trimmed(line.len())
        }
        Some(b'{' | b'[') | None => trimmed(line.len()),
        Some(_) => {
            // A plain scalar ends before a comment, a mapping key's colon, or a flow
            // collection's comma or closing bracket.
            let mut stop = line.len();
            for (i, &b) in line.iter().enumerate() {
                let comment = b == b'#' && i > 0 && matches!(line.get(i - 1), Some(b' ' | b'\t'));
                let key_end =
                    b == b':' && matches!(line.get(i + 1), None | Some(b' ' | b'\t' | b'\r'));
                if comment || key_end || matches!(b, b',' | b']' | b'}') {
                    stop = i;
                    break;
                }
            }
            trimmed(stop)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_end_finds_the_end_of_a_scalar() {
        let file = "a: \"x\\\"y\" # c\nb: plain value # c\nc: [one, two]\nd: 'it''s'\nkey: arn:aws:s3:::x\n";
        let at = file.find("\"x").unwrap();
        assert_eq!(&file[at..token_end(file, at)], "\"x\\\"y\"");
        let at = file.find("plain").unwrap();
        assert_eq!(&file[at..token_end(file, at)], "plain value");
        let at = file.find("one").unwrap();
        assert_eq!(&file[at..token_end(file, at)], "one");
        let at = file.find("two").unwrap();
        assert_eq!(&file[at..token_end(file, at)], "two");
        let at = file.find("'it").unwrap();
        assert_eq!(&file[at..token_end(file, at)], "'it''s'");
        let at = file.find("key").unwrap();
        assert_eq!(&file[at..token_end(file, at)], "key");
        let at = file.find("arn").unwrap();
        assert_eq!(&file[at..token_end(file, at)], "arn:aws:s3:::x");
        // The end of the text without a newline.
        assert_eq!(token_end("x: abc", 3), 6);
    }
}
