//! Heavy analysis off the main thread.
//!
//! The access matrix of a real account (thousands of principals × hundreds of actions) takes
//! seconds to compute; done on the page, it froze the page for as long. It runs instead in a
//! Web Worker ([`worker::AnalysisWorker`], built by Trunk from `src/worker_main.rs` with the
//! engine in its own wasm): the page sends the query ([`protocol::Request`]), the worker
//! computes a band of rows at a time ([`job::MatrixJob`], over the engine's
//! `compute_matrix_rows`) and posts each band as it is done, so the page shows progress and
//! partial rows, and a newer query or a Cancel stops the running job between bands.
//!
//! The account analysis runs there too: who-can an action at a time, the escalation
//! paths followed by each path's smallest fix, one principal's permissions and the change
//! review between two versions ([`job::WhoCanJob`], [`job::EscalationJob`],
//! [`job::WhatCanJob`], [`job::DiffJob`]), and the scenario's findings, every policy text
//! validated ([`findings`], followed by [`account::use_scenario_findings`]).
//!
//! The page side is [`client::use_matrix`] and [`account::use_who_can`] /
//! [`account::use_escalation`] / [`account::use_what_can`] / [`account::use_diff`]. Where the build ships no worker (the browser tests, which load
//! the app as a library), the same job runs on the page in short slices between tasks, so the
//! answer is the same and still arrives a piece at a time.

pub mod account;
pub mod client;
pub mod export;
pub mod findings;
pub mod import;
pub mod job;
pub mod page_split;
pub mod pieces;
pub mod protocol;
pub mod scenario_json;
pub mod worker;

/// A message as the worker's codec carries it there and back (gloo-worker's bincode), for the
/// protocol's tests beside each job.
#[cfg(test)]
pub(crate) fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned>(value: &T) -> T {
    bincode::deserialize(&bincode::serialize(value).unwrap()).unwrap()
}
