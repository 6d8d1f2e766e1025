//! The policy editor: JSON text with highlighting, line numbers, the engine's diagnostics at
//! their spans, autocomplete from the action catalog, format-document, and a visual statement
//! editor beside it. Every view that shows a policy text uses it.
//!
//! The input surface is a real `<textarea class="policy-text">` whose text is transparent; a
//! `<pre>` behind it with the same font metrics draws the coloured tokens, the underlined
//! diagnostics and the simulator's highlights, and follows the textarea's scrolling. The
//! textarea always shows what the user typed: the editor keeps its own copy of the text and
//! takes the `text` prop again only when the prop itself changes (undo, another view), so a
//! change the caller refuses is never lost. All IAM knowledge comes from the engine:
//! [`iam_engine::validate`] for diagnostics, [`iam_engine::editing`] for tokens, completion,
//! formatting and the visual editor's edits.
//!
//! Work is bounded so a huge paste cannot freeze the page: highlighting stops above
//! [`HIGHLIGHT_LIMIT`] bytes (the text is then shown plainly, with a note), validation waits
//! for a pause in typing on long texts and is replaced by the size check above
//! [`VALIDATE_LIMIT`].
//!
//! The pieces: `textarea` (the surface, its geometry, selections and the editor's own copy of
//! the text), `layers` (the drawn layer and the gutter), `highlights` (the simulator's marks:
//! which fall in this text, their words and list), `diagnostics` (validation, the verdict and
//! the problem list), `completion` (the popup and its keys), `toolbar` (views and Format) and
//! `visual` (the statement editor). [`PolicyEditor`] holds the state and wires them together.

mod completion;
mod diagnostics;
mod highlights;
mod layers;
mod textarea;
mod toolbar;
pub mod visual;

use std::rc::Rc;
use std::sync::atomic::Ordering;

use iam_engine::catalog::Catalog;
use iam_engine::editing::byte_to_utf16;
use iam_engine::editing::format::format_document;
use iam_engine::policy::PolicyType;
use iam_engine::span::Span;
use wasm_bindgen::JsCast;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use self::completion::{CompletionPopup, Suggest, on_popup_key, suggest_at};
pub use self::diagnostics::VALIDATE_LIMIT;
use self::diagnostics::{DiagnosticsList, error_count, summary, use_validation};
use self::highlights::HighlightList;
pub use self::highlights::{EditorHighlight, highlight_class, highlights_in};
pub use self::textarea::HIGHLIGHT_LIMIT;
use self::textarea::{
    NEXT_ID, PendingSelection, follow_scroll, span_selector, to_u32, use_editor_text, use_jump,
    use_pending_selection,
};
use self::toolbar::{Toolbar, View};
use crate::data::Loadable;
use crate::text::plural;

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
    /// Hides the list of diagnostics under the text (when the caller lists them itself);
    /// the underlines stay.
    #[prop_or_default]
    pub hide_diagnostics: bool,
    /// Skips validation altogether: for AWS's own read-only policies, where advice to change
    /// the text could not be followed.
    #[prop_or_default]
    pub no_validation: bool,
    /// Which view opens first: the JSON text (default) or the visual statement editor.
    #[prop_or_default]
    pub start_visual: bool,
}

