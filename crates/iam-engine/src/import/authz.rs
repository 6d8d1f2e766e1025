//! `aws iam get-account-authorization-details` → scenario (see the [module docs](super)).
//!
//! The shape, as AWS documents `GetAccountAuthorizationDetails`: `UserDetailList` (each with
//! `UserName`, `Path`, `Arn`, `GroupList`, `UserPolicyList`, `AttachedManagedPolicies`,
//! `PermissionsBoundary`, `Tags`), `GroupDetailList` (`GroupName`, `Path`, `GroupPolicyList`,
//! `AttachedManagedPolicies`), `RoleDetailList` (`RoleName`, `Path`,
//! `AssumeRolePolicyDocument`, `RolePolicyList`, `AttachedManagedPolicies`,
//! `PermissionsBoundary`, `Tags`, `InstanceProfileList`, `RoleLastUsed`) and `Policies`
//! (`PolicyName`, `Path`, `Arn`, `PolicyVersionList` of `{Document, VersionId,
//! IsDefaultVersion}`). The CLI prints documents as JSON objects; the raw API returns them as
//! URL-encoded JSON strings; both are read.

use percent_encoding::percent_decode_str;

use super::found::FoundPolicy;
use super::tree::{Kind, Tree};
use super::{
    DEFAULT_ACCOUNT_ID, ImportOptions, Imported, SkipKind, Skipped, Source, pretty, tree_to_node,
};
use crate::export::node::Node;
use crate::policy::PolicyType;
use crate::scenario::{
    AWS_MANAGED_PREFIX, Group, InlinePolicy, ManagedPolicy, PolicyRef, Role, Scenario, Tag, User,
};
use crate::span::LineIndex;

struct Reader<'a> {
    index: LineIndex<'a>,
    skipped: Vec<Skipped>,
    /// The documents read, with their places, when asked for ([`super::policies_in`]).
    found: Option<Vec<FoundPolicy>>,
}

impl Reader<'_> {
    fn skip(&mut self, kind: SkipKind, what: String, why: &str, at: usize) {
        let line = Some(self.index.line_col(at).line);
        self.skipped.push(Skipped {
            kind,
            what,
            why: why.to_string(),
            line,
            column: None,
            file: None,
        });
    }

    /// A policy document: a JSON object, or a (URL-encoded) JSON string.
    fn document(&mut self, t: Option<&Tree>, what: &str, at: usize) -> Option<String> {
        let Some(t) = t else {
            self.skip(
                SkipKind::Document,
                what.to_string(),
                "it has no document",
                at,
            );
            return None;
        };
        let node = match &t.kind {
            Kind::Str(s) => {
                let decoded = if s.trim_start().starts_with('{') {
                    s.clone()
                } else {
                    percent_decode_str(s).decode_utf8_lossy().into_owned()
                };
                match serde_json::from_str::<Node>(&decoded) {
                    Ok(n) => n,
                    Err(e) => {
                        self.skip(
                            SkipKind::Document,
                            what.to_string(),
                            &format!("its document is not JSON: {e}"),
                            t.at,
                        );
                        return None;
                    }
                }
            }
            _ => tree_to_node(t),
        };
        if matches!(node, Node::Map(_)) {
            let text = pretty(&node);
            if let Some(found) = &mut self.found {
                let ty = if what.ends_with("trust policy") {
                    PolicyType::Trust
                } else {
                    PolicyType::Identity
                };
                found.push(FoundPolicy::new(what.to_string(), ty, t, text.clone()));
            }
            Some(text)
        } else {
            self.skip(
                SkipKind::Document,
                what.to_string(),
                "its document is not a JSON object",
                t.at,
            );
            None
        }
    }

    fn inline(&mut self, t: Option<&Tree>, owner: &str) -> Vec<InlinePolicy> {
        let mut out = Vec::new();
        for p in t.and_then(Tree::seq).unwrap_or_default() {
            let Some(name) = text(p, "PolicyName") else {
                self.skip(
                    SkipKind::MissingName,
                    format!("{owner} inline policy"),
                    "it has no PolicyName",
                    p.at,
                );
                continue;
            };
            let what = format!("{owner} inline policy {name}");
            if let Some(document) = self.document(p.get("PolicyDocument"), &what, p.at) {
                out.push(InlinePolicy { name, document });
            }
        }
        out
    }

    fn attached(&mut self, t: Option<&Tree>, owner: &str) -> Vec<PolicyRef> {
        let mut out = Vec::new();
        for p in t.and_then(Tree::seq).unwrap_or_default() {
            match text(p, "PolicyArn").as_deref().and_then(policy_ref) {
                Some(r) => out.push(r),
                None => self.skip(
                    SkipKind::Reference,
                    format!("{owner} attached policy"),
                    "its PolicyArn is not an IAM policy ARN of the aws partition",
                    p.at,
                ),
            }
        }
        out
    }

    fn boundary(&mut self, t: &Tree, owner: &str) -> Option<PolicyRef> {
        let b = t.get("PermissionsBoundary")?;
        let r = text(b, "PermissionsBoundaryArn")
            .as_deref()
            .and_then(policy_ref);
        if r.is_none() {
            self.skip(
                SkipKind::Reference,
                format!("{owner} permissions boundary"),
                "its PermissionsBoundaryArn is not an IAM policy ARN",
                b.at,
            );
        }
        r
    }
}

