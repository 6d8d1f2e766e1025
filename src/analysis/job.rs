//! The analysis jobs, each computed a piece at a time (in the worker, or on the page where
//! there is no worker): the access matrix a band of rows at a time ([`MatrixJob`]), who-can an
//! action at a time ([`WhoCanJob`]), and the escalation paths, then each path's smallest fix
//! ([`EscalationJob`]), one principal's permissions ([`WhatCanJob`]) and a change review
//! ([`DiffJob`]). [`Job`] is any of them, as the worker and the page's fallback run them.

use std::cell::RefCell;
use std::rc::Rc;

use iam_engine::catalog::escalation::EscalationCatalog;
use iam_engine::catalog::{Catalog, ManagedPolicies};
use iam_engine::scenario::{PrincipalRef, Scenario};
use iam_engine::workbench::analysis::diff::diff_scenarios;
use iam_engine::workbench::analysis::escalation::{
    EscalationReport, EscalationSearch, SearchBudget,
};
use iam_engine::workbench::analysis::fix::{access_removed, smallest_fix};
use iam_engine::workbench::analysis::what_can::{CatalogColumns, WhatCanQuery, resolve_principal};
use iam_engine::workbench::analysis::who_can::{WhoCanQuery, known_principals, who_can};
use iam_engine::workbench::analysis::{ADMIN_PROBES, Model};
use iam_engine::workbench::matrix::{
    MatrixColumns as PreparedColumns, MatrixRows, MentionCache, compute_matrix_rows,
    matrix_principals, mentioned_actions_cached,
};
use iam_engine::workbench::{CompileCache, Workbench};

use super::protocol::{
    DecidedRow, DiffData, EscalationData, FixData, MatrixColumns, Response, Searching, WhatCanData,
    WhoCanRow,
};

/// How many rows are computed between two looks at the clock.
const ROWS_PER_LOOK: usize = 2;

/// The most action columns a matrix has (a real account's policies mention thousands).
pub const MAX_MATRIX_COLUMNS: usize = 300;

/// `actions` whose names contain `filter` (in any case; empty: all), the first
/// [`MAX_MATRIX_COLUMNS`] of them, and how many there were before that limit.
pub fn filter_columns(mut actions: Vec<String>, filter: &str) -> (Vec<String>, usize) {
    let needle = filter.trim().to_ascii_lowercase();
    if !needle.is_empty() {
        actions.retain(|a| a.to_ascii_lowercase().contains(&needle));
    }
    let total = actions.len();
    actions.truncate(MAX_MATRIX_COLUMNS);
    (actions, total)
}

/// A matrix job's action columns, as it is asked for them.
#[derive(Debug)]
pub struct ColumnsInput {
    /// Which actions.
    pub source: MatrixColumns,
    /// The text their names must contain (in any case; empty: any).
    pub filter: String,
    /// The action catalog, when there is one (without it a service has no actions and
    /// wildcards expand to nothing).
    pub catalog: Option<Rc<Catalog>>,
    /// What the policy texts mention, kept from one job to the next by whoever runs them.
    pub mentions: Rc<MentionCache>,
}

impl ColumnsInput {
    /// The actions, at most [`MAX_MATRIX_COLUMNS`], and how many there were before that limit.
    pub fn work_out(
        &self,
        scenario: &Scenario,
        managed: Option<&ManagedPolicies>,
    ) -> (Vec<String>, usize) {
        let catalog = self.catalog.as_deref();
        let actions = match &self.source {
            MatrixColumns::Mentioned => {
                mentioned_actions_cached(scenario, managed, catalog, &self.mentions)
            }
            MatrixColumns::Service(prefix) => catalog
                .and_then(|c| c.service(prefix))
                .map(|s| s.actions().map(|a| a.full_name()).collect())
                .unwrap_or_default(),
        };
        filter_columns(actions, &self.filter)
    }
}

/// A matrix being computed: every principal of the scenario × the actions, with the root-only
/// task columns.
#[derive(Debug)]
pub struct MatrixJob {
    scenario: Rc<Scenario>,
    managed: Option<Rc<ManagedPolicies>>,
    principals: Vec<PrincipalRef>,
    /// The columns, until the first step works them out.
    pending: Option<Box<ColumnsInput>>,
    actions: Vec<String>,
    resource: String,
    columns: PreparedColumns,
    /// The compile cache (the job's own, or the worker's: see [`MatrixJob::with_cache`]): the
    /// principals share most of their policies.
    cache: Rc<CompileCache>,
    next: usize,
}

impl MatrixJob {
    /// Prepares the matrix of `scenario`'s principals × `columns` on `resource`.
    pub fn new(
        scenario: Rc<Scenario>,
        managed: Option<Rc<ManagedPolicies>>,
        columns: ColumnsInput,
        resource: String,
    ) -> MatrixJob {
        MatrixJob {
            principals: matrix_principals(&scenario),
            columns: PreparedColumns::new(&[]),
            cache: Rc::new(CompileCache::for_analysis()),
            scenario,
            managed,
            pending: Some(Box::new(columns)),
            actions: Vec::new(),
            resource,
            next: 0,
        }
    }

