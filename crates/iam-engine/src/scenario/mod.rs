//! The scenario: one AWS account with its identities, policies, resources and saved tests, and
//! the versioned JSON format that share links, local saving, the CLI and the exports use.
//!
//! # The scenario file format (version 1)
//!
//! A scenario is a JSON object. Keys are camelCase and exact: an unknown key is an error (so a
//! typo such as `"pasword"` is reported instead of silently ignored). Keys marked *optional*
//! may be left out and then take the default shown; the writer ([`Scenario::to_json_pretty`])
//! leaves out every key whose value is its default, which keeps share links short. Policy
//! documents are JSON **strings** holding the user's text exactly as typed: the playground
//! never re-serialises them, so their formatting, key order and even their mistakes survive a
//! save and a load (the policy editor reports the mistakes).
//!
//! ```json
//! {
//!   "formatVersion": 1,
//!   "title": "Root user versus an administrator",
//!   "account": { "id": "111122223333", "alias": "example-corp" },
//!   "rootUser": { "password": true, "mfa": true, "accessKeys": false },
//!   "users": [{ "name": "alice", "groups": ["Admins"],
//!               "loginProfile": { "passwordResetRequired": true }, "mfa": true }],
//!   "groups": [{ "name": "Admins",
//!                "managedPolicies": ["arn:aws:iam::aws:policy/AdministratorAccess"] }],
//!   "tests": [{ "label": "alice may create users", "principal": "user/alice",
//!               "action": "iam:CreateUser", "expected": "allowed" }]
//! }
//! ```
//!
//! A file is read as UTF-8 text of at most 64 MiB ([`MAX_SCENARIO_BYTES`]); JSON nested deeper
//! than 128 levels is refused. Loading checks the shape (keys, types, the version); names,
//! references, quotas and policy grammar are reported by [`Scenario::validate`] as findings,
//! so a file with a mistake still opens and shows where the mistake is.
//!
//! ## Top level
//! | key | type | default | meaning |
//! |---|---|---|---|
//! | `formatVersion` | integer | required | The format version, `1`. Older versions are migrated when loaded; a newer one is refused with "made with a newer version". |
//! | `title` | string | `""` | A short name shown in the scenario list and the gallery. |
//! | `description` | string | `""` | What the scenario shows, in a sentence or two. |
//! | `account` | [Account](#account) | required | The AWS account everything lives in. |
//! | `organization` | [Organization](#organization) | absent | The account's place in AWS Organizations; absent for a standalone account. |
//! | `rootUser` | [Root user](#root-user) | password set, no MFA, no access keys | The account root user's credentials. |
//! | `users`, `groups`, `roles` | arrays | `[]` | IAM identities ([User](#user), [Group](#group), [Role](#role)). |
//! | `policies` | array of [Policy](#policy) | `[]` | Customer-managed policies. |
//! | `resources` | array of [Resource](#resource) | `[]` | Resources with resource-based policies. |
//! | `externalPrincipals` | array of [External principal](#external-principal) | `[]` | Callers from other accounts, with the identity policies their own account gives them. |
//! | `tests` | array of [Test](#test) | `[]` | Saved requests with the decision AWS is expected to give. |
//!
//! ## Account
//! `id` (required): the 12-digit account id. `alias` (optional): the sign-in alias, 3–63
//! characters of lowercase letters, digits and single hyphens, starting and ending with a
//! letter or digit (IAM `CreateAccountAlias`). `region` (optional, default `us-east-1`): the
//! Region used to build the ARNs of regional resources. The partition is always `aws`.
//!
//! ## Organization
//! `managementAccount` (optional, default `false`): whether this account is the organization's
//! management account, which service and resource control policies never affect. `levels`
//! (required): the path from the organization root to the account, in order — the first level
//! is the root, the last is the account itself, those between are OUs (at most 5, as AWS
//! nests OUs at most five deep). Each level has a `name`, `scps` and `rcps` (optional, default
//! `[]`), each an array of `{ "name", "document" }`. Every level needs at least one SCP (AWS
//! keeps `FullAWSAccess` attached unless you replace it, and a level without an allowing SCP
//! denies everything); at most 5 SCPs and 5 RCPs per level, each document at most 5,120
//! characters including whitespace. AWS attaches `RCPFullAWSAccess` to every level as soon as
//! RCPs are in use and it cannot be detached, so list only your own RCPs: the simulation adds
//! `RCPFullAWSAccess` itself.
//!
//! ## Root user
//! `password` (default `true`): whether the root user has a console password. `mfa` (default
//! `false`): whether an MFA device is assigned. `accessKeys` (default `false`): whether root
//! access keys exist.
//!
//! ## References and renaming
//! Entities refer to each other **by name**: a user lists its groups by name, an attachment
//! names a customer-managed policy by name (or an AWS-managed one by ARN), a test names its
//! principal as `user/NAME` or `role/NAME`. IAM names are unique per kind, compared without
//! regard to case, so a name is a stable id within a scenario. Renaming goes through
//! [`Scenario::rename_user`] and its siblings, which rewrite every reference in the same edit
//! (group memberships, attachments, boundaries, tests' principals and resource ARNs), so a
//! rename never leaves a dangling reference. Names are never rewritten inside policy text:
//! that is the user's text.
//!
//! A **policy reference** is a string: an ARN beginning with `arn:aws:iam::aws:policy/` names an
//! AWS-managed policy (for example `arn:aws:iam::aws:policy/job-function/ViewOnlyAccess`);
//! anything else is the name of a customer-managed policy of this scenario.
//!
//! ## User
//! | key | default | meaning and limits |
//! |---|---|---|
//! | `name` | required | 1–64 characters of letters, digits and `+=,.@_-`. |
//! | `path` | `/` | `/` or `/…/` of printable ASCII (`!` to `~`), at most 512 characters. |
//! | `loginProfile` | absent | A console password; `{ "passwordResetRequired": true }` forces a new password at the first sign-in. |
//! | `mfa` | `false` | Whether an MFA device is assigned. |
//! | `accessKeys` | `[]` | At most 2, each `{ "ageDays": N, "active": true }` (`active` defaults to `true`). The engine has no clock, so a key's age is data. |
//! | `tags` | `[]` | At most 50 `{ "key", "value" }`; keys 1–128 characters, values 0–256, letters, digits, spaces and `_.:/=+-@`; keys unique without regard to case and never starting with `aws:`. |
//! | `groups` | `[]` | Group names; at most 10 groups. |
//! | `inlinePolicies` | `[]` | `{ "name", "document" }`; names 1–128 characters like user names; all documents together at most 2,048 characters not counting whitespace. |
//! | `managedPolicies` | `[]` | Policy references; at most 10 (AWS's default quota, which can be raised to 20). |
//! | `permissionsBoundary` | absent | A policy reference. |
//!
//! ## Group
//! `name` (1–128 characters), `path`, `inlinePolicies` (together at most 5,120 characters not
//! counting whitespace), `managedPolicies` (at most 10). Membership is stored on the users.
//!
//! ## Role
//! `name` (1–64 characters), `path`, `description` (at most 1,000 characters), `trustPolicy`
//! (required; at most 2,048 characters not counting whitespace), `inlinePolicies` (together at
//! most 10,240 characters not counting whitespace), `managedPolicies` (at most 10, raisable to
//! 20), `permissionsBoundary`, `maxSessionDuration` (seconds, 3,600–43,200, default 3,600),
//! `tags` (as for users).
//!
//! ## Policy
//! A customer-managed policy: `name` (1–128 characters), `path` (as above, without `*`),
//! `description` (at most 1,000 characters), `document` (at most 6,144 characters not counting
//! whitespace).
//!
//! ## Resource
//! `kind`: `s3Bucket`, `sqsQueue`, `snsTopic`, `kmsKey` or `vpcEndpoint`. `name`: the bucket name (3–63
//! lowercase letters, digits, dots and hyphens), queue name (1–80 letters, digits, `-`, `_`,
//! optionally ending in `.fifo`), topic name (1–256 of the same) or key id (1–256 letters,
//! digits and hyphens, usually a UUID). `region` (optional): the resource's Region, default
//! the account's. `tags` (optional) as for users. `policy` (optional): the resource-based
//! policy (for a KMS key, the key policy). The ARN is derived: `arn:aws:s3:::NAME`,
//! `arn:aws:sqs:REGION:ACCOUNT:NAME`, `arn:aws:sns:REGION:ACCOUNT:NAME`,
//! `arn:aws:kms:REGION:ACCOUNT:key/NAME`.
//!
//! `kind` `vpcEndpoint` is a VPC endpoint: `name` is its id (`vpce-` and 8 or 17 lowercase
//! hexadecimal digits), `serviceName` (optional, only for endpoints) the service it reaches
//! as AWS names it (`com.amazonaws.us-east-1.s3`), and `policy` its endpoint policy (absent:
//! AWS's default endpoint policy, full access). A request goes through the endpoint when its
//! context's `aws:SourceVpce` is the endpoint's id; the endpoint policy must then allow it too
//! (it never grants on its own). Its ARN is `arn:aws:ec2:REGION:ACCOUNT:vpc-endpoint/NAME`;
//! its policy is never the resource policy of a request on that ARN.
//!
//! ## External principal
//! A cross-account request needs permission on both sides: the resource's account (this
//! scenario) and the caller's own account. An external principal gives the caller's side:
//! `arn` (required), a user, role or role-session ARN of another account, and `policies`
//! (default `[]`), its identity-based policies as `{ "name", "document" }`. A test whose
//! principal is that ARN (or, for a role, a session of it) is evaluated with those policies;
//! a caller from another account that is not listed has no identity policies, so AWS would
//! refuse it anything that needs them.
//!
//! ## Test
//! `label` (required): what the test checks. `principal` (required): `root`, `user/NAME`,
//! `role/NAME` (a session of the role), or any other caller as AWS's simulator reads it (a user
//! or role ARN of another account, `arn:aws:iam::ACCOUNT:root`, a service principal such as
//! `cloudtrail.amazonaws.com`, or `anonymous`). `action` (required): `service:Action`.
//! `resource` (default `*`): the resource ARN. `context` (default `[]`): entries
//! `{ "key", "type", "values" }` with AWS's `ContextKeyType` names (`string`, `stringList`,
//! `numeric`, `boolean`, `ip`, `date`, …). `expected` (required): `allowed`, `explicitDeny` or
//! `implicitDeny`.
//!
//! ## Versions
//! | version | change |
//! |---|---|
//! | 0 | The pre-release draft: customer-managed policies under `customerManagedPolicies`, a test's decision under `expect`. Loaded by migration. |
//! | 1 | The first published format. Later additions are optional and leave older files valid: external principals, VPC endpoints (`kind` `vpcEndpoint`, `serviceName`). |

