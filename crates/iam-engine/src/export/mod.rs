//! Exports of a scenario to formats that run against a real AWS account.
//!
//! [`cloudformation`] turns a scenario into a CloudFormation template (YAML or JSON) that
//! creates the same IAM users, groups, roles and customer-managed policies, and the resources
//! that carry resource-based policies:
//!
//! - **Users** (`AWS::IAM::User`) with their path, groups (`Ref` to the group when the group is
//!   in the scenario), managed and inline policies, permissions boundary and tags. A user with a
//!   console password gets a `LoginProfile` whose password is never written in the template: an
//!   `AWS::SecretsManager::Secret` generates it (`GenerateSecretString`) and the profile reads
//!   it with a `{{resolve:secretsmanager:…}}` dynamic reference, so the administrator hands it
//!   over from Secrets Manager and `PasswordResetRequired` makes the user replace it.
//! - **Groups** (`AWS::IAM::Group`), **roles** (`AWS::IAM::Role`, with the trust policy as
//!   `AssumeRolePolicyDocument`, `MaxSessionDuration`, description, boundary and tags) and
//!   **customer-managed policies** (`AWS::IAM::ManagedPolicy`, attached by `Ref`, which returns
//!   the policy's ARN). AWS-managed policies are attached by ARN with `${AWS::Partition}`.
//! - **Resources**: the template *creates* the scenario's buckets, queues, topics and keys, so
//!   the resource-based policies can name them by `Ref` and the template deploys on its own
//!   (`AWS::S3::Bucket` + `AWS::S3::BucketPolicy`, `AWS::SQS::Queue` + `AWS::SQS::QueuePolicy`,
//!   `AWS::SNS::Topic` + `AWS::SNS::TopicPolicy`, `AWS::KMS::Key` with its `KeyPolicy`). Bucket,
//!   queue and topic keep their names; a KMS key's id is chosen by AWS, so ARNs of a key inside
//!   policy text will not match the new key until edited. Every resource is created in the
//!   stack's Region. They are marked `DeletionPolicy: Retain` (and `UpdateReplacePolicy`), so
//!   deleting the stack keeps their data; the generated password secrets are deleted with it.
//! - **VPC endpoints** (`AWS::EC2::VPCEndpoint`, logical id `VpcEndpoint` + the endpoint id in
//!   PascalCase, from which the import reads the id back): in the VPC the template's `VpcId`
//!   parameter (`AWS::EC2::VPC::Id`) names, with the endpoint's `ServiceName` (in the stack's
//!   Region, `com.amazonaws.${AWS::Region}.SERVICE`, when it names the endpoint's Region),
//!   `VpcEndpointType` `Gateway` for S3 and DynamoDB and `Interface` otherwise, and its
//!   `PolicyDocument` when it has one of its own. AWS chooses the new endpoint's id, so an
//!   `aws:SourceVpce` condition naming the scenario's id will not match it until edited.
//!
//! Policy documents are embedded as JSON objects, keeping the user's key order. Every string
//! in them that is an ARN is rewritten with `Fn::Sub`: the partition `aws` becomes
//! `${AWS::Partition}` and the scenario's own account id becomes `${AWS::AccountId}`, so the
//! template deploys to any account; policy variables such as `${aws:username}` in those strings
//! are escaped as `${!aws:username}` so CloudFormation leaves them to IAM.
//!
//! Not exported, and listed in the template's `Metadata` (and, in YAML, in a leading comment):
//! the root user's credentials and organization policies (SCPs, RCPs), which CloudFormation
//! cannot create in the member account; MFA devices and access keys, which are credentials a
//! person registers or receives; external principals, which live in other accounts; and saved
//! tests.
//!
//! [`terraform`] writes the same scenario as a Terraform configuration (`main.tf`, HCL), its
//! policies as `jsonencode` or `aws_iam_policy_document` data sources ([`TerraformOptions`]); its
//! module docs list what it creates, and [`terraform_left_out`] what it leaves out.
//!
//! Logical ids are stable and readable: a kind prefix followed by the name in PascalCase with
//! everything but ASCII letters and digits removed (`UserAdmin`, `GroupAdministrators`,
//! `PolicyDeveloperAccess`). Two names that give the same id get `2`, `3`, … in scenario order.
//!
//! A scenario over CloudFormation's quotas (500 resources per stack, 1 MB of template) exports as
//! a parent template and nested stacks: [`cloudformation_files`] (module `split`).

mod hcl;
pub(crate) mod node;
mod split;
mod terraform;
mod tf_policy;

pub use split::{
    ExportFile, STACK_LIMITS, StackLimits, TemplateSet, cloudformation_files,
    cloudformation_files_within,
};
pub use terraform::{PolicyStyle, TerraformOptions, terraform, terraform_files};

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::scenario::{AWS_MANAGED_PREFIX, InlinePolicy, PolicyRef, ResourceKind, Scenario, Tag};
use node::Node;

/// The template format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Format {
    /// YAML with long-form intrinsic functions (`Ref:`, `Fn::Sub:`), which every YAML reader
    /// accepts without custom tags.
    Yaml,
    /// JSON, pretty-printed with two-space indentation.
    Json,
}

