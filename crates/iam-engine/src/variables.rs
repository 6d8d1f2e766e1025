//! Policy variables: `${key}` placeholders in `Resource` entries and condition values.
//!
//! Rules (IAM User Guide, `reference_policies_variables.html`, unless said otherwise):
//!
//! - Variables are replaced only when the policy's `Version` is `2012-10-17`. With
//!   `2008-10-17` or no `Version` (see [`PolicyVersion`]; the policy model treats a missing
//!   Version as 2008-10-17) the text is taken as written, so `${aws:username}` is literal
//!   text (wildcards in it still act as wildcards where the operator allows them).
//! - `${key}` names any context key, looked up case-insensitively like condition keys, e.g.
//!   `${aws:username}`, `${aws:PrincipalTag/team}`, `${s3:prefix}`.
//! - `${key, 'default'}`: "surround the default value with single quotes (' '), and separate
//!   the variable text and the default value with a comma and space (, )". The default is used
//!   when the key is absent. Spaces around the comma and the key are tolerated here.
//! - `${*}`, `${?}` and `${$}` stand for a literal `*`, `?` and `$`, for text that must not
//!   act as a wildcard or start a variable.
//! - A substituted value is literal text: `${aws:username}` resolving to `a*b` matches only
//!   `a*b`, never `axxb` (the value goes into a [`Pattern`] as a literal piece).
//! - Only single-valued keys can be variables: "You can use any available single-valued
//!   context key as a policy variable, but you can't use a multivalued context key as a
//!   policy variable" (`reference_policies_condition-single-vs-multi-valued-context-keys.html`).
//!   Here a key resolves when the request gives it exactly one value; with no value or
//!   several, the default is used if there is one, else the variable is unresolved
//!   ([`UnresolvedReason`]).
//! - An unresolved variable (absent key, no default): the policy value it is in matches
//!   nothing. For a condition that means positive operators do not match and negated
//!   operators do (they ask for "no value equals"); a `Resource` entry with an unresolved
//!   variable matches no resource. The evaluator reports the key as missing.
//!
//! Syntax errors (an unclosed `${`, an empty name, a badly quoted default) are returned as
//! [`TemplateError`] values whose [`Span`] is a byte range inside the template text; the
//! caller shifts it by the template's position in the policy.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::context::{Lookup, RequestContext};
use crate::matching::Pattern;
pub use crate::policy::PolicyVersion;
use crate::span::Span;

/// A syntax error in a template, with the byte range inside the template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateError {
    /// A stable code: `unclosed-variable`, `empty-variable`, `bad-default`,
    /// `unclosed-default`.
    pub code: &'static str,
    /// A sentence for people.
    pub message: String,
    /// Where, in bytes of the template text.
    pub span: Span,
}

/// A `${...}` placeholder.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Variable {
    /// The context key named, as written (without surrounding spaces).
    pub key: String,
    /// The default value, if given.
    pub default: Option<String>,
    /// The whole `${...}`, in bytes of the template text.
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Part {
    /// Policy text: wildcards active where the operator allows them.
    Text(String),
    /// A variable to substitute.
    Var(Variable),
    /// `${*}`, `${?}` or `${$}`: one literal character.
    Escaped(char),
}

/// Why a variable could not be resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum UnresolvedReason {
    /// The request has no such key.
    Absent,
    /// The key is present with no value.
    Empty,
    /// The key has several values; multivalued keys cannot be policy variables.
    MultiValued {
        /// How many values it has.
        count: usize,
    },
}

/// A variable that could not be resolved.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Unresolved {
    /// The key named by the variable.
    pub variable: String,
    /// The `${...}` text, in bytes of the template.
    pub span_in_template: Span,
    /// Why.
    pub reason: UnresolvedReason,
}

/// The result of substituting a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution<T> {
    /// Every variable had a value (or a default).
    Resolved(T),
    /// The first variable without a value and without a default.
    Unresolved(Unresolved),
}

impl<T> Resolution<T> {
    /// The resolved value, if any.
    pub fn resolved(self) -> Option<T> {
        match self {
            Resolution::Resolved(v) => Some(v),
            Resolution::Unresolved(_) => None,
        }
    }