mod describe;
mod edit;
mod findings;
mod fixes;
mod gallery;
mod names;
pub mod search;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

use crate::context::ContextKeyType;

pub use describe::PolicyPlace;
pub use edit::{EditError, IdentityRef};
pub use findings::{DocumentRef, Finding, PolicyText, QuotaMeter, Target, ValidationCache};
pub use fixes::Fix;
pub use gallery::{GalleryEntry, gallery, gallery_entry, gallery_json};
pub use names::{
    ADMIN_PRINCIPALS_THRESHOLD, MAX_SCENARIO_BYTES, STALE_ACCESS_KEY_DAYS, policy_size,
};

/// The format version this engine writes, and the newest it reads.
pub const FORMAT_VERSION: u32 = 1;

/// The prefix of every AWS-managed policy ARN.
pub const AWS_MANAGED_PREFIX: &str = "arn:aws:iam::aws:policy/";

/// One AWS account and everything in it (see the [module docs](self) for the file format).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Scenario {
    /// The format version; [`FORMAT_VERSION`] once loaded.
    pub format_version: u32,
    /// A short name for lists and the gallery.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    /// What the scenario shows.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The account.
    pub account: Account,
    /// The account's place in an organization, if it is in one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<Organization>,
    /// The account root user's credentials.
    #[serde(default)]
    pub root_user: RootUser,
    /// IAM users.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<User>,
    /// IAM groups.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<Group>,
    /// IAM roles.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<Role>,
    /// Customer-managed policies.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<ManagedPolicy>,
    /// Resources with resource-based policies.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<Resource>,
    /// Callers from other accounts, with their own account's identity policies.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub external_principals: Vec<ExternalPrincipal>,
    /// Saved test cases.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tests: Vec<TestCase>,
}

