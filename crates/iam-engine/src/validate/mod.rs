//! Policy validation: Access Analyzer-grade findings, computed offline.
//!
//! [`validate`] parses a policy with [`crate::policy::parse_policy`] (the parser's diagnostics
//! become findings as they are, so JSON is never parsed twice) and then runs the checks below
//! on the recovered document. Every [`Finding`] carries a stable code, a severity in IAM
//! Access Analyzer's vocabulary (`ERROR`, `SECURITY_WARNING`, `WARNING`, `SUGGESTION`), a
//! message, a help line, the AWS documentation page the check rests on, and byte spans.
//!
//! The checks marked *catalog* need the AWS action catalog ([`Catalog`]): without one (the app
//! loads it lazily, after the first render) they are skipped, and every other check still runs.
//! Size quotas depend on where the policy is attached, so [`ValidateOptions::quota`] picks one
//! ([`Quota::default_for`] chooses the usual one per policy type) and [`check_size`] checks a
//! text against any quota directly.
//!
//! Choices where AWS documents less than we need:
//! - Privilege escalation: the sets are the published IAM escalation paths (Rhino Security
//!   Labs' list): creating or switching policy versions, attaching or putting policies,
//!   creating access keys or login profiles, joining groups, rewriting trust policies,
//!   changing permissions boundaries, replacing Lambda code, and `iam:PassRole` together with
//!   a service that runs code as the passed role (EC2, Lambda, Glue, CloudFormation, Data
//!   Pipeline, SageMaker, ECS, CodeBuild). A grant counts as broad when its resource is `*`
//!   or a `NotResource`.
//! - Unknown actions, services and condition keys are warnings, not errors as in Access
//!   Analyzer: IAM accepts them, AWS's own managed policies still name retired services and
//!   undocumented keys, and the catalog is a snapshot that lags new releases.
//! - A multivalued key without a set operator is an error in Access Analyzer; the engine
//!   evaluates such a condition as AWS does, so it is a warning here.
//! - A policy over its size quota is an error (IAM refuses to save it), where Access
//!   Analyzer reports a general warning.
//! - A missing `aws:SecureTransport` condition is deliberately not a finding: it is advice for
//!   resource policies, not a flaw of the policy.
//!
//! # Checks
//!
//! Codes are kebab-case with the area first. `json-*` and `policy-*` come from the parser.
//!
//! | code | severity | catalog | what it finds |
//! |---|---|---|---|
//! | `json-bad-escape` | ERROR |  | an invalid escape sequence in a string |
//! | `json-bom` | ERROR |  | a byte order mark before the document |
//! | `json-comment` | ERROR |  | a comment (JSON has none) |
//! | `json-control-character` | ERROR |  | a raw control character inside a string |
//! | `json-duplicate-key` | WARNING |  | the same key twice in one object |
//! | `json-empty` | ERROR |  | no document at all |
//! | `json-invalid-number` | ERROR |  | a malformed number |
//! | `json-key-not-string` | ERROR |  | an object key that is not a string |
//! | `json-mismatched-bracket` | ERROR |  | a closing bracket of the wrong kind |
//! | `json-missing-colon` | ERROR |  | a key without a colon |
//! | `json-missing-comma` | ERROR |  | two values without a comma between them |
//! | `json-single-quote` | ERROR |  | a single-quoted string |
//! | `json-too-deep` | ERROR |  | nesting deeper than any policy needs |
//! | `json-trailing-comma` | ERROR |  | a comma before a closing bracket |
//! | `json-trailing-content` | ERROR |  | text after the document |
//! | `json-unclosed` | ERROR |  | an array or object that is never closed |
//! | `json-unexpected-character` | ERROR |  | a character that starts no value |
//! | `json-unexpected-comma` | ERROR |  | a comma where a value belongs |
//! | `json-unexpected-end` | ERROR |  | the text ends inside a value |
//! | `json-unexpected-word` | ERROR |  | a bare word such as True or undefined |
//! | `json-unterminated-string` | ERROR |  | a string without its closing quote |
//! | `policy-bad-action` | ERROR |  | an action not of the form service:Action |
//! | `policy-bad-character` | ERROR |  | a character IAM does not accept |
//! | `policy-bad-effect` | ERROR |  | an Effect other than Allow or Deny |
//! | `policy-bad-principal` | ERROR |  | a principal that is not *, an account or an ARN |
//! | `policy-bad-principal-type` | ERROR |  | a principal key other than AWS, Service, Federated, CanonicalUser |
//! | `policy-bad-resource` | ERROR |  | a resource that is neither * nor an ARN |
//! | `policy-bad-sid` | ERROR |  | a Sid with characters other than letters and digits |
//! | `policy-bad-version` | ERROR |  | a Version other than 2012-10-17 or 2008-10-17 |
//! | `policy-both-elements` | ERROR |  | an element together with its Not form |
//! | `policy-duplicate-sid` | ERROR |  | two statements with the same Sid |
//! | `policy-empty-condition` | WARNING |  | an operator block without keys |
//! | `policy-empty-condition-values` | WARNING |  | a condition key with an empty value list |
//! | `policy-empty-list` | ERROR |  | an Action, Resource or principal list that is empty |
//! | `policy-empty-statement` | ERROR |  | an empty Statement list |
//! | `policy-missing-effect` | ERROR |  | a statement without Effect |
//! | `policy-missing-element` | ERROR |  | a statement without Action or Resource |
//! | `policy-missing-principal` | ERROR |  | a resource-based statement without Principal |
//! | `policy-missing-statement` | ERROR |  | a policy without Statement |
//! | `policy-missing-version` | WARNING |  | a policy without Version |
//! | `policy-notprincipal-allow` | ERROR |  | NotPrincipal with Allow |
//! | `policy-notprincipal-boundary-trap` | WARNING |  | Deny with NotPrincipal, which catches principals with a boundary |
//! | `policy-notprincipal-not-allowed` | ERROR |  | NotPrincipal where the policy type forbids it |
//! | `policy-old-version` | WARNING |  | the 2008-10-17 language version |
//! | `policy-principal-not-allowed` | ERROR |  | Principal in a policy type that has none |
//! | `policy-rcp-allow` | ERROR |  | Allow in a resource control policy |
//! | `policy-rcp-notaction` | ERROR |  | NotAction in a resource control policy |
//! | `policy-rcp-principal` | ERROR |  | an RCP Principal other than * |
//! | `policy-unknown-element` | ERROR |  | an element name IAM does not know |
//! | `policy-wrong-type` | ERROR |  | an element of the wrong JSON type |
//! | `policy-unknown-operator` | ERROR |  | a condition operator IAM does not know |
//! | `policy-null-if-exists` | ERROR |  | Null with IfExists |
//! | `policy-qualified-null` | ERROR |  | Null with ForAllValues or ForAnyValue |
//! | `policy-not-an-arn` | ERROR |  | an Arn operator value that is not an ARN |
//! | `policy-bad-number` | ERROR |  | a Numeric operator value that is not a number |
//! | `policy-bad-date` | ERROR |  | a Date operator value that is not a date |
//! | `policy-bad-ip` | ERROR |  | an IpAddress operator value that is not an address or CIDR |
//! | `policy-bad-base64` | ERROR |  | a BinaryEquals value that is not base-64 |
//! | `policy-bad-bool` | ERROR |  | a Bool or Null value other than true or false |
//! | `policy-unclosed-variable` | ERROR |  | a ${ without its } |
//! | `policy-empty-variable` | ERROR |  | a ${} that names no key |
//! | `policy-bad-default` | ERROR |  | a variable default that is not a quoted string |
//! | `policy-unclosed-default` | ERROR |  | a variable default without its closing quote |
//! | `action-unknown-service` | WARNING | yes | an action whose service prefix does not exist |
//! | `action-unknown` | WARNING | yes | an action the service does not have |
//! | `action-pattern-matches-nothing` | WARNING | yes | a wildcard action that matches no action |
//! | `action-wildcard-service` | SUGGESTION |  | a wildcard in the service prefix |
//! | `action-resource-mismatch` | WARNING | yes | an action that applies to none of the statement's resources |
//! | `resource-bad-partition` | ERROR |  | an ARN partition that does not exist |
//! | `resource-bad-region` | ERROR |  | an ARN region that is not a region |
//! | `resource-bad-account` | ERROR |  | an ARN account that is not a 12-digit id |
//! | `resource-service-case` | ERROR |  | an ARN service in upper case |
//! | `resource-unknown-service` | ERROR | yes | an ARN whose service does not exist |
//! | `resource-no-matching-type` | WARNING | yes | an ARN that fits none of the service's resource types |
//! | `condition-wildcard-without-like` | WARNING |  | * or ? with an Equals operator |
//! | `condition-private-ip` | ERROR |  | aws:SourceIp limited to private addresses |
//! | `condition-ip-host-bits` | SUGGESTION |  | a CIDR block with host bits set |
//! | `condition-forallvalues-single-valued` | SECURITY_WARNING | yes | ForAllValues on a single-valued key |
//! | `condition-foranyvalue-single-valued` | SUGGESTION | yes | ForAnyValue on a single-valued key |
//! | `condition-missing-set-operator` | WARNING | yes | a multivalued key without ForAllValues/ForAnyValue |
//! | `condition-unknown-global-key` | WARNING | yes | an aws: key that does not exist |
//! | `condition-unknown-service-key` | WARNING | yes | a service key that does not exist |
//! | `condition-key-not-for-actions` | WARNING | yes | a service key none of the statement's actions supports |
//! | `condition-operator-type-mismatch` | WARNING | yes | an operator of another type than its key |
//! | `condition-private-ip-subset` | SUGGESTION |  | aws:SourceIp mixing private and public ranges |
//! | `redundant-condition-value` | SUGGESTION |  | the same value twice for one key |
//! | `variable-old-version` | ERROR |  | a ${...} variable in a 2008-10-17 policy |
//! | `variable-unsupported-element` | ERROR |  | a ${...} variable outside Resource and Condition |
//! | `variable-unknown-key` | WARNING | yes | a variable naming an aws: key that does not exist |
//! | `principal-anyone-without-condition` | SECURITY_WARNING |  | an Allow for Principal * with no condition |
//! | `principal-bad-service` | WARNING |  | a service principal not of the form name.amazonaws.com |
//! | `principal-federated-wrong-action` | WARNING |  | a federated principal with sts:AssumeRole only |
//! | `principal-oidc-without-sub` | SECURITY_WARNING |  | a GitHub OIDC trust without a :sub condition |
//! | `trust-non-sts-action` | ERROR |  | a trust policy action outside sts: |
//! | `security-full-admin` | SECURITY_WARNING |  | Allow of * on * without condition |
//! | `security-passrole-star` | SECURITY_WARNING |  | iam:PassRole on Resource * |
//! | `security-passrole-notresource` | SECURITY_WARNING |  | iam:PassRole with NotResource |
//! | `security-allow-notresource` | SECURITY_WARNING |  | Allow with NotResource |
//! | `security-allow-notaction` | WARNING |  | Allow with NotAction |
//! | `security-privilege-escalation` | SECURITY_WARNING |  | an action that lets a principal raise its own permissions, on * |
//! | `security-privilege-escalation-combo` | SECURITY_WARNING |  | iam:PassRole plus a service that runs code with the passed role |
//! | `redundant-action` | SUGGESTION |  | an action another entry already covers |
//! | `redundant-resource` | SUGGESTION |  | a resource another entry already covers |
//! | `redundant-statement` | SUGGESTION |  | a statement another statement already covers |
//! | `redundancy-check-limited` | SUGGESTION |  | a policy too large to compare every pair of entries or statements |
//! | `sid-empty` | SUGGESTION |  | an empty Sid |
//! | `policy-size-quota` | ERROR |  | a policy longer than its AWS quota |
//!
//! Each check has a trigger and a near-miss fixture under `tests/fixtures/validate/`.

