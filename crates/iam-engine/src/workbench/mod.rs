//! The use cases over a scenario, behind one facade: [`Workbench`].
//!
//! The scenario model ([`crate::scenario`]) says what an account holds and how it is edited;
//! this module answers questions about it: the simulator's request and its [`Answer`] (the
//! decision, its reasons, the policies in play with their typed [`PolicySource`]s, the deciding
//! statements and the highlights), the saved-test runs, the access matrix, the findings and the
//! input of `aws iam simulate-custom-policy`. The web app and the CLI call only this facade and
//! the model, so each question is written once and tested natively.
//!
//! Invariants:
//! - **Derived results are computed, never stored.** Every answer is a function of (scenario,
//!   request, loaded data); callers memoize on the scenario's revision and the request, so no
//!   edit can leave a stale decision or highlight behind.
//! - **Caches belong to the caller.** The [`CompileCache`] is a value the caller creates and
//!   keeps; nothing here has hidden global state.
//! - **Typed sources.** Each policy of an evaluation is recorded with its [`PolicySource`];
//!   the evaluator's string ids are looked up in that list, never parsed.

pub mod analysis;
mod answer;
mod cache;
pub mod cli_input;
pub mod conditional;
pub mod explain;
pub mod guardrail;
pub mod matrix;
pub mod pattern;
pub mod principal_policy;
pub mod request;
pub mod simulate;
mod source;
pub mod test_runs;
mod words;

pub use answer::{
    Answer, Decided, DecidingStatement, Highlight, HighlightKind, PolicyInPlay, SimulatorRequest,
    deciding_statements, highlights_of, miss_text, policies_in_play,
};
pub use cache::{COMPILED_CACHE_BYTES, COMPILED_CACHE_LIMIT, CompileCache};
pub use source::{PolicySource, default_key_policy};
pub use words::evaluation_words;

use crate::catalog::{Catalog, ManagedPolicies};
use crate::scenario::{Finding, PrincipalRef, Scenario};
use crate::simulate::SimulateCustomPolicyOutput;

use self::cli_input::CliInput;
use self::matrix::AccessMatrix;
use self::principal_policy::PrincipalPolicyInput;
use self::request::ContextKeyRow;
use self::simulate::{SimulationError, TestOutcome};
use self::test_runs::TestRunCache;

/// The facade: one scenario with the data it is read against (the action catalog and the
/// AWS-managed policies, when loaded) and the caller's compile cache. Cheap to make; make one
/// per question or per render.
#[derive(Debug, Clone, Copy)]
pub struct Workbench<'a> {
    /// The scenario asked about.
    pub scenario: &'a Scenario,
    /// The action catalog: expands wildcard actions and types context keys.
    pub catalog: Option<&'a Catalog>,
    /// The AWS-managed policies: without them those policies are left out (and said so).
    pub managed: Option<&'a ManagedPolicies>,
    /// The caller's compile cache.
    pub cache: &'a CompileCache,
}

