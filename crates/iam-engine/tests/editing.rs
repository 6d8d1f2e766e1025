//! Editor support against the committed action catalog, and properties over arbitrary input:
//! tokenizing, completing, formatting and visual edits never panic, and edits leave the text
//! outside the changed value byte-identical.

// Test helpers may panic on broken fixtures: that is how they fail.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::OnceLock;

use iam_engine::catalog::Catalog;
use iam_engine::editing::complete::{CompletionContext, ItemKind, complete, resource_formats};
use iam_engine::editing::edit::{ConditionRow, ListKind, add_statement, set_condition, set_list};
use iam_engine::editing::format::format_document;
use iam_engine::editing::tokens::tokenize;
use iam_engine::policy::Effect;
use proptest::prelude::*;

const CATALOG: &str = include_str!("../../../static/data/iam-catalog.txt");

fn catalog() -> &'static Catalog {
    static C: OnceLock<Catalog> = OnceLock::new();
    C.get_or_init(|| Catalog::parse(CATALOG).unwrap())
}

fn at(text_with_cursor: &str) -> (String, usize) {
    let offset = text_with_cursor.find('|').unwrap();
    (text_with_cursor.replacen('|', "", 1), offset)
}

#[test]
fn actions_are_suggested_with_their_access_level() {
    let (text, offset) = at(r#"{"Statement": [{"Effect": "Allow", "Action": "s3:GetObj|"#);
    let c = complete(&text, offset, Some(catalog()));
    assert_eq!(c.context, CompletionContext::Action);
    let first = c.items.first().unwrap();
    assert_eq!(first.label, "s3:GetObject");
    assert_eq!(first.detail, "Read");
    assert!(c.items.iter().all(|i| i.kind == ItemKind::Action));
    assert!(c.items.len() <= 50);
}

#[test]
fn resource_formats_follow_the_statement_actions() {
    let (text, offset) = at(
        r#"{"Statement": [{"Effect": "Allow", "Resource": ["|"], "Action": ["s3:GetObject"]}]}"#,
    );
    let c = complete(&text, offset, Some(catalog()));
    assert_eq!(c.context, CompletionContext::Resource);
    let labels: Vec<&str> = c.items.iter().map(|i| i.label.as_str()).collect();
    assert_eq!(labels.first(), Some(&"*"));
    assert!(
        labels.contains(&"arn:${Partition}:s3:::${BucketName}/${ObjectName}"),
        "{labels:?}"
    );
    // Wildcards expand; repeats are dropped.
    let formats = resource_formats(
        catalog(),
        &["s3:Get*".to_string(), "s3:GetObject".to_string()],
    );
    let mut arns: Vec<&str> = formats.iter().map(|f| f.arn.as_str()).collect();
    let before = arns.len();
    arns.dedup();
    assert_eq!(before, arns.len());
}

#[test]
fn condition_keys_include_the_action_keys_and_the_global_ones() {
    let (text, offset) =
        at(r#"{"Statement": [{"Action": "s3:GetObject", "Condition": {"StringEquals": {"s3:ex|"#);
    let c = complete(&text, offset, Some(catalog()));
    assert_eq!(c.context, CompletionContext::ConditionKey);
    assert!(
        c.items
            .iter()
            .any(|i| i.label == "s3:ExistingObjectTag/<key>"
                || i.label.starts_with("s3:ExistingObjectTag/"))
    );
    let (text, offset) = at(
        r#"{"Statement": [{"Action": "s3:GetObject", "Condition": {"IpAddress": {"aws:sourceip|"#,
    );
    let c = complete(&text, offset, Some(catalog()));
    assert_eq!(
        c.items.first().map(|i| i.label.as_str()),
        Some("aws:SourceIp")
    );
}

#[test]
fn edits_keep_a_seed_policy_byte_identical_outside_the_value() {
    let text = "{\n    \"Version\": \"2012-10-17\",\n    \"Statement\": [\n        {\n            \"Effect\": \"Allow\",\n            \"Action\": [\n                \"s3:GetObject\"\n            ],\n            \"Resource\": \"arn:aws:s3:::b/*\"\n        }\n    ]\n}";
    let items = vec!["s3:GetObject".to_string(), "s3:PutObject".to_string()];
    let out = set_list(text, 0, ListKind::Action, false, &items).unwrap();
    assert_eq!(
        out,
        text.replace(
            "\"s3:GetObject\"\n            ]",
            "\"s3:GetObject\",\n                \"s3:PutObject\"\n            ]"
        )
    );
    // The result is what format-document would write, so formatting changes nothing.
    assert_eq!(format_document(&out).unwrap(), out);
}

fn json_ish() -> impl Strategy<Value = String> {
    // Pieces of policies and JSON noise, glued together in any order.
    let piece = prop_oneof![
        Just("{".to_string()),
        Just("}".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just(",".to_string()),
        Just(":".to_string()),
        Just("\"".to_string()),
        Just("\\".to_string()),
        Just("\"Statement\"".to_string()),
        Just("\"Action\"".to_string()),
        Just("\"Resource\"".to_string()),
        Just("\"Condition\"".to_string()),
        Just("\"StringEquals\"".to_string()),
        Just("\"s3:Get\"".to_string()),
        Just("\n  ".to_string()),
        Just("é😀".to_string()),
        Just("/*".to_string()),
        "[a-zA-Z0-9:*\\- ]{0,6}",
        any::<char>().prop_map(|c| c.to_string()),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn nothing_panics_on_arbitrary_input(text in json_ish(), cursor in 0usize..200) {
        let tokens = tokenize(&text);
        // Tokens are in order, inside the text and on character boundaries.
        let mut last = 0;
        for t in &tokens {
            prop_assert!(t.span.start >= last && t.span.end <= text.len());
            prop_assert!(text.is_char_boundary(t.span.start) && text.is_char_boundary(t.span.end));
            last = t.span.end;
        }
        let c = complete(&text, cursor, Some(catalog()));
        prop_assert!(c.replace.end <= text.len());
        if let Ok(formatted) = format_document(&text) {
            prop_assert_eq!(format_document(&formatted).ok(), Some(formatted.clone()));
        }
        let _ = add_statement(&text);
        let _ = set_condition(&text, 0, &[ConditionRow {
            operator: "Bool".into(), key: "aws:SecureTransport".into(), values: vec!["true".into()],
        }]);
        let _ = iam_engine::editing::edit::set_effect(&text, 0, Effect::Deny);
        let _ = iam_engine::editing::edit::remove_statement(&text, 0);
    }

    #[test]
    fn list_edits_change_only_their_value(
        prefix in "[ \n]{0,3}",
        gap in "[ \n]{0,3}",
        items in prop::collection::vec("[a-z0-9]{1,5}:[A-Za-z*]{1,8}", 0..4),
    ) {
        let text = format!(
            "{prefix}{{\"Statement\": [{gap}{{\"Effect\":{gap}\"Allow\",{gap}\"Action\": [\"a:B\"],{gap}\"Resource\": \"*\"}}{gap}]}}"
        );
        let out = set_list(&text, 0, ListKind::Action, false, &items).unwrap();
        let start = text.find("[\"a:B\"]").unwrap();
        let end = start + "[\"a:B\"]".len();
        prop_assert_eq!(&out[..start], &text[..start]);
        prop_assert!(out.ends_with(&text[end..]));
        // The result is still a valid policy whose Action is the new list.
        let parsed = iam_engine::policy::parse_policy(&out, iam_engine::policy::PolicyType::Identity);
        let action = parsed.document.statements[0].action.as_ref().unwrap();
        let got: Vec<&str> = action.items.iter().map(|i| i.value.as_str()).collect();
        let want: Vec<&str> = items.iter().map(String::as_str).collect();
        prop_assert_eq!(got, want);
    }
}
