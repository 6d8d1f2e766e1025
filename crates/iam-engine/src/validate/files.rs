//! Validation of whole files, with the policies inside them: a policy document, a
//! CloudFormation template (YAML or JSON), the output of `aws iam
//! get-account-authorization-details`, Terraform (`terraform show -json` of a plan or state,
//! configuration files), or a scenario file.
//!
//! [`detect`] tells the kinds apart by their top-level keys; [`validate_file`] validates every
//! policy the file holds with the policy type it has where it is attached (an IAM policy is an
//! identity policy, a role's `AssumeRolePolicyDocument` a trust policy, a bucket, queue, topic
//! or key policy a resource policy, an organization's SCPs and RCPs as such) and gives each
//! finding a span **in the file**, so a finding about a template's policy points at the
//! template's line. The policies of templates, authorization details and Terraform are found by
//! the import (`crate::import::policies_in`), intrinsic functions and HCL expressions
//! evaluated; those of a scenario file are its document strings, and a span inside a string is
//! carried through its escapes. A Terraform policy's findings point at the line of its
//! attribute (`assume_role_policy = …`, `policy = …`): its document is evaluated, often from
//! a data source in another file. Several configuration files are read together by
//! [`validate_terraform_files`], so references between them resolve.
//!
//! A finding about an embedded policy starts with what the policy belongs to (`role AppRole
//! AssumeRolePolicyDocument: …`). A template that cannot be read at all gives one finding
//! with the import's error code (`import-yaml-syntax`, …) at the place of the mistake.

use crate::diagnostic::{Related, Severity};
use crate::import::{
    FoundPolicy, ImportError, ImportOptions, Skipped, TerraformFile, looks_like_terraform,
    policies_in, terraform_policies_in,
};
use crate::json;
use crate::policy::PolicyType;
use crate::span::{LineCol, LineIndex, Span};

use super::{Finding, Quota, ValidateOptions, validate_with};

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// One policy document (JSON).
    Policy,
    /// A CloudFormation template, YAML or JSON.
    CloudFormation,
    /// The output of `aws iam get-account-authorization-details`.
    AuthorizationDetails,
    /// A playground scenario file.
    Scenario,
    /// Terraform: `terraform show -json` of a plan or state, or configuration (HCL).
    Terraform,
}

impl FileKind {
    /// The kind in words, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            FileKind::Policy => "policy",
            FileKind::CloudFormation => "CloudFormation template",
            FileKind::AuthorizationDetails => "authorization details",
            FileKind::Scenario => "scenario",
            FileKind::Terraform => "Terraform configuration",
        }
    }
}

/// The top-level keys that make a mapping authorization details.
const AUTHZ_KEYS: [&str; 4] = [
    "UserDetailList",
    "GroupDetailList",
    "RoleDetailList",
    "Policies",
];

/// What `text` holds, judged by its top-level keys (a JSON object's members, a YAML
/// mapping's unindented keys); `None` when it is none of the kinds. A policy is a JSON object
/// with `Statement` or `Version`; Terraform is a JSON object with `format_version` and
/// `planned_values`, `values`, `resource_changes`, `prior_state` or `terraform_version`
/// (`terraform show -json`), or a text with a top-level Terraform block (`resource "…"`).
pub fn detect(text: &str) -> Option<FileKind> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let keys: Vec<String> = if text.trim_start().starts_with('{') {
        let parsed = json::parse(text);
        parsed
            .value
            .as_ref()
            .and_then(json::Value::as_object)
            .unwrap_or_default()
            .iter()
            .map(|m| m.key.clone())
            .collect()
    } else {
        // A YAML mapping's keys at the start of a line: `Resources:`, `"Resources":`.
        text.lines()
            .filter(|l| !l.starts_with([' ', '\t', '#', '-']))
            .filter_map(|l| {
                l.split_once(':')
                    .map(|(k, _)| k.trim().trim_matches(['"', '\'']))
            })
            .map(str::to_string)
            .collect()
    };
    let has = |k: &str| keys.iter().any(|key| key == k);
    let json = text.trim_start().starts_with('{');
    if has("formatVersion") {
        // Scenario files are JSON; their policies are found in the JSON text.
        json.then_some(FileKind::Scenario)
    } else if AUTHZ_KEYS.iter().any(|k| has(k)) {
        Some(FileKind::AuthorizationDetails)
    } else if has("Resources") || has("AWSTemplateFormatVersion") {
        Some(FileKind::CloudFormation)
    } else if json
        && has("format_version")
        && [
            "planned_values",
            "values",
            "resource_changes",
            "prior_state",
            "terraform_version",
        ]
        .iter()
        .any(|k| has(k))
    {
        Some(FileKind::Terraform)
    } else if json && (has("Statement") || has("Version")) {
        Some(FileKind::Policy)
    } else if looks_like_terraform(text) {
        Some(FileKind::Terraform)
    } else {
        None
    }
}

