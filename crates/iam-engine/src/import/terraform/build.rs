//! A list of Terraform resources → a scenario (see the [module docs](super)).

use std::collections::HashSet;

use super::super::cfn::policy_ref_of_arn;
use super::super::names::Names;
use super::super::tree::{Kind, Tree};
use super::super::{FoundPolicy, ImportError, SkipKind, default_key_policy, pretty};
use super::{Mode, Report, TfResource, scalar};
use crate::export::node::Node;
use crate::policy::PolicyType;
use crate::scenario::{
    Group, InlinePolicy, LoginProfile, ManagedPolicy, PolicyRef, Resource, ResourceKind, Role,
    Scenario, Tag, User,
};

/// Attributes every resource may have that say nothing the scenario models: ids, ARNs and
/// dates AWS assigns, the provider's bookkeeping, and Terraform's meta-arguments.
const IGNORED: &[&str] = &[
    "id",
    "arn",
    "unique_id",
    "tags_all",
    "create_date",
    "force_destroy",
    "force_detach_policies",
    "region",
    "timeouts",
    "provider",
    "depends_on",
    "lifecycle",
    "count",
    "for_each",
];

/// The attributes the scenario reads of each resource type it models (the others of an HCL
/// file are listed as skipped).
pub(super) fn known(ty: &str) -> Option<&'static [&'static str]> {
    Some(match ty {
        "aws_iam_user" => &["name", "path", "permissions_boundary", "tags"],
        "aws_iam_group" => &["name", "path"],
        "aws_iam_role" => &[
            "name",
            "path",
            "description",
            "assume_role_policy",
            "max_session_duration",
            "permissions_boundary",
            "tags",
            "inline_policy",
            "managed_policy_arns",
        ],
        "aws_iam_policy" => &["name", "path", "description", "policy", "policy_id"],
        "aws_iam_user_login_profile" => &[
            "user",
            "password_reset_required",
            "password_length",
            "pgp_key",
            "password",
            "encrypted_password",
            "key_fingerprint",
        ],
        "aws_iam_user_group_membership" => &["user", "groups"],
        "aws_iam_group_membership" => &["name", "users", "group"],
        "aws_iam_user_policy_attachment" => &["user", "policy_arn"],
        "aws_iam_group_policy_attachment" => &["group", "policy_arn"],
        "aws_iam_role_policy_attachment" => &["role", "policy_arn"],
        "aws_iam_policy_attachment" => &["name", "users", "groups", "roles", "policy_arn"],
        "aws_iam_user_policy" => &["name", "user", "policy"],
        "aws_iam_group_policy" => &["name", "group", "policy"],
        "aws_iam_role_policy" => &["name", "role", "policy"],
        "aws_s3_bucket" => &[
            "bucket",
            "tags",
            "policy",
            "bucket_domain_name",
            "bucket_regional_domain_name",
            "hosted_zone_id",
        ],
        "aws_s3_bucket_policy" => &["bucket", "policy"],
        "aws_sqs_queue" => &[
            "name",
            "tags",
            "policy",
            "url",
            "fifo_queue",
            "message_retention_seconds",
        ],
        "aws_sqs_queue_policy" => &["queue_url", "policy"],
        "aws_sns_topic" => &["name", "tags", "policy", "fifo_topic", "owner"],
        "aws_sns_topic_policy" => &["arn", "policy", "owner"],
        "aws_kms_key" => &["description", "policy", "tags", "key_id"],
        "aws_vpc_endpoint" => &[
            "vpc_id",
            "service_name",
            "vpc_endpoint_type",
            "policy",
            "tags",
        ],
        _ => return None,
    })
}

/// Attributes of the modelled types that AWS or the provider computes (or that hold secrets):
/// accepted without being read, and not looked for when a plan does not know them.
pub(super) const COMPUTED: &[&str] = &[
    "policy_id",
    "bucket_domain_name",
    "bucket_regional_domain_name",
    "hosted_zone_id",
    "url",
    "owner",
    "key_id",
    "password",
    "encrypted_password",
    "key_fingerprint",
    "password_length",
    "pgp_key",
];

