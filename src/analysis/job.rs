//! One access-matrix computation, a band of rows at a time (in the worker, or on the page
//! where there is no worker).

use std::rc::Rc;

use iam_engine::catalog::ManagedPolicies;
use iam_engine::scenario::{PrincipalRef, Scenario};
use iam_engine::workbench::CompileCache;
use iam_engine::workbench::matrix::{
    MatrixColumns, MatrixRows, compute_matrix_rows, matrix_principals,
};

/// How many rows are computed between two looks at the clock.
const ROWS_PER_LOOK: usize = 2;

/// A matrix being computed: every principal of the scenario × the actions, with the root-only
/// task columns.
#[derive(Debug)]
pub struct MatrixJob {
    scenario: Rc<Scenario>,
    managed: Option<Rc<ManagedPolicies>>,
    principals: Vec<PrincipalRef>,
    actions: Vec<String>,
    resource: String,
    columns: MatrixColumns,
    /// The job's own compile cache: the principals share most of their policies.
    cache: CompileCache,
    next: usize,
}

impl MatrixJob {
    /// Prepares the matrix of `scenario`'s principals × `actions` on `resource`.
    pub fn new(
        scenario: Rc<Scenario>,
        managed: Option<Rc<ManagedPolicies>>,
        actions: Vec<String>,
        resource: String,
    ) -> MatrixJob {
        MatrixJob {
            principals: matrix_principals(&scenario),
            columns: MatrixColumns::new(&actions),
            cache: CompileCache::new(),
            scenario,
            managed,
            actions,
            resource,
            next: 0,
        }
    }

    /// How many rows the matrix has.
    pub fn total(&self) -> usize {
        self.principals.len()
    }

    /// Whether every row has been computed.
    pub fn is_done(&self) -> bool {
        self.next >= self.principals.len()
    }

    /// Computes the next rows until `budget_ms` milliseconds have passed by `now` (at least a
    /// few rows, so every call makes progress), and returns them.
    pub fn step(&mut self, budget_ms: f64, now: impl Fn() -> f64) -> MatrixRows {
        let start = now();
        let mut out = MatrixRows {
            first: self.next,
            ..MatrixRows::default()
        };
        while !self.is_done() {
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
            out.errors.extend(band.errors);
            if band.rows == 0 || now() - start >= budget_ms {
                break;
            }
        }
        out
    }
}
