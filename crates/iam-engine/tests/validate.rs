//! Validation fixtures and the AWS-managed policy sweep.
//!
//! Each check has one file `tests/fixtures/validate/<code>.txt`:
//!
//! ```text
//! policy-type: identity
//! span: "Alow"
//! === trigger
//! { ...policy that must draw the finding... }
//! === near-miss
//! { ...policy that must not... }
//! ```
//!
//! The trigger must produce a finding with the file's code, the check's severity and a
//! primary span covering exactly the `span` text; the near miss must produce no finding with
//! that code. Both run with the committed action catalog. A check without a fixture, or a
//! fixture without a check, fails the run.

// Test helpers may panic on broken fixtures: that is how they fail.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;
use std::path::Path;

use iam_engine::catalog::{Catalog, ManagedPolicies};
use iam_engine::policy::PolicyType;
use iam_engine::validate::{CHECKS, Quota, ValidateOptions, check, validate_with};
use serde::Deserialize;

const CATALOG: &str = include_str!("../../../static/data/iam-catalog.txt");
const MANAGED: &str = include_str!("../../../static/data/managed-policies.txt");

fn policy_type(name: &str) -> PolicyType {
    match name {
        "identity" => PolicyType::Identity,
        "resource" => PolicyType::Resource,
        "trust" => PolicyType::Trust,
        "boundary" => PolicyType::PermissionsBoundary,
        "scp" => PolicyType::Scp,
        "rcp" => PolicyType::Rcp,
        "session" => PolicyType::Session,
        other => panic!("unknown policy type {other}"),
    }
}

fn quota(name: &str) -> Quota {
    Quota::ALL
        .into_iter()
        .find(|q| serde_json::to_string(q).unwrap() == format!("\"{name}\""))
        .unwrap_or_else(|| panic!("unknown quota {name}"))
}

struct Case {
    policy_type: PolicyType,
    quota: Option<Quota>,
    span: String,
    trigger: String,
    near_miss: String,
}

/// A fixture's header lines (`key: value`), read strictly: a misspelled key fails the run
/// instead of being ignored.
#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct Header {
    policy_type: Option<String>,
    /// The trigger text the finding's primary span must cover, as a JSON string.
    span: String,
    quota: Option<String>,
}

fn read_case(path: &Path) -> Case {
    let text = std::fs::read_to_string(path).unwrap();
    let (header, rest) = text.split_once("=== trigger\n").expect("=== trigger");
    let (trigger, near_miss) = rest.split_once("=== near-miss\n").expect("=== near-miss");
    let mut fields = serde_json::Map::new();
    for line in header.lines().filter(|l| !l.trim().is_empty()) {
        let (k, v) = line.split_once(':').expect("key: value");
        let old = fields.insert(k.trim().to_owned(), v.trim().into());
        assert!(old.is_none(), "{}: {k} given twice", path.display());
    }
    let header: Header =
        serde_json::from_value(fields.into()).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let span: String = serde_json::from_str(&header.span).expect("span is a JSON string");
    let pt = policy_type(header.policy_type.as_deref().unwrap_or("identity"));
    Case {
        policy_type: pt,
        quota: header
            .quota
            .as_deref()
            .map(quota)
            .or(Quota::default_for(pt)),
        span,
        trigger: trigger.strip_suffix('\n').unwrap_or(trigger).to_owned(),
        near_miss: near_miss.to_owned(),
    }
}