impl<'a> Workbench<'a> {
    /// A workbench over `scenario` with no catalog and no AWS-managed policies.
    pub fn new(scenario: &'a Scenario, cache: &'a CompileCache) -> Workbench<'a> {
        Workbench {
            scenario,
            catalog: None,
            managed: None,
            cache,
        }
    }

    /// The same workbench with the action catalog.
    pub fn with_catalog(self, catalog: Option<&'a Catalog>) -> Workbench<'a> {
        Workbench { catalog, ..self }
    }

    /// The same workbench with the AWS-managed policies.
    pub fn with_managed(self, managed: Option<&'a ManagedPolicies>) -> Workbench<'a> {
        Workbench { managed, ..self }
    }

    /// The context keys the simulator lists for a request of `principal` on `resource`, with
    /// their shown defaults; `now` is the request time as ISO 8601 UTC (the engine has no
    /// clock).
    pub fn context_keys(&self, principal: &str, resource: &str, now: &str) -> Vec<ContextKeyRow> {
        request::context_keys(
            self.scenario,
            self.managed,
            self.cache,
            self.catalog,
            &PrincipalRef::from(principal.trim().to_string()),
            resource.trim(),
            now,
        )
    }

    /// The answer to the simulator's request: `rows` are the listed context keys (from
    /// [`Workbench::context_keys`]) and `selected` the action row to explain.
    pub fn answer(
        &self,
        request: &SimulatorRequest,
        rows: &[ContextKeyRow],
        selected: usize,
    ) -> Answer {
        answer::answer(
            self.scenario,
            self.managed,
            self.catalog,
            self.cache,
            request,
            rows,
            selected,
        )
    }

    /// Reads an AccessDenied message, decoded authorization message or CloudTrail event and
    /// explains the denial against the scenario, with a verified fix when one is simple (see
    /// [`explain::explain_denied`]); `now` is the request time when the input carries none.
    pub fn explain_denied(
        &self,
        text: &str,
        now: &str,
    ) -> Result<explain::DeniedExplanation, crate::denied::DeniedError> {
        explain::explain_denied(self, text, now)
    }

    /// The truth tables of one SCP or RCP of the scenario: its decision alone per region of
    /// the context keys it reads, per action set (see [`guardrail`]).
    pub fn guardrail_tables(
        &self,
        guardrail: guardrail::GuardrailRef,
    ) -> Result<guardrail::GuardrailTables, SimulationError> {
        guardrail::guardrail_tables(self.scenario, self.catalog, guardrail)
    }

    /// Runs every saved test.
    pub fn run_tests(&self) -> Vec<TestOutcome> {
        simulate::run_tests(self.scenario, self.managed, self.cache)
    }

    /// Runs every saved test, evaluating only those whose inputs changed since `runs` last
    /// ran; returns the outcomes and how many tests were evaluated.
    pub fn run_tests_incrementally(&self, runs: &mut TestRunCache) -> (Vec<TestOutcome>, usize) {
        runs.run(self.scenario, self.managed, self.cache)
    }

    /// The access matrix of `principals` × `actions` on `resource`.
    pub fn matrix(
        &self,
        principals: &[PrincipalRef],
        actions: &[String],
        resource: &str,
        with_root_tasks: bool,
    ) -> AccessMatrix {
        matrix::compute_matrix(
            self.scenario,
            self.managed,
            self.cache,
            principals,
            actions,
            resource,
            with_root_tasks,
        )
    }

    /// The analysis data of this workbench: the scenario, the AWS-managed policies, the cache.
    pub fn analysis_model(&self) -> analysis::Model<'a> {
        analysis::Model {
            scenario: self.scenario,
            managed: self.managed,
            cache: self.cache,
        }
    }

    /// Who can do the query's actions on its resource (see [`analysis::who_can`]).
    pub fn who_can(
        &self,
        query: &analysis::who_can::WhoCanQuery,
    ) -> analysis::who_can::WhoCanAnswer {
        analysis::who_can::who_can(&self.analysis_model(), query)
    }

    /// What the query's principal can do over the whole action catalog (see
    /// [`analysis::what_can`]). `columns` is made once from the catalog
    /// ([`analysis::what_can::CatalogColumns::new`]) and kept between questions.
    pub fn what_can(
        &self,
        columns: &mut analysis::what_can::CatalogColumns,
        query: &analysis::what_can::WhatCanQuery,
    ) -> Result<analysis::what_can::WhatCanAnswer, SimulationError> {
        analysis::what_can::what_can(&self.analysis_model(), columns, query)
    }

    /// What changes from this workbench's scenario (before) to `after` (see
    /// [`analysis::diff`]): every principal's newly allowed and newly denied actions by
    /// service, access level and resource region, each group with a verified witness request.
    pub fn diff(&self, after: &Scenario) -> analysis::diff::DiffReport {
        let after_model = analysis::Model {
            scenario: after,
            managed: self.managed,
            cache: self.cache,
        };
        analysis::diff::diff_scenarios(&self.analysis_model(), &after_model, self.catalog)
    }

    /// Two versions of one policy document of `policy_type` compared, with a verdict
    /// (equivalent, more or less permissive, incomparable) and a witness per direction (see
    /// [`analysis::diff::diff_documents`]); `None` for a resource policy.
    pub fn diff_documents(
        &self,
        before: &str,
        after: &str,
        policy_type: crate::policy::PolicyType,
    ) -> Option<analysis::diff::DocumentDiff> {
        analysis::diff::diff_documents(
            before,
            after,
            policy_type,
            self.catalog,
            self.managed,
            self.cache,
        )
    }

    /// Every path by which a principal that is not admin-equivalent reaches admin-equivalent
    /// access (see [`analysis::escalation`]).
    pub fn escalation_paths(
        &self,
        paths: &crate::catalog::escalation::EscalationCatalog,
    ) -> analysis::escalation::EscalationReport {
        analysis::escalation::escalation_paths(&self.analysis_model(), paths)
    }

    /// [`Workbench::escalation_paths`] within `budget`.
    pub fn escalation_paths_within(
        &self,
        paths: &crate::catalog::escalation::EscalationCatalog,
        budget: analysis::escalation::SearchBudget,
    ) -> analysis::escalation::EscalationReport {
        analysis::escalation::escalation_paths_within(&self.analysis_model(), paths, budget)
    }

    /// The smallest verified edit that breaks `path` (see [`analysis::fix`]).
    pub fn smallest_fix(
        &self,
        paths: &crate::catalog::escalation::EscalationCatalog,
        path: &analysis::escalation::FoundPath,
    ) -> Option<analysis::fix::Fix> {
        analysis::fix::smallest_fix(&self.analysis_model(), paths, path)
    }

    /// What else a fix of `path` takes away (see [`analysis::fix::access_removed`]).
    pub fn access_removed(
        &self,
        path: &analysis::escalation::FoundPath,
        fix: &analysis::fix::Fix,
    ) -> Vec<analysis::DecidedRequest> {
        analysis::fix::access_removed(&self.analysis_model(), path, fix)
    }

    /// The scenario's findings, with the catalog's checks when it is loaded.
    pub fn findings(&self) -> Vec<Finding> {
        self.scenario.findings_with_catalog(self.catalog)
    }

    /// The input of `aws iam simulate-custom-policy` for the request, so it can be asked of
    /// AWS's own simulator.
    pub fn cli_input(&self, request: &SimulatorRequest) -> Result<CliInput, SimulationError> {
        cli_input::simulate_custom_policy_input(
            self.scenario,
            self.managed,
            self.cache,
            &PrincipalRef::from(request.principal.clone()),
            request.action.trim(),
            request.resource.trim(),
            &request::present_values(&request.context),
        )
    }

    /// The request the simulator asks: `request`, or the one it opens with
    /// ([`SimulatorRequest::opening`]) while nothing has been asked yet, so views that show the
    /// simulator's question (Export's "Check the answer with AWS") need no visit to it first.
    pub fn current_request(&self, request: &SimulatorRequest) -> SimulatorRequest {
        if request.is_unset() {
            SimulatorRequest::opening(self.scenario)
        } else {
            request.clone()
        }
    }

    /// `simulate-principal-policy` over the scenario: every action on every resource for a
    /// user or role of the scenario, in AWS's response shape.
    pub fn simulate_principal_policy(
        &self,
        input: &PrincipalPolicyInput,
    ) -> Result<SimulateCustomPolicyOutput, SimulationError> {
        principal_policy::simulate_principal_policy(self, input)
    }
}
