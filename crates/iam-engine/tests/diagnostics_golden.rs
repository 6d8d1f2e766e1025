//! Snapshot tests: the rendered diagnostics of each policy under `tests/fixtures/diagnostics/`
//! must equal its insta snapshot in `tests/snapshots/`, spans and all.
//!
//! The policy type comes from the file name: `NAME.resource.json`, `NAME.trust.json`,
//! `NAME.scp.json`, `NAME.rcp.json`, `NAME.boundary.json`, `NAME.session.json`; otherwise an
//! identity policy. After a deliberate change, `cargo insta review` (or `INSTA_UPDATE=always`)
//! writes the new output; review the diff before committing. Under `CI` a mismatch fails and
//! nothing is written.

// Test and benchmark helpers may panic on broken fixtures: that is how they fail.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use iam_engine::diagnostic::render_all;
use iam_engine::policy::{PolicyType, parse_policy};

fn policy_type(name: &str) -> PolicyType {
    let stem = name.trim_end_matches(".json");
    match stem.rsplit('.').next() {
        Some("resource") => PolicyType::Resource,
        Some("trust") => PolicyType::Trust,
        Some("scp") => PolicyType::Scp,
        Some("rcp") => PolicyType::Rcp,
        Some("boundary") => PolicyType::PermissionsBoundary,
        Some("session") => PolicyType::Session,
        _ => PolicyType::Identity,
    }
}

#[test]
fn rendered_diagnostics_match_snapshots() {
    let mut count = 0;
    insta::glob!("fixtures/diagnostics/*.json", |path| {
        let name = path.file_name().unwrap().to_str().unwrap();
        let text = std::fs::read_to_string(path).unwrap();
        let parsed = parse_policy(&text, policy_type(name));
        insta::assert_snapshot!(render_all(&parsed.diagnostics, &text, name));
        count += 1;
    });
    println!("diagnostic snapshots: {count} files");
    assert!(count >= 10, "only {count} diagnostic fixtures found");
}
