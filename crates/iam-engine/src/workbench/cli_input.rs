//! The input of `aws iam simulate-custom-policy --cli-input-json file://input.json` for one
//! request of a scenario, so a user can ask AWS's own simulator the question the playground
//! answered and compare.
//!
//! The input holds what AWS's `SimulateCustomPolicy` accepts, gathered exactly as
//! [`super::simulate::prepare_request`] gathers the evaluation's inputs: the principal's
//! identity policies (its own, its groups', AWS-managed ones from the managed-policy asset) as
//! `PolicyInputList`, its boundary as `PermissionsBoundaryPolicyInputList`, the action and
//! resource, the resource's policy (`ResourcePolicy`, with `ResourceOwner`), the caller as
//! `CallerArn`, and every context key of the request, including the keys AWS derives from the
//! principal (`aws:username`, `aws:PrincipalTag/…`), which the API cannot derive from custom
//! policies. What the API cannot take is left out and said in [`CliInput::notes`]: service and
//! resource control policies and the policy of the VPC endpoint the request goes through (the
//! API has no parameter for them; the note names this project's `VpcEndpoint` extension,
//! which `iam-playground simulate-custom-policy` reads, while the AWS input stays one the AWS
//! CLI accepts), and a `CallerArn` that is not an IAM user (AWS accepts only users; without a
//! caller it also refuses a resource policy).

use super::cache::CompileCache;
use super::simulate::{SimulationError, prepare_request};
use crate::catalog::ManagedPolicies;
use crate::eval::{CallerKind, CompiledPolicy};
use crate::export::node::Node;
use crate::scenario::{ContextValue, PrincipalRef, Scenario};

/// The `--cli-input-json` document and what it leaves out.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CliInput {
    /// The JSON, pretty-printed, with AWS's parameter names.
    pub json: String,
    /// What the input cannot carry or had to leave out, in sentences.
    pub notes: Vec<String>,
}

