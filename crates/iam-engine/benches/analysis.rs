//! The account analysis, natively: who-can for one action over a generated 1,000-principal
//! scenario (goal: under 50 ms), with and without the role-assumption chains, and over the
//! issue's L account of 6,000 principals (`who-can-real`; goal: well under 250 ms, half the
//! browser's 500 ms), the
//! escalation analysis of a generated 500-principal scenario and of the L account (how many of
//! its principals the search covers within its budget), and what-can over the whole
//! action catalog (goal: well under 1 s) for an administrator, with guardrails, with a
//! boundary that removes most of the catalog, and for a user of the generated scenario; and the
//! change review (`diff`): ReadOnlyAccess against itself with one statement changed (goal: under
//! 200 ms) and a 50-principal generated scenario against an edited copy.
//!
//! Run with `cargo bench -p iam-engine --bench analysis`; `-- escalation` (or `who-can`,
//! `what-can`, `diff`) runs only the sections whose name contains the word, for a profiler. A
//! plain `main` timed with `std::time::Instant` that prints the numbers; it asserts nothing
//! about time.

// Benchmark helpers may panic on broken fixtures: that is how they fail.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::hint::black_box;
use std::time::Instant;

use iam_engine::catalog::escalation::EscalationCatalog;
use iam_engine::catalog::{Catalog, ManagedPolicies};
use iam_engine::scenario::PrincipalRef;
use iam_engine::scenario::Scenario;
use iam_engine::workbench::analysis::what_can::{CatalogColumns, WhatCanQuery};
use iam_engine::workbench::analysis::who_can::WhoCanQuery;
use iam_engine::workbench::{CompileCache, Workbench};
use serde_json::json;

#[path = "shared/e2e_account.rs"]
mod e2e_account;

const MANAGED: &str = include_str!("../../../static/data/managed-policies.txt");
const CATALOG: &str = include_str!("../../../static/data/iam-catalog.txt");
const PATHS: &str = include_str!("../../../static/data/escalation-paths.txt");
const ACCOUNT: &str = "111122223333";

fn doc(statements: serde_json::Value) -> String {
    json!({"Version": "2012-10-17", "Statement": statements}).to_string()
}

