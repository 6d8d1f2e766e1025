//! A small HCL (HashiCorp Configuration Language) writer: just what the Terraform export needs.
//!
//! The configuration is built as a tree of [`Block`]s, attributes and [`Expr`]essions and
//! written in one pass ([`write_body`]), in the layout `terraform fmt` gives: two-space
//! indentation, the `=` of neighbouring one-line attributes aligned, one list element per line.
//!
//! Every string is a template ([`Template`]): literal text, escaped here once
//! ([`escape_literal`]: `\`, `"`, control characters, and the template openers `${` → `$${` and
//! `%{` → `%%{`, so no text from the scenario can become Terraform code), and interpolations of
//! expressions the exporter wrote itself (`${data.aws_partition.current.partition}`).
//!
//! Written by hand rather than with the `hcl-rs` crate: its formatter has no comments (the export
//! explains itself in comments) and would add its parser to the page's wasm for a writer of a
//! few hundred lines.

use std::fmt::Write as _;

/// One piece of a quoted string.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Part {
    /// Text written as is (escaped when written).
    Lit(String),
    /// An expression interpolated with `${…}`, written by the exporter (never user text).
    Interp(String),
}

/// A quoted string: literal text and interpolations.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Template(pub(crate) Vec<Part>);

impl Template {
    /// A string of literal text only.
    pub(crate) fn lit(text: impl Into<String>) -> Template {
        Template(vec![Part::Lit(text.into())])
    }

    /// Appends literal text, merged with a literal before it.
    pub(crate) fn push_lit(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        if let Some(Part::Lit(last)) = self.0.last_mut() {
            last.push_str(text);
        } else {
            self.0.push(Part::Lit(text.to_owned()));
        }
    }

    /// Appends an interpolation.
    pub(crate) fn push_interp(&mut self, expr: &str) {
        self.0.push(Part::Interp(expr.to_owned()));
    }

    fn write(&self, out: &mut String) {
        out.push('"');
        let mut parts = self.0.iter().peekable();
        while let Some(part) = parts.next() {
            match part {
                Part::Lit(text) => {
                    let next_is_interp = matches!(parts.peek(), Some(Part::Interp(_)));
                    let head = text.trim_end_matches('$');
                    if next_is_interp && head.len() < text.len() {
                        // `$` right before `${` would read as the escape `$${`: write the
                        // dollars as an interpolated string of their own.
                        escape_into(head, out);
                        out.push_str("${\"");
                        out.push_str(text.get(head.len()..).unwrap_or_default());
                        out.push_str("\"}");
                    } else {
                        escape_into(text, out);
                    }
                }
                Part::Interp(expr) => {
                    out.push_str("${");
                    out.push_str(expr);
                    out.push('}');
                }
            }
        }
        out.push('"');
    }
}

/// An expression on the right of `=`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    /// A quoted string.
    Str(Template),
    /// An expression the exporter wrote (a reference such as `aws_iam_user.alice.name`).
    Raw(String),
    /// A number, as its JSON text (JSON numbers are HCL numbers).
    Number(String),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// `[a, b]`.
    List(Vec<Expr>),
    /// `{ key = value }`, keys in order.
    Object(Vec<(String, Expr)>),
    /// `name(argument)`, such as `jsonencode({...})`.
    Call(&'static str, Box<Expr>),
}

impl Expr {
    /// A literal string.
    pub(crate) fn str(text: impl Into<String>) -> Expr {
        Expr::Str(Template::lit(text))
    }

    /// A reference or other expression written as is.
    pub(crate) fn raw(text: impl Into<String>) -> Expr {
        Expr::Raw(text.into())
    }

    /// Whether the expression is written on one line.
    fn one_line(&self) -> bool {
        match self {
            Expr::List(items) => items.len() <= 1 && items.iter().all(Expr::one_line),
            Expr::Object(members) => members.is_empty(),
            Expr::Call(_, arg) => arg.one_line(),
            _ => true,
        }
    }

