//! `iam-playground validate`: policy validation findings for files, directories or standard
//! input, as text, JSON or SARIF 2.1.0.
//!
//! Each path is a file or a directory. A directory is walked in name order, skipping hidden
//! directories, `node_modules` and `target`; of its files, those ending in `.json`, `.yaml`,
//! `.yml` or `.template` are read and kept when they are a policy, a CloudFormation template,
//! the output of `aws iam get-account-authorization-details`, Terraform's `terraform show
//! -json` of a plan or state, or a scenario file (judged by their top-level keys), and the
//! others are skipped. A file named on the command line is always read; one that is none of
//! these kinds is validated as a policy when it is JSON (or standard input), unless
//! `--skip-unknown` says to skip it. Terraform configuration files (`.tf`) are read as
//! Terraform does: a directory's `.tf` files together as one configuration (so a data source
//! in one file can make the policy a role in another uses), and the `.tf` files named on the
//! command line together too (those of one directory, as a module). The policies inside a template, authorization details,
//! Terraform or a scenario are validated with their own policy types (see
//! `iam_engine::validate::files`), and findings point at the file's lines (for Terraform, the
//! line of the attribute that holds the policy).
//!
//! The action catalog is embedded in the binary (the CLI is native, so the megabyte costs
//! nothing at start-up that matters and the command works with no data files around it).
//! Exit status: 0 when no finding is an error, 1 when one is, 2 when an input is unusable (a
//! path that cannot be read, text that is not UTF-8, a file over `--max-input-bytes`); the
//! other inputs are still validated and reported.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use iam_engine::catalog::Catalog;
use iam_engine::diagnostic::cap_per_code;

use crate::CATALOG;
use iam_engine::import::TerraformFile;
use iam_engine::policy::PolicyType;
use iam_engine::span::LineIndex;
use iam_engine::validate::files::{
    FileKind, FileReport, detect, validate_file, validate_terraform_files,
};
use iam_engine::validate::sarif::{Artifact, Notice, file_uri, sarif_log};
use iam_engine::validate::{Finding, Quota, ValidateOptions, render_findings};
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
    /// The output: `text` (the offending lines underlined), `json`, or `sarif` (SARIF 2.1.0,
    /// for code scanning).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Skip named files that are no policy, template, authorization details or scenario, as a
    /// directory walk does (for pre-commit, which names every staged JSON and YAML file).
    #[arg(long)]
    skip_unknown: bool,
    /// Print the findings as JSON (the same as `--format json`).
    #[arg(long, conflicts_with = "format")]
    json: bool,
    /// Policy files, CloudFormation templates, authorization details, Terraform (`.tf` files,
    /// or `terraform show -json` of a plan or state) or scenario files, and directories of them
    /// (walked; hidden directories, node_modules and target are skipped; a directory's `.tf`
    /// files are read together as one configuration, as are the `.tf` files named in one
    /// directory); `-` for
    /// standard input.
    #[arg(value_name = "PATH", required = true)]
    paths: Vec<String>,
}

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
    Sarif,
}

/// The policy types the command accepts (the MCP server's tools take the same names).
#[derive(Debug, Clone, Copy, ValueEnum, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
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

/// One file's `--json` answer (with several files, an array of these).
#[derive(Serialize)]
struct JsonReport<'a> {
    file: &'a str,
    /// What the file was read as: `policy`, `cloudformation`, `authorization-details`,
    /// `terraform` or `scenario`.
    kind: &'static str,
    /// The type a policy file was validated as (the policies inside other files have their
    /// own, named in each finding's message).
    policy_type: PolicyType,
    catalog: bool,
    findings: Vec<JsonFinding<'a>>,
    /// Findings left out of `findings`: past the first
    /// [`iam_engine::diagnostic::MAX_SHOWN_PER_CODE`] of a code, how many more there are.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    omitted: Vec<Omitted>,
    /// What could not be validated in the file.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    notes: &'a [String],
}

/// The findings of one code left out of the `--json` answer.
#[derive(Serialize)]
struct Omitted {
    code: String,
    count: usize,
}

