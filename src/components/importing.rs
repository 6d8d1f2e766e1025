//! Import as a new scenario: pasted text or opened files (CloudFormation, authorization details,
//! Terraform, scenario files), for the export view's import box and picker and for files dropped
//! on the page ([`super::drop_import`]).
//!
//! In the split build (`crate::split`) the importers are part of the `export` chunk group: a
//! file opened or dropped before the export view was shown fetches it first
//! ([`import_files`] awaits [`import_as_new_loaded`]).

use std::rc::Rc;

use iam_engine::import::{
    ImportError, ImportOptions, Imported, Skipped, TerraformFile, detect_and_import,
    import_terraform_files, is_terraform_file_name, summarize_skipped,
};
use yew::prelude::*;

use crate::split::LoadFailed;
use crate::store::{Action, DetailGroup, Notice, NoticeDetails, NoticeLevel, StoreHandle};

/// The notice after a successful import: where it came from, then what was left out counted
/// by kind ([`summarize_skipped`]), each kind's items folded in the notice's details.
pub fn import_notice(imported: &Imported, slot: &str) -> Notice {
    let mut text = format!(
        "Imported the {} as the new scenario \"{slot}\".",
        imported.source.describe()
    );
    let groups = summarize_skipped(&imported.skipped);
    if groups.is_empty() {
        text.push_str(" Nothing was left out.");
    } else {
        let kinds = groups
            .iter()
            .map(|g| {
                format!(
                    "{} ({})",
                    g.label.to_lowercase(),
                    crate::text::thousands(g.count)
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        text.push_str(&format!(
            " Left out {} {}: {kinds}.",
            crate::text::thousands(imported.skipped.len()),
            if imported.skipped.len() == 1 {
                "item"
            } else {
                "items"
            },
        ));
    }
    for note in &imported.notes {
        text.push(' ');
        text.push_str(note);
    }
    let details = (!groups.is_empty()).then(|| {
        Rc::new(NoticeDetails {
            groups: groups
                .iter()
                .map(|g| DetailGroup {
                    heading: format!("{} ({})", g.label, crate::text::thousands(g.count)),
                    items: g
                        .items
                        .iter()
                        .filter_map(|&i| imported.skipped.get(i).map(Skipped::sentence))
                        .collect(),
                })
                .collect(),
        })
    });
    Notice {
        level: if imported.skipped.is_empty() {
            NoticeLevel::Info
        } else {
            NoticeLevel::Warning
        },
        text,
        details,
    }
}

/// What the import reads: a pasted text or one opened file, or Terraform configuration files
/// read together.
pub enum ImportInput {
    /// One text, read as whatever it is.
    Text(String),
    /// `.tf` files, each with its name for the places of what is left out.
    Terraform(Vec<TerraformFile>),
}

/// The error of a failed import in words, with its place.
pub fn import_error_text(e: &ImportError) -> String {
    match (&e.file, e.line, e.column) {
        (Some(f), Some(l), Some(c)) => format!("{f}, line {l}, column {c}: {}", e.message),
        (None, Some(l), Some(c)) => format!("Line {l}, column {c}: {}", e.message),
        _ => e.message.clone(),
    }
}

/// Imports `input` (a template, authorization details, Terraform or a scenario file) and opens
/// it as a new scenario named after its title, with the import report as the app's notice; the
/// open scenario stays saved in its slot.
///
/// # Errors
/// The import's error in words, with its place; nothing changes then.
pub fn import_as_new(store: &StoreHandle, input: &ImportInput) -> Result<(), String> {
    let options = ImportOptions {
        account_id: Some(store.scenario.account.id.clone()),
        ..ImportOptions::default()
    };
    let imported = match input {
        ImportInput::Text(text) => detect_and_import(text, &options),
        ImportInput::Terraform(files) => import_terraform_files(files, &options),
    }
    .map_err(|e| import_error_text(&e))?;
    let mut scenario = imported.scenario.clone();
    let base = if scenario.title.trim().is_empty() {
        scenario.title = format!("Imported {}", imported.source.describe());
        scenario.title.clone()
    } else {
        format!("Imported {}", scenario.title)
    };
    let slot = crate::storage::unique_slot_name(&base);
    crate::storage::open_as_new(store, scenario, &base);
    store.dispatch(Action::SetNotice(Some(import_notice(&imported, &slot))));
    Ok(())
}

/// A file's text is put back in the import box, for the user to read and fix at the error's
/// place, only up to this many bytes: a textarea holding a real account's 40 MB makes typing
/// anywhere on the page slow.
pub const SHOWN_TEXT_MAX: usize = 1_000_000;

/// How reading and importing a file ended.
#[derive(Debug, Clone, PartialEq)]
pub enum FileImport {
    /// It opened as a new scenario; its text when small enough to show ([`SHOWN_TEXT_MAX`]).
    Done {
        /// The file's text, when small enough to show.
        shown_text: Option<String>,
    },
    /// It could not be read or imported; nothing changed.
    Failed {
        /// Why, naming the file.
        message: String,
        /// The file's text, when it was read and is small enough to show.
        shown_text: Option<String>,
    },
}

/// Reads `files` and imports them as a new scenario ([`import_as_new`]), then tells `done` how
/// it went: one file of any kind, or several Terraform configuration files (`.tf`) read
/// together. Files over the import limit are refused before they are read. Shared by the file
/// picker and the drop zone over the whole page.
pub fn import_files(store: StoreHandle, files: Vec<web_sys::File>, done: Callback<FileImport>) {
    let failed = |message: String| FileImport::Failed {
        message,
        shown_text: None,
    };
    if files.is_empty() {
        return;
    }
    let terraform = files.iter().all(|f| is_terraform_file_name(&f.name()));
    if files.len() > 1 && !terraform {
        done.emit(failed(
            "Open one file, or several Terraform configuration files (.tf) to read together."
                .to_owned(),
        ));
        return;
    }
    let name = match files.as_slice() {
        [one] => one.name(),
        _ => format!("The {} files", files.len()),
    };
    let max = iam_engine::import::MAX_IMPORT_BYTES;
    let total: f64 = files.iter().map(|f| f.size()).sum();
    if total > max as f64 {
        done.emit(failed(format!(
            "{name} {} too large to import: {}, and the playground reads at most {} MiB.",
            if files.len() == 1 { "is" } else { "are" },
            crate::text::megabytes(total),
            max >> 20
        )));
        return;
    }
    wasm_bindgen_futures::spawn_local(async move {
        let mut read = Vec::with_capacity(files.len());
        for file in &files {
            match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                Ok(value) => read.push(TerraformFile {
                    name: file.name(),
                    text: value.as_string().unwrap_or_default(),
                }),
                Err(_) => {
                    done.emit(failed(format!("{} could not be read.", file.name())));
                    return;
                }
            }
        }
        let size: usize = read.iter().map(|f| f.text.len()).sum();
        let announced = size > SHOWN_TEXT_MAX;
        if announced {
            // A real account takes a moment: say so, and let the page paint it first.
            store.dispatch(Action::SetNotice(Some(Notice {
                level: NoticeLevel::Info,
                text: format!(
                    "Importing {name} ({})…",
                    crate::text::megabytes(size as f64)
                ),
                details: None,
            })));
            gloo::timers::future::TimeoutFuture::new(40).await;
        }
        let shown_text = match read.as_slice() {
            [one] if one.text.len() <= SHOWN_TEXT_MAX => Some(one.text.clone()),
            _ => None,
        };
        let input = if terraform {
            ImportInput::Terraform(read)
        } else {
            ImportInput::Text(read.pop().map(|f| f.text).unwrap_or_default())
        };
        // The importers (YAML, HCL, CloudFormation, Terraform) are a chunk of the split build,
        // fetched with the first file.
        let outcome = import_as_new_loaded(&store, &input).await;
        if announced && outcome.is_err() {
            store.dispatch(Action::SetNotice(None));
        }
        done.emit(match outcome {
            Ok(()) => FileImport::Done { shown_text },
            Err(e) => FileImport::Failed {
                message: if terraform { e } else { format!("{name}: {e}") },
                shown_text,
            },
        });
    });
}

/// [`import_as_new`], in the split build after fetching its chunk (a failed fetch is an error
/// the user can retry).
pub async fn import_as_new_loaded(store: &StoreHandle, input: &ImportInput) -> Result<(), String> {
    loader::import(store, input)
        .await
        .unwrap_or_else(|LoadFailed| {
            Err("The importer could not be loaded. Check the connection and try again.".to_owned())
        })
}

#[cfg(not(feature = "split"))]
mod loader {
    use super::*;

    pub async fn import(
        store: &StoreHandle,
        input: &ImportInput,
    ) -> Result<Result<(), String>, LoadFailed> {
        Ok(import_as_new(store, input))
    }
}

#[cfg(feature = "split")]
#[allow(unsafe_code)] // A split point is an extern import and export (see crate::split).
mod loader {
    use wasm_split_helpers::wasm_split;

    use super::*;

    #[wasm_split(export, fallible)]
    pub fn import(
        store: &StoreHandle,
        input: &ImportInput,
    ) -> Result<Result<(), String>, LoadFailed> {
        Ok(import_as_new(store, input))
    }
}
