//! The messages between the page and the analysis worker (encoded with bincode by
//! gloo-worker).

use iam_engine::eval::Decision;
use serde::{Deserialize, Serialize};

/// What the page asks of the worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Request {
    /// Compute an access matrix (the page cancels a job it no longer wants).
    Matrix(MatrixRequest),
    /// Stop the job `job` if it is still running (answered with [`Response::Cancelled`]).
    Cancel {
        /// The job to stop.
        job: u64,
    },
}

/// An access-matrix query: every principal of the scenario × `actions` on `resource`, with
/// the root-only task columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatrixRequest {
    /// The page's number for this job; every answer carries it.
    pub job: u64,
    /// The page's number for the scenario. The worker keeps the last scenario it was sent, so
    /// a query about the same scenario (another filter, another resource) does not send it
    /// again.
    pub scenario_id: u64,
    /// The scenario as JSON, when the worker does not have `scenario_id` yet.
    pub scenario_json: Option<String>,
    /// Where the AWS-managed policies are (an absolute URL of the page's origin), when the
    /// page has them: the worker fetches and parses its own copy once.
    pub managed_url: Option<String>,
    /// The action columns.
    pub actions: Vec<String>,
    /// The resource of every cell (`*` for any).
    pub resource: String,
}

/// What the worker answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Response {
    /// The next band of rows of `job`, in order.
    Rows {
        /// The job.
        job: u64,
        /// How many rows the whole matrix has.
        total: usize,
        /// The band's rows, cells and errors, as the engine computed them.
        band: Band,
    },
    /// `job` is complete: every row has been sent.
    Done {
        /// The job.
        job: u64,
    },
    /// `job` was stopped before its end.
    Cancelled {
        /// The job.
        job: u64,
    },
    /// `job` could not run; the message says why, in words for the user.
    Failed {
        /// The job.
        job: u64,
        /// Why.
        message: String,
    },
}

impl Response {
    /// The job the answer is about.
    pub fn job(&self) -> u64 {
        match self {
            Response::Rows { job, .. }
            | Response::Done { job }
            | Response::Cancelled { job }
            | Response::Failed { job, .. } => *job,
        }
    }
}

/// A band of consecutive matrix rows, the engine's `MatrixRows` with its decisions packed in a
/// byte each (bincode would spend four on an enum's tag).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Band {
    /// The index of the first row.
    pub first: usize,
    /// How many rows.
    pub rows: usize,
    /// Row-major decisions, one byte each (see [`decision_code`]).
    pub cells: Vec<u8>,
    /// Rows that could not be computed, by row index, with why.
    pub errors: Vec<(usize, String)>,
}

impl From<iam_engine::workbench::matrix::MatrixRows> for Band {
    fn from(rows: iam_engine::workbench::matrix::MatrixRows) -> Band {
        Band {
            first: rows.first,
            rows: rows.rows,
            cells: rows.cells.into_iter().map(decision_code).collect(),
            errors: rows.errors,
        }
    }
}

/// A decision as one byte.
pub fn decision_code(d: Decision) -> u8 {
    match d {
        Decision::Allowed => 0,
        Decision::ExplicitDeny => 1,
        Decision::ImplicitDeny => 2,
    }
}

/// The decision of a byte made by [`decision_code`] (an unknown byte is an implicit deny,
/// the answer when nothing allows).
pub fn decision_of(code: u8) -> Decision {
    match code {
        0 => Decision::Allowed,
        1 => Decision::ExplicitDeny,
        _ => Decision::ImplicitDeny,
    }
}
