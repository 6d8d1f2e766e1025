//! AWS `SimulateCustomPolicy` request and response shapes, and the simulation that connects
//! them to the evaluator.
//!
//! [`SimulateCustomPolicyInput`] reads exactly the JSON that `aws iam simulate-custom-policy
//! --cli-input-json` takes (PascalCase keys, policies as JSON strings), plus AWS's
//! `OrderedOrganizationPolicyInputList` (levels of `ServiceControlPolicyInputList`), and this
//! project's extensions, so that every layer the evaluator knows can be given:
//! - `OrderedResourceControlPolicyInputList`, levels of `ResourceControlPolicyInputList`, in
//!   the same form as the SCPs;
//! - `SessionPolicyInputList`, the session policies passed when the caller's session was
//!   created (AWS's `AssumeRole` `Policy` and `PolicyArns`), each a JSON document in a
//!   string; they apply to a role session or federated user only, so `CallerArn` must be one
//!   (`arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`);
//! - `VpcEndpoint`, `{"VpcEndpointId": "vpce-…", "PolicyDocument": "…"}` (the names of
//!   `aws ec2 create-vpc-endpoint`): the request goes through that endpoint, so its policy
//!   must allow it too (without `PolicyDocument`, AWS's default endpoint policy, which allows
//!   everything); `aws:SourceVpce` is the endpoint's id unless `ContextEntries` gives it.
//!
//! [`simulate`] answers with AWS's response shape ([`SimulateCustomPolicyOutput`]) and adds
//! the playground's explanation under `Explanation` in each result, so the app and the CLI
//! print the same JSON.
//!
//! Choices where AWS's documentation is silent:
//! - Policy ids are `PolicyInputList.N`, `PermissionsBoundaryPolicyInputList.N`,
//!   `SessionPolicyInputList.N`, `ResourcePolicy`, `ServiceControlPolicy.L.N`,
//!   `ResourceControlPolicy.L.N` (one-based) and `VpcEndpointPolicy`.
//! - `SourcePolicyType` is `IAM Policy` for identity and boundary inputs, `Session Policy` for
//!   session policies, `Resource Policy` for the resource policy, `Organizations Policy` for
//!   SCPs and RCPs, `VPC Endpoint Policy` for the endpoint's policy.
//! - Line and column numbers are one-based and count characters.
//! - Without `CallerArn`, the caller is an IAM user `arn:aws:iam::123456789012:user/Simulated`
//!   in the resource owner's account (or in 123456789012), as AWS simulates a user.
//! - The organization's levels apply as given: the caller's account is treated as a member.
//! - An action whose service is `sts` and name starts with `AssumeRole` evaluates the resource
//!   policy as a role trust policy; `kms:` actions evaluate it as a key policy.

use serde::{Deserialize, Serialize};

use crate::context::{ContextEntry, RequestContext};
use crate::diagnostic::Diagnostic;
use crate::eval::{
    self, Caller, CompiledPolicy, Evaluation, PolicySet, Request, ResourcePolicyKind, StatementRef,
};
use crate::policy::PolicyType;
use crate::span::LineIndex;

/// The input of `aws iam simulate-custom-policy`, as `--cli-input-json` reads it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct SimulateCustomPolicyInput {
    /// Identity-based policies, each a JSON document in a string.
    pub policy_input_list: Vec<String>,
    /// Permissions boundaries, each a JSON document in a string.
    #[serde(default)]
    pub permissions_boundary_policy_input_list: Vec<String>,
    /// Actions to simulate.
    pub action_names: Vec<String>,
    /// Resources to simulate; `*` when absent.
    #[serde(default)]
    pub resource_arns: Vec<String>,
    /// The resource-based policy, a JSON document in a string.
    #[serde(default)]
    pub resource_policy: Option<String>,
    /// The account owning the resource (an account id or `arn:aws:iam::ACCOUNT:root`).
    #[serde(default)]
    pub resource_owner: Option<String>,
    /// The caller's ARN.
    #[serde(default)]
    pub caller_arn: Option<String>,
    /// Context keys and values.
    #[serde(default)]
    pub context_entries: Vec<ContextEntry>,
    /// AWS's resource handling option (accepted and ignored: it names EC2 scenarios).
    #[serde(default)]
    pub resource_handling_option: Option<String>,
    /// Paging (accepted and ignored: every result is returned).
    #[serde(default)]
    pub max_items: Option<u32>,
    /// Paging (accepted and ignored).
    #[serde(default)]
    pub marker: Option<String>,
    /// SCP levels from the organization root to the account.
    #[serde(default)]
    pub ordered_organization_policy_input_list: Vec<ScpLevel>,
    /// RCP levels from the organization root to the account (this project's extension).
    #[serde(default)]
    pub ordered_resource_control_policy_input_list: Vec<RcpLevel>,
    /// Session policies of the caller's session, each a JSON document in a string (this
    /// project's extension).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub session_policy_input_list: Vec<String>,
    /// The VPC endpoint the request goes through (this project's extension).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_endpoint: Option<VpcEndpointInput>,
}