mod actions;
mod conditions;
pub mod files;
mod registry;
mod resources;
pub mod sarif;
mod security;
mod size;
mod text;

use serde::{Deserialize, Serialize};

use crate::catalog::Catalog;
use crate::diagnostic::{Diagnostic, Related, Severity};
use crate::policy::{PolicyDocument, PolicyType, parse_policy};
use crate::span::Span;

pub use registry::{CHECKS, Check, check};
pub use size::{Quota, check_size, policy_size};

/// One problem or risk found in a policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The stable code of the check (see the module table).
    pub code: String,
    /// How serious it is, in Access Analyzer's vocabulary.
    pub severity: Severity,
    /// One sentence saying what is wrong.
    pub message: String,
    /// What to do about it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The AWS documentation page the check rests on.
    pub learn_more: String,
    /// The offending text.
    pub span: Span,
    /// Other places that explain the finding.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
}

impl Finding {
    /// A finding of the check `code`, with the check's severity and documentation page.
    pub(crate) fn new(code: &'static str, span: Span, message: impl Into<String>) -> Finding {
        let (severity, learn_more) = match check(code) {
            Some(c) => (c.severity, c.learn_more),
            None => (Severity::Warning, registry::FALLBACK_LEARN_MORE),
        };
        Finding {
            code: code.to_owned(),
            severity,
            message: message.into(),
            help: None,
            learn_more: learn_more.to_owned(),
            span,
            related: Vec::new(),
        }
    }

