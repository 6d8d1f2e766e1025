//! Catalog benchmark: parse time of the committed assets (catalog, managed policies, escalation
//! paths), action lookup, wildcard expansion and autocomplete, measured natively with
//! `std::time::Instant` and printed.
//!
//! Run with `cargo bench -p iam-engine --bench catalog`. The budgets from the issue are
//! checked and printed next to each number: lookup of any action under 1 µs, expansion of `*`
//! under 5 ms.

use iam_engine::catalog::escalation::EscalationCatalog;
use iam_engine::catalog::{Catalog, ManagedPolicies};
use std::hint::black_box;
use std::time::{Duration, Instant};

const CATALOG: &str = include_str!("../../../static/data/iam-catalog.txt");
const MANAGED: &str = include_str!("../../../static/data/managed-policies.txt");
const ESCALATION: &str = include_str!("../../../static/data/escalation-paths.txt");

/// Runs `f` `iterations` times and returns the mean time of one run.
fn mean<T>(iterations: u32, mut f: impl FnMut() -> T) -> Duration {
    let start = Instant::now();
    for _ in 0..iterations {
        black_box(f());
    }
    start.elapsed() / iterations
}

fn verdict(ok: bool) -> &'static str {
    if ok { "within budget" } else { "OVER BUDGET" }
}

fn main() {
    let parse = mean(20, || {
        Catalog::parse(black_box(CATALOG)).map(|c| c.actions().len())
    });
    println!(
        "catalog parse ({} KB):          {:>10.2?}",
        CATALOG.len() / 1024,
        parse
    );
    let managed = mean(20, || {
        ManagedPolicies::parse(black_box(MANAGED)).map(|p| p.len())
    });
    println!(
        "managed policies parse ({} KB): {:>10.2?}",
        MANAGED.len() / 1024,
        managed
    );
    let escalation = mean(20, || {
        EscalationCatalog::parse(black_box(ESCALATION)).map(|c| c.paths().len())
    });
    println!(
        "escalation paths parse ({} KB): {:>10.2?}",
        ESCALATION.len() / 1024,
        escalation
    );

    let Ok(catalog) = Catalog::parse(CATALOG) else {
        eprintln!("the committed catalog does not parse");
        std::process::exit(1);
    };
    // Look up every action, in a shuffled-ish order so the branch predictor cannot learn it,
    // written in upper case to exercise the case-insensitive comparison.
    let mut names: Vec<String> = catalog
        .actions()
        .map(|a| a.full_name().to_ascii_uppercase())
        .collect();
    let len = names.len();
    for i in 0..len {
        names.swap(i, (i * 7919) % len);
    }
    let rounds = 20u32;
    let start = Instant::now();
    for _ in 0..rounds {
        for name in &names {
            black_box(catalog.action(black_box(name)).map(|a| a.access_level()));
        }
    }
    let per_lookup = start.elapsed() / (rounds * len as u32);
    // The slowest action: each one's best of five short runs, so a preemption on a shared
    // machine does not pass for a slow lookup.
    let worst = names
        .iter()
        .map(|name| {
            (0..5)
                .map(|_| mean(20, || catalog.action(black_box(name)).is_some()))
                .min()
                .unwrap_or_default()
        })
        .max()
        .unwrap_or_default();
    println!(
        "action lookup, mean of {len}:    {per_lookup:>10.2?}  ({})",
        verdict(per_lookup < Duration::from_micros(1))
    );
    println!(
        "action lookup, slowest action:  {worst:>10.2?}  ({})",
        verdict(worst < Duration::from_micros(1))
    );

    let star = mean(50, || catalog.expand(black_box("*")).len());
    println!(
        "expand `*` ({} actions):     {star:>10.2?}  ({})",
        catalog.expand("*").len(),
        verdict(star < Duration::from_millis(5))
    );
    let s3_get = mean(1000, || catalog.expand(black_box("s3:Get*")).len());
    println!("expand `s3:Get*`:               {s3_get:>10.2?}");
    let any_list = mean(50, || catalog.expand(black_box("*:List*")).len());
    println!("expand `*:List*`:               {any_list:>10.2?}");

    let search = mean(50, || catalog.search_actions(black_box("s3:get"), 20).len());
    println!("search_actions(\"s3:get\", 20):   {search:>10.2?}");
    let bare = mean(50, || catalog.search_actions(black_box("getobj"), 20).len());
    println!("search_actions(\"getobj\", 20):   {bare:>10.2?}");
    let key = mean(10_000, || {
        catalog
            .condition_key(black_box("aws:RequestTag/team"))
            .map(|k| k.key_type())
    });
    println!("condition_key(pattern):         {key:>10.2?}");
    let Some(get_object) = catalog.action("s3:GetObject") else {
        return;
    };
    let arn = mean(10_000, || {
        get_object
            .resource_types_matching(black_box("arn:aws:s3:::photos/*"))
            .len()
    });
    println!("resource_types_matching (s3):   {arn:>10.2?}");
}
