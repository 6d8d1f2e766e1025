//! Imports into a scenario: CloudFormation templates (YAML or JSON), the output of
//! `aws iam get-account-authorization-details` (JSON or YAML), Terraform (plan and state JSON,
//! `.tf` files), and scenario files.
//!
//! [`detect_and_import`] looks at the text and picks the reader:
//!
//! - a JSON object with `formatVersion` is a scenario file ([`Scenario::from_json`]);
//! - a mapping with `UserDetailList`, `GroupDetailList`, `RoleDetailList` or `Policies` is
//!   authorization details: users, groups, roles and customer-managed policies (the default
//!   version of each), with documents given as JSON objects (the CLI's output) or URL-encoded
//!   strings (the raw API's). AWS-managed policies are attached by ARN, not copied;
//! - a JSON object with `format_version` and `planned_values`, `values`, `resource_changes`,
//!   `prior_state` or `terraform_version` is `terraform show -json` output, of a plan or of the
//!   state; a text (not JSON, not a template) with a top-level `resource`, `data`, `variable`,
//!   `locals`, `provider`, `module`, `output` or `terraform` block is Terraform configuration
//!   (HCL), as are the files given to [`import_terraform_files`] (see `terraform`);
//! - a mapping with `Resources` or `AWSTemplateFormatVersion` is a CloudFormation template. The
//!   reader inverts [`crate::export::cloudformation`] exactly and reads hand-written templates
//!   too: YAML short forms (`!Ref`, `!Sub`, `!GetAtt`, `!Join`), `Fn::Sub` with its variable
//!   map, `Fn::GetAtt`, `Fn::Join`, `Ref` of parameters (their `Default`), of pseudo parameters
//!   and of the template's resources, conditions decided with the parameters' defaults
//!   (`Conditions`, `Fn::If`, `Fn::Select`, `Fn::FindInMap`, `AWS::NoValue`; see `conditions`), and the IAM resource types `User`, `Group`, `Role`,
//!   `ManagedPolicy`, `Policy`, `UserPolicy`, `GroupPolicy`, `RolePolicy`,
//!   `UserToGroupAddition` and `AccessKey`, plus buckets, queues, topics, keys and their
//!   policies. A console password read from a Secrets Manager dynamic reference becomes a
//!   login profile (the password itself is never in a template).
//!
//! Nothing is dropped silently: every resource type, property, section or value the
//! playground cannot represent is listed in [`Imported::skipped`] with its line, and every
//! assumption (the account id a template does not carry, a generated name) in
//! [`Imported::notes`]. Malformed text is an [`ImportError`] with a line and column.
//!
//! # What a round trip keeps
//!
//! A template carries less than a scenario. Scenario → template → scenario gives back
//! [`template_view`] of the original: the title, users (name, path, login profile with its
//! reset flag, groups, inline and managed policies, boundary, tags), groups, roles (name, path,
//! description, trust policy, session duration, policies, boundary, tags), customer-managed
//! policies (name, path, description, document) and resources (kind, name, tags, policy).
//! It does not keep what CloudFormation does not create or a template does not say: the
//! description, account alias and Region, the root user, the organization, users' MFA and
//! access keys, resources' Regions, external principals and saved tests (the export lists
//! most of these in the template's `Metadata`, which the import reports as skipped). The
//! account id comes from [`ImportOptions::account_id`], as templates say `${AWS::AccountId}`.
//! Policy documents are compared as JSON (key order kept), not as text: a template holds them
//! as data, so the import writes them pretty-printed ([`canonical_document`]); a KMS key
//! policy equal to AWS's default key policy reads back as "no policy of its own", which AWS
//! treats the same; and a reference written in another case than its target's name reads back
//! in the target's spelling.

mod authz;
mod cfn;
mod conditions;
mod found;
mod names;
mod terraform;
mod tree;

pub use found::FoundPolicy;
pub use terraform::{
    TerraformFile, import_terraform_files, is_terraform_file_name, terraform_policies_in,
};

use serde::{Deserialize, Serialize};

use crate::export::node::Node;
use crate::scenario::{MAX_SCENARIO_BYTES, PolicyRef, ResourceKind, Scenario};

