//! The account analysis as the page follows it: [`use_who_can`], [`use_what_can`],
//! [`use_escalation`], [`use_diff`] and [`use_scenario_findings`] run
//! their query in the analysis worker (see [`super::client`]) and return what has arrived,
//! tagged with the scenario revision it answers, so a view never shows an older revision's
//! answer as the current one.

use std::cell::RefCell;
use std::rc::Rc;

use iam_engine::catalog::escalation::EscalationCatalog;
use iam_engine::catalog::{Catalog, ManagedPolicies};
use iam_engine::scenario::Scenario;
use yew::prelude::*;

use gloo::timers::callback::Timeout;
use iam_engine::scenario::{Finding, ValidationCache};

use super::client::{JobSpec, JobStatus, client, same, uses_worker};
use super::findings::{FindingsRead, ScenarioFindings, load_reader, reader};
use super::protocol::{
    DiffData, EscalationData, FixData, Response, Searching, WhatCanData, WhoCanRow,
};

/// Starts `spec` over `scenario` in the analysis worker. Each answer goes to `on_response`
/// with the hook's progress and the milliseconds since the start, then the hook re-renders.
/// Returns the effect's cleanup, which cancels the job.
fn start_job<P: 'static>(
    progress: &Rc<RefCell<P>>,
    update: &UseForceUpdateHandle,
    scenario: &Rc<Scenario>,
    managed: Option<&Rc<ManagedPolicies>>,
    spec: JobSpec,
    on_response: impl Fn(&mut P, Response, f64) + 'static,
) -> Box<dyn FnOnce()> {
    let started = js_sys::Date::now();
    let listener = {
        let progress = Rc::clone(progress);
        let update = update.clone();
        Callback::from(move |response: Response| {
            on_response(
                &mut progress.borrow_mut(),
                response,
                js_sys::Date::now() - started,
            );
            update.force_update();
        })
    };
    let client = client();
    let id = client.start(scenario, managed, spec, listener);
    update.force_update();
    Box::new(move || client.cancel(id))
}

/// A who-can query over one revision of the scenario.
#[derive(Debug, Clone)]
pub struct WhoCanQuery {
    /// The store's revision of `scenario`.
    pub revision: u64,
    /// The scenario (compared by identity).
    pub scenario: Rc<Scenario>,
    /// The AWS-managed policies, once loaded (compared by identity).
    pub managed: Option<Rc<ManagedPolicies>>,
    /// The actions, expanded (none: no query).
    pub actions: Rc<[String]>,
    /// The resource.
    pub resource: String,
}

impl PartialEq for WhoCanQuery {
    fn eq(&self, other: &Self) -> bool {
        self.revision == other.revision
            && Rc::ptr_eq(&self.scenario, &other.scenario)
            && same(&self.managed, &other.managed)
            && self.actions == other.actions
            && self.resource == other.resource
    }
}

/// A who-can answer as it arrives.
#[derive(Debug, Clone, PartialEq)]
pub struct WhoCanProgress {
    /// The revision it answers.
    pub revision: u64,
    /// The actions asked about.
    pub actions: Rc<[String]>,
    /// The resource asked about.
    pub resource: String,
    /// The principals with an answer so far, action by action.
    pub rows: Vec<Rc<WhoCanRow>>,
    /// How many actions are answered.
    pub answered: usize,
    /// How many principals each action was asked of.
    pub considered: usize,
    /// Where the job is.
    pub status: JobStatus,
    /// How long it has run, or ran, in milliseconds.
    pub elapsed_ms: f64,
}