impl SimulateCustomPolicyInput {
    /// The text of the input policy [`simulate`] names `id` (`PolicyInputList.2`,
    /// `ServiceControlPolicy.1.1`, `ResourcePolicy`, ...), to place its diagnostics.
    pub fn policy_text(&self, id: &str) -> Option<&str> {
        // The one-based `n`th of `list`.
        fn nth<'a>(list: &'a [String], n: &str) -> Option<&'a str> {
            let n: usize = n.parse().ok()?;
            list.get(n.checked_sub(1)?).map(String::as_str)
        }
        let (list, rest) = id.split_once('.').unwrap_or((id, ""));
        match list {
            "PolicyInputList" => nth(&self.policy_input_list, rest),
            "PermissionsBoundaryPolicyInputList" => {
                nth(&self.permissions_boundary_policy_input_list, rest)
            }
            "SessionPolicyInputList" => nth(&self.session_policy_input_list, rest),
            "ResourcePolicy" => self.resource_policy.as_deref(),
            "VpcEndpointPolicy" => self.vpc_endpoint.as_ref().map(|e| {
                e.policy_document
                    .as_deref()
                    .unwrap_or(DEFAULT_VPC_ENDPOINT_POLICY)
            }),
            "ServiceControlPolicy" => {
                let (level, n) = rest.split_once('.')?;
                let level: usize = level.parse().ok()?;
                let level = self
                    .ordered_organization_policy_input_list
                    .get(level.checked_sub(1)?)?;
                nth(&level.service_control_policy_input_list, n)
            }
            "ResourceControlPolicy" => {
                let (level, n) = rest.split_once('.')?;
                let level: usize = level.parse().ok()?;
                let level = self
                    .ordered_resource_control_policy_input_list
                    .get(level.checked_sub(1)?)?;
                nth(&level.resource_control_policy_input_list, n)
            }
            _ => None,
        }
    }
}

/// The VPC endpoint a simulated request goes through.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct VpcEndpointInput {
    /// The endpoint's id, `vpce-` and 8 or 17 hexadecimal digits.
    pub vpc_endpoint_id: String,
    /// The endpoint policy, a JSON document in a string; AWS's default endpoint policy (full
    /// access) when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_document: Option<String>,
}

/// AWS's default VPC endpoint policy: full access for everyone through the endpoint.
pub const DEFAULT_VPC_ENDPOINT_POLICY: &str =
    r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#;

/// Whether `id` is a VPC endpoint id: `vpce-` and 8 or 17 lower-case hexadecimal digits.
pub fn is_vpc_endpoint_id(id: &str) -> bool {
    id.strip_prefix("vpce-").is_some_and(|hex| {
        (hex.len() == 8 || hex.len() == 17)
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// One level of SCPs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ScpLevel {
    /// The SCPs attached at this level, each a JSON document in a string.
    #[serde(default)]
    pub service_control_policy_input_list: Vec<String>,
}

/// One level of RCPs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct RcpLevel {
    /// The RCPs attached at this level, each a JSON document in a string.
    #[serde(default)]
    pub resource_control_policy_input_list: Vec<String>,
}

/// The response of `SimulateCustomPolicy`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SimulateCustomPolicyOutput {
    /// One result per action and resource.
    pub evaluation_results: Vec<EvaluationResult>,
    /// Always false: nothing is paged.
    pub is_truncated: bool,
    /// Grammar diagnostics of the input policies, keyed by policy id (our extension).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policy_diagnostics: Vec<PolicyDiagnostics>,
}

/// The diagnostics of one input policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyDiagnostics {
    /// The policy's id.
    pub source_policy_id: String,
    /// Its diagnostics.
    pub diagnostics: Vec<Diagnostic>,
}

