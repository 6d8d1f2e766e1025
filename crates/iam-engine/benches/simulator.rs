//! The simulator's bulk work, natively: its opening on the real-account journey's L account
//! (the context keys and the answer, with a fresh compile cache), re-running every saved test
//! of a 10-user scenario (what the app does after each keystroke) and the access matrix of 25
//! principals × every action of the catalog.
//!
//! Run with `cargo bench -p iam-engine --bench simulator`. A plain `main` timed with
//! `std::time::Instant` that prints the numbers; it asserts nothing about time. With
//! `MATRIX_ROWS=1` it also prints each matrix row's preparation and decision times. The browser
//! numbers come from `scripts/bench-browser.sh`.

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
use iam_engine::scenario::Scenario;
use iam_engine::workbench::matrix::{compute_matrix, matrix_principals};
use iam_engine::workbench::simulate::run_tests;
use iam_engine::workbench::test_runs::TestRunCache;

const CATALOG: &str = include_str!("../../../static/data/iam-catalog.txt");
const MANAGED: &str = include_str!("../../../static/data/managed-policies.txt");

#[path = "shared/bench_scenario.rs"]
mod bench_scenario;
use bench_scenario::{keystroke, scenario};

#[path = "shared/e2e_account.rs"]
mod e2e_account;

