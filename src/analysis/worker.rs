//! The analysis worker: runs in a Web Worker with the engine in its own wasm, computes what
//! the page asks a band at a time, and answers each band as it is done.
//!
//! A worker handles one message at a time and only between tasks, so a long job is not one
//! task: after each band of about [`BAND_MS`] the next band is scheduled with a zero-delay
//! timeout (a new task), which lets a Cancel or a newer query that arrived meanwhile be handled
//! first. Each band carries its job number. Several jobs may run at once (two matrix panels on
//! one page); their bands take turns.

use std::collections::HashMap;
use std::rc::Rc;

use gloo::timers::callback::Timeout;
use gloo::worker::{HandlerId, Worker, WorkerScope};
use iam_engine::catalog::ManagedPolicies;
use iam_engine::scenario::Scenario;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::job::MatrixJob;
use super::protocol::{MatrixRequest, Request, Response};

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

/// The analysis worker's state.
#[derive(Debug, Default)]
pub struct AnalysisWorker {
    /// The last scenario the page sent, with the page's number for it.
    scenario: Option<(u64, Rc<Scenario>)>,
    /// The AWS-managed policies, with the URL they came from.
    managed: Option<(String, Rc<ManagedPolicies>)>,
    /// The URL of the managed policies being fetched.
    loading: Option<String>,
    /// The jobs being computed, by number.
    running: HashMap<u64, Running>,
}

/// The current job.
#[derive(Debug)]
struct Running {
    id: u64,
    to: HandlerId,
    request: MatrixRequest,
    scenario: Rc<Scenario>,
    /// Made on the first band, once the managed policies it needs are here.
    job: Option<MatrixJob>,
    /// Whether its next band is scheduled (so that a band is never scheduled twice).
    scheduled: bool,
    /// How long the next band computes, in milliseconds.
    band_ms: f64,
}

/// The worker's messages to itself.
#[derive(Debug)]
pub enum Message {
    /// Compute the next band of this job (unless it was cancelled).
    Step(u64),
    /// The managed policies from this URL were fetched and parsed, or why not.
    Managed(String, Result<Rc<ManagedPolicies>, String>),
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

/// Fetches the gzip-compressed managed policies from `url` and parses them.
async fn fetch_managed(url: &str) -> Result<ManagedPolicies, String> {
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
    ManagedPolicies::parse(&text.as_string().unwrap_or_default()).map_err(|e| e.to_string())
}

impl AnalysisWorker {
    /// Starts `request`.
    fn start(&mut self, scope: &WorkerScope<Self>, request: MatrixRequest, to: HandlerId) {
        let id = request.job;
        if let Some(json) = &request.scenario_json {
            match Scenario::from_json(json) {
                Ok(s) => self.scenario = Some((request.scenario_id, Rc::new(s))),
                Err(e) => {
                    let message = format!("The scenario could not be read in the worker: {e}");
                    scope.respond(to, Response::Failed { job: id, message });
                    return;
                }
            }
        }
        let scenario = match &self.scenario {
            Some((sid, s)) if *sid == request.scenario_id => Rc::clone(s),
            _ => {
                let message = "The worker does not have this scenario.".to_string();
                scope.respond(to, Response::Failed { job: id, message });
                return;
            }
        };
        if let Some(url) = &request.managed_url
            && self.managed.as_ref().is_none_or(|(u, _)| u != url)
            && self.loading.as_ref() != Some(url)
        {
            self.loading = Some(url.clone());
            let url = url.clone();
            scope.send_future(async move {
                let result = fetch_managed(&url).await.map(Rc::new);
                Message::Managed(url, result)
            });
        }
        let running = self.running.entry(id).or_insert(Running {
            id,
            to,
            request,
            scenario,
            job: None,
            scheduled: false,
            band_ms: FIRST_BAND_MS,
        });
        schedule(scope, running);
    }

    /// Computes the next band of job `id`, if it is still the current one and can run.
    fn step(&mut self, scope: &WorkerScope<Self>, id: u64) {
        let Some(running) = self.running.get_mut(&id) else {
            return;
        };
        running.scheduled = false;
        let managed = match &running.request.managed_url {
            None => None,
            Some(url) => match &self.managed {
                Some((u, m)) if u == url => Some(Rc::clone(m)),
                // Still on its way: the band runs when it arrives.
                _ => return,
            },
        };
        let job = running.job.get_or_insert_with(|| {
            MatrixJob::new(
                Rc::clone(&running.scenario),
                managed,
                running.request.actions.clone(),
                running.request.resource.clone(),
            )
        });
        let rows = job.step(running.band_ms, js_sys::Date::now);
        running.band_ms = (running.band_ms * 2.0).min(BAND_MS);
        let total = job.total();
        let done = job.is_done();
        let to = running.to;
        scope.respond(
            to,
            Response::Rows {
                job: id,
                total,
                band: rows.into(),
            },
        );
        if done {
            self.running.remove(&id);
            scope.respond(to, Response::Done { job: id });
        } else {
            schedule(scope, running);
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
            Message::Managed(url, result) => {
                if self.loading.as_ref() == Some(&url) {
                    self.loading = None;
                }
                match result {
                    Ok(m) => {
                        self.managed = Some((url, m));
                        for r in self.running.values_mut() {
                            schedule(scope, r);
                        }
                    }
                    Err(e) => {
                        let waiting: Vec<u64> = self
                            .running
                            .values()
                            .filter(|r| r.request.managed_url.as_ref() == Some(&url))
                            .map(|r| r.id)
                            .collect();
                        for id in waiting {
                            if let Some(r) = self.running.remove(&id) {
                                let message = format!(
                                    "The AWS-managed policies could not be loaded in the worker ({e})."
                                );
                                scope.respond(r.to, Response::Failed { job: id, message });
                            }
                        }
                    }
                }
            }
        }
    }

    fn received(&mut self, scope: &WorkerScope<Self>, msg: Request, id: HandlerId) {
        match msg {
            Request::Matrix(request) => self.start(scope, request, id),
            Request::Cancel { job } => {
                if let Some(r) = self.running.remove(&job) {
                    scope.respond(r.to, Response::Cancelled { job });
                }
            }
        }
    }
}
