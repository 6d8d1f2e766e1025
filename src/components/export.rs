//! The export and import view: CloudFormation templates and account authorization details.
//!
//! Export: the scenario as a CloudFormation template ([`iam_engine::export::cloudformation`])
//! in YAML or JSON, shown read-only and coloured by the engine's tokens
//! ([`iam_engine::editing::tokens`]), with Copy and Download, and the engine's list of what the
//! template leaves out ([`iam_engine::export::left_out`], the same sentences as its `Metadata`). Below it, the `aws iam simulate-custom-policy
//! --cli-input-json` input for the simulator's current request
//! ([`iam_engine::workbench::cli_input`]), so the user can ask AWS the same question.
//!
//! Import: paste or open a template, authorization details or a scenario file
//! ([`iam_engine::import::detect_and_import`]). A good text opens as a new scenario (the open
//! one stays saved in its slot) and a notice lists what was left out; a bad one shows the
//! error at its line and column and changes nothing.

use std::rc::Rc;

use iam_engine::catalog::ManagedPolicies;
use iam_engine::editing::tokens::{TokenKind, mark_functions, tokenize, tokenize_yaml};
use iam_engine::export::{Format, cloudformation, left_out};
use iam_engine::import::{
    ImportError, ImportOptions, Imported, Skipped, detect_and_import, summarize_skipped,
};
use iam_engine::scenario::Scenario;
use iam_engine::workbench::{CompileCache, Workbench};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::data::Loadable;
use crate::store::{Action, DetailGroup, Notice, NoticeDetails, NoticeLevel, StoreHandle, View};

/// Templates longer than this are shown without colouring: one `<span>` per token of a
/// megabyte template would make the page sluggish, and plain text reads the same.
pub const HIGHLIGHT_LIMIT: usize = 200_000;

/// The export's colour class of a token (the editor's token kinds, folded into the few colours a
/// template needs); `None` for text shown as is (punctuation).
fn token_class(kind: TokenKind) -> Option<&'static str> {
    match kind {
        TokenKind::Key => Some("tok-key"),
        TokenKind::Function => Some("tok-fn"),
        TokenKind::String => Some("tok-string"),
        TokenKind::Number | TokenKind::Keyword => Some("tok-literal"),
        TokenKind::Comment => Some("tok-comment"),
        TokenKind::Punctuation | TokenKind::Invalid => None,
    }
}

/// The coloured code view of a template or JSON text, from the engine's tokens.
fn code_view(text: &str, json: bool) -> Html {
    if text.len() > HIGHLIGHT_LIMIT {
        return html! { { text.to_owned() } };
    }
    let tokens = if json {
        let mut tokens = tokenize(text);
        mark_functions(text, &mut tokens);
        tokens
    } else {
        tokenize_yaml(text)
    };
    let mut out: Vec<Html> = Vec::with_capacity(tokens.len() * 2 + 1);
    let mut plain = 0;
    for token in tokens {
        let Some(class) = token_class(token.kind) else {
            continue;
        };
        if let Some(between) = text.get(plain..token.span.start).filter(|t| !t.is_empty()) {
            out.push(html! { { between.to_owned() } });
        }
        out.push(html! { <span class={class}>{ token.span.slice(text).to_owned() }</span> });
        plain = token.span.end;
    }
    if let Some(tail) = text.get(plain..).filter(|t| !t.is_empty()) {
        out.push(html! { { tail.to_owned() } });
    }
    out.into_iter().collect()
}

/// A file name for the scenario: its title (or slot) with anything but letters, digits, `-`,
/// `_` and `.` turned into `-`.
pub fn file_name(title: &str, slot: &str, extension: &str) -> String {
    let base = if title.trim().is_empty() { slot } else { title };
    let mut name: String = base
        .trim()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    while name.contains("--") {
        name = name.replace("--", "-");
    }
    let name = name.trim_matches(['-', '.']);
    let name = if name.is_empty() { "scenario" } else { name };
    let name: String = name.chars().take(100).collect();
    format!("{name}.{extension}")
}

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
                    "{} {}",
                    crate::text::thousands(g.count),
                    g.label.to_lowercase()
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

/// The error of a failed import in words, with its place.
pub fn import_error_text(e: &ImportError) -> String {
    match (e.line, e.column) {
        (Some(l), Some(c)) => format!("Line {l}, column {c}: {}", e.message),
        _ => e.message.clone(),
    }
}