fn main() {
    // One compile cache for the whole run, as the app keeps one for the page.
    let compiled = iam_engine::workbench::CompileCache::new();
    let catalog = Catalog::parse(CATALOG).unwrap();
    let managed = ManagedPolicies::parse(MANAGED).unwrap();

    opening_on_the_real_account(&catalog, &managed);

    let ten = scenario(10, 0);
    let outcomes = run_tests(&ten, Some(&managed), &compiled);
    assert!(
        outcomes.iter().all(|o| o.passed),
        "the fixture's tests pass"
    );
    let runs = 20;
    let start = Instant::now();
    for _ in 0..runs {
        black_box(run_tests(black_box(&ten), Some(&managed), &compiled));
    }
    let per = start.elapsed().as_secs_f64() * 1000.0 / f64::from(runs);
    println!(
        "saved tests, full run: {} tests of a 10-user scenario in {per:.2} ms",
        ten.tests.len()
    );
    // After a keystroke: the incremental run, the Developers group's policy changed each time.
    let mut cache = TestRunCache::new();
    let mut edited = ten.clone();
    cache.run(&edited, Some(&managed), &compiled);
    let mut evaluated = 0;
    let start = Instant::now();
    for k in 0..runs {
        keystroke(&mut edited, k);
        evaluated = black_box(cache.run(black_box(&edited), Some(&managed), &compiled)).1;
    }
    let per = start.elapsed().as_secs_f64() * 1000.0 / f64::from(runs);
    println!(
        "saved tests after a keystroke: all {} tests re-checked, {evaluated} re-evaluated, in {per:.2} ms",
        edited.tests.len()
    );

    let big = scenario(20, 4);
    let principals = matrix_principals(&big);
    let actions: Vec<String> = catalog.actions().map(|a| a.full_name()).collect();
    // The machine may be shared: the fastest of a few runs is the cost, the median shows the
    // noise.
    let mut times = Vec::new();
    let mut m = compute_matrix(
        &big,
        Some(&managed),
        &compiled,
        &principals,
        &actions,
        "*",
        true,
    );
    for _ in 0..7 {
        let start = Instant::now();
        m = black_box(compute_matrix(
            black_box(&big),
            Some(&managed),
            &compiled,
            &principals,
            &actions,
            "*",
            true,
        ));
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let ms = times[0];
    let median = times[times.len() / 2];
    if std::env::var_os("MATRIX_ROWS").is_some() {
        per_row(&big, &managed, &actions);
    }
    let (a, e, i) = m.counts();
    let c = m.conditional.len();
    println!(
        "access matrix: {} principals x {} actions = {} cells in {ms:.1} ms (median {median:.1} ms; {a} allowed, {e} explicit deny, {i} implicit deny, {c} conditional)",
        principals.len(),
        actions.len(),
        m.cells.len()
    );

    // The same account under a Region guardrail: every cell the principals' policies allow
    // depends on aws:RequestedRegion, which a cell's request leaves open (the conditional
    // check's worst case: each such cell is decided once per region of the key).
    let mut guarded = big.clone();
    guarded.organization = Some(iam_engine::scenario::Organization {
        management_account: false,
        levels: vec![iam_engine::scenario::OrgLevel {
            name: "Root".into(),
            scps: vec![iam_engine::scenario::OrgPolicy {
                name: "Regions".into(),
                document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","NotAction":["iam:*","sts:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1","eu-central-1"]}}}]}"#.into(),
            }],
            rcps: Vec::new(),
        }],
    });
    let mut times = Vec::new();
    for _ in 0..3 {
        let start = Instant::now();
        m = black_box(compute_matrix(
            black_box(&guarded),
            Some(&managed),
            &compiled,
            &principals,
            &actions,
            "*",
            true,
        ));
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let (a, e, i) = m.counts();
    let c = m.conditional.len();
    println!(
        "access matrix under a Region SCP: {} cells in {:.1} ms (median {:.1} ms; {a} allowed, {e} explicit deny, {i} implicit deny, {c} conditional)",
        m.cells.len(),
        times[0],
        times[times.len() / 2]
    );
}
/// Times each row of the matrix apart: preparing the principal's policies, then deciding its
/// cells (the columns prepared once, as `compute_matrix` does).
fn per_row(big: &Scenario, managed: &ManagedPolicies, actions: &[String]) {
    // One compile cache for the whole run, as the app keeps one for the page.
    let compiled = iam_engine::workbench::CompileCache::new();
    use iam_engine::workbench::matrix::{MatrixColumns, MatrixRowPlan};
    let s = Instant::now();
    let mut cols = MatrixColumns::new(actions);
    println!("columns {:.1} ms", s.elapsed().as_secs_f64() * 1000.0);
    for p in matrix_principals(big) {
        let s = Instant::now();
        let mut plan = MatrixRowPlan::new(big, Some(managed), &compiled, &p, "*", &[]).unwrap();
        let prep = s.elapsed().as_secs_f64() * 1000.0;
        let s = Instant::now();
        let mut out = Vec::new();
        plan.decide_columns(big, Some(managed), &compiled, actions, &mut cols, &mut out);
        let ms = s.elapsed().as_secs_f64() * 1000.0;
        println!("{p:?}: prep {prep:.2} ms, row {ms:.1} ms");
    }
}

/// The Simulator's opening on the L account of the real-account journey: its opening request
/// (the first user, `s3:ListAllMyBuckets`), the context keys listed, then the answer, each
/// with a fresh compile cache as a newly shown Simulator has. The fastest of a few runs.
fn opening_on_the_real_account(catalog: &Catalog, managed: &ManagedPolicies) {
    use iam_engine::workbench::{CompileCache, SimulatorRequest, Workbench};
    let text = e2e_account::real_account_l();
    let imported = iam_engine::import::detect_and_import(&text, &Default::default()).unwrap();
    drop(text);
    let s = &imported.scenario;
    let request = SimulatorRequest::opening(s);
    let now = "2026-12-07T12:00:00Z";
    let (mut keys_ms, mut answer_ms, mut both_ms) = (f64::MAX, f64::MAX, f64::MAX);
    for _ in 0..5 {
        let cache = CompileCache::new();
        let wb = Workbench::new(s, &cache)
            .with_catalog(Some(catalog))
            .with_managed(Some(managed));
        let start = Instant::now();
        let rows = black_box(wb.context_keys(&request.principal, &request.resource, now));
        let keys = start.elapsed().as_secs_f64() * 1000.0;
        let start = Instant::now();
        black_box(wb.answer(&request, &rows, 0));
        let answer = start.elapsed().as_secs_f64() * 1000.0;
        keys_ms = keys_ms.min(keys);
        answer_ms = answer_ms.min(answer);
        both_ms = both_ms.min(keys + answer);
    }
    println!(
        "the Simulator's opening on the L account ({} as {}): context keys {keys_ms:.1} ms, then the answer {answer_ms:.1} ms ({both_ms:.1} ms together)",
        request.action, request.principal
    );
}
