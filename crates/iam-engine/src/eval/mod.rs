//! Evaluation: AWS's decision for one request, with its reasons.
//!
//! Policies are compiled once ([`CompiledPolicy::compile`]) and grouped per principal in a
//! [`PolicySet`]; [`evaluate`] then answers a [`Request`] with an [`Evaluation`] (decision,
//! chain of steps, deciding statements, why each candidate did not apply, missing context keys
//! and anything uncertain), and [`decide`] answers with the bare [`Decision`] without
//! allocating, for bulk use.
//!
//! The combination follows the IAM User Guide's policy evaluation logic
//! (`reference_policies_evaluation-logic.html`, its cross-account page and the permissions
//! boundaries page):
//! 1. A Deny that applies in any policy (identity, boundary, session, SCP, RCP, resource,
//!    VPC endpoint)
//!    decides `explicitDeny`.
//! 2. Every RCP level of the resource's account must allow (the management account is
//!    exempt), and every SCP level of the principal's account likewise. A request through a
//!    VPC endpoint must be allowed by the endpoint's policy too (Amazon VPC's "Control access
//!    to VPC endpoints using endpoint policies"); that policy never grants on its own.
//! 3. The account root user may then do anything in its own account, except the KMS key
//!    policy rule below.
//! 4. In the same account, a resource-based policy that names the caller's user ARN or session
//!    ARN grants on its own (boundaries and session policies do not limit it); one that names
//!    the role ARN of a session grants if the boundary and session policies allow; one that
//!    names the account delegates to the identity policies.
//! 5. Otherwise an identity-based Allow is needed, then the boundary must allow, then the
//!    session policies.
//! 6. Cross-account requests need both the resource policy and the identity side.
//! 7. Role trust policies and KMS key policies must allow explicitly, even in the same account;
//!    a trust policy naming the user still needs the user's permissions boundary to allow.
//! 8. Tasks only the root user can do (see [`crate::root_tasks`]) are refused to every other
//!    principal whatever the policies say.
//! 9. `sts:GetCallerIdentity` needs no permission: it is allowed to every signed-in caller,
//!    even under an explicit deny. A KMS key policy governs requests on a key ARN only
//!    (`kms:ListKeys` on `*`, or `kms:CreateAlias` on an alias ARN, need IAM policies alone).
//!    Some requests AWS refuses whatever the policies say (an AWS managed policy, an IAM
//!    Identity Center or service-linked role, an `alias/aws/` KMS alias): the evaluation keeps
//!    the policy decision and adds [`AwsRefusal`] beside it (see the `service_rules` module).
//!
//! Choices where AWS documents nothing: `Principal: "*"` in a same-account resource policy
//! counts as naming the caller directly; a condition whose operator is unknown, or whose
//! policy value cannot be read, does not match, and the evaluation lists it under
//! `uncertain` so the decision never silently relies on it.

mod combine;
mod compile;
mod glue;
mod reach;
mod request;
mod result;
mod root_task;
mod service_rules;

pub use combine::{decide, evaluate};
pub use compile::{CompiledPolicy, PolicySource};
pub use reach::{
    ActionReach, ContextDependence, OpenStatement, ReachSet, allow_may_miss_on_condition,
    statement_reads_unset_key,
};
pub use request::{Caller, CallerKind, PolicySet, Request, ResourcePolicyKind};
pub use result::{
    Candidate, Decision, Evaluation, Miss, StatementRef, Step, StepKind, Uncertainty, Verdict,
    statement_name,
};
pub use root_task::{RootTaskEvaluation, evaluate_root_task};
pub(crate) use service_rules::is_kms_key_arn;
pub use service_rules::{AwsRefusal, AwsRefusalRule};