/// Runs `query` off the main thread, following every change of it (a newer query stops the
/// older job). `None` until there is a query with actions.
#[hook]
pub fn use_who_can(query: WhoCanQuery) -> Option<WhoCanProgress> {
    let progress = use_mut_ref(|| None::<WhoCanProgress>);
    let update = use_force_update();
    {
        let progress = Rc::clone(&progress);
        use_effect_with(query, move |query| {
            if query.actions.is_empty() {
                *progress.borrow_mut() = None;
                update.force_update();
                return Box::new(|| ()) as Box<dyn FnOnce()>;
            }
            *progress.borrow_mut() = Some(WhoCanProgress {
                revision: query.revision,
                actions: Rc::clone(&query.actions),
                resource: query.resource.clone(),
                rows: Vec::new(),
                answered: 0,
                considered: 0,
                status: JobStatus::Running,
                elapsed_ms: 0.0,
            });
            let spec = JobSpec::WhoCan {
                actions: query.actions.to_vec(),
                resource: query.resource.clone(),
            };
            start_job(
                &progress,
                &update,
                &query.scenario,
                query.managed.as_ref(),
                spec,
                |slot, response, elapsed| {
                    let Some(p) = slot.as_mut() else {
                        return;
                    };
                    match response {
                        Response::WhoCan {
                            considered,
                            answered,
                            rows,
                            ..
                        } => {
                            p.considered = considered;
                            p.answered = answered;
                            p.rows.extend(rows.into_iter().map(Rc::new));
                        }
                        Response::Done { .. } => p.status = JobStatus::Done,
                        Response::Cancelled { .. } => p.status = JobStatus::Cancelled,
                        Response::Failed { message, .. } => p.status = JobStatus::Failed(message),
                        _ => {}
                    }
                    p.elapsed_ms = elapsed;
                },
            )
        });
    }
    progress.borrow().clone()
}

/// An escalation query over one revision of the scenario.
#[derive(Debug, Clone)]
pub struct EscalationQuery {
    /// The store's revision of `scenario`.
    pub revision: u64,
    /// The scenario (compared by identity).
    pub scenario: Rc<Scenario>,
    /// The AWS-managed policies: the analysis waits for them (without them an
    /// `AdministratorAccess` role would not look like an admin).
    pub managed: Option<Rc<ManagedPolicies>>,
    /// The escalation catalog, for the page's fallback where there is no worker (the worker
    /// fetches its own).
    pub catalog: Option<Rc<EscalationCatalog>>,
}

impl PartialEq for EscalationQuery {
    fn eq(&self, other: &Self) -> bool {
        self.revision == other.revision
            && Rc::ptr_eq(&self.scenario, &other.scenario)
            && same(&self.managed, &other.managed)
            && same(&self.catalog, &other.catalog)
    }
}

/// A path's fix as it arrives.
#[derive(Debug, Clone, PartialEq)]
pub enum FixState {
    /// Not computed yet.
    Pending,
    /// The smallest verified fix.
    Found(Rc<FixData>),
    /// No candidate breaks the path.
    NoneFound,
    /// Not computed: the analysis took too long for the fixes to be affordable.
    Skipped,
}

/// The escalation analysis of one revision.
#[derive(Debug, Clone, PartialEq)]
pub struct EscalationResult {
    /// The revision it answers.
    pub revision: u64,
    /// The paths and the catalog's coverage.
    pub report: Rc<EscalationData>,
    /// Each path's fix, in the order of the paths.
    pub fixes: Vec<FixState>,
    /// How long the paths took to arrive, in milliseconds.
    pub paths_ms: f64,
    /// How long the whole job took (the fixes too), once done.
    pub done_ms: Option<f64>,
}

impl EscalationResult {
    /// How many paths reach admin.
    pub fn paths_to_admin(&self) -> usize {
        self.report.paths.len() + self.report.unlisted_paths
    }
}

/// The escalation analysis as the page follows it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EscalationProgress {
    /// The revision the running (or last) job is about; `None` before the first.
    pub revision: Option<u64>,
    /// Where that job is.
    pub status: Option<JobStatus>,
    /// The latest result that has arrived: the running job's once its paths are here, else
    /// the previous job's (then `result.revision` differs from `revision`: stale).
    pub result: Option<EscalationResult>,
    /// How far the running job's search has got, while it searches (a large account's).
    pub searching: Option<Searching>,
}

impl EscalationProgress {
    /// The result when it answers `revision` (`None` while it is out of date).
    pub fn current(&self, revision: u64) -> Option<&EscalationResult> {
        self.result.as_ref().filter(|r| r.revision == revision)
    }
}

