//! One tree for both template syntaxes: JSON (read by the engine's spanned JSON front end) and
//! YAML (read from `granit-parser` events), with the byte offset of every value so skipped
//! items and errors can name their line.
//!
//! YAML short-form intrinsic functions become the long form on reading: `!Ref x` is
//! `{"Ref": x}`, `!GetAtt a.b` is `{"Fn::GetAtt": "a.b"}`, and any other `!Name` is
//! `{"Fn::Name": …}`, which is how CloudFormation itself reads them.

use granit_parser::{Event, Options, Parser, ScalarStyle};

use super::ImportError;
use crate::span::LineIndex;

/// The deepest nesting accepted, as in the JSON front end: templates nest a dozen levels at
/// most, and a bound keeps hostile input from exhausting the stack of the later recursive
/// passes.
const MAX_DEPTH: usize = 64;

/// A value of the template with the byte offset where it starts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Tree {
    /// What the value is.
    pub kind: Kind,
    /// The byte offset of its first character in the input.
    pub at: usize,
}

/// The kinds of value a template holds.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    /// `null`, `~` or an empty YAML value.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as serde_json reads it (the same reading the export's tree uses).
    Number(serde_json::Number),
    /// A string.
    Str(String),
    /// A list.
    Seq(Vec<Tree>),
    /// A mapping, in key order, each key with its offset.
    Map(Vec<(String, usize, Tree)>),
}

