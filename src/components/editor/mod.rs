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

mod layers;
pub mod visual;

use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};

use gloo::timers::callback::Timeout;
use iam_engine::catalog::Catalog;
use iam_engine::diagnostic::Severity;
use iam_engine::editing::complete::{Completion, complete};
use iam_engine::editing::format::{carry_spans, format_document};
use iam_engine::editing::{byte_to_utf16, span_to_utf16, utf16_to_byte};
use iam_engine::policy::PolicyType;
use iam_engine::scenario::{DocumentRef, Target};
use iam_engine::span::{LineIndex, Span};
use iam_engine::validate::{Finding, Quota, check_size, validate};
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::data::Loadable;
use crate::store::{Highlight, HighlightKind};
use crate::text::plural;

/// Texts longer than this (in bytes) are shown without colours, underlines or bands: a policy
/// is at most 10,240 characters, and drawing hundreds of thousands of spans would stall typing.
pub const HIGHLIGHT_LIMIT: usize = 32 * 1024;

/// Texts longer than this are not validated in full (only their size is checked, which is the
/// finding that matters for them); a full validation of megabytes could take seconds.
pub const VALIDATE_LIMIT: usize = 128 * 1024;

/// Texts up to this length are validated on every keystroke; longer ones after a pause.
const IMMEDIATE_LIMIT: usize = 16 * 1024;

/// The pause (milliseconds) before validating a long text.
const DEBOUNCE_MS: u32 = 250;

/// The height of one line in pixels; `editor.css` uses the same value.
const LINE_PX: f64 = 20.0;

/// The padding of the text surface in pixels; `editor.css` uses the same value.
const PAD_PX: f64 = 8.0;

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

