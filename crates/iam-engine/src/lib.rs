//! The pure-Rust core of the IAM policy playground.
//!
//! Everything the playground knows about AWS access control lives here: policy parsing with
//! spans, validation, evaluation with reasons, the action catalog, the scenario model and the
//! exports. The crate has no web dependencies, performs no I/O, reads no clock and draws no
//! random numbers, so it builds natively and for `wasm32-unknown-unknown` and every result is
//! a pure function of its inputs.
#![deny(clippy::indexing_slicing)]

pub mod catalog;
pub mod root_tasks;
pub mod span;

/// The engine's version, shown in the app's footer and by `iam-playground --version`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
