//! The heap the analysis worker's jobs take on the L account (1,000 users, 5,000 roles,
//! 2,000 policies of five versions: the file `e2e/real_account.test.mjs` imports), natively,
//! with a counting allocator (`cap`'s statistics): after each phase, what is held and the peak
//! so far. A worker's wasm memory never shrinks, so its size is about the peak of the jobs it
//! ran; these numbers say which phase sets that peak, which the browser's totals (the journey
//! prints each worker's memory) cannot. Each worker is a process of its own here: the bench
//! writes the account's file to a temporary file and runs itself again for the import worker
//! (which writes the scenario's JSON, what the page sends the analysis workers), the escalation
//! worker and the interactive one.
//!
//! Run with `cargo bench -p iam-engine --bench memory`. A plain `main` that prints numbers; it
//! asserts nothing about memory.

// Benchmark helpers may panic on broken fixtures: that is how they fail.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::process::Command;

use cap::Cap;
use iam_engine::catalog::ManagedPolicies;
use iam_engine::catalog::escalation::EscalationCatalog;
use iam_engine::scenario::Scenario;
use iam_engine::workbench::analysis::who_can::WhoCanQuery;
use iam_engine::workbench::{CompileCache, Workbench};

#[path = "shared/e2e_account.rs"]
mod e2e_account;

const MANAGED: &str = include_str!("../../../static/data/managed-policies.txt");
const PATHS: &str = include_str!("../../../static/data/escalation-paths.txt");

#[global_allocator]
static ALLOCATOR: Cap<std::alloc::System> = Cap::new(std::alloc::System, usize::MAX);

const MIB: f64 = 1024.0 * 1024.0;

/// Runs `f`, then prints what is held and the peak so far.
fn phase<T>(name: &str, f: impl FnOnce() -> T) -> T {
    let out = black_box(f());
    println!(
        "  {name}: held {:.1} MiB, peak so far {:.1} MiB",
        ALLOCATOR.allocated() as f64 / MIB,
        ALLOCATOR.max_allocated() as f64 / MIB
    );
    out
}

fn main() {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    match (args.next().as_deref(), args.next()) {
        (Some("import-worker"), Some(file)) => import_worker(&file, &args.next().unwrap()),
        (Some("escalation-worker"), Some(path)) => escalation_worker(&path),
        (Some("interactive-worker"), Some(path)) => interactive_worker(&path),
        _ => page(),
    }
}

/// The account's file written to a temporary file, then each worker in a process of its own:
/// the import worker (which writes the scenario's JSON), then the two analysis workers.
fn page() {
    let text = e2e_account::real_account_l();
    println!(
        "the L account's file: {:.1} MB (compact; the journey imports it pretty-printed)",
        text.len() as f64 / 1e6
    );
    let dir = std::env::temp_dir();
    let file = dir.join(format!("iam-memory-{}-account.json", std::process::id()));
    let json = dir.join(format!("iam-memory-{}-scenario.json", std::process::id()));
    std::fs::write(&file, &text).unwrap();
    drop(text);
    let me = std::env::current_exe().unwrap();
    let run = |worker: &str, args: &[&std::path::Path]| {
        println!("the {}:", worker.replace('-', " "));
        let status = Command::new(&me).arg(worker).args(args).status().unwrap();
        assert!(status.success(), "the {worker} process failed");
    };
    run("import-worker", &[&file, &json]);
    run("escalation-worker", &[&json]);
    run("interactive-worker", &[&json]);
    let _ = std::fs::remove_file(&file);
    let _ = std::fs::remove_file(&json);
}

/// The import worker: the file read and imported, the scenario's JSON written (what the page
/// sends the analysis workers).
fn import_worker(file: &str, out: &str) {
    let text = phase("the file received", || {
        std::fs::read_to_string(file).unwrap()
    });
    let imported = phase("imported", || {
        iam_engine::import::detect_and_import(&text, &Default::default()).unwrap()
    });
    drop(text);
    let json = phase("the scenario's JSON", || imported.scenario.to_json());
    println!("  (the JSON: {:.1} MB)", json.len() as f64 / 1e6);
    std::fs::write(out, &json).unwrap();
}

/// The scenario as a worker reads it from the JSON the page sent.
fn read(path: &str) -> Scenario {
    let json = phase("the JSON received", || {
        std::fs::read_to_string(path).unwrap()
    });
    let scenario = phase("the scenario read from it", || {
        Scenario::from_json(&json).unwrap()
    });
    drop(json);
    scenario
}

/// The account worker: the escalation paths.
fn escalation_worker(path: &str) {
    let scenario = read(path);
    let managed = phase("the AWS-managed policies", || {
        ManagedPolicies::parse(MANAGED).unwrap()
    });
    let paths = phase("the escalation catalog", || {
        EscalationCatalog::parse(PATHS).unwrap()
    });
    let cache = CompileCache::for_analysis();
    let wb = Workbench::new(&scenario, &cache).with_managed(Some(&managed));
    let report = phase("the escalation paths", || wb.escalation_paths(&paths));
    println!(
        "  ({} paths, {} admin-equivalent, over {} principals)",
        report.paths.len(),
        report.admin_equivalent.len(),
        report.principals_considered
    );
}

/// The interactive worker: who-can for one action over the account.
fn interactive_worker(path: &str) {
    let scenario = read(path);
    let managed = phase("the AWS-managed policies", || {
        ManagedPolicies::parse(MANAGED).unwrap()
    });
    let cache = CompileCache::for_analysis();
    let wb = Workbench::new(&scenario, &cache).with_managed(Some(&managed));
    let query = WhoCanQuery {
        actions: vec!["s3:GetObject".into()],
        resource: "*".into(),
        context: Vec::new(),
        assumers: true,
    };
    let answer = phase(
        "who-can s3:GetObject on * (policies compiled and kept)",
        || wb.who_can(&query),
    );
    println!("  ({} answers)", answer.entries.len());
}
