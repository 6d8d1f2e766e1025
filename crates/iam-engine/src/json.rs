//! A small spanned JSON front end that never fails.
//!
//! `serde_json` keeps no positions, but every diagnostic the playground shows must point at the
//! exact text the user typed. [`parse`] builds a tree in which every value, every object key and
//! every array element carries its byte [`Span`], and it recovers from errors so that one pass
//! reports all of them: unexpected characters, unterminated strings, bad escapes, trailing and
//! missing commas, missing colons, duplicate keys, invalid numbers, nesting deeper than
//! [`MAX_DEPTH`], content after the document, empty input, a byte order mark and comments.
//!
//! The parser is a single left-to-right pass (linear time, no backtracking) and recursion is
//! capped at [`MAX_DEPTH`], so a megabyte paste or `[[[[…` cannot blow the stack.
//!
//! Duplicate keys: AWS documents no rule for them, and parsers differ (most keep the last). The
//! front end keeps every member in order and reports a `json-duplicate-key` warning; the policy
//! layer decides which occurrence it uses and says so.

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::span::Span;

/// The deepest nesting of arrays and objects accepted; deeper values are skipped and reported.
///
/// IAM policies nest at most five levels (policy, statement list, statement, condition block,
/// operator block, value list), so 64 leaves ample room while bounding recursion.
pub const MAX_DEPTH: usize = 64;

/// A JSON value with the span of its text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Value {
    /// What the value is.
    pub kind: Kind,
    /// The bytes of the whole value, from its first to its last character.
    pub span: Span,
}

/// The kinds of JSON value, plus [`Kind::Invalid`] for text the parser could not read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Kind {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, kept as written (AWS compares condition numbers as text first).
    Number(String),
    /// A string, with escapes decoded.
    String(String),
    /// An array and its elements in order.
    Array(Vec<Value>),
    /// An object and its members in order, duplicates included.
    Object(Vec<Member>),
    /// Text that is not a value; a diagnostic explains it.
    Invalid,
}

/// One `"key": value` member of an object.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Member {
    /// The decoded key.
    pub key: String,
    /// The span of the key including its quotes.
    pub key_span: Span,
    /// The member's value.
    pub value: Value,
}