/// Builds the `simulate-custom-policy` input for a request of the scenario (see the
/// [module docs](self)). Fails as [`super::simulate::evaluate_request`] does, for a principal
/// the scenario does not know.
pub fn simulate_custom_policy_input(
    scenario: &Scenario,
    managed: Option<&ManagedPolicies>,
    cache: &CompileCache,
    principal: &PrincipalRef,
    action: &str,
    resource: &str,
    context: &[ContextValue],
) -> Result<CliInput, SimulationError> {
    let resource = if resource.trim().is_empty() {
        "*"
    } else {
        resource
    };
    let prepared = prepare_request(
        scenario, managed, cache, principal, action, resource, context,
    )?;
    let mut notes = prepared.warnings.clone();
    let text = |p: &CompiledPolicy| {
        prepared
            .source(&p.source.id)?
            .text(scenario, managed)
            .map(|t| t.into_owned())
    };

    let mut input = Node::map();
    let identity: Vec<Node> = prepared
        .set
        .identity
        .iter()
        .filter_map(|p| text(p).map(Node::Str))
        .collect();
    input.insert("PolicyInputList", Node::Seq(identity));
    if let Some(b) = &prepared.set.permissions_boundary
        && let Some(t) = text(b)
    {
        input.insert(
            "PermissionsBoundaryPolicyInputList",
            Node::Seq(vec![Node::Str(t)]),
        );
    }
    input.insert("ActionNames", Node::Seq(vec![Node::str(action)]));
    input.insert("ResourceArns", Node::Seq(vec![Node::str(resource)]));

    let caller = &prepared.request.caller;
    let user_caller = caller.kind == CallerKind::User;
    if let Some(p) = &prepared.set.resource_policy
        && let Some(t) = text(p)
    {
        if user_caller {
            input.insert("ResourcePolicy", Node::Str(t));
            let owner = prepared
                .request
                .resource_account
                .clone()
                .unwrap_or_else(|| scenario.account.id.clone());
            input.insert(
                "ResourceOwner",
                Node::str(format!("arn:aws:iam::{owner}:root")),
            );
        } else {
            notes.push(
                "The resource's policy is left out: AWS's simulator takes a resource policy only with an IAM user as the caller (CallerArn).".to_string(),
            );
        }
    }
    if user_caller {
        input.insert("CallerArn", Node::str(&caller.arn));
    } else {
        notes.push(format!(
            "No CallerArn: AWS's simulator accepts only an IAM user there, and the caller is {}.",
            caller.arn
        ));
    }
    let entries: Vec<Node> = prepared
        .request
        .context
        .iter()
        .map(|e| {
            let mut n = Node::map();
            n.insert("ContextKeyName", Node::str(&e.key));
            n.insert(
                "ContextKeyValues",
                Node::Seq(e.values.iter().map(Node::str).collect()),
            );
            n.insert("ContextKeyType", Node::str(e.ty.as_str()));
            n
        })
        .collect();
    if !entries.is_empty() {
        input.insert("ContextEntries", Node::Seq(entries));
    }
    if prepared.set.scp_levels.iter().any(|l| !l.is_empty())
        || prepared.set.rcp_levels.iter().any(|l| !l.is_empty())
    {
        notes.push(
            "Service and resource control policies are not part of simulate-custom-policy's input; in the member account, simulate-principal-policy includes the SCPs that apply.".to_string(),
        );
    }
    if let Some(endpoint) = &prepared.set.vpc_endpoint {
        let id = prepared
            .request
            .context
            .lookup("aws:SourceVpce")
            .values()
            .first()
            .cloned()
            .unwrap_or_default();
        let own = endpoint.source.id.starts_with("resource/");
        notes.push(format!(
            "The request goes through VPC endpoint {id}, whose policy AWS's simulator cannot take (aws:SourceVpce is in ContextEntries); iam-playground simulate-custom-policy reads it as \"VpcEndpoint\": {{\"VpcEndpointId\": \"{id}\"{}}}.",
            if own { ", \"PolicyDocument\": the endpoint's policy as a string" } else { " (the default endpoint policy)" }
        ));
    }
    let json = serde_json::to_string_pretty(&input).unwrap_or_default();
    Ok(CliInput { json, notes })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{
        ContextValue, ManagedPolicy, PolicyRef, Resource, ResourceKind, Role, User, gallery,
    };
    use crate::simulate::SimulateCustomPolicyInput;

    const ALLOW_S3: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
    const BUCKET: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::data/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#;

    fn parse(json: &str) -> SimulateCustomPolicyInput {
        match serde_json::from_str(json) {
            Ok(i) => i,
            Err(e) => unreachable!("{e}: {json}"),
        }
    }

    fn scenario() -> Scenario {
        let mut s = Scenario::new("111122223333");
        let mut u = User::new("alice");
        u.inline_policies.push(crate::scenario::InlinePolicy {
            name: "s3".to_string(),
            document: ALLOW_S3.to_string(),
        });
        u.managed_policies.push(PolicyRef::customer("Extra"));
        u.permissions_boundary = Some(PolicyRef::customer("Extra"));
        s.users.push(u);
        s.policies.push(ManagedPolicy::new("Extra", ALLOW_S3));
        let mut b = Resource::new(ResourceKind::S3Bucket, "data");
        b.policy = Some(BUCKET.to_string());
        s.resources.push(b);
        s.roles.push(Role::new("app", ALLOW_S3));
        s
    }

    #[test]
    fn a_user_request_carries_everything() {
        let s = scenario();
        let ctx = vec![ContextValue {
            key: "aws:SecureTransport".to_string(),
            ty: crate::context::ContextKeyType::Boolean,
            values: vec!["true".to_string()],
        }];
        let out = simulate_custom_policy_input(
            &s,
            None,
            &crate::workbench::CompileCache::new(),
            &PrincipalRef::User("alice".to_string()),
            "s3:GetObject",
            "arn:aws:s3:::data/report.csv",
            &ctx,
        );
        let Ok(out) = out else { unreachable!() };
        let input = parse(&out.json);
        assert_eq!(input.policy_input_list, vec![ALLOW_S3, ALLOW_S3]);
        assert_eq!(input.permissions_boundary_policy_input_list, vec![ALLOW_S3]);
        assert_eq!(input.action_names, vec!["s3:GetObject"]);
        assert_eq!(input.resource_arns, vec!["arn:aws:s3:::data/report.csv"]);
        assert_eq!(input.resource_policy.as_deref(), Some(BUCKET));
        assert_eq!(
            input.resource_owner.as_deref(),
            Some("arn:aws:iam::111122223333:root")
        );
        assert_eq!(
            input.caller_arn.as_deref(),
            Some("arn:aws:iam::111122223333:user/alice")
        );
        let keys: Vec<&str> = input
            .context_entries
            .iter()
            .map(|e| e.key.as_str())
            .collect();
        assert!(keys.contains(&"aws:SecureTransport"), "{keys:?}");
        assert!(keys.contains(&"aws:username"), "{keys:?}");
        // Only AWS's own parameter names, so the AWS CLI accepts the file.
        let value: serde_json::Value = serde_json::from_str(&out.json).unwrap_or_default();
        let names: Vec<&String> = value
            .as_object()
            .map(|o| o.keys().collect())
            .unwrap_or_default();
        for n in names {
            assert!(
                [
                    "PolicyInputList",
                    "PermissionsBoundaryPolicyInputList",
                    "ActionNames",
                    "ResourceArns",
                    "ResourcePolicy",
                    "ResourceOwner",
                    "CallerArn",
                    "ContextEntries"
                ]
                .contains(&n.as_str()),
                "{n}"
            );
        }
    }

    #[test]
    fn a_request_through_a_vpc_endpoint_keeps_aws_input_and_names_the_extension() {
        let mut s = scenario();
        let mut e = Resource::vpc_endpoint("vpce-0a1b2c3d", "s3", &s.account);
        e.policy = Some(
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#
                .into(),
        );
        s.add_resource(e).unwrap();
        let ask = |context: &[ContextValue]| {
            simulate_custom_policy_input(
                &s,
                None,
                &crate::workbench::CompileCache::new(),
                &PrincipalRef::User("alice".to_string()),
                "s3:GetObject",
                "arn:aws:s3:::data/x",
                context,
            )
            .unwrap_or_else(|e| panic!("{}", e.message))
        };
        let through = ask(&[ContextValue {
            key: "aws:SourceVpce".into(),
            ty: crate::context::ContextKeyType::String,
            values: vec!["vpce-0a1b2c3d".into()],
        }]);
        // Still an input the AWS CLI accepts (no extension field), with the endpoint's id.
        let input = parse(&through.json);
        assert_eq!(input.vpc_endpoint, None);
        assert!(through.json.contains("vpce-0a1b2c3d"));
        assert!(
            through.notes.iter().any(|n| n.contains("\"VpcEndpoint\"")),
            "{:?}",
            through.notes
        );
        let direct = ask(&[]);
        assert!(!direct.notes.iter().any(|n| n.contains("VpcEndpoint")));
    }

    #[test]
    fn a_role_has_no_caller_and_says_so() {
        let s = scenario();
        let out = simulate_custom_policy_input(
            &s,
            None,
            &crate::workbench::CompileCache::new(),
            &PrincipalRef::Role("app".to_string()),
            "s3:GetObject",
            "arn:aws:s3:::data/x",
            &[],
        );
        let Ok(out) = out else { unreachable!() };
        let input = parse(&out.json);
        assert_eq!(input.caller_arn, None);
        assert_eq!(input.resource_policy, None);
        assert!(out.notes.iter().any(|n| n.contains("CallerArn")));
    }

    #[test]
    fn unknown_principals_fail_and_gallery_requests_parse() {
        let s = scenario();
        assert!(
            simulate_custom_policy_input(
                &s,
                None,
                &crate::workbench::CompileCache::new(),
                &PrincipalRef::User("nobody".to_string()),
                "s3:GetObject",
                "*",
                &[]
            )
            .is_err()
        );
        for entry in gallery() {
            for t in &entry.scenario.tests {
                let out = simulate_custom_policy_input(
                    &entry.scenario,
                    None,
                    &crate::workbench::CompileCache::new(),
                    &t.principal,
                    &t.action,
                    &t.resource,
                    &t.context,
                );
                if let Ok(out) = out {
                    let input = parse(&out.json);
                    assert_eq!(input.action_names, vec![t.action.clone()]);
                }
            }
        }
    }
}