/// Whether attribute `key` of a resource of type `ty` is accepted without being read (ids and
/// settings the scenario does not model): a configuration file's value for it is not even
/// evaluated, so a variable without a default there (`vpc_id = var.vpc_id`) costs nothing.
pub(super) fn unread(ty: &str, key: &str) -> bool {
    // A topic policy names its topic by `arn`.
    ((IGNORED.contains(&key) || COMPUTED.contains(&key))
        && !(ty == "aws_sns_topic_policy" && key == "arn"))
        || matches!(
            (ty, key),
            ("aws_vpc_endpoint", "vpc_id" | "vpc_endpoint_type")
                | ("aws_sqs_queue", "fifo_queue" | "message_retention_seconds")
                | ("aws_sns_topic", "fifo_topic")
        )
}

/// The data sources whose values the import uses (their reading is the use).
const DATA_SOURCES: &[&str] = &[
    "aws_iam_policy_document",
    "aws_caller_identity",
    "aws_partition",
    "aws_region",
];

/// The name a KMS key gets in the scenario: the one the export wrote in its description
/// (`The key NAME of the scenario.`), else its `Name` tag, else the Terraform name.
pub(super) fn kms_key_name(r: &TfResource) -> String {
    if let Some(d) = r.get("description").and_then(scalar)
        && let Some(name) = d
            .strip_prefix("The key ")
            .and_then(|d| d.strip_suffix(" of the scenario."))
        && !name.is_empty()
    {
        return name.to_string();
    }
    tag_name(r).unwrap_or_else(|| r.name.clone())
}

/// The id a VPC endpoint gets in the scenario: a `vpce-…` id in its `Name` tag or in its
/// Terraform name (`vpce_0a1b2c3d`), else one made from its address (the same on every
/// import); the flag says whether the configuration gave it.
pub(super) fn vpc_endpoint_id(r: &TfResource) -> (String, bool) {
    let candidates = [tag_name(r), Some(r.name.replace('_', "-"))];
    for c in candidates.into_iter().flatten() {
        let c = c.to_ascii_lowercase();
        if crate::simulate::is_vpc_endpoint_id(&c) {
            return (c, true);
        }
    }
    // FNV-1a of the address.
    let mut h: u32 = 0x811c_9dc5;
    for b in r.address.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    (format!("vpce-{h:08x}"), false)
}

fn tag_name(r: &TfResource) -> Option<String> {
    r.get("tags")?.get("Name").and_then(scalar)
}

