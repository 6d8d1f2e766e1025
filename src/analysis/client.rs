//! The page's side of the analysis worker: one worker per page, started on first use, and the
//! [`use_matrix`] hook that runs a matrix query there and follows its progress (the account
//! analysis's hooks are in `super::account`).

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet, VecDeque};
use std::rc::{Rc, Weak};

use gloo::timers::callback::Timeout;
use gloo::worker::{Spawnable, WorkerBridge};
use iam_engine::catalog::{Catalog, ManagedPolicies};
use iam_engine::eval::Decision;
use iam_engine::scenario::{PrincipalRef, Scenario};
use iam_engine::workbench::matrix::matrix_principals;
use yew::prelude::*;

use super::import::{ImportInput, ImportSummary};
pub(crate) use super::page_split::JobSpec;
use super::page_split::{PageCaches, PageJobs};
use super::pieces::Assembler;
use super::protocol::{
    Band, DiffRequest, EscalationRequest, ExportData, ExportFailure, ExportRequest,
    FindingsRequest, ImportRequest, MatrixColumns, MatrixRequest, ModelRef, Request, Response,
    TemplateKind, WhatCanRequest, WhoCanRequest, decision_of,
};
use super::scenario_json;
use super::worker::AnalysisWorker;

/// Where the build put the worker's loader script: `scripts/post_build.py` names it in
/// `<meta name="iam-worker">`.
fn worker_url() -> Option<String> {
    gloo::utils::document()
        .query_selector("meta[name=\"iam-worker\"]")
        .ok()
        .flatten()
        .and_then(|meta| meta.get_attribute("content"))
}

/// Why a job that needs the action catalog cannot start.
const NO_CATALOG: &str = "This build of the page does not name the action catalog.";

/// The action catalog's address, for the worker to fetch.
fn catalog_url() -> Option<String> {
    crate::data::asset_url("iam-catalog").and_then(|u| absolute(&u))
}

/// `relative` as an absolute URL against the page's base URL (a worker resolves relative URLs
/// against its own script instead).
fn absolute(relative: &str) -> Option<String> {
    let base = gloo::utils::document().base_uri().ok().flatten()?;
    web_sys::Url::new_with_base(relative, &base)
        .ok()
        .map(|u| u.href())
}

/// The size of the parts a large scenario's JSON goes to a worker in, one part per task.
/// Sending a real account's scenario whole (8.4 MB for the L account of
/// `e2e/real_account.test.mjs`) is one main-thread task of about 100 ms (its encoding and the
/// copy `postMessage` makes); a 1 MiB part takes a few milliseconds.
const SCENARIO_PART_BYTES: usize = 1 << 20;

/// What waits to go to a worker, one item per task.
enum Outgoing {
    /// The part of the scenario `scenario_id`'s JSON that starts at byte `start`.
    Part {
        scenario_id: u64,
        json: Rc<str>,
        start: usize,
    },
    /// A request, sent after the parts before it.
    Request(Request),
}

/// One worker, the last scenario sent to it (with its number) and what waits to be sent.
struct Lane {
    /// The worker, once the code that talks to it is here (see [`Lane::spawn`]).
    bridge: RefCell<Option<WorkerBridge<AnalysisWorker>>>,
    sent: RefCell<Option<(u64, Weak<Scenario>)>>,
    /// What waits to be sent, in order, while a scenario's parts are on their way (or the
    /// worker is starting).
    outbox: RefCell<VecDeque<Outgoing>>,
    /// Whether a task is scheduled to send the outbox's next item (or the worker is starting:
    /// what is sent meanwhile waits in the outbox).
    pumping: Cell<bool>,
    /// Whether a scenario sent to it was large (sent in parts): its memory, which never
    /// shrinks, is then hundreds of megabytes.
    large: Cell<bool>,
}

/// Answers the job `request` starts as failed: the worker could not be started.
fn fail(request: &Request) {
    if let Some(job) = request.started_job() {
        deliver_later(Response::Failed {
            job,
            message: "The analysis could not start: its code could not be fetched. Check the \
                      connection and try again."
                .to_owned(),
        });
    }
}

/// Starts a worker ([`Lane::spawn`]): the bridge's code, with the readers of every answer,
/// is a chunk of the split build (`worker_bridge`), fetched when the page first asks the
/// worker something, after the first paint.
type SpawnBridge = fn(&str) -> WorkerBridge<AnalysisWorker>;

fn spawn_bridge(url: &str) -> WorkerBridge<AnalysisWorker> {
    AnalysisWorker::spawner()
        .callback(deliver)
        .spawn_with_loader(url)
}

#[cfg(not(split_build))]
mod bridge_loader {
    use super::*;

    pub async fn spawner() -> Result<SpawnBridge, crate::split::LoadFailed> {
        Ok(spawn_bridge)
    }
}

#[cfg(split_build)]
#[allow(unsafe_code)] // A split point is an extern import and export (see crate::split).
mod bridge_loader {
    use wasm_split_helpers::wasm_split;

    use super::*;

