//! `who-can`, `what-can` and `escalation`: the account analysis of a scenario file (or a
//! CloudFormation template, or the output of `aws iam get-account-authorization-details`, read
//! as `import` reads them), answered by the engine's workbench facade.

use std::process::ExitCode;

use clap::{Args, ValueEnum};
use iam_engine::catalog::Catalog;
use iam_engine::catalog::escalation::EscalationCatalog;
use iam_engine::import::{ImportOptions, detect_and_import};
use iam_engine::scenario::{ContextValue, Scenario};
use iam_engine::workbench::analysis::escalation::{
    EscalationReport, MAX_PATHS, MAX_PATHS_PER_PRINCIPAL,
};
use iam_engine::workbench::analysis::what_can::{
    CatalogColumns, WhatCanAnswer, WhatCanQuery, resolve_principal,
};
use iam_engine::workbench::analysis::who_can::{Access, WhoCanAnswer, WhoCanQuery, expand_actions};
use iam_engine::workbench::{CompileCache, Workbench};

use crate::principal::managed_policies;

/// The committed privilege-escalation catalog, embedded like the action catalog.
const ESCALATION_PATHS: &str = include_str!("../../../static/data/escalation-paths.txt");

/// Arguments of `who-can`.
#[derive(Debug, Args)]
pub struct WhoCanArgs {
    /// The scenario file, CloudFormation template or authorization details (a path,
    /// `file://path`, or `-` for standard input).
    #[arg(long, value_name = "FILE")]
    scenario: String,
    /// The actions: an action, a wildcard pattern (`s3:Delete*`), or a service and access
    /// level (`s3:Write`, `iam:PermissionsManagement`); repeat or separate with commas.
    #[arg(long, value_name = "ACTION", required = true, num_args = 1..)]
    action: Vec<String>,
    /// The resource ARN (default `*`).
    #[arg(long, value_name = "ARN", default_value = "*")]
    resource: String,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// Arguments of `what-can`.
#[derive(Debug, Args)]
pub struct WhatCanArgs {
    /// The scenario file, CloudFormation template or authorization details (a path,
    /// `file://path`, or `-` for standard input).
    #[arg(long, value_name = "FILE")]
    scenario: String,
    /// The principal: `root`, a user or role name, `user/NAME`, `role/NAME`, or the ARN of
    /// the root user, a user, a role or a role session.
    #[arg(long, value_name = "ARN_OR_NAME")]
    principal: String,
    /// The resource ARN or pattern (default `*`).
    #[arg(long, value_name = "ARN", default_value = "*")]
    resource: String,
    /// Context keys the answer may rely on, as for `simulate-principal-policy`: AWS's
    /// shorthand
    /// (`ContextKeyName=aws:RequestedRegion,ContextKeyValues=eu-west-1,ContextKeyType=string`)
    /// or JSON (inline or `file://PATH`). Actions that depend on other keys are conditional.
    #[arg(long = "context-entries", value_name = "ENTRY", num_args = 1..)]
    context_entries: Vec<String>,
    /// Print JSON instead of text.
    #[arg(long, conflicts_with = "policy")]
    json: bool,
    /// Print only the synthesized policy: one policy document that allows exactly the
    /// allowed actions, with wildcards that match no other action of the catalog.
    #[arg(long)]
    policy: bool,
}

/// What makes `escalation` exit with status 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// A principal that is not admin-equivalent can reach admin-equivalent access.
    Admin,
}

/// Arguments of `escalation`.
#[derive(Debug, Args)]
pub struct EscalationArgs {
    /// The scenario file, CloudFormation template or authorization details (a path,
    /// `file://path`, or `-` for standard input).
    #[arg(long, value_name = "FILE")]
    scenario: String,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
    /// Exit with status 1 when a principal that is not admin-equivalent can reach
    /// admin-equivalent access.
    #[arg(long, value_enum, value_name = "WHAT")]
    fail_on: Option<FailOn>,
    /// For each path, find the smallest edit that breaks it (verified by analysing the edited
    /// scenario again: one more analysis per path).
    #[arg(long)]
    fix: bool,
}

/// A path with its smallest fix, for `--json --fix`.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ReportWithFixes {
    #[serde(flatten)]
    pub(crate) report: EscalationReport,
    /// The smallest fix of each path, in the order of the paths (`null` when none is found).
    pub(crate) fixes: Vec<Option<String>>,
}