impl Value {
    /// The JSON type name used in messages (`string`, `object`, ...).
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            Kind::Null => "null",
            Kind::Bool(_) => "boolean",
            Kind::Number(_) => "number",
            Kind::String(_) => "string",
            Kind::Array(_) => "array",
            Kind::Object(_) => "object",
            Kind::Invalid => "invalid value",
        }
    }

    /// The string, if this value is one.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::String(s) => Some(s),
            _ => None,
        }
    }

    /// The members, if this value is an object.
    pub fn as_object(&self) -> Option<&[Member]> {
        match &self.kind {
            Kind::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The elements, if this value is an array.
    pub fn as_array(&self) -> Option<&[Value]> {
        match &self.kind {
            Kind::Array(v) => Some(v),
            _ => None,
        }
    }
}

/// The result of parsing: the value it could recover (absent only for empty input) and every
/// diagnostic.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Parsed {
    /// The recovered document.
    pub value: Option<Value>,
    /// Everything wrong with the text, in source order.
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses `text` as one JSON document. Never fails and never panics.
pub fn parse(text: &str) -> Parsed {
    let mut p = Parser {
        src: text.as_bytes(),
        text,
        pos: 0,
        diags: Vec::new(),
        values: Vec::new(),
        members: Vec::new(),
    };
    if text.starts_with('\u{feff}') {
        p.diags.push(
            Diagnostic::error(
                "json-bom",
                Span::new(0, 3),
                "The text starts with a byte order mark, which AWS does not accept.",
            )
            .with_help("Save the file as UTF-8 without a byte order mark."),
        );
        p.pos = 3;
    }
    p.skip_ws();
    if p.pos >= p.src.len() {
        p.diags.push(Diagnostic::error(
            "json-empty",
            Span::point(p.pos),
            "The document is empty.",
        ));
        return Parsed {
            value: None,
            diagnostics: p.diags,
        };
    }
    let value = p.value(0);
    p.skip_ws();
    if p.pos < p.src.len() {
        let start = p.pos;
        p.diags.push(
            Diagnostic::error(
                "json-trailing-content",
                Span::new(start, p.src.len()),
                "Unexpected text after the end of the document.",
            )
            .with_help("A policy is a single JSON object; remove what follows it."),
        );
    }
    p.diags.sort_by_key(|d| (d.span.start, d.span.end));
    Parsed {
        value: Some(value),
        diagnostics: p.diags,
    }
}

struct Parser<'a> {
    src: &'a [u8],
    text: &'a str,
    pos: usize,
    diags: Vec<Diagnostic>,
    /// The items of the arrays being read, innermost last.
    values: Vec<Value>,
    /// The members of the objects being read, innermost last.
    members: Vec<Member>,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    /// The span of the character at the cursor (one whole UTF-8 character).
    fn char_span(&self) -> Span {
        let len = self
            .text
            .get(self.pos..)
            .and_then(|s| s.chars().next())
            .map_or(1, char::len_utf8);
        Span::new(self.pos, (self.pos + len).min(self.src.len()))
    }

    fn char_desc(&self) -> String {
        match self.text.get(self.pos..).and_then(|s| s.chars().next()) {
            Some(c) if c.is_control() => format!("U+{:04X}", c as u32),
            Some(c) => format!("`{c}`"),
            None => "the end of the text".to_string(),
        }
    }

    /// Skips whitespace and reports (then skips) comments, which JSON does not allow.
    fn skip_ws(&mut self) {
        while let Some(b) = self.peek() {
            match b {
                b' ' | b'\t' | b'\n' | b'\r' => self.pos += 1,
                b'/' if matches!(self.src.get(self.pos + 1), Some(b'/') | Some(b'*')) => {
                    let start = self.pos;
                    if self.src.get(self.pos + 1) == Some(&b'/') {
                        while let Some(c) = self.peek() {
                            if c == b'\n' {
                                break;
                            }
                            self.pos += 1;
                        }
                    } else {
                        self.pos += 2;
                        loop {
                            match self.peek() {
                                None => break,
                                Some(b'*') if self.src.get(self.pos + 1) == Some(&b'/') => {
                                    self.pos += 2;
                                    break;
                                }
                                Some(_) => self.pos += 1,
                            }
                        }
                    }
                    self.diags.push(
                        Diagnostic::error(
                            "json-comment",
                            Span::new(start, self.pos),
                            "JSON does not allow comments.",
                        )
                        .with_help("Remove the comment; a statement's Sid can hold a short note."),
                    );
                }
                _ => break,
            }
        }
    }

    fn value(&mut self, depth: usize) -> Value {
        let start = self.pos;
        match self.peek() {
            Some(b'{') | Some(b'[') if depth >= MAX_DEPTH => {
                self.skip_nested();
                self.diags.push(Diagnostic::error(
                    "json-too-deep",
                    Span::new(start, self.pos),
                    format!("Values nest more than {MAX_DEPTH} levels deep."),
                ));
                Value {
                    kind: Kind::Invalid,
                    span: Span::new(start, self.pos),
                }
            }
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => {
                let (s, span) = self.string();
                Value {
                    kind: Kind::String(s),
                    span,
                }
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b'a'..=b'z' | b'A'..=b'Z' | b'_') => self.word(),
            None => {
                self.diags.push(Diagnostic::error(
                    "json-unexpected-end",
                    Span::point(start),
                    "The text ends where a value was expected.",
                ));
                Value {
                    kind: Kind::Invalid,
                    span: Span::point(start),
                }
            }
            Some(b'\'') => {
                // A single-quoted string is a common slip; read it as a string so the rest of
                // the document still makes sense.
                let span_start = self.pos;
                self.pos += 1;
                let content_start = self.pos;
                while let Some(c) = self.peek() {
                    if c == b'\'' || c == b'\n' {
                        break;
                    }
                    self.pos += 1;
                }
                let content = self.text.get(content_start..self.pos).unwrap_or("");
                let content = content.to_string();
                if self.peek() == Some(b'\'') {
                    self.pos += 1;
                }
                let span = Span::new(span_start, self.pos);
                self.diags.push(
                    Diagnostic::error("json-single-quote", span, "JSON strings use double quotes.")
                        .with_help("Replace the single quotes with double quotes."),
                );
                Value {
                    kind: Kind::String(content),
                    span,
                }
            }
            Some(_) => {
                let span = self.char_span();
                self.diags.push(Diagnostic::error(
                    "json-unexpected-character",
                    span,
                    format!(
                        "Unexpected {} where a value was expected.",
                        self.char_desc()
                    ),
                ));
                self.pos = span.end;
                Value {
                    kind: Kind::Invalid,
                    span,
                }
            }
        }
    }

    /// Skips a too-deep array or object without recursion, honouring strings.
    fn skip_nested(&mut self) {
        let mut depth = 0usize;
        while let Some(b) = self.peek() {
            match b {
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        self.pos += 1;
                        return;
                    }
                }
                b'"' => {
                    self.pos += 1;
                    while let Some(c) = self.peek() {
                        if c == b'\\' {
                            self.pos += 1;
                        } else if c == b'"' || c == b'\n' {
                            break;
                        }
                        self.pos += 1;
                    }
                }
                _ => {}
            }
            self.pos += 1;
        }
        self.pos = self.pos.min(self.src.len());
    }

    fn word(&mut self) -> Value {
        let start = self.pos;
        while let Some(b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'-') = self.peek() {
            self.pos += 1;
        }
        let span = Span::new(start, self.pos);
        let word = span.slice(self.text);
        let kind = match word {
            "true" => Kind::Bool(true),
            "false" => Kind::Bool(false),
            "null" => Kind::Null,
            _ => {
                let help = match word.to_ascii_lowercase().as_str() {
                    "true" | "false" | "null" => {
                        format!(
                            "JSON literals are lower case: write `{}`.",
                            word.to_ascii_lowercase()
                        )
                    }
                    _ => "Put text in double quotes.".to_string(),
                };
                self.diags.push(
                    Diagnostic::error(
                        "json-unexpected-word",
                        span,
                        format!("`{word}` is not a JSON value."),
                    )
                    .with_help(help),
                );
                Kind::Invalid
            }
        };
        Value { kind, span }
    }

    fn number(&mut self) -> Value {
        let start = self.pos;
        while let Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        let span = Span::new(start, self.pos);
        let raw = span.slice(self.text);
        if is_json_number(raw) {
            Value {
                kind: Kind::Number(raw.to_string()),
                span,
            }
        } else {
            self.diags.push(Diagnostic::error(
                "json-invalid-number",
                span,
                format!("`{raw}` is not a valid JSON number."),
            ));
            Value {
                kind: Kind::Invalid,
                span,
            }
        }
    }

    /// Reads a string at the cursor (which is on `"`); returns the decoded text and its span.
    fn string(&mut self) -> (String, Span) {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        let mut run_start = self.pos;
        loop {
            match self.peek() {
                None | Some(b'\n') => {
                    out.push_str(self.text.get(run_start..self.pos).unwrap_or(""));
                    self.diags.push(
                        Diagnostic::error(
                            "json-unterminated-string",
                            Span::new(start, self.pos),
                            "This string has no closing quote.",
                        )
                        .with_help("Add a `\"` at the end of the string."),
                    );
                    return (out, Span::new(start, self.pos));
                }
                Some(b'"') => {
                    out.push_str(self.text.get(run_start..self.pos).unwrap_or(""));
                    self.pos += 1;
                    return (out, Span::new(start, self.pos));
                }
                Some(b'\\') => {
                    out.push_str(self.text.get(run_start..self.pos).unwrap_or(""));
                    self.escape(&mut out);
                    run_start = self.pos;
                }
                Some(c) if c < 0x20 => {
                    out.push_str(self.text.get(run_start..self.pos).unwrap_or(""));
                    self.diags.push(
                        Diagnostic::error(
                            "json-control-character",
                            Span::new(self.pos, self.pos + 1),
                            format!(
                                "A raw control character (U+{c:04X}) is not allowed in a string."
                            ),
                        )
                        .with_help("Write it as an escape such as `\\t`."),
                    );
                    out.push(char::from(c));
                    self.pos += 1;
                    run_start = self.pos;
                }
                Some(_) => self.pos += 1,
            }
        }
    }

    /// Decodes one escape at the cursor (which is on `\`).
    fn escape(&mut self, out: &mut String) {
        let start = self.pos;
        self.pos += 1;
        let c = self.peek();
        let simple = match c {
            Some(b'"') => Some('"'),
            Some(b'\\') => Some('\\'),
            Some(b'/') => Some('/'),
            Some(b'b') => Some('\u{8}'),
            Some(b'f') => Some('\u{c}'),
            Some(b'n') => Some('\n'),
            Some(b'r') => Some('\r'),
            Some(b't') => Some('\t'),
            _ => None,
        };
        if let Some(ch) = simple {
            out.push(ch);
            self.pos += 1;
            return;
        }
        if c == Some(b'u') {
            self.pos += 1;
            let Some(first) = self.hex4() else {
                self.bad_escape(start, "`\\u` must be followed by four hex digits.");
                out.push('\u{fffd}');
                return;
            };
            if (0xD800..0xDC00).contains(&first) {
                // A high surrogate must be followed by `\u` and a low surrogate.
                if self.src.get(self.pos) == Some(&b'\\')
                    && self.src.get(self.pos + 1) == Some(&b'u')
                {
                    let save = self.pos;
                    self.pos += 2;
                    if let Some(second) = self.hex4()
                        && (0xDC00..0xE000).contains(&second)
                    {
                        let code = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                        out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                        return;
                    }
                    self.pos = save;
                }
                self.bad_escape(start, "A lone UTF-16 surrogate is not a character.");
                out.push('\u{fffd}');
                return;
            }
            if (0xDC00..0xE000).contains(&first) {
                self.bad_escape(start, "A lone UTF-16 surrogate is not a character.");
                out.push('\u{fffd}');
                return;
            }
            out.push(char::from_u32(first).unwrap_or('\u{fffd}'));
            return;
        }
        // Unknown escape: report it and keep the character so the text stays readable.
        let span = self.char_span();
        let end = if c.is_some() { span.end } else { self.pos };
        self.diags.push(
            Diagnostic::error(
                "json-bad-escape",
                Span::new(start, end),
                "Unknown escape sequence in a string.",
            )
            .with_help("Valid escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX."),
        );
        if let Some(s) = self.text.get(self.pos..end) {
            out.push_str(s);
        }
        self.pos = end;
    }

    fn bad_escape(&mut self, start: usize, message: &str) {
        self.diags.push(Diagnostic::error(
            "json-bad-escape",
            Span::new(start, self.pos),
            message,
        ));
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.src.get(self.pos..self.pos + 4)?;
        let mut v = 0u32;
        for &d in digits {
            v = v * 16 + char::from(d).to_digit(16)?;
        }
        self.pos += 4;
        Some(v)
    }

    fn array(&mut self, depth: usize) -> Value {
        let open = self.pos;
        self.pos += 1;
        // This array's items so far are `self.values[base..]` (the arrays inside it have taken
        // theirs off the stack when they closed).
        let base = self.values.len();
        let mut last_comma: Option<usize> = None;
        loop {
            self.skip_ws();
            match self.peek() {
                None => {
                    self.unclosed(open, '[');
                    break;
                }
                Some(b']') => {
                    if let Some(comma) = last_comma {
                        self.trailing_comma(comma);
                    }
                    self.pos += 1;
                    break;
                }
                Some(b'}') => {
                    // A stray `}` most likely closes an outer object: report the missing `]`
                    // and let the caller consume it.
                    self.diags.push(
                        Diagnostic::error(
                            "json-mismatched-bracket",
                            Span::new(self.pos, self.pos + 1),
                            "Expected `]` to close the array, found `}`.",
                        )
                        .with_related(Span::new(open, open + 1), "the array starts here"),
                    );
                    break;
                }
                Some(b',') => {
                    // An empty slot (`[,` or `,,`).
                    self.diags.push(Diagnostic::error(
                        "json-unexpected-comma",
                        Span::new(self.pos, self.pos + 1),
                        "Expected a value before this comma.",
                    ));
                    last_comma = Some(self.pos);
                    self.pos += 1;
                }
                Some(_) => {
                    if self.values.len() > base && last_comma.is_none() {
                        self.missing_comma();
                    }
                    let before = self.pos;
                    let item = self.value(depth + 1);
                    self.values.push(item);
                    if self.pos == before {
                        self.pos += 1;
                    }
                    self.skip_ws();
                    if self.peek() == Some(b',') {
                        last_comma = Some(self.pos);
                        self.pos += 1;
                    } else {
                        last_comma = None;
                    }
                }
            }
        }
        // Moved off the stack into a vector of exactly their number: grown item by item, the
        // vectors' spare room was a third of a large document's tree (most arrays and objects
        // hold a few elements).
        let items: Vec<Value> = self.values.drain(base..).collect();
        Value {
            kind: Kind::Array(items),
            span: Span::new(open, self.pos),
        }
    }

    fn object(&mut self, depth: usize) -> Value {
        let open = self.pos;
        self.pos += 1;
        // This object's members so far are `self.members[base..]`, as the array's items.
        let base = self.members.len();
        // Key → index of its first occurrence, so duplicate detection stays linear.
        let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        let mut last_comma: Option<usize> = None;
        loop {
            self.skip_ws();
            match self.peek() {
                None => {
                    self.unclosed(open, '{');
                    break;
                }
                Some(b'}') => {
                    if let Some(comma) = last_comma {
                        self.trailing_comma(comma);
                    }
                    self.pos += 1;
                    break;
                }
                Some(b']') => {
                    self.diags.push(
                        Diagnostic::error(
                            "json-mismatched-bracket",
                            Span::new(self.pos, self.pos + 1),
                            "Expected `}` to close the object, found `]`.",
                        )
                        .with_related(Span::new(open, open + 1), "the object starts here"),
                    );
                    break;
                }
                Some(b',') => {
                    self.diags.push(Diagnostic::error(
                        "json-unexpected-comma",
                        Span::new(self.pos, self.pos + 1),
                        "Expected a member before this comma.",
                    ));
                    last_comma = Some(self.pos);
                    self.pos += 1;
                }
                Some(b) => {
                    if self.members.len() > base && last_comma.is_none() {
                        self.missing_comma();
                    }
                    let (key, key_span) = if b == b'"' {
                        self.string()
                    } else {
                        // Read whatever is there as a value and report it as a bad key.
                        let v = self.value(depth + 1);
                        if !matches!(v.kind, Kind::Invalid) || v.span.is_empty() {
                            self.diags.push(
                                Diagnostic::error(
                                    "json-key-not-string",
                                    v.span,
                                    "Object keys must be strings in double quotes.",
                                )
                                .with_help("Put the key in double quotes."),
                            );
                        }
                        if v.span.is_empty() {
                            self.pos += 1;
                        }
                        let text = match &v.kind {
                            Kind::String(s) => s.clone(),
                            _ => v.span.slice(self.text).to_string(),
                        };
                        (text, v.span)
                    };
                    self.skip_ws();
                    let value = if self.peek() == Some(b':') {
                        self.pos += 1;
                        self.skip_ws();
                        self.value(depth + 1)
                    } else {
                        self.diags.push(
                            Diagnostic::error(
                                "json-missing-colon",
                                Span::point(key_span.end),
                                "Expected `:` after the key.",
                            )
                            .with_help("Write `\"Key\": value`."),
                        );
                        match self.peek() {
                            Some(b'"' | b'{' | b'[' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n') => {
                                self.value(depth + 1)
                            }
                            _ => Value {
                                kind: Kind::Invalid,
                                span: Span::point(self.pos),
                            },
                        }
                    };
                    let first = seen.get(&key).and_then(|&i| self.members.get(base + i));
                    if let Some(first) = first {
                        let first_span = first.key_span;
                        self.diags.push(
                            Diagnostic::warning(
                                "json-duplicate-key",
                                key_span,
                                format!("The key \"{key}\" appears more than once in this object."),
                            )
                            .with_help(
                                "JSON parsers disagree on which occurrence wins; keep one and merge the values.",
                            )
                            .with_related(first_span, "first occurrence"),
                        );
                    }
                    seen.entry(key.clone()).or_insert(self.members.len() - base);
                    self.members.push(Member {
                        key,
                        key_span,
                        value,
                    });
                    self.skip_ws();
                    if self.peek() == Some(b',') {
                        last_comma = Some(self.pos);
                        self.pos += 1;
                    } else {
                        last_comma = None;
                    }
                }
            }
        }
        let members: Vec<Member> = self.members.drain(base..).collect();
        Value {
            kind: Kind::Object(members),
            span: Span::new(open, self.pos),
        }
    }

    fn unclosed(&mut self, open: usize, bracket: char) {
        let close = if bracket == '{' { '}' } else { ']' };
        let what = if bracket == '{' { "object" } else { "array" };
        self.diags.push(
            Diagnostic::error(
                "json-unclosed",
                Span::point(self.pos),
                format!("The text ends before the {what} is closed."),
            )
            .with_related(Span::new(open, open + 1), format!("the {what} starts here"))
            .with_help(format!("Add `{close}`.")),
        );
    }

    fn trailing_comma(&mut self, comma: usize) {
        self.diags.push(
            Diagnostic::error(
                "json-trailing-comma",
                Span::new(comma, comma + 1),
                "JSON does not allow a comma after the last element.",
            )
            .with_help("Remove the comma."),
        );
    }

    fn missing_comma(&mut self) {
        self.diags.push(
            Diagnostic::error(
                "json-missing-comma",
                Span::point(self.pos),
                "Expected `,` between elements.",
            )
            .with_help("Add a comma before this element."),
        );
    }
}

