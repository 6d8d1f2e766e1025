//! The export and import view: CloudFormation templates and account authorization details.
//!
//! Export: the scenario as a CloudFormation template ([`iam_engine::export::cloudformation`])
//! in YAML or JSON, shown read-only with light syntax colouring, with Copy and Download, and a
//! note on what a template cannot create. Below it, the `aws iam simulate-custom-policy
//! --cli-input-json` input for the simulator's current request
//! ([`iam_engine::workbench::cli_input`]), so the user can ask AWS the same question.
//!
//! Import: paste or open a template, authorization details or a scenario file
//! ([`iam_engine::import::detect_and_import`]). A good text opens as a new scenario (the open
//! one stays saved in its slot) and a notice lists what was left out; a bad one shows the
//! error at its line and column and changes nothing.

use std::rc::Rc;

use iam_engine::catalog::ManagedPolicies;
use iam_engine::export::{Format, cloudformation};
use iam_engine::import::{ImportError, ImportOptions, Imported, detect_and_import};
use iam_engine::scenario::Scenario;
use iam_engine::workbench::{CompileCache, Workbench};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::data::Loadable;
use crate::store::{Action, Notice, NoticeLevel, View};

/// Templates longer than this are shown without colouring: one `<span>` per token of a
/// megabyte template would make the page sluggish, and plain text reads the same.
pub const HIGHLIGHT_LIMIT: usize = 200_000;

/// The colour class of a piece of template text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    /// Text shown as is (punctuation, indentation).
    Plain,
    /// A mapping key.
    Key,
    /// An intrinsic function (`Ref`, `Fn::Sub`) or a YAML tag (`!Ref`).
    Function,
    /// A string value.
    Str,
    /// A number, boolean or null.
    Literal,
    /// A YAML comment.
    Comment,
}

impl Token {
    fn class(self) -> &'static str {
        match self {
            Token::Plain => "",
            Token::Key => "tok-key",
            Token::Function => "tok-fn",
            Token::Str => "tok-string",
            Token::Literal => "tok-literal",
            Token::Comment => "tok-comment",
        }
    }
}

fn key_token(key: &str) -> Token {
    let bare = key.trim_matches(|c| c == '"' || c == '\'');
    if bare == "Ref" || bare.starts_with("Fn::") {
        Token::Function
    } else {
        Token::Key
    }
}

fn is_literal(value: &str) -> bool {
    matches!(value, "true" | "false" | "null" | "~")
        || (value
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_digit() || b == b'-')
            && value.parse::<f64>().is_ok())
}

/// The first character boundary at or after `i` (skipping an escape may land inside a
/// multi-byte character), clamped to the text.
fn boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Splits YAML text into coloured pieces, line by line (the pieces join back to the text).
pub fn highlight_yaml(text: &str) -> Vec<(Token, &str)> {
    let mut out = Vec::new();
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let newline = &line[body.len()..];
        let indent = body.len() - body.trim_start().len();
        let (lead, mut rest) = body.split_at(indent);
        if !lead.is_empty() {
            out.push((Token::Plain, lead));
        }
        if rest.starts_with('#') {
            out.push((Token::Comment, rest));
            rest = "";
        }
        while let Some(after) = rest.strip_prefix("- ") {
            out.push((Token::Plain, &rest[..2]));
            rest = after;
        }
        // A key ends at the first `: ` (or a `:` ending the line) outside quotes.
        let key_end = if rest.starts_with('"') || rest.starts_with('\'') {
            let quote = rest.as_bytes()[0];
            let mut i = 1;
            let bytes = rest.as_bytes();
            while i < bytes.len() && bytes[i] != quote {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            let close = boundary(rest, i + 1);
            let after = rest.get(close..).unwrap_or("");
            (after.starts_with(':') && (after.len() == 1 || after[1..].starts_with(' ')))
                .then_some(close)
        } else {
            rest.find(": ")
                .or_else(|| rest.ends_with(':').then(|| rest.len() - 1))
        };
        if let Some(end) = key_end {
            out.push((key_token(&rest[..end]), &rest[..end]));
            out.push((Token::Plain, &rest[end..end + 1]));
            rest = &rest[end + 1..];
            let spaces = rest.len() - rest.trim_start().len();
            if spaces > 0 {
                out.push((Token::Plain, &rest[..spaces]));
                rest = &rest[spaces..];
            }
        }
        if !rest.is_empty() {
            let token = if rest.starts_with('!') {
                Token::Function
            } else if is_literal(rest) {
                Token::Literal
            } else {
                Token::Str
            };
            out.push((token, rest));
        }
        if !newline.is_empty() {
            out.push((Token::Plain, newline));
        }
    }
    out
}