/// Reads the scenario the way `import` does: a scenario file, a template or authorization
/// details. Import notes go to standard error.
pub(crate) fn load(file: &str) -> Result<Scenario, String> {
    let text = crate::read_input(file)?;
    let name = if file == "-" { "<stdin>" } else { file };
    let (scenario, skipped) = load_text(&text, name)?;
    for s in &skipped {
        eprintln!("skipped: {s}");
    }
    Ok(scenario)
}

/// [`load`] of text already read (`name` names it in errors, with the line and column): the
/// scenario, and what the import skipped, one "what: why" line each.
pub(crate) fn load_text(text: &str, name: &str) -> Result<(Scenario, Vec<String>), String> {
    // The CLI's input cap is also the import's limit, as for `import`.
    let options = ImportOptions {
        account_id: None,
        max_bytes: usize::try_from(crate::io::max_input_bytes()).ok(),
    };
    let imported = detect_and_import(text, &options).map_err(|e| match (e.line, e.column) {
        (Some(l), Some(c)) => format!("{name}:{l}:{c}: {}", e.message),
        _ => format!("{name}: {}", e.message),
    })?;
    let skipped = imported
        .skipped
        .iter()
        .map(|s| format!("{}: {}", s.what, s.why))
        .collect();
    Ok((imported.scenario, skipped))
}

/// `iam-playground who-can`.
pub fn run_who_can(args: WhoCanArgs) -> ExitCode {
    let scenario = match load(&args.scenario) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("iam-playground: {e}");
            return ExitCode::from(2);
        }
    };
    let Some(answer) = who_can(&scenario, &args.action, &args.resource) else {
        eprintln!("iam-playground: --action names no action");
        return ExitCode::from(2);
    };
    if args.json {
        return print_json(&answer);
    }
    crate::io::out(&who_can_text(&answer));
    ExitCode::SUCCESS
}

/// Who can do `actions` (actions, patterns or service access levels) on `resource` in
/// `scenario`; `None` when `actions` names no action.
pub(crate) fn who_can(
    scenario: &Scenario,
    actions: &[String],
    resource: &str,
) -> Option<WhoCanAnswer> {
    let catalog = Catalog::parse(crate::CATALOG).ok();
    let actions = expand_actions(actions, catalog.as_ref());
    if actions.is_empty() {
        return None;
    }
    let managed = managed_policies();
    let cache = CompileCache::for_analysis();
    let workbench = Workbench::new(scenario, &cache)
        .with_catalog(catalog.as_ref())
        .with_managed(managed.as_ref());
    Some(workbench.who_can(&WhoCanQuery {
        actions,
        resource: resource.trim().to_string(),
        context: Vec::new(),
        assumers: true,
    }))
}

fn print_json<T: serde::Serialize>(value: &T) -> ExitCode {
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

/// The who-can answer as text: one line per principal and action, then its reasons.
fn who_can_text(answer: &WhoCanAnswer) -> String {
    let mut out = String::new();
    for action in &answer.actions {
        let entries: Vec<_> = answer
            .entries
            .iter()
            .filter(|e| &e.request.action == action)
            .collect();
        out.push_str(&format!(
            "{action} on {}: {} of {} principals\n",
            answer.resource,
            entries.len(),
            answer.principals_considered
        ));
        for e in entries {
            let access = match e.access {
                Access::Allowed => "allowed",
                Access::Conditional => "conditional",
                Access::Denied => "denied",
            };
            out.push_str(&format!("  {access:<12} {}\n", e.principal));
            for s in &e.request.statements {
                out.push_str(&format!("      by {s}\n"));
            }
            for c in &e.conditions {
                out.push_str(&format!("      {c}\n"));
            }
            for d in &e.denied_by {
                out.push_str(&format!("      {d}\n"));
            }
            for chain in &e.assumed_by {
                out.push_str(&format!("      reachable as {}\n", chain.join(" -> ")));
            }
        }
    }
    out
}

/// `iam-playground what-can`.
pub fn run_what_can(args: WhatCanArgs) -> ExitCode {
    let scenario = match load(&args.scenario) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("iam-playground: {e}");
            return ExitCode::from(2);
        }
    };
    let mut context = Vec::new();
    for arg in &args.context_entries {
        match crate::principal::parse_context_entries(arg) {
            Ok(entries) => context.extend(entries.into_iter().map(|e| ContextValue {
                key: e.key,
                ty: e.ty,
                values: e.values,
            })),
            Err(e) => {
                eprintln!("iam-playground: {e}");
                return ExitCode::from(2);
            }
        }
    }
    let answer = match what_can(&scenario, &args.principal, &args.resource, context) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("iam-playground: {e}");
            return ExitCode::from(2);
        }
    };
    if args.policy {
        return print_json(&answer.policy);
    }
    if args.json {
        return print_json(&answer);
    }
    crate::io::out(&what_can_text(&answer));
    ExitCode::SUCCESS
}