    #[wasm_split(worker_bridge, fallible)]
    pub fn spawner() -> Result<SpawnBridge, crate::split::LoadFailed> {
        Ok(spawn_bridge)
    }
}

impl Lane {
    /// A lane whose worker starts once the bridge's code is here; what is sent meanwhile
    /// waits in order. If that code cannot be fetched, each job sent is answered as failed.
    fn spawn(url: &str) -> Rc<Lane> {
        let lane = Rc::new(Lane {
            bridge: RefCell::new(None),
            sent: RefCell::new(None),
            outbox: RefCell::new(VecDeque::new()),
            pumping: Cell::new(true),
            large: Cell::new(false),
        });
        let (weak, url) = (Rc::downgrade(&lane), url.to_owned());
        wasm_bindgen_futures::spawn_local(async move {
            crate::split::after_first_view().await;
            let spawner = bridge_loader::spawner().await;
            let Some(lane) = weak.upgrade() else {
                return;
            };
            match spawner {
                Ok(spawn) => {
                    *lane.bridge.borrow_mut() = Some(spawn(&url));
                    lane.pump();
                }
                Err(_) => lane.fail_all(),
            }
        });
        lane
    }

    /// Answers every job waiting to be sent as failed (the worker could not be started); from
    /// here on what is sent goes to [`Lane::post`], which answers it the same way.
    fn fail_all(&self) {
        self.pumping.set(false);
        let waiting: Vec<Outgoing> = self.outbox.borrow_mut().drain(..).collect();
        for item in waiting {
            if let Outgoing::Request(request) = item {
                fail(&request);
            }
        }
    }

    /// Sends `request` on the worker (or answers its job as failed when it could not start).
    fn post(&self, request: Request) {
        match self.bridge.borrow().as_ref() {
            Some(bridge) => bridge.send(request),
            None => fail(&request),
        }
    }

    /// Sends `request` now, or after what waits before it.
    fn send(self: &Rc<Self>, request: Request) {
        if self.pumping.get() {
            self.outbox
                .borrow_mut()
                .push_back(Outgoing::Request(request));
        } else {
            self.post(request);
        }
    }

    /// Sends the scenario `scenario_id`'s JSON in parts, one per task, starting in a task
    /// after this one (which is often the render of the new scenario, and a part is a copy of
    /// a megabyte into a message); the requests sent meanwhile follow it.
    fn send_scenario(self: &Rc<Self>, scenario_id: u64, json: Rc<str>) {
        self.outbox.borrow_mut().push_back(Outgoing::Part {
            scenario_id,
            json,
            start: 0,
        });
        if !self.pumping.replace(true) {
            self.pump_later();
        }
    }

    /// Sends the outbox's next item, then schedules the one after it in a task of its own.
    fn pump(self: &Rc<Self>) {
        let next = self.outbox.borrow_mut().pop_front();
        let Some(next) = next else {
            self.pumping.set(false);
            return;
        };
        match next {
            Outgoing::Request(request) => self.post(request),
            Outgoing::Part {
                scenario_id,
                json,
                start,
            } => {
                let end = part_end(&json, start, SCENARIO_PART_BYTES);
                self.post(Request::ScenarioPart {
                    scenario_id,
                    text: json[start..end].to_string(),
                    total: json.len(),
                });
                if end < json.len() {
                    self.outbox.borrow_mut().push_front(Outgoing::Part {
                        scenario_id,
                        json,
                        start: end,
                    });
                }
            }
        }
        self.pump_later();
    }

    /// Runs [`Lane::pump`] in a task of its own; a lane dropped meanwhile (its worker closed)
    /// sends nothing more.
    fn pump_later(self: &Rc<Self>) {
        let lane = Rc::downgrade(self);
        Timeout::new(0, move || {
            if let Some(lane) = lane.upgrade() {
                lane.pump();
            }
        })
        .forget();
    }
}

/// Where the part of `text` that starts at `start` ends: `size` bytes on, moved back to the
/// start of a character, and never before `start` plus one character.
fn part_end(text: &str, start: usize, size: usize) -> usize {
    let mut end = (start + size).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    if end == start {
        // `size` is smaller than the character at `start`.
        end = text[start..]
            .char_indices()
            .nth(1)
            .map_or(text.len(), |(i, _)| start + i);
    }
    end
}

/// Where the jobs run.
enum Backend {
    /// In the analysis worker: the matrix and who-can in one, the escalation analysis (whose
    /// search is one long step on a large account) in a second one started on first use, so it
    /// never holds up the interactive jobs.
    Worker {
        /// The loader's URL.
        url: String,
        /// The matrix and who-can.
        interactive: Rc<Lane>,
        /// The escalation analysis (replaced when a job that has not ended is cancelled: see
        /// [`Client::cancel`]).
        account: RefCell<Option<Rc<Lane>>>,
        /// The import running, with its job: a worker of its own, dropped (so closed) once the
        /// import ends. A wasm memory never shrinks, and reading a real account's file takes a
        /// few times its size (178 MiB for the 38.6 MB file of `e2e/real_account.test.mjs`):
        /// kept in a worker that lives on, that high-water mark would stay for the tab's life.
        importer: RefCell<Option<(u64, Rc<Lane>)>>,
    },
    /// On the page, a slice per task (the build ships no worker).
    Page(PageJobs),
}

