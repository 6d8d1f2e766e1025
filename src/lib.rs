//! The IAM policy playground's web app: a thin Yew view over the `iam-engine` crate.
//!
//! The app owns no IAM logic: it keeps the user's state, asks the engine for answers and shows
//! them. See `ARCHITECTURE.md` for the map.

pub mod analysis;
pub mod clipboard;
pub mod components;
pub mod data;
pub mod page;
pub mod split;
pub mod storage;
pub mod store;
pub mod text;

pub use components::app::App;

/// Starts the page: an embed's ([`components::embed_app::EmbedApp`]) at once; the app's
/// ([`App`]) once its code is here (the `app` chunk of the split build, fetched while the
/// address's view is) and the saved scenarios kept in IndexedDB are read ([`storage::init`]).
pub fn start() {
    components::lazy::preload_for_address();
    if page::is_embed() {
        mount::<components::embed_app::EmbedApp>();
        return;
    }
    wasm_bindgen_futures::spawn_local(async {
        match app_loader::app().await {
            Ok(start_app) => start_app(),
            Err(split::LoadFailed) => show_load_failure(),
        }
    });
}

/// Reads the saved scenarios, then mounts the app.
fn start_app() {
    wasm_bindgen_futures::spawn_local(async {
        storage::init().await;
        mount::<App>();
    });
}

#[cfg(not(split_build))]
mod app_loader {
    /// Without the split build the app is in the one module.
    pub async fn app() -> Result<fn(), crate::split::LoadFailed> {
        Ok(super::start_app)
    }
}

#[cfg(split_build)]
#[allow(unsafe_code)] // A split point is an extern import and export (see crate::split).
mod app_loader {
    use wasm_split_helpers::wasm_split;

    /// The app's own code (everything an embed does not use), a chunk of its own.
    #[wasm_split(app, fallible)]
    pub fn app() -> Result<fn(), crate::split::LoadFailed> {
        Ok(super::start_app)
    }
}

/// Mounts `C` on the page's `#app` element (or the body when that element is missing).
fn mount<C: yew::BaseComponent<Properties = ()>>() {
    match gloo::utils::document().get_element_by_id("app") {
        Some(root) => {
            yew::Renderer::<C>::with_root(root).render();
        }
        None => {
            yew::Renderer::<C>::new().render();
        }
    }
}

/// Says, in the page, that the app's code could not be fetched.
fn show_load_failure() {
    let document = gloo::utils::document();
    let Some(root) = document
        .get_element_by_id("app")
        .or_else(|| document.body().map(Into::into))
    else {
        return;
    };
    root.set_inner_html(
        "<p class=\"lazy-status lazy-failed\" role=\"alert\">Could not load the playground. \
         Check the connection and reload the page.</p>",
    );
}

/// Convenience re-export so components can `use crate::prelude::*`.
pub mod prelude {
    pub use yew::prelude::*;
}