struct Builder<'r, 'a> {
    report: &'r mut Report<'a>,
    account: String,
    /// What each identity already holds (kind, owner in lower case, item), so a policy or
    /// group given twice (a role's `managed_policy_arns` and an attachment, as a state says
    /// both) is added once, at one lookup each.
    seen: HashSet<(&'static str, String, String)>,
    /// Every policy document read, with its file: for validating them where they are written
    /// ([`super::super::policies_in`]).
    found: Vec<(usize, FoundPolicy)>,
}

impl Builder<'_, '_> {
    /// Whether `item` is new for `owner` (and records it).
    fn fresh(&mut self, kind: &'static str, owner: &str, item: String) -> bool {
        self.seen.insert((kind, owner.to_ascii_lowercase(), item))
    }
}

/// Where attribute `key` of a mapping starts (its key), when the mapping has it.
fn key_at(t: &Tree, key: &str) -> Option<usize> {
    t.map()?
        .iter()
        .rev()
        .find(|(k, _, _)| k == key)
        .map(|(_, at, _)| *at)
}

/// Turns the resources into a scenario of `account`, and gives the policy documents read,
/// each with its file index and the place of its attribute.
pub(super) fn build(
    resources: &[TfResource],
    account: &str,
    report: &mut Report<'_>,
    listing_attributes: bool,
) -> Result<(Scenario, Vec<(usize, FoundPolicy)>), ImportError> {
    let mut b = Builder {
        report,
        account: account.to_string(),
        seen: HashSet::new(),
        found: Vec::new(),
    };
    let mut s = Scenario::new(account.to_string());
    let mut later = Vec::new();
    for r in resources {
        if r.mode == Mode::Data {
            if !DATA_SOURCES.contains(&r.ty.as_str()) {
                b.report.skip(
                    SkipKind::ResourceType,
                    format!("data source {}", r.address),
                    "the playground reads only the data sources aws_iam_policy_document, aws_caller_identity, aws_partition and aws_region; this one reads something that already exists",
                    r.file,
                    r.at,
                );
            }
            continue;
        }
        let Some(known) = known(&r.ty) else {
            b.report.skip(
                SkipKind::ResourceType,
                format!("resource {}", r.address),
                "the playground models IAM users, groups, roles and policies, buckets, queues, topics, KMS keys and VPC endpoints only",
                r.file,
                r.at,
            );
            continue;
        };
        if listing_attributes {
            b.unknown_attributes(r, known);
        }
        match r.ty.as_str() {
            "aws_iam_user" => {
                let mut u = User::new(b.name(r, "name"));
                u.path = b.path(r);
                u.permissions_boundary = b.boundary(r);
                u.tags = b.tags(r);
                s.users.push(u);
            }
            "aws_iam_group" => {
                let mut g = Group::new(b.name(r, "name"));
                g.path = b.path(r);
                s.groups.push(g);
            }
            "aws_iam_role" => {
                let Some(trust) = b.document(r, "assume_role_policy", true, PolicyType::Trust)
                else {
                    continue;
                };
                let mut role = Role::new(b.name(r, "name"), trust);
                role.path = b.path(r);
                role.description = b.text(r, "description").unwrap_or_default();
                if let Some(t) = r.get("max_session_duration") {
                    match scalar(t).and_then(|v| v.parse::<u32>().ok()) {
                        Some(v) => role.max_session_duration = v,
                        None => b.report.skip(
                            SkipKind::Value,
                            format!("{} max_session_duration", r.address),
                            "it is not a whole number of seconds",
                            r.file,
                            t.at,
                        ),
                    }
                }
                role.permissions_boundary = b.boundary(r);
                role.tags = b.tags(r);
                for p in r
                    .get("inline_policy")
                    .and_then(Tree::seq)
                    .unwrap_or_default()
                {
                    let name = p.get("name").and_then(scalar).unwrap_or_default();
                    let policy = p.get("policy").filter(|t| !matches!(t.kind, Kind::Null));
                    // The provider's empty `inline_policy {}` block (no name, no policy) is
                    // how a state says "no inline policies".
                    if name.is_empty() && policy.is_none() {
                        continue;
                    }
                    // A policy the plan does not know is listed already.
                    if policy.is_none() && r.failed.iter().any(|f| f == "inline_policy") {
                        continue;
                    }
                    if name.is_empty() {
                        b.report.skip(
                            SkipKind::MissingName,
                            format!("{} inline_policy", r.address),
                            "it has no name",
                            r.file,
                            p.at,
                        );
                        continue;
                    }
                    let place = key_at(p, "policy").unwrap_or(p.at);
                    let read = b.document_value(
                        r,
                        policy,
                        "inline_policy policy",
                        p.at,
                        (PolicyType::Identity, place),
                    );
                    if let Some(document) = read {
                        if let Some((_, f)) = b.found.last_mut() {
                            f.what = format!("{} inline_policy {name}", r.address);
                        }
                        role.inline_policies.push(InlinePolicy { name, document });
                    }
                }
                for arn in b.list(r, "managed_policy_arns") {
                    if let Some(p) = b.policy_ref(r, &arn)
                        && b.fresh("role", &role.name, format!("{p:?}"))
                    {
                        role.managed_policies.push(p);
                    }
                }
                s.roles.push(role);
            }
            "aws_iam_policy" => {
                let Some(document) = b.document(r, "policy", true, PolicyType::Identity) else {
                    continue;
                };
                let mut p = ManagedPolicy::new(b.name(r, "name"), document);
                p.path = b.path(r);
                p.description = b.text(r, "description").unwrap_or_default();
                s.policies.push(p);
            }
            "aws_s3_bucket" | "aws_sqs_queue" | "aws_sns_topic" => {
                let (kind, key) = match r.ty.as_str() {
                    "aws_s3_bucket" => (ResourceKind::S3Bucket, "bucket"),
                    "aws_sqs_queue" => (ResourceKind::SqsQueue, "name"),
                    _ => (ResourceKind::SnsTopic, "name"),
                };
                let mut res = Resource::new(kind, b.name(r, key));
                res.tags = b.tags(r);
                if r.get("policy")
                    .and_then(scalar)
                    .is_some_and(|p| !p.is_empty())
                {
                    res.policy = b.document(r, "policy", false, PolicyType::Resource);
                }
                s.resources.push(res);
            }
            "aws_kms_key" => {
                let mut res = Resource::new(ResourceKind::KmsKey, kms_key_name(r));
                if kms_key_name(r) == r.name {
                    b.report.notes.push(format!(
                        "{} is a KMS key, whose id AWS chooses at creation; the scenario names it {}.",
                        r.address, r.name
                    ));
                }
                res.tags = b.tags(r);
                if r.get("policy")
                    .and_then(scalar)
                    .is_some_and(|p| !p.is_empty())
                {
                    res.policy = b.document(r, "policy", false, PolicyType::Resource);
                    // AWS's default key policy (in any key order: jsonencode sorts the keys)
                    // is "no policy of its own", as the CloudFormation import reads it.
                    let value = |t: &str| serde_json::from_str::<serde_json::Value>(t).ok();
                    if res
                        .policy
                        .as_deref()
                        .and_then(value)
                        .is_some_and(|p| Some(p) == value(&default_key_policy(&b.account)))
                    {
                        res.policy = None;
                    }
                }
                s.resources.push(res);
            }
            "aws_vpc_endpoint" => {
                let (id, found) = vpc_endpoint_id(r);
                if !found {
                    b.report.notes.push(format!(
                        "{} is a VPC endpoint, whose id AWS chooses at creation; the scenario names it {id}.",
                        r.address
                    ));
                }
                let mut res = Resource::new(ResourceKind::VpcEndpoint, id);
                res.service_name = b.text(r, "service_name").filter(|s| !s.is_empty());
                if r.get("policy")
                    .and_then(scalar)
                    .is_some_and(|p| !p.is_empty())
                {
                    res.policy = b.document(r, "policy", false, PolicyType::VpcEndpoint);
                }
                s.resources.push(res);
            }
            _ => later.push(r),
        }
    }
    let mut names = Names::of(&s);
    for r in later {
        b.attach(r, &mut s, &mut names);
    }
    Ok((s, b.found))
}

impl Builder<'_, '_> {
    fn unknown_attributes(&mut self, r: &TfResource, known: &[&str]) {
        for (key, at, value) in r.values.map().unwrap_or_default() {
            if known.contains(&key.as_str()) || IGNORED.contains(&key.as_str()) {
                continue;
            }
            let empty = match &value.kind {
                Kind::Null => true,
                Kind::Str(s) => s.is_empty(),
                Kind::Seq(items) => items.is_empty(),
                Kind::Map(members) => members.is_empty(),
                _ => false,
            };
            if !empty {
                self.report.skip(
                    SkipKind::Property,
                    format!("{} {key}", r.address),
                    "the playground does not model this attribute",
                    r.file,
                    *at,
                );
            }
        }
    }