    /// The same job, compiling through `cache` (the worker's, shared with who-can).
    pub fn with_cache(mut self, cache: Rc<CompileCache>) -> MatrixJob {
        self.cache = cache;
        self
    }

    /// How many rows the matrix has.
    pub fn total(&self) -> usize {
        self.principals.len()
    }

    /// Whether every row has been computed.
    pub fn is_done(&self) -> bool {
        self.pending.is_none() && self.next >= self.principals.len()
    }

    /// Works out the columns, if they are still to be: the actions and how many there were
    /// before [`MAX_MATRIX_COLUMNS`].
    pub fn work_out_columns(&mut self) -> Option<(Vec<String>, usize)> {
        let input = self.pending.take()?;
        let (actions, total) = input.work_out(&self.scenario, self.managed.as_deref());
        self.columns = PreparedColumns::new(&actions);
        self.actions.clone_from(&actions);
        Some((actions, total))
    }

    /// Computes the next rows until `budget_ms` milliseconds have passed by `now` (at least a
    /// few rows, so every call makes progress), and returns them.
    pub fn step(&mut self, budget_ms: f64, now: impl Fn() -> f64) -> MatrixRows {
        let start = now();
        let mut out = MatrixRows {
            first: self.next,
            ..MatrixRows::default()
        };
        while self.next < self.principals.len() {
            let band = compute_matrix_rows(
                &self.scenario,
                self.managed.as_deref(),
                &self.cache,
                &self.principals,
                self.next..self.next + ROWS_PER_LOOK,
                &self.actions,
                &mut self.columns,
                &self.resource,
                true,
            );
            self.next += band.rows;
            out.rows += band.rows;
            out.cells.extend(band.cells);
            out.conditional.extend(band.conditional);
            out.errors.extend(band.errors);
            if band.rows == 0 || now() - start >= budget_ms {
                break;
            }
        }
        out
    }
}

/// Who-can over a list of actions, an action at a time.
#[derive(Debug)]
pub struct WhoCanJob {
    scenario: Rc<Scenario>,
    managed: Option<Rc<ManagedPolicies>>,
    actions: Vec<String>,
    resource: String,
    /// The compile cache (the job's own, or the worker's: see [`WhoCanJob::with_cache`]).
    cache: Rc<CompileCache>,
    next: usize,
}

impl WhoCanJob {
    /// Prepares who-can of `actions` on `resource` over `scenario`.
    pub fn new(
        scenario: Rc<Scenario>,
        managed: Option<Rc<ManagedPolicies>>,
        actions: Vec<String>,
        resource: String,
    ) -> WhoCanJob {
        WhoCanJob {
            scenario,
            managed,
            actions,
            resource,
            cache: Rc::new(CompileCache::for_analysis()),
            next: 0,
        }
    }

    /// The same job, compiling through `cache` (the worker's, shared with the matrix and the
    /// other who-can questions, so that a question after the matrix finds every policy of the
    /// account compiled).
    pub fn with_cache(mut self, cache: Rc<CompileCache>) -> WhoCanJob {
        self.cache = cache;
        self
    }

    /// Whether every action is answered.
    pub fn is_done(&self) -> bool {
        self.next >= self.actions.len()
    }

    /// Answers the next actions until `budget_ms` have passed by `now` (at least one), as one
    /// answer of job `job`.
    pub fn step(&mut self, job: u64, budget_ms: f64, now: impl Fn() -> f64) -> Response {
        let start = now();
        let model = Model {
            scenario: &self.scenario,
            managed: self.managed.as_deref(),
            cache: &self.cache,
        };
        let mut rows = Vec::new();
        let mut considered = 0;
        while let Some(action) = self.actions.get(self.next) {
            let answer = who_can(
                &model,
                &WhoCanQuery {
                    actions: vec![action.clone()],
                    resource: self.resource.clone(),
                    context: Vec::new(),
                    assumers: true,
                },
            );
            considered = answer.principals_considered;
            rows.extend(answer.entries.iter().map(WhoCanRow::from));
            self.next += 1;
            if now() - start >= budget_ms {
                break;
            }
        }
        if self.actions.is_empty() {
            considered = known_principals(&self.scenario).len();
        }
        Response::WhoCan {
            job,
            total: self.actions.len(),
            considered,
            answered: self.next,
            rows,
        }
    }
}

/// The most the fixes may cost, estimated as one analysis per path, in milliseconds: a fix
/// checks each candidate edit with a whole analysis of the edited scenario, so on a large
/// account (seconds per analysis, hundreds of paths) the fixes would keep the worker busy for
/// hours. Above it the paths come without fixes, and the page says why.
pub const FIXES_BUDGET_MS: f64 = 3000.0;

