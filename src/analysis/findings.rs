//! The scenario's findings (every policy text validated, names, quotas, references and the
//! account's best practices), computed in the analysis worker: on a real account the first
//! computation after an import validates thousands of policy texts (over half a second), which
//! froze the page when it ran there. The worker keeps a [`ValidationCache`] of its own, so an
//! edit validates again only the texts it changed. Where the build ships no worker (the
//! browser tests, an old browser), the page computes them as before, with a cache of its own.
//!
//! [`use_scenario_findings`] is the app's hook: the findings of the current revision once they
//! are here; meanwhile the last revision's, marked as updating.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::timers::callback::Timeout;
use iam_engine::catalog::Catalog;
use iam_engine::scenario::{Finding, Scenario, ValidationCache};
use yew::prelude::*;

use super::client::{client, uses_worker};
use super::protocol::Response;
use crate::components::findings::ScenarioFindings;

/// The findings of `scenario` (with the catalog's checks when there is one), as the JSON the
/// worker sends ([`Response::Findings`]).
pub fn findings_json(
    scenario: &Scenario,
    catalog: Option<&Catalog>,
    cache: &ValidationCache,
) -> String {
    let findings = scenario.findings_cached(catalog, cache);
    // A list of plain values: it always serializes.
    serde_json::to_string(&findings).unwrap_or_else(|_| "[]".to_owned())
}

/// The findings the worker sent.
///
/// # Errors
/// When the text is not the JSON [`findings_json`] writes (a worker of another build).
pub fn read_findings(json: &str) -> Result<Vec<Finding>, String> {
    serde_json::from_str(json).map_err(|e| e.to_string())
}

/// How long edits must pause before the worker is asked for the findings, in milliseconds.
const FINDINGS_DEBOUNCE_MS: u32 = 300;

/// A findings question: one revision of the scenario, with the catalog or without.
#[derive(Debug, Clone)]
struct FindingsQuery {
    revision: u64,
    /// Compared by identity.
    scenario: Rc<Scenario>,
    /// Compared by identity.
    catalog: Option<Rc<Catalog>>,
}

impl FindingsQuery {
    /// What its answer is about: the revision, and whether with the catalog's checks.
    fn key(&self) -> (u64, bool) {
        (self.revision, self.catalog.is_some())
    }
}

impl PartialEq for FindingsQuery {
    fn eq(&self, other: &Self) -> bool {
        self.revision == other.revision
            && Rc::ptr_eq(&self.scenario, &other.scenario)
            && match (&self.catalog, &other.catalog) {
                (Some(a), Some(b)) => Rc::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            }
    }
}

/// The last findings that arrived from the worker, with what they are about ([`FindingsQuery::key`]).
type Arrived = Option<((u64, bool), Rc<Vec<Finding>>)>;

/// The findings of `revision` of `scenario` (with the action and condition-key checks once
/// `catalog` is here). In the worker: asked after every change, once edits pause (a newer
/// revision cancels the older job), and until they arrive the last ones are returned marked as updating; without a
/// worker: computed on the page, at once.
#[hook]
pub fn use_scenario_findings(
    revision: u64,
    scenario: Rc<Scenario>,
    catalog: Option<Rc<Catalog>>,
) -> ScenarioFindings {
    // An embed's scenario is small: it computes on the page, with no worker to start.
    let in_worker = *use_memo((), |_| !crate::page::is_embed() && uses_worker());
    let query = FindingsQuery {
        revision,
        scenario,
        catalog,
    };
    let key = query.key();
    // Without a worker: on the page, each text's validation remembered from one revision to
    // the next.
    let validations = use_memo((), |_| ValidationCache::default());
    let on_page = use_memo(key, {
        let query = query.clone();
        let validations = Rc::clone(&validations);
        move |_| {
            (!in_worker).then(|| {
                Rc::new(
                    query
                        .scenario
                        .findings_cached(query.catalog.as_deref(), &validations),
                )
            })
        }
    });
    // In the worker: asked once edits pause, so that typing does not write a real account's
    // scenario JSON (15 to 35 ms) at every keystroke to send it.
    let settled = use_state(|| in_worker.then(|| query.clone()));
    {
        let settled = settled.clone();
        use_effect_with(query, move |query| {
            let timeout = (in_worker && settled.as_ref() != Some(query)).then(|| {
                let query = query.clone();
                Timeout::new(FINDINGS_DEBOUNCE_MS, move || settled.set(Some(query)))
            });
            move || drop(timeout)
        });
    }
    let arrived: Rc<RefCell<Arrived>> = use_mut_ref(|| None);
    let update = use_force_update();
    {
        let arrived = Rc::clone(&arrived);
        use_effect_with((*settled).clone(), move |query| {
            let Some(query) = query.as_ref().filter(|_| in_worker) else {
                return Box::new(|| ()) as Box<dyn FnOnce()>;
            };
            let key = query.key();
            let listener = {
                let query = query.clone();
                Callback::from(move |response: Response| {
                    let findings = match response {
                        Response::Findings { json, .. } => read_findings(&json),
                        Response::Failed { message, .. } => Err(message),
                        _ => return,
                    };
                    // Where the worker could not answer (its catalog did not load), the page
                    // computes them, rather than showing them as updating for ever.
                    let findings = findings.unwrap_or_else(|e| {
                        gloo::console::warn!(format!(
                            "The findings are computed on the page: the worker's failed ({e})."
                        ));
                        query
                            .scenario
                            .findings_with_catalog(query.catalog.as_deref())
                    });
                    *arrived.borrow_mut() = Some((key, Rc::new(findings)));
                    update.force_update();
                })
            };
            let client = client();
            let job = client.findings(&query.scenario, query.catalog.is_some(), listener);
            Box::new(move || client.cancel(job)) as Box<dyn FnOnce()>
        });
    }
    if let Some(findings) = on_page.as_ref() {
        return ScenarioFindings {
            findings: Rc::clone(findings),
            updating: false,
        };
    }
    match arrived.borrow().as_ref() {
        Some((about, findings)) => ScenarioFindings {
            findings: Rc::clone(findings),
            updating: *about != key,
        },
        None => ScenarioFindings {
            findings: Rc::default(),
            updating: true,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::protocol::{FindingsRequest, ModelRef, Request};
    use iam_engine::scenario::gallery_json;
    use serde::{Deserialize, Serialize};

    fn round_trip<T: Serialize + for<'de> Deserialize<'de>>(value: &T) -> T {
        bincode::deserialize(&bincode::serialize(value).unwrap()).unwrap()
    }

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
        let answer = Response::Findings {
            job: 7,
            json: findings_json(&s, None, &ValidationCache::default()),
        };
        let back = round_trip(&answer);
        assert_eq!(back, answer);
        let Response::Findings { json, .. } = back else {
            unreachable!()
        };
        assert_eq!(read_findings(&json).unwrap(), engine);
    }

    #[test]
    fn a_text_of_another_kind_is_an_error_not_a_panic() {
        assert!(read_findings("{\"rows\": 1}").is_err());
        assert!(read_findings("").is_err());
        assert_eq!(read_findings("[]").unwrap(), Vec::<Finding>::new());
    }
}
