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
//! page ([`super::drop_import`]); both go through [`import_files`].

use std::rc::Rc;

use iam_engine::catalog::ManagedPolicies;
use iam_engine::import::{
    ImportError, ImportOptions, Imported, Skipped, TerraformFile, detect_and_import,
    import_terraform_files, is_terraform_file_name, summarize_skipped,
};
use iam_engine::workbench::{CompileCache, Workbench};
use yew::prelude::*;

use crate::components::export_code::{CodeLang, code_view};
use crate::components::export_template::TemplatePanel;
use crate::data::Loadable;
use crate::store::{Action, DetailGroup, Notice, NoticeDetails, NoticeLevel, StoreHandle, View};

pub use crate::components::export_code::{download, file_name};

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
        // The importers (YAML, HCL, CloudFormation, Terraform) are a chunk of their own in the
        // release build (crate::lazy), fetched with the first file.
        let outcome = crate::lazy::import_as_new(&store, &input).await;
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
            match import_as_new(&store, &ImportInput::Text((*import_text).clone())) {
                Ok(()) => import_error.set(None),
                Err(e) => import_error.set(Some(e)),
            }
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
