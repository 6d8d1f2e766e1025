//! The app's components. Each view has its own module; shared widgets (the policy editor) have
//! theirs.

pub mod after_frame;
pub mod analysis;
pub mod app;
pub mod ask;
pub mod compare;
pub mod drop_import;
pub mod editor;
pub mod embed;
pub mod embed_app;
pub mod embed_code;
pub mod export;
pub mod export_code;
pub mod export_template;
pub mod findings;
pub mod gallery;
pub mod import_progress;
pub mod lazy;
pub mod notice_details;
pub mod on_demand;
pub mod principal_picker;
pub mod scenarios;
pub mod share;
pub mod shell;
pub mod simulator;
pub mod workspace;