/// One simulated action on one resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EvaluationResult {
    /// The action.
    pub eval_action_name: String,
    /// The resource.
    pub eval_resource_name: String,
    /// `allowed`, `explicitDeny` or `implicitDeny`.
    pub eval_decision: String,
    /// The statements that decided.
    pub matched_statements: Vec<MatchedStatement>,
    /// Context keys the policies use that the request did not supply.
    pub missing_context_values: Vec<String>,
    /// Whether the SCPs allowed, when any were given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organizations_decision_detail: Option<OrganizationsDecisionDetail>,
    /// Whether the boundary allowed, when one was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions_boundary_decision_detail: Option<PermissionsBoundaryDecisionDetail>,
    /// The playground's explanation (our extension), listing at most
    /// [`MAX_EXPLAINED_STATEMENTS`] statements of each kind.
    pub explanation: Evaluation,
    /// How many statements the explanation left out of each list, when it left any out (our
    /// extension): a policy of thousands of statements is summarized, not listed per result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explanation_omitted: Option<ExplanationOmitted>,
    /// When the resource is a pattern (`arn:aws:s3:::reports/*`), the action decided on one ARN
    /// per region inside it, with a witness for each side (our extension; `simulate-principal-
    /// policy` over a scenario fills it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_pattern: Option<crate::workbench::pattern::PatternAnswer>,
}

/// The most statements an explanation lists as matched, as candidates or as uncertain; the
/// rest are counted in [`ExplanationOmitted`]. `MatchedStatements`, AWS's own field, lists
/// every one.
pub const MAX_EXPLAINED_STATEMENTS: usize = 20;

/// The entries an explanation left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ExplanationOmitted {
    /// Matched statements past the first [`MAX_EXPLAINED_STATEMENTS`].
    pub matched_statements: usize,
    /// Candidate statements past the first [`MAX_EXPLAINED_STATEMENTS`].
    pub candidates: usize,
    /// Uncertain conditions past the first [`MAX_EXPLAINED_STATEMENTS`].
    pub uncertain: usize,
}

/// A statement in AWS's response shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MatchedStatement {
    /// The policy's id.
    pub source_policy_id: String,
    /// The policy's kind.
    pub source_policy_type: String,
    /// Where the statement starts.
    pub start_position: Position,
    /// Where it ends.
    pub end_position: Position,
}

/// A one-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Position {
    /// Line.
    pub line: usize,
    /// Column.
    pub column: usize,
}

/// AWS's `OrganizationsDecisionDetail`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OrganizationsDecisionDetail {
    /// Whether the SCPs allowed the request.
    pub allowed_by_organizations: bool,
}

/// AWS's `PermissionsBoundaryDecisionDetail`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PermissionsBoundaryDecisionDetail {
    /// Whether the boundary allowed the request.
    pub allowed_by_permissions_boundary: bool,
}

/// A problem with the input itself (not with a policy): the CLI exits with status 2.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimulateError {
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for SimulateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SimulateError {}

struct Source {
    id: String,
    aws_type: &'static str,
    text: String,
}

/// Where statements' positions are looked up: each policy's line index made once (not once per
/// matched statement), found by policy id.
struct Positions<'s> {
    by_id: std::collections::HashMap<&'s str, (&'static str, LineIndex<'s>)>,
    resource_policy: LineIndex<'s>,
}

impl<'s> Positions<'s> {
    fn new(sources: &'s [Source], resource_policy: &'s str) -> Positions<'s> {
        let mut by_id = std::collections::HashMap::new();
        for src in sources {
            by_id
                .entry(src.id.as_str())
                .or_insert_with(|| (src.aws_type, LineIndex::new(&src.text)));
        }
        Positions {
            by_id,
            resource_policy: LineIndex::new(resource_policy),
        }
    }
}

