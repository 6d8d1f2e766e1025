//! What a job computes ([`JobSpec`]), and the analysis client's fallback for a page without
//! workers ([`super::client`]): its jobs run on the page a slice at a time. In the split build
//! (`crate::split`) making and stepping them is the `page_analysis` chunk, which a browser with
//! workers never fetches; so are the importers (`page_import`) and the template writers
//! (`page_export`) it runs without a worker.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::{Rc, Weak};

use iam_engine::catalog::escalation::EscalationCatalog;
use iam_engine::catalog::{Catalog, ManagedPolicies};
use iam_engine::scenario::{Finding, Scenario, ValidationCache};
use iam_engine::workbench::analysis::what_can::CatalogColumns;
use iam_engine::workbench::matrix::MentionCache;

use super::export::run_export;
use super::import::{ImportInput, ImportSummary, run_import};
use super::job::{ColumnsInput, DiffJob, EscalationJob, Job, MatrixJob, WhatCanJob, WhoCanJob};
use super::protocol::{ExportData, ExportFailure, MatrixColumns, Response, TemplateKind};
use crate::split::LoadFailed;

/// How long a slice of a job run on the page (where there is no worker) may take, in
/// milliseconds: well under the 50 ms at which a task counts as long.
const PAGE_SLICE_MS: f64 = 8.0;

/// What a job computes (see `client::Client::start`).
pub(crate) enum JobSpec {
    /// An access matrix: the principals × `actions` on `resource`.
    Matrix {
        /// Which actions the columns are.
        columns: MatrixColumns,
        /// The text their names must contain (in any case; empty: any).
        filter: String,
        /// The resource.
        resource: String,
        /// The action catalog, for the columns, when the page has it. The page's fallback
        /// computes with it; the worker fetches its own copy.
        catalog: Option<Rc<Catalog>>,
    },
    /// Who can do `actions` on `resource`.
    WhoCan {
        /// The actions, expanded.
        actions: Vec<String>,
        /// The resource.
        resource: String,
    },
    /// The paths to admin and their fixes. The page's fallback computes with `catalog`; the
    /// worker fetches its own copy from the build's asset.
    Escalation {
        /// The escalation catalog, when the page has it.
        catalog: Option<Rc<EscalationCatalog>>,
    },
    /// What `principal` can do on `resource`, over the whole action catalog. The page's
    /// fallback computes with `catalog`; the worker fetches its own copy.
    WhatCan {
        /// The principal (`root`, `user/NAME`, `role/NAME`).
        principal: String,
        /// The resource.
        resource: String,
        /// The action catalog, when the page has it.
        catalog: Option<Rc<Catalog>>,
    },
    /// What changes from `before` to the scenario the job is started over. The page's
    /// fallback computes with `catalog`; the worker fetches its own copy.
    Diff {
        /// The version before.
        before: Rc<Scenario>,
        /// The action catalog, when the page has it.
        catalog: Option<Rc<Catalog>>,
    },
}

/// What the page's fallback keeps from one job to the next (the worker keeps its own).
#[derive(Debug, Default)]
pub(crate) struct PageCaches {
    /// The what-can columns, with the catalog they were made from.
    what_can: Option<(Weak<Catalog>, Rc<RefCell<CatalogColumns>>)>,
    /// What the policy texts mention, for the matrix's mentioned columns.
    mentions: Rc<MentionCache>,
}

/// The page's fallback's running jobs.
pub(crate) type PageJobs = Rc<RefCell<HashMap<u64, Job>>>;

/// One slice of the page's job `id`.
fn step_job(jobs: &PageJobs, id: u64) -> Option<(Vec<Response>, bool)> {
    let mut running = jobs.borrow_mut();
    let job = running.get_mut(&id)?;
    let answers = job.step(id, PAGE_SLICE_MS, js_sys::Date::now);
    let done = job.is_done();
    if done {
        running.remove(&id);
    }
    Some((answers, done))
}

