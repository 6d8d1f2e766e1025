//! Evaluation throughput: 20 principals, each with 5 identity policies of 10 statements.
//!
//! Run with `cargo bench -p iam-engine --bench eval`. A plain `main` timed with
//! `std::time::Instant` (no benchmark framework, to keep compile times down); it prints
//! requests evaluated per second for the bare decision ([`decide`]) and for the full
//! explanation ([`evaluate`]).

// Test and benchmark helpers may panic on broken fixtures: that is how they fail.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::hint::black_box;
use std::time::Instant;

use iam_engine::context::RequestContext;
use iam_engine::eval::{Caller, CompiledPolicy, PolicySet, Request, decide, evaluate};
use iam_engine::policy::PolicyType;

const PRINCIPALS: usize = 20;
const POLICIES: usize = 5;
const STATEMENTS: usize = 10;
const SERVICES: &[&str] = &[
    "s3", "ec2", "dynamodb", "sqs", "sns", "lambda", "kms", "logs",
];
const VERBS: &[&str] = &[
    "Get", "Put", "Delete", "List", "Describe", "Create", "Update", "Tag",
];

/// A small deterministic generator so every run measures the same requests.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.next() % items.len()]
    }
}

fn statement(rng: &mut XorShift, p: usize, i: usize) -> String {
    let service = rng.pick(SERVICES);
    let verb = rng.pick(VERBS);
    let effect = if i == STATEMENTS - 1 { "Deny" } else { "Allow" };
    let resource = match rng.next() % 3 {
        0 => "\"*\"".to_string(),
        1 => format!("\"arn:aws:{service}:*:111122223333:res-{p}/*\""),
        _ => format!(
            "[\"arn:aws:{service}:eu-west-1:111122223333:res-{p}/a*\", \"arn:aws:{service}:us-east-1:111122223333:res-{p}/b?\"]"
        ),
    };
    format!(
        r#"{{"Sid":"S{i}","Effect":"{effect}","Action":["{service}:{verb}*","{service}:{verb}Item"],"Resource":{resource}}}"#
    )
}

/// Nanoseconds this process has spent on a CPU (Linux `/proc/self/schedstat`), so the rate
/// per CPU-second stays meaningful on a loaded machine; `None` elsewhere.
fn cpu_nanos() -> Option<u64> {
    std::fs::read_to_string("/proc/self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

fn main() {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let sets: Vec<PolicySet> = (0..PRINCIPALS)
        .map(|p| {
            let identity = (0..POLICIES)
                .map(|n| {
                    let statements: Vec<String> =
                        (0..STATEMENTS).map(|i| statement(&mut rng, p, i)).collect();
                    let text = format!(
                        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
                        statements.join(",")
                    );
                    CompiledPolicy::from_text(format!("p{p}-{n}"), &text, PolicyType::Identity).0
                })
                .collect();
            PolicySet {
                identity,
                ..PolicySet::default()
            }
        })
        .collect();
    let callers: Vec<Caller> = (0..PRINCIPALS)
        .map(|p| Caller::from_arn(&format!("arn:aws:iam::111122223333:user/u{p}")).unwrap())
        .collect();
    let requests: Vec<(usize, Request)> = (0..4096)
        .map(|_| {
            let p = rng.next() % PRINCIPALS;
            let service = rng.pick(SERVICES);
            let verb = rng.pick(VERBS);
            let region = if rng.next().is_multiple_of(2) {
                "eu-west-1"
            } else {
                "us-east-1"
            };
            let name = if rng.next().is_multiple_of(2) {
                "a1"
            } else {
                "b2"
            };
            let request = Request {
                caller: callers[p].clone(),
                action: format!("{service}:{verb}Object"),
                resource: format!("arn:aws:{service}:{region}:111122223333:res-{p}/{name}"),
                resource_account: None,
                context: RequestContext::default(),
            };
            (p, request)
        })
        .collect();

    let allowed = requests
        .iter()
        .filter(|(p, r)| decide(&sets[*p], r) == iam_engine::eval::Decision::Allowed)
        .count();
    println!(
        "scenario: {PRINCIPALS} principals x {POLICIES} policies x {STATEMENTS} statements; {} distinct requests, {allowed} allowed",
        requests.len()
    );

    for (name, explain) in [
        ("decide (bare decision)", false),
        ("evaluate (with reasons)", true),
    ] {
        let rounds = if explain { 100 } else { 500 };
        let start = Instant::now();
        let cpu_start = cpu_nanos();
        let mut n = 0usize;
        for _ in 0..rounds {
            for (p, r) in &requests {
                if explain {
                    black_box(evaluate(black_box(&sets[*p]), black_box(r)));
                } else {
                    black_box(decide(black_box(&sets[*p]), black_box(r)));
                }
                n += 1;
            }
        }
        let secs = start.elapsed().as_secs_f64();
        let cpu = match (cpu_start, cpu_nanos()) {
            (Some(a), Some(b)) if b > a => {
                let cpu_secs = (b - a) as f64 / 1e9;
                format!(
                    "; {cpu_secs:.3} s on CPU = {:.0} requests per CPU-second",
                    n as f64 / cpu_secs
                )
            }
            _ => String::new(),
        };
        println!(
            "{name}: {n} requests in {secs:.3} s = {:.0} requests/second{cpu}",
            n as f64 / secs
        );
    }
}