/// Runs the simulation. Policy problems become diagnostics in the output; only unusable input
/// (no action, a caller ARN that is not a principal, a bad context entry) is an error.
pub fn simulate(
    input: &SimulateCustomPolicyInput,
) -> Result<SimulateCustomPolicyOutput, SimulateError> {
    if input.action_names.is_empty() {
        return Err(SimulateError {
            message: "ActionNames must list at least one action.".to_string(),
        });
    }
    // AWS accepts at most one permissions boundary, as an IAM entity has at most one.
    if input.permissions_boundary_policy_input_list.len() > 1 {
        return Err(SimulateError {
            message: "PermissionsBoundaryPolicyInputList takes at most one policy.".to_string(),
        });
    }
    let owner = match input.resource_owner.as_deref() {
        None | Some("") => None,
        Some(o) => Some(account_of(o).ok_or_else(|| SimulateError {
            message: format!("ResourceOwner \"{o}\" is neither an account ID nor an account ARN."),
        })?),
    };
    let caller = match input.caller_arn.as_deref() {
        Some(arn) => Caller::from_arn(arn).ok_or_else(|| SimulateError {
            message: format!(
                "CallerArn \"{arn}\" is not a user, role, assumed-role session, federated user or root ARN."
            ),
        })?,
        None => {
            let account = owner.clone().unwrap_or_else(|| "123456789012".to_string());
            Caller::from_arn(&format!("arn:aws:iam::{account}:user/Simulated")).ok_or_else(
                || SimulateError {
                    message: "ResourceOwner is not a valid account.".to_string(),
                },
            )?
        }
    };
    if !input.session_policy_input_list.is_empty()
        && !matches!(
            caller.kind,
            eval::CallerKind::RoleSession | eval::CallerKind::FederatedUser
        )
    {
        return Err(SimulateError {
            message: "SessionPolicyInputList applies to a role session or a federated user: give CallerArn as arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION.".to_string(),
        });
    }
    let mut context: RequestContext = input.context_entries.iter().cloned().collect();
    if let Some(endpoint) = &input.vpc_endpoint {
        let id = &endpoint.vpc_endpoint_id;
        if !is_vpc_endpoint_id(id) {
            let shown: String = id.chars().take(80).collect();
            return Err(SimulateError {
                message: format!(
                    "VpcEndpoint.VpcEndpointId \"{shown}\" is not a VPC endpoint id: vpce- and 8 or 17 hexadecimal digits, such as vpce-0a1b2c3d4e5f60718."
                ),
            });
        }
        if context.get("aws:SourceVpce").is_none() {
            context.insert(ContextEntry::new(
                "aws:SourceVpce",
                crate::context::ContextKeyType::String,
                [id.clone()],
            ));
        }
    }
    let mut sources: Vec<Source> = Vec::new();
    let mut diagnostics = Vec::new();
    let mut compile = |id: String, aws_type: &'static str, text: &str, t: PolicyType| {
        let (policy, diags) = CompiledPolicy::from_text(id.clone(), text, t);
        if !diags.is_empty() {
            diagnostics.push(PolicyDiagnostics {
                source_policy_id: id.clone(),
                diagnostics: diags,
            });
        }
        sources.push(Source {
            id,
            aws_type,
            text: text.to_string(),
        });
        policy
    };
    let mut set = PolicySet::default();
    for (i, text) in input.policy_input_list.iter().enumerate() {
        set.identity.push(compile(
            format!("PolicyInputList.{}", i + 1),
            "IAM Policy",
            text,
            PolicyType::Identity,
        ));
    }
    for (i, text) in input
        .permissions_boundary_policy_input_list
        .iter()
        .enumerate()
    {
        set.permissions_boundary = Some(compile(
            format!("PermissionsBoundaryPolicyInputList.{}", i + 1),
            "IAM Policy",
            text,
            PolicyType::PermissionsBoundary,
        ));
    }
    for (i, text) in input.session_policy_input_list.iter().enumerate() {
        set.session.push(compile(
            format!("SessionPolicyInputList.{}", i + 1),
            "Session Policy",
            text,
            PolicyType::Session,
        ));
    }
    if let Some(endpoint) = &input.vpc_endpoint {
        let text = endpoint
            .policy_document
            .as_deref()
            .unwrap_or(DEFAULT_VPC_ENDPOINT_POLICY);
        set.vpc_endpoint = Some(compile(
            "VpcEndpointPolicy".to_string(),
            "VPC Endpoint Policy",
            text,
            PolicyType::VpcEndpoint,
        ));
    }
    for (l, level) in input
        .ordered_organization_policy_input_list
        .iter()
        .enumerate()
    {
        let mut policies = Vec::new();
        for (i, text) in level.service_control_policy_input_list.iter().enumerate() {
            policies.push(compile(
                format!("ServiceControlPolicy.{}.{}", l + 1, i + 1),
                "Organizations Policy",
                text,
                PolicyType::Scp,
            ));
        }
        set.scp_levels.push(policies);
    }
    for (l, level) in input
        .ordered_resource_control_policy_input_list
        .iter()
        .enumerate()
    {
        let mut policies = Vec::new();
        for (i, text) in level.resource_control_policy_input_list.iter().enumerate() {
            policies.push(compile(
                format!("ResourceControlPolicy.{}.{}", l + 1, i + 1),
                "Organizations Policy",
                text,
                PolicyType::Rcp,
            ));
        }
        set.rcp_levels.push(policies);
    }
    let resources: Vec<String> = if input.resource_arns.is_empty() {
        vec!["*".to_string()]
    } else {
        input.resource_arns.clone()
    };

    let positions = Positions::new(&sources, input.resource_policy.as_deref().unwrap_or(""));
    let mut results = Vec::new();
    for action in &input.action_names {
        let kind = resource_policy_kind(action);
        let policy_type = if kind == ResourcePolicyKind::RoleTrust {
            PolicyType::Trust
        } else {
            PolicyType::Resource
        };
        set.resource_policy_kind = kind;
        set.resource_policy = input.resource_policy.as_deref().map(|text| {
            let (p, diags) = CompiledPolicy::from_text("ResourcePolicy", text, policy_type);
            if !diagnostics
                .iter()
                .any(|d| d.source_policy_id == "ResourcePolicy")
                && !diags.is_empty()
            {
                diagnostics.push(PolicyDiagnostics {
                    source_policy_id: "ResourcePolicy".to_string(),
                    diagnostics: diags,
                });
            }
            p
        });
        for resource in &resources {
            let request = Request {
                caller: caller.clone(),
                action: action.clone(),
                resource: resource.clone(),
                resource_account: owner.clone(),
                context: context.clone(),
            };
            let evaluation = eval::evaluate(&set, &request);
            results.push(to_result(action, resource, evaluation, &positions));
        }
    }
    Ok(SimulateCustomPolicyOutput {
        evaluation_results: results,
        is_truncated: false,
        policy_diagnostics: diagnostics,
    })
}

