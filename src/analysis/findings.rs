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

/// Reads the findings the worker sent ([`read_findings`]).
pub type Reader = fn(&str) -> Result<Vec<Finding>, String>;

/// The findings' reader, once it is here. In the split build it is a chunk of its own
/// (`findings_reader`: the readers of every kind of finding), fetched by [`load_reader`] when
/// the app first asks the worker for findings, after the first paint.
pub fn reader() -> Option<Reader> {
    reader_loader::loaded()
}

/// Fetches the findings' reader (once; a failed fetch is tried again on the next call).
///
/// # Errors
/// When its chunk cannot be fetched.
pub async fn load_reader() -> Result<Reader, crate::split::LoadFailed> {
    reader_loader::load().await
}

#[cfg(not(split_build))]
mod reader_loader {
    use super::*;

    pub fn loaded() -> Option<Reader> {
        Some(read_findings)
    }

    pub async fn load() -> Result<Reader, crate::split::LoadFailed> {
        Ok(read_findings)
    }
}

#[cfg(split_build)]
#[allow(unsafe_code)] // A split point is an extern import and export (see crate::split).
mod reader_loader {
    use std::cell::Cell;

    use wasm_split_helpers::wasm_split;

    use super::*;

    #[wasm_split(findings_reader, fallible)]
    fn reader() -> Result<Reader, crate::split::LoadFailed> {
        Ok(read_findings)
    }

    thread_local! {
        static LOADED: Cell<Option<Reader>> = const { Cell::new(None) };
    }

    pub fn loaded() -> Option<Reader> {
        LOADED.with(Cell::get)
    }

    pub async fn load() -> Result<Reader, crate::split::LoadFailed> {
        if let Some(reader) = loaded() {
            return Ok(reader);
        }
        let reader = reader().await?;
        LOADED.with(|loaded| loaded.set(Some(reader)));
        Ok(reader)
    }
}

/// The findings of a job read so far, and the texts that came before the reader (read in
/// order once it is here).
#[derive(Default)]
pub struct FindingsRead {
    findings: Vec<Finding>,
    unread: Vec<String>,
    error: Option<String>,
}

impl FindingsRead {
    /// One message's findings: read now when the reader is here (and nothing waits before
    /// them), else kept.
    pub fn add(&mut self, json: String, reader: Option<Reader>) {
        match reader {
            Some(reader) if self.unread.is_empty() => self.read(reader, &json),
            _ => self.unread.push(json),
        }
    }

    fn read(&mut self, reader: Reader, json: &str) {
        if self.error.is_none() {
            match reader(json) {
                Ok(more) => self.findings.extend(more),
                Err(e) => self.error = Some(e),
            }
        }
    }

    /// Every finding, in order, once the job is done.
    pub fn finish(mut self, reader: Reader) -> Result<Vec<Finding>, String> {
        for json in std::mem::take(&mut self.unread) {
            self.read(reader, &json);
        }
        match self.error {
            Some(e) => Err(e),
            None => Ok(self.findings),
        }
    }
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
    fn findings_that_come_before_the_reader_are_read_first_and_in_order() {
        let s = example();
        let engine = s.findings_with_catalog(None);
        let parts: Vec<String> = engine
            .iter()
            .map(|f| serde_json::to_string(&[f]).unwrap())
            .collect();
        assert!(parts.len() >= 3, "{}", parts.len());
        // The first message comes before the reader, the next ones after it: they wait
        // behind the first, so the order stays.
        let mut read = FindingsRead::default();
        read.add(parts[0].clone(), None);
        for json in &parts[1..] {
            read.add(json.clone(), Some(read_findings));
        }
        assert_eq!(read.finish(read_findings).unwrap(), engine);
        // With the reader from the start, each is read as it comes.
        let mut read = FindingsRead::default();
        for json in &parts {
            read.add(json.clone(), Some(read_findings));
            assert!(read.unread.is_empty());
        }
        assert_eq!(read.finish(read_findings).unwrap(), engine);
        // A message another build wrote is an error, not a partial list.
        let mut read = FindingsRead::default();
        read.add(parts[0].clone(), Some(read_findings));
        read.add("{\"rows\": 1}".to_owned(), Some(read_findings));
        assert!(read.finish(read_findings).is_err());
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
