//! Templates over CloudFormation's quotas, split into a parent stack and nested stacks.
//!
//! A stack holds at most 500 resources, and a template read from S3 (as every nested stack's
//! is) at most 1 MB. An imported real account easily makes more: 1,000 roles with their
//! policies are already over. [`cloudformation_files`] then writes a **parent template** whose
//! resources are `AWS::CloudFormation::Stack`s, one per **part**, and the parts themselves:
//!
//! - The resources keep their order (customer-managed policies, groups, users, roles, then the
//!   resources with policies of their own) and their logical ids. A unit that refers to itself
//!   stays in one part: a user with the secret of its console password, a bucket, queue or topic
//!   with its policy.
//! - A part is cut when the next unit would take it over [`StackLimits::resources`] resources or
//!   over [`StackLimits::body_bytes`] bytes of template text.
//! - References between parts cannot be `Ref`s: a customer-managed policy of another part is
//!   named by its ARN (`arn:${AWS::Partition}:iam::${AWS::AccountId}:policy` + path + name,
//!   which IAM gives every policy), a group of another part by its name. Every part after the
//!   first `DependsOn` the one before it, so policies and groups exist before the users and
//!   roles that name them, and roles before the resource policies that name them as principals.
//! - The `VpcId` parameter of the template is the parent's, passed on to the parts that create
//!   VPC endpoints. The parent's `Metadata` says what is not created, as the single template's.
//!
//! The parts are read from S3: the parent's `PartsUrl` parameter names the folder they were
//! copied to, and each `TemplateURL` is that folder plus the part's file name
//! ([`TemplateSet::explanation`] gives the two commands).

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::node::Node;
use super::{ExportError, Format, build, render, serialize_error};
use crate::scenario::Scenario;

/// The quotas a template must fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StackLimits {
    /// The most resources in one stack.
    pub resources: usize,
    /// The most bytes of template text of one stack.
    pub body_bytes: usize,
}

/// CloudFormation's quotas: 500 resources per stack, and 1 MB for a template read from S3.
/// The body limit keeps a margin below 1 MB for the header a part gets once cut.
pub const STACK_LIMITS: StackLimits = StackLimits {
    resources: 500,
    body_bytes: 1_000_000,
};

/// One file of an export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportFile {
    /// The file name, with its extension.
    pub name: String,
    /// The file's text.
    pub text: String,
    /// How many resources its template creates (a parent counts its nested stacks).
    pub resources: usize,
}

/// The templates that create a scenario: one, or a parent and its parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateSet {
    /// The parent (or only) template first, then the parts in order.
    pub files: Vec<ExportFile>,
    /// The resources of the whole scenario, without the nested-stack resources.
    pub resources: usize,
}

impl TemplateSet {
    /// Whether the export was split into nested stacks.
    pub fn is_split(&self) -> bool {
        self.files.len() > 1
    }

    /// Why the export was split and how it deploys, or `None` for a single template; the
    /// commands are [`TemplateSet::deploy_commands`].
    pub fn explanation(&self) -> Option<String> {
        let (parent, parts) = self.files.split_first()?;
        if parts.is_empty() {
            return None;
        }
        Some(format!(
            "This scenario makes {} resources, more than one CloudFormation stack can hold ({} resources and 1 MB of template). The export is a parent template, {}, and {} nested stacks created one after another, so policies and groups exist before the users and roles that attach them. Copy the parts to an S3 folder, then deploy the parent with that folder's URL as its PartsUrl parameter.",
            group_digits(self.resources),
            STACK_LIMITS.resources,
            parent.name,
            parts.len(),
        ))
    }

