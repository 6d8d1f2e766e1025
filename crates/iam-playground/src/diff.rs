//! `diff`: what a change grants or takes away. Both sides are scenario files, CloudFormation
//! templates or authorization-details files (read as `import` reads them), or, with
//! `--policy-type`, two versions of one policy document. Answered by the workbench facade
//! (`Workbench::diff`, `Workbench::diff_documents`); every group of differences carries a
//! witness request evaluated on both sides.

use std::process::ExitCode;

use clap::{Args, ValueEnum};
use iam_engine::catalog::{Catalog, ManagedPolicies};
use iam_engine::policy::{PolicyType, parse_policy};
use iam_engine::scenario::Scenario;
use iam_engine::span::LineIndex;
use iam_engine::workbench::analysis::diff::{
    DiffReport, Direction, DocumentDiff, Verdict, Witness, WitnessSide, summary_text,
};
use iam_engine::workbench::{CompileCache, Workbench};
use serde::Serialize;

use crate::analysis::load;
use crate::principal::managed_policies;
use crate::validate::PolicyKind;

/// What makes `diff` exit with status 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Some principal is newly allowed something.
    NewAccess,
    /// Some principal's access changes either way.
    AnyChange,
}

/// Arguments of `diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The version before the change: a scenario file, CloudFormation template or
    /// authorization details (a path, `file://path`, or `-` for standard input), or a policy
    /// document with `--policy-type`.
    #[arg(value_name = "BEFORE")]
    before: String,
    /// The version after the change, of the same kind.
    #[arg(value_name = "AFTER")]
    after: String,
    /// Compare two versions of one policy document of this type instead of two accounts.
    #[arg(long, value_enum, value_name = "TYPE")]
    policy_type: Option<PolicyKind>,
    /// Exit with status 1 when the change grants new access (`new-access`) or changes any
    /// access (`any-change`).
    #[arg(long, value_enum, value_name = "WHAT")]
    fail_on: Option<FailOn>,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// The JSON of `diff --json` on two accounts.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ScenarioDiffJson<'a> {
    verdict: Verdict,
    /// The summary's sentences joined (the report's `summary` lists them).
    summary_text: String,
    #[serde(flatten)]
    report: &'a DiffReport,
}

/// The JSON `diff --json` prints for two accounts.
fn scenario_json(report: &DiffReport) -> ScenarioDiffJson<'_> {
    ScenarioDiffJson {
        verdict: Verdict::of(report),
        summary_text: summary_text(report),
        report,
    }
}

/// `diff --json BEFORE AFTER` of two scenarios already read: the same JSON, and whether the
/// change grants new access.
pub(crate) fn diff_scenarios(
    before: &Scenario,
    after: &Scenario,
) -> Result<(serde_json::Value, bool), String> {
    let catalog = Catalog::parse(crate::CATALOG)
        .map_err(|e| format!("the embedded action catalog is unusable ({e})"))?;
    let managed = managed_policies();
    let cache = CompileCache::for_analysis();
    let workbench = Workbench::new(before, &cache)
        .with_catalog(Some(&catalog))
        .with_managed(managed.as_ref());
    let report = workbench.diff(after);
    serde_json::to_value(scenario_json(&report))
        .map(|v| (v, report.newly_allowed > 0))
        .map_err(|e| format!("cannot write JSON: {e}"))
}

/// Two versions of one policy document of `policy_type` compared (`diff --policy-type`, and
/// the MCP server's `diff_policies`). A version AWS would reject is refused with its errors'
/// places, `NAME:line:column: message (code)` joined by `; `, `names` naming the two versions;
/// so is a policy type the comparison does not model.
pub(crate) fn compare_documents(
    texts: [&str; 2],
    names: [&str; 2],
    policy_type: PolicyType,
    catalog: &Catalog,
    managed: Option<&ManagedPolicies>,
    cache: &CompileCache,
) -> Result<DocumentDiff, String> {
    for (name, text) in names.iter().zip(texts) {
        let parsed = parse_policy(text, policy_type);
        let index = LineIndex::new(text);
        let errors: Vec<String> = (parsed.diagnostics.iter().filter(|d| d.is_error()))
            .map(|d| {
                let at = index.line_col(d.span.start);
                format!(
                    "{name}:{}:{}: {} ({})",
                    at.line, at.column, d.message, d.code
                )
            })
            .collect();
        if !errors.is_empty() {
            return Err(crate::io::short(&errors.join("; ")));
        }
    }
    let empty = Scenario::new("111122223333");
    let workbench = Workbench::new(&empty, cache)
        .with_catalog(Some(catalog))
        .with_managed(managed);
    workbench
        .diff_documents(texts[0], texts[1], policy_type)
        .ok_or_else(|| {
            format!(
                "comparing two versions of a {} is not supported yet: compare two scenarios that hold it",
                policy_type.describe()
            )
        })
}