impl Tree {
    /// The members of a mapping.
    pub fn map(&self) -> Option<&[(String, usize, Tree)]> {
        match &self.kind {
            Kind::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The value of a mapping's key (the last one, when a key repeats).
    pub fn get(&self, key: &str) -> Option<&Tree> {
        self.map()?
            .iter()
            .rev()
            .find(|(k, _, _)| k == key)
            .map(|(_, _, v)| v)
    }

    /// The string, if this value is one.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The elements of a list.
    pub fn seq(&self) -> Option<&[Tree]> {
        match &self.kind {
            Kind::Seq(items) => Some(items),
            _ => None,
        }
    }
}

/// Reads JSON text into a tree; the first syntax error is the import error.
pub(crate) fn from_json(text: &str) -> Result<Tree, ImportError> {
    let parsed = crate::json::parse(text);
    let index = LineIndex::new(text);
    if let Some(d) = parsed
        .diagnostics
        .iter()
        .find(|d| d.severity == crate::diagnostic::Severity::Error)
    {
        let at = index.line_col(d.span.start);
        return Err(ImportError::at(
            "import-json-syntax",
            format!("The JSON is malformed: {}", d.message),
            at.line,
            at.column,
        ));
    }
    let Some(value) = parsed.value else {
        return Err(ImportError::new(
            "import-empty",
            "There is nothing to import.",
        ));
    };
    Ok(convert_json(value))
}

/// Turns the JSON front end's value into a tree, moving its texts (no copy of the document is
/// kept beside the tree).
fn convert_json(value: crate::json::Value) -> Tree {
    use crate::json::Kind as J;
    let at = value.span.start;
    let kind = match value.kind {
        J::Null | J::Invalid => Kind::Null,
        J::Bool(b) => Kind::Bool(b),
        J::Number(n) => match serde_json::from_str::<serde_json::Number>(&n) {
            Ok(n) => Kind::Number(n),
            Err(_) => Kind::Str(n),
        },
        J::String(s) => Kind::Str(s),
        J::Array(items) => Kind::Seq(items.into_iter().map(convert_json).collect()),
        J::Object(members) => Kind::Map(
            members
                .into_iter()
                .map(|m| (m.key, m.key_span.start, convert_json(m.value)))
                .collect(),
        ),
    };
    Tree { kind, at }
}

/// A collection being built from YAML events.
enum Open {
    Seq {
        at: usize,
        tag: Option<String>,
        items: Vec<Tree>,
    },
    Map {
        at: usize,
        tag: Option<String>,
        members: Vec<(String, usize, Tree)>,
        key: Option<(String, usize)>,
    },
}

/// Reads YAML text into a tree. Aliases are refused (CloudFormation does not accept them, and
/// expanding them is how "billion laughs" inputs blow up); so is a second document.
pub(crate) fn from_yaml(text: &str) -> Result<Tree, ImportError> {
    let index = LineIndex::new(text);
    let err_at = |code: &'static str, message: String, offset: usize| {
        let at = index.line_col(offset);
        ImportError::at(code, message, at.line, at.column)
    };
    let mut options = Options::default();
    options.flow_nesting_limit = MAX_DEPTH;
    options.block_nesting_limit = MAX_DEPTH;
    options.emit_comments = false;
    let parser = Parser::new_from_str_with_options(text, options);
    let mut stack: Vec<Open> = Vec::new();
    let mut root: Option<Tree> = None;
    let mut documents = 0usize;
    for event in parser {
        let (event, span) = match event {
            Ok(e) => e,
            Err(e) => {
                let m = e.marker();
                return Err(ImportError::at(
                    "import-yaml-syntax",
                    format!("The YAML is malformed: {}", e.kind()),
                    m.line(),
                    m.col() + 1,
                ));
            }
        };
        let at = span.start.byte_offset().unwrap_or(0);
        let value = match event {
            Event::DocumentStart(..) => {
                documents += 1;
                if documents > 1 {
                    return Err(err_at(
                        "import-yaml-documents",
                        "The text holds more than one YAML document; import one template at a time."
                            .to_string(),
                        at,
                    ));
                }
                continue;
            }
            Event::Alias(_) | Event::UnresolvedAlias(_) => {
                return Err(err_at(
                    "import-yaml-alias",
                    "YAML aliases (*name) are not supported: CloudFormation does not accept them either."
                        .to_string(),
                    at,
                ));
            }
            Event::Scalar(value, style, _, tag) => {
                let typed = tag.is_some();
                let tag = tag.and_then(|t| short_tag(t.handle(), t.suffix()));
                let scalar = scalar(&value, style, typed);
                wrap(Tree { kind: scalar, at }, tag)
            }
            Event::SequenceStart(_, _, tag) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(err_at(
                        "import-too-deep",
                        format!("The template nests deeper than {MAX_DEPTH} levels."),
                        at,
                    ));
                }
                stack.push(Open::Seq {
                    at,
                    tag: tag.and_then(|t| short_tag(t.handle(), t.suffix())),
                    items: Vec::new(),
                });
                continue;
            }
            Event::MappingStart(_, _, tag) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(err_at(
                        "import-too-deep",
                        format!("The template nests deeper than {MAX_DEPTH} levels."),
                        at,
                    ));
                }
                stack.push(Open::Map {
                    at,
                    tag: tag.and_then(|t| short_tag(t.handle(), t.suffix())),
                    members: Vec::new(),
                    key: None,
                });
                continue;
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Open::Seq { at, tag, items }) => wrap(
                    Tree {
                        kind: Kind::Seq(items),
                        at,
                    },
                    tag,
                ),
                _ => continue,
            },
            Event::MappingEnd => match stack.pop() {
                Some(Open::Map {
                    at, tag, members, ..
                }) => wrap(
                    Tree {
                        kind: Kind::Map(members),
                        at,
                    },
                    tag,
                ),
                _ => continue,
            },
            _ => continue,
        };
        match stack.last_mut() {
            None => root = Some(value),
            Some(Open::Seq { items, .. }) => items.push(value),
            Some(Open::Map { members, key, .. }) => match key.take() {
                None => {
                    let k = match value.kind {
                        Kind::Str(s) => s,
                        Kind::Number(n) => n.to_string(),
                        Kind::Bool(b) => b.to_string(),
                        Kind::Null => String::new(),
                        Kind::Seq(_) | Kind::Map(_) => {
                            return Err(err_at(
                                "import-yaml-key",
                                "A mapping key must be a plain text, not a list or a mapping."
                                    .to_string(),
                                value.at,
                            ));
                        }
                    };
                    *key = Some((k, value.at));
                }
                Some((k, k_at)) => members.push((k, k_at, value)),
            },
        }
    }
    root.ok_or_else(|| ImportError::new("import-empty", "There is nothing to import."))
}