    /// A name attribute, or (with a note) the Terraform name when the configuration lets AWS
    /// or Terraform choose one (`name_prefix`, or no name at all).
    fn name(&mut self, r: &TfResource, key: &str) -> String {
        match r.get(key).and_then(scalar) {
            Some(n) if !n.is_empty() => n,
            _ => {
                if !r.failed.iter().any(|f| f == key) {
                    self.report.notes.push(format!(
                        "{} has no {key} the playground can read (Terraform would generate one); the scenario names it {}.",
                        r.address, r.name
                    ));
                }
                r.name.clone()
            }
        }
    }

    fn text(&mut self, r: &TfResource, key: &str) -> Option<String> {
        let t = r.get(key)?;
        match scalar(t) {
            Some(v) => Some(v),
            None => {
                self.report.skip(
                    SkipKind::Value,
                    format!("{} {key}", r.address),
                    "it is not a text",
                    r.file,
                    t.at,
                );
                None
            }
        }
    }

    fn path(&mut self, r: &TfResource) -> String {
        self.text(r, "path")
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| "/".to_string())
    }

    /// A list of texts (a set or list attribute); a single text counts as a list of one.
    fn list(&mut self, r: &TfResource, key: &str) -> Vec<String> {
        let Some(t) = r.get(key) else {
            return Vec::new();
        };
        let items: Vec<&Tree> = match t.seq() {
            Some(items) => items.iter().collect(),
            None => vec![t],
        };
        let mut out = Vec::new();
        for item in items {
            match scalar(item) {
                Some(v) => out.push(v),
                None => self.report.skip(
                    SkipKind::Value,
                    format!("{} {key} element", r.address),
                    "it is not a text",
                    r.file,
                    item.at,
                ),
            }
        }
        out
    }