/// The escalation search's work between two looks at the clock (requests asked of the engine,
/// principals and hops gone through: about 20 ms natively).
const SEARCH_SLICE: usize = 20_000;

/// The escalation analysis: the paths first, then each path's smallest fix (with what else it
/// removes), one path at a time, when they are affordable (see [`FIXES_BUDGET_MS`]).
#[derive(Debug)]
pub struct EscalationJob {
    scenario: Rc<Scenario>,
    managed: Option<Rc<ManagedPolicies>>,
    catalog: Rc<EscalationCatalog>,
    cache: CompileCache,
    /// The search for the paths, under way.
    search: Option<Box<EscalationSearch>>,
    /// Its work between two looks at the clock ([`SEARCH_SLICE`]).
    slice: usize,
    /// How long the search has taken so far, in milliseconds.
    search_ms: f64,
    report: Option<EscalationReport>,
    next_fix: usize,
    /// Whether the fixes are computed (decided once the paths are here).
    fixes: bool,
}

impl EscalationJob {
    /// Prepares the analysis of `scenario` with the escalation catalog.
    pub fn new(
        scenario: Rc<Scenario>,
        managed: Option<Rc<ManagedPolicies>>,
        catalog: Rc<EscalationCatalog>,
    ) -> EscalationJob {
        EscalationJob {
            scenario,
            managed,
            catalog,
            cache: CompileCache::for_analysis(),
            search: None,
            slice: SEARCH_SLICE,
            search_ms: 0.0,
            report: None,
            next_fix: 0,
            fixes: true,
        }
    }

    /// Whether the paths and every fix are computed.
    pub fn is_done(&self) -> bool {
        self.report
            .as_ref()
            .is_some_and(|r| !self.fixes || self.next_fix >= r.paths.len())
    }

    /// Searches for the paths until `budget_ms` have passed by `now` (saying how far it got
    /// when the search goes on), then computes fixes until the budget is spent (at least one
    /// piece), and returns the answers of job `job`.
    pub fn step(&mut self, job: u64, budget_ms: f64, now: impl Fn() -> f64) -> Vec<Response> {
        let start = now();
        let model = Model {
            scenario: &self.scenario,
            managed: self.managed.as_deref(),
            cache: &self.cache,
        };
        let mut out = Vec::new();
        if self.report.is_none() {
            let search = self.search.get_or_insert_with(|| {
                Box::new(EscalationSearch::new(
                    &model,
                    &self.catalog,
                    SearchBudget::default(),
                ))
            });
            if !search.step(&model, &self.catalog, self.slice, || {
                now() - start < budget_ms
            }) {
                self.search_ms += now() - start;
                out.push(Response::EscalationSearching {
                    job,
                    progress: Searching {
                        searched: search.searched(),
                        total: search.total(),
                        with_paths: search.principals_with_paths(),
                    },
                });
                return out;
            }
            let Some(search) = self.search.take() else {
                return out;
            };
            let report = search.into_report();
            self.search_ms += now() - start;
            let took = self.search_ms;
            self.fixes = took * report.paths.len() as f64 <= FIXES_BUDGET_MS;
            let data = EscalationData::new(&report, |path| {
                let end = path.hops.last()?;
                let probe = ADMIN_PROBES.first()?;
                model.decided(&PrincipalRef::from(end.to.clone()), probe, "*", &[])
            });
            out.push(Response::Escalation {
                job,
                report: data,
                fixes_follow: self.fixes,
            });
            self.report = Some(report);
        }
        let Some(report) = self.report.as_ref().filter(|_| self.fixes) else {
            return out;
        };
        while let Some(path) = report.paths.get(self.next_fix) {
            if !out.is_empty() && now() - start >= budget_ms {
                break;
            }
            let fix = smallest_fix(&model, &self.catalog, path).map(|fix| FixData {
                removes: access_removed(&model, path, &fix)
                    .iter()
                    .map(DecidedRow::from)
                    .collect(),
                summary: fix.summary,
                edit: fix.edit,
            });
            out.push(Response::Fix {
                job,
                path: self.next_fix,
                fix,
            });
            self.next_fix += 1;
        }
        out
    }
}

/// What-can of one principal over the whole action catalog: one step (the engine decides
/// most actions from bitsets; the catalog's columns are prepared once and shared from job to
/// job, see [`WhatCanJob::columns`]).
#[derive(Debug)]
pub struct WhatCanJob {
    scenario: Rc<Scenario>,
    managed: Option<Rc<ManagedPolicies>>,
    catalog: Rc<Catalog>,
    columns: Rc<RefCell<CatalogColumns>>,
    principal: String,
    resource: String,
    done: bool,
}

impl WhatCanJob {
    /// The catalog's columns, to keep for the next jobs over the same catalog.
    pub fn columns(catalog: &Catalog) -> Rc<RefCell<CatalogColumns>> {
        Rc::new(RefCell::new(CatalogColumns::new(catalog)))
    }

