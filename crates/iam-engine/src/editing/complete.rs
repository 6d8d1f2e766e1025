//! Autocomplete: what to suggest at a cursor offset in a policy text.
//!
//! [`context_at`] reads the tokens before the cursor (tolerantly: the text may be half typed)
//! and keeps a stack of the objects and arrays it is inside, with the key each object is
//! currently giving a value for. That path (`Statement` › `Condition` › `StringEquals`) and
//! whether the cursor sits on a key or a value decide the [`CompletionContext`]. [`complete`]
//! then asks the action catalog: actions with their access level for `Action`, the ARN
//! formats of the statement's actions for `Resource`, the operators for a `Condition` key,
//! the global keys plus the keys of the statement's actions inside an operator block.
//!
//! Suggestions replace the whole string the cursor is in (its content, quotes kept), or are
//! inserted at the cursor with their quotes when the cursor is outside a string.

use serde::Serialize;

use super::floor_char_boundary;
use super::tokens::{Token, TokenKind, string_content, tokenize};
use crate::catalog::Catalog;
use crate::condition::BaseOperator;
use crate::policy::{PolicyType, STATEMENT_ELEMENTS, TOP_ELEMENTS, parse_policy};
use crate::span::Span;

/// The most suggestions returned at once.
pub const MAX_ITEMS: usize = 50;

/// How far past the cursor the tokenizer looks (to see whether the string under the cursor is
/// a key, i.e. followed by a colon), so a completion in a huge text stays cheap.
const LOOKAHEAD: usize = 256;

/// Where the cursor is, in policy terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum CompletionContext {
    /// A key of the policy object (`Version`, `Id`, `Statement`).
    TopKey,
    /// A key of a statement (`Sid`, `Effect`, `Action`, ...).
    StatementKey,
    /// A key of a `Principal` map (`AWS`, `Service`, ...).
    PrincipalKey,
    /// The value of `Version`.
    Version,
    /// The value of `Effect`.
    Effect,
    /// A value of `Action` or `NotAction`.
    Action,
    /// A value of `Resource` or `NotResource`.
    Resource,
    /// A key of the `Condition` block: an operator.
    ConditionOperator,
    /// A key inside an operator block: a condition key.
    ConditionKey,
    /// Nothing to suggest here.
    None,
}

/// What a suggestion is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ItemKind {
    /// A policy element name.
    Element,
    /// A fixed value (`Allow`, `2012-10-17`).
    Value,
    /// A service prefix (`s3:`), to narrow the action list.
    Service,
    /// An action.
    Action,
    /// A resource ARN format.
    ResourceFormat,
    /// A condition operator.
    Operator,
    /// A condition key.
    ConditionKey,
}

/// One suggestion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CompletionItem {
    /// What the list shows (`s3:GetObject`).
    pub label: String,
    /// The text that replaces [`Completion::replace`].
    pub insert: String,
    /// A short note shown beside the label (the access level, the resource type).
    pub detail: String,
    /// What it is.
    pub kind: ItemKind,
}

/// The suggestions at one cursor position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Completion {
    /// Where the cursor is.
    pub context: CompletionContext,
    /// The bytes an accepted suggestion replaces.
    pub replace: Span,
    /// What the user typed so far (the string content before the cursor).
    pub query: String,
    /// Best first, at most [`MAX_ITEMS`].
    pub items: Vec<CompletionItem>,
}

enum Frame {
    Object {
        key: Option<String>,
        after_colon: bool,
    },
    Array,
}