/// `principals` principals: three users in five of a group for each, the rest roles. The
/// groups' and roles' policies come from a pool of 40 customer-managed policies (reads,
/// writes, deletes of buckets, some with an MFA condition), one user in 50 has an inline
/// `iam:PassRole` + `lambda:*` + `sts:AssumeRole`, one role in 20 is an administrator that trusts Lambda, one in
/// 10 trusts the account; an SCP denies `s3:DeleteBucket` on one bucket prefix.
fn generated(principals: usize) -> Scenario {
    let users = principals * 3 / 5;
    let roles = principals - users;
    let groups = 20;
    let policies: Vec<_> = (0..40)
        .map(|i| {
            let statement = match i % 4 {
                0 => json!({"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"}),
                1 => json!({"Effect": "Allow", "Action": "s3:DeleteBucket", "Resource": format!("arn:aws:s3:::team-{i}-*")}),
                2 => json!({"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}),
                _ => json!({"Effect": "Allow", "Action": ["ec2:Describe*", "lambda:List*"], "Resource": "*"}),
            };
            json!({"name": format!("Pool{i}"), "document": doc(json!([statement]))})
        })
        .collect();
    let group_list: Vec<_> = (0..groups)
        .map(|g| json!({"name": format!("G{g}"), "managedPolicies": [format!("Pool{}", g % 40), format!("Pool{}", (g * 7 + 1) % 40)]}))
        .collect();
    let user_list: Vec<_> = (0..users)
        .map(|u| {
            let mut user = json!({"name": format!("u{u}"), "groups": [format!("G{}", u % groups)]});
            if u % 50 == 0 {
                user["inlinePolicies"] = json!([{"name": "Build", "document": doc(json!([
                    {"Effect": "Allow", "Action": ["iam:PassRole", "lambda:*", "sts:AssumeRole"], "Resource": "*"}
                ]))}]);
            }
            user
        })
        .collect();
    let trust_account = doc(
        json!([{"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")}, "Action": "sts:AssumeRole"}]),
    );
    let trust_lambda = doc(
        json!([{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]),
    );
    let trust_ec2 = doc(
        json!([{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]),
    );
    let role_list: Vec<_> = (0..roles)
        .map(|r| {
            if r % 20 == 0 {
                json!({"name": format!("r{r}"), "trustPolicy": trust_lambda, "inlinePolicies": [{"name": "All", "document": doc(json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}]))}]})
            } else {
                let trust = if r % 10 == 2 { &trust_account } else { &trust_ec2 };
                json!({"name": format!("r{r}"), "trustPolicy": trust, "managedPolicies": [format!("Pool{}", r % 40)]})
            }
        })
        .collect();
    let scenario = json!({
        "formatVersion": 1,
        "account": {"id": ACCOUNT},
        "organization": {"levels": [{"name": "Root", "scps": [
            {"name": "FullAWSAccess", "document": doc(json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}]))},
            {"name": "KeepLogs", "document": doc(json!([{"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "arn:aws:s3:::team-1-logs*"}]))}
        ]}]},
        "users": user_list, "groups": group_list, "roles": role_list, "policies": policies,
    });
    Scenario::from_json(&scenario.to_string()).unwrap()
}

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

/// Whether the section named `name` runs: every section, unless the command line names a word
/// (cargo passes its own `--bench` flag, which is skipped).
fn wants(name: &str) -> bool {
    let mut words = std::env::args().skip(1).filter(|a| !a.starts_with("--"));
    words.next().is_none_or(|w| name.contains(w.as_str()))
}

fn main() {
    let managed = ManagedPolicies::parse(MANAGED).unwrap();
    let paths = EscalationCatalog::parse(PATHS).unwrap();
    if wants("who-can") {
        who_can(&managed);
    }
    if wants("who-can-real") {
        who_can_real_account(&managed);
    }
    if wants("what-can") {
        what_can(&managed, &generated(1000));
    }
    if wants("diff") {
        diff(&managed);
    }
    if wants("escalation") {
        escalation(&managed, &paths);
        escalation_real_account(&managed, &paths);
    }
}

/// Who-can for one action over the generated 1,000-principal scenario, without and with the
/// role-assumption chains.
fn who_can(managed: &ManagedPolicies) {
    let big = generated(1000);
    let cache = CompileCache::new();
    let wb = Workbench::new(&big, &cache).with_managed(Some(managed));
    let mut query = WhoCanQuery {
        actions: vec!["s3:DeleteBucket".into()],
        resource: "arn:aws:s3:::team-5-data".into(),
        context: Vec::new(),
        assumers: false,
    };
    let (ms, answer) = time(10, || wb.who_can(&query));
    println!(
        "who-can s3:DeleteBucket over {} principals: {ms:.1} ms ({} answers)",
        answer.principals_considered,
        answer.entries.len()
    );
    query.assumers = true;
    let (ms, answer) = time(3, || wb.who_can(&query));
    let chains: usize = answer.entries.iter().map(|e| e.assumed_by.len()).sum();
    println!(
        "who-can with role-assumption chains: {ms:.1} ms ({} answers, {chains} chains)",
        answer.entries.len()
    );
}

/// Who-can `s3:GetObject` on `*` over the L account (1,000 users, 5,000 roles, 2,000
/// policies of five versions: the file the real-account journey imports, where every role
/// trusts the same service, so no principal is left out by its trust policy), as the analysis
/// worker asks it (with the role-assumption chains), with every policy already compiled (a
/// second question), and without the chains.
fn who_can_real_account(managed: &ManagedPolicies) {
    let start = Instant::now();
    let text = e2e_account::real_account_l();
    let imported = iam_engine::import::detect_and_import(&text, &Default::default()).unwrap();
    drop(text);
    let s = &imported.scenario;
    println!(
        "the L account ({} users, {} roles, {} policies): generated and imported in {:.0} ms",
        s.users.len(),
        s.roles.len(),
        s.policies.len(),
        start.elapsed().as_secs_f64() * 1000.0
    );
    let mut query = WhoCanQuery {
        actions: vec!["s3:GetObject".into()],
        resource: "*".into(),
        context: Vec::new(),
        assumers: true,
    };
    // A fresh compile cache each run, as the worker's job makes one per question (sized for
    // an analysis: the page's cache would compile most policies again for each principal).
    // The median of the runs: the machine may be shared.
    let (ms, answer) = median(5, || {
        let cache = CompileCache::for_analysis();
        let wb = Workbench::new(s, &cache).with_managed(Some(managed));
        wb.who_can(&query)
    });
    let chains: usize = answer.entries.iter().map(|e| e.assumed_by.len()).sum();
    println!(
        "who-can s3:GetObject on * over the L account's {} principals, with chains: {ms:.0} ms ({} answers, {chains} chains)",
        answer.principals_considered,
        answer.entries.len()
    );
    let warm = CompileCache::for_analysis();
    let wb = Workbench::new(s, &warm).with_managed(Some(managed));
    let (ms, _) = median(5, || wb.who_can(&query));
    println!("the same with every policy already compiled: {ms:.0} ms");
    query.assumers = false;
    let (ms, answer) = median(5, || {
        let cache = CompileCache::for_analysis();
        let wb = Workbench::new(s, &cache).with_managed(Some(managed));
        wb.who_can(&query)
    });
    println!(
        "who-can s3:GetObject on * over the L account, without chains: {ms:.0} ms ({} answers)",
        answer.entries.len()
    );
}

/// The median time of `runs` runs of `f`, in milliseconds, and the last answer.
fn median<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        last = Some(black_box(f()));
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    (times[times.len() / 2], last.unwrap())
}

