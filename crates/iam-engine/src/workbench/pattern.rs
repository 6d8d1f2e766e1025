//! Requests on a resource pattern: `arn:aws:s3:::reports/*`, or every bucket of the account
//! (`arn:aws:s3:::*`). AWS decides each request on one resource, so the answer over a pattern
//! can be "allowed for some, refused for others"; [`pattern_answer`] says which, with a
//! witness ARN for each side.
//!
//! # The resources tried
//!
//! The pattern is cut into regions by every resource the decision can depend on, and one ARN
//! per region is decided with the simulator's own evaluation:
//! - every resource, role and user of the scenario whose ARN the pattern matches (their
//!   resource policies and tags take part);
//! - every `Resource` / `NotResource` entry of the policies in play (the principal's identity
//!   policies, boundary, SCPs and RCPs, and the resource policies of the resources above),
//!   with its policy variables resolved for this request: the entry with its wildcards filled,
//!   where that ARN falls inside the pattern;
//! - the pattern with its wildcards filled so that it matches as few of those entries as the
//!   fillers allow ("a resource no policy names").
//!
//! Two ARNs that every entry matches alike get the same decision unless a condition reads the
//! resource itself (its tags, say), which is why the scenario's own resources are tried too.
//! At most [`MAX_SAMPLES`] ARNs are tried; the answer says how many were left out.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::catalog::ManagedPolicies;
use crate::eval::Decision;
use crate::matching::{Pattern, resource_matches};
use crate::policy::{PolicyDocument, parse_policy};
use crate::scenario::{ContextValue, PrincipalRef, ResourceKind, Scenario};
use crate::variables::substitute_string;

use super::cache::CompileCache;
use super::request::evaluate_panel_request;
use super::simulate::prepare_request;

/// The most ARNs one answer tries.
pub const MAX_SAMPLES: usize = 40;

/// What a wildcard is filled with when a pattern is turned into an ARN: a short name, a name
/// unlikely to be named by any policy, nothing, and a path.
const FILLERS: [&str; 4] = ["x", "zq9-sample", "", "x/x"];

/// Whether a request's resource is a pattern to answer over (it has a wildcard and is not `*`,
/// which stands for "no resource" in AWS's simulator).
pub fn is_resource_pattern(resource: &str) -> bool {
    let r = resource.trim();
    r != "*" && r.contains(['*', '?'])
}

/// One ARN inside the pattern, decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PatternSample {
    /// The ARN.
    pub resource: String,
    /// Why it was tried, in words ("bucket reports of the scenario", "inside
    /// arn:aws:s3:::reports/2024/* of inline policy Work of user alice", "a resource no
    /// policy names").
    pub origin: String,
    /// The decision.
    pub decision: Decision,
    /// The engine's summary of the decision (the deciding statements, or why none allows).
    pub summary: String,
}

/// The answer over the pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PatternVerdict {
    /// Every ARN tried is allowed.
    AllowedForAll,
    /// No ARN tried is allowed.
    RefusedForAll,
    /// Some are allowed and some refused.
    Mixed,
}

/// A request over a resource pattern, decided on one ARN per region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PatternAnswer {
    /// The pattern.
    pub pattern: String,
    /// The ARNs tried, allowed ones first, each once.
    pub samples: Vec<PatternSample>,
    /// How many more ARNs there were to try than [`MAX_SAMPLES`].
    pub left_out: usize,
}

impl PatternAnswer {
    /// The verdict over the ARNs tried.
    pub fn verdict(&self) -> PatternVerdict {
        match (self.allowed_witness(), self.refused_witness()) {
            (Some(_), Some(_)) => PatternVerdict::Mixed,
            (Some(_), None) => PatternVerdict::AllowedForAll,
            _ => PatternVerdict::RefusedForAll,
        }
    }

    /// An allowed ARN, if any.
    pub fn allowed_witness(&self) -> Option<&PatternSample> {
        self.samples
            .iter()
            .find(|s| s.decision == Decision::Allowed)
    }

