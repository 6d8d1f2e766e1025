//! Copying text to the clipboard, with a keyboard fallback.
//!
//! The export and share views both offer a Copy button. The asynchronous clipboard is missing on
//! insecure pages and a browser may refuse it, so the copy falls back to selecting the text on
//! the page and telling the user to press the copy shortcut.

use wasm_bindgen::JsCast;
use yew::prelude::*;

/// What the status line says when the browser refused the clipboard and the text was selected.
const SELECTED_INSTEAD: &str = "The browser did not allow copying; the text is selected: press \
                                Ctrl+C (⌘C on a Mac) to copy it.";

/// Copies `text` to the clipboard; when the browser offers no clipboard (an insecure page) or
/// refuses, selects the text shown in `target` so the user can copy it with the keyboard. A
/// `<textarea>` target is focused and selected; any other element has its contents selected.
/// The outcome goes to `status` in words.
pub fn copy_text(text: String, target: NodeRef, status: UseStateHandle<String>) {
    let select_instead = {
        let status = status.clone();
        move || {
            select_target(&target);
            status.set(SELECTED_INSTEAD.to_owned());
        }
    };
    let navigator = gloo::utils::window().navigator();
    let clipboard = js_sys::Reflect::get(&navigator, &"clipboard".into())
        .ok()
        .filter(|c| !c.is_undefined() && !c.is_null())
        .map(|c| c.unchecked_into::<web_sys::Clipboard>());
    let Some(clipboard) = clipboard else {
        select_instead();
        return;
    };
    let promise = clipboard.write_text(&text);
    wasm_bindgen_futures::spawn_local(async move {
        match wasm_bindgen_futures::JsFuture::from(promise).await {
            Ok(_) => status.set("Copied.".to_owned()),
            Err(_) => select_instead(),
        }
    });
}

/// Selects the text in `target`: a text area's value, or the contents of any other element.
fn select_target(target: &NodeRef) {
    if let Some(area) = target.cast::<web_sys::HtmlTextAreaElement>() {
        let _ = area.focus();
        area.select();
    } else if let (Some(el), Some(sel)) = (
        target.cast::<web_sys::Element>(),
        gloo::utils::window().get_selection().ok().flatten(),
    ) {
        let _ = sel.select_all_children(&el);
    }
}