    fn write(&self, out: &mut String, indent: usize) {
        match self {
            Expr::Str(t) => t.write(out),
            Expr::Raw(text) | Expr::Number(text) => out.push_str(text),
            Expr::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Expr::Null => out.push_str("null"),
            Expr::List(items) => {
                if self.one_line() {
                    out.push('[');
                    if let Some(item) = items.first() {
                        item.write(out, indent);
                    }
                    out.push(']');
                    return;
                }
                out.push_str("[\n");
                for item in items {
                    pad(out, indent + 1);
                    item.write(out, indent + 1);
                    out.push_str(",\n");
                }
                pad(out, indent);
                out.push(']');
            }
            Expr::Object(members) => {
                if members.is_empty() {
                    out.push_str("{}");
                    return;
                }
                out.push_str("{\n");
                let items: Vec<Item<'_>> = members
                    .iter()
                    .map(|(key, value)| Item::Attr(object_key(key), value))
                    .collect();
                write_items(&items, out, indent + 1);
                pad(out, indent);
                out.push('}');
            }
            Expr::Call(name, arg) => {
                out.push_str(name);
                out.push('(');
                arg.write(out, indent);
                out.push(')');
            }
        }
    }
}

/// A block: `type "label" "label" { body }`, with comment lines above it.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Block {
    /// Comment lines written above the block (each as `# line`).
    pub(crate) comments: Vec<String>,
    /// The block type (`resource`, `data`, `statement`).
    pub(crate) kind: String,
    /// The labels, quoted when written.
    pub(crate) labels: Vec<String>,
    /// The body, in order.
    pub(crate) body: Vec<BodyItem>,
}

/// One item of a block's body.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum BodyItem {
    /// `name = value` (the name is a fixed identifier of the exporter).
    Attr(String, Expr),
    /// A nested block.
    Block(Block),
    /// A comment line.
    Comment(String),
    /// An empty line.
    Blank,
}

impl Block {
    /// A block of this type and labels, empty.
    pub(crate) fn new(kind: &str, labels: &[&str]) -> Block {
        Block {
            comments: Vec::new(),
            kind: kind.to_owned(),
            labels: labels.iter().map(|l| (*l).to_owned()).collect(),
            body: Vec::new(),
        }
    }

    /// Adds `name = value`.
    pub(crate) fn attr(&mut self, name: &str, value: Expr) {
        self.body.push(BodyItem::Attr(name.to_owned(), value));
    }

    /// Adds a nested block.
    pub(crate) fn block(&mut self, block: Block) {
        self.body.push(BodyItem::Block(block));
    }

    /// Adds a comment line inside the body.
    pub(crate) fn comment(&mut self, text: impl Into<String>) {
        self.body.push(BodyItem::Comment(text.into()));
    }

    fn write(&self, out: &mut String, indent: usize) {
        for line in &self.comments {
            comment_line(out, indent, line);
        }
        pad(out, indent);
        out.push_str(&self.kind);
        for label in &self.labels {
            out.push(' ');
            Template::lit(label.as_str()).write(out);
        }
        if self.body.is_empty() {
            out.push_str(" {}\n");
            return;
        }
        out.push_str(" {\n");
        let items: Vec<Item<'_>> = self
            .body
            .iter()
            .map(|item| match item {
                BodyItem::Attr(name, value) => Item::Attr(name.clone(), value),
                BodyItem::Block(b) => Item::Block(b),
                BodyItem::Comment(c) => Item::Comment(c),
                BodyItem::Blank => Item::Blank,
            })
            .collect();
        write_items(&items, out, indent + 1);
        pad(out, indent);
        out.push_str("}\n");
    }
}