/// The page's connection to the worker.
pub(crate) struct Client {
    backend: Backend,
    /// Who follows each job.
    listeners: RefCell<HashMap<u64, Callback<Response>>>,
    next_job: Cell<u64>,
    /// The jobs running in the account worker (the others run in the interactive one).
    on_account: RefCell<HashSet<u64>>,
    /// The account worker's job that has not ended yet.
    account_running: Cell<Option<u64>>,
    /// What the page's fallback keeps between jobs.
    page_caches: RefCell<PageCaches>,
}

thread_local! {
    static CLIENT: RefCell<Option<Rc<Client>>> = const { RefCell::new(None) };
}

/// How an import goes, as its follower hears it.
#[derive(Debug, Clone)]
pub enum ImportEvent {
    /// The text is read: `total` entities are on their way to the page.
    Read {
        /// How many entities the scenario holds.
        total: usize,
    },
    /// `received` of the `total` entities are here.
    Progress {
        /// How many are here.
        received: usize,
        /// How many in all.
        total: usize,
    },
    /// The scenario and the report.
    Done {
        /// The imported scenario.
        scenario: Rc<Scenario>,
        /// The report.
        summary: Rc<ImportSummary>,
    },
    /// The import failed; why, in words for the user.
    Failed(String),
    /// The import was cancelled.
    Cancelled,
}

/// How an export goes.
#[derive(Debug, Clone, PartialEq)]
pub enum ExportEvent {
    /// The files.
    Done(Rc<ExportData>),
    /// Why the scenario cannot be exported.
    Refused(ExportFailure),
    /// The export could not run (the worker failed); why.
    Failed(String),
}

/// Hands an answer to whoever follows its job.
fn deliver(response: Response) {
    let Some(client) = CLIENT.with(|c| c.borrow().clone()) else {
        return;
    };
    if let Some(running) = client.account_running.get()
        && running == response.job()
        && matches!(
            response,
            Response::Done { .. } | Response::Failed { .. } | Response::Cancelled { .. }
        )
    {
        client.account_running.set(None);
        close_large_account_lane();
    }
    let job = response.job();
    let ended = matches!(
        response,
        Response::Done { .. } | Response::Failed { .. } | Response::Cancelled { .. }
    );
    let listener = client.listeners.borrow().get(&job).cloned();
    if let Some(listener) = listener {
        listener.emit(response);
    }
    if ended {
        // Nothing more comes for it.
        client.listeners.borrow_mut().remove(&job);
    }
}

/// The page's client, started on first use.
pub(crate) fn client() -> Rc<Client> {
    CLIENT.with(|c| {
        Rc::clone(c.borrow_mut().get_or_insert_with(|| {
            let backend = match worker_url().and_then(|u| absolute(&u)) {
                Some(url) => Backend::Worker {
                    interactive: Lane::spawn(&url),
                    account: RefCell::new(None),
                    importer: RefCell::new(None),
                    url,
                },
                None => Backend::Page(Rc::new(RefCell::new(HashMap::new()))),
            };
            Rc::new(Client {
                backend,
                listeners: RefCell::new(HashMap::new()),
                next_job: Cell::new(1),
                on_account: RefCell::new(HashSet::new()),
                account_running: Cell::new(None),
                page_caches: RefCell::default(),
            })
        }))
    })
}

/// Whether the analyses run in the worker (rather than on the page, where the build ships no
/// worker).
pub fn uses_worker() -> bool {
    matches!(client().backend, Backend::Worker { .. })
}

/// Runs the next slice of the page's job `id`, then schedules the one after it. The jobs'
/// code is the `page_analysis` chunk of the split build (super::page_split), fetched by the first
/// job: a browser with workers never loads it.
fn page_slice(jobs: PageJobs, id: u64) {
    wasm_bindgen_futures::spawn_local(async move {
        let answers = match super::page_split::step_page_job(&jobs, id).await {
            Ok(Some((answers, done))) => {
                if !done {
                    let jobs = Rc::clone(&jobs);
                    Timeout::new(0, move || page_slice(jobs, id)).forget();
                }
                answers
            }
            Ok(None) => return,
            Err(message) => {
                jobs.borrow_mut().remove(&id);
                vec![Response::Failed { job: id, message }]
            }
        };
        for answer in answers {
            deliver(answer);
        }
    });
}

/// Answers `response` in a task of its own (a listener is never called inside `start`).
fn deliver_later(response: Response) {
    Timeout::new(0, move || deliver(response)).forget();
}

impl Client {
    /// A number for a new job (the answers to it carry it).
    fn new_job(&self) -> u64 {
        let job = self.next_job.get();
        self.next_job.set(job + 1);
        job
    }