    fn tags(&mut self, r: &TfResource) -> Vec<Tag> {
        let Some(t) = r.get("tags") else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (key, at, value) in t.map().unwrap_or_default() {
            match scalar(value) {
                Some(value) => out.push(Tag {
                    key: key.clone(),
                    value,
                }),
                None => self.report.skip(
                    SkipKind::Value,
                    format!("{} tag {key}", r.address),
                    "its value is not a text",
                    r.file,
                    *at,
                ),
            }
        }
        out
    }

    fn policy_ref(&mut self, r: &TfResource, arn: &str) -> Option<PolicyRef> {
        match policy_ref_of_arn(arn) {
            Some(p) => Some(p),
            None => {
                self.report.skip(
                    SkipKind::Reference,
                    format!("{} policy {arn}", r.address),
                    "it is not an IAM policy ARN of the aws partition",
                    r.file,
                    r.at,
                );
                None
            }
        }
    }

    fn boundary(&mut self, r: &TfResource) -> Option<PolicyRef> {
        let arn = self
            .text(r, "permissions_boundary")
            .filter(|a| !a.is_empty())?;
        self.policy_ref(r, &arn)
    }

    /// A policy document attribute as the scenario holds it (pretty JSON), recorded as found
    /// with `policy_type`; `None`, listed as skipped, when it is missing or not a JSON object.
    fn document(
        &mut self,
        r: &TfResource,
        key: &str,
        required: bool,
        policy_type: PolicyType,
    ) -> Option<String> {
        let value = r.get(key);
        if value.is_none() {
            if r.failed.iter().any(|f| f == key) {
                return None;
            }
            if required {
                self.report.skip(
                    SkipKind::Document,
                    format!("resource {}", r.address),
                    format!("it has no {key} the playground can read"),
                    r.file,
                    r.at,
                );
            }
            return None;
        }
        let place = key_at(&r.values, key).unwrap_or(r.at);
        self.document_value(r, value, key, r.at, (policy_type, place))
    }

    /// A policy document's value (see [`Self::document`]); `found` gives its policy type and
    /// the place it is recorded at (its attribute in `r`'s file).
    fn document_value(
        &mut self,
        r: &TfResource,
        value: Option<&Tree>,
        what: &str,
        at: usize,
        found: (PolicyType, usize),
    ) -> Option<String> {
        let Some(t) = value else {
            self.report.skip(
                SkipKind::Document,
                format!("{} {what}", r.address),
                "it has no policy the playground can read",
                r.file,
                at,
            );
            return None;
        };
        let node = match &t.kind {
            Kind::Str(s) => serde_json::from_str::<Node>(s).ok(),
            Kind::Map(_) => Some(tree_to_node(t)),
            _ => None,
        };
        match node {
            Some(node @ Node::Map(_)) => {
                let document = pretty(&node);
                self.found.push((
                    r.file,
                    FoundPolicy::at_place(
                        format!("{} {what}", r.address),
                        found.0,
                        document.clone(),
                        found.1,
                    ),
                ));
                Some(document)
            }
            _ => {
                self.report.skip(
                    SkipKind::Document,
                    format!("{} {what}", r.address),
                    "it is not a JSON policy document",
                    r.file,
                    t.at,
                );
                None
            }
        }
    }

