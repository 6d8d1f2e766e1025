//! CloudFormation template → scenario (see the [module docs](super)).

use super::found::FoundPolicy;
use super::names::Names;
use super::tree::{Kind, Tree};
use super::{
    DEFAULT_ACCOUNT_ID, ImportError, ImportOptions, Imported, SkipKind, Skipped, Source,
    canonical_document, default_key_policy, pretty,
};
use crate::export::node::Node;
use crate::policy::PolicyType;
use crate::scenario::{
    AWS_MANAGED_PREFIX, AccessKey, DEFAULT_REGION, Group, InlinePolicy, LoginProfile,
    ManagedPolicy, PolicyRef, Resource, ResourceKind, Role, Scenario, Tag, User,
};
use std::cell::Cell;
use std::collections::{HashMap, HashSet};

use crate::span::LineIndex;

/// The suffix the export adds to the title in the template's `Description`.
const TITLE_SUFFIX: &str = " (exported from the IAM policy playground)";
/// The export's description of a scenario without a title.
const UNTITLED: &str = "IAM resources exported from the IAM policy playground.";

/// A resource of the template with the name the scenario will use.
struct Entity<'a> {
    id: String,
    ty: String,
    props: Option<&'a Tree>,
    at: usize,
    name: String,
    path: String,
}

struct Cfn<'a> {
    index: LineIndex<'a>,
    account: String,
    region: String,
    /// Parameters with a default, by name (the first, when a name repeats).
    params: HashMap<String, &'a Tree>,
    entities: Vec<Entity<'a>>,
    /// The index in `entities` of each logical id (the first, when an id repeats), so a `Ref`
    /// costs one lookup however many resources the template has.
    by_id: HashMap<String, usize>,
    skipped: Vec<Skipped>,
    notes: Vec<String>,
    /// Secrets read by a login profile: part of the profile, not skipped resources.
    consumed: HashSet<String>,
    /// What `Fn::Sub` and `Fn::Join` may produce in all, in bytes (see
    /// [`super::expansion_budget`]), what they produced so far, and where the budget ran out.
    budget: usize,
    spent: Cell<usize>,
    exceeded: Cell<Option<usize>>,
    /// The documents read, with their places, when asked for ([`super::policies_in`]).
    found: Option<Vec<FoundPolicy>>,
}

/// A value that cannot be evaluated without deploying, with the offset of the culprit.
type Unresolved = (String, usize);

