//! The export and import view: CloudFormation templates, Terraform configurations and account
//! authorization details.
//!
//! Export: the scenario as a CloudFormation template in YAML or JSON or as a Terraform
//! configuration, in its own panel ([`super::export_template::TemplatePanel`]). Below it, the `aws iam simulate-custom-policy
//! --cli-input-json` input for the simulator's current request
//! ([`iam_engine::workbench::cli_input`]), so the user can ask AWS the same question.
//!
//! Import: paste or open a template, authorization details, Terraform (a plan or state from
//! `terraform show -json`, or a `.tf` configuration file) or a scenario file
//! ([`iam_engine::import::detect_and_import`]; the notice says which it read). A good text opens as a new scenario (the open
//! one stays saved in its slot) and a notice lists what was left out; a bad one shows the
//! error at its line and column and changes nothing. A file can also be dropped anywhere on the
//! page ([`super::drop_import`]); both go through [`import_files`]. The text is read in the
//! analysis worker ([`crate::analysis::import`]), so a real account's import is no long task
//! of the page; a large file's progress shows with a Cancel button
//! ([`super::import_progress`]).

use std::rc::Rc;

use iam_engine::catalog::ManagedPolicies;
use iam_engine::import::{is_terraform_file_name, summarize_skipped};
use iam_engine::workbench::{CompileCache, Workbench};
use yew::prelude::*;

use crate::analysis::client::{ImportEvent, client};
use crate::analysis::import::ImportSummary;
use crate::components::export_code::{CodeLang, code_view};
use crate::components::export_template::TemplatePanel;
use crate::components::import_progress;
use crate::data::Loadable;
use crate::store::{Action, DetailGroup, Notice, NoticeDetails, NoticeLevel, StoreHandle, View};

pub use crate::analysis::import::{ImportInput, NamedText, import_error_text};
use crate::analysis::import::{PART_BYTES, char_boundary, decode};
pub use crate::components::export_code::{download, file_name};

/// The notice after a successful import: where it came from, then what was left out counted
/// by kind ([`summarize_skipped`]), each kind's items folded in the notice's details.
pub fn import_notice(imported: &ImportSummary, slot: &str) -> Notice {
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
                        .filter_map(|&i| imported.skipped.get(i).map(|s| s.sentence()))
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

/// How an import ended.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportOutcome {
    /// It opened as a new scenario.
    Opened,
    /// It could not be imported (why, in words, with the place); nothing changed.
    Failed(String),
    /// The user cancelled it (or started another); nothing changed.
    Cancelled,
}

/// Imports `input` (a template, authorization details, Terraform or a scenario file) and opens
/// it as a new scenario named after its title, with the import report as the app's notice; the
/// open scenario stays saved in its slot. The text is read in the analysis worker (on the page
/// where there is none) and the scenario arrives a piece per task; an input named by `label`
/// (a large file) shows its progress with a Cancel button ([`import_progress`]). `done` hears
/// how it ended. Returns the import's job (whose parts follow, for [`ImportInput::Parts`]).
pub fn import_as_new(
    store: &StoreHandle,
    input: ImportInput,
    label: Option<String>,
    done: Callback<ImportOutcome>,
) -> u64 {
    let account_id = Some(store.scenario.account.id.clone());
    let shown = label.is_some();
    let store = store.clone();
    let job = Rc::new(std::cell::Cell::new(0u64));
    let listener = {
        let job = Rc::clone(&job);
        Callback::from(move |event: ImportEvent| {
            let id = job.get();
            match event {
                ImportEvent::Read { total } => import_progress::advance(id, 0, total),
                ImportEvent::Progress { received, total } => {
                    import_progress::advance(id, received, total);
                }
                ImportEvent::Done { scenario, summary } => {
                    if shown && !import_progress::is_current(id) {
                        // Cancelled after its last piece was on its way.
                        done.emit(ImportOutcome::Cancelled);
                        return;
                    }
                    import_progress::end(id);
                    let slot = crate::storage::unique_slot_name(&summary.slot_base);
                    crate::storage::open_imported(&store, scenario, &summary.slot_base);
                    store.dispatch(Action::SetNotice(Some(import_notice(&summary, &slot))));
                    done.emit(ImportOutcome::Opened);
                }
                ImportEvent::Failed(message) => {
                    import_progress::end(id);
                    done.emit(ImportOutcome::Failed(message));
                }
                ImportEvent::Cancelled => {
                    import_progress::end(id);
                    done.emit(ImportOutcome::Cancelled);
                }
            }
        })
    };
    let id = client().import(input, account_id, listener);
    job.set(id);
    if let Some(label) = label {
        import_progress::begin(id, label);
    }
    id
}

