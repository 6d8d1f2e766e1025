//! What the page's address says, read by views and by the storage alike: the query's
//! parameters (embed mode), the fragment (a share link) and the playground's own URL. Browser
//! calls only; no view is imported here, so the storage can ask whether the page is an embed
//! without depending on the embed view.

/// Whether the page was opened in embed mode: its query has an `embed` parameter.
pub fn is_embed() -> bool {
    query_param("embed").is_some()
}

/// Whether the page is a read-only embed: embed mode with a `readonly` parameter that turns
/// it on (see [`readonly_param`]).
pub fn is_read_only_embed() -> bool {
    is_embed() && readonly_param(query_param("readonly").as_deref())
}

/// Whether a `readonly` parameter value turns read-only on (`1`, `true`, `yes` or bare).
pub fn readonly_param(value: Option<&str>) -> bool {
    matches!(
        value.map(|v| v.trim().to_ascii_lowercase()).as_deref(),
        Some("" | "1" | "true" | "yes")
    )
}

/// The value of a parameter of the page's query string (`Some("")` for a bare `?embed`).
pub fn query_param(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    params.get(name)
}

/// The non-embed playground URL with the same share fragment: where "Open in the playground"
/// leads.
pub fn playground_url() -> String {
    let location = gloo::utils::window().location();
    format!(
        "{}{}{}",
        location.origin().unwrap_or_default(),
        location.pathname().unwrap_or_default(),
        location.hash().unwrap_or_default()
    )
}

/// The page's URL fragment (with its `#`), or an empty string.
pub fn location_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Removes the fragment from the address bar without reloading or adding a history entry.
pub fn clear_fragment() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let url = format!(
        "{}{}",
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    );
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}