    /// Resources that attach to others.
    fn attach(&mut self, r: &TfResource, s: &mut Scenario, names: &mut Names) {
        let ty = r.ty.as_str();
        match ty {
            "aws_iam_user_login_profile" => {
                let Some(user) = self.required(r, "user") else {
                    return;
                };
                let reset = r
                    .get("password_reset_required")
                    .is_some_and(|t| match &t.kind {
                        Kind::Bool(b) => *b,
                        Kind::Str(s) => s.eq_ignore_ascii_case("true"),
                        _ => false,
                    });
                match names.user(s, &user) {
                    Some(u) => {
                        u.login_profile = Some(LoginProfile {
                            password_reset_required: reset,
                        });
                    }
                    None => self.missing(r, "user", &user),
                }
            }
            "aws_iam_user_group_membership" => {
                let Some(user) = self.required(r, "user") else {
                    return;
                };
                let groups = self.list(r, "groups");
                match names.user(s, &user) {
                    Some(u) => {
                        for g in groups {
                            if self.fresh("group of", &u.name, g.clone()) {
                                u.groups.push(g);
                            }
                        }
                    }
                    None => self.missing(r, "user", &user),
                }
            }
            "aws_iam_group_membership" => {
                let Some(group) = self.required(r, "group") else {
                    return;
                };
                for user in self.list(r, "users") {
                    match names.user(s, &user) {
                        Some(u) => {
                            if self.fresh("group of", &u.name, group.clone()) {
                                u.groups.push(group.clone());
                            }
                        }
                        None => self.missing(r, "user", &user),
                    }
                }
            }
            "aws_iam_user_policy_attachment"
            | "aws_iam_group_policy_attachment"
            | "aws_iam_role_policy_attachment"
            | "aws_iam_policy_attachment" => {
                let Some(arn) = self.required(r, "policy_arn") else {
                    return;
                };
                let Some(p) = self.policy_ref(r, &arn) else {
                    return;
                };
                let targets: Vec<(u8, String)> = match ty {
                    "aws_iam_user_policy_attachment" => self
                        .required(r, "user")
                        .map(|n| (0, n))
                        .into_iter()
                        .collect(),
                    "aws_iam_group_policy_attachment" => self
                        .required(r, "group")
                        .map(|n| (1, n))
                        .into_iter()
                        .collect(),
                    "aws_iam_role_policy_attachment" => self
                        .required(r, "role")
                        .map(|n| (2, n))
                        .into_iter()
                        .collect(),
                    _ => {
                        let mut t = Vec::new();
                        for (key, kind) in [("users", 0u8), ("groups", 1), ("roles", 2)] {
                            t.extend(self.list(r, key).into_iter().map(|n| (kind, n)));
                        }
                        t
                    }
                };
                for (kind, n) in targets {
                    let label = ["user", "group", "role"]
                        .get(usize::from(kind))
                        .copied()
                        .unwrap_or("role");
                    match names.managed(s, kind, &n) {
                        Some((owner, list)) => {
                            if self.fresh(label, &owner, format!("{p:?}")) {
                                list.push(p.clone());
                            }
                        }
                        None => self.missing(
                            r,
                            ["user", "group", "role"]
                                .get(usize::from(kind))
                                .copied()
                                .unwrap_or("identity"),
                            &n,
                        ),
                    }
                }
            }
            "aws_iam_user_policy" | "aws_iam_group_policy" | "aws_iam_role_policy" => {
                let (key, kind) = match ty {
                    "aws_iam_user_policy" => ("user", 0u8),
                    "aws_iam_group_policy" => ("group", 1),
                    _ => ("role", 2),
                };
                let Some(target) = self.required(r, key) else {
                    return;
                };
                let name = self.name(r, "name");
                let Some(document) = self.document(r, "policy", true, PolicyType::Identity) else {
                    return;
                };
                match names.inline(s, kind, &target) {
                    Some(list) => list.push(InlinePolicy { name, document }),
                    None => self.missing(r, key, &target),
                }
            }
            "aws_s3_bucket_policy" | "aws_sqs_queue_policy" | "aws_sns_topic_policy" => {
                let (kind, key) = match ty {
                    "aws_s3_bucket_policy" => (ResourceKind::S3Bucket, "bucket"),
                    "aws_sqs_queue_policy" => (ResourceKind::SqsQueue, "queue_url"),
                    _ => (ResourceKind::SnsTopic, "arn"),
                };
                let Some(target) = self.required(r, key) else {
                    return;
                };
                // A queue is named by its URL, a topic by its ARN: the name is the last part.
                let name = target
                    .rsplit(['/', ':'])
                    .next()
                    .unwrap_or(&target)
                    .to_string();
                let Some(document) = self.document(r, "policy", true, PolicyType::Resource) else {
                    return;
                };
                match names
                    .resources
                    .get(&(kind, name.clone()))
                    .and_then(|&i| s.resources.get_mut(i))
                {
                    // A state also holds the bucket's own (deprecated) `policy` attribute,
                    // which mirrors its bucket policy.
                    Some(res)
                        if res.policy.is_some()
                            && res.policy.as_deref() != Some(document.as_str()) =>
                    {
                        self.report.skip(
                            SkipKind::Reference,
                            format!("resource {}", r.address),
                            format!("{name} already has a policy in the configuration"),
                            r.file,
                            r.at,
                        )
                    }
                    Some(res) => res.policy = Some(document),
                    None => {
                        let mut res = Resource::new(kind, name.clone());
                        res.policy = Some(document);
                        names
                            .resources
                            .insert((kind, name.clone()), s.resources.len());
                        s.resources.push(res);
                        self.report.notes.push(format!(
                            "{} is the policy of {name}, which the configuration does not create; the scenario adds it.",
                            r.address
                        ));
                    }
                }
            }
            _ => {}
        }
    }