/// Why a scenario could not be exported, as plain data for the UI and the CLI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportError {
    /// A stable code: `export-invalid-document`, `export-endpoint-service`, `export-empty` or
    /// `export-serialize`.
    pub code: &'static str,
    /// What is wrong, naming the document (for example `user "alice" inline policy "s3"`).
    pub message: String,
    /// The document at fault, when one is.
    pub document: Option<String>,
    /// The 1-based line of the mistake in the document's text, when known.
    pub line: Option<usize>,
    /// The 1-based column of the mistake, when known.
    pub column: Option<usize>,
}

impl std::fmt::Display for ExportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ExportError {}

/// The sentences the template's `Metadata` and YAML comment carry about what it leaves out.
const NOT_CREATED: [&str; 2] = [
    "The root user's credentials (password, MFA, access keys) are not managed by CloudFormation: sign in as the root user to manage them.",
    "Organization policies (SCPs and RCPs) are attached in the organization's management account, not by a template in a member account.",
];

/// What kind of thing a template leaves out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum LeftOutKind {
    /// The root user's password, MFA and access keys.
    RootCredentials,
    /// Service and resource control policies, attached in the management account.
    OrganizationPolicies,
    /// Users' MFA devices.
    MfaDevices,
    /// Users' access keys.
    AccessKeys,
    /// Principals of other accounts.
    ExternalPrincipals,
    /// Console passwords, generated by a Secrets Manager secret instead.
    ConsolePasswords,
    /// The scenario's saved tests.
    SavedTests,
}

impl LeftOutKind {
    /// Whether the template's `Metadata` names it. Saved tests are the playground's own data,
    /// not something a deployment could miss, so only the page lists them.
    pub fn in_template(self) -> bool {
        self != LeftOutKind::SavedTests
    }
}

/// One thing the template of a scenario leaves out, with the sentence that says so (the same in
/// the template's `Metadata` and on the page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LeftOut {
    /// What it is.
    pub kind: LeftOutKind,
    /// Why it is left out, naming the scenario's users or policies where that helps.
    pub sentence: String,
}

/// What the template of `scenario` leaves out, in order: the root user's credentials and
/// organization policies always (a member account's template cannot create them), then what
/// this scenario has that a template does not create.
pub fn left_out(scenario: &Scenario) -> Vec<LeftOut> {
    left_out_in(scenario, Tool::CloudFormation)
}

/// What the Terraform configuration of `scenario` leaves out ([`terraform`]): the same things as
/// the CloudFormation template ([`left_out`]), in Terraform's words, and the console passwords,
/// which AWS generates when Terraform creates each login profile.
pub fn terraform_left_out(scenario: &Scenario) -> Vec<LeftOut> {
    left_out_in(scenario, Tool::Terraform)
}

/// The tool an export is for, which words its left-out list.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tool {
    CloudFormation,
    Terraform,
}

fn left_out_in(scenario: &Scenario, tool: Tool) -> Vec<LeftOut> {
    let item = |kind: LeftOutKind, sentence: String| LeftOut { kind, sentence };
    let [root, organization] = match tool {
        Tool::CloudFormation => NOT_CREATED,
        Tool::Terraform => terraform::NOT_CREATED,
    };
    let (by, lands_in) = match tool {
        Tool::CloudFormation => ("the template", "the stack"),
        Tool::Terraform => ("the configuration", "the Terraform state"),
    };
    let mut out = vec![
        item(LeftOutKind::RootCredentials, root.to_owned()),
        item(LeftOutKind::OrganizationPolicies, organization.to_owned()),
    ];
    if let Some(org) = &scenario.organization {
        let mut names = Vec::new();
        for level in &org.levels {
            for p in level.scps.iter().chain(&level.rcps) {
                names.push(format!("{} ({})", p.name, level.name));
            }
        }
        if !names.is_empty() {
            out.push(item(
                LeftOutKind::OrganizationPolicies,
                format!(
                    "This scenario's organization policies, to attach in the management account: {}.",
                    names.join(", ")
                ),
            ));
        }
    }
    let users_with = |has: &dyn Fn(&crate::scenario::User) -> bool| -> Vec<&str> {
        scenario
            .users
            .iter()
            .filter(|u| has(u))
            .map(|u| u.name.as_str())
            .collect()
    };
    let mfa = users_with(&|u| u.mfa);
    if !mfa.is_empty() {
        out.push(item(
            LeftOutKind::MfaDevices,
            format!(
                "MFA devices are registered by each user, not by {by}: {}.",
                mfa.join(", ")
            ),
        ));
    }
    let keys = users_with(&|u| !u.access_keys.is_empty());
    if !keys.is_empty() {
        out.push(item(
            LeftOutKind::AccessKeys,
            format!(
                "Access keys are not created, so no secret key lands in {lands_in}: {}.",
                keys.join(", ")
            ),
        ));
    }
    if !scenario.external_principals.is_empty() {
        out.push(item(
            LeftOutKind::ExternalPrincipals,
            "External principals belong to other accounts and are not created.".to_owned(),
        ));
    }
    if scenario.users.iter().any(|u| u.login_profile.is_some()) {
        out.push(item(
            LeftOutKind::ConsolePasswords,
            match tool {
                Tool::CloudFormation => "Each console password is generated by a Secrets Manager secret (read it there to hand it over); it is never written in the template.",
                Tool::Terraform => terraform::PASSWORDS,
            }
            .to_owned(),
        ));
    }
    if !scenario.tests.is_empty() {
        out.push(item(
            LeftOutKind::SavedTests,
            format!(
                "Saved tests ({}) are playground data, not AWS resources.",
                scenario.tests.len()
            ),
        ));
    }
    out
}

