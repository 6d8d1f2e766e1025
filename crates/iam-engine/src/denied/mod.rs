//! "Why was I denied?": reading what AWS said about a refused request.
//!
//! [`parse_denied`] takes what the user pasted and rebuilds the request it describes as a
//! [`DeniedRequest`]: who asked ([`DeniedPrincipal`]), the action, the resource, the reason AWS
//! gave ([`ClaimedReason`]: which kind of deny, in which policy type) and the request context
//! the input carries. Three kinds of input are recognised without being told which:
//!
//! - an AccessDenied message in any of AWS's wordings (IAM User Guide, "Troubleshoot access
//!   denied error messages"): `User: ARN is not authorized to perform: ACTION [on resource:
//!   RESOURCE] [because no TYPE allows the ACTION action | with an explicit deny in a TYPE |
//!   with an implicit deny in a TYPE]`, with or without the CLI's `An error occurred (…) when
//!   calling the … operation:` prefix (see [`message`]);
//! - the output of `aws sts decode-authorization-message` (or its `DecodedMessage` string
//!   alone), see [`event`];
//! - a CloudTrail event (or a `{"Records": [...]}` file) whose `errorCode` says the request
//!   was denied, see [`event`].
//!
//! Bad input never panics: it gives a [`DeniedError`] with the span (and line and column) of
//! what is wrong and a sentence saying what to paste instead. Input is bounded by
//! [`MAX_INPUT`] and read in one left-to-right pass (plain string scanning and the engine's
//! linear JSON front end), so no input can make it slow.
//!
//! [`agree::check_agreement`] then compares the reason AWS gave with the playground's own
//! evaluation of the rebuilt request.

pub mod agree;
pub mod event;
pub mod message;

use serde::{Deserialize, Serialize};

use crate::context::{ContextEntry, ContextKeyType};
use crate::eval::{Caller, CallerKind};
use crate::span::{LineIndex, Span};

/// The largest input read, in bytes. A CloudTrail event is a few kilobytes and a message one
/// line; a whole day's log file is not something to paste.
pub const MAX_INPUT: usize = 256 * 1024;

/// Which kind of text the request was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum InputKind {
    /// An AccessDenied error message.
    Message,
    /// The decoded authorization message (`aws sts decode-authorization-message`).
    DecodedAuthorization,
    /// A CloudTrail event.
    CloudTrailEvent,
}

/// What kind of principal asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum PrincipalKind {
    /// An IAM user.
    User,
    /// A role used directly (an IAM role ARN rather than a session).
    Role,
    /// A role session: the role's ARN and the session's name.
    #[serde(rename_all = "camelCase")]
    RoleSession {
        /// The role's ARN (with its path when the input gave it).
        role_arn: String,
        /// The session name.
        session_name: String,
    },
    /// The account's root user.
    Root,
    /// An STS federated user session.
    #[serde(rename_all = "camelCase")]
    FederatedUser {
        /// The federated user's name.
        name: String,
    },
    /// An AWS service principal (`s3.amazonaws.com`).
    Service,
    /// An unauthenticated caller.
    Anonymous,
}

/// The principal of a denied request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeniedPrincipal {
    /// The ARN as AWS wrote it (a service's name for a service, `anonymous` for an
    /// unauthenticated caller).
    pub arn: String,
    /// The principal's account, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// What kind of principal it is.
    #[serde(flatten)]
    pub kind: PrincipalKind,
}