/// The policy editor.
#[component]
pub fn PolicyEditor(props: &PolicyEditorProps) -> Html {
    let catalog_ctx = use_context::<Loadable<Catalog>>().unwrap_or_default();
    let catalog: Option<Rc<Catalog>> = match &catalog_ctx {
        Loadable::Ready(c) => Some(Rc::clone(c)),
        _ => None,
    };
    let id = use_state(|| NEXT_ID.fetch_add(1, Ordering::Relaxed));
    let local = use_editor_text(&props.text);
    let validation = use_validation(&local, props.policy_type, &catalog_ctx, props.no_validation);
    let suggest = use_state(|| None::<Suggest>);
    let notice = use_state(|| None::<String>);
    let view = use_state(|| {
        if props.start_visual {
            View::Visual
        } else {
            View::Json
        }
    });
    let area_ref = use_node_ref();
    let pre_ref = use_node_ref();
    let gutter_ref = use_node_ref();
    let pending = use_pending_selection(&area_ref);
    use_jump(props.jump, &area_ref, &local);

    // Every change of the text goes through here: keep it, tell the caller.
    let commit = {
        let local = local.clone();
        let on_change = props.on_change.clone();
        let notice = notice.clone();
        Rc::new(move |text: String| {
            // A message about the previous text (format refused) no longer applies.
            if notice.is_some() {
                notice.set(None);
            }
            local.set(text.clone());
            on_change.emit(text);
        })
    };

    let open_suggest = {
        let suggest = suggest.clone();
        let catalog = catalog.clone();
        Rc::new(move |text: &str, cursor_utf16: u32, auto: bool| {
            suggest.set(suggest_at(text, cursor_utf16, auto, catalog.as_deref()));
        })
    };

    let accept = {
        let suggest = suggest.clone();
        let commit = commit.clone();
        let pending = pending.clone();
        let area_ref = area_ref.clone();
        Rc::new(move |index: usize| {
            let Some(s) = (*suggest).clone() else {
                return;
            };
            let Some(area) = area_ref.cast::<HtmlTextAreaElement>() else {
                return;
            };
            let Some(item) = s.completion.items.get(index) else {
                return;
            };
            let text = area.value();
            let edit = iam_engine::editing::edit::TextEdit {
                span: s.completion.replace,
                insert: item.insert.clone(),
            };
            let new_text = edit.apply(&text);
            let caret = to_u32(byte_to_utf16(
                &new_text,
                s.completion.replace.start + item.insert.len(),
            ));
            *pending.borrow_mut() = Some(PendingSelection {
                start: caret,
                end: caret,
                scroll: false,
            });
            suggest.set(None);
            commit(new_text);
        })
    };

    let format = {
        let notice = notice.clone();
        let commit = commit.clone();
        let area_ref = area_ref.clone();
        let readonly = props.readonly;
        Rc::new(move || {
            if readonly {
                return;
            }
            let Some(area) = area_ref.cast::<HtmlTextAreaElement>() else {
                return;
            };
            match format_document(&area.value()) {
                Ok(formatted) => {
                    notice.set(None);
                    if formatted != area.value() {
                        commit(formatted);
                    }
                }
                Err(e) => notice.set(Some(e.message)),
            }
        })
    };

    let oninput = {
        let commit = commit.clone();
        let open_suggest = open_suggest.clone();
        let suggest = suggest.clone();
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            let text = area.value();
            // Suggest while a word is being typed, not after deletions or pastes. (A synthetic
            // plain `Event` has no `inputType`: reading it would throw, so check the type.)
            let wordy = e.is_instance_of::<InputEvent>()
                && e.input_type() == "insertText"
                && e.data()
                    .unwrap_or_default()
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, ':' | '"' | '*' | '-' | '/'));
            if wordy && text.len() <= HIGHLIGHT_LIMIT {
                let cursor = area.selection_start().ok().flatten().unwrap_or(0);
                open_suggest(&text, cursor, true);
            } else if suggest.is_some() {
                suggest.set(None);
            }
            commit(text);
        })
    };

    let onkeydown = {
        let suggest = suggest.clone();
        let accept = accept.clone();
        let open_suggest = open_suggest.clone();
        let format = format.clone();
        let readonly = props.readonly;
        Callback::from(move |e: KeyboardEvent| {
            if readonly {
                return;
            }
            if e.shift_key() && e.alt_key() && e.code() == "KeyF" {
                e.prevent_default();
                format();
                return;
            }
            if e.ctrl_key() && (e.key() == " " || e.code() == "Space") {
                e.prevent_default();
                let area: HtmlTextAreaElement = e.target_unchecked_into();
                let cursor = area.selection_start().ok().flatten().unwrap_or(0);
                open_suggest(&area.value(), cursor, false);
                return;
            }
            if let Some(s) = (*suggest).clone() {
                on_popup_key(&e, s, &suggest, &*accept);
            }
        })
    };

    let onblur = {
        let on_blur = props.on_blur.clone();
        let suggest = suggest.clone();
        Callback::from(move |_: FocusEvent| {
            suggest.set(None);
            on_blur.emit(());
        })
    };
    let onclick_area = {
        let suggest = suggest.clone();
        Callback::from(move |_: MouseEvent| {
            if suggest.is_some() {
                suggest.set(None);
            }
        })
    };
    let onscroll = {
        let pre_ref = pre_ref.clone();
        let gutter_ref = gutter_ref.clone();
        let suggest = suggest.clone();
        Callback::from(move |e: Event| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            follow_scroll(&area, &pre_ref, &gutter_ref);
            if suggest.is_some() {
                suggest.set(None);
            }
        })
    };
    let select_span: Callback<Span> = span_selector(&area_ref);

    let findings = &validation.findings;
    let text: &str = &local;
    let highlighted = text.len() <= HIGHLIGHT_LIMIT;
    let in_sync = *validation.checked == *local;
    let line_count = text.bytes().filter(|b| *b == b'\n').count() + 1;
    let prefix = format!("pe{}", *id);
    let listbox_id = format!("{prefix}-ac");
    let status_id = format!("{prefix}-status");

    let layer = if highlighted {
        // Underlines from a validation of an older text would sit at the wrong place.
        let diags: &[iam_engine::validate::Finding] = if in_sync { findings } else { &[] };
        layers::render(text, diags, &props.highlights, &select_span)
    } else {
        Html::default()
    };
    let gutter = layers::gutter(text, line_count, highlighted, &props.highlights);

    let suggest_html = match &*suggest {
        Some(s) => {
            let accept = accept.clone();
            html! {
                <CompletionPopup suggest={s.clone()} prefix={prefix.clone()} area_ref={area_ref.clone()}
                    on_accept={Callback::from(move |i: usize| accept(i))} />
            }
        }
        None => Html::default(),
    };
    let active_descendant = suggest
        .as_ref()
        .map(|s| format!("{prefix}-ac-{}", s.active));
    let suggest_count = suggest
        .as_ref()
        .map(|s| plural(s.completion.items.len(), "suggestion"));

    let on_format = {
        let format = format.clone();
        Callback::from(move |()| format())
    };
    let on_visual_change = {
        let commit = commit.clone();
        Callback::from(move |text: String| commit(text))
    };

    let show_visual = !props.readonly && *view != View::Json;
    let show_json = props.readonly || *view != View::Visual;
    let verdict = (!props.no_validation).then(|| summary(findings, !in_sync, &catalog_ctx));

    html! {
        <div class="policy-editor">
            <Toolbar view={view.clone()} readonly={props.readonly} {on_format} summary={verdict}
                has_errors={error_count(findings) > 0} />
            if let Some(message) = &*notice {
                <p class="pe-notice" role="alert">{ message.clone() }</p>
            }
            if let Some(error) = &props.error {
                <p class="field-error" role="alert">{ error.clone() }</p>
            }
            <HighlightList text={AttrValue::from((*local).clone())} highlights={props.highlights.clone()}
                select_span={select_span.clone()} />
            <div class={classes!("pe-views-area", (show_visual && show_json).then_some("pe-split"))}>
            if show_visual {
                <visual::VisualEditor text={AttrValue::from((*local).clone())} policy_type={props.policy_type}
                    on_change={on_visual_change} highlights={props.highlights.clone()} />
            }
            <div class={classes!("pe-body", (!show_json).then_some("pe-hidden"))}>
                <div class="pe-gutter" aria-hidden="true" ref={gutter_ref}>{ gutter }</div>
                <div class={classes!("pe-surface", (!highlighted).then_some("plain"))}>
                    <pre class="pe-layer" aria-hidden="true" ref={pre_ref}>{ layer }</pre>
                    <textarea class="policy-text" aria-label={props.label.clone()} spellcheck="false"
                        autocomplete="off" autocapitalize="off" wrap="off"
                        aria-autocomplete="list"
                        aria-controls={suggest.is_some().then(|| listbox_id.clone())}
                        aria-activedescendant={active_descendant}
                        aria-describedby={status_id.clone()}
                        readonly={props.readonly} value={(*local).clone()} ref={area_ref}
                        {oninput} {onkeydown} {onblur} {onscroll} onclick={onclick_area} />
                    { suggest_html }
                </div>
            </div>
            </div>
            <p class="pe-sr" id={status_id} aria-live="polite">
                { suggest_count.unwrap_or_default() }
            </p>
            if !highlighted {
                <p class="pe-note">
                    { format!("This text is {} KB: colours and underlines are off above {} KB{} (AWS accepts policies of at most about 10 KB).",
                        text.len() / 1024, HIGHLIGHT_LIMIT / 1024,
                        if text.len() > VALIDATE_LIMIT { ", and only the size quota is checked above 128 KB" } else { "" }) }
                </p>
            }
            if !props.hide_diagnostics {
                <DiagnosticsList checked={AttrValue::from((*validation.checked).clone())}
                    findings={Rc::clone(findings)} select_span={select_span.clone()} />
            }
        </div>
    }
}