    /// Starts `spec` over `scenario` (with the managed policies, once the page has them),
    /// followed by `listener`; returns the job's number.
    pub(crate) fn start(
        &self,
        scenario: &Rc<Scenario>,
        managed: Option<&Rc<ManagedPolicies>>,
        spec: JobSpec,
        listener: Callback<Response>,
    ) -> u64 {
        let job = self.new_job();
        self.listeners.borrow_mut().insert(job, listener);
        match &self.backend {
            Backend::Worker {
                url,
                interactive,
                account,
                ..
            } => {
                let lane = if matches!(spec, JobSpec::Escalation { .. }) {
                    self.on_account.borrow_mut().insert(job);
                    self.account_running.set(Some(job));
                    Rc::clone(account.borrow_mut().get_or_insert_with(|| Lane::spawn(url)))
                } else {
                    Rc::clone(interactive)
                };
                let model = self.model_for(&lane, scenario, job, managed.is_some());
                let request = match spec {
                    JobSpec::Matrix {
                        columns,
                        filter,
                        resource,
                        ..
                    } => Request::Matrix(MatrixRequest {
                        job,
                        model,
                        columns,
                        filter,
                        resource,
                        catalog_url: catalog_url(),
                    }),
                    JobSpec::WhoCan { actions, resource } => Request::WhoCan(WhoCanRequest {
                        job,
                        model,
                        actions,
                        resource,
                    }),
                    JobSpec::WhatCan {
                        principal,
                        resource,
                        ..
                    } => {
                        let Some(catalog_url) = catalog_url() else {
                            let message = NO_CATALOG.to_string();
                            deliver_later(Response::Failed { job, message });
                            return job;
                        };
                        Request::WhatCan(WhatCanRequest {
                            job,
                            model,
                            principal,
                            resource,
                            catalog_url,
                        })
                    }
                    JobSpec::Diff { before, .. } => {
                        let Some(catalog_url) = catalog_url() else {
                            let message = NO_CATALOG.to_string();
                            deliver_later(Response::Failed { job, message });
                            return job;
                        };
                        Request::Diff(DiffRequest {
                            job,
                            model,
                            before_json: before.to_json(),
                            catalog_url,
                        })
                    }
                    JobSpec::Escalation { .. } => {
                        let Some(catalog_url) =
                            crate::data::asset_url("escalation-paths").and_then(|u| absolute(&u))
                        else {
                            let message =
                                "This build of the page does not name the escalation catalog."
                                    .to_string();
                            deliver_later(Response::Failed { job, message });
                            return job;
                        };
                        Request::Escalation(EscalationRequest {
                            job,
                            model,
                            catalog_url,
                        })
                    }
                };
                lane.send(request);
            }
            Backend::Page(jobs) => {
                let scenario = Rc::clone(scenario);
                let managed = managed.cloned();
                let jobs = Rc::clone(jobs);
                wasm_bindgen_futures::spawn_local(async move {
                    let client = client();
                    let made = super::page_split::make_page_job(
                        scenario,
                        managed,
                        spec,
                        &client.page_caches,
                    )
                    .await;
                    match made {
                        // A job cancelled while its code was loading is not started.
                        Ok(Some(made)) if client.listeners.borrow().contains_key(&job) => {
                            jobs.borrow_mut().insert(job, made);
                            page_slice(jobs, job);
                        }
                        Ok(Some(_)) => {}
                        Ok(None) => {
                            let message = "The catalog is not loaded.".to_string();
                            deliver(Response::Failed { job, message });
                        }
                        Err(message) => deliver(Response::Failed { job, message }),
                    }
                });
            }
        }
        job
    }