/// The findings of one file.
#[derive(Debug, Clone, PartialEq)]
pub struct FileReport {
    /// What the file was read as.
    pub kind: FileKind,
    /// Every finding, with spans in the file's text, in file order.
    pub findings: Vec<Finding>,
    /// How many policy documents were validated.
    pub policies: usize,
    /// What could not be validated (a document an intrinsic function hides), one sentence
    /// each.
    pub notes: Vec<String>,
}

/// Validates the policies of `text`, read as `kind`. `options` gives the catalog, and for a
/// [`FileKind::Policy`] the policy type and quota; the policies inside other files have the
/// type and the usual quota of where they are attached. Never fails: a file that cannot be
/// read gives a finding.
pub fn validate_file(text: &str, kind: FileKind, options: &ValidateOptions<'_>) -> FileReport {
    let mut report = FileReport {
        kind,
        findings: Vec::new(),
        policies: 0,
        notes: Vec::new(),
    };
    match kind {
        FileKind::Policy => {
            report.findings = validate_with(text, options);
            report.policies = 1;
        }
        FileKind::CloudFormation | FileKind::AuthorizationDetails | FileKind::Terraform => {
            embedded(text, options, &mut report);
        }
        FileKind::Scenario => scenario(text, options, &mut report),
    }
    report
        .findings
        .sort_by_key(|f| (f.span.start, f.span.end, f.severity));
    report
}

/// The policies of a template or of authorization details.
fn embedded(text: &str, options: &ValidateOptions<'_>, report: &mut FileReport) {
    // The import drops a byte-order mark; its offsets are after it.
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let import_options = ImportOptions {
        account_id: None,
        max_bytes: Some(text.len()),
    };
    match policies_in(text, &import_options) {
        Err(e) => unreadable(text, &e, report),
        Ok((imported, found)) => {
            report.notes.extend(
                imported
                    .skipped
                    .iter()
                    .filter(|s| is_about_a_document(s))
                    .map(|s| match s.line {
                        Some(l) => format!("line {l}: {}: {}", s.what, s.why),
                        None => format!("{}: {}", s.what, s.why),
                    }),
            );
            for f in &found {
                validate_found(f, text, bom, options, report);
            }
        }
    }
}

/// The finding of a file that cannot be read, at the place of the mistake.
fn unreadable(text: &str, e: &ImportError, report: &mut FileReport) {
    let at = match (e.line, e.column) {
        (Some(line), Some(column)) => LineIndex::new(text).offset(LineCol { line, column }),
        _ => 0,
    };
    report.findings.push(Finding {
        code: e.code.to_string(),
        severity: Severity::Error,
        message: format!(
            "The {} cannot be read: {}",
            report.kind.describe(),
            e.message
        ),
        help: None,
        learn_more: super::registry::FALLBACK_LEARN_MORE.to_string(),
        // The character at the place of the mistake (a multi-byte one whole).
        span: Span::new(
            at,
            at + text
                .get(at..)
                .and_then(|rest| rest.chars().next())
                .map_or(0, char::len_utf8),
        ),
        related: Vec::new(),
    });
}