/// The account id used when neither the options nor the text give one (AWS's documentation
/// account).
pub const DEFAULT_ACCOUNT_ID: &str = "111122223333";

/// The largest text accepted unless [`ImportOptions::max_bytes`] says otherwise: the same
/// bound as a scenario file, 64 MiB, so that a real account's pretty-printed authorization
/// details (about 40 MB for 5,000 roles and 1,000 users) import in the page, and the scenario
/// it becomes can be saved and read back. The CLI passes its own `--max-input-bytes` (64 MiB
/// by default). The size alone is no amplification risk: every reader is near-linear in it,
/// and the expansion budget ([`EXPANSION_FACTOR`]) and nesting depth caps still hold.
pub const MAX_IMPORT_BYTES: usize = MAX_SCENARIO_BYTES;

/// How many times its own size a template may grow while its `Fn::Sub`, `Fn::Join`,
/// `Fn::FindInMap` and `Fn::Select` values are evaluated (with at least
/// [`MIN_EXPANSION_BUDGET`]): ordinary templates stay far below it, while a template whose
/// values nest to double at every level (a few hundred bytes that would expand to gigabytes)
/// stops with an `import-expansion-budget` error naming the place. YAML aliases, the other
/// way to expand, are refused outright.
pub const EXPANSION_FACTOR: usize = 16;

/// The least expansion budget, in bytes, so a small template may still be generous.
pub const MIN_EXPANSION_BUDGET: usize = 4 * 1024 * 1024;

/// The bytes of expanded values a text of `len` bytes may produce.
fn expansion_budget(len: usize) -> usize {
    len.saturating_mul(EXPANSION_FACTOR)
        .max(MIN_EXPANSION_BUDGET)
}

/// What an import may be told.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// The account id to give the scenario when the text does not name one (a template says
    /// `${AWS::AccountId}`); [`DEFAULT_ACCOUNT_ID`] when absent.
    pub account_id: Option<String>,
    /// The largest text accepted, in bytes; [`MAX_IMPORT_BYTES`] when absent.
    pub max_bytes: Option<usize>,
}

/// Which reader took the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Source {
    /// A CloudFormation template in YAML.
    CloudFormationYaml,
    /// A CloudFormation template in JSON.
    CloudFormationJson,
    /// The output of `aws iam get-account-authorization-details`.
    AuthorizationDetails,
    /// A playground scenario file.
    Scenario,
    /// `terraform show -json` of a saved plan.
    TerraformPlan,
    /// `terraform show -json` of the state.
    TerraformState,
    /// Terraform configuration files (`.tf`, HCL).
    TerraformHcl,
}

impl Source {
    /// The source in words, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Source::CloudFormationYaml => "CloudFormation template (YAML)",
            Source::CloudFormationJson => "CloudFormation template (JSON)",
            Source::AuthorizationDetails => "account authorization details",
            Source::Scenario => "scenario file",
            Source::TerraformPlan => "Terraform plan (terraform show -json)",
            Source::TerraformState => "Terraform state (terraform show -json)",
            Source::TerraformHcl => "Terraform configuration (HCL)",
        }
    }
}

/// What kind of thing an import left out: the import report counts them by kind
/// ([`summarize_skipped`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkipKind {
    /// Older, non-default versions of customer-managed policies (only the default one is in
    /// effect).
    OlderVersions,
    /// Roles' instance profiles.
    InstanceProfiles,
    /// Resources of a type the playground does not model.
    ResourceType,
    /// Properties of a resource the playground does not model.
    Property,
    /// Template sections and metadata the import does not evaluate.
    TemplateSection,
    /// What the exporting playground wrote it had left out of the template (its `Metadata`).
    NotInTemplate,
    /// Entries without a name or a type.
    MissingName,
    /// Policy documents that are missing or cannot be read.
    Document,
    /// References to something the file does not hold, or ARNs that are not IAM policy ARNs.
    Reference,
    /// Values that cannot be read or resolved (intrinsic functions, tags, numbers).
    Value,
}