/// A principal of another account, with the identity-based policies its account gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExternalPrincipal {
    /// The user, role or role-session ARN.
    pub arn: String,
    /// Its identity-based policies in its own account.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<InlinePolicy>,
}

/// The AWS account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Account {
    /// The 12-digit account id.
    pub id: String,
    /// The sign-in alias, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    /// The Region used for regional resources' ARNs.
    #[serde(default = "default_region", skip_serializing_if = "is_default_region")]
    pub region: String,
}

/// The Region a scenario uses when none is given.
pub const DEFAULT_REGION: &str = "us-east-1";

fn default_region() -> String {
    DEFAULT_REGION.to_string()
}

fn is_default_region(region: &String) -> bool {
    region == DEFAULT_REGION
}

fn default_path() -> String {
    "/".to_string()
}

fn is_root_path(path: &String) -> bool {
    path == "/"
}

fn is_false(value: &bool) -> bool {
    !*value
}

fn is_true(value: &bool) -> bool {
    *value
}

fn default_true() -> bool {
    true
}

fn default_session() -> u32 {
    3600
}

fn is_default_session(value: &u32) -> bool {
    *value == 3600
}

fn default_resource() -> String {
    "*".to_string()
}

fn is_star(value: &String) -> bool {
    value == "*"
}

/// The account's place in AWS Organizations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Organization {
    /// Whether this account is the management account (SCPs and RCPs never affect it).
    #[serde(default, skip_serializing_if = "is_false")]
    pub management_account: bool,
    /// The levels from the organization root, through the OUs, to the account itself.
    pub levels: Vec<OrgLevel>,
}

/// One level of the organization (the root, an OU, or the account).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OrgLevel {
    /// The level's name (`Root`, an OU name, or the account's name).
    pub name: String,
    /// The service control policies attached at this level.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scps: Vec<OrgPolicy>,
    /// The resource control policies attached at this level (besides `RCPFullAWSAccess`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rcps: Vec<OrgPolicy>,
}

/// A service or resource control policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OrgPolicy {
    /// The policy's name.
    pub name: String,
    /// The policy text, as typed.
    pub document: String,
}

/// The account root user's credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RootUser {
    /// Whether the root user has a console password.
    #[serde(default = "default_true")]
    pub password: bool,
    /// Whether an MFA device is assigned to the root user.
    #[serde(default)]
    pub mfa: bool,
    /// Whether root access keys exist.
    #[serde(default)]
    pub access_keys: bool,
}

impl Default for RootUser {
    fn default() -> Self {
        RootUser {
            password: true,
            mfa: false,
            access_keys: false,
        }
    }
}

/// An IAM user.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct User {
    /// The user name.
    pub name: String,
    /// The IAM path.
    #[serde(default = "default_path", skip_serializing_if = "is_root_path")]
    pub path: String,
    /// The console password, if the user has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login_profile: Option<LoginProfile>,
    /// Whether an MFA device is assigned.
    #[serde(default, skip_serializing_if = "is_false")]
    pub mfa: bool,
    /// The user's access keys.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub access_keys: Vec<AccessKey>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
    /// The names of the groups the user belongs to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    /// Inline policies.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inline_policies: Vec<InlinePolicy>,
    /// Attached managed policies.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub managed_policies: Vec<PolicyRef>,
    /// The permissions boundary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<PolicyRef>,
}