    /// The same finding with a help line.
    pub(crate) fn help(mut self, help: impl Into<String>) -> Finding {
        self.help = Some(help.into());
        self
    }

    /// The same finding with one more related span.
    pub(crate) fn related(mut self, span: Span, message: impl Into<String>) -> Finding {
        self.related.push(Related {
            span,
            message: message.into(),
        });
        self
    }

    /// A parser diagnostic as a finding, keeping its code, severity and spans.
    pub fn from_diagnostic(d: Diagnostic) -> Finding {
        let learn_more = check(&d.code).map_or(registry::FALLBACK_LEARN_MORE, |c| c.learn_more);
        Finding {
            code: d.code,
            severity: d.severity,
            message: d.message,
            help: d.help,
            learn_more: learn_more.to_owned(),
            span: d.span,
            related: d.related,
        }
    }

    /// The finding as a diagnostic (the learn-more page becomes part of the help), for code
    /// that shows diagnostics.
    pub fn to_diagnostic(&self) -> Diagnostic {
        Diagnostic {
            code: self.code.clone(),
            severity: self.severity,
            message: self.message.clone(),
            help: self.help.clone(),
            span: self.span,
            related: self.related.clone(),
        }
    }

    /// Renders the finding with the offending line underlined (the diagnostic renderer) and a
    /// closing "learn more" line.
    pub fn render(&self, source: &str, name: &str) -> String {
        self.render_with(&crate::span::LineIndex::new(source), name)
    }