impl SkipKind {
    /// The kind as a heading, in words (`Older policy versions`).
    pub fn label(self) -> &'static str {
        match self {
            SkipKind::OlderVersions => "Older policy versions",
            SkipKind::InstanceProfiles => "Instance profiles",
            SkipKind::ResourceType => "Resources of types the playground does not model",
            SkipKind::Property => "Properties the playground does not model",
            SkipKind::TemplateSection => "Template sections and metadata",
            SkipKind::NotInTemplate => "Left out of the template when it was exported",
            SkipKind::MissingName => "Entries without a name",
            SkipKind::Document => "Policy documents that cannot be read",
            SkipKind::Reference => "References to what the file does not hold",
            SkipKind::Value => "Values that cannot be read",
        }
    }
}

/// The left-out items of one kind: how many, and which (see [`summarize_skipped`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SkipGroup {
    /// The kind.
    pub kind: SkipKind,
    /// [`SkipKind::label`].
    pub label: &'static str,
    /// How many items are of this kind.
    pub count: usize,
    /// The first few items' `what` ([`SKIP_EXAMPLES`] at most), for a one-line summary.
    pub examples: Vec<String>,
    /// The positions of every item of this kind in the `skipped` list, in its order.
    pub items: Vec<usize>,
}

impl SkipGroup {
    /// The group in one line: `180 × Older policy versions (policy a, policy b, policy c, …)`.
    pub fn line(&self) -> String {
        let more = if self.count > self.examples.len() {
            ", …"
        } else {
            ""
        };
        format!(
            "{} × {} ({}{more})",
            self.count,
            self.label,
            self.examples.join(", ")
        )
    }
}

/// How many examples a [`SkipGroup`] names.
pub const SKIP_EXAMPLES: usize = 3;

/// The left-out items counted by kind, the largest group first (equal counts in the order of
/// [`SkipKind`]), each with its first [`SKIP_EXAMPLES`] items named and every item's position.
/// Linear in the number of items.
pub fn summarize_skipped(skipped: &[Skipped]) -> Vec<SkipGroup> {
    let mut groups: std::collections::BTreeMap<SkipKind, SkipGroup> =
        std::collections::BTreeMap::new();
    for (i, item) in skipped.iter().enumerate() {
        let group = groups.entry(item.kind).or_insert_with(|| SkipGroup {
            kind: item.kind,
            label: item.kind.label(),
            count: 0,
            examples: Vec::new(),
            items: Vec::new(),
        });
        group.count += 1;
        if group.examples.len() < SKIP_EXAMPLES {
            group.examples.push(item.what.clone());
        }
        group.items.push(i);
    }
    let mut out: Vec<SkipGroup> = groups.into_values().collect();
    // Stable: equal counts keep the kinds' order.
    out.sort_by_key(|g| std::cmp::Reverse(g.count));
    out
}

/// Something in the text the scenario could not take.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Skipped {
    /// What kind of thing it is, for the report's counts.
    pub kind: SkipKind,
    /// What was left out (`resource LambdaRole (AWS::Lambda::Function)`).
    pub what: String,
    /// Why, in a sentence.
    pub why: String,
    /// The 1-based line where it is, when known.
    pub line: Option<usize>,
    /// The 1-based column (in characters), when known (Terraform configuration files).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// The file it is in, when the import read several (Terraform configuration files).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

impl Skipped {
    /// The place in words: `main.tf:12:5`, `line 12`, or nothing.
    pub fn place(&self) -> Option<String> {
        match (&self.file, self.line, self.column) {
            (Some(f), Some(l), Some(c)) => Some(format!("{f}:{l}:{c}")),
            (Some(f), Some(l), None) => Some(format!("{f}:{l}")),
            (Some(f), None, _) => Some(f.clone()),
            (None, Some(l), Some(c)) => Some(format!("line {l}, column {c}")),
            (None, Some(l), None) => Some(format!("line {l}")),
            (None, None, _) => None,
        }
    }
}

impl Skipped {
    /// The item in one line: `policy a older versions (line 12): 2 non-default version(s): …`.
    pub fn sentence(&self) -> String {
        match self.place() {
            Some(place) => format!("{} ({place}): {}", self.what, self.why),
            None => format!("{}: {}", self.what, self.why),
        }
    }
}