fn resource_policy_kind(action: &str) -> ResourcePolicyKind {
    let lower = action.to_ascii_lowercase();
    if lower.starts_with("sts:assumerole") {
        ResourcePolicyKind::RoleTrust
    } else if lower.starts_with("kms:") {
        ResourcePolicyKind::KmsKey
    } else {
        ResourcePolicyKind::Ordinary
    }
}

/// Reads `111122223333` or `arn:aws:iam::111122223333:root` as an account id.
fn account_of(owner: &str) -> Option<String> {
    let is_account = |s: &str| s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit());
    if is_account(owner) {
        return Some(owner.to_string());
    }
    let parts: Vec<&str> = owner.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", _, _, _, account, _] if is_account(account) => Some((*account).to_string()),
        _ => None,
    }
}

fn to_result(
    action: &str,
    resource: &str,
    evaluation: Evaluation,
    positions: &Positions<'_>,
) -> EvaluationResult {
    evaluation_result(action, resource, evaluation, |s| {
        let (aws_type, index) = match positions.by_id.get(s.policy_id.as_str()) {
            Some((aws_type, index)) => (*aws_type, index),
            None => ("Resource Policy", &positions.resource_policy),
        };
        MatchedStatement::located(s, aws_type, index)
    })
}

impl MatchedStatement {
    /// The statement `s` of a policy of type `aws_type`, located by line and column through
    /// `index`, the line index of its policy's text.
    pub(crate) fn located(s: &StatementRef, aws_type: &str, index: &LineIndex) -> MatchedStatement {
        let start = index.line_col(s.span.start);
        let end = index.line_col(s.span.end);
        MatchedStatement {
            source_policy_id: s.policy_id.clone(),
            source_policy_type: aws_type.to_string(),
            start_position: Position {
                line: start.line,
                column: start.column,
            },
            end_position: Position {
                line: end.line,
                column: end.column,
            },
        }
    }
}

/// One result in AWS's shape for `evaluation`, each matched statement located by `locate`;
/// the explanation is summarized when long (see [`summarize_explanation`]). Shared by
/// `simulate-custom-policy` and the scenario's `simulate-principal-policy`.
pub(crate) fn evaluation_result(
    action: &str,
    resource: &str,
    mut evaluation: Evaluation,
    locate: impl Fn(&StatementRef) -> MatchedStatement,
) -> EvaluationResult {
    let matched_statements = evaluation.matched_statements.iter().map(locate).collect();
    EvaluationResult {
        eval_action_name: action.to_string(),
        eval_resource_name: resource.to_string(),
        eval_decision: evaluation.decision.as_aws_str().to_string(),
        matched_statements,
        missing_context_values: evaluation.missing_context_keys.clone(),
        organizations_decision_detail: evaluation.allowed_by_organizations.map(|a| {
            OrganizationsDecisionDetail {
                allowed_by_organizations: a,
            }
        }),
        permissions_boundary_decision_detail: evaluation.allowed_by_permissions_boundary.map(|a| {
            PermissionsBoundaryDecisionDetail {
                allowed_by_permissions_boundary: a,
            }
        }),
        explanation_omitted: summarize_explanation(&mut evaluation),
        explanation: evaluation,
        resource_pattern: None,
    }
}