    /// Imports `input` (for the account `account_id` when the text names none), followed by
    /// `listener`; returns the job's number (for [`Client::cancel`]). In a worker started for
    /// it and closed once it ends (see `Backend::Worker::importer`), the text is read and the
    /// scenario comes back in pieces read one per task (the analyses that follow send the
    /// scenario's JSON, which the page has from the pieces, to their own worker); without a
    /// worker, the import runs on the page in a task of its own.
    pub(crate) fn import(
        &self,
        input: ImportInput,
        account_id: Option<String>,
        listener: Callback<ImportEvent>,
    ) -> u64 {
        let job = self.new_job();
        match &self.backend {
            Backend::Worker { url, importer, .. } => {
                let assembler = RefCell::new(Some(Assembler::default()));
                let lane = Lane::spawn(url);
                // A newer import replaces (so closes) an older one's worker.
                *importer.borrow_mut() = Some((job, Rc::clone(&lane)));
                let on_response = move |response: Response| match response {
                    Response::ImportRead { total, .. } => {
                        listener.emit(ImportEvent::Read { total })
                    }
                    Response::ImportPiece {
                        received,
                        total,
                        piece,
                        ..
                    } => {
                        let outcome = match assembler.borrow_mut().as_mut() {
                            Some(a) => a.add(&piece),
                            None => return,
                        };
                        match outcome {
                            Ok(()) => listener.emit(ImportEvent::Progress { received, total }),
                            Err(e) => {
                                assembler.borrow_mut().take();
                                client().cancel(job);
                                listener.emit(ImportEvent::Failed(format!(
                                    "The imported scenario could not be read on the page ({e})."
                                )));
                            }
                        }
                    }
                    Response::Imported { report, .. } => {
                        let Some(a) = assembler.borrow_mut().take() else {
                            return;
                        };
                        match a.finish() {
                            Ok((scenario, json)) => {
                                let scenario = Rc::new(scenario);
                                scenario_json::remember(&scenario, Rc::from(json));
                                // The scenario opens (the workspace of a real account renders)
                                // in a task after the one that joined its text.
                                let listener = listener.clone();
                                Timeout::new(0, move || {
                                    listener.emit(ImportEvent::Done {
                                        scenario,
                                        summary: Rc::new(ImportSummary::from(report)),
                                    });
                                })
                                .forget();
                            }
                            Err(e) => listener.emit(ImportEvent::Failed(format!(
                                "The imported scenario could not be read on the page ({e})."
                            ))),
                        }
                    }
                    Response::Failed { message, .. } => {
                        listener.emit(ImportEvent::Failed(message));
                    }
                    Response::Cancelled { .. } => listener.emit(ImportEvent::Cancelled),
                    _ => {}
                };
                let on_response = move |response: Response| {
                    let ended = matches!(
                        response,
                        Response::Imported { .. }
                            | Response::Failed { .. }
                            | Response::Cancelled { .. }
                    );
                    on_response(response);
                    if ended {
                        close_importer(job);
                    }
                };
                self.listeners
                    .borrow_mut()
                    .insert(job, Callback::from(on_response));
                lane.send(Request::Import(ImportRequest {
                    job,
                    scenario_id: job,
                    account_id,
                    input,
                }));
            }
            Backend::Page(_) => {
                // Followed only to know whether it was cancelled (which forgets it).
                self.listeners
                    .borrow_mut()
                    .insert(job, Callback::from(|_: Response| {}));
                // A task of its own, after the page has painted the progress.
                Timeout::new(0, move || {
                    if client().listeners.borrow_mut().remove(&job).is_none() {
                        return;
                    }
                    wasm_bindgen_futures::spawn_local(async move {
                        let outcome = super::page_split::page_import(input, account_id).await;
                        listener.emit(match outcome {
                            Ok((scenario, summary)) => ImportEvent::Done {
                                scenario: Rc::new(scenario),
                                summary: Rc::new(summary),
                            },
                            Err(message) => ImportEvent::Failed(message),
                        });
                    });
                })
                .forget();
            }
        }
        job
    }

    /// Sends the next part of the text of import `job` (started with [`ImportInput::Parts`]);
    /// the import is read once the `last` part is there. Only in the worker: the page reads a
    /// file whole where there is none.
    pub(crate) fn import_part(&self, job: u64, text: String, last: bool) {
        if let Backend::Worker { importer, .. } = &self.backend
            && self.listeners.borrow().contains_key(&job)
            && let Some((running, lane)) = importer.borrow().as_ref()
            && *running == job
        {
            lane.send(Request::ImportPart { job, text, last });
        }
    }

    /// Writes `scenario` as `kind` (files named after `stem`), followed by `listener`; returns
    /// the job's number. In the worker when there is one, else on the page in a task of its
    /// own.
    pub(crate) fn export(
        &self,
        scenario: &Rc<Scenario>,
        kind: TemplateKind,
        stem: String,
        listener: Callback<ExportEvent>,
    ) -> u64 {
        let job = self.new_job();
        let on_response = {
            let listener = listener.clone();
            Callback::from(move |response: Response| match response {
                Response::Export { result, .. } => listener.emit(match result {
                    Ok(data) => ExportEvent::Done(Rc::new(data)),
                    Err(failure) => ExportEvent::Refused(failure),
                }),
                Response::Failed { message, .. } => listener.emit(ExportEvent::Failed(message)),
                _ => {}
            })
        };
        match &self.backend {
            Backend::Worker { interactive, .. } => {
                self.listeners.borrow_mut().insert(job, on_response);
                let model = self.model_for(interactive, scenario, job, false);
                interactive.send(Request::Export(ExportRequest {
                    job,
                    model,
                    kind,
                    stem,
                }));
            }
            Backend::Page(_) => {
                self.listeners.borrow_mut().insert(job, on_response);
                let scenario = Rc::clone(scenario);
                Timeout::new(0, move || {
                    if !client().listeners.borrow().contains_key(&job) {
                        return;
                    }
                    wasm_bindgen_futures::spawn_local(async move {
                        let response =
                            match super::page_split::page_export(scenario, kind, stem).await {
                                Some(result) => Response::Export { job, result },
                                None => Response::Failed {
                                    job,
                                    message: "The template writer could not be loaded. Check the \
                                          connection and try again."
                                        .to_owned(),
                                },
                            };
                        deliver(response);
                        client().listeners.borrow_mut().remove(&job);
                    });
                })
                .forget();
            }
        }
        job
    }