/// The escalation analysis of a generated 500-principal scenario, and of the account the
/// browser benchmark imports.
fn escalation(managed: &ManagedPolicies, paths: &EscalationCatalog) {
    let half = generated(500);
    let cache = CompileCache::new();
    let wb = Workbench::new(&half, &cache).with_managed(Some(managed));
    let (ms, report) = time(1, || wb.escalation_paths(paths));
    println!(
        "escalation over {} principals: {ms:.0} ms ({} paths, {} already admin)",
        report.principals_considered,
        report.paths.len(),
        report.admin_equivalent.len()
    );

    // The account the browser benchmark imports (e2e/analysis.test.mjs), so the two compare.
    let text = e2e_account::authorization_details(200, 299);
    let imported = iam_engine::import::detect_and_import(&text, &Default::default()).unwrap();
    let cache = CompileCache::new();
    let wb = Workbench::new(&imported.scenario, &cache).with_managed(Some(managed));
    let (ms, report) = time(1, || wb.escalation_paths(paths));
    println!(
        "escalation over the browser benchmark's account ({} principals): {ms:.0} ms ({} paths, {} already admin)",
        report.principals_considered,
        report.paths.len(),
        report.admin_equivalent.len()
    );
}

/// The escalation analysis of the L account (the real-account journey's file), as the worker
/// runs it: how many of its principals the search covers within its budget, and how long.
fn escalation_real_account(managed: &ManagedPolicies, paths: &EscalationCatalog) {
    let text = e2e_account::real_account_l();
    let imported = iam_engine::import::detect_and_import(&text, &Default::default()).unwrap();
    drop(text);
    let cache = CompileCache::for_analysis();
    let wb = Workbench::new(&imported.scenario, &cache).with_managed(Some(managed));
    let (ms, report) = time(1, || wb.escalation_paths(paths));
    println!(
        "escalation over the L account ({} principals): {ms:.0} ms, searched {} ({} paths from {} principals, {} already admin)",
        report.principals_considered,
        report
            .searched_only
            .map_or_else(|| "all".to_string(), |n| format!("only {n}")),
        report.paths.len(),
        report.principals_with_paths,
        report.admin_equivalent.len()
    );
}

/// Change review: ReadOnlyAccess against itself with one statement changed (goal: under
/// 200 ms), and a 50-principal generated scenario against a copy with one pooled policy and
/// the SCP changed. Each run starts from an empty compile cache.
fn diff(managed: &ManagedPolicies) {
    use iam_engine::policy::PolicyType;
    use iam_engine::workbench::analysis::diff::{Verdict, summary_text};

    let catalog = Catalog::parse(CATALOG).unwrap();
    let read_only = managed.get("ReadOnlyAccess").unwrap().document.to_string();
    let mut changed: serde_json::Value = serde_json::from_str(&read_only).unwrap();
    // One statement changed: its first action pattern dropped, one write action added.
    let actions = changed["Statement"][0]["Action"].as_array_mut().unwrap();
    let dropped = actions.remove(0);
    actions.push(json!("s3:PutObject"));
    let changed = changed.to_string();
    let empty = Scenario::new(ACCOUNT);
    let (ms, d) = time(5, || {
        let cache = CompileCache::new();
        Workbench::new(&empty, &cache)
            .with_catalog(Some(&catalog))
            .with_managed(Some(managed))
            .diff_documents(&read_only, &changed, PolicyType::Identity)
            .unwrap()
    });
    assert_eq!(d.verdict, Verdict::Incomparable);
    println!(
        "diff ReadOnlyAccess with {dropped} dropped and s3:PutObject added: {ms:.1} ms ({}: +{} -{} over {} actions x {} regions x {} contexts)",
        d.verdict.as_str(),
        d.report.newly_allowed,
        d.report.newly_denied,
        d.report.actions_considered,
        d.report.regions.len(),
        d.report.contexts_considered
    );

    let before = generated(50);
    let mut after_json = serde_json::to_value(&before).unwrap();
    after_json["policies"][0]["document"] = json!(doc(json!([
        {"Effect": "Allow", "Action": ["s3:Get*", "s3:List*", "s3:Put*"], "Resource": "*"}
    ])));
    // The SCP that keeps the log buckets is detached (FullAWSAccess stays).
    let full = after_json["organization"]["levels"][0]["scps"][0].clone();
    after_json["organization"]["levels"][0]["scps"] = json!([full]);
    let after = Scenario::from_json(&after_json.to_string()).unwrap();
    let (ms, report) = time(3, || {
        let cache = CompileCache::new();
        Workbench::new(&before, &cache)
            .with_catalog(Some(&catalog))
            .with_managed(Some(managed))
            .diff(&after)
    });
    println!(
        "diff of a {}-principal scenario (a pooled policy and an SCP changed): {ms:.0} ms (+{} -{} in {} principals, {} regions x {} contexts)",
        report.principals_considered,
        report.newly_allowed,
        report.newly_denied,
        report.changes.len(),
        report.regions.len(),
        report.contexts_considered
    );
    let summary = summary_text(&report);
    println!(
        "  summary: {}",
        summary.get(..200.min(summary.len())).unwrap_or(&summary)
    );
}