pub(super) fn import(
    tree: &Tree,
    text: &str,
    options: &ImportOptions,
    source: Source,
    record: bool,
) -> Result<(Imported, Vec<FoundPolicy>), ImportError> {
    let account = options
        .account_id
        .clone()
        .unwrap_or_else(|| DEFAULT_ACCOUNT_ID.to_string());
    let mut c = Cfn {
        index: LineIndex::new(text),
        account: account.clone(),
        region: DEFAULT_REGION.to_string(),
        params: HashMap::new(),
        entities: Vec::new(),
        by_id: HashMap::new(),
        skipped: Vec::new(),
        notes: Vec::new(),
        consumed: HashSet::new(),
        budget: super::expansion_budget(text.len()),
        spent: Cell::new(0),
        exceeded: Cell::new(None),
        found: record.then(Vec::new),
    };
    // Said only when the template does name the account that way: a template with literal
    // ARNs (or none) would otherwise be told about a placeholder it never uses.
    if text.contains("AWS::AccountId") {
        c.notes.push(format!(
            "The template names the account as ${{AWS::AccountId}}; the scenario uses the account {account}."
        ));
    }
    // Conditions, Fn::If, Fn::Select, Fn::FindInMap and AWS::NoValue are decided first, with
    // the parameters' defaults; the rest of the reader sees the template they leave.
    let folded = super::conditions::fold(tree, &account, DEFAULT_REGION, c.budget);
    if let Some(at) = folded.exceeded {
        return Err(c.over_budget(at));
    }
    let tree = &folded.tree;
    c.notes.extend(folded.notes.iter().cloned());
    for (what, why, at) in &folded.undecided {
        c.skip(SkipKind::Value, what.clone(), why, *at);
    }
    let Some(resources) = tree.get("Resources").and_then(Tree::map) else {
        return Err(c.error(
            "import-cfn-resources",
            "The template's Resources must be a mapping of logical ids to resources.",
            tree.get("Resources").map_or(tree.at, |t| t.at),
        ));
    };
    for (key, _, section) in tree.map().unwrap_or_default() {
        match key.as_str() {
            "AWSTemplateFormatVersion" | "Description" | "Resources" => {}
            "Parameters" => {
                for (name, _, p) in section.map().unwrap_or_default() {
                    if let Some(default) = p.get("Default") {
                        c.params.entry(name.clone()).or_insert(default);
                    }
                }
            }
            "Metadata" => {
                for (key, at, _) in section.map().unwrap_or_default() {
                    if key != "IamPlayground" {
                        c.skip(
                            SkipKind::TemplateSection,
                            format!("the template's Metadata {key}"),
                            "metadata for tools, not part of an account's IAM",
                            *at,
                        );
                    }
                }
                let notes = section
                    .get("IamPlayground")
                    .and_then(|p| p.get("NotCreatedByCloudFormation"))
                    .and_then(Tree::seq)
                    .unwrap_or_default();
                for note in notes {
                    if let Some(s) = note.as_str() {
                        let line = c.line(note.at);
                        c.skipped.push(Skipped {
                            kind: SkipKind::NotInTemplate,
                            what: "not in the template".to_string(),
                            why: s.to_string(),
                            line,
                            column: None,
                            file: None,
                        });
                    }
                }
            }
            other => c.skip(
                SkipKind::TemplateSection,
                format!("the template's {other} section"),
                "the playground imports resources only; this section is not evaluated",
                section.at,
            ),
        }
    }

    // Pass 1: every resource's type and the name the scenario gives it.
    for (id, at, r) in resources {
        c.by_id.entry(id.clone()).or_insert(c.entities.len());
        let ty = r
            .get("Type")
            .and_then(Tree::as_str)
            .unwrap_or("")
            .to_string();
        c.entities.push(Entity {
            id: id.clone(),
            ty,
            props: r.get("Properties"),
            at: *at,
            name: id.clone(),
            path: "/".to_string(),
        });
    }
    for i in 0..c.entities.len() {
        let (name, path) = c.name_of(i);
        if let Some(e) = c.entities.get_mut(i) {
            e.name = name;
            e.path = path;
        }
    }

    let mut s = Scenario::new(account);
    if let Some(d) = tree.get("Description").and_then(Tree::as_str) {
        if let Some(title) = d.strip_suffix(TITLE_SUFFIX) {
            s.title = title.to_string();
        } else if d != UNTITLED {
            s.description = d.to_string();
        }
    }

    // Pass 2: identities and policies in template order, then the attachments that other
    // resources make (policies listing users, groups added to users, resource policies).
    let mut later: Vec<usize> = Vec::new();
    for i in 0..c.entities.len() {
        let Some(e) = c.entities.get(i) else { continue };
        let props = e.props;
        let (id, at) = (e.id.clone(), e.at);
        // Entities were made from `resources` in order, so the same index is the same resource.
        // A resource whose condition is false was left out by the folding; one whose condition
        // could not be decided is imported, and says so.
        if let Some(cond) = resources.get(i).and_then(|(_, _, r)| r.get("Condition"))
            && cond
                .as_str()
                .is_none_or(|name| folded.decided.get(name) != Some(&Some(true)))
        {
            c.notes.push(format!(
                "{id} is created only when the condition {} holds; it is imported as if it does.",
                cond.as_str().unwrap_or("?")
            ));
        }
        match e.ty.as_str() {
            "AWS::IAM::ManagedPolicy" => {
                c.unknown_props(
                    i,
                    &[
                        "ManagedPolicyName",
                        "Path",
                        "Description",
                        "PolicyDocument",
                        "Groups",
                        "Users",
                        "Roles",
                    ],
                );
                let mut p = ManagedPolicy::new(c.name(i), "");
                p.path = c.path(i);
                p.description = c.opt_string(props, "Description");
                match c.document(props, "PolicyDocument", &format!("policy {id}")) {
                    Some(d) => p.document = d,
                    None => continue,
                }
                s.policies.push(p);
                later.push(i);
            }
            "AWS::IAM::Group" => {
                c.unknown_props(
                    i,
                    &[
                        "GroupName",
                        "Path",
                        "ManagedPolicyArns",
                        "Policies",
                    ],
                );
                let mut g = Group::new(c.name(i));
                g.path = c.path(i);
                g.managed_policies = c.policy_refs(props, &id);
                g.inline_policies = c.inline_policies(props, &id);
                s.groups.push(g);
            }
            "AWS::IAM::User" => {
                c.unknown_props(
                    i,
                    &[
                        "UserName",
                        "Path",
                        "Groups",
                        "LoginProfile",
                        "ManagedPolicyArns",
                        "Policies",
                        "PermissionsBoundary",
                        "Tags",
                    ],
                );
                let mut u = User::new(c.name(i));
                u.path = c.path(i);
                u.groups = c.names_list(props.and_then(|p| p.get("Groups")), &id);
                if let Some(profile) = props.and_then(|p| p.get("LoginProfile")) {
                    if let Some(password) = profile.get("Password") {
                        let mut ids = Vec::new();
                        mentioned_ids(password, &mut ids);
                        c.consumed.extend(ids);
                    }
                    let reset = profile
                        .get("PasswordResetRequired")
                        .is_some_and(|r| match &r.kind {
                            Kind::Bool(b) => *b,
                            Kind::Str(s) => s.eq_ignore_ascii_case("true"),
                            _ => false,
                        });
                    u.login_profile = Some(LoginProfile {
                        password_reset_required: reset,
                    });
                }
                u.managed_policies = c.policy_refs(props, &id);
                u.inline_policies = c.inline_policies(props, &id);
                u.permissions_boundary = c.boundary(props, &id);
                u.tags = c.tags(props, &id);
                s.users.push(u);
            }
            "AWS::IAM::Role" => {
                c.unknown_props(
                    i,
                    &[
                        "RoleName",
                        "Path",
                        "Description",
                        "AssumeRolePolicyDocument",
                        "MaxSessionDuration",
                        "ManagedPolicyArns",
                        "Policies",
                        "PermissionsBoundary",
                        "Tags",
                    ],
                );
                let Some(trust) =
                    c.document(props, "AssumeRolePolicyDocument", &format!("role {id}"))
                else {
                    continue;
                };
                let mut r = Role::new(c.name(i), trust);
                r.path = c.path(i);
                r.description = c.opt_string(props, "Description");
                if let Some(t) = props.and_then(|p| p.get("MaxSessionDuration")) {
                    match c.resolve(t).ok().and_then(|v| v.parse::<u32>().ok()) {
                        Some(v) => r.max_session_duration = v,
                        None => c.skip(
                            SkipKind::Value,
                            format!("{id} MaxSessionDuration"),
                            "it is not a whole number of seconds",
                            t.at,
                        ),
                    }
                }
                r.managed_policies = c.policy_refs(props, &id);
                r.inline_policies = c.inline_policies(props, &id);
                r.permissions_boundary = c.boundary(props, &id);
                r.tags = c.tags(props, &id);
                s.roles.push(r);
            }
            "AWS::S3::Bucket" | "AWS::SQS::Queue" | "AWS::SNS::Topic" | "AWS::KMS::Key" => {
                let (kind, known): (ResourceKind, &[&str]) = match e.ty.as_str() {
                    "AWS::S3::Bucket" => (ResourceKind::S3Bucket, &["BucketName", "Tags"]),
                    "AWS::SQS::Queue" => (
                        ResourceKind::SqsQueue,
                        &["QueueName", "Tags", "FifoQueue", "MessageRetentionPeriod"],
                    ),
                    "AWS::SNS::Topic" => {
                        (ResourceKind::SnsTopic, &["TopicName", "Tags", "FifoTopic"])
                    }
                    _ => (
                        ResourceKind::KmsKey,
                        &["Description", "KeyPolicy", "Tags"],
                    ),
                };
                c.unknown_props(i, known);
                let mut r = Resource::new(kind, c.name(i));
                r.tags = c.tags(props, &id);
                if kind == ResourceKind::KmsKey {
                    r.policy = c.document(props, "KeyPolicy", &format!("key {id}"));
                    let default = canonical_document(&default_key_policy(&c.account));
                    if r.policy.as_deref() == Some(default.as_str()) {
                        r.policy = None;
                    }
                }
                s.resources.push(r);
            }
            "AWS::EC2::VPCEndpoint" => {
                c.unknown_props(
                    i,
                    &["VpcId", "ServiceName", "VpcEndpointType", "PolicyDocument"],
                );
                let name = endpoint_id_of(&id).unwrap_or_else(|| {
                    let name = format!("vpce-{i:08x}");
                    c.notes.push(format!(
                        "{id} is a VPC endpoint, whose id AWS chooses at creation; the scenario names it {name}."
                    ));
                    name
                });
                let mut r = Resource::new(ResourceKind::VpcEndpoint, name);
                let service = c.opt_string(props, "ServiceName");
                r.service_name = (!service.is_empty()).then_some(service);
                if props.and_then(|p| p.get("PolicyDocument")).is_some() {
                    r.policy = c.document(props, "PolicyDocument", &format!("VPC endpoint {id}"));
                }
                s.resources.push(r);
            }
            "AWS::IAM::Policy"
            | "AWS::IAM::UserPolicy"
            | "AWS::IAM::GroupPolicy"
            | "AWS::IAM::RolePolicy"
            | "AWS::IAM::UserToGroupAddition"
            | "AWS::IAM::AccessKey"
            | "AWS::S3::BucketPolicy"
            | "AWS::SQS::QueuePolicy"
            | "AWS::SNS::TopicPolicy" => later.push(i),
            "AWS::SecretsManager::Secret" => {}
            "" => c.skip(
                            SkipKind::MissingName,
                format!("resource {id}"),
                "it has no Type",
                at,
            ),
            other => c.skip(
                            SkipKind::ResourceType,
                format!("resource {id} ({other})"),
                "the playground models IAM identities and policies, buckets, queues, topics, keys and VPC endpoints only",
                at,
            ),
        }
    }
    let mut names = Names::of(&s);
    for i in later {
        c.attach(i, &mut s, &mut names);
    }
    // Secrets that no login profile reads are resources the playground does not model.
    for e in &c.entities {
        if e.ty == "AWS::SecretsManager::Secret" && !c.consumed.contains(&e.id) {
            let line = c.line(e.at);
            c.skipped.push(Skipped {
                kind: SkipKind::ResourceType,
                what: format!("resource {} (AWS::SecretsManager::Secret)", e.id),
                why: "only secrets that hold a user's console password are imported (as the login profile)".to_string(),
                line,
                column: None,
                file: None,
            });
        }
    }
    if let Some(at) = c.exceeded.get() {
        return Err(c.over_budget(at));
    }
    c.skipped.sort_by_key(|s| s.line.unwrap_or(0));
    let mut found = c.found.unwrap_or_default();
    found.sort_by_key(|f| f.at);
    // A document read twice (a resource seen by two passes) is validated once.
    found.dedup_by_key(|f| f.at);
    Ok((
        Imported {
            source,
            scenario: s,
            skipped: c.skipped,
            notes: c.notes,
        },
        found,
    ))
}

