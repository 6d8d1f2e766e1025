//! Lazy loading of the AWS data assets (the action catalog, the managed policies).
//!
//! The assets are not in the wasm: the build writes them compressed beside the page
//! (`scripts/post_build.py`) and names them in `<meta name="iam-data:NAME">` tags. After the first
//! render the app fetches one from the page's own origin, decompresses it with the browser's
//! `DecompressionStream`, and hands the text to the engine's parser (a chunk of the release
//! build, `aws_data`, fetched once the first view has rendered). Until then the app works
//! without it.

use std::rc::Rc;

use iam_engine::catalog::{Catalog, ManagedPolicies};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
export async function fetch_gunzip_text(url) {
  const response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) {
    throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
  }
  const stream = response.body.pipeThrough(new DecompressionStream('gzip'));
  return await new Response(stream).text();
}
"#)]
extern "C" {
    /// Fetches a gzip file from the page's origin and returns its decompressed text.
    #[wasm_bindgen(catch)]
    async fn fetch_gunzip_text(url: &str) -> Result<JsValue, JsValue>;
}

/// Where a data asset is, as the build recorded it in the page's `<meta name="iam-data:NAME">`.
pub fn asset_url(name: &str) -> Option<String> {
    let selector = format!("meta[name=\"iam-data:{name}\"]");
    gloo::utils::document()
        .query_selector(&selector)
        .ok()
        .flatten()
        .and_then(|meta| meta.get_attribute("content"))
}

/// The state of a lazily loaded asset, as the UI shows it.
#[derive(Debug, Default)]
pub enum Loadable<T> {
    /// Not requested yet, or on its way.
    #[default]
    Loading,
    /// Loaded and parsed.
    Ready(Rc<T>),
    /// It could not be loaded; the message says why, in words for the user.
    Failed(String),
}

impl<T> Loadable<T> {
    /// The value, once it is here.
    pub fn ready(&self) -> Option<Rc<T>> {
        match self {
            Loadable::Ready(value) => Some(Rc::clone(value)),
            _ => None,
        }
    }
}

// Written out because a derive would require `T: Clone`; only the `Rc` is cloned.
impl<T> Clone for Loadable<T> {
    fn clone(&self) -> Self {
        match self {
            Loadable::Loading => Loadable::Loading,
            Loadable::Ready(value) => Loadable::Ready(Rc::clone(value)),
            Loadable::Failed(message) => Loadable::Failed(message.clone()),
        }
    }
}

impl<T> PartialEq for Loadable<T> {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Loadable::Loading, Loadable::Loading) => true,
            (Loadable::Ready(a), Loadable::Ready(b)) => Rc::ptr_eq(a, b),
            (Loadable::Failed(a), Loadable::Failed(b)) => a == b,
            _ => false,
        }
    }
}

/// Describes a JavaScript error in words.
fn js_error_text(err: &JsValue) -> String {
    err.as_string()
        .or_else(|| {
            err.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| "unknown error".to_owned())
}

/// Fetches the asset the build named `name` and parses it; `what` names it in messages.
async fn load_asset<T>(name: &str, what: &str, parser: fn(Parsers) -> Parse<T>) -> Loadable<T> {
    let Some(url) = asset_url(name) else {
        return Loadable::Failed(format!("This build of the page does not name {what}."));
    };
    let text = match fetch_gunzip_text(&url).await {
        Ok(value) => value.as_string().unwrap_or_default(),
        Err(err) => {
            return Loadable::Failed(format!(
                "{} could not be loaded ({}).",
                crate::text::capitalise(what),
                js_error_text(&err)
            ));
        }
    };
    // The parsers' chunk follows the first view, which reads no data.
    crate::split::after_first_view().await;
    let Ok(parsers) = load().await else {
        return Loadable::Failed(format!(
            "The code that reads {what} could not be fetched. Check the connection and reload \
             the page."
        ));
    };
    match parser(parsers)(&text) {
        Ok(value) => Loadable::Ready(Rc::new(value)),
        Err(err) => Loadable::Failed(format!(
            "{} is damaged: {err}.",
            crate::text::capitalise(what)
        )),
    }
}

/// The engine's parsers of the two assets. The release build keeps them in a chunk of their
/// own (`aws_data`, see [`crate::split`]), fetched once the first view has rendered: neither
/// the app's nor an embed's first view reads the data.
type Parsers = (Parse<Catalog>, Parse<ManagedPolicies>);

/// An asset's parser: its value, or why the text is not one.
type Parse<T> = fn(&str) -> Result<T, String>;

const PARSERS: Parsers = (
    |text| Catalog::parse(text).map_err(|e| e.to_string()),
    |text| ManagedPolicies::parse(text).map_err(|e| e.to_string()),
);

crate::split::split_point!(aws_data: fn parsers() -> Parsers { PARSERS });

/// Fetches and parses the action catalog.
pub async fn load_catalog() -> Loadable<Catalog> {
    load_asset("iam-catalog", "the action catalog", |p| p.0).await
}

/// Fetches and parses the AWS-managed policies (about 470 KB compressed, so only when a view
/// needs them).
pub async fn load_managed_policies() -> Loadable<ManagedPolicies> {
    load_asset("managed-policies", "the AWS-managed policies", |p| p.1).await
}