    /// Maps the resolved value.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Resolution<U> {
        match self {
            Resolution::Resolved(v) => Resolution::Resolved(f(v)),
            Resolution::Unresolved(u) => Resolution::Unresolved(u),
        }
    }
}

/// A parsed template, ready to be substituted many times.
///
/// A template without variables precompiles its pattern and text, so resolving it is free.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Template {
    parts: Vec<Part>,
    static_pattern: Option<Pattern>,
    static_text: Option<String>,
}

impl Template {
    /// Parses policy text; `${...}` is recognised only in version 2012-10-17.
    pub fn parse(text: &str, version: PolicyVersion) -> Result<Template, TemplateError> {
        if !version.supports_variables() {
            return Ok(Template::from_parts(vec![Part::Text(text.to_string())]));
        }
        let mut parts = Vec::new();
        let mut i = 0;
        while let Some(off) = text.get(i..).and_then(|r| r.find("${")) {
            let start = i + off;
            if start > i {
                parts.push(Part::Text(text.get(i..start).unwrap_or("").to_string()));
            }
            let (part, end) = parse_variable(text, start)?;
            parts.push(part);
            i = end;
        }
        if i < text.len() {
            parts.push(Part::Text(text.get(i..).unwrap_or("").to_string()));
        }
        Ok(Template::from_parts(parts))
    }

    /// A template that is plain policy text (no substitution).
    pub fn text(text: &str) -> Template {
        Template::from_parts(vec![Part::Text(text.to_string())])
    }

    fn from_parts(parts: Vec<Part>) -> Template {
        let mut t = Template {
            parts,
            static_pattern: None,
            static_text: None,
        };
        if !t.has_variables() {
            t.static_pattern = Some(t.build_pattern(|_| None));
            t.static_text = Some(t.build_text(|_| None));
        }
        t
    }

    /// Whether the template has variables to substitute (escapes do not count).
    pub fn has_variables(&self) -> bool {
        self.parts.iter().any(|p| matches!(p, Part::Var(_)))
    }

    /// The variables, in order.
    pub fn variables(&self) -> impl Iterator<Item = &Variable> {
        self.parts.iter().filter_map(|p| match p {
            Part::Var(v) => Some(v),
            _ => None,
        })
    }

    /// The pattern with every variable a `*`: whatever the variables resolve to, the pattern
    /// [`Template::resolve_pattern`] gives matches no text this one does not (a substituted
    /// value is literal, and `*` matches any text). Without variables, the template's pattern.
    pub fn any_value_pattern(&self) -> Pattern {
        if let Some(p) = &self.static_pattern {
            return p.clone();
        }
        let mut b = Pattern::builder();
        for p in &self.parts {
            match p {
                Part::Text(t) => b.glob(t),
                Part::Escaped(c) => b.literal_char(*c),
                Part::Var(_) => b.glob("*"),
            };
        }
        b.build()
    }

    /// Substitutes into a [`Pattern`]: policy text keeps its wildcards, substituted values
    /// and escapes are literal.
    pub fn resolve_pattern(&self, ctx: &RequestContext) -> Resolution<Cow<'_, Pattern>> {
        if let Some(p) = &self.static_pattern {
            return Resolution::Resolved(Cow::Borrowed(p));
        }
        match self.first_unresolved(ctx) {
            Some(u) => Resolution::Unresolved(u),
            None => Resolution::Resolved(Cow::Owned(self.build_pattern(|v| value_of(v, ctx).ok()))),
        }
    }

    /// Substitutes into plain text, for operators without wildcards (`StringEquals`, ...).
    pub fn resolve_string(&self, ctx: &RequestContext) -> Resolution<Cow<'_, str>> {
        if let Some(s) = &self.static_text {
            return Resolution::Resolved(Cow::Borrowed(s));
        }
        match self.first_unresolved(ctx) {
            Some(u) => Resolution::Unresolved(u),
            None => Resolution::Resolved(Cow::Owned(self.build_text(|v| value_of(v, ctx).ok()))),
        }
    }

    /// Substitutes and matches in one step: `Resolved(hit)`, or `Unresolved` when a variable
    /// has no value (a `Resource` entry then matches nothing). Resources and `StringLike`
    /// compare case-sensitively, actions case-insensitively.
    pub fn matches(
        &self,
        text: &str,
        ctx: &RequestContext,
        case_insensitive: bool,
    ) -> Resolution<bool> {
        self.resolve_pattern(ctx)
            .map(|p| p.matches(text, case_insensitive))
    }

    fn first_unresolved(&self, ctx: &RequestContext) -> Option<Unresolved> {
        self.variables().find_map(|v| value_of(v, ctx).err())
    }

    fn build_pattern<'a>(&'a self, value: impl Fn(&'a Variable) -> Option<&'a str>) -> Pattern {
        let mut b = Pattern::builder();
        for p in &self.parts {
            match p {
                Part::Text(t) => b.glob(t),
                Part::Escaped(c) => b.literal_char(*c),
                Part::Var(v) => b.literal(value(v).unwrap_or("")),
            };
        }
        b.build()
    }

    fn build_text<'a>(&'a self, value: impl Fn(&'a Variable) -> Option<&'a str>) -> String {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Text(t) => out.push_str(t),
                Part::Escaped(c) => out.push(*c),
                Part::Var(v) => out.push_str(value(v).unwrap_or("")),
            }
        }
        out
    }
}

