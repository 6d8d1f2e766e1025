//! Terraform → scenario: `terraform show -json` of a plan or of the state ([`plan`]), and
//! configuration files in HCL ([`hcl`]).
//!
//! Both readers turn the text into a list of [`TfResource`]s, each with its attributes as
//! plain values (a plan's unknown values resolved through the configuration's references, an
//! HCL file's expressions evaluated), and [`build`] turns that list into a scenario. The
//! resource types read are the ones the Terraform export writes and the scenario models:
//!
//! - `aws_iam_user`, `aws_iam_user_login_profile` (the console password, with
//!   `password_reset_required`), `aws_iam_group`, `aws_iam_user_group_membership`,
//!   `aws_iam_group_membership`;
//! - `aws_iam_role` (`assume_role_policy`, `path`, `description`, `max_session_duration`,
//!   `permissions_boundary`, `tags`, `inline_policy` blocks, `managed_policy_arns`);
//! - `aws_iam_policy`, the attachments `aws_iam_user_policy_attachment`,
//!   `aws_iam_group_policy_attachment`, `aws_iam_role_policy_attachment` and
//!   `aws_iam_policy_attachment`, the inline `aws_iam_user_policy`, `aws_iam_group_policy` and
//!   `aws_iam_role_policy`;
//! - `aws_s3_bucket` and `aws_s3_bucket_policy`, `aws_sqs_queue` and `aws_sqs_queue_policy`,
//!   `aws_sns_topic` and `aws_sns_topic_policy`, `aws_kms_key` (its `policy`), and
//!   `aws_vpc_endpoint` (its `policy`);
//! - the data sources `aws_iam_policy_document` (its `json`), `aws_caller_identity`
//!   (`account_id`: the scenario's account), `aws_partition` (`aws`) and `aws_region`.
//!
//! Anything else (another resource type, an attribute the playground does not model, a value
//! that cannot be known before applying) is listed in [`super::Imported::skipped`] with its
//! place: the file, line and column of an HCL file, the line of a JSON file.

mod build;
pub(super) mod hcl;
pub(super) mod plan;

use super::tree::{Kind, Tree};
use super::{FoundPolicy, ImportError, ImportOptions, Imported, SkipKind, Skipped, Source};
use crate::span::LineIndex;

pub use hcl::{
    TerraformFile, import_terraform_files, is_terraform_file_name, terraform_policies_in,
};

/// A managed resource or a data source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Mode {
    Managed,
    Data,
}

/// One resource (or data source) of the plan, state or configuration, with its attributes
/// evaluated.
#[derive(Debug, Clone)]
pub(super) struct TfResource {
    pub mode: Mode,
    /// `aws_iam_user`.
    pub ty: String,
    /// The local name (`admin` in `aws_iam_user.admin`).
    pub name: String,
    /// The full address, with its module path and instance key.
    pub address: String,
    /// The module's address (`module.network`), empty at the root.
    pub module: String,
    /// Which file it is in (an index into the reader's files; 0 for JSON).
    pub file: usize,
    /// Where the resource starts in its file.
    pub at: usize,
    /// The attributes and nested blocks (blocks as lists of mappings), as a mapping.
    pub values: Tree,
    /// Attributes whose value could not be known (already listed as skipped): a resource
    /// missing one of them is left out without a second entry.
    pub failed: Vec<String>,
}

impl TfResource {
    /// An attribute's value, when known and not null.
    pub fn get(&self, key: &str) -> Option<&Tree> {
        self.values
            .get(key)
            .filter(|t| !matches!(t.kind, Kind::Null))
    }
}

/// Where the skipped items and notes of an import go, with each file's line index.
pub(super) struct Report<'a> {
    files: Vec<(Option<String>, LineIndex<'a>)>,
    /// Whether places give the column too (configuration files; a JSON file gives its line,
    /// as the CloudFormation import does).
    columns: bool,
    pub skipped: Vec<(usize, usize, Skipped)>,
    pub notes: Vec<String>,
}