    /// A refused ARN, if any (an explicit deny first).
    pub fn refused_witness(&self) -> Option<&PatternSample> {
        self.samples
            .iter()
            .find(|s| s.decision == Decision::ExplicitDeny)
            .or_else(|| {
                self.samples
                    .iter()
                    .find(|s| s.decision == Decision::ImplicitDeny)
            })
    }

    /// The verdict in a sentence, with the witnesses.
    pub fn sentence(&self) -> String {
        let tried = format!(
            "{} ARN{} tried inside {}",
            self.samples.len(),
            if self.samples.len() == 1 { "" } else { "s" },
            self.pattern
        );
        match (self.allowed_witness(), self.refused_witness()) {
            (Some(a), Some(r)) => format!(
                "Allowed for some resources and refused for others ({tried}): allowed on {}, refused on {}.",
                a.resource, r.resource
            ),
            (Some(a), None) => format!(
                "Allowed for every resource the pattern covers ({tried}), for example {}.",
                a.resource
            ),
            (None, Some(r)) => format!(
                "Refused for every resource the pattern covers ({tried}), for example {}.",
                r.resource
            ),
            (None, None) => format!("No ARN inside {} could be decided.", self.pattern),
        }
    }
}

/// A candidate ARN with why it is tried.
struct Candidate {
    resource: String,
    origin: String,
}

/// Decides the request on one ARN per region of `pattern` (see the module docs). `None` when
/// the pattern is not one ([`is_resource_pattern`]) or the principal is unknown.
#[allow(clippy::too_many_arguments)]
pub fn pattern_answer(
    scenario: &Scenario,
    managed: Option<&ManagedPolicies>,
    cache: &CompileCache,
    principal: &PrincipalRef,
    action: &str,
    pattern: &str,
    context: &[ContextValue],
    absent: &[String],
) -> Option<PatternAnswer> {
    let pattern = pattern.trim();
    if !is_resource_pattern(pattern) {
        return None;
    }
    let compiled = Pattern::glob(pattern);
    let inside = |arn: &str| resource_matches(&compiled, arn);
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut push = |resource: String, origin: String, candidates: &mut Vec<Candidate>| {
        if seen.insert(resource.clone()) {
            candidates.push(Candidate { resource, origin });
        }
    };

    // The scenario's own resources, roles and users inside the pattern.
    let account = &scenario.account;
    for r in &scenario.resources {
        let arn = r.arn(account);
        let object = format!("{arn}/x");
        if inside(&arn) {
            push(
                arn,
                format!("{} {} of the scenario", r.kind.describe(), r.name),
                &mut candidates,
            );
        } else if r.kind == ResourceKind::S3Bucket && inside(&object) {
            // A bucket's policy also governs its objects.
            push(
                object,
                format!("an object of S3 bucket {} of the scenario", r.name),
                &mut candidates,
            );
        }
    }
    for role in &scenario.roles {
        let arn = scenario.role_arn(role);
        if inside(&arn) {
            push(
                arn,
                format!("role {} of the scenario", role.name),
                &mut candidates,
            );
        }
    }
    for user in &scenario.users {
        let arn = scenario.user_arn(user);
        if inside(&arn) {
            push(
                arn,
                format!("user {} of the scenario", user.name),
                &mut candidates,
            );
        }
    }

    // The Resource / NotResource entries of the policies in play: the principal's (from the
    // pattern's own request) and each scenario resource's policy.
    let mut entries: Vec<(String, String)> = Vec::new();
    let mut entry_seen: HashSet<String> = HashSet::new();
    // Each policy is parsed once: the principal's own policies take part in every probe, and
    // only the resource's policy differs from one probe to the next (its entries are still
    // resolved against each probe's request).
    let mut parsed_by_id: HashMap<String, PolicyDocument> = HashMap::new();
    let probes: Vec<String> = std::iter::once(pattern.to_string())
        .chain(candidates.iter().map(|c| c.resource.clone()))
        .collect();
    for probe in &probes {
        let Ok(prepared) =
            prepare_request(scenario, managed, cache, principal, action, probe, context)
        else {
            return None;
        };
        for source in &prepared.sources {
            let document = match parsed_by_id.entry(source.id()) {
                Entry::Occupied(known) => known.into_mut(),
                Entry::Vacant(new) => {
                    let Some(text) = source.text(scenario, managed) else {
                        continue;
                    };
                    new.insert(parse_policy(&text, source.policy_type()).document)
                }
            };
            let version = document.effective_version();
            for statement in &document.statements {
                let Some(resource) = &statement.resource else {
                    continue;
                };
                for item in &resource.items {
                    // Variables take this request's values; an entry whose variable has no
                    // value matches nothing, so it cuts no region.
                    let Ok(resolved) =
                        substitute_string(&item.value, &prepared.request.context, version)
                    else {
                        continue;
                    };
                    let Some(entry) = resolved.resolved() else {
                        continue;
                    };
                    if entry != "*" && entry_seen.insert(entry.clone()) {
                        let place = super::simulate::PolicyLocation::of(source).to_string();
                        entries.push((entry, place));
                    }
                }
            }
        }
    }
    let entry_patterns: Vec<Pattern> = entries.iter().map(|(e, _)| Pattern::glob(e)).collect();
    for (entry, place) in &entries {
        for filled in fillings(entry) {
            if inside(&filled) {
                push(
                    filled,
                    format!("inside {entry} of {place}"),
                    &mut candidates,
                );
                break;
            }
        }
    }
    // The pattern filled to match as few entries as possible.
    let unnamed = fillings(pattern)
        .into_iter()
        .filter(|f| inside(f))
        .min_by_key(|f| {
            entry_patterns
                .iter()
                .filter(|p| resource_matches(p, f))
                .count()
        });
    if let Some(unnamed) = unnamed {
        let named = entry_patterns.iter().any(|p| resource_matches(p, &unnamed));
        let origin = if named {
            "the pattern with its wildcards filled".to_string()
        } else {
            "a resource no policy names".to_string()
        };
        push(unnamed, origin, &mut candidates);
    }

    let left_out = candidates.len().saturating_sub(MAX_SAMPLES);
    candidates.truncate(MAX_SAMPLES);
    let mut samples: Vec<PatternSample> = Vec::with_capacity(candidates.len());
    for c in candidates {
        let Ok(result) = evaluate_panel_request(
            scenario,
            managed,
            cache,
            principal,
            action,
            &c.resource,
            context,
            absent,
        ) else {
            continue;
        };
        samples.push(PatternSample {
            resource: c.resource,
            origin: c.origin,
            decision: result.evaluation.decision,
            summary: result.evaluation.policy_summary().to_string(),
        });
    }
    // Allowed first, then explicit denies, then implicit ones; the order of trial otherwise.
    samples.sort_by_key(|s| match s.decision {
        Decision::Allowed => 0,
        Decision::ExplicitDeny => 1,
        Decision::ImplicitDeny => 2,
    });
    Some(PatternAnswer {
        pattern: pattern.to_string(),
        samples,
        left_out,
    })
}