/// The value a variable takes in a context, or why it has none.
fn value_of<'a>(v: &'a Variable, ctx: &'a RequestContext) -> Result<&'a str, Unresolved> {
    let reason = match ctx.lookup(&v.key) {
        Lookup::Values(e) => match e.values.as_slice() {
            [only] => return Ok(only),
            many => UnresolvedReason::MultiValued { count: many.len() },
        },
        Lookup::Empty(_) => UnresolvedReason::Empty,
        Lookup::Absent => UnresolvedReason::Absent,
    };
    match &v.default {
        Some(d) => Ok(d),
        None => Err(Unresolved {
            variable: v.key.clone(),
            span_in_template: v.span,
            reason,
        }),
    }
}

/// Parses the `${...}` starting at byte `start`; returns the part and the end offset.
fn parse_variable(text: &str, start: usize) -> Result<(Part, usize), TemplateError> {
    let body_start = start + 2;
    let body = text.get(body_start..).unwrap_or("");
    let Some(key_end) = body.find([',', '}']) else {
        return Err(TemplateError {
            code: "unclosed-variable",
            message: "This policy variable has no closing \"}\".".to_string(),
            span: Span::new(start, text.len()),
        });
    };
    let key = body.get(..key_end).unwrap_or("").trim();
    let mut default = None;
    let end;
    if body.get(key_end..).is_some_and(|r| r.starts_with('}')) {
        end = body_start + key_end + 1;
    } else {
        // A default: `, 'value'` then `}`.
        let after_comma = body_start + key_end + 1;
        let rest = text.get(after_comma..).unwrap_or("");
        let quote = after_comma + (rest.len() - rest.trim_start().len());
        if !text.get(quote..).is_some_and(|r| r.starts_with('\'')) {
            return Err(TemplateError {
                code: "bad-default",
                message: "A policy variable's default value is written in single quotes: \
                          ${key, 'default'}."
                    .to_string(),
                span: Span::new(start, closing_or_end(text, start)),
            });
        }
        let value_start = quote + 1;
        let Some(len) = text.get(value_start..).and_then(|r| r.find('\'')) else {
            return Err(TemplateError {
                code: "unclosed-default",
                message: "This default value has no closing single quote.".to_string(),
                span: Span::new(quote, text.len()),
            });
        };
        default = Some(
            text.get(value_start..value_start + len)
                .unwrap_or("")
                .to_string(),
        );
        let after_quote = value_start + len + 1;
        let rest = text.get(after_quote..).unwrap_or("");
        let close = after_quote + (rest.len() - rest.trim_start().len());
        if !text.get(close..).is_some_and(|r| r.starts_with('}')) {
            return Err(TemplateError {
                code: "bad-default",
                message: "Nothing but \"}\" may follow a policy variable's default value."
                    .to_string(),
                span: Span::new(after_quote, closing_or_end(text, after_quote)),
            });
        }
        end = close + 1;
    }
    let span = Span::new(start, end);
    if key.is_empty() {
        return Err(TemplateError {
            code: "empty-variable",
            message: "This policy variable names no context key.".to_string(),
            span,
        });
    }
    let part = match key {
        "*" if default.is_none() => Part::Escaped('*'),
        "?" if default.is_none() => Part::Escaped('?'),
        "$" if default.is_none() => Part::Escaped('$'),
        _ => Part::Var(Variable {
            key: key.to_string(),
            default,
            span,
        }),
    };
    Ok((part, end))
}

