//! `simulate-principal-policy` over a scenario: AWS's `SimulatePrincipalPolicy` asked of a user
//! or role of the scenario, answered in the shape of AWS's response (the same
//! [`SimulateCustomPolicyOutput`] that `simulate-custom-policy` prints).
//!
//! The principal's policies are gathered as the simulator gathers them
//! ([`super::simulate::prepare_request`]: identity policies, its groups', its boundary, the
//! organization's SCPs and RCPs, the resource's policy), so the CLI and the page give the same
//! decision. A matched statement's `SourcePolicyId` is the evaluation's id of the policy
//! ([`PolicySource::id`], e.g. `user/alice:inline/Work`, `scp/1/0`) and its `SourcePolicyType`
//! is AWS's `PolicySourceType` (`user`, `group`, `role`, `aws-managed`, `user-managed`,
//! `resource`, or `none` for the organization's policies).

use serde::Serialize;

use crate::context::ContextEntry;
use crate::scenario::{ContextValue, IdentityRef, PolicyRef, PrincipalRef};
use crate::simulate::{EvaluationResult, MatchedStatement, SimulateCustomPolicyOutput};
use crate::span::LineIndex;

use super::Workbench;
use super::simulate::{ScenarioEvaluation, SimulationError, evaluate_request};
use super::source::PolicySource;

/// The input of `simulate-principal-policy` (AWS's parameter names in the CLI).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PrincipalPolicyInput {
    /// The ARN of a user or role of the scenario, or of the account's root user.
    pub policy_source_arn: String,
    /// The actions to simulate.
    pub action_names: Vec<String>,
    /// The resources (`*` when empty).
    pub resource_arns: Vec<String>,
    /// The request's context keys.
    pub context_entries: Vec<ContextEntry>,
}

/// AWS's `PolicySourceType` of a policy.
fn source_type(source: &PolicySource) -> &'static str {
    match source {
        PolicySource::Inline { owner, .. } => match owner {
            IdentityRef::User(_) => "user",
            IdentityRef::Group(_) => "group",
            IdentityRef::Role(_) => "role",
        },
        PolicySource::Attached { policy, .. } => match policy {
            PolicyRef::Aws(_) => "aws-managed",
            PolicyRef::Customer(_) => "user-managed",
        },
        PolicySource::Trust { .. }
        | PolicySource::Resource { .. }
        | PolicySource::DefaultKeyPolicy { .. } => "resource",
        PolicySource::DefaultEndpointPolicy { .. }
        | PolicySource::External { .. }
        | PolicySource::Scp { .. }
        | PolicySource::Rcp { .. }
        | PolicySource::RcpFullAwsAccess { .. } => "none",
    }
}

/// The principal a `PolicySourceArn` names: the root user, or a user or role of the scenario.
fn principal_of(wb: &Workbench<'_>, arn: &str) -> Result<PrincipalRef, SimulationError> {
    let s = wb.scenario;
    if arn == s.root_arn() {
        return Ok(PrincipalRef::Root);
    }
    if let Some(u) = s.users.iter().find(|u| s.user_arn(u) == arn) {
        return Ok(PrincipalRef::User(u.name.clone()));
    }
    if let Some(r) = s.roles.iter().find(|r| s.role_arn(r) == arn) {
        return Ok(PrincipalRef::Role(r.name.clone()));
    }
    Err(SimulationError {
        code: "unknown-principal",
        message: format!(
            "{arn} is not the root user, a user or a role of the scenario's account {}.",
            s.account.id
        ),
    })
}

/// One result in AWS's shape, with the statements located by line and column in their texts.
fn to_result(
    wb: &Workbench<'_>,
    action: &str,
    resource: &str,
    result: ScenarioEvaluation,
) -> EvaluationResult {
    let sources = &result.sources;
    crate::simulate::evaluation_result(action, resource, result.evaluation, |s| {
        let source = sources.iter().find(|src| src.id() == s.policy_id);
        let text = source
            .and_then(|src| src.text(wb.scenario, wb.managed))
            .unwrap_or_default();
        MatchedStatement::located(
            s,
            source.map_or("none", source_type),
            &LineIndex::new(&text),
        )
    })
}