/// The long-form function name of a local tag (`!Ref` → `Ref`, `!Sub` → `Fn::Sub`); `None`
/// for the core-schema tags (`!!str`, …), which only type the scalar.
fn short_tag(handle: &str, suffix: &str) -> Option<String> {
    if handle != "!" {
        return None;
    }
    Some(match suffix {
        "Ref" | "Condition" => suffix.to_string(),
        other => format!("Fn::{other}"),
    })
}

/// Wraps a value in its intrinsic function, if it carried a short-form tag.
fn wrap(value: Tree, tag: Option<String>) -> Tree {
    match tag {
        None => value,
        Some(function) => {
            let at = value.at;
            Tree {
                kind: Kind::Map(vec![(function, at, value)]),
                at,
            }
        }
    }
}

/// Resolves a scalar by YAML 1.2's core schema, as CloudFormation reads templates: only plain
/// scalars can be null, booleans or numbers; `2012-10-17` stays text.
fn scalar(value: &str, style: ScalarStyle, typed: bool) -> Kind {
    if style != ScalarStyle::Plain || typed {
        return Kind::Str(value.to_string());
    }
    match value {
        "" | "~" | "null" | "Null" | "NULL" => Kind::Null,
        "true" | "True" | "TRUE" => Kind::Bool(true),
        "false" | "False" | "FALSE" => Kind::Bool(false),
        _ => {
            let numeric = value
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_digit() || b == b'-');
            match serde_json::from_str::<serde_json::Number>(value) {
                Ok(n) if numeric => Kind::Number(n),
                _ => Kind::Str(value.to_string()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Tree {
        match from_yaml(text) {
            Ok(t) => t,
            Err(e) => unreachable!("{e:?}"),
        }
    }

    #[test]
    fn short_tags_become_long_form() {
        let t = yaml("A: !Ref Foo\nB: !GetAtt Role.Arn\nC: !Sub 'arn:${AWS::Partition}'\n");
        assert_eq!(
            t.get("A").and_then(|a| a.get("Ref")).and_then(Tree::as_str),
            Some("Foo")
        );
        assert_eq!(
            t.get("B")
                .and_then(|a| a.get("Fn::GetAtt"))
                .and_then(Tree::as_str),
            Some("Role.Arn")
        );
        assert!(t.get("C").and_then(|a| a.get("Fn::Sub")).is_some());
    }

    #[test]
    fn tagged_sequences_wrap_the_list() {
        let t = yaml("J: !Join ['', [a, b]]\n");
        let join = t.get("J").and_then(|j| j.get("Fn::Join"));
        assert_eq!(join.and_then(Tree::seq).map(<[Tree]>::len), Some(2));
    }

    #[test]
    fn scalars_follow_the_core_schema() {
        let t = yaml("a: 2012-10-17\nb: 'true'\nc: true\nd: 3600\ne: ~\nf: 0x1F\n");
        assert_eq!(t.get("a").and_then(Tree::as_str), Some("2012-10-17"));
        assert_eq!(t.get("b").and_then(Tree::as_str), Some("true"));
        assert_eq!(t.get("c").map(|v| v.kind.clone()), Some(Kind::Bool(true)));
        assert!(matches!(t.get("d").map(|v| &v.kind), Some(Kind::Number(_))));
        assert_eq!(t.get("e").map(|v| v.kind.clone()), Some(Kind::Null));
        assert_eq!(t.get("f").and_then(Tree::as_str), Some("0x1F"));
    }

    #[test]
    fn aliases_and_syntax_errors_have_positions() {
        let e = from_yaml("a: &x [1]\nb: *x\n").err();
        assert_eq!(e.as_ref().map(|e| e.code), Some("import-yaml-alias"));
        assert_eq!(e.and_then(|e| e.line), Some(2));
        let e = from_yaml("a: [1, 2\nb: 3\n").err();
        assert_eq!(e.as_ref().map(|e| e.code), Some("import-yaml-syntax"));
        assert!(e.and_then(|e| e.line).is_some());
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = "[".repeat(10_000);
        assert!(from_yaml(&text).is_err());
        let text = format!("{}1{}", "[".repeat(63), "]".repeat(63));
        assert!(from_yaml(&text).is_ok());
    }
}
