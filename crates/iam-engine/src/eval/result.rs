//! The answer of an evaluation: the decision and its reasons, as serializable data.

use serde::{Deserialize, Serialize};

use crate::policy::{Effect, PolicyType};
use crate::span::Span;

/// AWS's three outcomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Decision {
    /// Some policy allowed and nothing denied.
    Allowed,
    /// A statement denied the request explicitly.
    ExplicitDeny,
    /// Nothing that had to allow the request did.
    ImplicitDeny,
}

impl Decision {
    /// AWS's spelling (`allowed`, `explicitDeny`, `implicitDeny`).
    pub fn as_aws_str(self) -> &'static str {
        match self {
            Decision::Allowed => "allowed",
            Decision::ExplicitDeny => "explicitDeny",
            Decision::ImplicitDeny => "implicitDeny",
        }
    }
}

/// A statement of a policy, as the result names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatementRef {
    /// The policy's id (its name in the scenario, or `PolicyInputList.N`).
    pub policy_id: String,
    /// The kind of policy.
    pub policy_type: PolicyType,
    /// The statement's zero-based position.
    pub index: usize,
    /// The statement's Sid, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    /// The statement's effect.
    pub effect: Effect,
    /// The statement's text in its policy.
    pub span: Span,
}

/// A statement named in words: its Sid, else `#N` counted from 1.
pub fn statement_name(sid: Option<&str>, index: usize) -> String {
    sid.map_or_else(|| format!("#{}", index + 1), str::to_owned)
}

impl StatementRef {
    /// The statement named in words: its Sid, else `#N` counted from 1.
    pub fn name(&self) -> String {
        statement_name(self.sid.as_deref(), self.index)
    }
}

/// Why a candidate statement did not apply: the first element that did not match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "element", rename_all = "camelCase")]
pub enum Miss {
    /// The statement is invalid (no Effect, Action or Resource) and never applies.
    Invalid {
        /// What is missing.
        message: String,
    },
    /// No `Action` entry matched, or a `NotAction` entry did.
    Action {
        /// The element's value.
        span: Span,
        /// A sentence for people.
        message: String,
    },
    /// No `Resource` entry matched, or a `NotResource` entry did.
    Resource {
        /// The element's value.
        span: Span,
        /// A sentence for people.
        message: String,
    },
    /// The principal is not named (or is excluded by `NotPrincipal`).
    Principal {
        /// The element's value (or the statement when it has no Principal).
        span: Span,
        /// A sentence for people.
        message: String,
    },
    /// A condition was not met.
    Condition {
        /// The operator as written.
        operator: String,
        /// The condition key as written.
        key: String,
        /// The key and its values in the policy.
        span: Span,
        /// Why it failed: absent key, no value matched, unparsable value, unknown operator.
        message: String,
    },
}

/// A statement that could have decided the request but did not apply, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Candidate {
    /// The statement.
    pub statement: StatementRef,
    /// The first element that did not match.
    pub miss: Miss,
}

/// The stages of AWS's evaluation, in the order the explanation lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum StepKind {
    /// Root-only tasks and the root user's own-account rule.
    RootUser,
    /// Any applicable Deny statement in any policy.
    DenyCheck,
    /// Resource control policies, every level.
    Rcp,
    /// Service control policies, every level.
    Scp,
    /// The resource-based policy (or trust or key policy).
    ResourcePolicy,
    /// The principal's identity-based policies.
    Identity,
    /// The principal's permissions boundary.
    PermissionsBoundary,
    /// The session policies.
    Session,
    /// The policy of the VPC endpoint the request goes through.
    VpcEndpoint,
}

/// What one step concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Verdict {
    /// The step allows the request (or lets it through).
    Allow,
    /// The step denies the request explicitly.
    Deny,
    /// The step does not allow the request: an implicit deny if the step is needed.
    NoAllow,
    /// The step does not apply to this request.
    NotApplicable,
}

/// One step of the evaluation chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    /// Which stage.
    pub kind: StepKind,
    /// What it concluded.
    pub verdict: Verdict,
    /// One sentence explaining the verdict.
    pub detail: String,
}

/// Something the decision relied on that the engine could not read with certainty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Uncertainty {
    /// The statement holding it.
    pub statement: StatementRef,
    /// The condition text.
    pub span: Span,
    /// What was wrong (unknown operator, unparsable value, ...).
    pub message: String,
}

/// The full answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Evaluation {
    /// The decision.
    pub decision: Decision,
    /// One sentence summarising why.
    pub summary: String,
    /// The evaluation chain, in order.
    pub steps: Vec<Step>,
    /// The statements that decided: the denying statements for an explicit deny, the allowing
    /// ones for an allow.
    pub matched_statements: Vec<StatementRef>,
    /// For an implicit deny, each statement that could have allowed and why it did not.
    pub candidates: Vec<Candidate>,
    /// Condition keys the applicable statements use that the request did not supply.
    pub missing_context_keys: Vec<String>,
    /// Unknown operators and unparsable values the decision relied on.
    pub uncertain: Vec<Uncertainty>,
    /// The id of the root-only task the action belongs to, if any (see [`crate::root_tasks`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_only_task: Option<String>,
    /// Whether the organization policies (SCPs) allowed, when any applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_by_organizations: Option<bool>,
    /// Whether the permissions boundary allowed, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_by_permissions_boundary: Option<bool>,
    /// Set when AWS refuses the request whatever the policies say (changing an AWS managed
    /// policy, a service-linked role, ...): the request fails even when `decision` (the
    /// policy decision, which AWS's simulator reports) is `allowed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused_by_aws: Option<super::service_rules::AwsRefusal>,
}

/// How [`Evaluation::summary`] begins when AWS refuses the request whatever the policies say;
/// the policy decision's own summary follows [`POLICY_DECISION`].
pub(crate) const REFUSED_PREFIX: &str = "AWS refuses this request whatever the policies say: ";

/// What separates a refusal's reason from the policy decision's summary.
pub(crate) const POLICY_DECISION: &str = " Policy decision: ";

impl Evaluation {
    /// The summary of the policy decision alone: [`Evaluation::summary`] without the refusal
    /// that precedes it when AWS refuses the request whatever the policies say (the page shows
    /// the refusal as its own verdict, and the policy decision beside it).
    pub fn policy_summary(&self) -> &str {
        match &self.refused_by_aws {
            Some(refusal) => {
                let lead = format!("{REFUSED_PREFIX}{}{POLICY_DECISION}", refusal.reason);
                self.summary.strip_prefix(&lead).unwrap_or(&self.summary)
            }
            None => &self.summary,
        }
    }
}
