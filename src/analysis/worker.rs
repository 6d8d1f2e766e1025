//! The analysis worker: runs in a Web Worker with the engine in its own wasm, computes what
//! the page asks a band at a time, and answers each band as it is done.
//!
//! A worker handles one message at a time and only between tasks, so a long job is not one
//! task: after each band of about [`BAND_MS`] the next band is scheduled with a zero-delay
//! timeout (a new task), which lets a Cancel or a newer query that arrived meanwhile be handled
//! first. Each band carries its job number. Several jobs may run at once (two matrix panels on
//! one page, who-can beside the escalation analysis); their bands take turns.
//!
//! The worker fetches the data assets a job needs from the page's origin, each once: the
//! AWS-managed policies, the escalation catalog and the action catalog (at the URLs the page
//! names).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use gloo::timers::callback::Timeout;
use gloo::worker::{HandlerId, Worker, WorkerScope};
use iam_engine::catalog::escalation::EscalationCatalog;
use iam_engine::catalog::{Catalog, ManagedPolicies};
use iam_engine::scenario::{Scenario, ValidationCache};
use iam_engine::workbench::CompileCache;
use iam_engine::workbench::analysis::what_can::CatalogColumns;
use iam_engine::workbench::matrix::MentionCache;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::export::run_export;
use super::findings::findings_json;
use super::import::{ImportInput, ImportJob};
use super::job::{ColumnsInput, DiffJob, EscalationJob, Job, MatrixJob, WhatCanJob, WhoCanJob};
use super::protocol::{MatrixColumns, ModelRef, Request, Response};

/// How many scenarios the worker keeps: the page's record of what a worker has is its last
/// sent or imported one, and an import read while the page sends another scenario must not
/// make the page's record wrong.
pub const KEPT_SCENARIOS: usize = 2;

/// How long an import computes between two looks at the messages once the text is read (the
/// scenario's pieces), in milliseconds.
pub const IMPORT_STEP_MS: f64 = 20.0;

/// How long the worker computes before it posts a band and lets other messages in, in
/// milliseconds: short enough that a Cancel is honoured at once, long enough that posting and
/// rendering the bands costs the page little.
pub const BAND_MS: f64 = 50.0;

/// How long the first band of a job computes, in milliseconds; each next band doubles it up to
/// [`BAND_MS`]. The first rows are the ones the page renders, a band at a time, so small first
/// bands show rows sooner and keep each of the page's renders short.
pub const FIRST_BAND_MS: f64 = 5.0;

#[wasm_bindgen]
extern "C" {
    /// The browser's gzip decompressor (web-sys has it behind its unstable APIs only).
    #[wasm_bindgen(js_name = DecompressionStream)]
    type Decompressor;

    #[wasm_bindgen(constructor, js_class = "DecompressionStream")]
    fn new(format: &str) -> Decompressor;
}

/// A data asset the worker fetches once, by URL.
#[derive(Debug)]
enum Asset<T> {
    /// Being fetched.
    Loading,
    /// Fetched and parsed.
    Ready(Rc<T>),
}

/// The asset a job names at `url`: `Some(None)` when it names none, `Some(Some(..))` once it
/// is here, `None` while it is on its way (the job waits for it).
fn ready<T>(assets: &HashMap<String, Asset<T>>, url: Option<&str>) -> Option<Option<Rc<T>>> {
    match url {
        None => Some(None),
        Some(url) => match assets.get(url) {
            Some(Asset::Ready(a)) => Some(Some(Rc::clone(a))),
            _ => None,
        },
    }
}