    /// Asks the worker for the findings of `scenario` (with the action catalog's checks when
    /// `with_catalog`), followed by `listener` ([`Response::Findings`] messages, then `Done`); returns
    /// the job's number, for [`Client::cancel`]. In the interactive worker, which keeps the
    /// validations from one revision to the next. Without a worker, the page computes the
    /// findings itself (`super::findings::use_scenario_findings`): the job fails at once.
    pub(crate) fn findings(
        &self,
        scenario: &Rc<Scenario>,
        with_catalog: bool,
        listener: Callback<Response>,
    ) -> u64 {
        let job = self.new_job();
        self.listeners.borrow_mut().insert(job, listener);
        match &self.backend {
            Backend::Worker { interactive, .. } => {
                let model = self.model_for(interactive, scenario, job, false);
                let catalog_url = with_catalog.then(catalog_url).flatten();
                interactive.send(Request::Findings(FindingsRequest {
                    job,
                    model,
                    catalog_url,
                }));
            }
            Backend::Page(_) => {
                let message = "The findings are computed on the page.".to_string();
                deliver_later(Response::Failed { job, message });
            }
        }
        job
    }

    /// The model of a job over `scenario` in `lane`: its number there, with its JSON when the
    /// lane does not have it yet (then recorded as sent). A large scenario's JSON goes ahead
    /// of the job in parts ([`Lane::send_scenario`]) instead.
    fn model_for(
        &self,
        lane: &Rc<Lane>,
        scenario: &Rc<Scenario>,
        job: u64,
        managed: bool,
    ) -> ModelRef {
        let known = lane
            .sent
            .borrow()
            .as_ref()
            .filter(|(_, s)| s.upgrade().is_some_and(|s| Rc::ptr_eq(&s, scenario)))
            .map(|(id, _)| *id);
        let (scenario_id, json) = match known {
            Some(id) => (id, None),
            None => {
                *lane.sent.borrow_mut() = Some((job, Rc::downgrade(scenario)));
                let json = scenario_json::json_of(scenario);
                if json.len() > SCENARIO_PART_BYTES {
                    lane.large.set(true);
                    lane.send_scenario(job, json);
                    (job, None)
                } else {
                    (job, Some(json.to_string()))
                }
            }
        };
        let managed_url = managed
            .then(|| crate::data::asset_url("managed-policies"))
            .flatten()
            .and_then(|u| absolute(&u));
        ModelRef {
            scenario_id,
            scenario_json: json,
            managed_url,
        }
    }

    /// Stops job `job` and forgets its listener.
    pub(crate) fn cancel(&self, job: u64) {
        if self.listeners.borrow_mut().remove(&job).is_none() {
            return;
        }
        match &self.backend {
            Backend::Worker {
                interactive,
                account,
                importer,
                ..
            } => {
                if importer.borrow().as_ref().is_some_and(|(j, _)| *j == job) {
                    // Its worker is closed (after the step it is in, if any): nothing it would
                    // still answer is listened to.
                    importer.borrow_mut().take();
                    return;
                }
                if !self.on_account.borrow_mut().remove(&job) {
                    interactive.send(Request::Cancel { job });
                    return;
                }
                // A worker handles a Cancel only between steps, and the engine's search is one
                // step: on a large account the worker would stay busy with a stale scenario for
                // as long as the search takes. So a job that has not ended is not cancelled but
                // its worker dropped (it closes once its step ends) and the next job starts a
                // fresh one at once, which fetches and parses its assets again (a few hundred
                // milliseconds; a small account's job has ended long before the next edit).
                match self.account_running.get() {
                    Some(running) if running == job => {
                        self.account_running.set(None);
                        account.borrow_mut().take();
                    }
                    _ => {
                        if let Some(lane) = account.borrow().as_ref() {
                            lane.send(Request::Cancel { job });
                        }
                    }
                }
            }
            Backend::Page(jobs) => {
                jobs.borrow_mut().remove(&job);
            }
        }
    }
}

/// Closes the account worker once its job has ended, when it has read a large scenario, in a
/// task of its own (not inside the handler of the worker's own message). The escalation search
/// of a real account grows that worker's memory to a few hundred megabytes (232 MiB for the L
/// account of `e2e/real_account.test.mjs`), which a wasm memory never gives back: kept for the
/// next search, it stayed beside the interactive worker's for the tab's life. The next search
/// (an edit later) starts a fresh worker, as a cancelled one does; a small account's worker
/// is kept.
fn close_large_account_lane() {
    Timeout::new(0, || {
        let client = client();
        if let Backend::Worker { account, .. } = &client.backend
            && client.account_running.get().is_none()
            && account
                .borrow()
                .as_ref()
                .is_some_and(|lane| lane.large.get())
        {
            account.borrow_mut().take();
        }
    })
    .forget();
}

/// Closes the worker of import `job`, if it is still the running import's, in a task of its own
/// (not inside the handler of the worker's own message).
fn close_importer(job: u64) {
    Timeout::new(0, move || {
        let client = client();
        if let Backend::Worker { importer, .. } = &client.backend {
            let mine = importer.borrow().as_ref().is_some_and(|(j, _)| *j == job);
            if mine {
                importer.borrow_mut().take();
            }
        }
    })
    .forget();
}

/// Whether two optional shared values are the same value (by identity).
pub(crate) fn same<T>(a: &Option<Rc<T>>, b: &Option<Rc<T>>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => Rc::ptr_eq(a, b),
        (None, None) => true,
        _ => false,
    }
}

