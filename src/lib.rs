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

/// Mounts the app on the page's `#app` element (or the body when that element is missing),
/// once the saved scenarios kept in IndexedDB are read ([`storage::init`]).
pub fn start() {
    components::lazy::preload_for_address();
    wasm_bindgen_futures::spawn_local(async {
        storage::init().await;
        mount();
    });
}

fn mount() {
    let root = gloo::utils::document().get_element_by_id("app");
    match root {
        Some(root) => {
            yew::Renderer::<App>::with_root(root).render();
        }
        None => {
            yew::Renderer::<App>::new().render();
        }
    }
}

/// Convenience re-export so components can `use crate::prelude::*`.
pub mod prelude {
    pub use yew::prelude::*;
}