/// `iam-playground diff`.
pub fn run(args: DiffArgs) -> ExitCode {
    if args.before == "-" && args.after == "-" {
        eprintln!("iam-playground: only one side can be standard input");
        return ExitCode::from(2);
    }
    let catalog = match Catalog::parse(crate::CATALOG) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("iam-playground: the embedded action catalog is unusable ({e})");
            return ExitCode::from(2);
        }
    };
    let managed = managed_policies();
    let cache = CompileCache::for_analysis();
    let (report, text) = match args.policy_type {
        Some(kind) => {
            let (before, after) = match (
                crate::read_input(&args.before),
                crate::read_input(&args.after),
            ) {
                (Ok(b), Ok(a)) => (b, a),
                (Err(e), _) | (_, Err(e)) => {
                    eprintln!("iam-playground: {e}");
                    return ExitCode::from(2);
                }
            };
            let names =
                [&args.before, &args.after].map(|f| if f == "-" { "<stdin>" } else { f.as_str() });
            let d = match compare_documents(
                [&before, &after],
                names,
                PolicyType::from(kind),
                &catalog,
                managed.as_ref(),
                &cache,
            ) {
                Ok(d) => d,
                Err(e) => {
                    eprintln!("iam-playground: {e}");
                    return ExitCode::from(2);
                }
            };
            if args.json {
                return gate(print_json(&d), &d.report, args.fail_on);
            }
            let text = document_text(&d);
            (d.report, text)
        }
        None => {
            let (before, after) = match (load(&args.before), load(&args.after)) {
                (Ok(b), Ok(a)) => (b, a),
                (Err(e), _) | (_, Err(e)) => {
                    eprintln!("iam-playground: {e}");
                    return ExitCode::from(2);
                }
            };
            let workbench = Workbench::new(&before, &cache)
                .with_catalog(Some(&catalog))
                .with_managed(managed.as_ref());
            let report = workbench.diff(&after);
            if args.json {
                return gate(print_json(&scenario_json(&report)), &report, args.fail_on);
            }
            let text = report_text(&report);
            (report, text)
        }
    };
    crate::io::out(&text);
    gate(ExitCode::SUCCESS, &report, args.fail_on)
}

/// The exit status: `printed` unless the gate fails.
fn gate(printed: ExitCode, report: &DiffReport, fail_on: Option<FailOn>) -> ExitCode {
    let failed = match fail_on {
        Some(FailOn::NewAccess) => report.newly_allowed > 0,
        Some(FailOn::AnyChange) => !report.is_empty(),
        None => false,
    };
    if failed {
        eprintln!(
            "iam-playground: diff --fail-on {}: {}",
            match fail_on {
                Some(FailOn::NewAccess) => "new-access",
                _ => "any-change",
            },
            summary_text(report)
        );
        return ExitCode::from(1);
    }
    printed
}

fn print_json<T: Serialize>(value: &T) -> ExitCode {
    match serde_json::to_string_pretty(value) {
        Ok(json) => {
            crate::io::outln(&json);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("iam-playground: cannot write JSON: {e}");
            ExitCode::from(2)
        }
    }
}

/// How many actions a group's line lists before it says how many more there are.
const LISTED: usize = 6;

fn side_text(side: &WitnessSide) -> String {
    let mut text = side.decision.as_aws_str().to_string();
    if !side.reasons.is_empty() {
        text.push_str(&format!(" ({})", side.reasons.join("; ")));
    }
    text
}

fn witness_text(w: &Witness, out: &mut String) {
    out.push_str(&format!(
        "      witness: {} {} on {}",
        w.principal, w.action, w.resource
    ));
    for c in &w.context {
        out.push_str(&format!(" {}={}", c.key, c.values.join(",")));
    }
    if w.context.is_empty() {
        out.push_str(" (no context keys set)");
    }
    out.push('\n');
    out.push_str(&format!("        before: {}\n", side_text(&w.before)));
    out.push_str(&format!("        after:  {}\n", side_text(&w.after)));
    if !w.verified {
        out.push_str("        NOT VERIFIED: the simulator does not confirm this flip (a bug)\n");
    }
}