impl User {
    /// A user with this name, path `/`, no credentials and no permissions.
    pub fn new(name: impl Into<String>) -> User {
        User {
            name: name.into(),
            path: default_path(),
            ..User::default()
        }
    }
}

/// A console password.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LoginProfile {
    /// Whether the user must choose a new password at the next sign-in.
    #[serde(default)]
    pub password_reset_required: bool,
}

/// An access key; its age is data because the engine has no clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AccessKey {
    /// How many days ago the key was created.
    pub age_days: u32,
    /// Whether the key is active.
    #[serde(default = "default_true", skip_serializing_if = "is_true")]
    pub active: bool,
}

/// A tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Tag {
    /// The key.
    pub key: String,
    /// The value.
    #[serde(default)]
    pub value: String,
}

/// An inline policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InlinePolicy {
    /// The policy name, unique within its user, group or role.
    pub name: String,
    /// The policy text, as typed.
    pub document: String,
}

/// An IAM group.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Group {
    /// The group name.
    pub name: String,
    /// The IAM path.
    #[serde(default = "default_path", skip_serializing_if = "is_root_path")]
    pub path: String,
    /// Inline policies.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inline_policies: Vec<InlinePolicy>,
    /// Attached managed policies.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub managed_policies: Vec<PolicyRef>,
}

impl Group {
    /// A group with this name, path `/` and no policies.
    pub fn new(name: impl Into<String>) -> Group {
        Group {
            name: name.into(),
            path: default_path(),
            ..Group::default()
        }
    }
}

/// An IAM role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Role {
    /// The role name.
    pub name: String,
    /// The IAM path.
    #[serde(default = "default_path", skip_serializing_if = "is_root_path")]
    pub path: String,
    /// The description.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The trust policy (who may assume the role), as typed.
    pub trust_policy: String,
    /// Inline policies.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inline_policies: Vec<InlinePolicy>,
    /// Attached managed policies.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub managed_policies: Vec<PolicyRef>,
    /// The permissions boundary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<PolicyRef>,
    /// The maximum session duration in seconds.
    #[serde(
        default = "default_session",
        skip_serializing_if = "is_default_session"
    )]
    pub max_session_duration: u32,
    /// Tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}

impl Role {
    /// A role with this name and trust policy, path `/`, no permissions and a one-hour session.
    pub fn new(name: impl Into<String>, trust_policy: impl Into<String>) -> Role {
        Role {
            name: name.into(),
            path: default_path(),
            description: String::new(),
            trust_policy: trust_policy.into(),
            inline_policies: Vec::new(),
            managed_policies: Vec::new(),
            permissions_boundary: None,
            max_session_duration: default_session(),
            tags: Vec::new(),
        }
    }
}

/// A customer-managed policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ManagedPolicy {
    /// The policy name.
    pub name: String,
    /// The IAM path.
    #[serde(default = "default_path", skip_serializing_if = "is_root_path")]
    pub path: String,
    /// The description.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The policy text, as typed.
    pub document: String,
}

impl ManagedPolicy {
    /// A policy with this name and document, path `/`.
    pub fn new(name: impl Into<String>, document: impl Into<String>) -> ManagedPolicy {
        ManagedPolicy {
            name: name.into(),
            path: default_path(),
            description: String::new(),
            document: document.into(),
        }
    }
}

/// A reference to a managed policy: AWS-managed by ARN, customer-managed by name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum PolicyRef {
    /// An AWS-managed policy, by ARN (`arn:aws:iam::aws:policy/...`).
    Aws(String),
    /// A customer-managed policy of the scenario, by name.
    Customer(String),
}

impl PolicyRef {
    /// The AWS-managed policy with this name or ARN (`AdministratorAccess`,
    /// `job-function/ViewOnlyAccess` or the full ARN).
    pub fn aws(name_or_arn: &str) -> PolicyRef {
        if name_or_arn.starts_with(AWS_MANAGED_PREFIX) {
            PolicyRef::Aws(name_or_arn.to_string())
        } else {
            PolicyRef::Aws(format!("{AWS_MANAGED_PREFIX}{name_or_arn}"))
        }
    }

    /// The customer-managed policy with this name.
    pub fn customer(name: &str) -> PolicyRef {
        PolicyRef::Customer(name.to_string())
    }

    /// The policy's name (for an AWS-managed policy, the last segment of its ARN).
    pub fn name(&self) -> &str {
        match self {
            PolicyRef::Aws(arn) => arn.rsplit('/').next().unwrap_or(arn),
            PolicyRef::Customer(name) => name,
        }
    }

    /// The text stored in the file.
    pub fn as_str(&self) -> &str {
        match self {
            PolicyRef::Aws(s) | PolicyRef::Customer(s) => s,
        }
    }

    /// Whether two references name the same policy (customer names compare without regard to
    /// case, as IAM names do).
    pub fn same(&self, other: &PolicyRef) -> bool {
        match (self, other) {
            (PolicyRef::Aws(a), PolicyRef::Aws(b)) => a == b,
            (PolicyRef::Customer(a), PolicyRef::Customer(b)) => a.eq_ignore_ascii_case(b),
            _ => false,
        }
    }
}