fn text(t: &Tree, key: &str) -> Option<String> {
    t.get(key).and_then(Tree::as_str).map(str::to_string)
}

fn tags(t: &Tree) -> Vec<Tag> {
    t.get("Tags")
        .and_then(Tree::seq)
        .unwrap_or_default()
        .iter()
        .filter_map(|tag| {
            Some(Tag {
                key: text(tag, "Key")?,
                value: text(tag, "Value").unwrap_or_default(),
            })
        })
        .collect()
}

fn path(t: &Tree) -> String {
    text(t, "Path").unwrap_or_else(|| "/".to_string())
}

/// An AWS-managed policy ARN, or a customer policy's name from its ARN.
fn policy_ref(arn: &str) -> Option<PolicyRef> {
    if arn.starts_with(AWS_MANAGED_PREFIX) {
        return Some(PolicyRef::Aws(arn.to_string()));
    }
    let rest = arn.strip_prefix("arn:aws:iam::")?;
    let (_, path_name) = rest.split_once(":policy/")?;
    let name = path_name.rsplit('/').next()?;
    (!name.is_empty()).then(|| PolicyRef::Customer(name.to_string()))
}

/// The account of the first ARN in the lists.
fn account_of(tree: &Tree) -> Option<String> {
    let lists = [
        "UserDetailList",
        "GroupDetailList",
        "RoleDetailList",
        "Policies",
    ];
    lists
        .iter()
        .filter_map(|l| tree.get(l).and_then(Tree::seq))
        .flatten()
        .filter_map(|e| text(e, "Arn"))
        .filter_map(|arn| arn.split(':').nth(4).map(str::to_string))
        .find(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()))
}

