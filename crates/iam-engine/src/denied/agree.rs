//! Does the playground's evaluation agree with the reason AWS gave?
//!
//! [`check_agreement`] compares a [`ClaimedReason`] with an [`Evaluation`] of the rebuilt
//! request and says, in plain words, whether they agree and, when they don't, what the
//! scenario is probably missing ("the scenario has no SCP, but AWS says an SCP denied this:
//! your organization's SCPs are missing here").
//!
//! Two facts from the IAM User Guide ("Troubleshoot access denied error messages") shape the
//! comparison: when several policy types deny a request, AWS names only one of them, so a
//! claim agrees when its policy type is among the ones that deny here; and a service control
//! policy's message can say "explicit deny" even when the SCP denies implicitly, so an SCP
//! explicit-deny claim agrees with an SCP that allows nothing.

use serde::{Deserialize, Serialize};

use crate::eval::{Decision, Evaluation, StepKind, Verdict};
use crate::policy::PolicyType;

use super::{ClaimKind, ClaimedReason, Layer};

/// The outcome of the comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Agreement {
    /// Whether the scenario denies the request too (or AWS refuses it whatever the policies
    /// say).
    pub decision_agrees: bool,
    /// Whether the scenario denies it for the reason AWS gave (true when AWS gave none and the
    /// decision agrees).
    pub reason_agrees: bool,
    /// The policy types that deny the request here: those with a Deny statement that applies
    /// for an explicit deny, those that allow nothing for an implicit one.
    pub denying_layers: Vec<Layer>,
    /// One or two sentences for the user.
    pub message: String,
}

/// Compares the reason AWS gave (`None` when the message gave none) with `evaluation`.
pub fn check_agreement(claim: Option<&ClaimedReason>, evaluation: &Evaluation) -> Agreement {
    let denying = denying_layers(evaluation);
    let done = |decision_agrees: bool, reason_agrees: bool, message: String| Agreement {
        decision_agrees,
        reason_agrees,
        denying_layers: denying.clone(),
        message,
    };
    if let Some(refusal) = &evaluation.refused_by_aws {
        return done(
            true,
            true,
            format!(
                "AWS refuses this request whatever the policies say: {}",
                refusal.reason
            ),
        );
    }
    let ours = describe_ours(evaluation, &denying);
    let Some(claim) = claim else {
        return match evaluation.decision {
            Decision::Allowed => done(
                false,
                false,
                "AWS denied this request, but the scenario allows it: the scenario is missing a policy the account has (an SCP, a resource-based policy, a permissions boundary, a Deny statement), or the request carried context the scenario does not have.".to_string(),
            ),
            _ => done(
                true,
                true,
                format!("AWS gives no reason; the scenario denies it too: {ours}."),
            ),
        };
    };
    let layer = claim.layer;
    let said = claim_words(claim);
    let present = layer_present(evaluation, layer);
    let missing = |l: Layer| {
        format!(
            "the scenario has no {}, but AWS says {said}: {}",
            short(l),
            missing_phrase(l)
        )
    };
    match evaluation.decision {
        Decision::Allowed => {
            let message = if layer != Layer::Unspecified && !present {
                format!("The scenario allows this request; {}.", missing(layer))
            } else if layer == Layer::Unspecified {
                format!(
                    "The scenario allows this request, but AWS says {said}: the scenario differs from the account, or the request carried context the scenario does not have."
                )
            } else {
                format!(
                    "The scenario allows this request, but AWS says {said}: the scenario's {} differs from the account's, or the request carried context the scenario does not have.",
                    plural(layer)
                )
            };
            done(false, false, message)
        }
        Decision::ExplicitDeny => match claim.kind {
            ClaimKind::ExplicitDeny if layer == Layer::Unspecified || denying.contains(&layer) => {
                done(true, true, format!("AWS and the scenario agree: {ours}."))
            }
            ClaimKind::ExplicitDeny => {
                let extra = if present {
                    String::new()
                } else {
                    format!(" Also, {}.", missing(layer))
                };
                done(
                    true,
                    false,
                    format!(
                        "Both deny the request explicitly, but AWS names {} and here {ours}.{extra}",
                        with_article(layer)
                    ),
                )
            }
            ClaimKind::NoAllow | ClaimKind::ImplicitDeny => done(
                true,
                false,
                format!(
                    "AWS says {said}, with no Deny statement involved, but here {ours}: the scenario denies more than the account does, or the request context differs."
                ),
            ),
        },
        Decision::ImplicitDeny => {
            let scp_quirk = claim.kind == ClaimKind::ExplicitDeny
                && layer == Layer::Scp
                && denying.contains(&Layer::Scp);
            if scp_quirk {
                return done(
                    true,
                    true,
                    format!(
                        "AWS and the scenario agree: {ours}. (AWS's message says \"explicit deny\" for an SCP even when no SCP allows the request.)"
                    ),
                );
            }
            if layer != Layer::Unspecified && !present {
                return done(
                    true,
                    false,
                    format!("Both deny the request, but {}.", missing(layer)),
                );
            }
            match claim.kind {
                ClaimKind::ExplicitDeny => done(
                    true,
                    false,
                    format!(
                        "AWS says {said}, but no Deny statement applies here ({ours}): the scenario's {} lack that statement, or the request carried context the scenario does not have.",
                        plural(layer)
                    ),
                ),
                _ if layer == Layer::Unspecified || denying.contains(&layer) => {
                    done(true, true, format!("AWS and the scenario agree: {ours}."))
                }
                _ => done(
                    true,
                    false,
                    format!(
                        "Both deny the request, but AWS says {said} and here {ours}. AWS names only one policy type when several deny, so both can be true: check the {}.",
                        plural(layer)
                    ),
                ),
            }
        }
    }
}