/// The VPC endpoint id the export wrote in a logical id (`VpcEndpointVpce0a1b2c3d` →
/// `vpce-0a1b2c3d`), when the logical id holds one.
fn endpoint_id_of(logical_id: &str) -> Option<String> {
    let hex = logical_id.strip_prefix("VpcEndpointVpce")?;
    let id = format!("vpce-{}", hex.to_ascii_lowercase());
    crate::simulate::is_vpc_endpoint_id(&id).then_some(id)
}

/// The value of a pseudo parameter a template can know before deploying (`AWS::AccountId`,
/// `AWS::Partition`, `AWS::Region`, `AWS::URLSuffix`) for the scenario's account and Region.
pub(super) fn pseudo_parameter(name: &str, account: &str, region: &str) -> Option<String> {
    match name {
        "AWS::AccountId" => Some(account.to_string()),
        "AWS::Partition" => Some("aws".to_string()),
        "AWS::Region" => Some(region.to_string()),
        "AWS::URLSuffix" => Some("amazonaws.com".to_string()),
        _ => None,
    }
}

/// Every logical id a value names (`Ref`, `Fn::GetAtt`, `${Id}` in `Fn::Sub`).
fn mentioned_ids(t: &Tree, out: &mut Vec<String>) {
    match &t.kind {
        Kind::Str(s) => {
            let mut rest = s.as_str();
            while let Some(start) = rest.find("${") {
                let after = rest.get(start + 2..).unwrap_or("");
                let Some(end) = after.find('}') else { break };
                let name = after.get(..end).unwrap_or("");
                out.push(name.split('.').next().unwrap_or(name).to_string());
                rest = after.get(end + 1..).unwrap_or("");
            }
        }
        Kind::Seq(items) => items.iter().for_each(|i| mentioned_ids(i, out)),
        Kind::Map(members) => {
            for (k, _, v) in members {
                if k == "Ref"
                    && let Some(s) = v.as_str()
                {
                    out.push(s.to_string());
                } else {
                    mentioned_ids(v, out);
                }
            }
        }
        _ => {}
    }
}

impl<'a> Cfn<'a> {
    fn line(&self, at: usize) -> Option<usize> {
        Some(self.index.line_col(at).line)
    }