/// Runs the escalation analysis of `query` off the main thread once the managed policies are
/// here, following every change of it (a newer query stops the older job; its last result is
/// kept, marked by its revision, until the new paths arrive).
#[hook]
pub fn use_escalation(query: Option<EscalationQuery>) -> EscalationProgress {
    let progress = use_mut_ref(EscalationProgress::default);
    let update = use_force_update();
    {
        let progress = Rc::clone(&progress);
        use_effect_with(query, move |query| {
            let Some(query) = query.as_ref().filter(|q| q.managed.is_some()) else {
                return Box::new(|| ()) as Box<dyn FnOnce()>;
            };
            {
                let mut p = progress.borrow_mut();
                p.revision = Some(query.revision);
                p.status = Some(JobStatus::Running);
                p.searching = None;
            }
            let revision = query.revision;
            let spec = JobSpec::Escalation {
                catalog: query.catalog.clone(),
            };
            start_job(
                &progress,
                &update,
                &query.scenario,
                query.managed.as_ref(),
                spec,
                move |p, response, elapsed| match response {
                    Response::Escalation {
                        report,
                        fixes_follow,
                        ..
                    } => {
                        p.searching = None;
                        let state = if fixes_follow {
                            FixState::Pending
                        } else {
                            FixState::Skipped
                        };
                        p.result = Some(EscalationResult {
                            revision,
                            fixes: vec![state; report.paths.len()],
                            report: Rc::new(report),
                            paths_ms: elapsed,
                            done_ms: None,
                        });
                    }
                    Response::EscalationSearching { progress, .. } => {
                        p.searching = Some(progress);
                    }
                    Response::Fix { path, fix, .. } => {
                        if let Some(slot) = p
                            .result
                            .as_mut()
                            .filter(|r| r.revision == revision)
                            .and_then(|r| r.fixes.get_mut(path))
                        {
                            *slot = match fix {
                                Some(f) => FixState::Found(Rc::new(f)),
                                None => FixState::NoneFound,
                            };
                        }
                    }
                    Response::Done { .. } => {
                        p.status = Some(JobStatus::Done);
                        if let Some(r) = p.result.as_mut().filter(|r| r.revision == revision) {
                            r.done_ms = Some(elapsed);
                        }
                    }
                    Response::Cancelled { .. } => p.status = Some(JobStatus::Cancelled),
                    Response::Failed { message, .. } => p.status = Some(JobStatus::Failed(message)),
                    _ => {}
                },
            )
        });
    }
    progress.borrow().clone()
}

/// A what-can query over one revision of the scenario.
#[derive(Debug, Clone)]
pub struct WhatCanQuery {
    /// The store's revision of `scenario`.
    pub revision: u64,
    /// The scenario (compared by identity).
    pub scenario: Rc<Scenario>,
    /// The AWS-managed policies: the answer waits for them (compared by identity).
    pub managed: Option<Rc<ManagedPolicies>>,
    /// The action catalog: the answer waits for it (the worker fetches its own copy; the
    /// page's fallback computes with this one).
    pub catalog: Option<Rc<Catalog>>,
    /// The principal (`root`, `user/NAME`, `role/NAME`; empty: no query).
    pub principal: String,
    /// The resource.
    pub resource: String,
}

impl PartialEq for WhatCanQuery {
    fn eq(&self, other: &Self) -> bool {
        self.revision == other.revision
            && Rc::ptr_eq(&self.scenario, &other.scenario)
            && same(&self.managed, &other.managed)
            && same(&self.catalog, &other.catalog)
            && self.principal == other.principal
            && self.resource == other.resource
    }
}

/// A what-can answer with what it answers.
#[derive(Debug, Clone, PartialEq)]
pub struct WhatCanResult {
    /// The revision it answers.
    pub revision: u64,
    /// The answer (its principal and resource included).
    pub answer: Rc<WhatCanData>,
    /// How long it took, in milliseconds.
    pub elapsed_ms: f64,
}

/// What-can as the page follows it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WhatCanProgress {
    /// Where the running (or last) job is; `None` before the first.
    pub status: Option<JobStatus>,
    /// The latest answer: the last job's, or the one before while a newer job runs (then its
    /// revision or principal differs from the question's: stale).
    pub result: Option<WhatCanResult>,
}