/// The offset just past the next `}` at or after `from`, or the end of the text.
fn closing_or_end(text: &str, from: usize) -> usize {
    text.get(from..)
        .and_then(|r| r.find('}'))
        .map_or(text.len(), |i| from + i + 1)
}

/// Parses and substitutes a template into a pattern in one call.
pub fn substitute_pattern(
    template: &str,
    ctx: &RequestContext,
    version: PolicyVersion,
) -> Result<Resolution<Pattern>, TemplateError> {
    let t = Template::parse(template, version)?;
    Ok(t.resolve_pattern(ctx).map(Cow::into_owned))
}

/// Parses and substitutes a template into text in one call.
pub fn substitute_string(
    template: &str,
    ctx: &RequestContext,
    version: PolicyVersion,
) -> Result<Resolution<String>, TemplateError> {
    let t = Template::parse(template, version)?;
    Ok(t.resolve_string(ctx).map(Cow::into_owned))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::ContextKeyType;

    const V12: PolicyVersion = PolicyVersion::V2012_10_17;
    const V08: PolicyVersion = PolicyVersion::V2008_10_17;

    fn ctx() -> RequestContext {
        let mut c = RequestContext::new();
        c.set("aws:username", ContextKeyType::String, ["bob"]);
        c.set("aws:PrincipalTag/team", ContextKeyType::String, ["blue"]);
        c.set("aws:TagKeys", ContextKeyType::StringList, ["a", "b"]);
        c.set(
            "aws:SourceVpc",
            ContextKeyType::StringList,
            Vec::<String>::new(),
        );
        c.set("weird", ContextKeyType::String, ["a*b"]);
        c
    }

    fn text(t: &str) -> Resolution<String> {
        substitute_string(t, &ctx(), V12).unwrap()
    }

    #[test]
    fn substitutes_context_keys() {
        assert_eq!(
            text("arn:aws:s3:::bucket/${aws:username}/*"),
            Resolution::Resolved("arn:aws:s3:::bucket/bob/*".to_string())
        );
        assert_eq!(
            text("${aws:principaltag/TEAM}"),
            Resolution::Resolved("blue".into())
        );
    }

    #[test]
    fn version_2008_and_missing_are_literal() {
        let c = ctx();
        assert_eq!(
            substitute_string("home/${aws:username}", &c, V08).unwrap(),
            Resolution::Resolved("home/${aws:username}".to_string())
        );
        let p = substitute_pattern("home/${aws:username}", &c, V08)
            .unwrap()
            .resolved()
            .unwrap();
        assert!(p.matches("home/${aws:username}", false));
        assert!(!p.matches("home/bob", false));
        // A syntax error is no error in 2008: the text is just text.
        assert!(substitute_string("${unclosed", &c, V08).is_ok());
    }

    #[test]
    fn default_is_used_when_key_absent() {
        assert_eq!(
            text("${aws:PrincipalTag/dept, 'company-wide'}"),
            Resolution::Resolved("company-wide".into())
        );
        assert_eq!(
            text("${aws:PrincipalTag/team, 'x'}"),
            Resolution::Resolved("blue".into())
        );
        assert_eq!(
            text("${aws:PrincipalTag/dept,'x' }"),
            Resolution::Resolved("x".into())
        );
        assert_eq!(
            text("${aws:PrincipalTag/dept, ''}"),
            Resolution::Resolved(String::new())
        );
    }

    #[test]
    fn unresolved_variable_reports_key_and_span() {
        let r = text("a/${aws:userid}/b");
        assert_eq!(
            r,
            Resolution::Unresolved(Unresolved {
                variable: "aws:userid".to_string(),
                span_in_template: Span::new(2, 15),
                reason: UnresolvedReason::Absent,
            })
        );
    }

    #[test]
    fn multivalued_and_empty_keys_do_not_resolve() {
        match text("${aws:TagKeys}") {
            Resolution::Unresolved(u) => {
                assert_eq!(u.reason, UnresolvedReason::MultiValued { count: 2 })
            }
            other => panic!("{other:?}"),
        }
        match text("${aws:SourceVpc}") {
            Resolution::Unresolved(u) => assert_eq!(u.reason, UnresolvedReason::Empty),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            text("${aws:TagKeys, 'd'}"),
            Resolution::Resolved("d".into())
        );
    }

    #[test]
    fn escapes_are_literal_characters() {
        assert_eq!(
            text("a${*}b${?}c${$}d"),
            Resolution::Resolved("a*b?c$d".into())
        );
        let p = substitute_pattern("a${*}b", &ctx(), V12)
            .unwrap()
            .resolved()
            .unwrap();
        assert!(p.matches("a*b", false));
        assert!(!p.matches("axb", false));
    }

    #[test]
    fn substituted_values_are_literal_in_patterns() {
        let p = substitute_pattern("home/${weird}/*", &ctx(), V12)
            .unwrap()
            .resolved()
            .unwrap();
        assert!(p.matches("home/a*b/file", false));
        assert!(!p.matches("home/axxb/file", false));
    }

    #[test]
    fn syntax_errors_have_spans() {
        let c = ctx();
        let e = substitute_string("ab${aws:username", &c, V12).unwrap_err();
        assert_eq!(e.code, "unclosed-variable");
        assert_eq!(e.span, Span::new(2, 16));
        let e = substitute_string("${}", &c, V12).unwrap_err();
        assert_eq!(e.code, "empty-variable");
        assert_eq!(e.span, Span::new(0, 3));
        let e = substitute_string("${k, \"d\"}", &c, V12).unwrap_err();
        assert_eq!(e.code, "bad-default");
        assert_eq!(e.span, Span::new(0, 9));
        let e = substitute_string("x${k, 'd}", &c, V12).unwrap_err();
        assert_eq!(e.code, "unclosed-default");
        assert_eq!(e.span, Span::new(6, 9));
        let e = substitute_string("${k, 'd' x}", &c, V12).unwrap_err();
        assert_eq!(e.code, "bad-default");
        assert_eq!(e.span, Span::new(8, 11));
    }

    #[test]
    fn resource_entry_with_variable_matches_or_reports() {
        let t = Template::parse("arn:aws:s3:::b/home/${aws:username}/*", V12).unwrap();
        let c = ctx();
        assert_eq!(
            t.matches("arn:aws:s3:::b/home/bob/x", &c, false),
            Resolution::Resolved(true)
        );
        assert_eq!(
            t.matches("arn:aws:s3:::b/home/eve/x", &c, false),
            Resolution::Resolved(false)
        );
        // B4/B7: an unresolved variable means the entry matches nothing.
        let none = RequestContext::new();
        assert!(matches!(
            t.matches("arn:aws:s3:::b/home/bob/x", &none, false),
            Resolution::Unresolved(Unresolved {
                reason: UnresolvedReason::Absent,
                ..
            })
        ));
    }

    #[test]
    fn lone_dollar_and_brace_are_text() {
        assert_eq!(text("$5 {x} $"), Resolution::Resolved("$5 {x} $".into()));
    }

    #[test]
    fn static_templates_borrow() {
        let t = Template::parse("arn:aws:s3:::b/*", V12).unwrap();
        assert!(!t.has_variables());
        assert!(matches!(
            t.resolve_pattern(&ctx()),
            Resolution::Resolved(Cow::Borrowed(_))
        ));
        let t = Template::parse("${*}", V12).unwrap();
        assert!(!t.has_variables());
        let t = Template::parse("${aws:username}-${x, 'y'}", V12).unwrap();
        let keys: Vec<&str> = t.variables().map(|v| v.key.as_str()).collect();
        assert_eq!(keys, ["aws:username", "x"]);
    }

    #[test]
    fn variables_never_panic_on_odd_input() {
        for s in [
            "${",
            "${,",
            "${,'",
            "${a,'b'",
            "${a, 'b'}}",
            "$${a}",
            "${é, 'ü'}",
            "}${",
        ] {
            let _ = substitute_string(s, &ctx(), V12);
            let _ = substitute_pattern(s, &ctx(), V12);
        }
        assert_eq!(
            text("$${aws:username}"),
            Resolution::Resolved("$bob".into())
        );
    }
}