/// Validates a policy found in `text` (whose first `bom` bytes the import dropped) with its own
/// type and usual quota, the findings placed in `text`.
fn validate_found(
    f: &FoundPolicy,
    text: &str,
    bom: usize,
    options: &ValidateOptions<'_>,
    report: &mut FileReport,
) {
    let file = text.get(bom..).unwrap_or_default();
    report.policies += 1;
    let o = ValidateOptions {
        policy_type: f.policy_type,
        catalog: options.catalog,
        quota: Quota::default_for(f.policy_type),
    };
    let shift = |s: Span| {
        let s = f.to_file(s, file);
        Span::new(s.start + bom, s.end + bom)
    };
    report.findings.extend(
        validate_with(&f.document, &o)
            .into_iter()
            .map(|mut finding| {
                finding.span = shift(finding.span);
                for r in &mut finding.related {
                    r.span = shift(r.span);
                }
                // A document placed as a whole (a Terraform attribute) maps every span to one
                // place: a related place there would repeat the finding's own.
                let span = finding.span;
                finding.related.retain(|r| r.span != span);
                finding.message = format!("{}: {}", f.what, finding.message);
                finding
            }),
    );
}

/// Validates Terraform configuration files read together as one configuration (a module's
/// `.tf` files), so a policy built by a data source in one file and used in another is found:
/// one report per file, in the order given, each finding at its policy's attribute in that
/// file. A configuration that cannot be read gives one finding, in the file of the mistake.
pub fn validate_terraform_files(
    files: &[TerraformFile],
    options: &ValidateOptions<'_>,
) -> Vec<FileReport> {
    let mut reports: Vec<FileReport> = files
        .iter()
        .map(|_| FileReport {
            kind: FileKind::Terraform,
            findings: Vec::new(),
            policies: 0,
            notes: Vec::new(),
        })
        .collect();
    let import_options = ImportOptions {
        account_id: None,
        max_bytes: Some(files.iter().map(|f| f.text.len()).sum()),
    };
    let index_of = |name: Option<&String>| {
        name.and_then(|n| files.iter().position(|f| &f.name == n))
            .unwrap_or(0)
    };
    match terraform_policies_in(files, &import_options) {
        Err(e) => {
            let i = index_of(e.file.as_ref());
            if let (Some(file), Some(report)) = (files.get(i), reports.get_mut(i)) {
                unreadable(&file.text, &e, report);
            }
        }
        Ok((imported, found)) => {
            for s in imported.skipped.iter().filter(|s| is_about_a_document(s)) {
                if let Some(report) = reports.get_mut(index_of(s.file.as_ref())) {
                    report.notes.push(match (s.line, s.column) {
                        (Some(l), Some(c)) => {
                            format!("line {l}, column {c}: {}: {}", s.what, s.why)
                        }
                        (Some(l), None) => format!("line {l}: {}: {}", s.what, s.why),
                        _ => format!("{}: {}", s.what, s.why),
                    });
                }
            }
            for (i, f) in &found {
                if let (Some(file), Some(report)) = (files.get(*i), reports.get_mut(*i)) {
                    let bom = if file.text.starts_with('\u{feff}') {
                        3
                    } else {
                        0
                    };
                    validate_found(f, &file.text, bom, options, report);
                }
            }
        }
    }
    for report in &mut reports {
        report
            .findings
            .sort_by_key(|f| (f.span.start, f.span.end, f.severity));
    }
    reports
}

/// Whether a skipped item of the import is a policy document left out (a CloudFormation
/// `PolicyDocument` or `KeyPolicy`, a Terraform `policy`, `assume_role_policy`, inline policy
/// or `aws_iam_policy_document` whose value is unknown).
fn is_about_a_document(s: &Skipped) -> bool {
    s.why.contains("document")
        || [
            "PolicyDocument",
            "KeyPolicy",
            "assume_role_policy",
            "inline_policy",
            "aws_iam_policy_document",
        ]
        .iter()
        .any(|k| s.what.contains(k))
        || s.what.ends_with(" policy")
}

