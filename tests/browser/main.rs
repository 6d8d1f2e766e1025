//! The app's browser tests, run by wasm-bindgen-test in headless Chromium: one test binary
//! with a module per part of the app, so the test command links, binds and opens a browser
//! once instead of once per file.
//!
//! The tests share one page: asynchronous tests may interleave at their await points, and
//! everything they mount stays in the document. Tests that read or write `localStorage` or the
//! fragment take [`common::clean_start`] first, which serialises them and clears both.
#![cfg(target_arch = "wasm32")]
// A failed lookup in a test should fail the test loudly; clippy only knows `#[test]` functions.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod common;

mod analysis;
mod analysis_view;
mod compare_view;
mod denied;
mod editor;
mod export_view;
mod findings;
mod inspector;
mod shell;
mod simulator;
mod storage;
mod workspace;
mod workspace_window;