/// An input to read: standard input, a file named on the command line, one found in a
/// directory, or Terraform configuration files read together (a directory's, or those named).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Input {
    Stdin,
    Named(PathBuf),
    Found(PathBuf),
    Terraform(Vec<PathBuf>),
}

/// Adds a `.tf` file to the configuration whose place in `out` is `slot` (made at the first).
fn add_terraform(out: &mut Vec<Input>, slot: &mut Option<usize>, path: PathBuf) {
    if let Some(Input::Terraform(files)) = slot.and_then(|i| out.get_mut(i)) {
        files.push(path);
        return;
    }
    *slot = Some(out.len());
    out.push(Input::Terraform(vec![path]));
}

/// The directories a walk does not enter (besides hidden ones).
const SKIPPED_DIRS: [&str; 2] = ["node_modules", "target"];

/// The file names a walk reads.
fn walked_kind(path: &Path) -> Option<bool> {
    let name = path.file_name()?.to_str()?;
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("json" | "yaml" | "yml" | "template") => Some(true),
        Some("tf") => Some(false),
        _ => None,
    }
}

/// The inputs `paths` name, directories walked in name order. A path that cannot be listed is
/// an error message.
fn collect(paths: &[String]) -> (Vec<Input>, Vec<String>) {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    // The `.tf` files named in one directory are one configuration (a module), validated
    // where the first is named.
    let mut named_terraform: Vec<(PathBuf, Option<usize>)> = Vec::new();
    for p in paths {
        if p == "-" {
            inputs.push(Input::Stdin);
            continue;
        }
        let path = Path::new(p.strip_prefix("file://").unwrap_or(p));
        if path.is_dir() {
            walk(path, &mut inputs, &mut errors);
        } else if walked_kind(path) == Some(false) {
            let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
            let i = match named_terraform.iter().position(|(d, _)| *d == dir) {
                Some(i) => i,
                None => {
                    named_terraform.push((dir, None));
                    named_terraform.len() - 1
                }
            };
            if let Some((_, slot)) = named_terraform.get_mut(i) {
                add_terraform(&mut inputs, slot, path.to_path_buf());
            }
        } else {
            inputs.push(Input::Named(path.to_path_buf()));
        }
    }
    (inputs, errors)
}

/// Walks `dir` depth-first in name order; its `.tf` files are one configuration, validated
/// where the first is found. Symbolic links to directories are not followed, so a link cycle
/// cannot loop.
fn walk(dir: &Path, out: &mut Vec<Input>, errors: &mut Vec<String>) {
    let mut entries: Vec<_> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(Result::ok).collect(),
        Err(e) => {
            errors.push(format!("cannot read {}: {e}", dir.display()));
            return;
        }
    };
    entries.sort_by_key(std::fs::DirEntry::file_name);
    let mut terraform = None;
    for entry in entries {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let Ok(file_type) = entry.file_type() else {
            continue;
        };
        if file_type.is_dir() {
            if !name.starts_with('.') && !SKIPPED_DIRS.contains(&name.as_ref()) {
                walk(&path, out, errors);
            }
            continue;
        }
        // A link to a file is read; a link to a directory is not followed.
        if file_type.is_symlink() && !path.is_file() {
            continue;
        }
        match walked_kind(&path) {
            Some(true) => out.push(Input::Found(path)),
            Some(false) => add_terraform(out, &mut terraform, path),
            None => {}
        }
    }
}

/// A path as the messages show it.
fn display(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// A file read and validated.
struct Checked {
    /// The name messages use (the path as given, or `<stdin>`).
    name: String,
    /// The SARIF artifact URI.
    uri: String,
    text: String,
    report: FileReport,
}

/// The SARIF URI of a path: relative to the working directory when it is inside it, a
/// `file://` URI when it is elsewhere.
fn uri_of(path: &Path) -> String {
    if path.is_absolute() {
        if let Some(rel) = std::env::current_dir()
            .ok()
            .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        {
            return file_uri(&rel.to_string_lossy());
        }
        return format!("file://{}", file_uri(&path.to_string_lossy()));
    }
    file_uri(&path.to_string_lossy())
}

/// The word `--json` uses for a kind.
fn kind_word(kind: FileKind) -> &'static str {
    match kind {
        FileKind::Policy => "policy",
        FileKind::CloudFormation => "cloudformation",
        FileKind::AuthorizationDetails => "authorization-details",
        FileKind::Scenario => "scenario",
        FileKind::Terraform => "terraform",
    }
}