/// The what-can answer for `principal` (`root`, `user/NAME`, `role/NAME` or an ARN) of the
/// scenario on `resource`, with the context entries given: what `what-can` and the MCP tool
/// answer.
pub(crate) fn what_can(
    scenario: &Scenario,
    principal: &str,
    resource: &str,
    context: Vec<ContextValue>,
) -> Result<WhatCanAnswer, String> {
    let principal = resolve_principal(scenario, principal).map_err(|e| e.message)?;
    let catalog = Catalog::parse(crate::CATALOG)
        .map_err(|e| format!("the embedded action catalog is unusable ({e})"))?;
    let managed = managed_policies();
    let cache = CompileCache::new();
    let workbench = Workbench::new(scenario, &cache)
        .with_catalog(Some(&catalog))
        .with_managed(managed.as_ref());
    let mut columns = CatalogColumns::new(&catalog);
    workbench
        .what_can(
            &mut columns,
            &WhatCanQuery {
                principal,
                resource: resource.trim().to_string(),
                context,
            },
        )
        .map_err(|e| e.message)
}

/// How many actions a text line lists before it says how many more there are.
const LISTED: usize = 8;

/// `actions` joined, the first [`LISTED`] only.
fn some_of(actions: &[&str]) -> String {
    let mut text = actions
        .iter()
        .take(LISTED)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if actions.len() > LISTED {
        text.push_str(&format!(" and {} more", actions.len() - LISTED));
    }
    text
}

/// The what-can answer as text: the totals, then per service and access level the counts,
/// the conditional actions grouped by their condition and the removed ones by what removes
/// them.
fn what_can_text(answer: &WhatCanAnswer) -> String {
    let mut out = format!(
        "{} on {}: {} of {} actions allowed, {} conditional, {} removed by guardrails\n",
        answer.principal,
        answer.resource,
        answer.allowed,
        answer.actions_considered,
        answer.conditional,
        answer.removed
    );
    for service in &answer.services {
        out.push_str(&format!(
            "\n{} ({}): {} of {} allowed",
            service.service, service.name, service.allowed, service.total
        ));
        if service.conditional > 0 {
            out.push_str(&format!(", {} conditional", service.conditional));
        }
        if service.removed > 0 {
            out.push_str(&format!(", {} removed", service.removed));
        }
        out.push('\n');
        for level in &service.levels {
            out.push_str(&format!(
                "  {:<24} {} of {} allowed\n",
                level.level,
                level.allowed.len(),
                level.total
            ));
            let mut conditional: Vec<(String, Vec<&str>)> = Vec::new();
            for c in &level.conditional {
                let why = c.conditions.join("; ");
                match conditional.iter_mut().find(|(w, _)| *w == why) {
                    Some((_, list)) => list.push(&c.action),
                    None => conditional.push((why, vec![&c.action])),
                }
            }
            for (why, actions) in conditional {
                out.push_str(&format!("    conditional {}: {why}\n", some_of(&actions)));
            }
            let mut removed: Vec<(String, Vec<&str>)> = Vec::new();
            for r in &level.removed {
                let why = r.denied_by.join("; ");
                match removed.iter_mut().find(|(w, _)| *w == why) {
                    Some((_, list)) => list.push(&r.action),
                    None => removed.push((why, vec![&r.action])),
                }
            }
            for (why, actions) in removed {
                out.push_str(&format!("    removed {}: {why}\n", some_of(&actions)));
            }
        }
    }
    let patterns = match &answer.policy["Statement"][0]["Action"] {
        serde_json::Value::Array(list) => list.len(),
        serde_json::Value::String(_) => 1,
        _ => 0,
    };
    out.push_str(&format!(
        "\nSynthesized policy: {patterns} action pattern{} (--policy prints it; --json lists every action)\n",
        if patterns == 1 { "" } else { "s" }
    ));
    out
}