/// A matrix query: every principal of `scenario` × the action columns on `resource`, with
/// the root-only task columns. The job works the columns out (off the main thread) and sends
/// them first.
#[derive(Debug, Clone)]
pub struct MatrixQuery {
    /// The scenario (compared by identity: the store makes a new one on every change).
    pub scenario: Rc<Scenario>,
    /// The AWS-managed policies, once loaded (compared by identity).
    pub managed: Option<Rc<ManagedPolicies>>,
    /// The action catalog, once loaded (compared by identity), for the page's fallback.
    pub catalog: Option<Rc<Catalog>>,
    /// Which actions the columns are.
    pub columns: MatrixColumns,
    /// The text their names must contain (in any case; empty: any).
    pub filter: String,
    /// The resource of every cell.
    pub resource: String,
}

impl MatrixQuery {
    /// Whether `other` asks for the same columns and resource (of another scenario, perhaps).
    fn same_columns(&self, other: &MatrixQuery) -> bool {
        self.columns == other.columns
            && self.filter == other.filter
            && self.resource == other.resource
            && same(&self.catalog, &other.catalog)
    }
}

impl PartialEq for MatrixQuery {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.scenario, &other.scenario)
            && same(&self.managed, &other.managed)
            && self.same_columns(other)
    }
}

/// One computed row of the matrix.
#[derive(Debug, Clone, PartialEq)]
pub struct MatrixRow {
    /// Whose row it is.
    pub principal: PrincipalRef,
    /// The action columns, then the root-only tasks.
    pub cells: Vec<Decision>,
    /// The conditional cells: column and the sentence ("Allowed if …; otherwise …"), by
    /// column.
    pub conditional: Vec<(usize, Rc<str>)>,
    /// Why the row could not be computed, if it could not.
    pub error: Option<String>,
}

impl MatrixRow {
    /// The sentence of a conditional cell; `None` for the others.
    pub fn conditional(&self, column: usize) -> Option<&Rc<str>> {
        self.conditional
            .binary_search_by_key(&column, |(c, _)| *c)
            .ok()
            .and_then(|i| self.conditional.get(i))
            .map(|(_, s)| s)
    }
}

/// Where a job is.
#[derive(Debug, Clone, PartialEq)]
pub enum JobStatus {
    /// Bands are arriving.
    Running,
    /// Every row is here.
    Done,
    /// Stopped by the user; the rows so far stay.
    Cancelled,
    /// It could not run; why, in words for the user.
    Failed(String),
}

/// A matrix as it arrives.
#[derive(Debug, Clone, PartialEq)]
pub struct MatrixProgress {
    /// The query it answers.
    pub query: Option<MatrixQuery>,
    /// The action columns (of the rows shown), once the job has sent them.
    pub actions: Option<Rc<[String]>>,
    /// How many actions there were before [`super::job::MAX_MATRIX_COLUMNS`].
    pub actions_total: usize,
    /// The rows so far, in order.
    pub rows: Vec<Rc<MatrixRow>>,
    /// How many rows the whole matrix has.
    pub total: usize,
    /// Where the job is.
    pub status: JobStatus,
    /// How many cells so far that are not conditional are (allowed, explicit deny, implicit
    /// deny).
    pub counts: (usize, usize, usize),
    /// How many cells so far are conditional.
    pub conditional: usize,
    /// How long the job has run, or ran, in milliseconds.
    pub elapsed_ms: f64,
    /// Whether `rows` and `counts` are still the previous job's, kept on screen until this
    /// job's first band replaces them (only when the columns are the same, as after an edit
    /// of the scenario), so the table does not empty and refill on every edit.
    pub stale: bool,
}

impl MatrixProgress {
    fn new(query: Option<MatrixQuery>, total: usize) -> MatrixProgress {
        MatrixProgress {
            query,
            actions: None,
            actions_total: 0,
            rows: Vec::new(),
            total,
            status: JobStatus::Running,
            counts: (0, 0, 0),
            conditional: 0,
            elapsed_ms: 0.0,
            stale: false,
        }
    }

    /// Drops the previous job's rows, if they are still shown.
    fn drop_stale(&mut self) {
        if self.stale {
            self.rows.clear();
            self.counts = (0, 0, 0);
            self.conditional = 0;
            self.stale = false;
        }
    }

