//! The messages between an embed and its host page (see the parent module's table), apart from
//! the embed's views so the share view's live preview can read them too.

/// The `type` of the height message the embed posts to its parent.
pub const HEIGHT_MESSAGE: &str = "iam-playground:height";

/// The `type` of the message a host (the served `embed.js`) posts to ask for the height again,
/// when it starts after the embed has already posted it.
pub const HEIGHT_REQUEST_MESSAGE: &str = "iam-playground:height-request";

/// The `type` of the message a host may post to change the theme.
pub const THEME_MESSAGE: &str = "iam-playground:theme";

/// The `data-theme` value for a `theme` parameter: `light` or `dark`, else none (follow the
/// reader's system).
pub fn theme_param(value: Option<&str>) -> Option<&'static str> {
    match value.map(str::trim) {
        Some("light") => Some("light"),
        Some("dark") => Some("dark"),
        _ => None,
    }
}

/// Reads the height from an embed's message, if it is one: `{type: "iam-playground:height",
/// height}` with a finite, non-negative height (rounded up to whole pixels).
pub fn height_from_message(data: &wasm_bindgen::JsValue) -> Option<u32> {
    let field = |name: &str| js_sys::Reflect::get(data, &name.into()).ok();
    if !data.is_object() || field("type")?.as_string()? != HEIGHT_MESSAGE {
        return None;
    }
    let height = field("height")?.as_f64()?;
    (height.is_finite() && height >= 0.0).then(|| height.ceil().min(f64::from(u32::MAX)) as u32)
}