    fn error(&self, code: &'static str, message: &str, at: usize) -> ImportError {
        let lc = self.index.line_col(at);
        ImportError::at(code, message, lc.line, lc.column)
    }

    fn skip(&mut self, kind: SkipKind, what: String, why: &str, at: usize) {
        let line = self.line(at);
        self.skipped.push(Skipped {
            kind,
            what,
            why: why.to_string(),
            line,
            column: None,
            file: None,
        });
    }

    fn name(&self, i: usize) -> String {
        self.entities
            .get(i)
            .map(|e| e.name.clone())
            .unwrap_or_default()
    }

    fn path(&self, i: usize) -> String {
        self.entities
            .get(i)
            .map_or_else(|| "/".to_string(), |e| e.path.clone())
    }

    fn entity(&self, id: &str) -> Option<&Entity<'a>> {
        self.entities.get(*self.by_id.get(id)?)
    }

    /// Counts `len` bytes of expanded text made at `at` against the budget; over it, the
    /// value is not evaluated and the import stops with [`Cfn::over_budget`]. Every expansion
    /// costs at least one byte, so empty values repeated without end are stopped too.
    fn charge(&self, len: usize, at: usize) -> Result<(), Unresolved> {
        let spent = self.spent.get().saturating_add(len).saturating_add(1);
        self.spent.set(spent);
        if spent > self.budget {
            if self.exceeded.get().is_none() {
                self.exceeded.set(Some(at));
            }
            return Err((
                format!(
                    "the template's values expand to more than {} bytes",
                    self.budget
                ),
                at,
            ));
        }
        Ok(())
    }

    /// The error of a template whose `Fn::Sub`, `Fn::Join` or `Fn::FindInMap` values expand
    /// past the budget, at the place where it ran out.
    fn over_budget(&self, at: usize) -> ImportError {
        self.error(
            "import-expansion-budget",
            &format!(
                "The template's Fn::Sub, Fn::Join and Fn::FindInMap values expand to more than {} bytes ({} times the text's size, at least {} bytes); the import stops here.",
                self.budget,
                super::EXPANSION_FACTOR,
                super::MIN_EXPANSION_BUDGET
            ),
            at,
        )
    }

    /// Lists the properties of resource `i` the playground does not model.
    fn unknown_props(&mut self, i: usize, known: &[&str]) {
        let Some(e) = self.entities.get(i) else {
            return;
        };
        let id = e.id.clone();
        let members = e.props.and_then(Tree::map).unwrap_or_default();
        for (key, at, _) in members {
            if !known.contains(&key.as_str()) {
                self.skip(
                    SkipKind::Property,
                    format!("{id} property {key}"),
                    "the playground does not model this property",
                    *at,
                );
            }
        }
    }

    /// The name and path of resource `i`: its name property, or for a key the id the export
    /// wrote in its description; the logical id (with a note) when the template lets
    /// CloudFormation generate the name.
    fn name_of(&mut self, i: usize) -> (String, String) {
        let Some(e) = self.entities.get(i) else {
            return (String::new(), "/".to_string());
        };
        let (id, props) = (e.id.clone(), e.props);
        let key = match e.ty.as_str() {
            "AWS::IAM::User" => "UserName",
            "AWS::IAM::Group" => "GroupName",
            "AWS::IAM::Role" => "RoleName",
            "AWS::IAM::ManagedPolicy" => "ManagedPolicyName",
            "AWS::S3::Bucket" => "BucketName",
            "AWS::SQS::Queue" => "QueueName",
            "AWS::SNS::Topic" => "TopicName",
            "AWS::KMS::Key" => "Description",
            _ => return (id, "/".to_string()),
        };
        let path = match props.and_then(|p| p.get("Path")).map(|p| self.resolve(p)) {
            Some(Ok(path)) => path,
            Some(Err((why, at))) => {
                self.skip(SkipKind::Value, format!("{id} Path"), &why, at);
                "/".to_string()
            }
            None => "/".to_string(),
        };
        let value = props.and_then(|p| p.get(key)).map(|v| self.resolve(v));
        let name = match (key, value) {
            ("Description", Some(Ok(d))) => d
                .strip_prefix("The key ")
                .and_then(|d| d.strip_suffix(" of the scenario."))
                .map(str::to_string),
            ("Description", _) => None,
            (_, Some(Ok(name))) => Some(name),
            (_, Some(Err((why, at)))) => {
                self.skip(SkipKind::Value, format!("{id} {key}"), &why, at);
                None
            }
            (_, None) => None,
        };
        match name {
            Some(n) if !n.is_empty() => (n, path),
            _ if key == "Description" => {
                self.notes.push(format!(
                    "{id} is a KMS key, whose id AWS chooses at creation; the scenario names it {id}."
                ));
                (id, path)
            }
            _ => {
                self.notes.push(format!(
                    "{id} has no {key} the playground can read (CloudFormation would generate one); the scenario names it {id}."
                ));
                (id, path)
            }
        }
    }

    /// A string property, or empty.
    fn opt_string(&mut self, props: Option<&Tree>, key: &str) -> String {
        let Some(t) = props.and_then(|p| p.get(key)) else {
            return String::new();
        };
        match self.resolve(t) {
            Ok(s) => s,
            Err((why, at)) => {
                self.skip(SkipKind::Value, key.to_string(), &why, at);
                String::new()
            }
        }
    }

    /// What `Ref` of a pseudo parameter, parameter or resource returns.
    fn reference(&self, name: &str, at: usize) -> Result<String, Unresolved> {
        if let Some(value) = pseudo_parameter(name, &self.account, &self.region) {
            return Ok(value);
        }
        if let Some(&default) = self.params.get(name) {
            // A default is a literal in CloudFormation; anything else (a default that refers
            // back to its own parameter, say) is refused rather than followed.
            return match default.kind {
                Kind::Str(_) | Kind::Number(_) | Kind::Bool(_) => self.resolve(default),
                _ => Err((
                    format!("the parameter {name} has a Default that is not a plain value"),
                    default.at,
                )),
            };
        }
        let Some(e) = self.entity(name) else {
            return Err((
                format!(
                    "Ref names \"{name}\", which is neither a parameter with a Default nor a resource of the template"
                ),
                at,
            ));
        };
        let (acct, region, n) = (&self.account, &self.region, &e.name);
        Ok(match e.ty.as_str() {
            "AWS::IAM::User" | "AWS::IAM::Group" | "AWS::IAM::Role" | "AWS::S3::Bucket"
            | "AWS::KMS::Key" => n.clone(),
            "AWS::IAM::ManagedPolicy" => format!("arn:aws:iam::{acct}:policy{}{n}", e.path),
            "AWS::SQS::Queue" => format!("https://sqs.{region}.amazonaws.com/{acct}/{n}"),
            "AWS::SNS::Topic" => format!("arn:aws:sns:{region}:{acct}:{n}"),
            other => {
                return Err((
                    format!("Ref of {name} ({other}) is only known once the stack is deployed"),
                    at,
                ));
            }
        })
    }

    /// What `Fn::GetAtt` of a resource's attribute returns.
    fn attribute(&self, id: &str, attr: &str, at: usize) -> Result<String, Unresolved> {
        let Some(e) = self.entity(id) else {
            return Err((
                format!("Fn::GetAtt names \"{id}\", which is not a resource of the template"),
                at,
            ));
        };
        let (acct, region, n, p) = (&self.account, &self.region, &e.name, &e.path);
        let value = match (e.ty.as_str(), attr) {
            ("AWS::IAM::User", "Arn") => Some(format!("arn:aws:iam::{acct}:user{p}{n}")),
            ("AWS::IAM::Group", "Arn") => Some(format!("arn:aws:iam::{acct}:group{p}{n}")),
            ("AWS::IAM::Role", "Arn") => Some(format!("arn:aws:iam::{acct}:role{p}{n}")),
            ("AWS::IAM::ManagedPolicy", "PolicyArn") => {
                Some(format!("arn:aws:iam::{acct}:policy{p}{n}"))
            }
            ("AWS::S3::Bucket", "Arn") => Some(format!("arn:aws:s3:::{n}")),
            ("AWS::SQS::Queue", "Arn") => Some(format!("arn:aws:sqs:{region}:{acct}:{n}")),
            ("AWS::SQS::Queue", "QueueName") | ("AWS::SNS::Topic", "TopicName") => Some(n.clone()),
            ("AWS::SQS::Queue", "QueueUrl") => {
                Some(format!("https://sqs.{region}.amazonaws.com/{acct}/{n}"))
            }
            ("AWS::SNS::Topic", "TopicArn") => Some(format!("arn:aws:sns:{region}:{acct}:{n}")),
            ("AWS::KMS::Key", "Arn") => Some(format!("arn:aws:kms:{region}:{acct}:key/{n}")),
            ("AWS::KMS::Key", "KeyId") => Some(n.clone()),
            _ => None,
        };
        value.ok_or_else(|| {
            (
                format!(
                    "Fn::GetAtt {id}.{attr} ({}) is only known once the stack is deployed",
                    e.ty
                ),
                at,
            )
        })
    }

    /// Evaluates a value to a string: scalars as written, and `Ref`, `Fn::Sub`,
    /// `Fn::GetAtt` and `Fn::Join`.
    fn resolve(&self, t: &Tree) -> Result<String, Unresolved> {
        match &t.kind {
            Kind::Str(s) => Ok(s.clone()),
            Kind::Number(n) => Ok(n.to_string()),
            Kind::Bool(b) => Ok(b.to_string()),
            Kind::Null => Ok(String::new()),
            Kind::Seq(_) => Err(("a list where a text was expected".to_string(), t.at)),
            Kind::Map(members) => {
                let [(function, _, arg)] = members.as_slice() else {
                    return Err(("a mapping where a text was expected".to_string(), t.at));
                };
                match function.as_str() {
                    "Ref" => match arg.as_str() {
                        Some(name) => self.reference(name, arg.at),
                        None => Err(("Ref takes a name".to_string(), arg.at)),
                    },
                    "Fn::GetAtt" => {
                        let (id, attr) = match &arg.kind {
                            Kind::Str(s) => match s.split_once('.') {
                                Some((a, b)) => (a.to_string(), b.to_string()),
                                None => {
                                    return Err((
                                        "Fn::GetAtt takes Resource.Attribute".to_string(),
                                        arg.at,
                                    ));
                                }
                            },
                            Kind::Seq(items) => match items.as_slice() {
                                [a, b] => (self.resolve(a)?, self.resolve(b)?),
                                _ => {
                                    return Err((
                                        "Fn::GetAtt takes [Resource, Attribute]".to_string(),
                                        arg.at,
                                    ));
                                }
                            },
                            _ => {
                                return Err((
                                    "Fn::GetAtt takes Resource.Attribute".to_string(),
                                    arg.at,
                                ));
                            }
                        };
                        self.attribute(&id, &attr, arg.at)
                    }
                    "Fn::Join" => {
                        let Some([delimiter, list]) = arg
                            .seq()
                            .and_then(|s| <&[Tree; 2]>::try_from(s).ok().map(|[a, b]| [a, b]))
                        else {
                            return Err((
                                "Fn::Join takes [delimiter, [values]]".to_string(),
                                arg.at,
                            ));
                        };
                        let delimiter = self.resolve(delimiter)?;
                        let Some(items) = list.seq() else {
                            return Err(("Fn::Join takes a list of values".to_string(), list.at));
                        };
                        let parts = items
                            .iter()
                            .map(|i| self.resolve(i))
                            .collect::<Result<Vec<_>, _>>()?;
                        let joined = parts.join(&delimiter);
                        self.charge(joined.len(), t.at)?;
                        Ok(joined)
                    }
                    "Fn::Sub" => match &arg.kind {
                        Kind::Str(s) => self.substitute(s, &[], arg.at),
                        Kind::Seq(items) => match items.as_slice() {
                            [text, vars] => {
                                let Some(s) = text.as_str() else {
                                    return Err(("Fn::Sub takes a text".to_string(), text.at));
                                };
                                let vars = vars.map().unwrap_or_default();
                                self.substitute(s, vars, arg.at)
                            }
                            _ => Err((
                                "Fn::Sub takes a text or [text, variables]".to_string(),
                                arg.at,
                            )),
                        },
                        _ => Err(("Fn::Sub takes a text".to_string(), arg.at)),
                    },
                    other => Err((
                        format!("{other} cannot be evaluated without deploying the template"),
                        t.at,
                    )),
                }
            }
        }
    }

    /// `Fn::Sub`: `${Name}` from the variables, pseudo parameters, parameters and resources,
    /// `${Id.Attribute}` as `Fn::GetAtt`, and `${!Literal}` as the literal `${Literal}`.
    fn substitute(
        &self,
        text: &str,
        vars: &[(String, usize, Tree)],
        at: usize,
    ) -> Result<String, Unresolved> {
        let mut out = String::new();
        let mut rest = text;
        // Each variable is resolved once however often the text uses it; a variable whose
        // value is itself an `Fn::Sub` of variables would otherwise be evaluated once per use,
        // exponential in the nesting.
        let mut resolved: HashMap<&str, String> = HashMap::new();
        let mut by_name: HashMap<&str, &Tree> = HashMap::new();
        for (k, _, v) in vars {
            by_name.entry(k.as_str()).or_insert(v);
        }
        while let Some(start) = rest.find("${") {
            out.push_str(rest.get(..start).unwrap_or(""));
            let after = rest.get(start + 2..).unwrap_or("");
            if let Some(literal) = after.strip_prefix('!') {
                out.push_str("${");
                rest = literal;
                continue;
            }
            let Some(end) = after.find('}') else {
                out.push_str("${");
                rest = after;
                continue;
            };
            let name = after.get(..end).unwrap_or("").trim();
            let value = if let Some(value) = resolved.get(name) {
                value.clone()
            } else if let Some(v) = by_name.get(name) {
                let value = self.resolve(v)?;
                resolved.insert(name, value.clone());
                value
            } else if let Some((id, attr)) = name.split_once('.')
                && !name.starts_with("AWS::")
            {
                self.attribute(id, attr, at)?
            } else {
                self.reference(name, at)?
            };
            self.charge(value.len(), at)?;
            out.push_str(&value);
            rest = after.get(end + 1..).unwrap_or("");
        }
        out.push_str(rest);
        self.charge(out.len(), at)?;
        Ok(out)
    }

    /// A policy document as JSON text, with every intrinsic function evaluated; `None` (and
    /// a skipped entry) when it is missing or cannot be evaluated.
    fn document(&mut self, props: Option<&Tree>, key: &str, what: &str) -> Option<String> {
        let ty = match key {
            "AssumeRolePolicyDocument" => PolicyType::Trust,
            "KeyPolicy" => PolicyType::Resource,
            _ => PolicyType::Identity,
        };
        self.document_as(props, key, what, ty)
    }

    /// [`Cfn::document`] of a policy of type `ty`.
    fn document_as(
        &mut self,
        props: Option<&Tree>,
        key: &str,
        what: &str,
        ty: PolicyType,
    ) -> Option<String> {
        let Some(t) = props.and_then(|p| p.get(key)) else {
            let at = props.map_or(0, |p| p.at);
            self.skip(
                SkipKind::Document,
                what.to_string(),
                &format!("it has no {key}"),
                at,
            );
            return None;
        };
        let node = match &t.kind {
            // CloudFormation also takes a document as a JSON string.
            Kind::Str(s) => serde_json::from_str::<Node>(s)
                .map_err(|e| (format!("{key} is a text that is not JSON: {e}"), t.at)),
            _ => self.to_node(t, 0),
        };
        match node {
            Ok(node @ Node::Map(_)) => {
                let text = pretty(&node);
                if let Some(found) = &mut self.found {
                    found.push(FoundPolicy::new(
                        format!("{what} {key}"),
                        ty,
                        t,
                        text.clone(),
                    ));
                }
                Some(text)
            }
            Ok(_) => {
                self.skip(
                    SkipKind::Document,
                    what.to_string(),
                    &format!("its {key} is not a JSON object"),
                    t.at,
                );
                None
            }
            Err((why, at)) => {
                self.skip(
                    SkipKind::Document,
                    format!("{what} {key}"),
                    &format!("{why}, so the document is left out"),
                    at,
                );
                None
            }
        }
    }

    /// A document tree as JSON data; a mapping whose only key is `Ref` or `Fn::…` is
    /// evaluated to its string.
    fn to_node(&self, t: &Tree, depth: usize) -> Result<Node, Unresolved> {
        if depth > 64 {
            return Err(("the document nests too deeply".to_string(), t.at));
        }
        Ok(match &t.kind {
            Kind::Null => Node::Null,
            Kind::Bool(b) => Node::Bool(*b),
            Kind::Number(n) => Node::Number(n.clone()),
            Kind::Str(s) => Node::Str(s.clone()),
            Kind::Seq(items) => Node::Seq(
                items
                    .iter()
                    .map(|i| self.to_node(i, depth + 1))
                    .collect::<Result<_, _>>()?,
            ),
            Kind::Map(members) => {
                if let [(k, _, _)] = members.as_slice()
                    && (k == "Ref" || k.starts_with("Fn::"))
                {
                    return Ok(Node::Str(self.resolve(t)?));
                }
                Node::from_members(
                    members
                        .iter()
                        .map(|(k, _, v)| Ok((k.clone(), self.to_node(v, depth + 1)?)))
                        .collect::<Result<Vec<_>, Unresolved>>()?,
                )
            }
        })
    }

    /// A managed-policy reference: `Ref` of a template policy, or an ARN.
    fn policy_ref(&mut self, t: &Tree, owner: &str) -> Option<PolicyRef> {
        if let Some(id) = t.get("Ref").and_then(Tree::as_str)
            && let Some(e) = self.entity(id)
            && e.ty == "AWS::IAM::ManagedPolicy"
        {
            return Some(PolicyRef::Customer(e.name.clone()));
        }
        let arn = match self.resolve(t) {
            Ok(a) => a,
            Err((why, at)) => {
                self.skip(SkipKind::Value, format!("{owner} managed policy"), &why, at);
                return None;
            }
        };
        match policy_ref_of_arn(&arn) {
            Some(r) => Some(r),
            None => {
                self.skip(
                    SkipKind::Reference,
                    format!("{owner} managed policy {arn}"),
                    "it is not an IAM policy ARN of the aws partition",
                    t.at,
                );
                None
            }
        }
    }

    fn policy_refs(&mut self, props: Option<&Tree>, owner: &str) -> Vec<PolicyRef> {
        let items = props
            .and_then(|p| p.get("ManagedPolicyArns"))
            .and_then(Tree::seq)
            .unwrap_or_default();
        items
            .iter()
            .filter_map(|t| self.policy_ref(t, owner))
            .collect()
    }

    fn boundary(&mut self, props: Option<&Tree>, owner: &str) -> Option<PolicyRef> {
        let t = props?.get("PermissionsBoundary")?;
        self.policy_ref(t, owner)
    }

    fn inline_policies(&mut self, props: Option<&Tree>, owner: &str) -> Vec<InlinePolicy> {
        let items = props
            .and_then(|p| p.get("Policies"))
            .and_then(Tree::seq)
            .unwrap_or_default();
        let mut out = Vec::new();
        for p in items {
            let name = match p.get("PolicyName").map(|n| self.resolve(n)) {
                Some(Ok(n)) => n,
                _ => {
                    self.skip(
                        SkipKind::MissingName,
                        format!("{owner} inline policy"),
                        "it has no PolicyName the playground can read",
                        p.at,
                    );
                    continue;
                }
            };
            let what = format!("{owner} inline policy {name}");
            if let Some(document) = self.document(Some(p), "PolicyDocument", &what) {
                out.push(InlinePolicy { name, document });
            }
        }
        out
    }

    fn tags(&mut self, props: Option<&Tree>, owner: &str) -> Vec<Tag> {
        let items = props
            .and_then(|p| p.get("Tags"))
            .and_then(Tree::seq)
            .unwrap_or_default();
        let mut out = Vec::new();
        for t in items {
            match (
                t.get("Key").map(|k| self.resolve(k)),
                t.get("Value").map(|v| self.resolve(v)),
            ) {
                (Some(Ok(key)), Some(Ok(value))) => out.push(Tag { key, value }),
                _ => self.skip(
                    SkipKind::Value,
                    format!("{owner} tag"),
                    "its Key or Value cannot be read",
                    t.at,
                ),
            }
        }
        out
    }

    /// Names of users or groups: `Ref` of a template resource gives its name, text is a name.
    fn names_list(&mut self, t: Option<&Tree>, owner: &str) -> Vec<String> {
        let items = t.and_then(Tree::seq).unwrap_or_default();
        let mut out = Vec::new();
        for item in items {
            match self.resolve(item) {
                Ok(n) => out.push(n),
                Err((why, at)) => self.skip(SkipKind::Value, format!("{owner} member"), &why, at),
            }
        }
        out
    }

    /// Resources that attach to others: standalone policies, group additions, access keys
    /// and resource policies.
    fn attach(&mut self, i: usize, s: &mut Scenario, names: &mut Names) {
        let Some(e) = self.entities.get(i) else {
            return;
        };
        let (id, ty, props, at) = (e.id.clone(), e.ty.clone(), e.props, e.at);
        let list = |key: &str| props.and_then(|p| p.get(key));
        match ty.as_str() {
            "AWS::IAM::ManagedPolicy" => {
                let name = self.name(i);
                for (key, kind) in [("Users", 0), ("Groups", 1), ("Roles", 2)] {
                    for n in self.names_list(list(key), &id) {
                        let r = PolicyRef::Customer(name.clone());
                        let target = match kind {
                            0 => names
                                .users
                                .get(&n.to_ascii_lowercase())
                                .and_then(|&i| s.users.get_mut(i))
                                .map(|u| &mut u.managed_policies),
                            1 => names
                                .groups
                                .get(&n.to_ascii_lowercase())
                                .and_then(|&i| s.groups.get_mut(i))
                                .map(|g| &mut g.managed_policies),
                            _ => names
                                .roles
                                .get(&n.to_ascii_lowercase())
                                .and_then(|&i| s.roles.get_mut(i))
                                .map(|r| &mut r.managed_policies),
                        };
                        match target {
                            Some(list) => list.push(r),
                            None => self.skip(
                                SkipKind::Reference,
                                format!("{id} attachment to {n}"),
                                "that identity is not in the template",
                                at,
                            ),
                        }
                    }
                }
            }
            "AWS::IAM::Policy"
            | "AWS::IAM::UserPolicy"
            | "AWS::IAM::GroupPolicy"
            | "AWS::IAM::RolePolicy" => {
                self.unknown_props(
                    i,
                    &[
                        "PolicyName",
                        "PolicyDocument",
                        "Users",
                        "Groups",
                        "Roles",
                        "UserName",
                        "GroupName",
                        "RoleName",
                    ],
                );
                let name = self.opt_string(props, "PolicyName");
                let name = if name.is_empty() { id.clone() } else { name };
                let Some(document) =
                    self.document(props, "PolicyDocument", &format!("policy {id}"))
                else {
                    return;
                };
                let mut targets: Vec<(u8, String)> = Vec::new();
                for (key, kind) in [("Users", 0u8), ("Groups", 1), ("Roles", 2)] {
                    for n in self.names_list(list(key), &id) {
                        targets.push((kind, n));
                    }
                }
                for (key, kind) in [("UserName", 0u8), ("GroupName", 1), ("RoleName", 2)] {
                    if props.and_then(|p| p.get(key)).is_some() {
                        let n = self.opt_string(props, key);
                        targets.push((kind, n));
                    }
                }
                for (kind, n) in targets {
                    let p = InlinePolicy {
                        name: name.clone(),
                        document: document.clone(),
                    };
                    let target = match kind {
                        0 => names
                            .users
                            .get(&n.to_ascii_lowercase())
                            .and_then(|&i| s.users.get_mut(i))
                            .map(|u| &mut u.inline_policies),
                        1 => names
                            .groups
                            .get(&n.to_ascii_lowercase())
                            .and_then(|&i| s.groups.get_mut(i))
                            .map(|g| &mut g.inline_policies),
                        _ => names
                            .roles
                            .get(&n.to_ascii_lowercase())
                            .and_then(|&i| s.roles.get_mut(i))
                            .map(|r| &mut r.inline_policies),
                    };
                    match target {
                        Some(list) => list.push(p),
                        None => self.skip(
                            SkipKind::Reference,
                            format!("{id} for {n}"),
                            "that identity is not in the template",
                            at,
                        ),
                    }
                }
            }
            "AWS::IAM::UserToGroupAddition" => {
                let group = self.opt_string(props, "GroupName");
                for n in self.names_list(list("Users"), &id) {
                    match names
                        .users
                        .get(&n.to_ascii_lowercase())
                        .and_then(|&i| s.users.get_mut(i))
                    {
                        Some(u) => u.groups.push(group.clone()),
                        None => self.skip(
                            SkipKind::Reference,
                            format!("{id} member {n}"),
                            "that user is not in the template",
                            at,
                        ),
                    }
                }
            }
            "AWS::IAM::AccessKey" => {
                let user = self.opt_string(props, "UserName");
                let active = self.opt_string(props, "Status") != "Inactive";
                match names
                    .users
                    .get(&user.to_ascii_lowercase())
                    .and_then(|&i| s.users.get_mut(i))
                {
                    Some(u) => {
                        u.access_keys.push(AccessKey {
                            age_days: 0,
                            active,
                        });
                        self.notes
                            .push(format!("{id} becomes an access key of {user}, 0 days old."));
                    }
                    None => self.skip(
                        SkipKind::Reference,
                        format!("resource {id} (AWS::IAM::AccessKey)"),
                        "its user is not in the template",
                        at,
                    ),
                }
            }
            _ => self.resource_policy(i, &ty, s, names),
        }
    }

    /// A bucket, queue or topic policy: attached to each resource it names (created when the
    /// template does not have it).
    fn resource_policy(&mut self, i: usize, ty: &str, s: &mut Scenario, names: &mut Names) {
        let Some(e) = self.entities.get(i) else {
            return;
        };
        let (id, props, at) = (e.id.clone(), e.props, e.at);
        let (kind, key) = match ty {
            "AWS::S3::BucketPolicy" => (ResourceKind::S3Bucket, "Bucket"),
            "AWS::SQS::QueuePolicy" => (ResourceKind::SqsQueue, "Queues"),
            _ => (ResourceKind::SnsTopic, "Topics"),
        };
        self.unknown_props(i, &[key, "PolicyDocument"]);
        let Some(document) = self.document_as(
            props,
            "PolicyDocument",
            &format!("policy {id}"),
            PolicyType::Resource,
        ) else {
            return;
        };
        let targets: Vec<&Tree> = match props.and_then(|p| p.get(key)) {
            Some(t) => match t.seq() {
                Some(items) => items.iter().collect(),
                None => vec![t],
            },
            None => Vec::new(),
        };
        if targets.is_empty() {
            self.skip(
                SkipKind::Reference,
                format!("resource {id} ({ty})"),
                &format!("it has no {key}"),
                at,
            );
        }
        for t in targets {
            // `Ref` of a queue is its URL and of a topic its ARN: the name is the last part.
            let name = match t
                .get("Ref")
                .and_then(Tree::as_str)
                .and_then(|r| self.entity(r))
            {
                Some(e) => e.name.clone(),
                None => match self.resolve(t) {
                    Ok(v) => v
                        .rsplit(['/', ':'])
                        .next()
                        .unwrap_or(v.as_str())
                        .to_string(),
                    Err((why, at)) => {
                        self.skip(SkipKind::Value, format!("{id} {key}"), &why, at);
                        continue;
                    }
                },
            };
            match names
                .resources
                .get(&(kind, name.clone()))
                .and_then(|&i| s.resources.get_mut(i))
            {
                Some(r) if r.policy.is_some() => self.skip(
                    SkipKind::Reference,
                    format!("resource {id} ({ty})"),
                    &format!("{name} already has a policy in the template"),
                    at,
                ),
                Some(r) => r.policy = Some(document.clone()),
                None => {
                    let mut r = Resource::new(kind, name.clone());
                    r.policy = Some(document.clone());
                    names
                        .resources
                        .entry((kind, name.clone()))
                        .or_insert(s.resources.len());
                    s.resources.push(r);
                    self.notes.push(format!(
                        "{id} is the policy of {name}, which the template does not create; the scenario adds it."
                    ));
                }
            }
        }
    }
}

/// A managed-policy reference from an ARN: AWS-managed, or a customer policy by name.
pub(super) fn policy_ref_of_arn(arn: &str) -> Option<PolicyRef> {
    if arn.starts_with(AWS_MANAGED_PREFIX) {
        return Some(PolicyRef::Aws(arn.to_string()));
    }
    let rest = arn.strip_prefix("arn:aws:iam::")?;
    let (_, path_name) = rest.split_once(":policy/")?;
    let name = path_name.rsplit('/').next()?;
    (!name.is_empty()).then(|| PolicyRef::Customer(name.to_string()))
}