impl From<String> for PolicyRef {
    fn from(text: String) -> Self {
        if text.starts_with(AWS_MANAGED_PREFIX) {
            PolicyRef::Aws(text)
        } else {
            PolicyRef::Customer(text)
        }
    }
}

impl From<PolicyRef> for String {
    fn from(reference: PolicyRef) -> Self {
        match reference {
            PolicyRef::Aws(s) | PolicyRef::Customer(s) => s,
        }
    }
}

/// The kinds of resource a scenario can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ResourceKind {
    /// An Amazon S3 bucket (bucket policy).
    S3Bucket,
    /// An Amazon SQS queue (queue policy).
    SqsQueue,
    /// An Amazon SNS topic (topic policy).
    SnsTopic,
    /// An AWS KMS key (key policy).
    KmsKey,
    /// A VPC endpoint (endpoint policy): a request whose `aws:SourceVpce` is its id goes
    /// through it, and its policy must allow the request too.
    VpcEndpoint,
}

impl ResourceKind {
    /// Every kind, in display order.
    pub const ALL: [ResourceKind; 5] = [
        ResourceKind::S3Bucket,
        ResourceKind::SqsQueue,
        ResourceKind::SnsTopic,
        ResourceKind::KmsKey,
        ResourceKind::VpcEndpoint,
    ];

    /// A human name for messages.
    pub fn describe(self) -> &'static str {
        match self {
            ResourceKind::S3Bucket => "S3 bucket",
            ResourceKind::SqsQueue => "SQS queue",
            ResourceKind::SnsTopic => "SNS topic",
            ResourceKind::KmsKey => "KMS key",
            ResourceKind::VpcEndpoint => "VPC endpoint",
        }
    }

    /// The grammar of the resource's policy: a VPC endpoint's is an endpoint policy, every
    /// other kind's a resource-based policy.
    pub fn policy_type(self) -> crate::policy::PolicyType {
        match self {
            ResourceKind::VpcEndpoint => crate::policy::PolicyType::VpcEndpoint,
            _ => crate::policy::PolicyType::Resource,
        }
    }
}

/// A resource with a resource-based policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Resource {
    /// What kind of resource this is.
    pub kind: ResourceKind,
    /// The bucket, queue or topic name, or the key id.
    pub name: String,
    /// The Region, when not the account's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
    /// The resource-based policy (for a KMS key, its key policy; for a VPC endpoint, its
    /// endpoint policy), as typed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// For a VPC endpoint, the service it reaches, as AWS names it
    /// (`com.amazonaws.us-east-1.s3`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_name: Option<String>,
}

impl Resource {
    /// A resource of this kind and name, in the account's Region, without a policy.
    pub fn new(kind: ResourceKind, name: impl Into<String>) -> Resource {
        Resource {
            kind,
            name: name.into(),
            region: None,
            tags: Vec::new(),
            policy: None,
            service_name: None,
        }
    }

    /// A new resource of this kind for `account`, as the page adds one: a VPC endpoint reaches
    /// S3 in the account's Region ([`Resource::vpc_endpoint`]), other kinds are
    /// [`Resource::new`].
    pub fn new_in(kind: ResourceKind, name: impl Into<String>, account: &Account) -> Resource {
        match kind {
            ResourceKind::VpcEndpoint => Resource::vpc_endpoint(name, "s3", account),
            _ => Resource::new(kind, name),
        }
    }

    /// A VPC endpoint with this id reaching `service` (`s3`) in the account's Region, with
    /// AWS's default endpoint policy (no policy of its own).
    pub fn vpc_endpoint(id: impl Into<String>, service: &str, account: &Account) -> Resource {
        let mut r = Resource::new(ResourceKind::VpcEndpoint, id);
        r.service_name = Some(format!("com.amazonaws.{}.{service}", account.region));
        r
    }

    /// The resource's ARN in this account.
    pub fn arn(&self, account: &Account) -> String {
        let region = self.region.as_deref().unwrap_or(&account.region);
        let id = &account.id;
        let name = &self.name;
        match self.kind {
            ResourceKind::S3Bucket => format!("arn:aws:s3:::{name}"),
            ResourceKind::SqsQueue => format!("arn:aws:sqs:{region}:{id}:{name}"),
            ResourceKind::SnsTopic => format!("arn:aws:sns:{region}:{id}:{name}"),
            ResourceKind::KmsKey => format!("arn:aws:kms:{region}:{id}:key/{name}"),
            ResourceKind::VpcEndpoint => {
                format!("arn:aws:ec2:{region}:{id}:vpc-endpoint/{name}")
            }
        }
    }

    /// Whether a request for `arn` is on this resource, so its resource policy applies: its
    /// own ARN, or for a bucket also an object in it (`arn:aws:s3:::bucket/key`), which the
    /// bucket policy governs. Never for a VPC endpoint: its policy governs the requests that
    /// go through it ([`Resource::carries`]), not the requests on the endpoint.
    pub fn covers(&self, account: &Account, arn: &str) -> bool {
        if self.kind == ResourceKind::VpcEndpoint {
            return false;
        }
        let own = self.arn(account);
        arn == own
            || (self.kind == ResourceKind::S3Bucket
                && arn
                    .strip_prefix(own.as_str())
                    .is_some_and(|rest| rest.starts_with('/')))
    }
}