impl DeniedPrincipal {
    /// Reads a principal from the ARN (or name) AWS writes in a message. `None` when the text
    /// is no principal AWS names.
    pub fn from_arn(arn: &str) -> Option<DeniedPrincipal> {
        let arn = arn.trim();
        if arn.eq_ignore_ascii_case("anonymous") {
            return Some(DeniedPrincipal {
                arn: "anonymous".to_string(),
                account: None,
                kind: PrincipalKind::Anonymous,
            });
        }
        if arn == "*" {
            return None;
        }
        let caller = Caller::from_arn(arn)?;
        let account = Some(caller.account.clone()).filter(|a| !a.is_empty());
        let kind = match caller.kind {
            CallerKind::User => PrincipalKind::User,
            CallerKind::Role => PrincipalKind::Role,
            CallerKind::Root => PrincipalKind::Root,
            CallerKind::Service => PrincipalKind::Service,
            CallerKind::Anonymous => PrincipalKind::Anonymous,
            CallerKind::RoleSession => PrincipalKind::RoleSession {
                role_arn: caller.role_arn.clone().unwrap_or_default(),
                session_name: arn.rsplit('/').next().unwrap_or("").to_string(),
            },
            CallerKind::FederatedUser => PrincipalKind::FederatedUser {
                name: arn
                    .split_once("federated-user/")
                    .map(|(_, n)| n.to_string())
                    .unwrap_or_default(),
            },
        };
        Some(DeniedPrincipal {
            arn: caller.arn,
            account,
            kind,
        })
    }

    /// The caller the evaluation engine takes for this principal.
    pub fn to_caller(&self) -> Option<Caller> {
        let mut caller = Caller::from_arn(match self.kind {
            PrincipalKind::Anonymous => "*",
            _ => &self.arn,
        })?;
        // A session's role ARN from a CloudTrail event keeps the role's path, which the
        // session ARN drops.
        if let PrincipalKind::RoleSession { role_arn, .. } = &self.kind
            && !role_arn.is_empty()
        {
            caller.role_arn = Some(role_arn.clone());
        }
        Some(caller)
    }
}

/// How AWS says the request was denied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ClaimKind {
    /// `because no TYPE allows the ACTION action`.
    NoAllow,
    /// `with an explicit deny in a TYPE` (or the decoded message's `explicitDeny: true`).
    ExplicitDeny,
    /// `with an implicit deny in a TYPE` (or a decoded message that is neither allowed nor an
    /// explicit deny).
    ImplicitDeny,
}

/// The policy type AWS names as the reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Layer {
    /// Identity-based policies.
    Identity,
    /// A resource-based policy (bucket policy, key policy, trust policy, ...).
    Resource,
    /// The permissions boundary.
    Boundary,
    /// A session policy.
    Session,
    /// A service control policy.
    Scp,
    /// A resource control policy.
    Rcp,
    /// A VPC endpoint policy.
    VpcEndpoint,
    /// The input names no policy type.
    Unspecified,
}

impl Layer {
    /// The words AWS's messages use for the policy type.
    pub fn words(self) -> &'static str {
        match self {
            Layer::Identity => "identity-based policy",
            Layer::Resource => "resource-based policy",
            Layer::Boundary => "permissions boundary",
            Layer::Session => "session policy",
            Layer::Scp => "service control policy",
            Layer::Rcp => "resource control policy",
            Layer::VpcEndpoint => "VPC endpoint policy",
            Layer::Unspecified => "policy",
        }
    }

    /// Reads the policy type from the words of a message (case-insensitive, with or without a
    /// trailing "policy"). `None` for words that name no policy type.
    pub fn from_words(words: &str) -> Option<Layer> {
        let w = words.trim().trim_end_matches('.').to_ascii_lowercase();
        let w = w.trim();
        let table: [(&str, Layer); 14] = [
            ("identity-based policy", Layer::Identity),
            ("identity based policy", Layer::Identity),
            ("resource-based policy", Layer::Resource),
            ("resource based policy", Layer::Resource),
            ("permissions boundary policy", Layer::Boundary),
            ("permissions boundary", Layer::Boundary),
            ("permission boundary", Layer::Boundary),
            ("session policy", Layer::Session),
            ("service control policy", Layer::Scp),
            ("service control policies", Layer::Scp),
            ("resource control policy", Layer::Rcp),
            ("resource control policies", Layer::Rcp),
            ("vpc endpoint policy", Layer::VpcEndpoint),
            ("endpoint policy", Layer::VpcEndpoint),
        ];
        table.iter().find(|(t, _)| *t == w).map(|(_, l)| *l)
    }
}

