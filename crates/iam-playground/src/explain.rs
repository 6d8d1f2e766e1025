//! `iam-playground explain-denied`: the AccessDenied decoder on the command line.
//!
//! The input is an AccessDenied message, the output of `aws sts decode-authorization-message`
//! or a CloudTrail event: a positional argument that names an existing file (or `-` for
//! standard input) is read from there, anything else is the text itself. With `--scenario`
//! the engine's [`Workbench::explain_denied`] simulates the rebuilt request and proposes a
//! verified fix; without it the request and the reason AWS gave are explained from the input
//! alone.

use std::fmt::Write as _;
use std::process::ExitCode;

use clap::Args;
use iam_engine::catalog::Catalog;
use iam_engine::denied::{ClaimKind, DeniedRequest, InputKind, PrincipalKind, parse_denied};
use iam_engine::eval::Decision;
use iam_engine::workbench::explain::{
    DeniedExplanation, FixStep, PrincipalMatch, Simulated, advice_from_claim,
};
use iam_engine::workbench::{CompileCache, Workbench};
use serde_json::json;

use crate::principal::{managed_policies, read_scenario};

/// Arguments of `explain-denied`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The AccessDenied message, or a file holding it (or a CloudTrail event, or the decoded
    /// authorization message); `-` reads standard input.
    #[arg(value_name = "MESSAGE|EVENT-FILE")]
    input: String,
    /// The scenario file (JSON) to simulate the request in.
    #[arg(long, value_name = "FILE")]
    scenario: Option<String>,
    /// Print the explanation as JSON.
    #[arg(long)]
    json: bool,
}

/// Runs `explain-denied`: exit status 0 when explained, 2 for unusable input.
pub fn run(args: ExplainArgs) -> ExitCode {
    let (text, origin) = match read_input(&args.input) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("iam-playground: {e}");
            return ExitCode::from(2);
        }
    };
    let Some(path) = &args.scenario else {
        let denied = match parse_denied(&text) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("{origin}:{e}");
                return ExitCode::from(2);
            }
        };
        let advice = advice_from_claim(&denied);
        if args.json {
            crate::io::outln(
                &serde_json::to_string_pretty(&json!({"denied": denied, "advice": advice}))
                    .unwrap_or_default(),
            );
        } else {
            let mut out = request_text(&denied);
            out.push_str("\nAdvice\n");
            for a in &advice {
                let _ = writeln!(out, "  - {a}");
            }
            out.push_str(
                "\nGive --scenario FILE to simulate the request and get a verified fix.\n",
            );
            crate::io::out(&out);
        }
        return ExitCode::SUCCESS;
    };
    let scenario = match read_scenario(path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("iam-playground: {e}");
            return ExitCode::from(2);
        }
    };
    let catalog = Catalog::parse(crate::CATALOG).ok();
    let managed = managed_policies();
    let cache = CompileCache::new();
    let bench = Workbench::new(&scenario, &cache)
        .with_catalog(catalog.as_ref())
        .with_managed(managed.as_ref());
    let explanation = match bench.explain_denied(&text, &now_iso()) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("{origin}:{e}");
            return ExitCode::from(2);
        }
    };
    if args.json {
        crate::io::outln(&serde_json::to_string_pretty(&explanation).unwrap_or_default());
    } else {
        crate::io::out(&explanation_text(&explanation));
    }
    ExitCode::SUCCESS
}

/// The input text and a name for it in error messages.
fn read_input(arg: &str) -> Result<(String, String), String> {
    // Files and standard input are read like every other command's input: capped, and
    // without a byte-order mark.
    if arg == "-" {
        return Ok((crate::io::read_input(arg)?, "<stdin>".to_string()));
    }
    if std::path::Path::new(arg).is_file() {
        return Ok((crate::io::read_input(arg)?, arg.to_string()));
    }
    Ok((arg.to_string(), "<message>".to_string()))
}

