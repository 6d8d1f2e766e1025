//! The change review (`diff`), natively: the 50-principal account the browser benchmark
//! compares (`e2e/compare.test.mjs`: `authorizationDetails(25, 24, 50)` against a copy with one
//! more statement in every customer-managed policy; goal in the analysis worker: under 1 s),
//! and ReadOnlyAccess against itself with one statement changed (goal: under 200 ms).
//!
//! Run with `cargo bench -p iam-engine --bench diff`. A plain `main` timed with
//! `std::time::Instant` that prints the numbers, and a digest of each answer (so a change that
//! should only make it quicker can show it answers the same); it asserts nothing about time.

// Benchmark helpers may panic on broken fixtures: that is how they fail.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::hint::black_box;
use std::time::Instant;

use iam_engine::catalog::{Catalog, ManagedPolicies};
use iam_engine::policy::PolicyType;
use iam_engine::scenario::Scenario;
use iam_engine::workbench::analysis::diff::{DiffReport, Verdict};
use iam_engine::workbench::{CompileCache, Workbench};
use serde_json::{Value, json};

#[path = "shared/e2e_account.rs"]
mod e2e_account;

const MANAGED: &str = include_str!("../../../static/data/managed-policies.txt");
const CATALOG: &str = include_str!("../../../static/data/iam-catalog.txt");

fn time<T>(runs: u32, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut last = f();
    let start = Instant::now();
    for _ in 0..runs {
        last = black_box(f());
    }
    (
        start.elapsed().as_secs_f64() * 1000.0 / f64::from(runs),
        last,
    )
}

/// FNV-1a of the report's JSON: equal digests, equal answers.
fn digest(report: &DiffReport) -> String {
    let text = serde_json::to_string(report).unwrap();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// The authorization details `text` with one more statement in every customer-managed policy
/// (`widened` of the journey).
fn widened(text: &str) -> String {
    let mut details: Value = serde_json::from_str(text).unwrap();
    for p in details["Policies"].as_array_mut().unwrap() {
        for v in p["PolicyVersionList"].as_array_mut().unwrap() {
            if v["IsDefaultVersion"] == json!(true) {
                v["Document"]["Statement"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({
                        "Effect": "Allow",
                        "Action": ["s3:PutObject", "sqs:SendMessage"],
                        "Resource": "arn:aws:s3:::releases/*"
                    }));
            }
        }
    }
    details.to_string()
}

fn import(text: &str) -> Scenario {
    iam_engine::import::detect_and_import(text, &Default::default())
        .unwrap()
        .scenario
}

fn main() {
    let managed = ManagedPolicies::parse(MANAGED).unwrap();
    let catalog = Catalog::parse(CATALOG).unwrap();

    // The browser benchmark's account and its edited copy.
    let text = e2e_account::authorization_details_seeded(25, 24, 50);
    let before = import(&text);
    let after = import(&widened(&text));
    let (ms, report) = time(3, || {
        let cache = CompileCache::new();
        Workbench::new(&before, &cache)
            .with_catalog(Some(&catalog))
            .with_managed(Some(&managed))
            .diff(&after)
    });
    println!(
        "diff of the browser benchmark's {}-principal account, every customer-managed policy widened: {ms:.0} ms from an empty compile cache (+{} -{} in {} principals, {} regions x {} contexts; answer {})",
        report.principals_considered,
        report.newly_allowed,
        report.newly_denied,
        report.changes.len(),
        report.regions.len(),
        report.contexts_considered,
        digest(&report)
    );
    let cache = CompileCache::new();
    let wb = Workbench::new(&before, &cache)
        .with_catalog(Some(&catalog))
        .with_managed(Some(&managed));
    let (ms, _) = time(3, || wb.diff(&after));
    println!("  again with the compile cache warm (as the worker's second comparison): {ms:.0} ms");

    // ReadOnlyAccess against itself with one statement changed.
    let read_only = managed.get("ReadOnlyAccess").unwrap().document.to_string();
    let mut changed: Value = serde_json::from_str(&read_only).unwrap();
    let actions = changed["Statement"][0]["Action"].as_array_mut().unwrap();
    let dropped = actions.remove(0);
    actions.push(json!("s3:PutObject"));
    let changed = changed.to_string();
    let empty = Scenario::new("111122223333");
    let (ms, d) = time(5, || {
        let cache = CompileCache::new();
        Workbench::new(&empty, &cache)
            .with_catalog(Some(&catalog))
            .with_managed(Some(&managed))
            .diff_documents(&read_only, &changed, PolicyType::Identity)
            .unwrap()
    });
    assert_eq!(d.verdict, Verdict::Incomparable);
    println!(
        "diff ReadOnlyAccess with {dropped} dropped and s3:PutObject added: {ms:.1} ms ({}: +{} -{} over {} actions x {} regions x {} contexts; answer {})",
        d.verdict.as_str(),
        d.report.newly_allowed,
        d.report.newly_denied,
        d.report.actions_considered,
        d.report.regions.len(),
        d.report.contexts_considered,
        digest(&d.report)
    );
}