/// Simulates every action on every resource for the principal (see the module docs).
pub(super) fn simulate_principal_policy(
    wb: &Workbench<'_>,
    input: &PrincipalPolicyInput,
) -> Result<SimulateCustomPolicyOutput, SimulationError> {
    let principal = principal_of(wb, input.policy_source_arn.trim())?;
    let context: Vec<ContextValue> = input
        .context_entries
        .iter()
        .map(|e| ContextValue {
            key: e.key.clone(),
            ty: e.ty,
            values: e.values.clone(),
        })
        .collect();
    let star = ["*".to_string()];
    let resources = if input.resource_arns.is_empty() {
        &star[..]
    } else {
        &input.resource_arns[..]
    };
    let mut evaluation_results = Vec::with_capacity(input.action_names.len() * resources.len());
    for action in &input.action_names {
        for resource in resources {
            let result = evaluate_request(
                wb.scenario,
                wb.managed,
                wb.cache,
                &principal,
                action,
                resource,
                &context,
            )?;
            let mut out = to_result(wb, action, resource, result);
            out.resource_pattern = super::pattern::pattern_answer(
                wb.scenario,
                wb.managed,
                wb.cache,
                &principal,
                action,
                resource,
                &context,
                &[],
            );
            evaluation_results.push(out);
        }
    }
    Ok(SimulateCustomPolicyOutput {
        evaluation_results,
        is_truncated: false,
        policy_diagnostics: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::context::ContextKeyType;
    use crate::scenario::{InlinePolicy, Scenario, User};
    use crate::workbench::CompileCache;

    fn scenario() -> Scenario {
        let mut s = Scenario::new("111122223333");
        let mut u = User::new("alice");
        u.inline_policies.push(InlinePolicy {
            name: "Reads".into(),
            document: "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Sid\": \"Read\", \"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\",\n     \"Condition\": {\"StringEquals\": {\"aws:RequestedRegion\": \"eu-west-1\"}}}\n  ]\n}".into(),
        });
        s.users.push(u);
        s
    }

    #[test]
    fn each_action_and_resource_gets_a_result_with_located_statements() {
        let s = scenario();
        let cache = CompileCache::new();
        let wb = Workbench::new(&s, &cache);
        let input = PrincipalPolicyInput {
            policy_source_arn: "arn:aws:iam::111122223333:user/alice".into(),
            action_names: vec!["s3:GetObject".into(), "s3:PutObject".into()],
            resource_arns: Vec::new(),
            context_entries: vec![ContextEntry::new(
                "aws:RequestedRegion",
                ContextKeyType::String,
                ["eu-west-1"],
            )],
        };
        let out = wb.simulate_principal_policy(&input).unwrap();
        let decisions: Vec<(&str, &str, &str)> = out
            .evaluation_results
            .iter()
            .map(|r| {
                (
                    r.eval_action_name.as_str(),
                    r.eval_resource_name.as_str(),
                    r.eval_decision.as_str(),
                )
            })
            .collect();
        assert_eq!(
            decisions,
            vec![
                ("s3:GetObject", "*", "allowed"),
                ("s3:PutObject", "*", "implicitDeny")
            ]
        );
        let m = &out.evaluation_results[0].matched_statements[0];
        assert_eq!(m.source_policy_id, "user/alice:inline/Reads");
        assert_eq!(m.source_policy_type, "user");
        assert_eq!((m.start_position.line, m.start_position.column), (4, 5));
        // Without the context key the condition fails.
        let bare = PrincipalPolicyInput {
            context_entries: Vec::new(),
            ..input
        };
        let out = wb.simulate_principal_policy(&bare).unwrap();
        assert_eq!(out.evaluation_results[0].eval_decision, "implicitDeny");
    }

    #[test]
    fn an_arn_outside_the_scenario_is_refused() {
        let s = scenario();
        let cache = CompileCache::new();
        let wb = Workbench::new(&s, &cache);
        for arn in [
            "arn:aws:iam::111122223333:user/bob",
            "arn:aws:iam::444455556666:user/alice",
            "not an arn",
        ] {
            let input = PrincipalPolicyInput {
                policy_source_arn: arn.into(),
                action_names: vec!["s3:GetObject".into()],
                ..PrincipalPolicyInput::default()
            };
            let err = wb.simulate_principal_policy(&input).unwrap_err();
            assert_eq!(err.code, "unknown-principal", "{arn}");
        }
        let root = PrincipalPolicyInput {
            policy_source_arn: "arn:aws:iam::111122223333:root".into(),
            action_names: vec!["s3:GetObject".into()],
            ..PrincipalPolicyInput::default()
        };
        assert_eq!(
            wb.simulate_principal_policy(&root)
                .unwrap()
                .evaluation_results[0]
                .eval_decision,
            "allowed"
        );
    }
}
