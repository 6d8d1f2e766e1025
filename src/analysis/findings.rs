//! The scenario's findings (every policy text validated, names, quotas, references and the
//! account's best practices), computed in the analysis worker: on a real account the first
//! computation after an import validates thousands of policy texts (over half a second), which
//! froze the page when it ran there. The worker keeps a [`ValidationCache`] of its own, so an
//! edit validates again only the texts it changed. Where the build ships no worker (the
//! browser tests, an old browser), the page computes them as before, with a cache of its own.
//!
//! The app's hook is `super::account::use_scenario_findings`: the findings of the current
//! revision once they are here; meanwhile the last revision's, marked as updating.

use std::rc::Rc;

use iam_engine::catalog::Catalog;
use iam_engine::scenario::{Finding, Scenario, ValidationCache};

/// Every finding of the open scenario, computed once per change (with the catalog checks once
/// the catalog has arrived; in the analysis worker where there is one) and shared by the app
/// with the Findings tab's badge and the Findings view.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScenarioFindings {
    /// The findings: the current revision's, or while `updating`, the last ones computed
    /// (none before the first).
    pub findings: Rc<Vec<Finding>>,
    /// Whether the current revision's findings are still being computed.
    pub updating: bool,
}

impl ScenarioFindings {
    /// The findings of the current revision.
    pub fn ready(findings: Vec<Finding>) -> Self {
        ScenarioFindings {
            findings: Rc::new(findings),
            updating: false,
        }
    }
}

/// How many findings one `Response::Findings` carries: the page reads each message in a task
/// of its own, and a real account's 15,000 findings (4 MB of JSON) read at once were a task of
/// 50 ms.
pub const FINDINGS_PER_MESSAGE: usize = 1_000;

/// The findings of `scenario` (with the catalog's checks when there is one), as the JSON
/// arrays the worker sends, one `Response::Findings` each, [`FINDINGS_PER_MESSAGE`] findings
/// at most in each, in order (none when there are no findings).
pub fn findings_json(
    scenario: &Scenario,
    catalog: Option<&Catalog>,
    cache: &ValidationCache,
) -> Vec<String> {
    let findings = scenario.findings_cached(catalog, cache);
    findings
        .chunks(FINDINGS_PER_MESSAGE)
        // A list of plain values: it always serializes.
        .map(|part| serde_json::to_string(part).unwrap_or_else(|_| "[]".to_owned()))
        .collect()
}

/// The findings the worker sent.
///
/// # Errors
/// When the text is not the JSON [`findings_json`] writes (a worker of another build).
pub fn read_findings(json: &str) -> Result<Vec<Finding>, String> {
    serde_json::from_str(json).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::protocol::{FindingsRequest, ModelRef, Request, Response};
    use crate::analysis::round_trip;
    use iam_engine::scenario::gallery_json;

    /// A scenario with findings of every kind of target, document and fix.
    fn example() -> Scenario {
        let mut s = Scenario::from_json(gallery_json("root-vs-admin").unwrap()).unwrap();
        s.root_user.mfa = false;
        s.root_user.access_keys = true;
        let mut u = iam_engine::scenario::User::new("alice");
        u.inline_policies.push(iam_engine::scenario::InlinePolicy {
            name: "Bad".into(),
            document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Bogus":1}]}"#.into(),
        });
        s.users.push(u);
        s
    }

    #[test]
    fn the_request_and_the_findings_survive_bincode() {
        let request = Request::Findings(FindingsRequest {
            job: 7,
            model: ModelRef {
                scenario_id: 3,
                scenario_json: None,
                managed_url: None,
            },
            catalog_url: Some("https://example.com/catalog.json".into()),
        });
        assert_eq!(round_trip(&request), request);
        let s = example();
        let engine = s.findings_with_catalog(None);
        assert!(
            engine.iter().any(|f| f.fix.is_some()) && engine.iter().any(|f| f.span.is_some()),
            "the example has findings with fixes and spans: {engine:?}"
        );
        let parts = findings_json(&s, None, &ValidationCache::default());
        assert_eq!(parts.len(), 1, "a few findings are one message");
        let mut read = Vec::new();
        for json in parts {
            let answer = Response::Findings { job: 7, json };
            let back = round_trip(&answer);
            assert_eq!(back, answer);
            let Response::Findings { json, .. } = back else {
                unreachable!()
            };
            read.extend(read_findings(&json).unwrap());
        }
        assert_eq!(read, engine);
    }

    #[test]
    fn many_findings_come_in_messages_of_at_most_their_share_in_order() {
        // A user per finding: each has a policy attached directly.
        let mut s = Scenario::new("123456789012");
        s.policies.push(iam_engine::scenario::ManagedPolicy::new(
            "Direct",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#,
        ));
        for i in 0..(FINDINGS_PER_MESSAGE + 7) {
            let mut user = iam_engine::scenario::User::new(format!("user-{i}"));
            user.managed_policies
                .push(iam_engine::scenario::PolicyRef::customer("Direct"));
            s.users.push(user);
        }
        let engine = s.findings_with_catalog(None);
        assert!(engine.len() > FINDINGS_PER_MESSAGE, "{}", engine.len());
        let parts = findings_json(&s, None, &ValidationCache::default());
        assert_eq!(parts.len(), engine.len().div_ceil(FINDINGS_PER_MESSAGE));
        let read: Vec<Finding> = (parts.iter())
            .flat_map(|json| read_findings(json).unwrap())
            .collect();
        assert_eq!(read, engine);
        // No findings: no message (the job's Done says there are none).
        let mut quiet = Scenario::new("123456789012");
        quiet.root_user.mfa = true;
        assert_eq!(quiet.findings_with_catalog(None), Vec::new());
        assert!(findings_json(&quiet, None, &ValidationCache::default()).is_empty());
    }

    #[test]
    fn a_text_of_another_kind_is_an_error_not_a_panic() {
        assert!(read_findings("{\"rows\": 1}").is_err());
        assert!(read_findings("").is_err());
        assert_eq!(read_findings("[]").unwrap(), Vec::<Finding>::new());
    }
}