impl Resource {
    /// Whether this is the VPC endpoint a request whose `aws:SourceVpce` is `source_vpce` goes
    /// through.
    pub fn carries(&self, source_vpce: &str) -> bool {
        self.kind == ResourceKind::VpcEndpoint && self.name == source_vpce
    }
}

/// Who makes a saved test's request.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum PrincipalRef {
    /// The account root user (`root`).
    Root,
    /// An IAM user of the scenario (`user/NAME`).
    User(String),
    /// A session of an IAM role of the scenario (`role/NAME`).
    Role(String),
    /// Any other caller, as AWS's simulator reads `CallerArn`: an ARN, a service principal or
    /// `anonymous`.
    Other(String),
}

impl From<String> for PrincipalRef {
    fn from(text: String) -> Self {
        if text == "root" {
            PrincipalRef::Root
        } else if let Some(name) = text.strip_prefix("user/") {
            PrincipalRef::User(name.to_string())
        } else if let Some(name) = text.strip_prefix("role/") {
            PrincipalRef::Role(name.to_string())
        } else {
            PrincipalRef::Other(text)
        }
    }
}

impl From<PrincipalRef> for String {
    fn from(principal: PrincipalRef) -> Self {
        match principal {
            PrincipalRef::Root => "root".to_string(),
            PrincipalRef::User(name) => format!("user/{name}"),
            PrincipalRef::Role(name) => format!("role/{name}"),
            PrincipalRef::Other(text) => text,
        }
    }
}

/// The decision a saved test expects, with AWS's spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ExpectedDecision {
    /// `allowed`.
    Allowed,
    /// `explicitDeny`.
    ExplicitDeny,
    /// `implicitDeny`.
    ImplicitDeny,
}

impl From<ExpectedDecision> for crate::eval::Decision {
    fn from(expected: ExpectedDecision) -> Self {
        match expected {
            ExpectedDecision::Allowed => crate::eval::Decision::Allowed,
            ExpectedDecision::ExplicitDeny => crate::eval::Decision::ExplicitDeny,
            ExpectedDecision::ImplicitDeny => crate::eval::Decision::ImplicitDeny,
        }
    }
}

impl ExpectedDecision {
    /// AWS's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ExpectedDecision::Allowed => "allowed",
            ExpectedDecision::ExplicitDeny => "explicitDeny",
            ExpectedDecision::ImplicitDeny => "implicitDeny",
        }
    }
}

/// One context key of a saved test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ContextValue {
    /// The key, such as `aws:MultiFactorAuthPresent`.
    pub key: String,
    /// The values' type.
    #[serde(rename = "type")]
    pub ty: ContextKeyType,
    /// The values, as text.
    pub values: Vec<String>,
}

/// A saved request with the decision AWS is expected to give.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TestCase {
    /// What the test checks, in words.
    pub label: String,
    /// Who asks.
    pub principal: PrincipalRef,
    /// The action, `service:Action`.
    pub action: String,
    /// The resource ARN.
    #[serde(default = "default_resource", skip_serializing_if = "is_star")]
    pub resource: String,
    /// The request context.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub context: Vec<ContextValue>,
    /// The expected decision.
    pub expected: ExpectedDecision,
}

/// Why a scenario file could not be loaded: plain data with the position of the problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScenarioLoadError {
    /// A stable code: `scenario-too-large`, `scenario-syntax`, `scenario-shape`,
    /// `scenario-version-missing`, `scenario-version-newer` or `scenario-migration`.
    pub code: &'static str,
    /// One or two sentences saying what is wrong.
    pub message: String,
    /// The 1-based line of the problem, when known.
    pub line: Option<usize>,
    /// The 1-based column of the problem, when known.
    pub column: Option<usize>,
}

impl std::fmt::Display for ScenarioLoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) => {
                write!(f, "line {line}, column {column}: {}", self.message)
            }
            _ => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ScenarioLoadError {}

impl ScenarioLoadError {
    fn new(code: &'static str, message: impl Into<String>) -> Self {
        ScenarioLoadError {
            code,
            message: message.into(),
            line: None,
            column: None,
        }
    }

    fn from_serde(code: &'static str, error: &serde_json::Error, context: &str) -> Self {
        // serde_json reports line 0 when it has no position (errors from a `Value`).
        let (line, column) = if error.line() == 0 {
            (None, None)
        } else {
            (Some(error.line()), Some(error.column().max(1)))
        };
        let mut text = error.to_string();
        // The position is carried in its own fields; drop serde's " at line L column C".
        if let Some(at) = text.rfind(" at line ") {
            text.truncate(at);
        }
        ScenarioLoadError {
            code,
            message: crate::diagnostic::short_quotes(&format!("{context}{text}.")),
            line,
            column,
        }
    }
}

/// A serde_json error as a load error, naming a lone surrogate escape for what it is.
fn json_error(
    text: &str,
    e: &serde_json::Error,
    code: &'static str,
    context: &str,
) -> ScenarioLoadError {
    let message = e.to_string();
    let surrogate =
        e.is_syntax() && (message.contains("hex escape") || message.contains("surrogate"));
    surrogate
        .then(|| lone_surrogate(text, e.line(), e.column()))
        .flatten()
        .unwrap_or_else(|| ScenarioLoadError::from_serde(code, e, context))
}