/// `iam-playground escalation`.
pub fn run_escalation(args: EscalationArgs) -> ExitCode {
    let scenario = match load(&args.scenario) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("iam-playground: {e}");
            return ExitCode::from(2);
        }
    };
    let answer = match escalation(&scenario, args.fix) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("iam-playground: {e}");
            return ExitCode::from(2);
        }
    };
    let printed = if args.json {
        print_json(&answer)
    } else {
        crate::io::out(&escalation_text(&answer.report, &answer.fixes));
        ExitCode::SUCCESS
    };
    if printed != ExitCode::SUCCESS {
        return printed;
    }
    match args.fail_on {
        Some(FailOn::Admin) if answer.report.has_path_to_admin() => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    }
}

/// The escalation paths of the scenario, with each path's smallest fix when `fix` is set:
/// what `escalation` and the MCP tool answer.
pub(crate) fn escalation(scenario: &Scenario, fix: bool) -> Result<ReportWithFixes, String> {
    let paths = EscalationCatalog::parse(ESCALATION_PATHS)
        .map_err(|e| format!("the embedded escalation catalog is unusable ({e})"))?;
    let managed = managed_policies();
    let cache = CompileCache::for_analysis();
    let workbench = Workbench::new(scenario, &cache).with_managed(managed.as_ref());
    let report = workbench.escalation_paths(&paths);
    let fixes: Vec<Option<String>> = if fix {
        report
            .paths
            .iter()
            .map(|p| workbench.smallest_fix(&paths, p).map(|f| f.summary))
            .collect()
    } else {
        Vec::new()
    };
    Ok(ReportWithFixes { report, fixes })
}

/// The escalation report as text: the admins, each path hop by hop, the catalog's coverage.
fn escalation_text(report: &EscalationReport, fixes: &[Option<String>]) -> String {
    let mut out = String::new();
    let admins = if report.admin_equivalent.is_empty() {
        "none".to_string()
    } else {
        report.admin_equivalent.join(", ")
    };
    out.push_str(&format!("Admin-equivalent already: {admins}\n"));
    if report.unlisted_paths > 0 {
        out.push_str(&format!(
            "Paths to admin: {} from {} principals (the shortest {} listed: at most {} per principal, {} in all)\n",
            report.paths_found(),
            report.principals_with_paths,
            report.paths.len(),
            MAX_PATHS_PER_PRINCIPAL,
            MAX_PATHS
        ));
    } else {
        out.push_str(&format!("Paths to admin: {}\n", report.paths.len()));
    }
    if let Some(searched) = report.searched_only {
        out.push_str(&format!(
            "The search stopped at its memory budget after {searched} of {} principals: the paths are theirs.\n",
            report.principals_considered
        ));
    }
    for (n, path) in report.paths.iter().enumerate() {
        out.push_str(&format!("\n{}. {}\n", n + 1, path.principal));
        for hop in &path.hops {
            out.push_str(&format!(
                "   {} ({}): {}\n",
                hop.path_id, hop.title, hop.summary
            ));
            if let Some(edit) = &hop.edit {
                out.push_str(&format!("     edit: {edit}\n"));
            }
            for q in hop.requests.iter().chain(&hop.after_edit) {
                let context: Vec<String> = q
                    .context
                    .iter()
                    .map(|c| format!("{}={}", c.key, c.values.join(",")))
                    .collect();
                let context = if context.is_empty() {
                    String::new()
                } else {
                    format!(" [{}]", context.join(", "))
                };
                out.push_str(&format!(
                    "     {} {} on {}{context}: allowed by {}\n",
                    q.principal,
                    q.action,
                    q.resource,
                    q.statements.join("; ")
                ));
            }
            if hop.reaches_admin {
                out.push_str(&format!("     {} is admin-equivalent\n", hop.to));
            }
            for r in &hop.references {
                out.push_str(&format!("     see {} <{}>\n", r.title, r.url));
            }
        }
        match fixes.get(n) {
            Some(Some(fix)) => out.push_str(&format!("   smallest fix: {fix}\n")),
            Some(None) => out.push_str("   smallest fix: none found\n"),
            None => {}
        }
    }
    out.push_str(&format!(
        "\nCatalog: {} paths, {} modelled, {} left out (--json lists why)\n",
        report.catalog_paths,
        report.modelled_paths,
        report.left_out.len()
    ));
    out
}