/// Runs `query` off the main thread once the catalog and the managed policies are here,
/// following every change of it (a newer query stops the older job; the last answer is kept,
/// tagged with its revision, until the new one arrives).
#[hook]
pub fn use_what_can(query: WhatCanQuery) -> WhatCanProgress {
    let progress = use_mut_ref(WhatCanProgress::default);
    let update = use_force_update();
    {
        let progress = Rc::clone(&progress);
        use_effect_with(query, move |query| {
            if query.principal.is_empty() || query.managed.is_none() || query.catalog.is_none() {
                progress.borrow_mut().status = None;
                update.force_update();
                return Box::new(|| ()) as Box<dyn FnOnce()>;
            }
            progress.borrow_mut().status = Some(JobStatus::Running);
            let revision = query.revision;
            let spec = JobSpec::WhatCan {
                principal: query.principal.clone(),
                resource: query.resource.clone(),
                catalog: query.catalog.clone(),
            };
            start_job(
                &progress,
                &update,
                &query.scenario,
                query.managed.as_ref(),
                spec,
                move |p, response, elapsed| {
                    match response {
                        Response::WhatCan { answer, .. } => {
                            p.result = Some(WhatCanResult {
                                revision,
                                answer: Rc::new(answer),
                                elapsed_ms: elapsed,
                            });
                        }
                        // A failed job is followed by Done: it stays failed.
                        Response::Done { .. } if p.status == Some(JobStatus::Running) => {
                            p.status = Some(JobStatus::Done);
                        }
                        Response::Cancelled { .. } => p.status = Some(JobStatus::Cancelled),
                        Response::Failed { message, .. } => {
                            p.status = Some(JobStatus::Failed(message))
                        }
                        _ => {}
                    }
                },
            )
        });
    }
    progress.borrow().clone()
}

/// A change review: an earlier version of the scenario against one revision of it.
#[derive(Debug, Clone)]
pub struct DiffQuery {
    /// The store's revision of `scenario`.
    pub revision: u64,
    /// The scenario after (the one the page edits; compared by identity).
    pub scenario: Rc<Scenario>,
    /// The version before (compared by identity).
    pub before: Rc<Scenario>,
    /// The AWS-managed policies (compared by identity).
    pub managed: Rc<ManagedPolicies>,
    /// The action catalog, for the page's fallback (the worker fetches its own).
    pub catalog: Rc<Catalog>,
}

impl PartialEq for DiffQuery {
    fn eq(&self, other: &Self) -> bool {
        self.revision == other.revision
            && Rc::ptr_eq(&self.scenario, &other.scenario)
            && Rc::ptr_eq(&self.before, &other.before)
            && Rc::ptr_eq(&self.managed, &other.managed)
            && Rc::ptr_eq(&self.catalog, &other.catalog)
    }
}

/// A change review with what it answers.
#[derive(Debug, Clone, PartialEq)]
pub struct DiffResult {
    /// The revision of the version after.
    pub revision: u64,
    /// The version before (compared by identity).
    pub before: Rc<Scenario>,
    /// The answer.
    pub answer: Rc<DiffData>,
    /// How long it took, in milliseconds.
    pub elapsed_ms: f64,
}

/// The change review as the page follows it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DiffProgress {
    /// Where the running (or last) job is; `None` before the first (or with nothing to
    /// compare).
    pub status: Option<JobStatus>,
    /// The latest answer: the last job's, or the one before while a newer job runs (then its
    /// revision or its version before differs from the question's: out of date).
    pub result: Option<DiffResult>,
}

impl DiffProgress {
    /// The answer when it compares `before` with `revision` (`None` while it is out of date).
    pub fn current(&self, revision: u64, before: &Rc<Scenario>) -> Option<&DiffResult> {
        self.result
            .as_ref()
            .filter(|r| r.revision == revision && Rc::ptr_eq(&r.before, before))
    }
}

/// The change review and the button that stops it, as the app shares them with the Compare
/// view and the canvas.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Comparison {
    /// The review as it arrives.
    pub progress: DiffProgress,
    /// Stops the running job (its last answer stays, out of date).
    pub cancel: Callback<()>,
}