/// The analysis worker's state.
#[derive(Debug, Default)]
pub struct AnalysisWorker {
    /// The last scenarios the page sent or an import made, with the page's numbers for them,
    /// newest last ([`KEPT_SCENARIOS`] at most: an import's scenario stays beside one the page
    /// sent meanwhile).
    scenarios: Vec<(u64, Rc<Scenario>)>,
    /// The AWS-managed policies, by URL.
    managed: HashMap<String, Asset<ManagedPolicies>>,
    /// The escalation catalog, by URL.
    catalogs: HashMap<String, Asset<EscalationCatalog>>,
    /// The action catalog, by URL.
    actions: HashMap<String, Asset<Catalog>>,
    /// The action catalog's what-can columns, made on the first what-can job and kept (with
    /// what they learnt about the policies they saw) for the next ones, with the catalog's URL.
    columns: Option<(String, Rc<RefCell<CatalogColumns>>)>,
    /// The policy texts' validations of the last findings job, so the next one (an edit
    /// later) validates again only the texts that changed.
    validations: ValidationCache,
    /// The compile cache of the matrix and who-can jobs, made on the first and kept: it is
    /// keyed by policy text, so it answers for any scenario, and bounded
    /// ([`CompileCache::for_analysis`]). A who-can question after the matrix (or another
    /// question) finds the account's policies compiled; the worker's memory never shrinks, so
    /// keeping them costs no more than the matrix did.
    compiled: Option<Rc<CompileCache>>,
    /// What the policy texts mention, from the last matrix job whose columns are the
    /// mentioned actions, so the next one (an edit later) reads again only the texts that
    /// changed.
    mentions: Rc<MentionCache>,
    /// The jobs being computed, by number.
    running: HashMap<u64, Running>,
    /// The imports being read or sent, by number: who asked, the number of the scenario they
    /// make, and the job.
    imports: HashMap<u64, (HandlerId, u64, ImportJob)>,
    /// The imports whose text is arriving in parts: who asked, the scenario's number, the
    /// account id, and the text so far.
    arriving: HashMap<u64, Arriving>,
    /// The JSON of the scenario whose parts are arriving ([`Request::ScenarioPart`]), with
    /// the page's number for it; read by the job that names it.
    scenario_parts: Option<(u64, String)>,
}

/// An import whose text is arriving in parts.
#[derive(Debug)]
struct Arriving {
    to: HandlerId,
    scenario_id: u64,
    account_id: Option<String>,
    /// The text so far, in a buffer of the file's size from the first part on: grown part by
    /// part it doubled its buffer as it went (64 MiB for a 38.6 MB file), and parts kept apart
    /// and joined once the last was here held the text twice (77 MB), the worker's high-water
    /// mark through the whole import.
    text: String,
}

/// What a job computes, as the page asked.
#[derive(Debug)]
enum Spec {
    Matrix {
        columns: MatrixColumns,
        filter: String,
        resource: String,
        /// The action catalog, for the columns (`None`: without it).
        catalog_url: Option<String>,
    },
    WhoCan {
        actions: Vec<String>,
        resource: String,
    },
    Escalation {
        catalog_url: String,
    },
    WhatCan {
        principal: String,
        resource: String,
        catalog_url: String,
    },
    Diff {
        before: Rc<Scenario>,
        catalog_url: String,
    },
    Findings {
        /// The action catalog, for its checks (`None`: without them).
        catalog_url: Option<String>,
    },
}

/// A job being computed.
#[derive(Debug)]
struct Running {
    id: u64,
    to: HandlerId,
    spec: Spec,
    managed_url: Option<String>,
    scenario: Rc<Scenario>,
    /// Made on the first band, once the assets it needs are here.
    job: Option<Job>,
    /// Whether its next band is scheduled (so that a band is never scheduled twice).
    scheduled: bool,
    /// How long the next band computes, in milliseconds.
    band_ms: f64,
}

impl Running {
    /// The URLs of the assets the job waits for.
    fn needs(&self, url: &str) -> bool {
        self.managed_url.as_deref() == Some(url)
            || matches!(&self.spec, Spec::Escalation { catalog_url } if catalog_url == url)
            || matches!(&self.spec, Spec::WhatCan { catalog_url, .. } if catalog_url == url)
            || matches!(&self.spec, Spec::Diff { catalog_url, .. } if catalog_url == url)
            || matches!(&self.spec, Spec::Findings { catalog_url: Some(c) } if c == url)
            || matches!(&self.spec, Spec::Matrix { catalog_url: Some(c), .. } if c == url)
    }
}

/// The worker's messages to itself.
#[derive(Debug)]
pub enum Message {
    /// Compute the next band of this job (unless it was cancelled).
    Step(u64),
    /// Take the next step of this import (unless it was cancelled).
    ImportStep(u64),
    /// The managed policies from this URL were fetched and parsed, or why not.
    Managed(String, Result<Rc<ManagedPolicies>, String>),
    /// The escalation catalog from this URL was fetched and parsed, or why not.
    Catalog(String, Result<Rc<EscalationCatalog>, String>),
    /// The action catalog from this URL was fetched and parsed, or why not.
    Actions(String, Result<Rc<Catalog>, String>),
}