/// The context at byte `offset`, and the string token the cursor is inside, if any.
pub fn context_at(text: &str, offset: usize) -> (CompletionContext, Option<Token>) {
    let offset = floor_char_boundary(text, offset);
    let window_end = floor_char_boundary(text, offset.saturating_add(LOOKAHEAD));
    let window = text.get(..window_end).unwrap_or(text);
    let tokens = tokenize(window);
    let mut stack: Vec<Frame> = Vec::new();
    let mut cursor: Option<Token> = None;
    for token in &tokens {
        let is_string = matches!(token.kind, TokenKind::String | TokenKind::Key);
        if is_string
            && token.span.start < offset
            && (offset < token.span.end || (token.unterminated && offset == token.span.end))
        {
            cursor = Some(*token);
            break;
        }
        if token.span.end > offset {
            break;
        }
        match (token.kind, token.span.slice(window)) {
            (TokenKind::Punctuation, "{") => stack.push(Frame::Object {
                key: None,
                after_colon: false,
            }),
            (TokenKind::Punctuation, "[") => stack.push(Frame::Array),
            (TokenKind::Punctuation, "}" | "]") => {
                stack.pop();
            }
            (TokenKind::Punctuation, ":") => {
                if let Some(Frame::Object { after_colon, .. }) = stack.last_mut() {
                    *after_colon = true;
                }
            }
            (TokenKind::Punctuation, ",") => {
                if let Some(Frame::Object { key, after_colon }) = stack.last_mut() {
                    *key = None;
                    *after_colon = false;
                }
            }
            (TokenKind::Key | TokenKind::String, _) => {
                if let Some(Frame::Object { key, after_colon }) = stack.last_mut()
                    && !*after_colon
                {
                    *key = Some(string_content(window, token, token.span.end));
                }
            }
            _ => {}
        }
    }
    (classify(&stack), cursor)
}

/// Maps the container stack to a context.
fn classify(stack: &[Frame]) -> CompletionContext {
    let key_position = matches!(
        stack.last(),
        Some(Frame::Object {
            after_colon: false,
            ..
        })
    );
    let objects = stack
        .iter()
        .filter(|f| matches!(f, Frame::Object { .. }))
        .count();
    // The keys the cursor is nested under, outermost first.
    let mut path: Vec<&str> = Vec::new();
    let open = if key_position {
        stack.len().saturating_sub(1)
    } else {
        stack.len()
    };
    for frame in stack.iter().take(open) {
        if let Frame::Object {
            key: Some(key),
            after_colon: true,
        } = frame
        {
            path.push(key);
        }
    }
    // An object frame in value position without a key cannot be placed; say nothing.
    let expected_objects = if key_position {
        path.len() + 1
    } else {
        path.len()
    };
    if objects != expected_objects {
        return CompletionContext::None;
    }
    match (key_position, path.as_slice()) {
        (true, []) => CompletionContext::TopKey,
        (true, ["Statement"]) => CompletionContext::StatementKey,
        (true, ["Statement", "Principal" | "NotPrincipal"]) => CompletionContext::PrincipalKey,
        (true, ["Statement", "Condition"]) => CompletionContext::ConditionOperator,
        (true, ["Statement", "Condition", _]) => CompletionContext::ConditionKey,
        (false, ["Version"]) => CompletionContext::Version,
        (false, ["Statement", "Effect"]) => CompletionContext::Effect,
        (false, ["Statement", "Action" | "NotAction"]) => CompletionContext::Action,
        (false, ["Statement", "Resource" | "NotResource"]) => CompletionContext::Resource,
        _ => CompletionContext::None,
    }
}