/// A job's stop, shared by the effect's cleanup and the Cancel button (whichever runs first).
type Stop = Rc<RefCell<Option<Box<dyn FnOnce()>>>>;

/// Runs the change review of `query` off the main thread, following every change of it (a
/// newer query stops the older job; the last answer is kept, tagged with its revision and its
/// version before, until the new one arrives).
#[hook]
pub fn use_diff(query: Option<DiffQuery>) -> Comparison {
    let progress = use_mut_ref(DiffProgress::default);
    let stop: Stop = use_mut_ref(|| None);
    let update = use_force_update();
    {
        let progress = Rc::clone(&progress);
        let stop = Rc::clone(&stop);
        let update = update.clone();
        use_effect_with(query, move |query| {
            let Some(query) = query.as_ref() else {
                progress.borrow_mut().status = None;
                update.force_update();
                return Box::new(|| ()) as Box<dyn FnOnce()>;
            };
            progress.borrow_mut().status = Some(JobStatus::Running);
            let revision = query.revision;
            let before = Rc::clone(&query.before);
            let spec = JobSpec::Diff {
                before: Rc::clone(&query.before),
                catalog: Some(Rc::clone(&query.catalog)),
            };
            let cancel = start_job(
                &progress,
                &update,
                &query.scenario,
                Some(&query.managed),
                spec,
                move |p: &mut DiffProgress, response, elapsed| match response {
                    Response::Diff { answer, .. } => {
                        p.result = Some(DiffResult {
                            revision,
                            before: Rc::clone(&before),
                            answer: Rc::new(answer),
                            elapsed_ms: elapsed,
                        });
                    }
                    // A failed job is followed by Done: it stays failed.
                    Response::Done { .. } if p.status == Some(JobStatus::Running) => {
                        p.status = Some(JobStatus::Done);
                    }
                    Response::Cancelled { .. } => p.status = Some(JobStatus::Cancelled),
                    Response::Failed { message, .. } => p.status = Some(JobStatus::Failed(message)),
                    _ => {}
                },
            );
            *stop.borrow_mut() = Some(cancel);
            Box::new(move || {
                if let Some(cancel) = stop.borrow_mut().take() {
                    cancel();
                }
            }) as Box<dyn FnOnce()>
        });
    }
    let cancel = use_callback((), {
        let progress = Rc::clone(&progress);
        move |(), _| {
            if let Some(cancel) = stop.borrow_mut().take() {
                cancel();
                let mut p = progress.borrow_mut();
                if p.status == Some(JobStatus::Running) {
                    p.status = Some(JobStatus::Cancelled);
                }
            }
            update.force_update();
        }
    });
    Comparison {
        progress: progress.borrow().clone(),
        cancel,
    }
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
            && same(&self.catalog, &other.catalog)
    }
}

/// The last findings that arrived from the worker, with what they are about ([`FindingsQuery::key`]).
type Arrived = Option<((u64, bool), Rc<Vec<Finding>>)>;

/// The findings of `revision` of `scenario` (with the action and condition-key checks once
/// `catalog` is here), computed on the page once `wanted` (an embed, whose scenario is small,
/// computes them only for a view that shows them; a page without workers always). The checks
/// are the `page_findings` chunk of the split build, fetched when findings are first wanted;
/// each text's validation is remembered from one revision to the next.
#[hook]
pub fn use_page_findings(
    revision: u64,
    scenario: Rc<Scenario>,
    catalog: Option<Rc<Catalog>>,
    wanted: bool,
) -> ScenarioFindings {
    let query = FindingsQuery {
        revision,
        scenario,
        catalog,
    };
    let key = query.key();
    let arrived: Rc<RefCell<Arrived>> = use_mut_ref(|| None);
    let update = use_force_update();
    let validations = use_memo((), |_| ValidationCache::default());
    {
        let arrived = Rc::clone(&arrived);
        let validations = Rc::clone(&validations);
        use_effect_with((query, wanted), move |(query, wanted)| {
            if *wanted {
                spawn_page_findings(query.clone(), Some(validations), arrived, update);
            }
        });
    }
    shown(&arrived, key)
}