/// Schedules the next band of `running` as a new task, unless it is scheduled already.
fn schedule(scope: &WorkerScope<AnalysisWorker>, running: &mut Running) {
    if running.scheduled {
        return;
    }
    running.scheduled = true;
    let scope = scope.clone();
    let job = running.id;
    Timeout::new(0, move || scope.send_message(Message::Step(job))).forget();
}

/// Describes a JavaScript error in words.
fn js_error_text(err: &JsValue) -> String {
    err.as_string()
        .or_else(|| {
            err.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| "unknown error".to_owned())
}

/// Fetches a gzip-compressed text asset from `url`.
async fn fetch_text(url: &str) -> Result<String, String> {
    let global: web_sys::WorkerGlobalScope = js_sys::global().unchecked_into();
    let response: web_sys::Response = JsFuture::from(global.fetch_with_str(url))
        .await
        .map_err(|e| js_error_text(&e))?
        .unchecked_into();
    if !response.ok() {
        return Err(format!("HTTP {}", response.status()));
    }
    let body = response
        .body()
        .ok_or_else(|| "an empty response".to_string())?;
    let gunzip: web_sys::ReadableWritablePair = Decompressor::new("gzip").unchecked_into();
    let text = web_sys::Response::new_with_opt_readable_stream(Some(&body.pipe_through(&gunzip)))
        .and_then(|r| r.text())
        .map_err(|e| js_error_text(&e))?;
    let text = JsFuture::from(text).await.map_err(|e| js_error_text(&e))?;
    Ok(text.as_string().unwrap_or_default())
}

impl AnalysisWorker {
    /// Starts job `id` over the model the page named.
    fn start(
        &mut self,
        scope: &WorkerScope<Self>,
        id: u64,
        model: ModelRef,
        spec: Spec,
        to: HandlerId,
    ) {
        let Some(scenario) = self.model_scenario(scope, id, &model, to) else {
            return;
        };
        if let Some(url) = &model.managed_url
            && !self.managed.contains_key(url)
        {
            self.managed.insert(url.clone(), Asset::Loading);
            let url = url.clone();
            scope.send_future(async move {
                let result = fetch_text(&url).await.and_then(|text| {
                    ManagedPolicies::parse(&text)
                        .map(Rc::new)
                        .map_err(|e| e.to_string())
                });
                Message::Managed(url, result)
            });
        }
        if let Spec::Escalation { catalog_url } = &spec
            && !self.catalogs.contains_key(catalog_url)
        {
            self.catalogs.insert(catalog_url.clone(), Asset::Loading);
            let url = catalog_url.clone();
            scope.send_future(async move {
                let result = fetch_text(&url).await.and_then(|text| {
                    EscalationCatalog::parse(&text)
                        .map(Rc::new)
                        .map_err(|e| e.to_string())
                });
                Message::Catalog(url, result)
            });
        }
        if let Spec::WhatCan { catalog_url, .. }
        | Spec::Diff { catalog_url, .. }
        | Spec::Findings {
            catalog_url: Some(catalog_url),
        }
        | Spec::Matrix {
            catalog_url: Some(catalog_url),
            ..
        } = &spec
            && !self.actions.contains_key(catalog_url)
        {
            self.actions.insert(catalog_url.clone(), Asset::Loading);
            let url = catalog_url.clone();
            scope.send_future(async move {
                let result = fetch_text(&url).await.and_then(|text| {
                    Catalog::parse(&text)
                        .map(Rc::new)
                        .map_err(|e| e.to_string())
                });
                Message::Actions(url, result)
            });
        }
        let running = self.running.entry(id).or_insert(Running {
            id,
            to,
            spec,
            managed_url: model.managed_url,
            scenario,
            job: None,
            scheduled: false,
            band_ms: FIRST_BAND_MS,
        });
        schedule(scope, running);
    }

    /// Keeps `scenario` under the page's number `id`, forgetting the oldest beyond
    /// [`KEPT_SCENARIOS`].
    fn keep(&mut self, id: u64, scenario: Rc<Scenario>) {
        self.scenarios.retain(|(sid, _)| *sid != id);
        self.scenarios.push((id, scenario));
        let extra = self.scenarios.len().saturating_sub(KEPT_SCENARIOS);
        self.scenarios.drain(..extra);
    }

    /// The scenario `model` names (read from its JSON when it comes with it), or `None` after
    /// answering job `id` with why not.
    fn model_scenario(
        &mut self,
        scope: &WorkerScope<Self>,
        id: u64,
        model: &ModelRef,
        to: HandlerId,
    ) -> Option<Rc<Scenario>> {
        let parts = match &self.scenario_parts {
            Some((sid, _)) if *sid == model.scenario_id => self.scenario_parts.take(),
            _ => None,
        };
        let json = parts
            .as_ref()
            .map(|(_, text)| text.as_str())
            .or(model.scenario_json.as_deref());
        if let Some(json) = json {
            match Scenario::from_json(json) {
                Ok(s) => self.keep(model.scenario_id, Rc::new(s)),
                Err(e) => {
                    let message = format!("The scenario could not be read in the worker: {e}");
                    scope.respond(to, Response::Failed { job: id, message });
                    return None;
                }
            }
        }
        match self
            .scenarios
            .iter()
            .find(|(sid, _)| *sid == model.scenario_id)
        {
            Some((_, s)) => Some(Rc::clone(s)),
            None => {
                let message = "The worker does not have this scenario.".to_string();
                scope.respond(to, Response::Failed { job: id, message });
                None
            }
        }
    }

    /// Takes the next step of import `id`: reads the text (the worker keeps the scenario as its
    /// current one), then sends its pieces for [`IMPORT_STEP_MS`] at a time, then the report.
    fn import_step(&mut self, scope: &WorkerScope<Self>, id: u64) {
        let Some((to, scenario_id, job)) = self.imports.get_mut(&id) else {
            return;
        };
        let (to, scenario_id) = (*to, *scenario_id);
        let (answers, read) = job.step(id, IMPORT_STEP_MS, js_sys::Date::now);
        let done = job.is_done();
        if let Some(scenario) = read {
            self.keep(scenario_id, scenario);
        }
        if done {
            self.imports.remove(&id);
        } else {
            next_import_step(scope, id);
        }
        let failed = matches!(answers.last(), Some(Response::Failed { .. }));
        for answer in answers {
            scope.respond(to, answer);
        }
        if done && !failed {
            scope.respond(to, Response::Done { job: id });
        }
    }

    /// Computes the next band of job `id`, if it is still running and its assets are here.
    fn step(&mut self, scope: &WorkerScope<Self>, id: u64) {
        let Some(running) = self.running.get_mut(&id) else {
            return;
        };
        running.scheduled = false;
        // An asset still on its way: the band runs when it arrives.
        let Some(managed) = ready(&self.managed, running.managed_url.as_deref()) else {
            return;
        };
        if let Spec::Findings { catalog_url } = &running.spec {
            let Some(catalog) = ready(&self.actions, catalog_url.as_deref()) else {
                return;
            };
            let (to, scenario) = (running.to, Rc::clone(&running.scenario));
            self.running.remove(&id);
            for json in findings_json(&scenario, catalog.as_deref(), &self.validations) {
                scope.respond(to, Response::Findings { job: id, json });
            }
            scope.respond(to, Response::Done { job: id });
            return;
        }
        if running.job.is_none() {
            let scenario = Rc::clone(&running.scenario);
            let job = match &running.spec {
                Spec::Matrix {
                    columns,
                    filter,
                    resource,
                    catalog_url,
                } => {
                    let Some(catalog) = ready(&self.actions, catalog_url.as_deref()) else {
                        return;
                    };
                    let columns = ColumnsInput {
                        source: columns.clone(),
                        filter: filter.clone(),
                        catalog,
                        mentions: Rc::clone(&self.mentions),
                    };
                    Job::Matrix(
                        MatrixJob::new(scenario, managed, columns, resource.clone()).with_cache(
                            Rc::clone(
                                self.compiled
                                    .get_or_insert_with(|| Rc::new(CompileCache::for_analysis())),
                            ),
                        ),
                    )
                }
                Spec::WhoCan { actions, resource } => Job::WhoCan(
                    WhoCanJob::new(scenario, managed, actions.clone(), resource.clone())
                        .with_cache(Rc::clone(
                            self.compiled
                                .get_or_insert_with(|| Rc::new(CompileCache::for_analysis())),
                        )),
                ),
                Spec::Escalation { catalog_url } => match self.catalogs.get(catalog_url) {
                    Some(Asset::Ready(c)) => {
                        Job::Escalation(EscalationJob::new(scenario, managed, Rc::clone(c)))
                    }
                    _ => return,
                },
                Spec::WhatCan {
                    principal,
                    resource,
                    catalog_url,
                } => match self.actions.get(catalog_url) {
                    Some(Asset::Ready(c)) => {
                        let columns = match &self.columns {
                            Some((url, columns)) if url == catalog_url => Rc::clone(columns),
                            _ => {
                                let columns = WhatCanJob::columns(c);
                                self.columns = Some((catalog_url.clone(), Rc::clone(&columns)));
                                columns
                            }
                        };
                        Job::WhatCan(WhatCanJob::new(
                            scenario,
                            managed,
                            Rc::clone(c),
                            columns,
                            principal.clone(),
                            resource.clone(),
                        ))
                    }
                    _ => return,
                },
                Spec::Diff {
                    before,
                    catalog_url,
                } => match self.actions.get(catalog_url) {
                    Some(Asset::Ready(c)) => Job::Diff(DiffJob::new(
                        Rc::clone(before),
                        scenario,
                        managed,
                        Rc::clone(c),
                    )),
                    _ => return,
                },
                // Answered above, in one step.
                Spec::Findings { .. } => return,
            };
            running.job = Some(job);
        }
        let Some(job) = running.job.as_mut() else {
            return;
        };
        let answers = job.step(id, running.band_ms, js_sys::Date::now);
        running.band_ms = (running.band_ms * 2.0).min(BAND_MS);
        let to = running.to;
        let done = job.is_done();
        if done {
            self.running.remove(&id);
        } else {
            schedule(scope, running);
        }
        for answer in answers {
            scope.respond(to, answer);
        }
    }

    /// An asset arrived, or could not: the jobs waiting for it go on, or fail with why.
    fn arrived(&mut self, scope: &WorkerScope<Self>, url: &str, failed: Option<(String, &str)>) {
        let waiting: Vec<u64> = self
            .running
            .values()
            .filter(|r| r.needs(url))
            .map(|r| r.id)
            .collect();
        for id in waiting {
            match &failed {
                None => {
                    if let Some(r) = self.running.get_mut(&id) {
                        schedule(scope, r);
                    }
                }
                Some((error, what)) => {
                    if let Some(r) = self.running.remove(&id) {
                        let message =
                            format!("{what} could not be loaded in the worker ({error}).");
                        scope.respond(r.to, Response::Failed { job: id, message });
                    }
                }
            }
        }
    }
}

impl Worker for AnalysisWorker {
    type Message = Message;
    type Input = Request;
    type Output = Response;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        AnalysisWorker::default()
    }

    fn update(&mut self, scope: &WorkerScope<Self>, msg: Message) {
        match msg {
            Message::Step(id) => self.step(scope, id),
            Message::ImportStep(id) => self.import_step(scope, id),
            Message::Managed(url, result) => {
                let failed = match result {
                    Ok(m) => {
                        self.managed.insert(url.clone(), Asset::Ready(m));
                        None
                    }
                    Err(e) => {
                        // Forgotten, so that a later job tries again.
                        self.managed.remove(&url);
                        Some((e, "The AWS-managed policies"))
                    }
                };
                self.arrived(scope, &url, failed);
            }
            Message::Catalog(url, result) => {
                let failed = match result {
                    Ok(c) => {
                        self.catalogs.insert(url.clone(), Asset::Ready(c));
                        None
                    }
                    Err(e) => {
                        self.catalogs.remove(&url);
                        Some((e, "The escalation catalog"))
                    }
                };
                self.arrived(scope, &url, failed);
            }
            Message::Actions(url, result) => {
                let failed = match result {
                    Ok(c) => {
                        self.actions.insert(url.clone(), Asset::Ready(c));
                        None
                    }
                    Err(e) => {
                        self.actions.remove(&url);
                        Some((e, "The action catalog"))
                    }
                };
                self.arrived(scope, &url, failed);
            }
        }
    }

    fn received(&mut self, scope: &WorkerScope<Self>, msg: Request, id: HandlerId) {
        match msg {
            Request::Matrix(r) => {
                let spec = Spec::Matrix {
                    columns: r.columns,
                    filter: r.filter,
                    resource: r.resource,
                    catalog_url: r.catalog_url,
                };
                self.start(scope, r.job, r.model, spec, id);
            }
            Request::WhoCan(r) => {
                let spec = Spec::WhoCan {
                    actions: r.actions,
                    resource: r.resource,
                };
                self.start(scope, r.job, r.model, spec, id);
            }
            Request::Escalation(r) => {
                let spec = Spec::Escalation {
                    catalog_url: r.catalog_url,
                };
                self.start(scope, r.job, r.model, spec, id);
            }
            Request::WhatCan(r) => {
                let spec = Spec::WhatCan {
                    principal: r.principal,
                    resource: r.resource,
                    catalog_url: r.catalog_url,
                };
                self.start(scope, r.job, r.model, spec, id);
            }
            Request::Diff(r) => {
                let before = match Scenario::from_json(&r.before_json) {
                    Ok(s) => Rc::new(s),
                    Err(e) => {
                        let message = format!("The version to compare with could not be read: {e}");
                        scope.respond(
                            id,
                            Response::Failed {
                                job: r.job,
                                message,
                            },
                        );
                        return;
                    }
                };
                let spec = Spec::Diff {
                    before,
                    catalog_url: r.catalog_url,
                };
                self.start(scope, r.job, r.model, spec, id);
            }
            Request::Findings(r) => {
                let spec = Spec::Findings {
                    catalog_url: r.catalog_url,
                };
                self.start(scope, r.job, r.model, spec, id);
            }
            Request::Import(r) => {
                if let ImportInput::Parts { bytes } = r.input {
                    self.arriving.insert(
                        r.job,
                        Arriving {
                            to: id,
                            scenario_id: r.scenario_id,
                            account_id: r.account_id,
                            // At most the import's limit (a larger text is refused once
                            // read): past it, the text grows as the parts come.
                            text: String::with_capacity(
                                usize::try_from(bytes)
                                    .unwrap_or(0)
                                    .min(iam_engine::import::MAX_IMPORT_BYTES),
                            ),
                        },
                    );
                    return;
                }
                let job = ImportJob::new(r.input, r.account_id);
                self.imports.insert(r.job, (id, r.scenario_id, job));
                next_import_step(scope, r.job);
            }
            Request::ImportPart { job, text, last } => {
                let Some(arriving) = self.arriving.get_mut(&job) else {
                    // Cancelled meanwhile.
                    return;
                };
                arriving.text.push_str(&text);
                if last && let Some(a) = self.arriving.remove(&job) {
                    let read = ImportJob::new(ImportInput::Text(a.text), a.account_id);
                    self.imports.insert(job, (a.to, a.scenario_id, read));
                    next_import_step(scope, job);
                }
            }
            Request::Export(r) => {
                let Some(scenario) = self.model_scenario(scope, r.job, &r.model, id) else {
                    return;
                };
                let result = run_export(&scenario, r.kind, &r.stem);
                scope.respond(id, Response::Export { job: r.job, result });
                scope.respond(id, Response::Done { job: r.job });
            }
            Request::ScenarioPart {
                scenario_id,
                text,
                total,
            } => match &mut self.scenario_parts {
                Some((sid, json)) if *sid == scenario_id => json.push_str(&text),
                parts => {
                    // The first part (a newer scenario's replaces an older one's).
                    let mut json = String::with_capacity(total);
                    json.push_str(&text);
                    *parts = Some((scenario_id, json));
                }
            },
            Request::Cancel { job } => {
                if let Some(r) = self.running.remove(&job) {
                    scope.respond(r.to, Response::Cancelled { job });
                }
                if let Some((to, _, _)) = self.imports.remove(&job) {
                    scope.respond(to, Response::Cancelled { job });
                }
                if let Some(a) = self.arriving.remove(&job) {
                    scope.respond(a.to, Response::Cancelled { job });
                }
            }
        }
    }
}

/// Takes the next step of import `id` in a task of its own, after the messages that are
/// waiting (a Cancel among them).
fn next_import_step(scope: &WorkerScope<AnalysisWorker>, id: u64) {
    let scope = scope.clone();
    Timeout::new(0, move || scope.send_message(Message::ImportStep(id))).forget();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worker_keeps_the_last_two_scenarios_by_number() {
        let mut worker = AnalysisWorker::default();
        let a = Rc::new(Scenario::new("111122223333"));
        let b = Rc::new(Scenario::new("444455556666"));
        worker.keep(1, Rc::clone(&a));
        worker.keep(2, Rc::clone(&b));
        worker.keep(3, Rc::clone(&a));
        let ids: Vec<u64> = worker.scenarios.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids, vec![2, 3]);
        // Kept again: it becomes the newest.
        worker.keep(2, Rc::clone(&b));
        let ids: Vec<u64> = worker.scenarios.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids, vec![3, 2]);
        assert!(Rc::ptr_eq(&worker.scenarios[1].1, &b));
    }
}