/// The policy types that deny here.
fn denying_layers(evaluation: &Evaluation) -> Vec<Layer> {
    let mut layers: Vec<Layer> = match evaluation.decision {
        Decision::Allowed => Vec::new(),
        Decision::ExplicitDeny => evaluation
            .matched_statements
            .iter()
            .map(|s| policy_layer(s.policy_type))
            .collect(),
        Decision::ImplicitDeny => evaluation
            .steps
            .iter()
            .filter(|s| s.verdict == Verdict::NoAllow)
            .filter_map(|s| step_layer(s.kind))
            .collect(),
    };
    let mut seen = Vec::new();
    layers.retain(|l| {
        let fresh = !seen.contains(l);
        seen.push(*l);
        fresh
    });
    layers
}

/// Whether the scenario has policies of that type in play for the request.
fn layer_present(evaluation: &Evaluation, layer: Layer) -> bool {
    let kind = match layer {
        Layer::Identity => StepKind::Identity,
        Layer::Resource => StepKind::ResourcePolicy,
        Layer::Boundary => StepKind::PermissionsBoundary,
        Layer::Session => StepKind::Session,
        Layer::Scp => StepKind::Scp,
        Layer::Rcp => StepKind::Rcp,
        Layer::VpcEndpoint => StepKind::VpcEndpoint,
        Layer::Unspecified => return true,
    };
    if layer == Layer::Identity {
        // Every IAM principal has identity-based policies in play (perhaps none allowing).
        return true;
    }
    evaluation
        .steps
        .iter()
        .any(|s| s.kind == kind && s.verdict != Verdict::NotApplicable)
        || evaluation
            .matched_statements
            .iter()
            .any(|s| policy_layer(s.policy_type) == layer)
        || (layer == Layer::Scp && evaluation.allowed_by_organizations.is_some())
        || (layer == Layer::Boundary && evaluation.allowed_by_permissions_boundary.is_some())
}