/// The suggestions at byte `offset` of `text`. Without a catalog, actions, resource formats
/// and condition keys are not suggested (everything else is). Never fails and never panics.
pub fn complete(text: &str, offset: usize, catalog: Option<&Catalog>) -> Completion {
    let offset = floor_char_boundary(text, offset);
    let (context, cursor) = context_at(text, offset);
    let (replace, query, quoted) = match &cursor {
        Some(token) => {
            let inner_end = if token.unterminated {
                token.span.end
            } else {
                token.span.end.saturating_sub(1)
            };
            (
                Span::new(token.span.start + 1, inner_end.max(token.span.start + 1)),
                string_content(text, token, offset),
                false,
            )
        }
        None => (Span::point(offset), String::new(), true),
    };
    let key_context = matches!(
        context,
        CompletionContext::TopKey
            | CompletionContext::StatementKey
            | CompletionContext::PrincipalKey
            | CompletionContext::ConditionOperator
            | CompletionContext::ConditionKey
    );
    let mut items = match &context {
        CompletionContext::TopKey => fixed(TOP_ELEMENTS, ItemKind::Element),
        CompletionContext::StatementKey => fixed(STATEMENT_ELEMENTS, ItemKind::Element),
        CompletionContext::PrincipalKey => fixed(
            &["AWS", "Service", "Federated", "CanonicalUser"],
            ItemKind::Element,
        ),
        CompletionContext::Version => fixed(&["2012-10-17"], ItemKind::Value),
        CompletionContext::Effect => fixed(&["Allow", "Deny"], ItemKind::Value),
        CompletionContext::Action => catalog.map_or_else(Vec::new, |c| action_items(c, &query)),
        CompletionContext::Resource => catalog.map_or_else(Vec::new, |c| {
            let actions = statement_actions(text, offset);
            resource_formats(c, &actions)
                .into_iter()
                .map(|f| CompletionItem {
                    insert: f.arn.clone(),
                    label: f.arn,
                    detail: format!("{} {}", f.service, f.resource_type),
                    kind: ItemKind::ResourceFormat,
                })
                .collect()
        }),
        CompletionContext::ConditionOperator => operator_names()
            .into_iter()
            .map(|name| CompletionItem {
                insert: name.clone(),
                label: name,
                detail: String::new(),
                kind: ItemKind::Operator,
            })
            .collect(),
        CompletionContext::ConditionKey => catalog.map_or_else(Vec::new, |c| {
            let actions = statement_actions(text, offset);
            condition_key_items(c, &actions)
        }),
        CompletionContext::None => Vec::new(),
    };
    // Actions are already ranked by the catalog's search; the rest are filtered here.
    if context != CompletionContext::Action {
        items = rank(items, &query);
    }
    items.truncate(MAX_ITEMS);
    if quoted {
        for item in &mut items {
            item.insert = match serde_json::to_string(&item.insert) {
                Ok(quoted) if key_context => format!("{quoted}: "),
                Ok(quoted) => quoted,
                Err(_) => item.insert.clone(),
            };
        }
    }
    Completion {
        context,
        replace,
        query,
        items,
    }
}

fn fixed(names: &[&str], kind: ItemKind) -> Vec<CompletionItem> {
    names
        .iter()
        .map(|n| CompletionItem {
            label: (*n).to_string(),
            insert: (*n).to_string(),
            detail: String::new(),
            kind,
        })
        .collect()
}

/// Keeps the items whose label contains the query (case-insensitively), those starting with
/// it first; the order is otherwise kept.
fn rank(items: Vec<CompletionItem>, query: &str) -> Vec<CompletionItem> {
    let q = query.to_ascii_lowercase();
    if q.is_empty() {
        return items;
    }
    let mut hits: Vec<(u8, CompletionItem)> = items
        .into_iter()
        .filter_map(|item| {
            let label = item.label.to_ascii_lowercase();
            let tier = if label.starts_with(&q) {
                0
            } else if label
                .split_once(':')
                .is_some_and(|(_, rest)| rest.starts_with(&q))
            {
                1
            } else if label.contains(&q) {
                2
            } else {
                return None;
            };
            Some((tier, item))
        })
        .collect();
    hits.sort_by_key(|(tier, _)| *tier);
    hits.into_iter().map(|(_, item)| item).collect()
}