/// Cuts the explanation's lists to [`MAX_EXPLAINED_STATEMENTS`] entries, returning what was
/// left out (`None` when nothing was).
fn summarize_explanation(evaluation: &mut Evaluation) -> Option<ExplanationOmitted> {
    fn cut<T>(list: &mut Vec<T>) -> usize {
        let omitted = list.len().saturating_sub(MAX_EXPLAINED_STATEMENTS);
        list.truncate(MAX_EXPLAINED_STATEMENTS);
        omitted
    }
    let omitted = ExplanationOmitted {
        matched_statements: cut(&mut evaluation.matched_statements),
        candidates: cut(&mut evaluation.candidates),
        uncertain: cut(&mut evaluation.uncertain),
    };
    (omitted.matched_statements + omitted.candidates + omitted.uncertain > 0).then_some(omitted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_text_finds_each_input_by_its_id() {
        let input = SimulateCustomPolicyInput {
            policy_input_list: vec!["a".into(), "b".into()],
            resource_policy: Some("r".into()),
            ordered_organization_policy_input_list: vec![ScpLevel {
                service_control_policy_input_list: vec!["s".into()],
            }],
            ..SimulateCustomPolicyInput::default()
        };
        assert_eq!(input.policy_text("PolicyInputList.2"), Some("b"));
        assert_eq!(input.policy_text("ResourcePolicy"), Some("r"));
        assert_eq!(input.policy_text("ServiceControlPolicy.1.1"), Some("s"));
        // Near misses: one past the end, zero, a level that is not there.
        assert_eq!(input.policy_text("PolicyInputList.3"), None);
        assert_eq!(input.policy_text("PolicyInputList.0"), None);
        assert_eq!(input.policy_text("ServiceControlPolicy.2.1"), None);
        assert_eq!(input.policy_text("ResourceControlPolicy.1.1"), None);
    }

    fn input(json: serde_json::Value) -> SimulateCustomPolicyInput {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn owner_forms_and_policy_kinds() {
        assert_eq!(account_of("111122223333").as_deref(), Some("111122223333"));
        assert_eq!(
            account_of("arn:aws:iam::111122223333:root").as_deref(),
            Some("111122223333")
        );
        assert_eq!(account_of("me"), None);
        assert_eq!(
            resource_policy_kind("sts:AssumeRoleWithSAML"),
            ResourcePolicyKind::RoleTrust
        );
        assert_eq!(
            resource_policy_kind("KMS:Decrypt"),
            ResourcePolicyKind::KmsKey
        );
        assert_eq!(
            resource_policy_kind("s3:GetObject"),
            ResourcePolicyKind::Ordinary
        );
    }

    #[test]
    fn one_result_per_action_and_resource_with_positions() {
        let out = simulate(&input(serde_json::json!({
            "PolicyInputList": ["{\n \"Version\": \"2012-10-17\",\n \"Statement\": {\"Effect\": \"Deny\", \"Action\": \"s3:Delete*\", \"Resource\": \"*\"}\n}"],
            "ActionNames": ["s3:DeleteObject", "s3:GetObject"],
            "ResourceArns": ["arn:aws:s3:::a/1", "arn:aws:s3:::a/2"],
        })))
        .unwrap();
        assert_eq!(out.evaluation_results.len(), 4);
        let first = &out.evaluation_results[0];
        assert_eq!(first.eval_decision, "explicitDeny");
        let m = &first.matched_statements[0];
        assert_eq!(
            m.start_position,
            Position {
                line: 3,
                column: 15
            }
        );
        assert_eq!(m.end_position.line, 3);
        assert_eq!(out.evaluation_results[2].eval_decision, "implicitDeny");
    }

    #[test]
    fn input_errors() {
        let two_boundaries = input(serde_json::json!({
            "PolicyInputList": [],
            "PermissionsBoundaryPolicyInputList": ["{}", "{}"],
            "ActionNames": ["s3:GetObject"],
        }));
        assert!(
            simulate(&two_boundaries)
                .unwrap_err()
                .message
                .contains("at most one")
        );
        let no_action = input(serde_json::json!({"PolicyInputList": [], "ActionNames": []}));
        assert!(simulate(&no_action).is_err());
    }

    const ALLOW_S3: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
    const SESSION: &str = "arn:aws:sts::111122223333:assumed-role/app/s1";

    #[test]
    fn session_policies_limit_a_role_session() {
        let session_policy = r#"{"Version":"2012-10-17","Statement":[{"Sid":"ReadOnly","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
        let out = simulate(&input(serde_json::json!({
            "PolicyInputList": [ALLOW_S3],
            "SessionPolicyInputList": [session_policy],
            "ActionNames": ["s3:GetObject", "s3:PutObject"],
            "CallerArn": SESSION,
        })))
        .unwrap();
        let [get, put] = out.evaluation_results.as_slice() else {
            panic!("two results expected")
        };
        assert_eq!(get.eval_decision, "allowed");
        assert_eq!(put.eval_decision, "implicitDeny");
        assert!(
            put.explanation.summary.contains("No session policy allows"),
            "{}",
            put.explanation.summary
        );
        // A Deny in a session policy is located like any other statement.
        let deny = r#"{"Version":"2012-10-17","Statement":[
  {"Effect":"Allow","Action":"*","Resource":"*"},
  {"Effect":"Deny","Action":"s3:PutObject","Resource":"*"}]}"#;
        let out = simulate(&input(serde_json::json!({
            "PolicyInputList": [ALLOW_S3],
            "SessionPolicyInputList": [deny],
            "ActionNames": ["s3:PutObject"],
            "CallerArn": SESSION,
        })))
        .unwrap();
        let m = &out.evaluation_results[0].matched_statements[0];
        assert_eq!(m.source_policy_id, "SessionPolicyInputList.1");
        assert_eq!(m.source_policy_type, "Session Policy");
        assert_eq!(m.start_position, Position { line: 3, column: 3 });
        // Near miss: without the session policy the same request is allowed.
        let out = simulate(&input(serde_json::json!({
            "PolicyInputList": [ALLOW_S3],
            "ActionNames": ["s3:PutObject"],
            "CallerArn": SESSION,
        })))
        .unwrap();
        assert_eq!(out.evaluation_results[0].eval_decision, "allowed");
    }

    #[test]
    fn session_policies_need_a_session_caller() {
        for caller in [None, Some("arn:aws:iam::111122223333:user/alice")] {
            let mut json = serde_json::json!({
                "PolicyInputList": [ALLOW_S3],
                "SessionPolicyInputList": [ALLOW_S3],
                "ActionNames": ["s3:GetObject"],
            });
            if let Some(c) = caller {
                json["CallerArn"] = c.into();
            }
            let e = simulate(&input(json)).unwrap_err();
            assert!(e.message.contains("role session"), "{e}");
        }
    }

    #[test]
    fn a_vpc_endpoint_policy_filters_requests_through_it() {
        let endpoint = r#"{
  "Statement": [
    {"Sid": "Reports", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"},
    {"Sid": "NoDeletes", "Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObject", "Resource": "*"}
  ]
}"#;
        let out = simulate(&input(serde_json::json!({
            "PolicyInputList": [ALLOW_S3],
            "ActionNames": ["s3:GetObject", "s3:DeleteObject"],
            "ResourceArns": ["arn:aws:s3:::reports/q1", "arn:aws:s3:::private/k"],
            "VpcEndpoint": {"VpcEndpointId": "vpce-0a1b2c3d4e5f60718", "PolicyDocument": endpoint},
        })))
        .unwrap();
        let decisions: Vec<&str> = out
            .evaluation_results
            .iter()
            .map(|r| r.eval_decision.as_str())
            .collect();
        assert_eq!(
            decisions,
            ["allowed", "implicitDeny", "explicitDeny", "explicitDeny"]
        );
        let refused = &out.evaluation_results[1];
        assert!(
            refused
                .explanation
                .summary
                .contains("VPC endpoint policy does not allow"),
            "{}",
            refused.explanation.summary
        );
        assert!(
            refused
                .explanation
                .candidates
                .iter()
                .any(|c| c.statement.policy_id == "VpcEndpointPolicy")
        );
        let denied = &out.evaluation_results[2].matched_statements[0];
        assert_eq!(denied.source_policy_id, "VpcEndpointPolicy");
        assert_eq!(denied.source_policy_type, "VPC Endpoint Policy");
        assert_eq!(denied.start_position, Position { line: 4, column: 5 });
        // Near miss: the same request not through the endpoint is allowed.
        let out = simulate(&input(serde_json::json!({
            "PolicyInputList": [ALLOW_S3],
            "ActionNames": ["s3:DeleteObject"],
        })))
        .unwrap();
        assert_eq!(out.evaluation_results[0].eval_decision, "allowed");
    }

    #[test]
    fn the_endpoint_sets_source_vpce_unless_the_context_gives_it() {
        let only_this_endpoint = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-0a1b2c3d"}}}]}"#;
        let run = |context: serde_json::Value| {
            let out = simulate(&input(serde_json::json!({
                "PolicyInputList": [only_this_endpoint],
                "ActionNames": ["s3:GetObject"],
                "VpcEndpoint": {"VpcEndpointId": "vpce-0a1b2c3d"},
                "ContextEntries": context,
            })))
            .unwrap();
            out.evaluation_results[0].eval_decision.clone()
        };
        // The default endpoint policy allows everything; aws:SourceVpce comes from the id.
        assert_eq!(run(serde_json::json!([])), "allowed");
        assert_eq!(
            run(
                serde_json::json!([{"ContextKeyName": "aws:SourceVpce", "ContextKeyValues": ["vpce-99999999"], "ContextKeyType": "string"}])
            ),
            "implicitDeny"
        );
    }

    #[test]
    fn bad_endpoint_input_is_refused_with_its_place() {
        let e = simulate(&input(serde_json::json!({
            "PolicyInputList": [],
            "ActionNames": ["s3:GetObject"],
            "VpcEndpoint": {"VpcEndpointId": "vpc-123"},
        })))
        .unwrap_err();
        assert!(e.message.contains("not a VPC endpoint id"), "{e}");
        let text = "{\n  \"PolicyInputList\": [],\n  \"ActionNames\": [\"s3:GetObject\"],\n  \"VpcEndpoint\": {\"Id\": \"vpce-0a1b2c3d\"}\n}";
        let e = serde_json::from_str::<SimulateCustomPolicyInput>(text).unwrap_err();
        assert_eq!((e.line(), e.column() > 0), (4, true), "{e}");
        assert!(e.to_string().contains("unknown field `Id`"), "{e}");
        assert!(is_vpc_endpoint_id("vpce-0a1b2c3d4e5f60718"));
        for bad in [
            "vpce-0A1B2C3D",
            "vpce-123",
            "vpce-",
            "vpc-0a1b2c3d",
            "vpce-0a1b2c3d4e5f6071",
        ] {
            assert!(!is_vpc_endpoint_id(bad), "{bad}");
        }
    }
}

