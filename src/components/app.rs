//! The root component.

use iam_engine::catalog::Catalog;
use yew::prelude::*;

use super::gallery::Gallery;
use super::shell::{Footer, Header};
use crate::data::{Loadable, load_catalog};

/// The whole page: header, workspace, footer. It starts loading the action catalog after the
/// first render and shares it with every component through a context.
#[component]
pub fn App() -> Html {
    let catalog = use_state(Loadable::<Catalog>::default);
    {
        let catalog = catalog.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                catalog.set(load_catalog().await);
            });
        });
    }
    html! {
        <ContextProvider<Loadable<Catalog>> context={(*catalog).clone()}>
            <div class="shell">
                <Header />
                <main id="workspace" class="workspace" aria-label="Workspace">
                    <Gallery />
                </main>
                <Footer />
            </div>
        </ContextProvider<Loadable<Catalog>>>
    }
}