/// Exports the scenario as a CloudFormation template in the given format.
///
/// Fails when a policy document is not valid JSON or not a JSON object (the error names the
/// document) or when the scenario holds nothing a template can create.
pub fn cloudformation(scenario: &Scenario, format: Format) -> Result<String, ExportError> {
    render(&build(scenario)?, format, &NOT_CREATED)
}

/// A template as text: JSON pretty-printed, or YAML after a comment of `notes` (each line
/// `# Not created: …`, or for other notes the note itself).
fn render(template: &Node, format: Format, notes: &[&str]) -> Result<String, ExportError> {
    match format {
        Format::Json => serde_json::to_string_pretty(template)
            .map(|mut text| {
                text.push('\n');
                text
            })
            .map_err(|e| serialize_error(&e.to_string())),
        Format::Yaml => {
            // Plain or double-quoted scalars only: folded `>-` blocks are valid YAML but harder to
            // read and to diff. The default YAML 1.1 mode quotes `yes`, `on`, `2012-10-17`, …
            let mut options = serde_saphyr::SerializerOptions::default();
            options.prefer_block_scalars = false;
            let body = serde_saphyr::to_string_with_options(template, options)
                .map_err(|e| serialize_error(&e.to_string()))?;
            let mut text =
                String::from("# CloudFormation template exported by the IAM policy playground.\n");
            for sentence in notes {
                if NOT_CREATED.contains(sentence) {
                    text.push_str("# Not created: ");
                } else {
                    text.push_str("# ");
                }
                text.push_str(sentence);
                text.push('\n');
            }
            text.push_str(&body);
            if !text.ends_with('\n') {
                text.push('\n');
            }
            Ok(text)
        }
    }
}

fn serialize_error(detail: &str) -> ExportError {
    ExportError {
        code: "export-serialize",
        message: format!("the template could not be written: {detail}"),
        document: None,
        line: None,
        column: None,
    }
}

/// Hands out logical ids: unique, alphanumeric, deterministic.
#[derive(Default)]
struct Ids {
    /// Every id handed out, lower-cased (ids are compared without regard to ASCII case).
    taken: HashSet<String>,
    /// For each lower-cased base, the next counter worth trying: every smaller one was found
    /// taken, and stays taken, so many equal names cost one probe each instead of a rescan.
    next: HashMap<String, u32>,
}

impl Ids {
    /// The id for `prefix` + `name`, numbered when already taken. CloudFormation compares
    /// logical ids exactly, but ids differing only in case would confuse readers, so they are
    /// compared without regard to case.
    fn allocate(&mut self, prefix: &str, name: &str) -> String {
        let mut base = String::from(prefix);
        base.push_str(&pascal_case(name));
        // Logical ids are at most 255 characters; leave room for a counter.
        let base: String = base.chars().take(240).collect();
        let key = base.to_ascii_lowercase();
        let mut id = base.clone();
        if self.taken.contains(&key) {
            let n = self.next.entry(key).or_insert(2);
            loop {
                id = format!("{base}{n}");
                *n = n.saturating_add(1);
                if !self.taken.contains(&id.to_ascii_lowercase()) {
                    break;
                }
            }
        }
        self.taken.insert(id.to_ascii_lowercase());
        id
    }
}

/// `developer-access_v2` → `DeveloperAccessV2`: words split at anything that is not an ASCII
/// letter or digit, each word's first letter capitalized, the rest kept.
fn pascal_case(name: &str) -> String {
    let mut out = String::new();
    for word in name.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    out
}

/// Parses a policy text into an ordered tree, rewriting ARNs for the template.
fn document(text: &str, what: &str, account_id: &str) -> Result<Node, ExportError> {
    Ok(rewrite_arns(parse_document(text, what)?, account_id))
}

/// Parses a policy text into an ordered tree: a JSON object, or an error naming `what`.
pub(crate) fn parse_document(text: &str, what: &str) -> Result<Node, ExportError> {
    let node: Node = serde_json::from_str(text).map_err(|e| ExportError {
        code: "export-invalid-document",
        message: format!("{what} is not valid JSON: {e}"),
        document: Some(what.to_string()),
        line: Some(e.line()),
        column: Some(e.column()),
    })?;
    if !matches!(node, Node::Map(_)) {
        return Err(ExportError {
            code: "export-invalid-document",
            message: format!("{what} is not a JSON object"),
            document: Some(what.to_string()),
            line: None,
            column: None,
        });
    }
    Ok(node)
}