/// What the scenario concluded, in words.
fn describe_ours(evaluation: &Evaluation, denying: &[Layer]) -> String {
    let names = |layers: &[Layer]| {
        layers
            .iter()
            .map(|l| with_article(*l))
            .collect::<Vec<_>>()
            .join(" and ")
    };
    match evaluation.decision {
        Decision::Allowed => "the scenario allows it".to_string(),
        Decision::ExplicitDeny if denying.is_empty() => {
            "a Deny statement applies in the scenario".to_string()
        }
        Decision::ExplicitDeny => format!("a Deny statement in {} applies", names(denying)),
        Decision::ImplicitDeny if evaluation.root_only_task.is_some() => {
            "the action is a task only the root user can do".to_string()
        }
        Decision::ImplicitDeny if denying.is_empty() => "nothing allows the request".to_string(),
        Decision::ImplicitDeny => format!(
            "no {} allows it",
            denying
                .iter()
                .map(|l| short(*l))
                .collect::<Vec<_>>()
                .join(" or ")
        ),
    }
}

fn claim_words(claim: &ClaimedReason) -> String {
    match (claim.kind, claim.layer) {
        (ClaimKind::ExplicitDeny, Layer::Unspecified) => "an explicit deny denied this".into(),
        (ClaimKind::ImplicitDeny, Layer::Unspecified) => "an implicit deny denied this".into(),
        (ClaimKind::NoAllow, Layer::Unspecified) => "no policy allows this".into(),
        (ClaimKind::ExplicitDeny, l) => format!("{} denied this explicitly", with_article(l)),
        (ClaimKind::ImplicitDeny, l) => format!("{} denied this implicitly", with_article(l)),
        (ClaimKind::NoAllow, l) => format!("no {} allows this", short(l)),
    }
}

/// The short name of a policy type.
fn short(layer: Layer) -> &'static str {
    match layer {
        Layer::Scp => "SCP",
        Layer::Rcp => "RCP",
        other => other.words(),
    }
}

fn with_article(layer: Layer) -> String {
    let name = short(layer);
    let article = match layer {
        Layer::Scp | Layer::Rcp | Layer::Identity => "an",
        _ => "a",
    };
    format!("{article} {name}")
}

fn plural(layer: Layer) -> &'static str {
    match layer {
        Layer::Identity => "identity-based policies",
        Layer::Resource => "resource-based policy",
        Layer::Boundary => "permissions boundary",
        Layer::Session => "session policies",
        Layer::Scp => "SCPs",
        Layer::Rcp => "RCPs",
        Layer::VpcEndpoint => "VPC endpoint policy",
        Layer::Unspecified => "policies",
    }
}

fn missing_phrase(layer: Layer) -> &'static str {
    match layer {
        Layer::Scp => "your organization's SCPs are missing here",
        Layer::Rcp => "your organization's RCPs are missing here",
        Layer::Boundary => "the principal's permissions boundary is missing here",
        Layer::Session => "the session policy passed when the session was created is missing here",
        Layer::Resource => "the resource's resource-based policy is missing here",
        Layer::VpcEndpoint => {
            "the request does not go through a VPC endpoint here: add the endpoint to the scenario and pick it as the request's aws:SourceVpce"
        }
        Layer::Identity => "the principal's identity-based policies are missing here",
        Layer::Unspecified => "a policy is missing here",
    }
}

fn policy_layer(t: PolicyType) -> Layer {
    match t {
        PolicyType::Identity => Layer::Identity,
        PolicyType::Resource | PolicyType::Trust => Layer::Resource,
        PolicyType::PermissionsBoundary => Layer::Boundary,
        PolicyType::Scp => Layer::Scp,
        PolicyType::Rcp => Layer::Rcp,
        PolicyType::Session => Layer::Session,
        PolicyType::VpcEndpoint => Layer::VpcEndpoint,
    }
}