/// A policy string of a scenario file: what it belongs to, its type and quota, and the JSON
/// string value that holds it.
struct ScenarioPolicy<'v> {
    what: String,
    policy_type: PolicyType,
    quota: Option<Quota>,
    value: &'v json::Value,
}

/// The policies of a scenario file, where the format puts them (see `crate::scenario`).
fn scenario(text: &str, options: &ValidateOptions<'_>, report: &mut FileReport) {
    let parsed = json::parse(text);
    if let Some(d) = parsed.diagnostics.iter().find(|d| d.is_error()) {
        report.findings.push(Finding {
            code: "import-scenario".to_string(),
            severity: Severity::Error,
            message: format!("The scenario cannot be read: {}", d.message),
            help: None,
            learn_more: super::registry::FALLBACK_LEARN_MORE.to_string(),
            span: d.span,
            related: Vec::new(),
        });
        return;
    }
    let Some(root) = parsed.value.as_ref() else {
        return;
    };
    let mut out = Vec::new();
    scenario_policies(root, &mut out);
    for p in out {
        let Some(document) = p.value.as_str() else {
            continue;
        };
        report.policies += 1;
        let map = StringMap::new(text, p.value.span);
        let o = ValidateOptions {
            policy_type: p.policy_type,
            catalog: options.catalog,
            quota: p.quota,
        };
        report
            .findings
            .extend(validate_with(document, &o).into_iter().map(|mut f| {
                f.span = map.span(f.span);
                f.related = f
                    .related
                    .into_iter()
                    .map(|r| Related {
                        span: map.span(r.span),
                        message: r.message,
                    })
                    .collect();
                f.message = format!("{}: {}", p.what, f.message);
                f
            }));
    }
}

/// The member `key` of an object value.
fn member<'v>(v: &'v json::Value, key: &str) -> Option<&'v json::Value> {
    v.as_object()?
        .iter()
        .rev()
        .find(|m| m.key == key)
        .map(|m| &m.value)
}

/// The elements of the array member `key`.
fn items<'v>(v: &'v json::Value, key: &str) -> &'v [json::Value] {
    member(v, key)
        .and_then(json::Value::as_array)
        .unwrap_or_default()
}

/// The `name` of an entity, for messages.
fn name_of(v: &json::Value, key: &str) -> String {
    member(v, key)
        .and_then(json::Value::as_str)
        .unwrap_or("?")
        .to_string()
}

fn scenario_policies<'v>(root: &'v json::Value, out: &mut Vec<ScenarioPolicy<'v>>) {
    let mut push = |what: String, policy_type, quota, value: Option<&'v json::Value>| {
        if let Some(value) = value {
            out.push(ScenarioPolicy {
                what,
                policy_type,
                quota,
                value,
            });
        }
    };
    let inline = [
        ("users", "user", Quota::UserInline),
        ("groups", "group", Quota::GroupInline),
        ("roles", "role", Quota::RoleInline),
    ];
    for (list, kind, quota) in inline {
        for e in items(root, list) {
            let owner = format!("{kind} {}", name_of(e, "name"));
            if kind == "role" {
                push(
                    format!("{owner} trust policy"),
                    PolicyType::Trust,
                    Some(Quota::TrustPolicy),
                    member(e, "trustPolicy"),
                );
            }
            for p in items(e, "inlinePolicies") {
                push(
                    format!("{owner} inline policy {}", name_of(p, "name")),
                    PolicyType::Identity,
                    Some(quota),
                    member(p, "document"),
                );
            }
        }
    }
    for p in items(root, "policies") {
        push(
            format!("policy {}", name_of(p, "name")),
            PolicyType::Identity,
            Some(Quota::Managed),
            member(p, "document"),
        );
    }
    for r in items(root, "resources") {
        push(
            format!("resource {} policy", name_of(r, "name")),
            PolicyType::Resource,
            None,
            member(r, "policy"),
        );
    }
    if let Some(org) = member(root, "organization") {
        for level in items(org, "levels") {
            let at = name_of(level, "name");
            for (key, label, ty, quota) in [
                ("scps", "SCP", PolicyType::Scp, Quota::Scp),
                ("rcps", "RCP", PolicyType::Rcp, Quota::Rcp),
            ] {
                for p in items(level, key) {
                    push(
                        format!("{at} {label} {}", name_of(p, "name")),
                        ty,
                        Some(quota),
                        member(p, "document"),
                    );
                }
            }
        }
    }
    for e in items(root, "externalPrincipals") {
        let arn = name_of(e, "arn");
        for p in items(e, "policies") {
            push(
                format!("external principal {arn} policy {}", name_of(p, "name")),
                PolicyType::Identity,
                Some(Quota::Managed),
                member(p, "document"),
            );
        }
    }
}