/// A body or object item as written: attribute keys already in their written form.
enum Item<'a> {
    Attr(String, &'a Expr),
    Block(&'a Block),
    Comment(&'a str),
    Blank,
}

/// Writes items at `indent`, aligning the `=` of each run of neighbouring attributes (a run
/// ends after an attribute whose value takes several lines, as `terraform fmt` does).
fn write_items(items: &[Item<'_>], out: &mut String, indent: usize) {
    let mut i = 0;
    while let Some(item) = items.get(i) {
        match item {
            Item::Attr(..) => {
                // The run: attributes up to and including the first multi-line one.
                let mut end = i;
                let mut width = 0;
                while let Some(Item::Attr(key, value)) = items.get(end) {
                    width = width.max(key.chars().count());
                    end += 1;
                    if !value.one_line() {
                        break;
                    }
                }
                for item in items.get(i..end).unwrap_or_default() {
                    if let Item::Attr(key, value) = item {
                        pad(out, indent);
                        out.push_str(key);
                        for _ in key.chars().count()..width {
                            out.push(' ');
                        }
                        out.push_str(" = ");
                        value.write(out, indent);
                        out.push('\n');
                    }
                }
                i = end;
            }
            Item::Block(block) => {
                block.write(out, indent);
                i += 1;
            }
            Item::Comment(text) => {
                comment_line(out, indent, text);
                i += 1;
            }
            Item::Blank => {
                out.push('\n');
                i += 1;
            }
        }
    }
}

/// Writes top-level blocks separated by empty lines, after comment lines.
pub(crate) fn write_file(header: &[String], blocks: &[Block]) -> String {
    let mut out = String::new();
    for line in header {
        comment_line(&mut out, 0, line);
    }
    for block in blocks {
        if !out.is_empty() {
            out.push('\n');
        }
        block.write(&mut out, 0);
    }
    out
}

/// Writes body items at top level (for tests and nested use).
#[cfg(test)]
pub(crate) fn write_body(items: &[BodyItem]) -> String {
    let mut b = Block::new("x", &[]);
    b.body = items.to_vec();
    let mut out = String::new();
    let items: Vec<Item<'_>> = b
        .body
        .iter()
        .map(|item| match item {
            BodyItem::Attr(name, value) => Item::Attr(name.clone(), value),
            BodyItem::Block(b) => Item::Block(b),
            BodyItem::Comment(c) => Item::Comment(c),
            BodyItem::Blank => Item::Blank,
        })
        .collect();
    write_items(&items, &mut out, 0);
    out
}

/// `# text`: any line break or other control character in `text` becomes a space, so a
/// comment never ends early, and a long text is wrapped into lines of at most 100 columns
/// (a longer word stays whole).
fn comment_line(out: &mut String, indent: usize, text: &str) {
    const WIDTH: usize = 100;
    if text.is_empty() {
        pad(out, indent);
        out.push_str("#\n");
        return;
    }
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let room = WIDTH.saturating_sub(indent * 2 + 2).max(20);
    if clean.chars().count() <= room {
        pad(out, indent);
        out.push_str("# ");
        out.push_str(&clean);
        out.push('\n');
        return;
    }
    let mut line = String::new();
    let flush = |line: &mut String, out: &mut String| {
        pad(out, indent);
        out.push_str("# ");
        out.push_str(line);
        out.push('\n');
        line.clear();
    };
    for word in clean.split(' ').filter(|w| !w.is_empty()) {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > room {
            flush(&mut line, out);
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        flush(&mut line, out);
    }
}

fn pad(out: &mut String, indent: usize) {
    for _ in 0..indent {
        out.push_str("  ");
    }
}

/// An object key as written: a bare identifier when it is one (and no keyword), else quoted.
fn object_key(key: &str) -> String {
    if is_identifier(key) && !matches!(key, "true" | "false" | "null" | "for" | "in" | "if") {
        key.to_owned()
    } else {
        let mut out = String::new();
        Template::lit(key).write(&mut out);
        out
    }
}

/// Whether `text` is an HCL identifier of ASCII letters, digits, `_` and `-`, not starting with a
/// digit or `-`.
pub(crate) fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// `text` escaped for the inside of a quoted HCL string.
#[cfg(test)]
fn escape_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(text, &mut out);
    out
}

fn escape_into(text: &str, out: &mut String) {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                // `${` and `%{` open an interpolation and a directive; doubling the first
                // character writes them literally.
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_escape_quotes_backslashes_templates_and_control_characters() {
        assert_eq!(escape_literal(r#"a"b\c"#), r#"a\"b\\c"#);
        assert_eq!(escape_literal("${aws:username}"), "$${aws:username}");
        assert_eq!(escape_literal("%{ if x }"), "%%{ if x }");
        assert_eq!(escape_literal("line\nnext\r\t"), "line\\nnext\\r\\t");
        assert_eq!(escape_literal("bell\u{7}"), "bell\\u0007");
        assert_eq!(escape_literal("\u{85}"), "\\u0085");
        // A lone `$` or `%`, and `{` alone, stay as they are.
        assert_eq!(escape_literal("$5 100% {x}"), "$5 100% {x}");
        // `$${` in the text is `$` then `${`: the scanner reads `$`, then the escape.
        assert_eq!(escape_literal("$${x}"), "$$${x}");
        assert_eq!(escape_literal("ünïcode ☃"), "ünïcode ☃");
    }

    #[test]
    fn a_dollar_before_an_interpolation_is_not_read_as_an_escape() {
        let mut t = Template::lit("cost$");
        t.push_interp("var.amount");
        let mut out = String::new();
        t.write(&mut out);
        assert_eq!(out, r#""cost${"$"}${var.amount}""#);
        let mut t = Template::lit("$$");
        t.push_interp("x");
        let mut out = String::new();
        t.write(&mut out);
        assert_eq!(out, r#""${"$$"}${x}""#);
        let mut t = Template::lit("arn:");
        t.push_interp("data.aws_partition.current.partition");
        t.push_lit(":s3:::b");
        let mut out = String::new();
        t.write(&mut out);
        assert_eq!(
            out,
            r#""arn:${data.aws_partition.current.partition}:s3:::b""#
        );
    }

    #[test]
    fn object_keys_are_bare_only_when_identifiers() {
        assert_eq!(object_key("Version"), "Version");
        assert_eq!(object_key("aws:SourceVpce"), "\"aws:SourceVpce\"");
        assert_eq!(object_key("null"), "\"null\"");
        assert_eq!(object_key("1x"), "\"1x\"");
        assert_eq!(object_key("${x}"), "\"$${x}\"");
        assert_eq!(object_key(""), "\"\"");
    }

    #[test]
    fn attributes_align_and_nested_values_indent() {
        let body = vec![
            BodyItem::Attr("name".into(), Expr::str("alice")),
            BodyItem::Attr("path".into(), Expr::str("/")),
            BodyItem::Attr(
                "policy".into(),
                Expr::Call(
                    "jsonencode",
                    Box::new(Expr::Object(vec![
                        ("Version".into(), Expr::str("2012-10-17")),
                        (
                            "Statement".into(),
                            Expr::List(vec![Expr::Object(vec![(
                                "Action".into(),
                                Expr::List(vec![Expr::str("a"), Expr::str("b")]),
                            )])]),
                        ),
                    ])),
                ),
            ),
            BodyItem::Attr("x".into(), Expr::List(vec![Expr::str("one")])),
            BodyItem::Blank,
            BodyItem::Comment("a\nb".into()),
            BodyItem::Comment(format!("{} {}", "w".repeat(60), "v".repeat(60))),
            BodyItem::Block(Block::new("lifecycle", &[])),
        ];
        assert_eq!(
            write_body(&body),
            r#"name   = "alice"
path   = "/"
policy = jsonencode({
  Version   = "2012-10-17"
  Statement = [
    {
      Action = [
        "a",
        "b",
      ]
    },
  ]
})
x = ["one"]

# a b
# wwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww
# vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv
lifecycle {}
"#
        );
    }

    #[test]
    fn files_are_blocks_after_the_header() {
        let mut data = Block::new("data", &["aws_partition", "current"]);
        data.comments.push("The partition.".into());
        let mut resource = Block::new("resource", &["aws_iam_user", "a\"b"]);
        resource.attr("name", Expr::raw("var.x"));
        let text = write_file(&["Header".to_string(), String::new()], &[data, resource]);
        assert_eq!(
            text,
            "# Header\n#\n\n# The partition.\ndata \"aws_partition\" \"current\" {}\n\nresource \"aws_iam_user\" \"a\\\"b\" {\n  name = var.x\n}\n"
        );
    }
}
