//! A browser benchmark of the simulator's bulk work, in headless Chromium: re-running every
//! saved test of a 10-user scenario (what the app does after each keystroke) and the access
//! matrix of 25 principals × every action of the catalog. It prints the numbers, measured
//! with `performance.now()`, and asserts nothing about time.
//!
//! Only release builds hold it (debug wasm is several times slower and its numbers would
//! mislead), so the test command's debug run skips it. Run it with `scripts/bench-browser.sh`.
#![cfg(all(target_arch = "wasm32", not(debug_assertions)))]
// Benchmark helpers may panic on broken fixtures: that is how they fail.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use iam_engine::catalog::{Catalog, ManagedPolicies};
use iam_engine::workbench::matrix::{compute_matrix, matrix_principals};
use iam_engine::workbench::simulate::run_tests;
use iam_engine::workbench::test_runs::TestRunCache;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const CATALOG: &str = include_str!("../static/data/iam-catalog.txt");
const MANAGED: &str = include_str!("../static/data/managed-policies.txt");

fn now() -> f64 {
    web_sys::window().unwrap().performance().unwrap().now()
}

#[path = "../crates/iam-engine/benches/shared/bench_scenario.rs"]
mod bench_scenario;
use bench_scenario::{keystroke, scenario};

fn print(line: String) {
    web_sys::console::log_1(&line.into());
}

#[wasm_bindgen_test]
fn bench_saved_tests_and_access_matrix() {
    // One compile cache for the whole run, as the app keeps one for the page.
    let compiled = iam_engine::workbench::CompileCache::new();
    let catalog = Catalog::parse(CATALOG).unwrap();
    let managed = ManagedPolicies::parse(MANAGED).unwrap();

    let ten = scenario(10, 0);
    // One warm-up run, then the average and the slowest of 20 keystrokes' worth of runs.
    let outcomes = run_tests(&ten, Some(&managed), &compiled);
    assert_eq!(outcomes.iter().filter(|o| o.passed).count(), outcomes.len());
    let mut times = Vec::new();
    for _ in 0..20 {
        let start = now();
        std::hint::black_box(run_tests(
            std::hint::black_box(&ten),
            Some(&managed),
            &compiled,
        ));
        times.push(now() - start);
    }
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    let worst = times.iter().copied().fold(0.0, f64::max);
    print(format!(
        "BENCH saved tests, full run: {} tests of a 10-user scenario in {mean:.2} ms on average, {worst:.2} ms at worst (20 runs)",
        ten.tests.len()
    ));
    // What the app does after a keystroke in a policy: the incremental run, with the text of
    // the Developers group's policy changed by one character each time.
    let mut cache = TestRunCache::new();
    let mut edited = ten.clone();
    cache.run(&edited, Some(&managed), &compiled);
    let mut times = Vec::new();
    let mut evaluated = 0;
    for k in 0..20 {
        keystroke(&mut edited, k);
        let start = now();
        let (outcomes, n) = cache.run(std::hint::black_box(&edited), Some(&managed), &compiled);
        times.push(now() - start);
        evaluated = n;
        assert!(outcomes.iter().all(|o| o.passed));
    }
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    let worst = times.iter().copied().fold(0.0, f64::max);
    print(format!(
        "BENCH saved tests after a keystroke: all {} tests re-checked, {evaluated} re-evaluated, in {mean:.2} ms on average, {worst:.2} ms at worst (20 keystrokes)",
        edited.tests.len()
    ));

    let big = scenario(20, 4);
    let principals = matrix_principals(&big);
    let actions: Vec<String> = catalog.actions().map(|a| a.full_name()).collect();
    let start = now();
    let m = compute_matrix(
        &big,
        Some(&managed),
        &compiled,
        &principals,
        &actions,
        "*",
        true,
    );
    let ms = now() - start;
    let (a, e, i) = m.counts();
    let c = m.conditional.len();
    print(format!(
        "BENCH access matrix: {} principals x {} actions = {} cells in {ms:.1} ms ({a} allowed, {e} explicit deny, {i} implicit deny, {c} conditional)",
        principals.len(),
        actions.len(),
        m.cells.len()
    ));
}