/// A `\uD800`–`\uDFFF` escape not part of a surrogate pair, at or just before the place a
/// JSON error names (serde_json says "unexpected end of hex escape" or "lone leading
/// surrogate", which does not say what to fix): the error says so, at the escape.
fn lone_surrogate(text: &str, line: usize, column: usize) -> Option<ScenarioLoadError> {
    let index = crate::span::LineIndex::new(text);
    let at = index.offset(crate::span::LineCol { line, column });
    let from = at.saturating_sub(12);
    let window = text
        .get(from..at.saturating_add(1).min(text.len()))
        .or_else(|| text.get(from..at))?;
    let mut found = None;
    for (i, _) in window.match_indices("\\u") {
        let hex = window.get(i + 2..i + 6)?;
        if let Ok(unit) = u16::from_str_radix(hex, 16)
            && (0xD800..=0xDFFF).contains(&unit)
        {
            found = Some((from + i, hex.to_string()));
        }
    }
    let (offset, hex) = found?;
    let lc = index.line_col(offset);
    Some(ScenarioLoadError {
        code: "scenario-syntax",
        message: format!(
            "The scenario is not valid JSON: lone surrogate \\u{hex} in a string at {}:{} (a \\uD800–\\uDBFF escape must be followed by a \\uDC00–\\uDFFF one).",
            lc.line, lc.column
        ),
        line: Some(lc.line),
        column: Some(lc.column),
    })
}

impl Scenario {
    /// An empty scenario for the account `account_id`, with the root user's defaults.
    pub fn new(account_id: impl Into<String>) -> Scenario {
        Scenario {
            format_version: FORMAT_VERSION,
            title: String::new(),
            description: String::new(),
            account: Account {
                id: account_id.into(),
                alias: None,
                region: default_region(),
            },
            organization: None,
            root_user: RootUser::default(),
            users: Vec::new(),
            groups: Vec::new(),
            roles: Vec::new(),
            policies: Vec::new(),
            resources: Vec::new(),
            external_principals: Vec::new(),
            tests: Vec::new(),
        }
    }

    /// Reads a scenario file of any supported version, migrating older versions. Never panics:
    /// every problem is a [`ScenarioLoadError`] with the line and column where known.
    ///
    /// Loading checks the shape only; names, references and quotas are checked by
    /// [`Scenario::validate`], so a scenario with a mistake still opens and shows it.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioLoadError> {
        // A byte-order mark, which some editors write, is not part of the JSON.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text.len() > MAX_SCENARIO_BYTES {
            return Err(ScenarioLoadError::new(
                "scenario-too-large",
                format!(
                    "The scenario is {} bytes long; the playground reads at most {MAX_SCENARIO_BYTES} bytes.",
                    text.len()
                ),
            ));
        }
        // serde reads a struct from an array too; a scenario is only ever an object.
        if !text.trim_start().starts_with('{') {
            return Err(match serde_json::from_str::<serde::de::IgnoredAny>(text) {
                Err(e) => ScenarioLoadError::from_serde(
                    "scenario-syntax",
                    &e,
                    "The scenario is not valid JSON: ",
                ),
                Ok(_) => ScenarioLoadError {
                    line: Some(line_of(text, text.len() - text.trim_start().len())),
                    column: Some(column_of(text, text.len() - text.trim_start().len())),
                    ..ScenarioLoadError::new(
                        "scenario-shape",
                        "This is not a scenario file: a scenario is a JSON object ({ ... }).",
                    )
                },
            });
        }
        let probe: Probe = serde_json::from_str(text).map_err(|e| {
            if e.is_data() {
                ScenarioLoadError::from_serde("scenario-shape", &e, "This is not a scenario file: ")
            } else {
                json_error(
                    text,
                    &e,
                    "scenario-syntax",
                    "The scenario is not valid JSON: ",
                )
            }
        })?;
        let version = match probe.format_version {
            None => {
                return Err(ScenarioLoadError::new(
                    "scenario-version-missing",
                    "This is not a scenario file: it has no \"formatVersion\".",
                ));
            }
            Some(serde_json::Value::Number(n)) => match n.as_u64() {
                Some(v) => v,
                None => return Err(bad_version()),
            },
            Some(_) => return Err(bad_version()),
        };
        if version > u64::from(FORMAT_VERSION) {
            return Err(ScenarioLoadError::new(
                "scenario-version-newer",
                format!(
                    "This scenario was made with a newer version of the playground (format version {version}); this version reads format versions up to {FORMAT_VERSION}. Open it in the newer playground."
                ),
            ));
        }
        if version == u64::from(FORMAT_VERSION) {
            return serde_json::from_str(text)
                .map_err(|e| json_error(text, &e, "scenario-shape", ""));
        }
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| json_error(text, &e, "scenario-syntax", ""))?;
        // `version` is below FORMAT_VERSION here, so it fits in a u32.
        let from = u32::try_from(version).unwrap_or(0);
        let migrated = migrate(value, from)?;
        // Read from text, as a current scenario is: `from_value` would be a second copy of
        // every scenario type's reader in the app's wasm. The migrated text is not the user's,
        // so its positions are left out.
        serde_json::from_str(&migrated.to_string()).map_err(|e| ScenarioLoadError {
            line: None,
            column: None,
            ..ScenarioLoadError::from_serde(
                "scenario-shape",
                &e,
                &format!("After migrating the scenario from format version {from}: "),
            )
        })
    }

    /// Writes the scenario in the current format, pretty-printed with two-space indents, leaving
    /// out every key whose value is its default.
    pub fn to_json_pretty(&self) -> String {
        let mut copy = self.clone();
        copy.format_version = FORMAT_VERSION;
        // Serializing plain data with string keys cannot fail.
        serde_json::to_string_pretty(&copy).unwrap_or_default()
    }

    /// Writes the scenario compactly (for share links).
    pub fn to_json(&self) -> String {
        let mut copy = self.clone();
        copy.format_version = FORMAT_VERSION;
        serde_json::to_string(&copy).unwrap_or_default()
    }

    /// The ARN of the account root user.
    pub fn root_arn(&self) -> String {
        format!("arn:aws:iam::{}:root", self.account.id)
    }

    /// The ARN of a user of this scenario.
    pub fn user_arn(&self, user: &User) -> String {
        format!(
            "arn:aws:iam::{}:user{}{}",
            self.account.id, user.path, user.name
        )
    }

    /// The ARN of a role of this scenario.
    pub fn role_arn(&self, role: &Role) -> String {
        format!(
            "arn:aws:iam::{}:role{}{}",
            self.account.id, role.path, role.name
        )
    }

    /// The ARN of a customer-managed policy of this scenario.
    pub fn policy_arn(&self, policy: &ManagedPolicy) -> String {
        format!(
            "arn:aws:iam::{}:policy{}{}",
            self.account.id, policy.path, policy.name
        )
    }

    /// The user with this name (without regard to case, as IAM compares names).
    pub fn user(&self, name: &str) -> Option<&User> {
        self.users
            .iter()
            .find(|u| u.name.eq_ignore_ascii_case(name))
    }

    /// The group with this name.
    pub fn group(&self, name: &str) -> Option<&Group> {
        self.groups
            .iter()
            .find(|g| g.name.eq_ignore_ascii_case(name))
    }

    /// The role with this name.
    pub fn role(&self, name: &str) -> Option<&Role> {
        self.roles
            .iter()
            .find(|r| r.name.eq_ignore_ascii_case(name))
    }

    /// The customer-managed policy with this name.
    pub fn policy(&self, name: &str) -> Option<&ManagedPolicy> {
        self.policies
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name))
    }

    /// The resource of this kind and name.
    pub fn resource(&self, kind: ResourceKind, name: &str) -> Option<&Resource> {
        self.resources
            .iter()
            .find(|r| r.kind == kind && r.name == name)
    }

    /// The users that belong to a group.
    pub fn members_of<'a>(&'a self, group: &'a str) -> impl Iterator<Item = &'a User> + 'a {
        self.users
            .iter()
            .filter(move |u| u.groups.iter().any(|g| g.eq_ignore_ascii_case(group)))
    }
}