    /// The AWS CLI commands that deploy a split export from the folder holding its files (with
    /// placeholders for the bucket and the stack name); none for a single template.
    pub fn deploy_commands(&self) -> Vec<String> {
        let Some((parent, parts)) = self.files.split_first() else {
            return Vec::new();
        };
        if parts.is_empty() {
            return Vec::new();
        }
        let stem = parent
            .name
            .rsplit_once('.')
            .map_or(parent.name.as_str(), |(s, _)| s);
        vec![
            format!(
                "aws s3 cp . s3://YOUR-BUCKET/iam/ --recursive --exclude \"*\" --include \"{stem}-part-*\""
            ),
            format!(
                "aws cloudformation deploy --template-file {} --stack-name YOUR-STACK --parameter-overrides PartsUrl=https://YOUR-BUCKET.s3.amazonaws.com/iam --capabilities CAPABILITY_NAMED_IAM CAPABILITY_AUTO_EXPAND",
                parent.name
            ),
        ]
    }
}

/// `1660` → `1,660`.
fn group_digits(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The templates that create `scenario`, named after `base` (`base.yaml`, and when split
/// `base-part-1.yaml`, …), within CloudFormation's quotas.
pub fn cloudformation_files(
    scenario: &Scenario,
    format: Format,
    base: &str,
) -> Result<TemplateSet, ExportError> {
    cloudformation_files_within(scenario, format, base, STACK_LIMITS)
}

/// [`cloudformation_files`] with other quotas (the tests split small scenarios with small ones).
pub fn cloudformation_files_within(
    scenario: &Scenario,
    format: Format,
    base: &str,
    limits: StackLimits,
) -> Result<TemplateSet, ExportError> {
    let limits = StackLimits {
        resources: limits.resources.max(1),
        body_bytes: limits.body_bytes,
    };
    let extension = match format {
        Format::Yaml => "yaml",
        Format::Json => "json",
    };
    let template = build(scenario)?;
    let resources = members(&template, "Resources").map_or(0, <[_]>::len);
    let whole = render(&template, format, &super::NOT_CREATED)?;
    if resources <= limits.resources && whole.len() <= limits.body_bytes {
        return Ok(TemplateSet {
            files: vec![ExportFile {
                name: format!("{base}.{extension}"),
                text: whole,
                resources,
            }],
            resources,
        });
    }
    let parts = cut(&template, format, limits)?;
    if parts.len() > limits.resources {
        return Err(ExportError {
            code: "export-too-large",
            message: format!(
                "the scenario makes {resources} resources: even split into nested stacks of {} it needs more stacks than one parent can hold",
                limits.resources
            ),
            document: None,
            line: None,
            column: None,
        });
    }
    let total = parts.len();
    let refs = cross_part_names(&template);
    let parameters = members(&template, "Parameters").unwrap_or_default();
    let mut files = Vec::with_capacity(total + 1);
    let mut stacks = Vec::with_capacity(total);
    let description = string_member(&template, "Description").unwrap_or_default();
    for (i, part) in parts.into_iter().enumerate() {
        let number = i + 1;
        let name = format!("{base}-part-{number}.{extension}");
        let ids: HashSet<&str> = part.iter().map(|(id, _)| id.as_str()).collect();
        let count = part.len();
        let mut uses_parameters = Vec::new();
        let rewritten: Vec<(String, Node)> = part
            .iter()
            .map(|(id, node)| {
                (
                    id.clone(),
                    rewrite(node, &ids, &refs, parameters, &mut uses_parameters),
                )
            })
            .collect();
        let mut child = Node::map();
        child.insert("AWSTemplateFormatVersion", Node::str("2010-09-09"));
        child.insert(
            "Description",
            Node::str(clip(
                format!("Part {number} of {total}: {description}"),
                1024,
            )),
        );
        if !uses_parameters.is_empty() {
            let declared: Vec<(String, Node)> = parameters
                .iter()
                .filter(|(k, _)| uses_parameters.contains(k))
                .cloned()
                .collect();
            child.insert("Parameters", Node::Map(declared));
        }
        child.insert("Resources", Node::Map(rewritten));
        let header =
            ["A nested stack of the parent template: deploy the parent, not this file on its own."];
        let text = render(&child, format, &header)?;
        if text.len() > STACK_LIMITS.body_bytes.max(limits.body_bytes) {
            return Err(serialize_error(&format!(
                "part {number} is {} bytes long, over the template size CloudFormation reads",
                text.len()
            )));
        }
        let mut stack_props = Node::map();
        stack_props.insert("TemplateURL", Node::sub(format!("${{PartsUrl}}/{name}")));
        if !uses_parameters.is_empty() {
            let mut pass = Node::map();
            for key in &uses_parameters {
                pass.insert(key.clone(), Node::reference(key));
            }
            stack_props.insert("Parameters", pass);
        }
        let mut stack = Node::map();
        stack.insert("Type", Node::str("AWS::CloudFormation::Stack"));
        if i > 0 {
            stack.insert("DependsOn", Node::str(format!("Part{i}")));
        }
        // Deleting the parent deletes its parts; what holds data inside them keeps its own
        // `Retain` (cfn-lint I3011 asks for the choice to be written out).
        stack.insert("DeletionPolicy", Node::str("Delete"));
        stack.insert("UpdateReplacePolicy", Node::str("Delete"));
        stack.insert("Properties", stack_props);
        stacks.push((format!("Part{number}"), stack));
        files.push(ExportFile {
            name,
            text,
            resources: count,
        });
    }
    let mut parent = Node::map();
    parent.insert("AWSTemplateFormatVersion", Node::str("2010-09-09"));
    parent.insert("Description", Node::str(description));
    if let Some(meta) = member(&template, "Metadata") {
        parent.insert("Metadata", meta.clone());
    }
    let mut parent_parameters = parameters.to_vec();
    let mut parts_url = Node::map();
    parts_url.insert("Type", Node::str("String"));
    parts_url.insert(
        "Description",
        Node::str("The S3 URL of the folder the part templates were copied to, without a trailing slash, such as https://my-bucket.s3.amazonaws.com/iam."),
    );
    parts_url.insert("AllowedPattern", Node::str("^https://\\S+[^/]$"));
    parent_parameters.push(("PartsUrl".to_string(), parts_url));
    parent.insert("Parameters", Node::Map(parent_parameters));
    parent.insert("Resources", Node::Map(stacks));
    let text = render(&parent, format, &super::NOT_CREATED)?;
    files.insert(
        0,
        ExportFile {
            name: format!("{base}.{extension}"),
            text,
            resources: total,
        },
    );
    Ok(TemplateSet { files, resources })
}

fn clip(mut text: String, max: usize) -> String {
    while text.len() > max {
        text.pop();
    }
    text
}

fn member<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    match node {
        Node::Map(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
        _ => None,
    }
}

fn members<'a>(node: &'a Node, key: &str) -> Option<&'a [(String, Node)]> {
    match member(node, key)? {
        Node::Map(m) => Some(m),
        _ => None,
    }
}