/// Whether `s` follows JSON's number grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
fn is_json_number(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let at = |i: usize| b.get(i).copied();
    if at(i) == Some(b'-') {
        i += 1;
    }
    match at(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            while let Some(b'0'..=b'9') = at(i) {
                i += 1;
            }
        }
        _ => return false,
    }
    if at(i) == Some(b'.') {
        i += 1;
        let digits = i;
        while let Some(b'0'..=b'9') = at(i) {
            i += 1;
        }
        if i == digits {
            return false;
        }
    }
    if let Some(b'e' | b'E') = at(i) {
        i += 1;
        if let Some(b'+' | b'-') = at(i) {
            i += 1;
        }
        let digits = i;
        while let Some(b'0'..=b'9') = at(i) {
            i += 1;
        }
        if i == digits {
            return false;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(text: &str) -> Vec<String> {
        parse(text)
            .diagnostics
            .into_iter()
            .map(|d| d.code)
            .collect()
    }

    #[test]
    fn parses_valid_json_with_spans() {
        let text = r#"{"a": [1, "x\n", true, null], "b": {"c": -1.5e3}}"#;
        let p = parse(text);
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        let v = p.value.unwrap();
        let members = v.as_object().unwrap();
        assert_eq!(members[0].key, "a");
        assert_eq!(members[0].key_span.slice(text), "\"a\"");
        let arr = members[0].value.as_array().unwrap();
        assert_eq!(arr[1].as_str(), Some("x\n"));
        assert_eq!(arr[1].span.slice(text), "\"x\\n\"");
        assert_eq!(
            members[0].value.span.slice(text),
            "[1, \"x\\n\", true, null]"
        );
        assert_eq!(v.span, Span::new(0, text.len()));
    }

    #[test]
    fn reports_every_error_at_once() {
        let text = "{\"a\": [1, 2,], \"b\" 3 \"c\": tru, \"a\": 1,}";
        let c = codes(text);
        assert_eq!(
            c,
            vec![
                "json-trailing-comma",
                "json-missing-colon",
                "json-missing-comma",
                "json-unexpected-word",
                "json-duplicate-key",
                "json-trailing-comma"
            ]
        );
    }

    #[test]
    fn empty_bom_trailing_and_comments() {
        assert_eq!(codes("   "), vec!["json-empty"]);
        assert_eq!(codes("\u{feff}{}"), vec!["json-bom"]);
        assert_eq!(codes("{} x"), vec!["json-trailing-content"]);
        assert_eq!(codes("{// hi\n}"), vec!["json-comment"]);
    }

    #[test]
    fn strings_and_escapes() {
        assert_eq!(codes("\"abc"), vec!["json-unterminated-string"]);
        assert_eq!(codes("\"a\\qb\""), vec!["json-bad-escape"]);
        assert_eq!(codes("\"\\ud800\""), vec!["json-bad-escape"]);
        let p = parse("\"\\ud83d\\ude00 \\u00e9\"");
        assert_eq!(p.value.unwrap().as_str(), Some("😀 é"));
        assert_eq!(codes("'single'"), vec!["json-single-quote"]);
        assert_eq!(codes("\"tab\there\""), vec!["json-control-character"]);
    }

    #[test]
    fn numbers() {
        for ok in ["0", "-0", "1.5", "1e10", "-2.5E-3"] {
            assert!(codes(ok).is_empty(), "{ok}");
        }
        for bad in ["01", "1.", "-", "1e", "1.2.3", "--1"] {
            assert_eq!(codes(bad), vec!["json-invalid-number"], "{bad}");
        }
    }

    #[test]
    fn deep_nesting_is_capped() {
        let text = "[".repeat(100_000);
        let c = codes(&text);
        assert!(c.contains(&"json-too-deep".to_string()));
        let text = format!("{}{}", "[".repeat(1000), "]".repeat(1000));
        let c = codes(&text);
        assert_eq!(c, vec!["json-too-deep"]);
    }

    #[test]
    fn unclosed_and_mismatched() {
        assert_eq!(codes("{\"a\": [1, 2}"), vec!["json-mismatched-bracket"]);
        assert_eq!(codes("[1, 2"), vec!["json-unclosed"]);
        assert_eq!(codes("{\"a\": 1"), vec!["json-unclosed"]);
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        // A deterministic sweep of short mixtures of JSON punctuation and odd characters.
        let alphabet = [
            "{", "}", "[", "]", "\"", "\\", ",", ":", "1", "-", "e", "t", "u", "é", "\n", "/", "*",
            "'",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..20_000 {
            let mut s = String::new();
            for _ in 0..(seed % 24) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                s.push_str(alphabet[(seed % alphabet.len() as u64) as usize]);
            }
            let p = parse(&s);
            for d in &p.diagnostics {
                assert!(d.span.end <= s.len(), "{s:?} {d:?}");
                assert!(
                    s.is_char_boundary(d.span.start) && s.is_char_boundary(d.span.end),
                    "{s:?} {d:?}"
                );
            }
        }
    }
}