/// The reason AWS gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClaimedReason {
    /// Which kind of deny.
    pub kind: ClaimKind,
    /// Which policy type.
    pub layer: Layer,
}

/// A denied request, rebuilt from what AWS said about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeniedRequest {
    /// What the request was read from.
    pub source: InputKind,
    /// Who asked.
    pub principal: DeniedPrincipal,
    /// The action, `service:Action`.
    pub action: String,
    /// The resource ARN, when the input names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// The reason AWS gave, when it gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claimed: Option<ClaimedReason>,
    /// The request context the input carries (source IP, Region, MFA, time, user agent, VPC
    /// endpoint, tags), typed as the evaluation reads it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub context: Vec<ContextEntry>,
}

impl DeniedRequest {
    /// The request to evaluate: the principal as the caller, the resource (`*` when the input
    /// names none; its account from the ARN when the ARN has one) and the context. `None` when
    /// the principal is one the engine cannot evaluate as a caller.
    pub fn to_request(&self) -> Option<crate::eval::Request> {
        let caller = self.principal.to_caller()?;
        let resource = self.resource.clone().unwrap_or_else(|| "*".to_string());
        let resource_account = resource
            .split(':')
            .nth(4)
            .filter(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()))
            .map(str::to_string);
        Some(crate::eval::Request {
            caller,
            action: self.action.clone(),
            resource,
            resource_account,
            context: self.context.iter().cloned().collect(),
        })
    }
}

/// Why the input could not be read, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeniedError {
    /// What is wrong, in a sentence.
    pub message: String,
    /// What to do about it, when there is something to say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The text at fault (byte offsets into the input).
    pub span: Span,
    /// One-based line of the span's start.
    pub line: usize,
    /// One-based column of the span's start, in characters.
    pub column: usize,
}

impl DeniedError {
    /// An error at `span` of `text`.
    pub(crate) fn at(text: &str, span: Span, message: impl Into<String>) -> DeniedError {
        let at = LineIndex::new(text).line_col(span.start);
        DeniedError {
            message: message.into(),
            help: None,
            span,
            line: at.line,
            column: at.column,
        }
    }

    /// The same error with a hint.
    pub(crate) fn with_help(mut self, help: impl Into<String>) -> DeniedError {
        self.help = Some(help.into());
        self
    }
}

impl std::fmt::Display for DeniedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)?;
        if let Some(help) = &self.help {
            write!(f, " {help}")?;
        }
        Ok(())
    }
}

/// Reads a denied request from an AccessDenied message, a decoded authorization message or a
/// CloudTrail event, whichever `text` is.
pub fn parse_denied(text: &str) -> Result<DeniedRequest, DeniedError> {
    if text.len() > MAX_INPUT {
        return Err(DeniedError::at(
            text,
            Span::new(MAX_INPUT, text.len()),
            format!(
                "The input is {} bytes long; at most {} KB are read.",
                text.len(),
                MAX_INPUT / 1024
            ),
        )
        .with_help("Paste one error message or one CloudTrail event, not a whole log file."));
    }
    let start = text.len() - text.trim_start().len();
    if text.trim().is_empty() {
        return Err(DeniedError::at(text, Span::point(0), "The input is empty.")
            .with_help("Paste the AccessDenied message, the output of `aws sts decode-authorization-message`, or a CloudTrail event."));
    }
    if text.get(start..).is_some_and(|t| t.starts_with('{')) {
        event::parse_json(text)
    } else {
        message::parse_message(text)
    }
}