/// Rewrites every string value that is an ARN of the `aws` partition (object keys stay).
fn rewrite_arns(node: Node, account_id: &str) -> Node {
    match node {
        Node::Str(s) => arn_node(&s, account_id),
        Node::Seq(items) => Node::Seq(
            items
                .into_iter()
                .map(|n| rewrite_arns(n, account_id))
                .collect(),
        ),
        Node::Map(members) => Node::Map(
            members
                .into_iter()
                .map(|(k, v)| (k, rewrite_arns(v, account_id)))
                .collect(),
        ),
        other => other,
    }
}

/// An ARN string as a `Fn::Sub` with `${AWS::Partition}` and, for the scenario's own account,
/// `${AWS::AccountId}`; any other string unchanged.
fn arn_node(text: &str, account_id: &str) -> Node {
    let Some(rest) = text.strip_prefix("arn:aws:") else {
        return Node::str(text);
    };
    // `${` starts a substitution in Fn::Sub; `${!` writes it literally, which keeps IAM policy
    // variables such as `${aws:username}` for IAM to resolve.
    let escaped = rest.replace("${", "${!");
    // The account is the fourth field after `arn:aws:` (service, region, account, resource).
    let mut fields: Vec<&str> = escaped.splitn(4, ':').collect();
    if let Some(account) = fields.get_mut(2)
        && *account == account_id
    {
        *account = "${AWS::AccountId}";
    }
    Node::sub(format!("arn:${{AWS::Partition}}:{}", fields.join(":")))
}

/// Tags as CloudFormation's `[{Key, Value}]`.
fn tags(tags: &[Tag]) -> Node {
    Node::Seq(
        tags.iter()
            .map(|t| {
                let mut m = Node::map();
                m.insert("Key", Node::str(&t.key));
                m.insert("Value", Node::str(&t.value));
                m
            })
            .collect(),
    )
}

/// What every identity and policy builder needs: the scenario, the account and the ids.
struct Ctx<'a> {
    scenario: &'a Scenario,
    policy_ids: Vec<(String, String)>,
    group_ids: Vec<(String, String)>,
    /// Lower-cased policy and group names → their index in `policy_ids` and `group_ids` (the
    /// first of equal names), so each reference is one lookup.
    policy_index: HashMap<String, usize>,
    group_index: HashMap<String, usize>,
}

impl Ctx<'_> {
    fn account(&self) -> &str {
        &self.scenario.account.id
    }

    /// A managed policy's ARN: `Ref` of the template's policy, or a `Fn::Sub` ARN.
    fn policy_arn(&self, reference: &PolicyRef) -> Node {
        match reference {
            PolicyRef::Aws(arn) => {
                let rest = arn.strip_prefix(AWS_MANAGED_PREFIX).unwrap_or(arn);
                Node::sub(format!(
                    "arn:${{AWS::Partition}}:iam::aws:policy/{}",
                    rest.replace("${", "${!")
                ))
            }
            PolicyRef::Customer(name) => {
                match self
                    .policy_index
                    .get(&name.to_ascii_lowercase())
                    .and_then(|&i| self.policy_ids.get(i))
                {
                    Some((_, id)) => Node::reference(id),
                    // A policy the scenario names but does not hold already exists in the
                    // account: attach it by ARN.
                    None => Node::sub(format!(
                        "arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:policy/{}",
                        name.replace("${", "${!")
                    )),
                }
            }
        }
    }

    fn group(&self, name: &str) -> Node {
        match self
            .group_index
            .get(&name.to_ascii_lowercase())
            .and_then(|&i| self.group_ids.get(i))
        {
            Some((_, id)) => Node::reference(id),
            None => Node::str(name),
        }
    }

    /// Adds `ManagedPolicyArns`, `Policies` and `PermissionsBoundary` to an identity's
    /// properties.
    fn permissions(
        &self,
        props: &mut Node,
        owner: &str,
        managed: &[PolicyRef],
        inline: &[InlinePolicy],
        boundary: Option<&PolicyRef>,
    ) -> Result<(), ExportError> {
        if !managed.is_empty() {
            // Attachments are a set in IAM (CloudFormation refuses a list with a repeated ARN,
            // cfn-lint E3037); an imported account may name one twice, or in two spellings
            // of one policy's name.
            let mut seen = HashSet::new();
            props.insert(
                "ManagedPolicyArns",
                Node::Seq(
                    managed
                        .iter()
                        .map(|r| self.policy_arn(r))
                        .filter(|arn| seen.insert(serde_json::to_string(arn).unwrap_or_default()))
                        .collect(),
                ),
            );
        }
        if !inline.is_empty() {
            let mut list = Vec::new();
            for policy in inline {
                let what = format!("{owner} inline policy \"{}\"", policy.name);
                let mut p = Node::map();
                p.insert("PolicyName", Node::str(&policy.name));
                p.insert(
                    "PolicyDocument",
                    document(&policy.document, &what, self.account())?,
                );
                list.push(p);
            }
            props.insert("Policies", Node::Seq(list));
        }
        if let Some(boundary) = boundary {
            props.insert("PermissionsBoundary", self.policy_arn(boundary));
        }
        Ok(())
    }
}

