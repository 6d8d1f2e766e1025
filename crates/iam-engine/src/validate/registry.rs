//! The table of every check: code, severity and the AWS page it rests on.

use crate::diagnostic::Severity;

use Severity::{Error as E, SecurityWarning as S, Suggestion as G, Warning as W};

/// One check the validator can report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Check {
    /// The stable kebab-case code findings carry.
    pub code: &'static str,
    /// The severity findings of this check usually carry (the parser raises a few to `ERROR`
    /// for resource control policies, which AWS holds to a stricter grammar).
    pub severity: Severity,
    /// Whether the check needs the action catalog (skipped without it).
    pub needs_catalog: bool,
    /// The AWS documentation page the check rests on.
    pub learn_more: &'static str,
    /// What the check looks for, in a few words.
    pub summary: &'static str,
}

macro_rules! aa {
    ($anchor:literal) => {
        concat!(
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-",
            $anchor
        )
    };
}

macro_rules! iam {
    ($page:literal) => {
        concat!("https://docs.aws.amazon.com/IAM/latest/UserGuide/", $page)
    };
}

const GRAMMAR: &str = iam!("reference_policies_grammar.html");
const JSON: &str = aa!("error-json-syntax-error");
const VARIABLES: &str = iam!("reference_policies_variables.html");
const PRINCIPAL: &str = iam!("reference_policies_elements_principal.html");
const SAR: &str = "https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html";
const ESCALATION: &str = iam!("best-practices.html#grant-least-privilege");

const fn c(
    code: &'static str,
    severity: Severity,
    needs_catalog: bool,
    learn_more: &'static str,
    summary: &'static str,
) -> Check {
    Check {
        code,
        severity,
        needs_catalog,
        learn_more,
        summary,
    }
}