/// The page's fallback's job for `spec` over `scenario`.
fn make_job(
    scenario: Rc<Scenario>,
    managed: Option<Rc<ManagedPolicies>>,
    spec: JobSpec,
    kept: &RefCell<PageCaches>,
) -> Option<Job> {
    match spec {
        JobSpec::Matrix {
            columns,
            filter,
            resource,
            catalog,
        } => {
            let columns = ColumnsInput {
                source: columns,
                filter,
                catalog,
                mentions: Rc::clone(&kept.borrow().mentions),
            };
            Some(Job::Matrix(MatrixJob::new(
                scenario, managed, columns, resource,
            )))
        }
        JobSpec::WhoCan { actions, resource } => Some(Job::WhoCan(WhoCanJob::new(
            scenario, managed, actions, resource,
        ))),
        JobSpec::Escalation { catalog } => {
            catalog.map(|c| Job::Escalation(EscalationJob::new(scenario, managed, c)))
        }
        JobSpec::WhatCan {
            principal,
            resource,
            catalog,
        } => catalog.map(|c| {
            let columns = page_columns(kept, &c);
            Job::WhatCan(WhatCanJob::new(
                scenario, managed, c, columns, principal, resource,
            ))
        }),
        JobSpec::Diff { before, catalog } => {
            catalog.map(|c| Job::Diff(DiffJob::new(before, scenario, managed, c)))
        }
    }
}

/// The page's fallback's what-can columns of `catalog`, made once per catalog (kept by the
/// client in `kept`).
fn page_columns(kept: &RefCell<PageCaches>, catalog: &Rc<Catalog>) -> Rc<RefCell<CatalogColumns>> {
    let kept = &mut kept.borrow_mut().what_can;
    if let Some((made_from, columns)) = kept.as_ref()
        && made_from.upgrade().is_some_and(|c| Rc::ptr_eq(&c, catalog))
    {
        return Rc::clone(columns);
    }
    let columns = WhatCanJob::columns(catalog);
    *kept = Some((Rc::downgrade(catalog), Rc::clone(&columns)));
    columns
}

const LOAD_FAILED: &str = "The analysis could not be loaded. Check the connection and try again.";

/// Makes the job for `spec` over `scenario` (`None` when it needs a catalog the page does not
/// have yet), once its chunk is here; `kept` keeps the what-can columns between jobs.
pub(crate) async fn make_page_job(
    scenario: Rc<Scenario>,
    managed: Option<Rc<ManagedPolicies>>,
    spec: JobSpec,
    kept: &RefCell<PageCaches>,
) -> Result<Option<Job>, String> {
    loader::make(scenario, managed, spec, kept)
        .await
        .map_err(|LoadFailed| LOAD_FAILED.to_owned())
}

/// Runs a slice of job `id` (its answers, and whether it has ended: then it is forgotten;
/// `None` when there is no such job), once its chunk is here.
pub(crate) async fn step_page_job(
    jobs: &PageJobs,
    id: u64,
) -> Result<Option<(Vec<Response>, bool)>, String> {
    loader::step(jobs, id)
        .await
        .map_err(|LoadFailed| LOAD_FAILED.to_owned())
}

/// Imports `input` on the page (where there is no worker), once the importers' chunk is here:
/// the scenario and the report, or why not, in words.
pub(crate) async fn page_import(
    input: ImportInput,
    account_id: Option<String>,
) -> Result<(Scenario, ImportSummary), String> {
    loader::import(input, account_id)
        .await
        .unwrap_or_else(|LoadFailed| {
            Err("The importer could not be loaded. Check the connection and try again.".to_owned())
        })
}

/// Writes `scenario` as `kind` on the page (where there is no worker), once the exporters'
/// chunk is here (`None` when it cannot be fetched).
pub(crate) async fn page_export(
    scenario: Rc<Scenario>,
    kind: TemplateKind,
    stem: String,
) -> Option<Result<ExportData, ExportFailure>> {
    loader::export(scenario, kind, stem).await.ok()
}