/// The type the evaluation gives a context key the inputs carry.
pub(crate) fn key_type(key: &str, values: usize) -> ContextKeyType {
    let k = key.to_ascii_lowercase();
    match k.as_str() {
        "aws:sourceip" => ContextKeyType::Ip,
        "aws:multifactorauthpresent"
        | "aws:securetransport"
        | "aws:viaawsservice"
        | "aws:principalisawsservice" => ContextKeyType::Boolean,
        "aws:currenttime" | "aws:tokenissuetime" => ContextKeyType::Date,
        "aws:epochtime" | "aws:multifactorauthage" => ContextKeyType::Numeric,
        _ if k.starts_with("aws:tagkeys") => ContextKeyType::StringList,
        _ if values > 1 => ContextKeyType::StringList,
        _ => ContextKeyType::String,
    }
}

/// Adds `key` with `values` to `context` unless it is already there.
pub(crate) fn add_context(context: &mut Vec<ContextEntry>, key: &str, values: Vec<String>) {
    if values.is_empty() || context.iter().any(|e| e.key.eq_ignore_ascii_case(key)) {
        return;
    }
    let ty = key_type(key, values.len());
    context.push(ContextEntry::new(key, ty, values));
}

/// Whether `action` reads as `service:Action` (a service prefix, a colon, a name, no spaces).
pub(crate) fn looks_like_action(action: &str) -> bool {
    let Some((service, name)) = action.split_once(':') else {
        return false;
    };
    !service.is_empty()
        && !name.is_empty()
        && service
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'*' || b == b'.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn principals_from_arns() {
        let s = DeniedPrincipal::from_arn("arn:aws:sts::111122223333:assumed-role/Admin/alice")
            .expect("a session");
        assert_eq!(
            s.kind,
            PrincipalKind::RoleSession {
                role_arn: "arn:aws:iam::111122223333:role/Admin".into(),
                session_name: "alice".into()
            }
        );
        assert_eq!(s.account.as_deref(), Some("111122223333"));
        let f = DeniedPrincipal::from_arn("arn:aws:sts::111122223333:federated-user/bob")
            .expect("a federated user");
        assert_eq!(f.kind, PrincipalKind::FederatedUser { name: "bob".into() });
        assert_eq!(
            DeniedPrincipal::from_arn("anonymous").map(|p| p.kind),
            Some(PrincipalKind::Anonymous)
        );
        assert_eq!(DeniedPrincipal::from_arn("arn:aws:s3:::bucket"), None);
        assert_eq!(DeniedPrincipal::from_arn("*"), None);
    }

    #[test]
    fn requests_to_evaluate() {
        let denied = parse_denied(
            "User: arn:aws:sts::111122223333:assumed-role/app/s1 is not authorized to perform: sqs:SendMessage on resource: arn:aws:sqs:us-east-1:444455556666:jobs",
        )
        .expect("a message");
        let request = denied.to_request().expect("a request");
        assert_eq!(request.caller.kind, CallerKind::RoleSession);
        assert_eq!(request.resource_account.as_deref(), Some("444455556666"));
        assert!(request.is_cross_account());
        let bare = parse_denied(
            "User: arn:aws:iam::111122223333:user/a is not authorized to perform: s3:ListAllMyBuckets",
        )
        .expect("a message");
        let request = bare.to_request().expect("a request");
        assert_eq!(request.resource, "*");
        assert!(!request.is_cross_account());
    }

    #[test]
    fn layers_from_words() {
        assert_eq!(
            Layer::from_words("Service Control Policy"),
            Some(Layer::Scp)
        );
        assert_eq!(
            Layer::from_words("permissions boundary."),
            Some(Layer::Boundary)
        );
        assert_eq!(Layer::from_words("bucket policy"), None);
    }

    #[test]
    fn oversized_and_empty_inputs_are_errors() {
        let big = "x".repeat(MAX_INPUT + 1);
        let e = parse_denied(&big).expect_err("too big");
        assert!(e.message.contains("at most 256 KB"), "{}", e.message);
        let e = parse_denied("  \n ").expect_err("empty");
        assert_eq!(e.message, "The input is empty.");
    }
}