/// A successful import.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Imported {
    /// Which reader took the text.
    pub source: Source,
    /// The scenario.
    pub scenario: Scenario,
    /// What was left out, in source order.
    pub skipped: Vec<Skipped>,
    /// Assumptions the import made (the account id, generated names).
    pub notes: Vec<String>,
}

/// Why a text could not be imported at all, as plain data for the UI and the CLI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportError {
    /// A stable code (`import-yaml-syntax`, `import-json-syntax`, `import-unknown`, …).
    pub code: &'static str,
    /// What is wrong, in words for the user.
    pub message: String,
    /// The 1-based line of the mistake, when known.
    pub line: Option<usize>,
    /// The 1-based column (in characters) of the mistake, when known.
    pub column: Option<usize>,
    /// The file of the mistake, when the import read several (Terraform configuration files).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

impl ImportError {
    fn new(code: &'static str, message: impl Into<String>) -> ImportError {
        ImportError {
            code,
            message: message.into(),
            line: None,
            column: None,
            file: None,
        }
    }

    fn at(code: &'static str, message: impl Into<String>, line: usize, column: usize) -> Self {
        ImportError {
            code,
            message: message.into(),
            line: Some(line),
            column: Some(column),
            file: None,
        }
    }
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.file, self.line, self.column) {
            (Some(file), Some(l), Some(c)) => write!(f, "{file}:{l}:{c}: {}", self.message),
            (None, Some(l), Some(c)) => write!(f, "line {l}, column {c}: {}", self.message),
            (Some(file), _, _) => write!(f, "{file}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ImportError {}

/// Reads a template, authorization details or a scenario file (see the [module docs](self)).
pub fn detect_and_import(text: &str, options: &ImportOptions) -> Result<Imported, ImportError> {
    read(text, options, false).map(|(imported, _)| imported)
}

/// [`detect_and_import`], and the policy documents read from a template, authorization details
/// or Terraform (a plan or state, or one configuration file; several files:
/// [`terraform_policies_in`]), each with its place in `text` ([`FoundPolicy::to_file`]), for
/// validating them where they are written. A scenario file gives none: its documents are
/// strings of the scenario, which [`crate::validate::files`] reads itself.
pub fn policies_in(
    text: &str,
    options: &ImportOptions,
) -> Result<(Imported, Vec<FoundPolicy>), ImportError> {
    read(text, options, true)
}

fn read(
    text: &str,
    options: &ImportOptions,
    record: bool,
) -> Result<(Imported, Vec<FoundPolicy>), ImportError> {
    let max = options.max_bytes.unwrap_or(MAX_IMPORT_BYTES);
    if text.len() > max {
        return Err(ImportError::new(
            "import-too-large",
            format!(
                "The text is {} bytes; at most {max} bytes can be imported.",
                text.len()
            ),
        ));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(ImportError::new(
            "import-empty",
            "There is nothing to import.",
        ));
    }
    // JSON is read by the spanned JSON reader, whose errors are precise; a template in YAML's
    // flow style (`{Resources: …}`) is rare enough to be read as the JSON it is not.
    let json = text.trim_start().starts_with('{');
    if !json && terraform::looks_like_hcl(text) && !cfn_keys(text) {
        return terraform::hcl::import_text(text, options);
    }
    let tree = if json {
        tree::from_json(text)?
    } else {
        tree::from_yaml(text)?
    };
    if tree.map().is_none() {
        return Err(ImportError::new(
            "import-unknown",
            "The text is not a CloudFormation template, authorization details or a scenario: its top level is not a mapping.",
        ));
    }
    let has = |k: &str| tree.get(k).is_some();
    if json && terraform::is_terraform_json(&tree) {
        return terraform::import_json(&tree, text, options);
    }
    if has("formatVersion") {
        let scenario = if json {
            Scenario::from_json(text)
        } else {
            let value = serde_json::to_value(tree_to_node(&tree)).unwrap_or_default();
            Scenario::from_json(&value.to_string())
        }
        .map_err(|e| ImportError {
            code: "import-scenario",
            message: e.message,
            line: e.line,
            column: e.column,
            file: None,
        })?;
        return Ok((
            Imported {
                source: Source::Scenario,
                scenario,
                skipped: Vec::new(),
                notes: Vec::new(),
            },
            Vec::new(),
        ));
    }
    if [
        "UserDetailList",
        "GroupDetailList",
        "RoleDetailList",
        "Policies",
    ]
    .iter()
    .any(|k| has(k))
    {
        return Ok(authz::import(&tree, text, options, record));
    }
    if has("Resources") || has("AWSTemplateFormatVersion") {
        let source = if json {
            Source::CloudFormationJson
        } else {
            Source::CloudFormationYaml
        };
        return cfn::import(&tree, text, options, source, record);
    }
    Err(ImportError::new(
        "import-unknown",
        "The text is not a CloudFormation template (no Resources), authorization details (no UserDetailList, GroupDetailList, RoleDetailList or Policies), Terraform (no format_version with planned_values or values, no resource blocks) or a scenario (no formatVersion).",
    ))
}

/// Whether a text that is not JSON reads as Terraform configuration (HCL) for
/// [`detect_and_import`]: a top-level Terraform block and no CloudFormation template's keys.
pub fn looks_like_terraform(text: &str) -> bool {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    !text.trim_start().starts_with('{') && terraform::looks_like_hcl(text) && !cfn_keys(text)
}

/// Whether a text has a CloudFormation template's top-level keys at the start of a line.
fn cfn_keys(text: &str) -> bool {
    text.lines()
        .any(|l| l.starts_with("Resources:") || l.starts_with("AWSTemplateFormatVersion:"))
}

/// A tree as JSON data, without evaluating anything (authorization details, scenario files).
fn tree_to_node(t: &tree::Tree) -> Node {
    use tree::Kind;
    match &t.kind {
        Kind::Null => Node::Null,
        Kind::Bool(b) => Node::Bool(*b),
        Kind::Number(n) => Node::Number(n.clone()),
        Kind::Str(s) => Node::Str(s.clone()),
        Kind::Seq(items) => Node::Seq(items.iter().map(tree_to_node).collect()),
        Kind::Map(members) => {
            Node::from_members(members.iter().map(|(k, _, v)| (k.clone(), tree_to_node(v))))
        }
    }
}

/// A policy document as an import writes it: the JSON re-printed with two-space indentation,
/// keys in their order (a repeated key keeps its first place and its last value). Text that is
/// not JSON comes back unchanged.
pub fn canonical_document(text: &str) -> String {
    match serde_json::from_str::<Node>(text) {
        Ok(node) => pretty(&node),
        Err(_) => text.to_string(),
    }
}

/// Pretty JSON of a document tree.
fn pretty(node: &Node) -> String {
    serde_json::to_string_pretty(node).unwrap_or_default()
}

/// AWS's default key policy for an account, as the export writes it for a key without one.
fn default_key_policy(account: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"EnableIAMUserPermissions","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{account}:root"}},"Action":"kms:*","Resource":"*"}}]}}"#
    )
}