fn string_member(node: &Node, key: &str) -> Option<String> {
    match member(node, key)? {
        Node::Str(s) => Some(s.clone()),
        _ => None,
    }
}

/// The resources cut into parts: each within the limits, a unit never cut.
fn cut(
    template: &Node,
    format: Format,
    limits: StackLimits,
) -> Result<Vec<Vec<(String, Node)>>, ExportError> {
    let resources = members(template, "Resources").unwrap_or_default();
    // Units: a secret or a resource policy goes with the resource before it.
    let mut units: Vec<&[(String, Node)]> = Vec::new();
    let mut start = 0;
    for (i, (_, node)) in resources.iter().enumerate() {
        let follows = member(node, "Type").is_some_and(|t| {
            matches!(t, Node::Str(s) if matches!(s.as_str(),
                "AWS::SecretsManager::Secret"
                | "AWS::S3::BucketPolicy"
                | "AWS::SQS::QueuePolicy"
                | "AWS::SNS::TopicPolicy"))
        });
        if i > start && !follows {
            units.extend(resources.get(start..i));
            start = i;
        }
    }
    if start < resources.len() {
        units.extend(resources.get(start..));
    }
    // Room for a part's own lines (format version, description, header comment, parameters).
    const OVERHEAD: usize = 4_096;
    let mut parts: Vec<Vec<(String, Node)>> = Vec::new();
    let mut current: Vec<(String, Node)> = Vec::new();
    let mut bytes = OVERHEAD;
    for unit in units {
        let size = unit_size(unit, format)?;
        let over =
            current.len() + unit.len() > limits.resources || bytes + size > limits.body_bytes;
        if over && !current.is_empty() {
            parts.push(std::mem::take(&mut current));
            bytes = OVERHEAD;
        }
        current.extend(unit.iter().cloned());
        bytes += size;
    }
    if !current.is_empty() {
        parts.push(current);
    }
    Ok(parts)
}