impl<'a> Report<'a> {
    /// A report over `files` (name, text); a single JSON text has no name.
    pub fn new(files: Vec<(Option<String>, &'a str)>, columns: bool) -> Self {
        Report {
            columns,
            files: files
                .into_iter()
                .map(|(n, t)| (n, LineIndex::new(t)))
                .collect(),
            skipped: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// Lists `what` as left out, because `why`, at byte `at` of file `file`; `kind` is its
    /// heading in the import report's counts.
    pub fn skip(
        &mut self,
        kind: SkipKind,
        what: impl Into<String>,
        why: impl Into<String>,
        file: usize,
        at: usize,
    ) {
        let (name, lc) = match self.files.get(file) {
            Some((name, index)) => (name.clone(), Some(index.line_col(at))),
            None => (None, None),
        };
        let column = lc.filter(|_| self.columns).map(|lc| lc.column);
        let why = why.into();
        self.skipped.push((
            file,
            at,
            Skipped {
                kind,
                what: what.into(),
                why,
                line: lc.map(|lc| lc.line),
                column,
                file: name,
            },
        ));
    }

    /// An error at byte `at` of file `file`.
    pub fn error(
        &self,
        code: &'static str,
        message: impl Into<String>,
        file: usize,
        at: usize,
    ) -> ImportError {
        match self.files.get(file) {
            Some((name, index)) => {
                let lc = index.line_col(at);
                let mut e = ImportError::at(code, message, lc.line, lc.column);
                e.file = name.clone();
                e
            }
            None => ImportError::new(code, message),
        }
    }

    /// The import's result: skipped items in file and source order.
    pub fn finish(mut self, source: Source, scenario: crate::scenario::Scenario) -> Imported {
        self.skipped.sort_by_key(|(file, at, _)| (*file, *at));
        Imported {
            source,
            scenario,
            skipped: self.skipped.into_iter().map(|(_, _, s)| s).collect(),
            notes: self.notes,
        }
    }
}

/// Whether a JSON object's top level is `terraform show -json` output: `format_version` with
/// `planned_values`, `values`, `resource_changes`, `prior_state` or `terraform_version`.
pub(super) fn is_terraform_json(tree: &Tree) -> bool {
    tree.get("format_version").is_some()
        && [
            "planned_values",
            "values",
            "resource_changes",
            "prior_state",
            "terraform_version",
        ]
        .iter()
        .any(|k| tree.get(k).is_some())
}

/// Whether a text that is neither JSON nor a CloudFormation template looks like Terraform
/// configuration: a top-level `resource`, `data`, `variable`, `locals`, `provider`, `module`,
/// `output` or `terraform` block.
pub(super) fn looks_like_hcl(text: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim_start();
        [
            "resource",
            "data",
            "variable",
            "locals",
            "provider",
            "module",
            "output",
            "terraform",
        ]
        .iter()
        .any(|kw| {
            line.strip_prefix(kw).is_some_and(|rest| {
                let rest = rest.trim_start();
                rest.starts_with('"') || rest.starts_with('{')
            })
        })
    })
}

/// Reads `terraform show -json` output (see the [module docs](self)), with the policy
/// documents it holds.
pub(super) fn import_json(
    tree: &Tree,
    text: &str,
    options: &ImportOptions,
) -> Result<(Imported, Vec<FoundPolicy>), ImportError> {
    let mut report = Report::new(vec![(None, text)], false);
    let (source, resources, account) = plan::resources(tree, options, text, &mut report)?;
    let (scenario, found) = build::build(&resources, &account, &mut report, false)?;
    report.notes.push(
        "Attributes the playground does not model (the defaults AWS fills in, settings of buckets and queues) are not listed one by one.".to_string(),
    );
    Ok((
        report.finish(source, scenario),
        found.into_iter().map(|(_, f)| f).collect(),
    ))
}

/// The value of a computed attribute Terraform knows only after applying, derived from the
/// resource's name the way AWS forms it (`arn` of a user, `url` of a queue), for references a
/// plan or a configuration makes to it.
pub(super) fn computed_attribute(
    r: &TfResource,
    attr: &str,
    account: &str,
    region: &str,
) -> Option<String> {
    let s = |k: &str| r.get(k).and_then(scalar);
    let name = || s("name");
    let path = || s("path").unwrap_or_else(|| "/".to_string());
    let value = match (r.mode, r.ty.as_str(), attr) {
        (Mode::Managed, "aws_iam_user" | "aws_iam_group" | "aws_iam_role", "id" | "name") => {
            name()?
        }
        (Mode::Managed, "aws_iam_user", "arn") => {
            format!("arn:aws:iam::{account}:user{}{}", path(), name()?)
        }
        (Mode::Managed, "aws_iam_group", "arn") => {
            format!("arn:aws:iam::{account}:group{}{}", path(), name()?)
        }
        (Mode::Managed, "aws_iam_role", "arn") => {
            format!("arn:aws:iam::{account}:role{}{}", path(), name()?)
        }
        (Mode::Managed, "aws_iam_policy", "arn" | "id") => {
            format!("arn:aws:iam::{account}:policy{}{}", path(), name()?)
        }
        (Mode::Managed, "aws_s3_bucket", "id" | "bucket") => s("bucket")?,
        (Mode::Managed, "aws_s3_bucket", "arn") => format!("arn:aws:s3:::{}", s("bucket")?),
        (Mode::Managed, "aws_sqs_queue", "id" | "url") => {
            format!("https://sqs.{region}.amazonaws.com/{account}/{}", name()?)
        }
        (Mode::Managed, "aws_sqs_queue", "arn") => {
            format!("arn:aws:sqs:{region}:{account}:{}", name()?)
        }
        (Mode::Managed, "aws_sns_topic", "arn" | "id") => {
            format!("arn:aws:sns:{region}:{account}:{}", name()?)
        }
        (Mode::Data, "aws_caller_identity", "account_id" | "id") => account.to_string(),
        (Mode::Data, "aws_partition", "partition" | "id") => "aws".to_string(),
        (Mode::Data, "aws_partition", "dns_suffix") => "amazonaws.com".to_string(),
        (Mode::Data, "aws_region", "name" | "id" | "region") => region.to_string(),
        _ => return None,
    };
    Some(value)
}

/// A scalar value as text (strings, numbers, booleans).
pub(super) fn scalar(t: &Tree) -> Option<String> {
    match &t.kind {
        Kind::Str(s) => Some(s.clone()),
        Kind::Number(n) => Some(n.to_string()),
        Kind::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod kind_tests {
    use super::super::ImportOptions;
    use super::*;

    /// Each left-out item of a configuration is counted under the kind its reader names, one
    /// of each kind the HCL reader lists.
    #[test]
    fn left_out_items_are_counted_by_kind() {
        let text = r#"
module "net" {
  source = "./net"
}
output "arn" {
  value = aws_iam_user.alice.arn
}
resource "aws_s3_object" "readme" {
  bucket = "docs"
}
resource "aws_iam_user" "alice" {
  name          = "alice"
  tags = {
    team = ["a", "b"]
  }
  dynamic "tag" {
    for_each = []
  }
}
resource "aws_iam_user_policy_attachment" "a" {
  user       = "alice"
  policy_arn = "arn:aws:s3:::not-a-policy"
}
resource "aws_iam_user_group_membership" "m" {
  user   = "alice"
  groups = ["nobody"]
}
resource "aws_iam_policy" "empty" {
  name = "empty"
}
"#;
        let files = [TerraformFile {
            name: "main.tf".into(),
            text: text.into(),
        }];
        let imported = match import_terraform_files(&files, &ImportOptions::default()) {
            Ok(imported) => imported,
            Err(e) => unreachable!("the configuration imports: {e:?}"),
        };
        let kind = |what: &str| {
            imported
                .skipped
                .iter()
                .find(|s| s.what.contains(what))
                .map(|s| s.kind)
        };
        assert_eq!(kind("module net"), Some(SkipKind::TemplateSection));
        assert_eq!(kind("output arn"), Some(SkipKind::TemplateSection));
        assert_eq!(kind("dynamic block tag"), Some(SkipKind::TemplateSection));
        assert_eq!(kind("aws_s3_object.readme"), Some(SkipKind::ResourceType));
        assert_eq!(kind("tag team"), Some(SkipKind::Value));
        assert_eq!(kind("not-a-policy"), Some(SkipKind::Reference));
        assert_eq!(kind("aws_iam_policy.empty"), Some(SkipKind::Document));
    }
}
