//! The app's components, one small file each.

pub mod app;
pub mod ask;
pub mod gallery;
pub mod shell;