/// Reads `file` a part at a time ([`PART_BYTES`]), each part decoded and sent to the worker in
/// a task of its own, for import `job`; stops when the import is cancelled. Returns why the
/// file could not be read, if it could not.
async fn send_parts(file: &web_sys::File, job: u64) -> Result<(), String> {
    let size = file.size();
    let mut carry: Vec<u8> = Vec::new();
    let mut start = 0.0;
    loop {
        let end = (start + PART_BYTES as f64).min(size);
        let last = end >= size;
        let part = file
            .slice_with_f64_and_f64(start, end)
            .map_err(|_| format!("{} could not be read.", file.name()))?;
        let buffer = wasm_bindgen_futures::JsFuture::from(part.array_buffer())
            .await
            .map_err(|_| format!("{} could not be read.", file.name()))?;
        if !import_progress::is_current(job) {
            return Ok(());
        }
        // Straight into the bytes carried over (no copy of the part of its own).
        let bytes = js_sys::Uint8Array::new(&buffer);
        let at = carry.len();
        carry.resize(at + bytes.length() as usize, 0);
        if let Some(tail) = carry.get_mut(at..) {
            bytes.copy_to(tail);
        }
        let cut = if last {
            carry.len()
        } else {
            char_boundary(&carry)
        };
        let rest = carry.split_off(cut);
        let text = decode(std::mem::replace(&mut carry, rest));
        client().import_part(job, text, last);
        if last {
            return Ok(());
        }
        start = end;
    }
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
    /// The user cancelled it; nothing changed.
    Cancelled,
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
    let streamed =
        !terraform && total > SHOWN_TEXT_MAX as f64 && crate::analysis::client::uses_worker();
    if let ([file], true) = (files.as_slice(), streamed) {
        // A real account's file: read, decoded and sent to the worker a part at a time, so
        // that no task of the page holds all of it.
        let file = file.clone();
        let label = format!("{name} ({})", crate::text::megabytes(total));
        let on_done = {
            let done = done.clone();
            let name = name.clone();
            Callback::from(move |outcome| {
                done.emit(match outcome {
                    ImportOutcome::Opened => FileImport::Done { shown_text: None },
                    ImportOutcome::Failed(e) => FileImport::Failed {
                        message: format!("{name}: {e}"),
                        shown_text: None,
                    },
                    ImportOutcome::Cancelled => FileImport::Cancelled,
                });
            })
        };
        let bytes = file.size() as u64;
        let job = import_as_new(&store, ImportInput::Parts { bytes }, Some(label), on_done);
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(message) = send_parts(&file, job).await {
                if import_progress::is_current(job) {
                    import_progress::cancel();
                }
                done.emit(FileImport::Failed {
                    message,
                    shown_text: None,
                });
            }
        });
        return;
    }
    wasm_bindgen_futures::spawn_local(async move {
        let mut read = Vec::with_capacity(files.len());
        for file in &files {
            match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                Ok(value) => read.push(NamedText {
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
        // A real account takes a moment: its progress is shown, with a Cancel button.
        let label = (size > SHOWN_TEXT_MAX).then(|| {
            format!(
                "{} ({})",
                match read.as_slice() {
                    [one] => one.name.clone(),
                    _ => format!("{} files", read.len()),
                },
                crate::text::megabytes(size as f64)
            )
        });
        let shown_text = match read.as_slice() {
            [one] if one.text.len() <= SHOWN_TEXT_MAX => Some(one.text.clone()),
            _ => None,
        };
        let input = if terraform {
            ImportInput::Terraform(read)
        } else {
            ImportInput::Text(read.pop().map(|f| f.text).unwrap_or_default())
        };
        import_as_new(
            &store,
            input,
            label,
            Callback::from(move |outcome| {
                done.emit(match outcome {
                    ImportOutcome::Opened => FileImport::Done {
                        shown_text: shown_text.clone(),
                    },
                    ImportOutcome::Failed(e) => FileImport::Failed {
                        message: if terraform { e } else { format!("{name}: {e}") },
                        shown_text: shown_text.clone(),
                    },
                    ImportOutcome::Cancelled => FileImport::Cancelled,
                });
            }),
        );
    });
}

/// The export and import view.
#[component]
pub fn ExportView() -> Html {
    let store = crate::store::use_store();
    let managed = use_context::<Loadable<ManagedPolicies>>().unwrap_or_default();
    let cli_status = use_state(String::new);
    let import_text = use_state(String::new);
    let import_error = use_state(|| None::<String>);
    let cli_ref = use_node_ref();

    let Some(store) = store else {
        return html! {};
    };
    let revision = store.revision;
    let managed = match &managed {
        Loadable::Ready(m) => Some(Rc::clone(m)),
        _ => None,
    };
    // The export view asks once per render; a cache of its own suffices.
    let cache = CompileCache::new();
    let workbench = Workbench::new(&store.scenario, &cache).with_managed(managed.as_deref());
    // The simulator's question, or the one it opens with when it has not been visited yet.
    let request = workbench.current_request(&store.request);
    let cli_section = if request.action.trim().is_empty() {
        let open_simulator = {
            let store = store.clone();
            Callback::from(move |_| store.dispatch(Action::SetView(View::Simulate)))
        };
        html! {
            <p class="muted export-cli-empty" role="status">
                { "The simulator has no request yet. " }
                <button type="button" class="btn btn-quiet export-open-simulator" onclick={open_simulator}>
                    { "Open the Simulator" }
                </button>
                { " to choose a principal, an action and a resource; their simulate-custom-policy input appears here." }
            </p>
        }
    } else {
        match workbench.cli_input(&request) {
            Ok(input) => {
                let on_copy = {
                    let json = input.json.clone();
                    let code = cli_ref.clone();
                    let status = cli_status.clone();
                    Callback::from(move |_| {
                        crate::clipboard::copy_text(json.clone(), code.clone(), status.clone())
                    })
                };
                let notes = input
                    .notes
                    .iter()
                    .map(|n| html! { <li>{ n.clone() }</li> })
                    .collect::<Html>();
                let wildcard = request.action.contains('*').then(|| html! {
                    <p class="export-note">{ "AWS's simulator expects an exact action name: replace the wildcard with one action before running it." }</p>
                });
                html! {
                    <>
                        <p>
                            { "Save this as request.json and run " }
                            <code>{ "aws iam simulate-custom-policy --cli-input-json file://request.json" }</code>
                            { " to ask AWS the simulator's question: " }
                            <strong>{ format!("{} {} on {}", request.principal, request.action, if request.resource.trim().is_empty() { "*" } else { request.resource.trim() }) }</strong>
                            { "." }
                        </p>
                        { wildcard }
                        <div class="export-actions">
                            <button type="button" class="btn export-cli-copy" onclick={on_copy}>{ "Copy input JSON" }</button>
                            <span class="export-status" role="status">{ (*cli_status).clone() }</span>
                        </div>
                        <pre class="export-code export-cli" tabindex="0" ref={cli_ref.clone()}
                            aria-label="simulate-custom-policy input JSON"><code>{ code_view(&input.json, CodeLang::Json) }</code></pre>
                        if !input.notes.is_empty() {
                            <ul class="export-cli-notes">{ notes }</ul>
                        }
                    </>
                }
            }
            Err(e) => html! {
                <p class="field-error" role="alert">{ format!("The simulator's request cannot be turned into AWS's input: {}", e.message) }</p>
            },
        }
    };

    // Import: the button imports the pasted text; the file picker one file of any kind, or
    // several Terraform configuration files read together.
    let on_import_input = {
        let import_text = import_text.clone();
        let import_error = import_error.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(area) = e.target_dyn_into::<web_sys::HtmlTextAreaElement>() {
                import_text.set(area.value());
                import_error.set(None);
            }
        })
    };
    let on_import = {
        let store = store.clone();
        let import_text = import_text.clone();
        let import_error = import_error.clone();
        Callback::from(move |_| {
            let import_error = import_error.clone();
            let text = (*import_text).clone();
            let label = (text.len() > SHOWN_TEXT_MAX).then(|| {
                format!(
                    "the pasted text ({})",
                    crate::text::megabytes(text.len() as f64)
                )
            });
            import_as_new(
                &store,
                ImportInput::Text(text),
                label,
                Callback::from(move |outcome| match outcome {
                    ImportOutcome::Opened | ImportOutcome::Cancelled => import_error.set(None),
                    ImportOutcome::Failed(e) => import_error.set(Some(e)),
                }),
            );
        })
    };
    let on_file = {
        let store = store.clone();
        let import_text = import_text.clone();
        let import_error = import_error.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() else {
                return;
            };
            let Some(list) = input.files() else {
                return;
            };
            let files: Vec<web_sys::File> =
                (0..list.length()).filter_map(|i| list.get(i)).collect();
            input.set_value("");
            let import_text = import_text.clone();
            let import_error = import_error.clone();
            import_files(
                store.clone(),
                files,
                Callback::from(move |outcome: FileImport| match outcome {
                    FileImport::Done { shown_text } => {
                        import_error.set(None);
                        import_text.set(shown_text.unwrap_or_default());
                    }
                    FileImport::Failed {
                        message,
                        shown_text,
                    } => {
                        import_error.set(Some(message));
                        if let Some(text) = shown_text {
                            import_text.set(text);
                        }
                    }
                    FileImport::Cancelled => import_error.set(None),
                }),
            );
        })
    };
    let error = (*import_error).clone();

    html! {
        <section class="export-view" aria-labelledby="export-title">
            <h2 id="export-title">{ "Export and import" }</h2>
            <TemplatePanel scenario={Rc::clone(&store.scenario)} {revision} slot={store.slot.clone()} />
            <div class="export-panel">
                <h3>{ "Check the answer with AWS" }</h3>
                { cli_section }
            </div>
            <div class="export-panel export-import">
                <h3>{ "Import" }</h3>
                <p class="muted">
                    { "Paste or open a CloudFormation template (YAML or JSON), the output of " }
                    <code>{ "aws iam get-account-authorization-details" }</code>
                    { ", Terraform (a plan or state from " }
                    <code>{ "terraform show -json" }</code>
                    { ", or .tf files: pick several to read them together), or a scenario file. It opens as a new scenario; your current one stays saved. Everything is read in this browser." }
                </p>
                <textarea class="export-import-text" aria-label="Template, authorization details or Terraform to import"
                    rows="8" spellcheck="false" value={(*import_text).clone()} oninput={on_import_input}
                    aria-invalid={error.is_some().to_string()}
                    aria-describedby={error.is_some().then_some("export-import-error")} />
                if let Some(message) = error {
                    <p id="export-import-error" class="field-error export-import-error" role="alert">{ message }</p>
                }
                <div class="export-actions">
                    <button type="button" class="btn btn-primary export-import-run" onclick={on_import}
                        disabled={import_text.trim().is_empty()}>{ "Import as a new scenario" }</button>
                    <label class="btn export-file">
                        { "Open a file…" }
                        <input type="file" class="export-file-input" accept=".yaml,.yml,.json,.template,.txt,.tf" multiple=true
                            onchange={on_file} />
                    </label>
                </div>
            </div>
        </section>
    }
}