/// Every check, parser checks first, then the validator's own, grouped by area.
pub const CHECKS: &[Check] = &[
    // JSON syntax, reported by the spanned JSON front end.
    c(
        "json-bad-escape",
        E,
        false,
        JSON,
        "an invalid escape sequence in a string",
    ),
    c(
        "json-bom",
        E,
        false,
        JSON,
        "a byte order mark before the document",
    ),
    c("json-comment", E, false, JSON, "a comment (JSON has none)"),
    c(
        "json-control-character",
        E,
        false,
        JSON,
        "a raw control character inside a string",
    ),
    c(
        "json-duplicate-key",
        W,
        false,
        JSON,
        "the same key twice in one object",
    ),
    c("json-empty", E, false, JSON, "no document at all"),
    c("json-invalid-number", E, false, JSON, "a malformed number"),
    c(
        "json-key-not-string",
        E,
        false,
        JSON,
        "an object key that is not a string",
    ),
    c(
        "json-mismatched-bracket",
        E,
        false,
        JSON,
        "a closing bracket of the wrong kind",
    ),
    c(
        "json-missing-colon",
        E,
        false,
        JSON,
        "a key without a colon",
    ),
    c(
        "json-missing-comma",
        E,
        false,
        JSON,
        "two values without a comma between them",
    ),
    c(
        "json-single-quote",
        E,
        false,
        JSON,
        "a single-quoted string",
    ),
    c(
        "json-too-deep",
        E,
        false,
        JSON,
        "nesting deeper than any policy needs",
    ),
    c(
        "json-trailing-comma",
        E,
        false,
        JSON,
        "a comma before a closing bracket",
    ),
    c(
        "json-trailing-content",
        E,
        false,
        JSON,
        "text after the document",
    ),
    c(
        "json-unclosed",
        E,
        false,
        JSON,
        "an array or object that is never closed",
    ),
    c(
        "json-unexpected-character",
        E,
        false,
        JSON,
        "a character that starts no value",
    ),
    c(
        "json-unexpected-comma",
        E,
        false,
        JSON,
        "a comma where a value belongs",
    ),
    c(
        "json-unexpected-end",
        E,
        false,
        JSON,
        "the text ends inside a value",
    ),
    c(
        "json-unexpected-word",
        E,
        false,
        JSON,
        "a bare word such as True or undefined",
    ),
    c(
        "json-unterminated-string",
        E,
        false,
        JSON,
        "a string without its closing quote",
    ),
    // Policy grammar, reported by the policy parser.
    c(
        "policy-bad-action",
        E,
        false,
        aa!("error-invalid-action"),
        "an action not of the form service:Action",
    ),
    c(
        "policy-bad-character",
        E,
        false,
        iam!("reference_iam-quotas.html#reference_iam-quotas-entity-length"),
        "a character IAM does not accept",
    ),
    c(
        "policy-bad-effect",
        E,
        false,
        aa!("error-invalid-effect"),
        "an Effect other than Allow or Deny",
    ),
    c(
        "policy-bad-principal",
        E,
        false,
        aa!("error-invalid-principal-format"),
        "a principal that is not *, an account or an ARN",
    ),
    c(
        "policy-bad-principal-type",
        E,
        false,
        aa!("error-invalid-principal-key"),
        "a principal key other than AWS, Service, Federated, CanonicalUser",
    ),
    c(
        "policy-bad-resource",
        E,
        false,
        aa!("error-missing-arn-field"),
        "a resource that is neither * nor an ARN",
    ),
    c(
        "policy-bad-sid",
        E,
        false,
        aa!("error-unsupported-sid"),
        "a Sid with characters other than letters and digits",
    ),
    c(
        "policy-bad-version",
        E,
        false,
        aa!("error-invalid-version"),
        "a Version other than 2012-10-17 or 2008-10-17",
    ),
    c(
        "policy-both-elements",
        E,
        false,
        aa!("error-unsupported-element-combination"),
        "an element together with its Not form",
    ),
    c(
        "policy-duplicate-sid",
        E,
        false,
        aa!("error-unique-sids-required"),
        "two statements with the same Sid",
    ),
    c(
        "policy-empty-condition",
        W,
        false,
        aa!("suggestion-empty-object-condition"),
        "an operator block without keys",
    ),
    c(
        "policy-empty-condition-values",
        W,
        false,
        aa!("suggestion-empty-array-condition"),
        "a condition key with an empty value list",
    ),
    c(
        "policy-empty-list",
        E,
        false,
        aa!("suggestion-empty-array-action"),
        "an Action, Resource or principal list that is empty",
    ),
    c(
        "policy-empty-statement",
        E,
        false,
        aa!("error-missing-statement"),
        "an empty Statement list",
    ),
    c(
        "policy-missing-effect",
        E,
        false,
        aa!("error-missing-effect"),
        "a statement without Effect",
    ),
    c(
        "policy-missing-element",
        E,
        false,
        aa!("error-missing-action"),
        "a statement without Action or Resource",
    ),
    c(
        "policy-missing-principal",
        E,
        false,
        aa!("error-missing-principal"),
        "a resource-based statement without Principal",
    ),
    c(
        "policy-missing-statement",
        E,
        false,
        aa!("error-missing-statement"),
        "a policy without Statement",
    ),
    c(
        "policy-missing-version",
        W,
        false,
        aa!("general-warning-missing-version"),
        "a policy without Version",
    ),
    c(
        "policy-notprincipal-allow",
        E,
        false,
        aa!("security-warning-allow-with-not-principal"),
        "NotPrincipal with Allow",
    ),
    c(
        "policy-notprincipal-boundary-trap",
        W,
        false,
        iam!("reference_policies_elements_notprincipal.html"),
        "Deny with NotPrincipal, which catches principals with a boundary",
    ),
    c(
        "policy-notprincipal-not-allowed",
        E,
        false,
        iam!("reference_policies_elements_notprincipal.html"),
        "NotPrincipal where the policy type forbids it",
    ),
    c(
        "policy-old-version",
        W,
        false,
        iam!("reference_policies_elements_version.html"),
        "the 2008-10-17 language version",
    ),
    c(
        "policy-principal-not-allowed",
        E,
        false,
        aa!("error-unsupported-principal"),
        "Principal in a policy type that has none",
    ),
    c(
        "policy-rcp-allow",
        E,
        false,
        "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html",
        "Allow in a resource control policy",
    ),
    c(
        "policy-rcp-notaction",
        E,
        false,
        "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html",
        "NotAction in a resource control policy",
    ),
    c(
        "policy-rcp-principal",
        E,
        false,
        "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html",
        "an RCP Principal other than *",
    ),
    c(
        "policy-unknown-element",
        E,
        false,
        aa!("error-invalid-policy-element"),
        "an element name IAM does not know",
    ),
    c(
        "policy-wrong-type",
        E,
        false,
        aa!("error-data-type-mismatch"),
        "an element of the wrong JSON type",
    ),
    c(
        "policy-unknown-operator",
        E,
        false,
        aa!("error-invalid-condition-operator"),
        "a condition operator IAM does not know",
    ),
    c(
        "policy-null-if-exists",
        E,
        false,
        aa!("error-null-with-if-exists"),
        "Null with IfExists",
    ),
    c(
        "policy-qualified-null",
        E,
        false,
        aa!("suggestion-null-with-qualifier"),
        "Null with ForAllValues or ForAnyValue",
    ),
    c(
        "policy-not-an-arn",
        E,
        false,
        aa!("general-warning-type-mismatch"),
        "an Arn operator value that is not an ARN",
    ),
    c(
        "policy-bad-number",
        E,
        false,
        aa!("general-warning-type-mismatch-number"),
        "a Numeric operator value that is not a number",
    ),
    c(
        "policy-bad-date",
        E,
        false,
        aa!("general-warning-type-mismatch-date"),
        "a Date operator value that is not a date",
    ),
    c(
        "policy-bad-ip",
        E,
        false,
        aa!("general-warning-type-mismatch-ip-range"),
        "an IpAddress operator value that is not an address or CIDR",
    ),
    c(
        "policy-bad-base64",
        E,
        false,
        aa!("general-warning-type-mismatch-string"),
        "a BinaryEquals value that is not base-64",
    ),
    c(
        "policy-bad-bool",
        E,
        false,
        aa!("general-warning-type-mismatch-boolean"),
        "a Bool or Null value other than true or false",
    ),
    c(
        "policy-unclosed-variable",
        E,
        false,
        aa!("error-missing-brace-in-variable"),
        "a ${ without its }",
    ),
    c(
        "policy-empty-variable",
        E,
        false,
        aa!("error-empty-variable"),
        "a ${} that names no key",
    ),
    c(
        "policy-bad-default",
        E,
        false,
        aa!("error-missing-quote-in-variable"),
        "a variable default that is not a quoted string",
    ),
    c(
        "policy-unclosed-default",
        E,
        false,
        aa!("error-missing-quote-in-variable"),
        "a variable default without its closing quote",
    ),
    // Actions.
    c(
        "action-unknown-service",
        W,
        true,
        aa!("error-invalid-service"),
        "an action whose service prefix does not exist",
    ),
    c(
        "action-unknown",
        W,
        true,
        aa!("error-invalid-action"),
        "an action the service does not have",
    ),
    c(
        "action-pattern-matches-nothing",
        W,
        true,
        aa!("error-invalid-action"),
        "a wildcard action that matches no action",
    ),
    c(
        "action-wildcard-service",
        G,
        false,
        aa!("suggestion-wildcard-in-service-name"),
        "a wildcard in the service prefix",
    ),
    c(
        "action-resource-mismatch",
        W,
        true,
        SAR,
        "an action that applies to none of the statement's resources",
    ),
    // Resources.
    c(
        "resource-bad-partition",
        E,
        false,
        aa!("error-invalid-partition"),
        "an ARN partition that does not exist",
    ),
    c(
        "resource-bad-region",
        E,
        false,
        aa!("error-invalid-region"),
        "an ARN region that is not a region",
    ),
    c(
        "resource-bad-account",
        E,
        false,
        aa!("error-invalid-arn-account"),
        "an ARN account that is not a 12-digit id",
    ),
    c(
        "resource-service-case",
        E,
        false,
        aa!("error-invalid-arn-service-case"),
        "an ARN service in upper case",
    ),
    c(
        "resource-unknown-service",
        E,
        true,
        iam!("reference-arns.html"),
        "an ARN whose service does not exist",
    ),
    c(
        "resource-no-matching-type",
        W,
        true,
        aa!("error-invalid-arn-resource"),
        "an ARN that fits none of the service's resource types",
    ),
    // Conditions.
    c(
        "condition-wildcard-without-like",
        W,
        false,
        aa!("general-warning-wildcard-without-like-operator"),
        "* or ? with an Equals operator",
    ),
    c(
        "condition-private-ip",
        E,
        false,
        aa!("error-private-ip-address"),
        "aws:SourceIp limited to private addresses",
    ),
    c(
        "condition-ip-host-bits",
        G,
        false,
        aa!("suggestion-improve-ip-range"),
        "a CIDR block with host bits set",
    ),
    c(
        "condition-forallvalues-single-valued",
        S,
        true,
        aa!("security-warning-forallvalues-with-single-valued-key"),
        "ForAllValues on a single-valued key",
    ),
    c(
        "condition-foranyvalue-single-valued",
        G,
        true,
        iam!("reference_policies_condition-single-vs-multi-valued-context-keys.html"),
        "ForAnyValue on a single-valued key",
    ),
    c(
        "condition-missing-set-operator",
        W,
        true,
        aa!("error-missing-qualifier"),
        "a multivalued key without ForAllValues/ForAnyValue",
    ),
    c(
        "condition-unknown-global-key",
        W,
        true,
        aa!("error-invalid-global-condition-key"),
        "an aws: key that does not exist",
    ),
    c(
        "condition-unknown-service-key",
        W,
        true,
        aa!("error-invalid-service-condition-key"),
        "a service key that does not exist",
    ),
    c(
        "condition-key-not-for-actions",
        W,
        true,
        SAR,
        "a service key none of the statement's actions supports",
    ),
    c(
        "condition-operator-type-mismatch",
        W,
        true,
        aa!("general-warning-type-mismatch"),
        "an operator of another type than its key",
    ),
    c(
        "condition-private-ip-subset",
        G,
        false,
        aa!("suggestion-private-ip-address-subset"),
        "aws:SourceIp mixing private and public ranges",
    ),
    c(
        "redundant-condition-value",
        G,
        false,
        iam!("reference_policies_elements_condition.html"),
        "the same value twice for one key",
    ),
    // Policy variables.
    c(
        "variable-old-version",
        E,
        false,
        aa!("error-variable-unsupported-in-version"),
        "a ${...} variable in a 2008-10-17 policy",
    ),
    c(
        "variable-unsupported-element",
        E,
        false,
        aa!("error-variable-unsupported-in-element"),
        "a ${...} variable outside Resource and Condition",
    ),
    c(
        "variable-unknown-key",
        W,
        true,
        VARIABLES,
        "a variable naming an aws: key that does not exist",
    ),
    // Principals and trust policies.
    c(
        "principal-anyone-without-condition",
        S,
        false,
        PRINCIPAL,
        "an Allow for Principal * with no condition",
    ),
    c(
        "principal-bad-service",
        W,
        false,
        aa!("error-invalid-service-principal-format"),
        "a service principal not of the form name.amazonaws.com",
    ),
    c(
        "principal-federated-wrong-action",
        W,
        false,
        iam!("id_roles_create_for-idp.html"),
        "a federated principal with sts:AssumeRole only",
    ),
    c(
        "principal-oidc-without-sub",
        S,
        false,
        iam!("id_roles_create_for-idp_oidc.html"),
        "a GitHub OIDC trust without a :sub condition",
    ),
    c(
        "trust-non-sts-action",
        E,
        false,
        aa!("error-unsupported-action-in-policy"),
        "a trust policy action outside sts:",
    ),
    // Broad and dangerous grants.
    c(
        "security-full-admin",
        S,
        false,
        iam!("best-practices.html#grant-least-privilege"),
        "Allow of * on * without condition",
    ),
    c(
        "security-passrole-star",
        S,
        false,
        aa!("security-warning-pass-role-with-star-in-resource"),
        "iam:PassRole on Resource *",
    ),
    c(
        "security-passrole-notresource",
        S,
        false,
        aa!("security-warning-pass-role-with-not-resource"),
        "iam:PassRole with NotResource",
    ),
    c(
        "security-allow-notresource",
        S,
        false,
        iam!("reference_policies_elements_notresource.html"),
        "Allow with NotResource",
    ),
    c(
        "security-allow-notaction",
        W,
        false,
        iam!("reference_policies_elements_notaction.html"),
        "Allow with NotAction",
    ),
    c(
        "security-privilege-escalation",
        S,
        false,
        ESCALATION,
        "an action that lets a principal raise its own permissions, on *",
    ),
    c(
        "security-privilege-escalation-combo",
        S,
        false,
        ESCALATION,
        "iam:PassRole plus a service that runs code with the passed role",
    ),
    // Redundancy and tidiness.
    c(
        "redundant-action",
        G,
        false,
        aa!("suggestion-redundant-action"),
        "an action another entry already covers",
    ),
    c(
        "redundant-resource",
        G,
        false,
        aa!("suggestion-redundant-resource"),
        "a resource another entry already covers",
    ),
    c(
        "redundant-statement",
        G,
        false,
        aa!("suggestion-redundant-statement"),
        "a statement another statement already covers",
    ),
    c(
        "redundancy-check-limited",
        G,
        false,
        aa!("suggestion-redundant-statement"),
        "a policy too large to compare every pair of entries or statements",
    ),
    c(
        "sid-empty",
        G,
        false,
        aa!("suggestion-empty-sid-value"),
        "an empty Sid",
    ),
    c(
        "policy-size-quota",
        E,
        false,
        iam!("reference_iam-quotas.html#reference_iam-quotas-entity-length"),
        "a policy longer than its AWS quota",
    ),
];

/// The generic page for codes the table does not know (a parser code added later).
pub(crate) const FALLBACK_LEARN_MORE: &str = GRAMMAR;

/// The check with the code `code`, if there is one.
pub fn check(code: &str) -> Option<&'static Check> {
    CHECKS.iter().find(|c| c.code == code)
}