/// The bytes a unit takes in a template of `format`: its own text, indented as deep as a
/// template's resources are.
fn unit_size(unit: &[(String, Node)], format: Format) -> Result<usize, ExportError> {
    let node = Node::Map(unit.to_vec());
    let text = match format {
        Format::Json => {
            serde_json::to_string_pretty(&node).map_err(|e| serialize_error(&e.to_string()))?
        }
        Format::Yaml => {
            let mut options = serde_saphyr::SerializerOptions::default();
            options.prefer_block_scalars = false;
            serde_saphyr::to_string_with_options(&node, options)
                .map_err(|e| serialize_error(&e.to_string()))?
        }
    };
    // Every line is indented two more levels inside `Resources` (four spaces in both formats).
    Ok(text.len() + 4 * text.lines().count())
}

/// What a `Ref` to a policy or a group becomes in another part: the policy's ARN, the group's
/// name.
fn cross_part_names(template: &Node) -> HashMap<String, Node> {
    let mut out = HashMap::new();
    for (id, node) in members(template, "Resources").unwrap_or_default() {
        let kind = string_member(node, "Type").unwrap_or_default();
        let Some(props) = member(node, "Properties") else {
            continue;
        };
        match kind.as_str() {
            "AWS::IAM::ManagedPolicy" => {
                let name = string_member(props, "ManagedPolicyName").unwrap_or_default();
                let path = string_member(props, "Path").unwrap_or_else(|| "/".to_string());
                out.insert(
                    id.clone(),
                    Node::sub(format!(
                        "arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:policy{path}{name}"
                    )),
                );
            }
            "AWS::IAM::Group" => {
                if let Some(name) = string_member(props, "GroupName") {
                    out.insert(id.clone(), Node::Str(name));
                }
            }
            _ => {}
        }
    }
    out
}

/// `node` with every `Ref` to a resource outside `ids` replaced by what names it across parts,
/// noting the template parameters it refers to.
fn rewrite(
    node: &Node,
    ids: &HashSet<&str>,
    refs: &HashMap<String, Node>,
    parameters: &[(String, Node)],
    uses: &mut Vec<String>,
) -> Node {
    match node {
        Node::Map(m) => {
            if let [(key, Node::Str(target))] = m.as_slice()
                && key == "Ref"
            {
                if parameters.iter().any(|(p, _)| p == target) {
                    if !uses.contains(target) {
                        uses.push(target.clone());
                    }
                    return node.clone();
                }
                if !ids.contains(target.as_str())
                    && let Some(replacement) = refs.get(target)
                {
                    return replacement.clone();
                }
                return node.clone();
            }
            Node::Map(
                m.iter()
                    .map(|(k, v)| (k.clone(), rewrite(v, ids, refs, parameters, uses)))
                    .collect(),
            )
        }
        Node::Seq(items) => Node::Seq(
            items
                .iter()
                .map(|v| rewrite(v, ids, refs, parameters, uses))
                .collect(),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_grouped_by_thousands() {
        assert_eq!(group_digits(7), "7");
        assert_eq!(group_digits(500), "500");
        assert_eq!(group_digits(1660), "1,660");
        assert_eq!(group_digits(1_234_567), "1,234,567");
    }
}