fn resource(kind: &str, props: Node) -> Node {
    let mut r = Node::map();
    r.insert("Type", Node::str(kind));
    r.insert("Properties", props);
    r
}

/// A resource that holds state, with its deletion and replacement policy spelled out (cfn-lint
/// I3011): what happens to data when the stack goes should be a visible choice.
fn stateful(kind: &str, props: Node, policy: &str) -> Node {
    let mut r = Node::map();
    r.insert("Type", Node::str(kind));
    r.insert("DeletionPolicy", Node::str(policy));
    r.insert("UpdateReplacePolicy", Node::str(policy));
    r.insert("Properties", props);
    r
}

/// The template as an ordered tree.
fn build(scenario: &Scenario) -> Result<Node, ExportError> {
    let mut ids = Ids::default();
    // Ids are handed out kind by kind in scenario order, so adding a user never renames a
    // group and the same scenario always gives the same template.
    let policy_ids: Vec<(String, String)> = scenario
        .policies
        .iter()
        .map(|p| (p.name.clone(), ids.allocate("Policy", &p.name)))
        .collect();
    let group_ids: Vec<(String, String)> = scenario
        .groups
        .iter()
        .map(|g| (g.name.clone(), ids.allocate("Group", &g.name)))
        .collect();
    let user_ids: Vec<String> = scenario
        .users
        .iter()
        .map(|u| ids.allocate("User", &u.name))
        .collect();
    let role_ids: Vec<String> = scenario
        .roles
        .iter()
        .map(|r| ids.allocate("Role", &r.name))
        .collect();
    let resource_ids: Vec<String> = scenario
        .resources
        .iter()
        .map(|r| {
            let prefix = match r.kind {
                ResourceKind::S3Bucket => "Bucket",
                ResourceKind::SqsQueue => "Queue",
                ResourceKind::SnsTopic => "Topic",
                ResourceKind::KmsKey => "Key",
                ResourceKind::VpcEndpoint => "VpcEndpoint",
            };
            ids.allocate(prefix, &r.name)
        })
        .collect();
    let index = |ids: &[(String, String)]| {
        let mut map = HashMap::new();
        for (i, (name, _)) in ids.iter().enumerate() {
            map.entry(name.to_ascii_lowercase()).or_insert(i);
        }
        map
    };
    let ctx = Ctx {
        scenario,
        policy_index: index(&policy_ids),
        group_index: index(&group_ids),
        policy_ids,
        group_ids,
    };
    let account = scenario.account.id.as_str();
    let mut resources = Node::map();

    for (policy, (_, id)) in scenario.policies.iter().zip(&ctx.policy_ids) {
        let what = format!("customer-managed policy \"{}\"", policy.name);
        let mut props = Node::map();
        props.insert("ManagedPolicyName", Node::str(&policy.name));
        if policy.path != "/" {
            props.insert("Path", Node::str(&policy.path));
        }
        if !policy.description.is_empty() {
            props.insert("Description", Node::str(&policy.description));
        }
        props.insert(
            "PolicyDocument",
            document(&policy.document, &what, account)?,
        );
        resources.push_new(id.clone(), resource("AWS::IAM::ManagedPolicy", props));
    }

    for (group, (_, id)) in scenario.groups.iter().zip(&ctx.group_ids) {
        let mut props = Node::map();
        props.insert("GroupName", Node::str(&group.name));
        if group.path != "/" {
            props.insert("Path", Node::str(&group.path));
        }
        ctx.permissions(
            &mut props,
            &format!("group \"{}\"", group.name),
            &group.managed_policies,
            &group.inline_policies,
            None,
        )?;
        resources.push_new(id.clone(), resource("AWS::IAM::Group", props));
    }

    for (user, id) in scenario.users.iter().zip(&user_ids) {
        let mut props = Node::map();
        props.insert("UserName", Node::str(&user.name));
        if user.path != "/" {
            props.insert("Path", Node::str(&user.path));
        }
        if !user.groups.is_empty() {
            props.insert(
                "Groups",
                Node::Seq(user.groups.iter().map(|g| ctx.group(g)).collect()),
            );
        }
        let mut secret = None;
        if let Some(profile) = &user.login_profile {
            let secret_id = ids.allocate(&format!("{id}InitialPassword"), "");
            let mut login = Node::map();
            login.insert(
                "Password",
                Node::sub(format!("{{{{resolve:secretsmanager:${{{secret_id}}}}}}}")),
            );
            login.insert(
                "PasswordResetRequired",
                Node::Bool(profile.password_reset_required),
            );
            props.insert("LoginProfile", login);
            let mut generate = Node::map();
            generate.insert("PasswordLength", Node::Number(32u32.into()));
            // Quotes, backslashes and slashes are awkward to type and to hand over.
            generate.insert("ExcludeCharacters", Node::str("\"'`\\/@"));
            let mut secret_props = Node::map();
            secret_props.insert(
                "Description",
                Node::str(format!(
                    "The initial console password of the IAM user {}; the user must change it at the first sign-in if the login profile requires a reset.",
                    user.name
                )),
            );
            secret_props.insert("GenerateSecretString", generate);
            // The initial password is only needed until the user sets their own, so it goes
            // with the stack.
            secret = Some((
                secret_id,
                stateful("AWS::SecretsManager::Secret", secret_props, "Delete"),
            ));
        }
        ctx.permissions(
            &mut props,
            &format!("user \"{}\"", user.name),
            &user.managed_policies,
            &user.inline_policies,
            user.permissions_boundary.as_ref(),
        )?;
        if !user.tags.is_empty() {
            props.insert("Tags", tags(&user.tags));
        }
        resources.push_new(id.clone(), resource("AWS::IAM::User", props));
        if let Some((secret_id, secret)) = secret {
            resources.push_new(secret_id, secret);
        }
    }

    for (role, id) in scenario.roles.iter().zip(&role_ids) {
        let owner = format!("role \"{}\"", role.name);
        let mut props = Node::map();
        props.insert("RoleName", Node::str(&role.name));
        if role.path != "/" {
            props.insert("Path", Node::str(&role.path));
        }
        if !role.description.is_empty() {
            props.insert("Description", Node::str(&role.description));
        }
        props.insert(
            "AssumeRolePolicyDocument",
            document(
                &role.trust_policy,
                &format!("{owner} trust policy"),
                account,
            )?,
        );
        if role.max_session_duration != 3600 {
            props.insert(
                "MaxSessionDuration",
                Node::Number(role.max_session_duration.into()),
            );
        }
        ctx.permissions(
            &mut props,
            &owner,
            &role.managed_policies,
            &role.inline_policies,
            role.permissions_boundary.as_ref(),
        )?;
        if !role.tags.is_empty() {
            props.insert("Tags", tags(&role.tags));
        }
        resources.push_new(id.clone(), resource("AWS::IAM::Role", props));
    }

    for (res, id) in scenario.resources.iter().zip(&resource_ids) {
        let what = format!("{} \"{}\" policy", res.kind.describe(), res.name);
        let policy = match &res.policy {
            Some(text) => Some(document(text, &what, account)?),
            None => None,
        };
        if res.kind == ResourceKind::VpcEndpoint {
            let region = res.region.as_deref().unwrap_or(&scenario.account.region);
            let Some(service_name) = res.service_name.as_deref().filter(|s| !s.is_empty()) else {
                return Err(ExportError {
                    code: "export-endpoint-service",
                    message: format!(
                        "VPC endpoint \"{}\" has no service name (such as com.amazonaws.{region}.s3); CloudFormation needs one to create it",
                        res.name
                    ),
                    document: None,
                    line: None,
                    column: None,
                });
            };
            resources.push_new(id.clone(), vpc_endpoint(service_name, region, policy));
            continue;
        }
        let mut props = Node::map();
        let (kind, policy_kind, policy_prefix) = match res.kind {
            ResourceKind::S3Bucket => {
                props.insert("BucketName", Node::str(&res.name));
                ("AWS::S3::Bucket", "AWS::S3::BucketPolicy", "BucketPolicy")
            }
            ResourceKind::SqsQueue => {
                props.insert("QueueName", Node::str(&res.name));
                if res.name.ends_with(".fifo") {
                    props.insert("FifoQueue", Node::Bool(true));
                }
                // SQS's default of four days, written out so nobody is surprised (cfn-lint I3013).
                props.insert("MessageRetentionPeriod", Node::Number(345_600u32.into()));
                ("AWS::SQS::Queue", "AWS::SQS::QueuePolicy", "QueuePolicy")
            }
            ResourceKind::SnsTopic => {
                props.insert("TopicName", Node::str(&res.name));
                if res.name.ends_with(".fifo") {
                    props.insert("FifoTopic", Node::Bool(true));
                }
                ("AWS::SNS::Topic", "AWS::SNS::TopicPolicy", "TopicPolicy")
            }
            // Handled above: an endpoint is not a stateful resource with a separate policy.
            ResourceKind::VpcEndpoint => continue,
            ResourceKind::KmsKey => {
                props.insert(
                    "Description",
                    Node::str(format!("The key {} of the scenario.", res.name)),
                );
                // A key always has a key policy; without one of its own, AWS's default key
                // policy lets the account's IAM policies grant access.
                let key_policy = match policy.clone() {
                    Some(p) => p,
                    None => default_key_policy(),
                };
                props.insert("KeyPolicy", key_policy);
                ("AWS::KMS::Key", "", "")
            }
        };
        if !res.tags.is_empty() {
            props.insert("Tags", tags(&res.tags));
        }
        // Buckets, queues, topics and keys hold data (a deleted key makes what it encrypted
        // unreadable), so deleting the stack keeps them.
        resources.push_new(id.clone(), stateful(kind, props, "Retain"));
        if let (Some(policy), false) = (policy, policy_kind.is_empty()) {
            let mut p = Node::map();
            match res.kind {
                ResourceKind::S3Bucket => p.insert("Bucket", Node::reference(id)),
                ResourceKind::SqsQueue => p.insert("Queues", Node::Seq(vec![Node::reference(id)])),
                _ => p.insert("Topics", Node::Seq(vec![Node::reference(id)])),
            }
            p.insert("PolicyDocument", policy);
            let policy_id = ids.allocate(policy_prefix, &res.name);
            resources.push_new(policy_id, resource(policy_kind, p));
        }
    }

    if matches!(&resources, Node::Map(m) if m.is_empty()) {
        return Err(ExportError {
            code: "export-empty",
            message: "the scenario has no users, groups, roles, policies or resources to export"
                .to_string(),
            document: None,
            line: None,
            column: None,
        });
    }

    let mut template = Node::map();
    template.insert("AWSTemplateFormatVersion", Node::str("2010-09-09"));
    let description = if scenario.title.is_empty() {
        "IAM resources exported from the IAM policy playground.".to_string()
    } else {
        // CloudFormation allows 1,024 bytes of description.
        let mut d = format!(
            "{} (exported from the IAM policy playground)",
            scenario.title
        );
        while d.len() > 1024 {
            d.pop();
        }
        d
    };
    template.insert("Description", Node::str(description));
    template.insert("Metadata", metadata(scenario));
    if scenario
        .resources
        .iter()
        .any(|r| r.kind == ResourceKind::VpcEndpoint)
    {
        let mut vpc = Node::map();
        vpc.insert("Type", Node::str("AWS::EC2::VPC::Id"));
        vpc.insert(
            "Description",
            Node::str("The VPC the scenario's VPC endpoints are created in."),
        );
        let mut parameters = Node::map();
        parameters.insert("VpcId", vpc);
        template.insert("Parameters", parameters);
    }
    template.insert("Resources", resources);
    Ok(template)
}