    /// Prepares what-can of `principal` on `resource` over `scenario`, with `columns` made by
    /// [`WhatCanJob::columns`] from `catalog`.
    pub fn new(
        scenario: Rc<Scenario>,
        managed: Option<Rc<ManagedPolicies>>,
        catalog: Rc<Catalog>,
        columns: Rc<RefCell<CatalogColumns>>,
        principal: String,
        resource: String,
    ) -> WhatCanJob {
        WhatCanJob {
            scenario,
            managed,
            catalog,
            columns,
            principal,
            resource,
            done: false,
        }
    }

    /// Whether the answer has been sent.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Answers the question (or says why it cannot), as job `job`.
    pub fn step(&mut self, job: u64) -> Response {
        self.done = true;
        let principal = match resolve_principal(&self.scenario, &self.principal) {
            Ok(p) => p,
            Err(e) => {
                return Response::Failed {
                    job,
                    message: e.message,
                };
            }
        };
        let cache = CompileCache::new();
        let workbench = Workbench::new(&self.scenario, &cache)
            .with_catalog(Some(&self.catalog))
            .with_managed(self.managed.as_deref());
        let Ok(mut columns) = self.columns.try_borrow_mut() else {
            let message = "The catalog's columns are in use by another job.".to_string();
            return Response::Failed { job, message };
        };
        let query = WhatCanQuery {
            principal,
            resource: self.resource.clone(),
            context: Vec::new(),
        };
        match workbench.what_can(&mut columns, &query) {
            Ok(answer) => Response::WhatCan {
                job,
                answer: WhatCanData::from(&answer),
            },
            Err(e) => Response::Failed {
                job,
                message: e.message,
            },
        }
    }
}

/// A change review: `before` against `after` (the scenario the page edits), over the action
/// catalog, in one step (the engine decides only the actions a changed policy may match, and
/// skips principals whose inputs agree).
#[derive(Debug)]
pub struct DiffJob {
    before: Rc<Scenario>,
    after: Rc<Scenario>,
    managed: Option<Rc<ManagedPolicies>>,
    catalog: Rc<Catalog>,
    done: bool,
}

impl DiffJob {
    /// Prepares the comparison of `before` with `after`.
    pub fn new(
        before: Rc<Scenario>,
        after: Rc<Scenario>,
        managed: Option<Rc<ManagedPolicies>>,
        catalog: Rc<Catalog>,
    ) -> DiffJob {
        DiffJob {
            before,
            after,
            managed,
            catalog,
            done: false,
        }
    }

    /// Whether the answer has been sent.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Compares the two versions, as job `job`.
    pub fn step(&mut self, job: u64) -> Response {
        self.done = true;
        let cache = CompileCache::for_analysis();
        let before = Model {
            scenario: &self.before,
            managed: self.managed.as_deref(),
            cache: &cache,
        };
        let after = Model {
            scenario: &self.after,
            managed: self.managed.as_deref(),
            cache: &cache,
        };
        let report = diff_scenarios(&before, &after, Some(&self.catalog));
        Response::Diff {
            job,
            answer: DiffData::from(&report),
        }
    }
}

/// Any analysis job.
#[derive(Debug)]
pub enum Job {
    /// An access matrix.
    Matrix(MatrixJob),
    /// Who can.
    WhoCan(WhoCanJob),
    /// Escalation paths and their fixes.
    Escalation(EscalationJob),
    /// What can.
    WhatCan(WhatCanJob),
    /// A change review.
    Diff(DiffJob),
}

impl Job {
    /// Whether the job has nothing left to compute.
    pub fn is_done(&self) -> bool {
        match self {
            Job::Matrix(j) => j.is_done(),
            Job::WhoCan(j) => j.is_done(),
            Job::Escalation(j) => j.is_done(),
            Job::WhatCan(j) => j.is_done(),
            Job::Diff(j) => j.is_done(),
        }
    }

