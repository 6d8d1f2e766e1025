//! Autocomplete: the engine's completion at the cursor ([`iam_engine::editing::complete`]), the
//! popup listing it under the replaced text, and its keys (arrows, Enter or Tab, Escape).

use std::rc::Rc;

use iam_engine::catalog::Catalog;
use iam_engine::editing::complete::{Completion, complete};
use iam_engine::editing::utf16_to_byte;
use iam_engine::span::LineIndex;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::textarea::{LINE_PX, PAD_PX, to_u32};

/// The open autocomplete popup.
#[derive(Clone, PartialEq)]
pub struct Suggest {
    /// What the engine suggests, and the text it replaces.
    pub completion: Rc<Completion>,
    /// The option the keyboard is on.
    pub active: usize,
    /// One-based line and zero-based column of the replaced text, for placing the popup.
    pub line: usize,
    /// See `line`.
    pub column: usize,
}

/// The suggestions at `cursor_utf16` in `text`, or `None` when there are none (or, for an
/// `auto` popup opened by typing, when no word has been started).
pub fn suggest_at(
    text: &str,
    cursor_utf16: u32,
    auto: bool,
    catalog: Option<&Catalog>,
) -> Option<Suggest> {
    let offset = utf16_to_byte(text, cursor_utf16 as usize);
    let completion = complete(text, offset, catalog);
    if completion.items.is_empty() || (auto && completion.query.is_empty()) {
        return None;
    }
    let pos = LineIndex::new(text).line_col(completion.replace.start);
    Some(Suggest {
        completion: Rc::new(completion),
        active: 0,
        line: pos.line,
        column: pos.column.saturating_sub(1),
    })
}

/// Handles a key while the popup is open: moves the active option, accepts it or closes the
/// popup. Other keys are left to the textarea.
pub fn on_popup_key(
    e: &KeyboardEvent,
    s: Suggest,
    suggest: &UseStateHandle<Option<Suggest>>,
    accept: &dyn Fn(usize),
) {
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
}

/// Properties of [`CompletionPopup`].
#[derive(Properties, PartialEq)]
pub struct CompletionPopupProps {
    /// What is suggested.
    pub suggest: Suggest,
    /// The editor's id prefix (options are `{prefix}-ac-{i}`).
    pub prefix: AttrValue,
    /// The textarea the popup belongs to (for placing it).
    pub area_ref: NodeRef,
    /// Accepts the option at an index.
    pub on_accept: Callback<usize>,
}

/// The popup: a listbox placed under the replaced text (above it when there is no room).
#[component]
pub fn CompletionPopup(props: &CompletionPopupProps) -> Html {
    let popup_ref = use_node_ref();
    // Place the popup under the replaced text (CSSOM: the page forbids style attributes).
    {
        let popup_ref = popup_ref.clone();
        let area_ref = props.area_ref.clone();
        use_effect_with(props.suggest.clone(), move |s| {
            if let (Some(popup), Some(area)) = (
                popup_ref.cast::<HtmlElement>(),
                area_ref.cast::<HtmlTextAreaElement>(),
            ) {
                place(s, &popup, &area);
            }
        });
    }
    let s = &props.suggest;
    let prefix = &props.prefix;
    html! {
        <ul class="ac-list" role="listbox" id={format!("{prefix}-ac")} ref={popup_ref}
            aria-label="Suggestions">
            { for s.completion.items.iter().enumerate().map(|(i, item)| {
                let accept = props.on_accept.clone();
                let onmousedown = Callback::from(move |e: MouseEvent| {
                    // Keep the focus in the textarea.
                    e.prevent_default();
                    accept.emit(i);
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

/// Positions the popup under the line (or above it when the list would leave the visible
/// area: the surface clips it) and keeps the active option visible.
fn place(s: &Suggest, popup: &HtmlElement, area: &HtmlTextAreaElement) {
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
    // Keep the active option visible by scrolling the list only: scrollIntoView would also
    // scroll the clipped editor body and the page.
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