pub(super) fn import(
    tree: &Tree,
    text_in: &str,
    options: &ImportOptions,
    record: bool,
) -> (Imported, Vec<FoundPolicy>) {
    let mut r = Reader {
        index: LineIndex::new(text_in),
        skipped: Vec::new(),
        found: record.then(Vec::new),
    };
    let mut notes = Vec::new();
    let account = match account_of(tree) {
        Some(a) => a,
        None => {
            let a = options
                .account_id
                .clone()
                .unwrap_or_else(|| DEFAULT_ACCOUNT_ID.to_string());
            notes.push(format!(
                "No ARN names the account; the scenario uses the account {a}."
            ));
            a
        }
    };
    let mut s = Scenario::new(account);
    s.title = "Account authorization details".to_string();
    notes.push(
        "Authorization details hold no console passwords, MFA devices, access keys or resource policies: the scenario has none.".to_string(),
    );
    if matches!(
        tree.get("IsTruncated").map(|t| &t.kind),
        Some(Kind::Bool(true))
    ) {
        notes.push(
            "The output is truncated (IsTruncated is true): run the command without paging (the AWS CLI pages for you unless --max-items is given) to import everything.".to_string(),
        );
    }

    let mut aws_managed = 0usize;
    for p in tree.get("Policies").and_then(Tree::seq).unwrap_or_default() {
        let Some(name) = text(p, "PolicyName") else {
            r.skip(
                SkipKind::MissingName,
                "policy".to_string(),
                "it has no PolicyName",
                p.at,
            );
            continue;
        };
        if text(p, "Arn").is_some_and(|a| a.starts_with(AWS_MANAGED_PREFIX)) {
            aws_managed += 1;
            continue;
        }
        let versions = p
            .get("PolicyVersionList")
            .and_then(Tree::seq)
            .unwrap_or_default();
        let default = versions.iter().find(|v| {
            matches!(
                v.get("IsDefaultVersion").map(|d| &d.kind),
                Some(Kind::Bool(true))
            )
        });
        let what = format!("policy {name}");
        let Some(version) = default else {
            r.skip(
                SkipKind::Document,
                what,
                "it has no version with IsDefaultVersion true",
                p.at,
            );
            continue;
        };
        let Some(document) = r.document(version.get("Document"), &what, version.at) else {
            continue;
        };
        let mut policy = ManagedPolicy::new(name, document);
        policy.path = path(p);
        policy.description = text(p, "Description").unwrap_or_default();
        s.policies.push(policy);
        let older = versions.len().saturating_sub(1);
        if older > 0 {
            r.skip(
                SkipKind::OlderVersions,
                format!("policy {} older versions", policy_name(&s)),
                &format!("{older} non-default version(s): only the default version is in effect"),
                p.at,
            );
        }
    }
    if aws_managed > 0 {
        notes.push(format!(
            "AWS-managed policies listed: {aws_managed}. They are attached by ARN; their documents come from the playground's copy."
        ));
    }

    for g in tree
        .get("GroupDetailList")
        .and_then(Tree::seq)
        .unwrap_or_default()
    {
        let Some(name) = text(g, "GroupName") else {
            r.skip(
                SkipKind::MissingName,
                "group".to_string(),
                "it has no GroupName",
                g.at,
            );
            continue;
        };
        let owner = format!("group {name}");
        let mut group = Group::new(name);
        group.path = path(g);
        group.inline_policies = r.inline(g.get("GroupPolicyList"), &owner);
        group.managed_policies = r.attached(g.get("AttachedManagedPolicies"), &owner);
        s.groups.push(group);
    }

    for u in tree
        .get("UserDetailList")
        .and_then(Tree::seq)
        .unwrap_or_default()
    {
        let Some(name) = text(u, "UserName") else {
            r.skip(
                SkipKind::MissingName,
                "user".to_string(),
                "it has no UserName",
                u.at,
            );
            continue;
        };
        let owner = format!("user {name}");
        let mut user = User::new(name);
        user.path = path(u);
        user.groups = u
            .get("GroupList")
            .and_then(Tree::seq)
            .unwrap_or_default()
            .iter()
            .filter_map(|g| g.as_str().map(str::to_string))
            .collect();
        user.inline_policies = r.inline(u.get("UserPolicyList"), &owner);
        user.managed_policies = r.attached(u.get("AttachedManagedPolicies"), &owner);
        user.permissions_boundary = r.boundary(u, &owner);
        user.tags = tags(u);
        s.users.push(user);
    }

    for ro in tree
        .get("RoleDetailList")
        .and_then(Tree::seq)
        .unwrap_or_default()
    {
        let Some(name) = text(ro, "RoleName") else {
            r.skip(
                SkipKind::MissingName,
                "role".to_string(),
                "it has no RoleName",
                ro.at,
            );
            continue;
        };
        let owner = format!("role {name}");
        let Some(trust) = r.document(
            ro.get("AssumeRolePolicyDocument"),
            &format!("{owner} trust policy"),
            ro.at,
        ) else {
            continue;
        };
        let mut role = Role::new(name, trust);
        role.path = path(ro);
        role.description = text(ro, "Description").unwrap_or_default();
        if let Some(Kind::Number(n)) = ro.get("MaxSessionDuration").map(|m| &m.kind)
            && let Some(v) = n.as_u64().and_then(|v| u32::try_from(v).ok())
        {
            role.max_session_duration = v;
        }
        role.inline_policies = r.inline(ro.get("RolePolicyList"), &owner);
        role.managed_policies = r.attached(ro.get("AttachedManagedPolicies"), &owner);
        role.permissions_boundary = r.boundary(ro, &owner);
        role.tags = tags(ro);
        if let Some(profiles) = ro.get("InstanceProfileList").and_then(Tree::seq)
            && !profiles.is_empty()
        {
            r.skip(
                SkipKind::InstanceProfiles,
                format!("{owner} instance profiles"),
                "instance profiles are not modeled: the role's permissions are imported",
                ro.at,
            );
        }
        s.roles.push(role);
    }

    r.skipped.sort_by_key(|s| s.line.unwrap_or(0));
    let mut found = r.found.unwrap_or_default();
    found.sort_by_key(|f| f.at);
    (
        Imported {
            source: Source::AuthorizationDetails,
            scenario: s,
            skipped: r.skipped,
            notes,
        },
        found,
    )
}

fn policy_name(s: &Scenario) -> String {
    s.policies
        .last()
        .map(|p| p.name.clone())
        .unwrap_or_default()
}
