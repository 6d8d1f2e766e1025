//! The pure-Rust core of the IAM policy playground.
//!
//! Everything the playground knows about AWS access control lives here: policy parsing with
//! spans, validation, evaluation with reasons, the action catalog, the scenario model and the
//! exports. The crate has no web dependencies, performs no I/O, reads no clock and draws no
//! random numbers, so it builds natively and for `wasm32-unknown-unknown` and every result is
//! a pure function of its inputs.
#![deny(clippy::indexing_slicing)]

pub mod catalog;
pub mod condition;
pub mod context;
/// "Why was I denied?": AccessDenied messages, decoded authorization messages and CloudTrail
/// events read back into the request they describe.
pub mod denied;
pub mod diagnostic;
/// Editor support: highlighting tokens, autocomplete, format document and span-preserving edits.
pub mod editing;
pub mod eval;
/// Exports of a scenario to run against a real account: CloudFormation templates.
pub mod export;
pub mod import;
pub mod json;
pub mod matching;
pub mod policy;
pub mod root_tasks;
/// The scenario model (one account with its identities, policies, resources and saved tests),
/// its versioned JSON format, editing operations, findings and the examples gallery.
pub mod scenario;
pub mod share;
pub mod simulate;
pub mod span;
/// Policy validation: Access Analyzer-grade findings, offline.
pub mod validate;
pub mod variables;
/// The use cases over a scenario: the simulator's request and its answer, the saved-test
/// runs, the access matrix, findings and the AWS CLI input, behind one facade.
pub mod workbench;

/// The engine's version, shown in the app's footer and by `iam-playground --version`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