/// From byte offsets in a JSON string's decoded text to offsets in the file: the literal is
/// cut into runs of plain bytes (one offset each) and escapes (one place for all the bytes
/// they decode to).
struct StringMap {
    /// Each piece: where it starts in the decoded text, where in the file, and whether it is
    /// plain text.
    pieces: Vec<(usize, usize, bool)>,
    /// Where the decoded text ends, in the file (before the closing quote).
    end: usize,
}

impl StringMap {
    /// The map of the string literal at `span` of `file` (quotes included).
    fn new(file: &str, span: Span) -> StringMap {
        let bytes = file.as_bytes();
        let body_start = (span.start + 1).min(span.end);
        let body_end = span.end.saturating_sub(1).max(body_start);
        let mut pieces = Vec::new();
        let mut decoded = 0usize;
        let mut i = body_start;
        let mut plain_open = false;
        while i < body_end {
            if bytes.get(i) == Some(&b'\\') {
                plain_open = false;
                let (raw, len) = escape_len(bytes, i, body_end);
                pieces.push((decoded, i, false));
                decoded += len;
                i += raw;
            } else {
                if !plain_open {
                    pieces.push((decoded, i, true));
                    plain_open = true;
                }
                decoded += 1;
                i += 1;
            }
        }
        StringMap {
            pieces,
            end: body_end,
        }
    }

    /// The file offset of a decoded offset.
    fn offset(&self, at: usize) -> usize {
        let i = self.pieces.partition_point(|&(d, _, _)| d <= at);
        match i.checked_sub(1).and_then(|i| self.pieces.get(i)) {
            Some(&(d, f, true)) => (f + (at - d)).min(self.end),
            Some(&(_, f, false)) => f,
            None => self.pieces.first().map_or(self.end, |&(_, f, _)| f),
        }
    }

    /// The file span of a decoded span.
    fn span(&self, s: Span) -> Span {
        let start = self.offset(s.start);
        Span::new(start, self.offset(s.end).max(start))
    }
}

/// The bytes an escape at `i` takes in the file and in the decoded text.
fn escape_len(bytes: &[u8], i: usize, end: usize) -> (usize, usize) {
    if bytes.get(i + 1) != Some(&b'u') {
        return (2.min(end - i), 1);
    }
    let hex = |at: usize| {
        bytes
            .get(at..at + 4)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u32::from_str_radix(h, 16).ok())
    };
    match hex(i + 2) {
        Some(0xD800..=0xDBFF)
            if bytes.get(i + 6) == Some(&b'\\')
                && bytes.get(i + 7) == Some(&b'u')
                && hex(i + 8).is_some_and(|lo| (0xDC00..=0xDFFF).contains(&lo)) =>
        {
            (12, 4)
        }
        Some(c) => (6, char::from_u32(c).map_or(3, char::len_utf8)),
        None => (2.min(end - i), 1),
    }
}

#[cfg(test)]
mod tests;