    /// [`Finding::render`] with an index of the source made once for all its findings.
    pub fn render_with(&self, index: &crate::span::LineIndex<'_>, name: &str) -> String {
        let mut out = self.to_diagnostic().render_with(index, name);
        let width = index.line_col(self.span.start).line.to_string().len();
        out.push_str(&" ".repeat(width + 1));
        out.push_str("= learn more: ");
        out.push_str(&self.learn_more);
        out.push('\n');
        out
    }

    /// Whether the finding is an error (AWS would reject the policy).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Every finding of `source` rendered as text, the way the CLI prints them: at most
/// [`crate::diagnostic::MAX_SHOWN_PER_CODE`] of each code, then one "and N more like this"
/// line per code, with one line index shared by all (so rendering is linear in the findings
/// shown plus the source, however many findings stand on one line).
pub fn render_findings(findings: &[Finding], source: &str, name: &str) -> Vec<String> {
    let (shown, omitted) = crate::diagnostic::cap_per_code(findings, |f| f.code.as_str());
    let index = crate::span::LineIndex::new(source);
    let mut rendered: Vec<String> = shown.iter().map(|f| f.render_with(&index, name)).collect();
    rendered.extend(
        omitted
            .iter()
            .map(|(code, n)| crate::diagnostic::more_like_this(code, *n)),
    );
    rendered
}

/// The most pairs of entries (or statements) one redundancy check compares. Entries without
/// wildcards are matched through a hash map, so only wildcards are compared pairwise; a policy
/// with more wildcard pairs than this gets a `redundancy-check-limited` finding instead of a
/// check that takes seconds.
pub(crate) const MAX_REDUNDANCY_PAIRS: usize = 1_000_000;

/// The finding that says a redundancy check stopped at [`MAX_REDUNDANCY_PAIRS`].
pub(crate) fn redundancy_limited(span: Span, what: &str) -> Finding {
    Finding::new(
        "redundancy-check-limited",
        span,
        format!(
            "The {what} here are too many to compare each with every other ({MAX_REDUNDANCY_PAIRS} pairs at most), so redundant ones may not all be reported."
        ),
    )
    .help("Split the policy, or check it in parts.")
}

/// What to validate a policy as.
#[derive(Debug, Clone, Copy)]
pub struct ValidateOptions<'c> {
    /// The kind of policy, which decides the grammar and several checks.
    pub policy_type: PolicyType,
    /// The action catalog; `None` skips the catalog checks.
    pub catalog: Option<&'c Catalog>,
    /// The size quota to hold the text to; `None` skips the size check.
    pub quota: Option<Quota>,
}