#[test]
fn every_check_has_a_passing_fixture_pair() {
    let catalog = Catalog::parse(CATALOG).unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/validate");
    let mut seen = Vec::new();
    let mut failures = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let code = path.file_stem().unwrap().to_str().unwrap().to_owned();
        let Some(c) = check(&code) else {
            failures.push(format!("{code}: fixture for a code that is not a check"));
            continue;
        };
        seen.push(code.clone());
        let case = read_case(&path);
        let options = ValidateOptions {
            policy_type: case.policy_type,
            catalog: Some(&catalog),
            quota: case.quota,
        };
        let found = validate_with(&case.trigger, &options);
        let hit = found.iter().find(|f| f.code == code);
        match hit {
            None => failures.push(format!(
                "{code}: trigger draws no finding; got {:?}",
                found.iter().map(|f| &f.code).collect::<Vec<_>>()
            )),
            Some(f) => {
                if f.severity != c.severity {
                    failures.push(format!(
                        "{code}: severity {:?}, table says {:?}",
                        f.severity, c.severity
                    ));
                }
                let covered = f.span.slice(&case.trigger);
                if covered != case.span {
                    failures.push(format!(
                        "{code}: span covers {covered:?}, expected {:?}",
                        case.span
                    ));
                }
                assert!(!f.learn_more.is_empty());
                assert!(!f.message.is_empty());
            }
        }
        let found = validate_with(&case.near_miss, &options);
        if found.iter().any(|f| f.code == code) {
            failures.push(format!("{code}: near miss draws the finding"));
        }
    }
    for c in CHECKS {
        if !seen.iter().any(|s| s == c.code) {
            failures.push(format!("{}: no fixture", c.code));
        }
    }
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn aws_managed_policies_draw_no_errors() {
    let catalog = Catalog::parse(CATALOG).unwrap();
    let managed = ManagedPolicies::parse(MANAGED).unwrap();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut errors = Vec::new();
    for p in managed.iter() {
        // AWS-managed policies are not held to the customer managed policy quota.
        let options = ValidateOptions {
            policy_type: PolicyType::Identity,
            catalog: Some(&catalog),
            quota: None,
        };
        for f in validate_with(p.document, &options) {
            if f.is_error() {
                let text: String = f.span.slice(p.document).chars().take(80).collect();
                errors.push(format!("{}: {} {text:?}: {}", p.name, f.code, f.message));
            }
            *counts
                .entry(format!("{:?} {}", f.severity, f.code))
                .or_default() += 1;
        }
    }
    println!(
        "{} managed policies validated; findings per code:",
        managed.len()
    );
    for (code, n) in &counts {
        println!("{n:>6}  {code}");
    }
    assert!(
        errors.is_empty(),
        "{} errors:\n{}",
        errors.len(),
        errors
            .iter()
            .take(60)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn gallery_policies_draw_no_errors() {
    let catalog = Catalog::parse(CATALOG).unwrap();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut errors = Vec::new();
    let mut documents = 0;
    for entry in iam_engine::scenario::gallery() {
        for doc in entry.scenario.policy_texts() {
            let (text, name) = (doc.text, format!("{:?} {:?}", doc.target, doc.document));
            documents += 1;
            let options = ValidateOptions {
                policy_type: doc.policy_type,
                catalog: Some(&catalog),
                quota: None,
            };
            for f in validate_with(text, &options) {
                if f.is_error() {
                    errors.push(format!(
                        "{} / {name}: {} {:?}",
                        entry.id,
                        f.code,
                        f.span.slice(text)
                    ));
                }
                *counts
                    .entry(format!("{:?} {}", f.severity, f.code))
                    .or_default() += 1;
            }
        }
    }
    println!("{documents} gallery policy documents validated; findings per code:");
    for (code, n) in &counts {
        println!("{n:>6}  {code}");
    }
    assert!(
        errors.is_empty(),
        "{} errors:\n{}",
        errors.len(),
        errors.join("\n")
    );
}

#[test]
fn every_prefix_of_a_policy_validates_with_the_catalog() {
    let catalog = Catalog::parse(CATALOG).unwrap();
    let text = r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":["s3:Get*","iam:PassRole","sts:AssumeRole"],"Resource":["arn:aws:s3:::b/${aws:username}/*","arn:aws:iam::*:role/x","*"],"Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","203.0.113.9/24"]},"ForAllValues:StringLike":{"aws:TagKeys":"a*","s3:prefix":"x"},"DateLessThan":{"aws:CurrentTime":"2026-13-01"}}}]}"#;
    for end in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
        let prefix = &text[..end];
        for t in [
            PolicyType::Identity,
            PolicyType::Resource,
            PolicyType::Trust,
            PolicyType::Scp,
        ] {
            let options = ValidateOptions {
                policy_type: t,
                catalog: Some(&catalog),
                quota: Quota::default_for(t),
            };
            for f in validate_with(prefix, &options) {
                assert!(
                    prefix.get(f.span.start..f.span.end).is_some(),
                    "{prefix}: {f:?}"
                );
            }
        }
    }
}