/// An `AWS::EC2::VPCEndpoint` for a VPC endpoint of the scenario in `region`.
fn vpc_endpoint(service_name: &str, region: &str, policy: Option<Node>) -> Node {
    let service = service_name
        .strip_prefix(&format!("com.amazonaws.{region}."))
        .map(str::to_string);
    let short = service
        .clone()
        .unwrap_or_else(|| service_name.rsplit('.').next().unwrap_or("").to_string());
    let mut props = Node::map();
    props.insert("VpcId", Node::reference("VpcId"));
    match service {
        Some(s) => props.insert(
            "ServiceName",
            Node::sub(format!("com.amazonaws.${{AWS::Region}}.{s}")),
        ),
        None => props.insert("ServiceName", Node::str(service_name)),
    }
    let gateway = matches!(short.as_str(), "s3" | "dynamodb");
    props.insert(
        "VpcEndpointType",
        Node::str(if gateway { "Gateway" } else { "Interface" }),
    );
    if let Some(p) = policy {
        props.insert("PolicyDocument", p);
    }
    resource("AWS::EC2::VPCEndpoint", props)
}

/// AWS's default key policy: the account's IAM policies decide who uses the key.
fn default_key_policy() -> Node {
    let mut principal = Node::map();
    principal.insert(
        "AWS",
        Node::sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root"),
    );
    let mut statement = Node::map();
    statement.insert("Sid", Node::str("EnableIAMUserPermissions"));
    statement.insert("Effect", Node::str("Allow"));
    statement.insert("Principal", principal);
    statement.insert("Action", Node::str("kms:*"));
    statement.insert("Resource", Node::str("*"));
    let mut policy = Node::map();
    policy.insert("Version", Node::str("2012-10-17"));
    policy.insert("Statement", Node::Seq(vec![statement]));
    policy
}