    /// A required text attribute of an attachment; `None`, listed as skipped (unless its value
    /// was already reported as unknown), when it is missing.
    fn required(&mut self, r: &TfResource, key: &str) -> Option<String> {
        match r.get(key).and_then(scalar) {
            Some(v) if !v.is_empty() => Some(v),
            _ => {
                if !r.failed.iter().any(|f| f == key) {
                    self.report.skip(
                        SkipKind::Reference,
                        format!("resource {}", r.address),
                        format!("it has no {key} the playground can read"),
                        r.file,
                        r.at,
                    );
                }
                None
            }
        }
    }

    fn missing(&mut self, r: &TfResource, kind: &str, name: &str) {
        self.report.skip(
            SkipKind::Reference,
            format!("resource {} for {name}", r.address),
            format!("that {kind} is not in the configuration"),
            r.file,
            r.at,
        );
    }
}

/// A tree as JSON data.
fn tree_to_node(t: &Tree) -> Node {
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

impl Names {
    fn user<'s>(&self, s: &'s mut Scenario, name: &str) -> Option<&'s mut User> {
        let i = *self.users.get(&name.to_ascii_lowercase())?;
        s.users.get_mut(i)
    }

    fn managed<'s>(
        &self,
        s: &'s mut Scenario,
        kind: u8,
        name: &str,
    ) -> Option<(String, &'s mut Vec<PolicyRef>)> {
        let key = name.to_ascii_lowercase();
        match kind {
            0 => s
                .users
                .get_mut(*self.users.get(&key)?)
                .map(|u| (u.name.clone(), &mut u.managed_policies)),
            1 => s
                .groups
                .get_mut(*self.groups.get(&key)?)
                .map(|g| (g.name.clone(), &mut g.managed_policies)),
            _ => s
                .roles
                .get_mut(*self.roles.get(&key)?)
                .map(|r| (r.name.clone(), &mut r.managed_policies)),
        }
    }

    fn inline<'s>(
        &self,
        s: &'s mut Scenario,
        kind: u8,
        name: &str,
    ) -> Option<&'s mut Vec<InlinePolicy>> {
        let key = name.to_ascii_lowercase();
        match kind {
            0 => s
                .users
                .get_mut(*self.users.get(&key)?)
                .map(|u| &mut u.inline_policies),
            1 => s
                .groups
                .get_mut(*self.groups.get(&key)?)
                .map(|g| &mut g.inline_policies),
            _ => s
                .roles
                .get_mut(*self.roles.get(&key)?)
                .map(|r| &mut r.inline_policies),
        }
    }
}