/// The findings of `scenario` computed on the page (an embed, a page without workers), once
/// their checks' chunk is here (`None` when it cannot be fetched: the console has the cause).
pub(crate) async fn findings(
    scenario: &Scenario,
    catalog: Option<&Catalog>,
    cache: Option<&ValidationCache>,
) -> Option<Vec<Finding>> {
    loader::findings(scenario, catalog, cache).await.ok()
}

fn compute_findings(
    scenario: &Scenario,
    catalog: Option<&Catalog>,
    cache: Option<&ValidationCache>,
) -> Vec<Finding> {
    match cache {
        Some(cache) => scenario.findings_cached(catalog, cache),
        None => scenario.findings_with_catalog(catalog),
    }
}

#[cfg(not(split_build))]
mod loader {
    use super::*;

    pub async fn findings(
        scenario: &Scenario,
        catalog: Option<&Catalog>,
        cache: Option<&ValidationCache>,
    ) -> Result<Vec<Finding>, LoadFailed> {
        Ok(compute_findings(scenario, catalog, cache))
    }

    pub async fn make(
        scenario: Rc<Scenario>,
        managed: Option<Rc<ManagedPolicies>>,
        spec: JobSpec,
        kept: &RefCell<PageCaches>,
    ) -> Result<Option<Job>, LoadFailed> {
        Ok(make_job(scenario, managed, spec, kept))
    }

    pub async fn step(
        jobs: &PageJobs,
        id: u64,
    ) -> Result<Option<(Vec<Response>, bool)>, LoadFailed> {
        Ok(step_job(jobs, id))
    }

    pub async fn import(
        input: ImportInput,
        account_id: Option<String>,
    ) -> Result<Result<(Scenario, ImportSummary), String>, LoadFailed> {
        Ok(run_import(&input, account_id))
    }

    pub async fn export(
        scenario: Rc<Scenario>,
        kind: TemplateKind,
        stem: String,
    ) -> Result<Result<ExportData, ExportFailure>, LoadFailed> {
        Ok(run_export(&scenario, kind, &stem))
    }
}

#[cfg(split_build)]
#[allow(unsafe_code)] // A split point is an extern import and export (see crate::split).
mod loader {
    use wasm_split_helpers::wasm_split;

    use super::*;

    #[wasm_split(page_findings, fallible)]
    pub fn findings(
        scenario: &Scenario,
        catalog: Option<&Catalog>,
        cache: Option<&ValidationCache>,
    ) -> Result<Vec<Finding>, LoadFailed> {
        Ok(compute_findings(scenario, catalog, cache))
    }

    #[wasm_split(page_analysis, fallible)]
    pub fn make(
        scenario: Rc<Scenario>,
        managed: Option<Rc<ManagedPolicies>>,
        spec: JobSpec,
        kept: &RefCell<PageCaches>,
    ) -> Result<Option<Job>, LoadFailed> {
        Ok(make_job(scenario, managed, spec, kept))
    }

    #[wasm_split(page_analysis, fallible)]
    pub fn step(jobs: &PageJobs, id: u64) -> Result<Option<(Vec<Response>, bool)>, LoadFailed> {
        Ok(step_job(jobs, id))
    }

    #[wasm_split(page_import, fallible)]
    pub fn import(
        input: ImportInput,
        account_id: Option<String>,
    ) -> Result<Result<(Scenario, ImportSummary), String>, LoadFailed> {
        Ok(run_import(&input, account_id))
    }

    #[wasm_split(page_export, fallible)]
    pub fn export(
        scenario: Rc<Scenario>,
        kind: TemplateKind,
        stem: String,
    ) -> Result<Result<ExportData, ExportFailure>, LoadFailed> {
        Ok(run_export(&scenario, kind, &stem))
    }
}
