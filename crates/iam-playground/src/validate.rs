//! `iam-playground validate`: policy validation findings for a file or standard input.
//!
//! The action catalog is embedded in the binary (the CLI is native, so the megabyte costs
//! nothing at start-up that matters and the command works with no data files around it).
//! Exit status: 0 when no finding is an error, 1 when one is, 2 when the input is unusable.

use std::process::ExitCode;

use clap::{Args, ValueEnum};
use iam_engine::catalog::Catalog;
use iam_engine::diagnostic::cap_per_code;

use crate::CATALOG;
use iam_engine::policy::PolicyType;
use iam_engine::span::LineIndex;
use iam_engine::validate::{Finding, Quota, ValidateOptions, render_findings, validate_with};
use serde::Serialize;

/// Arguments of `validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// What kind of policy the file holds.
    #[arg(long, value_enum, default_value_t = PolicyKind::Identity)]
    policy_type: PolicyKind,
    /// The size quota to check against (default: the usual one for the policy type).
    #[arg(long, value_enum)]
    quota: Option<QuotaKind>,
    /// Skip the checks that need the AWS action catalog.
    #[arg(long)]
    no_catalog: bool,
    /// Print the findings as JSON instead of text.
    #[arg(long)]
    json: bool,
    /// The policy file, or `-` for standard input.
    #[arg(value_name = "FILE")]
    file: String,
}

/// The policy types the command accepts.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum PolicyKind {
    Identity,
    Resource,
    Trust,
    Boundary,
    Scp,
    Rcp,
    Session,
    /// A VPC endpoint policy (resource-policy grammar with a Principal).
    VpcEndpoint,
}

impl From<PolicyKind> for PolicyType {
    fn from(k: PolicyKind) -> PolicyType {
        match k {
            PolicyKind::Identity => PolicyType::Identity,
            PolicyKind::Resource => PolicyType::Resource,
            PolicyKind::Trust => PolicyType::Trust,
            PolicyKind::Boundary => PolicyType::PermissionsBoundary,
            PolicyKind::Scp => PolicyType::Scp,
            PolicyKind::Rcp => PolicyType::Rcp,
            PolicyKind::Session => PolicyType::Session,
            PolicyKind::VpcEndpoint => PolicyType::VpcEndpoint,
        }
    }
}

/// The size quotas the command accepts.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum QuotaKind {
    Managed,
    UserInline,
    GroupInline,
    RoleInline,
    TrustPolicy,
    Scp,
    Rcp,
    VpcEndpoint,
    None,
}

/// A finding with its one-based positions, as `--json` prints it.
#[derive(Serialize)]
struct JsonFinding<'a> {
    #[serde(flatten)]
    finding: &'a Finding,
    start: iam_engine::span::LineCol,
    end: iam_engine::span::LineCol,
}

/// The whole `--json` answer.
#[derive(Serialize)]
struct JsonReport<'a> {
    file: &'a str,
    policy_type: PolicyType,
    catalog: bool,
    findings: Vec<JsonFinding<'a>>,
    /// Findings left out of `findings`: past the first
    /// [`iam_engine::diagnostic::MAX_SHOWN_PER_CODE`] of a code, how many more there are.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    omitted: Vec<Omitted>,
}

/// The findings of one code left out of the `--json` answer.
#[derive(Serialize)]
struct Omitted {
    code: String,
    count: usize,
}

/// Runs the command.
pub fn run(args: ValidateArgs) -> ExitCode {
    let text = match crate::read_input(&args.file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("iam-playground: {e}");
            return ExitCode::from(2);
        }
    };
    let catalog = if args.no_catalog {
        None
    } else {
        match Catalog::parse(CATALOG) {
            Ok(c) => Some(c),
            Err(e) => {
                // The embedded asset is checked by tests; if it ever fails, validate without it.
                eprintln!(
                    "iam-playground: the embedded catalog did not load ({e}); catalog checks skipped"
                );
                None
            }
        }
    };
    let policy_type = PolicyType::from(args.policy_type);
    let quota = match args.quota {
        None => Quota::default_for(policy_type),
        Some(QuotaKind::None) => None,
        Some(QuotaKind::Managed) => Some(Quota::Managed),
        Some(QuotaKind::UserInline) => Some(Quota::UserInline),
        Some(QuotaKind::GroupInline) => Some(Quota::GroupInline),
        Some(QuotaKind::RoleInline) => Some(Quota::RoleInline),
        Some(QuotaKind::TrustPolicy) => Some(Quota::TrustPolicy),
        Some(QuotaKind::Scp) => Some(Quota::Scp),
        Some(QuotaKind::Rcp) => Some(Quota::Rcp),
        Some(QuotaKind::VpcEndpoint) => Some(Quota::VpcEndpoint),
    };
    let options = ValidateOptions {
        policy_type,
        catalog: catalog.as_ref(),
        quota,
    };
    let findings = validate_with(&text, &options);
    let name = if args.file == "-" {
        "<stdin>"
    } else {
        args.file.as_str()
    };
    // At most MAX_SHOWN_PER_CODE findings of each code are printed, in text and in JSON: a
    // mistake repeated on every line would otherwise print the text many times over.
    let (shown, omitted) = cap_per_code(&findings, |f| f.code.as_str());
    let index = LineIndex::new(&text);
    if args.json {
        let report = JsonReport {
            file: name,
            policy_type,
            catalog: catalog.is_some(),
            omitted: omitted
                .iter()
                .map(|(code, count)| Omitted {
                    code: code.clone(),
                    count: *count,
                })
                .collect(),
            findings: shown
                .iter()
                .map(|f| JsonFinding {
                    finding: f,
                    start: index.line_col(f.span.start),
                    end: index.line_col(f.span.end),
                })
                .collect(),
        };
        match serde_json::to_string_pretty(&report) {
            Ok(json) => emit(&json),
            Err(e) => {
                eprintln!("iam-playground: cannot write the findings: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        let rendered = render_findings(&findings, &text, name);
        if !rendered.is_empty() {
            emit(&rendered.join("\n"));
        }
        emit(&summary(&findings));
    }
    if findings.iter().any(Finding::is_error) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Writes a line to standard output. A closed pipe (`| head`) is not an error worth a
/// message: the reader has what it wanted, and the exit status still reports the findings.
fn emit(text: &str) {
    crate::io::outln(text);
}

/// `2 errors, 1 security warning, 0 warnings, 3 suggestions`.
fn summary(findings: &[Finding]) -> String {
    use iam_engine::diagnostic::Severity;
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    format!(
        "{}, {}, {}, {}",
        plural(count(Severity::Error), "error"),
        plural(count(Severity::SecurityWarning), "security warning"),
        plural(count(Severity::Warning), "warning"),
        plural(count(Severity::Suggestion), "suggestion"),
    )
}