/// Runs the command.
pub fn run(args: ValidateArgs) -> ExitCode {
    let format = if args.json { Format::Json } else { args.format };
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

    let mut notes: Vec<(String, String)> = Vec::new();
    let (inputs, errors) = collect(&args.paths);
    let mut unusable = !errors.is_empty();
    for e in &errors {
        eprintln!("iam-playground: {e}");
    }
    let mut checked: Vec<Checked> = Vec::new();
    for input in &inputs {
        let (source, name, uri) = match input {
            Input::Stdin => ("-".to_string(), "<stdin>".to_string(), "stdin".to_string()),
            Input::Named(p) | Input::Found(p) => (display(p), display(p), uri_of(p)),
            Input::Terraform(paths) => {
                let (files, failed) = terraform_configuration(paths, &options, &mut notes);
                unusable |= failed;
                checked.extend(files);
                continue;
            }
        };
        let text = match crate::read_input(&source) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("iam-playground: {e}");
                unusable = true;
                continue;
            }
        };
        let kind = match (detect(&text), input) {
            (Some(kind), _) => kind,
            (None, Input::Found(_)) => continue,
            (None, Input::Named(_)) if args.skip_unknown => continue,
            (None, Input::Stdin) => FileKind::Policy,
            (None, Input::Terraform(_)) => continue,
            (None, Input::Named(p)) => {
                let json = p.extension().is_none_or(|e| e.eq_ignore_ascii_case("json"))
                    || text.trim_start().starts_with('{');
                if json {
                    FileKind::Policy
                } else {
                    notes.push((
                        name.clone(),
                        "skipped: not a policy, CloudFormation template, authorization details or scenario".to_string(),
                    ));
                    continue;
                }
            }
        };
        let report = validate_file(&text, kind, &options);
        for n in &report.notes {
            notes.push((name.clone(), n.clone()));
        }
        checked.push(Checked {
            name,
            uri,
            text,
            report,
        });
    }
    for (file, note) in &notes {
        eprintln!("note: {file}: {note}");
    }

    let printed = match format {
        Format::Sarif => print_sarif(&checked, &notes),
        Format::Json => print_json(&checked, policy_type, catalog.is_some()),
        Format::Text => {
            print_text(&checked);
            true
        }
    };
    if !printed || unusable {
        ExitCode::from(2)
    } else if checked
        .iter()
        .any(|c| c.report.findings.iter().any(Finding::is_error))
    {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The `.tf` files of one configuration, read and validated together (references between
/// them resolve), each with its own findings; and whether a file could not be read (the
/// others are still validated).
fn terraform_configuration(
    paths: &[PathBuf],
    options: &ValidateOptions<'_>,
    notes: &mut Vec<(String, String)>,
) -> (Vec<Checked>, bool) {
    let mut failed = false;
    let mut read: Vec<(&PathBuf, TerraformFile)> = Vec::new();
    for p in paths {
        match crate::read_input(&display(p)) {
            Ok(text) => read.push((
                p,
                TerraformFile {
                    name: display(p),
                    text,
                },
            )),
            Err(e) => {
                eprintln!("iam-playground: {e}");
                failed = true;
            }
        }
    }
    let files: Vec<TerraformFile> = read.iter().map(|(_, f)| f.clone()).collect();
    let reports = validate_terraform_files(&files, options);
    let checked = read
        .into_iter()
        .zip(reports)
        .map(|((p, file), report)| {
            for n in &report.notes {
                notes.push((file.name.clone(), n.clone()));
            }
            Checked {
                uri: uri_of(p),
                name: file.name,
                text: file.text,
                report,
            }
        })
        .collect();
    (checked, failed)
}

/// The text report: every file's findings rendered, then the counts.
fn print_text(checked: &[Checked]) {
    let mut all: Vec<Finding> = Vec::new();
    for c in checked {
        let rendered = render_findings(&c.report.findings, &c.text, &c.name);
        if !rendered.is_empty() {
            emit(&rendered.join("\n"));
        }
        all.extend(c.report.findings.iter().cloned());
    }
    if checked.len() != 1 {
        let policies: usize = checked.iter().map(|c| c.report.policies).sum();
        emit(&format!(
            "{} checked, {} validated",
            plural(checked.len(), "file"),
            plural(policies, "policy document"),
        ));
    }
    emit(&summary(&all));
}

/// One file's `--json` report.
fn json_report<'a>(
    name: &'a str,
    text: &str,
    report: &'a FileReport,
    policy_type: PolicyType,
    catalog: bool,
) -> JsonReport<'a> {
    // At most MAX_SHOWN_PER_CODE findings of each code are printed, in text and in JSON: a
    // mistake repeated on every line would otherwise print the text many times over.
    let (shown, omitted) = cap_per_code(&report.findings, |f| f.code.as_str());
    let index = LineIndex::new(text);
    JsonReport {
        file: name,
        kind: kind_word(report.kind),
        policy_type,
        catalog,
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
        notes: &report.notes,
    }
}