/// Action suggestions for what was typed: service prefixes while nothing is typed, else the
/// catalog's ranked search, each with its access level.
pub fn action_items(catalog: &Catalog, query: &str) -> Vec<CompletionItem> {
    if query.trim().is_empty() {
        return catalog
            .services()
            .take(MAX_ITEMS)
            .map(|s| CompletionItem {
                label: format!("{}:", s.prefix()),
                insert: format!("{}:", s.prefix()),
                detail: s.name().to_string(),
                kind: ItemKind::Service,
            })
            .collect();
    }
    catalog
        .search_actions(query, MAX_ITEMS)
        .into_iter()
        .map(|a| CompletionItem {
            label: a.full_name(),
            insert: a.full_name(),
            detail: a.access_level().as_str().to_string(),
            kind: ItemKind::Action,
        })
        .collect()
}

/// Every condition operator name: each base operator, then its `IfExists` form. The set
/// qualifiers (`ForAllValues:`, `ForAnyValue:`) are offered as prefixes of the string ones.
pub fn operator_names() -> Vec<String> {
    let mut names: Vec<String> = BaseOperator::ALL
        .iter()
        .map(|op| op.name().to_string())
        .collect();
    names.extend(
        BaseOperator::ALL
            .iter()
            .filter(|op| **op != BaseOperator::Null)
            .map(|op| format!("{}IfExists", op.name())),
    );
    for qualifier in ["ForAnyValue", "ForAllValues"] {
        names.extend(
            [
                "StringEquals",
                "StringLike",
                "StringNotEquals",
                "StringNotLike",
                "StringEqualsIgnoreCase",
                "ArnLike",
                "ArnEquals",
            ]
            .iter()
            .map(|op| format!("{qualifier}:{op}")),
        );
    }
    names
}

/// One ARN format an action accepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResourceFormat {
    /// The ARN format with placeholders (`arn:${Partition}:s3:::${BucketName}/${ObjectName}`).
    pub arn: String,
    /// The resource type (`object`).
    pub resource_type: String,
    /// The service prefix (`s3`).
    pub service: String,
}

/// The ARN formats the given actions accept (wildcards expanded, at most [`MAX_ITEMS`]
/// formats), without repeats; `*` comes first, since it is always valid and the only choice
/// for actions without resource types.
pub fn resource_formats(catalog: &Catalog, actions: &[String]) -> Vec<ResourceFormat> {
    let mut out = vec![ResourceFormat {
        arn: "*".to_string(),
        resource_type: "all resources".to_string(),
        service: String::new(),
    }];
    for pattern in actions {
        let matched = catalog.expand(pattern);
        for action in matched.iter().take(200) {
            for resource in action.resource_types() {
                let rt = resource.resource_type();
                let arn = rt.arn_pattern();
                if arn.is_empty() || out.iter().any(|f| f.arn == arn) {
                    continue;
                }
                out.push(ResourceFormat {
                    arn: arn.to_string(),
                    resource_type: rt.name().to_string(),
                    service: rt.service().prefix().to_string(),
                });
                if out.len() >= MAX_ITEMS {
                    return out;
                }
            }
        }
    }
    out
}

/// Condition keys for a statement with these actions: the keys of the actions (and of their
/// resource types) first, then the global keys.
pub fn condition_key_items(catalog: &Catalog, actions: &[String]) -> Vec<CompletionItem> {
    let mut out: Vec<CompletionItem> = Vec::new();
    let mut push = |name: &str, detail: String| {
        if !out.iter().any(|i| i.label == name) {
            out.push(CompletionItem {
                label: name.to_string(),
                insert: name.to_string(),
                detail,
                kind: ItemKind::ConditionKey,
            });
        }
    };
    for pattern in actions {
        for action in catalog.expand(pattern).iter().take(200) {
            for key in action.all_condition_keys() {
                push(key.name(), key.key_type().to_aws());
            }
        }
    }
    for key in catalog.global_condition_keys() {
        push(key.name(), key.key_type().to_aws());
    }
    out
}

