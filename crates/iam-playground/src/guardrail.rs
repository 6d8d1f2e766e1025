//! `guardrail-table`: an SCP's or RCP's truth tables, the decision of that guardrail alone
//! per region of the context keys it reads, per action set, with "any" where a value does not
//! matter (the engine's `Workbench::guardrail_tables`).

use std::process::ExitCode;

use clap::{Args, ValueEnum};
use iam_engine::catalog::Catalog;
use iam_engine::scenario::Scenario;
use iam_engine::workbench::guardrail::{GuardrailRef, GuardrailTables, verdict_words};
use iam_engine::workbench::{CompileCache, Workbench};

/// An SCP or an RCP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    /// A service control policy.
    Scp,
    /// A resource control policy.
    Rcp,
}

/// Arguments of `guardrail-table`.
#[derive(Debug, Args)]
pub struct GuardrailArgs {
    /// The scenario file, CloudFormation template or authorization details (a path,
    /// `file://path`, or `-` for standard input).
    #[arg(long, value_name = "FILE")]
    scenario: String,
    /// The SCP or RCP, by name; without it, every SCP and RCP of the organization.
    #[arg(long, value_name = "NAME")]
    policy: Option<String>,
    /// Only SCPs or only RCPs.
    #[arg(long, value_enum)]
    kind: Option<Kind>,
    /// Only the policies of this organization level (1 is the root).
    #[arg(long, value_name = "N")]
    level: Option<usize>,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// The guardrails the arguments select, in the organization's order.
fn select(scenario: &Scenario, args: &GuardrailArgs) -> Result<Vec<GuardrailRef>, String> {
    let Some(org) = &scenario.organization else {
        return Err("the scenario's account is in no organization: it has no SCP or RCP".into());
    };
    let mut out = Vec::new();
    for (level, l) in org.levels.iter().enumerate() {
        if args.level.is_some_and(|n| n != level + 1) {
            continue;
        }
        for (scp, list) in [(true, &l.scps), (false, &l.rcps)] {
            if args.kind.is_some_and(|k| (k == Kind::Scp) != scp) {
                continue;
            }
            for (index, p) in list.iter().enumerate() {
                if args.policy.as_ref().is_none_or(|n| n.trim() == p.name) {
                    out.push(GuardrailRef { scp, level, index });
                }
            }
        }
    }
    if out.is_empty() {
        return Err(match &args.policy {
            Some(name) => {
                format!("no SCP or RCP named {name:?} (with the --kind and --level given)")
            }
            None => "the organization has no SCP or RCP (with the --kind and --level given)".into(),
        });
    }
    Ok(out)
}

/// `iam-playground guardrail-table`.
pub fn run(args: GuardrailArgs) -> ExitCode {
    let scenario = match crate::analysis::load(&args.scenario) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("iam-playground: {e}");
            return ExitCode::from(2);
        }
    };
    let refs = match select(&scenario, &args) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("iam-playground: {e}");
            return ExitCode::from(2);
        }
    };
    let catalog = Catalog::parse(crate::CATALOG).ok();
    let cache = CompileCache::new();
    let workbench = Workbench::new(&scenario, &cache).with_catalog(catalog.as_ref());
    let mut tables = Vec::new();
    for r in refs {
        match workbench.guardrail_tables(r) {
            Ok(t) => tables.push(t),
            Err(e) => {
                eprintln!("iam-playground: {}", e.message);
                return ExitCode::from(2);
            }
        }
    }
    if args.json {
        return match serde_json::to_string_pretty(&tables) {
            Ok(json) => {
                crate::io::outln(&json);
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("iam-playground: cannot write JSON: {e}");
                ExitCode::from(2)
            }
        };
    }
    let text: Vec<String> = tables.iter().map(tables_text).collect();
    crate::io::out(&text.join("\n"));
    ExitCode::SUCCESS
}

/// One guardrail's tables as text: a heading, then per action set its caption and an aligned
/// table (keys, then the verdict), "any" where the value does not matter.
pub fn tables_text(tables: &GuardrailTables) -> String {
    let mut out = format!("{}\n", tables.place);
    for n in &tables.notes {
        out.push_str(&format!("  note: {n}\n"));
    }
    let word = if tables.policy_type == iam_engine::policy::PolicyType::Scp {
        "SCP"
    } else {
        "RCP"
    };
    for g in &tables.groups {
        let statements = if g.statements.is_empty() {
            String::new()
        } else {
            format!(" (statements {})", g.statements.join(", "))
        };
        out.push_str(&format!(
            "\n  {}{statements}: {} on {}\n",
            g.actions, g.action, g.resource
        ));
        let t = &g.table;
        let mut rows: Vec<Vec<String>> = Vec::new();
        let mut head: Vec<String> = t.keys.iter().map(|k| k.key.clone()).collect();
        head.push(format!("This {word}"));
        rows.push(head);
        for row in &t.rows {
            let mut line: Vec<String> = t
                .keys
                .iter()
                .zip(&row.cells)
                .map(|(k, c)| {
                    c.and_then(|i| k.options.get(i))
                        .map_or_else(|| "any".to_string(), |o| o.label.clone())
                })
                .collect();
            line.push(verdict_words(row.decision).to_string());
            rows.push(line);
        }
        let widths: Vec<usize> = (0..=t.keys.len())
            .map(|c| {
                rows.iter()
                    .filter_map(|r| r.get(c))
                    .map(|s| s.chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        for r in &rows {
            let cells: Vec<String> = r
                .iter()
                .zip(&widths)
                .map(|(s, w)| format!("{s:<w$}"))
                .collect();
            out.push_str(&format!("    {}\n", cells.join("  ").trim_end()));
        }
        if !t.exact {
            out.push_str("    (not exact: too many combinations, each key was varied alone)\n");
        }
    }
    out
}
