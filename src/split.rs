//! Code splitting of the release build: what the split points share.
//!
//! In the release build of the app (`cfg(split_build)`: index.html asks Trunk for the cargo
//! feature `split`, and build.rs turns it on only for an optimised wasm32 build, which
//! `scripts/split_build.py` then splits), a few functions are split points: each is a
//! `#[wasm_split(group)]` function (crate `wasm_split_helpers`), and `wasm-split-cli` moves it,
//! with the code only that group reaches, into the group's wasm chunk, which is fetched the first
//! time one of its functions is called. The split points are the views
//! ([`crate::components::lazy`]) and, for pages without workers, the analysis, the importers
//! and the template writers ([`crate::analysis::page_split`]). Elsewhere (debug builds,
//! `trunk serve`, the tests) they are plain calls that never fail.
//!
//! A split point is an extern import and export, so the app crate denies `unsafe_code` instead
//! of forbidding it, and only the modules holding split points allow it.

/// A split point's chunk could not be fetched or started (the browser console has the cause).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadFailed;

#[cfg(split_build)]
impl From<wasm_split_helpers::SplitLoaderError> for LoadFailed {
    fn from(_: wasm_split_helpers::SplitLoaderError) -> Self {
        LoadFailed
    }
}