/// Splits JSON text into coloured pieces (the pieces join back to the text).
pub fn highlight_json(text: &str) -> Vec<(Token, &str)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut plain_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let start = i;
        let token = if b == b'"' {
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            i = boundary(text, i + 1);
            let after = text[i..].trim_start();
            if after.starts_with(':') {
                key_token(&text[start..i])
            } else {
                Token::Str
            }
        } else if b == b'-' || b.is_ascii_digit() || b == b't' || b == b'f' || b == b'n' {
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric() || b".+-".contains(&bytes[i]))
            {
                i += 1;
            }
            Token::Literal
        } else {
            i += 1;
            continue;
        };
        if plain_start < start {
            out.push((Token::Plain, &text[plain_start..start]));
        }
        out.push((token, &text[start..i]));
        plain_start = i;
    }
    if plain_start < text.len() {
        out.push((Token::Plain, &text[plain_start..]));
    }
    out
}

/// The coloured code view of a template or JSON text.
fn code_view(text: &str, json: bool) -> Html {
    if text.len() > HIGHLIGHT_LIMIT {
        return html! { { text.to_owned() } };
    }
    let pieces = if json {
        highlight_json(text)
    } else {
        highlight_yaml(text)
    };
    pieces
        .into_iter()
        .map(|(token, piece)| match token {
            Token::Plain => html! { { piece.to_owned() } },
            t => html! { <span class={t.class()}>{ piece.to_owned() }</span> },
        })
        .collect()
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

/// What the template leaves out for this scenario, in sentences.
pub fn left_out(scenario: &Scenario) -> Vec<String> {
    let mut out = vec![
        "The root user: CloudFormation does not manage the root user's password, MFA or access keys; sign in as the root user for those.".to_owned(),
    ];
    if let Some(org) = &scenario.organization {
        let names: Vec<String> = org
            .levels
            .iter()
            .flat_map(|l| {
                l.scps
                    .iter()
                    .chain(&l.rcps)
                    .map(move |p| format!("{} ({})", p.name, l.name))
            })
            .collect();
        out.push(format!(
            "Organization policies are attached in the management account, not by a template in a member account: {}.",
            if names.is_empty() { "none listed".to_owned() } else { names.join(", ") }
        ));
    } else {
        out.push("Organization policies (SCPs and RCPs): this scenario has none; they would be attached in the management account.".to_owned());
    }
    let mfa: Vec<&str> = scenario
        .users
        .iter()
        .filter(|u| u.mfa)
        .map(|u| u.name.as_str())
        .collect();
    if !mfa.is_empty() {
        out.push(format!(
            "MFA devices, which each user registers: {}.",
            mfa.join(", ")
        ));
    }
    let keys: Vec<&str> = scenario
        .users
        .iter()
        .filter(|u| !u.access_keys.is_empty())
        .map(|u| u.name.as_str())
        .collect();
    if !keys.is_empty() {
        out.push(format!(
            "Access keys, so no secret lands in the stack: {}.",
            keys.join(", ")
        ));
    }
    if !scenario.external_principals.is_empty() {
        out.push("External principals, which belong to other accounts.".to_owned());
    }
    if !scenario.tests.is_empty() {
        out.push(format!(
            "Saved tests ({}), which are playground data, not AWS resources.",
            scenario.tests.len()
        ));
    }
    if scenario.users.iter().any(|u| u.login_profile.is_some()) {
        out.push("Console passwords: a Secrets Manager secret generates each one; read it there to hand it over.".to_owned());
    }
    out
}

/// The notice after a successful import: where it came from and what was left out.
pub fn import_notice(imported: &Imported, slot: &str) -> Notice {
    let mut text = format!(
        "Imported the {} as the new scenario \"{slot}\".",
        imported.source.describe()
    );
    if imported.skipped.is_empty() {
        text.push_str(" Nothing was left out.");
    } else {
        text.push_str(&format!(" Left out ({}): ", imported.skipped.len()));
        let items: Vec<String> = imported
            .skipped
            .iter()
            .map(|s| match s.line {
                Some(l) => format!("{} (line {l}): {}", s.what, s.why),
                None => format!("{}: {}", s.what, s.why),
            })
            .collect();
        text.push_str(&items.join("; "));
        text.push('.');
    }
    for note in &imported.notes {
        text.push(' ');
        text.push_str(note);
    }
    Notice {
        level: if imported.skipped.is_empty() {
            NoticeLevel::Info
        } else {
            NoticeLevel::Warning
        },
        text,
    }
}

/// The error of a failed import in words, with its place.
pub fn import_error_text(e: &ImportError) -> String {
    match (e.line, e.column) {
        (Some(l), Some(c)) => format!("Line {l}, column {c}: {}", e.message),
        _ => e.message.clone(),
    }
}

/// Offers `text` as a file download named `name`.
fn download(text: &str, name: &str, mime: &str) -> Result<(), String> {
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
        .map(|s| html! { <li>{ s }</li> })
        .collect::<Html>();

    let cli_section = if store.request.action.trim().is_empty() {
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
        let managed = match &managed {
            Loadable::Ready(m) => Some(Rc::clone(m)),
            _ => None,
        };
        let request = &store.request;
        // The export view asks once per render; a cache of its own suffices.
        let cache = CompileCache::new();
        match Workbench::new(&store.scenario, &cache)
            .with_managed(managed.as_deref())
            .cli_input(request)
        {
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
        Rc::new(move |text: String| {
            let options = ImportOptions {
                account_id: Some(store.scenario.account.id.clone()),
            };
            match detect_and_import(&text, &options) {
                Ok(imported) => {
                    import_error.set(None);
                    let mut scenario = imported.scenario.clone();
                    let base = if scenario.title.trim().is_empty() {
                        scenario.title = format!("Imported {}", imported.source.describe());
                        scenario.title.clone()
                    } else {
                        format!("Imported {}", scenario.title)
                    };
                    let slot = crate::storage::unique_slot_name(&base);
                    crate::storage::open_as_new(&store, scenario, &base);
                    store.dispatch(Action::SetNotice(Some(import_notice(&imported, &slot))));
                }
                Err(e) => import_error.set(Some(import_error_text(&e))),
            }
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
        let import_text = import_text.clone();
        let import_error = import_error.clone();
        let run_import = Rc::clone(&run_import);
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() else {
                return;
            };
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            input.set_value("");
            if file.size() > iam_engine::import::MAX_IMPORT_BYTES as f64 {
                import_error.set(Some(format!(
                    "{} is too large to import: at most {} bytes.",
                    file.name(),
                    iam_engine::import::MAX_IMPORT_BYTES
                )));
                return;
            }
            let import_text = import_text.clone();
            let import_error = import_error.clone();
            let run_import = Rc::clone(&run_import);
            wasm_bindgen_futures::spawn_local(async move {
                match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                    Ok(value) => {
                        let text = value.as_string().unwrap_or_default();
                        import_text.set(text.clone());
                        run_import(text);
                    }
                    Err(_) => import_error.set(Some(format!("{} could not be read.", file.name()))),
                }
            });
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

    fn joined(pieces: &[(Token, &str)]) -> String {
        pieces.iter().map(|(_, p)| *p).collect()
    }

    #[test]
    fn yaml_pieces_rejoin_and_colour_keys_functions_and_comments() {
        let text = "# note\nResources:\n  U:\n    Ref: X\n    \"Fn::Sub\": arn:${AWS::Partition}\n    - \"2012-10-17\"\n    N: 3600\n    T: !Ref Y\n";
        let pieces = highlight_yaml(text);
        assert_eq!(joined(&pieces), text);
        assert!(pieces.contains(&(Token::Comment, "# note")));
        assert!(pieces.contains(&(Token::Key, "Resources")));
        assert!(pieces.contains(&(Token::Function, "Ref")));
        assert!(pieces.contains(&(Token::Function, "\"Fn::Sub\"")));
        assert!(pieces.contains(&(Token::Str, "\"2012-10-17\"")));
        assert!(pieces.contains(&(Token::Literal, "3600")));
        assert!(pieces.contains(&(Token::Function, "!Ref Y")));
    }

    #[test]
    fn json_pieces_rejoin_and_tell_keys_from_strings() {
        let text = "{\n  \"Ref\": \"X\",\n  \"A\": [1, true, \"s\\\"q\"]\n}\n";
        let pieces = highlight_json(text);
        assert_eq!(joined(&pieces), text);
        assert!(pieces.contains(&(Token::Function, "\"Ref\"")));
        assert!(pieces.contains(&(Token::Str, "\"X\"")));
        assert!(pieces.contains(&(Token::Key, "\"A\"")));
        assert!(pieces.contains(&(Token::Literal, "true")));
        assert!(pieces.contains(&(Token::Str, "\"s\\\"q\"")));
    }

    #[test]
    fn odd_text_never_panics() {
        for text in [
            "\"",
            "\"abc\\",
            "- ",
            "key:",
            "'unterminated: x",
            "é: ü\n- - x",
            "\r\n:",
            "\"\\é\": 1",
            "'\\é",
            "\"\\é",
        ] {
            assert_eq!(joined(&highlight_yaml(text)), text);
            assert_eq!(joined(&highlight_json(text)), text);
        }
    }

    #[test]
    fn file_names_are_safe() {
        assert_eq!(
            file_name("Root vs admin!", "x", "yaml"),
            "Root-vs-admin.yaml"
        );
        assert_eq!(file_name("  ", "My slot", "json"), "My-slot.json");
        assert_eq!(file_name("../..", "", "yaml"), "scenario.yaml");
    }

    #[test]
    fn the_left_out_list_names_org_policies_and_mfa() {
        let entry = iam_engine::scenario::gallery()
            .into_iter()
            .find(|e| e.scenario.organization.is_some())
            .map(|e| e.scenario);
        let Some(s) = entry else { return };
        let list = left_out(&s);
        assert!(
            list.iter()
                .any(|l| l.contains("Organization policies are attached"))
        );
        assert!(list.first().is_some_and(|l| l.contains("root user")));
    }
}
