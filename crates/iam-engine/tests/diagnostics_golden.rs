//! Golden tests: the rendered diagnostics of each policy under `tests/fixtures/diagnostics/`
//! must equal the text in the `.expected` file beside it, spans and all.
//!
//! The policy type comes from the file name: `NAME.resource.json`, `NAME.trust.json`,
//! `NAME.scp.json`, `NAME.rcp.json`, `NAME.boundary.json`, `NAME.session.json`; otherwise an
//! identity policy. Set `BLESS=1` to write the current output as the expected text.

// Test and benchmark helpers may panic on broken fixtures: that is how they fail.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;

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
fn rendered_diagnostics_match_golden_files() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diagnostics");
    let bless = std::env::var_os("BLESS").is_some();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    let mut failures = Vec::new();
    for name in &names {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        let parsed = parse_policy(&text, policy_type(name));
        let rendered = render_all(&parsed.diagnostics, &text, name);
        let expected_path = dir.join(format!("{}.expected", name.trim_end_matches(".json")));
        if bless {
            std::fs::write(&expected_path, &rendered).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path)
            .unwrap_or_else(|_| panic!("missing {}; run with BLESS=1", expected_path.display()));
        if expected != rendered {
            failures.push(format!(
                "{name}:\n--- expected\n{expected}\n--- got\n{rendered}"
            ));
        }
    }
    println!("diagnostic goldens: {} files", names.len());
    assert!(names.len() >= 10);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