/// The current time as ISO 8601 UTC, the request time when the input carries none.
pub(crate) fn now_iso() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's
/// `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// The rebuilt request and the reason AWS gave, as lines.
fn request_text(denied: &DeniedRequest) -> String {
    let source = match denied.source {
        InputKind::Message => "an AccessDenied message",
        InputKind::DecodedAuthorization => "a decoded authorization message",
        InputKind::CloudTrailEvent => "a CloudTrail event",
    };
    let kind = match &denied.principal.kind {
        PrincipalKind::User => "IAM user".to_string(),
        PrincipalKind::Role => "IAM role".to_string(),
        PrincipalKind::RoleSession {
            role_arn,
            session_name,
        } => format!("session {session_name} of role {role_arn}"),
        PrincipalKind::Root => "root user".to_string(),
        PrincipalKind::FederatedUser { name } => format!("federated user {name}"),
        PrincipalKind::Service => "AWS service".to_string(),
        PrincipalKind::Anonymous => "anonymous caller".to_string(),
    };
    let mut out = format!("Request (read from {source})\n");
    let _ = writeln!(out, "  principal: {} ({kind})", denied.principal.arn);
    let _ = writeln!(out, "  action:    {}", denied.action);
    let _ = writeln!(
        out,
        "  resource:  {}",
        denied.resource.as_deref().unwrap_or("(none named)")
    );
    for c in &denied.context {
        let _ = writeln!(out, "  context:   {} = {}", c.key, c.values.join(", "));
    }
    let claim = match &denied.claimed {
        None => "no reason given".to_string(),
        Some(c) => {
            let words = c.layer.words();
            match c.kind {
                ClaimKind::NoAllow => format!("no {words} allows the action"),
                ClaimKind::ExplicitDeny => format!("an explicit deny in a {words}"),
                ClaimKind::ImplicitDeny => format!("an implicit deny in a {words}"),
            }
        }
    };
    let _ = writeln!(out, "  AWS says:  {claim}");
    out
}

/// The whole explanation, as lines for a terminal.
fn explanation_text(e: &DeniedExplanation) -> String {
    let mut out = request_text(&e.denied);
    out.push_str("\nIn the scenario\n");
    match &e.principal {
        PrincipalMatch::Found { principal } => {
            let _ = writeln!(out, "  principal: {principal}");
        }
        PrincipalMatch::Missing { principal, add } => {
            let _ = writeln!(
                out,
                "  principal: {principal} is not in the scenario; simulated as if added ({})",
                add.label
            );
        }
        PrincipalMatch::External { principal } => {
            let _ = writeln!(
                out,
                "  principal: {principal} (not an entity of the scenario)"
            );
        }
    }
    match &e.simulated {
        Simulated::Decided {
            decision,
            denying_layers,
            agreement,
            ..
        } => {
            let d = match decision {
                Decision::Allowed => "allowed",
                Decision::ExplicitDeny => "explicitly denied",
                Decision::ImplicitDeny => "implicitly denied",
            };
            let layer = denying_layers
                .first()
                .map_or(String::new(), |l| format!(" (by the {})", l.words()));
            let _ = writeln!(out, "  decision:  {d}{layer}");
            let _ = writeln!(out, "  why:       {}", e.reason);
            let verdict = if agreement.decision_agrees && agreement.reason_agrees {
                "agrees"
            } else {
                "DISAGREES"
            };
            let _ = writeln!(out, "  AWS's claim {verdict}: {}", agreement.message);
        }
        _ => {
            let _ = writeln!(out, "  why:       {}", e.reason);
        }
    }
    if let Some(fix) = &e.fix {
        let _ = writeln!(
            out,
            "\nFix{}: {}",
            if fix.verified {
                " (verified: the request is then allowed)"
            } else {
                ""
            },
            fix.label
        );
        for step in &fix.steps {
            let _ = writeln!(out, "  - {}", step.describe());
            if let FixStep::PutInlinePolicy { document, .. } = step {
                for line in document.lines() {
                    let _ = writeln!(out, "      {line}");
                }
            }
        }
    }
    if !e.notes.is_empty() {
        out.push_str("\nNotes\n");
        for n in &e.notes {
            let _ = writeln!(out, "  - {n}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::civil_from_days;

    #[test]
    fn days_become_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_780), (2026, 11, 23));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }
}