#[cfg(test)]
mod large {
    use super::*;

    #[test]
    fn large_policies_are_summarized_per_result() {
        // Regression: each result's explanation listed every statement (100 actions × 20,000
        // statements printed 1.1 GB), and each matched statement indexed its whole policy.
        let statements: Vec<String> = (0..20_000)
            .map(|i| {
                format!(
                    r#"{{"Sid":"S{i}","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b{i}/*"}}"#
                )
            })
            .collect();
        let policy = format!(
            r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
            statements.join(",")
        );
        let input: SimulateCustomPolicyInput = serde_json::from_value(serde_json::json!({
            "PolicyInputList": [policy],
            "ActionNames": ["s3:GetObject", "s3:PutObject"],
            "ResourceArns": ["arn:aws:s3:::b7/k", "arn:aws:s3:::other/k"],
        }))
        .unwrap();
        let output = simulate(&input).unwrap();
        assert_eq!(output.evaluation_results.len(), 4);
        let allowed = &output.evaluation_results[0];
        assert_eq!(allowed.eval_decision, "allowed");
        assert_eq!(allowed.matched_statements.len(), 1);
        assert_eq!(allowed.explanation_omitted, None);
        let denied = &output.evaluation_results[3];
        assert_eq!(denied.eval_decision, "implicitDeny");
        assert_eq!(
            denied.explanation.candidates.len(),
            MAX_EXPLAINED_STATEMENTS
        );
        assert_eq!(
            denied.explanation_omitted.as_ref().map(|o| o.candidates),
            Some(20_000 - MAX_EXPLAINED_STATEMENTS)
        );
        let json = serde_json::to_string(&output).unwrap();
        assert!(json.len() < 200_000, "{}", json.len());
    }
}