    /// Adds a band of rows; `principals` names the rows.
    fn add(&mut self, band: &Band, principals: &[PrincipalRef]) {
        let width = band.cells.len().checked_div(band.rows).unwrap_or(0);
        let sentences: Vec<Rc<str>> = band
            .sentences
            .iter()
            .map(|s| Rc::from(s.as_str()))
            .collect();
        let mut conditional_cells = band.conditional.iter().peekable();
        for (i, cells) in (band.first..).zip(band.cells.chunks(width.max(1))) {
            let Some(principal) = principals.get(i) else {
                break;
            };
            let cells: Vec<Decision> = cells.iter().map(|&c| decision_of(c)).collect();
            let mut conditional: Vec<(usize, Rc<str>)> = Vec::new();
            while let Some((_, column, at)) = conditional_cells.next_if(|(r, _, _)| *r <= i) {
                if let Some(s) = sentences.get(*at) {
                    conditional.push((*column, Rc::clone(s)));
                }
            }
            self.conditional += conditional.len();
            for (column, d) in cells.iter().enumerate() {
                if conditional
                    .binary_search_by_key(&column, |(c, _)| *c)
                    .is_ok()
                {
                    continue;
                }
                match d {
                    Decision::Allowed => self.counts.0 += 1,
                    Decision::ExplicitDeny => self.counts.1 += 1,
                    Decision::ImplicitDeny => self.counts.2 += 1,
                }
            }
            let error = band
                .errors
                .iter()
                .find(|(r, _)| *r == i)
                .map(|(_, e)| e.clone());
            self.rows.push(Rc::new(MatrixRow {
                principal: principal.clone(),
                cells,
                conditional,
                error,
            }));
        }
    }
}

/// Computes the matrix of `query` off the main thread, following every change of the query
/// (a newer query stops the running one). Returns the matrix as it arrives, and a callback
/// that stops it (the rows so far stay).
#[hook]
pub fn use_matrix(query: MatrixQuery) -> (MatrixProgress, Callback<()>) {
    let progress = use_mut_ref(|| MatrixProgress::new(None, 0));
    let job = use_mut_ref(|| 0u64);
    let update = use_force_update();
    {
        let progress = Rc::clone(&progress);
        let job = Rc::clone(&job);
        let update = update.clone();
        use_effect_with(query, move |query| {
            let principals = matrix_principals(&query.scenario);
            {
                let mut p = progress.borrow_mut();
                let same_columns = p.query.as_ref().is_some_and(|old| old.same_columns(query));
                let mut next = MatrixProgress::new(Some(query.clone()), principals.len());
                if same_columns {
                    // The previous columns stay until this job sends its own (the same ones,
                    // unless the edit changed what the policies mention).
                    next.actions = p.actions.take();
                    next.actions_total = p.actions_total;
                    next.rows = std::mem::take(&mut p.rows);
                    next.counts = p.counts;
                    next.conditional = p.conditional;
                    next.stale = true;
                }
                *p = next;
            }
            let started = js_sys::Date::now();
            let listener = {
                let progress = Rc::clone(&progress);
                let update = update.clone();
                Callback::from(move |response: Response| {
                    let mut p = progress.borrow_mut();
                    match response {
                        Response::Columns { actions, total, .. } => {
                            // Rows of other columns cannot stay on screen under these.
                            if p.actions.as_deref() != Some(actions.as_slice()) {
                                p.drop_stale();
                            }
                            p.actions = Some(Rc::from(actions));
                            p.actions_total = total;
                        }
                        Response::Rows { total, band, .. } => {
                            p.drop_stale();
                            p.total = total;
                            p.add(&band, &principals);
                        }
                        Response::Done { .. } => {
                            p.drop_stale();
                            p.status = JobStatus::Done;
                        }
                        Response::Cancelled { .. } => {
                            p.drop_stale();
                            p.status = JobStatus::Cancelled;
                        }
                        Response::Failed { message, .. } => {
                            p.drop_stale();
                            p.status = JobStatus::Failed(message);
                        }
                        // Answers of the other jobs' kinds.
                        _ => {}
                    }
                    p.elapsed_ms = js_sys::Date::now() - started;
                    drop(p);
                    update.force_update();
                })
            };
            let client = client();
            let spec = JobSpec::Matrix {
                columns: query.columns.clone(),
                filter: query.filter.clone(),
                resource: query.resource.clone(),
                catalog: query.catalog.clone(),
            };
            let id = client.start(&query.scenario, query.managed.as_ref(), spec, listener);
            *job.borrow_mut() = id;
            update.force_update();
            move || client.cancel(id)
        });
    }
    let cancel = {
        let progress = Rc::clone(&progress);
        Callback::from(move |()| {
            let id = *job.borrow();
            client().cancel(id);
            let mut p = progress.borrow_mut();
            if p.status == JobStatus::Running {
                p.status = JobStatus::Cancelled;
                p.drop_stale();
            }
            drop(p);
            update.force_update();
        })
    };
    let snapshot = progress.borrow().clone();
    (snapshot, cancel)
}

#[cfg(test)]
mod tests {
    use super::part_end;

    #[test]
    fn parts_end_on_whole_characters_and_cover_the_text() {
        let text = "ab\u{e9}\u{1f600}cd";
        // 'é' is 2 bytes (at 2..4), the emoji 4 (at 4..8).
        assert_eq!(part_end(text, 0, 3), 2);
        assert_eq!(part_end(text, 2, 3), 4);
        // A part smaller than the character still moves on by one character.
        assert_eq!(part_end(text, 4, 1), 8);
        assert_eq!(part_end(text, 8, 100), text.len());
        let mut start = 0;
        let mut joined = String::new();
        while start < text.len() {
            let end = part_end(text, start, 3);
            assert!(end > start);
            joined.push_str(&text[start..end]);
            start = end;
        }
        assert_eq!(joined, text);
    }
}
