//! `iam-playground test --format junit`: JUnit XML on standard output, byte-compared with a
//! golden file (`BLESS=1 cargo test -p iam-playground --test junit` rewrites it), and a failing
//! saved test as a `<failure>` with the expected and actual decisions and the reason.

// Test helpers may panic on broken fixtures: that is how they fail.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::path::Path;

use common::{SEED, bin};
use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::Value;

/// The seed scenario with its second test expecting the wrong decision, under a label that
/// needs escaping in XML, written to a temporary file.
fn failing_scenario(name: &str) -> std::path::PathBuf {
    let mut scenario: Value =
        serde_json::from_str(&std::fs::read_to_string(SEED).unwrap()).unwrap();
    scenario["tests"][1]["expected"] = Value::from("implicitDeny");
    scenario["tests"][1]["label"] = Value::from(r#"admin <may not> create "users" & ]]> more"#);
    let dir = std::env::temp_dir().join(format!("iam-junit-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("scenario.json");
    std::fs::write(&file, scenario.to_string()).unwrap();
    file
}

#[test]
fn junit_of_a_failing_run_matches_the_golden_file() {
    let file = failing_scenario("golden");
    let out = bin()
        .args(["test", "--format", "junit", file.to_str().unwrap()])
        .output()
        .unwrap();
    std::fs::remove_dir_all(file.parent().unwrap()).unwrap();
    assert_eq!(out.status.code(), Some(1));
    let xml = String::from_utf8(out.stdout).unwrap();
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/junit/seed-one-failing.xml");
    if std::env::var_os("BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &xml).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        expected == xml,
        "the JUnit XML differs from {} (BLESS=1 rewrites it):\n{xml}",
        path.display()
    );
}

/// The `failure` elements of a JUnit document: (testcase name, message, text).
fn failures(xml: &str) -> Vec<(String, String, String)> {
    let mut reader = Reader::from_str(xml);
    let mut out = Vec::new();
    let mut case = String::new();
    let mut open: Option<(String, String)> = None;
    let mut text = String::new();
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == b"testcase" => {
                let name = e.try_get_attribute("name").unwrap().unwrap();
                case = name.unescape_value().unwrap().into_owned();
            }
            Event::Start(e) if e.name().as_ref() == b"failure" => {
                let m = e.try_get_attribute("message").unwrap().unwrap();
                open = Some((case.clone(), m.unescape_value().unwrap().into_owned()));
                text.clear();
            }
            Event::Text(t) if open.is_some() => {
                text.push_str(&quick_xml::escape::unescape(&t.decode().unwrap()).unwrap());
            }
            Event::CData(t) if open.is_some() => {
                text.push_str(std::str::from_utf8(&t.into_inner()).unwrap());
            }
            Event::End(e) if e.name().as_ref() == b"failure" => {
                if let Some((c, m)) = open.take() {
                    out.push((c, m, text.clone()));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

#[test]
fn a_failing_saved_test_is_a_failure_with_both_decisions_and_the_reason() {
    let file = failing_scenario("failure");
    let out = bin()
        .args(["test", "--format", "junit", file.to_str().unwrap()])
        .output()
        .unwrap();
    std::fs::remove_dir_all(file.parent().unwrap()).unwrap();
    let xml = String::from_utf8(out.stdout).unwrap();
    let found = failures(&xml);
    assert_eq!(found.len(), 1, "{xml}");
    let (case, message, text) = &found[0];
    assert_eq!(case, r#"admin <may not> create "users" & ]]> more"#);
    assert_eq!(message, "expected implicitDeny, got allowed");
    assert!(text.contains("expected: implicitDeny"), "{text}");
    assert!(text.contains("actual: allowed"), "{text}");
    assert!(text.contains("reason: Allowed"), "{text}");

    // The near miss: the seed as it is passes, and the XML has no failure at all.
    let out = bin()
        .args(["test", "--format", "junit", SEED])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let xml = String::from_utf8(out.stdout).unwrap();
    assert!(failures(&xml).is_empty(), "{xml}");
    assert!(
        xml.contains("<testcase name=\"admin may create other users\""),
        "{xml}"
    );
}