impl<'c> ValidateOptions<'c> {
    /// Options for `policy_type` with its usual quota.
    pub fn new(policy_type: PolicyType, catalog: Option<&'c Catalog>) -> Self {
        ValidateOptions {
            policy_type,
            catalog,
            quota: Quota::default_for(policy_type),
        }
    }
}

/// Validates `text` as a policy of `policy_type`, with the usual size quota for that type.
/// Findings are sorted by position, then by severity. Never fails and never panics.
pub fn validate(text: &str, policy_type: PolicyType, catalog: Option<&Catalog>) -> Vec<Finding> {
    validate_with(text, &ValidateOptions::new(policy_type, catalog))
}

/// Validates `text` with explicit options.
pub fn validate_with(text: &str, options: &ValidateOptions<'_>) -> Vec<Finding> {
    let parsed = parse_policy(text, options.policy_type);
    let mut cx = Cx {
        doc: &parsed.document,
        catalog: options.catalog,
        out: parsed
            .diagnostics
            .iter()
            .cloned()
            .map(Finding::from_diagnostic)
            .collect(),
    };
    // Checks that need the statements only make sense when JSON produced a document.
    let json_failed = parsed
        .diagnostics
        .iter()
        .any(|d| d.is_error() && d.code.starts_with("json-"));
    if !json_failed {
        actions::check(&mut cx);
        resources::check(&mut cx);
        conditions::check(&mut cx);
        security::check(&mut cx);
    }
    if let Some(quota) = options.quota
        && let Some(f) = check_size(text, quota)
    {
        cx.out.push(f);
    }
    let mut out = cx.out;
    out.sort_by(|a, b| {
        (a.span.start, a.span.end, a.severity).cmp(&(b.span.start, b.span.end, b.severity))
    });
    out
}

/// What every check reads and where it writes.
pub(crate) struct Cx<'a> {
    pub(crate) doc: &'a PolicyDocument,
    pub(crate) catalog: Option<&'a Catalog>,
    pub(crate) out: Vec<Finding>,
}

impl Cx<'_> {
    pub(crate) fn push(&mut self, f: Finding) {
        self.out.push(f);
    }
}

/// The span of a statement's opening brace, used by findings about a whole statement.
pub(crate) fn head(span: Span) -> Span {
    Span::new(span.start, (span.start + 1).min(span.end))
}

#[cfg(test)]
mod tests;
