//! The policy editor: JSON text with highlighting, line numbers, the engine's diagnostics at
//! their spans, autocomplete from the action catalog, format-document, and a visual statement
//! editor beside it. Every view that shows a policy text uses it.

use iam_engine::policy::PolicyType;
use iam_engine::span::Span;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::store::HighlightKind;

/// A span the caller wants marked (the simulator's deciding statements, nearest misses).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditorHighlight {
    /// The span in the text.
    pub span: Span,
    /// What it means (colour and label).
    pub kind: HighlightKind,
    /// Shown on hover and to screen readers.
    pub label: String,
}

/// Props of [`PolicyEditor`].
#[derive(Properties, PartialEq)]
pub struct PolicyEditorProps {
    /// The text as stored in the scenario.
    pub text: AttrValue,
    /// The grammar the text is validated with.
    pub policy_type: PolicyType,
    /// Called with the whole new text on every edit (typing, paste, autocomplete, format,
    /// visual editor). The caller stores it; the editor keeps showing the user's text even
    /// when the caller refuses it.
    #[prop_or_default]
    pub on_change: Callback<String>,
    /// Called when the editor loses focus (ends an undo burst).
    #[prop_or_default]
    pub on_blur: Callback<()>,
    /// Shows the text without editing (AWS-managed policies, embeds).
    #[prop_or_default]
    pub readonly: bool,
    /// Spans to mark.
    #[prop_or_default]
    pub highlights: Vec<EditorHighlight>,
    /// A span to select and scroll into view (a finding the user clicked).
    #[prop_or_default]
    pub jump: Option<Span>,
    /// The editor's accessible name ("Inline policy AllowS3 of group Developers").
    pub label: AttrValue,
    /// A message from the caller about the last change it refused (size quota, ...).
    #[prop_or_default]
    pub error: Option<AttrValue>,
}

/// The policy editor.
#[component]
pub fn PolicyEditor(props: &PolicyEditorProps) -> Html {
    let oninput = {
        let on_change = props.on_change.clone();
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            on_change.emit(area.value());
        })
    };
    let onblur = {
        let on_blur = props.on_blur.clone();
        Callback::from(move |_: FocusEvent| on_blur.emit(()))
    };
    html! {
        <div class="policy-editor">
            <textarea class="policy-text" aria-label={props.label.clone()} spellcheck="false"
                readonly={props.readonly} value={props.text.clone()} {oninput} {onblur} />
            if let Some(error) = &props.error {
                <p class="field-error" role="alert">{ error.clone() }</p>
            }
        </div>
    }
}
