//! The analysis worker's entry point: Trunk builds this binary to its own wasm, loaded in a
//! Web Worker (see `analysis::worker`).

use gloo::worker::Registrable;
use iam_playground_app::analysis::worker::AnalysisWorker;

fn main() {
    AnalysisWorker::registrar().register();
}
