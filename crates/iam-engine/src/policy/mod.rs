//! The policy model: a parsed IAM policy document in which every element keeps its span.
//!
//! [`parse_policy`] turns the user's text into a [`PolicyDocument`] plus diagnostics. It never
//! fails: what it cannot understand is reported and left out, so the evaluator always has a
//! document to work with and the editor can show every problem at once. The grammar enforced
//! depends on the [`PolicyType`] (see [`parse`] for the rules and where they come from).
//!
//! The model keeps the text of actions, resources, principals and condition values as written;
//! the evaluator compiles them into matchers once ([`crate::eval`]).

mod parse;

use serde::{Deserialize, Serialize};

use crate::span::Span;

pub(crate) use parse::parse_policy_document;
pub use parse::{ParsedPolicy, parse_policy};
pub(crate) use parse::{STATEMENT_ELEMENTS, TOP_ELEMENTS};

/// Which kind of policy a document is; the grammar and the evaluation role depend on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PolicyType {
    /// A policy attached to a user, group or role (inline or managed).
    Identity,
    /// A policy attached to a resource (bucket policy, key policy, queue policy, ...).
    Resource,
    /// A role's trust policy (the resource policy of `sts:AssumeRole*`).
    Trust,
    /// A permissions boundary attached to a user or role.
    PermissionsBoundary,
    /// An AWS Organizations service control policy.
    Scp,
    /// An AWS Organizations resource control policy.
    Rcp,
    /// A session policy passed when assuming a role or federating.
    Session,
    /// A VPC endpoint policy: a resource-based policy on a VPC endpoint that every request
    /// through the endpoint must also be allowed by (it never grants on its own).
    VpcEndpoint,
}

impl PolicyType {
    /// Whether this kind of policy names principals (resource-based policies do).
    pub fn takes_principal(self) -> bool {
        matches!(
            self,
            PolicyType::Resource | PolicyType::Trust | PolicyType::Rcp | PolicyType::VpcEndpoint
        )
    }

    /// A human name for messages.
    pub fn describe(self) -> &'static str {
        match self {
            PolicyType::Identity => "identity-based policy",
            PolicyType::Resource => "resource-based policy",
            PolicyType::Trust => "role trust policy",
            PolicyType::PermissionsBoundary => "permissions boundary",
            PolicyType::Scp => "service control policy",
            PolicyType::Rcp => "resource control policy",
            PolicyType::Session => "session policy",
            PolicyType::VpcEndpoint => "VPC endpoint policy",
        }
    }
}

/// The policy language version, which decides whether `${...}` policy variables are replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PolicyVersion {
    /// `2012-10-17`: the current language, with policy variables.
    #[serde(rename = "2012-10-17")]
    V2012_10_17,
    /// `2008-10-17` (or a missing Version): `${...}` is literal text.
    #[serde(rename = "2008-10-17")]
    V2008_10_17,
}

impl PolicyVersion {
    /// Whether `${...}` policy variables are substituted in this version.
    pub fn supports_variables(self) -> bool {
        self == PolicyVersion::V2012_10_17
    }
}

/// A value together with the span of the text it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub span: Span,
}

impl<T> Spanned<T> {
    /// Pairs a value with its span.
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

/// A parsed policy document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyDocument {
    /// The kind of policy the grammar was checked against.
    pub policy_type: PolicyType,
    /// The `Version` element, if present and valid.
    pub version: Option<Spanned<PolicyVersion>>,
    /// The `Id` element, if present.
    pub id: Option<Spanned<String>>,
    /// The statements that could be recovered, in order.
    pub statements: Vec<Statement>,
    /// The whole document.
    pub span: Span,
}

impl PolicyDocument {
    /// The effective language version: a missing Version means 2008-10-17.
    pub fn effective_version(&self) -> PolicyVersion {
        self.version
            .as_ref()
            .map_or(PolicyVersion::V2008_10_17, |v| v.value)
    }
}

/// `Allow` or `Deny`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Effect {
    /// The statement grants.
    Allow,
    /// The statement refuses, overriding any grant.
    Deny,
}

/// One statement of a policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    /// The zero-based position in the `Statement` list.
    pub index: usize,
    /// The `Sid`, if any.
    pub sid: Option<Spanned<String>>,
    /// The `Effect`; `None` when missing or invalid (such a statement never applies).
    pub effect: Option<Spanned<Effect>>,
    /// `Principal` or `NotPrincipal`.
    pub principal: Option<PrincipalElement>,
    /// `Action` or `NotAction`; `None` when missing (the statement never applies).
    pub action: Option<ListElement>,
    /// `Resource` or `NotResource`; `None` when missing.
    pub resource: Option<ListElement>,
    /// The `Condition` block, in written order.
    pub condition: Vec<ConditionEntry>,
    /// The span of the `Condition` element's value, if present.
    pub condition_span: Option<Span>,
    /// The whole statement object.
    pub span: Span,
    /// Whether the grammar found an error in this statement (AWS would reject the policy).
    pub has_errors: bool,
}

impl Statement {
    /// A label for messages: the Sid if there is one, else `#index`.
    pub fn label(&self) -> String {
        match &self.sid {
            Some(sid) if !sid.value.is_empty() => sid.value.clone(),
            _ => format!("#{}", self.index),
        }
    }
}

/// An `Action`/`NotAction` or `Resource`/`NotResource` element.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListElement {
    /// Whether this is the `Not...` form.
    pub negated: bool,
    /// The entries (a bare string is a list of one).
    pub items: Vec<Spanned<String>>,
    /// The element's value.
    pub span: Span,
    /// The element's key (`"Action"`), for highlighting.
    pub key_span: Span,
}

/// A `Principal` or `NotPrincipal` element.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrincipalElement {
    /// Whether this is `NotPrincipal`.
    pub negated: bool,
    /// The principals named.
    pub value: PrincipalValue,
    /// The element's value.
    pub span: Span,
    /// The element's key.
    pub key_span: Span,
}

/// What a principal element names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PrincipalValue {
    /// `"Principal": "*"`: everyone, including anonymous callers.
    Anyone,
    /// `{"AWS": [...], "Service": [...], ...}`, in written order.
    Map(Vec<(PrincipalKind, Vec<Spanned<String>>)>),
}

/// The keys of a principal map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PrincipalKind {
    /// `AWS`: accounts, users, roles, sessions, or `*`.
    Aws,
    /// `Service`: AWS service principals such as `ec2.amazonaws.com`.
    Service,
    /// `Federated`: identity providers (SAML, OIDC, `cognito-identity.amazonaws.com`).
    Federated,
    /// `CanonicalUser`: an S3 canonical user id.
    CanonicalUser,
}

/// One `operator → key → values` entry of a condition block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConditionEntry {
    /// The operator as written, e.g. `ForAnyValue:StringLikeIfExists`.
    pub operator: Spanned<String>,
    /// The condition key as written, e.g. `aws:PrincipalTag/team`.
    pub key: Spanned<String>,
    /// The policy values as text (JSON numbers and booleans are written as AWS reads them).
    pub values: Vec<Spanned<String>>,
    /// The span of the value (string or array).
    pub values_span: Span,
}

#[cfg(test)]
mod tests;