/// The simulator's highlights in one policy text (`target`'s `document`), as an editor of it
/// shows them. `layout` is `(read, shown)` when the editor shows a laid-out copy of the text
/// the evaluation read (an AWS-managed policy): the spans are carried over to the copy.
pub fn highlights_in(
    all: &[Highlight],
    target: &Target,
    document: &DocumentRef,
    layout: Option<(&str, &str)>,
) -> Vec<EditorHighlight> {
    let mine: Vec<&Highlight> = all
        .iter()
        .filter(|h| h.target == *target && h.document == *document)
        .collect();
    let spans: Vec<Span> = mine.iter().map(|h| h.span).collect();
    let spans = match layout {
        Some((read, shown)) if !spans.is_empty() => carry_spans(read, shown, &spans),
        _ => spans,
    };
    mine.into_iter()
        .zip(spans)
        .map(|(h, span)| EditorHighlight {
            span,
            kind: h.kind,
            label: h.label.clone(),
        })
        .collect()
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

/// A distinct id prefix per editor instance, for the ARIA relations of its listbox.
pub(super) static NEXT_ID: AtomicUsize = AtomicUsize::new(0);

/// Which of the two editors is shown.
#[derive(Clone, Copy, PartialEq, Eq)]
enum View {
    /// The JSON text.
    Json,
    /// The visual statement editor.
    Visual,
    /// Both side by side (stacked when the editor is narrow).
    Both,
}

/// The open autocomplete popup.
#[derive(Clone, PartialEq)]
struct Suggest {
    completion: Rc<Completion>,
    active: usize,
    /// One-based line and zero-based column of the replaced text, for placing the popup.
    line: usize,
    column: usize,
}

/// The selection to restore after the next render (UTF-16 offsets), and whether to scroll.
#[derive(Clone, Copy)]
struct PendingSelection {
    start: u32,
    end: u32,
    scroll: bool,
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
    let local = use_state(|| props.text.to_string());
    let checked = use_state(|| props.text.to_string());
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
    let popup_ref = use_node_ref();
    let pending = use_mut_ref(|| None::<PendingSelection>);

    // Take the prop again only when it changes: an accepted edit makes it equal to the local
    // text (nothing to do), a refused one leaves it alone (the user's text stays), and undo or
    // another view changes it (the editor follows).
    {
        let local = local.clone();
        use_effect_with(props.text.clone(), move |text| {
            if **local != **text {
                local.set(text.to_string());
            }
        });
    }

    // Validate the text: at once while it is short, after a pause in typing when it is long.
    {
        let checked = checked.clone();
        use_effect_with((*local).clone(), move |text| {
            let text = text.clone();
            let timer = if text.len() <= IMMEDIATE_LIMIT {
                if *checked != text {
                    checked.set(text);
                }
                None
            } else {
                Some(Timeout::new(DEBOUNCE_MS, move || checked.set(text)))
            };
            move || drop(timer)
        });
    }
    let findings = use_memo(
        (
            (*checked).clone(),
            props.policy_type,
            catalog_ctx.clone(),
            props.no_validation,
        ),
        |(text, policy_type, catalog, skip)| {
            if *skip {
                return Vec::new();
            }
            let catalog = match catalog {
                Loadable::Ready(c) => Some(&**c),
                _ => None,
            };
            findings_for(text, *policy_type, catalog)
        },
    );

    // Restore a selection requested by the last event (after autocomplete, format, a click on
    // a diagnostic), once the textarea holds the new text.
    {
        let pending = pending.clone();
        let area_ref = area_ref.clone();
        use_effect(move || {
            if let Some(sel) = pending.borrow_mut().take()
                && let Some(area) = area_ref.cast::<HtmlTextAreaElement>()
            {
                select_in(&area, sel);
            }
        });
    }

    // A jump from the caller (a finding clicked elsewhere) selects its span.
    {
        let area_ref = area_ref.clone();
        let local = local.clone();
        use_effect_with(props.jump, move |jump| {
            if let (Some(span), Some(area)) = (jump, area_ref.cast::<HtmlTextAreaElement>()) {
                let (start, end) = span_to_utf16(&local, *span);
                select_in(
                    &area,
                    PendingSelection {
                        start: to_u32(start),
                        end: to_u32(end),
                        scroll: true,
                    },
                );
            }
        });
    }

    // Place the popup under the replaced text (CSSOM: the page forbids style attributes).
    {
        let popup_ref = popup_ref.clone();
        let area_ref = area_ref.clone();
        use_effect_with((*suggest).clone(), move |suggest| {
            if let (Some(s), Some(popup), Some(area)) = (
                suggest,
                popup_ref.cast::<HtmlElement>(),
                area_ref.cast::<HtmlTextAreaElement>(),
            ) {
                // Under the line, or above it when the list would leave the visible area
                // (the surface clips it).
                let below = s.line as f64 * LINE_PX + PAD_PX - f64::from(area.scroll_top());
                let above = below - LINE_PX - f64::from(popup.offset_height());
                let room = f64::from(area.client_height());
                let top = if below + f64::from(popup.offset_height()) > room && above >= 0.0 {
                    above
                } else {
                    below
                };
                let left = format!(
                    "min(calc({}ch + {}px), calc(100% - {}px))",
                    s.column,
                    PAD_PX - f64::from(area.scroll_left()),
                    popup.offset_width().min(area.client_width())
                );
                let style = popup.style();
                let _ = style.set_property("top", &format!("{top}px"));
                let _ = style.set_property("left", &left);
                // Keep the active option visible by scrolling the list only: scrollIntoView
                // would also scroll the clipped editor body and the page.
                if let Some(active) = popup
                    .children()
                    .item(to_u32(s.active))
                    .and_then(|e| e.dyn_into::<HtmlElement>().ok())
                {
                    let (item_top, item_height) = (active.offset_top(), active.offset_height());
                    let (list_top, list_height) = (popup.scroll_top(), popup.client_height());
                    if item_top < list_top {
                        popup.set_scroll_top(item_top);
                    } else if item_top + item_height > list_top + list_height {
                        popup.set_scroll_top(item_top + item_height - list_height);
                    }
                }
            }
        });
    }

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
            let offset = utf16_to_byte(text, cursor_utf16 as usize);
            let completion = complete(text, offset, catalog.as_deref());
            if completion.items.is_empty() || (auto && completion.query.is_empty()) {
                suggest.set(None);
                return;
            }
            let pos = LineIndex::new(text).line_col(completion.replace.start);
            suggest.set(Some(Suggest {
                completion: Rc::new(completion),
                active: 0,
                line: pos.line,
                column: pos.column.saturating_sub(1),
            }));
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
            let Some(s) = (*suggest).clone() else {
                return;
            };
            let count = s.completion.items.len();
            match e.key().as_str() {
                "ArrowDown" => {
                    e.prevent_default();
                    suggest.set(Some(Suggest {
                        active: (s.active + 1) % count.max(1),
                        ..s
                    }));
                }
                "ArrowUp" => {
                    e.prevent_default();
                    suggest.set(Some(Suggest {
                        active: (s.active + count.max(1) - 1) % count.max(1),
                        ..s
                    }));
                }
                "Enter" | "Tab" => {
                    e.prevent_default();
                    accept(s.active);
                }
                "Escape" => {
                    e.prevent_default();
                    e.stop_propagation();
                    suggest.set(None);
                }
                "ArrowLeft" | "ArrowRight" | "Home" | "End" | "PageUp" | "PageDown" => {
                    suggest.set(None);
                }
                _ => {}
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
            if let Some(pre) = pre_ref.cast::<HtmlElement>() {
                pre.set_scroll_top(area.scroll_top());
                pre.set_scroll_left(area.scroll_left());
            }
            if let Some(gutter) = gutter_ref.cast::<HtmlElement>() {
                gutter.set_scroll_top(area.scroll_top());
            }
            if suggest.is_some() {
                suggest.set(None);
            }
        })
    };

    // Selects a byte span of the current text (diagnostic list, highlight list, underline).
    let select_span = {
        let area_ref = area_ref.clone();
        Callback::from(move |span: Span| {
            if let Some(area) = area_ref.cast::<HtmlTextAreaElement>() {
                let (start, end) = span_to_utf16(&area.value(), span);
                select_in(
                    &area,
                    PendingSelection {
                        start: to_u32(start),
                        end: to_u32(end),
                        scroll: true,
                    },
                );
            }
        })
    };

    let text: &str = &local;
    let highlighted = text.len() <= HIGHLIGHT_LIMIT;
    let in_sync = *checked == *local;
    let line_count = text.bytes().filter(|b| *b == b'\n').count() + 1;
    let prefix = format!("pe{}", *id);
    let listbox_id = format!("{prefix}-ac");
    let status_id = format!("{prefix}-status");

    let layer = if highlighted {
        // Underlines from a validation of an older text would sit at the wrong place.
        let diags: &[Finding] = if in_sync { &findings } else { &[] };
        layers::render(text, diags, &props.highlights, &select_span)
    } else {
        Html::default()
    };
    let gutter = layers::gutter(text, line_count, highlighted, &props.highlights);

    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let others = findings.len() - errors;
    let summary = match (errors, others) {
        (0, 0) => "No problems found".to_string(),
        (e, 0) => plural(e, "error"),
        (0, o) => plural(o, "finding"),
        (e, o) => format!("{} · {}", plural(e, "error"), plural(o, "other finding")),
    };
    let checking = !in_sync;
    let catalog_note = match &catalog_ctx {
        Loadable::Loading => {
            " (action, resource and condition-key checks wait for the AWS catalog)"
        }
        Loadable::Failed(_) => {
            " (without the AWS catalog: action, resource and condition-key checks are off)"
        }
        Loadable::Ready(_) => "",
    };

    let suggest_html = match &*suggest {
        Some(s) => {
            let accept = accept.clone();
            html! {
                <ul class="ac-list" role="listbox" id={listbox_id.clone()} ref={popup_ref.clone()}
                    aria-label="Suggestions">
                    { for s.completion.items.iter().enumerate().map(|(i, item)| {
                        let accept = accept.clone();
                        let onmousedown = Callback::from(move |e: MouseEvent| {
                            // Keep the focus in the textarea.
                            e.prevent_default();
                            accept(i);
                        });
                        html! {
                            <li role="option" id={format!("{prefix}-ac-{i}")}
                                class={classes!("ac-item", (i == s.active).then_some("active"))}
                                aria-selected={(i == s.active).to_string()} {onmousedown}>
                                <span class="ac-label">{ item.label.clone() }</span>
                                if !item.detail.is_empty() {
                                    <span class="ac-detail">{ item.detail.clone() }</span>
                                }
                            </li>
                        }
                    }) }
                </ul>
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

    let onformat = {
        let format = format.clone();
        Callback::from(move |_: MouseEvent| format())
    };
    let show = |target: View| {
        let view = view.clone();
        Callback::from(move |_: MouseEvent| view.set(target))
    };
    let on_visual_change = {
        let commit = commit.clone();
        Callback::from(move |text: String| commit(text))
    };

    let show_visual = !props.readonly && *view != View::Json;
    let show_json = props.readonly || *view != View::Visual;
    let highlights_list = if props.highlights.is_empty() {
        Html::default()
    } else {
        let lines = LineIndex::new(text);
        html! {
            <ul class="hl-list" aria-label="Statements marked by the simulator">
                { for props.highlights.iter().map(|h| {
                    let pos = lines.line_col(h.span.start);
                    let select_span = select_span.clone();
                    let span = h.span;
                    let onclick = Callback::from(move |_: MouseEvent| select_span.emit(span));
                    html! {
                        <li>
                            <button type="button" class={classes!("btn", "btn-quiet", "hl-item", layers::highlight_class(h.kind))} {onclick}>
                                <span class="hl-kind">{ layers::highlight_word(h.kind) }</span>
                                { format!(" {} (line {})", h.label, pos.line) }
                            </button>
                        </li>
                    }
                }) }
            </ul>
        }
    };

    let diag_list = if props.hide_diagnostics || findings.is_empty() {
        Html::default()
    } else {
        let findings = Rc::clone(&findings);
        let checked_text: &str = &checked;
        let checked_lines = LineIndex::new(checked_text);
        html! {
            <ul class="diag-list" aria-label="Problems in this policy">
                { for findings.iter().take(200).map(|f| {
                    let pos = checked_lines.line_col(f.span.start);
                    let select_span = select_span.clone();
                    let span = f.span;
                    let onclick = Callback::from(move |_: MouseEvent| select_span.emit(span));
                    html! {
                        <li class={classes!("diag-item", layers::severity_class(f.severity))}>
                            <button type="button" class="diag-jump" {onclick}>
                                <span class="diag-sev">{ f.severity.label() }</span>
                                <span class="diag-pos">{ format!("Line {}, column {}", pos.line, pos.column) }</span>
                                <span class="diag-msg">{ f.message.clone() }</span>
                            </button>
                            if let Some(help) = &f.help {
                                <p class="diag-help">{ help.clone() }</p>
                            }
                        </li>
                    }
                }) }
                if findings.len() > 200 {
                    <li class="diag-more">{ format!("… and {} more", findings.len() - 200) }</li>
                }
            </ul>
        }
    };

    html! {
        <div class="policy-editor">
            <div class="pe-toolbar">
                if !props.readonly {
                    <div class="pe-views" role="group" aria-label="Editor view">
                        { for [(View::Json, "JSON"), (View::Visual, "Visual"), (View::Both, "Both")].into_iter().map(|(v, name)| html! {
                            <button type="button" class={classes!("btn", "btn-quiet", (*view == v).then_some("current"), (v == View::Both).then_some("pe-both"))}
                                aria-pressed={(*view == v).to_string()} onclick={show(v)}
                                title={(v == View::Both).then_some("The visual editor beside the JSON text")}>{ name }</button>
                        }) }
                    </div>
                    <button type="button" class="btn btn-quiet pe-format" onclick={onformat}
                        title="Format document (Shift+Alt+F)" aria-keyshortcuts="Shift+Alt+F">{ "Format" }</button>
                }
                // An unvalidated text (AWS's own) claims no verdict.
                if !props.no_validation {
                    <span class={classes!("pe-summary", (errors > 0).then_some("has-errors"))} aria-live="polite">
                        { if checking { "Checking…".to_string() } else { format!("{summary}{catalog_note}") } }
                    </span>
                }
            </div>
            if let Some(message) = &*notice {
                <p class="pe-notice" role="alert">{ message.clone() }</p>
            }
            if let Some(error) = &props.error {
                <p class="field-error" role="alert">{ error.clone() }</p>
            }
            { highlights_list }
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
            { diag_list }
        </div>
    }
}

/// The findings for `text`: a full validation while the text is of a sane size, the size
/// check alone above [`VALIDATE_LIMIT`].
fn findings_for(text: &str, policy_type: PolicyType, catalog: Option<&Catalog>) -> Vec<Finding> {
    if text.len() <= VALIDATE_LIMIT {
        return validate(text, policy_type, catalog);
    }
    let quota = Quota::default_for(policy_type);
    quota
        .and_then(|q| check_size(text, q))
        .into_iter()
        .collect()
}

/// Selects a UTF-16 range, focuses the textarea and scrolls the range's first line into view.
fn select_in(area: &HtmlTextAreaElement, sel: PendingSelection) {
    let _ = area.focus();
    let _ = area.set_selection_range(sel.start, sel.end);
    if sel.scroll {
        let value = area.value();
        let byte = utf16_to_byte(&value, sel.start as usize);
        let line = value
            .get(..byte)
            .map_or(0, |s| s.bytes().filter(|b| *b == b'\n').count());
        let top = line as f64 * LINE_PX;
        let height = f64::from(area.client_height());
        let current = f64::from(area.scroll_top());
        if top < current || top + LINE_PX > current + height {
            area.set_scroll_top((top - height / 3.0).max(0.0) as i32);
        }
        // The browser does not scroll horizontally to a selection set from script either.
        let column = value.get(..byte).map_or(0, |s| {
            s.rsplit('\n').next().map_or(0, |l| l.chars().count())
        });
        if column < 40 {
            area.set_scroll_left(0);
        }
        // Keep the drawn layer aligned: setting scrollTop fires no scroll event synchronously.
        if let Some(parent) = area.parent_element()
            && let Some(pre) = parent
                .query_selector(".pe-layer")
                .ok()
                .flatten()
                .and_then(|e| e.dyn_into::<HtmlElement>().ok())
        {
            pre.set_scroll_top(area.scroll_top());
            pre.set_scroll_left(area.scroll_left());
        }
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