/// Above this many groups, a principal's changes are listed one line per service.
const GROUP_LINES: usize = 20;

/// How many per-service lines show their witness.
const WITNESSED_SERVICES: usize = 10;

fn sign(direction: Direction) -> char {
    match direction {
        Direction::NewlyAllowed => '+',
        Direction::NewlyDenied => '-',
    }
}

/// A principal's many groups, one line per direction and service with the counts by access
/// level; the first [`WITNESSED_SERVICES`] lines with a witness.
fn service_lines(
    change: &iam_engine::workbench::analysis::diff::PrincipalChange,
    out: &mut String,
) {
    /// One line: a direction, service and resource, with counts by level and a witness.
    struct Line<'a> {
        direction: Direction,
        service: &'a str,
        resource: &'a str,
        parts: Vec<String>,
        count: usize,
        witness: &'a Witness,
    }
    let mut lines: Vec<Line<'_>> = Vec::new();
    for g in &change.groups {
        let part = format!("{} {}", g.actions.len(), g.level.to_ascii_lowercase());
        match lines.iter_mut().find(|l| {
            l.direction == g.direction && l.service == g.service && l.resource == g.resource
        }) {
            Some(line) => {
                line.parts.push(part);
                line.count += g.actions.len();
            }
            None => lines.push(Line {
                direction: g.direction,
                service: &g.service,
                resource: &g.resource,
                parts: vec![part],
                count: g.actions.len(),
                witness: &g.witness,
            }),
        }
    }
    let total = lines.len();
    for (i, line) in lines.into_iter().enumerate() {
        out.push_str(&format!(
            "  {} {} on {} ({}): {}\n",
            sign(line.direction),
            line.service,
            line.resource,
            line.count,
            line.parts.join(", ")
        ));
        if i < WITNESSED_SERVICES {
            witness_text(line.witness, out);
        }
    }
    if total > WITNESSED_SERVICES {
        out.push_str(&format!(
            "  (witnesses of the other {} lines: --json lists every group with its witness)\n",
            total - WITNESSED_SERVICES
        ));
    }
}

/// The comparison as text for a CI log: the totals and the summary, then per principal one
/// line per group (`+` newly allowed, `-` newly denied) with its witness, then the model's
/// limits.
pub fn report_text(report: &DiffReport) -> String {
    let mut out = format!(
        "{} newly allowed, {} newly denied across {} of {} principals ({} actions x {} resource regions x {} context regions)\n",
        report.newly_allowed,
        report.newly_denied,
        report.changes.len(),
        report.principals_considered,
        report.actions_considered,
        report.regions.len(),
        report.contexts_considered
    );
    out.push_str(&format!("Summary: {}\n", summary_text(report)));
    for change in &report.changes {
        out.push_str(&format!(
            "\n{} ({}): +{} -{}\n",
            change.label, change.principal, change.newly_allowed, change.newly_denied
        ));
        if change.groups.len() > GROUP_LINES {
            service_lines(change, &mut out);
            continue;
        }
        for g in &change.groups {
            let listed: Vec<&str> = g.actions.iter().take(LISTED).map(String::as_str).collect();
            let mut actions = listed.join(", ");
            if g.actions.len() > LISTED {
                actions.push_str(&format!(" and {} more", g.actions.len() - LISTED));
            }
            out.push_str(&format!(
                "  {} {} {} on {} ({}): {actions}\n",
                sign(g.direction),
                g.service,
                g.level,
                g.resource,
                g.actions.len()
            ));
            witness_text(&g.witness, &mut out);
        }
    }
    if !report.outside_model.is_empty() {
        out.push_str("\nOutside the model:\n");
        for o in &report.outside_model {
            out.push_str(&format!("  - {o}\n"));
        }
    }
    out
}

/// A document comparison as text: the verdict with a witness per direction that differs,
/// then the full report.
fn document_text(d: &DocumentDiff) -> String {
    let mut out = format!(
        "Verdict: {} (the after version against the before one, read as {})\n",
        d.verdict.as_str(),
        d.policy_type.describe()
    );
    for (label, w) in [
        ("more permissive", &d.more_permissive_witness),
        ("less permissive", &d.less_permissive_witness),
    ] {
        if let Some(w) = w {
            out.push_str(&format!("  {label}:\n"));
            witness_text(w, &mut out);
        }
    }
    out.push('\n');
    out.push_str(&report_text(&d.report));
    out
}