/// The 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .map_or(1, |head| head.matches('\n').count() + 1)
}

/// The 1-based column (in characters) of a byte offset.
fn column_of(text: &str, offset: usize) -> usize {
    let head = text.get(..offset).unwrap_or("");
    let line_start = head.rfind('\n').map_or(0, |i| i + 1);
    head.get(line_start..).map_or(0, |l| l.chars().count()) + 1
}

fn bad_version() -> ScenarioLoadError {
    ScenarioLoadError::new(
        "scenario-version-missing",
        "\"formatVersion\" must be a whole number such as 1.",
    )
}

/// The only key read before the version is known.
#[derive(Deserialize)]
struct Probe {
    #[serde(rename = "formatVersion")]
    format_version: Option<serde_json::Value>,
}

/// Brings a scenario file of format version `from_version` up to [`FORMAT_VERSION`], one
/// version at a time. Each step is a plain function over the JSON value, so a step never needs
/// the old Rust types.
pub fn migrate(
    mut value: serde_json::Value,
    from_version: u32,
) -> Result<serde_json::Value, ScenarioLoadError> {
    let mut version = from_version;
    while version < FORMAT_VERSION {
        value = match version {
            0 => migrate_v0_to_v1(value)?,
            _ => {
                return Err(ScenarioLoadError::new(
                    "scenario-migration",
                    format!("There is no migration from format version {version}."),
                ));
            }
        };
        version += 1;
    }
    Ok(value)
}

/// Version 0, the pre-release draft, kept customer-managed policies under
/// `customerManagedPolicies` and a test's decision under `expect`.
fn migrate_v0_to_v1(mut value: serde_json::Value) -> Result<serde_json::Value, ScenarioLoadError> {
    let Some(object) = value.as_object_mut() else {
        return Err(ScenarioLoadError::new(
            "scenario-migration",
            "A version 0 scenario must be a JSON object.",
        ));
    };
    if let Some(policies) = object.remove("customerManagedPolicies") {
        object.insert("policies".to_string(), policies);
    }
    if let Some(serde_json::Value::Array(tests)) = object.get_mut("tests") {
        for test in tests {
            if let Some(test) = test.as_object_mut()
                && let Some(expect) = test.remove("expect")
            {
                test.insert("expected".to_string(), expect);
            }
        }
    }
    object.insert("formatVersion".to_string(), serde_json::Value::from(1u32));
    Ok(value)
}