/// `validate --json -` of `text` with the catalog and the policy type's usual quota: the
/// report as JSON (a policy unless the text is a template, authorization details or a
/// scenario, as for standard input), and whether a finding is an error.
pub(crate) fn validate_text(
    text: &str,
    name: &str,
    policy_type: PolicyType,
) -> Result<(serde_json::Value, bool), String> {
    let catalog = Catalog::parse(CATALOG).ok();
    let options = ValidateOptions {
        policy_type,
        catalog: catalog.as_ref(),
        quota: Quota::default_for(policy_type),
    };
    let kind = detect(text).unwrap_or(FileKind::Policy);
    let report = validate_file(text, kind, &options);
    let json = json_report(name, text, &report, policy_type, catalog.is_some());
    let errors = report.findings.iter().any(Finding::is_error);
    serde_json::to_value(&json)
        .map(|v| (v, errors))
        .map_err(|e| format!("cannot write the findings: {e}"))
}

/// The `--json` report: one object for one file, an array for several.
fn print_json(checked: &[Checked], policy_type: PolicyType, catalog: bool) -> bool {
    let reports: Vec<JsonReport<'_>> = checked
        .iter()
        .map(|c| json_report(&c.name, &c.text, &c.report, policy_type, catalog))
        .collect();
    let json = match reports.as_slice() {
        [one] => serde_json::to_string_pretty(one),
        _ => serde_json::to_string_pretty(&reports),
    };
    match json {
        Ok(json) => {
            emit(&json);
            true
        }
        Err(e) => {
            eprintln!("iam-playground: cannot write the findings: {e}");
            false
        }
    }
}

/// The SARIF log: every finding (code scanning wants them all, so nothing is capped), and the
/// notes as the run's notifications.
fn print_sarif(checked: &[Checked], notes: &[(String, String)]) -> bool {
    let artifacts: Vec<Artifact<'_>> = checked
        .iter()
        .map(|c| Artifact {
            uri: &c.uri,
            text: &c.text,
            findings: &c.report.findings,
        })
        .collect();
    // Each note names its file, as text and as the notification's location.
    let texts: Vec<(String, String)> = notes
        .iter()
        .map(|(f, n)| (format!("{f}: {n}"), uri_of(Path::new(f))))
        .collect();
    let notices: Vec<Notice<'_>> = texts
        .iter()
        .map(|(text, uri)| Notice {
            uri: Some(uri),
            message: text,
        })
        .collect();
    let log = sarif_log(&artifacts, &notices, iam_engine::VERSION);
    match serde_json::to_string_pretty(&log) {
        Ok(json) => {
            emit(&json);
            true
        }
        Err(e) => {
            eprintln!("iam-playground: cannot write the SARIF log: {e}");
            false
        }
    }
}

/// `1 file`, `2 files`.
fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else if let Some(stem) = word.strip_suffix('y') {
        format!("{n} {stem}ies")
    } else {
        format!("{n} {word}s")
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
    format!(
        "{}, {}, {}, {}",
        plural(count(Severity::Error), "error"),
        plural(count(Severity::SecurityWarning), "security warning"),
        plural(count(Severity::Warning), "warning"),
        plural(count(Severity::Suggestion), "suggestion"),
    )
}