/// The part of a scenario a CloudFormation template carries (see the module docs): what
/// scenario → template → scenario gives back, given the same account id.
pub fn template_view(scenario: &Scenario) -> Scenario {
    let mut view = Scenario::new(scenario.account.id.clone());
    view.title = scenario.title.clone();
    let policy_ref = |r: &PolicyRef| match r {
        PolicyRef::Customer(name) => match scenario.policy(name) {
            Some(p) => PolicyRef::Customer(p.name.clone()),
            None => r.clone(),
        },
        PolicyRef::Aws(_) => r.clone(),
    };
    // Attachments are a set in IAM: the export writes a policy attached twice once.
    let managed = |list: &[PolicyRef]| {
        let mut seen = std::collections::HashSet::new();
        list.iter()
            .map(policy_ref)
            .filter(|r| seen.insert(r.clone()))
            .collect::<Vec<_>>()
    };
    let inline = |list: &[crate::scenario::InlinePolicy]| {
        list.iter()
            .map(|p| crate::scenario::InlinePolicy {
                name: p.name.clone(),
                document: canonical_document(&p.document),
            })
            .collect::<Vec<_>>()
    };
    view.policies = scenario
        .policies
        .iter()
        .map(|p| {
            let mut p = p.clone();
            p.document = canonical_document(&p.document);
            p
        })
        .collect();
    view.groups = scenario
        .groups
        .iter()
        .map(|g| {
            let mut g = g.clone();
            g.inline_policies = inline(&g.inline_policies);
            g.managed_policies = managed(&g.managed_policies);
            g
        })
        .collect();
    view.users = scenario
        .users
        .iter()
        .map(|u| {
            let mut u = u.clone();
            u.mfa = false;
            u.access_keys.clear();
            u.groups = u
                .groups
                .iter()
                .map(|g| scenario.group(g).map_or(g.clone(), |g| g.name.clone()))
                .collect();
            u.inline_policies = inline(&u.inline_policies);
            u.managed_policies = managed(&u.managed_policies);
            u.permissions_boundary = u.permissions_boundary.as_ref().map(policy_ref);
            u
        })
        .collect();
    view.roles = scenario
        .roles
        .iter()
        .map(|r| {
            let mut r = r.clone();
            r.trust_policy = canonical_document(&r.trust_policy);
            r.inline_policies = inline(&r.inline_policies);
            r.managed_policies = managed(&r.managed_policies);
            r.permissions_boundary = r.permissions_boundary.as_ref().map(policy_ref);
            r
        })
        .collect();
    let default_key = canonical_document(&default_key_policy(&scenario.account.id));
    view.resources = scenario
        .resources
        .iter()
        .map(|r| {
            let mut r = r.clone();
            r.region = None;
            r.policy = r.policy.as_deref().map(canonical_document);
            if r.kind == ResourceKind::KmsKey && r.policy.as_deref() == Some(default_key.as_str()) {
                r.policy = None;
            }
            // An AWS::EC2::VPCEndpoint takes no tags in the template.
            if r.kind == ResourceKind::VpcEndpoint {
                r.tags.clear();
            }
            r
        })
        .collect();
    view
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(kind: SkipKind, what: &str) -> Skipped {
        Skipped {
            kind,
            what: what.to_string(),
            why: "because".to_string(),
            line: Some(1),
            column: None,
            file: None,
        }
    }

    #[test]
    fn the_report_counts_by_kind_largest_first_with_a_few_examples() {
        let mut skipped = vec![item(SkipKind::InstanceProfiles, "role r instance profiles")];
        for i in 0..5 {
            skipped.push(item(
                SkipKind::OlderVersions,
                &format!("policy p{i} older versions"),
            ));
        }
        skipped.push(item(SkipKind::Reference, "user u attached policy"));
        let groups = summarize_skipped(&skipped);
        let kinds: Vec<(SkipKind, usize)> = groups.iter().map(|g| (g.kind, g.count)).collect();
        // Largest first; equal counts in the kinds' order.
        assert_eq!(
            kinds,
            [
                (SkipKind::OlderVersions, 5),
                (SkipKind::InstanceProfiles, 1),
                (SkipKind::Reference, 1)
            ]
        );
        let older = &groups[0];
        assert_eq!(older.items, [1, 2, 3, 4, 5]);
        assert_eq!(older.examples.len(), SKIP_EXAMPLES);
        assert_eq!(
            older.line(),
            "5 × Older policy versions (policy p0 older versions, policy p1 older versions, policy p2 older versions, …)"
        );
        // A group with no more items than examples ends without an ellipsis.
        assert_eq!(
            groups[1].line(),
            "1 × Instance profiles (role r instance profiles)"
        );
        // Every item is in exactly one group.
        let total: usize = groups.iter().map(|g| g.items.len()).sum();
        assert_eq!(total, skipped.len());
    }

    #[test]
    fn nothing_left_out_is_no_group() {
        assert!(summarize_skipped(&[]).is_empty());
    }

    #[test]
    fn an_item_reads_with_its_line_when_known() {
        let mut s = item(SkipKind::Value, "U1 Path");
        assert_eq!(s.sentence(), "U1 Path (line 1): because");
        s.line = None;
        assert_eq!(s.sentence(), "U1 Path: because");
    }
}
