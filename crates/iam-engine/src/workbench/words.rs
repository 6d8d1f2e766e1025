//! One evaluation in words: the explanation the MCP server's `explain_decision` gives an AI
//! agent (and any other reader without the page), built only from the [`Evaluation`] the
//! simulator returned, so the words always say what the decision says.

use std::fmt::Write as _;

use crate::eval::{Evaluation, StepKind, Verdict};

use super::answer::miss_text;

/// The stage of the evaluation chain, as a reader names it.
fn stage_words(kind: StepKind) -> &'static str {
    match kind {
        StepKind::RootUser => "root user",
        StepKind::DenyCheck => "explicit deny check",
        StepKind::Rcp => "resource control policies",
        StepKind::Scp => "service control policies",
        StepKind::ResourcePolicy => "resource-based policy",
        StepKind::Identity => "identity-based policies",
        StepKind::PermissionsBoundary => "permissions boundary",
        StepKind::Session => "session policies",
        StepKind::VpcEndpoint => "VPC endpoint policy",
    }
}

/// The evaluation as lines of text: the decision and its one-sentence summary, each step of the
/// chain that applied, the deciding statements, the nearest misses of an implicit deny, the
/// context keys the request lacked and what could not be read with certainty.
pub fn evaluation_words(e: &Evaluation) -> String {
    let mut out = format!("Decision: {}. {}\n", e.decision.as_aws_str(), e.summary);
    let steps: Vec<_> = e
        .steps
        .iter()
        .filter(|s| s.verdict != Verdict::NotApplicable)
        .collect();
    if !steps.is_empty() {
        out.push_str("Evaluation chain:\n");
        for s in steps {
            let _ = writeln!(out, "- {}: {}", stage_words(s.kind), s.detail);
        }
    }
    if !e.matched_statements.is_empty() {
        out.push_str("Deciding statements:\n");
        for s in &e.matched_statements {
            let _ = writeln!(
                out,
                "- statement {} of {} ({})",
                s.name(),
                s.policy_id,
                s.policy_type.describe()
            );
        }
    }
    if !e.candidates.is_empty() {
        out.push_str("Nearest misses:\n");
        for c in &e.candidates {
            let _ = writeln!(
                out,
                "- statement {} of {} would allow it, but {}",
                c.statement.name(),
                c.statement.policy_id,
                miss_text(&c.miss)
            );
        }
    }
    if !e.missing_context_keys.is_empty() {
        let _ = writeln!(
            out,
            "Context keys the policies use that the request did not give: {}",
            e.missing_context_keys.join(", ")
        );
    }
    for u in &e.uncertain {
        let _ = writeln!(
            out,
            "Uncertain: statement {} of {}: {}",
            u.statement.name(),
            u.statement.policy_id,
            u.message
        );
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::evaluation_words;
    use crate::simulate::{SimulateCustomPolicyInput, simulate};

    fn words(policies: &[&str], action: &str) -> String {
        let input = SimulateCustomPolicyInput {
            policy_input_list: policies.iter().map(|p| (*p).to_string()).collect(),
            action_names: vec![action.to_string()],
            resource_arns: vec!["arn:aws:s3:::logs/a".to_string()],
            ..SimulateCustomPolicyInput::default()
        };
        let out = simulate(&input).unwrap();
        evaluation_words(&out.evaluation_results[0].explanation)
    }

    const ALLOW: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::logs/*"}]}"#;
    const DENY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"NoLogs","Effect":"Deny","Action":"s3:*","Resource":"*"}]}"#;

    #[test]
    fn an_allow_names_its_statement() {
        let w = words(&[ALLOW], "s3:GetObject");
        assert!(w.starts_with("Decision: allowed."), "{w}");
        assert!(w.contains("statement Read of PolicyInputList.1"), "{w}");
    }

    #[test]
    fn a_deny_names_the_denying_statement_and_a_near_miss_says_why() {
        let w = words(&[ALLOW, DENY], "s3:GetObject");
        assert!(w.starts_with("Decision: explicitDeny."), "{w}");
        assert!(w.contains("statement NoLogs of PolicyInputList.2"), "{w}");
        // The near miss: the Allow statement names another action.
        let w = words(&[ALLOW], "s3:PutObject");
        assert!(w.starts_with("Decision: implicitDeny."), "{w}");
        assert!(
            w.contains(
                "statement Read of PolicyInputList.1 would allow it, but its Action does not match"
            ),
            "{w}"
        );
    }
}