/// An administrator (`Action: *`) alone, the same under two SCPs, and under a boundary that
/// allows S3 only (almost the whole catalog is a guardrail removal, each with its full
/// evaluation); then a user and an admin role of the generated scenario.
fn what_can(managed: &ManagedPolicies, big: &Scenario) {
    let catalog = Catalog::parse(CATALOG).unwrap();
    let (ms, mut columns) = time(3, || CatalogColumns::new(&catalog));
    println!(
        "what-can columns for {} catalog actions: {ms:.1} ms (once per catalog)",
        columns.len()
    );
    let admin = doc(json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}]));
    let scp = |extra: serde_json::Value| {
        json!({"levels": [{"name": "Root", "scps": [
            {"name": "FullAWSAccess", "document": admin},
            {"name": "Guardrail", "document": doc(extra)}
        ]}]})
    };
    let cases = [
        ("admin alone", json!(null), None),
        (
            "admin under SCPs (deny iam:*, deny outside a region)",
            scp(json!([
                {"Effect": "Deny", "Action": "iam:*", "Resource": "*"},
                {"Effect": "Deny", "NotAction": ["sts:*", "support:*"], "Resource": "*",
                 "Condition": {"StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}}}
            ])),
            None,
        ),
        (
            "admin under a boundary allowing s3:* only",
            json!(null),
            Some(doc(
                json!([{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]),
            )),
        ),
    ];
    for (label, organization, boundary) in cases {
        let mut user =
            json!({"name": "boss", "inlinePolicies": [{"name": "All", "document": admin}]});
        let mut policies = json!([]);
        if let Some(b) = boundary {
            user["permissionsBoundary"] = json!("Limit");
            policies = json!([{"name": "Limit", "document": b}]);
        }
        let mut s = json!({"formatVersion": 1, "account": {"id": ACCOUNT}, "users": [user], "policies": policies});
        if !organization.is_null() {
            s["organization"] = organization;
        }
        let s = Scenario::from_json(&s.to_string()).unwrap();
        let cache = CompileCache::new();
        let wb = Workbench::new(&s, &cache).with_managed(Some(managed));
        let query = WhatCanQuery {
            principal: PrincipalRef::User("boss".into()),
            resource: "*".into(),
            context: Vec::new(),
        };
        let (ms, a) = time(3, || wb.what_can(&mut columns, &query).unwrap());
        println!(
            "what-can {label}: {ms:.1} ms ({} allowed, {} conditional, {} removed of {})",
            a.allowed, a.conditional, a.removed, a.actions_considered
        );
    }
    let cache = CompileCache::new();
    let wb = Workbench::new(big, &cache).with_managed(Some(managed));
    for principal in [
        PrincipalRef::User("u1".into()),
        PrincipalRef::Role("r0".into()),
    ] {
        let query = WhatCanQuery {
            principal: principal.clone(),
            resource: "*".into(),
            context: Vec::new(),
        };
        let (ms, a) = time(3, || wb.what_can(&mut columns, &query).unwrap());
        println!(
            "what-can {} of the 1,000-principal scenario: {ms:.1} ms ({} allowed, {} conditional, {} removed)",
            a.principal, a.allowed, a.conditional, a.removed
        );
    }
}
