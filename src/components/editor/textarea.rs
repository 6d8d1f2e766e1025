//! The editor's text surface: the transparent `<textarea>` over the drawn layer, with the line
//! geometry both share, selecting a span from script (and scrolling it into view), and the
//! hooks that keep the editor's own copy of the text and restore a selection after a render.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::AtomicUsize;

use iam_engine::editing::{span_to_utf16, utf16_to_byte};
use iam_engine::span::Span;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlTextAreaElement};
use yew::prelude::*;

/// Texts longer than this (in bytes) are shown without colours, underlines or bands: a policy
/// is at most 10,240 characters, and drawing hundreds of thousands of spans would stall typing.
pub const HIGHLIGHT_LIMIT: usize = 32 * 1024;

/// The height of one line in pixels; `editor.css` uses the same value.
pub const LINE_PX: f64 = 20.0;

/// The padding of the text surface in pixels; `editor.css` uses the same value.
pub const PAD_PX: f64 = 8.0;

/// A distinct id prefix per editor instance, for the ARIA relations of its listbox.
pub static NEXT_ID: AtomicUsize = AtomicUsize::new(0);

/// The selection to restore after the next render (UTF-16 offsets), and whether to scroll.
#[derive(Clone, Copy)]
pub struct PendingSelection {
    /// Where the selection starts.
    pub start: u32,
    /// Where it ends.
    pub end: u32,
    /// Whether to scroll it into view.
    pub scroll: bool,
}

impl PendingSelection {
    /// The selection of a byte span of `text`, scrolled into view.
    pub fn of_span(text: &str, span: Span) -> PendingSelection {
        let (start, end) = span_to_utf16(text, span);
        PendingSelection {
            start: to_u32(start),
            end: to_u32(end),
            scroll: true,
        }
    }
}

/// The editor's own copy of the text. It takes the `text` prop again only when the prop
/// changes: an accepted edit makes it equal to the local text (nothing to do), a refused one
/// leaves it alone (the user's text stays), and undo or another view changes it (the editor
/// follows).
#[hook]
pub fn use_editor_text(text: &AttrValue) -> UseStateHandle<String> {
    let local = use_state(|| text.to_string());
    {
        let local = local.clone();
        use_effect_with(text.clone(), move |text| {
            if **local != **text {
                local.set(text.to_string());
            }
        });
    }
    local
}

/// A selection requested by an event (autocomplete, format), restored once the textarea holds
/// the new text, after the next render.
#[hook]
pub fn use_pending_selection(area_ref: &NodeRef) -> Rc<RefCell<Option<PendingSelection>>> {
    let pending = use_mut_ref(|| None::<PendingSelection>);
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
    pending
}

/// Selects the caller's `jump` span (a finding clicked elsewhere) whenever it changes.
#[hook]
pub fn use_jump(jump: Option<Span>, area_ref: &NodeRef, local: &UseStateHandle<String>) {
    let area_ref = area_ref.clone();
    let local = local.clone();
    use_effect_with(jump, move |jump| {
        if let (Some(span), Some(area)) = (jump, area_ref.cast::<HtmlTextAreaElement>()) {
            select_in(&area, PendingSelection::of_span(&local, *span));
        }
    });
}

/// A callback selecting a byte span of the textarea's current text (diagnostic list,
/// highlight list, underline).
pub fn span_selector(area_ref: &NodeRef) -> Callback<Span> {
    let area_ref = area_ref.clone();
    Callback::from(move |span: Span| {
        if let Some(area) = area_ref.cast::<HtmlTextAreaElement>() {
            select_in(&area, PendingSelection::of_span(&area.value(), span));
        }
    })
}

/// Keeps the drawn layer and the gutter scrolled with the textarea.
pub fn follow_scroll(area: &HtmlTextAreaElement, pre_ref: &NodeRef, gutter_ref: &NodeRef) {
    if let Some(pre) = pre_ref.cast::<HtmlElement>() {
        pre.set_scroll_top(area.scroll_top());
        pre.set_scroll_left(area.scroll_left());
    }
    if let Some(gutter) = gutter_ref.cast::<HtmlElement>() {
        gutter.set_scroll_top(area.scroll_top());
    }
}

/// Selects a UTF-16 range, focuses the textarea and scrolls the range's first line into view.
pub fn select_in(area: &HtmlTextAreaElement, sel: PendingSelection) {
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

/// A count or offset as the DOM's `u32`, saturating.
pub fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
