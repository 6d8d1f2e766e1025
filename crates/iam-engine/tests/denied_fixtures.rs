//! Runs every AccessDenied decoder fixture under `tests/fixtures/denied/<group>/<case>.json`.
//!
//! A fixture holds `description`, `source` (the AWS page the wording or event shape comes
//! from), `input` (the text to paste; a JSON object stands for its pretty-printed text) and
//! either `expect` (the rebuilt request: `source`, `principal` {`arn`, `account`, `kind`,
//! `roleArn`, `sessionName`, `name`}, `action`, `resource`, `claimed` {`kind`, `layer`} and
//! `context` [{`key`, `type`, `values`}], absent fields meaning none) or `error`
//! (`messageContains`, `line`, `column`). Unknown fields are refused, so a misspelt
//! expectation cannot pass silently. The runner reports every failure at once.

// Test helpers may panic on broken fixtures: that is how they fail.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod json_files;
use json_files::fixture_files;

use std::path::Path;

use iam_engine::denied::{ClaimedReason, DeniedRequest, InputKind, parse_denied};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixture {
    #[allow(dead_code)]
    description: String,
    #[allow(dead_code)]
    source: String,
    input: serde_json::Value,
    #[serde(default)]
    expect: Option<Expected>,
    #[serde(default)]
    error: Option<ExpectedError>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    source: InputKind,
    principal: ExpectedPrincipal,
    action: String,
    #[serde(default)]
    resource: Option<String>,
    #[serde(default)]
    claimed: Option<ClaimedReason>,
    #[serde(default)]
    context: Vec<ExpectedContext>,
}

#[derive(Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ExpectedPrincipal {
    arn: String,
    #[serde(default)]
    account: Option<String>,
    kind: String,
    #[serde(default)]
    role_arn: Option<String>,
    #[serde(default)]
    session_name: Option<String>,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedContext {
    key: String,
    #[serde(rename = "type")]
    ty: String,
    values: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ExpectedError {
    message_contains: String,
    line: usize,
    column: usize,
}

fn check(expect: &Expected, got: &DeniedRequest) -> Vec<String> {
    let mut problems = Vec::new();
    if got.source != expect.source {
        problems.push(format!(
            "source: expected {:?}, got {:?}",
            expect.source, got.source
        ));
    }
    let principal: ExpectedPrincipal =
        serde_json::from_value(serde_json::to_value(&got.principal).unwrap()).unwrap();
    if principal != expect.principal {
        problems.push(format!(
            "principal: expected {:?}, got {principal:?}",
            expect.principal
        ));
    }
    if got.action != expect.action {
        problems.push(format!(
            "action: expected {}, got {}",
            expect.action, got.action
        ));
    }
    if got.resource != expect.resource {
        problems.push(format!(
            "resource: expected {:?}, got {:?}",
            expect.resource, got.resource
        ));
    }
    if got.claimed != expect.claimed {
        problems.push(format!(
            "claimed: expected {:?}, got {:?}",
            expect.claimed, got.claimed
        ));
    }
    let context: Vec<ExpectedContext> = got
        .context
        .iter()
        .map(|e| ExpectedContext {
            key: e.key.clone(),
            ty: serde_json::to_value(e.ty)
                .unwrap()
                .as_str()
                .unwrap()
                .to_string(),
            values: e.values.clone(),
        })
        .collect();
    if context != expect.context {
        problems.push(format!(
            "context: expected {:?}, got {context:?}",
            expect.context
        ));
    }
    problems
}

#[test]
fn denied_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/denied");
    let mut files = Vec::new();
    fixture_files(&root, &mut files);
    let mut failures = Vec::new();
    for file in &files {
        let name = file.strip_prefix(&root).unwrap().display().to_string();
        let text = std::fs::read_to_string(file).unwrap();
        let fixture: Fixture =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let input = match &fixture.input {
            serde_json::Value::String(s) => s.clone(),
            other => serde_json::to_string_pretty(other).unwrap(),
        };
        let got = parse_denied(&input);
        let problems = match (&fixture.expect, &fixture.error, &got) {
            (Some(expect), None, Ok(request)) => check(expect, request),
            (None, Some(want), Err(e)) => {
                let mut p = Vec::new();
                if !e.message.contains(&want.message_contains) {
                    p.push(format!(
                        "error: expected a message containing {:?}, got {:?}",
                        want.message_contains, e.message
                    ));
                }
                if (e.line, e.column) != (want.line, want.column) {
                    p.push(format!(
                        "error position: expected {}:{}, got {}:{} ({:?})",
                        want.line,
                        want.column,
                        e.line,
                        e.column,
                        e.span.slice(&input)
                    ));
                }
                p
            }
            (Some(_), None, Err(e)) => vec![format!("expected a request, got the error {e}")],
            (None, Some(_), Ok(r)) => vec![format!("expected an error, got {r:?}")],
            _ => vec!["a fixture needs exactly one of expect and error".to_string()],
        };
        if !problems.is_empty() {
            failures.push(format!("{name}:\n    {}", problems.join("\n    ")));
        }
    }
    println!("AccessDenied decoder fixtures: {} files", files.len());
    assert!(
        failures.is_empty(),
        "{} of {} fixtures failed:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
    assert!(files.len() >= 40, "fixtures missing: {}", files.len());
}

mod properties {
    use iam_engine::denied::parse_denied;
    use proptest::prelude::*;

    /// Pieces of the three input kinds, so random inputs reach deep into every reader.
    const PIECES: &[&str] = &[
        "User: ",
        "arn:aws:iam::111122223333:user/a",
        "arn:aws:sts::111122223333:assumed-role/R/s",
        " is not authorized to perform: ",
        "s3:GetObject",
        " on resource: ",
        "\"arn:aws:s3:::b/k\"",
        " because no ",
        "identity-based policy",
        " allows the s3:GetObject action",
        " with an explicit deny in a ",
        " with an implicit deny",
        ". Encoded authorization failure message: ",
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        "\"",
        "\\\"",
        "\"errorCode\": \"AccessDenied\"",
        "\"userIdentity\": {\"type\": \"IAMUser\", \"arn\": \"arn:aws:iam::111122223333:user/a\"}",
        "\"eventSource\": \"s3.amazonaws.com\"",
        "\"eventName\": \"GetObject\"",
        "\"DecodedMessage\": ",
        "\"Records\": ",
        "\"context\": {\"principal\": {\"arn\": \"x\"}}",
        "é",
        "\n",
        " ",
    ];

    proptest! {
        /// Whatever is pasted, the decoder answers with a request or an error whose span
        /// lies inside the input, and never panics.
        #[test]
        fn never_panics_and_errors_point_inside(picks in prop::collection::vec((0..PIECES.len(), any::<bool>(), any::<char>()), 0..40)) {
            let mut text = String::new();
            for (i, raw, c) in picks {
                if raw {
                    text.push(c);
                } else {
                    text.push_str(PIECES[i]);
                }
            }
            if let Err(e) = parse_denied(&text) {
                prop_assert!(e.span.end <= text.len());
                prop_assert!(text.is_char_boundary(e.span.start) && text.is_char_boundary(e.span.end));
                prop_assert!(e.line >= 1 && e.column >= 1);
                prop_assert!(!e.message.is_empty());
            }
        }
    }
}