/// The `Action` entries of the statement around `offset` (empty for `NotAction` or when the
/// text has no statement there).
pub fn statement_actions(text: &str, offset: usize) -> Vec<String> {
    let parsed = parse_policy(text, PolicyType::Identity);
    parsed
        .document
        .statements
        .iter()
        .find(|s| s.span.start <= offset && offset <= s.span.end)
        .and_then(|s| s.action.as_ref())
        .filter(|a| !a.negated)
        .map(|a| a.items.iter().map(|i| i.value.clone()).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `|` marks the cursor.
    fn at(text_with_cursor: &str) -> (String, usize) {
        let offset = text_with_cursor.find('|').unwrap_or(0);
        (text_with_cursor.replacen('|', "", 1), offset)
    }

    fn context(text_with_cursor: &str) -> CompletionContext {
        let (text, offset) = at(text_with_cursor);
        context_at(&text, offset).0
    }

    #[test]
    fn contexts_follow_the_policy_grammar() {
        use CompletionContext::*;
        assert_eq!(context(r#"{"|"#), TopKey);
        assert_eq!(context(r#"{"Version": "|"#), Version);
        assert_eq!(context(r#"{"Statement": [{"|"#), StatementKey);
        assert_eq!(
            context(r#"{"Statement": {"Eff|ect": "Allow"}}"#),
            StatementKey
        );
        assert_eq!(context(r#"{"Statement": [{"Effect": "Al|"#), Effect);
        assert_eq!(context(r#"{"Statement": [{"Action": "s3:Get|"#), Action);
        assert_eq!(
            context(r#"{"Statement": [{"Action": ["s3:GetObject", "s3:Put|"]}]}"#),
            Action
        );
        assert_eq!(
            context(r#"{"Statement": [{"Effect": "Allow"}, {"NotResource": ["|"]}]}"#),
            Resource
        );
        assert_eq!(
            context(r#"{"Statement": [{"Condition": {"Str|"#),
            ConditionOperator
        );
        assert_eq!(
            context(r#"{"Statement": [{"Condition": {"StringEquals": {"aws:|"#),
            ConditionKey
        );
        assert_eq!(context(r#"{"Statement": [{"Principal": {"|"#), PrincipalKey);
        assert_eq!(
            context(r#"{"Statement": [{"Condition": {"StringEquals": {"k": "|"#),
            None
        );
        assert_eq!(context(r#"{"Statement": [{"Sid": "|"#), None);
        assert_eq!(context("|"), None);
    }

    #[test]
    fn effect_completion_replaces_the_string_content() {
        let (text, offset) = at(r#"{"Statement": [{"Effect": "Al|low"}]}"#);
        let c = complete(&text, offset, None);
        assert_eq!(c.context, CompletionContext::Effect);
        assert_eq!(c.query, "Al");
        assert_eq!(c.replace.slice(&text), "Allow");
        let labels: Vec<&str> = c.items.iter().map(|i| i.label.as_str()).collect();
        assert_eq!(labels, vec!["Allow"]);
    }

    #[test]
    fn keys_outside_a_string_are_inserted_quoted_with_a_colon() {
        let (text, offset) = at("{\"Statement\": [{\n  |\n}]}");
        let c = complete(&text, offset, None);
        assert_eq!(c.context, CompletionContext::StatementKey);
        assert_eq!(c.replace, Span::point(offset));
        assert!(c.items.iter().any(|i| i.insert == "\"Effect\": "));
    }

    #[test]
    fn operators_are_filtered_by_what_was_typed() {
        let (text, offset) = at(r#"{"Statement": [{"Condition": {"ipadd|"#);
        let c = complete(&text, offset, None);
        let labels: Vec<&str> = c.items.iter().map(|i| i.label.as_str()).collect();
        assert_eq!(
            labels,
            vec![
                "IpAddress",
                "IpAddressIfExists",
                "NotIpAddress",
                "NotIpAddressIfExists"
            ]
        );
    }

    #[test]
    fn completion_never_panics_at_any_offset_of_odd_text() {
        let text = "{\"Statement\": [{\"Action\": \"é😀\\u00\", \"Condition\": {\"x\": {";
        for offset in 0..=text.len() + 2 {
            let _ = complete(text, offset, None);
        }
    }
}