/// The pattern with every wildcard filled, once per filler (`?` becomes one character).
fn fillings(pattern: &str) -> Vec<String> {
    if !pattern.contains(['*', '?']) {
        return vec![pattern.to_string()];
    }
    FILLERS
        .iter()
        .map(|f| pattern.replace('*', f).replace('?', "q"))
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::scenario::{InlinePolicy, Resource, User};

    fn policy(statements: &str) -> String {
        format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#)
    }

    fn scenario(statements: &str) -> Scenario {
        let mut s = Scenario::new("111122223333");
        let mut alice = User::new("alice");
        alice.inline_policies.push(InlinePolicy {
            name: "Work".into(),
            document: policy(statements),
        });
        s.users.push(alice);
        s
    }

    fn answer(s: &Scenario, action: &str, pattern: &str) -> PatternAnswer {
        let cache = CompileCache::default();
        pattern_answer(
            s,
            None,
            &cache,
            &PrincipalRef::User("alice".into()),
            action,
            pattern,
            &[],
            &[],
        )
        .expect("a pattern answer")
    }

    #[test]
    fn only_wildcards_other_than_a_lone_star_are_patterns() {
        assert!(is_resource_pattern("arn:aws:s3:::reports/*"));
        assert!(is_resource_pattern(" arn:aws:s3:::report? "));
        assert!(!is_resource_pattern("*"));
        assert!(!is_resource_pattern("arn:aws:s3:::reports/a.csv"));
    }

    #[test]
    fn a_narrower_allow_inside_the_pattern_gives_a_witness_on_each_side() {
        let s = scenario(
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/2024/*"}"#,
        );
        let a = answer(&s, "s3:GetObject", "arn:aws:s3:::reports/*");
        assert_eq!(a.verdict(), PatternVerdict::Mixed, "{a:?}");
        let allowed = a.allowed_witness().unwrap();
        assert!(allowed.resource.starts_with("arn:aws:s3:::reports/2024/"));
        assert!(allowed.origin.contains("arn:aws:s3:::reports/2024/*"));
        let refused = a.refused_witness().unwrap();
        assert!(!refused.resource.starts_with("arn:aws:s3:::reports/2024/"));
        assert_eq!(refused.decision, Decision::ImplicitDeny);
        assert!(a.sentence().starts_with("Allowed for some resources"));
    }

    #[test]
    fn an_allow_covering_the_pattern_allows_it_all_and_a_deny_inside_splits_it() {
        let covering = scenario(
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"}"#,
        );
        let a = answer(&covering, "s3:GetObject", "arn:aws:s3:::reports/*");
        assert_eq!(a.verdict(), PatternVerdict::AllowedForAll, "{a:?}");
        // Near miss: a Deny on a part of the pattern.
        let denied = scenario(
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"},
               {"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/secret/*"}"#,
        );
        let a = answer(&denied, "s3:GetObject", "arn:aws:s3:::reports/*");
        assert_eq!(a.verdict(), PatternVerdict::Mixed, "{a:?}");
        let refused = a.refused_witness().unwrap();
        assert_eq!(refused.decision, Decision::ExplicitDeny);
        assert!(refused.resource.starts_with("arn:aws:s3:::reports/secret/"));
    }

    #[test]
    fn a_whole_accounts_buckets_are_tried_one_by_one_with_their_policies() {
        let mut s = scenario(r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}"#);
        for name in ["logs", "public-site"] {
            s.resources
                .push(Resource::new(ResourceKind::S3Bucket, name));
        }
        // The logs bucket's policy refuses alice explicitly.
        if let Some(logs) = s.resources.first_mut() {
            logs.policy = Some(policy(
                r#"{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::logs"}"#,
            ));
        }
        let a = answer(&s, "s3:ListBucket", "arn:aws:s3:::*");
        assert_eq!(a.verdict(), PatternVerdict::Mixed, "{a:?}");
        assert_eq!(a.refused_witness().unwrap().resource, "arn:aws:s3:::logs");
        assert!(
            a.samples.iter().any(
                |x| x.resource == "arn:aws:s3:::public-site" && x.decision == Decision::Allowed
            )
        );
        assert!(
            a.samples
                .iter()
                .any(|x| x.origin.contains("of the scenario"))
        );
    }

    #[test]
    fn policy_variables_take_the_requests_values() {
        let s = scenario(
            r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::home/${aws:username}/*"}"#,
        );
        let a = answer(&s, "s3:GetObject", "arn:aws:s3:::home/*");
        assert_eq!(a.verdict(), PatternVerdict::Mixed, "{a:?}");
        assert!(
            a.allowed_witness()
                .unwrap()
                .resource
                .starts_with("arn:aws:s3:::home/alice/")
        );
    }

    #[test]
    fn nothing_allowed_is_refused_for_all_and_samples_are_capped() {
        let mut statements = Vec::new();
        for i in 0..(MAX_SAMPLES + 5) {
            statements.push(format!(
                r#"{{"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/{i}/*"}}"#
            ));
        }
        let s = scenario(&statements.join(","));
        let a = answer(&s, "s3:GetObject", "arn:aws:s3:::reports/*");
        assert_eq!(a.verdict(), PatternVerdict::RefusedForAll);
        assert_eq!(a.samples.len(), MAX_SAMPLES);
        assert!(a.left_out > 0);
        assert!(a.sentence().starts_with("Refused for every resource"));
    }
}