    /// Computes the next piece of job `id` for about `budget_ms`, and returns its answers,
    /// followed by [`Response::Done`] when the job is complete.
    pub fn step(&mut self, id: u64, budget_ms: f64, now: impl Fn() -> f64) -> Vec<Response> {
        let mut out = match self {
            Job::Matrix(j) => match j.work_out_columns() {
                // The columns are a step of their own: the page shows them while the first
                // rows are computed.
                Some((actions, total)) => vec![Response::Columns {
                    job: id,
                    actions,
                    total,
                }],
                None => {
                    let band = j.step(budget_ms, now);
                    vec![Response::Rows {
                        job: id,
                        total: j.total(),
                        band: band.into(),
                    }]
                }
            },
            Job::WhoCan(j) => vec![j.step(id, budget_ms, now)],
            Job::Escalation(j) => j.step(id, budget_ms, now),
            Job::WhatCan(j) => vec![j.step(id)],
            Job::Diff(j) => vec![j.step(id)],
        };
        if self.is_done() {
            out.push(Response::Done { job: id });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::protocol::{Place, Request};
    use iam_engine::scenario::gallery_json;
    use iam_engine::workbench::analysis::who_can::Access;

    const MANAGED: &str = include_str!("../../static/data/managed-policies.txt");
    const PATHS: &str = include_str!("../../static/data/escalation-paths.txt");

    fn example(id: &str) -> Rc<Scenario> {
        Rc::new(Scenario::from_json(gallery_json(id).unwrap()).unwrap())
    }

    fn managed() -> Rc<ManagedPolicies> {
        Rc::new(ManagedPolicies::parse(MANAGED).unwrap())
    }

    use crate::analysis::round_trip;

    /// Runs `job` to its end with the smallest budget, so each step is one piece.
    fn run(mut job: Job) -> Vec<Response> {
        let mut out = Vec::new();
        for _ in 0..1000 {
            let answers = job.step(7, 0.0, || 0.0);
            for a in &answers {
                assert_eq!(&round_trip(a), a, "bincode round trip");
            }
            out.extend(answers);
            if job.is_done() {
                return out;
            }
        }
        panic!("the job never ended");
    }

    #[test]
    fn a_long_escalation_search_says_how_far_it_got_between_its_steps() {
        let catalog = Rc::new(EscalationCatalog::parse(PATHS).unwrap());
        let whole = run(Job::Escalation(EscalationJob::new(
            example("passrole-lambda-admin"),
            Some(managed()),
            Rc::clone(&catalog),
        )));
        let mut job =
            EscalationJob::new(example("passrole-lambda-admin"), Some(managed()), catalog);
        // A tiny slice of work: the search takes several steps (with no time left after each).
        job.slice = 3;
        let answers = run(Job::Escalation(job));
        let progress: Vec<(usize, usize)> = (answers.iter())
            .filter_map(|a| match a {
                Response::EscalationSearching { job: 7, progress } => {
                    Some((progress.searched, progress.total))
                }
                _ => None,
            })
            .collect();
        assert!(progress.len() > 1, "{progress:?}");
        assert!(
            progress
                .windows(2)
                .all(|w| w[0].0 <= w[1].0 && w[0].1 == w[1].1)
        );
        assert!(progress.iter().all(|(searched, total)| searched < total));
        // Then the same answers as the search in one step.
        let rest: Vec<&Response> = (answers.iter())
            .filter(|a| !matches!(a, Response::EscalationSearching { .. }))
            .collect();
        assert_eq!(rest, whole.iter().collect::<Vec<_>>());
    }

    #[test]
    fn the_escalation_job_sends_the_paths_then_one_fix_per_path_then_done() {
        let catalog = Rc::new(EscalationCatalog::parse(PATHS).unwrap());
        let job = Job::Escalation(EscalationJob::new(
            example("passrole-lambda-admin"),
            Some(managed()),
            catalog,
        ));
        let answers = run(job);
        let Some(Response::Escalation {
            job: 7,
            report,
            fixes_follow: true,
        }) = answers.first()
        else {
            panic!("the paths come first: {answers:?}");
        };
        let n = report.paths.len();
        assert!(n >= 1);
        let path = &report.paths[0];
        assert_eq!(path.principal, "user/dev-dana");
        assert_eq!(path.hops[0].path_id, "lambda-001");
        // Why the end is admin, and where the canvas finds each card.
        let admin = path.admin_by.as_ref().unwrap();
        assert_eq!(admin.principal, "role/LambdaAdminRole");
        let places = path.places();
        for p in [
            Place::User("dev-dana".into()),
            Place::Group("Developers".into()),
            Place::Policy("LambdaDeveloper".into()),
            Place::Role("LambdaAdminRole".into()),
            Place::AwsPolicy("arn:aws:iam::aws:policy/AdministratorAccess".into()),
        ] {
            assert!(places.contains(&p), "{p:?} in {places:?}");
        }
        // One fix per path, in order, then Done.
        let fixes: Vec<usize> = answers
            .iter()
            .filter_map(|a| match a {
                Response::Fix { path, .. } => Some(*path),
                _ => None,
            })
            .collect();
        assert_eq!(fixes, (0..n).collect::<Vec<_>>());
        assert_eq!(answers.last(), Some(&Response::Done { job: 7 }));
        let Some(Response::Fix {
            fix: Some(fix),
            path: 0,
            ..
        }) = answers.get(1)
        else {
            panic!("the first path has a fix: {:?}", answers.get(1));
        };
        assert!(
            fix.summary.starts_with("drop iam:PassRole"),
            "{}",
            fix.summary
        );
        assert!(
            fix.removes
                .iter()
                .any(|r| r.resource.ends_with(":role/LambdaAppRole")),
            "{:?}",
            fix.removes
        );
        // The edit, applied, leaves no path (the analysis of the next revision).
        let mut fixed = (*example("passrole-lambda-admin")).clone();
        fix.edit.apply(&mut fixed).unwrap();
        let again = run(Job::Escalation(EscalationJob::new(
            Rc::new(fixed),
            Some(managed()),
            Rc::new(EscalationCatalog::parse(PATHS).unwrap()),
        )));
        assert!(matches!(
            again.first(),
            Some(Response::Escalation { report, .. }) if report.paths.is_empty()
        ));
    }

    #[test]
    fn a_slow_analysis_sends_its_paths_without_fixes() {
        let catalog = Rc::new(EscalationCatalog::parse(PATHS).unwrap());
        let mut job = Job::Escalation(EscalationJob::new(
            example("passrole-lambda-admin"),
            Some(managed()),
            catalog,
        ));
        // A clock that says the analysis took twice the whole budget.
        let clock = std::cell::Cell::new(0.0);
        let now = || {
            clock.set(clock.get() + 2.0 * FIXES_BUDGET_MS);
            clock.get()
        };
        let answers = job.step(1, 50.0, now);
        assert!(matches!(
            answers.as_slice(),
            [
                Response::Escalation {
                    fixes_follow: false,
                    ..
                },
                Response::Done { job: 1 }
            ]
        ));
    }

    #[test]
    fn the_who_can_job_answers_an_action_at_a_time_as_the_engine_does() {
        let scenario = example("passrole-lambda-admin");
        let actions = vec!["iam:PassRole".to_string(), "iam:CreateUser".to_string()];
        let resource = "arn:aws:iam::111122223333:role/LambdaAdminRole".to_string();
        let answers = run(Job::WhoCan(WhoCanJob::new(
            Rc::clone(&scenario),
            Some(managed()),
            actions.clone(),
            resource.clone(),
        )));
        // One answer per action (the budget is spent after each), then Done.
        let answered: Vec<usize> = answers
            .iter()
            .filter_map(|a| match a {
                Response::WhoCan {
                    answered, total, ..
                } => {
                    assert_eq!(*total, 2);
                    Some(*answered)
                }
                _ => None,
            })
            .collect();
        assert_eq!(answered, vec![1, 2]);
        let rows: Vec<WhoCanRow> = answers
            .iter()
            .flat_map(|a| match a {
                Response::WhoCan { rows, .. } => rows.clone(),
                _ => Vec::new(),
            })
            .collect();
        let managed = managed();
        let cache = CompileCache::new();
        let model = Model {
            scenario: &scenario,
            managed: Some(&managed),
            cache: &cache,
        };
        let engine = who_can(
            &model,
            &WhoCanQuery {
                actions,
                resource,
                context: Vec::new(),
                assumers: true,
            },
        );
        let expected: Vec<WhoCanRow> = engine.entries.iter().map(WhoCanRow::from).collect();
        assert_eq!(rows, expected);
        assert!(engine.entries.iter().any(|e| e.principal == "user/dev-dana"
            && e.request.action == "iam:PassRole"
            && e.access == Access::Allowed));
    }

    /// The worker's cache shared by a matrix and then a who-can job: who-can compiles nothing
    /// the matrix compiled, and answers exactly what it answers with a cache of its own.
    #[test]
    fn a_who_can_job_after_the_matrix_reuses_its_compiled_policies() {
        let scenario = example("passrole-lambda-admin");
        let shared = Rc::new(CompileCache::for_analysis());
        let columns = ColumnsInput {
            source: MatrixColumns::Mentioned,
            filter: String::new(),
            catalog: Some(Rc::new(Catalog::parse(CATALOG).unwrap())),
            mentions: Rc::new(MentionCache::default()),
        };
        run(Job::Matrix(
            MatrixJob::new(
                Rc::clone(&scenario),
                Some(managed()),
                columns,
                "*".to_string(),
            )
            .with_cache(Rc::clone(&shared)),
        ));
        let compiled = shared.len();
        assert!(compiled > 0, "the matrix compiled through the shared cache");
        let who = |cache: Option<Rc<CompileCache>>| {
            let job = WhoCanJob::new(
                Rc::clone(&scenario),
                Some(managed()),
                vec!["s3:GetObject".to_string()],
                "*".to_string(),
            );
            run(Job::WhoCan(match cache {
                Some(c) => job.with_cache(c),
                None => job,
            }))
        };
        let with_shared = who(Some(Rc::clone(&shared)));
        // Near miss: a fresh cache compiles them again, and answers the same.
        assert_eq!(with_shared, who(None));
        assert!(
            with_shared
                .iter()
                .any(|r| matches!(r, Response::WhoCan { rows, .. } if !rows.is_empty()))
        );
        // Who-can compiled through the shared cache only what the matrix had no need of: the
        // roles' trust policies, for the chains.
        let trusts = scenario.roles.len();
        assert!(shared.len() > compiled, "who-can used the shared cache");
        assert!(
            shared.len() <= compiled + trusts,
            "{} > {compiled} + {trusts}",
            shared.len()
        );
    }

    const CATALOG: &str = include_str!("../../static/data/iam-catalog.txt");

    #[test]
    fn a_matrix_job_sends_its_columns_first_then_rows_of_that_width() {
        let scenario = example("permissions-boundary");
        let catalog = Rc::new(Catalog::parse(CATALOG).unwrap());
        let mentions = Rc::new(MentionCache::default());
        let job = |source: MatrixColumns, filter: &str| {
            Job::Matrix(MatrixJob::new(
                Rc::clone(&scenario),
                Some(managed()),
                ColumnsInput {
                    source,
                    filter: filter.to_string(),
                    catalog: Some(Rc::clone(&catalog)),
                    mentions: Rc::clone(&mentions),
                },
                "*".to_string(),
            ))
        };
        let columns_of = |answers: &[Response]| match answers.first() {
            Some(Response::Columns { actions, total, .. }) => (actions.clone(), *total),
            other => panic!("the first answer is not the columns: {other:?}"),
        };
        // The mentioned actions, as the engine works them out, filtered in any case.
        let answers = run(job(MatrixColumns::Mentioned, ""));
        let expected = iam_engine::workbench::matrix::mentioned_actions(
            &scenario,
            Some(&managed()),
            Some(&catalog),
        );
        let (actions, total) = columns_of(&answers);
        assert!(!actions.is_empty());
        assert_eq!(total, expected.len());
        assert_eq!(actions, expected[..total.min(MAX_MATRIX_COLUMNS)]);
        let width = actions.len() + iam_engine::root_tasks::root_only_tasks().len();
        let mut rows = 0;
        for a in &answers[1..] {
            if let Response::Rows { band, .. } = a {
                assert_eq!(band.cells.len(), band.rows * width);
                rows += band.rows;
            }
        }
        assert_eq!(rows, matrix_principals(&scenario).len());
        assert!(matches!(answers.last(), Some(Response::Done { .. })));
        let (some, _) = columns_of(&run(job(MatrixColumns::Mentioned, "S3:GET")));
        assert!(!some.is_empty() && some.len() < actions.len());
        assert!(some.iter().all(|a| a.starts_with("s3:Get")));
        // A service's actions, at most MAX_MATRIX_COLUMNS of them, and how many there are.
        let (ec2, total) = columns_of(&run(job(MatrixColumns::Service("ec2".into()), "")));
        assert!(total > MAX_MATRIX_COLUMNS, "{total}");
        assert_eq!(ec2.len(), MAX_MATRIX_COLUMNS);
        assert!(ec2.iter().all(|a| a.starts_with("ec2:")));
        // A service the catalog does not have: no columns, and still a row per principal.
        let answers = run(job(MatrixColumns::Service("nope".into()), ""));
        assert_eq!(columns_of(&answers), (Vec::new(), 0));
    }

    #[test]
    fn filter_columns_matches_in_any_case_and_counts_before_the_limit() {
        let actions: Vec<String> = (0..400).map(|i| format!("s3:Get{i}")).collect();
        let (kept, total) = filter_columns(actions.clone(), "  s3:get1 ");
        assert_eq!(total, 111); // Get1, Get10..Get19, Get100..Get199
        assert_eq!(kept.len(), 111);
        let (kept, total) = filter_columns(actions, "");
        assert_eq!((kept.len(), total), (MAX_MATRIX_COLUMNS, 400));
        // A near miss: a filter no name contains.
        assert_eq!(
            filter_columns(vec!["s3:GetObject".into()], "put"),
            (Vec::new(), 0)
        );
    }

    #[test]
    fn the_what_can_job_answers_as_the_engine_does_and_keeps_its_columns() {
        let scenario = example("permissions-boundary");
        let catalog = Rc::new(Catalog::parse(CATALOG).unwrap());
        let columns = WhatCanJob::columns(&catalog);
        let job = |principal: &str| {
            Job::WhatCan(WhatCanJob::new(
                Rc::clone(&scenario),
                Some(managed()),
                Rc::clone(&catalog),
                Rc::clone(&columns),
                principal.to_string(),
                "*".to_string(),
            ))
        };
        let answers = run(job("user/maria"));
        let [
            Response::WhatCan { job: 7, answer },
            Response::Done { job: 7 },
        ] = answers.as_slice()
        else {
            panic!("one answer, then Done: {answers:?}");
        };
        // The engine's answer, reshaped: the same totals, the removed actions grouped by what
        // removes them, the policy as text.
        let managed = managed();
        let cache = CompileCache::new();
        let mut fresh = CatalogColumns::new(&catalog);
        let engine = Workbench::new(&scenario, &cache)
            .with_catalog(Some(&catalog))
            .with_managed(Some(&managed))
            .what_can(
                &mut fresh,
                &WhatCanQuery {
                    principal: PrincipalRef::User("maria".into()),
                    resource: "*".into(),
                    context: Vec::new(),
                },
            )
            .unwrap();
        assert_eq!(answer, &WhatCanData::from(&engine));
        assert_eq!(answer.principal, "user/maria");
        assert_eq!(
            (answer.allowed, answer.conditional, answer.removed),
            (engine.allowed, engine.conditional, engine.removed)
        );
        assert!(answer.allowed > 0 && answer.removed > 0);
        let grouped: usize = answer.removed_groups.iter().map(|g| g.count).sum();
        assert_eq!(grouped, answer.removed);
        assert!(
            answer.removed_groups[0].words[0].contains("permissions boundary"),
            "{:?}",
            answer.removed_groups[0]
        );
        let policy: serde_json::Value = serde_json::from_str(&answer.policy).unwrap();
        assert_eq!(policy, engine.policy);
        // The columns are kept for the next job; an unknown principal fails with why.
        let again = run(job("user/maria"));
        assert_eq!(again.first(), answers.first());
        let unknown = run(job("user/nobody"));
        assert!(
            matches!(unknown.first(), Some(Response::Failed { message, .. }) if message.contains("nobody")),
            "{unknown:?}"
        );
    }

    #[test]
    fn the_diff_job_answers_what_removing_a_boundary_grants_as_the_engine_does() {
        let before = example("permissions-boundary");
        let mut after = (*before).clone();
        after
            .set_permissions_boundary(
                &iam_engine::scenario::IdentityRef::User("maria".into()),
                None,
            )
            .unwrap();
        let after = Rc::new(after);
        let catalog = Rc::new(Catalog::parse(CATALOG).unwrap());
        let answers = run(Job::Diff(DiffJob::new(
            Rc::clone(&before),
            Rc::clone(&after),
            Some(managed()),
            Rc::clone(&catalog),
        )));
        let [Response::Diff { job: 7, answer }, Response::Done { job: 7 }] = answers.as_slice()
        else {
            panic!("one answer, then Done: {answers:?}");
        };
        let managed = managed();
        let cache = CompileCache::new();
        let model_before = Model {
            scenario: &before,
            managed: Some(&managed),
            cache: &cache,
        };
        let model_after = Model {
            scenario: &after,
            managed: Some(&managed),
            cache: &cache,
        };
        let engine = diff_scenarios(&model_before, &model_after, Some(&catalog));
        assert_eq!(answer, &DiffData::from(&engine));
        // Only maria changes, and she only gains; each witness is allowed after, refused before.
        assert_eq!(answer.changes.len(), 1, "{:?}", answer.summary);
        let maria = &answer.changes[0];
        assert_eq!(maria.principal, "user/maria");
        assert!(maria.newly_allowed > 0 && maria.newly_denied == 0);
        assert!(answer.newly_allowed == maria.newly_allowed);
        for g in &maria.groups {
            assert!(g.newly_allowed);
            assert!(g.witness.verified);
            let request = g.witness.after_request();
            assert_eq!(request.decision, iam_engine::eval::Decision::Allowed);
            assert_ne!(
                g.witness.before.decision,
                iam_engine::eval::Decision::Allowed
            );
        }
        assert!(
            answer.summary[0].contains("user maria"),
            "{:?}",
            answer.summary
        );
        // Against itself: nothing changes.
        let same = run(Job::Diff(DiffJob::new(
            Rc::clone(&after),
            Rc::clone(&after),
            None,
            catalog,
        )));
        assert!(
            matches!(same.first(), Some(Response::Diff { answer, .. }) if answer.changes.is_empty())
        );
    }

    #[test]
    fn requests_round_trip_the_workers_codec() {
        let what_can = Request::WhatCan(crate::analysis::protocol::WhatCanRequest {
            job: 4,
            model: crate::analysis::protocol::ModelRef {
                scenario_id: 2,
                scenario_json: None,
                managed_url: Some("https://example.test/data/managed-policies-1.txt.gz".into()),
            },
            principal: "role/deploy".into(),
            resource: "*".into(),
            catalog_url: "https://example.test/data/iam-catalog-1.txt.gz".into(),
        });
        assert_eq!(round_trip(&what_can), what_can);
        let request = Request::Escalation(crate::analysis::protocol::EscalationRequest {
            job: 3,
            model: crate::analysis::protocol::ModelRef {
                scenario_id: 2,
                scenario_json: Some("{}".into()),
                managed_url: None,
            },
            catalog_url: "https://example.test/data/escalation-paths-1.txt.gz".into(),
        });
        assert_eq!(round_trip(&request), request);
        let diff = Request::Diff(crate::analysis::protocol::DiffRequest {
            job: 5,
            model: crate::analysis::protocol::ModelRef {
                scenario_id: 2,
                scenario_json: None,
                managed_url: None,
            },
            before_json: "{}".into(),
            catalog_url: "https://example.test/data/iam-catalog-1.txt.gz".into(),
        });
        assert_eq!(round_trip(&diff), diff);
    }
}