/// Imports `text` (a template, authorization details or a scenario file) and opens it as a new
/// scenario named after its title, with the import report as the app's notice; the open
/// scenario stays saved in its slot.
///
/// # Errors
/// The import's error in words, with its place; nothing changes then.
pub fn import_as_new(store: &StoreHandle, text: &str) -> Result<(), String> {
    let options = ImportOptions {
        account_id: Some(store.scenario.account.id.clone()),
        ..ImportOptions::default()
    };
    let imported = detect_and_import(text, &options).map_err(|e| import_error_text(&e))?;
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

/// Reads `file` and imports it as a new scenario ([`import_as_new`]), then tells `done` how it
/// went. A file over the import limit is refused before it is read. Shared by the file picker
/// and the drop zone over the whole page.
pub fn import_file(store: StoreHandle, file: web_sys::File, done: Callback<FileImport>) {
    let name = file.name();
    let max = iam_engine::import::MAX_IMPORT_BYTES;
    if file.size() > max as f64 {
        done.emit(FileImport::Failed {
            message: format!(
                "{name} is too large to import: it is {}, and the playground reads at most {} MiB.",
                crate::text::megabytes(file.size()),
                max >> 20
            ),
            shown_text: None,
        });
        return;
    }
    wasm_bindgen_futures::spawn_local(async move {
        let text = match wasm_bindgen_futures::JsFuture::from(file.text()).await {
            Ok(value) => value.as_string().unwrap_or_default(),
            Err(_) => {
                done.emit(FileImport::Failed {
                    message: format!("{name} could not be read."),
                    shown_text: None,
                });
                return;
            }
        };
        let announced = text.len() > SHOWN_TEXT_MAX;
        if announced {
            // A real account takes a moment: say so, and let the page paint it first.
            store.dispatch(Action::SetNotice(Some(Notice {
                level: NoticeLevel::Info,
                text: format!(
                    "Importing {name} ({})…",
                    crate::text::megabytes(text.len() as f64)
                ),
                details: None,
            })));
            gloo::timers::future::TimeoutFuture::new(40).await;
        }
        let outcome = import_as_new(&store, &text);
        if announced && outcome.is_err() {
            store.dispatch(Action::SetNotice(None));
        }
        let shown_text = (text.len() <= SHOWN_TEXT_MAX).then_some(text);
        done.emit(match outcome {
            Ok(()) => FileImport::Done { shown_text },
            Err(e) => FileImport::Failed {
                message: format!("{name}: {e}"),
                shown_text,
            },
        });
    });
}

/// Offers `text` as a file download named `name`.
pub fn download(text: &str, name: &str, mime: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| "the browser could not build the file".to_owned())?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|_| "the browser could not build the file".to_owned())?;
    let document = gloo::utils::document();
    let anchor = document
        .create_element("a")
        .map_err(|_| "the browser could not start the download".to_owned())?
        .unchecked_into::<web_sys::HtmlAnchorElement>();
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.set_class_name("export-download-link");
    let body = document.body();
    if let Some(body) = &body {
        let _ = body.append_child(&anchor);
    }
    anchor.click();
    anchor.remove();
    // The download has started from the URL; release it a moment later.
    gloo::timers::callback::Timeout::new(1_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}