/// The findings of `revision` of `scenario` (with the action and condition-key checks once
/// `catalog` is here), for the app. In the worker: asked after every change, once edits pause
/// (a newer revision cancels the older job), and until they arrive the last ones are returned
/// marked as updating; without a worker: on the page ([`use_page_findings`]).
#[hook]
pub fn use_scenario_findings(
    revision: u64,
    scenario: Rc<Scenario>,
    catalog: Option<Rc<Catalog>>,
) -> ScenarioFindings {
    let in_worker = *use_memo((), |_| uses_worker());
    let on_page = use_page_findings(revision, Rc::clone(&scenario), catalog.clone(), !in_worker);
    let query = FindingsQuery {
        revision,
        scenario,
        catalog,
    };
    let key = query.key();
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
            // The reader's chunk is fetched while the worker computes (once).
            if reader().is_none() {
                wasm_bindgen_futures::spawn_local(async {
                    crate::split::after_first_view().await;
                    let _ = load_reader().await;
                });
            }
            let listener = {
                let query = query.clone();
                // The findings read so far: they come a message (a task) at a time, each read
                // as it comes once the reader is here (kept as text until then), and are shown
                // once the job is done.
                let read: Rc<RefCell<FindingsRead>> = Rc::default();
                Callback::from(move |response: Response| {
                    let outcome = match response {
                        Response::Findings { json, .. } => {
                            read.borrow_mut().add(json, reader());
                            return;
                        }
                        Response::Done { .. } => Ok(()),
                        Response::Failed { message, .. } => Err(message),
                        _ => return,
                    };
                    let (query, arrived, update, read) = (
                        query.clone(),
                        Rc::clone(&arrived),
                        update.clone(),
                        std::mem::take(&mut *read.borrow_mut()),
                    );
                    wasm_bindgen_futures::spawn_local(async move {
                        let findings = match outcome {
                            Ok(()) => match load_reader().await {
                                Ok(reader) => read.finish(reader),
                                Err(_) => Err("its findings could not be read".to_owned()),
                            },
                            Err(message) => Err(message),
                        };
                        match findings {
                            Ok(findings) => {
                                *arrived.borrow_mut() = Some((key, Rc::new(findings)));
                                update.force_update();
                            }
                            // Where the worker could not answer (its catalog did not load), the
                            // page computes them, rather than showing them as updating for ever.
                            Err(e) => {
                                gloo::console::warn!(format!(
                                    "The findings are computed on the page: the worker's failed ({e})."
                                ));
                                spawn_page_findings(query, None, arrived, update);
                            }
                        }
                    });
                })
            };
            let client = client();
            let job = client.findings(&query.scenario, query.catalog.is_some(), listener);
            Box::new(move || client.cancel(job)) as Box<dyn FnOnce()>
        });
    }
    if in_worker {
        shown(&arrived, key)
    } else {
        on_page
    }
}

/// The findings last arrived, marked as updating unless they are `key`'s.
fn shown(arrived: &RefCell<Arrived>, key: (u64, bool)) -> ScenarioFindings {
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

/// Computes `query`'s findings on the page once the checks' chunk is here, then shows them
/// (unless a newer revision's have arrived meanwhile).
fn spawn_page_findings(
    query: FindingsQuery,
    cache: Option<Rc<ValidationCache>>,
    arrived: Rc<RefCell<Arrived>>,
    update: UseForceUpdateHandle,
) {
    wasm_bindgen_futures::spawn_local(async move {
        let key = query.key();
        // When the checks' chunk cannot be fetched, the findings stay as they were.
        let Some(findings) = super::page_split::findings(
            &query.scenario,
            query.catalog.as_deref(),
            cache.as_deref(),
        )
        .await
        else {
            return;
        };
        // An older revision's, finished after a newer one's, is not shown.
        let mut shown = arrived.borrow_mut();
        if shown.as_ref().is_none_or(|(about, _)| *about <= key) {
            *shown = Some((key, Rc::new(findings)));
            drop(shown);
            update.force_update();
        }
    });
}
