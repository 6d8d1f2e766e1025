//! What the export view's panels share: the coloured, read-only code view (from the engine's
//! tokens: JSON, YAML and HCL), safe file names, and the download of a text as a file.

use iam_engine::editing::tokens::{
    TokenKind, mark_functions, tokenize, tokenize_hcl, tokenize_yaml,
};
use wasm_bindgen::JsCast;
use yew::prelude::*;

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

/// The language of a code view, which picks the engine's tokenizer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeLang {
    /// JSON (CloudFormation intrinsic functions marked).
    Json,
    /// Block YAML.
    Yaml,
    /// HCL, the Terraform export.
    Hcl,
}

/// The coloured code view of a template, configuration or JSON text, from the engine's tokens.
pub fn code_view(text: &str, lang: CodeLang) -> Html {
    if text.len() > HIGHLIGHT_LIMIT {
        return html! { { text.to_owned() } };
    }
    let tokens = match lang {
        CodeLang::Json => {
            let mut tokens = tokenize(text);
            mark_functions(text, &mut tokens);
            tokens
        }
        CodeLang::Yaml => tokenize_yaml(text),
        CodeLang::Hcl => tokenize_hcl(text),
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