/// The export and import view.
#[component]
pub fn ExportView() -> Html {
    let store = crate::store::use_store();
    let managed = use_context::<Loadable<ManagedPolicies>>().unwrap_or_default();
    let format = use_state(|| Format::Yaml);
    let copy_status = use_state(String::new);
    let cli_status = use_state(String::new);
    let import_text = use_state(String::new);
    let import_error = use_state(|| None::<String>);
    let code_ref = use_node_ref();
    let cli_ref = use_node_ref();

    let revision = store.as_ref().map_or(0, |s| s.revision);
    let scenario = store.as_ref().map_or_else(
        || Rc::new(Scenario::new("111122223333")),
        |s| Rc::clone(&s.scenario),
    );
    let template = use_memo((revision, *format), {
        let scenario = Rc::clone(&scenario);
        move |(_, format)| cloudformation(&scenario, *format)
    });
    let Some(store) = store else {
        return html! {};
    };
    let is_json = *format == Format::Json;
    let extension = if is_json { "json" } else { "yaml" };

    let format_buttons = [(Format::Yaml, "YAML"), (Format::Json, "JSON")]
        .into_iter()
        .map(|(f, label)| {
            let pressed = *format == f;
            let onclick = {
                let format = format.clone();
                let copy_status = copy_status.clone();
                Callback::from(move |_| {
                    format.set(f);
                    copy_status.set(String::new());
                })
            };
            html! {
                <button type="button" class={classes!("btn", pressed.then_some("btn-primary"))}
                    aria-pressed={pressed.to_string()} data-format={label.to_lowercase()} {onclick}>
                    { label }
                </button>
            }
        })
        .collect::<Html>();

    let template_section = match &*template {
        Ok(text) => {
            let on_copy = {
                let text = text.clone();
                let code = code_ref.clone();
                let status = copy_status.clone();
                Callback::from(move |_| {
                    crate::clipboard::copy_text(text.clone(), code.clone(), status.clone())
                })
            };
            let on_download = {
                let text = text.clone();
                let name = file_name(&store.scenario.title, &store.slot, extension);
                let status = copy_status.clone();
                let mime = if is_json {
                    "application/json"
                } else {
                    "application/yaml"
                };
                Callback::from(move |_| match download(&text, &name, mime) {
                    Ok(()) => status.set(format!("Downloading {name}.")),
                    Err(e) => status.set(format!("Download failed: {e}.")),
                })
            };
            html! {
                <>
                    <div class="export-actions">
                        <button type="button" class="btn export-copy" onclick={on_copy}>{ "Copy" }</button>
                        <button type="button" class="btn export-download" onclick={on_download}>
                            { format!("Download .{extension}") }
                        </button>
                        <span class="export-status" role="status">{ (*copy_status).clone() }</span>
                    </div>
                    <pre class="export-code" tabindex="0" ref={code_ref.clone()}
                        aria-label={format!("CloudFormation template ({})", extension.to_uppercase())}
                        data-format={extension}><code>{ code_view(text, is_json) }</code></pre>
                </>
            }
        }
        Err(e) => html! {
            <p class="field-error export-error" role="alert">
                { format!("This scenario cannot be exported: {}", e.message) }
                { e.line.map(|l| format!(" (line {l}, column {})", e.column.unwrap_or(1))).unwrap_or_default() }
            </p>
        },
    };

    let left_out_items = left_out(&store.scenario)
        .into_iter()
        .map(|item| html! { <li>{ item.sentence }</li> })
        .collect::<Html>();

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
                            aria-label="simulate-custom-policy input JSON"><code>{ code_view(&input.json, true) }</code></pre>
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

    // Import: shared by the button (pasted text) and the file picker (the file's text).
    let run_import = {
        let store = store.clone();
        let import_error = import_error.clone();
        Rc::new(move |text: String| match import_as_new(&store, &text) {
            Ok(()) => import_error.set(None),
            Err(e) => import_error.set(Some(e)),
        })
    };
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
        let import_text = import_text.clone();
        let run_import = Rc::clone(&run_import);
        Callback::from(move |_| run_import((*import_text).clone()))
    };
    let on_file = {
        let store = store.clone();
        let import_text = import_text.clone();
        let import_error = import_error.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() else {
                return;
            };
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            input.set_value("");
            let import_text = import_text.clone();
            let import_error = import_error.clone();
            import_file(
                store.clone(),
                file,
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
            <div class="export-panel">
                <h3>{ "CloudFormation template" }</h3>
                <p class="muted">
                    { "A template that creates this scenario's users, groups, roles, customer-managed policies and resources in a real account. Review it before deploying." }
                </p>
                <div class="export-format" role="group" aria-label="Template format">{ format_buttons }</div>
                { template_section }
                <div class="export-note" role="note">
                    <p><strong>{ "Not in the template." }</strong>{ " CloudFormation creates IAM identities inside an account; it cannot create the account's root user or its organization's policies. Left out for this scenario:" }</p>
                    <ul class="export-left-out">{ left_out_items }</ul>
                </div>
            </div>
            <div class="export-panel">
                <h3>{ "Check the answer with AWS" }</h3>
                { cli_section }
            </div>
            <div class="export-panel export-import">
                <h3>{ "Import" }</h3>
                <p class="muted">
                    { "Paste or open a CloudFormation template (YAML or JSON), the output of " }
                    <code>{ "aws iam get-account-authorization-details" }</code>
                    { ", or a scenario file. It opens as a new scenario; your current one stays saved. Everything is read in this browser." }
                </p>
                <textarea class="export-import-text" aria-label="Template or authorization details to import"
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
                        <input type="file" class="export-file-input" accept=".yaml,.yml,.json,.template,.txt"
                            onchange={on_file} />
                    </label>
                </div>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_safe() {
        assert_eq!(
            file_name("Root vs admin!", "x", "yaml"),
            "Root-vs-admin.yaml"
        );
        assert_eq!(file_name("  ", "My slot", "json"), "My-slot.json");
        assert_eq!(file_name("../..", "", "yaml"), "scenario.yaml");
    }
}