/// What the template leaves out, and why: the [`left_out`] items a template can mention.
fn metadata(scenario: &Scenario) -> Node {
    let notes: Vec<Node> = left_out(scenario)
        .into_iter()
        .filter(|item| item.kind.in_template())
        .map(|item| Node::str(item.sentence))
        .collect();
    let mut playground = Node::map();
    playground.insert("NotCreatedByCloudFormation", Node::Seq(notes));
    let mut meta = Node::map();
    meta.insert("IamPlayground", playground);
    meta
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_left_out_list_is_what_the_metadata_says_and_the_saved_tests() {
        let mut s = Scenario::new("123456789012");
        let mut alice = crate::scenario::User::new("alice");
        alice.mfa = true;
        s.users.push(alice);
        s.tests.push(crate::scenario::TestCase {
            label: "alice reads".into(),
            principal: crate::scenario::PrincipalRef::User("alice".into()),
            action: "s3:GetObject".into(),
            resource: "*".into(),
            context: Vec::new(),
            expected: crate::scenario::ExpectedDecision::ImplicitDeny,
        });
        let list = left_out(&s);
        let kinds: Vec<LeftOutKind> = list.iter().map(|l| l.kind).collect();
        assert_eq!(
            kinds,
            [
                LeftOutKind::RootCredentials,
                LeftOutKind::OrganizationPolicies,
                LeftOutKind::MfaDevices,
                LeftOutKind::SavedTests
            ]
        );
        assert!(list.iter().any(|l| l.sentence.contains(": alice.")));
        let text = cloudformation(&s, Format::Json).unwrap_or_default();
        for item in &list {
            assert_eq!(
                text.contains(&item.sentence),
                item.kind.in_template(),
                "{}",
                item.sentence
            );
        }
    }

    #[test]
    fn pascal_case_keeps_letters_and_digits() {
        assert_eq!(pascal_case("developer-access_v2"), "DeveloperAccessV2");
        assert_eq!(pascal_case("admin"), "Admin");
        assert_eq!(pascal_case("a.b@c"), "ABC");
        assert_eq!(pascal_case("+=,"), "");
    }

    #[test]
    fn colliding_ids_are_numbered_in_order() {
        let mut ids = Ids::default();
        assert_eq!(ids.allocate("Group", "dev-ops"), "GroupDevOps");
        assert_eq!(ids.allocate("Group", "dev_ops"), "GroupDevOps2");
        assert_eq!(ids.allocate("Group", "DevOps"), "GroupDevOps3");
    }

    /// The allocator before it kept an index: every candidate compared with every id.
    fn allocate_by_scanning(taken: &mut Vec<String>, prefix: &str, name: &str) -> String {
        let base: String = format!("{prefix}{}", pascal_case(name))
            .chars()
            .take(240)
            .collect();
        let mut id = base.clone();
        let mut n = 2u32;
        while taken.iter().any(|t| t.eq_ignore_ascii_case(&id)) {
            id = format!("{base}{n}");
            n += 1;
        }
        taken.push(id.clone());
        id
    }

    #[test]
    fn indexed_ids_equal_the_scanned_ones() {
        // Names whose ids collide with each other's numbered forms, in several orders.
        let names = [
            "dev-ops",
            "dev-ops-2",
            "DevOps",
            "dev_ops",
            "devops2",
            "dev-ops-3",
            "DEVOPS",
            "dev-ops",
            "a",
            "a-2",
            "A",
            "a2",
            "a_2",
            "a-2-2",
            "a",
        ];
        for rotation in 0..names.len() {
            let mut ids = Ids::default();
            let mut taken = Vec::new();
            for name in names.iter().cycle().skip(rotation).take(names.len() * 2) {
                for prefix in ["Group", "GroupDev", "User"] {
                    assert_eq!(
                        ids.allocate(prefix, name),
                        allocate_by_scanning(&mut taken, prefix, name)
                    );
                }
            }
        }
    }

    #[test]
    fn many_colliding_names_get_distinct_ids() {
        // Regression: each id was compared with every earlier one and each collision started
        // again from 2 (cubic): 5,000 names that all become `UserAB`, and 2,000 equal names.
        let mut ids = Ids::default();
        let got: Vec<String> = (0..5_000)
            .map(|n| ids.allocate("User", ["a-b", "a_b", "A.b", "a@B"][n % 4]))
            .collect();
        assert_eq!(got.first().map(String::as_str), Some("UserAB"));
        assert_eq!(got.get(1).map(String::as_str), Some("UserAB2"));
        assert_eq!(got.last().map(String::as_str), Some("UserAB5000"));
        let distinct: HashSet<String> = got.iter().map(|i| i.to_ascii_lowercase()).collect();
        assert_eq!(distinct.len(), 5_000);
        let same: Vec<String> = (0..2_000).map(|_| ids.allocate("Group", "g")).collect();
        assert_eq!(same.last().map(String::as_str), Some("GroupG2000"));
    }

    #[test]
    fn arns_use_partition_and_own_account() {
        let node = arn_node("arn:aws:s3:::b/${aws:username}/*", "111122223333");
        assert_eq!(
            node,
            Node::sub("arn:${AWS::Partition}:s3:::b/${!aws:username}/*")
        );
        let node = arn_node("arn:aws:iam::111122223333:root", "111122223333");
        assert_eq!(
            node,
            Node::sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")
        );
        let node = arn_node("arn:aws:iam::444455556666:root", "111122223333");
        assert_eq!(
            node,
            Node::sub("arn:${AWS::Partition}:iam::444455556666:root")
        );
        assert_eq!(arn_node("*", "111122223333"), Node::str("*"));
    }

    #[test]
    fn bad_document_is_named() {
        let mut s = Scenario::new("111122223333");
        s.policies.push(crate::scenario::ManagedPolicy::new(
            "Broken",
            "{\"Version\": ",
        ));
        let err = cloudformation(&s, Format::Json).err();
        assert_eq!(
            err.as_ref().map(|e| e.code),
            Some("export-invalid-document")
        );
        assert_eq!(
            err.and_then(|e| e.document),
            Some("customer-managed policy \"Broken\"".to_string())
        );
        s.policies[0].document = "[]".to_string();
        assert!(cloudformation(&s, Format::Yaml).is_err());
    }

    #[test]
    fn empty_scenario_is_an_error() {
        let s = Scenario::new("111122223333");
        assert_eq!(
            cloudformation(&s, Format::Yaml).err().map(|e| e.code),
            Some("export-empty")
        );
    }
}
