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
use iam_engine::workbench::{CompileCache, Workbench};
use yew::prelude::*;

use crate::components::export_code::{CodeLang, code_view};
use crate::components::export_template::TemplatePanel;
use crate::data::Loadable;
use crate::store::{Action, View};

pub use crate::components::export_code::{download, file_name};

pub use super::importing::{
    FileImport, ImportInput, SHOWN_TEXT_MAX, import_as_new, import_error_text, import_files,
    import_notice,
};

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