fn step_layer(kind: StepKind) -> Option<Layer> {
    Some(match kind {
        StepKind::Rcp => Layer::Rcp,
        StepKind::Scp => Layer::Scp,
        StepKind::ResourcePolicy => Layer::Resource,
        StepKind::Identity => Layer::Identity,
        StepKind::PermissionsBoundary => Layer::Boundary,
        StepKind::Session => Layer::Session,
        StepKind::VpcEndpoint => Layer::VpcEndpoint,
        StepKind::RootUser | StepKind::DenyCheck => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::{Caller, CompiledPolicy, PolicySet, Request, evaluate};

    fn policy(id: &str, statements: &str, t: PolicyType) -> CompiledPolicy {
        CompiledPolicy::from_text(
            id,
            &format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#),
            t,
        )
        .0
    }

    fn run(set: &PolicySet) -> Evaluation {
        evaluate(
            set,
            &Request {
                caller: Caller::from_arn("arn:aws:iam::111122223333:user/dev").expect("a user"),
                action: "s3:DeleteBucket".into(),
                resource: "arn:aws:s3:::prod-logs".into(),
                resource_account: None,
                context: crate::context::RequestContext::new(),
            },
        )
    }

    fn claim(kind: ClaimKind, layer: Layer) -> ClaimedReason {
        ClaimedReason { kind, layer }
    }

    const ALLOW: &str = r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"}"#;
    const DENY: &str = r#"{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}"#;

    #[test]
    fn no_identity_allow_agrees_with_an_empty_identity() {
        let ev = run(&PolicySet::default());
        let a = check_agreement(Some(&claim(ClaimKind::NoAllow, Layer::Identity)), &ev);
        assert!(a.decision_agrees && a.reason_agrees, "{a:?}");
        assert_eq!(a.denying_layers, vec![Layer::Identity]);
        assert!(
            a.message.starts_with("AWS and the scenario agree"),
            "{}",
            a.message
        );
    }

    #[test]
    fn a_missing_scp_is_named() {
        let mut set = PolicySet::default();
        set.identity.push(policy("id", ALLOW, PolicyType::Identity));
        let ev = run(&set);
        let a = check_agreement(Some(&claim(ClaimKind::ExplicitDeny, Layer::Scp)), &ev);
        assert!(!a.decision_agrees && !a.reason_agrees);
        assert_eq!(
            a.message,
            "The scenario allows this request; the scenario has no SCP, but AWS says an SCP denied this explicitly: your organization's SCPs are missing here."
        );
        // Denied for another reason here, the missing SCP is still named.
        let ev = run(&PolicySet::default());
        let a = check_agreement(Some(&claim(ClaimKind::NoAllow, Layer::Scp)), &ev);
        assert!(a.decision_agrees && !a.reason_agrees);
        assert!(
            a.message
                .contains("the scenario has no SCP, but AWS says no SCP allows this: your organization's SCPs are missing here"),
            "{}",
            a.message
        );
    }

    #[test]
    fn explicit_denies_agree_by_layer() {
        let mut set = PolicySet::default();
        set.identity.push(policy(
            "id",
            &format!("{ALLOW},{DENY}"),
            PolicyType::Identity,
        ));
        let ev = run(&set);
        let a = check_agreement(Some(&claim(ClaimKind::ExplicitDeny, Layer::Identity)), &ev);
        assert!(a.reason_agrees, "{a:?}");
        let a = check_agreement(Some(&claim(ClaimKind::ExplicitDeny, Layer::Boundary)), &ev);
        assert!(a.decision_agrees && !a.reason_agrees);
        assert!(
            a.message
                .contains("the principal's permissions boundary is missing here"),
            "{}",
            a.message
        );
        let a = check_agreement(Some(&claim(ClaimKind::NoAllow, Layer::Identity)), &ev);
        assert!(a.decision_agrees && !a.reason_agrees);
        assert!(a.message.contains("denies more than the account does"));
    }

    #[test]
    fn vpc_endpoint_claims_agree_with_the_endpoint_layer() {
        let mut set = PolicySet::default();
        set.identity.push(policy("id", ALLOW, PolicyType::Identity));
        // Not through an endpoint here: the claim names what is missing.
        let a = check_agreement(
            Some(&claim(ClaimKind::NoAllow, Layer::VpcEndpoint)),
            &run(&set),
        );
        assert!(!a.decision_agrees && !a.reason_agrees);
        assert!(
            a.message
                .contains("does not go through a VPC endpoint here"),
            "{}",
            a.message
        );
        // Through an endpoint whose policy allows reads only.
        set.vpc_endpoint = Some(policy(
            "vpce",
            r#"{"Effect":"Allow","Principal":"*","Action":"s3:Get*","Resource":"*"}"#,
            PolicyType::VpcEndpoint,
        ));
        let ev = run(&set);
        assert_eq!(ev.decision, Decision::ImplicitDeny);
        let a = check_agreement(Some(&claim(ClaimKind::NoAllow, Layer::VpcEndpoint)), &ev);
        assert!(a.decision_agrees && a.reason_agrees, "{a:?}");
        assert_eq!(a.denying_layers, vec![Layer::VpcEndpoint]);
        // An explicit deny there.
        set.vpc_endpoint = Some(policy(
            "vpce",
            r#"{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"s3:DeleteBucket","Resource":"*"}"#,
            PolicyType::VpcEndpoint,
        ));
        let ev = run(&set);
        let a = check_agreement(
            Some(&claim(ClaimKind::ExplicitDeny, Layer::VpcEndpoint)),
            &ev,
        );
        assert!(a.decision_agrees && a.reason_agrees, "{a:?}");
        let a = check_agreement(Some(&claim(ClaimKind::ExplicitDeny, Layer::Identity)), &ev);
        assert!(a.decision_agrees && !a.reason_agrees, "{a:?}");
    }

    #[test]
    fn an_scp_explicit_wording_agrees_with_an_scp_that_allows_nothing() {
        let mut set = PolicySet::default();
        set.identity.push(policy("id", ALLOW, PolicyType::Identity));
        set.scp_levels.push(vec![policy(
            "scp",
            r#"{"Effect":"Allow","Action":"ec2:*","Resource":"*"}"#,
            PolicyType::Scp,
        )]);
        let ev = run(&set);
        assert_eq!(ev.decision, Decision::ImplicitDeny);
        let a = check_agreement(Some(&claim(ClaimKind::ExplicitDeny, Layer::Scp)), &ev);
        assert!(a.reason_agrees, "{a:?}");
        let a = check_agreement(Some(&claim(ClaimKind::NoAllow, Layer::Identity)), &ev);
        assert!(a.decision_agrees && !a.reason_agrees);
        assert!(
            a.message.contains("AWS names only one policy type"),
            "{}",
            a.message
        );
    }

    /// The issue's example end to end: parse, rebuild the request, evaluate, compare.
    #[test]
    fn the_issue_example_agrees_and_a_fix_changes_the_answer() {
        let denied = crate::denied::parse_denied(
            "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: s3:DeleteBucket on resource: arn:aws:s3:::prod-logs because no identity-based policy allows the s3:DeleteBucket action",
        )
        .expect("the message");
        let request = denied.to_request().expect("a request");
        let mut set = PolicySet::default();
        set.identity.push(policy(
            "id",
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}"#,
            PolicyType::Identity,
        ));
        let a = check_agreement(denied.claimed.as_ref(), &evaluate(&set, &request));
        assert!(a.decision_agrees && a.reason_agrees, "{a:?}");
        set.identity.push(policy(
            "fix",
            r#"{"Effect":"Allow","Action":"s3:DeleteBucket","Resource":"arn:aws:s3:::prod-logs"}"#,
            PolicyType::Identity,
        ));
        let a = check_agreement(denied.claimed.as_ref(), &evaluate(&set, &request));
        assert!(!a.decision_agrees);
    }

    #[test]
    fn no_claim_compares_decisions_only() {
        let ev = run(&PolicySet::default());
        assert!(check_agreement(None, &ev).reason_agrees);
        let mut set = PolicySet::default();
        set.identity.push(policy("id", ALLOW, PolicyType::Identity));
        let a = check_agreement(None, &run(&set));
        assert!(!a.decision_agrees);
        assert!(
            a.message
                .starts_with("AWS denied this request, but the scenario allows it")
        );
    }
}
